//! CloudTrail's state: the event history, the form of its records (IDs, secrets hidden), and the
//! trails. Recording an event reads the whole world and is `crate::world::cloudtrail`'s.

use crate::error::{AwsError, AwsResult};
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
    // A Lambda package's bytes and a function's environment variables, which Lambda's model
    // says are omitted from CloudTrail logs (`EnvironmentResponse.Variables`); rootsim hides them
    // as it hides the others (simulator assumption: the exact form of the omission).
    "ZipFile",
    "Variables",
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

/// Request parameters CloudTrail never records: an object's content (`PutObject`'s `Body`, the
/// bytes of a file), which S3's data events leave out.
const CONTENT: &[&str] = &["Body"];

/// CloudTrail's form of a call's request parameters: [`redact`]ed, without the content of an
/// upload.
pub(crate) fn request_parameters(params: &Map<String, Value>) -> Value {
    let kept: Map<String, Value> =
        params.iter().filter(|(k, _)| !CONTENT.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    redact(&Value::Object(kept))
}

/// CloudTrail's form of request parameters or response elements: lowerCamelCase keys, secrets
/// hidden, nested objects likewise.
pub(crate) fn redact(value: &Value) -> Value {
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

/// The CLI service name's event source: `s3api` and `s3control` calls are `s3.amazonaws.com`.
pub(crate) fn event_source(service: &str) -> String {
    let s = if service == "s3api" || service == "s3control" { "s3" } else { service };
    format!("{s}.amazonaws.com")
}

/// Whether an operation's event is a read-only management event: by its name (`Get*`, `List*`,
/// `Describe*`, `Simulate*`, `Lookup*`), except STS's GetSessionToken and GetFederationToken,
/// which AWS counts as mutating events although they begin with `Get`, so that EventBridge
/// rules in state `ENABLED` receive them
/// (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html>).
pub(crate) fn read_only(operation: &str) -> bool {
    !matches!(operation, "GetSessionToken" | "GetFederationToken")
        && ["Get", "List", "Describe", "Head", "Simulate", "LookupEvents", "Lookup"]
            .iter()
            .any(|p| operation.starts_with(p))
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
/// `.`, `_` and `-`, starting and ending with a letter or digit, no two of `.`, `_`, `-` in a row,
/// and not in IP address format (`InvalidTrailNameException`'s documented list ends with that one).
pub fn check_trail_name(name: &str) -> AwsResult<()> {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    let ends = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let adjacent = name.as_bytes().windows(2).any(|w| b"._-".contains(&w[0]) && b"._-".contains(&w[1]));
    if (3..=128).contains(&name.len())
        && ok_chars
        && ends(name.chars().next())
        && ends(name.chars().last())
        && !adjacent
        && !looks_like_ip_address(name)
    {
        return Ok(());
    }
    Err(AwsError::new(
        "InvalidTrailNameException",
        400,
        "Trail name must be 3-128 characters long, contain only letters, numbers, periods, underscores and dashes, start and end with a letter or number, have no adjacent periods, underscores or dashes, and not be in IP address format.",
    ))
}

/// Whether a name is in IP address format (four dot-separated groups of one to three digits, as
/// `192.168.5.4`), which CloudTrail's trail names, like S3's bucket names, may not be.
fn looks_like_ip_address(name: &str) -> bool {
    let groups: Vec<&str> = name.split('.').collect();
    groups.len() == 4 && groups.iter().all(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trail_names_in_ip_address_format_are_refused() {
        assert!(check_trail_name("192.168.5.4").is_err());
        assert!(check_trail_name("10.0.0.1").is_err());
        // Only the four-group shape is an address: these are ordinary names.
        assert!(check_trail_name("10.0.0").is_ok());
        assert!(check_trail_name("v1.2.3.trail").is_ok());
    }

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
