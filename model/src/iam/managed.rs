//! The catalogue of AWS managed policies that rootsim knows.
//!
//! Documents are AWS's where AWS's are short (AdministratorAccess, IAMFullAccess, ...). Where
//! AWS's document lists hundreds of services (ReadOnlyAccess, PowerUserAccess' exceptions), the
//! catalogue keeps the statements for the services rootsim models: a simulator assumption recorded
//! in docs/rules.md. Policy IDs of AWS managed policies are derived from their names.

use rootsim_policy::{ParseOptions, Policy, PolicyKind};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// An AWS managed policy.
#[derive(Debug, Clone)]
pub struct AwsManagedPolicy {
    /// The name, e.g. `AdministratorAccess`.
    pub name: &'static str,
    /// The path, e.g. `/` or `/job-function/`.
    pub path: &'static str,
    /// The ARN.
    pub arn: String,
    /// The policy ID (`ANPA...`).
    pub id: String,
    /// The default version, e.g. `v1`.
    pub version: &'static str,
    /// AWS's description.
    pub description: &'static str,
    /// The document.
    pub document: Policy,
    /// Whether it can be attached to users, groups and roles (root task policies cannot).
    pub attachable: bool,
}

/// (name, path, version, description, document)
const CATALOGUE: &[(&str, &str, &str, &str, &str)] = &[
    (
        "AdministratorAccess",
        "/",
        "v1",
        "Provides full access to AWS services and resources.",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    ),
    (
        "PowerUserAccess",
        "/",
        "v5",
        "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["account:GetAccountInformation","account:GetPrimaryEmail","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]}"#,
    ),
    (
        "ReadOnlyAccess",
        "/",
        "v1",
        "Provides read-only access to AWS services and resources.",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["account:Get*","account:List*","cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:List*","cloudtrail:LookupEvents","events:Describe*","events:List*","events:Test*","iam:Generate*","iam:Get*","iam:List*","iam:Simulate*","kms:Describe*","kms:Get*","kms:List*","organizations:Describe*","organizations:List*","s3:Get*","s3:List*","sns:Get*","sns:List*","sqs:Get*","sqs:List*","sts:GetCallerIdentity"],"Resource":"*"}]}"#,
    ),
    (
        "IAMFullAccess",
        "/",
        "v2",
        "Provides full access to IAM via the AWS Management Console.",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}"#,
    ),
    (
        "IAMReadOnlyAccess",
        "/",
        "v4",
        "Provides read only access to IAM via the AWS Management Console.",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}"#,
    ),
    (
        "IAMUserChangePassword",
        "/",
        "v2",
        "Provides the ability for an IAM user to change their own password.",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ChangePassword"],"Resource":["arn:aws:iam::*:user/${aws:username}"]},{"Effect":"Allow","Action":["iam:GetAccountPasswordPolicy"],"Resource":"*"}]}"#,
    ),
    (
        "AWSOrganizationsFullAccess",
        "/",
        "v6",
        "Provides full access to AWS Organizations.",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSOrganizationsFullAccess","Effect":"Allow","Action":"organizations:*","Resource":"*"},{"Sid":"AWSOrganizationsFullAccessAccount","Effect":"Allow","Action":["account:PutAlternateContact","account:DeleteAlternateContact","account:GetAlternateContact","account:GetContactInformation","account:PutContactInformation","account:ListRegions","account:EnableRegion","account:DisableRegion","account:GetRegionOptStatus","account:GetPrimaryEmail","account:StartPrimaryEmailUpdate","account:AcceptPrimaryEmailUpdate"],"Resource":"*"}]}"#,
    ),
    (
        "AWSOrganizationsReadOnlyAccess",
        "/",
        "v8",
        "Provides read-only access to AWS Organizations.",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSOrganizationsReadOnly","Effect":"Allow","Action":["organizations:Describe*","organizations:List*"],"Resource":"*"},{"Sid":"AWSOrganizationsReadOnlyAccount","Effect":"Allow","Action":["account:GetAlternateContact","account:GetContactInformation","account:ListRegions","account:GetRegionOptStatus","account:GetPrimaryEmail"],"Resource":"*"}]}"#,
    ),
];

/// The five root task policies
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html>):
/// deny-only documents that scope an `sts:AssumeRoot` session. They cannot be attached to users,
/// groups or roles.
const TASK_POLICIES: &[(&str, &str, &str)] = &[
    (
        "IAMAuditRootUserCredentials",
        "Lets a root session audit a member's root user credentials.",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllOtherActionsOnAnyResource","Effect":"Deny","NotAction":["iam:ListAccessKeys","iam:ListSigningCertificates","iam:GetLoginProfile","iam:ListMFADevices","iam:GetAccountSummary","iam:GetUser","iam:GetAccessKeyLastUsed"],"Resource":"*"},{"Sid":"DenyAuditingCredentialsOnNonRootUserResource","Effect":"Deny","Action":["iam:ListAccessKeys","iam:ListSigningCertificates","iam:GetLoginProfile","iam:ListMFADevices","iam:GetUser","iam:GetAccessKeyLastUsed"],"NotResource":"arn:aws:iam::*:root"}]}"#,
    ),
    (
        "IAMCreateRootUserPassword",
        "Lets a root session allow password recovery for a member's root user.",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllOtherActionsOnAnyResource","Effect":"Deny","NotAction":["iam:CreateLoginProfile","iam:GetLoginProfile"],"Resource":"*"},{"Sid":"DenyCreatingPasswordOnNonRootUserResource","Effect":"Deny","Action":["iam:CreateLoginProfile","iam:GetLoginProfile"],"NotResource":"arn:aws:iam::*:root"}]}"#,
    ),
    (
        "IAMDeleteRootUserCredentials",
        "Lets a root session delete a member's root user credentials.",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllOtherActionsOnAnyResource","Effect":"Deny","NotAction":["iam:DeleteAccessKey","iam:DeleteSigningCertificate","iam:DeleteLoginProfile","iam:DeactivateMFADevice","iam:ListAccessKeys","iam:ListSigningCertificates","iam:GetLoginProfile","iam:ListMFADevices","iam:GetUser","iam:GetAccessKeyLastUsed"],"Resource":"*"},{"Sid":"DenyDeletingRootUserCredentialsOnNonRootUserResource","Effect":"Deny","Action":["iam:DeleteAccessKey","iam:DeleteSigningCertificate","iam:DeleteLoginProfile","iam:DeactivateMFADevice","iam:ListAccessKeys","iam:ListSigningCertificates","iam:GetLoginProfile","iam:ListMFADevices","iam:GetUser","iam:GetAccessKeyLastUsed"],"NotResource":"arn:aws:iam::*:root"}]}"#,
    ),
    (
        "S3UnlockBucketPolicy",
        "Lets a root session delete or replace a member's bucket policy that denies everyone.",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllOtherActionsOnAnyResource","Effect":"Deny","NotAction":["s3:DeleteBucketPolicy","s3:PutBucketPolicy","s3:GetBucketPolicy","s3:ListAllMyBuckets"],"Resource":"*"},{"Sid":"DenyManagingBucketPolicyForNonRootCallers","Effect":"Deny","Action":["s3:DeleteBucketPolicy","s3:PutBucketPolicy","s3:GetBucketPolicy","s3:ListAllMyBuckets"],"Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}"#,
    ),
    (
        "SQSUnlockQueuePolicy",
        "Lets a root session replace a member's queue policy that denies everyone.",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllOtherActionsOnAnyResource","Effect":"Deny","NotAction":["sqs:SetQueueAttributes","sqs:GetQueueAttributes","sqs:ListQueues","sqs:GetQueueUrl"],"Resource":"*"},{"Sid":"DenyGettingQueueAttributesOnNonOwnQueue","Effect":"Deny","Action":["sqs:GetQueueAttributes"],"Resource":"arn:aws:sqs:*:*:*","Condition":{"StringNotEqualsIfExists":{"aws:ResourceAccount":["${aws:PrincipalAccount}"]}}},{"Sid":"DenyActionsForNonRootUser","Effect":"Deny","Action":["sqs:SetQueueAttributes","sqs:GetQueueAttributes","sqs:ListQueues","sqs:GetQueueUrl"],"Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}"#,
    ),
];

/// A stable, name-derived policy ID: `ANPA` and 17 base-32 characters.
fn derived_id(name: &str) -> String {
    const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::from("ANPA");
    for i in 0..17u64 {
        for b in name.bytes().chain(i.to_le_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push(BASE32[(h % 32) as usize] as char);
    }
    out
}

fn catalogue() -> &'static BTreeMap<String, AwsManagedPolicy> {
    static CELL: OnceLock<BTreeMap<String, AwsManagedPolicy>> = OnceLock::new();
    CELL.get_or_init(|| {
        CATALOGUE
            .iter()
            .map(|(name, path, version, description, doc)| {
                let arn = format!("arn:aws:iam::aws:policy{path}{name}");
                let opts = ParseOptions { aws_managed: true, ..ParseOptions::default() };
                let document = Policy::parse_with(doc, PolicyKind::Identity, &opts)
                    .unwrap_or_else(|e| panic!("built-in managed policy {name} is invalid: {e}"));
                let p = AwsManagedPolicy {
                    name,
                    path,
                    arn: arn.clone(),
                    id: derived_id(name),
                    version,
                    description,
                    document,
                    attachable: true,
                };
                (arn, p)
            })
            .chain(TASK_POLICIES.iter().map(|(name, description, doc)| {
                let arn = format!("arn:aws:iam::aws:policy/root-task/{name}");
                let opts = ParseOptions { aws_managed: true, ..ParseOptions::default() };
                let document = Policy::parse_with(doc, PolicyKind::Session, &opts)
                    .unwrap_or_else(|e| panic!("task policy {name} is invalid: {e}"));
                let p = AwsManagedPolicy {
                    name,
                    path: "/root-task/",
                    arn: arn.clone(),
                    id: derived_id(name),
                    version: "v1",
                    description,
                    document,
                    attachable: false,
                };
                (arn, p)
            }))
            .collect()
    })
}

/// Whether `arn` is one of the five root task policies.
pub fn is_task_policy(arn: &str) -> bool {
    aws_managed(arn).is_some_and(|p| p.path == "/root-task/")
}

/// The AWS managed policy with this ARN.
pub fn aws_managed(arn: &str) -> Option<&'static AwsManagedPolicy> {
    catalogue().get(arn)
}

/// Every AWS managed policy, in ARN order.
pub fn all() -> impl Iterator<Item = &'static AwsManagedPolicy> {
    catalogue().values()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_document_parses() {
        assert!(super::all().count() >= 8);
        assert!(super::aws_managed("arn:aws:iam::aws:policy/AdministratorAccess").is_some());
        let id = super::derived_id("AdministratorAccess");
        assert_eq!(id.len(), 21);
        assert_ne!(id, super::derived_id("ReadOnlyAccess"));
    }
}
