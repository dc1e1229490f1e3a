//! Lambda's operations: each reads its parameters, checks them as Lambda's request validation
//! does, authorizes the call on the function's ARN, looks the function up, then changes the
//! state (`state.rs`, re-exported by [`super`]) and renders the response as the AWS CLI prints
//! it. A failed call changes nothing: every check comes before the change.

use super::state::{
    format_last_modified, function_arn, is_zip, sha256, valid_function_name, CodeSource, Function, SERVICE_PRINCIPAL,
};
use crate::auth::AuthRequest;
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_bool, opt_i64, opt_str, req_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Input = Map<String, Value>;

/// The `FunctionName` pattern of Lambda's model, which its validation message quotes.
const NAME_PATTERN: &str = "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";

/// The `RoleArn` pattern of Lambda's model, which its validation message quotes.
const ROLE_PATTERN: &str = "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";

/// Defaults of a new function (API reference, CreateFunction: Timeout 3 seconds, MemorySize 128 MB).
const DEFAULT_TIMEOUT: i64 = 3;
const DEFAULT_MEMORY: i64 = 128;

/// `ResourceNotFoundException` (404) for the function `arn`.
fn not_found(arn: &str) -> AwsError {
    AwsError::new("ResourceNotFoundException", 404, format!("Function not found: {arn}"))
}

/// `InvalidParameterValueException` (400).
fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidParameterValueException", 400, message)
}

/// Lambda's request validation (`ValidationException`, 400): `value` at `member` breaks `constraint`.
fn validation(value: &str, member: &str, constraint: &str) -> AwsError {
    AwsError::new(
        "ValidationException",
        400,
        format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ),
    )
}

/// Lambda answers every denial, `iam:PassRole` and the S3 read of the package included, with its
/// own `AccessDeniedException` (403): a denial the authorizer worded for another service is
/// re-coded here, its message kept.
fn lambda_denial(e: AwsError) -> AwsError {
    if e.code == "AccessDenied" {
        AwsError { code: "AccessDeniedException".into(), status: 403, ..e }
    } else {
        e
    }
}

/// A UUID from the world's generator (revision IDs, package locations).
fn uuid(call: &mut Call) -> String {
    let h = call.world.rng.lower_hex(32);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// The function a `FunctionName` parameter names: its name alone, its ARN
/// (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`) or its partial ARN (`ACCOUNT:function:NAME`),
/// each optionally ending in `:$LATEST`. Returns (account, Region, name); the account and Region
/// default to the caller's. Anything else is Lambda's `ValidationException`.
fn resolve(call: &Call, given: &str) -> AwsResult<(String, String, String)> {
    let refuse = || {
        validation(given, "functionName", &format!("Member must satisfy regular expression pattern: {NAME_PATTERN}"))
    };
    let unqualified = given.strip_suffix(":$LATEST").unwrap_or(given);
    let parts: Vec<&str> = unqualified.split(':').collect();
    let (account, region, name) = match parts.as_slice() {
        [name] => (call.account(), call.region.clone(), *name),
        [account, "function", name] => (account.to_string(), call.region.clone(), *name),
        ["arn", partition, "lambda", region, account, "function", name] if partition.starts_with("aws") => {
            (account.to_string(), region.to_string(), *name)
        }
        _ => return Err(refuse()),
    };
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if !account_ok || !valid_function_name(name) || given.len() > 140 {
        return Err(refuse());
    }
    Ok((account, region, name.to_string()))
}

/// Resolves `FunctionName`, authorizes `action` on the function's ARN (whether or not it exists,
/// as Lambda does: a caller not allowed learns nothing), then finds it in the Region of the call.
fn authorize_function(call: &mut Call, input: &Input, action: &str) -> AwsResult<Function> {
    let given = req_str(input, "FunctionName")?;
    let (account, region, name) = resolve(call, given)?;
    let arn = function_arn(&region, &account, &name);
    call.authorize(action, &arn)?;
    // A function of another Region is not found from this Region's endpoint.
    let found = (region == call.region).then(|| call.world.lambda.function(&account, &region, &name)).flatten();
    found.cloned().ok_or_else(|| not_found(&arn))
}

/// The configuration JSON of `f` as the CLI prints a `FunctionConfiguration`, in the model's
/// member order. `view` says which operation answers: the fields Lambda adds or leaves out
/// differ between them (ListFunctions gives no state fields; CreateFunction answers while the
/// function is `Pending`; an update answers while the update is `InProgress`).
fn configuration(f: &Function, view: View) -> Value {
    let mut out = Map::new();
    let version = match view {
        View::Published(n) => n.to_string(),
        _ => "$LATEST".to_string(),
    };
    let arn = match view {
        View::Published(n) => format!("{}:{n}", f.arn()),
        _ => f.arn(),
    };
    out.insert("FunctionName".into(), json!(f.name));
    out.insert("FunctionArn".into(), json!(arn));
    if let Some(r) = &f.runtime {
        out.insert("Runtime".into(), json!(r));
    }
    out.insert("Role".into(), json!(f.role));
    if let Some(h) = &f.handler {
        out.insert("Handler".into(), json!(h));
    }
    out.insert("CodeSize".into(), json!(f.code_size));
    out.insert("Description".into(), json!(f.description));
    out.insert("Timeout".into(), json!(f.timeout));
    out.insert("MemorySize".into(), json!(f.memory_size));
    out.insert("LastModified".into(), json!(format_last_modified(f.last_modified)));
    out.insert("CodeSha256".into(), json!(f.code_sha256));
    out.insert("Version".into(), json!(version));
    if let Some(vars) = &f.environment {
        out.insert("Environment".into(), json!({ "Variables": vars }));
    }
    out.insert("TracingConfig".into(), json!({ "Mode": "PassThrough" }));
    out.insert("RevisionId".into(), json!(f.revision_id));
    match view {
        View::List => {}
        View::Created | View::Published(_) => {
            out.insert("State".into(), json!("Pending"));
            out.insert("StateReason".into(), json!("The function is being created."));
            out.insert("StateReasonCode".into(), json!("Creating"));
        }
        View::Updated => {
            out.insert("State".into(), json!("Active"));
            // The functions-states page's example of an update in progress: no reason fields.
            out.insert("LastUpdateStatus".into(), json!("InProgress"));
        }
        View::Current => {
            out.insert("State".into(), json!("Active"));
            out.insert("LastUpdateStatus".into(), json!("Successful"));
        }
    }
    out.insert("PackageType".into(), json!("Zip"));
    out.insert("Architectures".into(), json!(["x86_64"]));
    out.insert("EphemeralStorage".into(), json!({ "Size": 512 }));
    out.insert("SnapStart".into(), json!({ "ApplyOn": "None", "OptimizationStatus": "Off" }));
    out.insert("LoggingConfig".into(), json!({ "LogFormat": "Text", "LogGroup": format!("/aws/lambda/{}", f.name) }));
    Value::Object(out)
}

/// Which answer a configuration is printed for ([`configuration`]).
#[derive(Debug, Clone, Copy)]
enum View {
    /// ListFunctions: no state fields.
    List,
    /// CreateFunction's answer: `Pending`.
    Created,
    /// CreateFunction `--publish`'s answer: version N, `Pending`.
    Published(u32),
    /// An update's answer: the update `InProgress`.
    Updated,
    /// GetFunction and GetFunctionConfiguration: `Active`, the last update `Successful`.
    Current,
}

/// The deployment package a request carries: its bytes and where they came from. `ZipFile`
/// arrives in base64 (`Shape::BlobValue`); an S3 object is read from the world's S3, with the
/// caller's own `s3:GetObject` permission, as Lambda reads it.
fn package(call: &mut Call, code: &Input) -> AwsResult<(Vec<u8>, CodeSource)> {
    let zip = opt_str(code, "ZipFile");
    let (bucket, key) = (opt_str(code, "S3Bucket"), opt_str(code, "S3Key"));
    match (zip, bucket, key) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            Err(invalid("Please do not provide other FunctionCode parameters when providing a ZipFile."))
        }
        (Some(b64), None, None) => {
            let bytes = crate::pages::base64_decode(b64).ok_or_else(|| {
                invalid("Could not unzip uploaded file. Please check your file, then try to upload again.")
            })?;
            if !is_zip(&bytes) {
                return Err(invalid(
                    "Could not unzip uploaded file. Please check your file, then try to upload again.",
                ));
            }
            Ok((bytes, CodeSource::Zip))
        }
        (None, Some(bucket), Some(key)) => s3_package(call, bucket, key),
        _ => Err(invalid("Please provide a source for function code.")),
    }
}

/// Lambda's copy of the package `bucket`/`key`: Lambda reads it as the caller (the caller needs
/// `s3:GetObject`), from a bucket of the function's Region.
fn s3_package(call: &mut Call, bucket: &str, key: &str) -> AwsResult<(Vec<u8>, CodeSource)> {
    let get_object = |code: &str, message: &str| {
        invalid(format!("Error occurred while GetObject. S3 Error Code: {code}. S3 Error Message: {message}"))
    };
    let Some((owner, policy)) = call.world.s3.bucket_policy(bucket) else {
        return Err(get_object("NoSuchBucket", "The specified bucket does not exist"));
    };
    let object_arn = crate::s3::object_arn(bucket, key);
    let request = AuthRequest::new(&call.caller, &call.region, "s3:GetObject", &object_arn)
        .owned_by(&owner)
        .with_resource_policy(policy.as_ref().map(|(n, p)| (n.as_str(), p)));
    let record = call.decide(&request);
    call.record_decision(record).map_err(|_| {
        AwsError::new(
            "AccessDeniedException",
            403,
            format!("Your access has been denied by S3, please make sure your request credentials have permission to GetObject for {bucket}/{key}. S3 Error Code: AccessDenied. S3 Error Message: Access Denied"),
        )
    })?;
    let b = &call.world.s3.buckets[bucket];
    if b.region != call.region {
        return Err(get_object(
            "PermanentRedirect",
            &format!("The bucket is in this region: {}. Please use this region to retry the request", b.region),
        ));
    }
    let object = b.objects.get(key).ok_or_else(|| get_object("NoSuchKey", "The specified key does not exist."))?;
    Ok((object.body.clone(), CodeSource::S3 { bucket: bucket.to_string(), key: key.to_string() }))
}

/// Checks `role` (a `Role` parameter) as Lambda does before passing it: the ARN's form, the
/// caller's `iam:PassRole` on it with `iam:PassedToService` Lambda's principal, then that the
/// role exists and its trust policy lets Lambda assume it.
fn pass_role(call: &mut Call, role: &str) -> AwsResult<()> {
    let form_ok =
        role.strip_prefix("arn:aws:iam::").and_then(|r| r.split_once(":role/")).is_some_and(|(account, name)| {
            account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-/".contains(&b))
        });
    if !form_ok {
        return Err(validation(
            role,
            "role",
            &format!("Member must satisfy regular expression pattern: {ROLE_PATTERN}"),
        ));
    }
    let record = crate::service::decide_pass_role(call, role, SERVICE_PRINCIPAL);
    call.record_decision(record).map_err(lambda_denial)?;
    // The role's trust policy must let Lambda in, and not deny it (LAMBDA-ROLE-TRUST).
    if !crate::service::role_trusts_service(call.world, role, SERVICE_PRINCIPAL) {
        return Err(invalid("The role defined for the function cannot be assumed by Lambda."));
    }
    Ok(())
}

/// The variables the runtime sets, which a function's configuration may not set (the
/// "Defined runtime environment variables" of Lambda's guide; those starting with `_` fail the
/// name pattern first, and `TZ`, listed there too, is left settable: simulator assumption).
const RESERVED_VARIABLES: &[&str] = &[
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_REGION",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "LAMBDA_RUNTIME_DIR",
    "LAMBDA_TASK_ROOT",
];

/// The `Environment` parameter's variables (`{"Variables": {...}}`), checked as Lambda checks
/// them: names of letters, digits and `_` starting with a letter; 4 KB in all.
fn environment(input: &Input) -> AwsResult<Option<BTreeMap<String, String>>> {
    let Some(env) = input.get("Environment") else { return Ok(None) };
    let vars = env.get("Variables").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut out = BTreeMap::new();
    let mut size = 0;
    for (k, v) in vars {
        let name_ok = k.len() >= 2
            && k.starts_with(|c: char| c.is_ascii_alphabetic())
            && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !name_ok {
            return Err(validation(
                &k,
                "environment.variables",
                "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+",
            ));
        }
        let v = match v {
            Value::String(s) => s,
            other => other.to_string(),
        };
        size += k.len() + v.len();
        out.insert(k, v);
    }
    let reserved: Vec<&str> = out.keys().map(String::as_str).filter(|k| RESERVED_VARIABLES.contains(k)).collect();
    if !reserved.is_empty() {
        return Err(invalid(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {}",
            reserved.join(", ")
        )));
    }
    if size > 4096 {
        return Err(invalid(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {}",
            serde_json::to_string(&out).unwrap_or_default()
        )));
    }
    Ok(Some(out))
}

/// `Description`, at most 256 characters.
fn description(input: &Input) -> AwsResult<Option<String>> {
    match opt_str(input, "Description") {
        Some(d) if d.chars().count() > 256 => {
            Err(validation(d, "description", "Member must have length less than or equal to 256"))
        }
        d => Ok(d.map(str::to_string)),
    }
}

/// `Handler`: at most 128 characters, no white space.
fn handler(input: &Input) -> AwsResult<Option<String>> {
    match opt_str(input, "Handler") {
        Some(h) if h.len() > 128 || h.is_empty() || h.chars().any(char::is_whitespace) => {
            Err(validation(h, "handler", "Member must satisfy regular expression pattern: [^\\s]+"))
        }
        h => Ok(h.map(str::to_string)),
    }
}

/// Lambda's limits on `Timeout` (1-900 seconds) and `MemorySize` (128-10240 MB), which are
/// narrower than the model's ranges that botocore checks before sending.
fn limits(input: &Input) -> AwsResult<()> {
    if let Some(t) = opt_i64(input, "Timeout") {
        if !(1..=900).contains(&t) {
            return Err(validation(&t.to_string(), "timeout", "Member must have value less than or equal to 900"));
        }
    }
    if let Some(m) = opt_i64(input, "MemorySize") {
        if !(128..=10240).contains(&m) {
            return Err(validation(&m.to_string(), "memorySize", "Member must have value less than or equal to 10240"));
        }
    }
    Ok(())
}

fn create_function(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "FunctionName")?;
    let role = req_str(input, "Role")?.to_string();
    // CreateFunction takes a name or an ARN too; the function is made in the caller's account
    // and the call's Region, so an ARN naming others is refused as the pattern check would.
    let (account, region, name) = resolve(call, name)?;
    let handler = handler(input)?;
    let description = description(input)?.unwrap_or_default();
    limits(input)?;
    let env = environment(input)?;
    let tags: BTreeMap<String, String> = input
        .get("Tags")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default();
    let arn = function_arn(&region, &account, &name);
    // The request's tags are condition keys (aws:RequestTag/KEY, aws:TagKeys), as the Service
    // Authorization Reference lists for lambda:CreateFunction.
    let request_tags: Vec<(String, &str)> =
        tags.iter().map(|(k, v)| (format!("aws:RequestTag/{k}"), v.as_str())).collect();
    let mut pairs: Vec<(&str, &str)> = request_tags.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    pairs.extend(tags.keys().map(|k| ("aws:TagKeys", k.as_str())));
    let request = AuthRequest::new(&call.caller, &call.region, "lambda:CreateFunction", &arn).with_context(&pairs);
    let record = call.decide(&request);
    call.record_decision(record)?;
    if account != call.account() || region != call.region {
        return Err(not_found(&arn));
    }
    if call.world.lambda.function(&account, &region, &name).is_some() {
        return Err(AwsError::new("ResourceConflictException", 409, format!("Function already exist: {name}")));
    }
    pass_role(call, &role)?;
    let runtime = opt_str(input, "Runtime").map(str::to_string);
    if runtime.is_none() || handler.is_none() {
        return Err(invalid(
            "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
        ));
    }
    let code = input.get("Code").and_then(Value::as_object).cloned().unwrap_or_default();
    let (bytes, source) = package(call, &code)?;
    let publish = opt_bool(input, "Publish").unwrap_or(false);
    let function = Function {
        name,
        account,
        region,
        runtime,
        role,
        handler,
        description,
        timeout: opt_i64(input, "Timeout").unwrap_or(DEFAULT_TIMEOUT),
        memory_size: opt_i64(input, "MemorySize").unwrap_or(DEFAULT_MEMORY),
        code_size: bytes.len() as u64,
        code_sha256: crate::pages::base64_encode(&sha256(&bytes)),
        code: source,
        last_modified: call.now(),
        revision_id: uuid(call),
        environment: env,
        tags,
        published: u32::from(publish),
    };
    let view = if publish { View::Published(1) } else { View::Created };
    let out = configuration(&function, view);
    call.world.lambda.insert(function);
    Ok(out)
}

fn get_function(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let f = authorize_function(call, input, "lambda:GetFunction")?;
    let location = format!(
        "https://awslambda-{region}-tasks.s3.{region}.amazonaws.com/snapshots/{}/{}-{}",
        f.account,
        f.name,
        &f.revision_id,
        region = f.region
    );
    let mut out = Map::new();
    out.insert("Configuration".into(), configuration(&f, View::Current));
    out.insert("Code".into(), json!({ "RepositoryType": "S3", "Location": location }));
    if !f.tags.is_empty() {
        out.insert("Tags".into(), json!(f.tags));
    }
    Ok(Value::Object(out))
}

fn get_function_configuration(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let f = authorize_function(call, input, "lambda:GetFunctionConfiguration")?;
    Ok(configuration(&f, View::Current))
}

/// `aws lambda list-functions`: the account's functions in the Region, by name; the pages are
/// cut by `pages::invoke` (Marker/NextMarker, at most 50 a page).
fn list_functions(call: &mut Call, _: &Input) -> AwsResult<Value> {
    call.authorize("lambda:ListFunctions", "*")?;
    let (account, region) = (call.account(), call.region.clone());
    let functions: Vec<Value> =
        call.world.lambda.functions_in(&account, &region).map(|f| configuration(f, View::List)).collect();
    Ok(json!({ "Functions": functions }))
}

/// A function as `list-functions` prints it (the export writes the same).
pub fn listed(f: &Function) -> Value {
    configuration(f, View::List)
}

/// The `RevisionId` precondition of the updates: the function's current revision, when given.
fn check_revision(f: &Function, input: &Input) -> AwsResult<()> {
    match opt_str(input, "RevisionId") {
        Some(r) if r != f.revision_id => Err(AwsError::new(
            "PreconditionFailedException",
            412,
            "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
        )),
        _ => Ok(()),
    }
}

fn update_function_code(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let mut f = authorize_function(call, input, "lambda:UpdateFunctionCode")?;
    check_revision(&f, input)?;
    let (bytes, source) = package(call, input)?;
    f.code_size = bytes.len() as u64;
    f.code_sha256 = crate::pages::base64_encode(&sha256(&bytes));
    f.code = source;
    f.last_modified = call.now();
    f.revision_id = uuid(call);
    let out = if opt_bool(input, "Publish").unwrap_or(false) {
        f.published += 1;
        configuration(&f, View::Published(f.published))
    } else {
        configuration(&f, View::Updated)
    };
    call.world.lambda.insert(f);
    Ok(out)
}

fn update_function_configuration(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let mut f = authorize_function(call, input, "lambda:UpdateFunctionConfiguration")?;
    let handler = handler(input)?;
    let description = description(input)?;
    limits(input)?;
    let env = environment(input)?;
    check_revision(&f, input)?;
    // A new execution role is passed to Lambda as at creation (rule LAMBDA-PASSROLE).
    if let Some(role) = opt_str(input, "Role") {
        pass_role(call, role)?;
        f.role = role.to_string();
    }
    if let Some(r) = opt_str(input, "Runtime") {
        f.runtime = Some(r.to_string());
    }
    if let Some(h) = handler {
        f.handler = Some(h);
    }
    if let Some(d) = description {
        f.description = d;
    }
    if let Some(t) = opt_i64(input, "Timeout") {
        f.timeout = t;
    }
    if let Some(m) = opt_i64(input, "MemorySize") {
        f.memory_size = m;
    }
    if env.is_some() {
        f.environment = env;
    }
    f.last_modified = call.now();
    f.revision_id = uuid(call);
    let out = configuration(&f, View::Updated);
    call.world.lambda.insert(f);
    Ok(out)
}

fn delete_function(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let f = authorize_function(call, input, "lambda:DeleteFunction")?;
    call.world.lambda.remove(&f.account, &f.region, &f.name);
    // The model's DeleteFunctionResponse carries the HTTP status (204), which the CLI prints.
    Ok(json!({ "StatusCode": 204 }))
}

const FUNCTION: Param = p("FunctionName", Shape::String, true, "the function's name, ARN or partial ARN");
const CODE_MEMBERS: &[Param] = &[
    p("S3Bucket", Shape::String, false, "the bucket of the .zip package, in the function's Region"),
    p("S3Key", Shape::String, false, "the package's key"),
];
const ENV_MEMBERS: &[Param] = &[p("Variables", Shape::Map, false, "NAME=VALUE pairs")];
const HANDLER: Param = p("Handler", Shape::String, false, "the method that runs, e.g. index.handler");
const DESCRIPTION: Param = p("Description", Shape::String, false, "up to 256 characters");
const TIMEOUT: Param = p("Timeout", Shape::Integer, false, "seconds a run may last (1-900, default 3)");
const MEMORY: Param = p("MemorySize", Shape::Integer, false, "megabytes (128-10240, default 128)");
const ENVIRONMENT: Param =
    p("Environment", Shape::Structure(ENV_MEMBERS), false, "Variables={NAME=VALUE,...}: environment variables");
const RUNTIME: Param = p("Runtime", Shape::String, false, "the runtime, e.g. python3.13");
const REVISION: Param = p("RevisionId", Shape::String, false, "update only if the function's revision is this one");
const PUBLISH: Param = p("Publish", Shape::Boolean, false, "also publish a version");

/// Lambda's operations (`aws lambda ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "lambda",
    [
        (
            "CreateFunction",
            create_function,
            "Creates a function from a .zip package, running as an execution role (passed with iam:PassRole).",
            [
                FUNCTION,
                RUNTIME,
                p("Role", Shape::String, true, "the execution role's ARN (it must trust lambda.amazonaws.com)"),
                HANDLER,
                // Not required on the command line: awscli's customizations/awslambda.py makes
                // --code optional and adds --zip-file (rule LAMBDA-CLI-ZIP-FILE).
                p("Code", Shape::Structure(CODE_MEMBERS), false, "S3Bucket=BUCKET,S3Key=KEY: the package in S3"),
                p("ZipFile", Shape::BlobValue, false, "fileb://PATH of the .zip package"),
                DESCRIPTION,
                TIMEOUT,
                MEMORY,
                PUBLISH,
                ENVIRONMENT,
                p("Tags", Shape::Map, false, "KEY=VALUE,...: the function's tags"),
            ]
        ),
        (
            "GetFunction",
            get_function,
            "Shows a function's configuration, where its package is, and its tags.",
            [FUNCTION]
        ),
        ("GetFunctionConfiguration", get_function_configuration, "Shows a function's configuration.", [FUNCTION]),
        ("ListFunctions", list_functions, "Lists the account's functions in the Region.", []),
        (
            "UpdateFunctionCode",
            update_function_code,
            "Replaces a function's code: whoever may do it runs code as the function's role.",
            [
                FUNCTION,
                p("ZipFile", Shape::BlobValue, false, "fileb://PATH of the new .zip package"),
                p("S3Bucket", Shape::String, false, "the bucket of the new package"),
                p("S3Key", Shape::String, false, "the new package's key"),
                PUBLISH,
                REVISION,
            ]
        ),
        (
            "UpdateFunctionConfiguration",
            update_function_configuration,
            "Changes a function's settings; a new --role is passed with iam:PassRole.",
            [
                FUNCTION,
                p("Role", Shape::String, false, "a new execution role's ARN"),
                HANDLER,
                DESCRIPTION,
                TIMEOUT,
                MEMORY,
                ENVIRONMENT,
                RUNTIME,
                REVISION,
            ]
        ),
        ("DeleteFunction", delete_function, "Deletes a function.", [FUNCTION]),
    ]
);
