//! Scenario scripts: the executable specification's format, and the runner.
//!
//! A script is plain text, one command per line (JSON may continue over several lines until its
//! brackets balance), `#` comments, a header, and assertions on the command before them:
//!
//! ```text
//! @title An IAM user without permissions is denied
//! @rules IAM-EVAL-IMPLICIT-DENY
//! @tasks restore-iam-permissions   # root tasks performed (see `rootsim tasks`), if any
//! @world demo            # or: empty (default: demo)
//! @seed 2026             # default: rootsim's default seed
//!
//! sign-in user --account management --user-name bob --password Bob-Passw0rd!
//! aws iam list-users
//! @expect error AccessDenied
//! @expect contains "because no identity-based policy allows"
//! aws sts get-caller-identity
//! @expect ok
//! @expect json Arn = "arn:aws:iam::123456789012:user/bob"
//! @set ACCOUNT = Account          # remember a value of the last JSON output...
//! aws configure                   # a question the CLI asks takes the next line as its answer;
//! @enter                          # @enter answers with an empty line (keeps the value shown)
//! aws iam get-role --role-name x  # ...and use it later as {{ACCOUNT}}
//! # {{account:dev}} is the ID of the account called dev
//! @steps {{SHAPE}}                # run the steps a generated input holds (`@gen SHAPE = org-shape`)
//! ```
//!
//! Running a script produces a transcript (each command with the identity it ran as, then its
//! output) and the list of assertions that failed, each with the file and line.

use rootsim_model::command::lex::needs_more_input;
use rootsim_model::{Host, Session};
use serde_json::Value;
use std::fmt::Write as _;

/// Which world a script starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartWorld {
    /// The built-in demo world.
    Demo,
    /// An empty world.
    Empty,
}

/// One assertion on the previous command.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// The command succeeded.
    Ok,
    /// The command failed with this error code.
    Error(String),
    /// The output contains this text.
    Contains(String),
    /// The output does not contain this text.
    NotContains(String),
    /// A JSON path of the output equals a value.
    Json {
        /// The path, e.g. `Credentials.AccessKeyId` or `Users[0].UserName`.
        path: String,
        /// The expected value, as written.
        expected: String,
    },
}

/// A step of a script.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Run a command.
    Command(String),
    /// Check the previous command.
    Expect(Expect),
    /// `@steps {{NAME}}`: run the steps a generated input holds (an `org-shape`), as if they
    /// were written here.
    Fragment(String),
    /// Remember a value of the previous command's JSON output.
    Set {
        /// The variable, used later as `{{NAME}}`.
        name: String,
        /// The JSON path.
        path: String,
    },
}

/// A parsed scenario script.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// Where it came from (for messages).
    pub path: String,
    /// `@title`.
    pub title: String,
    /// `@rules`.
    pub rules: Vec<String>,
    /// `@tasks`: the root-task catalogue entries (`rootsim tasks`) that the scenario performs.
    pub tasks: Vec<String>,
    /// `@world`.
    pub world: StartWorld,
    /// `@seed`.
    pub seed: u64,
    /// The steps with their 1-based line numbers.
    pub steps: Vec<(usize, Step)>,
    /// `@gen`: generated inputs; with any, the script runs as a property ([`crate::generate`]).
    pub gens: Vec<crate::generate::Gen>,
    /// `@cases`: how many drawn cases a property runs (default 256).
    pub cases: u32,
    /// The script's text, for writing a failing case back out as a concrete script.
    pub source: String,
}

/// A script that cannot be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct ParseError {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

fn unquote(text: &str) -> String {
    let t = text.trim();
    if t.len() >= 2 && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\''))) {
        t[1..t.len() - 1].replace("\\\"", "\"")
    } else {
        t.to_string()
    }
}

impl Script {
    /// Parses a script's text; `path` is only used in messages.
    pub fn parse(path: &str, text: &str) -> Result<Script, ParseError> {
        let mut script = Script {
            path: path.to_string(),
            title: String::new(),
            rules: Vec::new(),
            tasks: Vec::new(),
            world: StartWorld::Demo,
            seed: rootsim_model::DEFAULT_SEED,
            steps: Vec::new(),
            gens: Vec::new(),
            cases: crate::generate::DEFAULT_CASES,
            source: text.to_string(),
        };
        let err =
            |line: usize, column: usize, message: String| ParseError { path: path.to_string(), line, column, message };
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let n = i + 1;
            let raw = lines[i].trim_end_matches('\r');
            let line = raw.trim();
            let indent = raw.len() - raw.trim_start().len();
            i += 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(directive) = line.strip_prefix('@') {
                let (word, rest) = directive.split_once(char::is_whitespace).unwrap_or((directive, ""));
                let rest = rest.trim();
                let header = matches!(word, "title" | "rules" | "tasks" | "world" | "seed" | "gen" | "cases");
                if header && !script.steps.is_empty() {
                    return Err(err(n, indent + 1, format!("@{word} belongs in the header, before the first command")));
                }
                match word {
                    "title" => script.title = rest.to_string(),
                    "rules" => {
                        script.rules = rest.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect()
                    }
                    "tasks" => {
                        script.tasks = rest.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect()
                    }
                    "world" => {
                        script.world = match rest {
                            "demo" => StartWorld::Demo,
                            "empty" => StartWorld::Empty,
                            other => {
                                return Err(err(n, indent + 8, format!("unknown world '{other}' (demo or empty)")))
                            }
                        }
                    }
                    "seed" => {
                        script.seed = rest
                            .parse()
                            .map_err(|_| err(n, indent + 7, format!("@seed takes a whole number, not '{rest}'")))?
                    }
                    "gen" => {
                        let gen = crate::generate::Gen::parse(rest, n).map_err(|m| err(n, indent + 6, m))?;
                        if script.gens.iter().any(|g| g.name == gen.name) {
                            return Err(err(n, indent + 6, format!("@gen {} is declared twice", gen.name)));
                        }
                        script.gens.push(gen);
                    }
                    "cases" => {
                        script.cases = rest.parse().ok().filter(|&c| c > 0).ok_or_else(|| {
                            err(n, indent + 8, format!("@cases takes a positive whole number, not '{rest}'"))
                        })?
                    }
                    "expect" => {
                        if !script.steps.iter().any(|(_, s)| matches!(s, Step::Command(_))) {
                            return Err(err(n, indent + 1, "@expect needs a command before it".into()));
                        }
                        let (kind, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                        let arg = arg.trim();
                        let expect = match kind {
                            "ok" if arg.is_empty() => Expect::Ok,
                            "error" if !arg.is_empty() => Expect::Error(arg.to_string()),
                            "contains" if !arg.is_empty() => Expect::Contains(unquote(arg)),
                            "not-contains" if !arg.is_empty() => Expect::NotContains(unquote(arg)),
                            "json" => match arg.split_once('=') {
                                Some((p, v)) if !p.trim().is_empty() && !v.trim().is_empty() => {
                                    Expect::Json { path: p.trim().to_string(), expected: v.trim().to_string() }
                                }
                                _ => return Err(err(n, indent + 13, "usage: @expect json PATH = VALUE".into())),
                            },
                            _ => {
                                return Err(err(
                                    n,
                                    indent + 9,
                                    format!("unknown expectation '{rest}': use ok, error CODE, contains TEXT, not-contains TEXT or json PATH = VALUE"),
                                ))
                            }
                        };
                        script.steps.push((n, Step::Expect(expect)));
                    }
                    "steps" if rest.starts_with("{{") && rest.ends_with("}}") => {
                        script.steps.push((n, Step::Fragment(rest.to_string())))
                    }
                    // Pressing Enter at a question the CLI asked: an empty answer.
                    "enter" if rest.is_empty() => script.steps.push((n, Step::Command(String::new()))),
                    "set" => match rest.split_once('=') {
                        Some((name, p)) if is_var(name.trim()) && !p.trim().is_empty() => script
                            .steps
                            .push((n, Step::Set { name: name.trim().to_string(), path: p.trim().to_string() })),
                        _ => {
                            return Err(err(n, indent + 6, "usage: @set NAME = PATH (NAME: letters, digits, _)".into()))
                        }
                    },
                    other => {
                        // The column of the `@` itself.
                        return Err(err(
                            n,
                            indent + 1,
                            format!("unknown directive @{other} (title, rules, tasks, world, seed, gen, cases, expect, set, enter, steps)"),
                        ));
                    }
                }
                continue;
            }
            // A command, continued over the next lines while a quote or JSON bracket is open.
            let mut command = line.to_string();
            while needs_more_input(&command) && i < lines.len() {
                command.push('\n');
                command.push_str(lines[i].trim_end_matches('\r'));
                i += 1;
            }
            if needs_more_input(&command) {
                return Err(err(n, indent + 1, "this command never closes its quote or JSON bracket".into()));
            }
            script.steps.push((n, Step::Command(command)));
        }
        Ok(script)
    }
}

fn is_var(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Substitutes variables in the texts an assertion compares against.
fn substitute_expect(expect: &Expect, vars: &[(String, String)], session: &Session) -> Result<Expect, String> {
    Ok(match expect {
        Expect::Contains(t) => Expect::Contains(substitute(t, vars, session)?),
        Expect::NotContains(t) => Expect::NotContains(substitute(t, vars, session)?),
        Expect::Json { path, expected } => {
            Expect::Json { path: path.clone(), expected: substitute(expected, vars, session)? }
        }
        other => other.clone(),
    })
}

/// Looks up a path such as `Credentials.AccessKeyId` or `Users[0].UserName` in a JSON value.
pub fn json_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = value;
    for segment in path.split('.') {
        let (name, mut rest) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !name.is_empty() {
            cur = cur.get(name)?;
        }
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            cur = cur.get(r[..end].parse::<usize>().ok()?)?;
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(cur)
}

/// Whether `actual` matches `expected` as written in a script: JSON equality, or for a string
/// the bare text (so `= 123456789012` matches the string "123456789012").
fn json_matches(actual: &Value, expected: &str) -> bool {
    match serde_json::from_str::<Value>(expected) {
        Ok(v) if v == *actual => true,
        _ => actual.as_str() == Some(expected),
    }
}

/// A failed assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// 1-based line of the assertion.
    pub line: usize,
    /// What was expected and what came instead.
    pub message: String,
}

/// The result of running a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The transcript: each command with who ran it, then its output.
    pub transcript: String,
    /// Assertions that did not hold.
    pub failures: Vec<Failure>,
    /// For a property that failed: its shrunk case as a concrete script, which
    /// [`crate::runner::save_found`] keeps under `scenarios/found/`.
    pub counterexample: Option<String>,
    /// The variables the script's `@set` lines left (a lesson's goals read its setup's).
    pub vars: Vec<(String, String)>,
}

/// Replaces `{{account:NAME}}` with the ID of the account called NAME, so that scripts and
/// lessons need not hard-code generated IDs; other `{{...}}` are left as they are.
pub fn substitute_accounts(text: &str, session: &Session) -> Result<String, String> {
    let mut out = text.to_string();
    while let Some(i) = out.find("{{account:") {
        let Some(len) = out[i..].find("}}") else { break };
        let name = &out[i + 10..i + len];
        let id = session
            .world
            .accounts
            .find(name)
            .map(|a| a.id.clone())
            .ok_or_else(|| format!("{{{{account:{name}}}}}: no account called {name}"))?;
        out.replace_range(i..i + len + 2, &id);
    }
    Ok(out)
}

/// Replaces `{{NAME}}` with variables set by `@set`, and `{{account:NAME}}` with the ID of the
/// account called NAME, so scripts need not hard-code generated IDs.
fn substitute(command: &str, vars: &[(String, String)], session: &Session) -> Result<String, String> {
    let mut out = command.to_string();
    for (name, value) in vars {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    let out = substitute_accounts(&out, session)?;
    if let Some(i) = out.find("{{") {
        if let Some(j) = out[i..].find("}}") {
            return Err(format!("unknown variable {} (set it with @set first)", &out[i..i + j + 2]));
        }
    }
    Ok(out)
}

fn short(text: &str) -> String {
    let t = text.trim();
    let first: String = t.lines().take(3).collect::<Vec<_>>().join(" | ");
    if first.chars().count() > 300 {
        format!("{}...", first.chars().take(300).collect::<String>())
    } else {
        first
    }
}

/// Runs a script against a fresh session from its header, with `host` for files. A script with
/// `@gen` inputs runs as a property ([`crate::generate::run_property`]).
pub fn run(script: &Script, host: &mut dyn Host) -> Report {
    if !script.gens.is_empty() {
        return crate::generate::run_property(script, host);
    }
    run_in(script, &mut fresh_session(script), host)
}

/// The session a script starts from (`@world`, `@seed`).
pub fn fresh_session(script: &Script) -> Session {
    match script.world {
        StartWorld::Demo => Session::demo(script.seed),
        StartWorld::Empty => Session::empty(script.seed),
    }
}

/// Runs a script's steps in an existing session.
pub fn run_in(script: &Script, session: &mut Session, host: &mut dyn Host) -> Report {
    run_with(script, session, host, Vec::new())
}

/// Runs a script's steps in an existing session with variables already set (`{{NAME}}`), such
/// as drawn `@gen` values.
pub fn run_with(script: &Script, session: &mut Session, host: &mut dyn Host, vars: Vec<(String, String)>) -> Report {
    let mut state = Run {
        transcript: String::new(),
        failures: Vec::new(),
        vars,
        last: None,
        tutor: crate::lesson::Tutor::default(),
    };
    if !script.title.is_empty() {
        let _ = writeln!(state.transcript, "# {}", script.title);
    }
    run_steps(&script.path, &script.steps, session, host, &mut state, None);
    Report { transcript: state.transcript, failures: state.failures, counterexample: None, vars: state.vars }
}

/// What a run carries from step to step.
struct Run {
    transcript: String,
    failures: Vec<Failure>,
    vars: Vec<(String, String)>,
    last: Option<rootsim_model::Outcome>,
    /// The course's tutor, as in the REPL: `learn`, `check`, `hint`... (progress in memory).
    tutor: crate::lesson::Tutor,
}

/// Runs steps in order. Inside an `@steps` fragment, `at` is the directive's line: failures are
/// reported there (with the fragment's own line in the message), and fragments do not nest.
fn run_steps(
    path: &str,
    steps: &[(usize, Step)],
    session: &mut Session,
    host: &mut dyn Host,
    state: &mut Run,
    at: Option<usize>,
) {
    let Run { transcript, failures, vars, last, tutor } = state;
    for (line, step) in steps {
        let fail = |message: String| match at {
            Some(at) => Failure { line: at, message: format!("(line {line} of the @steps fragment) {message}") },
            None => Failure { line: *line, message },
        };
        match step {
            Step::Fragment(text) => {
                let text = match substitute_vars(text, vars) {
                    Some(t) if at.is_none() => t,
                    Some(_) => {
                        failures.push(fail("@steps fragments do not nest".into()));
                        continue;
                    }
                    None => {
                        failures.push(fail(format!("@steps {text}: not a generated or @set value")));
                        continue;
                    }
                };
                match Script::parse(path, &text) {
                    Ok(fragment) => {
                        let mut inner = Run {
                            transcript: std::mem::take(transcript),
                            failures: std::mem::take(failures),
                            vars: std::mem::take(vars),
                            last: last.take(),
                            tutor: std::mem::take(tutor),
                        };
                        run_steps(path, &fragment.steps, session, host, &mut inner, Some(*line));
                        (*transcript, *failures, *vars, *last, *tutor) =
                            (inner.transcript, inner.failures, inner.vars, inner.last, inner.tutor);
                    }
                    Err(e) => failures.push(fail(format!("@steps: the fragment does not parse: {}", e.message))),
                }
            }
            Step::Command(command) => {
                let command = match substitute(command, vars, session) {
                    Ok(c) => c,
                    Err(e) => {
                        failures.push(fail(e));
                        *last = None;
                        continue;
                    }
                };
                // An answer to the CLI's question follows the question, as on the terminal.
                match session.question() {
                    Some(q) => {
                        let _ = writeln!(transcript, "{q}{command}");
                    }
                    None => {
                        let _ = writeln!(transcript, "[{}] $ {}", session.prompt(), command);
                    }
                }
                // The tutor's commands first, as the REPL types a line; a lesson started replaces
                // the world. Its JSON (`learn --report --json`) is kept for `@expect json`.
                let outcome = match tutor.handle(&command, session, host) {
                    Some(reply) => {
                        if let Some(started) = reply.session {
                            *session = started;
                        }
                        let json = serde_json::from_str(&reply.text).ok();
                        rootsim_model::Outcome { json, ..rootsim_model::Outcome::ok(reply.text) }
                    }
                    None => session.execute(&command, host),
                };
                if !outcome.text.is_empty() {
                    let _ = writeln!(transcript, "{}", outcome.text);
                }
                *last = Some(outcome);
            }
            Step::Expect(expect) => {
                let expect = match substitute_expect(expect, vars, session) {
                    Ok(e) => e,
                    Err(e) => {
                        failures.push(fail(e));
                        continue;
                    }
                };
                let Some(out) = &*last else {
                    failures.push(fail("no command output to check".into()));
                    continue;
                };
                let got = || match (&out.code, out.ok) {
                    (_, true) => format!("success: {}", short(&out.text)),
                    (Some(c), false) => format!("error {c}: {}", short(&out.text)),
                    (None, false) => format!("failure: {}", short(&out.text)),
                };
                let problem = match &expect {
                    Expect::Ok if !out.ok => Some(format!("expected success, got {}", got())),
                    Expect::Error(code) if out.ok || out.code.as_deref() != Some(code.as_str()) => {
                        Some(format!("expected error {code}, got {}", got()))
                    }
                    Expect::Contains(t) if !out.text.contains(t.as_str()) => {
                        Some(format!("expected the output to contain {t:?}, got: {}", short(&out.text)))
                    }
                    Expect::NotContains(t) if out.text.contains(t.as_str()) => {
                        Some(format!("expected the output not to contain {t:?}, got: {}", short(&out.text)))
                    }
                    Expect::Json { path, expected } => match out.json.as_ref().map(|j| json_path(j, path)) {
                        None => Some(format!("expected JSON output for {path}, got {}", got())),
                        Some(None) => Some(format!("expected {path} = {expected}, but the output has no {path}")),
                        Some(Some(actual)) if !json_matches(actual, expected) => {
                            Some(format!("expected {path} = {expected}, got {actual}"))
                        }
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(p) = problem {
                    failures.push(fail(p));
                }
            }
            Step::Set { name, path } => {
                let value = last.as_ref().and_then(|o| o.json.as_ref()).and_then(|j| json_path(j, path));
                match value {
                    Some(v) => {
                        let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                        vars.retain(|(n, _)| n != name);
                        vars.push((name.clone(), text));
                    }
                    None => failures.push(fail(format!("@set {name}: the last output has no JSON value at {path}"))),
                }
            }
        }
    }
}

/// `{{NAME}}` replaced with its value, when the text is just that one variable.
fn substitute_vars(text: &str, vars: &[(String, String)]) -> Option<String> {
    let name = text.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_header_steps_and_continuations() {
        let s = Script::parse(
            "t.rsim",
            "# c\n@title T\n@rules A-1, B-2\n@world empty\n@seed 7\nwhoami\n@expect ok\naws iam x --d {\n \"a\": 1\n}\n@set X = a.b[0]\n",
        )
        .unwrap();
        assert_eq!((s.title.as_str(), s.rules.len(), s.world, s.seed), ("T", 2, StartWorld::Empty, 7));
        assert_eq!(s.steps.len(), 4);
        assert_eq!(s.steps[2], (8, Step::Command("aws iam x --d {\n \"a\": 1\n}".into())));
    }

    #[test]
    fn parse_errors_name_line_and_column() {
        let e = Script::parse("t.rsim", "whoami\n  @bogus x\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(Script::parse("t.rsim", "@expect ok\n").is_err());
        assert!(Script::parse("t.rsim", "whoami\n@title late\n").is_err());
        assert!(Script::parse("t.rsim", "aws x --d {\n").is_err());
        assert!(Script::parse("t.rsim", "whoami\n@expect json = 1\n").is_err());
    }

    #[test]
    fn json_paths() {
        let v = json!({"a": {"b": [1, {"c": "x"}]}});
        assert_eq!(json_path(&v, "a.b[1].c"), Some(&json!("x")));
        assert_eq!(json_path(&v, "a.b[5]"), None);
        assert_eq!(json_path(&v, "a.b[x]"), None);
        assert!(json_matches(&json!("123"), "123"));
        assert!(json_matches(&json!(true), "true"));
        assert!(!json_matches(&json!("a"), "\"b\""));
    }

    #[test]
    fn failing_assertions_are_reported_with_their_line() {
        let s = Script::parse(
            "t.rsim",
            "@world empty\nwhoami\n@expect error AccessDenied\n@expect contains \"signed out\"\n",
        )
        .unwrap();
        let r = run(&s, &mut rootsim_model::MemoryHost::default());
        assert_eq!(r.failures.len(), 1);
        assert_eq!(r.failures[0].line, 3);
        assert!(r.transcript.contains("[signed-out] $ whoami"));
    }
}
