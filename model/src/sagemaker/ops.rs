//! SageMaker's notebook instance operations: each checks its parameters as SageMaker does,
//! authorizes the call on the instance's ARN, changes the instances through their typed methods
//! (`state.rs`) and answers as the AWS CLI prints SageMaker's response.
//!
//! SageMaker answers a request it refuses after authorization with `ValidationException`
//! (rules SAGEMAKER-*: a missing instance is `RecordNotFound`, a status that forbids the change
//! names the statuses it needs).

use super::state::{arn, valid_name, valid_role_arn, NotebookInstance, FAILED, IN_SERVICE, STOPPED};
use crate::auth::AuthRequest;
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_i64, opt_str, req_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

/// The service principal a role is passed to (`iam:PassedToService`).
pub const SERVICE_PRINCIPAL: &str = "sagemaker.amazonaws.com";

/// How long a presigned URL's session lasts when the request names no duration: 12 hours, the
/// largest SageMaker takes (simulator assumption: the API reference gives the range, 1800 to
/// 43200 seconds, not the default).
const DEFAULT_SESSION_SECONDS: i64 = 43_200;

fn validation(message: impl Into<String>) -> AwsError {
    AwsError::new("ValidationException", 400, message)
}

/// SageMaker's answer for an instance that does not exist.
fn record_not_found() -> AwsError {
    validation("RecordNotFound")
}

/// SageMaker's answer for a change the instance's status forbids: the statuses it needs, and the
/// one it would have moved to.
fn wrong_status(status: &str, needed: &str, next: &str, arn: &str) -> AwsError {
    validation(format!(
        "Status ({status}) not in ([{needed}]). Unable to transition to ({next}) for Notebook Instance ({arn})."
    ))
}

/// The request's instance name, checked against the model's pattern (the service's validation
/// message, with the member in lowerCamel case).
fn instance_name(input: &Input) -> AwsResult<&str> {
    let name = req_str(input, "NotebookInstanceName")?;
    if !valid_name(name) {
        return Err(validation(format!(
            "1 validation error detected: Value '{name}' at 'notebookInstanceName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9])*"
        )));
    }
    Ok(name)
}

/// Checks the name, authorizes `action` on the instance's ARN (whether or not it exists, as AWS
/// decides on the ARN the request names), then finds it.
fn authorize_instance(call: &mut Call, input: &Input, action: &str) -> AwsResult<NotebookInstance> {
    let name = instance_name(input)?;
    let (account, region) = (call.account(), call.region.clone());
    call.authorize(action, &arn(&region, &account, name))?;
    call.world.sagemaker.instance(&account, &region, name).cloned().ok_or_else(record_not_found)
}

/// Asks `iam:PassRole` on `role_arn` for SageMaker, with `iam:PassedToService` (the Service
/// Authorization Reference lists it for iam:PassRole; rule SAGEMAKER-PASSROLE). A denial is
/// SageMaker's answer to `action`, the operation that passes the role: SageMaker's error code,
/// the engine's message naming iam:PassRole.
fn authorize_pass_role(call: &mut Call, action: &str, role_arn: &str) -> AwsResult<()> {
    crate::service::authorize_pass_role(call, action, role_arn, SERVICE_PRINCIPAL)
}

/// `Enabled` or `Disabled`, the values of `DirectInternetAccess` and `RootAccess`.
fn enabled_or_disabled(input: &Input, key: &str, member: &str) -> AwsResult<String> {
    match opt_str(input, key).unwrap_or("Enabled") {
        v @ ("Enabled" | "Disabled") => Ok(v.to_string()),
        v => Err(validation(format!(
            "1 validation error detected: Value '{v}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [Enabled, Disabled]"
        ))),
    }
}

fn create_notebook_instance(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = instance_name(input)?.to_string();
    let instance_type = req_str(input, "InstanceType")?.to_string();
    let role_arn = req_str(input, "RoleArn")?.to_string();
    // The model's InstanceType is an enum of `ml.` types; rootsim checks the prefix only.
    if !instance_type.starts_with("ml.") {
        return Err(validation(format!(
            "1 validation error detected: Value '{instance_type}' at 'instanceType' failed to satisfy constraint: Member must satisfy enum value set"
        )));
    }
    if !valid_role_arn(&role_arn) {
        return Err(validation(format!(
            "1 validation error detected: Value '{role_arn}' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws[a-z\\-]*:iam::\\d{{12}}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"
        )));
    }
    let volume = opt_i64(input, "VolumeSizeInGB").unwrap_or(5);
    if !(5..=16_384).contains(&volume) {
        return Err(validation(format!(
            "1 validation error detected: Value '{volume}' at 'volumeSizeInGB' failed to satisfy constraint: Member must have value between 5 and 16384"
        )));
    }
    let direct = enabled_or_disabled(input, "DirectInternetAccess", "directInternetAccess")?;
    let root = enabled_or_disabled(input, "RootAccess", "rootAccess")?;
    let platform = opt_str(input, "PlatformIdentifier").unwrap_or("notebook-al2-v3").to_string();
    let (account, region) = (call.account(), call.region.clone());
    let resource = arn(&region, &account, &name);
    // The request's settings are condition keys of sagemaker:CreateNotebookInstance (the Service
    // Authorization Reference lists them), so that a policy may require, say, no root access.
    let context = [
        ("sagemaker:InstanceTypes", instance_type.as_str()),
        ("sagemaker:RootAccess", root.as_str()),
        ("sagemaker:DirectInternetAccess", direct.as_str()),
    ];
    let request = AuthRequest::new(&call.caller, &call.region, "sagemaker:CreateNotebookInstance", &resource)
        .with_context(&context);
    let record = call.decide(&request);
    call.record_decision(record)?;
    // Giving the instance a role passes the role (rule SAGEMAKER-PASSROLE).
    authorize_pass_role(call, "sagemaker:CreateNotebookInstance", &role_arn)?;
    if call.world.sagemaker.instance(&account, &region, &name).is_some() {
        return Err(validation(format!("Cannot create a duplicate Notebook Instance ({resource})")));
    }
    // IAM passes only roles of the caller's own account (rule SAGEMAKER-PASSROLE).
    let same_account = role_arn.split(':').nth(4) == Some(call.caller.account.as_str());
    if !same_account || call.world.role_trust_policy(&role_arn).is_none() {
        return Err(validation(format!(
            "The execution role ARN \"{role_arn}\" is invalid. Please ensure that the role exists and that its trust relationship policy allows the action 'sts:AssumeRole' for the service principal '{SERVICE_PRINCIPAL}'."
        )));
    }
    let now = call.now();
    call.world.sagemaker.insert(NotebookInstance {
        name,
        account,
        region,
        instance_type,
        role_arn,
        status: IN_SERVICE.to_string(),
        created: now,
        modified: now,
        volume_size_gb: volume,
        direct_internet_access: direct,
        root_access: root,
        platform,
    });
    Ok(json!({ "NotebookInstanceArn": resource }))
}

/// `DescribeNotebookInstance`'s response for `i`, in the model's member order.
pub fn describe_json(i: &NotebookInstance) -> Value {
    json!({
        "NotebookInstanceArn": i.arn(),
        "NotebookInstanceName": i.name,
        "NotebookInstanceStatus": i.status,
        "Url": i.host(),
        "InstanceType": i.instance_type,
        "RoleArn": i.role_arn,
        "LastModifiedTime": crate::clock::format_cli(i.modified),
        "CreationTime": crate::clock::format_cli(i.created),
        "DirectInternetAccess": i.direct_internet_access,
        "VolumeSizeInGB": i.volume_size_gb,
        "RootAccess": i.root_access,
        "PlatformIdentifier": i.platform,
    })
}

fn describe_notebook_instance(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let i = authorize_instance(call, input, "sagemaker:DescribeNotebookInstance")?;
    Ok(describe_json(&i))
}

fn list_notebook_instances(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let sort_by = opt_str(input, "SortBy").unwrap_or("Name");
    let order = opt_str(input, "SortOrder").unwrap_or("Ascending");
    for (value, member, set) in [
        (sort_by, "sortBy", &["Name", "CreationTime", "Status"][..]),
        (order, "sortOrder", &["Ascending", "Descending"][..]),
    ] {
        if !set.contains(&value) {
            return Err(validation(format!(
                "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                set.join(", ")
            )));
        }
    }
    // The Service Authorization Reference lists no resource type for ListNotebookInstances.
    call.authorize("sagemaker:ListNotebookInstances", "*")?;
    let contains = opt_str(input, "NameContains").map(str::to_ascii_lowercase);
    let status = opt_str(input, "StatusEquals");
    let (account, region) = (call.account(), call.region.clone());
    let mut found: Vec<&NotebookInstance> = call
        .world
        .sagemaker
        .region(&account, &region)
        .into_iter()
        .flat_map(|m| m.values())
        .filter(|i| contains.as_deref().is_none_or(|c| i.name.to_ascii_lowercase().contains(c)))
        .filter(|i| status.is_none_or(|s| i.status == s))
        .collect();
    // Names are unique, so every order is total once the name breaks ties.
    match sort_by {
        "CreationTime" => found.sort_by(|a, b| (a.created, &a.name).cmp(&(b.created, &b.name))),
        "Status" => found.sort_by(|a, b| (&a.status, &a.name).cmp(&(&b.status, &b.name))),
        _ => found.sort_by(|a, b| a.name.cmp(&b.name)),
    }
    if order == "Descending" {
        found.reverse();
    }
    let items: Vec<Value> = found
        .iter()
        .map(|i| {
            json!({
                "NotebookInstanceName": i.name,
                "NotebookInstanceArn": i.arn(),
                "NotebookInstanceStatus": i.status,
                "Url": i.host(),
                "InstanceType": i.instance_type,
                "CreationTime": crate::clock::format_cli(i.created),
                "LastModifiedTime": crate::clock::format_cli(i.modified),
            })
        })
        .collect();
    Ok(json!({ "NotebookInstances": items }))
}

/// `aws sagemaker create-presigned-notebook-instance-url`: a URL that opens the instance's
/// Jupyter server, whose code runs as the instance's role (the escalation, rule
/// SAGEMAKER-PRESIGNED-URL). The token is drawn from the world's generator.
fn create_presigned_notebook_instance_url(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let seconds = opt_i64(input, "SessionExpirationDurationInSeconds").unwrap_or(DEFAULT_SESSION_SECONDS);
    if !(1800..=43_200).contains(&seconds) {
        return Err(validation(format!(
            "1 validation error detected: Value '{seconds}' at 'sessionExpirationDurationInSeconds' failed to satisfy constraint: Member must have value between 1800 and 43200"
        )));
    }
    let i = authorize_instance(call, input, "sagemaker:CreatePresignedNotebookInstanceUrl")?;
    let token = call.world.rng.alnum(64);
    Ok(json!({ "AuthorizedUrl": format!("https://{}?authToken={token}", i.host()) }))
}

fn stop_notebook_instance(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let i = authorize_instance(call, input, "sagemaker:StopNotebookInstance")?;
    if i.status != IN_SERVICE {
        return Err(wrong_status(&i.status, IN_SERVICE, "Stopping", &i.arn()));
    }
    let now = call.now();
    call.world.sagemaker.set_status(&i.account, &i.region, &i.name, STOPPED, now);
    Ok(Value::Null)
}

fn delete_notebook_instance(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let i = authorize_instance(call, input, "sagemaker:DeleteNotebookInstance")?;
    if i.status != STOPPED && i.status != FAILED {
        return Err(wrong_status(&i.status, "Stopped, Failed", "Deleting", &i.arn()));
    }
    call.world.sagemaker.remove(&i.account, &i.region, &i.name);
    Ok(Value::Null)
}

const NAME: Param = p("NotebookInstanceName", Shape::String, true, "the notebook instance's name");

/// SageMaker's operations (`aws sagemaker ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "sagemaker",
    [
        (
            "CreateNotebookInstance",
            create_notebook_instance,
            "Creates a notebook instance that runs as a role (needs iam:PassRole on it).",
            [
                NAME,
                p("InstanceType", Shape::String, true, "the ML instance type, e.g. ml.t3.medium"),
                p("RoleArn", Shape::String, true, "the role the notebook runs as"),
                p("DirectInternetAccess", Shape::String, false, "Enabled (default) or Disabled"),
                p("VolumeSizeInGB", Shape::Integer, false, "5 (default) to 16384"),
                p("RootAccess", Shape::String, false, "Enabled (default) or Disabled"),
                p("PlatformIdentifier", Shape::String, false, "notebook-al2-v3 by default"),
            ]
        ),
        ("DescribeNotebookInstance", describe_notebook_instance, "Describes a notebook instance and its role.", [NAME]),
        (
            "ListNotebookInstances",
            list_notebook_instances,
            "Lists the account's notebook instances in the Region.",
            [
                p("SortBy", Shape::String, false, "Name (default), CreationTime or Status"),
                p("SortOrder", Shape::String, false, "Ascending (default) or Descending"),
                p("NameContains", Shape::String, false, "only names containing this"),
                p("StatusEquals", Shape::String, false, "only instances in this status"),
            ]
        ),
        (
            "CreatePresignedNotebookInstanceUrl",
            create_presigned_notebook_instance_url,
            "Returns a URL that opens the notebook's Jupyter server (code there runs as its role).",
            [NAME, p("SessionExpirationDurationInSeconds", Shape::Integer, false, "1800 to 43200")]
        ),
        ("StopNotebookInstance", stop_notebook_instance, "Stops an InService notebook instance.", [NAME]),
        ("DeleteNotebookInstance", delete_notebook_instance, "Deletes a Stopped or Failed notebook instance.", [NAME]),
    ]
);
