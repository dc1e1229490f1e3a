//! The checks: one pass over the document's tree, each finding located by the path it was found
//! at. Messages are the reference page's `findingDetails`, placeholders filled.

use crate::reader::{self, Member, Node, Positions, Value};
use crate::{type_of, Finding, Location, PathElement, PolicyType, Position};
use rootsim_catalogue as catalogue;
use std::collections::HashMap;

/// Statement elements the grammar knows.
const STATEMENT_ELEMENTS: &[&str] =
    &["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

/// Versions a policy may name.
const VERSIONS: &[&str] = &["2008-10-17", "2012-10-17"];

/// Condition operators without their `ForAllValues:`/`ForAnyValue:` qualifier and `IfExists`.
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// Global keys that carry several values; every other global key is single-valued
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).
const MULTIVALUED_GLOBAL_KEYS: &[&str] = &[
    "aws:TagKeys",
    "aws:PrincipalServiceNamesList",
    "aws:CalledVia",
    "aws:PrincipalOrgPaths",
    "aws:ResourceOrgPaths",
    "aws:SourceOrgPaths",
    "aws:VpceOrgPaths",
];

/// Principal keys a resource policy may use.
const PRINCIPAL_KEYS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

struct Ctx<'a> {
    positions: Positions<'a>,
    policy_type: PolicyType,
    resource_type: Option<&'a str>,
    /// Whether rootsim's own checks ([`resource_fit`]) run besides Access Analyzer's.
    rootsim_checks: bool,
    out: Vec<Finding>,
}

type Path = Vec<PathElement>;

fn with(path: &[PathElement], step: PathElement) -> Path {
    let mut p = path.to_vec();
    p.push(step);
    p
}

fn key(k: &str) -> PathElement {
    PathElement::Value(k.to_string())
}

impl Ctx<'_> {
    fn position(&self, at: usize) -> Position {
        let (line, column, offset) = self.positions.at(at);
        Position { line, column, offset }
    }

    fn location(&self, path: Path, start: usize, end: usize) -> Location {
        Location { path, start: self.position(start), end: self.position(end) }
    }

    /// Records a finding at the node `path` leads to.
    fn at(&mut self, code: &'static str, details: String, path: Path, node: &Node) {
        let location = self.location(path, node.start, node.end);
        self.push(code, details, vec![location]);
    }

    fn push(&mut self, code: &'static str, details: String, locations: Vec<Location>) {
        self.out.push(Finding { finding_type: type_of(code), issue_code: code, details, locations });
    }

    fn mismatch(&mut self, expected: &str, path: Path, node: &Node) {
        self.at(
            "DATA_TYPE_MISMATCH",
            format!("The text does not match the expected JSON data type {expected}."),
            path,
            node,
        );
    }
}

pub(crate) fn run(
    text: &str,
    policy_type: PolicyType,
    resource_type: Option<&str>,
    rootsim_checks: bool,
) -> Vec<Finding> {
    let mut cx = Ctx { positions: Positions::new(text), policy_type, resource_type, rootsim_checks, out: Vec::new() };
    let root = match reader::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let p = cx.position(e.at);
            let details =
                format!("Fix the JSON syntax error at index {} line {} column {}.", p.offset, p.line, p.column);
            let end = cx.position((e.at + 1).min(text.len()));
            cx.push("JSON_SYNTAX_ERROR", details, vec![Location { path: Vec::new(), start: p, end }]);
            return cx.out;
        }
    };
    document(&mut cx, &root);
    cx.out
}

fn document(cx: &mut Ctx, root: &Node) {
    let Value::Object(members) = &root.value else {
        cx.mismatch("Object", Vec::new(), root);
        return;
    };
    for m in members {
        if !matches!(m.key.as_str(), "Version" | "Id" | "Statement") {
            let location = cx.location(vec![key(&m.key)], m.key_start, m.key_end);
            cx.push("INVALID_POLICY_ELEMENT", format!("The policy element {} is not valid.", m.key), vec![location]);
        }
    }
    match root.get("Version") {
        None => {
            let location = cx.location(Vec::new(), root.start, root.end);
            cx.push(
                "MISSING_VERSION",
                "We recommend that you specify the Version element to help you with debugging permission issues."
                    .to_string(),
                vec![location],
            );
        }
        Some(m) => match m.value.as_str() {
            Some(v) if VERSIONS.contains(&v) => {}
            Some(v) => cx.at(
                "INVALID_VERSION",
                format!("The version {v} is not valid. Use one of the following versions: {}", VERSIONS.join(", ")),
                vec![key("Version")],
                &m.value,
            ),
            None => cx.mismatch("String", vec![key("Version")], &m.value),
        },
    }
    let Some(statement) = root.get("Statement") else {
        let location = cx.location(Vec::new(), root.start, root.end);
        cx.push("MISSING_STATEMENT", "Add a statement to the policy".to_string(), vec![location]);
        return;
    };
    let base = vec![key("Statement")];
    let statements: Vec<(Path, &Node)> = match &statement.value.value {
        Value::Object(_) => vec![(base.clone(), &statement.value)],
        Value::Array(items) => items.iter().enumerate().map(|(i, n)| (with(&base, PathElement::Index(i)), n)).collect(),
        _ => {
            cx.mismatch("Array", base, &statement.value);
            return;
        }
    };
    if statements.is_empty() {
        let location = cx.location(base, statement.value.start, statement.value.end);
        cx.push("MISSING_STATEMENT", "Add a statement to the policy".to_string(), vec![location]);
        return;
    }
    let mut sids: HashMap<&str, usize> = HashMap::new();
    let mut seen: Vec<String> = Vec::new();
    for (path, node) in &statements {
        if !matches!(node.value, Value::Object(_)) {
            cx.mismatch("Object", path.clone(), node);
            continue;
        }
        if let Some(sid) = node.get("Sid").and_then(|m| m.value.as_str().map(|s| (s, m))) {
            let (s, m) = sid;
            if !s.is_empty() {
                let n = sids.entry(s).or_insert(0);
                *n += 1;
                if *n == 2 {
                    let (code, details) = if cx.policy_type == PolicyType::Resource {
                        (
                            "UNIQUE_SIDS_RECOMMENDED",
                            "We recommend that you use statement IDs that are unique to your policy. Update the Sid value.",
                        )
                    } else {
                        (
                            "UNIQUE_SIDS_REQUIRED",
                            "Duplicate statement IDs are not supported for this policy type. Update the Sid value.",
                        )
                    };
                    cx.at(code, details.to_string(), with(path, key("Sid")), &m.value);
                }
            }
        }
        statement_checks(cx, path, node);
        let canonical = canonical_statement(node);
        if seen.contains(&canonical) {
            cx.at(
                "REDUNDANT_STATEMENT",
                "The statements are redundant because they provide identical permissions. Update the policy to remove the redundant statement."
                    .to_string(),
                path.clone(),
                node,
            );
        } else {
            seen.push(canonical);
        }
    }
}

/// A statement's meaning without its Sid, for finding identical statements: members sorted by
/// key, lists of strings sorted and deduplicated.
fn canonical_statement(node: &Node) -> String {
    fn canon(v: &Value, out: &mut String) {
        match v {
            Value::Object(members) => {
                let mut ms: Vec<&Member> = members.iter().filter(|m| m.key != "Sid").collect();
                ms.sort_by(|a, b| a.key.cmp(&b.key));
                out.push('{');
                for m in ms {
                    out.push_str(&serde_json::to_string(&m.key).unwrap_or_default());
                    out.push(':');
                    canon(&m.value.value, out);
                    out.push(',');
                }
                out.push('}');
            }
            Value::Array(items) => {
                let mut parts: Vec<String> = items
                    .iter()
                    .map(|i| match &i.value {
                        // A list's string and a lone string read alike: `"a"` is `["a"]`.
                        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
                        v => {
                            let mut s = String::new();
                            canon(v, &mut s);
                            s
                        }
                    })
                    .collect();
                parts.sort();
                parts.dedup();
                out.push('[');
                out.push_str(&parts.join(","));
                out.push(']');
            }
            Value::String(s) => out.push_str(&format!("[{}]", serde_json::to_string(s).unwrap_or_default())),
            Value::Number(n) => out.push_str(n),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Null => out.push_str("null"),
        }
    }
    let mut out = String::new();
    canon(&node.value, &mut out);
    out
}

/// A string-or-list element's strings with their paths; other items are reported.
fn strings<'n>(cx: &mut Ctx, path: &[PathElement], node: &'n Node) -> Vec<(&'n str, Path, &'n Node)> {
    match &node.value {
        Value::String(s) => vec![(s.as_str(), path.to_vec(), node)],
        Value::Array(items) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = with(path, PathElement::Index(i));
                match &item.value {
                    Value::String(s) => out.push((s.as_str(), p, item)),
                    _ => cx.mismatch("String", p, item),
                }
            }
            out
        }
        _ => {
            cx.mismatch("Array", path.to_vec(), node);
            Vec::new()
        }
    }
}

fn is_empty_array(node: &Node) -> bool {
    matches!(&node.value, Value::Array(a) if a.is_empty())
}

fn statement_checks(cx: &mut Ctx, path: &[PathElement], st: &Node) {
    let Value::Object(members) = &st.value else { return };
    for m in members {
        if !STATEMENT_ELEMENTS.contains(&m.key.as_str()) {
            let location = cx.location(with(path, key(&m.key)), m.key_start, m.key_end);
            cx.push("INVALID_POLICY_ELEMENT", format!("The policy element {} is not valid.", m.key), vec![location]);
        }
    }
    let scp = cx.policy_type == PolicyType::ServiceControl;

    // Sid.
    if let Some(m) = st.get("Sid") {
        match m.value.as_str() {
            Some("") => cx.at(
                "EMPTY_SID_VALUE",
                "Add a value to the empty string in the Sid element.".to_string(),
                with(path, key("Sid")),
                &m.value,
            ),
            Some(s) if cx.policy_type != PolicyType::Resource && !s.chars().all(|c| c.is_ascii_alphanumeric()) => cx
                .at(
                "UNSUPPORTED_SID",
                "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]"
                    .to_string(),
                with(path, key("Sid")),
                &m.value,
            ),
            Some(_) => {}
            None => cx.mismatch("String", with(path, key("Sid")), &m.value),
        }
    }

    // Effect.
    let allow = match st.get("Effect") {
        None => {
            cx.at(
                "MISSING_EFFECT",
                "Add an Effect element to the policy statement with a value of Allow or Deny.".to_string(),
                path.to_vec(),
                st,
            );
            None
        }
        Some(m) => match m.value.as_str() {
            Some("Allow") => Some(true),
            Some("Deny") => Some(false),
            Some(e) => {
                cx.at(
                    "INVALID_EFFECT",
                    format!("The effect {e} is not valid. Use Allow or Deny."),
                    with(path, key("Effect")),
                    &m.value,
                );
                None
            }
            None => {
                cx.mismatch("String", with(path, key("Effect")), &m.value);
                None
            }
        },
    };

    // Principal.
    let principal = st.get("Principal").or_else(|| st.get("NotPrincipal"));
    match (cx.policy_type, principal) {
        (PolicyType::Identity, Some(m)) => {
            let location = cx.location(with(path, key(&m.key)), m.key_start, m.key_end);
            cx.push(
                "UNSUPPORTED_PRINCIPAL",
                format!(
                    "The policy type {} does not support the Principal element. Remove the Principal element.",
                    cx.policy_type.as_str()
                ),
                vec![location],
            );
        }
        (PolicyType::ServiceControl, Some(m)) => {
            let location = cx.location(with(path, key(&m.key)), m.key_start, m.key_end);
            cx.push(
                "SCP_SYNTAX_ERROR_PRINCIPAL",
                "SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.".to_string(),
                vec![location],
            );
        }
        (PolicyType::Resource | PolicyType::ResourceControl, None) => cx.at(
            "MISSING_PRINCIPAL",
            "Add a Principal element to the policy statement.".to_string(),
            path.to_vec(),
            st,
        ),
        (PolicyType::Resource | PolicyType::ResourceControl, Some(m)) => {
            if m.key == "NotPrincipal" && allow == Some(true) {
                let location = cx.location(with(path, key(&m.key)), m.key_start, m.key_end);
                cx.push(
                    "ALLOW_WITH_NOT_PRINCIPAL",
                    "Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead."
                        .to_string(),
                    vec![location],
                );
            }
            principal_checks(cx, &with(path, key(&m.key)), &m.value);
        }
        (_, None) => {}
    }
    if let (Some(_), Some(_)) = (st.get("Principal"), st.get("NotPrincipal")) {
        combination(cx, path, st, "Principal", "NotPrincipal");
    }

    // Action.
    let action = st.get("Action").or_else(|| st.get("NotAction"));
    let mut literal_actions: Vec<&'static catalogue::Action> = Vec::new();
    match action {
        None => cx.at(
            "MISSING_ACTION",
            "Add an Action or NotAction element to the policy statement.".to_string(),
            path.to_vec(),
            st,
        ),
        Some(m) => {
            let apath = with(path, key(&m.key));
            if is_empty_array(&m.value) {
                cx.at(
                    "EMPTY_ARRAY_ACTION",
                    "This statement includes no actions and does not affect the policy. Specify actions.".to_string(),
                    apath.clone(),
                    &m.value,
                );
            }
            if scp && m.key == "NotAction" && allow == Some(true) {
                let location = cx.location(apath.clone(), m.key_start, m.key_end);
                cx.push(
                    "SCP_SYNTAX_ERROR_ALLOW_NOTACTION",
                    "SCPs do not support NotAction with effect Allow. Update the element NotAction or the effect."
                        .to_string(),
                    vec![location],
                );
            }
            let list = strings(cx, &apath, &m.value);
            literal_actions = action_checks(cx, &list, m.key == "Action");
        }
    }
    if st.get("Action").is_some() && st.get("NotAction").is_some() {
        combination(cx, path, st, "Action", "NotAction");
    }

    // Resource.
    let resource = st.get("Resource").or_else(|| st.get("NotResource"));
    match resource {
        None if matches!(cx.policy_type, PolicyType::Identity | PolicyType::Resource | PolicyType::ResourceControl) => {
            cx.at(
                "MISSING_RESOURCE",
                "Add a Resource or NotResource element to the policy statement.".to_string(),
                path.to_vec(),
                st,
            )
        }
        None => {}
        Some(m) => {
            let rpath = with(path, key(&m.key));
            if is_empty_array(&m.value) {
                cx.at(
                    "EMPTY_ARRAY_RESOURCE",
                    "This statement includes no resources and does not affect the policy. Specify resources."
                        .to_string(),
                    rpath.clone(),
                    &m.value,
                );
            }
            let list = strings(cx, &rpath, &m.value);
            if scp && m.key == "NotResource" {
                let location = cx.location(rpath.clone(), m.key_start, m.key_end);
                cx.push(
                    "SCP_SYNTAX_ERROR_NOTRESOURCE",
                    "SCPs do not support the NotResource element. Update the policy to use Resource instead."
                        .to_string(),
                    vec![location],
                );
            } else if scp && allow == Some(true) && list.iter().any(|(r, _, _)| *r != "*") {
                cx.at(
                    "SCP_SYNTAX_ERROR_ALLOW_RESOURCE",
                    "SCPs do not support Resource with effect Allow. Update the element Resource or the effect."
                        .to_string(),
                    rpath.clone(),
                    &m.value,
                );
            }
            if !scp {
                resource_checks(cx, &list);
            }
        }
    }
    if st.get("Resource").is_some() && st.get("NotResource").is_some() {
        combination(cx, path, st, "Resource", "NotResource");
    }

    // Condition.
    if let Some(m) = st.get("Condition") {
        let cpath = with(path, key("Condition"));
        if scp && allow == Some(true) {
            let location = cx.location(cpath.clone(), m.key_start, m.key_end);
            cx.push(
                "SCP_SYNTAX_ERROR_ALLOW_CONDITION",
                "SCPs do not support the Condition element with effect Allow. Update the element Condition or the effect."
                    .to_string(),
                vec![location],
            );
        }
        condition_checks(cx, &cpath, &m.value, allow == Some(true), &literal_actions);
    }

    if allow == Some(true) && cx.policy_type == PolicyType::Identity {
        pass_role(cx, path, st);
    }
    if let Some(rt) = cx.resource_type {
        resource_type_checks(cx, path, st, rt);
    }
    if cx.rootsim_checks {
        resource_fit(cx, path, st);
    }
}

fn combination(cx: &mut Ctx, path: &[PathElement], st: &Node, a: &str, b: &str) {
    let Some(m) = st.get(b) else { return };
    let location = cx.location(with(path, key(b)), m.key_start, m.key_end);
    cx.push(
        "UNSUPPORTED_ELEMENT_COMBINATION",
        format!("The policy elements {a} and {b} can not be used in the same statement. Remove one of these elements."),
        vec![location],
    );
}

fn principal_checks(cx: &mut Ctx, path: &[PathElement], node: &Node) {
    match &node.value {
        Value::String(s) if s == "*" => {}
        Value::Object(members) if members.is_empty() => cx.at(
            "EMPTY_OBJECT_PRINCIPAL",
            "This statement includes no principals and does not affect the policy. Specify principals.".to_string(),
            path.to_vec(),
            node,
        ),
        Value::Object(members) => {
            for m in members {
                let p = with(path, key(&m.key));
                if !PRINCIPAL_KEYS.contains(&m.key.as_str()) {
                    let location = cx.location(p, m.key_start, m.key_end);
                    cx.push(
                        "INVALID_PRINCIPAL_KEY",
                        format!("The principal key {} is not valid.", m.key),
                        vec![location],
                    );
                } else if is_empty_array(&m.value) {
                    cx.at(
                        "EMPTY_ARRAY_PRINCIPAL",
                        "This statement includes no principals and does not affect the policy. Specify principals."
                            .to_string(),
                        p,
                        &m.value,
                    );
                } else {
                    strings(cx, &p, &m.value);
                }
            }
        }
        _ => cx.at(
            "INVALID_PRINCIPAL_FORMAT",
            "The Principal element contents are not valid. Specify a key-value pair in the Principal element."
                .to_string(),
            path.to_vec(),
            node,
        ),
    }
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Levenshtein distance, ASCII case-insensitive, for "Did you mean" suggestions.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<u8>, Vec<u8>) =
        (a.bytes().map(|c| c.to_ascii_lowercase()).collect(), b.bytes().map(|c| c.to_ascii_lowercase()).collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest of `candidates` to `name`, when close enough to be a typo (at most 2 edits, or a
/// quarter of the name's length).
fn closest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (name.len() / 4).max(2);
    candidates.map(|c| (distance(name, c), c)).filter(|(d, _)| *d <= limit).min_by_key(|(d, _)| *d).map(|(_, c)| c)
}

/// The checks of each action; answers the catalogue's actions the list names literally (for the
/// condition-key checks).
fn action_checks(cx: &mut Ctx, list: &[(&str, Path, &Node)], positive: bool) -> Vec<&'static catalogue::Action> {
    let scp = cx.policy_type == PolicyType::ServiceControl;
    let mut literal = Vec::new();
    for (a, p, node) in list {
        let a = *a;
        if a == "*" {
            continue;
        }
        if scp {
            if let Some(i) = a.find(['*', '?']) {
                if i + 1 < a.len() {
                    cx.at(
                        "SCP_SYNTAX_ERROR_ACTION_WILDCARD",
                        format!("SCP actions can include wildcards (*) only at the end of a string. Update {a}."),
                        p.clone(),
                        node,
                    );
                    continue;
                }
            }
        }
        let Some((svc, name)) = a.split_once(':') else {
            cx.at("INVALID_ACTION", format!("The action {a} does not exist."), p.clone(), node);
            continue;
        };
        if has_wildcard(svc) {
            cx.at(
                "WILDCARD_IN_SERVICE_NAME",
                "Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other AWS services with similar names."
                    .to_string(),
                p.clone(),
                node,
            );
            continue;
        }
        let Some(service) = catalogue::service(svc) else {
            let details = match closest(svc, catalogue::service_names().map(|(prefix, _)| prefix)) {
                Some(s) => format!("The service {svc} specified in the action does not exist. Did you mean {s}?"),
                None => format!("The service {svc} specified in the action does not exist."),
            };
            cx.at("INVALID_SERVICE_IN_ACTION", details, p.clone(), node);
            continue;
        };
        if has_wildcard(name) {
            if !service.actions.iter().any(|x| catalogue::glob_matches(name, &x.name)) {
                cx.at("INVALID_ACTION", format!("The action {a} does not exist."), p.clone(), node);
            }
            continue;
        }
        match service.action(name) {
            Some(x) => {
                if positive {
                    literal.push(x);
                }
            }
            None => {
                let details = match closest(name, service.actions.iter().map(|x| x.name.as_str())) {
                    Some(s) => format!("The action {a} does not exist. Did you mean {}:{s}?", service.prefix),
                    None => format!("The action {a} does not exist."),
                };
                cx.at("INVALID_ACTION", details, p.clone(), node);
            }
        }
    }
    if positive {
        redundant_actions(cx, list);
    }
    literal
}

/// Whether the action pattern `a` is covered by the pattern `b` (b's wildcards matched against a's
/// text; a's own wildcards taken literally, so only a pattern that is a narrowing of b counts).
fn action_covers(b: &str, a: &str) -> bool {
    if b == "*" {
        return true;
    }
    match (a.split_once(':'), b.split_once(':')) {
        (Some((sa, na)), Some((sb, nb))) => catalogue::glob_matches(sb, sa) && catalogue::glob_matches(nb, na),
        _ => false,
    }
}

/// The indexes of a list's redundant items: an item equal to an earlier one (`key`), or covered
/// by another item (`covers(b, a)`: b covers a) that it does not cover back. Only items with
/// wildcards can cover others, and only those of the item's bucket (`bucket`: an action's service;
/// `None` for an item that may cover any bucket's), so a list of thousands of actions costs about
/// its length, not its square.
fn redundant_indexes(
    items: &[&str],
    key: impl Fn(&str) -> String,
    bucket: impl Fn(&str) -> Option<String>,
    covers: impl Fn(&str, &str) -> bool,
) -> Vec<usize> {
    let mut anywhere: Vec<usize> = Vec::new();
    let mut by_bucket: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in items.iter().enumerate().filter(|(_, s)| has_wildcard(s)) {
        match bucket(s) {
            Some(b) => by_bucket.entry(b).or_default().push(i),
            None => anywhere.push(i),
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, a) in items.iter().enumerate() {
        let duplicate = !seen.insert(key(a));
        let same_bucket = bucket(a).and_then(|b| by_bucket.get(&b)).map(Vec::as_slice).unwrap_or(&[]);
        let covered =
            anywhere.iter().chain(same_bucket).any(|&j| j != i && covers(items[j], a) && !covers(a, items[j]));
        if duplicate || covered {
            out.push(i);
        }
    }
    out
}

/// An action's service, lowercased, when it names one without wildcards.
fn action_bucket(a: &str) -> Option<String> {
    a.split_once(':').map(|(s, _)| s).filter(|s| !has_wildcard(s)).map(str::to_ascii_lowercase)
}

fn redundant_actions(cx: &mut Ctx, list: &[(&str, Path, &Node)]) {
    let items: Vec<&str> = list.iter().map(|(a, _, _)| *a).collect();
    let redundant = redundant_indexes(&items, |a| a.to_ascii_lowercase(), action_bucket, action_covers);
    if let Some(&first) = redundant.first() {
        let details = format!(
            "The {} action(s) are redundant because they provide similar permissions. Update the policy to remove the redundant action such as: {}.",
            redundant.len(),
            items[first]
        );
        let locations =
            redundant.iter().map(|&i| cx.location(list[i].1.clone(), list[i].2.start, list[i].2.end)).collect();
        cx.push("REDUNDANT_ACTION", details, locations);
    }
}

fn resource_checks(cx: &mut Ctx, list: &[(&str, Path, &Node)]) {
    for (r, p, node) in list {
        arn_checks(cx, r, p, node);
    }
    let items: Vec<&str> = list.iter().map(|(r, _, _)| *r).collect();
    let redundant = redundant_indexes(&items, str::to_string, |_| None, rootsim_catalogue::glob_matches_case_sensitive);
    if !redundant.is_empty() {
        let details = format!(
            "The {} resource ARN(s) are redundant because they reference the same resource. Review the use of wildcards (*)",
            redundant.len()
        );
        let locations =
            redundant.iter().map(|&i| cx.location(list[i].1.clone(), list[i].2.start, list[i].2.end)).collect();
        cx.push("REDUNDANT_RESOURCE", details, locations);
    }
}

/// Turns an ARN format of the reference (`arn:${Partition}:s3:::${BucketName}`) or a resource of
/// a policy (with `*`, `?` and `${...}` variables) into tokens: `None` stands for any text.
fn tokens(text: &str) -> Vec<Option<u8>> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            if let Some(end) = b[i..].iter().position(|&c| c == b'}') {
                out.push(None);
                i += end + 1;
                continue;
            }
        }
        out.push(if b[i] == b'*' {
            None
        } else if b[i] == b'?' {
            Some(0)
        } else {
            Some(b[i])
        });
        i += 1;
    }
    out
}

/// Whether some text matches both token lists (`None` any text, `Some(0)` any one character),
/// ASCII case-insensitively: whether a policy's resource can name a resource of a format.
fn overlap(a: &[Option<u8>], b: &[Option<u8>]) -> bool {
    // Literal characters at either end must agree: most formats are told apart there, without
    // the table below (a resource is compared with every format of its service).
    let same = |x: &Option<u8>, y: &Option<u8>| match (x, y) {
        (Some(x), Some(y)) => *x == 0 || *y == 0 || x.eq_ignore_ascii_case(y),
        _ => true,
    };
    for (x, y) in a.iter().zip(b).take_while(|(x, y)| x.is_some() && y.is_some()) {
        if !same(x, y) {
            return false;
        }
    }
    for (x, y) in a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x.is_some() && y.is_some()) {
        if !same(x, y) {
            return false;
        }
    }
    if !a.contains(&None) && !b.contains(&None) && a.len() != b.len() {
        return false;
    }
    let mut memo = vec![vec![None; b.len() + 1]; a.len() + 1];
    fn go(a: &[Option<u8>], b: &[Option<u8>], i: usize, j: usize, memo: &mut Vec<Vec<Option<bool>>>) -> bool {
        if let Some(v) = memo[i][j] {
            return v;
        }
        let v = match (a.get(i), b.get(j)) {
            (None, None) => true,
            (Some(None), _) => go(a, b, i + 1, j, memo) || (j < b.len() && go(a, b, i, j + 1, memo)),
            (_, Some(None)) => go(a, b, i, j + 1, memo) || (i < a.len() && go(a, b, i + 1, j, memo)),
            (Some(Some(x)), Some(Some(y))) => {
                (*x == 0 || *y == 0 || x.eq_ignore_ascii_case(y)) && go(a, b, i + 1, j + 1, memo)
            }
            _ => false,
        };
        memo[i][j] = Some(v);
        v
    }
    go(a, b, 0, 0, &mut memo)
}

fn arn_checks(cx: &mut Ctx, r: &str, p: &Path, node: &Node) {
    if r == "*" || r.starts_with("${") {
        return;
    }
    if !r.starts_with("arn:") {
        cx.at("INVALID_ARN_PREFIX", "Add the required prefix (arn) to the resource ARN.".to_string(), p.clone(), node);
        return;
    }
    let fields: Vec<&str> = r.splitn(6, ':').collect();
    if fields.len() < 6 {
        cx.at(
            "MISSING_ARN_FIELD",
            "Resource ARNs must include at least 6 fields in the following structure: arn:partition:service:region:account:resource"
                .to_string(),
            p.clone(),
            node,
        );
        return;
    }
    let (svc, region, account, resource) = (fields[2], fields[3], fields[4], fields[5]);
    if has_wildcard(svc) || svc.contains("${") {
        return;
    }
    if svc.chars().any(|c| c.is_ascii_uppercase()) {
        cx.at(
            "INVALID_ARN_SERVICE_CASE",
            format!("Update the service name {svc} in the resource ARN to use all lowercase letters."),
            p.clone(),
            node,
        );
        return;
    }
    let literal_account = !account.is_empty() && !has_wildcard(account) && !account.contains("${");
    if literal_account && account != "aws" && !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())) {
        cx.at(
            "INVALID_ARN_ACCOUNT",
            format!("The resource ARN account ID {account} is not valid. Provide a 12-digit account ID."),
            p.clone(),
            node,
        );
        return;
    }
    let Some(service) = catalogue::service(svc) else { return };
    // The service's formats for ARNs of its own namespace.
    let formats: Vec<Vec<&str>> = service
        .resource_types
        .iter()
        .map(|t| t.arn_format.splitn(6, ':').collect::<Vec<&str>>())
        .filter(|f| f.len() == 6 && f[2] == svc)
        .collect();
    if formats.is_empty() {
        return;
    }
    // The formats whose resource part this resource can name; Region and account are checked
    // against those alone (an S3 bucket takes neither, an S3 access point both). A resource that
    // names none is left alone: the catalogue's formats are not every ARN a service accepts (72
    // resources of AWS managed policies match none), so no INVALID_ARN_RESOURCE is given.
    let ours = tokens(resource);
    let candidates: Vec<&Vec<&str>> = formats.iter().filter(|f| overlap(&ours, &tokens(f[5]))).collect();
    if candidates.is_empty() {
        return;
    }
    if !region.is_empty() && !has_wildcard(region) && candidates.iter().all(|f| f[3].is_empty()) {
        cx.at(
            "ARN_REGION_NOT_ALLOWED",
            format!("The service {svc} does not support specifying a Region in the resource ARN."),
            p.clone(),
            node,
        );
    } else if region.is_empty() && candidates.iter().all(|f| !f[3].is_empty()) {
        cx.at("MISSING_ARN_REGION", format!("Add a Region to the {svc} resource ARN."), p.clone(), node);
    } else if literal_account && candidates.iter().all(|f| f[4].is_empty()) {
        cx.at(
            "ARN_ACCOUNT_NOT_ALLOWED",
            format!("The service {svc} does not support specifying an account ID in the resource ARN."),
            p.clone(),
            node,
        );
    }
}

/// Splits a condition operator into its qualifier, base operator and `IfExists`.
fn split_operator(op: &str) -> (Option<&str>, &str, bool) {
    let (qualifier, rest) = match op.split_once(':') {
        Some((q, rest)) => (Some(q), rest),
        None => (None, op),
    };
    match rest.strip_suffix("IfExists") {
        Some(base) => (qualifier, base, true),
        None => (qualifier, rest, false),
    }
}

fn single_valued(key: &str) -> Option<bool> {
    let (prefix, _) = key.split_once(':')?;
    if prefix.eq_ignore_ascii_case("aws") {
        if !catalogue::is_known_condition_key(key) {
            return None;
        }
        return Some(!MULTIVALUED_GLOBAL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)));
    }
    let service = catalogue::service(prefix)?;
    let found = service.condition_keys.iter().find(|k| catalogue::condition_key_matches(&k.key, key))?;
    Some(!found.kind.starts_with("ArrayOf"))
}

fn condition_checks(
    cx: &mut Ctx,
    path: &[PathElement],
    node: &Node,
    allow: bool,
    actions: &[&'static catalogue::Action],
) {
    let Value::Object(blocks) = &node.value else {
        cx.mismatch("Object", path.to_vec(), node);
        return;
    };
    if blocks.is_empty() {
        cx.at(
            "EMPTY_OBJECT_CONDITION",
            "This condition block is empty and it does not affect the policy. Specify conditions.".to_string(),
            path.to_vec(),
            node,
        );
        return;
    }
    for block in blocks {
        let op = block.key.as_str();
        let opath = with(path, key(op));
        let (qualifier, base, if_exists) = split_operator(op);
        let valid_qualifier = matches!(qualifier, None | Some("ForAllValues" | "ForAnyValue"));
        if !valid_qualifier || !OPERATORS.contains(&base) {
            cx.at(
                "INVALID_CONDITION_OPERATOR",
                format!("The condition operator {op} is not valid. Use a valid condition operator."),
                opath,
                &block.value,
            );
            continue;
        }
        if base == "Null" && if_exists {
            cx.at(
                "NULL_WITH_IF_EXISTS",
                "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix."
                    .to_string(),
                opath.clone(),
                &block.value,
            );
        }
        if base == "Null" && qualifier.is_some() {
            cx.at(
                "NULL_WITH_QUALIFIER",
                "Avoid using the Null condition operator with the ForAllValues or ForAnyValue qualifiers because they always return a true or false respectively."
                    .to_string(),
                opath.clone(),
                &block.value,
            );
        }
        let Value::Object(entries) = &block.value.value else {
            cx.mismatch("Object", opath, &block.value);
            continue;
        };
        let mut seen: Vec<&str> = Vec::new();
        for entry in entries {
            let k = entry.key.as_str();
            let kpath = with(&opath, key(k));
            if seen.iter().any(|s| s.eq_ignore_ascii_case(k) && *s != k) {
                cx.at(
                    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                    format!(
                        "The condition key {k} appears more than once with different capitalization in the same condition block. Remove the duplicate condition keys."
                    ),
                    kpath.clone(),
                    &entry.value,
                );
            }
            seen.push(k);
            condition_key(cx, &kpath, entry, allow, actions, qualifier, base, if_exists);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn condition_key(
    cx: &mut Ctx,
    kpath: &Path,
    entry: &Member,
    allow: bool,
    actions: &[&'static catalogue::Action],
    qualifier: Option<&str>,
    base: &str,
    if_exists: bool,
) {
    let k = entry.key.as_str();
    let Some((prefix, _)) = k.split_once(':') else {
        cx.at(
            "INVALID_CONDITION_KEY_FORMAT",
            "The condition key format is not valid. Use the format service:keyname.".to_string(),
            kpath.clone(),
            &entry.value,
        );
        return;
    };
    let known = catalogue::is_known_condition_key(k);
    if !known && prefix.eq_ignore_ascii_case("aws") {
        cx.at(
            "INVALID_GLOBAL_CONDITION_KEY",
            format!("The condition key {k} does not exist. Use a valid condition key."),
            kpath.clone(),
            &entry.value,
        );
    } else if !known && catalogue::service(prefix).is_some() {
        cx.at(
            "INVALID_SERVICE_CONDITION_KEY",
            format!("The condition key {k} does not exist in the service {prefix}. Use a valid condition key."),
            kpath.clone(),
            &entry.value,
        );
    } else if known && !is_global_key(k) && catalogue::service(prefix).is_some() {
        // A service's key applies only to the actions (and their resource types) that list it.
        let unsupported: Vec<String> =
            actions.iter().filter(|a| !action_supports_key(a, k)).map(|a| a.full_name()).collect();
        if !unsupported.is_empty() {
            cx.at(
                "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
                format!(
                    "The following actions: {} are not supported by the condition key {k}. The condition will not be evaluated for these actions. We recommend that you move these actions to a different statement without this condition key.",
                    unsupported.join(", ")
                ),
                kpath.clone(),
                &entry.value,
            );
        }
    }
    if is_empty_array(&entry.value) {
        let (code, details) = match (qualifier, if_exists) {
            (Some("ForAllValues"), _) => (
                "EMPTY_ARRAY_CONDITION_FORALLVALUES",
                format!("The ForAllValues prefix with an empty condition key matches only if the key {k} is missing from the request context. To determine if the request context is empty, we recommend that you use the Null condition operator with the value of true instead."),
            ),
            (Some(_), _) => (
                "EMPTY_ARRAY_CONDITION_FORANYVALUE",
                format!("The ForAnyValue prefix with an empty condition key {k} never matches the request context and it does not affect the policy. Specify conditions."),
            ),
            (None, true) => (
                "EMPTY_ARRAY_CONDITION_IFEXISTS",
                format!("The IfExists suffix with an empty condition key matches only if the key {k} is missing from the request context. To determine if the request context is empty, we recommend that you use the Null condition operator with the value of true instead."),
            ),
            (None, false) => (
                "EMPTY_ARRAY_CONDITION",
                format!("There are no values for the condition key {k} and it does not affect the policy. Specify conditions."),
            ),
        };
        cx.at(code, details, kpath.clone(), &entry.value);
        return;
    }
    if allow && qualifier == Some("ForAllValues") && single_valued(k) == Some(true) {
        cx.at(
            "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
            format!("Using ForAllValues qualifier with the single-valued condition key {k} can be overly permissive. We recommend that you remove ForAllValues:."),
            kpath.clone(),
            &entry.value,
        );
    }
    let exact_string =
        matches!(base, "StringEquals" | "StringNotEquals" | "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase");
    if exact_string {
        let values: Vec<&str> = match &entry.value.value {
            Value::String(s) => vec![s],
            Value::Array(items) => items.iter().filter_map(Node::as_str).collect(),
            _ => Vec::new(),
        };
        // `${*}`, `${?}` are the escapes of a literal `*` and `?`.
        let wild = values.iter().any(|v| has_wildcard(&v.replace("${*}", "").replace("${?}", "")));
        if wild {
            cx.at(
                "WILDCARD_WITHOUT_LIKE_OPERATOR",
                "Your condition value includes a * or ? character. If you meant to use a wildcard (*, ?), update the condition operator to include Like."
                    .to_string(),
                kpath.clone(),
                &entry.value,
            );
        }
    }
}

/// Whether `k` is a global key (`aws:...` and the cross-service keys listed with them), which
/// every action supports.
fn is_global_key(k: &str) -> bool {
    catalogue::global_condition_keys().iter().any(|g| catalogue::condition_key_matches(g, k))
}

fn action_supports_key(action: &catalogue::Action, k: &str) -> bool {
    let matches = |keys: &[String]| keys.iter().any(|t| catalogue::condition_key_matches(t, k));
    if matches(&action.condition_keys) {
        return true;
    }
    let service = catalogue::service(&action.service);
    action.resource_types.iter().any(|r| {
        matches(&r.condition_keys)
            || service.and_then(|s| s.resource_type(&r.name)).is_some_and(|t| matches(&t.condition_keys))
    })
}

/// `iam:PassRole` granted on every role: the reference's six PassRole security warnings.
fn pass_role(cx: &mut Ctx, path: &[PathElement], st: &Node) {
    let passed_to_service = st.get("Condition").is_some_and(|c| match &c.value.value {
        Value::Object(blocks) => blocks.iter().any(|b| match &b.value.value {
            Value::Object(entries) => entries.iter().any(|e| e.key.eq_ignore_ascii_case("iam:PassedToService")),
            _ => false,
        }),
        _ => false,
    });
    let grants = |list: &Node| -> (bool, bool) {
        // (names iam:PassRole literally, covers it through a wildcard)
        let items: Vec<&str> = match &list.value {
            Value::String(s) => vec![s],
            Value::Array(items) => items.iter().filter_map(Node::as_str).collect(),
            _ => Vec::new(),
        };
        let literal = items.iter().any(|a| a.eq_ignore_ascii_case("iam:PassRole"));
        let wild = items.iter().any(|a| has_wildcard(a) && action_covers(a, "iam:PassRole"));
        (literal, wild)
    };
    let (code, details, at): (&'static str, &str, (&str, &Member)) = match (
        st.get("Action"),
        st.get("NotAction"),
        st.get("Resource"),
        st.get("NotResource"),
    ) {
        (Some(a), None, Some(r), None) => {
            if passed_to_service || !star_resource(&r.value) {
                return;
            }
            match grants(&a.value) {
                (true, _) => ("PASS_ROLE_WITH_STAR_IN_RESOURCE", "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.", ("Resource", r)),
                (false, true) => ("PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.", ("Resource", r)),
                _ => return,
            }
        }
        (None, Some(a), Some(r), None) => {
            if passed_to_service || !star_resource(&r.value) || grants(&a.value) != (false, false) {
                return;
            }
            ("PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "Using a resource with wildcards (*) and NotAction can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.", ("Resource", r))
        }
        (Some(a), None, None, Some(r)) => match grants(&a.value) {
            (true, _) => ("PASS_ROLE_WITH_NOT_RESOURCE", "Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.", ("NotResource", r)),
            (false, true) => ("PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", "Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.", ("NotResource", r)),
            _ => return,
        },
        (None, Some(a), None, Some(r)) => {
            if grants(&a.value) != (false, false) {
                return;
            }
            ("PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", "Using NotAction with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources.. We recommend that you specify resource ARNs instead.", ("NotResource", r))
        }
        _ => return,
    };
    let (name, member) = at;
    cx.at(code, details.to_string(), with(path, key(name)), &member.value);
}

/// Whether a Resource element names every role: `*`, or an IAM ARN whose resource is `*` or
/// `role/*`.
fn star_resource(node: &Node) -> bool {
    let items: Vec<&str> = match &node.value {
        Value::String(s) => vec![s],
        Value::Array(items) => items.iter().filter_map(Node::as_str).collect(),
        _ => Vec::new(),
    };
    items.iter().any(|r| {
        if *r == "*" {
            return true;
        }
        let f: Vec<&str> = r.splitn(6, ':').collect();
        f.len() == 6 && (f[2] == "iam" || f[2] == "*") && matches!(f[5], "*" | "role/*")
    })
}

/// Checks that need the resource type the policy is attached to (`--validate-policy-resource-type`).
fn resource_type_checks(cx: &mut Ctx, path: &[PathElement], st: &Node, resource_type: &str) {
    let prefix = match resource_type {
        "AWS::S3::Bucket" | "AWS::S3::AccessPoint" | "AWS::S3::MultiRegionAccessPoint" => "s3",
        "AWS::S3ObjectLambda::AccessPoint" => "s3-object-lambda",
        "AWS::DynamoDB::Table" => "dynamodb",
        _ => return,
    };
    if let Some(m) = st.get("Action") {
        let apath = with(path, key("Action"));
        let items: Vec<(usize, &Node)> = match &m.value.value {
            Value::Array(items) => items.iter().enumerate().collect(),
            _ => vec![(usize::MAX, &m.value)],
        };
        for (i, node) in items {
            let Some(a) = node.as_str() else { continue };
            let svc = a.split_once(':').map(|(s, _)| s).unwrap_or(a);
            if a != "*" && !has_wildcard(svc) && !svc.eq_ignore_ascii_case(prefix) {
                let p = if i == usize::MAX { apath.clone() } else { with(&apath, PathElement::Index(i)) };
                cx.at(
                    "UNSUPPORTED_ACTION_IN_POLICY",
                    format!("The action {a} is not supported for the resource-based policy attached to the resource type {resource_type}."),
                    p,
                    node,
                );
            }
        }
    }
    if let Some(m) = st.get("Resource") {
        let rpath = with(path, key("Resource"));
        let items: Vec<(usize, &Node)> = match &m.value.value {
            Value::Array(items) => items.iter().enumerate().collect(),
            _ => vec![(usize::MAX, &m.value)],
        };
        for (i, node) in items {
            let Some(r) = node.as_str() else { continue };
            let f: Vec<&str> = r.splitn(6, ':').collect();
            if f.len() == 6 && !has_wildcard(f[2]) && f[2] != prefix {
                let p = if i == usize::MAX { rpath.clone() } else { with(&rpath, PathElement::Index(i)) };
                cx.at(
                    "UNSUPPORTED_RESOURCE_ARN_IN_POLICY",
                    format!("The resource ARN is not supported for the resource-based policy attached to the resource type {resource_type}."),
                    p,
                    node,
                );
            }
        }
    }
}

/// The strings of an `Action` or `Resource` element with their paths, silently skipping what is
/// not a string (Access Analyzer's own checks report those).
fn plain_strings<'n>(path: &[PathElement], node: &'n Node) -> Vec<(&'n str, Path, &'n Node)> {
    match &node.value {
        Value::String(s) => vec![(s.as_str(), path.to_vec(), node)],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| item.as_str().map(|s| (s, with(path, PathElement::Index(i)), item)))
            .collect(),
        _ => Vec::new(),
    }
}

/// rootsim's own checks (rule AA-ROOTSIM-RESOURCE-FIT): a statement that names an action and only
/// resources the action never acts on does not apply to that action. Two cases, each a WARNING at
/// the action: an action that takes no resource (AWS decides it against `*`) with no resource
/// matching `*`, and an action whose resource types' ARN formats none of the resources can name.
/// Access Analyzer's reference page lists no check for either, so `ValidatePolicy` does not
/// report them; `rootsim validate-policy --findings` does.
fn resource_fit(cx: &mut Ctx, path: &[PathElement], st: &Node) {
    let (Some(a), Some(r)) = (st.get("Action"), st.get("Resource")) else { return };
    let resources: Vec<&str> = plain_strings(&[], &r.value).into_iter().map(|(s, _, _)| s).collect();
    if resources.is_empty() {
        return;
    }
    // A resource whose service is a wildcard or a variable may name anything: nothing to say.
    let open = |r: &&str| {
        let f: Vec<&str> = r.splitn(6, ':').collect();
        f.len() < 6 || has_wildcard(f[2]) || f[2].contains("${") || r.starts_with("${")
    };
    if resources.iter().any(open) {
        return;
    }
    let matches_star = resources.iter().any(|r| catalogue::glob_matches_case_sensitive(r, "*"));
    let apath = with(path, key("Action"));
    for (name, p, node) in plain_strings(&apath, &a.value) {
        if has_wildcard(name) {
            continue;
        }
        let Some(action) = catalogue::action(name) else { continue };
        if action.takes_no_resource() {
            let named = catalogue::AUTHORIZED_AGAINST_A_RESOURCE.iter().any(|x| x.eq_ignore_ascii_case(name));
            if !matches_star && !named {
                cx.at(
                    "ROOTSIM_NO_RESOURCE_LEVEL_PERMISSIONS",
                    format!(
                        "(rootsim) The Service Authorization Reference lists no resource type for the action {name}: a request for it is decided against \"*\" (rule EVAL-NO-RESOURCE-STAR), so this statement, which names only specific resources, does not apply to it. Give it \"Resource\": \"*\"."
                    ),
                    p,
                    node,
                );
            }
            continue;
        }
        let Some(service) = catalogue::service(&action.service) else { continue };
        let formats: Vec<&str> = action
            .resource_types
            .iter()
            .filter_map(|t| service.resource_type(&t.name))
            .map(|t| t.arn_format.as_str())
            .collect();
        if formats.len() != action.resource_types.len() {
            // A resource type the catalogue does not describe: its ARNs are not known.
            continue;
        }
        // Field by field: a wildcard in the partition, Region or account must not reach into the
        // service or the resource part (`arn:*:kms:...` never names an S3 object).
        let fits = resources.iter().any(|r| {
            let r: Vec<&str> = r.splitn(6, ':').collect();
            formats.iter().any(|f| {
                let f: Vec<&str> = f.splitn(6, ':').collect();
                f.len() == 6
                    && (f[2].eq_ignore_ascii_case(r[2]) || f[2].contains("${"))
                    && overlap(&tokens(r[5]), &tokens(f[5]))
            })
        });
        if !fits {
            let types: Vec<&str> = action.resource_types.iter().map(|t| t.name.as_str()).collect();
            cx.at(
                "ROOTSIM_RESOURCE_TYPE_MISMATCH",
                format!(
                    "(rootsim) None of this statement's resources is a resource the action {name} acts on ({}: {}), so the statement never applies to it. Name a resource of one of those types.",
                    types.join(", "),
                    formats.join(", ")
                ),
                p,
                node,
            );
        }
    }
}
