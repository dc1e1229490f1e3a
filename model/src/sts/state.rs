//! STS's state: the sessions that hand out temporary credentials, and the read-only rules that
//! decide whose sessions may exist (a role's trust policy, the organization's side of
//! AssumeRoot). Nothing here reads a call's parameters or prints a response.

use crate::error::{AwsError, AwsResult};
use crate::iam::{Role, ROOT_SESSIONS};
use crate::organizations::Organization;
use crate::world::World;
use rootsim_policy::arn;
use rootsim_policy::Policy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a session stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SessionKind {
    /// A role session.
    AssumedRole {
        /// Lower-cased role name.
        role_key: String,
        /// The session name.
        session_name: String,
    },
    /// An `sts:AssumeRoot` session: the member account's root user, scoped by a task policy.
    AssumedRoot {
        /// The task policy's ARN.
        task_policy_arn: String,
    },
    /// `GetSessionToken` credentials of a user (`Some(key)`) or of the root user (`None`).
    SessionToken {
        /// Lower-cased user name, or `None` for root.
        user: Option<String>,
    },
    /// A federated user session from `GetFederationToken`, issued by an IAM user (`Some(key)`)
    /// or the root user (`None`); its permissions are the issuer's intersected with the policy
    /// passed, and nothing without one.
    FederationToken {
        /// The issuing user's lower-cased name, or `None` for root.
        user: Option<String>,
        /// The federated user's name (`arn:aws:sts::ACCOUNT:federated-user/NAME`).
        name: String,
    },
}

/// The session policy of a federated user session created without one: it allows nothing that
/// needs permission, so the session has no permissions (GetFederationToken's documentation).
pub const NO_PERMISSIONS_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoPolicyPassed","Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}"#;

/// One set of temporary credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StsSession {
    /// The account whose principal the session acts as.
    pub account: String,
    /// What it stands for.
    pub kind: SessionKind,
    /// The secret access key.
    pub secret: String,
    /// The session token.
    pub token: String,
    /// When it was issued.
    pub issued: i64,
    /// When it stops working.
    pub expires: i64,
    /// Whether MFA was presented to get it.
    pub mfa: bool,
    /// The session policy passed, if any.
    #[serde(default)]
    pub policy: Option<Policy>,
}

/// The STS service's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sts {
    /// Sessions by access key ID (`ASIA...`).
    pub sessions: BTreeMap<String, StsSession>,
}

impl Sts {
    /// Records a new session under its access key ID.
    pub fn open(&mut self, id: String, session: StsSession) {
        self.sessions.insert(id, session);
    }
}

/// The organization's side of AssumeRoot: may principals of `caller_account` open root sessions
/// in `target_account`? The caller's account must be the management account or the IAM delegated
/// administrator, RootSessions enabled, and the target another member of the same organization.
/// Simulator assumptions where AWS does not document the error: each refusal is
/// AccessDenied with a message naming the rule. [`crate::graph`] asks the same question.
pub fn root_session_permitted(world: &World, caller_account: &str, target_account: &str) -> AwsResult<()> {
    root_session_target(root_sessions_from(world, caller_account)?, target_account)
}

/// The part of [`root_session_permitted`] that depends on the target, in the organization that
/// [`root_sessions_from`] found for the caller.
pub fn root_session_target(org: &Organization, target_account: &str) -> AwsResult<()> {
    if target_account == org.management_account {
        return Err(AwsError::access_denied(
            "AssumeRoot cannot target the management account, which centralized root access does not cover.",
        ));
    }
    if !org.accounts.contains_key(target_account) {
        return Err(AwsError::access_denied(format!(
            "Account {target_account} is not a member of organization {}.",
            org.id
        )));
    }
    Ok(())
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

/// The role a role ARN names, its account, and its trust policy's name in decisions (`trust
/// policy of role NAME`). `None` when no such role exists. AssumeRole and [`World::decide`] use it.
pub fn trust_policy_of<'w>(world: &'w World, role_arn: &str) -> Option<(String, String, &'w Role)> {
    let a = arn::Arn::parse(role_arn).filter(|a| a.service == "iam" && a.resource.starts_with("role/"))?;
    let name = a.resource.rsplit('/').next()?;
    let role = world.iam.account(a.account)?.role(name)?;
    Some((a.account.to_string(), format!("trust policy of role {}", role.name), role))
}
