//! IAM's state: per account, the root user's credentials, IAM users, groups, roles, customer
//! managed policies and their versions, inline policies, permissions boundaries, login profiles,
//! access keys, MFA devices and instance profiles, with the typed lookups the handlers and the
//! authorizer read.
//! Nothing here reads a call's parameters, prints a response or asks the policy engine.

use crate::rng::SimRng;
use crate::shared::Shared;
use rootsim_policy::{Policy, PolicyKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many groups a user may be a member of: IAM's quota "Groups an IAM user can be a member
/// of" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>), which
/// `AddUserToGroup` enforces and the graph's group joins respect.
pub const MAX_GROUPS_PER_USER: usize = 10;

/// The most access keys a user or the root user may have (IAM's quotas page,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).
pub const MAX_ACCESS_KEYS: usize = 2;
/// The most MFA devices a user or the root user may have
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html>).
pub const MAX_MFA_DEVICES: usize = 8;

/// IAM's quotas on an entity's inline policies, all of them together, in characters without
/// white space (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>): a
/// user's 2,048, a group's 5,120, a role's 10,240. One inline document may use the whole quota,
/// more than a managed policy's 6,144.
pub const INLINE_QUOTA_USER: usize = 2_048;
/// A group's inline policy quota (see [`INLINE_QUOTA_USER`]).
pub const INLINE_QUOTA_GROUP: usize = 5_120;
/// A role's inline policy quota (see [`INLINE_QUOTA_USER`]).
pub const INLINE_QUOTA_ROLE: usize = 10_240;

/// The key an IAM name is stored under: IAM names are unique without regard to case (`Bob` and
/// `bob` are the same user), so every map of users, groups, roles and policies is keyed by the
/// lower-cased name, and every lookup folds its name the same way.
pub fn key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// Root credentials management, the organization feature (IAM's name for it) that lets the
/// management account and the IAM delegated administrator delete member root credentials.
pub const ROOT_CREDENTIALS_MANAGEMENT: &str = "RootCredentialsManagement";
/// Privileged root actions in member accounts (`sts:AssumeRoot`), the other organization feature.
pub const ROOT_SESSIONS: &str = "RootSessions";

/// Active or Inactive, for access keys and signing certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    /// Usable.
    Active,
    /// Kept but refused.
    Inactive,
}

impl KeyStatus {
    /// The value as AWS prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Inactive => "Inactive",
        }
    }
}

/// A long-term access key of a user or of the root user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    /// `AKIA...`.
    pub id: String,
    /// The secret, shown once at creation.
    pub secret: String,
    /// Active or Inactive.
    pub status: KeyStatus,
    /// Creation time (epoch seconds).
    pub created: i64,
    /// Last use, if any.
    #[serde(default)]
    pub last_used: Option<i64>,
}

/// An X.509 signing certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningCertificate {
    /// The certificate ID.
    pub id: String,
    /// The PEM body.
    pub body: String,
    /// Active or Inactive.
    pub status: KeyStatus,
    /// Upload time.
    pub uploaded: i64,
}

/// An MFA device enabled for a user or the root user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaDevice {
    /// The serial number (an ARN for virtual devices).
    pub serial: String,
    /// `virtual`, `hardware` or `fido`.
    pub kind: String,
    /// The TOTP secret (base 32) from which codes are derived on the simulated clock.
    pub secret: String,
    /// When it was enabled.
    pub enabled: i64,
}

/// A console password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginProfile {
    /// The password, or `None` for a root profile created for recovery with no password.
    pub password: Option<String>,
    /// Creation time.
    pub created: i64,
    /// Whether the next sign-in must change it.
    pub reset_required: bool,
}

/// The account root user's credentials. Its identity is the account itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootUser {
    /// The console password; `None` when it was removed or never set.
    pub password: Option<String>,
    /// Up to two access keys.
    pub access_keys: Vec<AccessKey>,
    /// Signing certificates.
    pub signing_certificates: Vec<SigningCertificate>,
    /// Up to eight MFA devices.
    pub mfa_devices: Vec<MfaDevice>,
    /// When the root user first tried to sign in (starts the MFA grace period).
    #[serde(default)]
    pub first_sign_in_attempt: Option<i64>,
    /// Last successful console sign-in.
    #[serde(default)]
    pub password_last_used: Option<i64>,
    /// An outstanding password-reset link: (token, expiry).
    #[serde(default)]
    pub password_reset: Option<(String, i64)>,
    /// A sign-in with alternative factors under way (lost MFA device).
    #[serde(default)]
    pub mfa_recovery: Option<MfaRecovery>,
    /// Password recovery was allowed through centralized root access (a login profile without a
    /// password, created in an AssumeRoot session): the person at the root email may reset it.
    #[serde(default)]
    pub recovery_allowed: bool,
}

impl RootUser {
    /// Whether the root user has any credential at all (password, keys, certificates, MFA).
    pub fn has_credentials(&self) -> bool {
        self.password.is_some()
            || !self.access_keys.is_empty()
            || !self.signing_certificates.is_empty()
            || !self.mfa_devices.is_empty()
    }
}

/// Signing in with alternative factors when the MFA device is lost
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_lost-or-broken.html>):
/// verify the root email through a link, then answer AWS's call to the primary phone with the number shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaRecovery {
    /// The token of the email verification link.
    pub email_token: String,
    /// Whether the email step is done.
    pub email_verified: bool,
    /// The six-digit number shown on the sign-in page, to key in on the phone.
    pub phone_code: String,
    /// When the recovery lapses.
    pub expires: i64,
}

/// Checks a new root password against AWS's rules for the root user
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reset-root-password.html>): 8 to 128
/// characters, three of upper case, lower case, digits and symbols, and neither the account's
/// name nor its email address. Returns what is wrong.
pub fn check_root_password(password: &str, account_name: &str, email: &str) -> Result<(), String> {
    let n = password.chars().count();
    if !(8..=128).contains(&n) {
        return Err("the password must be 8 to 128 characters long".into());
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| "!@#$%^&*()<>[]{}|_+-=".contains(c)),
    ];
    if classes.iter().filter(|b| **b).count() < 3 {
        return Err("the password needs three of: upper case, lower case, digits, symbols (! @ # $ % ^ & * ( ) < > [ ] { } | _ + - =)".into());
    }
    if password.eq_ignore_ascii_case(account_name) || password.eq_ignore_ascii_case(email) {
        return Err("the password must not be the account's name or email address".into());
    }
    Ok(())
}

/// Inline policies by name, and managed policy ARNs attached: what users, groups and roles share.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attachments {
    /// Inline policies by name (IAM lists them in name order).
    pub inline: BTreeMap<String, Policy>,
    /// Attached managed policy ARNs, in attachment order.
    pub managed: Vec<String>,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The name as created (IAM names are unique regardless of case).
    pub name: String,
    /// `/` or `/division/`.
    pub path: String,
    /// `AIDA...`.
    pub id: String,
    /// Creation time.
    pub created: i64,
    /// Its policies.
    pub policies: Attachments,
    /// Permissions boundary policy ARN.
    #[serde(default)]
    pub boundary: Option<String>,
    /// Console password.
    #[serde(default)]
    pub login_profile: Option<LoginProfile>,
    /// Up to two access keys.
    #[serde(default)]
    pub access_keys: Vec<AccessKey>,
    /// MFA devices.
    #[serde(default)]
    pub mfa_devices: Vec<MfaDevice>,
    /// Signing certificates.
    #[serde(default)]
    pub signing_certificates: Vec<SigningCertificate>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Last console sign-in.
    #[serde(default)]
    pub password_last_used: Option<i64>,
}

/// An IAM group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The name as created.
    pub name: String,
    /// Path.
    pub path: String,
    /// `AGPA...`.
    pub id: String,
    /// Creation time.
    pub created: i64,
    /// Its policies.
    pub policies: Attachments,
    /// Member user names, lower-cased keys of `IamAccount::users`.
    pub members: Vec<String>,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// The name as created.
    pub name: String,
    /// Path.
    pub path: String,
    /// `AROA...`.
    pub id: String,
    /// Creation time.
    pub created: i64,
    /// Who may assume it.
    pub trust_policy: Policy,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Longest session in seconds (3600 to 43200).
    pub max_session_duration: u32,
    /// Its policies.
    pub policies: Attachments,
    /// Permissions boundary policy ARN.
    #[serde(default)]
    pub boundary: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl Role {
    /// The role an organization puts in each account it creates (`OrganizationAccountAccessRole`,
    /// or the name given to `CreateAccount`): AdministratorAccess, trusted by the management
    /// account. The demo world and synthetic estates give their members the same role.
    pub fn organization_access_role(rng: &mut SimRng, now: i64, name: &str, management: &str) -> Role {
        Role::organization_access_role_trusting(rng, now, name, Role::organization_access_trust(management))
    }

    /// The trust policy of [`Role::organization_access_role`]: the management account may assume it.
    pub fn organization_access_trust(management: &str) -> Policy {
        let principal = rootsim_policy::arn::root(management);
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}]}}"#
        );
        Policy::parse(&text, PolicyKind::Trust).expect("the access role's trust policy is valid")
    }

    /// [`Role::organization_access_role`] with its trust policy given, compiled once by
    /// [`Role::organization_access_trust`]: a synthetic estate gives thousands of members the same
    /// document, and shares one compiled form between them.
    pub fn organization_access_role_trusting(rng: &mut SimRng, now: i64, name: &str, trust_policy: Policy) -> Role {
        Role {
            name: name.to_string(),
            path: "/".into(),
            id: rng.unique_id("AROA"),
            created: now,
            trust_policy,
            description: Some("Lets the management account administer this member account".to_string()),
            max_session_duration: 3600,
            policies: Attachments {
                inline: BTreeMap::new(),
                managed: vec!["arn:aws:iam::aws:policy/AdministratorAccess".to_string()],
            },
            boundary: None,
            tags: BTreeMap::new(),
        }
    }
}

/// One version of a managed policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyVersion {
    /// `v1`, `v2`, ...
    pub id: String,
    /// The document.
    pub document: Policy,
    /// Creation time.
    pub created: i64,
}

/// A customer managed policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    /// The name.
    pub name: String,
    /// Path.
    pub path: String,
    /// `ANPA...`.
    pub id: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Creation time.
    pub created: i64,
    /// Last update.
    pub updated: i64,
    /// Up to five versions.
    pub versions: Vec<PolicyVersion>,
    /// The default version's ID.
    pub default_version: String,
    /// The next version number to hand out.
    pub next_version: u32,
}

impl ManagedPolicy {
    /// The document of the default version.
    pub fn document(&self) -> &Policy {
        let v = self.versions.iter().find(|v| v.id == self.default_version);
        // The default version always exists: operations never delete it.
        &v.unwrap_or(&self.versions[0]).document
    }
}

/// One account's IAM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IamAccount {
    /// The root user's credentials.
    pub root: RootUser,
    /// Users by lower-cased name.
    pub users: BTreeMap<String, User>,
    /// Groups by lower-cased name.
    pub groups: BTreeMap<String, Group>,
    /// Roles by lower-cased name.
    pub roles: BTreeMap<String, Role>,
    /// Customer managed policies by ARN.
    pub policies: BTreeMap<String, ManagedPolicy>,
    /// Virtual MFA devices by serial number (ARN), assigned or not.
    #[serde(default)]
    pub virtual_mfa_devices: BTreeMap<String, VirtualMfaDevice>,
    /// The account password policy, if one was set (`UpdateAccountPasswordPolicy`).
    #[serde(default)]
    pub password_policy: Option<PasswordPolicy>,
    /// The last use of each long-term access key of the account, by key ID.
    #[serde(default)]
    pub key_usage: BTreeMap<String, KeyUse>,
    /// Each user's password history and when the password was last set, by lower-cased name.
    #[serde(default)]
    pub passwords: BTreeMap<String, PasswordRecord>,
    /// The latest credential report, if one was generated.
    #[serde(default)]
    pub credential_report: Option<CredentialReport>,
    /// Tags of customer managed policies, by policy ARN.
    #[serde(default)]
    pub policy_tags: BTreeMap<String, BTreeMap<String, String>>,
    /// Service-linked role deletion tasks: task ID to status (`SUCCEEDED`, `FAILED`...).
    #[serde(default)]
    pub deletion_tasks: BTreeMap<String, String>,
    /// Instance profiles by lower-cased name (worlds saved before they were modelled have none).
    #[serde(default)]
    pub instance_profiles: BTreeMap<String, InstanceProfile>,
}

/// How many instance profiles an account may have: IAM's default quota "Instance profiles in an
/// AWS account" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).
pub const MAX_INSTANCE_PROFILES: usize = 1_000;

/// An IAM instance profile: the container through which EC2 hands a role to an instance
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/instance-profiles.html>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceProfile {
    /// The name as created (unique regardless of case).
    pub name: String,
    /// `/` or `/division/`.
    pub path: String,
    /// `AIPA...`.
    pub id: String,
    /// Creation time.
    pub created: i64,
    /// The role it holds, as the lower-cased key of `IamAccount::roles`: at most one, IAM's quota
    /// that cannot be raised (rule IAM-INSTANCE-PROFILE-ONE-ROLE).
    #[serde(default)]
    pub role: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl InstanceProfile {
    /// Its ARN: `arn:aws:iam::ACCOUNT:instance-profile{path}{name}`.
    pub fn arn(&self, account: &str) -> String {
        rootsim_policy::arn::iam(account, "instance-profile", &self.path, &self.name)
    }
}

/// The account password policy (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_PasswordPolicy.html>).
/// It applies to IAM users' passwords, never to the root user's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// Shortest password (6 to 128; 6 when not given).
    pub minimum_length: u32,
    /// At least one of `! @ # $ % ^ & * ( ) _ + - = [ ] { } | '`.
    pub require_symbols: bool,
    /// At least one digit.
    pub require_numbers: bool,
    /// At least one upper-case letter.
    pub require_uppercase: bool,
    /// At least one lower-case letter.
    pub require_lowercase: bool,
    /// Whether every user may change their own password without a policy granting it.
    pub allow_users_to_change: bool,
    /// Days a password is valid (1 to 1095), if passwords expire.
    pub max_age_days: Option<u32>,
    /// How many previous passwords may not be reused (1 to 24).
    pub reuse_prevention: Option<u32>,
    /// Whether an expired password can only be reset by an administrator.
    pub hard_expiry: Option<bool>,
}

/// The symbols a password policy's `RequireSymbols` counts.
pub const PASSWORD_SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";

impl PasswordPolicy {
    /// What is wrong with `password` under this policy, as IAM says it, or `None`.
    pub fn violation(&self, password: &str) -> Option<String> {
        let n = password.chars().count() as u32;
        if n < self.minimum_length {
            return Some(format!("Password should have a minimum length of {}", self.minimum_length));
        }
        if self.require_lowercase && !password.chars().any(|c| c.is_ascii_lowercase()) {
            return Some("Password should have at least one lowercase letter".into());
        }
        if self.require_uppercase && !password.chars().any(|c| c.is_ascii_uppercase()) {
            return Some("Password should have at least one uppercase letter".into());
        }
        if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return Some("Password should have at least one number".into());
        }
        if self.require_symbols && !password.chars().any(|c| PASSWORD_SYMBOLS.contains(c)) {
            return Some("Password should have at least one symbol".into());
        }
        None
    }

    /// When a password set at `set_at` expires, if passwords expire.
    pub fn expiry(&self, set_at: i64) -> Option<i64> {
        self.max_age_days.map(|d| set_at + i64::from(d) * 86_400)
    }
}

/// The last use of an access key (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyLastUsed.html>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyUse {
    /// When.
    pub date: i64,
    /// The service's namespace (`iam`, `s3`...).
    pub service: String,
    /// The Region of the call.
    pub region: String,
}

/// A user's password history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordRecord {
    /// When the current password was set.
    pub set_at: i64,
    /// Earlier passwords, most recent first (at most 24 kept: the largest reuse prevention).
    pub previous: Vec<String>,
}

/// A generated credential report: its CSV and when it was generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialReport {
    /// When it was generated.
    pub generated: i64,
    /// The CSV text.
    pub csv: String,
}

/// A virtual MFA device created in the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualMfaDevice {
    /// The base-32 seed.
    pub seed: String,
    /// When it was created.
    pub created: i64,
    /// Who it is enabled for: `Some(None)` the root user, `Some(Some(user key))` an IAM user.
    #[serde(default)]
    pub assigned: Option<Option<String>>,
}

impl IamAccount {
    /// The user called `name` (any case).
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.get(&name.to_ascii_lowercase())
    }

    /// The role called `name` (any case).
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.get(&name.to_ascii_lowercase())
    }

    /// The group called `name` (any case).
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.get(&name.to_ascii_lowercase())
    }

    /// The instance profile called `name` (any case).
    pub fn instance_profile(&self, name: &str) -> Option<&InstanceProfile> {
        self.instance_profiles.get(&name.to_ascii_lowercase())
    }

    /// The instance profiles holding `role` (lower-cased name), in name order.
    pub fn instance_profiles_of<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a InstanceProfile> + 'a {
        self.instance_profiles.values().filter(move |p| p.role.as_deref() == Some(role))
    }

    /// The groups `user` (lower-cased name) belongs to, in name order.
    pub fn groups_of<'a>(&'a self, user: &'a str) -> impl Iterator<Item = &'a Group> + 'a {
        self.groups.values().filter(move |g| g.members.iter().any(|m| m == user))
    }

    /// A managed policy by ARN: this account's customer managed ones, or AWS managed ones.
    pub fn managed_policy(&self, arn: &str) -> Option<&Policy> {
        self.policies
            .get(arn)
            .map(ManagedPolicy::document)
            .or_else(|| super::managed::aws_managed(arn).and_then(|p| p.document()))
    }

    /// How many users, groups and roles have `arn` attached (as a policy, not a boundary).
    pub fn attachment_count(&self, arn: &str) -> usize {
        let has = |a: &Attachments| a.managed.iter().any(|m| m == arn);
        self.users.values().filter(|u| has(&u.policies)).count()
            + self.groups.values().filter(|g| has(&g.policies)).count()
            + self.roles.values().filter(|r| has(&r.policies)).count()
    }

    /// How many users and roles use `arn` as their permissions boundary.
    pub fn boundary_count(&self, arn: &str) -> usize {
        self.users.values().filter(|u| u.boundary.as_deref() == Some(arn)).count()
            + self.roles.values().filter(|r| r.boundary.as_deref() == Some(arn)).count()
    }
}

/// The IAM service's state: one [`IamAccount`] per account ID.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Iam {
    /// IAM of each account, by account ID: shared, so that a change in one account copies that
    /// account alone while the session holds its copy of the world (`crate::shared`).
    pub accounts: BTreeMap<String, Shared<IamAccount>>,
}

/// Who owns a long-term access key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOwner {
    /// The root user of the account.
    Root {
        /// The account ID.
        account: String,
    },
    /// An IAM user.
    User {
        /// The account ID.
        account: String,
        /// The lower-cased user name.
        user: String,
    },
}

impl Iam {
    /// The IAM of `account`. Every account in the world has one.
    pub fn account(&self, account: &str) -> Option<&IamAccount> {
        self.accounts.get(account).map(|a| &**a)
    }

    /// Finds the long-term access key `id` and its owner.
    pub fn find_key(&self, id: &str) -> Option<(KeyOwner, &AccessKey)> {
        for (acct, iam) in &self.accounts {
            if let Some(k) = iam.root.access_keys.iter().find(|k| k.id == id) {
                return Some((KeyOwner::Root { account: acct.clone() }, k));
            }
            for (uname, user) in &iam.users {
                if let Some(k) = user.access_keys.iter().find(|k| k.id == id) {
                    return Some((KeyOwner::User { account: acct.clone(), user: uname.clone() }, k));
                }
            }
        }
        None
    }
}

/// The six-digit code a virtual MFA device with `secret` shows at `time` (a 30-second step).
///
/// A simulator assumption: codes are derived with FNV-1a rather than RFC 6238's HMAC-SHA1, since
/// no real authenticator app ever reads the simulated clock; what matters is that codes change
/// every 30 seconds and only the device's holder can produce them.
pub fn mfa_code(secret: &str, time: i64) -> String {
    let step = time.div_euclid(30);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in secret.bytes().chain(step.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:06}", h % 1_000_000)
}

/// Whether `code` is valid for `secret` now, allowing one step of clock drift either way as AWS does.
pub fn mfa_code_matches(secret: &str, time: i64, code: &str) -> bool {
    [-30, 0, 30].iter().any(|d| mfa_code(secret, time + d) == code)
}

/// Whether `code` is valid now for one of `devices` (sign-in and STS use this).
pub fn valid_code(devices: &[MfaDevice], now: i64, code: &str) -> bool {
    devices.iter().any(|d| mfa_code_matches(&d.secret, now, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_passwords_follow_the_root_rules() {
        assert!(check_root_password("Brand-New-Root-1", "prod", "aws-prod@example.com").is_ok());
        assert!(check_root_password("Short-1", "prod", "a@b.c").unwrap_err().contains("8 to 128"));
        assert!(check_root_password("alllowercase", "prod", "a@b.c").unwrap_err().contains("three of"));
        // Three classes, but the account's email or name: refused, whatever the case.
        assert!(check_root_password("Ops-Team@Example1.com", "x", "ops-team@example1.com")
            .unwrap_err()
            .contains("email"));
        assert!(check_root_password("Workloads-2026", "workloads-2026", "a@b.c").unwrap_err().contains("name"));
    }

    #[test]
    fn mfa_codes_change_every_thirty_seconds_and_tolerate_one_step() {
        let now = 1_000_020;
        let code = mfa_code("SEED", now);
        assert_eq!(code.len(), 6);
        assert!(mfa_code_matches("SEED", now + 30, &code), "one step of drift is accepted");
        assert!(!mfa_code_matches("SEED", now + 90, &code));
        assert!(!mfa_code_matches("OTHER", now, &code) || mfa_code("OTHER", now) == code);
    }
}
