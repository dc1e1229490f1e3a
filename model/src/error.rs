//! Errors of the model layer.
//!
//! Every failure of a simulated AWS call is an [`AwsError`]: AWS's error code, its message and the
//! HTTP status, raised where the rule lives. The command layer adds the operation name when it prints
//! the AWS CLI's line `An error occurred (<Code>) when calling the <Operation> operation: <Message>`.

use serde::{Deserialize, Serialize};

/// An error as an AWS service returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct AwsError {
    /// The wire error code, e.g. `AccessDenied` or `NoSuchEntity`.
    pub code: String,
    /// The message AWS returns with it.
    pub message: String,
    /// The HTTP status code of the response.
    pub status: u16,
    /// Beyond AWS: where and why, e.g. the line and column of a malformed policy's bad element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl AwsError {
    /// An error with the given code, HTTP status and message.
    pub fn new(code: &str, status: u16, message: impl Into<String>) -> Self {
        AwsError { code: code.to_string(), message: message.into(), status, hint: None }
    }

    /// The same error with a hint for people (printed on the line after AWS's own).
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `AccessDenied` (403): the policy engine said no. IAM and STS use this wire code.
    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new("AccessDenied", 403, message)
    }

    /// `NoSuchEntity` (404): IAM's error for a missing user, role, policy, key...
    pub fn no_such_entity(message: impl Into<String>) -> Self {
        Self::new("NoSuchEntity", 404, message)
    }

    /// `EntityAlreadyExists` (409).
    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new("EntityAlreadyExists", 409, message)
    }

    /// `DeleteConflict` (409): the entity still has attachments.
    pub fn delete_conflict(message: impl Into<String>) -> Self {
        Self::new("DeleteConflict", 409, message)
    }

    /// `LimitExceeded` (409): an IAM quota was hit.
    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::new("LimitExceeded", 409, message)
    }

    /// `InvalidInput` (400): IAM's error for a bad parameter value.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new("InvalidInput", 400, message)
    }

    /// `ValidationError` (400): the Query protocol's error for a value outside its constraints.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationError", 400, message)
    }

    /// `MalformedPolicyDocument` (400).
    pub fn malformed_policy(message: impl Into<String>) -> Self {
        Self::new("MalformedPolicyDocument", 400, message)
    }

    /// `UnmodifiableEntity` (400): AWS managed or service-linked entities.
    pub fn unmodifiable(message: impl Into<String>) -> Self {
        Self::new("UnmodifiableEntity", 400, message)
    }

    /// `InvalidClientTokenId` (403): the access key is unknown or was deleted.
    pub fn invalid_token() -> Self {
        Self::new("InvalidClientTokenId", 403, "The security token included in the request is invalid.")
    }

    /// `SignatureDoesNotMatch` (403): the secret does not belong to the access key.
    pub fn signature_mismatch() -> Self {
        Self::new(
            "SignatureDoesNotMatch",
            403,
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        )
    }

    /// `ExpiredToken` (400): temporary credentials whose session ended.
    pub fn expired_token() -> Self {
        Self::new("ExpiredToken", 400, "The security token included in the request is expired")
    }
}

/// The error a service answers when the policy engine denies `action` (`service:Operation`),
/// from the engine's `message` ("User: ... is not authorized to perform: ..."): each service has
/// its own code and wording (issue 17). Sources, observed (AWS CLI and SDK output quoted in public
/// issue threads) or documented:
/// - IAM, STS, S3: `AccessDenied` with the message as built
///   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html>);
/// - SNS: `AuthorizationError`, the action spelled `SNS:Publish` (observed:
///   "An error occurred (AuthorizationError) when calling the Publish operation: User: ... is not
///   authorized to perform: SNS:Publish on resource: ..."; the code is the model's
///   `AuthorizationErrorException`);
/// - SQS: `AccessDenied`, the action in lower case (observed: "... is not authorized to perform:
///   sqs:sendmessage on resource: ... because no identity-based policy allows the sqs:sendmessage action");
/// - Access Analyzer, EventBridge, CloudTrail, KMS, Account Management: `AccessDeniedException` with the message
///   as built (AWS's common error, <https://docs.aws.amazon.com/eventbridge/latest/APIReference/CommonErrors.html>);
/// - EC2: `UnauthorizedOperation` (403), "You are not authorized to perform this operation." before
///   the engine's message, and an encoded authorization failure message after it when the action
///   names a resource ([`ec2_unauthorized`]);
/// - Systems Manager, EC2 Instance Connect: `AccessDeniedException` with the message as built
///   (<https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html>);
/// - Lambda: `AccessDeniedException` (403) with the message as built, its own and that of a
///   denied `iam:PassRole` or S3 read made for it (observed: "An error occurred
///   (AccessDeniedException) when calling the CreateFunction operation: User: ... is not
///   authorized to perform: iam:PassRole on resource: ..."; `lambda::ops`);
/// - Glue: `AccessDeniedException` (JSON protocol, HTTP 400), its own denials and a refused
///   `iam:PassRole` alike (observed: "An error occurred (AccessDeniedException) when calling the
///   CreateCrawler operation: User: ... is not authorized to perform: iam:PassRole on resource:
///   ..."); CloudFormation (Query protocol): `AccessDenied` with the message as built;
/// - SageMaker, CodeBuild: `AccessDeniedException` with the message as built (observed: "An error
///   occurred (AccessDeniedException) when calling the DeleteApp operation: User: ... is not
///   authorized to perform: sagemaker:DeleteApp on resource: ..."; CodeBuild's "Status Code: 400;
///   Error Code: AccessDeniedException" for codebuild:StartBuild, and for iam:PassRole refused
///   during CreateProject);
/// - EC2 Auto Scaling (Query protocol): `AccessDenied` with the message as built, its own
///   denials and a refused `iam:PassRole` during `CreateLaunchConfiguration` alike (observed:
///   "User: ... is not authorized to perform: autoscaling:CreateLaunchConfiguration on resource:
///   arn:aws:autoscaling:...:launchConfiguration:*:launchConfigurationName/...", quoted in
///   <https://github.com/eksctl-io/eksctl/issues/339>);
/// - Organizations: `AccessDeniedException` with its fixed sentence "You don't have permissions to
///   access this resource." (the model's AccessDeniedException; observed), the engine's message
///   kept beside it as rootsim's hint.
pub fn denied_by_service(action: &str, message: String) -> AwsError {
    let (service, operation) = action.split_once(':').unwrap_or(("", action));
    match service {
        "sns" => AwsError::new("AuthorizationError", 403, message.replace(action, &format!("SNS:{operation}"))),
        "sqs" => AwsError::access_denied(message.replace(action, &action.to_ascii_lowercase())),
        "ec2" => ec2_unauthorized(&message),
        "events" | "cloudtrail" | "kms" | "account" => AwsError::new("AccessDeniedException", 400, message),
        "ssm" | "ec2-instance-connect" => AwsError::new("AccessDeniedException", 400, message),
        "glue" => AwsError::new("AccessDeniedException", 400, message),
        "codebuild" | "sagemaker" => AwsError::new("AccessDeniedException", 400, message),
        // Auto Scaling (Query protocol): AccessDenied, its own denials and a refused iam:PassRole.
        "autoscaling" => AwsError::access_denied(message),
        // Access Analyzer: its model's AccessDeniedException, HTTP 403.
        "access-analyzer" => AwsError::new("AccessDeniedException", 403, message),
        // Lambda: its model's AccessDeniedException, HTTP 403.
        "lambda" => AwsError::new("AccessDeniedException", 403, message),
        "organizations" => AwsError::new("AccessDeniedException", 400, ORGANIZATIONS_DENIED)
            .with_hint(format!("  (rootsim) {message}")),
        _ => AwsError::access_denied(message),
    }
}

/// EC2's `UnauthorizedOperation` for the engine's denial `message`, also used for the
/// `iam:PassRole` EC2 asks on the caller's behalf: "You are not authorized to perform this
/// operation." and the engine's sentence, then, when a resource was named, "Encoded authorization
/// failure message: " and a token (<https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html>:
/// only some operations return one; `Describe*` calls, which name no resource, do not). The
/// token is derived from the message alone, so a transcript is the same on every run; rootsim
/// does not decode it (**simulator assumption**: AWS's token is an opaque encryption of the
/// decision, decoded with `sts decode-authorization-message`).
pub fn ec2_unauthorized(message: &str) -> AwsError {
    let mut text = format!("You are not authorized to perform this operation. {message}");
    if message.contains(" on resource: ") {
        // The engine's sentence ends without a full stop; EC2's message puts one before the token.
        if !text.ends_with('.') {
            text.push('.');
        }
        text.push_str(" Encoded authorization failure message: ");
        text.push_str(&encoded_token(message));
    }
    AwsError::new("UnauthorizedOperation", 403, text)
}

/// A deterministic 96-character token of `text` in the URL-safe base64 alphabet: FNV-1a of the
/// text seeds a SplitMix64 sequence.
fn encoded_token(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state =
        text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let mut out = String::with_capacity(96);
    while out.len() < 96 {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        for i in 0..10 {
            out.push(char::from(ALPHABET[((z >> (i * 6)) & 63) as usize]));
        }
    }
    out.truncate(96);
    out
}

/// Organizations' message for every denial of the policy engine.
pub const ORGANIZATIONS_DENIED: &str = "You don't have permissions to access this resource.";

/// The codes a denial of the policy engine is answered with, whatever the service.
pub const DENIAL_CODES: &[&str] =
    &["AccessDenied", "AccessDeniedException", "AuthorizationError", "UnauthorizedOperation"];

/// Result of a simulated AWS call.
pub type AwsResult<T> = Result<T, AwsError>;

/// IAM's `MalformedPolicyDocument` for a document the policy engine refused: AWS's message, and
/// beyond AWS a hint with the line and column of the offending element.
pub fn policy_error(e: rootsim_policy::PolicyError) -> AwsError {
    AwsError::malformed_policy(e.message).with_hint(format!("  at line {}, column {}: {}", e.line, e.column, e.detail))
}
