//! EventBridge's state: the rules on each account's default event bus and their targets, the
//! envelope of a delivered CloudTrail event, and the alerts that fired. The delivery itself
//! (which publishes to SNS) is `crate::world::events`'s.

use crate::error::{AwsError, AwsResult};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The three rule states.
pub const STATES: &[&str] = &["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"];

/// One target of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The target's ID within the rule.
    pub id: String,
    /// The target's ARN (an SNS topic).
    pub arn: String,
}

/// One rule on an account's default event bus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// The rule's name.
    pub name: String,
    /// The owner account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// The event pattern as given (validated when put).
    pub pattern: String,
    /// `ENABLED`, `DISABLED` or `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
    pub state: String,
    /// The description, if any.
    #[serde(default)]
    pub description: Option<String>,
    /// Targets in the order they were put.
    #[serde(default)]
    pub targets: Vec<Target>,
}

impl Rule {
    /// `arn:aws:events:<region>:<account>:rule/<name>`.
    pub fn arn(&self) -> String {
        rule_arn(&self.region, &self.account, &self.name)
    }
}

/// An alert: a rule matched an event and its target was invoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// The rule's ARN.
    pub rule: String,
    /// The CloudTrail event's `eventID`.
    pub event_id: String,
    /// The CloudTrail event's `eventName`.
    pub event_name: String,
    /// Who acted: `userIdentity.type` and ARN.
    pub who: String,
    /// When the event happened (epoch seconds).
    pub time: i64,
    /// The target's ARN.
    pub target: String,
    /// The email addresses that received it (confirmed subscribers of the topic).
    pub delivered_to: Vec<String>,
}

/// The EventBridge state of the world.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Events {
    /// Rules by ARN.
    pub rules: BTreeMap<String, Rule>,
    /// Every alert that fired, oldest first.
    #[serde(default)]
    pub fired: Vec<Alert>,
}

impl Events {
    /// Adds `rule`, or replaces the rule with its ARN. Returns the ARN.
    pub fn put_rule(&mut self, rule: Rule) -> String {
        let arn = rule.arn();
        self.rules.insert(arn.clone(), rule);
        arn
    }

    /// The rule `arn`, to change.
    pub fn rule_mut(&mut self, arn: &str) -> Option<&mut Rule> {
        self.rules.get_mut(arn)
    }

    /// Deletes the rule `arn`, which must have no targets (`ValidationException`). A missing rule
    /// is left missing, as AWS answers its deletion with success.
    pub fn delete_rule(&mut self, arn: &str) -> AwsResult<()> {
        if let Some(rule) = self.rules.get(arn) {
            if !rule.targets.is_empty() {
                return Err(AwsError::new("ValidationException", 400, "Rule can't be deleted since it has targets."));
            }
            self.rules.remove(arn);
        }
        Ok(())
    }
}

impl Rule {
    /// Adds `targets`, each replacing the target with its ID if there is one.
    pub fn put_targets(&mut self, targets: Vec<Target>) {
        for t in targets {
            match self.targets.iter_mut().find(|x| x.id == t.id) {
                Some(x) => *x = t,
                None => self.targets.push(t),
            }
        }
    }

    /// Removes the targets with these IDs.
    pub fn remove_targets(&mut self, ids: &[String]) {
        self.targets.retain(|t| !ids.contains(&t.id));
    }
}

/// `arn:aws:events:<region>:<account>:rule/<name>`.
pub fn rule_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:events:{region}:{account}:rule/{name}")
}

/// EventBridge's envelope around a CloudTrail event, as it reaches rules.
pub fn envelope(ct: &Value, id: &str) -> Value {
    let sign_in = ct["eventType"] == "AwsConsoleSignIn";
    let service = ct["eventSource"].as_str().unwrap_or("").trim_end_matches(".amazonaws.com");
    json!({
        "version": "0",
        "id": id,
        "detail-type": if sign_in { "AWS Console Sign In via CloudTrail" } else { "AWS API Call via CloudTrail" },
        "source": format!("aws.{service}"),
        "account": ct["recipientAccountId"],
        "time": ct["eventTime"],
        "region": ct["awsRegion"],
        "resources": [],
        "detail": ct,
    })
}
