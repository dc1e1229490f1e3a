//! An independent reference evaluator for IAM decisions, written for clarity, not speed.
//!
//! It is the second opinion in the differential test (`tests/differential.rs`) and the oracle of
//! nothing else: it was written from AWS's documented algorithm (`aws-facts.md` §5.2–5.6, and the
//! IAM User Guide pages `reference_policies_evaluation-logic_policy-eval-denyallow.html` and
//! `reference_policies_evaluation-logic-cross-account.html`) without reading the engine's
//! evaluator. It shares only the engine's *parser*: the test hands it each document as the JSON
//! that `Policy::to_json()` returns, and it interprets that JSON itself.
//!
//! Scope (the space the differential generators produce, nothing more):
//!
//! * principals: an IAM user, a role session, or an account's root user;
//! * `Effect`, `Action`/`NotAction` (globs, case-insensitive), `Resource`/`NotResource` (globs
//!   matched segment by segment over the six colon-separated parts of an ARN, case-sensitive);
//! * `Principal` in resource policies: `"*"`, `{"AWS": "*"}`, an account (`ID` or its root ARN),
//!   a user ARN, a role ARN, a role-session ARN;
//! * conditions: the String, Bool, Numeric and Arn families named in [`BASE_OPERATORS`], their
//!   `...IfExists` forms, and `Null`, over single-valued keys; keys are looked up ignoring case,
//!   and the principal-derived keys (`aws:PrincipalArn`, `aws:PrincipalAccount`,
//!   `aws:PrincipalType`, `aws:username`, `aws:ResourceAccount`) are added when absent;
//! * layers: SCP levels, RCP levels, the resource policy, identity policies, the permissions
//!   boundary, session policies; the root-user rule; cross-account requests.
//!
//! Out of scope: policy variables, set operators, multi-valued keys, `NotPrincipal`, anonymous
//! and service principals, trust/KMS policies that must allow, the AssumeRoot task policy.
//!
//! One choice is not AWS's (AWS rejects such documents at write time): a statement whose
//! condition uses an unknown operator is *unevaluable*; it never allows, and an unevaluable `Deny`
//! is taken to apply (fail closed, as the engine documents in `model/src/policy/mod.rs`).

// Both test binaries include this module and each uses a different part of it.
#![allow(dead_code)]

pub mod cases;

use rootsim_model::policy::{Layer, Outcome};
use serde_json::Value;

/// Condition operators the reference understands (without the `IfExists` suffix).
pub const BASE_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "Bool",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// What kind of caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An IAM user.
    User,
    /// A role session.
    RoleSession,
    /// The account's root user.
    Root,
}

/// The caller, as the reference sees it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// What kind of caller.
    pub kind: Kind,
    /// The ARN of the caller itself: user ARN, role-session ARN, root ARN.
    pub arn: String,
    /// The role ARN for a role session; otherwise the same as `arn`.
    pub principal_arn: String,
    /// The 12-digit account.
    pub account: String,
    /// The user name, for IAM users.
    pub user_name: Option<String>,
}

/// One request.
#[derive(Debug, Clone)]
pub struct Req {
    /// Who calls.
    pub caller: Caller,
    /// `service:Action`, any case.
    pub action: String,
    /// The resource ARN.
    pub resource: String,
    /// The account that owns the resource.
    pub resource_account: String,
    /// Context keys given by the request (single-valued).
    pub context: Vec<(String, String)>,
}

/// Every policy document that applies, as JSON.
#[derive(Debug, Clone, Default)]
pub struct Docs {
    /// SCPs of the caller's account, one list per level; `None`: not governed by SCPs.
    pub scps: Option<Vec<Vec<Value>>>,
    /// RCPs of the resource's account, one list per level; `None`: not governed by RCPs.
    pub rcps: Option<Vec<Vec<Value>>>,
    /// The resource-based policy.
    pub resource: Option<Value>,
    /// Identity policies.
    pub identity: Vec<Value>,
    /// The permissions boundary.
    pub boundary: Option<Value>,
    /// Session policies (role sessions only).
    pub session: Vec<Value>,
}

/// The reference's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The outcome.
    pub outcome: Outcome,
    /// Explicit deny: every layer with an applicable `Deny`. Implicit deny: every layer that
    /// could be blamed (the first missing `Allow` on each way the request could have been
    /// allowed). Allowed: empty.
    pub layers: Vec<Layer>,
    /// Implicit deny by SCPs or RCPs: the first level that allowed nothing.
    pub level: Option<usize>,
}

impl Verdict {
    /// The verdict as JSON, for saved disagreement cases.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "decision": self.outcome,
            "layers": self.layers.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
            "level": self.level,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Matching primitives.

/// `*` matches any run of characters (including none), `?` exactly one. Plain recursion over
/// characters: obviously correct, and the strings here are short.
pub fn glob(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => (0..=text.len()).any(|skip| glob(rest, &text[skip..])),
        Some(('?', rest)) => !text.is_empty() && glob(rest, &text[1..]),
        Some((c, rest)) => text.first() == Some(c) && glob(rest, &text[1..]),
    }
}

fn glob_str(pattern: &str, text: &str) -> bool {
    glob(&pattern.chars().collect::<Vec<_>>(), &text.chars().collect::<Vec<_>>())
}

/// Action patterns: the whole `service:Action` string, ignoring case (aws-facts §5.5).
fn action_matches(pattern: &str, action: &str) -> bool {
    glob_str(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

/// ARN patterns: `*` alone matches everything; otherwise the six colon-separated parts are
/// matched one by one, case-sensitively (aws-facts §5.5 `Resource`, §5.6 ARN operators).
fn arn_matches(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    p.len() == 6 && a.len() == 6 && p.iter().zip(&a).all(|(p, a)| glob_str(p, a))
}

/// A JSON scalar or list as a list of strings (`"a"` and `["a"]` mean the same).
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::String(s) => vec![s.clone()],
        Value::Null => vec![],
        other => vec![other.to_string()],
    }
}

/// A JSON key looked up ignoring case (the policy grammar's element names are case-sensitive,
/// but the engine's parser has already checked them, so either reading is fine here).
fn field<'a>(obj: &'a Value, name: &str) -> Option<&'a Value> {
    obj.as_object()?.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
}

// ---------------------------------------------------------------------------------------------
// Statements.

/// How a statement relates to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applies {
    Yes,
    No,
    /// Its condition cannot be evaluated (unknown operator).
    Unevaluable,
}

/// How a resource policy's `Principal` names the caller; ordered from weakest to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Grant {
    /// The caller's account (`ID` or `arn:aws:iam::ID:root`): delegation to the account, whose
    /// own policies must still allow.
    Account,
    /// The role of a role session: limited by the boundary and session policies.
    Role,
    /// The user, the session itself, or everyone (`*`): a direct grant.
    Direct,
}

fn statements(doc: &Value) -> Vec<&Value> {
    match field(doc, "Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => vec![],
    }
}

fn is_allow(stmt: &Value) -> bool {
    field(stmt, "Effect").and_then(Value::as_str) == Some("Allow")
}

/// `Action`/`NotAction` and `Resource`/`NotResource`.
fn scope_matches(stmt: &Value, req: &Req) -> bool {
    let action = if let Some(v) = field(stmt, "Action") {
        strings(v).iter().any(|p| action_matches(p, &req.action))
    } else if let Some(v) = field(stmt, "NotAction") {
        !strings(v).iter().any(|p| action_matches(p, &req.action))
    } else {
        false
    };
    let resource = if let Some(v) = field(stmt, "Resource") {
        strings(v).iter().any(|p| arn_matches(p, &req.resource))
    } else if let Some(v) = field(stmt, "NotResource") {
        !strings(v).iter().any(|p| arn_matches(p, &req.resource))
    } else {
        // Trust policies may omit Resource; nothing generated here does.
        true
    };
    action && resource
}

/// The strongest way the statement's `Principal` names the caller, if it does.
fn principal_grant(stmt: &Value, caller: &Caller) -> Option<Grant> {
    let entries = match field(stmt, "Principal")? {
        Value::String(s) if s == "*" => return Some(Grant::Direct),
        Value::Object(map) => map.iter().filter(|(k, _)| k.as_str() == "AWS").flat_map(|(_, v)| strings(v)),
        _ => return None,
    };
    let root_arn = format!("arn:aws:iam::{}:root", caller.account);
    let mut best: Option<Grant> = None;
    for entry in entries.collect::<Vec<_>>() {
        let grant = if entry == "*" {
            Some(Grant::Direct)
        } else if entry == caller.account || entry == root_arn {
            Some(Grant::Account)
        } else if caller.kind == Kind::RoleSession && entry == caller.principal_arn {
            Some(Grant::Role)
        } else if caller.kind != Kind::Root && entry == caller.arn {
            // The user's ARN, or the session's own ARN.
            Some(Grant::Direct)
        } else {
            None
        };
        best = best.max(grant);
    }
    best
}

/// The request's context with the keys that follow from the principal and the resource
/// (values given by the request win), as lower-cased names.
fn full_context(req: &Req) -> Vec<(String, String)> {
    let mut ctx: Vec<(String, String)> = req.context.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect();
    let c = &req.caller;
    let principal_type = match c.kind {
        Kind::User => "User",
        Kind::RoleSession => "AssumedRole",
        Kind::Root => "Account",
    };
    let mut derived = vec![
        ("aws:principalarn", c.principal_arn.clone()),
        ("aws:principalaccount", c.account.clone()),
        ("aws:principaltype", principal_type.to_string()),
        ("aws:resourceaccount", req.resource_account.clone()),
    ];
    if let Some(name) = &c.user_name {
        derived.push(("aws:username", name.clone()));
    }
    for (k, v) in derived {
        if !ctx.iter().any(|(have, _)| have == k) {
            ctx.push((k.to_string(), v));
        }
    }
    ctx
}

/// One operator over one key, against the (possibly absent) context value.
/// `None`: the operator is unknown.
fn condition_holds(op: &str, policy_values: &[String], value: Option<&str>) -> Option<bool> {
    let (base, if_exists) = match op.strip_suffix("IfExists") {
        Some(base) if base != "Null" => (base, true),
        _ => (op, false),
    };
    if !BASE_OPERATORS.contains(&base) {
        return None;
    }
    if base == "Null" {
        // "true": the key must be absent; "false": present. Several values are ORed.
        return Some(policy_values.iter().any(|p| match p.to_ascii_lowercase().as_str() {
            "true" => value.is_none(),
            "false" => value.is_some(),
            _ => false,
        }));
    }
    let negated = base.contains("Not");
    let Some(value) = value else {
        // Missing key: IfExists and negated operators hold; positive ones do not (§5.6).
        return Some(if_exists || negated);
    };
    let num = |s: &str| s.trim().parse::<f64>().ok();
    let one = |p: &str| -> bool {
        match base.replace("Not", "").as_str() {
            "StringEquals" => p == value,
            "StringEqualsIgnoreCase" => p.eq_ignore_ascii_case(value),
            "StringLike" => glob_str(p, value),
            "Bool" => p.eq_ignore_ascii_case(value),
            "ArnEquals" | "ArnLike" => arn_matches(p, value),
            // Numbers that do not read as numbers never compare.
            numeric => match (num(p), num(value)) {
                (Some(p), Some(v)) => match numeric {
                    "NumericEquals" => v == p,
                    "NumericLessThan" => v < p,
                    "NumericLessThanEquals" => v <= p,
                    "NumericGreaterThan" => v > p,
                    "NumericGreaterThanEquals" => v >= p,
                    _ => false,
                },
                _ => false,
            },
        }
    };
    let any = policy_values.iter().any(|p| one(p));
    // Positive: any value matches (OR). Negated: none matches (NOR).
    Some(if negated { !any } else { any })
}

fn conditions_hold(stmt: &Value, req: &Req) -> Applies {
    let Some(Value::Object(block)) = field(stmt, "Condition") else { return Applies::Yes };
    let ctx = full_context(req);
    let mut result = Applies::Yes;
    for (op, keys) in block {
        let Value::Object(keys) = keys else { return Applies::Unevaluable };
        for (key, values) in keys {
            let key = key.to_ascii_lowercase();
            let value = ctx.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str());
            match condition_holds(op, &strings(values), value) {
                // Unknown operator: the whole statement is unevaluable, whatever else holds.
                None => return Applies::Unevaluable,
                Some(false) => result = Applies::No,
                Some(true) => {}
            }
        }
    }
    result
}

/// Does the statement apply to the request? For resource policies, also how its `Principal`
/// names the caller (statements of other policy types have no `Principal`).
fn applies(stmt: &Value, req: &Req, resource_policy: bool) -> (Applies, Option<Grant>) {
    let grant = if resource_policy {
        match principal_grant(stmt, &req.caller) {
            Some(g) => Some(g),
            None => return (Applies::No, None),
        }
    } else {
        None
    };
    if !scope_matches(stmt, req) {
        return (Applies::No, grant);
    }
    (conditions_hold(stmt, req), grant)
}

fn has_deny(doc: &Value, req: &Req, resource_policy: bool) -> bool {
    // Fail closed: a Deny whose condition cannot be evaluated is taken to apply, so that an
    // evaluation error can only deny (issue 3: any error inside evaluation yields a deny).
    statements(doc)
        .into_iter()
        .any(|s| !is_allow(s) && matches!(applies(s, req, resource_policy).0, Applies::Yes | Applies::Unevaluable))
}

fn has_allow(doc: &Value, req: &Req) -> bool {
    statements(doc).into_iter().any(|s| is_allow(s) && applies(s, req, false).0 == Applies::Yes)
}

/// The strongest grant of the resource policy's applicable `Allow` statements.
fn resource_grant(doc: &Value, req: &Req) -> Option<Grant> {
    statements(doc)
        .into_iter()
        .filter(|s| is_allow(s))
        .filter_map(|s| match applies(s, req, true) {
            (Applies::Yes, g) => g,
            _ => None,
        })
        .max()
}

/// The first level (root, OUs, account) with no applicable `Allow`.
fn first_level_without_allow(levels: &[Vec<Value>], req: &Req) -> Option<usize> {
    levels.iter().position(|level| !level.iter().any(|doc| has_allow(doc, req)))
}

/// The bucket owner's root may always read, write and delete its bucket policy, even when the
/// bucket policy denies it (aws-facts §5.4); only SCPs, RCPs and VPC endpoint policies bind.
fn bucket_policy_exemption(req: &Req) -> bool {
    let a = req.action.to_ascii_lowercase();
    req.caller.kind == Kind::Root
        && req.resource_account == req.caller.account
        && ["s3:getbucketpolicy", "s3:putbucketpolicy", "s3:deletebucketpolicy"].contains(&a.as_str())
}

// ---------------------------------------------------------------------------------------------
// The decision.

/// Decides `req` against `docs`, in the order of the denyallow page: explicit deny anywhere,
/// RCPs, SCPs, the resource-based policy, identity policies, the boundary, session policies.
pub fn evaluate(req: &Req, docs: &Docs) -> Verdict {
    let root = req.caller.kind == Kind::Root;
    let cross_account = req.resource_account != req.caller.account;
    // Identity, boundary and session policies are never attached to root (§5.4).
    let identity: &[Value] = if root { &[] } else { &docs.identity };
    let boundary = if root { None } else { docs.boundary.as_ref() };
    let session: &[Value] = if req.caller.kind == Kind::RoleSession { &docs.session } else { &[] };

    // 1. Explicit deny in any applicable policy.
    let mut denied_by = Vec::new();
    let level_denies =
        |levels: &Option<Vec<Vec<Value>>>| levels.iter().flatten().flatten().any(|doc| has_deny(doc, req, false));
    if level_denies(&docs.scps) {
        denied_by.push(Layer::Scp);
    }
    if level_denies(&docs.rcps) {
        denied_by.push(Layer::Rcp);
    }
    if let Some(doc) = &docs.resource {
        if has_deny(doc, req, true) && !bucket_policy_exemption(req) {
            denied_by.push(Layer::Resource);
        }
    }
    if identity.iter().any(|d| has_deny(d, req, false)) {
        denied_by.push(Layer::Identity);
    }
    if boundary.is_some_and(|d| has_deny(d, req, false)) {
        denied_by.push(Layer::Boundary);
    }
    if session.iter().any(|d| has_deny(d, req, false)) {
        denied_by.push(Layer::Session);
    }
    if !denied_by.is_empty() {
        return Verdict { outcome: Outcome::ExplicitlyDenied, layers: denied_by, level: None };
    }

    let implicit = |layers: Vec<Layer>, level| Verdict { outcome: Outcome::ImplicitlyDenied, layers, level };

    // 2. RCPs, then 3. SCPs: every level must allow.
    if let Some(level) = docs.rcps.as_deref().and_then(|l| first_level_without_allow(l, req)) {
        return implicit(vec![Layer::Rcp], Some(level));
    }
    if let Some(level) = docs.scps.as_deref().and_then(|l| first_level_without_allow(l, req)) {
        return implicit(vec![Layer::Scp], Some(level));
    }

    let grant = docs.resource.as_ref().and_then(|d| resource_grant(d, req));
    let identity_allows = identity.iter().any(|d| has_allow(d, req));
    let boundary_allows = boundary.is_none_or(|d| has_allow(d, req));
    let session_allows = session.is_empty() || session.iter().any(|d| has_allow(d, req));

    // The first layer lacking an Allow on the caller's own side: identity, boundary, session.
    let caller_side = |with_identity: bool| -> Option<Layer> {
        if root {
            None // the root user has full access in its own account
        } else if with_identity && !identity_allows {
            Some(Layer::Identity)
        } else if !boundary_allows {
            Some(Layer::Boundary)
        } else if !session_allows {
            Some(Layer::Session)
        } else {
            None
        }
    };

    if cross_account {
        // Two evaluations, both must allow (cross-account page): the trusting account needs
        // its resource policy to name the caller, its role or its account; the trusted account
        // needs identity + boundary + session (SCPs were checked above).
        let mut lacking = Vec::new();
        if grant.is_none() {
            lacking.push(Layer::Resource);
        }
        lacking.extend(caller_side(true));
        return if lacking.is_empty() { allowed() } else { implicit(lacking, None) };
    }

    // Same account. 4. A resource policy granting the user or the session directly (or
    // everyone) allows whatever identity, boundary and session say; granting the role is still
    // limited by the boundary and session policies; granting the account changes nothing.
    let mut lacking = Vec::new();
    match grant {
        Some(Grant::Direct) => return allowed(),
        Some(Grant::Role) => match caller_side(false) {
            None => return allowed(),
            Some(layer) => lacking.push(layer),
        },
        Some(Grant::Account) | None => {}
    }
    // 5.–7. Identity policies, boundary, session policies.
    match caller_side(true) {
        None => allowed(),
        Some(layer) => {
            if !lacking.contains(&layer) {
                lacking.push(layer);
            }
            implicit(lacking, None)
        }
    }
}

fn allowed() -> Verdict {
    Verdict { outcome: Outcome::Allowed, layers: vec![], level: None }
}

#[cfg(test)]
mod self_tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_str("s3:Get*", "s3:GetObject"));
        assert!(glob_str("a?c", "abc"));
        assert!(!glob_str("a?c", "ac"));
        assert!(arn_matches("arn:aws:s3:::bucket-a*", "arn:aws:s3:::bucket-a/key.txt"));
        assert!(!arn_matches("arn:aws:s3:::Bucket-a/*", "arn:aws:s3:::bucket-a/key.txt"));
        assert!(action_matches("S3:getobject", "s3:GetObject"));
    }
}
