//! The typed read-only view of a parsed policy (`Policy::statements`), through the public API
//! only: every element, the `Not...` forms, and matching that agrees with evaluation.

use rootsim_policy::request::principal_from;
use rootsim_policy::{
    action_matches, evaluate, ActionPattern, Context, Effect, NamedPolicy, Policy, PolicyKind, PolicySet, Principal,
    PrincipalType, Request,
};

const ACCT: &str = "111122223333";

fn user() -> Principal {
    principal_from(&format!("arn:aws:iam::{ACCT}:user/alice")).expect("a user ARN")
}

fn parse(text: &str, kind: PolicyKind) -> Policy {
    Policy::parse(text, kind).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Does one identity policy allow `action` on `resource` for alice?
fn allows(policy: &Policy, action: &str, resource: &str) -> bool {
    let principal = user();
    let context = Context::new();
    let req = Request { principal: &principal, action, resource, resource_account: None, context: &context };
    let identity = [NamedPolicy { name: "p", policy }];
    evaluate(&req, &PolicySet { identity: &identity, ..PolicySet::default() }).is_allowed()
}

#[test]
fn every_element_of_an_identity_statement() {
    let p = parse(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "S3:ListBucket"],
             "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
             "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["a", "b"], "s3:prefix": "x"},
                           "NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": true}}},
            {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:iam::*:role/x"}
        ]}"#,
        PolicyKind::Identity,
    );
    assert_eq!(p.statements().len(), 2);
    let s = p.statements().next().unwrap();
    assert_eq!((s.index(), s.sid(), s.effect()), (0, Some("Read"), Effect::Allow));
    assert_eq!(s.position(), (2, 13));
    assert!(!s.is_not_action() && !s.is_not_resource() && !s.has_principal_element());
    assert_eq!(s.actions().map(|a| a.text()).collect::<Vec<_>>(), ["s3:Get*", "S3:ListBucket"]);
    assert_eq!(s.not_actions().count(), 0);
    assert_eq!(s.resources().map(|r| r.text()).collect::<Vec<_>>(), ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]);
    assert_eq!(s.not_resources().count(), 0);
    assert_eq!(s.principals().count(), 0);
    let conds: Vec<(&str, &str, Vec<&str>)> =
        s.conditions().map(|c| (c.operator(), c.key(), c.values().collect())).collect();
    assert_eq!(
        conds,
        [
            ("StringEquals", "aws:PrincipalTag/team", vec!["a", "b"]),
            ("StringEquals", "s3:prefix", vec!["x"]),
            ("NumericLessThan", "s3:max-keys", vec!["10"]),
            ("Bool", "aws:SecureTransport", vec!["true"]),
        ]
    );

    let d = p.statement(1).unwrap();
    assert_eq!((d.sid(), d.effect()), (None, Effect::Deny));
    assert!(d.is_not_action() && d.is_not_resource());
    assert_eq!(d.actions().count(), 0);
    assert_eq!(d.not_actions().map(|a| a.text()).collect::<Vec<_>>(), ["iam:*"]);
    assert_eq!(d.action_patterns().len(), 1);
    assert_eq!(d.resources().count(), 0);
    assert_eq!(d.not_resources().map(|r| r.text()).collect::<Vec<_>>(), ["arn:aws:iam::*:role/x"]);
    // NotAction: everything but IAM; NotResource: everything but that role.
    assert!(d.matches_action("s3:GetObject") && !d.matches_action("IAM:CreateUser"));
    assert!(d.matches_resource("arn:aws:s3:::b") && !d.matches_resource("arn:aws:iam::1:role/x"));
    assert!(p.statement(2).is_none());
}

#[test]
fn principals_of_resource_and_trust_policies() {
    let p = parse(
        r#"{"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"], "Service": "logs.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/alice", "CanonicalUser": "abc"},
             "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "*", "Federated": "cognito-identity.amazonaws.com"}, "Action": "s3:ListBucket", "Resource": "*"}
        ]}"#,
        PolicyKind::Resource,
    );
    let groups = |i: usize, not: bool| -> Vec<(PrincipalType, Vec<&str>)> {
        let s = p.statement(i).unwrap();
        let g: Vec<_> = if not { s.not_principals().collect() } else { s.principals().collect() };
        g.into_iter().map(|g| (g.kind(), g.values().collect())).collect()
    };
    assert_eq!(groups(0, false), [(PrincipalType::Any, vec!["*"])]);
    assert_eq!(
        groups(1, false),
        [
            (PrincipalType::Aws, vec!["arn:aws:iam::111122223333:root", "444455556666"]),
            (PrincipalType::Service, vec!["logs.amazonaws.com"]),
        ]
    );
    let s2 = p.statement(2).unwrap();
    assert!(s2.has_principal_element() && s2.is_not_principal());
    assert_eq!(s2.principals().count(), 0);
    assert_eq!(
        groups(2, true),
        [
            (PrincipalType::Aws, vec!["arn:aws:iam::111122223333:user/alice"]),
            (PrincipalType::CanonicalUser, vec!["abc"]),
        ]
    );
    assert_eq!(
        groups(3, false),
        [(PrincipalType::Aws, vec!["*"]), (PrincipalType::Federated, vec!["cognito-identity.amazonaws.com"])]
    );
    assert_eq!(PrincipalType::Aws.as_str(), "AWS");
    assert_eq!(PrincipalType::Any.as_str(), "*");

    // A trust policy: no resource element, so any resource is covered; a lone statement object.
    let t = parse(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com"]}, "Action": "sts:AssumeRole"}}"#,
        PolicyKind::Trust,
    );
    let s = t.statements().next().unwrap();
    assert!(!s.has_resource_element() && s.matches_resource("arn:aws:iam::1:role/r"));
    assert_eq!(s.resource_patterns().count(), 0);
    assert_eq!(
        s.principals().next().map(|g| (g.kind(), g.values().collect::<Vec<_>>())),
        Some((PrincipalType::Service, vec!["ec2.amazonaws.com"]))
    );
    assert!(s.matches_action("STS:assumerole") && !s.matches_action("sts:AssumeRoleWithSAML"));
}

#[test]
fn texts_are_unescaped_and_views_agree_with_evaluation_on_wildcards() {
    let p = parse(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["iam:Get\u002A", "iam:?reateAccessKey", "s3:*Object*", "sqs:SendMessage"],
            "Resource": ["arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::c/${aws:username, 'shared'}/*", "arn:aws:sqs:*:111122223333:q?"]}]}"#,
        PolicyKind::Identity,
    );
    let s = p.statements().next().unwrap();
    assert_eq!(s.actions().next().unwrap().text(), "iam:Get*");
    let cases = [
        "iam:GetUser",
        "IAM:getrole",
        "iam:CreateAccessKey",
        "iam:createaccesskey",
        "iam:XCreateAccessKey",
        "s3:GetObjectAcl",
        "s3:PutObject",
        "s3:ListBucket",
        "sqs:sendmessage",
        "sqs:SendMessageBatch",
        "iam:ListUsers",
    ];
    for action in cases {
        let by_view = s.actions().any(|a| a.matches(action));
        assert_eq!(by_view, s.matches_action(action), "{action}");
        assert_eq!(by_view, allows(&p, action, "arn:aws:sqs:us-east-1:111122223333:q1"), "{action}");
    }
    // Resources: variables without a default match nothing without a request; defaults apply.
    let r: Vec<_> = s.resources().collect();
    assert!(r[0].has_variables() && !r[0].matches("arn:aws:s3:::b/alice/k"));
    assert!(r[1].matches("arn:aws:s3:::c/shared/k") && !r[1].matches("arn:aws:s3:::c/alice/k"));
    assert!(!r[2].has_variables() && r[2].matches("arn:aws:sqs:eu-west-1:111122223333:q1"));
    assert!(!r[2].matches("arn:aws:sqs:eu-west-1:111122223333:q10"));
    // (Evaluation resolves `${aws:username}` from the request; compare patterns without variables.)
    for arn in [
        "arn:aws:sqs:eu-west-1:111122223333:q1",
        "arn:aws:sqs:eu-west-1:444455556666:q1",
        "arn:aws:sqs:eu-west-1:111122223333:q",
    ] {
        assert_eq!(s.matches_resource(arn), allows(&p, "sqs:SendMessage", arn), "{arn}");
    }
}

#[test]
fn lone_action_patterns() {
    for (p, a, want) in [
        ("s3:Get*", "s3:GetObject", true),
        ("S3:GET*", "s3:getobject", true),
        ("s3:Get*", "s3:PutObject", false),
        ("iam:?reate*Key", "iam:CreateAccessKey", true),
        ("*", "sts:AssumeRole", true),
        ("s3:*", "s3x:Get", false),
        ("iam:GetUser", "iam:GetUsers", false),
    ] {
        let pattern = ActionPattern::parse(p);
        assert_eq!(pattern.text(), p);
        assert_eq!(pattern.matches(a), want, "{p} vs {a}");
        assert_eq!(action_matches(p, a), want, "{p} vs {a}");
    }
    let p = parse(r#"{"Statement": {"Effect": "Allow", "Action": "S3:Get*", "Resource": "*"}}"#, PolicyKind::Identity);
    let view = p.statements().next().unwrap().actions().next().unwrap();
    assert_eq!(view.to_pattern(), ActionPattern::parse("S3:Get*"));
    assert!(view.to_pattern().matches("s3:GetObject"));
}

proptest::proptest! {
    /// For generated one-statement Allow policies, an action matches one of the view's `Action`
    /// (or fails every `NotAction`) pattern exactly when evaluation allows it.
    #[test]
    fn view_matching_agrees_with_evaluation(
        patterns in proptest::collection::vec("\\*|(\\*|s3|S3|sq|iAm):[gGpP*?]{0,2}(et|ut)?[oO*?]?(bject)?\\*?", 1..4),
        not in proptest::bool::ANY,
        actions in proptest::collection::vec("(s3|S3|sq|iam|s):(Get|put|GET|P)(Object|obj|Objects|)", 1..6),
    ) {
        let element = if not { "NotAction" } else { "Action" };
        let text = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", element: patterns, "Resource": "*"}
        ]}).to_string();
        let Ok(p) = Policy::parse(&text, PolicyKind::Identity) else { return Ok(()) };
        let s = p.statements().next().unwrap();
        proptest::prop_assert_eq!(s.action_patterns().map(|a| a.text().to_string()).collect::<Vec<_>>(), patterns.clone());
        for action in &actions {
            let by_patterns = s.action_patterns().any(|a| a.matches(action)) != s.is_not_action();
            proptest::prop_assert_eq!(by_patterns, s.matches_action(action), "{:?}", action);
            proptest::prop_assert_eq!(by_patterns, allows(&p, action, "*"), "{} {:?}", text, action);
            let lone = patterns.iter().any(|t| ActionPattern::parse(t).matches(action)) != not;
            proptest::prop_assert_eq!(lone, by_patterns, "{:?}", action);
        }
    }
}
