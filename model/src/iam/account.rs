//! The account-wide IAM operations: the account summary, the account password policy and its
//! enforcement on IAM users' passwords, `ChangePassword`, account aliases (and the sign-in URL
//! they make), and the last use of access keys.
//!
//! The password policy applies to IAM users only: the root user's password follows the root
//! user's own rules (`check_root_password`, rule ROOT-PASSWORD-RULES).

use super::enforce::{check_user_password, note_password_set, password_expiry};
use super::ops::{iam_mut, iam_of};
use super::{KeyUse, PasswordPolicy};
use crate::auth::CallerKind;
use crate::caller::Caller;
use crate::clock::format_cli;
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_bool, opt_i64, req_str, Call, Operation, Shape};
use crate::world::World;
use rootsim_policy::{arn, Policy, PolicyKind};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

/// The IAM sign-in URL of `account`: its alias when it has one, else its ID
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/console_account-alias.html>).
pub fn sign_in_url(world: &World, account: &str) -> String {
    let name = world.accounts.get(account).and_then(|a| a.alias.clone()).unwrap_or_else(|| account.to_string());
    format!("https://{name}.signin.aws.amazon.com/console")
}

/// Records that `caller` signed a successful call to `service` in `region` with a long-term
/// access key: `GetAccessKeyLastUsed` and the credential report read it. A failed call is not
/// recorded, so that it changes nothing but the event history. Session credentials (`ASIA...`)
/// are not IAM access keys and record nothing.
pub fn note_key_use(world: &mut World, caller: &Caller, service: &str, region: &str) {
    let Some(id) = caller.access_key_id.as_deref() else { return };
    if !id.starts_with("AKIA") || world.iam.find_key(id).is_none() {
        return;
    }
    let now = world.clock.now();
    if let Some(iam) = world.iam.accounts.get_mut(&caller.account) {
        let usage = KeyUse { date: now, service: service.to_string(), region: region.to_string() };
        iam.key_usage.insert(id.to_string(), usage);
    }
}

// ---------------------------------------------------------------- summary

/// IAM's quotas as `GetAccountSummary` reports them (the AWS CLI's example output for
/// `get-account-summary`, <https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-summary.html>).
const QUOTAS: &[(&str, u64)] = &[
    ("AccessKeysPerUserQuota", 2),
    ("AssumeRolePolicySizeQuota", 2048),
    ("AttachedPoliciesPerGroupQuota", 10),
    ("AttachedPoliciesPerRoleQuota", 10),
    ("AttachedPoliciesPerUserQuota", 20),
    ("GlobalEndpointTokenVersion", 1),
    ("GroupPolicySizeQuota", 5120),
    ("GroupsPerUserQuota", 10),
    ("GroupsQuota", 300),
    ("InstanceProfilesQuota", 1000),
    ("PoliciesQuota", 1500),
    ("PolicySizeQuota", 6144),
    ("PolicyVersionsInUseQuota", 10000),
    ("RolePolicySizeQuota", 10240),
    ("RolesQuota", 1000),
    ("ServerCertificatesQuota", 20),
    ("SigningCertificatesPerUserQuota", 2),
    ("UserPolicySizeQuota", 2048),
    ("UsersQuota", 5000),
    ("VersionsPerPolicyQuota", 5),
];

fn get_account_summary(call: &mut Call, _: &Input) -> AwsResult<Value> {
    call.authorize("iam:GetAccountSummary", "*")?;
    let iam = iam_of(call);
    let flag = |b: bool| u64::from(b);
    let mut attached: Vec<&String> = iam
        .users
        .values()
        .map(|u| &u.policies)
        .chain(iam.groups.values().map(|g| &g.policies))
        .chain(iam.roles.values().map(|r| &r.policies))
        .flat_map(|a| a.managed.iter())
        .collect();
    attached.sort_unstable();
    attached.dedup();
    // A customer managed policy in use counts each of its versions; an AWS managed one, one.
    let versions_in_use: usize =
        attached.iter().map(|a| iam.policies.get(a.as_str()).map_or(1, |p| p.versions.len())).sum();
    let mfa_in_use = iam.root.mfa_devices.len() + iam.users.values().map(|u| u.mfa_devices.len()).sum::<usize>();
    let counts: [(&str, u64); 14] = [
        ("AccountAccessKeysPresent", flag(!iam.root.access_keys.is_empty())),
        ("AccountMFAEnabled", flag(!iam.root.mfa_devices.is_empty())),
        ("AccountPasswordPresent", flag(iam.root.password.is_some())),
        ("AccountSigningCertificatesPresent", flag(!iam.root.signing_certificates.is_empty())),
        ("Groups", iam.groups.len() as u64),
        ("InstanceProfiles", iam.instance_profiles.len() as u64),
        ("MFADevices", iam.virtual_mfa_devices.len() as u64),
        ("MFADevicesInUse", mfa_in_use as u64),
        ("Policies", iam.policies.len() as u64),
        ("PolicyVersionsInUse", versions_in_use as u64),
        ("Providers", 0),
        ("Roles", iam.roles.len() as u64),
        ("ServerCertificates", 0),
        ("Users", iam.users.len() as u64),
    ];
    let mut all: Vec<(&str, u64)> = counts.iter().chain(QUOTAS).copied().collect();
    all.sort_unstable_by_key(|(k, _)| *k);
    let map: Map<String, Value> = all.into_iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    Ok(json!({ "SummaryMap": map }))
}

// ---------------------------------------------------------------- password policy

fn range(input: &Input, name: &str, field: &str, min: i64, max: i64) -> AwsResult<Option<u32>> {
    let Some(v) = opt_i64(input, name) else { return Ok(None) };
    if v < min {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{v}' at '{field}' failed to satisfy constraint: Member must have value greater than or equal to {min}"
        )));
    }
    if v > max {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{v}' at '{field}' failed to satisfy constraint: Member must have value less than or equal to {max}"
        )));
    }
    Ok(Some(v as u32))
}

fn update_account_password_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    // No partial updates: every parameter left out takes its default
    // (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html>).
    let policy = PasswordPolicy {
        minimum_length: range(input, "MinimumPasswordLength", "minimumPasswordLength", 6, 128)?.unwrap_or(6),
        require_symbols: opt_bool(input, "RequireSymbols").unwrap_or(false),
        require_numbers: opt_bool(input, "RequireNumbers").unwrap_or(false),
        require_uppercase: opt_bool(input, "RequireUppercaseCharacters").unwrap_or(false),
        require_lowercase: opt_bool(input, "RequireLowercaseCharacters").unwrap_or(false),
        allow_users_to_change: opt_bool(input, "AllowUsersToChangePassword").unwrap_or(false),
        max_age_days: range(input, "MaxPasswordAge", "maxPasswordAge", 1, 1095)?,
        reuse_prevention: range(input, "PasswordReusePrevention", "passwordReusePrevention", 1, 24)?,
        hard_expiry: opt_bool(input, "HardExpiry"),
    };
    call.authorize("iam:UpdateAccountPasswordPolicy", "*")?;
    iam_mut(call).password_policy = Some(policy);
    Ok(Value::Null)
}

fn no_policy(call: &Call) -> AwsError {
    AwsError::no_such_entity(format!("The Password Policy with domain name {} cannot be found.", call.account()))
}

fn get_account_password_policy(call: &mut Call, _: &Input) -> AwsResult<Value> {
    call.authorize("iam:GetAccountPasswordPolicy", "*")?;
    let p = iam_of(call).password_policy.clone().ok_or_else(|| no_policy(call))?;
    let mut v = json!({
        "MinimumPasswordLength": p.minimum_length,
        "RequireSymbols": p.require_symbols,
        "RequireNumbers": p.require_numbers,
        "RequireUppercaseCharacters": p.require_uppercase,
        "RequireLowercaseCharacters": p.require_lowercase,
        "AllowUsersToChangePassword": p.allow_users_to_change,
        "ExpirePasswords": p.max_age_days.is_some(),
    });
    if let Some(d) = p.max_age_days {
        v["MaxPasswordAge"] = json!(d);
    }
    if let Some(n) = p.reuse_prevention {
        v["PasswordReusePrevention"] = json!(n);
    }
    if let Some(h) = p.hard_expiry {
        v["HardExpiry"] = json!(h);
    }
    Ok(json!({ "PasswordPolicy": v }))
}

fn delete_account_password_policy(call: &mut Call, _: &Input) -> AwsResult<Value> {
    call.authorize("iam:DeleteAccountPasswordPolicy", "*")?;
    if iam_of(call).password_policy.is_none() {
        return Err(no_policy(call));
    }
    iam_mut(call).password_policy = None;
    Ok(Value::Null)
}

fn change_password(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let old = req_str(input, "OldPassword")?;
    let new = req_str(input, "NewPassword")?;
    // Only an IAM user changes its own password this way; the root user's is changed in the
    // console (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_ChangePassword.html>).
    let CallerKind::User { key: user } = call.caller.kind.clone() else {
        return Err(AwsError::new(
            "InvalidUserType",
            400,
            "The request was rejected because the type of user for the transaction was incorrect.",
        ));
    };
    let (path, name) = {
        let u = &iam_of(call).users[&user];
        (u.path.clone(), u.name.clone())
    };
    let account = call.account();
    let user_arn = arn::iam(&account, "user", &path, &name);
    // AllowUsersToChangePassword lets every user change its own password without a policy:
    // modelled as a grant on the user itself, evaluated with the caller's other policies
    // (an explicit deny, an SCP or a boundary still applies).
    let allow_all = iam_of(call).password_policy.as_ref().is_some_and(|p| p.allow_users_to_change);
    if allow_all {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{user_arn}"}},"Action":"iam:ChangePassword","Resource":"{user_arn}"}}]}}"#
        );
        let grant = Policy::parse(&text, PolicyKind::Resource).map_err(crate::error::policy_error)?;
        call.authorize_with("iam:ChangePassword", &user_arn, Some(("AllowUsersToChangePassword", &grant)))?;
    } else {
        call.authorize("iam:ChangePassword", &user_arn)?;
    }
    let iam = iam_of(call);
    let current = iam.users[&user].login_profile.as_ref().and_then(|p| p.password.clone());
    let Some(current) = current else {
        return Err(AwsError::no_such_entity(format!("Login Profile for User {name} cannot be found.")));
    };
    if current != old {
        return Err(AwsError::access_denied("The old password is incorrect."));
    }
    let expired = password_expiry(iam, &user).is_some_and(|t| call.now() >= t);
    let hard = iam.password_policy.as_ref().and_then(|p| p.hard_expiry).unwrap_or(false);
    if expired && hard {
        return Err(AwsError::new(
            "EntityTemporarilyUnmodifiable",
            409,
            "Your password has expired and the account's password policy requires an administrator to reset it.",
        ));
    }
    check_user_password(call, &name, new)?;
    note_password_set(call, &user, Some(current));
    let profile = iam_mut(call).users.get_mut(&user).expect("checked").login_profile.as_mut().expect("checked");
    profile.password = Some(new.to_string());
    profile.reset_required = false;
    Ok(Value::Null)
}

// ---------------------------------------------------------------- aliases

fn alias_valid(alias: &str) -> bool {
    let b = alias.as_bytes();
    let ok = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    (3..=63).contains(&b.len())
        && ok(b[0])
        && ok(b[b.len() - 1])
        && b.iter().all(|&c| ok(c) || c == b'-')
        && !alias.contains("--")
}

fn create_account_alias(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let alias = req_str(input, "AccountAlias")?;
    if !alias_valid(alias) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{alias}' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){{1,61}}[a-z0-9]$"
        )));
    }
    call.authorize("iam:CreateAccountAlias", "*")?;
    let account = call.account();
    // Aliases are unique across AWS.
    let taken = call.world.accounts.by_id.values().any(|a| a.id != account && a.alias.as_deref() == Some(alias));
    if taken {
        return Err(AwsError::already_exists(format!("The account alias {alias} already exists.")));
    }
    if let Some(a) = call.world.accounts.by_id.get_mut(&account) {
        a.alias = Some(alias.to_string());
    }
    Ok(Value::Null)
}

fn delete_account_alias(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let alias = req_str(input, "AccountAlias")?;
    call.authorize("iam:DeleteAccountAlias", "*")?;
    let account = call.account();
    let a = call.world.accounts.by_id.get_mut(&account).filter(|a| a.alias.as_deref() == Some(alias));
    let Some(a) = a else {
        return Err(AwsError::no_such_entity(format!("The account alias {alias} cannot be found.")));
    };
    a.alias = None;
    Ok(Value::Null)
}

fn list_account_aliases(call: &mut Call, _: &Input) -> AwsResult<Value> {
    call.authorize("iam:ListAccountAliases", "*")?;
    let account = call.account();
    let aliases: Vec<&String> = call.world.accounts.get(&account).and_then(|a| a.alias.as_ref()).into_iter().collect();
    Ok(json!({ "AccountAliases": aliases }))
}

// ---------------------------------------------------------------- access key last used

fn get_access_key_last_used(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let id = req_str(input, "AccessKeyId")?;
    let account = call.account();
    let not_found = || AwsError::no_such_entity(format!("The Access Key with id {id} cannot be found."));
    // The key's owner in the caller's account: its user's ARN, or the account's root.
    let owner = {
        let iam = iam_of(call);
        if iam.root.access_keys.iter().any(|k| k.id == id) {
            Some(None)
        } else {
            iam.users
                .values()
                .find(|u| u.access_keys.iter().any(|k| k.id == id))
                .map(|u| Some((u.path.clone(), u.name.clone())))
        }
    };
    let resource = match &owner {
        Some(Some((path, name))) => arn::iam(&account, "user", path, name),
        Some(None) => arn::root(&account),
        None => arn::iam(&account, "user", "/", "*"),
    };
    call.authorize("iam:GetAccessKeyLastUsed", &resource)?;
    let owner = owner.ok_or_else(not_found)?;
    let used = iam_of(call).key_usage.get(id);
    let mut last = Map::new();
    if let Some(u) = used {
        last.insert("LastUsedDate".into(), json!(format_cli(u.date)));
    }
    last.insert("ServiceName".into(), json!(used.map_or("N/A", |u| u.service.as_str())));
    last.insert("Region".into(), json!(used.map_or("N/A", |u| u.region.as_str())));
    let mut out = Map::new();
    if let Some((_, name)) = owner {
        out.insert("UserName".into(), json!(name));
    }
    out.insert("AccessKeyLastUsed".into(), Value::Object(last));
    Ok(Value::Object(out))
}

// ---------------------------------------------------------------- the table

const ALIAS: crate::service::Param = p("AccountAlias", Shape::String, true, "the account alias");

/// The account-wide IAM operations.
pub const OPERATIONS: &[Operation] = operations!(
    "iam",
    [
        ("GetAccountSummary", get_account_summary, "Shows the account's IAM entity counts and quotas, and whether the root user has MFA, access keys, a password or signing certificates.", []),
        ("UpdateAccountPasswordPolicy", update_account_password_policy, "Sets the account password policy for IAM users (parameters left out take their defaults).", [
            p("MinimumPasswordLength", Shape::Integer, false, "6 to 128 (default 6)"),
            p("RequireSymbols", Shape::Boolean, false, "require a symbol"),
            p("RequireNumbers", Shape::Boolean, false, "require a digit"),
            p("RequireUppercaseCharacters", Shape::Boolean, false, "require an upper-case letter"),
            p("RequireLowercaseCharacters", Shape::Boolean, false, "require a lower-case letter"),
            p("AllowUsersToChangePassword", Shape::Boolean, false, "let every user change its own password"),
            p("MaxPasswordAge", Shape::Integer, false, "days before a password expires (1 to 1095)"),
            p("PasswordReusePrevention", Shape::Integer, false, "previous passwords that cannot be reused (1 to 24)"),
            p("HardExpiry", Shape::Boolean, false, "expired passwords can only be reset by an administrator"),
        ]),
        ("GetAccountPasswordPolicy", get_account_password_policy, "Shows the account password policy.", []),
        ("DeleteAccountPasswordPolicy", delete_account_password_policy, "Deletes the account password policy (IAM's default applies again).", []),
        ("ChangePassword", change_password, "Changes the calling IAM user's own console password.", [
            p("OldPassword", Shape::String, true, "the current password"),
            p("NewPassword", Shape::String, true, "the new password"),
        ]),
        ("CreateAccountAlias", create_account_alias, "Sets the account's alias, which names its IAM sign-in URL.", [ALIAS]),
        ("DeleteAccountAlias", delete_account_alias, "Deletes the account's alias.", [ALIAS]),
        ("ListAccountAliases", list_account_aliases, "Lists the account's alias (at most one).", []),
        ("GetAccessKeyLastUsed", get_access_key_last_used, "Shows when, in which Region and with which service an access key was last used.", [
            p("AccessKeyId", Shape::String, true, "the access key ID"),
        ]),
    ]
);
