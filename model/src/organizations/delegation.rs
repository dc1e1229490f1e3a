//! Organizations' resource-based delegation policy: `PutResourcePolicy`,
//! `DescribeResourcePolicy`, `DeleteResourcePolicy`, and what the policy does. Without it, only
//! the management account calls Organizations' read operations; with it, the member accounts it
//! names may call the read operations it allows, as a cross-account request on the management
//! account's Organizations resources: the caller's own IAM policies must allow the action too
//! (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs-policy-delegate.html>,
//! <https://docs.aws.amazon.com/organizations/latest/APIReference/API_PutResourcePolicy.html>).
//!
//! rootsim delegates through it the read operations (`Describe*`, `List*`) and policy management
//! (`CreatePolicy`, `UpdatePolicy`, `DeletePolicy`, `AttachPolicy`, `DetachPolicy`, `TagResource`,
//! `UntagResource`), each as far as the policy allows it; the delegation policy itself, policy
//! types, accounts and OUs stay with the management account (rule ORG-RESOURCE-POLICY).

use super::ops::{authorize_read, invalid_input, org_denied, org_mut, org_of, Input};
use super::tags::{request_tags, store_tags};
use super::{OrgResourcePolicy, Organization};
use crate::error::{AwsError, AwsResult};
use crate::service::{req_str, Call};
use rootsim_policy::{Policy, PolicyKind};
use serde_json::{json, Value};

/// The largest document `PutResourcePolicy` takes, in characters (the model's
/// `ResourcePolicyContent`: 1 to 40,000).
const MAX_CONTENT: usize = 40_000;

/// The `ResourcePolicy` of a response.
fn policy_json(org: &Organization, rp: &OrgResourcePolicy) -> Value {
    json!({
        "ResourcePolicy": {
            "ResourcePolicySummary": { "Id": rp.id, "Arn": org.resource_policy_arn(&rp.id) },
            "Content": rp.document.text(),
        }
    })
}

fn not_found() -> AwsError {
    AwsError::new(
        "ResourcePolicyNotFoundException",
        400,
        "We can't find a resource policy request with the parameter that you specified.",
    )
}

/// Checks a delegation policy: JSON of a resource-based policy whose actions are all
/// Organizations actions (`InvalidInputException` with AWS's reasons otherwise).
fn document_checked(content: &str) -> AwsResult<Policy> {
    let chars = content.chars().count();
    if chars == 0 || chars > MAX_CONTENT {
        return Err(invalid_input(
            if chars == 0 { "MIN_LENGTH_EXCEEDED" } else { "MAX_LENGTH_EXCEEDED" },
            "You provided a value that is outside the allowed length for the resource policy's content (1 to 40,000 characters).",
        ));
    }
    let policy = Policy::parse(content, PolicyKind::Resource).map_err(|e| {
        invalid_input(
            "INVALID_RESOURCE_POLICY_JSON",
            "You provided a resource policy that isn't valid JSON or isn't a valid policy.",
        )
        .with_hint(format!("  at line {}, column {}: {}", e.line, e.column, e.detail))
    })?;
    let doc: Value = serde_json::from_str(content).unwrap_or(Value::Null);
    let statements = match &doc["Statement"] {
        Value::Array(list) => list.clone(),
        one => vec![one.clone()],
    };
    for s in &statements {
        let actions = match s.get("Action").or_else(|| s.get("NotAction")) {
            Some(Value::String(a)) => vec![a.clone()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => Vec::new(),
        };
        if let Some(bad) = actions.iter().find(|a| !a.to_ascii_lowercase().starts_with("organizations:")) {
            return Err(invalid_input(
                "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY",
                format!("The resource policy contains an action that isn't supported: {bad}."),
            ));
        }
    }
    Ok(policy)
}

/// PutResourcePolicy (management account): creates or replaces the delegation policy; the ID is
/// kept when it is replaced (simulator assumption: AWS documents create or update, not the ID).
pub(super) fn put_resource_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let content = req_str(input, "Content")?;
    let tags = request_tags(input)?;
    let document = document_checked(content)?;
    let id = match &org.resource_policy {
        Some(rp) => rp.id.clone(),
        None => format!("rp-{}", call.world.rng.lower_alnum(8)),
    };
    let arn = org.resource_policy_arn(&id);
    super::tags::authorize_tagging(call, &org, "organizations:PutResourcePolicy", &arn, &tags)?;
    let rp = OrgResourcePolicy { id: id.clone(), document };
    let out = policy_json(&org, &rp);
    let o = org_mut(call);
    o.resource_policy = Some(rp);
    store_tags(o, &id, &tags)?;
    Ok(out)
}

/// DescribeResourcePolicy: the management account, or a member the policy delegates to.
pub(super) fn describe_resource_policy(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_of(call, false)?;
    let Some(rp) = org.resource_policy.clone() else {
        if call.caller.account != org.management_account {
            return Err(org_denied());
        }
        super::ops::authorize(call, "organizations:DescribeResourcePolicy", "*")?;
        return Err(not_found());
    };
    let arn = org.resource_policy_arn(&rp.id);
    authorize_read(call, &org, "organizations:DescribeResourcePolicy", &arn)?;
    Ok(policy_json(&org, &rp))
}

/// DeleteResourcePolicy (management account).
pub(super) fn delete_resource_policy(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let arn = org.resource_policy.as_ref().map_or_else(|| "*".to_string(), |rp| org.resource_policy_arn(&rp.id));
    super::ops::authorize(call, "organizations:DeleteResourcePolicy", &arn)?;
    let Some(rp) = &org.resource_policy else { return Err(not_found()) };
    let id = rp.id.clone();
    let o = org_mut(call);
    o.resource_policy = None;
    o.tags.remove(&id);
    Ok(Value::Null)
}
