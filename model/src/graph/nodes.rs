//! The principal graph's nodes and actors while it is built, each account's made on first use.
//!
//! An estate of 10,000 accounts has 530,000 principals; `who-can-become-root` of one member
//! reaches a few accounts' worth. Making every node, actor and trust key up front cost more than
//! the question (about 0.6 GB allocated and 1.3 to 2.5 s at that size), so [`Nodes`] and
//! [`Actors`] hold only where each account's principals start, and make an account's nodes (with
//! its roles' trust keys) or its actors the first time one of them is asked for.
//!
//! Every principal keeps the index the whole graph gives it: accounts in the world's order, each
//! its root user, then its users, then its roles (the order of the world's maps); actors are the
//! users and roles of the open accounts, in the same order. The builder orders its work and its
//! edges by these indices (a breadth-first search over the result follows that order, and picks
//! which of several equally short paths is printed), so a build that reads a few accounts finds
//! the same edges in the same order as one that reads them all. The nodes added while building
//! (escalated and member nodes, the root user of a member without IAM state) are numbered after
//! every principal, in the order they are added, as before.

use std::cell::{Cell, OnceCell, RefCell};
use std::ops::{Index, IndexMut, Range};
use std::rc::Rc;

use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;

use super::{is_service_linked, trust_keys, Actor, Node};
use crate::iam::IamAccount;
use crate::organizations::Organization;
use crate::World;
use rootsim_policy::arn;

/// What the builder reads of a trust policy ([`trust_keys`]): the keys naming who may be let in
/// (principal ARNs, account IDs, `"*"`) and the services it trusts; shared by the roles whose
/// trust policy is the same document.
struct Trust {
    keys: Vec<String>,
    services: Vec<String>,
}

/// One role's trust, and whether it is service-linked.
struct RoleTrust {
    trust: Rc<Trust>,
    linked: bool,
}

/// One account's nodes, once made: the root user, the users, the roles; and per role its trust.
struct Block {
    nodes: Vec<Node>,
    roles: Vec<RoleTrust>,
}

/// Where one account's nodes start, and the nodes once made.
struct Slot<'w> {
    id: &'w str,
    iam: &'w IamAccount,
    /// The index of its root user's node (its users follow, then its roles).
    first: usize,
    block: OnceCell<Block>,
}

/// Every node of the graph being built, each account's made on first use (module docs).
pub(super) struct Nodes<'w> {
    /// One per account with IAM state, in the world's order.
    slots: Vec<Slot<'w>>,
    /// How many principals the world has: the nodes numbered below are theirs.
    principals: usize,
    /// Nodes added while building (escalated nodes, member root users without IAM state),
    /// numbered from `principals` on, and their indices.
    extra: Vec<Node>,
    extra_index: FxHashMap<Node, NodeIndex>,
    /// Trust keys per trust document (by the address of its text): estates share documents.
    trusts: RefCell<FxHashMap<usize, Rc<Trust>>>,
    /// The world's organization, and the index of each member's root user node when its
    /// account has IAM state (made on first use: the management account's actors ask for the
    /// member root users they may start root sessions in, each of 10,000 at that scale).
    org: Option<&'w Organization>,
    member_roots: OnceCell<Vec<(&'w str, Option<usize>)>>,
}

impl<'w> Nodes<'w> {
    /// The layout of `world`'s principals; no node is made yet.
    pub(super) fn new(world: &'w World) -> Nodes<'w> {
        let mut slots = Vec::with_capacity(world.iam.accounts.len());
        let mut first = 0;
        for (id, iam) in &world.iam.accounts {
            slots.push(Slot { id, iam, first, block: OnceCell::new() });
            first += 1 + iam.users.len() + iam.roles.len();
        }
        Nodes {
            slots,
            principals: first,
            extra: Vec::new(),
            extra_index: FxHashMap::default(),
            trusts: RefCell::new(FxHashMap::default()),
            org: world.organizations.org.as_ref(),
            member_roots: OnceCell::new(),
        }
    }

    /// Each member of the world's organization, in its order, with its root user's node if the
    /// graph has one (as [`Nodes::index_of`] finds it).
    pub(super) fn member_roots(&self) -> impl Iterator<Item = (&'w str, Option<NodeIndex>)> + '_ {
        let roots = self.member_roots.get_or_init(|| {
            // Both in account order: one walk.
            let mut slots = self.slots.iter().peekable();
            let members = self.org.into_iter().flat_map(|org| org.accounts.keys());
            members
                .map(|m| {
                    while slots.next_if(|s| s.id < m.as_str()).is_some() {}
                    (m.as_str(), slots.peek().filter(|s| s.id == m).map(|s| s.first))
                })
                .collect()
        });
        roots.iter().map(|&(m, root)| {
            let extra =
                || (!self.extra.is_empty()).then(|| self.extra_index.get(&Node::Root { account: m.to_string() }));
            (m, root.map(NodeIndex::new).or_else(|| extra().flatten().copied()))
        })
    }

    /// How many nodes the graph has now (every principal's, made or not, and those added).
    pub(super) fn node_count(&self) -> usize {
        self.principals + self.extra.len()
    }

    /// Every node's index, in order.
    pub(super) fn node_indices(&self) -> impl Iterator<Item = NodeIndex> {
        (0..self.node_count()).map(NodeIndex::new)
    }

    /// The slot of principal node `n` and `n`'s place in it (`None` beyond the principals).
    fn slot_of(&self, n: usize) -> Option<(usize, usize)> {
        if n >= self.principals {
            return None;
        }
        // The first slot starts at 0, so some slot starts at or before n.
        let s = self.slots.partition_point(|s| s.first <= n) - 1;
        Some((s, n - self.slots[s].first))
    }

    /// The slot of account `id`.
    fn slot_by_id(&self, id: &str) -> Option<usize> {
        self.slots.binary_search_by(|s| s.id.cmp(id)).ok()
    }

    /// Slot `s`'s nodes, made on first use.
    fn block(&self, s: usize) -> &Block {
        let slot = &self.slots[s];
        slot.block.get_or_init(|| {
            let (account, iam) = (slot.id, slot.iam);
            let mut nodes = Vec::with_capacity(1 + iam.users.len() + iam.roles.len());
            nodes.push(Node::Root { account: account.to_string() });
            nodes.extend(iam.users.values().map(|u| Node::User { arn: arn::iam(account, "user", &u.path, &u.name) }));
            let mut trusts = self.trusts.borrow_mut();
            let mut roles = Vec::with_capacity(iam.roles.len());
            for r in iam.roles.values() {
                nodes.push(Node::Role { arn: arn::iam(account, "role", &r.path, &r.name) });
                let doc = &r.trust_policy;
                let trust = trusts
                    .entry(doc.text().as_ptr() as usize)
                    .or_insert_with(|| {
                        let (keys, services) = trust_keys(doc);
                        Rc::new(Trust { keys, services })
                    })
                    .clone();
                roles.push(RoleTrust { trust, linked: is_service_linked(&r.path) });
            }
            Block { nodes, roles }
        })
    }

    /// The trust of role node `v` (`None` for any other node).
    fn role(&self, v: NodeIndex) -> Option<&RoleTrust> {
        let (s, at) = self.slot_of(v.index())?;
        let users = self.slots[s].iam.users.len();
        at.checked_sub(1 + users).and_then(|r| self.block(s).roles.get(r))
    }

    /// Role node `v`'s trust keys (none for any other node).
    pub(super) fn role_keys(&self, v: NodeIndex) -> &[String] {
        self.role(v).map_or(&[], |r| &r.trust.keys)
    }

    /// The services role node `v`'s trust policy trusts, when it trusts some and is not
    /// service-linked (a PassRole target).
    pub(super) fn services(&self, v: NodeIndex) -> Option<&[String]> {
        self.role(v).filter(|r| !r.linked && !r.trust.services.is_empty()).map(|r| r.trust.services.as_slice())
    }

    /// Whether node `v` is a service-linked role.
    pub(super) fn service_linked(&self, v: NodeIndex) -> bool {
        self.role(v).is_some_and(|r| r.linked)
    }

    /// The index of node `n`, if the graph has it.
    pub(super) fn index_of(&self, n: &Node) -> Option<NodeIndex> {
        let principal = match n {
            Node::Root { account } => self.slot_by_id(account).map(|s| self.slots[s].first),
            // Parsed, not checked for 12 digits: the account key the node was named from.
            Node::User { arn } | Node::Role { arn } => arn::Arn::parse(arn)
                .and_then(|p| self.slot_by_id(p.account))
                .and_then(|s| self.block(s).nodes.iter().position(|m| m == n).map(|at| self.slots[s].first + at)),
            // Not principals of an account: an escalation or a group join (added after them).
            Node::Escalated { .. } | Node::Member { .. } => None,
        };
        principal.map(NodeIndex::new).or_else(|| self.extra_index.get(n).copied())
    }

    /// The index of node `n`, added after every other if the graph does not have it.
    pub(super) fn add(&mut self, n: Node) -> NodeIndex {
        if let Some(i) = self.index_of(&n) {
            return i;
        }
        let i = NodeIndex::new(self.node_count());
        self.extra.push(n.clone());
        self.extra_index.insert(n, i);
        i
    }
}

impl Index<NodeIndex> for Nodes<'_> {
    type Output = Node;

    fn index(&self, n: NodeIndex) -> &Node {
        match self.slot_of(n.index()) {
            Some((s, at)) => &self.block(s).nodes[at],
            None => &self.extra[n.index() - self.principals],
        }
    }
}

/// Where one open account's actors start, and the actors once made.
struct ActorSlot<'w> {
    id: &'w str,
    iam: &'w IamAccount,
    /// The index of the account's root user's node.
    first_node: usize,
    /// The index of its first actor, and how many it has (its users and roles).
    first: usize,
    len: usize,
    block: OnceCell<Vec<Actor>>,
}

impl ActorSlot<'_> {
    /// The account's actors: its users, then its roles, as its nodes are.
    fn actors(&self) -> &Vec<Actor> {
        self.block.get_or_init(|| {
            let (account, iam) = (self.id, self.iam);
            let users = iam.users.iter().map(|(k, u)| (Some(k), None, arn::iam(account, "user", &u.path, &u.name)));
            let roles = iam.roles.iter().map(|(k, r)| (None, Some(k), arn::iam(account, "role", &r.path, &r.name)));
            users
                .chain(roles)
                .enumerate()
                .map(|(i, (user, role, arn))| Actor {
                    node: NodeIndex::new(self.first_node + 1 + i),
                    arn,
                    account: account.to_string(),
                    caller: OnceCell::new(),
                    user: user.cloned(),
                    role: role.cloned(),
                    actions: OnceCell::new(),
                    named: Cell::new((0, 0)),
                    granted: Cell::new(false),
                })
                .collect()
        })
    }
}

/// Every user and role that can act (those of open accounts: a closed account's principals
/// cannot act), each account's made on first use (module docs).
pub(super) struct Actors<'w> {
    /// One per open account with a user or role, in the world's order.
    slots: Vec<ActorSlot<'w>>,
    /// Each actor's slot: indexing is the graph builder's innermost step (every pre-filter
    /// check reads an actor), and a table answers it without a binary search over the slots.
    owner: Vec<u32>,
    len: usize,
}

impl<'w> Actors<'w> {
    /// The layout of `world`'s actors; none is made yet.
    pub(super) fn new(world: &'w World) -> Actors<'w> {
        let now = world.clock.now();
        let (mut slots, mut first, mut first_node) = (Vec::new(), 0, 0);
        let mut owner = Vec::new();
        for (id, iam) in &world.iam.accounts {
            let len = iam.users.len() + iam.roles.len();
            if len > 0 && world.accounts.check_open(id, now).is_ok() {
                // Fewer than 2^32 accounts: the synthetic estate's limit is 10,000.
                owner.extend(std::iter::repeat_n(slots.len() as u32, len));
                slots.push(ActorSlot { id, iam, first_node, first, len, block: OnceCell::new() });
                first += len;
            }
            first_node += 1 + len;
        }
        Actors { slots, owner, len: first }
    }

    /// How many actors there are.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The slot of actor `a` (every slot holds at least one actor, and the first starts at 0).
    fn slot_of(&self, a: usize) -> usize {
        self.owner[a] as usize
    }

    /// The actors of `account` (none when it is closed or has no user or role).
    pub(super) fn of_account(&self, account: &str) -> Range<usize> {
        match self.slots.binary_search_by(|s| s.id.cmp(account)) {
            Ok(s) => self.slots[s].first..self.slots[s].first + self.slots[s].len,
            Err(_) => 0..0,
        }
    }

    /// Each account that has actors, with them, in the world's order (the tests' view of the
    /// layout; the builder asks by account).
    #[cfg(test)]
    pub(super) fn accounts(&self) -> impl Iterator<Item = (&'w str, Range<usize>)> + '_ {
        self.slots.iter().map(|s| (s.id, s.first..s.first + s.len))
    }

    /// The actor whose node is `n`, if it has one (a user or role of an open account).
    pub(super) fn of_node(&self, n: NodeIndex) -> Option<usize> {
        let n = n.index();
        let s = self.slots.partition_point(|s| s.first_node < n).checked_sub(1)?;
        let slot = &self.slots[s];
        let at = n - slot.first_node - 1;
        (at < slot.len).then_some(slot.first + at)
    }
}

impl Index<usize> for Actors<'_> {
    type Output = Actor;

    fn index(&self, a: usize) -> &Actor {
        let slot = &self.slots[self.slot_of(a)];
        &slot.actors()[a - slot.first]
    }
}

impl IndexMut<usize> for Actors<'_> {
    fn index_mut(&mut self, a: usize) -> &mut Actor {
        let s = self.slot_of(a);
        let slot = &mut self.slots[s];
        slot.actors();
        let first = slot.first;
        // Made just above.
        &mut slot.block.get_mut().expect("the account's actors, made above")[a - first]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::AccountStatus;
    use crate::synth::{generate, Spec};

    /// The nodes and actors are numbered as the whole graph always numbered them, written out
    /// here independently: accounts in order, each its root user, its users, its roles; actors
    /// the users and roles of the open accounts. Whichever account is read first.
    #[test]
    fn indices_are_the_whole_graphs_whatever_is_read_first() {
        let (mut world, _) = generate(&Spec { accounts: 6, roles: 60, policies: 100, users: 2 }, 3);
        let closed = world.iam.accounts.keys().nth(2).cloned().expect("six accounts");
        world.accounts.by_id.get_mut(&closed).expect("an account record").status = AccountStatus::Closed;
        let (mut want_nodes, mut want_actors) = (Vec::new(), Vec::new());
        for (account, iam) in &world.iam.accounts {
            want_nodes.push(Node::Root { account: account.clone() });
            let users = iam.users.values().map(|u| Node::User { arn: arn::iam(account, "user", &u.path, &u.name) });
            let roles = iam.roles.values().map(|r| Node::Role { arn: arn::iam(account, "role", &r.path, &r.name) });
            for n in users.chain(roles) {
                if *account != closed {
                    want_actors.push((want_nodes.len(), n.arn()));
                }
                want_nodes.push(n);
            }
        }
        // Read from the last account backwards, then check every index.
        let nodes = Nodes::new(&world);
        let actors = Actors::new(&world);
        for (i, n) in want_nodes.iter().enumerate().rev() {
            assert_eq!(nodes.index_of(n), Some(NodeIndex::new(i)), "{n:?}");
        }
        for (a, (node, arn)) in want_actors.iter().enumerate().rev() {
            assert_eq!((actors[a].node.index(), &actors[a].arn), (*node, arn));
            assert_eq!(actors.of_node(NodeIndex::new(*node)), Some(a));
        }
        assert_eq!(nodes.node_count(), want_nodes.len());
        assert_eq!(actors.len(), want_actors.len());
        for (i, n) in want_nodes.iter().enumerate() {
            assert_eq!(&nodes[NodeIndex::new(i)], n);
        }
        assert!(actors.of_account(&closed).is_empty());
        assert_eq!(actors.accounts().count(), 5);
        // A root user node has no actor.
        assert_eq!(actors.of_node(NodeIndex::new(0)), None);
    }
}
