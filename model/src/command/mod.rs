//! The command language: what a trainee types, a script holds, or a test sends.
//!
//! A [`Session`] holds a world and the identity the terminal is signed in with, and
//! [`Session::execute`] runs one command line and returns an [`Outcome`]: the text to print, and
//! whether it succeeded with which error code. Lines that start with `aws` are AWS CLI calls,
//! parsed against the operation table; everything else is a sandbox command (`whoami`, `clock`,
//! `explain`, ...). The model does no I/O: reading `file://` parameters and saving or loading
//! worlds go through the [`Host`] the caller provides.
//!
//! Architecture invariant: a command either succeeds or leaves the world exactly as it was. AWS
//! calls run against the world and, on failure, the state from before the call is put back.

mod awslambda;
pub mod cli;
mod cli_help;
pub mod cli_input;
pub mod complete;
pub mod config;
pub mod console;
pub mod exact;
mod expand;
mod help;
pub mod lex;
mod outfile;
pub mod paginate;
pub mod s3;
pub mod sandbox;
pub mod shorthand;
mod show;
mod signin;
pub mod suggest;
pub mod usage;
mod yaml_in;

use crate::auth::{AuthRecord, Caller, Identity};
use crate::error::AwsError;
use crate::service::Call;
use crate::world::World;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// File access, re-exported from its home in the base layer ([`crate::host`]).
pub use crate::host::{Host, MemoryHost};
/// The CLI's JSON rendering, re-exported from its home in the base layer ([`crate::render`]).
pub use crate::render::to_cli_json;
pub use sandbox::COMMANDS;

/// The result of one command.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What to print (may be empty: many AWS operations print nothing on success).
    pub text: String,
    /// Whether the command succeeded.
    pub ok: bool,
    /// On failure, the error code: AWS's (`AccessDenied`, ...) or the sandbox's (`UsageError`,
    /// `UnknownCommand`, `FailedAuthentication`, ...).
    pub code: Option<String>,
    /// The JSON response of a successful AWS call.
    pub json: Option<Value>,
    /// The command asked to leave (`exit`).
    pub exit: bool,
}

impl Outcome {
    /// For tests: panics with the command's output unless it succeeded; returns the outcome.
    ///
    /// ```
    /// let mut session = rootsim_model::Session::demo(rootsim_model::DEFAULT_SEED);
    /// let who = session.run("aws sts get-caller-identity").expect_ok().json.clone().unwrap();
    /// assert!(who["Arn"].as_str().unwrap().ends_with(":user/alice"));
    /// ```
    #[track_caller]
    pub fn expect_ok(&self) -> &Outcome {
        assert!(self.ok, "expected success, got {}: {}", self.code.as_deref().unwrap_or("a failure"), self.text);
        self
    }

    /// For tests: panics unless the command failed with `code`; returns the outcome.
    ///
    /// ```
    /// let mut session = rootsim_model::Session::demo(rootsim_model::DEFAULT_SEED);
    /// session.run("sign-in user --account management --user-name bob --password Bob-Passw0rd!").expect_ok();
    /// let denied = session.run("aws iam list-users");
    /// assert!(denied.expect_error("AccessDenied").text.contains("no identity-based policy allows"));
    /// ```
    #[track_caller]
    pub fn expect_error(&self, code: &str) -> &Outcome {
        assert!(
            !self.ok && self.code.as_deref() == Some(code),
            "expected error {code}, got {}: {}",
            if self.ok { "success" } else { self.code.as_deref().unwrap_or("a failure") },
            self.text
        );
        self
    }

    /// Success with text.
    pub fn ok(text: impl Into<String>) -> Outcome {
        Outcome { text: text.into(), ok: true, code: None, json: None, exit: false }
    }

    /// Failure with a code and text.
    pub fn fail(code: &str, text: impl Into<String>) -> Outcome {
        Outcome { text: text.into(), ok: false, code: Some(code.to_string()), json: None, exit: false }
    }

    /// A usage error of a sandbox command.
    pub fn usage(text: impl Into<String>) -> Outcome {
        Self::fail("UsageError", text)
    }
}

/// Where a session's world came from, so that `reset` can rebuild it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// The built-in demo world.
    Demo {
        /// Its seed.
        seed: u64,
    },
    /// An empty world.
    Empty {
        /// Its seed.
        seed: u64,
    },
    /// A synthetic estate (`crate::synth`).
    Synthetic {
        /// Its seed.
        seed: u64,
        /// Its size.
        spec: crate::synth::Spec,
    },
}

/// The last AWS call, kept for `explain`.
#[derive(Debug, Clone)]
pub struct LastCall {
    /// The operation's API name.
    pub operation: String,
    /// The service's CLI name.
    pub service: String,
    /// Every authorization taken during it.
    pub auth: Vec<AuthRecord>,
    /// Its error, if it failed.
    pub error: Option<AwsError>,
}

/// The saved form of a session: the version of the format, the world and who is signed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Format version.
    pub format: u32,
    /// Where the world came from.
    pub origin: Origin,
    /// The world.
    pub world: World,
    /// Who the terminal is signed in as.
    pub identity: Identity,
    /// The AWS CLI's files, environment and role cache (absent from saves made before them).
    #[serde(default)]
    pub cli: config::CliConfig,
}

/// The version of the saved-world format.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// A world and a terminal signed in to it.
#[derive(Debug, Clone)]
pub struct Session {
    /// The world.
    pub world: World,
    /// Who the terminal is signed in as.
    pub identity: Identity,
    /// Where the world came from.
    pub origin: Origin,
    /// The last AWS call, for `explain`.
    pub last: Option<LastCall>,
    /// The last command, when it made no AWS call (a usage error, a sandbox command): its
    /// name, so that `explain` says it has nothing of it to explain rather than explaining an
    /// earlier call as if it were that command's.
    pub no_call: Option<String>,
    /// The AWS CLI's configuration, environment and pending question ([`config`]).
    pub cli: config::CliConfig,
}

impl Session {
    /// A session on the demo world, signed in as alice with her access keys.
    pub fn demo(seed: u64) -> Session {
        let (world, identity) = crate::demo::demo(seed);
        Session { world, identity, origin: Origin::Demo { seed }, last: None, no_call: None, cli: Default::default() }
    }

    /// A session on an empty world, signed out.
    pub fn empty(seed: u64) -> Session {
        Session {
            world: World::new(seed),
            identity: Identity::SignedOut,
            origin: Origin::Empty { seed },
            last: None,
            no_call: None,
            cli: Default::default(),
        }
    }

    /// A session on a synthetic estate ([`crate::synth::generate`]), signed in as the management
    /// account's `admin` user with its access keys.
    pub fn synthetic(spec: &crate::synth::Spec, seed: u64) -> Session {
        let (world, identity) = crate::synth::generate(spec, seed);
        Session {
            world,
            identity,
            origin: Origin::Synthetic { seed, spec: *spec },
            last: None,
            no_call: None,
            cli: Default::default(),
        }
    }

    /// The session as its saved JSON.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct SnapshotRef<'a> {
            format: u32,
            origin: Origin,
            world: &'a World,
            identity: &'a Identity,
            // Left out when empty, so that a session without CLI configuration saves as before.
            #[serde(skip_serializing_if = "config::CliConfig::is_empty")]
            cli: &'a config::CliConfig,
        }
        let snap = SnapshotRef {
            format: SNAPSHOT_FORMAT,
            origin: self.origin,
            world: &self.world,
            identity: &self.identity,
            cli: &self.cli,
        };
        serde_json::to_string_pretty(&snap).expect("a world always serializes")
    }

    /// A session from saved JSON; the error names the line and column of what is wrong, or every
    /// invariant the world breaks ([`World::check`]).
    pub fn from_json(text: &str) -> Result<Session, String> {
        let snap: Snapshot = serde_json::from_str(text).map_err(|e| format!("not a saved rootsim world: {e}"))?;
        if snap.format != SNAPSHOT_FORMAT {
            return Err(format!("saved world has format {}, this rootsim reads format {SNAPSHOT_FORMAT}", snap.format));
        }
        // A hand-edited world that breaks an invariant would decide wrongly or make a command
        // panic: refuse it, naming what is wrong (the caller keeps its current world).
        if let Err(problems) = snap.world.check() {
            return Err(format!("not a world rootsim could have made: {}", problems.join("; ")));
        }
        Ok(Session {
            world: snap.world,
            identity: snap.identity,
            origin: snap.origin,
            last: None,
            no_call: None,
            cli: snap.cli,
        })
    }

    /// The prompt: who you are and where, e.g. `alice@management (123456789012)`, after the
    /// profile the environment selects (`[dev] ...`), as the AWS CLI would find its credentials.
    pub fn prompt(&self) -> String {
        let Some(prefix) = config::prompt_prefix(&self.cli) else { return self.prompt_for(&self.identity) };
        match config::peek_identity(self) {
            Some(identity) => format!("{prefix}{}", self.prompt_for(&identity)),
            // A role not assumed yet, or a profile the CLI would refuse: the next call says which.
            None => format!("{prefix}credentials-unresolved"),
        }
    }

    /// The question the terminal waits to have answered (`aws configure`'s prompts, an MFA
    /// code), as the CLI prints it; the next line given to [`Session::execute`] answers it.
    pub fn question(&self) -> Option<String> {
        self.cli.question()
    }

    /// Drops the pending question (Ctrl-C at a prompt).
    pub fn cancel_question(&mut self) {
        self.cli.cancel_question();
    }

    fn prompt_for(&self, identity: &Identity) -> String {
        match self.world.resolve(identity) {
            Err(_) if *identity == Identity::SignedOut => "signed-out".into(),
            // A closed account's root user keeps its console session (to reopen the account,
            // read bills, contact Support), though AWS calls fail: say so rather than "invalid".
            Err(_) => match identity {
                Identity::Console { account, user: None, .. } => match self.world.accounts.get(account) {
                    Some(a) if a.status_at(self.world.clock.now()) != crate::account::AccountStatus::Active => {
                        format!("root@{} ({}, closed)", a.name, a.id)
                    }
                    _ => "credentials-invalid".into(),
                },
                _ => "credentials-invalid".into(),
            },
            Ok(caller) => {
                let federated = caller.principal.kind == rootsim_policy::PrincipalKind::FederatedUser;
                let who = match &caller.kind {
                    _ if federated => {
                        format!("federated-user/{}", caller.principal.arn.rsplit('/').next().unwrap_or(""))
                    }
                    crate::auth::CallerKind::Root => "root".to_string(),
                    // An IAM user may be named `root`: never show it as the root user.
                    crate::auth::CallerKind::User { .. } => match caller.username.clone().unwrap_or_default() {
                        name if name.eq_ignore_ascii_case("root") => format!("user/{name}"),
                        name => name,
                    },
                    crate::auth::CallerKind::RoleSession { session_name, .. } => {
                        let role = caller.principal.principal_arn.rsplit('/').next().unwrap_or("").to_string();
                        format!("{role}/{session_name}")
                    }
                };
                let name = self.world.accounts.get(&caller.account).map_or("?", |a| a.name.as_str());
                format!("{who}@{name} ({})", caller.account)
            }
        }
    }

    /// Runs one command line with no files to read (`file://` arguments fail): the short form for
    /// tests and scripts built in code. [`Session::execute`] takes a [`Host`] for files.
    ///
    /// ```
    /// let mut session = rootsim_model::Session::demo(rootsim_model::DEFAULT_SEED);
    /// session.run("aws iam create-user --user-name carol").expect_ok();
    /// session.run("aws iam create-user --user-name carol").expect_error("EntityAlreadyExists");
    /// ```
    pub fn run(&mut self, line: &str) -> Outcome {
        self.execute(line, &mut MemoryHost::default())
    }

    /// Runs one command line (which may span several lines of JSON).
    pub fn execute(&mut self, line: &str, host: &mut dyn Host) -> Outcome {
        // A question the CLI asked takes the line as its answer, whatever it holds.
        if let Some(out) = config::answer(self, line, host) {
            return out;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return Outcome::ok("");
        }
        let words = match lex::split(trimmed) {
            Ok(w) => w,
            Err(e) => return Outcome::usage(format!("error at column {}: {}", e.column, e.message)),
        };
        if words[0].text == "explain" {
            return sandbox::run(self, &words, host);
        }
        // A command that makes no AWS call leaves `last` as it was (the call before it), and
        // `no_call` names it; one that makes a call replaces `last`.
        let before = self.last.take();
        let out = if words[0].text == "aws" {
            self.run_aws(&words[1..], host, trimmed)
        } else {
            sandbox::run(self, &words, host)
        };
        if self.last.is_none() {
            self.last = before;
            // The command's words before its first option: never a password or a key.
            let name: Vec<&str> =
                words.iter().map(|w| w.text.as_str()).take_while(|w| !w.starts_with('-')).take(3).collect();
            self.no_call = Some(name.join(" "));
        } else {
            self.no_call = None;
        }
        out
    }

    fn run_aws(&mut self, words: &[lex::Word], host: &mut dyn Host, line: &str) -> Outcome {
        let exact = exact::asked(self, words);
        let outcome = if exact {
            self.run_aws_line(&exact::without_option(words), host, line)
        } else {
            self.run_aws_line(words, host, line)
        };
        if exact {
            exact::strip(outcome, self.last.as_ref().and_then(|l| l.error.as_ref()))
        } else {
            outcome
        }
    }

    fn run_aws_line(&mut self, words: &[lex::Word], host: &mut dyn Host, line: &str) -> Outcome {
        // `aws configure ...` is the CLI's own command, not an operation of a service.
        if let Ok((globals, rest)) = cli::split_globals(words) {
            if rest.first().is_some_and(|w| w.text == "configure" && !w.quoted) {
                return config::configure(self, &globals, &rest[1..], line);
            }
        }
        let inv = match cli::parse(words, host) {
            Ok(cli::Parsed::Call(inv)) => inv,
            Ok(cli::Parsed::Version) => return Outcome::ok(cli_version()),
            Ok(cli::Parsed::Help(page)) => return Outcome::ok(cli_help::page(page)),
            Ok(cli::Parsed::S3(globals, words)) => return s3::run(self, *globals, &words, host, line),
            Ok(cli::Parsed::Skeleton(skeleton)) => {
                // Printed as JSON whatever --output says, as the CLI does.
                let text = crate::render::to_cli_json(&skeleton);
                return Outcome { text, ok: true, code: None, json: Some(skeleton), exit: false };
            }
            Ok(cli::Parsed::Stubbed(inv, response)) => {
                // `--generate-cli-skeleton output`: the stubbed response, printed as a response.
                return match config::settings(&self.cli, &inv.globals).output {
                    Ok(output) => print_response(&response, &inv.globals, output, inv.operation.name),
                    Err(msg) => Outcome::fail("OutputError", msg),
                };
            }
            Err(e) => return Outcome::usage(e.text()),
        };
        let op = inv.operation;
        let settings = config::settings(&self.cli, &inv.globals);
        // Global services (IAM, Organizations, Account) and STS's global endpoint are called in
        // us-east-1 whatever the Region says.
        let region =
            crate::registry::call_region(op.service, Some(&settings.region), inv.globals.endpoint_url.as_deref());
        // `--no-sign-request`: no credentials are loaded; the call goes as the anonymous caller.
        if inv.globals.no_sign_request {
            return self.run_unsigned(&inv, &region, &settings.output, host);
        }
        // The credentials as the CLI's provider chain finds them (a role profile assumes its role).
        let creds = match config::credentials(self, inv.globals.profile.as_deref(), &region) {
            Ok(c) => c,
            Err(config::CredFailure::NeedMfa(serial)) => return config::ask_mfa(self, serial, line),
            Err(config::CredFailure::Fail(o)) => return o,
        };
        let debug = if inv.globals.debug { self.debug_lines(&inv, &settings, &creds.log) } else { String::new() };
        let caller = match self.resolve_for(&creds.identity, op.service, op.name) {
            Ok(c) => c,
            Err(e) => return with_debug(debug, aws_failure(op.name, &e)),
        };
        if paginate::applies(&inv) {
            return self.run_paginated(&inv, caller, &region, &settings.output, debug);
        }
        let (mut result, auth) = self.call_page(op, &caller, &region, &inv.params, &mut crate::pages::Memo::default());
        if let Ok(value) = &mut result {
            if let Some(failed) = outfile::save(op, &inv.params, value, host) {
                return failed;
            }
        }
        let outcome = match &result {
            Ok(value) => match &settings.output {
                Ok(output) => print_response(value, &inv.globals, *output, op.name),
                // An output format from the environment or the profile that the CLI does not
                // know fails when it prints the response: the call's effects stay.
                Err(msg) => Outcome::fail("OutputError", msg.clone()),
            },
            Err(e) => aws_failure(op.name, e),
        };
        let outcome = with_debug(debug, outcome);
        self.last = Some(LastCall { operation: op.name.into(), service: op.service.into(), auth, error: result.err() });
        outcome
    }

    /// An unsigned call (`--no-sign-request`): S3, SQS and SNS take it as the anonymous caller,
    /// whom only a resource policy granting everyone lets in; the other services refuse a request
    /// without a signature before reading any policy (rule CLI-NO-SIGN-REQUEST).
    fn run_unsigned(
        &mut self,
        inv: &cli::Invocation,
        region: &str,
        output: &Result<crate::render::Output, String>,
        host: &mut dyn Host,
    ) -> Outcome {
        let op = inv.operation;
        let (result, auth) = match unsigned_refusal(op.service) {
            Some(e) => (Err(e), Vec::new()),
            None => self.call_page(op, &Caller::anonymous(), region, &inv.params, &mut crate::pages::Memo::default()),
        };
        let mut result = result;
        if let Ok(value) = &mut result {
            if let Some(failed) = outfile::save(op, &inv.params, value, host) {
                return failed;
            }
        }
        let outcome = match &result {
            Ok(value) => match output {
                Ok(output) => print_response(value, &inv.globals, *output, op.name),
                Err(msg) => Outcome::fail("OutputError", msg.clone()),
            },
            Err(e) => aws_failure(op.name, e),
        };
        self.last = Some(LastCall { operation: op.name.into(), service: op.service.into(), auth, error: result.err() });
        outcome
    }

    /// The caller that `identity` signs `service`'s `operation` as; when it signs nothing (wrong,
    /// deleted or expired credentials), the failure is also what `explain` shows for the call.
    pub(crate) fn resolve_for(
        &mut self,
        identity: &Identity,
        service: &str,
        operation: &str,
    ) -> Result<Caller, AwsError> {
        self.world.resolve(identity).inspect_err(|e| {
            self.last = Some(LastCall {
                operation: operation.into(),
                service: service.into(),
                auth: vec![],
                error: Some(e.clone()),
            });
        })
    }

    /// One API call of `op` with `params` (one page of a paginated operation, as the service
    /// answers it: `crate::pages::invoke_paging`, `memo` shared by the pages of one run),
    /// recorded in CloudTrail. Returns its result and every authorization it took.
    fn call_page(
        &mut self,
        op: &'static crate::service::Operation,
        caller: &Caller,
        region: &str,
        params: &serde_json::Map<String, Value>,
        memo: &mut crate::pages::Memo,
    ) -> (Result<Value, AwsError>, Vec<AuthRecord>) {
        self.call_api(op.service, op.name, caller, region, params, |call| {
            crate::pages::invoke_paging(op, call, params, memo)
        })
    }

    /// One AWS API call of `service`'s `operation` as `caller` in `region`, however its handler
    /// is reached (`run` answers the response): the
    /// sessions STS bars are refused before any policy is read, a failure is rolled back
    /// ([`Session::call`]), the attempt is recorded in CloudTrail with `params`, and a success
    /// marks the access key used. Returns its result and every authorization it took.
    pub(crate) fn call_api(
        &mut self,
        service: &str,
        operation: &str,
        caller: &Caller,
        region: &str,
        params: &serde_json::Map<String, Value>,
        run: impl FnOnce(&mut Call) -> Result<Value, AwsError>,
    ) -> (Result<Value, AwsError>, Vec<AuthRecord>) {
        let (result, auth) = self.call(caller.clone(), region.to_string(), |call| {
            // GetFederationToken and GetSessionToken sessions are barred from IAM (the latter
            // without MFA) and most of STS before any policy is read.
            match crate::sts::ops::session_refusal(call.world, &call.caller, service, operation) {
                Some(refused) => Err(refused),
                None => run(call),
            }
        });
        // Recorded after a failure's rollback: the attempt itself is history (see cloudtrail).
        self.world.record_call(caller, service, operation, region, params, &result);
        if result.is_ok() {
            crate::iam::account::note_key_use(&mut self.world, caller, service, region);
        }
        (result, auth)
    }

    /// Runs one operation on the world as `caller` in `region` (`run` calls its handler with the
    /// [`Call`]): an AWS call, a console action, or a sign-in or recovery step (whose handlers
    /// answer a typed page or refusal rather than a response). When it fails, the state from
    /// before the call is put back. Returns its result and every authorization it took.
    pub(crate) fn call<T, E>(
        &mut self,
        caller: Caller,
        region: String,
        run: impl FnOnce(&mut Call) -> Result<T, E>,
    ) -> (Result<T, E>, Vec<AuthRecord>) {
        // Copy-on-write (crate::shared): the copy is a few reference counts, and the call pays
        // for cloning only the parts it changes while the copy is alive.
        let before = self.world.clone();
        let mut call = Call::new(&mut self.world, caller, region);
        let result = run(&mut call);
        let auth = std::mem::take(&mut call.auth);
        match &result {
            // Dropped before the caller appends to the history, which would otherwise copy it.
            Ok(_) => drop(before),
            Err(_) => self.world = before,
        }
        (result, auth)
    }
}

/// The AWS CLI's error line for a failed call.
pub fn aws_failure(operation: &str, e: &AwsError) -> Outcome {
    let mut text = if e.code == "NoCredentials" {
        e.message.clone()
    } else {
        format!("An error occurred ({}) when calling the {operation} operation: {}", e.code, e.message)
    };
    if let Some(h) = &e.hint {
        text.push('\n');
        text.push_str(h);
    }
    Outcome::fail(&e.code, text)
}

/// The version rootsim answers `aws --version` with: AWS CLI v2's line, naming rootsim where the
/// CLI names its platform and build.
pub fn cli_version() -> String {
    format!("aws-cli/{AWS_CLI_VERSION} Python/3.11.9 Linux rootsim/{}", env!("CARGO_PKG_VERSION"))
}

/// The AWS CLI release whose behaviour rootsim reproduces (`aws --version`).
pub const AWS_CLI_VERSION: &str = "2.17.0";

/// A successful call's response as the CLI prints it with the line's `--query` and `--output`.
/// An operation without a response is the empty object, which prints nothing.
fn print_response(value: &Value, globals: &cli::Globals, output: crate::render::Output, operation: &str) -> Outcome {
    let response = if value.is_null() { Value::Object(serde_json::Map::new()) } else { value.clone() };
    let shown = match &globals.query {
        None => response,
        Some(q) => match q.search(&response) {
            Ok(v) => v,
            // The call went through; only printing its response failed, as in the CLI.
            Err(msg) => return Outcome::fail("QueryError", msg),
        },
    };
    let text = crate::render::format(&shown, output, operation);
    Outcome { text, ok: true, code: None, json: Some(value.clone()), exit: false }
}

/// How a service that takes no anonymous calls answers an unsigned request: the query-protocol
/// services (CloudFormation, IAM, STS) with `MissingAuthenticationToken`, the JSON ones with
/// `MissingAuthenticationTokenException` (simulator assumption: the codes of AWS's common
/// errors, not checked against each service). `None` for S3, SQS and SNS, which take the
/// anonymous caller.
pub(crate) fn unsigned_refusal(service: &str) -> Option<AwsError> {
    match service {
        "s3api" | "s3" | "sqs" | "sns" => None,
        "cloudformation" | "iam" | "sts" => {
            Some(AwsError::new("MissingAuthenticationToken", 403, "Request is missing Authentication Token"))
        }
        _ => Some(AwsError::new("MissingAuthenticationTokenException", 403, "Missing Authentication Token")),
    }
}

/// `--debug`'s lines before an outcome.
fn with_debug(debug: String, mut outcome: Outcome) -> Outcome {
    if !debug.is_empty() {
        outcome.text = if outcome.text.is_empty() { debug } else { format!("{debug}\n{}", outcome.text) };
    }
    outcome
}

impl Session {
    /// What `--debug` can truthfully say: the CLI version, the arguments, the credentials and
    /// where they come from, the Region, the endpoint, and the operation with its parameters.
    fn debug_lines(&self, inv: &cli::Invocation, settings: &config::Settings, creds: &[String]) -> String {
        let g = &inv.globals;
        let op = inv.operation;
        let region = &settings.region;
        let log = |logger: &str, msg: String| format!("MainThread - {logger} - DEBUG - {msg}");
        let args: Vec<String> = g.typed.iter().map(|w| format!("'{w}'")).collect();
        let region_source = &settings.region_source;
        let endpoint = match &g.endpoint_url {
            Some(url) => format!("--endpoint-url {url} is ignored: rootsim answers every call itself"),
            None => format!("Endpoint: rootsim's simulated {} in {region}", op.service),
        };
        let params = serde_json::to_string(&inv.params).unwrap_or_default();
        [
            log("awscli.clidriver", format!("CLI version: {}", cli_version())),
            log("awscli.clidriver", format!("Arguments entered to CLI: [{}]", args.join(", "))),
            creds.join("\n"),
            log("botocore.regions", format!("Region: {region} (from {region_source})")),
            log("botocore.endpoint", endpoint),
            log(
                "botocore.endpoint",
                format!("Making request for OperationModel(name={}) with params: {params}", op.name),
            ),
        ]
        .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use crate::tasks::{How, TASKS};

    #[test]
    fn an_iam_user_named_root_is_never_shown_as_the_root_user() {
        let mut s = crate::Session::demo(crate::DEFAULT_SEED);
        s.run("aws iam create-user --user-name root").expect_ok();
        s.run("aws iam create-login-profile --user-name root --password Root-User-Passw0rd!").expect_ok();
        s.run("sign-in user --account management --user-name root --password Root-User-Passw0rd!").expect_ok();
        assert!(s.prompt().starts_with("user/root@management"), "{}", s.prompt());
        s.run("sign-in root --email aws-management@example.com --password Mgmt-Root-2026!").expect_ok();
        assert!(s.prompt().starts_with("root@management"), "{}", s.prompt());
    }

    /// The sandbox command a console task of the catalogue names (`console ACTION ...` or
    /// `COMMAND ...`) exists: `crate::tasks`, below this layer, takes it on trust.
    fn console_task_command_exists(command: &str) -> bool {
        let mut words = command.split_whitespace();
        match (words.next(), words.next()) {
            // `console ACTION`: the action must exist in the console's own table.
            (Some("console"), Some(action)) => super::console::ACTIONS.iter().any(|a| a.name == action),
            (Some(name), _) => super::COMMANDS.iter().any(|c| c.name == name),
            (None, _) => false,
        }
    }

    #[test]
    fn every_console_task_names_an_existing_command() {
        for t in TASKS {
            if let How::Console { command } = t.how {
                assert!(console_task_command_exists(command), "task {} names a missing command: {command}", t.id);
            }
        }
        assert!(!console_task_command_exists("console no-such-action"));
        assert!(!console_task_command_exists("no-such-command --x"));
    }
}
