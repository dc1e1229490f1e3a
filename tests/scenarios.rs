//! Every scenario under `scenarios/` passes, its transcript matches its reviewed snapshot, and
//! running it twice with the same seed prints the same transcript; the scenarios cover every
//! performable root task and every rule; every lesson is solved by its solution.
//!
//! A libtest-mimic harness (`harness = false` in Cargo.toml): std's harness knows its tests when
//! it is compiled, and the scenarios are files found at run time. Each scenario file is a trial
//! named by its path below `scenarios/` without `.rsim`, so one runs alone:
//!
//! ```text
//! cargo test -p rootsim-tests --test scenarios -- organizations/create-account --exact
//! ```
//!
//! (without `--exact`, every trial whose name contains the filter runs, e.g. `-- organizations/`).
//! A trial that fails or panics is reported as failed with its message; the others still run.
//!
//! Scenarios with `@gen` inputs (scenarios/generated/) run as properties with their `@cases`;
//! `ROOTSIM_CASES=N cargo test -p rootsim-tests --test scenarios -- generated/` runs N cases each
//! (the transcripts, the first case's, are unchanged). A property's shrunk counterexample is saved
//! under scenarios/found/, where it runs as an ordinary scenario from then on. The coverage trial
//! also requires a generated scenario for every rule listed as universal in docs/rules.md.

use libtest_mimic::{Arguments, Failed, Trial};
use rootsim::runner::{collect, run_file};
use rootsim_tests::scenarios_dir;
use std::path::Path;

fn main() {
    let args = Arguments::from_args();
    libtest_mimic::run(&args, trials()).exit();
}

/// The checks of the whole set, then one trial per scenario file.
fn trials() -> Vec<Trial> {
    let mut trials = vec![
        check("every_performable_root_task_has_a_scenario", every_performable_root_task_has_a_scenario),
        check(
            "every_rule_has_a_scenario_and_every_scenario_names_real_rules",
            every_rule_has_a_scenario_and_every_scenario_names_real_rules,
        ),
        check(
            "every_lesson_is_solved_by_its_solution_and_not_before",
            every_lesson_is_solved_by_its_solution_and_not_before,
        ),
    ];
    // One trial per lesson: its solution typed line by line, and its wrong attempts refused.
    if let Ok(lessons) = rootsim::lesson::all() {
        for l in lessons {
            let id = l.id.clone();
            // The same lesson in a world from another seed: account IDs, key IDs and access keys
            // all change, so a solution, goal or wrong attempt that wrote one down breaks here.
            let original = l.clone();
            trials.push(Trial::test(format!("lesson-reseeded:{}", l.id), move || {
                reseeded_lesson_trial(&original).map_err(Failed::from)
            }));
            trials.push(Trial::test(format!("lesson:{}", l.id), move || lesson_trial(&l).map_err(Failed::from)));
            trials.push(Trial::test(format!("exam:{id}"), move || exam_trial(&id).map_err(Failed::from)));
        }
    }
    let root = scenarios_dir();
    let files = match collect(std::slice::from_ref(&root)) {
        Ok(files) => files,
        Err(e) => {
            trials.push(Trial::test("the_shipped_scenarios_are_found", move || {
                Err(format!("scenarios/ is not readable: {e}").into())
            }));
            return trials;
        }
    };
    let found = files.len();
    trials.push(Trial::test("the_shipped_scenarios_are_found", move || {
        if found >= 5 {
            Ok(())
        } else {
            Err(format!("expected the shipped scenarios, found {found}").into())
        }
    }));
    for file in files {
        let name = file.strip_prefix(&root).expect("below scenarios/").with_extension("").display().to_string();
        trials.push(Trial::test(name.clone(), move || scenario(&file, &name)));
    }
    trials
}

/// A trial of a check that asserts (a failed assertion is a panic, which the trial reports).
fn check(name: &str, f: fn()) -> Trial {
    Trial::test(name, move || {
        f();
        Ok(())
    })
}

/// One scenario: its assertions hold, a second run with the same seed prints the same transcript,
/// and the transcript matches the reviewed snapshot `tests/snapshots/<folder>__<name>.snap`.
/// Reports every one of these that fails, not only the first.
fn scenario(file: &Path, name: &str) -> Result<(), Failed> {
    let (script, report) = run_file(file)?;
    let mut problems: Vec<String> =
        report.failures.iter().map(|f| format!("{}:{}: {}", file.display(), f.line, f.message)).collect();
    // A property's shrunk counterexample is kept under scenarios/found/, where it runs as an
    // ordinary scenario from then on (its snapshot to be reviewed like any other).
    if let Some(text) = &report.counterexample {
        match rootsim::runner::save_found(file, text) {
            Ok(kept) => problems.push(format!("the shrunk case is kept as {}", kept.display())),
            Err(e) => problems.push(format!("the shrunk case could not be kept: {e}")),
        }
    }
    let second = run_file(file)?.1.transcript;
    if second != report.transcript {
        problems.push(format!("{} is not deterministic: a second run printed another transcript", file.display()));
    }
    let name = name.replace('/', "__");
    let snapshot = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, description => script.title.clone() }, {
            insta::assert_snapshot!(name.as_str(), report.transcript);
        });
    }));
    if let Err(panic) = snapshot {
        let message = panic.downcast_ref::<String>().map(String::as_str).or(panic.downcast_ref::<&str>().copied());
        problems.push(format!(
            "the transcript differs from tests/snapshots/{name}.snap (the diff is printed above): {}",
            message.unwrap_or("(no message)")
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

/// Every root task that rootsim can perform has a scenario that performs it (`@tasks`), and every
/// task a scenario names exists in the catalogue. Tasks rootsim cannot perform yet are listed by
/// `rootsim tasks` with a mark, and need a scenario as soon as they become performable.
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
fn every_rule_has_a_scenario_and_every_scenario_names_real_rules() {
    use rootsim::rules;
    let book = rules::parse(rules::RULEBOOK).unwrap_or_else(|e| panic!("{e}"));
    let universal = rules::parse_universal(rules::RULEBOOK).unwrap_or_else(|e| panic!("{e}"));
    let checked = rules::coverage(&book, &universal, &[scenarios_dir()]).unwrap_or_else(|e| panic!("{e}"));
    let uncovered: Vec<&str> =
        checked.rules.iter().filter(|c| c.scenarios.is_empty()).map(|c| c.rule.id.as_str()).collect();
    assert!(uncovered.is_empty(), "rules without a scenario: {uncovered:?}");
    assert!(checked.unknown.is_empty(), "scenarios name rules that docs/rules.md lacks: {:?}", checked.unknown);
    let without = checked.universal_without_generated();
    assert!(
        without.is_empty(),
        "universal rules (docs/rules.md, Universal rules) without a generated scenario: {without:?}"
    );
}

/// The lesson in a world from another seed passes [`lesson_trial`], and each wrong attempt fails
/// on the same lines as with the lesson's own seed: a line that wrote down an account ID, key ID
/// or access key from the seeded world works with one seed only.
fn reseeded_lesson_trial(l: &rootsim::lesson::Lesson) -> Result<(), String> {
    use rootsim_model::MemoryHost;
    let mut reseeded = l.clone();
    reseeded.setup.seed = l.setup.seed.wrapping_add(7919);
    let seed = reseeded.setup.seed;
    lesson_trial(&reseeded).map_err(|e| format!("with seed {seed}: {e}"))?;
    let mut host = MemoryHost::default();
    for w in &l.wrong {
        let lines = |lesson: &rootsim::lesson::Lesson, host: &mut MemoryHost| {
            lesson.attempt(w, host).map(|(_, failures)| failures.iter().map(|f| f.line).collect::<Vec<_>>())
        };
        let (before, after) = (lines(l, &mut host)?, lines(&reseeded, &mut host)?);
        if before != after {
            return Err(format!(
                "lesson {}: the wrong attempt '{}' fails on lines {before:?} with seed {} but {after:?} with seed {seed}: does it write down an ID from the world?",
                l.id, w.what, l.setup.seed
            ));
        }
    }
    Ok(())
}

/// A lesson's solution, typed into a fresh session line by line as a trainee types it (shell
/// variables included), succeeds on every line and passes `check`; each of its at least four
/// wrong attempts, typed into a fresh lesson world, is refused by `check`, which lists as
/// missing each goal the attempt names with `@missing`.
fn lesson_trial(l: &rootsim::lesson::Lesson) -> Result<(), String> {
    use rootsim_model::MemoryHost;
    let mut host = MemoryHost::default();
    let mut session = l.start(&mut host)?;
    let (answers, failures) = l.solve(&mut session, &mut host);
    if let Some(f) = failures.first() {
        return Err(format!("lesson {}: solution line {} fails:\n{}", l.id, f.line, f.message));
    }
    let solved = l.check(&session, &answers, &mut host);
    if !solved.passed() {
        return Err(format!("lesson {}: check fails after the solution:\n{}", l.id, solved.render()));
    }
    if l.wrong.len() < 4 {
        return Err(format!("lesson {}: {} wrong attempts, at least 4 wanted", l.id, l.wrong.len()));
    }
    for w in &l.wrong {
        let (verdict, failures) = l.attempt(w, &mut host)?;
        let why = || format!("lines that failed: {failures:?}\n{}", verdict.render());
        if verdict.passed() {
            return Err(format!("lesson {}: the wrong attempt '{}' passes check:\n{}", l.id, w.what, why()));
        }
        if w.missing.is_empty() {
            return Err(format!("lesson {}: the wrong attempt '{}' names no @missing goal", l.id, w.what));
        }
        for m in &w.missing {
            if !verdict.missing.iter().any(|(what, _)| what.contains(m.as_str())) {
                return Err(format!(
                    "lesson {}: after the wrong attempt '{}', check does not name '{m}' as missing:\n{}",
                    l.id,
                    w.what,
                    why()
                ));
            }
        }
    }
    Ok(())
}

/// How many seeds each lesson's exam is tried with.
const EXAM_SEEDS: u64 = 20;

/// A lesson's exam, drawn from each of [`EXAM_SEEDS`] seeds (which also seed the world, so
/// account and key IDs differ too): `check` refuses the untouched world, the solution typed with
/// the drawn values passes it, and every `@wrong` attempt is refused as [`lesson_trial`] checks.
/// A lesson that varies draws each choice of each of its `@vary` names with some seed (so every
/// variant's solution is tried), and two seeds give different objectives and worlds.
fn exam_trial(id: &str) -> Result<(), String> {
    use rootsim_model::MemoryHost;
    let mut host = MemoryHost::default();
    let mut drawn = std::collections::BTreeSet::new();
    let mut objectives = std::collections::BTreeSet::new();
    let mut first_world = None;
    let mut worlds_differ = false;
    for seed in 1..=EXAM_SEEDS {
        let l = rootsim::lesson::find_drawn(id, Some(seed)).ok_or_else(|| format!("no lesson {id}"))?;
        assert_eq!(l.exam_seed, Some(seed));
        let session = l.start(&mut host)?;
        let untouched = l.check(&session, &Default::default(), &mut host);
        if untouched.passed() {
            return Err(format!("exam {id} seed {seed}: check passes before anything was done"));
        }
        match &first_world {
            None => first_world = Some(session.world.clone()),
            Some(w) => worlds_differ |= *w != session.world,
        }
        lesson_trial(&l).map_err(|e| format!("exam {id} seed {seed} (drawn {:?}): {e}", l.drawn))?;
        drawn.extend(l.drawn.iter().cloned());
        objectives.insert(l.objective.clone());
    }
    let course = rootsim::lesson::find(id).ok_or_else(|| format!("no lesson {id}"))?;
    for v in &course.varies {
        for choice in &v.choices {
            if !drawn.contains(&(v.name.clone(), choice.clone())) {
                return Err(format!("exam {id}: @vary {} never drew '{choice}' in {EXAM_SEEDS} seeds", v.name));
            }
        }
    }
    if !worlds_differ {
        return Err(format!("exam {id}: every seed gave the same world"));
    }
    let names_in_objective = course.varies.iter().any(|v| course.objective.contains(&v.choices[0]));
    if names_in_objective && objectives.len() < 2 {
        return Err(format!("exam {id}: every seed states the same objective"));
    }
    Ok(())
}

/// Every lesson's `check` fails on the untouched lesson and passes once its solution has run.
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
