//! Organizations' operations on the tree: describing the organization, its root, accounts and
//! parents, trusted access, delegated administrators, SCP/RCP create/describe/attach/detach, and
//! the one operation table of the service, whose other handlers live in `lifecycle`, `handshakes`,
//! `units` and `policies`. The helpers here (the caller's organization, Organizations' own error
//! shapes, the JSON of an organization and an account) serve all of them.

use super::{delegation, effective, handshakes, lifecycle, policies, tags, units};
use super::{FeatureSet, JoinedMethod, OrgPolicy, Organization};
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};

pub(super) type Input = Map<String, Value>;

/// `AWSOrganizationsNotInUseException`: the caller's account is in no organization.
pub(super) fn not_in_use() -> AwsError {
    AwsError::new("AWSOrganizationsNotInUseException", 400, "Your account is not a member of an organization.")
}

/// `AccessDeniedException` for what only the management account may do.
pub(super) fn org_denied() -> AwsError {
    AwsError::new(
        "AccessDeniedException",
        403,
        "You don't have permissions to access this resource. Only the organization's management account can do this.",
    )
}

/// Organizations' AccessDenied from the policy engine carries the JSON protocol's wire code. The
/// resource's tags are `aws:ResourceTag/<key>` in the request (rule ORG-TAGS).
pub(super) fn authorize(call: &mut Call, action: &str, resource: &str) -> AwsResult<()> {
    let owned = call
        .world
        .organizations
        .of_account(&call.caller.account)
        .map(|org| resource_tag_keys(org, resource))
        .unwrap_or_default();
    let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let request = crate::auth::AuthRequest::new(&call.caller, &call.region, action, resource).with_context(&pairs);
    let record = call.decide(&request);
    call.record_decision(record).map_err(|e| AwsError { code: "AccessDeniedException".into(), ..e })
}

/// How explanations name the organization's resource-based delegation policy.
const DELEGATION_POLICY_NAME: &str = "the organization's resource-based delegation policy";

/// The caller's organization for an operation a delegation policy can open (the read operations
/// and policy management, rule ORG-RESOURCE-POLICY): the management account's, or a member's
/// when the organization has a resource-based delegation policy (which [`authorize_delegable`]
/// then asks).
pub(super) fn org_delegable(call: &Call) -> AwsResult<Organization> {
    let org = org_of(call, false)?;
    if call.caller.account != org.management_account && org.resource_policy.is_none() {
        return Err(org_denied());
    }
    Ok(org)
}

/// Authorizes a read operation found through [`org_delegable`] ([`authorize_delegable`] with no
/// request context of its own).
pub(super) fn authorize_read(call: &mut Call, org: &Organization, action: &str, resource: &str) -> AwsResult<()> {
    authorize_delegable(call, org, action, resource, &[])
}

/// Authorizes an operation found through [`org_delegable`], with `context` (a request's tags)
/// besides the resource's own tags: the management account's callers as every Organizations call;
/// a member's callers against the delegation policy, as a request on a resource of the management
/// account (their own policies and the delegation policy must both allow it).
pub(super) fn authorize_delegable(
    call: &mut Call,
    org: &Organization,
    action: &str,
    resource: &str,
    context: &[(String, String)],
) -> AwsResult<()> {
    let mut owned = resource_tag_keys(org, resource);
    owned.extend_from_slice(context);
    let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut request = crate::auth::AuthRequest::new(&call.caller, &call.region, action, resource).with_context(&pairs);
    if call.caller.account != org.management_account {
        let Some(rp) = &org.resource_policy else { return Err(org_denied()) };
        request = request
            .owned_by(&org.management_account)
            .with_resource_policy(Some((DELEGATION_POLICY_NAME, &rp.document)));
    }
    let record = call.decide(&request);
    call.record_decision(record).map_err(|e| AwsError { code: "AccessDeniedException".into(), ..e })
}

/// `aws:ResourceTag/<key>` of each tag the organization's resource `resource` (an ARN) carries.
pub(super) fn resource_tag_keys(org: &Organization, resource: &str) -> Vec<(String, String)> {
    org.tags_of_arn(resource)
        .map(|tags| tags.iter().map(|(k, v)| (format!("aws:ResourceTag/{k}"), v.clone())).collect())
        .unwrap_or_default()
}

/// The caller's organization; with `management`, only for callers in the management account.
pub(super) fn org_of(call: &Call, management: bool) -> AwsResult<Organization> {
    let org = call.world.organizations.of_account(&call.caller.account).ok_or_else(not_in_use)?;
    if management && org.management_account != call.caller.account {
        return Err(org_denied());
    }
    Ok(org.clone())
}

pub(super) fn org_mut<'a>(call: &'a mut Call) -> &'a mut Organization {
    call.world.organizations.org.as_mut().expect("checked by org_of")
}

/// `ConstraintViolationException` with its reason, printed on the line after the message.
pub(super) fn constraint(reason: &str, message: &str) -> AwsError {
    AwsError::new("ConstraintViolationException", 400, message.to_string()).with_hint(format!("  Reason: {reason}"))
}

/// Organizations creates its service-linked role in an account that joins an all-features
/// organization (or creates one), so the caller also needs `iam:CreateServiceLinkedRole`; without
/// it AWS answers `AccessDeniedForDependencyException`.
pub(super) fn service_linked_role_checked(call: &mut Call) -> AwsResult<()> {
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
pub(super) fn invalid_input(reason: &str, message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidInputException", 400, message).with_hint(format!("  Reason: {reason}"))
}

pub(super) fn account_not_found() -> AwsError {
    AwsError::new("AccountNotFoundException", 400, "You specified an account that doesn't exist.")
}

/// The root's `PolicyTypes`: each type enabled, as `ListRoots` and the policy-type operations print it.
pub(super) fn policy_types_json(org: &Organization) -> Value {
    Value::Array(org.enabled_policy_types.iter().map(|t| json!({"Type": t, "Status": "ENABLED"})).collect())
}

pub(super) fn organization_json(call: &Call, org: &Organization) -> Value {
    let email = call.world.accounts.get(&org.management_account).map(|a| a.email.clone()).unwrap_or_default();
    json!({
        "Id": org.id,
        "Arn": org.arn(),
        "FeatureSet": org.feature_set.as_str(),
        "MasterAccountArn": org.account_arn(&org.management_account),
        "MasterAccountId": org.management_account,
        "MasterAccountEmail": email,
        // A consolidated-billing organization has no policy types at all.
        // The deprecated field lists SCPs only when enabled: the model's PolicyTypeStatus has no
        // DISABLED (ENABLED, PENDING_ENABLE, PENDING_DISABLE).
        "AvailablePolicyTypes": if org.feature_set == FeatureSet::ConsolidatedBilling || !org.enabled_policy_types.contains("SERVICE_CONTROL_POLICY") { json!([]) } else { json!([{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]) },
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
        // `State` (the model's AccountState, which replaces the deprecated `Status`) has CLOSED.
        "State": a.map_or("ACTIVE", |a| a.status_at(call.world.clock.now()).as_str()),
        "JoinedMethod": match m.joined_method { JoinedMethod::Created => "CREATED", JoinedMethod::Invited => "INVITED" },
        "JoinedTimestamp": crate::clock::format_cli(m.joined),
    })
}

fn describe_organization(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_of(call, false)?;
    // The action takes no resource (AWS's Service Authorization Reference): it is decided against
    // `*`, from the management account and members alike (rule EVAL-NO-RESOURCE-STAR).
    authorize(call, "organizations:DescribeOrganization", "*")?;
    Ok(json!({ "Organization": organization_json(call, &org) }))
}

fn list_roots(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    // No resource type (rule EVAL-NO-RESOURCE-STAR).
    authorize_read(call, &org, "organizations:ListRoots", "*")?;
    Ok(
        json!({ "Roots": [{ "Id": org.root_id, "Arn": org.root_arn(), "Name": "Root", "PolicyTypes": policy_types_json(&org) }] }),
    )
}

fn list_accounts(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    authorize_read(call, &org, "organizations:ListAccounts", "*")?;
    let list: Vec<Value> = org.accounts.keys().map(|id| account_json(call, &org, id)).collect();
    Ok(json!({ "Accounts": list }))
}

pub(super) fn parent_checked(org: &Organization, id: &str) -> AwsResult<()> {
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
    let org = org_delegable(call)?;
    let parent = req_str(input, "ParentId")?;
    parent_checked(&org, parent)?;
    authorize_read(call, &org, "organizations:ListAccountsForParent", "*")?;
    let list: Vec<Value> =
        org.accounts.iter().filter(|(_, m)| m.parent == parent).map(|(id, _)| account_json(call, &org, id)).collect();
    Ok(json!({ "Accounts": list }))
}

fn list_organizational_units_for_parent(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    let parent = req_str(input, "ParentId")?;
    parent_checked(&org, parent)?;
    authorize_read(call, &org, "organizations:ListOrganizationalUnitsForParent", "*")?;
    let list: Vec<Value> = org
        .ous
        .values()
        .filter(|o| o.parent == parent)
        .map(|o| json!({ "Id": o.id, "Arn": org.ou_arn(&o.id), "Name": o.name }))
        .collect();
    Ok(json!({ "OrganizationalUnits": list }))
}

fn describe_account(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    let id = req_str(input, "AccountId")?;
    if !org.accounts.contains_key(id) {
        return Err(AwsError::new("AccountNotFoundException", 400, "You specified an account that doesn't exist."));
    }
    authorize_read(call, &org, "organizations:DescribeAccount", &org.account_arn(id))?;
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
    let org = org_delegable(call)?;
    authorize_read(call, &org, "organizations:ListAWSServiceAccessForOrganization", "*")?;
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
    // One delegated administrator per service (a simulator assumption for IAM).
    if !admins.is_empty() {
        return Err(constraint(
            "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED",
            "You have already registered the maximum number of delegated administrators for this service.",
        ));
    }
    let now = call.now();
    let org = org_mut(call);
    org.delegated_admins.entry(sp).or_default().insert(account.to_string());
    org.delegation_dates.entry(account.to_string()).or_insert(now);
    Ok(Value::Null)
}

fn deregister_delegated_administrator(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, false)?;
    let account = req_str(input, "AccountId")?;
    let sp = service_principal(input)?;
    // The management account, or the delegated administrator itself.
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
    let org = org_mut(call);
    org.delegated_admins.get_mut(&sp).expect("checked").remove(account);
    if !org.delegated_admins.values().any(|a| a.contains(account)) {
        org.delegation_dates.remove(account);
    }
    Ok(Value::Null)
}

fn list_delegated_administrators(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    authorize_read(call, &org, "organizations:ListDelegatedAdministrators", "*")?;
    let filter = opt_str(input, "ServicePrincipal");
    let mut ids: Vec<&String> = org
        .delegated_admins
        .iter()
        .filter(|(sp, _)| filter.is_none_or(|f| f == sp.as_str()))
        .flat_map(|(_, a)| a.iter())
        .collect();
    ids.sort();
    ids.dedup();
    let list: Vec<Value> = ids
        .into_iter()
        .map(|id| {
            let mut v = account_json(call, &org, id);
            // The model's DelegatedAdministrator: an account's fields and when it was delegated.
            if let (Some(o), Some(t)) = (v.as_object_mut(), org.delegation_dates.get(id)) {
                o.insert("DelegationEnabledDate".into(), json!(crate::clock::format_cli(*t)));
            }
            v
        })
        .collect();
    Ok(json!({ "DelegatedAdministrators": list }))
}

fn list_parents(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
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
    authorize_read(call, &org, "organizations:ListParents", "*")?;
    let kind = if parent == org.root_id { "ROOT" } else { "ORGANIZATIONAL_UNIT" };
    Ok(json!({ "Parents": [{ "Id": parent, "Type": kind }] }))
}

pub(super) fn policy_type(input: &Input, name: &str) -> AwsResult<String> {
    let t = opt_str(input, name).unwrap_or("SERVICE_CONTROL_POLICY");
    match t {
        "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY" => Ok(t.to_string()),
        t if effective::is_management(t) => Ok(t.to_string()),
        other => Err(AwsError::new(
            "InvalidInputException",
            400,
            format!(
                "rootsim models SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY and {}, not {other}.",
                effective::MANAGEMENT_TYPES.join(", ")
            ),
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

pub(super) fn policy_not_found() -> AwsError {
    AwsError::new("PolicyNotFoundException", 400, "We can't find a policy with the PolicyId that you specified.")
}

fn create_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    let name = req_str(input, "Name")?;
    let content = req_str(input, "Content")?;
    let ptype = policy_type(input, "Type")?;
    let tags = tags::request_tags(input)?;
    tags::authorize_tagging(call, &org, "organizations:CreatePolicy", "*", &tags)?;
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
    let o = org_mut(call);
    if effective::is_management(&p.policy_type) {
        o.policy_contents.insert(id.clone(), content.to_string());
    }
    o.policies.insert(id.clone(), p);
    tags::store_tags(o, &id, &tags)?;
    Ok(out)
}

fn describe_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, false)?;
    let id = req_str(input, "PolicyId")?;
    let p = org.policies.get(id).ok_or_else(policy_not_found)?;
    // As for DescribeOrganization: a member is authorized in its own account.
    let resource = if call.caller.account == org.management_account { org.policy_arn(p) } else { "*".to_string() };
    authorize(call, "organizations:DescribePolicy", &resource)?;
    Ok(json!({ "Policy": { "PolicySummary": policy_summary(&org, p), "Content": org.policy_text(p) } }))
}

fn list_policies(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    let ptype = policy_type(input, "Filter")?;
    authorize_read(call, &org, "organizations:ListPolicies", "*")?;
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
    let org = org_delegable(call)?;
    let target = req_str(input, "TargetId")?;
    let ptype = policy_type(input, "Filter")?;
    target_checked(&org, target)?;
    authorize_read(call, &org, "organizations:ListPoliciesForTarget", "*")?;
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

/// ListTargetsForPolicy: the roots, OUs and accounts a policy is attached to, each with its ARN,
/// name and type (the model's `PolicyTargetSummary`), roots first, then OUs, then accounts
/// (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTargetsForPolicy.html>).
fn list_targets_for_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    let id = req_str(input, "PolicyId")?;
    let p = org.policies.get(id).ok_or_else(policy_not_found)?;
    authorize_read(call, &org, "organizations:ListTargetsForPolicy", &org.policy_arn(p))?;
    let attached = |t: &str| org.attachments.get(t).is_some_and(|list| list.iter().any(|a| a == id));
    let mut list = Vec::new();
    if attached(&org.root_id) {
        list.push(json!({ "TargetId": org.root_id, "Arn": org.root_arn(), "Name": "Root", "Type": "ROOT" }));
    }
    for ou in org.ous.values().filter(|o| attached(&o.id)) {
        list.push(
            json!({ "TargetId": ou.id, "Arn": org.ou_arn(&ou.id), "Name": ou.name, "Type": "ORGANIZATIONAL_UNIT" }),
        );
    }
    for account in org.accounts.keys().filter(|a| attached(a)) {
        let name = call.world.accounts.get(account).map(|a| a.name.clone()).unwrap_or_default();
        list.push(json!({ "TargetId": account, "Arn": org.account_arn(account), "Name": name, "Type": "ACCOUNT" }));
    }
    Ok(json!({ "Targets": list }))
}

fn attach_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    let id = req_str(input, "PolicyId")?;
    let target = req_str(input, "TargetId")?;
    let p = org.policies.get(id).ok_or_else(policy_not_found)?;
    target_checked(&org, target)?;
    authorize_delegable(call, &org, "organizations:AttachPolicy", &org.policy_arn(p), &[])?;
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
    // Organizations quotas: 10 SCPs and 10 tag policies per entity, 5 RCPs.
    let max = if p.policy_type == "RESOURCE_CONTROL_POLICY" { 5 } else { 10 };
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
    let org = org_delegable(call)?;
    let id = req_str(input, "PolicyId")?;
    let target = req_str(input, "TargetId")?;
    let p = org.policies.get(id).ok_or_else(policy_not_found)?;
    target_checked(&org, target)?;
    authorize_delegable(call, &org, "organizations:DetachPolicy", &org.policy_arn(p), &[])?;
    let attached = org.attachments.get(target).cloned().unwrap_or_default();
    if !attached.iter().any(|a| a == id) {
        return Err(AwsError::new(
            "PolicyNotAttachedException",
            400,
            "The policy isn't attached to the specified target in the specified root.",
        ));
    }
    // RCPFullAWSAccess stays attached to every entity while RCPs are enabled
    // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
    if p.aws_managed && p.policy_type == "RESOURCE_CONTROL_POLICY" {
        return Err(constraint(
            "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "You can't detach RCPFullAWSAccess: it stays attached to every entity while RCPs are enabled.",
        ));
    }
    // Every root, OU and account keeps at least one SCP attached
    // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
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
const FILTER: Param = p("Filter", Shape::String, true, "SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY or TAG_POLICY");

const TAGS: Param = p("Tags", Shape::Tags, false, "tags: Key=k,Value=v ... (at most 50)");
const RESOURCE_ID: Param = p("ResourceId", Shape::String, true, "a root, OU, account, policy or resource policy ID");

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
const POLICY_TYPE: Param =
    p("PolicyType", Shape::String, true, "SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY or TAG_POLICY");

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
                TAGS,
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
            [PARENT, p("Name", Shape::String, true, "the OU's name"), TAGS]
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
            lifecycle::close_account,
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
                // Required by the model (botocore CreatePolicyRequest) and so by the AWS CLI.
                p("Description", Shape::String, true, "a description"),
                p("Name", Shape::String, true, "the policy's name"),
                p("Type", Shape::String, true, "SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY or TAG_POLICY"),
                TAGS,
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
        (
            "ListTargetsForPolicy",
            list_targets_for_policy,
            "Lists the roots, OUs and accounts a policy is attached to.",
            [POLICY_ID]
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
        // Tags (tags.rs) and the resource-based delegation policy (delegation.rs).
        (
            "TagResource",
            tags::tag_resource,
            "Tags a root, OU, account, policy or the resource policy (management account).",
            [RESOURCE_ID, p("Tags", Shape::Tags, true, "tags: Key=k,Value=v ... (at most 50)")]
        ),
        (
            "UntagResource",
            tags::untag_resource,
            "Removes tags by key (management account).",
            [RESOURCE_ID, p("TagKeys", Shape::StringList, true, "the keys to remove")]
        ),
        ("ListTagsForResource", tags::list_tags_for_resource, "Lists a resource's tags.", [RESOURCE_ID]),
        (
            "DescribeEffectivePolicy",
            effective::describe_effective_policy,
            "Shows an account's effective management policy (TAG_POLICY): the tag policies from the root down merged.",
            [
                p("PolicyType", Shape::String, true, "TAG_POLICY (SCPs and RCPs are not management policies)"),
                p("TargetId", Shape::String, false, "the account (management account; default: the caller's)"),
            ]
        ),
        (
            "PutResourcePolicy",
            delegation::put_resource_policy,
            "Creates or replaces the resource-based delegation policy (management account).",
            [p("Content", Shape::Document, true, "the delegation policy (Organizations actions only)"), TAGS]
        ),
        (
            "DescribeResourcePolicy",
            delegation::describe_resource_policy,
            "Shows the resource-based delegation policy.",
            []
        ),
        (
            "DeleteResourcePolicy",
            delegation::delete_resource_policy,
            "Deletes the resource-based delegation policy (management account).",
            []
        ),
    ]
);
