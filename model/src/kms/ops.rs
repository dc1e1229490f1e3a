//! KMS's operations: each reads its parameters, authorizes the call against the key policy,
//! changes the keys through their typed methods (`state.rs`, re-exported by [`super`]) and renders KMS's response.

use super::state::{decode_ciphertext, default_policy, parse_key_policy, Key};
use crate::auth::AuthRequest;
use crate::error::{AwsError, AwsResult};
use crate::pages::{base64_decode, base64_encode};
use crate::service::{operations, param as p};
use crate::service::{opt_bool, opt_str, req_str, Call, Operation, Param, Shape};
use rootsim_policy::Policy;
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

fn not_found(key: &str) -> AwsError {
    AwsError::new("NotFoundException", 400, format!("Key '{key}' does not exist"))
}

/// Finds a key by ID or ARN in the caller's account and Region.
fn find(call: &Call, key_id: &str) -> AwsResult<String> {
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

/// Authorizes `action` on a key: its key policy must allow it.
fn authorize_key(call: &mut Call, action: &str, arn: &str) -> AwsResult<()> {
    let policy = call.world.kms.keys[arn].policy.clone();
    call.authorize_must_allow(action, arn, "key policy", &policy)
        .map_err(|e| AwsError { code: "AccessDeniedException".into(), ..e })
}

fn metadata(k: &Key) -> Value {
    json!({
        "AWSAccountId": k.account,
        "KeyId": k.id,
        "Arn": k.arn(),
        "CreationDate": crate::clock::format_cli(k.created),
        "Enabled": true,
        "Description": k.description,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": "Enabled",
        "Origin": "AWS_KMS",
        "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": false,
    })
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
    call.authorize("kms:CreateKey", "*").map_err(|e| AwsError { code: "AccessDeniedException".into(), ..e })?;
    let account = call.account();
    let policy = match opt_str(input, "Policy") {
        Some(t) => parse_key_policy(t)?,
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
    let out = json!({ "KeyMetadata": metadata(&key) });
    call.world.kms.insert_key(key);
    Ok(out)
}

fn describe_key(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    authorize_key(call, "kms:DescribeKey", &arn)?;
    Ok(json!({ "KeyMetadata": metadata(&call.world.kms.keys[&arn]) }))
}

fn list_keys(call: &mut Call, _input: &Input) -> AwsResult<Value> {
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

fn put_key_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    policy_name(input)?;
    let text = req_str(input, "Policy")?;
    authorize_key(call, "kms:PutKeyPolicy", &arn)?;
    let policy = parse_key_policy(text)?;
    if !opt_bool(input, "BypassPolicyLockoutSafetyCheck").unwrap_or(false)
        && !keeps_caller_in_control(call, &arn, &policy)
    {
        return Err(AwsError::new("MalformedPolicyDocumentException", 400, LOCKOUT));
    }
    call.world.kms.set_policy(&arn, policy);
    Ok(Value::Null)
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
    let arn = find(call, req_str(input, "KeyId")?)?;
    let plaintext = blob(input, "Plaintext")?;
    check_length("Plaintext", &plaintext, 4096)?;
    authorize_key(call, "kms:Encrypt", &arn)?;
    let ciphertext = call.world.kms.keys[&arn].encrypt(&plaintext);
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
    let arn = find(call, &id)?;
    authorize_key(call, "kms:Decrypt", &arn)?;
    Ok(json!({ "KeyId": arn, "Plaintext": base64_encode(&plaintext), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT" }))
}

const KEY: Param = p("KeyId", Shape::String, true, "the key's ID or ARN");
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
        ("DescribeKey", describe_key, "Describes a key.", [KEY]),
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
            [KEY, p("Plaintext", Shape::BlobValue, true, "the data, in base64 (or fileb://PATH)")]
        ),
        (
            "Decrypt",
            decrypt,
            "Decrypts what Encrypt returned.",
            // Optional in the model (KMS answers a missing one itself): see tests/conformance.rs.
            [p("CiphertextBlob", Shape::BlobValue, false, "what Encrypt returned, in base64 (or fileb://PATH)")]
        ),
    ]
);
