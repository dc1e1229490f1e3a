//! The AWS managed policies that rootsim knows: every one of AWS's catalogue
//! (`rootsim-catalogue`, the default version of each as AWS publishes it), and rootsim's own
//! copies of the five root task policies.
//!
//! A policy's name, path, version and dates come from the catalogue's index without decoding any
//! document; its document is decoded and parsed the first time a decision or an output needs it,
//! and a document that cannot be parsed reads as absent (the policy cannot be attached, and an
//! imported attachment to it fails closed). Policy IDs are derived from names (AWS's are not
//! published). Descriptions are kept for the few policies rootsim's lessons show; AWS's
//! catalogue data carries none.

use rootsim_policy::{ParseOptions, Policy, PolicyKind};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// An AWS managed policy.
#[derive(Debug)]
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
    /// AWS's description, for the policies rootsim keeps one for.
    pub description: Option<&'static str>,
    /// When AWS created it (epoch seconds).
    pub created: i64,
    /// When its default version last changed (epoch seconds).
    pub updated: i64,
    /// Whether it can be attached to users, groups and roles (root task policies cannot).
    pub attachable: bool,
    /// Where the document comes from.
    source: Source,
    /// The parsed document, on first use.
    document: OnceLock<Option<Policy>>,
}

#[derive(Debug, Clone, Copy)]
enum Source {
    /// A root task policy: rootsim's copy, a session-kind document.
    Task(&'static str),
    /// AWS's catalogue.
    Catalogue(&'static rootsim_catalogue::ManagedPolicy),
}

impl AwsManagedPolicy {
    /// The default version's document, parsed on first use; `None` when it cannot be read (then
    /// the policy allows nothing and cannot be attached: fail closed).
    pub fn document(&self) -> Option<&Policy> {
        self.document
            .get_or_init(|| {
                let opts = ParseOptions { aws_managed: true, ..ParseOptions::default() };
                match self.source {
                    Source::Task(text) => Policy::parse_with(text, PolicyKind::Session, &opts).ok(),
                    Source::Catalogue(p) => {
                        p.document().and_then(|text| Policy::parse_with(text, PolicyKind::Identity, &opts).ok())
                    }
                }
            })
            .as_ref()
    }

    /// Whether it is a service-linked role's policy (path `/aws-service-role/`): AWS attaches it
    /// to that role only.
    pub fn is_service_role_policy(&self) -> bool {
        self.path == "/aws-service-role/"
    }
}

/// Descriptions AWS gives the policies that lessons and examples show (IAM `get-policy`).
const DESCRIPTIONS: &[(&str, &str)] = &[
    ("AdministratorAccess", "Provides full access to AWS services and resources."),
    (
        "PowerUserAccess",
        "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
    ),
    ("ReadOnlyAccess", "Provides read-only access to AWS services and resources."),
    ("IAMFullAccess", "Provides full access to IAM via the AWS Management Console."),
    ("IAMReadOnlyAccess", "Provides read only access to IAM via the AWS Management Console."),
    ("IAMUserChangePassword", "Provides the ability for an IAM user to change their own password."),
    ("AWSOrganizationsFullAccess", "Provides full access to AWS Organizations."),
    ("AWSOrganizationsReadOnlyAccess", "Provides read-only access to AWS Organizations."),
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

/// `2015-02-06T18:39:46.000Z` as epoch seconds; `None` for anything else.
fn parse_iso(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<u32>().ok();
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(crate::clock::days_from_civil(i64::from(y), mo, d) * 86_400 + i64::from(h * 3600 + mi * 60 + s))
}

/// When rootsim's root task policies are dated: AWS published them with centralized root access.
const TASK_POLICY_DATE: &str = "2024-11-15T00:00:00.000Z";

fn catalogue() -> &'static BTreeMap<String, AwsManagedPolicy> {
    static CELL: OnceLock<BTreeMap<String, AwsManagedPolicy>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut out = BTreeMap::new();
        for p in rootsim_catalogue::managed_policies() {
            let description = DESCRIPTIONS.iter().find(|(n, _)| *n == p.name).map(|(_, d)| *d);
            let entry = AwsManagedPolicy {
                name: &p.name,
                path: &p.path,
                arn: p.arn(),
                id: derived_id(&p.name),
                version: &p.version_id,
                description,
                created: parse_iso(&p.created).unwrap_or(0),
                updated: parse_iso(&p.updated).unwrap_or(0),
                attachable: true,
                source: Source::Catalogue(p),
                document: OnceLock::new(),
            };
            out.insert(entry.arn.clone(), entry);
        }
        // rootsim's own root task policies replace the catalogue's entries of the same ARN: they
        // are session-kind documents that scope an AssumeRoot session, never attachable.
        for (name, description, doc) in TASK_POLICIES {
            let date = parse_iso(TASK_POLICY_DATE).unwrap_or(0);
            let entry = AwsManagedPolicy {
                name,
                path: "/root-task/",
                arn: format!("arn:aws:iam::aws:policy/root-task/{name}"),
                id: derived_id(name),
                version: "v1",
                description: Some(description),
                created: date,
                updated: date,
                attachable: false,
                source: Source::Task(doc),
                document: OnceLock::new(),
            };
            out.insert(entry.arn.clone(), entry);
        }
        out
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

/// Every AWS managed policy, in ARN order (documents are not decoded).
pub fn all() -> impl Iterator<Item = &'static AwsManagedPolicy> {
    catalogue().values()
}

/// Whether `arn` names an AWS managed policy (the account field is `aws`), known or not.
pub fn is_aws_managed_arn(arn: &str) -> bool {
    arn.starts_with(rootsim_catalogue::AWS_MANAGED_POLICY_PREFIX)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_catalogue_and_the_task_policies_are_there() {
        assert!(super::all().count() > 1_000);
        let admin = super::aws_managed("arn:aws:iam::aws:policy/AdministratorAccess").unwrap();
        assert!(admin.document().is_some());
        assert_eq!(admin.description, Some("Provides full access to AWS services and resources."));
        // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
        assert_eq!(crate::clock::format_cli(admin.created), "2015-02-06T18:39:46+00:00");
        let view = super::aws_managed("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess").unwrap();
        assert!(view.attachable && view.document().is_some());
        let task = super::aws_managed("arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy").unwrap();
        assert!(!task.attachable);
        assert_eq!(task.document().map(|d| d.kind()), Some(rootsim_policy::PolicyKind::Session));
        assert!(super::is_task_policy("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"));
        let id = super::derived_id("AdministratorAccess");
        assert_eq!(id.len(), 21);
        assert_ne!(id, super::derived_id("ReadOnlyAccess"));
        assert_eq!(super::parse_iso("2015-02-06T18:39:46.000Z"), Some(1_423_247_986));
        assert_eq!(super::parse_iso("nonsense"), None);
    }
}
