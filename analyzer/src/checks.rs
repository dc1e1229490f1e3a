//! The checks: one pass over the document's tree, each finding located by the path it was found
//! at. Messages are the reference page's `findingDetails`, placeholders filled.

use crate::reader::{self, Member, Node, Positions, Value};
use crate::{type_of, values, Finding, Location, PathElement, PolicyType, Position};
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
    /// Whether the document's `Version` is `2012-10-17`, the version that has policy variables.
    variables: bool,
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
    let mut cx = Ctx {
        positions: Positions::new(text),
        policy_type,
        resource_type,
        rootsim_checks,
        variables: false,
        out: Vec::new(),
    };
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
    document(&mut cx, &root, text);
    cx.out
}

fn document(cx: &mut Ctx, root: &Node, text: &str) {
    let Value::Object(members) = &root.value else {
        cx.mismatch("Object", Vec::new(), root);
        return;
    };
    size_checks(cx, root, text);
    cx.variables = root.get("Version").and_then(|m| m.value.as_str()) == Some("2012-10-17");
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
        Value::String(_) => {}
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate().filter(|(_, item)| item.as_str().is_none()) {
                cx.mismatch("String", with(path, PathElement::Index(i)), item);
            }
        }
        _ => cx.mismatch("Array", path.to_vec(), node),
    }
    plain_strings(path, node)
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
            variable_in_element(cx, &list);
            let list: Vec<_> = list.into_iter().filter(|(a, _, _)| !a.contains("${")).collect();
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
        if let Some(allow) = allow {
            tag_key_support(cx, st, &cpath, &m.value, allow);
        }
    }

    if allow == Some(true) {
        source_checks(cx, path, st);
    }
    if cx.policy_type == PolicyType::Resource {
        service_principal_keys(cx, path, st);
    }
    if allow == Some(true) && cx.policy_type == PolicyType::Identity {
        every_role(cx, path, st, &PASS_ROLE);
        every_role(cx, path, st, &CREATE_SLR);
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
                    let list = strings(cx, &p, &m.value);
                    variable_in_element(cx, &list);
                    principal_values(cx, &m.key, &list);
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
        if r.contains("${") && variable_checks(cx, r, p, node) {
            continue;
        }
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
    let (partition, svc, region, account, resource) = (fields[1], fields[2], fields[3], fields[4], fields[5]);
    if has_wildcard(svc) || svc.contains("${") {
        return;
    }
    if !partition.is_empty()
        && !has_wildcard(partition)
        && !partition.contains("${")
        && !PARTITIONS.contains(&partition)
    {
        cx.at(
            "INVALID_PARTITION",
            format!("The resource ARN for the service {svc} does not support the partition {partition}. Use the supported values: {}", PARTITIONS.join(", ")),
            p.clone(),
            node,
        );
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
    // A tag key left out (`aws:ResourceTag`, `aws:ResourceTag/`): the key is known once one is
    // given.
    let tag_base = k.strip_suffix('/').unwrap_or(k);
    if !known && catalogue::is_known_condition_key(&format!("{tag_base}/tag-key")) {
        let name = format!("{tag_base}/");
        cx.at(
            "MISSING_TAG_KEY_IN_CONDITION",
            format!("The condition key {name} must include a tag key to control access based on tags. Use the format {name}tag-key and specify a key name for tag-key."),
            kpath.clone(),
            &entry.value,
        );
    } else if k.eq_ignore_ascii_case("aws:ARN") {
        cx.at(
            "UNSUPPORTED_GLOBAL_CONDITION_KEY",
            format!("The condition key {k} is not supported. Use aws:PrincipalArn or aws:SourceArn instead."),
            kpath.clone(),
            &entry.value,
        );
    } else if !known && prefix.eq_ignore_ascii_case("aws") {
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
    if known {
        key_type_checks(cx, kpath, entry, qualifier, base);
    }
    value_checks(cx, kpath, entry, qualifier, base);
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

/// The six warnings of an action granted on every role without the condition key that narrows
/// it: their codes and messages in the order STAR_IN_RESOURCE, STAR_IN_ACTION_AND_RESOURCE,
/// STAR_IN_RESOURCE_AND_NOT_ACTION, NOT_RESOURCE, STAR_IN_ACTION_AND_NOT_RESOURCE,
/// NOT_ACTION_AND_NOT_RESOURCE.
struct EveryRole {
    /// The action (`iam:PassRole`).
    action: &'static str,
    /// The condition key whose presence narrows the grant (`iam:PassedToService`).
    narrowing_key: &'static str,
    /// The resource parts of an IAM ARN that name every role the action acts on.
    every: &'static [&'static str],
    /// Each case's issue code and message.
    cases: [(&'static str, &'static str); 6],
}

/// `iam:PassRole` on every role: the reference's six PassRole security warnings.
const PASS_ROLE: EveryRole = EveryRole {
    action: "iam:PassRole",
    narrowing_key: "iam:PassedToService",
    every: &["*", "role/*"],
    cases: [
        ("PASS_ROLE_WITH_STAR_IN_RESOURCE", "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement."),
        ("PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement."),
        ("PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "Using a resource with wildcards (*) and NotAction can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement."),
        ("PASS_ROLE_WITH_NOT_RESOURCE", "Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead."),
        ("PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", "Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead."),
        ("PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", "Using NotAction with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources.. We recommend that you specify resource ARNs instead."),
    ],
};

/// `iam:CreateServiceLinkedRole` on every role: the reference's six CREATE_SLR general warnings.
/// The page names no condition key; one on `iam:AWSServiceName` (the service the role is for)
/// narrows the grant as `iam:PassedToService` does PassRole's (a simulator assumption, rule
/// AA-CREATE-SLR).
const CREATE_SLR: EveryRole = EveryRole {
    action: "iam:CreateServiceLinkedRole",
    narrowing_key: "iam:AWSServiceName",
    every: &["*", "role/*", "role/aws-service-role/*"],
    cases: [
        ("CREATE_SLR_WITH_STAR_IN_RESOURCE", "Using the iam:CreateServiceLinkedRole action with wildcards (*) in the resource can allow creation of unintended service-linked roles. We recommend that you specify resource ARNs instead."),
        ("CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE", "Using wildcards (*) in the action and the resource can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify resource ARNs instead."),
        ("CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "Using a resource with wildcards (*) and NotAction can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify resource ARNs instead."),
        ("CREATE_SLR_WITH_NOT_RESOURCE", "Using the iam:CreateServiceLinkedRole action with NotResource can allow creation of unintended service-linked roles for multiple resources. We recommend that you specify resource ARNs instead."),
        ("CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", "Using an action with a wildcard(*) and NotResource can allow creation of unintended service-linked roles because it can allow iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource ARNs instead."),
        ("CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE", "Using NotAction with NotResource can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource ARNs instead."),
    ],
};

/// An action granted on every role (`check.action`) without a condition on `check.narrowing_key`:
/// one of the check's six findings, by how the statement names the action and the roles.
fn every_role(cx: &mut Ctx, path: &[PathElement], st: &Node, check: &EveryRole) {
    let narrowed = st.get("Condition").is_some_and(|c| match &c.value.value {
        Value::Object(blocks) => blocks.iter().any(|b| match &b.value.value {
            Value::Object(entries) => entries.iter().any(|e| e.key.eq_ignore_ascii_case(check.narrowing_key)),
            _ => false,
        }),
        _ => false,
    });
    let grants = |list: &Node| -> (bool, bool) {
        // (names the action literally, covers it through a wildcard)
        let items: Vec<&str> = match &list.value {
            Value::String(s) => vec![s],
            Value::Array(items) => items.iter().filter_map(Node::as_str).collect(),
            _ => Vec::new(),
        };
        let literal = items.iter().any(|a| a.eq_ignore_ascii_case(check.action));
        let wild = items.iter().any(|a| has_wildcard(a) && action_covers(a, check.action));
        (literal, wild)
    };
    let c = &check.cases;
    let (case, at): ((&'static str, &str), (&str, &Member)) =
        match (st.get("Action"), st.get("NotAction"), st.get("Resource"), st.get("NotResource")) {
            (Some(a), None, Some(r), None) => {
                if narrowed || !star_resource(&r.value, check.every) {
                    return;
                }
                match grants(&a.value) {
                    (true, _) => (c[0], ("Resource", r)),
                    (false, true) => (c[1], ("Resource", r)),
                    _ => return,
                }
            }
            (None, Some(a), Some(r), None) => {
                if narrowed || !star_resource(&r.value, check.every) || grants(&a.value) != (false, false) {
                    return;
                }
                (c[2], ("Resource", r))
            }
            (Some(a), None, None, Some(r)) => match grants(&a.value) {
                (true, _) => (c[3], ("NotResource", r)),
                (false, true) => (c[4], ("NotResource", r)),
                _ => return,
            },
            (None, Some(a), None, Some(r)) => {
                if grants(&a.value) != (false, false) {
                    return;
                }
                (c[5], ("NotResource", r))
            }
            _ => return,
        };
    let ((code, details), (name, member)) = (case, at);
    cx.at(code, details.to_string(), with(path, key(name)), &member.value);
}

/// Whether a Resource element names every role: `*`, or an IAM ARN whose resource is one of
/// `every` (`*`, `role/*`).
fn star_resource(node: &Node, every: &[&str]) -> bool {
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
        f.len() == 6 && (f[2] == "iam" || f[2] == "*") && every.contains(&f[5])
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
/// not a string ([`strings`] reports those as Access Analyzer does).
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
    // Each resource's service and resource part, read once for every action of the statement.
    let parts: Vec<(&str, Vec<Option<u8>>)> = resources
        .iter()
        .map(|r| {
            let f: Vec<&str> = r.splitn(6, ':').collect();
            (f[2], tokens(f[5]))
        })
        .collect();
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
        let fits = formats.iter().any(|f| {
            let f: Vec<&str> = f.splitn(6, ':').collect();
            f.len() == 6 && {
                let format = tokens(f[5]);
                parts
                    .iter()
                    .any(|(svc, res)| (f[2].eq_ignore_ascii_case(svc) || f[2].contains("${")) && overlap(res, &format))
            }
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

/// The checks of a known key against its operator: the operator's type (TYPE_MISMATCH) and the
/// set qualifier a multivalued key needs (MISSING_QUALIFIER). Both point at the key's values, as
/// the other checks of a key do.
fn key_type_checks(cx: &mut Ctx, kpath: &Path, entry: &Member, qualifier: Option<&str>, base: &str) {
    let k = entry.key.as_str();
    let Some(kind) = values::key_type(k) else { return };
    let Some(family) = values::operator_family(base) else { return };
    if !values::family_reads(family, kind) {
        let op = operator_of(kpath);
        cx.at(
            "TYPE_MISMATCH",
            format!(
                "Use the operator type {} instead of operator {op} for the condition key {k}.",
                values::type_name(kind)
            ),
            kpath.clone(),
            &entry.value,
        );
    }
    // Only the global keys AWS documents as multivalued: the catalogue types some service keys
    // ArrayOfString that AWS's own policies compare without a qualifier (events:detail-type in
    // three AWS managed policies), so the type alone is not the check.
    if qualifier.is_none() && kind.starts_with("ArrayOf") && is_global_key(k) {
        cx.at(
            "MISSING_QUALIFIER",
            format!("The request context key {k} has multiple values. Use the ForAllValues or ForAnyValue condition key qualifiers in your policy."),
            kpath.clone(),
            &entry.value,
        );
    }
}

/// The operator as written (`ForAnyValue:StringLikeIfExists`): the step before the key in the
/// key's path.
fn operator_of(kpath: &[PathElement]) -> &str {
    match kpath.len().checked_sub(2).map(|i| &kpath[i]) {
        Some(PathElement::Value(op)) => op,
        _ => "",
    }
}

/// The checks of a condition's values against what its operator reads, each at the value it
/// is about (the key's whole value when it is one string): the JSON types of a list
/// (INVALID_CONDITION_DATA_TYPE), policy variables outside string and ARN operators, Boolean,
/// numeric, date, IP address and base64 values, several Boolean values, numeric values of which
/// one decides, and the identifiers `aws:SourceVpc` and `aws:SourceVpce` take.
fn value_checks(cx: &mut Ctx, kpath: &Path, entry: &Member, qualifier: Option<&str>, base: &str) {
    let k = entry.key.as_str();
    let items: Vec<(Path, &Node)> = match &entry.value.value {
        Value::Array(items) => items.iter().enumerate().map(|(i, n)| (with(kpath, PathElement::Index(i)), n)).collect(),
        _ => vec![(kpath.clone(), &entry.value)],
    };
    // Mixed JSON types in one list: AWS reads every value as the operator's type, so a mix is a
    // mistake.
    let json_type = |n: &Node| match n.value {
        Value::String(_) => 0,
        Value::Number(_) => 1,
        Value::Bool(_) => 2,
        _ => 3,
    };
    if let Some((_, first)) = items.first() {
        if items.iter().any(|(_, n)| json_type(n) != json_type(first)) {
            cx.at(
                "INVALID_CONDITION_DATA_TYPE",
                "The condition value data types do not match. Use condition values of the same JSON data type."
                    .to_string(),
                kpath.clone(),
                &entry.value,
            );
            return;
        }
    }
    let family = values::operator_family(base);
    if base == "Bool" && qualifier.is_none() && items.len() > 1 {
        cx.at(
            "INVALID_CONDITION_MULTIPLE_BOOLEAN",
            "The condition key does not support multiple Boolean values. Use a single Boolean value.".to_string(),
            kpath.clone(),
            &entry.value,
        );
    }
    let op = operator_of(kpath);
    let mut private = items.len();
    let mut numbers: Vec<f64> = Vec::new();
    for (p, node) in &items {
        let text: String = match &node.value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.clone(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        if text.contains("${") {
            if variable_checks(cx, &text, p, node) {
                private = 0;
                continue;
            }
            if !matches!(family, Some("String" | "ARN")) {
                cx.at(
                    "INVALID_VARIABLE_FOR_OPERATOR",
                    "Policy variables can only be used with String and ARN operators.".to_string(),
                    p.clone(),
                    node,
                );
            }
            private = 0;
            continue;
        }
        match family {
            Some("Bool") if !text.eq_ignore_ascii_case("true") && !text.eq_ignore_ascii_case("false") => cx.at(
                "TYPE_MISMATCH_BOOLEAN",
                format!("Add a valid Boolean value (true or false) for the condition operator {op}."),
                p.clone(),
                node,
            ),
            Some("Numeric") => match text.parse::<f64>().ok().filter(|_| values::is_number(&text)) {
                Some(n) => numbers.push(n),
                None => cx.at(
                    "TYPE_MISMATCH_NUMBER",
                    format!("Add a valid numeric value for the condition operator {op}."),
                    p.clone(),
                    node,
                ),
            },
            // aws:EpochTime is compared with epoch numbers by design.
            Some("Date") if values::is_epoch(&text) && k.eq_ignore_ascii_case("aws:EpochTime") => {}
            Some("Date") if values::is_epoch(&text) => cx.at(
                "INVALID_DATE_VALUE",
                format!("The date {text} might not resolve as expected. We recommend that you use the YYYY-MM-DD format."),
                p.clone(),
                node,
            ),
            Some("Date") if !values::is_iso_date(&text) => cx.at(
                "TYPE_MISMATCH_DATE",
                "The date condition operator is used with an invalid value. Specify a valid date using YYYY-MM-DD or other ISO 8601 date/time format."
                    .to_string(),
                p.clone(),
                node,
            ),
            Some("IPAddress") => match values::parse_cidr(&text) {
                None => {
                    private = 0;
                    cx.at(
                        "TYPE_MISMATCH_IP_RANGE",
                        format!("The condition operator {op} is used with an invalid IP range value. Specify the IP range in standard CIDR format."),
                        p.clone(),
                        node,
                    )
                }
                Some((addr, len)) => {
                    if !values::is_private_range(addr, len) {
                        private = 0;
                    }
                    if let Some(m) = values::masked(addr, len) {
                        cx.at(
                            "IMPROVE_IP_RANGE",
                            format!("The non-zero bits in the IP address after the masked bits are ignored. Replace address with {m}/{len}."),
                            p.clone(),
                            node,
                        );
                    }
                }
            },
            Some("Binary") if !values::is_base64(&text) => cx.at(
                "TYPE_MISMATCH_STRING",
                format!("Add a valid base64-encoded string value for the condition operator {op}."),
                p.clone(),
                node,
            ),
            Some("String") if !has_wildcard(&text) => {
                let vpc = [("aws:SourceVpc", "vpc-", "INVALID_VPC_FORMAT", "VPC"), ("aws:SourceVpce", "vpce-", "INVALID_VPCE_FORMAT", "VPCE")];
                for (key_name, prefix, code, what) in vpc {
                    if k.eq_ignore_ascii_case(key_name) && !values::is_vpc_id(&text, prefix) {
                        cx.at(
                            code,
                            format!("The {what} identifier in the condition key value is not valid. Use the prefix '{prefix}' followed by 8 or 17 alphanumeric characters."),
                            p.clone(),
                            node,
                        );
                    }
                }
            }
            _ => {}
        }
    }
    if family == Some("IPAddress") && private > 0 && private == items.len() && k.eq_ignore_ascii_case("aws:SourceIp") {
        let (code, details) = if base == "NotIpAddress" {
            ("PRIVATE_NOT_IP_ADDRESS", "The values for condition key aws:SourceIp include only private IP addresses and has no effect. aws:SourceIp works only for public IP address ranges. Update the value to include only public IP addresses.")
        } else {
            ("PRIVATE_IP_ADDRESS", "aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include only private IP addresses and will not have the desired effect. Update the value to include only public IP addresses.")
        };
        cx.at(code, details.to_string(), kpath.clone(), &entry.value);
    }
    // Several values of a less-than or greater-than operator: the greatest (less than) or least
    // (greater than) decides alone.
    let direction = if base.starts_with("NumericLessThan") {
        Some("greatest")
    } else if base.starts_with("NumericGreaterThan") {
        Some("least")
    } else {
        None
    };
    if let Some(direction) = direction {
        if numbers.len() > 1 && numbers.len() == items.len() {
            cx.at(
                "REDUNDANT_CONDITION_VALUE_NUM",
                format!("Multiple values in {op} are redundant. Replace with the {direction} single value for {k}."),
                kpath.clone(),
                &entry.value,
            );
        }
    }
}

/// The partitions an ARN may name
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>).
const PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/// The size quota of each policy type, in characters without the whitespace outside strings,
/// with its issue code and message: IAM's 6,144 for a managed identity policy, 20,480 for a
/// resource policy (the largest of S3's, SQS's, SNS's and KMS's), Organizations' 5,120 for an
/// SCP. RCPs have no check on the page.
fn size_checks(cx: &mut Ctx, root: &Node, text: &str) {
    let (quota, code, details): (usize, &'static str, fn(usize, usize) -> String) = match cx.policy_type {
        PolicyType::Identity => (6_144, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", |n, q| {
            format!("The {n} characters in the identity policy, excluding whitespace, exceed the {q} character maximum for inline and managed policies. We recommend that you use multiple granular policies.")
        }),
        PolicyType::Resource => (20_480, "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", |n, q| {
            format!("The {n} characters in the resource policy exceed the {q} character maximum for resource policies. We recommend that you use multiple granular policies.")
        }),
        PolicyType::ServiceControl => (5_120, "POLICY_SIZE_EXCEEDS_SCP_QUOTA", |n, q| {
            format!("The {n} characters in the service control policy (SCP) exceed the {q} character maximum for SCPs. We recommend that you use multiple granular policies.")
        }),
        PolicyType::ResourceControl => return,
    };
    // Cheap before counting: a document no longer than the quota cannot exceed it.
    if text.len() <= quota {
        return;
    }
    let size = size_without_whitespace(&text[root.start..root.end]);
    if size > quota {
        let location = cx.location(Vec::new(), root.start, root.end);
        cx.push(code, details(size, quota), vec![location]);
    }
}

/// The characters of a JSON text but the whitespace outside strings.
fn size_without_whitespace(text: &str) -> usize {
    let (mut n, mut in_string, mut escaped) = (0, false, false);
    for c in text.chars() {
        if in_string {
            n += 1;
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            n += 1;
            in_string = c == '"';
        }
    }
    n
}

/// The checks of a string of a Resource or Condition value with `${`: a variable in a document
/// whose version has none, and the syntax of each `${...}` (a name without spaces, then
/// optionally `, 'default'`). Answers whether it reported an error, after which the string is
/// not checked further.
fn variable_checks(cx: &mut Ctx, text: &str, p: &Path, node: &Node) -> bool {
    let error = variable_syntax(text).map(|code| {
        let details = match code {
            "MISSING_BRACE_IN_VARIABLE" => {
                "The policy variable is missing a closing curly brace. Add } after the variable text."
            }
            "EMPTY_VARIABLE" => {
                "Empty policy variable. Remove the ${ } variable structure or provide a variable within the structure."
            }
            "UNSUPPORTED_SPACE_IN_VARIABLE" => {
                "A space is not supported within the policy variable text. Remove the space."
            }
            _ => "The policy variable default value must begin and end with a single quote. Add the missing quote.",
        };
        (code, details)
    });
    let error = error.or_else(|| {
        (!cx.variables).then_some((
            "VARIABLE_UNSUPPORTED_IN_VERSION",
            "To include variables in your policy, use the policy version 2012-10-17 or later.",
        ))
    });
    match error {
        Some((code, details)) => {
            cx.at(code, details.to_string(), p.clone(), node);
            true
        }
        None => false,
    }
}

/// The issue code of the first malformed `${...}` of `text`, if any. `${*}`, `${?}` and `${$}`
/// are the escapes of those characters.
fn variable_syntax(text: &str) -> Option<&'static str> {
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            return Some("MISSING_BRACE_IN_VARIABLE");
        };
        let inner = &after[..end];
        let (name, default) = match inner.split_once(',') {
            Some((n, d)) => (n, Some(d)),
            None => (inner, None),
        };
        if name.trim().is_empty() {
            return Some("EMPTY_VARIABLE");
        }
        if name.contains(char::is_whitespace) {
            return Some("UNSUPPORTED_SPACE_IN_VARIABLE");
        }
        if let Some(d) = default {
            let d = d.trim_start();
            if d.len() < 2 || !d.starts_with('\'') || !d.ends_with('\'') {
                return Some("MISSING_QUOTE_IN_VARIABLE");
            }
        }
        rest = &after[end + 1..];
    }
    None
}

/// A policy variable in an element that has none (Action, NotAction, Principal, NotPrincipal):
/// VARIABLE_UNSUPPORTED_IN_ELEMENT at the string.
fn variable_in_element(cx: &mut Ctx, list: &[(&str, Path, &Node)]) {
    for (s, p, node) in list {
        if let Some(i) = s.find("${") {
            let var = s[i..].find('}').map(|e| &s[i..i + e + 1]).unwrap_or(&s[i..]);
            cx.at(
                "VARIABLE_UNSUPPORTED_IN_ELEMENT",
                format!("Policy variables are supported in the Resource and Condition elements. Remove the policy variable {var} from this element."),
                p.clone(),
                node,
            );
        }
    }
}

/// The values of one principal key: wildcards where the key takes none (anything but `"AWS": "*"`)
/// and service principals not in the form `service-name.amazonaws.com` (lowercase, dotted).
fn principal_values(cx: &mut Ctx, principal_key: &str, list: &[(&str, Path, &Node)]) {
    for (v, p, node) in list {
        if v.contains("${") {
            continue;
        }
        if has_wildcard(v) && !(principal_key == "AWS" && *v == "*") {
            cx.at(
                "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                format!("Wildcards (*, ?) are not supported with the principal key {principal_key}. Replace the wildcard with a valid principal value."),
                p.clone(),
                node,
            );
        } else if principal_key == "Service" && !is_service_principal(v) {
            cx.at(
                "INVALID_SERVICE_PRINCIPAL_FORMAT",
                "The service principal does not match the expected format. Use the format service-name.amazonaws.com."
                    .to_string(),
                p.clone(),
                node,
            );
        }
    }
}

/// Whether `v` reads as a service principal: dot-separated labels of lowercase letters, digits
/// and hyphens, at least two (`ec2.amazonaws.com`, `logs.us-east-1.amazonaws.com`).
fn is_service_principal(v: &str) -> bool {
    let labels: Vec<&str> = v.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
}

/// Whether `k` is a tag condition key as the page's checks of service support read it:
/// `aws:ResourceTag/...`, the key every section of the page is about (`aws:RequestTag` and
/// `aws:TagKeys`, which only tagging requests carry, are not judged: a simulator assumption).
fn is_tag_key(k: &str) -> bool {
    k.len() > 16 && k.is_char_boundary(16) && k[..16].eq_ignore_ascii_case("aws:ResourceTag/")
}

/// Tag condition keys on actions whose service does not support them: the condition never
/// matches for those actions, so an Allow does not allow them (a SUGGESTION) and a Deny does not
/// deny them (a SECURITY_WARNING), one finding per tag key at its value. With Action, the
/// services listed are those of named actions that do not list the key (on the action or its
/// resource types) and of wildcard actions none of whose matches lists it; `*` names no service.
/// With NotAction every service's actions are in the statement, so the finding names none.
fn tag_key_support(cx: &mut Ctx, st: &Node, cpath: &[PathElement], condition: &Node, allow: bool) {
    let Value::Object(blocks) = &condition.value else { return };
    let keys: Vec<(Path, &Member)> = blocks
        .iter()
        .filter_map(|b| match &b.value.value {
            Value::Object(entries) => Some((b, entries)),
            _ => None,
        })
        .flat_map(|(b, entries)| {
            entries
                .iter()
                .filter(|e| is_tag_key(&e.key))
                .map(move |e| (with(&with(cpath, key(&b.key)), key(&e.key)), e))
        })
        .collect();
    if keys.is_empty() {
        return;
    }
    if st.get("NotAction").is_some() && st.get("Action").is_none() {
        for (p, e) in keys {
            let k = &e.key;
            let (code, details) = if allow {
                ("ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", format!("Using the effect Allow with NotAction and the tag condition key {k} allows only service actions that support the condition key. The condition key doesn't apply to some service actions. We recommend that you use Action instead of NotAction."))
            } else {
                ("DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", format!("Using the effect Deny with NotAction and the tag condition key {k} can be overly permissive because some service actions are not denied by this statement. This is because the condition key doesn't apply to some service actions. We recommend that you use Action instead of NotAction."))
            };
            cx.at(code, details, p, &e.value);
        }
        return;
    }
    let Some(actions) = st.get("Action") else { return };
    let names: Vec<&str> = match &actions.value.value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Node::as_str).collect(),
        _ => Vec::new(),
    };
    for (p, e) in keys {
        let k = e.key.as_str();
        let mut services: Vec<String> = Vec::new();
        for a in &names {
            let Some((svc, name)) = a.split_once(':') else { continue };
            if has_wildcard(svc) || a.contains("${") {
                continue;
            }
            let Some(service) = catalogue::service(svc) else { continue };
            let supported = if has_wildcard(name) {
                service
                    .actions
                    .iter()
                    .filter(|x| catalogue::glob_matches(name, &x.name))
                    .any(|x| action_supports_key(x, k))
            } else {
                match service.action(name) {
                    Some(x) => action_supports_key(x, k),
                    None => true,
                }
            };
            if !supported && !services.contains(&service.prefix) {
                services.push(service.prefix.clone());
            }
        }
        if services.is_empty() {
            continue;
        }
        let list = services.join(", ");
        let (code, details) = if allow {
            ("ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", format!("Using the effect Allow with the tag condition key {k} and actions for services with the following prefixes does not affect the policy: {list}. Actions for the listed service are not allowed by this statement. We recommend that you move these actions to a different statement without this condition key."))
        } else {
            ("DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", format!("Using the effect Deny with the tag condition key {k} and actions for services with the following prefixes can be overly permissive: {list}. Actions for the listed services are not denied by this statement. We recommend that you move these actions to a different statement without this condition key."))
        };
        cx.at(code, details, p, &e.value);
    }
}

/// The condition keys of a statement's Condition, each with its path and member.
fn condition_keys<'n>(path: &[PathElement], st: &'n Node) -> Vec<(Path, &'n Member)> {
    let Some(c) = st.get("Condition") else { return Vec::new() };
    let Value::Object(blocks) = &c.value.value else { return Vec::new() };
    let cpath = with(path, key("Condition"));
    let mut out = Vec::new();
    for b in blocks {
        if let Value::Object(entries) = &b.value.value {
            for e in entries {
                out.push((with(&with(&cpath, key(&b.key)), key(&e.key)), e));
            }
        }
    }
    out
}

/// The keys that name the source of a service's request on a customer's behalf.
const SOURCE_KEYS: &[&str] = &["aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID", "aws:SourceOrgPaths"];

/// Checks of an Allow's sources: a key that is overly permissive without its pair
/// (MISSING_PAIRED_CONDITION_KEYS: `aws:VpcSourceIp` without `aws:SourceVpc`, the page's one
/// pair), and, in a resource policy, a service principal allowed without a source key
/// (RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL at the principal) or with `aws:Referer` in its place
/// (RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL at that key).
fn source_checks(cx: &mut Ctx, path: &[PathElement], st: &Node) {
    let keys = condition_keys(path, st);
    let has = |name: &str| keys.iter().any(|(_, e)| e.key.eq_ignore_ascii_case(name));
    for (p, e) in &keys {
        if e.key.eq_ignore_ascii_case("aws:VpcSourceIp") && !has("aws:SourceVpc") {
            cx.at(
                "MISSING_PAIRED_CONDITION_KEYS",
                format!("Using the condition key {} can be overly permissive without also using the following condition keys: aws:SourceVpc. Condition keys like this one are more secure when paired with a related key. We recommend that you add the related condition keys to the same condition block.", e.key),
                p.clone(),
                &e.value,
            );
        }
    }
    if cx.policy_type != PolicyType::Resource || SOURCE_KEYS.iter().any(|k| has(k)) {
        return;
    }
    let Some(principal) = st.get("Principal") else { return };
    let Some(service) = principal.value.get("Service") else { return };
    let ppath = with(&with(path, key("Principal")), key("Service"));
    let referer: Vec<&(Path, &Member)> =
        keys.iter().filter(|(_, e)| e.key.eq_ignore_ascii_case("aws:Referer")).collect();
    if referer.is_empty() {
        cx.at(
            "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL",
            "Granting access to a service principal without specifying a source is overly permissive. Use aws:SourceArn or aws:SourceAccount condition key and scope access to a specific source to grant fine-grained access."
                .to_string(),
            ppath,
            &service.value,
        );
        return;
    }
    let prefix = match &service.value.value {
        Value::String(s) => s.split('.').next().unwrap_or("").to_string(),
        Value::Array(items) => items
            .iter()
            .filter_map(Node::as_str)
            .map(|s| s.split('.').next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    };
    for (p, e) in referer {
        cx.at(
            "RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",
            format!("To restrict access to the service principal {prefix} operating on your behalf, we recommend aws:SourceArn or aws:SourceAccount instead of {}.", e.key),
            p.clone(),
            &e.value,
        );
    }
}

/// Principal keys a service principal's requests do not carry (AWS's global keys page: they
/// describe an IAM principal, and a service is none).
const NOT_FOR_SERVICE_PRINCIPALS: &[&str] =
    &["aws:PrincipalArn", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalTag/${TagKey}"];

/// A statement whose principals are only services (`"Principal": {"Service": ...}`) and whose
/// condition reads keys such principals never carry: one ERROR listing the keys, located at each
/// (UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL).
fn service_principal_keys(cx: &mut Ctx, path: &[PathElement], st: &Node) {
    let Some(principal) = st.get("Principal") else { return };
    let Value::Object(members) = &principal.value.value else { return };
    if members.is_empty() || members.iter().any(|m| m.key != "Service") {
        return;
    }
    let keys: Vec<(Path, &Member)> = condition_keys(path, st)
        .into_iter()
        .filter(|(_, e)| NOT_FOR_SERVICE_PRINCIPALS.iter().any(|t| catalogue::condition_key_matches(t, &e.key)))
        .collect();
    if keys.is_empty() {
        return;
    }
    let mut names: Vec<&str> = keys.iter().map(|(_, e)| e.key.as_str()).collect();
    names.dedup();
    let locations = keys.iter().map(|(p, e)| cx.location(p.clone(), e.value.start, e.value.end)).collect();
    cx.push(
        "UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",
        format!(
            "The following condition keys are not supported when used with the service principal: {}.",
            names.join(", ")
        ),
        locations,
    );
}
