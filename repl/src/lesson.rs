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
//! A `@question` makes the lesson a quiz as well: the trainee answers with `answer ID yes|no`,
//! and `check` compares each answer with the root-task catalogue (`rootsim tasks`): the right
//! answer is "yes" exactly when ID is a task there. The solution answers with the same command.

use crate::script::{run_in, Failure, ParseError, Script, StartWorld};
use crate::shell::{type_line, Vars};
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
    /// Parses a lesson file; `path` is only used in messages.
    pub fn parse(path: &str, text: &str) -> Result<Lesson, ParseError> {
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
                Some((word @ ("lesson" | "title" | "objective" | "hint" | "question"), rest)) => {
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
                        _ => match rest.split_once(char::is_whitespace) {
                            Some((q, text)) => questions.push(Question { id: q.into(), text: text.trim().into() }),
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
        })
    }

    /// A fresh session with the lesson's world built.
    pub fn start(&self, host: &mut dyn Host) -> Result<Session, String> {
        let mut session = match self.setup.world {
            StartWorld::Demo => Session::demo(self.setup.seed),
            StartWorld::Empty => Session::empty(self.setup.seed),
        };
        let report = run_in(&self.setup, &mut session, host);
        match report.failures.first() {
            None => Ok(session),
            Some(f) => Err(format!("lesson {}: its setup failed at line {}: {}", self.id, f.line, f.message)),
        }
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
            let printed = type_line(session, &mut tutor, &mut vars, line, host);
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
        let mut out = format!("Lesson: {}\n\n{}\n", self.title, self.objective);
        if !self.questions.is_empty() {
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
        for goal in &self.goals {
            let mut copy = session.clone();
            let report = run_in(&goal.script, &mut copy, host);
            if report.failures.is_empty() {
                met.push(goal.what.clone());
            } else {
                missing.push((goal.what.clone(), report.failures));
            }
        }
        for q in &self.questions {
            let right = tasks::find(&q.id).is_some();
            match answers.get(&q.id) {
                Some(&a) if a == right => met.push(format!("{}: answered right", q.id)),
                Some(_) => missing.push((
                    format!("{}: not right yet (look it up with `tasks`, or try it as alice)", q.id),
                    vec![Failure { line: 0, message: "wrong answer".into() }],
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
    SHIPPED.iter().map(|(name, text)| Lesson::parse(&format!("scenarios/lessons/{name}"), text)).collect()
}

/// Finds a shipped lesson by ID.
pub fn find(id: &str) -> Option<Lesson> {
    all().ok()?.into_iter().find(|l| l.id == id)
}

/// The lessons a trainee completed, saved between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// IDs of the lessons whose `check` passed.
    pub completed: BTreeSet<String>,
    /// IDs of the lessons started.
    pub started: BTreeSet<String>,
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
                Ok(p) => return Ok((p, None)),
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
    fn update(path: Option<&Path>, change: impl FnOnce(&mut Progress)) -> Option<String> {
        match Progress::read(path) {
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

/// The tutor: the lesson under way in a REPL, answering `learn`, `objective`, `check`, `hint`,
/// `solution` and `answer`. Other lines go to the world.
#[derive(Debug, Default)]
pub struct Tutor {
    /// The lesson under way.
    pub lesson: Option<Lesson>,
    hints_given: usize,
    checked: bool,
    answers: BTreeMap<String, bool>,
    /// `reset` was typed once in a lesson and waits for its confirmation.
    reset_asked: bool,
    /// Where progress is saved (`None`: not saved).
    pub progress_path: Option<PathBuf>,
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

    /// Starts a lesson: its world, its brief. Records it as started.
    pub fn start(&mut self, id: &str, host: &mut dyn Host) -> Result<Reply, String> {
        let lesson = find(id).ok_or_else(|| format!("no lesson '{id}'; `learn` lists them"))?;
        let session = lesson.start(host)?;
        let text = lesson.brief();
        let note = Progress::update(self.progress_path.as_deref(), |p| {
            p.started.insert(lesson.id.clone());
        });
        let text = match note {
            Some(note) => format!("({note})\n{text}"),
            None => text,
        };
        *self = Tutor { lesson: Some(lesson), progress_path: self.progress_path.take(), ..Tutor::default() };
        Ok(Reply { text, session: Some(session) })
    }

    /// Handles a tutor command; `None` when the line is not one.
    pub fn handle(&mut self, line: &str, session: &Session, host: &mut dyn Host) -> Option<Reply> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let reply = |text: String| Some(Reply { text, session: None });
        if words.first() != Some(&"reset") {
            self.reset_asked = false;
        }
        match words.as_slice() {
            ["learn"] => reply(match Progress::read(self.progress_path.as_deref()) {
                Ok((progress, None)) => list(&progress),
                Ok((progress, Some(note))) => format!("({note})\n{}", list(&progress)),
                Err(e) => format!("({e})\n{}", list(&Progress::default())),
            }),
            ["learn", id] => {
                // `learn 3`: the list is numbered.
                let id = match id.parse::<usize>() {
                    Ok(n) => match all().ok().and_then(|l| l.get(n.wrapping_sub(1)).map(|l| l.id.clone())) {
                        Some(id) => id,
                        None => return reply(format!("no lesson number {n}; `learn` lists them")),
                    },
                    Err(_) => id.to_string(),
                };
                self.reset_asked = false;
                Some(self.start(&id, host).unwrap_or_else(|e| Reply { text: e, session: None }))
            }
            ["reset"] if self.lesson.is_some() => {
                // Inside a lesson, `reset` restarts the lesson, once confirmed: a bare reset would
                // leave the lesson active in a world it cannot be finished in.
                let id = self.lesson.as_ref()?.id.clone();
                if !std::mem::replace(&mut self.reset_asked, true) {
                    return reply(format!(
                        "This restarts the lesson {id} from its first step: everything you did in it is lost. Type `reset` again to confirm; any other command keeps your world."
                    ));
                }
                self.reset_asked = false;
                Some(self.start(&id, host).unwrap_or_else(|e| Reply { text: e, session: None }))
            }
            [cmd @ ("objective" | "check" | "hint" | "solution" | "answer"), ..] if self.lesson.is_none() => {
                reply(format!("`{cmd}` works inside a lesson: `learn` lists them, `learn LESSON` starts one."))
            }
            ["objective"] => reply(self.lesson.as_ref()?.brief()),
            ["hint"] => {
                let lesson = self.lesson.as_ref()?;
                let text = match lesson.hints.get(self.hints_given) {
                    Some(h) => {
                        self.hints_given += 1;
                        format!("Hint {} of {}: {h}", self.hints_given, lesson.hints.len())
                    }
                    None => "No more hints. `solution` shows a solution once you have tried `check`.".into(),
                };
                reply(text)
            }
            ["answer", id, yes_no] => {
                let lesson = self.lesson.as_ref()?;
                if !lesson.questions.iter().any(|q| q.id == *id) {
                    let ids: Vec<&str> = lesson.questions.iter().map(|q| q.id.as_str()).collect();
                    return reply(format!("no question '{id}' in this lesson (questions: {})", ids.join(", ")));
                }
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
            ["answer", ..] => reply("usage: answer QUESTION yes|no".into()),
            ["check"] => {
                let lesson = self.lesson.as_ref()?;
                self.checked = true;
                let verdict = lesson.check(session, &self.answers, host);
                let mut text = verdict.render();
                if verdict.passed() {
                    let note = Progress::update(self.progress_path.as_deref(), |p| {
                        p.completed.insert(lesson.id.clone());
                    });
                    if let Some(note) = note {
                        text.push_str(&format!("\n({note})"));
                    }
                }
                reply(text)
            }
            ["solution"] => {
                let lesson = self.lesson.as_ref()?;
                if !self.checked {
                    return reply("Try first: `check` at least once, then `solution` shows one.".into());
                }
                // Every line can be typed as it stands: NAME=$(...) keeps a value for $NAME.
                let _ = session;
                reply(format!(
                    "A solution, to type line by line (NAME=$(...) keeps what a command prints, for $NAME):\n  {}",
                    lesson.solution_text.lines().collect::<Vec<_>>().join("\n  ")
                ))
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
