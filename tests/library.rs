//! rootsim-model as a library, used the way a developer's own `cargo test` would use it: build a
//! world with commands, ask for decisions without running anything, assert on them.

use rootsim_model::{Session, DEFAULT_SEED};

#[test]
fn decisions_without_running_anything_follow_resource_policies() {
    let mut session = Session::demo(DEFAULT_SEED);
    let mgmt = session.world.accounts.find("management").expect("demo account").id.clone();
    session.run("aws s3api create-bucket --bucket team-data").expect_ok();
    let alice = format!("arn:aws:iam::{mgmt}:user/alice");
    let root = format!("arn:aws:iam::{mgmt}:root");
    let object = "arn:aws:s3:::team-data/report.csv";
    assert!(session.world.decide(&alice, "s3:GetObject", object).expect("alice exists").decision.is_allowed());

    // A bucket policy that denies everyone: alice is out, and decide says which layer.
    let deny_all = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::team-data","arn:aws:s3:::team-data/*"]}]}"#;
    session.run(&format!("aws s3api put-bucket-policy --bucket team-data --policy {deny_all}")).expect_ok();
    let denied = session.world.decide(&alice, "s3:GetObject", object).expect("alice exists");
    assert!(!denied.decision.is_allowed());
    assert!(denied.explain().contains("explicit deny"), "{}", denied.explain());
    // The owner's root may still repair the policy (and nothing else of the bucket).
    assert!(session
        .world
        .decide(&root, "s3:DeleteBucketPolicy", "arn:aws:s3:::team-data")
        .unwrap()
        .decision
        .is_allowed());
    assert!(!session.world.decide(&root, "s3:GetObject", object).unwrap().decision.is_allowed());

    // Deciding changed nothing, and unknown principals are errors, not denials.
    session.run("aws s3api get-bucket-policy --bucket team-data").expect_error("AccessDenied");
    let err = session.world.decide(&format!("arn:aws:iam::{mgmt}:user/nobody"), "s3:GetObject", object).unwrap_err();
    assert_eq!(err.code, "NoSuchEntity");
}

#[test]
fn escalation_paths_from_a_developers_test() {
    use rootsim_model::graph::{find_principal, AccessGraph, EdgeKind};
    let mut session = Session::demo(DEFAULT_SEED);
    let mgmt = session.world.accounts.find("management").expect("demo account").id.clone();
    session.run("aws iam create-user --user-name intern").expect_ok();
    let mint = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Mint","Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::{mgmt}:user/alice"}}]}}"#
    );
    session
        .run(&format!("aws iam put-user-policy --user-name intern --policy-name mint --policy-document {mint}"))
        .expect_ok();
    let (intern, alice) =
        (find_principal(&session.world, "intern").unwrap(), find_principal(&session.world, "alice").unwrap());
    let graph = AccessGraph::build(&session.world);
    let path = graph.shortest_path(&intern, &alice).expect("intern can mint alice's keys");
    let step = path[0].1.as_ref().expect("a first step");
    assert_eq!((step.kind, step.action()), (EdgeKind::CreateAccessKey, "iam:CreateAccessKey"));
    assert!(step.allowed_by.iter().any(|s| s.contains("statement \"Mint\"")), "{:?}", step.allowed_by);
    // A boundary that leaves intern nothing closes the path: the graph asks the engine.
    session
        .run("aws iam put-user-permissions-boundary --user-name intern --permissions-boundary arn:aws:iam::aws:policy/ReadOnlyAccess")
        .expect_ok();
    assert!(AccessGraph::build(&session.world).shortest_path(&intern, &alice).is_none());
}
