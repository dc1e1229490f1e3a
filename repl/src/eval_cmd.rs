//! `rootsim eval`: answers policy requests from a file or standard input as they are read
//! (docs/eval.md).

use rootsim_policy::request::Evaluator;
use std::io::{BufReader, ErrorKind};
use std::process::ExitCode;

/// How much of the input is read at a time.
const READ_SIZE: usize = 1 << 16;

/// Answers the requests in `input` (a file, or `-` for standard input) on standard output: 0
/// when every request was answered, 1 when some had an error, 2 when the input could not be
/// read or the answers not written.
pub fn run(input: &str) -> ExitCode {
    let mut evaluator = Evaluator::new();
    let mut stdout = std::io::stdout().lock();
    // The evaluator flushes each time it has answered what it read, before reading more.
    let result = if input == "-" {
        evaluator.run_stream(BufReader::with_capacity(READ_SIZE, std::io::stdin().lock()), &mut stdout)
    } else {
        match std::fs::File::open(input) {
            Ok(file) => evaluator.run_stream(BufReader::with_capacity(READ_SIZE, file), &mut stdout),
            Err(e) => {
                eprintln!("rootsim: cannot read {input}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        // The reader went away (`rootsim eval | head`): nobody to tell.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => ExitCode::from(2),
        Err(e) => {
            eprintln!("rootsim: eval: {e}");
            ExitCode::from(2)
        }
    }
}
