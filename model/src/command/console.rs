//! Console-only actions: what AWS offers only in the console (or through Support), done in the
//! sandbox with `console ACTION ...` as the signed-in user.
//!
//! Each action is one entry of [`ACTIONS`]; `console` alone lists them and the root-task catalogue
//! (`crate::tasks`) refers to them by name.

// Actions return their Outcome early from helpers; it is not a hot path, so its size is fine.
#![allow(clippy::result_large_err)]

use super::sandbox::{check_options, Args};
use super::{LastCall, Outcome, Session};
use crate::account::{AccountStatus, PendingEmailChange, RootRegistrations};
use crate::auth::Identity;
use crate::billing::Seller;
use crate::clock::format_cli;
use crate::error::AwsError;
use serde_json::Value;

/// A console action.
pub struct Action {
    /// What follows `console`.
    pub name: &'static str,
    /// Its syntax.
    pub usage: &'static str,
    /// One line of help.
    pub summary: &'static str,
    run: fn(&mut Session, &Args) -> Outcome,
}

/// Every console action.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "change-root-password",
        usage: "console change-root-password --current-password OLD --new-password NEW",
        summary: "The root user, signed in to the console, changes its password.",
        run: change_root_password,
    },
    Action {
        name: "change-root-email",
        usage: "console change-root-email --new-email EMAIL",
        summary: "The root user starts changing its email address: a code goes to the new address.",
        run: change_root_email,
    },
    Action {
        name: "confirm-root-email",
        usage: "console confirm-root-email --code CODE",
        summary: "The root user enters the code sent to the new address, which becomes the root email.",
        run: confirm_root_email,
    },
    Action {
        name: "close-account",
        usage: "console close-account",
        summary: "The root user closes the account (a management account only once its members are closed).",
        run: close_account,
    },
    Action {
        name: "reopen-account",
        usage: "console reopen-account",
        summary: "The root user reopens an account it closed, within the 90-day post-closure period.",
        run: reopen_account,
    },
    Action {
        name: "activate-iam-billing-access",
        usage: "console activate-iam-billing-access",
        summary: "The root user lets IAM principals into billing (their policies then decide).",
        run: activate_iam_billing_access,
    },
    Action {
        name: "view-billing",
        usage: "console view-billing",
        summary:
            "Shows the account's bills: root always, IAM principals with billing access and aws-portal:ViewBilling.",
        run: view_billing,
    },
    Action {
        name: "view-tax-invoices",
        usage: "console view-tax-invoices --seller AWS-Inc|AWS-Europe|AISPL",
        summary: "Shows a seller's tax invoices: root sees all; IAM principals only AWS Europe's.",
        run: view_tax_invoices,
    },
    Action {
        name: "govcloud-signup",
        usage: "console govcloud-signup",
        summary: "The root user signs the account up for AWS GovCloud (US).",
        run: govcloud_signup,
    },
    Action {
        name: "ri-marketplace-register",
        usage: "console ri-marketplace-register",
        summary: "The root user registers the account as a Reserved Instance Marketplace seller.",
        run: ri_marketplace_register,
    },
    Action {
        name: "mturk-link",
        usage: "console mturk-link",
        summary: "The root user links the account to an Amazon Mechanical Turk requester account.",
        run: mturk_link,
    },
];

/// Runs `console ACTION ...`.
pub fn run(session: &mut Session, args: &Args) -> Outcome {
    let Some(name) = args.positional.first() else {
        let mut out = String::from("Console actions (AWS offers no API for them):\n");
        for a in ACTIONS {
            out.push_str(&format!("  {:<28} {}\n", a.name, a.summary));
        }
        return Outcome::ok(out.trim_end());
    };
    match ACTIONS.iter().find(|a| a.name == name) {
        Some(a) => {
            let caller = session.world.resolve(&session.identity).ok();
            let out = (a.run)(session, args);
            // A console action is an AWS call made by the console on the user's behalf, and
            // CloudTrail records it like one (rules MON-CONSOLE-ACTIONS), refused or not: every
            // attempt at a root task leaves a trace. Usage mistakes never reach AWS.
            let usage = out.code.as_deref() == Some("UsageError");
            if let (false, Some(caller), Some((service, event))) = (usage, caller, console_event(a.name)) {
                let result = if out.ok {
                    Ok(Value::Null)
                } else {
                    Err(AwsError::new(out.code.as_deref().unwrap_or("AccessDenied"), 400, out.text.clone()))
                };
                session.world.record_call(&caller, service, event, "us-east-1", &Default::default(), &result);
            }
            out
        }
        None => {
            let hint = super::suggest::nearest(name, ACTIONS.iter().map(|a| a.name))
                .map(|s| format!(" Did you mean '{s}'?"))
                .unwrap_or_default();
            Outcome::fail("UnknownCommand", format!("No console action '{name}'.{hint} Type `console` for the list."))
        }
    }
}

/// The event CloudTrail records for a console action: service and event name.
fn console_event(action: &str) -> Option<(&'static str, &'static str)> {
    Some(match action {
        "change-root-password" => ("iam", "ChangePassword"),
        "change-root-email" => ("account", "StartPrimaryEmailUpdate"),
        "confirm-root-email" => ("account", "AcceptPrimaryEmailUpdate"),
        "close-account" => ("account", "CloseAccount"),
        "reopen-account" => ("account", "ReopenAccount"),
        "activate-iam-billing-access" => ("billing", "UpdateIAMAccessPreference"),
        "view-billing" => ("billing", "GetBillingData"),
        "view-tax-invoices" => ("invoicing", "ListInvoiceSummaries"),
        "govcloud-signup" => ("govcloud", "CreateGovCloudAccount"),
        "ri-marketplace-register" => ("ec2", "RegisterReservedInstancesSeller"),
        "mturk-link" => ("mturk-requester", "LinkAccount"),
        _ => return None,
    })
}

/// The account whose root user is signed in to the console, or the refusal AWS's console gives
/// everyone else for root-only settings.
pub fn root_console_account(session: &Session, what: &str) -> Result<String, Outcome> {
    match &session.identity {
        Identity::Console { account, user: None, .. } => Ok(account.clone()),
        _ => Err(Outcome::fail(
            "RootUserRequired",
            format!("Only the root user, signed in to the console, can {what}; IAM users and roles cannot, whatever their policies."),
        )),
    }
}

fn change_root_password(session: &mut Session, args: &Args) -> Outcome {
    let usage = "console change-root-password --current-password OLD --new-password NEW";
    if let Err(o) = check_options(args, &["current-password", "new-password"], usage) {
        return o;
    }
    let (old, new) = match (args.need("current-password", usage), args.need("new-password", usage)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(o), _) | (_, Err(o)) => return o,
    };
    let account = match root_console_account(session, "change the root password") {
        Ok(a) => a,
        Err(o) => return o,
    };
    let (name, email) = {
        let a = session.world.accounts.get(&account).expect("signed in to an existing account");
        (a.name.clone(), a.email.clone())
    };
    let root = &session.world.iam.accounts[&account].root;
    if root.password.as_deref() != Some(old) {
        return Outcome::fail("FailedAuthentication", "The current password is not correct.");
    }
    if let Err(why) = crate::iam::check_root_password(new, &name, &email) {
        return Outcome::fail("PasswordPolicyViolation", format!("The new password is not accepted: {why}."));
    }
    session.world.iam.accounts.get_mut(&account).expect("exists").root.password = Some(new.to_string());
    Outcome::ok("The root user's password was changed.")
}

// ---------------------------------------------------------------- account, closure and billing

/// The account whose root user is signed in to the console, for a task AWS reserves to the root
/// user; everyone else is told `why` only root can do it.
fn root_only(session: &Session, what: &str, why: &str) -> Result<String, Outcome> {
    match &session.identity {
        Identity::Console { account, user: None, .. } => Ok(account.clone()),
        _ => Err(Outcome::fail(
            "RootUserRequired",
            format!(
                "Only the root user, signed in to the console, can {what}: {why}. IAM users and roles cannot, whatever their policies allow."
            ),
        )),
    }
}

/// Refuses a change to an account that is closed: in the post-closure period its root user can
/// only reopen it, look at its bills and settings, or contact Support.
fn require_active(session: &Session, account: &str) -> Result<(), Outcome> {
    let now = session.world.clock.now();
    let a = session.world.accounts.get(account).expect("signed in to an existing account");
    match a.status_at(now) {
        AccountStatus::Active => Ok(()),
        AccountStatus::Closed => Err(Outcome::fail(
            "AccountClosed",
            format!("Account {account} is permanently closed: nothing can be changed in it any more."),
        )),
        status => Err(Outcome::fail(
            "AccountClosed",
            format!(
                "Account {account} is closed ({}): reopen it first with `console reopen-account` (within 90 days of closing).",
                status.as_str()
            ),
        )),
    }
}

/// Parses the action's options, then runs `body`, so that every action reads the same.
fn with_options(args: &Args, allowed: &[&str], usage: &str) -> Result<(), Outcome> {
    check_options(args, allowed, usage)?;
    if args.positional.len() > 1 {
        return Err(Outcome::usage(format!("unexpected argument '{}'\nusage: {usage}", args.positional[1])));
    }
    Ok(())
}

const WHY_EMAIL: &str = "the root email is the root user's sign-in name and where AWS sends password resets and account notices, so only the account owner may move it";

fn change_root_email(session: &mut Session, args: &Args) -> Outcome {
    let usage = "console change-root-email --new-email EMAIL";
    let checked = (|| -> Result<(String, String), Outcome> {
        with_options(args, &["new-email"], usage)?;
        let new = args.need("new-email", usage)?.to_string();
        let account = root_only(session, "change the root user's email address", WHY_EMAIL)?;
        require_active(session, &account)?;
        check_new_email(session, &account, &new)?;
        Ok((account, new))
    })();
    let (account, new) = match checked {
        Ok(v) => v,
        Err(o) => return o,
    };
    let code = session.world.rng.digits(6);
    let now = session.world.clock.now();
    let expires = now + crate::account::EMAIL_CODE_SECONDS;
    let a = session.world.accounts.by_id.get_mut(&account).expect("checked");
    let old = a.email.clone();
    a.pending_email = Some(PendingEmailChange { new_email: new.clone(), code: code.clone(), expires });
    session.world.send_mail(&new,
        "no-reply@verify.signin.aws",
        "AWS Email Address Verification Request",
        format!(
            "The root user of AWS account {account} asked to use this address as its email address.\nVerification code: {code}\nThe code works for 24 hours. (in rootsim: console confirm-root-email --code {code})\nIf you did not ask for this, ignore this email."
        ),
        Some(code),
    );
    Outcome::ok(format!(
        "A verification code was sent to {new} (read it with `mail {new}`). Enter it with `console confirm-root-email --code CODE` within 24 hours; until then the root email stays {old}."
    ))
}

/// The checks a new root email must pass: a plausible address of 5-64 characters, not the current
/// one, and not the root email of any other account, even a closed one
/// (<https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-root-user-email.html>).
fn check_new_email(session: &Session, account: &str, new: &str) -> Result<(), Outcome> {
    if !(5..=64).contains(&new.chars().count()) || !crate::account::plausible_email(new) {
        return Err(Outcome::fail(
            "InvalidEmail",
            format!("'{new}' is not a valid email address (5 to 64 characters)."),
        ));
    }
    match session.world.accounts.by_email(new) {
        Some(a) if a.id == account => {
            Err(Outcome::fail("InvalidEmail", format!("{new} is already this account's root email address.")))
        }
        Some(_) => Err(Outcome::fail(
            "EmailAlreadyInUse",
            format!("Another AWS account already uses {new} as its root email address: an address can identify only one account (a closed account's address stays taken)."),
        )),
        None => Ok(()),
    }
}

fn confirm_root_email(session: &mut Session, args: &Args) -> Outcome {
    let usage = "console confirm-root-email --code CODE";
    let checked = (|| -> Result<(String, String), Outcome> {
        with_options(args, &["code"], usage)?;
        let code = args.need("code", usage)?;
        let account = root_only(session, "change the root user's email address", WHY_EMAIL)?;
        require_active(session, &account)?;
        let a = session.world.accounts.get(&account).expect("signed in to an existing account");
        let Some(pending) = &a.pending_email else {
            return Err(Outcome::fail(
                "NoPendingEmailChange",
                "No root email change is waiting for a code: start one with `console change-root-email --new-email EMAIL`.",
            ));
        };
        if session.world.clock.now() >= pending.expires {
            return Err(Outcome::fail(
                "ExpiredCode",
                "The verification code has expired: start again with `console change-root-email`.",
            ));
        }
        if pending.code != code {
            return Err(Outcome::fail("InvalidCode", "The verification code is not correct."));
        }
        let new = pending.new_email.clone();
        // Another account may have taken the address since the code was sent.
        check_new_email(session, &account, &new)?;
        Ok((account, new))
    })();
    let (account, new) = match checked {
        Ok(v) => v,
        Err(o) => return o,
    };
    let a = session.world.accounts.by_id.get_mut(&account).expect("checked");
    let old = std::mem::replace(&mut a.email, new.clone());
    a.pending_email = None;
    session.world.send_mail(&old,
        "no-reply@aws.amazon.com",
        "Your AWS account's root email address was changed",
        format!("The root user's email address of AWS account {account} is now {new}. If you did not make this change, contact AWS Support."),
        None,
    );
    Outcome::ok(format!(
        "The root user's email address is now {new} (was {old}). Sign in as root with the new address from now on."
    ))
}

fn close_account(session: &mut Session, args: &Args) -> Outcome {
    let checked = (|| -> Result<String, Outcome> {
        with_options(args, &[], "console close-account")?;
        let account = root_only(
            session,
            "close this account",
            "closing ends the access of every user, role and key and starts the 90-day countdown to deleting everything in it, so AWS leaves it to the account owner (a member account can also be closed by its organization's management account with `aws organizations close-account`)",
        )?;
        require_active(session, &account)?;
        let now = session.world.clock.now();
        if let Some(org) = session.world.organizations.of_account(&account) {
            if org.management_account == account {
                // Every member must be closed or removed first
                // (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-closing.html). A member in its
                // post-closure period (PENDING_CLOSURE, SUSPENDED) is still in the organization
                // and may still be reopened, so it counts until it is CLOSED for good or removed
                // (docs/rules.md ACCOUNT-CLOSE-MGMT-LAST).
                let open: Vec<String> = org
                    .accounts
                    .keys()
                    .filter(|id| **id != account)
                    .filter_map(|id| session.world.accounts.get(id))
                    .filter(|a| a.status_at(now) != AccountStatus::Closed)
                    .map(|a| format!("{} ({}) is {}", a.name, a.id, a.status_at(now).as_str()))
                    .collect();
                if !open.is_empty() {
                    return Err(Outcome::fail(
                        "ManagementAccountHasMembers",
                        format!(
                            "This is the management account of organization {}: it can be closed only after every member account is closed for good (after its 90-day post-closure period) or removed. Still in the organization: {}.",
                            org.id,
                            open.join(", ")
                        ),
                    ));
                }
            }
        }
        // SCPs bind a member's root user: one that denies account:CloseAccount stops it here.
        let caller = session.world.resolve(&session.identity).map_err(|e| Outcome::fail(&e.code, e.message))?;
        let record = session.world.authorize(
            &caller,
            "us-east-1",
            "account:CloseAccount",
            &crate::account::account_arn(&account),
            None,
            false,
        );
        if !record.decision.is_allowed() {
            return Err(Outcome::fail("AccessDenied", record.denial_message()));
        }
        Ok(account)
    })();
    let account = match checked {
        Ok(a) => a,
        Err(o) => return o,
    };
    let now = session.world.clock.now();
    let a = session.world.accounts.by_id.get_mut(&account).expect("checked");
    a.status = AccountStatus::Suspended;
    a.closed_at = Some(now);
    a.closed_by_root = true;
    a.pending_email = None;
    let (name, email) = (a.name.clone(), a.email.clone());
    let until = format_cli(now + crate::account::POST_CLOSURE_SECONDS);
    session.world.send_mail(&email,
        "no-reply@aws.amazon.com",
        "Your AWS account is closed",
        format!("AWS account {name} ({account}) was closed by its root user. Until {until} the root user can sign in and reopen it; after that the closure is permanent and the account's content is deleted."),
        None,
    );
    Outcome::ok(format!(
        "Account {name} ({account}) is closed (SUSPENDED). Its users, roles and access keys no longer work. Until {until} (90 days) its root user can sign in and reopen it with `console reopen-account`; after that it is permanently closed. A confirmation went to {email}."
    ))
}

fn reopen_account(session: &mut Session, args: &Args) -> Outcome {
    let checked = (|| -> Result<String, Outcome> {
        with_options(args, &[], "console reopen-account")?;
        let account = root_only(
            session,
            "reopen a closed account",
            "after closure no other principal of the account works any more, and the owner who closed it must be the one to bring it back",
        )?;
        let now = session.world.clock.now();
        let a = session.world.accounts.get(&account).expect("signed in to an existing account");
        match a.status_at(now) {
            AccountStatus::Active | AccountStatus::PendingClosure => {
                Err(Outcome::fail("AccountNotClosed", format!("Account {account} is not closed.")))
            }
            AccountStatus::Closed => Err(Outcome::fail(
                "AccountPermanentlyClosed",
                format!(
                    "Account {account} was closed on {} and its 90-day post-closure period is over: it is permanently closed and cannot be reopened, even by AWS Support. Its ID will never be reused.",
                    a.closed_at.map(format_cli).unwrap_or_default()
                ),
            )),
            AccountStatus::Suspended if !a.closed_by_root => Err(Outcome::fail(
                "ReopenThroughSupport",
                format!("Account {account} was not closed by its root user (its organization or AWS closed it): only AWS Support can reopen it."),
            )),
            AccountStatus::Suspended => Ok(account),
        }
    })();
    let account = match checked {
        Ok(a) => a,
        Err(o) => return o,
    };
    let a = session.world.accounts.by_id.get_mut(&account).expect("checked");
    a.status = AccountStatus::Active;
    a.closed_at = None;
    a.closed_by_root = false;
    let (name, email) = (a.name.clone(), a.email.clone());
    session.world.send_mail(
        &email,
        "no-reply@aws.amazon.com",
        "Your AWS account was reopened",
        format!("AWS account {name} ({account}) was reopened by its root user. Billing resumes for its resources."),
        None,
    );
    Outcome::ok(format!(
        "Account {name} ({account}) is ACTIVE again: its users, roles and access keys work again, and billing resumes."
    ))
}

fn activate_iam_billing_access(session: &mut Session, args: &Args) -> Outcome {
    let checked = (|| -> Result<String, Outcome> {
        with_options(args, &[], "console activate-iam-billing-access")?;
        let account = root_only(
            session,
            "activate IAM access to billing",
            "bills, payment methods and tax settings belong to the account owner, so IAM policies count for billing only once the root user has opened that door",
        )?;
        require_active(session, &account)?;
        Ok(account)
    })();
    let account = match checked {
        Ok(a) => a,
        Err(o) => return o,
    };
    if session.world.iam_billing_access(&account) {
        let why = if session.world.billing.iam_access_activated.contains_key(&account) {
            "the root user activated it earlier"
        } else {
            "on by default for an account its organization created"
        };
        return Outcome::ok(format!("IAM access to billing is already active in account {account} ({why})."));
    }
    let now = session.world.clock.now();
    session.world.billing.iam_access_activated.insert(account.clone(), now);
    Outcome::ok(format!(
        "IAM access to billing is now active in account {account}. IAM users and roles see billing if their policies allow it (aws-portal:ViewBilling)."
    ))
}

/// Who may read the account's billing, as the console decides it: the root user always; an IAM
/// principal only once IAM access is active, and then if the policy engine allows
/// `aws-portal:ViewBilling`. The decision is kept for `explain`. Returns the account and whether
/// the reader is the root user.
fn billing_reader(session: &mut Session) -> Result<(String, bool), Outcome> {
    if let Identity::Console { account, user: None, .. } = &session.identity {
        // The root user may read bills even in the post-closure period.
        return Ok((account.clone(), true));
    }
    let caller = session.world.resolve(&session.identity).map_err(|e| {
        let mut text = format!("Your credentials no longer work: {} ({})", e.message, e.code);
        if let Some(h) = &e.hint {
            text.push('\n');
            text.push_str(h);
        }
        Outcome::fail(&e.code, text)
    })?;
    if caller.is_root() {
        return Ok((caller.account.clone(), true));
    }
    if !session.world.iam_billing_access(&caller.account) {
        return Err(Outcome::fail(
            "IamBillingAccessNotActivated",
            format!(
                "IAM access to billing is not activated in account {}: until its root user runs `console activate-iam-billing-access`, no IAM user or role sees billing, whatever its policies allow.",
                caller.account
            ),
        ));
    }
    let record = session.world.authorize(&caller, "us-east-1", "aws-portal:ViewBilling", "*", None, false);
    let allowed = record.decision.is_allowed();
    let message = record.denial_message();
    let error = (!allowed).then(|| AwsError::access_denied(message.clone()));
    session.last =
        Some(LastCall { operation: "ViewBilling".into(), service: "aws-portal".into(), auth: vec![record], error });
    if !allowed {
        return Err(Outcome::fail("AccessDenied", message));
    }
    Ok((caller.account, false))
}

fn view_billing(session: &mut Session, args: &Args) -> Outcome {
    if let Err(o) = with_options(args, &[], "console view-billing") {
        return o;
    }
    match billing_reader(session) {
        Ok((account, _)) => Outcome::ok(crate::billing::bills_text(&session.world, &account)),
        Err(o) => o,
    }
}

fn view_tax_invoices(session: &mut Session, args: &Args) -> Outcome {
    let usage = "console view-tax-invoices --seller AWS-Inc|AWS-Europe|AISPL";
    if let Err(o) = with_options(args, &["seller"], usage) {
        return o;
    }
    let name = match args.need("seller", usage) {
        Ok(n) => n,
        Err(o) => return o,
    };
    let Some(seller) = Seller::parse(name) else {
        return Outcome::usage(format!("unknown seller '{name}': AWS-Inc, AWS-Europe or AISPL\nusage: {usage}"));
    };
    // Invoices of AWS Inc. and AISPL are the root user's alone, before any policy is asked.
    let is_root_console = matches!(&session.identity, Identity::Console { user: None, .. });
    if !seller.visible_to_iam() && !is_root_console {
        let root_by_keys = session.world.resolve(&session.identity).is_ok_and(|c| c.is_root());
        if !root_by_keys {
            return Outcome::fail(
                "RootUserRequired",
                format!(
                    "Only the root user can view tax invoices from {}: aws-portal:ViewBilling lets IAM users and roles see AWS Europe's invoices only, and AWS keeps those of AWS Inc. and AISPL to the account owner.",
                    seller.legal_name()
                ),
            );
        }
    }
    let (account, _) = match billing_reader(session) {
        Ok(v) => v,
        Err(o) => return o,
    };
    let mut out = format!("Tax invoices from {} for account {account}:\n", seller.legal_name());
    for inv in crate::billing::invoices(&account, seller) {
        out.push_str(&format!("  {}  {}  {}\n", inv.period, inv.id, inv.amount()));
    }
    Outcome::ok(out.trim_end())
}

/// A root-only sign-up recorded on the account: which one, in words, and where it is kept.
fn root_signup(
    session: &mut Session,
    args: &Args,
    action: &str,
    what: &str,
    why: &str,
    field: fn(&mut RootRegistrations) -> &mut Option<i64>,
    done: &str,
) -> Outcome {
    let checked = (|| -> Result<String, Outcome> {
        with_options(args, &[], &format!("console {action}"))?;
        let account = root_only(session, what, why)?;
        require_active(session, &account)?;
        Ok(account)
    })();
    let account = match checked {
        Ok(a) => a,
        Err(o) => return o,
    };
    let now = session.world.clock.now();
    let a = session.world.accounts.by_id.get_mut(&account).expect("checked");
    let slot = field(&mut a.registrations);
    if let Some(at) = *slot {
        return Outcome::ok(format!("Account {account} already did this on {}: {done}", format_cli(at)));
    }
    *slot = Some(now);
    Outcome::ok(format!("Account {account}: {done} Only the root user could do this."))
}

fn govcloud_signup(session: &mut Session, args: &Args) -> Outcome {
    root_signup(
        session,
        args,
        "govcloud-signup",
        "sign the account up for AWS GovCloud (US)",
        "the GovCloud account is linked to this account and billed through it, a commitment only the account owner can make",
        |r| &mut r.govcloud,
        "signed up for AWS GovCloud (US); a linked GovCloud account is being set up.",
    )
}

fn ri_marketplace_register(session: &mut Session, args: &Args) -> Outcome {
    root_signup(
        session,
        args,
        "ri-marketplace-register",
        "register the account as a seller in the Reserved Instance Marketplace",
        "selling Reserved Instances means AWS pays proceeds into the owner's bank account and reports them for tax, so the owner must register",
        |r| &mut r.ri_marketplace,
        "registered as a seller in the EC2 Reserved Instance Marketplace.",
    )
}

fn mturk_link(session: &mut Session, args: &Args) -> Outcome {
    root_signup(
        session,
        args,
        "mturk-link",
        "link the account to an Amazon Mechanical Turk requester account",
        "Mechanical Turk then charges this account's payment method, which only the account owner can agree to",
        |r| &mut r.mturk,
        "linked to an Amazon Mechanical Turk requester account.",
    )
}
