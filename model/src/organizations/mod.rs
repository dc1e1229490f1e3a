//! AWS Organizations: the organization, its root and OUs, which account sits where, and the
//! organization policies attached at each level.
//!
//! This module owns the tree. The policy engine (`rootsim_policy`) evaluates SCPs and RCPs; this
//! module only says which policies apply to an account, level by level from the root down.
//!
//! The operations are split by theme: this file holds the state, the read operations of the tree,
//! SCP/RCP create/attach/detach, trusted access, delegated administrators and the one operation
//! table; `lifecycle` creates and deletes organizations and accounts and lets accounts go;
//! `handshakes` holds invitations and the all-features migration; `units` the OUs and moves;
//! `policies` policy types and the policy quotas.

mod handshakes;
mod lifecycle;
mod policies;
mod units;

pub use handshakes::{Handshake, HandshakeAction, HandshakeState};
pub use lifecycle::{CreateAccountState, CreateAccountStatus};

use rootsim_policy::Policy;
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
    /// Centralized root access features enabled through IAM (`RootCredentialsManagement`,
    /// `RootSessions`).
    #[serde(default)]
    pub root_features: BTreeSet<String>,
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
            root_features: BTreeSet::new(),
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

// ---------------------------------------------------------------- operations

use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Param, Shape};
use rootsim_policy::{ParseOptions, PolicyKind};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

/// `AWSOrganizationsNotInUseException`: the caller's account is in no organization.
pub(crate) fn not_in_use() -> AwsError {
    AwsError::new("AWSOrganizationsNotInUseException", 400, "Your account is not a member of an organization.")
}

/// `AccessDeniedException` for what only the management account may do.
pub(crate) fn org_denied() -> AwsError {
    AwsError::new(
        "AccessDeniedException",
        403,
        "You don't have permissions to access this resource. Only the organization's management account can do this.",
    )
}

/// Organizations' AccessDenied from the policy engine carries the JSON protocol's wire code.
fn authorize(call: &mut Call, action: &str, resource: &str) -> AwsResult<()> {
    call.authorize(action, resource).map_err(|e| AwsError { code: "AccessDeniedException".into(), ..e })
}

/// The caller's organization; with `management`, only for callers in the management account.
fn org_of(call: &Call, management: bool) -> AwsResult<Organization> {
    let org = call.world.organizations.of_account(&call.caller.account).ok_or_else(not_in_use)?;
    if management && org.management_account != call.caller.account {
        return Err(org_denied());
    }
    Ok(org.clone())
}

fn org_mut<'a>(call: &'a mut Call) -> &'a mut Organization {
    call.world.organizations.org.as_mut().expect("checked by org_of")
}

/// `ConstraintViolationException` with its reason, printed on the line after the message.
pub(crate) fn constraint(reason: &str, message: &str) -> AwsError {
    AwsError::new("ConstraintViolationException", 400, message.to_string()).with_hint(format!("  Reason: {reason}"))
}

/// Organizations creates its service-linked role in an account that joins an all-features
/// organization (or creates one), so the caller also needs `iam:CreateServiceLinkedRole`; without
/// it AWS answers `AccessDeniedForDependencyException`.
fn service_linked_role_checked(call: &mut Call) -> AwsResult<()> {
    let arn = format!(
        "arn:aws:iam::{}:role/aws-service-role/organizations.amazonaws.com/AWSServiceRoleForOrganizations",
        call.caller.account
    );
    call.authorize("iam:CreateServiceLinkedRole", &arn).map_err(|_| {
        AwsError::new(
            "AccessDeniedForDependencyException",
            403,
            "The operation requires iam:CreateServiceLinkedRole for organizations.amazonaws.com, so that AWS Organizations can create its service-linked role, and you don't have that permission.",
        )
        .with_hint("  Reason: ACCESS_DENIED_DURING_CREATE_SERVICE_LINKED_ROLE")
    })
}

/// `InvalidInputException` with its reason.
fn invalid_input(reason: &str, message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidInputException", 400, message).with_hint(format!("  Reason: {reason}"))
}

fn account_not_found() -> AwsError {
    AwsError::new("AccountNotFoundException", 400, "You specified an account that doesn't exist.")
}

/// The AWS managed policy of each enabled type, attached to a new root, OU or account as AWS
/// attaches `FullAWSAccess` (and `RCPFullAWSAccess`) to every entity (facts §5.8).
fn attach_defaults(org: &mut Organization, target: &str) {
    let managed: Vec<String> = org.enabled_policy_types.iter().map(|t| aws_managed_policy(t).id).collect();
    let list = org.attachments.entry(target.to_string()).or_default();
    for id in managed {
        if !list.contains(&id) {
            list.push(id);
        }
    }
}

/// Puts `account` in the organization under the root, with the default policies attached.
fn join(org: &mut Organization, account: &str, method: JoinedMethod, now: i64) {
    org.accounts
        .insert(account.to_string(), Membership { parent: org.root_id.clone(), joined_method: method, joined: now });
    attach_defaults(org, account);
}

impl Organization {
    fn root_arn(&self) -> String {
        format!("arn:aws:organizations::{}:root/{}/{}", self.management_account, self.id, self.root_id)
    }
    fn ou_arn(&self, id: &str) -> String {
        format!("arn:aws:organizations::{}:ou/{}/{id}", self.management_account, self.id)
    }
    /// `arn:aws:organizations::MGMT:account/o-.../ID`: a member account as Organizations names it.
    pub(crate) fn account_arn(&self, id: &str) -> String {
        format!("arn:aws:organizations::{}:account/{}/{id}", self.management_account, self.id)
    }
    fn policy_types_json(&self) -> Value {
        Value::Array(self.enabled_policy_types.iter().map(|t| json!({"Type": t, "Status": "ENABLED"})).collect())
    }
    /// Whether `id` is the root or an OU.
    fn is_parent(&self, id: &str) -> bool {
        id == self.root_id || self.ous.contains_key(id)
    }
    /// Whether `id` is the root, an OU or a member account: something a policy attaches to.
    fn is_target(&self, id: &str) -> bool {
        self.is_parent(id) || self.accounts.contains_key(id)
    }
}

fn organization_json(call: &Call, org: &Organization) -> Value {
    let email = call.world.accounts.get(&org.management_account).map(|a| a.email.clone()).unwrap_or_default();
    json!({
        "Id": org.id,
        "Arn": org.arn(),
        "FeatureSet": org.feature_set.as_str(),
        "MasterAccountArn": org.account_arn(&org.management_account),
        "MasterAccountId": org.management_account,
        "MasterAccountEmail": email,
        // A consolidated-billing organization has no policy types at all.
        "AvailablePolicyTypes": if org.feature_set == FeatureSet::ConsolidatedBilling { json!([]) } else { json!([{"Type": "SERVICE_CONTROL_POLICY", "Status": if org.enabled_policy_types.contains("SERVICE_CONTROL_POLICY") { "ENABLED" } else { "DISABLED" }}]) },
    })
}

fn account_json(call: &Call, org: &Organization, id: &str) -> Value {
    let a = call.world.accounts.get(id);
    let m = &org.accounts[id];
    json!({
        "Id": id,
        "Arn": org.account_arn(id),
        "Email": a.map(|a| a.email.as_str()).unwrap_or(""),
        "Name": a.map(|a| a.name.as_str()).unwrap_or(""),
        // Organizations' enum has no CLOSED: a permanently closed member still reads SUSPENDED.
        "Status": a.map_or("ACTIVE", |a| match a.status_at(call.world.clock.now()) {
            crate::account::AccountStatus::Closed => "SUSPENDED",
            s => s.as_str(),
        }),
        "JoinedMethod": match m.joined_method { JoinedMethod::Created => "CREATED", JoinedMethod::Invited => "INVITED" },
        "JoinedTimestamp": crate::clock::format_cli(m.joined),
    })
}

use crate::account::org_close_account as close_account;

fn describe_organization(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_of(call, false)?;
    // The organization's ARN names the management account: a member is authorized in its own
    // account (on `*`), or the engine would treat its own organization as another account's.
    let resource = if call.caller.account == org.management_account { org.arn() } else { "*".to_string() };
    authorize(call, "organizations:DescribeOrganization", &resource)?;
    Ok(json!({ "Organization": organization_json(call, &org) }))
}

fn list_roots(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    authorize(call, "organizations:ListRoots", &org.root_arn())?;
    Ok(
        json!({ "Roots": [{ "Id": org.root_id, "Arn": org.root_arn(), "Name": "Root", "PolicyTypes": org.policy_types_json() }] }),
    )
}

fn list_accounts(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    authorize(call, "organizations:ListAccounts", "*")?;
    let list: Vec<Value> = org.accounts.keys().map(|id| account_json(call, &org, id)).collect();
    Ok(json!({ "Accounts": list }))
}

fn parent_checked(org: &Organization, id: &str) -> AwsResult<()> {
    if org.is_parent(id) {
        Ok(())
    } else {
        Err(AwsError::new(
            "ParentNotFoundException",
            400,
            "We can't find a root or OU with the ParentId that you specified.",
        ))
    }
}

fn list_accounts_for_parent(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let parent = req_str(input, "ParentId")?;
    parent_checked(&org, parent)?;
    authorize(call, "organizations:ListAccountsForParent", "*")?;
    let list: Vec<Value> =
        org.accounts.iter().filter(|(_, m)| m.parent == parent).map(|(id, _)| account_json(call, &org, id)).collect();
    Ok(json!({ "Accounts": list }))
}

fn list_organizational_units_for_parent(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let parent = req_str(input, "ParentId")?;
    parent_checked(&org, parent)?;
    authorize(call, "organizations:ListOrganizationalUnitsForParent", "*")?;
    let list: Vec<Value> = org
        .ous
        .values()
        .filter(|o| o.parent == parent)
        .map(|o| json!({ "Id": o.id, "Arn": org.ou_arn(&o.id), "Name": o.name }))
        .collect();
    Ok(json!({ "OrganizationalUnits": list }))
}

fn describe_account(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let id = req_str(input, "AccountId")?;
    if !org.accounts.contains_key(id) {
        return Err(AwsError::new("AccountNotFoundException", 400, "You specified an account that doesn't exist."));
    }
    authorize(call, "organizations:DescribeAccount", &org.account_arn(id))?;
    Ok(json!({ "Account": account_json(call, &org, id) }))
}

/// Service principals rootsim knows for trusted access and delegated administration.
const SERVICE_PRINCIPALS: &[&str] =
    &["iam.amazonaws.com", "account.amazonaws.com", "cloudtrail.amazonaws.com", "sso.amazonaws.com"];

fn service_principal(input: &Input) -> AwsResult<String> {
    let sp = req_str(input, "ServicePrincipal")?;
    if SERVICE_PRINCIPALS.contains(&sp) {
        Ok(sp.to_string())
    } else {
        Err(AwsError::new("InvalidInputException", 400, format!("You provided a value that does not match the required pattern: {sp} is not a service principal that rootsim models ({}).", SERVICE_PRINCIPALS.join(", "))).with_hint("  Reason: UNRECOGNIZED_SERVICE_PRINCIPAL"))
    }
}

fn enable_aws_service_access(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let _ = org_of(call, true)?;
    let sp = service_principal(input)?;
    authorize(call, "organizations:EnableAWSServiceAccess", "*")?;
    org_mut(call).service_access.insert(sp);
    Ok(Value::Null)
}

fn disable_aws_service_access(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let _ = org_of(call, true)?;
    let sp = service_principal(input)?;
    authorize(call, "organizations:DisableAWSServiceAccess", "*")?;
    org_mut(call).service_access.remove(&sp);
    Ok(Value::Null)
}

fn list_aws_service_access_for_organization(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    authorize(call, "organizations:ListAWSServiceAccessForOrganization", "*")?;
    let list: Vec<Value> = org
        .service_access
        .iter()
        .map(|sp| json!({ "ServicePrincipal": sp, "DateEnabled": crate::clock::format_cli(call.world.clock.now()) }))
        .collect();
    Ok(json!({ "EnabledServicePrincipals": list }))
}

fn register_delegated_administrator(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let account = req_str(input, "AccountId")?;
    let sp = service_principal(input)?;
    authorize(call, "organizations:RegisterDelegatedAdministrator", "*")?;
    if !org.accounts.contains_key(account) {
        return Err(AwsError::new("AccountNotFoundException", 400, "You specified an account that doesn't exist."));
    }
    if account == org.management_account {
        return Err(constraint(
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
            "You can't register the management account as a delegated administrator.",
        ));
    }
    if !org.service_access.contains(&sp) {
        return Err(constraint("SERVICE_ACCESS_NOT_ENABLED", "You must first enable trusted access for the service."));
    }
    let admins = org.delegated_admins.get(&sp).cloned().unwrap_or_default();
    if admins.contains(account) {
        return Err(AwsError::new(
            "AccountAlreadyRegisteredException",
            400,
            "The provided account is already a delegated administrator for your organization.",
        ));
    }
    // One delegated administrator per service (a simulator assumption for IAM; facts §2.2).
    if !admins.is_empty() {
        return Err(constraint(
            "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED",
            "You have already registered the maximum number of delegated administrators for this service.",
        ));
    }
    org_mut(call).delegated_admins.entry(sp).or_default().insert(account.to_string());
    Ok(Value::Null)
}

fn deregister_delegated_administrator(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, false)?;
    let account = req_str(input, "AccountId")?;
    let sp = service_principal(input)?;
    // The management account, or the delegated administrator itself (facts §2.2).
    if call.caller.account != org.management_account
        && !org.delegated_admins.get(&sp).is_some_and(|a| a.contains(&call.caller.account))
    {
        return Err(org_denied());
    }
    authorize(call, "organizations:DeregisterDelegatedAdministrator", "*")?;
    if !org.delegated_admins.get(&sp).is_some_and(|a| a.contains(account)) {
        return Err(AwsError::new(
            "AccountNotRegisteredException",
            400,
            "The provided account is not a registered delegated administrator for your organization.",
        ));
    }
    org_mut(call).delegated_admins.get_mut(&sp).expect("checked").remove(account);
    Ok(Value::Null)
}

fn list_delegated_administrators(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    authorize(call, "organizations:ListDelegatedAdministrators", "*")?;
    let filter = opt_str(input, "ServicePrincipal");
    let mut ids: Vec<&String> = org
        .delegated_admins
        .iter()
        .filter(|(sp, _)| filter.is_none_or(|f| f == sp.as_str()))
        .flat_map(|(_, a)| a.iter())
        .collect();
    ids.sort();
    ids.dedup();
    let list: Vec<Value> = ids.into_iter().map(|id| account_json(call, &org, id)).collect();
    Ok(json!({ "DelegatedAdministrators": list }))
}

fn list_parents(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let child = req_str(input, "ChildId")?;
    let parent =
        org.accounts.get(child).map(|m| m.parent.clone()).or_else(|| org.ous.get(child).map(|o| o.parent.clone()));
    let Some(parent) = parent else {
        return Err(AwsError::new(
            "ChildNotFoundException",
            400,
            "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
        ));
    };
    authorize(call, "organizations:ListParents", "*")?;
    let kind = if parent == org.root_id { "ROOT" } else { "ORGANIZATIONAL_UNIT" };
    Ok(json!({ "Parents": [{ "Id": parent, "Type": kind }] }))
}

fn policy_type(input: &Input, name: &str) -> AwsResult<String> {
    let t = opt_str(input, name).unwrap_or("SERVICE_CONTROL_POLICY");
    match t {
        "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY" => Ok(t.to_string()),
        other => Err(AwsError::new(
            "InvalidInputException",
            400,
            format!("rootsim models SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY, not {other}."),
        )),
    }
}

/// A policy's `PolicySummary`, as `list-policies` and `describe-policy` print it.
pub(crate) fn policy_summary(org: &Organization, p: &OrgPolicy) -> Value {
    json!({
        "Id": p.id,
        "Arn": org.policy_arn(p),
        "Name": p.name,
        "Description": p.description,
        "Type": p.policy_type,
        "AwsManaged": p.aws_managed,
    })
}

fn policy_not_found() -> AwsError {
    AwsError::new("PolicyNotFoundException", 400, "We can't find a policy with the PolicyId that you specified.")
}

fn create_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let name = req_str(input, "Name")?;
    let content = req_str(input, "Content")?;
    let ptype = policy_type(input, "Type")?;
    authorize(call, "organizations:CreatePolicy", "*")?;
    let document = policies::document_checked(content, &ptype)?;
    if org.policies.values().any(|p| p.name == name && p.policy_type == ptype) {
        return Err(AwsError::new("DuplicatePolicyException", 400, "A policy with the same name already exists."));
    }
    policies::count_checked(&org, &ptype)?;
    let id = format!("p-{}", call.world.rng.lower_alnum(8));
    let p = OrgPolicy {
        id: id.clone(),
        name: name.to_string(),
        description: opt_str(input, "Description").unwrap_or("").to_string(),
        policy_type: ptype,
        aws_managed: false,
        document,
    };
    let out = json!({ "Policy": { "PolicySummary": policy_summary(&org, &p), "Content": content } });
    org_mut(call).policies.insert(id, p);
    Ok(out)
}

fn describe_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, false)?;
    let id = req_str(input, "PolicyId")?;
    let p = org.policies.get(id).ok_or_else(policy_not_found)?;
    // As for DescribeOrganization: a member is authorized in its own account.
    let resource = if call.caller.account == org.management_account { org.policy_arn(p) } else { "*".to_string() };
    authorize(call, "organizations:DescribePolicy", &resource)?;
    Ok(json!({ "Policy": { "PolicySummary": policy_summary(&org, p), "Content": p.document.text() } }))
}

fn list_policies(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let ptype = policy_type(input, "Filter")?;
    authorize(call, "organizations:ListPolicies", "*")?;
    let list: Vec<Value> =
        org.policies.values().filter(|p| p.policy_type == ptype).map(|p| policy_summary(&org, p)).collect();
    Ok(json!({ "Policies": list }))
}

fn target_checked(org: &Organization, id: &str) -> AwsResult<()> {
    if org.is_target(id) {
        Ok(())
    } else {
        Err(AwsError::new(
            "TargetNotFoundException",
            400,
            "We can't find a root, OU, account, or policy with the TargetId that you specified.",
        ))
    }
}

fn list_policies_for_target(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let target = req_str(input, "TargetId")?;
    let ptype = policy_type(input, "Filter")?;
    target_checked(&org, target)?;
    authorize(call, "organizations:ListPoliciesForTarget", "*")?;
    let list: Vec<Value> = org
        .attachments
        .get(target)
        .into_iter()
        .flatten()
        .filter_map(|id| org.policies.get(id))
        .filter(|p| p.policy_type == ptype)
        .map(|p| policy_summary(&org, p))
        .collect();
    Ok(json!({ "Policies": list }))
}

fn attach_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let id = req_str(input, "PolicyId")?;
    let target = req_str(input, "TargetId")?;
    let p = org.policies.get(id).ok_or_else(policy_not_found)?;
    target_checked(&org, target)?;
    authorize(call, "organizations:AttachPolicy", &org.policy_arn(p))?;
    if !org.enabled_policy_types.contains(&p.policy_type) {
        return Err(AwsError::new(
            "PolicyTypeNotEnabledException",
            400,
            "The specified policy type isn't currently enabled in this root.",
        ));
    }
    let attached = org.attachments.get(target).cloned().unwrap_or_default();
    if attached.iter().any(|a| a == id) {
        return Err(AwsError::new(
            "DuplicatePolicyAttachmentException",
            400,
            "The selected policy is already attached to the specified target.",
        ));
    }
    let same_type =
        attached.iter().filter_map(|a| org.policies.get(a)).filter(|q| q.policy_type == p.policy_type).count();
    let max = if p.policy_type == "SERVICE_CONTROL_POLICY" { 10 } else { 5 };
    if same_type >= max {
        return Err(constraint(
            "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "You attempted to exceed the number of policies of this type that you can attach to an entity.",
        ));
    }
    org_mut(call).attachments.entry(target.to_string()).or_default().push(id.to_string());
    Ok(Value::Null)
}

fn detach_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let id = req_str(input, "PolicyId")?;
    let target = req_str(input, "TargetId")?;
    let p = org.policies.get(id).ok_or_else(policy_not_found)?;
    target_checked(&org, target)?;
    authorize(call, "organizations:DetachPolicy", &org.policy_arn(p))?;
    let attached = org.attachments.get(target).cloned().unwrap_or_default();
    if !attached.iter().any(|a| a == id) {
        return Err(AwsError::new(
            "PolicyNotAttachedException",
            400,
            "The policy isn't attached to the specified target in the specified root.",
        ));
    }
    // RCPFullAWSAccess stays attached to every entity while RCPs are enabled (facts §4.4).
    if p.aws_managed && p.policy_type == "RESOURCE_CONTROL_POLICY" {
        return Err(constraint(
            "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "You can't detach RCPFullAWSAccess: it stays attached to every entity while RCPs are enabled.",
        ));
    }
    // Every root, OU and account keeps at least one SCP attached (facts §4.4).
    let same_type =
        attached.iter().filter_map(|a| org.policies.get(a)).filter(|q| q.policy_type == p.policy_type).count();
    if p.policy_type == "SERVICE_CONTROL_POLICY" && same_type <= 1 {
        return Err(constraint(
            "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "You attempted to detach the last service control policy from an entity.",
        ));
    }
    org_mut(call).attachments.get_mut(target).expect("checked").retain(|a| a != id);
    Ok(Value::Null)
}

const PARENT: Param = p("ParentId", Shape::String, true, "the root (r-...) or OU (ou-...) ID");
const POLICY_ID: Param = p("PolicyId", Shape::String, true, "the policy's ID (p-...)");
const TARGET: Param = p("TargetId", Shape::String, true, "a root, OU or account ID");
const SERVICE: Param = p("ServicePrincipal", Shape::String, true, "e.g. iam.amazonaws.com");
const FILTER: Param = p("Filter", Shape::String, true, "SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY");

const HANDSHAKE: Param = p("HandshakeId", Shape::String, true, "h-...");
const HANDSHAKE_PARTY: &[Param] = &[
    p("Id", Shape::String, true, "an account ID or an email address"),
    p("Type", Shape::String, true, "ACCOUNT or EMAIL"),
];
const HANDSHAKE_FILTER: Param = p(
    "Filter",
    Shape::Structure(&[p("ActionType", Shape::String, false, "INVITE or ENABLE_ALL_FEATURES")]),
    false,
    "ActionType=INVITE|ENABLE_ALL_FEATURES",
);
const OU_ID: Param = p("OrganizationalUnitId", Shape::String, true, "ou-...");
const ROOT_ID: Param = p("RootId", Shape::String, true, "the root's ID (r-...)");
const POLICY_TYPE: Param = p("PolicyType", Shape::String, true, "SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY");

/// Organizations' operations.
pub const OPERATIONS: &[Operation] = operations!(
    "organizations",
    [
        // Lifecycle of the organization and its accounts (lifecycle.rs).
        (
            "CreateOrganization",
            lifecycle::create_organization,
            "Creates an organization with the caller's standalone account as its management account.",
            [p("FeatureSet", Shape::String, false, "ALL (default) or CONSOLIDATED_BILLING")]
        ),
        ("DeleteOrganization", lifecycle::delete_organization, "Deletes an organization that has no member left.", []),
        (
            "CreateAccount",
            lifecycle::create_account,
            "Creates a member account (no root password; an admin role trusted by the management account).",
            [
                p("Email", Shape::String, true, "the new account's root email"),
                p("AccountName", Shape::String, true, "the account's name"),
                p("RoleName", Shape::String, false, "the admin role (default OrganizationAccountAccessRole)"),
                p("IamUserAccessToBilling", Shape::String, false, "ALLOW (default) or DENY"),
            ]
        ),
        (
            "DescribeCreateAccountStatus",
            lifecycle::describe_create_account_status,
            "Shows how a CreateAccount request ended.",
            [p("CreateAccountRequestId", Shape::String, true, "car-...")]
        ),
        (
            "ListCreateAccountStatus",
            lifecycle::list_create_account_status,
            "Lists CreateAccount requests.",
            [p("States", Shape::StringList, false, "IN_PROGRESS, SUCCEEDED, FAILED")]
        ),
        (
            "RemoveAccountFromOrganization",
            lifecycle::remove_account_from_organization,
            "Removes a member account (management account).",
            [p("AccountId", Shape::String, true, "the member account")]
        ),
        (
            "LeaveOrganization",
            lifecycle::leave_organization,
            "The caller's member account leaves its organization.",
            []
        ),
        // Invitations and the all-features migration (handshakes.rs).
        (
            "InviteAccountToOrganization",
            handshakes::invite_account_to_organization,
            "Invites a standalone account, by ID or root email.",
            [
                p("Target", Shape::Structure(HANDSHAKE_PARTY), true, "Id=<account or email>,Type=ACCOUNT|EMAIL"),
                p("Notes", Shape::String, false, "a message for the invited account"),
            ]
        ),
        (
            "EnableAllFeatures",
            handshakes::enable_all_features,
            "Starts the migration to all features: invited members approve, then the management account finalizes.",
            []
        ),
        (
            "AcceptHandshake",
            handshakes::accept_handshake,
            "Accepts an invitation or an all-features request.",
            [HANDSHAKE]
        ),
        (
            "DeclineHandshake",
            handshakes::decline_handshake,
            "Declines a handshake sent to the caller's account.",
            [HANDSHAKE]
        ),
        ("CancelHandshake", handshakes::cancel_handshake, "Cancels a handshake the organization sent.", [HANDSHAKE]),
        ("DescribeHandshake", handshakes::describe_handshake, "Shows a handshake.", [HANDSHAKE]),
        (
            "ListHandshakesForAccount",
            handshakes::list_handshakes_for_account,
            "Lists the handshakes sent to the caller's account.",
            [HANDSHAKE_FILTER]
        ),
        (
            "ListHandshakesForOrganization",
            handshakes::list_handshakes_for_organization,
            "Lists the handshakes the organization sent (management account).",
            [HANDSHAKE_FILTER]
        ),
        // OUs and moves (units.rs).
        (
            "CreateOrganizationalUnit",
            units::create_organizational_unit,
            "Creates an OU in a root or OU.",
            [PARENT, p("Name", Shape::String, true, "the OU's name")]
        ),
        (
            "UpdateOrganizationalUnit",
            units::update_organizational_unit,
            "Renames an OU.",
            [OU_ID, p("Name", Shape::String, false, "the new name")]
        ),
        ("DeleteOrganizationalUnit", units::delete_organizational_unit, "Deletes an empty OU.", [OU_ID]),
        ("DescribeOrganizationalUnit", units::describe_organizational_unit, "Describes an OU.", [OU_ID]),
        (
            "ListChildren",
            units::list_children,
            "Lists the accounts or OUs directly in a root or OU.",
            [PARENT, p("ChildType", Shape::String, true, "ACCOUNT or ORGANIZATIONAL_UNIT")]
        ),
        (
            "MoveAccount",
            units::move_account,
            "Moves an account from one root or OU to another.",
            [
                p("AccountId", Shape::String, true, "the account"),
                p("SourceParentId", Shape::String, true, "the root or OU it is in"),
                p("DestinationParentId", Shape::String, true, "the root or OU to move it to"),
            ]
        ),
        // Policy types and policy changes (policies.rs).
        (
            "EnablePolicyType",
            policies::enable_policy_type,
            "Enables SCPs or RCPs in the root, attaching FullAWSAccess / RCPFullAWSAccess everywhere.",
            [ROOT_ID, POLICY_TYPE]
        ),
        (
            "DisablePolicyType",
            policies::disable_policy_type,
            "Disables SCPs or RCPs in the root, detaching every policy of the type.",
            [ROOT_ID, POLICY_TYPE]
        ),
        (
            "UpdatePolicy",
            policies::update_policy,
            "Changes a policy's name, description or content.",
            [
                POLICY_ID,
                p("Name", Shape::String, false, "a new name"),
                p("Description", Shape::String, false, "a new description"),
                p("Content", Shape::Document, false, "a new document"),
            ]
        ),
        ("DeletePolicy", policies::delete_policy, "Deletes a policy attached nowhere.", [POLICY_ID]),
        (
            "CloseAccount",
            close_account,
            "Closes a member account: PENDING_CLOSURE, then SUSPENDED for 90 days (management account).",
            [p("AccountId", Shape::String, true, "the member account's ID")]
        ),
        ("DescribeOrganization", describe_organization, "Describes the organization of the caller's account.", []),
        (
            "ListRoots",
            list_roots,
            "Lists the organization's root with its enabled policy types (management account).",
            []
        ),
        ("ListAccounts", list_accounts, "Lists every account of the organization (management account).", []),
        ("ListAccountsForParent", list_accounts_for_parent, "Lists the accounts directly in a root or OU.", [PARENT]),
        (
            "ListOrganizationalUnitsForParent",
            list_organizational_units_for_parent,
            "Lists the OUs directly in a root or OU.",
            [PARENT]
        ),
        (
            "ListParents",
            list_parents,
            "Names the root or OU that an account or OU sits in.",
            [p("ChildId", Shape::String, true, "an account or OU ID")]
        ),
        (
            "DescribeAccount",
            describe_account,
            "Describes a member account.",
            [p("AccountId", Shape::String, true, "the 12-digit account ID")]
        ),
        (
            "CreatePolicy",
            create_policy,
            "Creates an SCP or RCP.",
            [
                p("Content", Shape::Document, true, "the policy document"),
                p("Description", Shape::String, false, "a description"),
                p("Name", Shape::String, true, "the policy's name"),
                p("Type", Shape::String, true, "SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY"),
            ]
        ),
        ("DescribePolicy", describe_policy, "Shows a policy and its content.", [POLICY_ID]),
        ("ListPolicies", list_policies, "Lists the organization's policies of a type.", [FILTER]),
        (
            "ListPoliciesForTarget",
            list_policies_for_target,
            "Lists the policies of a type attached to a root, OU or account.",
            [TARGET, FILTER]
        ),
        ("AttachPolicy", attach_policy, "Attaches a policy to a root, OU or account.", [POLICY_ID, TARGET]),
        ("DetachPolicy", detach_policy, "Detaches a policy; every entity keeps at least one SCP.", [POLICY_ID, TARGET]),
        (
            "EnableAWSServiceAccess",
            enable_aws_service_access,
            "Gives a service trusted access to the organization.",
            [SERVICE]
        ),
        ("DisableAWSServiceAccess", disable_aws_service_access, "Removes a service's trusted access.", [SERVICE]),
        (
            "ListAWSServiceAccessForOrganization",
            list_aws_service_access_for_organization,
            "Lists the services with trusted access.",
            []
        ),
        (
            "RegisterDelegatedAdministrator",
            register_delegated_administrator,
            "Makes a member account the delegated administrator of a service.",
            [p("AccountId", Shape::String, true, "the member account"), SERVICE,]
        ),
        (
            "DeregisterDelegatedAdministrator",
            deregister_delegated_administrator,
            "Removes a delegated administrator.",
            [p("AccountId", Shape::String, true, "the member account"), SERVICE,]
        ),
        (
            "ListDelegatedAdministrators",
            list_delegated_administrators,
            "Lists delegated administrators.",
            [p("ServicePrincipal", Shape::String, false, "only for this service"),]
        ),
    ]
);

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
