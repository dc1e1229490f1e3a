//! `console ACTION ...`: the console-only actions ([`crate::console`]), run as the signed-in
//! user through the same path as AWS calls.
//!
//! The sandbox's options become the operation's parameters; the console's gate
//! ([`crate::console::gate`]) decides who may ask; the operation's handler runs in a
//! [`crate::service::Call`], and the world is put back when it fails (`Session::call`); then
//! CloudTrail records the call from the same table entry. `console` alone lists the actions and
//! the root-task catalogue (`crate::tasks`) refers to them by name.

// Parsing returns its Outcome early; it is not a hot path, so its size is fine.
#![allow(clippy::result_large_err)]

use super::sandbox::{check_options, Args};
use super::{LastCall, Outcome, Session};
use crate::error::AwsError;
use crate::service::kebab;
use serde_json::{Map, Value};

/// A console action (its table lives with the console's operations).
pub use crate::console::{Action, ACTIONS};

/// Runs `console ACTION ...`.
pub fn run(session: &mut Session, args: &Args) -> Outcome {
    let Some(name) = args.positional.first() else {
        let mut out = String::from("Console actions (AWS offers no API for them):\n");
        for a in ACTIONS {
            out.push_str(&format!("  {:<28} {}\n", a.name, a.operation.summary));
        }
        return Outcome::ok(out.trim_end());
    };
    let Some(action) = crate::console::find(name) else {
        let hint = super::suggest::nearest(name, ACTIONS.iter().map(|a| a.name))
            .map(|s| format!(" Did you mean '{s}'?"))
            .unwrap_or_default();
        return Outcome::fail(
            "UnknownCommand",
            format!("No console action '{name}'.{hint} Type `console` for the list."),
        );
    };
    // Usage mistakes never reach AWS: no call, no CloudTrail record.
    let params = match parameters(action, args) {
        Ok(p) => p,
        Err(o) => return o,
    };
    // A console action is an AWS call made by the console on the user's behalf, and CloudTrail
    // records it like one (rules MON-CONSOLE-ACTIONS), refused or not: every attempt at a root
    // task leaves a trace, from callers whose credentials work (a closed account's root user
    // still reaches the console, but its calls are not recorded).
    let recorded = session.world.resolve(&session.identity).ok();
    let result = match crate::console::gate(&session.world, &session.identity, action, &params) {
        Ok(caller) => {
            let (result, auth) =
                session.call(caller, "us-east-1".to_string(), |call| (action.operation.handler)(call, &params));
            // The console's own policy decision (billing) is kept for `explain`, under the IAM
            // action it asked about.
            if let Some(last) = auth.last() {
                let (service, operation) = last.action.split_once(':').unwrap_or(("", last.action.as_str()));
                session.last = Some(LastCall {
                    operation: operation.into(),
                    service: service.into(),
                    auth: auth.clone(),
                    error: result.as_ref().err().cloned(),
                });
            }
            result
        }
        Err(e) => Err(e),
    };
    let out = match result {
        Ok(Value::String(text)) => Outcome::ok(text),
        Ok(value) => Outcome::ok(super::to_cli_json(&value)),
        Err(e) => {
            let mut text = e.message;
            if let Some(h) = &e.hint {
                text.push('\n');
                text.push_str(h);
            }
            Outcome::fail(&e.code, text)
        }
    };
    if let (false, Some(caller)) = (out.code.as_deref() == Some("UsageError"), recorded) {
        let result = if out.ok {
            Ok(Value::Null)
        } else {
            Err(AwsError::new(out.code.as_deref().unwrap_or("AccessDenied"), 400, out.text.clone()))
        };
        let op = &action.operation;
        session.world.record_call(&caller, op.service, op.name, "us-east-1", &Map::new(), &result);
    }
    out
}

/// The action's options as its operation's parameters: each parameter `NewEmail` is the option
/// `--new-email`; unknown options, missing required ones and (unless the action ignores them)
/// extra words are usage errors.
fn parameters(action: &Action, args: &Args) -> Result<Map<String, Value>, Outcome> {
    let names: Vec<String> = action.operation.params.iter().map(|p| kebab(p.name)).collect();
    let allowed: Vec<&str> = names.iter().map(String::as_str).collect();
    check_options(args, &allowed, action.usage)?;
    if !action.extra_words && args.positional.len() > 1 {
        return Err(Outcome::usage(format!("unexpected argument '{}'\nusage: {}", args.positional[1], action.usage)));
    }
    let mut params = Map::new();
    for (p, option) in action.operation.params.iter().zip(&names) {
        let value = if p.required { Some(args.need(option, action.usage)?) } else { args.opt(option) };
        if let Some(v) = value {
            params.insert(p.name.to_string(), Value::String(v.to_string()));
        }
    }
    Ok(params)
}

/// The account whose root user is signed in to the console, or the refusal AWS's console gives
/// everyone else for root-only settings.
pub fn root_console_account(session: &Session, what: &str) -> Result<String, Outcome> {
    crate::console::root_console_account(&session.identity, what, None).map_err(|e| Outcome::fail(&e.code, e.message))
}
