//! Generated inputs: scenarios that run as properties.
//!
//! A scenario may declare inputs drawn by proptest, and use them as `{{NAME}}` in its commands
//! and assertions:
//!
//! ```text
//! @gen WAIT = duration 0s..89d              # a time advance, written as `Ns`
//! @gen USER = one-of dave alice bob         # one of the words
//! @gen CREDS = subset password keys mfa     # any subset, space-separated (maybe empty)
//! @gen N = int 1..8                         # a whole number in the range (inclusive)
//! @gen ACTION = action                      # an IAM action rootsim models
//! @gen POLICY = identity-policy             # an identity policy document (JSON, one line)
//! @cases 64                                 # how many cases (default 256)
//! ```
//!
//! Domain kinds draw values that are valid where a script uses them (from
//! `rootsim_model::strategies`, which the Rust properties use too); the word `invalid` after the
//! kinds that have one draws values AWS refuses, for rules about refusals:
//!
//! ```text
//! @gen U = user-name [invalid]        # IAM user name (also group-name, role-name)
//! @gen P = iam-path                   # /, /a/, /a/b-c/
//! @gen S = session-name               # a role session name (2 to 64 characters)
//! @gen A = account-name               # a new account's name
//! @gen E = email [invalid]            # an address no demo account uses
//! @gen R = region                     # a commercial Region
//! @gen O = output-format              # json, text, table, yaml, yaml-stream
//! @gen T = root-task                  # a root task's ID (`rootsim tasks`)
//! @gen TP = task-policy [invalid]     # arn:aws:iam::aws:policy/root-task/...
//! @gen D = assume-root-duration [invalid]   # 0..=900 (invalid: 901..=43200)
//! @gen W = clock-offset               # a time advance of 0s to 400 days, written `Ns`
//! @gen S = scp                        # a guardrail SCP (also rcp): denies or an allow list,
//!                                     # conditions on aws:PrincipalArn, aws:AssumedRoot, Regions
//! @gen SHAPE = org-shape             # an OU tree with accounts in it, as steps: `@steps {{SHAPE}}`
//!                                     # (sets ORG_ACCOUNT, ON_PATH, OFF_PATH; see org_shape)
//! @gen B = boundary                   # a permissions boundary document (also session-policy)
//! @gen Q = resource-policy SERVICE ARN    # SERVICE: s3, sqs, kms, sns or trust; principals
//!                                         # are demo-world ARNs written `{{account:NAME}}`
//! @gen X = resource-statements SERVICE ARN   # the same statements without the document, to
//!                                            # write beside fixed ones: [FIXED, {{X}}]
//! ```
//!
//! Shrinking stays inside the kind: proptest shrinks a range within the range, a `select` to an
//! earlier member and a regex string to a shorter string of the regex, so the counterexample a
//! property prints is still a valid (or, with `invalid`, still an invalid) value.
//!
//! Every assertion must hold for every drawn case. The first failing case is shrunk by proptest
//! and reported as a concrete script: the same text with the values written in and the `@gen`
//! lines turned into comments, which fails when run as it is. The cases come from a generator
//! seeded with the script's `@seed`, so a run is repeatable, and the transcript kept for
//! snapshots is the first case's.

use crate::script::{fresh_session, run_with, Failure, Report, Script};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use rootsim_model::policy::PolicyKind;
use rootsim_model::{strategies, Host};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};

/// Cases a property runs when the script does not say (`@cases`).
pub const DEFAULT_CASES: u32 = 256;

/// The environment variable that sets how many cases every property runs, whatever its
/// `@cases` says (for long runs: `ROOTSIM_CASES=10000 rootsim run scenarios/generated`).
pub const CASES_VAR: &str = "ROOTSIM_CASES";

/// `rootsim run --cases N`: 0 when not given. Set once by the binary before it runs scripts.
static CASES_OVERRIDE: AtomicU32 = AtomicU32::new(0);

/// Makes every property run `cases` cases (`rootsim run --cases N`), over `ROOTSIM_CASES` and
/// the scripts' `@cases`.
pub fn set_cases(cases: u32) {
    CASES_OVERRIDE.store(cases, Ordering::Relaxed);
}

/// How many cases a property declared with `@cases declared` runs: `--cases`, else
/// `ROOTSIM_CASES` (a positive whole number; anything else is ignored), else `declared`.
pub fn cases_for(declared: u32) -> u32 {
    match CASES_OVERRIDE.load(Ordering::Relaxed) {
        0 => std::env::var(CASES_VAR).ok().and_then(|v| v.trim().parse().ok()).filter(|&n| n > 0).unwrap_or(declared),
        n => n,
    }
}

/// Actions the `action` input draws from: a spread over the services rootsim models, each one
/// that needs permission (`sts:GetCallerIdentity` and `sts:GetSessionToken` need none, so rules
/// about what policies allow never hold of them: rule STS-CALLER-IDENTITY).
const ACTIONS: &[&str] = &[
    "iam:CreateUser",
    "iam:ListUsers",
    "iam:AttachUserPolicy",
    "iam:CreateAccessKey",
    "s3:GetObject",
    "s3:PutObject",
    "s3:PutBucketPolicy",
    "sqs:SendMessage",
    "sqs:SetQueueAttributes",
    "kms:Decrypt",
    "kms:PutKeyPolicy",
    "organizations:ListAccounts",
    "organizations:AttachPolicy",
    "account:PutAlternateContact",
    "sts:GetFederationToken",
];

/// What an input draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A whole number in `lo..=hi`.
    Int(i64, i64),
    /// A duration in seconds in `lo..=hi`, written `Ns`.
    Duration(u64, u64),
    /// One of the words.
    OneOf(Vec<String>),
    /// A subset of the words, space-separated, in their order.
    Subset(Vec<String>),
    /// One of `ACTIONS`.
    Action,
    /// An identity policy: one to three statements over `ACTIONS`, with wildcards. Also what
    /// `boundary` and `session-policy` draw: documents of the same grammar.
    IdentityPolicy,
    /// An IAM user, group or role name (`max` characters at most), or with `invalid` one that AWS
    /// refuses.
    IamName {
        /// The longest valid name.
        max: usize,
        /// Draw refused names instead.
        invalid: bool,
    },
    /// A role session name.
    SessionName,
    /// An IAM path.
    IamPath,
    /// A new account's name.
    AccountName,
    /// An email address (or, `invalid`, a string that is not one).
    Email(bool),
    /// A Region.
    Region,
    /// A value of `--output`.
    OutputFormat,
    /// A root task's ID from the catalogue.
    RootTask,
    /// A task policy's ARN (or, `invalid`, an ARN that is not one).
    TaskPolicy(bool),
    /// An AssumeRoot `--duration-seconds` (or, `invalid`, one over 900).
    AssumeRootDuration(bool),
    /// A guardrail SCP (`false`) or RCP (`true`).
    Guardrail(bool),
    /// An organization shape: the steps that grow the demo organization by a tree of OUs with
    /// accounts placed in it ([`org_shape`]), run with `@steps {{NAME}}`.
    OrgShape,
    /// A resource policy of a service for one resource ARN; with `true`, its statements only
    /// (comma-separated, to write into a `Statement` list beside fixed ones).
    ResourcePolicy(Service, String, bool),
}

/// The services whose resource policies `resource-policy` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// A bucket policy.
    S3,
    /// A queue policy.
    Sqs,
    /// A key policy.
    Kms,
    /// A topic policy.
    Sns,
    /// A role's trust policy.
    Trust,
}

impl Service {
    fn parse(word: &str) -> Option<Service> {
        Some(match word {
            "s3" => Service::S3,
            "sqs" => Service::Sqs,
            "kms" => Service::Kms,
            "sns" => Service::Sns,
            "trust" => Service::Trust,
            _ => return None,
        })
    }

    /// The actions a statement of this service's policy draws from.
    fn actions(self) -> &'static [&'static str] {
        match self {
            Service::S3 => &["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketPolicy", "s3:*"],
            Service::Sqs => &["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:GetQueueAttributes", "sqs:*"],
            Service::Kms => &["kms:Decrypt", "kms:Encrypt", "kms:DescribeKey", "kms:*"],
            Service::Sns => &["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:*"],
            Service::Trust => &["sts:AssumeRole", "sts:TagSession"],
        }
    }
}

/// Principals of drawn resource policies: demo-world ARNs, written with `{{account:NAME}}` so
/// that the script's runner puts in the world's IDs.
const PRINCIPALS: &[&str] = &[
    r#""*""#,
    r#"{"AWS":"arn:aws:iam::{{account:management}}:root"}"#,
    r#"{"AWS":"arn:aws:iam::{{account:management}}:user/alice"}"#,
    r#"{"AWS":"arn:aws:iam::{{account:management}}:user/bob"}"#,
    r#"{"AWS":"arn:aws:iam::{{account:dev}}:root"}"#,
    r#"{"AWS":"{{account:management}}"}"#,
];

/// One `@gen` declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gen {
    /// The variable, used as `{{NAME}}`.
    pub name: String,
    /// What it draws.
    pub kind: Kind,
    /// Its line in the script.
    pub line: usize,
}

fn duration_secs(text: &str) -> Result<u64, String> {
    rootsim_model::clock::parse_duration(text)
        .map_err(|_| format!("'{text}' is not a duration (like 30s, 15m, 2h, 89d)"))
}

impl Gen {
    /// Parses the text after `@gen`: `NAME = KIND ARGS`.
    pub fn parse(text: &str, line: usize) -> Result<Gen, String> {
        let usage = "usage: @gen NAME = int LO..HI | duration LO..HI | one-of A B.. | subset A B.. | action | identity-policy | boundary | session-policy | user-name | group-name | role-name | iam-path | session-name | account-name | email | region | output-format | root-task | task-policy | assume-root-duration | clock-offset | org-shape | scp | rcp | resource-policy SERVICE ARN | resource-statements SERVICE ARN (`invalid` after user-name, group-name, role-name, email, task-policy or assume-root-duration)";
        let (name, spec) = text.split_once('=').ok_or(usage)?;
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("'{name}' cannot name an input (letters, digits, _)"));
        }
        let mut words = spec.split_whitespace();
        let kind = words.next().ok_or(usage)?;
        let rest: Vec<String> = words.map(str::to_string).collect();
        let range = |rest: &[String]| -> Result<(String, String), String> {
            match rest {
                [r] => r.split_once("..").map(|(a, b)| (a.to_string(), b.to_string())).ok_or(usage.to_string()),
                _ => Err(usage.to_string()),
            }
        };
        let kind = match kind {
            "int" => {
                let (lo, hi) = range(&rest)?;
                let (lo, hi): (i64, i64) = match (lo.parse(), hi.parse()) {
                    (Ok(a), Ok(b)) if a <= b => (a, b),
                    _ => return Err(format!("int takes LO..HI with LO <= HI, not '{lo}..{hi}'")),
                };
                Kind::Int(lo, hi)
            }
            "duration" => {
                let (lo, hi) = range(&rest)?;
                let (lo, hi) = (duration_secs(&lo)?, duration_secs(&hi)?);
                if lo > hi {
                    return Err("duration takes LO..HI with LO <= HI".into());
                }
                Kind::Duration(lo, hi)
            }
            "one-of" if !rest.is_empty() => Kind::OneOf(rest),
            "subset" if !rest.is_empty() => Kind::Subset(rest),
            "action" if rest.is_empty() => Kind::Action,
            "identity-policy" | "boundary" | "session-policy" if rest.is_empty() => Kind::IdentityPolicy,
            "user-name" | "group-name" | "role-name" if flag(&rest)?.is_some() => {
                Kind::IamName { max: 64, invalid: flag(&rest)? == Some(true) }
            }
            "iam-path" if rest.is_empty() => Kind::IamPath,
            "session-name" if rest.is_empty() => Kind::SessionName,
            "account-name" if rest.is_empty() => Kind::AccountName,
            "email" if flag(&rest)?.is_some() => Kind::Email(flag(&rest)? == Some(true)),
            "region" if rest.is_empty() => Kind::Region,
            "output-format" if rest.is_empty() => Kind::OutputFormat,
            "root-task" if rest.is_empty() => Kind::RootTask,
            "task-policy" if flag(&rest)?.is_some() => Kind::TaskPolicy(flag(&rest)? == Some(true)),
            "assume-root-duration" if flag(&rest)?.is_some() => Kind::AssumeRootDuration(flag(&rest)? == Some(true)),
            "clock-offset" if rest.is_empty() => Kind::Duration(0, 400 * 86_400),
            "org-shape" if rest.is_empty() => Kind::OrgShape,
            "scp" if rest.is_empty() => Kind::Guardrail(false),
            "rcp" if rest.is_empty() => Kind::Guardrail(true),
            "resource-policy" | "resource-statements" => match &rest[..] {
                [service, arn] => match Service::parse(service) {
                    Some(s) => Kind::ResourcePolicy(s, arn.clone(), kind == "resource-statements"),
                    None => return Err(format!("resource-policy takes s3, sqs, kms, sns or trust, not '{service}'")),
                },
                _ => return Err("usage: @gen NAME = resource-policy SERVICE ARN".into()),
            },
            _ => return Err(usage.to_string()),
        };
        Ok(Gen { name: name.to_string(), kind, line })
    }

    /// The proptest strategy for this input, as text.
    pub fn strategy(&self) -> BoxedStrategy<String> {
        match &self.kind {
            Kind::Int(lo, hi) => (*lo..=*hi).prop_map(|n| n.to_string()).boxed(),
            Kind::Duration(lo, hi) => (*lo..=*hi).prop_map(|n| format!("{n}s")).boxed(),
            Kind::OneOf(words) => prop::sample::select(words.clone()).boxed(),
            Kind::Subset(words) => {
                let words = words.clone();
                prop::collection::vec(any::<bool>(), words.len())
                    .prop_map(move |keep| {
                        words
                            .iter()
                            .zip(keep)
                            .filter(|(_, k)| *k)
                            .map(|(w, _)| w.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .boxed()
            }
            Kind::Action => prop::sample::select(ACTIONS).prop_map(str::to_string).boxed(),
            Kind::IdentityPolicy => prop::collection::vec(statement(), 1..=3)
                .prop_map(|s| format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, s.join(",")))
                .boxed(),
            Kind::IamName { max, invalid: false } => strategies::iam_name(*max).boxed(),
            Kind::IamName { max, invalid: true } => strategies::invalid_iam_name(*max).boxed(),
            Kind::IamPath => strategies::iam_path().boxed(),
            Kind::SessionName => strategies::session_name().boxed(),
            Kind::AccountName => strategies::account_name().boxed(),
            Kind::Email(false) => strategies::email().boxed(),
            Kind::Email(true) => strategies::invalid_email().boxed(),
            Kind::Region => strategies::region().boxed(),
            Kind::OutputFormat => prop::sample::select(&["json", "text", "table", "yaml", "yaml-stream"][..])
                .prop_map(str::to_string)
                .boxed(),
            Kind::RootTask => prop::sample::select(rootsim_model::tasks::TASKS).prop_map(|t| t.id.to_string()).boxed(),
            Kind::TaskPolicy(false) => strategies::task_policy_arn().boxed(),
            Kind::TaskPolicy(true) => strategies::invalid_task_policy_arn().boxed(),
            Kind::AssumeRootDuration(false) => (0u32..=900).prop_map(|n| n.to_string()).boxed(),
            Kind::AssumeRootDuration(true) => (901u32..=43_200).prop_map(|n| n.to_string()).boxed(),
            Kind::Guardrail(rcp) => strategies::guardrail(if *rcp { PolicyKind::Rcp } else { PolicyKind::Scp }).boxed(),
            Kind::OrgShape => org_shape().boxed(),
            Kind::ResourcePolicy(service, arn, bare) => resource_policy(*service, arn.clone(), *bare).boxed(),
        }
    }
}

/// An organization shape as script steps, drawn from the model's [`strategies::organization`]
/// plans (up to 3 OUs in a tree below the root, up to 4 accounts placed in it; the plan's SCPs
/// are left out, so that the shape alone changes no decision) and built by Organizations
/// commands, so a shape is valid by construction and shrinks to a smaller valid shape. At least
/// one account (`genacct0`) is created, and an OU `Elsewhere` below the root. The steps set:
/// `ORG_P0` (the root), `ORG_P1`... (the OUs), `ORG_ACCOUNT` (genacct0's ID), `ON_PATH` (one of
/// the root, the OUs above genacct0, or genacct0 itself) and `OFF_PATH` (an OU not above it).
fn org_shape() -> impl Strategy<Value = String> {
    use std::fmt::Write as _;
    (strategies::organization(), any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(
        |(plan, on, off)| {
            // parent[i] is the parent node of OU i + 1; node 0 is the root.
            let parent: Vec<usize> = plan.ous.iter().enumerate().map(|(i, p)| p % (i + 1)).collect();
            let accounts: Vec<usize> =
                if plan.accounts.is_empty() { vec![0] } else { plan.accounts.clone() };
            let nodes = plan.ous.len() + 1;
            let home = accounts[0] % nodes;
            let mut above = vec![home];
            while let Some(&n) = above.last().filter(|&&n| n != 0) {
                above.push(parent[n - 1]);
            }
            // ON_PATH: one of the nodes above genacct0, or (the last choice) genacct0 itself.
            let on = on.index(above.len() + 1);
            let off_candidates: Vec<usize> = (1..nodes).filter(|n| !above.contains(n)).collect();
            // OFF_PATH: an OU not above genacct0, or (the last choice) the OU Elsewhere.
            let off = off.index(off_candidates.len() + 1);
            let mut out = String::from("aws organizations list-roots\n@expect ok\n@set ORG_P0 = Roots[0].Id\n");
            if above.get(on) == Some(&0) {
                out.push_str("@set ON_PATH = Roots[0].Id\n");
            }
            for (i, p) in parent.iter().enumerate() {
                let node = i + 1;
                let _ = writeln!(
                    out,
                    "aws organizations create-organizational-unit --parent-id {{{{ORG_P{p}}}}} --name Gen{node}\n@expect ok\n@set ORG_P{node} = OrganizationalUnit.Id"
                );
                if above.get(on) == Some(&node) {
                    out.push_str("@set ON_PATH = OrganizationalUnit.Id\n");
                }
                if off_candidates.get(off) == Some(&node) {
                    out.push_str("@set OFF_PATH = OrganizationalUnit.Id\n");
                }
            }
            out.push_str("aws organizations create-organizational-unit --parent-id {{ORG_P0}} --name Elsewhere\n@expect ok\n");
            if off == off_candidates.len() {
                out.push_str("@set OFF_PATH = OrganizationalUnit.Id\n");
            }
            for (j, a) in accounts.iter().enumerate() {
                let node = a % nodes;
                let _ = writeln!(
                    out,
                    "aws organizations create-account --email gen-acct{j}@example.com --account-name genacct{j}\n@expect ok"
                );
                if node != 0 {
                    let _ = writeln!(out, "aws organizations move-account --account-id {{{{account:genacct{j}}}}} --source-parent-id {{{{ORG_P0}}}} --destination-parent-id {{{{ORG_P{node}}}}}\n@expect ok");
                }
            }
            out.push_str("aws organizations describe-account --account-id {{account:genacct0}}\n@expect ok\n@set ORG_ACCOUNT = Account.Id\n");
            if on == above.len() {
                out.push_str("@set ON_PATH = Account.Id\n");
            }
            out
        },
    )
}

/// `invalid` after a kind: `Some(false)` without it, `Some(true)` with it, an error for
/// anything else.
fn flag(rest: &[String]) -> Result<Option<bool>, String> {
    match rest {
        [] => Ok(Some(false)),
        [w] if w == "invalid" => Ok(Some(true)),
        _ => Err(format!("unexpected '{}' (only `invalid` may follow this kind)", rest.join(" "))),
    }
}

/// A resource policy of `service` for `arn`: one to three statements, each an Allow or a Deny of
/// one or two of the service's actions to one of [`PRINCIPALS`]; a bucket policy's statements
/// name the bucket and its objects.
fn resource_policy(service: Service, arn: String, bare: bool) -> impl Strategy<Value = String> {
    let statement =
        (any::<bool>(), prop::sample::select(PRINCIPALS), prop::sample::subsequence(service.actions(), 1..=2));
    prop::collection::vec(statement, 1..=3).prop_map(move |stmts| {
        let resource = match service {
            Service::S3 => format!(r#"["{arn}","{arn}/*"]"#),
            Service::Trust => String::new(),
            _ => format!(r#""{arn}""#),
        };
        let stmts: Vec<String> = stmts
            .into_iter()
            .map(|(allow, principal, actions)| {
                let actions = actions.iter().map(|a| format!(r#""{a}""#)).collect::<Vec<_>>().join(",");
                let effect = if allow { "Allow" } else { "Deny" };
                let resource = if resource.is_empty() { String::new() } else { format!(r#","Resource":{resource}"#) };
                format!(r#"{{"Effect":"{effect}","Principal":{principal},"Action":[{actions}]{resource}}}"#)
            })
            .collect();
        if bare {
            stmts.join(",")
        } else {
            format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, stmts.join(","))
        }
    })
}

/// One identity-policy statement: an effect, an action (maybe with a wildcard) and a resource.
fn statement() -> impl Strategy<Value = String> {
    let action = prop_oneof![
        prop::sample::select(ACTIONS).prop_map(str::to_string),
        prop::sample::select(ACTIONS).prop_map(|a| format!("{}*", &a[..a.find(':').map_or(0, |i| i + 1)])),
        Just("*".to_string()),
    ];
    (any::<bool>(), action, prop_oneof![Just("*"), Just("arn:aws:s3:::*"), Just("arn:aws:iam::*:user/*")]).prop_map(
        |(allow, action, resource)| {
            format!(
                r#"{{"Effect":"{}","Action":"{action}","Resource":"{resource}"}}"#,
                if allow { "Allow" } else { "Deny" }
            )
        },
    )
}

/// The script's text with drawn values written in and the `@gen` and `@cases` lines turned into
/// comments: a concrete script that runs this one case.
pub fn concrete(script: &Script, values: &[(String, String)]) -> String {
    let mut out = String::new();
    for line in script.source.lines() {
        let t = line.trim_start();
        if t.starts_with("@gen") || t.starts_with("@cases") {
            let drawn = t
                .strip_prefix("@gen")
                .and_then(|r| r.split_once('='))
                .and_then(|(n, _)| values.iter().find(|(name, _)| name == n.trim()))
                .map(|(_, v)| {
                    // Steps (an `org-shape`) are written in where `@steps` runs them.
                    if v.contains('\n') {
                        " (drawn: the steps written in at its @steps)".to_string()
                    } else {
                        format!(" (drawn: {v})")
                    }
                })
                .unwrap_or_default();
            out.push_str(&format!("# {t}{drawn}\n"));
            continue;
        }
        // A fragment's steps are written in as script lines: valid where `@steps` stood.
        if let Some(v) = t.strip_prefix("@steps").map(str::trim).and_then(|r| {
            values.iter().find(|(n, _)| r.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) == Some(n.as_str()))
        }) {
            out.push_str(&format!("# {t}\n{}", v.1));
            if !v.1.ends_with('\n') {
                out.push('\n');
            }
            continue;
        }
        let mut l = line.to_string();
        for (name, value) in values {
            l = l.replace(&format!("{{{{{name}}}}}"), value);
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// Runs a script with `@gen` inputs as a property: every case must pass. The report's transcript
/// is the first case's; a failure carries the shrunk case as a concrete script.
pub fn run_property(script: &Script, host: &mut dyn Host) -> Report {
    let names: Vec<String> = script.gens.iter().map(|g| g.name.clone()).collect();
    let strategies: Vec<BoxedStrategy<String>> = script.gens.iter().map(Gen::strategy).collect();
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&script.seed.to_le_bytes());
    let config = Config { cases: cases_for(script.cases), failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let host = RefCell::new(host);
    let first: RefCell<Option<String>> = RefCell::new(None);
    let result = runner.run(&strategies, |values| {
        let vars: Vec<(String, String)> = names.iter().cloned().zip(values).collect();
        let mut session = fresh_session(script);
        let report = run_with(script, &mut session, &mut **host.borrow_mut(), vars);
        first.borrow_mut().get_or_insert(report.transcript);
        match report.failures.first() {
            None => Ok(()),
            Some(f) => Err(TestCaseError::fail(format!("line {}: {}", f.line, f.message))),
        }
    });
    // The header names the declared count, not the count run: the first case (the transcript) is
    // the same however many cases run, so a long run (`--cases`) still matches the snapshot.
    let transcript =
        format!("# @cases {} of {}\n{}", script.cases, names.join(", "), first.into_inner().unwrap_or_default());
    let mut counterexample = None;
    let failures = match result {
        Ok(()) => Vec::new(),
        Err(TestError::Fail(why, values)) => {
            let vars: Vec<(String, String)> = names.iter().cloned().zip(values).collect();
            let line =
                why.message().strip_prefix("line ").and_then(|r| r.split(':').next()).and_then(|n| n.parse().ok());
            counterexample = Some(concrete(script, &vars));
            vec![Failure {
                line: line.unwrap_or(0),
                message: format!(
                    "a drawn case fails ({}); as a concrete script:\n{}",
                    why.message(),
                    concrete(script, &vars)
                ),
            }]
        }
        Err(TestError::Abort(why)) => vec![Failure { line: 0, message: format!("the property was aborted: {why}") }],
    };
    Report { transcript, failures, counterexample, vars: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rootsim_model::MemoryHost;

    #[test]
    fn declarations_parse_and_refuse_nonsense() {
        assert_eq!(Gen::parse("N = int 1..8", 3).unwrap().kind, Kind::Int(1, 8));
        assert_eq!(Gen::parse("W = duration 0s..2m", 3).unwrap().kind, Kind::Duration(0, 120));
        assert_eq!(Gen::parse("U = one-of a b", 3).unwrap().kind, Kind::OneOf(vec!["a".into(), "b".into()]));
        for bad in ["N int 1..8", "N = int 8..1", "N = int", "bad name = action", "P = identity-policy x", "X = dice"] {
            assert!(Gen::parse(bad, 1).is_err(), "{bad}");
        }
    }

    /// Draws `n` values of a declared kind, and the values its shrinking passes through.
    fn draws_and_shrinks(decl: &str, n: usize) -> Vec<String> {
        use proptest::strategy::ValueTree;
        let strategy = Gen::parse(decl, 1).unwrap().strategy();
        let mut runner = TestRunner::deterministic();
        let mut out = Vec::new();
        for _ in 0..n {
            let mut tree = strategy.new_tree(&mut runner).unwrap();
            out.push(tree.current());
            // Follow a shrinking path to its end: every step must still be a value of the kind.
            for _ in 0..64 {
                if !tree.simplify() {
                    break;
                }
                out.push(tree.current());
            }
        }
        out
    }

    #[test]
    fn domain_kinds_draw_and_shrink_to_valid_values() {
        let iam_name = |v: &str| {
            (1..=64).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        };
        for v in draws_and_shrinks("U = user-name", 40) {
            assert!(iam_name(&v), "{v:?}");
        }
        for v in draws_and_shrinks("U = role-name invalid", 40) {
            assert!(!iam_name(&v), "{v:?} is a valid name");
        }
        for v in draws_and_shrinks("S = session-name", 40) {
            assert!((2..=64).contains(&v.len()) && iam_name(&v), "{v:?}");
        }
        for v in draws_and_shrinks("P = iam-path", 40) {
            assert!(v.starts_with('/') && v.ends_with('/') && !v.contains("//"), "{v:?}");
        }
        for v in draws_and_shrinks("E = email", 40) {
            let (local, domain) = v.split_once('@').expect("an @");
            assert!(!local.is_empty() && domain.ends_with(".example") && domain.len() > 8, "{v:?}");
        }
        for v in draws_and_shrinks("E = email invalid", 40) {
            assert!(v.split_once('@').is_none_or(|(_, d)| d.is_empty()), "{v:?}");
        }
        for v in draws_and_shrinks("D = assume-root-duration", 40) {
            assert!(v.parse::<u32>().unwrap() <= 900, "{v}");
        }
        for v in draws_and_shrinks("D = assume-root-duration invalid", 40) {
            assert!(v.parse::<u32>().unwrap() > 900, "{v}");
        }
        for v in draws_and_shrinks("T = task-policy", 20) {
            assert!(v.starts_with("arn:aws:iam::aws:policy/root-task/"), "{v}");
        }
        for v in draws_and_shrinks("T = task-policy invalid", 20) {
            assert!(!v.contains("/root-task/"), "{v}");
        }
        for v in draws_and_shrinks("T = root-task", 20) {
            assert!(rootsim_model::tasks::find(&v).is_some(), "{v}");
        }
        for v in draws_and_shrinks("R = region", 20) {
            assert!(strategies::REGIONS.contains(&v.as_str()), "{v}");
        }
        // Policies parse as the kind they are drawn for, through every shrink.
        use rootsim_model::policy::{ParseOptions, Policy};
        let parses = |text: &str, kind: PolicyKind| {
            let text =
                text.replace("{{account:management}}", "123456789012").replace("{{account:dev}}", "210987654321");
            Policy::parse_with(&text, kind, &ParseOptions::default()).map(|_| ()).map_err(|e| format!("{e:?}: {text}"))
        };
        for v in draws_and_shrinks("S = scp", 30) {
            parses(&v, PolicyKind::Scp).unwrap();
        }
        for v in draws_and_shrinks("S = rcp", 30) {
            parses(&v, PolicyKind::Rcp).unwrap();
        }
        for service in ["s3", "sqs", "kms", "sns"] {
            for v in draws_and_shrinks(&format!("Q = resource-policy {service} arn:aws:{service}:::x"), 20) {
                parses(&v, PolicyKind::Resource).unwrap();
            }
        }
        for v in draws_and_shrinks("Q = resource-policy trust -", 20) {
            parses(&v, PolicyKind::Trust).unwrap();
        }
        for v in draws_and_shrinks("Q = resource-statements sqs arn:aws:sqs:us-east-1:1:q", 20) {
            parses(&format!(r#"{{"Version":"2012-10-17","Statement":[{v}]}}"#), PolicyKind::Resource).unwrap();
        }
        // An organization shape is steps that parse, set what scripts use, and shrink to steps.
        for v in draws_and_shrinks("S = org-shape", 30) {
            let fragment = Script::parse("shape", &v).unwrap_or_else(|e| panic!("{e}\n{v}"));
            assert!(!fragment.steps.is_empty());
            for var in ["ORG_ACCOUNT", "ON_PATH", "OFF_PATH"] {
                assert_eq!(v.matches(&format!("@set {var} = ")).count(), 1, "{var} in\n{v}");
            }
        }
        for bad in ["U = user-name valid", "Q = resource-policy ec2 x", "Q = resource-policy s3", "S = scp x"] {
            assert!(Gen::parse(bad, 1).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_case_count_can_be_raised_for_long_runs() {
        assert_eq!(cases_for(24), std::env::var(CASES_VAR).ok().and_then(|v| v.parse().ok()).unwrap_or(24));
        set_cases(1000);
        assert_eq!(cases_for(24), 1000);
        set_cases(0);
    }

    #[test]
    fn a_property_holds_over_every_case_or_prints_a_failing_concrete_script() {
        let holds = Script::parse(
            "p.rsim",
            "@world demo\n@gen W = duration 0s..10d\n@cases 16\nclock advance {{W}}\n@expect ok\naws sts get-caller-identity\n@expect ok\n",
        )
        .unwrap();
        let report = run_property(&holds, &mut MemoryHost::default());
        assert!(report.failures.is_empty(), "{:?}", report.failures);
        assert!(report.transcript.starts_with("# @cases 16 of W"));

        // Fails as soon as more than a day passes: the shrunk case is the smallest such advance.
        let fails = Script::parse(
            "p.rsim",
            "@world demo\n@gen W = duration 0s..10d\n@cases 64\nclock advance {{W}}\n@expect ok\nclock\n@expect contains \"2026-01-05\"\n",
        )
        .unwrap();
        let report = run_property(&fails, &mut MemoryHost::default());
        let f = report.failures.first().expect("some advance leaves the day");
        assert!(f.message.contains("as a concrete script"), "{}", f.message);
        let concrete_text = f.message.split_once("as a concrete script:\n").unwrap().1;
        assert!(concrete_text.contains("# @gen W = duration 0s..10d (drawn: "), "{concrete_text}");
        // The concrete script fails when run as it is.
        let again = Script::parse("c.rsim", concrete_text).unwrap();
        assert!(again.gens.is_empty());
        let r = crate::script::run(&again, &mut MemoryHost::default());
        assert!(!r.failures.is_empty(), "the concrete script passes:\n{concrete_text}");
    }
}
