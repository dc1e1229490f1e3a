//! STS's operations: GetCallerIdentity, GetAccessKeyInfo, AssumeRole, DecodeAuthorizationMessage, AssumeRoot, GetFederationToken and
//! GetSessionToken. Each reads its parameters, checks them, asks the policy engine, then opens a
//! session in [`super::Sts`] and prints its credentials.

use super::state::{SessionKind, StsSession};
use crate::auth::{AuthRequest, Caller, CallerKind};
use crate::clock::format_cli;
use crate::error::{AwsError, AwsResult};
use crate::iam::key;
use crate::service::{broken_bound, check_name, check_policy_chars, opt_i64, opt_str, req_str, Call, Operation, Shape};
use crate::service::{operations, param as p};
use crate::world::sts::root_session_permitted;
use crate::world::World;
use rootsim_policy::arn;
use rootsim_policy::{Policy, PolicyKind};
use serde_json::{json, Map, Value};

/// What a session made by GetFederationToken or GetSessionToken may not call at all, whatever
/// its policies, before any policy is read. `Some(error)` refuses the call.
///
/// - A federated user session (GetFederationToken) calls no IAM operation and no STS operation
///   but GetCallerIdentity
///   (<https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html>).
/// - A GetSessionToken session calls no IAM operation unless MFA information was included when
///   it was made, and no STS operation but AssumeRole and GetCallerIdentity
///   (<https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html>). AWS
///   documents the limits, not the wire errors: the IAM refusal is `InvalidClientTokenId`, "The
///   security token included in the request is invalid." as reported by users (observed, not
///   documented); the STS one is `AccessDenied`, keeping GetSessionToken's and
///   GetFederationToken's own "Cannot call ... with session credentials" (facts §3.7).
///
/// Both apply whoever issued the session, the root user included (rule STS-SESSION-TOKEN).
pub fn session_refusal(world: &World, caller: &Caller, service: &str, operation: &str) -> Option<AwsError> {
    if caller.principal.kind == rootsim_policy::PrincipalKind::FederatedUser {
        let barred = service == "iam" || (service == "sts" && operation != "GetCallerIdentity");
        return barred.then(|| {
            AwsError::access_denied(format!(
                "User: {} is not authorized to perform: {service}:{operation}: federated user sessions (GetFederationToken) cannot call IAM operations, nor STS operations other than GetCallerIdentity",
                caller.principal.arn
            ))
        });
    }
    // A GetSessionToken session is found by its access key (console sign-ins are no STS session).
    let session = caller.access_key_id.as_deref().and_then(|id| world.sts.sessions.get(id))?;
    if !matches!(session.kind, SessionKind::SessionToken { .. }) {
        return None;
    }
    match service {
        "iam" if !session.mfa => Some(AwsError::invalid_token()),
        "sts" if !matches!(operation, "AssumeRole" | "GetCallerIdentity") => {
            Some(AwsError::access_denied(match operation {
                "GetSessionToken" | "GetFederationToken" => format!("Cannot call {operation} with session credentials"),
                _ => format!(
                    "User: {} is not authorized to perform: sts:{operation}: GetSessionToken sessions cannot call STS operations other than AssumeRole and GetCallerIdentity",
                    caller.principal.arn
                ),
            }))
        }
        _ => None,
    }
}

/// STS's operations.
pub const OPERATIONS: &[Operation] = operations!(
    "sts",
    [
        ("GetCallerIdentity", get_caller_identity, "Returns the account, ARN and user ID of the caller. Needs no permission.", []),
        ("GetAccessKeyInfo", get_access_key_info, "Returns the account that owns an access key ID (AKIA... or ASIA...). Needs sts:GetAccessKeyInfo.", [
            p("AccessKeyId", Shape::String, true, "the access key ID to look up (16-128 word characters)"),
        ]),
        ("AssumeRole", assume_role, "Returns temporary credentials for a role whose trust policy and your permissions allow it.", [
            p("RoleArn", Shape::String, true, "ARN of the role to assume"),
            p("RoleSessionName", Shape::String, true, "a name for the session (2-64 characters)"),
            p("DurationSeconds", Shape::Integer, false, "900 up to the role's maximum session duration (default 3600)"),
            p("Policy", Shape::Document, false, "a session policy that further limits the session"),
            p("ExternalId", Shape::String, false, "external ID the trust policy may require (sts:ExternalId; 2-1224 characters)"),
            p("SerialNumber", Shape::String, false, "MFA device serial number"),
            p("TokenCode", Shape::String, false, "the MFA code"),
            p("PolicyArns", Shape::StructureList(&[]), false, "up to 10 managed policies (arn=ARN) of the role's account used as session policies"),
            p("Tags", Shape::Tags, false, "session tags Key=k,Value=v (aws:PrincipalTag/k); the trust policy must allow sts:TagSession"),
            p("TransitiveTagKeys", Shape::StringList, false, "keys of --tags that pass on to the sessions this one assumes (at most 50)"),
            p("SourceIdentity", Shape::String, false, "the source identity (aws:SourceIdentity); the trust policy must allow sts:SetSourceIdentity"),
        ]),
        ("DecodeAuthorizationMessage", decode_authorization_message, "Decodes an encoded authorization failure message (rootsim's format: rootsim:v1: then base64 JSON). Needs sts:DecodeAuthorizationMessage.", [
            p("EncodedMessage", Shape::String, true, "the encoded message (1-10240 characters)"),
        ]),
        ("AssumeRoot", assume_root, "From the management account or the IAM delegated administrator: short root credentials in a member account, scoped by a task policy.", [
            p("TargetPrincipal", Shape::String, true, "the member account's ID (or its root ARN)"),
            p("TaskPolicyArn", Shape::Structure(&[]), true, "arn=arn:aws:iam::aws:policy/root-task/<TaskPolicy>"),
            p("DurationSeconds", Shape::Integer, false, "0-900 (default 900)"),
        ]),
        ("GetFederationToken", get_federation_token, "From an IAM user's long-term keys: credentials for a federated user whose permissions are yours intersected with the policy you pass (none without one).", [
            p("Name", Shape::String, true, "the federated user's name (2-32 characters)"),
            p("Policy", Shape::Document, false, "the session policy (without one, the session has no permissions)"),
            p("DurationSeconds", Shape::Integer, false, "900-129600 (default 43200); root sessions last at most 3600"),
        ]),
        ("GetSessionToken", get_session_token, "Returns temporary credentials for the calling user or root user, optionally with MFA.", [
            p("DurationSeconds", Shape::Integer, false, "900-129600 for users (default 43200); root sessions last at most 3600"),
            p("SerialNumber", Shape::String, false, "MFA device serial number"),
            p("TokenCode", Shape::String, false, "the MFA code"),
        ]),
    ]
);

fn get_caller_identity(call: &mut Call, _input: &Map<String, Value>) -> AwsResult<Value> {
    let c = &call.caller;
    Ok(json!({ "UserId": c.user_id, "Account": c.account, "Arn": c.principal.arn }))
}

/// GetAccessKeyInfo: the account that owns a long-term key (an IAM user's or the root user's,
/// `AKIA...`) or a session's key (`ASIA...`), whoever asks: the key need not be the caller's nor
/// of the caller's account. AWS authorizes it as `sts:GetAccessKeyInfo` on `*`
/// (<https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html>); the key's
/// state (active, inactive, expired) is not reported.
fn get_access_key_info(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let id = req_str(input, "AccessKeyId")?.to_string();
    // The model's constraint: 16 to 128 characters matching [\w]*.
    if !(16..=128).contains(&id.len()) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{id}' at 'accessKeyId' failed to satisfy constraint: Member must have length {}",
            if id.len() < 16 { "greater than or equal to 16" } else { "less than or equal to 128" }
        )));
    }
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{id}' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]*"
        )));
    }
    call.authorize("sts:GetAccessKeyInfo", "*")?;
    let account = match call.world.iam.find_key(&id) {
        Some((crate::iam::KeyOwner::Root { account } | crate::iam::KeyOwner::User { account, .. }, _)) => Some(account),
        None => call.world.sts.sessions.get(&id).map(|s| s.account.clone()),
    };
    // AWS: "Providing a deleted access key might return an error that the key doesn't exist."
    // The code is not documented: a simulator assumption, InvalidParameterValue.
    let Some(account) = account else {
        return Err(AwsError::new("InvalidParameterValue", 400, format!("The access key ID {id} does not exist.")));
    };
    Ok(json!({ "Account": account }))
}

/// The prefix of an encoded authorization message in rootsim's own format (rule
/// STS-DECODE-AUTHORIZATION-MESSAGE).
pub const ENCODED_MESSAGE_PREFIX: &str = "rootsim:v1:";

/// DecodeAuthorizationMessage. AWS encrypts the messages it encodes, and none of the services
/// rootsim simulates encodes its denials (EC2 and some others do), so rootsim documents its own
/// format instead: [`ENCODED_MESSAGE_PREFIX`] then standard base64 of the decoded message, a JSON
/// object with AWS's `allowed` (a boolean) and `context` (an object) members. Anything else is
/// `InvalidAuthorizationMessageException`; the caller needs `sts:DecodeAuthorizationMessage`
/// (<https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html>).
fn decode_authorization_message(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let encoded = req_str(input, "EncodedMessage")?.to_string();
    let len = encoded.chars().count();
    if !(1..=10_240).contains(&len) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'encodedMessage' failed to satisfy constraint: Member must have length {}",
            if len < 1 { "greater than or equal to 1" } else { "less than or equal to 10240" }
        )));
    }
    call.authorize("sts:DecodeAuthorizationMessage", "*")?;
    let decoded = decode_rootsim_message(&encoded).ok_or_else(|| {
        // Simulator assumption for the message: AWS documents the code and its causes (invalid
        // characters such as line breaks, an expired message), not the wording.
        AwsError::new("InvalidAuthorizationMessageException", 400, "The authorization message is invalid.")
    })?;
    Ok(json!({ "DecodedMessage": decoded }))
}

/// The decoded text of a message in rootsim's format, `None` for anything else: another prefix,
/// a character outside base64's alphabet (line breaks included), text that is not UTF-8 JSON, or
/// JSON without a boolean `allowed` and an object `context`.
fn decode_rootsim_message(encoded: &str) -> Option<String> {
    let body = encoded.strip_prefix(ENCODED_MESSAGE_PREFIX)?;
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)) {
        return None;
    }
    let text = String::from_utf8(crate::pages::base64_decode(body)?).ok()?;
    let doc: Value = serde_json::from_str(&text).ok()?;
    (doc.get("allowed").is_some_and(Value::is_boolean) && doc.get("context").is_some_and(Value::is_object))
        .then_some(text)
}

/// Checks an MFA serial number and code against the caller's devices; true when they match.
fn check_mfa(call: &Call, serial: Option<&str>, code: Option<&str>) -> AwsResult<bool> {
    let (Some(serial), Some(code)) = (serial, code) else {
        if serial.is_some() || code.is_some() {
            return Err(AwsError::validation("SerialNumber and TokenCode must be provided together."));
        }
        return Ok(false);
    };
    let iam = call.world.iam.account(&call.caller.account);
    let devices = match &call.caller.kind {
        CallerKind::Root => iam.map(|i| i.root.mfa_devices.as_slice()),
        CallerKind::User { key } => iam.and_then(|i| i.users.get(key)).map(|u| u.mfa_devices.as_slice()),
        CallerKind::RoleSession { .. } => None,
    };
    let device = devices.and_then(|d| d.iter().find(|d| d.serial == serial));
    match device {
        Some(d) if crate::iam::mfa_code_matches(&d.secret, call.now(), code) => Ok(true),
        _ => Err(AwsError::access_denied("MultiFactorAuthentication failed with invalid MFA one time pass code. ")),
    }
}

fn new_session(
    call: &mut Call,
    account: &str,
    kind: SessionKind,
    duration: i64,
    mfa: bool,
    policy: Option<Policy>,
) -> (String, StsSession) {
    // The role's or user's unique ID now: the session stands for this principal, not its name.
    let principal_id = call.world.iam.account(account).and_then(|iam| kind.principal_id(iam));
    let rng = &mut call.world.rng;
    let id = rng.access_key_id("ASIA");
    let session = StsSession {
        account: account.to_string(),
        kind,
        secret: rng.secret_key(),
        token: rng.session_token(),
        issued: call.world.clock.now(),
        expires: call.world.clock.now() + duration,
        mfa,
        policy,
        principal_id,
        tags: Vec::new(),
        transitive_tag_keys: Vec::new(),
        source_identity: None,
    };
    (id, session)
}

/// The `DurationSeconds` a GetSessionToken or GetFederationToken call asks for (43,200 for a user,
/// 3,600 for the root user when left out), refused outside 900 to 129,600 as STS refuses it.
fn requested_duration(input: &Map<String, Value>, for_user: bool) -> AwsResult<i64> {
    let requested = opt_i64(input, "DurationSeconds").unwrap_or(if for_user { 43_200 } else { 3600 });
    if !(900..=super::MAX_SESSION_SECONDS).contains(&requested) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{requested}' at 'durationSeconds' failed to satisfy constraint: Member must have value {}",
            if requested < 900 {
                "greater than or equal to 900".to_string()
            } else {
                format!("less than or equal to {}", super::MAX_SESSION_SECONDS)
            }
        )));
    }
    Ok(requested)
}

fn credentials_json(id: &str, s: &StsSession) -> Value {
    json!({
        "AccessKeyId": id,
        "SecretAccessKey": s.secret,
        "SessionToken": s.token,
        "Expiration": format_cli(s.expires),
    })
}

/// STS's request-validation error for a value outside its member's length constraint, worded
/// as AWS words the bound it breaks ("Member must have length greater than or equal to 2", "...
/// less than or equal to 64": AWS never writes "between"). `None` when the length fits.
fn length_error(value: &str, member: &str, min: i64, max: i64) -> Option<AwsError> {
    let len = i64::try_from(value.chars().count()).unwrap_or(i64::MAX);
    let bound = broken_bound(len, min, max)?;
    Some(AwsError::validation(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must have length {bound}"
    )))
}

fn assume_role(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let role_arn = req_str(input, "RoleArn")?;
    let session_name = req_str(input, "RoleSessionName")?;
    if let Some(e) = length_error(session_name, "roleSessionName", 2, 64) {
        return Err(e);
    }
    check_name("RoleSessionName", session_name, 64)?;
    if call.caller.is_root() {
        return Err(AwsError::access_denied("Roles may not be assumed by root accounts."));
    }
    let policy = match opt_str(input, "Policy") {
        Some(text) => {
            check_policy_chars("policy", text)?;
            Some(Policy::parse(text, PolicyKind::Session).map_err(crate::error::policy_error)?)
        }
        None => None,
    };
    let policy_arns = session_policy_arns(input)?;
    let tags = session_tags(input)?;
    let transitive_keys = transitive_tag_keys(input)?;
    let external_id = external_id(input)?;
    let source_identity = source_identity(call, input)?;
    // The calling session's transitive tags pass on; a tag passed again under one of their keys
    // fails the call (AssumeRole's API reference: "If you pass a session tag with the same key as
    // an inherited tag, the operation fails").
    let inherited = inherited_transitive_tags(call);
    if let Some((key, _)) = tags.iter().find(|(k, _)| inherited.iter().any(|(i, _)| i.eq_ignore_ascii_case(k))) {
        // Simulator assumption for the code and wording: AWS documents the failure, not its error.
        return Err(AwsError::new(
            "InvalidParameterValue",
            400,
            format!("The session tag {key} cannot be set: the calling session passes on a transitive tag with the same key."),
        ));
    }
    let mfa = check_mfa(call, opt_str(input, "SerialNumber"), opt_str(input, "TokenCode"))?;
    // The request's own condition keys, for the trust policy and the caller's policies alike:
    // MFA given with the request (a trust policy's aws:MultiFactorAuthPresent sees it, IAM's
    // MFA-protected API access), the external ID, and the tags passed (aws:RequestTag/k,
    // aws:TagKeys, sts:TransitiveTagKeys).
    let mut request_keys: Vec<(String, String)> = Vec::new();
    if mfa {
        request_keys.push(("aws:MultiFactorAuthPresent".into(), "true".into()));
        request_keys.push(("aws:MultiFactorAuthAge".into(), "0".into()));
    }
    if let Some(id) = &external_id {
        request_keys.push(("sts:ExternalId".into(), id.clone()));
    }
    for (k, v) in &tags {
        request_keys.push((format!("aws:RequestTag/{k}"), v.clone()));
        request_keys.push(("aws:TagKeys".into(), k.clone()));
    }
    for k in &transitive_keys {
        request_keys.push(("sts:TransitiveTagKeys".into(), k.clone()));
    }
    let request_context: Vec<(&str, &str)> = request_keys.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

    // A role that does not exist is reported as a denial, as AWS does, so that callers cannot
    // probe other accounts for role names.
    let target = call.world.role_trust_policy(role_arn).map(|(account, label, role)| (account, label, role.clone()));
    let Some((role_account, trust_name, role)) = target else {
        let record = call.decide(
            &AuthRequest::new(&call.caller, &call.region, "sts:AssumeRole", role_arn)
                .resource_policy_must_allow()
                .with_context(&request_context),
        );
        call.auth.push(record);
        // No trust policy was there to consult, so AWS names no policy type either.
        return Err(AwsError::access_denied(format!(
            "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
            call.caller.principal.arn
        )));
    };
    let record = call.decide(
        &AuthRequest::new(&call.caller, &call.region, "sts:AssumeRole", role_arn)
            .with_resource_policy(Some((&trust_name, &role.trust_policy)))
            .resource_policy_must_allow()
            .with_context(&request_context),
    );
    call.record_decision(record)?;
    // Session tags and a source identity each need their own permission, in the trust policy
    // (and, across accounts, the caller's policies) as AssumeRole itself does; inherited
    // transitive tags tag the new session too, so they need sts:TagSession as well.
    if !tags.is_empty() || !inherited.is_empty() {
        trust_allows(call, "sts:TagSession", role_arn, &trust_name, &role.trust_policy, &request_context)?;
    }
    if let Some(source) = &source_identity {
        let context = [("sts:SourceIdentity", source.as_str())];
        trust_allows(call, "sts:SetSourceIdentity", role_arn, &trust_name, &role.trust_policy, &context)?;
    }
    let policy = combine_session_policies(call, &role_account, policy, &policy_arns)?;
    let packed = packed_size(policy.as_ref().map(Policy::text), &tags, &inherited)?;

    let chained = matches!(call.caller.kind, CallerKind::RoleSession { .. });
    let duration = opt_i64(input, "DurationSeconds").unwrap_or(3600);
    if duration < 900 {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
        )));
    }
    if chained && duration > 3600 {
        return Err(AwsError::validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ));
    }
    if duration > i64::from(role.max_session_duration) {
        return Err(AwsError::validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    let kind = SessionKind::AssumedRole { role_key: key(&role.name), session_name: session_name.to_string() };
    let (id, mut session) = new_session(call, &role_account, kind, duration, mfa || call.caller.mfa, policy);
    // The new session's transitive keys: those inherited and those asked for among the tags
    // passed (a key asked for that no tag passed has nothing to pass on).
    session.transitive_tag_keys = inherited.iter().map(|(k, _)| k.clone()).collect();
    for k in &transitive_keys {
        let passed = tags.iter().find(|(t, _)| t.eq_ignore_ascii_case(k));
        if let Some((t, _)) = passed {
            if !session.transitive_tag_keys.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                session.transitive_tag_keys.push(t.clone());
            }
        }
    }
    session.tags = inherited.into_iter().chain(tags).collect();
    session.source_identity = source_identity;
    let mut out = json!({
        "Credentials": credentials_json(&id, &session),
        "AssumedRoleUser": {
            "AssumedRoleId": format!("{}:{session_name}", role.id),
            "Arn": arn::assumed_role(&role_account, &role.name, session_name),
        },
    });
    if let Some(size) = packed {
        out["PackedPolicySize"] = json!(size);
    }
    if let Some(source) = &session.source_identity {
        out["SourceIdentity"] = json!(source);
    }
    call.world.sts.open(id, session);
    Ok(out)
}

/// The managed policies' ARNs passed as `--policy-arns arn=...` (at most 10, the API model's
/// limit on the list).
fn session_policy_arns(input: &Map<String, Value>) -> AwsResult<Vec<String>> {
    let items = input.get("PolicyArns").and_then(Value::as_array).cloned().unwrap_or_default();
    if items.len() > 10 {
        return Err(AwsError::validation(
            "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10",
        ));
    }
    let mut out = Vec::new();
    for item in items {
        let arn = item.get("arn").and_then(Value::as_str).unwrap_or("");
        if let Some(e) = length_error(arn, "policyArns.member.arn", 20, 2048) {
            return Err(e);
        }
        out.push(arn.to_string());
    }
    Ok(out)
}

/// The session tags passed as `--tags Key=k,Value=v` (at most 50, keys of 1-128 characters,
/// values of at most 256, no key twice whatever its case: AssumeRole's API reference).
fn session_tags(input: &Map<String, Value>) -> AwsResult<Vec<(String, String)>> {
    let items = input.get("Tags").and_then(Value::as_array).cloned().unwrap_or_default();
    if items.len() > 50 {
        return Err(AwsError::validation(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
        ));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for t in items {
        let key = t.get("Key").and_then(Value::as_str).unwrap_or("");
        let value = t.get("Value").and_then(Value::as_str).unwrap_or("");
        if let Some(e) = length_error(key, "tags.member.key", 1, 128) {
            return Err(e);
        }
        if !tag_chars_ok(key) {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{key}' at 'tags.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]+"
            )));
        }
        if !tag_chars_ok(value) {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{value}' at 'tags.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]*"
            )));
        }
        if value.chars().count() > 256 {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{value}' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"
            )));
        }
        if out.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            // Simulator assumption for the wording: AWS documents that keys are unique whatever
            // their case, not the message.
            return Err(AwsError::validation(format!(
                "Duplicate tag keys found. Tag key {key} appears more than once."
            )));
        }
        out.push((key.to_string(), value.to_string()));
    }
    Ok(out)
}

/// Whether every character is one of a tag key's or value's (`[\p{L}\p{Z}\p{N}_.:/=+\-@]`, the
/// model's `tagKeyType` and `tagValueType` patterns).
fn tag_chars_ok(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c))
}

/// The keys passed as `--transitive-tag-keys` (the model's `tagKeyListType`: at most 50, each
/// a tag key of 1-128 characters).
fn transitive_tag_keys(input: &Map<String, Value>) -> AwsResult<Vec<String>> {
    let items = input.get("TransitiveTagKeys").and_then(Value::as_array).cloned().unwrap_or_default();
    if items.len() > 50 {
        return Err(AwsError::validation(
            "1 validation error detected: Value at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to 50",
        ));
    }
    let mut out = Vec::new();
    for item in items {
        let key = item.as_str().unwrap_or("");
        if let Some(e) = length_error(key, "transitiveTagKeys.member", 1, 128) {
            return Err(e);
        }
        if !tag_chars_ok(key) {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{key}' at 'transitiveTagKeys.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]+"
            )));
        }
        out.push(key.to_string());
    }
    Ok(out)
}

/// The `--external-id` (the model's `externalIdType`: 2-1224 characters of `[\w+=,.@:\/-]`),
/// which the trust policy reads as `sts:ExternalId`.
fn external_id(input: &Map<String, Value>) -> AwsResult<Option<String>> {
    let Some(id) = opt_str(input, "ExternalId") else { return Ok(None) };
    let len = id.chars().count();
    if !(2..=1224).contains(&len) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{id}' at 'externalId' failed to satisfy constraint: Member must have length {}",
            if len < 2 { "greater than or equal to 2" } else { "less than or equal to 1224" }
        )));
    }
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c)) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{id}' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*"
        )));
    }
    Ok(Some(id.to_string()))
}

/// The calling session's transitive tags (key, value), which the session it opens inherits:
/// none unless the caller is itself an AssumeRole session with transitive tags.
fn inherited_transitive_tags(call: &Call) -> Vec<(String, String)> {
    let Some(session) = call.caller.access_key_id.as_deref().and_then(|id| call.world.sts.sessions.get(id)) else {
        return Vec::new();
    };
    session
        .tags
        .iter()
        .filter(|(k, _)| session.transitive_tag_keys.iter().any(|t| t.eq_ignore_ascii_case(k)))
        .cloned()
        .collect()
}

/// The plain-text budget that AWS packs session policies and session tags into: AssumeRole's
/// reference gives 2,048 characters for the session policies' plain text.
const PACKED_BUDGET: usize = 2048;

/// `PackedPolicySize`: the percentage of the packed budget that the session policy and the
/// session tags (passed and inherited) use, `None` when there are neither; `PackedPolicyTooLarge`
/// over 100 %. AWS compresses into a binary format it does not document, so rootsim counts
/// (a simulator assumption, rule STS-PACKED-POLICY-SIZE) the policy's characters other than
/// white space plus each tag's key and value characters. The tags' own share is checked first,
/// with the message AWS was observed to print for it; then the whole.
fn packed_size(
    policy: Option<&str>,
    tags: &[(String, String)],
    inherited: &[(String, String)],
) -> AwsResult<Option<usize>> {
    if policy.is_none() && tags.is_empty() && inherited.is_empty() {
        return Ok(None);
    }
    let policy_chars = policy.map_or(0, |p| p.split_whitespace().map(|w| w.chars().count()).sum::<usize>());
    let tag_chars: usize =
        tags.iter().chain(inherited).map(|(k, v)| k.chars().count() + v.chars().count()).sum::<usize>();
    // Rounded down as GetFederationToken's size is, and up in the error: a size just over the
    // budget must not read as 100 %.
    let percent = |chars: usize| (chars * 100).div_ceil(PACKED_BUDGET);
    if tag_chars > PACKED_BUDGET {
        return Err(AwsError::new(
            "PackedPolicyTooLarge",
            400,
            format!("Packed size of session tags consumes {}% of allotted space.", percent(tag_chars)),
        ));
    }
    let total = policy_chars + tag_chars;
    if total > PACKED_BUDGET {
        return Err(AwsError::new(
            "PackedPolicyTooLarge",
            400,
            format!("Packed policy consumes {}% of allotted space, please use smaller policy.", percent(total)),
        ));
    }
    Ok(Some(total * 100 / PACKED_BUDGET))
}

/// The session's source identity: the one passed (2-256 characters of `[\w+=,.@-]`, the
/// model's `sourceIdentityType` since botocore 1.44, 64 before; so AWS's reserved `aws:` prefix
/// never passes), else the caller's own session's: role chaining keeps it,
/// and asks again for `sts:SetSourceIdentity`; a different one is refused (AssumeRole's API
/// reference: once set it cannot be changed).
fn source_identity(call: &Call, input: &Map<String, Value>) -> AwsResult<Option<String>> {
    let inherited = call.caller.source_identity.clone();
    let Some(given) = opt_str(input, "SourceIdentity") else { return Ok(inherited) };
    if let Some(e) = length_error(given, "sourceIdentity", 2, 256) {
        return Err(e);
    }
    if !given.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{given}' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
        )));
    }
    if let Some(old) = inherited {
        if old != given {
            // Simulator assumption for the code and wording: AWS documents that the source
            // identity of a chained session cannot change, not the wire error.
            return Err(AwsError::access_denied(format!(
                "The source identity of this session ({old}) cannot be changed to {given}."
            )));
        }
    }
    Ok(Some(given.to_string()))
}

/// Asks the engine whether `action` (sts:TagSession, sts:SetSourceIdentity) on the role is
/// allowed by its trust policy, which must itself allow it, as for sts:AssumeRole.
fn trust_allows(
    call: &mut Call,
    action: &str,
    role_arn: &str,
    trust_name: &str,
    trust: &Policy,
    context: &[(&str, &str)],
) -> AwsResult<()> {
    let record = call.decide(
        &AuthRequest::new(&call.caller, &call.region, action, role_arn)
            .with_resource_policy(Some((trust_name, trust)))
            .resource_policy_must_allow()
            .with_context(context),
    );
    call.record_decision(record)
}

/// The session policy of a role session: the inline `--policy` and the managed `--policy-arns`
/// (which must exist in the role's account, or be AWS managed), their statements together in one
/// session policy, so that a request is allowed if any of them allows it and the role's policies
/// do too (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session).
fn combine_session_policies(
    call: &Call,
    role_account: &str,
    inline: Option<Policy>,
    arns: &[String],
) -> AwsResult<Option<Policy>> {
    if arns.is_empty() {
        return Ok(inline);
    }
    let iam = call.world.iam.account(role_account);
    let mut statements = Vec::new();
    let mut texts: Vec<String> = inline.iter().map(|p| p.text().to_string()).collect();
    for arn in arns {
        let Some(policy) = iam.and_then(|i| i.managed_policy(arn)) else {
            // Simulator assumption for the code: AWS documents that the policies must exist in
            // the role's account, not the wire error for one that does not.
            return Err(AwsError::validation(format!("Policy {arn} does not exist or is not attachable.")));
        };
        texts.push(policy.text().to_string());
    }
    for text in texts.drain(..) {
        let doc: Value = serde_json::from_str(&text).map_err(|e| AwsError::malformed_policy(e.to_string()))?;
        match doc.get("Statement") {
            Some(Value::Array(list)) => statements.extend(list.iter().cloned()),
            Some(one @ Value::Object(_)) => statements.push(one.clone()),
            _ => return Err(AwsError::malformed_policy("Syntax errors in policy.")),
        }
    }
    let text = json!({ "Version": "2012-10-17", "Statement": statements }).to_string();
    Policy::parse(&text, PolicyKind::Session).map(Some).map_err(crate::error::policy_error)
}

fn get_session_token(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let user = match &call.caller.kind {
        CallerKind::RoleSession { .. } => {
            return Err(AwsError::access_denied("Cannot call GetSessionToken with session credentials"))
        }
        _ if call.caller.temporary && !call.caller.console => {
            return Err(AwsError::access_denied("Cannot call GetSessionToken with session credentials"))
        }
        CallerKind::Root => None,
        CallerKind::User { key } => Some(key.clone()),
    };
    let requested = requested_duration(input, user.is_some())?;
    // Root sessions are capped at one hour; longer requests silently get one hour
    // (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html).
    let duration = if user.is_none() { requested.min(3600) } else { requested };
    let mfa = check_mfa(call, opt_str(input, "SerialNumber"), opt_str(input, "TokenCode"))?;
    let account = call.account();
    let (id, session) = new_session(call, &account, SessionKind::SessionToken { user }, duration, mfa, None);
    let out = json!({ "Credentials": credentials_json(&id, &session) });
    call.world.sts.open(id, session);
    Ok(out)
}

fn get_federation_token(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let name = req_str(input, "Name")?.to_string();
    if let Some(e) = length_error(&name, "name", 2, 32) {
        return Err(e);
    }
    check_name("Name", &name, 32)?;
    // Only long-term credentials federate: an IAM user's (or, not recommended, the root user's).
    if call.caller.temporary && !call.caller.console {
        return Err(AwsError::access_denied("Cannot call GetFederationToken with session credentials"));
    }
    let user = match &call.caller.kind {
        CallerKind::Root => None,
        CallerKind::User { key } => Some(key.clone()),
        CallerKind::RoleSession { .. } => {
            return Err(AwsError::access_denied("Cannot call GetFederationToken with session credentials"))
        }
    };
    let policy = match opt_str(input, "Policy") {
        Some(text) => {
            check_policy_chars("policy", text)?;
            Some(Policy::parse(text, PolicyKind::Session).map_err(crate::error::policy_error)?)
        }
        None => None,
    };
    let requested = requested_duration(input, user.is_some())?;
    let account = call.account();
    let federated_arn = format!("arn:aws:sts::{account}:federated-user/{name}");
    call.authorize("sts:GetFederationToken", &federated_arn)?;
    // Root's federated sessions are capped at one hour, as its session tokens are.
    let duration = if user.is_none() { requested.min(3600) } else { requested };
    let packed = policy.as_ref().map(|p| p.text().split_whitespace().map(str::len).sum::<usize>() * 100 / 2048);
    let kind = SessionKind::FederationToken { user, name: name.clone() };
    let (id, session) = new_session(call, &account, kind, duration, false, policy);
    let mut out = json!({
        "Credentials": credentials_json(&id, &session),
        "FederatedUser": { "FederatedUserId": format!("{account}:{name}"), "Arn": federated_arn },
    });
    if let Some(size) = packed {
        out["PackedPolicySize"] = json!(size);
    }
    call.world.sts.open(id, session);
    Ok(out)
}

fn assume_root(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let target = req_str(input, "TargetPrincipal")?;
    let task = match input.get("TaskPolicyArn") {
        Some(Value::Object(m)) => m.get("arn").and_then(Value::as_str).unwrap_or(""),
        Some(Value::String(s)) => s.as_str(),
        _ => "",
    };
    let duration = opt_i64(input, "DurationSeconds").unwrap_or(super::MAX_ASSUME_ROOT_SECONDS);
    if !(0..=super::MAX_ASSUME_ROOT_SECONDS).contains(&duration) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value {}",
            if duration < 0 { "greater than or equal to 0" } else { "less than or equal to 900" }
        )));
    }
    if !crate::iam::managed::is_task_policy(task) {
        return Err(AwsError::validation(
            "Request must contain valid AWS managed task policy ARN (arn:aws:iam::aws:policy/root-task/...).",
        ));
    }
    let target_account = target.strip_prefix("arn:aws:iam::").and_then(|t| t.strip_suffix(":root")).unwrap_or(target);
    if target_account.len() != 12 || !target_account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AwsError::validation(format!(
            "TargetPrincipal '{target}' is not a member account ID or its root user ARN."
        )));
    }
    // Simulator assumptions where AWS does not document the error: these are
    // all AccessDenied, with a message that says which rule refused the call.
    if call.caller.is_root() {
        return Err(AwsError::access_denied("You cannot use root user credentials to call AssumeRoot."));
    }
    root_session_permitted(call.world, &call.caller.account, target_account)?;
    let resource = arn::root(target_account);
    // AssumeRoot names the member's root user as its resource but is authorized in the caller's
    // account alone: no policy of the member is involved, so the caller's account owns it here.
    let record = call.decide(
        &AuthRequest::new(&call.caller, &call.region, "sts:AssumeRoot", &resource)
            .owned_by(&call.caller.account)
            .with_context(&[("sts:TaskPolicyArn", task)]),
    );
    call.record_decision(record)?;
    let kind = SessionKind::AssumedRoot { task_policy_arn: task.to_string() };
    let (id, session) = new_session(call, target_account, kind, duration, false, None);
    let out = json!({ "Credentials": credentials_json(&id, &session) });
    call.world.sts.open(id, session);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(n: usize, value_len: usize) -> Vec<(String, String)> {
        (0..n).map(|i| (format!("k{i}"), "v".repeat(value_len))).collect()
    }

    #[test]
    fn the_packed_size_counts_session_tags_and_inherited_ones() {
        assert_eq!(packed_size(None, &[], &[]).unwrap(), None);
        // 8 tags of 2 + 254 characters: exactly the budget.
        assert_eq!(packed_size(None, &tags(8, 254), &[]).unwrap(), Some(100));
        let e = packed_size(None, &tags(8, 254), &tags(1, 1)).unwrap_err();
        assert_eq!(e.code, "PackedPolicyTooLarge");
        assert_eq!(e.message, "Packed size of session tags consumes 101% of allotted space.");
        // The policy's white space does not count; the policy and the tags share the budget.
        let policy = format!("{{ \"Version\" : \"{}\" }}", "x".repeat(1000));
        let size = packed_size(Some(&policy), &tags(1, 2), &[]).unwrap().unwrap();
        assert_eq!(size, (policy.chars().filter(|c| !c.is_whitespace()).count() + 4) * 100 / 2048);
        let e = packed_size(Some(&policy), &tags(5, 254), &[]).unwrap_err();
        assert!(e.message.starts_with("Packed policy consumes"), "{}", e.message);
    }

    #[test]
    fn transitive_keys_and_external_ids_follow_the_models_constraints() {
        let input = |k: &str, v: Value| Map::from_iter([(k.to_string(), v)]);
        let many: Vec<Value> = (0..51).map(|i| json!(format!("k{i}"))).collect();
        assert!(transitive_tag_keys(&input("TransitiveTagKeys", Value::Array(many))).is_err());
        assert!(transitive_tag_keys(&input("TransitiveTagKeys", json!(["team", "cost center"]))).is_ok());
        assert!(transitive_tag_keys(&input("TransitiveTagKeys", json!(["te*m"]))).is_err());
        assert!(external_id(&input("ExternalId", json!("x"))).is_err());
        assert!(external_id(&input("ExternalId", json!("a b"))).is_err());
        assert_eq!(external_id(&input("ExternalId", json!("Partner-42"))).unwrap().as_deref(), Some("Partner-42"));
        assert!(external_id(&input("ExternalId", json!("x".repeat(1225)))).is_err());
    }
}
