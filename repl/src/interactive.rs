//! The interactive REPL: rustyline on top of a `Session`.
//!
//! Owns the terminal side only: the prompt (who you are and where), history between runs, tab
//! completion (asked of the model's `complete`, so it knows the same commands, operations,
//! options and names as the parser), multi-line input while a quote or JSON bracket is open,
//! Ctrl-C to cancel a line, Ctrl-D to leave, and colour only on a terminal without `NO_COLOR`.

use crate::host::FsHost;
use crate::lesson::Tutor;
use crate::shell::{type_line, Vars};
use crate::split_commands;
use rootsim_model::command::complete::complete;
use rootsim_model::command::lex::needs_more_input;
use rootsim_model::Session;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{CompletionType, Config, Editor, Helper};
use std::borrow::Cow;
use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

/// Whether to colour output: only on a terminal, and never when `NO_COLOR` is set to anything
/// non-empty (<https://no-color.org>).
pub fn use_colour(no_color: Option<&str>, is_terminal: bool) -> bool {
    is_terminal && no_color.is_none_or(str::is_empty)
}

/// Where history lives: `$ROOTSIM_HISTORY`, else `$XDG_STATE_HOME/rootsim/history`, else
/// `$HOME/.local/state/rootsim/history`; `None` when none of them is set.
pub fn history_path(rootsim_history: Option<&str>, xdg_state: Option<&str>, home: Option<&str>) -> Option<PathBuf> {
    crate::state_file(rootsim_history, xdg_state, home, "history")
}

/// Lines that carry secrets are not written to the history file.
pub fn keep_in_history(line: &str) -> bool {
    const SECRETS: &[&str] = &[
        "--password",
        "--new-password",
        "--current-password",
        "--secret-access-key",
        "--session-token",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "aws_secret_access_key",
        "aws_session_token",
    ];
    !line.trim().is_empty() && !SECRETS.iter().any(|s| line.contains(s))
}

/// The ANSI colour of a prompt: red for the root user, cyan for role sessions, green for IAM
/// users, dim when signed out.
pub fn prompt_colour(prompt: &str) -> &'static str {
    // The profile in front (`[dev] `) does not change who you are.
    let prompt = match prompt.strip_prefix('[').and_then(|p| p.split_once("] ")) {
        Some((_, rest)) => rest,
        None => prompt,
    };
    if prompt.starts_with("root@") {
        "\x1b[1;31m"
    } else if prompt.starts_with("signed-out") || prompt.starts_with("credentials-invalid") {
        "\x1b[2m"
    } else if prompt.split('@').next().is_some_and(|who| who.contains('/')) {
        "\x1b[1;36m"
    } else {
        "\x1b[1;32m"
    }
}

/// What the REPL does when reading a line fails.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadFailure {
    /// Read the next line, after printing this (if anything) on standard error.
    Next(Option<String>),
    /// Leave, after printing this (if anything) on standard error.
    Leave(Option<String>),
}

/// The REPL's answer to a failed read. Ctrl-C cancels the line; Ctrl-D leaves. Bytes that are not
/// UTF-8 (rustyline refuses them and drops the line being typed) never end the session, which
/// would lose the world: the line is reported and the next one read. Any other error leaves.
pub fn on_read_error(e: &ReadlineError) -> ReadFailure {
    match e {
        ReadlineError::Interrupted => ReadFailure::Next(None),
        ReadlineError::Eof => ReadFailure::Leave(None),
        ReadlineError::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => ReadFailure::Next(Some(
            "rootsim: error: the line held bytes that are not UTF-8 and was dropped; type it again (the world is as it was)"
                .into(),
        )),
        e => ReadFailure::Leave(Some(format!("rootsim: {e}"))),
    }
}

/// The prompt of a line that continues an unclosed quote or JSON bracket.
pub const CONTINUATION_PROMPT: &str = "  ...> ";

/// Whether a `sign-in` line needs a password it does not carry (`sign-in root` or `sign-in user`
/// without `--password`, and not one of the recovery forms): the REPL then asks for it without
/// echo, so that the line itself can stay in the history.
pub fn needs_password(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    matches!(words.as_slice(), ["sign-in" | "signin" | "login", "root" | "user", ..])
        && !words.iter().any(|w| {
            matches!(*w, "--password" | "--forgot-password" | "--use-alternative-factors" | "--help")
                || w.starts_with("--password=")
        })
}

/// `line` with `--password` and the password typed, quoted for the command lexer (single
/// quotes, a quote inside written as `'\''`, as a shell does).
pub fn with_password(line: &str, password: &str) -> String {
    format!("{} --password '{}'", line.trim_end(), password.replace('\'', "'\\''"))
}

/// How many reads in a row may fail before the REPL gives up on its terminal.
const MAX_FAILED_READS: usize = 1000;

struct ReplHelper {
    session: Rc<RefCell<Session>>,
    colour: bool,
    /// A password is being typed: the line shows as stars.
    masking: Rc<std::cell::Cell<bool>>,
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _: &rustyline::Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, words) = complete(&self.session.borrow(), line, pos);
        Ok((start, words.into_iter().map(|w| Pair { display: w.clone(), replacement: w }).collect()))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.masking.get() {
            Cow::Owned("*".repeat(line.chars().count()))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _forced: rustyline::highlight::CmdKind) -> bool {
        // Redraw on every key while masking, so no typed character is ever shown.
        self.masking.get()
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(&'s self, prompt: &'p str, default: bool) -> Cow<'b, str> {
        // The identity part in colour; the `$ ` and continuation prompts as they are.
        match (self.colour && default, prompt.rsplit_once(" $ ")) {
            (true, Some((who, _))) => Cow::Owned(format!("{}{who}\x1b[0m $ ", prompt_colour(who))),
            _ => Cow::Borrowed(prompt),
        }
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        // A line with an open quote or JSON bracket is accepted as it is: `run` then reads the
        // rest with a continuation prompt, which Ctrl-C abandons.
        let _ = ctx;
        Ok(ValidationResult::Valid(None))
    }
}

impl Helper for ReplHelper {}

/// Runs the REPL until `exit` or Ctrl-D.
pub fn run(session: Session, mut host: FsHost, mut tutor: Tutor, intro: Option<String>) -> ExitCode {
    let colour = use_colour(std::env::var("NO_COLOR").ok().as_deref(), std::io::stdout().is_terminal());
    let session = Rc::new(RefCell::new(session));
    let config = Config::builder().completion_type(CompletionType::List).auto_add_history(false).build();
    let mut editor: Editor<ReplHelper, _> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("rootsim: cannot start the terminal: {e}");
            return ExitCode::from(2);
        }
    };
    let masking = Rc::new(std::cell::Cell::new(false));
    editor.set_helper(Some(ReplHelper { session: Rc::clone(&session), colour, masking: Rc::clone(&masking) }));
    let history = history_path(
        std::env::var("ROOTSIM_HISTORY").ok().as_deref(),
        std::env::var("XDG_STATE_HOME").ok().as_deref(),
        std::env::var("HOME").ok().as_deref(),
    );
    if let Some(path) = &history {
        // A missing history file is the normal first run.
        let _ = editor.load_history(path);
    }

    let paint = |code: &str, text: &str| if colour { format!("{code}{text}\x1b[0m") } else { text.to_string() };
    println!("rootsim: a simulated AWS estate: accounts, AWS Organizations, the root user and IAM.");
    match intro {
        Some(brief) => println!("{brief}"),
        None => {
            println!("You are {}. Try:", session.borrow().prompt());
            println!("  aws sts get-caller-identity     who AWS thinks you are");
            println!("  show org                        the organization, its OUs and accounts");
            println!(
                "  help demo                       the demo world's users and passwords (help lists every command)"
            );
            println!("  learn                           the course: lessons that check themselves");
        }
    }

    let mut failed_reads = 0;
    let mut vars = Vars::default();
    loop {
        // A question the CLI asked (`aws configure`, an MFA code) is the prompt until answered.
        let question = session.borrow().question();
        let prompt = question.clone().unwrap_or_else(|| format!("{} $ ", session.borrow().prompt()));
        match editor.readline(&prompt) {
            Ok(line) if question.is_some() => {
                failed_reads = 0;
                // Answers (keys, secrets, codes) stay out of the history and away from the tutor.
                let outcome = session.borrow_mut().execute(&line, &mut host);
                if !outcome.text.is_empty() {
                    println!("{}", if outcome.ok { outcome.text } else { paint("\x1b[31m", &outcome.text) });
                }
            }
            Err(ReadlineError::Interrupted) if question.is_some() => {
                // Ctrl-C at the CLI's prompt abandons the command: nothing is written.
                session.borrow_mut().cancel_question();
            }
            Ok(first) => {
                failed_reads = 0;
                // An open quote or bracket: read on with a continuation prompt; Ctrl-C abandons.
                let mut line = first;
                let mut abandoned = false;
                if needs_more_input(&line) {
                    println!("(an unclosed quote or bracket: go on typing, or Ctrl-C to abandon the command)");
                }
                while needs_more_input(&line) {
                    match editor.readline(CONTINUATION_PROMPT) {
                        Ok(more) => {
                            line.push('\n');
                            line.push_str(&more);
                        }
                        Err(_) => {
                            abandoned = true;
                            break;
                        }
                    }
                }
                if abandoned {
                    println!("(abandoned: nothing was run)");
                    continue;
                }
                // `sign-in` without --password: ask for it without echo; the line as typed
                // (without the password) may stay in the history.
                let typed = line.clone();
                if split_commands(&line).len() == 1 && needs_password(&line) {
                    masking.set(true);
                    let password = editor.readline("Password: ");
                    masking.set(false);
                    match password {
                        Ok(pw) => line = with_password(&line, &pw),
                        Err(_) => {
                            println!("(abandoned: nothing was run)");
                            continue;
                        }
                    }
                }
                let line_for_history = typed;
                if keep_in_history(&line_for_history) {
                    let _ = editor.add_history_entry(line_for_history.as_str());
                }
                let mut exit = false;
                for command in split_commands(&line) {
                    // Shell variables, then the tutor's commands (learn, check, hint...), then the world.
                    let outcome = type_line(&mut session.borrow_mut(), &mut tutor, &mut vars, &command, &mut host);
                    if !outcome.text.is_empty() {
                        if outcome.ok {
                            println!("{}", outcome.text);
                        } else {
                            println!("{}", paint("\x1b[31m", &outcome.text));
                        }
                    }
                    if outcome.exit {
                        exit = true;
                        break;
                    }
                }
                if exit {
                    break;
                }
            }
            Err(e) => {
                failed_reads += 1;
                match on_read_error(&e) {
                    ReadFailure::Next(note) if failed_reads < MAX_FAILED_READS => {
                        if let Some(note) = note {
                            eprintln!("{}", paint("\x1b[31m", &note));
                        }
                    }
                    ReadFailure::Next(note) | ReadFailure::Leave(note) => {
                        if let Some(note) = note {
                            eprintln!("{note}");
                        }
                        break;
                    }
                }
            }
        }
    }
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.save_history(path);
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_does_not_end_the_session() {
        let invalid = ReadlineError::Io(std::io::Error::from(std::io::ErrorKind::InvalidData));
        assert!(matches!(on_read_error(&invalid), ReadFailure::Next(Some(note)) if note.contains("not UTF-8")));
        assert_eq!(on_read_error(&ReadlineError::Interrupted), ReadFailure::Next(None));
        assert_eq!(on_read_error(&ReadlineError::Eof), ReadFailure::Leave(None));
        let other = ReadlineError::Io(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(matches!(on_read_error(&other), ReadFailure::Leave(Some(_))));
    }

    #[test]
    fn a_sign_in_without_password_asks_for_it_and_quotes_it() {
        assert!(needs_password("sign-in root --email aws-dev@example.com"));
        assert!(needs_password("sign-in user --account dev --user-name dave"));
        assert!(!needs_password("sign-in root --email a --password x"));
        assert!(!needs_password("sign-in root --email a --forgot-password"));
        assert!(!needs_password("sign-in keys --access-key-id A --secret-access-key S"));
        assert!(!needs_password("whoami"));
        let line = with_password("sign-in root --email aws-dev@example.com", "it's $x");
        let words = rootsim_model::command::lex::split(&line).unwrap();
        assert_eq!(words.last().unwrap().text, "it's $x");
        // Typed this way, the sign-in works and the password never reaches the history.
        let mut session = Session::demo(rootsim_model::DEFAULT_SEED);
        let mut host = rootsim_model::MemoryHost::default();
        let typed = "sign-in root --email aws-dev@example.com";
        assert!(keep_in_history(typed));
        assert!(session.execute(&with_password(typed, "Dev-Root-2026!"), &mut host).ok);
        assert!(session.prompt().starts_with("root@dev"), "{}", session.prompt());
    }

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(use_colour(None, true));
        assert!(use_colour(Some(""), true));
        assert!(!use_colour(Some("1"), true));
        assert!(!use_colour(None, false));
    }

    #[test]
    fn history_goes_where_the_environment_says() {
        assert_eq!(history_path(Some("/tmp/h"), Some("/x"), Some("/home/a")), Some(PathBuf::from("/tmp/h")));
        assert_eq!(history_path(None, Some("/x"), Some("/home/a")), Some(PathBuf::from("/x/rootsim/history")));
        assert_eq!(
            history_path(Some(""), None, Some("/home/a")),
            Some(PathBuf::from("/home/a/.local/state/rootsim/history"))
        );
        assert_eq!(history_path(None, None, None), None);
    }

    #[test]
    fn secrets_stay_out_of_history() {
        assert!(keep_in_history("aws iam list-users"));
        assert!(!keep_in_history("sign-in root --email a --password x"));
        assert!(!keep_in_history("sign-in keys --access-key-id A --secret-access-key S"));
        assert!(!keep_in_history("   "));
        assert!(!keep_in_history("export AWS_SECRET_ACCESS_KEY=x"));
        assert!(!keep_in_history("aws configure set aws_secret_access_key x"));
    }

    #[test]
    fn pasted_blocks_split_into_commands() {
        assert_eq!(split_commands("whoami"), ["whoami"]);
        assert_eq!(split_commands("whoami\nshow org\n"), ["whoami", "show org"]);
        assert_eq!(split_commands("x --doc {\n\"a\": [1,\n2]}\nwhoami"), ["x --doc {\n\"a\": [1,\n2]}", "whoami"]);
        assert_eq!(split_commands("a\n\n  \nb"), ["a", "b"]);
        assert_eq!(split_commands("x --doc {\n\"a\":"), ["x --doc {\n\"a\":"]);
        assert!(split_commands("").is_empty());
    }

    #[test]
    fn prompts_are_coloured_by_identity() {
        assert_eq!(prompt_colour("root@dev (1)"), "\x1b[1;31m");
        assert_eq!(prompt_colour("alice@management (1)"), "\x1b[1;32m");
        assert_eq!(prompt_colour("Deployer/s@dev (1)"), "\x1b[1;36m");
        assert_eq!(prompt_colour("signed-out"), "\x1b[2m");
        assert_eq!(prompt_colour("[dev] Deployer/s@dev (1)"), "\x1b[1;36m");
        assert_eq!(prompt_colour("[ops] root@dev (1)"), "\x1b[1;31m");
    }
}
