//! Access Analyzer's operations: `ValidatePolicy`, authorized as `access-analyzer:ValidatePolicy`
//! (an action that takes no resource) and answered with the `rootsim-analyzer` crate's findings.
//! The response is the whole list; `pages::invoke` cuts it into pages as the model paginates it.

use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Shape};
use rootsim_analyzer::{validate, PolicyType, RESOURCE_TYPES};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

/// Access Analyzer's answer to a value outside an enum (simulator assumption: the wording of
/// AWS's request validation, which its JSON services share).
fn enum_error(value: &str, member: &str, allowed: &[&str]) -> AwsError {
    AwsError::new(
        "ValidationException",
        400,
        format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            allowed.join(", ")
        ),
    )
}

fn validate_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let document = req_str(input, "policyDocument")?;
    let type_name = req_str(input, "policyType")?;
    let resource_type = opt_str(input, "validatePolicyResourceType");
    call.authorize("access-analyzer:ValidatePolicy", "*")?;
    let Some(policy_type) = PolicyType::parse(type_name) else {
        let names: Vec<&str> = PolicyType::ALL.iter().map(|t| t.as_str()).collect();
        return Err(enum_error(type_name, "policyType", &names));
    };
    if let Some(rt) = resource_type.filter(|rt| !RESOURCE_TYPES.contains(rt)) {
        return Err(enum_error(rt, "validatePolicyResourceType", RESOURCE_TYPES));
    }
    // Only English findings are modelled: every locale is answered in English (simulator
    // assumption).
    let findings: Vec<Value> =
        validate(document, policy_type, resource_type).iter().map(rootsim_analyzer::Finding::to_json).collect();
    Ok(json!({ "findings": findings }))
}

/// Access Analyzer's operations.
pub const OPERATIONS: &[Operation] = operations!(
    "accessanalyzer",
    [(
        "ValidatePolicy",
        validate_policy,
        "Validates a policy document: Access Analyzer's findings (errors, security warnings, warnings, suggestions).",
        [
            p("policyDocument", Shape::Document, true, "the JSON policy document (file:// or inline)"),
            p(
                "policyType",
                Shape::String,
                true,
                "IDENTITY_POLICY, RESOURCE_POLICY, SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY"
            ),
            p("locale", Shape::String, false, "the findings' language (rootsim answers in English)"),
            p(
                "validatePolicyResourceType",
                Shape::String,
                false,
                "the resource type a resource policy is attached to, e.g. AWS::S3::Bucket"
            ),
        ]
    )]
);
