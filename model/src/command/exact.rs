//! Output exactly as the AWS CLI prints it (issue 17): the `--cli-exact` global option, for one
//! command, and the session setting `set cli-exact on|off`, for every command after it.
//!
//! By default rootsim adds lines of its own to what the CLI prints: the hint of a failed call
//! (where and why: `  (rootsim) ...`, a policy's line and column, a handshake's `Reason: ...`) and
//! the `(rootsim) ...` line after a usage error. This module owns dropping them, so that a
//! transcript can be compared byte for byte with the real CLI's.

use super::lex::Word;
use super::{Outcome, Session};
use crate::error::AwsError;

/// The global option that asks for the CLI's exact output on one command.
pub const OPTION: &str = "--cli-exact";

/// Whether the `aws` command in `words` prints exactly as the CLI: the session says so, or the
/// line carries [`OPTION`] (unquoted, anywhere, as every global option).
pub fn asked(session: &Session, words: &[Word]) -> bool {
    session.cli.cli_exact || words.iter().any(|w| !w.quoted && w.text == OPTION)
}

/// The words without [`OPTION`]: rootsim's own option, taken off before the CLI's parser sees the
/// line (so that the CLI's options, help pages and errors stay the CLI's).
pub fn without_option(words: &[Word]) -> Vec<Word> {
    words.iter().filter(|w| w.quoted || w.text != OPTION).cloned().collect()
}

/// `outcome` without rootsim's own lines: the hint of the call's `error` (printed after AWS's
/// line), and every line marked `(rootsim)`.
pub fn strip(mut outcome: Outcome, error: Option<&AwsError>) -> Outcome {
    if let Some(hint) = error.and_then(|e| e.hint.as_deref()) {
        // Only when this outcome ends with it: `error` may be an earlier call's.
        if let Some(kept) = outcome.text.strip_suffix(hint).and_then(|t| t.strip_suffix('\n')) {
            outcome.text = kept.to_string();
        }
    }
    let ours = |l: &str| l.trim_start().starts_with("(rootsim)");
    if outcome.text.lines().any(ours) {
        outcome.text = outcome.text.lines().filter(|l| !ours(l)).collect::<Vec<_>>().join("\n");
    }
    outcome
}

/// `set [cli-exact on|off]`: with no words, the settings and their values.
pub fn set(session: &mut Session, words: &[String]) -> Outcome {
    let on = |b: bool| if b { "on" } else { "off" };
    match words {
        [] => Outcome::ok(format!("cli-exact {}", on(session.cli.cli_exact))),
        [name, value] if name == "cli-exact" && (value == "on" || value == "off") => {
            session.cli.cli_exact = value == "on";
            Outcome::ok(format!("cli-exact {value}"))
        }
        _ => Outcome::usage("usage: set [cli-exact on|off]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_output_drops_the_hint_and_rootsim_lines_only() {
        let e = AwsError::new("X", 400, "m").with_hint("  (rootsim) why");
        let out = Outcome::fail("X", "An error occurred (X) when calling the Y operation: m\n  (rootsim) why");
        assert_eq!(strip(out, Some(&e)).text, "An error occurred (X) when calling the Y operation: m");
        // A hint that is not rootsim-marked (a policy's position) goes too.
        let e = AwsError::new("MalformedPolicyDocument", 400, "bad").with_hint("  at line 1, column 2: x");
        let out =
            Outcome::fail("M", "An error occurred (M) when calling the Z operation: bad\n  at line 1, column 2: x");
        assert_eq!(strip(out, Some(&e)).text, "An error occurred (M) when calling the Z operation: bad");
        let usage = Outcome::usage("Unknown options: --x\n(rootsim) did you mean --y?");
        assert_eq!(strip(usage, None).text, "Unknown options: --x");
        let json = Outcome::ok("{\n    \"userAgent\": \"Mozilla/5.0 (rootsim)\"\n}");
        assert_eq!(strip(json.clone(), None).text, json.text);
    }

    #[test]
    fn the_option_and_the_setting_both_ask_for_it() {
        let mut s = Session::demo(1);
        let hinted = "aws iam list-usres";
        assert!(s.run(hinted).text.contains("(rootsim)"));
        assert!(!s.run(&format!("{hinted} --cli-exact")).text.contains("(rootsim)"));
        assert_eq!(s.run("set cli-exact on").text, "cli-exact on");
        assert!(!s.run(hinted).text.contains("(rootsim)"));
        assert_eq!(s.run("set").text, "cli-exact on");
        s.run("set cli-exact off");
        assert!(s.run(hinted).text.contains("(rootsim)"));
        assert!(!s.run("set cli-exact maybe").ok);
    }
}
