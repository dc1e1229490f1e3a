//! The Account service: the accounts themselves and their settings.
//!
//! Owns each account's record (ID, name, root email, status, contact information, alternate
//! contacts, Regions). The root user's credentials live with IAM (`crate::iam`), and an account's
//! place in an organization lives with Organizations (`crate::organizations`).

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
    /// The account alias used in the IAM sign-in URL, if set.
    #[serde(default)]
    pub alias: Option<String>,
    /// Primary contact.
    pub contact: ContactInformation,
    /// Alternate contacts by type.
    #[serde(default)]
    pub alternate_contacts: BTreeMap<String, AlternateContact>,
    /// Opt-in Regions that were enabled.
    #[serde(default)]
    pub enabled_opt_in_regions: Vec<String>,
}

impl Account {
    /// Whether `region` is usable in this account.
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
