//! Policy types and the life of a policy after it is created: enabling and disabling SCPs and
//! RCPs in the root, updating and deleting policies, and the quotas every policy operation
//! checks (size of a document, policies per organization).
//!
//! Enabling a type attaches its AWS managed policy (`FullAWSAccess`, `RCPFullAWSAccess`) to the
//! root, every OU and every account; disabling it detaches every policy of that type
//! (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html>).

use super::ops::{
    authorize, authorize_delegable, constraint, invalid_input, org_delegable, org_mut, org_of, policy_not_found,
    policy_summary, policy_type, policy_types_json, Input,
};
use super::{aws_managed_policy, FeatureSet, OrgPolicy, Organization};
use crate::error::{AwsError, AwsResult};
use crate::service::{opt_str, req_str, Call};
use rootsim_policy::{Policy, PolicyKind};
use serde_json::{json, Value};

/// The largest SCP or RCP document, in characters (Organizations quotas page).
pub(super) const MAX_POLICY_CHARS: usize = 5_120;

/// How many policies of a type an organization may hold (Organizations quotas page).
pub(super) fn max_policies(policy_type: &str) -> usize {
    if policy_type == "SERVICE_CONTROL_POLICY" {
        10_000
    } else {
        1_000
    }
}

/// Checks a document's size, then parses it as the type's policy kind.
pub(super) fn document_checked(content: &str, policy_type: &str) -> AwsResult<Policy> {
    if content.chars().count() > MAX_POLICY_CHARS {
        return Err(constraint(
            "POLICY_CONTENT_LIMIT_EXCEEDED",
            "You attempted to exceed the maximum size of a policy document.",
        ));
    }
    if super::effective::is_management(policy_type) {
        return super::effective::tag_policy_checked(content);
    }
    let kind = if policy_type == "SERVICE_CONTROL_POLICY" { PolicyKind::Scp } else { PolicyKind::Rcp };
    Policy::parse(content, kind).map_err(|e| {
        AwsError::new(
            "MalformedPolicyDocumentException",
            400,
            "The provided policy document doesn't meet the requirements of the specified policy type.",
        )
        .with_hint(format!("  at line {}, column {}: {}", e.line, e.column, e.detail))
    })
}

/// Refuses a new policy of `policy_type` when the organization already holds its maximum.
pub(super) fn count_checked(org: &Organization, policy_type: &str) -> AwsResult<()> {
    if org.policies.values().filter(|p| p.policy_type == policy_type).count() >= max_policies(policy_type) {
        return Err(constraint(
            "POLICY_NUMBER_LIMIT_EXCEEDED",
            "You attempted to exceed the number of policies of this type that you can have in an organization.",
        ));
    }
    Ok(())
}

fn root_json(org: &Organization) -> Value {
    json!({ "Root": { "Id": org.root_id, "Arn": org.root_arn(), "Name": "Root", "PolicyTypes": policy_types_json(org) } })
}

fn root_checked(org: &Organization, input: &Input) -> AwsResult<()> {
    if req_str(input, "RootId")? == org.root_id {
        Ok(())
    } else {
        Err(AwsError::new("RootNotFoundException", 400, "We can't find a root with the RootId that you specified."))
    }
}

pub(super) fn enable_policy_type(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    root_checked(&org, input)?;
    let ptype = policy_type(input, "PolicyType")?;
    authorize(call, "organizations:EnablePolicyType", &org.root_arn())?;
    if org.feature_set != FeatureSet::All {
        return Err(AwsError::new(
            "PolicyTypeNotAvailableForOrganizationException",
            400,
            "You can't use the specified policy type with the feature set currently enabled for this organization.",
        ));
    }
    if org.enabled_policy_types.contains(&ptype) {
        return Err(AwsError::new(
            "PolicyTypeAlreadyEnabledException",
            400,
            "The specified policy type is already enabled.",
        ));
    }
    let o = org_mut(call);
    enable_type(o, ptype);
    Ok(root_json(o))
}

/// Enables `ptype` in the organization's root: an authorization policy type attaches its AWS
/// managed policy (`FullAWSAccess`, `RCPFullAWSAccess`) to the root, every OU and every account;
/// a management policy type attaches nothing. `EnablePolicyType` and `CreateOrganization` (which
/// enables SCPs in a new organization with all features) share it.
pub(super) fn enable_type(o: &mut crate::organizations::Organization, ptype: String) {
    if super::effective::is_management(&ptype) {
        o.enabled_policy_types.insert(ptype);
        return;
    }
    let managed = aws_managed_policy(&ptype);
    o.enabled_policy_types.insert(ptype);
    let id = managed.id.clone();
    o.policies.entry(id.clone()).or_insert(managed);
    let targets: Vec<String> =
        std::iter::once(o.root_id.clone()).chain(o.ous.keys().cloned()).chain(o.accounts.keys().cloned()).collect();
    for t in targets {
        let list = o.attachments.entry(t).or_default();
        if !list.contains(&id) {
            list.push(id.clone());
        }
    }
}

pub(super) fn disable_policy_type(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    root_checked(&org, input)?;
    let ptype = policy_type(input, "PolicyType")?;
    authorize(call, "organizations:DisablePolicyType", &org.root_arn())?;
    if !org.enabled_policy_types.contains(&ptype) {
        return Err(AwsError::new(
            "PolicyTypeNotEnabledException",
            400,
            "The specified policy type isn't currently enabled in this root.",
        ));
    }
    let o = org_mut(call);
    o.enabled_policy_types.remove(&ptype);
    let of_type: Vec<String> = o.policies.values().filter(|p| p.policy_type == ptype).map(|p| p.id.clone()).collect();
    for list in o.attachments.values_mut() {
        list.retain(|id| !of_type.contains(id));
    }
    o.attachments.retain(|_, list| !list.is_empty());
    Ok(root_json(o))
}

fn customer_policy(org: &Organization, input: &Input) -> AwsResult<OrgPolicy> {
    let id = req_str(input, "PolicyId")?;
    let p = org.policies.get(id).ok_or_else(policy_not_found)?;
    if p.aws_managed {
        return Err(invalid_input(
            "IMMUTABLE_POLICY",
            "You specified a policy that is managed by AWS and can't be modified.",
        ));
    }
    Ok(p.clone())
}

pub(super) fn update_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    let mut p = customer_policy(&org, input)?;
    let document = opt_str(input, "Content").map(|c| document_checked(c, &p.policy_type)).transpose()?;
    authorize_delegable(call, &org, "organizations:UpdatePolicy", &org.policy_arn(&p), &[])?;
    if let Some(name) = opt_str(input, "Name") {
        if org.policies.values().any(|q| q.name == name && q.policy_type == p.policy_type && q.id != p.id) {
            return Err(AwsError::new("DuplicatePolicyException", 400, "A policy with the same name already exists."));
        }
        p.name = name.to_string();
    }
    if let Some(d) = opt_str(input, "Description") {
        p.description = d.to_string();
    }
    if let Some(doc) = document {
        p.document = doc;
    }
    let mut contents = org.policy_contents.clone();
    if let Some(c) = opt_str(input, "Content").filter(|_| super::effective::is_management(&p.policy_type)) {
        contents.insert(p.id.clone(), c.to_string());
    }
    let content = contents.get(&p.id).cloned().unwrap_or_else(|| p.document.text().to_string());
    let out = json!({ "Policy": { "PolicySummary": policy_summary(&org, &p), "Content": content } });
    let o = org_mut(call);
    o.policy_contents = contents;
    o.policies.insert(p.id.clone(), p);
    Ok(out)
}

pub(super) fn delete_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    let p = customer_policy(&org, input)?;
    authorize_delegable(call, &org, "organizations:DeletePolicy", &org.policy_arn(&p), &[])?;
    if org.attachments.values().any(|list| list.contains(&p.id)) {
        return Err(AwsError::new(
            "PolicyInUseException",
            400,
            "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.",
        ));
    }
    let o = org_mut(call);
    o.policies.remove(&p.id);
    o.tags.remove(&p.id);
    o.policy_contents.remove(&p.id);
    Ok(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_over_the_size_quota_is_refused_before_parsing() {
        let pad = " ".repeat(MAX_POLICY_CHARS);
        let text = format!(
            r#"{{"Version":"2012-10-17",{pad}"Statement":[{{"Effect":"Deny","Action":"s3:*","Resource":"*"}}]}}"#
        );
        let e = document_checked(&text, "SERVICE_CONTROL_POLICY").unwrap_err();
        assert_eq!(e.code, "ConstraintViolationException");
        let short = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;
        assert!(document_checked(short, "SERVICE_CONTROL_POLICY").is_ok());
    }

    #[test]
    fn the_policy_count_quota_is_per_type() {
        let (mut world, _) = crate::demo::demo(1);
        let org = world.organizations.org.as_mut().expect("the demo has an organization");
        assert!(count_checked(org, "RESOURCE_CONTROL_POLICY").is_ok());
        let template = aws_managed_policy("RESOURCE_CONTROL_POLICY");
        for i in 0..max_policies("RESOURCE_CONTROL_POLICY") {
            let id = format!("p-{i:08}");
            org.policies.insert(id.clone(), OrgPolicy { id, aws_managed: false, ..template.clone() });
        }
        let e = count_checked(org, "RESOURCE_CONTROL_POLICY").unwrap_err();
        assert_eq!(e.code, "ConstraintViolationException");
        assert!(count_checked(org, "SERVICE_CONTROL_POLICY").is_ok());
    }
}
