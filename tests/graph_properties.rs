//! The principal graph on generated organizations (`rootsim_model::strategies`): every edge is
//! what the policy engine decides for its principal through `World::decide`, every allowed role
//! assumption or key minting is an edge (the graph's candidate indexes miss none), and an SCP
//! that denies everything cuts every edge out of the account it is attached to.

use proptest::prelude::*;
use rootsim_model::graph::{is_service_linked, AccessGraph, EdgeKind, Node, PASS_ROLE_STARTS};
use rootsim_model::strategies::{organization, OrgPlan};
use rootsim_model::DEFAULT_SEED;

fn account_of(n: &Node) -> String {
    n.arn().split(':').nth(4).unwrap_or_default().to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_edge_is_a_decision_of_the_engine(plan in organization()) {
        let session = plan.build(DEFAULT_SEED);
        let graph = AccessGraph::build(&session.world);
        for e in graph.graph.edge_indices() {
            let (from, _) = graph.graph.edge_endpoints(e).expect("an edge has ends");
            let (from, edge) = (&graph.graph[from], &graph.graph[e]);
            // Escalated nodes, combined grants and PassRole (decided with iam:PassedToService,
            // and with the service's start actions) are decided with more than one question.
            if !from.is_principal() || edge.kind == EdgeKind::PassRole || edge.action.contains('+') {
                continue;
            }
            // `iam:SetDefaultPolicyVersion (v2)`: the action is the first word.
            let action = edge.action.split(' ').next().unwrap_or_default();
            let record = session.world.decide(&from.arn(), action, &edge.resource).expect("the principal exists");
            prop_assert!(record.decision.is_allowed(), "{} {} {}: {}", from.arn(), edge.action, edge.resource, record.explain());
        }
    }

    #[test]
    fn every_allowed_role_assumption_and_key_minting_is_an_edge(plan in organization()) {
        // The graph asks only the candidates its indexes give; none may be missing.
        let session = plan.build(DEFAULT_SEED);
        let world = &session.world;
        let graph = AccessGraph::build(world);
        let mut principals = Vec::new();
        for (account, iam) in &world.iam.accounts {
            principals.extend(iam.users.values().map(|u| Node::User { arn: format!("arn:aws:iam::{account}:user/{}", u.name) }));
            principals.extend(iam.roles.values().map(|r| Node::Role { arn: format!("arn:aws:iam::{account}:role/{}", r.name) }));
        }
        for from in &principals {
            for to in principals.iter().filter(|t| *t != from) {
                let action = if matches!(to, Node::Role { .. }) { "sts:AssumeRole" } else { "iam:CreateAccessKey" };
                let allowed = world.decide(&from.arn(), action, &to.arn()).is_ok_and(|r| r.decision.is_allowed());
                let edge = graph.node(from).zip(graph.node(to)).is_some_and(|(f, t)| graph.graph.contains_edge(f, t));
                prop_assert!(!allowed || edge, "{} may {action} on {} but the graph has no edge", from.arn(), to.arn());
            }
        }
    }

    /// Every PassRole edge leads into a role that is not service-linked and trusts a service its
    /// caller can start (GRAPH-PASSROLE-STARTABLE-SERVICE), and the caller is allowed every start
    /// action of the way the edge names; no edge of any kind but AssumeRole enters a
    /// service-linked role (GRAPH-NO-EDGE-INTO-SERVICE-LINKED-ROLE).
    #[test]
    fn pass_role_edges_lead_to_startable_services_only(plan in organization()) {
        let session = plan.build(DEFAULT_SEED);
        let world = &session.world;
        let graph = AccessGraph::build(world);
        for e in graph.graph.edge_indices() {
            let (from, to) = graph.graph.edge_endpoints(e).expect("an edge has ends");
            let (from, to, edge) = (&graph.graph[from], &graph.graph[to], &graph.graph[e]);
            let role = world.iam.accounts.values().flat_map(|a| a.roles.values()).find(|r| to.arn().ends_with(&format!("role{}{}", r.path, r.name)));
            if let Some(r) = role {
                prop_assert!(edge.kind == EdgeKind::AssumeRole || !is_service_linked(&r.path), "{} into {}", edge.action, to.arn());
            }
            if edge.kind != EdgeKind::PassRole || !from.is_principal() {
                continue;
            }
            let rest = edge.action.strip_prefix("iam:PassRole to ").expect("PassRole edges name their service");
            let mut parts = rest.split(" + ");
            let service = parts.next().unwrap_or_default();
            let (_, ways) = PASS_ROLE_STARTS.iter().find(|(s, _)| *s == service).expect("a startable service");
            let role = role.expect("PassRole leads into a role");
            prop_assert!(role.trust_policy.text().contains(service), "{} does not trust {service}", to.arn());
            let account = from.arn().split(':').nth(4).unwrap_or_default().to_string();
            let starts: Vec<&str> = parts.collect();
            let way = ways.iter().find(|w| w.iter().map(|(a, _)| *a).eq(starts.iter().copied())).expect("a way of the table");
            for (action, resource) in way.iter() {
                let resource = resource.replace("{account}", &account);
                let allowed = world.decide(&from.arn(), action, &resource).is_ok_and(|r| r.decision.is_allowed());
                prop_assert!(allowed, "{} may not {action} on {resource}", from.arn());
            }
        }
    }

    #[test]
    fn a_deny_all_scp_cuts_every_edge_out_of_its_account(plan in organization(), pick in any::<usize>()) {
        let mut session = plan.build(DEFAULT_SEED);
        let org = session.world.organizations.org.clone().expect("the demo world has an organization");
        let members: Vec<String> = org.accounts.keys().filter(|a| **a != org.management_account).cloned().collect();
        let target = members[pick % members.len()].clone();
        let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
        let made = session.run(&format!("aws organizations create-policy --name DenyAll --type SERVICE_CONTROL_POLICY --description d --content {deny}"));
        prop_assert!(made.ok, "{}", made.text);
        let id = made.json.as_ref().and_then(|j| j["Policy"]["PolicySummary"]["Id"].as_str()).unwrap_or("").to_string();
        let attached = session.run(&format!("aws organizations attach-policy --policy-id {id} --target-id {target}"));
        prop_assert!(attached.ok, "{}", attached.text);
        let graph = AccessGraph::build(&session.world);
        for e in graph.graph.edge_indices() {
            let (from, to) = graph.graph.edge_endpoints(e).expect("an edge has ends");
            prop_assert!(account_of(&graph.graph[from]) != target, "{} -> {} survived a deny-all SCP", graph.graph[from].id(), graph.graph[to].id());
        }
    }
}

#[test]
fn a_plan_with_every_part_builds() {
    let plan = OrgPlan { ous: vec![0, 1], accounts: vec![2, 0], scps: Vec::new() };
    let session = plan.build(DEFAULT_SEED);
    for name in plan.account_names() {
        assert!(session.world.accounts.find(&name).is_some(), "{name} was not created");
    }
    let org = session.world.organizations.org.as_ref().expect("an organization");
    let acct0 = session.world.accounts.find("acct0").expect("created").id.clone();
    let ou1 = org.ous.values().find(|o| o.name == "OU1").expect("created");
    assert_eq!(org.accounts[&acct0].parent, ou1.id, "acct0 goes into the plan's second OU");
}
