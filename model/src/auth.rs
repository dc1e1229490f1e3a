//! Who is calling, and the one authorization path every AWS call takes.
//!
//! [`Identity`] is what the terminal holds: a console sign-in or a set of access keys. Before each
//! call the world resolves it to a [`Caller`] (failing as AWS does for deleted keys or expired
//! sessions), and an [`Authorizer`] answers one [`AuthRequest`]: it gathers every policy that
//! applies to the request (SCPs, RCPs, the resource's policy, identity policies, boundary, session
//! policy), fills AWS's global condition keys, and asks the policy engine. The authorizer keeps
//! what it read in its cache, beside the world (which holds none); resource policies are found
//! through [`World::resource_policy`], so this module names no service. Architecture invariant: no service decides access
//! on its own; they all come through here.

mod cache;

use cache::{Cache, PlaceEntry, RequestEntries, TimeKeys};

pub use crate::caller::{Caller, CallerKind, Identity, PolicySource, SOURCE_IP};
use crate::clock::format_iso;
use crate::error::{AwsError, AwsResult};
use crate::iam::{key, IamAccount, KeyOwner, KeyStatus};
use crate::world::{SessionKind, World, NO_PERMISSIONS_POLICY};
use rootsim_policy::arn;
use rootsim_policy::{
    self as policy, Context, Decision, NamedPolicy, Policy, PolicySet, Principal, PrincipalKind, Request,
};

use smallvec::SmallVec;
use std::sync::Arc;

/// The global condition keys that [`Authorizer::authorize`] fills, fingerprinted once at compile time
/// ([`policy::ContextKey`]): each is set at most once per request, so [`Context::push`] stores them without
/// searching the context or copying their names.
mod keys {
    use rootsim_policy::ContextKey;

    pub const PRINCIPAL_ARN: ContextKey = ContextKey::new("aws:PrincipalArn");
    pub const PRINCIPAL_ACCOUNT: ContextKey = ContextKey::new("aws:PrincipalAccount");
    pub const PRINCIPAL_TYPE: ContextKey = ContextKey::new("aws:PrincipalType");
    pub const PRINCIPAL_IS_AWS_SERVICE: ContextKey = ContextKey::new("aws:PrincipalIsAWSService");
    pub const CURRENT_TIME: ContextKey = ContextKey::new("aws:CurrentTime");
    pub const EPOCH_TIME: ContextKey = ContextKey::new("aws:EpochTime");
    pub const SECURE_TRANSPORT: ContextKey = ContextKey::new("aws:SecureTransport");
    pub const SOURCE_IP: ContextKey = ContextKey::new("aws:SourceIp");
    pub const REQUESTED_REGION: ContextKey = ContextKey::new("aws:RequestedRegion");
    pub const VIA_AWS_SERVICE: ContextKey = ContextKey::new("aws:ViaAWSService");
    pub const PRINCIPAL_ORG_ID: ContextKey = ContextKey::new("aws:PrincipalOrgID");
    pub const PRINCIPAL_ORG_PATHS: ContextKey = ContextKey::new("aws:PrincipalOrgPaths");
    pub const USERID: ContextKey = ContextKey::new("aws:userid");
    pub const USERNAME: ContextKey = ContextKey::new("aws:username");
    pub const ASSUMED_ROOT: ContextKey = ContextKey::new("aws:AssumedRoot");
    pub const MFA_PRESENT: ContextKey = ContextKey::new("aws:MultiFactorAuthPresent");
    pub const MFA_AGE: ContextKey = ContextKey::new("aws:MultiFactorAuthAge");
    pub const TOKEN_ISSUE_TIME: ContextKey = ContextKey::new("aws:TokenIssueTime");
    pub const RESOURCE_ACCOUNT: ContextKey = ContextKey::new("aws:ResourceAccount");
    pub const RESOURCE_ORG_ID: ContextKey = ContextKey::new("aws:ResourceOrgID");
    pub const RESOURCE_ORG_PATHS: ContextKey = ContextKey::new("aws:ResourceOrgPaths");
    pub const SOURCE_IDENTITY: ContextKey = ContextKey::new("aws:SourceIdentity");

    /// Room for every key above: a request's context is allocated once and never grows, unless
    /// the principal has tags or the call adds keys of its own.
    pub const ALL: usize = 22;
}

/// One authorization decision and the request it answered, kept for `explain`.
#[derive(Debug, Clone)]
pub struct AuthRecord {
    /// The principal (shared with the requests before it that had the same).
    pub principal: Arc<Principal>,
    /// The action, e.g. `iam:CreateUser`.
    pub action: String,
    /// The resource ARN or `*`.
    pub resource: String,
    /// The resource's account.
    pub resource_account: Option<String>,
    /// The request context (shared with the requests before it that had the same).
    pub context: Arc<Context>,
    /// The engine's answer.
    pub decision: Decision<'static>,
}

impl AuthRecord {
    /// The request as the engine saw it.
    pub fn request(&self) -> Request<'_> {
        Request {
            principal: &self.principal,
            action: &self.action,
            resource: &self.resource,
            resource_account: self.resource_account.as_deref(),
            context: &self.context,
        }
    }

    /// AWS's `AccessDenied` message for this decision.
    pub fn denial_message(&self) -> String {
        self.decision.denial_message(&self.request())
    }

    /// The decision in plain sentences.
    pub fn explain(&self) -> String {
        self.decision.explain(&self.request())
    }
}

/// Named policies borrowed from the world: (name for explanations, document).
type Named<'a> = Vec<(String, &'a Policy)>;

/// The identity policies (name for explanations, document) of a principal, and its permissions
/// boundary, in the order explanations list them (inline before managed, the user's before its
/// groups'). Names are managed policy ARNs, or `Name (inline policy of user bob)`.
pub fn identity_policies<'a>(
    iam: &'a IamAccount,
    source: &PolicySource<'a>,
) -> (Named<'a>, Option<(String, &'a Policy)>) {
    let mut out = Vec::new();
    // The owner is named only inside an inline policy's name, formatted only when there is one.
    let boundary = visit_identity_policies(iam, source, |named, p| {
        out.push((
            match named {
                PolicyName::Inline { kind, owner, name } => format!("{name} (inline policy of {kind} {owner})"),
                PolicyName::Managed(arn) => arn.to_string(),
            },
            p,
        ))
    });
    let boundary = boundary.and_then(|arn| iam.managed_policy(arn).map(|p| (arn.clone(), p)));
    (out, boundary)
}

/// The documents of [`identity_policies`], in the same order, without their names (which cost a
/// `String` each): for the principal graph's pre-filter, which reads only the statements.
pub fn identity_documents<'a>(iam: &'a IamAccount, source: &PolicySource<'a>) -> Vec<&'a Policy> {
    let mut out = Vec::new();
    visit_identity_policies(iam, source, |_, p| out.push(p));
    out
}

/// How an identity policy is named in explanations ([`identity_policies`]).
enum PolicyName<'a> {
    /// An inline policy of a user, group or role.
    Inline { kind: &'static str, owner: &'a str, name: &'a str },
    /// A managed policy, by ARN.
    Managed(&'a str),
}

/// Calls `visit` with each identity policy of `source` in explanation order; returns the ARN of
/// its permissions boundary, if it has one.
fn visit_identity_policies<'a>(
    iam: &'a IamAccount,
    source: &PolicySource<'a>,
    mut visit: impl FnMut(PolicyName<'a>, &'a Policy),
) -> Option<&'a String> {
    let mut collect = |kind: &'static str, owner: &'a str, a: &'a crate::iam::Attachments| {
        for (name, p) in &a.inline {
            visit(PolicyName::Inline { kind, owner, name }, p);
        }
        for arn in &a.managed {
            if let Some(p) = iam.managed_policy(arn) {
                visit(PolicyName::Managed(arn), p);
            }
        }
    };
    match *source {
        PolicySource::Root => None,
        PolicySource::User(key) => iam.users.get(key).and_then(|user| {
            collect("user", &user.name, &user.policies);
            for g in iam.groups_of(key) {
                collect("group", &g.name, &g.policies);
            }
            user.boundary.as_ref()
        }),
        PolicySource::Group(key) => {
            if let Some(g) = iam.groups.get(key) {
                collect("group", &g.name, &g.policies);
            }
            None
        }
        PolicySource::Role(key) => iam.roles.get(key).and_then(|role| {
            collect("role", &role.name, &role.policies);
            role.boundary.as_ref()
        }),
    }
}

fn no_credentials() -> AwsError {
    AwsError::new(
        "NoCredentials",
        0,
        "Unable to locate credentials. You can configure credentials by running \"aws configure\".",
    )
}

impl World {
    /// Resolves what the terminal holds into a caller, failing as AWS does when the credentials
    /// are unknown, inactive, wrong or expired, or belong to a closed account (whose principals,
    /// root included, can no longer call AWS: see `crate::account`).
    pub fn resolve(&self, identity: &Identity) -> AwsResult<Caller> {
        let caller = self.resolve_credentials(identity)?;
        self.accounts.check_open(&caller.account, self.clock.now())?;
        Ok(caller)
    }

    fn resolve_credentials(&self, identity: &Identity) -> AwsResult<Caller> {
        match identity {
            Identity::SignedOut => Err(no_credentials()),
            Identity::Console { account, user, mfa, since } => match user {
                None => Ok(self.root_caller(account, *mfa, Some(*since), None, true)),
                Some(name) => {
                    let iam = self.iam.account(account).ok_or_else(AwsError::invalid_token)?;
                    // A user deleted while signed in loses the session.
                    iam.users.get(name).ok_or_else(AwsError::invalid_token)?;
                    Ok(self.user_caller(account, name, *mfa, Some(*since), None, true))
                }
            },
            Identity::Keys { access_key_id, secret_access_key, session_token } => {
                if access_key_id.starts_with("ASIA") {
                    return self.resolve_session(access_key_id, secret_access_key, session_token.as_deref());
                }
                let (owner, key) = self.iam.find_key(access_key_id).ok_or_else(AwsError::invalid_token)?;
                if key.secret != *secret_access_key {
                    return Err(AwsError::signature_mismatch());
                }
                if key.status == KeyStatus::Inactive {
                    return Err(AwsError::invalid_token());
                }
                Ok(match owner {
                    KeyOwner::Root { account } => self.root_caller(&account, false, None, Some(access_key_id), false),
                    KeyOwner::User { account, user } => {
                        self.user_caller(&account, &user, false, None, Some(access_key_id), false)
                    }
                })
            }
        }
    }

    fn resolve_session(&self, id: &str, secret: &str, token: Option<&str>) -> AwsResult<Caller> {
        let session = self.sts.sessions.get(id).ok_or_else(AwsError::invalid_token)?;
        if session.secret != secret {
            return Err(AwsError::signature_mismatch());
        }
        if token != Some(session.token.as_str()) {
            return Err(AwsError::invalid_token());
        }
        if self.clock.now() >= session.expires {
            return Err(AwsError::expired_token());
        }
        // A session stands for the role or user it was issued for, by unique ID: once that
        // principal is deleted (recreated under the same name or not), the session acts as
        // nobody. A session without a recorded ID (saved by an earlier rootsim) is refused.
        let now_id = self.iam.account(&session.account).and_then(|iam| session.kind.principal_id(iam));
        if session.kind.names_iam_principal() && (now_id.is_none() || now_id != session.principal_id) {
            return Err(match &session.kind {
                SessionKind::AssumedRole { .. } => {
                    AwsError::access_denied("The role of this session no longer exists.")
                }
                _ => AwsError::invalid_token(),
            });
        }
        let mut caller = match &session.kind {
            SessionKind::AssumedRole { role_key, session_name } => {
                self.iam.account(&session.account).ok_or_else(AwsError::invalid_token)?;
                let mut c = self
                    .role_session_caller(&session.account, role_key, session_name)
                    .ok_or_else(|| AwsError::access_denied("The role of this session no longer exists."))?;
                c.mfa = session.mfa;
                c.authenticated_at = Some(session.issued);
                c.access_key_id = Some(id.to_string());
                c.session_policy = session.policy.clone();
                c.session_tags = session.tags.clone();
                c.source_identity = session.source_identity.clone();
                c
            }
            SessionKind::AssumedRoot { task_policy_arn } => {
                let mut c = self.root_caller(&session.account, false, Some(session.issued), Some(id), false);
                c.task_policy = Some(task_policy_arn.clone());
                c
            }
            SessionKind::SessionToken { user: None } => {
                self.root_caller(&session.account, session.mfa, Some(session.issued), Some(id), false)
            }
            SessionKind::SessionToken { user: Some(user) } => {
                let iam = self.iam.account(&session.account).ok_or_else(AwsError::invalid_token)?;
                iam.users.get(user).ok_or_else(AwsError::invalid_token)?;
                self.user_caller(&session.account, user, session.mfa, Some(session.issued), Some(id), false)
            }
            SessionKind::FederationToken { user, name } => {
                // The issuer's policies apply, intersected with the session policy; the principal
                // is the federated user (CloudTrail's FederatedUser identity: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
                let mut c = match user {
                    None => self.root_caller(&session.account, false, Some(session.issued), Some(id), false),
                    Some(user) => {
                        let iam = self.iam.account(&session.account).ok_or_else(AwsError::invalid_token)?;
                        iam.users.get(user).ok_or_else(AwsError::invalid_token)?;
                        self.user_caller(&session.account, user, false, Some(session.issued), Some(id), false)
                    }
                };
                let federated = format!("arn:aws:sts::{}:federated-user/{name}", session.account);
                c.principal.kind = PrincipalKind::FederatedUser;
                c.principal.arn = federated.clone();
                c.principal.principal_arn = federated;
                c.user_id = format!("{}:{name}", session.account);
                c.username = None;
                c.session_policy = Some(match &session.policy {
                    Some(p) => p.clone(),
                    None => Policy::parse(NO_PERMISSIONS_POLICY, rootsim_policy::PolicyKind::Session)
                        .map_err(|_| AwsError::invalid_token())?,
                });
                c
            }
        };
        caller.temporary = true;
        Ok(caller)
    }

    /// The account's root user as a console caller, whether or not its credentials exist or the
    /// account is open: for asking what the root user could do (`tasks --account`), through the
    /// same [`Authorizer::authorize`] as its calls.
    pub fn root_console_caller(&self, account: &str, mfa: bool) -> Caller {
        self.root_caller(account, mfa, Some(self.clock.now()), None, true)
    }

    /// A session of role `role_key` of `account` named `session_name`, without MFA, keys or a
    /// session policy (callers fill those in). `None` when the role does not exist.
    fn role_session_caller(&self, account: &str, role_key: &str, session_name: &str) -> Option<Caller> {
        let role = self.iam.account(account)?.roles.get(role_key)?;
        let role_arn = arn::iam(account, "role", &role.path, &role.name);
        Some(Caller {
            account: account.to_string(),
            kind: CallerKind::RoleSession { role_key: role_key.to_string(), session_name: session_name.to_string() },
            principal: Principal {
                kind: PrincipalKind::AssumedRole,
                arn: arn::assumed_role(account, &role.name, session_name),
                principal_arn: role_arn,
                account: account.to_string(),
                service_linked_role: role.path.starts_with("/aws-service-role/"),
            },
            user_id: format!("{}:{session_name}", role.id),
            username: None,
            mfa: false,
            authenticated_at: None,
            access_key_id: None,
            temporary: true,
            session_policy: None,
            console: false,
            task_policy: None,
            session_tags: Vec::new(),
            source_identity: None,
            granted: None,
            joined: Vec::new(),
        })
    }

    fn root_caller(&self, account: &str, mfa: bool, since: Option<i64>, key: Option<&str>, console: bool) -> Caller {
        let root = arn::root(account);
        Caller {
            account: account.to_string(),
            kind: CallerKind::Root,
            principal: Principal {
                kind: PrincipalKind::Root,
                arn: root.clone(),
                principal_arn: root,
                account: account.to_string(),
                service_linked_role: false,
            },
            user_id: account.to_string(),
            username: None,
            mfa,
            authenticated_at: since,
            access_key_id: key.map(str::to_string),
            temporary: console,
            session_policy: None,
            console,
            task_policy: None,
            session_tags: Vec::new(),
            source_identity: None,
            granted: None,
            joined: Vec::new(),
        }
    }

    fn user_caller(
        &self,
        account: &str,
        user_key: &str,
        mfa: bool,
        since: Option<i64>,
        key: Option<&str>,
        console: bool,
    ) -> Caller {
        let user = &self.iam.accounts[account].users[user_key];
        let user_arn = arn::iam(account, "user", &user.path, &user.name);
        Caller {
            account: account.to_string(),
            kind: CallerKind::User { key: user_key.to_string() },
            principal: Principal {
                kind: PrincipalKind::User,
                arn: user_arn.clone(),
                principal_arn: user_arn,
                account: account.to_string(),
                service_linked_role: false,
            },
            user_id: user.id.clone(),
            username: Some(user.name.clone()),
            mfa,
            authenticated_at: since,
            access_key_id: key.map(str::to_string),
            temporary: console,
            session_policy: None,
            console,
            task_policy: None,
            session_tags: Vec::new(),
            source_identity: None,
            granted: None,
            joined: Vec::new(),
        }
    }

    /// [`Authorizer::context_for_principal`] with the principal's account's place and the time
    /// keys already found.
    fn principal_context(&self, p: &Principal, region: &str, place: Option<&PlaceEntry>, time: &TimeKeys) -> Context {
        let mut ctx = Context::with_capacity(keys::ALL);
        if !p.account.is_empty() {
            ctx.push(keys::PRINCIPAL_ARN, p.principal_arn.as_str());
            ctx.push(keys::PRINCIPAL_ACCOUNT, p.account.as_str());
        }
        let ptype = match p.kind {
            PrincipalKind::Root => "Account",
            PrincipalKind::User => "User",
            PrincipalKind::AssumedRole => "AssumedRole",
            PrincipalKind::FederatedUser => "FederatedUser",
            PrincipalKind::Service => "Service",
            PrincipalKind::Anonymous => "Anonymous",
        };
        ctx.push(keys::PRINCIPAL_TYPE, ptype);
        ctx.push(keys::PRINCIPAL_IS_AWS_SERVICE, if p.kind == PrincipalKind::Service { "true" } else { "false" });
        ctx.push(keys::CURRENT_TIME, time.iso.as_str());
        ctx.push(keys::EPOCH_TIME, time.epoch.as_str());
        ctx.push(keys::SECURE_TRANSPORT, "true");
        ctx.push(keys::SOURCE_IP, SOURCE_IP);
        ctx.push(keys::REQUESTED_REGION, region);
        ctx.push(keys::VIA_AWS_SERVICE, "false");
        if let Some(place) = place {
            ctx.push(keys::PRINCIPAL_ORG_ID, place.org_id.as_str());
            if let Some(path) = &place.org_path {
                ctx.push_multi(keys::PRINCIPAL_ORG_PATHS, vec![path.clone()]);
            }
        }
        ctx
    }

    /// [`Authorizer::context_for`] with what the cache holds for the request already found: the
    /// places of the principal's and the resource's accounts, the principal's tags, the time keys.
    fn caller_context(
        &self,
        caller: &Caller,
        region: &str,
        resource_account: Option<&str>,
        entries: &RequestEntries,
    ) -> Context {
        let tags = &entries.identity.tags;
        let mut ctx = self.principal_context(&caller.principal, region, entries.principal.as_deref(), &entries.time);
        ctx.push(keys::USERID, caller.user_id.as_str());
        if let Some(name) = &caller.username {
            ctx.push(keys::USERNAME, name.as_str());
        }
        let now = self.clock.now();
        // Only AssumeRoot sessions carry aws:AssumedRoot
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
        if caller.task_policy.is_some() {
            ctx.push(keys::ASSUMED_ROOT, "true");
        }
        // MFA keys exist only for temporary credentials (same page).
        if caller.temporary {
            ctx.push(keys::MFA_PRESENT, if caller.mfa { "true" } else { "false" });
            if caller.mfa {
                if let Some(at) = caller.authenticated_at {
                    ctx.push(keys::MFA_AGE, (now - at).max(0).to_string());
                }
            }
            if let Some(at) = caller.authenticated_at {
                // Sessions that `World::decide` supposes begin now: aws:CurrentTime's text then.
                let issued = if at == now { entries.time.iso.clone() } else { format_iso(at) };
                ctx.push(keys::TOKEN_ISSUE_TIME, issued);
            }
        }
        for (name, value) in tags {
            ctx.insert(name, value);
        }
        // Session tags override the role's tags of the same key; the source identity stays
        // with the session (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html,
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html).
        for (key, value) in &caller.session_tags {
            ctx.insert(&format!("aws:PrincipalTag/{key}"), value.clone());
        }
        if let Some(source) = &caller.source_identity {
            ctx.push(keys::SOURCE_IDENTITY, source.as_str());
        }
        if let Some(ra) = resource_account {
            // Pushed after the principal's tags: no tag key (`aws:PrincipalTag/...`) can be one
            // of these.
            ctx.push(keys::RESOURCE_ACCOUNT, ra);
            if let Some(place) = entries.resource.as_deref() {
                ctx.push(keys::RESOURCE_ORG_ID, place.org_id.as_str());
                if let Some(path) = &place.org_path {
                    ctx.push_multi(keys::RESOURCE_ORG_PATHS, vec![path.clone()]);
                }
            }
        }
        ctx
    }
}

/// The request keys that hold several values, given in [`AuthRequest::extra_context`] as one
/// pair per value: the tag keys of a request (`aws:TagKeys`) and AssumeRole's transitive tag keys
/// (`sts:TransitiveTagKeys`), which policies test with `ForAnyValue:` / `ForAllValues:`.
pub fn is_multi_valued(key: &str) -> bool {
    key.eq_ignore_ascii_case("aws:TagKeys") || key.eq_ignore_ascii_case("sts:TransitiveTagKeys")
}

/// One request to authorize: who ([`Caller`]) asks, in which Region, to perform which action on
/// which resource, and what the resource itself says (its owner and its policy). Build it with
/// [`AuthRequest::new`] and the methods that add the rest; [`Authorizer::authorize`] answers it.
///
/// ```
/// use rootsim_model::auth::{AuthRequest, Authorizer};
/// use rootsim_model::{Session, DEFAULT_SEED};
///
/// let session = Session::demo(DEFAULT_SEED);
/// let world = &session.world;
/// let caller = world.resolve(&session.identity).unwrap();
/// let authorizer = Authorizer::new();
/// let request = AuthRequest::new(&caller, "us-east-1", "iam:ListUsers", "*");
/// assert!(authorizer.authorize(world, &request).decision.is_allowed());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AuthRequest<'a> {
    /// Who is calling.
    pub caller: &'a Caller,
    /// The Region the call is made in (`aws:RequestedRegion`).
    pub region: &'a str,
    /// The action, e.g. `iam:CreateUser`.
    pub action: &'a str,
    /// The resource's ARN, or `*`.
    pub resource: &'a str,
    /// The account that owns the resource, for a resource whose ARN names none (S3 buckets and
    /// objects) or is evaluated in another account than its ARN names; `None` reads it from the
    /// ARN (the caller's account for `*` and ARNs without one). It decides same- or
    /// cross-account evaluation, `aws:ResourceAccount` and the RCPs that apply.
    pub resource_owner: Option<&'a str>,
    /// The resource's own policy (bucket, queue, key or trust policy), named for explanations.
    pub resource_policy: Option<(&'a str, &'a Policy)>,
    /// Whether the resource's policy must itself allow the request, as KMS key policies and role
    /// trust policies must (an identity policy alone is not enough, and the root user is not
    /// exempt). Without a resource policy such a request is denied.
    pub resource_policy_must_allow: bool,
    /// Request-specific condition keys (`sts:TaskPolicyArn`, `account:TargetRegion`, ...).
    pub extra_context: &'a [(&'a str, &'a str)],
    /// Request-specific multi-valued condition keys (`kms:EncryptionContextKeys`).
    pub extra_multi: &'a [(&'a str, &'a [String])],
}

impl<'a> AuthRequest<'a> {
    /// `caller` asking to perform `action` on `resource` in `region`: identity side only (no
    /// resource policy), the resource's account read from its ARN, no extra condition keys.
    pub fn new(caller: &'a Caller, region: &'a str, action: &'a str, resource: &'a str) -> AuthRequest<'a> {
        AuthRequest {
            caller,
            region,
            action,
            resource,
            resource_owner: None,
            resource_policy: None,
            resource_policy_must_allow: false,
            extra_context: &[],
            extra_multi: &[],
        }
    }

    /// The request about a resource that `owner` owns ([`AuthRequest::resource_owner`]).
    pub fn owned_by(self, owner: &'a str) -> AuthRequest<'a> {
        AuthRequest { resource_owner: Some(owner), ..self }
    }

    /// The request with the resource's own policy, if it has one (name for explanations,
    /// document).
    pub fn with_resource_policy(self, policy: Option<(&'a str, &'a Policy)>) -> AuthRequest<'a> {
        AuthRequest { resource_policy: policy, ..self }
    }

    /// The request with a resource policy that must itself allow it
    /// ([`AuthRequest::resource_policy_must_allow`]).
    pub fn resource_policy_must_allow(self) -> AuthRequest<'a> {
        AuthRequest { resource_policy_must_allow: true, ..self }
    }

    /// The request with request-specific condition keys ([`AuthRequest::extra_context`]).
    pub fn with_context(self, extra: &'a [(&'a str, &'a str)]) -> AuthRequest<'a> {
        AuthRequest { extra_context: extra, ..self }
    }

    /// The request with request-specific multi-valued condition keys
    /// ([`AuthRequest::extra_multi`]).
    pub fn with_multi_context(self, extra: &'a [(&'a str, &'a [String])]) -> AuthRequest<'a> {
        AuthRequest { extra_multi: extra, ..self }
    }
}

/// The one door to the policy engine: gathers every policy that applies to a request (SCPs,
/// RCPs, the resource's policy, identity policies, boundary, session and task policies), fills
/// AWS's global condition keys, and asks the engine.
///
/// It remembers what requests read by string-keyed lookups (`auth/cache.rs`), for as long as the
/// world it is asked about stays as it was: whoever asks one world many questions keeps one
/// authorizer beside it (an AWS call's [`crate::service::Call`], the principal graph while it is
/// built, `tasks --account` for its table) and asks through it. The world itself holds no cache;
/// [`World::decide`] asks with a fresh authorizer each time. The cache
/// never changes an answer: an authorizer may be asked about any world, in any order.
///
/// ```
/// use rootsim_model::auth::Authorizer;
/// use rootsim_model::{Session, DEFAULT_SEED};
///
/// let session = Session::demo(DEFAULT_SEED);
/// let dev = session.world.accounts.find("dev").unwrap().id.clone();
/// let dave = format!("arn:aws:iam::{dev}:user/dave");
/// // Many questions about one world: the second reuses what the first read.
/// let authorizer = Authorizer::new();
/// for action in ["iam:ListUsers", "iam:ListRoles"] {
///     let record = authorizer.decide(&session.world, &dave, action, "*").unwrap();
///     assert_eq!(record.decision.is_allowed(), session.world.decide(&dave, action, "*").unwrap().decision.is_allowed());
/// }
/// ```
#[derive(Debug, Default)]
pub struct Authorizer {
    cache: Cache,
}

impl Authorizer {
    /// An authorizer that remembers nothing yet.
    pub fn new() -> Authorizer {
        Authorizer::default()
    }

    /// Asks the policy engine about one request in `world` and returns the decision with its
    /// request (kept for `explain`).
    pub fn authorize(&self, world: &World, request: &AuthRequest) -> AuthRecord {
        let AuthRequest {
            caller,
            region,
            action,
            resource,
            resource_owner,
            resource_policy,
            resource_policy_must_allow,
            extra_context,
            extra_multi,
        } = *request;
        let resource_account = if let Some(owner) = resource_owner {
            Some(owner.to_string())
        } else {
            arn::account_of(resource)
                .map(str::to_string)
                .or_else(|| (resource == "*" || !resource.starts_with("arn:")).then(|| caller.account.clone()))
                .or_else(|| Some(caller.account.clone()))
        };
        // Each account's place in the organization is found once (and remembered: `cache`): the
        // caller's serves its principal keys and SCPs, the resource's its keys and RCPs, and
        // they are usually the same.
        let entries = self.cache.request_entries(world, caller, region, resource_account.as_deref());
        // The same caller's last request about the same account had the same context: shared.
        let (principal, mut context) = match &entries.context {
            Some((principal, context)) => (Arc::clone(principal), Arc::clone(context)),
            None => {
                let principal = Arc::new(caller.principal.clone());
                let context = Arc::new(world.caller_context(caller, region, resource_account.as_deref(), &entries));
                self.cache.remember_context(world, caller, region, resource_account.as_deref(), &principal, &context);
                (principal, context)
            }
        };
        if !extra_context.is_empty() || !extra_multi.is_empty() {
            // A copy of its own: the remembered context stays without the call's keys.
            let context = Arc::make_mut(&mut context);
            for (k, v) in extra_context {
                if is_multi_valued(k) {
                    // Each pair adds one value: `aws:TagKeys` lists every tag key of the request.
                    let mut values = match context.get(k) {
                        Some(policy::ContextValue::Multi(values)) => values.clone(),
                        _ => Vec::new(),
                    };
                    values.push((*v).to_string());
                    context.insert_multi(k, values);
                } else {
                    context.insert(k, *v);
                }
            }
            for (k, v) in extra_multi {
                context.insert_multi(k, v.to_vec());
            }
        }
        // What AWS owns (AWS managed policies, service-linked and /aws-reserved/ roles) no
        // customer may change, whatever the policies say: refused before the engine is asked.
        if crate::iam::aws_owned::is_change_to_aws_owned(action, resource) {
            let mut decided_by = policy::Layers::new();
            decided_by.push(policy::Layer::AwsOwned);
            return AuthRecord {
                principal,
                action: action.to_string(),
                resource: resource.to_string(),
                resource_account,
                context,
                decision: Decision { decided_by, ..Decision::undecided(None, false) },
            };
        }
        let (caller_place, resource_place) = (entries.caller.as_deref(), entries.resource.as_deref());
        let own = &entries.identity;
        // Names come formatted from the cache: the decision borrows them until `into_owned`.
        let mut identity: SmallVec<[NamedPolicy; 8]> =
            own.policies.iter().map(|(name, policy)| NamedPolicy { name, policy }).collect();
        let boundary = own.boundary.as_ref().map(|(name, policy)| NamedPolicy { name, policy });
        if let Some(granted) = &caller.granted {
            identity.push(NamedPolicy { name: "any permission (supposed granted by an escalation)", policy: granted });
        }
        for (name, policy) in &caller.joined {
            identity.push(NamedPolicy { name, policy });
        }

        let scp_levels =
            if caller.principal.service_linked_role { None } else { caller_place.and_then(|p| p.scps.as_ref()) };
        // A byte search: `split(':')` went through the char searcher on every request.
        let service = action.as_bytes().iter().position(|&b| b == b':').map_or(action, |i| &action[..i]);
        let rcp_levels = if rootsim_catalogue::rcp_supported(service) && !caller.principal.service_linked_role {
            resource_place.and_then(|p| p.rcps.as_ref())
        } else {
            None
        };
        let mut scp_named: SmallVec<[NamedPolicy; 16]> = SmallVec::new();
        let mut scp_slices: SmallVec<[&[NamedPolicy]; 8]> = SmallVec::new();
        if let Some(levels) = scp_levels {
            levels.named(&mut scp_named);
            levels.slices(&scp_named, &mut scp_slices);
        }
        let mut rcp_named: SmallVec<[NamedPolicy; 16]> = SmallVec::new();
        let mut rcp_slices: SmallVec<[&[NamedPolicy]; 8]> = SmallVec::new();
        if let Some(levels) = rcp_levels {
            levels.named(&mut rcp_named);
            levels.slices(&rcp_named, &mut rcp_slices);
        }
        let session: SmallVec<[NamedPolicy; 1]> =
            caller.session_policy.iter().map(|p| NamedPolicy { name: "session policy", policy: p }).collect();
        // An AssumeRoot session is scoped by its task policy: deny-only, evaluated as its own layer.
        let task = caller.task_policy.as_ref().and_then(|arn| {
            crate::iam::managed::aws_managed(arn)
                .and_then(|p| p.document())
                .map(|policy| NamedPolicy { name: arn, policy })
        });

        let set = PolicySet {
            scps: scp_levels.map(|_| &scp_slices[..]),
            rcps: rcp_levels.map(|_| &rcp_slices[..]),
            resource: resource_policy.map(|(name, policy)| NamedPolicy { name, policy }),
            resource_must_allow: resource_policy_must_allow,
            identity: &identity,
            boundary,
            session: &session,
            task,
        };
        let request = Request {
            principal: &caller.principal,
            action,
            resource,
            resource_account: resource_account.as_deref(),
            context: &context,
        };
        // Kept for `explain` after the request's policies are gone: detach it from them.
        let decision = policy::evaluate(&request, &set).into_owned();
        AuthRecord {
            principal,
            action: action.to_string(),
            resource: resource.to_string(),
            resource_account,
            context,
            decision,
        }
    }

    /// The request context AWS would build for this caller: the global condition keys.
    pub fn context_for(&self, world: &World, caller: &Caller, region: &str, resource_account: Option<&str>) -> Context {
        let entries = self.cache.request_entries(world, caller, region, resource_account);
        world.caller_context(caller, region, resource_account, &entries)
    }

    /// The global condition keys that follow from a principal and the request's environment:
    /// who (ARN, account, type, organization), when, from where, over what, in which Region.
    pub fn context_for_principal(&self, world: &World, p: &Principal, region: &str) -> Context {
        let place = self.cache.place_entry(world, &p.account);
        world.principal_context(p, region, place.as_deref(), &self.cache.time_keys(world))
    }

    /// [`World::principal_caller`], remembered for the current time of `world` (its answer
    /// depends on the clock: the session begins now, and the account may have closed).
    pub fn principal_caller(&self, world: &World, principal: &str) -> AwsResult<Arc<Caller>> {
        self.cache.principal_caller(world, principal)
    }

    /// Asks the policy engine whether `principal` may perform `action` on `resource`, without
    /// running any operation: the decision a call would get, with its explanation. For library
    /// users' tests ("may dave read this object?").
    ///
    /// `principal` is the root user's ARN (`arn:aws:iam::ACCOUNT:root`) or an IAM user's ARN,
    /// signed in to the console with MFA for the question, or a role's ARN, as a session of that
    /// role (named `rootsim-decide`, with MFA, without a session policy). The bucket policy of an
    /// S3 bucket or object ARN, the queue policy of an SQS queue ARN, and for `sts:AssumeRole` the role's
    /// trust policy (which must itself allow) take part as they would in the call, with the
    /// resource's owner as the resource account. Fails with `NoSuchEntity` for a
    /// principal that does not exist, and with the reason for an account that is closed. Rules
    /// that AWS enforces outside policy evaluation (the root user cannot assume roles; AssumeRoot's
    /// preconditions) are not applied here: the answer is the policy engine's.
    ///
    /// ```
    /// use rootsim_model::auth::Authorizer;
    /// use rootsim_model::{Session, DEFAULT_SEED};
    ///
    /// let session = Session::demo(DEFAULT_SEED);
    /// let dev = session.world.accounts.find("dev").unwrap().id.clone();
    /// // dave has ReadOnlyAccess: he may list users, not create them.
    /// let dave = format!("arn:aws:iam::{dev}:user/dave");
    /// let read = Authorizer::new().decide(&session.world, &dave, "iam:ListUsers", "*").unwrap();
    /// assert!(read.decision.is_allowed());
    /// let write = Authorizer::new().decide(&session.world, &dave, "iam:CreateUser", &format!("arn:aws:iam::{dev}:user/eve")).unwrap();
    /// assert!(!write.decision.is_allowed());
    /// assert!(write.explain().contains("No identity-based policy"));
    /// ```
    pub fn decide(&self, world: &World, principal: &str, action: &str, resource: &str) -> AwsResult<AuthRecord> {
        self.decide_granted(world, principal, action, resource, None)
    }

    /// [`Authorizer::decide`] for a principal that also holds `granted` as one more identity
    /// policy: what it could do after an escalation gave it those permissions (its boundary,
    /// SCPs and RCPs still apply). The principal graph asks this with `Allow *`
    /// (`graph::AccessGraph`).
    pub fn decide_granted(
        &self,
        world: &World,
        principal: &str,
        action: &str,
        resource: &str,
        granted: Option<&Policy>,
    ) -> AwsResult<AuthRecord> {
        let caller = self.principal_caller(world, principal)?;
        Ok(match granted {
            None => self.decide_for(world, &caller, action, resource),
            Some(granted) => {
                let mut caller = Caller::clone(&caller);
                caller.granted = Some(granted.clone());
                self.decide_for(world, &caller, action, resource)
            }
        })
    }

    /// [`Authorizer::decide`] for a caller already resolved ([`World::principal_caller`]), so
    /// that many questions about one principal resolve it once.
    pub fn decide_for(&self, world: &World, caller: &Caller, action: &str, resource: &str) -> AuthRecord {
        // The resource's own policy and owner, found as the service's own operations find them.
        // A role's trust policy must itself allow sts:AssumeRole.
        if action.eq_ignore_ascii_case("sts:AssumeRole") {
            if let Some(role) = self.cache.role_entry(world, resource) {
                let request = AuthRequest::new(caller, "us-east-1", action, resource)
                    .owned_by(&role.owner)
                    .with_resource_policy(Some((role.trust_name.as_str(), &role.trust)))
                    .resource_policy_must_allow();
                return self.authorize(world, &request);
            }
        }
        // AssumeRoot names the member's root user but is authorized in the caller's account alone
        // (sts::assume_root does the same).
        if action.eq_ignore_ascii_case("sts:AssumeRoot") {
            return self
                .authorize(world, &AuthRequest::new(caller, "us-east-1", action, resource).owned_by(&caller.account));
        }
        let found = world.resource_policy(resource);
        let (owner, policy) = found.map_or((None, None), |(owner, policy)| (Some(owner), policy));
        let policy = policy.as_ref().map(|(label, p)| (label.as_str(), p));
        // A Regional resource is acted on in its own Region (`aws:RequestedRegion`, an SCP that
        // limits Regions): a queue, key or function of eu-west-1 is asked about there, not in
        // us-east-1. A global resource, or `*`, in us-east-1 as before.
        let region = rootsim_policy::arn::Arn::parse(resource).map(|a| a.region).filter(|r| !r.is_empty());
        let request = AuthRequest {
            resource_owner: owner.as_deref(),
            ..AuthRequest::new(caller, region.unwrap_or("us-east-1"), action, resource)
        }
        .with_resource_policy(policy);
        self.authorize(world, &request)
    }
}

impl World {
    /// Asks the policy engine whether `principal` may perform `action` on `resource`, without
    /// running any operation: the decision a call would get, with its explanation. For library
    /// users' tests ("may dave read this object?").
    ///
    /// `principal` is the root user's ARN (`arn:aws:iam::ACCOUNT:root`) or an IAM user's ARN,
    /// signed in to the console with MFA for the question, or a role's ARN, as a session of that
    /// role (named `rootsim-decide`, with MFA, without a session policy). The bucket policy of an
    /// S3 bucket or object ARN, the queue policy of an SQS queue ARN, and for `sts:AssumeRole` the role's
    /// trust policy (which must itself allow) take part as they would in the call, with the
    /// resource's owner as the resource account. Fails with `NoSuchEntity` for a
    /// principal that does not exist, and with the reason for an account that is closed. Rules
    /// that AWS enforces outside policy evaluation (the root user cannot assume roles; AssumeRoot's
    /// preconditions) are not applied here: the answer is the policy engine's.
    ///
    /// The library's entry point for one question: each call starts with a fresh [`Authorizer`]
    /// (an empty cache). To ask one world many questions, keep one [`Authorizer`] and ask
    /// [`Authorizer::decide`] (or [`Authorizer::authorize`] with an [`AuthRequest`]), which
    /// remembers what the questions read for as long as the world stays as it was.
    ///
    /// ```
    /// use rootsim_model::{Session, DEFAULT_SEED};
    ///
    /// let session = Session::demo(DEFAULT_SEED);
    /// let dev = session.world.accounts.find("dev").unwrap().id.clone();
    /// // dave has ReadOnlyAccess: he may list users, not create them.
    /// let dave = format!("arn:aws:iam::{dev}:user/dave");
    /// let read = session.world.decide(&dave, "iam:ListUsers", "*").unwrap();
    /// assert!(read.decision.is_allowed());
    /// let write = session.world.decide(&dave, "iam:CreateUser", &format!("arn:aws:iam::{dev}:user/eve")).unwrap();
    /// assert!(!write.decision.is_allowed());
    /// assert!(write.explain().contains("No identity-based policy"));
    /// ```
    pub fn decide(&self, principal: &str, action: &str, resource: &str) -> AwsResult<AuthRecord> {
        Authorizer::new().decide(self, principal, action, resource)
    }
}

impl World {
    /// The caller that [`World::decide`] asks about: the root user or an IAM user signed in to
    /// the console with MFA, or a session of a role. Fails as [`World::decide`] does.
    pub fn principal_caller(&self, principal: &str) -> AwsResult<Caller> {
        let no_such = || AwsError::new("NoSuchEntity", 404, format!("The principal {principal} does not exist."));
        let parsed = rootsim_policy::arn::Arn::parse(principal).ok_or_else(no_such)?;
        let account = parsed.account.to_string();
        let name_in = |path: &str| key(path.rsplit('/').next().unwrap_or(path));
        if let Some(path) = parsed.resource.strip_prefix("role/") {
            let mut caller =
                self.role_session_caller(&account, &name_in(path), "rootsim-decide").ok_or_else(no_such)?;
            self.accounts.check_open(&account, self.clock.now())?;
            caller.mfa = true;
            caller.authenticated_at = Some(self.clock.now());
            return Ok(caller);
        }
        let user = match parsed.resource.strip_prefix("user/") {
            Some(path) => {
                let iam = self.iam.account(&account).ok_or_else(no_such)?;
                let key = name_in(path);
                if !iam.users.contains_key(&key) {
                    return Err(no_such());
                }
                Some(key)
            }
            None if parsed.resource == "root" && self.accounts.get(&account).is_some() => None,
            None => return Err(no_such()),
        };
        self.resolve(&Identity::Console { account, user, mfa: true, since: self.clock.now() })
    }
}

#[cfg(test)]
mod tests {
    use crate::{Session, DEFAULT_SEED};
    use rootsim_policy::Layer;

    /// The names that the cache formats once (`cache::IdentityEntry`, `cache::PlaceEntry`,
    /// `cache::RoleEntry`) are the names explanations show: every recorded statement carries
    /// its policy's, also for two inline policies of one name (a user's and its group's), SCPs
    /// and a trust policy.
    #[test]
    fn recorded_statements_carry_the_names_explanations_show() {
        let mut session = Session::demo(DEFAULT_SEED);
        let mgmt = session.world.accounts.find("management").expect("demo account").id.clone();
        let dev = session.world.accounts.find("dev").expect("demo account").id.clone();
        let allow =
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:ListQueues","Resource":"*"}]}"#;
        for line in [
            "aws iam create-user --user-name pat".to_string(),
            "aws iam create-group --group-name crew".to_string(),
            "aws iam add-user-to-group --user-name pat --group-name crew".to_string(),
            format!("aws iam put-user-policy --user-name pat --policy-name Same --policy-document {allow}"),
            format!("aws iam put-group-policy --group-name crew --policy-name Same --policy-document {allow}"),
        ] {
            session.run(&line).expect_ok();
        }
        let world = &session.world;
        let names = |principal: &str, action: &str, resource: &str| {
            let record = world.decide(principal, action, resource).expect("the principal exists");
            assert!(record.decision.is_allowed(), "{}", record.explain());
            record.decision.matched.iter().map(|m| (m.layer, m.policy.to_string())).collect::<Vec<_>>()
        };

        let pat = names(&format!("arn:aws:iam::{mgmt}:user/pat"), "sqs:ListQueues", "*");
        let identity: Vec<&str> = pat.iter().filter(|(l, _)| *l == Layer::Identity).map(|(_, n)| n.as_str()).collect();
        assert_eq!(identity, ["Same (inline policy of user pat)", "Same (inline policy of group crew)"]);

        // dave (dev) is governed by the demo's SCPs: each level's FullAWSAccess by its ARN.
        let org = world.organizations.org.as_ref().expect("the demo has an organization");
        let full = org.policy_arn(&org.policies["p-FullAWSAccess"]);
        let dave = names(&format!("arn:aws:iam::{dev}:user/dave"), "iam:ListUsers", "*");
        let scps: Vec<&str> = dave.iter().filter(|(l, _)| *l == Layer::Scp).map(|(_, n)| n.as_str()).collect();
        assert!(!scps.is_empty() && scps.iter().all(|n| *n == full), "{scps:?} against {full}");
        assert!(dave.iter().any(|(l, n)| *l == Layer::Identity && n == "arn:aws:iam::aws:policy/ReadOnlyAccess"));

        let role = format!("arn:aws:iam::{dev}:role/OrganizationAccountAccessRole");
        let trust = names(&format!("arn:aws:iam::{mgmt}:root"), "sts:AssumeRole", &role);
        assert!(trust.contains(&(Layer::Resource, "trust policy of role OrganizationAccountAccessRole".to_string())));
    }
}
