//! A lesson's variations: the `@vary` lines of its header and the values drawn for an exam.
//!
//! ```text
//! @vary USER = pat | dana | lee              # {{USER}} anywhere in the lesson
//! @vary ACCT = prod | dev                    # which account the lesson is about
//! @vary EMAIL with ACCT = aws-prod@example.com | aws-dev@example.com
//! ```
//!
//! Each `@vary NAME = A | B | ...` is drawn on its own; `@vary NAME with OTHER = ...` takes the
//! choice at the same position as OTHER's (same number of choices), so that values that belong
//! together (an account, its email and password; a broken policy and the fix it needs) are drawn
//! together. Without a seed, every name takes its first choice: the lesson as the course ships
//! it. With a seed (`learn --exam`), the choices are drawn by the world's deterministic
//! generator ([`rootsim_model::rng::SimRng`]) seeded with it, never from the wall clock, so the
//! same seed gives the same exam.
//!
//! The drawn values replace `{{NAME}}` in the lesson's whole text before it is read, so
//! `@objective`, `@hint`, `@setup`, `@goal`, `@solution` and `@wrong` all see them. Other
//! `{{...}}` (a script's `{{account:dev}}`, `@set` variables) are left for the script runner,
//! which is how a lesson reads the IDs the world generates rather than writing them down.

use crate::script::ParseError;
use rootsim_model::rng::SimRng;

/// One `@vary` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vary {
    /// The name, used as `{{NAME}}`.
    pub name: String,
    /// `with OTHER`: drawn at the same position as OTHER.
    pub with: Option<String>,
    /// The choices, the first being the course's.
    pub choices: Vec<String>,
}

/// A name is upper-case letters, digits and `_`, starting with a letter: it cannot be taken for
/// a script's `{{account:NAME}}` or a lower-case word.
fn is_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Reads the `@vary` lines of a lesson (with their 1-based line numbers), checking that names
/// are unique, each has at least two choices (distinct, unless linked), and a `with` names an
/// earlier line with as many choices.
pub fn read(path: &str, text: &str) -> Result<Vec<Vary>, ParseError> {
    let mut out: Vec<Vary> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let err = |message: String| ParseError { path: path.to_string(), line: i + 1, column: 1, message };
        let Some(rest) = raw.trim().strip_prefix("@vary") else { continue };
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let usage = "usage: @vary NAME = CHOICE | CHOICE ... or @vary NAME with OTHER = CHOICE | ...";
        let (head, choices) = rest.split_once('=').ok_or_else(|| err(usage.into()))?;
        let head: Vec<&str> = head.split_whitespace().collect();
        let (name, with) = match head.as_slice() {
            [name] => (*name, None),
            [name, "with", other] => (*name, Some(other.to_string())),
            _ => return Err(err(usage.into())),
        };
        if !is_name(name) {
            return Err(err(format!("@vary {name}: a name is upper-case letters, digits and _")));
        }
        if out.iter().any(|v| v.name == name) {
            return Err(err(format!("@vary {name} is declared twice")));
        }
        let choices: Vec<String> = choices.split('|').map(|c| c.trim().to_string()).collect();
        if choices.iter().any(String::is_empty) {
            return Err(err(format!("@vary {name}: a choice is empty")));
        }
        // A linked name may repeat a value (two accounts' `OTHER` can be the same third one);
        // a name drawn on its own must offer a real choice.
        let repeats = (1..choices.len()).any(|i| choices[..i].contains(&choices[i]));
        if choices.len() < 2 || (with.is_none() && repeats) {
            return Err(err(format!("@vary {name}: at least two different choices are needed")));
        }
        if let Some(other) = &with {
            match out.iter().find(|v| &v.name == other) {
                None => return Err(err(format!("@vary {name} with {other}: {other} is not declared above"))),
                Some(o) if o.choices.len() != choices.len() => {
                    return Err(err(format!(
                        "@vary {name} with {other}: {} choices, but {other} has {}",
                        choices.len(),
                        o.choices.len()
                    )))
                }
                Some(_) => {}
            }
        }
        // `{{NAME}}` is replaced before the scripts run: a script variable of the same name
        // would silently become the drawn value.
        let set = text
            .lines()
            .any(|l| l.trim().strip_prefix("@set").and_then(|r| r.split('=').next()).is_some_and(|n| n.trim() == name));
        if set {
            return Err(err(format!("@vary {name}: a @set line of the lesson uses the same name")));
        }
        out.push(Vary { name: name.to_string(), with, choices });
    }
    Ok(out)
}

/// The value of each name: the first choices without a seed, else drawn from `seed`, in the
/// order the lines are written (so adding a line at the end changes no earlier draw).
pub fn draw(varies: &[Vary], seed: Option<u64>) -> Vec<(String, String)> {
    let mut rng = seed.map(SimRng::new);
    let mut picked: Vec<(String, usize)> = Vec::new();
    for v in varies {
        let at = match (&v.with, rng.as_mut()) {
            (Some(other), _) => picked.iter().find(|(n, _)| n == other).map_or(0, |(_, i)| *i),
            (None, Some(rng)) => rng.below(v.choices.len() as u64) as usize,
            (None, None) => 0,
        };
        picked.push((v.name.clone(), at));
    }
    varies.iter().zip(picked).map(|(v, (name, at))| (name, v.choices[at].clone())).collect()
}

/// The lesson's text with `{{NAME}}` replaced by each drawn value and the `@vary` lines blanked
/// (kept as empty lines, so that line numbers in messages still point at the file).
pub fn apply(text: &str, values: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim();
        let is_vary = trimmed.strip_prefix("@vary").is_some_and(|r| r.is_empty() || r.starts_with(char::is_whitespace));
        if !is_vary {
            let mut line = line.to_string();
            for (name, value) in values {
                line = line.replace(&format!("{{{{{name}}}}}"), value);
            }
            out.push_str(&line);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "@vary USER = pat | dana | lee\n@vary ACCT = prod | dev\n@vary MAIL with ACCT = p@x | d@x\nhi {{USER}} in {{ACCT}} ({{MAIL}}), {{account:{{ACCT}}}} {{OTHER}}\n";

    #[test]
    fn without_a_seed_the_first_choices_are_taken() {
        let v = read("t", TEXT).unwrap();
        let values = draw(&v, None);
        assert_eq!(
            apply(TEXT, &values),
            "\n\n\nhi pat in prod (p@x), {{account:prod}} {{OTHER}}\n",
            "undeclared names are the script's"
        );
    }

    #[test]
    fn a_seed_draws_every_choice_and_keeps_linked_names_together() {
        let v = read("t", TEXT).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..64 {
            let values = draw(&v, Some(seed));
            assert_eq!(values, draw(&v, Some(seed)), "the same seed draws the same values");
            let get = |n: &str| values.iter().find(|(k, _)| k == n).unwrap().1.clone();
            assert_eq!(get("MAIL"), if get("ACCT") == "prod" { "p@x" } else { "d@x" });
            seen.insert(get("USER"));
        }
        assert_eq!(seen.len(), 3, "every user is drawn for some seed: {seen:?}");
    }

    #[test]
    fn malformed_lines_are_refused_with_their_line() {
        for (text, words) in [
            ("x\n@vary user = a | b\n", "upper-case"),
            ("@vary A = a\n", "two different"),
            ("@vary A = a | a\n", "two different"),
            ("@vary A = a | | b\n", "empty"),
            ("@vary A a | b\n", "usage"),
            ("@vary A = a | b\n@vary A = c | d\n", "twice"),
            ("@vary B with A = a | b\n", "not declared"),
            ("@vary A = a | b\n@vary B with A = a | b | c\n", "3 choices"),
            ("@vary A = a | b\n@vary B with A = c\n", "two"),
            ("@set A = Arn\n@vary A = a | b\n", "@set"),
        ] {
            let e = read("t", text).unwrap_err();
            assert!(e.message.contains(words), "{text:?}: {e}");
            assert_eq!(e.line, text.lines().count(), "{text:?}");
        }
        assert!(read("t", "@varyX = a | b\n").unwrap().is_empty(), "another directive");
        assert_eq!(read("t", "@vary A = a | b | c\n@vary B with A = x | y | x\n").unwrap().len(), 2, "linked repeats");
    }
}
