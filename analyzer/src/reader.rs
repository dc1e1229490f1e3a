//! A JSON reader for validation only: every value and object key keeps its span (start and end
//! offsets), from which Access Analyzer's positions are computed.
//!
//! The engine's own reader (`rootsim-policy`'s `json.rs`) keeps only where each value starts, and
//! it runs on every decision; spans and offsets are needed only here, so they are read here and
//! cost the engine nothing. Duplicate keys are kept (Access Analyzer reports on them rather than
//! refusing the document), and nesting is limited so that hostile input cannot exhaust the stack.

/// Deepest nesting accepted (policies nest about six levels).
const MAX_DEPTH: usize = 64;

/// A value with the byte offsets of its first character and just past its last.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte offset of the value's first character.
    pub start: usize,
    /// Byte offset just past the value's last character.
    pub end: usize,
    /// The value.
    pub value: Value,
}

/// An object member: its key, the key's byte span, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Byte offset of the key's opening quote.
    pub key_start: usize,
    /// Byte offset just past the key's closing quote.
    pub key_end: usize,
    /// The value.
    pub value: Node,
}

/// The kinds of JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, members in document order (duplicates kept).
    Object(Vec<Member>),
}

impl Node {
    /// The object's member `key` (exactly as written), the first if repeated.
    pub fn get(&self, key: &str) -> Option<&Member> {
        match &self.value {
            Value::Object(members) => members.iter().find(|m| m.key == key),
            _ => None,
        }
    }

    /// The string, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Where reading failed: the byte offset of the offending character (or the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset.
    pub at: usize,
}

/// Reads one JSON value surrounded only by whitespace.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut r = Reader { bytes: text.as_bytes(), text, at: 0 };
    r.ws();
    let node = r.value(0)?;
    r.ws();
    if r.at < r.bytes.len() {
        return Err(SyntaxError { at: r.at });
    }
    Ok(node)
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn fail<T>(&self) -> Result<T, SyntaxError> {
        Err(SyntaxError { at: self.at })
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth > MAX_DEPTH {
            return self.fail();
        }
        let start = self.at;
        let value = match self.bytes.get(self.at) {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.word("true", Value::Bool(true))?,
            Some(b'f') => self.word("false", Value::Bool(false))?,
            Some(b'n') => self.word("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return self.fail(),
        };
        Ok(Node { start, end: self.at, value })
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            self.fail()
        }
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.at;
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let digits = |r: &mut Self| {
            let s = r.at;
            while r.bytes.get(r.at).is_some_and(u8::is_ascii_digit) {
                r.at += 1;
            }
            r.at > s
        };
        if !digits(self) {
            return self.fail();
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !digits(self) {
                return self.fail();
            }
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return self.fail();
            }
        }
        Ok(Value::Number(self.text[start..self.at].to_string()))
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        loop {
            let rest = &self.text[self.at..];
            let Some(c) = rest.chars().next() else {
                return self.fail();
            };
            match c {
                '"' => {
                    self.at += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.at += 1;
                    let esc = self.bytes.get(self.at).copied();
                    self.at += 1;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let unit = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&unit) && self.bytes[self.at..].starts_with(b"\\u") {
                                self.at += 2;
                                let low = self.hex4()?;
                                char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF))
                            } else {
                                char::from_u32(unit)
                            };
                            out.push(c.unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.at -= 1;
                            return self.fail();
                        }
                    }
                }
                c if (c as u32) < 0x20 => return self.fail(),
                c => {
                    out.push(c);
                    self.at += c.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self.text.get(self.at..self.at + 4).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        match digits.and_then(|h| u32::from_str_radix(h, 16).ok()) {
            Some(v) => {
                self.at += 4;
                Ok(v)
            }
            None => self.fail(),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.at += 1;
        let mut items = Vec::new();
        self.ws();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                _ => return self.fail(),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.at += 1;
        let mut members = Vec::new();
        self.ws();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.ws();
            if self.bytes.get(self.at) != Some(&b'"') {
                return self.fail();
            }
            let key_start = self.at;
            let key = self.string()?;
            let key_end = self.at;
            self.ws();
            if self.bytes.get(self.at) != Some(&b':') {
                return self.fail();
            }
            self.at += 1;
            self.ws();
            let value = self.value(depth + 1)?;
            members.push(Member { key, key_start, key_end, value });
            self.ws();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(members));
                }
                _ => return self.fail(),
            }
        }
    }
}

/// Turns byte offsets into Access Analyzer's positions: 1-based line, 0-based column and 0-based
/// offset, both counted in characters.
pub struct Positions<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
}

impl<'a> Positions<'a> {
    /// Indexes the lines of `text`.
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        Positions { text, line_starts }
    }

    /// `(line, column, offset)` of the byte offset `at` (clamped to the text).
    pub fn at(&self, at: usize) -> (usize, usize, usize) {
        let at = floor_char_boundary(self.text, at.min(self.text.len()));
        let line = self.line_starts.partition_point(|&s| s <= at);
        let line_start = self.line_starts[line - 1];
        let column = self.text[line_start..at].chars().count();
        let offset = if self.text.is_ascii() { at } else { self.text[..at].chars().count() };
        (line, column, offset)
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_values_and_keys() {
        let text = "{\"a\": [\"x\", 1]}";
        let n = parse(text).unwrap();
        let m = n.get("a").unwrap();
        assert_eq!(&text[m.key_start..m.key_end], "\"a\"");
        assert_eq!(&text[m.value.start..m.value.end], "[\"x\", 1]");
        let Value::Array(items) = &m.value.value else { panic!() };
        assert_eq!(&text[items[0].start..items[0].end], "\"x\"");
    }

    #[test]
    fn positions_are_one_based_lines_and_zero_based_columns() {
        let p = Positions::new("ab\ncd");
        assert_eq!(p.at(0), (1, 0, 0));
        assert_eq!(p.at(4), (2, 1, 4));
    }

    #[test]
    fn syntax_errors_say_where() {
        assert_eq!(parse("{\"a\" 1}"), Err(SyntaxError { at: 5 }));
        assert!(parse("[[[[").is_err());
        assert!(parse(&"[".repeat(100_000)).is_err());
        assert!(parse("\"\\u12\"").is_err());
    }
}
