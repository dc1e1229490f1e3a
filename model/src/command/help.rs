//! Help texts, written from the same tables that run the commands.

use super::sandbox::COMMANDS;
use super::Outcome;
use crate::registry;
use crate::service::{kebab, Operation, Shape};

/// `help`, `help COMMAND`, `help aws`, `help aws SERVICE`, `help aws SERVICE OPERATION`, `help demo`.
pub fn topic(words: &[String]) -> Outcome {
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] => Outcome::ok(overview()),
        ["demo"] => Outcome::ok(demo()),
        ["aws"] => {
            let mut out = String::from("AWS services modelled by rootsim (type `help aws SERVICE`):\n");
            for s in registry::services() {
                out.push_str(&format!("  {s:<16} {} operations\n", registry::operations(s).count()));
            }
            out.push_str("  s3               the high-level commands: ls, mb, rb, cp, mv, rm\n");
            out.push_str("\nSyntax: aws SERVICE OPERATION --option value ... [--region REGION]\nValues: words, lists of words, JSON, shorthand Key=Value,... or file://path; --opt=value too.\nGlobal options, anywhere on the line: --region R, --output json|text|table|yaml|yaml-stream,\n--query JMESPATH, --debug, --no-paginate, --no-cli-pager, --endpoint-url URL (ignored), --profile P.\naws --version. Profiles and credentials: help aws configure.\nThe CLI's own help pages: aws help, aws SERVICE help, aws SERVICE OPERATION help.");
            Outcome::ok(out)
        }
        ["aws", "configure"] => Outcome::ok(super::config::HELP),
        ["aws", "s3", rest @ ..] => super::s3::help(rest),
        ["aws", service] => {
            if !registry::services().contains(service) {
                return Outcome::fail(
                    "UnknownCommand",
                    format!("rootsim does not model the AWS service '{service}'. Try `help aws`."),
                );
            }
            let mut out = format!("Operations of {service} (type `help aws {service} OPERATION`):\n");
            for op in registry::operations(service) {
                out.push_str(&format!("  {:<36} {}\n", op.cli_name(), op.summary));
            }
            Outcome::ok(out.trim_end())
        }
        ["aws", service, op] => match registry::find(service, op) {
            Some(op) => Outcome::ok(operation(op)),
            None => {
                Outcome::fail("UnknownCommand", format!("No operation '{op}' in {service}. Try `help aws {service}`."))
            }
        },
        [name] => match COMMANDS.iter().find(|c| c.name == *name) {
            Some(c) => {
                let mut out = format!("{}\n\nusage: {}", c.summary, c.usage);
                if !c.detail.is_empty() {
                    out.push_str("\n\n");
                    out.push_str(c.detail);
                }
                Outcome::ok(out)
            }
            None => Outcome::fail("UnknownCommand", format!("No help on '{name}'. Type `help` for the list.")),
        },
        _ => Outcome::usage("usage: help [COMMAND | aws [SERVICE [OPERATION]] | demo]"),
    }
}

fn overview() -> String {
    let mut out = String::from("rootsim: a simulated AWS estate. AWS calls use the AWS CLI's syntax:\n  aws SERVICE OPERATION --option value ...      (help aws)\n\nSandbox commands:\n");
    for c in COMMANDS {
        out.push_str(&format!("  {:<10} {}\n", c.name, c.summary));
    }
    out.push_str("\nType `help COMMAND` for details, `help demo` for the demo world's accounts and passwords.");
    out
}

fn demo() -> String {
    let mut out = String::from("The demo world (reset to start over):\n\nAccounts (root email / root password):\n");
    for (name, email, password, path) in crate::demo::DEMO_ACCOUNTS {
        let ou = if path.is_empty() { "(management account)".to_string() } else { format!("OU {}", path.join("/")) };
        out.push_str(&format!("  {name:<11} {email:<30} {password:<18} {ou}\n"));
    }
    out.push_str("\nIAM users (account / user / password):\n");
    for crate::demo::DemoUser { account, name: user, password, managed, group } in crate::demo::DEMO_USERS {
        let what = match (group, managed.first()) {
            (Some(g), _) => format!("member of {g} (AdministratorAccess)"),
            (None, Some(p)) => p.rsplit('/').next().unwrap_or(p).to_string(),
            (None, None) => "no permissions".to_string(),
        };
        out.push_str(&format!("  {account:<11} {user:<8} {password:<16} {what}\n"));
    }
    out.push_str("\nRoles: OrganizationAccountAccessRole in every member account (trusts the management account),\n       Deployer in dev (PowerUserAccess; trusts the dev account).\nYou start as alice, with her access keys.");
    out
}

/// Help for one AWS operation, from its table entry.
pub fn operation(op: &Operation) -> String {
    let mut out = format!("aws {} {}\n\n{}\n", op.service, op.cli_name(), op.summary);
    let paging = super::paginate::options(op);
    if op.params.is_empty() && paging.is_empty() {
        out.push_str("\nNo options.");
        return out;
    }
    out.push_str("\nOptions:\n");
    for p in op.params {
        let value = match p.shape {
            Shape::String => "<string>",
            Shape::Integer => "<integer>",
            Shape::Boolean => "",
            Shape::StringList => "<string> [<string> ...]",
            Shape::Document => "<JSON or file://path>",
            Shape::Tags => "Key=<k>,Value=<v> ...",
            Shape::Structure(_) => "<shorthand or JSON>",
            Shape::StructureList(_) => "<shorthand> ... or <JSON list>",
            Shape::Blob => "<path of a file>",
            Shape::BlobValue => "<base64 or fileb://path>",
            Shape::Map => "Name=Value,... or <JSON object>",
        };
        let flag = if p.shape == Shape::Boolean {
            format!("--{0} | --no-{0}", kebab(p.name))
        } else {
            format!("--{} {value}", kebab(p.name))
        };
        out.push_str(&format!("  {flag:<44} {}{}\n", if p.required { "(required) " } else { "" }, p.doc));
    }
    for (opt, value) in &paging {
        let doc = match *opt {
            "--starting-token" => "where to resume: the NextToken a --max-items run printed",
            "--page-size" => "items per API call (more, smaller calls; the output is the same)",
            _ => "items to print in all; a NextToken follows when more remain",
        };
        out.push_str(&format!("  {:<44} {doc}\n", format!("{opt} {value}")));
    }
    if !paging.is_empty() {
        out.push_str(&format!(
            "\n{} is paginated: the CLI calls the API page after page and merges the pages; --no-paginate makes one call.\n",
            op.cli_name()
        ));
    }
    out.trim_end().to_string()
}
