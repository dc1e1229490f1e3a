//! The root-activity alert, over generated command sequences: once AWS's recommended rule is in
//! place, it fires exactly once for every root event the management account records in
//! us-east-1, never for anyone else, and every firing reaches the confirmed subscriber's mailbox.

use proptest::prelude::*;
use rootsim_model::{MemoryHost, Session, DEFAULT_SEED};
use rootsim_tests::any_command;
use serde_json::Value;

const INBOX: &str = "security@example.com";

/// Sets up the alert as alice, as scenarios/monitoring/root-activity-alert.rsim does (a
/// multi-Region trail that logs, since EventBridge gets CloudTrail's events only through one,
/// rule MON-EB-NEEDS-TRAIL), with the rule state that also delivers read-only events, so that
/// every root event must alert.
fn with_alert() -> Session {
    let mut s = without_trail();
    let mut host = MemoryHost::default();
    for line in [
        "aws s3api create-bucket --bucket example-alert-trail-logs",
        "aws cloudtrail create-trail --name alert-trail --s3-bucket-name example-alert-trail-logs --is-multi-region-trail",
        "aws cloudtrail start-logging --name alert-trail",
    ] {
        let out = s.execute(line, &mut host);
        assert!(out.ok, "{line}: {}", out.text);
    }
    s
}

/// The topic, its confirmed subscription and the rule, but no trail.
fn without_trail() -> Session {
    let mut s = Session::demo(DEFAULT_SEED);
    let mut host = MemoryHost::default();
    let mut run = |s: &mut Session, line: &str| {
        let out = s.execute(line, &mut host);
        assert!(out.ok, "{line}: {}", out.text);
        out.json.unwrap_or(Value::Null)
    };
    let topic = run(&mut s, "aws sns create-topic --name root-activity")["TopicArn"].as_str().unwrap().to_string();
    run(&mut s, &format!("aws sns subscribe --topic-arn {topic} --protocol email --notification-endpoint {INBOX}"));
    let token = s.world.mail.inbox(INBOX)[0].code.clone().unwrap();
    run(&mut s, &format!("aws sns confirm-subscription --topic-arn {topic} --token {token}"));
    run(
        &mut s,
        r#"aws events put-rule --name root-activity --state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS --event-pattern '{"detail-type":["AWS API Call via CloudTrail","AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}'"#,
    );
    run(&mut s, &format!("aws events put-targets --rule root-activity --targets Id=1,Arn={topic}"));
    // EventBridge publishes as events.amazonaws.com, which the topic policy must allow.
    run(
        &mut s,
        &format!(
            r#"aws sns set-topic-attributes --topic-arn {topic} --attribute-name Policy --attribute-value '{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"events.amazonaws.com"}},"Action":"sns:Publish","Resource":"{topic}"}}]}}'"#
        ),
    );
    s
}

/// Generated commands, plus the management account's root user signing in (or failing to) and
/// coming back to alice, so that root and non-root activity interleave.
fn command() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => any_command(),
        1 => Just("sign-in root --email aws-management@example.com --password Mgmt-Root-2026!".to_string()),
        1 => Just("sign-in root --email aws-management@example.com --password wrong".to_string()),
        1 => Just("sign-in user --account management --user-name alice --password Alice-Passw0rd!".to_string()),
    ]
}

/// Without a trail the same rule receives nothing, though event history records every root
/// event; a trail that logs brings the alerts.
#[test]
fn without_a_trail_the_rule_receives_nothing() {
    let mut session = without_trail();
    let mut host = MemoryHost::default();
    let start = session.world.cloudtrail.events.len();
    for line in
        ["sign-in root --email aws-management@example.com --password Mgmt-Root-2026!", "aws iam create-access-key"]
    {
        assert!(session.execute(line, &mut host).ok, "{line}");
    }
    let root_events =
        session.world.cloudtrail.events[start..].iter().filter(|e| e["userIdentity"]["type"] == "Root").count();
    assert_eq!(root_events, 2, "event history records the sign-in and the call");
    assert!(session.world.events.fired.is_empty(), "{:?}", session.world.events.fired);
    assert_eq!(session.world.mail.inbox(INBOX).len(), 1, "only the subscription confirmation");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn the_root_activity_rule_fires_once_per_root_event_and_never_otherwise(
        lines in prop::collection::vec(command(), 1..24)
    ) {
        let mut session = with_alert();
        let account = session.world.accounts.by_id.values().find(|a| a.name == "management").unwrap().id.clone();
        let start = session.world.cloudtrail.events.len();
        let fired_before = session.world.events.fired.len();
        let mut host = MemoryHost::default();
        for line in &lines {
            session.execute(line, &mut host);
        }
        let root_events: Vec<&str> = session.world.cloudtrail.events[start..]
            .iter()
            .filter(|e| e["userIdentity"]["type"] == "Root" && e["recipientAccountId"] == account.as_str() && e["awsRegion"] == "us-east-1")
            .map(|e| e["eventID"].as_str().unwrap())
            .collect();
        let fired: Vec<&str> = session.world.events.fired[fired_before..].iter().map(|a| a.event_id.as_str()).collect();
        prop_assert_eq!(&fired, &root_events, "alerts differ from the root events after {:?}", lines);
        for alert in &session.world.events.fired[fired_before..] {
            prop_assert!(alert.who.starts_with("Root "), "an alert for {}", alert.who);
        }
        // One confirmation email, then one email per alert (unless the generated commands
        // deleted the topic, which they cannot name).
        prop_assert_eq!(session.world.mail.inbox(INBOX).len(), 1 + session.world.events.fired.len());
    }
}
