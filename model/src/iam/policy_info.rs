//! What IAM says about policies without deciding with them: `ListEntitiesForPolicy` (who a
//! managed policy is attached to, or is the boundary of) and
//! `GetContextKeysForPrincipalPolicy` / `GetContextKeysForCustomPolicy` (the context keys the
//! policies reference).

use super::ops::iam_of;
use crate::auth::{identity_policies, PolicySource};
use crate::error::{policy_error, AwsError, AwsResult};
use crate::iam::key;
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Param, Shape};
use rootsim_policy::{arn, Policy, PolicyKind};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

// ---------------------------------------------------------------- ListEntitiesForPolicy

fn list_entities_for_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let policy_arn = req_str(input, "PolicyArn")?;
    let filter = opt_str(input, "EntityFilter");
    if let Some(f) = filter {
        if !["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"].contains(&f) {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{f}' at 'entityFilter' failed to satisfy constraint: Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]"
            )));
        }
    }
    let usage = opt_str(input, "PolicyUsageFilter");
    if let Some(u) = usage {
        if u != "PermissionsPolicy" && u != "PermissionsBoundary" {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{u}' at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]"
            )));
        }
    }
    let prefix = opt_str(input, "PathPrefix").unwrap_or("/");
    call.authorize("iam:ListEntitiesForPolicy", policy_arn)?;
    let iam = iam_of(call);
    if !iam.policies.contains_key(policy_arn) && super::managed::aws_managed(policy_arn).is_none() {
        return Err(AwsError::no_such_entity(format!("Policy {policy_arn} does not exist or is not attachable.")));
    }
    let attached = |managed: &[String]| usage != Some("PermissionsBoundary") && managed.iter().any(|m| m == policy_arn);
    let bounded = |b: &Option<String>| usage != Some("PermissionsPolicy") && b.as_deref() == Some(policy_arn);
    let wants = |kind: &str| filter.is_none_or(|f| f == kind || f.ends_with("ManagedPolicy"));
    let groups: Vec<Value> = iam
        .groups
        .values()
        .filter(|g| wants("Group") && g.path.starts_with(prefix) && attached(&g.policies.managed))
        .map(|g| json!({ "GroupName": g.name, "GroupId": g.id }))
        .collect();
    let users: Vec<Value> = iam
        .users
        .values()
        .filter(|u| {
            wants("User") && u.path.starts_with(prefix) && (attached(&u.policies.managed) || bounded(&u.boundary))
        })
        .map(|u| json!({ "UserName": u.name, "UserId": u.id }))
        .collect();
    let roles: Vec<Value> = iam
        .roles
        .values()
        .filter(|r| {
            wants("Role") && r.path.starts_with(prefix) && (attached(&r.policies.managed) || bounded(&r.boundary))
        })
        .map(|r| json!({ "RoleName": r.name, "RoleId": r.id }))
        .collect();
    Ok(json!({ "PolicyGroups": groups, "PolicyUsers": users, "PolicyRoles": roles }))
}

// ---------------------------------------------------------------- context keys

/// The keys named by the policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'x'}`)
/// in `text`, in order; the special characters `${*}`, `${?}` and `${$}` are not keys.
fn variables(text: &str, out: &mut Vec<String>) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = after[..end].split(',').next().unwrap_or("").trim();
        if inner.contains(':') {
            out.push(inner.to_string());
        }
        rest = &after[end + 1..];
    }
}

/// The context keys `policies` reference, each once (compared without regard to case, as keys
/// are), in the order they first appear: per statement, the policy variables of its resources,
/// then its condition keys and the variables in their values.
pub fn context_keys<'a>(policies: impl IntoIterator<Item = &'a Policy>) -> Vec<String> {
    let mut found = Vec::new();
    for policy in policies {
        for st in policy.statements() {
            for r in st.resource_patterns() {
                variables(r.text(), &mut found);
            }
            for c in st.conditions() {
                found.push(c.key().to_string());
                for v in c.values() {
                    variables(v, &mut found);
                }
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    for k in found {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&k)) {
            out.push(k);
        }
    }
    out
}

fn input_policies(input: &Input) -> AwsResult<Vec<Policy>> {
    input
        .get("PolicyInputList")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|t| Policy::parse(t, PolicyKind::Identity).map_err(policy_error))
        .collect()
}

fn get_context_keys_for_custom_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let policies = input_policies(input)?;
    if policies.is_empty() {
        return Err(AwsError::validation(
            "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null",
        ));
    }
    call.authorize("iam:GetContextKeysForCustomPolicy", "*")?;
    Ok(json!({ "ContextKeyNames": context_keys(&policies) }))
}

fn get_context_keys_for_principal_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let source = req_str(input, "PolicySourceArn")?;
    let extra = input_policies(input)?;
    call.authorize("iam:GetContextKeysForPrincipalPolicy", source)?;
    let invalid =
        || AwsError::invalid_input(format!("Invalid ARN: {source}. The ARN must identify a user, group or role."));
    let a = arn::Arn::parse(source).filter(|a| a.service == "iam").ok_or_else(invalid)?;
    let (kind, name) = a.resource.split_once('/').ok_or_else(invalid)?;
    let name = name.rsplit('/').next().unwrap_or(name);
    let k = key(name);
    let world = &*call.world;
    let missing = || AwsError::no_such_entity(format!("The {kind} with name {name} cannot be found."));
    let iam = world.iam.account(a.account).ok_or_else(missing)?;
    let policy_source = match kind {
        "user" if iam.users.contains_key(&k) => PolicySource::User(&k),
        "group" if iam.groups.contains_key(&k) => PolicySource::Group(&k),
        "role" if iam.roles.contains_key(&k) => PolicySource::Role(&k),
        "user" | "group" | "role" => return Err(missing()),
        _ => return Err(invalid()),
    };
    let (named, _) = identity_policies(iam, &policy_source);
    let keys = context_keys(named.iter().map(|(_, p)| *p).chain(extra.iter()));
    Ok(json!({ "ContextKeyNames": keys }))
}

const POLICY_INPUTS: Param =
    p("PolicyInputList", Shape::StringList, false, "policy documents (JSON or file://) to include");

/// The policy information operations of IAM.
pub const OPERATIONS: &[Operation] = operations!(
    "iam",
    [
        (
            "ListEntitiesForPolicy",
            list_entities_for_policy,
            "Lists the users, groups and roles a managed policy is attached to (or is the permissions boundary of).",
            [
                p("PolicyArn", Shape::String, true, "ARN of the managed policy"),
                p("EntityFilter", Shape::String, false, "User, Role, Group, LocalManagedPolicy or AWSManagedPolicy"),
                p("PathPrefix", Shape::String, false, "only entities whose path starts with this"),
                p("PolicyUsageFilter", Shape::String, false, "PermissionsPolicy or PermissionsBoundary (default both)"),
            ]
        ),
        (
            "GetContextKeysForPrincipalPolicy",
            get_context_keys_for_principal_policy,
            "Lists the context keys that a user's, group's or role's policies reference.",
            [p("PolicySourceArn", Shape::String, true, "ARN of the user, group or role"), POLICY_INPUTS,]
        ),
        (
            "GetContextKeysForCustomPolicy",
            get_context_keys_for_custom_policy,
            "Lists the context keys that the given policies reference.",
            [p("PolicyInputList", Shape::StringList, true, "policy documents (JSON or file://)"),]
        ),
    ]
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_keys_come_from_variables_and_conditions_once_each() {
        // The AWS CLI's example for get-context-keys-for-custom-policy: the variable in the
        // resource first, then the condition key.
        let p = Policy::parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}"#,
            PolicyKind::Identity,
        )
        .unwrap();
        let q = Policy::parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'x'}/${*}","Condition":{"StringEquals":{"AWS:CurrentTime":"x","s3:prefix":"${aws:userid}"}}}}"#,
            PolicyKind::Identity,
        )
        .unwrap();
        assert_eq!(context_keys([&p]), ["aws:username", "aws:CurrentTime"]);
        assert_eq!(
            context_keys([&p, &q]),
            ["aws:username", "aws:CurrentTime", "aws:PrincipalTag/team", "s3:prefix", "aws:userid"]
        );
    }
}
