//! `aws s3 ...`: the AWS CLI's high-level S3 commands (`ls`, `mb`, `rb`, `cp`, `mv`, `rm`).
//!
//! This module owns their syntax (paths `s3://bucket/key` and local paths, each command's own
//! options beside the global ones), the S3 API calls each is made of, in the order the CLI makes
//! them, and the lines the CLI prints (`upload: ./f to s3://b/f`, `make_bucket failed: ...`,
//! `fatal error: ...`, `ls`'s columns). Every API call is its own [`Session::call`]: authorized
//! by the engine, recorded in CloudTrail, rolled back alone when it fails; a recursive copy
//! that fails halfway keeps what it copied, as the CLI leaves it. Local files go through the
//! [`Host`]. Learned from awscli's `customizations/s3/` (`subcommands.py`, `fileformat.py`,
//! `results.py`, `utils.py`) and the CLI reference
//! (<https://docs.aws.amazon.com/cli/latest/reference/s3/>); rule CLI-S3-HIGH-LEVEL.

use super::cli::{Globals, UsageError};
use super::lex::Word;
use super::{aws_failure, Host, LastCall, Outcome, Session};
use crate::error::{AwsError, AwsResult};
use crate::s3::ops;
use crate::service::Call;
use serde_json::{json, Map, Value};

/// The subcommands rootsim models, with their usage (the CLI's `USAGE`) and one line of help.
const COMMANDS: &[(&str, &str, &str)] = &[
    ("ls", "<S3Uri> or NONE", "Lists buckets, or the objects and common prefixes under a prefix."),
    ("mb", "<S3Uri>", "Creates a bucket."),
    ("rb", "<S3Uri>", "Deletes an empty bucket (--force: deletes its objects first)."),
    ("cp", "<LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>", "Copies a file or object."),
    ("mv", "<LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>", "Moves a file or object."),
    ("rm", "<S3Uri>", "Deletes an object (--recursive: every object under a prefix)."),
];

/// Each subcommand's flags (none of them takes a value but `--page-size`).
fn flags(command: &str) -> &'static [&'static str] {
    match command {
        "ls" => &["recursive", "human-readable", "summarize", "page-size"],
        "mb" => &[],
        "rb" => &["force"],
        "cp" | "mv" => &["recursive", "dryrun", "quiet", "only-show-errors"],
        "rm" => &["recursive", "dryrun", "quiet", "only-show-errors"],
        _ => &[],
    }
}

/// The subcommand names, for completion.
pub fn subcommands() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().map(|(n, _, _)| *n)
}

/// The options of `command`, with their dashes, for completion.
pub fn options(command: &str) -> Vec<String> {
    flags(command).iter().map(|f| format!("--{f}")).collect()
}

/// Tab completion after `aws s3`: the subcommands, then their options and the caller's
/// world's buckets as `s3://NAME/`.
pub fn complete(session: &Session, words: &[&str]) -> Vec<String> {
    match words {
        [] => subcommands().map(str::to_string).collect(),
        [command, ..] => {
            let mut c = options(command);
            c.extend(session.world.s3.buckets.keys().map(|b| format!("s3://{b}/")));
            c
        }
    }
}

/// `help aws s3` and `help aws s3 COMMAND`.
pub fn help(words: &[&str]) -> Outcome {
    match words {
        [] => {
            let mut out = String::from("High-level S3 commands (type `help aws s3 COMMAND`):\n");
            for (name, _, summary) in COMMANDS {
                out.push_str(&format!("  {name:<4} {summary}\n"));
            }
            out.push_str("\nEach is made of S3 API calls (ListBuckets, ListObjectsV2, CreateBucket, DeleteBucket,\nPutObject, GetObject, HeadObject, CopyObject, DeleteObject), each authorized and recorded\non its own. Local paths are files of the host (the script's folder, or the working directory).");
            Outcome::ok(out)
        }
        [name] => match COMMANDS.iter().find(|(n, _, _)| n == name) {
            Some((name, usage, summary)) => {
                let opts: Vec<String> = options(name).into_iter().map(|o| format!("[{o}]")).collect();
                let calls = match *name {
                    "ls" => "ListBuckets (no path), ListObjectsV2 (a bucket or prefix)",
                    "mb" => "CreateBucket",
                    "rb" => "ListObjectsV2 and DeleteObject per object with --force, then DeleteBucket",
                    "cp" => "PutObject (upload); HeadObject and GetObject (download); HeadObject and CopyObject (copy); ListObjectsV2 with --recursive",
                    "mv" => "as cp, then DeleteObject of the source object or removal of the local file",
                    _ => "DeleteObject; ListObjectsV2 first with --recursive",
                };
                Outcome::ok(format!(
                    "aws s3 {name}\n\n{summary}\n\nusage: aws s3 {name} {usage} {}\n\nAPI calls: {calls}.",
                    opts.join(" ")
                ))
            }
            None => Outcome::fail("UnknownCommand", format!("No command '{name}' in aws s3. Try `help aws s3`.")),
        },
        _ => Outcome::usage("usage: help aws s3 [COMMAND]"),
    }
}

/// A parsed `aws s3` line.
#[derive(Debug)]
struct Line {
    command: &'static str,
    paths: Vec<String>,
    flags: Vec<&'static str>,
}

impl Line {
    fn has(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }
}

fn usage_err<T>(msg: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError::Usage(msg.into()))
}

/// The words after `aws s3`, global options already taken out.
fn parse(words: &[Word]) -> Result<Option<Line>, UsageError> {
    let Some(first) = words.first() else {
        return usage_err("the following arguments are required: operation (try: help aws s3)");
    };
    let Some(&(command, _, _)) = COMMANDS.iter().find(|(n, _, _)| *n == first.text) else {
        let names: Vec<&str> = subcommands().collect();
        let hint = super::suggest::nearest(&first.text, names.iter().copied())
            .map(|s| format!(" Did you mean '{s}'?"))
            .unwrap_or_default();
        return usage_err(format!(
            "argument operation: Invalid choice: '{}' is not a command of s3 in rootsim ({}).{hint} (try: help aws s3)",
            first.text,
            names.join(", ")
        ));
    };
    if words.get(1).is_some_and(|w| w.text == "help" && !w.quoted) {
        return Ok(None);
    }
    let known = flags(command);
    let (mut paths, mut set) = (Vec::new(), Vec::new());
    let mut i = 1;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w.quoted || !w.text.starts_with("--") || w.text == "--" {
            paths.push(w.text.clone());
            continue;
        }
        let Some(&flag) = known.iter().find(|f| w.text[2..] == ***f) else {
            return usage_err(format!("Unknown options: {}", w.text));
        };
        if flag == "page-size" {
            // Accepted as the CLI accepts it; rootsim answers every listing in one page.
            match words.get(i) {
                Some(v) if v.text.parse::<u32>().is_ok() => i += 1,
                Some(v) if !v.text.starts_with("--") => {
                    return usage_err(format!("argument --page-size: invalid int value: '{}'", v.text))
                }
                _ => return usage_err("argument --page-size: expected one argument"),
            }
        }
        if !set.contains(&flag) {
            set.push(flag);
        }
    }
    let (min, max) = match command {
        "ls" => (0, 1),
        "cp" | "mv" => (2, 2),
        _ => (1, 1),
    };
    if paths.len() < min {
        // The positional's name in each command's ARG_TABLE: `paths` for cp, mv and rm.
        let name = if matches!(command, "mb" | "rb") { "path" } else { "paths" };
        return usage_err(format!("the following arguments are required: {name}"));
    }
    if paths.len() > max {
        return usage_err(format!("Unknown options: {}", paths[max..].join(", ")));
    }
    Ok(Some(Line { command, paths, flags: set }))
}

/// Runs `aws s3 ...` (the words after `s3`) with the global options already parsed.
///
/// `typed` is the whole command line, asked again once a role profile's MFA code is answered.
pub(crate) fn run(
    session: &mut Session,
    globals: Globals,
    words: &[Word],
    host: &mut dyn Host,
    typed: &str,
) -> Outcome {
    let line = match parse(words) {
        Ok(Some(line)) => line,
        Ok(None) => return help(&[words[0].text.as_str()]),
        Err(e) => return Outcome::usage(e.text()),
    };
    // The Region and credentials as for any AWS call: `--profile`, the environment, the profile.
    let region = super::config::settings(&session.cli, &globals).region;
    // `--no-sign-request`: no credentials are loaded; the calls go as the anonymous caller.
    let identity = if globals.no_sign_request {
        crate::auth::Identity::default()
    } else {
        match super::config::credentials(session, globals.profile.as_deref(), &region) {
            Ok(c) => c.identity,
            Err(super::config::CredFailure::NeedMfa(serial)) => return super::config::ask_mfa(session, serial, typed),
            Err(super::config::CredFailure::Fail(o)) => return o,
        }
    };
    let unsigned = globals.no_sign_request;
    let mut r = Runner { session, host, region, identity, unsigned, out: Vec::new(), failure: None };
    match r.command(&line) {
        Ok(()) => {}
        Err(Stop::Param(message)) => {
            r.out.push(message);
            r.failure.get_or_insert_with(|| "ParamValidation".to_string());
        }
        Err(Stop::Fatal(e, op)) => {
            r.out.push(format!("fatal error: {}", error_text(&op, &e)));
            r.failure = Some(e.code);
        }
        Err(Stop::Plain(e, op)) => {
            r.out.push(error_text(&op, &e));
            r.failure = Some(e.code);
        }
    }
    let text = r.out.join("\n");
    match r.failure {
        None => Outcome::ok(text),
        Some(code) => Outcome::fail(&code, text),
    }
}

/// Why a command stopped before its end.
enum Stop {
    /// A mistake found before any call (the CLI's `ParamValidationError` or `RuntimeError`),
    /// printed as it is.
    Param(String),
    /// A failed call that ends a transfer command: `fatal error: An error occurred ...`.
    Fatal(AwsError, String),
    /// A failed call that ends `ls`: the error line alone, as the CLI's driver prints it.
    Plain(AwsError, String),
}

/// One `aws s3` command being run: the session, the host, what it printed and its last failure.
struct Runner<'a> {
    session: &'a mut Session,
    host: &'a mut dyn Host,
    region: String,
    /// The credentials the calls are signed with (`config::credentials`).
    identity: crate::auth::Identity,
    /// `--no-sign-request`: every call is made as the anonymous caller.
    unsigned: bool,
    out: Vec<String>,
    /// The error code of the last failure; `None` while everything succeeded.
    failure: Option<String>,
}

/// A path of the command line: an object or prefix in S3, or a local file or folder.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Location {
    S3 { bucket: String, key: String },
    Local(String),
}

/// The code of botocore's client-side refusals, which never reach AWS.
const PARAM_VALIDATION: &str = "ParamValidation";

/// How the CLI prints a failed call: AWS's error line, or botocore's own refusal as it is.
fn error_text(operation: &str, e: &AwsError) -> String {
    if e.code == PARAM_VALIDATION {
        return e.message.clone();
    }
    aws_failure(operation, e).text
}

/// botocore's check of a `Bucket` parameter before any request (`handlers.validate_bucket_name`):
/// letters, digits, `.`, `-` and `_`, 1 to 255 of them (S3's stricter rules are S3's own, answered
/// as `InvalidBucketName`). Access point and Outposts ARNs, which botocore also takes, are not
/// modelled and fail here.
fn validate_bucket_name(bucket: &str) -> AwsResult<()> {
    let ok = (1..=255).contains(&bucket.len())
        && bucket.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_'));
    if ok {
        return Ok(());
    }
    Err(AwsError::new(
        PARAM_VALIDATION,
        400,
        format!(
            "Parameter validation failed:\nInvalid bucket name \"{bucket}\": Bucket name must match the regex \"^[a-zA-Z0-9.\\-_]{{1,255}}$\" or be an ARN matching the regex \"^arn:(aws).*:(s3|s3-object-lambda):[a-z\\-0-9]*:[0-9]{{12}}:accesspoint[/:][a-zA-Z0-9\\-.]{{1,63}}$|^arn:(aws).*:s3-outposts:[a-z\\-0-9]+:[0-9]{{12}}:outpost[/:][a-zA-Z0-9\\-]{{1,63}}[/:]accesspoint[/:][a-zA-Z0-9\\-]{{1,63}}$\""
        ),
    ))
}

/// Runs the S3 operation `name` of the operation table on `input`.
fn op(name: &str, call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    match ops::OPERATIONS.iter().find(|o| o.name == name) {
        Some(o) => (o.handler)(call, input),
        None => Err(AwsError::new("InternalError", 500, format!("rootsim has no S3 operation {name}"))),
    }
}

/// `s3://bucket/key` split as the CLI splits it (at the first `/`); anything else is local.
fn location(path: &str) -> Location {
    match path.strip_prefix("s3://") {
        Some(rest) => {
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            Location::S3 { bucket: bucket.to_string(), key: key.to_string() }
        }
        None => Location::Local(path.to_string()),
    }
}

/// A local path as the host reads it: `.` components and repeated slashes dropped.
pub fn clean_local(path: &str) -> String {
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// A local path as the CLI prints it in a transfer line: relative to the working directory,
/// with `./` before a file of the working directory itself (`os.path.join(relpath(dirname),
/// basename)`). Absolute paths are printed as given: rootsim does not know the host's working
/// directory.
pub fn display_local(path: &str) -> String {
    let clean = clean_local(path);
    if clean.starts_with('/') || clean.contains('/') {
        clean
    } else {
        format!("./{clean}")
    }
}

/// `dir/name` for the host (no `./` before a name in the working directory).
fn join_local(dir: &str, name: &str) -> String {
    match clean_local(dir).as_str() {
        "." => clean_local(name),
        d => clean_local(&format!("{d}/{name}")),
    }
}

/// The last component of a key or path (`a/b/c.txt` -> `c.txt`).
fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A prefix as a recursive command lists it: ending with `/` unless it is the whole bucket.
fn dir_prefix(key: &str) -> String {
    if key.is_empty() || key.ends_with('/') {
        key.to_string()
    } else {
        format!("{key}/")
    }
}

/// awscli's `human_readable_size`: `1 Byte`, `N Bytes` below 1 KiB, then one decimal in the
/// largest base-2 unit that keeps the number below 1024 once rounded (`1.5 KiB`, `1.0 MiB`).
pub fn human_readable_size(value: u64) -> String {
    const SUFFIXES: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let bytes = value as f64;
    if value == 1 {
        return "1 Byte".to_string();
    }
    if value < 1024 {
        return format!("{value} Bytes");
    }
    for (i, suffix) in SUFFIXES.iter().enumerate() {
        let unit = 1024f64.powi(i as i32 + 2);
        if (bytes / unit * 1024.0).round() < 1024.0 {
            return format!("{:.1} {suffix}", 1024.0 * bytes / unit);
        }
    }
    // Beyond EiB (no u64 gets here: 2^64 bytes is 16 EiB).
    format!("{:.1} EiB", bytes / 1024f64.powi(6))
}

/// The `Content-Type` the CLI sends with an upload: Python's `mimetypes.guess_type` of the file
/// name (awscli's `guess_content_type`), from the built-in table of the Python 3.11 the CLI v2
/// bundles, for the common extensions (a computer's own `mime.types` may add more). A
/// compression suffix (`.gz`, `.bz2`, `.xz`, `.br`) is an encoding: the type is the inner name's.
/// `None`: no header, and S3 stores `binary/octet-stream`.
pub fn guess_content_type(path: &str) -> Option<&'static str> {
    let mut name = basename(path);
    loop {
        // A name that only starts with a dot (`.png`) has no extension.
        let (stem, ext) = name.rsplit_once('.').filter(|(stem, _)| !stem.is_empty())?;
        let ext = ext.to_ascii_lowercase();
        if ["gz", "bz2", "xz", "br"].contains(&ext.as_str()) {
            name = stem;
            continue;
        }
        return Some(match ext.as_str() {
            "txt" => "text/plain",
            "csv" => "text/csv",
            "htm" | "html" => "text/html",
            "css" => "text/css",
            "js" => "application/javascript",
            "xml" => "text/xml",
            "json" => "application/json",
            "pdf" => "application/pdf",
            "zip" => "application/zip",
            "tar" => "application/x-tar",
            "bin" => "application/octet-stream",
            "png" => "image/png",
            "jpg" | "jpeg" => "image/jpeg",
            "gif" => "image/gif",
            "svg" => "image/svg+xml",
            "ico" => "image/vnd.microsoft.icon",
            "mp4" => "video/mp4",
            "mp3" => "audio/mpeg",
            "wasm" => "application/wasm",
            _ => return None,
        });
    }
}

/// `2026-01-05T09:00:00+00:00` as `ls` prints it: `2026-01-05 09:00:00` (UTC: rootsim's clock).
fn ls_time(cli_time: &str) -> String {
    match (cli_time.get(..10), cli_time.get(11..19)) {
        (Some(date), Some(time)) => format!("{date} {time}"),
        _ => format!("{cli_time:<19}"),
    }
}

impl Runner<'_> {
    /// One S3 API call, as the CLI makes it: its own [`Session::call`] (authorized, rolled back
    /// alone when it fails), recorded in CloudTrail with `params`, and kept for `explain`.
    fn api<T>(
        &mut self,
        operation: &str,
        params: Value,
        run: impl FnOnce(&mut Call) -> AwsResult<(Value, T)>,
    ) -> AwsResult<T> {
        const SERVICE: &str = "s3api";
        let params: Map<String, Value> = match params {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        // botocore refuses a malformed bucket name before sending anything: no call, no event.
        if let Some(bucket) = params.get("Bucket").and_then(Value::as_str) {
            validate_bucket_name(bucket)?;
        }
        if let Some((bucket, _)) = params.get("CopySource").and_then(Value::as_str).and_then(|c| c.split_once('/')) {
            validate_bucket_name(bucket)?;
        }
        let session = &mut *self.session;
        let caller = if self.unsigned {
            crate::caller::Caller::anonymous()
        } else {
            session.resolve_for(&self.identity, SERVICE, operation)?
        };
        // What the command needs beyond the response (`T`) is taken aside as the call runs.
        let mut extra = None;
        let (result, auth) = session.call_api(SERVICE, operation, &caller, &self.region, &params, |call| {
            run(call).map(|(v, t)| {
                extra = Some(t);
                v
            })
        });
        let (recorded, value) = match (result, extra) {
            (Ok(_), Some(t)) => (None, Ok(t)),
            (Err(e), _) => (Some(e.clone()), Err(e)),
            // A success always set it; kept total rather than unwrapped.
            (Ok(_), None) => (None, Err(AwsError::new("InternalError", 500, format!("{operation} answered nothing")))),
        };
        session.last = Some(LastCall { operation: operation.into(), service: SERVICE.into(), auth, error: recorded });
        value
    }

    fn command(&mut self, line: &Line) -> Result<(), Stop> {
        match line.command {
            "ls" => self.ls(line),
            "mb" => self.mb(line),
            "rb" => self.rb(line),
            "rm" => self.rm(line),
            _ => self.transfer(line),
        }
    }

    fn fail(&mut self, code: &str) {
        self.failure = Some(code.to_string());
    }

    // ---- ls ----

    fn ls(&mut self, line: &Line) -> Result<(), Stop> {
        let path = line.paths.first().map_or("s3://", String::as_str);
        let rest = path.strip_prefix("s3://").unwrap_or(path);
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        let human = line.has("human-readable");
        let (mut count, mut total) = (0u64, 0u64);
        let size = |n: u64| if human { human_readable_size(n) } else { n.to_string() };
        if bucket.is_empty() {
            let resp = self
                .api("ListBuckets", json!({}), |call| op("ListBuckets", call, &Map::new()).map(|v| (v.clone(), v)))
                .map_err(|e| Stop::Plain(e, "ListBuckets".into()))?;
            for b in resp["Buckets"].as_array().into_iter().flatten() {
                self.out.push(format!(
                    "{} {}",
                    ls_time(b["CreationDate"].as_str().unwrap_or("")),
                    b["Name"].as_str().unwrap_or("")
                ));
            }
        } else {
            let recursive = line.has("recursive");
            let mut params = json!({ "Bucket": bucket, "Prefix": key });
            if !recursive {
                params["Delimiter"] = json!("/");
            }
            let input = params.as_object().cloned().unwrap_or_default();
            let page = self
                .api("ListObjectsV2", params, |call| op("ListObjectsV2", call, &input).map(|v| (v.clone(), v)))
                .map_err(|e| Stop::Plain(e, "ListObjectsV2".into()))?;
            let prefixes = page["CommonPrefixes"].as_array().cloned().unwrap_or_default();
            let contents = page["Contents"].as_array().cloned().unwrap_or_default();
            for p in &prefixes {
                let p = p["Prefix"].as_str().unwrap_or("");
                // The component before the trailing delimiter (`a//` shows as `PRE /`, as
                // `prefix.split('/')[-2]` does).
                let name = p.strip_suffix('/').unwrap_or(p).rsplit('/').next().unwrap_or("");
                self.out.push(format!("{:>30} {name}/", "PRE"));
            }
            for o in &contents {
                let k = o["Key"].as_str().unwrap_or("");
                let n = o["Size"].as_u64().unwrap_or(0);
                count += 1;
                total += n;
                let name = if recursive { k } else { basename(k) };
                self.out.push(format!(
                    "{:<19} {:>10} {name}",
                    ls_time(o["LastModified"].as_str().unwrap_or("")),
                    size(n)
                ));
            }
            // A prefix that matches nothing: no output and exit status 1.
            if !key.is_empty() && prefixes.is_empty() && contents.is_empty() {
                self.fail("NoObjectsFound");
            }
        }
        if line.has("summarize") {
            self.out.push(String::new());
            self.out.push(format!("Total Objects: {count}"));
            self.out.push(format!("   Total Size: {}", size(total)));
        }
        Ok(())
    }

    // ---- mb, rb ----

    fn mb(&mut self, line: &Line) -> Result<(), Stop> {
        let path = &line.paths[0];
        let Location::S3 { bucket, .. } = location(path) else {
            return Err(Stop::Param("<S3Uri>\nError: Invalid argument type".into()));
        };
        let mut params = json!({ "Bucket": bucket });
        // The CLI sends a LocationConstraint outside us-east-1 only.
        if self.region != "us-east-1" {
            params["CreateBucketConfiguration"] = json!({ "LocationConstraint": self.region });
        }
        let input = params.as_object().cloned().unwrap_or_default();
        match self.api("CreateBucket", params, |call| op("CreateBucket", call, &input).map(|v| (v, ()))) {
            Ok(()) => self.out.push(format!("make_bucket: {bucket}")),
            Err(e) => {
                self.out.push(format!("make_bucket failed: {path} {}", error_text("CreateBucket", &e)));
                self.fail(&e.code);
            }
        }
        Ok(())
    }

    fn rb(&mut self, line: &Line) -> Result<(), Stop> {
        let path = &line.paths[0];
        let Location::S3 { bucket, key } = location(path) else {
            return Err(Stop::Param("<S3Uri>\nError: Invalid argument type".into()));
        };
        if !key.is_empty() {
            return Err(Stop::Param(format!("Please specify a valid bucket name only. E.g. s3://{bucket}")));
        }
        if line.has("force") {
            // `rm --recursive` on the bucket; any failure keeps the bucket.
            let rm = Line { command: "rm", paths: vec![format!("s3://{bucket}/")], flags: vec!["recursive"] };
            // rm on an S3 path stops only on a failed listing.
            if let Err(Stop::Fatal(e, op)) = self.rm(&rm) {
                self.out.push(format!("fatal error: {}", error_text(&op, &e)));
                self.fail(&e.code);
            }
            if self.failure.is_some() {
                self.out.push(
                    "remove_bucket failed: Unable to delete all objects in the bucket, bucket will not be deleted."
                        .into(),
                );
                return Ok(());
            }
        }
        let input = json!({ "Bucket": bucket }).as_object().cloned().unwrap_or_default();
        match self
            .api("DeleteBucket", json!({ "Bucket": bucket }), |call| op("DeleteBucket", call, &input).map(|v| (v, ())))
        {
            Ok(()) => self.out.push(format!("remove_bucket: {bucket}")),
            Err(e) => {
                self.out.push(format!("remove_bucket failed: {path} {}", error_text("DeleteBucket", &e)));
                self.fail(&e.code);
            }
        }
        Ok(())
    }

    // ---- listing for transfers ----

    /// The keys under `prefix` (ListObjectsV2 without a delimiter), in key order; a failure is
    /// fatal to the command.
    fn list_keys(&mut self, bucket: &str, prefix: &str) -> Result<Vec<String>, Stop> {
        let params = json!({ "Bucket": bucket, "Prefix": prefix });
        let input = params.as_object().cloned().unwrap_or_default();
        let page = self
            .api("ListObjectsV2", params, |call| op("ListObjectsV2", call, &input).map(|v| (v.clone(), v)))
            .map_err(|e| Stop::Fatal(e, "ListObjectsV2".into()))?;
        Ok(page["Contents"]
            .as_array()
            .map(|c| c.iter().filter_map(|o| o["Key"].as_str().map(str::to_string)).collect())
            .unwrap_or_default())
    }

    // ---- rm ----

    fn rm(&mut self, line: &Line) -> Result<(), Stop> {
        let path = &line.paths[0];
        let Location::S3 { bucket, key } = location(path) else {
            return Err(Stop::Param("usage: aws s3 rm <S3Uri>\nError: Invalid argument type".to_string()));
        };
        let keys = if line.has("recursive") { self.list_keys(&bucket, &dir_prefix(&key))? } else { vec![key] };
        for k in keys {
            let shown = format!("s3://{bucket}/{k}");
            if line.has("dryrun") {
                self.print(line, format!("(dryrun) delete: {shown}"));
                continue;
            }
            match self.delete_object(&bucket, &k) {
                Ok(()) => self.print(line, format!("delete: {shown}")),
                Err(e) => self.failed(line, "delete", &shown, "DeleteObject", &e),
            }
        }
        Ok(())
    }

    fn delete_object(&mut self, bucket: &str, key: &str) -> AwsResult<()> {
        self.api("DeleteObject", json!({ "Bucket": bucket, "Key": key }), |call| {
            ops::delete_object_key(call, bucket, key).map(|v| (v, ()))
        })
    }

    /// A success line, unless `--quiet` or `--only-show-errors`.
    fn print(&mut self, line: &Line, text: String) {
        if !line.has("quiet") && !line.has("only-show-errors") {
            self.out.push(text);
        }
    }

    /// A failure line, `{kind} failed: {location} An error occurred ...` (not with `--quiet`).
    fn failed(&mut self, line: &Line, kind: &str, shown: &str, operation: &str, e: &AwsError) {
        if !line.has("quiet") {
            self.out.push(format!("{kind} failed: {shown} {}", error_text(operation, e)));
        }
        self.fail(&e.code);
    }

    // ---- cp, mv ----

    fn transfer(&mut self, line: &Line) -> Result<(), Stop> {
        let usage = || {
            Stop::Param(format!(
                "usage: aws s3 {} <LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>\nError: Invalid argument type",
                line.command
            ))
        };
        // A bucket alone is the bucket's top: s3://b -> s3://b/.
        let (src, dest) = (location(&line.paths[0]), location(&line.paths[1]));
        let recursive = line.has("recursive");
        match (src, dest) {
            (Location::Local(_), Location::Local(_)) => Err(usage()),
            // `-` is standard input or output: for a single `cp` only.
            (src, dest) if line.paths.iter().any(|p| p == "-") => {
                if line.command != "cp" || recursive {
                    return Err(Stop::Param(
                        "Streaming currently is only compatible with non-recursive cp commands".into(),
                    ));
                }
                match (src, dest) {
                    (Location::S3 { bucket, key }, Location::Local(_)) => self.stream_out(line, &bucket, &key),
                    _ => Err(Stop::Param(
                        "rootsim has no standard input to upload from: name a file instead of -".into(),
                    )),
                }
            }
            (Location::Local(from), Location::S3 { bucket, key }) => self.upload(line, &from, &bucket, &key, recursive),
            (Location::S3 { bucket, key }, Location::Local(to)) => self.download(line, &bucket, &key, &to, recursive),
            (Location::S3 { bucket, key }, Location::S3 { bucket: b2, key: k2 }) => {
                if line.command == "mv"
                    && !recursive
                    && bucket == b2
                    && (key == k2 || (k2.ends_with('/') || k2.is_empty()) && format!("{k2}{}", basename(&key)) == key)
                {
                    return Err(Stop::Param(format!(
                        "Cannot mv a file onto itself: {} - {}",
                        line.paths[0], line.paths[1]
                    )));
                }
                self.copy(line, &bucket, &key, &b2, &k2, recursive)
            }
        }
    }

    /// `cp s3://b/k -`: one GetObject, its bytes printed (as text: invalid UTF-8 is shown
    /// replaced) instead of a transfer line; a stream shows only errors.
    fn stream_out(&mut self, line: &Line, bucket: &str, key: &str) -> Result<(), Stop> {
        let got = self
            .api("GetObject", json!({ "Bucket": bucket, "Key": key }), |call| ops::get_object_bytes(call, bucket, key));
        match got {
            Ok(body) => {
                let text = String::from_utf8_lossy(&body);
                self.out.push(text.strip_suffix('\n').unwrap_or(&text).to_string());
            }
            Err(e) => self.failed(line, "download", &format!("s3://{bucket}/{key} to -"), "GetObject", &e),
        }
        Ok(())
    }

    /// The word of a transfer line: `upload`, `download`, `copy`, or `move` for `mv`.
    fn verb<'v>(line: &Line, verb: &'v str) -> &'v str {
        if line.command == "mv" {
            "move"
        } else {
            verb
        }
    }

    fn upload(&mut self, line: &Line, from: &str, bucket: &str, key: &str, recursive: bool) -> Result<(), Stop> {
        let folder = self.host.is_folder(&clean_local(from));
        // The CLI refuses a local source that does not exist before any call.
        let exists = folder || self.host.read_bytes(&clean_local(from)).is_ok();
        if !exists {
            return Err(Stop::Param(format!("The user-provided path {from} does not exist.")));
        }
        if folder && !recursive && (key.is_empty() || key.ends_with('/')) {
            // The CLI takes the folder as a file named by the folder with a `/`, whose name is
            // empty: botocore refuses the empty key (seen with aws-cli 2.17.0).
            let shown = format!("{}/ to s3://{bucket}/{key}", clean_local(from));
            if !line.has("quiet") {
                self.out.push(format!(
                    "{} failed: {shown} Parameter validation failed:\nInvalid length for parameter Key, value: 0, valid min length: 1",
                    Self::verb(line, "upload")
                ));
            }
            self.fail("ParamValidation");
            return Ok(());
        }
        let files: Vec<(String, String)> = if recursive {
            let names = if folder { self.host.list_files(&clean_local(from)).unwrap_or_default() } else { Vec::new() };
            let prefix = dir_prefix(key);
            names.into_iter().map(|n| (join_local(from, &n), format!("{prefix}{n}"))).collect()
        } else {
            let name = basename(from.trim_end_matches('/'));
            let dest = if key.is_empty() || key.ends_with('/') { format!("{key}{name}") } else { key.to_string() };
            vec![(clean_local(from), dest)]
        };
        let verb = Self::verb(line, "upload");
        for (file, k) in files {
            let shown = format!("{} to s3://{bucket}/{k}", display_local(&file));
            if line.has("dryrun") {
                self.print(line, format!("(dryrun) {verb}: {shown}"));
                continue;
            }
            let body = match self.host.read_bytes(&file) {
                Ok(b) => b,
                Err(e) => {
                    if !line.has("quiet") {
                        self.out.push(format!("{verb} failed: {shown} {e}"));
                    }
                    self.fail("LocalFileError");
                    continue;
                }
            };
            let size = body.len();
            let content_type = guess_content_type(&file);
            let mut params = json!({ "Bucket": bucket, "Key": k, "ContentLength": size });
            if let Some(t) = content_type {
                params["ContentType"] = json!(t);
            }
            let result = self.api("PutObject", params, |call| {
                ops::put_object_bytes(call, bucket, &k, body, content_type.map(str::to_string)).map(|v| (v, ()))
            });
            match result {
                Err(e) => self.failed(line, verb, &shown, "PutObject", &e),
                Ok(()) => {
                    if line.command == "mv" {
                        if let Err(e) = self.host.remove_file(&file) {
                            if !line.has("quiet") {
                                self.out.push(format!("{verb} failed: {shown} {e}"));
                            }
                            self.fail("LocalFileError");
                            continue;
                        }
                    }
                    self.print(line, format!("{verb}: {shown}"));
                }
            }
        }
        Ok(())
    }

    /// HeadObject on the single source object of a non-recursive download or copy; a failure
    /// is fatal, and a 404 is reworded as the CLI rewords it (`Key "k" does not exist`).
    fn head(&mut self, bucket: &str, key: &str) -> Result<(), Stop> {
        let input = json!({ "Bucket": bucket, "Key": key }).as_object().cloned().unwrap_or_default();
        self.api("HeadObject", json!({ "Bucket": bucket, "Key": key }), |call| {
            ops::head_object(call, &input).map(|v| (v, ()))
        })
        .map_err(|e| {
            let e =
                if e.code == "404" { AwsError { message: format!("Key \"{key}\" does not exist"), ..e } } else { e };
            Stop::Fatal(e, "HeadObject".into())
        })
    }

    /// The objects a download or copy takes: (source key, name below the destination).
    fn sources(&mut self, bucket: &str, key: &str, recursive: bool) -> Result<Vec<(String, String)>, Stop> {
        if recursive {
            let prefix = dir_prefix(key);
            let keys = self.list_keys(bucket, &prefix)?;
            Ok(keys.into_iter().map(|k| (k.clone(), k[prefix.len()..].to_string())).collect())
        } else {
            self.head(bucket, key)?;
            Ok(vec![(key.to_string(), basename(key).to_string())])
        }
    }

    fn download(&mut self, line: &Line, bucket: &str, key: &str, to: &str, recursive: bool) -> Result<(), Stop> {
        let sources = self.sources(bucket, key, recursive)?;
        // Into a folder when copying many, or when the destination is a folder or ends with `/`.
        let into_folder = recursive
            || to.ends_with('/')
            || matches!(clean_local(to).as_str(), "." | "..")
            || self.host.is_folder(&clean_local(to));
        let verb = Self::verb(line, "download");
        for (k, name) in sources {
            if name.is_empty() || name.ends_with('/') {
                continue; // a folder marker: nothing to write
            }
            let file = if into_folder { join_local(to, &name) } else { clean_local(to) };
            let shown = format!("s3://{bucket}/{k} to {}", display_local(&file));
            if name.split('/').any(|c| c == "..") {
                if !line.has("quiet") {
                    self.out
                        .push(format!("warning: Skipping file s3://{bucket}/{k}. File references a parent directory."));
                }
                self.fail("SkippedFile");
                continue;
            }
            if line.has("dryrun") {
                self.print(line, format!("(dryrun) {verb}: {shown}"));
                continue;
            }
            let got = self.api("GetObject", json!({ "Bucket": bucket, "Key": k }), |call| {
                ops::get_object_bytes(call, bucket, &k)
            });
            let body = match got {
                Ok(b) => b,
                Err(e) => {
                    self.failed(line, verb, &shown, "GetObject", &e);
                    continue;
                }
            };
            if let Err(e) = self.host.write_bytes(&file, &body) {
                if !line.has("quiet") {
                    self.out.push(format!("{verb} failed: {shown} {e}"));
                }
                self.fail("LocalFileError");
                continue;
            }
            if line.command == "mv" {
                if let Err(e) = self.delete_object(bucket, &k) {
                    self.failed(line, verb, &shown, "DeleteObject", &e);
                    continue;
                }
            }
            self.print(line, format!("{verb}: {shown}"));
        }
        Ok(())
    }

    fn copy(&mut self, line: &Line, bucket: &str, key: &str, b2: &str, k2: &str, recursive: bool) -> Result<(), Stop> {
        let sources = self.sources(bucket, key, recursive)?;
        let verb = Self::verb(line, "copy");
        for (k, name) in sources {
            let dest = if recursive {
                format!("{}{name}", dir_prefix(k2))
            } else if k2.is_empty() || k2.ends_with('/') {
                format!("{k2}{name}")
            } else {
                k2.to_string()
            };
            let shown = format!("s3://{bucket}/{k} to s3://{b2}/{dest}");
            if line.has("dryrun") {
                self.print(line, format!("(dryrun) {verb}: {shown}"));
                continue;
            }
            let copied = self.api(
                "CopyObject",
                json!({ "Bucket": b2, "Key": dest, "CopySource": format!("{bucket}/{k}") }),
                |call| ops::copy_object_key(call, bucket, &k, b2, &dest).map(|v| (v, ())),
            );
            if let Err(e) = copied {
                self.failed(line, verb, &shown, "CopyObject", &e);
                continue;
            }
            if line.command == "mv" {
                if let Err(e) = self.delete_object(bucket, &k) {
                    self.failed(line, verb, &shown, "DeleteObject", &e);
                    continue;
                }
            }
            self.print(line, format!("{verb}: {shown}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::MemoryHost;
    use proptest::prelude::*;

    fn session() -> Session {
        Session::demo(crate::DEFAULT_SEED)
    }

    /// A PNG-like header and every byte value: not UTF-8, so it must travel as bytes.
    fn binary() -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        b.extend(0..=255u8);
        b
    }

    #[test]
    fn a_binary_file_round_trips_through_cp() {
        let mut s = session();
        let mut host = MemoryHost::default();
        host.write_bytes("logo.png", &binary()).unwrap();
        let out = s.execute("aws s3 mb s3://round-trip-bucket", &mut host);
        assert_eq!(out.expect_ok().text, "make_bucket: round-trip-bucket");
        let out = s.execute("aws s3 cp logo.png s3://round-trip-bucket/", &mut host);
        assert_eq!(out.expect_ok().text, "upload: ./logo.png to s3://round-trip-bucket/logo.png");
        let out = s.execute("aws s3 cp s3://round-trip-bucket/logo.png ./back/", &mut host);
        assert_eq!(out.expect_ok().text, "download: s3://round-trip-bucket/logo.png to back/logo.png");
        assert_eq!(host.read_bytes("back/logo.png").unwrap(), binary());
        // The object's size and ETag are the file's (MD5 of the bytes).
        let head = s.execute("aws s3api head-object --bucket round-trip-bucket --key logo.png", &mut host);
        let head = head.expect_ok().json.clone().unwrap();
        assert_eq!(head["ContentLength"], 264);
        assert_eq!(head["ETag"], format!("\"{}\"", crate::s3::md5_hex(&binary())));
        // A saved world keeps the bytes.
        let again = Session::from_json(&s.to_json()).unwrap();
        assert_eq!(again.world.s3.buckets["round-trip-bucket"].objects["logo.png"].body, binary());
    }

    #[test]
    fn ls_pads_its_columns_as_the_cli_does() {
        let mut s = session();
        let mut host = MemoryHost::default();
        host.write_file("r.txt", "0123456789").unwrap();
        host.write_bytes("d/big.bin", &vec![7u8; 1536]).unwrap();
        s.execute("aws s3 mb s3://listing-bucket", &mut host).expect_ok();
        s.execute("aws s3 cp r.txt s3://listing-bucket/r.txt", &mut host).expect_ok();
        s.execute("aws s3 cp d s3://listing-bucket/d --recursive", &mut host).expect_ok();
        let when = crate::clock::format_cli(s.world.clock.now());
        let when = format!("{} {}", &when[..10], &when[11..19]);
        // subcommands.py: "PRE".rjust(30), the time ljust(19), the size rjust(10).
        let out = s.execute("aws s3 ls s3://listing-bucket", &mut host);
        assert_eq!(out.expect_ok().text, format!("                           PRE d/\n{when}         10 r.txt"));
        let out = s.execute("aws s3 ls s3://listing-bucket --recursive --human-readable --summarize", &mut host);
        assert_eq!(
            out.expect_ok().text,
            format!("{when}    1.5 KiB d/big.bin\n{when}   10 Bytes r.txt\n\nTotal Objects: 2\n   Total Size: 1.5 KiB")
        );
        let out = s.execute("aws s3 ls", &mut host);
        assert!(out.expect_ok().text.ends_with(" listing-bucket"), "{}", out.text);
        // Empty components print as the CLI's split('/')[-2] prints them.
        host.write_file("odd", "x").unwrap();
        s.execute("aws s3 cp odd s3://listing-bucket/a//b", &mut host).expect_ok();
        let out = s.execute("aws s3 ls s3://listing-bucket/a/", &mut host);
        assert_eq!(out.expect_ok().text, "                           PRE /");
        // A prefix that matches nothing prints nothing and fails (the CLI's exit status 1).
        let out = s.execute("aws s3 ls s3://listing-bucket/none", &mut host);
        assert!(!out.ok && out.text.is_empty());
    }

    #[test]
    fn a_denied_upload_prints_the_failure_and_each_call_stands_alone() {
        let mut s = session();
        let mut host = MemoryHost::default();
        host.write_file("in/a.txt", "a").unwrap();
        host.write_file("in/b.txt", "b").unwrap();
        s.execute("aws s3 mb s3://partial-bucket", &mut host).expect_ok();
        let deny = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoB","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::partial-bucket/b.txt"}]}"#;
        s.execute(&format!("aws s3api put-bucket-policy --bucket partial-bucket --policy '{deny}'"), &mut host)
            .expect_ok();
        let before = s.world.cloudtrail.events.len();
        let out = s.execute("aws s3 cp in s3://partial-bucket --recursive", &mut host);
        let out = out.expect_error("AccessDenied");
        let lines: Vec<&str> = out.text.lines().collect();
        assert_eq!(lines[0], "upload: in/a.txt to s3://partial-bucket/a.txt");
        assert!(
            lines[1].starts_with("upload failed: in/b.txt to s3://partial-bucket/b.txt An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:iam::"),
            "{}",
            lines[1]
        );
        // The upload that succeeded stays; each PutObject is its own event in the history.
        assert!(s.world.s3.buckets["partial-bucket"].objects.contains_key("a.txt"));
        assert!(!s.world.s3.buckets["partial-bucket"].objects.contains_key("b.txt"));
        let events = &s.world.cloudtrail.events[before..];
        let names: Vec<&str> = events.iter().map(|e| e["eventName"].as_str().unwrap()).collect();
        assert_eq!(names, ["PutObject", "PutObject"]);
        assert_eq!(events[1]["errorCode"], "AccessDenied");
        // explain shows the last call's decision: the bucket policy's Deny.
        let explained = s.execute("explain", &mut host);
        assert!(explained.text.contains("NoB"), "{}", explained.text);
    }

    #[test]
    fn failures_print_as_the_cli_prints_them() {
        let mut s = session();
        let mut host = MemoryHost::default();
        let out = s.execute("aws s3 ls s3://no-such-bucket-here", &mut host);
        assert_eq!(
            out.expect_error("NoSuchBucket").text,
            "An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: The specified bucket does not exist"
        );
        let out = s.execute("aws s3 rm s3://no-such-bucket-here/x --recursive", &mut host);
        assert!(out
            .expect_error("NoSuchBucket")
            .text
            .starts_with("fatal error: An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation"));
        s.execute("aws s3 mb s3://failing-bucket", &mut host).expect_ok();
        s.execute("sign-in root --email aws-dev@example.com --password Dev-Root-2026!", &mut host).expect_ok();
        let out = s.execute("aws s3 mb s3://failing-bucket", &mut host);
        assert!(out
            .expect_error("BucketAlreadyExists")
            .text
            .starts_with("make_bucket failed: s3://failing-bucket An error occurred (BucketAlreadyExists) when calling the CreateBucket operation: "));
        let out = s.execute("aws s3 cp s3://failing-bucket/missing .", &mut host);
        // Another account's caller may not list the bucket: S3 answers 403, not 404.
        assert!(out
            .expect_error("403")
            .text
            .starts_with("fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden"));
        let out = s.execute("aws s3 rb s3://failing-bucket/key", &mut host);
        assert_eq!(out.text, "Please specify a valid bucket name only. E.g. s3://failing-bucket");
        let out = s.execute("aws s3 cp a b", &mut host);
        assert!(out.text.ends_with("\nError: Invalid argument type"));
        // argparse's error after the CLI's usage block.
        let usage = s.execute("aws s3 cp", &mut host).text;
        assert!(usage.starts_with("usage: aws [options] <command> <subcommand>"), "{usage}");
        assert!(usage.ends_with("\n\naws: error: the following arguments are required: paths"), "{usage}");
    }

    #[test]
    fn a_folder_without_recursive_fails_as_the_cli_does() {
        // Printed by aws-cli 2.17.0 for `aws s3 cp files s3://dry-b` (moto_server as endpoint).
        let mut s = session();
        let mut host = MemoryHost::default();
        host.write_file("files/a.txt", "a").unwrap();
        s.execute("aws s3 mb s3://dry-b", &mut host).expect_ok();
        let out = s.execute("aws s3 cp files s3://dry-b", &mut host);
        assert_eq!(
            out.expect_error("ParamValidation").text,
            "upload failed: files/ to s3://dry-b/ Parameter validation failed:\nInvalid length for parameter Key, value: 0, valid min length: 1"
        );
        // Also printed by it: a copy onto itself is S3's InvalidRequest, a dry run calls nothing.
        s.execute("aws s3 cp files/a.txt s3://dry-b/x --quiet", &mut host).expect_ok();
        let out = s.execute("aws s3 cp s3://dry-b/x s3://dry-b/x", &mut host);
        assert!(out.expect_error("InvalidRequest").text.starts_with(
            "copy failed: s3://dry-b/x to s3://dry-b/x An error occurred (InvalidRequest) when calling the CopyObject operation: This copy request is illegal"
        ));
        let events = s.world.cloudtrail.events.len();
        let out = s.execute("aws s3 rm s3://dry-b/x --dryrun", &mut host);
        assert_eq!(out.expect_ok().text, "(dryrun) delete: s3://dry-b/x");
        assert_eq!(s.world.cloudtrail.events.len(), events);
        assert_eq!(
            s.execute("aws s3 rm s3://dry-b/no-such-key", &mut host).expect_ok().text,
            "delete: s3://dry-b/no-such-key"
        );
    }

    #[test]
    fn cp_to_a_dash_prints_the_object() {
        let mut s = session();
        let mut host = MemoryHost::default();
        host.write_file("note.txt", "line one\nline two\n").unwrap();
        s.execute("aws s3 mb s3://stream-bucket", &mut host).expect_ok();
        s.execute("aws s3 cp note.txt s3://stream-bucket/note.txt", &mut host).expect_ok();
        let out = s.execute("aws s3 cp s3://stream-bucket/note.txt -", &mut host);
        assert_eq!(out.expect_ok().text, "line one\nline two");
        let out = s.execute("aws s3 cp s3://stream-bucket/none.txt -", &mut host);
        assert!(out.expect_error("NoSuchKey").text.starts_with(
            "download failed: s3://stream-bucket/none.txt to - An error occurred (NoSuchKey) when calling the GetObject operation"
        ));
        let out = s.execute("aws s3 mv s3://stream-bucket/note.txt -", &mut host);
        assert_eq!(out.text, "Streaming currently is only compatible with non-recursive cp commands");
    }

    #[test]
    fn malformed_bucket_names_are_refused_before_any_call() {
        // Printed by aws-cli 2.17.0 for `aws s3 mb 's3://a b'` (botocore's check; no request).
        let mut s = session();
        let mut host = MemoryHost::default();
        let events = s.world.cloudtrail.events.len();
        let out = s.execute("aws s3 mb 's3://a b'", &mut host);
        assert_eq!(
            out.expect_error("ParamValidation").text,
            r#"make_bucket failed: s3://a b Parameter validation failed:
Invalid bucket name "a b": Bucket name must match the regex "^[a-zA-Z0-9.\-_]{1,255}$" or be an ARN matching the regex "^arn:(aws).*:(s3|s3-object-lambda):[a-z\-0-9]*:[0-9]{12}:accesspoint[/:][a-zA-Z0-9\-.]{1,63}$|^arn:(aws).*:s3-outposts:[a-z\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\-]{1,63}[/:]accesspoint[/:][a-zA-Z0-9\-]{1,63}$""#
        );
        assert_eq!(s.world.cloudtrail.events.len(), events);
        // A name botocore lets through is S3's to refuse.
        s.execute("aws s3 mb s3://Bad_Name", &mut host).expect_error("InvalidBucketName");
    }

    #[test]
    fn rb_force_empties_the_bucket_then_deletes_it() {
        let mut s = session();
        let mut host = MemoryHost::default();
        host.write_file("x/1.txt", "1").unwrap();
        host.write_file("x/2.txt", "2").unwrap();
        s.execute("aws s3 mb s3://forced-bucket", &mut host).expect_ok();
        s.execute("aws s3 cp x s3://forced-bucket/x --recursive", &mut host).expect_ok();
        let out = s.execute("aws s3 rb s3://forced-bucket", &mut host);
        assert!(out
            .expect_error("BucketNotEmpty")
            .text
            .starts_with("remove_bucket failed: s3://forced-bucket An error occurred (BucketNotEmpty)"));
        let out = s.execute("aws s3 rb s3://forced-bucket --force", &mut host);
        assert_eq!(
            out.expect_ok().text,
            "delete: s3://forced-bucket/x/1.txt\ndelete: s3://forced-bucket/x/2.txt\nremove_bucket: forced-bucket"
        );
        assert!(!s.world.s3.buckets.contains_key("forced-bucket"));
    }

    #[test]
    fn mv_moves_local_files_and_objects() {
        let mut s = session();
        let mut host = MemoryHost::default();
        host.write_file("note.txt", "n").unwrap();
        s.execute("aws s3 mb s3://moving-bucket", &mut host).expect_ok();
        let out = s.execute("aws s3 mv note.txt s3://moving-bucket/a/note.txt", &mut host);
        assert_eq!(out.expect_ok().text, "move: ./note.txt to s3://moving-bucket/a/note.txt");
        assert!(host.read_bytes("note.txt").is_err());
        let out = s.execute("aws s3 mv s3://moving-bucket/a/note.txt s3://moving-bucket/b/", &mut host);
        assert_eq!(out.expect_ok().text, "move: s3://moving-bucket/a/note.txt to s3://moving-bucket/b/note.txt");
        let out = s.execute("aws s3 mv s3://moving-bucket/b/note.txt s3://moving-bucket/b/", &mut host);
        assert_eq!(out.text, "Cannot mv a file onto itself: s3://moving-bucket/b/note.txt - s3://moving-bucket/b/");
        let out = s.execute("aws s3 mv s3://moving-bucket/b/note.txt .", &mut host);
        assert_eq!(out.expect_ok().text, "move: s3://moving-bucket/b/note.txt to ./note.txt");
        assert_eq!(host.read_file("note.txt").unwrap(), "n");
        assert!(s.world.s3.buckets["moving-bucket"].objects.is_empty());
    }

    #[test]
    fn help_and_completion_know_the_commands() {
        let mut s = session();
        let out = s.run("help aws s3");
        assert!(out.expect_ok().text.contains("  cp   Copies a file or object."), "{}", out.text);
        let out = s.run("help aws s3 rb");
        assert!(out.expect_ok().text.contains("usage: aws s3 rb <S3Uri> [--force]"), "{}", out.text);
        assert!(s.run("aws s3 ls help").expect_ok().text.contains("ListObjectsV2"));
        s.run("help aws s3 sync").expect_error("UnknownCommand");
        assert!(s.run("help aws").text.contains("  s3 "));
        s.run("aws s3 mb s3://completed-bucket").expect_ok();
        let complete = |line: &str| crate::command::complete::complete(&s, line, line.len()).1;
        assert!(complete("aws s").contains(&"s3".to_string()));
        assert_eq!(complete("aws s3 m"), ["mb", "mv"]);
        assert_eq!(complete("aws s3 rb --f"), ["--force"]);
        assert_eq!(complete("aws s3 ls s3://comp"), ["s3://completed-bucket/"]);
    }

    fn s3_word() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "ls",
                "mb",
                "rb",
                "cp",
                "mv",
                "rm",
                "help",
                "--recursive",
                "--summarize",
                "--human-readable",
                "--force",
                "--dryrun",
                "--quiet",
                "--only-show-errors",
                "--page-size",
                "--region",
                "eu-west-1",
                "--output",
                "text",
                "s3://",
                "s3://prop-bucket",
                "s3://prop-bucket/",
                "s3://prop-bucket/a",
                "s3://prop-bucket/a/",
                "s3://prop-bucket/../x",
                "s3:///x",
                "s3://Bad_Name/k",
                "f.txt",
                "./d/",
                ".",
                "..",
                "/",
                "-",
                "d",
                "s3://prop-bucket/f.txt",
                "0",
                "--page-size=x",
            ])
            .prop_map(str::to_string),
            "[ -~]{0,10}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// No `aws s3 ...` line panics, every failure has a code, and a failed line leaves the
        /// objects it did not touch as they were (each API call stands alone).
        #[test]
        fn no_aws_s3_line_panics(lines in prop::collection::vec(prop::collection::vec(s3_word(), 0..6), 1..5)) {
            let mut s = session();
            let mut host = MemoryHost::default();
            host.write_file("f.txt", "f").unwrap();
            host.write_bytes("d/b.bin", &[0xff, 0x00]).unwrap();
            s.execute("aws s3 mb s3://prop-bucket", &mut host).expect_ok();
            s.execute("aws s3 cp d s3://prop-bucket/a --recursive", &mut host).expect_ok();
            for words in lines {
                let quoted: Vec<String> = words.iter().map(|w| format!("'{}'", w.replace('\'', ""))).collect();
                let line = format!("aws s3 {}", quoted.join(" "));
                let out = s.execute(&line, &mut host);
                prop_assert!(out.ok || out.code.is_some(), "{line}: {}", out.text);
            }
        }
    }

    #[test]
    fn sizes_read_as_awscli_human_readable_size_writes_them() {
        // The doctest of awscli's utils.human_readable_size, and values either side of each
        // rounding edge: each expected string was printed by running awscli's function itself
        // (customizations/s3/utils.py) in Python 3.
        assert_eq!(human_readable_size(1), "1 Byte");
        assert_eq!(human_readable_size(10), "10 Bytes");
        assert_eq!(human_readable_size(0), "0 Bytes");
        assert_eq!(human_readable_size(1023), "1023 Bytes");
        assert_eq!(human_readable_size(1024), "1.0 KiB");
        assert_eq!(human_readable_size(1536), "1.5 KiB");
        assert_eq!(human_readable_size(1024 * 1024), "1.0 MiB");
        // 1048063 / 1024^2 * 1024 = 1023.49..., rounds to 1023: still KiB.
        assert_eq!(human_readable_size(1_048_063), "1023.5 KiB");
        // 1048064 rounds to 1024: MiB.
        assert_eq!(human_readable_size(1_048_064), "1.0 MiB");
        assert_eq!(human_readable_size(1_048_575), "1.0 MiB");
        assert_eq!(human_readable_size(123_456_789), "117.7 MiB");
        assert_eq!(human_readable_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
        assert_eq!(human_readable_size(u64::MAX), "16.0 EiB");
    }

    #[test]
    fn uploads_guess_the_content_type_as_python_does() {
        // Each expected value is what Python 3.11's mimetypes.MimeTypes(filenames=()).guess_type
        // printed for the name (its built-in table).
        for (name, want) in [
            ("report.txt", Some("text/plain")),
            ("dir/logo.PNG", Some("image/png")),
            ("data.csv.gz", Some("text/csv")),
            ("app.js", Some("application/javascript")),
            ("feed.xml", Some("text/xml")),
            ("monday.log", None),
            (".png", None),
            ("archive.gz", None),
            ("noext", None),
        ] {
            assert_eq!(guess_content_type(name), want, "{name}");
        }
    }

    #[test]
    fn local_paths_print_as_the_cli_prints_them() {
        assert_eq!(display_local("f.txt"), "./f.txt");
        assert_eq!(display_local("./f.txt"), "./f.txt");
        assert_eq!(display_local("docs/a.txt"), "docs/a.txt");
        assert_eq!(display_local("./docs//a.txt"), "docs/a.txt");
        assert_eq!(display_local("/tmp/x"), "/tmp/x");
        assert_eq!(join_local(".", "a/b"), "a/b");
        assert_eq!(join_local("out/", "a"), "out/a");
        assert_eq!(clean_local("./"), ".");
    }

    #[test]
    fn s3_paths_split_at_the_first_slash() {
        assert_eq!(location("s3://b"), Location::S3 { bucket: "b".into(), key: String::new() });
        assert_eq!(location("s3://b/a/b/"), Location::S3 { bucket: "b".into(), key: "a/b/".into() });
        assert_eq!(location("./s3://b"), Location::Local("./s3://b".into()));
        assert_eq!(dir_prefix("logs"), "logs/");
        assert_eq!(dir_prefix(""), "");
        assert_eq!(basename("a/b/c.txt"), "c.txt");
    }
}
