//! CodeBuild's project and build operations: each checks its parameters, authorizes the call on
//! the project's ARN, changes the projects through their typed methods (`state.rs`) and answers
//! as the AWS CLI prints CodeBuild's response.

use super::state::{arn, valid_name, Artifacts, Build, Environment, Project, Source};
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_i64, opt_str, req_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

/// The service principal a role is passed to (`iam:PassedToService`).
pub const SERVICE_PRINCIPAL: &str = "codebuild.amazonaws.com";

/// The source types of the model's `SourceType`.
const SOURCE_TYPES: &[&str] = &[
    "CODECOMMIT",
    "CODEPIPELINE",
    "GITHUB",
    "GITLAB",
    "GITLAB_SELF_MANAGED",
    "S3",
    "BITBUCKET",
    "GITHUB_ENTERPRISE",
    "NO_SOURCE",
];

/// The artifact types of the model's `ArtifactsType`.
const ARTIFACT_TYPES: &[&str] = &["CODEPIPELINE", "S3", "NO_ARTIFACTS"];

fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidInputException", 400, message)
}

/// CodeBuild's answer for a project that does not exist.
fn not_found(arn: &str) -> AwsError {
    AwsError::new("ResourceNotFoundException", 400, format!("Project cannot be found: {arn}"))
}

/// A member of a structure parameter, as a string.
fn member<'a>(s: &'a Input, key: &str) -> Option<&'a str> {
    s.get(key).and_then(Value::as_str)
}

/// The structure parameter `key`, if given.
fn structure<'a>(input: &'a Input, key: &str) -> Option<&'a Input> {
    input.get(key).and_then(Value::as_object)
}

/// A value of the enum `set` for `field`, or CodeBuild's refusal.
fn one_of(value: &str, field: &str, set: &[&str]) -> AwsResult<String> {
    if set.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(invalid(format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            set.join(", ")
        )))
    }
}

fn missing(field: &str) -> AwsError {
    invalid(format!(
        "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
    ))
}

fn source_of(s: &Input) -> AwsResult<Source> {
    let kind = one_of(member(s, "type").ok_or_else(|| missing("source.type"))?, "source.type", SOURCE_TYPES)?;
    let buildspec = member(s, "buildspec").filter(|b| !b.is_empty()).map(str::to_string);
    let location = member(s, "location").filter(|l| !l.is_empty()).map(str::to_string);
    // A project without source has nothing to read a buildspec file from.
    if kind == "NO_SOURCE" && buildspec.is_none() {
        return Err(invalid("Project source buildspec is required for NO_SOURCE type"));
    }
    if kind != "NO_SOURCE" && kind != "CODEPIPELINE" && location.is_none() {
        return Err(invalid(format!("Project source location is required for {kind} type")));
    }
    Ok(Source { kind, location, buildspec })
}

fn artifacts_of(a: &Input) -> AwsResult<Artifacts> {
    let kind = one_of(member(a, "type").ok_or_else(|| missing("artifacts.type"))?, "artifacts.type", ARTIFACT_TYPES)?;
    let location = member(a, "location").filter(|l| !l.is_empty()).map(str::to_string);
    if kind == "S3" && location.is_none() {
        return Err(invalid("Project artifacts location is required for S3 type"));
    }
    Ok(Artifacts { kind, location })
}

fn environment_of(e: &Input) -> AwsResult<Environment> {
    let kind = member(e, "type").ok_or_else(|| missing("environment.type"))?.to_string();
    let image = member(e, "image").filter(|i| !i.is_empty()).ok_or_else(|| missing("environment.image"))?;
    let compute = member(e, "computeType").ok_or_else(|| missing("environment.computeType"))?;
    let privileged = e.get("privilegedMode").and_then(Value::as_bool).unwrap_or(false);
    Ok(Environment { kind, image: image.to_string(), compute_type: compute.to_string(), privileged_mode: privileged })
}

/// A timeout in minutes within `min..=max`, or CodeBuild's refusal.
fn minutes(input: &Input, key: &str, min: i64, max: i64, default: i64) -> AwsResult<i64> {
    let v = opt_i64(input, key).unwrap_or(default);
    if (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(invalid(format!(
            "1 validation error detected: Value '{v}' at '{key}' failed to satisfy constraint: Member must have value between {min} and {max}"
        )))
    }
}

/// Asks `iam:PassRole` on `role_arn` for CodeBuild, with `iam:PassedToService` (rule
/// CODEBUILD-PASSROLE). A denial is CodeBuild's answer to `action`, the operation that passes
/// the role: CodeBuild's error code, the engine's message naming iam:PassRole.
fn pass_role(call: &mut Call, action: &str, role_arn: &str) -> AwsResult<()> {
    crate::service::authorize_pass_role(call, action, role_arn, SERVICE_PRINCIPAL)
}

/// The role must exist for CodeBuild to assume it (rule CODEBUILD-SERVICE-ROLE).
fn check_role(call: &Call, role_arn: &str) -> AwsResult<()> {
    // IAM passes only roles of the caller's own account (rule CODEBUILD-PASSROLE).
    let same_account = role_arn.split(':').nth(4) == Some(call.caller.account.as_str());
    if same_account && call.world.role_trust_policy(role_arn).is_some() {
        Ok(())
    } else {
        Err(invalid(format!("CodeBuild is not authorized to perform: sts:AssumeRole on {role_arn}")))
    }
}

/// The KMS key CodeBuild encrypts artifacts with when the project names none: the account's
/// AWS managed key for S3.
fn default_key(p: &Project) -> String {
    format!("arn:aws:kms:{}:{}:alias/aws/s3", p.region, p.account)
}

fn source_json(s: &Source, buildspec: Option<&str>) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!(s.kind));
    if let Some(l) = &s.location {
        m.insert("location".into(), json!(l));
    }
    if let Some(b) = buildspec.or(s.buildspec.as_deref()) {
        m.insert("buildspec".into(), json!(b));
    }
    m.insert("insecureSsl".into(), json!(false));
    Value::Object(m)
}

fn environment_json(e: &Environment) -> Value {
    json!({
        "type": e.kind,
        "image": e.image,
        "computeType": e.compute_type,
        "environmentVariables": [],
        "privilegedMode": e.privileged_mode,
        "imagePullCredentialsType": "CODEBUILD",
    })
}

/// A project as CodeBuild's `Project` shape prints it, in the model's member order.
pub fn project_json(p: &Project) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(p.name));
    m.insert("arn".into(), json!(p.arn()));
    if let Some(d) = &p.description {
        m.insert("description".into(), json!(d));
    }
    m.insert("source".into(), source_json(&p.source, None));
    m.insert("secondarySources".into(), json!([]));
    m.insert("secondarySourceVersions".into(), json!([]));
    let mut artifacts = Map::new();
    artifacts.insert("type".into(), json!(p.artifacts.kind));
    if let Some(l) = &p.artifacts.location {
        artifacts.insert("location".into(), json!(l));
    }
    m.insert("artifacts".into(), Value::Object(artifacts));
    m.insert("secondaryArtifacts".into(), json!([]));
    m.insert("cache".into(), json!({ "type": "NO_CACHE" }));
    m.insert("environment".into(), environment_json(&p.environment));
    m.insert("serviceRole".into(), json!(p.service_role));
    m.insert("timeoutInMinutes".into(), json!(p.timeout_minutes));
    m.insert("queuedTimeoutInMinutes".into(), json!(p.queued_timeout_minutes));
    m.insert("encryptionKey".into(), json!(default_key(p)));
    m.insert("tags".into(), json!([]));
    m.insert("created".into(), json!(crate::clock::format_cli(p.created)));
    m.insert("lastModified".into(), json!(crate::clock::format_cli(p.modified)));
    m.insert("badge".into(), json!({ "badgeEnabled": false }));
    m.insert("projectVisibility".into(), json!("PRIVATE"));
    Value::Object(m)
}

/// Checks a project name as CodeBuild does.
fn check_name(name: &str) -> AwsResult<()> {
    if valid_name(name) {
        Ok(())
    } else {
        Err(invalid(format!(
            "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\\-_]{{1,149}}"
        )))
    }
}

fn create_project(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "name")?.to_string();
    check_name(&name)?;
    let source = source_of(structure(input, "source").ok_or_else(|| missing("source"))?)?;
    let artifacts = artifacts_of(structure(input, "artifacts").ok_or_else(|| missing("artifacts"))?)?;
    let environment = environment_of(structure(input, "environment").ok_or_else(|| missing("environment"))?)?;
    let service_role = req_str(input, "serviceRole")?.to_string();
    let timeout = minutes(input, "timeoutInMinutes", 5, 2160, 60)?;
    let queued = minutes(input, "queuedTimeoutInMinutes", 5, 480, 480)?;
    let description = opt_str(input, "description").map(str::to_string);
    let (account, region) = (call.account(), call.region.clone());
    let resource = arn(&region, &account, &name);
    call.authorize("codebuild:CreateProject", &resource)?;
    pass_role(call, "codebuild:CreateProject", &service_role)?;
    if call.world.codebuild.project(&account, &region, &name).is_some() {
        return Err(AwsError::new(
            "ResourceAlreadyExistsException",
            400,
            format!("Project already exists: {resource}"),
        ));
    }
    check_role(call, &service_role)?;
    let now = call.now();
    let project = Project {
        name,
        account,
        region,
        description,
        source,
        artifacts,
        environment,
        service_role,
        timeout_minutes: timeout,
        queued_timeout_minutes: queued,
        created: now,
        modified: now,
        builds: Vec::new(),
    };
    let out = project_json(&project);
    call.world.codebuild.insert(project);
    Ok(json!({ "project": out }))
}

/// The project a name or ARN of `names` designates in the caller's account and Region: its name
/// and the ARN authorization is asked on.
fn resolve(call: &Call, name_or_arn: &str) -> (String, String) {
    let (account, region) = (call.account(), call.region.clone());
    match name_or_arn.strip_prefix(&format!("arn:aws:codebuild:{region}:{account}:project/")) {
        Some(name) => (name.to_string(), name_or_arn.to_string()),
        None => (name_or_arn.to_string(), arn(&region, &account, name_or_arn)),
    }
}

fn batch_get_projects(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let names: Vec<String> = input
        .get("names")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    // The CLI refuses an empty list before the call (the model's minimum); the service refuses
    // more than 100 names.
    if names.is_empty() || names.len() > 100 {
        return Err(invalid(format!(
            "1 validation error detected: Value '[{}]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 100",
            names.join(", ")
        )));
    }
    let (account, region) = (call.account(), call.region.clone());
    let mut projects = Vec::new();
    let mut missing = Vec::new();
    for given in &names {
        let (name, resource) = resolve(call, given);
        // Each project is authorized alone; one denial refuses the call (fail closed).
        call.authorize("codebuild:BatchGetProjects", &resource)?;
        match call.world.codebuild.project(&account, &region, &name) {
            Some(p) => projects.push(project_json(p)),
            None => missing.push(json!(given)),
        }
    }
    Ok(json!({ "projects": projects, "projectsNotFound": missing }))
}

fn list_projects(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let sort_by =
        one_of(opt_str(input, "sortBy").unwrap_or("NAME"), "sortBy", &["NAME", "CREATED_TIME", "LAST_MODIFIED_TIME"])?;
    let order = one_of(opt_str(input, "sortOrder").unwrap_or("ASCENDING"), "sortOrder", &["ASCENDING", "DESCENDING"])?;
    // The Service Authorization Reference lists no resource type for ListProjects.
    call.authorize("codebuild:ListProjects", "*")?;
    let (account, region) = (call.account(), call.region.clone());
    let mut found: Vec<&Project> =
        call.world.codebuild.region(&account, &region).into_iter().flat_map(|m| m.values()).collect();
    match sort_by.as_str() {
        "CREATED_TIME" => found.sort_by(|a, b| (a.created, &a.name).cmp(&(b.created, &b.name))),
        "LAST_MODIFIED_TIME" => found.sort_by(|a, b| (a.modified, &a.name).cmp(&(b.modified, &b.name))),
        _ => found.sort_by(|a, b| a.name.cmp(&b.name)),
    }
    if order == "DESCENDING" {
        found.reverse();
    }
    let names: Vec<Value> = found.iter().map(|p| json!(p.name)).collect();
    Ok(json!({ "projects": names }))
}

fn update_project(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "name")?.to_string();
    let source = structure(input, "source").map(source_of).transpose()?;
    let artifacts = structure(input, "artifacts").map(artifacts_of).transpose()?;
    let environment = structure(input, "environment").map(environment_of).transpose()?;
    let service_role = opt_str(input, "serviceRole").map(str::to_string);
    let (account, region) = (call.account(), call.region.clone());
    let (name, resource) = resolve(call, &name);
    let current = call.world.codebuild.project(&account, &region, &name).cloned();
    let timeout = minutes(input, "timeoutInMinutes", 5, 2160, current.as_ref().map_or(60, |p| p.timeout_minutes))?;
    let queued =
        minutes(input, "queuedTimeoutInMinutes", 5, 480, current.as_ref().map_or(480, |p| p.queued_timeout_minutes))?;
    call.authorize("codebuild:UpdateProject", &resource)?;
    // A new service role is passed again (rule CODEBUILD-PASSROLE).
    if let Some(role) = &service_role {
        pass_role(call, "codebuild:UpdateProject", role)?;
    }
    let mut project = current.ok_or_else(|| not_found(&resource))?;
    if let Some(role) = &service_role {
        check_role(call, role)?;
        project.service_role = role.clone();
    }
    if let Some(s) = source {
        project.source = s;
    }
    if let Some(a) = artifacts {
        project.artifacts = a;
    }
    if let Some(e) = environment {
        project.environment = e;
    }
    if let Some(d) = opt_str(input, "description") {
        project.description = Some(d.to_string()).filter(|d| !d.is_empty());
    }
    project.timeout_minutes = timeout;
    project.queued_timeout_minutes = queued;
    project.modified = call.now();
    let out = project_json(&project);
    call.world.codebuild.insert(project);
    Ok(json!({ "project": out }))
}

/// `aws codebuild start-build`: a build of the project, which runs its buildspec (or the
/// `buildspecOverride`) as the project's service role: the escalation (rule
/// CODEBUILD-START-BUILD). The build's ID is `PROJECT:UUID`, the UUID from the world's generator.
fn start_build(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let given = req_str(input, "projectName")?.to_string();
    let buildspec = opt_str(input, "buildspecOverride").filter(|b| !b.is_empty()).map(str::to_string);
    let (name, resource) = resolve(call, &given);
    call.authorize("codebuild:StartBuild", &resource)?;
    let (account, region) = (call.account(), call.region.clone());
    let project =
        call.world.codebuild.project(&account, &region, &name).cloned().ok_or_else(|| not_found(&resource))?;
    // A version 4 UUID, as CodeBuild's build IDs are: the version digit 4, the variant 8 to b.
    let h = call.world.rng.lower_hex(30);
    let variant = ["8", "9", "a", "b"][call.world.rng.below(4) as usize];
    let uuid = format!("{}-{}-4{}-{variant}{}-{}", &h[0..8], &h[8..12], &h[12..15], &h[15..18], &h[18..30]);
    let id = format!("{name}:{uuid}");
    let number = project.builds.last().map_or(1, |b| b.number + 1);
    let now = call.now();
    let runs = buildspec.clone().or_else(|| project.source.buildspec.clone());
    let build = Build { id: id.clone(), number, started: now, buildspec: runs };
    if let Some(p) = call.world.codebuild.project_mut(&account, &region, &name) {
        p.builds.push(build);
    }
    let at = crate::clock::format_cli(now);
    let environment = environment_json(&project.environment);
    Ok(json!({ "build": {
        "id": id,
        "arn": format!("arn:aws:codebuild:{region}:{account}:build/{id}"),
        "buildNumber": number,
        "startTime": at,
        "currentPhase": "QUEUED",
        "buildStatus": "IN_PROGRESS",
        "projectName": name,
        "phases": [
            { "phaseType": "SUBMITTED", "phaseStatus": "SUCCEEDED", "startTime": at, "endTime": at, "durationInSeconds": 0 },
            { "phaseType": "QUEUED", "startTime": at },
        ],
        "source": source_json(&project.source, buildspec.as_deref()),
        "secondarySources": [],
        "secondarySourceVersions": [],
        "artifacts": { "location": "" },
        "secondaryArtifacts": [],
        "cache": { "type": "NO_CACHE" },
        "environment": environment,
        "serviceRole": project.service_role,
        "timeoutInMinutes": project.timeout_minutes,
        "queuedTimeoutInMinutes": project.queued_timeout_minutes,
        "buildComplete": false,
        "encryptionKey": default_key(&project),
    } }))
}

fn delete_project(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let given = req_str(input, "name")?.to_string();
    let (name, resource) = resolve(call, &given);
    call.authorize("codebuild:DeleteProject", &resource)?;
    let (account, region) = (call.account(), call.region.clone());
    // CodeBuild answers the deletion of a missing project with success.
    call.world.codebuild.remove(&account, &region, &name);
    Ok(Value::Null)
}

const SOURCE_MEMBERS: &[Param] = &[
    p("type", Shape::String, true, "NO_SOURCE, S3, GITHUB, CODECOMMIT..."),
    p("location", Shape::String, false, "where the source is"),
    p("buildspec", Shape::String, false, "the buildspec (inline YAML) or its path"),
];
const ARTIFACT_MEMBERS: &[Param] = &[
    p("type", Shape::String, true, "NO_ARTIFACTS, S3 or CODEPIPELINE"),
    p("location", Shape::String, false, "the bucket, for S3"),
];
const ENVIRONMENT_MEMBERS: &[Param] = &[
    p("type", Shape::String, true, "LINUX_CONTAINER, ARM_CONTAINER..."),
    p("image", Shape::String, true, "the image, e.g. aws/codebuild/standard:7.0"),
    p("computeType", Shape::String, true, "BUILD_GENERAL1_SMALL..."),
    p("privilegedMode", Shape::Boolean, false, "whether builds may run Docker"),
];
const DESCRIPTION: Param = p("description", Shape::String, false, "a description");
const TIMEOUT: Param = p("timeoutInMinutes", Shape::Integer, false, "5 to 2160 (default 60)");
const QUEUED_TIMEOUT: Param = p("queuedTimeoutInMinutes", Shape::Integer, false, "5 to 480 (default 480)");

/// CodeBuild's operations (`aws codebuild ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "codebuild",
    [
        (
            "CreateProject",
            create_project,
            "Creates a build project whose builds run as a service role (needs iam:PassRole on it).",
            [
                p("name", Shape::String, true, "the project's name"),
                DESCRIPTION,
                p("source", Shape::Structure(SOURCE_MEMBERS), true, "type=NO_SOURCE,buildspec=..."),
                p("artifacts", Shape::Structure(ARTIFACT_MEMBERS), true, "type=NO_ARTIFACTS"),
                p("environment", Shape::Structure(ENVIRONMENT_MEMBERS), true, "type=...,image=...,computeType=..."),
                p("serviceRole", Shape::String, true, "the ARN of the role builds run as"),
                TIMEOUT,
                QUEUED_TIMEOUT,
            ]
        ),
        (
            "BatchGetProjects",
            batch_get_projects,
            "Describes projects by name or ARN; names not found are listed apart.",
            [p("names", Shape::StringList, true, "1 to 100 project names or ARNs")]
        ),
        (
            "ListProjects",
            list_projects,
            "Lists the account's project names in the Region.",
            [
                p("sortBy", Shape::String, false, "NAME (default), CREATED_TIME or LAST_MODIFIED_TIME"),
                p("sortOrder", Shape::String, false, "ASCENDING (default) or DESCENDING"),
            ]
        ),
        (
            "UpdateProject",
            update_project,
            "Changes a project's source, artifacts, environment, service role or timeouts.",
            [
                p("name", Shape::String, true, "the project's name"),
                DESCRIPTION,
                p("source", Shape::Structure(SOURCE_MEMBERS), false, "type=NO_SOURCE,buildspec=..."),
                p("artifacts", Shape::Structure(ARTIFACT_MEMBERS), false, "type=NO_ARTIFACTS"),
                p("environment", Shape::Structure(ENVIRONMENT_MEMBERS), false, "type=...,image=...,computeType=..."),
                p("serviceRole", Shape::String, false, "a new service role (needs iam:PassRole on it)"),
                TIMEOUT,
                QUEUED_TIMEOUT,
            ]
        ),
        (
            "StartBuild",
            start_build,
            "Starts a build of a project; it runs as the project's service role.",
            [
                p("projectName", Shape::String, true, "the project's name or ARN"),
                p("buildspecOverride", Shape::String, false, "a buildspec for this build only"),
            ]
        ),
        ("DeleteProject", delete_project, "Deletes a project.", [p("name", Shape::String, true, "the project's name")]),
    ]
);
