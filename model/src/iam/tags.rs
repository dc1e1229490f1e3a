//! Tags on IAM users, roles, customer managed policies and instance profiles: `Tag*`, `Untag*`,
//! `List*Tags`, and the resource's tags as `aws:ResourceTag/KEY` and `iam:ResourceTag/KEY` when a
//! call on a tagged user, role or instance profile is authorized
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html>).
//!
//! IAM tag keys are unique without regard to case (`Team` and `team` are one key; the case first
//! given is kept), at most 50 on an entity.

use super::enforce::authorize_tagged;
use super::ops::{iam_mut, iam_of};
use crate::auth::AuthRequest;
use crate::error::{AwsError, AwsResult};
use crate::iam::key;
use crate::service::{check_name, req_str, Call, Operation, Param, Shape};
use crate::service::{operations, param as p};
use rootsim_policy::arn;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Input = Map<String, Value>;

/// The most tags an IAM entity may have.
pub const MAX_TAGS: usize = 50;

/// The entities that carry tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tagged {
    User,
    Role,
    Policy,
    InstanceProfile,
}

impl Tagged {
    fn quota(self) -> &'static str {
        match self {
            Tagged::User => "TagsPerUser",
            Tagged::Role => "TagsPerRole",
            Tagged::Policy => "TagsPerPolicy",
            Tagged::InstanceProfile => "TagsPerInstanceProfile",
        }
    }
}

fn tag_chars_ok(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c))
}

/// The `Tags` of a request, checked as IAM checks them.
pub(super) fn tags_in(input: &Input) -> AwsResult<Vec<(String, String)>> {
    let list = input.get("Tags").and_then(Value::as_array).cloned().unwrap_or_default();
    if list.len() > MAX_TAGS {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to {MAX_TAGS}"
        )));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, t) in list.iter().enumerate() {
        let n = i + 1;
        let Some(k) = t.get("Key").and_then(Value::as_str) else {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value null at 'tags.{n}.member.key' failed to satisfy constraint: Member must not be null"
            )));
        };
        let v = t.get("Value").and_then(Value::as_str).unwrap_or("");
        if k.is_empty() || k.chars().count() > 128 || !tag_chars_ok(k) {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{k}' at 'tags.{n}.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]+ and length between 1 and 128"
            )));
        }
        if v.chars().count() > 256 || !tag_chars_ok(v) {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{v}' at 'tags.{n}.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]* and length at most 256"
            )));
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(AwsError::invalid_input("Tag keys beginning with 'aws:' are reserved for AWS use."));
        }
        if out.iter().any(|(o, _)| o.eq_ignore_ascii_case(k)) {
            return Err(AwsError::invalid_input(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            ));
        }
        out.push((k.to_string(), v.to_string()));
    }
    Ok(out)
}

/// The tag keys of an `Untag*` request.
fn keys_in(input: &Input) -> AwsResult<Vec<String>> {
    let keys: Vec<String> = input
        .get("TagKeys")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    if keys.is_empty() {
        return Err(AwsError::validation(
            "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
        ));
    }
    Ok(keys)
}

/// The entity's ARN and current tags (the ARN at the root path when it does not exist).
fn locate(call: &Call, kind: Tagged, name: &str) -> (String, Option<BTreeMap<String, String>>) {
    let account = call.account();
    let iam = iam_of(call);
    match kind {
        Tagged::User => match iam.user(name) {
            Some(u) => (arn::iam(&account, "user", &u.path, &u.name), Some(u.tags.clone())),
            None => (arn::iam(&account, "user", "/", name), None),
        },
        Tagged::Role => match iam.role(name) {
            Some(r) => (arn::iam(&account, "role", &r.path, &r.name), Some(r.tags.clone())),
            None => (arn::iam(&account, "role", "/", name), None),
        },
        Tagged::Policy => {
            let tags = iam.policies.contains_key(name).then(|| iam.policy_tags.get(name).cloned().unwrap_or_default());
            (name.to_string(), tags)
        }
        Tagged::InstanceProfile => match iam.instance_profile(name) {
            Some(p) => (p.arn(&account), Some(p.tags.clone())),
            None => (arn::iam(&account, "instance-profile", "/", name), None),
        },
    }
}

fn not_found(kind: Tagged, name: &str) -> AwsError {
    match kind {
        Tagged::User => AwsError::no_such_entity(format!("The user with name {name} cannot be found.")),
        Tagged::Role => AwsError::no_such_entity(format!("The role with name {name} cannot be found.")),
        Tagged::Policy => AwsError::no_such_entity(format!("Policy {name} does not exist or is not attachable.")),
        Tagged::InstanceProfile => AwsError::no_such_entity(format!("Instance Profile {name} cannot be found.")),
    }
}

fn tags_mut<'a>(call: &'a mut Call, kind: Tagged, name: &str) -> &'a mut BTreeMap<String, String> {
    let iam = iam_mut(call);
    match kind {
        Tagged::User => &mut iam.users.get_mut(&key(name)).expect("checked").tags,
        Tagged::Role => &mut iam.roles.get_mut(&key(name)).expect("checked").tags,
        Tagged::Policy => iam.policy_tags.entry(name.to_string()).or_default(),
        Tagged::InstanceProfile => &mut iam.instance_profiles.get_mut(&key(name)).expect("checked").tags,
    }
}

/// The entity named in the request: a user or role name, or a policy ARN.
fn target(input: &Input, kind: Tagged) -> AwsResult<&str> {
    match kind {
        Tagged::User => {
            let n = req_str(input, "UserName")?;
            check_name("UserName", n, 64)?;
            Ok(n)
        }
        Tagged::Role => {
            let n = req_str(input, "RoleName")?;
            check_name("RoleName", n, 64)?;
            Ok(n)
        }
        Tagged::Policy => req_str(input, "PolicyArn"),
        Tagged::InstanceProfile => {
            let n = req_str(input, "InstanceProfileName")?;
            check_name("InstanceProfileName", n, 128)?;
            Ok(n)
        }
    }
}

fn action(kind: Tagged, verb: &str) -> String {
    let noun = match kind {
        Tagged::User => "User",
        Tagged::Role => "Role",
        Tagged::Policy => "Policy",
        Tagged::InstanceProfile => "InstanceProfile",
    };
    match verb {
        "List" => format!("iam:List{noun}Tags"),
        _ => format!("iam:{verb}{noun}"),
    }
}

fn tag(call: &mut Call, input: &Input, kind: Tagged) -> AwsResult<Value> {
    let name = target(input, kind)?;
    let new = tags_in(input)?;
    let (resource, tags) = locate(call, kind, name);
    // The request's tags are themselves condition keys (aws:RequestTag, aws:TagKeys).
    let request_tags: Vec<(String, String)> =
        new.iter().map(|(k, v)| (format!("aws:RequestTag/{k}"), v.clone())).collect();
    let mut pairs: Vec<(&str, &str)> = request_tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.extend(new.iter().map(|(k, _)| ("aws:TagKeys", k.as_str())));
    let act = action(kind, "Tag");
    let existing = tags.clone().unwrap_or_default();
    let resource_tags: Vec<(String, &str)> =
        existing.iter().map(|(k, v)| (format!("aws:ResourceTag/{k}"), v.as_str())).collect();
    pairs.extend(resource_tags.iter().map(|(k, v)| (k.as_str(), *v)));
    let record = call.decide(&AuthRequest::new(&call.caller, &call.region, &act, &resource).with_context(&pairs));
    call.record_decision(record)?;
    let mut tags = tags.ok_or_else(|| not_found(kind, name))?;
    for (k, v) in new {
        // Keys are compared without regard to case; the case first given is kept.
        let existing = tags.keys().find(|e| e.eq_ignore_ascii_case(&k)).cloned();
        tags.insert(existing.unwrap_or(k), v);
    }
    if tags.len() > MAX_TAGS {
        return Err(AwsError::limit_exceeded(format!("Cannot exceed quota for {}: {MAX_TAGS}", kind.quota())));
    }
    *tags_mut(call, kind, name) = tags;
    Ok(Value::Null)
}

fn untag(call: &mut Call, input: &Input, kind: Tagged) -> AwsResult<Value> {
    let name = target(input, kind)?;
    let keys = keys_in(input)?;
    let (resource, tags) = locate(call, kind, name);
    let pairs: Vec<(&str, &str)> = keys.iter().map(|k| ("aws:TagKeys", k.as_str())).collect();
    let act = action(kind, "Untag");
    let record = call.decide(&AuthRequest::new(&call.caller, &call.region, &act, &resource).with_context(&pairs));
    call.record_decision(record)?;
    let mut tags = tags.ok_or_else(|| not_found(kind, name))?;
    tags.retain(|k, _| !keys.iter().any(|r| r.eq_ignore_ascii_case(k)));
    *tags_mut(call, kind, name) = tags;
    Ok(Value::Null)
}

fn list(call: &mut Call, input: &Input, kind: Tagged) -> AwsResult<Value> {
    let name = target(input, kind)?;
    let (resource, tags) = locate(call, kind, name);
    authorize_tagged(call, &action(kind, "List"), &resource, &tags.clone().unwrap_or_default())?;
    let tags = tags.ok_or_else(|| not_found(kind, name))?;
    let list: Vec<Value> = tags.iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect();
    Ok(json!({ "Tags": list }))
}

macro_rules! per_kind {
    ($($name:ident => $generic:ident($kind:expr);)*) => {
        $(fn $name(call: &mut Call, input: &Input) -> AwsResult<Value> { $generic(call, input, $kind) })*
    };
}

per_kind! {
    tag_user => tag(Tagged::User);
    untag_user => untag(Tagged::User);
    list_user_tags => list(Tagged::User);
    tag_role => tag(Tagged::Role);
    untag_role => untag(Tagged::Role);
    list_role_tags => list(Tagged::Role);
    tag_policy => tag(Tagged::Policy);
    untag_policy => untag(Tagged::Policy);
    list_policy_tags => list(Tagged::Policy);
    tag_instance_profile => tag(Tagged::InstanceProfile);
    untag_instance_profile => untag(Tagged::InstanceProfile);
    list_instance_profile_tags => list(Tagged::InstanceProfile);
}

const USER: Param = p("UserName", Shape::String, true, "the IAM user's name");
const ROLE: Param = p("RoleName", Shape::String, true, "the role's name");
const POLICY: Param = p("PolicyArn", Shape::String, true, "ARN of the customer managed policy");
const PROFILE: Param = p("InstanceProfileName", Shape::String, true, "the instance profile's name");
const TAGS: Param = p("Tags", Shape::Tags, true, "tags: Key=k,Value=v ... (at most 50)");
const KEYS: Param = p("TagKeys", Shape::StringList, true, "the keys of the tags to remove");

/// The tagging operations of IAM.
pub const OPERATIONS: &[Operation] = operations!(
    "iam",
    [
        ("TagUser", tag_user, "Adds or overwrites tags on an IAM user.", [USER, TAGS]),
        ("UntagUser", untag_user, "Removes tags from an IAM user.", [USER, KEYS]),
        ("ListUserTags", list_user_tags, "Lists an IAM user's tags.", [USER]),
        ("TagRole", tag_role, "Adds or overwrites tags on a role.", [ROLE, TAGS]),
        ("UntagRole", untag_role, "Removes tags from a role.", [ROLE, KEYS]),
        ("ListRoleTags", list_role_tags, "Lists a role's tags.", [ROLE]),
        ("TagPolicy", tag_policy, "Adds or overwrites tags on a customer managed policy.", [POLICY, TAGS]),
        ("UntagPolicy", untag_policy, "Removes tags from a customer managed policy.", [POLICY, KEYS]),
        ("ListPolicyTags", list_policy_tags, "Lists a customer managed policy's tags.", [POLICY]),
        (
            "TagInstanceProfile",
            tag_instance_profile,
            "Adds or overwrites tags on an instance profile.",
            [PROFILE, TAGS]
        ),
        ("UntagInstanceProfile", untag_instance_profile, "Removes tags from an instance profile.", [PROFILE, KEYS]),
        ("ListInstanceProfileTags", list_instance_profile_tags, "Lists an instance profile's tags.", [PROFILE]),
    ]
);

#[cfg(test)]
mod tests {
    use super::*;

    fn input(n: usize) -> Input {
        let tags: Vec<Value> = (0..n).map(|i| json!({ "Key": format!("k{i}"), "Value": "v" })).collect();
        let mut m = Map::new();
        m.insert("Tags".into(), Value::Array(tags));
        m
    }

    #[test]
    fn fifty_tags_pass_and_fifty_one_do_not() {
        assert_eq!(tags_in(&input(50)).unwrap().len(), 50);
        assert_eq!(tags_in(&input(51)).unwrap_err().code, "ValidationError");
    }

    #[test]
    fn keys_follow_iams_character_rules() {
        let mut bad = input(0);
        bad.insert("Tags".into(), json!([{ "Key": "a*b", "Value": "v" }]));
        assert_eq!(tags_in(&bad).unwrap_err().code, "ValidationError");
        bad.insert("Tags".into(), json!([{ "Key": "Team name:/=+-@_.", "Value": "Ünïcode ok" }]));
        assert!(tags_in(&bad).is_ok());
    }
}
