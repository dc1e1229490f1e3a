//! CloudTrail's state: the event history, its recording, and the trails.

use crate::caller::{Caller, CallerKind};
use crate::clock::format_iso;
use crate::error::{AwsError, AwsResult};
use crate::world::World;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

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
    /// The trails of every account, which deliver some of these events ([`Trail`]).
    #[serde(default)]
    pub trails: Vec<Trail>,
}

impl CloudTrail {
    /// Adds `trail`.
    pub fn add_trail(&mut self, trail: Trail) {
        self.trails.push(trail);
    }

    /// Deletes the trail at index `i` of [`CloudTrail::trails`]; what it delivered stays.
    pub fn delete_trail(&mut self, i: usize) {
        self.trails.remove(i);
    }
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
/// has no `userName` otherwise
/// (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html>).
fn add_alias(world: &World, account: &str, identity: &mut Value) {
    if let Some(alias) = world.accounts.get(account).and_then(|a| a.alias.as_ref()) {
        identity["userName"] = json!(alias);
    }
}

/// `userIdentity` for a caller
/// (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html>).
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
        // AssumeRoot sessions are recorded as the member's root user, marked as such.
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
            "sourceIPAddress": crate::caller::SOURCE_IP,
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

    /// Records a call that an AWS service made in `account` on the customer's behalf (the
    /// `AWSService` identity of
    /// <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html>): `userIdentity` names only the service in `invokedBy`, and
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
            "sourceIPAddress": crate::caller::SOURCE_IP,
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

/// CloudTrail's trails (which events it delivers to an S3 bucket, and the organization trail).
///
/// A trail logs the management events of its account (an organization trail: of every account
/// of the organization) from `start-logging` until `stop-logging`; events from before it logged
/// are never delivered.
/// CloudTrail's quota of trails per account and Region.
pub const MAX_TRAILS: usize = 5;

/// One trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trail {
    /// Its name.
    pub name: String,
    /// The account that owns it.
    pub account: String,
    /// Its home Region.
    pub region: String,
    /// The bucket it delivers to.
    pub bucket: String,
    /// Whether it logs every account of the organization.
    pub organization: bool,
    /// Whether it logs every Region (otherwise only its home Region, global services included).
    pub multi_region: bool,
    /// The stretches of the event history (indexes, end exclusive) it logged.
    pub logged: Vec<(usize, Option<usize>)>,
    /// When logging last started and stopped.
    pub started: Option<i64>,
    /// See `started`.
    pub stopped: Option<i64>,
}

impl Trail {
    /// `arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME`.
    pub fn arn(&self) -> String {
        format!("arn:aws:cloudtrail:{}:{}:trail/{}", self.region, self.account, self.name)
    }

    /// Whether it logs now.
    pub fn is_logging(&self) -> bool {
        self.logged.last().is_some_and(|(_, end)| end.is_none())
    }

    /// Starts (`on`) or stops logging; `next` is the index of the event history's next event
    /// (the starting or stopping call's own, which logging includes either way). Starting a
    /// trail that logs, or stopping one that does not, changes nothing.
    pub fn set_logging(&mut self, on: bool, next: usize, now: i64) {
        match (on, self.is_logging()) {
            (true, false) => {
                self.logged.push((next, None));
                self.started = Some(now);
            }
            (false, true) => {
                if let Some(last) = self.logged.last_mut() {
                    last.1 = Some(next + 1);
                }
                self.stopped = Some(now);
            }
            _ => {}
        }
    }
}

/// Checks a trail name against CloudTrail's rules: 3 to 128 characters of letters, digits,
/// `.`, `_` and `-`, starting and ending with a letter or digit, no two of `.`, `_`, `-` in a row.
pub fn check_trail_name(name: &str) -> AwsResult<()> {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    let ends = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let adjacent = name.as_bytes().windows(2).any(|w| b"._-".contains(&w[0]) && b"._-".contains(&w[1]));
    if (3..=128).contains(&name.len())
        && ok_chars
        && ends(name.chars().next())
        && ends(name.chars().last())
        && !adjacent
    {
        return Ok(());
    }
    Err(AwsError::new(
        "InvalidTrailNameException",
        400,
        "Trail name must be 3-128 characters long, contain only letters, numbers, periods, underscores and dashes, start and end with a letter or number, and have no adjacent periods, underscores or dashes.",
    ))
}

/// The events a trail delivered, oldest first: those recorded while it logged, in the accounts
/// it covers (an organization trail: every account of the organization now) and its Regions.
pub fn delivered<'w>(world: &'w World, trail: &Trail) -> Vec<&'w Value> {
    let accounts: Vec<&str> = match world.organizations.of_account(&trail.account) {
        Some(o) if trail.organization => o.accounts.keys().map(String::as_str).collect(),
        _ => vec![trail.account.as_str()],
    };
    world
        .cloudtrail
        .events
        .iter()
        .enumerate()
        .filter(|(i, _)| trail.logged.iter().any(|(from, to)| *i >= *from && to.is_none_or(|to| *i < to)))
        .map(|(_, e)| e)
        .filter(|e| e["recipientAccountId"].as_str().is_some_and(|a| accounts.contains(&a)))
        .filter(|e| trail.multi_region || e["awsRegion"] == json!(trail.region))
        .collect()
}

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
