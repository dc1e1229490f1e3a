//! Evaluation tables for the policy engine, through its public API only:
//! every condition operator (with cases that must not match), policy
//! variables, every layer of the evaluation chain, and examples from the AWS
//! documentation (URL cited next to each).

use rootsim_policy::{
    evaluate, Context, Decision, Layer, NamedPolicy, Outcome, ParseOptions, Policy, PolicyKind, PolicySet, Principal,
    PrincipalKind, Request,
};

const ACCT: &str = "111122223333";
const OTHER: &str = "444455556666";

fn user(name: &str) -> Principal {
    let arn = format!("arn:aws:iam::{ACCT}:user/{name}");
    Principal {
        kind: PrincipalKind::User,
        arn: arn.clone(),
        principal_arn: arn,
        account: ACCT.into(),
        service_linked_role: false,
    }
}

fn root(acct: &str) -> Principal {
    let arn = format!("arn:aws:iam::{acct}:root");
    Principal {
        kind: PrincipalKind::Root,
        arn: arn.clone(),
        principal_arn: arn,
        account: acct.into(),
        service_linked_role: false,
    }
}

fn session(role: &str, name: &str) -> Principal {
    Principal {
        kind: PrincipalKind::AssumedRole,
        arn: format!("arn:aws:sts::{ACCT}:assumed-role/{role}/{name}"),
        principal_arn: format!("arn:aws:iam::{ACCT}:role/{role}"),
        account: ACCT.into(),
        service_linked_role: false,
    }
}

fn anonymous() -> Principal {
    Principal {
        kind: PrincipalKind::Anonymous,
        arn: "anonymous".into(),
        principal_arn: "anonymous".into(),
        account: String::new(),
        service_linked_role: false,
    }
}

fn service(name: &str) -> Principal {
    Principal {
        kind: PrincipalKind::Service,
        arn: name.into(),
        principal_arn: name.into(),
        account: String::new(),
        service_linked_role: false,
    }
}

fn parse(kind: PolicyKind, text: &str) -> Policy {
    Policy::parse(text, kind).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn doc(stmts: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{stmts}]}}"#)
}

fn identity(stmts: &str) -> Policy {
    parse(PolicyKind::Identity, &doc(stmts))
}

/// A context value in the tables below.
enum V {
    S(&'static str),
    M(&'static [&'static str]),
}

fn context(pairs: &[(&str, V)]) -> Context {
    let mut c = Context::new();
    for (k, v) in pairs {
        match v {
            V::S(s) => c.insert(k, *s),
            V::M(m) => c.insert_multi(k, m.iter().map(|s| s.to_string()).collect()),
        };
    }
    c
}

/// A condition table row: condition block body, request context, expected.
type Case = (&'static str, &'static [(&'static str, V)], bool);

/// Evaluates one identity policy for `bob` on `s3:GetObject` / `*`.
fn run(pol: &Policy, ctx: &Context) -> Decision<'static> {
    run_as(&user("bob"), pol, "s3:GetObject", "*", ctx)
}

fn run_as(p: &Principal, pol: &Policy, action: &str, resource: &str, ctx: &Context) -> Decision<'static> {
    let named = [NamedPolicy { name: "test-policy", policy: pol }];
    let req = Request { principal: p, action, resource, resource_account: None, context: ctx };
    evaluate(&req, &PolicySet { identity: &named, ..PolicySet::default() }).into_owned()
}

/// Does `Allow * * if <condition>` allow, given the context?
fn cond_allows(condition: &str, ctx: &[(&str, V)]) -> bool {
    let pol = identity(&format!(r#"{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{{condition}}}}}"#));
    let d = run(&pol, &context(ctx));
    assert!(d.unevaluable.is_empty(), "{condition}: unevaluable {:?}", d.unevaluable);
    d.is_allowed()
}

// Operator semantics: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// Multiple keys/values: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html

#[test]
fn string_operators() {
    use V::*;
    let t: &[Case] = &[
        (r#""StringEquals":{"s3:prefix":"home"}"#, &[("s3:prefix", S("home"))], true),
        (r#""StringEquals":{"s3:prefix":"home"}"#, &[("s3:prefix", S("Home"))], false),
        (r#""StringEquals":{"s3:prefix":"home"}"#, &[], false),
        (r#""StringEquals":{"s3:prefix":["a","b"]}"#, &[("s3:prefix", S("b"))], true),
        (r#""StringEquals":{"s3:prefix":"a*"}"#, &[("s3:prefix", S("abc"))], false),
        (r#""StringEquals":{"s3:prefix":"a*"}"#, &[("s3:prefix", S("a*"))], true),
        (r#""StringEquals":{"S3:PREFIX":"x"}"#, &[("s3:prefix", S("x"))], true),
        (r#""StringNotEquals":{"s3:prefix":["a","b"]}"#, &[("s3:prefix", S("b"))], false),
        (r#""StringNotEquals":{"s3:prefix":["a","b"]}"#, &[("s3:prefix", S("c"))], true),
        (r#""StringNotEquals":{"s3:prefix":["a","b"]}"#, &[], true),
        (r#""StringEqualsIgnoreCase":{"s3:prefix":"HOME"}"#, &[("s3:prefix", S("home"))], true),
        (r#""StringEqualsIgnoreCase":{"s3:prefix":"HOME"}"#, &[("s3:prefix", S("homes"))], false),
        (r#""StringNotEqualsIgnoreCase":{"s3:prefix":"HOME"}"#, &[("s3:prefix", S("home"))], false),
        (r#""StringNotEqualsIgnoreCase":{"s3:prefix":"HOME"}"#, &[("s3:prefix", S("away"))], true),
        (r#""StringLike":{"s3:prefix":"home/*"}"#, &[("s3:prefix", S("home/x/y"))], true),
        (r#""StringLike":{"s3:prefix":"home/?"}"#, &[("s3:prefix", S("home/xy"))], false),
        (r#""StringLike":{"s3:prefix":"home/*"}"#, &[("s3:prefix", S("other"))], false),
        (r#""StringLike":{"s3:prefix":"home/*"}"#, &[], false),
        (r#""StringNotLike":{"s3:prefix":"home/*"}"#, &[("s3:prefix", S("home/x"))], false),
        (r#""StringNotLike":{"s3:prefix":"home/*"}"#, &[("s3:prefix", S("tmp/x"))], true),
        (r#""StringNotLike":{"s3:prefix":"home/*"}"#, &[], true),
        (r#""StringEqualsIfExists":{"s3:prefix":"a"}"#, &[], true),
        (r#""StringEqualsIfExists":{"s3:prefix":"a"}"#, &[("s3:prefix", S("b"))], false),
        (r#""StringNotEqualsIfExists":{"s3:prefix":"a"}"#, &[("s3:prefix", S("a"))], false),
        // Derived key: aws:username of an IAM user.
        (r#""StringEquals":{"aws:username":"bob"}"#, &[], true),
        (r#""StringEquals":{"aws:PrincipalType":"User"}"#, &[], true),
    ];
    for (c, ctx, want) in t {
        assert_eq!(cond_allows(c, ctx), *want, "{c}");
    }
}

#[test]
fn numeric_date_bool_binary_operators() {
    use V::*;
    let t: &[Case] = &[
        (r#""NumericLessThan":{"s3:max-keys":"10"}"#, &[("s3:max-keys", S("5"))], true),
        (r#""NumericLessThan":{"s3:max-keys":"10"}"#, &[("s3:max-keys", S("10"))], false),
        (r#""NumericLessThan":{"s3:max-keys":"10"}"#, &[("s3:max-keys", S("ten"))], false),
        (r#""NumericLessThan":{"s3:max-keys":"10"}"#, &[], false),
        (r#""NumericLessThanEquals":{"s3:max-keys":10}"#, &[("s3:max-keys", S("10"))], true),
        (r#""NumericGreaterThan":{"s3:max-keys":10}"#, &[("s3:max-keys", S("10.5"))], true),
        (r#""NumericGreaterThan":{"s3:max-keys":10}"#, &[("s3:max-keys", S("10"))], false),
        (r#""NumericGreaterThanEquals":{"s3:max-keys":10}"#, &[("s3:max-keys", S("9"))], false),
        (r#""NumericEquals":{"s3:max-keys":"10"}"#, &[("s3:max-keys", S("10.0"))], true),
        (r#""NumericNotEquals":{"s3:max-keys":[10,20]}"#, &[("s3:max-keys", S("20"))], false),
        (r#""NumericNotEquals":{"s3:max-keys":[10,20]}"#, &[("s3:max-keys", S("30"))], true),
        (r#""NumericNotEquals":{"s3:max-keys":[10,20]}"#, &[], true),
        (r#""NumericLessThanIfExists":{"aws:MultiFactorAuthAge":3600}"#, &[], true),
        (r#""NumericLessThan":{"aws:MultiFactorAuthAge":3600}"#, &[("aws:MultiFactorAuthAge", S("7200"))], false),
        (
            r#""DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}"#,
            &[("aws:CurrentTime", S("2025-06-01T12:00:00Z"))],
            true,
        ),
        (
            r#""DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}"#,
            &[("aws:CurrentTime", S("2031-01-01T00:00:00Z"))],
            false,
        ),
        (r#""DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}"#, &[], false),
        (
            r#""DateGreaterThan":{"aws:CurrentTime":"1700000000"}"#,
            &[("aws:CurrentTime", S("2024-01-01T00:00:00Z"))],
            true,
        ),
        (r#""DateGreaterThan":{"aws:EpochTime":"2024-01-01T00:00:00Z"}"#, &[("aws:EpochTime", S("1600000000"))], false),
        (r#""DateEquals":{"aws:CurrentTime":"2024-01-01"}"#, &[("aws:CurrentTime", S("2024-01-01T00:00:00Z"))], true),
        (
            r#""DateNotEquals":{"aws:CurrentTime":"2024-01-01"}"#,
            &[("aws:CurrentTime", S("2024-01-01T00:00:00Z"))],
            false,
        ),
        (
            r#""DateLessThanEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}"#,
            &[("aws:CurrentTime", S("2024-01-01T01:00:00+01:00"))],
            true,
        ),
        (
            r#""DateGreaterThanEquals":{"aws:CurrentTime":"2024-01-01T00:00:01Z"}"#,
            &[("aws:CurrentTime", S("2024-01-01T00:00:00Z"))],
            false,
        ),
        (r#""Bool":{"aws:SecureTransport":"true"}"#, &[("aws:SecureTransport", S("true"))], true),
        (r#""Bool":{"aws:SecureTransport":true}"#, &[("aws:SecureTransport", S("True"))], true),
        (r#""Bool":{"aws:SecureTransport":"true"}"#, &[("aws:SecureTransport", S("false"))], false),
        (r#""Bool":{"aws:SecureTransport":"true"}"#, &[], false),
        (r#""BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}"#, &[], true),
        (
            r#""BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}"#,
            &[("aws:MultiFactorAuthPresent", S("false"))],
            false,
        ),
        (r#""BinaryEquals":{"s3:blob":"QmluYXJ5VmFsdWU="}"#, &[("s3:blob", S("QmluYXJ5VmFsdWU="))], true),
        (r#""BinaryEquals":{"s3:blob":"QmluYXJ5VmFsdWU="}"#, &[("s3:blob", S("qmluYXJ5VmFsdWU="))], false),
    ];
    for (c, ctx, want) in t {
        assert_eq!(cond_allows(c, ctx), *want, "{c}");
    }
    // A request value that is not a date (or is a day its month lacks) makes a date condition
    // unevaluable: the Allow never matches, and the reason names the value (issue 18).
    let pol = identity(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}}"#,
    );
    for bad in ["not a date", "2024-02-30T00:00:00Z"] {
        let d = run(&pol, &context(&[("aws:CurrentTime", S(bad))]));
        assert!(!d.is_allowed(), "{bad}");
        assert!(d.unevaluable.iter().any(|(_, why)| why.contains(bad)), "{bad}: {:?}", d.unevaluable);
    }
}

#[test]
fn ip_arn_null_operators() {
    use V::*;
    let t: &[Case] = &[
        (r#""IpAddress":{"aws:SourceIp":"203.0.113.0/24"}"#, &[("aws:SourceIp", S("203.0.113.5"))], true),
        (r#""IpAddress":{"aws:SourceIp":"203.0.113.0/24"}"#, &[("aws:SourceIp", S("198.51.100.1"))], false),
        (r#""IpAddress":{"aws:SourceIp":"203.0.113.0/24"}"#, &[], false),
        (r#""IpAddress":{"aws:SourceIp":"203.0.113.9"}"#, &[("aws:SourceIp", S("203.0.113.9"))], true),
        (
            r#""IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}"#,
            &[("aws:SourceIp", S("2001:db8:1234:5678::1"))],
            true,
        ),
        (
            r#""IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}"#,
            &[("aws:SourceIp", S("2001:db8:1234:5679::1"))],
            false,
        ),
        (
            r#""NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8::/32"]}"#,
            &[("aws:SourceIp", S("198.51.100.1"))],
            true,
        ),
        (
            r#""NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8::/32"]}"#,
            &[("aws:SourceIp", S("2001:db8::5"))],
            false,
        ),
        (r#""NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}"#, &[], true),
        (
            r#""ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111122223333:trail/*"}"#,
            &[("aws:SourceArn", S("arn:aws:cloudtrail:us-east-1:111122223333:trail/t"))],
            true,
        ),
        (
            r#""ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111122223333:trail/*"}"#,
            &[("aws:SourceArn", S("arn:aws:cloudtrail:us-east-1:444455556666:trail/t"))],
            false,
        ),
        // `*` in the region segment does not cross into the account segment.
        (
            r#""ArnLike":{"aws:SourceArn":"arn:aws:sqs:*:q"}"#,
            &[("aws:SourceArn", S("arn:aws:sqs:us-east-1:111122223333:q"))],
            false,
        ),
        (r#""ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::*:user/bob"}"#, &[], true),
        (r#""ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::*:user/Bob"}"#, &[], false),
        (r#""ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}"#, &[], true),
        (r#""ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/bob"}"#, &[], false),
        (r#""ArnLike":{"aws:SourceArn":"arn:aws:s3:::b*"}"#, &[("aws:SourceArn", S("arn:aws:s3:::bucket"))], true),
        (r#""ArnLike":{"aws:SourceArn":"arn:aws:s3:::b*"}"#, &[("aws:SourceArn", S("not-an-arn"))], false),
        (r#""Null":{"aws:TokenIssueTime":"true"}"#, &[], true),
        (r#""Null":{"aws:TokenIssueTime":"true"}"#, &[("aws:TokenIssueTime", S("2024-01-01T00:00:00Z"))], false),
        (r#""Null":{"aws:TokenIssueTime":"false"}"#, &[("aws:TokenIssueTime", S("2024-01-01T00:00:00Z"))], true),
        (r#""Null":{"aws:TokenIssueTime":false}"#, &[], false),
        (r#""Null":{"aws:TagKeys":"true"}"#, &[("aws:TagKeys", M(&[]))], true),
    ];
    for (c, ctx, want) in t {
        assert_eq!(cond_allows(c, ctx), *want, "{c}");
    }
}

#[test]
fn set_operators_and_block_logic() {
    use V::*;
    let t: &[Case] = &[
        (r#""ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}"#, &[("aws:TagKeys", M(&["env"]))], true),
        (
            r#""ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}"#,
            &[("aws:TagKeys", M(&["env", "cost"]))],
            false,
        ),
        // Vacuously true when the key is missing or empty.
        (r#""ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}"#, &[], true),
        (r#""ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}"#, &[("aws:TagKeys", M(&[]))], true),
        (r#""ForAnyValue:StringEquals":{"aws:TagKeys":"env"}"#, &[("aws:TagKeys", M(&["team", "env"]))], true),
        (r#""ForAnyValue:StringEquals":{"aws:TagKeys":"env"}"#, &[("aws:TagKeys", M(&["team"]))], false),
        (r#""ForAnyValue:StringEquals":{"aws:TagKeys":"env"}"#, &[], false),
        (r#""ForAllValues:StringNotEquals":{"aws:TagKeys":"secret"}"#, &[("aws:TagKeys", M(&["a", "b"]))], true),
        (r#""ForAllValues:StringNotEquals":{"aws:TagKeys":"secret"}"#, &[("aws:TagKeys", M(&["a", "secret"]))], false),
        (r#""ForAnyValue:StringNotEquals":{"aws:TagKeys":"secret"}"#, &[("aws:TagKeys", M(&["secret"]))], false),
        (r#""ForAnyValue:StringNotEquals":{"aws:TagKeys":"secret"}"#, &[("aws:TagKeys", M(&["secret", "a"]))], true),
        (
            r#""ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a/r-ab/ou-1/*"}"#,
            &[("aws:PrincipalOrgPaths", M(&["o-a/r-ab/ou-1/ou-2/"]))],
            true,
        ),
        (
            r#""ForAllValues:StringLike":{"aws:TagKeys":"Created*"}"#,
            &[("aws:TagKeys", M(&["CreatedBy", "CreatedAt"]))],
            true,
        ),
        // No set operator on a multi-valued key: any value may match.
        (r#""StringEquals":{"aws:TagKeys":"env"}"#, &[("aws:TagKeys", M(&["team", "env"]))], true),
        // Keys under one operator are ANDed; operators are ANDed.
        (r#""StringEquals":{"s3:x":"1","s3:y":"2"}"#, &[("s3:x", S("1")), ("s3:y", S("2"))], true),
        (r#""StringEquals":{"s3:x":"1","s3:y":"2"}"#, &[("s3:x", S("1")), ("s3:y", S("3"))], false),
        (
            r#""StringEquals":{"s3:x":"1"},"Bool":{"aws:SecureTransport":"true"}"#,
            &[("s3:x", S("1")), ("aws:SecureTransport", S("false"))],
            false,
        ),
    ];
    for (c, ctx, want) in t {
        assert_eq!(cond_allows(c, ctx), *want, "{c}");
    }
}

#[test]
fn unevaluable_conditions_never_allow() {
    for c in [
        r#""StringEqualz":{"s3:x":"1"}"#,
        r#""NullIfExists":{"s3:x":"true"}"#,
        r#""ForAnyValue:Null":{"s3:x":"true"}"#,
        r#""NumericLessThan":{"s3:x":"ten"}"#,
        r#""IpAddress":{"aws:SourceIp":"not-an-ip"}"#,
    ] {
        // Read as `rootsim eval` reads documents: IAM would refuse `StringEqualz` when written.
        let text = doc(&format!(r#"{{"Sid":"X","Effect":"Allow","Action":"*","Resource":"*","Condition":{{{c}}}}}"#));
        let opts = rootsim_policy::ParseOptions { lenient_operators: true, ..Default::default() };
        let pol = Policy::parse_with(&text, PolicyKind::Identity, &opts).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let d = run(&pol, &context(&[("s3:x", V::S("1")), ("aws:SourceIp", V::S("10.0.0.1"))]));
        assert_eq!(d.outcome, Outcome::ImplicitlyDenied, "{c}");
        assert_eq!(d.unevaluable.len(), 1, "{c}");
        assert_eq!(d.unevaluable[0].0.sid.as_deref(), Some("X"));
        assert!(d.to_json()["unevaluable"][0]["reason"].is_string());
    }
}

// Variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn policy_variables() {
    use V::*;
    let t: &[Case] = &[
        (r#""StringEquals":{"s3:prefix":"home/${aws:username}"}"#, &[("s3:prefix", S("home/bob"))], true),
        (r#""StringEquals":{"s3:prefix":"home/${aws:username}"}"#, &[("s3:prefix", S("home/alice"))], false),
        (r#""StringLike":{"s3:prefix":"${aws:username}/*"}"#, &[("s3:prefix", S("bob/docs/x"))], true),
        (r#""StringEquals":{"s3:prefix":"${AWS:USERNAME}"}"#, &[("s3:prefix", S("bob"))], true),
        (r#""StringEquals":{"s3:prefix":"${aws:PrincipalTag/team}"}"#, &[("s3:prefix", S("x"))], false),
        (r#""StringNotEquals":{"s3:prefix":"${aws:PrincipalTag/team}"}"#, &[("s3:prefix", S("x"))], true),
        (r#""StringEquals":{"s3:prefix":"${aws:PrincipalTag/team, 'none'}"}"#, &[("s3:prefix", S("none"))], true),
        (
            r#""StringEquals":{"s3:prefix":"${aws:PrincipalTag/team, 'none'}"}"#,
            &[("s3:prefix", S("red")), ("aws:PrincipalTag/team", S("red"))],
            true,
        ),
        (r#""StringLike":{"s3:prefix":"a${*}"}"#, &[("s3:prefix", S("a*"))], true),
        (r#""StringLike":{"s3:prefix":"a${*}"}"#, &[("s3:prefix", S("ab"))], false),
        (r#""StringEquals":{"s3:prefix":"${$}{x}"}"#, &[("s3:prefix", S("${x}"))], true),
        (r#""StringLike":{"s3:prefix":"a${?}"}"#, &[("s3:prefix", S("a?"))], true),
        (
            r#""StringEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}"#,
            &[("aws:ResourceAccount", S("111122223333"))],
            true,
        ),
        (r#""ArnEquals":{"s3:x":"${aws:PrincipalArn}"}"#, &[("s3:x", S("arn:aws:iam::111122223333:user/bob"))], true),
        // A variable's value is literal, never a wildcard.
        (
            r#""StringLike":{"s3:prefix":"${aws:PrincipalTag/p}"}"#,
            &[("aws:PrincipalTag/p", S("a*")), ("s3:prefix", S("abc"))],
            false,
        ),
    ];
    for (c, ctx, want) in t {
        assert_eq!(cond_allows(c, ctx), *want, "{c}");
    }
    // Missing values are reported.
    let pol = identity(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:PrincipalTag/team}"}}}"#,
    );
    let d = run(&pol, &context(&[("s3:prefix", S("x"))]));
    assert_eq!(d.missing_context, vec!["aws:PrincipalTag/team".to_string()]);
    // Version 2008 (or none): `${...}` is literal text.
    let old = parse(
        PolicyKind::Identity,
        r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}"}}}}"#,
    );
    assert!(!run(&old, &context(&[("s3:prefix", S("bob"))])).is_allowed());
    assert!(run(&old, &context(&[("s3:prefix", S("${aws:username}"))])).is_allowed());
}

#[test]
fn variables_in_resources() {
    let ctx = Context::new();
    let pol = identity(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}"#);
    let bob = user("bob");
    assert!(run_as(&bob, &pol, "s3:GetObject", "arn:aws:s3:::b/home/bob/x", &ctx).is_allowed());
    assert!(!run_as(&bob, &pol, "s3:GetObject", "arn:aws:s3:::b/home/alice/x", &ctx).is_allowed());
    // A role session has no aws:username: the element matches nothing.
    let d = run_as(&session("R", "s"), &pol, "s3:GetObject", "arn:aws:s3:::b/home/bob/x", &ctx);
    assert!(!d.is_allowed());
    assert_eq!(d.missing_context, vec!["aws:username".to_string()]);
    // Variables are only expanded in the resource part of the ARN.
    let seg =
        identity(r#"{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:${aws:username}:111122223333:q"}"#);
    assert!(!run_as(&bob, &seg, "sqs:SendMessage", "arn:aws:sqs:bob:111122223333:q", &ctx).is_allowed());
    // Version 2008: literal.
    let old = parse(
        PolicyKind::Identity,
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}}"#,
    );
    assert!(!run_as(&bob, &old, "s3:GetObject", "arn:aws:s3:::b/bob", &ctx).is_allowed());
    assert!(run_as(&bob, &old, "s3:GetObject", "arn:aws:s3:::b/${aws:username}", &ctx).is_allowed());
}

// ---------- layers ----------

struct Setup {
    scps: Option<Vec<Vec<(String, Policy)>>>,
    rcps: Option<Vec<Vec<(String, Policy)>>>,
    resource: Option<Policy>,
    must_allow: bool,
    identity: Vec<Policy>,
    boundary: Option<Policy>,
    session: Vec<Policy>,
    task: Option<Policy>,
}

fn named(v: &[Vec<(String, Policy)>]) -> Vec<Vec<NamedPolicy<'_>>> {
    v.iter().map(|l| l.iter().map(|(n, p)| NamedPolicy { name: n, policy: p }).collect()).collect()
}

impl Setup {
    fn new() -> Setup {
        Setup {
            scps: None,
            rcps: None,
            resource: None,
            must_allow: false,
            identity: Vec::new(),
            boundary: None,
            session: Vec::new(),
            task: None,
        }
    }

    fn eval(
        &self,
        p: &Principal,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        ctx: &Context,
    ) -> (Decision<'static>, String, String) {
        let scps = self.scps.as_deref().map(named);
        let scp_slices: Option<Vec<&[NamedPolicy]>> = scps.as_ref().map(|l| l.iter().map(Vec::as_slice).collect());
        let rcps = self.rcps.as_deref().map(named);
        let rcp_slices: Option<Vec<&[NamedPolicy]>> = rcps.as_ref().map(|l| l.iter().map(Vec::as_slice).collect());
        let identity: Vec<NamedPolicy> = self
            .identity
            .iter()
            .map(|p| NamedPolicy { name: "arn:aws:iam::111122223333:policy/Id", policy: p })
            .collect();
        let session: Vec<NamedPolicy> =
            self.session.iter().map(|p| NamedPolicy { name: "session policy", policy: p }).collect();
        let set = PolicySet {
            scps: scp_slices.as_deref(),
            rcps: rcp_slices.as_deref(),
            resource: self.resource.as_ref().map(|p| NamedPolicy { name: "resource policy", policy: p }),
            resource_must_allow: self.must_allow,
            identity: &identity,
            boundary: self
                .boundary
                .as_ref()
                .map(|p| NamedPolicy { name: "arn:aws:iam::111122223333:policy/Boundary", policy: p }),
            session: &session,
            task: self.task.as_ref().map(|p| NamedPolicy { name: "arn:aws:iam::aws:policy/root-task/Task", policy: p }),
        };
        let req = Request { principal: p, action, resource, resource_account, context: ctx };
        let d = evaluate(&req, &set);
        let msg = d.denial_message(&req);
        let why = d.explain(&req);
        (d.into_owned(), msg, why)
    }
}

fn scp(text: &str) -> Policy {
    parse(PolicyKind::Scp, text)
}

const FULL_ACCESS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

// Evaluation chain: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
#[test]
fn boundary_and_session_layers() {
    let ctx = Context::new();
    let mut s = Setup::new();
    s.identity.push(identity(r#"{"Effect":"Allow","Action":["s3:*","iam:*"],"Resource":"*"}"#));
    s.boundary = Some(identity(r#"{"Sid":"OnlyS3","Effect":"Allow","Action":"s3:*","Resource":"*"}"#));
    let bob = user("bob");
    let (d, _, _) = s.eval(&bob, "s3:GetObject", "*", None, &ctx);
    assert!(d.is_allowed());
    assert_eq!(d.decided_by.to_vec(), vec![Layer::Identity, Layer::Boundary]);
    let (d, msg, why) = s.eval(&bob, "iam:CreateUser", "*", None, &ctx);
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert_eq!(d.decided_by.to_vec(), vec![Layer::Boundary]);
    assert_eq!(
        msg,
        "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: iam:CreateUser because no permissions boundary allows the iam:CreateUser action"
    );
    assert!(why.contains("boundary"), "{why}");

    let mut s = Setup::new();
    s.identity.push(identity(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#));
    s.session.push(parse(PolicyKind::Session, &doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#)));
    let alice = session("Dev", "alice");
    assert!(s.eval(&alice, "s3:GetObject", "*", None, &ctx).0.is_allowed());
    let (d, msg, _) = s.eval(&alice, "s3:PutObject", "*", None, &ctx);
    assert_eq!(d.decided_by.to_vec(), vec![Layer::Session]);
    assert!(msg.starts_with("User: arn:aws:sts::111122223333:assumed-role/Dev/alice is not authorized"));
    assert!(msg.ends_with("because no session policy allows the s3:PutObject action"));
    // Explicit deny in a boundary.
    s.boundary = Some(identity(
        r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}"#,
    ));
    let (d, msg, _) = s.eval(&alice, "s3:GetObject", "*", None, &ctx);
    assert_eq!((d.outcome, d.decided_by.to_vec()), (Outcome::ExplicitlyDenied, vec![Layer::Boundary]));
    assert!(msg.ends_with("with an explicit deny in a permissions boundary: arn:aws:iam::111122223333:policy/Boundary"));
}

#[test]
fn scp_and_rcp_levels() {
    let ctx = Context::new();
    let bob = user("bob");
    let mut s = Setup::new();
    s.identity.push(identity(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#));
    let ou_s3 = scp(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#);
    s.scps = Some(vec![
        vec![("p-full".into(), scp(FULL_ACCESS))],
        vec![("p-ou".into(), ou_s3)],
        vec![("p-acct".into(), scp(FULL_ACCESS))],
    ]);
    let (d, _, _) = s.eval(&bob, "s3:GetObject", "*", None, &ctx);
    assert!(d.is_allowed());
    assert_eq!(d.decided_by.to_vec(), vec![Layer::Scp, Layer::Identity]);
    let (d, msg, why) = s.eval(&bob, "ec2:RunInstances", "*", None, &ctx);
    assert_eq!((d.outcome, d.decided_by.to_vec(), d.level), (Outcome::ImplicitlyDenied, vec![Layer::Scp], Some(1)));
    assert!(msg.ends_with("because no service control policy allows the ec2:RunInstances action"));
    assert!(why.contains("every level"), "{why}");
    // An empty level allows nothing.
    s.scps.as_mut().unwrap()[2].clear();
    assert_eq!(s.eval(&bob, "s3:GetObject", "*", None, &ctx).0.level, Some(2));

    // RCP: deny access from outside the organization (doc example shape:
    // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_examples.html).
    let rcp = parse(
        PolicyKind::Rcp,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*","Action":["s3:*","sqs:*"],"Resource":"*",
            "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abcdefghij"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#,
    );
    let full_rcp = Policy::parse_with(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        PolicyKind::Rcp,
        &ParseOptions { aws_managed: true, ..ParseOptions::default() },
    )
    .unwrap();
    let mut s = Setup::new();
    s.rcps = Some(vec![vec![("RCPFullAWSAccess".into(), full_rcp.clone()), ("p-rcp".into(), rcp)]]);
    s.resource = Some(parse(
        PolicyKind::Resource,
        &doc(
            r#"{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        ),
    ));
    s.identity.push(identity(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#));
    let outsider = Principal {
        account: OTHER.into(),
        arn: format!("arn:aws:iam::{OTHER}:user/eve"),
        principal_arn: format!("arn:aws:iam::{OTHER}:user/eve"),
        ..user("eve")
    };
    let (d, msg, _) = s.eval(&outsider, "s3:GetObject", "arn:aws:s3:::b/k", Some(ACCT), &ctx);
    assert_eq!((d.outcome, d.decided_by.to_vec()), (Outcome::ExplicitlyDenied, vec![Layer::Rcp]));
    assert!(msg.ends_with("with an explicit deny in a resource control policy"), "{msg}");
    let inside = context(&[("aws:PrincipalOrgID", V::S("o-abcdefghij"))]);
    let (d, _, _) = s.eval(&outsider, "s3:GetObject", "arn:aws:s3:::b/k", Some(ACCT), &inside);
    assert!(d.is_allowed());
    assert_eq!(d.decided_by.to_vec(), vec![Layer::Rcp, Layer::Resource, Layer::Identity]);
    // RCPs bind root users too.
    let (d, _, _) = s.eval(&root(ACCT), "s3:GetObject", "arn:aws:s3:::b/k", None, &ctx);
    assert_eq!(d.outcome, Outcome::ExplicitlyDenied);
    // A level without RCPFullAWSAccess allows nothing.
    s.rcps = Some(vec![vec![("RCPFullAWSAccess".into(), full_rcp)], vec![]]);
    let (d, msg, _) = s.eval(&outsider, "s3:GetObject", "arn:aws:s3:::b/k", Some(ACCT), &inside);
    assert_eq!((d.decided_by.to_vec(), d.level), (vec![Layer::Rcp], Some(1)));
    assert!(msg.ends_with("because no resource control policy allows the s3:GetObject action"));
}

// Resource-based grants: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
#[test]
fn resource_based_grants_by_principal_kind() {
    let ctx = Context::new();
    let bucket = |principal: &str| {
        parse(
            PolicyKind::Resource,
            &doc(&format!(
                r#"{{"Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#
            )),
        )
    };
    let no_boundary = || identity(r#"{"Effect":"Allow","Action":"ec2:*","Resource":"*"}"#);
    let obj = "arn:aws:s3:::b/k";
    // (principal element, caller, boundary set, session set, expected, decided_by)
    let alice = session("Dev", "alice");
    let bob = user("bob");
    type Row<'a> = (&'a str, &'a Principal, bool, bool, Outcome, Vec<Layer>);
    let rows: Vec<Row> = vec![
        // Grant to the user ARN: allowed even without identity policy and despite a boundary.
        (
            r#"{"AWS":"arn:aws:iam::111122223333:user/bob"}"#,
            &bob,
            false,
            false,
            Outcome::Allowed,
            vec![Layer::Resource],
        ),
        (r#"{"AWS":"arn:aws:iam::111122223333:user/bob"}"#, &bob, true, false, Outcome::Allowed, vec![Layer::Resource]),
        // Grant to the session ARN: not limited by boundary or session policy.
        (
            r#"{"AWS":"arn:aws:sts::111122223333:assumed-role/Dev/alice"}"#,
            &alice,
            true,
            true,
            Outcome::Allowed,
            vec![Layer::Resource],
        ),
        // Grant to the role ARN: boundary and session policy still apply.
        (
            r#"{"AWS":"arn:aws:iam::111122223333:role/Dev"}"#,
            &alice,
            false,
            false,
            Outcome::Allowed,
            vec![Layer::Resource],
        ),
        (
            r#"{"AWS":"arn:aws:iam::111122223333:role/Dev"}"#,
            &alice,
            true,
            false,
            Outcome::ImplicitlyDenied,
            vec![Layer::Boundary],
        ),
        (
            r#"{"AWS":"arn:aws:iam::111122223333:role/Dev"}"#,
            &alice,
            false,
            true,
            Outcome::ImplicitlyDenied,
            vec![Layer::Session],
        ),
        // Grant to the account: identity policies decide.
        (r#"{"AWS":"111122223333"}"#, &bob, false, false, Outcome::ImplicitlyDenied, vec![Layer::Identity]),
        (
            r#"{"AWS":"arn:aws:iam::111122223333:root"}"#,
            &bob,
            false,
            false,
            Outcome::ImplicitlyDenied,
            vec![Layer::Identity],
        ),
        // "*" grants directly.
        (r#""*""#, &bob, true, false, Outcome::Allowed, vec![Layer::Resource]),
        // Someone else named: identity decides.
        (
            r#"{"AWS":"arn:aws:iam::111122223333:user/carol"}"#,
            &bob,
            false,
            false,
            Outcome::ImplicitlyDenied,
            vec![Layer::Identity],
        ),
    ];
    for (principal, caller, boundary, sess, outcome, layers) in rows {
        let mut s = Setup::new();
        s.resource = Some(bucket(principal));
        s.identity.push(no_boundary());
        if boundary {
            s.boundary = Some(no_boundary());
        }
        if sess {
            s.session.push(parse(PolicyKind::Session, &doc(r#"{"Effect":"Allow","Action":"ec2:*","Resource":"*"}"#)));
        }
        let (d, _, why) = s.eval(caller, "s3:GetObject", obj, None, &ctx);
        assert_eq!((d.outcome, d.decided_by.to_vec()), (outcome, layers), "{principal} as {}\n{why}", caller.arn);
    }
}

#[test]
fn trust_and_key_policies_must_allow() {
    let ctx = Context::new();
    let bob = user("bob");
    let trust = |who: &str| {
        parse(
            PolicyKind::Trust,
            &doc(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"{who}"}},"Action":"sts:AssumeRole"}}"#)),
        )
    };
    let role = "arn:aws:iam::111122223333:role/Admin";
    let mut s = Setup::new();
    s.must_allow = true;
    s.resource = Some(trust("arn:aws:iam::111122223333:user/bob"));
    let (d, _, _) = s.eval(&bob, "sts:AssumeRole", role, None, &ctx);
    assert!(d.is_allowed(), "trust naming the user allows without identity policy");
    s.resource = Some(trust("arn:aws:iam::111122223333:user/carol"));
    let (d, msg, _) = s.eval(&bob, "sts:AssumeRole", role, None, &ctx);
    assert_eq!(d.decided_by.to_vec(), vec![Layer::Resource]);
    assert!(msg.ends_with("because no role trust policy allows the sts:AssumeRole action"), "{msg}");
    // Trust naming the account: the caller also needs sts:AssumeRole.
    s.resource = Some(trust(ACCT));
    assert_eq!(s.eval(&bob, "sts:AssumeRole", role, None, &ctx).0.decided_by.to_vec(), vec![Layer::Identity]);
    s.identity.push(identity(r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}"#));
    assert!(s.eval(&bob, "sts:AssumeRole", role, None, &ctx).0.is_allowed());
    // Explicit deny in a trust policy.
    s.resource = Some(parse(
        PolicyKind::Trust,
        &doc(
            r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"sts:AssumeRole"}"#,
        ),
    ));
    let (_, msg, _) = s.eval(&bob, "sts:AssumeRole", role, None, &ctx);
    assert!(msg.ends_with("with an explicit deny in the role trust policy"), "{msg}");

    // KMS key policy: even root needs the key policy to allow the account.
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234";
    let mut s = Setup::new();
    s.must_allow = true;
    s.resource = Some(parse(
        PolicyKind::Resource,
        &doc(
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/KeyAdmin"},"Action":"kms:*","Resource":"*"}"#,
        ),
    ));
    let (d, _, _) = s.eval(&root(ACCT), "kms:PutKeyPolicy", key, None, &ctx);
    assert_eq!((d.outcome, d.decided_by.to_vec()), (Outcome::ImplicitlyDenied, vec![Layer::Resource]));
    s.resource = Some(parse(
        PolicyKind::Resource,
        &doc(
            r#"{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}"#,
        ),
    ));
    let (d, _, _) = s.eval(&root(ACCT), "kms:PutKeyPolicy", key, None, &ctx);
    assert!(d.is_allowed());
    assert_eq!(d.decided_by.to_vec(), vec![Layer::Resource, Layer::RootRule]);
    // ... and delegates to IAM for everyone else in the account.
    assert_eq!(s.eval(&bob, "kms:Decrypt", key, None, &ctx).0.decided_by.to_vec(), vec![Layer::Identity]);
}

// Cross-account: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
#[test]
fn cross_account_anonymous_and_services() {
    let ctx = Context::new();
    let eve = Principal {
        account: OTHER.into(),
        arn: format!("arn:aws:iam::{OTHER}:user/eve"),
        principal_arn: format!("arn:aws:iam::{OTHER}:user/eve"),
        ..user("eve")
    };
    let obj = "arn:aws:s3:::b/k";
    let mut s = Setup::new();
    s.resource = Some(parse(
        PolicyKind::Resource,
        &doc(
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/eve"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        ),
    ));
    // The resource policy alone is not enough across accounts.
    let (d, msg, _) = s.eval(&eve, "s3:GetObject", obj, Some(ACCT), &ctx);
    assert_eq!(d.decided_by.to_vec(), vec![Layer::Identity]);
    assert!(msg.ends_with("because no identity-based policy allows the s3:GetObject action"));
    s.identity.push(identity(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#));
    let (d, _, why) = s.eval(&eve, "s3:GetObject", obj, Some(ACCT), &ctx);
    assert!(d.is_allowed(), "{why}");
    assert!(d.cross_account);
    // Another account's root: its own full access, but the resource policy must name it.
    let other_root = root(OTHER);
    let (d, _, _) = s.eval(&other_root, "s3:GetObject", obj, Some(ACCT), &ctx);
    assert_eq!(d.decided_by.to_vec(), vec![Layer::Resource]);

    // Anonymous: only a resource policy with "*" can grant.
    let anon = anonymous();
    let mut s = Setup::new();
    let (d, msg, _) = s.eval(&anon, "s3:GetObject", obj, Some(ACCT), &ctx);
    assert_eq!(d.decided_by.to_vec(), vec![Layer::Resource]);
    assert!(msg.starts_with("User: anonymous is not authorized"));
    s.resource = Some(parse(
        PolicyKind::Resource,
        &doc(
            r#"{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        ),
    ));
    assert!(s.eval(&anon, "s3:GetObject", obj, Some(ACCT), &ctx).0.is_allowed());
    // Naming an account does not grant anonymous callers.
    s.resource = Some(parse(
        PolicyKind::Resource,
        &doc(
            r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        ),
    ));
    assert!(!s.eval(&anon, "s3:GetObject", obj, Some(ACCT), &ctx).0.is_allowed());

    // Service principals: CloudTrail writing to its bucket.
    let mut s = Setup::new();
    s.resource = Some(parse(
        PolicyKind::Resource,
        &doc(
            r#"{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::trail/AWSLogs/*",
                "Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#,
        ),
    ));
    let ct = service("cloudtrail.amazonaws.com");
    let with_source = context(&[("aws:SourceAccount", V::S(ACCT))]);
    assert!(s.eval(&ct, "s3:PutObject", "arn:aws:s3:::trail/AWSLogs/x", Some(ACCT), &with_source).0.is_allowed());
    let (d, _, _) = s.eval(&ct, "s3:PutObject", "arn:aws:s3:::trail/AWSLogs/x", Some(ACCT), &ctx);
    assert!(!d.is_allowed());
    assert_eq!(d.missing_context, vec!["aws:SourceAccount".to_string()]);
    let cfg = service("config.amazonaws.com");
    assert!(!s.eval(&cfg, "s3:PutObject", "arn:aws:s3:::trail/AWSLogs/x", Some(ACCT), &with_source).0.is_allowed());
}

#[test]
fn not_principal_and_resource_denies() {
    let ctx = Context::new();
    let obj = "arn:aws:s3:::b/k";
    let mut s = Setup::new();
    s.identity.push(identity(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#));
    s.resource = Some(parse(
        PolicyKind::Resource,
        &doc(
            r#"{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/bob","111122223333"]},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}"#,
        ),
    ));
    let bob = user("bob");
    let eve = Principal {
        account: OTHER.into(),
        arn: format!("arn:aws:iam::{OTHER}:user/eve"),
        principal_arn: format!("arn:aws:iam::{OTHER}:user/eve"),
        ..user("eve")
    };
    assert!(s.eval(&bob, "s3:GetObject", obj, None, &ctx).0.is_allowed());
    let (d, msg, _) = s.eval(&eve, "s3:GetObject", obj, Some(ACCT), &ctx);
    assert_eq!((d.outcome, d.decided_by.to_vec()), (Outcome::ExplicitlyDenied, vec![Layer::Resource]));
    assert!(msg.ends_with("with an explicit deny in a resource-based policy"));
    // NotPrincipal always applies to principals with a permissions boundary.
    s.boundary = Some(identity(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#));
    assert_eq!(s.eval(&bob, "s3:GetObject", obj, None, &ctx).0.outcome, Outcome::ExplicitlyDenied);

    // A bucket policy deny binds the root user...
    let mut s = Setup::new();
    s.resource = Some(parse(
        PolicyKind::Resource,
        &doc(
            r#"{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}"#,
        ),
    ));
    let r = root(ACCT);
    let (d, _, why) = s.eval(&r, "s3:GetObject", obj, None, &ctx);
    assert_eq!(d.outcome, Outcome::ExplicitlyDenied);
    assert!(why.contains("\"DenyAll\""), "{why}");
    // ... except that the bucket owner's root can always fix the bucket policy.
    let (d, _, _) = s.eval(&r, "s3:DeleteBucketPolicy", "arn:aws:s3:::b", None, &ctx);
    assert!(d.is_allowed());
    assert_eq!(
        s.eval(&root(OTHER), "s3:DeleteBucketPolicy", "arn:aws:s3:::b", Some(ACCT), &ctx).0.outcome,
        Outcome::ExplicitlyDenied
    );
    // Only SCPs (and RCPs) can still block that.
    s.scps = Some(vec![vec![(
        "p-deny-s3".into(),
        scp(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
        ),
    )]]);
    assert_eq!(
        s.eval(&r, "s3:DeleteBucketPolicy", "arn:aws:s3:::b", None, &ctx).0.decided_by.to_vec(),
        vec![Layer::Scp]
    );
}

// Root task policies (facts 2.5, documents as published in 2024-11):
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
#[test]
fn assume_root_task_policies() {
    let ctx = context(&[("aws:AssumedRoot", V::S("true"))]);
    let managed = ParseOptions { aws_managed: true, ..ParseOptions::default() };
    let audit = Policy::parse_with(
        r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"DenyAllOtherActionsOnAnyResource","Effect":"Deny","Resource":"*",
           "NotAction":["iam:ListAccessKeys","iam:ListSigningCertificates","iam:GetLoginProfile","iam:ListMFADevices","iam:GetAccountSummary","iam:GetUser","iam:GetAccessKeyLastUsed"]},
          {"Sid":"DenyAuditingCredentialsOnNonRootUserResource","Effect":"Deny","NotResource":"arn:aws:iam::*:root",
           "Action":["iam:ListAccessKeys","iam:ListSigningCertificates","iam:GetLoginProfile","iam:ListMFADevices","iam:GetUser","iam:GetAccessKeyLastUsed"]}]}"#,
        PolicyKind::Identity,
        &managed,
    )
    .unwrap();
    let mut s = Setup::new();
    s.task = Some(audit);
    let r = root(ACCT);
    let root_arn = "arn:aws:iam::111122223333:root";
    assert!(s.eval(&r, "iam:ListAccessKeys", root_arn, None, &ctx).0.is_allowed());
    assert!(s.eval(&r, "iam:GetAccountSummary", "*", None, &ctx).0.is_allowed());
    let (d, msg, _) = s.eval(&r, "iam:ListAccessKeys", "arn:aws:iam::111122223333:user/bob", None, &ctx);
    assert_eq!((d.outcome, d.decided_by.to_vec()), (Outcome::ExplicitlyDenied, vec![Layer::Task]));
    assert_eq!(d.matched[0].sid.as_deref(), Some("DenyAuditingCredentialsOnNonRootUserResource"));
    assert!(msg.contains("with an explicit deny in a session policy"), "{msg}");
    let (d, _, _) = s.eval(&r, "iam:CreateUser", "*", None, &ctx);
    assert_eq!(d.matched[0].sid.as_deref(), Some("DenyAllOtherActionsOnAnyResource"));

    let sqs = Policy::parse_with(
        r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"DenyAllOtherActionsOnAnyResource","Effect":"Deny","Resource":"*",
           "NotAction":["sqs:SetQueueAttributes","sqs:GetQueueAttributes","sqs:ListQueues","sqs:GetQueueUrl"]},
          {"Sid":"DenyGettingQueueAttributesOnNonOwnQueue","Effect":"Deny","Resource":"arn:aws:sqs:*:*:*","Action":["sqs:GetQueueAttributes"],
           "Condition":{"StringNotEqualsIfExists":{"aws:ResourceAccount":["${aws:PrincipalAccount}"]}}},
          {"Sid":"DenyActionsForNonRootUser","Effect":"Deny","Resource":"*",
           "Action":["sqs:SetQueueAttributes","sqs:GetQueueAttributes","sqs:ListQueues","sqs:GetQueueUrl"],
           "Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}"#,
        PolicyKind::Identity,
        &managed,
    )
    .unwrap();
    s.task = Some(sqs);
    let q = "arn:aws:sqs:us-east-1:111122223333:q";
    assert!(s.eval(&r, "sqs:GetQueueAttributes", q, None, &ctx).0.is_allowed());
    let other_q = "arn:aws:sqs:us-east-1:444455556666:q";
    let (d, _, _) = s.eval(&r, "sqs:GetQueueAttributes", other_q, Some(OTHER), &ctx);
    assert_eq!(d.matched[0].sid.as_deref(), Some("DenyGettingQueueAttributesOnNonOwnQueue"));
}

// SCP examples: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
// and the centralized-root-access SCP of facts 2.6.
#[test]
fn scp_documentation_examples() {
    let bob = user("bob");
    let r = root(ACCT);
    // Deny the member root user, but not AssumeRoot sessions.
    let deny_root = scp(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
            {"Sid":"DenyRootUser","Effect":"Deny","Action":"*","Resource":"*",
             "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"},"Null":{"aws:AssumedRoot":"true"}}}]}"#);
    let mut s = Setup::new();
    s.scps = Some(vec![vec![("p-deny-root".into(), deny_root)]]);
    s.identity.push(identity(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#));
    let none = Context::new();
    let (d, _, _) = s.eval(&r, "iam:GetAccountSummary", "*", None, &none);
    assert_eq!((d.outcome, d.decided_by.to_vec()), (Outcome::ExplicitlyDenied, vec![Layer::Scp]));
    let assumed = context(&[("aws:AssumedRoot", V::S("true"))]);
    assert!(s.eval(&r, "iam:GetAccountSummary", "*", None, &assumed).0.is_allowed());
    assert!(s.eval(&bob, "iam:GetAccountSummary", "*", None, &none).0.is_allowed());

    // Deny outside approved Regions, except global services.
    let regions = scp(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
            {"Sid":"DenyAllOutsideEU","Effect":"Deny","NotAction":["iam:*","organizations:*","sts:*"],"Resource":"*",
             "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-central-1","eu-west-1"]}}}]}"#);
    s.scps = Some(vec![vec![("p-regions".into(), regions)]]);
    let eu = context(&[("aws:RequestedRegion", V::S("eu-west-1"))]);
    let us = context(&[("aws:RequestedRegion", V::S("us-east-1"))]);
    assert!(s.eval(&bob, "ec2:RunInstances", "*", None, &eu).0.is_allowed());
    assert_eq!(s.eval(&bob, "ec2:RunInstances", "*", None, &us).0.outcome, Outcome::ExplicitlyDenied);
    assert!(s.eval(&bob, "iam:ListUsers", "*", None, &us).0.is_allowed());
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-ip.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html
#[test]
fn iam_user_guide_examples() {
    let bob = user("bob");
    let deny_ip = identity(
        r#"{"Effect":"Allow","Action":"*","Resource":"*"},
           {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]},"Bool":{"aws:ViaAWSService":"false"}}}"#,
    );
    let from =
        |ip: &'static str, via: &'static str| context(&[("aws:SourceIp", V::S(ip)), ("aws:ViaAWSService", V::S(via))]);
    assert!(run_as(&bob, &deny_ip, "s3:ListBucket", "*", &from("203.0.113.7", "false")).is_allowed());
    assert_eq!(
        run_as(&bob, &deny_ip, "s3:ListBucket", "*", &from("198.51.100.7", "false")).outcome,
        Outcome::ExplicitlyDenied
    );
    assert!(run_as(&bob, &deny_ip, "s3:ListBucket", "*", &from("198.51.100.7", "true")).is_allowed());

    let self_manage = identity(
        r#"{"Sid":"AllowManageOwnAccessKeys","Effect":"Allow","Action":["iam:CreateAccessKey","iam:DeleteAccessKey","iam:ListAccessKeys","iam:UpdateAccessKey"],"Resource":"arn:aws:iam::*:user/${aws:username}"},
           {"Sid":"DenyAllExceptListedIfNoMFA","Effect":"Deny","NotAction":["iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:GetUser","iam:ListMFADevices","iam:ListVirtualMFADevices","iam:ResyncMFADevice","sts:GetSessionToken"],"Resource":"*",
            "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#,
    );
    let mfa = context(&[("aws:MultiFactorAuthPresent", V::S("true"))]);
    let no_mfa = Context::new();
    let own = "arn:aws:iam::111122223333:user/bob";
    let d = run_as(&bob, &self_manage, "iam:CreateAccessKey", own, &mfa);
    assert!(d.is_allowed());
    assert_eq!(d.matched[0].sid.as_deref(), Some("AllowManageOwnAccessKeys"));
    assert!(
        !run_as(&bob, &self_manage, "iam:CreateAccessKey", "arn:aws:iam::111122223333:user/alice", &mfa).is_allowed()
    );
    let d = run_as(&bob, &self_manage, "iam:CreateAccessKey", own, &no_mfa);
    assert_eq!(d.outcome, Outcome::ExplicitlyDenied);
    assert_eq!(d.matched[0].sid.as_deref(), Some("DenyAllExceptListedIfNoMFA"));
}

#[test]
fn explanations_name_the_layer_policy_and_statement() {
    let ctx = Context::new();
    let bob = user("bob");
    let pol = identity(r#"{"Sid":"ReadOnly","Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#);
    let mut s = Setup::new();
    s.identity.push(pol);
    let (_, _, why) = s.eval(&bob, "s3:GetObject", "*", None, &ctx);
    assert!(why.starts_with("Allowed"), "{why}");
    assert!(
        why.contains("\"ReadOnly\"") && why.contains("identity-based policy arn:aws:iam::111122223333:policy/Id"),
        "{why}"
    );
    let (_, _, why) = s.eval(&bob, "s3:PutObject", "*", None, &ctx);
    assert!(why.starts_with("Implicitly denied") && why.contains("No identity-based policy"), "{why}");
    let j = s.eval(&bob, "s3:PutObject", "*", None, &ctx).0.to_json();
    assert_eq!(j["decision"], "ImplicitlyDenied");
    assert_eq!(j["decidedBy"], serde_json::json!(["identity"]));
}

// "No permissions are required to perform this operation. If an administrator attaches a policy to
// your identity that explicitly denies access to the sts:GetCallerIdentity action, you can still
// perform this operation." https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
#[test]
fn get_caller_identity_needs_no_permission_and_cannot_be_denied() {
    let ctx = Context::new();
    let mut s = Setup::new();
    s.identity.push(identity(r#"{"Sid":"NoWhoAmI","Effect":"Deny","Action":"sts:*","Resource":"*"}"#));
    s.scps = Some(vec![vec![("p-deny".into(), scp(&doc(r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#)))]]);
    for p in [user("bob"), session("Dev", "s"), root(ACCT)] {
        let (d, msg, why) = s.eval(&p, "sts:GetCallerIdentity", "*", None, &ctx);
        assert!(d.is_allowed(), "{}: {why}", p.arn);
        assert_eq!(d.decided_by.to_vec(), vec![Layer::NoPermission]);
        assert_eq!(msg, "");
        assert!(why.contains("needs no permission"), "{why}");
        // Case-insensitive, as action names are.
        assert!(s.eval(&p, "STS:getcalleridentity", "*", None, &ctx).0.is_allowed());
        // GetSessionToken needs none either ("You cannot use policies to control authentication
        // operations": https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html);
        // other STS actions are still denied.
        assert!(s.eval(&p, "sts:GetSessionToken", "*", None, &ctx).0.is_allowed());
        assert!(!s.eval(&p, "sts:GetFederationToken", "*", None, &ctx).0.is_allowed());
    }
    // An unsigned request has no identity to return: AWS refuses it before any policy.
    assert!(!s.eval(&anonymous(), "sts:GetCallerIdentity", "*", None, &ctx).0.is_allowed());
}

// SCPs "affect only IAM users and roles that are managed by accounts that are part of the
// organization"; they do not affect service-linked roles, and resource-based policies' grants to
// anonymous or service principals are not theirs to limit:
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
// RCPs do not apply to service-linked roles:
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
#[test]
fn scps_apply_only_to_member_principals() {
    let ctx = Context::new();
    let mut s = Setup::new();
    s.scps = Some(vec![vec![("p-deny-s3".into(), scp(&doc(r#"{"Effect":"Deny","Action":"s3:*","Resource":"*"}"#)))]]);
    s.resource = Some(parse(
        PolicyKind::Resource,
        &doc(r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#),
    ));
    s.identity.push(identity(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#));
    let object = "arn:aws:s3:::b/k";
    for p in [anonymous(), service("cloudtrail.amazonaws.com")] {
        let (d, _, why) = s.eval(&p, "s3:GetObject", object, Some(ACCT), &ctx);
        assert!(d.is_allowed(), "{}: {why}", p.arn);
        assert!(!d.decided_by.contains(&Layer::Scp));
    }
    let slr = Principal { service_linked_role: true, ..session("AWSServiceRoleForSupport", "s") };
    assert!(s.eval(&slr, "s3:GetObject", object, Some(ACCT), &ctx).0.is_allowed());
    // A member's own user is still bound.
    let (d, _, _) = s.eval(&user("bob"), "s3:GetObject", object, Some(ACCT), &ctx);
    assert_eq!((d.outcome, d.decided_by.to_vec()), (Outcome::ExplicitlyDenied, vec![Layer::Scp]));
}

// `rootsim eval` (docs/eval.md): KMS key policies are keys' only, and what AWS's catalogue does not
// know is warned about.
mod eval_requests {
    use rootsim_policy::request::Evaluator;
    use serde_json::{json, Value};

    fn answer(request: Value) -> Value {
        Evaluator::new().answer(&request.to_string())
    }

    const ADMIN: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}"#;
    // A key policy that grants nothing to this caller.
    const KEY_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:*","Resource":"*"}]}"#;

    // "ListKeys ... Cross-account use: No. Required permissions: kms:ListKeys (IAM policy)":
    // https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeys.html; an alias is not a key
    // and has no key policy: https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html
    #[test]
    fn key_policies_apply_to_keys_only() {
        let key: Value = serde_json::from_str(KEY_POLICY).unwrap();
        let admin: Value = serde_json::from_str(ADMIN).unwrap();
        let base = |action: &str, resource: &str| {
            json!({"principal": "arn:aws:iam::111122223333:user/bob", "action": action, "resource": resource,
                   "identityPolicies": [admin], "resourcePolicy": key})
        };
        for (action, resource) in [
            ("kms:ListKeys", "*"),
            ("kms:ListAliases", "*"),
            ("kms:CreateAlias", "arn:aws:kms:us-east-1:111122223333:alias/app"),
        ] {
            let a = answer(base(action, resource));
            assert_eq!(a["decision"], "Allowed", "{action}: {a}");
            assert_eq!(a["decidedBy"], json!(["identity"]), "{action}: {a}");
        }
        // Without any resource policy at all, too.
        let mut r = base("kms:ListKeys", "*");
        r.as_object_mut().unwrap().remove("resourcePolicy");
        assert_eq!(answer(r)["decision"], "Allowed");
        // A key: its policy must allow, and this one does not.
        let a =
            answer(base("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"));
        assert_eq!(a["decision"], "ImplicitlyDenied", "{a}");
        assert_eq!(a["decidedBy"], json!(["resource"]));
    }

    // One evaluator remembers the catalogue's answers: the same answers on every request.
    #[test]
    fn remembered_answers_are_the_same_answers() {
        let mut e = Evaluator::new();
        let allow_all = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]});
        let req = |action: &str, key: &str| {
            json!({"principal": "arn:aws:iam::111122223333:user/bob", "action": action, "resource": "*",
                   "identityPolicies": [allow_all], "context": {key: "x"}})
            .to_string()
        };
        for _ in 0..3 {
            let a = e.answer(&req("s3:GetObjekt", "aws:SourceIpp"));
            assert_eq!(a["warnings"].as_array().map(Vec::len), Some(2), "{a}");
            // Another spelling of the same names is the same name (case-insensitive).
            let a = e.answer(&req("S3:getobjekt", "AWS:sourceipp"));
            assert_eq!(a["warnings"].as_array().map(Vec::len), Some(2), "{a}");
            let a = e.answer(&req("s3:GetObject", "aws:SourceIp"));
            assert!(a.get("warnings").is_none(), "{a}");
        }
    }

    #[test]
    fn unknown_actions_and_condition_keys_are_warned_about() {
        let allow_all = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]});
        let a = answer(json!({"principal": "arn:aws:iam::111122223333:user/bob", "action": "s3:GetObjekt",
            "resource": "*", "identityPolicies": [allow_all]}));
        let w = a["warnings"].as_array().expect("warnings");
        assert_eq!(w.len(), 1, "{a}");
        assert!(w[0].as_str().unwrap().contains("unknown action s3:GetObjekt"), "{a}");
        let a = answer(json!({"principal": "arn:aws:iam::111122223333:user/bob", "action": "nosuch:Thing",
            "resource": "*", "identityPolicies": [allow_all]}));
        assert!(a["warnings"][0].as_str().unwrap().contains("no service has the prefix nosuch"), "{a}");
        // A condition on a misspelt key: denied for lack of the key, and said so.
        let conditioned = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
            "Condition":{"StringEquals":{"aws:PrincipalTagg/team":"red"}}}]});
        let a = answer(json!({"principal": "arn:aws:iam::111122223333:user/bob", "action": "s3:GetObject",
            "resource": "*", "identityPolicies": [conditioned], "context": {"aws:SourceIpp": "10.0.0.1"}}));
        assert_eq!(a["decision"], "ImplicitlyDenied");
        let text = a["warnings"].to_string();
        assert!(text.contains("unknown condition key aws:SourceIpp"), "{a}");
        assert!(text.contains("unknown condition key aws:PrincipalTagg/team"), "{a}");
        // Known actions and keys, and a resource of * for an action that takes none: no warning.
        let a = answer(json!({"principal": "arn:aws:iam::111122223333:user/bob", "action": "s3:ListAllMyBuckets",
            "resource": "*", "identityPolicies": [allow_all], "context": {"aws:SourceIp": "10.0.0.1", "s3:prefix": "a"}}));
        assert_eq!(a["decision"], "Allowed");
        assert!(a.get("warnings").is_none(), "{a}");
    }
}
