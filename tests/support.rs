//! Shared pieces of rootsim's integration and property tests: where the scenarios live, what a
//! failed command may change, and proptest strategies that produce command lines, from
//! well-formed AWS calls to garbage.

use proptest::prelude::*;
use rootsim_model::registry;
use rootsim_model::service::{kebab, Shape};
use std::path::PathBuf;

/// The world without its event history, which every attempt (failed ones too) appends to, nor
/// what the history fires downstream (EventBridge alerts and the SNS emails they send): AWS
/// delivers the events of failed calls like any other. What remains is what a failed command must
/// leave as it was.
pub fn without_history(world: &rootsim_model::World) -> rootsim_model::World {
    let mut w = world.clone();
    // The trails are state like any other; only the history itself may grow.
    w.cloudtrail.events.clear();
    w.events.fired.clear();
    for inbox in w.mail.mailboxes.values_mut() {
        // SNS notifications carry no one-time code; subscription confirmations do, and stay.
        inbox.retain(|m| m.from != rootsim_model::sns::SENDER || m.code.is_some());
    }
    w.mail.mailboxes.retain(|_, inbox| !inbox.is_empty());
    w
}

/// The workspace's `scenarios/` folder.
pub fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

const NAMES: &[&str] =
    &["alice", "bob", "dave", "carol", "Admins", "OrganizationAccountAccessRole", "Deployer", "x", "bad name", ""];
const ARNS: &[&str] = &[
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/Nope",
    "arn:aws:iam::123456789012:role/x",
    "not-an-arn",
];
const DOCS: &[&str] = &[
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#,
    r#"{"Statement":[]}"#,
    r#"{"Version":"2012-10-17","Statement":[{"Efect":"Allow"}]}"#,
    "{",
    "[1, 2",
];

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', ""))
}

/// A value for a parameter of the given shape, from small pools that hit both success and failure.
fn value(shape: Shape) -> BoxedStrategy<String> {
    match shape {
        // Mostly names that exist in the demo world, so that calls reach deep into handlers
        // (conflicts, quotas, denials) rather than stopping at "not found".
        Shape::String => prop_oneof![
            6 => prop::sample::select(NAMES).prop_map(quote),
            2 => prop::sample::select(ARNS).prop_map(str::to_string),
            1 => "[a-zA-Z0-9]{1,8}",
        ]
        .boxed(),
        Shape::Integer => {
            prop::sample::select(&["-1", "0", "900", "3600", "43201", "x"][..]).prop_map(str::to_string).boxed()
        }
        Shape::Boolean => Just(String::new()).boxed(),
        Shape::StringList => prop::collection::vec("[a-z]{1,5}", 1..3).prop_map(|v| v.join(" ")).boxed(),
        Shape::Document => prop::sample::select(DOCS).prop_map(quote).boxed(),
        Shape::Tags => prop::sample::select(&["Key=a,Value=b", "Key=a", "[{\"Key\":\"k\"}]", "=x"][..])
            .prop_map(str::to_string)
            .boxed(),
        Shape::Structure(_) => Just("A=1".to_string()).boxed(),
        Shape::StructureList(_) => prop::sample::select(
            &[
                "ContextKeyName=aws:SourceIp,ContextKeyValues=10.0.0.1,ContextKeyType=ip",
                "x",
                "[{\"ContextKeyName\":\"k\"}]",
            ][..],
        )
        .prop_map(str::to_string)
        .boxed(),
        // Files the property's host may or may not hold.
        Shape::Map => prop::sample::select(&["DelaySeconds=5", "{\"VisibilityTimeout\":\"60\"}", "x", "{\"A\":1}"][..])
            .prop_map(str::to_string)
            .boxed(),
        Shape::BlobValue => prop::sample::select(&["c2VjcmV0", "not base64!", "fileb://body.txt", "\"\""][..])
            .prop_map(str::to_string)
            .boxed(),
        Shape::Blob => prop::sample::select(&["body.txt", "no-such-file", "\"\""][..]).prop_map(str::to_string).boxed(),
    }
}

/// An AWS call built from the operation table, with some options and values that may be wrong.
pub fn aws_command() -> impl Strategy<Value = String> {
    let ops: Vec<_> = registry::all().collect();
    prop::sample::select(ops).prop_flat_map(|op| {
        let params: Vec<BoxedStrategy<Option<String>>> = op
            .params
            .iter()
            .map(|p| {
                let flag = format!("--{}", kebab(p.name));
                let shape = p.shape;
                prop::option::weighted(
                    if p.required { 0.9 } else { 0.4 },
                    value(shape).prop_map(move |v| format!("{flag} {v}")),
                )
                .boxed()
            })
            .collect();
        // The CLI's paging options, on any operation (refused where it is not paginated).
        let paging = prop::option::weighted(
            0.3,
            prop::sample::select(
                &[
                    "--max-items 1",
                    "--max-items 0",
                    "--max-items -2",
                    "--page-size 1",
                    "--page-size 1001",
                    "--starting-token eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxMH0=",
                    "--starting-token eyJGb28iOiAieCJ9",
                    "--starting-token x___3",
                    "--no-paginate --max-items 2",
                    "--marker bogus",
                    "--next-token bogus --max-results 1",
                ][..],
            ),
        );
        (Just(format!("aws {} {}", op.service, op.cli_name())), params, paging).prop_map(|(head, opts, paging)| {
            let mut line = head;
            for o in opts.into_iter().flatten().chain(paging.map(str::to_string)) {
                line.push(' ');
                line.push_str(&o);
            }
            line
        })
    })
}

/// A sandbox command, mostly well-formed.
pub fn sandbox_command() -> impl Strategy<Value = String> {
    prop::sample::select(
        &[
            "whoami",
            "sign-in user --account management --user-name bob --password Bob-Passw0rd!",
            "sign-in user --account management --user-name alice --password Alice-Passw0rd!",
            "sign-in user --account dev --user-name dave --password Dave-Passw0rd!",
            "sign-in user --account dev --user-name dave --password wrong",
            "sign-in root --email aws-dev@example.com --password Dev-Root-2026!",
            "sign-in root --email aws-dev@example.com",
            "sign-in keys --access-key-id AKIAXXXXXXXXXXXXXXXX --secret-access-key s",
            "sign-out",
            "clock advance 20m",
            "clock advance 2h",
            "explain",
            "explain --json",
            "show org",
            "show user alice",
            "show role Deployer --account dev",
            "help aws sts",
            "mail aws-dev@example.com",
        ][..],
    )
    .prop_map(str::to_string)
}

/// Any command line: AWS calls, sandbox commands, and arbitrary text.
pub fn any_command() -> impl Strategy<Value = String> {
    prop_oneof![4 => aws_command(), 3 => sandbox_command(), 1 => ".{0,40}", 1 => "(aws|help|show|sign-in) [ -~]{0,30}"]
}
