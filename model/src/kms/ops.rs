//! KMS's operations on keys: each reads its parameters, authorizes the call against the key
//! policy and the key's grants, checks the key state as AWS's key-state table does, changes the
//! keys through their typed methods (`state.rs`, re-exported by [`super`]) and renders KMS's
//! response. The one operation table of the service is here; aliases are `aliases.rs`'s, grants
//! `grants.rs`'s.

use super::access::{
    authorize_key, authorize_key_with, find, find_any, invalid, purge_deleted, require_enabled, require_not_pending,
    Input,
};
use super::state::{decode_ciphertext, default_policy, parse_key_policy, Key, KeyState};
use super::{aliases, grants};
use crate::auth::AuthRequest;
use crate::error::{AwsError, AwsResult};
use crate::pages::{base64_decode, base64_encode};
use crate::service::{operations, param as p};
use crate::service::{opt_bool, opt_i64, opt_str, policy_chars_error, req_str, Call, Operation, Param, Shape};
use rootsim_policy::Policy;
use serde_json::{json, Map, Value};

/// `KeyMetadata`, in the order of botocore's shape: `KeyState` and `Enabled` from the key's
/// state, and while it is pending deletion its `DeletionDate` and `PendingDeletionWindowInDays`.
fn metadata(k: &Key, status: Option<&super::KeyStatus>) -> Value {
    let state = status.map(|s| s.state).unwrap_or_default();
    let mut m = Map::new();
    m.insert("AWSAccountId".into(), json!(k.account));
    m.insert("KeyId".into(), json!(k.id));
    m.insert("Arn".into(), json!(k.arn()));
    m.insert("CreationDate".into(), json!(crate::clock::format_cli(k.created)));
    m.insert("Enabled".into(), json!(state == KeyState::Enabled));
    m.insert("Description".into(), json!(k.description));
    m.insert("KeyUsage".into(), json!("ENCRYPT_DECRYPT"));
    m.insert("KeyState".into(), json!(state.name()));
    let deletion = status.and_then(|s| s.deletion);
    if let Some((date, _)) = deletion {
        m.insert("DeletionDate".into(), json!(crate::clock::format_cli(date)));
    }
    m.insert("Origin".into(), json!("AWS_KMS"));
    m.insert("KeyManager".into(), json!("CUSTOMER"));
    m.insert("CustomerMasterKeySpec".into(), json!("SYMMETRIC_DEFAULT"));
    m.insert("KeySpec".into(), json!("SYMMETRIC_DEFAULT"));
    m.insert("EncryptionAlgorithms".into(), json!(["SYMMETRIC_DEFAULT"]));
    m.insert("MultiRegion".into(), json!(false));
    if let Some((_, days)) = deletion {
        m.insert("PendingDeletionWindowInDays".into(), json!(days));
    }
    Value::Object(m)
}

/// KMS's lockout safety check: would the caller still be allowed to change the key policy?
fn keeps_caller_in_control(call: &Call, arn: &str, policy: &Policy) -> bool {
    let request = AuthRequest::new(&call.caller, &call.region, "kms:PutKeyPolicy", arn)
        .with_resource_policy(Some(("key policy", policy)))
        .resource_policy_must_allow();
    call.decide(&request).decision.is_allowed()
}

const LOCKOUT: &str = "The new key policy will not allow you to update the key policy in the future.";

fn create_key(call: &mut Call, input: &Input) -> AwsResult<Value> {
    if let Some(message) = opt_str(input, "Policy").and_then(|t| policy_chars_error("policy", t)) {
        return Err(invalid(message));
    }
    call.authorize("kms:CreateKey", "*").map_err(|e| AwsError { code: "AccessDeniedException".into(), ..e })?;
    let account = call.account();
    let policy = match opt_str(input, "Policy") {
        Some(t) => key_policy_checked(call, t)?,
        None => default_policy(&account),
    };
    let id = {
        let r = &mut call.world.rng;
        format!("{}-{}-{}-{}-{}", r.lower_hex(8), r.lower_hex(4), r.lower_hex(4), r.lower_hex(4), r.lower_hex(12))
    };
    let key = Key {
        id,
        account,
        region: call.region.clone(),
        description: opt_str(input, "Description").unwrap_or("").to_string(),
        created: call.now(),
        policy,
    };
    let arn = key.arn();
    if !opt_bool(input, "BypassPolicyLockoutSafetyCheck").unwrap_or(false)
        && !keeps_caller_in_control(call, &arn, &key.policy)
    {
        return Err(AwsError::new("MalformedPolicyDocumentException", 400, LOCKOUT));
    }
    let out = json!({ "KeyMetadata": metadata(&key, None) });
    call.world.kms.insert_key(key);
    Ok(out)
}

fn describe_key(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let (arn, alias) = find_any(call, req_str(input, "KeyId")?)?;
    let context: Vec<(&str, &str)> = alias.iter().map(|a| ("kms:RequestAlias", a.as_str())).collect();
    authorize_key_with(call, "kms:DescribeKey", &arn, &context, &[])?;
    let kms = &call.world.kms;
    Ok(json!({ "KeyMetadata": metadata(&kms.keys[&arn], kms.status.get(&arn)) }))
}

fn enable_key(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    authorize_key(call, "kms:EnableKey", &arn)?;
    require_not_pending(call, &arn)?;
    call.world.kms.set_state(&arn, KeyState::Enabled);
    Ok(Value::Null)
}

fn disable_key(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    authorize_key(call, "kms:DisableKey", &arn)?;
    require_not_pending(call, &arn)?;
    call.world.kms.set_state(&arn, KeyState::Disabled);
    Ok(Value::Null)
}

/// ScheduleKeyDeletion's waiting period: 7 to 30 days, 30 when not given; the model allows 1 to
/// 365, and KMS itself answers the rest as a validation error.
fn pending_window(input: &Input) -> AwsResult<i64> {
    let days = opt_i64(input, "PendingWindowInDays").unwrap_or(30);
    let bound = if days < 7 {
        "greater than or equal to 7"
    } else if days > 30 {
        "less than or equal to 30"
    } else {
        return Ok(days);
    };
    Err(invalid(format!(
        "1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value {bound}"
    )))
}

fn schedule_key_deletion(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    let days = pending_window(input)?;
    authorize_key(call, "kms:ScheduleKeyDeletion", &arn)?;
    require_not_pending(call, &arn)?;
    let date = call.now() + days * 86_400;
    call.world.kms.schedule_deletion(&arn, date, days);
    Ok(json!({
        "KeyId": arn,
        "DeletionDate": crate::clock::format_cli(date),
        "KeyState": "PendingDeletion",
        "PendingWindowInDays": days,
    }))
}

fn cancel_key_deletion(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    authorize_key(call, "kms:CancelKeyDeletion", &arn)?;
    if call.world.kms.state(&arn) != KeyState::PendingDeletion {
        return Err(AwsError::new("KMSInvalidStateException", 400, format!("{arn} is not pending deletion.")));
    }
    // AWS leaves the key disabled: it must be enabled again before use.
    call.world.kms.set_state(&arn, KeyState::Disabled);
    Ok(json!({ "KeyId": arn }))
}

fn list_keys(call: &mut Call, _input: &Input) -> AwsResult<Value> {
    purge_deleted(call);
    call.authorize("kms:ListKeys", "*").map_err(|e| AwsError { code: "AccessDeniedException".into(), ..e })?;
    let account = call.account();
    let keys: Vec<Value> = call
        .world
        .kms
        .keys
        .values()
        .filter(|k| k.account == account && k.region == call.region)
        .map(|k| json!({ "KeyId": k.id, "KeyArn": k.arn() }))
        .collect();
    Ok(json!({ "Keys": keys }))
}

fn policy_name(input: &Input) -> AwsResult<()> {
    match opt_str(input, "PolicyName").unwrap_or("default") {
        "default" => Ok(()),
        other => Err(AwsError::new("NotFoundException", 400, format!("No such policy exists: {other}"))),
    }
}

fn get_key_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    policy_name(input)?;
    authorize_key(call, "kms:GetKeyPolicy", &arn)?;
    Ok(json!({ "Policy": call.world.kms.keys[&arn].policy.text(), "PolicyName": "default" }))
}

/// A key policy as KMS checks it: valid, and every IAM user or role it names existing
/// (`MalformedPolicyDocumentException`, "Policy contains a statement with one or more invalid
/// principals.", rule IAM-POLICY-PRINCIPAL-EXISTS).
fn key_policy_checked(call: &Call, text: &str) -> AwsResult<rootsim_policy::Policy> {
    let policy = parse_key_policy(text)?;
    match call.world.missing_principal(&policy) {
        Some(v) => Err(AwsError::new(
            "MalformedPolicyDocumentException",
            400,
            "Policy contains a statement with one or more invalid principals.",
        )
        .with_hint(format!("  {v} names no existing IAM user or role"))),
        None => Ok(policy),
    }
}

fn put_key_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    policy_name(input)?;
    let text = req_str(input, "Policy")?;
    if let Some(message) = policy_chars_error("policy", text) {
        return Err(invalid(message));
    }
    authorize_key(call, "kms:PutKeyPolicy", &arn)?;
    let policy = key_policy_checked(call, text)?;
    if !opt_bool(input, "BypassPolicyLockoutSafetyCheck").unwrap_or(false)
        && !keeps_caller_in_control(call, &arn, &policy)
    {
        return Err(AwsError::new("MalformedPolicyDocumentException", 400, LOCKOUT));
    }
    call.world.kms.set_policy(&arn, policy);
    Ok(Value::Null)
}

/// An encryption context: string pairs, sorted by key.
type Context = std::collections::BTreeMap<String, String>;

/// The request's `EncryptionContext`, a map of strings.
fn encryption_context(input: &Input) -> AwsResult<Context> {
    let Some(value) = input.get("EncryptionContext") else { return Ok(Context::new()) };
    value
        .as_object()
        .and_then(|m| m.iter().map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect())
        .ok_or_else(|| invalid("EncryptionContext must be a map of strings."))
}

/// The condition keys of an encryption context: `kms:EncryptionContext:<key>` for each pair (in
/// the context's order) and the keys for `kms:EncryptionContextKeys`
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context>).
fn context_keys(context: &Context) -> (Vec<String>, Vec<String>) {
    (context.keys().map(|k| format!("kms:EncryptionContext:{k}")).collect(), context.keys().cloned().collect())
}

/// A blob parameter's bytes (the command layer hands blobs over in base64, `Shape::BlobValue`).
fn blob(input: &Input, name: &str) -> AwsResult<Vec<u8>> {
    base64_decode(req_str(input, name)?)
        .ok_or_else(|| AwsError::new("ValidationException", 400, format!("{name} is not base64.")))
}

/// KMS's length constraint on a blob member (1 to 4096 bytes for Plaintext, 1 to 6144 for
/// CiphertextBlob), worded as the JSON protocol's validation errors are.
fn check_length(name: &str, bytes: &[u8], max: usize) -> AwsResult<()> {
    let member = format!("{}{}", name[..1].to_ascii_lowercase(), &name[1..]);
    if bytes.is_empty() {
        return Err(AwsError::new("ValidationException", 400, format!("1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length greater than or equal to 1")));
    }
    if bytes.len() > max {
        return Err(AwsError::new("ValidationException", 400, format!("1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max}")));
    }
    Ok(())
}

fn encrypt(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let (arn, alias) = find_any(call, req_str(input, "KeyId")?)?;
    let plaintext = blob(input, "Plaintext")?;
    check_length("Plaintext", &plaintext, 4096)?;
    let encryption = encryption_context(input)?;
    let (names, keys) = context_keys(&encryption);
    let mut context: Vec<(&str, &str)> = alias.iter().map(|a| ("kms:RequestAlias", a.as_str())).collect();
    context.extend(names.iter().zip(encryption.values()).map(|(k, v)| (k.as_str(), v.as_str())));
    authorize_key_with(call, "kms:Encrypt", &arn, &context, &[("kms:EncryptionContextKeys", &keys)])?;
    require_enabled(call, &arn)?;
    let key = &call.world.kms.keys[&arn];
    let ciphertext = if encryption.is_empty() {
        key.encrypt(&plaintext)
    } else {
        // The context is bound into the ciphertext, tagged after the key ID: Decrypt must be
        // given the same one.
        let tag = base64_encode(serde_json::to_string(&encryption).unwrap_or_default().as_bytes());
        let mut out = format!("{}#{tag}:", key.id).into_bytes();
        out.extend_from_slice(&plaintext);
        out
    };
    // Blobs are base64 in the response, as the CLI prints them.
    Ok(
        json!({ "CiphertextBlob": base64_encode(&ciphertext), "KeyId": arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT" }),
    )
}

fn decrypt(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let ciphertext = blob(input, "CiphertextBlob")?;
    check_length("CiphertextBlob", &ciphertext, 6144)?;
    let invalid = || AwsError::new("InvalidCiphertextException", 400, "The ciphertext is not valid.");
    let (id, plaintext) = decode_ciphertext(&ciphertext).ok_or_else(invalid)?;
    let encryption = encryption_context(input)?;
    let (id, bound) = match id.split_once('#') {
        Some((id, tag)) => {
            let json = base64_decode(tag).ok_or_else(invalid)?;
            let bound: Context = serde_json::from_slice(&json).map_err(|_| invalid())?;
            (id.to_string(), bound)
        }
        None => (id, Context::new()),
    };
    let arn = find(call, &id)?;
    let (names, keys) = context_keys(&encryption);
    let context: Vec<(&str, &str)> =
        names.iter().zip(encryption.values()).map(|(k, v)| (k.as_str(), v.as_str())).collect();
    authorize_key_with(call, "kms:Decrypt", &arn, &context, &[("kms:EncryptionContextKeys", &keys)])?;
    // A ciphertext decrypts only with the encryption context it was made with.
    if bound != encryption {
        return Err(invalid());
    }
    require_enabled(call, &arn)?;
    Ok(json!({ "KeyId": arn, "Plaintext": base64_encode(&plaintext), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT" }))
}

const KEY: Param = p("KeyId", Shape::String, true, "the key's ID or ARN");
const KEY_OR_ALIAS: Param =
    p("KeyId", Shape::String, true, "the key's ID or ARN, or an alias name (alias/x) or alias ARN");
const ENCRYPTION_CONTEXT: Param =
    p("EncryptionContext", Shape::Map, false, "key-value pairs bound to the ciphertext: Decrypt needs the same");
const ALIAS_NAME: Param = p("AliasName", Shape::String, true, "the alias, alias/NAME");
/// `GrantConstraints`: the encryption context a grant requires.
const CONSTRAINTS: &[Param] = &[
    p("EncryptionContextSubset", Shape::Map, false, "pairs the request's encryption context must include"),
    p("EncryptionContextEquals", Shape::Map, false, "the request's encryption context, exactly"),
];
const POLICY_NAME: Param = p("PolicyName", Shape::String, false, "the policy's name: default (the only one)");
const BYPASS: Param =
    p("BypassPolicyLockoutSafetyCheck", Shape::Boolean, false, "allow a policy that locks you out of the key");

/// KMS's operations.
pub const OPERATIONS: &[Operation] = operations!(
    "kms",
    [
        (
            "CreateKey",
            create_key,
            "Creates a symmetric key with the default key policy, or the one given.",
            [
                p("Policy", Shape::Document, false, "the key policy (default: the account may use and manage the key)"),
                p("Description", Shape::String, false, "a description"),
                BYPASS,
            ]
        ),
        (
            "DescribeKey",
            describe_key,
            "Describes a key: its state and, while pending deletion, its deletion date.",
            [KEY_OR_ALIAS]
        ),
        ("EnableKey", enable_key, "Enables a disabled key.", [KEY]),
        ("DisableKey", disable_key, "Disables a key: it can no longer encrypt or decrypt.", [KEY]),
        (
            "ScheduleKeyDeletion",
            schedule_key_deletion,
            "Schedules a key's deletion after a waiting period of 7 to 30 days; the key is unusable meanwhile.",
            [KEY, p("PendingWindowInDays", Shape::Integer, false, "the waiting period in days, 7 to 30 (default 30)")]
        ),
        ("CancelKeyDeletion", cancel_key_deletion, "Cancels a scheduled deletion; the key is left disabled.", [KEY]),
        ("ListKeys", list_keys, "Lists the account's keys in the Region.", []),
        ("GetKeyPolicy", get_key_policy, "Shows a key's policy.", [KEY, POLICY_NAME]),
        (
            "PutKeyPolicy",
            put_key_policy,
            "Replaces a key's policy; refuses one that locks you out unless told to bypass the check.",
            [KEY, POLICY_NAME, p("Policy", Shape::Document, true, "the new key policy"), BYPASS,]
        ),
        (
            "Encrypt",
            encrypt,
            "Encrypts a short text with a key.",
            [
                KEY_OR_ALIAS,
                p("Plaintext", Shape::BlobValue, true, "the data, in base64 (or fileb://PATH)"),
                ENCRYPTION_CONTEXT,
            ]
        ),
        (
            "Decrypt",
            decrypt,
            "Decrypts what Encrypt returned.",
            // Optional in the model (KMS answers a missing one itself): see tests/conformance.rs.
            [
                p("CiphertextBlob", Shape::BlobValue, false, "what Encrypt returned, in base64 (or fileb://PATH)"),
                ENCRYPTION_CONTEXT,
            ]
        ),
        (
            "CreateAlias",
            aliases::create_alias,
            "Gives a key a friendly name, alias/NAME, unique in the account and Region.",
            [ALIAS_NAME, p("TargetKeyId", Shape::String, true, "the key's ID or ARN")]
        ),
        (
            "UpdateAlias",
            aliases::update_alias,
            "Points an alias at another key of the account and Region.",
            [ALIAS_NAME, p("TargetKeyId", Shape::String, true, "the new key's ID or ARN")]
        ),
        ("DeleteAlias", aliases::delete_alias, "Deletes an alias (not its key).", [ALIAS_NAME]),
        (
            "ListAliases",
            aliases::list_aliases,
            "Lists the account's aliases in the Region, or those of one key.",
            [p("KeyId", Shape::String, false, "only the aliases of this key (ID or ARN)")]
        ),
        (
            "CreateGrant",
            grants::create_grant,
            "Lets a principal use a key for some operations, beside the key policy.",
            [
                KEY,
                p("GranteePrincipal", Shape::String, false, "the principal that may use the key (ARN)"),
                p("RetiringPrincipal", Shape::String, false, "the principal that may retire the grant (ARN)"),
                p(
                    "Operations",
                    Shape::StringList,
                    true,
                    "the operations allowed: Encrypt, Decrypt, DescribeKey, CreateGrant, RetireGrant, ..."
                ),
                p("Constraints", Shape::Structure(CONSTRAINTS), false, "encryption context the request must carry"),
                p("Name", Shape::String, false, "a friendly name for the grant"),
            ]
        ),
        (
            "ListGrants",
            grants::list_grants,
            "Lists a key's grants.",
            [
                KEY,
                p("GrantId", Shape::String, false, "only this grant"),
                p("GranteePrincipal", Shape::String, false, "only the grants to this principal"),
            ]
        ),
        (
            "ListRetirableGrants",
            grants::list_retirable_grants,
            "Lists the grants of the account's keys in the Region that a principal may retire.",
            [p("RetiringPrincipal", Shape::String, false, "the retiring principal (ARN)")]
        ),
        (
            "RetireGrant",
            grants::retire_grant,
            "Retires a grant: allowed to its retiring principal, and to its grantee when it lists RetireGrant.",
            [
                p("GrantToken", Shape::String, false, "the grant's token"),
                p("KeyId", Shape::String, false, "the key's ID or ARN (with --grant-id)"),
                p("GrantId", Shape::String, false, "the grant's ID (with --key-id)"),
            ]
        ),
        (
            "RevokeGrant",
            grants::revoke_grant,
            "Revokes a grant; the key policy must allow it.",
            [KEY, p("GrantId", Shape::String, true, "the grant's ID")]
        ),
    ]
);
