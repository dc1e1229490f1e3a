//! The interactive REPL (temporary line loop; helper-2 replaces this file with the rustyline REPL).

use crate::host::FsHost;
use rootsim_model::Session;
use std::io::{BufRead, Write};
use std::process::ExitCode;

/// Runs the REPL until `exit` or end of input.
pub fn run(mut session: Session, mut host: FsHost) -> ExitCode {
    let stdin = std::io::stdin();
    loop {
        print!("{} $ ", session.prompt());
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).unwrap_or(0) == 0 {
            return ExitCode::SUCCESS;
        }
        let out = session.execute(&line, &mut host);
        if !out.text.is_empty() {
            println!("{}", out.text);
        }
        if out.exit {
            return ExitCode::SUCCESS;
        }
    }
}
