//! Properties of the AWS CLI's configuration inside the sandbox (`model/src/command/config.rs`):
//! no `aws configure`, `export`, `unset` or profile line panics, whatever it holds and whatever
//! answers the CLI's questions; every failure says what is wrong; what the CLI wrote survives
//! save and load; and an answered `aws configure` writes exactly the values that changed.

use proptest::prelude::*;
use rootsim_model::{MemoryHost, Session, DEFAULT_SEED};

/// Setting names: the ones the CLI reads, and oddities.
fn setting() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("region".to_string()),
        Just("output".to_string()),
        Just("role_arn".to_string()),
        Just("source_profile".to_string()),
        Just("credential_source".to_string()),
        Just("mfa_serial".to_string()),
        Just("duration_seconds".to_string()),
        Just("role_session_name".to_string()),
        Just("external_id".to_string()),
        Just("aws_access_key_id".to_string()),
        Just("aws_secret_access_key".to_string()),
        Just("aws_session_token".to_string()),
        "[a-z_.\\[\\]=]{0,12}",
    ]
}

/// Values: ones that lead somewhere in the demo world, and anything.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("default".to_string()),
        Just("a".to_string()),
        Just("b".to_string()),
        Just("Environment".to_string()),
        Just("Ec2InstanceMetadata".to_string()),
        Just("arn:aws:iam::351034877904:role/OrganizationAccountAccessRole".to_string()),
        Just("arn:aws:iam::351034877904:role/Deployer".to_string()),
        Just("arn:aws:iam::153270418257:mfa/none".to_string()),
        Just("text".to_string()),
        Just("xml".to_string()),
        Just("900".to_string()),
        Just("eu-west-1".to_string()),
        "[ -~]{0,20}",
    ]
}

fn profile() -> impl Strategy<Value = String> {
    prop_oneof![Just("default".to_string()), Just("a".to_string()), Just("b".to_string()), "[a-z ]{0,6}"]
}

/// A line of the sandbox's configuration language, or an answer to a question.
fn config_line() -> impl Strategy<Value = String> {
    let var = prop::sample::select(vec![
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_DEFAULT_OUTPUT",
        "HOME",
    ]);
    prop_oneof![
        (setting(), value()).prop_map(|(s, v)| format!("aws configure set {s} '{v}'")),
        (profile(), setting(), value()).prop_map(|(p, s, v)| format!("aws configure set profile.{p}.{s} '{v}'")),
        (setting(), profile()).prop_map(|(s, p)| format!("aws configure get {s} --profile '{p}'")),
        profile().prop_map(|p| format!("aws configure list --profile '{p}'")),
        Just("aws configure list".to_string()),
        Just("aws configure list-profiles".to_string()),
        (profile(), prop::sample::select(vec!["process", "env", "powershell", "xml", ""]))
            .prop_map(|(p, f)| format!("aws configure export-credentials --profile '{p}' --format '{f}'")),
        profile().prop_map(|p| format!("aws configure --profile '{p}'")),
        Just("aws configure".to_string()),
        (var.clone(), value()).prop_map(|(n, v)| format!("export {n}='{v}'")),
        var.prop_map(|n| format!("unset {n}")),
        Just("env".to_string()),
        Just("cat ~/.aws/config".to_string()),
        Just("cat ~/.aws/credentials".to_string()),
        profile().prop_map(|p| format!("aws sts get-caller-identity --profile '{p}' --debug")),
        Just("aws sts get-caller-identity".to_string()),
        Just("whoami".to_string()),
        // Answers, or lines that land where a question was asked: anything at all.
        "[ -~]{0,30}",
        Just(String::new()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_configure_or_export_line_panics_and_failures_explain_themselves(
        lines in prop::collection::vec(config_line(), 1..20)
    ) {
        let mut session = Session::demo(DEFAULT_SEED);
        let mut host = MemoryHost::default();
        for line in &lines {
            let asked = session.question().is_some();
            let out = session.execute(line, &mut host);
            if !out.ok {
                prop_assert!(!out.text.trim().is_empty(), "failure without a message for {line:?} (asked: {asked})");
                prop_assert!(out.code.is_some(), "failure without a code for {line:?}");
            }
            let _ = session.prompt();
            let _ = rootsim_model::command::complete::complete(&session, line, line.len() / 2);
        }
        // What the CLI wrote survives save and load (the pending question, a terminal state, not).
        session.cancel_question();
        let back = Session::from_json(&session.to_json()).expect("a saved session loads");
        prop_assert_eq!(back.cli, session.cli);
    }

    #[test]
    fn aws_configure_writes_exactly_the_answers_that_change_a_value(
        answers in prop::collection::vec(prop_oneof![Just(String::new()), "[A-Za-z0-9/+]{1,12}"], 4..=4)
    ) {
        let mut session = Session::demo(DEFAULT_SEED);
        session.run("aws configure --profile p").expect_ok();
        for a in &answers {
            prop_assert!(session.question().is_some());
            session.run(a);
        }
        prop_assert_eq!(session.question(), None);
        let keys = ["aws_access_key_id", "aws_secret_access_key", "region", "output"];
        for (key, answer) in keys.iter().zip(&answers) {
            let got = session.run(&format!("aws configure get {key} --profile p"));
            if answers.iter().all(String::is_empty) {
                // Nothing written: the profile does not exist, and `get` says so.
                got.expect_error("ProfileNotFound");
            } else if answer.is_empty() {
                got.expect_error("ConfigNotSet");
            } else {
                prop_assert_eq!(&got.expect_ok().text, answer);
            }
        }
    }
}
