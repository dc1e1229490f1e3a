//! SNS's state: topics and their email subscriptions, with the typed changes the operations
//! make. The delivery of a message to a topic's confirmed subscribers writes to their mailboxes
//! and is `crate::world::sns`'s.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The sender of every SNS email.
pub const SENDER: &str = "no-reply@sns.amazonaws.com";

/// One subscription of a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// The subscription ARN (known from the start; shown only once confirmed).
    pub arn: String,
    /// `email`.
    pub protocol: String,
    /// The email address.
    pub endpoint: String,
    /// The account that subscribed.
    pub owner: String,
    /// Whether the endpoint's owner confirmed it.
    pub confirmed: bool,
    /// The token the confirmation link carries.
    pub token: String,
    /// When the token stops working ([`CONFIRMATION_TOKEN_SECONDS`] after it was sent). `None`
    /// (a world saved before tokens expired) counts as expired: rootsim fails closed.
    #[serde(default)]
    pub token_expires: Option<i64>,
}

impl Subscription {
    /// Whether its confirmation token still works at `now`.
    pub fn token_valid(&self, now: i64) -> bool {
        self.token_expires.is_some_and(|end| now < end)
    }
}

/// How long a confirmation token works: "Confirmation tokens are valid for two days"
/// (<https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html>).
pub const CONFIRMATION_TOKEN_SECONDS: i64 = 2 * 86_400;

/// One topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    /// The topic name.
    pub name: String,
    /// The owner account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// Subscriptions, oldest first.
    #[serde(default)]
    pub subscriptions: Vec<Subscription>,
    /// The topic policy's text, once `SetTopicAttributes` set one; `None` is the policy every
    /// new topic gets ([`Topic::default_policy`]).
    #[serde(default)]
    pub policy: Option<String>,
}

impl Topic {
    /// `arn:aws:sns:<region>:<account>:<name>`.
    pub fn arn(&self) -> String {
        format!("arn:aws:sns:{}:{}:{}", self.region, self.account, self.name)
    }

    /// The policy SNS gives a new topic: principals of the owner's account (`AWS:SourceOwner`)
    /// may manage, subscribe to and publish to it; nobody else, no service principal such as
    /// EventBridge's (<https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html>).
    pub fn default_policy(&self) -> String {
        let (arn, account) = (self.arn(), &self.account);
        format!(
            r#"{{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"{arn}","Condition":{{"StringEquals":{{"AWS:SourceOwner":"{account}"}}}}}}]}}"#
        )
    }

    /// The topic policy in force: the one set, or the default.
    pub fn policy_text(&self) -> String {
        self.policy.clone().unwrap_or_else(|| self.default_policy())
    }
}

/// The SNS state: topics by ARN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sns {
    /// Topics by ARN.
    pub topics: BTreeMap<String, Topic>,
}

impl Sns {
    /// Adds `topic` unless a topic with its ARN exists (SNS returns the existing one unchanged).
    /// Returns the topic's ARN.
    pub fn create_topic(&mut self, topic: Topic) -> String {
        let arn = topic.arn();
        self.topics.entry(arn.clone()).or_insert(topic);
        arn
    }

    /// Deletes the topic `arn` and its subscriptions (a missing topic is left missing).
    pub fn delete_topic(&mut self, arn: &str) {
        self.topics.remove(arn);
    }

    /// Adds `subscription` to the topic `arn`, if it exists.
    pub fn subscribe(&mut self, arn: &str, subscription: Subscription) {
        if let Some(t) = self.topics.get_mut(arn) {
            t.subscriptions.push(subscription);
        }
    }

    /// Confirms the subscription of the topic `arn` whose confirmation carries `token`, while the
    /// token works at `now` (a confirmed subscription stays confirmed); `None` when the topic has
    /// no such subscription or its token expired.
    pub fn confirm(&mut self, arn: &str, token: &str, now: i64) -> Option<&Subscription> {
        let sub = self.topics.get_mut(arn)?.subscriptions.iter_mut().find(|s| s.token == token)?;
        if !sub.confirmed && !sub.token_valid(now) {
            return None;
        }
        sub.confirmed = true;
        Some(sub)
    }

    /// Gives the pending subscription of the topic `arn` at index `i` a new `token`, working until
    /// `expires` (a repeated Subscribe after the old token expired).
    pub fn renew_token(&mut self, arn: &str, i: usize, token: String, expires: i64) {
        if let Some(sub) = self.topics.get_mut(arn).and_then(|t| t.subscriptions.get_mut(i)) {
            sub.token = token;
            sub.token_expires = Some(expires);
        }
    }
}

/// Whether `name` is a valid topic name: 1 to 256 letters, digits, `-` and `_`.
pub fn valid_topic_name(name: &str) -> bool {
    (1..=256).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
