//! The rulebook: the rules of `docs/rules.md` (a stable ID, one sentence, a source), embedded in
//! the binary when it is built, and their coverage by scenario scripts (`@rules` headers).
//!
//! `rootsim rules` prints each rule with the scenarios that check it and whether they pass, so
//! that the coverage of the specification can be read at a glance; the scenario tests use the
//! same reading to require a scenario for every rule and an existing rule for every `@rules` ID.

use crate::runner::{collect, run_file};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `docs/rules.md` as it was when rootsim was built.
pub const RULEBOOK: &str = include_str!("../../docs/rules.md");

/// One rule of the rulebook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// The stable ID, e.g. `ROOT-MFA-REQUIRED`.
    pub id: String,
    /// The `##` section it is listed under.
    pub section: String,
    /// The rule in one sentence.
    pub rule: String,
    /// Where it comes from (a URL, the facts' section, or "product rule").
    pub source: String,
    /// Its 1-based line in `docs/rules.md`.
    pub line: usize,
}

/// The `##` section that records the audit of the rules against AWS's pages
/// (`| ID | Audited | Against | Note |`): its rows are about rules, not rules, so [`parse`]
/// skips it and [`parse_audit`] reads it.
pub const AUDIT_SECTION: &str = "Audit";

/// Reads the rules from the rulebook's tables: rows `| ID | Rule | Source |` under a header row
/// with those names, outside the [`AUDIT_SECTION`]. A source written `same` repeats the previous
/// row's source.
pub fn parse(text: &str) -> Result<Vec<Rule>, String> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut section = String::new();
    let mut in_table = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if let Some(title) = line.strip_prefix("## ") {
            section = title.trim().to_string();
            in_table = false;
            continue;
        }
        if section == AUDIT_SECTION {
            continue;
        }
        let Some(row) = line.trim().strip_prefix('|').and_then(|r| r.strip_suffix('|')) else {
            in_table = false;
            continue;
        };
        let cells: Vec<&str> = row.split(" | ").map(str::trim).collect();
        if cells.first() == Some(&"ID") {
            in_table = true;
            continue;
        }
        // The `|---|---|---|` line under the header.
        if !in_table || row.chars().all(|ch| matches!(ch, '-' | ':' | '|' | ' ')) {
            continue;
        }
        let [id, rule, source] = cells[..] else {
            return Err(format!("docs/rules.md:{line_no}: a rule row needs three cells (ID, rule, source)"));
        };
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-') {
            return Err(format!("docs/rules.md:{line_no}: \"{id}\" is not a rule ID (upper case, digits and '-')"));
        }
        if rules.iter().any(|r| r.id == id) {
            return Err(format!("docs/rules.md:{line_no}: the rule {id} is listed twice"));
        }
        let source = match (source, rules.last()) {
            ("same", Some(prev)) => prev.source.clone(),
            (s, _) => s.to_string(),
        };
        rules.push(Rule {
            id: id.to_string(),
            section: section.clone(),
            rule: rule.to_string(),
            source,
            line: line_no,
        });
    }
    Ok(rules)
}

/// One row of the audit: when a rule was last checked against which AWS page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Audit {
    /// The rule's ID.
    pub id: String,
    /// The date of the check (`YYYY-MM-DD`).
    pub date: String,
    /// The page (or pages) it was checked against.
    pub against: String,
    /// What was found, and for a simulator assumption why the page cannot decide it.
    pub note: String,
    /// Its 1-based line in `docs/rules.md`.
    pub line: usize,
}

/// Reads the [`AUDIT_SECTION`]'s rows `| ID | Audited | Against | Note |` and checks each against
/// the rules: every row names a rule of the rulebook once, with a `YYYY-MM-DD` date and a page.
pub fn parse_audit(text: &str) -> Result<Vec<Audit>, String> {
    let rules = parse(text)?;
    let mut audits: Vec<Audit> = Vec::new();
    let mut in_audit = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if let Some(title) = line.strip_prefix("## ") {
            in_audit = title.trim() == AUDIT_SECTION;
            continue;
        }
        let Some(row) = line.trim().strip_prefix('|').and_then(|r| r.strip_suffix('|')) else { continue };
        if !in_audit || row.chars().all(|ch| matches!(ch, '-' | ':' | '|' | ' ')) {
            continue;
        }
        let cells: Vec<&str> = row.split(" | ").map(str::trim).collect();
        let [id, date, against, note] = cells[..] else {
            return Err(format!("docs/rules.md:{line_no}: an audit row needs four cells (ID, audited, against, note)"));
        };
        if id == "ID" {
            continue;
        }
        if !rules.iter().any(|r| r.id == id) {
            return Err(format!("docs/rules.md:{line_no}: the audit names {id}, which is not a rule"));
        }
        if audits.iter().any(|a| a.id == id) {
            return Err(format!("docs/rules.md:{line_no}: the rule {id} is audited twice"));
        }
        let is_date = date.len() == 10
            && date.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
        if !is_date {
            return Err(format!("docs/rules.md:{line_no}: \"{date}\" is not a date (YYYY-MM-DD)"));
        }
        if against.is_empty() {
            return Err(format!("docs/rules.md:{line_no}: the audit of {id} names no page"));
        }
        audits.push(Audit {
            id: id.to_string(),
            date: date.to_string(),
            against: against.to_string(),
            note: note.to_string(),
            line: line_no,
        });
    }
    Ok(audits)
}

/// One scenario's verdict, as far as a rule is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioResult {
    /// The scenario file.
    pub file: String,
    /// Every assertion held.
    pub passed: bool,
}

/// A rule with the scenarios that name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The rule.
    #[serde(flatten)]
    pub rule: Rule,
    /// The scenarios whose `@rules` name it.
    pub scenarios: Vec<ScenarioResult>,
}

impl Coverage {
    /// `pass` (every scenario passes), `FAIL` (one does not) or `no scenario`.
    pub fn status(&self) -> &'static str {
        if self.scenarios.is_empty() {
            "no scenario"
        } else if self.scenarios.iter().all(|s| s.passed) {
            "pass"
        } else {
            "FAIL"
        }
    }
}

/// An `@rules` ID that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownRule {
    /// The ID as written.
    pub id: String,
    /// The scenario that names it.
    pub file: String,
}

/// The rulebook checked against the scenarios.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// Every rule with its scenarios, in the rulebook's order.
    pub rules: Vec<Coverage>,
    /// `@rules` IDs that name no rule.
    pub unknown: Vec<UnknownRule>,
}

impl Checked {
    /// Every rule has a scenario, every scenario passes, and every `@rules` ID is a rule.
    pub fn complete(&self) -> bool {
        self.unknown.is_empty() && self.rules.iter().all(|c| c.status() == "pass")
    }
}

/// The rulebook against the scenarios under `dirs`: each rule with its scenarios, and the
/// `@rules` IDs that name no rule (with their files).
pub fn coverage(rules: &[Rule], dirs: &[PathBuf]) -> Result<Checked, String> {
    let mut by_rule: BTreeMap<&str, Vec<ScenarioResult>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for file in collect(dirs)? {
        let (script, report) = run_file(&file)?;
        let name = display(&file);
        for id in &script.rules {
            match rules.iter().find(|r| &r.id == id) {
                Some(r) => by_rule
                    .entry(r.id.as_str())
                    .or_default()
                    .push(ScenarioResult { file: name.clone(), passed: report.failures.is_empty() }),
                None => unknown.push(UnknownRule { id: id.clone(), file: name.clone() }),
            }
        }
    }
    let rules = rules
        .iter()
        .map(|r| Coverage { rule: r.clone(), scenarios: by_rule.remove(r.id.as_str()).unwrap_or_default() })
        .collect();
    Ok(Checked { rules, unknown })
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// The plain-text report: one block per section, a line per rule with its status and scenarios,
/// then the `@rules` IDs that name nothing and a summary line.
pub fn report(checked: &Checked) -> String {
    let (covered, unknown) = (&checked.rules, &checked.unknown);
    let mut out = String::new();
    let mut section = "";
    let width = covered.iter().map(|c| c.rule.id.len()).max().unwrap_or(0);
    for c in covered {
        if c.rule.section != section {
            section = &c.rule.section;
            out.push_str(&format!("\n{section}\n"));
        }
        let files: Vec<&str> = c.scenarios.iter().map(|s| s.file.as_str()).collect();
        out.push_str(&format!("  {:<width$}  {:<11}  {}\n", c.rule.id, c.status(), files.join(", ")));
    }
    for u in unknown {
        out.push_str(&format!("\n{} names {}, which is not a rule of docs/rules.md", u.file, u.id));
    }
    let count = |s: &str| covered.iter().filter(|c| c.status() == s).count();
    out.push_str(&format!(
        "\n{} rules: {} pass, {} fail, {} without a scenario\n",
        covered.len(),
        count("pass"),
        count("FAIL"),
        count("no scenario")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_sections_and_same_sources() {
        let text = "# Rules\n\n## A\n\n| ID | Rule | Source |\n|---|---|---|\n| A-ONE | One. | https://x |\n| A-TWO | Two. | same |\n\nprose | with | bars |\n\n## B\n\n| ID | Rule | Source |\n|---|---|---|\n| B-ONE | Three. | product rule |\n";
        let rules = parse(text).expect("valid");
        let ids: Vec<(&str, &str, &str, usize)> =
            rules.iter().map(|r| (r.id.as_str(), r.section.as_str(), r.source.as_str(), r.line)).collect();
        assert_eq!(
            ids,
            [("A-ONE", "A", "https://x", 7), ("A-TWO", "A", "https://x", 8), ("B-ONE", "B", "product rule", 16)]
        );
    }

    #[test]
    fn bad_rows_are_refused_with_their_line() {
        let head = "## A\n| ID | Rule | Source |\n|---|---|---|\n";
        assert!(parse(&format!("{head}| A-1 | x |\n")).unwrap_err().contains(":4:"));
        assert!(parse(&format!("{head}| a one | x | y |\n")).unwrap_err().contains("not a rule ID"));
        assert!(parse(&format!("{head}| A-1 | x | y |\n| A-1 | z | y |\n")).unwrap_err().contains("twice"));
    }

    #[test]
    fn the_audit_section_is_not_read_as_rules_and_names_only_rules() {
        let text = "## A\n| ID | Rule | Source |\n|---|---|---|\n| A-ONE | One. | https://x |\n| A-TWO | Two. | same |\n\n## Audit\n\n| ID | Audited | Against | Note |\n|---|---|---|---|\n| A-ONE | 2026-12-07 | https://x | agrees |\n";
        let rules = parse(text).expect("the audit's four cells are no rule row");
        assert_eq!(rules.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["A-ONE", "A-TWO"]);
        let audits = parse_audit(text).expect("valid audit");
        assert_eq!(
            audits.iter().map(|a| (a.id.as_str(), a.date.as_str(), a.line)).collect::<Vec<_>>(),
            [("A-ONE", "2026-12-07", 11)]
        );
        let bad = |row: &str| parse_audit(&format!("{text}{row}\n")).unwrap_err();
        assert!(bad("| B-ONE | 2026-12-07 | https://x | n |").contains("not a rule"));
        assert!(bad("| A-ONE | 2026-12-07 | https://x | n |").contains("twice"));
        assert!(bad("| A-TWO | 7 Dec | https://x | n |").contains("not a date"));
        assert!(bad("| A-TWO | 2026-12-07 | https://x |").contains("four cells"));
    }

    #[test]
    fn the_shipped_audit_names_rules() {
        let audits = parse_audit(RULEBOOK).expect("the audit of docs/rules.md reads");
        assert!(audits.iter().all(|a| a.against.contains("https://") || a.note.contains("product rule")));
    }

    #[test]
    fn the_shipped_rulebook_reads() {
        let rules = parse(RULEBOOK).expect("docs/rules.md reads");
        assert!(rules.len() > 40, "{} rules", rules.len());
        assert!(rules.iter().all(|r| !r.source.is_empty() && r.source != "same"));
    }
}
