//! `show`: a look behind the scenes at the organization, accounts and principals.
//!
//! Reads the world directly, outside any policy, so a trainee can see what the policies see.

// Commands return their Outcome early from helpers; it is not a hot path, so its size is fine.
#![allow(clippy::result_large_err)]

use super::Outcome;
use crate::clock::format_cli;
use crate::iam::{Attachments, IamAccount};
use crate::organizations::Organization;
use crate::world::World;
use rootsim_policy::arn;

/// Runs `show ...` with the account to look in (the signed-in one, or `--account`).
pub fn show(world: &World, account: Option<&str>, words: &[String]) -> Outcome {
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let need_account =
        || account.ok_or_else(|| Outcome::usage("You are signed out: name the account with --account ACCOUNT."));
    let iam_of = |acct: &str| world.iam.account(acct).expect("every account has IAM");
    match words.as_slice() {
        ["org"] | ["organization"] => match &world.organizations.org {
            Some(org) => Outcome::ok(org_tree(world, org, false)),
            None => Outcome::ok("There is no organization in this world."),
        },
        ["accounts"] => {
            let mut out = String::from("ID            NAME         STATUS   ROOT EMAIL\n");
            for a in world.accounts.by_id.values() {
                // The clock decides a closed account's state (`Account::status_at`).
                let status = a.status_at(world.clock.now());
                out.push_str(&format!("{}  {:<12} {:<8} {}\n", a.id, a.name, status.as_str(), a.email));
            }
            Outcome::ok(out.trim_end())
        }
        ["account"] => match need_account() {
            Ok(a) => Outcome::ok(account_view(world, a)),
            Err(o) => o,
        },
        ["account", key] => match world.accounts.find(key) {
            Some(a) => Outcome::ok(account_view(world, &a.id)),
            None => Outcome::fail("NotFound", format!("No account '{key}' in this world.")),
        },
        ["user", name] => match need_account() {
            Ok(a) => match iam_of(a).user(name) {
                Some(u) => {
                    let iam = iam_of(a);
                    let mut out = format!(
                        "IAM user {} ({}) in account {a}\n  created {}\n",
                        u.name,
                        arn::iam(a, "user", &u.path, &u.name),
                        format_cli(u.created)
                    );
                    out.push_str(&format!("  console password: {}\n", if u.login_profile.is_some() { "yes" } else { "no" }));
                    let keys: Vec<String> = u.access_keys.iter().map(|k| format!("{} ({})", k.id, k.status.as_str())).collect();
                    out.push_str(&format!("  access keys: {}\n", if keys.is_empty() { "none".into() } else { keys.join(", ") }));
                    out.push_str(&format!("  MFA devices: {}\n", u.mfa_devices.len()));
                    if let Some(b) = &u.boundary {
                        out.push_str(&format!("  permissions boundary: {b}\n"));
                    }
                    out.push_str(&policies("  ", &u.policies));
                    for g in iam.groups_of(&name.to_ascii_lowercase()) {
                        out.push_str(&format!("  through group {}:\n", g.name));
                        out.push_str(&policies("    ", &g.policies));
                    }
                    Outcome::ok(out.trim_end())
                }
                None => Outcome::fail("NotFound", format!("No user '{name}' in account {a}.")),
            },
            Err(o) => o,
        },
        ["group", name] => match need_account() {
            Ok(a) => match iam_of(a).group(name) {
                Some(g) => {
                    let iam = iam_of(a);
                    let members: Vec<&str> = g.members.iter().filter_map(|m| iam.users.get(m)).map(|u| u.name.as_str()).collect();
                    let mut out = format!("IAM group {} in account {a}\n  members: {}\n", g.name, if members.is_empty() { "none".to_string() } else { members.join(", ") });
                    out.push_str(&policies("  ", &g.policies));
                    Outcome::ok(out.trim_end())
                }
                None => Outcome::fail("NotFound", format!("No group '{name}' in account {a}.")),
            },
            Err(o) => o,
        },
        ["role", name] => match need_account() {
            Ok(a) => match iam_of(a).role(name) {
                Some(r) => {
                    let mut out = format!("IAM role {} ({}) in account {a}\n", r.name, arn::iam(a, "role", &r.path, &r.name));
                    if let Some(d) = &r.description {
                        out.push_str(&format!("  {d}\n"));
                    }
                    out.push_str(&format!("  max session: {}s\n", r.max_session_duration));
                    if let Some(b) = &r.boundary {
                        out.push_str(&format!("  permissions boundary: {b}\n"));
                    }
                    out.push_str("  trust policy:\n");
                    out.push_str(&indent(&super::to_cli_json(&r.trust_policy.to_json()), "    "));
                    out.push('\n');
                    out.push_str(&policies("  ", &r.policies));
                    Outcome::ok(out.trim_end())
                }
                None => Outcome::fail("NotFound", format!("No role '{name}' in account {a}.")),
            },
            Err(o) => o,
        },
        ["policy", policy_arn] => {
            let acct = account.or_else(|| arn::account_of(policy_arn)).unwrap_or("");
            let empty = IamAccount::default();
            let iam = world.iam.account(acct).unwrap_or(&empty);
            match iam.managed_policy(policy_arn) {
                Some(p) => Outcome::ok(format!("{policy_arn}\n{}", super::to_cli_json(&p.to_json()))),
                None => Outcome::fail("NotFound", format!("No managed policy {policy_arn} (customer managed policies are looked up in account {acct}).")),
            }
        }
        _ => Outcome::usage("usage: show org | accounts | account [ACCOUNT] | user NAME | group NAME | role NAME | policy ARN   [--account ACCOUNT]"),
    }
}

fn indent(text: &str, pad: &str) -> String {
    text.lines().map(|l| format!("{pad}{l}")).collect::<Vec<_>>().join("\n")
}

fn policies(pad: &str, a: &Attachments) -> String {
    let mut out = String::new();
    if a.managed.is_empty() && a.inline.is_empty() {
        out.push_str(&format!("{pad}policies: none\n"));
    }
    for m in &a.managed {
        out.push_str(&format!("{pad}managed policy {m}\n"));
    }
    for name in a.inline.keys() {
        out.push_str(&format!("{pad}inline policy {name}\n"));
    }
    out
}

fn account_view(world: &World, id: &str) -> String {
    let a = world.accounts.get(id).expect("looked up by the caller");
    let iam = world.iam.account(id).expect("every account has IAM");
    let root = &iam.root;
    let place = match world.organizations.of_account(id) {
        Some(org) if org.management_account == id => format!("management account of {}", org.id),
        Some(org) => {
            let path = org.path_of(id).unwrap_or_default();
            let names: Vec<String> = path[..path.len().saturating_sub(1)]
                .iter()
                .map(|t| org.ous.get(t).map_or("Root".to_string(), |o| o.name.clone()))
                .collect();
            format!("member of {} in {}", org.id, names.join(" / "))
        }
        None => "standalone".into(),
    };
    let status = a.status_at(world.clock.now());
    let mut out = format!("Account {} ({})\n  status: {}\n  {place}\n", a.id, a.name, status.as_str());
    if let Some(alias) = &a.alias {
        let url = crate::iam::account::sign_in_url(world, &a.id);
        out.push_str(&format!("  alias: {alias} (sign-in URL {url})\n"));
    }
    out.push_str(&format!("  root user: {}\n", a.email));
    out.push_str(&format!(
        "    password: {}, access keys: {}, signing certificates: {}, MFA devices: {}\n",
        if root.password.is_some() { "yes" } else { "no" },
        root.access_keys.len(),
        root.signing_certificates.len(),
        root.mfa_devices.len()
    ));
    out.push_str(&format!("  primary phone: {}\n", a.contact.phone_number));
    out.push_str(&format!(
        "  IAM: {} users, {} groups, {} roles, {} customer managed policies",
        iam.users.len(),
        iam.groups.len(),
        iam.roles.len(),
        iam.policies.len()
    ));
    out
}

/// The organization drawn as a tree. `detailed` (the `tree` command) adds each account's status
/// and each attached policy's type; `show org` keeps the short form.
pub(super) fn org_tree(world: &World, org: &Organization, detailed: bool) -> String {
    let mgmt_name = world.accounts.get(&org.management_account).map_or("", |a| a.name.as_str());
    let mut out = format!(
        "Organization {} (feature set {}), management account {} ({mgmt_name})\n",
        org.id,
        org.feature_set.as_str(),
        org.management_account
    );
    out.push_str(&format!("Root {}{}\n", org.root_id, attached(org, &org.root_id, detailed)));
    children(world, org, &org.root_id, "", detailed, &mut out);
    out.trim_end().to_string()
}

fn attached(org: &Organization, target: &str, detailed: bool) -> String {
    let names: Vec<String> = org
        .attachments
        .get(target)
        .into_iter()
        .flatten()
        .filter_map(|id| org.policies.get(id))
        .map(|p| match (detailed, p.policy_type.as_str()) {
            (false, _) => p.name.clone(),
            (true, "SERVICE_CONTROL_POLICY") => format!("SCP {}", p.name),
            (true, "RESOURCE_CONTROL_POLICY") => format!("RCP {}", p.name),
            (true, other) => format!("{other} {}", p.name),
        })
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("  [{}]", names.join(", "))
    }
}

fn children(world: &World, org: &Organization, parent: &str, prefix: &str, detailed: bool, out: &mut String) {
    let now = world.clock.now();
    let mut items: Vec<(String, String)> = Vec::new();
    for (id, m) in &org.accounts {
        if m.parent == parent {
            let account = world.accounts.get(id);
            let name = account.map_or("", |a| a.name.as_str());
            let note = if *id == org.management_account { "  (management account)" } else { "" };
            let status = match account {
                Some(a) if detailed => format!(" {}", a.status_at(now).as_str()),
                _ => String::new(),
            };
            items.push((id.clone(), format!("{id} {name}{status}{note}{}", attached(org, id, detailed))));
        }
    }
    for ou in org.ous.values().filter(|o| o.parent == parent) {
        items.push((ou.id.clone(), format!("OU {} ({}){}", ou.name, ou.id, attached(org, &ou.id, detailed))));
    }
    let n = items.len();
    for (i, (id, label)) in items.into_iter().enumerate() {
        let last = i + 1 == n;
        out.push_str(&format!("{prefix}{}{label}\n", if last { "└── " } else { "├── " }));
        if org.ous.contains_key(&id) {
            let next = format!("{prefix}{}", if last { "    " } else { "│   " });
            children(world, org, &id, &next, detailed, out);
        }
    }
}
