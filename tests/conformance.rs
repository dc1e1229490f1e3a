//! Conformance against AWS's own service models (issue 17, point 4): botocore's `service-2.json`
//! of every modelled service, vendored in `data/botocore/` (refreshed by `data/botocore/refresh.sh`).
//!
//! For every operation in rootsim's tables (`rootsim_model::registry`):
//! - its CLI name is botocore's operation name kebab-cased as awscli's `xform_name` does;
//! - every parameter is a member of the input shape, with a compatible type;
//! - its required flags are exactly the model's `required` list, give or take the members the AWS
//!   CLI's customizations add or make optional ([`CLI_REQUIRED`]);
//! - every key rootsim prints is a member of the output shape, recursively, and every error code it
//!   answers is in the service's model or among AWS's documented common errors
//!   (`tests/fixtures/aws-common-errors.txt`). Both are read from the reviewed transcripts of every
//!   scenario (`tests/snapshots/*.snap`, which the `scenarios` binary checks against a fresh run of
//!   each `scenarios/**/*.rsim`), so whatever a scenario prints is checked; and from running every
//!   operation that needs no option in the demo world through `Session::run`.
//!
//! Drift fails with a precise list. What rootsim knowingly does otherwise today is in [`KNOWN`],
//! each entry with its reason; an entry that no longer differs fails too, so the list only shrinks.

use rootsim_model::registry;
use rootsim_model::service::{kebab, Shape};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The workspace root.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// botocore's folder of a service named as the CLI names it.
fn model_dir(service: &str) -> &str {
    match service {
        "s3api" => "s3",
        other => other,
    }
}

/// The vendored model of `service`, inflated and parsed.
fn model(service: &str) -> Value {
    let path = root().join("data/botocore").join(model_dir(service)).join("service-2.json.gz");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // gzip (RFC 1952) as refresh.sh writes it (`gzip -9n`): a 10-byte header, raw deflate, CRC and size.
    assert_eq!(&bytes[..4], &[0x1f, 0x8b, 8, 0], "{}: not a plain gzip file", path.display());
    let text = miniz_oxide::inflate::decompress_to_vec(&bytes[10..bytes.len() - 8]).expect("inflates");
    serde_json::from_slice(&text).expect("a JSON model")
}

/// awscli's `xform_name` (botocore.utils): `ListMFADevices` -> `list-mfa-devices`. Written from
/// its documented behaviour: a dash before an upper-case letter that follows a lower-case letter
/// or digit, and before the last capital of a run of capitals followed by a lower-case letter.
fn xform_name(name: &str) -> String {
    let c: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for i in 0..c.len() {
        if i > 0 && c[i].is_ascii_uppercase() {
            let after_lower = c[i - 1].is_ascii_lowercase() || c[i - 1].is_ascii_digit();
            let ends_run = c[i - 1].is_ascii_uppercase() && c.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if after_lower || ends_run {
                out.push('-');
            }
        }
        out.push(c[i].to_ascii_lowercase());
    }
    out
}

/// Members whose required flag the AWS CLI changes over the model, with the awscli source that
/// does it: `(service, operation, member, required on the CLI)`.
const CLI_REQUIRED: &[(&str, &str, &str, bool)] = &[
    // awscli/customizations/iamvirtmfa.py adds both options, required, to create-virtual-mfa-device.
    ("iam", "CreateVirtualMFADevice", "Outfile", true),
    ("iam", "CreateVirtualMFADevice", "BootstrapMethod", true),
    // awscli/customizations/argrename.py renames sns subscribe's Endpoint; the model has it optional.
    ("sns", "Subscribe", "NotificationEndpoint", false),
    // awscli/customizations/streamingoutputarg.py adds get-object's positional outfile, required.
    ("s3api", "GetObject", "outfile", true),
    // awscli/customizations/awslambda.py makes create-function's --code optional and adds
    // --zip-file, hoisted into Code.ZipFile.
    ("lambda", "CreateFunction", "Code", false),
    ("lambda", "CreateFunction", "ZipFile", false),
];

/// What rootsim knowingly prints otherwise today (keys, values, error codes), each with its
/// reason (issue 17): none left. Entries would be prefixes of the test's lines.
const KNOWN_PRINTED: &[(&str, &str)] = &[];

/// Values AWS itself answers outside its model's enum, with where that is seen: rootsim answers
/// them as AWS does.
const BEYOND_ENUM: &[(&str, &str)] = &[
    // IAM's simulator answers "IAM Policy" for an identity or custom policy, as the AWS CLI's
    // examples of simulate-custom-policy and simulate-principal-policy show
    // (https://docs.aws.amazon.com/cli/latest/reference/iam/simulate-custom-policy.html).
    ("\"IAM Policy\" is not a value of PolicySourceType", "observed"),
];

/// What rootsim knowingly does otherwise today in its operation tables, each with its reason
/// (issue 17). The test fails when an entry no longer differs, so that this list only shrinks.
const KNOWN: &[(&str, &str)] = &[];

/// The model's type name of a member's shape.
fn kind<'m>(model: &'m Value, shape: &str) -> &'m str {
    model["shapes"][shape]["type"].as_str().unwrap_or("")
}

/// Whether a parameter read as `shape` may carry a member of the model's type `target`.
fn compatible(model: &Value, shape: Shape, target: &str) -> bool {
    let t = kind(model, target);
    let element = || {
        let m = model["shapes"][target]["member"]["shape"].as_str().unwrap_or("");
        kind(model, m).to_string()
    };
    match shape {
        // Timestamps are typed as strings on the command line.
        Shape::String => matches!(t, "string" | "timestamp"),
        Shape::Document => t == "string",
        Shape::Integer => matches!(t, "integer" | "long"),
        Shape::Boolean => t == "boolean",
        Shape::StringList => t == "list" && element() == "string",
        // SQS and some others model tags as a map; SNS, IAM and Organizations as a list of structures.
        Shape::Tags => (t == "list" && element() == "structure") || t == "map",
        Shape::Structure(_) => matches!(t, "structure" | "map"),
        Shape::StructureList(_) => t == "list" && element() == "structure",
        Shape::Blob | Shape::BlobValue => t == "blob",
        Shape::Map => t == "map",
    }
}

/// The operation-table problems: names, parameters, types and required flags.
fn table_problems() -> Vec<String> {
    let mut problems = Vec::new();
    for service in registry::services() {
        let model = model(service);
        for op in registry::operations(service) {
            let Some(spec) = model["operations"].get(op.name) else {
                problems.push(format!("{service} {}: not an operation of the model", op.name));
                continue;
            };
            if op.cli_name() != xform_name(op.name) {
                problems.push(format!(
                    "{service} {}: CLI name {} but awscli's is {}",
                    op.name,
                    op.cli_name(),
                    xform_name(op.name)
                ));
            }
            let input = spec["input"]["shape"].as_str().unwrap_or("");
            let members = model["shapes"][input]["members"].as_object().cloned().unwrap_or_default();
            let required: BTreeSet<String> = model["shapes"][input]["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).map(xform_name).collect())
                .unwrap_or_default();
            for p in op.params {
                let option = kebab(p.name);
                let cli = CLI_REQUIRED.iter().find(|c| c.0 == service && c.1 == op.name && c.2 == p.name);
                let member = members.iter().find(|(k, _)| xform_name(k) == option);
                match (member, cli) {
                    (None, None) => {
                        problems.push(format!("{service} {} --{option}: not a member of {input}", op.name));
                        continue;
                    }
                    (Some((_, m)), _) => {
                        let target = m["shape"].as_str().unwrap_or("");
                        if !compatible(&model, p.shape, target) {
                            problems.push(format!(
                                "{service} {} --{option}: read as {:?} but the model's {target} is {}",
                                op.name,
                                shape_name(p.shape),
                                kind(&model, target)
                            ));
                        }
                    }
                    (None, Some(_)) => {}
                }
                let expected = cli.map_or_else(|| required.contains(&option), |c| c.3);
                if p.required != expected {
                    problems.push(format!(
                        "{service} {} --{option}: required is {} but the model says {}",
                        op.name, p.required, expected
                    ));
                }
            }
            for r in &required {
                let overridden = CLI_REQUIRED.iter().any(|c| c.0 == service && c.1 == op.name && xform_name(c.2) == *r);
                if !overridden && !op.params.iter().any(|p| kebab(p.name) == *r) {
                    problems
                        .push(format!("{service} {} --{r}: required by the model, missing from the table", op.name));
                }
            }
        }
    }
    problems
}

/// A short name of a parameter shape for messages.
fn shape_name(shape: Shape) -> &'static str {
    match shape {
        Shape::String => "string",
        Shape::Integer => "integer",
        Shape::Boolean => "boolean",
        Shape::StringList => "list of strings",
        Shape::Document => "document",
        Shape::Tags => "tags",
        Shape::Structure(_) => "structure",
        Shape::StructureList(_) => "list of structures",
        Shape::Blob => "blob",
        Shape::BlobValue => "blob (base64)",
        Shape::Map => "map",
    }
}

/// One AWS command of a transcript: the service, the operation, and what it printed.
struct Printed {
    /// Snapshot file and line, for messages.
    place: String,
    service: String,
    op: String,
    /// Whether the JSON printed is the whole response (no `--query`, JSON output).
    whole_json: bool,
    output: Vec<String>,
}

/// The AWS commands of every reviewed scenario transcript.
fn transcripts() -> Vec<Printed> {
    let dir = root().join("tests/snapshots");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/snapshots is readable")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "snap"))
        .collect();
    files.sort();
    let services = registry::services();
    let mut out: Vec<Printed> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let name = file.file_name().unwrap_or_default().to_string_lossy().to_string();
        let mut current: Option<Printed> = None;
        for (n, line) in text.lines().enumerate() {
            let prompt = line.starts_with('[') && line.contains("] $ ");
            if prompt {
                out.extend(current.take());
                let command = &line[line.find("] $ ").unwrap_or(0) + 4..];
                let words: Vec<&str> = command.split_whitespace().collect();
                if words.first() != Some(&"aws") {
                    continue;
                }
                let Some(at) = words.iter().position(|w| services.contains(w)) else { continue };
                let Some(cli) = words.get(at + 1) else { continue };
                let Some(op) = registry::find(words[at], cli) else { continue };
                let whole_json = !command.contains("--query")
                    && !command.contains("--output")
                    && !command.contains("--generate-cli-skeleton")
                    && !command.contains("--profile");
                current = Some(Printed {
                    place: format!("{name}:{}", n + 1),
                    service: words[at].to_string(),
                    op: op.name.to_string(),
                    whole_json,
                    output: Vec::new(),
                });
            } else if let Some(c) = current.as_mut() {
                c.output.push(line.to_string());
            }
        }
        out.extend(current);
    }
    out
}

/// The JSON object a command printed first, if its output starts with one.
fn printed_json(p: &Printed) -> Option<Value> {
    if p.output.first().map(String::as_str) != Some("{") {
        return None;
    }
    let end = p.output.iter().position(|l| l == "}")?;
    serde_json::from_str(&p.output[..=end].join("\n")).ok()
}

/// Walks `value` against the model's `shape`, pushing every key that is not a member.
fn walk(model: &Value, shape: &str, value: &Value, path: &str, found: &mut BTreeSet<String>) {
    let spec = &model["shapes"][shape];
    match (spec["type"].as_str().unwrap_or(""), value) {
        ("structure", Value::Object(map)) => {
            let members = spec["members"].as_object();
            for (k, v) in map {
                match members.and_then(|m| m.get(k)) {
                    Some(m) => walk(model, m["shape"].as_str().unwrap_or(""), v, &format!("{path}.{k}"), found),
                    None => {
                        found.insert(format!("{path}.{k}: not a member of {shape}"));
                    }
                }
            }
        }
        ("string", Value::String(text)) => {
            // An enum's value must be one of the model's (e.g. PermissionsBoundaryPolicy).
            if let Some(values) = spec["enum"].as_array() {
                let beyond = BEYOND_ENUM.iter().any(|b| b.0 == format!("{text:?} is not a value of {shape}"));
                if !values.iter().any(|v| v == text) && !beyond {
                    found.insert(format!("{path}: {text:?} is not a value of {shape}"));
                }
            }
        }
        ("list", Value::Array(items)) => {
            let member = spec["member"]["shape"].as_str().unwrap_or("");
            for v in items {
                walk(model, member, v, &format!("{path}[]"), found);
            }
        }
        ("map", Value::Object(map)) => {
            let v_shape = spec["value"]["shape"].as_str().unwrap_or("");
            for v in map.values() {
                walk(model, v_shape, v, &format!("{path}.*"), found);
            }
        }
        _ => {}
    }
}

/// Output keys that are not members of the operation's output shape, and error codes that are
/// neither in the service's model nor among AWS's documented common errors.
fn printed_problems() -> (Vec<String>, usize, usize) {
    let common = std::fs::read_to_string(root().join("tests/fixtures/aws-common-errors.txt")).expect("readable");
    let documented: BTreeSet<(String, String)> = common
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once(' ').map(|(s, c)| (s.to_string(), c.trim().to_string())))
        .collect();
    let mut models: BTreeMap<String, Value> = BTreeMap::new();
    let mut found = BTreeSet::new();
    let (mut outputs, mut errors) = (0, 0);
    for p in transcripts() {
        let model = models.entry(p.service.clone()).or_insert_with(|| model(&p.service));
        let errors_of_model: BTreeSet<String> = model["shapes"]
            .as_object()
            .map(|s| {
                s.iter()
                    .filter(|(_, v)| v["exception"].as_bool() == Some(true))
                    .flat_map(|(k, v)| [Some(k.clone()), v["error"]["code"].as_str().map(str::to_string)])
                    .flatten()
                    .collect()
            })
            .unwrap_or_default();
        for line in &p.output {
            let Some(rest) = line.strip_prefix("An error occurred (") else { continue };
            let Some((code, _)) = rest.split_once(')') else { continue };
            errors += 1;
            let known = errors_of_model.contains(code)
                || documented.contains(&("*".to_string(), code.to_string()))
                || documented.contains(&(p.service.clone(), code.to_string()));
            if !known {
                found.insert(format!(
                    "{} {}: error {code} is not in the model nor documented ({})",
                    p.service, p.op, p.place
                ));
            }
        }
        if p.whole_json {
            if let Some(json) = printed_json(&p) {
                outputs += 1;
                let shape = model["operations"][&p.op]["output"]["shape"].as_str().unwrap_or("").to_string();
                let mut keys = BTreeSet::new();
                walk(model, &shape, &json, "", &mut keys);
                // The AWS CLI adds `NextToken` to a paginated operation's answer cut by
                // --max-items (awscli's paginate.py): not a member of the API's output.
                if rootsim_model::pages::paginator(&p.service, &p.op).is_some() {
                    keys.remove(&format!(".NextToken: not a member of {shape}"));
                }
                for k in keys {
                    found.insert(format!("{} {} {k}", p.service, p.op));
                }
            }
        }
    }
    (found.into_iter().collect(), outputs, errors)
}

/// Splits problems into the unexpected ones and the known entries that no longer differ.
fn against_known(problems: &[String], known: &[(&'static str, &str)]) -> (Vec<String>, Vec<&'static str>) {
    let unexpected = problems.iter().filter(|p| !known.iter().any(|k| p.starts_with(k.0))).cloned().collect();
    let stale = known.iter().filter(|k| !problems.iter().any(|p| p.starts_with(k.0))).map(|k| k.0).collect();
    (unexpected, stale)
}

#[test]
fn xform_name_kebab_cases_as_awscli() {
    // Expected values are the AWS CLI's own command names (aws iam help, aws kms help).
    assert_eq!(xform_name("ListMFADevices"), "list-mfa-devices");
    assert_eq!(xform_name("CreateSAMLProvider"), "create-saml-provider");
    assert_eq!(xform_name("GetKeyPolicy"), "get-key-policy");
    assert_eq!(xform_name("ListObjectsV2"), "list-objects-v2");
    assert_eq!(xform_name("trailNameList"), "trail-name-list");
}

#[test]
fn every_operation_matches_its_botocore_model() {
    let problems = table_problems();
    let (unexpected, stale) = against_known(&problems, KNOWN);
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "{} differences from the botocore models:\n{}\nknown entries that no longer differ (remove them): {stale:?}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

#[test]
fn every_printed_key_and_error_code_is_in_the_models() {
    let (problems, outputs, errors) = printed_problems();
    // The transcripts are found and read: an empty walk would pass vacuously.
    assert!(outputs >= 100, "only {outputs} whole JSON responses found in tests/snapshots");
    assert!(errors >= 100, "only {errors} AWS error lines found in tests/snapshots");
    let (unexpected, stale) = against_known(&problems, KNOWN_PRINTED);
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "{} printed keys or error codes outside the botocore models:\n{}\nknown entries that no longer differ (remove them): {stale:?}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

#[test]
fn the_walk_finds_a_key_outside_the_shape_and_a_value_outside_an_enum() {
    // The checker itself can fail: a made-up key in IAM's GetUser answer is reported, a real one not.
    let iam = model("iam");
    let mut found = BTreeSet::new();
    let json: Value = serde_json::json!({"User": {"UserName": "bob", "Nickname": "b"}});
    walk(&iam, "GetUserResponse", &json, "", &mut found);
    assert_eq!(found.into_iter().collect::<Vec<_>>(), [".User.Nickname: not a member of User"]);
    let mut found = BTreeSet::new();
    let json = serde_json::json!({"User": {"PermissionsBoundary": {"PermissionsBoundaryType": "Policy"}}});
    walk(&iam, "GetUserResponse", &json, "", &mut found);
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        [".User.PermissionsBoundary.PermissionsBoundaryType: \"Policy\" is not a value of PermissionsBoundaryAttachmentType"]
    );
}

#[test]
fn every_call_without_required_options_answers_its_output_shape() {
    // Beyond the scenarios: every operation that needs no option, run as alice (an administrator)
    // in the demo world through Session::run, its whole answer walked against the model.
    let mut session = rootsim_model::Session::demo(rootsim_model::DEFAULT_SEED);
    let mut models: BTreeMap<&str, Value> = BTreeMap::new();
    let (mut answered, mut found) = (0, BTreeSet::new());
    for op in registry::all().filter(|o| !o.params.iter().any(|p| p.required)) {
        let out = session.run(&format!("aws {} {}", op.service, op.cli_name()));
        let Some(json) = out.json.as_ref() else { continue };
        answered += 1;
        let model = models.entry(op.service).or_insert_with(|| model(op.service));
        let shape = model["operations"][op.name]["output"]["shape"].as_str().unwrap_or("").to_string();
        let mut keys = BTreeSet::new();
        walk(model, &shape, json, "", &mut keys);
        found.extend(keys.into_iter().map(|k| format!("{} {} {k}", op.service, op.name)));
    }
    assert!(answered >= 20, "only {answered} calls answered");
    let found: Vec<String> = found.into_iter().collect();
    let (unexpected, _) = against_known(&found, KNOWN_PRINTED);
    assert!(unexpected.is_empty(), "{} keys outside the botocore models:\n{}", unexpected.len(), unexpected.join("\n"));
}
