//! Who can act as whom: the principal graph of a world, and the questions asked of it.
//!
//! Nodes are the principals of every account: each root user, IAM user and role. An edge
//! `A -> B` means A can become B, and every edge is a decision of the policy engine, SCPs
//! included ([`World::decide`]):
//!
//! * **AssumeRole**: A (an IAM user: the root user cannot assume roles) may call `sts:AssumeRole` on role B, which the role's
//!   trust policy allows;
//! * **AssumeRoot**: A, a principal of the management account or of the IAM delegated
//!   administrator, may call `sts:AssumeRoot` on member B's root user, RootSessions being enabled.
//!
//! [`who_can_become_root`] answers "which principals could end up acting as this account's root
//! user", each with its path; [`to_dot`] draws the graph for Graphviz.
//!
//! Not yet modelled (docs/rules.md, simulator assumptions): role-to-role chaining (deciding for a
//! role session needs a session), and the classic escalations that go through changing policies
//! or credentials (creating access keys or login profiles for others, editing trust policies,
//! attaching policies, passing roles).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use crate::arn;
use crate::World;

/// A principal of the graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    /// An account's root user.
    Root {
        /// The account.
        account: String,
    },
    /// An IAM user.
    User {
        /// Its ARN.
        arn: String,
    },
    /// An IAM role.
    Role {
        /// Its ARN.
        arn: String,
    },
}

impl Node {
    /// The principal's ARN.
    pub fn arn(&self) -> String {
        match self {
            Node::Root { account } => arn::root(account),
            Node::User { arn } | Node::Role { arn } => arn.clone(),
        }
    }
}

/// How one principal becomes another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// `sts:AssumeRole`, allowed by the caller's policies and the role's trust policy.
    AssumeRole,
    /// `sts:AssumeRoot` into a member's root user.
    AssumeRoot,
}

impl Edge {
    /// The action behind the edge.
    pub fn action(self) -> &'static str {
        match self {
            Edge::AssumeRole => "sts:AssumeRole",
            Edge::AssumeRoot => "sts:AssumeRoot",
        }
    }
}

/// The principal graph of a world.
#[derive(Debug, Clone)]
pub struct AccessGraph {
    /// The graph itself.
    pub graph: DiGraph<Node, Edge>,
    index: BTreeMap<Node, NodeIndex>,
}

impl AccessGraph {
    /// Builds the graph: one decision per (principal, role) pair and per (principal, member root)
    /// pair where AssumeRoot could apply.
    pub fn build(world: &World) -> AccessGraph {
        let mut graph = DiGraph::new();
        let mut index = BTreeMap::new();
        let mut add =
            |graph: &mut DiGraph<Node, Edge>, n: Node| *index.entry(n.clone()).or_insert_with(|| graph.add_node(n));
        let mut callers = Vec::new();
        let mut roles = Vec::new();
        for (account, iam) in &world.iam.accounts {
            callers.push(add(&mut graph, Node::Root { account: account.clone() }));
            for u in iam.users.values() {
                callers.push(add(&mut graph, Node::User { arn: arn::iam(account, "user", &u.path, &u.name) }));
            }
            for r in iam.roles.values() {
                let node = add(&mut graph, Node::Role { arn: arn::iam(account, "role", &r.path, &r.name) });
                roles.push((node, account.as_str(), &r.trust_policy));
            }
        }
        let allowed = |who: &Node, action: &str, resource: &str| {
            world.decide(&who.arn(), action, resource).is_ok_and(|r| r.decision.is_allowed())
        };
        let mut edges = Vec::new();
        // Only the callers a role's trust policy can admit are asked about (candidates::of): the
        // engine still decides each edge, but a world of 50,000 roles is not 50,000 x users.
        let mut candidates = candidates::Index::new(world, &graph, &callers);
        for &(r, owner, trust) in &roles {
            let role_arn = graph[r].arn();
            for c in candidates.of(owner, trust) {
                // The root user cannot assume roles, whatever the policies say (STS-ROOT-CANNOT-ASSUME).
                if matches!(graph[c], Node::Root { .. }) {
                    continue;
                }
                if allowed(&graph[c], "sts:AssumeRole", &role_arn) {
                    edges.push((c, r, Edge::AssumeRole));
                }
            }
        }
        // AssumeRoot: from IAM users (root users cannot call it) into every account whose root
        // sessions their organization permits them (sts::root_session_permitted).
        let accounts: Vec<String> = world.iam.accounts.keys().cloned().collect();
        for &c in &callers {
            let Node::User { arn: caller } = &graph[c] else { continue };
            let from = arn::Arn::parse(caller).map(|a| a.account.to_string()).unwrap_or_default();
            // Only the management account and the IAM delegated administrator may call AssumeRoot
            // (sts::root_session_permitted, asked below for each target): skip everyone else
            // without asking once per account.
            let org = world.organizations.of_account(&from);
            if !org.is_some_and(|o| o.management_account == from || o.is_iam_delegated_admin(&from)) {
                continue;
            }
            for target in &accounts {
                if crate::sts::root_session_permitted(world, &from, target).is_ok()
                    && allowed(&graph[c], "sts:AssumeRoot", &arn::root(target))
                {
                    let node = add(&mut graph, Node::Root { account: target.clone() });
                    edges.push((c, node, Edge::AssumeRoot));
                }
            }
        }
        for (a, b, e) in edges {
            graph.add_edge(a, b, e);
        }
        AccessGraph { graph, index }
    }

    /// Every principal that can reach `target`, with one shortest path each (the principal first,
    /// `target` last). The target itself is not listed.
    pub fn who_can_reach(&self, target: &Node) -> Vec<Vec<(Node, Option<Edge>)>> {
        let Some(&t) = self.index.get(target) else { return Vec::new() };
        // Breadth-first over incoming edges, remembering for each node the next step to `t`.
        let mut next: BTreeMap<NodeIndex, (NodeIndex, Edge)> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([t]);
        while let Some(n) = queue.pop_front() {
            for e in self.graph.edges_directed(n, Direction::Incoming) {
                let from = e.source();
                if from != t && !next.contains_key(&from) {
                    next.insert(from, (n, *e.weight()));
                    queue.push_back(from);
                }
            }
        }
        let mut paths: Vec<Vec<(Node, Option<Edge>)>> = next
            .keys()
            .map(|&start| {
                let mut path = Vec::new();
                let mut at = start;
                while let Some(&(to, edge)) = next.get(&at) {
                    path.push((self.graph[at].clone(), Some(edge)));
                    at = to;
                }
                path.push((self.graph[t].clone(), None));
                path
            })
            .collect();
        paths.sort_by(|a, b| (a.len(), &a[0].0).cmp(&(b.len(), &b[0].0)));
        paths
    }
}

/// Which callers a role's trust policy can admit, so that the graph asks the engine about them
/// alone. A superset, never a guess: a trust policy must itself allow `sts:AssumeRole` (its
/// `Principal` must match the caller), and across accounts the caller's own policies must allow
/// it too (facts §5.3: cross-account access needs both sides), so a caller is left out only when no
/// `Allow` statement's `Principal` can name it, or when its identity policies cannot allow any
/// `sts:` action and the trust policy admits it only as a member of an account. Anything the
/// index does not understand (`NotPrincipal`, an unknown form) admits every caller. Test:
/// `the_candidate_index_finds_every_edge_that_all_pairs_find`.
mod candidates {
    use super::Node;
    use crate::World;
    use petgraph::graph::{DiGraph, NodeIndex};
    use serde_json::Value;
    use std::collections::{BTreeMap, BTreeSet};

    /// The callers by account and by ARN, whether each may be allowed some `sts:` action, and
    /// each trust document already read (roles share documents: read each once).
    pub(super) struct Index {
        by_account: BTreeMap<String, Vec<NodeIndex>>,
        by_arn: BTreeMap<String, NodeIndex>,
        all: Vec<NodeIndex>,
        may_assume: BTreeSet<NodeIndex>,
        trusts: std::collections::HashMap<String, Option<Vec<String>>>,
    }

    /// The `AWS` principals of a trust document's `Allow` statements; `None` for "every caller"
    /// (`NotPrincipal`, or a form the index does not know).
    fn admitted(doc: &Value) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for st in statements(doc) {
            if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
                continue;
            }
            if st.get("NotPrincipal").is_some() {
                return None;
            }
            let aws: Vec<&str> = match st.get("Principal") {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Object(m)) => strings(m.get("AWS")),
                _ => Vec::new(),
            };
            out.extend(aws.into_iter().map(str::to_string));
        }
        Some(out)
    }

    /// The values of a policy element: a string or an array of strings.
    fn strings(v: Option<&Value>) -> Vec<&str> {
        match v {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    fn statements(doc: &Value) -> Vec<&Value> {
        match doc.get("Statement") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(s @ Value::Object(_)) => vec![s],
            _ => Vec::new(),
        }
    }

    /// Whether an identity policy could allow an `sts:` action: an `Allow` with `NotAction`, or
    /// an action whose service part is `sts` or has a wildcard.
    fn may_allow_sts(doc: &Value) -> bool {
        statements(doc).iter().any(|st| {
            st.get("Effect").and_then(Value::as_str) == Some("Allow")
                && (st.get("NotAction").is_some()
                    || strings(st.get("Action")).iter().any(|a| {
                        let service = a.split(':').next().unwrap_or(a);
                        service.eq_ignore_ascii_case("sts") || service.contains(['*', '?'])
                    }))
        })
    }

    impl Index {
        pub(super) fn new(world: &World, graph: &DiGraph<Node, super::Edge>, callers: &[NodeIndex]) -> Index {
            let mut index = Index {
                by_account: BTreeMap::new(),
                by_arn: BTreeMap::new(),
                all: callers.to_vec(),
                may_assume: BTreeSet::new(),
                trusts: std::collections::HashMap::new(),
            };
            for &c in callers {
                let Node::User { arn } = &graph[c] else { continue };
                let Some(parsed) = crate::arn::Arn::parse(arn) else { continue };
                let account = parsed.account.to_string();
                index.by_account.entry(account.clone()).or_default().push(c);
                index.by_arn.insert(arn.clone(), c);
                let name = parsed.resource.rsplit('/').next().unwrap_or_default();
                let key = crate::auth::key(name);
                let policies = world
                    .iam
                    .account(&account)
                    .map(|iam| crate::auth::identity_policies(iam, &crate::auth::PolicySource::User(&key)).0);
                if policies.into_iter().flatten().any(|(_, p)| may_allow_sts(&p.to_json())) {
                    index.may_assume.insert(c);
                }
            }
            index
        }

        /// The callers that `trust`, the trust policy of a role of account `owner`, may admit,
        /// each once.
        pub(super) fn of(&mut self, owner: &str, trust: &crate::policy::Policy) -> Vec<NodeIndex> {
            if !self.trusts.contains_key(trust.text()) {
                let principals = admitted(&trust.to_json());
                self.trusts.insert(trust.text().to_string(), principals);
            }
            let Some(principals) = &self.trusts[trust.text()] else { return self.all.clone() };
            let mut out = BTreeSet::new();
            // Members of an account: across accounts only those whose policies may allow it.
            let account = |out: &mut BTreeSet<NodeIndex>, id: &str| {
                for &c in self.by_account.get(id).into_iter().flatten() {
                    if self.may_assume.contains(&c) {
                        out.insert(c);
                    }
                }
            };
            for p in principals {
                if p == "*" {
                    // Everyone: the role's own account in full, others through their policies.
                    for id in self.by_account.keys() {
                        account(&mut out, id);
                    }
                    out.extend(self.by_account.get(owner).into_iter().flatten().copied());
                } else if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
                    account(&mut out, p);
                } else if let Some(id) = p.strip_prefix("arn:aws:iam::").and_then(|r| r.strip_suffix(":root")) {
                    account(&mut out, id);
                } else if let Some(&c) = self.by_arn.get(p) {
                    out.insert(c);
                } else if !(p.contains(":role/") || p.starts_with("arn:aws:sts::")) {
                    // A form the index does not know (a user ARN of another path?): everyone.
                    return self.all.clone();
                }
            }
            out.into_iter().collect()
        }
    }
}

/// Who could end up acting as `account`'s root user: its own root user (through its
/// credentials), and every principal with a path of AssumeRole and AssumeRoot steps to it.
pub fn who_can_become_root(world: &World, account: &str) -> String {
    let graph = AccessGraph::build(world);
    let name = world.accounts.get(account).map_or("?", |a| a.name.as_str());
    let mut out = format!("Who can become the root user of {name} ({account}):\n");
    let root = &world.iam.accounts.get(account).map(|i| &i.root);
    match root {
        Some(r) if r.has_credentials() => {
            out.push_str("  - whoever holds its root credentials (email and password, or root access keys)\n")
        }
        Some(_) => out.push_str("  - nobody through root credentials: they were removed (centralized root access)\n"),
        None => out.push_str("  (no such account)\n"),
    }
    for path in graph.who_can_reach(&Node::Root { account: account.to_string() }) {
        let steps: Vec<String> = path
            .iter()
            .map(|(n, e)| match e {
                Some(e) => format!("{} --{}-->", n.arn(), e.action()),
                None => n.arn(),
            })
            .collect();
        let _ = writeln!(out, "  - {}", steps.join(" "));
    }
    out.push_str("Each step is a decision of the policy engine (SCPs included). Role chaining and escalations through policy changes are not followed yet.");
    out
}

/// The organization and the principal graph as Graphviz DOT.
pub fn to_dot(world: &World) -> String {
    let graph = AccessGraph::build(world);
    let mut out = String::from("digraph rootsim {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
    if let Some(org) = world.organizations.org.as_ref() {
        let _ = writeln!(out, "  \"{}\" [label=\"Root {}\", shape=folder];", org.root_id, org.root_id);
        for ou in org.ous.values() {
            let _ = writeln!(out, "  \"{}\" [label=\"OU {}\", shape=folder];", ou.id, ou.name);
            let _ = writeln!(out, "  \"{}\" -> \"{}\" [style=dotted, arrowhead=none];", ou.parent, ou.id);
        }
        for (id, m) in &org.accounts {
            let name = world.accounts.get(id).map_or("?", |a| a.name.as_str());
            let _ = writeln!(out, "  \"acct-{id}\" [label=\"{name}\\n{id}\", shape=component];");
            let _ = writeln!(out, "  \"{}\" -> \"acct-{id}\" [style=dotted, arrowhead=none];", m.parent);
            let _ = writeln!(out, "  \"acct-{id}\" -> \"{}\" [style=dotted, arrowhead=none];", arn::root(id));
        }
    }
    for n in graph.graph.node_weights() {
        let shape = match n {
            Node::Root { .. } => "doubleoctagon",
            Node::User { .. } => "box",
            Node::Role { .. } => "ellipse",
        };
        let _ = writeln!(out, "  \"{}\" [shape={shape}];", n.arn());
    }
    for e in graph.graph.edge_references() {
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [label=\"{}\"];",
            graph.graph[e.source()].arn(),
            graph.graph[e.target()].arn(),
            e.weight().action()
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Session;
    use std::collections::BTreeSet;

    #[test]
    fn the_management_account_reaches_members_through_their_access_role() {
        let session = Session::demo(crate::DEFAULT_SEED);
        let world = &session.world;
        let mgmt = world.accounts.find("management").unwrap().id.clone();
        let dev = world.accounts.find("dev").unwrap().id.clone();
        let graph = AccessGraph::build(world);
        let role = Node::Role { arn: format!("arn:aws:iam::{dev}:role/OrganizationAccountAccessRole") };
        let who: Vec<String> = graph.who_can_reach(&role).iter().map(|p| p[0].0.arn()).collect();
        assert!(who.contains(&format!("arn:aws:iam::{mgmt}:user/alice")), "{who:?}");
        assert!(!who.contains(&format!("arn:aws:iam::{mgmt}:user/bob")), "bob has no permissions: {who:?}");
        assert!(!who.contains(&format!("arn:aws:iam::{mgmt}:root")), "root cannot assume roles: {who:?}");
        // Without RootSessions nobody reaches dev's root user through AssumeRoot.
        let text = who_can_become_root(world, &dev);
        assert!(text.contains("whoever holds its root credentials"), "{text}");
        assert!(!text.contains("sts:AssumeRoot"), "{text}");
    }

    #[test]
    fn the_candidate_index_finds_every_edge_that_all_pairs_find() {
        let spec = crate::synth::Spec { accounts: 12, roles: 300, policies: 400, users: 3 };
        let (mut world, _) = crate::synth::generate(&spec, 11);
        // Make the organization-wide trust form appear in a world this small.
        let (account, role) = {
            let (a, iam) = world.iam.accounts.iter().nth(3).unwrap();
            (a.clone(), iam.roles.keys().last().unwrap().clone())
        };
        let org = world.organizations.org.as_ref().unwrap().id.clone();
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:PrincipalOrgID":"{org}"}}}}}}]}}"#
        );
        world.iam.accounts.get_mut(&account).unwrap().roles.get_mut(&role).unwrap().trust_policy =
            crate::policy::Policy::parse(&text, crate::policy::PolicyKind::Trust).unwrap();
        let graph = AccessGraph::build(&world);
        let found: BTreeSet<(String, String)> = graph
            .graph
            .edge_references()
            .filter(|e| *e.weight() == Edge::AssumeRole)
            .map(|e| (graph.graph[e.source()].arn(), graph.graph[e.target()].arn()))
            .collect();
        let mut all_pairs = BTreeSet::new();
        for (a, iam) in &world.iam.accounts {
            for u in iam.users.values() {
                let user = arn::iam(a, "user", &u.path, &u.name);
                for (b, other) in &world.iam.accounts {
                    for r in other.roles.values() {
                        let role = arn::iam(b, "role", &r.path, &r.name);
                        if world.decide(&user, "sts:AssumeRole", &role).unwrap().decision.is_allowed() {
                            all_pairs.insert((user.clone(), role));
                        }
                    }
                }
            }
        }
        assert!(all_pairs.len() > 40, "the estate has edges to find: {}", all_pairs.len());
        let across = |(u, r): &(String, String)| arn::account_of(u) != arn::account_of(r);
        assert!(all_pairs.iter().any(across), "some edges cross accounts");
        assert_eq!(found, all_pairs);
    }

    #[test]
    fn root_sessions_open_a_path_to_member_roots() {
        let mut session = Session::demo(crate::DEFAULT_SEED);
        session.run("aws organizations enable-aws-service-access --service-principal iam.amazonaws.com").expect_ok();
        session.run("aws iam enable-organizations-root-sessions").expect_ok();
        let dev = session.world.accounts.find("dev").unwrap().id.clone();
        let text = who_can_become_root(&session.world, &dev);
        assert!(text.contains(":user/alice --sts:AssumeRoot--> arn:aws:iam::"), "{text}");
        assert!(!text.contains(":user/bob"), "{text}");
        let dot = to_dot(&session.world);
        assert!(dot.starts_with("digraph rootsim {") && dot.contains("label=\"sts:AssumeRoot\""), "{dot}");
    }
}
