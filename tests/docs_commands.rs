//! The AWS CLI lines of the documentation stay runnable: every `aws ...` line typed in a code
//! block of docs/tutorial.md and README.md (after a `>` or a `$` prompt) is run, in order, in a
//! fresh demo session, and none may fail as the CLI's parser would (`UsageError`): an option
//! renamed, a value form the parser no longer reads, a `--query` that does not compile. AWS
//! errors are allowed: the lessons' lines run in the lessons' own worlds, not in the demo's.

use rootsim_model::{MemoryHost, Session, DEFAULT_SEED};

/// The `aws ...` lines typed in the code blocks of `text` (prompts stripped).
fn typed_aws_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        // `> aws ...` in the tutorial's transcripts, `... $ aws ...` in the README's.
        let typed = line.strip_prefix("> ").or_else(|| line.split_once("$ ").map(|(_, rest)| rest));
        if let Some(cmd) = typed.map(str::trim).filter(|c| c.starts_with("aws ")) {
            lines.push(cmd.to_string());
        }
    }
    lines
}

fn check(name: &str, text: &str) -> usize {
    let lines = typed_aws_lines(text);
    let mut session = Session::demo(DEFAULT_SEED);
    let mut host = MemoryHost::default();
    for line in &lines {
        let out = session.execute(line, &mut host);
        // botocore's value checks (`Parameter validation failed:`, a value below its minimum)
        // judge the demo's values, not the line's form: a placeholder such as `$KEY`, which the
        // transcript fills from an earlier line, is too short for an access key ID.
        let parsed = out.code.as_deref() != Some("UsageError") || out.text.contains("Parameter validation failed:");
        assert!(parsed, "{name}: `{line}` fails to parse:\n{}", out.text);
    }
    lines.len()
}

#[test]
fn the_tutorials_aws_lines_parse() {
    let n = check("docs/tutorial.md", include_str!("../docs/tutorial.md"));
    // The tutorial types AWS CLI commands in lessons 3 and in its credentials section.
    assert!(n >= 5, "docs/tutorial.md: only {n} aws lines found");
}

#[test]
fn the_readmes_aws_lines_parse() {
    let n = check("README.md", include_str!("../README.md"));
    assert!(n >= 2, "README.md: only {n} aws lines found");
}

#[test]
fn a_line_that_does_not_parse_is_caught() {
    // The check can fail: a misspelt option is the parser's error.
    let doc = "```text\n> aws iam list-users --max-itemz 1\n```\n";
    let caught = std::panic::catch_unwind(|| check("doc", doc));
    assert!(caught.is_err());
}
