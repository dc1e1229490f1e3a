//! Glue's development endpoint operations: each reads its parameters, validates them as Glue
//! does, authorizes the call, changes the endpoints through their typed methods (`state.rs`,
//! re-exported by [`super`]) and renders the answer as the AWS CLI prints it. Validation and
//! authorization come before any change, so a failed call changes nothing.

use super::state::{arn, DevEndpoint, DEFAULT_NODES, SERVICE_PRINCIPAL};
use crate::auth::AuthRequest;
use crate::clock::format_cli;
use crate::error::{AwsError, AwsResult};
use crate::service::{authorize_pass_role, role_trusts_service};
use crate::service::{operations, param as p};
use crate::service::{opt_i64, opt_str, req_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Input = Map<String, Value>;

/// The most keys `PublicKeys`, `AddPublicKeys` and `DeletePublicKeys` hold (`PublicKeysList`).
const MAX_KEYS: usize = 5;

/// The most tags a Glue resource takes (`TagsMap`).
const MAX_TAGS: usize = 50;

/// The pattern of `RoleArn` in Glue's model.
const ROLE_ARN_PATTERN: &str = r"arn:aws:iam::\d{12}:role/.*";

/// Glue's request validation error (the JSON protocol's wording of a broken constraint).
fn validation(message: String) -> AwsError {
    AwsError::new("ValidationException", 400, format!("1 validation error detected: {message}"))
}

/// Glue's answer for an endpoint that does not exist. **Simulator assumption** for the wording
/// (the API reference documents the code only).
fn not_found(name: &str) -> AwsError {
    AwsError::new("EntityNotFoundException", 400, format!("Dev Endpoint {name} not found"))
}

/// Whether `role` matches `ROLE_ARN_PATTERN`.
fn role_arn_ok(role: &str) -> bool {
    role.strip_prefix("arn:aws:iam::").and_then(|r| r.split_once(':')).is_some_and(|(account, rest)| {
        account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with("role/")
    })
}

/// A list of public keys (`PublicKeys`, `AddPublicKeys`, `DeletePublicKeys`), at most five.
fn keys(input: &Input, name: &str) -> AwsResult<Vec<String>> {
    let list: Vec<String> = input
        .get(name)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if list.len() > MAX_KEYS {
        let mut member = name.to_string();
        member[..1].make_ascii_lowercase();
        return Err(validation(format!(
            "Value '[{}]' at '{member}' failed to satisfy constraint: Member must have length less than or equal to {MAX_KEYS}",
            list.join(", ")
        )));
    }
    Ok(list)
}

/// The endpoint as `GetDevEndpoint` and `GetDevEndpoints` print it (members in the model's
/// order; only those rootsim models).
pub(crate) fn endpoint_json(e: &DevEndpoint) -> Value {
    let mut m = Map::new();
    m.insert("EndpointName".into(), json!(e.name));
    m.insert("RoleArn".into(), json!(e.role_arn));
    m.insert("Status".into(), json!("READY"));
    m.insert("NumberOfNodes".into(), json!(e.number_of_nodes));
    m.insert("CreatedTimestamp".into(), json!(format_cli(e.created)));
    m.insert("LastModifiedTimestamp".into(), json!(format_cli(e.modified)));
    if let Some(k) = &e.public_key {
        m.insert("PublicKey".into(), json!(k));
    }
    if !e.public_keys.is_empty() {
        m.insert("PublicKeys".into(), json!(e.public_keys));
    }
    Value::Object(m)
}

fn create_dev_endpoint(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "EndpointName")?.to_string();
    let role = req_str(input, "RoleArn")?.to_string();
    if !role_arn_ok(&role) {
        return Err(validation(format!(
            "Value '{role}' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: {ROLE_ARN_PATTERN}"
        )));
    }
    let public_keys = keys(input, "PublicKeys")?;
    let public_key = opt_str(input, "PublicKey").map(str::to_string);
    let tags: BTreeMap<String, String> = input
        .get("Tags")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default();
    if tags.len() > MAX_TAGS {
        return Err(validation(format!(
            "Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to {MAX_TAGS}"
        )));
    }
    // glue:CreateDevEndpoint names no resource type in the Service Authorization Reference: it is
    // decided against `*` (rule EVAL-NO-RESOURCE-STAR), with the request's tags as its keys.
    let request_tags: Vec<(String, &str)> =
        tags.iter().map(|(k, v)| (format!("aws:RequestTag/{k}"), v.as_str())).collect();
    let mut pairs: Vec<(&str, &str)> = request_tags.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    pairs.extend(tags.keys().map(|k| ("aws:TagKeys", k.as_str())));
    let record =
        call.decide(&AuthRequest::new(&call.caller, &call.region, "glue:CreateDevEndpoint", "*").with_context(&pairs));
    call.record_decision(record)?;
    // The endpoint runs as the role: the caller passes it to Glue (rule GLUE-PASSROLE). Glue
    // answers a refused pass with its own AccessDeniedException.
    authorize_pass_role(call, "glue:CreateDevEndpoint", &role, SERVICE_PRINCIPAL)?;
    // The role must exist and trust Glue (rule GLUE-ROLE-TRUST).
    if !role_trusts_service(call.world, &role, SERVICE_PRINCIPAL) {
        return Err(AwsError::new(
            "ValidationException",
            400,
            format!("Role {role} should be given assume role permissions for Glue Service."),
        ));
    }
    let (account, region) = (call.account(), call.region.clone());
    if call.world.glue.endpoint(&account, &region, &name).is_some() {
        // Simulator assumption for the wording (the API reference documents the code only).
        return Err(AwsError::new("AlreadyExistsException", 400, format!("Dev Endpoint {name} already exists.")));
    }
    let now = call.now();
    let endpoint = DevEndpoint {
        name: name.clone(),
        account,
        region,
        role_arn: role.clone(),
        public_key,
        public_keys,
        number_of_nodes: opt_i64(input, "NumberOfNodes").unwrap_or(DEFAULT_NODES),
        created: now,
        modified: now,
        tags,
    };
    let out = json!({
        "EndpointName": endpoint.name,
        "Status": "PROVISIONING",
        "RoleArn": endpoint.role_arn,
        "NumberOfNodes": endpoint.number_of_nodes,
        "CreatedTimestamp": format_cli(now),
    });
    call.world.glue.insert(endpoint);
    Ok(out)
}

/// Authorizes `action` on the endpoint `name` of the caller's account in the call's Region, then
/// answers EntityNotFoundException if it does not exist.
fn authorize_endpoint(call: &mut Call, action: &str, name: &str) -> AwsResult<()> {
    let (account, region) = (call.account(), call.region.clone());
    call.authorize(action, &arn(&account, &region, name))?;
    match call.world.glue.endpoint(&account, &region, name) {
        Some(_) => Ok(()),
        None => Err(not_found(name)),
    }
}

fn get_dev_endpoint(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "EndpointName")?;
    authorize_endpoint(call, "glue:GetDevEndpoint", name)?;
    let e = call.world.glue.endpoint(&call.caller.account, &call.region, name).ok_or_else(|| not_found(name))?;
    Ok(json!({ "DevEndpoint": endpoint_json(e) }))
}

fn get_dev_endpoints(call: &mut Call, _: &Input) -> AwsResult<Value> {
    // No resource type in the Service Authorization Reference: decided against `*`.
    call.authorize("glue:GetDevEndpoints", "*")?;
    let list: Vec<Value> = call.world.glue.in_region(&call.caller.account, &call.region).map(endpoint_json).collect();
    Ok(json!({ "DevEndpoints": list }))
}

fn update_dev_endpoint(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "EndpointName")?.to_string();
    let add = keys(input, "AddPublicKeys")?;
    let delete = keys(input, "DeletePublicKeys")?;
    let single = opt_str(input, "PublicKey").map(str::to_string);
    // Adding a key is running code as the endpoint's role, and Glue asks nothing of the role
    // here: no iam:PassRole (rule GLUE-UPDATE-NO-PASSROLE).
    authorize_endpoint(call, "glue:UpdateDevEndpoint", &name)?;
    let now = call.now();
    let (account, region) = (call.account(), call.region.clone());
    if let Some(e) = call.world.glue.endpoint_mut(&account, &region, &name) {
        if let Some(k) = single {
            e.public_key = Some(k);
        }
        e.public_keys.retain(|k| !delete.contains(k));
        if e.public_key.as_ref().is_some_and(|k| delete.contains(k)) {
            e.public_key = None;
        }
        for k in add {
            if !e.public_keys.contains(&k) {
                e.public_keys.push(k);
            }
        }
        e.modified = now;
    }
    Ok(Value::Null)
}

fn delete_dev_endpoint(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "EndpointName")?;
    authorize_endpoint(call, "glue:DeleteDevEndpoint", name)?;
    let (account, region) = (call.account(), call.region.clone());
    call.world.glue.remove(&account, &region, name);
    Ok(Value::Null)
}

const NAME: Param = p("EndpointName", Shape::String, true, "the development endpoint's name");

/// Glue's operations (`aws glue ...`): development endpoints.
pub const OPERATIONS: &[Operation] = operations!(
    "glue",
    [
        (
            "CreateDevEndpoint",
            create_dev_endpoint,
            "Creates a development endpoint that runs as a role (needs iam:PassRole on it).",
            [
                NAME,
                p("RoleArn", Shape::String, true, "the role the endpoint runs as (trusting glue.amazonaws.com)"),
                p("PublicKey", Shape::String, false, "an SSH public key (the older single-key attribute)"),
                p("PublicKeys", Shape::StringList, false, "up to 5 SSH public keys"),
                p("NumberOfNodes", Shape::Integer, false, "DPUs to allocate (default 5)"),
                p("Tags", Shape::Map, false, "tags: key=value,..."),
            ]
        ),
        ("GetDevEndpoint", get_dev_endpoint, "Describes a development endpoint.", [NAME]),
        ("GetDevEndpoints", get_dev_endpoints, "Lists the account's development endpoints in the Region.", []),
        (
            "UpdateDevEndpoint",
            update_dev_endpoint,
            "Changes a development endpoint's SSH public keys.",
            [
                NAME,
                p("PublicKey", Shape::String, false, "a new single public key"),
                p("AddPublicKeys", Shape::StringList, false, "up to 5 public keys to add"),
                p("DeletePublicKeys", Shape::StringList, false, "up to 5 public keys to remove"),
            ]
        ),
        ("DeleteDevEndpoint", delete_dev_endpoint, "Deletes a development endpoint.", [NAME]),
    ]
);
