//! Who can do each root task now in one account (`tasks --account`).
//!
//! For every task of the catalogue, each way AWS offers to do it in this account, and whether it
//! works now: the account's own root user (its credentials, MFA, the account's state and what SCPs
//! and RCPs say), the management account or IAM delegated administrator through `sts:AssumeRoot`
//! with a task policy, the person at the root email through password recovery, and the management
//! account's own operations. Every "yes" is a decision of the real checks (one [`Authorizer`] for
//! the table: [`Authorizer::authorize`], [`Authorizer::decide`];
//! [`crate::world::sts::root_session_permitted`]), never a copy of their rules, so the view changes as the
//! world does. When nobody can, the view says what would change that.

use serde::Serialize;

use super::{available, root_may, Task, TASKS};
use crate::auth::{AuthRequest, Authorizer, Caller};
use crate::iam::org_features::{password_recovery_disabled, ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS};
use crate::world::World;
use rootsim_policy::arn;

/// One way to do a task in the account, and whether it works now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Way {
    /// Who, in a few words: `root user`, `management (assume-root S3UnlockBucketPolicy)`, ...
    pub who: String,
    /// Whether it works now.
    pub can: bool,
    /// Why (not), in a trainee's words.
    pub why: String,
    /// What would make it work, when it does not and something could.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub would_change: Option<String>,
}

/// One task in the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskNow {
    /// The task's ID.
    pub task: &'static str,
    /// Every way that applies to this kind of account.
    pub ways: Vec<Way>,
    /// Whether anybody can do it now.
    pub anybody: bool,
}

/// The per-account view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountTasks {
    /// The account's ID.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// `standalone`, `management` or `member`.
    pub kind: &'static str,
    /// The account and its root user's credentials, in a sentence.
    pub summary: String,
    /// Each task of the catalogue.
    pub tasks: Vec<TaskNow>,
}

/// The task policies that do (part of) a task in a root session: (task policy, the action the
/// session needs, what it does). AWS's five task policies
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html>) cover
/// no other task.
fn task_policies(task: &str) -> &'static [(&'static str, &'static str, &'static str)] {
    match task {
        "change-root-password" => &[
            ("IAMDeleteRootUserCredentials", "iam:DeleteLoginProfile", "delete the password"),
            ("IAMCreateRootUserPassword", "iam:CreateLoginProfile", "allow password recovery"),
        ],
        "manage-root-access-keys" => &[
            ("IAMAuditRootUserCredentials", "iam:ListAccessKeys", "list the keys"),
            ("IAMDeleteRootUserCredentials", "iam:DeleteAccessKey", "delete the keys, never create them"),
        ],
        "manage-root-signing-certs" => &[
            ("IAMAuditRootUserCredentials", "iam:ListSigningCertificates", "list the certificates"),
            ("IAMDeleteRootUserCredentials", "iam:DeleteSigningCertificate", "delete the certificates"),
        ],
        "manage-root-mfa" => &[
            ("IAMAuditRootUserCredentials", "iam:ListMFADevices", "list the devices"),
            ("IAMDeleteRootUserCredentials", "iam:DeactivateMFADevice", "deactivate the devices, never add one"),
        ],
        "s3-unlock-bucket-policy" => {
            &[("S3UnlockBucketPolicy", "s3:DeleteBucketPolicy", "read, replace or delete a bucket policy")]
        }
        "sqs-unlock-queue-policy" => {
            &[("SQSUnlockQueuePolicy", "sqs:SetQueueAttributes", "read or replace a queue policy")]
        }
        _ => &[],
    }
}

/// Whether the task is done in the console (so root access keys do not help).
fn console_only(t: &Task) -> bool {
    matches!(t.how, super::How::Console { .. })
}

/// The IAM users of `accounts` that [`Authorizer::decide`] allows `action` on `resource`, by name.
fn users_allowed(world: &World, auth: &Authorizer, accounts: &[&str], action: &str, resource: &str) -> Vec<String> {
    let mut out = Vec::new();
    for account in accounts {
        let Some(iam) = world.iam.account(account) else { continue };
        let name = world.accounts.get(account).map_or(*account, |a| a.name.as_str());
        for u in iam.users.values() {
            let user = arn::iam(account, "user", &u.path, &u.name);
            if auth.decide(world, &user, action, resource).is_ok_and(|r| r.decision.is_allowed()) {
                out.push(format!("{} of {name}", u.name));
            }
        }
    }
    out
}

/// The account's root user doing the task itself.
fn root_way(world: &World, auth: &Authorizer, account: &str, t: &Task) -> Way {
    let who = "root user".to_string();
    let root = world.iam.account(account).map(|i| &i.root);
    let password = root.is_some_and(|r| r.password.is_some());
    let keys = root.is_some_and(|r| r.access_keys.iter().any(|k| k.status == crate::iam::KeyStatus::Active));
    let mfa = root.is_some_and(|r| !r.mfa_devices.is_empty());
    let signs_in = if password {
        if mfa {
            "it signs in with its password and MFA"
        } else {
            "it signs in with its password (no MFA device yet)"
        }
    } else if keys && !console_only(t) {
        "it calls with its access keys (it has no password)"
    } else {
        let removed = world
            .organizations
            .of_account(account)
            .is_some_and(|o| o.management_account != account && o.root_features.contains(ROOT_CREDENTIALS_MANAGEMENT));
        let why = if removed {
            "it has no password: its root credentials were removed centrally".to_string()
        } else if keys {
            "this is done in the console and it has no password".to_string()
        } else {
            "it has no password and no access keys".to_string()
        };
        // What would bring the root user back is the recovery way's to say (recovery_way).
        return Way { who, can: false, why, would_change: None };
    };
    let caller = world.root_console_caller(account, mfa);
    match root_may(world, auth, &caller, t) {
        Ok(Some(yes)) => Way { who, can: true, why: yes, would_change: None },
        Ok(None) => Way { who, can: true, why: format!("{signs_in} and nothing denies it"), would_change: None },
        Err(why) => Way { who, would_change: change_for(&why, t, mfa), can: false, why },
    }
}

/// What would lift a refusal of the root user ([`root_may`]'s reason), if anything would.
fn change_for(why: &str, t: &Task, mfa: bool) -> Option<String> {
    if why.contains("service control policy") {
        Some("an SCP that no longer denies the root user".to_string())
    } else if why.contains("resource control policy") {
        Some("an RCP that no longer denies the root user".to_string())
    } else if t.id == "s3-mfa-delete" && !mfa {
        Some("register an MFA device for the root user".to_string())
    } else {
        None
    }
}

/// The management account or the IAM delegated administrator, in a root session of the member.
fn assume_root_ways(world: &World, auth: &Authorizer, account: &str, t: &Task) -> Vec<Way> {
    let Some(org) = world.organizations.of_account(account) else { return Vec::new() };
    if org.management_account == account {
        return Vec::new();
    }
    let mut from = vec![org.management_account.as_str()];
    from.extend(org.delegated_admins.get("iam.amazonaws.com").into_iter().flatten().map(String::as_str));
    let by = if from.len() > 1 { "management or IAM delegated admin" } else { "management" };
    let mut ways = Vec::new();
    for (policy, action, what) in task_policies(t.id) {
        let who = format!("{by} via assume-root {policy}");
        let no = |why: String, change: &str| Way {
            who: who.clone(),
            can: false,
            why,
            would_change: (!change.is_empty()).then(|| change.to_string()),
        };
        if let Err(e) = crate::world::sts::root_session_permitted(world, &org.management_account, account) {
            let change = if org.root_features.contains(ROOT_SESSIONS) {
                ""
            } else {
                "enable root sessions (aws iam enable-organizations-root-sessions)"
            };
            ways.push(no(e.message.clone(), change));
            continue;
        }
        let callers = users_allowed(world, auth, &from, "sts:AssumeRoot", &arn::root(account));
        if callers.is_empty() {
            ways.push(no(
                "no IAM user of the management account or delegated administrator may call sts:AssumeRoot".into(),
                "an identity policy that allows sts:AssumeRoot",
            ));
            continue;
        }
        // The session itself: the member's root user scoped by the task policy, carrying
        // aws:AssumedRoot, as `auth::resolve` builds it for AssumeRoot credentials.
        let session = Caller {
            task_policy: Some(format!("arn:aws:iam::aws:policy/root-task/{policy}")),
            console: false,
            temporary: true,
            ..world.root_console_caller(account, false)
        };
        let record = auth.authorize(world, &AuthRequest::new(&session, "us-east-1", action, &arn::root(account)));
        if !record.decision.is_allowed() {
            ways.push(no(
                format!("the root session would be denied {action}: {}", record.denial_message()),
                "an SCP with the aws:AssumedRoot carve-out",
            ));
            continue;
        }
        ways.push(Way {
            who,
            can: true,
            why: format!("{} may open the session; it can {what}", callers.join(", ")),
            would_change: None,
        });
    }
    ways
}

/// The person at the root email, when the root user has no password.
fn recovery_way(world: &World, auth: &Authorizer, account: &str, t: &Task) -> Option<Way> {
    let root = &world.iam.account(account)?.root;
    let email = &world.accounts.get(account)?.email;
    if root.password.is_some() || t.id == "kms-unmanageable-key" {
        return None;
    }
    let who = "person at the root email".to_string();
    if password_recovery_disabled(world, account) {
        let change = if world.organizations.of_account(account).is_some_and(|o| o.root_features.contains(ROOT_SESSIONS))
        {
            "allow password recovery (an IAMCreateRootUserPassword root session, then iam create-login-profile)"
        } else {
            "enable root sessions, then allow password recovery"
        };
        return Some(Way {
            who,
            can: false,
            why: "password recovery is not allowed for this member".into(),
            would_change: Some(change.into()),
        });
    }
    let caller = world.root_console_caller(account, !root.mfa_devices.is_empty());
    Some(match root_may(world, auth, &caller, t) {
        Ok(_) => Way {
            who,
            can: true,
            why: format!("{email} can reset the password (sign-in root --forgot-password), then sign in as root"),
            would_change: None,
        },
        Err(why) => Way {
            who,
            can: false,
            would_change: change_for(&why, t, !root.mfa_devices.is_empty()),
            why: format!("after recovery, the root user: {why}"),
        },
    })
}

/// The management account's own operations on a member (closing it, its access role).
fn management_way(world: &World, auth: &Authorizer, account: &str, t: &Task) -> Option<Way> {
    let org = world.organizations.of_account(account)?;
    if org.management_account == account {
        return None;
    }
    let mgmt = [org.management_account.as_str()];
    let (who, action, resource, what) = match t.id {
        "close-account" => {
            if org.feature_set != crate::organizations::FeatureSet::All {
                return Some(Way {
                    who: "management (organizations close-account)".into(),
                    can: false,
                    why: "the organization has only consolidated billing".into(),
                    would_change: Some("enable all features".into()),
                });
            }
            ("organizations close-account", "organizations:CloseAccount", org.account_arn(account), "close it")
        }
        "restore-iam-permissions" => {
            let role = world.iam.account(account)?.role("OrganizationAccountAccessRole")?;
            let role_arn = arn::iam(account, "role", &role.path, &role.name);
            ("OrganizationAccountAccessRole", "sts:AssumeRole", role_arn, "assume the role and edit IAM")
        }
        _ => return None,
    };
    let who = format!("management ({who})");
    let callers = users_allowed(world, auth, &mgmt, action, &resource);
    Some(if callers.is_empty() {
        Way {
            who,
            can: false,
            why: format!("no IAM user of the management account is allowed {action}"),
            would_change: None,
        }
    } else {
        Way { who, can: true, why: format!("{} may {what}", callers.join(", ")), would_change: None }
    })
}

/// Who can do each task now in `account` (an ID); `None` when no such account exists.
pub fn for_account(world: &World, account: &str) -> Option<AccountTasks> {
    let acct = world.accounts.get(account)?;
    let org = world.organizations.of_account(account);
    let kind = match org {
        None => "standalone",
        Some(o) if o.management_account == account => "management",
        Some(_) => "member",
    };
    let root = world.iam.account(account).map(|i| i.root.clone()).unwrap_or_default();
    let mut summary = format!("account {} ({account}), ", acct.name);
    match org {
        None => summary.push_str("standalone (in no organization)"),
        Some(o) if kind == "management" => summary.push_str(&format!("the management account of {}", o.id)),
        Some(_) => summary.push_str("member"),
    }
    if let (Some(o), "member") = (org, kind) {
        let on = |f: &str| if o.root_features.contains(f) { "on" } else { "off" };
        summary.push_str(&format!(
            " of {}: root credentials management {}, root sessions {}",
            o.id,
            on(ROOT_CREDENTIALS_MANAGEMENT),
            on(ROOT_SESSIONS)
        ));
    }
    if acct.status != crate::account::AccountStatus::Active {
        summary.push_str(&format!("; the account is {}", acct.status.as_str()));
    }
    summary.push_str(&format!(
        ".\nIts root user: password {}, {} access key(s), {} MFA device(s), {} signing certificate(s){}.",
        if root.password.is_some() { "set" } else { "none" },
        root.access_keys.len(),
        root.mfa_devices.len(),
        root.signing_certificates.len(),
        if root.recovery_allowed { ", password recovery allowed" } else { "" }
    ));
    // One authorizer for the table: its questions are about one world.
    let auth = Authorizer::new();
    let tasks = TASKS
        .iter()
        .map(|t| {
            let ways = if !available(t) {
                vec![Way {
                    who: "nobody".into(),
                    can: false,
                    why: "rootsim cannot perform this task yet".into(),
                    would_change: None,
                }]
            } else if t.id == "kms-unmanageable-key" {
                let open = acct.status == crate::account::AccountStatus::Active;
                vec![Way {
                    who: "administrator and root phone".into(),
                    can: open,
                    why: if open {
                        "an administrator opens the Support case; the person at the root user's primary phone confirms it".into()
                    } else {
                        "the account is closed".into()
                    },
                    would_change: None,
                }]
            } else {
                let mut ways = vec![root_way(world, &auth, account, t)];
                ways.extend(recovery_way(world, &auth, account, t));
                ways.extend(assume_root_ways(world, &auth, account, t));
                ways.extend(management_way(world, &auth, account, t));
                ways
            };
            TaskNow { task: t.id, anybody: ways.iter().any(|w| w.can), ways }
        })
        .collect();
    Some(AccountTasks { account_id: account.to_string(), account_name: acct.name.clone(), kind, summary, tasks })
}

impl AccountTasks {
    /// The view as text: one line per way, the task's ID on its first.
    pub fn render(&self) -> String {
        let mut out = format!("Who can do each root task now in {}\n", self.summary);
        out.push_str("TASK                          NOW  WHO: WHY\n");
        for t in &self.tasks {
            for (i, w) in t.ways.iter().enumerate() {
                let id = if i == 0 { t.task } else { "" };
                out.push_str(&format!("{id:<29} {:<4} {}: {}\n", if w.can { "yes" } else { "no" }, w.who, w.why));
            }
            if !t.anybody {
                let mut changes: Vec<&str> = Vec::new();
                for c in t.ways.iter().filter_map(|w| w.would_change.as_deref()) {
                    if !changes.contains(&c) {
                        changes.push(c);
                    }
                }
                let change = if changes.is_empty() {
                    String::new()
                } else {
                    format!("; what would change it: {}", changes.join("; or "))
                };
                out.push_str(&format!("{:<29} =>   nobody now{change}\n", ""));
            }
        }
        out.push_str("\nType `tasks TASK` for who may do a task in each kind of account.");
        out
    }
}
