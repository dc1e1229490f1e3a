//! A typed, read-only view of a parsed policy, for code that needs to *read* a policy rather
//! than evaluate a request against it (the principal graph's pre-filter, S3's checks of a bucket
//! policy when it is written, explanations).
//!
//! Without it such code turned the policy back into `serde_json::Value` and re-read the grammar
//! by hand (`policy.to_json()["Statement"]`, a lone statement as an object, a string or a list
//! of strings...), and matched action patterns with a glob of its own that could disagree with
//! the engine. The view answers from the compiled form the evaluator uses:
//!
//! * [`Policy::statements`] gives one [`StatementView`] per statement, in document order: `Sid`,
//!   effect, and the `Action`/`NotAction`, `Resource`/`NotResource`, `Principal`/`NotPrincipal`
//!   and `Condition` elements.
//! * [`ActionPatternView::matches`], [`ResourcePatternView::matches`],
//!   [`StatementView::matches_action`] and [`StatementView::matches_resource`] run the engine's
//!   own matchers, so a reader's answer is the evaluator's.
//! * [`ActionPattern`] (and [`action_matches`]) compile a lone action pattern the way the parser
//!   compiles a document's.
//!
//! The compiled form keeps no source text (actions are lower-cased, principals classified, an
//! account's root ARN reduced to its ID, condition values pre-parsed for their operator), so the
//! *texts* the view shows are read from the document once, the first time any text of the
//! policy is asked for, and kept with the policy. Everything else (effects, `Not...` flags,
//! matching) reads the compiled statements directly; a walk over the statements allocates
//! nothing.

use std::sync::OnceLock;

use crate::document::{Resolvable, Statement};
use crate::json::{self, Json, JsonValue};
use crate::pattern::{self, ActionKey, ArnPattern};
use crate::{Effect, Policy};

/// The source texts of a document's statements, in document order (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct Source {
    statements: Vec<StatementSource>,
}

/// The texts of one statement.
#[derive(Debug, Default)]
struct StatementSource {
    /// `Action` or `NotAction` entries, in the order of the compiled patterns.
    actions: Vec<Box<str>>,
    /// `Resource` or `NotResource` entries, in the order of the compiled patterns.
    resources: Vec<Box<str>>,
    /// `Principal` or `NotPrincipal`: one group per type, as written.
    principals: Vec<(PrincipalType, Vec<Box<str>>)>,
    /// The values of each (operator, key) condition entry, in the order of the compiled ones.
    conditions: Vec<Vec<Box<str>>>,
}

/// The texts of an element that is one scalar or a list of them (strings for actions,
/// resources and principals; condition values may also be numbers and booleans).
fn texts(j: &Json) -> Vec<Box<str>> {
    match &j.value {
        JsonValue::Array(items) => items.iter().filter_map(scalar).collect(),
        _ => scalar(j).into_iter().collect(),
    }
}

/// A scalar as the parser reads condition values: strings, numbers as written, booleans.
fn scalar(j: &Json) -> Option<Box<str>> {
    match &j.value {
        JsonValue::String(s) => Some(s.as_str().into()),
        JsonValue::Number(n) => Some(n.as_str().into()),
        JsonValue::Bool(b) => Some(b.to_string().into()),
        _ => None,
    }
}

impl Source {
    /// Reads the texts of a document the parser accepted (so its grammar is known to hold).
    fn read(text: &str) -> Source {
        let Ok(root) = json::parse(text) else { return Source::default() };
        let JsonValue::Object(top) = &root.value else { return Source::default() };
        let Some(statements) = top.iter().find(|m| m.key == "Statement") else { return Source::default() };
        let items: Vec<&Json> = match &statements.value.value {
            JsonValue::Array(items) => items.iter().collect(),
            _ => vec![&statements.value],
        };
        let statements = items
            .into_iter()
            .map(|st| {
                let mut out = StatementSource::default();
                let JsonValue::Object(members) = &st.value else { return out };
                for m in members {
                    match m.key.as_str() {
                        "Action" | "NotAction" => out.actions = texts(&m.value),
                        "Resource" | "NotResource" => out.resources = texts(&m.value),
                        "Principal" | "NotPrincipal" => {
                            out.principals = match &m.value.value {
                                JsonValue::Object(types) => types
                                    .iter()
                                    .map(|t| {
                                        let ty = match t.key.as_str() {
                                            "AWS" => PrincipalType::Aws,
                                            "Service" => PrincipalType::Service,
                                            "Federated" => PrincipalType::Federated,
                                            _ => PrincipalType::CanonicalUser,
                                        };
                                        (ty, texts(&t.value))
                                    })
                                    .collect(),
                                _ => vec![(PrincipalType::Any, texts(&m.value))],
                            }
                        }
                        "Condition" => {
                            // The parser's order: operators, then each operator's keys.
                            let JsonValue::Object(ops) = &m.value.value else { continue };
                            for op in ops {
                                let JsonValue::Object(keys) = &op.value.value else { continue };
                                out.conditions.extend(keys.iter().map(|k| texts(&k.value)));
                            }
                        }
                        _ => {}
                    }
                }
                out
            })
            .collect();
        Source { statements }
    }
}

/// The lazily read source texts of a policy ([`Source`]), kept next to its compiled form.
pub(crate) type SourceCell = OnceLock<Source>;

impl Policy {
    /// The statements, in document order, as typed read-only views over the compiled document
    /// (no JSON is built; see [`StatementView`]).
    pub fn statements(&self) -> impl ExactSizeIterator<Item = StatementView<'_>> + '_ {
        self.doc().statements.iter().map(move |st| StatementView { policy: self, st })
    }

    /// Statement `index` (0-based), if there is one.
    pub fn statement(&self, index: usize) -> Option<StatementView<'_>> {
        self.doc().statements.get(index).map(|st| StatementView { policy: self, st })
    }

    /// The source texts of statement `index`, read on first use.
    fn source(&self, index: usize) -> &StatementSource {
        static EMPTY: StatementSource = StatementSource {
            actions: Vec::new(),
            resources: Vec::new(),
            principals: Vec::new(),
            conditions: Vec::new(),
        };
        self.0.source.get_or_init(|| Source::read(&self.0.text)).statements.get(index).unwrap_or(&EMPTY)
    }
}

/// One statement of a [`Policy`], read-only (from [`Policy::statements`]).
#[derive(Clone, Copy)]
pub struct StatementView<'p> {
    policy: &'p Policy,
    st: &'p Statement,
}

impl std::fmt::Debug for StatementView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatementView").field("index", &self.st.index).field("sid", &self.st.sid).finish()
    }
}

impl<'p> StatementView<'p> {
    /// The 0-based position in the document.
    pub fn index(&self) -> usize {
        self.st.index
    }

    /// The `Sid`, if any (an empty `Sid` reads as none, as in decisions).
    pub fn sid(&self) -> Option<&'p str> {
        self.st.sid.as_deref()
    }

    /// `Allow` or `Deny`.
    pub fn effect(&self) -> Effect {
        self.st.effect
    }

    /// 1-based (line, column) where the statement starts in the document.
    pub fn position(&self) -> (usize, usize) {
        (self.st.pos.line, self.st.pos.column)
    }

    /// True when the statement has `NotAction` rather than `Action`.
    pub fn is_not_action(&self) -> bool {
        self.st.not_action
    }

    /// The entries of its `Action` or `NotAction` element (which one: [`Self::is_not_action`]),
    /// in document order.
    pub fn action_patterns(&self) -> impl ExactSizeIterator<Item = ActionPatternView<'p>> + 'p {
        let (policy, statement) = (self.policy, self.st.index);
        self.st.actions.iter().enumerate().map(move |(entry, pattern)| ActionPatternView {
            policy,
            statement,
            entry,
            pattern,
        })
    }

    /// The `Action` entries; none when the statement has `NotAction`.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = ActionPatternView<'p>> + 'p {
        let n = if self.st.not_action { 0 } else { self.st.actions.len() };
        self.action_patterns().take(n)
    }

    /// The `NotAction` entries; none when the statement has `Action`.
    pub fn not_actions(&self) -> impl ExactSizeIterator<Item = ActionPatternView<'p>> + 'p {
        let n = if self.st.not_action { self.st.actions.len() } else { 0 };
        self.action_patterns().take(n)
    }

    /// Does the statement's `Action` (or `NotAction`) element cover `action` (any case), exactly
    /// as evaluation decides it? Resources, principals and conditions are not considered.
    pub fn matches_action(&self, action: &str) -> bool {
        let key = ActionKey::new(action);
        // The service mask only rules out patterns that cannot match (as in evaluation).
        if !self.st.not_action && self.st.service_mask & key.bit() == 0 {
            return false;
        }
        self.st.actions.iter().any(|a| a.matches_key(&key)) != self.st.not_action
    }

    /// True when the statement has `NotResource` rather than `Resource`.
    pub fn is_not_resource(&self) -> bool {
        self.st.not_resource
    }

    /// True when the statement has a `Resource` or `NotResource` element (a trust policy's
    /// statements have neither and cover any resource).
    pub fn has_resource_element(&self) -> bool {
        self.st.resources.is_some()
    }

    /// The entries of its `Resource` or `NotResource` element (which one:
    /// [`Self::is_not_resource`]), in document order; none when it has neither.
    pub fn resource_patterns(&self) -> impl ExactSizeIterator<Item = ResourcePatternView<'p>> + 'p {
        let (policy, statement) = (self.policy, self.st.index);
        self.st
            .resources
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .map(move |(entry, pattern)| ResourcePatternView { policy, statement, entry, pattern })
    }

    /// The `Resource` entries; none when the statement has `NotResource` or neither.
    pub fn resources(&self) -> impl ExactSizeIterator<Item = ResourcePatternView<'p>> + 'p {
        let n = if self.st.not_resource { 0 } else { self.resource_patterns().len() };
        self.resource_patterns().take(n)
    }

    /// The `NotResource` entries; none when the statement has `Resource` or neither.
    pub fn not_resources(&self) -> impl ExactSizeIterator<Item = ResourcePatternView<'p>> + 'p {
        let n = if self.st.not_resource { self.resource_patterns().len() } else { 0 };
        self.resource_patterns().take(n)
    }

    /// Does the statement's `Resource` (or `NotResource`) element cover `arn`, as evaluation
    /// decides it for a request without policy variables' keys (see
    /// [`ResourcePatternView::matches`])? True when the statement has neither element.
    pub fn matches_resource(&self, arn: &str) -> bool {
        match &self.st.resources {
            None => true,
            Some(list) => {
                list.iter().enumerate().any(|(entry, pattern)| {
                    ResourcePatternView { policy: self.policy, statement: self.st.index, entry, pattern }.matches(arn)
                }) != self.st.not_resource
            }
        }
    }

    /// True when the statement has a `Principal` or `NotPrincipal` element.
    pub fn has_principal_element(&self) -> bool {
        self.st.principal.is_some()
    }

    /// True when the statement has `NotPrincipal`.
    pub fn is_not_principal(&self) -> bool {
        self.st.principal.as_ref().is_some_and(|p| p.not)
    }

    /// The groups of its `Principal` or `NotPrincipal` element (which one:
    /// [`Self::is_not_principal`]), one per type as written: `"*"` is one [`PrincipalType::Any`]
    /// group, `{"AWS": [...], "Service": "..."}` an `Aws` and a `Service` group. None when the
    /// statement has neither element (identity policies, SCPs).
    pub fn principal_groups(&self) -> impl ExactSizeIterator<Item = PrincipalView<'p>> + 'p {
        let groups: &'p [(PrincipalType, Vec<Box<str>>)] =
            if self.st.principal.is_some() { &self.policy.source(self.st.index).principals } else { &[] };
        groups.iter().map(|(kind, values)| PrincipalView { kind: *kind, values })
    }

    /// The `Principal` groups; none when the statement has `NotPrincipal` or neither.
    pub fn principals(&self) -> impl ExactSizeIterator<Item = PrincipalView<'p>> + 'p {
        let n = if self.is_not_principal() { 0 } else { self.principal_groups().len() };
        self.principal_groups().take(n)
    }

    /// The `NotPrincipal` groups; none when the statement has `Principal` or neither.
    pub fn not_principals(&self) -> impl ExactSizeIterator<Item = PrincipalView<'p>> + 'p {
        let n = if self.is_not_principal() { self.principal_groups().len() } else { 0 };
        self.principal_groups().take(n)
    }

    /// The entries of its `Condition` block, one per (operator, key) pair, in document order.
    pub fn conditions(&self) -> impl ExactSizeIterator<Item = ConditionView<'p>> + 'p {
        let (policy, statement) = (self.policy, self.st.index);
        self.st.conditions.iter().enumerate().map(move |(entry, c)| ConditionView {
            policy,
            statement,
            entry,
            operator: &c.operator_name,
            key: &c.key,
        })
    }
}

/// One `Action`/`NotAction` entry of a statement.
#[derive(Clone, Copy)]
pub struct ActionPatternView<'p> {
    policy: &'p Policy,
    statement: usize,
    entry: usize,
    pattern: &'p pattern::ActionPattern,
}

impl std::fmt::Debug for ActionPatternView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ActionPatternView").field(&self.text()).finish()
    }
}

impl<'p> ActionPatternView<'p> {
    /// The pattern as written (e.g. `"s3:Get*"`).
    pub fn text(&self) -> &'p str {
        self.policy.source(self.statement).actions.get(self.entry).map_or("", |t| t)
    }

    /// Does the pattern match `action` (any case), as evaluation matches it? `*` and `?` are
    /// wildcards; action names compare case-insensitively.
    pub fn matches(&self, action: &str) -> bool {
        self.pattern.matches_key(&ActionKey::new(action))
    }

    /// The same pattern, owned.
    pub fn to_pattern(&self) -> ActionPattern {
        ActionPattern { text: self.text().into(), compiled: self.pattern.clone() }
    }
}

/// An action pattern compiled on its own, exactly as the parser compiles a document's `Action`
/// entries, to match action names the way evaluation does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionPattern {
    text: Box<str>,
    compiled: pattern::ActionPattern,
}

impl ActionPattern {
    /// Compiles `text` (`"s3:Get*"`, `"iam:?reate*"`, `"*"`). Any text is accepted: the rules
    /// IAM enforces on a document's actions (one colon, a service prefix) are the parser's.
    pub fn parse(text: &str) -> ActionPattern {
        ActionPattern { text: text.into(), compiled: pattern::ActionPattern::new(text) }
    }

    /// The pattern as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Does the pattern match `action` (any case), as evaluation matches it?
    pub fn matches(&self, action: &str) -> bool {
        self.compiled.matches_key(&ActionKey::new(action))
    }
}

/// Does the action pattern `pattern` match `action`, as evaluation matches a policy's `Action`
/// entries? Compiles the pattern each call: keep an [`ActionPattern`] to match many actions.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    ActionPattern::parse(pattern).matches(action)
}

/// One `Resource`/`NotResource` entry of a statement.
#[derive(Clone, Copy)]
pub struct ResourcePatternView<'p> {
    policy: &'p Policy,
    statement: usize,
    entry: usize,
    pattern: &'p Resolvable<ArnPattern>,
}

impl std::fmt::Debug for ResourcePatternView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ResourcePatternView").field(&self.text()).finish()
    }
}

impl<'p> ResourcePatternView<'p> {
    /// The pattern as written (e.g. `"arn:aws:s3:::bucket/*"`).
    pub fn text(&self) -> &'p str {
        self.policy.source(self.statement).resources.get(self.entry).map_or("", |t| t)
    }

    /// True when the pattern uses policy variables (`${aws:username}`; 2012-10-17 documents
    /// only), whose values come from the request.
    pub fn has_variables(&self) -> bool {
        !self.pattern.vars.is_empty()
    }

    /// Does `arn` match, as evaluation matches it (segment-wise, `*`/`?` wildcards, an incomplete
    /// ARN padded with `*`)? With no request at hand, a policy variable stands for its default
    /// (`${aws:username, 'x'}`), and a pattern with a variable that has none matches nothing, as
    /// evaluation treats a request without that key.
    pub fn matches(&self, arn: &str) -> bool {
        let r = self.pattern;
        if r.vars.is_empty() {
            return r.pattern.matches(arn, &[]);
        }
        let defaults: Option<Vec<&str>> = r.vars.iter().map(|v| v.default.as_deref()).collect();
        defaults.is_some_and(|vars| r.pattern.matches(arn, &vars))
    }
}

/// The type of a `Principal`/`NotPrincipal` group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalType {
    /// The bare `"*"` (everyone); its one value is `"*"`. (`{"AWS": "*"}` is an `Aws` group.)
    Any,
    /// `"AWS"`: accounts, users, roles, sessions, or `"*"`.
    Aws,
    /// `"Service"`: AWS service principals.
    Service,
    /// `"Federated"`: identity providers.
    Federated,
    /// `"CanonicalUser"`: S3 canonical user IDs.
    CanonicalUser,
}

impl PrincipalType {
    /// The element's key as written in a policy (`"AWS"`, `"Service"`...), `"*"` for
    /// [`PrincipalType::Any`].
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Any => "*",
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }
}

/// One group of a `Principal`/`NotPrincipal` element: a type and its values as written.
#[derive(Debug, Clone, Copy)]
pub struct PrincipalView<'p> {
    kind: PrincipalType,
    values: &'p [Box<str>],
}

impl<'p> PrincipalView<'p> {
    /// The group's type.
    pub fn kind(&self) -> PrincipalType {
        self.kind
    }

    /// Its values as written (a lone string is one value), in document order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &'p str> + 'p {
        self.values.iter().map(|v| &**v)
    }
}

/// One (operator, key) entry of a statement's `Condition` block.
#[derive(Clone, Copy)]
pub struct ConditionView<'p> {
    policy: &'p Policy,
    statement: usize,
    entry: usize,
    operator: &'p str,
    key: &'p str,
}

impl std::fmt::Debug for ConditionView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConditionView").field("operator", &self.operator).field("key", &self.key).finish()
    }
}

impl<'p> ConditionView<'p> {
    /// The operator as written, prefix and suffix included (`"ForAnyValue:StringLikeIfExists"`).
    pub fn operator(&self) -> &'p str {
        self.operator
    }

    /// The condition key as written (`"aws:SourceIp"`; keys compare case-insensitively).
    pub fn key(&self) -> &'p str {
        self.key
    }

    /// The values as written (numbers as their source text, booleans as `true`/`false`; a lone
    /// value is one value), in document order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &'p str> + 'p {
        let values: &'p [Box<str>] = self.policy.source(self.statement).conditions.get(self.entry).map_or(&[], |v| v);
        values.iter().map(|v| &**v)
    }
}
