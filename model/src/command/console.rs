//! Console-only actions: what AWS offers only in the console (or through Support), done in the
//! sandbox with `console ACTION ...` as the signed-in user.
//!
//! Each action is one entry of [`ACTIONS`]; `console` alone lists them and the root-task catalogue
//! (`crate::tasks`) refers to them by name.

// Actions return their Outcome early from helpers; it is not a hot path, so its size is fine.
#![allow(clippy::result_large_err)]

use super::sandbox::{check_options, Args};
use super::{Outcome, Session};
use crate::auth::Identity;

/// A console action.
pub struct Action {
    /// What follows `console`.
    pub name: &'static str,
    /// Its syntax.
    pub usage: &'static str,
    /// One line of help.
    pub summary: &'static str,
    run: fn(&mut Session, &Args) -> Outcome,
}

/// Every console action.
pub const ACTIONS: &[Action] = &[Action {
    name: "change-root-password",
    usage: "console change-root-password --current-password OLD --new-password NEW",
    summary: "The root user, signed in to the console, changes its password.",
    run: change_root_password,
}];

/// Runs `console ACTION ...`.
pub fn run(session: &mut Session, args: &Args) -> Outcome {
    let Some(name) = args.positional.first() else {
        let mut out = String::from("Console actions (AWS offers no API for them):\n");
        for a in ACTIONS {
            out.push_str(&format!("  {:<28} {}\n", a.name, a.summary));
        }
        return Outcome::ok(out.trim_end());
    };
    match ACTIONS.iter().find(|a| a.name == name) {
        Some(a) => (a.run)(session, args),
        None => {
            let hint = super::suggest::nearest(name, ACTIONS.iter().map(|a| a.name))
                .map(|s| format!(" Did you mean '{s}'?"))
                .unwrap_or_default();
            Outcome::fail("UnknownCommand", format!("No console action '{name}'.{hint} Type `console` for the list."))
        }
    }
}

/// The account whose root user is signed in to the console, or the refusal AWS's console gives
/// everyone else for root-only settings.
pub fn root_console_account(session: &Session, what: &str) -> Result<String, Outcome> {
    match &session.identity {
        Identity::Console { account, user: None, .. } => Ok(account.clone()),
        _ => Err(Outcome::fail(
            "RootUserRequired",
            format!("Only the root user, signed in to the console, can {what}; IAM users and roles cannot, whatever their policies."),
        )),
    }
}

fn change_root_password(session: &mut Session, args: &Args) -> Outcome {
    let usage = "console change-root-password --current-password OLD --new-password NEW";
    if let Err(o) = check_options(args, &["current-password", "new-password"], usage) {
        return o;
    }
    let (old, new) = match (args.need("current-password", usage), args.need("new-password", usage)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(o), _) | (_, Err(o)) => return o,
    };
    let account = match root_console_account(session, "change the root password") {
        Ok(a) => a,
        Err(o) => return o,
    };
    let (name, email) = {
        let a = session.world.accounts.get(&account).expect("signed in to an existing account");
        (a.name.clone(), a.email.clone())
    };
    let root = &session.world.iam.accounts[&account].root;
    if root.password.as_deref() != Some(old) {
        return Outcome::fail("FailedAuthentication", "The current password is not correct.");
    }
    if let Err(why) = crate::iam::check_root_password(new, &name, &email) {
        return Outcome::fail("PasswordPolicyViolation", format!("The new password is not accepted: {why}."));
    }
    session.world.iam.accounts.get_mut(&account).expect("exists").root.password = Some(new.to_string());
    Outcome::ok("The root user's password was changed.")
}
