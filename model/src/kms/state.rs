//! KMS's state: customer managed keys, their key states (enabled, disabled, pending deletion),
//! aliases, grants, key policies and the Support cases about unmanageable keys, with the typed
//! changes the operations make. Opening and confirming a case
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

/// A key's state, as `DescribeKey`'s `KeyState` names it
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html>).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyState {
    /// Usable for every operation.
    #[default]
    Enabled,
    /// Not usable in cryptographic operations until enabled again.
    Disabled,
    /// Scheduled for deletion: deleted when the clock passes its deletion date.
    PendingDeletion,
}

impl KeyState {
    /// The name KMS prints.
    pub fn name(self) -> &'static str {
        match self {
            KeyState::Enabled => "Enabled",
            KeyState::Disabled => "Disabled",
            KeyState::PendingDeletion => "PendingDeletion",
        }
    }
}

/// A key's state and, while it is pending deletion, when it will be deleted. Kept beside the
/// key (in [`Kms::status`]) rather than in it, so that a key without an entry is simply enabled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyStatus {
    /// The key state.
    pub state: KeyState,
    /// While pending deletion: the deletion date (epoch seconds) and the waiting period in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion: Option<(i64, i64)>,
}

/// An alias: a friendly name for one key, unique in its account and Region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// The name, `alias/...`.
    pub name: String,
    /// The account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// The ARN of the key it names.
    pub target: String,
    /// When it was created.
    pub created: i64,
    /// When it was last pointed at a key.
    pub updated: i64,
}

impl Alias {
    /// `arn:aws:kms:<region>:<account>:<name>`.
    pub fn arn(&self) -> String {
        alias_arn(&self.region, &self.account, &self.name)
    }
}

/// The ARN of the alias `name` (`alias/...`) in `account` and `region`.
pub fn alias_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:kms:{region}:{account}:{name}")
}

/// A grant: lets its grantee use a key for the listed operations, beside the key policy
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/grants.html>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The grant ID (64 hex digits).
    pub id: String,
    /// The grant token CreateGrant returned (RetireGrant takes it).
    pub token: String,
    /// The ARN of the key.
    pub key: String,
    /// Its friendly name, if given.
    pub name: Option<String>,
    /// The principal the grant lets use the key.
    pub grantee: String,
    /// The principal that may retire the grant, if any.
    pub retiring: Option<String>,
    /// The grant operations (`Encrypt`, `Decrypt`, `DescribeKey`, ...).
    pub operations: Vec<String>,
    /// The encryption context constraints as KMS prints them (`EncryptionContextSubset` or
    /// `EncryptionContextEquals`, each a map of strings), if any.
    pub constraints: Option<BTreeMap<String, BTreeMap<String, String>>>,
    /// The account that created the grant (the key's).
    pub issuing_account: String,
    /// When it was created.
    pub created: i64,
}

/// The KMS service's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kms {
    /// Keys by ARN.
    pub keys: BTreeMap<String, Key>,
    /// Support cases about unmanageable keys, oldest first.
    pub cases: Vec<SupportCase>,
    /// The state of each key that is not simply enabled, by key ARN.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub status: BTreeMap<String, KeyStatus>,
    /// Aliases by alias ARN.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aliases: BTreeMap<String, Alias>,
    /// Grants by grant ID.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub grants: BTreeMap<String, Grant>,
}

impl Kms {
    /// Adds `key` under its ARN.
    pub fn insert_key(&mut self, key: Key) {
        self.keys.insert(key.arn(), key);
    }

    /// The state of the key `arn`.
    pub fn state(&self, arn: &str) -> KeyState {
        self.status.get(arn).map(|s| s.state).unwrap_or_default()
    }

    /// Enables or disables the key `arn` (a key pending deletion is left to the caller to refuse).
    pub fn set_state(&mut self, arn: &str, state: KeyState) {
        if state == KeyState::Enabled {
            self.status.remove(arn);
        } else {
            self.status.insert(arn.to_string(), KeyStatus { state, deletion: None });
        }
    }

    /// Schedules the key `arn` for deletion at `date`, `days` days from now.
    pub fn schedule_deletion(&mut self, arn: &str, date: i64, days: i64) {
        self.status
            .insert(arn.to_string(), KeyStatus { state: KeyState::PendingDeletion, deletion: Some((date, days)) });
    }

    /// Deletes every key whose deletion date is at or before `now`, with its aliases and grants
    /// (AWS deletes a key's aliases and grants with it); returns how many keys went.
    pub fn purge_deleted(&mut self, now: i64) -> usize {
        let gone: Vec<String> = self
            .status
            .iter()
            .filter(|(_, s)| s.deletion.is_some_and(|(date, _)| date <= now))
            .map(|(arn, _)| arn.clone())
            .collect();
        for arn in &gone {
            self.keys.remove(arn);
            self.status.remove(arn);
            self.aliases.retain(|_, a| &a.target != arn);
            self.grants.retain(|_, g| &g.key != arn);
        }
        gone.len()
    }

    /// The aliases that name the key `arn`, by name.
    pub fn aliases_of(&self, arn: &str) -> Vec<&Alias> {
        self.aliases.values().filter(|a| a.target == arn).collect()
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
    use super::*;

    fn key(id: &str) -> Key {
        Key {
            id: id.into(),
            account: "111122223333".into(),
            region: "us-east-1".into(),
            description: String::new(),
            created: 0,
            policy: default_policy("111122223333"),
        }
    }

    #[test]
    fn a_key_is_deleted_only_once_its_date_has_passed_and_takes_its_aliases_and_grants() {
        let mut kms = Kms::default();
        kms.insert_key(key("a"));
        kms.insert_key(key("b"));
        let a = kms.keys.keys().next().unwrap().clone();
        kms.aliases.insert(
            alias_arn("us-east-1", "111122223333", "alias/x"),
            Alias {
                name: "alias/x".into(),
                account: "111122223333".into(),
                region: "us-east-1".into(),
                target: a.clone(),
                created: 0,
                updated: 0,
            },
        );
        kms.schedule_deletion(&a, 100, 7);
        assert_eq!(kms.state(&a), KeyState::PendingDeletion);
        assert_eq!(kms.purge_deleted(99), 0);
        assert!(kms.keys.contains_key(&a));
        assert_eq!(kms.purge_deleted(100), 1);
        assert!(!kms.keys.contains_key(&a) && kms.aliases.is_empty() && kms.status.is_empty());
        assert_eq!(kms.keys.len(), 1);
    }

    #[test]
    fn enabling_a_key_forgets_its_status() {
        let mut kms = Kms::default();
        kms.set_state("k", KeyState::Disabled);
        assert_eq!(kms.state("k"), KeyState::Disabled);
        kms.set_state("k", KeyState::Enabled);
        assert!(kms.status.is_empty());
    }

    #[test]
    fn the_default_policy_grants_the_account() {
        let p = super::default_policy("111122223333");
        assert!(p.text().contains("arn:aws:iam::111122223333:root"));
    }
}
