//! What KMS's operations share: finding a key by ID, ARN or alias (deleting first the keys whose
//! waiting period is over), authorizing a call on a key against its key policy and then its
//! grants, each grant as a policy document of its own, and the key-state refusals of AWS's
//! key-state table (<https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html>).

use super::state::{alias_arn, Grant, KeyState};
use crate::auth::AuthRequest;
use crate::error::{AwsError, AwsResult};
use crate::service::Call;
use rootsim_policy::{Outcome, Policy, PolicyKind};
use serde_json::{json, Map, Value};

pub(super) type Input = Map<String, Value>;

/// KMS's validation error (the JSON protocol's `ValidationException`).
pub(super) fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::new("ValidationException", 400, message)
}

pub(super) fn not_found(key: &str) -> AwsError {
    AwsError::new("NotFoundException", 400, format!("Key '{key}' does not exist"))
}

/// Deletes the keys whose deletion date the clock has passed: AWS deletes a key when its waiting
/// period ends, so every KMS call first sees the world as it is then. Nothing is touched (and
/// nothing copied) when no key is due.
pub(super) fn purge_deleted(call: &mut Call) {
    let now = call.now();
    let due = call.world.kms.status.values().any(|s| s.deletion.is_some_and(|(date, _)| date <= now));
    if due {
        call.world.kms.purge_deleted(now);
    }
}

/// Finds a key by key ID or key ARN in the caller's account and Region (the management
/// operations take no alias: their pages say "key ID or key ARN").
pub(super) fn find(call: &mut Call, key_id: &str) -> AwsResult<String> {
    purge_deleted(call);
    let account = &call.caller.account;
    let arn = if key_id.starts_with("arn:") {
        key_id.to_string()
    } else {
        format!("arn:aws:kms:{}:{account}:key/{key_id}", call.region)
    };
    if call.world.kms.keys.contains_key(&arn) {
        Ok(arn)
    } else {
        Err(not_found(&arn))
    }
}

/// Finds a key by key ID, key ARN, alias name (`alias/x`) or alias ARN, as the operations that
/// accept an alias do; returns the key's ARN and the alias name used, if any (`kms:RequestAlias`).
pub(super) fn find_any(call: &mut Call, key_id: &str) -> AwsResult<(String, Option<String>)> {
    let name = if key_id.starts_with("alias/") {
        Some((alias_arn(&call.region, &call.caller.account, key_id), key_id.to_string()))
    } else if key_id.starts_with("arn:") && key_id.split(':').nth(5).is_some_and(|r| r.starts_with("alias/")) {
        let name = key_id.split(':').nth(5).unwrap_or_default().to_string();
        Some((key_id.to_string(), name))
    } else {
        None
    };
    let Some((arn, name)) = name else {
        return find(call, key_id).map(|arn| (arn, None));
    };
    purge_deleted(call);
    match call.world.kms.aliases.get(&arn) {
        Some(a) => Ok((a.target.clone(), Some(name))),
        None => Err(AwsError::new("NotFoundException", 400, format!("Alias {arn} is not found."))),
    }
}

/// Authorizes `action` on a key: its key policy must allow it, or one of its grants
/// ([`authorize_key_with`]).
pub(super) fn authorize_key(call: &mut Call, action: &str, arn: &str) -> AwsResult<()> {
    authorize_key_with(call, action, arn, &[], &[])
}

/// Authorizes `action` on a key with request condition keys (`kms:RequestAlias`,
/// `kms:GranteePrincipal`, ...). The key policy must itself allow it; when it does not, and nothing
/// denied it explicitly, a grant of the key that names the caller and the operation allows it: a
/// grant is one more resource-side Allow beside the key policy, evaluated by the engine as its own
/// source ("KMS grant <id>"), so an explicit deny anywhere still wins and SCPs, RCPs and session
/// policies still apply (<https://docs.aws.amazon.com/kms/latest/developerguide/grants.html>).
pub(super) fn authorize_key_with(
    call: &mut Call,
    action: &str,
    arn: &str,
    context: &[(&str, &str)],
    multi: &[(&str, &[String])],
) -> AwsResult<()> {
    let policy = call.world.kms.keys[arn].policy.clone();
    // `kms:ResourceAliases`: the aliases of the key, whatever the request named it by.
    let aliases: Vec<String> = call.world.kms.aliases_of(arn).into_iter().map(|a| a.name.clone()).collect();
    let mut with_aliases: Vec<(&str, &[String])> = multi.to_vec();
    if !aliases.is_empty() {
        with_aliases.push(("kms:ResourceAliases", &aliases));
    }
    let multi = &with_aliases[..];
    let request = AuthRequest::new(&call.caller, &call.region, action, arn)
        .with_resource_policy(Some(("key policy", &policy)))
        .resource_policy_must_allow()
        .with_context(context)
        .with_multi_context(multi);
    let record = call.decide(&request);
    if !record.decision.is_allowed() && record.decision.outcome != Outcome::ExplicitlyDenied {
        for (name, grant) in grant_policies(call, action, arn) {
            let request = AuthRequest::new(&call.caller, &call.region, action, arn)
                .with_resource_policy(Some((&name, &grant)))
                .resource_policy_must_allow()
                .with_context(context)
                .with_multi_context(multi);
            let by_grant = call.decide(&request);
            if by_grant.decision.is_allowed() {
                return call.record_decision(by_grant);
            }
        }
    }
    call.record_decision(record)
}

/// The key state's refusal of an operation, as AWS's key-state table words it
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html>): cryptographic
/// operations on a disabled key fail with `DisabledException`, and most operations on a key
/// pending deletion with `KMSInvalidStateException`.
pub(super) fn pending_deletion(arn: &str) -> AwsError {
    AwsError::new("KMSInvalidStateException", 400, format!("{arn} is pending deletion."))
}

/// Refuses a key that is pending deletion (management operations that a disabled key allows).
pub(super) fn require_not_pending(call: &Call, arn: &str) -> AwsResult<()> {
    match call.world.kms.state(arn) {
        KeyState::PendingDeletion => Err(pending_deletion(arn)),
        _ => Ok(()),
    }
}

/// Refuses a key that is not enabled (cryptographic operations).
pub(super) fn require_enabled(call: &Call, arn: &str) -> AwsResult<()> {
    match call.world.kms.state(arn) {
        KeyState::Enabled => Ok(()),
        KeyState::Disabled => Err(AwsError::new("DisabledException", 400, format!("{arn} is disabled."))),
        KeyState::PendingDeletion => Err(pending_deletion(arn)),
    }
}

/// The name explanations give a grant's policy.
pub(super) fn source_name(g: &Grant) -> String {
    format!("KMS grant {}", g.id)
}

/// The grant operations that take no encryption context, to which a grant's constraints do not
/// apply: management operations (DescribeKey, RetireGrant) and the asymmetric and HMAC ones
/// (<https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html>, rule
/// KMS-GRANT-ALLOWS). CreateGrant stays constrained: a constrained grant lets its grantee create
/// only grants at least as strict, which rootsim does not weigh (so it refuses them, fail closed).
const UNCONSTRAINED_OPERATIONS: &[&str] =
    &["DescribeKey", "RetireGrant", "GetPublicKey", "Sign", "Verify", "GenerateMac", "VerifyMac"];

/// A grant as a resource-side policy document: the grantee may perform the grant's operations
/// under its constraints (each `EncryptionContextSubset` pair must be in the request's encryption
/// context; `EncryptionContextEquals` also allows no other key; keys compared without case,
/// values with it), the operations without an encryption context
/// ([`UNCONSTRAINED_OPERATIONS`]) whatever the constraints, and the retiring principal may
/// retire it. `None` for a document the engine would not take (it then allows nothing).
pub(super) fn grant_policy(g: &Grant) -> Option<Policy> {
    let (free, constrained): (Vec<&String>, Vec<&String>) = match &g.constraints {
        Some(_) => g.operations.iter().partition(|o| UNCONSTRAINED_OPERATIONS.contains(&o.as_str())),
        None => (g.operations.iter().collect(), Vec::new()),
    };
    let mut statements = Vec::new();
    if !free.is_empty() {
        let actions: Vec<String> = free.iter().map(|o| format!("kms:{o}")).collect();
        // A constrained grant's operations without a context get a statement of their own, named
        // so that explanations say why no constraint was asked.
        let sid = if g.constraints.is_some() { "GranteeOperationsWithoutContext" } else { "Grantee" };
        statements.push(json!({
            "Sid": sid,
            "Effect": "Allow",
            "Principal": { "AWS": g.grantee },
            "Action": actions,
            "Resource": "*",
        }));
    }
    if let (Some(constraints), false) = (&g.constraints, constrained.is_empty()) {
        let actions: Vec<String> = constrained.iter().map(|o| format!("kms:{o}")).collect();
        let mut grantee = json!({
            "Sid": "Grantee",
            "Effect": "Allow",
            "Principal": { "AWS": g.grantee },
            "Action": actions,
            "Resource": "*",
        });
        let mut equals = Map::new();
        let mut condition = Map::new();
        for pairs in constraints.values() {
            for (k, v) in pairs {
                equals.insert(format!("kms:EncryptionContext:{k}"), json!(v));
            }
        }
        if let Some(exact) = constraints.get("EncryptionContextEquals") {
            let keys: Vec<&String> = exact.keys().collect();
            condition
                .insert("ForAllValues:StringEqualsIgnoreCase".into(), json!({ "kms:EncryptionContextKeys": keys }));
        }
        condition.insert("StringEquals".into(), Value::Object(equals));
        grantee["Condition"] = Value::Object(condition);
        statements.push(grantee);
    }
    if let Some(retiring) = &g.retiring {
        statements.push(json!({
            "Sid": "RetiringPrincipal",
            "Effect": "Allow",
            "Principal": { "AWS": retiring },
            "Action": "kms:RetireGrant",
            "Resource": "*",
        }));
    }
    let text = json!({ "Version": "2012-10-17", "Statement": statements }).to_string();
    Policy::parse(&text, PolicyKind::Resource).ok()
}

/// The policies of the grants of key `arn` that could allow `action`, each with its name for
/// explanations, oldest grant first.
pub(super) fn grant_policies(call: &Call, action: &str, arn: &str) -> Vec<(String, Policy)> {
    let Some(op) = action.strip_prefix("kms:") else { return Vec::new() };
    let mut grants: Vec<&Grant> = call
        .world
        .kms
        .grants
        .values()
        .filter(|g| {
            g.key == arn && (g.operations.iter().any(|o| o == op) || (op == "RetireGrant" && g.retiring.is_some()))
        })
        .collect();
    grants.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    grants.into_iter().filter_map(|g| grant_policy(g).map(|p| (source_name(g), p))).collect()
}
