//! The checks against documents written from the reference page's descriptions: each document
//! and the issue codes Access Analyzer gives it
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>).

use crate::{validate, FindingType, PathElement, PolicyType};

fn codes(doc: &str, t: PolicyType) -> Vec<&'static str> {
    validate(doc, t, None).into_iter().map(|f| f.issue_code).collect()
}

/// A statement in a versioned identity policy.
fn identity(statement: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)
}

#[test]
fn each_documented_check_fires_on_its_example() {
    use PolicyType::*;
    let cases: &[(&str, PolicyType, &[&str])] = &[
        // Valid: no finding.
        (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#, Identity, &[]),
        // Error – Invalid action; Invalid service in action.
        (r#"{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"}"#, Identity, &["INVALID_ACTION"]),
        (r#"{"Effect":"Allow","Action":"s3x:GetObject","Resource":"*"}"#, Identity, &["INVALID_SERVICE_IN_ACTION"]),
        (r#"{"Effect":"Allow","Action":"s3:Gxt*","Resource":"*"}"#, Identity, &["INVALID_ACTION"]),
        // Suggestion – Wildcard in service name.
        (r#"{"Effect":"Allow","Action":"s*:GetObject","Resource":"*"}"#, Identity, &["WILDCARD_IN_SERVICE_NAME"]),
        // Errors of the statement's grammar.
        (r#"{"Action":"s3:GetObject","Resource":"*"}"#, Identity, &["MISSING_EFFECT"]),
        (r#"{"Effect":"Permit","Action":"s3:GetObject","Resource":"*"}"#, Identity, &["INVALID_EFFECT"]),
        (r#"{"Effect":"Allow","Resource":"*"}"#, Identity, &["MISSING_ACTION"]),
        (r#"{"Effect":"Allow","Action":"s3:GetObject"}"#, Identity, &["MISSING_RESOURCE"]),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":"*"}"#,
            Identity,
            &["UNSUPPORTED_PRINCIPAL"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Foo":"x"}"#,
            Identity,
            &["INVALID_POLICY_ELEMENT"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}"#,
            Identity,
            &["UNSUPPORTED_ELEMENT_COMBINATION"],
        ),
        (r#"{"Sid":"a b","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#, Identity, &["UNSUPPORTED_SID"]),
        (r#"{"Sid":"","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#, Identity, &["EMPTY_SID_VALUE"]),
        (r#"{"Effect":"Allow","Action":[],"Resource":"*"}"#, Identity, &["EMPTY_ARRAY_ACTION"]),
        (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":[]}"#, Identity, &["EMPTY_ARRAY_RESOURCE"]),
        // ARNs.
        (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"s3:::b/*"}"#, Identity, &["INVALID_ARN_PREFIX"]),
        (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3"}"#, Identity, &["MISSING_ARN_FIELD"]),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:S3:::b/*"}"#,
            Identity,
            &["INVALID_ARN_SERVICE_CASE"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:12345:q"}"#,
            Identity,
            &["INVALID_ARN_ACCOUNT"],
        ),
        // The reference's example: S3 buckets take no account ID, IAM takes no Region.
        (
            r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3::111122223333:b"}"#,
            Identity,
            &["ARN_ACCOUNT_NOT_ALLOWED"],
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam:us-east-1:111122223333:role/r"}"#,
            Identity,
            &["ARN_REGION_NOT_ALLOWED"],
        ),
        (
            r#"{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs::111122223333:q"}"#,
            Identity,
            &["MISSING_ARN_REGION"],
        ),
        // Conditions.
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"aws:SourceIp":"x"}}}"#,
            Identity,
            &["INVALID_CONDITION_OPERATOR"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NullIfExists":{"aws:SourceVpc":"true"}}}"#,
            Identity,
            &["NULL_WITH_IF_EXISTS"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForAnyValue:Null":{"aws:TagKeys":"true"}}}"#,
            Identity,
            &["NULL_WITH_QUALIFIER"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceIpz":"x"}}}"#,
            Identity,
            &["INVALID_GLOBAL_CONDITION_KEY"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:nosuchkey":"x"}}}"#,
            Identity,
            &["INVALID_SERVICE_CONDITION_KEY"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"sourceip":"x"}}}"#,
            Identity,
            &["INVALID_CONDITION_KEY_FORMAT"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/a":"x","aws:principaltag/A":"y"}}}"#,
            Identity,
            &["DUPLICATE_KEYS_WITH_DIFFERENT_CASE"],
        ),
        (
            r#"{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/"}}}"#,
            Identity,
            &["UNSUPPORTED_ACTION_FOR_CONDITION_KEY"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}}}"#,
            Identity,
            &["FORALLVALUES_WITH_SINGLE_VALUED_KEY"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"dev*"}}}"#,
            Identity,
            &["WILDCARD_WITHOUT_LIKE_OPERATOR"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{}}"#,
            Identity,
            &["EMPTY_OBJECT_CONDITION"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":[]}}}"#,
            Identity,
            &["EMPTY_ARRAY_CONDITION"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":[]}}}"#,
            Identity,
            &["EMPTY_ARRAY_CONDITION_FORALLVALUES"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":[]}}}"#,
            Identity,
            &["EMPTY_ARRAY_CONDITION_FORANYVALUE"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpc":[]}}}"#,
            Identity,
            &["EMPTY_ARRAY_CONDITION_IFEXISTS"],
        ),
        // iam:PassRole on every role.
        (
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}"#,
            Identity,
            &["PASS_ROLE_WITH_STAR_IN_RESOURCE"],
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:Pass*","Resource":"*"}"#,
            Identity,
            &["PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"],
        ),
        (
            r#"{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}"#,
            Identity,
            &["PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION"],
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:PassRole","NotResource":"arn:aws:iam::111122223333:role/admin"}"#,
            Identity,
            &["PASS_ROLE_WITH_NOT_RESOURCE"],
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:*","NotResource":"arn:aws:iam::111122223333:role/admin"}"#,
            Identity,
            &["PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE"],
        ),
        (
            r#"{"Effect":"Allow","NotAction":"s3:*","NotResource":"arn:aws:iam::111122223333:role/admin"}"#,
            Identity,
            &["PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE"],
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}"#,
            Identity,
            &[],
        ),
        (r#"{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}"#, Identity, &[]),
        // Redundancy.
        (r#"{"Effect":"Allow","Action":["s3:GetObject","s3:Get*"],"Resource":"*"}"#, Identity, &["REDUNDANT_ACTION"]),
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/x"]}"#,
            Identity,
            &["REDUNDANT_RESOURCE"],
        ),
        (
            r#"{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"B","Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}"#,
            Identity,
            &["REDUNDANT_STATEMENT"],
        ),
        (
            r#"{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}"#,
            Identity,
            &["UNIQUE_SIDS_REQUIRED"],
        ),
        // Resource policies.
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
            Resource,
            &["MISSING_PRINCIPAL"],
        ),
        (
            r#"{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
            Resource,
            &["ALLOW_WITH_NOT_PRINCIPAL"],
        ),
        (
            r#"{"Effect":"Allow","Principal":{"Aws":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
            Resource,
            &["INVALID_PRINCIPAL_KEY"],
        ),
        (
            r#"{"Effect":"Allow","Principal":{},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
            Resource,
            &["EMPTY_OBJECT_PRINCIPAL"],
        ),
        (
            r#"{"Effect":"Allow","Principal":{"AWS":[]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
            Resource,
            &["EMPTY_ARRAY_PRINCIPAL"],
        ),
        (
            r#"{"Effect":"Allow","Principal":5,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
            Resource,
            &["INVALID_PRINCIPAL_FORMAT"],
        ),
        (
            r#"{"Sid":"A","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Sid":"A","Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}"#,
            Resource,
            &["UNIQUE_SIDS_RECOMMENDED"],
        ),
        // SCPs.
        (
            r#"{"Effect":"Deny","Action":"s3:*Object","Resource":"*"}"#,
            ServiceControl,
            &["SCP_SYNTAX_ERROR_ACTION_WILDCARD"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#,
            ServiceControl,
            &["SCP_SYNTAX_ERROR_ALLOW_CONDITION"],
        ),
        (
            r#"{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}"#,
            ServiceControl,
            &["SCP_SYNTAX_ERROR_ALLOW_NOTACTION"],
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b"}"#,
            ServiceControl,
            &["SCP_SYNTAX_ERROR_ALLOW_RESOURCE"],
        ),
        (
            r#"{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b"}"#,
            ServiceControl,
            &["SCP_SYNTAX_ERROR_NOTRESOURCE"],
        ),
        (
            r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}"#,
            ServiceControl,
            &["SCP_SYNTAX_ERROR_PRINCIPAL"],
        ),
    ];
    let mut failures = Vec::new();
    for (statement, t, expected) in cases {
        let got = codes(&identity(statement), *t);
        if got != *expected {
            failures.push(format!("{statement}\n  expected {expected:?}\n  got      {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn document_level_checks() {
    use PolicyType::Identity;
    assert_eq!(
        codes("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}", Identity),
        ["MISSING_VERSION"]
    );
    assert_eq!(codes("{\"Version\":\"2012-10-17\"}", Identity), ["MISSING_STATEMENT"]);
    assert_eq!(
        codes("{\"Version\":\"2013-01-01\",\"Statement\":[]}", Identity),
        ["INVALID_VERSION", "MISSING_STATEMENT"]
    );
    assert_eq!(codes("{\"Version\":\"2012-10-17\",", Identity), ["JSON_SYNTAX_ERROR"]);
    assert_eq!(codes("[]", Identity), ["DATA_TYPE_MISMATCH"]);
}

#[test]
fn locations_are_paths_with_spans() {
    let doc = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Action\": [\"s3:GetObject\", \"iam:PassRole\"],\n    \"Resource\": \"*\"\n  }]\n}";
    let f = validate(doc, PolicyType::Identity, None);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].finding_type, FindingType::SecurityWarning);
    let l = &f[0].locations[0];
    assert_eq!(
        l.path,
        [PathElement::Value("Statement".into()), PathElement::Index(0), PathElement::Value("Resource".into())]
    );
    // `"*"` on line 6, after four spaces and `"Resource": `.
    assert_eq!((l.start.line, l.start.column), (6, 16));
    assert_eq!(l.end.offset - l.start.offset, 3);
    assert_eq!(&doc[l.start.offset..l.end.offset], "\"*\"");
    assert_eq!(
        f[0].learn_more_link(),
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource"
    );
    let json = f[0].to_json();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["findingDetails", "findingType", "issueCode", "learnMoreLink", "locations"]);
}

#[test]
fn resource_types_limit_actions_and_arns() {
    let doc = identity(
        r#"{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","kms:Decrypt"],"Resource":["arn:aws:s3:::b/*","arn:aws:kms:us-east-1:111122223333:key/k"]}"#,
    );
    let got: Vec<_> =
        validate(&doc, PolicyType::Resource, Some("AWS::S3::Bucket")).into_iter().map(|f| f.issue_code).collect();
    assert_eq!(got, ["UNSUPPORTED_ACTION_IN_POLICY", "UNSUPPORTED_RESOURCE_ARN_IN_POLICY"]);
}

#[test]
fn every_code_is_listed_once() {
    let mut codes: Vec<&str> = crate::CHECKS.iter().map(|(c, _)| *c).collect();
    let n = codes.len();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), n);
}

#[test]
fn odd_input_never_panics() {
    for doc in ["", "null", "\"x\"", "{\"Statement\":5}", "{\"Statement\":[5]}", "{\"Statement\":{\"Action\":{}}}", "é{", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"a:b:c\",\"Resource\":\"arn:::::\",\"Condition\":{\"A:B\":5}}}"] {
        for t in crate::PolicyType::ALL {
            let _ = validate(doc, t, Some("AWS::S3::Bucket"));
        }
    }
    // The value readers on text they do not expect: multibyte characters, unclosed variables,
    // extreme prefixes.
    for value in [
        "\"é2024-01-01\"",
        "\"2024-01-01Té\"",
        "\"${\"",
        "\"${é, 'x\"",
        "\"::/0\"",
        "\"0.0.0.0/0\"",
        "\"1.2.3.4/\"",
        "[null,{}]",
        "1e400",
        "\"-\"",
    ] {
        for op in ["DateEquals", "IpAddress", "NumericLessThan", "Bool", "BinaryEquals", "StringEquals", "ArnLike"] {
            let doc = identity(&format!(
                r#"{{"Effect":"Allow","Action":"s3:${{x}}","Resource":"arn:aws:s3:::${{","Condition":{{"{op}":{{"aws:SourceIp":{value},"aws:CurrentTime":{value}}}}}}}"#
            ));
            let codes = codes(&doc, PolicyType::Identity);
            assert!(!codes.contains(&"JSON_SYNTAX_ERROR"), "{doc}");
        }
    }
}

/// Issue codes that report a name the catalogue does not know or a key an action does not list:
/// findings that depend on how current the catalogue is (AWS's page itself lists AWS managed
/// policies with invalid actions). Every other ERROR on a managed policy is a bug of the checks.
const CATALOGUE_DRIFT: &[&str] = &[
    "INVALID_ACTION",
    "INVALID_SERVICE_IN_ACTION",
    "INVALID_SERVICE_CONDITION_KEY",
    "INVALID_GLOBAL_CONDITION_KEY",
    "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
];

/// AWS managed policies are valid identity policies: none gives an ERROR finding but those of
/// [`CATALOGUE_DRIFT`], and those are exactly the reviewed list `managed-policy-drift.txt` (one
/// line per finding: policy, code, the located text), so that a change of the checks or of the
/// catalogue shows here.
#[test]
fn no_aws_managed_policy_has_an_error() {
    let mut failures = Vec::new();
    let mut drift = Vec::new();
    for p in rootsim_catalogue::managed_policies() {
        let Some(doc) = p.document() else { continue };
        for f in validate(doc, PolicyType::Identity, None) {
            if f.finding_type != FindingType::Error {
                continue;
            }
            let spans: Vec<&str> = f.locations.iter().map(|l| &doc[l.start.offset..l.end.offset]).collect();
            let line = format!("{} {} {}", p.name, f.issue_code, spans.join(" "));
            if CATALOGUE_DRIFT.contains(&f.issue_code) {
                drift.push(line);
            } else {
                failures.push(format!("{line}: {}", f.details));
            }
        }
    }
    assert!(failures.is_empty(), "{} errors:\n{}", failures.len(), failures.join("\n"));
    let expected = include_str!("managed-policy-drift.txt");
    let got = drift.join("\n") + "\n";
    if std::env::var_os("ROOTSIM_UPDATE_DRIFT").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/src/managed-policy-drift.txt"), &got).unwrap();
    }
    assert_eq!(got, expected, "the catalogue drift changed: review and set ROOTSIM_UPDATE_DRIFT=1");
}

/// rootsim's own checks (rule AA-ROOTSIM-RESOURCE-FIT): which statements they flag, that
/// `validate` (Access Analyzer's answer) never gives them, and that they are general warnings.
#[test]
fn rootsim_checks_flag_statements_that_never_apply_to_an_action() {
    use crate::validate_with_rootsim_checks;
    let ours = |st: &str| -> Vec<&'static str> {
        validate_with_rootsim_checks(&identity(st), PolicyType::Identity, None)
            .into_iter()
            .filter(|f| f.is_rootsim())
            .map(|f| f.issue_code)
            .collect()
    };
    let cases: &[(&str, &[&str])] = &[
        // An object action on a bucket: the statement never applies to it.
        (
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"}"#,
            &["ROOTSIM_RESOURCE_TYPE_MISMATCH"],
        ),
        // One of the resources fits each action: the usual bucket-and-objects statement.
        (
            r#"{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}"#,
            &[],
        ),
        // Only the object action lacks a resource of its type.
        (
            r#"{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::b"}"#,
            &["ROOTSIM_RESOURCE_TYPE_MISMATCH"],
        ),
        // A role action on a user.
        (
            r#"{"Effect":"Allow","Action":"iam:DeleteRole","Resource":"arn:aws:iam::111122223333:user/u"}"#,
            &["ROOTSIM_RESOURCE_TYPE_MISMATCH"],
        ),
        // An action without resource types on a specific resource, then on `*`.
        (
            r#"{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::b"}"#,
            &["ROOTSIM_NO_RESOURCE_LEVEL_PERMISSIONS"],
        ),
        (r#"{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}"#, &[]),
        // The five actions rootsim decides against a resource (EVAL-NO-RESOURCE-STAR).
        (r#"{"Effect":"Allow","Action":"iam:ListRoles","Resource":"arn:aws:iam::111122223333:role/*"}"#, &[]),
        // Wildcard actions and resources of any service are not judged.
        (r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b"}"#, &[]),
        (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:*:::b"}"#, &[]),
        // A Deny that never applies is flagged as well: it denies nothing.
        (
            r#"{"Effect":"Deny","Action":"kms:Decrypt","Resource":"arn:aws:s3:::b/*"}"#,
            &["ROOTSIM_RESOURCE_TYPE_MISMATCH"],
        ),
    ];
    for (st, want) in cases {
        assert_eq!(ours(st), *want, "{st}");
        assert!(validate(&identity(st), PolicyType::Identity, None).iter().all(|f| !f.is_rootsim()), "{st}");
    }
    let f = validate_with_rootsim_checks(
        &identity(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"}"#),
        PolicyType::Identity,
        None,
    );
    assert_eq!(f[0].finding_type, FindingType::Warning);
    assert!(f[0].details.starts_with("(rootsim) ") && f[0].details.contains("object"), "{}", f[0].details);
    assert_eq!(f[0].learn_more_link(), crate::ROOTSIM_LEARN_MORE);
    assert_eq!(f[0].locations[0].path.last(), Some(&PathElement::Value("Action".into())));
}

/// A statement with one condition, for the condition checks' cases.
fn conditioned(condition: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}"#)
}

/// The checks of condition types and values, variables, service-linked roles, partitions,
/// principals and sizes: each on a document written from its section of the reference page, and
/// the near miss that must not fire.
#[test]
fn each_type_value_and_variable_check_fires_on_its_example() {
    use PolicyType::*;
    let cases: Vec<(String, PolicyType, &[&str])> = vec![
        // General Warning – Type mismatch: a string operator on a Boolean key; an ARN operator on
        // a String key and a string operator on an ARN key are accepted.
        (conditioned(r#"{"StringEquals":{"aws:SecureTransport":"true"}}"#), Identity, &["TYPE_MISMATCH"]),
        (conditioned(r#"{"NumericLessThan":{"aws:CurrentTime":"5"}}"#), Identity, &["TYPE_MISMATCH"]),
        (conditioned(r#"{"ArnLike":{"aws:PrincipalTag/x":"arn:aws:iam::*:role/x"}}"#), Identity, &[]),
        (conditioned(r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"}}"#), Identity, &[]),
        (conditioned(r#"{"Null":{"aws:SecureTransport":"true"}}"#), Identity, &[]),
        // The value checks of each operator family.
        (conditioned(r#"{"Bool":{"aws:SecureTransport":"yes"}}"#), Identity, &["TYPE_MISMATCH_BOOLEAN"]),
        (conditioned(r#"{"Bool":{"aws:SecureTransport":true}}"#), Identity, &[]),
        (conditioned(r#"{"DateGreaterThan":{"aws:CurrentTime":"tomorrow"}}"#), Identity, &["TYPE_MISMATCH_DATE"]),
        (conditioned(r#"{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#), Identity, &[]),
        (conditioned(r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/40"}}"#), Identity, &["TYPE_MISMATCH_IP_RANGE"]),
        (conditioned(r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"an hour"}}"#), Identity, &["TYPE_MISMATCH_NUMBER"]),
        (conditioned(r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}"#), Identity, &[]),
        // No key of the catalogue is binary: a string key is a type mismatch besides.
        (conditioned(r#"{"BinaryEquals":{"aws:UserAgent":"not base64!"}}"#), Identity, &["TYPE_MISMATCH", "TYPE_MISMATCH_STRING"]),
        (conditioned(r#"{"BinaryEquals":{"aws:UserAgent":"QmluYXJ5"}}"#), Identity, &["TYPE_MISMATCH"]),
        // Error – Missing qualifier: a multivalued global key without ForAllValues/ForAnyValue.
        (conditioned(r#"{"StringEquals":{"aws:TagKeys":"team"}}"#), Identity, &["MISSING_QUALIFIER"]),
        (conditioned(r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}"#), Identity, &[]),
        (conditioned(r#"{"Null":{"aws:TagKeys":"true"}}"#), Identity, &[]),
        // Errors of condition values.
        (conditioned(r#"{"StringEquals":{"aws:PrincipalAccount":["111122223333",111122223333]}}"#), Identity, &["INVALID_CONDITION_DATA_TYPE"]),
        (conditioned(r#"{"Bool":{"aws:SecureTransport":["true","false"]}}"#), Identity, &["INVALID_CONDITION_MULTIPLE_BOOLEAN"]),
        (conditioned(r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"${aws:username}"}}"#), Identity, &["INVALID_VARIABLE_FOR_OPERATOR"]),
        (conditioned(r#"{"StringEquals":{"aws:ResourceTag/":"x"}}"#), Identity, &["MISSING_TAG_KEY_IN_CONDITION"]),
        (conditioned(r#"{"StringEquals":{"aws:RequestTag":"x"}}"#), Identity, &["MISSING_TAG_KEY_IN_CONDITION"]),
        (conditioned(r#"{"StringEquals":{"aws:SourceVpc":"vpc-123"}}"#), Identity, &["INVALID_VPC_FORMAT"]),
        (conditioned(r#"{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#), Identity, &[]),
        (conditioned(r#"{"StringEquals":{"aws:SourceVpce":"vpc-1a2b3c4d"}}"#), Identity, &["INVALID_VPCE_FORMAT"]),
        (conditioned(r#"{"StringLike":{"aws:SourceVpc":"vpc-*"}}"#), Identity, &[]),
        (conditioned(r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.1.0/24"]}}"#), Identity, &["PRIVATE_IP_ADDRESS"]),
        (conditioned(r#"{"NotIpAddress":{"aws:SourceIp":"172.16.0.0/12"}}"#), Identity, &["PRIVATE_NOT_IP_ADDRESS"]),
        (conditioned(r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","203.0.113.0/24"]}}"#), Identity, &[]),
        // Security Warning – Missing paired condition keys: aws:VpcSourceIp without aws:SourceVpc.
        (conditioned(r#"{"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/8"}}"#), Identity, &["MISSING_PAIRED_CONDITION_KEYS"]),
        (
            conditioned(r#"{"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/8"},"StringEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}}"#),
            Identity,
            &[],
        ),
        (conditioned(r#"{"StringEquals":{"aws:ARN":"arn:aws:iam::111122223333:user/u"}}"#), Identity, &["UNSUPPORTED_GLOBAL_CONDITION_KEY"]),
        // General warnings and suggestions of values.
        (conditioned(r#"{"DateLessThan":{"aws:CurrentTime":"1700000000"}}"#), Identity, &["INVALID_DATE_VALUE"]),
        (conditioned(r#"{"DateLessThan":{"aws:EpochTime":"1700000000"}}"#), Identity, &[]),
        (conditioned(r#"{"IpAddress":{"aws:SourceIp":"203.0.113.5/24"}}"#), Identity, &["IMPROVE_IP_RANGE"]),
        (conditioned(r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":["3600","4800"]}}"#), Identity, &["REDUNDANT_CONDITION_VALUE_NUM"]),
        (conditioned(r#"{"NumericEquals":{"aws:MultiFactorAuthAge":["3600","4800"]}}"#), Identity, &[]),
        // Policy variables.
        (identity_st(r#""Resource":"arn:aws:s3:::b/${aws:username"}"#), Identity, &["MISSING_BRACE_IN_VARIABLE"]),
        (identity_st(r#""Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, company}"}"#), Identity, &["MISSING_QUOTE_IN_VARIABLE"]),
        (identity_st(r#""Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'company-wide'}"}"#), Identity, &[]),
        (identity_st(r#""Resource":"arn:aws:s3:::b/${aws: username}"}"#), Identity, &["UNSUPPORTED_SPACE_IN_VARIABLE"]),
        (identity_st(r#""Resource":"arn:aws:s3:::b/${ }"}"#), Identity, &["EMPTY_VARIABLE"]),
        (identity_st(r#""Resource":"arn:aws:s3:::b/${*}"}"#), Identity, &[]),
        (
            r#"{"Effect":"Allow","Action":"s3:${aws:username}","Resource":"*"}"#.to_string(),
            Identity,
            &["VARIABLE_UNSUPPORTED_IN_ELEMENT"],
        ),
        // Partitions.
        (identity_st(r#""Resource":"arn:aws-mars:s3:::b/*"}"#), Identity, &["INVALID_PARTITION"]),
        (identity_st(r#""Resource":"arn:aws-cn:s3:::b/*"}"#), Identity, &[]),
        // iam:CreateServiceLinkedRole on every role.
        (
            r#"{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*"}"#.to_string(),
            Identity,
            &["CREATE_SLR_WITH_STAR_IN_RESOURCE"],
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"arn:aws:iam::*:role/aws-service-role/*"}"#.to_string(),
            Identity,
            &["CREATE_SLR_WITH_STAR_IN_RESOURCE"],
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:Create*","Resource":"*"}"#.to_string(),
            Identity,
            &["CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE"],
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","NotResource":"arn:aws:iam::111122223333:role/x"}"#.to_string(),
            Identity,
            &["CREATE_SLR_WITH_NOT_RESOURCE"],
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringEquals":{"iam:AWSServiceName":"elasticbeanstalk.amazonaws.com"}}}"#.to_string(),
            Identity,
            &[],
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"arn:aws:iam::*:role/aws-service-role/elasticbeanstalk.amazonaws.com/*"}"#.to_string(),
            Identity,
            &[],
        ),
        // aws:ResourceTag on actions whose service does not support it (s3:ListAllMyBuckets acts
        // on no resource, so no resource tag is in its request).
        (
            r#"{"Effect":"Allow","Action":["ec2:StartInstances","s3:ListAllMyBuckets"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}}"#.to_string(),
            Identity,
            &["ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"],
        ),
        (
            r#"{"Effect":"Deny","Action":["ec2:StartInstances","s3:ListAllMyBuckets"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}}"#.to_string(),
            Identity,
            &["DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"],
        ),
        (
            r#"{"Effect":"Allow","Action":["ec2:StartInstances","ec2:StopInstances"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}}"#.to_string(),
            Identity,
            &[],
        ),
        (
            r#"{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}}"#.to_string(),
            Identity,
            &["DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"],
        ),
        (
            r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}}"#.to_string(),
            Identity,
            &["ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"],
        ),
        // Principals.
        (
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#.to_string(),
            Resource,
            &["UNSUPPORTED_WILDCARD_IN_PRINCIPAL"],
        ),
        (
            r#"{"Effect":"Allow","Principal":{"Service":"EC2"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#.to_string(),
            Resource,
            &["INVALID_SERVICE_PRINCIPAL_FORMAT"],
        ),
        (
            r#"{"Effect":"Allow","Principal":{"Service":"logs.us-east-1.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:logs:us-east-1:111122223333:*"}}}"#.to_string(),
            Resource,
            &[],
        ),
        // Keys a service principal's requests never carry; with an AWS principal beside it they
        // may apply.
        (
            r#"{"Effect":"Deny","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}"#.to_string(),
            Resource,
            &["UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL"],
        ),
        (
            r#"{"Effect":"Deny","Principal":{"Service":"cloudfront.amazonaws.com","AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}"#.to_string(),
            Resource,
            &[],
        ),
        // A service principal without a source key; with aws:Referer in its place; in a Deny.
        (
            r#"{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#.to_string(),
            Resource,
            &["RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL"],
        ),
        (
            r#"{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:Referer":"https://example.com/*"}}}"#.to_string(),
            Resource,
            &["RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL"],
        ),
        (
            r#"{"Effect":"Deny","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#.to_string(),
            Resource,
            &[],
        ),
    ];
    let mut failures = Vec::new();
    for (statement, t, expected) in &cases {
        let got = codes(&identity(statement), *t);
        if got != *expected {
            failures.push(format!("{statement}\n  expected {expected:?}\n  got      {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An s3:GetObject statement with the given Resource member.
fn identity_st(resource: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":"s3:GetObject",{resource}"#)
}

#[test]
fn variables_need_the_2012_version() {
    let doc = r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}}"#;
    assert_eq!(codes(doc, PolicyType::Identity), ["VARIABLE_UNSUPPORTED_IN_VERSION"]);
    let doc = r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}}"#;
    assert_eq!(codes(doc, PolicyType::Identity), ["MISSING_VERSION", "VARIABLE_UNSUPPORTED_IN_VERSION"]);
}

/// The size quotas: counted without the whitespace outside strings, a finding at the document.
#[test]
fn policy_sizes_over_the_quota() {
    let actions = |n: usize| (0..n).map(|i| format!("\"s3:GetObject{i:04}\"")).collect::<Vec<_>>().join(", ");
    // 400 actions of 17-18 characters: over 5,120 and 6,144, under 20,480.
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Deny","Action":[{}],"Resource":"*"}}}}"#,
        actions(400)
    );
    let size_codes = |t| -> Vec<&str> { codes(&doc, t).into_iter().filter(|c| c.starts_with("POLICY_SIZE")).collect() };
    assert_eq!(size_codes(PolicyType::Identity), ["POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"]);
    assert_eq!(size_codes(PolicyType::ServiceControl), ["POLICY_SIZE_EXCEEDS_SCP_QUOTA"]);
    assert!(size_codes(PolicyType::Resource).is_empty());
    let f = validate(&doc, PolicyType::ServiceControl, None)
        .into_iter()
        .find(|f| f.issue_code == "POLICY_SIZE_EXCEEDS_SCP_QUOTA")
        .unwrap();
    assert_eq!(f.finding_type, FindingType::Error);
    let n = doc.chars().filter(|c| !c.is_whitespace()).count();
    assert_eq!(f.details, format!("The {n} characters in the service control policy (SCP) exceed the 5120 character maximum for SCPs. We recommend that you use multiple granular policies."));
    assert!(f.locations[0].path.is_empty() && f.locations[0].start.offset == 0);
    // Whitespace between elements does not count: the same document spread out is not larger.
    let spread = doc.replace(", ", ",\n        ");
    let spread_size = validate(&spread, PolicyType::ServiceControl, None)
        .into_iter()
        .find(|f| f.issue_code == "POLICY_SIZE_EXCEEDS_SCP_QUOTA")
        .map(|f| f.details);
    assert_eq!(spread_size, Some(f.details));
}

/// The page lists the AWS managed policies that grant iam:CreateServiceLinkedRole on every role:
/// the check finds exactly those among the catalogue's (AlexaForBusinessFullAccess is retired),
/// and a few more the page's 2023 list predates.
#[test]
fn create_slr_warnings_on_aws_managed_policies_include_the_pages_list() {
    let mut found: Vec<(String, &str)> = Vec::new();
    for p in rootsim_catalogue::managed_policies() {
        let Some(doc) = p.document() else { continue };
        for f in validate(doc, PolicyType::Identity, None) {
            if f.issue_code.starts_with("CREATE_SLR") {
                found.push((p.name.to_string(), f.issue_code));
            }
        }
    }
    for (name, code) in [
        ("PowerUserAccess", "CREATE_SLR_WITH_STAR_IN_RESOURCE"),
        ("AWSOrganizationsServiceTrustPolicy", "CREATE_SLR_WITH_STAR_IN_RESOURCE"),
        ("AdministratorAccess", "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE"),
        ("IAMFullAccess", "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE"),
    ] {
        assert!(found.contains(&(name.to_string(), code)), "{name} {code} not found: {found:?}");
    }
    assert!(found.len() <= 8, "{found:?}");
}

/// The messages of the type checks name the operator as written and the key, and point at the
/// value (a list's item for the value checks).
#[test]
fn type_findings_name_the_operator_and_point_at_the_value() {
    let doc = identity(&conditioned(
        r#"{"StringEqualsIfExists":{"aws:SecureTransport":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":["1","x"]}}"#,
    ));
    let f = validate(&doc, PolicyType::Identity, None);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0].issue_code, "TYPE_MISMATCH");
    assert_eq!(f[0].details, "Use the operator type Boolean instead of operator StringEqualsIfExists for the condition key aws:SecureTransport.");
    assert_eq!(&doc[f[0].locations[0].start.offset..f[0].locations[0].end.offset], "\"true\"");
    assert_eq!(f[1].issue_code, "TYPE_MISMATCH_NUMBER");
    assert_eq!(f[1].details, "Add a valid numeric value for the condition operator NumericLessThan.");
    assert_eq!(f[1].locations[0].path.last(), Some(&PathElement::Index(1)));
    assert_eq!(&doc[f[1].locations[0].start.offset..f[1].locations[0].end.offset], "\"x\"");
    let improve = validate(
        &identity(&conditioned(r#"{"IpAddress":{"aws:SourceIp":"2001:db8::1/32"}}"#)),
        PolicyType::Identity,
        None,
    );
    assert_eq!(
        improve[0].details,
        "The non-zero bits in the IP address after the masked bits are ignored. Replace address with 2001:db8::/32."
    );
    let tags = validate(
        &identity(
            r#"{"Effect":"Deny","Action":["s3:ListAllMyBuckets","ec2:StartInstances","sts:GetCallerIdentity","s3:ListBuckets"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}}"#,
        ),
        PolicyType::Identity,
        None,
    );
    let tags: Vec<&str> =
        tags.iter().filter(|f| f.issue_code.contains("TAG_CONDITION")).map(|f| f.details.as_str()).collect();
    assert_eq!(tags, ["Using the effect Deny with the tag condition key aws:ResourceTag/team and actions for services with the following prefixes can be overly permissive: s3, sts. Actions for the listed services are not denied by this statement. We recommend that you move these actions to a different statement without this condition key."]);
    let referer = validate(
        &identity(
            r#"{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:Referer":"https://example.com/*"}}}"#,
        ),
        PolicyType::Resource,
        None,
    );
    assert_eq!(referer[0].details, "To restrict access to the service principal cloudfront operating on your behalf, we recommend aws:SourceArn or aws:SourceAccount instead of aws:Referer.");
    let slr = validate(
        &identity(r#"{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*"}"#),
        PolicyType::Identity,
        None,
    );
    assert_eq!(slr[0].finding_type, FindingType::Warning);
    assert!(slr[0]
        .learn_more_link()
        .ends_with("#access-analyzer-reference-policy-checks-general-warning-create-slr-with-star-in-resource"));
}
