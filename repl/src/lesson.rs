//! The trainee's course: lessons, the tutor that runs them in the REPL, and saved progress.
//!
//! A lesson is a text file under `scenarios/lessons/` (built into the binary), in the scenario
//! format with a few more directives:
//!
//! ```text
//! @lesson root-vs-admin                 # the ID: `rootsim learn root-vs-admin`
//! @title Root versus an IAM administrator
//! @objective What the trainee must achieve (repeat the line for more sentences).
//! @hint The first hint.                 # `hint` shows the next one
//! @question create-iam-user Does creating an IAM user need the root user?
//! @world demo                           # as in scenarios (default demo); @seed too
//! @setup                                # commands that build the lesson's world
//! ...
//! @goal The root user has an MFA device # one thing `check` looks for: commands and
//! show account dev                      # @expect assertions, run on a copy of the
//! @expect not-contains "MFA devices: 0" # trainee's world, so checking changes nothing
//! @solution                             # what `solution` shows, and the tests type
//! ...                                   # line by line (`NAME=$(...)` and `$NAME` as in a shell)
//! @wrong ReadOnlyAccess instead          # a plausible wrong attempt, typed on a fresh world:
//! @missing pat has AdministratorAccess   # `check` must refuse it, naming this goal as missing
//! ...
//! ```
//!
//! `@vary NAME = A | B ...` lines in the header name what an exam may change (user, account,
//! bucket and queue names, which policy or account is the broken one), used as `{{NAME}}`
//! anywhere in the lesson ([`crate::vary`]); the course takes the first choices, `learn --exam`
//! draws them from a seed, which also seeds the world, so account and key IDs change too and a
//! lesson reads them from the world (`{{account:NAME}}`, and in goals the setup's `@set`
//! variables) rather than writing them down.
//!
//! A `@question` makes the lesson a quiz as well: the trainee answers with `answer ID yes|no`,
//! and `check` compares each answer with the root-task catalogue (`rootsim tasks`): the right
//! answer is "yes" exactly when ID is a task there. The solution answers with the same command.
//!
//! A question followed by `@answer ID VALUE` in the header asks for a value instead (a count, a
//! Region, an event name read from the world): the trainee answers `answer ID VALUE` and `check`
//! compares it with VALUE, ignoring case and the blanks around it.

use crate::report::LessonRecord;
use crate::script::{run_in, run_with, substitute_accounts, Failure, ParseError, Script, StartWorld};
use crate::shell::{type_line, Vars};
use crate::vary::{self, Vary};
use rootsim_model::{tasks, Host, Session};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The shipped lessons, in course order: (file name, text).
const SHIPPED: &[(&str, &str)] = &[
    ("root-vs-admin.lesson", include_str!("../../scenarios/lessons/root-vs-admin.lesson")),
    ("which-tasks-need-root.lesson", include_str!("../../scenarios/lessons/which-tasks-need-root.lesson")),
    ("secure-the-root-user.lesson", include_str!("../../scenarios/lessons/secure-the-root-user.lesson")),
    (
        "locked-out-by-a-bucket-policy.lesson",
        include_str!("../../scenarios/lessons/locked-out-by-a-bucket-policy.lesson"),
    ),
    (
        "admin-revoked-own-permissions.lesson",
        include_str!("../../scenarios/lessons/admin-revoked-own-permissions.lesson"),
    ),
    (
        "enable-centralized-root-access.lesson",
        include_str!("../../scenarios/lessons/enable-centralized-root-access.lesson"),
    ),
    (
        "remove-member-root-credentials.lesson",
        include_str!("../../scenarios/lessons/remove-member-root-credentials.lesson"),
    ),
    ("unlock-an-sqs-queue.lesson", include_str!("../../scenarios/lessons/unlock-an-sqs-queue.lesson")),
    ("allow-password-recovery.lesson", include_str!("../../scenarios/lessons/allow-password-recovery.lesson")),
    ("scp-denies-root.lesson", include_str!("../../scenarios/lessons/scp-denies-root.lesson")),
    ("close-and-reopen-standalone.lesson", include_str!("../../scenarios/lessons/close-and-reopen-standalone.lesson")),
    ("close-a-member-account.lesson", include_str!("../../scenarios/lessons/close-a-member-account.lesson")),
    ("alert-on-root-use.lesson", include_str!("../../scenarios/lessons/alert-on-root-use.lesson")),
    ("unmanageable-kms-key.lesson", include_str!("../../scenarios/lessons/unmanageable-kms-key.lesson")),
    ("profiles-and-role-chaining.lesson", include_str!("../../scenarios/lessons/profiles-and-role-chaining.lesson")),
    ("find-root-use-in-cloudtrail.lesson", include_str!("../../scenarios/lessons/find-root-use-in-cloudtrail.lesson")),
    ("access-analyzer-findings.lesson", include_str!("../../scenarios/lessons/access-analyzer-findings.lesson")),
];

/// One thing `check` looks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// What it is, in words (`@goal TEXT`).
    pub what: String,
    /// The commands and assertions that establish it.
    pub script: Script,
}

/// A quiz question: does this task need the root user?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The ID the trainee answers with; a root-task catalogue ID when the answer is yes.
    pub id: String,
    /// The question.
    pub text: String,
    /// The value expected (`@answer ID VALUE`); `None` for a yes/no question about the root-task
    /// catalogue.
    pub expected: Option<String>,
}

/// A plausible wrong attempt at a lesson, which `check` must refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongAttempt {
    /// What the attempt does wrong, in words (`@wrong TEXT`).
    pub what: String,
    /// The lines a trainee would type, with their line numbers in the lesson file.
    pub lines: Vec<(usize, String)>,
    /// Words of the goals `check` must list as missing after it (`@missing TEXT`).
    pub missing: Vec<String>,
}

/// A lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Its ID.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What the trainee must achieve.
    pub objective: String,
    /// Hints, in the order `hint` gives them.
    pub hints: Vec<String>,
    /// Quiz questions, if any.
    pub questions: Vec<Question>,
    /// The commands that build the lesson's world (world and seed from the header).
    pub setup: Script,
    /// What `check` looks for.
    pub goals: Vec<Goal>,
    /// A solution: lines a trainee types in the REPL (shell variables, `answer` lines for
    /// quizzes), with their line numbers in the lesson file.
    pub solution: Vec<(usize, String)>,
    /// The solution's text as written, for `solution` to show.
    pub solution_text: String,
    /// Plausible wrong attempts that `check` must refuse.
    pub wrong: Vec<WrongAttempt>,
    /// What an exam may vary (`@vary`).
    pub varies: Vec<Vary>,
    /// The value each `@vary` name took in this lesson: the first choices, or an exam's draw.
    pub drawn: Vec<(String, String)>,
    /// The exam's seed (which also seeded the world), or `None` for the course's lesson.
    pub exam_seed: Option<u64>,
    /// What the setup's `@set` lines left, for the goals: computed once.
    setup_vars: SetupVars,
}

/// The variables a lesson's setup leaves (its `@set` lines: a key's ARN, an account's ID), which
/// its goals may use, so that a goal names what the setup made without writing a generated ID
/// down. A cache of what the lesson's setup gives, so it takes no part in comparing lessons.
#[derive(Debug, Clone, Default)]
struct SetupVars(std::sync::OnceLock<Vec<(String, String)>>);

impl PartialEq for SetupVars {
    fn eq(&self, _: &SetupVars) -> bool {
        true
    }
}

/// The commands of a block typed into the REPL: lines joined while a quote or bracket is open,
/// without comments and blank lines, each with the line number where it starts.
fn typed_lines(first_line: usize, body: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (i, line) in body.lines().enumerate() {
        let n = first_line + i;
        match &mut pending {
            Some((_, text)) => {
                text.push('\n');
                text.push_str(line);
            }
            None if line.trim().is_empty() || line.trim_start().starts_with('#') => continue,
            None => pending = Some((n, line.to_string())),
        }
        if pending.as_ref().is_some_and(|(_, t)| !rootsim_model::command::lex::needs_more_input(t)) {
            out.extend(pending.take());
        }
    }
    out.extend(pending);
    out
}

/// Which block of a lesson file a line belongs to.
enum Block {
    Header,
    Setup,
    Goal(String),
    Solution,
    Wrong(String),
}

impl Lesson {
    /// Parses a lesson file, with the first choice of each `@vary`; `path` is only used in
    /// messages.
    pub fn parse(path: &str, text: &str) -> Result<Lesson, ParseError> {
        Lesson::parse_drawn(path, text, None)
    }

    /// Parses a lesson file as an exam drawn from `seed` (`None`: the course's lesson, with the
    /// first choices). The seed also seeds the lesson's world.
    pub fn parse_drawn(path: &str, text: &str, seed: Option<u64>) -> Result<Lesson, ParseError> {
        let varies = vary::read(path, text)?;
        let drawn = vary::draw(&varies, seed);
        let text = &vary::apply(text, &drawn);
        let mut lesson = Lesson::parse_text(path, text)?;
        if let Some(seed) = seed {
            lesson.setup.seed = seed;
        }
        Ok(Lesson { varies, drawn, exam_seed: seed, ..lesson })
    }

    /// Parses a lesson's text once its `@vary` names are replaced.
    fn parse_text(path: &str, text: &str) -> Result<Lesson, ParseError> {
        let err = |line: usize, message: String| ParseError { path: path.to_string(), line, column: 1, message };
        let (mut id, mut title, mut objective) = (String::new(), String::new(), Vec::new());
        let (mut hints, mut questions) = (Vec::new(), Vec::new());
        // The header keeps @world and @seed for the setup script.
        let mut header = String::new();
        // Each block's text keeps its lines where they were, so that errors point at the file.
        let mut blocks: Vec<(Block, String)> = Vec::new();
        let mut current = (Block::Header, String::new());
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim();
            let directive = line.strip_prefix('@').map(|d| d.split_once(char::is_whitespace).unwrap_or((d, "")));
            let pad = |s: &String| "\n".repeat((n - 1).saturating_sub(s.lines().count()));
            match directive {
                Some(("setup", _)) => {
                    blocks.push(std::mem::replace(&mut current, (Block::Setup, String::new())));
                }
                Some(("goal", what)) if !what.trim().is_empty() => {
                    blocks.push(std::mem::replace(&mut current, (Block::Goal(what.trim().to_string()), String::new())));
                }
                Some(("goal", _)) => return Err(err(n, "@goal needs a description of what it checks".into())),
                Some(("solution", _)) => {
                    blocks.push(std::mem::replace(&mut current, (Block::Solution, String::new())));
                }
                Some(("wrong", what)) if !what.trim().is_empty() => {
                    blocks
                        .push(std::mem::replace(&mut current, (Block::Wrong(what.trim().to_string()), String::new())));
                }
                Some(("wrong", _)) => return Err(err(n, "@wrong needs a description of the attempt".into())),
                Some(("missing", what)) if matches!(current.0, Block::Wrong(_)) && !what.trim().is_empty() => {
                    // Kept in the block's text as a marker line, read back below.
                    let text = &mut current.1;
                    text.push_str(&pad(text));
                    text.push_str(&format!("#@missing {}\n", what.trim()));
                }
                Some(("missing", _)) => return Err(err(n, "@missing TEXT belongs in a @wrong block".into())),
                Some((word @ ("lesson" | "title" | "objective" | "hint" | "question" | "answer"), rest)) => {
                    if !matches!(current.0, Block::Header) {
                        return Err(err(n, format!("@{word} belongs in the header, before @setup")));
                    }
                    let rest = rest.trim().to_string();
                    if rest.is_empty() {
                        return Err(err(n, format!("@{word} needs text")));
                    }
                    match word {
                        "lesson" => id = rest,
                        "title" => title = rest,
                        "objective" => objective.push(rest),
                        "hint" => hints.push(rest),
                        "answer" => {
                            let Some((q, value)) = rest.split_once(char::is_whitespace) else {
                                return Err(err(n, "usage: @answer ID VALUE".into()));
                            };
                            match questions.iter_mut().find(|x: &&mut Question| x.id == q) {
                                Some(x) => x.expected = Some(value.trim().to_string()),
                                None => return Err(err(n, format!("@answer {q}: no @question {q} before it"))),
                            }
                        }
                        _ => match rest.split_once(char::is_whitespace) {
                            Some((q, text)) => {
                                questions.push(Question { id: q.into(), text: text.trim().into(), expected: None })
                            }
                            None => return Err(err(n, "usage: @question ID TEXT".into())),
                        },
                    }
                }
                _ => {
                    let text = &mut current.1;
                    text.push_str(&pad(text));
                    text.push_str(raw);
                    text.push('\n');
                    if matches!(current.0, Block::Header) && !line.is_empty() && !line.starts_with('#') {
                        header.push_str(raw);
                        header.push('\n');
                    }
                }
            }
        }
        blocks.push(current);
        if id.is_empty() || title.is_empty() || objective.is_empty() {
            return Err(err(1, "a lesson needs @lesson, @title and @objective".into()));
        }
        let mut setup = None;
        let mut goals = Vec::new();
        let mut solution = None;
        let mut wrong = Vec::new();
        for (block, body) in blocks {
            match block {
                Block::Header => {
                    let script = Script::parse(path, &body)?;
                    if !script.steps.is_empty() {
                        return Err(err(1, "commands belong after @setup".into()));
                    }
                }
                Block::Setup => setup = Some(Script::parse(path, &format!("{header}{body}"))?),
                Block::Goal(what) => goals.push(Goal { what, script: Script::parse(path, &body)? }),
                Block::Solution => solution = Some((typed_lines(1, &body), body.trim().to_string())),
                Block::Wrong(what) => {
                    let missing =
                        body.lines().filter_map(|l| l.trim().strip_prefix("#@missing ").map(str::to_string)).collect();
                    wrong.push(WrongAttempt { what, lines: typed_lines(1, &body), missing });
                }
            }
        }
        let setup = setup.ok_or_else(|| err(1, "a lesson needs a @setup block (it may be empty)".into()))?;
        let (solution, solution_text) = solution.ok_or_else(|| err(1, "a lesson needs a @solution block".into()))?;
        if goals.is_empty() && questions.is_empty() {
            return Err(err(1, "a lesson needs at least one @goal or @question for `check`".into()));
        }
        Ok(Lesson {
            id,
            title,
            objective: objective.join(" "),
            hints,
            questions,
            setup,
            goals,
            solution,
            solution_text,
            wrong,
            varies: Vec::new(),
            drawn: Vec::new(),
            exam_seed: None,
            setup_vars: SetupVars::default(),
        })
    }

    /// Whether an exam of this lesson can differ from the course's lesson.
    pub fn varies(&self) -> bool {
        !self.varies.is_empty()
    }

    /// A fresh session with the lesson's world built.
    pub fn start(&self, host: &mut dyn Host) -> Result<Session, String> {
        let mut session = match self.setup.world {
            StartWorld::Demo => Session::demo(self.setup.seed),
            StartWorld::Empty => Session::empty(self.setup.seed),
        };
        let report = run_in(&self.setup, &mut session, host);
        match report.failures.first() {
            None => {
                let _ = self.setup_vars.0.set(report.vars);
                Ok(session)
            }
            Some(f) => Err(format!("lesson {}: its setup failed at line {}: {}", self.id, f.line, f.message)),
        }
    }

    /// The variables the setup left, for the goals (the setup is run once more on a fresh world
    /// when this lesson value did not start the world itself: the same seed gives the same IDs).
    fn setup_vars(&self, host: &mut dyn Host) -> Vec<(String, String)> {
        if let Some(vars) = self.setup_vars.0.get() {
            return vars.clone();
        }
        // A setup that fails leaves no variables: the goals that need them then fail (closed).
        let _ = self.start(host);
        self.setup_vars.0.get().cloned().unwrap_or_default()
    }

    /// Types `lines` into `session` one by one, as a trainee would in the REPL of this lesson
    /// (shell variables, tutor commands such as `answer`, then the world). Returns the quiz
    /// answers given and each line that failed, with its line number and output.
    pub fn type_lines(
        &self,
        lines: &[(usize, String)],
        session: &mut Session,
        host: &mut dyn Host,
    ) -> (BTreeMap<String, bool>, Vec<Failure>) {
        let mut tutor = Tutor { lesson: Some(self.clone()), ..Tutor::default() };
        let mut vars = Vars::default();
        let mut failures = Vec::new();
        for (n, line) in lines {
            // A wrong attempt may name an account that left the organization by its ID, which it
            // reads from the world (`{{account:NAME}}`) rather than writing down.
            let line = match line.contains("{{account:") {
                true => substitute_accounts(line, session).unwrap_or_else(|_| line.clone()),
                false => line.clone(),
            };
            let printed = type_line(session, &mut tutor, &mut vars, &line, host);
            if !printed.ok {
                failures.push(Failure { line: *n, message: format!("{line}\n{}", printed.text) });
            }
        }
        (tutor.answers, failures)
    }

    /// Types the solution into `session` line by line ([`Lesson::type_lines`]).
    pub fn solve(&self, session: &mut Session, host: &mut dyn Host) -> (BTreeMap<String, bool>, Vec<Failure>) {
        self.type_lines(&self.solution, session, host)
    }

    /// Types a wrong attempt into a fresh lesson world and checks it.
    pub fn attempt(&self, wrong: &WrongAttempt, host: &mut dyn Host) -> Result<(Verdict, Vec<Failure>), String> {
        let mut session = self.start(host)?;
        let (answers, failures) = self.type_lines(&wrong.lines, &mut session, host);
        Ok((self.check(&session, &answers, host), failures))
    }

    /// The objective as the tutor states it.
    pub fn brief(&self) -> String {
        let mut out = match self.exam_seed {
            Some(seed) => format!(
                "Exam: {} (seed {seed}; `learn --exam --seed {seed} {}` gives this exam again)\n\n{}\n",
                self.title, self.id, self.objective
            ),
            None => format!("Lesson: {}\n\n{}\n", self.title, self.objective),
        };
        if self.questions.iter().any(|q| q.expected.is_some()) {
            out.push_str("\nAnswer each question with `answer ID VALUE`:\n");
            for q in &self.questions {
                out.push_str(&format!("  {:<28} {}\n", q.id, q.text));
            }
        } else if !self.questions.is_empty() {
            out.push_str("\nAnswer each question with `answer ID yes` or `answer ID no`:\n");
            for q in &self.questions {
                out.push_str(&format!("  {:<28} {}\n", q.id, q.text));
            }
        }
        out.push_str("\nType `check` when you think you are done, `hint` for a hint, `objective` to read this again.");
        out
    }

    /// Checks the trainee's world (on a copy) and quiz answers.
    pub fn check(&self, session: &Session, answers: &BTreeMap<String, bool>, host: &mut dyn Host) -> Verdict {
        let mut met = Vec::new();
        let mut missing = Vec::new();
        let vars = if self.goals.is_empty() { Vec::new() } else { self.setup_vars(host) };
        for goal in &self.goals {
            let mut copy = session.clone();
            let report = run_with(&goal.script, &mut copy, host, vars.clone());
            if report.failures.is_empty() {
                met.push(goal.what.clone());
            } else {
                missing.push((goal.what.clone(), report.failures));
            }
        }
        for q in &self.questions {
            // A value question's answer was compared when given: it holds whether it was right.
            let right = q.expected.is_some() || tasks::find(&q.id).is_some();
            match answers.get(&q.id) {
                Some(&a) if a == right => met.push(format!("{}: answered right", q.id)),
                Some(_) if q.expected.is_some() => missing.push((
                    format!("{}: not right yet (read it again from the world)", q.id),
                    vec![Failure { line: 0, message: "wrong answer".into() }],
                )),
                Some(_) => missing.push((
                    format!("{}: not right yet (look it up with `tasks`, or try it as alice)", q.id),
                    vec![Failure { line: 0, message: "wrong answer".into() }],
                )),
                None if q.expected.is_some() => missing.push((
                    format!("{}: not answered yet (answer {} VALUE)", q.id, q.id),
                    vec![Failure { line: 0, message: "no answer".into() }],
                )),
                None => missing.push((
                    format!("{}: not answered yet (answer {} yes|no)", q.id, q.id),
                    vec![Failure { line: 0, message: "no answer".into() }],
                )),
            }
        }
        Verdict { met, missing }
    }
}

/// What `check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Goals met.
    pub met: Vec<String>,
    /// Goals not met yet, with the assertions that failed.
    pub missing: Vec<(String, Vec<Failure>)>,
}

impl Verdict {
    /// Every goal is met.
    pub fn passed(&self) -> bool {
        self.missing.is_empty()
    }

    /// The verdict in words.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for m in &self.met {
            out.push_str(&format!("  [x] {m}\n"));
        }
        for (what, _) in &self.missing {
            // The goal's words say what is missing; the failed assertion behind it is for tests.
            out.push_str(&format!("  [ ] {what}\n"));
        }
        if self.passed() {
            out.push_str("Objective met. Well done! `learn` lists the other lessons.");
        } else {
            out.push_str("Not yet: the unchecked goals above are still missing. `hint` may help.");
        }
        out
    }
}

/// Every shipped lesson, in course order.
pub fn all() -> Result<Vec<Lesson>, ParseError> {
    all_drawn(None)
}

/// Every shipped lesson, in course order, as an exam drawn from `seed` (`None`: the course).
pub fn all_drawn(seed: Option<u64>) -> Result<Vec<Lesson>, ParseError> {
    SHIPPED.iter().map(|(name, text)| Lesson::parse_drawn(&format!("scenarios/lessons/{name}"), text, seed)).collect()
}

/// Finds a shipped lesson by ID.
pub fn find(id: &str) -> Option<Lesson> {
    find_drawn(id, None)
}

/// Finds a shipped lesson by ID, as an exam drawn from `seed` (`None`: the course's lesson).
pub fn find_drawn(id: &str, seed: Option<u64>) -> Option<Lesson> {
    all_drawn(seed).ok()?.into_iter().find(|l| l.id == id)
}

/// The format of the progress file this rootsim writes. Version 1 (no `version` field) had only
/// `completed` and `started`; it is read and migrated ([`Progress::migrate`]). The two sets are
/// still written, so an older rootsim reads a newer file's main facts.
pub const PROGRESS_VERSION: u32 = 2;

/// What a trainee did in the course, saved between runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// The file's format ([`PROGRESS_VERSION`]; 1 when the file has none).
    #[serde(default = "version_one")]
    pub version: u32,
    /// IDs of the lessons whose `check` passed.
    pub completed: BTreeSet<String>,
    /// IDs of the lessons started.
    pub started: BTreeSet<String>,
    /// What was recorded of each lesson, by ID (version 2).
    pub lessons: BTreeMap<String, LessonRecord>,
    /// How many exams were started: the next exam without `--seed` takes this plus one as its
    /// seed, so each exam differs without reading the wall clock.
    pub exams: u64,
}

fn version_one() -> u32 {
    1
}

impl Default for Progress {
    fn default() -> Progress {
        Progress {
            version: PROGRESS_VERSION,
            completed: BTreeSet::new(),
            started: BTreeSet::new(),
            lessons: BTreeMap::new(),
            exams: 0,
        }
    }
}

impl Progress {
    /// Where progress is kept: `$ROOTSIM_PROGRESS`, else `$XDG_STATE_HOME/rootsim/progress.json`,
    /// else `~/.local/state/rootsim/progress.json`.
    pub fn path(explicit: Option<&str>, state_home: Option<&str>, home: Option<&str>) -> Option<PathBuf> {
        crate::state_file(explicit, state_home, home, "progress.json")
    }

    /// The default place, from the environment.
    pub fn default_path() -> Option<PathBuf> {
        Progress::path(
            std::env::var("ROOTSIM_PROGRESS").ok().as_deref(),
            std::env::var("XDG_STATE_HOME").ok().as_deref(),
            std::env::var("HOME").ok().as_deref(),
        )
    }

    /// Reads progress; a missing file is a fresh start. A file that cannot be read as progress
    /// (a syntax error, not UTF-8) is kept aside by [`Progress::read`], with a note on standard
    /// error.
    pub fn load(path: Option<&Path>) -> Progress {
        match Progress::read(path) {
            Ok((progress, note)) => {
                if let Some(note) = note {
                    eprintln!("rootsim: {note}");
                }
                progress
            }
            Err(e) => {
                eprintln!("rootsim: {e}");
                Progress::default()
            }
        }
    }

    /// Reads progress. A missing file is a fresh start. A file that is not progress is never
    /// overwritten: it is renamed `progress.json.corrupt-N` (the first N free) and the note says
    /// so; when it cannot be renamed, the error says so and the caller must not save.
    pub fn read(path: Option<&Path>) -> Result<(Progress, Option<String>), String> {
        let Some(path) = path else { return Ok((Progress::default(), None)) };
        let why = match std::fs::read(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Progress::default(), None)),
            Err(e) => e.to_string(),
            Ok(bytes) => match serde_json::from_slice::<Progress>(&bytes) {
                Ok(mut p) => {
                    p.migrate();
                    return Ok((p, None));
                }
                Err(e) => e.to_string(),
            },
        };
        for n in 1..=1000 {
            let mut aside = path.as_os_str().to_owned();
            aside.push(format!(".corrupt-{n}"));
            let aside = PathBuf::from(aside);
            if std::fs::symlink_metadata(&aside).is_ok() {
                continue;
            }
            return match std::fs::rename(path, &aside) {
                Ok(()) => Ok((
                    Progress::default(),
                    Some(format!(
                        "the progress file {} could not be read ({why}); it was kept as {} and progress starts afresh",
                        path.display(),
                        aside.display()
                    )),
                )),
                Err(e) => Err(format!(
                    "the progress file {} could not be read ({why}) nor set aside ({e}); progress is not saved until it is fixed or removed",
                    path.display()
                )),
            };
        }
        Err(format!(
            "the progress file {} could not be read ({why}), and 1000 earlier ones are set aside beside it; progress is not saved",
            path.display()
        ))
    }

    /// Brings a version 1 file to the current format: every lesson it names as started or
    /// completed gets a record (with nothing counted, since version 1 counted nothing), and
    /// nothing it holds is dropped. A newer file is left as it is (and is not saved over).
    pub fn migrate(&mut self) {
        if self.version >= PROGRESS_VERSION {
            return;
        }
        for id in self.started.iter().chain(&self.completed) {
            self.lessons.entry(id.clone()).or_default();
        }
        self.version = PROGRESS_VERSION;
    }

    /// Writes progress, creating the folder; the file is replaced all at once.
    pub fn save(&self, path: Option<&Path>) -> Result<(), String> {
        let Some(path) = path else { return Ok(()) };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        crate::host::write_atomic(path, text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// Reads progress, lets `change` update it and saves it, unless the file could be neither
    /// read nor set aside. Returns the notes to show (the file set aside, a failed save).
    pub fn update(path: Option<&Path>, change: impl FnOnce(&mut Progress)) -> Option<String> {
        match Progress::read(path) {
            Ok((progress, _)) if progress.version > PROGRESS_VERSION => Some(format!(
                "progress not saved: the progress file is of version {}, written by a newer rootsim (this one writes {PROGRESS_VERSION})",
                progress.version
            )),
            Ok((mut progress, note)) => {
                change(&mut progress);
                let saved = progress.save(path).err().map(|e| format!("progress not saved: {e}"));
                match (note, saved) {
                    (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
                    (a, b) => a.or(b),
                }
            }
            Err(e) => Some(e),
        }
    }
}

/// The course list with progress marks.
pub fn list(progress: &Progress) -> String {
    let mut out = String::from("Lessons (rootsim learn LESSON, or `learn LESSON` in the REPL):\n");
    match all() {
        Ok(lessons) => {
            for (i, l) in lessons.iter().enumerate() {
                let mark = if progress.completed.contains(&l.id) {
                    "done"
                } else if progress.started.contains(&l.id) {
                    "started"
                } else {
                    ""
                };
                out.push_str(&format!("  {:>2}. {:<28} {:<8} {}\n", i + 1, l.id, mark, l.title));
            }
            let done = lessons.iter().filter(|l| progress.completed.contains(&l.id)).count();
            out.push_str(&format!("{done} of {} done.", lessons.len()));
        }
        Err(e) => out.push_str(&format!("the lessons cannot be read: {e}")),
    }
    out
}

/// What a `learn` line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LearnRequest {
    /// `learn`: the course list.
    List,
    /// `learn LESSON|N`: a lesson of the course.
    Lesson(String),
    /// `learn --exam [--seed N] [LESSON|N]`: an exam (the next lesson not passed in an exam, and
    /// the next seed, when not given).
    Exam {
        /// The lesson, by ID or number.
        lesson: Option<String>,
        /// The seed.
        seed: Option<u64>,
    },
    /// `learn --report [--json]`.
    Report {
        /// As JSON.
        json: bool,
    },
}

impl LearnRequest {
    /// Reads the words after `learn`.
    pub fn parse(words: &[&str]) -> Result<LearnRequest, String> {
        let usage = "usage: learn [LESSON|N] | learn --exam [--seed N] [LESSON|N] | learn --report [--json]";
        let (mut exam, mut report, mut json) = (false, false, false);
        let (mut seed, mut lesson) = (None, None);
        let mut words = words.iter();
        while let Some(w) = words.next() {
            match *w {
                "--exam" => exam = true,
                "--report" => report = true,
                "--json" => json = true,
                "--seed" => {
                    let n = words.next().ok_or_else(|| format!("--seed needs a number; {usage}"))?;
                    seed = Some(n.parse::<u64>().map_err(|_| format!("--seed takes a number, not '{n}'"))?);
                }
                w if w.starts_with('-') => return Err(format!("learn: unknown option {w}; {usage}")),
                w if lesson.is_none() => lesson = Some(w.to_string()),
                _ => return Err(usage.into()),
            }
        }
        match (exam, report) {
            (true, true) => Err(format!("--exam and --report do not go together; {usage}")),
            (false, true) if seed.is_some() || lesson.is_some() => Err(usage.into()),
            (false, true) => Ok(LearnRequest::Report { json }),
            _ if json => Err(format!("--json goes with --report; {usage}")),
            (true, false) => Ok(LearnRequest::Exam { lesson, seed }),
            (false, false) if seed.is_some() => Err(format!("--seed goes with --exam; {usage}")),
            (false, false) => Ok(lesson.map_or(LearnRequest::List, LearnRequest::Lesson)),
        }
    }
}

/// The lesson ID that `learn N` or `learn ID` names (`learn` numbers the course list).
pub fn resolve(id: &str) -> Result<String, String> {
    match id.parse::<usize>() {
        Ok(n) => all()
            .ok()
            .and_then(|l| l.get(n.wrapping_sub(1)).map(|l| l.id.clone()))
            .ok_or_else(|| format!("no lesson number {n}; `learn` lists them")),
        Err(_) => Ok(id.to_string()),
    }
}

/// The progress report (`learn --report [--json]`) from the progress file at `path`.
pub fn report(path: Option<&Path>, as_json: bool) -> Result<String, String> {
    let (progress, note) = Progress::read(path)?;
    report_of(&progress, note, as_json)
}

/// The progress report of `progress`, after `note` (not in JSON, which stays parseable).
fn report_of(progress: &Progress, note: Option<String>, as_json: bool) -> Result<String, String> {
    let progress = progress.clone();
    let lessons = all().map_err(|e| format!("the lessons cannot be read: {e}"))?;
    let body = if as_json {
        serde_json::to_string_pretty(&crate::report::json(&progress, &lessons)).unwrap_or_default()
    } else {
        crate::report::text(&progress, &lessons)
    };
    Ok(match note {
        // The JSON stays parseable: the note goes on standard error from the caller's side.
        Some(note) if !as_json => format!("({note})\n{body}"),
        _ => body,
    })
}

/// The tutor: the lesson under way in a REPL, answering `learn`, `objective`, `check`, `hint`,
/// `solution` and `answer`. Other lines go to the world.
#[derive(Debug, Default)]
pub struct Tutor {
    /// The lesson under way.
    pub lesson: Option<Lesson>,
    hints_given: usize,
    checked: bool,
    /// Each question answered: yes or no for a catalogue question, whether it was right for a
    /// value question (`@answer`).
    answers: BTreeMap<String, bool>,
    /// `reset` was typed once in a lesson and waits for its confirmation.
    reset_asked: bool,
    /// Where progress is saved (`None`: not saved).
    pub progress_path: Option<PathBuf>,
    /// The simulated time the lesson's world started at, and the seconds of this run already
    /// added to the lesson's time spent.
    run_clock: (i64, u64),
    /// Progress kept in memory when there is no progress file (a scenario, a REPL without a
    /// state folder), so that `learn --report` still reports this session.
    memory: Progress,
}

/// What the tutor did with a line.
pub struct Reply {
    /// The text to print.
    pub text: String,
    /// A new session to switch to (a lesson was started).
    pub session: Option<Session>,
}

impl Tutor {
    /// A tutor that saves progress at `progress_path`.
    pub fn new(progress_path: Option<PathBuf>) -> Tutor {
        Tutor { progress_path, ..Tutor::default() }
    }

    /// The progress so far: the file's, or this session's without a file.
    fn progress(&self) -> Result<(Progress, Option<String>), String> {
        match &self.progress_path {
            Some(path) => Progress::read(Some(path)),
            None => Ok((self.memory.clone(), None)),
        }
    }

    /// Updates the progress ([`Progress::update`] on the file, else in memory).
    fn update(&mut self, change: impl FnOnce(&mut Progress)) -> Option<String> {
        match &self.progress_path {
            Some(path) => Progress::update(Some(path), change),
            None => {
                change(&mut self.memory);
                None
            }
        }
    }

    /// Starts a lesson: its world, its brief. Records it as started.
    pub fn start(&mut self, id: &str, host: &mut dyn Host) -> Result<Reply, String> {
        self.start_drawn(id, None, host)
    }

    /// Starts an exam of a lesson (by ID or number; `None`, the first in course order not yet
    /// passed in an exam) with `seed` (`None`: the next seed of the progress file).
    pub fn start_exam(&mut self, id: Option<&str>, seed: Option<u64>, host: &mut dyn Host) -> Result<Reply, String> {
        let progress = self.progress().map(|(p, _)| p).unwrap_or_default();
        let id = match id {
            Some(id) => resolve(id)?,
            None => {
                let lessons = all().map_err(|e| format!("the lessons cannot be read: {e}"))?;
                let not_passed =
                    lessons.iter().find(|l| progress.lessons.get(&l.id).is_none_or(|r| r.exams_passed.is_empty()));
                not_passed.or(lessons.first()).map(|l| l.id.clone()).ok_or("no lessons")?
            }
        };
        let seed = seed.unwrap_or(progress.exams.saturating_add(1));
        self.start_drawn(&id, Some(seed), host)
    }

    /// Starts a lesson, or an exam of it drawn from `seed`.
    fn start_drawn(&mut self, id: &str, seed: Option<u64>, host: &mut dyn Host) -> Result<Reply, String> {
        let lesson = find_drawn(id, seed).ok_or_else(|| format!("no lesson '{id}'; `learn` lists them"))?;
        let session = lesson.start(host)?;
        let text = lesson.brief();
        let now = session.world.clock.now();
        let note = self.update(|p| {
            p.started.insert(lesson.id.clone());
            let record = p.lessons.entry(lesson.id.clone()).or_default();
            record.seen_at(now);
            // An exam restarted (`reset`, or the same seed again) is not another exam.
            if seed.is_some_and(|seed| record.exams_started.insert(seed)) {
                p.exams = p.exams.saturating_add(1);
            }
        });
        let text = match note {
            Some(note) => format!("({note})\n{text}"),
            None => text,
        };
        *self = Tutor {
            lesson: Some(lesson),
            progress_path: self.progress_path.take(),
            run_clock: (now, 0),
            memory: std::mem::take(&mut self.memory),
            ..Tutor::default()
        };
        Ok(Reply { text, session: Some(session) })
    }

    /// Records a tutor event of the lesson under way at the world's time: the time spent since
    /// the last one, and what `change` counts. Returns a note when progress could not be saved.
    fn record(&mut self, session: &Session, change: impl FnOnce(&mut Progress, &mut LessonRecord)) -> Option<String> {
        let id = self.lesson.as_ref()?.id.clone();
        let now = session.world.clock.now();
        let elapsed = u64::try_from(now.saturating_sub(self.run_clock.0)).unwrap_or(0);
        let spent = elapsed.saturating_sub(self.run_clock.1);
        self.run_clock.1 = self.run_clock.1.max(elapsed);
        self.update(|p| {
            let mut record = p.lessons.remove(&id).unwrap_or_default();
            record.seen_at(now);
            record.seconds = record.seconds.saturating_add(spent);
            change(p, &mut record);
            p.lessons.insert(id, record);
        })
    }

    /// Handles a tutor command; `None` when the line is not one.
    pub fn handle(&mut self, line: &str, session: &Session, host: &mut dyn Host) -> Option<Reply> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let reply = |text: String| Some(Reply { text, session: None });
        let with_note = |text: String, note: Option<String>| match note {
            Some(note) => format!("{text}\n({note})"),
            None => text,
        };
        if words.first() != Some(&"reset") {
            self.reset_asked = false;
        }
        match words.as_slice() {
            ["learn", rest @ ..] => {
                self.reset_asked = false;
                let request = match LearnRequest::parse(rest) {
                    Ok(r) => r,
                    Err(e) => return reply(e),
                };
                match request {
                    LearnRequest::List => reply(match self.progress() {
                        Ok((progress, None)) => list(&progress),
                        Ok((progress, Some(note))) => format!("({note})\n{}", list(&progress)),
                        Err(e) => format!("({e})\n{}", list(&Progress::default())),
                    }),
                    LearnRequest::Report { json } => {
                        reply(self.progress().and_then(|(p, note)| report_of(&p, note, json)).unwrap_or_else(|e| e))
                    }
                    LearnRequest::Lesson(id) => {
                        let started = resolve(&id).and_then(|id| self.start(&id, host));
                        Some(started.unwrap_or_else(|e| Reply { text: e, session: None }))
                    }
                    LearnRequest::Exam { lesson, seed } => {
                        let started = self.start_exam(lesson.as_deref(), seed, host);
                        Some(started.unwrap_or_else(|e| Reply { text: e, session: None }))
                    }
                }
            }
            ["reset"] if self.lesson.is_some() => {
                // Inside a lesson, `reset` restarts the lesson, once confirmed: a bare reset would
                // leave the lesson active in a world it cannot be finished in.
                let (id, seed) = self.lesson.as_ref().map(|l| (l.id.clone(), l.exam_seed))?;
                if !std::mem::replace(&mut self.reset_asked, true) {
                    return reply(format!(
                        "This restarts the lesson {id} from its first step: everything you did in it is lost. Type `reset` again to confirm; any other command keeps your world."
                    ));
                }
                self.reset_asked = false;
                // The time of the run that ends is kept; an exam restarts with its own seed.
                let _ = self.record(session, |_, _| {});
                Some(self.start_drawn(&id, seed, host).unwrap_or_else(|e| Reply { text: e, session: None }))
            }
            [cmd @ ("objective" | "check" | "hint" | "solution" | "answer"), ..] if self.lesson.is_none() => {
                reply(format!("`{cmd}` works inside a lesson: `learn` lists them, `learn LESSON` starts one."))
            }
            ["objective"] => reply(self.lesson.as_ref()?.brief()),
            ["hint"] => {
                let lesson = self.lesson.as_ref()?;
                let Some(h) = lesson.hints.get(self.hints_given) else {
                    return reply("No more hints. `solution` shows a solution once you have tried `check`.".into());
                };
                let text = format!("Hint {} of {}: {h}", self.hints_given + 1, lesson.hints.len());
                self.hints_given += 1;
                let note = self.record(session, |_, r| r.hints = r.hints.saturating_add(1));
                reply(with_note(text, note))
            }
            ["answer", id, value @ ..] if !value.is_empty() => {
                let lesson = self.lesson.as_ref()?;
                let Some(question) = lesson.questions.iter().find(|q| q.id == *id) else {
                    let ids: Vec<&str> = lesson.questions.iter().map(|q| q.id.as_str()).collect();
                    return reply(format!("no question '{id}' in this lesson (questions: {})", ids.join(", ")));
                };
                if let Some(expected) = &question.expected {
                    // Kept as whether it is right; `check` says which are not, never the value.
                    let given = value.join(" ");
                    self.answers.insert(id.to_string(), given.trim().eq_ignore_ascii_case(expected.trim()));
                    return reply(format!("Noted: {id} = {given}."));
                }
                let [yes_no] = value else { return reply(format!("answer {id} yes|no")) };
                let answer = match yes_no.to_ascii_lowercase().as_str() {
                    "yes" | "y" => true,
                    "no" | "n" => false,
                    other => return reply(format!("answer {id} yes|no, not '{other}'")),
                };
                self.answers.insert(id.to_string(), answer);
                reply(format!(
                    "Noted: {id} {}.",
                    if answer { "needs the root user" } else { "does not need the root user" }
                ))
            }
            ["answer", ..] => reply("usage: answer QUESTION yes|no, or answer QUESTION VALUE".into()),
            ["check"] => {
                let lesson = self.lesson.clone()?;
                self.checked = true;
                let verdict = lesson.check(session, &self.answers, host);
                let text = verdict.render();
                let passed = verdict.passed();
                let note = self.record(session, |p, r| {
                    r.checks = r.checks.saturating_add(1);
                    if passed {
                        p.completed.insert(lesson.id.clone());
                        if let Some(seed) = lesson.exam_seed {
                            r.exams_passed.insert(seed);
                        }
                    } else {
                        r.failed_checks = r.failed_checks.saturating_add(1);
                    }
                });
                reply(with_note(text, note))
            }
            ["solution"] => {
                let lesson = self.lesson.clone()?;
                if lesson.exam_seed.is_some() {
                    return reply(format!(
                        "An exam shows no solution: `learn {}` is the lesson, with hints and its solution.",
                        lesson.id
                    ));
                }
                if !self.checked {
                    return reply("Try first: `check` at least once, then `solution` shows one.".into());
                }
                // Every line can be typed as it stands: NAME=$(...) keeps a value for $NAME.
                let note = self.record(session, |_, r| r.solution_viewed = true);
                let text = format!(
                    "A solution, to type line by line (NAME=$(...) keeps what a command prints, for $NAME):\n  {}",
                    lesson.solution_text.lines().collect::<Vec<_>>().join("\n  ")
                );
                reply(with_note(text, note))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_goes_where_the_environment_says() {
        assert_eq!(Progress::path(Some("/p.json"), Some("/s"), Some("/h")), Some(PathBuf::from("/p.json")));
        assert_eq!(Progress::path(None, Some("/s"), Some("/h")), Some(PathBuf::from("/s/rootsim/progress.json")));
        assert_eq!(
            Progress::path(Some(""), None, Some("/h")),
            Some(PathBuf::from("/h/.local/state/rootsim/progress.json"))
        );
        assert_eq!(Progress::path(None, None, None), None);
    }

    #[test]
    fn learn_by_number_reset_asks_first_and_answers_in_any_case() {
        let mut host = rootsim_model::MemoryHost::default();
        let mut tutor = Tutor::default();
        let mut session = Session::demo(rootsim_model::DEFAULT_SEED);
        let lessons = all().unwrap();
        // `learn 2` starts the second lesson of the numbered list; 0 and past the end are refused.
        let reply = tutor.handle("learn 2", &session, &mut host).unwrap();
        session = reply.session.expect("a lesson started");
        assert_eq!(tutor.lesson.as_ref().unwrap().id, lessons[1].id);
        assert!(tutor.handle("learn 0", &session, &mut host).unwrap().text.contains("no lesson number 0"));
        assert!(tutor.handle("learn 99", &session, &mut host).unwrap().session.is_none());
        // Answers: y, YES, No... all count.
        let q = lessons[1].questions[0].id.clone();
        assert!(tutor.handle(&format!("answer {q} YES"), &session, &mut host).unwrap().text.starts_with("Noted"));
        assert_eq!(tutor.answers.get(&q), Some(&true));
        assert!(tutor.handle(&format!("answer {q} No"), &session, &mut host).unwrap().text.starts_with("Noted"));
        assert_eq!(tutor.answers.get(&q), Some(&false));
        // `reset` in a lesson asks first; anything else in between cancels; twice restarts.
        let first = tutor.handle("reset", &session, &mut host).unwrap();
        assert!(first.session.is_none() && first.text.contains("Type `reset` again"), "{}", first.text);
        assert!(tutor.handle("hint", &session, &mut host).is_some());
        assert!(
            tutor.handle("reset", &session, &mut host).unwrap().session.is_none(),
            "asked again after another command"
        );
        let restarted = tutor.handle("reset", &session, &mut host).unwrap();
        assert!(restarted.session.is_some(), "{}", restarted.text);
        assert!(tutor.answers.is_empty(), "the lesson starts afresh");
        // Outside a lesson `reset` is the world's.
        assert!(Tutor::default().handle("reset", &session, &mut host).is_none());
    }

    #[test]
    fn every_command_a_lesson_suggests_exists() {
        // The first word of each `...` in a hint or objective that looks like a command must be
        // a sandbox command, a tutor command or `aws SERVICE OPERATION` that the CLI knows.
        let mut session = Session::demo(rootsim_model::DEFAULT_SEED);
        let mut host = rootsim_model::MemoryHost::default();
        for l in all().unwrap() {
            let texts = l.hints.iter().chain(std::iter::once(&l.objective));
            for text in texts {
                for (i, quoted) in text.split('`').enumerate() {
                    if i % 2 == 0 {
                        continue;
                    }
                    let words: Vec<&str> = quoted.split_whitespace().collect();
                    match words.as_slice() {
                        ["aws", "configure", ..] => {}
                        ["aws", service, op, ..] if !op.starts_with('-') => {
                            let out = session.execute(&format!("aws {service} {op} help"), &mut host);
                            assert!(out.ok, "lesson {}: `{quoted}` names an unknown operation: {}", l.id, out.text);
                        }
                        [first, ..]
                            if !first.starts_with('-') && first.chars().all(|c| c.is_ascii_lowercase() || c == '-') =>
                        {
                            let known =
                                rootsim_model::command::COMMANDS.iter().any(|c| c.name == *first) || *first == "aws";
                            let not_a_command = ["detail", "userIdentity", "events"].contains(first);
                            assert!(known || not_a_command, "lesson {}: `{quoted}` is no command", l.id);
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    #[test]
    fn value_questions_compare_the_answer_ignoring_case() {
        let text = "@lesson q\n@title Q\n@objective Read it.\n@question region Which Region?\n@answer region eu-west-1\n@question n How many?\n@answer n 2\n@setup\n@solution\nanswer region eu-west-1\n";
        let lesson = Lesson::parse("q", text).unwrap();
        assert_eq!(lesson.questions[0].expected.as_deref(), Some("eu-west-1"));
        assert!(lesson.brief().contains("answer ID VALUE"), "{}", lesson.brief());
        let mut host = rootsim_model::MemoryHost::default();
        let session = Session::demo(rootsim_model::DEFAULT_SEED);
        let mut tutor = Tutor { lesson: Some(lesson.clone()), ..Tutor::default() };
        // Unanswered, then wrong, then right in another case: only the last passes.
        assert_eq!(lesson.check(&session, &tutor.answers, &mut host).missing.len(), 2);
        assert!(tutor.handle("answer region us-east-1", &session, &mut host).unwrap().text.starts_with("Noted"));
        assert!(tutor.handle("answer n 2", &session, &mut host).is_some());
        let verdict = lesson.check(&session, &tutor.answers, &mut host);
        assert_eq!(verdict.missing.len(), 1, "{}", verdict.render());
        assert!(verdict.missing[0].0.starts_with("region: not right yet"), "{}", verdict.render());
        assert!(!verdict.render().contains("eu-west-1"), "check never gives the answer away");
        tutor.handle("answer region EU-West-1", &session, &mut host);
        assert!(lesson.check(&session, &tutor.answers, &mut host).passed());
        // An @answer for no question, or without a value, is refused with its line.
        let e = Lesson::parse("q", &text.replace("@answer n 2", "@answer m 2")).unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        assert!(Lesson::parse("q", &text.replace("@answer n 2", "@answer n")).is_err());
    }

    #[test]
    fn malformed_lessons_are_refused_with_their_line() {
        let base = "@lesson x\n@title X\n@objective Do it.\n@setup\nwhoami\n@goal it works\nwhoami\n@expect ok\n@solution\nwhoami\n";
        assert!(Lesson::parse("x", base).is_ok());
        let e = Lesson::parse("x", &base.replace("@goal it works", "@goal")).unwrap_err();
        assert_eq!(e.line, 6);
        let e = Lesson::parse("x", &base.replace("@expect ok", "@expect sometimes")).unwrap_err();
        assert_eq!(e.line, 8, "{e}");
        assert!(Lesson::parse("x", &base.replace("@objective Do it.\n", "")).is_err());
        assert!(Lesson::parse("x", &base.replace("@solution\nwhoami\n", "")).is_err());
        let e = Lesson::parse("x", &format!("{base}@hint late\n")).unwrap_err();
        assert!(e.message.contains("header"), "{e}");
    }

    #[test]
    fn learn_lines_are_read_or_refused_with_the_usage() {
        let parse = |line: &str| LearnRequest::parse(&line.split_whitespace().collect::<Vec<_>>());
        assert_eq!(parse(""), Ok(LearnRequest::List));
        assert_eq!(parse("3"), Ok(LearnRequest::Lesson("3".into())));
        assert_eq!(parse("--exam"), Ok(LearnRequest::Exam { lesson: None, seed: None }));
        assert_eq!(
            parse("--seed 9 --exam scp-denies-root"),
            Ok(LearnRequest::Exam { lesson: Some("scp-denies-root".into()), seed: Some(9) })
        );
        assert_eq!(parse("--report"), Ok(LearnRequest::Report { json: false }));
        assert_eq!(parse("--json --report"), Ok(LearnRequest::Report { json: true }));
        for (bad, words) in [
            ("--exam --report", "do not go together"),
            ("--json", "--json goes with --report"),
            ("--seed 3 x", "--seed goes with --exam"),
            ("--exam --seed", "--seed needs a number"),
            ("--exam --seed -1", "--seed takes a number"),
            ("--report x", "usage"),
            ("a b", "usage"),
            ("--exams", "unknown option --exams"),
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains(words), "{bad}: {e}");
        }
    }

    #[test]
    fn a_version_one_progress_file_is_migrated_and_loses_nothing() {
        let dir = std::env::temp_dir().join(format!("rootsim-progress-v1-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("progress.json");
        // The format before version 2, as an older rootsim wrote it (and a lesson since removed).
        let v1 = r#"{"completed": ["root-vs-admin", "gone-lesson"], "started": ["root-vs-admin", "gone-lesson", "scp-denies-root"]}"#;
        std::fs::write(&path, v1).unwrap();
        let (p, note) = Progress::read(Some(&path)).unwrap();
        assert_eq!(note, None);
        assert_eq!(p.version, PROGRESS_VERSION);
        assert!(p.completed.contains("gone-lesson") && p.started.contains("scp-denies-root"));
        assert!(p.lessons.contains_key("gone-lesson") && p.lessons.contains_key("scp-denies-root"));
        let text = report(Some(&path), false).unwrap();
        let row = |id: &str| text.lines().find(|l| l.contains(&format!(" {id} "))).unwrap().to_string();
        assert!(row("root-vs-admin").contains(" passed "), "{text}");
        assert!(row("scp-denies-root").contains(" started "), "{text}");
        assert!(row("secure-the-root-user").contains(" not started "), "{text}");
        // A hint in a lesson saves the file as version 2, with everything the old one held.
        let mut host = rootsim_model::MemoryHost::default();
        let mut tutor = Tutor::new(Some(path.clone()));
        let session = tutor.start("which-tasks-need-root", &mut host).unwrap().session.unwrap();
        tutor.handle("hint", &session, &mut host).unwrap();
        let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(saved["version"], 2);
        assert_eq!(saved["completed"], serde_json::json!(["gone-lesson", "root-vs-admin"]));
        assert_eq!(saved["lessons"]["which-tasks-need-root"]["hints"], 1);
        assert!(saved["lessons"]["gone-lesson"].is_object());
        // A file of a newer version is read but never saved over.
        let newer = r#"{"version": 3, "completed": ["root-vs-admin"], "started": [], "future": {"x": 1}}"#;
        std::fs::write(&path, newer).unwrap();
        let reply = tutor.handle("hint", &session, &mut host).unwrap();
        assert!(reply.text.contains("version 3"), "{}", reply.text);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), newer);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn exams_take_the_next_seed_and_are_recorded_with_it() {
        let dir = std::env::temp_dir().join(format!("rootsim-progress-exam-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("progress.json");
        let mut host = rootsim_model::MemoryHost::default();
        let mut tutor = Tutor::new(Some(path.clone()));
        let mut session = Session::demo(rootsim_model::DEFAULT_SEED);
        // Without --seed: seed 1, then 2 (the count of exams plus one); without a lesson, the
        // first lesson not yet passed in an exam.
        let first = tutor.handle("learn --exam", &session, &mut host).unwrap();
        assert!(first.text.contains("(seed 1;"), "{}", first.text);
        assert_eq!(tutor.lesson.as_ref().unwrap().id, all().unwrap()[0].id);
        // The same exam again is not another exam: the next default seed is still 2.
        assert!(tutor.handle("learn --exam --seed 1 1", &session, &mut host).unwrap().text.contains("(seed 1;"));
        let second = tutor.handle("learn --exam 2", &session, &mut host).unwrap();
        assert!(second.text.contains("(seed 2;"), "{}", second.text);
        session = second.session.unwrap();
        let lesson = tutor.lesson.clone().unwrap();
        assert_eq!((lesson.id.as_str(), lesson.exam_seed), ("which-tasks-need-root", Some(2)));
        assert_eq!(session.world, lesson.start(&mut host).unwrap().world, "the exam's world is seed 2's");
        // The drawn solution passes; `check` records the exam's seed as passed.
        for (_, line) in &lesson.solution {
            tutor.handle(line, &session, &mut host).unwrap();
        }
        assert!(tutor.handle("check", &session, &mut host).unwrap().text.contains("Objective met"));
        let (p, _) = Progress::read(Some(&path)).unwrap();
        assert_eq!(p.exams, 2);
        let record = &p.lessons["which-tasks-need-root"];
        assert_eq!(record.exams_started, BTreeSet::from([2]));
        assert_eq!(record.exams_passed, BTreeSet::from([2]));
        assert_eq!((record.checks, record.failed_checks), (1, 0));
        let json: serde_json::Value = serde_json::from_str(&report(Some(&path), true).unwrap()).unwrap();
        assert_eq!(json["lessons"][1]["status"], "passed-in-exam");
        assert_eq!(json["lessons"][0]["status"], "started");
        assert_eq!(json["summary"]["passed_in_exam"], 1);
        // The next exam without a lesson skips the lessons passed in an exam.
        tutor.handle("learn --exam --seed 5", &session, &mut host).unwrap();
        assert_eq!(tutor.lesson.as_ref().unwrap().id, all().unwrap()[0].id);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_corrupt_progress_file_is_kept_aside_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("rootsim-progress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("progress.json");
        let corrupt = "{\"completed\": [\"a\", \"b\"],, \"started\": []}";
        std::fs::write(&path, corrupt).unwrap();
        let id = all().unwrap()[0].id.clone();
        let mut tutor = Tutor::new(Some(path.clone()));
        let reply = tutor.start(&id, &mut rootsim_model::MemoryHost::default()).unwrap();
        let aside = dir.join("progress.json.corrupt-1");
        assert_eq!(std::fs::read_to_string(&aside).unwrap(), corrupt, "the corrupt file is kept whole");
        assert!(reply.text.contains("progress.json.corrupt-1"), "{}", reply.text);
        // Progress starts afresh in a new file; a second corrupt file goes beside the first.
        assert!(Progress::read(Some(&path)).unwrap().0.started.contains(&id));
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        let (progress, note) = Progress::read(Some(&path)).unwrap();
        assert_eq!(progress, Progress::default());
        assert!(note.unwrap().contains("corrupt-2"));
        assert_eq!(std::fs::read(dir.join("progress.json.corrupt-2")).unwrap(), [0xff, 0xfe]);
        assert_eq!(std::fs::read_to_string(&aside).unwrap(), corrupt);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
