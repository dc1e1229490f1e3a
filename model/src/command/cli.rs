//! The AWS CLI's syntax: `aws <service> <operation> --option value ...`.
//!
//! Options and their value forms come from the operation table (`crate::service`): scalars, lists
//! of several words, JSON, the shorthand `Key=Value,...`, and `file://path`. The result is the JSON
//! object of API parameters a handler reads. Errors read like the AWS CLI's own.

use super::cli_input::{self, InputFormat};
use super::lex::Word;
use super::suggest::nearest;
use super::usage;
use super::Host;
use crate::registry;
use crate::render::python;
use crate::render::query::Query;
use crate::render::Output;
use crate::service::{kebab, Operation, Param, Shape};
use serde_json::{Map, Value};

/// A parsed AWS call.
#[derive(Debug)]
pub struct Invocation {
    /// The operation.
    pub operation: &'static Operation,
    /// Its parameters, by API name.
    pub params: Map<String, Value>,
    /// The global options.
    pub globals: Globals,
    /// The CLI's paging options (`--max-items`...), on a paginated operation.
    pub paging: super::paginate::PagingArgs,
}

/// The AWS CLI's global options, which may stand anywhere on the line.
#[derive(Debug)]
pub struct Globals {
    /// `--region`.
    pub region: Option<String>,
    /// `--output` (default `json`).
    pub output: Output,
    /// Whether `--output` was given (else the environment or the profile may choose).
    pub output_given: bool,
    /// `--profile`: the AWS CLI profile to take credentials and settings from (`config.rs`).
    pub profile: Option<String>,
    /// `--query`, compiled.
    pub query: Option<Query>,
    /// `--debug`.
    pub debug: bool,
    /// `--endpoint-url`: rootsim answers every call itself; only STS's global endpoint matters, as the Region it is in (`registry::call_region`).
    pub endpoint_url: Option<String>,
    /// `--no-paginate` (rootsim returns every result in one page either way).
    pub no_paginate: bool,
    /// The words as typed, for `--debug`.
    pub typed: Vec<String>,
    /// `--no-sign-request`: the call is sent unsigned, as the anonymous caller (`command::mod`).
    pub no_sign_request: bool,
    /// `--cli-binary-format`: `raw-in-base64-out` when blobs given inline are raw text, else
    /// `None` (v2's default, `base64`).
    pub raw_in_base64_out: bool,
    /// The connection options rootsim takes and has no use for (`--color`, `--no-verify-ssl`,
    /// `--ca-bundle`, `--cli-read-timeout`, `--cli-connect-timeout`, `--no-cli-auto-prompt`):
    /// rootsim prints no colour and opens no connection. Kept for `--debug`.
    pub connection: Vec<String>,
}

impl Default for Globals {
    fn default() -> Self {
        Globals {
            region: None,
            output: Output::Json,
            output_given: false,
            profile: None,
            query: None,
            debug: false,
            endpoint_url: None,
            no_paginate: false,
            typed: Vec::new(),
            no_sign_request: false,
            raw_in_base64_out: false,
            connection: Vec::new(),
        }
    }
}

/// What the words after `aws` ask for.
#[derive(Debug)]
pub enum Parsed {
    /// An operation.
    Call(Box<Invocation>),
    /// `aws --version`.
    Version,
    /// `aws help`, `aws SERVICE help` or `aws SERVICE OPERATION help`.
    Help(HelpPage),
    /// `aws s3 ...`, the high-level S3 commands (`command::s3`): the global options and the
    /// words after `s3`.
    S3(Box<Globals>, Vec<Word>),
    /// `--generate-cli-skeleton input`: the input skeleton, printed as JSON without calling.
    Skeleton(Value),
    /// `--generate-cli-skeleton output`: the call, checked, and the stubbed response the CLI
    /// prints for it as it prints a response (`command::cli_input`).
    Stubbed(Box<Invocation>, Value),
}

/// Which of the CLI's help pages `help` asks for.
#[derive(Debug, Clone, Copy)]
pub enum HelpPage {
    /// `aws help`: the CLI and the services.
    Aws,
    /// `aws SERVICE help`: a service and its operations.
    Service(&'static str),
    /// `aws SERVICE OPERATION help`: one operation.
    Operation(&'static Operation),
}

/// A mistake the CLI catches before any call, printed as the CLI prints it (`usage.rs`): an
/// argparse error as the usage block and `aws: error: ...`, words no parser took as the usage
/// block and `Unknown options: ...`, other client-side errors (`Error parsing parameter '--x':
/// ...`, `Bad value for --query ...`, an unknown profile) as their message alone. No AWS error
/// code: the request was never sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageError {
    /// An argument mistake: printed after the usage block and `aws: error: `.
    Usage(String),
    /// Words no parser took (`Unknown options: --x, y`): printed after the usage block.
    Unknown(String),
    /// Any other client-side error, printed as it is.
    Client(String),
    /// One of the above with rootsim's own hint, printed on a line of its own after the CLI's
    /// text, marked `(rootsim)`, so the CLI's lines stay as the CLI prints them.
    Hinted(Box<UsageError>, String),
}

impl UsageError {
    /// The text the CLI prints (and rootsim's hint after it).
    pub fn text(&self) -> String {
        match self {
            UsageError::Usage(m) => usage::argparse_error(m),
            UsageError::Unknown(m) => usage::unknown_options_error(m),
            UsageError::Client(m) => m.clone(),
            UsageError::Hinted(e, hint) => format!("{}\n(rootsim) {hint}", e.text()),
        }
    }

    /// This error with rootsim's `hint` after it.
    pub fn hint(self, hint: impl Into<String>) -> UsageError {
        UsageError::Hinted(Box::new(self), hint.into())
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError::Usage(msg.into()))
}

fn client<T>(msg: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError::Client(msg.into()))
}

/// `--generate-cli-skeleton`'s choices.
const SKELETONS: [&str; 3] = ["input", "output", "yaml-input"];

/// The global options rootsim knows, and whether each takes a value.
const GLOBALS: &[(&str, bool)] = &[
    ("region", true),
    ("output", true),
    ("query", true),
    ("profile", true),
    ("endpoint-url", true),
    ("debug", false),
    ("no-paginate", false),
    ("no-cli-pager", false),
    ("color", true),
    ("no-verify-ssl", false),
    ("ca-bundle", true),
    ("cli-read-timeout", true),
    ("cli-connect-timeout", true),
    ("no-sign-request", false),
    ("cli-binary-format", true),
    ("cli-auto-prompt", false),
    ("no-cli-auto-prompt", false),
    ("version", false),
];

/// `--color`'s choices.
const COLORS: [&str; 3] = ["on", "off", "auto"];
/// `--cli-binary-format`'s choices.
const BINARY_FORMATS: [&str; 2] = ["base64", "raw-in-base64-out"];

/// The names of the global options, with their dashes (for completion and help).
pub fn global_options() -> impl Iterator<Item = String> {
    GLOBALS.iter().filter(|(n, _)| *n != "version").map(|(n, _)| format!("--{n}"))
}

/// `--opt=value` is `--opt value`, the value never taken for an option.
fn split_equals(words: &[Word]) -> Vec<Word> {
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        match w.text.split_once('=') {
            Some((opt, value)) if !w.quoted && opt.starts_with("--") && opt.len() > 2 => {
                out.push(Word { text: opt.to_string(), ..w.clone() });
                out.push(Word { text: value.to_string(), quoted: true, ..w.clone() });
            }
            _ => out.push(w.clone()),
        }
    }
    out
}

fn is_option(w: &Word) -> bool {
    !w.quoted && w.text.starts_with("--")
}

/// Takes the global options out of `words`, wherever they stand; says whether `--version` was one.
fn take_globals(words: &[Word]) -> Result<(Globals, Vec<Word>, bool), UsageError> {
    let mut g = Globals { typed: words.iter().map(|w| w.text.clone()).collect(), ..Globals::default() };
    let mut rest = Vec::new();
    let mut version = false;
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let global = if is_option(w) { GLOBALS.iter().find(|(n, _)| w.text[2..] == **n) } else { None };
        let Some(&(name, takes_value)) = global else {
            rest.push(w.clone());
            i += 1;
            continue;
        };
        i += 1;
        // As argparse stores a repeated option, the last one wins.
        let value = if takes_value {
            match words.get(i) {
                Some(v) if !is_option(v) => {
                    i += 1;
                    v.text.clone()
                }
                _ => return err(format!("argument --{name}: expected one argument")),
            }
        } else {
            String::new()
        };
        match name {
            "region" => g.region = Some(value),
            "output" => match Output::parse(&value) {
                Some(o) => {
                    g.output = o;
                    g.output_given = true;
                }
                None => return err(usage::invalid_choice("--output", &value, &Output::NAMES)),
            },
            "query" => g.query = Some(crate::render::query::compile(&value).map_err(UsageError::Client)?),
            "profile" => g.profile = Some(value),
            "endpoint-url" => g.endpoint_url = Some(value),
            "debug" => g.debug = true,
            "no-paginate" => g.no_paginate = true,
            "no-cli-pager" => {}
            "color" if !COLORS.contains(&value.as_str()) => {
                return err(usage::invalid_choice("--color", &value, &COLORS))
            }
            "cli-binary-format" if !BINARY_FORMATS.contains(&value.as_str()) => {
                return err(usage::invalid_choice("--cli-binary-format", &value, &BINARY_FORMATS))
            }
            "cli-binary-format" => g.raw_in_base64_out = value == "raw-in-base64-out",
            // argparse converts the timeouts with int().
            "cli-read-timeout" | "cli-connect-timeout" if value.trim().parse::<i64>().is_err() => {
                return err(format!("argument --{name}: invalid int value: {}", python::repr_str(&value)))
            }
            "no-sign-request" => g.no_sign_request = true,
            "cli-auto-prompt" => {
                return Err(UsageError::Client("(rootsim) --cli-auto-prompt is not modelled: rootsim has no interactive prompt for the CLI's parameters; type the options (`aws SERVICE OPERATION help` lists them).".to_string()))
            }
            "color" | "no-verify-ssl" | "ca-bundle" | "cli-read-timeout" | "cli-connect-timeout" | "no-cli-auto-prompt" => {
                g.connection.push(if takes_value { format!("--{name} {value}") } else { format!("--{name}") })
            }
            _ => version = true,
        }
    }
    Ok((g, rest, version))
}

/// The global options of the words after `aws`, and the other words (for commands that are not
/// operations, such as `aws configure`).
pub fn split_globals(words: &[Word]) -> Result<(Globals, Vec<Word>), UsageError> {
    let (globals, rest, _) = take_globals(&split_equals(words))?;
    Ok((globals, rest))
}

/// Parses the words after `aws`.
///
/// As the CLI's parsers do: the first word that is not an option names the service, the next
/// the operation (or `help`), and every other word goes to the operation's parser, which takes
/// its options with their values, keeps the first stray word for a `help` it may be, and reports
/// the rest as unknown, after any missing required argument. Values are converted last, as the
/// CLI converts them after parsing.
pub fn parse(words: &[Word], host: &dyn Host) -> Result<Parsed, UsageError> {
    let words = split_equals(words);
    let (mut globals, words, version) = take_globals(&words)?;
    if version {
        return Ok(Parsed::Version);
    }
    let positional = |from: usize| (from..words.len()).find(|&i| !is_option(&words[i]));
    let Some(s) = positional(0) else {
        return err(usage::required(&["command".to_string()]));
    };
    let service = &words[s].text;
    if service == "help" && !words[s].quoted {
        return match positional(s + 1) {
            None => Ok(Parsed::Help(HelpPage::Aws)),
            // The CLI's help topics are not modelled: every topic is an invalid choice.
            Some(t) => Err(UsageError::Usage(usage::invalid_choice("subcommand", &words[t].text, &[]))
                .hint("rootsim has none of the CLI's help topics: `aws help` lists the services, `help` the sandbox.")),
        };
    }
    // The high-level `aws s3` commands have their own parser (`command::s3`).
    if service == "s3" && !words[s].quoted {
        let rest = words.iter().enumerate().filter(|(i, _)| *i != s).map(|(_, w)| w.clone()).collect();
        return Ok(Parsed::S3(Box::new(globals), rest));
    }
    let services = registry::services();
    if !services.contains(&service.as_str()) {
        // The CLI's own commands follow the services in its list of choices.
        let mut choices = services.clone();
        choices.extend(["configure", "s3", "help"]);
        return Err(UsageError::Usage(usage::invalid_choice("command", service, &choices))
            .hint("rootsim models only the services listed above (`help aws`)."));
    }
    let Some(o) = positional(s + 1) else {
        return err(usage::required(&["operation".to_string()]));
    };
    let op_word = &words[o].text;
    let service: &'static str = services.iter().copied().find(|n| n == service).unwrap_or_default();
    if op_word == "help" && !words[o].quoted {
        return Ok(Parsed::Help(HelpPage::Service(service)));
    }
    let Some(operation) = registry::find(service, op_word) else {
        let names = operation_choices(service);
        let mut choices: Vec<&str> = names.iter().map(String::as_str).collect();
        choices.push("help");
        return Err(UsageError::Usage(usage::invalid_choice("operation", op_word, &choices))
            .hint(format!("rootsim models only the operations of {service} listed above (`help aws {service}`).")));
    };
    let args: Vec<&Word> = words.iter().enumerate().filter(|(i, _)| *i != s && *i != o).map(|(_, w)| w).collect();
    if let [only] = args.as_slice() {
        if only.text == "help" && !only.quoted {
            return Ok(Parsed::Help(HelpPage::Operation(operation)));
        }
    }
    // The options given, with their words; the first stray word; the words no option took.
    let mut given: Vec<(&Param, bool, Vec<&str>)> = Vec::new();
    let mut paging_given: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut first_stray: Option<&str> = None;
    let mut extras: Vec<String> = Vec::new();
    let mut cli_inputs: Vec<(InputFormat, &str)> = Vec::new();
    let mut skeleton: Option<&str> = None;
    let mut i = 0;
    while i < args.len() {
        let w = args[i];
        i += 1;
        if !is_option(w) {
            // A positional argument the CLI adds (`get-object`'s outfile) takes the first stray word.
            if let Some(pos) = operation.params.iter().find(|p| p.is_positional()) {
                if !given.iter().any(|(g, _, _)| g.name == pos.name) {
                    given.push((pos, true, vec![w.text.as_str()]));
                    continue;
                }
            }
            match first_stray {
                None => first_stray = Some(&w.text),
                Some(_) => extras.push(w.text.clone()),
            }
            continue;
        }
        let opt = &w.text[2..];
        // The CLI's whole-input options (`command::cli_input`); as argparse stores them, the last wins.
        match opt {
            "cli-input-json" | "cli-input-yaml" => {
                let Some(v) = args.get(i).filter(|v| !is_option(v)) else {
                    return err(format!("argument {}: expected one argument", w.text));
                };
                i += 1;
                let format = if opt == "cli-input-json" { InputFormat::Json } else { InputFormat::Yaml };
                cli_inputs.retain(|(f, _)| *f != format);
                cli_inputs.push((format, v.text.as_str()));
                continue;
            }
            "generate-cli-skeleton" => {
                // `nargs='?'`: the next word, when it is not an option, is the value.
                let value = match args.get(i) {
                    Some(v) if !is_option(v) => {
                        i += 1;
                        v.text.as_str()
                    }
                    _ => "input",
                };
                if !SKELETONS.contains(&value) {
                    return err(usage::invalid_choice("--generate-cli-skeleton", value, &SKELETONS));
                }
                skeleton = Some(value);
                continue;
            }
            _ => {}
        }
        // The CLI's paging options, and the service's own paging members it hides (one value each).
        if super::paginate::is_paging_option(operation, opt) {
            let value: Vec<&str> = match args.get(i) {
                Some(v) if !is_option(v) => {
                    i += 1;
                    vec![v.text.as_str()]
                }
                _ => Vec::new(),
            };
            paging_given.push((opt, value));
            continue;
        }
        let negated = opt.strip_prefix("no-");
        let param = operation.params.iter().find(|p| !p.is_positional() && kebab(p.name) == opt).or_else(|| {
            negated.and_then(|n| operation.params.iter().find(|p| p.shape == Shape::Boolean && kebab(p.name) == n))
        });
        let Some(param) = param else {
            extras.push(w.text.clone());
            continue;
        };
        let start = i;
        let values: Vec<&str> = match param.shape {
            // A flag takes no value: a word after it is a stray word.
            Shape::Boolean => Vec::new(),
            // A list takes every word up to the next option, none included (the CLI's `nargs='*'`).
            Shape::StringList | Shape::Tags | Shape::StructureList(_) => {
                while i < args.len() && !is_option(args[i]) {
                    i += 1;
                }
                args[start..i].iter().map(|w| w.text.as_str()).collect()
            }
            _ => match args.get(i) {
                Some(v) if !is_option(v) => {
                    i += 1;
                    vec![v.text.as_str()]
                }
                _ => return err(format!("argument {}: expected one argument", w.text)),
            },
        };
        let positive = param.shape != Shape::Boolean || kebab(param.name) == opt;
        // As argparse stores it, the last occurrence of an option wins.
        given.retain(|(p, _, _)| p.name != param.name);
        given.push((param, positive, values));
    }
    // `--cli-input-*` and `--generate-cli-skeleton` (but for `output`) make every option optional.
    let overridden = !cli_inputs.is_empty() || skeleton.is_some_and(|s| s != "output");
    let missing: Vec<String> = operation
        .params
        .iter()
        .filter(|p| p.required && (!overridden || p.is_positional()) && !given.iter().any(|(g, _, _)| g.name == p.name))
        .map(|p| if p.is_positional() { p.name.to_string() } else { format!("--{}", kebab(p.name)) })
        .collect();
    // rootsim's hint for a mistyped option, after whichever error the CLI reports.
    let with_hint = |e: UsageError, extras: &[String]| {
        let names: Vec<String> = operation.params.iter().map(|p| format!("--{}", kebab(p.name))).collect();
        let near = extras.iter().filter(|e| e.starts_with("--")).find_map(|e| {
            nearest(e, names.iter().map(String::as_str)).map(|n| format!("did you mean '{n}' for '{e}'?"))
        });
        match near {
            Some(hint) => e.hint(hint),
            None => e,
        }
    };
    if !missing.is_empty() {
        return Err(with_hint(UsageError::Usage(usage::required(&missing)), &extras));
    }
    match first_stray {
        Some("help") => return Ok(Parsed::Help(HelpPage::Operation(operation))),
        Some(stray) => extras.push(stray.to_string()),
        None => {}
    }
    if !extras.is_empty() {
        return Err(with_hint(UsageError::Unknown(usage::unknown_options(&extras)), &extras));
    }
    let mut params = Map::new();
    for (param, positive, values) in given {
        let value = if param.shape == Shape::Boolean {
            Value::Bool(positive)
        } else {
            convert(param, &values, host, globals.raw_in_base64_out)?
        };
        params.insert(param.name.to_string(), value);
    }
    super::awslambda::hoist_zip_file(operation, &mut params, !cli_inputs.is_empty() || skeleton.is_some())?;
    let mut paging = super::paginate::PagingArgs::default();
    for (opt, values) in paging_given {
        if let Some(taken) = super::paginate::take_option(operation, opt, &values, &mut paging, &mut params) {
            taken?;
        }
    }
    match cli_inputs.as_slice() {
        [] => {}
        [(format, text)] => {
            let flag = if *format == InputFormat::Json { "cli-input-json" } else { "cli-input-yaml" };
            let text = resolve_file(flag, text, host)?;
            cli_input::merge(operation, &mut params, cli_input::load(*format, &text)?)?;
        }
        _ => return client("Only one --cli-input- parameter may be specified."),
    }
    match skeleton {
        Some("input") => {
            let skeleton = cli_input::skeleton(operation, false)?;
            return Ok(Parsed::Skeleton(skeleton));
        }
        // The CLI comments each member with its documentation, which rootsim does not hold.
        Some("yaml-input") => {
            return client("(rootsim) --generate-cli-skeleton yaml-input is not modelled: rootsim does not hold the API documentation the CLI writes in its comments; use --generate-cli-skeleton input, whose JSON --cli-input-yaml also reads.")
        }
        Some(_) => {
            // The CLI validates the command's parameters, then prints the stubbed response.
            let errors = cli_input::validate(operation, &params)?;
            if !errors.is_empty() {
                return client(format!("\nParameter validation failed:\n{}", errors.join("\n")));
            }
            let response = cli_input::skeleton(operation, true)?;
            let inv = Invocation { operation, params, globals, paging };
            return Ok(Parsed::Stubbed(Box::new(inv), response));
        }
        None => {}
    }
    super::paginate::finish(operation, &mut globals, &mut paging, &mut params)?;
    // botocore's range check runs on every call before it is sent, paging members included: the
    // per-page limit `--page-size` sets is a member of each page's request (rule CLI-INPUT-JSON).
    let mut too_small = cli_input::range_errors(operation, &params);
    let limit = crate::pages::paginator(operation.service, operation.name).and_then(|p| p.limit_key.as_deref());
    if let (Some(size), Some(limit)) = (paging.page_size, limit) {
        let page = Map::from_iter([(limit.to_string(), Value::from(size))]);
        too_small.extend(cli_input::range_errors(operation, &page));
    }
    if !too_small.is_empty() {
        return client(format!("\nParameter validation failed:\n{}", too_small.join("\n")));
    }
    Ok(Parsed::Call(Box::new(Invocation { operation, params, globals, paging })))
}

/// The operations of `service` as the CLI lists them in its choices and its help: in the order
/// of the service's API model, which botocore keeps sorted by API name.
pub fn operation_choices(service: &str) -> Vec<String> {
    let mut ops: Vec<&Operation> = registry::operations(service).collect();
    ops.sort_by_key(|o| o.name);
    ops.iter().map(|o| o.cli_name()).collect()
}

fn single<'a>(opt: &str, values: &[&'a str]) -> Result<&'a str, UsageError> {
    match values {
        [v] => Ok(v),
        [] => err(format!("argument --{opt}: expected one argument")),
        [_, extra, ..] => err(format!("Unknown options: {extra}")),
    }
}

/// Reads `file://path` through the host; other text is returned as it is.
///
/// A relative path is the host's business (the script's folder, or the REPL's working folder),
/// as the CLI opens it from where it runs. `file://` reads text: a file that is not UTF-8 fails as
/// the CLI's decoding does. `fileb://` reads bytes, which a text parameter refuses as botocore's
/// validation refuses `bytes` where it wants `str` (rule CLI-BLOB-FORMAT).
fn resolve_file(opt: &str, text: &str, host: &dyn Host) -> Result<String, UsageError> {
    let unable = |e: String| {
        UsageError::Client(format!("Error parsing parameter '--{opt}': Unable to load paramfile {text}: {e}"))
    };
    if let Some(path) = text.strip_prefix("fileb://") {
        let bytes = host.read_bytes(path).map_err(unable)?;
        let name = opt.split('-').map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        });
        return client(format!(
            "\nParameter validation failed:\nInvalid type for parameter {}, value: {}, type: <class 'bytes'>, valid types: <class 'str'>",
            name.collect::<String>(),
            py_bytes(&bytes)
        ));
    }
    match text.strip_prefix("file://") {
        Some(path) => {
            let bytes = host.read_bytes(path).map_err(unable)?;
            String::from_utf8(bytes).map_err(|_| {
                UsageError::Client(format!("Error parsing parameter '--{opt}': Unable to load paramfile ({path}), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix."))
            })
        }
        None => Ok(text.to_string()),
    }
}

/// Bytes as Python's `repr` prints them (`b'...'`).
fn py_bytes(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') { '"' } else { '\'' };
    let mut out = format!("b{quote}");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b if b as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}

fn parse_json(opt: &str, text: &str) -> Result<Value, UsageError> {
    serde_json::from_str(text).map_err(|e| {
        UsageError::Client(format!(
            "Error parsing parameter '--{opt}': Invalid JSON: {} at line {}, column {}\nJSON received: {text}",
            strip_position(&e.to_string()),
            e.line(),
            e.column()
        ))
    })
}

/// serde_json appends " at line L column C"; the CLI line gives the position its own way.
fn strip_position(msg: &str) -> &str {
    msg.find(" at line ").map_or(msg, |i| &msg[..i])
}

/// One option's words as its parameter's JSON value; `raw_blobs` is `--cli-binary-format
/// raw-in-base64-out`, under which an inline blob is its text's bytes rather than base64.
fn convert(param: &Param, values: &[&str], host: &dyn Host, raw_blobs: bool) -> Result<Value, UsageError> {
    let opt = kebab(param.name);
    match param.shape {
        Shape::String => Ok(Value::String(resolve_file(&opt, single(&opt, values)?, host)?)),
        Shape::Document => {
            let text = resolve_file(&opt, single(&opt, values)?, host)?;
            Ok(Value::String(text))
        }
        Shape::Blob => {
            // The CLI opens the path as it is (no `file://`), in binary; anything but a readable
            // file is refused before the call.
            let path = single(&opt, values)?;
            let bytes = host.read_bytes(path).map_err(|_| {
                UsageError::Client(format!("Error parsing parameter '--{opt}': Blob values must be a path to a file."))
            })?;
            Ok(Value::String(crate::s3::base64_encode(&bytes)))
        }
        Shape::Map => {
            let text = resolve_file(&opt, single(&opt, values)?, host)?;
            let map = crate::sqs::ops::parse_attributes(&text).map_err(|e| UsageError::Client(e.message))?;
            Ok(Value::Object(map.into_iter().map(|(k, v)| (k, Value::String(v))).collect()))
        }
        Shape::BlobValue => {
            let v = single(&opt, values)?;
            let bytes = match v.strip_prefix("fileb://") {
                Some(path) => host.read_bytes(path).map_err(|e| {
                    UsageError::Client(format!("Error parsing parameter '--{opt}': Unable to load paramfile {v}: {e}"))
                })?,
                // raw-in-base64-out: the CLI sends the text's own bytes (CLI-BLOB-FORMAT).
                None if raw_blobs => v.as_bytes().to_vec(),
                // awscli's binaryformat.py decodes with Python's b64decode (characters outside the
                // alphabet skipped) and refuses what it cannot decode with this line.
                None => crate::pages::base64_decode(v)
                    .ok_or_else(|| UsageError::Client(format!("Invalid base64: \"{v}\"")))?,
            };
            Ok(Value::String(crate::pages::base64_encode(&bytes)))
        }
        Shape::Integer => {
            let v = single(&opt, values)?;
            // The CLI converts with Python's int() and prints its ValueError alone.
            v.trim().parse::<i64>().map(Value::from).map_err(|_| {
                UsageError::Client(format!("invalid literal for int() with base 10: {}", python::repr_str(v)))
                    .hint(format!("--{opt} takes an integer."))
            })
        }
        Shape::Boolean => Ok(Value::Bool(true)),
        Shape::StringList => {
            if let [one] = values {
                let text = resolve_file(&opt, one, host)?;
                if text.trim_start().starts_with('[') {
                    let v = parse_json(&opt, &text)?;
                    if v.as_array().is_some_and(|a| a.iter().all(Value::is_string)) {
                        return Ok(v);
                    }
                    return client(format!("Error parsing parameter '--{opt}': expected a list of strings"));
                }
                return Ok(Value::Array(vec![Value::String(text)]));
            }
            Ok(Value::Array(values.iter().map(|v| Value::String(v.to_string())).collect()))
        }
        Shape::Tags | Shape::StructureList(_) => {
            if let [one] = values {
                let text = resolve_file(&opt, one, host)?;
                if text.trim_start().starts_with('[') {
                    return parse_json(&opt, &text);
                }
            }
            let members = match param.shape {
                Shape::StructureList(m) => m,
                _ => &[],
            };
            let mut list = Vec::new();
            for v in values {
                list.push(Value::Object(shorthand(&opt, v, members)?));
            }
            Ok(Value::Array(list))
        }
        Shape::Structure(_) => {
            let text = resolve_file(&opt, single(&opt, values)?, host)?;
            if text.trim_start().starts_with('{') {
                return parse_json(&opt, &text);
            }
            let members = match param.shape {
                Shape::Structure(m) => m,
                _ => &[],
            };
            Ok(Value::Object(shorthand(&opt, &text, members)?))
        }
    }
}

/// A shorthand word (`command::shorthand`), adapted to `members`; its errors as the CLI prints them.
fn shorthand(opt: &str, text: &str, members: &[Param]) -> Result<Map<String, Value>, UsageError> {
    let mut map = super::shorthand::parse(text)
        .map_err(|e| UsageError::Client(format!("Error parsing parameter '--{opt}': {}", e.0)))?;
    super::shorthand::adapt(members, &mut map);
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::{parse, Parsed};
    use crate::command::lex;
    use crate::command::{MemoryHost, Session};
    use crate::render::{self, Output};
    use crate::service::kebab;
    use proptest::prelude::*;
    use serde_json::Value;

    fn parsed(line: &str) -> Result<Parsed, super::UsageError> {
        parse(&lex::split(line).unwrap(), &MemoryHost::default())
    }

    #[test]
    fn global_options_stand_anywhere_and_take_the_equals_form() {
        for line in [
            "--region eu-west-1 --output=text iam get-user --user-name bob",
            "iam --output text get-user --region=eu-west-1 --user-name=bob",
            "iam get-user --user-name bob --output text --region eu-west-1",
        ] {
            let Ok(Parsed::Call(inv)) = parsed(line) else { panic!("{line} does not parse") };
            assert_eq!(inv.globals.region.as_deref(), Some("eu-west-1"), "{line}");
            assert_eq!(inv.globals.output, Output::Text, "{line}");
            assert_eq!(inv.params["UserName"], "bob", "{line}");
        }
        assert!(matches!(parsed("--version"), Ok(Parsed::Version)));
        assert!(matches!(parsed("iam list-users --version"), Ok(Parsed::Version)));
        // A value that looks like an option stays a value in the equals form.
        let Ok(Parsed::Call(inv)) = parsed("iam create-user --user-name=--bob") else { panic!() };
        assert_eq!(inv.params["UserName"], "--bob");
    }

    #[test]
    fn client_errors_read_as_the_cli_writes_them() {
        // The usage block and the error line, from the AWS CLI v2.17.0 (`aws --output xml iam list-users`).
        let e = parsed("iam list-users --output xml").unwrap_err().text();
        assert_eq!(
            e,
            "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n\naws: error: argument --output: Invalid choice, valid choices are:\n\njson                                     | text                                    \ntable                                    | yaml                                    \nyaml-stream                             "
        );
        assert_eq!(
            parsed("iam list-users --query").unwrap_err(),
            super::UsageError::Usage("argument --query: expected one argument".into())
        );
        assert!(parsed("iam list-users --query 'a[' ").unwrap_err().text().starts_with("Bad value for --query a[: "));
        assert_eq!(
            parsed("iam create-user --user-name a --tags Key").unwrap_err().text(),
            "Error parsing parameter '--tags': Expected: '=', received: 'EOF' for input:\nKey\n   ^"
        );
        // --profile is kept for config.rs, which says whether the profile exists.
        match parsed("--profile dev iam list-users") {
            Ok(Parsed::Call(inv)) => assert_eq!(inv.globals.profile.as_deref(), Some("dev")),
            other => panic!("expected a call, got {other:?}"),
        }
        // As argparse stores a repeated option, the last one wins.
        match parsed("iam list-users --profile a --profile b") {
            Ok(Parsed::Call(inv)) => assert_eq!(inv.globals.profile.as_deref(), Some("b")),
            other => panic!("expected a call, got {other:?}"),
        }
    }

    /// The error line (or lines) after the usage block, or the whole text when there is none.
    fn error_of(line: &str) -> String {
        let text = parsed(line).unwrap_err().text();
        text.strip_prefix(crate::command::usage::USAGE).map_or(text.clone(), |t| t.trim_start_matches('\n').to_string())
    }

    #[test]
    fn usage_errors_are_the_clis() {
        // Each expected line was printed by the AWS CLI v2.17.0 (installed from the aws-cli
        // repository's 2.17.0 tag into a throwaway venv) for the same words, after its usage block.
        for (line, expected) in [
            ("", "aws: error: the following arguments are required: command"),
            ("--region eu-west-1", "aws: error: the following arguments are required: command"),
            ("iam", "aws: error: the following arguments are required: operation"),
            ("iam create-user", "aws: error: the following arguments are required: --user-name"),
            ("iam create-user --x", "aws: error: the following arguments are required: --user-name"),
            ("iam create-user --x help", "aws: error: the following arguments are required: --user-name"),
            ("iam create-user a", "aws: error: the following arguments are required: --user-name"),
            ("iam attach-user-policy", "aws: error: the following arguments are required: --user-name, --policy-arn"),
            ("iam get-user --user-name", "aws: error: argument --user-name: expected one argument"),
            ("iam list-users --x", "Unknown options: --x"),
            ("iam list-users --x a b", "Unknown options: --x, b, a"),
            ("iam list-users a b", "Unknown options: b, a"),
            ("iam list-users --x --y", "Unknown options: --x, --y"),
            ("iam list-users a --x", "Unknown options: --x, a"),
            ("iam list-users --x a --path-prefix / b", "Unknown options: --x, b, a"),
            ("iam get-user --user-name bob extra", "Unknown options: extra"),
            ("iam create-user --user-name a b help", "Unknown options: help, b"),
            ("iam list-users --no-paginate x", "Unknown options: x"),
            ("--debugx iam list-users", "Unknown options: --debugx"),
        ] {
            assert_eq!(error_of(line).lines().next().unwrap_or(""), expected, "aws {line}");
            assert!(parsed(line).unwrap_err().text().starts_with(crate::command::usage::USAGE), "aws {line}");
        }
    }

    #[test]
    fn invalid_choices_list_the_choices_and_suggest_as_the_cli_does() {
        let e = error_of("sts get-caler-identity");
        // rootsim's choices are the operations it models, in the model's order, then `help`.
        assert!(e.starts_with("aws: error: argument operation: Invalid choice, valid choices are:\n\nassume-role                              | assume-root                             \n"), "{e}");
        assert!(e.contains("| help                                    \n\n\nInvalid choice: 'get-caler-identity', maybe you meant:\n\n  * get-caller-identity\n(rootsim) "), "{e}");
        let e = error_of("stss get-caller-identity");
        assert!(
            e.starts_with("aws: error: argument command: Invalid choice, valid choices are:\n\naccessanalyzer "),
            "{e}"
        );
        assert!(e.contains("Invalid choice: 'stss', maybe you meant:\n\n  * sts\n(rootsim) "), "{e}");
        // The rootsim hint, when there is one, is the last line, on its own and marked.
        assert!(error_of("ec2 describe-instances").lines().last().unwrap().starts_with("(rootsim) "));
        let e = error_of("iam list-users --path-prefx /");
        assert_eq!(e, "Unknown options: --path-prefx, /\n(rootsim) did you mean '--path-prefix' for '--path-prefx'?");
    }

    #[test]
    fn help_is_asked_for_where_the_cli_takes_it() {
        use super::HelpPage;
        assert!(matches!(parsed("help"), Ok(Parsed::Help(HelpPage::Aws))));
        assert!(matches!(parsed("--region eu-west-1 help"), Ok(Parsed::Help(HelpPage::Aws))));
        assert!(matches!(parsed("iam help"), Ok(Parsed::Help(HelpPage::Service("iam")))));
        assert!(matches!(parsed("iam help me"), Ok(Parsed::Help(HelpPage::Service("iam")))));
        for line in ["iam create-user help", "iam list-users help me", "iam list-users help --output text"] {
            let Ok(Parsed::Help(HelpPage::Operation(op))) = parsed(line) else { panic!("{line}") };
            assert_eq!(op.name, if line.contains("create") { "CreateUser" } else { "ListUsers" });
        }
        // A quoted 'help' is a value, as `--user-name help` is.
        assert!(matches!(parsed("iam get-user --user-name help"), Ok(Parsed::Call(_))));
        assert!(error_of("help me").starts_with("aws: error: argument subcommand: Invalid choice"));
    }

    #[test]
    fn the_last_of_a_repeated_option_wins_as_in_argparse() {
        // The AWS CLI v2.17.0 sends these calls (it tried to connect) with the last value.
        let Ok(Parsed::Call(inv)) = parsed("iam create-user --user-name a --user-name b") else { panic!() };
        assert_eq!(inv.params["UserName"], "b");
        let Ok(Parsed::Call(inv)) = parsed("--output json --output text sts get-caller-identity") else { panic!() };
        assert_eq!(inv.globals.output, Output::Text);
        // A list option may be given no value (`nargs='*'`): the call is made with an empty list.
        let Ok(Parsed::Call(inv)) = parsed("iam create-user --user-name a --tags") else { panic!() };
        assert_eq!(inv.params["Tags"], serde_json::json!([]));
    }

    #[test]
    fn paramfiles_read_as_the_cli_reads_them() {
        // The messages are the CLI's paramfile errors (awscli's `paramfile.py`, v2 branch) and
        // botocore's validation of `bytes` given for a string.
        let mut host = MemoryHost::default();
        host.files.insert("p.json".into(), "{\"Version\":\"2012-10-17\",\"Statement\":[]}".into());
        host.binary.insert("k.bin".into(), vec![0xff, b'a', b'\'']);
        let words = |l: &str| lex::split(l).unwrap();
        let line = "iam create-policy --policy-name p --policy-document file://p.json";
        assert!(matches!(parse(&words(line), &host), Ok(Parsed::Call(_))));
        let e = parse(&words("iam create-policy --policy-name p --policy-document file://k.bin"), &host).unwrap_err();
        assert_eq!(e.text(), "Error parsing parameter '--policy-document': Unable to load paramfile (k.bin), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix.");
        let e = parse(&words("iam create-policy --policy-name p --policy-document fileb://k.bin"), &host).unwrap_err();
        assert_eq!(e.text(), "\nParameter validation failed:\nInvalid type for parameter PolicyDocument, value: b\"\\xffa'\", type: <class 'bytes'>, valid types: <class 'str'>");
        let e =
            parse(&words("iam create-policy --policy-name p --policy-document file://none.json"), &host).unwrap_err();
        assert!(e
            .text()
            .starts_with("Error parsing parameter '--policy-document': Unable to load paramfile file://none.json: "));
    }

    #[test]
    fn a_value_that_is_no_integer_fails_as_pythons_int_does() {
        // `aws iam create-role ... --max-session-duration x` prints Python's ValueError alone.
        let e = parsed("iam create-role --role-name r --assume-role-policy-document {} --max-session-duration x")
            .unwrap_err()
            .text();
        assert_eq!(
            e,
            "invalid literal for int() with base 10: 'x'\n(rootsim) --max-session-duration takes an integer."
        );
    }

    #[test]
    fn every_help_page_answers() {
        let mut session = Session::demo(crate::DEFAULT_SEED);
        assert!(session.run("aws help").expect_ok().text.starts_with("AWS()"));
        for service in crate::registry::services() {
            let out = session.run(&format!("aws {service} help"));
            assert!(out.expect_ok().text.starts_with(&format!("{}()", service.to_uppercase())));
            for op in crate::registry::operations(service) {
                let out = session.run(&format!("aws {service} {} help", op.cli_name()));
                assert!(out.expect_ok().text.contains(&format!("\nSYNOPSIS\n            {}\n", op.cli_name())));
            }
        }
    }

    /// Words of `aws` lines: services, operations, their options, `help`, and anything.
    fn help_word() -> impl Strategy<Value = String> {
        let services: Vec<String> = crate::registry::services().iter().map(|s| s.to_string()).collect();
        let ops: Vec<String> = crate::registry::all().map(|o| o.cli_name()).collect();
        let options: Vec<String> =
            crate::registry::all().flat_map(|o| o.params.iter().map(|p| format!("--{}", kebab(p.name)))).collect();
        prop_oneof![
            3 => Just("help".to_string()),
            3 => prop::sample::select(services),
            3 => prop::sample::select(ops),
            2 => prop::sample::select(options),
            1 => "--[a-z-]{0,8}",
            1 => "\\PC{0,8}",
        ]
    }

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("--region".to_string()),
            Just("--output".to_string()),
            Just("--query".to_string()),
            Just("--debug".to_string()),
            Just("--no-paginate".to_string()),
            Just("--no-cli-pager".to_string()),
            Just("--endpoint-url".to_string()),
            Just("--profile".to_string()),
            Just("--version".to_string()),
            Just("--cli-input-json".to_string()),
            Just("--cli-input-yaml".to_string()),
            Just("--generate-cli-skeleton".to_string()),
            Just("output".to_string()),
            Just("yaml-input".to_string()),
            Just("--no-sign-request".to_string()),
            Just("--color".to_string()),
            Just("--cli-read-timeout".to_string()),
            Just("--cli-binary-format".to_string()),
            Just("--cli-auto-prompt".to_string()),
            Just("file://missing.json".to_string()),
            Just("fileb://missing.bin".to_string()),
            prop::sample::select(vec![
                "{\"UserName\": \"bob\"}",
                "{\"UserName\": 1, \"X\": [1, {}]}",
                "UserName: bob",
                "- a",
                "{",
                "[]",
                "Key=a,Value=\"b,c\"",
                "Key='x",
                "A=[{B=c}],C={D=[e]}",
            ])
            .prop_map(str::to_string),
            Just("--user-name".to_string()),
            Just("--tags".to_string()),
            Just("--max-items".to_string()),
            Just("iam".to_string()),
            Just("sts".to_string()),
            Just("list-users".to_string()),
            Just("get-user".to_string()),
            Just("create-user".to_string()),
            Just("get-caller-identity".to_string()),
            Just("help".to_string()),
            Just("bob".to_string()),
            prop::sample::select(Output::NAMES.to_vec()).prop_map(str::to_string),
            prop::sample::select(vec!["--output=", "--query=", "--region=", "--user-name=", "--tags="])
                .prop_flat_map(|o| "[ -~]{0,12}".prop_map(move |v| format!("{o}{v}"))),
            prop::sample::select(vec![
                "Users[].UserName",
                "Users[0]",
                "Users[?UserName=='bob'].{A: Arn, N: UserName}",
                "length(@)",
                "length(`1`)",
                "Users[",
                "*.*",
                "[0][0]",
                "to_number(Account)",
                "sort_by(Users, &UserName)",
                "keys(@)",
                "@",
                "max(`[]`)",
            ])
            .prop_map(str::to_string),
            "[ -~]{0,10}",
        ]
    }

    /// A JSON value of any shape, for the formatters.
    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::String),
            prop::sample::select(vec!["", "yes", "1.5", "a: b", "- x", "2026-01-01", "it's", "a\nb", "\t", "#"])
                .prop_map(|s| Value::String(s.to_string())),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[A-Za-z]{1,6}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// No line of options panics; every failure says why with a code.
        #[test]
        fn no_option_line_panics(words in prop::collection::vec(word(), 0..8)) {
            let quoted: Vec<String> = words.iter().map(|w| format!("'{}'", w.replace('\'', ""))).collect();
            let line = format!("aws {}", quoted.join(" "));
            let mut session = Session::demo(crate::DEFAULT_SEED);
            let out = session.run(&line);
            prop_assert!(out.ok || out.code.is_some(), "{line}: {}", out.text);
            let bare = format!("aws {}", words.join(" "));
            let out = session.run(&bare);
            prop_assert!(out.ok || out.code.is_some(), "{bare}: {}", out.text);
        }

        /// No `aws ... help` line and no usage error panics; every usage error is the CLI's usage
        /// block and its error line, any rootsim hint after them.
        #[test]
        fn no_help_line_or_usage_error_panics(words in prop::collection::vec(help_word(), 0..6)) {
            let quoted: Vec<String> = words.iter().map(|w| format!("'{}'", w.replace('\'', ""))).collect();
            let line = format!("aws {}", quoted.join(" "));
            let mut session = Session::demo(crate::DEFAULT_SEED);
            let out = session.run(&line);
            prop_assert!(out.ok || out.code.is_some(), "{line}: {}", out.text);
            let usage = crate::command::usage::USAGE;
            if out.text.contains("aws: error: ") || out.text.contains("Unknown options: ") {
                prop_assert!(out.text.starts_with(usage), "{line}: {}", out.text);
                let rest = &out.text[usage.len()..];
                prop_assert!(rest.starts_with("\naws: error: ") || rest.starts_with("\nUnknown options: "), "{line}: {}", out.text);
                if let Some(at) = rest.find("(rootsim) ") {
                    prop_assert!(rest[..at].ends_with('\n'), "{line}: {}", out.text);
                }
            }
        }

        /// Every formatter takes any JSON, as the CLI's take any response or query result.
        #[test]
        fn every_format_takes_any_json(value in json()) {
            for name in Output::NAMES {
                let output = Output::parse(name).unwrap();
                let _ = render::format(&value, output, "ListUsers");
            }
            for q in ["@", "*", "[*]", "keys(@)", "values(@)[0]", "[].*", "length(@)"] {
                let _ = render::query::compile(q).unwrap().search(&value);
            }
        }
    }
}
