//! EC2's part of an estate: `accounts/<id>/ec2/<region>/describe-instances.json`, what
//! `aws ec2 describe-instances` prints in that Region, read into the account's instances and
//! written back by the export. An instance's `IamInstanceProfile` links it to the instance
//! profile of that ARN, which the account's `get-account-authorization-details` imported (or not:
//! the instance then runs as no role, `World::instance_profile_role`).

use super::tree::{Json, NULL};
use super::{at, idx, parse_time, str_of, Importer};
use crate::ec2::{valid_instance_id, Association, Instance, InstanceState};
use crate::world::World;
use serde_json::{json, Value};

/// The listing's file name under `accounts/<id>/ec2/<region>/`.
pub(super) const FILE: &str = "describe-instances.json";

/// botocore's `Reservation` members.
const RESERVATION_KEYS: &[&str] = &["Groups", "Instances", "OwnerId", "RequesterId", "ReservationId"];

/// botocore's `Instance` members: every field `describe-instances` may print. rootsim reads the
/// ID, image, type, launch time, state and instance profile; the others are known and ignored.
const INSTANCE_KEYS: &[&str] = &[
    "AmiLaunchIndex",
    "Architecture",
    "BlockDeviceMappings",
    "BootMode",
    "CapacityBlockId",
    "CapacityReservationId",
    "CapacityReservationSpecification",
    "ClientToken",
    "CpuOptions",
    "CurrentInstanceBootMode",
    "EbsOptimized",
    "ElasticGpuAssociations",
    "ElasticInferenceAcceleratorAssociations",
    "EnaSupport",
    "EnclaveOptions",
    "HibernationOptions",
    "Hypervisor",
    "IamInstanceProfile",
    "ImageId",
    "InstanceId",
    "InstanceLifecycle",
    "InstanceType",
    "Ipv6Address",
    "KernelId",
    "KeyName",
    "LaunchTime",
    "Licenses",
    "MaintenanceOptions",
    "MetadataOptions",
    "Monitoring",
    "NetworkInterfaces",
    "NetworkPerformanceOptions",
    "Operator",
    "OutpostArn",
    "Placement",
    "Platform",
    "PlatformDetails",
    "PrivateDnsName",
    "PrivateDnsNameOptions",
    "PrivateIpAddress",
    "ProductCodes",
    "PublicDnsName",
    "PublicIpAddress",
    "RamdiskId",
    "RootDeviceName",
    "RootDeviceType",
    "SecondaryInterfaces",
    "SecurityGroups",
    "SourceDestCheck",
    "SpotInstanceRequestId",
    "SriovNetSupport",
    "State",
    "StateReason",
    "StateTransitionReason",
    "SubnetId",
    "Tags",
    "TpmSupport",
    "UsageOperation",
    "UsageOperationUpdateTime",
    "VirtualizationType",
    "VpcId",
];

impl Importer<'_, '_, '_> {
    /// `ec2/<region>/describe-instances.json`: each reservation's instances, into `account`.
    pub(super) fn instances(&mut self, file: &str, account: &str, region: &str) {
        let raw = self.text(file);
        let Some(v) = raw.as_deref().and_then(|t| self.parse(file, t)) else { return };
        let Some(reservations) = self.listing(file, &v, "describe-instances", "Reservations", "the listing is truncated (a NextToken is left): instances past this page are missing; list them without --max-items") else { return };
        for (r, res) in reservations.iter().enumerate() {
            let rpath = idx("$", "Reservations", r);
            for key in res.keys().filter(|k| !RESERVATION_KEYS.contains(k)) {
                self.warn(file, at(&rpath, key), "not a field of a Reservation; ignored");
            }
            if let Some(owner) = str_of(res, "OwnerId").filter(|o| *o != account) {
                self.skip(file, &rpath, format!("the reservation's OwnerId {owner} is not the folder's account {account}: its instances were not imported"));
                continue;
            }
            let reservation_id = str_of(res, "ReservationId").unwrap_or("").to_string();
            let instances = res.get("Instances").and_then(Json::as_array).unwrap_or(&[]);
            for (i, item) in instances.iter().enumerate() {
                let path = idx(&rpath, "Instances", i);
                self.instance(file, &path, item, account, region, &reservation_id);
            }
        }
    }

    /// One instance of a reservation; skipped with a reason when it is unsound.
    fn instance(&mut self, file: &str, path: &str, v: &Json, account: &str, region: &str, reservation: &str) {
        for key in v.keys().filter(|k| !INSTANCE_KEYS.contains(k)) {
            self.warn(file, at(path, key), "not a field of an Instance; ignored");
        }
        let id = str_of(v, "InstanceId").unwrap_or("");
        if !valid_instance_id(id) {
            self.skip(file, path, format!("InvalidInstanceID.Malformed: Invalid id: \"{id}\""));
            return;
        }
        if self.world.ec2.id_taken(id) {
            self.skip(file, path, format!("the instance {id} is listed twice: this one was not imported"));
            return;
        }
        let state_name = v.get("State").unwrap_or(&NULL).get("Name").and_then(Json::as_str).unwrap_or("");
        let Some(state) = InstanceState::from_name(state_name) else {
            self.skip(file, at(path, "State.Name"), format!("'{state_name}' is not an instance state"));
            return;
        };
        let launched = str_of(v, "LaunchTime").and_then(parse_time).unwrap_or_else(|| self.world.clock.now());
        let profile = v.get("IamInstanceProfile").unwrap_or(&NULL);
        let association = match str_of(profile, "Arn") {
            Some(arn) => {
                if self.world.instance_profile_role(arn, str_of(profile, "Id").unwrap_or("")).is_none() {
                    self.warn(
                        file,
                        at(path, "IamInstanceProfile.Arn"),
                        format!("no imported instance profile {arn} (with this Id) holds a role: the instance runs as no role"),
                    );
                }
                Some(Association {
                    id: format!("iip-assoc-{}", self.world.rng.lower_hex(17)),
                    profile_arn: arn.to_string(),
                    profile_id: str_of(profile, "Id").unwrap_or("").to_string(),
                    since: launched,
                })
            }
            None => None,
        };
        let now = self.world.clock.now();
        let seq = self.world.ec2.next_seq(account);
        let instance = Instance {
            id: id.to_string(),
            region: region.to_string(),
            image_id: str_of(v, "ImageId").unwrap_or("").to_string(),
            instance_type: str_of(v, "InstanceType").unwrap_or("").to_string(),
            reservation_id: reservation.to_string(),
            launch_index: v.get("AmiLaunchIndex").and_then(Json::as_u64).unwrap_or(0) as i64,
            launched,
            seq,
            state,
            terminated_at: (state == InstanceState::Terminated).then_some(now),
            association: association.filter(|_| state != InstanceState::Terminated),
            tags: v
                .get("Tags")
                .and_then(Json::as_array)
                .unwrap_or(&[])
                .iter()
                .filter_map(|t| Some((str_of(t, "Key")?.to_string(), str_of(t, "Value").unwrap_or("").to_string())))
                .collect(),
        };
        self.world.ec2.insert(account, instance);
    }
}

/// The export's files: one `describe-instances.json` per account and Region with instances
/// still listed, as the CLI prints it.
pub(super) fn export(world: &World) -> Vec<(String, Value)> {
    let now = world.clock.now();
    let mut out = Vec::new();
    for (account, a) in &world.ec2.accounts {
        let mut regions: Vec<&str> = a.instances.values().map(|i| i.region.as_str()).collect();
        regions.sort_unstable();
        regions.dedup();
        for region in regions {
            let chosen: Vec<&Instance> =
                a.instances.values().filter(|i| i.region == region && i.visible(now)).collect();
            if chosen.is_empty() {
                continue;
            }
            let reservations = crate::ec2::ops::reservations_json(account, chosen);
            out.push((format!("accounts/{account}/ec2/{region}/{FILE}"), json!({ "Reservations": reservations })));
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

    /// An account whose role Web is in the instance profile web, and its EC2 listing in eu-west-1.
    fn estate(instances: serde_json::Value) -> Vec<(String, String)> {
        let iam = json!({"UserDetailList": [], "GroupDetailList": [], "Policies": [], "RoleDetailList": [{
            "Path": "/", "RoleName": "Web", "RoleId": "AROAQ3EGRGT5EXAMPLE1",
            "Arn": format!("arn:aws:iam::{ACCOUNT}:role/Web"), "CreateDate": "2023-03-01T09:30:00+00:00",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "InstanceProfileList": [{"Path": "/", "InstanceProfileName": "web", "InstanceProfileId": "AIPAQ3EGRGT5EXAMPLE2",
                "Arn": format!("arn:aws:iam::{ACCOUNT}:instance-profile/web"), "CreateDate": "2023-03-01T09:30:00+00:00", "Roles": []}],
            "RolePolicyList": [], "AttachedManagedPolicies": []
        }]});
        vec![
            (format!("accounts/{ACCOUNT}/iam.json"), iam.to_string()),
            (format!("accounts/{ACCOUNT}/ec2/eu-west-1/describe-instances.json"), instances.to_string()),
        ]
    }

    fn instance(id: &str, state: &str, profile: Option<(&str, &str)>) -> serde_json::Value {
        let mut v = json!({"InstanceId": id, "ImageId": "ami-0abcdef1234567890", "InstanceType": "t3.micro",
            "LaunchTime": "2024-05-01T10:00:00+00:00", "State": {"Code": 16, "Name": state}, "AmiLaunchIndex": 0,
            "VpcId": "vpc-0abc", "SubnetId": "subnet-0abc"});
        if let Some((arn, id)) = profile {
            v["IamInstanceProfile"] = json!({"Arn": arn, "Id": id});
        }
        v
    }

    #[test]
    fn an_instance_with_a_profile_is_imported_and_runs_as_its_role() {
        let web = format!("arn:aws:iam::{ACCOUNT}:instance-profile/web");
        let listing = json!({"Reservations": [{"ReservationId": "r-0123456789abcdef0", "OwnerId": ACCOUNT, "Groups": [], "Instances": [
            instance("i-0123456789abcdef0", "running", Some((&web, "AIPAQ3EGRGT5EXAMPLE2"))),
            instance("i-0123456789abcdef1", "stopped", None),
        ]}]});
        let imported = import(&estate(listing), 7);
        assert!(imported.is_clean(), "{}", imported.report());
        let w = &imported.world;
        let ids: Vec<&str> = w.ec2.instances_of(ACCOUNT).map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["i-0123456789abcdef0", "i-0123456789abcdef1"]);
        assert!(w.ec2.instance(ACCOUNT, "eu-west-1", "i-0123456789abcdef0").is_some());
        let workloads = w.workloads_of(ACCOUNT);
        assert_eq!(workloads.len(), 1, "{workloads:?}");
        assert_eq!(workloads[0].kind, WorkloadKind::Ec2Instance);
        assert_eq!(workloads[0].arn, format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0123456789abcdef0"));
        assert_eq!(workloads[0].role_arn, format!("arn:aws:iam::{ACCOUNT}:role/Web"));
        // Export writes the listing back; importing it keeps every instance and the link.
        let again = import(&export(w), 7);
        assert!(again.is_clean(), "{}", again.report());
        let back: Vec<&str> = again.world.ec2.instances_of(ACCOUNT).map(|i| i.id.as_str()).collect();
        assert_eq!(back, ids);
        assert_eq!(again.world.workloads_of(ACCOUNT), workloads);
    }

    #[test]
    fn odd_listings_are_warned_of_and_unsound_instances_skipped() {
        let other = "arn:aws:iam::444455556666:instance-profile/elsewhere";
        let mut odd = instance("i-0123456789abcdef2", "running", Some((other, "AIPAOTHER")));
        odd["Colour"] = json!("blue");
        let listing = json!({"NextToken": "abc", "Reservations": [{"ReservationId": "r-1", "OwnerId": ACCOUNT, "Instances": [
            odd,
            instance("web-server", "running", None),
            instance("i-0123456789abcdef3", "exploded", None),
        ]}]});
        let imported = import(&estate(listing), 7);
        let file = format!("accounts/{ACCOUNT}/ec2/eu-west-1/describe-instances.json");
        let warned: Vec<String> = imported.warnings.iter().map(|w| format!("{} {}", w.file, w.path)).collect();
        assert!(warned.contains(&format!("{file} $.NextToken")), "{warned:?}");
        assert!(warned.contains(&format!("{file} $.Reservations[0].Instances[0].Colour")), "{warned:?}");
        assert!(
            warned.contains(&format!("{file} $.Reservations[0].Instances[0].IamInstanceProfile.Arn")),
            "{warned:?}"
        );
        let skipped: Vec<String> = imported.skipped.iter().map(|s| format!("{} {}", s.path, s.reason)).collect();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(skipped[0].contains("Malformed"), "{skipped:?}");
        assert!(skipped[1].contains("'exploded' is not an instance state"), "{skipped:?}");
        // The instance whose profile is another account's is kept as listed, with no role here.
        let kept = imported.world.ec2.instance(ACCOUNT, "eu-west-1", "i-0123456789abcdef2").expect("imported");
        assert_eq!(kept.association.as_ref().map(|a| a.profile_arn.as_str()), Some(other));
        assert!(imported.world.workloads_of(ACCOUNT).is_empty());
    }

    #[test]
    fn a_reservation_of_another_owner_is_skipped() {
        let listing = json!({"Reservations": [{"ReservationId": "r-1", "OwnerId": "999988887777", "Instances": [
            instance("i-0123456789abcdef0", "running", None)]}]});
        let imported = import(&estate(listing), 7);
        assert_eq!(imported.skipped.len(), 1, "{}", imported.report());
        assert_eq!(imported.world.ec2.instances_of(ACCOUNT).count(), 0);
    }
}
