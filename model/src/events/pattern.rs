//! EventBridge's event-pattern language: parsing (with EventBridge's validation) and matching.
//!
//! A pattern is a JSON object whose leaves are arrays of matchers; an event matches when every
//! field the pattern names matches one of its matchers (fields the pattern does not name are
//! ignored). Matchers: exact values (strings, numbers, `null`), `prefix`, `suffix`,
//! `anything-but` (values, prefix, suffix), `numeric` ranges, `exists`, `wildcard`,
//! `equals-ignore-case`, and `$or` between sub-patterns. An array in the event matches when any
//! of its elements does. Parsing happens once, when a rule is put, so matching cannot fail.

use crate::error::AwsError;
use serde_json::{Map, Value};

/// A parsed pattern: alternatives (from `$or`), each a list of field paths and their matchers.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    alternatives: Vec<Vec<(Vec<String>, Vec<Matcher>)>>,
}

/// One matcher of a field.
#[derive(Debug, Clone, PartialEq)]
enum Matcher {
    Exact(Value),
    Prefix(String, bool),
    Suffix(String, bool),
    IgnoreCase(String),
    Wildcard(String),
    Exists(bool),
    Numeric(Vec<(String, f64)>),
    AnythingBut(Vec<Value>),
    AnythingButPrefix(String),
    AnythingButSuffix(String),
}

/// EventBridge's `InvalidEventPatternException` for an unusable pattern.
pub fn invalid(reason: &str) -> AwsError {
    AwsError::new("InvalidEventPatternException", 400, format!("Event pattern is not valid. Reason: {reason}"))
}

type Parsed<T> = Result<T, AwsError>;

impl Pattern {
    /// Parses a pattern from its JSON text, as `put-rule` and `test-event-pattern` receive it.
    pub fn parse(text: &str) -> Parsed<Pattern> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| invalid(&format!("Filter is not valid JSON: {e}")))?;
        Self::from_value(&value)
    }

    /// Parses a pattern from JSON.
    pub fn from_value(value: &Value) -> Parsed<Pattern> {
        let Value::Object(m) = value else { return Err(invalid("Filter is not an object")) };
        if m.is_empty() {
            return Err(invalid("Empty objects are not allowed"));
        }
        let mut alternatives = vec![Vec::new()];
        parse_object(m, &mut Vec::new(), &mut alternatives)?;
        Ok(Pattern { alternatives })
    }

    /// Whether `event` matches.
    pub fn matches(&self, event: &Value) -> bool {
        self.alternatives.iter().any(|fields| {
            fields.iter().all(|(path, matchers)| {
                let mut leaves = Vec::new();
                collect(event, path, &mut leaves);
                matchers.iter().any(|m| m.matches(&leaves))
            })
        })
    }
}

/// Parses the object at `path`; `$or` multiplies the alternatives built so far.
fn parse_object(
    m: &Map<String, Value>,
    path: &mut Vec<String>,
    alts: &mut Vec<Vec<(Vec<String>, Vec<Matcher>)>>,
) -> Parsed<()> {
    for (key, value) in m {
        if key == "$or" {
            let Value::Array(options) = value else { return Err(invalid("Value of $or must be an array")) };
            if options.len() < 2 {
                return Err(invalid("Value of $or must be an array of at least 2 objects"));
            }
            let mut next = Vec::new();
            for option in options {
                let Value::Object(o) = option else { return Err(invalid("Value of $or must be an array of objects")) };
                let mut sub = alts.clone();
                parse_object(o, path, &mut sub)?;
                next.extend(sub);
            }
            *alts = next;
            continue;
        }
        path.push(key.clone());
        match value {
            Value::Object(o) => {
                if o.is_empty() {
                    return Err(invalid("Empty objects are not allowed"));
                }
                parse_object(o, path, alts)?;
            }
            Value::Array(items) => {
                if items.is_empty() {
                    return Err(invalid("Empty arrays are not allowed"));
                }
                let matchers = items.iter().map(parse_matcher).collect::<Parsed<Vec<_>>>()?;
                for alt in alts.iter_mut() {
                    alt.push((path.clone(), matchers.clone()));
                }
            }
            _ => return Err(invalid(&format!("\"{key}\" must be an object or an array"))),
        }
        path.pop();
    }
    Ok(())
}

fn string_of(v: &Value, what: &str) -> Parsed<String> {
    v.as_str().map(str::to_string).ok_or_else(|| invalid(&format!("{what} match pattern must be a string")))
}

/// `"x"` or `{"equals-ignore-case": "x"}` inside prefix/suffix.
fn affix(v: &Value, what: &str) -> Parsed<(String, bool)> {
    match v {
        Value::Object(o) if o.len() == 1 && o.contains_key("equals-ignore-case") => {
            Ok((string_of(&o["equals-ignore-case"], what)?, true))
        }
        _ => Ok((string_of(v, what)?, false)),
    }
}

fn parse_matcher(item: &Value) -> Parsed<Matcher> {
    let o = match item {
        Value::String(_) | Value::Number(_) | Value::Null => return Ok(Matcher::Exact(item.clone())),
        Value::Bool(_) => return Ok(Matcher::Exact(item.clone())),
        Value::Array(_) => return Err(invalid("Match value must be String, number, true, false, or null")),
        Value::Object(o) => o,
    };
    let mut entries = o.iter();
    let (Some((op, arg)), None) = (entries.next(), entries.next()) else {
        return Err(invalid("Match object must have exactly one match type"));
    };
    Ok(match op.as_str() {
        "prefix" => {
            let (s, ci) = affix(arg, "prefix")?;
            Matcher::Prefix(s, ci)
        }
        "suffix" => {
            let (s, ci) = affix(arg, "suffix")?;
            Matcher::Suffix(s, ci)
        }
        "equals-ignore-case" => Matcher::IgnoreCase(string_of(arg, "equals-ignore-case")?),
        "wildcard" => {
            let s = string_of(arg, "wildcard")?;
            if s.contains("**") {
                return Err(invalid("Consecutive wildcard characters are not allowed"));
            }
            Matcher::Wildcard(s)
        }
        "exists" => match arg {
            Value::Bool(b) => Matcher::Exists(*b),
            _ => return Err(invalid("exists match pattern must be either true or false")),
        },
        "numeric" => Matcher::Numeric(parse_numeric(arg)?),
        "anything-but" => match arg {
            Value::String(_) | Value::Number(_) => Matcher::AnythingBut(vec![arg.clone()]),
            Value::Array(vs) if !vs.is_empty() && vs.iter().all(|v| v.is_string() || v.is_number()) => {
                Matcher::AnythingBut(vs.clone())
            }
            Value::Object(inner) if inner.len() == 1 && inner.contains_key("prefix") => {
                Matcher::AnythingButPrefix(string_of(&inner["prefix"], "prefix")?)
            }
            Value::Object(inner) if inner.len() == 1 && inner.contains_key("suffix") => {
                Matcher::AnythingButSuffix(string_of(&inner["suffix"], "suffix")?)
            }
            _ => {
                return Err(invalid(
                    "Value of anything-but must be an array or single string/number value, or a prefix or suffix",
                ))
            }
        },
        other => return Err(invalid(&format!("Unrecognized match type {other}"))),
    })
}

/// `[">", 0, "<=", 5]`: at most a lower and an upper bound, or one `=`.
fn parse_numeric(arg: &Value) -> Parsed<Vec<(String, f64)>> {
    let Value::Array(items) = arg else { return Err(invalid("Value of numeric must be an array.")) };
    if items.is_empty() || items.len() % 2 != 0 || items.len() > 4 {
        return Err(invalid("Value of numeric must be an array of one or two comparisons"));
    }
    let mut out = Vec::new();
    for pair in items.chunks(2) {
        let op = pair[0].as_str().unwrap_or("");
        if !["<", "<=", "=", ">", ">="].contains(&op) {
            return Err(invalid(&format!("Unrecognized numeric range operator: {}", pair[0])));
        }
        let n = pair[1].as_f64().ok_or_else(|| invalid(&format!("Value of {op} must be numeric")))?;
        out.push((op.to_string(), n));
    }
    if out.len() == 2 {
        let lower = matches!(out[0].0.as_str(), ">" | ">=");
        let upper = matches!(out[1].0.as_str(), "<" | "<=");
        if !lower || !upper {
            return Err(invalid(
                "Bad numeric range operator: a range needs a lower bound (> or >=) then an upper bound (< or <=)",
            ));
        }
        if out[0].1 >= out[1].1 {
            return Err(invalid("Bottom must be less than top"));
        }
    }
    Ok(out)
}

/// The values at `path` in `v`; arrays on the way (and at the end) are flattened, so that any
/// element can match.
fn collect<'a>(v: &'a Value, path: &[String], out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect(i, path, out)),
        _ => match path.split_first() {
            None => out.push(v),
            Some((head, rest)) => {
                if let Some(next) = v.get(head) {
                    collect(next, rest, out);
                }
            }
        },
    }
}

/// Classic glob: `*` matches any run of characters and `one`, if given, any single character;
/// backtracks to the last star. EventBridge's `wildcard` has `*` only; the principal graph's
/// pre-filter (graph.rs) passes `Some('?')`, as IAM's action patterns have both.
pub(crate) fn glob(pattern: &str, s: &str, one: Option<char>) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), s.chars().collect());
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if i < p.len() && (p[i] == t[j] || Some(p[i]) == one) {
            i += 1;
            j += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

impl Matcher {
    fn matches(&self, leaves: &[&Value]) -> bool {
        match self {
            Matcher::Exists(want) => leaves.is_empty() != *want,
            _ => leaves.iter().any(|v| self.matches_one(v)),
        }
    }

    fn matches_one(&self, v: &Value) -> bool {
        let s = v.as_str();
        let lower = |x: &str| x.to_lowercase();
        match self {
            Matcher::Exact(want) => same_value(want, v),
            Matcher::Prefix(p, false) => s.is_some_and(|s| s.starts_with(p.as_str())),
            Matcher::Prefix(p, true) => s.is_some_and(|s| lower(s).starts_with(&lower(p))),
            Matcher::Suffix(p, false) => s.is_some_and(|s| s.ends_with(p.as_str())),
            Matcher::Suffix(p, true) => s.is_some_and(|s| lower(s).ends_with(&lower(p))),
            Matcher::IgnoreCase(p) => s.is_some_and(|s| lower(s) == lower(p)),
            Matcher::Wildcard(p) => s.is_some_and(|s| glob(p, s, None)),
            Matcher::Exists(_) => true,
            Matcher::Numeric(bounds) => v.as_f64().is_some_and(|n| {
                bounds.iter().all(|(op, b)| match op.as_str() {
                    "<" => n < *b,
                    "<=" => n <= *b,
                    "=" => n == *b,
                    ">" => n > *b,
                    _ => n >= *b,
                })
            }),
            Matcher::AnythingBut(values) => !v.is_null() && !values.iter().any(|x| same_value(x, v)),
            Matcher::AnythingButPrefix(p) => s.is_some_and(|s| !s.starts_with(p.as_str())),
            Matcher::AnythingButSuffix(p) => s.is_some_and(|s| !s.ends_with(p.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Runs a table: (pattern, event, expected).
    fn table(rows: &[(Value, Value, bool)]) {
        for (pattern, event, want) in rows {
            let p = Pattern::from_value(pattern).unwrap_or_else(|e| panic!("{pattern} should parse: {e}"));
            assert_eq!(p.matches(event), *want, "pattern {pattern} on event {event}");
        }
    }

    fn invalid_table(rows: &[(Value, &str)]) {
        for (pattern, reason) in rows {
            let e = Pattern::from_value(pattern).expect_err(&format!("{pattern} should be refused"));
            assert_eq!(e.code, "InvalidEventPatternException");
            assert!(e.message.starts_with("Event pattern is not valid. Reason: "), "{}", e.message);
            assert!(e.message.contains(reason), "{pattern}: {} lacks {reason}", e.message);
        }
    }

    #[test]
    fn exact_values() {
        table(&[
            (json!({"source": ["aws.iam"]}), json!({"source": "aws.iam"}), true),
            (json!({"source": ["aws.iam", "aws.sts"]}), json!({"source": "aws.sts"}), true),
            (json!({"source": ["aws.iam"]}), json!({"source": "aws.IAM"}), false),
            (json!({"source": ["aws.iam"]}), json!({"other": "aws.iam"}), false),
            (json!({"n": [5]}), json!({"n": 5.0}), true),
            (json!({"n": [5]}), json!({"n": "5"}), false),
            (json!({"b": [true]}), json!({"b": true}), true),
            (json!({"b": [true]}), json!({"b": "true"}), false),
        ]);
    }

    #[test]
    fn nested_fields_and_arrays() {
        let root = json!({"detail": {"userIdentity": {"type": ["Root"]}}});
        table(&[
            (root.clone(), json!({"detail": {"userIdentity": {"type": "Root"}}}), true),
            (root.clone(), json!({"detail": {"userIdentity": {"type": "IAMUser"}}}), false),
            (root.clone(), json!({"detail": {"type": "Root"}}), false),
            (root, json!({"userIdentity": {"type": "Root"}}), false),
            (json!({"resources": ["arn:a"]}), json!({"resources": ["arn:b", "arn:a"]}), true),
            (json!({"resources": ["arn:c"]}), json!({"resources": ["arn:b", "arn:a"]}), false),
            (json!({"r": {"id": ["x"]}}), json!({"r": [{"id": "y"}, {"id": "x"}]}), true),
            (json!({"r": {"id": ["z"]}}), json!({"r": [{"id": "y"}, {"id": "x"}]}), false),
        ]);
    }

    #[test]
    fn null_and_empty_string() {
        table(&[
            (json!({"a": [null]}), json!({"a": null}), true),
            (json!({"a": [null]}), json!({"a": ""}), false),
            (json!({"a": [null]}), json!({}), false),
            (json!({"a": [""]}), json!({"a": ""}), true),
            (json!({"a": [""]}), json!({"a": null}), false),
        ]);
    }

    #[test]
    fn prefix_and_suffix() {
        table(&[
            (json!({"n": [{"prefix": "Get"}]}), json!({"n": "GetUser"}), true),
            (json!({"n": [{"prefix": "Get"}]}), json!({"n": "getUser"}), false),
            (json!({"n": [{"prefix": {"equals-ignore-case": "get"}}]}), json!({"n": "GetUser"}), true),
            (json!({"n": [{"prefix": "Get"}]}), json!({"n": 5}), false),
            (json!({"f": [{"suffix": ".png"}]}), json!({"f": "a.png"}), true),
            (json!({"f": [{"suffix": ".png"}]}), json!({"f": "a.PNG"}), false),
            (json!({"f": [{"suffix": {"equals-ignore-case": ".png"}}]}), json!({"f": "a.PNG"}), true),
            (json!({"f": [{"suffix": ".png"}]}), json!({"g": "a.png"}), false),
        ]);
    }

    #[test]
    fn anything_but() {
        table(&[
            (json!({"s": [{"anything-but": "a"}]}), json!({"s": "b"}), true),
            (json!({"s": [{"anything-but": "a"}]}), json!({"s": "a"}), false),
            (json!({"s": [{"anything-but": ["a", "b"]}]}), json!({"s": "b"}), false),
            (json!({"s": [{"anything-but": ["a", "b"]}]}), json!({"s": "c"}), true),
            (json!({"s": [{"anything-but": "a"}]}), json!({}), false),
            (json!({"s": [{"anything-but": 5}]}), json!({"s": 6}), true),
            (json!({"s": [{"anything-but": 5}]}), json!({"s": 5}), false),
            (json!({"s": [{"anything-but": {"prefix": "aws."}}]}), json!({"s": "aws.iam"}), false),
            (json!({"s": [{"anything-but": {"prefix": "aws."}}]}), json!({"s": "custom"}), true),
            (json!({"s": [{"anything-but": {"suffix": "-test"}}]}), json!({"s": "x-test"}), false),
            (json!({"s": [{"anything-but": {"suffix": "-test"}}]}), json!({"s": "x-prod"}), true),
        ]);
    }

    #[test]
    fn numeric_ranges() {
        let range = json!({"n": [{"numeric": [">", 0, "<=", 5]}]});
        table(&[
            (range.clone(), json!({"n": 5}), true),
            (range.clone(), json!({"n": 0.5}), true),
            (range.clone(), json!({"n": 0}), false),
            (range.clone(), json!({"n": 5.01}), false),
            (range, json!({"n": "3"}), false),
            (json!({"n": [{"numeric": ["=", 3]}]}), json!({"n": 3}), true),
            (json!({"n": [{"numeric": [">=", 10]}]}), json!({"n": 9}), false),
            (json!({"n": [{"numeric": ["<", 10]}]}), json!({"n": 9}), true),
        ]);
    }

    #[test]
    fn exists() {
        table(&[
            (json!({"e": [{"exists": true}]}), json!({"e": "x"}), true),
            (json!({"e": [{"exists": true}]}), json!({"f": "x"}), false),
            (json!({"e": [{"exists": false}]}), json!({"f": "x"}), true),
            (json!({"e": [{"exists": false}]}), json!({"e": "x"}), false),
            (
                json!({"detail": {"userIdentity": {"invokedBy": [{"exists": false}]}}}),
                json!({"detail": {"userIdentity": {"type": "Root"}}}),
                true,
            ),
        ]);
    }

    #[test]
    fn wildcards() {
        table(&[
            (json!({"k": [{"wildcard": "dir/*.png"}]}), json!({"k": "dir/a.png"}), true),
            (json!({"k": [{"wildcard": "dir/*.png"}]}), json!({"k": "dir/a.jpg"}), false),
            (json!({"k": [{"wildcard": "*/*"}]}), json!({"k": "a/b/c"}), true),
            (json!({"k": [{"wildcard": "a*c"}]}), json!({"k": "ac"}), true),
            (json!({"k": [{"wildcard": "a*c"}]}), json!({"k": "acb"}), false),
        ]);
    }

    #[test]
    fn equals_ignore_case() {
        table(&[
            (json!({"n": [{"equals-ignore-case": "alice"}]}), json!({"n": "ALICE"}), true),
            (json!({"n": [{"equals-ignore-case": "alice"}]}), json!({"n": "alicia"}), false),
        ]);
    }

    #[test]
    fn or_between_sub_patterns() {
        let p = json!({"source": ["aws.iam"], "$or": [{"detail": {"eventName": ["CreateUser"]}}, {"detail": {"readOnly": [true]}}]});
        table(&[
            (p.clone(), json!({"source": "aws.iam", "detail": {"eventName": "CreateUser", "readOnly": false}}), true),
            (p.clone(), json!({"source": "aws.iam", "detail": {"eventName": "GetUser", "readOnly": true}}), true),
            (p.clone(), json!({"source": "aws.iam", "detail": {"eventName": "DeleteUser", "readOnly": false}}), false),
            (p, json!({"source": "aws.sts", "detail": {"eventName": "CreateUser"}}), false),
        ]);
    }

    #[test]
    fn invalid_patterns_are_refused() {
        invalid_table(&[
            (json!(["a"]), "Filter is not an object"),
            (json!({}), "Empty objects are not allowed"),
            (json!({"a": []}), "Empty arrays are not allowed"),
            (json!({"a": "x"}), "must be an object or an array"),
            (json!({"a": [["x"]]}), "Match value must be String"),
            (json!({"a": [{"regex": "x"}]}), "Unrecognized match type regex"),
            (json!({"a": [{"prefix": 5}]}), "prefix match pattern must be a string"),
            (json!({"a": [{"exists": "yes"}]}), "exists match pattern must be either true or false"),
            (json!({"a": [{"numeric": [">", "x"]}]}), "Value of > must be numeric"),
            (json!({"a": [{"numeric": [">", 5, "<", 1]}]}), "Bottom must be less than top"),
            (json!({"a": [{"anything-but": [true]}]}), "Value of anything-but must be"),
            (json!({"a": [{"wildcard": "a**b"}]}), "Consecutive wildcard"),
            (json!({"$or": [{"a": ["x"]}]}), "at least 2"),
        ]);
        assert!(Pattern::parse("{not json").unwrap_err().message.contains("not valid JSON"));
    }
}
