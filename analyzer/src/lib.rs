//! IAM Access Analyzer's policy validation (`ValidatePolicy`) offline: the findings Access
//! Analyzer gives a policy document, each with its finding type, issue code, details, link to the
//! check's section of AWS's reference page and locations (paths into the document with spans).
//!
//! The checks and their issue codes, types and messages are those of AWS's page "IAM Access
//! Analyzer policy check reference"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>);
//! which checks are made is listed in [`CHECKS`], and docs/rules.md (`AA-*`) says which choices
//! are rootsim's own where the page is silent (where a location points, the order of findings).
//! What a check needs to know of AWS (services, actions, resource types and their ARN formats,
//! condition keys and their types) comes from the catalogue crate, so a developer's test validates
//! a policy in milliseconds without a network.
//!
//! This crate owns the validation only: it reads documents with its own span-keeping reader
//! ([`reader`]), so that the engine's parser, which runs on every decision, carries no spans.

pub mod reader;

mod checks;
#[cfg(test)]
mod tests;
mod values;

use serde_json::{json, Value};

/// The policy types `ValidatePolicy` takes (`--policy-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyType {
    /// `IDENTITY_POLICY`: attached to users, groups and roles.
    Identity,
    /// `RESOURCE_POLICY`: attached to a resource, naming principals.
    Resource,
    /// `SERVICE_CONTROL_POLICY`: an Organizations SCP.
    ServiceControl,
    /// `RESOURCE_CONTROL_POLICY`: an Organizations RCP.
    ResourceControl,
}

impl PolicyType {
    /// Every policy type, in the API's order.
    pub const ALL: [PolicyType; 4] =
        [PolicyType::Identity, PolicyType::Resource, PolicyType::ServiceControl, PolicyType::ResourceControl];

    /// The API's name (`IDENTITY_POLICY`).
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "IDENTITY_POLICY",
            PolicyType::Resource => "RESOURCE_POLICY",
            PolicyType::ServiceControl => "SERVICE_CONTROL_POLICY",
            PolicyType::ResourceControl => "RESOURCE_CONTROL_POLICY",
        }
    }

    /// The type the API calls `name`, exactly as spelled.
    pub fn parse(name: &str) -> Option<PolicyType> {
        PolicyType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// The resource types `--validate-policy-resource-type` takes, as the API lists them.
pub const RESOURCE_TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::S3::AccessPoint",
    "AWS::S3::MultiRegionAccessPoint",
    "AWS::S3ObjectLambda::AccessPoint",
    "AWS::IAM::AssumeRolePolicyDocument",
    "AWS::DynamoDB::Table",
];

/// A finding's impact, as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingType {
    /// A part of the policy does not work.
    Error,
    /// The policy allows access that AWS considers overly permissive.
    SecurityWarning,
    /// The policy does not follow best practice (the reference page's "General Warning").
    Warning,
    /// A stylistic improvement that does not change access.
    Suggestion,
}

impl FindingType {
    /// The API's name (`SECURITY_WARNING`).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingType::Error => "ERROR",
            FindingType::SecurityWarning => "SECURITY_WARNING",
            FindingType::Warning => "WARNING",
            FindingType::Suggestion => "SUGGESTION",
        }
    }

    /// How the reference page's anchors name the type.
    fn anchor(self) -> &'static str {
        match self {
            FindingType::Error => "error",
            FindingType::SecurityWarning => "security-warning",
            FindingType::Warning => "general-warning",
            FindingType::Suggestion => "suggestion",
        }
    }
}

/// One step of a path into the document: an object's member or an array's element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathElement {
    /// The member with this key (the API's `{"value": "Statement"}`).
    Value(String),
    /// The element at this index (`{"index": 0}`).
    Index(usize),
}

/// A place in the document: 1-based line, 0-based column and 0-based offset, both in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 0-based column on that line, in characters.
    pub column: usize,
    /// 0-based offset from the start of the document, in characters.
    pub offset: usize,
}

/// Where a finding is: the path to the element and the span of its text (end exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The path from the document's root.
    pub path: Vec<PathElement>,
    /// Where the element's text starts.
    pub start: Position,
    /// Just past where it ends.
    pub end: Position,
}

/// One finding, as `ValidatePolicy` answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The finding's type.
    pub finding_type: FindingType,
    /// Access Analyzer's issue code (`PASS_ROLE_WITH_STAR_IN_RESOURCE`).
    pub issue_code: &'static str,
    /// The message (`findingDetails`).
    pub details: String,
    /// The places in the document the finding is about.
    pub locations: Vec<Location>,
}

/// The reference page every `learnMoreLink` points into.
pub const REFERENCE_PAGE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";

impl Finding {
    /// The link to the check's section of the reference page: its anchor is the type and the
    /// issue code, lowercased with hyphens
    /// (`#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource`).
    pub fn learn_more_link(&self) -> String {
        if self.is_rootsim() {
            return ROOTSIM_LEARN_MORE.to_string();
        }
        format!(
            "{REFERENCE_PAGE}#access-analyzer-reference-policy-checks-{}-{}",
            self.finding_type.anchor(),
            self.issue_code.to_ascii_lowercase().replace('_', "-")
        )
    }

    /// The finding as the API's `ValidatePolicyFinding`, members in the model's order.
    pub fn to_json(&self) -> Value {
        let locations: Vec<Value> = self
            .locations
            .iter()
            .map(|l| {
                let path: Vec<Value> = l
                    .path
                    .iter()
                    .map(|p| match p {
                        PathElement::Value(v) => json!({ "value": v }),
                        PathElement::Index(i) => json!({ "index": i }),
                    })
                    .collect();
                let pos = |p: &Position| json!({ "line": p.line, "column": p.column, "offset": p.offset });
                json!({ "path": path, "span": { "start": pos(&l.start), "end": pos(&l.end) } })
            })
            .collect();
        json!({
            "findingDetails": self.details,
            "findingType": self.finding_type.as_str(),
            "issueCode": self.issue_code,
            "learnMoreLink": self.learn_more_link(),
            "locations": locations,
        })
    }

    /// Whether the finding is one of rootsim's own checks ([`ROOTSIM_CHECKS`]), not Access
    /// Analyzer's.
    pub fn is_rootsim(&self) -> bool {
        ROOTSIM_CHECKS.iter().any(|(c, _)| *c == self.issue_code)
    }

    /// Whether the finding fails a check (an error or a security warning), as Access Analyzer's
    /// own CI tools treat them by default.
    pub fn is_blocking(&self) -> bool {
        matches!(self.finding_type, FindingType::Error | FindingType::SecurityWarning)
    }
}

/// Every check rootsim makes: its issue code and type, as the reference page lists them.
pub const CHECKS: &[(&str, FindingType)] = &[
    ("JSON_SYNTAX_ERROR", FindingType::Error),
    ("DATA_TYPE_MISMATCH", FindingType::Error),
    ("INVALID_POLICY_ELEMENT", FindingType::Error),
    ("INVALID_VERSION", FindingType::Error),
    ("MISSING_STATEMENT", FindingType::Error),
    ("MISSING_EFFECT", FindingType::Error),
    ("INVALID_EFFECT", FindingType::Error),
    ("MISSING_ACTION", FindingType::Error),
    ("MISSING_RESOURCE", FindingType::Error),
    ("MISSING_PRINCIPAL", FindingType::Error),
    ("UNSUPPORTED_PRINCIPAL", FindingType::Error),
    ("UNSUPPORTED_ELEMENT_COMBINATION", FindingType::Error),
    ("UNSUPPORTED_SID", FindingType::Error),
    ("UNIQUE_SIDS_REQUIRED", FindingType::Error),
    ("INVALID_ACTION", FindingType::Error),
    ("INVALID_SERVICE_IN_ACTION", FindingType::Error),
    ("INVALID_ARN_PREFIX", FindingType::Error),
    ("MISSING_ARN_FIELD", FindingType::Error),
    ("INVALID_ARN_SERVICE_CASE", FindingType::Error),
    ("INVALID_ARN_ACCOUNT", FindingType::Error),
    ("ARN_REGION_NOT_ALLOWED", FindingType::Error),
    ("MISSING_ARN_REGION", FindingType::Error),
    ("ARN_ACCOUNT_NOT_ALLOWED", FindingType::Error),
    ("INVALID_PRINCIPAL_FORMAT", FindingType::Error),
    ("INVALID_PRINCIPAL_KEY", FindingType::Error),
    ("INVALID_CONDITION_OPERATOR", FindingType::Error),
    ("NULL_WITH_IF_EXISTS", FindingType::Error),
    ("INVALID_CONDITION_KEY_FORMAT", FindingType::Error),
    ("INVALID_GLOBAL_CONDITION_KEY", FindingType::Error),
    ("INVALID_SERVICE_CONDITION_KEY", FindingType::Error),
    ("DUPLICATE_KEYS_WITH_DIFFERENT_CASE", FindingType::Error),
    ("UNSUPPORTED_ACTION_FOR_CONDITION_KEY", FindingType::Error),
    ("SCP_SYNTAX_ERROR_ACTION_WILDCARD", FindingType::Error),
    ("SCP_SYNTAX_ERROR_ALLOW_CONDITION", FindingType::Error),
    ("SCP_SYNTAX_ERROR_ALLOW_NOTACTION", FindingType::Error),
    ("SCP_SYNTAX_ERROR_ALLOW_RESOURCE", FindingType::Error),
    ("SCP_SYNTAX_ERROR_NOTRESOURCE", FindingType::Error),
    ("SCP_SYNTAX_ERROR_PRINCIPAL", FindingType::Error),
    ("UNSUPPORTED_ACTION_IN_POLICY", FindingType::Error),
    ("UNSUPPORTED_RESOURCE_ARN_IN_POLICY", FindingType::Error),
    ("MISSING_QUALIFIER", FindingType::Error),
    ("INVALID_CONDITION_DATA_TYPE", FindingType::Error),
    ("INVALID_CONDITION_MULTIPLE_BOOLEAN", FindingType::Error),
    ("INVALID_VARIABLE_FOR_OPERATOR", FindingType::Error),
    ("INVALID_PARTITION", FindingType::Error),
    ("MISSING_TAG_KEY_IN_CONDITION", FindingType::Error),
    ("INVALID_VPC_FORMAT", FindingType::Error),
    ("INVALID_VPCE_FORMAT", FindingType::Error),
    ("PRIVATE_IP_ADDRESS", FindingType::Error),
    ("PRIVATE_NOT_IP_ADDRESS", FindingType::Error),
    ("UNSUPPORTED_GLOBAL_CONDITION_KEY", FindingType::Error),
    ("MISSING_BRACE_IN_VARIABLE", FindingType::Error),
    ("MISSING_QUOTE_IN_VARIABLE", FindingType::Error),
    ("UNSUPPORTED_SPACE_IN_VARIABLE", FindingType::Error),
    ("EMPTY_VARIABLE", FindingType::Error),
    ("VARIABLE_UNSUPPORTED_IN_ELEMENT", FindingType::Error),
    ("VARIABLE_UNSUPPORTED_IN_VERSION", FindingType::Error),
    ("POLICY_SIZE_EXCEEDS_SCP_QUOTA", FindingType::Error),
    ("INVALID_SERVICE_PRINCIPAL_FORMAT", FindingType::Error),
    ("UNSUPPORTED_WILDCARD_IN_PRINCIPAL", FindingType::Error),
    ("UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL", FindingType::Error),
    ("ALLOW_WITH_NOT_PRINCIPAL", FindingType::SecurityWarning),
    ("FORALLVALUES_WITH_SINGLE_VALUED_KEY", FindingType::SecurityWarning),
    ("PASS_ROLE_WITH_STAR_IN_RESOURCE", FindingType::SecurityWarning),
    ("PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", FindingType::SecurityWarning),
    ("PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", FindingType::SecurityWarning),
    ("PASS_ROLE_WITH_NOT_RESOURCE", FindingType::SecurityWarning),
    ("PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", FindingType::SecurityWarning),
    ("PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", FindingType::SecurityWarning),
    ("DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", FindingType::SecurityWarning),
    ("MISSING_PAIRED_CONDITION_KEYS", FindingType::SecurityWarning),
    ("RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", FindingType::SecurityWarning),
    ("DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", FindingType::SecurityWarning),
    ("MISSING_VERSION", FindingType::Warning),
    ("UNIQUE_SIDS_RECOMMENDED", FindingType::Warning),
    ("WILDCARD_WITHOUT_LIKE_OPERATOR", FindingType::Warning),
    ("TYPE_MISMATCH", FindingType::Warning),
    ("TYPE_MISMATCH_BOOLEAN", FindingType::Warning),
    ("TYPE_MISMATCH_DATE", FindingType::Warning),
    ("TYPE_MISMATCH_IP_RANGE", FindingType::Warning),
    ("TYPE_MISMATCH_NUMBER", FindingType::Warning),
    ("TYPE_MISMATCH_STRING", FindingType::Warning),
    ("CREATE_SLR_WITH_STAR_IN_RESOURCE", FindingType::Warning),
    ("CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE", FindingType::Warning),
    ("CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", FindingType::Warning),
    ("CREATE_SLR_WITH_NOT_RESOURCE", FindingType::Warning),
    ("CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", FindingType::Warning),
    ("CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE", FindingType::Warning),
    ("INVALID_DATE_VALUE", FindingType::Warning),
    ("POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", FindingType::Warning),
    ("POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", FindingType::Warning),
    ("EMPTY_ARRAY_ACTION", FindingType::Suggestion),
    ("EMPTY_ARRAY_RESOURCE", FindingType::Suggestion),
    ("EMPTY_ARRAY_PRINCIPAL", FindingType::Suggestion),
    ("EMPTY_OBJECT_PRINCIPAL", FindingType::Suggestion),
    ("EMPTY_OBJECT_CONDITION", FindingType::Suggestion),
    ("EMPTY_ARRAY_CONDITION", FindingType::Suggestion),
    ("EMPTY_ARRAY_CONDITION_FORALLVALUES", FindingType::Suggestion),
    ("EMPTY_ARRAY_CONDITION_FORANYVALUE", FindingType::Suggestion),
    ("EMPTY_ARRAY_CONDITION_IFEXISTS", FindingType::Suggestion),
    ("EMPTY_SID_VALUE", FindingType::Suggestion),
    ("NULL_WITH_QUALIFIER", FindingType::Suggestion),
    ("WILDCARD_IN_SERVICE_NAME", FindingType::Suggestion),
    ("REDUNDANT_ACTION", FindingType::Suggestion),
    ("REDUNDANT_RESOURCE", FindingType::Suggestion),
    ("REDUNDANT_STATEMENT", FindingType::Suggestion),
    ("IMPROVE_IP_RANGE", FindingType::Suggestion),
    ("REDUNDANT_CONDITION_VALUE_NUM", FindingType::Suggestion),
    ("ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", FindingType::Suggestion),
    ("ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", FindingType::Suggestion),
    ("RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL", FindingType::Suggestion),
];

/// rootsim's own checks, which Access Analyzer does not make (rule AA-ROOTSIM-RESOURCE-FIT): each
/// a general warning, its details marked `(rootsim)`.
pub const ROOTSIM_CHECKS: &[(&str, FindingType)] = &[
    ("ROOTSIM_NO_RESOURCE_LEVEL_PERMISSIONS", FindingType::Warning),
    ("ROOTSIM_RESOURCE_TYPE_MISMATCH", FindingType::Warning),
];

/// Where a rootsim check's `learnMoreLink` points: the Service Authorization Reference, which
/// lists each action's resource types and their ARN formats.
pub const ROOTSIM_LEARN_MORE: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html";

/// The type of the check `code` (every code [`validate`] gives is in [`CHECKS`]).
fn type_of(code: &str) -> FindingType {
    CHECKS.iter().chain(ROOTSIM_CHECKS).find(|(c, _)| *c == code).map(|(_, t)| *t).unwrap_or(FindingType::Error)
}

/// Validates `document` as a policy of `policy_type` (attached to `resource_type`, one of
/// [`RESOURCE_TYPES`], when given), as Access Analyzer's `ValidatePolicy` does: the findings in
/// document order. An empty answer means no check found anything.
pub fn validate(document: &str, policy_type: PolicyType, resource_type: Option<&str>) -> Vec<Finding> {
    checks::run(document, policy_type, resource_type, false)
}

/// [`validate`] and rootsim's own checks besides, in document order: a statement that names an
/// action and only resources that action never acts on (issue codes in [`ROOTSIM_CHECKS`]).
/// Access Analyzer has no such check, so `aws accessanalyzer validate-policy` answers
/// [`validate`]'s findings alone; `rootsim validate-policy --findings` answers these.
pub fn validate_with_rootsim_checks(
    document: &str,
    policy_type: PolicyType,
    resource_type: Option<&str>,
) -> Vec<Finding> {
    checks::run(document, policy_type, resource_type, true)
}
