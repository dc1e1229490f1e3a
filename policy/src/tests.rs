//! Unit tests of the policy engine: parsing errors, matching, evaluation.
//!
//! The evaluation tables below follow the IAM User Guide pages cited next to
//! them; the expected outcomes are AWS's documented behaviour.

use super::*;

pub(crate) const ACCT: &str = "111122223333";
pub(crate) const OTHER: &str = "444455556666";

pub(crate) fn user(name: &str) -> Principal {
    Principal {
        kind: PrincipalKind::User,
        arn: format!("arn:aws:iam::{ACCT}:user/{name}"),
        principal_arn: format!("arn:aws:iam::{ACCT}:user/{name}"),
        account: ACCT.into(),
        service_linked_role: false,
    }
}

pub(crate) fn root(acct: &str) -> Principal {
    Principal {
        kind: PrincipalKind::Root,
        arn: format!("arn:aws:iam::{acct}:root"),
        principal_arn: format!("arn:aws:iam::{acct}:root"),
        account: acct.into(),
        service_linked_role: false,
    }
}

pub(crate) fn session(role: &str, name: &str) -> Principal {
    Principal {
        kind: PrincipalKind::AssumedRole,
        arn: format!("arn:aws:sts::{ACCT}:assumed-role/{role}/{name}"),
        principal_arn: format!("arn:aws:iam::{ACCT}:role/{role}"),
        account: ACCT.into(),
        service_linked_role: false,
    }
}

pub(crate) fn p(kind: PolicyKind, text: &str) -> Policy {
    Policy::parse(text, kind).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

pub(crate) fn id(stmts: &str) -> Policy {
    p(PolicyKind::Identity, &format!(r#"{{"Version":"2012-10-17","Statement":[{stmts}]}}"#))
}

/// An identity policy read as `rootsim eval` reads it (unknown operators kept, unevaluable).
fn lenient_id(stmts: &str) -> Policy {
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{stmts}]}}"#);
    let opts = crate::ParseOptions { lenient_operators: true, ..Default::default() };
    Policy::parse_with(&text, PolicyKind::Identity, &opts).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn perr(kind: PolicyKind, text: &str) -> PolicyError {
    Policy::parse(text, kind).expect_err(text)
}

fn eval_identity(
    pr: &Principal,
    policies: &[&Policy],
    action: &str,
    resource: &str,
    ctx: &Context,
) -> Decision<'static> {
    let named: Vec<NamedPolicy> = policies
        .iter()
        .enumerate()
        .map(|(i, p)| NamedPolicy { name: ["P0", "P1", "P2", "P3"][i], policy: p })
        .collect();
    let req = Request { principal: pr, action, resource, resource_account: None, context: ctx };
    evaluate(&req, &PolicySet { identity: &named, ..PolicySet::default() }).into_owned()
}

// ---------- parsing ----------

#[test]
fn parse_errors_carry_iam_message_and_position() {
    // (kind, document, IAM message, text at the reported position, nth occurrence)
    let cases: &[(PolicyKind, &str, &str, &str, usize)] = &[
        (PolicyKind::Identity, "{\"Statement\": [", SYNTAX_MSG, "", 0),
        (
            PolicyKind::Identity,
            "{\n \"Version\": \"2012-10-17\",\n \"Statment\": []\n}",
            SYNTAX_MSG,
            "\"Statment",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"*\",\n  \"Principal\":\"*\"}}",
            "Policy document should not specify a principal.",
            "\"Principal",
            0,
        ),
        (
            PolicyKind::Trust,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\"}}",
            "Missing required field Principal",
            "{\"Effect",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"GetObject\",\"Resource\":\"*\"}}",
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
            "\"GetObject",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"iam:Get:User\",\"Resource\":\"*\"}}",
            "Actions/Condition can contain only one colon.",
            "\"iam:Get",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Resource\":\"*\"}}",
            "Policy statement must contain actions.",
            "{\"Effect",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}}",
            "Policy statement must contain resources.",
            "{\"Effect",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}",
            "Statement IDs (SID) in a single policy must be unique.",
            "\"A\"",
            1,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"no spaces\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
            "\"no spaces",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"bucket\"}}",
            "Resource bucket must be in ARN format or \"*\".",
            "\"bucket",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Permit\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
            SYNTAX_MSG,
            "\"Permit",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
            "The policy failed legacy parsing",
            "\"allow",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
            SYNTAX_MSG,
            "\"Action",
            1,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2013-01-01\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
            SYNTAX_MSG,
            "\"2013",
            0,
        ),
        (
            PolicyKind::Identity,
            // Issue 19: an ARN short of its six segments fails IAM's legacy parser.
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3::bucket\"}}",
            "The policy failed legacy parsing",
            "\"arn:",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"aws:CurrentTime\":\"tomorrow\"}}}}",
            "The policy failed legacy parsing",
            "\"tomorrow",
            0,
        ),
        (
            PolicyKind::Scp,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b\"}}",
            SYNTAX_MSG,
            "\"arn:",
            0,
        ),
        (
            PolicyKind::Rcp,
            "{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
            "Policy document must be version 2012-10-17 or greater.",
            "{\"Statement",
            0,
        ),
        (
            PolicyKind::Rcp,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}}",
            SYNTAX_MSG,
            "\"*\",\"Resource",
            0,
        ),
        (
            PolicyKind::Rcp,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"NotAction\":\"s3:Get*\",\"Resource\":\"*\"}}",
            SYNTAX_MSG,
            "\"NotAction",
            0,
        ),
        (
            PolicyKind::Rcp,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
            SYNTAX_MSG,
            "{\"AWS",
            0,
        ),
        (
            PolicyKind::Rcp,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
            SYNTAX_MSG,
            "\"Allow",
            0,
        ),
        (
            PolicyKind::Scp,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
            "Policy document should not specify a principal.",
            "\"Principal",
            0,
        ),
        (
            PolicyKind::Resource,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
            SYNTAX_MSG,
            "\"NotPrincipal",
            0,
        ),
        (
            PolicyKind::Trust,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/*\"},\"Action\":\"sts:AssumeRole\"}}",
            "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:user/*\"",
            "\"arn:",
            0,
        ),
        (
            PolicyKind::Trust,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}}",
            "Has prohibited field Resource",
            "\"Resource",
            0,
        ),
        (
            PolicyKind::Session,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sqs:*\",\"Resource\":\"arn:aws:sqs\"}}",
            "Resource arn:aws:sqs must be in ARN format or \"*\".",
            "\"arn:",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:*:::b\"}}",
            "Resource vendor must be fully qualified and cannot contain regexes.",
            "\"arn:",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"iam:*\",\"Resource\":\"arn:aws:iam:us-east-1:123456789012:user/x\"}}",
            "IAM resource arn:aws:iam:us-east-1:123456789012:user/x cannot contain region information.",
            "\"arn:",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:us-east-1::b\"}}",
            "Resource arn:aws:s3:us-east-1::b can not contain region information.",
            "\"arn:",
            0,
        ),
        (
            PolicyKind::Identity,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"iam:*\",\"Resource\":\"arn:aws:iam::123456789012:u*\"}}",
            "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.",
            "\"arn:",
            0,
        ),
        (
            PolicyKind::Trust,
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":[\"sts:AssumeRole\",\"s3:GetObject\"]}}",
            "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML, and sts:AssumeRoleWithWebIdentity",
            "\"s3:GetObject",
            0,
        ),
    ];
    for (kind, text, msg, needle, nth) in cases {
        let e = perr(*kind, text);
        assert_eq!(e.message, *msg, "{text}\n{e}");
        // Expected position: the nth occurrence of `needle` (end of text if empty).
        let byte = if needle.is_empty() { text.len() } else { text.match_indices(needle).nth(*nth).expect(needle).0 };
        let before = &text[..byte];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
        assert_eq!((e.line, e.column), (line, column), "{text}\n{e}");
        assert!(!e.detail.is_empty());
        assert!(e.to_string().starts_with(msg));
    }
}

const SYNTAX_MSG: &str = "Syntax errors in policy.";

/// What IAM accepts that rootsim once refused (issue 19): an `Id` in an identity policy, a
/// condition key without a service prefix, a trust policy's session actions and STS wildcards.
#[test]
fn iam_accepts_what_it_accepts() {
    let ok = |kind, text: &str| {
        Policy::parse(text, kind).unwrap_or_else(|e| panic!("{text}\n{e}"));
    };
    ok(
        PolicyKind::Identity,
        r#"{"Version":"2012-10-17","Id":"x","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
    );
    ok(
        PolicyKind::Session,
        r#"{"Version":"2012-10-17","Id":"x","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
    );
    ok(
        PolicyKind::Identity,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"username":"x"}}}}"#,
    );
    for action in [
        r#""sts:AssumeRole""#,
        r#"["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity","sts:SetContext"]"#,
        r#""sts:AssumeRole*""#,
        r#""sts:*""#,
        r#""*""#,
    ] {
        ok(
            PolicyKind::Trust,
            &format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":{action}}}}}"#
            ),
        );
    }
    // The SCP and RCP quota is Organizations' 5,120 characters.
    assert_eq!(PolicyKind::Scp.max_size(), 5120);
    assert_eq!(PolicyKind::Rcp.max_size(), 5120);
    // An ARN short of six segments: refused for customers, padded in AWS's own stored documents.
    let short =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3::bucket"}}"#;
    assert!(Policy::parse(short, PolicyKind::Identity).is_err());
    let opts = ParseOptions { aws_managed: true, ..ParseOptions::default() };
    assert!(Policy::parse_with(short, PolicyKind::Identity, &opts).is_ok());
}

#[test]
fn size_quota_ignores_whitespace() {
    let actions: Vec<String> = (0..400).map(|i| format!("\"s3:GetObjectNumber{i}\"")).collect();
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":[{}],"Resource":"*"}}}}"#,
        actions.join(",")
    );
    let e = perr(PolicyKind::Identity, &big);
    assert_eq!(e.message, "Cannot exceed quota for PolicySize: 6144");
    let spaced = format!(
        "{{\"Version\":\"2012-10-17\",{}\"Statement\":{{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}}}",
        " ".repeat(10_000)
    );
    assert!(Policy::parse(&spaced, PolicyKind::Identity).is_ok());
    let opts = ParseOptions { aws_managed: true, ..ParseOptions::default() };
    assert!(Policy::parse_with(&big, PolicyKind::Identity, &opts).is_ok());
}

/// The size quota is checked on the raw text before the JSON is read: a 1 MB document of 100,000
/// keys is refused by it at once (it used to be parsed first, 33 s), an oversized document is
/// refused for its size even where its JSON is broken, and the error sits where the document's
/// value starts, as before.
#[test]
fn the_size_quota_is_checked_before_the_json_is_read() {
    let keys: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\":{i}")).collect();
    let huge = format!("\n  {{{}}}", keys.join(","));
    let started = std::time::Instant::now();
    let e = perr(PolicyKind::Identity, &huge);
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(e.message, "Cannot exceed quota for PolicySize: 6144");
    assert_eq!((e.line, e.column), (2, 3));
    let broken = format!("{{\"Statement\": [{}", "\"x\",".repeat(3000));
    let e = perr(PolicyKind::Trust, &broken);
    assert_eq!(e.message, "Cannot exceed quota for ACLSizePerRole: 2048");
    assert_eq!((e.line, e.column), (1, 1));
    // Within the quota, the same broken text is a syntax error.
    let opts = ParseOptions { max_size: Some(0), ..ParseOptions::default() };
    let e = Policy::parse_with(&broken, PolicyKind::Trust, &opts).unwrap_err();
    assert_eq!(e.message, SYNTAX_MSG);
}

#[test]
fn grammar_accepts_the_documented_forms() {
    // Statement as a single object, scalar Action/Resource, no Version.
    let pol = p(
        PolicyKind::Identity,
        r#"{"Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::*"}}"#,
    );
    assert_eq!(pol.statement_count(), 1);
    // Resource policy with every principal form and a condition.
    let text = r#"{"Version":"2012-10-17","Id":"Q1","Statement":[
        {"Sid":"Public read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
        {"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:root","arn:aws:iam::111122223333:role/R"],
          "Service":"cloudtrail.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbaced"},
         "Action":["s3:PutObject"],"Resource":["arn:aws:s3:::b/*"],
         "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"},"Bool":{"aws:SecureTransport":true}}},
        {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/admin"},"NotAction":"s3:Get*","NotResource":"arn:aws:s3:::b/public/*"}]}"#;
    let pol = p(PolicyKind::Resource, text);
    assert_eq!(pol.sids(), vec![Some("Public read"), None, None]);
    assert_eq!(pol.to_json()["Id"], "Q1");
    let doc = pol.to_json();
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Version", "Id", "Statement"]);
    // Root task policy, SCP FullAWSAccess, the AWS-managed RCP.
    p(PolicyKind::Scp, r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#);
    let opts = ParseOptions { aws_managed: true, ..ParseOptions::default() };
    assert!(Policy::parse_with(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        PolicyKind::Rcp,
        &opts
    )
    .is_ok());
}

#[test]
fn policy_serde_round_trip() {
    let pol = id(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#);
    let json = serde_json::to_value(&pol).unwrap();
    assert_eq!(json["kind"], "identity");
    assert_eq!(json["document"], pol.text());
    assert!(json.get("awsManaged").is_none());
    let back: Policy = serde_json::from_value(json).unwrap();
    assert_eq!(back, pol);
    let bad = serde_json::json!({"kind": "identity", "document": "{}"});
    assert!(serde_json::from_value::<Policy>(bad).is_err());
}

// ---------- evaluation: phase 1 basics ----------

#[test]
fn allow_deny_and_implicit_deny() {
    let ctx = Context::new();
    let bob = user("bob");
    let allow = id(r#"{"Sid":"S3Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}"#);
    let d = eval_identity(&bob, &[&allow], "s3:GetObject", "arn:aws:s3:::b/k", &ctx);
    assert_eq!(d.outcome, Outcome::Allowed);
    assert_eq!(d.decided_by[..], [Layer::Identity]);
    assert_eq!(d.matched[0].sid.as_deref(), Some("S3Read"));
    let d = eval_identity(&bob, &[&allow], "s3:PutObject", "arn:aws:s3:::b/k", &ctx);
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert_eq!(d.decided_by[..], [Layer::Identity]);
    let req = Request {
        principal: &bob,
        action: "s3:PutObject",
        resource: "arn:aws:s3:::b/k",
        resource_account: None,
        context: &ctx,
    };
    assert_eq!(
        d.denial_message(&req),
        "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::b/k because no identity-based policy allows the s3:PutObject action"
    );
    let deny = id(r#"{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/secret*"}"#);
    let d = eval_identity(&bob, &[&allow, &deny], "s3:GetObject", "arn:aws:s3:::b/secret.txt", &ctx);
    assert_eq!(d.outcome, Outcome::ExplicitlyDenied);
    assert_eq!(d.matched.len(), 1);
    assert_eq!(d.matched[0].policy, "P1");
    assert_eq!(d.matched[0].index, 0);
}

#[test]
fn root_rule() {
    let ctx = Context::new();
    let r = root(ACCT);
    let req = Request {
        principal: &r,
        action: "iam:CreateUser",
        resource: "arn:aws:iam::111122223333:user/x",
        resource_account: None,
        context: &ctx,
    };
    let d = evaluate(&req, &PolicySet::default());
    assert!(d.is_allowed());
    assert_eq!(d.decided_by[..], [Layer::RootRule]);
    // An SCP deny binds a member account's root.
    let scp = p(
        PolicyKind::Scp,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoIam","Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
    );
    let named = [NamedPolicy {
        name: "arn:aws:organizations::999988887777:policy/o-abcdefghij/service_control_policy/p-12345678",
        policy: &scp,
    }];
    let levels: [&[NamedPolicy]; 1] = [&named];
    let set = PolicySet { scps: Some(&levels), ..PolicySet::default() };
    let d = evaluate(&req, &set);
    assert_eq!(d.outcome, Outcome::ExplicitlyDenied);
    assert_eq!(d.decided_by[..], [Layer::Scp]);
    assert_eq!(
        d.denial_message(&req),
        "User: arn:aws:iam::111122223333:root is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::111122223333:user/x with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-abcdefghij/service_control_policy/p-12345678"
    );
    assert!(d.explain(&req).contains("\"NoIam\""));
}

#[test]
fn unknown_operator_is_unevaluable_and_never_allows() {
    let ctx = Context::new();
    let bob = user("bob");
    let pol = lenient_id(
        r#"{"Sid":"Odd","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"bob"}}}"#,
    );
    let d = eval_identity(&bob, &[&pol], "s3:GetObject", "*", &ctx);
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert_eq!(d.unevaluable.len(), 1);
    assert_eq!(d.unevaluable[0].0.sid.as_deref(), Some("Odd"));
    let deny = lenient_id(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Foo":{"aws:username":"bob"}}}"#,
    );
    let d = eval_identity(&bob, &[&deny], "s3:GetObject", "*", &ctx);
    // Fail closed: a Deny that cannot be evaluated is taken to apply.
    assert_eq!(d.outcome, Outcome::ExplicitlyDenied);
    assert_eq!(d.unevaluable.len(), 1);
    assert!(d
        .explain(&Request {
            principal: &bob,
            action: "s3:GetObject",
            resource: "*",
            resource_account: None,
            context: &ctx
        })
        .contains("not applied"));
}

#[test]
fn decision_json_and_serde() {
    let ctx = Context::new();
    let bob = user("bob");
    let pol = id(r#"{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"}"#);
    let d = eval_identity(&bob, &[&pol], "s3:GetObject", "*", &ctx);
    let j = d.to_json();
    assert_eq!(j["decision"], "Allowed");
    assert_eq!(j["decidedBy"][0], "identity");
    assert_eq!(j["matched"][0]["layer"], "identity");
    assert_eq!(j["matched"][0]["sid"], "A");
    assert_eq!(j["matched"][0]["index"], 0);
    assert_eq!(j["matched"][0]["effect"], "Allow");
    assert_eq!(j["missingContext"], serde_json::json!([]));
    let s = serde_json::to_string(&d).unwrap();
    let back: Decision = serde_json::from_str(&s).unwrap();
    assert_eq!(back, d);
    assert_eq!(serde_json::to_value(Layer::RootRule).unwrap(), "root");
    assert_eq!(serde_json::to_value(PolicyKind::Scp).unwrap(), "scp");
    assert_eq!(serde_json::to_value(Outcome::ExplicitlyDenied).unwrap(), "ExplicitlyDenied");
}

#[test]
fn context_keys_are_case_insensitive() {
    let mut c = Context::new();
    c.insert("aws:SourceIp", "10.0.0.1");
    c.insert("AWS:SOURCEIP", "10.0.0.2");
    assert_eq!(c.len(), 1);
    assert_eq!(c.get("aws:sourceip"), Some(&ContextValue::Single("10.0.0.2".into())));
    c.insert_multi("aws:TagKeys", vec!["a".into(), "b".into()]);
    assert_eq!(c.get("aws:tagkeys").unwrap().as_slice().len(), 2);
    assert!(c.get("aws:username").is_none());
}

/// A context filled by [`Context::push`] answers every lookup as one filled by
/// [`Context::insert`]: any spelling of a key, multi-valued keys, the fingerprinted lookup that
/// compiled conditions use, and a later `insert` replacing a pushed key rather than adding it.
#[test]
fn pushed_keys_are_found_as_inserted_ones() {
    const ARN: ContextKey = ContextKey::new("aws:PrincipalArn");
    const PATHS: ContextKey = ContextKey::new("aws:PrincipalOrgPaths");
    const TIME: ContextKey = ContextKey::new("aws:CurrentTime");
    // The compile-time fingerprint is the run-time one, for every spelling.
    for spelling in ["aws:PrincipalArn", "AWS:PRINCIPALARN", "aws:principalarn"] {
        assert_eq!(ARN.fingerprint(), key_fingerprint(spelling), "{spelling}");
    }
    assert_ne!(ARN.fingerprint(), PATHS.fingerprint());

    let arn = "arn:aws:iam::111122223333:user/bob";
    let paths = vec!["o-a/r-b/ou-c/".to_string(), "o-a/r-b/".to_string()];
    let mut pushed = Context::with_capacity(4);
    pushed.push(ARN, arn).push_multi(PATHS, paths.clone()).push(TIME, "2026-01-01T00:00:00Z");
    let mut inserted = Context::new();
    inserted
        .insert("aws:PrincipalArn", arn)
        .insert_multi("aws:PrincipalOrgPaths", paths)
        .insert("aws:CurrentTime", "2026-01-01T00:00:00Z");
    assert_eq!(pushed, inserted);
    for key in ["aws:PrincipalArn", "AWS:principalARN", "aws:principalorgpaths", "aws:CurrentTime", "aws:SourceIp"] {
        assert_eq!(pushed.get(key), inserted.get(key), "{key}");
        assert_eq!(pushed.get_fingerprinted(key, key_fingerprint(key)), inserted.get(key), "{key}");
    }
    assert_eq!(pushed.get("AWS:PRINCIPALORGPATHS").unwrap().as_slice().len(), 2);
    assert!(pushed.get("aws:PrincipalOrgPaths").unwrap().is_multi());

    // A key set again, under another spelling, replaces the pushed value in place.
    pushed.insert("AWS:CURRENTTIME", "2027-01-01T00:00:00Z");
    assert_eq!(pushed.len(), 3);
    assert_eq!(pushed.get("aws:CurrentTime"), Some(&ContextValue::Single("2027-01-01T00:00:00Z".into())));
    assert_eq!(
        pushed.iter().map(|(k, _)| k).collect::<Vec<_>>(),
        ["aws:PrincipalArn", "aws:PrincipalOrgPaths", "aws:CurrentTime"]
    );
    // Removing a pushed key works as for an inserted one, and a saved context reads back equal.
    let saved: Context = serde_json::from_str(&serde_json::to_string(&pushed).unwrap()).unwrap();
    assert_eq!(saved, pushed);
    assert!(pushed.remove("aws:principalarn").is_some());
    assert!(pushed.get("aws:PrincipalArn").is_none());
}

/// Pushing a key that is already set, under any spelling, is a bug in the caller: debug builds
/// (and so the tests) catch it.
#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "set twice")]
fn pushing_a_key_twice_is_caught_in_debug_builds() {
    let mut c = Context::new();
    c.insert("AWS:SOURCEIP", "10.0.0.1");
    c.push(ContextKey::new("aws:SourceIp"), "10.0.0.2");
}

#[test]
fn cross_account_needs_both_sides() {
    let ctx = Context::new();
    let s = session("Reader", "alice");
    let idp = id(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::theirs/*"}"#);
    let bucket = p(
        PolicyKind::Resource,
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCT}:root"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::theirs/*"}}]}}"#
        ),
    );
    let identity = [NamedPolicy { name: "P0", policy: &idp }];
    let req = Request {
        principal: &s,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::theirs/k",
        resource_account: Some(OTHER),
        context: &ctx,
    };
    let with_bucket = PolicySet {
        identity: &identity,
        resource: Some(NamedPolicy { name: "bucket policy of theirs", policy: &bucket }),
        ..PolicySet::default()
    };
    let d = evaluate(&req, &with_bucket);
    assert!(d.is_allowed(), "{}", d.explain(&req));
    assert_eq!(d.decided_by[..], [Layer::Resource, Layer::Identity]);
    let only_identity = PolicySet { identity: &identity, ..PolicySet::default() };
    let d = evaluate(&req, &only_identity);
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert_eq!(d.decided_by[..], [Layer::Resource]);
    assert!(d.denial_message(&req).ends_with("because no resource-based policy allows the s3:GetObject action"));
}

// ---------- the service index ----------

/// A document of four or more statements is scanned through its service index; it must match
/// exactly the statements that match on their own (scanned one by one), in document order, for
/// the shapes the index and the action filter must not get wrong.
#[test]
fn indexed_documents_match_the_statements_that_match_alone() {
    let stmts = [
        r#"{"Effect":"Allow","Action":"S3:get*","Resource":"*"}"#,
        r#"{"Effect":"Allow","Action":["sqs:*","s3:Get?bject"],"Resource":"arn:aws:s3:::b/*"}"#,
        r#"{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}"#,
        r#"{"Effect":"Allow","Action":"s3:*Object*","NotResource":"arn:aws:s3:::b/secret/*"}"#,
        r#"{"Effect":"Allow","Action":"s3:G*t?bject","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:PrincipalTag/team":"blue"}}}"#,
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}}"#,
        r#"{"Effect":"Allow","Action":"iam:*","Resource":"*"}"#,
        r#"{"Effect":"Deny","Action":"kms:*","Resource":"*"}"#,
    ];
    let whole = id(&stmts.join(","));
    assert!(whole.doc().index.is_some(), "eight statements are indexed");
    let alone: Vec<Policy> = stmts.iter().map(|s| id(s)).collect();
    assert!(alone[0].doc().index.is_none());
    let mut ctx = Context::new();
    ctx.insert("aws:PrincipalTag/team", "red");
    ctx.insert_multi("aws:TagKeys", Vec::new());
    let bob = user("bob");
    for (action, resource) in [
        ("s3:GetObject", "arn:aws:s3:::b/k"),
        ("S3:GETOBJECT", "arn:aws:s3:::b/secret/k"),
        ("sqs:SendMessage", "arn:aws:s3:::b/k"),
        ("sns:Publish", "*"),
        ("iam:GetUser", "*"),
        ("s3:PutObject", "arn:aws:s3:::c/k"),
        ("kms:Decrypt", "*"),
    ] {
        let got: Vec<usize> =
            eval_identity(&bob, &[&whole], action, resource, &ctx).matched.iter().map(|m| m.index).collect();
        let want: Vec<usize> = (0..stmts.len())
            .filter(|&i| eval_identity(&bob, &[&alone[i]], action, resource, &ctx).matched.iter().any(|m| m.index == 0))
            .collect();
        // A Deny that matches alone denies outright; the whole document then lists only Denies.
        let want: Vec<usize> = if want.contains(&7) { vec![7] } else { want };
        assert_eq!(got, want, "{action} on {resource}");
    }
    // Spot checks of what must and must not match.
    let idx = |a, r| eval_identity(&bob, &[&whole], a, r, &ctx).matched.iter().map(|m| m.index).collect::<Vec<_>>();
    // IfExists with a present, different value does not match; ForAllValues on an empty set does.
    assert_eq!(idx("s3:GetObject", "arn:aws:s3:::b/k"), [0, 1, 3, 5]);
    assert_eq!(idx("S3:GETOBJECT", "arn:aws:s3:::b/secret/k"), [0, 1, 5]);
    assert_eq!(idx("sns:Publish", "*"), [2]);
}

// ---------- issue 18: IgnoreCase, impossible dates, NotPrincipal ----------

/// `StringEqualsIgnoreCase` folds case by Unicode's rules (each character lower-cased), not by
/// ASCII's alone: `MÜNCHEN` equals `münchen`, the Kelvin sign `K` equals `k`, in the policy's
/// text, the request's value and a variable's value alike; `ß` is not `ss` (lower case keeps it).
#[test]
fn ignore_case_operators_fold_unicode() {
    let bob = user("bob");
    let allowed = |cond: &str, ctx: &[(&str, &str)]| {
        let pol = id(&format!(r#"{{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{cond}}}"#));
        let mut c = Context::new();
        for (k, v) in ctx {
            c.insert(k, *v);
        }
        eval_identity(&bob, &[&pol], "s3:GetObject", "arn:aws:s3:::b/k", &c).is_allowed()
    };
    let city = r#"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/city":"MÜNCHEN"}}"#;
    assert!(allowed(city, &[("aws:PrincipalTag/city", "münchen")]));
    assert!(allowed(city, &[("aws:PrincipalTag/city", "München")]));
    assert!(!allowed(city, &[("aws:PrincipalTag/city", "MUNCHEN")]));
    let kelvin = "{\"StringEqualsIgnoreCase\":{\"aws:PrincipalTag/unit\":\"\u{212A}elvin\"}}";
    assert!(allowed(kelvin, &[("aws:PrincipalTag/unit", "kelvin")]));
    assert!(allowed(kelvin, &[("aws:PrincipalTag/unit", "KELVIN")]));
    let street = r#"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/street":"STRASSE"}}"#;
    assert!(!allowed(street, &[("aws:PrincipalTag/street", "straße")]));
    // A variable's value is folded as the request's is.
    let var = r#"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/city":"${aws:PrincipalTag/home}"}}"#;
    assert!(allowed(var, &[("aws:PrincipalTag/city", "ÉCOLE"), ("aws:PrincipalTag/home", "école")]));
    assert!(allowed(var, &[("aws:PrincipalTag/city", "école"), ("aws:PrincipalTag/home", "ÉCOLE")]));
    assert!(!allowed(var, &[("aws:PrincipalTag/city", "ecole"), ("aws:PrincipalTag/home", "ÉCOLE")]));
    // The negated operator: a Deny on "not equal ignoring case" does not apply to the same city.
    let deny = id(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/city":"ÅRHUS"}}}"#,
    );
    let mut c = Context::new();
    c.insert("aws:PrincipalTag/city", "århus");
    assert!(eval_identity(&bob, &[&deny], "s3:GetObject", "arn:aws:s3:::b/k", &c).is_allowed());
}

/// A day its month does not have is no date: as a policy value it is refused as any unreadable
/// date is, and as a request value it makes the condition unevaluable, so an Allow never matches
/// and a Deny applies (it used to be read as the days after: 2024-02-30 as March 1st).
#[test]
fn impossible_dates_are_unreadable() {
    let e = perr(
        PolicyKind::Identity,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2024-02-30T00:00:00Z"}}}]}"#,
    );
    assert_eq!(e.message, super::parse::LEGACY);
    assert!(e.detail.contains("2024-02-30"), "{e}");
    let bob = user("bob");
    let mut c = Context::new();
    c.insert("aws:CurrentTime", "2024-02-30T12:00:00Z");
    let allow = id(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}}"#,
    );
    let d = eval_identity(&bob, &[&allow], "s3:GetObject", "arn:aws:s3:::b/k", &c);
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert!(d.unevaluable[0].1.contains("2024-02-30"), "{:?}", d.unevaluable);
    let deny = id(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2024-03-31T00:00:00Z"}}}"#,
    );
    let d = eval_identity(&bob, &[&deny], "s3:GetObject", "arn:aws:s3:::b/k", &c);
    assert_eq!(d.outcome, Outcome::ExplicitlyDenied);
    // The leap day of a leap year is a date, and compares as one.
    c.insert("aws:CurrentTime", "2024-02-29T12:00:00Z");
    assert!(eval_identity(&bob, &[&allow], "s3:GetObject", "arn:aws:s3:::b/k", &c).is_allowed());
    assert!(eval_identity(&bob, &[&deny], "s3:GetObject", "arn:aws:s3:::b/k", &c).is_allowed());
}

/// NotPrincipal with Deny excepts an IAM user only when its account's ARN is listed too: AWS's
/// NotPrincipal page says that without it access may be denied, so the safe reading is taken.
#[test]
fn notprincipal_excepts_a_user_only_with_its_account() {
    let admin = user("admin");
    let identity = id(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#);
    let decide = |listed: &str| {
        let bucket = p(
            PolicyKind::Resource,
            &format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","NotPrincipal":{{"AWS":[{listed}]}},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}}]}}"#
            ),
        );
        let ctx = Context::new();
        let named = [NamedPolicy { name: "P0", policy: &identity }];
        let req = Request {
            principal: &admin,
            action: "s3:GetObject",
            resource: "arn:aws:s3:::b/k",
            resource_account: Some(ACCT),
            context: &ctx,
        };
        let set = PolicySet {
            identity: &named,
            resource: Some(NamedPolicy { name: "bucket", policy: &bucket }),
            ..PolicySet::default()
        };
        let decision = evaluate(&req, &set);
        decision.outcome
    };
    let user_arn = format!("\"arn:aws:iam::{ACCT}:user/admin\"");
    let account = format!("\"arn:aws:iam::{ACCT}:root\"");
    assert_eq!(decide(&user_arn), Outcome::ExplicitlyDenied);
    assert_eq!(decide(&format!("{user_arn},{account}")), Outcome::Allowed);
    assert_eq!(decide(&format!("{user_arn},\"{ACCT}\"")), Outcome::Allowed);
    // The account alone still excepts only its root user.
    assert_eq!(decide(&account), Outcome::ExplicitlyDenied);
}

// ---------- unique IDs of deleted principals (rule IAM-DELETED-PRINCIPAL-UNIQUE-ID) ----------

/// AWS's example user ID shape (IAM identifiers page): `AIDA` and 17 characters.
const OLD_BOB: &str = "AIDAJQABLZS4A3QDU576Q";
const OLD_ROLE: &str = "AROADBQP57FF2AEXAMPLE";

fn trust_naming(principals: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":[{principals}]}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

fn stored(kind: PolicyKind, text: &str) -> Result<Policy, PolicyError> {
    Policy::parse_with(text, kind, &ParseOptions { unique_ids: true, ..ParseOptions::default() })
}

#[test]
fn customers_cannot_write_a_unique_id_but_stored_documents_hold_one() {
    let text = trust_naming(&format!("\"{OLD_BOB}\""));
    for kind in [PolicyKind::Trust, PolicyKind::Resource] {
        let text = if kind == PolicyKind::Resource {
            text.replace("\"sts:AssumeRole\"", "\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"")
        } else {
            text.clone()
        };
        let e = perr(kind, &text);
        assert_eq!(e.message, format!("Invalid principal in policy: \"AWS\":\"{OLD_BOB}\""));
        assert!(stored(kind, &text).is_ok(), "{kind:?}");
    }
    // Only user and role IDs, in their alphabet and length: a group's ID, lower case, a short or
    // wildcard value are refused even in a stored document.
    for bad in ["AGPAJQABLZS4A3QDU576Q", "AIDAjqablzs4a3qdu576q", "AIDA123", "AIDA*", "AIDAJQABLZS4A3QDU576Q:x"] {
        let e = stored(PolicyKind::Trust, &trust_naming(&format!("\"{bad}\""))).expect_err(bad);
        assert!(e.message.starts_with("Invalid principal in policy"), "{bad}: {}", e.message);
    }
    // A saved world is read back as stored: deserializing accepts the ID.
    let json = serde_json::json!({"kind": "trust", "document": trust_naming(&format!("\"{OLD_ROLE}\""))});
    assert!(serde_json::from_value::<Policy>(json).is_ok());
}

#[test]
fn a_unique_id_names_only_the_caller_whose_aws_userid_it_is() {
    let trust = stored(PolicyKind::Trust, &trust_naming(&format!("\"{OLD_BOB}\",\"{OLD_ROLE}\""))).unwrap();
    let decide = |pr: &Principal, userid: Option<&str>| {
        let mut ctx = Context::new();
        if let Some(u) = userid {
            ctx.insert("aws:userid", u);
        }
        let req = Request {
            principal: pr,
            action: "sts:AssumeRole",
            resource: "arn:aws:iam::111122223333:role/R",
            resource_account: Some(ACCT),
            context: &ctx,
        };
        let set = PolicySet {
            resource: Some(NamedPolicy { name: "of role R", policy: &trust }),
            resource_must_allow: true,
            ..PolicySet::default()
        };
        let d = evaluate(&req, &set).into_owned();
        (d.outcome, d.explain(&req))
    };
    // The user whose ID it is (a rootsim-free what-if: AWS never shows a living user's ID).
    assert_eq!(decide(&user("bob"), Some(OLD_BOB)).0, Outcome::Allowed);
    // A namesake: same ARN, another ID. Denied, and the explanation names the ID.
    let (outcome, why) = decide(&user("bob"), Some("AIDANEWBOBEXAMPLE0001"));
    assert_eq!(outcome, Outcome::ImplicitlyDenied);
    assert!(why.contains(&format!("names {OLD_BOB}, {OLD_ROLE}: the unique ID")), "{why}");
    // No aws:userid: no ID names the caller.
    assert_eq!(decide(&user("bob"), None).0, Outcome::ImplicitlyDenied);
    // A role's ID names its sessions (`ROLEID:session`), never a user with that text as its ID.
    assert_eq!(decide(&session("R", "s"), Some(&format!("{OLD_ROLE}:s"))).0, Outcome::Allowed);
    assert_eq!(decide(&session("R", "s"), Some(&format!("{OLD_ROLE}X:s"))).0, Outcome::ImplicitlyDenied);
    assert_eq!(decide(&user("x"), Some(&format!("{OLD_ROLE}:s"))).0, Outcome::ImplicitlyDenied);
    assert_eq!(decide(&session("R", "s"), Some(OLD_ROLE)).0, Outcome::ImplicitlyDenied);
    // Root's aws:userid is its account: never an ID.
    assert_eq!(decide(&root(ACCT), Some(OLD_BOB)).0, Outcome::ImplicitlyDenied);
}

#[test]
fn replacing_a_principal_keeps_the_document_and_parses_it_as_stored() {
    let bob = format!("arn:aws:iam::{ACCT}:user/bob");
    let text = format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{{\"Sid\": \"B\", \"Effect\": \"Allow\", \"Principal\": {{\"AWS\": [\"{bob}\", \"arn:aws:iam::{ACCT}:root\"]}}, \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}}]\n}}"
    );
    let policy = p(PolicyKind::Resource, &text);
    assert!(policy.replace_aws_principals(|_| None).is_none());
    let out = policy.replace_aws_principals(|a| (a == bob).then(|| OLD_BOB.to_string())).unwrap().unwrap();
    assert_eq!(out.text(), text.replace(&bob, OLD_BOB));
    assert_eq!(out.kind(), PolicyKind::Resource);
    let values: Vec<&str> = out.statements().flat_map(|s| s.principals()).flat_map(|g| g.values()).collect();
    assert_eq!(values, [OLD_BOB, "arn:aws:iam::111122223333:root"]);
}

/// S3 access points, access grants and jobs carry a Region and an account (Service Authorization
/// Reference, Amazon S3's resource types), and AWS's own managed policies name them so
/// (AWSBackupAccessPointOperatorAccess: `arn:aws:s3:*:*:accesspoint/*`).
#[test]
fn s3_arns_with_an_account_may_carry_a_region() {
    for resource in [
        "arn:aws:s3:*:*:accesspoint/*",
        "arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/k",
        "arn:aws:s3:*:*:access-grants/default/*",
        "arn:aws:s3:us-west-2:123456789012:job/j1",
    ] {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:*","Resource":"{resource}"}}}}"#
        );
        assert!(Policy::parse(&text, PolicyKind::Identity).is_ok(), "{resource}");
    }
}

/// For the root user, every statement of the resource and identity policies that matches the
/// request on its own (evaluated alone for an IAM user of the same account, for whom nothing is
/// set aside) appears in the decision's JSON, in `matched` or `overridden`, with whether it
/// decided; the owner root's own bucket policy never decides its policy actions.
#[test]
fn every_statement_matching_a_root_request_is_listed_with_whether_it_decided() {
    let ctx = Context::new();
    let r = root(ACCT);
    let bucket = "arn:aws:s3:::b";
    let sts = [
        r#"{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b"}"#,
        r#"{"Sid":"AllowAll","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b"}"#,
        r#"{"Sid":"DenyPolicy","Effect":"Deny","Principal":"*","Action":"s3:*BucketPolicy","Resource":"*"}"#,
        r#"{"Sid":"Other","Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}"#,
    ];
    let ident = id(r#"{"Sid":"IdDeny","Effect":"Deny","Action":"s3:*","Resource":"*"}"#);
    // Every subset of the bucket statements, for three actions (two exempt, one not).
    for mask in 1u32..(1 << sts.len()) {
        let chosen: Vec<&str> = (0..sts.len()).filter(|i| mask & (1 << i) != 0).map(|i| sts[i]).collect();
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, chosen.join(","));
        let pol = p(PolicyKind::Resource, &text);
        for action in ["s3:DeleteBucketPolicy", "s3:GetBucketPolicy", "s3:ListBucket"] {
            let named_id = [NamedPolicy { name: "IdPolicy", policy: &ident }];
            let set = PolicySet {
                identity: &named_id,
                resource: Some(NamedPolicy { name: "bucket b", policy: &pol }),
                ..PolicySet::default()
            };
            let req = Request { principal: &r, action, resource: bucket, resource_account: Some(ACCT), context: &ctx };
            let d = evaluate(&req, &set);
            let j = d.to_json();
            let listed: Vec<(String, bool)> = ["matched", "overridden"]
                .iter()
                .flat_map(|k| j[k].as_array().cloned().unwrap_or_default())
                .map(|m| (m["sid"].as_str().unwrap_or("").to_string(), m["decided"].as_bool().unwrap()))
                .collect();
            for (i, st) in chosen.iter().enumerate() {
                let sid = st.split('"').nth(3).unwrap();
                // Does the statement match alone? Ask for an IAM user whom it names (Principal "*").
                let alone = p(PolicyKind::Resource, &format!(r#"{{"Version":"2012-10-17","Statement":[{st}]}}"#));
                let u = user("probe");
                let probe =
                    Request { principal: &u, action, resource: bucket, resource_account: Some(ACCT), context: &ctx };
                let dp = evaluate(
                    &probe,
                    &PolicySet { resource: Some(NamedPolicy { name: "b", policy: &alone }), ..PolicySet::default() },
                );
                let matches = !dp.matched.is_empty();
                let found = listed.iter().find(|(s, _)| s == sid);
                assert_eq!(matches, found.is_some(), "{action}, statement {i} {sid}: listed {listed:?}");
                if let Some((_, decided)) = found {
                    let exempt = action != "s3:ListBucket";
                    if exempt {
                        assert!(!decided, "{action}: the owner root's bucket policy decided through {sid}");
                    }
                }
            }
            // The identity policy's Deny matches and is always set aside for root.
            assert!(listed.iter().any(|(s, decided)| s == "IdDeny" && !decided), "{action}: {listed:?}");
            if action != "s3:ListBucket" {
                assert!(d.is_allowed(), "{action} with {text}");
                assert!(
                    d.explain(&req).contains("may always read, change or delete its bucket policy")
                        || !j["overridden"].as_array().unwrap().iter().any(|m| m["layer"] == "resource")
                );
            }
        }
    }
}

/// In an implicit deny, every statement is still accounted for in the decision's JSON: each Allow
/// that matches the request's action and resource but whose condition is false is listed under
/// `notMatching` (never `matched`, never deciding) with the operator and key of the condition
/// that was false; an Allow for another action is listed nowhere; and with every subset of the
/// statements, an Allow whose condition holds is the one thing that changes the outcome.
#[test]
fn an_implicit_deny_lists_each_allow_whose_condition_failed_with_that_condition() {
    let mut ctx = Context::new();
    ctx.insert("aws:RequestedRegion", "eu-west-1");
    ctx.insert("aws:SecureTransport", "false");
    let u = user("ann");
    let sts = [
        // (Sid, statement, the condition that fails in this request if any, matches the action)
        (
            "RegionUs",
            r#"{"Sid":"RegionUs","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}"#,
            Some(("StringEquals", "aws:RequestedRegion")),
            true,
        ),
        (
            "Tls",
            r#"{"Sid":"Tls","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"aws:RequestedRegion":"eu-*"},"Bool":{"aws:SecureTransport":"true"}}}"#,
            Some(("Bool", "aws:SecureTransport")),
            true,
        ),
        (
            "Other",
            r#"{"Sid":"Other","Effect":"Allow","Action":"sqs:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
            None,
            false,
        ),
        (
            "Eu",
            r#"{"Sid":"Eu","Effect":"Allow","Action":"s3:Get*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#,
            None,
            true,
        ),
    ];
    for mask in 1u32..(1 << sts.len()) {
        let chosen: Vec<_> = (0..sts.len()).filter(|i| mask & (1 << i) != 0).map(|i| &sts[i]).collect();
        let text = chosen.iter().map(|s| s.1).collect::<Vec<_>>().join(",");
        let pol = id(&text);
        let named = [NamedPolicy { name: "Mixed", policy: &pol }];
        let set = PolicySet { identity: &named, ..PolicySet::default() };
        let req = Request {
            principal: &u,
            action: "s3:GetObject",
            resource: "arn:aws:s3:::b/k",
            resource_account: Some(ACCT),
            context: &ctx,
        };
        let d = evaluate(&req, &set);
        let j = d.to_json();
        let sids = |k: &str| -> Vec<String> {
            j[k].as_array().unwrap().iter().map(|m| m["sid"].as_str().unwrap_or("").to_string()).collect()
        };
        let allowed_by_eu = chosen.iter().any(|s| s.0 == "Eu");
        assert_eq!(d.is_allowed(), allowed_by_eu, "{text}");
        for (sid, _, failed, matches_action) in &chosen {
            let listed = j["notMatching"].as_array().unwrap().iter().find(|m| m["sid"] == *sid);
            match failed {
                Some((op, key)) => {
                    let m = listed.unwrap_or_else(|| panic!("{sid} not listed as not matching: {j}"));
                    assert_eq!((m["matched"].as_bool(), m["decided"].as_bool()), (Some(false), Some(false)));
                    assert_eq!(m["failedCondition"], serde_json::json!({"operator": op, "key": key}), "{sid}");
                    assert!(!sids("matched").contains(&sid.to_string()), "{sid}: {j}");
                }
                None if *matches_action => {
                    assert!(listed.is_none() && sids("matched").contains(&sid.to_string()), "{sid}: {j}")
                }
                None => assert!(listed.is_none() && !sids("matched").contains(&sid.to_string()), "{sid}: {j}"),
            }
        }
    }
}

/// IAM refuses a condition operator its grammar does not know when the document is written
/// (rule IAM-POLICY-OPERATORS), unless the operator's block is empty; resource policies and
/// `rootsim eval`'s lenient reading keep it, unevaluable.
#[test]
fn unknown_operators_are_refused_where_iam_validates() {
    let doc = |cond: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{cond}}}]}}"#
        )
    };
    for kind in [PolicyKind::Identity, PolicyKind::Boundary, PolicyKind::Session, PolicyKind::Scp] {
        let e = perr(kind, &doc(r#"{"StringEqualz":{"aws:username":"bob"}}"#));
        assert_eq!(e.message, "Syntax errors in policy.");
        assert!(e.detail.contains("StringEqualz"), "{}", e.detail);
        assert_eq!((e.line, e.column), (1, 108));
    }
    // Grammatical, though not all evaluable: accepted.
    for cond in [
        r#"{"StringEqualz":{}}"#,
        r#"{"NullIfExists":{"aws:username":"true"}}"#,
        r#"{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":"a*"}}"#,
    ] {
        p(PolicyKind::Identity, &doc(cond));
    }
    // Case matters, as for every operator.
    perr(PolicyKind::Identity, &doc(r#"{"stringequals":{"aws:username":"bob"}}"#));
    // A resource policy keeps it, as does the lenient reading.
    let res = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Foo":{"aws:username":"bob"}}}]}"#;
    p(PolicyKind::Resource, res);
    lenient_id(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Foo":{"aws:username":"bob"}}}"#);
}
