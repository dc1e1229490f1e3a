//! `--query`: a JMESPath expression applied to the whole response, as the AWS CLI applies it
//! (after automatic pagination has merged the pages, before the output format).
//!
//! The expression is compiled and searched by the `jmespath` crate, the JMESPath project's own
//! Rust implementation. Its objects are sorted maps, while the CLI's (Python's) keep the
//! response's order and a multi-select hash's (`{Name: UserName, Id: UserId}`) own order; the
//! result's objects are put back in that order (`restore_order`).

use jmespath::ast::Ast;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A compiled `--query`.
pub struct Query {
    expression: jmespath::Expression<'static>,
    /// The keys of each multi-select hash of the expression, in the order written.
    hashes: Vec<Vec<String>>,
}

impl std::fmt::Debug for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Query({:?})", self.expression.as_str())
    }
}

/// Compiles `text`; the error is the CLI's: `Bad value for --query EXPR: ...`.
pub fn compile(text: &str) -> Result<Query, String> {
    let compiled = jmespath::compile(text).or_else(|e| match legacy_literals(text) {
        // JMESPath's Python implementation, which the CLI uses, still reads a backtick literal
        // that is not JSON as a string (`bob`), deprecated; so does rootsim.
        Some(fixed) => jmespath::compile(&fixed).map_err(|_| e),
        None => Err(e),
    });
    match compiled {
        Ok(expression) => {
            let mut hashes = Vec::new();
            collect_hashes(expression.as_ast(), &mut hashes);
            Ok(Query { expression, hashes })
        }
        Err(e) => {
            // JMESPath's Python implementation words an expression cut short one way and any
            // other parse error another; the caret stands under the offending place.
            let caret = " ".repeat(e.offset.min(text.chars().count()) + 1);
            let message = match &e.reason {
                jmespath::ErrorReason::Parse(m) if m.to_ascii_lowercase().contains("found eof") => {
                    "Invalid jmespath expression: Incomplete expression:".to_string()
                }
                jmespath::ErrorReason::Parse(m) => {
                    format!("{m}: Parse error at column {}, for expression:", e.offset)
                }
                jmespath::ErrorReason::Runtime(r) => format!("{r}:"),
            };
            Err(format!("Bad value for --query {text}: {message}\n\"{text}\"\n{caret}^"))
        }
    }
}

/// `text` with each backtick literal that is not JSON written as a JSON string; `None` when there
/// is none such.
fn legacy_literals(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 8);
    let mut changed = false;
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        // The literal ends at the next backtick not escaped by a backslash.
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '`' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let end = end?;
        let literal = after[..end].replace("\\`", "`");
        if serde_json::from_str::<Value>(&literal).is_ok() {
            out.push_str(&after[..end]);
        } else {
            changed = true;
            out.push_str(&Value::String(literal.trim_start().to_string()).to_string().replace('`', "\\`"));
        }
        out.push('`');
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

impl Query {
    /// The expression's result on `value`; the error is the evaluation's message (a function
    /// given the wrong type, ...).
    pub fn search(&self, value: &Value) -> Result<Value, String> {
        let found = self.expression.search(value).map_err(|e| match e.reason {
            jmespath::ErrorReason::Runtime(r) => r.to_string(),
            jmespath::ErrorReason::Parse(m) => m,
        })?;
        let mut result = serde_json::to_value(&*found).map_err(|e| e.to_string())?;
        let mut orders = HashMap::new();
        key_orders(value, &mut orders);
        restore_order(&mut result, &self.hashes, &orders);
        Ok(result)
    }
}

fn collect_hashes(ast: &Ast, out: &mut Vec<Vec<String>>) {
    match ast {
        Ast::MultiHash { elements, .. } => {
            out.push(elements.iter().map(|kv| kv.key.clone()).collect());
            for kv in elements {
                collect_hashes(&kv.value, out);
            }
        }
        Ast::Comparison { lhs, rhs, .. }
        | Ast::Projection { lhs, rhs, .. }
        | Ast::And { lhs, rhs, .. }
        | Ast::Or { lhs, rhs, .. }
        | Ast::Subexpr { lhs, rhs, .. } => {
            collect_hashes(lhs, out);
            collect_hashes(rhs, out);
        }
        Ast::Condition { predicate, then, .. } => {
            collect_hashes(predicate, out);
            collect_hashes(then, out);
        }
        Ast::Expref { ast, .. } => collect_hashes(ast, out),
        Ast::Flatten { node, .. } | Ast::Not { node, .. } | Ast::ObjectValues { node, .. } => collect_hashes(node, out),
        Ast::Function { args, .. } => args.iter().for_each(|a| collect_hashes(a, out)),
        Ast::MultiList { elements, .. } => elements.iter().for_each(|a| collect_hashes(a, out)),
        Ast::Identity { .. } | Ast::Field { .. } | Ast::Index { .. } | Ast::Literal { .. } | Ast::Slice { .. } => {}
    }
}

/// The key order of every object of the response, by its sorted keys (first seen wins).
fn key_orders(value: &Value, out: &mut HashMap<Vec<String>, Vec<String>>) {
    match value {
        Value::Object(map) => {
            let order: Vec<String> = map.keys().cloned().collect();
            let mut sorted = order.clone();
            sorted.sort();
            out.entry(sorted).or_insert(order);
            map.values().for_each(|v| key_orders(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| key_orders(v, out)),
        _ => {}
    }
}

/// Puts each object of a result back in its order: a multi-select hash's keys as written, or the
/// order of a response object with the same keys; other objects keep the sorted order.
fn restore_order(value: &mut Value, hashes: &[Vec<String>], orders: &HashMap<Vec<String>, Vec<String>>) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                restore_order(v, hashes, orders);
            }
            let mut sorted: Vec<String> = map.keys().cloned().collect();
            sorted.sort();
            let order = hashes
                .iter()
                .find(|h| {
                    let mut s = (*h).clone();
                    s.sort();
                    s.dedup();
                    s == sorted
                })
                .or_else(|| orders.get(&sorted));
            if let Some(order) = order {
                let mut old = std::mem::take(map);
                let mut fresh = Map::new();
                for k in order {
                    if let Some(v) = old.remove(k) {
                        fresh.insert(k.clone(), v);
                    }
                }
                fresh.append(&mut old);
                *map = fresh;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| restore_order(v, hashes, orders)),
        _ => {}
    }
}

/// Expectations from the AWS CLI (`--query` on these responses) and from JMESPath's Python
/// implementation, which the CLI uses.
#[cfg(test)]
mod tests {
    use super::compile;
    use serde_json::json;

    #[test]
    fn queries_keep_the_response_order_and_the_hash_order() {
        let v = json!({"Users": [
            {"Path": "/", "UserName": "alice", "UserId": "AIDA1"},
            {"Path": "/", "UserName": "bob", "UserId": "AIDA2"}
        ]});
        let q = |e: &str| compile(e).unwrap().search(&v).unwrap();
        assert_eq!(q("Users[].UserName"), json!(["alice", "bob"]));
        assert_eq!(q("Users[0]").to_string(), r#"{"Path":"/","UserName":"alice","UserId":"AIDA1"}"#);
        assert_eq!(
            q("Users[].{Name: UserName, Id: UserId}").to_string(),
            r#"[{"Name":"alice","Id":"AIDA1"},{"Name":"bob","Id":"AIDA2"}]"#
        );
        assert_eq!(q("Users[?UserName=='bob'].UserId | [0]"), json!("AIDA2"));
        assert_eq!(q("length(Users)"), json!(2));
        assert_eq!(q("Nothing"), json!(null));
        // The deprecated bare literal the CLI still reads.
        assert_eq!(q("Users[?UserName==`bob`].UserId"), json!(["AIDA2"]));
        assert_eq!(q("Users[?UserName==`\"bob\"`].UserId"), json!(["AIDA2"]));
    }

    #[test]
    fn a_bad_expression_gives_the_cli_error() {
        let e = compile("Users[").unwrap_err();
        assert_eq!(
            e,
            "Bad value for --query Users[: Invalid jmespath expression: Incomplete expression:\n\"Users[\"\n       ^"
        );
        assert!(compile("length(`1`)").unwrap().search(&json!({})).is_err());
        let e = compile("a b").unwrap_err();
        assert!(
            e.starts_with("Bad value for --query a b: ")
                && e.ends_with("Parse error at column 2, for expression:\n\"a b\"\n   ^"),
            "{e}"
        );
    }
}
