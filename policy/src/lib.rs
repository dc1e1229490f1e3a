//! # rootsim-policy
//!
//! The IAM policy engine of rootsim: parsing, validation and evaluation of policies. It depends
//! on no other rootsim crate but the data crate `rootsim-catalogue`: the world (`rootsim-model`) gathers which policies apply to a
//! request and asks this crate for the decision.
//!
//! This module owns everything about policy *documents* and *decisions*:
//!
//! * [`Policy::parse`] reads a JSON policy of a given [`PolicyKind`], checks
//!   it the way IAM or Organizations would (returning IAM's
//!   `MalformedPolicyDocument` text plus the line and column of the offending
//!   element in a [`PolicyError`]) and compiles it once into a fast form.
//! * [`evaluate`] decides one request ([`Request`]: principal, action,
//!   resource, context) against every applicable policy ([`PolicySet`]),
//!   following AWS's published evaluation order: explicit deny anywhere, then
//!   RCPs and SCPs at every level, the resource-based policy, identity
//!   policies, the permissions boundary, session policies and the AssumeRoot
//!   task policy; with the root-user rule and the cross-account rule.
//! * [`Policy::statements`] reads a parsed policy without evaluating it: typed views of each
//!   statement's elements, matched by the engine's own matchers ([`StatementView`],
//!   [`ActionPattern`]).
//! * [`Decision`] records the outcome, which layer(s) decided, which
//!   statements matched, and explains itself for trainees and in AWS's
//!   `AccessDenied` wording.
//!
//! It does not own *which* policies apply to a request (the estate model
//! gathers SCPs of the principal's account, RCPs of the resource's account,
//! attached and inline policies), nor enforcement of per-entity aggregate
//! quotas.
//!
//! Design choices the callers should know:
//!
//! * **Unknown condition operators, unreadable condition values.** Such a
//!   statement is *unevaluable*. An `Allow` never matches (never silently
//!   allows); a `Deny` is taken to match (fail closed: an evaluation error
//!   can only deny). Both are listed in [`Decision::unevaluable`] so the
//!   trainee sees them.
//!   The parser accepts unknown operators for this reason; IAM would reject
//!   many of them at write time.
//! * **Derived context keys.** When the request context lacks them,
//!   `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
//!   `aws:ResourceAccount`, `aws:username` (IAM users), `aws:userid` (root,
//!   anonymous) and `aws:PrincipalIsAWSService` are derived from the
//!   [`Principal`] and [`Request`]. Values in the [`Context`] win.
//! * **Root.** Identity, boundary and session layers are ignored for
//!   [`PrincipalKind::Root`] (AWS never attaches them to root); the task
//!   policy (AssumeRoot) and every explicit deny still apply. The S3 bucket
//!   owner's root is exempt from bucket-policy denies for
//!   Get/Put/DeleteBucketPolicy in its own account.
//! * **Version.** A missing `Version` is accepted (2008 semantics: policy
//!   variables are literal) except for RCPs and, via [`ParseOptions`],
//!   customer managed policies, which need `2012-10-17`.

pub mod arn;
mod condition;
mod document;
mod eval;
mod json;
mod parse;
mod pattern;
pub mod request;
mod rewrite;
mod view;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use smallvec::SmallVec;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use eval::evaluate;
pub use parse::{is_unique_id, policy_size, ParseOptions};
pub use view::{
    action_matches, ActionPattern, ActionPatternView, ConditionView, PrincipalType, PrincipalView, ResourcePatternView,
    StatementView,
};

/// Whether IAM's policy grammar knows the condition operator `name` (`StringEquals`,
/// `ForAnyValue:StringLikeIfExists`, `NullIfExists`): where IAM validates a document when it is
/// written, a non-empty block under any other name is "Syntax errors in policy." (rule
/// IAM-POLICY-OPERATORS).
pub fn is_condition_operator(name: &str) -> bool {
    document::Operator::is_grammatical(name)
}

/// Which kind of policy a document is; decides the validation rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    /// Attached to a user, group or role (managed or inline).
    Identity,
    /// Attached to a resource (bucket, queue, key...); names principals.
    Resource,
    /// A role's trust policy (`AssumeRolePolicyDocument`).
    Trust,
    /// A permissions boundary.
    Boundary,
    /// A session policy passed to `AssumeRole`, `GetFederationToken`...
    Session,
    /// An Organizations service control policy.
    Scp,
    /// An Organizations resource control policy.
    Rcp,
}

impl PolicyKind {
    /// A short English name for messages ("identity", "trust"...).
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Trust => "trust",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Session => "session",
            PolicyKind::Scp => "service control",
            PolicyKind::Rcp => "resource control",
        }
    }
}

/// A statement's `Effect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Effect {
    /// `"Allow"`
    Allow,
    /// `"Deny"`
    Deny,
}

/// A `MalformedPolicyDocument` error: IAM's message plus where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (line {line}, column {column}: {detail})")]
pub struct PolicyError {
    /// IAM's own text, e.g. `"Syntax errors in policy."`.
    pub message: String,
    /// Plain words: what is wrong.
    pub detail: String,
    /// 1-based line of the offending element.
    pub line: usize,
    /// 1-based column (in characters) of the offending element.
    pub column: usize,
}

struct PolicyInner {
    kind: PolicyKind,
    text: String,
    aws_managed: bool,
    doc: document::Document,
    /// The statements' source texts, read when [`view`] first needs them.
    source: view::SourceCell,
}

/// A parsed, validated, compiled policy document. Cheap to clone.
///
/// Equality compares the kind and the original text. Serialized as
/// `{"kind": "...", "document": "<text>"}` (plus `"awsManaged": true` for
/// AWS-managed documents parsed with relaxed rules); deserializing re-parses
/// and fails on an invalid document.
#[derive(Clone)]
pub struct Policy(Arc<PolicyInner>);

impl Policy {
    /// Parses and validates `text` as a policy of `kind` with default options.
    pub fn parse(text: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
        Policy::parse_with(text, kind, &ParseOptions::default())
    }

    /// Parses with explicit [`ParseOptions`] (AWS-managed documents such as
    /// `RCPFullAWSAccess`, customer managed policies, custom size quota).
    pub fn parse_with(text: &str, kind: PolicyKind, opts: &ParseOptions) -> Result<Policy, PolicyError> {
        let doc = parse::parse_document(text, kind, opts)?;
        Ok(Policy(Arc::new(PolicyInner {
            kind,
            text: text.to_string(),
            aws_managed: opts.aws_managed,
            doc,
            source: view::SourceCell::new(),
        })))
    }

    /// The original text.
    pub fn text(&self) -> &str {
        &self.0.text
    }

    /// The kind it was parsed as.
    pub fn kind(&self) -> PolicyKind {
        self.0.kind
    }

    /// True when parsed as an AWS-managed document.
    pub fn is_aws_managed(&self) -> bool {
        self.0.aws_managed
    }

    /// Size for quota purposes: characters excluding whitespace.
    pub fn size(&self) -> usize {
        policy_size(&self.0.text)
    }

    /// The `Id` element, if any.
    pub fn id(&self) -> Option<&str> {
        self.0.doc.id.as_deref()
    }

    /// True when the document says `"Version": "2012-10-17"`, the only
    /// version in which policy variables are expanded.
    pub fn is_version_2012(&self) -> bool {
        self.0.doc.version == document::Version::V2012
    }

    /// 1-based (line, column) where statement `index` (0-based) starts.
    pub fn statement_position(&self, index: usize) -> Option<(usize, usize)> {
        self.0.doc.statements.get(index).map(|s| (s.pos.line, s.pos.column))
    }

    /// Number of statements.
    pub fn statement_count(&self) -> usize {
        self.0.doc.statements.len()
    }

    /// The `Sid`s of the statements, in order (`None` where absent).
    pub fn sids(&self) -> Vec<Option<&str>> {
        self.0.doc.statements.iter().map(|s| s.sid.as_deref()).collect()
    }

    /// The document as JSON, keys in their original order.
    pub fn to_json(&self) -> serde_json::Value {
        // The text was validated by our own reader, which is stricter than
        // serde_json (it also rejects duplicate keys), so this cannot fail.
        serde_json::from_str(&self.0.text).unwrap_or(serde_json::Value::Null)
    }

    /// The document with every `AWS` principal value (of `Principal` and `NotPrincipal`) that
    /// `replace` maps replaced by its image, everything else kept as written (key order,
    /// whitespace, other principals), parsed again as a stored document
    /// ([`ParseOptions::unique_ids`], no size quota: AWS rewrote it, the customer did not). This is
    /// how IAM turns a deleted user's or role's ARN into its unique ID. `None` when `replace`
    /// maps no value.
    pub fn replace_aws_principals(
        &self,
        replace: impl FnMut(&str) -> Option<String>,
    ) -> Option<Result<Policy, PolicyError>> {
        let text = rewrite::replace_aws_principals(&self.0.text, replace)?;
        let opts =
            ParseOptions { aws_managed: self.0.aws_managed, unique_ids: true, max_size: Some(0), ..Default::default() };
        Some(Policy::parse_with(&text, self.0.kind, &opts))
    }

    pub(crate) fn doc(&self) -> &document::Document {
        &self.0.doc
    }
}

impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.0.kind == other.0.kind && self.0.text == other.0.text
    }
}

impl Eq for Policy {}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy").field("kind", &self.0.kind).field("text", &self.0.text).finish()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PolicyRepr {
    kind: PolicyKind,
    document: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    aws_managed: bool,
}

impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PolicyRepr { kind: self.0.kind, document: self.0.text.clone(), aws_managed: self.0.aws_managed }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Policy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let repr = PolicyRepr::deserialize(d)?;
        // A saved document is one rootsim stored: it may hold the unique IDs that deleting a
        // principal wrote into it.
        let opts = ParseOptions { aws_managed: repr.aws_managed, unique_ids: true, ..ParseOptions::default() };
        Policy::parse_with(&repr.document, repr.kind, &opts).map_err(serde::de::Error::custom)
    }
}

/// What kind of caller a [`Principal`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PrincipalKind {
    /// An account's root user (also AssumeRoot sessions).
    Root,
    /// An IAM user.
    User,
    /// A role session.
    AssumedRole,
    /// A `GetFederationToken` session.
    FederatedUser,
    /// An AWS service principal (e.g. `cloudtrail.amazonaws.com`).
    Service,
    /// An unsigned request.
    Anonymous,
}

/// The caller of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// What kind of caller.
    pub kind: PrincipalKind,
    /// The caller as AWS names it in errors: user ARN, session ARN
    /// `arn:aws:sts::A:assumed-role/R/S`, root ARN `arn:aws:iam::A:root`,
    /// service name, or `anonymous`.
    pub arn: String,
    /// `aws:PrincipalArn`: the role ARN for role sessions, otherwise as `arn`.
    pub principal_arn: String,
    /// The caller's 12-digit account (`""` for anonymous and services).
    pub account: String,
    /// The caller is a service-linked role session.
    pub service_linked_role: bool,
}

/// A context key's value(s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multi-valued key (e.g. `aws:TagKeys`).
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a slice (one element for a single-valued key).
    pub fn as_slice(&self) -> &[String] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(v) => v,
        }
    }

    /// True for [`ContextValue::Multi`].
    pub fn is_multi(&self) -> bool {
        matches!(self, ContextValue::Multi(_))
    }
}

/// The fingerprint of a context key name, the same for every spelling of it (key names compare
/// case-insensitively). Compiled conditions keep their keys' fingerprints, and a [`Context`]
/// those of its entries, so that a lookup compares one number per entry instead of a name.
/// A `const fn`, so that the keys rootsim fills itself ([`ContextKey`]) are fingerprinted when
/// rootsim is compiled.
pub const fn key_fingerprint(key: &str) -> u64 {
    // FNV-1a over the lower-cased bytes (a `while let` over the slice: iterators are not
    // `const`, and indexing would check bounds at every byte).
    let mut rest = key.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    while let [b, tail @ ..] = rest {
        h = (h ^ b.to_ascii_lowercase() as u64).wrapping_mul(0x0100_0000_01b3);
        rest = tail;
    }
    h
}

/// A context key name fixed when rootsim is compiled (`aws:PrincipalArn`...), with its
/// [`key_fingerprint`] computed then: [`Context::push`] stores it without hashing, copying or
/// allocating the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextKey {
    name: &'static str,
    fingerprint: u64,
}

impl ContextKey {
    /// The key `name`, fingerprinted at compile time when used in a `const`.
    pub const fn new(name: &'static str) -> ContextKey {
        ContextKey { name, fingerprint: key_fingerprint(name) }
    }

    /// The key's name as given.
    pub const fn name(self) -> &'static str {
        self.name
    }

    /// Its [`key_fingerprint`], for [`Context::get_fingerprinted`].
    pub const fn fingerprint(self) -> u64 {
        self.fingerprint
    }
}

/// Request context keys: case-insensitive names, single- or multi-valued
/// string values. Insertion order is kept.
///
/// Names are `Cow`s so that the fixed keys rootsim fills for every request ([`ContextKey`]) are
/// borrowed, not copied: building a decision's context was once 40 % of its cost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ContextEntries", into = "ContextEntries")]
pub struct Context {
    entries: Vec<(Cow<'static, str>, ContextValue)>,
    /// [`key_fingerprint`] of each entry's name, in the same order.
    fingerprints: Vec<u64>,
}

/// How a [`Context`] is saved: its entries only (fingerprints are derived).
#[derive(Serialize, Deserialize)]
struct ContextEntries {
    entries: Vec<(Cow<'static, str>, ContextValue)>,
}

impl From<ContextEntries> for Context {
    fn from(c: ContextEntries) -> Context {
        let fingerprints = c.entries.iter().map(|(k, _)| key_fingerprint(k)).collect();
        Context { entries: c.entries, fingerprints }
    }
}

impl From<Context> for ContextEntries {
    fn from(c: Context) -> ContextEntries {
        ContextEntries { entries: c.entries }
    }
}

impl Context {
    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// An empty context with room for `n` keys, so that filling it does not grow it.
    pub fn with_capacity(n: usize) -> Context {
        Context { entries: Vec::with_capacity(n), fingerprints: Vec::with_capacity(n) }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.position_fingerprinted(key, key_fingerprint(key))
    }

    #[inline]
    fn position_fingerprinted(&self, key: &str, fingerprint: u64) -> Option<usize> {
        // Equal fingerprints almost always mean equal names; the name check makes it exact.
        self.fingerprints.iter().enumerate().filter(|&(_, &f)| f == fingerprint).map(|(i, _)| i).find(|&i| {
            let name = &self.entries[i].0;
            // Most callers spell a key as AWS does: try the exact bytes before folding case,
            // a word at a time (a `memcmp` call cost more than the rest of the lookup).
            (name.len() == key.len() && pattern::starts_with_exact(name.as_bytes(), key.as_bytes()))
                || name.eq_ignore_ascii_case(key)
        })
    }

    fn set(&mut self, key: &str, value: ContextValue) {
        let fingerprint = key_fingerprint(key);
        match self.position_fingerprinted(key, fingerprint) {
            Some(i) => self.entries[i].1 = value,
            None => {
                self.entries.push((Cow::Owned(key.to_string()), value));
                self.fingerprints.push(fingerprint);
            }
        }
    }

    /// Sets a single-valued key (replacing any value under any spelling).
    pub fn insert(&mut self, key: &str, value: impl Into<String>) -> &mut Context {
        self.set(key, ContextValue::Single(value.into()));
        self
    }

    /// Sets a multi-valued key.
    pub fn insert_multi(&mut self, key: &str, values: Vec<String>) -> &mut Context {
        self.set(key, ContextValue::Multi(values));
        self
    }

    /// Adds a fixed key that is not set yet, under any spelling: the fast way to fill the keys
    /// rootsim knows (no hashing, no search, no copy of the name). The caller guarantees that
    /// the key is new, which holds when a context is filled from distinct constants before any
    /// other key (checked in debug builds); a repeated key would be stored twice and read as
    /// its first value. Use [`Context::insert`] for names built at run time.
    pub fn push(&mut self, key: ContextKey, value: impl Into<String>) -> &mut Context {
        self.push_value(key, ContextValue::Single(value.into()))
    }

    /// [`Context::push`] for a multi-valued key.
    pub fn push_multi(&mut self, key: ContextKey, values: Vec<String>) -> &mut Context {
        self.push_value(key, ContextValue::Multi(values))
    }

    fn push_value(&mut self, key: ContextKey, value: ContextValue) -> &mut Context {
        debug_assert!(self.position_fingerprinted(key.name, key.fingerprint).is_none(), "{} set twice", key.name);
        self.entries.push((Cow::Borrowed(key.name), value));
        self.fingerprints.push(key.fingerprint);
        self
    }

    /// Removes a key; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<ContextValue> {
        let i = self.position(key)?;
        self.fingerprints.remove(i);
        Some(self.entries.remove(i).1)
    }

    /// Looks a key up, ignoring case. No allocation.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.get_fingerprinted(key, key_fingerprint(key))
    }

    /// [`Context::get`] for a key whose [`key_fingerprint`] the caller computed once (compiled
    /// conditions do).
    #[inline]
    pub fn get_fingerprinted(&self, key: &str, fingerprint: u64) -> Option<&ContextValue> {
        self.position_fingerprinted(key, fingerprint).map(|i| &self.entries[i].1)
    }

    /// All entries, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// Each key with its [`key_fingerprint`], already computed (for `rootsim eval`'s remembered
    /// catalogue answers, keyed by fingerprint).
    pub(crate) fn keys_with_fingerprints(&self) -> impl Iterator<Item = (&str, u64)> {
        self.entries.iter().zip(&self.fingerprints).map(|((k, _), &f)| (k.as_ref(), f))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no key is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One request to authorize.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Who is calling.
    pub principal: &'a Principal,
    /// `service:Action`, any case.
    pub action: &'a str,
    /// The resource ARN, or `"*"` for actions without a resource.
    pub resource: &'a str,
    /// The account that owns the resource; `None` means the caller's own
    /// account (or not applicable).
    pub resource_account: Option<&'a str>,
    /// Condition keys.
    pub context: &'a Context,
}

/// A policy with the name used in decisions and messages.
#[derive(Debug, Clone, Copy)]
pub struct NamedPolicy<'a> {
    /// ARN of a managed policy / SCP, or e.g. `"user/bob inline policy Foo"`.
    pub name: &'a str,
    /// The policy.
    pub policy: &'a Policy,
}

/// Every policy that applies to one request. The lists live for `'s` (often just the call);
/// the names and policies they hold live for `'a`, which is what a [`Decision`] borrows.
#[derive(Debug, Clone, Copy, Default)]
pub struct PolicySet<'s, 'a> {
    /// `None`: the principal's account is not governed by SCPs (standalone,
    /// management account, service-linked role). `Some`: one slice per level
    /// root..OU..account; an empty level allows nothing.
    pub scps: Option<&'s [&'s [NamedPolicy<'a>]]>,
    /// The same for the resource's account.
    pub rcps: Option<&'s [&'s [NamedPolicy<'a>]]>,
    /// The resource-based policy (bucket/queue/key policy, role trust policy).
    pub resource: Option<NamedPolicy<'a>>,
    /// Trust policies and KMS key policies must themselves allow.
    pub resource_must_allow: bool,
    /// Identity policies: user + groups, or role.
    pub identity: &'s [NamedPolicy<'a>],
    /// The permissions boundary, if set.
    pub boundary: Option<NamedPolicy<'a>>,
    /// Session policies passed when the session was created: when present,
    /// one of them must allow.
    pub session: &'s [NamedPolicy<'a>],
    /// AssumeRoot task policy: deny-only scoping of a root session.
    pub task: Option<NamedPolicy<'a>>,
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    /// Some policy allowed and nothing denied.
    Allowed,
    /// Nothing allowed (the default).
    ImplicitlyDenied,
    /// A `Deny` statement matched.
    ExplicitlyDenied,
}

/// A layer of the evaluation chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Layer {
    /// Service control policies.
    #[serde(rename = "scp")]
    Scp,
    /// Resource control policies.
    #[serde(rename = "rcp")]
    Rcp,
    /// The resource-based policy (or role trust policy).
    #[serde(rename = "resource")]
    Resource,
    /// Identity-based policies.
    #[serde(rename = "identity")]
    Identity,
    /// The permissions boundary.
    #[serde(rename = "boundary")]
    Boundary,
    /// Session policies.
    #[serde(rename = "session")]
    Session,
    /// The AssumeRoot task policy.
    #[serde(rename = "task")]
    Task,
    /// The root user's implicit full access.
    #[serde(rename = "root")]
    RootRule,
    /// AWS's rule that some actions need no permission (`sts:GetCallerIdentity`): allowed to any
    /// signed caller whatever the policies say, an explicit `Deny` included.
    #[serde(rename = "no-permission")]
    NoPermission,
    /// AWS's rule that customers cannot change what AWS owns (AWS managed policies, service-linked
    /// and `/aws-reserved/` roles): decided by the caller (the world), which knows what AWS owns.
    #[serde(rename = "aws-owned")]
    AwsOwned,
}

impl Layer {
    /// The serialized name (`"scp"`, `"root"`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Scp => "scp",
            Layer::Rcp => "rcp",
            Layer::Resource => "resource",
            Layer::Identity => "identity",
            Layer::Boundary => "boundary",
            Layer::Session => "session",
            Layer::Task => "task",
            Layer::RootRule => "root",
            Layer::NoPermission => "no-permission",
            Layer::AwsOwned => "aws-owned",
        }
    }
}

/// A statement that matched (or could not be evaluated).
///
/// The policy name and `Sid` borrow from the [`PolicySet`] that was evaluated, so that deciding
/// allocates nothing; [`MatchedStatement::into_owned`] detaches a record from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedStatement<'a> {
    /// The layer of the policy.
    pub layer: Layer,
    /// The policy's name ([`NamedPolicy::name`]).
    pub policy: Cow<'a, str>,
    /// The statement's `Sid`, if any.
    pub sid: Option<Cow<'a, str>>,
    /// 0-based statement index.
    pub index: usize,
    /// The statement's effect.
    pub effect: Effect,
}

impl MatchedStatement<'_> {
    /// `Sid "X"` or `statement 3` (1-based), for sentences.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(s) => format!("statement \"{s}\""),
            None => format!("statement {}", self.index + 1),
        }
    }

    /// The same record, owning its names.
    pub fn into_owned(self) -> MatchedStatement<'static> {
        MatchedStatement {
            layer: self.layer,
            policy: Cow::Owned(self.policy.into_owned()),
            sid: self.sid.map(|s| Cow::Owned(s.into_owned())),
            index: self.index,
            effect: self.effect,
        }
    }
}

/// An Allow statement that matched the request's action, resource and principal but not one of
/// its conditions: what the explanation lists as "not matching", with that condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedCondition<'a> {
    /// The statement.
    pub statement: MatchedStatement<'a>,
    /// The first condition that was false: its operator as written...
    pub operator: Cow<'a, str>,
    /// ...and its key as written.
    pub key: Cow<'a, str>,
}

impl FailedCondition<'_> {
    /// The same record, owning its strings.
    pub fn into_owned(self) -> FailedCondition<'static> {
        FailedCondition {
            statement: self.statement.into_owned(),
            operator: Cow::Owned(self.operator.into_owned()),
            key: Cow::Owned(self.key.into_owned()),
        }
    }
}

/// The layers that decided, in chain order. At most one entry per [`Layer`], kept inline.
pub type Layers = SmallVec<[Layer; 8]>;

/// The result of [`evaluate`]. It borrows policy names and `Sid`s from the [`PolicySet`]
/// (`'a`); [`Decision::into_owned`] gives a `Decision<'static>` to keep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision<'a> {
    /// Allowed or which kind of deny.
    pub outcome: Outcome,
    /// The layer(s) that decided: for an explicit deny, every layer with a
    /// matching Deny (in chain order); for an implicit deny, the one layer
    /// that lacked an Allow; for an allow, the layers whose Allow was needed.
    pub decided_by: Layers,
    /// Statements that matched: the Deny statements for an explicit deny,
    /// otherwise the Allow statements found in the layers consulted.
    /// Short lists are kept inline (no allocation): eight cover an allow through every layer
    /// (three SCP levels, RCPs, a resource policy, an identity policy and a boundary).
    pub matched: SmallVec<[MatchedStatement<'a>; 8]>,
    /// Statements that applied to the request but whose conditions could not
    /// be evaluated, with the reason. They never allow.
    pub unevaluable: Vec<(MatchedStatement<'a>, String)>,
    /// Context keys that a condition or policy variable needed but the
    /// request did not carry.
    pub missing_context: Vec<String>,
    /// Allow statements that matched the action and resource but named the caller in no
    /// principal while naming deleted users or roles by their unique IDs, with those IDs (comma
    /// separated): why a policy written for a deleted principal no longer applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_principals: Vec<(MatchedStatement<'a>, String)>,
    /// Statements that match the request but were set aside by a rule of the root user, with
    /// that rule: a bucket or queue policy's statements when the owner's root user manages that
    /// policy (it may, whatever the policy says), and identity-side policies, which never apply
    /// to the root user. They decided nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overridden: Vec<(MatchedStatement<'a>, String)>,
    /// Allow statements that matched the action, resource and principal but whose condition was
    /// false, with that condition: they did not match, and a trainee wants to know why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_failed: Vec<FailedCondition<'a>>,
    /// For an SCP/RCP implicit deny: the 0-based level (0 = organization
    /// root) that allowed nothing.
    #[serde(default)]
    pub level: Option<usize>,
    /// The kind of the resource-based policy, if one was supplied (a role
    /// trust policy changes AWS's wording).
    #[serde(default)]
    pub resource_kind: Option<PolicyKind>,
    /// The request was cross-account (resource in another account).
    #[serde(default)]
    pub cross_account: bool,
}

impl<'a> Decision<'a> {
    /// A decision that nothing has allowed or denied yet (an implicit deny, no layer, nothing
    /// matched), about a request whose resource policy is of `resource_kind`: where the engine
    /// starts, and what a refusal made before any policy is read fills in.
    pub fn undecided(resource_kind: Option<PolicyKind>, cross_account: bool) -> Decision<'a> {
        Decision {
            outcome: Outcome::ImplicitlyDenied,
            decided_by: Layers::new(),
            matched: SmallVec::new(),
            unevaluable: Vec::new(),
            missing_context: Vec::new(),
            deleted_principals: Vec::new(),
            overridden: Vec::new(),
            condition_failed: Vec::new(),
            level: None,
            resource_kind,
            cross_account,
        }
    }
}

impl Decision<'_> {
    /// The same decision, owning its policy names and `Sid`s, to keep after the policies
    /// it was decided against are gone.
    pub fn into_owned(self) -> Decision<'static> {
        Decision {
            outcome: self.outcome,
            decided_by: self.decided_by,
            matched: self.matched.into_iter().map(MatchedStatement::into_owned).collect(),
            unevaluable: self.unevaluable.into_iter().map(|(m, why)| (m.into_owned(), why)).collect(),
            missing_context: self.missing_context,
            deleted_principals: self.deleted_principals.into_iter().map(|(m, ids)| (m.into_owned(), ids)).collect(),
            overridden: self.overridden.into_iter().map(|(m, why)| (m.into_owned(), why)).collect(),
            condition_failed: self.condition_failed.into_iter().map(FailedCondition::into_owned).collect(),
            level: self.level,
            resource_kind: self.resource_kind,
            cross_account: self.cross_account,
        }
    }
}

impl Decision<'_> {
    /// True when the outcome is [`Outcome::Allowed`].
    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allowed
    }

    /// The decision as JSON:
    /// `{"decision","decidedBy","matched":[{"layer","policy","sid","index","effect","decided"}],"unevaluable":[{..., "reason"}],"overridden":[{..., "decided": false, "reason"}],"notMatching":[{..., "matched": false, "decided": false, "failedCondition": {"operator","key"}}],"missingContext"}`:
    /// every statement found to match the request, with whether it decided, and the Allow
    /// statements that matched all but a condition, with the condition that was false.
    pub fn to_json(&self) -> serde_json::Value {
        let stmt = |m: &MatchedStatement| {
            serde_json::json!({
                "layer": m.layer.as_str(),
                "policy": m.policy,
                "sid": m.sid,
                "index": m.index,
                "effect": m.effect,
            })
        };
        serde_json::json!({
            "decision": self.outcome,
            "decidedBy": self.decided_by.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
            "matched": self.matched.iter().map(|m| {
                let mut v = stmt(m);
                v["decided"] = serde_json::Value::Bool(self.decided_by.contains(&m.layer));
                v
            }).collect::<Vec<_>>(),
            "overridden": self.overridden.iter().map(|(m, why)| {
                let mut v = stmt(m);
                v["decided"] = serde_json::Value::Bool(false);
                v["reason"] = serde_json::Value::String(why.clone());
                v
            }).collect::<Vec<_>>(),
            "unevaluable": self.unevaluable.iter().map(|(m, why)| {
                let mut v = stmt(m);
                v["reason"] = serde_json::Value::String(why.clone());
                v
            }).collect::<Vec<_>>(),
            "notMatching": self.condition_failed.iter().map(|f| {
                let mut v = stmt(&f.statement);
                v["matched"] = serde_json::Value::Bool(false);
                v["decided"] = serde_json::Value::Bool(false);
                v["failedCondition"] = serde_json::json!({"operator": f.operator, "key": f.key});
                v
            }).collect::<Vec<_>>(),
            "missingContext": self.missing_context,
        })
    }

    /// Plain sentences for a trainee: which layer decided, which policy and
    /// statement, and why.
    pub fn explain(&self, req: &Request) -> String {
        eval::explain(self, req)
    }

    /// AWS's `AccessDenied` message for this decision, naming one policy type
    /// as AWS does. Empty when the request was allowed.
    pub fn denial_message(&self, req: &Request) -> String {
        eval::denial_message(self, req)
    }
}

#[cfg(test)]
mod tests;
