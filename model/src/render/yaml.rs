//! `--output yaml`: YAML as the AWS CLI v2 writes it (its YAML library's safe dumper in block
//! style): keys sorted, sequences in a mapping not indented, a string quoted only when it would
//! otherwise read back as something else (a number, a boolean, null, a date, an indicator) —
//! single quotes, or double quotes with escapes for line breaks, control characters and text that
//! holds a single quote — and a plain scalar alone followed by the document end `...`.
//!
//! Long scalars are folded as the library folds them at its width of 80 columns (`fold`): a
//! plain scalar moves a word that would end past column 80 to a continuation line (the space
//! before it stays at the end of the line), and breaks at a single space once column 80 is
//! reached; a single-quoted scalar breaks at a single space past column 80. Continuation lines
//! stand two columns in from the collection that holds the scalar.
//!
//! Not reproduced: the folding of double-quoted scalars (text with line breaks, control
//! characters, or a single quote where quotes are needed), written on one line.

use serde_json::{Map, Value};

/// The emitter's line width: where it folds long scalars.
const WIDTH: usize = 80;

/// `value` as `--output yaml` prints it (each line ends with a line break).
pub fn format(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => lines(&mapping(m, 0), &mut out),
        Value::Array(a) if !a.is_empty() => lines(&sequence(a, 0), &mut out),
        _ => {
            // A scalar alone: no collection holds it, so its continuation lines start at column 0.
            let (text, plain) = scalar_lines(value, 0, None, 0);
            lines(&text, &mut out);
            if plain && !matches!(value, Value::Array(_) | Value::Object(_)) {
                out.push_str("...\n");
            }
        }
    }
    out
}

/// A scalar written from column `col` as lines: the first, then its continuation lines, which
/// the emitter indents to the absolute column `indent` (`None` for a scalar alone), each given
/// `rel` spaces here (the callers prefix the rest); and whether it was written plain.
fn scalar_lines(value: &Value, col: usize, indent: Option<usize>, rel: usize) -> (Vec<String>, bool) {
    let (text, plain) = scalar(value);
    match value {
        Value::String(s) if plain => (fold(s, false, col, indent, rel), true),
        Value::String(s) if text.starts_with('\'') => (fold(s, true, col, indent, rel), false),
        _ => (vec![text], plain),
    }
}

/// Folds `s` (plain, or single-quoted when `quoted`; it then holds no quote and no line break)
/// as the library's emitter does, from column `col`.
fn fold(s: &str, quoted: bool, col: usize, indent: Option<usize>, rel: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut col = col;
    if quoted {
        out[0].push('\'');
        col += 1;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let space = chars[i] == ' ';
        let mut j = i;
        while j < chars.len() && (chars[j] == ' ') == space {
            j += 1;
        }
        let n = j - i;
        // A break replaces a single space; the continuation line starts at the indentation.
        let breaks = if space {
            n == 1 && if quoted { col > WIDTH && i != 0 && j != chars.len() } else { col >= WIDTH }
        } else {
            // A plain word that would end past the width moves down, unless the line holds
            // nothing else yet.
            !quoted && indent.is_some_and(|ind| n + col > WIDTH && col > ind)
        };
        if breaks {
            out.push(" ".repeat(rel));
            col = indent.unwrap_or(0);
        }
        if !(breaks && space) {
            out.last_mut().expect("a line").extend(&chars[i..j]);
            col += n;
        }
        i = j;
    }
    if quoted {
        out.last_mut().expect("a line").push('\'');
    }
    out
}

fn lines(ls: &[String], out: &mut String) {
    for l in ls {
        out.push_str(l);
        out.push('\n');
    }
}

/// A mapping whose lines start at the absolute column `base`, as lines relative to it.
fn mapping(map: &Map<String, Value>, base: usize) -> Vec<String> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    let mut out = Vec::new();
    for k in keys {
        let key = string(k).0;
        match &map[k] {
            Value::Object(m) if !m.is_empty() => {
                out.push(format!("{key}:"));
                out.extend(mapping(m, base + 2).into_iter().map(|l| format!("  {l}")));
            }
            Value::Array(a) if !a.is_empty() => {
                out.push(format!("{key}:"));
                out.extend(sequence(a, base));
            }
            v => {
                // The value starts after `key: `; its continuation lines two columns in.
                let col = base + key.chars().count() + 2;
                let (mut ls, _) = scalar_lines(v, col, Some(base + 2), 2);
                ls[0] = format!("{key}: {}", ls[0]);
                out.extend(ls);
            }
        }
    }
    out
}

/// A sequence whose dashes stand at the absolute column `base`, as lines relative to it.
fn sequence(items: &[Value], base: usize) -> Vec<String> {
    let mut out = Vec::new();
    for item in items {
        let inner = match item {
            Value::Object(m) if !m.is_empty() => mapping(m, base + 2),
            Value::Array(a) if !a.is_empty() => sequence(a, base + 2),
            v => scalar_lines(v, base + 2, Some(base + 2), 0).0,
        };
        for (n, l) in inner.into_iter().enumerate() {
            out.push(if n == 0 { format!("- {l}") } else { format!("  {l}") });
        }
    }
    out
}

/// A scalar (or an empty list or object) and whether it was written plain.
fn scalar(value: &Value) -> (String, bool) {
    match value {
        Value::Null => ("null".into(), true),
        Value::Bool(b) => (b.to_string(), true),
        Value::Number(n) => (n.to_string(), true),
        Value::String(s) => string(s),
        Value::Array(_) => ("[]".into(), false),
        Value::Object(_) => ("{}".into(), false),
    }
}

fn string(s: &str) -> (String, bool) {
    let special = s.chars().any(|c| !printable(c));
    let breaks = s.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']);
    if special || breaks {
        return (double_quoted(s), false);
    }
    if plain_allowed(s) && !resolves_to_other_type(s) {
        return (s.to_string(), true);
    }
    if s.contains('\'') {
        return (double_quoted(s), false);
    }
    (format!("'{s}'"), false)
}

fn printable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
        && c != '\u{FEFF}'
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{B}' => out.push_str("\\v"),
            '\u{C}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1B}' => out.push_str("\\e"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if !printable(c) => {
                let n = c as u32;
                if n <= 0xFF {
                    out.push_str(&format!("\\x{n:02X}"));
                } else if n <= 0xFFFF {
                    out.push_str(&format!("\\u{n:04X}"));
                } else {
                    out.push_str(&format!("\\U{n:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether the emitter may write `s` plain in block context (its indicator and whitespace rules).
fn plain_allowed(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let Some(&first) = chars.first() else { return false };
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if first == ' ' || chars.last() == Some(&' ') {
        return false;
    }
    let followed_by_space = |i: usize| chars.get(i + 1).is_none_or(|c| *c == ' ');
    if "#,[]{}&*!|>'\"%@`".contains(first) {
        return false;
    }
    if matches!(first, '?' | ':' | '-') && followed_by_space(0) {
        return false;
    }
    for (i, &c) in chars.iter().enumerate().skip(1) {
        if c == ':' && followed_by_space(i) {
            return false;
        }
        if c == '#' && chars[i - 1] == ' ' {
            return false;
        }
    }
    true
}

/// Whether `s` written plain would read back as another type under YAML 1.2's resolver as the
/// CLI's library has it (booleans, null, integers, floats, timestamps, `<<`, `=`).
fn resolves_to_other_type(s: &str) -> bool {
    matches!(s, "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "null" | "Null" | "NULL" | "~" | "<<" | "=")
        || is_int(s)
        || is_float(s)
        || is_timestamp(s)
}

fn unsigned(s: &str) -> &str {
    s.strip_prefix(['-', '+']).unwrap_or(s)
}

fn all_of(s: &str, ok: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(ok)
}

fn is_int(s: &str) -> bool {
    let u = unsigned(s);
    if let Some(b) = u.strip_prefix("0b") {
        return all_of(b, |c| matches!(c, '0' | '1' | '_'));
    }
    if let Some(x) = u.strip_prefix("0x") {
        return all_of(x, |c| c.is_ascii_hexdigit() || c == '_');
    }
    if let Some(o) = u.strip_prefix("0o") {
        return all_of(o, |c| matches!(c, '0'..='7' | '_'));
    }
    u.starts_with(|c: char| c.is_ascii_digit()) && all_of(u, |c| c.is_ascii_digit() || c == '_')
}

fn digits_then(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '_')).unwrap_or(s.len());
    (&s[..end], &s[end..])
}

fn exponent(s: &str, sign_required: bool) -> bool {
    let Some(e) = s.strip_prefix(['e', 'E']) else { return false };
    let e = match e.strip_prefix(['-', '+']) {
        Some(rest) => rest,
        None if sign_required => return false,
        None => e,
    };
    all_of(e, |c| c.is_ascii_digit())
}

fn is_float(s: &str) -> bool {
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let u = unsigned(s);
    if matches!(u, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    // .5, -.5, .5e+3
    if let Some(rest) = u.strip_prefix('.') {
        let (d, tail) = digits_then(rest);
        return !d.is_empty() && (tail.is_empty() || exponent(tail, true));
    }
    let (int, tail) = digits_then(u);
    if !int.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if let Some(frac) = tail.strip_prefix('.') {
        let (_, tail) = digits_then(frac);
        return tail.is_empty() || exponent(tail, false);
    }
    exponent(tail, false)
}

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if !(digit(0) && digit(1) && digit(2) && digit(3) && b.get(4) == Some(&b'-')) {
        return false;
    }
    // YYYY-M(M)-D(D), then optionally a time.
    let mut i = 5;
    let two = |i: &mut usize| -> bool {
        if !digit(*i) {
            return false;
        }
        *i += 1;
        if digit(*i) {
            *i += 1;
        }
        true
    };
    if !two(&mut i) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let day_start = i;
    if !two(&mut i) {
        return false;
    }
    if i == b.len() {
        // The date alone must be YYYY-MM-DD.
        return s.len() == 10 && i - day_start == 2;
    }
    match b.get(i) {
        Some(b'T' | b't') => i += 1,
        Some(b' ' | b'\t') => {
            while matches!(b.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
        }
        _ => return false,
    }
    if !two(&mut i) || b.get(i) != Some(&b':') || !(digit(i + 1) && digit(i + 2)) {
        return false;
    }
    i += 3;
    if b.get(i) != Some(&b':') || !(digit(i + 1) && digit(i + 2)) {
        return false;
    }
    i += 3;
    if b.get(i) == Some(&b'.') {
        i += 1;
        while digit(i) {
            i += 1;
        }
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    match b.get(i) {
        None => true,
        Some(b'Z') => i + 1 == b.len(),
        Some(b'-' | b'+') => {
            i += 1;
            if !two(&mut i) {
                return false;
            }
            if b.get(i) == Some(&b':') {
                if !(digit(i + 1) && digit(i + 2)) {
                    return false;
                }
                i += 3;
            }
            i == b.len()
        }
        _ => false,
    }
}

/// `yaml-cases.json` holds `[input, output]` pairs written by the YAML library the AWS CLI v2 uses
/// (ruamel.yaml's safe dumper in block style, `default_flow_style = False`) on these inputs.
#[cfg(test)]
mod tests {
    use super::format;
    use serde_json::Value;

    #[test]
    fn yaml_matches_the_cli_library() {
        let cases: Vec<(Value, String)> = serde_json::from_str(include_str!("yaml-cases.json")).unwrap();
        for (input, expected) in cases {
            assert_eq!(format(&input), expected, "input {input}");
        }
    }

    /// `yaml-fold-cases.json`, written by `yaml-fold-cases.py` with ruamel.yaml 0.19.1 (the
    /// version the AWS CLI v2 pins), holds strings longer than the 80 columns the library folds at.
    #[test]
    fn long_scalars_fold_as_the_cli_library_folds_them() {
        let cases: Vec<(Value, String)> = serde_json::from_str(include_str!("yaml-fold-cases.json")).unwrap();
        assert!(cases.len() >= 10);
        for (input, expected) in cases {
            assert_eq!(format(&input), expected, "input {input}");
        }
    }
}
