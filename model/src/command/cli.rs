//! The AWS CLI's syntax: `aws <service> <operation> --option value ...`.
//!
//! Options and their value forms come from the operation table (`crate::service`): scalars, lists
//! of several words, JSON, the shorthand `Key=Value,...`, and `file://path`. The result is the JSON
//! object of API parameters a handler reads. Errors read like the AWS CLI's own.

use super::lex::Word;
use super::suggest::nearest;
use super::Host;
use crate::registry;
use crate::service::{kebab, Operation, Param, Shape};
use serde_json::{Map, Value};

/// A parsed AWS call.
#[derive(Debug)]
pub struct Invocation {
    /// The operation.
    pub operation: &'static Operation,
    /// Its parameters, by API name.
    pub params: Map<String, Value>,
    /// `--region`, if given.
    pub region: Option<String>,
    /// `help` was asked for instead of a call.
    pub help: bool,
}

/// A CLI usage error, printed as `aws: error: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError(msg.into()))
}

/// Parses the words after `aws`.
pub fn parse(words: &[Word], host: &dyn Host) -> Result<Invocation, UsageError> {
    let Some(service) = words.first() else {
        return err("the following arguments are required: command (try: help aws)");
    };
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
    let mut region = None;
    let mut i = 2;
    let rest = &words[2..];
    if rest.first().is_some_and(|w| w.text == "help" && !w.quoted) {
        return Ok(Invocation { operation, params, region, help: true });
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
        match opt {
            "region" => {
                region = Some(single(opt, &values)?.to_string());
                continue;
            }
            "output" => {
                let v = single(opt, &values)?;
                if v != "json" {
                    return err(format!("argument --output: rootsim prints JSON only, not '{v}'"));
                }
                continue;
            }
            "no-cli-pager" | "no-paginate" => continue,
            _ => {}
        }
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
    Ok(Invocation { operation, params, region, help: false })
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
            UsageError(format!("Error parsing parameter '--{opt}': Unable to load paramfile {text}: {e}"))
        }),
        None => Ok(text.to_string()),
    }
}

fn parse_json(opt: &str, text: &str) -> Result<Value, UsageError> {
    serde_json::from_str(text).map_err(|e| {
        UsageError(format!(
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
                .map_err(|_| UsageError(format!("argument --{opt}: invalid int value: '{v}'")))
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
                    return err(format!("Error parsing parameter '--{opt}': expected a list of strings"));
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
    for (n, pair) in text.split(',').enumerate() {
        let Some((k, v)) = pair.split_once('=') else {
            return err(format!(
                "Error parsing parameter '--{opt}': Expected: '=', received: end of input for input: {text} (item {} '{pair}')",
                n + 1
            ));
        };
        if k.is_empty() {
            return err(format!("Error parsing parameter '--{opt}': empty key in '{pair}'"));
        }
        out.insert(k.to_string(), Value::String(v.to_string()));
    }
    Ok(out)
}
