//! The authorization cache never changes an answer (ARCHITECTURE.md's invariant on
//! `auth::cache`): after any sequence of changes to a world, every decision of one
//! [`Authorizer`] kept across the changes (warm: it remembers what it read before them) equals
//! the decision of a new authorizer asked that one question (fresh: its cache starts empty). The
//! questions cover every principal of every account (its identity policies, boundary and tags),
//! SCPs and RCPs (places in the organization), roles as resources of `sts:AssumeRole` (trust
//! policies), and the clock (callers are resolved at a time).

use proptest::prelude::*;
use rootsim_model::auth::{AuthRecord, Authorizer};
use rootsim_model::error::AwsResult;
use rootsim_model::{MemoryHost, Session, World, DEFAULT_SEED};
use rootsim_tests::any_command;

const ALLOW_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const DENY_IAM: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#;
const TRUST_ANY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
const TAGGED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}"#;

/// Changes that succeed as alice (the demo's administrator in the management account) and touch
/// what the cache remembers. `ROOT`, `MGMT` and `DEV` stand for the organization's root, the
/// management account and the dev account.
const CHANGES: &[&str] = &[
    "aws iam attach-user-policy --user-name bob --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
    "aws iam detach-user-policy --user-name bob --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
    "aws iam put-user-policy --user-name bob --policy-name Tagged --policy-document TAGGED",
    "aws iam put-user-policy --user-name bob --policy-name Tagged --policy-document DENY_IAM",
    "aws iam delete-user-policy --user-name bob --policy-name Tagged",
    "aws iam put-user-permissions-boundary --user-name bob --permissions-boundary arn:aws:iam::aws:policy/ReadOnlyAccess",
    "aws iam delete-user-permissions-boundary --user-name bob",
    "aws iam add-user-to-group --user-name bob --group-name Admins",
    "aws iam remove-user-from-group --user-name bob --group-name Admins",
    "aws iam put-group-policy --group-name Admins --policy-name NoIam --policy-document DENY_IAM",
    "aws iam delete-group-policy --group-name Admins --policy-name NoIam",
    "aws iam create-role --role-name Open --assume-role-policy-document TRUST_ANY",
    "aws iam put-role-policy --role-name Open --policy-name All --policy-document ALLOW_ALL",
    "aws iam update-assume-role-policy --role-name Open --policy-document ALLOW_ALL",
    "aws iam delete-role-policy --role-name Open --policy-name All",
    "aws iam delete-role --role-name Open",
    "aws iam create-user --user-name carol --tags Key=team,Value=blue",
    "aws iam put-user-policy --user-name carol --policy-name Tagged --policy-document TAGGED",
    "aws iam delete-user-policy --user-name carol --policy-name Tagged",
    "aws iam delete-user --user-name carol",
    "aws iam create-policy --policy-name Mine --policy-document ALLOW_ALL",
    "aws iam attach-user-policy --user-name bob --policy-arn arn:aws:iam::MGMT:policy/Mine",
    "aws iam create-policy-version --policy-arn arn:aws:iam::MGMT:policy/Mine --policy-document DENY_IAM --set-as-default",
    "aws iam set-default-policy-version --policy-arn arn:aws:iam::MGMT:policy/Mine --version-id v1",
    "aws organizations detach-policy --policy-id p-FullAWSAccess --target-id DEV",
    "aws organizations attach-policy --policy-id p-FullAWSAccess --target-id DEV",
    "aws organizations disable-policy-type --root-id ROOT --policy-type SERVICE_CONTROL_POLICY",
    "aws organizations enable-policy-type --root-id ROOT --policy-type SERVICE_CONTROL_POLICY",
    "aws organizations enable-policy-type --root-id ROOT --policy-type RESOURCE_CONTROL_POLICY",
    "aws organizations remove-account-from-organization --account-id DEV",
    "clock advance 2h",
];

/// A change, or anything at all.
fn command() -> impl Strategy<Value = String> {
    prop_oneof![4 => prop::sample::select(CHANGES).prop_map(str::to_string), 1 => any_command()]
}

/// Every principal's ARN: each account's root user, users and roles.
fn principals(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    for (account, iam) in &world.iam.accounts {
        out.push(format!("arn:aws:iam::{account}:root"));
        out.extend(iam.users.values().map(|u| format!("arn:aws:iam::{account}:user{}{}", u.path, u.name)));
        out.extend(iam.roles.values().map(|r| format!("arn:aws:iam::{account}:role{}{}", r.path, r.name)));
    }
    out
}

/// An answer as text: the whole record (principal, context, decision with its matched
/// statements) and its explanation, or the error.
fn text(question: &str, answer: &AwsResult<AuthRecord>) -> String {
    match answer {
        Ok(record) => format!("{question}: {record:?}\n{}", record.explain()),
        Err(e) => format!("{question}: {e:?}"),
    }
}

/// `warm`'s answer to one question about `world`, checked against a fresh authorizer's.
fn decide(warm: &Authorizer, world: &World, principal: &str, action: &str, resource: &str) -> AwsResult<AuthRecord> {
    let question = format!("{principal} {action} {resource}");
    let answer = warm.decide(world, principal, action, resource);
    let fresh = Authorizer::new().decide(world, principal, action, resource);
    assert_eq!(text(&question, &answer), text(&question, &fresh), "a warm authorizer answers as a fresh one");
    answer
}

/// Every question asked of `world`, each answer as text: `ask`ed of one authorizer for all, or of a
/// new one for each.
fn answers(world: &World, ask: impl Fn(&str, &str, &str) -> AwsResult<AuthRecord>) -> Vec<String> {
    let all = principals(world);
    let roles: Vec<&String> = all.iter().filter(|p| p.contains(":role/")).collect();
    let mut out = Vec::new();
    for principal in &all {
        let account = principal.split(':').nth(4).unwrap_or("");
        let mut questions = vec![
            ("iam:ListUsers".to_string(), "*".to_string()),
            ("iam:CreateUser".to_string(), format!("arn:aws:iam::{account}:user/eve")),
            ("s3:GetObject".to_string(), "arn:aws:s3:::no-such-bucket/x".to_string()),
            ("sqs:SendMessage".to_string(), "arn:aws:sqs:us-east-1:111122223333:q".to_string()),
        ];
        questions.extend(roles.iter().map(|r| ("sts:AssumeRole".to_string(), (*r).clone())));
        for (action, resource) in questions {
            let question = format!("{principal} {action} {resource}");
            out.push(text(&question, &ask(principal, &action, &resource)));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_warm_cache_answers_as_a_fresh_one(lines in prop::collection::vec(command(), 1..10)) {
        let mut session = Session::demo(DEFAULT_SEED);
        let mut host = MemoryHost::default();
        let dev = session.world.accounts.find("dev").expect("demo account").id.clone();
        let mgmt = session.world.accounts.find("management").expect("demo account").id.clone();
        let root = session.world.organizations.org.as_ref().expect("the demo has an organization").root_id.clone();
        // Warm: one authorizer kept across the changes, every question asked of it once before
        // the first change.
        let warm = Authorizer::new();
        answers(&session.world, |p, a, r| warm.decide(&session.world, p, a, r));
        for line in &lines {
            let line = line
                .replace("ROOT", &root)
                .replace("DEV", &dev)
                .replace("MGMT", &mgmt)
                .replace("ALLOW_ALL", &format!("'{ALLOW_ALL}'"))
                .replace("DENY_IAM", &format!("'{DENY_IAM}'"))
                .replace("TRUST_ANY", &format!("'{TRUST_ANY}'"))
                .replace("TAGGED", &format!("'{TAGGED}'"));
            session.execute(&line, &mut host);
            let world = &session.world;
            let kept = answers(world, |p, a, r| warm.decide(world, p, a, r));
            // Fresh: a new authorizer (an empty cache) for each question.
            let fresh = answers(world, |p, a, r| Authorizer::new().decide(world, p, a, r));
            for (k, f) in kept.iter().zip(&fresh) {
                prop_assert_eq!(k, f, "after {}", line);
            }
            prop_assert_eq!(kept.len(), fresh.len());
        }
    }
}

/// A change between two questions about one principal is seen by the second: its identity
/// policies, then its boundary.
#[test]
fn a_change_after_a_decision_is_seen_by_the_next() {
    let mut session = Session::demo(DEFAULT_SEED);
    let mgmt = session.world.accounts.find("management").expect("demo account").id.clone();
    let bob = format!("arn:aws:iam::{mgmt}:user/bob");
    let warm = Authorizer::new();
    let before = decide(&warm, &session.world, &bob, "iam:ListUsers", "*").expect("bob exists");
    assert!(!before.decision.is_allowed(), "bob starts without permissions");
    session
        .run("aws iam attach-user-policy --user-name bob --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess")
        .expect_ok();
    let after = decide(&warm, &session.world, &bob, "iam:ListUsers", "*").expect("bob exists");
    assert!(after.decision.is_allowed(), "{}", after.explain());
    session.run("aws iam put-user-permissions-boundary --user-name bob --permissions-boundary arn:aws:iam::aws:policy/AWSOrganizationsReadOnlyAccess").expect_ok();
    let bounded = decide(&warm, &session.world, &bob, "iam:ListUsers", "*").expect("bob exists");
    assert!(!bounded.decision.is_allowed(), "the boundary allows no IAM: {}", bounded.explain());
}

/// A library user may change a world's parts in place (no session keeps a copy, so nothing moves
/// to a new address): the next decision still sees the change.
#[test]
fn a_change_made_in_place_is_seen() {
    let mut world = Session::demo(DEFAULT_SEED).world;
    let mgmt = world.accounts.find("management").expect("demo account").id.clone();
    let dev = world.accounts.find("dev").expect("demo account").id.clone();
    let bob = format!("arn:aws:iam::{mgmt}:user/bob");
    let dave = format!("arn:aws:iam::{dev}:user/dave");
    let warm = Authorizer::new();
    assert!(!decide(&warm, &world, &bob, "iam:ListUsers", "*").expect("bob exists").decision.is_allowed());
    assert!(decide(&warm, &world, &dave, "iam:ListUsers", "*").expect("dave exists").decision.is_allowed());

    let (iam, organizations) = (world.iam.addr(), world.organizations.addr());
    let account = world.iam.accounts.get_mut(&mgmt).expect("management IAM");
    let user = account.users.get_mut("bob").expect("bob");
    user.policies.managed.push("arn:aws:iam::aws:policy/ReadOnlyAccess".into());
    let org = world.organizations.org.as_mut().expect("an organization");
    for policies in org.attachments.values_mut() {
        policies.retain(|p| p != "p-FullAWSAccess");
    }
    assert_eq!((world.iam.addr(), world.organizations.addr()), (iam, organizations), "changed in place");

    let after = decide(&warm, &world, &bob, "iam:ListUsers", "*").expect("bob exists");
    assert!(after.decision.is_allowed(), "{}", after.explain());
    let dave_after = decide(&warm, &world, &dave, "iam:ListUsers", "*").expect("dave exists");
    assert!(!dave_after.decision.is_allowed(), "no SCP allows dave now: {}", dave_after.explain());
}

/// A part of a world replaced by another world's (no change, so no new epoch) is seen: the
/// cache notices the part's new address.
#[test]
fn a_part_taken_from_another_world_is_seen() {
    let mut world = Session::demo(DEFAULT_SEED).world;
    let mgmt = world.accounts.find("management").expect("demo account").id.clone();
    let bob = format!("arn:aws:iam::{mgmt}:user/bob");
    let warm = Authorizer::new();
    let mut other = world.clone();
    let account = other.iam.accounts.get_mut(&mgmt).expect("management IAM");
    account.users.get_mut("bob").expect("bob").policies.managed.push("arn:aws:iam::aws:policy/ReadOnlyAccess".into());
    // Warm after the change above, so that the epoch alone cannot tell.
    assert!(!decide(&warm, &world, &bob, "iam:ListUsers", "*").expect("bob exists").decision.is_allowed());
    // Another world asked of the same authorizer is another world: its answer, not this one's.
    assert!(decide(&warm, &other, &bob, "iam:ListUsers", "*").expect("bob exists").decision.is_allowed());
    world.iam = other.iam.clone();
    let after = decide(&warm, &world, &bob, "iam:ListUsers", "*").expect("bob exists");
    assert!(after.decision.is_allowed(), "{}", after.explain());
}
