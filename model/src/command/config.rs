//! The AWS CLI's configuration and credentials inside the simulated world.
//!
//! This module owns the simulated `~/.aws/config` and `~/.aws/credentials` (kept as the INI files
//! the CLI writes, so that `aws configure list`, `get` and `cat ~/.aws/config` print what the CLI
//! would), the sandbox's environment variables (`export AWS_PROFILE=dev`), the cache of assumed
//! role credentials, and the questions the CLI asks on the terminal (`aws configure`'s prompts,
//! a role profile's MFA code), which the next line typed answers. It resolves the credentials of
//! a call in the AWS CLI v2 order (botocore's `create_credential_resolver`): `--profile` turns off
//! the environment's keys; else `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`;
//! then the selected profile (`--profile`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, else `default`):
//! its role (`role_arn`, assumed through STS like any call, so that policies decide and CloudTrail
//! records it), the credentials file, the config file; and last, where the CLI would ask the
//! machine's instance role, the identity the sandbox is signed in with (`sign-in ...`).
//!
//! No real file of the user's is read or written: everything here lives in the session and is
//! saved with it.

// Credential failures carry an Outcome-sized payload; this is not a hot path.
#![allow(clippy::result_large_err)]

use super::lex::Word;
use super::{aws_failure, Outcome, Session};
use crate::auth::Identity;
use crate::clock::format_cli;
use crate::error::AwsError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Where the CLI keeps its config file, as `configure list` names it.
pub const CONFIG_FILE: &str = "~/.aws/config";
/// Where the CLI keeps its shared credentials file.
pub const CREDENTIALS_FILE: &str = "~/.aws/credentials";

/// The environment variables the sandbox holds: those the AWS CLI reads for credentials, the
/// profile, the Region and the output format.
pub const ENV_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_DEFAULT_OUTPUT",
];

/// botocore refreshes assumed-role credentials that expire within 15 minutes
/// (`AssumeRoleProvider.EXPIRY_WINDOW_SECONDS`), so a cached entry is used only before that.
const EXPIRY_WINDOW_SECONDS: i64 = 15 * 60;

/// One section of an INI file: its header and its `key = value` lines in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The header without brackets: `default`, `profile dev` (config) or `dev` (credentials).
    pub name: String,
    /// The settings, in the order they were written.
    pub entries: Vec<(String, String)>,
}

/// An INI file as the CLI's `ConfigFileWriter` writes it: sections in order, new keys appended
/// to their section, new sections appended to the file, no blank lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IniFile {
    /// The sections in file order.
    pub sections: Vec<Section>,
}

impl IniFile {
    /// The section called `name`.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// Sets `key` in section `name`: in place if it is there, else appended to the section,
    /// creating the section at the end of the file (what `ConfigFileWriter.update_config` does).
    pub fn set(&mut self, name: &str, key: &str, value: &str) {
        let index = match self.sections.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                self.sections.push(Section { name: name.to_string(), entries: Vec::new() });
                self.sections.len() - 1
            }
        };
        let entries = &mut self.sections[index].entries;
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.to_string(),
            None => entries.push((key.to_string(), value.to_string())),
        }
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for s in &self.sections {
            out.push_str(&format!("[{}]\n", s.name));
            for (k, v) in &s.entries {
                out.push_str(&format!("{k} = {v}\n"));
            }
        }
        out
    }
}

/// Role credentials the CLI obtained with AssumeRole, kept until they come within the expiry
/// window (the CLI's `~/.aws/cli/cache`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedCredentials {
    /// `ASIA...`.
    pub access_key_id: String,
    /// The secret.
    pub secret_access_key: String,
    /// The session token.
    pub session_token: String,
    /// When they expire (simulated epoch seconds).
    pub expires: i64,
}

/// A question the CLI asked on the terminal; the next line answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    /// `aws configure`: the prompt at `step` of [`PROMPTS`] for `profile`.
    Configure {
        /// `--profile` or the environment's profile; `None` writes the `default` sections.
        profile: Option<String>,
        /// Which prompt.
        step: usize,
        /// The profile's values when the command started, one per prompt.
        current: Vec<Option<String>>,
        /// The changed values so far.
        changes: Vec<(String, String)>,
    },
    /// A role profile's `mfa_serial`: the code answers it, then `line` runs again.
    Mfa {
        /// The device's serial number.
        serial: String,
        /// The command that needs the role's credentials.
        line: String,
    },
}

/// `aws configure`'s prompts: the setting and the text, as the CLI 2.17 asks them.
const PROMPTS: [(&str, &str); 4] = [
    ("aws_access_key_id", "AWS Access Key ID"),
    ("aws_secret_access_key", "AWS Secret Access Key"),
    ("region", "Default region name"),
    ("output", "Default output format"),
];

/// What the AWS CLI reads besides the command line: its two files, the environment, the cache of
/// assumed roles, and the question it is waiting to have answered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CliConfig {
    /// `~/.aws/config`.
    #[serde(default)]
    pub config: IniFile,
    /// `~/.aws/credentials`.
    #[serde(default)]
    pub credentials: IniFile,
    /// The sandbox's environment variables (only [`ENV_VARS`]).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Assumed-role credentials by the AssumeRole arguments that obtained them.
    #[serde(default)]
    pub cache: BTreeMap<String, CachedCredentials>,
    /// The question waiting for an answer (a terminal state: never saved).
    #[serde(skip)]
    pending: Option<Pending>,
    /// The MFA code answered for the command being run again.
    #[serde(skip)]
    mfa_answer: Option<String>,
    /// `set cli-exact on`: print as the AWS CLI does, without rootsim's lines (`super::exact`);
    /// a terminal setting, never saved.
    #[serde(skip)]
    pub cli_exact: bool,
}

impl CliConfig {
    /// Whether nothing is configured (saves then keep their old shape).
    pub fn is_empty(&self) -> bool {
        self.config.sections.is_empty()
            && self.credentials.sections.is_empty()
            && self.env.is_empty()
            && self.cache.is_empty()
    }

    /// An environment variable, if set to something (the CLI treats empty values as unset).
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// The question waiting for an answer, as the CLI prints it.
    pub fn question(&self) -> Option<String> {
        match self.pending.as_ref()? {
            Pending::Configure { step, current, .. } => {
                let (name, text) = PROMPTS[*step];
                let shown = match (&current[*step], name.starts_with("aws_")) {
                    (None, _) => "None".to_string(),
                    (Some(v), true) => mask(v),
                    (Some(v), false) => v.clone(),
                };
                Some(format!("{text} [{shown}]: "))
            }
            Pending::Mfa { serial, .. } => Some(format!("Enter MFA code for {serial}: ")),
        }
    }

    /// Drops the question (Ctrl-C at the prompt): nothing it was asked for is written.
    pub fn cancel_question(&mut self) {
        self.pending = None;
    }

    /// Every profile as botocore builds `full_config['profiles']`: the config file's `default`
    /// and `profile NAME` sections, then the credentials file's sections, whose values win.
    pub fn profiles(&self) -> Vec<(String, BTreeMap<String, String>)> {
        let mut out: Vec<(String, BTreeMap<String, String>)> = Vec::new();
        let mut merge = |name: &str, entries: &[(String, String)]| {
            let index = match out.iter().position(|(n, _)| n == name) {
                Some(i) => i,
                None => {
                    out.push((name.to_string(), BTreeMap::new()));
                    out.len() - 1
                }
            };
            for (k, v) in entries {
                out[index].1.insert(k.clone(), v.clone());
            }
        };
        for s in &self.config.sections {
            if let Some(name) = config_section_profile(&s.name) {
                merge(name, &s.entries);
            }
        }
        for s in &self.credentials.sections {
            merge(&s.name, &s.entries);
        }
        out
    }

    fn profile(&self, name: &str) -> Option<BTreeMap<String, String>> {
        self.profiles().into_iter().find(|(n, _)| n == name).map(|(_, p)| p)
    }

    /// The profile named by the environment (`AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`).
    pub fn env_profile(&self) -> Option<&str> {
        self.var("AWS_PROFILE").or_else(|| self.var("AWS_DEFAULT_PROFILE"))
    }

    /// The profile in effect for a call with `flag` (`--profile`), and whether it was named.
    fn selected(&self, flag: Option<&str>) -> (String, bool) {
        match flag.or_else(|| self.env_profile()) {
            Some(name) => (name.to_string(), true),
            None => ("default".to_string(), false),
        }
    }
}

/// The profile a config file section defines: `default`, or `profile NAME`.
fn config_section_profile(section: &str) -> Option<&str> {
    if section == "default" {
        return Some("default");
    }
    section.strip_prefix("profile ").map(str::trim).filter(|n| !n.is_empty())
}

/// The config file section of a profile (`profile_to_section`).
fn profile_to_section(profile: &str) -> String {
    if profile == "default" {
        "default".to_string()
    } else {
        format!("profile {profile}")
    }
}

/// The CLI's mask for a key: sixteen stars and the last four characters.
pub fn mask(value: &str) -> String {
    let tail: String = value.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{}{tail}", "*".repeat(16))
}

/// The Region and output format a call uses, with where each came from (for `--debug`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The Region.
    pub region: String,
    /// Where the Region came from.
    pub region_source: String,
    /// The output format, or the CLI's error for a name it does not know, which the CLI only
    /// meets when it prints the response (the call has gone through).
    pub output: Result<crate::render::Output, String>,
}

/// The Region (`--region` > `AWS_REGION` > `AWS_DEFAULT_REGION` > the profile's `region` >
/// rootsim's `us-east-1`) and output (`--output` > `AWS_DEFAULT_OUTPUT` > the profile's `output` >
/// `json`) of a call.
pub fn settings(cli: &CliConfig, globals: &super::cli::Globals) -> Settings {
    let (name, _) = cli.selected(globals.profile.as_deref());
    let profile = cli.profile(&name).unwrap_or_default();
    let (region, region_source) = if let Some(r) = &globals.region {
        (r.clone(), "--region".to_string())
    } else if let Some(r) = cli.var("AWS_REGION") {
        (r.to_string(), "AWS_REGION".to_string())
    } else if let Some(r) = cli.var("AWS_DEFAULT_REGION") {
        (r.to_string(), "AWS_DEFAULT_REGION".to_string())
    } else if let Some(r) = profile.get("region").filter(|r| !r.is_empty()) {
        (r.clone(), format!("profile {name} in {CONFIG_FILE}"))
    } else {
        ("us-east-1".to_string(), "rootsim's default".to_string())
    };
    let output = match (globals.output_given, cli.var("AWS_DEFAULT_OUTPUT"), profile.get("output")) {
        (true, _, _) => Ok(globals.output),
        (false, Some(o), _) => named_output(o),
        (false, None, Some(o)) if !o.is_empty() => named_output(o),
        _ => Ok(crate::render::Output::Json),
    };
    Settings { region, region_source, output }
}

fn named_output(name: &str) -> Result<crate::render::Output, String> {
    crate::render::Output::parse(name).ok_or_else(|| format!("Unknown output type: {name}"))
}

/// Credentials resolved for a call: the identity to resolve in the world, and botocore's log
/// lines saying where they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The credentials.
    pub identity: Identity,
    /// botocore's log lines saying where the credentials came from, for `--debug`.
    pub log: Vec<String>,
    /// The provider, as `configure list` names it (`env`, `shared-credentials-file`, ...).
    pub method: &'static str,
    /// When the credentials expire, where the CLI knows it (an assumed role's, or
    /// `AWS_CREDENTIAL_EXPIRATION`'s text), for `configure export-credentials`.
    pub expires: Option<String>,
}

/// Why credentials could not be resolved.
#[derive(Debug, Clone)]
pub enum CredFailure {
    /// The CLI stops with this outcome (a client-side error, or a failed AssumeRole).
    Fail(Outcome),
    /// A role profile's MFA device must give a code first.
    NeedMfa(String),
}

fn client_error(code: &str, message: String) -> CredFailure {
    CredFailure::Fail(Outcome::fail(code, message))
}

fn partial(provider: &str, missing: &str) -> CredFailure {
    client_error("PartialCredentials", format!("Partial credentials found in {provider}, missing: {missing}"))
}

fn invalid_config(message: String) -> CredFailure {
    client_error("InvalidConfig", message)
}

/// Resolves the credentials of a call (`flag` is `--profile`), assuming roles through STS where
/// a role profile says so. Each AssumeRole is a call of its own: authorized by the engine,
/// recorded in CloudTrail, kept for `explain` when it fails.
pub fn credentials(session: &mut Session, flag: Option<&str>, region: &str) -> Result<Resolved, CredFailure> {
    let (name, named) = session.cli.selected(flag);
    let profile = session.cli.profile(&name);
    if named && profile.is_none() {
        return Err(client_error("ProfileNotFound", format!("The config profile ({name}) could not be found")));
    }
    // An explicit --profile turns the environment's keys off (botocore's disable_env_vars);
    // AWS_PROFILE does not.
    if flag.is_none() {
        if let Some(found) = env_credentials(&session.cli)? {
            return Ok(found);
        }
    }
    let mut visited = vec![name.clone()];
    resolve_profile(session, &name, profile.unwrap_or_default(), region, &mut visited, true)
}

fn env_credentials(cli: &CliConfig) -> Result<Option<Resolved>, CredFailure> {
    let Some(key) = cli.var("AWS_ACCESS_KEY_ID") else { return Ok(None) };
    let Some(secret) = cli.var("AWS_SECRET_ACCESS_KEY") else {
        return Err(partial("env", "AWS_SECRET_ACCESS_KEY"));
    };
    Ok(Some(Resolved {
        identity: Identity::Keys {
            access_key_id: key.to_string(),
            secret_access_key: secret.to_string(),
            session_token: cli.var("AWS_SESSION_TOKEN").map(str::to_string),
        },
        log: vec![info("Found credentials in environment variables.")],
        method: "env",
        expires: cli.var("AWS_CREDENTIAL_EXPIRATION").map(str::to_string),
    }))
}

fn info(msg: &str) -> String {
    format!("MainThread - botocore.credentials - INFO - {msg}")
}

fn debug(msg: &str) -> String {
    format!("MainThread - botocore.credentials - DEBUG - {msg}")
}

/// The profile's own credentials: its role, else the credentials file, else the config file,
/// else (`last_resort`) the sandbox's signed-in identity.
fn resolve_profile(
    session: &mut Session,
    name: &str,
    profile: BTreeMap<String, String>,
    region: &str,
    visited: &mut Vec<String>,
    last_resort: bool,
) -> Result<Resolved, CredFailure> {
    if profile.contains_key("role_arn") {
        return assume_role(session, name, &profile, region, visited);
    }
    if let Some(found) = static_credentials(&session.cli, name)? {
        return Ok(found);
    }
    if !last_resort {
        return Err(invalid_config(format!("The source profile \"{name}\" must have credentials.")));
    }
    Ok(signed_in(session))
}

/// Keys of a profile, from the credentials file first, then from the config file.
fn static_credentials(cli: &CliConfig, name: &str) -> Result<Option<Resolved>, CredFailure> {
    let from = |entries: &[(String, String)], provider: &'static str, log: String| {
        let get = |k: &str| entries.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let Some(key) = get("aws_access_key_id") else { return Ok(None) };
        let Some(secret) = get("aws_secret_access_key") else {
            return Err(partial(provider, "aws_secret_access_key"));
        };
        Ok(Some(Resolved {
            identity: Identity::Keys {
                access_key_id: key,
                secret_access_key: secret,
                session_token: get("aws_session_token").filter(|t| !t.is_empty()),
            },
            log: vec![log],
            method: provider,
            expires: None,
        }))
    };
    if let Some(s) = cli.credentials.section(name) {
        let log = info(&format!("Found credentials in shared credentials file: {CREDENTIALS_FILE}"));
        if let Some(found) = from(&s.entries, "shared-credentials-file", log)? {
            return Ok(Some(found));
        }
    }
    if let Some(s) = cli.config.sections.iter().find(|s| config_section_profile(&s.name) == Some(name)) {
        let log = info(&format!("Credentials found in config file: {CONFIG_FILE}"));
        return from(&s.entries, "config-file", log);
    }
    Ok(None)
}

/// The sandbox's signed-in identity, where the CLI would next ask the machine's instance role.
fn signed_in(session: &Session) -> Resolved {
    let msg = match &session.identity {
        Identity::SignedOut => "No credentials: signed out (sign-in ...)".to_string(),
        Identity::Keys { access_key_id, session_token, .. } => format!(
            "Found credentials from `sign-in keys`: access key {access_key_id}{}",
            if session_token.is_some() { " with a session token" } else { "" }
        ),
        Identity::Console { account, user, mfa, .. } => format!(
            "Found credentials from the console sign-in: {} of account {account}{}",
            user.as_ref().map_or("the root user".to_string(), |u| format!("IAM user {u}")),
            if *mfa { ", signed in with MFA" } else { "" }
        ),
    };
    Resolved { identity: session.identity.clone(), log: vec![debug(&msg)], method: "sign-in", expires: None }
}

/// botocore's `AssumeRoleProvider`: validates the role profile, resolves its source credentials,
/// and calls AssumeRole unless the cache holds credentials outside the expiry window.
fn assume_role(
    session: &mut Session,
    name: &str,
    profile: &BTreeMap<String, String>,
    region: &str,
    visited: &mut Vec<String>,
) -> Result<Resolved, CredFailure> {
    let source_profile = profile.get("source_profile");
    let credential_source = profile.get("credential_source");
    let source = match (source_profile, credential_source) {
        (Some(_), Some(_)) => {
            return Err(invalid_config(format!(
                "The profile \"{name}\" contains both source_profile and credential_source."
            )))
        }
        (None, None) => return Err(partial("assume-role", "source_profile or credential_source")),
        (None, Some(cs)) => match cs.as_str() {
            "Environment" => match env_credentials(&session.cli)? {
                Some(found) => found,
                None => {
                    return Err(client_error(
                        "CredentialRetrieval",
                        format!("Error when retrieving credentials from Environment: No credentials found in credential_source referenced in profile {name}"),
                    ))
                }
            },
            // The sandbox's machine is the signed-in terminal: its identity stands for the
            // instance's or container's role (a simulator assumption, docs/commands.md).
            "Ec2InstanceMetadata" | "EcsContainer" => {
                if session.identity == Identity::SignedOut {
                    return Err(client_error(
                        "CredentialRetrieval",
                        format!("Error when retrieving credentials from {cs}: No credentials found in credential_source referenced in profile {name}"),
                    ));
                }
                signed_in(session)
            }
            other => {
                return Err(invalid_config(format!(
                    "The credential source \"{other}\" referenced in profile \"{name}\" is not valid."
                )))
            }
        },
        (Some(sp), None) => {
            let Some(source) = session.cli.profile(sp) else {
                return Err(invalid_config(format!(
                    "The source_profile \"{sp}\" referenced in the profile \"{name}\" does not exist."
                )));
            };
            let has_static = source.contains_key("aws_access_key_id") || source.contains_key("aws_secret_access_key");
            // A profile may name itself to take its own static keys; any other revisit loops.
            if visited.contains(sp) && (sp != name || !has_static) {
                let list: Vec<String> = visited.iter().map(|v| format!("'{v}'")).collect();
                return Err(invalid_config(format!(
                    "Infinite loop in credential configuration detected. Attempting to load from profile {sp} which has already been visited. Visited profiles: [{}]",
                    list.join(", ")
                )));
            }
            visited.push(sp.clone());
            let sp = sp.clone();
            if has_static || !source.contains_key("role_arn") {
                match static_credentials(&session.cli, &sp)? {
                    Some(found) => found,
                    None => {
                        return Err(invalid_config(format!("The source profile \"{sp}\" must have credentials.")))
                    }
                }
            } else {
                resolve_profile(session, &sp, source, region, visited, false)?
            }
        }
    };

    let mut args = role_arguments(profile);
    let explicit_name = profile.get("role_session_name").cloned();
    let serial = profile.get("mfa_serial").cloned();
    // The cache key is the call's arguments, without a generated session name (botocore's
    // `_create_cache_key`).
    let cache_key = Value::Object(args.clone()).to_string();
    let now = session.world.clock.now();
    let mut log = source.log.clone();
    if let Some(c) = session.cli.cache.get(&cache_key) {
        if c.expires - now >= EXPIRY_WINDOW_SECONDS {
            log.push(debug("Credentials for role retrieved from cache."));
            return Ok(Resolved {
                identity: Identity::Keys {
                    access_key_id: c.access_key_id.clone(),
                    secret_access_key: c.secret_access_key.clone(),
                    session_token: Some(c.session_token.clone()),
                },
                log,
                method: "assume-role",
                expires: Some(format_cli(c.expires)),
            });
        }
        log.push(debug("Credentials were found in cache, but they are expired."));
    }
    if explicit_name.is_none() {
        args.insert("RoleSessionName".into(), json!(format!("botocore-session-{now}")));
    }
    if let Some(serial) = serial {
        match session.cli.mfa_answer.take() {
            Some(code) => {
                args.insert("TokenCode".into(), json!(code));
            }
            None => return Err(CredFailure::NeedMfa(serial)),
        }
    }
    let response = call_assume_role(session, &source.identity, region, &args).map_err(CredFailure::Fail)?;
    let creds = &response["Credentials"];
    let text = |k: &str| creds[k].as_str().unwrap_or_default().to_string();
    // The session STS opened says when they expire (the response prints it for people).
    let expires = session.world.sts.sessions.get(&text("AccessKeyId")).map_or(now, |s| s.expires);
    let cached = CachedCredentials {
        access_key_id: text("AccessKeyId"),
        secret_access_key: text("SecretAccessKey"),
        session_token: text("SessionToken"),
        expires,
    };
    log.push(debug(&format!("Retrieved credentials will expire at: {}", format_cli(expires))));
    let identity = Identity::Keys {
        access_key_id: cached.access_key_id.clone(),
        secret_access_key: cached.secret_access_key.clone(),
        session_token: Some(cached.session_token.clone()),
    };
    session.cli.cache.insert(cache_key, cached);
    Ok(Resolved { identity, log, method: "assume-role", expires: Some(format_cli(expires)) })
}

/// A role profile's AssumeRole arguments, but a generated session name and the MFA code: also
/// the key of its cached credentials.
fn role_arguments(profile: &BTreeMap<String, String>) -> Map<String, Value> {
    let mut args = Map::new();
    args.insert("RoleArn".into(), json!(profile.get("role_arn").cloned().unwrap_or_default()));
    for (setting, arg) in
        [("role_session_name", "RoleSessionName"), ("external_id", "ExternalId"), ("mfa_serial", "SerialNumber")]
    {
        if let Some(v) = profile.get(setting) {
            args.insert(arg.into(), json!(v));
        }
    }
    // botocore ignores a duration_seconds that is not a whole number.
    if let Some(d) = profile.get("duration_seconds").and_then(|d| d.trim().parse::<i64>().ok()) {
        args.insert("DurationSeconds".into(), json!(d));
    }
    args
}

/// Runs `sts assume-role` with `identity`'s credentials as the CLI's credential provider does:
/// through [`Session::call`], recorded in CloudTrail, kept for `explain`.
fn call_assume_role(
    session: &mut Session,
    identity: &Identity,
    region: &str,
    params: &Map<String, Value>,
) -> Result<Value, Outcome> {
    let op = crate::registry::find("sts", "assume-role").expect("STS models AssumeRole");
    let caller = session.resolve_for(identity, op.service, op.name).map_err(|e| aws_failure(op.name, &e))?;
    // The same path as any AWS call: refusals, the handler, CloudTrail.
    let (result, auth) = session.call_page(op, &caller, region, params, &mut crate::pages::Memo::default());
    session.last = Some(super::LastCall {
        operation: op.name.into(),
        service: op.service.into(),
        auth,
        error: result.clone().err(),
    });
    result.map_err(|e: AwsError| aws_failure(op.name, &e))
}

/// What the CLI would use without making a call, for the prompt: the environment's or a
/// profile's keys, a role's cached credentials, or the signed-in identity. `None` when a role
/// has yet to be assumed or the configuration is broken.
pub fn peek_identity(session: &Session) -> Option<Identity> {
    let (name, named) = session.cli.selected(None);
    let profile = session.cli.profile(&name);
    if named && profile.is_none() {
        return None;
    }
    if let Ok(Some(found)) = env_credentials(&session.cli) {
        return Some(found.identity);
    }
    let profile = profile.unwrap_or_default();
    if profile.contains_key("role_arn") {
        let now = session.world.clock.now();
        let c = session.cli.cache.get(&Value::Object(role_arguments(&profile)).to_string())?;
        return (c.expires - now >= EXPIRY_WINDOW_SECONDS).then(|| Identity::Keys {
            access_key_id: c.access_key_id.clone(),
            secret_access_key: c.secret_access_key.clone(),
            session_token: Some(c.session_token.clone()),
        });
    }
    match static_credentials(&session.cli, &name) {
        Ok(Some(found)) => Some(found.identity),
        Ok(None) => Some(session.identity.clone()),
        Err(_) => None,
    }
}

/// The prompt's prefix: the profile the environment selects (`[dev] `), or `[env] ` when the
/// environment's keys are in use.
pub fn prompt_prefix(cli: &CliConfig) -> Option<String> {
    if cli.var("AWS_ACCESS_KEY_ID").is_some() {
        return Some("[env] ".to_string());
    }
    cli.env_profile().map(|p| format!("[{p}] "))
}

/// For `whoami`: what AWS calls take their credentials from when it is not the sign-in.
pub fn whoami_note(cli: &CliConfig) -> Option<String> {
    if cli.var("AWS_ACCESS_KEY_ID").is_some() {
        return Some("AWS CLI calls use the environment's keys (AWS_ACCESS_KEY_ID), not this sign-in.".to_string());
    }
    let var = if cli.var("AWS_PROFILE").is_some() { "AWS_PROFILE" } else { "AWS_DEFAULT_PROFILE" };
    cli.env_profile().map(|p| {
        format!(
            "AWS CLI calls use profile {p} ({var}); this sign-in answers only where the profile has no credentials."
        )
    })
}

/// Takes the answer to the pending question. `None` when nothing was asked.
pub fn answer(session: &mut Session, line: &str, host: &mut dyn super::Host) -> Option<Outcome> {
    let pending = session.cli.pending.take()?;
    let answer = line.trim().to_string();
    Some(match pending {
        Pending::Configure { profile, step, current, mut changes } => {
            let (name, _) = PROMPTS[step];
            if !answer.is_empty() && Some(&answer) != current[step].as_ref() {
                if answer.contains(['\n', '\r']) {
                    return Some(Outcome::usage("A value must fit on one line; nothing was written."));
                }
                changes.push((name.to_string(), answer));
            }
            if step + 1 < PROMPTS.len() {
                session.cli.pending = Some(Pending::Configure { profile, step: step + 1, current, changes });
            } else {
                write_configure(&mut session.cli, profile.as_deref(), &changes);
            }
            Outcome::ok("")
        }
        Pending::Mfa { line, .. } => {
            session.cli.mfa_answer = Some(answer);
            let out = session.execute(&line, host);
            session.cli.mfa_answer = None;
            out
        }
    })
}

/// `aws configure`'s writes: keys to the credentials file, the rest to the config file.
fn write_configure(cli: &mut CliConfig, profile: Option<&str>, changes: &[(String, String)]) {
    for (k, v) in changes {
        if k.starts_with("aws_") {
            cli.credentials.set(profile.unwrap_or("default"), k, v);
        } else {
            cli.config.set(&profile.map_or("default".to_string(), profile_to_section), k, v);
        }
    }
}

/// Sets the question that a role profile's MFA device must answer before `line` runs again.
pub fn ask_mfa(session: &mut Session, serial: String, line: &str) -> Outcome {
    session.cli.pending = Some(Pending::Mfa { serial, line: line.to_string() });
    Outcome::ok("")
}

/// A profile or setting name that the INI files cannot hold as given.
fn unwritable(what: &str, text: &str) -> Option<Outcome> {
    let bad = text.is_empty() || text.contains(['\n', '\r', '[', ']', '=', ' ', '\t']);
    bad.then(|| {
        Outcome::usage(format!("rootsim cannot write the {what} {text:?} to the AWS CLI's files: nothing was written."))
    })
}

/// `aws configure ...`: the interactive prompts, `set`, `get`, `list` and `list-profiles`.
pub fn configure(session: &mut Session, globals: &super::cli::Globals, words: &[Word], line: &str) -> Outcome {
    let args: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let profile = globals.profile.clone().or_else(|| session.cli.env_profile().map(str::to_string));
    match args.as_slice() {
        [] => {
            let current = session.cli.profile(profile.as_deref().unwrap_or("default")).unwrap_or_default();
            let current = PROMPTS.iter().map(|(k, _)| current.get(*k).cloned()).collect();
            session.cli.pending = Some(Pending::Configure { profile, step: 0, current, changes: Vec::new() });
            Outcome::ok("")
        }
        ["help", ..] => Outcome::ok(HELP),
        ["set", rest @ ..] => match rest {
            [varname, value] => configure_set(session, globals.profile.as_deref(), varname, value),
            [_, _, extra, ..] => Outcome::usage(super::cli::UsageError::Unknown(super::usage::unknown_options(&[extra.to_string()])).text()),
            _ => Outcome::usage(super::cli::UsageError::Usage("the following arguments are required: varname, value".into()).text()),
        },
        ["get", rest @ ..] => match rest {
            [varname] => configure_get(session, globals.profile.as_deref(), varname),
            [_, extra, ..] => Outcome::usage(super::cli::UsageError::Unknown(super::usage::unknown_options(&[extra.to_string()])).text()),
            _ => Outcome::usage(super::cli::UsageError::Usage("the following arguments are required: varname".into()).text()),
        },
        ["list"] => configure_list(session, globals, line),
        ["list-profiles"] => {
            let names: Vec<String> = session.cli.profiles().into_iter().map(|(n, _)| n).collect();
            let mut out = Outcome::ok(names.join("\n"));
            out.json = Some(json!({ "Profiles": names }));
            out
        }
        ["list" | "list-profiles", extra, ..] => Outcome::usage(super::cli::UsageError::Unknown(super::usage::unknown_options(&[extra.to_string()])).text()),
        ["export-credentials", rest @ ..] => export_credentials(session, globals, rest, line),
        [sub @ ("sso" | "sso-session" | "import" | "add-model"), ..] => Outcome::fail(
            "NotModelled",
            format!("rootsim does not model `aws configure {sub}`: use `aws configure`, `set`, `get`, `list`, `list-profiles` or `export-credentials`."),
        ),
        // argparse's message, with the subcommands of `aws configure` in 2.17.
        [sub, ..] => Outcome::usage(
            super::cli::UsageError::Usage(super::usage::invalid_choice(
                "subcommand",
                sub,
                &["list", "get", "set", "add-model", "import", "list-profiles", "sso", "sso-session", "export-credentials"],
            ))
            .text(),
        ),
    }
}

/// `aws configure help` and `help aws configure`.
pub const HELP: &str = "aws configure [--profile profile-name]
    Prompts for the access key, secret key, default Region and output format of the profile
    (default: AWS_PROFILE, else the default profile); Enter keeps the value shown in brackets.
aws configure set varname value [--profile profile-name]
    varname: a setting of the profile (region, output, role_arn, source_profile, mfa_serial,
    credential_source, external_id, role_session_name, duration_seconds, aws_access_key_id,
    aws_secret_access_key, aws_session_token), or default.NAME, profile.PROFILE.NAME.
    Keys go to ~/.aws/credentials, everything else to ~/.aws/config.
aws configure get varname [--profile profile-name]
aws configure list [--profile profile-name]
aws configure list-profiles
aws configure export-credentials [--profile profile-name] [--format process|env|env-no-export|powershell|windows-cmd]
    The credentials a call would use (a role profile assumes its role), e.g. as export lines.
The files live in the sandbox (cat ~/.aws/config, cat ~/.aws/credentials); save keeps them.";

/// Splits a dotted varname into (profile, setting) as `ConfigureSetCommand` does.
fn scope<'a>(session: &'a Session, flag: Option<&'a str>, varname: &'a str) -> Result<(String, &'a str), Outcome> {
    let parts: Vec<&str> = varname.split('.').collect();
    let flag_or_env = || flag.or_else(|| session.cli.env_profile()).unwrap_or("default").to_string();
    match parts.as_slice() {
        [name] => Ok((flag_or_env(), name)),
        ["default", name] => Ok(("default".to_string(), name)),
        ["profile", profile, name] => Ok((profile.to_string(), name)),
        _ => Err(Outcome::fail(
            "NotModelled",
            format!("rootsim models flat settings only (NAME, default.NAME, profile.PROFILE.NAME), not {varname}: nothing was written."),
        )),
    }
}

fn configure_set(session: &mut Session, flag: Option<&str>, varname: &str, value: &str) -> Outcome {
    let (profile, name) = match scope(session, flag, varname) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if let Some(o) = unwritable("profile", &profile).or_else(|| unwritable("setting", name)) {
        return o;
    }
    if value.contains(['\n', '\r']) {
        return Outcome::usage(
            "rootsim cannot write a value of several lines to the AWS CLI's files: nothing was written.",
        );
    }
    let name = name.to_string();
    if ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"].contains(&name.as_str()) {
        session.cli.credentials.set(&profile, &name, value);
    } else {
        session.cli.config.set(&profile_to_section(&profile), &name, value);
    }
    Outcome::ok("")
}

fn configure_get(session: &Session, flag: Option<&str>, varname: &str) -> Outcome {
    let parts: Vec<&str> = varname.split('.').collect();
    let known = |p: &str| p == "default" || session.cli.profile(p).is_some();
    // `get` reads `profile.NAME.x`, `NAME.x` for an existing profile, else the current profile.
    let (profile, name) = match parts.as_slice() {
        [name] => match flag.or_else(|| session.cli.env_profile()) {
            // A profile named that does not exist stops `get` as it stops a call.
            Some(p) if !known(p) => {
                return Outcome::fail("ProfileNotFound", format!("The config profile ({p}) could not be found"))
            }
            p => (p.unwrap_or("default").to_string(), *name),
        },
        ["profile", p, name] => (p.to_string(), *name),
        [p, name] if known(p) => (p.to_string(), *name),
        _ => (String::new(), ""),
    };
    let value = session.cli.profile(&profile).and_then(|p| p.get(name).cloned());
    match value {
        Some(v) => {
            let mut out = Outcome::ok(v.clone());
            out.json = Some(json!({ "Value": v }));
            out
        }
        // The CLI prints nothing and exits with status 1; rootsim says why (every failure
        // explains itself).
        None => Outcome::fail("ConfigNotSet", format!("(no value for {varname}: aws configure get prints nothing)")),
    }
}

fn configure_list(session: &mut Session, globals: &super::cli::Globals, line: &str) -> Outcome {
    let row = |name: &str, value: &str, kind: &str, location: &str| {
        format!("{name:>10} {value:>24} {kind:>16}    {location}")
    };
    let mut rows = vec![row("Name", "Value", "Type", "Location"), row("----", "-----", "----", "--------")];
    let not_set = |name: &str| row(name, "<not set>", "None", "None");
    rows.push(match (&globals.profile, session.cli.env_profile()) {
        (Some(p), _) => row("profile", p, "manual", "--profile"),
        (None, Some(p)) => row("profile", p, "env", "['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']"),
        (None, None) => not_set("profile"),
    });
    let region = settings(&session.cli, &super::cli::Globals::default()).region;
    match credentials(session, globals.profile.as_deref(), &region) {
        Ok(found) => match &found.identity {
            Identity::Keys { access_key_id, secret_access_key, .. } => {
                rows.push(row("access_key", &mask(access_key_id), found.method, ""));
                rows.push(row("secret_key", &mask(secret_access_key), found.method, ""));
            }
            Identity::Console { .. } => {
                rows.push(row("access_key", "<console sign-in>", found.method, ""));
                rows.push(row("secret_key", "<console sign-in>", found.method, ""));
            }
            Identity::SignedOut => {
                rows.push(not_set("access_key"));
                rows.push(not_set("secret_key"));
            }
        },
        Err(CredFailure::NeedMfa(serial)) => return ask_mfa(session, serial, line),
        // The CLI has printed the rows before it fails (on standard output, the error after).
        Err(CredFailure::Fail(mut o)) => {
            rows.push(o.text);
            o.text = rows.join("\n");
            return o;
        }
    }
    let (name, _) = session.cli.selected(globals.profile.as_deref());
    let env_region = session.cli.var("AWS_REGION").or_else(|| session.cli.var("AWS_DEFAULT_REGION"));
    let profile_region = session.cli.profile(&name).and_then(|p| p.get("region").cloned());
    rows.push(match (env_region, profile_region) {
        (Some(r), _) => row("region", r, "env", "['AWS_REGION', 'AWS_DEFAULT_REGION']"),
        (None, Some(r)) => row("region", &r, "config-file", CONFIG_FILE),
        (None, None) => not_set("region"),
    });
    Outcome::ok(rows.join("\n"))
}

/// `configure export-credentials [--format F]`'s formats, in the order the CLI lists them.
const EXPORT_FORMATS: [&str; 5] = ["process", "env", "env-no-export", "powershell", "windows-cmd"];

/// `aws configure export-credentials`: the credentials a call would use, resolved the same way
/// (a role profile assumes its role), printed in one of the CLI's formats.
fn export_credentials(session: &mut Session, globals: &super::cli::Globals, args: &[&str], line: &str) -> Outcome {
    let format = match args {
        [] => "process",
        ["--format", f] if EXPORT_FORMATS.contains(f) => f,
        ["--format", f] => {
            return Outcome::usage(
                super::cli::UsageError::Usage(super::usage::invalid_choice("--format", f, &EXPORT_FORMATS)).text(),
            )
        }
        ["--format"] => {
            return Outcome::usage(
                super::cli::UsageError::Usage("argument --format: expected one argument".into()).text(),
            )
        }
        [extra, ..] => {
            return Outcome::usage(
                super::cli::UsageError::Unknown(super::usage::unknown_options(&[extra.to_string()])).text(),
            )
        }
    };
    let region = settings(&session.cli, globals).region;
    let found = match credentials(session, globals.profile.as_deref(), &region) {
        Ok(found) => found,
        Err(CredFailure::NeedMfa(serial)) => return ask_mfa(session, serial, line),
        Err(CredFailure::Fail(o)) => {
            return Outcome::fail("ConfigurationError", format!("Unable to retrieve credentials: {}", o.text.trim()))
        }
    };
    let Identity::Keys { access_key_id, secret_access_key, session_token } = &found.identity else {
        let why = if found.identity == Identity::SignedOut { "" } else { " (a console sign-in holds no access keys)" };
        return Outcome::fail(
            "ConfigurationError",
            format!("Unable to retrieve credentials: no credentials found{why}"),
        );
    };
    let mut vars =
        vec![("AWS_ACCESS_KEY_ID", access_key_id.clone()), ("AWS_SECRET_ACCESS_KEY", secret_access_key.clone())];
    if let Some(t) = session_token {
        vars.push(("AWS_SESSION_TOKEN", t.clone()));
    }
    if let Some(e) = &found.expires {
        vars.push(("AWS_CREDENTIAL_EXPIRATION", e.clone()));
    }
    let text = match format {
        "process" => {
            // json.dumps(indent=2) of the credential_process schema, keys in this order.
            let mut fields = vec![
                "  \"Version\": 1".to_string(),
                format!("  \"AccessKeyId\": {}", json!(access_key_id)),
                format!("  \"SecretAccessKey\": {}", json!(secret_access_key)),
            ];
            if let Some(t) = session_token {
                fields.push(format!("  \"SessionToken\": {}", json!(t)));
            }
            if let Some(e) = &found.expires {
                fields.push(format!("  \"Expiration\": {}", json!(e)));
            }
            format!("{{\n{}\n}}", fields.join(",\n"))
        }
        other => {
            let line = |(name, value): &(&str, String)| match other {
                "env" => format!("export {name}={value}"),
                "env-no-export" => format!("{name}={value}"),
                "powershell" => format!("$Env:{name}=\"{value}\""),
                _ => format!("set {name}={value}"),
            };
            vars.iter().map(line).collect::<Vec<_>>().join("\n")
        }
    };
    let mut out = Outcome::ok(text);
    out.json = Some(Value::Object(vars.into_iter().map(|(k, v)| (k.to_string(), json!(v))).collect()));
    out
}

/// `export NAME=VALUE...`: sets the AWS CLI's variables in the sandbox's environment, all or
/// none.
pub fn export(session: &mut Session, assignments: &[String]) -> Outcome {
    let mut values = Vec::new();
    for assignment in assignments {
        let Some((name, value)) = assignment.split_once('=') else {
            return Outcome::usage("usage: export NAME=VALUE...");
        };
        if !ENV_VARS.contains(&name) {
            return Outcome::fail("UnknownVariable", unknown_var(name));
        }
        if value.contains(['\n', '\r']) {
            return Outcome::usage(format!("{name}: a value must fit on one line"));
        }
        values.push((name.to_string(), value.to_string()));
    }
    session.cli.env.extend(values);
    Outcome::ok("")
}

fn unknown_var(name: &str) -> String {
    format!("The sandbox's environment holds only the AWS CLI's variables ({}), not {name}.", ENV_VARS.join(", "))
}

/// `unset NAME...`: removes variables (unsetting one that is not set is no error, as in a shell).
pub fn unset(session: &mut Session, names: &[String]) -> Outcome {
    if names.is_empty() {
        return Outcome::usage("usage: unset NAME...");
    }
    if let Some(bad) = names.iter().find(|n| !ENV_VARS.contains(&n.as_str())) {
        return Outcome::fail("UnknownVariable", unknown_var(bad));
    }
    for n in names {
        session.cli.env.remove(n);
    }
    Outcome::ok("")
}

/// `env`: the sandbox's environment, `NAME=VALUE` lines in name order.
pub fn env(session: &Session) -> Outcome {
    let lines: Vec<String> = session.cli.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut out = Outcome::ok(lines.join("\n"));
    out.json = Some(Value::Object(session.cli.env.iter().map(|(k, v)| (k.clone(), json!(v))).collect()));
    out
}

/// `cat ~/.aws/config` or `cat ~/.aws/credentials`: the simulated file's text.
pub fn cat(session: &Session, path: &str) -> Outcome {
    let file = match path {
        "~/.aws/config" => &session.cli.config,
        "~/.aws/credentials" => &session.cli.credentials,
        _ => {
            return Outcome::fail(
                "FileError",
                format!("cat: {path}: the sandbox reads only ~/.aws/config and ~/.aws/credentials"),
            )
        }
    };
    if file.sections.is_empty() {
        return Outcome::fail("FileError", format!("cat: {path}: No such file or directory"));
    }
    Outcome::ok(file.render().trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Session;

    fn demo() -> Session {
        Session::demo(crate::DEFAULT_SEED)
    }

    #[test]
    fn ini_files_update_in_place_and_append_as_the_cli_writer_does() {
        let mut f = IniFile::default();
        f.set("default", "region", "us-west-2");
        f.set("profile dev", "role_arn", "arn:aws:iam::1:role/R");
        f.set("default", "output", "text");
        f.set("default", "region", "eu-west-1");
        // No blank lines between sections: ConfigFileWriter appends `[name]` straight after.
        assert_eq!(
            f.render(),
            "[default]\nregion = eu-west-1\noutput = text\n[profile dev]\nrole_arn = arn:aws:iam::1:role/R\n"
        );
    }

    #[test]
    fn masks_show_sixteen_stars_and_the_last_four_characters() {
        // awscli/customizations/configure/__init__.py: mask_value.
        assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "****************MPLE");
        assert_eq!(mask("ab"), "****************ab");
    }

    #[test]
    fn configure_set_writes_keys_to_credentials_and_the_rest_to_config() {
        let mut s = demo();
        s.run("aws configure set aws_access_key_id AKIAEXAMPLE --profile dev").expect_ok();
        s.run("aws configure set region eu-west-1 --profile dev").expect_ok();
        s.run("aws configure set default.output table").expect_ok();
        s.run("aws configure set profile.ops.role_arn arn:aws:iam::1:role/R").expect_ok();
        assert_eq!(s.cli.credentials.render(), "[dev]\naws_access_key_id = AKIAEXAMPLE\n");
        assert_eq!(
            s.cli.config.render(),
            "[profile dev]\nregion = eu-west-1\n[default]\noutput = table\n[profile ops]\nrole_arn = arn:aws:iam::1:role/R\n"
        );
        assert_eq!(s.run("aws configure get region --profile dev").text, "eu-west-1");
        assert_eq!(s.run("aws configure get ops.role_arn").text, "arn:aws:iam::1:role/R");
        s.run("aws configure get nothing --profile dev").expect_error("ConfigNotSet");
        assert_eq!(s.run("aws configure list-profiles").text, "dev\ndefault\nops");
    }

    #[test]
    fn configure_list_prints_the_cli_columns() {
        // Expected output from the real AWS CLI (awscli 1.46.3 from PyPI, whose `configure list`
        // has 2.17's layout) after the same two `configure set` lines.
        let mut s = demo();
        s.run("aws configure set aws_access_key_id AKIAEXAMPLE --profile dev").expect_ok();
        s.run("aws configure set aws_secret_access_key SECRETXYZ1234 --profile dev").expect_ok();
        s.run("aws configure set region eu-west-1 --profile dev").expect_ok();
        assert_eq!(
            s.run("aws configure list --profile dev").text,
            [
                "      Name                    Value             Type    Location",
                "      ----                    -----             ----    --------",
                "   profile                      dev           manual    --profile",
                "access_key     ****************MPLE shared-credentials-file    ",
                "secret_key     ****************1234 shared-credentials-file    ",
                "    region                eu-west-1      config-file    ~/.aws/config",
            ]
            .join("\n")
        );
        s.run("aws configure bogus").expect_error("UsageError");
        // A profile that does not exist: the rows the CLI printed, then botocore's error.
        let out = s.run("aws configure list --profile nope");
        assert!(out.expect_error("ProfileNotFound").text.ends_with(
            "   profile                     nope           manual    --profile\nThe config profile (nope) could not be found"
        ));
        s.run("aws configure get region --profile nope").expect_error("ProfileNotFound");
    }

    #[test]
    fn the_interactive_prompts_ask_four_values_and_write_what_changed() {
        // The questions as the real CLI (awscli 1.46.3, 2.17's prompts) asked them for the same
        // answers, piped in.
        let mut s = demo();
        s.run("aws configure --profile p").expect_ok();
        assert_eq!(s.question().as_deref(), Some("AWS Access Key ID [None]: "));
        s.run("AKIAEXAMPLEKEY1");
        assert_eq!(s.question().as_deref(), Some("AWS Secret Access Key [None]: "));
        s.run("secret");
        assert_eq!(s.question().as_deref(), Some("Default region name [None]: "));
        s.run("");
        assert_eq!(s.question().as_deref(), Some("Default output format [None]: "));
        s.run("text");
        assert_eq!(s.question(), None);
        assert_eq!(
            s.cli.credentials.render(),
            "[p]\naws_access_key_id = AKIAEXAMPLEKEY1\naws_secret_access_key = secret\n"
        );
        assert_eq!(s.cli.config.render(), "[profile p]\noutput = text\n");
        // Asked again, the keys are masked and the others shown.
        s.run("aws configure --profile p").expect_ok();
        assert_eq!(s.question().as_deref(), Some("AWS Access Key ID [****************KEY1]: "));
        s.run("");
        s.run("");
        s.run("");
        assert_eq!(s.question().as_deref(), Some("Default output format [text]: "));
        s.run("");
        assert_eq!(s.cli.config.render(), "[profile p]\noutput = text\n");
    }

    #[test]
    fn an_explicit_profile_must_exist_and_turns_env_keys_off() {
        let mut s = demo();
        let out = s.run("aws sts get-caller-identity --profile nope");
        assert_eq!(out.expect_error("ProfileNotFound").text, "The config profile (nope) could not be found");
        s.run("export AWS_ACCESS_KEY_ID=AKIANOTREAL").expect_ok();
        let out = s.run("aws sts get-caller-identity");
        assert_eq!(out.text, "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY");
        s.run("aws configure set region eu-west-1 --profile dev").expect_ok();
        // --profile skips the environment: dev has no keys, so the signed-in alice answers.
        let who = s.run("aws sts get-caller-identity --profile dev");
        assert!(who.expect_ok().text.contains("user/alice"), "{}", who.text);
        // AWS_PROFILE does not skip it.
        s.run("export AWS_PROFILE=dev").expect_ok();
        s.run("aws sts get-caller-identity").expect_error("PartialCredentials");
    }

    #[test]
    fn region_and_output_come_from_flags_env_then_profile() {
        let mut s = demo();
        s.run("aws configure set region eu-west-1").expect_ok();
        s.run("aws configure set output text").expect_ok();
        let g = super::super::cli::Globals::default();
        let got = settings(&s.cli, &g);
        assert_eq!((got.region.as_str(), got.output), ("eu-west-1", Ok(crate::render::Output::Text)));
        s.run("export AWS_DEFAULT_REGION=ap-south-1").expect_ok();
        s.run("export AWS_REGION=us-west-2").expect_ok();
        assert_eq!(settings(&s.cli, &g).region, "us-west-2");
        s.run("export AWS_DEFAULT_OUTPUT=xml").expect_ok();
        assert_eq!(settings(&s.cli, &g).output, Err("Unknown output type: xml".to_string()));
        // The call goes through; only printing its response fails (awscli's formatter lookup).
        s.run("aws iam create-user --user-name printed-late").expect_error("OutputError");
        s.run("unset AWS_DEFAULT_OUTPUT").expect_ok();
        s.run("aws iam get-user --user-name printed-late").expect_ok();
    }

    /// Every message below is what the real CLI printed for the same profiles (awscli 1.46.3 with
    /// botocore 1.43.62, whose messages are 2.17's).
    #[test]
    fn role_profile_loops_and_bad_sources_fail_as_botocore_says() {
        let mut s = demo();
        s.run("aws configure set profile.a.role_arn arn:aws:iam::1:role/R").expect_ok();
        s.run("aws configure set profile.a.source_profile b").expect_ok();
        s.run("aws configure set profile.b.role_arn arn:aws:iam::1:role/R").expect_ok();
        s.run("aws configure set profile.b.source_profile a").expect_ok();
        let out = s.run("aws sts get-caller-identity --profile a");
        assert!(out.text.starts_with("Infinite loop in credential configuration detected. Attempting to load from profile a which has already been visited. Visited profiles: ['a', 'b']"), "{}", out.text);
        s.run("aws configure set profile.c.role_arn arn:aws:iam::1:role/R").expect_ok();
        let out = s.run("aws sts get-caller-identity --profile c");
        assert_eq!(out.text, "Partial credentials found in assume-role, missing: source_profile or credential_source");
        s.run("aws configure set profile.c.credential_source Ec2").expect_ok();
        let out = s.run("aws sts get-caller-identity --profile c");
        assert_eq!(out.text, "The credential source \"Ec2\" referenced in profile \"c\" is not valid.");
        s.run("aws configure set profile.c.source_profile missing").expect_ok();
        let out = s.run("aws sts get-caller-identity --profile c");
        assert_eq!(out.text, "The profile \"c\" contains both source_profile and credential_source.");
    }

    #[test]
    fn save_and_load_keep_files_environment_and_cache_and_old_saves_still_load() {
        let mut s = demo();
        let old_save = s.to_json();
        assert!(!old_save.contains("\"cli\""), "a session without CLI configuration saves as before");
        s.run("aws configure set profile.dev.role_arn arn:aws:iam::1:role/R").expect_ok();
        s.run("export AWS_REGION=eu-west-1").expect_ok();
        s.cli.cache.insert(
            "k".into(),
            CachedCredentials {
                access_key_id: "ASIA".into(),
                secret_access_key: "s".into(),
                session_token: "t".into(),
                expires: 9,
            },
        );
        let mut host = crate::MemoryHost::default();
        s.execute("save w.json", &mut host).expect_ok();
        let mut t = Session::empty(1);
        t.execute("load w.json", &mut host).expect_ok();
        assert_eq!(t.cli, s.cli);
        assert_eq!(Session::from_json(&old_save).unwrap().cli, CliConfig::default());
        t.run("reset").expect_ok();
        assert!(t.cli.is_empty());
    }

    #[test]
    fn a_question_is_answered_by_the_next_line_and_can_be_cancelled() {
        let mut s = demo();
        s.run("aws configure").expect_ok();
        // The answer is taken as it is, even if it reads like a command.
        s.run("whoami");
        assert_eq!(s.question().as_deref(), Some("AWS Secret Access Key [None]: "));
        s.cancel_question();
        assert_eq!(s.question(), None);
        assert!(s.cli.credentials.sections.is_empty(), "a cancelled aws configure writes nothing");
    }

    #[test]
    fn the_prompt_shows_the_environment_profile_and_its_role_once_assumed() {
        let mut s = demo();
        let dev = s.world.accounts.find("dev").unwrap().id.clone();
        s.run(&format!("aws configure set profile.r.role_arn arn:aws:iam::{dev}:role/OrganizationAccountAccessRole"))
            .expect_ok();
        s.run("aws configure set profile.r.credential_source Ec2InstanceMetadata").expect_ok();
        assert!(s.prompt().starts_with("alice@management"), "{}", s.prompt());
        s.run("export AWS_PROFILE=r").expect_ok();
        assert_eq!(s.prompt(), "[r] credentials-unresolved");
        s.run("aws sts get-caller-identity").expect_ok();
        let now = s.world.clock.now();
        assert_eq!(s.prompt(), format!("[r] OrganizationAccountAccessRole/botocore-session-{now}@dev ({dev})"));
        // Within 15 minutes of expiry the CLI would assume the role again: unresolved until then.
        s.run("clock advance 46m").expect_ok();
        assert_eq!(s.prompt(), "[r] credentials-unresolved");
    }

    #[test]
    fn export_credentials_prints_what_a_call_would_use() {
        let mut s = demo();
        s.run("export AWS_ACCESS_KEY_ID=AKIAEXAMPLE AWS_SECRET_ACCESS_KEY=s3cr3t").expect_ok();
        // awscli's `process` format: json.dumps(indent=2), no token or expiry for long-term keys.
        assert_eq!(
            s.run("aws configure export-credentials").text,
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"AKIAEXAMPLE\",\n  \"SecretAccessKey\": \"s3cr3t\"\n}"
        );
        s.run("export AWS_SESSION_TOKEN=tok AWS_CREDENTIAL_EXPIRATION=2026-01-05T10:00:00+00:00").expect_ok();
        assert_eq!(
            s.run("aws configure export-credentials --format env-no-export").text,
            "AWS_ACCESS_KEY_ID=AKIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=s3cr3t\nAWS_SESSION_TOKEN=tok\nAWS_CREDENTIAL_EXPIRATION=2026-01-05T10:00:00+00:00"
        );
        s.run("unset AWS_ACCESS_KEY_ID").expect_ok();
        s.run("sign-out").expect_ok();
        let out = s.run("aws configure export-credentials --format powershell");
        assert_eq!(out.expect_error("ConfigurationError").text, "Unable to retrieve credentials: no credentials found");
    }

    #[test]
    fn the_environment_holds_only_the_cli_variables() {
        let mut s = demo();
        s.run("export PATH=/bin").expect_error("UnknownVariable");
        // All or none.
        s.run("export AWS_REGION=eu-west-1 HOME=/root").expect_error("UnknownVariable");
        assert!(s.cli.env.is_empty());
        s.run("export AWS_REGION=eu-west-1").expect_ok();
        assert_eq!(s.run("env").text, "AWS_REGION=eu-west-1");
        s.run("unset AWS_REGION").expect_ok();
        assert_eq!(s.run("env").text, "");
        assert!(s.cli.is_empty());
    }
}
