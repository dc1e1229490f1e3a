//! KMS's state: customer managed keys, their key policies and the Support cases about
//! unmanageable keys, with the typed changes the operations make. Opening and confirming a case
//! reaches the account's phone and is `crate::world::kms`'s.

use crate::error::{AwsError, AwsResult};
use rootsim_policy::{Policy, PolicyKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

    /// The ciphertext of `plaintext` under this key. Not cryptography: a reversible, key-tagged
    /// encoding (the key ID, `:`, the plaintext's bytes), enough to show who may use the key.
    pub fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        let mut out = format!("{}:", self.id).into_bytes();
        out.extend_from_slice(plaintext);
        out
    }
}

/// The key ID and plaintext of a ciphertext [`Key::encrypt`] made, `None` when it is not one.
pub fn decode_ciphertext(blob: &[u8]) -> Option<(String, Vec<u8>)> {
    let colon = blob.iter().position(|&b| b == b':')?;
    let id = std::str::from_utf8(&blob[..colon]).ok()?;
    Some((id.to_string(), blob[colon + 1..].to_vec()))
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

impl Kms {
    /// Adds `key` under its ARN.
    pub fn insert_key(&mut self, key: Key) {
        self.keys.insert(key.arn(), key);
    }

    /// Replaces the key policy of the key `arn`, if it exists.
    pub fn set_policy(&mut self, arn: &str, policy: Policy) {
        if let Some(k) = self.keys.get_mut(arn) {
            k.policy = policy;
        }
    }
}

/// AWS's default key policy: the account (and so IAM policies) may do everything with the key.
pub fn default_policy(account: &str) -> Policy {
    let text = format!(
        r#"{{"Version":"2012-10-17","Id":"key-default-1","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    );
    Policy::parse(&text, PolicyKind::Resource).expect("the default key policy is valid")
}

/// Parses a key policy (`MalformedPolicyDocumentException` when it is not a valid resource
/// policy).
pub fn parse_key_policy(text: &str) -> AwsResult<Policy> {
    Policy::parse(text, PolicyKind::Resource).map_err(|e| {
        AwsError::new("MalformedPolicyDocumentException", 400, e.message.clone())
            .with_hint(format!("  at line {}, column {}: {}", e.line, e.column, e.detail))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_policy_grants_the_account() {
        let p = super::default_policy("111122223333");
        assert!(p.text().contains("arn:aws:iam::111122223333:root"));
    }
}
