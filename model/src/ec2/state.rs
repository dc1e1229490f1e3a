//! EC2's state: each account's instances, by ID, with their instance profile association.
//! Plain data with typed lookups and changes; no CLI parameters, no authorization, no `World`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The lifecycle states rootsim models (`InstanceState` of EC2's API), with EC2's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceState {
    /// Just launched (code 0): what `RunInstances` answers.
    Pending,
    /// Running (code 16).
    Running,
    /// Being terminated (code 32): what `TerminateInstances` answers.
    ShuttingDown,
    /// Terminated (code 48); still listed for an hour.
    Terminated,
    /// Stopped (code 80): only imported instances; no operation stops one.
    Stopped,
}

impl InstanceState {
    /// EC2's numeric code of the state (the low byte of `InstanceState.Code`).
    pub fn code(self) -> i64 {
        match self {
            InstanceState::Pending => 0,
            InstanceState::Running => 16,
            InstanceState::ShuttingDown => 32,
            InstanceState::Terminated => 48,
            InstanceState::Stopped => 80,
        }
    }

    /// EC2's name of the state.
    pub fn name(self) -> &'static str {
        match self {
            InstanceState::Pending => "pending",
            InstanceState::Running => "running",
            InstanceState::ShuttingDown => "shutting-down",
            InstanceState::Terminated => "terminated",
            InstanceState::Stopped => "stopped",
        }
    }

    /// The state EC2's name names (`running`), for imported instances; `stopping` is read as
    /// stopped and `shutting-down` as terminated, the states they end in.
    pub fn from_name(name: &str) -> Option<InstanceState> {
        Some(match name {
            "pending" => InstanceState::Pending,
            "running" => InstanceState::Running,
            "shutting-down" | "terminated" => InstanceState::Terminated,
            "stopping" | "stopped" => InstanceState::Stopped,
            _ => return None,
        })
    }
}

/// How long a terminated instance stays listed by `DescribeInstances` ("approximately one
/// hour", <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/terminating-instances.html>).
pub const TERMINATED_VISIBLE_SECONDS: i64 = 3600;

/// An instance's association with an IAM instance profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Association {
    /// `iip-assoc-` and 17 hexadecimal digits.
    pub id: String,
    /// The instance profile's ARN (`arn:aws:iam::ACCOUNT:instance-profile/PATH/NAME`).
    pub profile_arn: String,
    /// The instance profile's unique ID (`AIPA...`) when it was associated: a profile deleted and
    /// made again under the same name is another profile, which this association does not name.
    /// Empty when an import did not say.
    pub profile_id: String,
    /// When it was associated.
    pub since: i64,
}

/// One instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// `i-` and 17 hexadecimal digits.
    pub id: String,
    /// Its Region.
    pub region: String,
    /// The AMI it was launched from.
    pub image_id: String,
    /// `t3.micro`, ...
    pub instance_type: String,
    /// `r-` and 17 hexadecimal digits: the launch request it came from.
    pub reservation_id: String,
    /// Its index in that launch.
    pub launch_index: i64,
    /// When it was launched.
    pub launched: i64,
    /// Its place in its account's launches (0 first): the order `DescribeInstances` lists
    /// reservations in, since launches in the same second are told apart only by it.
    #[serde(default)]
    pub seq: u64,
    /// Its lifecycle state.
    pub state: InstanceState,
    /// When it was terminated.
    #[serde(default)]
    pub terminated_at: Option<i64>,
    /// Its instance profile association, if any.
    #[serde(default)]
    pub association: Option<Association>,
    /// Its tags, by key (`aws:autoscaling:groupName` on the instances an Auto Scaling group
    /// launches).
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl Instance {
    /// `arn:aws:ec2:REGION:ACCOUNT:instance/ID`, as the Service Authorization Reference writes it.
    pub fn arn(&self, account: &str) -> String {
        instance_arn(&self.region, account, &self.id)
    }

    /// Whether `DescribeInstances` still lists it at `now`.
    pub fn visible(&self, now: i64) -> bool {
        self.terminated_at.is_none_or(|t| now - t < TERMINATED_VISIBLE_SECONDS)
    }

    /// Whether it is running (pending counts: rootsim's instances boot at once).
    pub fn running(&self) -> bool {
        matches!(self.state, InstanceState::Pending | InstanceState::Running)
    }
}

/// `arn:aws:ec2:REGION:ACCOUNT:instance/ID`.
pub fn instance_arn(region: &str, account: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{account}:instance/{id}")
}

/// Whether `id` is shaped as an instance ID: `i-` and 8 or 17 hexadecimal digits.
pub fn valid_instance_id(id: &str) -> bool {
    id.strip_prefix("i-").is_some_and(|h| (h.len() == 8 || h.len() == 17) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// One account's instances, by ID (IDs are unique across Regions).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ec2Account {
    /// Instances by ID.
    pub instances: BTreeMap<String, Instance>,
}

/// The EC2 state: each account's instances, found with one lookup per account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ec2 {
    /// Accounts that have (or had) instances, by ID.
    pub accounts: BTreeMap<String, Ec2Account>,
}

impl Ec2 {
    /// The instances of `account`, by ID (empty when it has none).
    pub fn instances_of(&self, account: &str) -> impl Iterator<Item = &Instance> {
        self.accounts.get(account).into_iter().flat_map(|a| a.instances.values())
    }

    /// The instance `id` of `account` in `region`.
    pub fn instance(&self, account: &str, region: &str, id: &str) -> Option<&Instance> {
        self.accounts.get(account)?.instances.get(id).filter(|i| i.region == region)
    }

    /// The instance `id` of `account` in `region`, to change.
    pub fn instance_mut(&mut self, account: &str, region: &str, id: &str) -> Option<&mut Instance> {
        self.accounts.get_mut(account)?.instances.get_mut(id).filter(|i| i.region == region)
    }

    /// Adds `instance` to `account`.
    pub fn insert(&mut self, account: &str, instance: Instance) {
        self.accounts.entry(account.to_string()).or_default().instances.insert(instance.id.clone(), instance);
    }

    /// The place the next instance launched in `account` takes ([`Instance::seq`]).
    pub fn next_seq(&self, account: &str) -> u64 {
        self.accounts.get(account).map_or(0, |a| a.instances.len() as u64)
    }

    /// Whether `id` is taken in any account (IDs never repeat).
    pub fn id_taken(&self, id: &str) -> bool {
        self.accounts.values().any(|a| a.instances.contains_key(id))
    }

    /// The instance of `account` in `region` holding the association `id`.
    pub fn by_association(&self, account: &str, region: &str, id: &str) -> Option<&Instance> {
        self.instances_of(account).find(|i| i.region == region && i.association.as_ref().is_some_and(|a| a.id == id))
    }
}
