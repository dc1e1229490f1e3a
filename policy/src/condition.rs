//! Condition evaluation and policy-variable resolution.
//!
//! This module owns the meaning of a `Condition` block against a request
//! context (IAM User Guide, "Condition operators" and "Multiple context keys
//! or values"):
//!
//! * operators are ANDed, keys under one operator are ANDed, values of one
//!   key are ORed, negated operators NOR their values;
//! * a missing key makes a positive operator false and a negated one true;
//!   `...IfExists` is true when the key is missing; `Null` tests presence;
//! * `ForAllValues:` is true when every context value matches some policy
//!   value (vacuously true for a missing or empty key); `ForAnyValue:` when
//!   at least one does (false when missing);
//! * key names compare case-insensitively;
//! * `${...}` policy variables resolve from the same context, with a few keys
//!   derived from the principal when the caller did not supply them.
//!
//! Everything here works on borrowed data: no allocation happens unless a
//! key is missing (the decision then records its name).

use super::document::BaseOp;
use super::document::{CondValues, Condition, Operator, Resolvable, SetOp, VarRef};
use super::parse::parse_date;
use super::pattern::{unicode_lower, ArnPattern};
use super::{PrincipalKind, Request};

/// The values of a context key, borrowed.
#[derive(Debug, Clone, Copy)]
pub enum Vals<'a> {
    /// One value.
    One(&'a str),
    /// Several values (possibly none).
    Many(&'a [String]),
}

impl<'a> Vals<'a> {
    fn len(self) -> usize {
        match self {
            Vals::One(_) => 1,
            Vals::Many(v) => v.len(),
        }
    }

    fn get(self, i: usize) -> &'a str {
        match self {
            Vals::One(s) => s,
            Vals::Many(v) => &v[i],
        }
    }

    fn iter(self) -> impl Iterator<Item = &'a str> {
        (0..self.len()).map(move |i| self.get(i))
    }
}

/// Looks a key up in the request context, falling back to values derived
/// from the principal and request. `fingerprint` is `key`'s [`super::key_fingerprint`].
pub fn lookup<'a>(req: &Request<'a>, key: &str, fingerprint: u64) -> Option<Vals<'a>> {
    if let Some(v) = req.context.get_fingerprinted(key, fingerprint) {
        return Some(match v {
            super::ContextValue::Single(s) => Vals::One(s),
            super::ContextValue::Multi(m) => Vals::Many(m),
        });
    }
    let p = req.principal;
    let is = |name: &str| key.eq_ignore_ascii_case(name);
    let nonempty = |s: &'a str| (!s.is_empty()).then_some(Vals::One(s));
    let signed = !matches!(p.kind, PrincipalKind::Anonymous | PrincipalKind::Service);
    if is("aws:PrincipalArn") {
        signed.then(|| nonempty(&p.principal_arn)).flatten()
    } else if is("aws:PrincipalAccount") {
        signed.then(|| nonempty(&p.account)).flatten()
    } else if is("aws:PrincipalType") {
        match p.kind {
            PrincipalKind::Root => Some(Vals::One("Account")),
            PrincipalKind::User => Some(Vals::One("User")),
            PrincipalKind::AssumedRole => Some(Vals::One("AssumedRole")),
            PrincipalKind::FederatedUser => Some(Vals::One("FederatedUser")),
            PrincipalKind::Anonymous => Some(Vals::One("Anonymous")),
            PrincipalKind::Service => None,
        }
    } else if is("aws:ResourceAccount") {
        match req.resource_account {
            Some(a) => nonempty(a),
            None if signed => nonempty(&p.account),
            None => None,
        }
    } else if is("aws:username") {
        (p.kind == PrincipalKind::User).then(|| p.arn.rsplit('/').next()).flatten().and_then(nonempty)
    } else if is("aws:userid") {
        match p.kind {
            PrincipalKind::Root => nonempty(&p.account),
            PrincipalKind::Anonymous => Some(Vals::One("anonymous")),
            _ => None,
        }
    } else if is("aws:PrincipalIsAWSService") {
        Some(Vals::One(if p.kind == PrincipalKind::Service { "true" } else { "false" }))
    } else {
        None
    }
}

/// How many variables we resolve without allocating.
const INLINE_VARS: usize = 8;

/// Resolves a pattern's variables and calls `f` with them. Returns `None`
/// (after recording the missing keys) when a variable has no value and no
/// default: such a pattern matches nothing.
pub fn with_vars<'x, P, R>(
    req: &Request<'x>,
    r: &'x Resolvable<P>,
    missing: &mut Vec<String>,
    f: impl FnOnce(&P, &[&str]) -> R,
) -> Option<R> {
    if r.vars.is_empty() {
        return Some(f(&r.pattern, &[]));
    }
    let resolve = |v: &'x VarRef| -> Option<&'x str> {
        match lookup(req, &v.key, v.fingerprint) {
            // Multi-valued keys cannot be used as variables.
            Some(Vals::One(s)) => Some(s),
            _ => v.default.as_deref(),
        }
    };
    let mut ok = true;
    let mut record = |v: &VarRef| {
        ok = false;
        note_missing(missing, &v.key);
    };
    if r.vars.len() <= INLINE_VARS {
        let mut buf = [""; INLINE_VARS];
        for (slot, v) in buf.iter_mut().zip(r.vars.iter()) {
            match resolve(v) {
                Some(s) => *slot = s,
                None => record(v),
            }
        }
        ok.then(|| f(&r.pattern, &buf[..r.vars.len()]))
    } else {
        let mut buf = Vec::with_capacity(r.vars.len());
        for v in r.vars.iter() {
            match resolve(v) {
                Some(s) => buf.push(s),
                None => {
                    record(v);
                    buf.push("");
                }
            }
        }
        ok.then(|| f(&r.pattern, &buf))
    }
}

/// Adds `key` to the missing-context list once.
pub fn note_missing(missing: &mut Vec<String>, key: &str) {
    if !missing.iter().any(|k| k.eq_ignore_ascii_case(key)) {
        missing.push(key.to_string());
    }
}

/// The result of evaluating a statement's conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CondResult {
    /// Every condition holds.
    True,
    /// Some condition does not hold: the index of the first that does not.
    False(usize),
    /// A condition cannot be evaluated (unknown operator, bad value).
    Unevaluable(String),
}

/// Evaluates all conditions of a statement (ANDed).
///
/// An unevaluable condition (unknown operator, unreadable value) is reported
/// even when another condition of the statement is false, so that the
/// trainee always hears about it; otherwise the first false condition ends
/// the evaluation.
pub fn evaluate_all(conds: &[Condition], req: &Request<'_>, missing: &mut Vec<String>) -> CondResult {
    // Unevaluable conditions are checked first so that the trainee hears
    // about them even when another condition happens to be false.
    if let Some(c) = conds.iter().find(|c| {
        matches!(c.values, CondValues::Invalid(_))
            || c.operator == Operator::Unknown
            || unreadable_date(c, req).is_some()
    }) {
        let why = match (&c.values, unreadable_date(c, req)) {
            (CondValues::Invalid(w), _) => w.clone(),
            (_, Some(v)) => format!("the request's value \"{v}\" is not a date"),
            _ => format!("\"{}\" is not a condition operator IAM knows", c.operator_name),
        };
        return CondResult::Unevaluable(format!("condition {} on {}: {why}", c.operator_name, c.key));
    }
    for (i, c) in conds.iter().enumerate() {
        if !evaluate_one(c, req, missing) {
            return CondResult::False(i);
        }
    }
    CondResult::True
}

/// For a date operator, the first request value of its key that is not a date (such as
/// `2024-02-30`): the condition cannot be evaluated, so an Allow never matches and a Deny applies.
#[inline]
fn unreadable_date<'a>(c: &Condition, req: &Request<'a>) -> Option<&'a str> {
    if !matches!(c.values, CondValues::Dates(_)) {
        return None;
    }
    lookup(req, &c.key, c.fingerprint)?.iter().find(|v| parse_date(v).is_none())
}

/// Evaluates one (operator, key, values) entry. Unknown operators and
/// invalid values are handled by [`evaluate_all`] and count as false here.
pub fn evaluate_one(c: &Condition, req: &Request<'_>, missing: &mut Vec<String>) -> bool {
    let Operator::Known { set, base, if_exists } = c.operator else {
        return false;
    };
    let found = lookup(req, &c.key, c.fingerprint).filter(|v| v.len() > 0);
    if let CondValues::Null(wants) = &c.values {
        // `Null: true` holds when the key is absent.
        let absent = found.is_none();
        return wants.contains(&absent);
    }
    let negated = base.is_negated();
    let Some(vals) = found else {
        // Missing key.
        return if if_exists || set == SetOp::ForAll {
            true
        } else if set == SetOp::ForAny {
            note_missing(missing, &c.key);
            false
        } else if negated {
            true
        } else {
            note_missing(missing, &c.key);
            false
        };
    };
    let positive = base.positive();
    // Does one context value match any policy value (positive sense)?
    let mut hit = |v: &str| matches_any(positive, &c.values, v, req, missing);
    match set {
        // Without a set operator a multi-valued key matches when any value
        // does; the negated form requires that none does.
        SetOp::Single => {
            let any = vals.iter().any(&mut hit);
            any != negated
        }
        SetOp::ForAll => vals.iter().all(|v| hit(v) != negated),
        SetOp::ForAny => vals.iter().any(|v| hit(v) != negated),
    }
}

/// True when context value `v` matches at least one policy value under the
/// positive operator `op`.
fn matches_any(op: BaseOp, values: &CondValues, v: &str, req: &Request<'_>, missing: &mut Vec<String>) -> bool {
    match values {
        // `StringEqualsIgnoreCase`: the policy's text was folded when compiled; a non-ASCII
        // request value (or variable value) is folded here, with the same Unicode rules.
        CondValues::Strings(globs) if op == BaseOp::StringEqualsIgnoreCase => {
            let v = unicode_lower(v);
            globs.iter().any(|g| {
                with_vars(req, g, missing, |p, vars| {
                    if vars.iter().all(|x| x.is_ascii()) {
                        p.matches(&v, vars)
                    } else {
                        let folded: Vec<String> = vars.iter().map(|x| unicode_lower(x).into_owned()).collect();
                        let folded: Vec<&str> = folded.iter().map(String::as_str).collect();
                        p.matches(&v, &folded)
                    }
                })
                .unwrap_or(false)
            })
        }
        CondValues::Strings(globs) | CondValues::Bools(globs) => {
            globs.iter().any(|g| with_vars(req, g, missing, |p, vars| p.matches(v, vars)).unwrap_or(false))
        }
        CondValues::Arns(arns) => {
            arns.iter().any(|a| with_vars(req, a, missing, |p: &ArnPattern, vars| p.matches(v, vars)).unwrap_or(false))
        }
        CondValues::Numbers(ns) => {
            let Ok(x) = v.trim().parse::<f64>() else {
                return false;
            };
            ns.iter().any(|&n| compare(op, x, n))
        }
        CondValues::Dates(ds) => {
            let Some(x) = parse_date(v) else { return false };
            ds.iter().any(|&d| compare(op, x, d))
        }
        CondValues::Binary(bs) => bs.iter().any(|b| b == v),
        // The request's address is read once, not once per network.
        CondValues::Cidrs(cs) => {
            super::document::ip_address(v).is_some_and(|a| cs.iter().any(|c| c.contains_address(a)))
        }
        CondValues::Null(_) | CondValues::Invalid(_) => false,
    }
}

/// `context <op> policy` for numeric and date operators.
fn compare(op: BaseOp, ctx: f64, pol: f64) -> bool {
    match op {
        BaseOp::NumericEquals | BaseOp::DateEquals => ctx == pol,
        BaseOp::NumericLessThan | BaseOp::DateLessThan => ctx < pol,
        BaseOp::NumericLessThanEquals | BaseOp::DateLessThanEquals => ctx <= pol,
        BaseOp::NumericGreaterThan | BaseOp::DateGreaterThan => ctx > pol,
        BaseOp::NumericGreaterThanEquals | BaseOp::DateGreaterThanEquals => ctx >= pol,
        _ => false,
    }
}
