//! The REPL's shell variables: what a trainee types at a shell to carry a value from one AWS CLI
//! call to the next, so that every printed solution can be typed as it stands.
//!
//! Owns `NAME=$(COMMAND)` (runs COMMAND, keeps what it printed, without the last line break, as
//! bash's command substitution does), `NAME=VALUE`, `read [-r] NAME... <<< $(COMMAND)` (one
//! call's several values, split on blanks, the last name taking the rest, as bash's `read`),
//! `export NAME...` of names set so (the AWS CLI's variables then take their values), and the
//! expansion of `$NAME` and `${NAME}` in
//! the lines that follow (not inside single quotes, as in a shell). A `$NAME` that was never set
//! is refused rather than replaced by nothing: a call made with an empty value would act on
//! something else than the trainee meant. `${aws:username}` and other IAM policy variables are
//! not shell names and pass through unchanged.
//!
//! [`type_line`] is the one path a typed line takes (variables, then the tutor, then the world),
//! shared by the interactive REPL, piped input and the tests that type each lesson's solution.

use crate::lesson::Tutor;
use rootsim_model::{Host, Session};
use std::collections::BTreeMap;

/// The variables set so far in one REPL session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars(pub BTreeMap<String, String>);

/// What typing one line printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    /// The text to print (may be empty).
    pub text: String,
    /// Whether the line succeeded.
    pub ok: bool,
    /// The line asked to leave (`exit`).
    pub exit: bool,
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A line `NAME=$(COMMAND)` or `NAME=VALUE`: the name and what follows the `=`.
pub fn assignment(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    let (name, value) = line.split_once('=')?;
    (is_name(name) && !value.starts_with(char::is_whitespace)).then_some((name, value))
}

/// `line` with `$NAME` and `${NAME}` replaced by their values, outside single quotes. Names
/// that are not set are an error that says how to set them.
pub fn expand(line: &str, vars: &Vars) -> Result<String, String> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let (mut i, mut single, mut double) = (0, false, false);
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '\\' if !single && i + 1 < chars.len() => {
                out.push(c);
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '$' if !single => {
                let braced = chars.get(i + 1) == Some(&'{');
                let start = if braced { i + 2 } else { i + 1 };
                let mut end = start;
                while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
                    end += 1;
                }
                let name: String = chars[start..end].iter().collect();
                let closed = !braced || chars.get(end) == Some(&'}');
                if is_name(&name) && closed {
                    match vars.0.get(&name) {
                        Some(v) => out.push_str(v),
                        None => {
                            return Err(format!(
                                "rootsim: ${name} is not set: set it first, e.g. {name}=$(aws ... --query PATH --output text)"
                            ))
                        }
                    }
                    i = if braced { end + 1 } else { end };
                    continue;
                }
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}

/// Runs the command of `$(COMMAND)` and returns what it printed, without the last line break.
fn substitute(
    session: &mut Session,
    vars: &Vars,
    name: &str,
    value: &str,
    host: &mut dyn Host,
) -> Result<String, String> {
    let value = value.trim().trim_start_matches('"').trim_end_matches('"');
    let Some(inner) = value.strip_prefix("$(") else {
        return expand(value, vars);
    };
    let Some(command) = inner.strip_suffix(')') else {
        return Err(format!("rootsim: {name}=$(...: the command substitution is not closed with ')'"));
    };
    let command = expand(command, vars)?;
    let outcome = session.execute(&command, host);
    if !outcome.ok {
        return Err(format!("{}\nrootsim: {name} is not set: the command failed", outcome.text));
    }
    let text = outcome.text.trim_end_matches('\n').to_string();
    if text.is_empty() || text == "None" {
        return Err(format!(
            "rootsim: {name} is not set: the command printed {}",
            if text.is_empty() { "nothing" } else { "None (the --query found nothing)" }
        ));
    }
    Ok(text)
}

/// `read [-r] NAME... <<< WORDS`: the names and what follows `<<<`.
fn read_line(line: &str) -> Option<(Vec<&str>, &str)> {
    let rest = line.trim().strip_prefix("read ")?;
    let (names, input) = rest.split_once("<<<")?;
    let names: Vec<&str> = names.split_whitespace().filter(|n| *n != "-r").collect();
    (!names.is_empty() && names.iter().all(|n| is_name(n))).then_some((names, input))
}

/// Types one complete line (the caller joins lines while a quote or bracket is open, and answers
/// a question the CLI asked before calling this): a variable assignment, else a tutor command,
/// else a command for the world, with variables expanded first.
pub fn type_line(
    session: &mut Session,
    tutor: &mut Tutor,
    vars: &mut Vars,
    line: &str,
    host: &mut dyn Host,
) -> Printed {
    let fail = |text: String| Printed { text, ok: false, exit: false };
    let done = Printed { text: String::new(), ok: true, exit: false };
    if let Some((names, input)) = read_line(line) {
        let text = match substitute(session, vars, names[0], input, host) {
            Ok(t) => t,
            Err(e) => return fail(e),
        };
        let mut words = text.split_whitespace();
        for (i, name) in names.iter().enumerate() {
            let value = if i + 1 == names.len() {
                words.by_ref().collect::<Vec<_>>().join(" ")
            } else {
                words.next().unwrap_or("").to_string()
            };
            vars.0.insert(name.to_string(), value);
        }
        return done;
    }
    // `export NAME` of a shell variable: the sandbox's `export NAME=VALUE` with its value.
    if let Some(rest) = line.trim().strip_prefix("export ") {
        let names: Vec<&str> = rest.split_whitespace().collect();
        if !names.is_empty() && names.iter().all(|n| is_name(n) && vars.0.contains_key(*n)) {
            let assignments: Vec<String> = names.iter().map(|n| format!("{n}={}", vars.0[*n])).collect();
            let outcome = session.execute(&format!("export {}", assignments.join(" ")), host);
            return Printed { text: outcome.text, ok: outcome.ok, exit: false };
        }
    }
    if let Some((name, value)) = assignment(line) {
        if value.trim_start_matches('"').starts_with("$(") {
            return match substitute(session, vars, name, value, host) {
                Ok(text) => {
                    vars.0.insert(name.to_string(), text);
                    done
                }
                Err(e) => fail(e),
            };
        }
        let value = match expand(value, vars) {
            Ok(v) => v,
            Err(e) => return fail(e),
        };
        // Quotes around a plain value are the shell's, not the value's.
        let value = value
            .strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
            .unwrap_or(&value)
            .to_string();
        vars.0.insert(name.to_string(), value);
        return done;
    }
    let line = match expand(line, vars) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    if let Some(reply) = tutor.handle(&line, session, host) {
        if let Some(s) = reply.session {
            *session = s;
            *vars = Vars::default();
        }
        return Printed { text: reply.text, ok: true, exit: false };
    }
    let outcome = session.execute(&line, host);
    Printed { text: outcome.text, ok: outcome.ok, exit: outcome.exit }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_expand_outside_single_quotes_and_policy_variables_pass() {
        let mut vars = Vars::default();
        vars.0.insert("TOPIC".into(), "arn:aws:sns:us-east-1:1:t".into());
        assert_eq!(
            expand("x $TOPIC \"${TOPIC}\" '$TOPIC'", &vars).unwrap(),
            "x arn:aws:sns:us-east-1:1:t \"arn:aws:sns:us-east-1:1:t\" '$TOPIC'"
        );
        assert_eq!(
            expand("{\"Resource\":\"${aws:username}\"} $ 5$", &vars).unwrap(),
            "{\"Resource\":\"${aws:username}\"} $ 5$"
        );
        assert!(expand("echo $NOPE", &vars).unwrap_err().contains("$NOPE is not set"));
        assert_eq!(assignment("KEY=$(aws iam list-access-keys)"), Some(("KEY", "$(aws iam list-access-keys)")));
        assert_eq!(assignment("aws iam x --a=b"), None);
        assert_eq!(assignment("export A=b"), None);
    }

    #[test]
    fn a_value_carries_from_one_call_to_the_next() {
        let mut session = Session::demo(rootsim_model::DEFAULT_SEED);
        let (mut tutor, mut vars, mut host) = (Tutor::default(), Vars::default(), rootsim_model::MemoryHost::default());
        let p = type_line(
            &mut session,
            &mut tutor,
            &mut vars,
            "ARN=$(aws sts get-caller-identity --query Arn --output text)",
            &mut host,
        );
        assert!(p.ok, "{}", p.text);
        assert!(vars.0["ARN"].ends_with(":user/alice"), "{:?}", vars);
        let p =
            type_line(&mut session, &mut tutor, &mut vars, "NOPE=$(aws iam get-user --user-name nobody)", &mut host);
        assert!(!p.ok && !vars.0.contains_key("NOPE"), "a failed command sets nothing");
        let p = type_line(&mut session, &mut tutor, &mut vars, "aws iam get-user --user-name $WHO", &mut host);
        assert!(!p.ok && p.text.contains("$WHO is not set"));
        let line = "read -r A B <<< $(aws sts get-caller-identity --query [Account,Arn] --output text)";
        assert!(type_line(&mut session, &mut tutor, &mut vars, line, &mut host).ok);
        assert_eq!(vars.0["A"].len(), 12);
        assert!(vars.0["B"].ends_with(":user/alice"));
        assert!(!type_line(&mut session, &mut tutor, &mut vars, "export A", &mut host).ok, "not an AWS CLI variable");
        vars.0.insert("AWS_REGION".into(), "eu-west-1".into());
        assert!(type_line(&mut session, &mut tutor, &mut vars, "export AWS_REGION", &mut host).ok);
        assert!(session.execute("env", &mut host).text.contains("AWS_REGION=eu-west-1"));
    }
}
