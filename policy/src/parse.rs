//! Policy grammar and per-kind validation: JSON text to [`Document`].
//!
//! This module owns the rules a document must satisfy before IAM (or
//! Organizations) would store it, and the exact `MalformedPolicyDocument`
//! message IAM returns for each broken rule. Every error carries the 1-based
//! position of the offending element so a trainee can find it.
//!
//! It runs in two passes, because IAM reports plain syntax problems
//! ("Syntax errors in policy.") before rule violations elsewhere in the
//! document: pass 1 checks the shape of every element, pass 2 checks meaning
//! (vendors, ARNs, principals, kind rules) while compiling patterns.
//!
//! Message sources: the IAM User Guide grammar and element pages, and the
//! messages IAM returns as observed in public emulators and issue reports.

use super::document::{
    BaseOp, Cidr, CondValues, Condition, Document, Operator, PrincipalEntry, PrincipalSpec, Resolvable, Statement,
    VarRef, Version,
};
use super::json::{self, Json, JsonValue, Member, Pos};
use super::pattern::{push_literal, push_wild_text, split_arn, unicode_lower, ActionPattern, ArnPattern, Glob, Token};
use super::{Effect, PolicyError, PolicyKind};

/// IAM's text for structural problems.
pub const SYNTAX: &str = "Syntax errors in policy.";
/// IAM's text when a 2012-10-17 document is required.
pub const VERSION: &str = "Policy document must be version 2012-10-17 or greater.";
/// IAM's text for values its older parser rejects (bad dates, wrong case).
pub const LEGACY: &str = "The policy failed legacy parsing";
/// IAM's text for a `Principal` in a policy attached to an identity.
pub const NO_PRINCIPAL: &str = "Policy document should not specify a principal.";
/// IAM's text for a resource or trust policy statement without a principal.
pub const MISSING_PRINCIPAL: &str = "Missing required field Principal";
/// IAM's text for a statement without `Action`/`NotAction`.
pub const NO_ACTIONS: &str = "Policy statement must contain actions.";
/// IAM's text for a statement without `Resource`/`NotResource`.
pub const NO_RESOURCES: &str = "Policy statement must contain resources.";
/// IAM's text for an action (or condition key) without a service prefix.
pub const VENDOR: &str = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
/// IAM's text for an action with more than one colon.
pub const ONE_COLON: &str = "Actions/Condition can contain only one colon.";
/// IAM's text for a Sid with characters outside `[0-9A-Za-z]`.
pub const SID_CHARS: &str =
    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
/// IAM's text for two statements with the same Sid.
pub const SID_UNIQUE: &str = "Statement IDs (SID) in a single policy must be unique.";
/// IAM's text for a service wildcard in a resource ARN.
pub const VENDOR_REGEX: &str = "Resource vendor must be fully qualified and cannot contain regexes.";
/// IAM's text for a role trust policy statement whose actions are not STS's role-assumption
/// actions (the wording emulators reproduce from IAM; IAM also accepts the session actions
/// `sts:TagSession`, `sts:SetSourceIdentity` and `sts:SetContext`, see [`TRUST_ACTIONS`]).
pub const TRUST_ACTION: &str =
    "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML, and sts:AssumeRoleWithWebIdentity";

/// The actions a role trust policy may name: assuming the role and the session options the
/// trusted principal may set while doing so (IAM User Guide, "Passing session tags", "Monitor and
/// control actions taken with assumed roles", "Role trust policies").
pub const TRUST_ACTIONS: [&str; 6] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

/// The known partitions (the second ARN segment).
const PARTITIONS: [&str; 8] =
    ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/// Resource-type prefixes IAM accepts in `arn:aws:iam::<acct>:<here>`.
const IAM_RESOURCE_TYPES: [&str; 15] = [
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "u2f/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
    "root",
];

/// Options that relax or tighten validation beyond what the kind implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseOptions {
    /// An AWS-managed document (e.g. `RCPFullAWSAccess`, the root task
    /// policies): customer-only rules (RCP Deny-only, RCP bare `*` action,
    /// size quotas) are skipped.
    pub aws_managed: bool,
    /// A customer managed policy (`CreatePolicy`/`CreatePolicyVersion`):
    /// IAM requires `Version: 2012-10-17` there.
    pub customer_managed: bool,
    /// Overrides the kind's default size quota (characters, whitespace not
    /// counted). `Some(0)` disables the check.
    pub max_size: Option<usize>,
    /// A document as AWS stores it (a saved or imported world, or one rewritten when a principal
    /// was deleted): an `AWS` principal may be an IAM user's or role's unique ID (`AIDA...`,
    /// `AROA...`), which IAM writes in place of the ARN of a deleted user or role and shows from
    /// then on. Customers cannot write one: without this option such a value is an `Invalid
    /// principal in policy`, as IAM, S3, SQS and KMS answer.
    pub unique_ids: bool,
    /// Read the document as a reader of any policy does, not as IAM when it is written: a
    /// condition operator IAM does not know is kept (its statement is unevaluable, an Allow never
    /// matches, a Deny is taken to apply) instead of refused with "Syntax errors in policy.".
    /// `rootsim eval` reads its requests' documents so, to answer rather than refuse them.
    pub lenient_operators: bool,
}

impl PolicyKind {
    /// Default per-document size quota in characters (whitespace excluded).
    ///
    /// Identity and boundary: the managed-policy quota (6,144). Inline
    /// aggregate quotas (user 2,048, group 5,120, role 10,240) are per entity
    /// and belong to the caller. Trust: the default role trust quota
    /// (`ACLSizePerRole`, 2,048). Session: 2,048. SCP and RCP 5,120 each,
    /// per the Organizations quotas. Resource policies: 20,480 (S3/SQS).
    pub fn max_size(self) -> usize {
        match self {
            PolicyKind::Identity | PolicyKind::Boundary => 6144,
            PolicyKind::Trust | PolicyKind::Session => 2048,
            PolicyKind::Scp | PolicyKind::Rcp => 5120,
            PolicyKind::Resource => 20480,
        }
    }

    fn allows_principal(self) -> bool {
        matches!(self, PolicyKind::Resource | PolicyKind::Trust | PolicyKind::Rcp)
    }

    /// IAM itself validates these kinds (Sid characters).
    fn iam_validated(self) -> bool {
        !matches!(self, PolicyKind::Resource)
    }
}

/// Counts characters that are not whitespace (the quota rule).
pub fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Where the document's first value starts: after the JSON whitespace that leads it (the position
/// the reader gives the root value).
fn document_start(text: &str) -> Pos {
    let mut pos = Pos { line: 1, column: 1 };
    for c in text.chars() {
        match c {
            '\n' => pos = Pos { line: pos.line + 1, column: 1 },
            ' ' | '\t' | '\r' => pos.column += 1,
            _ => break,
        }
    }
    pos
}

fn err(message: &str, detail: impl Into<String>, pos: Pos) -> PolicyError {
    PolicyError { message: message.to_string(), detail: detail.into(), line: pos.line, column: pos.column }
}

/// The shape-checked elements of one statement (pass 1).
struct RawStatement<'a> {
    pos: Pos,
    sid: Option<(&'a str, Pos)>,
    effect: Option<(&'a str, Pos)>,
    principal: Option<(&'a Member, bool)>,
    action: Option<(&'a Member, bool)>,
    resource: Option<(&'a Member, bool)>,
    condition: Option<&'a Json>,
}

/// Parses and validates `text` as a policy of `kind`.
pub fn parse_document(text: &str, kind: PolicyKind, opts: &ParseOptions) -> Result<Document, PolicyError> {
    // The size quota is checked on the raw text before it is read as JSON, so that an oversized
    // document costs one pass over its characters, never a parse.
    let limit = opts.max_size.unwrap_or_else(|| kind.max_size());
    if !opts.aws_managed && limit > 0 {
        let size = policy_size(text);
        if size > limit {
            let quota = if kind == PolicyKind::Trust { "ACLSizePerRole" } else { "PolicySize" };
            return Err(err(
                &format!("Cannot exceed quota for {quota}: {limit}"),
                format!("the document has {size} characters (whitespace not counted); the limit is {limit}"),
                document_start(text),
            ));
        }
    }
    let root = json::parse(text).map_err(|e| err(SYNTAX, format!("invalid JSON: {}", e.detail), e.pos))?;

    // ---- Pass 1: shape ----
    let JsonValue::Object(top) = &root.value else {
        return Err(err(SYNTAX, "the document must be a JSON object", root.pos));
    };
    let mut version_el: Option<&Json> = None;
    let mut id_el: Option<&Json> = None;
    let mut statement_el: Option<&Member> = None;
    for m in top {
        match m.key.as_str() {
            "Version" => version_el = Some(&m.value),
            "Id" => id_el = Some(&m.value),
            "Statement" => statement_el = Some(m),
            other => {
                return Err(err(
                    SYNTAX,
                    format!("unknown top-level element \"{other}\" (allowed: Version, Id, Statement)"),
                    m.key_pos,
                ))
            }
        }
    }
    let version = match version_el {
        None => Version::Absent,
        Some(Json { value: JsonValue::String(v), .. }) if v == "2012-10-17" => Version::V2012,
        Some(Json { value: JsonValue::String(v), .. }) if v == "2008-10-17" => Version::V2008,
        Some(j) => return Err(err(SYNTAX, "Version must be \"2012-10-17\" (current) or \"2008-10-17\"", j.pos)),
    };
    let id = match id_el {
        None => None,
        Some(Json { value: JsonValue::String(s), .. }) => Some(s.clone()),
        Some(j) => return Err(err(SYNTAX, format!("Id must be a string, not {}", j.value.type_name()), j.pos)),
    };
    let Some(statement_el) = statement_el else {
        return Err(err(SYNTAX, "the document has no Statement element", root.pos));
    };
    let stmt_jsons: Vec<&Json> = match &statement_el.value.value {
        JsonValue::Object(_) => vec![&statement_el.value],
        JsonValue::Array(items) if items.is_empty() => {
            return Err(err(SYNTAX, "Statement is an empty list", statement_el.value.pos))
        }
        JsonValue::Array(items) => items.iter().collect(),
        other => {
            return Err(err(
                SYNTAX,
                format!("Statement must be an object or a list of objects, not {}", other.type_name()),
                statement_el.value.pos,
            ))
        }
    };
    let mut raws = Vec::with_capacity(stmt_jsons.len());
    for (i, sj) in stmt_jsons.iter().enumerate() {
        raws.push(shape_statement(sj, i, kind.iam_validated() && !opts.lenient_operators)?);
    }

    // ---- Pass 2: meaning ----
    // `Id` is optional in every kind: IAM stores it in identity policies too (it just has no use
    // there), so it is never refused.
    let needs_2012 = opts.customer_managed || (kind == PolicyKind::Rcp && !opts.aws_managed);
    if needs_2012 && version != Version::V2012 {
        let pos = version_el.map(|j| j.pos).unwrap_or(root.pos);
        return Err(err(VERSION, "this kind of policy requires \"Version\": \"2012-10-17\"", pos));
    }
    let mut statements = Vec::with_capacity(raws.len());
    let mut sids: Vec<&str> = Vec::new();
    for (i, raw) in raws.iter().enumerate() {
        if let Some((sid, pos)) = raw.sid {
            if kind.iam_validated() && !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(err(SID_CHARS, format!("Sid \"{sid}\" has characters other than letters and digits"), pos));
            }
            if !sid.is_empty() {
                if sids.contains(&sid) {
                    return Err(err(SID_UNIQUE, format!("Sid \"{sid}\" is used by an earlier statement"), pos));
                }
                sids.push(sid);
            }
        }
        statements.push(compile_statement(raw, i, kind, version, opts)?);
    }
    let has_allow = statements.iter().any(|s| s.effect == Effect::Allow);
    let has_deny = statements.iter().any(|s| s.effect == Effect::Deny);
    let index = super::document::ServiceIndex::build(&statements);
    Ok(Document { version, id, statements, has_allow, has_deny, index })
}

fn shape_statement(j: &Json, index: usize, strict_operators: bool) -> Result<RawStatement<'_>, PolicyError> {
    let JsonValue::Object(members) = &j.value else {
        return Err(err(
            SYNTAX,
            format!("statement {} must be an object, not {}", index + 1, j.value.type_name()),
            j.pos,
        ));
    };
    let mut raw = RawStatement {
        pos: j.pos,
        sid: None,
        effect: None,
        principal: None,
        action: None,
        resource: None,
        condition: None,
    };
    for m in members {
        let key = m.key.as_str();
        match key {
            "Sid" | "Effect" => {
                let JsonValue::String(s) = &m.value.value else {
                    return Err(err(
                        SYNTAX,
                        format!("{key} must be a string, not {}", m.value.value.type_name()),
                        m.value.pos,
                    ));
                };
                if key == "Sid" {
                    raw.sid = Some((s, m.value.pos));
                } else {
                    raw.effect = Some((s, m.value.pos));
                }
            }
            "Principal" | "NotPrincipal" => {
                if raw.principal.is_some() {
                    return Err(err(SYNTAX, "a statement cannot have both Principal and NotPrincipal", m.key_pos));
                }
                shape_principal(&m.value)?;
                raw.principal = Some((m, key == "NotPrincipal"));
            }
            "Action" | "NotAction" | "Resource" | "NotResource" => {
                let slot = if key.ends_with("Action") { &mut raw.action } else { &mut raw.resource };
                if slot.is_some() {
                    let base = key.trim_start_matches("Not");
                    return Err(err(SYNTAX, format!("a statement cannot have both {base} and Not{base}"), m.key_pos));
                }
                string_list(&m.value, key)?;
                *slot = Some((m, key.starts_with("Not")));
            }
            "Condition" => {
                shape_condition(&m.value, strict_operators)?;
                raw.condition = Some(&m.value);
            }
            other => {
                return Err(err(
                    SYNTAX,
                    format!(
                        "unknown statement element \"{other}\" (allowed: Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)"
                    ),
                    m.key_pos,
                ))
            }
        }
    }
    match raw.effect {
        None => return Err(err(SYNTAX, format!("statement {} has no Effect", index + 1), j.pos)),
        Some((e, _)) if e == "Allow" || e == "Deny" => {}
        Some((e, pos)) if e.eq_ignore_ascii_case("allow") || e.eq_ignore_ascii_case("deny") => {
            return Err(err(LEGACY, format!("Effect \"{e}\" must be spelled exactly \"Allow\" or \"Deny\""), pos))
        }
        Some((e, pos)) => return Err(err(SYNTAX, format!("Effect must be \"Allow\" or \"Deny\", not \"{e}\""), pos)),
    }
    Ok(raw)
}

/// Checks a string-or-list-of-strings element; returns the strings.
fn string_list<'a>(j: &'a Json, what: &str) -> Result<Vec<(&'a str, Pos)>, PolicyError> {
    match &j.value {
        JsonValue::String(s) => Ok(vec![(s.as_str(), j.pos)]),
        JsonValue::Array(items) => items
            .iter()
            .map(|it| match &it.value {
                JsonValue::String(s) => Ok((s.as_str(), it.pos)),
                other => {
                    Err(err(SYNTAX, format!("each {what} entry must be a string, not {}", other.type_name()), it.pos))
                }
            })
            .collect(),
        other => {
            Err(err(SYNTAX, format!("{what} must be a string or a list of strings, not {}", other.type_name()), j.pos))
        }
    }
}

fn shape_principal(j: &Json) -> Result<(), PolicyError> {
    match &j.value {
        JsonValue::String(s) if s == "*" => Ok(()),
        JsonValue::String(s) => Err(err(
            SYNTAX,
            format!("a Principal string must be \"*\"; use {{\"AWS\": \"{s}\"}} to name a principal"),
            j.pos,
        )),
        JsonValue::Object(members) if members.is_empty() => Err(err(SYNTAX, "Principal is an empty object", j.pos)),
        JsonValue::Object(members) => {
            for m in members {
                if !matches!(m.key.as_str(), "AWS" | "Service" | "Federated" | "CanonicalUser") {
                    return Err(err(
                        SYNTAX,
                        format!(
                            "unknown principal type \"{}\" (allowed: AWS, Service, Federated, CanonicalUser)",
                            m.key
                        ),
                        m.key_pos,
                    ));
                }
                let list = string_list(&m.value, &m.key)?;
                if list.is_empty() {
                    return Err(err(SYNTAX, format!("the {} principal list is empty", m.key), m.value.pos));
                }
            }
            Ok(())
        }
        other => Err(err(SYNTAX, format!("Principal must be \"*\" or an object, not {}", other.type_name()), j.pos)),
    }
}

/// A scalar condition value as text; IAM accepts numbers and booleans
/// unquoted.
fn scalar_text(j: &Json) -> Option<String> {
    match &j.value {
        JsonValue::String(s) => Some(s.clone()),
        JsonValue::Number(n) => Some(n.clone()),
        JsonValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `strict_operators`: refuse an operator IAM's grammar does not know (rule IAM-POLICY-OPERATORS),
/// unless its block is empty, which IAM accepts.
fn shape_condition(j: &Json, strict_operators: bool) -> Result<(), PolicyError> {
    let JsonValue::Object(ops) = &j.value else {
        return Err(err(SYNTAX, format!("Condition must be an object, not {}", j.value.type_name()), j.pos));
    };
    for op in ops {
        if strict_operators && !Operator::is_grammatical(&op.key) {
            if let JsonValue::Object(keys) = &op.value.value {
                if !keys.is_empty() {
                    return Err(err(
                        SYNTAX,
                        format!("\"{}\" is not a condition operator IAM knows (e.g. StringEquals, ArnLike, Bool, with ForAnyValue:/ForAllValues: or IfExists)", op.key),
                        op.key_pos,
                    ));
                }
            }
        }
        let JsonValue::Object(keys) = &op.value.value else {
            return Err(err(
                SYNTAX,
                format!(
                    "the {} condition must be an object of keys and values, not {}",
                    op.key,
                    op.value.value.type_name()
                ),
                op.value.pos,
            ));
        };
        for k in keys {
            let bad = |pos| {
                err(
                    SYNTAX,
                    format!("the value of condition key {} must be a string, number, boolean or a list of them", k.key),
                    pos,
                )
            };
            match &k.value.value {
                JsonValue::Array(items) => {
                    if let Some(it) = items.iter().find(|it| scalar_text(it).is_none()) {
                        return Err(bad(it.pos));
                    }
                }
                _ if scalar_text(&k.value).is_none() => return Err(bad(k.value.pos)),
                _ => {}
            }
        }
    }
    Ok(())
}

fn compile_statement(
    raw: &RawStatement<'_>,
    index: usize,
    kind: PolicyKind,
    version: Version,
    opts: &ParseOptions,
) -> Result<Statement, PolicyError> {
    let effect = match raw.effect {
        Some(("Deny", _)) => Effect::Deny,
        _ => Effect::Allow,
    };
    let effect_pos = raw.effect.map(|(_, p)| p).unwrap_or(raw.pos);
    let n = index + 1;

    // Principal rules per kind.
    let principal = match raw.principal {
        Some((m, not)) => {
            if !kind.allows_principal() {
                return Err(err(
                    NO_PRINCIPAL,
                    format!("{} is not allowed in a policy attached to an identity or in an SCP", m.key),
                    m.key_pos,
                ));
            }
            if not && kind != PolicyKind::Resource {
                return Err(err(
                    SYNTAX,
                    format!("NotPrincipal is not supported in a {} policy", kind.name()),
                    m.key_pos,
                ));
            }
            if not && effect == Effect::Allow {
                return Err(err(SYNTAX, "NotPrincipal can only be used with \"Effect\": \"Deny\"", m.key_pos));
            }
            if kind == PolicyKind::Rcp && !matches!(&m.value.value, JsonValue::String(s) if s == "*") {
                return Err(err(SYNTAX, "in a resource control policy Principal must be \"*\"", m.value.pos));
            }
            Some(compile_principal(&m.value, not, opts.unique_ids)?)
        }
        None if kind.allows_principal() => {
            return Err(err(MISSING_PRINCIPAL, format!("statement {n} has no Principal"), raw.pos));
        }
        None => None,
    };

    // Actions.
    let Some((action_m, not_action)) = raw.action else {
        return Err(err(NO_ACTIONS, format!("statement {n} has no Action or NotAction"), raw.pos));
    };
    let action_list = string_list(&action_m.value, &action_m.key)?;
    if action_list.is_empty() {
        return Err(err(NO_ACTIONS, format!("the {} list is empty", action_m.key), action_m.value.pos));
    }
    if kind == PolicyKind::Rcp && !opts.aws_managed {
        if not_action {
            return Err(err(SYNTAX, "NotAction is not supported in a resource control policy", action_m.key_pos));
        }
        if let Some((_, pos)) = action_list.iter().find(|(a, _)| *a == "*") {
            return Err(err(
                SYNTAX,
                "a resource control policy cannot use the bare \"*\" action; name a service, e.g. \"s3:*\"",
                *pos,
            ));
        }
    }
    let mut actions = Vec::with_capacity(action_list.len());
    for (a, pos) in &action_list {
        check_action(a, *pos)?;
        if kind == PolicyKind::Trust && !opts.aws_managed && !not_action && !is_trust_action(a) {
            return Err(err(
                TRUST_ACTION,
                format!(
                    "\"{a}\" is not an action of assuming a role (a trust policy allows {})",
                    TRUST_ACTIONS.join(", ")
                ),
                *pos,
            ));
        }
        actions.push(ActionPattern::new(a));
    }

    // Resources.
    let resources = match (raw.resource, kind) {
        (Some((m, _)), PolicyKind::Trust) => {
            return Err(err(
                &format!("Has prohibited field {}", m.key),
                "a role trust policy does not name resources: the role is the resource",
                m.key_pos,
            ))
        }
        (None, PolicyKind::Trust) => None,
        (None, _) => return Err(err(NO_RESOURCES, format!("statement {n} has no Resource or NotResource"), raw.pos)),
        (Some((m, not)), _) => {
            let list = string_list(&m.value, &m.key)?;
            if list.is_empty() {
                return Err(err(NO_RESOURCES, format!("the {} list is empty", m.key), m.value.pos));
            }
            if kind == PolicyKind::Scp && effect == Effect::Allow && (not || list.iter().any(|(r, _)| *r != "*")) {
                return Err(err(
                    SYNTAX,
                    "in a service control policy an Allow statement must use \"Resource\": \"*\"",
                    m.value.pos,
                ));
            }
            let mut out = Vec::with_capacity(list.len());
            for (r, pos) in &list {
                out.push(compile_resource(r, *pos, kind, version, opts)?);
            }
            Some(out)
        }
    };
    let not_resource = raw.resource.is_some_and(|(_, not)| not);

    if kind == PolicyKind::Rcp && effect == Effect::Allow && !opts.aws_managed {
        return Err(err(SYNTAX, "customer resource control policies may only use \"Effect\": \"Deny\"", effect_pos));
    }

    let conditions = match raw.condition {
        Some(j) => compile_conditions(j, version)?,
        None => Vec::new(),
    };

    let service_mask = if not_action { u64::MAX } else { actions.iter().fold(0, |m, a| m | a.service_mask()) };
    Ok(Statement {
        index,
        sid: raw.sid.map(|(s, _)| s.to_string()).filter(|s| !s.is_empty()),
        effect,
        principal,
        actions,
        not_action,
        service_mask,
        resources,
        not_resource,
        conditions,
        pos: raw.pos,
    })
}

/// Whether a trust policy may name action pattern `a`: `*`, or an STS pattern that matches one of
/// [`TRUST_ACTIONS`] (`sts:*`, `sts:AssumeRole*`). **Simulator assumption:** IAM's handling of
/// wildcards here is not documented; a pattern that covers a role-assumption action is accepted.
fn is_trust_action(a: &str) -> bool {
    a == "*" || {
        let pattern = ActionPattern::new(a);
        TRUST_ACTIONS.iter().any(|t| pattern.matches_key(&super::pattern::ActionKey::new(t)))
    }
}

fn check_action(a: &str, pos: Pos) -> Result<(), PolicyError> {
    if a == "*" {
        return Ok(());
    }
    let mut parts = a.split(':');
    let vendor = parts.next().unwrap_or("");
    match (parts.next(), parts.next()) {
        (None, _) => Err(err(VENDOR, format!("action \"{a}\" has no service prefix (like \"iam:\")"), pos)),
        (Some(_), Some(_)) => Err(err(ONE_COLON, format!("action \"{a}\" has more than one colon"), pos)),
        (Some(_), None) => {
            if vendor != "*"
                && (vendor.is_empty() || !vendor.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'))
            {
                Err(err(&format!("Vendor {vendor} is not valid"), format!("\"{vendor}\" is not a service prefix"), pos))
            } else {
                Ok(())
            }
        }
    }
}

fn compile_principal(j: &Json, not: bool, unique_ids: bool) -> Result<PrincipalSpec, PolicyError> {
    let mut entries = Vec::new();
    match &j.value {
        JsonValue::String(_) => entries.push(PrincipalEntry::Any),
        JsonValue::Object(members) => {
            for m in members {
                for (v, pos) in string_list(&m.value, &m.key)? {
                    let entry = match m.key.as_str() {
                        "AWS" if unique_ids && is_unique_id(v) => PrincipalEntry::UniqueId(v.to_string()),
                        "AWS" => classify_aws_principal(v).ok_or_else(|| {
                            let detail = if is_unique_id(v) {
                                "a user's or role's unique ID stands in a policy only where AWS wrote it for a deleted principal; name a principal by its ARN"
                            } else {
                                "an AWS principal must be \"*\", a 12-digit account ID or an IAM/STS ARN without wildcards"
                            };
                            err(&format!("Invalid principal in policy: \"AWS\":\"{v}\""), detail, pos)
                        })?,
                        "Service" => PrincipalEntry::Service(v.to_string()),
                        "Federated" => PrincipalEntry::Federated(v.to_string()),
                        _ => PrincipalEntry::CanonicalUser(v.to_string()),
                    };
                    entries.push(entry);
                }
            }
        }
        _ => {}
    }
    let has_unique_ids = entries.iter().any(|e| matches!(e, PrincipalEntry::UniqueId(_)));
    Ok(PrincipalSpec { not, entries, has_unique_ids })
}

/// Whether `v` has the form of an IAM user's or role's unique ID, the only principals IAM writes
/// as IDs: `AIDA` (user) or `AROA` (role) and upper-case letters and digits, 16 to 128 characters
/// in all (the bounds and alphabet AWS's APIs give for these IDs, e.g. `AIDAJQABLZS4A3QDU576Q`).
pub fn is_unique_id(v: &str) -> bool {
    (v.starts_with("AIDA") || v.starts_with("AROA"))
        && (16..=128).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Classifies an `"AWS"` principal value; `None` when IAM would reject it.
pub fn classify_aws_principal(v: &str) -> Option<PrincipalEntry> {
    if v == "*" {
        return Some(PrincipalEntry::Any);
    }
    if is_account_id(v) {
        return Some(PrincipalEntry::Account(v.to_string()));
    }
    let (seg, res) = split_arn(v)?;
    // No partial wildcards in principals.
    if v.contains(['*', '?']) || seg[0] != "arn" || !seg[3].is_empty() || !is_account_id(seg[4]) {
        return None;
    }
    let owned = v.to_string();
    Some(match (seg[2], res) {
        ("iam", "root") => PrincipalEntry::Account(seg[4].to_string()),
        ("iam", r) if r.starts_with("user/") => PrincipalEntry::User(owned),
        ("iam", r) if r.starts_with("role/") => PrincipalEntry::Role(owned),
        ("sts", r) if r.starts_with("assumed-role/") => PrincipalEntry::Session(owned),
        ("sts", r) if r.starts_with("federated-user/") => PrincipalEntry::FederatedUser(owned),
        ("iam" | "sts", _) => PrincipalEntry::OtherArn(owned),
        _ => return None,
    })
}

/// Splits a value into glob tokens, expanding `${...}` variables when the
/// document is version 2012-10-17. `wild` says whether `*`/`?` outside
/// variables are wildcards.
fn tokens_with_vars(s: &str, expand: bool, wild: bool, fold: bool, vars: &mut Vec<VarRef>) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut rest = s;
    // Without expansion (version 2008 or absent) `${...}` is literal text.
    while let (true, Some(start)) = (expand, rest.find("${")) {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        push_wild_text(&mut tokens, &rest[..start], wild, fold);
        let inner = &rest[start + 2..start + len];
        match inner {
            "*" | "?" | "$" => push_literal(&mut tokens, inner, fold),
            _ => {
                let (key, default) = match inner.split_once(',') {
                    Some((k, d)) => {
                        let d = d.trim();
                        let d = d.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')).unwrap_or(d);
                        (k.trim(), Some(d.into()))
                    }
                    None => (inner.trim(), None),
                };
                tokens.push(Token::Var(vars.len()));
                vars.push(VarRef { fingerprint: super::key_fingerprint(key), key: key.into(), default });
            }
        }
        rest = &rest[start + len + 1..];
    }
    push_wild_text(&mut tokens, rest, wild, fold);
    tokens
}

fn compile_resource(
    r: &str,
    pos: Pos,
    kind: PolicyKind,
    version: Version,
    opts: &ParseOptions,
) -> Result<Resolvable<ArnPattern>, PolicyError> {
    if r == "*" {
        return Ok(Resolvable { pattern: ArnPattern::Any, vars: Box::new([]) });
    }
    let not_arn = || {
        err(
            &format!("Resource {r} must be in ARN format or \"*\"."),
            "a resource must be an ARN (arn:partition:service:region:account:resource) or \"*\"",
            pos,
        )
    };
    let parts: Vec<&str> = r.splitn(6, ':').collect();
    if parts.len() < 2 || parts[0] != "arn" {
        return Err(not_arn());
    }
    if parts.len() < 6 && kind == PolicyKind::Session {
        // Session policies do not get the padding identity policies get.
        return Err(not_arn());
    }
    if parts.len() < 6 && !opts.aws_managed && !r.contains(['*', '?']) {
        // An ARN without all six segments (`arn:aws:s3::bucket`, an account ID after two colons)
        // is refused by IAM's older parser. Stored AWS documents and wildcard prefixes
        // (`arn:aws:s3*`) keep the padding below.
        return Err(err(
            LEGACY,
            format!(
                "\"{r}\" has {} of the six ARN segments (arn:partition:service:region:account:resource)",
                parts.len()
            ),
            pos,
        ));
    }
    let partition = parts[1];
    if !PARTITIONS.contains(&partition) && !partition.contains(['*', '?']) {
        return Err(err(
            &format!("Partition \"{partition}\" is not valid for resource \"{r}\"."),
            format!("\"{partition}\" is not an AWS partition (aws, aws-cn, aws-us-gov, ...)"),
            pos,
        ));
    }
    let service = parts.get(2).copied().unwrap_or("*");
    if service.is_empty() || service.contains(['*', '?']) {
        return Err(err(VENDOR_REGEX, "the service segment of a resource ARN cannot be empty or use wildcards", pos));
    }
    let region = parts.get(3).copied().unwrap_or("*");
    let resource_part = parts.get(5).copied().unwrap_or("*");
    // S3's bucket and object ARNs have neither Region nor account; its access points, access
    // grants, batch jobs and Storage Lens ARNs carry both (`arn:aws:s3:*:*:accesspoint/*`, in AWS's
    // own managed policies), so only an S3 ARN without an account is held to an empty Region.
    let s3_bucket_arn = service == "s3" && parts.get(4).is_some_and(|a| a.is_empty());
    if parts.len() == 6 && (service == "iam" || s3_bucket_arn) && !region.is_empty() {
        let msg = if service == "iam" {
            format!("IAM resource {r} cannot contain region information.")
        } else {
            format!("Resource {r} can not contain region information.")
        };
        return Err(err(&msg, "IAM and S3 ARNs have an empty region segment", pos));
    }
    if parts.len() == 6
        && service == "iam"
        && !resource_part.starts_with('*')
        && !IAM_RESOURCE_TYPES.iter().any(|t| resource_part.starts_with(t))
    {
        return Err(err(
            "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.",
            format!("\"{resource_part}\" does not start with an IAM resource type"),
            pos,
        ));
    }
    // Incomplete ARNs (identity-side) are padded with `*` segments.
    let seg = |i: usize| parts.get(i).copied().unwrap_or("*");
    let mut vars = Vec::new();
    let tokens = tokens_with_vars(resource_part, version == Version::V2012, true, false, &mut vars);
    Ok(Resolvable {
        pattern: ArnPattern::arn([seg(0), seg(1), seg(2), seg(3), seg(4)], Glob::from_tokens(tokens, false)),
        vars: vars.into(),
    })
}

fn compile_conditions(j: &Json, version: Version) -> Result<Vec<Condition>, PolicyError> {
    let JsonValue::Object(ops) = &j.value else {
        return Ok(Vec::new());
    };
    // Sized to the entries: a compiled document lives as long as its policy, and a vector grown
    // one push at a time keeps room for four conditions where most statements have one.
    let entries = ops.iter().map(|op| if let JsonValue::Object(keys) = &op.value.value { keys.len() } else { 0 }).sum();
    let mut out = Vec::with_capacity(entries);
    for op in ops {
        let operator = Operator::parse(&op.key);
        let JsonValue::Object(keys) = &op.value.value else {
            continue;
        };
        // A condition key without a service prefix is accepted, as IAM accepts it: it names no
        // key any request carries, so the condition is decided as for an absent key.
        for k in keys {
            let raw: Vec<(String, Pos)> = match &k.value.value {
                JsonValue::Array(items) => items.iter().filter_map(|it| Some((scalar_text(it)?, it.pos))).collect(),
                _ => scalar_text(&k.value).map(|s| vec![(s, k.value.pos)]).unwrap_or_default(),
            };
            let values = compile_values(&operator, &op.key, &raw, version)?;
            out.push(Condition {
                operator_name: op.key.clone(),
                operator: operator.clone(),
                key: k.key.clone(),
                fingerprint: super::key_fingerprint(&k.key),
                values,
                pos: k.key_pos,
            });
        }
    }
    Ok(out)
}

fn compile_values(
    operator: &Operator,
    name: &str,
    raw: &[(String, Pos)],
    version: Version,
) -> Result<CondValues, PolicyError> {
    let Operator::Known { base, .. } = operator else {
        return Ok(CondValues::Invalid(format!("\"{name}\" is not a condition operator IAM knows")));
    };
    let expand = version == Version::V2012 && base.takes_variables();
    let globs = |wild: bool, fold: bool| {
        raw.iter()
            .map(|(v, _)| {
                let mut vars = Vec::new();
                let mut tokens = tokens_with_vars(v, expand, wild, fold, &mut vars);
                if fold {
                    // `...IgnoreCase` folds with Unicode's rules, not ASCII's alone (the
                    // matcher folds a non-ASCII request value the same way).
                    for t in &mut tokens {
                        if let Token::Text(text) = t {
                            if let std::borrow::Cow::Owned(lower) = unicode_lower(text) {
                                *text = lower.into();
                            }
                        }
                    }
                }
                Resolvable { pattern: Glob::from_tokens(tokens, fold), vars: vars.into() }
            })
            .collect::<Vec<_>>()
    };
    Ok(match base.positive() {
        BaseOp::StringEquals => CondValues::Strings(globs(false, false)),
        BaseOp::StringEqualsIgnoreCase => CondValues::Strings(globs(false, true)),
        BaseOp::StringLike => CondValues::Strings(globs(true, false)),
        BaseOp::Bool => CondValues::Bools(globs(false, true)),
        BaseOp::ArnEquals | BaseOp::ArnLike => {
            let mut out = Vec::with_capacity(raw.len());
            for (v, _) in raw {
                out.push(compile_arn_value(v, expand));
            }
            CondValues::Arns(out)
        }
        BaseOp::NumericEquals
        | BaseOp::NumericLessThan
        | BaseOp::NumericLessThanEquals
        | BaseOp::NumericGreaterThan
        | BaseOp::NumericGreaterThanEquals => {
            let mut out = Vec::with_capacity(raw.len());
            for (v, _) in raw {
                match v.trim().parse::<f64>() {
                    Ok(x) if x.is_finite() => out.push(x),
                    _ => {
                        return Ok(CondValues::Invalid(format!(
                            "\"{v}\" is not a number, so {name} cannot be evaluated"
                        )))
                    }
                }
            }
            CondValues::Numbers(out)
        }
        BaseOp::DateEquals
        | BaseOp::DateLessThan
        | BaseOp::DateLessThanEquals
        | BaseOp::DateGreaterThan
        | BaseOp::DateGreaterThanEquals => {
            let mut out = Vec::with_capacity(raw.len());
            for (v, pos) in raw {
                match parse_date(v) {
                    Some(t) => out.push(t),
                    // IAM's older parser rejects unreadable dates outright.
                    None => return Err(err(LEGACY, format!("\"{v}\" is not an ISO 8601 date or epoch seconds"), *pos)),
                }
            }
            CondValues::Dates(out)
        }
        BaseOp::BinaryEquals => CondValues::Binary(raw.iter().map(|(v, _)| v.clone()).collect()),
        BaseOp::IpAddress => {
            let mut out = Vec::with_capacity(raw.len());
            for (v, _) in raw {
                match Cidr::parse(v) {
                    Some(c) => out.push(c),
                    None => return Ok(CondValues::Invalid(format!("\"{v}\" is not an IP address or CIDR block"))),
                }
            }
            CondValues::Cidrs(out)
        }
        BaseOp::Null => {
            let mut out = Vec::with_capacity(raw.len());
            for (v, _) in raw {
                if v.eq_ignore_ascii_case("true") {
                    out.push(true);
                } else if v.eq_ignore_ascii_case("false") {
                    out.push(false);
                } else {
                    return Ok(CondValues::Invalid(format!("Null takes \"true\" or \"false\", not \"{v}\"")));
                }
            }
            CondValues::Null(out)
        }
        // `positive()` never returns a negated operator.
        _ => CondValues::Invalid(format!("\"{name}\" cannot be evaluated")),
    })
}

/// Compiles an `Arn*` condition value. Without variables it is matched
/// segment by segment like a resource; a value with variables is matched as
/// one glob, because a variable (e.g. `${aws:PrincipalArn}`) may stand for
/// several segments at once.
fn compile_arn_value(v: &str, expand: bool) -> Resolvable<ArnPattern> {
    if v == "*" {
        return Resolvable { pattern: ArnPattern::Any, vars: Box::new([]) };
    }
    let mut vars = Vec::new();
    if expand && v.contains("${") {
        let tokens = tokens_with_vars(v, true, true, false, &mut vars);
        return Resolvable { pattern: ArnPattern::Whole(Glob::from_tokens(tokens, false)), vars: vars.into() };
    }
    if !v.starts_with("arn:") {
        return Resolvable { pattern: ArnPattern::Whole(Glob::wildcard(v, false)), vars: Box::new([]) };
    }
    // Segment-wise; an incomplete ARN is padded with `*` segments, as in
    // `Resource`, so a `*` never crosses a colon outside the resource part.
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    let seg = |i: usize| parts.get(i).copied().unwrap_or("*");
    Resolvable {
        pattern: ArnPattern::arn([seg(0), seg(1), seg(2), seg(3), seg(4)], Glob::wildcard(seg(5), false)),
        vars: Box::new([]),
    }
}

/// Parses a W3C/ISO 8601 date-time or epoch seconds into epoch seconds.
///
/// Accepted: `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.fff]]` followed by `Z`,
/// `±hh:mm`, `±hhmm` or nothing (UTC), and a plain (possibly fractional)
/// number of seconds since 1970-01-01T00:00:00Z. No allocation: the
/// evaluator parses request-context dates with it on every check.
pub fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') && !s.contains('-') {
        return s.parse::<f64>().ok().filter(|x| x.is_finite());
    }
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = num(5, 2)?;
    let day = num(8, 2)?;
    // A day that its month does not have (2024-02-30, 2023-02-29, 2024-04-31) is no date: read
    // as the days after it, it would silently move a time limit.
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) as f64 * 86400.0;
    if b.len() == 10 {
        return Some(secs);
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hour = num(11, 2)?;
    if b.get(13) != Some(&b':') {
        return None;
    }
    let minute = num(14, 2)?;
    let mut i = 16;
    let mut second = 0.0;
    if b.get(i) == Some(&b':') {
        let start = i + 1;
        let mut end = start;
        while end < b.len() && (b[end].is_ascii_digit() || b[end] == b'.') {
            end += 1;
        }
        second = std::str::from_utf8(&b[start..end]).ok()?.parse::<f64>().ok()?;
        i = end;
    }
    if hour > 23 || minute > 59 || !(0.0..61.0).contains(&second) {
        return None;
    }
    secs += (hour * 3600 + minute * 60) as f64 + second;
    match b.get(i) {
        None => Some(secs),
        Some(b'Z' | b'z') if i + 1 == b.len() => Some(secs),
        Some(&sign @ (b'+' | b'-')) => {
            let oh = num(i + 1, 2)?;
            let om = match b.get(i + 3) {
                Some(b':') => num(i + 4, 2).filter(|_| b.len() == i + 6)?,
                Some(_) => num(i + 3, 2).filter(|_| b.len() == i + 5)?,
                None => 0,
            };
            let off = (oh * 3600 + om * 60) as f64;
            Some(if sign == b'+' { secs - off } else { secs + off })
        }
        _ => None,
    }
}

/// The number of days of `month` (1 to 12) in `year`, in the proleptic Gregorian calendar.
fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// well-known algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse_date("2024-11-14"), Some(1_731_542_400.0));
        assert_eq!(parse_date("2024-11-14T01:00:00+01:00"), Some(1_731_542_400.0));
        assert_eq!(parse_date("2024-11-14T00:00:00.5Z"), Some(1_731_542_400.5));
        assert_eq!(parse_date("1731542400"), Some(1_731_542_400.0));
        assert_eq!(parse_date("2024-13-01"), None);
        // Days a month does not have are no dates; leap days only in leap years.
        for bad in
            ["2024-02-30", "2023-02-29", "1900-02-29", "2024-04-31", "2024-06-31T00:00:00Z", "2024-11-31", "2024-01-32"]
        {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2024-02-29"), Some(1_709_164_800.0));
        assert_eq!(parse_date("2000-02-29"), Some(951_782_400.0));
        assert_eq!(parse_date("2024-12-31T23:59:59Z"), Some(1_735_689_599.0));
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date("2024-11-14T25:00:00Z"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn principals() {
        assert_eq!(
            classify_aws_principal("arn:aws:iam::123456789012:root"),
            Some(PrincipalEntry::Account("123456789012".into()))
        );
        assert!(matches!(
            classify_aws_principal("arn:aws:sts::123456789012:assumed-role/R/s"),
            Some(PrincipalEntry::Session(_))
        ));
        assert_eq!(classify_aws_principal("arn:aws:iam::123456789012:user/*"), None);
        assert_eq!(classify_aws_principal("bob"), None);
        assert_eq!(classify_aws_principal("12345"), None);
    }

    #[test]
    fn variables_in_tokens() {
        let mut vars = Vec::new();
        let t = tokens_with_vars("home/${aws:username}/${*}x${aws:x, 'd e'}", true, true, false, &mut vars);
        assert_eq!(vars.len(), 2);
        assert_eq!(vars[1].default.as_deref(), Some("d e"));
        assert_eq!(t, vec![Token::Text("home/".into()), Token::Var(0), Token::Text("/*x".into()), Token::Var(1)]);
        let mut vars = Vec::new();
        let t = tokens_with_vars("a${aws:username}", false, true, false, &mut vars);
        assert!(vars.is_empty());
        assert_eq!(t, vec![Token::Text("a${aws:username}".into())]);
    }
}
