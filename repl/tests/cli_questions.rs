//! The CLI's questions on standard input: `rootsim` reading a script from a pipe answers
//! `aws configure`'s prompts with the following lines, an empty line included (Enter), prints
//! each question as the CLI does (no line break: the answer is not echoed from a pipe), and
//! keeps the answers out of the commands it runs.

use std::io::Write;
use std::process::{Command, Stdio};

fn run(input: &str) -> (String, String, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rootsim"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rootsim starts");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("input written");
    let out = child.wait_with_output().expect("rootsim ends");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

#[test]
fn piped_lines_answer_the_cli_questions_in_turn() {
    // `whoami` as the region's answer is a value, not a command; the empty line keeps the output.
    let (stdout, stderr, ok) = run(
        "aws configure --profile p\nAKIAEXAMPLEKEY1\nsecret\nwhoami\n\ncat ~/.aws/config\ncat ~/.aws/credentials\n",
    );
    assert!(ok, "{stderr}");
    // The real CLI, given the same answers through a pipe, printed the four questions on one
    // line (awscli 1.46.3, whose prompts are 2.17's).
    assert!(
        stdout.starts_with(
            "AWS Access Key ID [None]: AWS Secret Access Key [None]: Default region name [None]: Default output format [None]: [profile p]\nregion = whoami\n"
        ),
        "{stdout}"
    );
    assert!(stdout.ends_with("[p]\naws_access_key_id = AKIAEXAMPLEKEY1\naws_secret_access_key = secret\n"), "{stdout}");
}
