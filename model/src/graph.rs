//! Who can act as whom: the principal graph of a world, and the questions asked of it.
//!
//! Nodes are the principals of every account (each root user, IAM user and role) and, for a
//! principal that someone can give any permission, that principal *with any permission*
//! ([`Node::Escalated`]), and for a user someone can add to a group, that user *as a member of the
//! group* ([`Node::Member`]). An edge `A -> B` means A can become B (or, into an escalated node,
//! give B any permission and act as B; into a member node, add B to the group and act as B), and
//! every edge is a decision of the policy engine, SCPs,
//! RCPs and permissions boundaries included
//! ([`Authorizer::decide_for`](crate::auth::Authorizer::decide_for)); each edge keeps the
//! action, the resource and the statements that allowed it. The kinds ([`EdgeKind`]):
//!
//! * **AssumeRole**: A (an IAM user or a role: role chaining) may call `sts:AssumeRole` on role
//!   B, which B's trust policy allows. The root user cannot assume roles (STS-ROOT-CANNOT-ASSUME).
//! * **AssumeRoot**: A, a principal of the management account or of the IAM delegated
//!   administrator, may call `sts:AssumeRoot` on member B's root user, RootSessions being on.
//! * **CreateAccessKey**, **CreateLoginProfile**, **UpdateLoginProfile**: A may mint access keys
//!   or set the console password of user B of its own account, then sign in as B.
//! * **UpdateAssumeRolePolicy**: A may rewrite role B's trust policy to trust A, then assume it.
//! * **PassRole**: A may pass role B to a service B's trust policy trusts and that A can start
//!   with its own permissions ([`PASS_ROLE_STARTS`]: Lambda, EC2, Glue, CloudFormation, CodeBuild,
//!   SageMaker, ECS, Data Pipeline), `iam:PassRole` being decided with `iam:PassedToService` and
//!   `iam:AssociatedResourceArn` set; the service would run A's code as B.
//! * **Workload**: A may change what an existing resource of its account that runs as role B
//!   runs ([`WORKLOAD_WAYS`]: a Lambda function's code, a command or session or SSH key on an EC2
//!   instance whose instance profile holds B, a Glue development endpoint's SSH keys, a
//!   CloudFormation stack's template, a SageMaker notebook's presigned URL, a CodeBuild build's
//!   buildspec, a new Auto Scaling group from a launch configuration whose instance profile holds
//!   B), each action decided on the resource in its Region; no `iam:PassRole` is needed,
//!   since the role is already there (the resources: [`World::workloads_of`]).
//! * **Grant**: A may attach or put a policy on B (itself, a group of B, a new version of a policy
//!   of B, adding B to a group whose policies A may change), or make a stored version of a policy
//!   of B its default, or add B to an existing group, where that version or group would let B
//!   give itself any permission; B being A itself or a principal A has an edge to: the edge goes
//!   to `B with any permission`, whose own edges are decided with an `Allow *` identity policy
//!   added (B's boundary, SCPs and RCPs still apply). The edge is drawn only when B with any
//!   permission reaches someone A does not reach already.
//! * **AddUserToGroup**: A, being user U or having an edge to it, may add U to group G of U's
//!   account that U is not in (and U is in fewer than ten groups): the edge goes to
//!   `U as a member of G` ([`Node::Member`]), whose own edges are decided with G's policies added
//!   to U's groups ([`Caller::joined`](crate::auth::Caller::joined)), so U's boundary, SCPs, RCPs
//!   and denies still apply (GRAPH-ADD-USER-TO-GROUP). The member's edges are those U has not,
//!   and its grants those G's policies allow (into `X with any permission`, X a principal it has
//!   an edge to). The edge is drawn only when the member has an edge into a node A does not reach
//!   already, or a grant A may not make itself. `who-can --via` also ends a path with such a step when U
//!   would be allowed the request itself once a member.
//!
//! No edge leads into a service-linked role (path `/aws-service-role/`) but the AssumeRole its
//! trust policy allows: AWS lets no customer pass one, rewrite its trust or change its policies.
//!
//! This is rootsim's analysis, not an AWS feature (docs/rules.md, GRAPH-*). Between two
//! principals the graph keeps one edge: the first kind found, in the order above. Edges start at
//! IAM users and roles only: the root user already holds every permission of its account.
//!
//! Cost: candidates for "who can assume role R" come from R's trust policy (the principals and
//! accounts it names, everyone for `"*"`), not from every principal; the same-account edges, the
//! AssumeRoot edges and the AssumeRole edges into other accounts' roles are asked only for
//! principals whose identity policies allow the action on some resource (without that the engine
//! denies them). Whether a grant is drawn is asked first of the few nodes its granter does not
//! reach already; the grantee's other edges with any permission only once one of its grants is.
//! A member node's edges are asked only for a (user, group) pair that some actor may add the
//! user to (whether each actor may add to each group of its account is decided once per build).
//!
//! Questions about one target ([`who_can_become_root`], [`path`]) build only the edges of the
//! actors that may reach it, into the nodes that may reach it ([`AccessGraph::build_towards`]):
//! the same paths, far fewer decisions. [`who_can_answer`] builds towards the principals it
//! found allowed in the same way.
//!
//! Queries: [`who_can_become_root`], [`who_can`], [`path`], and [`to_dot`] for Graphviz.

use std::borrow::{Borrow, Cow};
use std::cell::{Cell, OnceCell, RefCell};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::hash::Hash;
use std::rc::Rc;
use std::sync::Arc;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use rustc_hash::FxHashMap;

use crate::auth::{AuthRecord, Authorizer, Caller};
use crate::error::{AwsError, AwsResult};
use crate::world::workloads::{Workload, WorkloadKind};
use crate::World;
use rootsim_policy::arn;
use rootsim_policy::{Effect, Layer, Policy, PolicyKind, PrincipalType};

mod nodes;
mod perimeter;
use nodes::{Actors, Nodes};
use perimeter::{Opening, Verdict};

/// A principal of the graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// A user or role once someone gave it any permission (within its boundary, SCPs and RCPs).
    Escalated {
        /// The user's or role's ARN.
        arn: String,
    },
    /// A user once added to a group it is not in (GRAPH-ADD-USER-TO-GROUP): its own policies and
    /// the group's, within its boundary, SCPs and RCPs. A node of the graph when it has an edge
    /// the user has not (its edges are those), and the last step of a `who-can --via` path when
    /// it would be allowed the request.
    Member {
        /// The user's ARN.
        arn: String,
        /// The group's ARN.
        group: String,
    },
}

impl Node {
    /// The principal's ARN (for an escalated node, the principal that holds the permissions).
    pub fn arn(&self) -> String {
        match self {
            Node::Root { account } => arn::root(account),
            Node::User { arn } | Node::Role { arn } | Node::Escalated { arn } | Node::Member { arn, .. } => arn.clone(),
        }
    }

    /// The node's name in DOT and in paths: the ARN, with ` (any permission)` for an escalated node.
    pub fn id(&self) -> String {
        match self {
            Node::Escalated { arn } => format!("{arn} (any permission)"),
            Node::Member { arn, group } => format!("{arn} (member of {group})"),
            n => n.arn(),
        }
    }

    /// The node in a trainee's words: `user alice of 153270418257`, `the root user of ...`.
    pub fn describe(&self) -> String {
        let parsed = |a: &str| {
            arn::Arn::parse(a).map(|p| (p.account.to_string(), p.resource.rsplit('/').next().unwrap_or("").to_string()))
        };
        match self {
            Node::Root { account } => format!("the root user of {account}"),
            Node::User { arn } | Node::Role { arn } | Node::Escalated { arn } => {
                let (account, name) = parsed(arn).unwrap_or_default();
                let kind = if arn.contains(":role/") { "role" } else { "user" };
                let extra = if matches!(self, Node::Escalated { .. }) { " with any permission" } else { "" };
                format!("{kind} {name} of {account}{extra}")
            }
            Node::Member { arn, group } => {
                let (account, name) = parsed(arn).unwrap_or_default();
                let (_, group) = parsed(group).unwrap_or_default();
                format!("user {name} of {account} as a member of group {group}")
            }
        }
    }

    /// Whether this is a real principal (not an escalated one).
    pub fn is_principal(&self) -> bool {
        !matches!(self, Node::Escalated { .. } | Node::Member { .. })
    }
}

/// How one principal becomes another (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// `sts:AssumeRole`, allowed by the caller's policies and the role's trust policy.
    AssumeRole,
    /// `sts:AssumeRoot` into a member's root user.
    AssumeRoot,
    /// `iam:CreateAccessKey` for another user.
    CreateAccessKey,
    /// `iam:CreateLoginProfile` for a user without a console password.
    CreateLoginProfile,
    /// `iam:UpdateLoginProfile` for a user with a console password.
    UpdateLoginProfile,
    /// `iam:UpdateAssumeRolePolicy` on a role, then `sts:AssumeRole`.
    UpdateAssumeRolePolicy,
    /// `iam:PassRole` to a service that runs code.
    PassRole,
    /// Changing what an existing resource runs as a role (a Lambda function's code, a command sent
    /// to an instance, an SSH key on a Glue development endpoint...): [`WORKLOAD_WAYS`].
    Workload,
    /// Attaching or putting a policy (or the like) that gives a principal any permission.
    Grant,
    /// `iam:AddUserToGroup`: a user joins a group and holds its permissions (into a
    /// [`Node::Member`]).
    AddUserToGroup,
}

/// One edge: how, by which action on which resource, allowed by which statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The kind of step.
    pub kind: EdgeKind,
    /// The action the engine allowed (`iam:AttachUserPolicy`...).
    pub action: Cow<'static, str>,
    /// The resource it was allowed on (shared by the edges into one node: an estate's graph has
    /// millions of edges, and three owned strings each made it gigabytes).
    pub resource: Arc<str>,
    /// The Allow statements that decided, as `layer: policy, statement N` (shared likewise).
    pub allowed_by: Arc<[String]>,
}

impl Edge {
    /// The action behind the edge.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The edge's label in DOT and in one-line paths.
    pub fn label(&self) -> String {
        match self.kind {
            EdgeKind::PassRole => self.action.to_string(),
            _ => self.action.to_string(),
        }
    }

    /// The step `from -> to` in a trainee's words, with the statements that allowed it.
    pub fn explain(&self, from: &Node, to: &Node) -> String {
        let (a, b) = (from.describe(), to.describe());
        let what = match self.kind {
            EdgeKind::AssumeRole => format!("{a} may assume {b} (sts:AssumeRole), and the role's trust policy lets it in"),
            EdgeKind::AssumeRoot => format!(
                "{a} may start a root session in {} (sts:AssumeRoot: centralized root access is on)",
                to.arn().trim_start_matches("arn:aws:iam::").trim_end_matches(":root")
            ),
            // A user already holding IAM's two keys needs one deleted first (GRAPH-CREDENTIAL-TAKEOVER).
            EdgeKind::CreateAccessKey if self.action.starts_with("iam:DeleteAccessKey") => format!(
                "{a} may delete one of the two access keys of {b} and create another (iam:DeleteAccessKey, \
                 iam:CreateAccessKey), then call AWS as that user"
            ),
            EdgeKind::CreateAccessKey => {
                format!("{a} may create access keys for {b} (iam:CreateAccessKey), then call AWS as that user")
            }
            EdgeKind::CreateLoginProfile => {
                format!("{a} may give {b} a console password (iam:CreateLoginProfile), then sign in as that user")
            }
            EdgeKind::UpdateLoginProfile => {
                format!("{a} may change the console password of {b} (iam:UpdateLoginProfile), then sign in as that user")
            }
            EdgeKind::UpdateAssumeRolePolicy => format!(
                "{a} may rewrite the trust policy of {b} (iam:UpdateAssumeRolePolicy) to trust itself, then assume it"
            ),
            EdgeKind::PassRole => format!(
                "{a} may pass {b} to a service it trusts and start that service with its own permissions ({}); the service would run the caller's code as that role (rootsim does not model the service itself)",
                self.action
            ),
            // A launch configuration runs nothing itself: a new group starts instances from it.
            EdgeKind::Workload if self.resource.contains(":launchConfiguration:") => format!(
                "{a} may start instances from {} in a new Auto Scaling group ({}), and they run as {b}",
                self.resource, self.action
            ),
            EdgeKind::Workload => format!(
                "{a} may change what {} runs ({}), and its code runs as {b}",
                self.resource, self.action
            ),
            EdgeKind::Grant if from.arn() == to.arn() => {
                format!("{a} may give itself any permission ({} on {})", self.action, self.resource)
            }
            EdgeKind::Grant => format!(
                "{a} may give {} any permission ({} on {}), and act as it",
                b.trim_end_matches(" with any permission"),
                self.action,
                self.resource
            ),
            EdgeKind::AddUserToGroup => {
                let (user, group) = match to {
                    Node::Member { arn, group } => (Node::User { arn: arn.clone() }, group.as_str()),
                    other => (other.clone(), self.resource.as_ref()),
                };
                let who = if from.arn() == user.arn() { "itself".to_string() } else { user.describe() };
                let acts = if from.arn() == user.arn() { String::new() } else { ", and act as that user".to_string() };
                format!("{a} may add {who} to the group {group} ({} on {}){acts}", self.action, self.resource)
            }
        };
        if self.allowed_by.is_empty() {
            return format!("{what}.");
        }
        format!("{what}; allowed by {}.", self.allowed_by.join("; "))
    }
}

/// A path: each node with the edge that leaves it (`None` for the last).
pub type Path = Vec<(Node, Option<Edge>)>;

/// The Allow statements that granted an allowed request, for edges and answers: those of the
/// identity policies, the resource's policy, the boundary and the session. The SCPs' and RCPs'
/// Allow statements (usually `FullAWSAccess` at every level) only let the request through, and
/// are left out; the root user's implicit permission is named as such.
pub fn allowed_by(record: &AuthRecord) -> Vec<String> {
    let mut out: Vec<String> = record
        .decision
        .matched
        .iter()
        .filter(|m| m.effect == Effect::Allow && !matches!(m.layer, Layer::Scp | Layer::Rcp))
        .map(|m| format!("{} {} ({})", m.policy, m.label(), m.layer.as_str()))
        .collect();
    if out.is_empty() && record.decision.decided_by.contains(&Layer::RootRule) {
        out.push("the root user's implicit permission in its own account".to_string());
    }
    out.dedup();
    out
}

/// Whether the service itself would take `principal`'s request, whatever the policies say.
///
/// `who-can` reports what the engine allows, but `sts:AssumeRoot` has preconditions outside any
/// policy (`sts::root_session_permitted`: an organization with RootSessions on, a caller in the
/// management account or the IAM delegated administrator, a member as the target, a caller that is
/// not a root user). Without this check a member's own administrators would be listed as able to
/// start root sessions in it, which `aws sts assume-root` refuses.
fn service_admits(world: &World, principal: &str, action: &str, resource: &str) -> bool {
    if !action.eq_ignore_ascii_case("sts:AssumeRoot") {
        return true;
    }
    // Root user credentials cannot call AssumeRoot (`sts::assume_root` refuses them).
    if principal.ends_with(":root") {
        return false;
    }
    match (arn::account_of(principal), arn::account_of(resource)) {
        (Some(caller), Some(target)) => crate::world::sts::root_session_permitted(world, caller, target).is_ok(),
        // AssumeRoot names a member account's root user; anything else is refused.
        _ => false,
    }
}

/// Whether `principal`, given any permission by an escalation, would be allowed the request
/// (asked through `auth`, which remembers what the questions about `world` read).
fn granted_any_allows(
    world: &World,
    auth: &Authorizer,
    principal: &str,
    action: &str,
    resource: &str,
    any: &Policy,
) -> bool {
    service_admits(world, principal, action, resource)
        && auth.decide_granted(world, principal, action, resource, Some(any)).is_ok_and(|r| r.decision.is_allowed())
}

/// The identity policy an escalation is supposed to grant: every action on every resource.
fn any_permission() -> Policy {
    Policy::parse(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        PolicyKind::Identity,
    )
    .expect("a valid identity policy")
}

/// A user or role that can act, resolved once.
///
/// Its caller and its policies' actions are read on first use: a graph built towards one node
/// asks about few of a large estate's actors.
struct Actor {
    node: NodeIndex,
    /// Its principal ARN.
    arn: String,
    /// Its account.
    account: String,
    /// As [`World::principal_caller`] resolves it (`None` if it cannot, which an open account's
    /// existing user or role always can).
    caller: OnceCell<Option<Caller>>,
    /// `Some(lower-cased key)` for a user.
    user: Option<String>,
    /// `Some(lower-cased key)` for a role.
    role: Option<String>,
    /// Its identity policies, whose Allow statements' actions the pre-filter reads.
    actions: OnceCell<Vec<Rc<Statements>>>,
    /// The pre-filter's answers so far, one bit per [`asked_bit`] action: (asked, named). A closure
    /// over a large estate asks the same few actions of the same actors thousands of times.
    named: Cell<(u32, u32)>,
    /// Whether its caller holds any permission now ([`Builder::set_granted`]): kept beside the
    /// caller so that the pre-filter need not resolve the caller to know.
    granted: Cell<bool>,
}

/// The bit that remembers the pre-filter's answer for `action` ([`Builder::may`]): one for
/// `sts:AssumeRole`, `sts:AssumeRoot`, each takeover and each grant action, the actions the graph
/// asks about.
fn asked_bit(action: &str) -> Option<u32> {
    let asked = ["sts:AssumeRole", "sts:AssumeRoot"].iter().chain(&TAKEOVERS).chain(&GRANTS);
    asked.enumerate().find(|(_, a)| **a == action).map(|(i, _)| 1 << i)
}

/// The bit of [`GRANTS`]' first action ([`asked_bit`]: after the two STS actions and [`TAKEOVERS`]).
const GRANT_BIT: usize = 2 + TAKEOVERS.len();

/// `value`, shared with every equal value in `set` (edges' resources and explanations: an
/// estate's graph holds millions of edges and few distinct strings).
fn interned<T: ?Sized + Hash + Eq, V: Borrow<T> + Into<Arc<T>>>(set: &RefCell<HashSet<Arc<T>>>, value: V) -> Arc<T> {
    let mut set = set.borrow_mut();
    if let Some(v) = set.get(value.borrow()) {
        return Arc::clone(v);
    }
    let v: Arc<T> = value.into();
    set.insert(Arc::clone(&v));
    v
}

/// The nodes whose incoming edges a build asks for: `None` for all, else a flag per node index
/// (nodes added after it was made, the escalated ones, are outside).
type Within<'a> = Option<&'a [bool]>;

/// Whether node `n` is among the nodes `within` admits.
fn inside(within: Within, n: NodeIndex) -> bool {
    within.is_none_or(|w| w.get(n.index()).copied().unwrap_or(false))
}

/// One identity policy, as the pre-filter reads it: its Allow statements' `Action`/`NotAction`
/// elements, through the engine's view of the compiled policy (an `Arc` clone, nothing copied).
type Statements = Policy;

/// Where a trust policy's grants point: principal ARNs, account IDs, and `"*"` for anyone; and
/// the AWS services it trusts (`lambda.amazonaws.com`...), lower-cased, for PassRole.
fn trust_keys(trust: &Policy) -> (Vec<String>, Vec<String>) {
    let mut keys = Vec::new();
    let mut service = Vec::new();
    for s in trust.statements().filter(|s| s.effect() == Effect::Allow) {
        // NotPrincipal, or no Principal: everyone is a candidate (the engine decides).
        if !s.has_principal_element() || s.is_not_principal() {
            keys.push("*".to_string());
            continue;
        }
        for group in s.principals() {
            match group.kind() {
                PrincipalType::Any => keys.push("*".to_string()),
                PrincipalType::Aws => keys.extend(group.values().map(|a| {
                    match a.strip_prefix("arn:aws:iam::").and_then(|r| r.strip_suffix(":root")) {
                        Some(account) => account.to_string(),
                        None => a.to_string(),
                    }
                })),
                // A service is let in only by a statement for sts:AssumeRole, as the services
                // check (`service::role_trusts_service`).
                PrincipalType::Service if s.matches_action("sts:AssumeRole") => {
                    service.extend(group.values().map(|v| v.to_ascii_lowercase()))
                }
                PrincipalType::Service | PrincipalType::Federated | PrincipalType::CanonicalUser => {}
            }
        }
    }
    // A service the trust policy also denies cannot assume the role: the services refuse such a
    // role when it is passed (`service::role_trusts_service`), so no PassRole edge leads to it.
    let denied = |svc: &str| {
        trust.statements().filter(|s| s.effect() == Effect::Deny && !s.is_not_principal()).any(|s| {
            s.matches_action("sts:AssumeRole")
                && s.principals().any(|g| {
                    g.kind() == PrincipalType::Any
                        || g.kind() == PrincipalType::Service && g.values().any(|v| v.eq_ignore_ascii_case(svc))
                })
        })
    };
    service.retain(|svc| !denied(svc));
    (keys, service)
}

/// The policy whose Allow statements' actions the pre-filter reads ([`names`]).
fn allow_actions(policy: &Policy) -> Statements {
    policy.clone()
}

/// Whether some Allow statement among `actions` could allow `action` on some resource: its
/// `Action` element matches it (or its `NotAction` element does not), as the engine matches.
fn names(actions: &[Rc<Statements>], action: &str) -> bool {
    actions.iter().flat_map(|p| p.statements()).any(|s| s.effect() == Effect::Allow && s.matches_action(action))
}

/// The principal graph of a world.
#[derive(Debug, Clone)]
pub struct AccessGraph {
    /// The graph itself.
    pub graph: DiGraph<Node, Edge>,
    index: FxHashMap<Node, NodeIndex>,
    /// Every grant found (actor, grantee, edge), escalated node or not: `who-can` asks what each
    /// grantee could do with any permission.
    grants: Vec<(NodeIndex, NodeIndex, Edge)>,
}

/// An account's workloads that run as one of its roles, each with that role's actor.
type AccountWorkloads = Rc<Vec<(usize, Workload)>>;

/// What building needs while it runs.
struct Builder<'w> {
    world: &'w World,
    /// Every decision of the build is asked through it: what they read is remembered for the
    /// build's length.
    auth: &'w Authorizer,
    /// Every node, each account's made on first use, with its roles' trust keys and services
    /// (PassRole targets; a service-linked role, path `/aws-service-role/`, is none: AWS lets no
    /// customer pass it, change its trust policy or attach or put a policy on it, so no edge
    /// leads into it but an AssumeRole its trust allows, GRAPH-NO-EDGE-INTO-SERVICE-LINKED-ROLE).
    nodes: Nodes<'w>,
    /// The users and roles that can act, by account, each account's made on first use.
    actors: Actors<'w>,
    /// Roles by the trust keys that name them (ARN, account ID, `"*"`), of the roles among
    /// `trust_scope` (all when `None`), read on first use.
    trusted_by: OnceCell<FxHashMap<String, Vec<NodeIndex>>>,
    /// The nodes whose trust keys `trusted_by` holds: a build whose every edge is asked only into
    /// some nodes ([`AccessGraph::build_into`]) needs only theirs.
    trust_scope: Option<Vec<bool>>,
    /// Per policy text: the Allow statements' actions (the pre-filter's cache).
    actions: RefCell<HashMap<usize, Rc<Statements>>>,
    any: Policy,
    /// [`Builder::privileged_with`]'s answers, by grantee and the address of what is supposed (a
    /// policy's text, or a group of `groups`, alive for the build's length).
    privileged: RefCell<HashMap<(usize, usize), bool>>,
    /// Edges' resources and explanations, one copy of each ([`interned`]).
    resources: RefCell<HashSet<Arc<str>>>,
    explanations: RefCell<HashSet<Arc<[String]>>>,
    /// The actors whose escalated nodes are not drawn (empty: every one may be): in a build for
    /// `who-can --via`, those that any permission would allow the request, whose escalated nodes
    /// would be targets that only their granters reach, and the granters end paths themselves
    /// (GRAPH-WHO-CAN-VIA). Drawing one asks the grantee's edges with any permission, most of such
    /// a build's decisions when every principal would be allowed.
    undrawn: Vec<bool>,
    /// Each account's workloads that run as one of its own roles ([`World::workloads_of`]), with
    /// that role's actor: asked and resolved once per build.
    workloads: RefCell<FxHashMap<String, AccountWorkloads>>,
    /// Each account's groups that hold a policy ([`Builder::account_groups`]), read once per build.
    groups: RefCell<FxHashMap<String, AccountGroups>>,
    /// The actor supposed, for now, a member of a group it is not in, and that group
    /// ([`Builder::set_joined`]): its decisions add the group's policies, its pre-filter their
    /// actions.
    joined: Option<(usize, Rc<Joinable>)>,
    /// Whether an actor may add a user to a group of its account (`iam:AddUserToGroup` on the
    /// group), by actor and the group's [`Joinable::index`]: asked once per build.
    adds: RefCell<FxHashMap<(usize, usize), Option<Edge>>>,
}

impl<'w> Builder<'w> {
    fn add(&mut self, n: Node) -> NodeIndex {
        self.nodes.add(n)
    }

    /// The roles whose trust keys include `key` (of those in `trust_scope`).
    fn trusting(&self, key: &str) -> &[NodeIndex] {
        let by_key = self.trusted_by.get_or_init(|| {
            let mut by_key: FxHashMap<String, Vec<NodeIndex>> = FxHashMap::default();
            let scope = self.trust_scope.as_deref();
            for v in self.nodes.node_indices().filter(|&v| inside(scope, v)) {
                for k in self.nodes.role_keys(v) {
                    by_key.entry(k.clone()).or_default().push(v);
                }
            }
            by_key
        });
        by_key.get(key).map_or(&[], Vec::as_slice)
    }

    /// Whether some identity policy of actor `a` allows `action` on some resource (or it holds any
    /// permission): without that, no same-account IAM action can be allowed, so none is asked.
    fn may(&self, a: usize, action: &str) -> bool {
        if self.joined_names(a, action) {
            return true;
        }
        match asked_bit(action) {
            Some(bit) => self.may_bit(a, bit, action),
            None => self.actors[a].granted.get() || names(self.actions_of(a), action),
        }
    }

    /// [`Builder::may`] for an action with a bit ([`asked_bit`]): its answer is remembered.
    fn may_bit(&self, a: usize, bit: u32, action: &str) -> bool {
        let actor = &self.actors[a];
        if actor.granted.get() || self.joined_names(a, action) {
            return true;
        }
        let (asked, named) = actor.named.get();
        if asked & bit != 0 {
            return named & bit != 0;
        }
        let yes = names(self.actions_of(a), action);
        actor.named.set((asked | bit, if yes { named | bit } else { named }));
        yes
    }

    /// Whether actor `a` is supposed a member of a group now ([`Builder::set_joined`]) whose
    /// policies' Allow statements name `action` (its own policies' answers stay remembered alone).
    fn joined_names(&self, a: usize, action: &str) -> bool {
        self.joined.as_ref().is_some_and(|(j, group)| *j == a && names(&group.actions, action))
    }

    /// Whether actor `a` may give some principal a permission: [`Builder::may`] of some action of
    /// [`GRANTS`] (asked of every candidate granter, the closure's innermost question).
    fn may_grant(&self, a: usize) -> bool {
        let actor = &self.actors[a];
        let (asked, named) = actor.named.get();
        let all = ((1 << GRANTS.len()) - 1) << GRANT_BIT;
        if actor.granted.get() || named & all != 0 {
            return true;
        }
        if asked & all == all {
            return false;
        }
        GRANTS.iter().enumerate().any(|(i, action)| self.may_bit(a, 1 << (GRANT_BIT + i), action))
    }

    /// The account of node `n`'s principal (`None` for an escalated node).
    fn account_of_node(&self, n: NodeIndex) -> Option<&str> {
        match &self.nodes[n] {
            Node::Root { account } => Some(account),
            // Parsed, not checked for 12 digits: the account key the node was named from.
            Node::User { arn } | Node::Role { arn } => arn::Arn::parse(arn).map(|p| p.account),
            Node::Escalated { .. } | Node::Member { .. } => None,
        }
    }

    /// Actor `a`'s caller, resolved on first use.
    fn caller(&self, a: usize) -> Option<&Caller> {
        let actor = &self.actors[a];
        actor.caller.get_or_init(|| self.world.principal_caller(&actor.arn).ok()).as_ref()
    }

    /// The Allow statements' actions of actor `a`'s identity policies, each policy read once.
    fn actions_of(&self, a: usize) -> &[Rc<Statements>] {
        let actor = &self.actors[a];
        actor.actions.get_or_init(|| {
            let Some(iam) = self.world.iam.account(&actor.account) else { return Vec::new() };
            let source = match (&actor.user, &actor.role) {
                (Some(u), _) => crate::auth::PolicySource::User(u),
                (_, r) => crate::auth::PolicySource::Role(r.as_deref().unwrap_or("")),
            };
            let mut cache = self.actions.borrow_mut();
            crate::auth::identity_documents(iam, &source)
                .into_iter()
                .map(|p| cache.entry(p.text().as_ptr() as usize).or_insert_with(|| Rc::new(allow_actions(p))).clone())
                .collect()
        })
    }

    /// [`Builder::decide`] with `context` in the request (condition keys a handler sets), in the
    /// Region the resource's ARN names, the resource owned by actor `a`'s account (the requests
    /// asked so are those of services without resource policies: EC2, Auto Scaling).
    fn decide_with(&self, a: usize, action: &'static str, resource: &str, context: &[(&str, &str)]) -> Option<Edge> {
        let region = arn::Arn::parse(resource).map(|p| p.region).filter(|r| !r.is_empty()).unwrap_or("us-east-1");
        let request = crate::auth::AuthRequest::new(self.caller(a)?, region, action, resource)
            .owned_by(&self.actors[a].account)
            .with_context(context);
        let record = self.auth.authorize(self.world, &request);
        record.decision.is_allowed().then(|| Edge {
            kind: EdgeKind::AssumeRole,
            action: Cow::Borrowed(action),
            resource: interned(&self.resources, resource),
            allowed_by: interned(&self.explanations, allowed_by(&record)),
        })
    }

    fn decide(&self, a: usize, action: &'static str, resource: &str) -> Option<Edge> {
        let record = self.auth.decide_for(self.world, self.caller(a)?, action, resource);
        record.decision.is_allowed().then(|| Edge {
            kind: EdgeKind::AssumeRole,
            action: Cow::Borrowed(action),
            resource: interned(&self.resources, resource),
            allowed_by: interned(&self.explanations, allowed_by(&record)),
        })
    }

    /// The edges leaving actor `a` (the grant edges aside), one per target, into the nodes
    /// `within` admits. Each target's edge is decided alone, so a restricted build finds the same
    /// edge into an admitted node as the whole one.
    fn edges_from(&mut self, a: usize, within: Within) -> Vec<(NodeIndex, Edge)> {
        let mut out: BTreeMap<NodeIndex, Edge> = BTreeMap::new();
        let world = self.world;
        let account = self.actors[a].account.clone();
        // AssumeRole: the roles whose trust policy names this principal, its account or anyone.
        // A trust policy naming the principal itself or anyone may let it in alone; one naming
        // its account needs its identity policies to allow sts:AssumeRole too (STS-ASSUME-ROLE).
        // Across accounts the caller's identity policies must allow sts:AssumeRole whatever the
        // trust policy names (the engine's cross-account rule): without that, only the roles of
        // its own account are asked.
        let own = self.actors[a].arn.clone();
        let may_assume = self.may(a, "sts:AssumeRole");
        let keys: &[&str] = if may_assume { &[own.as_str(), "*", account.as_str()] } else { &[own.as_str(), "*"] };
        let mut roles: Vec<NodeIndex> = keys
            .iter()
            .flat_map(|k| self.trusting(k))
            .copied()
            .filter(|&r| r != self.actors[a].node && inside(within, r))
            .filter(|&r| may_assume || self.account_of_node(r) == Some(account.as_str()))
            .collect();
        roles.sort();
        roles.dedup();
        for r in roles {
            if let Some(e) = self.decide(a, "sts:AssumeRole", &self.nodes[r].arn()) {
                out.entry(r).or_insert(Edge { kind: EdgeKind::AssumeRole, ..e });
            }
        }
        // AssumeRoot: into every member whose root sessions the organization permits this account
        // (most accounts may start none: asked once, not once per member). It is authorized in
        // the caller's own account, without a resource policy: only a caller whose identity
        // policies name it can be allowed.
        let may_root = self.may(a, "sts:AssumeRoot");
        let starts = if may_root { crate::world::sts::root_sessions_from(world, &account).ok() } else { None };
        if let Some(org) = starts {
            // The organization's members (`Nodes::member_roots`: the world has one organization).
            let admitted = |n: Option<NodeIndex>| within.is_none() || n.is_some_and(|n| inside(within, n));
            let targets: Vec<&str> = self.nodes.member_roots().filter(|(_, n)| admitted(*n)).map(|(m, _)| m).collect();
            for target in targets {
                if crate::sts::root_session_target(org, target).is_ok() {
                    if let Some(e) = self.decide(a, "sts:AssumeRoot", &arn::root(target)) {
                        let node = self.add(Node::Root { account: target.to_string() });
                        out.entry(node).or_insert(Edge { kind: EdgeKind::AssumeRoot, ..e });
                    }
                }
            }
        }
        // Same-account takeovers, asked only when some identity policy could allow the action.
        let kinds = [
            EdgeKind::CreateAccessKey,
            EdgeKind::CreateLoginProfile,
            EdgeKind::UpdateLoginProfile,
            EdgeKind::UpdateAssumeRolePolicy,
            EdgeKind::PassRole,
        ];
        let checks = kinds.into_iter().zip(TAKEOVERS);
        let wanted: Vec<(EdgeKind, &str)> = checks.filter(|(_, action)| self.may(a, action)).collect();
        if wanted.is_empty() {
            self.workload_edges(a, within, &mut out);
            return out.into_iter().collect();
        }
        let iam = world.iam.account(&account);
        for p in self.actors.of_account(&account) {
            let target = &self.actors[p];
            if p == a || out.contains_key(&target.node) || !inside(within, target.node) {
                continue;
            }
            let target_user = target.user.as_ref().and_then(|u| iam.and_then(|i| i.users.get(u)));
            let has_password = target_user.map(|u| u.login_profile.is_some());
            let keys_full = target_user.is_some_and(|u| u.access_keys.len() >= crate::iam::MAX_ACCESS_KEYS);
            for &(kind, action) in &wanted {
                let applies = match kind {
                    EdgeKind::CreateAccessKey => target.user.is_some(),
                    EdgeKind::CreateLoginProfile => has_password == Some(false),
                    EdgeKind::UpdateLoginProfile => has_password == Some(true),
                    EdgeKind::UpdateAssumeRolePolicy => {
                        target.role.is_some() && !self.nodes.service_linked(target.node)
                    }
                    _ => self.nodes.services(target.node).is_some(),
                };
                if !applies {
                    continue;
                }
                if kind == EdgeKind::PassRole {
                    let (node, role_arn) = (target.node, target.arn.clone());
                    if let Some(e) = self.pass_role(a, node, &role_arn, &account) {
                        out.insert(node, e);
                        break;
                    }
                    continue;
                }
                if kind == EdgeKind::CreateAccessKey && keys_full {
                    // IAM refuses a user a third access key (LimitExceeded): minting one for a user
                    // who holds two needs one of them deleted first (GRAPH-CREDENTIAL-TAKEOVER).
                    let Some(create) = self.decide(a, action, &target.arn) else { continue };
                    let Some(delete) = self.decide(a, "iam:DeleteAccessKey", &target.arn) else { continue };
                    let mut allowed_by = delete.allowed_by.to_vec();
                    allowed_by.extend(create.allowed_by.iter().cloned());
                    out.insert(
                        target.node,
                        Edge {
                            kind,
                            action: Cow::Borrowed("iam:DeleteAccessKey + iam:CreateAccessKey"),
                            allowed_by: interned(&self.explanations, allowed_by),
                            ..create
                        },
                    );
                    break;
                }
                if let Some(e) = self.decide(a, action, &target.arn) {
                    out.insert(target.node, Edge { kind, ..e });
                    break;
                }
            }
        }
        self.workload_edges(a, within, &mut out);
        out.into_iter().collect()
    }

    /// Adds to `out` actor `a`'s Workload edges: into each role of its account that an existing
    /// workload runs as (GRAPH-EXISTING-WORKLOAD), where `out` has no edge yet (an edge of an
    /// earlier kind wins) and `within` admits it; never into a service-linked role.
    fn workload_edges(&self, a: usize, within: Within, out: &mut BTreeMap<NodeIndex, Edge>) {
        let workloads = self.workloads(&self.actors[a].account);
        let mut roles: Vec<(usize, &str)> = workloads.iter().map(|(r, w)| (*r, w.role_arn.as_str())).collect();
        roles.sort_unstable();
        roles.dedup();
        for (r, role_arn) in roles {
            let node = self.actors[r].node;
            if r == a || out.contains_key(&node) || !inside(within, node) || self.nodes.service_linked(node) {
                continue;
            }
            if let Some(e) = self.workload_edge(a, role_arn) {
                out.insert(node, e);
            }
        }
    }

    /// Every node actor `g` could have an edge to if it held any permission: the roles whose
    /// trust names it, its account or anyone, the principals of its account, and the member
    /// root users when its account may start root sessions; of those, the ones `within` admits.
    /// A superset: nothing is decided.
    fn possible_targets(&self, g: usize, within: Within) -> BTreeSet<NodeIndex> {
        let actor = &self.actors[g];
        let account = actor.account.as_str();
        let keys = [actor.arn.as_str(), account, "*"];
        let mut out: BTreeSet<NodeIndex> = keys.iter().flat_map(|k| self.trusting(k)).copied().collect();
        out.extend(self.actors.of_account(account).map(|p| self.actors[p].node));
        if let Some(org) = self.world.organizations.of_account(account) {
            if org.management_account == account || org.is_iam_delegated_admin(account) {
                // The organization's members (`Nodes::member_roots`), those `within` admits.
                out.extend(self.nodes.member_roots().filter_map(|(_, n)| n).filter(|&n| inside(within, n)));
            }
        }
        out.remove(&actor.node);
        out.retain(|&n| inside(within, n));
        out
    }

    /// How actor `a` may give grantee `g` (itself, or a principal it has an edge to) any permission.
    fn grant(&self, a: usize, g: usize) -> Option<Edge> {
        if self.nodes.service_linked(self.actors[g].node) {
            return None;
        }
        let world = self.world;
        let account = self.actors[g].account.clone();
        let iam = world.iam.account(&account)?;
        let target = self.actors[g].arn.clone();
        let group_arn = |name: &str| -> String {
            let grp = iam.groups.get(&name.to_ascii_lowercase());
            arn::iam(&account, "group", grp.map_or("/", |g| g.path.as_str()), grp.map_or(name, |g| g.name.as_str()))
        };
        let mut asks: Vec<(&str, String)> = Vec::new();
        let (user, role) = (self.actors[g].user.clone(), self.actors[g].role.clone());
        let mut managed: Vec<String> = Vec::new();
        if let Some(u) = &user {
            asks.push(("iam:AttachUserPolicy", target.clone()));
            asks.push(("iam:PutUserPolicy", target.clone()));
            managed.extend(iam.users.get(u).map(|x| x.policies.managed.clone()).unwrap_or_default());
            for grp in iam.groups_of(u) {
                asks.push(("iam:AttachGroupPolicy", group_arn(&grp.name)));
                asks.push(("iam:PutGroupPolicy", group_arn(&grp.name)));
                managed.extend(grp.policies.managed.iter().cloned());
            }
        }
        if let Some(r) = &role {
            asks.push(("iam:AttachRolePolicy", target.clone()));
            asks.push(("iam:PutRolePolicy", target.clone()));
            managed.extend(iam.roles.get(r).map(|x| x.policies.managed.clone()).unwrap_or_default());
        }
        // A new default version of a customer managed policy the grantee holds.
        for m in managed.iter().filter(|m| iam.policies.contains_key(*m)) {
            asks.push(("iam:CreatePolicyVersion", m.clone()));
        }
        for (action, resource) in asks {
            if !self.may(a, action) {
                continue;
            }
            if let Some(e) = self.decide(a, action, &resource) {
                return Some(Edge { kind: EdgeKind::Grant, ..e });
            }
        }
        // A stored version of a customer managed policy the grantee holds made the default
        // (GRAPH-SET-DEFAULT-POLICY-VERSION): an edge when that version would let the grantee give
        // itself any permission.
        if self.may(a, "iam:SetDefaultPolicyVersion") {
            for m in managed.iter() {
                let Some(policy) = iam.policies.get(m) else { continue };
                for version in policy.versions.iter().filter(|v| v.id != policy.default_version) {
                    if !self.privileged(g, &version.document) {
                        continue;
                    }
                    if let Some(e) = self.decide(a, "iam:SetDefaultPolicyVersion", m) {
                        return Some(Edge {
                            kind: EdgeKind::Grant,
                            action: Cow::Owned(format!("iam:SetDefaultPolicyVersion ({})", version.id)),
                            ..e
                        });
                    }
                }
            }
        }
        // Adding the user to an existing group whose policies let it give itself any permission
        // (GRAPH-ADD-USER-TO-GROUP): one it could join ([`Builder::joinable`]: not in it, under
        // IAM's quota), decided as its member node is.
        if user.is_some() && self.may(a, "iam:AddUserToGroup") {
            for group in self.joinable(g) {
                if !self.privileged_as_member(g, &group) {
                    continue;
                }
                if let Some(e) = self.adds_to(a, &group) {
                    return Some(Edge { kind: EdgeKind::Grant, ..e });
                }
            }
        }
        // Adding the user to a group whose policies the actor may also change.
        if user.is_some() && self.may(a, "iam:AddUserToGroup") {
            let groups: Vec<String> = iam.groups.values().map(|grp| group_arn(&grp.name)).collect();
            for grp in groups {
                let Some(add) = self.decide(a, "iam:AddUserToGroup", &grp) else { continue };
                for action in ["iam:AttachGroupPolicy", "iam:PutGroupPolicy"] {
                    if let Some(change) = self.decide(a, action, &grp) {
                        let mut allowed_by = add.allowed_by.to_vec();
                        allowed_by.extend(change.allowed_by.iter().cloned());
                        return Some(Edge {
                            kind: EdgeKind::Grant,
                            action: Cow::Owned(format!("iam:AddUserToGroup + {action}")),
                            allowed_by: interned(&self.explanations, allowed_by),
                            ..add
                        });
                    }
                }
            }
        }
        None
    }
}

impl Builder<'_> {
    /// Whether grantee `g`, holding `policy` besides its own policies, could give itself any
    /// permission: attach or put a policy on itself (its boundary, SCPs and RCPs still apply).
    fn privileged(&self, g: usize, policy: &Policy) -> bool {
        self.privileged_with(g, policy.text().as_ptr() as usize, |c| c.granted = Some(policy.clone()))
    }

    /// [`Builder::privileged`] for user `g` as a member of `group` (its policies added to the
    /// user's groups', as a member node's are decided).
    fn privileged_as_member(&self, g: usize, group: &Joinable) -> bool {
        self.privileged_with(g, group as *const Joinable as usize, |c| c.joined = group.policies.clone())
    }

    /// Whether grantee `g`, its caller changed by `suppose`, could give itself any permission;
    /// remembered by `key`, the address of what is supposed (a policy of the world, or a group of
    /// [`Builder::account_groups`], alive for the build's length).
    fn privileged_with(&self, g: usize, key: usize, suppose: impl FnOnce(&mut Caller)) -> bool {
        if let Some(&known) = self.privileged.borrow().get(&(g, key)) {
            return known;
        }
        let answer = self.caller(g).is_some_and(|caller| {
            let mut caller = caller.clone();
            suppose(&mut caller);
            let target = &self.actors[g].arn;
            let actions: [&str; 2] = if self.actors[g].user.is_some() {
                ["iam:AttachUserPolicy", "iam:PutUserPolicy"]
            } else {
                ["iam:AttachRolePolicy", "iam:PutRolePolicy"]
            };
            actions.iter().any(|action| self.auth.decide_for(self.world, &caller, action, target).decision.is_allowed())
        });
        self.privileged.borrow_mut().insert((g, key), answer);
        answer
    }

    /// The PassRole edge from actor `a` into role `node` (`role_arn`, of `account`): for a service
    /// the role trusts that `a` can start with its own permissions (one way of [`PASS_ROLE_STARTS`]
    /// wholly allowed), and `iam:PassRole` allowed with `iam:PassedToService` that service and
    /// `iam:AssociatedResourceArn` what is started (GRAPH-PASSROLE).
    fn pass_role(&self, a: usize, node: NodeIndex, role_arn: &str, account: &str) -> Option<Edge> {
        let services = self.nodes.services(node)?;
        // An actor whose caller cannot be resolved decides nothing: stop before asking.
        self.caller(a)?;
        for service in services {
            let Some((_, ways)) = PASS_ROLE_STARTS.iter().find(|(s, _)| s == service) else { continue };
            for way in *ways {
                if !way.iter().all(|(action, _)| self.may(a, action)) {
                    continue;
                }
                // An instance gets its role through an instance profile (GRAPH-PASSROLE-EC2-PROFILE),
                // whose ARN the EC2 requests carry as a condition key.
                let profile = match service.as_str() {
                    "ec2.amazonaws.com" => match self.instance_profile_for(a, role_arn, account) {
                        Some(found) => Some(found),
                        None => continue,
                    },
                    _ => None,
                };
                let profile_arn = profile.as_ref().map_or("", |(arn, _)| arn.as_str());
                let run_then_associate = way.iter().any(|(action, _)| *action == "ec2:AssociateIamInstanceProfile");
                let started: Option<Vec<Edge>> = way
                    .iter()
                    .map(|(action, resource)| {
                        let resource = resource.replace("{account}", account);
                        // The keys the handlers put in these requests (EC2-RUN-INSTANCES,
                        // EC2-INSTANCE-PROFILE-ASSOCIATIONS, AUTOSCALING-CREATE-GROUP).
                        let key = match *action {
                            "ec2:RunInstances" if resource.contains(":instance/") && !run_then_associate => {
                                Some(("ec2:InstanceProfile", profile_arn))
                            }
                            "ec2:AssociateIamInstanceProfile" => Some(("ec2:NewInstanceProfile", profile_arn)),
                            "autoscaling:CreateAutoScalingGroup" => {
                                Some(("autoscaling:LaunchConfigurationName", "rootsim-escalation"))
                            }
                            _ => None,
                        };
                        match key {
                            Some(key) => self.decide_with(a, action, &resource, &[key]),
                            None => self.decide(a, action, &resource),
                        }
                    })
                    .collect();
                let Some(mut started) = started else { continue };
                let mut steps: Vec<&str> = way.iter().map(|(action, _)| *action).collect();
                steps.dedup();
                if way[0].0 == "autoscaling:CreateLaunchConfiguration" {
                    let Some(made) = self.autoscaling_way(a, account) else { continue };
                    if let Some(e) = made {
                        steps.push("iam:CreateServiceLinkedRole");
                        started.push(e);
                    }
                }
                if let Some((_, made)) = profile {
                    if !made.is_empty() {
                        steps.extend(["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"]);
                    }
                    started.extend(made);
                }
                // `iam:AssociatedResourceArn` is in the request where the service documents it, EC2's
                // instances; the other services' handlers pass the role without it, and so does the
                // graph (GRAPH-PASSROLE-CONDITIONS): a policy testing it answers both alike.
                let associated = way[0].1.replace("{account}", account);
                let mut context = vec![("iam:PassedToService", service.as_str())];
                if service == "ec2.amazonaws.com" {
                    context.push(("iam:AssociatedResourceArn", associated.as_str()));
                }
                let Some(pass) = self.decide_with(a, "iam:PassRole", role_arn, &context) else { continue };
                let mut allowed = pass.allowed_by.to_vec();
                for e in &started {
                    allowed.extend(e.allowed_by.iter().cloned());
                }
                allowed.dedup();
                return Some(Edge {
                    kind: EdgeKind::PassRole,
                    action: Cow::Owned(format!("iam:PassRole to {service} + {}", steps.join(" + "))),
                    resource: interned(&self.resources, role_arn),
                    allowed_by: interned(&self.explanations, allowed),
                });
            }
        }
        None
    }
}

impl Builder<'_> {
    /// What the Auto Scaling way into an EC2 role needs besides its two actions
    /// (GRAPH-PASSROLE-AUTOSCALING): `account` known to exist before 1 October 2024
    /// ([`World::may_create_launch_configurations`], as Auto Scaling's own refusal judges it),
    /// and Auto Scaling's service-linked role ([`Builder::autoscaling_service_role`]). `None` when
    /// either fails; `Some(None)` when the role exists, `Some(Some(edge))` with the
    /// `iam:CreateServiceLinkedRole` decision when `a` would create it.
    fn autoscaling_way(&self, a: usize, account: &str) -> Option<Option<Edge>> {
        if !self.world.may_create_launch_configurations(account) {
            return None;
        }
        self.autoscaling_service_role(a, account)
    }

    /// Auto Scaling's service-linked role in `account`, which a group needs
    /// (AUTOSCALING-SERVICE-LINKED-ROLE): `Some(None)` when it exists, `Some(Some(edge))` with
    /// the `iam:CreateServiceLinkedRole` decision when actor `a` may create it (Auto Scaling
    /// creates it on the caller's behalf), `None` when neither.
    fn autoscaling_service_role(&self, a: usize, account: &str) -> Option<Option<Edge>> {
        let iam = self.world.iam.account(account)?;
        if iam.roles.contains_key(&crate::iam::key("AWSServiceRoleForAutoScaling")) {
            return Some(None);
        }
        let role =
            arn::iam(account, "role", "/aws-service-role/autoscaling.amazonaws.com/", "AWSServiceRoleForAutoScaling");
        let context = [("iam:AWSServiceName", "autoscaling.amazonaws.com")];
        let made = self.decide_with(a, "iam:CreateServiceLinkedRole", &role, &context)?;
        Some(Some(Edge { kind: EdgeKind::PassRole, ..made }))
    }
}

impl Builder<'_> {
    /// The workloads of `account` that run as one of its own roles, each with that role's actor
    /// (`candidates` asks a role's own account about it, so a role of another account is left
    /// out): asked of the world and resolved once per build.
    fn workloads(&self, account: &str) -> AccountWorkloads {
        if let Some(known) = self.workloads.borrow().get(account) {
            return known.clone();
        }
        let found: Vec<(usize, Workload)> = self
            .world
            .workloads_of(account)
            .into_iter()
            .filter(|w| arn::account_of(&w.role_arn) == Some(account))
            .filter_map(|w| Some((self.actor_by_arn(&w.role_arn)?, w)))
            .collect();
        let found = Rc::new(found);
        self.workloads.borrow_mut().insert(account.to_string(), found.clone());
        found
    }

    /// Whether Systems Manager can reach instance `w` for a way starting with `first`: only a
    /// managed node takes commands and sessions, and an instance is one when its role lets the
    /// SSM Agent register it (`ssm:UpdateInstanceInformation`, on the instance), and for a session
    /// open Session Manager's control channel (`ssmmessages:CreateControlChannel`), as AWS's
    /// `AmazonSSMManagedInstanceCore` allows (GRAPH-EXISTING-WORKLOAD). Any other way: true.
    fn managed_node(&self, w: &Workload, first: &str) -> bool {
        if !first.starts_with("ssm:") {
            return true;
        }
        let Ok(role) = self.auth.principal_caller(self.world, &w.role_arn) else { return false };
        let account = arn::account_of(&w.role_arn).unwrap_or_default();
        let needs: &[(&str, &str)] = if first == "ssm:StartSession" {
            &[("ssm:UpdateInstanceInformation", w.arn.as_str()), ("ssmmessages:CreateControlChannel", "*")]
        } else {
            &[("ssm:UpdateInstanceInformation", w.arn.as_str())]
        };
        needs.iter().all(|(action, resource)| {
            let request = crate::auth::AuthRequest::new(&role, &w.region, action, resource).owned_by(account);
            self.auth.authorize(self.world, &request).decision.is_allowed()
        })
    }

    /// The Workload edge from actor `a` into role `role_arn` (a role of `a`'s own account): an
    /// existing workload of the account runs as the role, and `a` is allowed every action of one
    /// of its kind's ways ([`WORKLOAD_WAYS`]), each asked in the workload's Region
    /// (GRAPH-EXISTING-WORKLOAD).
    fn workload_edge(&self, a: usize, role_arn: &str) -> Option<Edge> {
        let account = self.actors[a].account.as_str();
        let workloads = self.workloads(account);
        if workloads.is_empty() {
            return None;
        }
        for (_, w) in workloads.iter().filter(|(_, w)| w.role_arn == role_arn) {
            let Some((_, ways)) = WORKLOAD_WAYS.iter().find(|(kind, _)| *kind == w.kind) else { continue };
            for way in *ways {
                if !way.iter().all(|(action, _)| self.may(a, action)) || !self.managed_node(w, way[0].0) {
                    continue;
                }
                // Each action decided as every edge is (`decide`: in the Region the resource's ARN
                // names, GRAPH-REQUEST-REGION).
                let decided: Option<Vec<Edge>> = way
                    .iter()
                    .map(|(action, resource)| {
                        let resource = resource
                            .replace("{arn}", &w.arn)
                            .replace("{region}", &w.region)
                            .replace("{account}", account);
                        match w.kind {
                            WorkloadKind::AutoScalingLaunchConfiguration => self.group_from(a, action, &resource, w),
                            _ => self.decide(a, action, &resource),
                        }
                    })
                    .collect();
                let Some(mut decided) = decided else { continue };
                let mut steps: Vec<&str> = way.iter().map(|(action, _)| *action).collect();
                // A group needs Auto Scaling's service-linked role, there or created on the
                // caller's behalf (AUTOSCALING-SERVICE-LINKED-ROLE), as the handler asks.
                if w.kind == WorkloadKind::AutoScalingLaunchConfiguration {
                    let Some(made) = self.autoscaling_service_role(a, account) else { continue };
                    if let Some(e) = made {
                        steps.push("iam:CreateServiceLinkedRole");
                        decided.push(e);
                    }
                }
                let mut allowed: Vec<String> = decided.iter().flat_map(|e| e.allowed_by.iter().cloned()).collect();
                allowed.dedup();
                steps.dedup();
                return Some(Edge {
                    kind: EdgeKind::Workload,
                    action: Cow::Owned(steps.join(" + ")),
                    resource: interned(&self.resources, w.arn.as_str()),
                    allowed_by: interned(&self.explanations, allowed),
                });
            }
        }
        None
    }
}

impl Builder<'_> {
    /// The decision on `action` (`autoscaling:CreateAutoScalingGroup`) on the group `resource`
    /// for actor `a`, from launch configuration `w`: in `w`'s Region, with the launch
    /// configuration's name as `autoscaling:LaunchConfigurationName`, as the handler asks it
    /// (AUTOSCALING-CREATE-GROUP). No `iam:PassRole`: the role was passed when the launch
    /// configuration was made (AUTOSCALING-PASSROLE).
    fn group_from(&self, a: usize, action: &'static str, resource: &str, w: &Workload) -> Option<Edge> {
        let name = w.arn.rsplit_once("launchConfigurationName/")?.1;
        self.decide_with(a, action, resource, &[("autoscaling:LaunchConfigurationName", name)])
    }

    /// How role `role_arn` of `account` gets onto an instance actor `a` starts: an instance
    /// profile of the account that holds it (nothing more to ask: `Some` of no edge), or one that
    /// `a` may create and put the role in (`Some` of those two decisions; the profile is new, named
    /// `rootsim-escalation`); `None` when neither (GRAPH-PASSROLE-EC2-PROFILE).
    fn instance_profile_for(&self, a: usize, role_arn: &str, account: &str) -> Option<(String, Vec<Edge>)> {
        let iam = self.world.iam.account(account)?;
        let role = crate::iam::key(role_arn.rsplit('/').next()?);
        if let Some(found) = iam.instance_profiles_of(&role).next() {
            return Some((found.arn(account), Vec::new()));
        }
        if !self.may(a, "iam:CreateInstanceProfile") || !self.may(a, "iam:AddRoleToInstanceProfile") {
            return None;
        }
        let profile = arn::iam(account, "instance-profile", "/", "rootsim-escalation");
        let create = self.decide(a, "iam:CreateInstanceProfile", &profile)?;
        let add = self.decide(a, "iam:AddRoleToInstanceProfile", &profile)?;
        Some((profile, vec![create, add]))
    }
}

/// Whether a role with this path is service-linked: AWS creates those under `/aws-service-role/`
/// and lets no customer pass them or change their trust or permissions.
pub fn is_service_linked(path: &str) -> bool {
    path.starts_with("/aws-service-role/")
}

/// One way to start a service with a passed role: each action with the resource it is asked on
/// (`{account}` is the caller's account; a new resource named `rootsim-escalation` in us-east-1).
type StartWay = &'static [(&'static str, &'static str)];

/// The services a passed role runs code in, and the ways a caller starts each with its own
/// permissions (GRAPH-PASSROLE-*: the published privilege escalation methods). A role trusting any
/// other service gives no PassRole edge.
pub const PASS_ROLE_STARTS: &[(&str, &[StartWay])] = &[
    (
        "lambda.amazonaws.com",
        &[
            &[
                ("lambda:CreateFunction", "arn:aws:lambda:us-east-1:{account}:function:rootsim-escalation"),
                ("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:{account}:function:rootsim-escalation"),
            ],
            &[
                ("lambda:CreateFunction", "arn:aws:lambda:us-east-1:{account}:function:rootsim-escalation"),
                ("lambda:CreateEventSourceMapping", "*"),
            ],
        ],
    ),
    (
        "ec2.amazonaws.com",
        &[
            // RunInstances is authorized on each resource it uses, as the handler asks it
            // (EC2-RUN-INSTANCES; the image is the caller's pick, not asked), the instance with
            // its profile as `ec2:InstanceProfile`.
            &[
                ("ec2:RunInstances", "arn:aws:ec2:us-east-1:{account}:instance/*"),
                ("ec2:RunInstances", "arn:aws:ec2:us-east-1:{account}:network-interface/*"),
                ("ec2:RunInstances", "arn:aws:ec2:us-east-1:{account}:security-group/*"),
                ("ec2:RunInstances", "arn:aws:ec2:us-east-1:{account}:subnet/*"),
            ],
            // An instance started without a profile, then given one (PMapper's second EC2 way):
            // `ec2:NewInstanceProfile` on the association.
            &[
                ("ec2:RunInstances", "arn:aws:ec2:us-east-1:{account}:instance/*"),
                ("ec2:RunInstances", "arn:aws:ec2:us-east-1:{account}:network-interface/*"),
                ("ec2:RunInstances", "arn:aws:ec2:us-east-1:{account}:security-group/*"),
                ("ec2:RunInstances", "arn:aws:ec2:us-east-1:{account}:subnet/*"),
                ("ec2:AssociateIamInstanceProfile", "arn:aws:ec2:us-east-1:{account}:instance/*"),
            ],
            // An Auto Scaling group launches the instances with its own service-linked role, so the
            // caller needs no ec2:RunInstances; launch configurations only, in accounts that may
            // still create them (GRAPH-PASSROLE-AUTOSCALING, [`Builder::autoscaling_way`]). A
            // launch template needs ec2:RunInstances of the caller, the way above.
            &[
                (
                    "autoscaling:CreateLaunchConfiguration",
                    "arn:aws:autoscaling:us-east-1:{account}:launchConfiguration:*:launchConfigurationName/rootsim-escalation",
                ),
                (
                    "autoscaling:CreateAutoScalingGroup",
                    "arn:aws:autoscaling:us-east-1:{account}:autoScalingGroup:*:autoScalingGroupName/rootsim-escalation",
                ),
            ],
        ],
    ),
    (
        "glue.amazonaws.com",
        &[
            &[("glue:CreateDevEndpoint", "arn:aws:glue:us-east-1:{account}:devEndpoint/rootsim-escalation")],
            &[
                ("glue:CreateJob", "arn:aws:glue:us-east-1:{account}:job/rootsim-escalation"),
                ("glue:StartJobRun", "arn:aws:glue:us-east-1:{account}:job/rootsim-escalation"),
            ],
            &[
                ("glue:CreateJob", "arn:aws:glue:us-east-1:{account}:job/rootsim-escalation"),
                ("glue:CreateTrigger", "arn:aws:glue:us-east-1:{account}:trigger/rootsim-escalation"),
            ],
        ],
    ),
    (
        "cloudformation.amazonaws.com",
        &[
            &[("cloudformation:CreateStack", "arn:aws:cloudformation:us-east-1:{account}:stack/rootsim-escalation/*")],
            &[
                (
                    "cloudformation:CreateChangeSet",
                    "arn:aws:cloudformation:us-east-1:{account}:stack/rootsim-escalation/*",
                ),
                (
                    "cloudformation:ExecuteChangeSet",
                    "arn:aws:cloudformation:us-east-1:{account}:stack/rootsim-escalation/*",
                ),
            ],
        ],
    ),
    (
        "codebuild.amazonaws.com",
        &[
            &[
                ("codebuild:CreateProject", "arn:aws:codebuild:us-east-1:{account}:project/rootsim-escalation"),
                ("codebuild:StartBuild", "arn:aws:codebuild:us-east-1:{account}:project/rootsim-escalation"),
            ],
            &[
                ("codebuild:CreateProject", "arn:aws:codebuild:us-east-1:{account}:project/rootsim-escalation"),
                ("codebuild:StartBuildBatch", "arn:aws:codebuild:us-east-1:{account}:project/rootsim-escalation"),
            ],
        ],
    ),
    (
        "sagemaker.amazonaws.com",
        &[
            &[
                (
                    "sagemaker:CreateNotebookInstance",
                    "arn:aws:sagemaker:us-east-1:{account}:notebook-instance/rootsim-escalation",
                ),
                (
                    "sagemaker:CreatePresignedNotebookInstanceUrl",
                    "arn:aws:sagemaker:us-east-1:{account}:notebook-instance/rootsim-escalation",
                ),
            ],
            &[("sagemaker:CreateTrainingJob", "arn:aws:sagemaker:us-east-1:{account}:training-job/rootsim-escalation")],
            &[(
                "sagemaker:CreateProcessingJob",
                "arn:aws:sagemaker:us-east-1:{account}:processing-job/rootsim-escalation",
            )],
        ],
    ),
    (
        "ecs-tasks.amazonaws.com",
        &[
            &[
                ("ecs:RegisterTaskDefinition", "*"),
                ("ecs:RunTask", "arn:aws:ecs:us-east-1:{account}:task-definition/rootsim-escalation:1"),
            ],
            &[
                ("ecs:RegisterTaskDefinition", "*"),
                ("ecs:StartTask", "arn:aws:ecs:us-east-1:{account}:task-definition/rootsim-escalation:1"),
            ],
            &[
                ("ecs:RegisterTaskDefinition", "*"),
                ("ecs:CreateService", "arn:aws:ecs:us-east-1:{account}:service/default/rootsim-escalation"),
            ],
        ],
    ),
    (
        "datapipeline.amazonaws.com",
        &[&[
            ("datapipeline:CreatePipeline", "*"),
            (
                "datapipeline:PutPipelineDefinition",
                "arn:aws:datapipeline:us-east-1:{account}:pipeline/rootsim-escalation",
            ),
            ("datapipeline:ActivatePipeline", "arn:aws:datapipeline:us-east-1:{account}:pipeline/rootsim-escalation"),
        ]],
    ),
];

/// The ways of running code in an existing workload of each kind ([`World::workloads_of`]): each
/// action with the resource it is asked on, `{arn}` the workload's ARN, `{region}` and
/// `{account}` its Region and account (GRAPH-EXISTING-WORKLOAD, after iam-vulnerable's and
/// PMapper's methods). One way wholly allowed is enough.
pub const WORKLOAD_WAYS: &[(WorkloadKind, &[StartWay])] = &[
    // New code runs at the function's next invocation (iam-vulnerable privesc17).
    (WorkloadKind::LambdaFunction, &[&[("lambda:UpdateFunctionCode", "{arn}")]]),
    (
        WorkloadKind::Ec2Instance,
        &[
            // Run Command with AWS's shell document: authorized on the instance and the document.
            &[("ssm:SendCommand", "{arn}"), ("ssm:SendCommand", "arn:aws:ssm:{region}::document/AWS-RunShellScript")],
            // A Session Manager shell: the instance and the default session document.
            &[
                ("ssm:StartSession", "{arn}"),
                ("ssm:StartSession", "arn:aws:ssm:{region}:{account}:document/SSM-SessionManagerRunShell"),
            ],
            // An SSH key pushed for 60 seconds, then an SSH login (EC2 Instance Connect).
            &[("ec2-instance-connect:SendSSHPublicKey", "{arn}")],
        ],
    ),
    // A public key added to the endpoint, then SSH in (iam-vulnerable privesc19).
    (WorkloadKind::GlueDevEndpoint, &[&[("glue:UpdateDevEndpoint", "{arn}")]]),
    (
        WorkloadKind::CloudFormationStack,
        &[
            &[("cloudformation:UpdateStack", "{arn}")],
            &[("cloudformation:CreateChangeSet", "{arn}"), ("cloudformation:ExecuteChangeSet", "{arn}")],
        ],
    ),
    // A presigned URL opens Jupyter on the notebook, whose terminal runs as its role.
    (WorkloadKind::SageMakerNotebookInstance, &[&[("sagemaker:CreatePresignedNotebookInstanceUrl", "{arn}")]]),
    // A build with another buildspec (`--buildspec-override`) runs as the project's service role.
    (
        WorkloadKind::CodeBuildProject,
        &[&[("codebuild:StartBuild", "{arn}")], &[("codebuild:StartBuildBatch", "{arn}")]],
    ),
    // A new group from an existing launch configuration starts instances as its instance
    // profile's role (PMapper's Auto Scaling edge), with Auto Scaling's service-linked role.
    (
        WorkloadKind::AutoScalingLaunchConfiguration,
        &[&[(
            "autoscaling:CreateAutoScalingGroup",
            "arn:aws:autoscaling:{region}:{account}:autoScalingGroup:*:autoScalingGroupName/rootsim-escalation",
        )]],
    ),
];

/// The policies of group `key` of `iam` as the engine names a group's (`reports (inline policy of
/// group Analysts)`, a managed policy's ARN), for a caller supposed to have joined it
/// ([`Caller::joined`]).
fn named_group_policies(iam: &crate::iam::IamAccount, key: &str) -> Vec<(String, Policy)> {
    let (policies, _) = crate::auth::identity_policies(iam, &crate::auth::PolicySource::Group(key));
    policies.into_iter().map(|(n, p)| (n, p.clone())).collect()
}

/// The policies of the group `group_arn` names, as [`named_group_policies`] (none for a group the
/// world does not hold).
fn group_policies_of(world: &World, group_arn: &str) -> Vec<(String, Policy)> {
    let account = arn::account_of(group_arn).unwrap_or_default();
    let key = crate::iam::key(group_arn.rsplit('/').next().unwrap_or_default());
    world.iam.account(account).map(|iam| named_group_policies(iam, &key)).unwrap_or_default()
}

/// A group of an account as the graph supposes a user joins it (GRAPH-ADD-USER-TO-GROUP): its
/// place among the account's groups, ARN and policies, and their Allow statements' actions for
/// the pre-filter ([`Builder::may`] of a member).
struct Joinable {
    /// Its place among [`Builder::account_groups`] of its account (pairs are ordered by it).
    index: usize,
    /// Its key (the lower-cased name).
    key: String,
    /// Its ARN.
    arn: String,
    /// Its policies, named ([`named_group_policies`]).
    policies: Vec<(String, Policy)>,
    /// The same policies, as the pre-filter reads them.
    actions: Vec<Rc<Statements>>,
    /// Whether they name a grant action ([`GRANTS`]) in an Allow statement: only then may a
    /// member give anyone any permission (asked of every candidate granter, so read once).
    grants: bool,
}

/// An account's groups that hold a policy, in the world's order.
type AccountGroups = Rc<Vec<Rc<Joinable>>>;

/// What [`Builder::members`] adds to a graph being finished: its edges, its grants (every grant
/// found, `who-can --via` ends paths with them) and the actors whose escalated nodes are drawn
/// (with their edges).
struct Joins<'a> {
    edges: &'a mut Vec<(NodeIndex, NodeIndex, Edge)>,
    grants: &'a mut Vec<(NodeIndex, NodeIndex, Edge)>,
    escalated: &'a mut BTreeSet<usize>,
}

/// Per (user actor, [`Joinable::index`]): the group, and the node of each actor that may add the
/// user to it with the edge that allows it ([`Builder::members`]).
type JoinPairs = BTreeMap<(usize, usize), (Rc<Joinable>, Vec<(NodeIndex, Edge)>)>;

impl<'w> Builder<'w> {
    /// Every node and actor of the world, no edge yet; each account's made when first asked for
    /// (`graph/nodes.rs`): a question about one account reads few of a large estate's.
    fn new(world: &'w World, auth: &'w Authorizer) -> Builder<'w> {
        Builder {
            world,
            auth,
            nodes: Nodes::new(world),
            actors: Actors::new(world),
            trusted_by: OnceCell::new(),
            trust_scope: None,
            actions: RefCell::new(HashMap::new()),
            any: any_permission(),
            privileged: RefCell::new(HashMap::new()),
            resources: RefCell::new(HashSet::new()),
            explanations: RefCell::new(HashSet::new()),
            undrawn: Vec::new(),
            workloads: RefCell::new(FxHashMap::default()),
            groups: RefCell::new(FxHashMap::default()),
            joined: None,
            adds: RefCell::new(FxHashMap::default()),
        }
    }

    /// The actors that could have an edge into `v`, plain or once given any permission: a
    /// superset, from the same sources [`Builder::edges_from`] reads (trust keys, the account,
    /// the accounts that may start root sessions in `v`'s account). Nothing is decided.
    fn candidates(&self, v: NodeIndex, everyone: &[usize]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        match &self.nodes[v] {
            Node::Root { account } => {
                // Only the management account and the IAM delegated administrator may start root
                // sessions (`sts::root_sessions_from`): asked of those alone, not of every account.
                let Some(org) = self.world.organizations.org.as_ref() else { return out };
                let delegated = org.delegated_admins.get("iam.amazonaws.com").into_iter().flatten();
                for acct in std::iter::once(&org.management_account).chain(delegated) {
                    if crate::world::sts::root_session_permitted(self.world, acct, account).is_ok() {
                        out.extend(self.actors.of_account(acct));
                    }
                }
            }
            Node::User { arn } | Node::Role { arn } => {
                let account = arn::account_of(arn).unwrap_or("");
                out.extend(self.actors.of_account(account));
                for k in self.nodes.role_keys(v) {
                    if k == "*" {
                        return everyone.to_vec();
                    }
                    let actors = self.actors.of_account(k);
                    if !actors.is_empty() {
                        out.extend(actors);
                    } else if let Some(a) = self.actor_by_arn(k) {
                        out.push(a);
                    }
                }
            }
            Node::Escalated { .. } | Node::Member { .. } => {}
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The actors whose edges [`AccessGraph::build_around`] asks first: `account`'s own, every
    /// actor that could have an edge into one of its nodes (plain or given any permission), and
    /// every actor whose policies name a grant among those that could have an edge into one of
    /// the former (its possible granters) when that one is the account's or, given any
    /// permission, has an edge into one of its nodes.
    fn around(&mut self, account: &str) -> Vec<bool> {
        let everyone: Vec<usize> = (0..self.actors.len()).collect();
        let mut expand = vec![false; self.actors.len()];
        for a in self.actors.of_account(account) {
            expand[a] = true;
        }
        for v in self.nodes.node_indices() {
            if arn::account_of(&self.nodes[v].arn()) == Some(account) {
                for a in self.candidates(v, &everyone) {
                    expand[a] = true;
                }
            }
        }
        // The granters matter for the account's own actors, and for those that, given any
        // permission, have an edge into one of the account's nodes (an escalated node that may
        // be drawn); asked once each, into those nodes only.
        let mut mask = vec![false; self.nodes.node_count()];
        for v in self.nodes.node_indices() {
            mask[v.index()] = arn::account_of(&self.nodes[v].arn()) == Some(account);
        }
        let near: Vec<usize> = (0..self.actors.len()).filter(|&a| expand[a]).collect();
        for a in near {
            if self.actors[a].account != account {
                self.set_granted(a, Some(self.any.clone()));
                let into = self.edges_from(a, Some(&mask));
                self.set_granted(a, None);
                if into.is_empty() {
                    continue;
                }
            }
            for g in self.candidates(self.actors[a].node, &everyone) {
                if !expand[g] && self.may_grant(g) {
                    expand[g] = true;
                }
            }
        }
        expand
    }

    /// The actor whose principal ARN is `principal`.
    fn actor_by_arn(&self, principal: &str) -> Option<usize> {
        let account = arn::account_of(principal)?;
        self.actors.of_account(account).find(|&a| self.actors[a].arn == principal)
    }

    /// The actors whose edges can lie on a path to `target` (a backward closure): an actor with
    /// an edge into a node of the closure, and, for an actor that could reach such a node once
    /// given any permission, every actor that might give it that permission (itself, or one with
    /// an edge to it, whose policies name a grant action). Building only their edges gives the
    /// same paths into `target` as building all (see [`AccessGraph::build_towards`]).
    ///
    /// The targets are the nodes `seeds` and the escalated nodes of the actors `escalating`;
    /// `ends`, among the seeds, are the targets where a path ends (a user that joining a group
    /// would allow is a seed a path may go through, to the user who adds it).
    /// A user that, as a member of a group it could join, may have an edge into the closure that
    /// it has not with its own policies, or may give an actor that escalates into the closure any
    /// permission ([`Builder::member_granters_of`]), brings in likewise whoever might add it to
    /// that group (itself, or one with an edge to it, allowed `iam:AddUserToGroup` on the group).
    /// Returns (in the closure, escalates): `escalates` marks the actors that, given any
    /// permission or as such a member, may have an edge into the closure (or are `escalating`),
    /// whether or not they are in it themselves: their escalated or member nodes may lie on a
    /// path, so the granters' and adders' edges to them are needed.
    fn closure(&mut self, seeds: &[NodeIndex], ends: &[NodeIndex], escalating: &[usize]) -> (Vec<bool>, Vec<bool>) {
        let everyone: Vec<usize> = (0..self.actors.len()).collect();
        let mut relevant = vec![false; self.actors.len()];
        let mut escalates = vec![false; self.actors.len()];
        // The users whose member nodes may lie on a path (their adders need an edge to them), and
        // per (user, group): who might add the user (asked once), and whether the pair was found.
        let mut members = vec![false; self.actors.len()];
        let mut adders: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        let mut joined: HashSet<(usize, usize)> = HashSet::new();
        // Per actor: who might give it any permission (asked once).
        let mut granters: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut queue: VecDeque<NodeIndex> = seeds.iter().copied().collect();
        // The grants of a node where every path ends (`ends`, among the seeds) never lie on a path
        // to a target (a path ends at the first such node it meets): none is asked as a granter.
        let mut target = vec![false; self.actors.len()];
        for &v in ends {
            if let Some(a) = self.actors.of_node(v) {
                target[a] = true;
            }
        }
        // Per actor: the users who, as a member of a group, might give it any permission, with
        // who might add them (asked once).
        let mut member_granters: HashMap<usize, Vec<(usize, Vec<usize>)>> = HashMap::new();
        for &a in escalating {
            let of_a = self.granters_of(a, &everyone, &target);
            escalates[a] = true;
            for &g in &of_a {
                if !relevant[g] {
                    relevant[g] = true;
                    queue.push_back(self.actors[g].node);
                }
            }
            granters.insert(a, of_a);
            for (u, who) in self.member_granters_of(a, &target, &mut adders) {
                members[u] = true;
                for g in who {
                    if !relevant[g] {
                        relevant[g] = true;
                        queue.push_back(self.actors[g].node);
                    }
                }
            }
        }
        while let Some(v) = queue.pop_front() {
            for a in self.candidates(v, &everyone) {
                if self.actors[a].node == v {
                    continue;
                }
                if !relevant[a] && self.edge_to(a, v) {
                    relevant[a] = true;
                    queue.push_back(self.actors[a].node);
                }
                // a, a user, might reach v as a member of a group it could join: whoever might add
                // it (GRAPH-ADD-USER-TO-GROUP). A member's edge counts only where a has none of its
                // own (the member node's edges are those beyond the user's).
                if !target[a] {
                    let mut plain: Option<bool> = None;
                    for group in self.joinable(a) {
                        let key = (a, group.index);
                        if joined.contains(&key) {
                            continue;
                        }
                        let who = match adders.entry(key) {
                            Entry::Occupied(known) => known.get().clone(),
                            Entry::Vacant(slot) => slot.insert(self.adders_of(a, &group)).clone(),
                        };
                        if who.is_empty() {
                            continue;
                        }
                        if *plain.get_or_insert_with(|| self.edge_to(a, v)) {
                            break;
                        }
                        self.set_joined(a, Some(group));
                        let reaches = self.edge_to(a, v);
                        self.set_joined(a, None);
                        if reaches {
                            joined.insert(key);
                            members[a] = true;
                            for g in who {
                                if !relevant[g] {
                                    relevant[g] = true;
                                    queue.push_back(self.actors[g].node);
                                }
                            }
                        }
                    }
                }
                // a with any permission might reach v: whoever might give it that permission.
                if let Entry::Vacant(slot) = granters.entry(a) {
                    slot.insert(self.granters_of(a, &everyone, &target));
                }
                // Asked until found once (its granters are in the closure from then on).
                if escalates[a] {
                    continue;
                }
                if let Entry::Vacant(slot) = member_granters.entry(a) {
                    slot.insert(self.member_granters_of(a, &target, &mut adders));
                }
                if granters[&a].is_empty() && member_granters[&a].is_empty() {
                    continue;
                }
                self.set_granted(a, Some(self.any.clone()));
                let escalated = self.edge_to(a, v);
                self.set_granted(a, None);
                if escalated {
                    escalates[a] = true;
                    for &g in &granters[&a] {
                        if !relevant[g] {
                            relevant[g] = true;
                            queue.push_back(self.actors[g].node);
                        }
                    }
                    for (u, who) in &member_granters[&a] {
                        members[*u] = true;
                        for &g in who {
                            if !relevant[g] {
                                relevant[g] = true;
                                queue.push_back(self.actors[g].node);
                            }
                        }
                    }
                }
            }
        }
        // A member's adders, like a grantee's granters, need their edges to it.
        for (e, m) in escalates.iter_mut().zip(members) {
            *e |= m;
        }
        (relevant, escalates)
    }

    /// The actors that may give actor `a` any permission: itself, or one with an edge to it,
    /// whose grant ([`Builder::grant`]) the engine allows; those `skip` marks are not asked.
    fn granters_of(&self, a: usize, everyone: &[usize], skip: &[bool]) -> Vec<usize> {
        let node = self.actors[a].node;
        let mut out = Vec::new();
        for g in self.candidates(node, everyone) {
            let names_a_grant = !skip[g] && self.may_grant(g);
            if names_a_grant && (g == a || self.edge_to(g, node)) && self.grant(g, a).is_some() {
                out.push(g);
            }
        }
        if !skip[a] && !out.contains(&a) && self.may_grant(a) && self.grant(a, a).is_some() {
            out.push(a);
        }
        out
    }

    /// The users of actor `x`'s account (not `x`, none `skip` marks) who, as a member of a group
    /// they could join and some actor may add them to, might give `x` any permission: an edge to
    /// `x` as a member, and a grant ([`Builder::grant`]) the group's policies allow; each with
    /// who might add it to such a group (`adders`, per user and group, asked once). Only groups
    /// whose policies name a grant action are asked.
    fn member_granters_of(
        &mut self,
        x: usize,
        skip: &[bool],
        adders: &mut HashMap<(usize, usize), Vec<usize>>,
    ) -> Vec<(usize, Vec<usize>)> {
        let account = self.actors[x].account.clone();
        let granting = self.account_groups(&account);
        if !granting.iter().any(|g| g.grants) {
            return Vec::new();
        }
        let node = self.actors[x].node;
        let users: Vec<usize> =
            self.actors.of_account(&account).filter(|&u| u != x && !skip[u] && self.actors[u].user.is_some()).collect();
        let mut out = Vec::new();
        for u in users {
            let mut who: Vec<usize> = Vec::new();
            for group in self.joinable(u) {
                if !group.grants {
                    continue;
                }
                let by = adders.entry((u, group.index)).or_insert_with(|| self.adders_of(u, &group)).clone();
                if by.is_empty() {
                    continue;
                }
                self.set_joined(u, Some(group));
                let grants = self.edge_to(u, node) && self.grant(u, x).is_some();
                self.set_joined(u, None);
                if grants {
                    who.extend(by);
                }
            }
            if !who.is_empty() {
                who.sort_unstable();
                who.dedup();
                out.push((u, who));
            }
        }
        out
    }

    /// Whether actor `a` may have an edge to `v` ([`Builder::edges_from`] asked for that one
    /// target; it may say yes where the edge is of a kind that does not apply to `v`).
    fn edge_to(&self, a: usize, v: NodeIndex) -> bool {
        let actor = &self.actors[a];
        if actor.node == v {
            return false;
        }
        match &self.nodes[v] {
            Node::Root { account } => {
                crate::world::sts::root_session_permitted(self.world, &actor.account, account).is_ok()
                    && self.may(a, "sts:AssumeRoot")
                    && self.decide(a, "sts:AssumeRoot", &arn::root(account)).is_some()
            }
            Node::Escalated { .. } | Node::Member { .. } => false,
            Node::User { arn } | Node::Role { arn } => {
                let keys = self.nodes.role_keys(v);
                // As edges_from: across accounts the caller's policies must allow sts:AssumeRole.
                let same = self.account_of_node(v) == Some(actor.account.as_str());
                let may = self.may(a, "sts:AssumeRole");
                let named = keys.iter().any(|k| *k == actor.arn || k == "*") && (same || may)
                    || keys.contains(&actor.account) && may;
                if named && self.decide(a, "sts:AssumeRole", arn).is_some() {
                    return true;
                }
                // PassRole is decided as edges_from decides it: with the service's condition keys.
                arn::account_of(arn) == Some(actor.account.as_str())
                    && (TAKEOVERS.iter().any(|action| {
                        self.may(a, action)
                            && if *action == "iam:PassRole" {
                                self.pass_role(a, v, arn, &actor.account).is_some()
                            } else {
                                self.decide(a, action, arn).is_some()
                            }
                    }) || !self.nodes.service_linked(v) && self.workload_edge(a, arn).is_some())
            }
        }
    }

    /// Actor `g`'s edges once given any permission, into the nodes `within` admits (its plain
    /// edges among them: callers take those out).
    fn escalated_edges(&mut self, g: usize, within: Within) -> Vec<(NodeIndex, Edge)> {
        self.set_granted(g, Some(self.any.clone()));
        let more = self.edges_from(g, within);
        self.set_granted(g, None);
        more
    }

    /// Asks actor `g`'s edges once given any permission into `targets` (nodes of the graph),
    /// recording in `seen` each target's edge or `None`. `mask` is a scratch flag per node,
    /// all false, left so.
    fn ask_escalated(
        &mut self,
        g: usize,
        targets: &[NodeIndex],
        seen: &mut BTreeMap<NodeIndex, Option<Edge>>,
        mask: &mut Vec<bool>,
    ) {
        if targets.is_empty() {
            return;
        }
        if mask.len() < self.nodes.node_count() {
            mask.resize(self.nodes.node_count(), false);
        }
        for t in targets {
            mask[t.index()] = true;
        }
        self.set_granted(g, Some(self.any.clone()));
        let found = self.edges_from(g, Some(mask));
        self.set_granted(g, None);
        for t in targets {
            mask[t.index()] = false;
            seen.insert(*t, None);
        }
        for (t, e) in found {
            seen.insert(t, Some(e));
        }
    }

    /// Which of `targets` actor `g` has an edge into with its own permissions: read from its
    /// edges when they were asked (`plain`), else asked target by target (`mask` as in
    /// [`Builder::ask_escalated`]; `g`'s root users known, [`Builder::roots_known`]).
    fn plain_into(
        &mut self,
        g: usize,
        targets: &[NodeIndex],
        plain: &HashMap<usize, Vec<(NodeIndex, Edge)>>,
        mask: &mut Vec<bool>,
    ) -> BTreeSet<NodeIndex> {
        if let Some(own) = plain.get(&g) {
            return own.iter().map(|(t, _)| *t).filter(|t| targets.contains(t)).collect();
        }
        if targets.is_empty() {
            return BTreeSet::new();
        }
        if mask.len() < self.nodes.node_count() {
            mask.resize(self.nodes.node_count(), false);
        }
        for t in targets {
            mask[t.index()] = true;
        }
        let found = self.edges_from(g, Some(mask));
        for t in targets {
            mask[t.index()] = false;
        }
        found.into_iter().map(|(t, _)| t).collect()
    }

    /// Whether every member root user that actor `g` could start a root session in, given any
    /// permission, is a node already: then its edges can be asked target by target (an edge into
    /// a member's root user that has no node yet adds one, which a target-by-target question,
    /// asking only about existing nodes, would not see).
    fn roots_known(&self, g: usize) -> bool {
        crate::world::sts::root_sessions_from(self.world, &self.actors[g].account).map_or(true, |org| {
            org.accounts.keys().all(|m| self.nodes.index_of(&Node::Root { account: m.clone() }).is_some())
        })
    }

    /// Whether actor `a`, given any permission, would be allowed `action` on `resource`: what
    /// [`granted_any_allows`] asks, through the actor's caller (resolved once for the build).
    fn allowed_with_any(&mut self, a: usize, action: &str, resource: &str) -> bool {
        if !service_admits(self.world, &self.actors[a].arn, action, resource) {
            return false;
        }
        self.set_granted(a, Some(self.any.clone()));
        let allowed =
            self.caller(a).is_some_and(|c| self.auth.decide_for(self.world, c, action, resource).decision.is_allowed());
        self.set_granted(a, None);
        allowed
    }

    /// Gives actor `g` any permission (or takes it back), for its escalated node's edges.
    fn set_granted(&mut self, g: usize, granted: Option<Policy>) {
        self.caller(g);
        self.actors[g].granted.set(granted.is_some());
        if let Some(Some(c)) = self.actors[g].caller.get_mut() {
            c.granted = granted;
        }
    }

    /// The groups of `account` that hold a policy, each with its policies as the engine names them
    /// and as the pre-filter reads them: read once per build.
    fn account_groups(&self, account: &str) -> AccountGroups {
        if let Some(known) = self.groups.borrow().get(account) {
            return known.clone();
        }
        let mut found = Vec::new();
        if let Some(iam) = self.world.iam.account(account) {
            for (key, grp) in &iam.groups {
                let policies = named_group_policies(iam, key);
                if policies.is_empty() {
                    continue;
                }
                let mut cache = self.actions.borrow_mut();
                let actions: Vec<Rc<Statements>> = policies
                    .iter()
                    .map(|(_, p)| {
                        cache.entry(p.text().as_ptr() as usize).or_insert_with(|| Rc::new(allow_actions(p))).clone()
                    })
                    .collect();
                let grants = GRANTS.iter().any(|action| names(&actions, action));
                found.push(Rc::new(Joinable {
                    index: found.len(),
                    key: key.clone(),
                    arn: arn::iam(account, "group", &grp.path, &grp.name),
                    policies,
                    actions,
                    grants,
                }));
            }
        }
        let found = Rc::new(found);
        self.groups.borrow_mut().insert(account.to_string(), found.clone());
        found
    }

    /// The groups user actor `u` could join (GRAPH-ADD-USER-TO-GROUP): those of its account that
    /// hold a policy and that it is not in, none when it is in ten already (IAM's quota,
    /// IAM-GROUPS-PER-USER) or is a role.
    fn joinable(&self, u: usize) -> Vec<Rc<Joinable>> {
        let actor = &self.actors[u];
        let Some(user) = actor.user.as_deref() else { return Vec::new() };
        let Some(iam) = self.world.iam.account(&actor.account) else { return Vec::new() };
        if iam.groups.is_empty() || iam.groups_of(user).count() >= crate::iam::MAX_GROUPS_PER_USER {
            return Vec::new();
        }
        let groups = self.account_groups(&actor.account);
        groups
            .iter()
            .filter(|g| iam.groups.get(&g.key).is_some_and(|grp| !grp.members.iter().any(|m| m == user)))
            .cloned()
            .collect()
    }

    /// Whether actor `a` may add a user to `group`, a group of its own account (IAM acts in the
    /// caller's account): `iam:AddUserToGroup` on the group, decided once per build.
    fn adds_to(&self, a: usize, group: &Joinable) -> Option<Edge> {
        if arn::account_of(&group.arn) != Some(self.actors[a].account.as_str()) || !self.may(a, "iam:AddUserToGroup") {
            return None;
        }
        if let Some(known) = self.adds.borrow().get(&(a, group.index)) {
            return known.clone();
        }
        let decided =
            self.decide(a, "iam:AddUserToGroup", &group.arn).map(|e| Edge { kind: EdgeKind::AddUserToGroup, ..e });
        self.adds.borrow_mut().insert((a, group.index), decided.clone());
        decided
    }

    /// The actors that may add user actor `u` to `group`: itself, or an actor of its account with
    /// an edge to it, allowed `iam:AddUserToGroup` on the group ([`Builder::adds_to`]).
    fn adders_of(&self, u: usize, group: &Joinable) -> Vec<usize> {
        let node = self.actors[u].node;
        let account = self.actors[u].account.clone();
        self.actors
            .of_account(&account)
            .filter(|&c| self.adds_to(c, group).is_some() && (c == u || self.edge_to(c, node)))
            .collect()
    }

    /// Supposes user actor `u` a member of `group` (or no longer, for `None`), for its member
    /// node's edges: its decisions add the group's policies to its own groups' (its boundary,
    /// SCPs and RCPs still apply), its pre-filter the group's actions.
    fn set_joined(&mut self, u: usize, group: Option<Rc<Joinable>>) {
        self.caller(u);
        if let Some(Some(c)) = self.actors[u].caller.get_mut() {
            c.joined = group.as_ref().map(|g| g.policies.clone()).unwrap_or_default();
        }
        self.joined = group.map(|g| (u, g));
    }

    /// Actor `a`'s plain edges into the nodes `within` admits, asked once.
    fn plain_edges<'p>(
        &mut self,
        a: usize,
        within: Within,
        plain: &'p mut HashMap<usize, Vec<(NodeIndex, Edge)>>,
    ) -> &'p Vec<(NodeIndex, Edge)> {
        plain.entry(a).or_insert_with(|| self.edges_from(a, within))
    }

    /// The graph, with the edges of the actors `expand` marks (all of them for `None`) into the
    /// nodes `admitted` admits (and the escalated nodes their grants lead to).
    ///
    /// Restricted to the nodes that may reach a target, the graph keeps every edge between nodes
    /// that reach it, in the whole graph's order, so breadth-first search finds the same shortest
    /// paths. A grant's escalated node is drawn when it reaches an admitted node that the granter
    /// does not reach already: any grant edge on a shortest path has such a node. An edge the
    /// whole graph would not draw (a granter asked only into the admitted nodes, its grantee
    /// asked everywhere) is on no shortest path: the granter reaches each admitted node that the
    /// escalated node reaches in one step itself.
    fn finish(self, expand: Option<&[bool]>, admitted: Within) -> AccessGraph {
        self.finish_with(expand, admitted, &mut Memo::default())
    }

    /// [`Builder::finish`], reusing (and adding to) what `memo` holds from an earlier build of the
    /// same world with the same `admitted` nodes.
    fn finish_with(mut self, expand: Option<&[bool]>, admitted: Within, memo: &mut Memo) -> AccessGraph {
        let Memo { plain, asked } = memo;
        let b = &mut self;
        let expanded = |a: usize| expand.is_none_or(|e| e.get(a).copied().unwrap_or(false));
        let mut edges = Vec::new();
        for a in (0..b.actors.len()).filter(|&a| expanded(a)) {
            for (to, e) in b.plain_edges(a, admitted, plain).clone() {
                edges.push((b.actors[a].node, to, e));
            }
        }
        let mut reach: HashMap<NodeIndex, BTreeSet<NodeIndex>> = HashMap::new();
        for (f, t, _) in &edges {
            reach.entry(*f).or_default().insert(*t);
        }
        let nowhere = BTreeSet::new();
        // Grants: to itself, or to a principal it already has an edge to.
        let mut grants = Vec::new();
        for a in (0..b.actors.len()).filter(|&a| expanded(a)) {
            let from = b.actors[a].node;
            let mut grantees = vec![a];
            grantees.extend(reach.get(&from).into_iter().flatten().filter_map(|&to| b.actors.of_node(to)));
            for g in grantees {
                if let Some(e) = b.grant(a, g) {
                    grants.push((a, g, e));
                }
            }
        }
        // A grant is drawn when its grantee, given any permission, has an edge into a node that
        // its granter does not reach already (nor the grantee itself). So each grant first asks
        // the grantee's edges into only those nodes (`open`, from the superset of its possible
        // targets: usually few or none), and the grantee's other edges only once one of its
        // grants is drawn. Each target is decided alone (`edges_from`), so an edge asked this way
        // is the one asking all would find. What each grantee was asked is kept for its next grant.
        let mut mask = vec![false; b.nodes.node_count()];
        // Grantees whose every edge with any permission was asked at once (`Builder::roots_known`).
        let mut whole: BTreeMap<usize, Vec<(NodeIndex, Edge)>> = BTreeMap::new();
        let mut drawn = vec![false; grants.len()];
        for (i, &(a, g, _)) in grants.iter().enumerate() {
            if b.undrawn.get(g).copied().unwrap_or(false) {
                continue;
            }
            let from = b.actors[a].node;
            let known = reach.get(&from).unwrap_or(&nowhere);
            let mut open: Vec<NodeIndex> =
                b.possible_targets(g, admitted).into_iter().filter(|t| *t != from && !known.contains(t)).collect();
            if open.is_empty() {
                continue;
            }
            let node = b.actors[g].node;
            if !whole.contains_key(&g) && !b.roots_known(g) {
                // Its edges may add a member's root user to the graph (see `roots_known`): asked
                // all at once, here, as the whole graph always asked them, with its own edges.
                let plain_targets: BTreeSet<NodeIndex> =
                    b.plain_edges(g, admitted, plain).iter().map(|(t, _)| *t).collect();
                let more = b.escalated_edges(g, admitted);
                let more = more.into_iter().filter(|(t, _)| !plain_targets.contains(t) && *t != node).collect();
                whole.insert(g, more);
            }
            if let Some(more) = whole.get(&g) {
                drawn[i] = more.iter().any(|(t, _)| *t != from && !known.contains(t));
                continue;
            }
            // The grantee's own edges: all of them when it was expanded (the whole graph), else
            // only into the targets it would reach with any permission (a grantee reaches with
            // any permission whatever it reaches with its own).
            if let Some(own) = plain.get(&g) {
                open.retain(|t| !own.iter().any(|(o, _)| o == t));
            }
            let seen = asked.entry(g).or_default();
            let new: Vec<NodeIndex> = open.iter().copied().filter(|t| !seen.contains_key(t)).collect();
            b.ask_escalated(g, &new, seen, &mut mask);
            let found: Vec<NodeIndex> = open.into_iter().filter(|t| seen.get(t).is_some_and(Option::is_some)).collect();
            let own = b.plain_into(g, &found, plain, &mut mask);
            drawn[i] = found.iter().any(|t| !own.contains(t));
        }
        let mut kept_grants = Vec::new();
        let mut used = BTreeSet::new();
        for ((a, g, e), drawn) in grants.into_iter().zip(drawn) {
            let (from, grantee) = (b.actors[a].node, b.actors[g].node);
            // Worth a step only when it leads the granter somewhere it does not go already.
            if drawn {
                let node = b.add(Node::Escalated { arn: b.actors[g].arn.clone() });
                edges.push((from, node, e.clone()));
                used.insert(g);
            }
            kept_grants.push((from, grantee, e));
        }
        // A drawn grantee's every edge with any permission beyond its own.
        let mut drawn_escalated = used.clone();
        for g in used {
            let node = b.add(Node::Escalated { arn: b.actors[g].arn.clone() });
            let more = match whole.remove(&g) {
                Some(more) => more,
                None => {
                    let seen = asked.entry(g).or_default();
                    let rest: Vec<NodeIndex> =
                        b.possible_targets(g, admitted).into_iter().filter(|t| !seen.contains_key(t)).collect();
                    b.ask_escalated(g, &rest, seen, &mut mask);
                    let found: Vec<NodeIndex> = seen.iter().filter(|(_, e)| e.is_some()).map(|(t, _)| *t).collect();
                    let own = b.plain_into(g, &found, plain, &mut mask);
                    let node = b.actors[g].node;
                    seen.iter()
                        .filter(|(t, _)| **t != node && !own.contains(t))
                        .filter_map(|(t, e)| e.clone().map(|e| (*t, e)))
                        .collect()
                }
            };
            edges.extend(more.into_iter().map(|(t, e)| (node, t, e)));
        }
        let mut joins = Joins { edges: &mut edges, grants: &mut kept_grants, escalated: &mut drawn_escalated };
        b.members(expand, admitted, &reach, plain, &mut mask, &mut joins);
        b.graph(admitted, edges, kept_grants)
    }

    /// Adds to `edges` the member nodes and their edges (GRAPH-ADD-USER-TO-GROUP): for each user
    /// U and group G it is not in, `U as a member of G` when an actor `expand` marks (U itself, or
    /// one with an edge to U, `reach`) may add U to G, and U with G's policies has an edge into a
    /// node `admitted` admits that U has not with its own (`plain` as in
    /// [`Builder::finish_with`]) and that the actor does not reach already, or a grant the actor
    /// may not make itself; an AddUserToGroup edge from each such actor into it, the member's
    /// edges beyond U's out of it, and its grants (into `X (any permission)`, drawn as an actor's
    /// are, with X's edges when its escalated node is new; every grant kept in `out.grants` for
    /// `who-can --via`). In the order
    /// of users, then groups, then adders, so that a build towards a target draws the member
    /// nodes on its paths in the whole graph's order.
    fn members(
        &mut self,
        expand: Option<&[bool]>,
        admitted: Within,
        reach: &HashMap<NodeIndex, BTreeSet<NodeIndex>>,
        plain: &HashMap<usize, Vec<(NodeIndex, Edge)>>,
        mask: &mut Vec<bool>,
        out: &mut Joins<'_>,
    ) {
        let expanded = |a: usize| expand.is_none_or(|e| e.get(a).copied().unwrap_or(false));
        let mut pairs: JoinPairs = BTreeMap::new();
        // Each grantee's edges with any permission beyond its own, asked once.
        let mut escalated: HashMap<usize, Vec<(NodeIndex, Edge)>> = HashMap::new();
        for a in (0..self.actors.len()).filter(|&a| expanded(a) && self.may(a, "iam:AddUserToGroup")) {
            let from = self.actors[a].node;
            let mut users = vec![a];
            users.extend(reach.get(&from).into_iter().flatten().filter_map(|&to| self.actors.of_node(to)));
            for u in users {
                for group in self.joinable(u) {
                    if let Some(e) = self.adds_to(a, &group) {
                        pairs.entry((u, group.index)).or_insert_with(|| (group.clone(), Vec::new())).1.push((from, e));
                    }
                }
            }
        }
        for ((u, _), (group, adders)) in pairs {
            let node = self.actors[u].node;
            let arn = self.actors[u].arn.clone();
            let group_arn = group.arn.clone();
            self.set_joined(u, Some(group.clone()));
            let more = self.edges_from(u, admitted);
            self.set_joined(u, None);
            // Every node the member has an edge to, its user's edges among them (as the
            // closure's `edge_to` asks it).
            let reached: BTreeSet<NodeIndex> = more.iter().map(|(t, _)| *t).collect();
            let found: Vec<NodeIndex> = reached.iter().copied().collect();
            let own = self.plain_into(u, &found, plain, mask);
            let new: Vec<(NodeIndex, Edge)> =
                more.into_iter().filter(|(t, _)| *t != node && !own.contains(t)).collect();
            // The member's grants (GRAPH-GRANT-ANY-PERMISSION): to a principal it has an edge to,
            // where the group's policies name a grant action (the user's own grants are its own
            // edges already). Giving itself any permission is the user's Grant edge instead.
            let mut grants: Vec<(usize, Edge)> = Vec::new();
            if group.grants {
                // In node order, as actors are: the grants come out in the actors' order.
                let grantees: Vec<usize> =
                    reached.iter().filter_map(|&t| self.actors.of_node(t)).filter(|&g| g != u).collect();
                self.set_joined(u, Some(group.clone()));
                for g in grantees {
                    if let Some(e) = self.grant(u, g) {
                        grants.push((g, e));
                    }
                }
                self.set_joined(u, None);
            }
            // Which grants lead somewhere the member does not go already (as an actor's grant is
            // drawn), with the grantee's edges beyond its own.
            let mut drawn: Vec<(usize, Edge)> = Vec::new();
            for (g, e) in &grants {
                if self.undrawn.get(*g).copied().unwrap_or(false) {
                    continue;
                }
                if !escalated.contains_key(g) {
                    let more = self.escalated_edges(*g, admitted);
                    let found: Vec<NodeIndex> = more.iter().map(|(t, _)| *t).collect();
                    let own = self.plain_into(*g, &found, plain, mask);
                    let gnode = self.actors[*g].node;
                    let more = more.into_iter().filter(|(t, _)| *t != gnode && !own.contains(t)).collect();
                    escalated.insert(*g, more);
                }
                if escalated[g].iter().any(|(t, _)| *t != node && !reached.contains(t)) {
                    drawn.push((*g, e.clone()));
                }
            }
            // As a grant: an adder's step is drawn only when the member reaches a node that the
            // adder does not reach already (nor is), or gives any permission to a principal the
            // adder may not give it itself.
            let nowhere = BTreeSet::new();
            let adders: Vec<(NodeIndex, Edge)> = adders
                .into_iter()
                .filter(|(from, _)| {
                    let known = reach.get(from).unwrap_or(&nowhere);
                    new.iter().any(|(t, _)| t != from && !known.contains(t))
                        || self.actors.of_node(*from).is_some_and(|a| {
                            grants.iter().any(|(g, _)| self.actors[*g].node != *from && self.grant(a, *g).is_none())
                        })
                })
                .collect();
            if adders.is_empty() {
                continue;
            }
            let member = self.add(Node::Member { arn, group: group_arn });
            out.edges.extend(adders.into_iter().map(|(from, e)| (from, member, e)));
            out.edges.extend(new.into_iter().map(|(t, e)| (member, t, e)));
            for (g, e) in &grants {
                out.grants.push((member, self.actors[*g].node, e.clone()));
            }
            for (g, e) in drawn {
                let target = self.add(Node::Escalated { arn: self.actors[g].arn.clone() });
                out.edges.push((member, target, e));
                if out.escalated.insert(g) {
                    let more = escalated[&g].clone();
                    out.edges.extend(more.into_iter().map(|(t, e)| (target, t, e)));
                }
            }
        }
    }

    /// The graph of `edges` and `grants`: every node when `admitted` is `None` (the whole graph,
    /// or one that `graph --account` draws), else the nodes `admitted` marks and those an edge or
    /// grant names (a build towards some targets, which only paths into them read). The nodes
    /// keep their order, and the edges theirs, so a search over the graph goes as it would with
    /// every node.
    fn graph(
        &self,
        admitted: Within,
        edges: Vec<(NodeIndex, NodeIndex, Edge)>,
        grants: Vec<(NodeIndex, NodeIndex, Edge)>,
    ) -> AccessGraph {
        let count = self.nodes.node_count();
        let mut keep = match admitted {
            None => vec![true; count],
            Some(w) => {
                let mut keep = w.to_vec();
                keep.resize(count, false);
                for (f, t, _) in edges.iter().chain(&grants) {
                    (keep[f.index()], keep[t.index()]) = (true, true);
                }
                keep
            }
        };
        keep.truncate(count);
        let kept = keep.iter().filter(|k| **k).count();
        let mut graph = DiGraph::with_capacity(kept, edges.len());
        let mut index = FxHashMap::with_capacity_and_hasher(kept, Default::default());
        // Each node's index in `graph` (`NodeIndex::end()` for a node left out).
        let mut dense = vec![NodeIndex::end(); count];
        for v in self.nodes.node_indices().filter(|v| keep[v.index()]) {
            let node = self.nodes[v].clone();
            dense[v.index()] = graph.add_node(node.clone());
            index.insert(node, dense[v.index()]);
        }
        for (f, t, e) in edges {
            graph.add_edge(dense[f.index()], dense[t.index()], e);
        }
        let grants = grants.into_iter().map(|(f, g, e)| (dense[f.index()], dense[g.index()], e)).collect();
        AccessGraph { graph, index, grants }
    }
}

/// What one build asked that a second build of the same world, with the same admitted nodes, can
/// reuse ([`AccessGraph::build_around`] builds twice): each actor's plain edges, and each
/// grantee's edges with any permission into the targets asked so far. Every node they name is a
/// principal's, whose index is the same in every build of the world.
#[derive(Default)]
struct Memo {
    plain: HashMap<usize, Vec<(NodeIndex, Edge)>>,
    asked: HashMap<usize, BTreeMap<NodeIndex, Option<Edge>>>,
}

/// The actions by which one principal takes over another of its account ([`Builder::edges_from`]).
const TAKEOVERS: [&str; 5] = [
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:UpdateAssumeRolePolicy",
    "iam:PassRole",
];

/// The actions by which one principal gives another (or itself) any permission ([`Builder::grant`]).
const GRANTS: [&str; 9] = [
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:PutGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:AddUserToGroup",
    "iam:SetDefaultPolicyVersion",
];

impl AccessGraph {
    /// Builds the graph (module docs: the edge kinds, and which decisions are asked).
    pub fn build(world: &World) -> AccessGraph {
        Builder::new(world, &Authorizer::new()).finish(None, None)
    }

    /// The part of the graph that can reach `target`: the edges of the actors in a backward
    /// closure from `target` (and the escalated nodes their grants lead to), and of those only
    /// the edges into the closure's nodes, the target, and the actors that may escalate into the
    /// closure (a granter reaches them to give them any permission); the nodes are those and the
    /// ones the edges name, in the whole graph's order.
    /// Every path into `target` is the one [`AccessGraph::build`] gives: an actor outside the
    /// closure has no edge, plain or through a grant, into a node that reaches `target`, and an
    /// edge into a node outside it cannot lie on such a path. Much cheaper on a large estate,
    /// whose edges mostly lead elsewhere: with centralized root access on, the management
    /// account's actors are in the closure of a member's root user, and their edges into every
    /// other member are not asked.
    pub fn build_towards(world: &World, target: &Node) -> AccessGraph {
        AccessGraph::build_into(world, &Authorizer::new(), std::slice::from_ref(target), &[], None)
    }

    /// The part of the graph that can reach one of `targets`, one of `joiners` (nodes a path may
    /// pass through, unlike targets: the users that joining a group would allow) or a granter of
    /// a user or role that, given any permission, would be allowed the request `escalated`
    /// (action, resource): as [`AccessGraph::build_towards`], the granters (with their grant
    /// edges) being targets too. The escalated node of such a user or role is never drawn: it
    /// would be a target that only its granters reach, and `who-can --via` ends a granter's path
    /// at its grant ([`who_can_via`]), so the answer is the whole graph's. With no `escalated`,
    /// only the accounts the closure reaches are read (`graph/nodes.rs`).
    fn build_into(
        world: &World,
        auth: &Authorizer,
        targets: &[Node],
        joiners: &[Node],
        escalated: Option<(&str, &str)>,
    ) -> AccessGraph {
        let mut b = Builder::new(world, auth);
        let ends: Vec<NodeIndex> = targets.iter().filter_map(|t| b.nodes.index_of(t)).collect();
        let mut seeds = ends.clone();
        seeds.extend(joiners.iter().filter_map(|t| b.nodes.index_of(t)));
        let escalating: Vec<usize> = match escalated {
            Some((action, resource)) => {
                (0..b.actors.len()).filter(|&a| b.allowed_with_any(a, action, resource)).collect()
            }
            None => Vec::new(),
        };
        let (relevant, escalates) = b.closure(&seeds, &ends, &escalating);
        // Edges are asked only into the closure's nodes, the targets and the nodes of the actors
        // that may escalate into it: an edge into any other node cannot lie on a path to a
        // target, and a granter needs its edge to a grantee to give it any permission.
        let mut within = vec![false; b.nodes.node_count()];
        for t in &seeds {
            within[t.index()] = true;
        }
        for a in (0..b.actors.len()).filter(|&a| relevant[a] || escalates[a]) {
            within[b.actors[a].node.index()] = true;
        }
        // Every edge is then asked into those nodes only (no actor has all its edges asked), so
        // only their trust keys are needed.
        b.trust_scope = Some(within.clone());
        if !escalating.is_empty() {
            b.undrawn = vec![false; b.actors.len()];
            for &a in &escalating {
                b.undrawn[a] = true;
            }
        }
        b.finish(Some(&relevant), Some(&within))
    }

    /// The part of the graph that `graph --account` draws ([`AccessGraph::touching`]): every
    /// edge between two nodes that are `account`'s or have an edge to or from one of its nodes,
    /// as the whole graph has them, in its order; other edges may be missing.
    ///
    /// Built from the edges of only some actors, each asked whole: the account's own, those that
    /// could have an edge into one of its nodes, plain or once given any permission
    /// ([`Builder::candidates`]), and whoever could give one of those any permission (so that
    /// whether an escalated node is drawn, and where among the escalated nodes, is as in the whole
    /// graph). That settles which nodes the account's edges touch; the actors among those are
    /// then added, for the edges between them, and the graph built again with them if there are
    /// new ones. A world whose organization has a member without IAM state (whose root node an
    /// AssumeRoot edge would add mid-build) gets the whole graph.
    pub fn build_around(world: &World, account: &str) -> AccessGraph {
        let auth = Authorizer::new();
        let mut b = Builder::new(world, &auth);
        let complete = world.organizations.org.as_ref().is_none_or(|org| {
            org.accounts.keys().all(|m| b.nodes.index_of(&Node::Root { account: m.clone() }).is_some())
        });
        if !complete {
            return b.finish(None, None);
        }
        let expand = b.around(account);
        let mut memo = Memo::default();
        let first = b.finish_with(Some(&expand), None, &mut memo);
        // The same nodes, in the same order, for the second build if there is one.
        let b = Builder::new(world, &auth);
        let everyone: Vec<usize> = (0..b.actors.len()).collect();
        let mut wider = expand.clone();
        for (n, touched) in first.touching(account).into_iter().enumerate() {
            let node = &first.graph[NodeIndex::new(n)];
            let Some(a) = Some(node).filter(|_| touched).and_then(|n| b.actor_by_arn(&n.arn())) else { continue };
            wider[a] = true;
            // An escalated node drawn here: every possible granter of its principal, so that its
            // place among the escalated nodes (its first drawn grant) is the whole graph's.
            if !node.is_principal() {
                for g in b.candidates(b.actors[a].node, &everyone) {
                    if b.may_grant(g) {
                        wider[g] = true;
                    }
                }
            }
        }
        if wider == expand {
            return first;
        }
        b.finish_with(Some(&wider), None, &mut memo)
    }

    /// Per node: whether it is `account`'s (its principal's ARN names the account), or has an
    /// edge to or from a node that is: what `graph --account` draws.
    pub fn touching(&self, account: &str) -> Vec<bool> {
        let g = &self.graph;
        let of = |n: NodeIndex| arn::account_of(&g[n].arn()) == Some(account);
        let mut touched: Vec<bool> = g.node_indices().map(of).collect();
        for e in g.edge_references() {
            if of(e.source()) || of(e.target()) {
                touched[e.source().index()] = true;
                touched[e.target().index()] = true;
            }
        }
        touched
    }

    /// The node of a principal, if the graph has it.
    pub fn node(&self, n: &Node) -> Option<NodeIndex> {
        self.index.get(n).copied()
    }

    /// Every principal that can reach `target`, with one shortest path each (the principal first,
    /// `target` last). The target itself is not listed, nor escalated nodes.
    pub fn who_can_reach(&self, target: &Node) -> Vec<Path> {
        let Some(&t) = self.index.get(target) else { return Vec::new() };
        self.reaching(&[t])
    }

    /// Every principal outside `targets` that can reach one of them, with one shortest path each.
    fn reaching(&self, targets: &[NodeIndex]) -> Vec<Path> {
        self.reaching_then(targets, &BTreeMap::new())
    }

    /// [`AccessGraph::reaching`], where the nodes of `then` are targets too, each path ending at
    /// one followed by its last step (an [`EdgeKind::AddUserToGroup`] into a [`Node::Member`], or
    /// a grant into a [`Node::Escalated`]); such a node outside `targets` is listed with that one
    /// step.
    fn reaching_then(&self, targets: &[NodeIndex], then: &BTreeMap<NodeIndex, (Edge, Node)>) -> Vec<Path> {
        // Breadth-first over incoming edges, remembering for each node the next step to a target.
        let mut next: BTreeMap<NodeIndex, (NodeIndex, &Edge)> = BTreeMap::new();
        let mut goals: BTreeSet<NodeIndex> = targets.iter().copied().collect();
        let ends: Vec<NodeIndex> = then.keys().copied().filter(|n| !goals.contains(n)).collect();
        goals.extend(ends.iter().copied());
        let targets: Vec<NodeIndex> = goals.iter().copied().collect();
        let mut queue: VecDeque<NodeIndex> = targets.iter().copied().collect();
        while let Some(n) = queue.pop_front() {
            for e in self.graph.edges_directed(n, Direction::Incoming) {
                let from = e.source();
                if !goals.contains(&from) && !next.contains_key(&from) {
                    next.insert(from, (n, e.weight()));
                    queue.push_back(from);
                }
            }
        }
        let mut paths: Vec<Path> = next
            .keys()
            .filter(|&&start| self.graph[start].is_principal())
            .map(|&start| {
                let mut path = Vec::new();
                let mut at = start;
                while let Some(&(to, edge)) = next.get(&at) {
                    path.push((self.graph[at].clone(), Some(edge.clone())));
                    at = to;
                }
                match then.get(&at).filter(|_| ends.contains(&at)) {
                    Some((edge, member)) => {
                        path.push((self.graph[at].clone(), Some(edge.clone())));
                        path.push((member.clone(), None));
                    }
                    None => path.push((self.graph[at].clone(), None)),
                }
                path
            })
            .collect();
        for &n in ends.iter().filter(|&&n| self.graph[n].is_principal()) {
            let (edge, member) = &then[&n];
            paths.push(vec![(self.graph[n].clone(), Some(edge.clone())), (member.clone(), None)]);
        }
        paths.sort_by(|a, b| (a.len(), &a[0].0).cmp(&(b.len(), &b[0].0)));
        paths
    }

    /// A shortest path from `from` to `to` (both included), if there is one.
    pub fn shortest_path(&self, from: &Node, to: &Node) -> Option<Path> {
        let (&f, &t) = (self.index.get(from)?, self.index.get(to)?);
        if f == t {
            return Some(vec![(from.clone(), None)]);
        }
        self.reaching(&[t]).into_iter().find(|p| p[0].0 == *from)
    }
}

/// A path on one line: `A --action--> B --action--> C`.
pub fn one_line(path: &Path) -> String {
    let steps: Vec<String> = path
        .iter()
        .map(|(n, e)| match e {
            Some(e) => format!("{} --{}-->", n.id(), e.label()),
            None => n.id(),
        })
        .collect();
    steps.join(" ")
}

/// A path, one explained step a line (indented by `indent`).
pub fn explained(path: &Path, indent: &str) -> String {
    let mut out = String::new();
    for (i, pair) in path.windows(2).enumerate() {
        if let (n, Some(e)) = &pair[0] {
            let _ = writeln!(out, "{indent}{}. {}", i + 1, e.explain(n, &pair[1].0));
        }
    }
    out
}

/// Who could end up acting as `account`'s root user: its own root user (through its
/// credentials), and every principal with a path to it in the graph, each path explained.
pub fn who_can_become_root(world: &World, account: &str) -> String {
    let graph = AccessGraph::build_towards(world, &Node::Root { account: account.to_string() });
    let name = world.accounts.get(account).map_or("?", |a| a.name.as_str());
    let mut out = format!("Who can become the root user of {name} ({account}):\n");
    let root = &world.iam.accounts.get(account).map(|i| &i.root);
    match root {
        Some(r) if r.has_credentials() => {
            out.push_str("  - whoever holds its root credentials (email and password, or root access keys)\n")
        }
        Some(_) => out.push_str("  - nobody through root credentials: it has no password or access keys now (removed, never set, or unknown in an imported estate)\n"),
        None => out.push_str("  (no such account)\n"),
    }
    for path in graph.who_can_reach(&Node::Root { account: account.to_string() }) {
        let _ = writeln!(out, "  - {}", one_line(&path));
        out.push_str(&explained(&path, "      "));
    }
    out.push_str("Each step is a decision of the policy engine (SCPs, RCPs and boundaries included); escalations are rootsim's analysis (docs/rules.md, GRAPH-*).");
    out
}

/// A principal named by ARN, `root:ACCOUNT`, or a user or role name (`ACCOUNT/NAME` when the
/// name exists in several accounts; ACCOUNT is an ID, name or alias).
pub fn find_principal(world: &World, name: &str) -> AwsResult<Node> {
    let not_found = |why: String| AwsError::new("NotFound", 404, why);
    if let Some(account) = name.strip_prefix("root:") {
        let a = world.accounts.find(account).ok_or_else(|| not_found(format!("No account '{account}'.")))?;
        return Ok(Node::Root { account: a.id.clone() });
    }
    if name.starts_with("arn:") {
        let p = arn::Arn::parse(name).ok_or_else(|| not_found(format!("'{name}' is not an ARN.")))?;
        if p.resource == "root" && world.accounts.get(p.account).is_some() {
            return Ok(Node::Root { account: p.account.to_string() });
        }
        let short = p.resource.rsplit('/').next().unwrap_or("");
        return find_principal(world, &format!("{}/{short}", p.account))
            .map_err(|_| not_found(format!("No principal {name} in this world.")));
    }
    let (scope, short) = match name.rsplit_once('/') {
        Some((a, n)) => {
            (Some(world.accounts.find(a).ok_or_else(|| not_found(format!("No account '{a}'.")))?.id.clone()), n)
        }
        None => (None, name),
    };
    let mut found = Vec::new();
    for (account, iam) in &world.iam.accounts {
        if scope.as_ref().is_some_and(|s| s != account) {
            continue;
        }
        if let Some(u) = iam.user(short) {
            found.push(Node::User { arn: arn::iam(account, "user", &u.path, &u.name) });
        }
        if let Some(r) = iam.role(short) {
            found.push(Node::Role { arn: arn::iam(account, "role", &r.path, &r.name) });
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(not_found(format!("No user or role named '{name}' (try an ARN, ACCOUNT/NAME or root:ACCOUNT)."))),
        _ => {
            let arns: Vec<String> = found.iter().map(Node::arn).collect();
            Err(AwsError::new(
                "UsageError",
                400,
                format!("'{name}' names several principals: {}; write ACCOUNT/NAME or an ARN.", arns.join(", ")),
            ))
        }
    }
}

/// The shortest way from one principal to another, each step explained.
pub fn path(world: &World, from: &str, to: &str) -> AwsResult<String> {
    let (a, b) = (find_principal(world, from)?, find_principal(world, to)?);
    let graph = AccessGraph::build_towards(world, &b);
    Ok(match graph.shortest_path(&a, &b) {
        Some(p) if p.len() == 1 => format!("{} is {}: no step needed.", a.arn(), b.arn()),
        Some(p) => format!(
            "{} can become {} in {} step{}:\n  {}\n{}",
            a.describe(),
            b.describe(),
            p.len() - 1,
            if p.len() == 2 { "" } else { "s" },
            one_line(&p),
            explained(&p, "  ").trim_end()
        ),
        None => format!(
            "No path from {} to {}: no chain of role assumptions, root sessions, credential takeovers, passed roles, changes to existing resources, group joins or permission grants that the policy engine allows.",
            a.describe(),
            b.describe()
        ),
    })
}

/// The answer to `who-can`: who is allowed directly, and who can reach one of them.
#[derive(Debug, Clone)]
pub struct WhoCan {
    /// Each principal the engine allows, with the statements that allowed it.
    pub direct: Vec<(Node, Vec<String>)>,
    /// Each other principal with a path to an allowed one (or to a principal it can give any
    /// permission that would be allowed), shortest first.
    pub via: Vec<Path>,
    /// Who outside the world's principals the resource's own policy opens the request to
    /// (anyone, any AWS account, an organization), with the conditions that limit it
    /// (GRAPH-WHO-CAN-EXPOSURE).
    pub exposure: Vec<Exposure>,
    /// Each user that would be allowed once added to a group it is not in (the last node of some
    /// `via` paths), with the statements that would allow it (GRAPH-ADD-USER-TO-GROUP).
    pub members: Vec<(Node, Vec<String>)>,
}

/// A user not allowed a request that would be once added to a group (GRAPH-ADD-USER-TO-GROUP).
#[derive(Debug, Clone)]
struct Join {
    /// The user.
    user: Node,
    /// The group's ARN.
    group: String,
    /// The statements that would allow the request (the group's among them).
    allowed_by: Vec<String>,
}

/// Every user of an open account, not among `direct`, that the engine would allow `action` on
/// `resource` once it is a member of a group of its account it is not in: decided with that
/// group's policies added to the user's own as its other groups' are (`Caller::joined`), so its
/// boundary, SCPs, RCPs and explicit denies still apply. Only groups whose policies name the
/// action in an Allow statement are asked (joining another adds nothing that could allow it).
fn joins(world: &World, auth: &Authorizer, direct: &[(Node, Vec<String>)], action: &str, resource: &str) -> Vec<Join> {
    let mut out = Vec::new();
    for (account, iam) in &world.iam.accounts {
        if world.accounts.check_open(account, world.clock.now()).is_err() {
            continue;
        }
        for (key, grp) in &iam.groups {
            let joined = named_group_policies(iam, key);
            let names = |p: &Policy| p.statements().any(|s| s.effect() == Effect::Allow && s.matches_action(action));
            if !joined.iter().any(|(_, p)| names(p)) {
                continue;
            }
            let group = arn::iam(account, "group", &grp.path, &grp.name);
            for (u, user) in &iam.users {
                if grp.members.contains(u) || iam.groups_of(u).count() >= crate::iam::MAX_GROUPS_PER_USER {
                    continue;
                }
                let node = Node::User { arn: arn::iam(account, "user", &user.path, &user.name) };
                let principal = node.arn();
                if direct.iter().any(|(n, _)| *n == node) || !service_admits(world, &principal, action, resource) {
                    continue;
                }
                let Ok(caller) = auth.principal_caller(world, &principal) else { continue };
                let mut caller = Caller::clone(&caller);
                caller.joined = joined.clone();
                let record = auth.decide_for(world, &caller, action, resource);
                if record.decision.is_allowed() {
                    out.push(Join { user: node, group: group.clone(), allowed_by: allowed_by(&record) });
                }
            }
        }
    }
    out
}

/// One opening of a resource policy to principals beyond the world's: a statement that allows
/// the request to `"*"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// Who: `anyone (anonymous)`, `any AWS account`, `any principal of organization o-...`,
    /// `any principal of account ...`.
    pub who: String,
    /// The statement that allows it (`bucket policy of b statement "PublicRead"`).
    pub allowed_by: String,
    /// The conditions of that statement (`StringEquals aws:SourceIp = 203.0.113.0/24`), and each
    /// Deny statement of the policy that names the request and may take it back; and each RCP
    /// Deny statement that denies it on a key beyond who calls (GRAPH-EXPOSURE-RCP).
    pub limited_by: Vec<String>,
    /// The RCP statements that deny the request to every caller this opening is to, whatever
    /// the resource policy allows (GRAPH-EXPOSURE-RCP): when not empty, the opening is closed.
    pub closed_by: Vec<String>,
}

/// Condition keys that only an authenticated request carries: a statement that tests one does
/// not let anonymous callers in (their requests have no such key, and the test fails).
const AUTHENTICATED_KEYS: [&str; 9] = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principaltype",
    "aws:userid",
    "aws:username",
    "aws:principalisawsservice",
    "aws:principalservicename",
];

/// Who the resource's own policy opens `action` on `resource` to beyond named principals
/// ([`WhoCan::exposure`]). Read from the policy's statements, not decided: there is no caller;
/// then each opening is decided against the owner's RCPs for a caller that stands for it
/// (`graph/perimeter.rs`), which may close it or add a limit.
pub fn exposure(world: &World, action: &str, resource: &str) -> Vec<Exposure> {
    let Some((owner, Some((label, policy)))) = world.resource_policy(resource) else { return Vec::new() };
    let (auth, any) = (Authorizer::new(), OnceCell::new());
    let applies = |s: &rootsim_policy::StatementView<'_>| s.matches_action(action) && s.matches_resource(resource);
    let opens = |s: &rootsim_policy::StatementView<'_>| {
        s.is_not_principal()
            || s.principals().any(|g| {
                matches!(g.kind(), PrincipalType::Any)
                    || (g.kind() == PrincipalType::Aws && g.values().any(|v| v == "*"))
            })
    };
    let name = |s: &rootsim_policy::StatementView<'_>, i: usize| match s.sid() {
        Some(sid) => format!("the policy {label} statement \"{sid}\""),
        None => format!("the policy {label} statement {}", i + 1),
    };
    let denies: Vec<String> = policy
        .statements()
        .enumerate()
        .filter(|(_, s)| s.effect() == Effect::Deny && applies(s))
        .map(|(i, s)| format!("Deny: {}", name(&s, i)))
        .collect();
    let mut out = Vec::new();
    for (i, s) in policy.statements().enumerate() {
        if s.effect() != Effect::Allow || !applies(&s) || !opens(&s) {
            continue;
        }
        let conditions: Vec<(String, String, Vec<String>)> = s
            .conditions()
            .map(|c| (c.operator().to_string(), c.key().to_ascii_lowercase(), c.values().map(str::to_string).collect()))
            .collect();
        let value_of = |key: &str| {
            conditions.iter().find(|(op, k, _)| k == key && op.starts_with("String") && !op.contains("Not"))
        };
        let (who, opening) = if let Some((_, _, orgs)) = value_of("aws:principalorgid") {
            (format!("any principal of organization {}", orgs.join(" or ")), Opening::Organizations(orgs.clone()))
        } else if let Some((_, _, accounts)) = value_of("aws:principalaccount") {
            (format!("any principal of account {}", accounts.join(" or ")), Opening::Accounts(accounts.clone()))
        } else if conditions.iter().any(|(_, k, _)| AUTHENTICATED_KEYS.contains(&k.as_str())) {
            ("any AWS account".to_string(), Opening::AnyAccount)
        } else {
            ("anyone (anonymous)".to_string(), Opening::Anyone)
        };
        let mut limited_by: Vec<String> = s
            .conditions()
            .map(|c| format!("{} {} = {}", c.operator(), c.key(), c.values().collect::<Vec<_>>().join(", ")))
            .collect();
        if s.is_not_principal() {
            limited_by.push("NotPrincipal: everyone but the principals it names".to_string());
        }
        limited_by.extend(denies.iter().cloned());
        // The owner's RCPs bind every caller, from outside the organization too.
        let any = any.get_or_init(any_permission);
        let closed_by = match perimeter::verdict(world, &auth, &opening, (action, resource, &owner), any) {
            Verdict::Open => Vec::new(),
            Verdict::Closed(by) => by,
            Verdict::Limited(by) => {
                limited_by.extend(by);
                Vec::new()
            }
        };
        out.push(Exposure { who, allowed_by: name(&s, i), limited_by, closed_by });
    }
    out
}

/// Every principal of the world whose request `action` on `resource` the engine allows, and
/// (for `--via`) every other principal with a path through the graph to one of them.
///
/// ```
/// use rootsim_model::graph::{who_can_answer, Node};
/// use rootsim_model::{Session, DEFAULT_SEED};
///
/// let mut session = Session::demo(DEFAULT_SEED);
/// let dev = session.world.accounts.find("dev").unwrap().id.clone();
/// let deployer = format!("arn:aws:iam::{dev}:role/Deployer");
/// let who = |s: &Session| who_can_answer(&s.world, "iam:DeleteRole", &deployer, true);
/// // dev's access role may delete Deployer; alice, in the management account, may assume it.
/// let access_role = Node::Role { arn: format!("arn:aws:iam::{dev}:role/OrganizationAccountAccessRole") };
/// assert!(who(&session).direct.iter().any(|(n, _)| *n == access_role));
/// assert!(who(&session).via.iter().any(|p| p[0].0.arn().ends_with(":user/alice")));
///
/// // An SCP denying iam:DeleteRole in dev: nobody there may, so nobody can get there either.
/// let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteRole","Resource":"*"}]}"#;
/// let made = session.run(&format!("aws organizations create-policy --name NoDelete --type SERVICE_CONTROL_POLICY --description d --content {deny}"));
/// let id = made.expect_ok().json.as_ref().unwrap()["Policy"]["PolicySummary"]["Id"].as_str().unwrap().to_string();
/// session.run(&format!("aws organizations attach-policy --policy-id {id} --target-id {dev}")).expect_ok();
/// let after = who(&session);
/// assert!(after.direct.is_empty() && after.via.is_empty());
/// ```
pub fn who_can_answer(world: &World, action: &str, resource: &str, via: bool) -> WhoCan {
    // One authorizer for the whole answer: the direct decisions, the graph and its `--via` part.
    let auth = Authorizer::new();
    let mut direct = Vec::new();
    let mut principals: Vec<Node> = Vec::new();
    for (account, iam) in &world.iam.accounts {
        principals.push(Node::Root { account: account.clone() });
        principals.extend(iam.users.values().map(|u| Node::User { arn: arn::iam(account, "user", &u.path, &u.name) }));
        principals.extend(iam.roles.values().map(|r| Node::Role { arn: arn::iam(account, "role", &r.path, &r.name) }));
    }
    // Without a resource policy (and for an action that needs a permission) a user or role is
    // allowed only by an Allow statement of its identity policies that names the action: one
    // whose policies name none is denied, and not asked (the engine's same-account rule). Each
    // policy document is read once.
    let identity_only = !rootsim_catalogue::needs_no_permission(action)
        && (action.eq_ignore_ascii_case("sts:AssumeRoot")
            || !(action.eq_ignore_ascii_case("sts:AssumeRole") && world.role_trust_policy(resource).is_some())
                && world.resource_policy(resource).is_none_or(|(_, policy)| policy.is_none()));
    let mut naming: HashMap<usize, bool> = HashMap::new();
    let mut may = |n: &Node| -> bool {
        let (account, source) = match n {
            Node::User { arn } => {
                (arn::Arn::parse(arn).map(|p| p.account), arn.rsplit('/').next().map(crate::iam::key))
            }
            Node::Role { arn } => {
                (arn::Arn::parse(arn).map(|p| p.account), arn.rsplit('/').next().map(crate::iam::key))
            }
            _ => return true,
        };
        let Some(iam) = account.and_then(|a| world.iam.account(a)) else { return true };
        let Some(key) = source else { return true };
        let source = match n {
            Node::User { .. } => crate::auth::PolicySource::User(&key),
            _ => crate::auth::PolicySource::Role(&key),
        };
        crate::auth::identity_documents(iam, &source).into_iter().any(|p| {
            *naming
                .entry(p.text().as_ptr() as usize)
                .or_insert_with(|| p.statements().any(|s| s.effect() == Effect::Allow && s.matches_action(action)))
        })
    };
    for n in &principals {
        if identity_only && !may(n) {
            continue;
        }
        if !service_admits(world, &n.arn(), action, resource) {
            continue;
        }
        if let Ok(record) = auth.decide(world, &n.arn(), action, resource) {
            if record.decision.is_allowed() {
                direct.push((n.clone(), allowed_by(&record)));
            }
        }
    }
    let exposure = exposure(world, action, resource);
    if !via {
        return WhoCan { direct, via: Vec::new(), exposure, members: Vec::new() };
    }
    // The users that joining a group would allow are targets too: whoever adds one to its group
    // is that user or has an edge to it.
    let joins = joins(world, &auth, &direct, action, resource);
    let targets: Vec<Node> = direct.iter().map(|(n, _)| n.clone()).collect();
    let joiners: Vec<Node> = joins.iter().map(|j| j.user.clone()).collect();
    let graph = AccessGraph::build_into(world, &auth, &targets, &joiners, Some((action, resource)));
    let via = via_paths(world, &auth, &graph, &direct, &joins, action, resource);
    let members = joins
        .into_iter()
        .map(|j| (Node::Member { arn: j.user.arn(), group: j.group }, j.allowed_by))
        .filter(|(m, _)| via.iter().any(|p| p.last().is_some_and(|(n, _)| n == m)))
        .collect();
    WhoCan { via, direct, exposure, members }
}

/// The `--via` part of [`who_can_answer`] from `graph`, `direct` being the principals allowed:
/// every other principal with a path to one of them (or to a principal it can give any
/// permission that would be allowed), shortest first. [`who_can_answer`] asks it of a graph
/// built towards those; the whole graph ([`AccessGraph::build`]) gives the same answer.
pub fn who_can_via(
    world: &World,
    graph: &AccessGraph,
    direct: &[(Node, Vec<String>)],
    action: &str,
    resource: &str,
) -> Vec<Path> {
    let auth = Authorizer::new();
    let joins = joins(world, &auth, direct, action, resource);
    via_paths(world, &auth, graph, direct, &joins, action, resource)
}

/// [`who_can_via`], asking through `auth`.
fn via_paths(
    world: &World,
    auth: &Authorizer,
    graph: &AccessGraph,
    direct: &[(Node, Vec<String>)],
    joins: &[Join],
    action: &str,
    resource: &str,
) -> Vec<Path> {
    let mut targets: Vec<NodeIndex> = direct.iter().filter_map(|(n, _)| graph.node(n)).collect();
    // Escalated nodes are targets when the grantee, holding any permission, would be allowed.
    let any = any_permission();
    for n in graph.graph.node_indices() {
        if let Node::Escalated { arn } = &graph.graph[n] {
            if granted_any_allows(world, auth, arn, action, resource, &any) {
                targets.push(n);
            }
        }
    }
    // Joining a group (GRAPH-ADD-USER-TO-GROUP): the user itself, or a principal with an edge to
    // it, allowed iam:AddUserToGroup on the group, reaches the user as a member (one way each).
    let mut joining: BTreeMap<NodeIndex, (Edge, Node)> = BTreeMap::new();
    for j in joins {
        let Some(u) = graph.node(&j.user) else { continue };
        let mut adders: Vec<NodeIndex> = vec![u];
        adders.extend(graph.graph.edges_directed(u, Direction::Incoming).map(|e| e.source()));
        adders.sort_unstable();
        adders.dedup();
        for a in adders {
            if joining.contains_key(&a) || targets.contains(&a) {
                continue;
            }
            let (principal, granted, member_of) = match &graph.graph[a] {
                Node::Escalated { arn } => (arn.clone(), Some(&any), None),
                Node::Member { arn, group } => (arn.clone(), None, Some(group.as_str())),
                n => (n.arn(), None, None),
            };
            // IAM acts in the caller's own account: only a principal of the group's adds to it.
            if arn::account_of(&principal) != arn::account_of(&j.group) {
                continue;
            }
            let decided = match member_of {
                // A member node adds as the user holding its group's policies too.
                Some(group) => auth.principal_caller(world, &principal).map(|caller| {
                    let mut caller = Caller::clone(&caller);
                    caller.joined = group_policies_of(world, group);
                    auth.decide_for(world, &caller, "iam:AddUserToGroup", &j.group)
                }),
                None => auth.decide_granted(world, &principal, "iam:AddUserToGroup", &j.group, granted),
            };
            let Some(record) = decided.ok().filter(|r| r.decision.is_allowed()) else { continue };
            let edge = Edge {
                kind: EdgeKind::AddUserToGroup,
                action: Cow::Borrowed("iam:AddUserToGroup"),
                resource: Arc::from(j.group.as_str()),
                allowed_by: allowed_by(&record).into(),
            };
            joining.insert(a, (edge, Node::Member { arn: j.user.arn(), group: j.group.clone() }));
        }
    }
    // A grant to a principal that any permission would allow ends a path whether or not its
    // escalated node was drawn (the node is drawn only when it reaches a node its granter does
    // not): the granter's first such grant is its last step, and whoever reaches the granter
    // reaches the target through it (GRAPH-WHO-CAN-VIA).
    let mut allows: HashMap<NodeIndex, bool> = HashMap::new();
    for (from, grantee, e) in &graph.grants {
        if joining.contains_key(from) || targets.contains(from) {
            continue;
        }
        let g = &graph.graph[*grantee];
        let allowed = *allows
            .entry(*grantee)
            .or_insert_with(|| granted_any_allows(world, auth, &g.arn(), action, resource, &any));
        if allowed {
            joining.insert(*from, (e.clone(), Node::Escalated { arn: g.arn() }));
        }
    }
    graph.reaching_then(&targets, &joining)
}

/// `who-can ACTION RESOURCE [--via]` as text.
pub fn who_can(world: &World, action: &str, resource: &str, via: bool) -> String {
    let answer = who_can_answer(world, action, resource, via);
    let mut out = format!("Who may perform {action} on {resource}:\n");
    let assume_root = action.eq_ignore_ascii_case("sts:AssumeRoot");
    if answer.direct.is_empty() && assume_root {
        out.push_str("  nobody: no principal of this world both holds the permission and is one that STS takes AssumeRoot from\n");
    } else if answer.direct.is_empty() {
        out.push_str("  nobody: the policy engine allows it to no principal of this world\n");
    }
    for (n, by) in &answer.direct {
        let why = if by.is_empty() { String::new() } else { format!(" (allowed by {})", by.join("; ")) };
        let _ = writeln!(out, "  - {}{why}", n.arn());
    }
    let (closed, open): (Vec<&Exposure>, Vec<&Exposure>) =
        answer.exposure.iter().partition(|e| !e.closed_by.is_empty());
    if !open.is_empty() {
        out.push_str("Beyond the principals of this world, the resource's policy opens it to:\n");
        for e in &open {
            let _ = write!(out, "  - {} (allowed by {})", e.who, e.allowed_by);
            if e.limited_by.is_empty() {
                out.push_str(", with no condition\n");
            } else {
                let _ = writeln!(out, ", limited by: {}", e.limited_by.join("; "));
            }
        }
        out.push_str("  (the owner's SCPs do not bind other accounts' callers; its RCPs still apply)\n");
    }
    if !closed.is_empty() {
        out.push_str("The resource's policy would also open it to these, but the owner's RCPs deny them:\n");
        for e in &closed {
            let _ = writeln!(out, "  - {} (allowed by {}), denied by: {}", e.who, e.allowed_by, e.closed_by.join("; "));
        }
    }
    if via {
        if answer.via.is_empty() {
            out.push_str("Nobody else can reach one of them.\n");
        } else if answer.via.iter().any(|p| p.last().is_some_and(|(n, _)| matches!(n, Node::Member { .. }))) {
            out.push_str("And through the graph, by becoming one of them or joining a group:\n");
        } else {
            out.push_str("And through the graph, by becoming one of them:\n");
        }
        for p in &answer.via {
            let _ = writeln!(out, "  - {}", one_line(p));
            out.push_str(&explained(p, "      "));
            // A path into a group member ends with what the group's policies would allow it.
            let member = p.last().map(|(n, _)| n).filter(|n| matches!(n, Node::Member { .. }));
            if let Some((m, by)) = member.and_then(|m| answer.members.iter().find(|(n, _)| n == m)) {
                let _ = writeln!(
                    out,
                    "      {}. {} would be allowed {action} on {resource}; allowed by {}.",
                    p.len(),
                    m.describe(),
                    by.join("; ")
                );
            }
        }
    }
    if assume_root {
        out.push_str("sts:AssumeRoot also needs what STS checks before any policy: RootSessions on, a caller (not a root user) in the management account or the IAM delegated administrator, a member account as the target.\n");
    }
    out.push_str("Each answer is a decision of the policy engine (SCPs, RCPs and boundaries included).");
    out
}

/// The organization and the principal graph as Graphviz DOT (the whole graph, no limit).
pub fn to_dot(world: &World) -> String {
    let view = GraphView { max_nodes: usize::MAX, ..GraphView::default() };
    render(world, &view).unwrap_or_default()
}

/// The formats `graph --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GraphFormat {
    /// Graphviz DOT, with the organization drawn when no filter is given.
    #[default]
    Dot,
    /// `{"nodes": [...], "edges": [...]}`, each edge with its kind, action, resource and statements.
    Json,
    /// GraphML (yEd, Gephi, NetworkX), the same nodes and edges as attributes.
    Graphml,
}

impl GraphFormat {
    /// `dot`, `json` or `graphml`.
    pub fn parse(text: &str) -> Option<GraphFormat> {
        match text {
            "dot" => Some(GraphFormat::Dot),
            "json" => Some(GraphFormat::Json),
            "graphml" => Some(GraphFormat::Graphml),
            _ => None,
        }
    }
}

/// How much of the graph `graph` draws, and in which format (GRAPH-PICTURE-FILTERS).
#[derive(Debug, Clone)]
pub struct GraphView {
    /// Only the principals of this account (ID or name), and the edges that touch them.
    pub account: Option<String>,
    /// Only what this principal reaches (as `path` names principals), itself included.
    pub from: Option<String>,
    /// Only what reaches this principal, itself included.
    pub to: Option<String>,
    /// The most nodes drawn: a larger selection is refused, naming the filters.
    pub max_nodes: usize,
    /// The output format.
    pub format: GraphFormat,
}

/// The largest picture `graph` draws unless `--max-nodes` says otherwise: past a few thousand
/// nodes Graphviz takes minutes and the picture cannot be read.
pub const DEFAULT_MAX_NODES: usize = 2000;

impl Default for GraphView {
    fn default() -> GraphView {
        GraphView { account: None, from: None, to: None, max_nodes: DEFAULT_MAX_NODES, format: GraphFormat::Dot }
    }
}

/// What `view` names, found in the world: the account's ID, the `--from` and `--to` principals
/// (`NotFound` for a name the world does not hold).
fn view_targets(world: &World, view: &GraphView) -> AwsResult<(Option<String>, Option<Node>, Option<Node>)> {
    let not_found = |why: String| AwsError::new("NotFound", 404, why);
    let account = match &view.account {
        Some(a) => Some(world.accounts.find(a).ok_or_else(|| not_found(format!("No account '{a}'.")))?.id.clone()),
        None => None,
    };
    let from = view.from.as_deref().map(|n| find_principal(world, n)).transpose()?;
    let to = view.to.as_deref().map(|n| find_principal(world, n)).transpose()?;
    Ok((account, from, to))
}

/// The principal graph, filtered as `view` says, in its format; `Err` when a principal or
/// account it names is not in the world, or when more than `view.max_nodes` nodes are selected.
pub fn render(world: &World, view: &GraphView) -> AwsResult<String> {
    let (account, from, to) = view_targets(world, view)?;
    let graph = match (&to, &from, &account) {
        (Some(t), _, _) => AccessGraph::build_towards(world, t),
        // What --from reaches needs every edge; --account alone, only those near the account.
        (None, None, Some(acct)) => AccessGraph::build_around(world, acct),
        (None, _, _) => AccessGraph::build(world),
    };
    render_from(world, view, &graph)
}

/// [`render`] drawing `graph`, which must hold the edges the view selects as the whole graph
/// ([`AccessGraph::build`]) has them (tests compare the graphs `render` builds with the whole).
pub fn render_from(world: &World, view: &GraphView, graph: &AccessGraph) -> AwsResult<String> {
    let (account, from, to) = view_targets(world, view)?;
    let g = &graph.graph;
    let mut keep: Vec<bool> = vec![true; g.node_count()];
    // Reachability from (forward) and to (backward) the named principals.
    for (node, dir) in [(&from, Direction::Outgoing), (&to, Direction::Incoming)] {
        let Some(node) = node else { continue };
        let mut seen = vec![false; g.node_count()];
        if let Some(start) = graph.node(node) {
            let mut queue = VecDeque::from([start]);
            seen[start.index()] = true;
            while let Some(n) = queue.pop_front() {
                for m in g.neighbors_directed(n, dir) {
                    if !seen[m.index()] {
                        seen[m.index()] = true;
                        queue.push_back(m);
                    }
                }
            }
        }
        for (k, s) in keep.iter_mut().zip(seen) {
            *k &= s;
        }
    }
    if let Some(acct) = &account {
        for (k, t) in keep.iter_mut().zip(graph.touching(acct)) {
            *k &= t;
        }
    }
    let nodes: Vec<NodeIndex> = g.node_indices().filter(|n| keep[n.index()]).collect();
    if nodes.len() > view.max_nodes {
        return Err(AwsError::new(
            "TooLarge",
            400,
            format!(
                "The graph has {} nodes here, more than --max-nodes {}: narrow it with --account, --from or --to, or raise --max-nodes.",
                nodes.len(),
                view.max_nodes
            ),
        ));
    }
    let edges: Vec<_> = g.edge_references().filter(|e| keep[e.source().index()] && keep[e.target().index()]).collect();
    let filtered = account.is_some() || from.is_some() || to.is_some();
    let kind = |n: &Node| match n {
        Node::Root { .. } => "root",
        Node::User { .. } => "user",
        Node::Role { .. } => "role",
        Node::Escalated { .. } => "escalated",
        Node::Member { .. } => "member",
    };
    Ok(match view.format {
        GraphFormat::Dot => {
            let mut out =
                String::from("digraph rootsim {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
            if let Some(org) = world.organizations.org.as_ref().filter(|_| !filtered) {
                let _ = writeln!(out, "  \"{}\" [label=\"Root {}\", shape=folder];", org.root_id, org.root_id);
                for ou in org.ous.values() {
                    let _ = writeln!(out, "  \"{}\" [label=\"OU {}\", shape=folder];", ou.id, dot_escape(&ou.name));
                    let _ = writeln!(out, "  \"{}\" -> \"{}\" [style=dotted, arrowhead=none];", ou.parent, ou.id);
                }
                for (id, m) in &org.accounts {
                    let name = world.accounts.get(id).map_or("?", |a| a.name.as_str());
                    let _ = writeln!(out, "  \"acct-{id}\" [label=\"{}\\n{id}\", shape=component];", dot_escape(name));
                    let _ = writeln!(out, "  \"{}\" -> \"acct-{id}\" [style=dotted, arrowhead=none];", m.parent);
                    let _ = writeln!(out, "  \"acct-{id}\" -> \"{}\" [style=dotted, arrowhead=none];", arn::root(id));
                }
            }
            for &n in &nodes {
                let shape = match &g[n] {
                    Node::Root { .. } => "doubleoctagon",
                    Node::User { .. } => "box",
                    Node::Role { .. } => "ellipse",
                    Node::Escalated { .. } => "octagon",
                    Node::Member { .. } => "house",
                };
                let _ = writeln!(out, "  \"{}\" [shape={shape}];", dot_escape(&g[n].id()));
            }
            for e in &edges {
                let _ = writeln!(
                    out,
                    "  \"{}\" -> \"{}\" [label=\"{}\"];",
                    dot_escape(&g[e.source()].id()),
                    dot_escape(&g[e.target()].id()),
                    dot_escape(&e.weight().label())
                );
            }
            out.push_str("}\n");
            out
        }
        GraphFormat::Json => {
            let nodes: Vec<serde_json::Value> = nodes
                .iter()
                .map(|&n| serde_json::json!({"id": g[n].id(), "kind": kind(&g[n]), "arn": g[n].arn()}))
                .collect();
            let edges: Vec<serde_json::Value> = edges
                .iter()
                .map(|e| {
                    let w = e.weight();
                    serde_json::json!({
                        "from": g[e.source()].id(),
                        "to": g[e.target()].id(),
                        "kind": format!("{:?}", w.kind),
                        "action": w.action(),
                        "resource": &*w.resource,
                        "allowedBy": &*w.allowed_by,
                    })
                })
                .collect();
            let v = serde_json::json!({"nodes": nodes, "edges": edges});
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        GraphFormat::Graphml => {
            let mut out = String::from(concat!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n",
                "  <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n",
                "  <key id=\"ekind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n",
                "  <key id=\"action\" for=\"edge\" attr.name=\"action\" attr.type=\"string\"/>\n",
                "  <key id=\"resource\" for=\"edge\" attr.name=\"resource\" attr.type=\"string\"/>\n",
                "  <key id=\"allowedBy\" for=\"edge\" attr.name=\"allowedBy\" attr.type=\"string\"/>\n",
                "  <graph id=\"rootsim\" edgedefault=\"directed\">\n",
            ));
            for &n in &nodes {
                let _ = writeln!(
                    out,
                    "    <node id=\"{}\"><data key=\"kind\">{}</data></node>",
                    xml_escape(&g[n].id()),
                    kind(&g[n])
                );
            }
            for e in &edges {
                let w = e.weight();
                let _ = writeln!(
                    out,
                    "    <edge source=\"{}\" target=\"{}\"><data key=\"ekind\">{:?}</data><data key=\"action\">{}</data><data key=\"resource\">{}</data><data key=\"allowedBy\">{}</data></edge>",
                    xml_escape(&g[e.source()].id()),
                    xml_escape(&g[e.target()].id()),
                    w.kind,
                    xml_escape(w.action()),
                    xml_escape(&w.resource),
                    xml_escape(&w.allowed_by.join("; "))
                );
            }
            out.push_str("  </graph>\n</graphml>\n");
            out
        }
    })
}

/// Text inside a DOT double-quoted string: `"` and `\\` escaped.
fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Text inside XML: the five predefined entities.
fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Session;

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
        assert!(!who.contains(&format!("arn:aws:iam::{mgmt}:root")), "root cannot assume roles: {who:?}");
        // Without RootSessions nobody reaches dev's root user through AssumeRoot.
        let text = who_can_become_root(world, &dev);
        assert!(text.contains("whoever holds its root credentials"), "{text}");
        assert!(!text.contains("sts:AssumeRoot"), "{text}");
        // Role chaining: alice reaches Deployer through dev's access role, which dev's root trusts.
        let deployer = Node::Role { arn: format!("arn:aws:iam::{dev}:role/Deployer") };
        let alice = Node::User { arn: format!("arn:aws:iam::{mgmt}:user/alice") };
        let p = graph.shortest_path(&alice, &deployer).expect("a path");
        assert_eq!(p.len(), 3, "{}", one_line(&p));
        assert_eq!(p[1].0, role);
    }

    #[test]
    fn root_sessions_open_a_path_to_member_roots() {
        let mut session = Session::demo(crate::DEFAULT_SEED);
        session.run("aws organizations enable-aws-service-access --service-principal iam.amazonaws.com").expect_ok();
        session.run("aws iam enable-organizations-root-sessions").expect_ok();
        let dev = session.world.accounts.find("dev").unwrap().id.clone();
        let text = who_can_become_root(&session.world, &dev);
        assert!(text.contains(":user/alice --sts:AssumeRoot--> arn:aws:iam::"), "{text}");
        let dot = to_dot(&session.world);
        assert!(dot.starts_with("digraph rootsim {") && dot.contains("label=\"sts:AssumeRoot\""), "{dot}");
    }

    #[test]
    fn who_can_assume_root_lists_only_those_sts_would_take() {
        let mut session = Session::demo(crate::DEFAULT_SEED);
        let mgmt = session.world.accounts.find("management").unwrap().id.clone();
        let dev = session.world.accounts.find("dev").unwrap().id.clone();
        let root = arn::root(&dev);
        let direct = |s: &Session| -> Vec<String> {
            who_can_answer(&s.world, "sts:AssumeRoot", &root, true).direct.iter().map(|(n, _)| n.arn()).collect()
        };
        // Root sessions off: dev's own administrators have sts:* in their policies, yet nobody may.
        assert_eq!(direct(&session), Vec::<String>::new());
        session.run("aws organizations enable-aws-service-access --service-principal iam.amazonaws.com").expect_ok();
        session.run("aws iam enable-organizations-root-sessions").expect_ok();
        let on = direct(&session);
        assert!(on.contains(&format!("arn:aws:iam::{mgmt}:user/alice")), "{on:?}");
        assert!(on.iter().all(|a| arn::account_of(a) == Some(mgmt.as_str())), "only the management account: {on:?}");
        assert!(!on.contains(&arn::root(&mgmt)), "root credentials cannot call AssumeRoot: {on:?}");
        // Never into the management account itself.
        let into_mgmt = who_can_answer(&session.world, "sts:AssumeRoot", &arn::root(&mgmt), true);
        assert!(into_mgmt.direct.is_empty() && into_mgmt.via.is_empty(), "{:?}", into_mgmt.direct);
    }

    #[test]
    fn each_grant_action_has_the_bit_may_grant_reads() {
        for (i, action) in GRANTS.iter().enumerate() {
            assert_eq!(asked_bit(action), Some(1 << (GRANT_BIT + i)), "{action}");
        }
    }

    #[test]
    fn the_prefilter_matches_actions_as_iam_does() {
        let policy = |actions: &str| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"*"}}]}}"#
            );
            Rc::new(Policy::parse(&text, PolicyKind::Identity).unwrap())
        };
        let glob = |pattern: &str, action: &str| names(&[policy(&format!("\"{pattern}\""))], action);
        assert!(glob("iam:*", "iam:CreateAccessKey"));
        assert!(glob("IAM:create*key", "iam:CreateAccessKey"));
        assert!(glob("*", "sts:AssumeRole"));
        assert!(glob("iam:?reateAccessKey", "iam:CreateAccessKey"));
        assert!(!glob("iam:Get*", "iam:CreateAccessKey"));
        assert!(!glob("s3:*", "iam:PassRole"));
    }
}
