//! Management policies (tag policies) and `DescribeEffectivePolicy`: a tag policy is no IAM
//! policy but a document of tag rules (`{"tags": {"<key>": {"tag_key": {"@@assign": ...},
//! "tag_value": ..., "enforced_for": ...}}}`), kept as its text; an account's effective tag
//! policy merges the tag policies attached from the root down to the account
//! (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeEffectivePolicy.html>,
//! <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html>).
//!
//! Inheritance is kept simple (a simulator assumption, rule ORG-EFFECTIVE-POLICY): level by
//! level from the root, and at each level in the order the policies were attached, `@@assign`
//! replaces a field's value, `@@append` adds to a list and `@@remove` takes values out of it; the
//! child-control operator `@@operators_allowed_for_child_policies` is accepted and not enforced.
//! SCPs and RCPs are authorization policies, not management policies: the operation refuses them.

use super::ops::{constraint, invalid_input, org_of, Input};
use super::Organization;
use crate::error::{AwsError, AwsResult};
use crate::service::{opt_str, req_str, Call};
use rootsim_policy::{Policy, PolicyKind};
use serde_json::{json, Map, Value};

/// The management policy types rootsim models (the others of the model's `EffectivePolicyType`
/// are refused, saying so).
pub const MANAGEMENT_TYPES: &[&str] = &["TAG_POLICY"];

/// The largest tag policy, in characters (Organizations quotas page).
const MAX_TAG_POLICY_CHARS: usize = 10_000;

/// The placeholder `OrgPolicy::document` of a management policy: never evaluated (only SCPs and
/// RCPs are), allowing nothing if it were.
const PLACEHOLDER: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"*","Resource":"*"}]}"#;

/// Whether `policy_type` is a management policy type rootsim models.
pub fn is_management(policy_type: &str) -> bool {
    MANAGEMENT_TYPES.contains(&policy_type)
}

fn malformed(detail: impl Into<String>) -> AwsError {
    AwsError::new(
        "MalformedPolicyDocumentException",
        400,
        "The provided policy document doesn't meet the requirements of the specified policy type.",
    )
    .with_hint(format!("  {}", detail.into()))
}

/// Checks a tag policy's text (size, then syntax: an object whose only member is `tags`, each
/// tag an object of `tag_key`, `tag_value`, `enforced_for` and `report_required_tag_for`, each
/// an object of operators) and answers the placeholder document stored beside it.
pub fn tag_policy_checked(content: &str) -> AwsResult<Policy> {
    if content.chars().count() > MAX_TAG_POLICY_CHARS {
        return Err(constraint(
            "POLICY_CONTENT_LIMIT_EXCEEDED",
            "You attempted to exceed the maximum size of a policy document.",
        ));
    }
    let doc: Value = serde_json::from_str(content).map_err(|e| malformed(format!("not JSON: {e}")))?;
    let Some(top) = doc.as_object() else { return Err(malformed("a tag policy is a JSON object")) };
    if let Some(other) = top.keys().find(|k| k.as_str() != "tags") {
        return Err(malformed(format!("unknown member {other}: a tag policy holds only \"tags\"")));
    }
    let tags = top.get("tags").and_then(Value::as_object).ok_or_else(|| malformed("\"tags\" must be an object"))?;
    for (key, rules) in tags {
        let rules = rules.as_object().ok_or_else(|| malformed(format!("the rules of {key} must be an object")))?;
        for (field, ops) in rules {
            if !matches!(field.as_str(), "tag_key" | "tag_value" | "enforced_for" | "report_required_tag_for")
                && !field.starts_with("@@")
            {
                return Err(malformed(format!("unknown field {field} in {key}")));
            }
            if field.starts_with("@@") {
                continue;
            }
            let ops = ops.as_object().ok_or_else(|| malformed(format!("{key}.{field} must be an object")))?;
            if let Some(op) = ops.keys().find(|o| {
                !matches!(o.as_str(), "@@assign" | "@@append" | "@@remove" | "@@operators_allowed_for_child_policies")
            }) {
                return Err(malformed(format!("unknown operator {op} in {key}.{field}")));
            }
        }
    }
    Ok(Policy::parse(PLACEHOLDER, PolicyKind::Scp).expect("the placeholder is a valid SCP"))
}

/// A value as a list of strings (a string is a list of one).
fn strings(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(list) => list.clone(),
        other => vec![other.clone()],
    }
}

/// Applies one policy's tag rules on `out` (the effective rules so far).
fn merge(out: &mut Map<String, Value>, doc: &Value) {
    let Some(tags) = doc.get("tags").and_then(Value::as_object) else { return };
    for (key, rules) in tags {
        let entry = out.entry(key.to_ascii_lowercase()).or_insert_with(|| Value::Object(Map::new()));
        let Some(entry) = entry.as_object_mut() else { continue };
        for (field, ops) in rules.as_object().into_iter().flatten().filter(|(f, _)| !f.starts_with("@@")) {
            let Some(ops) = ops.as_object() else { continue };
            if let Some(v) = ops.get("@@assign") {
                entry.insert(field.clone(), v.clone());
            }
            if let Some(v) = ops.get("@@append") {
                let mut list = entry.get(field).map(strings).unwrap_or_default();
                list.extend(strings(v).into_iter().filter(|x| !list.contains(x)).collect::<Vec<_>>());
                entry.insert(field.clone(), Value::Array(list));
            }
            if let Some(v) = ops.get("@@remove") {
                let gone = strings(v);
                if let Some(current) = entry.get(field).map(strings) {
                    entry.insert(
                        field.clone(),
                        Value::Array(current.into_iter().filter(|x| !gone.contains(x)).collect()),
                    );
                }
            }
        }
    }
}

/// The effective tag policy of `account`, `None` when no tag rule reaches it.
pub fn effective_tag_policy(org: &Organization, account: &str) -> Option<Value> {
    let chain = org.chain(account)?;
    let mut out = Map::new();
    for target in chain {
        for p in org.policies_at(target, "TAG_POLICY") {
            if let Some(doc) = org.policy_contents.get(&p.id).and_then(|t| serde_json::from_str::<Value>(t).ok()) {
                merge(&mut out, &doc);
            }
        }
    }
    (!out.is_empty()).then(|| json!({ "tags": out }))
}

fn not_found() -> AwsError {
    // Simulator assumption for the wording: the model documents when, not the message.
    AwsError::new(
        "EffectivePolicyNotFoundException",
        400,
        "We can't find an effective policy of the specified type for the account: none is attached to it or above it, or the type isn't enabled.",
    )
}

/// DescribeEffectivePolicy: from any account of the organization; the management account names an
/// account with `--target-id` (its own without it), a member asks about itself.
pub(super) fn describe_effective_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, false)?;
    let ptype = req_str(input, "PolicyType")?;
    match ptype {
        "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY" => {
            return Err(invalid_input(
                "INVALID_ENUM_POLICY_TYPE",
                format!("You specified an invalid value: {ptype} is an authorization policy; DescribeEffectivePolicy applies only to management policies."),
            ))
        }
        t if !is_management(t) => {
            return Err(invalid_input(
                "INVALID_ENUM_POLICY_TYPE",
                format!("rootsim models the management policy types {}, not {t}.", MANAGEMENT_TYPES.join(", ")),
            ))
        }
        _ => {}
    }
    let management = call.caller.account == org.management_account;
    let target = opt_str(input, "TargetId").unwrap_or(&call.caller.account).to_string();
    if org.is_parent(&target) {
        return Err(invalid_input(
            "TARGET_NOT_SUPPORTED",
            "You can't specify a root or OU as the target of DescribeEffectivePolicy: specify an account.",
        ));
    }
    if !org.accounts.contains_key(&target) {
        return Err(AwsError::new(
            "TargetNotFoundException",
            400,
            "We can't find a root, OU, account, or policy with the TargetId that you specified.",
        ));
    }
    if !management && target != call.caller.account {
        return Err(super::ops::org_denied());
    }
    // As for DescribeOrganization: a member is authorized in its own account.
    let resource = if management { org.account_arn(&target) } else { "*".to_string() };
    super::ops::authorize(call, "organizations:DescribeEffectivePolicy", &resource)?;
    if !org.enabled_policy_types.contains(ptype) {
        return Err(not_found());
    }
    let content = effective_tag_policy(&org, &target).ok_or_else(not_found)?;
    Ok(json!({
        "EffectivePolicy": {
            "PolicyContent": content.to_string(),
            // Simulator assumption: rootsim keeps no time of policy changes; the time of the call.
            "LastUpdatedTimestamp": crate::clock::format_cli(call.now()),
            "TargetId": target,
            "PolicyType": ptype,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_assign_append_and_remove_in_order() {
        let mut out = Map::new();
        merge(
            &mut out,
            &json!({"tags": {"CostCenter": {"tag_key": {"@@assign": "CostCenter"}, "tag_value": {"@@assign": ["1", "2"]}}}}),
        );
        merge(&mut out, &json!({"tags": {"costcenter": {"tag_value": {"@@append": ["3", "1"]}}}}));
        merge(
            &mut out,
            &json!({"tags": {"costcenter": {"tag_value": {"@@remove": ["2"]}, "enforced_for": {"@@assign": ["s3:bucket"]}}}}),
        );
        assert_eq!(
            Value::Object(out),
            json!({"costcenter": {"tag_key": "CostCenter", "tag_value": ["1", "3"], "enforced_for": ["s3:bucket"]}})
        );
    }

    #[test]
    fn a_tag_policy_is_checked_in_its_own_syntax() {
        assert!(tag_policy_checked(r#"{"tags":{"a":{"tag_key":{"@@assign":"A"}}}}"#).is_ok());
        for bad in [
            r#"{"Version":"2012-10-17","Statement":[]}"#,
            r#"{"tags":{"a":{"colour":{"@@assign":"x"}}}}"#,
            r#"{"tags":{"a":{"tag_key":{"@@replace":"A"}}}}"#,
            "not json",
        ] {
            assert_eq!(tag_policy_checked(bad).unwrap_err().code, "MalformedPolicyDocumentException", "{bad}");
        }
        let big = format!(r#"{{"tags":{{"a":{{"tag_key":{{"@@assign":"{}"}}}}}}}}"#, "x".repeat(MAX_TAG_POLICY_CHARS));
        assert_eq!(tag_policy_checked(&big).unwrap_err().code, "ConstraintViolationException");
    }
}
