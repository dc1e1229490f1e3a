//! Amazon SNS (`aws sns`): topics and email subscriptions, as far as alerting needs them.
//!
//! This module owns topics, their subscriptions and the rule that an email subscription
//! receives nothing until its owner follows the confirmation link (the token arrives in the
//! endpoint's mailbox, [`crate::mail`]). `publish`, and EventBridge rules whose target is a
//! topic, send the message to every confirmed subscriber's mailbox.
//!
//! Topic policies are not modelled: a topic accepts `publish` from callers its account's
//! policies allow, and EventBridge rules of the same account may always publish to it (AWS
//! requires the topic policy to allow `events.amazonaws.com`; see docs/rules.md MON-SNS-TOPIC-POLICY).

use crate::error::{AwsError, AwsResult};
use crate::mail::Email;
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Param, Shape};
use crate::world::World;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Input = Map<String, Value>;

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
}

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
}

impl Topic {
    /// `arn:aws:sns:<region>:<account>:<name>`.
    pub fn arn(&self) -> String {
        format!("arn:aws:sns:{}:{}:{}", self.region, self.account, self.name)
    }
}

/// The SNS state: topics by ARN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sns {
    /// Topics by ARN.
    pub topics: BTreeMap<String, Topic>,
}

fn invalid(what: &str) -> AwsError {
    AwsError::new("InvalidParameter", 400, format!("Invalid parameter: {what}"))
}

fn not_found() -> AwsError {
    AwsError::new("NotFound", 404, "Topic does not exist")
}

/// The topic `arn` in the caller's Region, or `NotFound`.
fn find(call: &Call, arn: &str) -> AwsResult<()> {
    if call.world.sns.topics.contains_key(arn) {
        Ok(())
    } else {
        Err(not_found())
    }
}

fn uuid(call: &mut Call) -> String {
    let h = call.world.rng.lower_hex(32);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn create_topic(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "Name")?;
    if !(1..=256).contains(&name.len()) || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(invalid("Topic Name"));
    }
    let topic = Topic {
        name: name.to_string(),
        account: call.caller.account.clone(),
        region: call.region.clone(),
        subscriptions: Vec::new(),
    };
    let arn = topic.arn();
    call.authorize("sns:CreateTopic", &arn)?;
    // Creating an existing topic returns it unchanged, as SNS does.
    call.world.sns.topics.entry(arn.clone()).or_insert(topic);
    Ok(json!({ "TopicArn": arn }))
}

fn list_topics(call: &mut Call, _: &Input) -> AwsResult<Value> {
    call.authorize("sns:ListTopics", "*")?;
    let (account, region) = (call.caller.account.clone(), call.region.clone());
    let topics: Vec<Value> = call
        .world
        .sns
        .topics
        .values()
        .filter(|t| t.account == account && t.region == region)
        .map(|t| json!({ "TopicArn": t.arn() }))
        .collect();
    Ok(json!({ "Topics": topics }))
}

fn delete_topic(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = req_str(input, "TopicArn")?;
    call.authorize("sns:DeleteTopic", arn)?;
    // SNS answers the deletion of a missing topic with success.
    call.world.sns.topics.remove(arn);
    Ok(Value::Null)
}

fn subscribe(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = req_str(input, "TopicArn")?.to_string();
    let protocol = req_str(input, "Protocol")?;
    let endpoint = opt_str(input, "NotificationEndpoint").unwrap_or("");
    call.authorize("sns:Subscribe", &arn)?;
    find(call, &arn)?;
    if protocol != "email" {
        return Err(invalid("Protocol: rootsim models email subscriptions only"));
    }
    let (local, domain) = endpoint.split_once('@').unwrap_or(("", ""));
    if local.is_empty() || !domain.contains('.') {
        return Err(invalid("Email address"));
    }
    let topic = &call.world.sns.topics[&arn];
    if let Some(s) = topic.subscriptions.iter().find(|s| s.endpoint.eq_ignore_ascii_case(endpoint)) {
        let shown = if s.confirmed { s.arn.clone() } else { "pending confirmation".into() };
        return Ok(json!({ "SubscriptionArn": shown }));
    }
    let sub_arn = format!("{arn}:{}", uuid(call));
    let token = call.world.rng.lower_hex(64);
    let name = call.world.sns.topics[&arn].name.clone();
    let sub = Subscription {
        arn: sub_arn,
        protocol: protocol.to_string(),
        endpoint: endpoint.to_string(),
        owner: call.caller.account.clone(),
        confirmed: false,
        token: token.clone(),
    };
    call.world.sns.topics.get_mut(&arn).expect("found above").subscriptions.push(sub);
    let now = call.now();
    call.world.mail.send(
        endpoint,
        Email {
            time: now,
            from: SENDER.into(),
            subject: "AWS Notification - Subscription Confirmation".into(),
            body: format!(
                "You have chosen to subscribe to the topic:\n{arn}\n\nTo confirm this subscription, follow the link (or run `aws sns confirm-subscription --topic-arn {arn} --token {token}`).\nTopic: {name}"
            ),
            code: Some(token),
        },
    );
    Ok(json!({ "SubscriptionArn": "pending confirmation" }))
}

fn confirm_subscription(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = req_str(input, "TopicArn")?.to_string();
    let token = req_str(input, "Token")?;
    call.authorize("sns:ConfirmSubscription", &arn)?;
    find(call, &arn)?;
    let topic = call.world.sns.topics.get_mut(&arn).expect("found above");
    let Some(sub) = topic.subscriptions.iter_mut().find(|s| s.token == token) else {
        return Err(invalid("Token"));
    };
    sub.confirmed = true;
    Ok(json!({ "SubscriptionArn": sub.arn }))
}

fn subscription_json(t: &Topic, s: &Subscription) -> Value {
    json!({
        "SubscriptionArn": if s.confirmed { s.arn.as_str() } else { "PendingConfirmation" },
        "Owner": s.owner,
        "Protocol": s.protocol,
        "Endpoint": s.endpoint,
        "TopicArn": t.arn(),
    })
}

fn list_subscriptions(call: &mut Call, _: &Input) -> AwsResult<Value> {
    call.authorize("sns:ListSubscriptions", "*")?;
    let (account, region) = (call.caller.account.clone(), call.region.clone());
    let subs: Vec<Value> = call
        .world
        .sns
        .topics
        .values()
        .filter(|t| t.region == region)
        .flat_map(|t| t.subscriptions.iter().filter(|s| s.owner == account).map(move |s| subscription_json(t, s)))
        .collect();
    Ok(json!({ "Subscriptions": subs }))
}

fn list_subscriptions_by_topic(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = req_str(input, "TopicArn")?;
    call.authorize("sns:ListSubscriptionsByTopic", arn)?;
    find(call, arn)?;
    let t = &call.world.sns.topics[arn];
    let subs: Vec<Value> = t.subscriptions.iter().map(|s| subscription_json(t, s)).collect();
    Ok(json!({ "Subscriptions": subs }))
}

fn publish(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = req_str(input, "TopicArn")?.to_string();
    let message = req_str(input, "Message")?.to_string();
    let subject = opt_str(input, "Subject").map(str::to_string);
    call.authorize("sns:Publish", &arn)?;
    find(call, &arn)?;
    if message.is_empty() {
        return Err(invalid("Empty message"));
    }
    let id = uuid(call);
    let account = call.caller.account.clone();
    call.world.sns_deliver(&arn, &account, subject.as_deref(), &message);
    Ok(json!({ "MessageId": id }))
}

impl World {
    /// Sends `message` from the topic `arn` to its confirmed email subscribers, if the topic
    /// exists and belongs to `account` (EventBridge and the topic must share an account in
    /// rootsim). Returns the addresses reached.
    pub fn sns_deliver(&mut self, arn: &str, account: &str, subject: Option<&str>, message: &str) -> Vec<String> {
        let Some(topic) = self.sns.topics.get(arn).filter(|t| t.account == account) else { return Vec::new() };
        let to: Vec<String> = topic.subscriptions.iter().filter(|s| s.confirmed).map(|s| s.endpoint.clone()).collect();
        // SNS's default subject for email.
        let subject = subject.unwrap_or("AWS Notification Message").to_string();
        let now = self.clock.now();
        for address in &to {
            self.mail.send(
                address,
                Email {
                    time: now,
                    from: SENDER.into(),
                    subject: subject.clone(),
                    body: message.to_string(),
                    code: None,
                },
            );
        }
        to
    }
}

const TOPIC: Param = p("TopicArn", Shape::String, true, "the topic's ARN");

/// SNS's operations (`aws sns ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "sns",
    [
        (
            "CreateTopic",
            create_topic,
            "Creates a topic (or returns the existing one).",
            [p("Name", Shape::String, true, "1 to 256 letters, digits, - and _")]
        ),
        ("ListTopics", list_topics, "Lists the account's topics in the Region.", []),
        ("DeleteTopic", delete_topic, "Deletes a topic and its subscriptions.", [TOPIC]),
        (
            "Subscribe",
            subscribe,
            "Subscribes an email address; it receives a confirmation link first.",
            [
                TOPIC,
                p("Protocol", Shape::String, true, "email"),
                p("NotificationEndpoint", Shape::String, false, "the email address"),
            ]
        ),
        (
            "ConfirmSubscription",
            confirm_subscription,
            "Confirms a subscription with the token from the confirmation email.",
            [TOPIC, p("Token", Shape::String, true, "the token from the email")]
        ),
        ("ListSubscriptions", list_subscriptions, "Lists the account's subscriptions in the Region.", []),
        ("ListSubscriptionsByTopic", list_subscriptions_by_topic, "Lists a topic's subscriptions.", [TOPIC]),
        (
            "Publish",
            publish,
            "Sends a message to the topic's confirmed subscribers.",
            [
                TOPIC,
                p("Message", Shape::String, true, "the message"),
                p("Subject", Shape::String, false, "the email subject")
            ]
        ),
    ]
);
