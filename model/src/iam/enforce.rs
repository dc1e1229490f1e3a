//! What several IAM handlers enforce alike: the account password policy on an IAM user's new
//! password (`CreateLoginProfile`, `UpdateLoginProfile`, `ChangePassword`) and its history, and a
//! tagged user's or role's tags in the request context when a call on it is authorized.
//! It reads the caller's IAM directly, so that the handler files it serves may all use it.

use super::IamAccount;
use crate::auth::AuthRequest;
use crate::error::{AwsError, AwsResult};
use crate::iam::key;
use crate::service::Call;
use std::collections::BTreeMap;

fn iam_of<'a>(call: &'a Call) -> &'a IamAccount {
    &call.world.iam.accounts[&call.caller.account]
}

fn iam_mut<'a>(call: &'a mut Call) -> &'a mut IamAccount {
    call.world.iam.accounts.get_mut(&call.caller.account).expect("the caller's account exists")
}

fn violation(message: impl Into<String>) -> AwsError {
    AwsError::new("PasswordPolicyViolation", 400, message)
}

/// Checks a new password for the IAM user `user` (any case) against the account's password
/// policy, or IAM's default one when none is set (8 characters and three of upper case, lower
/// case, digits and symbols), and against the user's recent passwords when the policy prevents
/// reuse. The root user's password never comes here (rule ROOT-PASSWORD-RULES).
pub fn check_user_password(call: &Call, user: &str, password: &str) -> AwsResult<()> {
    let iam = iam_of(call);
    let Some(policy) = &iam.password_policy else {
        let classes = [
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ];
        let n = password.chars().count();
        if !(8..=128).contains(&n) || classes.iter().filter(|b| **b).count() < 3 {
            return Err(violation("Password does not conform to the account password policy: at least 8 characters and three of upper case, lower case, numbers and symbols."));
        }
        return Ok(());
    };
    if password.chars().count() > 128 {
        return Err(violation("Password should have a maximum length of 128"));
    }
    if let Some(msg) = policy.violation(password) {
        return Err(violation(msg));
    }
    if let Some(n) = policy.reuse_prevention {
        let k = key(user);
        let current = iam.user(user).and_then(|u| u.login_profile.as_ref()).and_then(|p| p.password.as_deref());
        let previous = iam.passwords.get(&k).map(|r| r.previous.as_slice()).unwrap_or_default();
        // The current password counts as one of the last N.
        let recent = current.into_iter().chain(previous.iter().map(String::as_str)).take(n as usize);
        if recent.into_iter().any(|p| p == password) {
            return Err(violation(format!("Password should not be one of your {n} previous passwords")));
        }
    }
    Ok(())
}

/// Notes that the IAM user `user` (lower-cased) now has a password set at `now`, keeping the one
/// it replaces (`old`) in its history for `PasswordReusePrevention`.
pub fn note_password_set(call: &mut Call, user: &str, old: Option<String>) {
    let now = call.now();
    let record = iam_mut(call).passwords.entry(key(user)).or_default();
    record.set_at = now;
    if let Some(old) = old {
        record.previous.insert(0, old);
        record.previous.truncate(24);
    }
}

/// When the password of `user` (lower-cased) expires under the account's policy, if it does.
pub fn password_expiry(iam: &IamAccount, user: &str) -> Option<i64> {
    let policy = iam.password_policy.as_ref()?;
    let u = iam.users.get(user)?;
    let profile = u.login_profile.as_ref()?;
    let set_at = iam.passwords.get(user).map_or(profile.created, |r| r.set_at);
    policy.expiry(set_at)
}

/// Asks the engine for `action` on `resource`, with the resource's `tags` in the request context
/// as `aws:ResourceTag/KEY` and `iam:ResourceTag/KEY`.
pub fn authorize_tagged(
    call: &mut Call,
    action: &str,
    resource: &str,
    tags: &BTreeMap<String, String>,
) -> AwsResult<()> {
    if tags.is_empty() {
        return call.authorize(action, resource);
    }
    let owned: Vec<(String, &str)> = tags
        .iter()
        .flat_map(|(k, v)| [(format!("aws:ResourceTag/{k}"), v.as_str()), (format!("iam:ResourceTag/{k}"), v.as_str())])
        .collect();
    let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let request = AuthRequest::new(&call.caller, &call.region, action, resource).with_context(&pairs);
    let record = call.decide(&request);
    call.record_decision(record)
}
