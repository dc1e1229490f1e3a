//! The trails' operations: which events CloudTrail delivers to an S3 bucket, and the organization
//! trail (the trails themselves and their delivery are in [`crate::cloudtrail::state`]).
//!
//! A trail logs the management events of its account (an organization trail: of every account
//! of the organization) from `start-logging` until `stop-logging`; events from before it logged
//! are never delivered. Only the management account of an all-features organization with
//! trusted access for `cloudtrail.amazonaws.com` creates an organization trail (the
//! `CreateTrail` errors of the API reference). Delivery is read with the sandbox's `trail NAME`,
//! which stands for reading the log files in the bucket: it is authorized as `s3:GetObject` on
//! the bucket, bucket policy included. `lookup-events` stays per account, as AWS's event history.

use serde_json::{json, Map, Value};

use crate::auth::AuthRequest;
use crate::cloudtrail::state::{check_trail_name, Trail, MAX_TRAILS};
use crate::error::{AwsError, AwsResult};
use crate::organizations::FeatureSet;
use crate::service::{opt_bool, req_str, Call};

/// A trail as `describe-trails` and `create-trail` show it.
fn trail_json(t: &Trail) -> Value {
    json!({
        "Name": t.name,
        "S3BucketName": t.bucket,
        "IncludeGlobalServiceEvents": true,
        "IsMultiRegionTrail": t.multi_region,
        "HomeRegion": t.region,
        "TrailARN": t.arn(),
        "LogFileValidationEnabled": false,
        "HasCustomEventSelectors": false,
        "HasInsightSelectors": false,
        "IsOrganizationTrail": t.organization,
    })
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
        let record = call.decide(&AuthRequest::new(&call.caller, &call.region, action, "*"));
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
    let mut out = trail_json(&trail);
    if let Value::Object(m) = &mut out {
        for k in ["HomeRegion", "HasCustomEventSelectors", "HasInsightSelectors"] {
            m.remove(k);
        }
    }
    call.world.cloudtrail.add_trail(trail);
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
        .map(trail_json)
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
    call.world.cloudtrail.trails[i].set_logging(on, next, now);
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
    call.world.cloudtrail.delete_trail(i);
    Ok(Value::Null)
}
