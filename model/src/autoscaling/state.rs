//! Auto Scaling's state: launch configurations and Auto Scaling groups per account and Region,
//! with the typed changes the operations make. No CLI parameters, no output JSON, no
//! authorization.

use crate::regional::Regional;
use serde::{Deserialize, Serialize};

/// The first day on which a new account may no longer create launch configurations by any
/// method: 1 October 2024, 00:00 UTC, in seconds since the epoch (AUTOSCALING-NEW-ACCOUNTS,
/// GRAPH-PASSROLE-AUTOSCALING).
pub const LAUNCH_CONFIGURATIONS_END: i64 = 19_997 * 86_400;

/// The tag Auto Scaling puts on every instance a group launches, its value the group's name.
pub const GROUP_TAG: &str = "aws:autoscaling:groupName";

/// The most instances a group runs. **Simulator assumption** (AUTOSCALING-INSTANCES): AWS's
/// bound is the account's EC2 quota; rootsim refuses a larger desired capacity, so that no input
/// makes the world grow without bound (as `ec2 run-instances` does, `crate::ec2::ops::MAX_LAUNCH`).
pub const MAX_GROUP_INSTANCES: i64 = 20;

/// The service principal Auto Scaling's service-linked role trusts.
pub const SERVICE_PRINCIPAL: &str = "autoscaling.amazonaws.com";

/// The name of Auto Scaling's default service-linked role.
pub const SERVICE_LINKED_ROLE: &str = "AWSServiceRoleForAutoScaling";

/// One launch configuration: what an Auto Scaling group's instances are launched with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchConfiguration {
    /// Its name, unique in its account and Region.
    pub name: String,
    /// The owner account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// The UUID its ARN carries.
    pub id: String,
    /// The AMI its instances boot.
    pub image_id: String,
    /// Their instance type.
    pub instance_type: String,
    /// The key pair, if any.
    #[serde(default)]
    pub key_name: Option<String>,
    /// Security groups (IDs or names), as given.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// The user data, base64-encoded (as the CLI sends it and Auto Scaling prints it).
    #[serde(default)]
    pub user_data: Option<String>,
    /// The instance profile, by name or ARN as given (AWS prints it back as given).
    #[serde(default)]
    pub iam_instance_profile: Option<String>,
    /// Whether detailed monitoring is on (`InstanceMonitoring.Enabled`, true by default).
    pub monitoring: bool,
    /// When it was created.
    pub created: i64,
}

impl LaunchConfiguration {
    /// `arn:aws:autoscaling:REGION:ACCOUNT:launchConfiguration:ID:launchConfigurationName/NAME`.
    pub fn arn(&self) -> String {
        launch_configuration_arn(&self.region, &self.account, &self.id, &self.name)
    }
}

/// The ARN of a launch configuration (the Service Authorization Reference's format; `id` is `*`
/// while it is being created).
pub fn launch_configuration_arn(region: &str, account: &str, id: &str, name: &str) -> String {
    format!("arn:aws:autoscaling:{region}:{account}:launchConfiguration:{id}:launchConfigurationName/{name}")
}

/// The ARN of an Auto Scaling group (`id` is `*` while it is being created).
pub fn group_arn(region: &str, account: &str, id: &str, name: &str) -> String {
    format!("arn:aws:autoscaling:{region}:{account}:autoScalingGroup:{id}:autoScalingGroupName/{name}")
}

/// One Auto Scaling group made from a launch configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Its name, unique in its account and Region.
    pub name: String,
    /// The owner account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// The UUID its ARN carries.
    pub id: String,
    /// The launch configuration it launches from.
    pub launch_configuration: String,
    /// The fewest instances.
    pub min_size: i64,
    /// The most instances.
    pub max_size: i64,
    /// How many instances it should run.
    pub desired_capacity: i64,
    /// Its Availability Zones.
    #[serde(default)]
    pub availability_zones: Vec<String>,
    /// Its subnets, comma-separated as given, if any.
    #[serde(default)]
    pub vpc_zone_identifier: Option<String>,
    /// The ARN of the service-linked role it launches with.
    pub service_linked_role_arn: String,
    /// When it was created.
    pub created: i64,
    /// The EC2 instances it launched (in `crate::ec2`'s state, of the same account and
    /// Region), oldest first; one terminated since is no longer the group's.
    #[serde(default)]
    pub instances: Vec<GroupInstance>,
}

/// One instance of a group: its EC2 instance ID and the launch configuration it was launched
/// from (the group's may have changed since).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInstance {
    /// The EC2 instance's ID.
    pub id: String,
    /// The launch configuration it was launched from.
    pub launch_configuration: String,
}

impl Group {
    /// `arn:aws:autoscaling:REGION:ACCOUNT:autoScalingGroup:ID:autoScalingGroupName/NAME`.
    pub fn arn(&self) -> String {
        group_arn(&self.region, &self.account, &self.id, &self.name)
    }
}

/// Auto Scaling's state: launch configurations and groups by account, then Region, then name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoScaling {
    /// Account ID → Region → name → launch configuration (no entry for an account without any).
    #[serde(default)]
    pub launch_configurations: Regional<LaunchConfiguration>,
    /// Account ID → Region → name → group.
    #[serde(default)]
    pub groups: Regional<Group>,
}

impl AutoScaling {
    /// The launch configuration `name` of `account` in `region`.
    pub fn launch_configuration(&self, account: &str, region: &str, name: &str) -> Option<&LaunchConfiguration> {
        self.launch_configurations.get(account, region, name)
    }

    /// Adds `lc`, replacing any of the same name in its account and Region.
    pub fn insert_launch_configuration(&mut self, lc: LaunchConfiguration) {
        let (account, region, name) = (lc.account.clone(), lc.region.clone(), lc.name.clone());
        self.launch_configurations.insert(&account, &region, &name, lc);
    }

    /// The group `name` of `account` in `region`.
    pub fn group(&self, account: &str, region: &str, name: &str) -> Option<&Group> {
        self.groups.get(account, region, name)
    }

    /// The group `name` of `account` in `region`, to change it.
    pub fn group_mut(&mut self, account: &str, region: &str, name: &str) -> Option<&mut Group> {
        self.groups.get_mut(account, region, name)
    }

    /// Adds `group`, replacing any of the same name in its account and Region.
    pub fn insert_group(&mut self, group: Group) {
        let (account, region, name) = (group.account.clone(), group.region.clone(), group.name.clone());
        self.groups.insert(&account, &region, &name, group);
    }

    /// The first group (by name) of `account` in `region` that launches from the launch
    /// configuration `lc`.
    pub fn group_using(&self, account: &str, region: &str, lc: &str) -> Option<&Group> {
        self.groups.in_region(account, region).find(|g| g.launch_configuration == lc)
    }
}

/// Whether `name` is a valid launch configuration or group name: 1 to 255 characters, none of
/// them a control character other than tab, newline and carriage return (the model's
/// `XmlStringMaxLen255` pattern `[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*`).
pub fn valid_name(name: &str) -> bool {
    (1..=255).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !('\u{FFFE}'..='\u{FFFF}').contains(&c)))
}
