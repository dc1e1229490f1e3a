//! KMS's grant operations and how a grant takes part in authorization
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/grants.html>).
//!
//! A grant lets its grantee principal use a key for the operations it lists, beside the key
//! policy: `access::grant_policies` turns each grant into a resource-side policy document (an
//! Allow for the grantee on those operations, conditioned on the grant's encryption context
//! constraints, and an Allow of `kms:RetireGrant` for its retiring principal), which the key's
//! authorization (`access::authorize_key_with`) asks the engine about, named "KMS grant <id>" in
//! explanations.
//! AWS's grants are eventually consistent and a grant token lets the grantee use a new grant at
//! once; in rootsim a grant takes effect immediately, so no token is ever needed.

use super::access::{
    authorize_key_with, find, grant_policy, invalid, purge_deleted, require_enabled, source_name, Input,
};
use super::state::Grant;
use crate::auth::AuthRequest;
use crate::error::{AwsError, AwsResult};
use crate::service::{opt_str, req_str, Call};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The model's `GrantOperation` values.
const GRANT_OPERATIONS: &[&str] = &[
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "GetPublicKey",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "VerifyMac",
    "DeriveSharedSecret",
    "Encapsulate",
    "Decapsulate",
];

/// A grant as ListGrants prints it, in the order of botocore's `GrantListEntry`.
fn entry(g: &Grant) -> Value {
    let mut m = Map::new();
    m.insert("KeyId".into(), json!(g.key));
    m.insert("GrantId".into(), json!(g.id));
    if let Some(name) = &g.name {
        m.insert("Name".into(), json!(name));
    }
    m.insert("CreationDate".into(), json!(crate::clock::format_cli(g.created)));
    m.insert("GranteePrincipal".into(), json!(g.grantee));
    if let Some(r) = &g.retiring {
        m.insert("RetiringPrincipal".into(), json!(r));
    }
    m.insert("IssuingAccount".into(), json!(g.issuing_account));
    m.insert("Operations".into(), json!(g.operations));
    if let Some(c) = &g.constraints {
        m.insert("Constraints".into(), json!(c));
    }
    Value::Object(m)
}

/// A principal a grant may name: an AWS account's root, an IAM user or role, or an assumed-role
/// session, by ARN (rootsim does not model service principals).
fn check_principal(arn: &str) -> AwsResult<()> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1] == "aws"
        && matches!(parts[2], "iam" | "sts")
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && (parts[5] == "root"
            || ["user/", "role/", "assumed-role/"].iter().any(|p| parts[5].len() > p.len() && parts[5].starts_with(p)));
    if ok {
        Ok(())
    } else {
        Err(AwsError::new("InvalidArnException", 400, format!("ARN does not refer to a valid principal: {arn}")))
    }
}

/// The grant's operations: at least one, each a `GrantOperation`.
fn operations(input: &Input) -> AwsResult<Vec<String>> {
    let ops: Vec<String> = input
        .get("Operations")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if ops.is_empty() {
        return Err(invalid(
            "1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ));
    }
    if ops.iter().any(|o| !GRANT_OPERATIONS.contains(&o.as_str())) {
        return Err(invalid(format!(
            "1 validation error detected: Value '[{}]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [{}]]",
            ops.join(", "),
            GRANT_OPERATIONS.join(", ")
        )));
    }
    Ok(ops)
}

/// The grant's constraints: maps of strings under `EncryptionContextSubset` and
/// `EncryptionContextEquals`.
fn constraints(input: &Input) -> AwsResult<Option<BTreeMap<String, BTreeMap<String, String>>>> {
    let Some(c) = input.get("Constraints") else { return Ok(None) };
    let mut out = BTreeMap::new();
    for name in ["EncryptionContextSubset", "EncryptionContextEquals"] {
        if let Some(map) = c.get(name) {
            let pairs = map
                .as_object()
                .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect())
                .ok_or_else(|| invalid(format!("{name} must be a map of strings.")))?;
            out.insert(name.to_string(), pairs);
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

pub(super) fn create_grant(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    let Some(grantee) = opt_str(input, "GranteePrincipal") else {
        return Err(invalid("A grantee principal is required (GranteePrincipal)."));
    };
    check_principal(grantee)?;
    let retiring = opt_str(input, "RetiringPrincipal");
    if let Some(r) = retiring {
        check_principal(r)?;
    }
    let ops = operations(input)?;
    let constraints = constraints(input)?;
    let mut context = vec![("kms:GranteePrincipal", grantee)];
    if let Some(r) = retiring {
        context.push(("kms:RetiringPrincipal", r));
    }
    authorize_key_with(call, "kms:CreateGrant", &arn, &context, &[])?;
    // The key state table refuses CreateGrant on a disabled key (`DisabledException`) as on one
    // pending deletion (rule KMS-KEY-STATES).
    require_enabled(call, &arn)?;
    let (id, token) = {
        let r = &mut call.world.rng;
        (r.lower_hex(64), r.alnum(128))
    };
    let account = call.world.kms.keys[&arn].account.clone();
    let grant = Grant {
        id: id.clone(),
        token: token.clone(),
        key: arn,
        name: opt_str(input, "Name").map(str::to_string),
        grantee: grantee.to_string(),
        retiring: retiring.map(str::to_string),
        operations: ops,
        constraints,
        issuing_account: format!("arn:aws:iam::{account}:root"),
        created: call.now(),
    };
    call.world.kms.grants.insert(id.clone(), grant);
    Ok(json!({ "GrantToken": token, "GrantId": id }))
}

pub(super) fn list_grants(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    authorize_key_with(call, "kms:ListGrants", &arn, &[], &[])?;
    let (id, grantee) = (opt_str(input, "GrantId"), opt_str(input, "GranteePrincipal"));
    let mut grants: Vec<&Grant> = call
        .world
        .kms
        .grants
        .values()
        .filter(|g| g.key == arn && id.is_none_or(|i| g.id == i) && grantee.is_none_or(|p| g.grantee == p))
        .collect();
    grants.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    Ok(json!({ "Grants": grants.into_iter().map(entry).collect::<Vec<_>>() }))
}

pub(super) fn list_retirable_grants(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let retiring = req_str(input, "RetiringPrincipal")?;
    check_principal(retiring)?;
    call.authorize("kms:ListRetirableGrants", "*")?;
    purge_deleted(call);
    let (account, region) = (call.account(), call.region.clone());
    let kms = &call.world.kms;
    let mut grants: Vec<&Grant> = kms
        .grants
        .values()
        .filter(|g| g.retiring.as_deref() == Some(retiring))
        .filter(|g| kms.keys.get(&g.key).is_some_and(|k| k.account == account && k.region == region))
        .collect();
    grants.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    Ok(json!({ "Grants": grants.into_iter().map(entry).collect::<Vec<_>>() }))
}

fn no_grant(id: &str) -> AwsError {
    AwsError::new("InvalidGrantIdException", 400, format!("Grant ID {id} not found"))
}

pub(super) fn revoke_grant(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    let id = req_str(input, "GrantId")?;
    authorize_key_with(call, "kms:RevokeGrant", &arn, &[], &[])?;
    if call.world.kms.grants.get(id).is_none_or(|g| g.key != arn) {
        return Err(no_grant(id));
    }
    call.world.kms.grants.remove(id);
    Ok(Value::Null)
}

/// RetireGrant: the grant itself says who may retire it (its retiring principal, and its grantee
/// when it lists `RetireGrant`); no key or IAM policy can allow it
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html>). The decision is
/// the engine's on that grant's policy alone.
pub(super) fn retire_grant(call: &mut Call, input: &Input) -> AwsResult<Value> {
    purge_deleted(call);
    let grant = if let Some(token) = opt_str(input, "GrantToken") {
        call.world
            .kms
            .grants
            .values()
            .find(|g| g.token == token)
            .cloned()
            .ok_or_else(|| AwsError::new("InvalidGrantTokenException", 400, "Grant token is not valid."))?
    } else {
        let (Some(key), Some(id)) = (opt_str(input, "KeyId"), opt_str(input, "GrantId")) else {
            return Err(invalid("Either GrantToken, or both KeyId and GrantId, must be specified."));
        };
        let arn = find(call, key)?;
        call.world.kms.grants.get(id).filter(|g| g.key == arn).cloned().ok_or_else(|| no_grant(id))?
    };
    let policy = grant_policy(&grant);
    let name = source_name(&grant);
    // "The AWS account in which the grant was created" may retire it: its root user, whose
    // implicit permission in its own account decides (SCPs still apply); everyone else only as
    // the grant allows (rule KMS-RETIRE-GRANT, simulator assumption).
    let key_account = grant.key.split(':').nth(4).unwrap_or("");
    let own_root = call.caller.is_root() && call.caller.account == key_account;
    let mut request = AuthRequest::new(&call.caller, &call.region, "kms:RetireGrant", &grant.key);
    if !own_root {
        request =
            request.with_resource_policy(policy.as_ref().map(|p| (name.as_str(), p))).resource_policy_must_allow();
    }
    let record = call.decide(&request);
    call.record_decision(record)?;
    call.world.kms.grants.remove(&grant.id);
    Ok(Value::Null)
}
