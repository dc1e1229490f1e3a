//! `AccessGraph::build_towards` (the graph of what can reach one node, which `who-can-become-root`
//! and `path` build) gives every principal the same shortest path into that node as the whole
//! graph (`AccessGraph::build`): on small synthetic estates with and without centralized root
//! access, on the demo world, and on generated organizations.

use proptest::prelude::*;
use rootsim_model::command::Origin;
use rootsim_model::graph::{who_can_answer, who_can_via, AccessGraph, Node};
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
    let mut session =
        Session { world, identity, origin: Origin::Empty { seed }, last: None, no_call: None, cli: Default::default() };
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

/// Runs `line`, asserting it succeeds, and returns its JSON output.
fn must(session: &mut Session, line: &str) -> serde_json::Value {
    let out = session.run(line);
    assert!(out.ok, "{line}: {}", out.text);
    out.json.unwrap_or_default()
}

/// Signs in as `role` of `account` (a demo account's name), assumed from the current identity.
fn sign_in_as_role(session: &mut Session, account: &str, role: &str) {
    let id = session.world.accounts.find(account).expect("a demo account").id.clone();
    let json = must(
        session,
        &format!("aws sts assume-role --role-arn arn:aws:iam::{id}:role/{role} --role-session-name setup"),
    );
    let c = &json["Credentials"];
    let keys = |k: &str| c[k].as_str().unwrap_or_default().to_string();
    must(
        session,
        &format!(
            "sign-in keys --access-key-id {} --secret-access-key {} --session-token {}",
            keys("AccessKeyId"),
            keys("SecretAccessKey"),
            keys("SessionToken")
        ),
    );
}

/// An identity policy document allowing `actions` on `resource`, as one bare JSON word.
fn allow(actions: &[&str], resource: &str) -> String {
    let actions: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"{resource}"}}]}}"#,
        actions.join(",")
    )
}

/// A trust policy document trusting `account`, as one bare JSON word.
fn trusting(account: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

/// The demo world with root sessions on, and principals whose escalated nodes lie outside the
/// closure's plain edges (alice, the management account's administrator, builds it):
///
/// * management: role `Helper` (trusts the management account, no permission) and user
///   `granter`, who may assume `Helper` and attach policies to it but not call AssumeRoot:
///   `Helper` is outside the closure of a member's root user, `Helper (any permission)` inside.
/// * management: role `MgmtOps`, trusted by dev, which may attach policies to itself only.
/// * security: the IAM delegated administrator; its role `RootOps`, trusted by dev, may call
///   `sts:AssumeRoot`; its user `sec-granter` may create access keys for `sec-helper` (no
///   permission) and put a user policy on it.
fn escalations_outside_the_closure() -> Session {
    let mut s = Session::demo(DEFAULT_SEED);
    enable_root_sessions(&mut s);
    let id = |s: &Session, name: &str| s.world.accounts.find(name).expect("a demo account").id.clone();
    let (mgmt, dev, security) = (id(&s, "management"), id(&s, "dev"), id(&s, "security"));
    must(&mut s, &format!("aws organizations register-delegated-administrator --account-id {security} --service-principal iam.amazonaws.com"));
    let helper = format!("arn:aws:iam::{mgmt}:role/Helper");
    let mgmt_ops = format!("arn:aws:iam::{mgmt}:role/MgmtOps");
    for line in [
        format!("aws iam create-role --role-name Helper --assume-role-policy-document {}", trusting(&mgmt)),
        "aws iam create-user --user-name granter".to_string(),
        format!(
            "aws iam put-user-policy --user-name granter --policy-name g --policy-document {}",
            allow(&["sts:AssumeRole", "iam:AttachRolePolicy"], &helper)
        ),
        format!("aws iam create-role --role-name MgmtOps --assume-role-policy-document {}", trusting(&dev)),
        format!(
            "aws iam put-role-policy --role-name MgmtOps --policy-name self --policy-document {}",
            allow(&["iam:AttachRolePolicy"], &mgmt_ops)
        ),
    ] {
        must(&mut s, &line);
    }
    sign_in_as_role(&mut s, "security", "OrganizationAccountAccessRole");
    let sec_helper = format!("arn:aws:iam::{security}:user/sec-helper");
    for line in [
        format!("aws iam create-role --role-name RootOps --assume-role-policy-document {}", trusting(&dev)),
        format!(
            "aws iam put-role-policy --role-name RootOps --policy-name r --policy-document {}",
            allow(&["sts:AssumeRoot"], "*")
        ),
        "aws iam create-user --user-name sec-helper".to_string(),
        "aws iam create-user --user-name sec-granter".to_string(),
        format!(
            "aws iam put-user-policy --user-name sec-granter --policy-name g --policy-document {}",
            allow(&["iam:CreateAccessKey", "iam:PutUserPolicy"], &sec_helper)
        ),
    ] {
        must(&mut s, &line);
    }
    s
}

#[test]
fn grantees_outside_the_closure_and_a_delegated_administrator_answer_as_the_full_graph() {
    let session = escalations_outside_the_closure();
    let world = &session.world;
    let prod = world.accounts.find("prod").expect("a demo account").id.clone();
    let target = Node::Root { account: prod };
    let paths = AccessGraph::build_towards(world, &target).who_can_reach(&target);
    let line = |who: &str| {
        let p =
            paths.iter().find(|p| p[0].0.arn().ends_with(who)).unwrap_or_else(|| panic!("{who} reaches prod's root"));
        p.iter().map(|(n, _)| n.id()).collect::<Vec<_>>().join(" -> ")
    };
    // Each case is there: the paths go through escalated nodes whose principal has no plain
    // edge into the closure, and through the delegated administrator's role.
    assert!(line(":user/granter").contains(":role/Helper (any permission) -> "), "{}", line(":user/granter"));
    assert!(
        line(":user/sec-granter").contains(":user/sec-helper (any permission) -> "),
        "{}",
        line(":user/sec-granter")
    );
    assert!(line(":role/MgmtOps").contains(":role/MgmtOps (any permission) -> "), "{}", line(":role/MgmtOps"));
    assert!(line(":role/Deployer").contains(":role/RootOps -> "), "{}", line(":role/Deployer"));
    assert!(same_answers(world, &nodes(world)) > 0);
}

/// Asserts that `who-can --via` (a graph built towards the allowed principals) answers as the
/// whole graph for a few requests about each account: calling AssumeRoot on its root user,
/// deleting, and attaching a policy to, its last role, creating a user in it. Returns how many
/// paths the answers had.
fn same_who_can(world: &World) -> usize {
    let full = AccessGraph::build(world);
    let mut paths = 0;
    // An action that any permission allows everywhere: every user and role is a grantee whose
    // granters end paths (GRAPH-WHO-CAN-VIA), the build draws none of their escalated nodes.
    let everywhere = [("iam:ListUsers".to_string(), "*".to_string())];
    for (action, resource) in everywhere {
        let got = who_can_answer(world, &action, &resource, true);
        let want = who_can_via(world, &full, &got.direct, &action, &resource);
        assert_eq!(got.via, want, "who-can {action} {resource} --via differs");
        paths += want.len();
    }
    for (account, iam) in &world.iam.accounts {
        let mut requests = vec![
            ("sts:AssumeRoot".to_string(), format!("arn:aws:iam::{account}:root")),
            ("iam:CreateUser".to_string(), format!("arn:aws:iam::{account}:user/someone")),
        ];
        if let Some(r) = iam.roles.values().last() {
            let role = format!("arn:aws:iam::{account}:role{}{}", r.path, r.name);
            requests.push(("iam:DeleteRole".to_string(), role.clone()));
            requests.push(("iam:AttachRolePolicy".to_string(), role));
        }
        for (action, resource) in requests {
            let got = who_can_answer(world, &action, &resource, true);
            let want = who_can_via(world, &full, &got.direct, &action, &resource);
            assert_eq!(got.via, want, "who-can {action} {resource} --via differs");
            paths += want.len();
        }
    }
    paths
}

/// The world of [`escalations_outside_the_closure`] where nobody in prod may act directly: its
/// access role has no policy left, its user `granter2` may create access keys for user `grantee` (no
/// permission) and attach policies to it, and role `Target` trusts prod. Asked who may delete
/// `Target`, only prod's root user may; `grantee` would, given any permission, but no node of
/// the closure from prod's root user leads to it.
fn nobody_may_in_prod() -> Session {
    let mut s = escalations_outside_the_closure();
    must(&mut s, "sign-in user --account management --user-name alice --password Alice-Passw0rd!");
    sign_in_as_role(&mut s, "prod", "OrganizationAccountAccessRole");
    let prod = s.world.accounts.find("prod").expect("a demo account").id.clone();
    let grantee = format!("arn:aws:iam::{prod}:user/grantee");
    for line in [
        format!("aws iam create-role --role-name Target --assume-role-policy-document {}", trusting(&prod)),
        "aws iam create-user --user-name grantee".to_string(),
        "aws iam create-user --user-name granter2".to_string(),
        format!(
            "aws iam put-user-policy --user-name granter2 --policy-name g --policy-document {}",
            allow(&["iam:CreateAccessKey", "iam:AttachUserPolicy"], &grantee)
        ),
        "aws iam detach-role-policy --role-name OrganizationAccountAccessRole --policy-arn arn:aws:iam::aws:policy/AdministratorAccess".to_string(),
    ] {
        must(&mut s, &line);
    }
    s
}

#[test]
fn who_can_via_answers_as_the_full_graph() {
    let mut paths = same_who_can(&escalations_outside_the_closure().world);
    let mut demo = Session::demo(DEFAULT_SEED);
    paths += same_who_can(&demo.world);
    enable_root_sessions(&mut demo);
    paths += same_who_can(&demo.world);
    for seed in [1, 2] {
        paths += same_who_can(&synthetic(4, seed, true).world);
    }
    assert!(paths > 0, "no answer had a path: the comparison proves nothing");
    // Only prod's root user may delete Target; granter2 would, through grantee with any permission.
    let world = &nobody_may_in_prod().world;
    let prod = world.accounts.find("prod").expect("a demo account").id.clone();
    let target = format!("arn:aws:iam::{prod}:role/Target");
    let answer = who_can_answer(world, "iam:DeleteRole", &target, true);
    let direct: Vec<String> = answer.direct.iter().map(|(n, _)| n.id()).collect();
    assert_eq!(direct, [format!("arn:aws:iam::{prod}:root")]);
    let via: Vec<String> =
        answer.via.iter().map(|p| p.iter().map(|(n, _)| n.id()).collect::<Vec<_>>().join(" -> ")).collect();
    let through_grantee =
        format!("arn:aws:iam::{prod}:user/granter2 -> arn:aws:iam::{prod}:user/grantee (any permission)");
    assert!(via.contains(&through_grantee), "{via:#?}");
    assert!(same_who_can(world) > 0);
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
        same_who_can(&session.world);
    }
}

/// No edge leads into a service-linked role, though every principal of its account may do
/// anything to it (GRAPH-NO-EDGE-INTO-SERVICE-LINKED-ROLE); the same role at another path is
/// reached by PassRole (it trusts EC2, and the admin may run instances) and by the rest.
#[test]
fn no_edge_leads_into_a_service_linked_role() {
    use rootsim_model::import::import;
    let role = |name: &str, path: &str| {
        format!(
            r#"{{"Path": "{path}", "RoleName": "{name}", "RoleId": "AROA{:0>16}", "Arn": "arn:aws:iam::111122223333:role{path}{name}",
            "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "ec2.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}}}}"#,
            name.len()
        )
    };
    let iam = format!(
        r#"{{"UserDetailList": [{{"Path": "/", "UserName": "admin", "UserId": "AIDAEXAMPLE000000001", "Arn": "arn:aws:iam::111122223333:user/admin",
        "UserPolicyList": [{{"PolicyName": "All", "PolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*"}}]}}}}]}}],
        "RoleDetailList": [{}, {}]}}"#,
        role("AWSServiceRoleForEC2Spot", "/aws-service-role/spot.amazonaws.com/"),
        role("Ordinary", "/")
    );
    let imported = import(&[("accounts/111122223333/iam.json".to_string(), iam)], DEFAULT_SEED);
    assert!(imported.is_clean(), "{}", imported.report());
    let graph = AccessGraph::build(&imported.world);
    let linked = Node::Role {
        arn: "arn:aws:iam::111122223333:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot".into(),
    };
    let ordinary = Node::Role { arn: "arn:aws:iam::111122223333:role/Ordinary".into() };
    let into = |n: &Node| {
        let i = graph.node(n).expect("a node");
        graph.graph.edge_indices().filter(|&e| graph.graph.edge_endpoints(e).is_some_and(|(_, to)| to == i)).count()
    };
    assert_eq!(into(&linked), 0);
    assert!(into(&ordinary) > 0);
    assert!(graph.who_can_reach(&linked).is_empty());
}

/// Asserts that `graph --account` (a graph built around the account, `AccessGraph::build_around`)
/// draws for every account of `world` what the whole graph filtered to it draws, in JSON (nodes,
/// edges, their order and every edge's statements); returns how many edges were drawn in all.
fn same_pictures(world: &World) -> usize {
    use rootsim_model::graph::{render, render_from, GraphFormat, GraphView};
    let full = AccessGraph::build(world);
    let mut edges = 0;
    for account in world.iam.accounts.keys() {
        let view = GraphView {
            account: Some(account.clone()),
            format: GraphFormat::Json,
            max_nodes: usize::MAX,
            ..Default::default()
        };
        let want = render_from(world, &view, &full).expect("the account exists");
        let got = render(world, &view).expect("the account exists");
        assert_eq!(got, want, "graph --account {account} differs from the whole graph's");
        let parsed: serde_json::Value = serde_json::from_str(&want).expect("JSON");
        edges += parsed["edges"].as_array().map_or(0, Vec::len);
    }
    edges
}

#[test]
fn graph_account_draws_what_the_whole_graph_draws() {
    let mut edges = same_pictures(&escalations_outside_the_closure().world);
    edges += same_pictures(&nobody_may_in_prod().world);
    let mut demo = Session::demo(DEFAULT_SEED);
    edges += same_pictures(&demo.world);
    enable_root_sessions(&mut demo);
    edges += same_pictures(&demo.world);
    for seed in [1, 2, 3] {
        for root_sessions in [false, true] {
            edges += same_pictures(&synthetic(5, seed, root_sessions).world);
        }
    }
    assert!(edges > 0, "no edge drawn: the comparison proves nothing");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn generated_organizations_draw_each_account_as_the_whole_graph(plan in organization(), root_sessions in any::<bool>()) {
        let mut session = plan.build(DEFAULT_SEED);
        if root_sessions {
            enable_root_sessions(&mut session);
        }
        same_pictures(&session.world);
    }
}

/// `who-can` (without `--via`) lists exactly the principals that the engine allows, asked one by
/// one: the principals it does not ask (no identity policy naming the action, no resource
/// policy) are all denied. Several actions on each account's last role, its users and `*`.
#[test]
fn who_can_lists_every_principal_the_engine_allows() {
    let mut allowed = 0;
    let mut demo = Session::demo(DEFAULT_SEED);
    enable_root_sessions(&mut demo);
    for world in [&escalations_outside_the_closure().world, &demo.world, &synthetic(4, 5, true).world] {
        let principals = nodes(world);
        for (account, iam) in &world.iam.accounts {
            let mut requests = vec![
                ("iam:ListUsers".to_string(), "*".to_string()),
                ("iam:CreateUser".to_string(), format!("arn:aws:iam::{account}:user/someone")),
                ("sts:GetCallerIdentity".to_string(), "*".to_string()),
            ];
            if let Some(r) = iam.roles.values().last() {
                let role = format!("arn:aws:iam::{account}:role{}{}", r.path, r.name);
                requests.push(("iam:DeleteRole".to_string(), role.clone()));
                requests.push(("sts:AssumeRole".to_string(), role.clone()));
                requests.push(("iam:PassRole".to_string(), role));
            }
            for (action, resource) in requests {
                let got: Vec<String> =
                    who_can_answer(world, &action, &resource, false).direct.iter().map(|(n, _)| n.arn()).collect();
                let want: Vec<String> = principals
                    .iter()
                    .map(Node::arn)
                    .filter(|p| world.decide(p, &action, &resource).is_ok_and(|r| r.decision.is_allowed()))
                    .collect();
                assert_eq!(got, want, "who-can {action} {resource}");
                allowed += want.len();
            }
        }
    }
    assert!(allowed > 0, "nobody allowed anything: the comparison proves nothing");
}

/// Joining a group (GRAPH-ADD-USER-TO-GROUP): in dev, group `Analysts` may read a bucket's
/// objects; user `joiner` may add itself to it; role `Adder` (trusting dev) may add any user to
/// it and create any user's access keys; user `caller` may assume `Adder`. `who-can --via`
/// answers as the whole graph, with joiner and, through Adder, caller reaching a member.
#[test]
fn joining_a_group_answers_as_the_full_graph() {
    let mut s = Session::demo(DEFAULT_SEED);
    sign_in_as_role(&mut s, "dev", "OrganizationAccountAccessRole");
    let dev = s.world.accounts.find("dev").expect("a demo account").id.clone();
    let group = format!("arn:aws:iam::{dev}:group/Analysts");
    for line in [
        "aws iam create-group --group-name Analysts".to_string(),
        format!(
            "aws iam put-group-policy --group-name Analysts --policy-name read --policy-document {}",
            allow(&["s3:GetObject"], "arn:aws:s3:::reports/*")
        ),
        "aws iam create-user --user-name joiner".to_string(),
        format!(
            "aws iam put-user-policy --user-name joiner --policy-name join --policy-document {}",
            allow(&["iam:AddUserToGroup"], &group)
        ),
        format!("aws iam create-role --role-name Adder --assume-role-policy-document {}", trusting(&dev)),
        format!(
            "aws iam put-role-policy --role-name Adder --policy-name add --policy-document {}",
            allow(&["iam:AddUserToGroup", "iam:CreateAccessKey"], "*")
        ),
        "aws iam create-user --user-name caller".to_string(),
        format!(
            "aws iam put-user-policy --user-name caller --policy-name assume --policy-document {}",
            allow(&["sts:AssumeRole"], &format!("arn:aws:iam::{dev}:role/Adder"))
        ),
    ] {
        must(&mut s, &line);
    }
    let world = &s.world;
    let (action, resource) = ("s3:GetObject", "arn:aws:s3:::reports/q1.csv");
    let got = who_can_answer(world, action, resource, true);
    let full = AccessGraph::build(world);
    assert_eq!(got.via, who_can_via(world, &full, &got.direct, action, resource));
    let line = |who: &str| {
        got.via
            .iter()
            .find(|p| p[0].0.arn().ends_with(who))
            .map(|p| p.iter().map(|(n, _)| n.id()).collect::<Vec<_>>().join(" -> "))
            .unwrap_or_default()
    };
    let member = format!(" (member of {group})");
    assert_eq!(
        line(":user/joiner"),
        format!("arn:aws:iam::{dev}:user/joiner -> arn:aws:iam::{dev}:user/joiner{member}")
    );
    assert!(line(":user/caller")
        .starts_with(&format!("arn:aws:iam::{dev}:user/caller -> arn:aws:iam::{dev}:role/Adder -> ")));
    assert!(line(":user/caller").ends_with(&member), "{}", line(":user/caller"));
    // Nobody is allowed directly for joining: the member's step is decided with the group.
    assert!(got.direct.iter().all(|(n, _)| !n.arn().ends_with(":user/joiner")));
    assert!(got
        .members
        .iter()
        .any(|(n, by)| n.id().ends_with(&member) && by.iter().any(|b| b.contains("inline policy of group Analysts"))));
    // Without the group's policy, nobody reaches a member.
    let mut s = s;
    must(&mut s, "aws iam delete-group-policy --group-name Analysts --policy-name read");
    let after = who_can_answer(&s.world, action, resource, true);
    assert!(after.via.iter().all(|p| !p.last().is_some_and(|(n, _)| matches!(n, Node::Member { .. }))));
}

/// The demo world with root sessions on and group joins in the middle of paths
/// (GRAPH-ADD-USER-TO-GROUP), alice (the management account's administrator) building it:
///
/// * management: group `RootOps` may call `sts:AssumeRoot`; user `joiner` may add itself to it;
///   role `Adder` (trusting the management account) may add any user to any group and give any
///   user a console password; user `caller` may assume `Adder`; user `quiet` holds no policy.
/// * dev: role `Admin` (trusting dev) holds AdministratorAccess; group `Deployers` may assume it,
///   and user `deployer` may add itself to it; group `Minters` may create access keys for user
///   `victim`, who may assume `Admin`, and user `minter` may add itself to `Minters`; group
///   `Escalators` may put a policy on any user, and user `climber` may add itself to it; group
///   `RoleAdmins` may attach policies to role `Worker` (trusting dev, no permission), and user
///   `worker-joiner` may add itself to it and assume `Worker`.
fn joins_world() -> Session {
    let mut s = Session::demo(DEFAULT_SEED);
    enable_root_sessions(&mut s);
    let id = |s: &Session, name: &str| s.world.accounts.find(name).expect("a demo account").id.clone();
    let (mgmt, dev) = (id(&s, "management"), id(&s, "dev"));
    let group = |account: &str, name: &str| format!("arn:aws:iam::{account}:group/{name}");
    for line in [
        "aws iam create-group --group-name RootOps".to_string(),
        format!(
            "aws iam put-group-policy --group-name RootOps --policy-name root --policy-document {}",
            allow(&["sts:AssumeRoot"], "*")
        ),
        "aws iam create-user --user-name joiner".to_string(),
        format!(
            "aws iam put-user-policy --user-name joiner --policy-name join --policy-document {}",
            allow(&["iam:AddUserToGroup"], &group(&mgmt, "RootOps"))
        ),
        format!("aws iam create-role --role-name Adder --assume-role-policy-document {}", trusting(&mgmt)),
        format!(
            "aws iam put-role-policy --role-name Adder --policy-name add --policy-document {}",
            allow(&["iam:AddUserToGroup", "iam:CreateLoginProfile"], "*")
        ),
        "aws iam create-user --user-name caller".to_string(),
        format!(
            "aws iam put-user-policy --user-name caller --policy-name assume --policy-document {}",
            allow(&["sts:AssumeRole"], &format!("arn:aws:iam::{mgmt}:role/Adder"))
        ),
        "aws iam create-user --user-name quiet".to_string(),
    ] {
        must(&mut s, &line);
    }
    sign_in_as_role(&mut s, "dev", "OrganizationAccountAccessRole");
    let admin = format!("arn:aws:iam::{dev}:role/Admin");
    for line in [
        format!("aws iam create-role --role-name Admin --assume-role-policy-document {}", trusting(&dev)),
        "aws iam attach-role-policy --role-name Admin --policy-arn arn:aws:iam::aws:policy/AdministratorAccess"
            .to_string(),
        "aws iam create-group --group-name Deployers".to_string(),
        format!(
            "aws iam put-group-policy --group-name Deployers --policy-name assume --policy-document {}",
            allow(&["sts:AssumeRole"], &admin)
        ),
        "aws iam create-user --user-name deployer".to_string(),
        format!(
            "aws iam put-user-policy --user-name deployer --policy-name join --policy-document {}",
            allow(&["iam:AddUserToGroup"], &group(&dev, "Deployers"))
        ),
        "aws iam create-user --user-name victim".to_string(),
        format!(
            "aws iam put-user-policy --user-name victim --policy-name assume --policy-document {}",
            allow(&["sts:AssumeRole"], &admin)
        ),
        "aws iam create-group --group-name Minters".to_string(),
        format!(
            "aws iam put-group-policy --group-name Minters --policy-name mint --policy-document {}",
            allow(&["iam:CreateAccessKey"], &format!("arn:aws:iam::{dev}:user/victim"))
        ),
        "aws iam create-user --user-name minter".to_string(),
        format!(
            "aws iam put-user-policy --user-name minter --policy-name join --policy-document {}",
            allow(&["iam:AddUserToGroup"], &group(&dev, "Minters"))
        ),
        "aws iam create-group --group-name Escalators".to_string(),
        format!(
            "aws iam put-group-policy --group-name Escalators --policy-name put --policy-document {}",
            allow(&["iam:PutUserPolicy"], "*")
        ),
        "aws iam create-user --user-name climber".to_string(),
        format!(
            "aws iam put-user-policy --user-name climber --policy-name join --policy-document {}",
            allow(&["iam:AddUserToGroup"], &group(&dev, "Escalators"))
        ),
        format!("aws iam create-role --role-name Worker --assume-role-policy-document {}", trusting(&dev)),
        "aws iam create-group --group-name RoleAdmins".to_string(),
        format!(
            "aws iam put-group-policy --group-name RoleAdmins --policy-name attach --policy-document {}",
            allow(&["iam:AttachRolePolicy"], &format!("arn:aws:iam::{dev}:role/Worker"))
        ),
        "aws iam create-user --user-name worker-joiner".to_string(),
        format!(
            "aws iam put-user-policy --user-name worker-joiner --policy-name join --policy-document {}",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"GROUP"},{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"WORKER"}]}"#
                .replace("GROUP", &group(&dev, "RoleAdmins"))
                .replace("WORKER", &format!("arn:aws:iam::{dev}:role/Worker"))
        ),
    ] {
        must(&mut s, &line);
    }
    s
}

/// Group joins in the middle of paths: every principal's paths into every node, `who-can --via`
/// and `graph --account` answer as the whole graph, and each join is a step of the paths.
#[test]
fn joining_a_group_mid_path_answers_as_the_full_graph() {
    let session = joins_world();
    let world = &session.world;
    let id = |name: &str| world.accounts.find(name).expect("a demo account").id.clone();
    let (mgmt, dev, prod) = (id("management"), id("dev"), id("prod"));
    let prod_root = Node::Root { account: prod };
    let paths = AccessGraph::build_towards(world, &prod_root).who_can_reach(&prod_root);
    let line = |paths: &[rootsim_model::graph::Path], who: &str| {
        paths
            .iter()
            .find(|p| p[0].0.arn().ends_with(who))
            .map(|p| p.iter().map(|(n, _)| n.id()).collect::<Vec<_>>().join(" -> "))
            .unwrap_or_default()
    };
    let root_ops = format!(" (member of arn:aws:iam::{mgmt}:group/RootOps) -> ");
    assert!(line(&paths, ":user/joiner").contains(&root_ops), "{}", line(&paths, ":user/joiner"));
    assert_eq!(
        line(&paths, ":user/caller"),
        format!(
            "arn:aws:iam::{mgmt}:user/caller -> arn:aws:iam::{mgmt}:role/Adder -> arn:aws:iam::{mgmt}:user/quiet{}{}",
            root_ops,
            prod_root.id()
        )
    );
    let admin = Node::Role { arn: format!("arn:aws:iam::{dev}:role/Admin") };
    let paths = AccessGraph::build_towards(world, &admin).who_can_reach(&admin);
    assert!(line(&paths, ":user/deployer").contains("(member of "), "{}", line(&paths, ":user/deployer"));
    assert_eq!(
        line(&paths, ":user/minter"),
        format!(
            "arn:aws:iam::{dev}:user/minter -> arn:aws:iam::{dev}:user/minter (member of arn:aws:iam::{dev}:group/Minters) -> arn:aws:iam::{dev}:user/victim -> {}",
            admin.id()
        )
    );
    // A group whose member may attach policies to Worker, which the user may assume: the member
    // gives Worker any permission, and Worker with any permission assumes Admin.
    assert_eq!(
        line(&paths, ":user/worker-joiner"),
        format!(
            "arn:aws:iam::{dev}:user/worker-joiner -> arn:aws:iam::{dev}:user/worker-joiner (member of arn:aws:iam::{dev}:group/RoleAdmins) -> arn:aws:iam::{dev}:role/Worker (any permission) -> {}",
            admin.id()
        )
    );
    // A group that lets its member give itself any permission stays a grant.
    assert!(
        line(&paths, ":user/climber").contains(":user/climber (any permission) -> "),
        "{}",
        line(&paths, ":user/climber")
    );
    assert!(same_answers(world, &nodes(world)) > 0);
    assert!(same_who_can(world) > 0);
    assert!(same_pictures(world) > 0);
}

/// What a generated group or user of [`joins_plan`] may do: an index into [`grant_of`]'s list.
type Grant = usize;

/// The policy document of grant `g` in the management account `mgmt`, where the world has groups
/// `g0`.. and users `u0`..: assume any role, start root sessions, mint user `u{n}`'s keys, put a
/// policy on any user, add any user to group `g{n}`, add any user to any group, read objects,
/// attach policies to any role, deny assuming roles.
fn grant_of(g: Grant, n: usize, mgmt: &str) -> String {
    match g % 9 {
        0 => allow(&["sts:AssumeRole"], "*"),
        1 => allow(&["sts:AssumeRoot"], "*"),
        2 => allow(&["iam:CreateAccessKey"], &format!("arn:aws:iam::{mgmt}:user/u{n}")),
        3 => allow(&["iam:PutUserPolicy"], "*"),
        4 => allow(&["iam:AddUserToGroup"], &format!("arn:aws:iam::{mgmt}:group/g{n}")),
        5 => allow(&["iam:AddUserToGroup"], "*"),
        6 => allow(&["s3:GetObject"], "*"),
        7 => allow(&["iam:AttachRolePolicy"], "*"),
        _ => r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]}"#.to_string(),
    }
}

/// A generated estate of group joins in the demo world's management account: per group, its
/// grant and the grant's index; per user, its grant (or none), the grant's index, and the groups
/// it is in already (bits).
type JoinsPlan = (Vec<(Grant, usize)>, Vec<(Option<Grant>, usize, u8)>);

fn joins_plan() -> impl Strategy<Value = JoinsPlan> {
    (
        proptest::collection::vec((0usize..9, 0usize..4), 1..4),
        proptest::collection::vec((proptest::option::of(0usize..9), 0usize..4, any::<u8>()), 1..5),
    )
}

/// The demo world with root sessions on and `plan`'s groups and users in its management account.
fn joins_estate(plan: &JoinsPlan) -> Session {
    let mut s = Session::demo(DEFAULT_SEED);
    enable_root_sessions(&mut s);
    let mgmt = s.world.accounts.find("management").expect("a demo account").id.clone();
    let (groups, users) = plan;
    for (i, (grant, n)) in groups.iter().enumerate() {
        must(&mut s, &format!("aws iam create-group --group-name g{i}"));
        let doc = grant_of(*grant, n % groups.len().max(users.len()), &mgmt);
        must(&mut s, &format!("aws iam put-group-policy --group-name g{i} --policy-name p --policy-document {doc}"));
    }
    for (i, (grant, n, member_of)) in users.iter().enumerate() {
        must(&mut s, &format!("aws iam create-user --user-name u{i}"));
        if let Some(grant) = grant {
            let doc = grant_of(*grant, n % groups.len().max(users.len()), &mgmt);
            must(&mut s, &format!("aws iam put-user-policy --user-name u{i} --policy-name p --policy-document {doc}"));
        }
        for g in (0..groups.len()).filter(|g| member_of & (1 << g) != 0) {
            must(&mut s, &format!("aws iam add-user-to-group --user-name u{i} --group-name g{g}"));
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Generated group joins (GRAPH-ADD-USER-TO-GROUP): the paths into every node, `who-can
    /// --via` and `graph --account` answer as the whole graph.
    #[test]
    fn generated_group_joins_answer_as_the_full_graph(plan in joins_plan()) {
        let session = joins_estate(&plan);
        let world = &session.world;
        same_answers(world, &nodes(world));
        same_who_can(world);
        same_pictures(world);
    }
}

/// The Auto Scaling way into a role trusting EC2 (GRAPH-PASSROLE-AUTOSCALING), on the fixture
/// estate of three accounts of different ages (tests/fixtures/autoscaling-estate): every
/// principal's paths into every node are the whole graph's, and the old account's scaler
/// reaches Ec2Admin while the new account's does not.
#[test]
fn the_autoscaling_estate_answers_as_the_full_graph() {
    use rootsim::host::FsHost;
    let folder = format!("{}/../tests/fixtures/autoscaling-estate", env!("CARGO_MANIFEST_DIR"));
    let imported = rootsim_model::import::read_estate(&FsHost::cwd(), &folder, DEFAULT_SEED).expect("the fixture");
    assert!(imported.skipped.is_empty(), "{}", imported.report());
    let world = &imported.world;
    let all = nodes(world);
    assert!(same_answers(world, &all) > 0);
    let graph = AccessGraph::build(world);
    let reaches = |account: &str| {
        let (from, to) = (
            Node::User { arn: format!("arn:aws:iam::{account}:user/scaler") },
            Node::Role { arn: format!("arn:aws:iam::{account}:role/Ec2Admin") },
        );
        graph.shortest_path(&from, &to).is_some()
    };
    assert!(reaches("111111111111"));
    assert!(!reaches("222222222222"), "an account created after 1 October 2024 makes no launch configuration");
    assert!(!reaches("333333333333"), "no service-linked role, and scaler may not create it");

    // A launch configuration that exists already (imported: the account could not make one now)
    // is a workload: 222222222222's scaler, which may create groups and whose account has the
    // service-linked role, reaches Ec2Admin through it, with no iam:PassRole.
    let mut world = imported.world.clone();
    world.autoscaling.insert_launch_configuration(rootsim_model::autoscaling::LaunchConfiguration {
        name: "web".into(),
        account: "222222222222".into(),
        region: "eu-west-1".into(),
        id: "0e86eafc-15a3-4810-a7ec-cf16cf4a8808".into(),
        image_id: "ami-0abcdef1234567890".into(),
        instance_type: "t3.micro".into(),
        key_name: None,
        security_groups: Vec::new(),
        user_data: None,
        iam_instance_profile: Some("Ec2Admin".into()),
        monitoring: true,
        created: 0,
    });
    let all = nodes(&world);
    assert!(same_answers(&world, &all) > 0);
    let (from, to) = (
        Node::User { arn: "arn:aws:iam::222222222222:user/scaler".into() },
        Node::Role { arn: "arn:aws:iam::222222222222:role/Ec2Admin".into() },
    );
    let path = AccessGraph::build_towards(&world, &to).shortest_path(&from, &to).expect("a path through web");
    assert_eq!(path[0].1.as_ref().map(|e| e.action()), Some("autoscaling:CreateAutoScalingGroup"));
}

/// Runs `line` with `host` (for `fileb://` packages), asserting it succeeds.
fn must_with(session: &mut Session, host: &mut rootsim_model::MemoryHost, line: &str) {
    let out = session.execute(line, host);
    assert!(out.ok, "{line}: {}", out.text);
}

/// A trust policy letting the service principal `service` assume a role, as one bare JSON word.
fn trusting_service(service: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

/// The demo world with a workload of each modelled kind in the management account (an EC2
/// instance among them, whose role may register it with Systems Manager), each running
/// as its own administrator role (GRAPH-EXISTING-WORKLOAD), a user allowed only to change each
/// (`edit-<kind>`), and a role `Chain` (trusting the management account) allowed to change the
/// Lambda function, which user `chainer` may assume. `reader` may only read them.
fn workloads_world() -> Session {
    let mut s = Session::demo(DEFAULT_SEED);
    let mut host = rootsim_model::MemoryHost::default();
    let zip = std::fs::read(format!("{}/../scenarios/lambda/code/hello.zip", env!("CARGO_MANIFEST_DIR"))).expect("zip");
    host.binary.insert("hello.zip".to_string(), zip);
    let mgmt = s.world.accounts.find("management").expect("a demo account").id.clone();
    let role = |name: &str| format!("arn:aws:iam::{mgmt}:role/{name}");
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    let mut lines: Vec<String> = Vec::new();
    for (name, service) in [
        ("FnAdmin", "lambda.amazonaws.com"),
        ("GlueAdmin", "glue.amazonaws.com"),
        ("CfnAdmin", "cloudformation.amazonaws.com"),
        ("Ec2Admin", "ec2.amazonaws.com"),
        ("NbAdmin", "sagemaker.amazonaws.com"),
        ("BuildAdmin", "codebuild.amazonaws.com"),
    ] {
        lines.push(format!(
            "aws iam create-role --role-name {name} --assume-role-policy-document {}",
            trusting_service(service)
        ));
        lines.push(format!("aws iam attach-role-policy --role-name {name} --policy-arn {admin}"));
    }
    lines.push(format!(
        "aws lambda create-function --function-name nightly --runtime python3.13 --role {} --handler index.handler --zip-file fileb://hello.zip",
        role("FnAdmin")
    ));
    lines.push(format!(
        "aws glue create-dev-endpoint --endpoint-name etl --role-arn {} --region eu-west-1",
        role("GlueAdmin")
    ));
    lines.push(format!(
        r#"aws cloudformation create-stack --stack-name app --template-body {{"Resources":{{"Q":{{"Type":"AWS::SQS::Queue"}}}}}} --role-arn {}"#,
        role("CfnAdmin")
    ));
    lines.push("aws iam create-instance-profile --instance-profile-name Ec2Admin".to_string());
    lines
        .push("aws iam add-role-to-instance-profile --instance-profile-name Ec2Admin --role-name Ec2Admin".to_string());
    lines.push(
        "aws ec2 run-instances --image-id ami-0abcdef1234567890 --iam-instance-profile Name=Ec2Admin".to_string(),
    );
    lines.push(format!(
        "aws sagemaker create-notebook-instance --notebook-instance-name Lab --instance-type ml.t3.medium --role-arn {} --region eu-west-1",
        role("NbAdmin")
    ));
    lines.push(format!(
        "aws codebuild create-project --name deploy --source type=NO_SOURCE,buildspec=ls --artifacts type=NO_ARTIFACTS --environment type=LINUX_CONTAINER,image=aws/codebuild/standard:7.0,computeType=BUILD_GENERAL1_SMALL --service-role {}",
        role("BuildAdmin")
    ));
    for (user, action) in [
        ("edit-ssm", "ssm:SendCommand"),
        ("edit-session", "ssm:StartSession"),
        ("edit-ssh", "ec2-instance-connect:SendSSHPublicKey"),
        ("edit-notebook", "sagemaker:CreatePresignedNotebookInstanceUrl"),
        ("edit-build", "codebuild:StartBuild"),
        ("edit-lambda", "lambda:UpdateFunctionCode"),
        ("edit-glue", "glue:UpdateDevEndpoint"),
        ("edit-stack", "cloudformation:UpdateStack"),
        ("reader", "lambda:GetFunction"),
    ] {
        lines.push(format!("aws iam create-user --user-name {user}"));
        lines.push(format!(
            "aws iam put-user-policy --user-name {user} --policy-name edit --policy-document {}",
            allow(&[action], "*")
        ));
    }
    lines.push(format!("aws iam create-role --role-name Chain --assume-role-policy-document {}", trusting(&mgmt)));
    lines.push(format!(
        "aws iam put-role-policy --role-name Chain --policy-name edit --policy-document {}",
        allow(&["lambda:UpdateFunctionCode"], &format!("arn:aws:lambda:us-east-1:{mgmt}:function:nightly"))
    ));
    lines.push("aws iam create-user --user-name chainer".to_string());
    lines.push(format!(
        "aws iam put-user-policy --user-name chainer --policy-name assume --policy-document {}",
        allow(&["sts:AssumeRole"], &role("Chain"))
    ));
    for line in lines {
        must_with(&mut s, &mut host, &line);
    }
    s
}

/// Escalation through existing workloads (GRAPH-EXISTING-WORKLOAD): the graph built towards any
/// node, `who-can --via` and `graph --account` answer as the whole graph; each editor reaches its
/// workload's role in one Workload step naming the resource, the reader reaches none, and
/// chainer goes through Chain.
#[test]
fn workloads_answer_as_the_full_graph() {
    use rootsim_model::graph::EdgeKind;
    let s = workloads_world();
    let world = &s.world;
    let all = nodes(world);
    assert!(same_answers(world, &all) > 0);
    assert!(same_who_can(world) > 0);
    assert!(same_pictures(world) > 0);
    let mgmt = world.accounts.find("management").expect("a demo account").id.clone();
    let graph = AccessGraph::build(world);
    let step = |user: &str, role: &str| {
        let from = Node::User { arn: format!("arn:aws:iam::{mgmt}:user/{user}") };
        let to = Node::Role { arn: format!("arn:aws:iam::{mgmt}:role/{role}") };
        graph.shortest_path(&from, &to).map(|p| {
            p.iter().filter_map(|(_, e)| e.as_ref()).map(|e| (e.kind, e.resource.to_string())).collect::<Vec<_>>()
        })
    };
    let lambda = format!("arn:aws:lambda:us-east-1:{mgmt}:function:nightly");
    assert_eq!(step("edit-lambda", "FnAdmin"), Some(vec![(EdgeKind::Workload, lambda.clone())]));
    assert_eq!(
        step("edit-glue", "GlueAdmin"),
        Some(vec![(EdgeKind::Workload, format!("arn:aws:glue:eu-west-1:{mgmt}:devEndpoint/etl"))])
    );
    let stack = step("edit-stack", "CfnAdmin").expect("a path");
    assert_eq!(stack.len(), 1);
    assert!(stack[0].1.starts_with(&format!("arn:aws:cloudformation:us-east-1:{mgmt}:stack/app/")), "{stack:?}");
    let chained = step("chainer", "FnAdmin").expect("a path through Chain");
    assert_eq!(chained.len(), 2);
    assert_eq!(chained[1], (EdgeKind::Workload, lambda));
    let instance = |user: &str| {
        let steps = step(user, "Ec2Admin").expect("a path through the instance");
        assert_eq!(steps.len(), 1, "{user}: {steps:?}");
        assert_eq!(steps[0].0, EdgeKind::Workload);
        assert!(steps[0].1.starts_with(&format!("arn:aws:ec2:us-east-1:{mgmt}:instance/i-")), "{steps:?}");
    };
    for user in ["edit-ssm", "edit-session", "edit-ssh"] {
        instance(user);
    }
    assert_eq!(
        step("edit-notebook", "NbAdmin"),
        Some(vec![(EdgeKind::Workload, format!("arn:aws:sagemaker:eu-west-1:{mgmt}:notebook-instance/lab"))])
    );
    assert_eq!(
        step("edit-build", "BuildAdmin"),
        Some(vec![(EdgeKind::Workload, format!("arn:aws:codebuild:us-east-1:{mgmt}:project/deploy"))])
    );
    for role in ["FnAdmin", "GlueAdmin", "CfnAdmin", "Ec2Admin", "NbAdmin", "BuildAdmin"] {
        assert_eq!(step("reader", role), None, "reader reaches {role}");
    }
}
