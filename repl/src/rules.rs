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

/// The `##` section that lists the universal rules (those AWS states for every case: "never",
/// "always", "any", "only"), one `- ID` bullet each: a list apart from the tables, so that marking
/// a rule does not touch its row. Each needs a generated scenario ([`Coverage::generated`]).
pub const UNIVERSAL_SECTION: &str = "Universal rules";

/// Reads the [`UNIVERSAL_SECTION`]'s bullets (`- ID`, or `- ID: why`) and checks each names a
/// rule, once.
pub fn parse_universal(text: &str) -> Result<Vec<String>, String> {
    let rules = parse(text)?;
    let mut ids: Vec<String> = Vec::new();
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        if let Some(title) = line.strip_prefix("## ") {
            inside = title.trim() == UNIVERSAL_SECTION;
            continue;
        }
        let Some(item) = line.trim().strip_prefix("- ").filter(|_| inside) else { continue };
        let id = item.split([':', ' ']).next().unwrap_or("").trim_matches('`');
        if !rules.iter().any(|r| r.id == id) {
            return Err(format!("docs/rules.md:{}: the universal rules name {id}, which is not a rule", i + 1));
        }
        if ids.iter().any(|x| x == id) {
            return Err(format!("docs/rules.md:{}: {id} is listed as universal twice", i + 1));
        }
        ids.push(id.to_string());
    }
    Ok(ids)
}

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
    /// For a scenario with `@gen` inputs: the cases its `@cases` declares; `None` for an example.
    pub cases: Option<u32>,
}

/// A rule with the scenarios that name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The rule.
    #[serde(flatten)]
    pub rule: Rule,
    /// The scenarios whose `@rules` name it.
    pub scenarios: Vec<ScenarioResult>,
    /// Listed in the rulebook's [`UNIVERSAL_SECTION`]: it needs a generated scenario.
    pub universal: bool,
    /// A scenario with generated inputs checks it.
    pub generated: bool,
    /// The cases its generated scenarios declare, added up (0 without one).
    pub cases: u32,
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
    /// Every rule has a scenario, every scenario passes, every universal rule has a generated
    /// scenario, and every `@rules` ID is a rule.
    pub fn complete(&self) -> bool {
        self.unknown.is_empty() && self.rules.iter().all(|c| c.status() == "pass" && (c.generated || !c.universal))
    }

    /// The universal rules without a generated scenario.
    pub fn universal_without_generated(&self) -> Vec<&str> {
        self.rules.iter().filter(|c| c.universal && !c.generated).map(|c| c.rule.id.as_str()).collect()
    }
}

/// The rulebook against the scenarios under `dirs`: each rule with its scenarios, and the
/// `@rules` IDs that name no rule (with their files). `universal` lists the rules that need a
/// generated scenario ([`parse_universal`]).
pub fn coverage(rules: &[Rule], universal: &[String], dirs: &[PathBuf]) -> Result<Checked, String> {
    let mut by_rule: BTreeMap<&str, Vec<ScenarioResult>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for file in collect(dirs)? {
        let (script, report) = run_file(&file)?;
        let name = display(&file);
        for id in &script.rules {
            match rules.iter().find(|r| &r.id == id) {
                Some(r) => by_rule.entry(r.id.as_str()).or_default().push(ScenarioResult {
                    file: name.clone(),
                    passed: report.failures.is_empty(),
                    cases: (!script.gens.is_empty()).then_some(script.cases),
                }),
                None => unknown.push(UnknownRule { id: id.clone(), file: name.clone() }),
            }
        }
    }
    let rules = rules
        .iter()
        .map(|r| {
            let scenarios = by_rule.remove(r.id.as_str()).unwrap_or_default();
            let cases: u32 = scenarios.iter().filter_map(|s| s.cases).sum();
            Coverage {
                rule: r.clone(),
                universal: universal.contains(&r.id),
                generated: scenarios.iter().any(|s| s.cases.is_some()),
                cases,
                scenarios,
            }
        })
        .collect();
    Ok(Checked { rules, unknown })
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// The plain-text report: one block per section, a line per rule with its status, how it is
/// checked (`N cases` over generated inputs, `example`, with `U` before it for a universal rule)
/// and its scenarios, then the `@rules` IDs that name nothing and a summary line.
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
        let how = match (c.generated, c.scenarios.is_empty()) {
            (true, _) => format!("{} cases", c.cases),
            (false, false) => "example".to_string(),
            (false, true) => "-".to_string(),
        };
        let mark = if c.universal { "U" } else { " " };
        out.push_str(&format!("  {:<width$}  {:<11}  {mark} {how:<11}  {}\n", c.rule.id, c.status(), files.join(", ")));
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
    let universal = covered.iter().filter(|c| c.universal).count();
    let generated = covered.iter().filter(|c| c.generated).count();
    out.push_str(&format!(
        "{generated} rules checked over generated inputs; {universal} universal (U), {} of them without a generated scenario\n",
        checked.universal_without_generated().len()
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
    fn universal_rules_are_a_list_of_rule_ids() {
        let text = "## A\n| ID | Rule | Source |\n|---|---|---|\n| A-ONE | One. | https://x |\n| A-TWO | Two. | same |\n\n## Universal rules\n\nProse.\n\n- A-TWO: every case\n- `A-ONE`\n";
        assert_eq!(parse(text).unwrap().len(), 2, "the list is no rule row");
        assert_eq!(parse_universal(text).unwrap(), ["A-TWO", "A-ONE"]);
        assert!(parse_universal(&format!("{text}- B-ONE\n")).unwrap_err().contains("not a rule"));
        assert!(parse_universal(&format!("{text}- A-ONE\n")).unwrap_err().contains("twice"));
    }

    #[test]
    fn the_shipped_rulebook_reads() {
        assert!(parse_universal(RULEBOOK).is_ok());
        let rules = parse(RULEBOOK).expect("docs/rules.md reads");
        assert!(rules.len() > 40, "{} rules", rules.len());
        assert!(rules.iter().all(|r| !r.source.is_empty() && r.source != "same"));
    }
}
