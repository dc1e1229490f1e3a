//! SageMaker's state: notebook instances per account and Region, with the typed changes the
//! operations make. No CLI parameters, no output JSON, no authorization.

use crate::regional::Regional;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `InService`: the instance runs and its Jupyter server can be opened.
pub const IN_SERVICE: &str = "InService";
/// `Stopped`: the compute instance is gone; the volume is kept.
pub const STOPPED: &str = "Stopped";
/// `Failed`: the instance could not start (an imported instance may be in it).
pub const FAILED: &str = "Failed";

/// One notebook instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotebookInstance {
    /// Its name, as given when it was created (the ARN holds it lower-cased).
    pub name: String,
    /// The owner account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// The ML instance type (`ml.t3.medium`).
    pub instance_type: String,
    /// The ARN of the role its Jupyter server runs as.
    pub role_arn: String,
    /// `InService`, `Stopped`, `Failed`... ([`IN_SERVICE`], [`STOPPED`], [`FAILED`]).
    pub status: String,
    /// When it was created (simulated epoch seconds).
    pub created: i64,
    /// When its status last changed.
    pub modified: i64,
    /// The size of its ML storage volume, in GB (5 by default).
    pub volume_size_gb: i64,
    /// `Enabled` or `Disabled`.
    pub direct_internet_access: String,
    /// `Enabled` or `Disabled`: whether notebook users get root on the instance.
    pub root_access: String,
    /// The platform (`notebook-al2-v3`...).
    pub platform: String,
}

impl NotebookInstance {
    /// `arn:aws:sagemaker:REGION:ACCOUNT:notebook-instance/NAME`, the name lower-cased as
    /// SageMaker writes it in the ARN.
    pub fn arn(&self) -> String {
        arn(&self.region, &self.account, &self.name)
    }

    /// The host name of its Jupyter server: `NAME.notebook.REGION.sagemaker.aws`, the name
    /// lower-cased as in its ARN (host names are read without regard to case).
    pub fn host(&self) -> String {
        format!("{}.notebook.{}.sagemaker.aws", self.name.to_ascii_lowercase(), self.region)
    }
}

/// The ARN of the notebook instance `name` of `account` in `region` (the name lower-cased).
pub fn arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:sagemaker:{region}:{account}:notebook-instance/{}", name.to_ascii_lowercase())
}

/// The notebook instances of one account in one Region, by lower-cased name (SageMaker's names
/// are unique whatever their case: the ARN lower-cases them).
pub type RegionInstances = BTreeMap<String, NotebookInstance>;

/// SageMaker's state: notebook instances by account, then Region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SageMaker {
    /// Account ID → Region → lower-cased name → instance. An account without instances has
    /// no entry (one lookup answers that it has none).
    pub accounts: Regional<NotebookInstance>,
}

impl SageMaker {
    /// The instances of `account` in `region`, if it has any.
    pub fn region(&self, account: &str, region: &str) -> Option<&RegionInstances> {
        self.accounts.region(account, region)
    }

    /// The instance `name` (any case) of `account` in `region`.
    pub fn instance(&self, account: &str, region: &str, name: &str) -> Option<&NotebookInstance> {
        self.accounts.get(account, region, &name.to_ascii_lowercase())
    }

    /// Adds `instance`, replacing any of the same name in its account and Region.
    pub fn insert(&mut self, instance: NotebookInstance) {
        let (account, region, key) =
            (instance.account.clone(), instance.region.clone(), instance.name.to_ascii_lowercase());
        self.accounts.insert(&account, &region, &key, instance);
    }

    /// Sets the status of the instance `name` of `account` in `region` at `now`, if it exists.
    pub fn set_status(&mut self, account: &str, region: &str, name: &str, status: &str, now: i64) {
        if let Some(i) = self.accounts.get_mut(account, region, &name.to_ascii_lowercase()) {
            i.status = status.to_string();
            i.modified = now;
        }
    }

    /// Removes the instance `name` of `account` in `region`; empty maps are removed too, so
    /// that an account without instances keeps no entry.
    pub fn remove(&mut self, account: &str, region: &str, name: &str) {
        self.accounts.remove(account, region, &name.to_ascii_lowercase());
    }

    /// Every instance, in account, Region and name order.
    pub fn all(&self) -> impl Iterator<Item = &NotebookInstance> {
        self.accounts.all()
    }
}

/// Whether `name` is a notebook instance name: 1 to 63 letters, digits and hyphens, starting and
/// ending with a letter or digit (the model's pattern `[a-zA-Z0-9](-*[a-zA-Z0-9])*`).
pub fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    (1..=63).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// Whether `arn` matches the model's `RoleArn` pattern
/// (`arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`, 20 to 2048 characters).
pub fn valid_role_arn(arn: &str) -> bool {
    let Some(rest) = arn.strip_prefix("arn:aws") else { return false };
    let Some((partition, rest)) = rest.split_once(':') else { return false };
    let Some(rest) = rest.strip_prefix("iam::") else { return false };
    let Some((account, rest)) = rest.split_once(':') else { return false };
    let Some(name) = rest.strip_prefix("role") else { return false };
    let name = name.strip_prefix('/').unwrap_or(name);
    (20..=2048).contains(&arn.len())
        && partition.bytes().all(|c| c.is_ascii_lowercase() || c == b'-')
        && account.len() == 12
        && account.bytes().all(|c| c.is_ascii_digit())
        && !name.is_empty()
        && name.bytes().all(|c| c.is_ascii_alphanumeric() || b"_+=,.@-/".contains(&c))
}
