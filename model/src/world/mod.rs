//! The world: every service's state, the simulated clock and the seeded generator, and everything
//! that spans services.
//!
//! A `World` is plain data (serde, `PartialEq`), so it can be saved, loaded and compared. Each
//! service module owns its part (its state layer: plain data about that service, which never
//! names `World`); this module holds them together and owns what spans services. Here: creating
//! an account (Account and IAM), and the lookups that authorization makes without naming a
//! service: [`World::resource_policy`] (through [`RESOURCE_POLICIES`]) and
//! [`World::role_trust_policy`]. In one file per service, what that service asks of the rest
//! of the world:
//!
//! - [`s3`]: a bucket's policy as decisions see it, and the principals a bucket policy may name;
//! - [`sqs`]: a queue's policy as decisions see it;
//! - [`sts`]: the organization's side of AssumeRoot, and the role an AssumeRole names;
//! - [`kms`]: Support cases about unmanageable keys (the account's phone, the call);
//! - [`billing`]: whether IAM access to billing is on ([`World::iam_billing_access`]);
//! - [`cloudtrail`]: recording calls, service calls and sign-ins ([`World::record_call`]), and
//!   which events a trail delivered;
//! - [`events`]: EventBridge's delivery of each recorded event ([`World::route_event`]);
//! - [`sns`]: a topic's emails to its subscribers ([`World::sns_deliver`]).
//! - [`workloads`]: the resources that run code as a role, across services ([`World::workloads_of`]).
//!
//! A world holds no authorization cache: whoever asks one world many questions keeps a
//! [`crate::auth::Authorizer`] beside it.

pub mod autoscaling;
pub mod billing;
mod check;
pub mod cloudtrail;
pub mod events;
pub mod kms;
pub mod principals;
pub mod s3;
pub mod sns;
pub mod sqs;
pub mod sts;
pub mod workloads;

use crate::account::{AccountStatus, Accounts, ContactInformation};
use crate::clock::Clock;
use crate::iam::{Iam, IamAccount, Role, RootUser};
use crate::mail::Mail;
use crate::organizations::Organizations;
use crate::rng::SimRng;
use crate::shared::Shared;
use crate::sts::Sts;
use rootsim_policy::{arn, Policy};
use serde::{Deserialize, Serialize};

/// STS's session state, as authorization reads it to resolve temporary credentials: named here,
/// with the rest of the services' state, so that `auth` names no service.
pub(crate) use crate::sts::{SessionKind, NO_PERMISSIONS_POLICY};

/// A resource's owner account and its resource-based policy, named as decisions name it (`on
/// bucket NAME`, `on queue NAME`); the policy is `None` when the resource has none.
pub type ResourcePolicy = (String, Option<(String, Policy)>);

/// Finds the owner and policy of the resource an ARN names in a world (`None`: no such resource).
pub type ResourcePolicyFinder = fn(&World, &str) -> Option<ResourcePolicy>;

/// Which resources have resource-based policies that take part in a decision, by the beginning
/// of their ARNs, and how to find them: each service's own finder, the one its operations
/// authorize with. Authorization asks [`World::resource_policy`] and names no service.
pub const RESOURCE_POLICIES: &[(&str, ResourcePolicyFinder)] = &[
    // A bucket's policy governs the bucket and its objects (`arn:aws:s3:::bucket/key`).
    ("arn:aws:s3:::", |world, arn| {
        let rest = arn.strip_prefix("arn:aws:s3:::").unwrap_or(arn);
        s3::bucket_policy_of(world, rest.split('/').next().unwrap_or(rest))
    }),
    // Every other ARN: a queue's, if some queue has it (queues are found by their whole ARN).
    ("", sqs::queue_policy_of),
];

/// The whole simulated estate. Its parts are [`Shared`]: cloning a world is a handful of
/// reference counts, and a change clones only the part it touches (the session's copy for rolling
/// back a failed call costs what the call changes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct World {
    /// The seed the generator started from.
    pub seed: u64,
    /// Simulated time.
    pub clock: Clock,
    /// The generator for every ID, key and token.
    pub rng: SimRng,
    /// Account records.
    pub accounts: Shared<Accounts>,
    /// The organization.
    pub organizations: Shared<Organizations>,
    /// IAM of every account.
    pub iam: Shared<Iam>,
    /// STS sessions.
    pub sts: Shared<Sts>,
    /// Mailboxes and phones.
    pub mail: Shared<Mail>,
    /// KMS keys and Support cases about them.
    #[serde(default)]
    pub kms: Shared<crate::kms::Kms>,
    /// The event history.
    #[serde(default)]
    pub cloudtrail: Shared<crate::cloudtrail::CloudTrail>,
    /// Who may see each account's bills.
    #[serde(default)]
    pub billing: Shared<crate::billing::Billing>,
    /// S3 buckets of every account (one global namespace).
    #[serde(default)]
    pub s3: Shared<crate::s3::S3>,
    /// SQS queues of every account.
    #[serde(default)]
    pub sqs: Shared<crate::sqs::Sqs>,
    /// EventBridge rules of every account and the alerts they fired.
    #[serde(default)]
    pub events: Shared<crate::events::Events>,
    /// SNS topics and their subscriptions.
    #[serde(default)]
    pub sns: Shared<crate::sns::Sns>,
    /// EC2 instances of every account.
    #[serde(default)]
    pub ec2: Shared<crate::ec2::Ec2>,
    /// Systems Manager commands and sessions of every account.
    #[serde(default)]
    pub ssm: Shared<crate::ssm::Ssm>,
    /// Lambda functions of every account.
    #[serde(default)]
    pub lambda: Shared<crate::lambda::Lambda>,
    /// CloudFormation stacks of every account.
    #[serde(default)]
    pub cloudformation: Shared<crate::cloudformation::CloudFormation>,
    /// Glue development endpoints of every account.
    #[serde(default)]
    pub glue: Shared<crate::glue::Glue>,
    /// SageMaker notebook instances of every account.
    #[serde(default)]
    pub sagemaker: Shared<crate::sagemaker::SageMaker>,
    /// CodeBuild projects of every account.
    #[serde(default)]
    pub codebuild: Shared<crate::codebuild::CodeBuild>,
    /// Auto Scaling launch configurations and groups of every account.
    #[serde(default)]
    pub autoscaling: Shared<crate::autoscaling::AutoScaling>,
}

impl World {
    /// Delivers an email to `to`'s simulated mailbox at the current simulated time: one place for
    /// the console's and the Account service's mail (password resets, one-time codes, notices).
    pub fn send_mail(&mut self, to: &str, from: &str, subject: &str, body: String, code: Option<String>) {
        let time = self.clock.now();
        self.mail.send(to, crate::mail::Email { time, from: from.into(), subject: subject.into(), body, code });
    }

    /// An empty world: no accounts, the clock at its default start.
    pub fn new(seed: u64) -> World {
        World {
            seed,
            clock: Clock::default(),
            rng: SimRng::new(seed),
            accounts: Accounts::default().into(),
            organizations: Organizations::default().into(),
            iam: Iam::default().into(),
            sts: Sts::default().into(),
            mail: Mail::default().into(),
            kms: crate::kms::Kms::default().into(),
            cloudtrail: crate::cloudtrail::CloudTrail::default().into(),
            billing: crate::billing::Billing::default().into(),
            s3: crate::s3::S3::default().into(),
            sqs: crate::sqs::Sqs::default().into(),
            events: crate::events::Events::default().into(),
            sns: crate::sns::Sns::default().into(),
            ec2: crate::ec2::Ec2::default().into(),
            ssm: crate::ssm::Ssm::default().into(),
            lambda: crate::lambda::Lambda::default().into(),
            cloudformation: crate::cloudformation::CloudFormation::default().into(),
            glue: crate::glue::Glue::default().into(),
            sagemaker: crate::sagemaker::SageMaker::default().into(),
            codebuild: crate::codebuild::CodeBuild::default().into(),
            autoscaling: crate::autoscaling::AutoScaling::default().into(),
        }
    }

    /// The owner account and resource-based policy of the resource `arn` names, found by the
    /// first entry of [`RESOURCE_POLICIES`] whose prefix `arn` has. `None` when no service holds
    /// such a resource.
    pub fn resource_policy(&self, arn: &str) -> Option<ResourcePolicy> {
        let (_, find) = RESOURCE_POLICIES.iter().find(|(prefix, _)| arn.starts_with(prefix))?;
        find(self, arn)
    }

    /// The role a role ARN names, its account, and its trust policy's name in decisions (`trust
    /// policy of role NAME`). `None` when no such role exists. `sts:AssumeRole` decisions take
    /// the trust policy from it.
    pub fn role_trust_policy(&self, role_arn: &str) -> Option<(String, String, &Role)> {
        let a = arn::Arn::parse(role_arn).filter(|a| a.service == "iam" && a.resource.starts_with("role/"))?;
        let name = a.resource.rsplit('/').next()?;
        let role = self.iam.account(a.account)?.role(name)?;
        Some((a.account.to_string(), format!("trust policy of role {}", role.name), role))
    }

    /// Adds an active account with a root user that has `root_password` (or no password), and
    /// returns its ID. The ID comes from the generator and never repeats.
    pub fn add_account(&mut self, name: &str, email: &str, root_password: Option<&str>) -> String {
        let id = loop {
            let id = self.rng.account_id();
            if !self.accounts.by_id.contains_key(&id) {
                break id;
            }
        };
        self.insert_account(&id, name, email, root_password);
        id
    }

    /// Adds an active account with a known ID (an imported estate names its own), with a root user
    /// that has `root_password` (or no password). Replaces any account with that ID.
    pub fn insert_account(&mut self, id: &str, name: &str, email: &str, root_password: Option<&str>) {
        let id = id.to_string();
        let phone = format!("+1-555-01{}", self.rng.digits(2));
        self.accounts.by_id.insert(
            id.clone(),
            crate::account::Account {
                id: id.clone(),
                name: name.to_string(),
                email: email.to_string(),
                status: AccountStatus::Active,
                created: self.clock.now(),
                closed_at: None,
                alias: None,
                contact: ContactInformation {
                    full_name: format!("{name} owner"),
                    address_line1: "410 Terry Ave N".into(),
                    city: "Seattle".into(),
                    postal_code: "98109".into(),
                    country_code: "US".into(),
                    phone_number: phone,
                    company_name: None,
                    state_or_region: Some("WA".into()),
                    ..ContactInformation::default()
                },
                alternate_contacts: Default::default(),
                enabled_opt_in_regions: Vec::new(),
                closed_by_root: false,
                region_changes: Default::default(),
                pending_email: None,
                registrations: Default::default(),
            },
        );
        self.iam.accounts.insert(
            id.clone(),
            IamAccount {
                root: RootUser { password: root_password.map(str::to_string), ..RootUser::default() },
                ..IamAccount::default()
            }
            .into(),
        );
    }
}
