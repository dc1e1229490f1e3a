//! Amazon EventBridge (`aws events`): rules on each account's default event bus, their targets,
//! and the delivery of CloudTrail events to them.
//!
//! This module owns the rules of every account and Region, the pattern language
//! ([`pattern`]), and the log of alerts that fired (rule, event, target, recipients), which the
//! sandbox's `alerts` command reads. CloudTrail hands every recorded event to
//! [`World::route_event`]; it reaches the rules of the account and Region where it was recorded,
//! wrapped in EventBridge's envelope. Read-only management events (`readOnly: true`) reach only
//! rules whose state is `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`, as AWS delivers them.
//! Targets are SNS topics ([`crate::sns`]): a match publishes the event's JSON to the topic.

pub mod pattern;

use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Param, Shape};
use crate::world::World;
use pattern::Pattern;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Input = Map<String, Value>;

/// The three rule states.
const STATES: &[&str] = &["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"];

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

/// `arn:aws:events:<region>:<account>:rule/<name>`.
pub fn rule_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:events:{region}:{account}:rule/{name}")
}

fn not_found(name: &str) -> AwsError {
    AwsError::new("ResourceNotFoundException", 400, format!("Rule {name} does not exist on EventBus default."))
}

fn check_rule_name(name: &str) -> AwsResult<()> {
    if (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) {
        Ok(())
    } else {
        Err(AwsError::new(
            "ValidationException",
            400,
            format!("1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"),
        ))
    }
}

/// The rule `name` of the caller's account and Region: its ARN, or `ResourceNotFoundException`.
fn find(call: &Call, name: &str) -> AwsResult<String> {
    let arn = rule_arn(&call.region, &call.caller.account, name);
    if call.world.events.rules.contains_key(&arn) {
        Ok(arn)
    } else {
        Err(not_found(name))
    }
}

fn put_rule(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "Name")?;
    check_rule_name(name)?;
    let arn = rule_arn(&call.region, &call.caller.account, name);
    call.authorize("events:PutRule", &arn)?;
    let existing = call.world.events.rules.get(&arn).cloned();
    let pattern = match (opt_str(input, "EventPattern"), &existing) {
        (Some(p), _) => p.to_string(),
        (None, Some(r)) => r.pattern.clone(),
        (None, None) => {
            return Err(AwsError::new(
                "ValidationException",
                400,
                "Parameter(s) EventPattern or ScheduleExpression must be specified.",
            ))
        }
    };
    Pattern::parse(&pattern)?;
    let state = opt_str(input, "State").unwrap_or("ENABLED");
    if !STATES.contains(&state) {
        return Err(AwsError::new(
            "ValidationException",
            400,
            format!("1 validation error detected: Value '{state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [{}]", STATES.join(", ")),
        ));
    }
    let rule = Rule {
        name: name.to_string(),
        account: call.caller.account.clone(),
        region: call.region.clone(),
        pattern,
        state: state.to_string(),
        description: opt_str(input, "Description")
            .map(str::to_string)
            .or(existing.as_ref().and_then(|r| r.description.clone())),
        targets: existing.map(|r| r.targets).unwrap_or_default(),
    };
    call.world.events.rules.insert(arn.clone(), rule);
    Ok(json!({ "RuleArn": arn }))
}

fn rule_json(r: &Rule, detailed: bool) -> Value {
    let mut v = json!({ "Name": r.name, "Arn": r.arn(), "EventPattern": r.pattern, "State": r.state });
    if let Some(d) = &r.description {
        v["Description"] = json!(d);
    }
    v["EventBusName"] = json!("default");
    if detailed {
        v["CreatedBy"] = json!(r.account);
    }
    v
}

fn describe_rule(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "Name")?;
    let arn = rule_arn(&call.region, &call.caller.account, name);
    call.authorize("events:DescribeRule", &arn)?;
    find(call, name)?;
    Ok(rule_json(&call.world.events.rules[&arn], true))
}

fn list_rules(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let prefix = opt_str(input, "NamePrefix").unwrap_or("");
    let wildcard = rule_arn(&call.region, &call.caller.account, "*");
    call.authorize("events:ListRules", &wildcard)?;
    let rules: Vec<Value> = call
        .world
        .events
        .rules
        .values()
        .filter(|r| r.account == call.caller.account && r.region == call.region && r.name.starts_with(prefix))
        .map(|r| rule_json(r, false))
        .collect();
    Ok(json!({ "Rules": rules }))
}

fn delete_rule(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "Name")?;
    let arn = rule_arn(&call.region, &call.caller.account, name);
    call.authorize("events:DeleteRule", &arn)?;
    // AWS answers a missing rule's deletion with success.
    if let Some(rule) = call.world.events.rules.get(&arn) {
        if !rule.targets.is_empty() {
            return Err(AwsError::new("ValidationException", 400, "Rule can't be deleted since it has targets."));
        }
        call.world.events.rules.remove(&arn);
    }
    Ok(Value::Null)
}

fn put_targets(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "Rule")?;
    let arn = rule_arn(&call.region, &call.caller.account, name);
    call.authorize("events:PutTargets", &arn)?;
    find(call, name)?;
    let Some(Value::Array(items)) = input.get("Targets") else {
        return Err(AwsError::validation("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null"));
    };
    let mut targets = Vec::new();
    for item in items {
        let (Some(id), Some(target)) =
            (item.get("Id").and_then(Value::as_str), item.get("Arn").and_then(Value::as_str))
        else {
            return Err(AwsError::new("ValidationException", 400, "Each target needs an Id and an Arn."));
        };
        if !target.starts_with("arn:aws:sns:") {
            return Err(AwsError::new(
                "ValidationException",
                400,
                format!("Parameter {target} is not valid. Reason: rootsim only delivers to SNS topics."),
            ));
        }
        targets.push(Target { id: id.to_string(), arn: target.to_string() });
    }
    let rule = call.world.events.rules.get_mut(&arn).expect("found above");
    for t in targets {
        match rule.targets.iter_mut().find(|x| x.id == t.id) {
            Some(x) => *x = t,
            None => rule.targets.push(t),
        }
    }
    Ok(json!({ "FailedEntryCount": 0, "FailedEntries": [] }))
}

fn remove_targets(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "Rule")?;
    let arn = rule_arn(&call.region, &call.caller.account, name);
    call.authorize("events:RemoveTargets", &arn)?;
    find(call, name)?;
    let ids: Vec<String> = match input.get("Ids") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    };
    let rule = call.world.events.rules.get_mut(&arn).expect("found above");
    rule.targets.retain(|t| !ids.contains(&t.id));
    Ok(json!({ "FailedEntryCount": 0, "FailedEntries": [] }))
}

fn list_targets_by_rule(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "Rule")?;
    let arn = rule_arn(&call.region, &call.caller.account, name);
    call.authorize("events:ListTargetsByRule", &arn)?;
    find(call, name)?;
    let targets: Vec<Value> =
        call.world.events.rules[&arn].targets.iter().map(|t| json!({ "Id": t.id, "Arn": t.arn })).collect();
    Ok(json!({ "Targets": targets }))
}

fn test_event_pattern(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let pattern = Pattern::parse(req_str(input, "EventPattern")?)?;
    let event: Value = serde_json::from_str(req_str(input, "Event")?)
        .map_err(|_| AwsError::new("ValidationException", 400, "Parameter Event is not valid."))?;
    // EventBridge insists on the envelope's fields in a test event.
    let envelope = ["id", "account", "source", "time", "region", "detail-type"];
    if !event.is_object() || envelope.iter().any(|k| event.get(k).is_none()) {
        return Err(AwsError::new("ValidationException", 400, "Parameter Event is not valid."));
    }
    call.authorize("events:TestEventPattern", "*")?;
    Ok(json!({ "Result": pattern.matches(&event) }))
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

impl World {
    /// Hands the CloudTrail event at `index` of the history to the rules of the account and
    /// Region where it was recorded; every match publishes to the rule's SNS targets and is
    /// logged as an alert.
    pub fn route_event(&mut self, index: usize) {
        let Some(ct) = self.cloudtrail.events.get(index) else { return };
        let account = ct["recipientAccountId"].as_str().unwrap_or("").to_string();
        let region = ct["awsRegion"].as_str().unwrap_or("").to_string();
        let read_only = ct["readOnly"] == json!(true);
        let id = crate::cloudtrail::derived_uuid(self.seed, index as u64, 3);
        let event = envelope(ct, &id);
        let matched: Vec<Rule> = self
            .events
            .rules
            .values()
            .filter(|r| r.account == account && r.region == region)
            .filter(|r| match r.state.as_str() {
                "ENABLED" => !read_only,
                "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" => true,
                _ => false,
            })
            .filter(|r| Pattern::parse(&r.pattern).is_ok_and(|p| p.matches(&event)))
            .cloned()
            .collect();
        let identity = &event["detail"]["userIdentity"];
        let who = format!("{} {}", identity["type"].as_str().unwrap_or("?"), identity["arn"].as_str().unwrap_or(""));
        let event_name = event["detail"]["eventName"].as_str().unwrap_or("").to_string();
        let event_id = event["detail"]["eventID"].as_str().unwrap_or("").to_string();
        let text = crate::render::to_cli_json(&event);
        for rule in matched {
            for target in &rule.targets {
                let delivered_to = self.sns_deliver(&target.arn, &account, None, &text);
                self.events.fired.push(Alert {
                    rule: rule.arn(),
                    event_id: event_id.clone(),
                    event_name: event_name.clone(),
                    who: who.clone(),
                    time: self.clock.now(),
                    target: target.arn.clone(),
                    delivered_to,
                });
            }
        }
    }
}

const NAME: Param = p("Name", Shape::String, true, "the rule's name");
const RULE: Param = p("Rule", Shape::String, true, "the rule's name");
const TARGET_MEMBERS: &[Param] =
    &[p("Id", Shape::String, true, "the target's ID in the rule"), p("Arn", Shape::String, true, "an SNS topic ARN")];

/// EventBridge's operations (`aws events ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "events",
    [
        (
            "PutRule",
            put_rule,
            "Creates or updates a rule on the default event bus.",
            [
                NAME,
                p("EventPattern", Shape::Document, false, "the event pattern (JSON)"),
                p(
                    "State",
                    Shape::String,
                    false,
                    "ENABLED (default), DISABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
                ),
                p("Description", Shape::String, false, "what the rule is for"),
            ]
        ),
        ("DescribeRule", describe_rule, "Describes a rule.", [NAME]),
        (
            "ListRules",
            list_rules,
            "Lists the rules of the default event bus in the Region.",
            [p("NamePrefix", Shape::String, false, "only rules whose name starts with this")]
        ),
        ("DeleteRule", delete_rule, "Deletes a rule that has no targets.", [NAME]),
        (
            "PutTargets",
            put_targets,
            "Adds or updates targets of a rule (SNS topics).",
            [RULE, p("Targets", Shape::StructureList(TARGET_MEMBERS), true, "Id=1,Arn=<topic ARN> ...")]
        ),
        (
            "RemoveTargets",
            remove_targets,
            "Removes targets from a rule.",
            [RULE, p("Ids", Shape::StringList, true, "the targets' IDs")]
        ),
        ("ListTargetsByRule", list_targets_by_rule, "Lists a rule's targets.", [RULE]),
        (
            "TestEventPattern",
            test_event_pattern,
            "Tests whether an event matches an event pattern.",
            [
                p("EventPattern", Shape::Document, true, "the event pattern (JSON)"),
                p("Event", Shape::Document, true, "the event (JSON, with EventBridge's envelope fields)"),
            ]
        ),
    ]
);
