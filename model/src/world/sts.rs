//! What STS asks of the whole world: the organization's side of AssumeRoot (Organizations' tree
//! and IAM's root features) and the role an AssumeRole names.

use super::World;
use crate::error::{AwsError, AwsResult};
use crate::iam::ROOT_SESSIONS;
use crate::organizations::Organization;
use crate::sts::root_session_target;

/// The organization's side of AssumeRoot: may principals of `caller_account` open root sessions
/// in `target_account`? The caller's account must be the management account or the IAM delegated
/// administrator, RootSessions enabled, and the target another member of the same organization.
/// Simulator assumptions where AWS does not document the error: each refusal is
/// AccessDenied with a message naming the rule. [`crate::graph`] asks the same question.
pub fn root_session_permitted(world: &World, caller_account: &str, target_account: &str) -> AwsResult<()> {
    root_session_target(root_sessions_from(world, caller_account)?, target_account)
}

/// The part of [`root_session_permitted`] that does not depend on the target: whether principals
/// of `caller_account` may start root sessions in some member, and in which organization. The
/// principal graph asks it once per account rather than once per (account, member) pair.
pub fn root_sessions_from<'w>(world: &'w World, caller_account: &str) -> AwsResult<&'w Organization> {
    let Some(org) = world.organizations.of_account(caller_account) else {
        return Err(AwsError::access_denied(
            "AssumeRoot needs an organization with centralized root access; this account is not in one.",
        ));
    };
    if org.management_account != caller_account && !org.is_iam_delegated_admin(caller_account) {
        return Err(AwsError::access_denied(
            "Only the management account or the delegated administrator for IAM can call AssumeRoot.",
        ));
    }
    if !org.root_features.contains(ROOT_SESSIONS) {
        return Err(AwsError::access_denied(
            "Privileged root actions in member accounts (RootSessions) are not enabled for this organization.",
        ));
    }
    Ok(org)
}
