//! The AWS CLI's syntax: `aws <service> <operation> --option value ...`.
//!
//! Options and their value forms come from the operation table (`crate::service`): scalars, lists
//! of several words, JSON, the shorthand `Key=Value,...`, and `file://path`. The result is the JSON
//! object of API parameters a handler reads. Errors read like the AWS CLI's own.

use super::lex::Word;
use super::suggest::nearest;
use super::Host;
use crate::registry;
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
    /// `help` was asked for instead of a call.
    pub help: bool,
}

/// The AWS CLI's global options, which may stand anywhere on the line.
#[derive(Debug)]
pub struct Globals {
    /// `--region`.
    pub region: Option<String>,
    /// `--output` (default `json`).
    pub output: Output,
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
}

impl Default for Globals {
    fn default() -> Self {
        Globals {
            region: None,
            output: Output::Json,
            query: None,
            debug: false,
            endpoint_url: None,
            no_paginate: false,
            typed: Vec::new(),
        }
    }
}

/// What the words after `aws` ask for.
#[derive(Debug)]
pub enum Parsed {
    /// An operation (or its help).
    Call(Box<Invocation>),
    /// `aws --version`.
    Version,
}

/// A mistake the CLI catches before any call, printed as the CLI prints it: a usage error as
/// `aws: error: ...`, other client-side errors (`Error parsing parameter '--x': ...`, `Bad value
/// for --query ...`, an unknown profile) as their message alone. No AWS error code: the request
/// was never sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageError {
    /// An argument mistake: printed after `aws: error: `.
    Usage(String),
    /// Any other client-side error, printed as it is.
    Client(String),
}

impl UsageError {
    /// The text the CLI prints.
    pub fn text(&self) -> String {
        match self {
            UsageError::Usage(m) => format!("aws: error: {m}"),
            UsageError::Client(m) => m.clone(),
        }
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError::Usage(msg.into()))
}

fn client<T>(msg: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError::Client(msg.into()))
}

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
    ("version", false),
];

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
    let mut seen: Vec<&str> = Vec::new();
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
        if seen.contains(&name) && takes_value {
            return err(format!("argument --{name}: given more than once"));
        }
        seen.push(name);
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
                Some(o) => g.output = o,
                None => return err(invalid_choice("--output", &Output::NAMES)),
            },
            "query" => g.query = Some(crate::render::query::compile(&value).map_err(UsageError::Client)?),
            "profile" => {
                return client(format!(
                    "The config profile ({value}) could not be found\n(rootsim has no profiles yet: sign in with `sign-in keys ...` or `sign-in user ...` instead)"
                ))
            }
            "endpoint-url" => g.endpoint_url = Some(value),
            "debug" => g.debug = true,
            "no-paginate" => g.no_paginate = true,
            "no-cli-pager" => {}
            _ => version = true,
        }
    }
    Ok((g, rest, version))
}

/// argparse's message for a value outside `choices`, as the AWS CLI lays it out: in two columns.
fn invalid_choice(opt: &str, choices: &[&str]) -> String {
    let mut out = format!("argument {opt}: Invalid choice, valid choices are:\n\n");
    for pair in choices.chunks(2) {
        match pair {
            [a, b] => out.push_str(&format!("{a:<41}| {b:<40}\n")),
            [a] => out.push_str(&format!("{a:<40}\n")),
            _ => {}
        }
    }
    out.trim_end_matches('\n').to_string()
}

/// Parses the words after `aws`.
pub fn parse(words: &[Word], host: &dyn Host) -> Result<Parsed, UsageError> {
    let words = split_equals(words);
    let (globals, words, version) = take_globals(&words)?;
    if version {
        return Ok(Parsed::Version);
    }
    let words = words.as_slice();
    let Some(service) = words.first() else {
        return err("the following arguments are required: command (try: help aws)");
    };
    if is_option(service) {
        let known = global_options().collect::<Vec<_>>().join(", ");
        return err(format!("Unknown options: {} (global options: {known})", service.text));
    }
    let services = registry::services();
    if !services.contains(&service.text.as_str()) {
        let hint = nearest(&service.text, services.iter().copied())
            .map(|s| format!(" Did you mean '{s}'?"))
            .unwrap_or_default();
        return err(format!(
            "argument command: Invalid choice: '{}'. rootsim models: {}.{hint}",
            service.text,
            services.join(", ")
        ));
    }
    let Some(op_word) = words.get(1) else {
        return err(format!("the following arguments are required: operation (try: help aws {})", service.text));
    };
    let Some(operation) = registry::find(&service.text, &op_word.text) else {
        let names: Vec<String> = registry::operations(&service.text).map(|o| o.cli_name()).collect();
        let hint = nearest(&op_word.text, names.iter().map(String::as_str))
            .map(|s| format!(" Did you mean '{s}'?"))
            .unwrap_or_default();
        return err(format!(
            "argument operation: Invalid choice: '{}' is not an operation of {} in rootsim.{hint} (try: help aws {})",
            op_word.text, service.text, service.text
        ));
    };
    let mut params = Map::new();
    let mut i = 2;
    let rest = &words[2..];
    if rest.first().is_some_and(|w| w.text == "help" && !w.quoted) {
        return Ok(Parsed::Call(Box::new(Invocation { operation, params, globals, help: true })));
    }
    while i < words.len() {
        let w = &words[i];
        if w.quoted || !w.text.starts_with("--") {
            return err(format!("Unknown options: {} (values follow an option such as --user-name)", w.text));
        }
        let opt = &w.text[2..];
        i += 1;
        // Values are every following word up to the next option.
        let start = i;
        while i < words.len() && (words[i].quoted || !words[i].text.starts_with("--")) {
            i += 1;
        }
        let values: Vec<&str> = words[start..i].iter().map(|w| w.text.as_str()).collect();
        let negated = opt.strip_prefix("no-");
        let param = operation.params.iter().find(|p| kebab(p.name) == opt).or_else(|| {
            negated.and_then(|n| operation.params.iter().find(|p| p.shape == Shape::Boolean && kebab(p.name) == n))
        });
        let Some(param) = param else {
            let names: Vec<String> = operation.params.iter().map(|p| format!("--{}", kebab(p.name))).collect();
            let hint = nearest(&w.text, names.iter().map(String::as_str))
                .map(|s| format!(" Did you mean '{s}'?"))
                .unwrap_or_default();
            return err(format!("Unknown options: {}.{hint}", w.text));
        };
        if params.contains_key(param.name) {
            return err(format!("argument --{}: given more than once", kebab(param.name)));
        }
        let value = if param.shape == Shape::Boolean {
            if !values.is_empty() {
                return err(format!("argument {}: takes no value (got '{}')", w.text, values[0]));
            }
            Value::Bool(negated.is_none() || kebab(param.name) == opt)
        } else {
            convert(param, &values, host)?
        };
        params.insert(param.name.to_string(), value);
    }
    let missing: Vec<String> = operation
        .params
        .iter()
        .filter(|p| p.required && !params.contains_key(p.name))
        .map(|p| format!("--{}", kebab(p.name)))
        .collect();
    if !missing.is_empty() {
        return err(format!("the following arguments are required: {}", missing.join(", ")));
    }
    Ok(Parsed::Call(Box::new(Invocation { operation, params, globals, help: false })))
}

fn single<'a>(opt: &str, values: &[&'a str]) -> Result<&'a str, UsageError> {
    match values {
        [v] => Ok(v),
        [] => err(format!("argument --{opt}: expected one argument")),
        [_, extra, ..] => err(format!("Unknown options: {extra}")),
    }
}

/// Reads `file://path` through the host; other text is returned as it is.
fn resolve_file(opt: &str, text: &str, host: &dyn Host) -> Result<String, UsageError> {
    match text.strip_prefix("file://") {
        Some(path) => host.read_file(path).map_err(|e| {
            UsageError::Client(format!("Error parsing parameter '--{opt}': Unable to load paramfile {text}: {e}"))
        }),
        None => Ok(text.to_string()),
    }
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

fn convert(param: &Param, values: &[&str], host: &dyn Host) -> Result<Value, UsageError> {
    let opt = kebab(param.name);
    match param.shape {
        Shape::String => Ok(Value::String(resolve_file(&opt, single(&opt, values)?, host)?)),
        Shape::Document => {
            let text = resolve_file(&opt, single(&opt, values)?, host)?;
            Ok(Value::String(text))
        }
        Shape::Integer => {
            let v = single(&opt, values)?;
            v.parse::<i64>()
                .map(Value::from)
                .map_err(|_| UsageError::Usage(format!("argument --{opt}: invalid int value: '{v}'")))
        }
        Shape::Boolean => Ok(Value::Bool(true)),
        Shape::StringList => {
            if values.is_empty() {
                return err(format!("argument --{opt}: expected at least one argument"));
            }
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
            if values.is_empty() {
                return err(format!("argument --{opt}: expected at least one argument"));
            }
            if let [one] = values {
                let text = resolve_file(&opt, one, host)?;
                if text.trim_start().starts_with('[') {
                    return parse_json(&opt, &text);
                }
            }
            let mut list = Vec::new();
            for v in values {
                list.push(Value::Object(shorthand(&opt, v)?));
            }
            Ok(Value::Array(list))
        }
        Shape::Structure(_) => {
            let text = resolve_file(&opt, single(&opt, values)?, host)?;
            if text.trim_start().starts_with('{') {
                return parse_json(&opt, &text);
            }
            Ok(Value::Object(shorthand(&opt, &text)?))
        }
    }
}

/// `Key=a,Value=b` -> {"Key": "a", "Value": "b"}.
fn shorthand(opt: &str, text: &str) -> Result<Map<String, Value>, UsageError> {
    let mut out = Map::new();
    let mut offset = 0;
    for pair in text.split(',') {
        let Some((k, v)) = pair.split_once('=') else {
            // The CLI's shorthand parser names what it found where it wanted `=`, and points at it.
            let at = offset + pair.chars().count();
            let found = if at < text.chars().count() { "','" } else { "'EOF'" };
            return client(format!(
                "Error parsing parameter '--{opt}': Expected: '=', received: {found} for input:\n{text}\n{}^",
                " ".repeat(at)
            ));
        };
        if k.is_empty() {
            return client(format!("Error parsing parameter '--{opt}': empty key in '{pair}'"));
        }
        out.insert(k.to_string(), Value::String(v.to_string()));
        offset += pair.chars().count() + 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{parse, Parsed};
    use crate::command::lex;
    use crate::command::{MemoryHost, Session};
    use crate::render::{self, Output};
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
        let e = parsed("iam list-users --output xml").unwrap_err().text();
        assert_eq!(
            e,
            "aws: error: argument --output: Invalid choice, valid choices are:\n\njson                                     | text                                    \ntable                                    | yaml                                    \nyaml-stream                             "
        );
        assert_eq!(
            parsed("iam list-users --query").unwrap_err().text(),
            "aws: error: argument --query: expected one argument"
        );
        assert!(parsed("iam list-users --query 'a[' ").unwrap_err().text().starts_with("Bad value for --query a[: "));
        assert_eq!(
            parsed("iam create-user --user-name a --tags Key").unwrap_err().text(),
            "Error parsing parameter '--tags': Expected: '=', received: 'EOF' for input:\nKey\n   ^"
        );
        assert!(parsed("--profile dev iam list-users")
            .unwrap_err()
            .text()
            .starts_with("The config profile (dev) could not be found"));
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
