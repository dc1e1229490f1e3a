//! The AWS CLI's whole-input options: `--cli-input-json` / `--cli-input-yaml` (the operation's
//! API parameters as one document, options on the command line overriding it) and
//! `--generate-cli-skeleton [input|yaml-input|output]` (what such a document looks like, or a
//! stubbed response). As the CLI does, both work from botocore's model of the operation, vendored
//! under `data/botocore/` and read here at first use: the skeleton is generated from the input
//! (or output) shape, and an input document is checked by botocore's parameter validation
//! (`Parameter validation failed:` with its `Missing required parameter`, `Unknown parameter`,
//! `Invalid type` and `Invalid length`/`Invalid value` lines). `cli.rs` takes the options; this
//! module owns what they mean, and the range check botocore runs on every call (`range_errors`).

use super::cli::UsageError;
use crate::service::{Operation, Shape};
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// The vendored botocore models, by the CLI's service name.
const MODELS: &[(&str, &[u8])] = &[
    ("accessanalyzer", include_bytes!("../../../data/botocore/accessanalyzer/service-2.json.gz")),
    ("account", include_bytes!("../../../data/botocore/account/service-2.json.gz")),
    ("autoscaling", include_bytes!("../../../data/botocore/autoscaling/service-2.json.gz")),
    ("cloudformation", include_bytes!("../../../data/botocore/cloudformation/service-2.json.gz")),
    ("cloudtrail", include_bytes!("../../../data/botocore/cloudtrail/service-2.json.gz")),
    ("ec2", include_bytes!("../../../data/botocore/ec2/service-2.json.gz")),
    ("ec2-instance-connect", include_bytes!("../../../data/botocore/ec2-instance-connect/service-2.json.gz")),
    ("codebuild", include_bytes!("../../../data/botocore/codebuild/service-2.json.gz")),
    ("events", include_bytes!("../../../data/botocore/events/service-2.json.gz")),
    ("glue", include_bytes!("../../../data/botocore/glue/service-2.json.gz")),
    ("iam", include_bytes!("../../../data/botocore/iam/service-2.json.gz")),
    ("kms", include_bytes!("../../../data/botocore/kms/service-2.json.gz")),
    ("lambda", include_bytes!("../../../data/botocore/lambda/service-2.json.gz")),
    ("organizations", include_bytes!("../../../data/botocore/organizations/service-2.json.gz")),
    ("s3api", include_bytes!("../../../data/botocore/s3/service-2.json.gz")),
    ("s3control", include_bytes!("../../../data/botocore/s3control/service-2.json.gz")),
    ("sagemaker", include_bytes!("../../../data/botocore/sagemaker/service-2.json.gz")),
    ("sns", include_bytes!("../../../data/botocore/sns/service-2.json.gz")),
    ("sqs", include_bytes!("../../../data/botocore/sqs/service-2.json.gz")),
    ("ssm", include_bytes!("../../../data/botocore/ssm/service-2.json.gz")),
    ("sts", include_bytes!("../../../data/botocore/sts/service-2.json.gz")),
];

static DECODED: [OnceLock<Option<Value>>; MODELS.len()] = [const { OnceLock::new() }; MODELS.len()];

/// botocore's model of `service` (the CLI's name), inflated and parsed once; `None` when it is
/// not vendored or does not decode (callers then refuse, saying so).
fn model(service: &str) -> Option<&'static Value> {
    let i = MODELS.iter().position(|(s, _)| *s == service)?;
    DECODED[i]
        .get_or_init(|| {
            let bytes = MODELS[i].1;
            // gzip (RFC 1952) as refresh.sh writes it: a plain 10-byte header, raw deflate, then
            // CRC-32 and size.
            if bytes.len() < 18 || bytes[..4] != [0x1f, 0x8b, 8, 0] {
                return None;
            }
            let text = miniz_oxide::inflate::decompress_to_vec(&bytes[10..bytes.len() - 8]).ok()?;
            serde_json::from_slice(&text).ok()
        })
        .as_ref()
}

fn unreadable(op: &Operation) -> UsageError {
    UsageError::Client(format!("(rootsim) botocore's model of {} cannot be read: nothing was done.", op.service))
}

/// The shapes of `op`'s service, and the name of its input (or output) shape, if it has one.
fn shape_of(op: &Operation, output: bool) -> Result<(&'static Map<String, Value>, Option<&'static str>), UsageError> {
    let m = model(op.service).ok_or_else(|| unreadable(op))?;
    let shapes = m.get("shapes").and_then(Value::as_object).ok_or_else(|| unreadable(op))?;
    let o = m.pointer(&format!("/operations/{}", op.name)).ok_or_else(|| unreadable(op))?;
    let name = o.pointer(if output { "/output/shape" } else { "/input/shape" }).and_then(Value::as_str);
    Ok((shapes, name))
}

/// What `--generate-cli-skeleton` prints for the input (`output` false, placeholder values: `""`,
/// an enum's first value, `0`, `0.0`, `true`, the epoch) or stubs as the response (`output` true,
/// a string is its member's name, a list's string its member shape's name).
pub fn skeleton(op: &Operation, output: bool) -> Result<Value, UsageError> {
    let (shapes, name) = shape_of(op, output)?;
    Ok(match name {
        Some(n) => generate(shapes, n, &mut Vec::new(), "", output),
        None => Value::Object(Map::new()),
    })
}

fn generate(shapes: &Map<String, Value>, shape: &str, stack: &mut Vec<String>, name: &str, names: bool) -> Value {
    let Some(s) = shapes.get(shape) else { return Value::Null };
    stack.push(shape.to_string());
    let member_shape = |m: &Value| m.get("shape").and_then(Value::as_str).unwrap_or_default().to_string();
    let value = match s.get("type").and_then(Value::as_str).unwrap_or_default() {
        // A structure met again inside itself is left empty, as the CLI's generator does.
        "structure" if stack.iter().filter(|n| *n == shape).count() > 1 => Value::Object(Map::new()),
        "structure" => {
            let mut out = Map::new();
            for (member, m) in s.get("members").and_then(Value::as_object).into_iter().flatten() {
                out.insert(member.clone(), generate(shapes, &member_shape(m), stack, member, names));
            }
            Value::Object(out)
        }
        "list" => {
            let inner = s.get("member").map(member_shape).unwrap_or_default();
            let label = if names { inner.clone() } else { String::new() };
            Value::Array(vec![generate(shapes, &inner, stack, &label, names)])
        }
        "map" => {
            let inner = s.get("value").map(member_shape).unwrap_or_default();
            let mut out = Map::new();
            out.insert("KeyName".to_string(), generate(shapes, &inner, stack, "", names));
            Value::Object(out)
        }
        "string" if names => Value::String(name.to_string()),
        "string" => match s.get("enum").and_then(|e| e.get(0)) {
            Some(first) => first.clone(),
            None => Value::String(String::new()),
        },
        "integer" | "long" => Value::from(0),
        "float" | "double" => Value::from(0.0),
        "boolean" => Value::Bool(true),
        "timestamp" => Value::String("1970-01-01T00:00:00".to_string()),
        // Blobs (and anything else) have no placeholder in the CLI's JSON skeleton.
        _ => Value::Null,
    };
    stack.pop();
    value
}

/// The type Python gives a JSON value, as botocore's messages name it.
fn py_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<class 'NoneType'>",
        Value::Bool(_) => "<class 'bool'>",
        Value::Number(n) if n.is_f64() => "<class 'float'>",
        Value::Number(_) => "<class 'int'>",
        Value::String(_) => "<class 'str'>",
        Value::Array(_) => "<class 'list'>",
        Value::Object(_) => "<class 'dict'>",
    }
}

/// botocore's parameter validation of `params` against `op`'s input shape: every error, in the
/// order botocore reports them, or none.
pub fn validate(op: &Operation, params: &Map<String, Value>) -> Result<Vec<String>, UsageError> {
    let (shapes, name) = shape_of(op, false)?;
    let mut errors = Vec::new();
    match name {
        Some(n) => check(shapes, n, &Value::Object(params.clone()), "", &mut errors),
        None if !params.is_empty() => {
            // An operation without input takes no parameter at all.
            for k in params.keys() {
                errors.push(format!("Unknown parameter in input: \"{k}\", must be one of: "));
            }
        }
        None => {}
    }
    Ok(errors)
}

/// botocore's range check, which the CLI runs on every call's parameters before it sends the
/// request (rule CLI-INPUT-JSON): a string or list shorter than its shape's `min` ("Invalid length
/// for parameter X, value: N, valid min length: M"), a number below it ("Invalid value for
/// parameter X, value: N, valid min value: M"). Only the lower bound: botocore leaves the upper
/// one to the service, whose own `ValidationError` then answers. Members the model does not know
/// are left to the operation's own checks; an operation whose model is not vendored is not
/// checked.
pub fn range_errors(op: &Operation, params: &Map<String, Value>) -> Vec<String> {
    let Ok((shapes, Some(input))) = shape_of(op, false) else { return Vec::new() };
    let Some(members) = shapes.get(input).and_then(|s| s.get("members")).and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    for (k, x) in params {
        if let Some(inner) = members.get(k).and_then(|m| m.get("shape")).and_then(Value::as_str) {
            range(shapes, inner, x, &format!(".{k}"), &mut errors);
        }
    }
    errors
}

/// [`range_errors`] below one member: its own bound, then its members' or items'.
fn range(shapes: &Map<String, Value>, shape: &str, v: &Value, name: &str, errors: &mut Vec<String>) {
    let Some(s) = shapes.get(shape) else { return };
    if let Some(e) = below_min(s, v, name.trim_start_matches('.')) {
        errors.push(e);
    }
    match (s.get("type").and_then(Value::as_str).unwrap_or_default(), v) {
        ("structure", Value::Object(o)) => {
            let members = s.get("members").and_then(Value::as_object);
            for (k, x) in o {
                if let Some(inner) = members.and_then(|m| m.get(k)).and_then(|m| m.get("shape")).and_then(Value::as_str)
                {
                    range(shapes, inner, x, &format!("{name}.{k}"), errors);
                }
            }
        }
        ("list", Value::Array(items)) => {
            let inner = s.pointer("/member/shape").and_then(Value::as_str).unwrap_or_default();
            for (i, x) in items.iter().enumerate() {
                range(shapes, inner, x, &format!("{}[{i}]", name.trim_start_matches('.')), errors);
            }
        }
        ("map", Value::Object(o)) => {
            let inner = s.pointer("/value/shape").and_then(Value::as_str).unwrap_or_default();
            for (k, x) in o {
                range(shapes, inner, x, &format!("{name}.{k}"), errors);
            }
        }
        _ => {}
    }
}

/// botocore's `range_check` for one value of shape `s`: its message when the value is a string
/// or list shorter than the shape's `min` (Python's `len`, code points), or a number below it.
fn below_min(s: &Value, v: &Value, shown: &str) -> Option<String> {
    let min = s.get("min").filter(|m| m.is_number())?;
    let min_f = min.as_f64()?;
    let length = |len: usize| {
        ((len as f64) < min_f)
            .then(|| format!("Invalid length for parameter {shown}, value: {len}, valid min length: {min}"))
    };
    match (s.get("type").and_then(Value::as_str).unwrap_or_default(), v) {
        ("string", Value::String(t)) => length(t.chars().count()),
        ("list", Value::Array(items)) => length(items.len()),
        ("integer" | "long" | "float" | "double", Value::Number(n)) => n
            .as_f64()
            .filter(|x| *x < min_f)
            .map(|_| format!("Invalid value for parameter {shown}, value: {n}, valid min value: {min}")),
        _ => None,
    }
}

fn check(shapes: &Map<String, Value>, shape: &str, v: &Value, name: &str, errors: &mut Vec<String>) {
    let Some(s) = shapes.get(shape) else { return };
    let shown = if name.is_empty() { "input" } else { name.trim_start_matches('.') };
    if let Some(e) = below_min(s, v, shown) {
        errors.push(e);
    }
    let bad = |valid: &str, errors: &mut Vec<String>| {
        errors.push(format!(
            "Invalid type for parameter {shown}, value: {}, type: {}, valid types: {valid}",
            crate::render::python::str_of(v),
            py_type(v)
        ))
    };
    // Python's bool is an int: botocore takes true where a number is wanted.
    match s.get("type").and_then(Value::as_str).unwrap_or_default() {
        _ if s.get("document").and_then(Value::as_bool) == Some(true) => {}
        "structure" => {
            let Value::Object(o) = v else { return bad("<class 'dict'>", errors) };
            let members = s.get("members").and_then(Value::as_object);
            for r in s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                if !o.contains_key(r) {
                    errors.push(format!("Missing required parameter in {shown}: \"{r}\""));
                }
            }
            let valid: Vec<&str> = members.into_iter().flat_map(|m| m.keys().map(String::as_str)).collect();
            for k in o.keys() {
                if !valid.contains(&k.as_str()) {
                    errors.push(format!("Unknown parameter in {shown}: \"{k}\", must be one of: {}", valid.join(", ")));
                }
            }
            for (k, x) in o {
                if let Some(m) = members.and_then(|m| m.get(k)) {
                    let inner = m.get("shape").and_then(Value::as_str).unwrap_or_default();
                    check(shapes, inner, x, &format!("{name}.{k}"), errors);
                }
            }
        }
        "list" => {
            let Value::Array(items) = v else { return bad("<class 'list'>, <class 'tuple'>", errors) };
            let inner = s.pointer("/member/shape").and_then(Value::as_str).unwrap_or_default();
            for (i, x) in items.iter().enumerate() {
                check(shapes, inner, x, &format!("{shown}[{i}]"), errors);
            }
        }
        "map" => {
            let Value::Object(o) = v else { return bad("<class 'dict'>", errors) };
            let inner = s.pointer("/value/shape").and_then(Value::as_str).unwrap_or_default();
            for (k, x) in o {
                check(shapes, inner, x, &format!("{name}.{k}"), errors);
            }
        }
        "string" if !v.is_string() => bad("<class 'str'>", errors),
        "integer" | "long" if !(v.is_i64() || v.is_u64() || v.is_boolean()) => bad("<class 'int'>", errors),
        "boolean" if !v.is_boolean() => bad("<class 'bool'>", errors),
        "float" | "double" if !(v.is_number() || v.is_boolean()) => {
            bad("<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>", errors)
        }
        "blob" if !v.is_string() => bad("<class 'bytes'>, <class 'bytearray'>, file-like object", errors),
        "timestamp" if !(v.is_string() || v.is_number()) => {
            bad("<class 'datetime.datetime'>, timestamp-string", errors)
        }
        _ => {}
    }
}

/// Which `--cli-input-*` option gave the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// `--cli-input-json`.
    Json,
    /// `--cli-input-yaml`.
    Yaml,
}

/// Reads the document `text` (already read from `file://`) of `--cli-input-json` or
/// `--cli-input-yaml` into the operation's parameters, as the CLI does; the CLI's own errors
/// when it is not a document or not a map.
pub fn load(format: InputFormat, text: &str) -> Result<Map<String, Value>, UsageError> {
    let value: Value = match format {
        InputFormat::Json => serde_json::from_str(text).map_err(|_| {
            UsageError::Client("Error parsing parameter 'cli-input-json': Invalid JSON received.".to_string())
        })?,
        // YAML is a superset of JSON: a document in JSON's syntax (YAML's flow style) is read;
        // block-style YAML is refused, saying so, rather than read wrongly.
        InputFormat::Yaml => super::yaml_in::parse(text).map_err(|e| match e {
            super::yaml_in::YamlError::Invalid => {
                UsageError::Client("Error parsing parameter 'cli-input-yaml': Invalid YAML received.".to_string())
            }
            super::yaml_in::YamlError::Unsupported(what) => UsageError::Client(format!(
                "(rootsim) --cli-input-yaml: rootsim does not read {what}; give the document in block style with plain or quoted scalars, or use --cli-input-json."
            )),
        })?,
    };
    let flag = match format {
        InputFormat::Json => "--cli-input-json",
        InputFormat::Yaml => "--cli-input-yaml",
    };
    match value {
        Value::Object(o) => Ok(o),
        other => Err(UsageError::Client(format!(
            "Error parsing parameter '{flag}': Invalid type: expecting map, received {}",
            py_type(&other)
        ))),
    }
}

/// Puts the document's parameters under those of the command line (which win), then checks the
/// whole as botocore does. Parameters botocore knows but rootsim does not model are refused,
/// saying so, rather than ignored. A blob given in the document is its text, taken literally.
pub fn merge(op: &Operation, params: &mut Map<String, Value>, input: Map<String, Value>) -> Result<(), UsageError> {
    let mut from_input = Vec::new();
    for (k, v) in input {
        if !params.contains_key(&k) {
            from_input.push(k.clone());
            params.insert(k, v);
        }
    }
    let errors = validate(op, params)?;
    if !errors.is_empty() {
        return Err(UsageError::Client(format!("\nParameter validation failed:\n{}", errors.join("\n"))));
    }
    for k in &from_input {
        let Some(p) = op.params.iter().find(|p| p.name == k) else {
            return Err(UsageError::Client(format!(
                "(rootsim) {k} is one of {}'s parameters that rootsim does not model: remove it from the input.",
                op.name
            )));
        };
        if p.shape == Shape::Blob {
            if let Some(Value::String(s)) = params.get(k) {
                let encoded = crate::s3::base64_encode(s.as_bytes());
                params.insert(k.clone(), Value::String(encoded));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(service: &str, name: &str) -> &'static Operation {
        crate::registry::all().find(|o| o.service == service && o.name == name).expect("an operation")
    }

    /// botocore's range check (`validate.py`'s `range_check`): minimums of strings, lists and
    /// numbers, nested members named as botocore names them; no upper bound, no unknown member.
    #[test]
    fn the_range_check_is_botocores() {
        let assume = op("sts", "AssumeRole");
        let params = json!({
            "RoleArn": "arn:aws:iam::111122223333:role/r",
            "RoleSessionName": "s",
            "DurationSeconds": 100,
            "Tags": [{"Key": "", "Value": "v"}],
            "ExternalId": "x".repeat(5000),
            "NotAMember": "",
        });
        assert_eq!(
            range_errors(assume, params.as_object().unwrap()),
            [
                "Invalid length for parameter RoleSessionName, value: 1, valid min length: 2",
                "Invalid value for parameter DurationSeconds, value: 100, valid min value: 900",
                "Invalid length for parameter Tags[0].Key, value: 0, valid min length: 1",
            ]
        );
        let fine =
            json!({"RoleArn": "arn:aws:iam::111122223333:role/r", "RoleSessionName": "ab", "DurationSeconds": 900});
        assert!(range_errors(assume, fine.as_object().unwrap()).is_empty());
        // Lengths are Python's: code points, not bytes.
        let one = json!({"RoleArn": "arn:aws:iam::111122223333:role/r", "RoleSessionName": "é"});
        assert_eq!(range_errors(assume, one.as_object().unwrap()).len(), 1);
    }

    /// Every vendored model decodes, and every operation rootsim models has a skeleton.
    #[test]
    fn every_operation_has_a_skeleton() {
        for o in crate::registry::all() {
            assert!(skeleton(o, false).is_ok(), "{} {}", o.service, o.name);
            assert!(skeleton(o, true).is_ok(), "{} {}", o.service, o.name);
        }
    }

    /// The expected skeletons were printed by the AWS CLI v2 (2.17.0) for
    /// `aws iam create-user --generate-cli-skeleton` and `aws sts get-caller-identity
    /// --generate-cli-skeleton output`, read against botocore's generator (`ArgumentGenerator`).
    #[test]
    fn skeletons_are_the_clis() {
        assert_eq!(
            skeleton(op("iam", "CreateUser"), false).unwrap(),
            json!({"Path": "", "UserName": "", "PermissionsBoundary": "", "Tags": [{"Key": "", "Value": ""}]})
        );
        assert_eq!(
            skeleton(op("sts", "GetCallerIdentity"), true).unwrap(),
            json!({"UserId": "UserId", "Account": "Account", "Arn": "Arn"})
        );
        assert_eq!(skeleton(op("sts", "GetCallerIdentity"), false).unwrap(), json!({}));
        // A list of strings is named by its member shape; an enum's placeholder is its first value.
        let keys = skeleton(op("iam", "ListAccessKeys"), true).unwrap();
        assert_eq!(keys["AccessKeyMetadata"][0]["Status"], "Status");
        assert_eq!(keys["IsTruncated"], true);
        let sts = skeleton(op("sts", "AssumeRole"), false).unwrap();
        assert_eq!(sts["DurationSeconds"], 0);
        assert_eq!(sts["PolicyArns"], json!([{"arn": ""}]));
    }

    #[test]
    fn validation_reports_as_botocore_does() {
        let create = op("iam", "CreateUser");
        let e = validate(create, json!({"Usr": "a", "Tags": [{"Key": 1}]}).as_object().unwrap()).unwrap();
        assert_eq!(
            e,
            [
                "Missing required parameter in input: \"UserName\"",
                "Unknown parameter in input: \"Usr\", must be one of: Path, UserName, PermissionsBoundary, Tags",
                "Missing required parameter in Tags[0]: \"Value\"",
                "Invalid type for parameter Tags[0].Key, value: 1, type: <class 'int'>, valid types: <class 'str'>",
            ]
        );
        assert!(validate(create, json!({"UserName": "a"}).as_object().unwrap()).unwrap().is_empty());
    }

    #[test]
    fn the_command_line_wins_and_unmodelled_members_are_refused() {
        let create = op("iam", "CreateUser");
        let mut params = json!({"UserName": "cli"}).as_object().unwrap().clone();
        merge(create, &mut params, json!({"UserName": "doc", "Path": "/x/"}).as_object().unwrap().clone()).unwrap();
        assert_eq!(Value::Object(params), json!({"UserName": "cli", "Path": "/x/"}));
        assert!(load(InputFormat::Json, "[1]").unwrap_err().text().ends_with("received <class 'list'>"));
        assert_eq!(
            load(InputFormat::Json, "{").unwrap_err().text(),
            "Error parsing parameter 'cli-input-json': Invalid JSON received."
        );
    }
}
