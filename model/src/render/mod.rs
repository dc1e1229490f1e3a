//! How the AWS CLI prints: the JSON shared by the command layer (responses), EventBridge (the
//! events it delivers) and import (the files it writes), and the other `--output` formats
//! (`text`, `table`, `yaml`, `yaml-stream`) and `--query`, which the command layer applies to a
//! response as the CLI does (the query to the whole response, then the formatter to its result).
//!
//! Each formatter reproduces AWS CLI v2's bytes; the unit tests' expectations were produced by the
//! CLI's own formatters (see each module).

pub mod python;
pub mod query;
pub mod table;
pub mod text;
pub mod yaml;

use serde_json::Value;

/// JSON as the AWS CLI prints it: four-space indentation.
pub fn to_cli_json(value: &Value) -> String {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    serde::Serialize::serialize(value, &mut ser).expect("JSON values always serialize");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// A value of `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `json` (the default).
    Json,
    /// `text`: tab-separated lines.
    Text,
    /// `table`: boxes titled by the operation's name.
    Table,
    /// `yaml`.
    Yaml,
    /// `yaml-stream`: YAML, each page one item of a list.
    YamlStream,
}

impl Output {
    /// The names `--output` accepts, in the order the CLI lists them.
    pub const NAMES: [&'static str; 5] = ["json", "text", "table", "yaml", "yaml-stream"];

    /// The format named `name`, if any.
    pub fn parse(name: &str) -> Option<Output> {
        Some(match name {
            "json" => Output::Json,
            "text" => Output::Text,
            "table" => Output::Table,
            "yaml" => Output::Yaml,
            "yaml-stream" => Output::YamlStream,
            _ => return None,
        })
    }
}

/// A response as the CLI prints it in `format`, without the last line break; `title` is the
/// operation's API name (`ListUsers`), which titles a table. `value` is what remains after
/// `--query`; an operation without a response is the empty object, which prints nothing.
pub fn format(value: &Value, output: Output, title: &str) -> String {
    let mut out = match output {
        Output::Json if is_empty_object(value) => String::new(),
        Output::Json => to_cli_json(value),
        Output::Text => text::format(value),
        Output::Table => table::format(value, title),
        Output::Yaml if is_empty_object(value) => String::new(),
        Output::Yaml => yaml::format(value),
        Output::YamlStream => yaml::format(&Value::Array(vec![value.clone()])),
    };
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

fn is_empty_object(value: &Value) -> bool {
    value.as_object().is_some_and(|m| m.is_empty())
}

/// A scalar as Python's `str()` writes it, which the text and table formatters use: `True`,
/// `None`, numbers as JSON writes them; lists and objects as Python's `repr` of them.
pub(crate) fn py_str(value: &Value) -> String {
    python::str_of(value)
}

/// Whether the CLI's formatters treat `value` as a scalar (neither a list nor an object).
pub(crate) fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_responses_print_nothing_in_json_and_yaml() {
        assert_eq!(format(&json!({}), Output::Json, "X"), "");
        assert_eq!(format(&json!({}), Output::Yaml, "X"), "");
        assert_eq!(format(&json!(null), Output::Json, "X"), "null");
        assert_eq!(format(&json!([]), Output::Json, "X"), "[]");
    }
}
