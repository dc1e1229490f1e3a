//! KMS: customer managed keys, their key policies, and the Support case that recovers a key
//! nobody can manage.
//!
//! A key policy must itself allow every use of the key: IAM policies alone are not enough, and
//! the root user is not exempt (facts §5.4). AWS's default key policy grants the account, which
//! lets IAM policies decide. A policy that lets nobody manage the key makes it unmanageable;
//! recovery goes through AWS Support, which calls the root user's primary phone and has the
//! caller confirm the ticket's one-time code (facts §3.5); the key policy is then reset.

use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_bool, opt_str, req_str, Call, Operation, Param, Shape};
use rootsim_policy::{Policy, PolicyKind};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Input = Map<String, Value>;

/// One customer managed key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Key {
    /// The key ID (a UUID).
    pub id: String,
    /// The owner account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// Its description.
    pub description: String,
    /// When it was created.
    pub created: i64,
    /// The key policy (`default` is its only name).
    pub policy: Policy,
}

impl Key {
    /// `arn:aws:kms:<region>:<account>:key/<id>`.
    pub fn arn(&self) -> String {
        format!("arn:aws:kms:{}:{}:key/{}", self.region, self.account, self.id)
    }
}

/// A Support case to recover an unmanageable key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportCase {
    /// The case number.
    pub id: String,
    /// The key's ARN.
    pub key_arn: String,
    /// The account.
    pub account: String,
    /// The ticket's one-time code, which the person at the root user's phone confirms.
    pub otp: String,
    /// Whether Support has reset the key policy.
    pub resolved: bool,
}

/// The KMS service's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kms {
    /// Keys by ARN.
    pub keys: BTreeMap<String, Key>,
    /// Support cases about unmanageable keys, oldest first.
    pub cases: Vec<SupportCase>,
}

/// AWS's default key policy: the account (and so IAM policies) may do everything with the key.
pub fn default_policy(account: &str) -> Policy {
    let text = format!(
        r#"{{"Version":"2012-10-17","Id":"key-default-1","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    );
    Policy::parse(&text, PolicyKind::Resource).expect("the default key policy is valid")
}

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

fn parse_key_policy(text: &str) -> AwsResult<Policy> {
    Policy::parse(text, PolicyKind::Resource).map_err(|e| {
        AwsError::new("MalformedPolicyDocumentException", 400, e.message.clone())
            .with_hint(format!("  at line {}, column {}: {}", e.line, e.column, e.detail))
    })
}

/// KMS's lockout safety check: would the caller still be allowed to change the key policy?
fn keeps_caller_in_control(call: &Call, arn: &str, policy: &Policy) -> bool {
    call.world
        .authorize(&call.caller, &call.region, "kms:PutKeyPolicy", arn, Some(("key policy", policy)), true)
        .decision
        .is_allowed()
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
    call.world.kms.keys.insert(arn, key);
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
    call.world.kms.keys.get_mut(&arn).expect("found above").policy = policy;
    Ok(Value::Null)
}

fn encrypt(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "KeyId")?)?;
    let plaintext = req_str(input, "Plaintext")?;
    authorize_key(call, "kms:Encrypt", &arn)?;
    // Not cryptography: a reversible, key-tagged encoding, enough to show who may use the key.
    let blob: String =
        format!("{}:{plaintext}", call.world.kms.keys[&arn].id).bytes().map(|b| format!("{b:02x}")).collect();
    Ok(json!({ "CiphertextBlob": blob, "KeyId": arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT" }))
}

fn decrypt(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let blob = req_str(input, "CiphertextBlob")?;
    let invalid = || AwsError::new("InvalidCiphertextException", 400, "The ciphertext is not valid.");
    let bytes: Option<Vec<u8>> =
        (0..blob.len()).step_by(2).map(|i| blob.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    let text = bytes.and_then(|b| String::from_utf8(b).ok()).ok_or_else(invalid)?;
    let (id, plaintext) = text.split_once(':').ok_or_else(invalid)?;
    let arn = find(call, id)?;
    authorize_key(call, "kms:Decrypt", &arn)?;
    Ok(json!({ "KeyId": arn, "Plaintext": plaintext, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT" }))
}

/// Opens a Support case about an unmanageable key; returns (case id, phone called, code).
pub fn open_case(
    world: &mut crate::world::World,
    account: &str,
    key_arn: &str,
) -> Result<(String, String, String), String> {
    let key = world.kms.keys.get(key_arn).ok_or_else(|| format!("Key '{key_arn}' does not exist"))?;
    if key.account != account {
        return Err(format!("Key '{key_arn}' belongs to another account; open the case from account {}.", key.account));
    }
    let phone = world.accounts.get(account).map(|a| a.contact.phone_number.clone()).unwrap_or_default();
    if phone.is_empty() {
        return Err(
            "The account has no primary phone number, so Support cannot reach the root user: set one first.".into()
        );
    }
    let id = world.rng.digits(10);
    let otp = world.rng.digits(6);
    world.kms.cases.push(SupportCase {
        id: id.clone(),
        key_arn: key_arn.to_string(),
        account: account.to_string(),
        otp: otp.clone(),
        resolved: false,
    });
    let now = world.clock.now();
    world.mail.call(
        &phone,
        crate::mail::PhoneMessage {
            time: now,
            from: "AWS Support".into(),
            text: format!(
                "AWS Support calling about case {id}, the recovery of a KMS key of account {account}. To authorize it, key in the one-time code from the ticket."
            ),
        },
    );
    Ok((id, phone, otp))
}

/// The person at `phone` keys in `code` for an open Support case: on a match, Support resets the
/// key policy to the default one. `None` when no case is waiting on that phone.
pub fn confirm_case(world: &mut crate::world::World, phone: &str, code: &str) -> Option<Result<String, String>> {
    let accounts: Vec<String> =
        world.accounts.by_id.values().filter(|a| a.contact.phone_number == phone).map(|a| a.id.clone()).collect();
    let i = world.kms.cases.iter().position(|c| !c.resolved && accounts.contains(&c.account))?;
    if world.kms.cases[i].otp != code {
        return Some(Err("The code does not match the ticket's one-time code.".into()));
    }
    let case = &mut world.kms.cases[i];
    case.resolved = true;
    let (arn, account, id) = (case.key_arn.clone(), case.account.clone(), case.id.clone());
    if let Some(k) = world.kms.keys.get_mut(&arn) {
        k.policy = default_policy(&account);
    }
    Some(Ok(format!("AWS Support confirmed case {id} and reset the key policy of {arn} to the default policy: the account can manage the key again.")))
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
            [KEY, p("Plaintext", Shape::String, true, "the text")]
        ),
        (
            "Decrypt",
            decrypt,
            "Decrypts what Encrypt returned.",
            [p("CiphertextBlob", Shape::String, true, "the ciphertext")]
        ),
    ]
);

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_policy_grants_the_account() {
        let p = super::default_policy("111122223333");
        assert!(p.text().contains("arn:aws:iam::111122223333:root"));
    }
}
