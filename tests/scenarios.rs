//! Every scenario under `scenarios/` passes, its transcript matches its reviewed snapshot, and
//! running it twice with the same seed prints the same transcript.

use rootsim::runner::{collect, run_file};
use rootsim_tests::scenarios_dir;

#[test]
fn every_scenario_passes_and_matches_its_snapshot() {
    let root = scenarios_dir();
    let files = collect(std::slice::from_ref(&root)).expect("scenarios/ is readable");
    assert!(files.len() >= 5, "expected the shipped scenarios, found {}", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let (script, report) = run_file(file).unwrap_or_else(|e| panic!("{e}"));
        for f in &report.failures {
            failures.push(format!("{}:{}: {}", file.display(), f.line, f.message));
        }
        let name = file
            .strip_prefix(&root)
            .expect("below scenarios/")
            .with_extension("")
            .display()
            .to_string()
            .replace('/', "__");
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, description => script.title.clone() }, {
            insta::assert_snapshot!(name, report.transcript);
        });
    }
    assert!(failures.is_empty(), "scenario assertions failed:\n{}", failures.join("\n"));
}

#[test]
fn the_same_seed_prints_the_same_transcript() {
    let files = collect(&[scenarios_dir()]).expect("scenarios/ is readable");
    for file in &files {
        let first = run_file(file).expect("runs").1.transcript;
        let second = run_file(file).expect("runs").1.transcript;
        assert_eq!(first, second, "{} is not deterministic", file.display());
    }
}

/// Every root task that rootsim can perform has a scenario that performs it (`@tasks`), and every
/// task a scenario names exists in the catalogue. Tasks rootsim cannot perform yet are listed by
/// `rootsim tasks` with a mark, and need a scenario as soon as they become performable.
#[test]
fn every_performable_root_task_has_a_scenario() {
    use rootsim::script::Script;
    use rootsim_model::tasks;
    let files = collect(&[scenarios_dir()]).expect("scenarios/ is readable");
    let mut covered = std::collections::BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        let script = Script::parse(&file.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}"));
        for t in &script.tasks {
            assert!(tasks::find(t).is_some(), "{} names the task {t}, which is not in the catalogue", file.display());
            covered.insert(t.clone());
        }
    }
    let missing: Vec<&str> =
        tasks::TASKS.iter().filter(|t| tasks::available(t) && !covered.contains(t.id)).map(|t| t.id).collect();
    assert!(missing.is_empty(), "performable root tasks without a scenario (@tasks): {missing:?}");
}

/// The rulebook and the scenarios agree: every rule of docs/rules.md has a scenario naming it in
/// `@rules`, and every ID a scenario names is a rule (what `rootsim rules` reports).
#[test]
fn every_rule_has_a_scenario_and_every_scenario_names_real_rules() {
    use rootsim::rules;
    let book = rules::parse(rules::RULEBOOK).unwrap_or_else(|e| panic!("{e}"));
    let checked = rules::coverage(&book, &[scenarios_dir()]).unwrap_or_else(|e| panic!("{e}"));
    let uncovered: Vec<&str> =
        checked.rules.iter().filter(|c| c.scenarios.is_empty()).map(|c| c.rule.id.as_str()).collect();
    assert!(uncovered.is_empty(), "rules without a scenario: {uncovered:?}");
    assert!(checked.unknown.is_empty(), "scenarios name rules that docs/rules.md lacks: {:?}", checked.unknown);
}

/// Every lesson's `check` fails on the untouched lesson and passes once its solution has run.
#[test]
fn every_lesson_is_solved_by_its_solution_and_not_before() {
    use rootsim::lesson;
    use rootsim_model::MemoryHost;
    let lessons = lesson::all().unwrap_or_else(|e| panic!("{e}"));
    assert!(lessons.len() >= 3, "{} lessons", lessons.len());
    for l in &lessons {
        let mut host = MemoryHost::default();
        let mut session = l.start(&mut host).unwrap_or_else(|e| panic!("{e}"));
        let untouched = l.check(&session, &Default::default(), &mut host);
        assert!(!untouched.passed(), "lesson {}: check passes before anything was done:\n{}", l.id, untouched.render());
        let (answers, failures) = l.solve(&mut session, &mut host);
        assert!(failures.is_empty(), "lesson {}: its solution fails: {:?}", l.id, failures);
        let solved = l.check(&session, &answers, &mut host);
        assert!(solved.passed(), "lesson {}: check fails after the solution:\n{}", l.id, solved.render());
    }
}
