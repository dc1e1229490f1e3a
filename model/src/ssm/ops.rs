//! Systems Manager's operations: `SendCommand` (Run Command), `StartSession` and
//! `TerminateSession` (Session Manager). Each authorizes on every resource the Service
//! Authorization Reference lists for its action (the instance and the document), then checks that
//! the instance is a managed node (rule SSM-MANAGED-NODE), and only then records the command or
//! session, so a failed call changes nothing.

use super::state::{Command, Session};
use crate::auth::AuthRequest;
use crate::caller::CallerKind;
use crate::clock::format_cli;
use crate::ec2::instance_arn;
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Input = Map<String, Value>;

/// The one Run Command document rootsim models, owned by AWS (its ARN names no account).
pub const RUN_SHELL_SCRIPT: &str = "AWS-RunShellScript";

/// The session document Session Manager uses when none is named, which it creates in the
/// account (its ARN names the account).
pub const SESSION_DOCUMENT: &str = "SSM-SessionManagerRunShell";

/// How long after it is sent a command expires: the AWS CLI's example of `send-command` answers
/// `ExpiresAfter` two hours after `RequestedDateTime`, and an empty `DocumentVersion`
/// (<https://docs.amazonaws.cn/systems-manager/latest/userguide/example_ssm_SendCommand_section.md>).
const COMMAND_EXPIRY_SECONDS: i64 = 7200;

/// What the role of an instance must be allowed for the SSM Agent to register it
/// (`ssm:UpdateInstanceInformation`, on the instance) and, for Session Manager, to open the
/// session's control channel (`ssmmessages:CreateControlChannel`), as AWS's
/// `AmazonSSMManagedInstanceCore` allows: the same question the principal graph asks
/// (GRAPH-EXISTING-WORKLOAD). Each action with whether it is asked on the instance (else `*`).
fn agent_needs(session: bool) -> &'static [(&'static str, bool)] {
    if session {
        &[("ssm:UpdateInstanceInformation", true), ("ssmmessages:CreateControlChannel", false)]
    } else {
        &[("ssm:UpdateInstanceInformation", true)]
    }
}

/// Whether `id` is a managed node of the caller's account in the call's Region, for a command
/// or (`session`) a session: an instance there that is running, whose instance profile holds a
/// role now, and whose role allows what the SSM Agent needs ([`agent_needs`]; rule
/// SSM-MANAGED-NODE: the agent is assumed installed). The role's decisions are not the caller's:
/// they are not recorded for `explain`.
fn managed_node(call: &Call, id: &str, session: bool) -> bool {
    let (world, account, region) = (&*call.world, call.caller.account.as_str(), call.region.as_str());
    let Some(instance) = world.ec2.instance(account, region, id).filter(|i| i.running()) else { return false };
    let Some(a) = &instance.association else { return false };
    let Some(role_arn) = world.instance_profile_role(&a.profile_arn, &a.profile_id) else { return false };
    let Ok(role) = call.authorizer.principal_caller(world, &role_arn) else { return false };
    let owner = rootsim_policy::arn::account_of(&role_arn).unwrap_or_default();
    let arn = instance.arn(account);
    agent_needs(session).iter().all(|(action, on_instance)| {
        let resource = if *on_instance { arn.as_str() } else { "*" };
        let request = AuthRequest::new(&role, region, action, resource).owned_by(owner);
        call.authorizer.authorize(world, &request).decision.is_allowed()
    })
}

fn uuid(call: &mut Call) -> String {
    let h = call.world.rng.lower_hex(32);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// The document a `DocumentName` names (a name or an ARN), its name and ARN, if rootsim models it.
fn run_document(call: &Call, name: &str) -> Option<(String, String)> {
    let region = &call.region;
    let arn = format!("arn:aws:ssm:{region}::document/{RUN_SHELL_SCRIPT}");
    (name == RUN_SHELL_SCRIPT || name == arn).then(|| (RUN_SHELL_SCRIPT.to_string(), arn))
}

/// The map parameter `Parameters`: each value a list of strings (a single string is a list of one).
fn parameters(input: &Input) -> AwsResult<BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    let Some(map) = input.get("Parameters").and_then(Value::as_object) else { return Ok(out) };
    for (k, v) in map {
        let list: Vec<String> = match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => {
                return Err(AwsError::new("InvalidParameters", 400, format!("Parameter \"{k}\" has an invalid value.")))
            }
        };
        out.insert(k.clone(), list);
    }
    Ok(out)
}

fn send_command(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let document = req_str(input, "DocumentName")?.to_string();
    let ids: Vec<String> = input
        .get("InstanceIds")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let comment = opt_str(input, "Comment").unwrap_or("").to_string();
    let params = parameters(input)?;
    // **Simulator assumption**: `--targets` (tags, resource groups) is not modelled; without
    // instance IDs the command has no target.
    if ids.is_empty() {
        return Err(AwsError::new(
            "InvalidInstanceId",
            400,
            "(rootsim) Name the instances with --instance-ids; --targets is not modelled.",
        ));
    }
    // An instance named twice is sent the command once (**simulator assumption**).
    let mut ids = ids;
    let mut seen = std::collections::BTreeSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    let Some((doc_name, doc_arn)) = run_document(call, &document) else {
        return Err(AwsError::new(
            "InvalidDocument",
            400,
            format!("Document {document} does not exist in your account"),
        )
        .with_hint(format!("  (rootsim) only {RUN_SHELL_SCRIPT} is modelled")));
    };
    if params.get("commands").is_none_or(|c| c.is_empty()) {
        return Err(AwsError::new("InvalidParameters", 400, "Parameter \"commands\" is required."));
    }
    if let Some(k) = params.keys().find(|k| !["commands", "workingDirectory", "executionTimeout"].contains(&k.as_str()))
    {
        return Err(AwsError::new("InvalidParameters", 400, format!("Parameter \"{k}\" is not allowed.")));
    }
    let (account, region) = (call.account(), call.region.clone());
    // ssm:SendCommand is authorized on each instance and on the document.
    for id in &ids {
        call.authorize("ssm:SendCommand", &instance_arn(&region, &account, id))?;
    }
    call.authorize("ssm:SendCommand", &doc_arn)?;
    let unmanaged: Vec<&str> = ids.iter().map(String::as_str).filter(|id| !managed_node(call, id, false)).collect();
    if !unmanaged.is_empty() {
        return Err(AwsError::new(
            "InvalidInstanceId",
            400,
            format!("Instances [[{}]] not in a valid state for account {account}", unmanaged.join(", ")),
        ));
    }
    let id = uuid(call);
    let now = call.now();
    let command = Command {
        id: id.clone(),
        region: region.clone(),
        document: doc_name.clone(),
        instance_ids: ids.clone(),
        parameters: params.clone(),
        comment: comment.clone(),
        requested: now,
    };
    call.world.ssm.account_mut(&account).commands.push(command);
    Ok(json!({ "Command": {
        "CommandId": id,
        "DocumentName": doc_name,
        "DocumentVersion": "",
        "Comment": comment,
        "ExpiresAfter": format_cli(now + COMMAND_EXPIRY_SECONDS),
        "Parameters": params,
        "InstanceIds": ids,
        "Targets": [],
        "RequestedDateTime": format_cli(now),
        "Status": "Pending",
        "StatusDetails": "Pending",
        "OutputS3Region": region,
        "OutputS3BucketName": "",
        "OutputS3KeyPrefix": "",
        "MaxConcurrency": "50",
        "MaxErrors": "0",
        "TargetCount": ids.len(),
        "CompletedCount": 0,
        "ErrorCount": 0,
        "DeliveryTimedOutCount": 0,
        "ServiceRole": "",
        "NotificationConfig": { "NotificationArn": "", "NotificationEvents": [] },
        "CloudWatchOutputConfig": { "CloudWatchLogGroupName": "", "CloudWatchOutputEnabled": false },
        "TimeoutSeconds": 3600,
    } }))
}

/// The first part of a session ID: the caller's user name or role session name (`root` for a
/// root user: **simulator assumption**).
fn session_prefix(call: &Call) -> String {
    match &call.caller.kind {
        CallerKind::Root => "root".to_string(),
        CallerKind::User { .. } => call.caller.username.clone().unwrap_or_else(|| "user".into()),
        CallerKind::RoleSession { session_name, .. } => session_name.clone(),
    }
}

fn start_session(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let target = req_str(input, "Target")?.to_string();
    let (account, region) = (call.account(), call.region.clone());
    let (document, doc_arn) = match opt_str(input, "DocumentName") {
        None => (SESSION_DOCUMENT.to_string(), format!("arn:aws:ssm:{region}:{account}:document/{SESSION_DOCUMENT}")),
        Some(d) if d == SESSION_DOCUMENT => (d.to_string(), format!("arn:aws:ssm:{region}:{account}:document/{d}")),
        // **Simulator assumption**: the other session documents (port forwarding, interactive
        // commands) are not modelled.
        Some(d) => {
            return Err(AwsError::new("InvalidDocument", 400, format!("Document {d} does not exist in your account"))
                .with_hint(format!("  (rootsim) only {SESSION_DOCUMENT} is modelled")))
        }
    };
    // ssm:StartSession is authorized on the instance and on the session document.
    call.authorize("ssm:StartSession", &instance_arn(&region, &account, &target))?;
    call.authorize("ssm:StartSession", &doc_arn)?;
    if !managed_node(call, &target, true) {
        return Err(AwsError::new("TargetNotConnected", 400, format!("{target} is not connected.")));
    }
    let id = format!("{}-{}", session_prefix(call), call.world.rng.lower_hex(17));
    let token = call.world.rng.alnum(128);
    let session =
        Session { id: id.clone(), region: region.clone(), target, document, started: call.now(), terminated: false };
    call.world.ssm.account_mut(&account).sessions.insert(id.clone(), session);
    Ok(json!({
        "SessionId": id,
        "TokenValue": token,
        "StreamUrl": format!("wss://ssmmessages.{region}.amazonaws.com/v1/data-channel/{id}?stream=input"),
    }))
}

fn terminate_session(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let id = req_str(input, "SessionId")?.to_string();
    let (account, region) = (call.account(), call.region.clone());
    let arn = match call.world.ssm.session(&account, &id) {
        Some(s) => s.arn(&account),
        None => format!("arn:aws:ssm:{region}:{account}:session/{id}"),
    };
    call.authorize("ssm:TerminateSession", &arn)?;
    // Terminating a session that ended, or that never was, answers the same (idempotent:
    // **simulator assumption**).
    if let Some(s) = call.world.ssm.accounts.get_mut(&account).and_then(|a| a.sessions.get_mut(&id)) {
        s.terminated = true;
    }
    Ok(json!({ "SessionId": id }))
}

const PARAMETER_MEMBERS: &[Param] = &[
    p("commands", Shape::StringList, false, "the shell commands"),
    p("workingDirectory", Shape::StringList, false, "the working directory"),
    p("executionTimeout", Shape::StringList, false, "seconds"),
];

/// The message the AWS CLI prints when `ssm start-session` cannot run the Session Manager plugin
/// (awscli's `customizations/sessionmanager.py`), after terminating the session it started.
pub const PLUGIN_NOT_FOUND: &str = "SessionManagerPlugin is not found. Please refer to SessionManager Documentation here: http://docs.aws.amazon.com/console/systems-manager/session-manager-plugin-not-found";

/// Systems Manager's operations (`aws ssm ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "ssm",
    [
        (
            "SendCommand",
            send_command,
            "Runs AWS-RunShellScript on managed instances (as their instance profile's role).",
            [
                p("InstanceIds", Shape::StringList, false, "the instances"),
                p("DocumentName", Shape::String, true, "AWS-RunShellScript"),
                p("Parameters", Shape::Structure(PARAMETER_MEMBERS), false, "commands=[\"...\"]"),
                p("Comment", Shape::String, false, "a comment"),
            ]
        ),
        (
            "StartSession",
            start_session,
            "Starts a Session Manager session on a managed instance (the CLI then needs the session-manager-plugin).",
            [
                p("Target", Shape::String, true, "the instance"),
                p("DocumentName", Shape::String, false, "SSM-SessionManagerRunShell"),
                p("Reason", Shape::String, false, "why"),
            ]
        ),
        (
            "TerminateSession",
            terminate_session,
            "Ends a Session Manager session.",
            [p("SessionId", Shape::String, true, "the session")]
        ),
    ]
);
