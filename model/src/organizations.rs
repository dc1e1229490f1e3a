//! AWS Organizations: the organization, its root and OUs, which account sits where, and the
//! organization policies attached at each level.
//!
//! This module owns the tree. The policy engine (`crate::policy`) evaluates SCPs and RCPs; this
//! module only says which policies apply to an account, level by level from the root down.

use crate::policy::Policy;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `ALL` or `CONSOLIDATED_BILLING`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeatureSet {
    /// All features, including SCPs, RCPs and centralized root access.
    All,
    /// Consolidated billing only.
    ConsolidatedBilling,
}

impl FeatureSet {
    /// The value as AWS prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            FeatureSet::All => "ALL",
            FeatureSet::ConsolidatedBilling => "CONSOLIDATED_BILLING",
        }
    }
}

/// An organizational unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationalUnit {
    /// `ou-xxxx-xxxxxxxx`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The ID of the root or OU it sits in.
    pub parent: String,
}

/// How an account came into the organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JoinedMethod {
    /// Created by `CreateAccount`.
    Created,
    /// Invited and accepted a handshake.
    Invited,
}

/// An account's membership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The ID of the root or OU the account sits in.
    pub parent: String,
    /// How it joined.
    pub joined_method: JoinedMethod,
    /// When it joined (epoch seconds).
    pub joined: i64,
}

/// An organization policy (SCP or RCP).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgPolicy {
    /// `p-...`, or `p-FullAWSAccess` for the AWS managed default.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// `SERVICE_CONTROL_POLICY` or `RESOURCE_CONTROL_POLICY`.
    pub policy_type: String,
    /// Whether AWS manages it.
    pub aws_managed: bool,
    /// The document.
    pub document: Policy,
}

/// The organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// `o-...`.
    pub id: String,
    /// The feature set.
    pub feature_set: FeatureSet,
    /// The management account's ID.
    pub management_account: String,
    /// The root's ID, `r-...`.
    pub root_id: String,
    /// Policy types enabled on the root (`SERVICE_CONTROL_POLICY`, ...).
    pub enabled_policy_types: BTreeSet<String>,
    /// OUs by ID.
    pub ous: BTreeMap<String, OrganizationalUnit>,
    /// Member and management accounts by account ID.
    pub accounts: BTreeMap<String, Membership>,
    /// Policies by ID.
    pub policies: BTreeMap<String, OrgPolicy>,
    /// Policy IDs attached to each target (root, OU or account ID).
    pub attachments: BTreeMap<String, Vec<String>>,
    /// Service principals with trusted access.
    pub service_access: BTreeSet<String>,
    /// Delegated administrator account IDs, by service principal.
    pub delegated_admins: BTreeMap<String, BTreeSet<String>>,
}

impl Organization {
    /// The organization's ARN.
    pub fn arn(&self) -> String {
        format!("arn:aws:organizations::{}:organization/{}", self.management_account, self.id)
    }

    /// The targets from the root down to the account: `[root, ou, ..., account]`.
    pub fn path_of(&self, account: &str) -> Option<Vec<String>> {
        let membership = self.accounts.get(account)?;
        let mut chain = vec![account.to_string()];
        let mut parent = membership.parent.clone();
        // The depth bound keeps a corrupt (cyclic) tree from looping forever.
        for _ in 0..=self.ous.len() {
            chain.push(parent.clone());
            if parent == self.root_id {
                chain.reverse();
                return Some(chain);
            }
            parent = self.ous.get(&parent)?.parent.clone();
        }
        None
    }

    /// `aws:PrincipalOrgPaths` of an account: `o-id/r-id/ou-id/.../`.
    pub fn org_path(&self, account: &str) -> Option<String> {
        let path = self.path_of(account)?;
        let mut out = format!("{}/", self.id);
        for target in &path[..path.len() - 1] {
            out.push_str(target);
            out.push('/');
        }
        Some(out)
    }

    /// Organization policies of `policy_type` that govern `account`, one list per level from the
    /// root to the account. `None` when that type does not govern it: the type is not enabled, the
    /// account is not a member, or it is the management account (which SCPs and RCPs never restrict).
    pub fn levels(&self, account: &str, policy_type: &str) -> Option<Vec<Vec<(String, &Policy)>>> {
        if !self.enabled_policy_types.contains(policy_type) || account == self.management_account {
            return None;
        }
        let path = self.path_of(account)?;
        Some(
            path.iter()
                .map(|target| {
                    self.attachments
                        .get(target)
                        .into_iter()
                        .flatten()
                        .filter_map(|id| self.policies.get(id))
                        .filter(|p| p.policy_type == policy_type)
                        .map(|p| (self.policy_arn(p), &p.document))
                        .collect()
                })
                .collect(),
        )
    }

    /// The ARN of an organization policy.
    pub fn policy_arn(&self, policy: &OrgPolicy) -> String {
        let kind = policy.policy_type.to_ascii_lowercase();
        if policy.aws_managed {
            format!("arn:aws:organizations::aws:policy/{kind}/{}", policy.id)
        } else {
            format!("arn:aws:organizations::{}:policy/{}/{kind}/{}", self.management_account, self.id, policy.id)
        }
    }
}

/// The Organizations service's state: at most one organization per world in this simulator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Organizations {
    /// The organization, if one was created.
    pub org: Option<Organization>,
}

impl Organizations {
    /// The organization `account` belongs to, if any.
    pub fn of_account(&self, account: &str) -> Option<&Organization> {
        self.org.as_ref().filter(|o| o.accounts.contains_key(account))
    }
}
