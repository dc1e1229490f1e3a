//! Organizations' state: the organization's tree (root, OUs, accounts and how they joined), its
//! policies and where each is attached, trusted access, delegated administrators, centralized
//! root access features, handshakes and `CreateAccount` requests, with the typed reads and
//! changes the handlers and the authorizer use. Nothing here reads a call's parameters, prints a
//! response or asks the policy engine.

use rootsim_policy::{ParseOptions, Policy, PolicyKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `ALL` or `CONSOLIDATED_BILLING`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeatureSet {
    /// All features, including SCPs, RCPs and centralized root access.
    All,
    /// Consolidated billing only.
    ConsolidatedBilling,
}

impl FeatureSet {
    /// The value as AWS prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            FeatureSet::All => "ALL",
            FeatureSet::ConsolidatedBilling => "CONSOLIDATED_BILLING",
        }
    }
}

/// An organizational unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationalUnit {
    /// `ou-xxxx-xxxxxxxx`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The ID of the root or OU it sits in.
    pub parent: String,
}

/// How an account came into the organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JoinedMethod {
    /// Created by `CreateAccount`.
    Created,
    /// Invited and accepted a handshake.
    Invited,
}

/// An account's membership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The ID of the root or OU the account sits in.
    pub parent: String,
    /// How it joined.
    pub joined_method: JoinedMethod,
    /// When it joined (epoch seconds).
    pub joined: i64,
}

/// An organization policy (SCP or RCP).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgPolicy {
    /// `p-...`, or `p-FullAWSAccess` for the AWS managed default.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// `SERVICE_CONTROL_POLICY` or `RESOURCE_CONTROL_POLICY`.
    pub policy_type: String,
    /// Whether AWS manages it.
    pub aws_managed: bool,
    /// The document.
    pub document: Policy,
}

/// The organization's resource-based delegation policy (`PutResourcePolicy`): which member
/// accounts may call which Organizations operations, as a resource policy of the management
/// account's Organizations resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgResourcePolicy {
    /// `rp-` and 8 characters, kept while the policy is replaced.
    pub id: String,
    /// The document.
    pub document: Policy,
}

/// The organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// `o-...`.
    pub id: String,
    /// The feature set.
    pub feature_set: FeatureSet,
    /// The management account's ID.
    pub management_account: String,
    /// The root's ID, `r-...`.
    pub root_id: String,
    /// Policy types enabled on the root (`SERVICE_CONTROL_POLICY`, ...).
    pub enabled_policy_types: BTreeSet<String>,
    /// OUs by ID.
    pub ous: BTreeMap<String, OrganizationalUnit>,
    /// Member and management accounts by account ID.
    pub accounts: BTreeMap<String, Membership>,
    /// Policies by ID.
    pub policies: BTreeMap<String, OrgPolicy>,
    /// Policy IDs attached to each target (root, OU or account ID).
    pub attachments: BTreeMap<String, Vec<String>>,
    /// Service principals with trusted access.
    pub service_access: BTreeSet<String>,
    /// Delegated administrator account IDs, by service principal.
    pub delegated_admins: BTreeMap<String, BTreeSet<String>>,
    /// When each delegated administrator account was first registered (Organizations'
    /// `DelegationEnabledDate`), kept while it is one for any service.
    #[serde(default)]
    pub delegation_dates: BTreeMap<String, i64>,
    /// Centralized root access features enabled through IAM (`RootCredentialsManagement`,
    /// `RootSessions`).
    #[serde(default)]
    pub root_features: BTreeSet<String>,
    /// The resource-based delegation policy, if the management account put one.
    #[serde(default)]
    pub resource_policy: Option<OrgResourcePolicy>,
    /// Tags by the ID of what they tag: the root, an OU, an account, a policy or the resource
    /// policy (`TagResource`); keys are case-sensitive in Organizations.
    #[serde(default)]
    pub tags: BTreeMap<String, BTreeMap<String, String>>,
    /// The text of each management policy (tag policies) by policy ID: not IAM's policy
    /// language, so its `OrgPolicy::document` is a placeholder that is never evaluated.
    #[serde(default)]
    pub policy_contents: BTreeMap<String, String>,
}

impl Organization {
    /// An organization with only its root: no policy type enabled, no OU, account or policy.
    pub fn new(id: String, feature_set: FeatureSet, management_account: String, root_id: String) -> Organization {
        Organization {
            id,
            feature_set,
            management_account,
            root_id,
            enabled_policy_types: BTreeSet::new(),
            ous: BTreeMap::new(),
            accounts: BTreeMap::new(),
            policies: BTreeMap::new(),
            attachments: BTreeMap::new(),
            service_access: BTreeSet::new(),
            delegated_admins: BTreeMap::new(),
            delegation_dates: BTreeMap::new(),
            root_features: BTreeSet::new(),
            resource_policy: None,
            tags: BTreeMap::new(),
            policy_contents: BTreeMap::new(),
        }
    }

    /// Whether `account` is the IAM delegated administrator.
    pub fn is_iam_delegated_admin(&self, account: &str) -> bool {
        self.delegated_admins.get("iam.amazonaws.com").is_some_and(|s| s.contains(account))
    }

    /// Whether `account` is the Account Management delegated administrator
    /// (`account.amazonaws.com`), which manages members' settings and closes members as the
    /// management account does (`crate::account`).
    pub fn is_account_delegated_admin(&self, account: &str) -> bool {
        self.delegated_admins.get(crate::account::SERVICE_PRINCIPAL).is_some_and(|s| s.contains(account))
    }
}

impl Organization {
    /// The organization's ARN.
    pub fn arn(&self) -> String {
        format!("arn:aws:organizations::{}:organization/{}", self.management_account, self.id)
    }

    /// The targets from the root down to the account: `[root, ou, ..., account]`.
    pub fn path_of(&self, account: &str) -> Option<Vec<String>> {
        self.chain(account).map(|chain| chain.into_iter().map(str::to_string).collect())
    }

    /// [`Organization::path_of`] borrowed from the organization: every authorization walks it
    /// (up to four times: `aws:PrincipalOrgPaths`, `aws:ResourceOrgPaths`, SCPs, RCPs), so it
    /// copies no ID.
    pub fn chain<'a>(&'a self, account: &'a str) -> Option<Vec<&'a str>> {
        let membership = self.accounts.get(account)?;
        let mut chain = vec![account];
        let mut parent = membership.parent.as_str();
        // The depth bound keeps a corrupt (cyclic) tree from looping forever.
        for _ in 0..=self.ous.len() {
            chain.push(parent);
            if parent == self.root_id {
                chain.reverse();
                return Some(chain);
            }
            parent = self.ous.get(parent)?.parent.as_str();
        }
        None
    }

    /// `aws:PrincipalOrgPaths` of an account: `o-id/r-id/ou-id/.../`.
    pub fn org_path(&self, account: &str) -> Option<String> {
        self.chain(account).map(|chain| self.org_path_along(&chain))
    }

    /// [`Organization::org_path`] of an account whose [`Organization::chain`] is known.
    pub fn org_path_along(&self, chain: &[&str]) -> String {
        // Built by pushes into one allocation, not `format!`: every authorization asks for it.
        let targets = &chain[..chain.len().saturating_sub(1)];
        let mut out = String::with_capacity(self.id.len() + 1 + targets.iter().map(|t| t.len() + 1).sum::<usize>());
        out.push_str(&self.id);
        out.push('/');
        for target in targets {
            out.push_str(target);
            out.push('/');
        }
        out
    }

    /// Organization policies of `policy_type` that govern `account`, one list per level from the
    /// root to the account. `None` when that type does not govern it: the type is not enabled, the
    /// account is not a member, or it is the management account (which SCPs and RCPs never restrict).
    pub fn levels(&self, account: &str, policy_type: &str) -> Option<Vec<Vec<(String, &Policy)>>> {
        if !self.governs(account, policy_type) {
            return None;
        }
        self.chain(account).map(|chain| self.levels_along(&chain, policy_type))
    }

    /// Whether policies of `policy_type` restrict `account` at all (see [`Organization::levels`]).
    pub fn governs(&self, account: &str, policy_type: &str) -> bool {
        self.enabled_policy_types.contains(policy_type) && account != self.management_account
    }

    /// [`Organization::levels`] of a governed account whose [`Organization::chain`] is known.
    pub fn levels_along(&self, chain: &[&str], policy_type: &str) -> Vec<Vec<(String, &Policy)>> {
        chain
            .iter()
            .map(|target| self.policies_at(target, policy_type).map(|p| (self.policy_arn(p), &p.document)).collect())
            .collect()
    }

    /// The policies of `policy_type` attached to `target` (a root, OU or account ID).
    pub fn policies_at<'s, 't>(&'s self, target: &str, policy_type: &'t str) -> impl Iterator<Item = &'s OrgPolicy> + 't
    where
        's: 't,
    {
        self.attachments
            .get(target)
            .into_iter()
            .flatten()
            .filter_map(|id| self.policies.get(id))
            .filter(move |p| p.policy_type == policy_type)
    }

    /// The ARN of an organization policy.
    pub fn policy_arn(&self, policy: &OrgPolicy) -> String {
        // Built by pushes, not `format!`: every authorization names each SCP and RCP it reads.
        let mut out = String::with_capacity(96);
        out.push_str("arn:aws:organizations::");
        if policy.aws_managed {
            out.push_str("aws:policy/");
        } else {
            out.push_str(&self.management_account);
            out.push_str(":policy/");
            out.push_str(&self.id);
            out.push('/');
        }
        // The types Organizations has spelled out, not folded a character at a time.
        match policy.policy_type.as_str() {
            "SERVICE_CONTROL_POLICY" => out.push_str("service_control_policy"),
            "RESOURCE_CONTROL_POLICY" => out.push_str("resource_control_policy"),
            other => other.chars().for_each(|c| out.push(c.to_ascii_lowercase())),
        }
        out.push('/');
        out.push_str(&policy.id);
        out
    }
}

/// The Organizations service's state: at most one organization per world in this simulator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Organizations {
    /// The organization, if one was created.
    pub org: Option<Organization>,
    /// Handshakes by ID: invitations and the all-features migration. They live here rather than
    /// in the organization because an invited account, outside the organization, must see them.
    #[serde(default)]
    pub handshakes: BTreeMap<String, Handshake>,
    /// `CreateAccount` requests, oldest first.
    #[serde(default)]
    pub create_account_statuses: Vec<CreateAccountStatus>,
    /// Created accounts whose IAM access to billing was turned off at creation
    /// (`--iam-user-access-to-billing DENY`); created accounts have it on otherwise.
    #[serde(default)]
    pub billing_access_denied: BTreeSet<String>,
}

impl Organizations {
    /// The organization `account` belongs to, if any.
    pub fn of_account(&self, account: &str) -> Option<&Organization> {
        self.org.as_ref().filter(|o| o.accounts.contains_key(account))
    }
}

impl Organization {
    /// The AWS managed policy of each enabled type, attached to a new root, OU or account as AWS
    /// attaches `FullAWSAccess` (and `RCPFullAWSAccess`) to every entity
    /// (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html>).
    pub fn attach_defaults(&mut self, target: &str) {
        // Only SCPs and RCPs have an AWS managed policy attached everywhere.
        let managed: Vec<String> = self
            .enabled_policy_types
            .iter()
            .filter(|t| matches!(t.as_str(), "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY"))
            .map(|t| aws_managed_policy(t).id)
            .collect();
        let list = self.attachments.entry(target.to_string()).or_default();
        for id in managed {
            if !list.contains(&id) {
                list.push(id);
            }
        }
    }

    /// Puts `account` in the organization under the root, with the default policies attached.
    pub fn join(&mut self, account: &str, method: JoinedMethod, now: i64) {
        self.accounts.insert(
            account.to_string(),
            Membership { parent: self.root_id.clone(), joined_method: method, joined: now },
        );
        self.attach_defaults(account);
    }
}

impl Organization {
    /// The root's ARN.
    pub fn root_arn(&self) -> String {
        format!("arn:aws:organizations::{}:root/{}/{}", self.management_account, self.id, self.root_id)
    }
    /// The ARN of the OU `id`.
    pub fn ou_arn(&self, id: &str) -> String {
        format!("arn:aws:organizations::{}:ou/{}/{id}", self.management_account, self.id)
    }
    /// `arn:aws:organizations::MGMT:account/o-.../ID`: a member account as Organizations names it.
    pub fn account_arn(&self, id: &str) -> String {
        format!("arn:aws:organizations::{}:account/{}/{id}", self.management_account, self.id)
    }
    /// Whether `id` is the root or an OU.
    pub fn is_parent(&self, id: &str) -> bool {
        id == self.root_id || self.ous.contains_key(id)
    }
    /// A policy's content as Organizations answers it: a management policy's own text, an SCP's
    /// or RCP's document.
    pub fn policy_text<'a>(&'a self, policy: &'a OrgPolicy) -> &'a str {
        self.policy_contents.get(&policy.id).map_or_else(|| policy.document.text(), String::as_str)
    }
    /// The ARN of the resource policy.
    pub fn resource_policy_arn(&self, id: &str) -> String {
        format!("arn:aws:organizations::{}:resourcepolicy/{}/{id}", self.management_account, self.id)
    }
    /// The ARN of what `id` names among the resources Organizations tags (root, OU, account,
    /// customer policy, resource policy), `None` for anything else.
    pub fn taggable_arn(&self, id: &str) -> Option<String> {
        if id == self.root_id {
            Some(self.root_arn())
        } else if self.ous.contains_key(id) {
            Some(self.ou_arn(id))
        } else if self.accounts.contains_key(id) {
            Some(self.account_arn(id))
        } else if let Some(p) = self.policies.get(id).filter(|p| !p.aws_managed) {
            Some(self.policy_arn(p))
        } else {
            self.resource_policy.as_ref().filter(|rp| rp.id == id).map(|rp| self.resource_policy_arn(&rp.id))
        }
    }
    /// The tags of the resource whose ARN is `arn`, if it is one of the organization's and has tags.
    pub fn tags_of_arn(&self, arn: &str) -> Option<&BTreeMap<String, String>> {
        // Every taggable ARN ends with its ID.
        let id = arn.rsplit('/').next()?;
        self.tags.get(id).filter(|_| self.taggable_arn(id).as_deref() == Some(arn))
    }
    /// Whether `id` is the root, an OU or a member account: something a policy attaches to.
    pub fn is_target(&self, id: &str) -> bool {
        self.is_parent(id) || self.accounts.contains_key(id)
    }
}

/// What accepting the handshake does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HandshakeAction {
    /// Join the organization.
    Invite,
    /// Approve (members) and then finalize (management) the migration to all features.
    EnableAllFeatures,
}

impl HandshakeAction {
    /// The value as AWS prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            HandshakeAction::Invite => "INVITE",
            HandshakeAction::EnableAllFeatures => "ENABLE_ALL_FEATURES",
        }
    }
}

/// Where a handshake stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HandshakeState {
    /// Sent to several recipients, not all of whom have answered.
    Requested,
    /// Waiting for an answer (for a multi-recipient handshake: every recipient answered and the
    /// originator may finalize).
    Open,
    /// Cancelled by the originator.
    Canceled,
    /// Accepted.
    Accepted,
    /// Declined by a recipient.
    Declined,
    /// Not answered in time.
    Expired,
}

impl HandshakeState {
    /// The value as AWS prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            HandshakeState::Requested => "REQUESTED",
            HandshakeState::Open => "OPEN",
            HandshakeState::Canceled => "CANCELED",
            HandshakeState::Accepted => "ACCEPTED",
            HandshakeState::Declined => "DECLINED",
            HandshakeState::Expired => "EXPIRED",
        }
    }
}

/// A handshake between the organization and one or more accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handshake {
    /// `h-` and 10 characters.
    pub id: String,
    /// The organization that sent it.
    pub org_id: String,
    /// Its management account (the originator; part of the ARN).
    pub management_account: String,
    /// What it does.
    pub action: HandshakeAction,
    /// The recipients other than the organization: `(ID, "ACCOUNT" | "EMAIL")`.
    pub recipients: Vec<(String, String)>,
    /// The stored state; [`Handshake::state_at`] adds expiry.
    pub state: HandshakeState,
    /// The recipients that accepted so far (account IDs).
    pub approvals: BTreeSet<String>,
    /// When it was sent.
    pub requested: i64,
    /// When it expires.
    pub expires: i64,
    /// The invitation's notes.
    pub notes: Option<String>,
    /// The management account's root email, as the recipient sees it in the handshake's resources.
    pub master_email: String,
    /// The management account's name.
    pub master_name: String,
    /// The feature set when the handshake was sent.
    pub feature_set: FeatureSet,
}

impl Handshake {
    /// The state at time `now`: an unanswered handshake past its expiry is `EXPIRED`.
    pub fn state_at(&self, now: i64) -> HandshakeState {
        match self.state {
            HandshakeState::Open | HandshakeState::Requested if now >= self.expires => HandshakeState::Expired,
            s => s,
        }
    }

    /// Whether it still waits for someone at time `now`.
    pub fn is_pending(&self, now: i64) -> bool {
        matches!(self.state_at(now), HandshakeState::Open | HandshakeState::Requested)
    }

    /// The handshake's ARN.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:organizations::{}:handshake/{}/{}/{}",
            self.management_account,
            self.org_id,
            self.action.as_str().to_ascii_lowercase(),
            self.id
        )
    }

    /// Whether `account` (with root email `email`) is one of its recipients.
    pub fn is_recipient(&self, account: &str, email: &str) -> bool {
        self.recipients.iter().any(
            |(id, kind)| {
                if kind == "EMAIL" {
                    id.eq_ignore_ascii_case(email)
                } else {
                    id == account
                }
            },
        )
    }
}

/// The state of a `CreateAccount` request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CreateAccountState {
    /// Still running (what the create call itself reports).
    InProgress,
    /// The account exists.
    Succeeded,
    /// No account was created; see the failure reason.
    Failed,
}

impl CreateAccountState {
    /// The value as AWS prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            CreateAccountState::InProgress => "IN_PROGRESS",
            CreateAccountState::Succeeded => "SUCCEEDED",
            CreateAccountState::Failed => "FAILED",
        }
    }
}

/// One `CreateAccount` request and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateAccountStatus {
    /// `car-` and 32 characters.
    pub id: String,
    /// The name asked for.
    pub account_name: String,
    /// Where the request stands.
    pub state: CreateAccountState,
    /// When it was made (epoch seconds).
    pub requested: i64,
    /// When it completed.
    pub completed: Option<i64>,
    /// The new account's ID, when it succeeded.
    pub account_id: Option<String>,
    /// AWS's reason, when it failed (`EMAIL_ALREADY_EXISTS`, ...).
    pub failure_reason: Option<String>,
}

/// The AWS managed policies an organization starts with, by type.
pub fn aws_managed_policy(policy_type: &str) -> OrgPolicy {
    let (id, name, kind, text) = if policy_type == "SERVICE_CONTROL_POLICY" {
        (
            "p-FullAWSAccess",
            "FullAWSAccess",
            PolicyKind::Scp,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        )
    } else {
        (
            "p-RCPFullAWSAccess",
            "RCPFullAWSAccess",
            PolicyKind::Rcp,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        )
    };
    OrgPolicy {
        id: id.into(),
        name: name.into(),
        description: if kind == PolicyKind::Scp {
            "Allows access to every operation".into()
        } else {
            "Allows access to every resource".into()
        },
        policy_type: policy_type.into(),
        aws_managed: true,
        document: Policy::parse_with(text, kind, &ParseOptions { aws_managed: true, ..ParseOptions::default() })
            .expect("AWS managed organization policies are valid"),
    }
}
