//! Invariants of the command layer and the world, over generated commands:
//! no input panics and every failure says what is wrong; a failed command leaves the saved world
//! byte-identical but for one event appended to its history; the same seed gives the same
//! transcript; save then load gives an equal world.

use proptest::prelude::*;
use rootsim_model::auth::{AuthRequest, Authorizer};
use rootsim_model::{MemoryHost, Session, DEFAULT_SEED};
use rootsim_tests::any_command;

/// The first line where two saved worlds differ, for a readable failure message.
fn first_difference(a: &str, b: &str) -> String {
    a.lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| format!("line {}: {} became {}", i + 1, x.trim(), y.trim()))
        .unwrap_or_else(|| "one is a prefix of the other".into())
}

/// The saved world (as text) without its event history, and the history's events.
fn without_history(saved: &str) -> (String, Vec<serde_json::Value>) {
    let mut session = Session::from_json(saved).expect("a saved world loads");
    let events = std::mem::take(&mut session.world.cloudtrail.events);
    session.world = rootsim_tests::without_history(&session.world);
    (session.to_json(), events)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_input_panics_and_failures_explain_themselves(line in any_command()) {
        let mut session = Session::demo(DEFAULT_SEED);
        let out = session.execute(&line, &mut MemoryHost::default());
        if !out.ok {
            prop_assert!(!out.text.trim().is_empty(), "failure without a message for {line:?}");
            prop_assert!(out.code.is_some(), "failure without a code for {line:?}");
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let line = String::from_utf8_lossy(&bytes);
        let mut session = Session::demo(DEFAULT_SEED);
        let _ = session.execute(&line, &mut MemoryHost::default());
        let _ = rootsim_model::command::complete::complete(&session, &line, line.len() / 2);
    }

    #[test]
    fn a_failed_command_leaves_the_saved_world_byte_identical(lines in prop::collection::vec(any_command(), 1..16)) {
        let mut session = Session::demo(DEFAULT_SEED);
        let mut host = MemoryHost::default();
        // Every step of the sequence is checked, not only the last one.
        for line in &lines {
            let before = session.to_json();
            let out = session.execute(line, &mut host);
            if out.ok {
                continue;
            }
            // The event history is the one thing a failed command changes: AWS records the
            // attempt. It may only grow, by appending.
            let (before_world, before_events) = without_history(&before);
            let (after_world, after_events) = without_history(&session.to_json());
            prop_assert!(
                before_world == after_world,
                "{} changed the world although it failed: {}",
                line,
                first_difference(&before_world, &after_world)
            );
            prop_assert!(after_events.len() <= before_events.len() + 1, "{} recorded more than one event", line);
            prop_assert_eq!(&after_events[..before_events.len()], &before_events[..], "{} rewrote the history", line);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_transcript(lines in prop::collection::vec(any_command(), 1..12), seed in 0u64..1000) {
        let run = || {
            let mut session = Session::demo(seed);
            let mut host = MemoryHost::default();
            lines.iter().map(|l| session.execute(l, &mut host).text).collect::<Vec<_>>()
        };
        prop_assert_eq!(run(), run());
    }

    #[test]
    fn save_then_load_gives_back_an_equal_world(lines in prop::collection::vec(any_command(), 0..12)) {
        let mut session = Session::demo(DEFAULT_SEED);
        let mut host = MemoryHost::default();
        for l in &lines {
            session.execute(l, &mut host);
        }
        let loaded = Session::from_json(&session.to_json()).expect("a saved world loads");
        prop_assert_eq!(&loaded.world, &session.world);
        prop_assert_eq!(&loaded.identity, &session.identity);
        prop_assert_eq!(loaded.to_json(), session.to_json());
    }
}

/// Calls that fail deep inside their handlers (conflicts, quotas, malformed documents, denials,
/// lockout checks), each of which must leave the world as it was but for one recorded event.
#[test]
fn known_failures_change_nothing_but_the_history() {
    let failing = [
        "aws iam delete-user --user-name bob",
        "aws iam create-user --user-name BOB",
        "aws iam delete-group --group-name Admins",
        "aws iam create-access-key --user-name alice",
        "aws iam create-role --role-name R --assume-role-policy-document {\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\"}]}",
        "aws iam put-user-policy --user-name bob --policy-name P --policy-document {\"Statement\":5}",
        "aws iam detach-user-policy --user-name bob --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
        "aws iam delete-policy --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
        "aws iam enable-mfa-device --user-name bob --serial-number arn:aws:iam::1:mfa/x --authentication-code1 1 --authentication-code2 2",
        "aws kms put-key-policy --key-id nope --policy {}",
        "aws sts assume-role --role-arn arn:aws:iam::123456789012:role/Nope --role-session-name s1",
        "sign-in root --email aws-dev@example.com --password wrong",
        "sign-in user --account management --user-name bob --password wrong",
        "reset-root-password --token nope --new-password Abcdefgh-1",
        "console change-root-password --current-password a --new-password Abcdefgh-1",
        r#"aws events put-rule --name x --event-pattern '{"a":1}'"#,
        "aws events delete-rule --name nope-with --state X",
        "aws sns publish --topic-arn arn:aws:sns:us-east-1:111122223333:missing --message m",
        "aws sns subscribe --topic-arn arn:aws:sns:us-east-1:111122223333:missing --protocol email --notification-endpoint a@b.c",
        "aws cloudtrail lookup-events --max-results 0",
    ];
    let mut session = Session::demo(DEFAULT_SEED);
    let mut host = MemoryHost::default();
    // One access key more for alice, so that the next one hits the quota.
    assert!(session.execute("aws iam create-access-key --user-name alice", &mut host).ok);
    for line in failing {
        let before = session.to_json();
        let out = session.execute(line, &mut host);
        assert!(!out.ok, "{line} was expected to fail: {}", out.text);
        let (before_world, before_events) = without_history(&before);
        let (after_world, after_events) = without_history(&session.to_json());
        assert!(
            before_world == after_world,
            "{line} changed the world although it failed: {}",
            first_difference(&before_world, &after_world)
        );
        assert!(after_events.len() <= before_events.len() + 1, "{line} recorded more than one event");
    }
}

const TASKS: &[&str] = &[
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
];

/// The actions a task policy leaves usable: its first statement's `NotAction`.
fn task_actions(task: &str) -> Vec<String> {
    let arn = format!("arn:aws:iam::aws:policy/root-task/{task}");
    let doc =
        rootsim_model::iam::managed::aws_managed(&arn).and_then(|p| p.document()).expect("a task policy").to_json();
    doc["Statement"][0]["NotAction"]
        .as_array()
        .expect("NotAction")
        .iter()
        .map(|a| a.as_str().unwrap().to_lowercase())
        .collect()
}

/// A session in the demo's prod account from `sts assume-root` with `task`.
fn root_session(task: &str) -> Session {
    let mut session = Session::demo(DEFAULT_SEED);
    let mut host = MemoryHost::default();
    for line in [
        "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com",
        "aws iam enable-organizations-root-sessions",
    ] {
        assert!(session.execute(line, &mut host).ok, "{line}");
    }
    let prod = session.world.accounts.find("prod").expect("demo account").id.clone();
    let out = session.execute(
        &format!("aws sts assume-root --target-principal {prod} --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/{task}"),
        &mut host,
    );
    let c = &out.json.expect("credentials")["Credentials"];
    let line = format!(
        "sign-in keys --access-key-id {} --secret-access-key {} --session-token {}",
        c["AccessKeyId"].as_str().unwrap(),
        c["SecretAccessKey"].as_str().unwrap(),
        c["SessionToken"].as_str().unwrap()
    );
    assert!(session.execute(&line, &mut host).ok);
    session
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// An AssumeRoot session never performs an action its task policy does not leave usable, and
    /// nothing at all once 900 seconds have passed.
    #[test]
    fn assume_root_sessions_stay_inside_their_task_policy(
        task in prop::sample::select(TASKS),
        lines in prop::collection::vec(rootsim_tests::aws_command(), 1..12),
        wait in prop_oneof![Just(0u64), 1u64..899, 900u64..3000],
    ) {
        let mut session = root_session(task);
        let mut host = MemoryHost::default();
        let allowed = task_actions(task);
        if wait > 0 {
            session.execute(&format!("clock advance {wait}"), &mut host);
        }
        for line in &lines {
            let out = session.execute(line, &mut host);
            if wait >= 900 {
                // Credentials are checked right after the command line is parsed.
                let code = out.code.as_deref();
                prop_assert!(
                    matches!(code, Some("ExpiredToken") | Some("UsageError")),
                    "{line} gave {code:?} {wait}s into a root session"
                );
                continue;
            }
            if !out.ok {
                continue;
            }
            for record in session.last.iter().flat_map(|l| l.auth.iter()).filter(|r| r.decision.is_allowed()) {
                prop_assert!(
                    allowed.contains(&record.action.to_lowercase()),
                    "{line}: the {task} session performed {}, outside its task policy", record.action
                );
            }
        }
    }
}

/// IAM changes an administrator of the management account might make, several of them denials
/// that would bind the root user if IAM policies applied to it.
const IAM_CHANGES: &[&str] = &[
    r#"aws iam put-user-policy --user-name alice --policy-name NoIam --policy-document {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
    r#"aws iam put-group-policy --group-name Admins --policy-name NoAll --policy-document {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
    r#"aws iam put-user-policy --user-name bob --policy-name NoS3 --policy-document {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
    "aws iam detach-group-policy --group-name Admins --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
    "aws iam attach-user-policy --user-name alice --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess",
    "aws iam put-user-permissions-boundary --user-name alice --permissions-boundary arn:aws:iam::aws:policy/ReadOnlyAccess",
    "aws iam delete-user-policy --user-name alice --policy-name NoIam",
    "aws iam remove-user-from-group --group-name Admins --user-name alice",
];

/// What the management account's root user may do, action by action.
fn root_permissions(session: &Session) -> Vec<(String, bool)> {
    let world = &session.world;
    let account = world.accounts.find("management").expect("demo account").id.clone();
    let identity =
        rootsim_model::auth::Identity::Console { account: account.clone(), user: None, mfa: false, since: 0 };
    let root = world.resolve(&identity).expect("the root user signs in");
    let targets = [
        ("iam:CreateUser", format!("arn:aws:iam::{account}:user/anyone")),
        ("iam:AttachUserPolicy", format!("arn:aws:iam::{account}:user/alice")),
        ("iam:DeleteRole", format!("arn:aws:iam::{account}:role/any")),
        ("iam:CreateAccessKey", format!("arn:aws:iam::{account}:root")),
        ("s3:GetObject", "arn:aws:s3:::bucket/key".to_string()),
        ("kms:CreateKey", "*".to_string()),
        ("organizations:AttachPolicy", "*".to_string()),
    ];
    let authorizer = Authorizer::new();
    targets
        .iter()
        .map(|(action, resource)| {
            let request = AuthRequest::new(&root, "us-east-1", action, resource);
            let allowed = authorizer.authorize(world, &request).decision.is_allowed();
            (action.to_string(), allowed)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// IAM identity policies never change what the root user may do: whatever IAM calls an
    /// administrator makes (attaching, putting, deleting policies and boundaries, users, roles),
    /// the root user's permissions stay the same.
    #[test]
    fn iam_policies_never_change_what_root_may_do(
        changes in prop::collection::vec(prop::sample::select(IAM_CHANGES), 1..8),
        others in prop::collection::vec(rootsim_tests::aws_command(), 0..8),
    ) {
        let mut session = Session::demo(DEFAULT_SEED);
        let mut host = MemoryHost::default();
        let before = root_permissions(&session);
        for line in changes.iter().copied().chain(others.iter().map(String::as_str)).filter(|l| l.starts_with("aws iam ")) {
            session.execute(line, &mut host);
        }
        prop_assert_eq!(before, root_permissions(&session));
    }

    /// No IAM principal of the account gains a root-only console task, whatever IAM calls were made.
    #[test]
    fn no_iam_principal_gains_a_root_only_task(lines in prop::collection::vec(rootsim_tests::aws_command(), 0..10)) {
        let mut session = Session::demo(DEFAULT_SEED);
        let mut host = MemoryHost::default();
        for line in lines.iter().filter(|l| l.starts_with("aws iam ")) {
            session.execute(line, &mut host);
        }
        session.execute("sign-in user --account management --user-name alice --password Alice-Passw0rd!", &mut host);
        for action in [
            "console change-root-password --current-password Mgmt-Root-2026! --new-password Another-Root-1",
            "console close-account",
            "console activate-iam-billing-access",
            "console govcloud-signup",
            "console mturk-link",
        ] {
            let out = session.execute(action, &mut host);
            prop_assert!(!out.ok, "{} succeeded for an IAM user", action);
        }
        let root_keys = session.world.iam.accounts.values().map(|i| i.root.access_keys.len()).sum::<usize>();
        prop_assert_eq!(root_keys, 0, "an IAM call created a root access key");
    }
}

#[test]
fn a_malformed_saved_world_is_refused_with_its_position() {
    let err = Session::from_json("{\n  \"format\": 1,\n  \"world\": [\n").unwrap_err();
    assert!(err.contains("line"), "{err}");
}
