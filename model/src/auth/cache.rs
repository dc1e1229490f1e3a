//! What authorization remembers between requests: for each caller, its identity policies,
//! boundary and tags; for each account, its place in the organization and the SCPs and RCPs
//! that govern it; for [`World::decide`], the caller behind each principal ARN.
//!
//! A decision about an estate read all of these by string-keyed map lookups (a managed policy
//! by ARN, an organization policy by ID, each level of the OU path), which cost several times
//! the policy engine's own work. They change only when the world does, so they are computed
//! once and kept here, behind a lock, in a [`Cache`] held beside the world by whoever asks it many
//! questions: a [`super::Authorizer`] (an AWS call's `service::Call`, the principal graph's
//! builder, the tasks table). The [`World`] itself holds no cache: it stays a plain value.
//!
//! Invariant: an entry is used only while the world is as it was when the entry was made. Every
//! change to a world goes through a [`crate::shared::Shared`] part (`DerefMut`, which advances
//! [`crate::shared::epoch`]) or replaces a part (a new address): each lookup compares both with
//! the [`Stamp`] taken when the cache was filled and empties the cache when they differ. Entries
//! that depend on the clock (a caller's authentication time, whether its account is open) also
//! record the time they were made. A cache asked about another world than the one it was filled
//! from sees other addresses (or a later epoch) and starts again, so one cache may serve any
//! world. `tests/auth_cache.rs` and this module's tests check that decisions with a warm cache
//! equal those of a fresh one after random changes.

use super::{identity_policies, Caller, CallerKind, PolicySource};
use crate::world::World;
use rootsim_policy::{Context, NamedPolicy, Policy, Principal};
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Beyond this many entries the cache starts again: the principal graph asks about every
/// principal of an estate once, and those entries need not all stay.
const MAX_ENTRIES: usize = 200_000;

/// The remembered parts of authorization, for whichever world it is asked about (it empties
/// itself when that world is not the one it was filled from). Behind a lock, so that a shared
/// reference can fill it.
#[derive(Default)]
pub struct Cache(Mutex<Inner>);

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache")
    }
}

/// The world as the cache last saw it: the shared-state epoch and the addresses of the parts the
/// entries read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    epoch: u64,
    parts: [usize; 3],
}

impl Stamp {
    fn of(world: &World) -> Stamp {
        Stamp {
            epoch: crate::shared::epoch(),
            parts: [world.accounts.addr(), world.organizations.addr(), world.iam.addr()],
        }
    }
}

#[derive(Default)]
struct Inner {
    stamp: Option<Stamp>,
    entries: usize,
    /// [`World::decide`]'s callers by principal ARN, with the time they were resolved at.
    callers: FxHashMap<String, (i64, Arc<Caller>)>,
    /// Identity entries by account, then by user or role key.
    users: FxHashMap<String, FxHashMap<String, Arc<IdentityEntry>>>,
    roles: FxHashMap<String, FxHashMap<String, Arc<IdentityEntry>>>,
    /// Each account's place (`None`: in no organization).
    places: FxHashMap<String, Option<Arc<PlaceEntry>>>,
    /// Roles by ARN, as `sts:AssumeRole` decisions find them (`None`: no such role).
    roles_by_arn: FxHashMap<String, Option<Arc<RoleEntry>>>,
    /// `aws:CurrentTime` and `aws:EpochTime` of the last time a context was built at.
    time: Option<(i64, Arc<TimeKeys>)>,
    /// The last request context built, with what it was built from: the next request of the
    /// same caller about the same account shares it (questions come in runs of one caller).
    last_context: Option<LastContext>,
}

/// A request context and what [`super::Authorizer::authorize`] built it from (besides the places,
/// tags and time keys, which the stamp and `now` cover).
struct LastContext {
    account: String,
    kind: CallerKind,
    principal: Arc<Principal>,
    user_id: String,
    username: Option<String>,
    assumed_root: bool,
    temporary: bool,
    mfa: bool,
    authenticated_at: Option<i64>,
    region: String,
    resource_account: Option<String>,
    now: i64,
    context: Arc<Context>,
}

impl LastContext {
    fn matches(&self, caller: &Caller, region: &str, resource_account: Option<&str>, now: i64) -> bool {
        self.now == now
            && self.mfa == caller.mfa
            && self.temporary == caller.temporary
            && self.assumed_root == caller.task_policy.is_some()
            && self.authenticated_at == caller.authenticated_at
            && self.account == caller.account
            && self.kind == caller.kind
            && *self.principal == caller.principal
            && self.user_id == caller.user_id
            && self.username == caller.username
            && self.region == region
            && self.resource_account.as_deref() == resource_account
    }
}

impl Inner {
    fn clear(&mut self) {
        self.entries = 0;
        self.callers.clear();
        self.users.clear();
        self.roles.clear();
        self.places.clear();
        self.roles_by_arn.clear();
        self.last_context = None;
    }
}

/// A role as the resource of `sts:AssumeRole` ([`World::role_trust_policy`]): its account
/// and trust policy.
#[derive(Debug)]
pub struct RoleEntry {
    /// The role's account.
    pub owner: String,
    /// Its trust policy's name as explanations show it (`trust policy of role NAME`).
    pub trust_name: String,
    /// The trust policy.
    pub trust: Policy,
}

/// The time keys' values at one instant.
#[derive(Debug)]
pub struct TimeKeys {
    /// `aws:CurrentTime`: ISO 8601.
    pub iso: String,
    /// `aws:EpochTime`: seconds.
    pub epoch: String,
}

/// A caller's identity-based policies, with their names as explanations show them.
#[derive(Debug, Default)]
pub struct IdentityEntry {
    /// Inline and managed policies, the user's before its groups'.
    pub policies: Vec<(String, Policy)>,
    /// The permissions boundary: its ARN and document.
    pub boundary: Option<(String, Policy)>,
    /// `aws:PrincipalTag/KEY` names and values.
    pub tags: Vec<(String, String)>,
}

/// Organization policies of one type, level by level from the root, in one list.
#[derive(Debug)]
pub struct OwnedLevels {
    /// Every level's policies (ARN, document), root first.
    pub policies: Vec<(String, Policy)>,
    /// The end of each level in `policies`.
    pub ends: Vec<usize>,
}

impl OwnedLevels {
    /// [`crate::organizations::Organization::levels`]' answer, kept.
    fn new(levels: Vec<Vec<(String, &Policy)>>) -> OwnedLevels {
        let mut out = OwnedLevels { policies: Vec::new(), ends: Vec::with_capacity(levels.len()) };
        for level in levels {
            out.policies.extend(level.into_iter().map(|(arn, policy)| (arn, policy.clone())));
            out.ends.push(out.policies.len());
        }
        out
    }

    /// The policies as the engine names them, in `out`; then [`OwnedLevels::slices`] over it.
    pub fn named<'a, const N: usize>(&'a self, out: &mut smallvec::SmallVec<[NamedPolicy<'a>; N]>) {
        out.extend(self.policies.iter().map(|(name, policy)| NamedPolicy { name, policy }));
    }

    /// `named` split into its levels, as the engine takes them.
    pub fn slices<'n, 'a, const N: usize>(
        &self,
        named: &'n [NamedPolicy<'a>],
        out: &mut smallvec::SmallVec<[&'n [NamedPolicy<'a>]; N]>,
    ) {
        let mut start = 0;
        for &end in &self.ends {
            out.push(&named[start..end]);
            start = end;
        }
    }
}

/// Where an account sits in its organization, and what governs it there.
#[derive(Debug)]
pub struct PlaceEntry {
    /// The organization's ID (`aws:PrincipalOrgID`, `aws:ResourceOrgID`).
    pub org_id: String,
    /// `o-id/r-id/ou-id/.../` (`aws:PrincipalOrgPaths`), `None` for a corrupt tree.
    pub org_path: Option<String>,
    /// The SCPs that govern the account, `None` when none do (the type is off, the management account).
    pub scps: Option<OwnedLevels>,
    /// The RCPs that govern the account's resources, likewise.
    pub rcps: Option<OwnedLevels>,
}

impl PlaceEntry {
    fn new(world: &World, account: &str) -> Option<PlaceEntry> {
        let org = world.organizations.of_account(account)?;
        let levels = |policy_type| org.levels(account, policy_type).map(OwnedLevels::new);
        Some(PlaceEntry {
            org_id: org.id.clone(),
            org_path: org.org_path(account),
            scps: levels("SERVICE_CONTROL_POLICY"),
            rcps: levels("RESOURCE_CONTROL_POLICY"),
        })
    }
}

impl IdentityEntry {
    fn new(world: &World, account: &str, source: &PolicySource) -> IdentityEntry {
        // A caller whose account has no IAM (yet) has no identity policies.
        let Some(iam) = world.iam.account(account) else { return IdentityEntry::default() };
        let (policies, boundary) = identity_policies(iam, source);
        let tags = match *source {
            PolicySource::User(key) => iam.users.get(key).map(|u| &u.tags),
            PolicySource::Role(key) => iam.roles.get(key).map(|r| &r.tags),
            PolicySource::Root | PolicySource::Group(_) => None,
        };
        IdentityEntry {
            policies: policies.into_iter().map(|(name, p)| (name, p.clone())).collect(),
            boundary: boundary.map(|(name, p)| (name, p.clone())),
            tags: tags.into_iter().flatten().map(|(k, v)| (format!("aws:PrincipalTag/{k}"), v.clone())).collect(),
        }
    }
}

impl Cache {
    /// The cache, emptied first if the world changed since it was filled.
    fn open(&self, world: &World) -> MutexGuard<'_, Inner> {
        // A panic while the lock was held left a half-made entry at most: start again.
        let mut inner = self.0.lock().unwrap_or_else(|poisoned| {
            let mut inner = poisoned.into_inner();
            inner.clear();
            inner
        });
        let stamp = Stamp::of(world);
        if inner.stamp != Some(stamp) || inner.entries > MAX_ENTRIES {
            inner.clear();
            inner.stamp = Some(stamp);
        }
        inner
    }
}

/// What one request needs from the cache, found under one lock.
pub struct RequestEntries {
    /// The caller's account's place.
    pub caller: Option<Arc<PlaceEntry>>,
    /// The principal's account's place (another account than the caller's for a federated user's
    /// issuer).
    pub principal: Option<Arc<PlaceEntry>>,
    /// The resource's account's place (`None` also for a resource of no account).
    pub resource: Option<Arc<PlaceEntry>>,
    /// The caller's identity policies, boundary and tags.
    pub identity: Arc<IdentityEntry>,
    /// The time keys now.
    pub time: Arc<TimeKeys>,
    /// The principal and request context of the last request, if this one's are the same.
    pub context: Option<(Arc<Principal>, Arc<Context>)>,
}

impl Inner {
    fn identity(&mut self, world: &World, account: &str, source: &PolicySource) -> Arc<IdentityEntry> {
        let (key, map) = match *source {
            PolicySource::User(key) => (key, &mut self.users),
            PolicySource::Role(key) => (key, &mut self.roles),
            // The root user has no identity policies, a group is never a caller: nothing to find.
            PolicySource::Root | PolicySource::Group(_) => return Arc::new(IdentityEntry::new(world, account, source)),
        };
        if let Some(entry) = map.get(account).and_then(|m| m.get(key)) {
            return Arc::clone(entry);
        }
        let entry = Arc::new(IdentityEntry::new(world, account, source));
        map.entry(account.to_string()).or_default().insert(key.to_string(), Arc::clone(&entry));
        self.entries += 1;
        entry
    }

    fn place(&mut self, world: &World, account: &str) -> Option<Arc<PlaceEntry>> {
        if let Some(place) = self.places.get(account) {
            return place.clone();
        }
        let place = PlaceEntry::new(world, account).map(Arc::new);
        self.places.insert(account.to_string(), place.clone());
        self.entries += 1;
        place
    }

    fn time(&mut self, now: i64) -> Arc<TimeKeys> {
        match &self.time {
            Some((at, keys)) if *at == now => Arc::clone(keys),
            _ => {
                let keys = Arc::new(TimeKeys { iso: crate::clock::format_iso(now), epoch: now.to_string() });
                self.time = Some((now, Arc::clone(&keys)));
                keys
            }
        }
    }
}

impl Cache {
    /// Where `account` sits in its organization, remembered (`None`: it is in none).
    pub(super) fn place_entry(&self, world: &World, account: &str) -> Option<Arc<PlaceEntry>> {
        self.open(world).place(world, account)
    }

    /// `aws:CurrentTime` and `aws:EpochTime` now: formatted once per instant of the simulated
    /// clock (a script's decisions mostly share one).
    pub(super) fn time_keys(&self, world: &World) -> Arc<TimeKeys> {
        self.open(world).time(world.clock.now())
    }

    /// Everything a request of `caller` about a resource of `resource_account` reads from the
    /// cache, under one lock.
    pub(super) fn request_entries(
        &self,
        world: &World,
        caller: &Caller,
        region: &str,
        resource_account: Option<&str>,
    ) -> RequestEntries {
        let mut inner = self.open(world);
        let account = caller.account.as_str();
        // Each account's place is looked up once: the three are usually the same.
        let own = inner.place(world, account);
        let mut place_of = |a: &str| if a == account { own.clone() } else { inner.place(world, a) };
        let principal = place_of(&caller.principal.account);
        let resource = resource_account.and_then(&mut place_of);
        RequestEntries {
            caller: own,
            principal,
            resource,
            identity: inner.identity(world, account, &caller.policy_source()),
            time: inner.time(world.clock.now()),
            context: inner
                .last_context
                .as_ref()
                .filter(|last| last.matches(caller, region, resource_account, world.clock.now()))
                .map(|last| (Arc::clone(&last.principal), Arc::clone(&last.context))),
        }
    }

    /// Remembers the request context built for `caller` (see [`RequestEntries::context`]).
    pub(super) fn remember_context(
        &self,
        world: &World,
        caller: &Caller,
        region: &str,
        resource_account: Option<&str>,
        principal: &Arc<Principal>,
        context: &Arc<Context>,
    ) {
        let mut inner = self.open(world);
        inner.last_context = Some(LastContext {
            account: caller.account.clone(),
            kind: caller.kind.clone(),
            principal: Arc::clone(principal),
            user_id: caller.user_id.clone(),
            username: caller.username.clone(),
            assumed_root: caller.task_policy.is_some(),
            temporary: caller.temporary,
            mfa: caller.mfa,
            authenticated_at: caller.authenticated_at,
            region: region.to_string(),
            resource_account: resource_account.map(str::to_string),
            now: world.clock.now(),
            context: Arc::clone(context),
        });
    }

    /// The role behind `arn` ([`World::role_trust_policy`]), remembered.
    pub(super) fn role_entry(&self, world: &World, arn: &str) -> Option<Arc<RoleEntry>> {
        let mut inner = self.open(world);
        if let Some(role) = inner.roles_by_arn.get(arn) {
            return role.clone();
        }
        let role = world.role_trust_policy(arn).map(|(owner, trust_name, role)| {
            Arc::new(RoleEntry { owner, trust_name, trust: role.trust_policy.clone() })
        });
        inner.roles_by_arn.insert(arn.to_string(), role.clone());
        inner.entries += 1;
        role
    }

    /// [`World::principal_caller`], remembered for the current time (its answer depends on the
    /// clock: the session begins now, and the account may have closed). Failures are not kept.
    pub(super) fn principal_caller(&self, world: &World, principal: &str) -> crate::error::AwsResult<Arc<Caller>> {
        let now = world.clock.now();
        {
            let inner = self.open(world);
            if let Some((at, caller)) = inner.callers.get(principal) {
                if *at == now {
                    return Ok(Arc::clone(caller));
                }
            }
        }
        // Resolved without the lock: it reads the world alone.
        let caller = Arc::new(world.principal_caller(principal)?);
        let mut inner = self.open(world);
        inner.callers.insert(principal.to_string(), (now, Arc::clone(&caller)));
        inner.entries += 1;
        Ok(caller)
    }
}
