//! The sign-in page and account recovery ([`crate::console::signin`]), run as operations: the
//! sandbox commands (`sign-in`, `verify-email`, `answer-call`, `reset-root-password`) check their
//! options, and [`run`] takes the step through `Session::call` as the anonymous caller of the
//! sign-in page (the world is put back when it fails), records it in CloudTrail as its table
//! entry says, and on success signs the terminal in as the page answers.

use super::sandbox::Args;
use super::{Outcome, Session};
use crate::auth::Caller;
use crate::console::signin::{Attempt, Recording, Step};
use crate::service::{kebab, Shape};
use serde_json::{Map, Value};

/// The step's parameters from the command's options (which the command has checked): each
/// parameter `MfaCode` is the option `--mfa-code`, a `Boolean` one a flag.
pub(super) fn parameters(step: &Step, args: &Args) -> Map<String, Value> {
    let mut params = Map::new();
    for p in step.params {
        if let Some(v) = args.opt(&kebab(p.name)) {
            let value = if p.shape == Shape::Boolean { Value::Bool(true) } else { Value::String(v.to_string()) };
            params.insert(p.name.to_string(), value);
        }
    }
    params
}

/// Runs `step` with `params`: the call, CloudTrail's record of it, and the new identity.
pub(super) fn run(session: &mut Session, step: &Step, params: &Map<String, Value>) -> Outcome {
    let (result, _) = session.call(Caller::anonymous(), "us-east-1".to_string(), |call| (step.handler)(call, params));
    // Recorded after a failure's rollback: the attempt itself is history (see cloudtrail).
    let attempt = match &result {
        Ok(page) => page
            .identity
            .as_ref()
            .and_then(Attempt::signed_in)
            .map(|a| Attempt { mfa_device: page.mfa_device.clone(), ..a }),
        Err(refusal) => refusal.attempt.as_deref().cloned(),
    };
    if let (Recording::ConsoleLogin, Some(a)) = (step.recording, attempt) {
        session.world.record_sign_in(
            &a.account,
            a.user.as_deref(),
            result.is_ok(),
            a.mfa_used,
            a.mfa_device.as_deref(),
        );
    }
    match result {
        Ok(page) => {
            if let Some(identity) = page.identity {
                session.identity = identity;
            }
            let mut out = Outcome::ok(page.text);
            out.json = page.json;
            out
        }
        Err(refusal) => Outcome::fail(&refusal.error.code, refusal.error.message),
    }
}

/// The step the sandbox command `command` takes (every command names one of the table).
pub(super) fn step(command: &str) -> &'static Step {
    crate::console::signin::find(command).expect("every sign-in command has its step")
}

#[cfg(test)]
mod tests {
    use crate::console::signin::STEPS;
    use crate::Session;

    #[test]
    fn every_step_is_taken_by_a_sandbox_command() {
        for step in STEPS {
            let name = step.command.split_whitespace().next().unwrap_or("");
            assert!(super::super::COMMANDS.iter().any(|c| c.name == name), "no command takes {}", step.command);
        }
    }

    #[test]
    fn a_refused_sign_in_changes_nothing_but_the_history_it_names() {
        let mut session = Session::demo(crate::DEFAULT_SEED);
        let (world, identity) = (session.world.clone(), session.identity.clone());
        let events = session.world.cloudtrail.events.len();
        // An unknown address: no account to record the attempt in.
        session.run("sign-in root --email nobody@example.com --password x").expect_error("FailedAuthentication");
        assert_eq!(session.world, world);
        // A wrong password to a known account: one failed ConsoleLogin, nothing else.
        session.run("sign-in root --email aws-dev@example.com --password wrong").expect_error("FailedAuthentication");
        assert_eq!(session.identity, identity);
        assert_eq!(session.world.cloudtrail.events.len(), events + 1);
        let event = &session.world.cloudtrail.events[events];
        assert_eq!(event["eventName"], "ConsoleLogin");
        assert_eq!(event["responseElements"]["ConsoleLogin"], "Failure");
        session.world.cloudtrail = world.cloudtrail.clone();
        session.world.events = world.events.clone();
        assert_eq!(session.world, world);
    }

    #[test]
    fn a_sign_in_signs_the_terminal_in_and_records_one_success() {
        let mut session = Session::demo(crate::DEFAULT_SEED);
        let events = session.world.cloudtrail.events.len();
        session.run("sign-in root --email aws-dev@example.com --password Dev-Root-2026!").expect_ok();
        assert!(matches!(session.identity, crate::auth::Identity::Console { user: None, mfa: false, .. }));
        assert_eq!(session.world.cloudtrail.events.len(), events + 1);
        assert_eq!(session.world.cloudtrail.events[events]["responseElements"]["ConsoleLogin"], "Success");
    }
}
