//! Who is calling: what the terminal is signed in with ([`Identity`]) and the principal a call
//! resolves to ([`Caller`]). Plain data that the world's services record (CloudTrail writes a
//! caller's identity into each event, STS keeps who opened a session); resolving an identity and
//! deciding what a caller may do is `crate::auth`'s work, a layer above.

use rootsim_policy::{Policy, Principal, PrincipalKind};
use serde::{Deserialize, Serialize};

/// The address every simulated request comes from (a TEST-NET-3 documentation address).
pub const SOURCE_IP: &str = "203.0.113.10";

/// What the terminal is signed in with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Identity {
    /// Nobody: AWS calls fail for lack of credentials.
    #[default]
    SignedOut,
    /// A console sign-in: as the root user (`user` is `None`) or as an IAM user.
    Console {
        /// The account signed in to.
        account: String,
        /// The IAM user's lower-cased name, or `None` for the root user.
        user: Option<String>,
        /// Whether MFA was used at sign-in.
        mfa: bool,
        /// When the sign-in happened.
        since: i64,
    },
    /// Access keys, as in `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
    Keys {
        /// `AKIA...` or `ASIA...`.
        access_key_id: String,
        /// The secret.
        secret_access_key: String,
        /// The session token of temporary credentials.
        #[serde(default)]
        session_token: Option<String>,
    },
}

/// The kind of principal behind a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerKind {
    /// The account root user.
    Root,
    /// An IAM user (lower-cased name key).
    User {
        /// The lower-cased key in `IamAccount::users`.
        key: String,
    },
    /// A role session from `AssumeRole`.
    RoleSession {
        /// The lower-cased key in `IamAccount::roles`.
        role_key: String,
        /// The session name.
        session_name: String,
    },
}

/// A resolved caller: who, from which account, with which credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    /// The caller's account ID.
    pub account: String,
    /// What kind of principal.
    pub kind: CallerKind,
    /// The principal as the policy engine sees it.
    pub principal: Principal,
    /// `aws:userid`, and `UserId` in `GetCallerIdentity`.
    pub user_id: String,
    /// `aws:username` (IAM users only).
    pub username: Option<String>,
    /// Whether MFA authenticated these credentials.
    pub mfa: bool,
    /// When the credentials were authenticated (for `aws:MultiFactorAuthAge`).
    pub authenticated_at: Option<i64>,
    /// The access key used, if any.
    pub access_key_id: Option<String>,
    /// Whether the credentials are temporary (console and STS sessions).
    pub temporary: bool,
    /// A session policy passed when the session was created.
    pub session_policy: Option<Policy>,
    /// Whether the call came from a console sign-in.
    pub console: bool,
    /// For an `sts:AssumeRoot` session, the ARN of its task policy.
    pub task_policy: Option<String>,
    /// The session tags passed to AssumeRole (`aws:PrincipalTag/<key>`, overriding the role's own
    /// tag of the same key), in the case the caller gave them.
    pub session_tags: Vec<(String, String)>,
    /// The source identity set on the session or inherited through role chaining
    /// (`aws:SourceIdentity`).
    pub source_identity: Option<String>,
    /// An identity policy that the principal graph supposes an escalation granted (it asks what
    /// the principal could do once it gave itself any permission). Never set for a real call.
    pub granted: Option<Policy>,
    /// The policies (name, document) of groups that the principal graph supposes this user
    /// joined (`iam:AddUserToGroup`, GRAPH-ADD-USER-TO-GROUP): decided as the user's own group
    /// policies would be, its boundary, SCPs and RCPs still applying. Never set for a real call.
    pub joined: Vec<(String, Policy)>,
}

impl Caller {
    /// Nobody: the caller of an unauthenticated request, such as the console's sign-in page and
    /// the root user's recovery pages, which run before anyone is signed in (signing in is what
    /// produces the next caller). It belongs to no account, holds no credentials and no identity
    /// policies: its principal is `anonymous` ([`PrincipalKind::Anonymous`]), so it is never the
    /// root user ([`Caller::is_root`]), and its kind is `Root` only in that no user's or role's
    /// policies apply to it.
    pub fn anonymous() -> Caller {
        Caller {
            account: String::new(),
            kind: CallerKind::Root,
            principal: Principal {
                kind: PrincipalKind::Anonymous,
                arn: "anonymous".into(),
                principal_arn: "anonymous".into(),
                account: String::new(),
                service_linked_role: false,
            },
            user_id: "anonymous".into(),
            username: None,
            mfa: false,
            authenticated_at: None,
            access_key_id: None,
            temporary: false,
            session_policy: None,
            console: false,
            task_policy: None,
            session_tags: Vec::new(),
            source_identity: None,
            granted: None,
            joined: Vec::new(),
        }
    }

    /// Whose identity policies apply to this caller.
    pub fn policy_source(&self) -> PolicySource<'_> {
        match &self.kind {
            CallerKind::Root => PolicySource::Root,
            CallerKind::User { key } => PolicySource::User(key),
            CallerKind::RoleSession { role_key, .. } => PolicySource::Role(role_key),
        }
    }

    /// Whether this is the account root user acting as itself (its credentials or an AssumeRoot
    /// session). A federated user that the root user issued is not: its principal is the
    /// federated user, and root-only handlers (MFA Delete, billing) must not take it for root.
    pub fn is_root(&self) -> bool {
        self.kind == CallerKind::Root && self.principal.kind == PrincipalKind::Root
    }
}

/// Whose identity policies to gather: a user (with its groups'), a group, a role, or the root
/// user (who has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicySource<'k> {
    /// The root user.
    Root,
    /// A user, by lower-cased name.
    User(&'k str),
    /// A group, by lower-cased name.
    Group(&'k str),
    /// A role, by lower-cased name.
    Role(&'k str),
}
