//! Generated authorization cases, shared by the differential and the metamorphic tests.
//!
//! A [`Case`] is kept abstract (statements as small structs, not JSON) so that metamorphic tests
//! can add, remove, reorder and damage statements, then render the documents for the engine's
//! parser. Its request and documents come from the model crate's public strategies
//! (`rootsim_model::strategies`, feature `proptest`), which library users draw from too.

use super::{Caller, Docs, Kind, Req, Verdict};
use proptest::prelude::*;
use rootsim_model::policy::{
    Context, Decision, NamedPolicy, ParseOptions, Policy, PolicyKind, PolicySet, PrincipalKind, Request,
};
use serde_json::{json, Map, Value};

use rootsim_model::strategies::{doc, multi_valued, principal_arn, rcp_level, request, scp_level, Doc, ACCOUNTS};

/// One generated request with every layer of policies.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub caller_kind: Kind,
    pub caller_account: usize,
    pub action: String,
    pub resource: String,
    pub resource_account: usize,
    pub context: Vec<(String, Vec<String>)>,
    pub identity: Vec<Doc>,
    pub boundary: Option<Doc>,
    /// Used only when the caller is a role session.
    pub session: Option<Doc>,
    pub resource_policy: Option<Doc>,
    pub scps: Option<Vec<Vec<Doc>>>,
    pub rcps: Option<Vec<Vec<Doc>>>,
}

/// A whole case: caller, target, context and every layer.
pub fn case() -> impl Strategy<Value = Case> {
    let own = (
        prop::collection::vec(doc(PolicyKind::Identity), 0..=3),
        prop::option::weighted(0.3, doc(PolicyKind::Boundary)),
        prop::option::weighted(0.3, doc(PolicyKind::Session)),
        doc(PolicyKind::Session),
        prop::bool::weighted(0.8),
    );
    let others = (
        prop::option::weighted(0.5, doc(PolicyKind::Resource)),
        prop::option::weighted(0.35, prop::collection::vec(scp_level(), 1..=3)),
        prop::option::weighted(0.25, prop::collection::vec(rcp_level(), 1..=2)),
    );
    (request(), own, others).prop_map(|(r, own, others)| {
        let caller_kind = kind_of(r.kind);
        Case {
            caller_kind,
            caller_account: r.account,
            action: r.action,
            resource: r.resource,
            resource_account: r.resource_account,
            context: r.context,
            // Services and anonymous callers have no identity policies or boundary.
            identity: if matches!(caller_kind, Kind::Service | Kind::Anonymous) { vec![] } else { own.0 },
            boundary: if matches!(caller_kind, Kind::Service | Kind::Anonymous) { None } else { own.1 },
            // A federated user mostly has a session policy (without one it has no permissions).
            session: if caller_kind == Kind::Federated && own.4 { own.2.or(Some(own.3)) } else { own.2 },
            resource_policy: others.0,
            // SCPs govern principals of member accounts; services and anonymous callers have none.
            scps: if matches!(caller_kind, Kind::Service | Kind::Anonymous) { None } else { others.1 },
            rcps: others.2,
        }
    })
}

/// The reference's caller kind for a generated principal's kind.
fn kind_of(k: PrincipalKind) -> Kind {
    match k {
        PrincipalKind::User => Kind::User,
        PrincipalKind::AssumedRole => Kind::RoleSession,
        PrincipalKind::Root => Kind::Root,
        PrincipalKind::FederatedUser => Kind::Federated,
        PrincipalKind::Service => Kind::Service,
        PrincipalKind::Anonymous => Kind::Anonymous,
    }
}

// ---------------------------------------------------------------------------------------------
// Running a case through the engine and the reference.

/// Every document of a case, parsed once by the engine's parser.
pub struct Parsed {
    pub identity: Vec<Policy>,
    pub boundary: Option<Policy>,
    pub session: Option<Policy>,
    pub resource: Option<Policy>,
    pub scps: Option<Vec<Vec<Policy>>>,
    pub rcps: Option<Vec<Vec<Policy>>>,
}

/// A request ready for both evaluators: from a generated [`Case`] or from a saved `rootsim eval`
/// request ([`Inputs::from_eval_request`]).
pub struct Inputs {
    pub caller: Caller,
    pub action: String,
    pub resource: String,
    pub resource_account: String,
    pub context: Vec<(String, Vec<String>)>,
    pub parsed: Parsed,
}

impl Case {
    fn account(&self) -> &'static str {
        ACCOUNTS[self.caller_account]
    }

    /// The caller's ARN as `rootsim eval` takes it (the session ARN for a role session).
    pub fn caller_arn(&self) -> String {
        let kind = match self.caller_kind {
            Kind::User => PrincipalKind::User,
            Kind::RoleSession => PrincipalKind::AssumedRole,
            Kind::Root => PrincipalKind::Root,
            Kind::Federated => PrincipalKind::FederatedUser,
            Kind::Service => PrincipalKind::Service,
            Kind::Anonymous => PrincipalKind::Anonymous,
        };
        principal_arn(kind, self.caller_account)
    }

    /// Every document of the case with its kind, for metamorphic edits.
    pub fn docs_mut(&mut self) -> Vec<(PolicyKind, &mut Doc)> {
        let mut out: Vec<(PolicyKind, &mut Doc)> = Vec::new();
        out.extend(self.identity.iter_mut().map(|d| (PolicyKind::Identity, d)));
        out.extend(self.boundary.iter_mut().map(|d| (PolicyKind::Boundary, d)));
        out.extend(self.session.iter_mut().map(|d| (PolicyKind::Session, d)));
        out.extend(self.resource_policy.iter_mut().map(|d| (PolicyKind::Resource, d)));
        out.extend(self.scps.iter_mut().flatten().flatten().map(|d| (PolicyKind::Scp, d)));
        out.extend(self.rcps.iter_mut().flatten().flatten().map(|d| (PolicyKind::Rcp, d)));
        out
    }

    /// Session policies exist only for role sessions.
    fn session_doc(&self) -> Option<&Doc> {
        self.session.as_ref().filter(|_| matches!(self.caller_kind, Kind::RoleSession | Kind::Federated))
    }

    /// Parses every document and builds the request.
    pub fn inputs(&self) -> Inputs {
        let levels = |l: &Option<Vec<Vec<Doc>>>, kind| {
            l.as_ref().map(|l| l.iter().map(|level| level.iter().map(|d| d.parse(kind)).collect()).collect())
        };
        let parsed = Parsed {
            identity: self.identity.iter().map(|d| d.parse(PolicyKind::Identity)).collect(),
            boundary: self.boundary.as_ref().map(|d| d.parse(PolicyKind::Boundary)),
            session: self.session_doc().map(|d| d.parse(PolicyKind::Session)),
            resource: self.resource_policy.as_ref().map(|d| d.parse(PolicyKind::Resource)),
            scps: levels(&self.scps, PolicyKind::Scp),
            rcps: levels(&self.rcps, PolicyKind::Rcp),
        };
        Inputs {
            caller: caller_from(&self.caller_arn()),
            action: self.action.clone(),
            resource: self.resource.clone(),
            resource_account: ACCOUNTS[self.resource_account].to_string(),
            context: self.context.clone(),
            parsed,
        }
    }

    /// The case as one `rootsim eval` request (docs/eval.md). `RCPFullAWSAccess` appears as its
    /// document; `rootsim eval` parses RCPs as customer policies and rejects its Allow, so a
    /// case with RCPs replays through [`Inputs::from_eval_request`], not through the CLI.
    pub fn to_eval_request(&self) -> Value {
        let mut m = Map::new();
        m.insert("principal".into(), json!(self.caller_arn()));
        m.insert("action".into(), json!(self.action));
        m.insert("resource".into(), json!(self.resource));
        m.insert("resourceAccount".into(), json!(ACCOUNTS[self.resource_account]));
        let ctx: Map<String, Value> = self
            .context
            .iter()
            .map(|(k, v)| (k.clone(), if multi_valued(k) { json!(v) } else { json!(v.concat()) }))
            .collect();
        m.insert("context".into(), Value::Object(ctx));
        m.insert(
            "identityPolicies".into(),
            Value::Array(self.identity.iter().map(|d| d.render(PolicyKind::Identity)).collect()),
        );
        if let Some(d) = &self.resource_policy {
            m.insert("resourcePolicy".into(), d.render(PolicyKind::Resource));
        }
        if let Some(d) = &self.boundary {
            m.insert("permissionsBoundary".into(), d.render(PolicyKind::Boundary));
        }
        if let Some(d) = self.session_doc() {
            m.insert("sessionPolicy".into(), d.render(PolicyKind::Session));
        }
        let levels = |l: &Vec<Vec<Doc>>, kind| -> Value {
            Value::Array(l.iter().map(|level| Value::Array(level.iter().map(|d| d.render(kind)).collect())).collect())
        };
        if let Some(l) = &self.scps {
            m.insert("scps".into(), levels(l, PolicyKind::Scp));
        }
        if let Some(l) = &self.rcps {
            m.insert("rcps".into(), levels(l, PolicyKind::Rcp));
        }
        Value::Object(m)
    }
}

/// The reference's caller for a user, role-session, federated-user or root ARN, a service
/// principal, or `anonymous`.
pub fn caller_from(arn: &str) -> Caller {
    if arn == "anonymous" || arn.ends_with(".amazonaws.com") {
        let kind = if arn == "anonymous" { Kind::Anonymous } else { Kind::Service };
        return Caller {
            kind,
            arn: arn.to_string(),
            principal_arn: arn.to_string(),
            account: String::new(),
            user_name: None,
        };
    }
    let account = arn.split(':').nth(4).unwrap_or_default().to_string();
    let (kind, principal_arn, user_name) = if arn.contains(":federated-user/") {
        (Kind::Federated, arn.to_string(), None)
    } else if let Some(rest) = arn.split_once(":assumed-role/").map(|(_, r)| r) {
        let role = rest.split('/').next().unwrap_or_default();
        (Kind::RoleSession, format!("arn:aws:iam::{account}:role/{role}"), None)
    } else if let Some((_, name)) = arn.split_once(":user/") {
        (Kind::User, arn.to_string(), Some(name.rsplit('/').next().unwrap_or(name).to_string()))
    } else {
        (Kind::Root, arn.to_string(), None)
    };
    Caller { kind, arn: arn.to_string(), principal_arn, account, user_name }
}

/// Parses one document of a saved request; `RCPFullAWSAccess` (an RCP that allows) is
/// AWS-managed.
fn parse_saved(doc: &Value, kind: PolicyKind) -> Policy {
    let text = match doc {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let aws_managed = kind == PolicyKind::Rcp && text.contains("\"Allow\"");
    let opts = ParseOptions { aws_managed, ..ParseOptions::default() };
    Policy::parse_with(&text, kind, &opts).unwrap_or_else(|e| panic!("saved {kind:?} policy rejected: {e}\n{text}"))
}

impl Inputs {
    /// A saved `rootsim eval` request (as written by the differential test).
    pub fn from_eval_request(req: &Value) -> Inputs {
        let s = |k: &str| req[k].as_str().unwrap_or_default().to_string();
        let caller = caller_from(&s("principal"));
        let levels = |k: &str, kind| {
            req[k].as_array().filter(|l| !l.is_empty()).map(|l| {
                l.iter()
                    .map(|level| level.as_array().into_iter().flatten().map(|d| parse_saved(d, kind)).collect())
                    .collect()
            })
        };
        let parsed = Parsed {
            identity: req["identityPolicies"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| parse_saved(d, PolicyKind::Identity))
                .collect(),
            boundary: req.get("permissionsBoundary").map(|d| parse_saved(d, PolicyKind::Boundary)),
            session: req.get("sessionPolicy").map(|d| parse_saved(d, PolicyKind::Session)),
            resource: req.get("resourcePolicy").map(|d| parse_saved(d, PolicyKind::Resource)),
            scps: levels("scps", PolicyKind::Scp),
            rcps: levels("rcps", PolicyKind::Rcp),
        };
        let context = req["context"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                let one = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
                let values = match v {
                    Value::Array(items) => items.iter().map(one).collect(),
                    other => vec![one(other)],
                };
                (k.clone(), values)
            })
            .collect();
        let resource_account = req["resourceAccount"].as_str().map_or_else(|| caller.account.clone(), str::to_string);
        Inputs { caller, action: s("action"), resource: s("resource"), resource_account, context, parsed }
    }

    /// The engine's decision.
    pub fn engine(&self) -> Decision<'static> {
        // The principal as `rootsim eval` reads it (docs/eval.md).
        let principal = rootsim_model::eval::principal_from(&self.caller.arn)
            .unwrap_or_else(|e| panic!("generated principal rejected: {e}"));
        let mut ctx = Context::new();
        for (k, v) in &self.context {
            if multi_valued(k) {
                ctx.insert_multi(k, v.clone());
            } else {
                ctx.insert(k, v.concat());
            }
        }
        let p = &self.parsed;
        let identity_names: Vec<String> = (0..p.identity.len()).map(|i| format!("identityPolicies[{i}]")).collect();
        let identity: Vec<NamedPolicy> =
            identity_names.iter().zip(&p.identity).map(|(n, p)| NamedPolicy { name: n, policy: p }).collect();
        let level_names = |l: &Option<Vec<Vec<Policy>>>, field: &str| -> Vec<Vec<String>> {
            l.iter()
                .flatten()
                .enumerate()
                .map(|(i, level)| (0..level.len()).map(|j| format!("{field}[{i}][{j}]")).collect())
                .collect()
        };
        let scp_names = level_names(&p.scps, "scps");
        let rcp_names = level_names(&p.rcps, "rcps");
        let scps: Option<Vec<Vec<NamedPolicy>>> = p.scps.as_ref().map(|l| {
            l.iter()
                .zip(&scp_names)
                .map(|(level, names)| {
                    level.iter().zip(names).map(|(p, n)| NamedPolicy { name: n, policy: p }).collect()
                })
                .collect()
        });
        let rcps: Option<Vec<Vec<NamedPolicy>>> = p.rcps.as_ref().map(|l| {
            l.iter()
                .zip(&rcp_names)
                .map(|(level, names)| {
                    level.iter().zip(names).map(|(p, n)| NamedPolicy { name: n, policy: p }).collect()
                })
                .collect()
        });
        let scp_slices: Option<Vec<&[NamedPolicy]>> = scps.as_ref().map(|l| l.iter().map(Vec::as_slice).collect());
        let rcp_slices: Option<Vec<&[NamedPolicy]>> = rcps.as_ref().map(|l| l.iter().map(Vec::as_slice).collect());
        let session: Vec<NamedPolicy> =
            p.session.iter().map(|p| NamedPolicy { name: "sessionPolicy", policy: p }).collect();
        let set = PolicySet {
            scps: scp_slices.as_deref(),
            rcps: rcp_slices.as_deref(),
            resource: p.resource.as_ref().map(|p| NamedPolicy { name: "resourcePolicy", policy: p }),
            resource_must_allow: false,
            identity: &identity,
            boundary: p.boundary.as_ref().map(|p| NamedPolicy { name: "permissionsBoundary", policy: p }),
            session: &session,
            task: None,
        };
        let req = Request {
            principal: &principal,
            action: &self.action,
            resource: &self.resource,
            resource_account: Some(&self.resource_account),
            context: &ctx,
        };
        rootsim_model::policy::evaluate(&req, &set).into_owned()
    }

    /// The reference's verdict, from the documents as the engine's parser read them
    /// (`Policy::to_json`), re-interpreted by the reference itself.
    pub fn reference(&self) -> Verdict {
        let req = Req {
            caller: self.caller.clone(),
            action: self.action.clone(),
            resource: self.resource.clone(),
            resource_account: self.resource_account.clone(),
            context: self.context.clone(),
            // Set by the reference from the documents it is given.
            has_boundary: false,
        };
        let p = &self.parsed;
        let levels = |l: &Option<Vec<Vec<Policy>>>| {
            l.as_ref().map(|l| l.iter().map(|level| level.iter().map(Policy::to_json).collect()).collect())
        };
        let docs = Docs {
            scps: levels(&p.scps),
            rcps: levels(&p.rcps),
            resource: p.resource.as_ref().map(Policy::to_json),
            identity: p.identity.iter().map(Policy::to_json).collect(),
            boundary: p.boundary.as_ref().map(Policy::to_json),
            session: p.session.iter().map(Policy::to_json).collect(),
        };
        super::evaluate(&req, &docs)
    }
}
