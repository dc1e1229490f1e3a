//! The AWS CLI's own help pages: `aws help`, `aws SERVICE help`, `aws SERVICE OPERATION help`.
//!
//! Laid out as the CLI v2 prints its man pages when the output is not a terminal (groff's ASCII
//! rendering with the overstrike bold removed): a `TITLE()` header and footer 78 columns wide,
//! section names flush left (NAME, DESCRIPTION, SYNOPSIS, OPTIONS, GLOBAL OPTIONS, OUTPUT,
//! AVAILABLE COMMANDS, AVAILABLE SERVICES), text indented seven columns, each option's text ten.
//! Every page is generated from the operation tables that parse the commands (`crate::service`),
//! so the SYNOPSIS names exactly the options the parser takes; the descriptions are rootsim's own
//! one-line summaries from those tables. Differences from groff, which are layout only: lines
//! are filled without groff's justification and hyphenation, and a page has no EXAMPLES section
//! (rootsim keeps none).

#[rustfmt::skip]
mod output;

use super::cli::{self, HelpPage};
use crate::registry;
use crate::render::Output;
use crate::service::{kebab, Operation, Param, Shape};

/// The page width groff renders man pages at for the CLI.
const WIDTH: usize = 78;
/// Where section text starts.
const TEXT: usize = 7;
/// Where an option's description starts.
const OPTION_TEXT: usize = 10;

/// rootsim's one-line description of each service it models, for `aws help` and `aws SERVICE help`.
const SERVICES: &[(&str, &str)] = &[
    ("accessanalyzer", "IAM Access Analyzer: validating policy documents (the policy checks' findings)."),
    ("account", "AWS Account Management: an account's contacts, Regions and primary email."),
    ("cloudformation", "AWS CloudFormation: stacks, their templates and their service roles."),
    ("autoscaling", "Amazon EC2 Auto Scaling: launch configurations and the Auto Scaling groups made from them."),
    ("cloudtrail", "AWS CloudTrail: the event history of the calls made in an account, and trails."),
    ("ec2", "Amazon EC2: instances and their IAM instance profile associations."),
    ("ec2-instance-connect", "Amazon EC2 Instance Connect: pushing an SSH public key to an instance."),
    ("codebuild", "AWS CodeBuild: build projects and the builds that run as their service roles."),
    ("events", "Amazon EventBridge: rules that match events and the targets they send them to."),
    ("glue", "AWS Glue: development endpoints, the SSH keys that reach them and the roles they run as."),
    ("iam", "AWS Identity and Access Management: users, groups, roles, policies and credentials, root user included."),
    ("kms", "AWS Key Management Service: keys and their key policies."),
    ("lambda", "AWS Lambda: functions and the execution roles they run as."),
    ("organizations", "AWS Organizations: the organization's accounts, OUs, policies and delegated administrators."),
    (
        "s3api",
        "Amazon S3's API: buckets, their bucket policies, Block Public Access, Object Ownership and ACLs, and objects.",
    ),
    ("s3control", "Amazon S3 Control: the account's Block Public Access settings."),
    ("sagemaker", "Amazon SageMaker: notebook instances that run as their roles."),
    ("sns", "Amazon SNS: topics, email subscriptions and publishing."),
    ("sqs", "Amazon SQS: queues and their queue policies."),
    ("ssm", "AWS Systems Manager: Run Command and Session Manager on managed instances."),
    ("sts", "AWS Security Token Service: temporary credentials, sessions and the caller's identity."),
];

/// A global option as the CLI's help documents it: name, type, description, the values it takes.
struct GlobalOption {
    name: &'static str,
    kind: &'static str,
    takes_value: bool,
    doc: &'static str,
    choices: &'static [&'static str],
}

/// The global options rootsim takes, in the order the CLI's help lists them (rootsim's own
/// descriptions). Only those `cli::global_options()` accepts are printed (and `--version`).
const GLOBALS: &[GlobalOption] = &[
    GlobalOption {
        name: "debug",
        kind: "boolean",
        takes_value: false,
        doc: "Show the request rootsim builds and how it answers it.",
        choices: &[],
    },
    GlobalOption {
        name: "endpoint-url",
        kind: "string",
        takes_value: true,
        doc: "Accepted and ignored: rootsim answers every call itself.",
        choices: &[],
    },
    GlobalOption {
        name: "no-verify-ssl",
        kind: "boolean",
        takes_value: false,
        doc: "Accepted and ignored: rootsim opens no connection, so there is no certificate to verify.",
        choices: &[],
    },
    GlobalOption {
        name: "no-paginate",
        kind: "boolean",
        takes_value: false,
        doc: "Accepted: rootsim returns every result in one page either way.",
        choices: &[],
    },
    GlobalOption {
        name: "output",
        kind: "string",
        takes_value: true,
        doc: "How the response is printed.",
        choices: &Output::NAMES,
    },
    GlobalOption {
        name: "query",
        kind: "string",
        takes_value: true,
        doc: "A JMESPath expression applied to the response before it is printed.",
        choices: &[],
    },
    GlobalOption {
        name: "profile",
        kind: "string",
        takes_value: true,
        doc: "The named profile whose credentials and settings the call uses.",
        choices: &[],
    },
    GlobalOption {
        name: "region",
        kind: "string",
        takes_value: true,
        doc: "The Region the call is made in (default us-east-1).",
        choices: &[],
    },
    GlobalOption {
        name: "version",
        kind: "string",
        takes_value: true,
        doc: "Print the CLI's version and exit.",
        choices: &[],
    },
    GlobalOption {
        name: "color",
        kind: "string",
        takes_value: true,
        doc: "Turn on/off color output. Accepted: rootsim prints without colour whichever is chosen.",
        choices: &["on", "off", "auto"],
    },
    GlobalOption {
        name: "no-sign-request",
        kind: "boolean",
        takes_value: false,
        doc: "Do not sign requests: credentials are not loaded, and the call is made as the anonymous caller (S3, SQS and SNS answer what their resource policies grant to everyone; the other services refuse an unsigned request).",
        choices: &[],
    },
    GlobalOption {
        name: "ca-bundle",
        kind: "string",
        takes_value: true,
        doc: "Accepted and ignored: rootsim opens no connection.",
        choices: &[],
    },
    GlobalOption {
        name: "cli-read-timeout",
        kind: "int",
        takes_value: true,
        doc: "Accepted (an integer) and ignored: rootsim answers at once.",
        choices: &[],
    },
    GlobalOption {
        name: "cli-connect-timeout",
        kind: "int",
        takes_value: true,
        doc: "Accepted (an integer) and ignored: rootsim opens no connection.",
        choices: &[],
    },
    GlobalOption {
        name: "cli-binary-format",
        kind: "string",
        takes_value: true,
        doc: "The formatting style of binary blobs given inline (KMS's --plaintext and --ciphertext-blob): base64 (the default) or raw-in-base64-out, the text's own bytes (fileb:// gives a file's bytes).",
        choices: &["base64", "raw-in-base64-out"],
    },
    GlobalOption {
        name: "no-cli-pager",
        kind: "boolean",
        takes_value: false,
        doc: "Accepted: rootsim never pages its output.",
        choices: &[],
    },
    GlobalOption {
        name: "cli-auto-prompt",
        kind: "boolean",
        takes_value: false,
        doc: "Not modelled: rootsim has no interactive prompt for the CLI's parameters, and refuses this option.",
        choices: &[],
    },
    GlobalOption {
        name: "no-cli-auto-prompt",
        kind: "boolean",
        takes_value: false,
        doc: "Accepted: rootsim never prompts.",
        choices: &[],
    },
];

/// One member of an operation's response, as the OUTPUT section lists it: `Name -> (type)` and,
/// for a structure, list or map, what it holds (a list's item has no name and prints as
/// `(type)`; a map's are `key` and `value`).
#[derive(Debug)]
pub struct Out {
    /// The member's name (empty for a list's item).
    pub name: &'static str,
    /// Its type as the service model names it: string, integer, long, boolean, timestamp,
    /// structure, list, map...
    pub kind: &'static str,
    /// What a structure, list or map holds.
    pub members: &'static [Out],
}

/// The response members of `op` (`None` when the table of responses does not know the
/// operation).
fn response(op: &Operation) -> Option<&'static [Out]> {
    output::OUTPUTS.iter().find(|(s, n, _)| *s == op.service && *n == op.name).map(|(_, _, m)| *m)
}

/// Where the OUTPUT section prints a member at each depth (groff's nested indents of the CLI's
/// page: three columns, then four, in turn).
fn output_indent(depth: usize) -> usize {
    TEXT + (depth / 2) * 7 + (depth % 2) * 3
}

/// One member of the OUTPUT section and what it holds. As in the CLI's pages for members
/// without a description, a container's line is followed directly by its members and a leaf's
/// by a blank line.
fn output_member(doc: &mut Page, member: &Out, depth: usize) {
    let indent = output_indent(depth);
    if member.name.is_empty() {
        doc.line(indent, &format!("({})", member.kind));
    } else {
        doc.line(indent, &format!("{} -> ({})", member.name, member.kind));
    }
    if member.members.is_empty() {
        doc.blank();
    }
    for m in member.members {
        output_member(doc, m, depth + 1);
    }
}

/// Whether the CLI paginates `op` (botocore's paginators, `crate::pages`), so that its page lists
/// `--starting-token`, `--page-size` and `--max-items`.
fn is_paginated(op: &Operation) -> bool {
    crate::pages::paginator(op.service, op.name).is_some()
}

/// The page `page` asks for.
pub fn page(page: HelpPage) -> String {
    match page {
        HelpPage::Aws => aws_page(),
        HelpPage::Service(service) => service_page(service),
        HelpPage::Operation(op) => operation_page(op, is_paginated(op)),
    }
}

/// `aws help`.
fn aws_page() -> String {
    let mut doc = Page::new("aws");
    doc.section("NAME");
    doc.line(TEXT, "aws -");
    doc.blank();
    doc.section("DESCRIPTION");
    doc.para(TEXT, "The AWS Command Line Interface as rootsim simulates it: every call is answered by the simulated estate, with the CLI's syntax, errors and output formats.");
    doc.blank();
    doc.section("SYNOPSIS");
    doc.line(10, "aws [options] <command> <subcommand> [parameters]");
    doc.blank();
    doc.para(TEXT, "Use aws command help for a service's operations and aws command subcommand help for an operation's options. Optional parameters are shown in square brackets. rootsim's own commands are listed by help.");
    doc.blank();
    global_options(&mut doc);
    doc.section("AVAILABLE SERVICES");
    let mut services = registry::services();
    services.push("help");
    services.sort_unstable();
    for s in services {
        doc.line(TEXT, &format!("o {s}"));
        doc.blank();
    }
    doc.finish()
}

/// `aws SERVICE help`.
fn service_page(service: &str) -> String {
    let mut doc = Page::new(service);
    doc.section("NAME");
    doc.line(TEXT, &format!("{service} -"));
    doc.blank();
    doc.section("DESCRIPTION");
    doc.para(TEXT, service_description(service));
    doc.blank();
    doc.section("AVAILABLE COMMANDS");
    for name in cli::operation_choices(service) {
        doc.line(TEXT, &format!("o {name}"));
        doc.blank();
    }
    doc.finish()
}

/// rootsim's description of `service`.
fn service_description(service: &str) -> &'static str {
    SERVICES.iter().find(|(s, _)| *s == service).map_or("", |(_, d)| d)
}

/// One entry of an operation's SYNOPSIS: `--name <value>`, `--flag | --no-flag`, bracketed
/// unless the option is required.
fn synopsis_entry(p: &Param) -> String {
    let name = kebab(p.name);
    if p.is_positional() {
        return format!("<{name}>");
    }
    let entry = if p.shape == Shape::Boolean { format!("--{name} | --no-{name}") } else { format!("--{name} <value>") };
    if p.required {
        entry
    } else {
        format!("[{entry}]")
    }
}

/// The SYNOPSIS lines of `op`, as the CLI orders them: the operation's own options, the JSON
/// input options, the pagination options when `paginated`, the skeleton option, then the global
/// options.
pub fn synopsis(op: &Operation, paginated: bool) -> Vec<String> {
    let mut lines: Vec<String> = op.params.iter().map(synopsis_entry).collect();
    lines.push("[--cli-input-json | --cli-input-yaml]".to_string());
    if paginated {
        lines
            .extend(["[--starting-token <value>]", "[--page-size <value>]", "[--max-items <value>]"].map(String::from));
    }
    lines.push("[--generate-cli-skeleton <value>]".to_string());
    for g in shown_globals() {
        lines.push(if g.takes_value { format!("[--{} <value>]", g.name) } else { format!("[--{}]", g.name) });
    }
    lines
}

/// The global options rootsim's parser takes, in the CLI's order.
fn shown_globals() -> impl Iterator<Item = &'static GlobalOption> {
    let accepted: Vec<String> = cli::global_options().collect();
    GLOBALS.iter().filter(move |g| g.name == "version" || accepted.contains(&format!("--{}", g.name)))
}

/// The type the CLI's help gives a value of `shape`.
fn type_name(shape: Shape) -> &'static str {
    match shape {
        Shape::String | Shape::Document => "string",
        Shape::Integer => "integer",
        Shape::Boolean => "boolean",
        Shape::Blob | Shape::BlobValue => "blob",
        Shape::StringList | Shape::Tags | Shape::StructureList(_) => "list",
        Shape::Structure(_) => "structure",
        Shape::Map => "map",
    }
}

/// The members of a structure-valued shape (tags are `Key` and `Value` strings).
fn members(shape: Shape) -> &'static [Param] {
    const TAG: &[Param] = &[
        Param { name: "Key", shape: Shape::String, required: true, doc: "the tag's key" },
        Param { name: "Value", shape: Shape::String, required: true, doc: "the tag's value" },
    ];
    match shape {
        Shape::Tags => TAG,
        Shape::Structure(m) | Shape::StructureList(m) => m,
        _ => &[],
    }
}

/// A table's one-line doc as a sentence.
fn sentence(doc: &str) -> String {
    let mut s = String::with_capacity(doc.len() + 1);
    let mut chars = doc.trim().chars();
    if let Some(first) = chars.next() {
        s.extend(first.to_uppercase());
        s.push_str(chars.as_str());
    }
    if !s.is_empty() && !s.ends_with(['.', '?', '!', ')']) {
        s.push('.');
    }
    s
}

/// What the JSON syntax shows for a member's value.
fn json_value(shape: Shape) -> &'static str {
    match shape {
        Shape::Integer => "integer",
        Shape::Boolean => "true|false",
        Shape::StringList => "[\"string\", ...]",
        _ => "\"string\"",
    }
}

/// `aws SERVICE OPERATION help`; `paginated` adds the CLI's pagination options.
pub fn operation_page(op: &Operation, paginated: bool) -> String {
    let name = op.cli_name();
    let mut doc = Page::new(&name);
    doc.section("NAME");
    doc.line(TEXT, &format!("{name} -"));
    doc.blank();
    doc.section("DESCRIPTION");
    doc.para(TEXT, op.summary);
    doc.blank();
    doc.section("SYNOPSIS");
    doc.line(12, &name);
    for line in synopsis(op, paginated) {
        doc.line(10, &line);
    }
    doc.blank();
    doc.section("OPTIONS");
    for p in op.params {
        option(&mut doc, p);
    }
    doc.para(TEXT, "--cli-input-json | --cli-input-yaml (string) Reads the operation's arguments from a JSON (or YAML) document shaped as --generate-cli-skeleton prints it, inline or from file://; options on the command line override it, and the whole is checked as botocore's parameter validation does. rootsim reads YAML in block style with plain or quoted scalars, or JSON's syntax.");
    doc.blank();
    if paginated {
        for (flag, kind, text) in [
            ("starting-token", "string", "Where to resume: the NextToken of the previous command's output."),
            ("page-size", "integer", "How many items each service call asks for; the output is the same."),
            ("max-items", "integer", "The most items the command prints; a NextToken follows when more remain."),
        ] {
            doc.line(TEXT, &format!("--{flag} ({kind})"));
            doc.para(OPTION_TEXT, text);
            doc.blank();
        }
    }
    doc.para(TEXT, "--generate-cli-skeleton (string) Prints a JSON skeleton of the operation's input (no value, or input) without calling the service, for --cli-input-json; with output, checks the options and prints a sample response in the chosen --output. yaml-input is not modelled (the CLI comments its YAML skeleton with the API documentation, which rootsim does not hold).");
    doc.blank();
    global_options(&mut doc);
    doc.section("OUTPUT");
    match response(op) {
        Some([]) => doc.line(TEXT, "None"),
        Some(members) => members.iter().for_each(|m| output_member(&mut doc, m, 0)),
        None => doc.para(TEXT, "(rootsim) No description of this operation's response."),
    }
    doc.finish()
}

/// One operation option in OPTIONS: its name and type, its description, and for structured
/// values their members and the shorthand and JSON syntax the parser takes.
fn option(doc: &mut Page, p: &Param) {
    let name = kebab(p.name);
    let flag = if p.is_positional() {
        name.clone()
    } else if p.shape == Shape::Boolean {
        format!("--{name} | --no-{name}")
    } else {
        format!("--{name}")
    };
    doc.line(TEXT, &format!("{flag} ({})", type_name(p.shape)));
    doc.para(OPTION_TEXT, &sentence(p.doc));
    doc.blank();
    match p.shape {
        Shape::StringList => {
            doc.line(OPTION_TEXT, "(string)");
            doc.blank();
            doc.line(TEXT, "Syntax:");
            doc.blank();
            doc.line(OPTION_TEXT, "\"string\" \"string\" ...");
            doc.blank();
        }
        Shape::Tags | Shape::StructureList(_) => {
            doc.line(OPTION_TEXT, "(structure)");
            for m in members(p.shape) {
                doc.line(14, &format!("{} -> ({})", m.name, type_name(m.shape)));
                doc.para(17, &sentence(m.doc));
                doc.blank();
            }
            let short: Vec<String> = members(p.shape).iter().map(|m| format!("{}=string", m.name)).collect();
            syntax(doc, &format!("{} ...", short.join(",")), true, members(p.shape));
        }
        Shape::Structure(ms) => {
            for m in ms {
                doc.line(OPTION_TEXT, &format!("{} -> ({})", m.name, type_name(m.shape)));
                doc.para(13, &sentence(m.doc));
                doc.blank();
            }
            let short: Vec<String> = ms.iter().map(|m| format!("{}=string", m.name)).collect();
            syntax(doc, &short.join(","), false, ms);
        }
        _ => {}
    }
}

/// The `Shorthand Syntax:` and `JSON Syntax:` blocks of a structured option.
fn syntax(doc: &mut Page, shorthand: &str, list: bool, members: &[Param]) {
    doc.line(TEXT, "Shorthand Syntax:");
    doc.blank();
    doc.line(OPTION_TEXT, shorthand);
    doc.blank();
    doc.line(TEXT, "JSON Syntax:");
    doc.blank();
    let pad = if list { 2 } else { 0 };
    if list {
        doc.line(OPTION_TEXT, "[");
    }
    doc.line(OPTION_TEXT + pad, "{");
    for (i, m) in members.iter().enumerate() {
        let comma = if i + 1 < members.len() { "," } else { "" };
        doc.line(OPTION_TEXT + pad + 2, &format!("\"{}\": {}{comma}", m.name, json_value(m.shape)));
    }
    doc.line(OPTION_TEXT + pad, "}");
    if list {
        doc.line(OPTION_TEXT + pad, "...");
        doc.line(OPTION_TEXT, "]");
    }
    doc.blank();
}

/// The GLOBAL OPTIONS section.
fn global_options(doc: &mut Page) {
    doc.section("GLOBAL OPTIONS");
    for g in shown_globals() {
        doc.line(TEXT, &format!("--{} ({})", g.name, g.kind));
        doc.blank();
        doc.para(TEXT, g.doc);
        doc.blank();
        for c in g.choices {
            doc.line(TEXT, &format!("o {c}"));
            doc.blank();
        }
    }
}

/// A man page being written: lines of text, then the header and footer around them.
struct Page {
    title: String,
    lines: Vec<String>,
}

impl Page {
    fn new(name: &str) -> Page {
        Page { title: format!("{}()", name.to_uppercase()), lines: Vec::new() }
    }

    fn section(&mut self, name: &str) {
        self.lines.push(name.to_string());
    }

    fn line(&mut self, indent: usize, text: &str) {
        self.lines.push(format!("{}{text}", " ".repeat(indent)));
    }

    fn blank(&mut self) {
        self.lines.push(String::new());
    }

    /// `text` filled to the page width at `indent` (a word longer than the line stands alone).
    fn para(&mut self, indent: usize, text: &str) {
        let room = WIDTH.saturating_sub(indent).max(1);
        let mut line = String::new();
        for word in text.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
                self.line(indent, &line);
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            self.line(indent, &line);
        }
    }

    /// The page: header, three blank lines, the sections, three blank lines, footer. A title
    /// too long for both ends is overwritten by the right one, as groff prints it.
    fn finish(mut self) -> String {
        while self.lines.last().is_some_and(String::is_empty) {
            self.lines.pop();
        }
        let t = &self.title;
        let n = t.chars().count();
        let header = if 2 * n < WIDTH {
            format!("{t}{}{t}", " ".repeat(WIDTH - 2 * n))
        } else {
            format!("{}{t}", t.chars().take(WIDTH.saturating_sub(n)).collect::<String>())
        };
        let mut out = format!("{header}\n\n\n\n");
        for l in &self.lines {
            out.push_str(l.trim_end());
            out.push('\n');
        }
        out.push_str(&format!("\n\n\n{t:>WIDTH$}"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::Operation;

    fn op(service: &str, name: &str) -> &'static Operation {
        registry::find(service, name).unwrap_or_else(|| panic!("{service} {name}"))
    }

    /// The SYNOPSIS block of a page: the lines between `SYNOPSIS` and the next blank line.
    fn synopsis_block(page: &str) -> Vec<String> {
        page.lines()
            .skip_while(|l| *l != "SYNOPSIS")
            .skip(1)
            .take_while(|l| !l.is_empty())
            .map(|l| l.trim().to_string())
            .collect()
    }

    #[test]
    fn every_synopsis_names_every_parameter_and_brackets_only_optional_ones() {
        for op in registry::all() {
            let page = operation_page(op, false);
            let lines = synopsis_block(&page);
            assert_eq!(lines[0], op.cli_name(), "{}", op.name);
            for p in op.params.iter().filter(|p| !p.is_positional()) {
                let name = kebab(p.name);
                let value = if p.shape == Shape::Boolean {
                    format!("--{name} | --no-{name}")
                } else {
                    format!("--{name} <value>")
                };
                let expected = if p.required { value } else { format!("[{value}]") };
                assert!(lines.contains(&expected), "{} {}: {expected} not in {lines:?}", op.service, op.name);
                assert!(
                    page.contains(&format!("\n       --{name}")),
                    "{} {}: no OPTIONS entry for --{name}",
                    op.service,
                    op.name
                );
            }
            // Nothing else but the CLI's fixed options and the global options.
            assert_eq!(lines.len(), 1 + op.params.len() + 2 + shown_globals().count(), "{}", op.name);
            assert!(lines.contains(&"[--cli-input-json | --cli-input-yaml]".to_string()));
            assert!(lines.contains(&"[--generate-cli-skeleton <value>]".to_string()));
        }
    }

    #[test]
    fn the_synopsis_is_laid_out_as_the_cli_lays_it_out() {
        // From `aws iam create-user help` (AWS CLI v2.17.0, not on a terminal): the options in
        // model order, the required one unbracketed, then the CLI's own options.
        let page = operation_page(op("iam", "create-user"), false);
        assert!(page.contains(
            "SYNOPSIS\n            create-user\n          [--path <value>]\n          --user-name <value>\n          [--permissions-boundary <value>]\n          [--tags <value>]\n          [--cli-input-json | --cli-input-yaml]\n          [--generate-cli-skeleton <value>]\n          [--debug]\n          [--endpoint-url <value>]\n"
        ), "{page}");
        assert!(page.starts_with(
            "CREATE-USER()                                                    CREATE-USER()\n\n\n\nNAME\n       create-user -\n\nDESCRIPTION\n"
        ));
        assert!(
            page.ends_with("\n\n\n\n                                                                 CREATE-USER()")
        );
        assert!(page.contains("\n       --tags (list)\n"));
        assert!(page.contains("\n       Shorthand Syntax:\n\n          Key=string,Value=string ...\n"));
        assert!(page.contains("\n       JSON Syntax:\n\n          [\n            {\n              \"Key\": \"string\",\n              \"Value\": \"string\"\n            }\n            ...\n          ]\n"));
    }

    #[test]
    fn paginated_operations_list_the_pagination_options_after_the_json_input() {
        // Order from `aws organizations list-accounts help` (AWS CLI v2.17.0).
        let lines = synopsis(op("iam", "list-users"), true);
        let at = lines.iter().position(|l| l == "[--cli-input-json | --cli-input-yaml]").unwrap();
        assert_eq!(
            lines[at..at + 5],
            [
                "[--cli-input-json | --cli-input-yaml]",
                "[--starting-token <value>]",
                "[--page-size <value>]",
                "[--max-items <value>]",
                "[--generate-cli-skeleton <value>]"
            ]
        );
        assert!(operation_page(op("iam", "list-users"), true).contains("\n       --max-items (integer)\n"));
    }

    #[test]
    fn booleans_show_both_forms_and_types_are_the_clis() {
        let ops = registry::all().filter(|o| o.params.iter().any(|p| p.shape == Shape::Boolean));
        for o in ops {
            let p = o.params.iter().find(|p| p.shape == Shape::Boolean).unwrap();
            let n = kebab(p.name);
            assert!(operation_page(o, false).contains(&format!("\n       --{n} | --no-{n} (boolean)\n")), "{}", o.name);
        }
        assert_eq!(type_name(Shape::Integer), "integer");
        assert_eq!(type_name(Shape::Document), "string");
    }

    #[test]
    fn long_titles_are_overwritten_as_groff_does() {
        // `aws iam add-client-id-to-open-id-connect-provider help`, first line.
        let mut p = Page::new("add-client-id-to-open-id-connect-provider");
        p.line(TEXT, "x");
        let out = p.finish();
        assert_eq!(
            out.lines().next(),
            Some("ADD-CLIENT-ID-TO-OPEN-ID-CONNECT-PRADD-CLIENT-ID-TO-OPEN-ID-CONNECT-PROVIDER()")
        );
    }

    #[test]
    fn every_service_and_global_option_is_described() {
        for s in registry::services() {
            assert!(!service_description(s).is_empty(), "{s}");
            assert!(
                service_page(s).contains(&format!("\nAVAILABLE COMMANDS\n       o {}\n", cli::operation_choices(s)[0]))
            );
        }
        for g in cli::global_options() {
            assert!(GLOBALS.iter().any(|d| format!("--{}", d.name) == g), "{g} has no help entry");
        }
        let top = aws_page();
        assert!(top.contains("\nAVAILABLE SERVICES\n       o accessanalyzer\n\n       o account\n\n"));
        assert!(top.contains("\n       o help\n\n       o iam\n"));
    }

    #[test]
    fn every_operation_has_its_response_members_and_no_other_row_exists() {
        for op in registry::all() {
            assert!(response(op).is_some(), "{} {} has no row in cli_help/output.rs", op.service, op.name);
        }
        for (service, name, _) in output::OUTPUTS {
            assert!(registry::all().any(|o| o.service == *service && o.name == *name), "{service} {name}");
        }
    }

    #[test]
    fn the_output_section_is_laid_out_as_the_cli_lays_it_out() {
        // `aws iam list-users help`, OUTPUT, from the AWS CLI v2.17.0 with the model's
        // descriptions removed (a copy of iam's service-2.json without `documentation` in
        // ~/.aws/models), which is how the CLI lays out members that have none.
        let page = operation_page(op("iam", "list-users"), false);
        let expected = "OUTPUT
       Users -> (list)
          (structure)
              Path -> (string)

              UserName -> (string)

              UserId -> (string)

              Arn -> (string)

              CreateDate -> (timestamp)

              PasswordLastUsed -> (timestamp)

              PermissionsBoundary -> (structure)
                 PermissionsBoundaryType -> (string)

                 PermissionsBoundaryArn -> (string)

              Tags -> (list)
                 (structure)
                     Key -> (string)

                     Value -> (string)

       IsTruncated -> (boolean)

       Marker -> (string)



                                                                  LIST-USERS()";
        assert!(page.ends_with(expected), "{page}");
        assert!(operation_page(op("iam", "delete-user"), false).contains("\nOUTPUT\n       None\n"));
    }

    #[test]
    fn what_rootsim_answers_is_what_the_output_section_lists() {
        // Every top-level key of rootsim's response to these calls is a member the CLI's help
        // lists for the operation.
        // Every operation that needs no option, and a few that do, as alice in the demo world.
        let mut session = crate::Session::demo(crate::DEFAULT_SEED);
        let mut lines: Vec<String> = registry::all()
            .filter(|o| !o.params.iter().any(|p| p.required))
            .map(|o| format!("aws {} {}", o.service, o.cli_name()))
            .collect();
        lines.extend(
            ["aws iam create-user --user-name helpcheck", "aws iam create-access-key --user-name helpcheck"]
                .map(String::from),
        );
        let mut answered = 0;
        for line in &lines {
            let out = session.run(line);
            let Some(json) = out.json.as_ref() else { continue };
            answered += 1;
            let words: Vec<&str> = line.split(' ').collect();
            let op = registry::find(words[1], words[2]).unwrap();
            let members = response(op).unwrap();
            for key in json.as_object().map(|o| o.keys().collect::<Vec<_>>()).unwrap_or_default() {
                assert!(members.iter().any(|m| m.name == key), "{line}: {key} is not in its OUTPUT");
            }
        }
        assert!(answered >= 20, "only {answered} calls answered");
    }

    #[test]
    fn paragraphs_fill_to_the_page_width() {
        let mut p = Page::new("x");
        p.para(TEXT, &"word ".repeat(40));
        for l in &p.lines {
            assert!(l.len() <= WIDTH, "{l}");
        }
        assert!(p.lines.len() > 1);
    }
}
