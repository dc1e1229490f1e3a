//! STS's state: the sessions that hand out temporary credentials, and the organization's rule on
//! AssumeRoot's target. Nothing here reads a call's parameters or prints a response; what reads
//! the whole world (a role's trust policy, who may open root sessions) is `crate::world::sts`.

use crate::error::{AwsError, AwsResult};
use crate::iam::IamAccount;
use crate::organizations::Organization;
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

/// The longest an AssumeRoot session lasts: `DurationSeconds` at most 900
/// (<https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html>).
pub const MAX_ASSUME_ROOT_SECONDS: i64 = 900;
/// The longest any STS session lasts: GetSessionToken's and GetFederationToken's 36 hours.
pub const MAX_SESSION_SECONDS: i64 = 129_600;

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
    /// The unique ID (`AROA...`, `AIDA...`) of the role or IAM user the session was issued for
    /// (`None` for the root user's sessions). AWS binds a session to this ID, not to the name: a
    /// role or user deleted and created again under the same name is another principal, and the
    /// old session never acts as the new one. A session saved by an earlier rootsim without it is
    /// refused (`crate::auth` cannot tell which principal it belonged to).
    #[serde(default)]
    pub principal_id: Option<String>,
    /// The session tags AssumeRole was given (key, value), in the order given.
    #[serde(default)]
    pub tags: Vec<(String, String)>,
    /// The keys of [`StsSession::tags`] that are transitive: those AssumeRole was asked to make
    /// transitive (`--transitive-tag-keys`) and those the calling session passed on. A session
    /// that assumes another role passes these tags on, and cannot pass a tag of the same key.
    #[serde(default)]
    pub transitive_tag_keys: Vec<String>,
    /// The source identity set by AssumeRole, or inherited from the session that assumed the
    /// role (role chaining keeps it).
    #[serde(default)]
    pub source_identity: Option<String>,
}

impl SessionKind {
    /// Whether a session of this kind stands for a role or IAM user (which has a unique ID that
    /// the session is bound to), rather than for the root user.
    pub fn names_iam_principal(&self) -> bool {
        match self {
            SessionKind::AssumedRole { .. } => true,
            SessionKind::AssumedRoot { .. } => false,
            SessionKind::SessionToken { user } | SessionKind::FederationToken { user, .. } => user.is_some(),
        }
    }

    /// The unique ID of the role or user a session of this kind names in `iam` (its account's
    /// IAM), as it is now: `None` when that principal does not exist, or for the root user.
    pub fn principal_id(&self, iam: &IamAccount) -> Option<String> {
        match self {
            SessionKind::AssumedRole { role_key, .. } => iam.roles.get(role_key).map(|r| r.id.clone()),
            SessionKind::SessionToken { user: Some(user) } | SessionKind::FederationToken { user: Some(user), .. } => {
                iam.users.get(user).map(|u| u.id.clone())
            }
            _ => None,
        }
    }
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

/// The part of [`crate::world::sts::root_session_permitted`] that depends on the target, in the organization that
/// [`crate::world::sts::root_sessions_from`] found for the caller.
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
