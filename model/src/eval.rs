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
use std::collections::HashMap;

/// One request as written in the input. Policies stay raw text until the cache needs them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawRequest<'a> {
    #[serde(default, borrow)]
    id: Option<&'a RawValue>,
    principal: String,
    action: String,
    resource: String,
    #[serde(default)]
    resource_account: Option<String>,
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

/// Evaluates `eval` requests, parsing each distinct policy document once.
#[derive(Default)]
pub struct Evaluator {
    /// Parsed documents by text, one map per policy kind (looked up by `&str`, no allocation).
    cache: [HashMap<String, Policy>; 7],
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

/// The global condition keys that follow from the principal and the resource account, as AWS
/// fills them (facts §5.7). Keys given in the request's context take precedence.
fn derived_context(p: &Principal, resource_account: Option<&str>, ctx: &mut Context) {
    let ptype = match p.kind {
        PrincipalKind::Root => "Account",
        PrincipalKind::User => "User",
        PrincipalKind::AssumedRole => "AssumedRole",
        PrincipalKind::FederatedUser => "FederatedUser",
        PrincipalKind::Service => "Service",
        PrincipalKind::Anonymous => "Anonymous",
    };
    let mut put = |k: &str, v: &str| {
        if ctx.get(k).is_none() {
            ctx.insert(k, v);
        }
    };
    put("aws:PrincipalType", ptype);
    if !matches!(p.kind, PrincipalKind::Service | PrincipalKind::Anonymous) {
        put("aws:PrincipalArn", &p.principal_arn);
        put("aws:PrincipalAccount", &p.account);
    }
    match p.kind {
        PrincipalKind::User => {
            put("aws:username", p.arn.rsplit('/').next().unwrap_or(""));
        }
        PrincipalKind::Root => put("aws:userid", &p.account),
        PrincipalKind::Anonymous => put("aws:userid", "anonymous"),
        PrincipalKind::Service => put("aws:PrincipalIsAWSService", "true"),
        _ => {}
    }
    if let Some(ra) = resource_account {
        put("aws:ResourceAccount", ra);
    }
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

    fn load(&mut self, raw: &RawValue, kind: PolicyKind, what: &str) -> Result<(), EvalError> {
        let text = raw.get();
        // A policy may be given as a JSON object or as a string holding the document.
        let owned;
        let text = if text.starts_with('"') {
            owned = serde_json::from_str::<String>(text).map_err(|e| EvalError(format!("{what}: {e}")))?;
            owned.as_str()
        } else {
            text
        };
        if self.cache[slot(kind)].contains_key(text) {
            return Ok(());
        }
        let p = Policy::parse(text, kind).map_err(|e| {
            EvalError(format!(
                "{what}: MalformedPolicyDocument: {} (line {}, column {}: {})",
                e.message, e.line, e.column, e.detail
            ))
        })?;
        self.cache[slot(kind)].insert(text.to_string(), p);
        Ok(())
    }

    /// Organization policy levels with their names; `None` (not governed) when absent or `[]`.
    fn named_levels<'a>(
        &'a self,
        levels: &Option<Vec<Vec<&RawValue>>>,
        names: &'a [Vec<String>],
        kind: PolicyKind,
    ) -> Option<Vec<Vec<NamedPolicy<'a>>>> {
        levels.as_ref().filter(|l| !l.is_empty()).map(|ls| {
            ls.iter()
                .zip(names)
                .map(|(level, ns)| {
                    level.iter().zip(ns).map(|(p, n)| NamedPolicy { name: n, policy: self.get(p, kind) }).collect()
                })
                .collect()
        })
    }

    fn get(&self, raw: &RawValue, kind: PolicyKind) -> &Policy {
        let text = raw.get();
        let map = &self.cache[slot(kind)];
        if text.starts_with('"') {
            // Documents given as JSON strings are rare; unescaping them allocates.
            let key = serde_json::from_str::<String>(text).unwrap_or_default();
            &map[key.as_str()]
        } else {
            &map[text]
        }
    }

    /// Answers one request (a JSON object) with one JSON object.
    pub fn answer(&mut self, request: &str) -> Value {
        let raw: RawRequest = match serde_json::from_str(request) {
            Ok(r) => r,
            Err(e) => return serde_json::json!({ "error": format!("invalid request: {e}") }),
        };
        let id: Value = raw.id.and_then(|r| serde_json::from_str(r.get()).ok()).unwrap_or(Value::Null);
        match self.decide(&raw) {
            Ok((decision, explanation)) => {
                let j = decision.to_json();
                let mut out = Map::new();
                out.insert("id".into(), id);
                out.insert("decision".into(), j["decision"].clone());
                out.insert("decidedBy".into(), j["decidedBy"].clone());
                out.insert("matched".into(), j["matched"].clone());
                if !decision.unevaluable.is_empty() {
                    out.insert("unevaluable".into(), j["unevaluable"].clone());
                }
                if !decision.missing_context.is_empty() {
                    out.insert("missingContext".into(), j["missingContext"].clone());
                }
                out.insert("explanation".into(), Value::String(explanation));
                Value::Object(out)
            }
            Err(e) => serde_json::json!({ "id": id, "error": e.0 }),
        }
    }

    fn decide(&mut self, raw: &RawRequest) -> Result<(Decision, String), EvalError> {
        let principal = principal_from(&raw.principal)?;
        if !raw.action.contains(':') {
            return Err(EvalError(format!("action '{}' needs a service prefix, as in s3:GetObject", raw.action)));
        }
        for (i, p) in raw.identity_policies.iter().enumerate() {
            self.load(p, PolicyKind::Identity, &format!("identityPolicies[{i}]"))?;
        }
        if let Some(p) = raw.resource_policy {
            let kind = if raw.action.eq_ignore_ascii_case("sts:AssumeRole") {
                PolicyKind::Trust
            } else {
                PolicyKind::Resource
            };
            self.load(p, kind, "resourcePolicy")?;
        }
        if let Some(p) = raw.permissions_boundary {
            self.load(p, PolicyKind::Boundary, "permissionsBoundary")?;
        }
        if let Some(p) = raw.session_policy {
            self.load(p, PolicyKind::Session, "sessionPolicy")?;
        }
        for (field, levels, kind) in [("scps", &raw.scps, PolicyKind::Scp), ("rcps", &raw.rcps, PolicyKind::Rcp)] {
            for (l, level) in levels.iter().flatten().enumerate() {
                for (i, p) in level.iter().enumerate() {
                    self.load(p, kind, &format!("{field}[{l}][{i}]"))?;
                }
            }
        }

        let resource_account = raw
            .resource_account
            .clone()
            .or_else(|| crate::arn::account_of(&raw.resource).map(str::to_string))
            .or_else(|| (!principal.account.is_empty()).then(|| principal.account.clone()));
        let mut context = context_from(&raw.context)?;
        derived_context(&principal, resource_account.as_deref(), &mut context);

        let names: Vec<String> = (0..raw.identity_policies.len()).map(|i| format!("identityPolicies[{i}]")).collect();
        let identity: Vec<NamedPolicy> = raw
            .identity_policies
            .iter()
            .zip(&names)
            .map(|(p, name)| {
                let kind = PolicyKind::Identity;
                NamedPolicy { name, policy: self.get(p, kind) }
            })
            .collect();
        let level_names = |field: &str, levels: &Option<Vec<Vec<&RawValue>>>| -> Vec<Vec<String>> {
            levels
                .iter()
                .flatten()
                .enumerate()
                .map(|(l, level)| (0..level.len()).map(|i| format!("{field}[{l}][{i}]")).collect())
                .collect()
        };
        let scp_names = level_names("scps", &raw.scps);
        let rcp_names = level_names("rcps", &raw.rcps);
        let scps = self.named_levels(&raw.scps, &scp_names, PolicyKind::Scp);
        let rcps = self.named_levels(&raw.rcps, &rcp_names, PolicyKind::Rcp);
        let scp_slices: Option<Vec<&[NamedPolicy]>> = scps.as_ref().map(|l| l.iter().map(Vec::as_slice).collect());
        let rcp_slices: Option<Vec<&[NamedPolicy]>> = rcps.as_ref().map(|l| l.iter().map(Vec::as_slice).collect());
        let resource_kind =
            if raw.action.eq_ignore_ascii_case("sts:AssumeRole") { PolicyKind::Trust } else { PolicyKind::Resource };
        let session: Vec<NamedPolicy> = raw
            .session_policy
            .iter()
            .map(|p| NamedPolicy { name: "sessionPolicy", policy: self.get(p, PolicyKind::Session) })
            .collect();
        let set = PolicySet {
            scps: scp_slices.as_deref(),
            rcps: rcp_slices.as_deref(),
            resource: raw
                .resource_policy
                .map(|p| NamedPolicy { name: "resourcePolicy", policy: self.get(p, resource_kind) }),
            resource_must_allow: resource_kind == PolicyKind::Trust,
            identity: &identity,
            boundary: raw
                .permissions_boundary
                .map(|p| NamedPolicy { name: "permissionsBoundary", policy: self.get(p, PolicyKind::Boundary) }),
            session: &session,
            task: None,
        };
        let req = Request {
            principal: &principal,
            action: &raw.action,
            resource: &raw.resource,
            resource_account: resource_account.as_deref(),
            context: &context,
        };
        let decision = policy::evaluate(&req, &set);
        let explanation = decision.explain(&req);
        Ok((decision, explanation))
    }

    /// Answers a whole input: a JSON array of requests, or one request per line (blank lines
    /// skipped). Writes one JSON line per request to `out`; returns how many failed.
    pub fn run(&mut self, input: &str, out: &mut String) -> usize {
        let mut errors = 0;
        let mut emit = |v: Value, out: &mut String| {
            if v.get("error").is_some() {
                errors += 1;
            }
            out.push_str(&v.to_string());
            out.push('\n');
        };
        if input.trim_start().starts_with('[') {
            match serde_json::from_str::<Vec<&RawValue>>(input) {
                Ok(items) => {
                    for item in items {
                        let v = self.answer(item.get());
                        emit(v, out);
                    }
                }
                Err(e) => emit(serde_json::json!({ "error": format!("invalid JSON array of requests: {e}") }), out),
            }
        } else {
            for (n, line) in input.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let mut v = self.answer(line);
                if let Some(Value::String(e)) = v.get_mut("error") {
                    *e = format!("line {}: {e}", n + 1);
                }
                emit(v, out);
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut out = String::new();
        assert_eq!(ev.run(&format!("{req}\n\n{req}\n"), &mut out), 0);
        let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["decision"], "Allowed");
        assert_eq!(lines[0]["id"], "a");
        assert_eq!(ev.cached(), 1);
        let mut out = String::new();
        ev.run(
            &format!("[{req}, {}]", req.replace("s3:GetObject\",\"resource", "s3:PutObject\",\"resource")),
            &mut out,
        );
        assert!(out.lines().nth(1).unwrap().contains("ImplicitlyDenied"));
    }

    #[test]
    fn bad_requests_get_an_error_line_and_the_rest_go_on() {
        let mut ev = Evaluator::new();
        let mut out = String::new();
        let good = r#"{"principal":"arn:aws:iam::111122223333:root","action":"s3:GetObject","resource":"*"}"#;
        let errors = ev.run(&format!("{{\"principal\":1}}\n{good}\n{{\"principal\":\"x\",\"action\":\"a:b\",\"resource\":\"*\",\"identityPolicies\":[{{\"Statement\":5}}]}}\n"), &mut out);
        assert_eq!(errors, 2);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].contains("line 1: invalid request"), "{}", lines[0]);
        assert!(lines[1].contains("Allowed"));
        assert!(lines[2].contains("line 3"));
    }
}
