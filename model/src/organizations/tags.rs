//! Tags on Organizations' resources: the root, OUs, accounts, customer policies and the
//! resource-based delegation policy. `TagResource` and `UntagResource` (management account),
//! `ListTagsForResource` (a read operation, delegable), the `--tags` of `CreateAccount`,
//! `CreateOrganizationalUnit`, `CreatePolicy` and `PutResourcePolicy`, and the request's tags as
//! `aws:RequestTag/<key>` and `aws:TagKeys`
//! (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_TagResource.html>,
//! <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_tagging.html>).
//!
//! A resource's own tags are `aws:ResourceTag/<key>` whenever an Organizations call on it is
//! authorized (`ops::authorize`). Keys are case-sensitive; at most 50 tags per resource.

use super::ops::{authorize_delegable, authorize_read, constraint, invalid_input, org_delegable, org_mut, Input};
use super::Organization;
use crate::error::{AwsError, AwsResult};
use crate::service::{req_str, Call};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The most tags an Organizations resource carries (Organizations quotas page).
pub const MAX_TAGS: usize = 50;

/// Whether every character is one of a tag's (`[\p{L}\p{Z}\p{N}_.:/=+\-@]`, the model's
/// `TagKey` and `TagValue` patterns).
fn tag_chars_ok(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c))
}

/// One tag key, checked as Organizations checks it.
fn key_checked(key: &str) -> AwsResult<()> {
    let n = key.chars().count();
    if n == 0 || n > 128 {
        return Err(invalid_input(
            if n == 0 { "MIN_LENGTH_EXCEEDED" } else { "MAX_LENGTH_EXCEEDED" },
            "You provided a tag key that is outside the allowed length (1 to 128 characters).",
        ));
    }
    if !tag_chars_ok(key) {
        return Err(invalid_input("INVALID_PATTERN", format!("You provided a tag key that isn't valid: {key}.")));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(invalid_input(
            "INVALID_SYSTEM_TAGS_PARAMETER",
            "You can't use tag keys that begin with aws: (they are reserved for AWS).",
        ));
    }
    Ok(())
}

/// The `Tags` of a request (`Key=k,Value=v ...`), checked: at most 50, keys of 1-128 and values of
/// at most 256 characters of the tag pattern, no `aws:` key, no key twice.
pub(super) fn request_tags(input: &Input) -> AwsResult<Vec<(String, String)>> {
    let list = input.get("Tags").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out: Vec<(String, String)> = Vec::new();
    for t in &list {
        let key = t.get("Key").and_then(Value::as_str).unwrap_or("");
        let value = t.get("Value").and_then(Value::as_str).unwrap_or("");
        key_checked(key)?;
        if value.chars().count() > 256 || !tag_chars_ok(value) {
            return Err(invalid_input(
                if value.chars().count() > 256 { "MAX_LENGTH_EXCEEDED" } else { "INVALID_PATTERN" },
                format!("You provided a tag value that isn't valid for the key {key}."),
            ));
        }
        if out.iter().any(|(k, _)| k == key) {
            return Err(invalid_input("DUPLICATE_TAG_KEY", format!("You provided the tag key {key} more than once.")));
        }
        out.push((key.to_string(), value.to_string()));
    }
    if out.len() > MAX_TAGS {
        return Err(too_many());
    }
    Ok(out)
}

fn too_many() -> AwsError {
    constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource (50).")
}

/// Adds `tags` to what `id` carries (a value replaces the one of the same key); refuses more than
/// 50 in all.
pub(super) fn store_tags(org: &mut Organization, id: &str, tags: &[(String, String)]) -> AwsResult<()> {
    if tags.is_empty() {
        return Ok(());
    }
    let mut merged = org.tags.get(id).cloned().unwrap_or_default();
    for (k, v) in tags {
        merged.insert(k.clone(), v.clone());
    }
    if merged.len() > MAX_TAGS {
        return Err(too_many());
    }
    org.tags.insert(id.to_string(), merged);
    Ok(())
}

/// Authorizes `action` on `resource` with the request's tags (`aws:RequestTag/<key>`,
/// `aws:TagKeys`) and the resource's own (`aws:ResourceTag/<key>`), as AWS's Service
/// Authorization Reference lists them for Organizations' create and tag actions.
pub(super) fn authorize_tagging(
    call: &mut Call,
    org: &Organization,
    action: &str,
    resource: &str,
    tags: &[(String, String)],
) -> AwsResult<()> {
    let mut context = Vec::new();
    for (k, v) in tags {
        context.push((format!("aws:RequestTag/{k}"), v.clone()));
        context.push(("aws:TagKeys".to_string(), k.clone()));
    }
    authorize_delegable(call, org, action, resource, &context)
}

/// The ARN of the taggable resource `id`, or `TargetNotFoundException`.
fn resource_checked(org: &Organization, input: &Input) -> AwsResult<(String, String)> {
    let id = req_str(input, "ResourceId")?;
    let arn = org.taggable_arn(id).ok_or_else(|| {
        AwsError::new(
            "TargetNotFoundException",
            400,
            "We can't find a root, OU, account, or policy with the TargetId that you specified.",
        )
    })?;
    Ok((id.to_string(), arn))
}

/// TagResource (the management account, or a member the delegation policy allows).
pub(super) fn tag_resource(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    let (id, arn) = resource_checked(&org, input)?;
    let tags = request_tags(input)?;
    authorize_tagging(call, &org, "organizations:TagResource", &arn, &tags)?;
    store_tags(org_mut(call), &id, &tags)?;
    Ok(Value::Null)
}

/// UntagResource (the management account, or a member the delegation policy allows): keys not
/// on the resource are ignored.
pub(super) fn untag_resource(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    let (id, arn) = resource_checked(&org, input)?;
    let keys: Vec<String> = input
        .get("TagKeys")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    for k in &keys {
        key_checked(k)?;
    }
    let context: Vec<(String, String)> = keys.iter().map(|k| ("aws:TagKeys".to_string(), k.clone())).collect();
    authorize_delegable(call, &org, "organizations:UntagResource", &arn, &context)?;
    let o = org_mut(call);
    if let Some(tags) = o.tags.get_mut(&id) {
        tags.retain(|k, _| !keys.contains(k));
        if tags.is_empty() {
            o.tags.remove(&id);
        }
    }
    Ok(Value::Null)
}

/// ListTagsForResource: the management account, or a member the delegation policy allows.
pub(super) fn list_tags_for_resource(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_delegable(call)?;
    let (id, arn) = resource_checked(&org, input)?;
    authorize_read(call, &org, "organizations:ListTagsForResource", &arn)?;
    let empty = BTreeMap::new();
    let list: Vec<Value> =
        org.tags.get(&id).unwrap_or(&empty).iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect();
    Ok(json!({ "Tags": list }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(tags: Value) -> Input {
        Input::from_iter([("Tags".to_string(), tags)])
    }

    fn reason(e: &AwsError) -> String {
        format!("{e:?}")
    }

    #[test]
    fn request_tags_follow_organizations_rules() {
        let fifty: Vec<Value> = (0..50).map(|i| json!({"Key": format!("k{i}"), "Value": "v"})).collect();
        assert_eq!(request_tags(&input(Value::Array(fifty.clone()))).unwrap().len(), 50);
        let mut fifty_one = fifty;
        fifty_one.push(json!({"Key": "k50", "Value": "v"}));
        let e = request_tags(&input(Value::Array(fifty_one))).unwrap_err();
        assert_eq!(e.code, "ConstraintViolationException");
        assert!(reason(&e).contains("MAX_TAG_LIMIT_EXCEEDED"));
        let e = request_tags(&input(json!([{"Key": "aws:x", "Value": "v"}]))).unwrap_err();
        assert!(reason(&e).contains("INVALID_SYSTEM_TAGS_PARAMETER"));
        let e = request_tags(&input(json!([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]))).unwrap_err();
        assert!(reason(&e).contains("DUPLICATE_TAG_KEY"));
        // Keys are case-sensitive: Team and team are two keys.
        assert_eq!(
            request_tags(&input(json!([{"Key": "Team", "Value": "1"}, {"Key": "team", "Value": "2"}]))).unwrap().len(),
            2
        );
    }

    #[test]
    fn stored_tags_merge_and_stop_at_fifty() {
        let (mut world, _) = crate::demo::demo(1);
        let org = world.organizations.org.as_mut().expect("the demo has an organization");
        let root = org.root_id.clone();
        store_tags(org, &root, &[("a".into(), "1".into())]).unwrap();
        store_tags(org, &root, &[("a".into(), "2".into()), ("b".into(), "3".into())]).unwrap();
        assert_eq!(org.tags[&root].get("a").map(String::as_str), Some("2"));
        let many: Vec<(String, String)> = (0..49).map(|i| (format!("k{i}"), String::new())).collect();
        assert_eq!(store_tags(org, &root, &many).unwrap_err().code, "ConstraintViolationException");
        assert_eq!(org.tags_of_arn(&org.root_arn()).map(BTreeMap::len), Some(2));
    }
}
