//! Tab completion: commands, AWS services, operations, options, and the names in the world.
//!
//! The REPL asks [`complete`] with the line and the cursor; the answer is where the word being
//! completed starts and the candidates, drawn from the same tables that run the commands.

use super::lex;
use super::sandbox::COMMANDS;
use super::Session;
use crate::registry;
use crate::service::kebab;
use rootsim_policy::arn;

/// The start of the word under the cursor and the words that could complete it.
pub fn complete(session: &Session, line: &str, pos: usize) -> (usize, Vec<String>) {
    let pos = pos.min(line.len());
    let Some(head) = line.get(..pos) else {
        return (pos, Vec::new());
    };
    // Just past the last whitespace character, which may take several bytes (U+3000, U+0085...).
    let start = head.char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(0, |(i, c)| i + c.len_utf8());
    let prefix = &head[start..];
    // Words before the one being completed; a line that does not split yet has nothing to offer.
    let Ok(words) = lex::split(&head[..start]) else {
        return (start, Vec::new());
    };
    let words: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let mut candidates = match words.as_slice() {
        // The action of `who-can`: service prefixes, then that service's actions, from AWS's catalogue.
        ["who-can"] => super::expand::action_candidates(prefix),
        // The simulator's request context (`--context-entries ContextKeyName=KEY,...`): condition
        // keys from AWS's catalogue.
        ["aws", "iam", "simulate-principal-policy" | "simulate-custom-policy", .., "--context-entries"] => {
            match prefix.strip_prefix("ContextKeyName=") {
                Some(key) => super::expand::condition_key_candidates(key)
                    .into_iter()
                    .map(|k| format!("ContextKeyName={k}"))
                    .collect(),
                None => vec!["ContextKeyName=".to_string()],
            }
        }
        _ => candidates(session, &words),
    };
    candidates.retain(|c| c.starts_with(prefix));
    candidates.sort();
    candidates.dedup();
    (start, candidates)
}

fn candidates(session: &Session, words: &[&str]) -> Vec<String> {
    let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match words {
        [] => {
            let mut c: Vec<String> = COMMANDS.iter().map(|c| c.name.to_string()).collect();
            c.push("aws".into());
            c
        }
        ["help", "aws"] => {
            let mut c = strs(&registry::services());
            c.extend(["configure".into(), "s3".into()]);
            c
        }
        ["help", "aws", "s3"] => super::s3::subcommands().map(str::to_string).collect(),
        ["help", "aws", service] => registry::operations(service).map(|o| o.cli_name()).collect(),
        // The CLI's own help pages: `aws help`, `aws SERVICE help`, `aws SERVICE OPERATION help`.
        ["aws"] => {
            let mut c = strs(&registry::services());
            c.extend(["configure".into(), "s3".into()]);
            with_help(c)
        }
        // `aws configure ...` (config.rs): its subcommands, and the profiles for --profile.
        [.., "--profile"] => session.cli.profiles().into_iter().map(|(name, _)| name).collect(),
        ["aws", "configure", "export-credentials", ..] => strs(&["--format", "--profile"]),
        ["aws", "configure", ..] => {
            strs(&["set", "get", "list", "list-profiles", "export-credentials", "help", "--profile"])
        }
        ["aws", "s3", rest @ ..] => super::s3::complete(session, rest),
        ["aws", service] => with_help(registry::operations(service).map(|o| o.cli_name()).collect()),
        ["help"] => {
            let mut c: Vec<String> = COMMANDS.iter().map(|c| c.name.to_string()).collect();
            c.extend(["aws".to_string(), "demo".to_string()]);
            c
        }
        ["aws", service, op] => match registry::find(service, op) {
            Some(op) => with_help(options(op, &[])),
            None => Vec::new(),
        },
        ["aws", service, op, rest @ ..] => {
            let Some(op) = registry::find(service, op) else { return Vec::new() };
            match rest.last() {
                Some(opt) if opt.starts_with("--") => {
                    let names = values_for(session, opt);
                    if !names.is_empty() {
                        return names;
                    }
                    options(op, rest)
                }
                _ => options(op, rest),
            }
        }
        ["sign-in"] => strs(&["root", "user", "keys"]),
        ["sign-in", kind, .., last] if last.starts_with("--") => match (*kind, *last) {
            ("root", "--email") => session.world.accounts.by_id.values().map(|a| a.email.clone()).collect(),
            ("user", "--account") => account_keys(session),
            ("user", "--user-name") => {
                session.world.iam.accounts.values().flat_map(|i| i.users.values().map(|u| u.name.clone())).collect()
            }
            _ => Vec::new(),
        },
        ["sign-in", "root", ..] => {
            strs(&["--email", "--password", "--mfa-code", "--register-mfa-device", "--forgot-password"])
        }
        ["console"] => crate::command::console::ACTIONS.iter().map(|a| a.name.to_string()).collect(),
        ["reset-root-password", ..] => strs(&["--token", "--new-password"]),
        ["mfa-code"] | ["lose-mfa-device"] => session.world.mail.authenticator.keys().cloned().collect(),
        ["sign-in", "user", ..] => strs(&["--account", "--user-name", "--password", "--mfa-code"]),
        ["sign-in", "keys", ..] => strs(&["--access-key-id", "--secret-access-key", "--session-token"]),
        ["show"] => strs(&["org", "accounts", "account", "user", "group", "role", "policy"]),
        ["show", "account"] | [.., "--account"] => account_keys(session),
        ["show", "user"] => names(session, |i| i.users.values().map(|u| u.name.clone()).collect()),
        ["show", "group"] => names(session, |i| i.groups.values().map(|g| g.name.clone()).collect()),
        ["show", "role"] => names(session, |i| i.roles.values().map(|r| r.name.clone()).collect()),
        ["show", "policy"] => policy_arns(session),
        ["clock"] => strs(&["advance"]),
        ["mail"] => session.world.accounts.by_id.values().map(|a| a.email.clone()).collect(),
        ["phone"] => session.world.accounts.by_id.values().map(|a| a.contact.phone_number.clone()).collect(),
        ["explain"] => strs(&["--json"]),
        ["tasks"] => crate::tasks::TASKS.iter().map(|t| t.id.to_string()).collect(),
        ["reset"] => strs(&["--seed", "--empty"]),
        ["export"] => super::config::ENV_VARS.iter().map(|v| format!("{v}=")).collect(),
        ["unset", ..] => session.cli.env.keys().cloned().collect(),
        ["cat"] => strs(&["~/.aws/config", "~/.aws/credentials"]),
        ["synth"] => strs(&["--seed", "accounts=1000,roles=50000,policies=100000"]),
        _ => Vec::new(),
    }
}

/// `candidates` and `help`, which the CLI takes in their place.
fn with_help(mut candidates: Vec<String>) -> Vec<String> {
    candidates.push("help".to_string());
    candidates
}

fn options(op: &crate::service::Operation, given: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = op
        .params
        .iter()
        .filter(|p| !p.is_positional())
        .map(|p| format!("--{}", kebab(p.name)))
        .filter(|o| !given.contains(&o.as_str()))
        .collect();
    // The CLI's paging options on a paginated operation.
    out.extend(
        super::paginate::options(op).into_iter().map(|(o, _)| o.to_string()).filter(|o| !given.contains(&o.as_str())),
    );
    // The whole-input options every operation takes (`command::cli_input`).
    out.extend(
        ["--cli-input-json", "--cli-input-yaml", "--generate-cli-skeleton"]
            .map(String::from)
            .into_iter()
            .filter(|o| !given.contains(&o.as_str())),
    );
    // The global options the line does not hold yet.
    out.extend(super::cli::global_options().filter(|o| !given.contains(&o.as_str())));
    out
}

fn account_keys(session: &Session) -> Vec<String> {
    session.world.accounts.by_id.values().flat_map(|a| [a.id.clone(), a.name.clone()]).collect()
}

/// Names from the IAM of the signed-in account.
fn names(session: &Session, f: impl Fn(&crate::iam::IamAccount) -> Vec<String>) -> Vec<String> {
    let Ok(caller) = session.world.resolve(&session.identity) else { return Vec::new() };
    session.world.iam.account(&caller.account).map(f).unwrap_or_default()
}

fn policy_arns(session: &Session) -> Vec<String> {
    let mut out: Vec<String> = crate::iam::managed::all().map(|p| p.arn.clone()).collect();
    out.extend(names(session, |i| i.policies.keys().cloned().collect()));
    out
}

fn values_for(session: &Session, option: &str) -> Vec<String> {
    match option {
        "--user-name" => names(session, |i| i.users.values().map(|u| u.name.clone()).collect()),
        "--group-name" => names(session, |i| i.groups.values().map(|g| g.name.clone()).collect()),
        "--role-name" => names(session, |i| i.roles.values().map(|r| r.name.clone()).collect()),
        "--policy-arn" | "--permissions-boundary" => policy_arns(session),
        // The choices argparse takes.
        "--generate-cli-skeleton" => ["input", "output", "yaml-input"].map(String::from).to_vec(),
        "--color" => ["on", "off", "auto"].map(String::from).to_vec(),
        "--cli-binary-format" => ["base64", "raw-in-base64-out"].map(String::from).to_vec(),
        "--role-arn" => session
            .world
            .iam
            .accounts
            .iter()
            .flat_map(|(a, i)| i.roles.values().map(move |r| arn::iam(a, "role", &r.path, &r.name)))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_input_and_connection_options_complete() {
        let session = Session::demo(crate::DEFAULT_SEED);
        let line = "aws iam create-user --gen";
        let (_, c) = complete(&session, line, line.len());
        assert_eq!(c, ["--generate-cli-skeleton"]);
        let line = "aws iam create-user --generate-cli-skeleton ";
        let (_, c) = complete(&session, line, line.len());
        assert_eq!(c, ["input", "output", "yaml-input"]);
        let line = "aws sts get-caller-identity --no-sign";
        let (_, c) = complete(&session, line, line.len());
        assert_eq!(c, ["--no-sign-request"]);
    }

    #[test]
    fn help_is_offered_after_a_service_and_an_operation() {
        let session = Session::demo(crate::DEFAULT_SEED);
        for line in ["aws he", "aws iam he", "aws iam list-users he"] {
            let (_, words) = complete(&session, line, line.len());
            assert_eq!(words, ["help"], "{line:?}");
        }
        // Only in place of the options: not after one, and not in rootsim's own `help aws`.
        let (_, words) = complete(&session, "aws iam list-users --path-prefix / ", 35);
        assert!(!words.contains(&"help".to_string()), "{words:?}");
        let (_, words) = complete(&session, "help aws iam he", 15);
        assert!(words.is_empty(), "{words:?}");
        let (_, words) = complete(&session, "aws iam list-users ", 19);
        assert!(words.contains(&"--path-prefix".to_string()) && words.contains(&"help".to_string()));
    }

    #[test]
    fn who_can_completes_actions_and_attach_completes_aws_managed_policies() {
        let session = Session::demo(crate::DEFAULT_SEED);
        let line = "who-can sts:GetC";
        assert_eq!(complete(&session, line, line.len()), (8, vec!["sts:GetCallerIdentity".to_string()]));
        let line = "who-can kms";
        assert_eq!(complete(&session, line, line.len()).1, vec!["kms:".to_string()]);
        let line = "aws iam attach-user-policy --policy-arn arn:aws:iam::aws:policy/job-function/ViewOnly";
        assert_eq!(
            complete(&session, line, line.len()).1,
            vec!["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess".to_string()]
        );
    }

    #[test]
    fn simulator_context_entries_complete_condition_keys() {
        let s = Session::demo(1);
        let line = "aws iam simulate-custom-policy --context-entries ";
        assert_eq!(complete(&s, line, line.len()).1, ["ContextKeyName="]);
        let line =
            "aws iam simulate-principal-policy --policy-source-arn x --context-entries ContextKeyName=aws:SourceI";
        let (start, c) = complete(&s, line, line.len());
        assert_eq!(&line[start..], "ContextKeyName=aws:SourceI");
        assert!(c.contains(&"ContextKeyName=aws:SourceIp".to_string()), "{c:?}");
        assert!(c.iter().all(|k| k.starts_with("ContextKeyName=aws:SourceI")), "{c:?}");
        let line = "aws iam simulate-custom-policy --context-entries ContextKeyName=s3:x-amz-a";
        assert!(complete(&s, line, line.len()).1.contains(&"ContextKeyName=s3:x-amz-acl".to_string()));
    }

    #[test]
    fn multibyte_whitespace_does_not_split_a_character() {
        // The lexer treats these as whitespace too, so completion carries on after them.
        let session = Session::demo(crate::DEFAULT_SEED);
        for line in ["aws\u{3000}ia", "aws\u{85}ia"] {
            let (start, words) = complete(&session, line, line.len());
            assert_eq!(start, line.len() - 2, "{line:?}");
            assert_eq!(words, ["iam"], "{line:?}");
        }
    }
}
