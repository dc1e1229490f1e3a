//! CloudTrail's operations: `lookup-events` over the event history, and the trails' (in
//! `trails`). Each reads its parameters, authorizes the call and renders CloudTrail's response.

use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_i64, opt_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};

mod trails;

/// How long event history keeps an event: 90 days.
pub const EVENT_HISTORY_SECONDS: i64 = 90 * 86_400;

/// The attribute keys `lookup-events` accepts.
const LOOKUP_KEYS: &[&str] =
    &["EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"];

/// The `Username` that event history shows: `root` for the root user, the user name of an IAM
/// user, the session name of a role session.
fn username(e: &Value) -> Option<String> {
    let id = &e["userIdentity"];
    match id["type"].as_str()? {
        "Root" => Some("root".into()),
        "IAMUser" => id["userName"].as_str().map(str::to_string),
        _ => id["arn"].as_str().and_then(|a| a.rsplit('/').next()).map(str::to_string),
    }
}

/// Parses `2026-01-05T09:00:00Z` (also with `+00:00`, or a date alone) or epoch seconds.
fn parse_time(text: &str) -> Option<i64> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    let t = text.trim_end_matches('Z').trim_end_matches("+00:00");
    let (date, time) = t.split_once('T').unwrap_or((t, "00:00:00"));
    let d: Vec<&str> = date.split('-').collect();
    let h: Vec<&str> = time.split(':').collect();
    let [y, m, day] = d.as_slice() else { return None };
    let (y, m, day): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, day.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = 0i64;
    for (i, part) in h.iter().enumerate().take(3) {
        let v: i64 = part.parse().ok()?;
        secs += v * [3600, 60, 1][i];
    }
    Some(crate::clock::days_from_civil(y, m, day) * 86_400 + secs)
}

fn event_time(e: &Value) -> i64 {
    e["eventTime"].as_str().and_then(parse_time).unwrap_or(0)
}

/// The value of a lookup attribute in an event (`None` when the event has none).
fn attribute(e: &Value, key: &str) -> Option<String> {
    let s = |v: &Value| v.as_str().map(str::to_string);
    match key {
        "EventId" => s(&e["eventID"]),
        "EventName" => s(&e["eventName"]),
        "ReadOnly" => e["readOnly"].as_bool().map(|b| b.to_string()),
        "Username" => username(e),
        "EventSource" => s(&e["eventSource"]),
        "AccessKeyId" => s(&e["userIdentity"]["accessKeyId"]),
        // rootsim's events name no resources, so ResourceType and ResourceName match nothing.
        _ => None,
    }
}

/// `aws cloudtrail lookup-events`: the caller's account's event history, newest first.
fn lookup_events(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let filter = match input.get("LookupAttributes") {
        None => None,
        Some(Value::Array(items)) if items.len() == 1 => {
            let key = items[0].get("AttributeKey").and_then(Value::as_str).unwrap_or("");
            let value = items[0].get("AttributeValue").and_then(Value::as_str).unwrap_or("");
            if !LOOKUP_KEYS.contains(&key) {
                return Err(AwsError::new(
                    "InvalidLookupAttributesException",
                    400,
                    format!("Lookup attribute key {key} is not valid. Valid keys: {}", LOOKUP_KEYS.join(", ")),
                ));
            }
            Some((key.to_string(), value.to_string()))
        }
        Some(_) => {
            return Err(AwsError::new(
                "InvalidLookupAttributesException",
                400,
                "You can specify only one lookup attribute.",
            ))
        }
    };
    let time = |name: &str| -> AwsResult<Option<i64>> {
        match opt_str(input, name) {
            None => Ok(None),
            Some(t) => parse_time(t).map(Some).ok_or_else(|| {
                AwsError::new("InvalidTimeRangeException", 400, format!("{name} is not a valid time: {t}"))
            }),
        }
    };
    let (start, end) = (time("StartTime")?, time("EndTime")?);
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(AwsError::new("InvalidTimeRangeException", 400, "Start time must be before end time."));
        }
    }
    let max = opt_i64(input, "MaxResults").unwrap_or(50);
    if !(1..=50).contains(&max) {
        return Err(AwsError::new("InvalidMaxResultsException", 400, "MaxResults must be between 1 and 50."));
    }
    call.authorize("cloudtrail:LookupEvents", "*")?;
    let account = call.caller.account.clone();
    // Event history is per Region and keeps 90 days: "events that occurred in a Region within
    // the last 90 days" (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
    // Global services' events (IAM, Organizations, Account Management, console sign-ins) are
    // recorded in us-east-1, so only that Region's history shows them.
    let (region, oldest) = (json!(call.region), call.now() - EVENT_HISTORY_SECONDS);
    // The events as they stand before this call is recorded, newest first.
    let matching: Vec<&Value> = call
        .world
        .cloudtrail
        .events
        .iter()
        .rev()
        .filter(|e| e["recipientAccountId"] == json!(account) && e["awsRegion"] == region)
        .filter(|e| event_time(e) >= oldest)
        .filter(|e| start.is_none_or(|s| event_time(e) >= s) && end.is_none_or(|t| event_time(e) <= t))
        .filter(|e| filter.as_ref().is_none_or(|(k, v)| attribute(e, k).as_deref() == Some(v.as_str())))
        .collect();
    // The token is the eventID of the first event of the next page.
    let skip = match opt_str(input, "NextToken") {
        None => 0,
        Some(token) => matching
            .iter()
            .position(|e| e["eventID"] == json!(token))
            .ok_or_else(|| AwsError::new("InvalidNextTokenException", 400, "Invalid NextToken"))?,
    };
    let page: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(max as usize)
        .map(|e| {
            let mut out = json!({
                "EventId": e["eventID"],
                "EventName": e["eventName"],
                "ReadOnly": e["readOnly"].as_bool().unwrap_or(false).to_string(),
            });
            if let Some(k) = e["userIdentity"]["accessKeyId"].as_str().filter(|k| !k.is_empty()) {
                out["AccessKeyId"] = json!(k);
            }
            out["EventTime"] = json!(crate::clock::format_cli(event_time(e)));
            out["EventSource"] = e["eventSource"].clone();
            if let Some(u) = username(e) {
                out["Username"] = json!(u);
            }
            out["Resources"] = json!([]);
            out["CloudTrailEvent"] = json!(e.to_string());
            out
        })
        .collect();
    let mut result = json!({ "Events": page });
    if let Some(next) = matching.get(skip + max as usize) {
        result["NextToken"] = next["eventID"].clone();
    }
    Ok(result)
}

const LOOKUP_MEMBERS: &[Param] = &[
    p("AttributeKey", Shape::String, true, "EventId, EventName, ReadOnly, Username, EventSource, AccessKeyId, ..."),
    p("AttributeValue", Shape::String, true, "the value to match exactly"),
];

const TRAIL_NAME: Param = p("Name", Shape::String, true, "the trail's name or ARN");

/// CloudTrail's operations (`aws cloudtrail ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "cloudtrail",
    [
        ("CreateTrail", trails::create_trail, "Creates a trail that delivers the account's (or, from the management account, the organization's) management events to an S3 bucket once it logs.", [
            p("Name", Shape::String, true, "3-128 letters, digits, . _ -"),
            p("S3BucketName", Shape::String, true, "an existing bucket"),
            p("IsOrganizationTrail", Shape::Boolean, false, "log every account of the organization (management account)"),
            p("IsMultiRegionTrail", Shape::Boolean, false, "log every Region, not only this one"),
        ]),
        ("DescribeTrails", trails::describe_trails, "Lists the account's trails and its organization's trail.", [p("TrailNameList", Shape::StringList, false, "only these trails (names or ARNs)")]),
        ("GetTrailStatus", trails::get_trail_status, "Whether a trail is logging, and since when.", [TRAIL_NAME]),
        ("StartLogging", trails::start_logging, "Starts delivering events to the trail's bucket (a new trail does not log yet).", [TRAIL_NAME]),
        ("StopLogging", trails::stop_logging, "Stops delivering events.", [TRAIL_NAME]),
        ("DeleteTrail", trails::delete_trail, "Deletes a trail of the account; what it delivered stays in the bucket.", [TRAIL_NAME]),
        ("LookupEvents", lookup_events, "Looks up the account's management events, newest first (90 days of event history).", [
        p(
            "LookupAttributes",
            Shape::StructureList(LOOKUP_MEMBERS),
            false,
            "AttributeKey=EventName,AttributeValue=X (one)",
        ),
        p("StartTime", Shape::String, false, "only events at or after this time (2026-01-05T09:00:00Z)"),
        p("EndTime", Shape::String, false, "only events at or before this time"),
        p("MaxResults", Shape::Integer, false, "1 to 50 events per page (default 50)"),
        p("NextToken", Shape::String, false, "the NextToken of the previous page"),
    ]),
    ]
);
