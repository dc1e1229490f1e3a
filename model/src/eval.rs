//! Decisions without a world: the request format of `rootsim eval`.
//!
//! A request carries every layer of AWS's decision itself (see `docs/eval.md`):
//!
//! ```json
//! {"id": "r1", "principal": "arn:aws:iam::111122223333:user/bob", "action": "s3:GetObject",
//!  "resource": "arn:aws:s3:::bucket/key", "resourceAccount": "111122223333",
//!  "context": {"aws:SourceIp": "10.0.0.1"},
//!  "identityPolicies": [{...}], "resourcePolicy": {...}, "permissionsBoundary": {...},
//!  "sessionPolicy": {...}, "scps": [[{...}], [{...}]], "rcps": [[...]]}
//! ```
//!
//! and the answer is one JSON object: `{"id", "decision", "decidedBy", "matched", "explanation"}`.
//! [`Evaluator`] keeps every policy it has parsed, keyed by its text, so that requests sharing
//! their policies parse each document once: a stream of 100,000 requests costs 100,000
//! evaluations, not 100,000 parses.

use crate::arn::Arn;
use crate::policy::{
    self, Context, Decision, NamedPolicy, Policy, PolicyKind, PolicySet, Principal, PrincipalKind, Request,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;

/// One request as written in the input. Policies stay raw text until the cache needs them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawRequest<'a> {
    #[serde(default, borrow)]
    id: Option<&'a RawValue>,
    // Borrowed from the input unless they hold escapes: copying them cost an allocation each.
    #[serde(borrow)]
    principal: Cow<'a, str>,
    #[serde(borrow)]
    action: Cow<'a, str>,
    #[serde(borrow)]
    resource: Cow<'a, str>,
    #[serde(default, borrow)]
    resource_account: Option<Cow<'a, str>>,
    #[serde(default)]
    context: Map<String, Value>,
    #[serde(default, borrow)]
    identity_policies: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    resource_policy: Option<&'a RawValue>,
    #[serde(default, borrow)]
    permissions_boundary: Option<&'a RawValue>,
    #[serde(default, borrow)]
    session_policy: Option<&'a RawValue>,
    #[serde(default, borrow)]
    scps: Option<Vec<Vec<&'a RawValue>>>,
    #[serde(default, borrow)]
    rcps: Option<Vec<Vec<&'a RawValue>>>,
}

/// A request that cannot be evaluated, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(pub String);

/// Hashes a policy text by its length and five 8-byte words sampled across it. Documents are long
/// and hashing all of every one on every request cost more than evaluating it; the map still
/// compares whole texts on a hit, so a shared sample can only cost a comparison, never a wrong
/// answer.
#[derive(Default)]
struct SampleHasher(u64);

impl std::hash::Hasher for SampleHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let n = bytes.len();
        // The little-endian word at `i`, zero-padded past the end.
        let word = |i: usize| {
            let mut w = [0u8; 8];
            let chunk = bytes.get(i..n.min(i + 8)).unwrap_or(&[]);
            w[..chunk.len()].copy_from_slice(chunk);
            u64::from_le_bytes(w)
        };
        let mut h = self.0 ^ (n as u64).wrapping_mul(K);
        for i in [0, n / 4, n / 2, n - n / 4, n.saturating_sub(8)] {
            h = (h ^ word(i)).wrapping_mul(K).rotate_left(29);
        }
        self.0 = h;
    }
}

type TextMap = HashMap<String, Policy, std::hash::BuildHasherDefault<SampleHasher>>;

/// Evaluates `eval` requests, parsing each distinct policy document once.
#[derive(Default)]
pub struct Evaluator {
    /// Parsed documents by text, one map per policy kind (looked up by `&str`, no allocation).
    cache: [TextMap; 7],
    /// Documents defined with `{"define": {"Name": <policy>}}`, by name, for `"@Name"` references.
    definitions: HashMap<String, String>,
    /// `identityPolicies[i]`, made once.
    identity_names: Vec<String>,
    /// `scps[l][i]` and `rcps[l][i]`, made once.
    level_names: [Vec<Vec<String>>; 2],
}

/// Writes one answer as compact JSON: `{"id","decision","decidedBy","matched","unevaluable"?,
/// "missingContext"?,"explanation"}`, the bytes serde_json writes for the same fields (a test
/// checks that). Written by hand because escaping strings through serde's serializer cost a
/// fifth of answering a request; [`write_json_str`] checks eight bytes at a time.
fn write_answer(out: &mut Vec<u8>, id: Option<&RawValue>, d: &Decision<'_>, explanation: &str) {
    out.extend_from_slice(b"{\"id\":");
    out.extend_from_slice(id.map_or("null", |v| v.get()).as_bytes());
    out.extend_from_slice(b",\"decision\":\"");
    out.extend_from_slice(outcome_name(d.outcome).as_bytes());
    out.extend_from_slice(b"\",\"decidedBy\":[");
    for (i, l) in d.decided_by.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(l.as_str().as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b"],\"matched\":[");
    for (i, m) in d.matched.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"layer\":\"");
        out.extend_from_slice(m.layer.as_str().as_bytes());
        out.extend_from_slice(b"\",\"policy\":");
        write_json_str(out, &m.policy);
        out.extend_from_slice(b",\"sid\":");
        match &m.sid {
            Some(sid) => write_json_str(out, sid),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"index\":");
        // Writing to a Vec cannot fail.
        let _ = std::io::Write::write_fmt(out, format_args!("{}", m.index));
        out.extend_from_slice(if m.effect == policy::Effect::Allow {
            b",\"effect\":\"Allow\"}"
        } else {
            b",\"effect\":\"Deny\"}"
        });
    }
    out.push(b']');
    if !d.unevaluable.is_empty() {
        // Rare: the generic path is fine.
        out.extend_from_slice(b",\"unevaluable\":");
        let _ = serde_json::to_writer(&mut *out, &d.to_json()["unevaluable"]);
    }
    if !d.missing_context.is_empty() {
        out.extend_from_slice(b",\"missingContext\":[");
        for (i, k) in d.missing_context.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json_str(out, k);
        }
        out.push(b']');
    }
    out.extend_from_slice(b",\"explanation\":");
    write_json_str(out, explanation);
    out.push(b'}');
}

/// The outcome as serde names it.
fn outcome_name(o: policy::Outcome) -> &'static str {
    match o {
        policy::Outcome::Allowed => "Allowed",
        policy::Outcome::ImplicitlyDenied => "ImplicitlyDenied",
        policy::Outcome::ExplicitlyDenied => "ExplicitlyDenied",
    }
}

/// Writes `s` as a JSON string, escaped exactly as serde_json escapes it (`\"`, `\\`, `\b`,
/// `\f`, `\n`, `\r`, `\t`, other control characters as `\u00XX`).
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Does any byte of `w` need escaping? Classic SWAR tests: a byte below 0x20, or equal to
    // `"` or `\`. Exact for "any", which is all that is asked.
    let needs_escape = |w: u64| {
        let below_space = w.wrapping_sub(ONES * 0x20) & !w;
        let quote = (w ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES) & !(w ^ (ONES * u64::from(b'"')));
        let backslash = (w ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES) & !(w ^ (ONES * u64::from(b'\\')));
        (below_space | quote | backslash) & HIGHS != 0
    };
    let bytes = s.as_bytes();
    out.push(b'"');
    let mut clean = 0; // bytes[clean..i] are still to be copied
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            if !needs_escape(u64::from_le_bytes(w)) {
                i += 8;
                continue;
            }
        }
        // This chunk (or the tail) has something to escape: byte by byte, up to 8 bytes.
        let end = (i + 8).min(bytes.len());
        while i < end {
            let b = bytes[i];
            let escaped: Option<&[u8]> = match b {
                b'"' => Some(b"\\\""),
                b'\\' => Some(b"\\\\"),
                b'\n' => Some(b"\\n"),
                b'\r' => Some(b"\\r"),
                b'\t' => Some(b"\\t"),
                0x08 => Some(b"\\b"),
                0x0c => Some(b"\\f"),
                0..=0x1f => None,
                _ => {
                    i += 1;
                    continue;
                }
            };
            out.extend_from_slice(&bytes[clean..i]);
            match escaped {
                Some(e) => out.extend_from_slice(e),
                None => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[usize::from(b >> 4)]);
                    out.push(HEX[usize::from(b & 0xf)]);
                }
            }
            i += 1;
            clean = i;
        }
    }
    out.extend_from_slice(&bytes[clean..]);
    out.push(b'"');
}

fn slot(kind: PolicyKind) -> usize {
    match kind {
        PolicyKind::Identity => 0,
        PolicyKind::Resource => 1,
        PolicyKind::Trust => 2,
        PolicyKind::Boundary => 3,
        PolicyKind::Session => 4,
        PolicyKind::Scp => 5,
        PolicyKind::Rcp => 6,
    }
}

/// The principal a request names: an ARN, a service principal, or `anonymous`.
pub fn principal_from(text: &str) -> Result<Principal, EvalError> {
    let mk = |kind, arn: &str, principal_arn: &str, account: &str, slr| Principal {
        kind,
        arn: arn.to_string(),
        principal_arn: principal_arn.to_string(),
        account: account.to_string(),
        service_linked_role: slr,
    };
    if text == "anonymous" || text == "*" {
        return Ok(mk(PrincipalKind::Anonymous, "anonymous", "anonymous", "", false));
    }
    if text.ends_with(".amazonaws.com") && !text.starts_with("arn:") {
        return Ok(mk(PrincipalKind::Service, text, text, "", false));
    }
    let a = Arn::parse(text).ok_or_else(|| {
        EvalError(format!("principal '{text}' is not an ARN, a service principal (x.amazonaws.com) or \"anonymous\""))
    })?;
    if a.account.len() != 12 || !a.account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EvalError(format!("principal '{text}' does not name a 12-digit account")));
    }
    let acct = a.account;
    match (a.service, a.resource.split_once('/').map_or((a.resource, ""), |(k, r)| (k, r))) {
        ("iam", ("root", "")) => Ok(mk(PrincipalKind::Root, text, text, acct, false)),
        ("iam", ("user", name)) if !name.is_empty() => Ok(mk(PrincipalKind::User, text, text, acct, false)),
        ("iam", ("role", name)) if !name.is_empty() => {
            // A role ARN stands for a session of that role, named "eval".
            let role = name.rsplit('/').next().unwrap_or(name);
            let session = format!("arn:{}:sts::{acct}:assumed-role/{role}/eval", a.partition);
            Ok(mk(PrincipalKind::AssumedRole, &session, text, acct, name.starts_with("aws-service-role/")))
        }
        ("sts", ("assumed-role", rest)) => {
            let (role, _session) = rest
                .split_once('/')
                .ok_or_else(|| EvalError(format!("assumed-role ARN '{text}' needs a role and a session name")))?;
            let role_arn = format!("arn:{}:iam::{acct}:role/{role}", a.partition);
            Ok(mk(PrincipalKind::AssumedRole, text, &role_arn, acct, false))
        }
        ("sts", ("federated-user", name)) if !name.is_empty() => {
            Ok(mk(PrincipalKind::FederatedUser, text, text, acct, false))
        }
        _ => {
            Err(EvalError(format!("principal '{text}' is not a root, user, role, assumed-role or federated-user ARN")))
        }
    }
}

/// True when `text` is the `RCPFullAWSAccess` document (whitespace and key order aside).
fn is_rcp_full_aws_access(text: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<Value>(text) else { return false };
    doc == serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    ]})
}

fn context_from(map: &Map<String, Value>) -> Result<Context, EvalError> {
    let mut ctx = Context::new();
    for (k, v) in map {
        let scalar = |v: &Value| -> Result<String, EvalError> {
            match v {
                Value::String(s) => Ok(s.clone()),
                Value::Bool(b) => Ok(b.to_string()),
                Value::Number(n) => Ok(n.to_string()),
                _ => {
                    Err(EvalError(format!("context key '{k}': values are strings, numbers, booleans or lists of them")))
                }
            }
        };
        match v {
            Value::Array(items) => {
                ctx.insert_multi(k, items.iter().map(scalar).collect::<Result<_, _>>()?);
            }
            other => {
                ctx.insert(k, scalar(other)?);
            }
        }
    }
    Ok(ctx)
}

impl Evaluator {
    /// An evaluator with an empty cache.
    pub fn new() -> Evaluator {
        Evaluator::default()
    }

    /// How many distinct documents were parsed so far.
    pub fn cached(&self) -> usize {
        self.cache.iter().map(HashMap::len).sum()
    }

    /// The parsed policy for a raw document, parsing it the first time it is seen. Policies may
    /// be given as JSON objects or as strings holding the document.
    fn load(&mut self, raw: &RawValue, kind: PolicyKind, what: impl Fn() -> String) -> Result<Policy, EvalError> {
        let text = raw.get();
        let owned;
        let text = if let Some(name) = text.strip_prefix("\"@").and_then(|t| t.strip_suffix('"')) {
            // A reference to a document defined earlier in the input (borrowed, not copied).
            match self.definitions.get(name) {
                Some(doc) => doc.as_str(),
                None => {
                    return Err(EvalError(format!(
                        "{}: no policy is defined as '{name}' (define it first with {{\"define\": {{\"{name}\": <policy>}}}})",
                        what()
                    )))
                }
            }
        } else if text.starts_with('"') {
            owned = serde_json::from_str::<String>(text).map_err(|e| EvalError(format!("{}: {e}", what())))?;
            owned.as_str()
        } else {
            text
        };
        let map = &mut self.cache[slot(kind)];
        if let Some(p) = map.get(text) {
            return Ok(p.clone());
        }
        // RCPFullAWSAccess is AWS's own managed RCP, the only RCP that may Allow (and use the bare
        // "*" action); customer RCPs may only Deny. Exactly that document is parsed as AWS managed.
        let opts = policy::ParseOptions {
            aws_managed: kind == PolicyKind::Rcp && is_rcp_full_aws_access(text),
            ..policy::ParseOptions::default()
        };
        let p = Policy::parse_with(text, kind, &opts).map_err(|e| {
            EvalError(format!(
                "{}: MalformedPolicyDocument: {} (line {}, column {}: {})",
                what(),
                e.message,
                e.line,
                e.column,
                e.detail
            ))
        })?;
        map.insert(text.to_string(), p.clone());
        Ok(p)
    }

    /// Makes sure names exist for `n` identity policies and the given organization levels.
    fn ensure_names(&mut self, n: usize, levels: [&Option<Vec<Vec<&RawValue>>>; 2]) {
        while self.identity_names.len() < n {
            let i = self.identity_names.len();
            self.identity_names.push(format!("identityPolicies[{i}]"));
        }
        for (field, (levels, names)) in ["scps", "rcps"].iter().zip(levels.iter().zip(self.level_names.iter_mut())) {
            for (l, level) in levels.iter().flatten().enumerate() {
                if names.len() <= l {
                    names.push(Vec::new());
                }
                while names[l].len() < level.len() {
                    let i = names[l].len();
                    names[l].push(format!("{field}[{l}][{i}]"));
                }
            }
        }
    }

    fn load_levels(
        &mut self,
        levels: &Option<Vec<Vec<&RawValue>>>,
        kind: PolicyKind,
        field: &str,
    ) -> Result<Option<Vec<Vec<Policy>>>, EvalError> {
        let Some(levels) = levels.as_ref().filter(|l| !l.is_empty()) else { return Ok(None) };
        let mut out = Vec::with_capacity(levels.len());
        for (l, level) in levels.iter().enumerate() {
            let mut ps = Vec::with_capacity(level.len());
            for (i, p) in level.iter().enumerate() {
                ps.push(self.load(p, kind, || format!("{field}[{l}][{i}]"))?);
            }
            out.push(ps);
        }
        Ok(Some(out))
    }

    /// If `item` is a definitions object (`{"define": {"Name": <policy>, ...}}`), records its
    /// documents and returns `Some(result)`; otherwise `None`.
    fn define(&mut self, item: &str) -> Option<Result<(), EvalError>> {
        if !item.trim_start().starts_with("{\"define\"") {
            return None;
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Define<'a> {
            #[serde(borrow)]
            define: HashMap<String, &'a RawValue>,
        }
        Some(match serde_json::from_str::<Define>(item) {
            Ok(d) => {
                for (name, doc) in d.define {
                    let text = doc.get();
                    let text = if text.starts_with('"') {
                        serde_json::from_str::<String>(text).unwrap_or_default()
                    } else {
                        text.to_string()
                    };
                    self.definitions.insert(name, text);
                }
                Ok(())
            }
            Err(e) => Err(EvalError(format!("invalid definitions: {e}"))),
        })
    }

    /// Answers one request (a JSON object) with one JSON object.
    pub fn answer(&mut self, request: &str) -> Value {
        let mut out = Vec::new();
        self.answer_into(request, &mut out);
        serde_json::from_slice(&out).unwrap_or(Value::Null)
    }

    /// Answers one request, appending the answer's JSON to `out`. Returns false when the request
    /// could not be evaluated (the answer then carries an `error`).
    pub fn answer_into(&mut self, request: &str, out: &mut Vec<u8>) -> bool {
        let raw: RawRequest = match serde_json::from_str(request) {
            Ok(r) => r,
            Err(e) => {
                let _ =
                    serde_json::to_writer(&mut *out, &serde_json::json!({ "error": format!("invalid request: {e}") }));
                return false;
            }
        };
        let id = raw.id;
        let written = self.decide(&raw, |decision, explanation| write_answer(out, id, decision, explanation));
        match written {
            Ok(()) => true,
            Err(e) => {
                let _ = serde_json::to_writer(&mut *out, &serde_json::json!({ "id": raw.id, "error": e.0 }));
                false
            }
        }
    }

    /// Decides `raw` and hands the decision and its explanation to `answer`. The decision
    /// borrows names from this call's policy set, so it is used here rather than returned.
    fn decide<R>(&mut self, raw: &RawRequest, answer: impl FnOnce(&Decision<'_>, &str) -> R) -> Result<R, EvalError> {
        let principal = principal_from(&raw.principal)?;
        if !raw.action.contains(':') {
            return Err(EvalError(format!("action '{}' needs a service prefix, as in s3:GetObject", raw.action)));
        }
        let resource_kind =
            if raw.action.eq_ignore_ascii_case("sts:AssumeRole") { PolicyKind::Trust } else { PolicyKind::Resource };
        // Load (or find) every document first; only then borrow names and policies together.
        let mut identity = Vec::with_capacity(raw.identity_policies.len());
        for (i, p) in raw.identity_policies.iter().enumerate() {
            identity.push(self.load(p, PolicyKind::Identity, || format!("identityPolicies[{i}]"))?);
        }
        let resource =
            raw.resource_policy.map(|p| self.load(p, resource_kind, || "resourcePolicy".into())).transpose()?;
        let boundary = raw
            .permissions_boundary
            .map(|p| self.load(p, PolicyKind::Boundary, || "permissionsBoundary".into()))
            .transpose()?;
        let session =
            raw.session_policy.map(|p| self.load(p, PolicyKind::Session, || "sessionPolicy".into())).transpose()?;
        let scps = self.load_levels(&raw.scps, PolicyKind::Scp, "scps")?;
        let rcps = self.load_levels(&raw.rcps, PolicyKind::Rcp, "rcps")?;
        // SCPs and RCPs never restrict service-linked roles (Organizations user guide, facts §5.3).
        let (scps, rcps) = if principal.service_linked_role { (None, None) } else { (scps, rcps) };
        self.ensure_names(identity.len(), [&raw.scps, &raw.rcps]);

        let resource_account = raw
            .resource_account
            .as_deref()
            .or_else(|| crate::arn::account_of(&raw.resource))
            .or_else(|| (!principal.account.is_empty()).then_some(principal.account.as_str()));
        // The engine itself derives aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
        // aws:ResourceAccount, aws:username and aws:userid when the context does not give them.
        let context = context_from(&raw.context)?;

        let identity: Vec<NamedPolicy> =
            identity.iter().zip(&self.identity_names).map(|(p, name)| NamedPolicy { name, policy: p }).collect();
        let scp_named: Option<Vec<Vec<NamedPolicy>>> = scps.as_ref().map(|ls| {
            ls.iter()
                .zip(&self.level_names[0])
                .map(|(l, ns)| l.iter().zip(ns).map(|(p, n)| NamedPolicy { name: n, policy: p }).collect())
                .collect()
        });
        let rcp_named: Option<Vec<Vec<NamedPolicy>>> = rcps.as_ref().map(|ls| {
            ls.iter()
                .zip(&self.level_names[1])
                .map(|(l, ns)| l.iter().zip(ns).map(|(p, n)| NamedPolicy { name: n, policy: p }).collect())
                .collect()
        });
        let scp_slices: Option<Vec<&[NamedPolicy]>> = scp_named.as_ref().map(|l| l.iter().map(Vec::as_slice).collect());
        let rcp_slices: Option<Vec<&[NamedPolicy]>> = rcp_named.as_ref().map(|l| l.iter().map(Vec::as_slice).collect());
        let session: Vec<NamedPolicy> =
            session.iter().map(|p| NamedPolicy { name: "sessionPolicy", policy: p }).collect();
        let set = PolicySet {
            scps: scp_slices.as_deref(),
            rcps: rcp_slices.as_deref(),
            resource: resource.as_ref().map(|p| NamedPolicy { name: "resourcePolicy", policy: p }),
            // Role trust policies and KMS key policies must grant access themselves (facts §5.2).
            resource_must_allow: resource_kind == PolicyKind::Trust
                || raw.action.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("kms:")),
            identity: &identity,
            boundary: boundary.as_ref().map(|p| NamedPolicy { name: "permissionsBoundary", policy: p }),
            session: &session,
            task: None,
        };
        let req = Request {
            principal: &principal,
            action: &raw.action,
            resource: &raw.resource,
            resource_account,
            context: &context,
        };
        let decision = policy::evaluate(&req, &set);
        let explanation = decision.explain(&req);
        Ok(answer(&decision, &explanation))
    }

    /// Answers a whole input: a JSON array of requests, or one request per line (blank lines
    /// skipped). Writes one JSON line per request to `out`; returns how many failed.
    pub fn run(&mut self, input: &str, out: &mut Vec<u8>) -> usize {
        let mut errors = 0;
        if input.trim_start().starts_with('[') {
            match serde_json::from_str::<Vec<&RawValue>>(input) {
                Ok(items) => {
                    for item in items {
                        match self.define(item.get()) {
                            Some(Ok(())) => continue,
                            Some(Err(e)) => {
                                let _ = serde_json::to_writer(&mut *out, &serde_json::json!({ "error": e.0 }));
                                errors += 1;
                            }
                            None => errors += usize::from(!self.answer_into(item.get(), out)),
                        }
                        out.push(b'\n');
                    }
                }
                Err(e) => {
                    let _ = serde_json::to_writer(
                        &mut *out,
                        &serde_json::json!({ "error": format!("invalid JSON array of requests: {e}") }),
                    );
                    out.push(b'\n');
                    errors += 1;
                }
            }
        } else {
            for (n, line) in input.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let start = out.len();
                let answered = match self.define(line) {
                    Some(Ok(())) => continue,
                    Some(Err(e)) => {
                        let _ = serde_json::to_writer(&mut *out, &serde_json::json!({ "error": e.0 }));
                        false
                    }
                    None => self.answer_into(line, out),
                };
                if !answered {
                    errors += 1;
                    // Name the line, so that a long input's bad request can be found.
                    let mut v: Value = serde_json::from_slice(&out[start..]).unwrap_or(Value::Null);
                    if let Some(Value::String(e)) = v.get_mut("error") {
                        *e = format!("line {}: {e}", n + 1);
                    }
                    out.truncate(start);
                    let _ = serde_json::to_writer(&mut *out, &v);
                }
                out.push(b'\n');
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answer's fields for serde_json, to check [`write_answer`] against.
    #[derive(serde::Serialize)]
    struct Answer<'a> {
        id: Option<&'a RawValue>,
        decision: policy::Outcome,
        #[serde(rename = "decidedBy")]
        decided_by: &'a [policy::Layer],
        matched: &'a [policy::MatchedStatement<'a>],
        #[serde(skip_serializing_if = "Option::is_none")]
        unevaluable: Option<Value>,
        #[serde(rename = "missingContext", skip_serializing_if = "<[String]>::is_empty")]
        missing_context: &'a [String],
        explanation: &'a str,
    }

    proptest::proptest! {
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(s in "(?s).{0,40}", t in proptest::collection::vec(0u8..0x80, 0..40)) {
            for text in [s, String::from_utf8(t).expect("ASCII")] {
                let mut out = Vec::new();
                write_json_str(&mut out, &text);
                proptest::prop_assert_eq!(String::from_utf8(out).expect("UTF-8"), serde_json::to_string(&text).expect("a string"));
            }
        }
    }

    #[test]
    fn answers_are_the_bytes_serde_json_writes() {
        let p = Principal {
            kind: PrincipalKind::User,
            arn: "arn:aws:iam::111122223333:user/b\"ob".into(),
            principal_arn: "arn:aws:iam::111122223333:user/b\"ob".into(),
            account: "111122223333".into(),
            service_linked_role: false,
        };
        let deny = Policy::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoSecrets","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/x":"y"}}}]}"#,
            PolicyKind::Identity,
        )
        .expect("valid");
        let allow = Policy::parse(ALLOW_S3, PolicyKind::Identity).expect("valid");
        let odd = Policy::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NoSuchOp":{"aws:k":"v"}}}]}"#,
            PolicyKind::Identity,
        )
        .expect("valid");
        let mut ctx = Context::new();
        // Explicit deny, allow with an unevaluable statement, implicit deny, missing context key.
        for (tag, policies) in
            [("y", vec![&deny, &allow]), ("z", vec![&allow, &odd]), ("z", vec![&odd]), ("", vec![&deny])]
        {
            if tag.is_empty() {
                ctx.remove("aws:PrincipalTag/x");
            } else {
                ctx.insert("aws:PrincipalTag/x", tag);
            }
            let named: Vec<NamedPolicy> =
                policies.iter().map(|p| NamedPolicy { name: "identityPolicies[0] \"\u{1}\"", policy: p }).collect();
            let req = Request {
                principal: &p,
                action: "s3:GetObject",
                resource: "arn:aws:s3:::b/k",
                resource_account: None,
                context: &ctx,
            };
            let d = policy::evaluate(&req, &PolicySet { identity: &named, ..PolicySet::default() });
            let explanation = d.explain(&req);
            let id = RawValue::from_string("\"r-1\"".into()).expect("JSON");
            let mut ours = Vec::new();
            write_answer(&mut ours, Some(&id), &d, &explanation);
            let theirs = serde_json::to_vec(&Answer {
                id: Some(&id),
                decision: d.outcome,
                decided_by: &d.decided_by,
                matched: &d.matched,
                unevaluable: (!d.unevaluable.is_empty()).then(|| d.to_json()["unevaluable"].take()),
                missing_context: &d.missing_context,
                explanation: &explanation,
            })
            .expect("serializes");
            assert_eq!(String::from_utf8(ours).expect("UTF-8"), String::from_utf8(theirs).expect("UTF-8"));
        }
    }

    const ALLOW_S3: &str =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

    #[test]
    fn principals_from_arns() {
        assert_eq!(principal_from("arn:aws:iam::111122223333:root").unwrap().kind, PrincipalKind::Root);
        let s = principal_from("arn:aws:sts::111122223333:assumed-role/Dev/alice").unwrap();
        assert_eq!(s.principal_arn, "arn:aws:iam::111122223333:role/Dev");
        assert_eq!(principal_from("lambda.amazonaws.com").unwrap().kind, PrincipalKind::Service);
        assert_eq!(principal_from("anonymous").unwrap().kind, PrincipalKind::Anonymous);
        assert!(principal_from("bob").is_err());
        assert!(principal_from("arn:aws:iam::12:user/bob").is_err());
    }

    #[test]
    fn answers_lines_and_arrays_and_caches_documents() {
        let mut ev = Evaluator::new();
        let req = format!(
            r#"{{"id":"a","principal":"arn:aws:iam::111122223333:user/bob","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111122223333","identityPolicies":[{ALLOW_S3}]}}"#
        );
        let mut out = Vec::new();
        assert_eq!(ev.run(&format!("{req}\n\n{req}\n"), &mut out), 0);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["decision"], "Allowed");
        assert_eq!(lines[0]["id"], "a");
        assert_eq!(ev.cached(), 1);
        let mut out = Vec::new();
        ev.run(
            &format!("[{req}, {}]", req.replace("s3:GetObject\",\"resource", "s3:PutObject\",\"resource")),
            &mut out,
        );
        let out = String::from_utf8(out).unwrap();
        assert!(out.lines().nth(1).unwrap().contains("ImplicitlyDenied"));
    }

    #[test]
    fn defined_policies_are_referenced_by_name() {
        let mut ev = Evaluator::new();
        let mut out = Vec::new();
        let input = format!(
            "{{\"define\": {{\"AllowGet\": {ALLOW_S3}}}}}\n{}\n{}\n",
            r#"{"id":1,"principal":"arn:aws:iam::111122223333:user/bob","action":"s3:GetObject","resource":"*","identityPolicies":["@AllowGet"]}"#,
            r#"{"id":2,"principal":"arn:aws:iam::111122223333:user/bob","action":"s3:GetObject","resource":"*","identityPolicies":["@Nope"]}"#
        );
        assert_eq!(ev.run(&input, &mut out), 1);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2, "definitions produce no answer: {out}");
        assert_eq!(lines[0]["decision"], "Allowed");
        assert!(lines[1]["error"].as_str().unwrap().contains("no policy is defined as 'Nope'"));
    }

    #[test]
    fn bad_requests_get_an_error_line_and_the_rest_go_on() {
        let mut ev = Evaluator::new();
        let mut out = Vec::new();
        let good = r#"{"principal":"arn:aws:iam::111122223333:root","action":"s3:GetObject","resource":"*"}"#;
        let errors = ev.run(&format!("{{\"principal\":1}}\n{good}\n{{\"principal\":\"x\",\"action\":\"a:b\",\"resource\":\"*\",\"identityPolicies\":[{{\"Statement\":5}}]}}\n"), &mut out);
        assert_eq!(errors, 2);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].contains("line 1: invalid request"), "{}", lines[0]);
        assert!(lines[1].contains("Allowed"));
        assert!(lines[2].contains("line 3"));
    }
}
