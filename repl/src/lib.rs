//! The `rootsim` program: the interactive REPL, the script runner and the command-line interface.
//!
//! This crate only parses and prints; the world and its rules live in `rootsim-model`. It owns the
//! filesystem ([`host::FsHost`]), the scenario script format ([`script`]) and running many of them
//! ([`runner`]), the rulebook and its coverage ([`rules`]), the course ([`lesson`], its exams' variations [`vary`] and its progress report [`report`]), the REPL's shell variables ([`shell`]), and the interactive terminal ([`interactive`]).

pub mod generate;
pub mod host;
pub mod interactive;
pub mod lesson;
pub mod report;
pub mod rules;
pub mod runner;
pub mod script;
pub mod shell;
pub mod vary;

use rootsim_model::command::lex::needs_more_input;
use std::path::PathBuf;

/// Where rootsim keeps a state file called `name` (history, course progress): `explicit` (an
/// environment variable naming the file) when set, else `$XDG_STATE_HOME/rootsim/NAME`, else
/// `~/.local/state/rootsim/NAME`; `None` without any of them. Empty values count as unset.
pub fn state_file(explicit: Option<&str>, xdg_state: Option<&str>, home: Option<&str>, name: &str) -> Option<PathBuf> {
    let nonempty = |s: Option<&str>| s.filter(|v| !v.is_empty()).map(PathBuf::from);
    nonempty(explicit)
        .or_else(|| nonempty(xdg_state).map(|d| d.join("rootsim").join(name)))
        .or_else(|| nonempty(home).map(|h| h.join(".local/state/rootsim").join(name)))
}

/// Splits input text into commands: a script on standard input, or a block pasted into the REPL
/// (typed input is one command, since the editor only lets a newline in while a quote or bracket
/// is open). Lines join while [`needs_more_input`] holds and each complete group is one command;
/// an unfinished tail is kept as the last command, for the caller to report.
pub fn split_commands(input: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut pending = String::new();
    for line in input.lines() {
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        if !needs_more_input(&pending) {
            let command = std::mem::take(&mut pending);
            if !command.trim().is_empty() {
                commands.push(command);
            }
        }
    }
    if !pending.trim().is_empty() {
        commands.push(pending);
    }
    commands
}
