//! Metamorphic properties of the policy engine: how a decision must (or must not) move when the
//! policies change, whatever the right answer for each case is.
//!
//! Over the generators of the differential test (`reference/cases.rs`):
//!
//! * adding a `Deny` statement anywhere never turns a deny into an allow;
//! * removing an `Allow` statement never turns a deny into an allow;
//! * adding an SCP level, or a Deny-only SCP, never turns a deny into an allow (SCPs are a
//!   ceiling);
//! * shuffling statements within a policy, and policies within a layer or level, never changes
//!   the outcome nor the layers of an explicit deny;
//! * a statement with an unknown condition operator never allows: it is inert for `Allow`
//!   (as if removed), and a request whose every `Allow` is unevaluable is denied;
//! * an evaluation error always denies (the fail-closed reading for `Deny` statements).
//!
//! Properties compare the engine with itself, so they need no oracle; they catch order
//! dependence, short-circuits that skip a layer, and errors that fail open.

use crate::reference::cases::{case, Case};
use crate::reference::Kind;
use proptest::prelude::*;
use proptest::sample::Index;
use rootsim_model::policy::{Decision, Outcome, PolicyKind};
use rootsim_model::strategies::{fit, stmt, Cond, Doc, Stmt, UNKNOWN_OPERATOR};

fn decide(c: &Case) -> Decision<'static> {
    c.inputs().engine()
}

fn not_allowed_before_then_not_after(before: &Case, after: &Case) -> Result<(), TestCaseError> {
    let (b, a) = (decide(before), decide(after));
    if b.outcome != Outcome::Allowed {
        prop_assert_ne!(
            a.outcome,
            Outcome::Allowed,
            "was {:?} by {:?}, became Allowed by {:?}\nbefore: {}\nafter: {}",
            b.outcome,
            b.decided_by,
            a.decided_by,
            before.to_eval_request(),
            after.to_eval_request()
        );
    }
    if b.outcome == Outcome::ExplicitlyDenied && after_only_adds_denies(before, after) {
        prop_assert_eq!(a.outcome, Outcome::ExplicitlyDenied);
    }
    Ok(())
}

/// True when `after` has every statement of `before` (so an explicit deny must survive).
fn after_only_adds_denies(before: &Case, after: &Case) -> bool {
    let count = |c: &Case| -> usize {
        let mut c = c.clone();
        c.docs_mut().iter().map(|(_, d)| d.stmts.len()).sum()
    };
    count(after) >= count(before) && before.identity.len() <= after.identity.len()
}

/// A statement that applies to nothing: replaces a removed Allow without emptying its policy
/// (an empty boundary would be a different policy, not a smaller one).
fn matches_nothing() -> Stmt {
    Stmt {
        allow: true,
        not_action: false,
        actions: vec!["none:Nothing".into()],
        not_resource: false,
        resources: vec!["*".into()],
        principals: vec!["arn:aws:iam::333333333333:root".into()],
        not_principal: false,
        conditions: vec![],
    }
}

fn unknown_condition() -> Cond {
    Cond { op: UNKNOWN_OPERATOR.into(), key: "aws:PrincipalTag/team".into(), values: vec!["dev".into()] }
}

/// Fisher–Yates with a small xorshift generator seeded by proptest (so failures shrink).
fn shuffle<T>(v: &mut [T], seed: &mut u64) {
    for i in (1..v.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let j = (*seed % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

/// (kind, index in docs_mut order, statement index) of every statement with the given effect.
fn statements_with(c: &mut Case, allow: bool) -> Vec<(usize, usize)> {
    c.docs_mut()
        .iter()
        .enumerate()
        .flat_map(|(d, (_, doc))| {
            doc.stmts.iter().enumerate().filter(|(_, s)| s.allow == allow).map(move |(i, _)| (d, i))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// An explicit deny overrides any allow: adding a Deny can only take permissions away.
    #[test]
    fn adding_a_deny_never_allows(c in case(), deny in stmt(PolicyKind::Identity), at in any::<Index>(), pos in any::<Index>()) {
        let mut after = c.clone();
        let deny = Stmt { allow: false, ..deny };
        let mut docs = after.docs_mut();
        // One slot more than there are documents: a new identity policy holding only the Deny.
        let slot = at.index(docs.len() + 1);
        if slot == docs.len() {
            drop(docs);
            after.identity.push(Doc { stmts: vec![deny], ..Doc::default() });
        } else {
            let (kind, doc) = &mut docs[slot];
            let s = fit(deny, *kind);
            let p = pos.index(doc.stmts.len() + 1);
            doc.stmts.insert(p, s);
        }
        not_allowed_before_then_not_after(&c, &after)?;
    }

    /// Removing an Allow statement can only take permissions away.
    #[test]
    fn removing_an_allow_never_allows(c in case(), which in any::<Index>()) {
        let mut after = c.clone();
        let allows = statements_with(&mut after, true);
        prop_assume!(!allows.is_empty());
        let (d, i) = allows[which.index(allows.len())];
        after.docs_mut()[d].1.stmts[i] = matches_nothing();
        not_allowed_before_then_not_after(&c, &after)?;
    }

    /// SCPs are a ceiling: an extra level, or a Deny-only SCP at any level, never allows more.
    #[test]
    fn adding_an_scp_never_allows(
        c in case(),
        new_level in prop::collection::vec(rootsim_model::strategies::doc(PolicyKind::Scp), 0..=2),
        deny_only in rootsim_model::strategies::doc(PolicyKind::Scp),
        at in any::<Index>(),
        as_level in any::<bool>(),
    ) {
        let mut after = c.clone();
        let levels = after.scps.get_or_insert_with(Vec::new);
        if as_level || levels.is_empty() {
            let p = at.index(levels.len() + 1);
            levels.insert(p, new_level);
        } else {
            let mut doc = deny_only;
            for s in &mut doc.stmts {
                s.allow = false;
            }
            let l = at.index(levels.len());
            levels[l].push(doc);
        }
        not_allowed_before_then_not_after(&c, &after)?;
    }

    /// Statement order and policy order carry no meaning in IAM.
    #[test]
    fn order_never_matters(c in case(), seed in 1u64..) {
        let mut after = c.clone();
        let mut seed = seed;
        for (_, doc) in after.docs_mut() {
            shuffle(&mut doc.stmts, &mut seed);
        }
        shuffle(&mut after.identity, &mut seed);
        for levels in [&mut after.scps, &mut after.rcps].into_iter().flatten() {
            for level in levels.iter_mut() {
                shuffle(level, &mut seed);
            }
        }
        let (b, a) = (decide(&c), decide(&after));
        prop_assert_eq!(b.outcome, a.outcome, "shuffled\n{}\n{}", c.to_eval_request(), after.to_eval_request());
        if b.outcome == Outcome::ExplicitlyDenied {
            let mut x = b.decided_by.to_vec();
            let mut y = a.decided_by.to_vec();
            x.sort_by_key(|l| l.as_str());
            y.sort_by_key(|l| l.as_str());
            prop_assert_eq!(x, y);
        }
    }

    /// An Allow with an unknown operator is inert: the decision is the one without it, and it
    /// is reported as unevaluable when it otherwise applies.
    #[test]
    fn an_unknown_operator_never_allows(c in case(), which in any::<Index>()) {
        let mut damaged = c.clone();
        let mut removed = c.clone();
        let allows = statements_with(&mut damaged, true);
        prop_assume!(!allows.is_empty());
        let (d, i) = allows[which.index(allows.len())];
        damaged.docs_mut()[d].1.stmts[i].conditions.push(unknown_condition());
        removed.docs_mut()[d].1.stmts[i] = matches_nothing();
        let (x, y) = (decide(&damaged), decide(&removed));
        prop_assert_eq!(x.outcome, y.outcome, "\n{}", damaged.to_eval_request());
        not_allowed_before_then_not_after(&c, &damaged)?;
    }

    /// Every Allow unevaluable: nothing grants, so only the root user's own access remains.
    #[test]
    fn only_unevaluable_allows_deny(c in case()) {
        let mut damaged = c.clone();
        for (_, doc) in damaged.docs_mut() {
            for s in doc.stmts.iter_mut().filter(|s| s.allow) {
                s.conditions.push(unknown_condition());
            }
        }
        let d = decide(&damaged);
        let root_at_home = c.caller_kind == Kind::Root && c.caller_account == c.resource_account;
        // SCP/RCP levels allow nothing now, so a governed root is denied too.
        if !root_at_home || c.scps.is_some() || c.rcps.is_some() {
            prop_assert_ne!(d.outcome, Outcome::Allowed, "\n{}", damaged.to_eval_request());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Fail-closed reading of "an evaluation error always denies": a Deny whose condition
    /// cannot be evaluated must not let through what it would deny were its condition true.
    /// The engine takes an unevaluable Deny to apply (model/src/policy/mod.rs).
    #[test]
    fn an_unevaluable_deny_still_denies(c in case(), which in any::<Index>()) {
        let mut damaged = c.clone();
        let mut unconditional = c.clone();
        let denies = statements_with(&mut damaged, false);
        prop_assume!(!denies.is_empty());
        let (d, i) = denies[which.index(denies.len())];
        damaged.docs_mut()[d].1.stmts[i].conditions = vec![unknown_condition()];
        unconditional.docs_mut()[d].1.stmts[i].conditions.clear();
        // Without the condition the Deny applies; with an error in its place it must still.
        if decide(&unconditional).outcome == Outcome::ExplicitlyDenied {
            prop_assert_ne!(decide(&damaged).outcome, Outcome::Allowed, "\n{}", damaged.to_eval_request());
        }
    }
}
