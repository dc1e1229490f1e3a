//! proptest strategies for rootsim's inputs, for your own property tests (feature `proptest`).
//!
//! * **Policies**: [`doc`] draws a [`Doc`] (statements as small structs, so that a test can
//!   add, remove or damage statements) valid as a policy of any [`PolicyKind`]; [`Doc::render`]
//!   writes its JSON and [`Doc::parse`] parses it with the engine; [`policy`] draws the parsed
//!   [`Policy`] directly.
//! * **Requests**: [`request`] draws a [`GenRequest`]: a principal ARN (user, role session,
//!   root user, federated user, service, anonymous), an action and a resource of the same
//!   service, the resource's account, and a request context.
//! * **Organizations**: [`organization`] draws an [`OrgPlan`] (OUs, accounts, SCPs and where they
//!   are attached) whose [`OrgPlan::build`] grows the demo world's organization by running
//!   Organizations commands, so a world is valid by construction.
//! * **Scenario values**: [`iam_name`], [`iam_path`], [`account_name`], [`email`], [`region`],
//!   [`task_policy_arn`], [`guardrail`] and their `invalid_*` counterparts, which the scenario
//!   language's `@gen` kinds draw (repl/src/generate.rs), so that scenarios and Rust properties
//!   draw from one place.
//!
//! The pools are small on purpose: with a dozen actions, resources, principals and conditions,
//! statements match requests often, so allows, explicit denies and implicit denies all occur in
//! every run rather than "implicitly denied" almost always.
//!
//! ```
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//! use rootsim_model::policy::PolicyKind;
//! use rootsim_model::strategies;
//!
//! let mut runner = TestRunner::deterministic();
//! // Every generated SCP parses, and renders back to a JSON object.
//! runner
//!     .run(&strategies::doc(PolicyKind::Scp), |d| {
//!         let policy = d.parse(PolicyKind::Scp);
//!         prop_assert!(policy.statement_count() >= 1);
//!         Ok(())
//!     })
//!     .unwrap();
//! // A generated organization builds into a world whose new accounts all exist.
//! runner
//!     .run(&strategies::organization(), |plan| {
//!         let session = plan.build(rootsim_model::DEFAULT_SEED);
//!         for name in plan.account_names() {
//!             prop_assert!(session.world.accounts.find(&name).is_some());
//!         }
//!         Ok(())
//!     })
//!     .unwrap();
//! ```

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::Session;
use rootsim_policy::{ParseOptions, Policy, PolicyKind, PrincipalKind};

/// The two accounts of generated principals and resources: most callers live in the first, so
/// same-account requests dominate.
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

/// A [`Stmt::principals`] entry that stands for `"*"` as the whole `Principal` value;
/// every other entry goes under `"AWS"` (or `"Service"`, see [`SERVICE`]).
pub const ANYONE: &str = "ANYONE";

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

/// The prefix of [`Stmt::principals`] entries that name a service (`SERVICE:name`,
/// rendered under `"Service"`).
pub const SERVICE: &str = "SERVICE:";

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
    // Policy variables in String and ARN values (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
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
    /// The operator, e.g. `StringEquals` or `ForAnyValue:StringLike`.
    pub op: String,
    /// The condition key.
    pub key: String,
    /// The values (a leading `#` marks a raw JSON value: `#true`, `#3600`).
    pub values: Vec<String>,
}

/// One statement, before rendering.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stmt {
    /// `Effect: Allow` (else `Deny`).
    pub allow: bool,
    /// The actions are a `NotAction`.
    pub not_action: bool,
    /// Action patterns.
    pub actions: Vec<String>,
    /// The resources are a `NotResource`.
    pub not_resource: bool,
    /// Resource patterns.
    pub resources: Vec<String>,
    /// Entries of `Principal` (resource policies only; see [`ANYONE`] and [`SERVICE`]).
    pub principals: Vec<String>,
    /// The entries are a `NotPrincipal` (resource-policy `Deny` statements only).
    pub not_principal: bool,
    /// The `Condition` block's entries.
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
    /// The statements.
    pub stmts: Vec<Stmt>,
    /// `"Version": "2008-10-17"`: policy variables are literal text.
    pub legacy_version: bool,
    /// `RCPFullAWSAccess`: an AWS-managed RCP that allows everything (only AWS may write RCP
    /// allows, so it is parsed with `ParseOptions::aws_managed`).
    pub rcp_full_access: bool,
}

impl Doc {
    /// `FullAWSAccess`: one statement allowing every action on every resource.
    pub fn full_access() -> Doc {
        let stmt = Stmt { allow: true, ..Stmt::deny_all() };
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

    /// The document as IAM and Organizations accept it when it is written: conditions under an
    /// operator IAM's grammar does not know ([`UNKNOWN_OPERATOR`]) left out (rule
    /// IAM-POLICY-OPERATORS), so that a plan run through commands never fails on them.
    pub fn written(&self) -> Doc {
        let mut d = self.clone();
        for st in &mut d.stmts {
            st.conditions.retain(|c| rootsim_policy::is_condition_operator(&c.op));
        }
        d
    }

    /// Parses the rendered document with the engine's parser, as `rootsim eval` reads documents
    /// (an unknown operator is kept, its statement unevaluable).
    pub fn parse(&self, kind: PolicyKind) -> Policy {
        let text = self.render(kind).to_string();
        let opts =
            ParseOptions { aws_managed: self.rcp_full_access, lenient_operators: true, ..ParseOptions::default() };
        Policy::parse_with(&text, kind, &opts)
            .unwrap_or_else(|e| panic!("generated {kind:?} policy rejected: {e}\n{text}"))
    }
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
pub fn scp_level() -> impl Strategy<Value = Vec<Doc>> {
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
pub fn rcp_level() -> impl Strategy<Value = Vec<Doc>> {
    (prop::bool::weighted(0.9), prop::option::weighted(0.6, doc(PolicyKind::Rcp))).prop_map(|(full, extra)| {
        let mut level = Vec::new();
        if full {
            level.push(Doc { rcp_full_access: true, ..Doc::full_access() });
        }
        level.extend(extra);
        level
    })
}

/// A request context: principal tags, MFA keys, `aws:TagKeys`; often some keys are missing.
pub fn context() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
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

/// A parsed policy of `kind`, drawn through [`doc`].
pub fn policy(kind: PolicyKind) -> impl Strategy<Value = Policy> {
    doc(kind).prop_map(move |d| d.parse(kind))
}

// ---------------------------------------------------------------------------------------------
// Requests.

/// A principal's ARN as `rootsim eval` takes it: a user `alice`, a session `s1` of role `Dev`,
/// the root user, a federated user `alice` of account `ACCOUNTS[account]`; a service
/// (`lambda.amazonaws.com`) or `anonymous`.
pub fn principal_arn(kind: PrincipalKind, account: usize) -> String {
    let a = ACCOUNTS[account % ACCOUNTS.len()];
    match kind {
        PrincipalKind::User => format!("arn:aws:iam::{a}:user/alice"),
        PrincipalKind::AssumedRole => format!("arn:aws:sts::{a}:assumed-role/Dev/s1"),
        PrincipalKind::Root => format!("arn:aws:iam::{a}:root"),
        PrincipalKind::FederatedUser => format!("arn:aws:sts::{a}:federated-user/alice"),
        PrincipalKind::Service => "lambda.amazonaws.com".to_string(),
        PrincipalKind::Anonymous => "anonymous".to_string(),
    }
}

/// One generated request, without policies.
#[derive(Debug, Clone, PartialEq)]
pub struct GenRequest {
    /// What kind of principal calls.
    pub kind: PrincipalKind,
    /// Its account, an index into [`ACCOUNTS`] (unused for services and anonymous callers).
    pub account: usize,
    /// The action, sometimes in lower case (action names ignore case).
    pub action: String,
    /// A resource of the action's service.
    pub resource: String,
    /// The resource's account, an index into [`ACCOUNTS`].
    pub resource_account: usize,
    /// The request context ([`context`]).
    pub context: Vec<(String, Vec<String>)>,
}

impl GenRequest {
    /// The principal's ARN ([`principal_arn`]).
    pub fn principal(&self) -> String {
        principal_arn(self.kind, self.account)
    }
}

/// A request: users and role sessions most often, then root users, then federated users,
/// services and anonymous callers; an action and a resource of the same service; a context.
pub fn request() -> impl Strategy<Value = GenRequest> {
    let caller = (
        prop_oneof![
            4 => Just(PrincipalKind::User),
            4 => Just(PrincipalKind::AssumedRole),
            2 => Just(PrincipalKind::Root),
            1 => Just(PrincipalKind::FederatedUser),
            1 => Just(PrincipalKind::Service),
            1 => Just(PrincipalKind::Anonymous),
        ],
        prop_oneof![3 => Just(0usize), 1 => Just(1usize)],
    );
    let target = (prop::sample::select(TARGETS), prop::bool::weighted(0.2)).prop_map(|((a, r, acct), lower)| {
        let action = if lower { a.to_ascii_lowercase() } else { a.to_string() };
        (action, r.to_string(), acct)
    });
    (caller, target, context()).prop_map(|((kind, account), (action, resource, resource_account), context)| {
        GenRequest { kind, account, action, resource, resource_account, context }
    })
}

// ---------------------------------------------------------------------------------------------
// Organizations.

/// A plan for a world: the demo organization grown by OUs, accounts and SCPs. Indices pick
/// among what exists when the step runs, so every plan is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgPlan {
    /// New OUs: each under the root (0) or an earlier OU of the plan (i + 1), by index modulo.
    pub ous: Vec<usize>,
    /// New accounts: each placed in the root (0) or one of the plan's OUs (i + 1).
    pub accounts: Vec<usize>,
    /// SCPs, each attached to the root (0), one of the plan's OUs, or one of its accounts.
    pub scps: Vec<(Doc, usize)>,
}

impl OrgPlan {
    /// The names of the accounts the plan creates (`acct0`, `acct1`, ...).
    pub fn account_names(&self) -> Vec<String> {
        (0..self.accounts.len()).map(|i| format!("acct{i}")).collect()
    }

    /// Runs the plan on the demo world (seeded with `seed`) as alice, the management account's
    /// administrator, and returns the session, signed in as alice.
    ///
    /// Panics if a command of the plan fails: a plan is valid by construction, so a failure is
    /// a bug in rootsim (or in the plan).
    pub fn build(&self, seed: u64) -> Session {
        let mut s = Session::demo(seed);
        let out = |s: &mut Session, line: &str| -> Value {
            let o = s.run(line);
            assert!(o.ok, "{line}\n{}", o.text);
            o.json.unwrap_or(Value::Null)
        };
        let root = out(&mut s, "aws organizations list-roots")["Roots"][0]["Id"].as_str().unwrap_or("").to_string();
        let mut parents = vec![root];
        for (i, p) in self.ous.iter().enumerate() {
            let parent = parents[p % parents.len()].clone();
            let made =
                out(&mut s, &format!("aws organizations create-organizational-unit --parent-id {parent} --name OU{i}"));
            parents.push(made["OrganizationalUnit"]["Id"].as_str().unwrap_or("").to_string());
        }
        let mut targets = parents.clone();
        for (i, p) in self.accounts.iter().enumerate() {
            out(
                &mut s,
                &format!("aws organizations create-account --email acct{i}@example.com --account-name acct{i}"),
            );
            let id = s.world.accounts.find(&format!("acct{i}")).map(|a| a.id.clone()).unwrap_or_default();
            let parent = &parents[p % parents.len()];
            if *parent != parents[0] {
                out(&mut s, &format!("aws organizations move-account --account-id {id} --source-parent-id {} --destination-parent-id {parent}", parents[0]));
            }
            targets.push(id);
        }
        for (i, (doc, t)) in self.scps.iter().enumerate() {
            // Bare JSON: the command line runs a word that starts with `{` to its closing bracket.
            let content = doc.written().render(PolicyKind::Scp);
            let made = out(&mut s, &format!("aws organizations create-policy --name Scp{i} --type SERVICE_CONTROL_POLICY --description generated --content {content}"));
            let id = made["Policy"]["PolicySummary"]["Id"].as_str().unwrap_or("").to_string();
            out(
                &mut s,
                &format!("aws organizations attach-policy --policy-id {id} --target-id {}", targets[t % targets.len()]),
            );
        }
        s
    }
}

/// An organization plan: up to 3 OUs, up to 4 accounts (the demo world has 4 of AWS's 10),
/// up to 3 SCPs.
pub fn organization() -> impl Strategy<Value = OrgPlan> {
    (
        prop::collection::vec(0..4usize, 0..=3),
        prop::collection::vec(0..4usize, 0..=4),
        prop::collection::vec((doc(PolicyKind::Scp), 0..16usize), 0..=3),
    )
        .prop_map(|(ous, accounts, scps)| OrgPlan { ous, accounts, scps })
}

// ---------------------------------------------------------------------------------------------
// Values for scenario scripts (`@gen` kinds in the REPL's generate.rs): names, addresses,
// durations and guardrail policies that are valid where the script uses them, and, where a rule is
// about refusals, values AWS refuses. Every strategy here shrinks within its own set (regex,
// range and `select` strategies shrink to simpler members of the same set), so a shrunk
// counterexample is still a value of the kind that was asked for.
// ---------------------------------------------------------------------------------------------

/// An IAM user, group or role name AWS accepts: 1 to `max` characters of letters, digits and
/// `+=,.@_-` (`[\w+=,.@-]+`; users and groups allow 64 characters, roles 64).
pub fn iam_name(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9][A-Za-z0-9+=,.@_-]{{0,{}}}", max.saturating_sub(1)))
        .expect("a valid regex")
}

/// An IAM name AWS refuses: too long (`max + 1` to `max + 16` characters), or with a character
/// outside `[\w+=,.@-]`.
pub fn invalid_iam_name(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex(&format!("[A-Za-z0-9]{{{},{}}}", max + 1, max + 16)).expect("a valid regex"),
        proptest::string::string_regex("[A-Za-z0-9]{0,8}[!%&/:~]{1,2}[A-Za-z0-9]{0,8}").expect("a valid regex"),
    ]
}

/// A role session name AWS accepts: 2 to 64 characters of letters, digits and `+=,.@_-`, the
/// first a letter or digit (on the CLI's command line a value starting with `-` is an option).
pub fn session_name() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9][A-Za-z0-9+=,.@_-]{1,63}").expect("a valid regex")
}

/// An IAM path: `/`, or up to three segments between slashes (`/eng/`, `/a/b-c/`).
pub fn iam_path() -> impl Strategy<Value = String> {
    proptest::string::string_regex("(/[a-z0-9_-]{1,8}){0,3}/").expect("a valid regex")
}

/// An account name for `create-account`: 1 to 30 letters, digits and hyphens, starting with a
/// letter (AWS allows up to 50 printable characters; these stay clear of the command line's
/// quoting and of the demo world's names, which all are lower case).
pub fn account_name() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Z][A-Za-z0-9-]{0,29}").expect("a valid regex")
}

/// An email address no demo account uses: `local@domain.example`, 1 to 12 letters or digits in
/// the local part.
pub fn email() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z][a-z0-9]{0,11}@[a-z]{1,8}\\.example").expect("a valid regex")
}

/// A string that is not an email address (no `@`, or nothing after it).
pub fn invalid_email() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z]{1,10}(@)?").expect("a valid regex")
}

/// The commercial Regions rootsim knows (those enabled by default and the opt-in ones).
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
    "ca-central-1",
];

/// One of [`REGIONS`].
pub fn region() -> impl Strategy<Value = String> {
    prop::sample::select(REGIONS).prop_map(str::to_string)
}

/// The five AWS managed task policies an AssumeRoot session may be given
/// (`arn:aws:iam::aws:policy/root-task/NAME`).
pub const TASK_POLICIES: &[&str] = &[
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
];

/// A task policy's ARN.
pub fn task_policy_arn() -> impl Strategy<Value = String> {
    prop::sample::select(TASK_POLICIES).prop_map(|n| format!("arn:aws:iam::aws:policy/root-task/{n}"))
}

/// An ARN AWS refuses as a task policy: another AWS managed policy or a customer policy.
pub fn invalid_task_policy_arn() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(&["AdministratorAccess", "ReadOnlyAccess", "IAMFullAccess"][..])
            .prop_map(|n| format!("arn:aws:iam::aws:policy/{n}")),
        // No `,` or `=` in the name: the CLI's shorthand (`arn=VALUE`) would split the value there.
        proptest::string::string_regex("[A-Za-z0-9_-]{1,20}")
            .expect("a valid regex")
            .prop_map(|n| format!("arn:aws:iam::123456789012:policy/{n}")),
    ]
}

/// Actions a generated guardrail denies: a spread over the services the demo world uses.
const GUARDRAIL_ACTIONS: &[&str] = &[
    "*",
    "iam:*",
    "iam:ListUsers",
    "iam:CreateUser",
    "s3:*",
    "s3:ListAllMyBuckets",
    "sqs:*",
    "organizations:*",
    "sts:*",
    "account:*",
];

/// The conditions the issue asks guardrails to carry: on the principal's ARN, on
/// `aws:AssumedRoot` and on the Region.
const GUARDRAIL_CONDITIONS: &[(&str, &str, &str)] = &[
    ("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:root"),
    ("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/Admin*"),
    ("StringLike", "aws:PrincipalArn", "arn:aws:iam::*:user/*"),
    ("Null", "aws:AssumedRoot", "true"),
    ("Bool", "aws:AssumedRoot", "true"),
    ("StringNotEquals", "aws:RequestedRegion", "us-east-1"),
    ("StringEquals", "aws:RequestedRegion", "eu-west-1"),
];

/// A guardrail of `kind` (`Scp` or `Rcp`): a document of one to three Deny statements over
/// [`GUARDRAIL_ACTIONS`] (RCPs: `s3:*`/`sqs:*` and their actions, with `"Principal": "*"`), each
/// maybe with one of the conditions on `aws:PrincipalArn`, `aws:AssumedRoot` or
/// `aws:RequestedRegion`, as one line of JSON. For an SCP the first statement is sometimes an
/// allow list (`Allow` of the drawn actions) instead of a deny.
pub fn guardrail(kind: PolicyKind) -> impl Strategy<Value = String> {
    let rcp = kind == PolicyKind::Rcp;
    let actions: &'static [&'static str] =
        if rcp { &["s3:*", "sqs:*", "s3:GetObject", "sqs:SendMessage"] } else { GUARDRAIL_ACTIONS };
    let statement =
        (prop::sample::subsequence(actions, 1..=2), prop::option::of(prop::sample::select(GUARDRAIL_CONDITIONS)));
    (prop::collection::vec(statement, 1..=3), any::<bool>()).prop_map(move |(stmts, allow_list)| {
        let stmts: Vec<Value> = stmts
            .into_iter()
            .enumerate()
            .map(|(i, (actions, cond))| {
                let allow = !rcp && allow_list && i == 0 && cond.is_none();
                let mut m = Map::new();
                m.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
                if rcp {
                    m.insert("Principal".into(), json!("*"));
                }
                m.insert("Action".into(), json!(actions));
                m.insert("Resource".into(), json!("*"));
                if let Some((op, key, value)) = cond {
                    let mut keys = Map::new();
                    keys.insert(key.to_string(), json!(value));
                    let mut block = Map::new();
                    block.insert(op.to_string(), Value::Object(keys));
                    m.insert("Condition".into(), Value::Object(block));
                }
                Value::Object(m)
            })
            .collect();
        json!({"Version": "2012-10-17", "Statement": stmts}).to_string()
    })
}

/// A policy document of `kind` drawn by [`doc`], as one line of JSON.
pub fn doc_json(kind: PolicyKind) -> impl Strategy<Value = String> {
    doc(kind).prop_map(move |d| d.render(kind).to_string())
}
