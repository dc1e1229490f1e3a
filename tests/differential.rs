//! Differential test of the policy engine against an independent reference evaluator.
//!
//! Random requests with random policies in every layer (generators in
//! `reference/cases.rs`: users, role sessions, federated users, root users, service principals
//! and anonymous callers; policy variables and 2008-10-17 documents; set operators over
//! multi-valued keys; `NotPrincipal`; account, role, session and service grants, in one account
//! or across two) are decided by the engine (`rootsim_model::policy::evaluate`, with the
//! principal read by `rootsim_model::eval::principal_from` as `rootsim eval` reads it) and by
//! the reference (`reference/mod.rs`, written from AWS's documentation without reading the
//! engine). They must agree on the outcome; for a deny, on the layer(s) that decided:
//!
//! * explicit deny: the same set of layers holding an applicable `Deny`;
//! * implicit deny: the engine's one layer must be one the reference could blame, and for
//!   SCPs/RCPs the same level.
//!
//! A disagreement is shrunk by proptest, then saved as `tests/corpus/found/<hash>.json`: a
//! one-element array holding a `rootsim eval` request (docs/eval.md) whose `id` holds both
//! answers, so it can be read, and replayed with `rootsim eval <file>`. Every saved case is
//! replayed by `saved_disagreements_now_agree`, so a case stays evidence after the reference was
//! fixed. Cases that showed an engine bug carry an `"engineBug"` note in their `id` (added by
//! hand once the documentation said the engine was wrong) and are replayed by
//! `saved_engine_bugs_now_fixed`.
//!
//! `cargo test -p rootsim-tests --test all -- differential::` runs 10,000 cases; the `#[ignore]`d
//! `engine_agrees_with_reference_1m` runs 1,000,000 (add `--ignored`, best in release).

use crate::reference::cases::{case, Case, Inputs};
use crate::reference::Verdict;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use rootsim_model::policy::{Decision, Layer, Outcome};
use serde_json::{json, Value};
use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/found")
}

/// Why the engine and the reference disagree, or `None` when they agree.
fn disagreement(engine: &Decision, reference: &Verdict) -> Option<String> {
    if engine.outcome != reference.outcome {
        return Some(format!("outcome: engine {:?}, reference {:?}", engine.outcome, reference.outcome));
    }
    let sorted = |v: &[Layer]| {
        let mut v: Vec<&str> = v.iter().map(|l| l.as_str()).collect();
        v.sort_unstable();
        v
    };
    match engine.outcome {
        Outcome::Allowed => None,
        Outcome::ExplicitlyDenied => (sorted(&engine.decided_by) != sorted(&reference.layers))
            .then(|| format!("deny layers: engine {:?}, reference {:?}", engine.decided_by, reference.layers)),
        Outcome::ImplicitlyDenied => {
            let blamed = match engine.decided_by.as_slice() {
                [one] => *one,
                many => return Some(format!("implicit deny blames {many:?}, not one layer")),
            };
            if !reference.layers.contains(&blamed) {
                return Some(format!("implicit deny: engine blames {blamed:?}, reference {:?}", reference.layers));
            }
            let levelled = matches!(blamed, Layer::Scp | Layer::Rcp);
            (levelled && engine.level != reference.level)
                .then(|| format!("level: engine {:?}, reference {:?}", engine.level, reference.level))
        }
    }
}

/// Saves a disagreement as a replayable `rootsim eval` request; returns the file.
fn save(case: &Case, engine: &Decision, reference: &Verdict, why: &str) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut request = case.to_eval_request();
    let text = request.to_string();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    let hash = format!("{:016x}", h.finish());
    request["id"] = json!({
        "case": hash,
        "why": why,
        "engine": engine.to_json(),
        "reference": reference.to_json(),
    });
    let dir = corpus_dir();
    std::fs::create_dir_all(&dir).expect("corpus folder");
    let path = dir.join(format!("{hash}.json"));
    // A one-element array: `rootsim eval` reads a JSON array of requests, and the case stays
    // readable pretty-printed (it does not read a multi-line object).
    let text = serde_json::to_string_pretty(&json!([request])).expect("JSON") + "\n";
    std::fs::write(&path, text).expect("write case");
    path
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let inputs = case.inputs();
    let engine = inputs.engine();
    let reference = inputs.reference();
    match disagreement(&engine, &reference) {
        None => Ok(()),
        Some(why) => Err(TestCaseError::fail(why)),
    }
}

/// Runs `cases` generated cases; on a disagreement saves the shrunk case and fails.
fn run(cases: u32) {
    let config = Config {
        cases,
        // The corpus is the record of failures; proptest's own seed file is not needed.
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    match runner.run(&case(), |c| check(&c)) {
        Ok(()) => {}
        Err(TestError::Fail(why, minimal)) => {
            let inputs = minimal.inputs();
            let path = save(&minimal, &inputs.engine(), &inputs.reference(), why.message());
            panic!(
                "engine and reference disagree ({why}); case saved to {}\n{}",
                path.display(),
                serde_json::to_string_pretty(&minimal.to_eval_request()).unwrap_or_default()
            );
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn engine_agrees_with_reference() {
    run(10_000);
}

#[test]
#[ignore = "a million cases: run with --ignored, preferably in release"]
fn engine_agrees_with_reference_1m() {
    run(1_000_000);
}

/// Replays the saved cases: those marked as engine bugs (`"engineBug"` in their `id`) when
/// `engine_bugs` is true, the others otherwise.
fn replay_saved(engine_bugs: bool) {
    let Ok(entries) = std::fs::read_dir(corpus_dir()) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable case");
        let saved: Value = serde_json::from_str(&text).expect("a JSON case");
        let request = saved.get(0).unwrap_or(&saved);
        if request["id"].get("engineBug").is_some() != engine_bugs {
            continue;
        }
        let inputs = Inputs::from_eval_request(request);
        let (engine, reference) = (inputs.engine(), inputs.reference());
        if let Some(why) = disagreement(&engine, &reference) {
            panic!("{}: still disagree: {why}", path.display());
        }
    }
}

/// Every saved disagreement that was the reference's mistake is decided the same way by both
/// evaluators now.
#[test]
fn saved_disagreements_now_agree() {
    replay_saved(false);
}

/// The saved cases that showed engine bugs (NotPrincipal and role sessions; a boundary given
/// for a service caller) are decided as AWS documents now.
#[test]
fn saved_engine_bugs_now_fixed() {
    replay_saved(true);
}

/// The generators produce every outcome often enough for agreement to mean something.
#[test]
fn generated_cases_cover_every_outcome() {
    let mut runner = TestRunner::new(Config { cases: 2_000, failure_persistence: None, ..Config::default() });
    let mut counts = std::collections::HashMap::new();
    let strategy = case();
    for _ in 0..2_000 {
        use proptest::strategy::{Strategy, ValueTree};
        let c = strategy.new_tree(&mut runner).expect("a case").current();
        let d = c.inputs().engine();
        let key = match d.outcome {
            Outcome::ImplicitlyDenied => format!("implicit/{}", d.decided_by.first().map_or("-", |l| l.as_str())),
            other => format!("{other:?}"),
        };
        *counts.entry(key).or_insert(0u32) += 1;
    }
    eprintln!("outcomes over 2,000 cases: {counts:?}");
    for needed in ["Allowed", "ExplicitlyDenied", "implicit/identity", "implicit/scp", "implicit/resource"] {
        assert!(counts.get(needed).copied().unwrap_or(0) >= 20, "too few {needed}: {counts:?}");
    }
}
