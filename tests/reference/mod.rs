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
//! * principals: an IAM user, a role session, a federated-user session, an account's root user,
//!   a service principal (`lambda.amazonaws.com`) or an anonymous caller;
//! * `Effect`, `Action`/`NotAction` (globs, case-insensitive), `Resource`/`NotResource` (globs
//!   matched segment by segment over the six colon-separated parts of an ARN, case-sensitive);
//! * `Principal` in resource policies: `"*"`, `{"AWS": "*"}`, an account (`ID` or its root ARN),
//!   a user ARN, a role ARN, a role-session ARN, a federated-user ARN, `{"Service": ...}`; and
//!   `NotPrincipal` in `Deny` statements (reference_policies_elements_notprincipal.html);
//! * conditions: the String, Bool, Numeric and Arn families named in [`BASE_OPERATORS`], their
//!   `...IfExists` forms, and `Null`; the set operators `ForAllValues:`/`ForAnyValue:` over
//!   multi-valued keys (an empty set included); keys are looked up ignoring case, and the
//!   principal-derived keys (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
//!   `aws:username`, `aws:userid` for anonymous callers, `aws:ResourceAccount`) are added when
//!   absent;
//! * policy variables (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html) in `Resource` and in
//!   String/ARN condition values: `${key}`, `${key, 'default'}`, the escapes `${*}` `${?}` `${$}`;
//!   an unresolved variable matches nothing; in a document without `"Version": "2012-10-17"`
//!   `${...}` is literal text;
//! * layers: SCP levels, RCP levels, the resource policy, identity policies, the permissions
//!   boundary, session policies; the root-user rule; cross-account requests.
//!
//! Out of scope: trust/KMS policies that must allow, the AssumeRoot task policy, single-valued
//! operators over multi-valued keys.
//!
//! One choice is not AWS's (AWS rejects such documents at write time): a statement whose
//! condition uses an unknown operator is *unevaluable*; it never allows, and an unevaluable `Deny`
//! is taken to apply (fail closed, as the engine documents in `model/src/policy/mod.rs`).

// A couple of helpers (`glob`, `Case::account`) serve neither test today; they stay with the rest.
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
    /// A `GetFederationToken` session (`arn:aws:sts::ACCOUNT:federated-user/NAME`).
    Federated,
    /// An AWS service principal such as `lambda.amazonaws.com`: no account, no identity policies.
    Service,
    /// An unsigned request: no account, no identity policies.
    Anonymous,
}

impl Kind {
    /// Callers that have identity policies (users, role sessions, federated users).
    fn has_identity(self) -> bool {
        matches!(self, Kind::User | Kind::RoleSession | Kind::Federated)
    }

    /// Callers that belong to no account: only a resource policy can grant them anything.
    fn accountless(self) -> bool {
        matches!(self, Kind::Service | Kind::Anonymous)
    }
}

/// The caller, as the reference sees it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// What kind of caller.
    pub kind: Kind,
    /// The ARN of the caller itself: user ARN, role-session ARN, root ARN, federated-user ARN;
    /// the service name for a service; `anonymous`.
    pub arn: String,
    /// The role ARN for a role session; otherwise the same as `arn`.
    pub principal_arn: String,
    /// The 12-digit account (empty for services and anonymous callers).
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
    /// Context keys given by the request; a single-valued key holds one value, a multi-valued
    /// key (`aws:TagKeys`) any number, none included.
    pub context: Vec<(String, Vec<String>)>,
    /// Whether the caller has a permissions boundary (`NotPrincipal` always denies such callers).
    pub has_boundary: bool,
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

/// One element of a pattern: a character that must be there, or a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// This exact character (a `*` or `?` written as `${*}`/`${?}` is a `Lit`).
    Lit(char),
    /// `*`: any run of characters, none included.
    Star,
    /// `?`: exactly one character.
    Quest,
}

/// Plain recursion over characters: obviously correct, and the strings here are short.
pub fn glob_toks(pattern: &[Tok], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((Tok::Star, rest)) => (0..=text.len()).any(|skip| glob_toks(rest, &text[skip..])),
        Some((Tok::Quest, rest)) => !text.is_empty() && glob_toks(rest, &text[1..]),
        Some((Tok::Lit(c), rest)) => text.first() == Some(c) && glob_toks(rest, &text[1..]),
    }
}

/// A pattern without variables: `*` and `?` are wildcards, everything else literal.
fn plain(pattern: &str) -> Vec<Tok> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::Quest,
            c => Tok::Lit(c),
        })
        .collect()
}

/// The pattern as text again (for operators without wildcards, where `*` is just a character).
fn text_of(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Lit(c) => *c,
            Tok::Star => '*',
            Tok::Quest => '?',
        })
        .collect()
}

/// `*` matches any run of characters (including none), `?` exactly one.
pub fn glob(pattern: &[char], text: &[char]) -> bool {
    let p: String = pattern.iter().collect();
    glob_toks(&plain(&p), text)
}

fn glob_str(pattern: &str, text: &str) -> bool {
    glob_toks(&plain(pattern), &text.chars().collect::<Vec<_>>())
}

/// Action patterns: the whole `service:Action` string, ignoring case (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
fn action_matches(pattern: &str, action: &str) -> bool {
    glob_str(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

/// ARN patterns: `*` alone matches everything; otherwise the six colon-separated parts are
/// matched one by one, case-sensitively (reference_policies_elements_resource.html, and the ARN condition operators).
fn arn_matches_toks(pattern: &[Tok], arn: &str) -> bool {
    if pattern == [Tok::Star] {
        return true;
    }
    let mut parts: Vec<Vec<Tok>> = vec![vec![]];
    for t in pattern {
        if *t == Tok::Lit(':') && parts.len() < 6 {
            parts.push(vec![]);
        } else {
            parts.last_mut().expect("one part").push(*t);
        }
    }
    let a: Vec<Vec<char>> = arn.splitn(6, ':').map(|p| p.chars().collect()).collect();
    parts.len() == 6 && a.len() == 6 && parts.iter().zip(&a).all(|(p, a)| glob_toks(p, a))
}

fn arn_matches(pattern: &str, arn: &str) -> bool {
    arn_matches_toks(&plain(pattern), arn)
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

/// A JSON key looked up by its exact name (the engine's parser has already checked the
/// grammar's element names).
fn field<'a>(obj: &'a Value, name: &str) -> Option<&'a Value> {
    obj.as_object()?.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
}

// ---------------------------------------------------------------------------------------------
// Policy variables (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).

/// Expands the policy variables of `value` against the request context. `vars` is false for a
/// document without `"Version": "2012-10-17"`, where `${...}` is literal text. `None`: a
/// variable has no value (and no default), so the element matches nothing.
fn expand(value: &str, ctx: &[(String, Vec<String>)], vars: bool) -> Option<Vec<Tok>> {
    if !vars {
        return Some(plain(value));
    }
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(at) = rest.find("${") {
        out.extend(plain(&rest[..at]));
        let after = &rest[at + 2..];
        let Some(close) = after.find('}') else {
            // No closing brace: not a variable, the rest is text.
            out.extend(plain(&rest[at..]));
            return Some(out);
        };
        let inner = &after[..close];
        rest = &after[close + 1..];
        match inner {
            "*" => out.push(Tok::Lit('*')),
            "?" => out.push(Tok::Lit('?')),
            "$" => out.push(Tok::Lit('$')),
            _ => {
                // `${key}` or `${key, 'default'}`; the key is looked up ignoring case, and only
                // a single-valued key can be a variable.
                let (key, default) = match inner.split_once(',') {
                    Some((k, d)) => {
                        let d = d.trim();
                        (k.trim(), d.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')))
                    }
                    None => (inner.trim(), None),
                };
                let key = key.to_ascii_lowercase();
                let found = ctx.iter().find(|(k, _)| *k == key).and_then(|(_, v)| match v.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                });
                let text = found.or_else(|| default.map(str::to_string))?;
                out.extend(text.chars().map(Tok::Lit));
            }
        }
    }
    out.extend(plain(rest));
    Some(out)
}

/// Whether policy variables are expanded in this document.
fn variables_on(doc: &Value) -> bool {
    field(doc, "Version").and_then(Value::as_str) == Some("2012-10-17")
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
    /// The user, the session itself, the federated user, the service, or everyone (`*`): a
    /// direct grant.
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

/// `Action`/`NotAction` and `Resource`/`NotResource`. A resource element whose variable has no
/// value matches nothing (so under `NotResource` it excludes nothing).
fn scope_matches(stmt: &Value, req: &Req, ctx: &[(String, Vec<String>)], vars: bool) -> bool {
    let action = if let Some(v) = field(stmt, "Action") {
        strings(v).iter().any(|p| action_matches(p, &req.action))
    } else if let Some(v) = field(stmt, "NotAction") {
        !strings(v).iter().any(|p| action_matches(p, &req.action))
    } else {
        false
    };
    // Variables are expanded only in the resource part of an ARN, after the fifth colon
    // (reference_policies_variables.html); before it `${...}` is plain text.
    let res = |p: &String| {
        let (head, tail) = match p.match_indices(':').nth(4) {
            Some((at, _)) => p.split_at(at + 1),
            None => ("", p.as_str()),
        };
        expand(tail, ctx, vars).is_some_and(|t| {
            let mut toks = plain(head);
            toks.extend(t);
            arn_matches_toks(&toks, &req.resource)
        })
    };
    let resource = if let Some(v) = field(stmt, "Resource") {
        strings(v).iter().any(res)
    } else if let Some(v) = field(stmt, "NotResource") {
        !strings(v).iter().any(res)
    } else {
        // Trust policies may omit Resource; nothing generated here does.
        true
    };
    action && resource
}

/// The entries of a `Principal`/`NotPrincipal` value: (`AWS`|`Service`|..., entry), with the
/// bare `"*"` as ("*", "*").
fn principal_entries(v: &Value) -> Vec<(String, String)> {
    match v {
        Value::String(s) => vec![(s.clone(), s.clone())],
        Value::Object(map) => {
            map.iter().flat_map(|(k, v)| strings(v).into_iter().map(move |e| (k.clone(), e))).collect()
        }
        _ => vec![],
    }
}

/// How one `Principal` entry names the caller, if it does (reference_policies_elements_principal.html).
fn entry_grant(kind: &str, entry: &str, caller: &Caller) -> Option<Grant> {
    // "*" and {"AWS": "*"} both mean everyone, anonymous callers included.
    if kind == "*" || (kind == "AWS" && entry == "*") {
        return Some(Grant::Direct);
    }
    match kind {
        "Service" => (caller.kind == Kind::Service && entry == caller.arn).then_some(Grant::Direct),
        "AWS" if caller.kind.accountless() => None,
        "AWS" => {
            let root_arn = format!("arn:aws:iam::{}:root", caller.account);
            if entry == caller.account || entry == root_arn {
                Some(Grant::Account)
            } else if caller.kind == Kind::RoleSession && entry == caller.principal_arn {
                Some(Grant::Role)
            } else if caller.kind != Kind::Root && entry == caller.arn {
                // The user's ARN, the session's own ARN, the federated user's ARN.
                Some(Grant::Direct)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The strongest way the statement's `Principal` names the caller, if it does.
fn principal_grant(stmt: &Value, caller: &Caller) -> Option<Grant> {
    let entries = principal_entries(field(stmt, "Principal")?);
    entries.iter().filter_map(|(k, e)| entry_grant(k, e, caller)).max()
}

/// Whether a `NotPrincipal` list exempts the caller from its `Deny`
/// (reference_policies_elements_notprincipal.html): the list must name the caller itself: the
/// user, the federated user, the service, and for a role session the session's own ARN (a
/// session must be named by its session ARN; the role's ARN does not stand for its sessions);
/// a root user is named by its account. Every other signed-in caller must also have its
/// account's ARN listed: the page says that without it the Deny may apply to the whole account,
/// and the safe reading is taken (docs/rules.md). A caller with a permissions boundary is never
/// exempt.
fn not_principal_exempts(v: &Value, req: &Req) -> bool {
    let entries = principal_entries(v);
    let caller = &req.caller;
    if entries.iter().any(|(k, _)| k == "*") {
        return true;
    }
    if req.has_boundary {
        return false;
    }
    let named = |g: Grant| {
        entries.iter().any(|(k, e)| k != "*" && !(k == "AWS" && e == "*") && entry_grant(k, e, caller) == Some(g))
    };
    match caller.kind {
        Kind::Anonymous => false,
        Kind::Service => named(Grant::Direct),
        Kind::Root => named(Grant::Account),
        Kind::User | Kind::Federated | Kind::RoleSession => named(Grant::Direct) && named(Grant::Account),
    }
}

/// The request's context with the keys that follow from the principal and the resource
/// (values given by the request win), as lower-cased names.
fn full_context(req: &Req) -> Vec<(String, Vec<String>)> {
    let mut ctx: Vec<(String, Vec<String>)> =
        req.context.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect();
    let c = &req.caller;
    let mut derived: Vec<(&str, String)> = vec![("aws:resourceaccount", req.resource_account.clone())];
    match c.kind {
        Kind::Anonymous => {
            derived.push(("aws:principaltype", "Anonymous".into()));
            derived.push(("aws:userid", "anonymous".into()));
        }
        // A service principal carries no principal ARN, account or type
        // (reference_policies_condition-keys.html: aws:PrincipalServiceName instead).
        Kind::Service => derived.push(("aws:principalservicename", c.arn.clone())),
        _ => {
            let principal_type = match c.kind {
                Kind::User => "User",
                Kind::RoleSession => "AssumedRole",
                Kind::Federated => "FederatedUser",
                _ => "Account",
            };
            derived.push(("aws:principalarn", c.principal_arn.clone()));
            derived.push(("aws:principalaccount", c.account.clone()));
            derived.push(("aws:principaltype", principal_type.to_string()));
        }
    }
    if let Some(name) = &c.user_name {
        derived.push(("aws:username", name.clone()));
    }
    for (k, v) in derived {
        if !ctx.iter().any(|(have, _)| have == k) {
            ctx.push((k.to_string(), vec![v]));
        }
    }
    ctx
}

/// Compares one context value with one (expanded) policy value under a base operator without
/// `Not`: StringEquals, StringEqualsIgnoreCase, StringLike, Bool, ArnEquals/ArnLike, Numeric*.
fn compare(positive: &str, policy: &[Tok], value: &str) -> bool {
    let num = |s: &str| s.trim().parse::<f64>().ok();
    let p = text_of(policy);
    match positive {
        "StringEquals" => p == value,
        "StringEqualsIgnoreCase" => p.eq_ignore_ascii_case(value),
        "StringLike" => glob_toks(policy, &value.chars().collect::<Vec<_>>()),
        "Bool" => p.eq_ignore_ascii_case(value),
        "ArnEquals" | "ArnLike" => arn_matches_toks(policy, value),
        // Numbers that do not read as numbers never compare.
        numeric => match (num(&p), num(value)) {
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
}

/// One operator over one key, against the (possibly absent) context values.
/// `None`: the operator is unknown.
fn condition_holds(
    op: &str,
    policy_values: &[String],
    values: Option<&[String]>,
    ctx: &[(String, Vec<String>)],
    vars: bool,
) -> Option<bool> {
    // Set operators (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html): ForAllValues / ForAnyValue over every context value.
    let (set, op) = match op.split_once(':') {
        Some(("ForAllValues", rest)) => (Some(true), rest),
        Some(("ForAnyValue", rest)) => (Some(false), rest),
        Some(_) => return None,
        None => (None, op),
    };
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
            "true" => values.is_none(),
            "false" => values.is_some(),
            _ => false,
        }));
    }
    let negated = base.contains("Not");
    let positive = base.replace("Not", "");
    // Variables only in String and ARN operators; a value whose variable is unresolved matches
    // no context value.
    let with_vars = vars && (positive.starts_with("String") || positive.starts_with("Arn"));
    let expanded: Vec<Vec<Tok>> = policy_values.iter().filter_map(|p| expand(p, ctx, with_vars)).collect();
    // For one context value: does the (possibly negated) operator hold?
    let holds_for = |v: &str| {
        let any = expanded.iter().any(|p| compare(&positive, p, v));
        // Positive: any policy value matches (OR). Negated: none matches (NOR).
        if negated {
            !any
        } else {
            any
        }
    };
    match (set, values) {
        // ForAllValues: every context value satisfies it; vacuously true for a missing key or
        // an empty set.
        (Some(true), None) => Some(true),
        (Some(true), Some(vs)) => Some(vs.iter().all(|v| holds_for(v))),
        // ForAnyValue: some context value satisfies it; false for a missing key or empty set.
        (Some(false), None) => Some(false),
        (Some(false), Some(vs)) => Some(vs.iter().any(|v| holds_for(v))),
        // Missing key: IfExists and negated operators hold; positive ones do not.
        (None, None) => Some(if_exists || negated),
        (None, Some(vs)) => Some(match vs {
            [one] => holds_for(one),
            // A single-valued operator over several values: not generated; read as "any".
            many => many.iter().any(|v| holds_for(v)),
        }),
    }
}

fn conditions_hold(stmt: &Value, ctx: &[(String, Vec<String>)], vars: bool) -> Applies {
    let Some(Value::Object(block)) = field(stmt, "Condition") else { return Applies::Yes };
    let mut result = Applies::Yes;
    for (op, keys) in block {
        let Value::Object(keys) = keys else { return Applies::Unevaluable };
        for (key, values) in keys {
            let key = key.to_ascii_lowercase();
            let value = ctx.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_slice());
            match condition_holds(op, &strings(values), value, ctx, vars) {
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
fn applies(stmt: &Value, req: &Req, resource_policy: bool, vars: bool) -> (Applies, Option<Grant>) {
    let grant = if resource_policy {
        if let Some(np) = field(stmt, "NotPrincipal") {
            // NotPrincipal (Deny only): applies to every caller it does not exempt.
            if not_principal_exempts(np, req) {
                return (Applies::No, None);
            }
            None
        } else {
            match principal_grant(stmt, &req.caller) {
                Some(g) => Some(g),
                None => return (Applies::No, None),
            }
        }
    } else {
        None
    };
    let ctx = full_context(req);
    if !scope_matches(stmt, req, &ctx, vars) {
        return (Applies::No, grant);
    }
    (conditions_hold(stmt, &ctx, vars), grant)
}

fn has_deny(doc: &Value, req: &Req, resource_policy: bool) -> bool {
    // Fail closed: a Deny whose condition cannot be evaluated is taken to apply, so that an
    // evaluation error can only deny (issue 3: any error inside evaluation yields a deny).
    let vars = variables_on(doc);
    statements(doc).into_iter().any(|s| {
        !is_allow(s) && matches!(applies(s, req, resource_policy, vars).0, Applies::Yes | Applies::Unevaluable)
    })
}

fn has_allow(doc: &Value, req: &Req) -> bool {
    let vars = variables_on(doc);
    statements(doc).into_iter().any(|s| is_allow(s) && applies(s, req, false, vars).0 == Applies::Yes)
}

/// The strongest grant of the resource policy's applicable `Allow` statements.
fn resource_grant(doc: &Value, req: &Req) -> Option<Grant> {
    let vars = variables_on(doc);
    statements(doc)
        .into_iter()
        .filter(|s| is_allow(s))
        .filter_map(|s| match applies(s, req, true, vars) {
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
/// bucket policy denies it (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks); only SCPs, RCPs and VPC endpoint policies bind.
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
    let kind = req.caller.kind;
    let root = kind == Kind::Root;
    let cross_account = req.resource_account != req.caller.account;
    // Identity, boundary and session policies are never attached to root (§5.4), and services
    // and anonymous callers have none.
    let identity: &[Value] = if kind.has_identity() { &docs.identity } else { &[] };
    let boundary = if kind.has_identity() { docs.boundary.as_ref() } else { None };
    let session: &[Value] = if matches!(kind, Kind::RoleSession | Kind::Federated) { &docs.session } else { &[] };
    // SCPs govern principals of member accounts; a caller of no account has none.
    let scps = if kind.accountless() { &None } else { &docs.scps };
    let req = &Req { has_boundary: boundary.is_some(), ..req.clone() };

    // 1. Explicit deny in any applicable policy.
    let mut denied_by = Vec::new();
    let level_denies =
        |levels: &Option<Vec<Vec<Value>>>| levels.iter().flatten().flatten().any(|doc| has_deny(doc, req, false));
    if level_denies(scps) {
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
    if let Some(level) = scps.as_deref().and_then(|l| first_level_without_allow(l, req)) {
        return implicit(vec![Layer::Scp], Some(level));
    }

    let grant = docs.resource.as_ref().and_then(|d| resource_grant(d, req));
    let identity_allows = identity.iter().any(|d| has_allow(d, req));
    let boundary_allows = boundary.is_none_or(|d| has_allow(d, req));
    // A federated user's permissions are the intersection of its user's policies and the
    // session policy passed to GetFederationToken; without one it has none (outside direct
    // resource grants). A role session without a session policy is not limited by one.
    let session_allows = if kind == Kind::Federated {
        session.iter().any(|d| has_allow(d, req))
    } else {
        session.is_empty() || session.iter().any(|d| has_allow(d, req))
    };

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

    if kind.accountless() {
        // Only a resource policy naming the service, or everyone, can grant such a caller.
        return if grant.is_some() { allowed() } else { implicit(vec![Layer::Resource], None) };
    }

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

    // Same account. 4. A resource policy granting the user, the session or the federated user
    // directly (or everyone) allows whatever identity, boundary and session say; granting the role is still
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
