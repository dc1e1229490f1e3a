//! A small JSON reader that remembers where every value and object key sits.
//!
//! `serde_json` throws positions away once a value is parsed, but IAM-style
//! error messages in the simulator point at the offending element ("line 4,
//! column 7"), so the policy parser reads documents through this module
//! instead. It owns:
//!
//! * the [`Json`] tree with 1-based line/column on every value and key,
//! * syntax errors with the position where reading failed,
//! * rejection of duplicate keys inside one object (the policy grammar lets
//!   each element appear once; a JSON reader that kept the last one would
//!   silently drop a statement's `Resource` or a condition block),
//! * a nesting limit, so that hostile input cannot exhaust the stack.
//!
//! Columns count characters (not bytes), so a position is what an editor shows.
//! Numbers keep their source text: policy values such as `"NumericLessThan":
//! {"k": 10}` are compared as text or parsed later by the operator.

use std::collections::HashSet;

/// Deepest nesting accepted. Policies nest at most 5 levels (document,
/// Statement list, statement, Condition, operator, key list), so 64 is
/// generous while still keeping recursion shallow.
const MAX_DEPTH: usize = 64;

/// Members of one object up to which duplicate keys are found by scanning the members read so
/// far; beyond it, by a hash set of the keys.
const SCAN_MEMBERS: usize = 16;

/// A 1-based source position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// A JSON value together with the position of its first character.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    /// Where the value starts.
    pub pos: Pos,
    /// The value itself.
    pub value: JsonValue,
}

/// An object member: key (with its own position) and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key text (unescaped).
    pub key: String,
    /// Position of the key's opening quote.
    pub key_pos: Pos,
    /// The member's value.
    pub value: Json,
}

/// The kinds of JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, kept as its source text (e.g. `"10"`, `"-1.5e3"`).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in source order (keys are unique).
    Object(Vec<Member>),
}

impl JsonValue {
    /// A short English name of the value's type, for error details.
    pub fn type_name(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "a list",
            JsonValue::Object(_) => "an object",
        }
    }
}

/// A syntax error: what went wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Plain-words description.
    pub detail: String,
    /// Where reading stopped.
    pub pos: Pos,
}

/// Parses a complete JSON text (one value, surrounded only by whitespace).
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut r = Reader { chars: text.char_indices().peekable(), text, line: 1, column: 1 };
    r.skip_ws();
    let value = r.value(0)?;
    r.skip_ws();
    if let Some(c) = r.peek() {
        return Err(r.error(format!("unexpected {} after the end of the document", describe(c))));
    }
    Ok(value)
}

fn describe(c: char) -> String {
    if c.is_control() {
        format!("control character U+{:04X}", c as u32)
    } else {
        format!("character '{c}'")
    }
}

struct Reader<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    text: &'a str,
    line: usize,
    column: usize,
}

impl Reader<'_> {
    fn pos(&self) -> Pos {
        Pos { line: self.line, column: self.column }
    }

    fn error(&self, detail: String) -> JsonError {
        JsonError { detail, pos: self.pos() }
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                self.bump();
            } else {
                break;
            }
        }
    }

    fn expect(&mut self, want: char, what: &str) -> Result<(), JsonError> {
        match self.peek() {
            Some(c) if c == want => {
                self.bump();
                Ok(())
            }
            Some(c) => Err(self.error(format!("expected {what} but found {}", describe(c)))),
            None => Err(self.error(format!("expected {what} but the document ended"))),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("the document is nested too deeply".into()));
        }
        let pos = self.pos();
        let value = match self.peek() {
            None => return Err(self.error("expected a value but the document ended".into())),
            Some('{') => self.object(depth)?,
            Some('[') => self.array(depth)?,
            Some('"') => JsonValue::String(self.string()?),
            Some('t') => self.keyword("true", JsonValue::Bool(true))?,
            Some('f') => self.keyword("false", JsonValue::Bool(false))?,
            Some('n') => self.keyword("null", JsonValue::Null)?,
            Some(c) if c == '-' || c.is_ascii_digit() => JsonValue::Number(self.number()?),
            Some(c) => return Err(self.error(format!("expected a value but found {}", describe(c)))),
        };
        Ok(Json { pos, value })
    }

    fn keyword(&mut self, word: &str, value: JsonValue) -> Result<JsonValue, JsonError> {
        for want in word.chars() {
            match self.peek() {
                Some(c) if c == want => {
                    self.bump();
                }
                _ => return Err(self.error(format!("invalid literal; expected '{word}'"))),
            }
        }
        Ok(value)
    }

    fn number(&mut self) -> Result<String, JsonError> {
        let start = self.chars.peek().map(|&(i, _)| i).unwrap_or(self.text.len());
        if self.peek() == Some('-') {
            self.bump();
        }
        match self.peek() {
            Some('0') => {
                self.bump();
            }
            Some(c) if c.is_ascii_digit() => self.digits(),
            _ => return Err(self.error("invalid number: expected a digit".into())),
        }
        if self.peek() == Some('.') {
            self.bump();
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.error("invalid number: expected a digit after '.'".into()));
            }
            self.digits();
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.error("invalid number: expected a digit in the exponent".into()));
            }
            self.digits();
        }
        let end = self.chars.peek().map(|&(i, _)| i).unwrap_or(self.text.len());
        Ok(self.text[start..end].to_string())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.expect('"', "'\"'")?;
        // Most strings hold no escape and no control character: such a string is copied as one
        // slice and stepped over, instead of being built a character at a time (the reader's
        // largest cost when a synthetic estate compiles a million documents). The bytes searched
        // for are ASCII, so the slice ends on a character boundary; a string with an escape, a
        // control character or no end is read by the loop below, from the same place, as before.
        let start = self.chars.peek().map_or(self.text.len(), |&(i, _)| i);
        let rest = &self.text.as_bytes()[start..];
        if let Some(len) = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20) {
            if rest[len] == b'"' {
                let text = &self.text[start..start + len];
                // The text and the closing quote; no newline among them, so only the column moves.
                let chars = text.chars().count() + 1;
                for _ in 0..chars {
                    self.chars.next();
                }
                self.column += chars;
                return Ok(text.to_string());
            }
        }
        let mut out = String::new();
        loop {
            let pos = self.pos();
            let Some(c) = self.bump() else {
                return Err(self.error("unterminated string".into()));
            };
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(e) = self.bump() else {
                        return Err(self.error("unterminated string".into()));
                    };
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => out.push(self.unicode_escape(pos)?),
                        other => return Err(JsonError { detail: format!("invalid escape sequence '\\{other}'"), pos }),
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(JsonError { detail: format!("{} inside a string", describe(c)), pos })
                }
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self, pos: Pos) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self
                .bump()
                .and_then(|c| c.to_digit(16))
                .ok_or(JsonError { detail: "invalid \\u escape: expected four hex digits".into(), pos })?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// Reads the hex part of `\uXXXX`, combining UTF-16 surrogate pairs.
    fn unicode_escape(&mut self, pos: Pos) -> Result<char, JsonError> {
        let hi = self.hex4(pos)?;
        let bad = |detail: &str| JsonError { detail: detail.into(), pos };
        if (0xD800..0xDC00).contains(&hi) {
            if self.bump() != Some('\\') || self.bump() != Some('u') {
                return Err(bad("invalid \\u escape: lone high surrogate"));
            }
            let lo = self.hex4(pos)?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(bad("invalid \\u escape: bad low surrogate"));
            }
            let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            char::from_u32(code).ok_or_else(|| bad("invalid \\u escape"))
        } else if (0xDC00..0xE000).contains(&hi) {
            Err(bad("invalid \\u escape: lone low surrogate"))
        } else {
            char::from_u32(hi).ok_or_else(|| bad("invalid \\u escape"))
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.expect('[', "'['")?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.bump();
            return Ok(JsonValue::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(']') => {
                    self.bump();
                    return Ok(JsonValue::Array(items));
                }
                Some(c) => return Err(self.error(format!("expected ',' or ']' but found {}", describe(c)))),
                None => return Err(self.error("unterminated list: expected ']'".into())),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.expect('{', "'{'")?;
        let mut members: Vec<Member> = Vec::new();
        // Keys seen, once the object is too large for a scan of its members to be cheap: small
        // objects (every policy's) stay allocation-free, and a hostile object of 100,000 keys is
        // checked in linear time instead of quadratic.
        let mut seen: Option<HashSet<String>> = None;
        self.skip_ws();
        if self.peek() == Some('}') {
            self.bump();
            return Ok(JsonValue::Object(members));
        }
        loop {
            self.skip_ws();
            let key_pos = self.pos();
            if self.peek() != Some('"') {
                return match self.peek() {
                    Some(c) => Err(self.error(format!("expected a quoted key but found {}", describe(c)))),
                    None => Err(self.error("unterminated object: expected '}'".into())),
                };
            }
            let key = self.string()?;
            let duplicate = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None if members.len() < SCAN_MEMBERS => members.iter().any(|m| m.key == key),
                None => {
                    let mut set: HashSet<String> = members.iter().map(|m| m.key.clone()).collect();
                    let duplicate = !set.insert(key.clone());
                    seen = Some(set);
                    duplicate
                }
            };
            if duplicate {
                return Err(JsonError { detail: format!("duplicate key \"{key}\""), pos: key_pos });
            }
            self.skip_ws();
            self.expect(':', "':'")?;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push(Member { key, key_pos, value });
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {
                    self.bump();
                    return Ok(JsonValue::Object(members));
                }
                Some(c) => return Err(self.error(format!("expected ',' or '}}' but found {}", describe(c)))),
                None => return Err(self.error("unterminated object: expected '}'".into())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }

    #[test]
    fn positions_of_values_and_keys() {
        let j = parse("{\n  \"a\": [1, \"x\"],\n  \"b\" : true\n}").unwrap();
        assert_eq!(j.pos, at(1, 1));
        let JsonValue::Object(m) = &j.value else { panic!() };
        assert_eq!(m[0].key, "a");
        assert_eq!(m[0].key_pos, at(2, 3));
        assert_eq!(m[0].value.pos, at(2, 8));
        let JsonValue::Array(items) = &m[0].value.value else { panic!() };
        assert_eq!(items[1].pos, at(2, 12));
        assert_eq!(m[1].key_pos, at(3, 3));
        assert_eq!(m[1].value.pos, at(3, 9));
    }

    #[test]
    fn columns_count_characters() {
        let j = parse("{\"é\": \"ü\", \"k\": 1}").unwrap();
        let JsonValue::Object(m) = &j.value else { panic!() };
        assert_eq!(m[1].key_pos, at(1, 12));
    }

    #[test]
    fn strings_with_and_without_escapes_read_the_same_and_keep_positions() {
        // Plain strings take the reader's slice path, escaped ones the character loop: values and
        // the positions after them must not depend on which.
        let j = parse("{\"é\\\"x\": \"a\\u00e9b\", \"ü\": \"plain é\", \"k\": 1}").unwrap();
        let JsonValue::Object(m) = &j.value else { panic!() };
        assert_eq!(m[0].key, "é\"x");
        assert_eq!(m[0].value.value, JsonValue::String("aéb".into()));
        assert_eq!(m[1].key_pos, at(1, 22));
        assert_eq!(m[1].value.value, JsonValue::String("plain é".into()));
        assert_eq!(m[2].key_pos, at(1, 38));
        let e = parse("{\"ab\u{1}c\": 1}").unwrap_err();
        assert_eq!((e.pos, e.detail.as_str()), (at(1, 5), "control character U+0001 inside a string"));
        assert_eq!(parse("[\"é abc").unwrap_err().detail, "unterminated string");
    }

    #[test]
    fn duplicate_keys_are_rejected_with_position() {
        let e = parse("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert_eq!(e.pos, at(2, 2));
        assert!(e.detail.contains("duplicate"));
    }

    /// An object of 100,000 distinct keys (about 1.3 MB) is read in linear time: the duplicate
    /// check used to scan every earlier member (33 s); and a duplicate far into a large object is
    /// still reported at its key.
    #[test]
    fn large_objects_are_checked_for_duplicates_in_linear_time() {
        let n = 100_000;
        let mut text = String::from("{");
        for i in 0..n {
            text.push_str(&format!("\"key{i}\":{i},"));
        }
        text.push_str("\"last\":0}");
        let started = std::time::Instant::now();
        let JsonValue::Object(members) = parse(&text).unwrap().value else { panic!() };
        assert_eq!(members.len(), n + 1);
        // Release builds read it in tens of milliseconds; unoptimised test builds sharing a
        // loaded machine take longer, and the quadratic check took over a minute there.
        let elapsed = started.elapsed();
        assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");

        let dup = text.replacen("\"last\":0}", "\n \"key77777\":0}", 1);
        let e = parse(&dup).unwrap_err();
        assert_eq!(e.pos, at(2, 2));
        assert_eq!(e.detail, "duplicate key \"key77777\"");
        // Around the change from scanning to hashing: every count of members finds the duplicate.
        for len in 1..(2 * SCAN_MEMBERS + 2) {
            let keys: Vec<String> = (0..len).map(|i| format!("\"k{i}\":1")).collect();
            for d in 0..len {
                let text = format!("{{{},\"k{d}\":2}}", keys.join(","));
                assert!(parse(&text).unwrap_err().detail.contains("duplicate"), "{len} {d}");
            }
            assert!(parse(&format!("{{{}}}", keys.join(","))).is_ok());
        }
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("{\"a\": 1,}").unwrap_err();
        assert_eq!(e.pos, at(1, 9));
        let e = parse("{\"a\" 1}").unwrap_err();
        assert_eq!(e.pos, at(1, 6));
        let e = parse("[1 2]").unwrap_err();
        assert_eq!(e.pos, at(1, 4));
        assert!(parse("").is_err());
        assert!(parse("{} x").is_err());
        assert!(parse("01").is_err());
        assert!(parse("\"\\x\"").is_err());
        assert!(parse("\"a\nb\"").is_err());
    }

    #[test]
    fn escapes_and_numbers() {
        let j = parse(r#"["\u00e9\ud83d\ude00\n", -1.5e3, 0]"#).unwrap();
        let JsonValue::Array(items) = j.value else { panic!() };
        assert_eq!(items[0].value, JsonValue::String("é😀\n".into()));
        assert_eq!(items[1].value, JsonValue::Number("-1.5e3".into()));
        assert_eq!(items[2].value, JsonValue::Number("0".into()));
        assert!(parse(r#""\ud83d""#).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
        let ok = format!("{}{}", "[".repeat(30), "]".repeat(30));
        assert!(parse(&ok).is_ok());
    }

    /// Mangles a valid document in many ways (truncation, byte swaps,
    /// insertions of structural characters) and checks the reader never
    /// panics and agrees with serde_json on validity (except duplicate keys,
    /// which serde_json accepts).
    #[test]
    fn mangled_inputs_never_panic() {
        let base = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A1","Effect":"Allow","Action":["s3:Get*","iam:*"],"Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600},"Bool":{"aws:SecureTransport":true}}}]}"#;
        let inserts = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "1", "-", "e", "null", " ", "\n", "é", "\u{0}"];
        let chars: Vec<char> = base.chars().collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for cut in 0..chars.len() {
            let s: String = chars[..cut].iter().collect();
            assert!(parse(&s).is_err());
        }
        for _ in 0..5000 {
            let mut c = chars.clone();
            let n = 1 + (next() % 3) as usize;
            for _ in 0..n {
                let i = (next() as usize) % c.len();
                match next() % 3 {
                    0 => {
                        c.remove(i);
                    }
                    1 => {
                        let ins = inserts[(next() as usize) % inserts.len()];
                        for (k, ch) in ins.chars().enumerate() {
                            c.insert(i + k, ch);
                        }
                    }
                    _ => {
                        let j = (next() as usize) % c.len();
                        c.swap(i, j);
                    }
                }
            }
            let s: String = c.iter().collect();
            let ours = parse(&s);
            let theirs = serde_json::from_str::<serde_json::Value>(&s);
            match ours {
                // serde_json also refuses numbers beyond f64; we keep their text.
                Ok(_) => {
                    let out_of_range = theirs.as_ref().is_err_and(|e| e.to_string().contains("out of range"));
                    assert!(theirs.is_ok() || out_of_range, "we accepted what serde_json rejects: {s}");
                }
                Err(e) => assert!(
                    theirs.is_err() || e.detail.contains("duplicate"),
                    "we rejected what serde_json accepts: {s}"
                ),
            }
        }
    }
}
