//! The evaluation chain, and the words used to explain its result.
//!
//! This module owns the order in which AWS consults policy layers and what
//! each layer can do to a request (IAM User Guide, "Policy evaluation logic"
//! and "Cross-account policy evaluation logic"):
//!
//! 1. An explicit `Deny` in any applicable policy denies.
//! 2. RCPs of the resource's account: every level must allow.
//! 3. SCPs of the principal's account: every level must allow.
//! 4. The resource-based policy: a same-account grant to the user, session
//!    or federated-user ARN allows on its own; a grant to a role ARN still
//!    needs the boundary and session policies; a grant to the account
//!    delegates to identity policies. Trust and KMS key policies must allow.
//! 5. Identity policies, 6. the permissions boundary, 7. session policies.
//!
//! Cross-account requests need both the resource policy and the caller's
//! identity side; anonymous and service callers can only be granted access by
//! a resource policy; root has full access in its own account unless denied.
//!
//! It also renders [`Decision::explain`] and AWS's `AccessDenied` text.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::condition::{evaluate_all, with_vars, CondResult};
use super::document::{PrincipalEntry, PrincipalSpec, Statement};
use super::pattern::{ActionKey, ArnPattern};
use super::{
    Decision, Effect, FailedCondition, Layer, MatchedStatement, NamedPolicy, Outcome, PolicyKind, PolicySet,
    PrincipalKind, Request,
};

/// How a resource-policy `Allow` named the caller; the order is strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Grant {
    /// Via the caller's account: identity policies must also allow.
    Account,
    /// Via the role ARN (`aws:PrincipalArn`) rather than the session: the
    /// boundary and session policies still apply.
    Role,
    /// Via the caller's own ARN, `*`, or a service name: allows on its own
    /// (same account).
    Direct,
}

fn entry_grant(e: &PrincipalEntry, req: &Request<'_>) -> Option<Grant> {
    let p = req.principal;
    let signed = !matches!(p.kind, PrincipalKind::Anonymous | PrincipalKind::Service);
    // An ARN entry names the caller itself (Direct) or the identity behind
    // a session (Role).
    let by_arn = |arn: &str| {
        if signed && p.arn == arn {
            Some(Grant::Direct)
        } else if signed && p.principal_arn == arn {
            Some(Grant::Role)
        } else {
            None
        }
    };
    match e {
        PrincipalEntry::Any => Some(Grant::Direct),
        PrincipalEntry::Account(a) => (signed && p.account == *a).then_some(Grant::Account),
        PrincipalEntry::User(arn)
        | PrincipalEntry::Role(arn)
        | PrincipalEntry::Session(arn)
        | PrincipalEntry::FederatedUser(arn)
        | PrincipalEntry::OtherArn(arn) => by_arn(arn),
        PrincipalEntry::Service(s) => {
            (p.kind == PrincipalKind::Service && p.arn.eq_ignore_ascii_case(s)).then_some(Grant::Direct)
        }
        PrincipalEntry::Federated(s) | PrincipalEntry::CanonicalUser(s) => {
            (p.arn == *s || p.principal_arn == *s).then_some(Grant::Direct)
        }
        PrincipalEntry::UniqueId(id) => unique_id_grant(id, req),
    }
}

/// How a unique ID in a `Principal` names the caller: through the caller's own unique ID,
/// `aws:userid` (an IAM user's is its ID: the user itself; a role session's is `ROLEID:session`:
/// the role behind the session, as its ARN would). A request without `aws:userid` is named by
/// no ID: the ID is a deleted principal's, which has no sessions.
fn unique_id_grant(id: &str, req: &Request<'_>) -> Option<Grant> {
    let p = req.principal;
    if !matches!(p.kind, PrincipalKind::User | PrincipalKind::AssumedRole) {
        return None;
    }
    let userid = req.context.get("aws:userid")?.as_slice();
    let [userid] = userid else { return None };
    match userid.strip_prefix(id) {
        Some("") if p.kind == PrincipalKind::User => Some(Grant::Direct),
        Some(rest) if p.kind == PrincipalKind::AssumedRole && rest.starts_with(':') => Some(Grant::Role),
        _ => None,
    }
}

/// Does a `Principal`/`NotPrincipal` element apply to the caller, and how?
fn principal_grant(spec: &PrincipalSpec, req: &Request<'_>, has_boundary: bool) -> Option<Grant> {
    if spec.not {
        // NotPrincipal (Deny only) applies to everyone not listed; AWS
        // documents that it always applies to principals with a permissions
        // boundary.
        // The caller is excepted only when it is listed itself (its own ARN, or for the root
        // user its account): listing an account, as AWS recommends next to the user, does not
        // except that account's other principals, and a role's ARN does not stand for its
        // sessions: NotPrincipal must name the specific session (AWS's NotPrincipal page).
        // A signed-in caller other than the root user must also have its account listed: AWS's
        // page says that without the account's ARN the Deny may apply to the whole account, so
        // the safe reading is taken (a user listed without its account is denied).
        let (mut itself, mut account) = (false, false);
        for e in spec.entries.iter() {
            match (e, entry_grant(e, req)) {
                (PrincipalEntry::Any, _) => return has_boundary.then_some(Grant::Direct),
                (_, Some(Grant::Account)) => account = true,
                (_, Some(Grant::Direct)) => itself = true,
                (_, Some(Grant::Role) | None) => {}
            }
        }
        let listed = match req.principal.kind {
            PrincipalKind::Root => account,
            PrincipalKind::Anonymous | PrincipalKind::Service => itself,
            _ => itself && account,
        };
        return (has_boundary || !listed).then_some(Grant::Direct);
    }
    spec.entries.iter().filter_map(|e| entry_grant(e, req)).max()
}

/// How one statement met the request.
enum StatementMatch {
    /// Its action, resource or principal does not match.
    No,
    /// Everything matches but the condition at this index is false.
    ConditionFalse(usize),
    /// It applies, granting this.
    Yes(Grant),
    /// It would apply but a condition cannot be evaluated, for this reason.
    Unevaluable(String),
}

/// Matches one statement (of the wanted effect) against the request.
#[inline]
fn match_statement(
    st: &Statement,
    req: &Request<'_>,
    key: &ActionKey<'_>,
    has_boundary: bool,
    missing: &mut Vec<String>,
) -> StatementMatch {
    match match_parts(st, req, key, has_boundary, missing) {
        None => StatementMatch::No,
        Some(grant) if st.conditions.is_empty() => StatementMatch::Yes(grant),
        Some(grant) => match evaluate_all(&st.conditions, req, missing) {
            CondResult::True => StatementMatch::Yes(grant),
            CondResult::False(i) => StatementMatch::ConditionFalse(i),
            CondResult::Unevaluable(why) => StatementMatch::Unevaluable(why),
        },
    }
}

/// Matches a statement's action, resource and principal (not its conditions): the grant it
/// would give, `None` when it does not apply.
#[inline]
fn match_parts(
    st: &Statement,
    req: &Request<'_>,
    key: &ActionKey<'_>,
    has_boundary: bool,
    missing: &mut Vec<String>,
) -> Option<Grant> {
    if st.actions.iter().any(|a| a.matches_key(key)) == st.not_action {
        return None;
    }
    if let Some(list) = &st.resources {
        // `"*"` (every SCP and most boundaries) is answered here, without calling the matcher.
        let any = list.iter().any(|r| {
            matches!(r.pattern, ArnPattern::Any)
                || with_vars(req, r, missing, |p, vars| p.matches(req.resource, vars)).unwrap_or(false)
        });
        if any == st.not_resource {
            return None;
        }
    }
    match &st.principal {
        Some(spec) => principal_grant(spec, req, has_boundary),
        None => Some(Grant::Direct),
    }
}

/// A match record that borrows the policy's name and the statement's `Sid` (no allocation).
fn record<'a>(layer: Layer, np: &NamedPolicy<'a>, st: &'a Statement) -> MatchedStatement<'a> {
    MatchedStatement {
        layer,
        policy: Cow::Borrowed(np.name),
        sid: st.sid.as_deref().map(Cow::Borrowed),
        index: st.index,
        effect: st.effect,
    }
}

/// Scans the statements of `effect` in `policies`; records matches and
/// unevaluable statements. Returns the strongest grant found.
fn scan<'q, 'a: 'q>(
    layer: Layer,
    policies: impl IntoIterator<Item = &'q NamedPolicy<'a>>,
    effect: Effect,
    req: &Request<'_>,
    key: &ActionKey<'_>,
    has_boundary: bool,
    d: &mut Decision<'a>,
) -> Option<Grant> {
    let mut best: Option<Grant> = None;
    let service = key.bit();
    for np in policies {
        let policy: &'a super::Policy = np.policy;
        let doc = policy.doc();
        if !doc.has(effect) {
            continue;
        }
        // The service mask rules out statements about other services without matching their
        // patterns; a large document's index lists the remaining ones directly, in order.
        if let Some(index) = &doc.index {
            let mut candidates = index.candidates(effect, service);
            while candidates != 0 {
                let st = &doc.statements[candidates.trailing_zeros() as usize];
                candidates &= candidates - 1;
                consider(layer, np, st, req, key, has_boundary, d, &mut best);
            }
        } else {
            for st in &doc.statements {
                if st.effect == effect && st.service_mask & service != 0 {
                    consider(layer, np, st, req, key, has_boundary, d, &mut best);
                }
            }
        }
    }
    best
}

/// Matches one statement of the scanned effect and records the result into `d` and `best`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn consider<'a>(
    layer: Layer,
    np: &NamedPolicy<'a>,
    st: &'a Statement,
    req: &Request<'_>,
    key: &ActionKey<'_>,
    has_boundary: bool,
    d: &mut Decision<'a>,
    best: &mut Option<Grant>,
) {
    match match_statement(st, req, key, has_boundary, &mut d.missing_context) {
        StatementMatch::No => {
            if st.principal.as_ref().is_some_and(|p| p.has_unique_ids) {
                note_deleted_principals(layer, np, st, req, key, d);
            }
        }
        StatementMatch::ConditionFalse(i) => {
            // An Allow that would have applied but for a condition: the explanation names it
            // and the condition, since it is what a trainee meant to allow the request. (A Deny
            // whose condition is false is the common case of a guardrail and is not listed.)
            if st.effect == Effect::Allow {
                let c = &st.conditions[i];
                d.condition_failed.push(FailedCondition {
                    statement: record(layer, np, st),
                    operator: Cow::Borrowed(c.operator_name.as_str()),
                    key: Cow::Borrowed(c.key.as_str()),
                });
            }
        }
        StatementMatch::Yes(g) => {
            // Granted through the account or a role only, the statement may still have meant the
            // caller by an ID that is now a deleted principal's.
            if g != Grant::Direct && st.principal.as_ref().is_some_and(|p| p.has_unique_ids) {
                note_deleted_principals(layer, np, st, req, key, d);
            }
            d.matched.push(record(layer, np, st));
            *best = (*best).max(Some(g));
        }
        StatementMatch::Unevaluable(why) => {
            // Fail closed: a Deny that cannot be evaluated is taken to apply, so that an
            // evaluation error can only ever deny (an Allow that cannot be evaluated never
            // matches). Both are listed as unevaluable, for the explanation.
            if st.effect == Effect::Deny {
                d.matched.push(record(layer, np, st));
                *best = (*best).max(Some(Grant::Direct));
            }
            d.unevaluable.push((record(layer, np, st), why))
        }
    }
}

/// Records, for the explanation, an Allow statement that matched the request's action and
/// resource, did not name the caller itself, and names unique IDs that are not the caller's:
/// the IDs of deleted users or roles, which IAM wrote in place of their ARNs. Only statements
/// with such IDs reach here, so the common path pays one flag test.
#[cold]
fn note_deleted_principals<'a>(
    layer: Layer,
    np: &NamedPolicy<'a>,
    st: &'a Statement,
    req: &Request<'_>,
    key: &ActionKey<'_>,
    d: &mut Decision<'a>,
) {
    if st.effect != Effect::Allow || st.actions.iter().any(|a| a.matches_key(key)) == st.not_action {
        return;
    }
    if let Some(list) = &st.resources {
        let mut unused = Vec::new();
        let any = list.iter().any(|r| {
            matches!(r.pattern, ArnPattern::Any)
                || with_vars(req, r, &mut unused, |p, vars| p.matches(req.resource, vars)).unwrap_or(false)
        });
        if any == st.not_resource {
            return;
        }
    }
    let ids: Vec<&str> = st
        .principal
        .iter()
        .flat_map(|p| &p.entries)
        .filter_map(|e| match e {
            PrincipalEntry::UniqueId(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    if ids.iter().any(|id| unique_id_grant(id, req).is_some()) {
        return;
    }
    d.deleted_principals.push((record(layer, np, st), ids.join(", ")));
}

fn push_layer(d: &mut Decision<'_>, l: Layer) {
    if !d.decided_by.contains(&l) {
        d.decided_by.push(l);
    }
}

fn deny(d: &mut Decision<'_>, layer: Layer) {
    d.outcome = Outcome::ImplicitlyDenied;
    d.decided_by.clear();
    d.decided_by.push(layer);
}

/// The S3 bucket owner's root may always read, replace or delete its bucket
/// policy, even when that policy denies it (only SCPs/RCPs can block it).
/// The SQS queue owner's root may likewise always get and set its queue's
/// attributes, the `Policy` attribute included (a root task whose mechanism AWS
/// does not document, modelled like S3: rule SQS-OWNER-ROOT-UNLOCK in docs/rules.md).
fn bucket_owner_exempt(req: &Request<'_>) -> bool {
    let p = req.principal;
    p.kind == PrincipalKind::Root
        && req.resource_account.is_none_or(|a| a == p.account)
        && [
            "s3:GetBucketPolicy",
            "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy",
            "sqs:GetQueueAttributes",
            "sqs:SetQueueAttributes",
        ]
        .iter()
        .any(|a| a.eq_ignore_ascii_case(req.action))
}

/// Decides `req` against `set`. See the module documentation for the order.
pub fn evaluate<'a>(req: &Request<'_>, set: &PolicySet<'_, 'a>) -> Decision<'a> {
    let p = req.principal;
    let is_root = p.kind == PrincipalKind::Root;
    let unsigned = matches!(p.kind, PrincipalKind::Anonymous | PrincipalKind::Service);
    let cross_account = !unsigned && req.resource_account.is_some_and(|a| !a.is_empty() && a != p.account);
    // Only IAM users and roles can have a boundary: one given for root, a service or an
    // anonymous caller is not theirs and changes nothing (NotPrincipal included).
    let has_boundary = set.boundary.is_some() && !is_root && !unsigned;
    let mut d = Decision::undecided(set.resource.map(|r| r.policy.kind()), cross_account);
    // Actions that need no permission (AWS's API reference says so, and that a Deny does not stop
    // them): allowed to any signed caller before any policy is read. A constant-time string
    // comparison, so every other request pays nothing for it.
    if p.kind != PrincipalKind::Anonymous && rootsim_catalogue::needs_no_permission(req.action) {
        allowed(&mut d, &[Layer::NoPermission]);
        return d;
    }
    let key = ActionKey::new(req.action);
    chain(req, set, &key, has_boundary, &mut d);
    if is_root || unsigned {
        set_aside(req, set, &key, &mut d);
    }
    if d.outcome == Outcome::ExplicitlyDenied {
        overridden_allows(req, set, &key, has_boundary, &mut d);
    }
    d
}

/// A Decision that records nothing yet, for scans whose matches are kept apart.
fn scratch<'a>(d: &Decision<'a>) -> Decision<'a> {
    Decision::undecided(d.resource_kind, d.cross_account)
}

/// After an explicit deny, the chain stops: records into `d.overridden` the Allow statements of
/// the layers that apply which also match, so that `explain` shows what the Deny overrode.
fn overridden_allows<'a>(
    req: &Request<'_>,
    set: &PolicySet<'_, 'a>,
    key: &ActionKey<'_>,
    has_boundary: bool,
    d: &mut Decision<'a>,
) {
    let identity_side =
        !matches!(req.principal.kind, PrincipalKind::Root | PrincipalKind::Anonymous | PrincipalKind::Service);
    let none: &[NamedPolicy<'_>] = &[];
    let resource = set.resource.filter(|_| !bucket_owner_exempt(req));
    let mut s = scratch(d);
    for (layer, levels) in [(Layer::Rcp, set.rcps), (Layer::Scp, set.scps)] {
        let _ = scan(layer, flat(levels), Effect::Allow, req, key, has_boundary, &mut s);
    }
    let boundary = set.boundary.filter(|_| identity_side);
    let layers = [
        (Layer::Resource, resource.as_slice()),
        (Layer::Identity, if identity_side { set.identity } else { none }),
        (Layer::Boundary, boundary.as_slice()),
        (Layer::Session, if identity_side { set.session } else { none }),
        (Layer::Task, set.task.as_slice()),
    ];
    for (layer, policies) in layers {
        let _ = scan(layer, policies, Effect::Allow, req, key, has_boundary, &mut s);
    }
    d.overridden.extend(
        s.matched
            .into_iter()
            .map(|m| (m, "an explicit Deny that matches the request overrides every Allow".to_string())),
    );
}

/// Records into `d.overridden` the statements that match `req` but that a rule of the root user
/// (or of an unsigned caller) kept out of the decision, so that `explain` can show them and say
/// why they did not decide: an owner root's own bucket or queue policy, identity-side policies.
fn set_aside<'a>(req: &Request<'_>, set: &PolicySet<'_, 'a>, key: &ActionKey<'_>, d: &mut Decision<'a>) {
    let is_root = req.principal.kind == PrincipalKind::Root;
    let mut groups: Vec<(Layer, Vec<&NamedPolicy<'a>>, String)> = Vec::new();
    if let Some(r) = set.resource.as_ref().filter(|_| bucket_owner_exempt(req)) {
        let what = if req.action.to_ascii_lowercase().starts_with("sqs:") {
            "queue's attributes, its policy included"
        } else {
            "bucket policy"
        };
        groups.push((
            Layer::Resource,
            vec![r],
            format!("the root user of the account that owns the resource may always read, change or delete its {what}, whatever that policy says; only SCPs and RCPs still bind it"),
        ));
    }
    let who = if is_root { "the root user" } else { "an anonymous or service caller" };
    let identity_side: Vec<&NamedPolicy<'a>> =
        set.identity.iter().chain(set.boundary.iter()).chain(set.session.iter()).collect();
    if !identity_side.is_empty() {
        groups.push((
            Layer::Identity,
            identity_side,
            format!("identity-based policies, permissions boundaries and session policies never apply to {who}"),
        ));
    }
    for (layer, policies, why) in groups {
        let mut scratch = scratch(d);
        for effect in [Effect::Deny, Effect::Allow] {
            // Each policy keeps its own layer in what is recorded (a boundary is a boundary).
            let _ = scan(layer, policies.iter().copied(), effect, req, key, false, &mut scratch);
        }
        d.overridden.extend(scratch.matched.into_iter().map(|m| (m, why.clone())));
    }
}

/// Runs the chain, recording into `d` (kept in place: a `Decision` is large
/// and moving it around costs more than the rest of a simple evaluation).
fn chain<'a>(
    req: &Request<'_>,
    set: &PolicySet<'_, 'a>,
    key: &ActionKey<'_>,
    has_boundary: bool,
    d: &mut Decision<'a>,
) {
    let p = req.principal;
    let is_root = p.kind == PrincipalKind::Root;
    let unsigned = matches!(p.kind, PrincipalKind::Anonymous | PrincipalKind::Service);
    let cross_account = d.cross_account;
    // Identity-side layers never apply to root or to unsigned callers.
    let identity_side = !is_root && !unsigned;
    let none: &[NamedPolicy<'_>] = &[];
    let identity = if identity_side { set.identity } else { none };
    let boundary = set.boundary.filter(|_| identity_side);
    let session = if identity_side { set.session } else { none };
    let resource = set.resource.filter(|_| !bucket_owner_exempt(req));
    // SCPs limit the principals of member accounts: never an anonymous caller, an AWS service
    // principal or a service-linked role (RCPs apply to service principals, not to service-linked
    // roles).
    let scps = if unsigned || p.service_linked_role { None } else { set.scps };
    let rcps = if p.service_linked_role { None } else { set.rcps };

    // 1. Explicit deny anywhere. A layer is scanned only when one of its policies has a Deny:
    // most requests meet few layers, and the check is cheaper than entering the scan.
    let has_deny = |np: &NamedPolicy<'_>| np.policy.doc().has(Effect::Deny);
    for (layer, levels) in [(Layer::Rcp, rcps), (Layer::Scp, scps)] {
        if flat(levels).any(has_deny) && scan(layer, flat(levels), Effect::Deny, req, key, has_boundary, d).is_some() {
            d.decided_by.push(layer);
        }
    }
    let layers = [
        (Layer::Resource, resource.as_slice()),
        (Layer::Identity, identity),
        (Layer::Boundary, boundary.as_slice()),
        (Layer::Session, session),
        (Layer::Task, set.task.as_slice()),
    ];
    for (layer, policies) in layers {
        if policies.iter().any(has_deny) && scan(layer, policies, Effect::Deny, req, key, has_boundary, d).is_some() {
            d.decided_by.push(layer);
        }
    }
    if !d.decided_by.is_empty() {
        d.outcome = Outcome::ExplicitlyDenied;
        return;
    }

    // 2-3. Organization guardrails: every level must allow.
    for (layer, lv) in [(Layer::Rcp, rcps), (Layer::Scp, scps)] {
        if let Some(lv) = lv {
            for (i, level) in lv.iter().enumerate() {
                if scan(layer, level.iter(), Effect::Allow, req, key, has_boundary, d).is_none() {
                    d.level = Some(i);
                    return deny(d, layer);
                }
            }
            push_layer(d, layer);
        }
    }

    // 4. Resource-based policy.
    // The owner root's own bucket or queue policy is set aside (`bucket_owner_exempt`) for its
    // Allows as for its Denies: it neither grants nor denies those actions.
    let grant = scan(Layer::Resource, resource.iter(), Effect::Allow, req, key, has_boundary, d);

    if unsigned {
        // Only a resource policy can grant anonymous or service callers.
        match grant {
            Some(_) => allowed(d, &[Layer::Resource]),
            None => deny(d, Layer::Resource),
        }
        return;
    }
    if (cross_account || set.resource_must_allow) && grant.is_none() {
        return deny(d, Layer::Resource);
    }
    if grant.is_some() {
        push_layer(d, Layer::Resource);
    }
    if is_root {
        return allowed(d, &[Layer::RootRule]);
    }
    // Same account: a grant to the caller's own ARN needs nothing else; a
    // grant to the role needs boundary and session; otherwise identity.
    let need_identity = cross_account || grant.is_none_or(|g| g == Grant::Account);
    if !cross_account && grant == Some(Grant::Direct) {
        return allowed(d, &[]);
    }

    // 5-7. Identity, boundary, session.
    if need_identity {
        if scan(Layer::Identity, identity, Effect::Allow, req, key, has_boundary, d).is_none() {
            return deny(d, Layer::Identity);
        }
        push_layer(d, Layer::Identity);
    }
    if let Some(b) = boundary {
        if scan(Layer::Boundary, [b].iter(), Effect::Allow, req, key, has_boundary, d).is_none() {
            return deny(d, Layer::Boundary);
        }
        push_layer(d, Layer::Boundary);
    }
    if !session.is_empty() {
        if scan(Layer::Session, session, Effect::Allow, req, key, has_boundary, d).is_none() {
            return deny(d, Layer::Session);
        }
        push_layer(d, Layer::Session);
    } else if p.kind == PrincipalKind::FederatedUser {
        // A GetFederationToken session without a session policy has no permissions: only role
        // sessions fall back to their identity policies (evaluation logic, session policies step).
        return deny(d, Layer::Session);
    }
    allowed(d, &[])
}

/// Every policy of every level, for the deny pass.
fn flat<'s, 'a>(levels: Option<&'s [&'s [NamedPolicy<'a>]]>) -> impl Iterator<Item = &'s NamedPolicy<'a>> {
    levels.unwrap_or(&[]).iter().flat_map(|l| l.iter())
}

fn allowed(d: &mut Decision<'_>, extra: &[Layer]) {
    d.outcome = Outcome::Allowed;
    for &l in extra {
        push_layer(d, l);
    }
}

/// The policy type as AWS's `AccessDenied` text names it.
fn aws_type(layer: Layer, d: &Decision<'_>) -> &'static str {
    match layer {
        Layer::Scp => "service control policy",
        Layer::Rcp => "resource control policy",
        Layer::Resource if d.resource_kind == Some(PolicyKind::Trust) => "role trust policy",
        Layer::Resource => "resource-based policy",
        Layer::Identity | Layer::RootRule | Layer::NoPermission | Layer::AwsOwned => "identity-based policy",
        Layer::Boundary => "permissions boundary",
        // A task policy scopes an AssumeRoot session the way a session
        // policy does; AWS has no separate wording for it.
        Layer::Session | Layer::Task => "session policy",
    }
}

/// Renders AWS's `AccessDenied` message (facts 7.1).
pub fn denial_message(d: &Decision<'_>, req: &Request<'_>) -> String {
    let Some(&layer) = d.decided_by.first() else {
        return String::new();
    };
    if d.outcome == Outcome::Allowed {
        return String::new();
    }
    let mut msg = format!("User: {} is not authorized to perform: {}", req.principal.arn, req.action);
    if req.resource != "*" {
        msg.push_str(" on resource: ");
        msg.push_str(req.resource);
    }
    if layer == Layer::AwsOwned {
        // The resource is not the account's: AWS words it as a plain refusal.
        return msg;
    }
    let ty = aws_type(layer, d);
    if d.outcome == Outcome::ExplicitlyDenied {
        if ty == "role trust policy" {
            msg.push_str(" with an explicit deny in the role trust policy");
        } else if ty == "permissions boundary" {
            msg.push_str(" with an explicit deny in a permissions boundary");
        } else {
            // "an identity-based policy", "a service control policy": the article follows the word.
            let article = if ty.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
            msg.push_str(&format!(" with an explicit deny in {article} {ty}"));
        }
        // AWS appends the policy ARN when it has one (managed policies, SCPs).
        if let Some(m) = d.matched.iter().find(|m| m.layer == layer && m.effect == Effect::Deny) {
            if m.policy.starts_with("arn:") {
                msg.push_str(": ");
                msg.push_str(&m.policy);
            }
        }
    } else {
        msg.push_str(&format!(" because no {ty} allows the {} action", req.action));
    }
    msg
}

/// Words for a layer in explanations.
fn layer_words(layer: Layer, d: &Decision<'_>) -> &'static str {
    match layer {
        Layer::Task => "AssumeRoot task policy",
        Layer::RootRule => "root user rule",
        Layer::NoPermission => "rule that this action needs no permission",
        Layer::AwsOwned => "rule that AWS-owned resources are AWS's to change",
        other => aws_type(other, d),
    }
}

/// Writes `statement "Sid" of the <policy type> <policy>` (capitalized at the start of a sentence).
fn write_statement_ref(out: &mut String, m: &MatchedStatement<'_>, d: &Decision<'_>, capital: bool) {
    out.push_str(if capital { "Statement " } else { "statement " });
    match &m.sid {
        Some(sid) => {
            out.push('"');
            out.push_str(sid);
            out.push('"');
        }
        None => {
            let _ = write!(out, "{}", m.index + 1);
        }
    }
    out.push_str(" of the ");
    out.push_str(layer_words(m.layer, d));
    out.push(' ');
    out.push_str(&m.policy);
}

/// Renders [`Decision::explain`]. Written into one buffer: `rootsim eval` explains every answer,
/// and building the sentences from temporary strings cost more than deciding.
pub fn explain(d: &Decision<'_>, req: &Request<'_>) -> String {
    let mut out = String::with_capacity(320);
    let header = |out: &mut String, verdict: &str, verb: &str| {
        out.push_str(verdict);
        out.push_str(&req.principal.arn);
        out.push_str(verb);
        out.push_str(req.action);
        if req.resource != "*" {
            out.push_str(" on ");
            out.push_str(req.resource);
        }
        out.push_str(". ");
    };
    let first_allow = |l: Layer| d.matched.iter().find(|m| m.layer == l && m.effect == Effect::Allow);
    match d.outcome {
        Outcome::ExplicitlyDenied => {
            header(&mut out, "Explicitly denied: ", " may not perform ");
            for m in d.matched.iter().filter(|m| m.effect == Effect::Deny) {
                out.push_str("The Deny in ");
                write_statement_ref(&mut out, m, d, false);
                out.push_str(" matches this request. ");
            }
            out.push_str("An explicit deny overrides every allow, in any policy.");
        }
        Outcome::ImplicitlyDenied => {
            header(&mut out, "Implicitly denied: ", " may not perform ");
            let layer = d.decided_by.first().copied().unwrap_or(Layer::Identity);
            let anonymous = matches!(req.principal.kind, PrincipalKind::Anonymous | PrincipalKind::Service);
            match layer {
                Layer::Scp | Layer::Rcp => {
                    let kind = if layer == Layer::Scp {
                        "service control policies (SCPs) apply to the caller's account"
                    } else {
                        "resource control policies (RCPs) apply to the resource's account"
                    };
                    let _ = write!(out, "No {} attached at ", layer_words(layer, d));
                    match d.level.unwrap_or(0) {
                        0 => out.push_str("the organization root"),
                        i => {
                            let _ = write!(out, "level {i} below the root (an OU or the account itself)");
                        }
                    }
                    let _ = write!(
                        out,
                        " allows it. The {kind}, and every level from the organization root down to the account must allow the action."
                    );
                }
                Layer::Resource if anonymous => out.push_str(
                    "Anonymous and service callers have no identity policies, so only a resource-based policy naming them can allow the request, and none does.",
                ),
                Layer::Resource if d.cross_account => {
                    let _ = write!(
                        out,
                        "The resource belongs to another account ({}), so its {} must allow this caller as well as the caller's own policies, and it does not.",
                        req.resource_account.unwrap_or("?"),
                        layer_words(layer, d)
                    );
                }
                Layer::Resource => {
                    let _ = write!(
                        out,
                        "The {} must itself allow this request (as for role trust policies and KMS key policies), and it does not.",
                        layer_words(layer, d)
                    );
                }
                Layer::Identity => out.push_str(
                    "No identity-based policy of the caller allows it, and nothing else granted it. AWS denies whatever is not explicitly allowed.",
                ),
                Layer::Boundary => out.push_str("The other policies allow it, but the permissions boundary does not. A boundary caps permissions: the caller gets only what both the boundary and its policies allow."),
                Layer::Session => out.push_str("The other policies allow it, but the session policy passed when this session was created does not. A session gets only what both its role and its session policy allow."),
                Layer::AwsOwned => {
                    let _ = write!(
                        out,
                        "{} belongs to AWS (an AWS managed policy, a service-linked role or a role under /aws-reserved/): customers may use it but not change it, whatever their policies allow.",
                        req.resource
                    );
                }
                Layer::Task | Layer::RootRule | Layer::NoPermission => out.push_str("No policy allows it."),
            }
        }
        Outcome::Allowed => {
            header(&mut out, "Allowed: ", " may perform ");
            for &l in &d.decided_by {
                match (l, first_allow(l)) {
                    (Layer::RootRule, _) => {
                        let _ = write!(
                            out,
                            "The caller is the root user of account {}, which has full access to its own account unless a policy explicitly denies it: identity-based policies never apply to it, while SCPs (in a member account), RCPs and an explicit Deny in a resource policy still bind it.",
                            req.principal.account
                        );
                    }
                    (Layer::NoPermission, _) => {
                        let _ = write!(
                            out,
                            "AWS allows {} to every signed caller: it needs no permission, and no policy, not even an explicit deny, can refuse it.",
                            req.action
                        );
                        // Nothing was read: "No policy denies it" would be untrue.
                        return out;
                    }
                    (Layer::Scp, _) => {
                        out.push_str("The service control policies allow it at every level of the organization.")
                    }
                    (Layer::Rcp, _) => {
                        out.push_str("The resource control policies allow it at every level of the organization.")
                    }
                    (_, Some(m)) => {
                        write_statement_ref(&mut out, m, d, true);
                        out.push_str(" allows it.");
                    }
                    (l, None) => {
                        let _ = write!(out, "The {} allows it.", layer_words(l, d));
                    }
                }
                out.push(' ');
            }
            // A Deny set aside by a root rule still exists: say which denies count.
            if d.overridden.iter().any(|(m, _)| m.effect == Effect::Deny) {
                out.push_str("No policy that applies to this caller denies it.");
            } else {
                out.push_str("No policy denies it.");
            }
        }
    }
    for (m, why) in &d.unevaluable {
        out.push_str(" Note: ");
        write_statement_ref(&mut out, m, d, false);
        let _ = write!(out, " was not applied because its {why}.");
    }
    for (i, (m, why)) in d.overridden.iter().enumerate() {
        // The same statement attached at several levels (FullAWSAccess at the root, each OU and
        // the account) is one sentence, with the count.
        let same = |(n, _): &(MatchedStatement<'_>, String)| {
            n.policy == m.policy && n.index == m.index && n.effect == m.effect && n.layer == m.layer
        };
        if d.overridden[..i].iter().any(same) {
            continue;
        }
        let times = d.overridden.iter().filter(|o| same(o)).count();
        out.push_str(" Set aside: the ");
        out.push_str(match m.effect {
            Effect::Deny => "Deny",
            Effect::Allow => "Allow",
        });
        out.push_str(" in ");
        write_statement_ref(&mut out, m, d, false);
        if times > 1 {
            let _ = write!(out, " (attached at {times} levels)");
        }
        let _ = write!(out, " matches this request but did not decide: {why}.");
    }
    for (m, ids) in &d.deleted_principals {
        out.push_str(" Note: ");
        write_statement_ref(&mut out, m, d, false);
        let _ = write!(
            out,
            " names {ids}: the unique ID that AWS wrote in place of the ARN of a deleted IAM user or role. It names that deleted principal only, never the caller, even one recreated with the same name."
        );
    }
    if !d.missing_context.is_empty() {
        out.push_str(" The request did not carry the context key(s) ");
        for (i, k) in d.missing_context.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(k);
        }
        out.push_str(", which a condition or policy variable needed.");
    }
    out
}
