//! `rootsim`: the REPL on a simulated AWS estate, the script runner, and the command line.

use clap::{Parser, Subcommand};
use rootsim::host::FsHost;
use rootsim_model::command::lex::needs_more_input;
use rootsim_model::{Session, DEFAULT_SEED};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// A simulation and training sandbox of an AWS estate: accounts, Organizations, the root user, IAM.
///
/// With no command, rootsim starts the REPL on the built-in demo world; when standard input is not
/// a terminal it reads commands from it as a script, without prompts.
#[derive(Parser)]
#[command(name = "rootsim", version, about)]
struct Cli {
    /// Seed of the generator behind every ID, key and token.
    #[arg(long, global = true, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Start from an empty world instead of the demo world.
    #[arg(long, global = true)]
    empty: bool,
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
        /// Script files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

fn start(cli: &Cli) -> Result<Session, String> {
    if let Some(path) = &cli.load {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return Session::from_json(&text).map_err(|e| format!("cannot load {}: {e}", path.display()));
    }
    Ok(if cli.empty { Session::empty(cli.seed) } else { Session::demo(cli.seed) })
}

/// Runs commands read from standard input: outputs on stdout, errors on stderr. Exits 1 when a
/// command failed, so scripts can be checked from a shell.
fn run_stdin(mut session: Session) -> ExitCode {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("rootsim: cannot read standard input: {e}");
        return ExitCode::from(2);
    }
    let mut host = FsHost::cwd();
    let mut failed = false;
    let mut pending = String::new();
    let (mut stdout, mut stderr) = (std::io::stdout().lock(), std::io::stderr().lock());
    for line in input.lines() {
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        if needs_more_input(&pending) {
            continue;
        }
        let command = std::mem::take(&mut pending);
        if command.trim_start().starts_with('@') {
            let _ = writeln!(
                stderr,
                "rootsim: '{}' is a scenario directive: run scenario files with `rootsim run FILE`",
                command.trim()
            );
            failed = true;
            continue;
        }
        let outcome = session.execute(&command, &mut host);
        if !outcome.text.is_empty() {
            let _ =
                if outcome.ok { writeln!(stdout, "{}", outcome.text) } else { writeln!(stderr, "{}", outcome.text) };
        }
        failed |= !outcome.ok;
        if outcome.exit {
            break;
        }
    }
    if !pending.trim().is_empty() {
        let _ = writeln!(stderr, "rootsim: the input ended inside an unclosed quote or JSON bracket");
        failed = true;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::Run { verbose, paths }) => {
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
        None => {
            let session = match start(&cli) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("rootsim: {e}");
                    return ExitCode::from(2);
                }
            };
            if std::io::stdin().is_terminal() {
                rootsim::interactive::run(session, FsHost::cwd())
            } else {
                run_stdin(session)
            }
        }
    }
}
