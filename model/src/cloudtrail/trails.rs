//! Trails: which events CloudTrail delivers to an S3 bucket, and the organization trail.
//!
//! A trail logs the management events of its account (an organization trail: of every account
//! of the organization) from `start-logging` until `stop-logging`; events from before it logged
//! are never delivered. Only the management account of an all-features organization with
//! trusted access for `cloudtrail.amazonaws.com` creates an organization trail (the
//! `CreateTrail` errors of the API reference). Delivery is read with the sandbox's `trail NAME`,
//! which stands for reading the log files in the bucket: it is authorized as `s3:GetObject` on
//! the bucket, bucket policy included. `lookup-events` stays per account, as AWS's event history.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::error::{AwsError, AwsResult};
use crate::organizations::FeatureSet;
use crate::service::{opt_bool, req_str, Call};
use crate::world::World;

/// CloudTrail's quota of trails per account and Region.
const MAX_TRAILS: usize = 5;

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

    fn is_logging(&self) -> bool {
        self.logged.last().is_some_and(|(_, end)| end.is_none())
    }

    fn json(&self) -> Value {
        json!({
            "Name": self.name,
            "S3BucketName": self.bucket,
            "IncludeGlobalServiceEvents": true,
            "IsMultiRegionTrail": self.multi_region,
            "HomeRegion": self.region,
            "TrailARN": self.arn(),
            "LogFileValidationEnabled": false,
            "HasCustomEventSelectors": false,
            "HasInsightSelectors": false,
            "IsOrganizationTrail": self.organization,
        })
    }
}

/// Checks a trail name against CloudTrail's rules: 3 to 128 characters of letters, digits,
/// `.`, `_` and `-`, starting and ending with a letter or digit, no two of `.`, `_`, `-` in a row.
fn check_trail_name(name: &str) -> AwsResult<()> {
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

fn not_found(call: &Call, name: &str) -> AwsError {
    let account = call.account();
    AwsError::new(
        "TrailNotFoundException",
        400,
        format!("Unknown trail: arn:aws:cloudtrail:{}:{account}:trail/{name} for the user: {account}", call.region),
    )
}

/// The index of the caller's own trail named by `Name` (a name or a trail ARN).
fn own_trail(call: &Call, input: &Map<String, Value>) -> AwsResult<usize> {
    let name = req_str(input, "Name")?;
    let short = name.rsplit_once(":trail/").map_or(name, |(_, n)| n);
    let account = call.account();
    call.world
        .cloudtrail
        .trails
        .iter()
        .position(|t| t.account == account && t.name == short)
        .ok_or_else(|| not_found(call, short))
}

/// The checks of an organization trail, in the order of CreateTrail's errors.
fn check_organization_trail(call: &mut Call) -> AwsResult<()> {
    let account = call.account();
    let org = call.world.organizations.of_account(&account).ok_or_else(|| {
        AwsError::new(
            "OrganizationsNotInUseException",
            400,
            "This operation cannot be performed because this account is not a member of an organization in AWS Organizations.",
        )
    })?;
    if org.feature_set != FeatureSet::All {
        return Err(AwsError::new(
            "OrganizationNotInAllFeaturesModeException",
            400,
            "This operation cannot be performed because the organization does not have all features enabled.",
        ));
    }
    if org.management_account != account {
        return Err(AwsError::new(
            "NotOrganizationMasterAccountException",
            400,
            "The request to create or update an organization trail must come from the management account of the organization.",
        ));
    }
    if !org.service_access.contains("cloudtrail.amazonaws.com") {
        return Err(AwsError::new(
            "CloudTrailAccessNotEnabledException",
            400,
            "Trusted access between CloudTrail and AWS Organizations is not enabled: run aws organizations enable-aws-service-access --service-principal cloudtrail.amazonaws.com.",
        ));
    }
    // The caller also needs what CloudTrail does in Organizations and IAM on its behalf
    // (creating-an-organizational-trail-prepare.html): each is a decision of the engine.
    for action in ["organizations:ListAWSServiceAccessForOrganization", "iam:CreateServiceLinkedRole"] {
        let record = call.world.authorize(&call.caller, &call.region, action, "*", None, false);
        let allowed = record.decision.is_allowed();
        call.auth.push(record);
        if !allowed {
            return Err(AwsError::new(
                "InsufficientDependencyServiceAccessPermissionException",
                400,
                format!("The caller lacks {action}, which creating an organization trail requires."),
            ));
        }
    }
    Ok(())
}

/// `aws cloudtrail create-trail`.
pub(super) fn create_trail(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let name = req_str(input, "Name")?.to_string();
    let bucket = req_str(input, "S3BucketName")?.to_string();
    let organization = opt_bool(input, "IsOrganizationTrail").unwrap_or(false);
    let multi_region = opt_bool(input, "IsMultiRegionTrail").unwrap_or(false);
    check_trail_name(&name)?;
    let account = call.account();
    let trail = Trail {
        name: name.clone(),
        account: account.clone(),
        region: call.region.clone(),
        bucket: bucket.clone(),
        organization,
        multi_region,
        logged: Vec::new(),
        started: None,
        stopped: None,
    };
    call.authorize("cloudtrail:CreateTrail", &trail.arn())?;
    let own = call.world.cloudtrail.trails.iter().filter(|t| t.account == account && t.region == call.region);
    if own.clone().any(|t| t.name == name) {
        return Err(AwsError::new(
            "TrailAlreadyExistsException",
            400,
            format!("Trail {name} already exists for customer: {account}"),
        ));
    }
    if own.count() >= MAX_TRAILS {
        return Err(AwsError::new(
            "MaximumNumberOfTrailsExceededException",
            400,
            format!("User: {account} already has {MAX_TRAILS} trails in {}.", call.region),
        ));
    }
    if !call.world.s3.buckets.contains_key(&bucket) {
        return Err(AwsError::new("S3BucketDoesNotExistException", 400, format!("S3 bucket {bucket} does not exist.")));
    }
    if organization {
        check_organization_trail(call)?;
    }
    let mut out = trail.json();
    if let Value::Object(m) = &mut out {
        for k in ["HomeRegion", "HasCustomEventSelectors", "HasInsightSelectors"] {
            m.remove(k);
        }
    }
    call.world.cloudtrail.trails.push(trail);
    Ok(out)
}

/// `aws cloudtrail describe-trails`: the caller's trails and its organization's trails.
pub(super) fn describe_trails(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    call.authorize("cloudtrail:DescribeTrails", "*")?;
    let account = call.account();
    let org = call.world.organizations.of_account(&account).map(|o| o.management_account.clone());
    let names: Vec<&str> = input
        .get("TrailNameList")
        .and_then(Value::as_array)
        .map_or(Vec::new(), |a| a.iter().filter_map(Value::as_str).collect());
    let list: Vec<Value> = call
        .world
        .cloudtrail
        .trails
        .iter()
        .filter(|t| t.account == account || (t.organization && org.as_deref() == Some(t.account.as_str())))
        .filter(|t| names.is_empty() || names.iter().any(|n| *n == t.name || *n == t.arn()))
        .map(Trail::json)
        .collect();
    Ok(json!({ "trailList": list }))
}

/// `aws cloudtrail get-trail-status`.
pub(super) fn get_trail_status(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let i = own_trail(call, input)?;
    let arn = call.world.cloudtrail.trails[i].arn();
    call.authorize("cloudtrail:GetTrailStatus", &arn)?;
    let t = &call.world.cloudtrail.trails[i];
    let mut out = json!({ "IsLogging": t.is_logging() });
    if let Some(s) = t.started {
        out["StartLoggingTime"] = json!(crate::clock::format_cli(s));
    }
    if let Some(s) = t.stopped {
        out["StopLoggingTime"] = json!(crate::clock::format_cli(s));
    }
    Ok(out)
}

/// `aws cloudtrail start-logging` / `stop-logging`.
fn set_logging(call: &mut Call, input: &Map<String, Value>, on: bool) -> AwsResult<Value> {
    let i = own_trail(call, input)?;
    let arn = call.world.cloudtrail.trails[i].arn();
    call.authorize(if on { "cloudtrail:StartLogging" } else { "cloudtrail:StopLogging" }, &arn)?;
    // This call's own event is the next one recorded: logging includes it either way.
    let next = call.world.cloudtrail.events.len();
    let now = call.now();
    let t = &mut call.world.cloudtrail.trails[i];
    match (on, t.is_logging()) {
        (true, false) => {
            t.logged.push((next, None));
            t.started = Some(now);
        }
        (false, true) => {
            if let Some(last) = t.logged.last_mut() {
                last.1 = Some(next + 1);
            }
            t.stopped = Some(now);
        }
        _ => {}
    }
    Ok(Value::Null)
}

pub(super) fn start_logging(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    set_logging(call, input, true)
}

pub(super) fn stop_logging(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    set_logging(call, input, false)
}

/// `aws cloudtrail delete-trail`.
pub(super) fn delete_trail(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let i = own_trail(call, input)?;
    let arn = call.world.cloudtrail.trails[i].arn();
    call.authorize("cloudtrail:DeleteTrail", &arn)?;
    call.world.cloudtrail.trails.remove(i);
    Ok(Value::Null)
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
