//! `rootsim eval` as a client drives it through pipes: each answer comes back before the input
//! ends, and bad lines are answered one by one.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// Kills the child if the test fails before it exits.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const REQUEST: &str = r#""principal":"arn:aws:iam::111122223333:user/bob","action":"s3:GetObject","resource":"*","identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}]"#;

/// The next answer, or a failure after ten seconds (an answer held until the input ends).
fn next(answers: &Receiver<String>) -> serde_json::Value {
    let line = answers.recv_timeout(Duration::from_secs(10)).expect("an answer before the input ends");
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

/// `rootsim eval` running with piped input, its stdin, and its answers line by line as they come
/// (read on a thread, so a test can wait for one with a timeout). The child is killed on drop.
fn spawn_eval() -> (Running, std::process::ChildStdin, Receiver<String>) {
    let child = Command::new(env!("CARGO_BIN_EXE_rootsim"))
        .arg("eval")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rootsim runs");
    let mut child = Running(child);
    let stdin = child.0.stdin.take().expect("stdin");
    let stdout = child.0.stdout.take().expect("stdout");
    let (send, answers) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if send.send(line).is_err() {
                return;
            }
        }
    });
    (child, stdin, answers)
}

#[test]
fn eval_answers_each_request_as_it_is_read() {
    let (mut child, mut stdin, answers) = spawn_eval();

    writeln!(stdin, "{{\"id\":1,{REQUEST}}}").expect("write");
    stdin.flush().expect("flush");
    let a = next(&answers);
    assert_eq!((a["id"].clone(), a["decision"].clone()), (1.into(), "Allowed".into()), "{a}");

    // A line that is not UTF-8, a failing request with a lone surrogate for its id, then more.
    stdin.write_all(b"{\"id\":2,\"principal\":\"\xff\"}\n").expect("write");
    writeln!(stdin, r#"{{"id":"\ud800","principal":"bob","action":"a:b","resource":"*"}}"#).expect("write");
    stdin.flush().expect("flush");
    let a = next(&answers);
    assert_eq!(a["id"], 2);
    assert!(a["error"].as_str().unwrap().starts_with("line 2: invalid UTF-8"), "{a}");
    let a = next(&answers);
    assert_eq!(a["id"], "\u{fffd}");
    assert!(a["error"].as_str().unwrap().starts_with("line 3: principal 'bob'"), "{a}");

    writeln!(stdin, "{{\"id\":4,{REQUEST}}}").expect("write");
    stdin.flush().expect("flush");
    assert_eq!(next(&answers)["id"], 4);
    drop(stdin);
    let status = child.0.wait().expect("rootsim exits");
    assert_eq!(status.code(), Some(1), "two requests had errors");
    assert!(answers.recv_timeout(Duration::from_secs(10)).is_err(), "nothing more");
}

/// The array form streams too: each element is answered once it is whole, before the array ends.
#[test]
fn eval_answers_each_array_element_as_it_is_read() {
    let (mut child, mut stdin, answers) = spawn_eval();

    write!(stdin, "[\n{{\"id\":1,{REQUEST}}}").expect("write");
    stdin.flush().expect("flush");
    let a = next(&answers);
    assert_eq!((a["id"].clone(), a["decision"].clone()), (1.into(), "Allowed".into()), "{a}");
    write!(stdin, ",\n{{\"id\":2,{REQUEST}}}").expect("write");
    stdin.flush().expect("flush");
    assert_eq!(next(&answers)["id"], 2);
    writeln!(stdin, "]").expect("write");
    drop(stdin);
    let status = child.0.wait().expect("rootsim exits");
    assert_eq!(status.code(), Some(0), "every request answered");
    assert!(answers.recv_timeout(Duration::from_secs(10)).is_err(), "nothing more");
}
