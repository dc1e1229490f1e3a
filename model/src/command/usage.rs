//! The AWS CLI v2's usage errors, laid out as it prints them.
//!
//! The CLI (v2.17, `awscli/argparser.py` and `awscli/errorhandler.py`) answers a mistake in the
//! words of a command line with its usage block, then either argparse's line `aws: error: ...`
//! (a required argument missing, an invalid choice, an option without its value) or, for words no
//! parser took, `Unknown options: ...` without the `aws: error:` prefix. Invalid choices list every
//! choice two to a line, each padded to 40 columns, and add `maybe you meant:` with the choices
//! Python's `difflib.get_close_matches` finds at its 0.8 cutoff, computed here the same way so the
//! suggestions are the CLI's. The CLI writes to stderr between blank lines; rootsim answers one
//! text, so the surrounding blank lines are dropped and any rootsim hint follows on its own line,
//! marked `(rootsim)`.

/// The usage block the CLI prints before every usage error (ends with a newline).
pub const USAGE: &str = "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n\
To see help text, you can run:\n\
\n\
\x20 aws help\n\
\x20 aws <command> help\n\
\x20 aws <command> <subcommand> help\n";

/// How many choices the CLI prints on one line of an invalid-choice message.
const CHOICES_PER_LINE: usize = 2;

/// difflib's default cutoff is 0.6; the CLI asks for 0.8.
const CLOSE_MATCH_CUTOFF: f64 = 0.8;

/// difflib's default number of close matches.
const CLOSE_MATCH_COUNT: usize = 3;

/// An argparse error as the CLI prints it: the usage block, a blank line, `aws: error: MESSAGE`.
pub fn argparse_error(message: &str) -> String {
    format!("{USAGE}\naws: error: {message}")
}

/// The CLI's answer to words no parser took: the usage block, a blank line, the message
/// (`Unknown options: --x, y`), with no `aws: error:` prefix.
pub fn unknown_options_error(message: &str) -> String {
    format!("{USAGE}\n{message}")
}

/// The message for words no parser took: `Unknown options: ` and the words, comma-separated.
pub fn unknown_options(words: &[String]) -> String {
    format!("Unknown options: {}", words.join(", "))
}

/// The message for missing required arguments: `the following arguments are required: --a, --b`.
pub fn required(names: &[String]) -> String {
    format!("the following arguments are required: {}", names.join(", "))
}

/// argparse's message for `value` outside `choices`, as the CLI lays it out: `argument NAME:
/// Invalid choice, valid choices are:`, a blank line, the choices two to a line each padded to 40
/// columns and joined by ` | `, then, when some choice is close, two blank lines, `Invalid choice:
/// 'VALUE', maybe you meant:`, a blank line and `  * CHOICE` lines.
pub fn invalid_choice(argument: &str, value: &str, choices: &[&str]) -> String {
    let mut lines = vec!["Invalid choice, valid choices are:\n".to_string()];
    for row in choices.chunks(CHOICES_PER_LINE) {
        lines.push(row.iter().map(|c| format!("{c:<40}")).collect::<Vec<_>>().join(" | "));
    }
    let close = close_matches(value, choices);
    if !close.is_empty() {
        lines.push(format!("\n\nInvalid choice: {}, maybe you meant:\n", crate::render::python::repr_str(value)));
        lines.extend(close.iter().map(|c| format!("  * {c}")));
    }
    format!("argument {argument}: {}", lines.join("\n"))
}

/// `difflib.get_close_matches(word, choices, n=3, cutoff=0.8)`: the choices whose similarity
/// ratio to `word` is at least the cutoff, best first (ties: the later string in sort order
/// first, as Python's `heapq.nlargest` on `(score, choice)` pairs gives them).
pub fn close_matches<'a>(word: &str, choices: &[&'a str]) -> Vec<&'a str> {
    let w: Vec<char> = word.chars().collect();
    let mut scored: Vec<(f64, &str)> = choices
        .iter()
        .filter_map(|c| {
            let c_chars: Vec<char> = c.chars().collect();
            let r = ratio(&c_chars, &w);
            (r >= CLOSE_MATCH_CUTOFF).then_some((r, *c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(a.1)));
    scored.into_iter().take(CLOSE_MATCH_COUNT).map(|(_, c)| c).collect()
}

/// `SequenceMatcher(None, a, b).ratio()`: twice the matched characters over both lengths.
/// (Python's autojunk heuristic only starts at 200 characters of `b`, longer than any typed word
/// it is asked about here; past that, this still answers without it.)
fn ratio(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    2.0 * matched(a, b) as f64 / total as f64
}

/// The number of characters in SequenceMatcher's matching blocks: the longest common block
/// (earliest in `a`, then in `b`), then the same on each side of it.
fn matched(a: &[char], b: &[char]) -> usize {
    let mut stack = vec![(0, a.len(), 0, b.len())];
    let mut sum = 0;
    while let Some((alo, ahi, blo, bhi)) = stack.pop() {
        let (i, j, k) = longest_match(a, b, alo, ahi, blo, bhi);
        if k > 0 {
            sum += k;
            if alo < i && blo < j {
                stack.push((alo, i, blo, j));
            }
            if i + k < ahi && j + k < bhi {
                stack.push((i + k, ahi, j + k, bhi));
            }
        }
    }
    sum
}

/// `find_longest_match` without junk: the longest block `a[i..i+k] == b[j..j+k]` inside the
/// ranges, the first such found scanning `a` then `b` in order.
fn longest_match(a: &[char], b: &[char], alo: usize, ahi: usize, blo: usize, bhi: usize) -> (usize, usize, usize) {
    let (mut besti, mut bestj, mut bestsize) = (alo, blo, 0);
    // lengths[j] is the length of the match ending at a[i - 1], b[j - 1].
    let mut prev = vec![0usize; bhi - blo + 1];
    for (i, ca) in a.iter().enumerate().take(ahi).skip(alo) {
        let mut cur = vec![0usize; bhi - blo + 1];
        for (j, cb) in b.iter().enumerate().take(bhi).skip(blo) {
            if ca == cb {
                let k = prev[j - blo] + 1;
                cur[j - blo + 1] = k;
                if k > bestsize {
                    besti = i + 1 - k;
                    bestj = j + 1 - k;
                    bestsize = k;
                }
            }
        }
        prev = cur;
    }
    (besti, bestj, bestsize)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected texts below were printed by the real AWS CLI v2.17.0 (installed from the aws-cli
    // repository's 2.17.0 tag into a throwaway venv), stderr with its leading and trailing blank
    // lines dropped.

    #[test]
    fn a_missing_argument_reads_as_the_cli_prints_it() {
        // aws iam create-user
        assert_eq!(
            argparse_error(&required(&["--user-name".to_string()])),
            "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n\
             To see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n\n\
             aws: error: the following arguments are required: --user-name"
        );
    }

    #[test]
    fn unknown_options_have_no_error_prefix() {
        // aws iam list-users --x a b
        let words = ["--x", "b", "a"].map(String::from);
        assert_eq!(unknown_options_error(&unknown_options(&words)), format!("{USAGE}\nUnknown options: --x, b, a"));
    }

    #[test]
    fn invalid_choices_are_two_to_a_line_with_suggestions() {
        // aws sts get-caler-identity
        let choices = [
            "assume-role",
            "assume-role-with-saml",
            "assume-role-with-web-identity",
            "decode-authorization-message",
            "get-access-key-info",
            "get-caller-identity",
            "get-federation-token",
            "get-session-token",
            "help",
        ];
        let expected = "argument operation: Invalid choice, valid choices are:\n\n\
assume-role                              | assume-role-with-saml                   \n\
assume-role-with-web-identity            | decode-authorization-message            \n\
get-access-key-info                      | get-caller-identity                     \n\
get-federation-token                     | get-session-token                       \n\
help                                    \n\n\n\
Invalid choice: 'get-caler-identity', maybe you meant:\n\n  * get-caller-identity";
        assert_eq!(invalid_choice("operation", "get-caler-identity", &choices), expected);
    }

    #[test]
    fn close_matches_are_difflibs() {
        // Values from Python 3.11: difflib.get_close_matches(w, c, cutoff=0.8).
        assert_eq!(close_matches("stss", &["s3", "sqs", "sts", "sns", "iam"]), ["sts"]);
        assert_eq!(close_matches("jsn", &["json", "text", "table", "yaml", "yaml-stream"]), ["json"]);
        assert!(close_matches("xml", &["json", "text", "table", "yaml", "yaml-stream"]).is_empty());
        assert_eq!(close_matches("list-user", &["list-users", "list-groups", "list-roles"]), ["list-users"]);
        assert_eq!(close_matches("", &["a"]), Vec::<&str>::new());
        assert_eq!(close_matches("ab", &["ab", "ba", "abc"]), ["ab", "abc"]);
    }
}
