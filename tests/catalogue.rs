//! AWS's catalogue (`rootsim-catalogue`) against the engine and the world: every catalogue action
//! is matched by its own name and by its service's wildcard, as evaluation matches them; every
//! AWS managed policy validates and compiles; the world refuses changes to what AWS owns, with
//! AWS's errors, and decides them as denied.

use rootsim_model::iam::managed;
use rootsim_model::policy::{
    evaluate, ActionPattern, Context, Layer, NamedPolicy, PolicySet, Principal, PrincipalKind, Request,
};
use rootsim_model::{Session, DEFAULT_SEED};

#[test]
fn every_catalogue_action_is_matched_by_its_name_and_its_service_wildcard() {
    let mut checked = 0;
    for service in rootsim_catalogue::services() {
        let wildcard = ActionPattern::parse(&format!("{}:*", service.prefix));
        let other = ActionPattern::parse("zzz-not-a-service:*");
        for action in &service.actions {
            let full = action.full_name();
            assert!(ActionPattern::parse(&full).matches(&full), "{full} by itself");
            assert!(ActionPattern::parse(&full.to_lowercase()).matches(&full), "{full} in lower case");
            assert!(ActionPattern::parse(&full).matches(&full.to_uppercase()), "{full} asked in upper case");
            assert!(wildcard.matches(&full), "{full} by {}", wildcard.text());
            assert!(!other.matches(&full), "{full} by another service's wildcard");
            // The catalogue finds it back by name, whatever the case.
            assert_eq!(rootsim_catalogue::action(&full.to_uppercase()).map(|a| a.full_name()), Some(full.clone()));
            checked += 1;
        }
    }
    assert!(checked > 15_000, "{checked} actions");
}

#[test]
fn expansion_lists_exactly_what_the_engine_matches() {
    for pattern in ["s3:Get*", "iam:*Policy*", "kms:?ncrypt", "sts:*", "organizations:List*", "*:GetCallerIdentity"] {
        let engine = ActionPattern::parse(pattern);
        let expected: Vec<String> = rootsim_catalogue::services()
            .flat_map(|s| s.actions.iter().map(|a| a.full_name()))
            .filter(|a| engine.matches(a))
            .collect();
        assert_eq!(rootsim_catalogue::expand(pattern), expected, "{pattern}");
        assert!(!expected.is_empty(), "{pattern}");
    }
}

#[test]
fn every_aws_managed_policy_validates_and_compiles() {
    let bob = Principal {
        kind: PrincipalKind::User,
        arn: "arn:aws:iam::111122223333:user/bob".into(),
        principal_arn: "arn:aws:iam::111122223333:user/bob".into(),
        account: "111122223333".into(),
        service_linked_role: false,
    };
    let context = Context::new();
    let mut count = 0;
    for p in managed::all() {
        let document = p.document().unwrap_or_else(|| panic!("{} does not validate", p.arn));
        // Compiled: the engine decides a request with it (and AdministratorAccess allows it).
        let named = [NamedPolicy { name: &p.arn, policy: document }];
        let set = PolicySet { identity: &named, ..PolicySet::default() };
        let request = Request {
            principal: &bob,
            action: "iam:CreateUser",
            resource: "arn:aws:iam::111122223333:user/x",
            resource_account: None,
            context: &context,
        };
        let allowed = evaluate(&request, &set).is_allowed();
        if p.name == "AdministratorAccess" || p.name == "IAMFullAccess" {
            assert!(allowed, "{}", p.arn);
        }
        if p.name == "ReadOnlyAccess" {
            assert!(!allowed, "{}", p.arn);
        }
        count += 1;
    }
    assert!(count > 1_500, "{count} policies");
}

#[test]
fn protected_roles_are_only_modifiable_by_aws() {
    let mut session = Session::demo(DEFAULT_SEED);
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"support.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    // AWS creates these roles itself. CreateRole refuses the service-linked path (rule
    // IAM-CREATE-ROLE-SERVICE-PATH), so the service-linked role is made as AWS makes it; the
    // /aws-reserved/ role is made with CreateRole to have it in the demo world. Then the test acts
    // as the account's administrator, alice.
    let refused = session.run(&format!(
        "aws iam create-role --role-name AWSServiceRoleForSupport --path /aws-service-role/support.amazonaws.com/ --assume-role-policy-document {trust}"
    ));
    assert!(refused
        .expect_error("InvalidInput")
        .text
        .contains("Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles"));
    session.run("aws iam create-service-linked-role --aws-service-name support.amazonaws.com").expect_ok();
    session
        .run(&format!(
            "aws iam create-role --role-name AWSReservedSSO_AdministratorAccess_0123456789abcdef --path /aws-reserved/sso.amazonaws.com/ --assume-role-policy-document {trust}"
        ))
        .expect_ok();
    for (path, name) in [
        ("/aws-service-role/support.amazonaws.com/", "AWSServiceRoleForSupport"),
        ("/aws-reserved/sso.amazonaws.com/", "AWSReservedSSO_AdministratorAccess_0123456789abcdef"),
    ] {
        let message = format!(
            "Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"
        );
        for line in [
            format!("aws iam update-assume-role-policy --role-name {name} --policy-document {trust}"),
            format!("aws iam put-role-policy --role-name {name} --policy-name x --policy-document {{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}]}}"),
            format!("aws iam attach-role-policy --role-name {name} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess"),
            format!("aws iam put-role-permissions-boundary --role-name {name} --permissions-boundary arn:aws:iam::aws:policy/ReadOnlyAccess"),
            format!("aws iam delete-role --role-name {name}"),
        ] {
            let out = session.run(&line);
            assert_eq!(out.expect_error("UnmodifiableEntity").text.lines().last(), Some(format!("An error occurred (UnmodifiableEntity) when calling the {} operation: {message}", operation(&line)).as_str()), "{line}");
        }
        // Reading it is fine.
        session.run(&format!("aws iam get-role --role-name {name}")).expect_ok();
        // And the engine, asked without an operation, denies the change too.
        let alice = alice(&session);
        let arn = format!("arn:aws:iam::{}:role{path}{name}", account(&session));
        let d = session.world.decide(&alice, "iam:UpdateAssumeRolePolicy", &arn).expect("alice exists");
        assert!(!d.decision.is_allowed());
        assert_eq!(d.decision.decided_by.to_vec(), vec![Layer::AwsOwned]);
        assert!(session.world.decide(&alice, "iam:GetRole", &arn).unwrap().decision.is_allowed());
    }
    // An ordinary role of the account is alice's to change.
    session.run(&format!("aws iam create-role --role-name Mine --assume-role-policy-document {trust}")).expect_ok();
    session.run(&format!("aws iam update-assume-role-policy --role-name Mine --policy-document {trust}")).expect_ok();
}

#[test]
fn aws_managed_policies_are_attachable_and_unchangeable() {
    let mut session = Session::demo(DEFAULT_SEED);
    let alice = alice(&session);
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    let d = session.world.decide(&alice, "iam:CreatePolicyVersion", admin).unwrap();
    assert_eq!(d.decision.decided_by.to_vec(), vec![Layer::AwsOwned]);
    assert!(d.explain().contains("belongs to AWS"), "{}", d.explain());
    assert!(session.world.decide(&alice, "iam:GetPolicyVersion", admin).unwrap().decision.is_allowed());
    for line in [
        format!("aws iam set-default-policy-version --policy-arn {admin} --version-id v1"),
        format!("aws iam delete-policy-version --policy-arn {admin} --version-id v1"),
    ] {
        session.run(&line).expect_error("UnmodifiableEntity");
    }
    // A policy from the catalogue, attached by ARN, decides as AWS's document says: SecurityAudit
    // reads IAM but does not change it.
    session.run("aws iam create-user --user-name auditor").expect_ok();
    session
        .run("aws iam attach-user-policy --user-name auditor --policy-arn arn:aws:iam::aws:policy/SecurityAudit")
        .expect_ok();
    let auditor = format!("arn:aws:iam::{}:user/auditor", account(&session));
    assert!(session.world.decide(&auditor, "iam:GetAccountAuthorizationDetails", "*").unwrap().decision.is_allowed());
    assert!(!session.world.decide(&auditor, "iam:CreateUser", "*").unwrap().decision.is_allowed());
    let version =
        session.run("aws iam get-policy-version --policy-arn arn:aws:iam::aws:policy/SecurityAudit --version-id v1");
    // Only the default version is known; older versions are not in the catalogue.
    let default = rootsim_catalogue::managed_policy("SecurityAudit").unwrap().version_id.clone();
    if default != "v1" {
        version.expect_error("NoSuchEntity");
    }
    session
        .run(&format!(
            "aws iam get-policy-version --policy-arn arn:aws:iam::aws:policy/SecurityAudit --version-id {default}"
        ))
        .expect_ok();
}

#[test]
fn get_caller_identity_is_allowed_whatever_the_policies() {
    let mut session = Session::demo(DEFAULT_SEED);
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
    session
        .run(&format!("aws iam put-user-policy --user-name alice --policy-name DenyAll --policy-document {deny}"))
        .expect_ok();
    let alice = alice(&session);
    let d = session.world.decide(&alice, "sts:GetCallerIdentity", "*").unwrap();
    assert_eq!(d.decision.decided_by.to_vec(), vec![Layer::NoPermission]);
    assert!(!session.world.decide(&alice, "sts:AssumeRole", "*").unwrap().decision.is_allowed());
    session.run("aws sts get-caller-identity").expect_ok();
}

fn account(session: &Session) -> String {
    session.world.accounts.find("management").expect("demo account").id.clone()
}

fn alice(session: &Session) -> String {
    format!("arn:aws:iam::{}:user/alice", account(session))
}

/// `UpdateAssumeRolePolicy` from `aws iam update-assume-role-policy ...`.
fn operation(line: &str) -> String {
    line.split_whitespace().nth(2).unwrap_or("").split('-').map(|w| w[..1].to_uppercase() + &w[1..]).collect()
}
