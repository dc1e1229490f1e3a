//! The findings report of `rootsim validate-policy --findings` and of the REPL's
//! `validate-policy`: IAM Access Analyzer's policy validation findings for one document, from the
//! `rootsim-analyzer` crate, as lines for a terminal or an editor's problem matcher, or as Access
//! Analyzer's JSON response; with rootsim's own checks besides, which Access Analyzer does not
//! make (a statement that never applies to one of its actions, rule AA-ROOTSIM-RESOURCE-FIT).

use rootsim_analyzer::{validate_with_rootsim_checks, Finding, PolicyType};
use rootsim_policy::PolicyKind;

/// The findings of one document, Access Analyzer's and rootsim's own in document order, ready
/// to print either way.
pub struct Report {
    findings: Vec<Finding>,
}

impl Report {
    /// Whether any finding is an ERROR or a SECURITY_WARNING (exit status 1).
    pub fn blocking(&self) -> bool {
        self.findings.iter().any(Finding::is_blocking)
    }

    /// Access Analyzer's response, `{"findings": [...]}`.
    pub fn json(&self) -> serde_json::Value {
        let list: Vec<serde_json::Value> = self.findings.iter().map(Finding::to_json).collect();
        serde_json::json!({ "findings": list })
    }

    /// One line per finding ([`line`]); empty when there is none.
    pub fn lines(&self) -> String {
        self.findings.iter().map(line).collect::<Vec<_>>().join("\n")
    }
}

/// The Access Analyzer policy type (and resource type) a `--type` kind is validated as: a trust
/// policy is a resource policy attached to a role (`AWS::IAM::AssumeRolePolicyDocument`);
/// permissions boundaries and session policies are identity policies.
fn policy_type(kind: PolicyKind) -> (PolicyType, Option<&'static str>) {
    match kind {
        PolicyKind::Resource => (PolicyType::Resource, None),
        PolicyKind::Trust => (PolicyType::Resource, Some("AWS::IAM::AssumeRolePolicyDocument")),
        PolicyKind::Scp => (PolicyType::ServiceControl, None),
        PolicyKind::Rcp => (PolicyType::ResourceControl, None),
        _ => (PolicyType::Identity, None),
    }
}

/// One line per finding: `LINE:COL TYPE CODE message`, the column 1-based as editors count
/// (Access Analyzer's own `column` is 0-based; `--json` prints it as the API does).
fn line(f: &Finding) -> String {
    let at = f.locations.first().map(|l| format!("{}:{}", l.start.line, l.start.column + 1)).unwrap_or("1:1".into());
    format!("{at} {} {} {}", f.finding_type.as_str(), f.issue_code, f.details)
}

/// Validates `text` as a policy of `kind`: Access Analyzer's findings and rootsim's own (marked
/// `(rootsim)`, rule AA-ROOTSIM-RESOURCE-FIT).
pub fn report(text: &str, kind: PolicyKind) -> Report {
    let (policy_type, resource_type) = policy_type(kind);
    Report { findings: validate_with_rootsim_checks(text, policy_type, resource_type) }
}

/// The policy kind `--type` names (`identity`, `resource`, `trust`, `boundary`, `session`, `scp`,
/// `rcp`), as the `rootsim validate-policy` command line spells them.
pub fn kind_named(name: &str) -> Option<PolicyKind> {
    Some(match name {
        "identity" => PolicyKind::Identity,
        "resource" => PolicyKind::Resource,
        "trust" => PolicyKind::Trust,
        "boundary" => PolicyKind::Boundary,
        "session" => PolicyKind::Session,
        "scp" => PolicyKind::Scp,
        "rcp" => PolicyKind::Rcp,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_role_on_every_role_fails_the_check() {
        // `"*"` starts at offset 90 (counted with Python's str.index).
        let doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}";
        let out = report(doc, PolicyKind::Identity);
        assert!(out.blocking());
        let lines = out.lines();
        assert!(
            lines.starts_with("1:91 SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE Using the iam:PassRole"),
            "{lines}"
        );
        assert_eq!(out.json()["findings"][0]["locations"][0]["span"]["start"]["column"], 90);
    }

    #[test]
    fn suggestions_alone_pass() {
        let doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:Get*\"],\"Resource\":\"*\"}]}";
        let out = report(doc, PolicyKind::Identity);
        assert!(!out.blocking());
        assert!(out.lines().contains(" SUGGESTION REDUNDANT_ACTION "), "{}", out.lines());
    }
}
