//! The AWS CLI's shorthand syntax (`--tags Key=a,Value="b,c"`, `--x A=[1,2],B={C=d}`), read as
//! the AWS CLI 2.17.0's shorthand parser reads it (awscli's `shorthand.py`; `Key@=file://...`,
//! added to v2 after 2.17, is not read): keys of
//! `[A-Za-z0-9-_.#/:]`, `=`, then a value that is a bare word (its `\,` an escaped comma), a
//! single- or double-quoted string (`\'`, `\"` and `\\` escaped), an explicit list `[...]`, a
//! hash `{...}`, or several bare words separated by commas (a list). Errors are the parser's
//! own `Expected: 'X', received: 'Y' for input:` messages, with the caret under the position.
//!
//! This module owns the syntax only; `cli.rs` puts the CLI's `Error parsing parameter '--x': `
//! before a message and adapts the result to the option's members (`adapt`).

use crate::service::{Param, Shape};
use serde_json::{Map, Value};

/// A shorthand value that does not parse: the message the CLI prints after `Error parsing
/// parameter '--x': `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShorthandError(pub String);

/// Parses one shorthand word into the object it stands for.
pub fn parse(text: &str) -> Result<Map<String, Value>, ShorthandError> {
    let mut p = Parser { input: text.chars().collect(), at: 0 };
    p.parameter()
}

/// Whether `c` is whitespace as Python's `str.isspace` says (what `\s` and `rstrip()` use).
fn py_space(c: char) -> bool {
    matches!(c, '\u{1c}'..='\u{1f}') || c.is_whitespace()
}

/// Characters a bare value may start with: anything printable in the Basic Multilingual Plane
/// but whitespace, quotes, `,`, `=`, `[` and `{` (the parser's character class stops at U+FFFF).
fn start_word(c: char) -> bool {
    matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='Z' | '\\'..='z' | '|'..='\u{ffff}')
}

/// Characters that may follow in the first value of a key: `=`, `[` and `{` allowed, no `]`/`}`.
fn first_follow(c: char) -> bool {
    py_space(c) || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='\\' | '^'..='|' | '~'..='\u{ffff}')
}

/// Characters that may follow in a later value of a comma list: no `=` (a key follows instead).
fn second_follow(c: char) -> bool {
    py_space(c) || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='\u{ffff}')
}

struct Parser {
    input: Vec<char>,
    at: usize,
}

impl Parser {
    fn eof(&self) -> bool {
        self.at >= self.input.len()
    }

    fn current(&self) -> Option<char> {
        self.input.get(self.at).copied()
    }

    /// The parser's syntax error at `at`: the input up to the line holding `at`, a caret under
    /// it, and the rest of the input.
    fn error(&self, expected: &str, actual: &str, at: usize) -> ShorthandError {
        let value: String = self.input.iter().collect();
        ShorthandError(format!(
            "Expected: '{expected}', received: '{actual}' for input:\n{}",
            self.location(at, &value)
        ))
    }

    fn location(&self, at: usize, value: &str) -> String {
        let before = &self.input[..at.min(self.input.len())];
        let spaces = match before.iter().rposition(|&c| c == '\n') {
            Some(nl) => at - nl - 1,
            None => at,
        };
        let after = &self.input[at.min(self.input.len())..];
        let (consumed, remaining) = match after.iter().position(|&c| c == '\n') {
            Some(n) => {
                let cut = at + n;
                (self.input[..cut].iter().collect::<String>(), self.input[cut..].iter().collect::<String>())
            }
            None => (value.to_string(), String::new()),
        };
        format!("{consumed}\n{}^{remaining}", " ".repeat(spaces))
    }

    fn skip_space(&mut self) {
        while self.current().is_some_and(py_space) {
            self.at += 1;
        }
    }

    fn expect(&mut self, want: char, skip_space: bool) -> Result<(), ShorthandError> {
        if skip_space {
            self.skip_space();
        }
        match self.current() {
            None => return Err(self.error(&want.to_string(), "EOF", self.at)),
            Some(c) if c != want => return Err(self.error(&want.to_string(), &c.to_string(), self.at)),
            Some(_) => self.at += 1,
        }
        if skip_space {
            self.skip_space();
        }
        Ok(())
    }

    fn parameter(&mut self) -> Result<Map<String, Value>, ShorthandError> {
        let mut params = Map::new();
        let (key, value) = self.keyval()?;
        params.insert(key, value);
        let mut last = self.at;
        while !self.eof() {
            self.expect(',', true)?;
            let (key, value) = self.keyval()?;
            if params.contains_key(&key) {
                let text: String = self.input.iter().collect();
                return Err(ShorthandError(format!(
                    "Second instance of key \"{key}\" encountered for input:\n{}\nThis is often because there is a preceding \",\" instead of a space.",
                    self.location(last + 1, &text)
                )));
            }
            params.insert(key, value);
            last = self.at;
        }
        Ok(params)
    }

    fn keyval(&mut self) -> Result<(String, Value), ShorthandError> {
        let key = self.key();
        self.expect('=', true)?;
        Ok((key, self.values()?))
    }

    fn key(&mut self) -> String {
        let start = self.at;
        while self.current().is_some_and(|c| c.is_ascii_alphanumeric() || "-_.#/:".contains(c)) {
            self.at += 1;
        }
        self.input[start..self.at].iter().collect()
    }

    fn values(&mut self) -> Result<Value, ShorthandError> {
        match self.current() {
            None => Ok(Value::String(String::new())),
            Some('[') => self.explicit_list(),
            Some('{') => self.hash(),
            Some(_) => self.csv_value(),
        }
    }

    /// `a` is a string; `a,b,c` (words without `=`) a list. A word that turns out to be the
    /// next key sends the parser back to the comma before it.
    fn csv_value(&mut self) -> Result<Value, ShorthandError> {
        let first = self.first_value()?;
        self.skip_space();
        if self.current() != Some(',') {
            return Ok(Value::String(first));
        }
        self.expect(',', true)?;
        let mut list = vec![Value::String(first.clone())];
        loop {
            let step = (|| {
                let v = self.second_value()?;
                self.skip_space();
                if self.eof() {
                    return Ok((v, true));
                }
                self.expect(',', true)?;
                Ok((v, false))
            })();
            match step {
                Ok((v, done)) => {
                    list.push(Value::String(v));
                    if done {
                        break;
                    }
                }
                Err(e) => {
                    if self.eof() {
                        return Err(e);
                    }
                    while self.at > 0 && self.input[self.at] != ',' {
                        self.at -= 1;
                    }
                    break;
                }
            }
        }
        if list.len() == 1 {
            return Ok(Value::String(first));
        }
        Ok(Value::Array(list))
    }

    /// Consumes a bare word whose characters after the first satisfy `follow`; `None` when no
    /// word starts here.
    fn bare(&mut self, follow: fn(char) -> bool) -> Option<String> {
        let start = self.at;
        let mut i = self.at;
        let mut first = true;
        loop {
            match self.input.get(i) {
                Some('\\') if self.input.get(i + 1) == Some(&',') => i += 2,
                Some(&c) if (first && start_word(c)) || (!first && follow(c)) => i += 1,
                _ => break,
            }
            first = false;
        }
        if i == start {
            return None;
        }
        self.at = i;
        let word: String = self.input[start..i].iter().collect();
        Some(word.replace("\\,", ",").trim_end_matches(py_space).to_string())
    }

    fn first_value(&mut self) -> Result<String, ShorthandError> {
        match self.current() {
            Some('\'') => self.quoted('\'', "singled quoted"),
            Some('"') => self.quoted('"', "double quoted"),
            _ => Ok(self.bare(first_follow).unwrap_or_default()),
        }
    }

    fn second_value(&mut self) -> Result<String, ShorthandError> {
        match self.current() {
            Some('\'') => self.quoted('\'', "singled quoted"),
            Some('"') => self.quoted('"', "double quoted"),
            _ => self.bare(second_follow).ok_or_else(|| self.error("<second>", "<none>", self.at)),
        }
    }

    /// A quoted string, as the parser's regular expression `q(\\\\|\\q|[^q])*q` matches it
    /// (AWS CLI 2.17.0: an escaped backslash, an escaped quote, or any other character, then the
    /// closing quote), backtracking included: `end[p]` is where the match that the regular
    /// expression engine finds first from `p` closes, computed once per position.
    fn quoted(&mut self, q: char, name: &str) -> Result<String, ShorthandError> {
        let n = self.input.len();
        let mut end: Vec<Option<usize>> = vec![None; n + 1];
        for p in (self.at + 1..n).rev() {
            let c = self.input[p];
            let next = self.input.get(p + 1).copied();
            let mut found = None;
            if c == '\\' && (next == Some('\\') || next == Some(q)) {
                found = end.get(p + 2).copied().flatten();
            }
            if found.is_none() && c != q {
                found = end[p + 1];
            }
            if found.is_none() && c == q {
                found = Some(p);
            }
            end[p] = found;
        }
        let Some(close) = end.get(self.at + 1).copied().flatten() else {
            return Err(self.error(&format!("<{name}>"), "<none>", self.at));
        };
        let inner: String = self.input[self.at + 1..close].iter().collect();
        self.at = close + 1;
        Ok(inner.replace(&format!("\\{q}"), &q.to_string()).replace("\\\\", "\\"))
    }

    fn explicit_list(&mut self) -> Result<Value, ShorthandError> {
        self.expect('[', true)?;
        let mut values = Vec::new();
        while self.current() != Some(']') {
            values.push(self.explicit_value()?);
            self.skip_space();
            if self.current() != Some(']') {
                self.expect(',', false)?;
                self.skip_space();
            }
        }
        self.expect(']', false)?;
        Ok(Value::Array(values))
    }

    fn explicit_value(&mut self) -> Result<Value, ShorthandError> {
        match self.current() {
            Some('[') => self.explicit_list(),
            Some('{') => self.hash(),
            _ => Ok(Value::String(self.first_value()?)),
        }
    }

    fn hash(&mut self) -> Result<Value, ShorthandError> {
        self.expect('{', true)?;
        let mut map = Map::new();
        while self.current() != Some('}') {
            let key = self.key();
            self.expect('=', true)?;
            let v = self.explicit_value()?;
            self.skip_space();
            if self.current() != Some('}') {
                self.expect(',', false)?;
                self.skip_space();
            }
            map.insert(key, v);
        }
        self.expect('}', false)?;
        Ok(Value::Object(map))
    }
}

/// Adapts a parsed structure to its members' shapes, as the CLI's back-compatibility pass does:
/// a single value given to a list member becomes a list of one, `true`/`false` (any case) a
/// boolean, digits an integer. Members rootsim does not model are left as they are.
pub fn adapt(members: &[Param], map: &mut Map<String, Value>) {
    for m in members {
        let Some(v) = map.get_mut(m.name) else { continue };
        match (m.shape, &*v) {
            (Shape::StringList | Shape::Tags | Shape::StructureList(_), Value::String(_) | Value::Object(_)) => {
                *v = Value::Array(vec![v.take()]);
            }
            (Shape::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("true") => *v = Value::Bool(true),
            (Shape::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("false") => *v = Value::Bool(false),
            (Shape::Integer, Value::String(s)) => {
                if let Ok(n) = s.trim().parse::<i64>() {
                    *v = Value::from(n);
                }
            }
            _ => {}
        }
        match (m.shape, v) {
            (Shape::Structure(inner), Value::Object(o)) => adapt(inner, o),
            (Shape::StructureList(inner), Value::Array(items)) => {
                for item in items {
                    if let Value::Object(o) = item {
                        adapt(inner, o);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use proptest::prelude::*;
    use serde_json::json;

    /// Each expected value or message was printed by `ShorthandParser().parse` of the AWS CLI
    /// 2.17.0's `awscli/shorthand.py` (from the aws-cli repository's 2.17.0 tag, run in a
    /// throwaway venv beside awscli 1.46.3, whose parser differs only in quoted strings and in
    /// `Key@=` paramfiles, added to v2 later), its result dumped with `json.dumps`.
    #[test]
    fn values_parse_as_the_clis_shorthand_parser_reads_them() {
        let cases: &[(&str, serde_json::Value)] = &[
            ("Key=a,Value=b", json!({"Key": "a", "Value": "b"})),
            ("Key=\"a,b\",Value=c", json!({"Key": "a,b", "Value": "c"})),
            ("Key='x y'", json!({"Key": "x y"})),
            ("Key=a\\,b", json!({"Key": "a,b"})),
            ("Key='it\\'s'", json!({"Key": "it's"})),
            ("Key=\"say \\\"hi\\\"\"", json!({"Key": "say \"hi\""})),
            ("Key='a\\\\b'", json!({"Key": "a\\b"})),
            ("A=1,2,3", json!({"A": ["1", "2", "3"]})),
            ("A=1,2,B=3", json!({"A": ["1", "2"], "B": "3"})),
            ("A=[1,2],B={C=d,E=[f]}", json!({"A": ["1", "2"], "B": {"C": "d", "E": ["f"]}})),
            ("A=", json!({"A": ""})),
            ("A = b , C = d", json!({"A": "b", "C": "d"})),
            ("A=b c", json!({"A": "b c"})),
            ("A=b=c", json!({"A": "b=c"})),
            ("A=[]", json!({"A": []})),
            ("A={}", json!({"A": {}})),
            ("A=[{B=c},{B='d e'}]", json!({"A": [{"B": "c"}, {"B": "d e"}]})),
            ("A='a\\'b\\'", json!({"A": "a'b\\"})),
            // 2.17.0 reads an escaped backslash inside quotes as a pair, before an escaped quote.
            ("A='x\\\\',B='y'", json!({"A": "x\\", "B": "y"})),
            ("A='x\\\\\\'y'", json!({"A": "x\\'y"})),
            ("A=\"p\\\\\"", json!({"A": "p\\"})),
            ("A='\\\\\\\\'", json!({"A": "\\\\"})),
            // A last word without `=` is one more item of the list, not a key.
            ("Key=a,Value", json!({"Key": ["a", "Value"]})),
            ("A=b,\nC", json!({"A": ["b", "C"]})),
        ];
        for (input, expected) in cases {
            let got = parse(input).map(serde_json::Value::Object);
            assert_eq!(got.as_ref().ok(), Some(expected), "{input}: {got:?}");
        }
    }

    #[test]
    fn errors_are_the_clis() {
        for (input, expected) in [
            ("Key", "Expected: '=', received: 'EOF' for input:\nKey\n   ^"),
            ("Key=a,,", "Expected: '=', received: 'EOF' for input:\nKey=a,,\n       ^"),
            ("A=b,C='x", "Expected: '<singled quoted>', received: '<none>' for input:\nA=b,C='x\n      ^"),
            ("A=[{B=c]", "Expected: ',', received: ']' for input:\nA=[{B=c]\n       ^"),
            ("A={B=c}\nD", "Expected: ',', received: 'D' for input:\nA={B=c}\nD\n^"),
            ("A=[1,\n2,B", "Expected: ',', received: 'EOF' for input:\nA=[1,\n2,B\n   ^"),
            ("A='abc", "Expected: '<singled quoted>', received: '<none>' for input:\nA='abc\n  ^"),
            ("A=\"abc", "Expected: '<double quoted>', received: '<none>' for input:\nA=\"abc\n  ^"),
            ("A=[1,2", "Expected: ',', received: 'EOF' for input:\nA=[1,2\n      ^"),
            ("A={B=c", "Expected: ',', received: 'EOF' for input:\nA={B=c\n      ^"),
            ("A=b,A=c", "Second instance of key \"A\" encountered for input:\nA=b,A=c\n    ^\nThis is often because there is a preceding \",\" instead of a space."),
            ("A=1,", "Expected: '<second>', received: '<none>' for input:\nA=1,\n    ^"),
            ("=b", ""),
        ] {
            let got = parse(input);
            if expected.is_empty() {
                assert_eq!(got, Ok(serde_json::Map::from_iter([("".to_string(), json!("b"))])), "{input}");
            } else {
                assert_eq!(got.map_err(|e| e.0), Err(expected.to_string()), "{input}");
            }
        }
    }

    proptest! {
        /// No shorthand text panics the parser.
        #[test]
        fn no_text_panics(text in "[A-Za-z=,\\[\\]{}'\"\\\\ \\n.:#]{0,24}") {
            let _ = parse(&text);
        }
    }
}
