//! Python's `str()` and `repr()` of the values the AWS CLI prints.
//!
//! The CLI is a Python program: its text and table formatters print scalars with `str()` and
//! lists and objects with `repr()`, and its usage and validation errors quote values with
//! `repr()`. This module is the one place rootsim writes them, so that every output escapes the
//! same characters as Python does (the set comes from Python itself, `python_printable.rs`).

use serde_json::Value;

#[path = "python_printable.rs"]
#[rustfmt::skip]
mod printable;

/// Whether Python's `str.isprintable()` is true of `c`: `repr()` writes it as it is.
fn is_printable(c: char) -> bool {
    let cp = c as u32;
    // The ranges are sorted and disjoint: find the last one starting at or before `cp`.
    let i = printable::NON_PRINTABLE.partition_point(|&(start, _)| start <= cp);
    i == 0 || printable::NON_PRINTABLE[i - 1].1 < cp
}

/// `repr(s)` of a Python string: quoted with `'` unless it holds `'` and no `"`, the quote,
/// backslash, `\n`, `\r` and `\t` escaped, other non-printable characters as `\xhh`, `\uhhhh`
/// or `\Uhhhhhhhh`.
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// `repr()` of what `json.loads` makes of `value`: `None`, `True`, numbers as JSON writes them,
/// strings quoted, lists and dicts with `, ` and `: `.
pub fn repr(value: &Value) -> String {
    match value {
        Value::String(s) => repr_str(s),
        _ => str_of(value),
    }
}

/// `str()` of what `json.loads` makes of `value`: a string as it is, anything else as `repr()`.
pub fn str_of(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!("[{}]", items.iter().map(repr).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter().map(|(k, v)| format!("{}: {}", repr_str(k), repr(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Expected strings from Python 3.11.7's `repr()` (the cases and their answers were printed
    /// by `python3 -c 'print(json.dumps(repr(case)))'`).
    #[test]
    fn repr_escapes_what_python_escapes() {
        let cases = [
            ("iamx", "'iamx'"),
            ("it's", "\"it's\""),
            ("a'b\"c", "'a\\'b\"c'"),
            ("a\\b\n", "'a\\\\b\\n'"),
            ("\u{85}nbsp\u{a0}soft\u{ad}", "'\\x85nbsp\\xa0soft\\xad'"),
            ("zw\u{200b}sp\u{2028}x\u{feff}", "'zw\\u200bsp\\u2028x\\ufeff'"),
            ("emoji\u{1f600} ok", "'emoji\u{1f600} ok'"),
            ("\u{e0001}tag", "'\\U000e0001tag'"),
            ("\u{7f}\u{0}\t\r", "'\\x7f\\x00\\t\\r'"),
            ("\u{fc}n\u{ef}c\u{f6}d\u{e9}", "'\u{fc}n\u{ef}c\u{f6}d\u{e9}'"),
        ];
        for (input, python) in cases {
            assert_eq!(repr_str(input), python, "repr({input:?})");
        }
        assert_eq!(
            str_of(&json!(["a", 1, false, "it's", null, {"k": "\u{a0}"}])),
            "['a', 1, False, \"it's\", None, {'k': '\\xa0'}]"
        );
    }

    #[test]
    fn str_of_scalars_and_containers() {
        assert_eq!(str_of(&json!(true)), "True");
        assert_eq!(str_of(&json!(null)), "None");
        assert_eq!(str_of(&json!(1.5)), "1.5");
        assert_eq!(str_of(&json!("a")), "a");
        assert_eq!(str_of(&json!({"k": ["v"]})), "{'k': ['v']}");
    }

    #[test]
    fn the_table_is_sorted_and_disjoint() {
        for w in printable::NON_PRINTABLE.windows(2) {
            assert!(w[0].0 <= w[0].1 && w[0].1 < w[1].0, "{w:?}");
        }
        assert!(is_printable(' ') && is_printable('a') && !is_printable('\u{a0}') && !is_printable('\u{10ffff}'));
    }
}
