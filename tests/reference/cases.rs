//! Generated authorization cases, shared by the differential and the metamorphic tests.
//!
//! A [`Case`] is kept abstract (statements as small structs, not JSON) so that metamorphic tests
//! can add, remove, reorder and damage statements, then render the documents for the engine's
//! parser. Pools are small on purpose: with a dozen actions, resources, principals and
//! conditions, statements match requests often, so allows, explicit denies and implicit denies
//! all occur in every run rather than "implicitly denied" almost always.

use super::{Caller, Docs, Kind, Req, Verdict};
use proptest::prelude::*;
use rootsim_model::policy::{Context, Decision, NamedPolicy, ParseOptions, Policy, PolicyKind, PolicySet, Request};
use serde_json::{json, Map, Value};

/// The two accounts: most callers live in the first, so same-account cases dominate.
pub const ACCOUNTS: [&str; 2] = ["111111111111", "222222222222"];

const ACTIONS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "S3:getobject",
    "s3:?utObject",
    "s3:*BucketPolicy",
    "s3:DeleteBucketPolicy",
    "iam:*",
    "iam:GetUser",
    "IAM:Get*",
    "sqs:SendMessage",
    "sqs:*",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket-a",
    "arn:aws:s3:::bucket-a/*",
    "arn:aws:s3:::bucket-?/*",
    "arn:aws:s3:::Bucket-A/*",
    "arn:aws:s3:::bucket-a*",
    "arn:aws:s3:::*",
    "arn:aws:iam::*:user/*",
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:iam::222222222222:user/a*",
    "arn:aws:sqs:*:222222222222:*",
    "arn:aws:sqs:us-east-1:*:queue?",
    "arn:aws:iam::11111111111?:user/alice",
    "arn:aws:sqs:us-east-?:*:*",
    // Policy variables (resolved from the context; literal in a 2008-10-17 document).
    "arn:aws:iam::111111111111:user/${aws:username}",
    "arn:aws:s3:::bucket-${aws:PrincipalTag/team}/*",
    "arn:aws:s3:::bucket-a/${aws:PrincipalTag/team, 'key'}.txt",
    "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:*",
    "arn:aws:s3:::bucket-a/key${?}txt",
];

/// `"*"` as the whole `Principal` value; everything else goes under `"AWS"`.
const ANYONE: &str = "ANYONE";

const PRINCIPALS: &[&str] = &[
    ANYONE,
    "*",
    "111111111111",
    "arn:aws:iam::111111111111:root",
    "arn:aws:iam::222222222222:root",
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:iam::222222222222:user/alice",
    "arn:aws:iam::111111111111:role/Dev",
    "arn:aws:iam::222222222222:role/Dev",
    "arn:aws:sts::111111111111:assumed-role/Dev/s1",
    "222222222222",
    "arn:aws:sts::222222222222:assumed-role/Dev/s1",
    "arn:aws:sts::111111111111:federated-user/alice",
    "arn:aws:sts::222222222222:federated-user/alice",
    "SERVICE:lambda.amazonaws.com",
    "SERVICE:sqs.amazonaws.com",
];

/// The service of [`PRINCIPALS`] entries written `SERVICE:name` (rendered under `"Service"`).
const SERVICE: &str = "SERVICE:";

/// (operator, key, values). Key spellings vary in case: names are case-insensitive.
const CONDITIONS: &[(&str, &str, &[&str])] = &[
    ("StringEquals", "aws:PrincipalTag/team", &["dev"]),
    ("StringEquals", "aws:principaltag/TEAM", &["dev", "prod"]),
    ("StringLike", "aws:PrincipalTag/team", &["d*"]),
    ("StringNotEquals", "aws:PrincipalTag/team", &["dev"]),
    ("StringNotEqualsIfExists", "aws:PrincipalTag/team", &["prod"]),
    ("StringEqualsIfExists", "aws:PrincipalTag/team", &["dev"]),
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", &["DEV"]),
    ("StringNotLike", "aws:PrincipalTag/team", &["p*"]),
    ("Bool", "aws:MultiFactorAuthPresent", &["true"]),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", &["false"]),
    ("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
    ("NumericLessThanIfExists", "aws:multifactorauthage", &["3600"]),
    ("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", &["100"]),
    ("Null", "aws:MultiFactorAuthAge", &["true"]),
    ("Null", "aws:PrincipalTag/team", &["false"]),
    ("StringEquals", "aws:PrincipalAccount", &["111111111111"]),
    ("StringNotEquals", "aws:ResourceAccount", &["111111111111"]),
    ("StringEquals", "aws:PrincipalType", &["Account"]),
    ("StringEquals", "aws:username", &["alice"]),
    ("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::*:root"]),
    ("ArnNotLike", "aws:PrincipalArn", &["arn:aws:iam::111111111111:*"]),
    ("ArnEquals", "aws:PrincipalArn", &["arn:aws:iam::222222222222:role/Dev"]),
    ("StringLike", "aws:PrincipalArn", &["arn:aws:iam::*:role/*"]),
    ("ArnEquals", "aws:PrincipalArn", &["arn:aws:iam::111111111111:role/Dev"]),
    ("StringNotEquals", "aws:PrincipalTag/team", &["dev", "prod"]),
    ("StringNotLike", "aws:PrincipalTag/team", &["d*", "p*"]),
    ("StringLike", "aws:PrincipalTag/team", &["?ev"]),
    // Unquoted JSON booleans and numbers (a leading '#' marks a raw JSON value).
    ("Bool", "aws:MultiFactorAuthPresent", &["#true"]),
    ("NumericLessThan", "aws:MultiFactorAuthAge", &["#3600"]),
    // Policy variables in String and ARN values (aws-facts §5.7).
    ("StringEquals", "aws:PrincipalTag/team", &["${aws:username}"]),
    ("StringLike", "aws:PrincipalArn", &["arn:aws:iam::${aws:PrincipalAccount}:*"]),
    ("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::*:user/${aws:PrincipalTag/team}"]),
    ("StringNotEquals", "aws:PrincipalTag/team", &["${aws:PrincipalTag/unit}"]),
    ("StringEquals", "aws:PrincipalTag/team", &["${aws:PrincipalTag/unit, 'dev'}"]),
    ("StringLike", "aws:PrincipalTag/team", &["${*}"]),
    ("StringEquals", "aws:PrincipalTag/team", &["${$}dev"]),
    ("StringEquals", "aws:ResourceAccount", &["${aws:PrincipalAccount}"]),
    // Set operators over the multi-valued aws:TagKeys (missing, empty or several values).
    ("ForAllValues:StringEquals", "aws:TagKeys", &["team", "cost"]),
    ("ForAnyValue:StringEquals", "aws:TagKeys", &["team"]),
    ("ForAnyValue:StringLike", "aws:tagkeys", &["c*"]),
    ("ForAllValues:StringNotEquals", "aws:TagKeys", &["secret"]),
    ("ForAnyValue:StringNotEquals", "aws:TagKeys", &["team"]),
    ("ForAllValues:StringLike", "aws:TagKeys", &["t*", "c?st"]),
    ("ForAllValues:StringEqualsIgnoreCase", "aws:TagKeys", &["TEAM"]),
    // Principal-type keys of the other callers.
    ("StringEquals", "aws:PrincipalType", &["FederatedUser"]),
    ("StringEquals", "aws:PrincipalType", &["Anonymous"]),
    ("StringEqualsIfExists", "aws:PrincipalAccount", &["222222222222"]),
];

/// Keys that are multi-valued: the context gives them as a list.
pub fn multi_valued(key: &str) -> bool {
    key.eq_ignore_ascii_case("aws:TagKeys")
}

/// An operator no engine knows: the statement becomes unevaluable.
pub const UNKNOWN_OPERATOR: &str = "StringEqualsButNotReally";

/// (action, resource, owning account index): actions only meet resources of their service.
const TARGETS: &[(&str, &str, usize)] = &[
    ("s3:GetObject", "arn:aws:s3:::bucket-a/key.txt", 0),
    ("s3:PutObject", "arn:aws:s3:::bucket-a/key.txt", 0),
    ("s3:GetObject", "arn:aws:s3:::bucket-b/data/x.csv", 1),
    ("s3:GetBucketPolicy", "arn:aws:s3:::bucket-a", 0),
    ("s3:DeleteBucketPolicy", "arn:aws:s3:::bucket-a", 0),
    ("s3:PutBucketPolicy", "arn:aws:s3:::bucket-b", 1),
    ("iam:GetUser", "arn:aws:iam::111111111111:user/alice", 0),
    ("iam:GetUser", "arn:aws:iam::222222222222:user/alice", 1),
    ("sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:queue1", 0),
    ("sqs:SendMessage", "arn:aws:sqs:us-east-1:222222222222:queue2", 1),
];

/// One condition: operator, key, values.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    pub op: String,
    pub key: String,
    pub values: Vec<String>,
}

/// One statement, before rendering.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stmt {
    pub allow: bool,
    pub not_action: bool,
    pub actions: Vec<String>,
    pub not_resource: bool,
    pub resources: Vec<String>,
    /// Entries of `Principal` (resource policies only; see [`ANYONE`] and [`SERVICE`]).
    pub principals: Vec<String>,
    /// The entries are a `NotPrincipal` (resource-policy `Deny` statements only).
    pub not_principal: bool,
    pub conditions: Vec<Cond>,
}

impl Stmt {
    /// `Effect: Deny` on everything, for everyone: the bluntest deny there is.
    pub fn deny_all() -> Stmt {
        Stmt {
            allow: false,
            not_action: false,
            actions: vec!["*".into()],
            not_resource: false,
            resources: vec!["*".into()],
            principals: vec![ANYONE.into()],
            not_principal: false,
            conditions: vec![],
        }
    }
}

/// One policy document, before rendering.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    pub stmts: Vec<Stmt>,
    /// `"Version": "2008-10-17"`: policy variables are literal text.
    pub legacy_version: bool,
    /// `RCPFullAWSAccess`: an AWS-managed RCP that allows everything (only AWS may write RCP
    /// allows, so it is parsed with `ParseOptions::aws_managed`).
    pub rcp_full_access: bool,
}

impl Doc {
    fn full_access() -> Doc {
        let stmt = Stmt {
            allow: true,
            not_action: false,
            actions: vec!["*".into()],
            not_resource: false,
            resources: vec!["*".into()],
            principals: vec![ANYONE.into()],
            not_principal: false,
            conditions: vec![],
        };
        Doc { stmts: vec![stmt], ..Doc::default() }
    }

    /// The document's JSON for a policy of `kind`. Each kind gets only the elements its grammar
    /// allows, so that every generated document parses.
    pub fn render(&self, kind: PolicyKind) -> Value {
        let one_or_many = |v: &[String]| if v.len() == 1 { json!(v[0]) } else { json!(v) };
        let stmts: Vec<Value> = self
            .stmts
            .iter()
            .map(|s| {
                let mut m = Map::new();
                m.insert("Effect".into(), json!(if s.allow { "Allow" } else { "Deny" }));
                if matches!(kind, PolicyKind::Resource | PolicyKind::Rcp) {
                    let p = if kind == PolicyKind::Rcp || s.principals.iter().any(|p| p == ANYONE) {
                        json!("*")
                    } else {
                        let (services, aws): (Vec<String>, Vec<String>) =
                            s.principals.iter().cloned().partition(|p| p.starts_with(SERVICE));
                        let services: Vec<String> =
                            services.iter().map(|p| p.trim_start_matches(SERVICE).to_string()).collect();
                        let mut p = Map::new();
                        if !aws.is_empty() {
                            p.insert("AWS".into(), one_or_many(&aws));
                        }
                        if !services.is_empty() {
                            p.insert("Service".into(), one_or_many(&services));
                        }
                        Value::Object(p)
                    };
                    let name =
                        if s.not_principal && kind == PolicyKind::Resource { "NotPrincipal" } else { "Principal" };
                    m.insert(name.into(), p);
                }
                m.insert((if s.not_action { "NotAction" } else { "Action" }).into(), one_or_many(&s.actions));
                m.insert((if s.not_resource { "NotResource" } else { "Resource" }).into(), one_or_many(&s.resources));
                if !s.conditions.is_empty() {
                    let mut block = Map::new();
                    for c in &s.conditions {
                        let keys = block.entry(c.op.clone()).or_insert_with(|| json!({}));
                        let keys = keys.as_object_mut().expect("an object");
                        // A key may appear once per operator (names ignore case).
                        if !keys.keys().any(|k| k.eq_ignore_ascii_case(&c.key)) {
                            let raw = |v: &String| match v.strip_prefix('#') {
                                Some(json) => serde_json::from_str(json).unwrap_or_else(|_| json!(v)),
                                None => json!(v),
                            };
                            let values: Vec<Value> = c.values.iter().map(raw).collect();
                            let value = if values.len() == 1 { values[0].clone() } else { Value::Array(values) };
                            keys.insert(c.key.clone(), value);
                        }
                    }
                    m.insert("Condition".into(), Value::Object(block));
                }
                Value::Object(m)
            })
            .collect();
        // A lone statement is sometimes written as an object rather than a one-element list
        // (both are valid); which one follows from the statement, so rendering is stable.
        // RCPs must say 2012-10-17; elsewhere a legacy document keeps `${...}` literal.
        let version = if self.legacy_version && kind != PolicyKind::Rcp { "2008-10-17" } else { "2012-10-17" };
        if stmts.len() == 1 && self.stmts[0].actions[0].starts_with('s') {
            return json!({ "Version": version, "Statement": stmts[0] });
        }
        json!({ "Version": version, "Statement": stmts })
    }

    /// Parses the rendered document with the engine's parser.
    pub fn parse(&self, kind: PolicyKind) -> Policy {
        let text = self.render(kind).to_string();
        let opts = ParseOptions { aws_managed: self.rcp_full_access, ..ParseOptions::default() };
        Policy::parse_with(&text, kind, &opts)
            .unwrap_or_else(|e| panic!("generated {kind:?} policy rejected: {e}\n{text}"))
    }
}

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

// ---------------------------------------------------------------------------------------------
// Strategies.

fn pick(pool: &'static [&'static str], n: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::sample::select(pool).prop_map(str::to_string), n)
}

fn condition() -> impl Strategy<Value = Cond> {
    prop_oneof![
        30 => prop::sample::select(CONDITIONS).prop_map(|(op, key, values)| Cond {
            op: op.to_string(),
            key: key.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }),
        1 => Just(Cond { op: UNKNOWN_OPERATOR.into(), key: "aws:PrincipalTag/team".into(), values: vec!["dev".into()] }),
    ]
}

/// A statement valid in a policy of `kind`.
pub fn stmt(kind: PolicyKind) -> impl Strategy<Value = Stmt> {
    let conditions = prop_oneof![3 => Just(vec![]), 2 => prop::collection::vec(condition(), 1..=2)];
    (
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.1),
        pick(ACTIONS, 1..=2),
        prop::bool::weighted(0.1),
        pick(RESOURCES, 1..=2),
        pick(PRINCIPALS, 1..=3),
        prop::bool::weighted(0.25),
        conditions,
    )
        .prop_map(
            move |(allow, not_action, actions, not_resource, resources, principals, not_principal, conditions)| {
                let s =
                    Stmt { allow, not_action, actions, not_resource, resources, principals, not_principal, conditions };
                fit(s, kind)
            },
        )
}

/// Makes a statement valid in a policy of `kind`.
pub fn fit(mut s: Stmt, kind: PolicyKind) -> Stmt {
    // NotPrincipal: resource-policy Deny statements only, and never "*" (which would exempt
    // everyone and is not what anyone writes).
    s.not_principal &= kind == PolicyKind::Resource && !s.allow;
    if s.not_principal {
        s.principals.retain(|p| p != ANYONE && p != "*");
        if s.principals.is_empty() {
            s.principals.push("arn:aws:iam::111111111111:root".into());
        }
    }
    match kind {
        // SCP allows may only name Resource "*".
        PolicyKind::Scp if s.allow => {
            s.not_resource = false;
            s.resources = vec!["*".into()];
        }
        // Customer RCPs: Deny only, Action (not NotAction, not a bare "*").
        PolicyKind::Rcp => {
            s.allow = false;
            s.not_action = false;
            for a in &mut s.actions {
                if a == "*" {
                    *a = "s3:*".into();
                }
            }
        }
        _ => {}
    }
    s
}

/// A document of 1–4 statements valid as a policy of `kind`.
pub fn doc(kind: PolicyKind) -> impl Strategy<Value = Doc> {
    (prop::collection::vec(stmt(kind), 1..=4), prop::bool::weighted(0.15)).prop_map(|(stmts, legacy_version)| Doc {
        stmts,
        legacy_version,
        rcp_full_access: false,
    })
}

/// One SCP level: usually `FullAWSAccess`, often a generated SCP beside it, sometimes neither.
fn scp_level() -> impl Strategy<Value = Vec<Doc>> {
    (prop::bool::weighted(0.8), prop::option::weighted(0.5, doc(PolicyKind::Scp))).prop_map(|(full, extra)| {
        let mut level: Vec<Doc> = Vec::new();
        if full {
            level.push(Doc::full_access());
        }
        level.extend(extra);
        level
    })
}

/// One RCP level: `RCPFullAWSAccess` (rarely missing) and maybe a generated Deny RCP.
fn rcp_level() -> impl Strategy<Value = Vec<Doc>> {
    (prop::bool::weighted(0.9), prop::option::weighted(0.6, doc(PolicyKind::Rcp))).prop_map(|(full, extra)| {
        let mut level = Vec::new();
        if full {
            level.push(Doc { rcp_full_access: true, ..Doc::full_access() });
        }
        level.extend(extra);
        level
    })
}

fn context() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
    let opt = |values: &'static [&'static str]| prop::option::of(prop::sample::select(values));
    let team_key = prop::sample::select(&["aws:PrincipalTag/team", "AWS:principaltag/Team"][..]);
    let tag_keys: &'static [&'static [&'static str]] =
        &[&[], &["team"], &["team", "cost"], &["secret"], &["cost"], &["Team", "cost"]];
    (
        opt(&["dev", "Dev", "prod", "a", "*", "$dev", "alice", "key"]),
        opt(&["true", "false"]),
        opt(&["100", "5000", "abc"]),
        team_key,
        opt(&["dev", "b"]),
        prop::option::of(prop::sample::select(tag_keys)),
    )
        .prop_map(|(team, mfa, age, team_key, unit, tags)| {
            let one = |k: &str, v: &str| (k.to_string(), vec![v.to_string()]);
            let mut ctx = Vec::new();
            if let Some(v) = team {
                ctx.push(one(team_key, v));
            }
            if let Some(v) = mfa {
                ctx.push(one("aws:MultiFactorAuthPresent", v));
            }
            if let Some(v) = age {
                ctx.push(one("aws:MultiFactorAuthAge", v));
            }
            if let Some(v) = unit {
                ctx.push(one("aws:PrincipalTag/unit", v));
            }
            if let Some(keys) = tags {
                ctx.push(("aws:TagKeys".to_string(), keys.iter().map(|k| k.to_string()).collect()));
            }
            ctx
        })
}

/// A whole case: caller, target, context and every layer.
pub fn case() -> impl Strategy<Value = Case> {
    let caller = (
        prop_oneof![
            4 => Just(Kind::User),
            4 => Just(Kind::RoleSession),
            2 => Just(Kind::Root),
            1 => Just(Kind::Federated),
            1 => Just(Kind::Service),
            1 => Just(Kind::Anonymous),
        ],
        prop_oneof![3 => Just(0usize), 1 => Just(1usize)],
    );
    let target = (prop::sample::select(TARGETS), prop::bool::weighted(0.2)).prop_map(|((a, r, acct), lower)| {
        let action = if lower { a.to_ascii_lowercase() } else { a.to_string() };
        (action, r.to_string(), acct)
    });
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
    (caller, target, context(), own, others).prop_map(
        |((caller_kind, caller_account), (action, resource, resource_account), context, own, others)| Case {
            caller_kind,
            caller_account,
            action,
            resource,
            resource_account,
            context,
            // Services and anonymous callers have no identity policies or boundary.
            identity: if matches!(caller_kind, Kind::Service | Kind::Anonymous) { vec![] } else { own.0 },
            boundary: if matches!(caller_kind, Kind::Service | Kind::Anonymous) { None } else { own.1 },
            // A federated user mostly has a session policy (without one it has no permissions).
            session: if caller_kind == Kind::Federated && own.4 { own.2.or(Some(own.3)) } else { own.2 },
            resource_policy: others.0,
            // SCPs govern principals of member accounts; services and anonymous callers have none.
            scps: if matches!(caller_kind, Kind::Service | Kind::Anonymous) { None } else { others.1 },
            rcps: others.2,
        },
    )
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
        let a = self.account();
        match self.caller_kind {
            Kind::User => format!("arn:aws:iam::{a}:user/alice"),
            Kind::RoleSession => format!("arn:aws:sts::{a}:assumed-role/Dev/s1"),
            Kind::Root => format!("arn:aws:iam::{a}:root"),
            Kind::Federated => format!("arn:aws:sts::{a}:federated-user/alice"),
            Kind::Service => "lambda.amazonaws.com".to_string(),
            Kind::Anonymous => "anonymous".to_string(),
        }
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
