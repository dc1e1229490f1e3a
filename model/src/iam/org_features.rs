//! Centralized root access for member accounts: the two organization features IAM enables
//! (`RootCredentialsManagement`, `RootSessions`) and their preconditions
//! (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableOrganizationsRootCredentialsManagement.html>).

use crate::error::{AwsError, AwsResult};
use crate::organizations::FeatureSet;
use crate::service::operations;
use crate::service::{Call, Operation};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

pub use super::{ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS};

/// Whether the root user of `account` is barred from password recovery: a member of an
/// organization with root credentials management whose password was removed, and recovery not
/// allowed since (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html>). The
/// sign-in page and `tasks --account` both ask this.
pub fn password_recovery_disabled(world: &crate::world::World, account: &str) -> bool {
    let managed = world
        .organizations
        .of_account(account)
        .is_some_and(|o| o.management_account != account && o.root_features.contains(ROOT_CREDENTIALS_MANAGEMENT));
    let root = world.iam.account(account).map(|i| &i.root);
    managed && root.is_some_and(|r| r.password.is_none() && !r.recovery_allowed)
}

/// Checks the preconditions every feature operation shares, in AWS's order, and returns the
/// organization ID. `enabling` adds the management-account-only rule of the Enable operations.
fn preconditions(call: &Call, enabling: bool) -> AwsResult<String> {
    let account = &call.caller.account;
    let org = call.world.organizations.of_account(account).ok_or_else(|| {
        AwsError::new(
            "OrganizationNotFoundException",
            400,
            "The request failed because AWS Organizations is not enabled for this account.",
        )
    })?;
    if org.feature_set != FeatureSet::All {
        return Err(AwsError::new(
            "OrganizationNotInAllFeaturesModeException",
            400,
            "The request failed because your organization does not have all features enabled.",
        ));
    }
    if !org.service_access.contains("iam.amazonaws.com") {
        return Err(AwsError::new(
            "ServiceAccessNotEnabledException",
            400,
            "The request failed because trusted access is not enabled for IAM in AWS Organizations.",
        ));
    }
    let management = org.management_account == *account;
    if !management && !org.is_iam_delegated_admin(account) {
        return Err(AwsError::new(
            "AccountNotManagementOrDelegatedAdministratorException",
            400,
            "The request failed because the account is not the management account or a delegated administrator for IAM.",
        ));
    }
    if enabling && !management {
        return Err(AwsError::new(
            "CallerIsNotManagementAccountException",
            400,
            "The request failed because only the management account can enable this feature.",
        ));
    }
    Ok(org.id.clone())
}

fn features(call: &Call) -> Vec<String> {
    call.world.organizations.org.as_ref().map(|o| o.root_features.iter().cloned().collect()).unwrap_or_default()
}

fn change(call: &mut Call, action: &str, feature: &str, enable: bool) -> AwsResult<Value> {
    let org_id = preconditions(call, enable)?;
    call.authorize(action, "*")?;
    let org = call.world.organizations.org.as_mut().expect("checked above");
    if enable {
        org.root_features.insert(feature.to_string());
    } else {
        // Disabling never brings back credentials already deleted (a simulator decision).
        org.root_features.remove(feature);
    }
    Ok(json!({ "OrganizationId": org_id, "EnabledFeatures": features(call) }))
}

fn enable_credentials(call: &mut Call, _: &Input) -> AwsResult<Value> {
    change(call, "iam:EnableOrganizationsRootCredentialsManagement", ROOT_CREDENTIALS_MANAGEMENT, true)
}

fn enable_sessions(call: &mut Call, _: &Input) -> AwsResult<Value> {
    change(call, "iam:EnableOrganizationsRootSessions", ROOT_SESSIONS, true)
}

fn disable_credentials(call: &mut Call, _: &Input) -> AwsResult<Value> {
    change(call, "iam:DisableOrganizationsRootCredentialsManagement", ROOT_CREDENTIALS_MANAGEMENT, false)
}

fn disable_sessions(call: &mut Call, _: &Input) -> AwsResult<Value> {
    change(call, "iam:DisableOrganizationsRootSessions", ROOT_SESSIONS, false)
}

fn list_features(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org_id = preconditions(call, false)?;
    call.authorize("iam:ListOrganizationsFeatures", "*")?;
    Ok(json!({ "OrganizationId": org_id, "EnabledFeatures": features(call) }))
}

/// The operations of centralized root access.
pub const OPERATIONS: &[Operation] = operations!(
    "iam",
    [
        ("EnableOrganizationsRootCredentialsManagement", enable_credentials, "Lets the management account (and the IAM delegated administrator) delete member root credentials; new member accounts get none.", []),
        ("EnableOrganizationsRootSessions", enable_sessions, "Lets the management account (and the IAM delegated administrator) run privileged root sessions in members (sts assume-root).", []),
        ("DisableOrganizationsRootCredentialsManagement", disable_credentials, "Turns root credentials management off (deleted credentials stay deleted).", []),
        ("DisableOrganizationsRootSessions", disable_sessions, "Turns privileged root sessions off.", []),
        ("ListOrganizationsFeatures", list_features, "Lists the centralized root access features enabled.", []),
    ]
);
