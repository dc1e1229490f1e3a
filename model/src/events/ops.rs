//! EventBridge's operations: each reads its parameters, authorizes the call, changes the rules
//! through their typed methods (`state.rs`, re-exported by [`super`]) and renders EventBridge's response.

use super::pattern::Pattern;
use super::state::{rule_arn, Rule, Target, STATES};
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

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
    let arn = call.world.events.put_rule(rule);
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
    call.world.events.delete_rule(&arn)?;
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
    call.world.events.rule_mut(&arn).expect("found above").put_targets(targets);
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
    call.world.events.rule_mut(&arn).expect("found above").remove_targets(&ids);
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
