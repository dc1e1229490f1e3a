//! SNS's operations: each reads its parameters, authorizes the call, changes the topics through
//! their typed methods (`state.rs`, re-exported by [`super`]) and renders SNS's response.

use super::state::{valid_topic_name, Subscription, Topic, CONFIRMATION_TOKEN_SECONDS, SENDER};
use crate::error::{AwsError, AwsResult};
use crate::mail::Email;
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

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
    if !valid_topic_name(name) {
        return Err(invalid("Topic Name"));
    }
    let topic = Topic {
        name: name.to_string(),
        account: call.caller.account.clone(),
        region: call.region.clone(),
        subscriptions: Vec::new(),
        policy: None,
    };
    call.authorize("sns:CreateTopic", &topic.arn())?;
    // Creating an existing topic returns it unchanged, as SNS does.
    let arn = call.world.sns.create_topic(topic);
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
    call.world.sns.delete_topic(arn);
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
    let now = call.now();
    let expires = now + CONFIRMATION_TOKEN_SECONDS;
    let name = topic.name.clone();
    let existing = topic.subscriptions.iter().position(|s| s.endpoint.eq_ignore_ascii_case(endpoint));
    let token = match existing.map(|i| (i, &topic.subscriptions[i])) {
        Some((_, s)) if s.confirmed => return Ok(json!({ "SubscriptionArn": s.arn })),
        // Still pending with a working token: nothing new is sent.
        Some((_, s)) if s.token_valid(now) => return Ok(json!({ "SubscriptionArn": "pending confirmation" })),
        // Pending with an expired token: a new confirmation with a new token.
        Some((i, _)) => {
            let token = call.world.rng.lower_hex(64);
            call.world.sns.renew_token(&arn, i, token.clone(), expires);
            token
        }
        None => {
            let sub_arn = format!("{arn}:{}", uuid(call));
            let token = call.world.rng.lower_hex(64);
            let sub = Subscription {
                arn: sub_arn,
                protocol: protocol.to_string(),
                endpoint: endpoint.to_string(),
                owner: call.caller.account.clone(),
                confirmed: false,
                token: token.clone(),
                token_expires: Some(expires),
            };
            call.world.sns.subscribe(&arn, sub);
            token
        }
    };
    call.world.mail.send(
        endpoint,
        Email {
            time: now,
            from: SENDER.into(),
            subject: "AWS Notification - Subscription Confirmation".into(),
            body: format!(
                "You have chosen to subscribe to the topic:\n{arn}\n\nTo confirm this subscription, follow the link (or run `aws sns confirm-subscription --topic-arn {arn} --token {token}`) within two days.\nTopic: {name}"
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
    // A wrong token and one past its two days are refused alike.
    let now = call.now();
    let sub = call.world.sns.confirm(&arn, token, now).ok_or_else(|| invalid("Token"))?;
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
    let arn = opt_str(input, "TopicArn")
        .ok_or_else(|| invalid("TopicArn or TargetArn Reason: no value for required parameter"))?
        .to_string();
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

/// `aws sns get-topic-attributes`: the topic's policy, owner and subscription counts.
/// **Simulator assumption**: the attributes of an email-only topic (no `EffectiveDeliveryPolicy`,
/// `DisplayName` always empty).
fn get_topic_attributes(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = req_str(input, "TopicArn")?;
    call.authorize("sns:GetTopicAttributes", arn)?;
    find(call, arn)?;
    let t = &call.world.sns.topics[arn];
    let count = |confirmed: bool| t.subscriptions.iter().filter(|s| s.confirmed == confirmed).count().to_string();
    Ok(json!({ "Attributes": {
        "Policy": t.policy_text(),
        "Owner": t.account,
        "SubscriptionsPending": count(false),
        "TopicArn": t.arn(),
        "SubscriptionsConfirmed": count(true),
        "DisplayName": "",
        "SubscriptionsDeleted": "0",
    } }))
}

/// `aws sns set-topic-attributes --attribute-name Policy --attribute-value JSON`: replaces the
/// topic policy, which decides who else may use the topic, EventBridge included (rule
/// MON-SNS-TOPIC-POLICY). rootsim sets no other attribute.
fn set_topic_attributes(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = req_str(input, "TopicArn")?.to_string();
    let name = req_str(input, "AttributeName")?;
    let value = opt_str(input, "AttributeValue").unwrap_or("");
    call.authorize("sns:SetTopicAttributes", &arn)?;
    find(call, &arn)?;
    if name != "Policy" {
        return Err(invalid("AttributeName: rootsim sets the Policy attribute only"));
    }
    let policy = rootsim_policy::Policy::parse(value, rootsim_policy::PolicyKind::Resource).map_err(|e| {
        AwsError::new("InvalidParameter", 400, format!("Invalid parameter: Policy Error: {}", e.message))
    })?;
    // SNS resolves the principals too (rule IAM-POLICY-PRINCIPAL-EXISTS).
    if let Some(v) = call.world.missing_principal(&policy) {
        return Err(AwsError::new("InvalidParameter", 400, "Invalid parameter: Policy Error: PrincipalNotFound")
            .with_hint(format!("  {v} names no existing IAM user or role")));
    }
    if let Some(t) = call.world.sns.topics.get_mut(&arn) {
        t.policy = Some(value.to_string());
    }
    Ok(Value::Null)
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
        ("GetTopicAttributes", get_topic_attributes, "Shows a topic's policy, owner and subscription counts.", [TOPIC]),
        (
            "SetTopicAttributes",
            set_topic_attributes,
            "Sets a topic attribute: Policy, the topic policy (who else may publish, EventBridge included).",
            [
                TOPIC,
                p("AttributeName", Shape::String, true, "Policy"),
                p("AttributeValue", Shape::String, false, "the topic policy (JSON)"),
            ]
        ),
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
                // Optional in the model: Publish also takes TargetArn or PhoneNumber, which rootsim
                // does not model; without a topic SNS answers InvalidParameter (`publish`).
                p("TopicArn", Shape::String, false, "the topic's ARN"),
                p("Message", Shape::String, true, "the message"),
                p("Subject", Shape::String, false, "the email subject")
            ]
        ),
    ]
);
