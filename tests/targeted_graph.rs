//! `AccessGraph::build_towards` (the graph of what can reach one node, which `who-can-become-root`
//! and `path` build) gives every principal the same shortest path into that node as the whole
//! graph (`AccessGraph::build`): on small synthetic estates with and without centralized root
//! access, on the demo world, and on generated organizations.

use proptest::prelude::*;
use rootsim_model::command::Origin;
use rootsim_model::graph::{AccessGraph, Node};
use rootsim_model::strategies::organization;
use rootsim_model::synth::{generate, Spec};
use rootsim_model::{Session, World, DEFAULT_SEED};

/// Turns on centralized root access (RootSessions) as the management account's admin.
fn enable_root_sessions(session: &mut Session) {
    session.run("aws organizations enable-aws-service-access --service-principal iam.amazonaws.com").expect_ok();
    session.run("aws iam enable-organizations-root-sessions").expect_ok();
}

/// Every account's root user and every user and role of the world.
fn nodes(world: &World) -> Vec<Node> {
    let mut out = Vec::new();
    for (account, iam) in &world.iam.accounts {
        out.push(Node::Root { account: account.clone() });
        out.extend(
            iam.users.values().map(|u| Node::User { arn: format!("arn:aws:iam::{account}:user{}{}", u.path, u.name) }),
        );
        out.extend(
            iam.roles.values().map(|r| Node::Role { arn: format!("arn:aws:iam::{account}:role{}{}", r.path, r.name) }),
        );
    }
    out
}

/// Asserts that the targeted graph answers as the full one for each of `targets`; returns how
/// many principals reached one of them (so that a test can insist the answers were not empty).
fn same_answers(world: &World, targets: &[Node]) -> usize {
    let full = AccessGraph::build(world);
    let mut reached = 0;
    for t in targets {
        let want = full.who_can_reach(t);
        let got = AccessGraph::build_towards(world, t).who_can_reach(t);
        assert_eq!(got, want, "the paths into {} differ", t.id());
        reached += want.len();
    }
    reached
}

fn synthetic(accounts: usize, seed: u64, root_sessions: bool) -> Session {
    let spec = Spec { accounts, roles: accounts * 12, policies: accounts * 20, users: 2 };
    let (world, identity) = generate(&spec, seed);
    let mut session = Session { world, identity, origin: Origin::Empty { seed }, last: None };
    if root_sessions {
        enable_root_sessions(&mut session);
    }
    session
}

#[test]
fn small_synthetic_estates_answer_as_the_full_graph() {
    let mut reached = 0;
    for seed in [1, 2, 3, 7] {
        for root_sessions in [false, true] {
            let session = synthetic(8, seed, root_sessions);
            let roots: Vec<Node> =
                nodes(&session.world).into_iter().filter(|n| matches!(n, Node::Root { .. })).collect();
            reached += same_answers(&session.world, &roots);
        }
    }
    assert!(reached > 0, "no principal reached any root user: the comparison proves nothing");
}

#[test]
fn every_principal_of_a_synthetic_estate_answers_as_the_full_graph() {
    let session = synthetic(5, 11, true);
    let all = nodes(&session.world);
    assert!(same_answers(&session.world, &all) > 0);
}

#[test]
fn the_demo_world_with_root_sessions_answers_as_the_full_graph() {
    let mut session = Session::demo(DEFAULT_SEED);
    enable_root_sessions(&mut session);
    let all = nodes(&session.world);
    assert!(same_answers(&session.world, &all) > 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn synthetic_estates_answer_as_the_full_graph(accounts in 2usize..7, seed in 0u64..1000, root_sessions in any::<bool>()) {
        let session = synthetic(accounts, seed, root_sessions);
        let roots: Vec<Node> = nodes(&session.world).into_iter().filter(|n| matches!(n, Node::Root { .. })).collect();
        same_answers(&session.world, &roots);
    }

    #[test]
    fn generated_organizations_answer_as_the_full_graph(plan in organization(), root_sessions in any::<bool>()) {
        let mut session = plan.build(DEFAULT_SEED);
        if root_sessions {
            enable_root_sessions(&mut session);
        }
        let all = nodes(&session.world);
        same_answers(&session.world, &all);
    }
}
