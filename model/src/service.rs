//! What every simulated AWS service shares: the operation table and the call context.
//!
//! Each service module publishes a table of [`Operation`]s: the operation's name, its parameters
//! with their shapes, and a handler. The command layer turns AWS CLI syntax into a JSON object of
//! parameters from that same table (so the CLI, `help` and tab completion can never disagree with
//! what a handler accepts), and the handler receives a [`Call`]: the world, the resolved caller,
//! and the one door to the policy engine, [`Call::authorize`] (through the call's
//! [`Authorizer`]).

use crate::auth::{AuthRecord, AuthRequest, Authorizer, Caller};
use crate::error::{AwsError, AwsResult};
use crate::world::World;
use rootsim_policy::Policy;
use serde_json::{Map, Value};

/// A handler: reads its parameters, asks for authorization, changes the world, returns the response.
pub type Handler = fn(&mut Call, &Map<String, Value>) -> AwsResult<Value>;

/// The shape of a parameter's value, which decides how the CLI parses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// `--flag` / `--no-flag`.
    Boolean,
    /// Several words, or a JSON list of strings.
    StringList,
    /// A JSON document passed as a string (policy documents): inline JSON or `file://`.
    Document,
    /// A list of `Key=..,Value=..` structures (shorthand or JSON).
    Tags,
    /// A structure with the given members (shorthand `A=1,B=2` or JSON).
    Structure(&'static [Param]),
    /// A list of structures: one shorthand `A=1,B=2` per word, or a JSON list.
    StructureList(&'static [Param]),
    /// A map of strings (SQS's queue attributes): shorthand `Name=Value,...` (a value may hold
    /// JSON: commas inside its brackets and quotes stay in it) or a JSON object of strings; it
    /// reaches the handler as a JSON object.
    Map,
    /// A blob that is not streamed (KMS's `--plaintext`, `--ciphertext-blob`): base64 text, as
    /// the AWS CLI v2 reads it by default (`cli_binary_format` `base64`), or `fileb://PATH`
    /// whose bytes are sent. The parameter reaches the handler as the bytes in base64; the
    /// response's blobs are printed in base64.
    BlobValue,
    /// A streaming blob (`put-object --body`): the path of a local file, whose bytes the CLI
    /// sends. The parameter reaches the handler as the bytes in base64.
    Blob,
}

/// One parameter of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// The API name, e.g. `UserName`; the CLI option is derived from it (`--user-name`).
    pub name: &'static str,
    /// How its value is parsed.
    pub shape: Shape,
    /// Whether the operation requires it.
    pub required: bool,
    /// One line of help.
    pub doc: &'static str,
}

/// One operation of a service.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The CLI's service name: `iam`, `sts`, `organizations`...
    pub service: &'static str,
    /// The API name, e.g. `CreateUser`; the CLI name is derived from it (`create-user`).
    pub name: &'static str,
    /// One line of help.
    pub summary: &'static str,
    /// Its parameters.
    pub params: &'static [Param],
    /// What runs it.
    pub handler: Handler,
}

/// The positional arguments the AWS CLI adds to operations (streaming output's file).
const CLI_POSITIONAL: &[&str] = &["outfile"];

impl Param {
    /// Whether the CLI takes it as a positional argument rather than an option: one of the
    /// arguments the CLI adds itself (`get-object`'s `outfile`, awscli's
    /// `customizations/streamingoutputarg.py`). Named explicitly: some services' API members are
    /// in lower camel case too (Access Analyzer's `policyType`, `locale`).
    pub fn is_positional(&self) -> bool {
        CLI_POSITIONAL.contains(&self.name)
    }
}

/// A parameter of an operation table: `param("UserName", Shape::String, true, "the user's name")`.
pub const fn param(name: &'static str, shape: Shape, required: bool, doc: &'static str) -> Param {
    Param { name, shape, required, doc }
}

/// Builds a service's operation table: the service's CLI name once, then one
/// `(ApiName, handler, summary, [params])` row per operation. Every service's table is written
/// with it, so a table row reads the same everywhere.
macro_rules! operations {
    ($service:literal, [$(($name:literal, $handler:path, $summary:literal, [$($param:expr),* $(,)?])),* $(,)?]) => {
        &[$($crate::service::Operation {
            service: $service,
            name: $name,
            summary: $summary,
            params: &[$($param),*],
            handler: $handler,
        }),*]
    };
}
pub(crate) use operations;

impl Operation {
    /// The CLI name: `create-user`.
    pub fn cli_name(&self) -> String {
        kebab(self.name)
    }
}

/// Converts an API name to the CLI's form the way botocore does: `ListMFADevices` ->
/// `list-mfa-devices`, `UserName` -> `user-name`.
pub fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower) {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The context of one AWS call: the world, who is calling, and every authorization made so far.
pub struct Call<'w> {
    /// The world the call acts on.
    pub world: &'w mut World,
    /// The resolved caller.
    pub caller: Caller,
    /// The Region the call is made in (`--region`).
    pub region: String,
    /// Every authorization decision taken during the call, in order (for `explain`).
    pub auth: Vec<AuthRecord>,
    /// The call's door to the policy engine, with what its decisions read remembered beside the
    /// world for the call's length (a world holds no cache).
    pub authorizer: Authorizer,
}

impl<'w> Call<'w> {
    /// A call of `caller` on `world` in `region`, with no authorization made yet.
    pub fn new(world: &'w mut World, caller: Caller, region: String) -> Call<'w> {
        Call { world, caller, region, auth: Vec::new(), authorizer: Authorizer::new() }
    }

    /// The time on the simulated clock.
    pub fn now(&self) -> i64 {
        self.world.clock.now()
    }

    /// The caller's account ID.
    pub fn account(&self) -> String {
        self.caller.account.clone()
    }

    /// Asks the policy engine about `request` (built from [`Call::caller`] and [`Call::region`])
    /// through the call's authorizer, without recording the decision or failing: for handlers
    /// that read the decision themselves (push it to [`Call::auth`] for `explain`).
    pub fn decide(&self, request: &AuthRequest) -> AuthRecord {
        self.authorizer.authorize(self.world, request)
    }

    /// Records `record` (a decision taken with [`Call::decide`]) for `explain`; a denial becomes
    /// the service's own error (`crate::error::denied_by_service`).
    pub fn record_decision(&mut self, record: AuthRecord) -> AwsResult<()> {
        self.record(record)
    }

    /// Records `record` for `explain`; a denial becomes the service's own error
    /// (`crate::error::denied_by_service`).
    fn record(&mut self, record: AuthRecord) -> AwsResult<()> {
        let result = if record.decision.is_allowed() {
            Ok(())
        } else {
            Err(crate::error::denied_by_service(&record.action, record.denial_message()))
        };
        self.auth.push(record);
        result
    }

    /// Asks the policy engine whether the caller may perform `action` on `resource` (identity
    /// side only: no resource-based policy). Denials become the service's own error.
    pub fn authorize(&mut self, action: &str, resource: &str) -> AwsResult<()> {
        self.authorize_with(action, resource, None)
    }

    /// Authorizes against a resource policy that must itself allow the request, as KMS key
    /// policies and role trust policies must (an identity policy alone is not enough, and the
    /// root user is not exempt).
    pub fn authorize_must_allow(
        &mut self,
        action: &str,
        resource: &str,
        policy_name: &str,
        policy: &Policy,
    ) -> AwsResult<()> {
        let request = AuthRequest::new(&self.caller, &self.region, action, resource)
            .with_resource_policy(Some((policy_name, policy)))
            .resource_policy_must_allow();
        let record = self.authorizer.authorize(self.world, &request);
        self.record(record)
    }

    /// Like [`Call::authorize`], with the resource's own policy (bucket, queue, key or trust
    /// policy), named for explanations.
    pub fn authorize_with(
        &mut self,
        action: &str,
        resource: &str,
        resource_policy: Option<(&str, &Policy)>,
    ) -> AwsResult<()> {
        let request =
            AuthRequest::new(&self.caller, &self.region, action, resource).with_resource_policy(resource_policy);
        let record = self.authorizer.authorize(self.world, &request);
        self.record(record)
    }
}

impl Call<'_> {
    /// Like [`Call::authorize_with`], for a resource whose ARN names no account (S3 buckets and
    /// objects, `arn:aws:s3:::bucket/key`): `owner` is the account that owns it, so that a caller
    /// from another account is evaluated cross-account and the owner's RCPs apply.
    pub fn authorize_owned(
        &mut self,
        action: &str,
        resource: &str,
        owner: &str,
        resource_policy: Option<(&str, &Policy)>,
    ) -> AwsResult<()> {
        let request = AuthRequest::new(&self.caller, &self.region, action, resource)
            .owned_by(owner)
            .with_resource_policy(resource_policy);
        let record = self.authorizer.authorize(self.world, &request);
        self.record(record)
    }
}

fn missing(name: &str) -> AwsError {
    let mut field = name.to_string();
    if let Some(first) = field.get_mut(0..1) {
        first.make_ascii_lowercase();
    }
    AwsError::validation(format!(
        "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
    ))
}

/// A required string parameter.
pub fn req_str<'a>(input: &'a Map<String, Value>, name: &str) -> AwsResult<&'a str> {
    input.get(name).and_then(Value::as_str).ok_or_else(|| missing(name))
}

/// An optional string parameter.
pub fn opt_str<'a>(input: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    input.get(name).and_then(Value::as_str)
}

/// An optional integer parameter.
pub fn opt_i64(input: &Map<String, Value>, name: &str) -> Option<i64> {
    input.get(name).and_then(Value::as_i64)
}

/// An optional boolean parameter.
pub fn opt_bool(input: &Map<String, Value>, name: &str) -> Option<bool> {
    input.get(name).and_then(Value::as_bool)
}

/// How AWS's request validation names the bound that a length or value `n` breaks: "greater than
/// or equal to {min}" or "less than or equal to {max}" (it never writes "between"); `None` within
/// the bounds. Callers put it after "Member must have length " or "Member must have value ".
pub fn broken_bound(n: i64, min: i64, max: i64) -> Option<String> {
    if n < min {
        Some(format!("greater than or equal to {min}"))
    } else if n > max {
        Some(format!("less than or equal to {max}"))
    } else {
        None
    }
}

/// Checks an IAM name against its pattern (`[\w+=,.@-]+`) and length, as IAM's validation does.
pub fn check_name(field: &str, value: &str, max: usize) -> AwsResult<()> {
    let mut f = field.to_string();
    if let Some(first) = f.get_mut(0..1) {
        first.make_ascii_lowercase();
    }
    let len = i64::try_from(value.chars().count()).unwrap_or(i64::MAX);
    if let Some(bound) = broken_bound(len, 1, i64::try_from(max).unwrap_or(i64::MAX)) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{value}' at '{f}' failed to satisfy constraint: Member must have length {bound}"
        )));
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{value}' at '{f}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
        )));
    }
    Ok(())
}

/// The characters IAM's, STS's and KMS's API models allow in a policy document parameter
/// (`[\u0009\u000A\u000D\u0020-\u00FF]+`: tab, line feed, carriage return and U+0020 to
/// U+00FF): the services' request validation refuses any other before a policy is read (rule
/// IAM-POLICY-KINDS). Returns the validation message for the member `member` (as messages write
/// it, `policyDocument`), for the caller to answer with its service's validation error code.
pub fn policy_chars_error(member: &str, text: &str) -> Option<String> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}');
    if text.chars().all(allowed) {
        return None;
    }
    Some(format!(
        "1 validation error detected: Value '{text}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
    ))
}

/// [`policy_chars_error`] as IAM and STS answer it: `ValidationError`.
pub fn check_policy_chars(member: &str, text: &str) -> AwsResult<()> {
    match policy_chars_error(member, text) {
        Some(message) => Err(AwsError::validation(message)),
        None => Ok(()),
    }
}

/// Checks an IAM path: `/` or `/text/`, at most 512 characters.
pub fn check_path(value: &str) -> AwsResult<()> {
    let ok = value.starts_with('/')
        && value.ends_with('/')
        && value.len() <= 512
        && value.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c));
    if ok {
        Ok(())
    } else {
        Err(AwsError::validation(format!(
            "1 validation error detected: Value '{value}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"
        )))
    }
}

/// Whether the role `role_arn` exists and its trust policy lets the service principal `service`
/// (`glue.amazonaws.com`...) assume it: an `Allow` statement for `sts:AssumeRole` naming the
/// service, and no `Deny` naming it. Services that run code as a role check this when the role is
/// given to them, each with its own error.
pub fn role_trusts_service(world: &World, role_arn: &str, service: &str) -> bool {
    use rootsim_policy::{Effect, PrincipalType};
    let Some((_, _, role)) = world.role_trust_policy(role_arn) else { return false };
    let names = |st: &rootsim_policy::StatementView<'_>| {
        !st.is_not_principal()
            && st.matches_action("sts:AssumeRole")
            && st.principals().any(|g| {
                g.kind() == PrincipalType::Any
                    || (g.kind() == PrincipalType::Service && g.values().any(|v| v.eq_ignore_ascii_case(service)))
            })
    };
    let statements: Vec<_> = role.trust_policy.statements().collect();
    statements.iter().any(|st| st.effect() == Effect::Allow && names(st))
        && !statements.iter().any(|st| st.effect() == Effect::Deny && names(st))
}

/// The decision on `iam:PassRole` of `role_arn` to the service principal `service`
/// (`iam:PassedToService`), asked for the call's caller and not yet recorded: each service
/// answers a refused pass with its own error, so the handler records it
/// ([`Call::record_decision`], or its own error after pushing it to [`Call::auth`]).
pub fn decide_pass_role(call: &Call, role_arn: &str, service: &str) -> AuthRecord {
    let context = [("iam:PassedToService", service)];
    call.decide(&AuthRequest::new(&call.caller, &call.region, "iam:PassRole", role_arn).with_context(&context))
}

/// [`decide_pass_role`], recorded, for the services whose refused `iam:PassRole` is their own
/// denial of `action` (the operation that passes the role: the service's error code, the engine's
/// message naming iam:PassRole; `error::denied_by_service`).
pub fn authorize_pass_role(call: &mut Call, action: &str, role_arn: &str, service: &str) -> AwsResult<()> {
    let record = decide_pass_role(call, role_arn, service);
    let (allowed, message) = (record.decision.is_allowed(), record.denial_message());
    call.auth.push(record);
    if allowed {
        Ok(())
    } else {
        Err(crate::error::denied_by_service(action, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_matches_botocore() {
        assert_eq!(kebab("CreateUser"), "create-user");
        assert_eq!(kebab("ListMFADevices"), "list-mfa-devices");
        assert_eq!(kebab("GetCallerIdentity"), "get-caller-identity");
        assert_eq!(kebab("UserName"), "user-name");
        assert_eq!(kebab("ListOpenIDConnectProviders"), "list-open-id-connect-providers");
        assert_eq!(kebab("EnableAWSServiceAccess"), "enable-aws-service-access");
        assert_eq!(kebab("PolicyArn"), "policy-arn");
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("UserName", "bob.smith@x", 64).is_ok());
        assert_eq!(check_name("UserName", "bad name", 64).unwrap_err().code, "ValidationError");
        assert!(check_name("UserName", "", 64).is_err());
        assert!(check_path("/").is_ok() && check_path("/a/b/").is_ok() && check_path("a/").is_err());
        assert!(check_name("UserName", "", 64).unwrap_err().message.ends_with("length greater than or equal to 1"));
        let long = "a".repeat(65);
        assert!(check_name("UserName", &long, 64).unwrap_err().message.ends_with("length less than or equal to 64"));
    }

    #[test]
    fn a_broken_bound_is_named_as_aws_names_it() {
        assert_eq!(broken_bound(1, 2, 64).as_deref(), Some("greater than or equal to 2"));
        assert_eq!(broken_bound(65, 2, 64).as_deref(), Some("less than or equal to 64"));
        assert_eq!(broken_bound(2, 2, 64), None);
        assert_eq!(broken_bound(64, 2, 64), None);
    }

    #[test]
    fn policy_documents_hold_latin_1_and_three_controls_only() {
        assert!(check_policy_chars("policyDocument", "{\t\"a\":\r\n\"caf\u{e9} \u{ff}\"}").is_ok());
        for bad in ["\u{100}", "\u{65e5}", "\u{1f600}", "\u{0}", "\u{1f}", "\u{b}"] {
            let e = check_policy_chars("policyDocument", &format!("{{\"a\":\"{bad}\"}}")).unwrap_err();
            assert_eq!(e.code, "ValidationError", "{bad:?}");
            assert!(e.message.contains("at 'policyDocument'"), "{}", e.message);
        }
    }

    #[test]
    fn a_role_trusts_a_service_only_when_an_allow_names_it_and_no_deny_does() {
        use crate::{Session, DEFAULT_SEED};
        let mut s = Session::demo(DEFAULT_SEED);
        let trusts = [
            (
                "Glue",
                r#"[{"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"},"Action":"sts:AssumeRole"}]"#,
                true,
            ),
            (
                "Ec2",
                r#"[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]"#,
                false,
            ),
            (
                "Denied",
                r#"[{"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"Service":"glue.amazonaws.com"},"Action":"sts:*"}]"#,
                false,
            ),
            (
                "TagOnly",
                r#"[{"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"},"Action":"sts:TagSession"}]"#,
                false,
            ),
        ];
        for (name, statements, _) in trusts {
            let doc = format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#);
            s.run(&format!("aws iam create-role --role-name {name} --assume-role-policy-document {doc}")).expect_ok();
        }
        let account =
            s.world.iam.accounts.keys().find(|a| s.world.iam.account(a).is_some_and(|i| i.role("Glue").is_some()));
        let account = account.expect("the roles' account").clone();
        for (name, _, expected) in trusts {
            let arn = format!("arn:aws:iam::{account}:role/{name}");
            assert_eq!(role_trusts_service(&s.world, &arn, "glue.amazonaws.com"), expected, "{name}");
        }
        assert!(!role_trusts_service(&s.world, &format!("arn:aws:iam::{account}:role/Nobody"), "glue.amazonaws.com"));
    }
}
