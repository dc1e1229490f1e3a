//! How the CLI renders JSON, shared by the command layer (responses), EventBridge (the events it
//! delivers) and import (the files it writes).

use serde_json::Value;

/// JSON as the AWS CLI prints it: four-space indentation.
pub fn to_cli_json(value: &Value) -> String {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    serde::Serialize::serialize(value, &mut ser).expect("JSON values always serialize");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}
