//! The catalogue of tasks that need the account root user.
//!
//! One entry per task of AWS's list (IAM User Guide "Tasks that require root user credentials",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks>): what it is, who may do it in a standalone account, a management account and a
//! member account (without and with centralized root access), and how it is done: the AWS
//! operation where one exists, the sandbox's console command where AWS offers only the console.
//! `rootsim tasks` prints this table; scenarios and lessons are checked against it.

use serde::Serialize;

mod account;
pub use account::{for_account, AccountTasks, TaskNow, Way};

/// How a task is performed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum How {
    /// Through AWS operations (`aws <service> <operation>`).
    Api {
        /// The CLI's service name.
        service: &'static str,
        /// The operations, CLI names.
        operations: &'static [&'static str],
    },
    /// Only in the console (or through AWS Support): a sandbox command stands in for it.
    Console {
        /// The sandbox command.
        command: &'static str,
    },
}

/// One task that needs the root user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// A stable ID, e.g. `close-account`.
    pub id: &'static str,
    /// The task in a few words.
    pub title: &'static str,
    /// What it is and why root matters.
    pub what: &'static str,
    /// Who may do it in a standalone account.
    pub standalone: &'static str,
    /// Who may do it in an organization's management account.
    pub management: &'static str,
    /// Who may do it in a member account without centralized root access.
    pub member: &'static str,
    /// Who may do it in a member account with centralized root access enabled.
    pub member_centralized: &'static str,
    /// How it is done.
    pub how: How,
    /// The IAM actions involved, if any.
    pub actions: &'static [&'static str],
    /// AWS's page for it.
    pub source: &'static str,
}

const ROOT_TASKS_PAGE: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks";
const ROOT_ONLY: &str = "the root user only";

/// Every task that needs the root user, in AWS's order.
pub const TASKS: &[Task] = &[
    Task {
        id: "change-root-email",
        title: "Change the root user's email address",
        what: "The root email is the account's primary address and the root user's sign-in name.",
        standalone: "the root user only, in the console",
        management: "the root user only, in the console",
        member: "the member's root user in the console, or an IAM principal of the management account or of the Account Management delegated administrator: aws account start-primary-email-update, then accept-primary-email-update with the one-time password sent to the new address",
        member_centralized: "as without centralized root access",
        how: How::Console { command: "console change-root-email --new-email EMAIL" },
        actions: &["account:GetPrimaryEmail", "account:StartPrimaryEmailUpdate", "account:AcceptPrimaryEmailUpdate"],
        source: "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-root-user-email.html",
    },
    Task {
        id: "change-root-password",
        title: "Change the root user's password",
        what: "The root password is separate from IAM passwords and IAM's ChangePassword does not touch it.",
        standalone: "the root user only, in the console (or the password-reset email)",
        management: "the root user only, in the console (or the password-reset email)",
        member: "the member's root user only, while its credentials exist",
        member_centralized: "nobody can set it; the management account can delete it or allow password recovery, after which the person at the root email sets it",
        how: How::Console { command: "console change-root-password --current-password OLD --new-password NEW" },
        actions: &[],
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-password.html",
    },
    Task {
        id: "manage-root-access-keys",
        title: "Create, deactivate or delete root access keys",
        what: "At most two; the first is created in the console, later ones by API with an existing root key. AWS recommends having none.",
        standalone: ROOT_ONLY,
        management: ROOT_ONLY,
        member: "the member's root user only",
        member_centralized: "the member's root user while its credentials exist; the management account can delete them (IAMDeleteRootUserCredentials) but never create them",
        how: How::Api { service: "iam", operations: &["create-access-key", "update-access-key", "delete-access-key", "list-access-keys"] },
        actions: &["iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys"],
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_add-key.html",
    },
    Task {
        id: "manage-root-signing-certs",
        title: "Manage root X.509 signing certificates",
        what: "Signing certificates for the few services that still accept them.",
        standalone: ROOT_ONLY,
        management: ROOT_ONLY,
        member: "the member's root user only",
        member_centralized: "the member's root user while its credentials exist; the management account can delete them",
        how: How::Api { service: "iam", operations: &["upload-signing-certificate", "delete-signing-certificate", "list-signing-certificates"] },
        actions: &["iam:UploadSigningCertificate", "iam:DeleteSigningCertificate", "iam:ListSigningCertificates"],
        source: ROOT_TASKS_PAGE,
    },
    Task {
        id: "manage-root-mfa",
        title: "Add or remove the root user's MFA devices",
        what: "Up to eight devices; MFA is required for the root user of every account. Devices are assigned in the console only (`console assign-root-mfa-device`, or `sign-in root --register-mfa-device`); the CLI lists, deactivates and deletes them.",
        standalone: ROOT_ONLY,
        management: ROOT_ONLY,
        member: "the member's root user only",
        member_centralized: "the member's root user while its credentials exist; the management account can deactivate its MFA",
        how: How::Api {
            service: "iam",
            operations: &["list-mfa-devices", "deactivate-mfa-device", "delete-virtual-mfa-device"],
        },
        actions: &["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:DeactivateMFADevice", "iam:DeleteVirtualMFADevice", "iam:ListMFADevices"],
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html",
    },
    Task {
        id: "close-account",
        title: "Close the AWS account",
        what: "Closure starts a 90-day post-closure period, after which it is permanent.",
        standalone: "the root user only, in the console",
        management: "the root user only, in the console, after every member is closed or removed",
        member: "the management account (organizations close-account) in an all-features organization, or the member's own root user",
        member_centralized: "the management account (organizations close-account)",
        how: How::Console { command: "console close-account" },
        actions: &["account:CloseAccount", "organizations:CloseAccount"],
        source: "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-closing.html",
    },
    Task {
        id: "reopen-account",
        title: "Reopen a closed account",
        what: "Within the 90-day post-closure period, if the account was closed by its owner with nothing owed; otherwise through AWS Support.",
        standalone: "the root user only, in the console",
        management: "the root user only, in the console",
        member: "the member's root user only, in the console",
        member_centralized: "after allowing password recovery, the member's root user",
        how: How::Console { command: "console reopen-account" },
        actions: &[],
        source: "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-reopening.html",
    },
    Task {
        id: "restore-iam-permissions",
        title: "Restore the permissions of an IAM administrator who removed their own",
        what: "IAM policies do not bind the root user, so it can edit any of them.",
        standalone: ROOT_ONLY,
        management: ROOT_ONLY,
        member: "the member's root user (unless an SCP denies it), or the management account through OrganizationAccountAccessRole",
        member_centralized: "the management account through OrganizationAccountAccessRole, or the root user after allowing password recovery; no task policy covers it",
        how: How::Api { service: "iam", operations: &["attach-user-policy", "put-user-policy", "delete-user-policy", "detach-user-policy"] },
        actions: &["iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:DeleteUserPolicy", "iam:DetachUserPolicy"],
        source: ROOT_TASKS_PAGE,
    },
    Task {
        id: "activate-iam-billing-access",
        title: "Activate IAM access to the Billing and Cost Management console",
        what: "Until it is activated, no IAM principal sees billing, whatever its policies. On by default for accounts created in an organization.",
        standalone: "the root user only, in the console",
        management: "the root user only, in the console",
        member: "the member's root user only, in the console",
        member_centralized: "the member's root user after allowing password recovery",
        how: How::Console { command: "console activate-iam-billing-access" },
        actions: &[],
        source: "https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/control-access-billing.html",
    },
    Task {
        id: "view-tax-invoices",
        title: "View tax invoices from AWS Inc. and AISPL",
        what: "aws-portal:ViewBilling lets IAM principals see AWS Europe VAT invoices, but not those of AWS Inc. or Amazon Internet Services Private Limited.",
        standalone: "the root user (IAM principals with billing access: AWS Europe invoices only)",
        management: "the root user (IAM principals with billing access: AWS Europe invoices only)",
        member: "the member's root user (IAM principals with billing access: AWS Europe invoices only)",
        member_centralized: "as without centralized root access",
        how: How::Console { command: "console view-tax-invoices --seller SELLER" },
        actions: &["aws-portal:ViewBilling"],
        source: ROOT_TASKS_PAGE,
    },
    Task {
        id: "govcloud-signup",
        title: "Sign up for AWS GovCloud (US)",
        what: "Links a GovCloud account to this one; requesting GovCloud root keys also needs root.",
        standalone: ROOT_ONLY,
        management: ROOT_ONLY,
        member: "the member's root user only",
        member_centralized: "the member's root user after allowing password recovery",
        how: How::Console { command: "console govcloud-signup" },
        actions: &[],
        source: ROOT_TASKS_PAGE,
    },
    Task {
        id: "ri-marketplace-seller",
        title: "Register as a seller in the Reserved Instance Marketplace",
        what: "Selling EC2 Reserved Instances needs the account owner's registration.",
        standalone: ROOT_ONLY,
        management: ROOT_ONLY,
        member: "the member's root user only",
        member_centralized: "the member's root user after allowing password recovery",
        how: How::Console { command: "console ri-marketplace-register" },
        actions: &[],
        source: ROOT_TASKS_PAGE,
    },
    Task {
        id: "kms-unmanageable-key",
        title: "Recover a KMS key that nobody can manage",
        what: "When a key policy lets nobody manage the key, an administrator opens a Support case; Support calls the root user's primary phone number and the caller confirms the ticket's one-time code.",
        standalone: "an administrator opens the case; the person at the root user's primary phone confirms it",
        management: "an administrator opens the case; the person at the root user's primary phone confirms it",
        member: "an administrator opens the case; the person at the member root user's primary phone confirms it",
        member_centralized: "as without centralized root access",
        how: How::Console { command: "support create-case --key-id KEY" },
        actions: &[],
        source: ROOT_TASKS_PAGE,
    },
    Task {
        id: "mturk-link",
        title: "Link the account to an Amazon Mechanical Turk requester account",
        what: "MTurk linking needs the account owner.",
        standalone: ROOT_ONLY,
        management: ROOT_ONLY,
        member: "the member's root user only",
        member_centralized: "the member's root user after allowing password recovery",
        how: How::Console { command: "console mturk-link" },
        actions: &[],
        source: ROOT_TASKS_PAGE,
    },
    Task {
        id: "s3-mfa-delete",
        title: "Enable or disable MFA Delete on an S3 bucket",
        what: "Only the bucket owner's root user, presenting its MFA device and code, can change MFA Delete.",
        standalone: "the root user only, with its MFA",
        management: "the root user only, with its MFA",
        member: "the member's root user only, with its MFA",
        member_centralized: "the member's root user while its credentials (and MFA) exist",
        how: How::Api { service: "s3api", operations: &["put-bucket-versioning"] },
        actions: &["s3:PutBucketVersioning"],
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html",
    },
    Task {
        id: "s3-unlock-bucket-policy",
        title: "Repair a bucket policy that denies everyone",
        what: "The bucket owner's root user can always read, replace or delete its bucket policy; only SCPs, RCPs and VPC endpoint policies can stop it.",
        standalone: ROOT_ONLY,
        management: ROOT_ONLY,
        member: "the member's root user (unless an SCP or RCP denies it)",
        member_centralized: "the management account or the IAM delegated administrator, with sts assume-root and the S3UnlockBucketPolicy task policy",
        how: How::Api { service: "s3api", operations: &["get-bucket-policy", "put-bucket-policy", "delete-bucket-policy"] },
        actions: &["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:ListAllMyBuckets"],
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html",
    },
    Task {
        id: "sqs-unlock-queue-policy",
        title: "Repair an SQS queue policy that denies everyone",
        what: "The queue owner's root user can read and replace the queue's policy even when it denies everyone.",
        standalone: ROOT_ONLY,
        management: ROOT_ONLY,
        member: "the member's root user (unless an SCP or RCP denies it)",
        member_centralized: "the management account or the IAM delegated administrator, with sts assume-root and the SQSUnlockQueuePolicy task policy",
        how: How::Api { service: "sqs", operations: &["get-queue-attributes", "set-queue-attributes"] },
        actions: &["sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:ListQueues", "sqs:GetQueueUrl"],
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html",
    },
];

/// Whether rootsim can perform the task yet: its operations exist in the operation table. A
/// console task is done with a sandbox command, which the command layer (above this module)
/// checks exists for every task of [`TASKS`] in its own tests; so this can never claim more than
/// there is.
pub fn available(t: &Task) -> bool {
    match t.how {
        How::Api { service, operations } => operations.iter().all(|o| crate::registry::find(service, o).is_some()),
        How::Console { command } => !command.trim().is_empty(),
    }
}

/// Whether `caller` could perform `task` right now in its account, and why (not).
///
/// Asks the same authorization path as the calls themselves, so an SCP that denies the root user
/// shows up here as it would on the call.
pub fn could_do_now(world: &crate::world::World, caller: &crate::auth::Caller, task: &Task) -> (bool, String) {
    if !available(task) {
        return (false, "rootsim cannot perform this task yet".into());
    }
    if task.id == "kms-unmanageable-key" {
        return (
            true,
            "anyone in the account opens the Support case; the person at the root user's primary phone confirms it"
                .into(),
        );
    }
    if !caller.is_root() {
        return (false, "only the root user can do this; IAM policies cannot grant it".into());
    }
    match root_may(world, &crate::auth::Authorizer::new(), caller, task) {
        Ok(yes) => (true, yes.unwrap_or_else(|| "you are the root user of this account".into())),
        Err(why) => (false, why),
    }
}

/// Whether the root user `caller` (signed in, its credentials aside) may do `task` now: the
/// account's state, the MFA the task needs, and the decision of [`Authorizer::authorize`] (asked
/// through `auth`) on the task's first action, SCPs and RCPs included. `Ok(Some(text))` when the
/// yes needs its own words.
///
/// [`Authorizer::authorize`]: crate::auth::Authorizer::authorize
pub(crate) fn root_may(
    world: &crate::world::World,
    auth: &crate::auth::Authorizer,
    caller: &crate::auth::Caller,
    task: &Task,
) -> Result<Option<String>, String> {
    use crate::account::AccountStatus;
    let active = world.accounts.get(&caller.account).is_some_and(|a| a.status == AccountStatus::Active);
    match (task.id, active) {
        ("reopen-account", true) => return Err("the account is not closed".into()),
        ("reopen-account", false) => {
            return Ok(Some("the account is closed: its root user may reopen it within 90 days".into()))
        }
        (_, false) => return Err("the account is closed".into()),
        _ => {}
    }
    if task.id == "s3-mfa-delete" && world.iam.account(&caller.account).is_some_and(|i| i.root.mfa_devices.is_empty()) {
        return Err("MFA Delete needs the root user's MFA device and code: register a device first".into());
    }
    if let Some(action) = task.actions.first() {
        let resource = rootsim_policy::arn::root(&caller.account);
        let record = auth.authorize(world, &crate::auth::AuthRequest::new(caller, "us-east-1", action, &resource));
        if !record.decision.is_allowed() {
            return Err(format!("denied: {}", record.denial_message()));
        }
    }
    Ok(None)
}

/// The catalogue with, for `caller`, whether each task could be done now.
pub fn table_for(world: &crate::world::World, caller: &crate::auth::Caller) -> String {
    let name = world.accounts.get(&caller.account).map_or("", |a| a.name.as_str());
    let mut out = format!(
        "Tasks that need the root user, for {} in account {name} ({}):\n",
        caller.principal.arn, caller.account
    );
    out.push_str("TASK                          NOW  WHY\n");
    for t in TASKS {
        let (yes, why) = could_do_now(world, caller, t);
        out.push_str(&format!("{:<29} {:<4} {why}\n", t.id, if yes { "yes" } else { "no" }));
    }
    out.push_str("\nType `tasks TASK` for who may do a task in each kind of account.");
    out
}

/// The task with this ID.
pub fn find(id: &str) -> Option<&'static Task> {
    TASKS.iter().find(|t| t.id == id)
}

/// The catalogue as a plain-text table.
pub fn table() -> String {
    let mut out = String::from("TASK                          HOW                                           TITLE\n");
    for t in TASKS {
        let how = match t.how {
            How::Api { service, operations } => format!("aws {service} {}", operations[0]),
            How::Console { command } => command.split(" --").next().unwrap_or(command).to_string(),
        };
        let mark = if available(t) { ' ' } else { '*' };
        out.push_str(&format!("{:<29} {:<45}{mark}{}\n", t.id, how, t.title));
    }
    out.push_str(
        "\n* not yet performable in rootsim.\nType `tasks TASK` for who may do a task in each kind of account.",
    );
    out
}

/// One task in detail.
pub fn detail(t: &Task) -> String {
    let how = match t.how {
        How::Api { service, operations } => {
            operations.iter().map(|o| format!("aws {service} {o}")).collect::<Vec<_>>().join(", ")
        }
        How::Console { command } => format!("{command}   (console only in AWS)"),
    };
    let how = if available(t) { how } else { format!("{how}   (not yet performable in rootsim)") };
    format!(
        "{} ({})\n{}\n\nWho may do it:\n  standalone account:   {}\n  management account:   {}\n  member account:       {}\n  member, centralized root access: {}\nHow: {}\nSource: {}",
        t.title, t.id, t.what, t.standalone, t.management, t.member, t.member_centralized, how, t.source
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_task_is_complete() {
        let mut ids: Vec<&str> = TASKS.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), TASKS.len());
        assert_eq!(TASKS.len(), 17, "the facts' list of root tasks");
        for t in TASKS {
            assert!(t.source.starts_with("https://docs.aws.amazon.com/"), "{}", t.id);
            assert!(!t.what.is_empty() && !t.standalone.is_empty() && !t.member_centralized.is_empty());
        }
        assert!(find("close-account").is_some() && find("nope").is_none());
        assert!(table().contains("sqs-unlock-queue-policy"));
        // Root access keys are managed with IAM operations rootsim has; S3 MFA Delete needs s3api.
        assert!(available(find("manage-root-access-keys").unwrap()));
        assert!(
            !available(find("s3-mfa-delete").unwrap())
                || crate::registry::find("s3api", "put-bucket-versioning").is_some()
        );
    }
}
