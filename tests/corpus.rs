//! A corpus of policy decisions taken from AWS's own documentation, replayed against the engine.
//!
//! Every `tests/corpus/*.jsonl` file holds one JSON object a line, in the request format of
//! `rootsim eval` (`docs/eval.md`), plus three fields of its own:
//!
//! * `"expect": {"decision": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied", "decidedBy": [layers]}`,
//!   the answer AWS's documentation gives, with the layer(s) that decide it;
//! * `"source"`: the `docs.aws.amazon.com` page the case comes from;
//! * `"rule"`: one sentence on what the case shows (and, where AWS is ambiguous, which reading the
//!   simulator takes).
//!
//! Lines holding `{"define": {...}}` name shared documents for the cases below them in the same
//! file (`"@Name"` in a policy slot), exactly as `rootsim eval` reads them. Blank lines and lines
//! starting with `//` are skipped.
//!
//! The test evaluates every case with [`rootsim_model::eval::Evaluator`] (one per file) and fails
//! listing every mismatch as `file:line: id: expected X by [layers], got Y by [layers]: <explanation>`.

use rootsim_model::eval::Evaluator;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Fields of a corpus case that are not part of the eval request.
const CASE_ONLY: [&str; 3] = ["expect", "source", "rule"];

/// The smallest corpus we accept: fewer cases means a file went missing.
const MIN_CASES: usize = 60;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    files
}

/// `["scp", "identity"]` from a JSON list of layer names (anything else is shown as it is).
fn layers(v: &Value) -> String {
    match v.as_array() {
        Some(items) => {
            let names: Vec<String> =
                items.iter().map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_string)).collect();
            format!("[{}]", names.join(", "))
        }
        None => v.to_string(),
    }
}

/// One case of a corpus file.
struct Case {
    line: usize,
    id: String,
    /// The case as written, `expect`, `source` and `rule` included.
    case: Value,
}

/// Reads a file's cases; definitions go straight to `ev`. Malformed lines are problems.
fn read_cases(path: &Path, ev: &mut Evaluator, problems: &mut Vec<String>) -> Vec<Case> {
    let text = std::fs::read_to_string(path).expect("corpus file is readable");
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let mut cases = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        let case: Value = match serde_json::from_str(trimmed) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("{name}:{line_no}: not JSON: {e}"));
                continue;
            }
        };
        if case.get("define").is_some() {
            let mut out = Vec::new();
            if ev.run(trimmed, &mut out) != 0 {
                problems.push(format!("{name}:{line_no}: bad definitions: {}", String::from_utf8_lossy(&out)));
            }
            continue;
        }
        let id = match case.get("id") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(v @ Value::Number(_)) => v.to_string(),
            _ => {
                problems.push(format!("{name}:{line_no}: the case has no id"));
                format!("<line {line_no}>")
            }
        };
        let source = case.get("source").and_then(Value::as_str).unwrap_or("");
        if !source.starts_with("https://docs.aws.amazon.com/") {
            problems.push(format!("{name}:{line_no}: {id}: source must be a docs.aws.amazon.com URL, got {source:?}"));
        }
        if case.get("rule").and_then(Value::as_str).is_none_or(str::is_empty) {
            problems.push(format!("{name}:{line_no}: {id}: the case has no rule"));
        }
        cases.push(Case { line: line_no, id, case });
    }
    cases
}

/// The eval request inside a case: the case without its own fields.
fn request_of(case: &Value) -> String {
    let mut req = case.clone();
    if let Some(obj) = req.as_object_mut() {
        for key in CASE_ONLY {
            obj.remove(key);
        }
    }
    req.to_string()
}

/// Checks one case; `Some(message)` on a mismatch.
fn check(name: &str, c: &Case, ev: &mut Evaluator) -> Option<String> {
    let answer = ev.answer(&request_of(&c.case));
    let here = format!("{name}:{}: {}", c.line, c.id);
    if let Some(err) = answer.get("error") {
        return Some(format!("{here}: the request was not evaluated: {err}"));
    }
    let Some(expect) = c.case.get("expect") else {
        return Some(format!("{here}: the case has no expect"));
    };
    let (want, want_by) = (&expect["decision"], &expect["decidedBy"]);
    let (got, got_by) = (&answer["decision"], &answer["decidedBy"]);
    if want.is_null() || want_by.is_null() {
        return Some(format!("{here}: expect needs decision and decidedBy"));
    }
    (want != got || want_by != got_by).then(|| {
        format!(
            "{here}: expected {} by {}, got {} by {}: {}",
            want.as_str().unwrap_or("?"),
            layers(want_by),
            got.as_str().unwrap_or("?"),
            layers(got_by),
            answer["explanation"].as_str().unwrap_or("")
        )
    })
}

#[test]
fn every_documented_decision_holds() {
    let files = corpus_files();
    assert!(!files.is_empty(), "no tests/corpus/*.jsonl files");
    let mut problems = Vec::new();
    let mut total = 0;
    let mut ids = std::collections::HashSet::new();
    for path in &files {
        let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let mut ev = Evaluator::new();
        let cases = read_cases(path, &mut ev, &mut problems);
        total += cases.len();
        for c in &cases {
            if !ids.insert(c.id.clone()) {
                problems.push(format!("{name}:{}: {}: the id is used twice", c.line, c.id));
            }
            problems.extend(check(&name, c, &mut ev));
        }
    }
    if total < MIN_CASES {
        problems.push(format!("the corpus has {total} cases, expected at least {MIN_CASES}"));
    }
    assert!(problems.is_empty(), "{} corpus problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn case_fields_are_stripped_before_evaluation() {
    let case: Value = serde_json::json!({
        "id": "x", "principal": "arn:aws:iam::111122223333:root", "action": "s3:GetObject", "resource": "*",
        "expect": {"decision": "Allowed", "decidedBy": ["root"]}, "source": "https://docs.aws.amazon.com/", "rule": "r"
    });
    let answer = Evaluator::new().answer(&request_of(&case));
    assert_eq!(answer["decision"], "Allowed", "{answer}");
}
