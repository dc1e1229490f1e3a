//! Reading the YAML of `--cli-input-yaml`: the part of YAML 1.2 (the CLI loads it with
//! ruamel.yaml's safe loader) that input documents are written in. Block mappings and block
//! sequences by indentation, `#` comments, plain, single- and double-quoted scalars (plain ones
//! resolved by the 1.2 core schema: null, booleans, integers, floats, else strings), and a
//! document written in JSON's syntax (YAML's flow style). Anything else (anchors, aliases, tags,
//! literal and folded blocks, flow collections inside block style) is refused as unsupported,
//! never read wrongly.

use serde_json::{Map, Value};

/// Why a document was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlError {
    /// Not YAML at all (the CLI's `Invalid YAML received.`).
    Invalid,
    /// YAML that rootsim does not read: what it is.
    Unsupported(&'static str),
}

/// One significant line: its indentation and its text without the comment.
struct Line {
    indent: usize,
    text: String,
}

/// Parses a YAML document.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return serde_json::from_str(text).map_err(|_| YamlError::Unsupported("flow style beyond JSON's syntax"));
    }
    let mut lines = Vec::new();
    for raw in text.lines() {
        if raw.starts_with("---") || raw.starts_with("...") {
            continue;
        }
        if raw.contains('\t') && raw.trim_start().len() != raw.trim_start_matches('\t').len() {
            return Err(YamlError::Invalid);
        }
        let body = strip_comment(raw);
        if body.trim().is_empty() {
            continue;
        }
        let indent = body.len() - body.trim_start_matches(' ').len();
        lines.push(Line { indent, text: body.trim().to_string() });
    }
    if lines.is_empty() {
        return Ok(Value::Null);
    }
    let mut at = 0;
    let v = block(&lines, &mut at, lines[0].indent)?;
    if at != lines.len() {
        return Err(YamlError::Invalid);
    }
    Ok(v)
}

/// The line without a comment: `#` at its start or after a space, outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && (prev == ' ' || i == 0) => return line[..i].trim_end(),
            None => {}
        }
        prev = c;
    }
    line.trim_end()
}

/// The block starting at line `at`, whose lines stand at `indent`.
fn block(lines: &[Line], at: &mut usize, indent: usize) -> Result<Value, YamlError> {
    if lines[*at].text == "-" || lines[*at].text.starts_with("- ") {
        let mut items = Vec::new();
        while *at < lines.len() && lines[*at].indent == indent && lines[*at].text.starts_with('-') {
            let text = lines[*at].text.clone();
            let Some(rest) = text.strip_prefix('-') else { return Err(YamlError::Invalid) };
            if !rest.is_empty() && !rest.starts_with(' ') {
                return Err(YamlError::Invalid);
            }
            let rest = rest.trim_start();
            let inner = indent + 1 + (text.len() - 1 - rest.len());
            if rest.is_empty() {
                *at += 1;
                items.push(nested(lines, at, indent)?);
            } else if key_of(rest).is_some() {
                // `- key: value` opens a mapping whose later keys stand under `key`.
                let mut sub = vec![Line { indent: inner, text: rest.to_string() }];
                *at += 1;
                while *at < lines.len() && lines[*at].indent > indent {
                    sub.push(Line { indent: lines[*at].indent, text: lines[*at].text.clone() });
                    *at += 1;
                }
                let mut j = 0;
                let v = block(&sub, &mut j, inner)?;
                if j != sub.len() {
                    return Err(YamlError::Invalid);
                }
                items.push(v);
            } else {
                *at += 1;
                items.push(scalar(rest)?);
            }
        }
        return Ok(Value::Array(items));
    }
    if key_of(&lines[*at].text).is_none() {
        // A lone scalar.
        let v = scalar(&lines[*at].text)?;
        *at += 1;
        return Ok(v);
    }
    let mut map = Map::new();
    while *at < lines.len() && lines[*at].indent == indent {
        let text = lines[*at].text.clone();
        let Some((key, rest)) = key_of(&text) else { return Err(YamlError::Invalid) };
        *at += 1;
        let value = if rest.is_empty() { nested(lines, at, indent)? } else { scalar(rest)? };
        if map.insert(key, value).is_some() {
            // ruamel.yaml refuses a duplicate key.
            return Err(YamlError::Invalid);
        }
    }
    if *at < lines.len() && lines[*at].indent > indent {
        return Err(YamlError::Invalid);
    }
    Ok(Value::Object(map))
}

/// The value of a key or item whose text ended the line: the deeper block below, or null.
/// A sequence may stand at its key's own indentation, as YAML allows.
fn nested(lines: &[Line], at: &mut usize, indent: usize) -> Result<Value, YamlError> {
    match lines.get(*at) {
        Some(l) if l.indent > indent => block(lines, at, l.indent),
        Some(l) if l.indent == indent && (l.text == "-" || l.text.starts_with("- ")) => block(lines, at, indent),
        _ => Ok(Value::Null),
    }
}

/// `key: rest` (a plain or quoted key, then `:` and a space or the end of the line).
fn key_of(text: &str) -> Option<(String, &str)> {
    let (key, after) = if text.starts_with('"') || text.starts_with('\'') {
        let q = text.chars().next()?;
        let end = text[1..].find(q)? + 1;
        (scalar(&text[..=end]).ok()?.as_str()?.to_string(), &text[end + 1..])
    } else {
        let i = text.find(": ").or_else(|| text.strip_suffix(':').map(|t| t.len()))?;
        (text[..i].trim_end().to_string(), &text[i..])
    };
    let rest = after.strip_prefix(':')?;
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    Some((key, rest.trim()))
}

/// A scalar: quoted, or plain and resolved by the YAML 1.2 core schema.
fn scalar(text: &str) -> Result<Value, YamlError> {
    let t = text.trim();
    match t.chars().next() {
        Some('&') | Some('*') => return Err(YamlError::Unsupported("anchors and aliases")),
        Some('!') => return Err(YamlError::Unsupported("tags")),
        Some('|') | Some('>') => return Err(YamlError::Unsupported("literal and folded blocks")),
        Some('[') | Some('{') => {
            return serde_json::from_str(t).map_err(|_| YamlError::Unsupported("flow style beyond JSON's syntax"))
        }
        Some('"') => {
            return match serde_json::from_str::<String>(t) {
                Ok(s) => Ok(Value::String(s)),
                Err(_) if t.len() >= 2 && t.ends_with('"') => Err(YamlError::Unsupported("YAML-only escapes")),
                Err(_) => Err(YamlError::Invalid),
            }
        }
        Some('\'') => {
            let inner = t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')).ok_or(YamlError::Invalid)?;
            if inner.replace("''", "").contains('\'') {
                return Err(YamlError::Invalid);
            }
            return Ok(Value::String(inner.replace("''", "'")));
        }
        _ => {}
    }
    Ok(match t {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => {
            let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
            if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                match t.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => Value::String(t.to_string()),
                }
            } else if digits.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.')
                && digits.chars().all(|c| c.is_ascii_digit() || ".eE+-".contains(c))
                && digits.contains(['.', 'e', 'E'])
            {
                t.parse::<f64>().map(Value::from).unwrap_or_else(|_| Value::String(t.to_string()))
            } else {
                Value::String(t.to_string())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{parse, YamlError};
    use proptest::prelude::*;
    use serde_json::json;

    /// Each expected value is what ruamel.yaml 0.19.1 (`YAML(typ='safe', pure=True).load`, as
    /// the CLI loads `--cli-input-yaml`) made of the same text in a throwaway venv.
    #[test]
    fn documents_read_as_ruamel_reads_them() {
        let doc = "# a user\nUserName: bob   # the name\nPath: '/it''s/'\nTags:\n- Key: team\n  Value: \"a: b\"\n- Key: n\n  Value: 12\nX:\n  Y: true\n  Z: ~\n";
        assert_eq!(
            parse(doc).unwrap(),
            json!({"UserName": "bob", "Path": "/it's/", "Tags": [{"Key": "team", "Value": "a: b"}, {"Key": "n", "Value": 12}], "X": {"Y": true, "Z": null}})
        );
        assert_eq!(parse("{\"UserName\": \"bob\"}").unwrap(), json!({"UserName": "bob"}));
        assert_eq!(parse("A:\n  - 1\n  - x y\n").unwrap(), json!({"A": [1, "x y"]}));
        assert_eq!(parse("A: 1.5\nB: yes\n").unwrap(), json!({"A": 1.5, "B": "yes"}));
        assert_eq!(parse("- a\n- b\n").unwrap(), json!(["a", "b"]));
        assert_eq!(parse("A: &x 1\n"), Err(YamlError::Unsupported("anchors and aliases")));
        assert_eq!(parse("A: 1\nA: 2\n"), Err(YamlError::Invalid));
    }

    proptest! {
        /// No text panics the reader.
        #[test]
        fn no_text_panics(text in "[A-Za-z:\\- #'\"\\n{}\\[\\],~&!|>]{0,40}") {
            let _ = parse(&text);
        }
    }
}
