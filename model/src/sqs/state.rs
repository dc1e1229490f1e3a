//! SQS's state: queues, their attributes and queue policies, and their messages, with the typed
//! changes the operations make.

use crate::error::{AwsError, AwsResult};
use rootsim_policy::{Policy, PolicyKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One message in a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The message ID (a UUID).
    pub id: String,
    /// The body.
    pub body: String,
    /// When it was sent.
    pub sent: i64,
    /// Until when it stays invisible (delay, or the visibility timeout after a receive).
    pub visible_at: i64,
    /// How many times it was received.
    pub receive_count: u32,
    /// The receipt handle of the last receive, for `delete-message`.
    #[serde(default)]
    pub receipt_handle: Option<String>,
}

/// One standard queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    /// The name.
    pub name: String,
    /// The owner account's ID.
    pub account: String,
    /// The Region.
    pub region: String,
    /// When it was created.
    pub created: i64,
    /// When its attributes last changed.
    pub modified: i64,
    /// The queue policy (`Policy` attribute).
    #[serde(default)]
    pub policy: Option<Policy>,
    /// The settable numeric attributes, by name (`VisibilityTimeout`, `DelaySeconds`, ...).
    pub attributes: BTreeMap<String, String>,
    /// Messages, oldest first.
    #[serde(default)]
    pub messages: Vec<Message>,
}

impl Queue {
    /// `arn:aws:sqs:<region>:<account>:<name>`.
    pub fn arn(&self) -> String {
        queue_arn(&self.region, &self.account, &self.name)
    }

    /// `https://sqs.<region>.amazonaws.com/<account>/<name>`.
    pub fn url(&self) -> String {
        format!("https://sqs.{}.amazonaws.com/{}/{}", self.region, self.account, self.name)
    }

    /// The numeric attribute `name` (0 when it is not set or not a number).
    pub fn attr(&self, name: &str) -> i64 {
        self.attributes.get(name).and_then(|v| v.parse().ok()).unwrap_or(0)
    }

    /// A new queue with every settable attribute at its default, then `changes` applied.
    pub fn new(name: &str, account: &str, region: &str, now: i64, changes: AttributeChanges) -> Queue {
        let mut attributes: BTreeMap<String, String> =
            SETTABLE.iter().map(|(n, default, ..)| (n.to_string(), default.to_string())).collect();
        attributes.extend(changes.numbers);
        Queue {
            name: name.to_string(),
            account: account.to_string(),
            region: region.to_string(),
            created: now,
            modified: now,
            policy: changes.policy.flatten(),
            attributes,
            messages: Vec::new(),
        }
    }

    /// The first attribute that `changes` would give a different value, if any: creating an
    /// existing queue is idempotent only when none differs.
    pub fn differing_attribute<'c>(&self, changes: &'c AttributeChanges) -> Option<&'c str> {
        let differs =
            changes.numbers.iter().find(|(k, v)| self.attributes.get(*k) != Some(*v)).map(|(k, _)| k.as_str());
        let policy_differs = changes
            .policy
            .as_ref()
            .is_some_and(|p| p.as_ref().map(Policy::text) != self.policy.as_ref().map(Policy::text));
        differs.or(policy_differs.then_some("Policy"))
    }

    /// Applies checked attribute changes at `now`.
    pub fn apply(&mut self, changes: AttributeChanges, now: i64) {
        self.attributes.extend(changes.numbers);
        if let Some(p) = changes.policy {
            self.policy = p;
        }
        self.modified = now;
    }

    /// The indexes of up to `max` messages visible at `now`, oldest first.
    pub fn visible(&self, now: i64, max: usize) -> Vec<usize> {
        self.messages.iter().enumerate().filter(|(_, m)| m.visible_at <= now).map(|(i, _)| i).take(max).collect()
    }

    /// Receives message `i`: it stays invisible until `until` and gets the receipt `handle`.
    pub fn receive(&mut self, i: usize, until: i64, handle: String) -> &Message {
        let m = &mut self.messages[i];
        m.visible_at = until;
        m.receive_count += 1;
        m.receipt_handle = Some(handle);
        m
    }

    /// Deletes the message last received with `handle` (`ReceiptHandleIsInvalid` when none was).
    pub fn delete_message(&mut self, handle: &str) -> AwsResult<()> {
        let before = self.messages.len();
        self.messages.retain(|m| m.receipt_handle.as_deref() != Some(handle));
        if self.messages.len() == before {
            return Err(AwsError::new(
                "ReceiptHandleIsInvalid",
                400,
                format!("The input receipt handle \"{handle}\" is not a valid receipt handle."),
            ));
        }
        Ok(())
    }
}

/// The SQS state: queues of every account and Region, by ARN.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sqs {
    /// Queues by ARN.
    pub queues: BTreeMap<String, Queue>,
}

impl Sqs {
    /// A queue's owner account and its queue policy, named as decisions name it (`on queue
    /// NAME`): what a request on the queue is decided with. `None` when there is no queue with
    /// this ARN.
    pub fn queue_policy(&self, arn: &str) -> Option<(String, Option<(String, Policy)>)> {
        let q = self.queues.get(arn)?;
        Some((q.account.clone(), q.policy.clone().map(|p| (format!("on queue {}", q.name), p))))
    }

    /// Adds `queue` under its ARN.
    pub fn insert_queue(&mut self, queue: Queue) {
        self.queues.insert(queue.arn(), queue);
    }

    /// Deletes the queue `arn` and its messages.
    pub fn delete_queue(&mut self, arn: &str) {
        self.queues.remove(arn);
    }

    /// The queue with this ARN (`AWS.SimpleQueueService.NonExistentQueue` when there is none).
    pub fn queue_mut(&mut self, arn: &str) -> AwsResult<&mut Queue> {
        self.queues.get_mut(arn).ok_or_else(non_existent)
    }
}

/// `arn:aws:sqs:<region>:<account>:<name>`.
pub fn queue_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:sqs:{region}:{account}:{name}")
}

/// Whether `name` is a valid standard queue name: 1 to 80 letters, digits, `-` and `_`.
pub fn valid_queue_name(name: &str) -> bool {
    (1..=80).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The attributes a queue can be given, with their defaults and allowed ranges.
pub(crate) const SETTABLE: &[(&str, i64, i64, i64)] = &[
    ("DelaySeconds", 0, 0, 900),
    ("MaximumMessageSize", 262_144, 1024, 262_144),
    ("MessageRetentionPeriod", 345_600, 60, 1_209_600),
    ("ReceiveMessageWaitTimeSeconds", 0, 0, 20),
    ("VisibilityTimeout", 30, 0, 43_200),
];

/// `AWS.SimpleQueueService.NonExistentQueue`.
pub(crate) fn non_existent() -> AwsError {
    AwsError::new("AWS.SimpleQueueService.NonExistentQueue", 400, "The specified queue does not exist.")
}

/// `InvalidAttributeValue` for the attribute `name`.
pub(crate) fn invalid_value(name: &str) -> AwsError {
    AwsError::new("InvalidAttributeValue", 400, format!("Invalid value for the parameter {name}."))
}

/// `InvalidAttributeName` for the attribute `name`.
pub(crate) fn unknown_attribute(name: &str) -> AwsError {
    AwsError::new("InvalidAttributeName", 400, format!("Unknown Attribute {name}."))
}

/// A checked set of attribute changes: numeric values in range, a valid policy (`None` inside
/// means "remove the policy": SQS removes it when `Policy` is set to an empty string).
#[derive(Debug, Clone, Default)]
pub struct AttributeChanges {
    /// The numeric attributes to set, by name.
    pub numbers: BTreeMap<String, String>,
    /// The policy to set (`Some(Some(_))`) or remove (`Some(None)`); `None` leaves it as it is.
    pub policy: Option<Option<Policy>>,
}

/// Checks attribute values as SQS does: only settable attributes and `Policy`, numbers within
/// their ranges (`InvalidAttributeValue`, `InvalidAttributeName`), a valid resource policy.
pub fn check_attributes(attrs: &BTreeMap<String, String>) -> AwsResult<AttributeChanges> {
    let mut changes = AttributeChanges { numbers: BTreeMap::new(), policy: None };
    for (k, v) in attrs {
        if k == "Policy" {
            let policy = if v.trim().is_empty() {
                None
            } else {
                Some(Policy::parse(v, PolicyKind::Resource).map_err(|e| {
                    invalid_value("Policy")
                        .with_hint(format!("  at line {}, column {}: {}", e.line, e.column, e.detail))
                })?)
            };
            changes.policy = Some(policy);
            continue;
        }
        let Some(&(_, _, min, max)) = SETTABLE.iter().find(|(n, ..)| n == k) else {
            return Err(unknown_attribute(k));
        };
        match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => {
                changes.numbers.insert(k.clone(), n.to_string());
            }
            _ => return Err(invalid_value(k)),
        }
    }
    Ok(changes)
}
