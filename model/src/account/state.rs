//! The Account service's state: each account's record (ID, name, root email, status, contact
//! information, alternate contacts, Regions, root-only sign-ups), its closure and Region
//! lifecycle on the simulated clock, and the checks that read it ([`Accounts::check_open`]).
//! Nothing here reads a call's parameters, prints a response or asks the policy engine.

use crate::clock::format_cli;
use crate::error::{AwsError, AwsResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The lifecycle state of an account, as Organizations reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountStatus {
    /// In use.
    Active,
    /// Suspended by AWS, or closed and inside the post-closure period.
    Suspended,
    /// Closure requested and under way.
    PendingClosure,
    /// Permanently closed.
    Closed,
}

impl AccountStatus {
    /// The enum value as AWS prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "ACTIVE",
            AccountStatus::Suspended => "SUSPENDED",
            AccountStatus::PendingClosure => "PENDING_CLOSURE",
            AccountStatus::Closed => "CLOSED",
        }
    }
}

/// The account's primary contact (Account Management's `ContactInformation`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContactInformation {
    /// The contact's full name.
    pub full_name: String,
    /// First address line.
    pub address_line1: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO country code.
    pub country_code: String,
    /// The primary phone number: AWS calls it to recover root MFA or unlock a KMS key.
    pub phone_number: String,
    /// Company name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// State or region, required for some countries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_or_region: Option<String>,
    /// Second address line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    /// Third address line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line3: Option<String>,
    /// District or county.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district_or_county: Option<String>,
    /// Website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
}

/// An alternate contact (`BILLING`, `OPERATIONS` or `SECURITY`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlternateContact {
    /// The contact's name.
    pub name: String,
    /// The contact's title.
    pub title: String,
    /// Email address.
    pub email_address: String,
    /// Phone number.
    pub phone_number: String,
}

/// Regions enabled by default in every account.
pub const DEFAULT_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "sa-east-1",
];

/// Opt-in Regions, disabled until enabled.
pub const OPT_IN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "eu-south-1",
    "eu-south-2",
    "eu-central-2",
    "me-south-1",
    "me-central-1",
    "il-central-1",
    "ca-west-1",
];

/// One AWS account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// 12-digit account ID.
    pub id: String,
    /// The account name.
    pub name: String,
    /// The root user's email address (the account's primary email).
    pub email: String,
    /// Lifecycle state.
    pub status: AccountStatus,
    /// When the account was created (epoch seconds).
    pub created: i64,
    /// When closure was requested, if it was.
    #[serde(default)]
    pub closed_at: Option<i64>,
    /// Whether the account's own root user closed it, which self-service reopening requires
    /// (an account closed by its organization or by AWS is reopened through AWS Support).
    #[serde(default)]
    pub closed_by_root: bool,
    /// The account alias used in the IAM sign-in URL, if set.
    #[serde(default)]
    pub alias: Option<String>,
    /// Primary contact.
    pub contact: ContactInformation,
    /// Alternate contacts by type.
    #[serde(default)]
    pub alternate_contacts: BTreeMap<String, AlternateContact>,
    /// Opt-in Regions that were enabled (or are being enabled).
    #[serde(default)]
    pub enabled_opt_in_regions: Vec<String>,
    /// When each opt-in Region was last asked to change: it is `ENABLING` or `DISABLING` for
    /// [`REGION_CHANGE_SECONDS`] from then.
    #[serde(default)]
    pub region_changes: BTreeMap<String, i64>,
    /// A root email change waiting for its one-time code.
    #[serde(default)]
    pub pending_email: Option<PendingEmailChange>,
    /// Root-only console sign-ups made for the account.
    #[serde(default)]
    pub registrations: RootRegistrations,
}

impl Account {
    /// Whether `region` is enabled in this account, or being enabled.
    pub fn region_enabled(&self, region: &str) -> bool {
        DEFAULT_REGIONS.contains(&region) || self.enabled_opt_in_regions.iter().any(|r| r == region)
    }
}

/// The Account service's state: every account in the world, by ID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accounts {
    /// Accounts by 12-digit ID.
    pub by_id: BTreeMap<String, Account>,
}

impl Accounts {
    /// The account with this ID.
    pub fn get(&self, id: &str) -> Option<&Account> {
        self.by_id.get(id)
    }

    /// Finds an account by ID, name or alias (case-insensitive for names).
    pub fn find(&self, key: &str) -> Option<&Account> {
        self.by_id.get(key).or_else(|| {
            self.by_id.values().find(|a| {
                a.name.eq_ignore_ascii_case(key) || a.alias.as_deref().is_some_and(|al| al.eq_ignore_ascii_case(key))
            })
        })
    }

    /// The account whose root email is `email` (emails are case-insensitive).
    pub fn by_email(&self, email: &str) -> Option<&Account> {
        self.by_id.values().find(|a| a.email.eq_ignore_ascii_case(email))
    }
}

// ---------------------------------------------------------------- lifecycle

/// How long a closed account stays in its post-closure period, in which its root user may reopen
/// it (<https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-closing.html>): 90 days.
pub const POST_CLOSURE_SECONDS: i64 = 90 * 86_400;

/// How long a member closed by Organizations' `CloseAccount` stays `PENDING_CLOSURE` before it is
/// `SUSPENDED` (a simulator assumption: AWS says the call is asynchronous,
/// <https://docs.aws.amazon.com/organizations/latest/APIReference/API_CloseAccount.html>).
pub const PENDING_CLOSURE_SECONDS: i64 = 3600;

/// The rolling window of Organizations' closure quota
/// (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html>): 30 days.
pub const CLOSE_QUOTA_WINDOW_SECONDS: i64 = 30 * 86_400;

/// How many member closures may be in progress at once
/// (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html>).
pub const MAX_CLOSURES_IN_PROGRESS: usize = 3;

/// How many members an organization of `members` member accounts may close with `CloseAccount`
/// within a rolling 30 days
/// (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html>):
/// 20 % of them, at least 250, at most 1,000.
pub fn close_quota(members: usize) -> usize {
    (members / 5).clamp(250, 1000)
}

/// How long an opt-in Region stays `ENABLING` or `DISABLING` (a simulator assumption: AWS says
/// minutes to hours). Long enough that the `ConflictException` rules can be seen.
pub const REGION_CHANGE_SECONDS: i64 = 15 * 60;

/// How long the one-time code of a root email change works (a simulator assumption, the 24 hours
/// AWS gives for the Account Management API's code).
pub const EMAIL_CODE_SECONDS: i64 = 24 * 3600;

/// A root email change waiting for the code sent to the new address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingEmailChange {
    /// The address the code went to.
    pub new_email: String,
    /// The one-time code.
    pub code: String,
    /// When the code stops working.
    pub expires: i64,
}

/// Console-only sign-ups that only the root user can make, with when each was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootRegistrations {
    /// Signed up for AWS GovCloud (US).
    #[serde(default)]
    pub govcloud: Option<i64>,
    /// Registered as a seller in the EC2 Reserved Instance Marketplace.
    #[serde(default)]
    pub ri_marketplace: Option<i64>,
    /// Linked to an Amazon Mechanical Turk requester account.
    #[serde(default)]
    pub mturk: Option<i64>,
}

impl Account {
    /// The lifecycle state at `now`. A closed account is stored as `SUSPENDED` with the time it
    /// was closed; it becomes `CLOSED` (permanently) when the post-closure period ends, without
    /// anything having to run at that moment: the clock alone decides.
    pub fn status_at(&self, now: i64) -> AccountStatus {
        match (self.status, self.closed_at) {
            // Organizations' CloseAccount stores the moment closure completes, in the future while
            // the request is still being processed.
            (AccountStatus::Suspended, Some(at)) if now < at => AccountStatus::PendingClosure,
            (AccountStatus::Suspended, Some(at)) if now >= at + POST_CLOSURE_SECONDS => AccountStatus::Closed,
            (status, _) => status,
        }
    }

    /// The Region's opt-in status at `now`, or `None` for a Region rootsim does not know.
    pub fn region_status(&self, region: &str, now: i64) -> Option<RegionOptStatus> {
        if DEFAULT_REGIONS.contains(&region) {
            return Some(RegionOptStatus::EnabledByDefault);
        }
        if !OPT_IN_REGIONS.contains(&region) {
            return None;
        }
        let target = self.enabled_opt_in_regions.iter().any(|r| r == region);
        let changing = self.region_changes.get(region).is_some_and(|t| now < t + REGION_CHANGE_SECONDS);
        Some(match (target, changing) {
            (true, true) => RegionOptStatus::Enabling,
            (true, false) => RegionOptStatus::Enabled,
            (false, true) => RegionOptStatus::Disabling,
            (false, false) => RegionOptStatus::Disabled,
        })
    }
}

/// A Region's opt-in status (Account Management's `RegionOptStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionOptStatus {
    /// Enabled by the account.
    Enabled,
    /// Being enabled.
    Enabling,
    /// Being disabled.
    Disabling,
    /// Not enabled.
    Disabled,
    /// A Region every account has and cannot disable.
    EnabledByDefault,
}

impl RegionOptStatus {
    /// The enum value as AWS prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionOptStatus::Enabled => "ENABLED",
            RegionOptStatus::Enabling => "ENABLING",
            RegionOptStatus::Disabling => "DISABLING",
            RegionOptStatus::Disabled => "DISABLED",
            RegionOptStatus::EnabledByDefault => "ENABLED_BY_DEFAULT",
        }
    }
}

impl Accounts {
    /// Refuses every AWS call from a principal of an account that is not active: once closed, an
    /// account's users, roles and keys stop working; only its root user can still sign in to the
    /// console, to reopen it, read bills or contact Support
    /// (<https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-closing.html>). The wire error is the one
    /// credentials that no longer exist get (a simulator assumption), with rootsim's explanation.
    pub fn check_open(&self, account: &str, now: i64) -> AwsResult<()> {
        let Some(a) = self.get(account) else { return Ok(()) };
        match a.status_at(now) {
            AccountStatus::Active => Ok(()),
            status => {
                let since = a.closed_at.map(|t| format!(" since {}", format_cli(t))).unwrap_or_default();
                let hint = if status == AccountStatus::Closed {
                    format!("  (rootsim) Account {account} is permanently closed{since}: nobody can use it any more.")
                } else {
                    format!(
                        "  (rootsim) Account {account} is closed ({}{since}): its users, roles and access keys can no longer call AWS. Only its root user can sign in to the console, to reopen it within 90 days (console reopen-account), view bills or contact Support.",
                        status.as_str()
                    )
                };
                Err(AwsError::invalid_token().with_hint(hint))
            }
        }
    }
}

/// The account resource ARN that Account Management authorizes against, for the caller's own
/// account (the `account` resource type of the Service Authorization Reference).
pub fn account_arn(account: &str) -> String {
    format!("arn:aws:account::{account}:account")
}

/// Account Management's service principal: trusted access for it, and its delegated
/// administrator, let an organization manage its members' accounts.
pub const SERVICE_PRINCIPAL: &str = "account.amazonaws.com";

/// Whether `email` looks like an address: something@domain.tld, without spaces.
pub fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c == ',')
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_account_is_suspended_for_90_days_then_closed() {
        let (world, _) = crate::demo::demo(crate::DEFAULT_SEED);
        let mut a = world.accounts.find("dev").unwrap().clone();
        assert_eq!(a.status_at(0), AccountStatus::Active);
        a.status = AccountStatus::Suspended;
        a.closed_at = Some(1_000);
        assert_eq!(a.status_at(1_000 + POST_CLOSURE_SECONDS - 1), AccountStatus::Suspended);
        assert_eq!(a.status_at(1_000 + POST_CLOSURE_SECONDS), AccountStatus::Closed);
    }

    #[test]
    fn close_quota_follows_organizations_quotas() {
        assert_eq!(close_quota(0), 250);
        assert_eq!(close_quota(1_249), 250);
        assert_eq!(close_quota(2_000), 400);
        assert_eq!(close_quota(10_000), 1_000);
    }
}
