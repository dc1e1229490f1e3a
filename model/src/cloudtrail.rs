//! CloudTrail: the event history of every AWS call and console sign-in, allowed or denied.
//!
//! Events are stored as the JSON records CloudTrail writes (facts §6.1): `eventVersion`,
//! `userIdentity` in the shape of the caller's kind, `eventTime` on the simulated clock,
//! `eventSource`, `eventName`, `awsRegion`, `sourceIPAddress`, `userAgent`, `requestParameters`
//! with secrets hidden, `responseElements`, `errorCode` and `errorMessage` for failures,
//! `recipientAccountId`, `eventID`, `readOnly`, `managementEvent`.
//!
//! Architecture invariant: the event history is the one part of the world that a failed command
//! changes: AWS records the attempt. Everything else is put back.

use crate::auth::{Caller, CallerKind};
use crate::clock::format_iso;
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_i64, opt_str, Call, Operation, Param, Shape};
use crate::world::World;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

mod trails;
pub use trails::{delivered, Trail};

/// The value CloudTrail puts in place of secrets.
pub const HIDDEN: &str = "HIDDEN_DUE_TO_SECURITY_REASONS";

/// Parameters and response fields whose values are never recorded.
const SECRETS: &[&str] = &[
    "Password",
    "NewPassword",
    "OldPassword",
    "SecretAccessKey",
    "SessionToken",
    "Plaintext",
    "AuthenticationCode1",
    "AuthenticationCode2",
    "TokenCode",
    "CiphertextBlob",
    "Otp",
];

/// The event history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CloudTrail {
    /// Every event, oldest first, as CloudTrail records them.
    pub events: Vec<Value>,
    /// The trails of every account, which deliver some of these events (`trails.rs`).
    #[serde(default)]
    pub trails: Vec<Trail>,
}

/// A UUID-shaped ID derived from the world's seed and a sequence number, so that recording
/// events does not draw from the generator behind every other ID.
pub(crate) fn derived_uuid(seed: u64, n: u64, salt: u64) -> String {
    event_uuid(seed, n, salt)
}

fn event_uuid(seed: u64, n: u64, salt: u64) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed ^ salt.rotate_left(17);
    let mut out = String::with_capacity(36);
    for i in 0..32u64 {
        for b in (n ^ (i << 40)).to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        out.push(char::from_digit((h >> 59) as u32 % 16, 16).unwrap_or('0'));
    }
    out
}

fn lower_camel(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// CloudTrail's form of request parameters or response elements: lowerCamelCase keys, secrets
/// hidden, nested objects likewise.
fn redact(value: &Value) -> Value {
    match value {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let v = if SECRETS.contains(&k.as_str()) { json!(HIDDEN) } else { redact(v) };
                out.insert(lower_camel(k), v);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(redact).collect()),
        other => other.clone(),
    }
}

/// A root `userIdentity` names the account alias as `userName` when the account has one, and
/// has no `userName` otherwise (facts §6.1).
fn add_alias(world: &World, account: &str, identity: &mut Value) {
    if let Some(alias) = world.accounts.get(account).and_then(|a| a.alias.as_ref()) {
        identity["userName"] = json!(alias);
    }
}

/// `userIdentity` for a caller (facts §6.1).
pub fn user_identity(world: &World, caller: &Caller) -> Value {
    let p = &caller.principal;
    let federated = p.kind == rootsim_policy::PrincipalKind::FederatedUser;
    let mut v = match &caller.kind {
        // A GetFederationToken session: the federated user, and the IAM user (or root user)
        // whose keys issued it as the session's issuer.
        _ if federated => {
            let issuer = match &caller.kind {
                CallerKind::User { key } => {
                    let user = world.iam.account(&caller.account).and_then(|i| i.users.get(key));
                    json!({
                        "type": "IAMUser",
                        "principalId": user.map(|u| u.id.as_str()).unwrap_or(""),
                        "arn": user.map(|u| rootsim_policy::arn::iam(&caller.account, "user", &u.path, &u.name)),
                        "accountId": caller.account,
                        "userName": user.map(|u| u.name.as_str()).unwrap_or(""),
                    })
                }
                _ => json!({
                    "type": "Root", "principalId": caller.account, "arn": rootsim_policy::arn::root(&caller.account),
                    "accountId": caller.account,
                }),
            };
            json!({
                "type": "FederatedUser", "principalId": caller.user_id, "arn": p.arn, "accountId": caller.account,
                "sessionContext": { "sessionIssuer": issuer },
            })
        }
        CallerKind::Root => {
            json!({ "type": "Root", "principalId": caller.account, "arn": p.arn, "accountId": caller.account })
        }
        CallerKind::User { .. } => json!({
            "type": "IAMUser", "principalId": caller.user_id, "arn": p.arn, "accountId": caller.account,
            "userName": caller.username,
        }),
        CallerKind::RoleSession { role_key, .. } => {
            let role = world.iam.account(&caller.account).and_then(|i| i.roles.get(role_key));
            json!({
                "type": "AssumedRole", "principalId": caller.user_id, "arn": p.arn, "accountId": caller.account,
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": role.map(|r| r.id.as_str()).unwrap_or(""),
                        "arn": p.principal_arn,
                        "accountId": caller.account,
                        "userName": role.map(|r| r.name.as_str()).unwrap_or(""),
                    },
                },
            })
        }
    };
    if matches!(caller.kind, CallerKind::Root) && !federated {
        add_alias(world, &caller.account, &mut v);
    }
    if let Some(k) = &caller.access_key_id {
        v["accessKeyId"] = json!(k);
    }
    if caller.temporary {
        let attributes = json!({
            "creationDate": caller.authenticated_at.map(format_iso),
            "mfaAuthenticated": if caller.mfa { "true" } else { "false" },
        });
        match v.get_mut("sessionContext") {
            Some(ctx) => ctx["attributes"] = attributes,
            None => v["sessionContext"] = json!({ "attributes": attributes }),
        }
    }
    if caller.task_policy.is_some() {
        // AssumeRoot sessions are recorded as the member's root user, marked as such (facts §6.1).
        v["sessionContext"]["assumedRoot"] = json!("true");
    }
    if caller.console {
        v["sessionCredentialFromConsole"] = json!("true");
    }
    v
}

/// The CLI service name's event source: `s3api` calls are `s3.amazonaws.com`.
fn event_source(service: &str) -> String {
    let s = if service == "s3api" { "s3" } else { service };
    format!("{s}.amazonaws.com")
}

fn read_only(operation: &str) -> bool {
    ["Get", "List", "Describe", "Simulate", "LookupEvents", "Lookup"].iter().any(|p| operation.starts_with(p))
}

impl World {
    fn next_ids(&self) -> (String, String) {
        let n = self.cloudtrail.events.len() as u64;
        (event_uuid(self.seed, n, 1), event_uuid(self.seed, n, 2))
    }

    /// Records an AWS call made by `caller`, allowed or not.
    pub fn record_call(
        &mut self,
        caller: &Caller,
        service: &str,
        operation: &str,
        region: &str,
        params: &Map<String, Value>,
        result: &Result<Value, AwsError>,
    ) {
        let (event_id, request_id) = self.next_ids();
        // IAM and STS's global endpoint record in us-east-1.
        let region = if service == "iam" { "us-east-1" } else { region };
        let mut e = json!({
            "eventVersion": "1.11",
            "userIdentity": user_identity(self, caller),
            "eventTime": format_iso(self.clock.now()),
            "eventSource": event_source(service),
            "eventName": operation,
            "awsRegion": region,
            "sourceIPAddress": crate::auth::SOURCE_IP,
            "userAgent": "aws-cli/2 rootsim",
            "requestParameters": if params.is_empty() { Value::Null } else { redact(&Value::Object(params.clone())) },
            // Read-only calls record no response, as AWS's events show (and a lookup's response
            // would otherwise nest the history into itself).
            "responseElements": match result {
                Ok(v) if !v.is_null() && !read_only(operation) => redact(v),
                _ => Value::Null,
            },
        });
        if let Err(err) = result {
            e["errorCode"] = json!(err.code);
            e["errorMessage"] = json!(err.message);
        }
        let more = json!({
            "requestID": request_id,
            "eventID": event_id,
            "readOnly": read_only(operation),
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": caller.account,
            "eventCategory": "Management",
        });
        if let (Value::Object(m), Value::Object(extra)) = (&mut e, more) {
            m.extend(extra);
        }
        self.cloudtrail.events.push(e);
        self.route_event(self.cloudtrail.events.len() - 1);
    }

    /// Records a call that an AWS service made in `account` on the customer's behalf (facts
    /// §6.1's `AWSService` identity): `userIdentity` names only the service in `invokedBy`, and
    /// the service is the source address and user agent. Organizations creating a new member's
    /// access role is the case rootsim performs.
    pub fn record_service_call(
        &mut self,
        account: &str,
        invoked_by: &str,
        service: &str,
        operation: &str,
        params: &Map<String, Value>,
    ) {
        let (event_id, request_id) = self.next_ids();
        let e = json!({
            "eventVersion": "1.11",
            "userIdentity": { "type": "AWSService", "invokedBy": invoked_by },
            "eventTime": format_iso(self.clock.now()),
            "eventSource": event_source(service),
            "eventName": operation,
            "awsRegion": "us-east-1",
            "sourceIPAddress": invoked_by,
            "userAgent": invoked_by,
            "requestParameters": redact(&Value::Object(params.clone())),
            "responseElements": Value::Null,
            "requestID": request_id,
            "eventID": event_id,
            "readOnly": read_only(operation),
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": account,
            "eventCategory": "Management",
        });
        self.cloudtrail.events.push(e);
        self.route_event(self.cloudtrail.events.len() - 1);
    }

    /// Records a console sign-in of the root user (`user` is `None`) or an IAM user.
    pub fn record_sign_in(&mut self, account: &str, user: Option<&str>, success: bool, mfa_used: bool) {
        let (event_id, _) = self.next_ids();
        let identity = match user.and_then(|u| self.iam.account(account).and_then(|i| i.users.get(u))) {
            Some(u) => json!({
                "type": "IAMUser", "principalId": u.id, "accountId": account,
                "arn": rootsim_policy::arn::iam(account, "user", &u.path, &u.name), "userName": u.name,
            }),
            None => {
                let mut v = json!({ "type": "Root", "principalId": account, "arn": rootsim_policy::arn::root(account), "accountId": account });
                add_alias(self, account, &mut v);
                v
            }
        };
        let mut e = json!({
            "eventVersion": "1.11",
            "userIdentity": identity,
            "eventTime": format_iso(self.clock.now()),
            "eventSource": "signin.amazonaws.com",
            "eventName": "ConsoleLogin",
            "awsRegion": "us-east-1",
            "sourceIPAddress": crate::auth::SOURCE_IP,
            "userAgent": "Mozilla/5.0 (rootsim)",
            "requestParameters": Value::Null,
            "responseElements": { "ConsoleLogin": if success { "Success" } else { "Failure" } },
            "additionalEventData": {
                "LoginTo": "https://console.aws.amazon.com/console/home",
                "MobileVersion": "No",
                "MFAUsed": if mfa_used { "Yes" } else { "No" },
            },
            "eventID": event_id,
            "readOnly": false,
            "eventType": "AwsConsoleSignIn",
            "managementEvent": true,
            "recipientAccountId": account,
            "eventCategory": "Management",
        });
        if !success {
            e["errorMessage"] = json!("Failed authentication");
        }
        self.cloudtrail.events.push(e);
        self.route_event(self.cloudtrail.events.len() - 1);
    }
}

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
    // The events as they stand before this call is recorded, newest first.
    let matching: Vec<&Value> = call
        .world
        .cloudtrail
        .events
        .iter()
        .rev()
        .filter(|e| e["recipientAccountId"] == json!(account))
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
            if let Some(k) = e["userIdentity"]["accessKeyId"].as_str() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_shaped_and_distinct() {
        let a = event_uuid(1, 0, 1);
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
        assert_ne!(a, event_uuid(1, 1, 1));
        assert_ne!(a, event_uuid(2, 0, 1));
    }

    #[test]
    fn secrets_are_hidden_and_keys_camel_cased() {
        let v = redact(
            &json!({"UserName": "bob", "Password": "x", "AccessKey": {"SecretAccessKey": "s", "AccessKeyId": "AKIA"}}),
        );
        assert_eq!(
            v,
            json!({"userName": "bob", "password": HIDDEN, "accessKey": {"secretAccessKey": HIDDEN, "accessKeyId": "AKIA"}})
        );
    }
}
