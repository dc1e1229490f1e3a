//! Auto Scaling's part of an estate: `accounts/<id>/autoscaling/<region>/
//! describe-launch-configurations.json` and `describe-auto-scaling-groups.json`, what the AWS CLI
//! prints in that account and Region, read into the world and written back by the export. A
//! launch configuration keeps its `IamInstanceProfile` as written; the role it runs as is the
//! profile's in the imported IAM (`World::account_profile_role`).

use super::tree::{Json, NULL};
use super::{at, idx, parse_time, str_of, Importer};
use crate::autoscaling::ops::{group_json, launch_configuration_json};
use crate::autoscaling::{valid_name, Group, GroupInstance, LaunchConfiguration};
use crate::world::World;
use serde_json::{json, Value};

/// The launch configurations' file name under `accounts/<id>/autoscaling/<region>/`.
pub(super) const LAUNCH_CONFIGURATIONS: &str = "describe-launch-configurations.json";

/// The groups' file name under `accounts/<id>/autoscaling/<region>/`.
pub(super) const GROUPS: &str = "describe-auto-scaling-groups.json";

/// botocore's `LaunchConfiguration` members: any other field of an item is warned of.
const LC_FIELDS: &[&str] = &[
    "LaunchConfigurationName",
    "LaunchConfigurationARN",
    "ImageId",
    "KeyName",
    "SecurityGroups",
    "ClassicLinkVPCId",
    "ClassicLinkVPCSecurityGroups",
    "UserData",
    "InstanceType",
    "KernelId",
    "RamdiskId",
    "BlockDeviceMappings",
    "InstanceMonitoring",
    "SpotPrice",
    "IamInstanceProfile",
    "CreatedTime",
    "EbsOptimized",
    "AssociatePublicIpAddress",
    "PlacementTenancy",
    "MetadataOptions",
];

/// botocore's `AutoScalingGroup` members.
const GROUP_FIELDS: &[&str] = &[
    "AutoScalingGroupName",
    "AutoScalingGroupARN",
    "LaunchConfigurationName",
    "LaunchTemplate",
    "MixedInstancesPolicy",
    "MinSize",
    "MaxSize",
    "DesiredCapacity",
    "PredictedCapacity",
    "DefaultCooldown",
    "AvailabilityZones",
    "AvailabilityZoneIds",
    "LoadBalancerNames",
    "TargetGroupARNs",
    "HealthCheckType",
    "HealthCheckGracePeriod",
    "Instances",
    "CreatedTime",
    "SuspendedProcesses",
    "PlacementGroup",
    "VPCZoneIdentifier",
    "EnabledMetrics",
    "Status",
    "Tags",
    "TerminationPolicies",
    "NewInstancesProtectedFromScaleIn",
    "ServiceLinkedRoleARN",
    "MaxInstanceLifetime",
    "CapacityRebalance",
    "WarmPoolConfiguration",
    "WarmPoolSize",
    "Context",
    "DesiredCapacityType",
    "DefaultInstanceWarmup",
    "TrafficSources",
    "InstanceMaintenancePolicy",
    "DeletionProtection",
    "AvailabilityZoneDistribution",
    "AvailabilityZoneImpairmentPolicy",
    "CapacityReservationSpecification",
    "InstanceLifecyclePolicy",
    "Operator",
];

/// The UUID of `arn` when it is the ARN of the `kind` (`launchConfiguration` or
/// `autoScalingGroup`) named `name` of `account` in `region`:
/// `arn:aws:autoscaling:REGION:ACCOUNT:KIND:UUID:NAME-KEY/NAME`.
fn arn_id<'a>(arn: &'a str, region: &str, account: &str, kind: &str, key: &str, name: &str) -> Option<&'a str> {
    let rest = arn.strip_prefix(&format!("arn:aws:autoscaling:{region}:{account}:{kind}:"))?;
    let (id, tail) = rest.split_once(':')?;
    (tail == format!("{key}/{name}") && !id.is_empty() && !id.contains('/')).then_some(id)
}

/// The strings of a list field (others ignored).
fn strings(v: &Json, key: &str) -> Vec<String> {
    v.get(key).and_then(Json::as_array).unwrap_or(&[]).iter().filter_map(Json::as_str).map(str::to_string).collect()
}

/// A non-empty string field (the CLI prints `""` for a member that is not set).
fn set<'v>(v: &'v Json, key: &str) -> Option<&'v str> {
    str_of(v, key).filter(|s| !s.is_empty())
}

/// A non-negative integer field, as an `i64`.
fn int(v: &Json, key: &str) -> Option<i64> {
    v.get(key).and_then(Json::as_u64).and_then(|n| i64::try_from(n).ok())
}

impl Importer<'_, '_, '_> {
    /// `autoscaling/<region>/describe-launch-configurations.json`: each launch configuration,
    /// with its instance profile as written. An item without a name, image or type, whose ARN is
    /// not the folder's account's and Region's, or listed twice is skipped; a profile the
    /// account's IAM does not hold with a role is warned of (it runs as no role).
    pub(super) fn launch_configurations(&mut self, file: &str, account: &str, region: &str) {
        let raw = self.text(file);
        let Some(v) = raw.as_deref().and_then(|t| self.parse(file, t)) else { return };
        let Some(items) = self.listing(file, &v, "describe-launch-configurations", "LaunchConfigurations", "the listing is truncated (NextToken): the launch configurations past this page are missing; list them without --max-items (the AWS CLI then follows every page)") else { return };
        for (i, item) in items.iter().enumerate() {
            let path = idx("$", "LaunchConfigurations", i);
            for key in item.keys().filter(|k| !LC_FIELDS.contains(k)) {
                self.warn(file, at(&path, key), "not a field of a LaunchConfiguration; ignored");
            }
            let Some(name) = str_of(item, "LaunchConfigurationName").filter(|n| valid_name(n)) else {
                self.skip(file, &path, "no valid LaunchConfigurationName; the launch configuration was skipped");
                continue;
            };
            let arn = str_of(item, "LaunchConfigurationARN").unwrap_or("");
            let Some(id) = arn_id(arn, region, account, "launchConfiguration", "launchConfigurationName", name) else {
                self.skip(file, &path, format!("launch configuration {name}: its LaunchConfigurationARN is not one of account {account} in {region}; the launch configuration was skipped"));
                continue;
            };
            let (Some(image), Some(instance_type)) = (set(item, "ImageId"), set(item, "InstanceType")) else {
                self.skip(
                    file,
                    &path,
                    format!(
                        "launch configuration {name}: no ImageId or InstanceType; the launch configuration was skipped"
                    ),
                );
                continue;
            };
            if self.world.autoscaling.launch_configuration(account, region, name).is_some() {
                self.skip(
                    file,
                    &path,
                    format!("AlreadyExists: launch configuration {name} is listed twice; the repeat was skipped"),
                );
                continue;
            }
            let profile = set(item, "IamInstanceProfile").map(str::to_string);
            if let Some(p) = &profile {
                if self.world.account_profile_role(account, p).is_none() {
                    self.warn(
                        file,
                        at(&path, "IamInstanceProfile"),
                        format!("no imported instance profile {p} of account {account} holds a role: the launch configuration's instances run as no role"),
                    );
                }
            }
            let monitoring =
                item.get("InstanceMonitoring").unwrap_or(&NULL).get("Enabled").and_then(Json::as_bool).unwrap_or(true);
            let created = str_of(item, "CreatedTime").and_then(parse_time).unwrap_or_else(|| self.world.clock.now());
            self.world.autoscaling.insert_launch_configuration(LaunchConfiguration {
                name: name.to_string(),
                account: account.to_string(),
                region: region.to_string(),
                id: id.to_string(),
                image_id: image.to_string(),
                instance_type: instance_type.to_string(),
                key_name: set(item, "KeyName").map(str::to_string),
                security_groups: strings(item, "SecurityGroups"),
                user_data: set(item, "UserData").map(str::to_string),
                iam_instance_profile: profile,
                monitoring,
                created,
            });
        }
    }

    /// `autoscaling/<region>/describe-auto-scaling-groups.json`, read after the account's launch
    /// configurations and EC2 instances: each group made from a launch configuration imported in
    /// that account and Region, with those of its instances that the EC2 listing imported. A
    /// group without one (a launch template, not modelled), with sizes out of order, with an ARN
    /// of another account or Region, or listed twice is skipped; an instance EC2's listing does
    /// not hold is warned of.
    pub(super) fn groups(&mut self, file: &str, account: &str, region: &str) {
        let raw = self.text(file);
        let Some(v) = raw.as_deref().and_then(|t| self.parse(file, t)) else { return };
        let Some(items) = self.listing(file, &v, "describe-auto-scaling-groups", "AutoScalingGroups", "the listing is truncated (NextToken): the groups past this page are missing; list them without --max-items (the AWS CLI then follows every page)") else { return };
        for (i, item) in items.iter().enumerate() {
            let path = idx("$", "AutoScalingGroups", i);
            for key in item.keys().filter(|k| !GROUP_FIELDS.contains(k)) {
                self.warn(file, at(&path, key), "not a field of an AutoScalingGroup; ignored");
            }
            let Some(name) = str_of(item, "AutoScalingGroupName").filter(|n| valid_name(n)) else {
                self.skip(file, &path, "no valid AutoScalingGroupName; the group was skipped");
                continue;
            };
            let arn = str_of(item, "AutoScalingGroupARN").unwrap_or("");
            let Some(id) = arn_id(arn, region, account, "autoScalingGroup", "autoScalingGroupName", name) else {
                self.skip(file, &path, format!("group {name}: its AutoScalingGroupARN is not one of account {account} in {region}; the group was skipped"));
                continue;
            };
            let Some(lc) = set(item, "LaunchConfigurationName") else {
                self.skip(file, &path, format!("group {name}: no LaunchConfigurationName (launch templates and mixed instances policies are not modelled); the group was skipped"));
                continue;
            };
            if self.world.autoscaling.launch_configuration(account, region, lc).is_none() {
                self.skip(file, &path, format!("group {name}: its launch configuration {lc} is not among those imported for account {account} in {region}; the group was skipped"));
                continue;
            }
            let (Some(min), Some(max)) = (int(item, "MinSize"), int(item, "MaxSize")) else {
                self.skip(file, &path, format!("group {name}: no MinSize or MaxSize; the group was skipped"));
                continue;
            };
            let desired = int(item, "DesiredCapacity").unwrap_or(min);
            if !(min <= desired && desired <= max) {
                self.skip(file, &path, format!("group {name}: sizes out of order (min {min}, desired {desired}, max {max}); the group was skipped"));
                continue;
            }
            if self.world.autoscaling.group(account, region, name).is_some() {
                self.skip(file, &path, format!("AlreadyExists: group {name} is listed twice; the repeat was skipped"));
                continue;
            }
            // The group's instances are EC2's, imported from `ec2/<region>/describe-instances.json`
            // (read before the groups): each listed one found there, not terminated, is the
            // group's again; another is warned of.
            let mut instances = Vec::new();
            for (n, listed) in item.get("Instances").and_then(Json::as_array).unwrap_or(&[]).iter().enumerate() {
                let id = str_of(listed, "InstanceId").unwrap_or("");
                let running = self
                    .world
                    .ec2
                    .instance(account, region, id)
                    .is_some_and(|i| i.state != crate::ec2::InstanceState::Terminated);
                if !running {
                    self.warn(file, idx(&path, "Instances", n), format!("instance {id} is in no imported describe-instances.json of {account} in {region} (or is terminated): it is not the group's"));
                    continue;
                }
                let launched_from = set(listed, "LaunchConfigurationName").unwrap_or(lc);
                instances.push(GroupInstance { id: id.to_string(), launch_configuration: launched_from.to_string() });
            }
            let created = str_of(item, "CreatedTime").and_then(parse_time).unwrap_or_else(|| self.world.clock.now());
            let slr = set(item, "ServiceLinkedRoleARN").map(str::to_string).unwrap_or_else(|| {
                rootsim_policy::arn::iam(
                    account,
                    "role",
                    &format!("/aws-service-role/{}/", crate::autoscaling::SERVICE_PRINCIPAL),
                    crate::autoscaling::SERVICE_LINKED_ROLE,
                )
            });
            self.world.autoscaling.insert_group(Group {
                name: name.to_string(),
                account: account.to_string(),
                region: region.to_string(),
                id: id.to_string(),
                launch_configuration: lc.to_string(),
                min_size: min,
                max_size: max,
                desired_capacity: desired,
                availability_zones: strings(item, "AvailabilityZones"),
                vpc_zone_identifier: set(item, "VPCZoneIdentifier").map(str::to_string),
                service_linked_role_arn: slr,
                created,
                instances,
            });
        }
    }
}

/// The world's launch configurations and groups as estate files: per account and Region with
/// any, `describe-launch-configurations.json` and, if it has groups,
/// `describe-auto-scaling-groups.json`, in the CLI's output shape.
pub(super) fn export(world: &World) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (account, regions) in &world.autoscaling.launch_configurations {
        for (region, lcs) in regions {
            let list: Vec<Value> = lcs.values().map(launch_configuration_json).collect();
            out.push((
                format!("accounts/{account}/autoscaling/{region}/{LAUNCH_CONFIGURATIONS}"),
                json!({ "LaunchConfigurations": list }),
            ));
        }
    }
    for (account, regions) in &world.autoscaling.groups {
        for (region, groups) in regions {
            let list: Vec<Value> = groups.values().map(|g| group_json(world, g)).collect();
            out.push((
                format!("accounts/{account}/autoscaling/{region}/{GROUPS}"),
                json!({ "AutoScalingGroups": list }),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::import::{export, import};
    use crate::world::workloads::WorkloadKind;
    use serde_json::json;

    const ACCOUNT: &str = "111122223333";
    const LC_ID: &str = "0e86eafc-15a3-4810-a7ec-cf16cf4a8808";
    const GROUP_ID: &str = "dcdc0397-4198-459f-ab14-259983a8719f";

    /// An account whose role Web is in the instance profile web, with Auto Scaling listings in
    /// eu-west-1.
    fn estate(lcs: serde_json::Value, groups: Option<serde_json::Value>) -> Vec<(String, String)> {
        let iam = json!({"UserDetailList": [], "GroupDetailList": [], "Policies": [], "RoleDetailList": [{
            "Path": "/", "RoleName": "Web", "RoleId": "AROAQ3EGRGT5EXAMPLE1",
            "Arn": format!("arn:aws:iam::{ACCOUNT}:role/Web"), "CreateDate": "2019-03-01T09:30:00+00:00",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "InstanceProfileList": [{"Path": "/", "InstanceProfileName": "web", "InstanceProfileId": "AIPAQ3EGRGT5EXAMPLE2",
                "Arn": format!("arn:aws:iam::{ACCOUNT}:instance-profile/web"), "CreateDate": "2019-03-01T09:30:00+00:00", "Roles": []}],
            "RolePolicyList": [], "AttachedManagedPolicies": []
        }]});
        let mut files = vec![
            (format!("accounts/{ACCOUNT}/iam.json"), iam.to_string()),
            (format!("accounts/{ACCOUNT}/autoscaling/eu-west-1/describe-launch-configurations.json"), lcs.to_string()),
        ];
        if let Some(g) = groups {
            files.push((
                format!("accounts/{ACCOUNT}/autoscaling/eu-west-1/describe-auto-scaling-groups.json"),
                g.to_string(),
            ));
        }
        files
    }

    fn lc(name: &str, profile: Option<&str>) -> serde_json::Value {
        let mut v = json!({"LaunchConfigurationName": name,
            "LaunchConfigurationARN": format!("arn:aws:autoscaling:eu-west-1:{ACCOUNT}:launchConfiguration:{LC_ID}:launchConfigurationName/{name}"),
            "ImageId": "ami-0abcdef1234567890", "KeyName": "", "SecurityGroups": ["sg-0abc"], "ClassicLinkVPCSecurityGroups": [],
            "UserData": "", "InstanceType": "t3.micro", "KernelId": "", "RamdiskId": "", "BlockDeviceMappings": [],
            "InstanceMonitoring": {"Enabled": false}, "CreatedTime": "2020-05-01T10:00:00.123000+00:00", "EbsOptimized": false});
        if let Some(p) = profile {
            v["IamInstanceProfile"] = json!(p);
        }
        v
    }

    fn group(name: &str, lc: &str) -> serde_json::Value {
        json!({"AutoScalingGroupName": name,
            "AutoScalingGroupARN": format!("arn:aws:autoscaling:eu-west-1:{ACCOUNT}:autoScalingGroup:{GROUP_ID}:autoScalingGroupName/{name}"),
            "LaunchConfigurationName": lc, "MinSize": 1, "MaxSize": 3, "DesiredCapacity": 2, "DefaultCooldown": 300,
            "AvailabilityZones": ["eu-west-1a"], "HealthCheckType": "EC2", "HealthCheckGracePeriod": 0, "Instances": [],
            "CreatedTime": "2020-05-02T10:00:00+00:00", "VPCZoneIdentifier": "subnet-0abc",
            "ServiceLinkedRoleARN": format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")})
    }

    #[test]
    fn every_launch_configuration_and_group_is_imported_and_kept_by_a_round_trip() {
        let lcs = json!({"LaunchConfigurations": [lc("web", Some("web")), lc("bare", None)]});
        let mut web_asg = group("web-asg", "web");
        web_asg["Instances"] = json!([{"InstanceId": "i-0123456789abcdef0", "InstanceType": "t3.micro",
            "AvailabilityZone": "eu-west-1a", "LifecycleState": "InService", "HealthStatus": "Healthy",
            "LaunchConfigurationName": "web", "ProtectedFromScaleIn": false}]);
        let groups = json!({"AutoScalingGroups": [web_asg]});
        let mut files = estate(lcs, Some(groups));
        // The group's instance, as describe-instances lists it, tagged with the group's name.
        let ec2 = json!({"Reservations": [{"ReservationId": "r-0123456789abcdef0", "OwnerId": ACCOUNT, "Groups": [], "Instances": [
            {"InstanceId": "i-0123456789abcdef0", "ImageId": "ami-0abcdef1234567890", "InstanceType": "t3.micro",
             "LaunchTime": "2020-05-02T10:00:00+00:00", "State": {"Code": 16, "Name": "running"}, "AmiLaunchIndex": 0,
             "Tags": [{"Key": "aws:autoscaling:groupName", "Value": "web-asg"}]}]}]});
        files.push((format!("accounts/{ACCOUNT}/ec2/eu-west-1/describe-instances.json"), ec2.to_string()));
        let imported = import(&files, 7);
        assert!(imported.is_clean(), "{}", imported.report());
        let w = &imported.world;
        let names: Vec<&str> =
            w.autoscaling.launch_configurations.of_account(ACCOUNT).map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["bare", "web"]);
        let web = w.autoscaling.launch_configuration(ACCOUNT, "eu-west-1", "web").expect("imported");
        assert_eq!(web.id, LC_ID);
        assert_eq!(web.iam_instance_profile.as_deref(), Some("web"));
        assert!(!web.monitoring);
        assert_eq!(web.key_name, None);
        assert_eq!(web.created, crate::clock::days_from_civil(2020, 5, 1) * 86_400 + 10 * 3600);
        let g = w.autoscaling.group(ACCOUNT, "eu-west-1", "web-asg").expect("imported");
        assert_eq!((g.min_size, g.desired_capacity, g.max_size), (1, 2, 3));
        assert_eq!(g.vpc_zone_identifier.as_deref(), Some("subnet-0abc"));
        let ids: Vec<&str> = g.instances.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["i-0123456789abcdef0"]);
        let instance = w.ec2.instance(ACCOUNT, "eu-west-1", "i-0123456789abcdef0").expect("imported");
        assert_eq!(instance.tags.get("aws:autoscaling:groupName").map(String::as_str), Some("web-asg"));
        // The launch configuration with a profile holding a role is a workload, as the role.
        let workloads = w.workloads_of(ACCOUNT);
        assert_eq!(workloads.len(), 1, "{workloads:?}");
        assert_eq!(workloads[0].kind, WorkloadKind::AutoScalingLaunchConfiguration);
        assert_eq!(workloads[0].arn, web.arn());
        assert_eq!(workloads[0].role_arn, format!("arn:aws:iam::{ACCOUNT}:role/Web"));
        // Export writes both listings back; importing them keeps every resource as it was.
        let again = import(&export(w), 7);
        assert!(again.is_clean(), "{}", again.report());
        assert_eq!(again.world.autoscaling, w.autoscaling);
        assert_eq!(again.world.ec2.instance(ACCOUNT, "eu-west-1", "i-0123456789abcdef0"), Some(instance));
        assert_eq!(again.world.workloads_of(ACCOUNT), workloads);
    }

    #[test]
    fn odd_listings_are_warned_of_and_unsound_items_skipped() {
        let mut odd = lc("odd", Some("nobody"));
        odd["Colour"] = json!("blue");
        let mut no_image = lc("no-image", None);
        no_image["ImageId"] = json!("");
        let mut elsewhere = lc("elsewhere", None);
        elsewhere["LaunchConfigurationARN"] = json!(format!(
            "arn:aws:autoscaling:us-east-1:{ACCOUNT}:launchConfiguration:{LC_ID}:launchConfigurationName/elsewhere"
        ));
        let lcs = json!({"NextToken": "abc", "LaunchConfigurations": [odd, no_image, elsewhere, lc("odd", None)]});
        let mut templated = group("templated", "odd");
        templated.as_object_mut().unwrap().remove("LaunchConfigurationName");
        let mut busy = group("busy", "odd");
        busy["Instances"] = json!([{"InstanceId": "i-0123456789abcdef0"}]);
        let groups =
            json!({"AutoScalingGroups": [templated, group("orphan", "missing"), busy, group("inverted", "odd")]});
        let mut groups = groups;
        groups["AutoScalingGroups"][3]["MinSize"] = json!(5);
        let imported = import(&estate(lcs, Some(groups)), 7);
        let lc_file = format!("accounts/{ACCOUNT}/autoscaling/eu-west-1/describe-launch-configurations.json");
        let g_file = format!("accounts/{ACCOUNT}/autoscaling/eu-west-1/describe-auto-scaling-groups.json");
        let warned: Vec<String> = imported.warnings.iter().map(|w| format!("{} {}", w.file, w.path)).collect();
        assert!(warned.contains(&format!("{lc_file} $.NextToken")), "{warned:?}");
        assert!(warned.contains(&format!("{lc_file} $.LaunchConfigurations[0].Colour")), "{warned:?}");
        assert!(warned.contains(&format!("{lc_file} $.LaunchConfigurations[0].IamInstanceProfile")), "{warned:?}");
        assert!(warned.contains(&format!("{g_file} $.AutoScalingGroups[2].Instances[0]")), "{warned:?}");
        let skipped: Vec<String> = imported.skipped.iter().map(|s| format!("{} {}", s.path, s.reason)).collect();
        assert_eq!(skipped.len(), 6, "{skipped:?}");
        // The report lists them by file: the groups' file first.
        assert!(skipped[0].contains("no LaunchConfigurationName"), "{skipped:?}");
        assert!(skipped[1].contains("its launch configuration missing"), "{skipped:?}");
        assert!(skipped[2].contains("sizes out of order"), "{skipped:?}");
        assert!(skipped[3].contains("no ImageId or InstanceType"), "{skipped:?}");
        assert!(skipped[4].contains("is not one of account"), "{skipped:?}");
        assert!(skipped[5].contains("listed twice"), "{skipped:?}");
        let w = &imported.world;
        let names: Vec<&str> =
            w.autoscaling.launch_configurations.of_account(ACCOUNT).map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["odd"]);
        let groups: Vec<&str> = w.autoscaling.groups.of_account(ACCOUNT).map(|g| g.name.as_str()).collect();
        assert_eq!(groups, ["busy"]);
        // The profile of no imported role: kept as written, running as no role.
        assert!(w.workloads_of(ACCOUNT).is_empty());
    }
}
