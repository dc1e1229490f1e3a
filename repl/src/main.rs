//! `rootsim`: the REPL on a simulated AWS estate, the script runner, and the command line.

use clap::{Parser, Subcommand};
use rootsim::host::FsHost;
use rootsim::lesson::Tutor;
use rootsim_model::command::lex::needs_more_input;
use rootsim_model::{Session, DEFAULT_SEED};
use rootsim_policy::{Policy, PolicyKind};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod eval_cmd;

/// mimalloc: the engine allocates small, short-lived strings and vectors per decision, and
/// mimalloc serves those about twice as fast as the system allocator (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A simulation and training sandbox of an AWS estate: accounts, Organizations, the root user, IAM.
///
/// With no command, rootsim starts the REPL on the built-in demo world; when standard input is not
/// a terminal it reads commands from it as a script, without prompts.
#[derive(Parser)]
#[command(name = "rootsim", version, about)]
struct Cli {
    /// Seed of the generator behind every ID, key and token (default 1); with `learn --exam`, the
    /// exam's seed.
    #[arg(long, global = true)]
    seed: Option<u64>,
    /// Start from an empty world instead of the demo world.
    #[arg(long, global = true)]
    empty: bool,
    /// Start on a synthetic estate of this size, e.g. `accounts=1000,roles=50000,policies=100000`
    /// (see the `synth` command).
    #[arg(long, global = true, value_name = "SIZES")]
    synthetic: Option<String>,
    /// Start from a world saved with `save`.
    #[arg(long, global = true, value_name = "FILE")]
    load: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Runs scenario scripts (files, or folders searched for *.rsim) and checks their assertions.
    Run {
        /// Print each scenario's transcript.
        #[arg(long, short)]
        verbose: bool,
        /// Run every property (a script with `@gen` inputs) with N cases instead of its `@cases`
        /// (also the environment variable ROOTSIM_CASES; this option wins).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        cases: Option<u32>,
        /// Script files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Decides requests without a world: JSON requests in (one per line, or an array), one JSON
    /// answer per line out. See docs/eval.md.
    Eval {
        /// The requests file, or - (the default) for standard input.
        #[arg(default_value = "-")]
        input: String,
    },
    /// Checks a policy document as IAM (or Organizations) would; exits 0 when valid, 1 when not.
    /// With --findings, gives IAM Access Analyzer's policy validation findings instead, one line
    /// each (`LINE:COL TYPE CODE message`); exits 1 when any is an ERROR or SECURITY_WARNING.
    ValidatePolicy {
        /// The kind of policy, which decides the rules.
        #[arg(long = "type", value_enum, default_value_t = Kind::Identity)]
        kind: Kind,
        /// Give Access Analyzer's findings (docs/eval.md).
        #[arg(long)]
        findings: bool,
        /// With --findings: print Access Analyzer's JSON response (`{"findings": [...]}`).
        #[arg(long, requires = "findings")]
        json: bool,
        /// The document file, or - for standard input.
        input: String,
    },
    /// Prints the catalogue of tasks that need the root user, or one task in detail.
    Tasks {
        /// Print JSON for machines.
        #[arg(long)]
        json: bool,
        /// One task's ID, e.g. close-account.
        task: Option<String>,
        /// Who can do each task now in this account (ID or name) of the demo world, or of the
        /// world given with --load.
        #[arg(long, value_name = "ACCOUNT", conflicts_with = "task")]
        account: Option<String>,
    },
    /// The course: with no LESSON, lists the lessons and your progress; with one, starts the REPL
    /// on its world (inside, `check`, `hint`, `objective`, `solution`, `answer` and `learn`).
    /// `--exam` draws the lesson's names, accounts and broken policy from `--seed` (printed, so
    /// an exam can be given again); `--report` prints the progress a trainer collects.
    Learn {
        /// The lesson's ID or number in the list.
        lesson: Option<String>,
        /// An exam: the lesson drawn from --seed (default: the next exam's seed), checked with
        /// the same goals; without LESSON, the first lesson not yet passed in an exam.
        #[arg(long, conflicts_with = "report")]
        exam: bool,
        /// The progress report: each lesson's status, checks, hints, solution, simulated time.
        #[arg(long, conflicts_with = "lesson")]
        report: bool,
        /// The report as JSON (docs/tutorial.md documents its shape).
        #[arg(long, requires = "report")]
        json: bool,
    },
    /// Imports an estate folder of AWS CLI output (docs/import.md), prints what was imported and
    /// what was skipped (on standard error), then runs the REPL or the piped script on it.
    Import {
        /// Exit with status 1, before running anything, when anything was skipped or warned of.
        #[arg(long)]
        strict: bool,
        /// The estate folder.
        dir: PathBuf,
    },
    /// Writes the starting world (the demo world, `--empty`, or `--load FILE`) as an estate folder
    /// of AWS CLI output (docs/import.md).
    Export {
        /// The folder to write; created when missing, refused when it holds files.
        dir: PathBuf,
        /// Replace a previous export: remove the estate layout's files already in the folder
        /// (and nothing else) before writing.
        #[arg(long)]
        force: bool,
    },
    /// Prints each rule of docs/rules.md with the scenarios that check it and whether they pass;
    /// exits 0 when every rule has a scenario and every scenario passes.
    Rules {
        /// Print JSON for machines.
        #[arg(long)]
        json: bool,
        /// Where the scenario scripts are.
        #[arg(long, value_name = "DIR", default_value = "scenarios")]
        scenarios: PathBuf,
    },
}

/// Policy kinds as `validate-policy --type` names them.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Kind {
    Identity,
    Resource,
    Trust,
    Boundary,
    Session,
    Scp,
    Rcp,
}

impl From<Kind> for PolicyKind {
    fn from(k: Kind) -> PolicyKind {
        match k {
            Kind::Identity => PolicyKind::Identity,
            Kind::Resource => PolicyKind::Resource,
            Kind::Trust => PolicyKind::Trust,
            Kind::Boundary => PolicyKind::Boundary,
            Kind::Session => PolicyKind::Session,
            Kind::Scp => PolicyKind::Scp,
            Kind::Rcp => PolicyKind::Rcp,
        }
    }
}

/// Prints to standard output, ignoring a closed pipe (`rootsim rules | head` must not panic).
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Reads a file, or standard input for `-`.
fn read_input(input: &str) -> Result<String, String> {
    if input == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(input).map_err(|e| format!("cannot read {input}: {e}"))
    }
}

fn start(cli: &Cli) -> Result<Session, String> {
    if let Some(path) = &cli.load {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return Session::from_json(&text).map_err(|e| format!("cannot load {}: {e}", path.display()));
    }
    if let Some(sizes) = &cli.synthetic {
        let spec = rootsim_model::synth::Spec::parse(sizes).map_err(|e| format!("--synthetic: {e}"))?;
        return Ok(Session::synthetic(&spec, cli.seed.unwrap_or(DEFAULT_SEED)));
    }
    Ok(if cli.empty {
        Session::empty(cli.seed.unwrap_or(DEFAULT_SEED))
    } else {
        Session::demo(cli.seed.unwrap_or(DEFAULT_SEED))
    })
}

/// Runs commands read from standard input: outputs on stdout, errors on stderr. Exits 1 when a
/// command failed, so scripts can be checked from a shell.
fn run_stdin(mut session: Session, mut tutor: Tutor) -> ExitCode {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("rootsim: cannot read standard input: {e}");
        return ExitCode::from(2);
    }
    let mut host = FsHost::cwd();
    let mut failed = false;
    let mut vars = rootsim::shell::Vars::default();
    let (mut stdout, mut stderr) = (std::io::stdout().lock(), std::io::stderr().lock());
    let lines: Vec<&str> = input.lines().collect();
    let mut next = 0;
    while next < lines.len() {
        // A question the CLI asked takes the next line, even an empty one (Enter), as its answer.
        if session.question().is_some() {
            let outcome = session.execute(lines[next], &mut host);
            next += 1;
            if !outcome.text.is_empty() {
                let _ = if outcome.ok {
                    writeln!(stdout, "{}", outcome.text)
                } else {
                    writeln!(stderr, "{}", outcome.text)
                };
            }
            if let Some(q) = session.question() {
                let _ = write!(stdout, "{q}");
            }
            failed |= !outcome.ok;
            continue;
        }
        // A command: lines join while a quote or JSON bracket is open (as `split_commands`).
        let mut command = String::new();
        let began = next + 1;
        while next < lines.len() {
            if !command.is_empty() {
                command.push('\n');
            }
            command.push_str(lines[next]);
            next += 1;
            if !needs_more_input(&command) {
                break;
            }
        }
        if command.trim().is_empty() {
            continue;
        }
        if needs_more_input(&command) {
            let _ = writeln!(
                stderr,
                "rootsim: line {began}: the input ended inside an unclosed quote or JSON bracket opened on this line"
            );
            failed = true;
            break;
        }
        if command.trim_start().starts_with('@') {
            let _ = writeln!(
                stderr,
                "rootsim: '{}' is a scenario directive: run scenario files with `rootsim run FILE`",
                command.trim()
            );
            failed = true;
            continue;
        }
        // Shell variables, then the tutor's commands (learn, check, hint...), then the world.
        let outcome = rootsim::shell::type_line(&mut session, &mut tutor, &mut vars, &command, &mut host);
        if !outcome.text.is_empty() {
            let _ =
                if outcome.ok { writeln!(stdout, "{}", outcome.text) } else { writeln!(stderr, "{}", outcome.text) };
        }
        // A question the CLI asked is printed as the CLI prints it; the next line answers it.
        if let Some(q) = session.question() {
            let _ = write!(stdout, "{q}");
        }
        failed |= !outcome.ok;
        if outcome.exit {
            break;
        }
    }
    // The process ends with this function, and the world holds no file or lock to release:
    // freeing it piece by piece (0.6 s for an imported estate of 10,000 accounts) would only
    // delay the exit that returns its memory at once.
    std::mem::forget(session);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::Run { verbose, paths, cases }) => {
            if let Some(n) = cases {
                rootsim::generate::set_cases(*n);
            }
            let mut out = std::io::stdout().lock();
            match rootsim::runner::run_all(paths, *verbose, &mut out) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("rootsim: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Some(Command::Eval { input }) => eval_cmd::run(input),
        Some(Command::ValidatePolicy { kind, input, findings, json }) => {
            let text = match read_input(input) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("rootsim: {e}");
                    return ExitCode::from(2);
                }
            };
            if *findings {
                let report = rootsim_model::accessanalyzer::findings::report(&text, PolicyKind::from(*kind));
                let text = if *json {
                    serde_json::to_string_pretty(&report.json()).unwrap_or_default()
                } else {
                    report.lines()
                };
                out!("{text}");
                return if report.blocking() { ExitCode::FAILURE } else { ExitCode::SUCCESS };
            }
            let kind = PolicyKind::from(*kind);
            match Policy::parse(&text, kind) {
                Ok(p) => {
                    out!("valid {} policy ({} statements)", kind.name(), p.statement_count());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    out!("MalformedPolicyDocument: {}", e.message);
                    out!("  at line {}, column {}: {}", e.line, e.column, e.detail);
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::Tasks { json, account: Some(account), .. }) => {
            let session = match start(&cli) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("rootsim: {e}");
                    return ExitCode::from(2);
                }
            };
            let view = session
                .world
                .accounts
                .find(account)
                .and_then(|a| rootsim_model::tasks::for_account(&session.world, &a.id));
            match view {
                Some(v) if *json => out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default()),
                Some(v) => out!("{}", v.render()),
                None => {
                    eprintln!("rootsim: no account '{account}' in this world");
                    return ExitCode::from(2);
                }
            }
            ExitCode::SUCCESS
        }
        Some(Command::Tasks { json, task, account: None }) => {
            use rootsim_model::tasks;
            let chosen: Vec<&tasks::Task> = match task {
                Some(id) => match tasks::find(id) {
                    Some(t) => vec![t],
                    None => {
                        eprintln!("rootsim: no task '{id}'; `rootsim tasks` lists them");
                        return ExitCode::from(2);
                    }
                },
                None => tasks::TASKS.iter().collect(),
            };
            if *json {
                out!("{}", serde_json::to_string_pretty(&chosen).unwrap_or_default());
            } else if chosen.len() == 1 {
                out!("{}", tasks::detail(chosen[0]));
            } else {
                out!("{}", tasks::table());
            }
            ExitCode::SUCCESS
        }
        Some(Command::Rules { json, scenarios }) => {
            use rootsim::rules;
            let result = rules::parse(rules::RULEBOOK).and_then(|r| {
                let universal = rules::parse_universal(rules::RULEBOOK)?;
                rules::coverage(&r, &universal, std::slice::from_ref(scenarios)).map(|c| (r, c))
            });
            let checked = match result {
                Ok((_, checked)) => checked,
                Err(e) => {
                    eprintln!("rootsim: {e}");
                    return ExitCode::from(2);
                }
            };
            if *json {
                let mut v = serde_json::to_value(&checked).unwrap_or_default();
                for (rule, c) in v["rules"].as_array_mut().into_iter().flatten().zip(&checked.rules) {
                    rule["status"] = c.status().into();
                }
                out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else {
                out!("{}", rules::report(&checked).trim_end());
            }
            if checked.complete() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Some(Command::Import { strict, dir }) => {
            let dir = dir.to_string_lossy();
            let imported =
                match rootsim_model::import::read_estate(&FsHost::cwd(), &dir, cli.seed.unwrap_or(DEFAULT_SEED)) {
                    Ok(i) => i,
                    Err(e) => {
                        eprintln!("rootsim: cannot import {dir}: {e}");
                        return ExitCode::from(2);
                    }
                };
            eprintln!("Imported the estate from {dir}: {}", imported.report());
            if *strict && !imported.is_clean() {
                return ExitCode::FAILURE;
            }
            let mut session = Session::empty(cli.seed.unwrap_or(DEFAULT_SEED));
            session.world = imported.world;
            let tutor = Tutor::new(rootsim::lesson::Progress::default_path());
            if std::io::stdin().is_terminal() {
                rootsim::interactive::run(session, FsHost::cwd(), tutor, None)
            } else {
                run_stdin(session, tutor)
            }
        }
        Some(Command::Export { dir, force }) => {
            let session = match start(&cli) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("rootsim: {e}");
                    return ExitCode::from(2);
                }
            };
            let dir = dir.to_string_lossy();
            match rootsim_model::import::write_estate(&session.world, &mut FsHost::cwd(), &dir, *force) {
                Ok(n) => {
                    out!("Exported the world to {dir} ({n} files).");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("rootsim: cannot export to {dir}: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Some(Command::Learn { report: true, json, .. }) => {
            match rootsim::lesson::report(rootsim::lesson::Progress::default_path().as_deref(), *json) {
                Ok(text) => {
                    out!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("rootsim: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Some(Command::Learn { lesson: None, exam: false, .. }) => {
            let progress = rootsim::lesson::Progress::load(rootsim::lesson::Progress::default_path().as_deref());
            out!("{}", rootsim::lesson::list(&progress));
            ExitCode::SUCCESS
        }
        Some(Command::Learn { lesson, exam, .. }) => {
            let mut tutor = Tutor::new(rootsim::lesson::Progress::default_path());
            let mut host = FsHost::cwd();
            let started = match (exam, lesson) {
                (true, lesson) => tutor.start_exam(lesson.as_deref(), cli.seed, &mut host),
                (false, Some(id)) => rootsim::lesson::resolve(id).and_then(|id| tutor.start(&id, &mut host)),
                (false, None) => Err("a lesson to start".into()),
            };
            let reply = match started {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("rootsim: {e}");
                    return ExitCode::from(2);
                }
            };
            let Some(session) = reply.session else { return ExitCode::from(2) };
            if std::io::stdin().is_terminal() {
                rootsim::interactive::run(session, host, tutor, Some(reply.text))
            } else {
                out!("{}", reply.text);
                run_stdin(session, tutor)
            }
        }
        None => {
            let session = match start(&cli) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("rootsim: {e}");
                    return ExitCode::from(2);
                }
            };
            let tutor = Tutor::new(rootsim::lesson::Progress::default_path());
            if std::io::stdin().is_terminal() {
                rootsim::interactive::run(session, FsHost::cwd(), tutor, None)
            } else {
                run_stdin(session, tutor)
            }
        }
    }
}
