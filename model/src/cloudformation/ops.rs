//! CloudFormation's stack operations: each reads its parameters, validates them and the template
//! as CloudFormation does, authorizes the call, changes the stacks through their typed methods
//! (`state.rs`, re-exported by [`super`]) and renders the answer as the AWS CLI prints it.
//! Validation and authorization come before any change, so a failed call changes nothing.

use super::state::{name_arn, valid_stack_name, Stack, SERVICE_PRINCIPAL};
use crate::auth::AuthRequest;
use crate::clock::format_cli;
use crate::error::{AwsError, AwsResult};
use crate::service::{decide_pass_role, role_trusts_service};
use crate::service::{operations, param as p};
use crate::service::{opt_bool, opt_str, req_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Input = Map<String, Value>;

/// The most tags a stack takes (`Tags` of the model).
const MAX_TAGS: usize = 50;

/// The pattern of `StackName` in CloudFormation's validation messages.
const STACK_NAME_PATTERN: &str = "[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*";

/// CloudFormation's `ValidationError`.
fn validation(message: impl Into<String>) -> AwsError {
    AwsError::validation(message)
}

/// The template error every malformed template gets.
fn template_error(detail: &str) -> AwsError {
    validation(format!("Template format error: {detail}"))
}

/// What rootsim reads of a template.
struct Template {
    /// Its `Description`.
    description: Option<String>,
    /// Its parameters and their defaults (`None`: no default), when they could be read.
    parameters: Option<Vec<(String, Option<String>)>>,
    /// The capability its IAM resources require, if any.
    capability: Option<&'static str>,
}

/// The resource types that need `CAPABILITY_IAM` or `CAPABILITY_NAMED_IAM` (CreateStack's
/// `Capabilities` in the API reference).
const IAM_TYPES: &[&str] = &[
    "AWS::IAM::AccessKey",
    "AWS::IAM::Group",
    "AWS::IAM::InstanceProfile",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::IAM::UserToGroupAddition",
];

/// The IAM resource types whose name property makes them need `CAPABILITY_NAMED_IAM`.
const NAMED_IAM: &[(&str, &str)] = &[
    ("AWS::IAM::Role", "RoleName"),
    ("AWS::IAM::User", "UserName"),
    ("AWS::IAM::Group", "GroupName"),
    ("AWS::IAM::ManagedPolicy", "ManagedPolicyName"),
    ("AWS::IAM::InstanceProfile", "InstanceProfileName"),
];

/// Reads a template: JSON in full; YAML only for its top-level `Resources` and `Description`
/// (rootsim has no YAML reader below the command layer: its parameters and capabilities are not
/// checked, a documented simulator limitation).
fn read_template(text: &str) -> AwsResult<Template> {
    if !text.trim_start().starts_with('{') {
        let top = |key: &str| text.lines().find_map(|l| l.strip_prefix(key).map(str::trim));
        if top("Resources:").is_none() {
            return Err(template_error("At least one Resources member must be defined."));
        }
        let description = top("Description:").map(|d| d.trim_matches(|c| c == '"' || c == '\'').to_string());
        return Ok(Template { description, parameters: None, capability: None });
    }
    let doc: Value = serde_json::from_str(text).map_err(|_| template_error("JSON not well-formed."))?;
    let resources = match doc.get("Resources") {
        Some(Value::Object(r)) if !r.is_empty() => r,
        _ => return Err(template_error("At least one Resources member must be defined.")),
    };
    let mut capability = None;
    for (name, r) in resources {
        let Some(kind) = r.get("Type").and_then(Value::as_str) else {
            return Err(template_error(&format!(
                "[/Resources/{name}] Every Resources object must contain a Type member."
            )));
        };
        if IAM_TYPES.contains(&kind) {
            let named =
                NAMED_IAM.iter().any(|(t, prop)| *t == kind && r.pointer(&format!("/Properties/{prop}")).is_some());
            if named {
                capability = Some("CAPABILITY_NAMED_IAM");
            } else if capability.is_none() {
                capability = Some("CAPABILITY_IAM");
            }
        }
    }
    let parameters = doc
        .get("Parameters")
        .and_then(Value::as_object)
        .map(|ps| {
            ps.iter()
                .map(|(k, v)| {
                    let default = v.get("Default").map(|d| match d {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    });
                    (k.clone(), default)
                })
                .collect()
        })
        .unwrap_or_default();
    let description = doc.get("Description").and_then(Value::as_str).map(str::to_string);
    Ok(Template { description, parameters: Some(parameters), capability })
}

/// Refuses a template whose IAM resources need a capability the request did not acknowledge.
fn check_capabilities(template: &Template, given: &[String]) -> AwsResult<()> {
    let ok = match template.capability {
        None => true,
        Some("CAPABILITY_IAM") => given.iter().any(|c| c == "CAPABILITY_IAM" || c == "CAPABILITY_NAMED_IAM"),
        Some(named) => given.iter().any(|c| c == named),
    };
    if ok {
        return Ok(());
    }
    let needed = template.capability.unwrap_or_default();
    Err(AwsError::new("InsufficientCapabilitiesException", 400, format!("Requires capabilities : [{needed}]")))
}

/// The stack's parameter values from the request's `Parameters` (`UsePreviousValue` takes the
/// value of `previous`) and the template's defaults; a key the template does not declare and a
/// declared one without a value are refused.
fn parameter_values(
    template: &Template,
    input: &Input,
    previous: &BTreeMap<String, String>,
) -> AwsResult<BTreeMap<String, String>> {
    let mut given: BTreeMap<String, String> = BTreeMap::new();
    for item in input.get("Parameters").and_then(Value::as_array).into_iter().flatten() {
        let Some(key) = item.get("ParameterKey").and_then(Value::as_str) else { continue };
        let value = if item.get("UsePreviousValue").and_then(Value::as_bool) == Some(true) {
            previous.get(key).cloned()
        } else {
            item.get("ParameterValue").and_then(Value::as_str).map(str::to_string)
        };
        if let Some(v) = value {
            given.insert(key.to_string(), v);
        }
    }
    // A YAML template's parameters are not read: the values are kept as given.
    let Some(declared) = &template.parameters else { return Ok(given) };
    let unknown: Vec<&str> =
        given.keys().filter(|k| !declared.iter().any(|(d, _)| d == *k)).map(String::as_str).collect();
    if !unknown.is_empty() {
        return Err(validation(format!("Parameters: [{}] do not exist in the template", unknown.join(", "))));
    }
    let mut out = BTreeMap::new();
    let mut missing = Vec::new();
    for (key, default) in declared {
        match given.get(key).or(default.as_ref()) {
            Some(v) => {
                out.insert(key.clone(), v.clone());
            }
            None => missing.push(key.as_str()),
        }
    }
    if !missing.is_empty() {
        return Err(validation(format!("Parameters: [{}] must have values", missing.join(", "))));
    }
    Ok(out)
}

/// The request's `Tags`, at most 50.
fn tags_in(input: &Input) -> AwsResult<Option<Vec<(String, String)>>> {
    let Some(list) = input.get("Tags").and_then(Value::as_array) else { return Ok(None) };
    if list.len() > MAX_TAGS {
        return Err(validation(format!(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to {MAX_TAGS}"
        )));
    }
    let tags = list
        .iter()
        .filter_map(|t| {
            let k = t.get("Key").and_then(Value::as_str)?;
            Some((k.to_string(), t.get("Value").and_then(Value::as_str).unwrap_or_default().to_string()))
        })
        .collect();
    Ok(Some(tags))
}

/// The request's `Capabilities`.
fn capabilities_in(input: &Input) -> Vec<String> {
    input
        .get("Capabilities")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Checks a stack name (or stack ID) as CloudFormation's validation does.
fn check_stack_name(name: &str) -> AwsResult<()> {
    if name.chars().count() > 128 && !name.starts_with("arn:") {
        return Err(validation(format!(
            "1 validation error detected: Value '{name}' at 'stackName' failed to satisfy constraint: Member must have length less than or equal to 128"
        )));
    }
    let arn_ok = name
        .strip_prefix("arn:")
        .is_some_and(|r| r.bytes().all(|b| b.is_ascii_alphanumeric() || b"-:/._+".contains(&b)));
    if !valid_stack_name(name) && !arn_ok {
        return Err(validation(format!(
            "1 validation error detected: Value '{name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: {STACK_NAME_PATTERN}"
        )));
    }
    Ok(())
}

/// Authorizes `action` on a stack with the request's condition keys: its service role
/// (`cloudformation:RoleArn`) and its tags (`aws:RequestTag/KEY`, `aws:TagKeys`), as the
/// Service Authorization Reference lists them for CreateStack and UpdateStack.
fn authorize_stack(
    call: &mut Call,
    action: &str,
    resource: &str,
    role: Option<&str>,
    tags: &[(String, String)],
) -> AwsResult<()> {
    let request_tags: Vec<(String, &str)> =
        tags.iter().map(|(k, v)| (format!("aws:RequestTag/{k}"), v.as_str())).collect();
    let mut pairs: Vec<(&str, &str)> = request_tags.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    pairs.extend(tags.iter().map(|(k, _)| ("aws:TagKeys", k.as_str())));
    if let Some(role) = role {
        pairs.push(("cloudformation:RoleArn", role));
    }
    let record = call.decide(&AuthRequest::new(&call.caller, &call.region, action, resource).with_context(&pairs));
    call.record_decision(record)
}

/// Passes the service role to CloudFormation (rule CLOUDFORMATION-PASSROLE) and checks that
/// CloudFormation can assume it (rule CLOUDFORMATION-ROLE-TRUST).
fn pass_role(call: &mut Call, role: &str) -> AwsResult<()> {
    if role.chars().count() < 20 {
        return Err(validation(format!(
            "1 validation error detected: Value '{role}' at 'roleARN' failed to satisfy constraint: Member must have length greater than or equal to 20"
        )));
    }
    let record = decide_pass_role(call, role, SERVICE_PRINCIPAL);
    call.record_decision(record)?;
    if !role_trusts_service(call.world, role, SERVICE_PRINCIPAL) {
        return Err(validation(format!("Role {role} is invalid or cannot be assumed")));
    }
    Ok(())
}

/// The stack as `DescribeStacks` prints it (members in the model's order; those rootsim models).
pub(crate) fn stack_json(s: &Stack) -> Value {
    let mut m = Map::new();
    m.insert("StackId".into(), json!(s.id));
    m.insert("StackName".into(), json!(s.name));
    if let Some(d) = &s.description {
        m.insert("Description".into(), json!(d));
    }
    if !s.parameters.is_empty() {
        let ps: Vec<Value> =
            s.parameters.iter().map(|(k, v)| json!({ "ParameterKey": k, "ParameterValue": v })).collect();
        m.insert("Parameters".into(), json!(ps));
    }
    m.insert("CreationTime".into(), json!(format_cli(s.created)));
    if let Some(t) = s.updated {
        m.insert("LastUpdatedTime".into(), json!(format_cli(t)));
    }
    m.insert("RollbackConfiguration".into(), json!({}));
    m.insert("StackStatus".into(), json!(s.status));
    m.insert("DisableRollback".into(), json!(false));
    m.insert("NotificationARNs".into(), json!([]));
    if !s.capabilities.is_empty() {
        m.insert("Capabilities".into(), json!(s.capabilities));
    }
    if let Some(r) = &s.role_arn {
        m.insert("RoleARN".into(), json!(r));
    }
    let tags: Vec<Value> = s.tags.iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect();
    m.insert("Tags".into(), json!(tags));
    m.insert("EnableTerminationProtection".into(), json!(false));
    m.insert("DriftInformation".into(), json!({ "StackDriftStatus": "NOT_CHECKED" }));
    Value::Object(m)
}

/// A stack ID's UUID, from the world's generator.
fn uuid(call: &mut Call) -> String {
    let h = call.world.rng.lower_hex(32);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn create_stack(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "StackName")?.to_string();
    check_stack_name(&name)?;
    if !valid_stack_name(&name) {
        // A stack ID names an existing stack; a new stack needs a name.
        return Err(validation(format!(
            "1 validation error detected: Value '{name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"
        )));
    }
    let role = opt_str(input, "RoleARN").map(str::to_string);
    let tags = tags_in(input)?.unwrap_or_default();
    let (account, region) = (call.account(), call.region.clone());
    authorize_stack(call, "cloudformation:CreateStack", &name_arn(&account, &region, &name), role.as_deref(), &tags)?;
    if call.world.cloudformation.stack(&account, &region, &name).is_some() {
        return Err(AwsError::new("AlreadyExistsException", 400, format!("Stack [{name}] already exists")));
    }
    let text = opt_str(input, "TemplateBody")
        .ok_or_else(|| validation("Either Template URL or Template Body must be specified."))?
        .to_string();
    let template = read_template(&text)?;
    let parameters = parameter_values(&template, input, &BTreeMap::new())?;
    let capabilities = capabilities_in(input);
    check_capabilities(&template, &capabilities)?;
    if let Some(role) = &role {
        pass_role(call, role)?;
    }
    let id = format!("arn:aws:cloudformation:{region}:{account}:stack/{name}/{}", uuid(call));
    let stack = Stack {
        name,
        id: id.clone(),
        account,
        region,
        role_arn: role,
        template: text,
        description: template.description,
        parameters,
        capabilities,
        tags,
        created: call.now(),
        updated: None,
        status: "CREATE_COMPLETE".into(),
    };
    call.world.cloudformation.insert(stack);
    Ok(json!({ "StackId": id }))
}

/// The ARN an action on the stack `name_or_id` is authorized on: its stack ID when it exists,
/// else the ID given, else `stack/NAME/*`.
fn stack_arn(call: &Call, name_or_id: &str) -> String {
    let (account, region) = (&call.caller.account, &call.region);
    match call.world.cloudformation.stack(account, region, name_or_id) {
        Some(s) => s.id.clone(),
        None if name_or_id.starts_with("arn:") => name_or_id.to_string(),
        None => name_arn(account, region, name_or_id),
    }
}

fn describe_stacks(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let (account, region) = (call.account(), call.region.clone());
    let Some(name) = opt_str(input, "StackName") else {
        // Without a stack name the answer describes every stack: CloudFormation requires both
        // cloudformation:ListStacks and cloudformation:DescribeStacks (rule
        // CLOUDFORMATION-DESCRIBE-ALL), neither on a stack.
        call.authorize("cloudformation:ListStacks", "*")?;
        call.authorize("cloudformation:DescribeStacks", "*")?;
        let stacks: Vec<Value> = call.world.cloudformation.in_region(&account, &region).map(stack_json).collect();
        return Ok(json!({ "Stacks": stacks }));
    };
    check_stack_name(name)?;
    let resource = stack_arn(call, name);
    call.authorize("cloudformation:DescribeStacks", &resource)?;
    let stack = call
        .world
        .cloudformation
        .stack(&account, &region, name)
        .ok_or_else(|| validation(format!("Stack with id {name} does not exist")))?;
    Ok(json!({ "Stacks": [stack_json(stack)] }))
}

fn update_stack(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "StackName")?.to_string();
    check_stack_name(&name)?;
    let role = opt_str(input, "RoleARN").map(str::to_string);
    let tags = tags_in(input)?;
    let (account, region) = (call.account(), call.region.clone());
    let resource = stack_arn(call, &name);
    authorize_stack(
        call,
        "cloudformation:UpdateStack",
        &resource,
        role.as_deref(),
        tags.as_deref().unwrap_or_default(),
    )?;
    let old = call
        .world
        .cloudformation
        .stack(&account, &region, &name)
        .cloned()
        .ok_or_else(|| validation(format!("Stack [{name}] does not exist")))?;
    let previous = opt_bool(input, "UsePreviousTemplate") == Some(true);
    let text = match (opt_str(input, "TemplateBody"), previous) {
        (Some(_), true) => {
            // Simulator assumption for the wording: the API reference says to give only one.
            return Err(validation("You cannot specify both usePreviousTemplate and Template Body"));
        }
        (Some(t), false) => t.to_string(),
        // An imported stack carries no template (describe-stacks prints none): fail as an empty
        // template would, saying why.
        (None, true) if old.template.is_empty() => {
            return Err(template_error("At least one Resources member must be defined.").with_hint(
                "  (rootsim) this stack was imported from describe-stacks, which carries no template: give --template-body",
            ));
        }
        (None, true) => old.template.clone(),
        (None, false) => return Err(validation("Either Template URL or Template Body must be specified.")),
    };
    let template = read_template(&text)?;
    let parameters = parameter_values(&template, input, &old.parameters)?;
    let capabilities = capabilities_in(input);
    check_capabilities(&template, &capabilities)?;
    // Without --role-arn the stack keeps its role and nothing is passed (rule
    // CLOUDFORMATION-UPDATE-KEEPS-ROLE): whoever may update the stack acts as its role.
    if let Some(role) = &role {
        pass_role(call, role)?;
    }
    let new_role = role.or_else(|| old.role_arn.clone());
    let new_tags = tags.unwrap_or_else(|| old.tags.clone());
    if text == old.template && parameters == old.parameters && new_role == old.role_arn && new_tags == old.tags {
        return Err(validation("No updates are to be performed."));
    }
    let now = call.now();
    if let Some(s) = call.world.cloudformation.stack_mut(&account, &region, &old.name) {
        s.template = text;
        s.description = template.description;
        s.parameters = parameters;
        s.capabilities = capabilities;
        s.role_arn = new_role;
        s.tags = new_tags;
        s.updated = Some(now);
        s.status = "UPDATE_COMPLETE".into();
    }
    Ok(json!({ "StackId": old.id }))
}

fn delete_stack(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "StackName")?;
    check_stack_name(name)?;
    let (account, region) = (call.account(), call.region.clone());
    let resource = stack_arn(call, name);
    call.authorize("cloudformation:DeleteStack", &resource)?;
    // Deleting a stack that does not exist succeeds and changes nothing, as in CloudFormation.
    if let Some(s) = call.world.cloudformation.stack(&account, &region, name) {
        let stack_name = s.name.clone();
        call.world.cloudformation.remove(&account, &region, &stack_name);
    }
    Ok(Value::Null)
}

const STACK: Param = p("StackName", Shape::String, true, "the stack's name or stack ID");
const TEMPLATE: Param = p("TemplateBody", Shape::Document, false, "the template (JSON or YAML; file:// or inline)");
const ROLE: Param = p("RoleARN", Shape::String, false, "the service role CloudFormation acts as (needs iam:PassRole)");
const PARAMETERS: Param = p(
    "Parameters",
    Shape::StructureList(&[
        p("ParameterKey", Shape::String, false, "the parameter's name"),
        p("ParameterValue", Shape::String, false, "its value"),
        p("UsePreviousValue", Shape::Boolean, false, "keep the stack's current value"),
    ]),
    false,
    "ParameterKey=k,ParameterValue=v ...",
);
const CAPABILITIES: Param =
    p("Capabilities", Shape::StringList, false, "CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND");
const TAGS: Param = p("Tags", Shape::Tags, false, "tags: Key=k,Value=v ... (at most 50)");

/// CloudFormation's operations (`aws cloudformation ...`): stacks.
pub const OPERATIONS: &[Operation] = operations!(
    "cloudformation",
    [
        (
            "CreateStack",
            create_stack,
            "Creates a stack from a template (its resources are not created: rootsim keeps the template).",
            [STACK, TEMPLATE, PARAMETERS, CAPABILITIES, ROLE, TAGS]
        ),
        (
            "DescribeStacks",
            describe_stacks,
            "Describes one stack, or every stack of the account in the Region.",
            [p("StackName", Shape::String, false, "the stack's name or stack ID")]
        ),
        (
            "UpdateStack",
            update_stack,
            "Updates a stack's template, parameters, tags or service role.",
            [
                STACK,
                TEMPLATE,
                p("UsePreviousTemplate", Shape::Boolean, false, "keep the stack's template"),
                PARAMETERS,
                CAPABILITIES,
                ROLE,
                TAGS
            ]
        ),
        ("DeleteStack", delete_stack, "Deletes a stack.", [STACK]),
    ]
);

#[cfg(test)]
mod tests {
    use crate::{Session, DEFAULT_SEED};

    const TEMPLATE: &str = r#"{"Resources":{"Q":{"Type":"AWS::SQS::Queue"}}}"#;

    #[test]
    fn an_imported_stack_without_its_template_needs_a_template_body_to_update() {
        let mut s = Session::demo(DEFAULT_SEED);
        s.run(&format!("aws cloudformation create-stack --stack-name web --template-body {TEMPLATE}")).expect_ok();
        // What an import leaves: describe-stacks prints no template.
        let account = s.world.accounts.by_id.keys().find(|a| s.world.cloudformation.accounts.has_account(a)).cloned();
        let account = account.expect("the stack's account");
        s.world.cloudformation.stack_mut(&account, "us-east-1", "web").expect("created").template.clear();
        let refused = s.run("aws cloudformation update-stack --stack-name web --use-previous-template");
        assert!(refused.expect_error("ValidationError").text.contains("carries no template"));
        // With a template it updates, and keeps it from then on.
        let with = r#"{"Resources":{"T":{"Type":"AWS::SNS::Topic"}}}"#;
        s.run(&format!("aws cloudformation update-stack --stack-name web --template-body {with}")).expect_ok();
        let stack = s.world.cloudformation.stack(&account, "us-east-1", "web").expect("kept");
        assert_eq!(stack.template, with);
        assert_eq!(stack.status, "UPDATE_COMPLETE");
    }

    #[test]
    fn a_yaml_template_is_read_for_its_resources_and_description() {
        let mut s = Session::demo(DEFAULT_SEED);
        let yaml = "'Description: A queue\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n'";
        s.run(&format!("aws cloudformation create-stack --stack-name y --template-body {yaml}")).expect_ok();
        let got = s.run("aws cloudformation describe-stacks --stack-name y");
        assert_eq!(got.expect_ok().json.as_ref().expect("JSON")["Stacks"][0]["Description"], "A queue");
        let none = "'Description: nothing\n'";
        s.run(&format!("aws cloudformation create-stack --stack-name z --template-body {none}"))
            .expect_error("ValidationError");
    }
}
