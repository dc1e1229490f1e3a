//! Splitting a command line into words, the way a shell would for the AWS CLI.
//!
//! Single quotes keep text as it is, double quotes allow `\"` and `\\`, a backslash outside
//! quotes escapes the next character. Beyond a shell: a word that starts with `{` or `[` runs to
//! its balancing bracket, so a JSON document can be typed without quotes and over several lines.

/// A word and the 1-based column where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The text after quote removal.
    pub text: String,
    /// 1-based column (in characters) of its first character.
    pub column: usize,
    /// Whether any part of it was quoted (a quoted `--x` is a value, not an option).
    pub quoted: bool,
}

/// A line that cannot be split, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// What is wrong.
    pub message: String,
    /// 1-based column.
    pub column: usize,
}

/// Splits `line` into words.
pub fn split(line: &str) -> Result<Vec<Word>, LexError> {
    let chars: Vec<char> = line.chars().collect();
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut text = String::new();
        let mut quoted = false;
        while i < chars.len() && !chars[i].is_whitespace() {
            match chars[i] {
                '\'' => {
                    quoted = true;
                    let open = i;
                    i += 1;
                    while i < chars.len() && chars[i] != '\'' {
                        text.push(chars[i]);
                        i += 1;
                    }
                    if i == chars.len() {
                        return Err(LexError { message: "unclosed single quote".into(), column: open + 1 });
                    }
                    i += 1;
                }
                '"' => {
                    quoted = true;
                    let open = i;
                    i += 1;
                    while i < chars.len() && chars[i] != '"' {
                        if chars[i] == '\\' && i + 1 < chars.len() && matches!(chars[i + 1], '"' | '\\' | '$' | '`') {
                            i += 1;
                        }
                        text.push(chars[i]);
                        i += 1;
                    }
                    if i == chars.len() {
                        return Err(LexError { message: "unclosed double quote".into(), column: open + 1 });
                    }
                    i += 1;
                }
                '\\' if i + 1 < chars.len() => {
                    text.push(chars[i + 1]);
                    i += 2;
                }
                '{' | '[' if i == start => {
                    let end = json_end(&chars, i).ok_or_else(|| LexError {
                        message: format!("'{}' is never closed", chars[i]),
                        column: i + 1,
                    })?;
                    text.extend(&chars[i..end]);
                    i = end;
                }
                c => {
                    text.push(c);
                    i += 1;
                }
            }
        }
        words.push(Word { text, column: start + 1, quoted });
    }
    Ok(words)
}

/// The index just past the bracket that balances the one at `open`, skipping JSON strings.
fn json_end(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut i = open;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            match c {
                '\\' => i += 1,
                '"' => in_string = false,
                _ => {}
            }
        } else {
            match c {
                '"' => in_string = true,
                '{' | '[' => depth += 1,
                '}' | ']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// Whether `text` is an unfinished command: an open quote, or a JSON bracket not yet closed. The
/// REPL and the script reader keep reading lines while this holds.
pub fn needs_more_input(text: &str) -> bool {
    // A comment line is complete whatever it holds: an apostrophe in `# don't` opens nothing,
    // as in a shell.
    if text.trim_start().starts_with('#') {
        return false;
    }
    match split(text) {
        Ok(_) => false,
        Err(e) => !e.message.is_empty() && (e.message.contains("never closed") || e.message.starts_with("unclosed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        split(line).unwrap().into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(texts("aws iam create-user --user-name bob"), ["aws", "iam", "create-user", "--user-name", "bob"]);
        assert_eq!(texts(r#"a 'b c' "d \"e\"" f\ g"#), ["a", "b c", "d \"e\"", "f g"]);
        assert_eq!(texts(r#"x --doc {"a": [1, "}"]} y"#), ["x", "--doc", r#"{"a": [1, "}"]}"#, "y"]);
    }

    #[test]
    fn reports_where_it_breaks() {
        assert_eq!(split("a 'b").unwrap_err().column, 3);
        assert_eq!(split("a {\"x\": 1").unwrap_err().column, 3);
        assert!(needs_more_input("aws x --doc {"));
        assert!(!needs_more_input("aws x --doc {}"));
        assert!(!needs_more_input("# the root user's keys, then alice's"));
        assert!(!needs_more_input("  # an open { in a comment"));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in ["\\", "'", "\"\\", "{]", "]", "}", "[[[", "\"\\\"", "é 'ü"] {
            let _ = split(s);
        }
    }
}
