//! Auto Scaling's operations on launch configurations and groups: each reads its parameters,
//! validates them as Auto Scaling does (`ValidationError`, the Query protocol's), authorizes the
//! call (a denial is `AccessDenied`, `crate::error::denied_by_service`), and only then changes the
//! state (`state.rs`, re-exported by [`super`]), so a failed call changes nothing.

use super::state::{
    group_arn, launch_configuration_arn, valid_name, Group, GroupInstance, LaunchConfiguration, GROUP_TAG,
    MAX_GROUP_INSTANCES, SERVICE_LINKED_ROLE, SERVICE_PRINCIPAL,
};
use crate::auth::AuthRequest;
use crate::clock::format_cli;
use crate::ec2::{Association, Instance, InstanceState};
use crate::error::{AwsError, AwsResult};
use crate::service::{authorize_pass_role, operations, param as p};
use crate::service::{opt_bool, opt_i64, opt_str, req_str, Call, Operation, Param, Shape};
use crate::world::World;
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

/// The service principal a launch configuration's instance profile role is passed to: the role
/// runs on EC2 instances (AUTOSCALING-PASSROLE).
pub const EC2_PRINCIPAL: &str = "ec2.amazonaws.com";

/// The cooldown a group gets when none is given (300 seconds, CreateAutoScalingGroup's API
/// reference).
const DEFAULT_COOLDOWN: i64 = 300;

/// The most names one `describe-*` call takes (the models' lists are not bounded; AWS documents
/// up to 50 for `--launch-configuration-names` and `--auto-scaling-group-names`).
const MAX_NAMES: usize = 50;

/// Auto Scaling's request validation error.
fn validation(message: impl Into<String>) -> AwsError {
    AwsError::validation(message)
}

/// A name parameter's check: 1 to 255 characters of the model's pattern.
fn check_name(member: &str, name: &str) -> AwsResult<()> {
    if valid_name(name) {
        return Ok(());
    }
    let mut field = member.to_string();
    field[..1].make_ascii_lowercase();
    Err(validation(format!(
        "1 validation error detected: Value '{name}' at '{field}' failed to satisfy constraint: Member must have length less than or equal to 255, Member must have length greater than or equal to 1"
    )))
}

/// The strings of a list parameter.
fn strings(input: &Input, name: &str) -> Vec<String> {
    input
        .get(name)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// A version-4 UUID from the world's generator, as the ARNs of launch configurations and groups
/// carry.
fn uuid(call: &mut Call) -> String {
    let h = call.world.rng.lower_hex(32);
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// A launch configuration as `DescribeLaunchConfigurations` prints it (the members the AWS CLI
/// shows for one made without block devices, kernel or RAM disk).
pub(crate) fn launch_configuration_json(lc: &LaunchConfiguration) -> Value {
    let mut m = Map::new();
    m.insert("LaunchConfigurationName".into(), json!(lc.name));
    m.insert("LaunchConfigurationARN".into(), json!(lc.arn()));
    m.insert("ImageId".into(), json!(lc.image_id));
    m.insert("KeyName".into(), json!(lc.key_name.clone().unwrap_or_default()));
    m.insert("SecurityGroups".into(), json!(lc.security_groups));
    m.insert("ClassicLinkVPCSecurityGroups".into(), json!([]));
    m.insert("UserData".into(), json!(lc.user_data.clone().unwrap_or_default()));
    m.insert("InstanceType".into(), json!(lc.instance_type));
    m.insert("KernelId".into(), json!(""));
    m.insert("RamdiskId".into(), json!(""));
    m.insert("BlockDeviceMappings".into(), json!([]));
    m.insert("InstanceMonitoring".into(), json!({ "Enabled": lc.monitoring }));
    if let Some(profile) = &lc.iam_instance_profile {
        m.insert("IamInstanceProfile".into(), json!(profile));
    }
    m.insert("CreatedTime".into(), json!(format_cli(lc.created)));
    m.insert("EbsOptimized".into(), json!(false));
    Value::Object(m)
}

/// A group as `DescribeAutoScalingGroups` prints it, with its instances still running in
/// `world`'s EC2 state (AUTOSCALING-INSTANCES).
pub(crate) fn group_json(world: &World, g: &Group) -> Value {
    let instances: Vec<Value> = live(world, g)
        .iter()
        .filter_map(|gi| world.ec2.instance(&g.account, &g.region, &gi.id).map(|i| (gi, i)))
        .map(|(gi, i)| {
            json!({
                "InstanceId": i.id,
                "InstanceType": i.instance_type,
                // rootsim's EC2 places every instance in the Region's first zone.
                "AvailabilityZone": format!("{}a", i.region),
                "LifecycleState": "InService",
                "HealthStatus": "Healthy",
                "LaunchConfigurationName": gi.launch_configuration,
                "ProtectedFromScaleIn": false,
            })
        })
        .collect();
    json!({
        "AutoScalingGroupName": g.name,
        "AutoScalingGroupARN": g.arn(),
        "LaunchConfigurationName": g.launch_configuration,
        "MinSize": g.min_size,
        "MaxSize": g.max_size,
        "DesiredCapacity": g.desired_capacity,
        "DefaultCooldown": DEFAULT_COOLDOWN,
        "AvailabilityZones": g.availability_zones,
        "LoadBalancerNames": [],
        "TargetGroupARNs": [],
        "HealthCheckType": "EC2",
        "HealthCheckGracePeriod": 0,
        "Instances": instances,
        "CreatedTime": format_cli(g.created),
        "SuspendedProcesses": [],
        "VPCZoneIdentifier": g.vpc_zone_identifier.clone().unwrap_or_default(),
        "EnabledMetrics": [],
        "Tags": [],
        "TerminationPolicies": ["Default"],
        "NewInstancesProtectedFromScaleIn": false,
        "ServiceLinkedRoleARN": g.service_linked_role_arn,
        "CapacityRebalance": false,
        "TrafficSources": [],
    })
}

/// The instances of `g` still in EC2's state and not terminated, oldest first (one terminated
/// directly, with `ec2 terminate-instances`, is no longer the group's).
fn live(world: &World, g: &Group) -> Vec<GroupInstance> {
    g.instances
        .iter()
        .filter(|gi| {
            world.ec2.instance(&g.account, &g.region, &gi.id).is_some_and(|i| i.state != InstanceState::Terminated)
        })
        .cloned()
        .collect()
}

/// Terminates the instance `id` of `account` in `region`, as `ec2 terminate-instances` does
/// (its profile association ends with it).
fn terminate(call: &mut Call, account: &str, region: &str, id: &str) {
    let now = call.now();
    if let Some(i) = call.world.ec2.instance_mut(account, region, id) {
        i.state = InstanceState::Terminated;
        i.terminated_at = Some(now);
        i.association = None;
    }
}

/// Launches `n` instances for the group `g` from its launch configuration, in one reservation,
/// as Auto Scaling does with its service-linked role: the caller's `ec2:RunInstances` is not
/// asked. Each runs the launch configuration's image and type with its instance profile (when
/// the account still has it) and carries the tag `aws:autoscaling:groupName`.
fn launch(call: &mut Call, g: &Group, n: usize) -> Vec<GroupInstance> {
    let (account, region) = (g.account.as_str(), g.region.as_str());
    let Some(lc) = call.world.autoscaling.launch_configuration(account, region, &g.launch_configuration).cloned()
    else {
        return Vec::new();
    };
    let profile = lc
        .iam_instance_profile
        .as_deref()
        .and_then(|spec| call.world.account_profile(account, spec))
        .map(|p| (p.arn(account), p.id.clone()));
    let reservation = format!("r-{}", call.world.rng.lower_hex(17));
    let now = call.now();
    let mut out = Vec::new();
    for index in 0..n {
        let id = loop {
            let id = format!("i-{}", call.world.rng.lower_hex(17));
            if !call.world.ec2.id_taken(&id) {
                break id;
            }
        };
        let association = match &profile {
            Some((arn, pid)) => Some(Association {
                id: format!("iip-assoc-{}", call.world.rng.lower_hex(17)),
                profile_arn: arn.clone(),
                profile_id: pid.clone(),
                since: now,
            }),
            None => None,
        };
        let seq = call.world.ec2.next_seq(account);
        let instance = Instance {
            id: id.clone(),
            seq,
            region: region.to_string(),
            image_id: lc.image_id.clone(),
            instance_type: lc.instance_type.clone(),
            reservation_id: reservation.clone(),
            launch_index: index as i64,
            launched: now,
            state: InstanceState::Running,
            terminated_at: None,
            association,
            tags: [(GROUP_TAG.to_string(), g.name.clone())].into_iter().collect(),
        };
        call.world.ec2.insert(account, instance);
        out.push(GroupInstance { id, launch_configuration: lc.name.clone() });
    }
    out
}

/// Brings the group `name` of `account` in `region` to its desired capacity: launches the
/// instances it lacks, or terminates those it has too many of, first those of another launch
/// configuration than the group's, then the oldest (AWS's default termination policy as far as
/// rootsim models it: one Availability Zone, no billing hours; AUTOSCALING-INSTANCES).
fn scale(call: &mut Call, account: &str, region: &str, name: &str) {
    let Some(g) = call.world.autoscaling.group(account, region, name).cloned() else { return };
    let mut live = live(call.world, &g);
    let desired = usize::try_from(g.desired_capacity).unwrap_or(0);
    while live.len() > desired {
        let at = live.iter().position(|gi| gi.launch_configuration != g.launch_configuration).unwrap_or(0);
        let gone = live.remove(at);
        terminate(call, account, region, &gone.id);
    }
    if live.len() < desired {
        let more = launch(call, &g, desired - live.len());
        live.extend(more);
    }
    if let Some(g) = call.world.autoscaling.group_mut(account, region, name) {
        g.instances = live;
    }
}

/// `LimitExceeded` for a desired capacity above what rootsim runs (**simulator assumption**,
/// AUTOSCALING-INSTANCES).
fn check_capacity(desired: i64) -> AwsResult<()> {
    if desired > MAX_GROUP_INSTANCES {
        return Err(AwsError::new(
            "LimitExceeded",
            400,
            format!("(rootsim) A group runs at most {MAX_GROUP_INSTANCES} instances in rootsim; the desired capacity {desired} is more."),
        ));
    }
    Ok(())
}

/// `ValidationError` for a parameter rootsim does not model (launch templates, mixed instances
/// policies, `--instance-id`): refused rather than ignored, so that no call does less than it
/// says (**simulator assumption**, AUTOSCALING-NOT-MODELLED).
fn not_modelled(option: &str) -> AwsError {
    validation(format!(
        "(rootsim) {option} is not modelled: rootsim's Auto Scaling groups launch from launch configurations only."
    ))
}

/// The role the instance profile `spec` (a name or an ARN) of the caller's account holds, or
/// `ValidationError` when the account has no such profile ("Invalid IamInstanceProfile: X",
/// observed). `Ok(None)` for a profile without a role.
fn profile_role(call: &Call, spec: &str) -> AwsResult<Option<String>> {
    let account = call.account();
    let iam = call.world.iam.account(&account);
    let exists = match spec.strip_prefix("arn:") {
        Some(_) => rootsim_policy::arn::Arn::parse(spec)
            .filter(|a| a.service == "iam" && a.account == account && a.resource.starts_with("instance-profile/"))
            .and_then(|a| iam.and_then(|iam| iam.instance_profile(a.resource.rsplit('/').next().unwrap_or(""))))
            .is_some_and(|p| p.arn(&account) == spec),
        None => iam.and_then(|iam| iam.instance_profile(spec)).is_some_and(|p| p.name == spec),
    };
    if !exists {
        return Err(validation(format!("Invalid IamInstanceProfile: {spec}")));
    }
    Ok(call.world.account_profile_role(&account, spec))
}

fn create_launch_configuration(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "LaunchConfigurationName")?.to_string();
    check_name("LaunchConfigurationName", &name)?;
    if input.contains_key("InstanceId") {
        return Err(not_modelled("--instance-id"));
    }
    let (Some(image), Some(instance_type)) = (opt_str(input, "ImageId"), opt_str(input, "InstanceType")) else {
        // **Simulator assumption** for the wording (the API reference says both are required
        // without an instance ID).
        return Err(validation(
            "Valid requests must contain either the InstanceID parameter or both the ImageId and InstanceType parameters.",
        ));
    };
    let (image, instance_type) = (image.to_string(), instance_type.to_string());
    let profile = opt_str(input, "IamInstanceProfile").map(str::to_string);
    let (account, region) = (call.account(), call.region.clone());
    // Authorized on the launch configuration's ARN (its ID unknown yet: `*`), with Auto Scaling's
    // keys for the image and instance type (rule AUTOSCALING-CREATE-LAUNCH-CONFIGURATION).
    let keys = [("autoscaling:ImageId", image.as_str()), ("autoscaling:InstanceType", instance_type.as_str())];
    let resource = launch_configuration_arn(&region, &account, "*", &name);
    let record = call.decide(
        &AuthRequest::new(&call.caller, &call.region, "autoscaling:CreateLaunchConfiguration", &resource)
            .with_context(&keys),
    );
    call.record_decision(record)?;
    // Accounts created on or after 1 October 2024 cannot create launch configurations by any
    // method (rule AUTOSCALING-NEW-ACCOUNTS; the error as observed).
    if !call.world.may_create_launch_configurations(&account) {
        return Err(AwsError::new(
            "UnsupportedOperation",
            400,
            "The Launch Configuration creation operation is not available in your account. Use launch templates to create configuration templates for your Auto Scaling groups.",
        ));
    }
    if call.world.autoscaling.launch_configuration(&account, &region, &name).is_some() {
        // **Simulator assumption** for the wording (the API reference documents the code only).
        return Err(AwsError::new(
            "AlreadyExists",
            400,
            format!("Launch Configuration by this name already exists - A launch configuration already exists with the name {name}"),
        ));
    }
    // The profile's role is passed to EC2 now, once: a group that uses the launch configuration
    // later asks nothing of the role (rule AUTOSCALING-PASSROLE).
    if let Some(spec) = &profile {
        if let Some(role) = profile_role(call, spec)? {
            authorize_pass_role(call, "autoscaling:CreateLaunchConfiguration", &role, EC2_PRINCIPAL)?;
        }
    }
    let monitoring =
        input.get("InstanceMonitoring").and_then(|m| m.get("Enabled")).and_then(Value::as_bool).unwrap_or(true);
    let id = uuid(call);
    let lc = LaunchConfiguration {
        name,
        account,
        region,
        id,
        image_id: image,
        instance_type,
        key_name: opt_str(input, "KeyName").map(str::to_string),
        security_groups: strings(input, "SecurityGroups"),
        // botocore base64-encodes CreateLaunchConfiguration's UserData before sending it (its
        // handler `base64_encode_user_data`), and Auto Scaling prints it back encoded.
        user_data: opt_str(input, "UserData").map(|u| crate::pages::base64_encode(u.as_bytes())),
        iam_instance_profile: profile,
        monitoring,
        created: call.now(),
    };
    call.world.autoscaling.insert_launch_configuration(lc);
    Ok(Value::Null)
}

/// The names a `describe-*` call asks about, at most [`MAX_NAMES`].
fn names(input: &Input, member: &str) -> AwsResult<Vec<String>> {
    let list = strings(input, member);
    if list.len() > MAX_NAMES {
        // **Simulator assumption** for the wording.
        return Err(validation(format!("The number of names in {member} cannot exceed {MAX_NAMES}.")));
    }
    Ok(list)
}

fn describe_launch_configurations(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let wanted = names(input, "LaunchConfigurationNames")?;
    // autoscaling:Describe* take no resource in the Service Authorization Reference: `*`.
    call.authorize("autoscaling:DescribeLaunchConfigurations", "*")?;
    let (account, region) = (call.account(), call.region.clone());
    // Names that do not exist are left out, not refused (the API reference).
    let list: Vec<Value> = call
        .world
        .autoscaling
        .launch_configurations
        .in_region(&account, &region)
        .filter(|lc| wanted.is_empty() || wanted.contains(&lc.name))
        .map(launch_configuration_json)
        .collect();
    Ok(json!({ "LaunchConfigurations": list }))
}

fn delete_launch_configuration(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "LaunchConfigurationName")?.to_string();
    check_name("LaunchConfigurationName", &name)?;
    let (account, region) = (call.account(), call.region.clone());
    let id = call.world.autoscaling.launch_configuration(&account, &region, &name).map(|lc| lc.id.clone());
    let resource = launch_configuration_arn(&region, &account, id.as_deref().unwrap_or("*"), &name);
    call.authorize("autoscaling:DeleteLaunchConfiguration", &resource)?;
    if id.is_none() {
        // **Simulator assumption** for the wording.
        return Err(validation(format!("Launch configuration name not found - Launch configuration {name} not found")));
    }
    if let Some(g) = call.world.autoscaling.group_using(&account, &region, &name) {
        // The wording as observed; the code is the model's (rule AUTOSCALING-DELETE-IN-USE).
        return Err(AwsError::new(
            "ResourceInUse",
            400,
            format!("Cannot delete launch configuration {name} because it is attached to AutoScalingGroup {}", g.name),
        ));
    }
    call.world.autoscaling.launch_configurations.remove(&account, &region, &name);
    Ok(Value::Null)
}

/// Checks `min <= desired <= max`, each at least 0, with Auto Scaling's wording (**simulator
/// assumption** for the wording: observed forms).
fn check_sizes(min: i64, max: i64, desired: i64) -> AwsResult<()> {
    if min < 0 || max < 0 {
        return Err(validation("Min and max sizes must be greater than or equal to 0."));
    }
    if min > max {
        return Err(validation(format!("Max bound, {max}, must be greater than or equal to min bound, {min}")));
    }
    if desired < min || desired > max {
        return Err(validation(format!(
            "Desired capacity:{desired} must be between the specified min size:{min} and max size:{max}"
        )));
    }
    Ok(())
}

/// The Availability Zones given, each of the call's Region (`us-east-1a`...).
fn zones(call: &Call, input: &Input) -> AwsResult<Vec<String>> {
    let list = strings(input, "AvailabilityZones");
    let region = &call.region;
    if let Some(bad) = list.iter().find(|z| {
        !z.strip_prefix(region.as_str()).is_some_and(|s| s.len() == 1 && s.bytes().all(|b| b.is_ascii_lowercase()))
    }) {
        // **Simulator assumption** for the wording.
        return Err(validation(format!("The availability zone {bad} is not legal")));
    }
    Ok(list)
}

fn create_auto_scaling_group(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "AutoScalingGroupName")?.to_string();
    check_name("AutoScalingGroupName", &name)?;
    for (member, option) in [
        ("LaunchTemplate", "--launch-template"),
        ("MixedInstancesPolicy", "--mixed-instances-policy"),
        ("InstanceId", "--instance-id"),
        ("ServiceLinkedRoleARN", "--service-linked-role-arn"),
    ] {
        if input.contains_key(member) {
            return Err(not_modelled(option));
        }
    }
    let Some(lc_name) = opt_str(input, "LaunchConfigurationName").map(str::to_string) else {
        // **Simulator assumption** for the wording.
        return Err(validation(
            "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.",
        ));
    };
    let min = opt_i64(input, "MinSize").unwrap_or(0);
    let max = opt_i64(input, "MaxSize").unwrap_or(0);
    let desired = opt_i64(input, "DesiredCapacity").unwrap_or(min);
    check_sizes(min, max, desired)?;
    check_capacity(desired)?;
    let mut availability_zones = zones(call, input)?;
    let vpc_zone_identifier = opt_str(input, "VPCZoneIdentifier").filter(|s| !s.is_empty()).map(str::to_string);
    if availability_zones.is_empty() {
        match &vpc_zone_identifier {
            // Subnets are not modelled: the group's zone is the Region's first (as rootsim's EC2
            // instances are placed; **simulator assumption**).
            Some(_) => availability_zones.push(format!("{}a", call.region)),
            None => return Err(validation("At least one Availability Zone or VPC Subnet is required.")),
        }
    }
    let (account, region) = (call.account(), call.region.clone());
    // Authorized on the group's ARN (its ID unknown yet: `*`) with the launch configuration's name
    // as a key (rule AUTOSCALING-CREATE-GROUP). No iam:PassRole: the launch configuration's role
    // was passed when it was created (rule AUTOSCALING-PASSROLE).
    let resource = group_arn(&region, &account, "*", &name);
    let keys = [("autoscaling:LaunchConfigurationName", lc_name.as_str())];
    let record = call.decide(
        &AuthRequest::new(&call.caller, &call.region, "autoscaling:CreateAutoScalingGroup", &resource)
            .with_context(&keys),
    );
    call.record_decision(record)?;
    if call.world.autoscaling.group(&account, &region, &name).is_some() {
        // **Simulator assumption** for the wording.
        return Err(AwsError::new(
            "AlreadyExists",
            400,
            format!("AutoScalingGroup by this name already exists - A group with the name {name} already exists"),
        ));
    }
    if call.world.autoscaling.launch_configuration(&account, &region, &lc_name).is_none() {
        // **Simulator assumption** for the wording.
        return Err(validation(format!(
            "Launch configuration name not found - Launch configuration {lc_name} not found"
        )));
    }
    let slr = service_linked_role(call)?;
    let id = uuid(call);
    let group = Group {
        name,
        account,
        region,
        id,
        launch_configuration: lc_name,
        min_size: min,
        max_size: max,
        desired_capacity: desired,
        availability_zones,
        vpc_zone_identifier,
        service_linked_role_arn: slr,
        created: call.now(),
        instances: Vec::new(),
    };
    let (account, region, name) = (group.account.clone(), group.region.clone(), group.name.clone());
    call.world.autoscaling.insert_group(group);
    // The group launches its desired capacity at once (rootsim's instances boot at once).
    scale(call, &account, &region, &name);
    Ok(Value::Null)
}

/// Auto Scaling's service-linked role in the caller's account: when it is missing, Auto Scaling
/// creates it if the caller may `iam:CreateServiceLinkedRole` for `autoscaling.amazonaws.com`,
/// else the call is refused with the engine's denial of that action (rule
/// AUTOSCALING-SERVICE-LINKED-ROLE).
fn service_linked_role(call: &mut Call) -> AwsResult<String> {
    let account = call.account();
    let path = format!("/aws-service-role/{SERVICE_PRINCIPAL}/");
    let arn = rootsim_policy::arn::iam(&account, "role", &path, SERVICE_LINKED_ROLE);
    let exists = call
        .world
        .iam
        .account(&account)
        .is_some_and(|iam| iam.roles.contains_key(&crate::iam::key(SERVICE_LINKED_ROLE)));
    if exists {
        return Ok(arn);
    }
    let context = [("iam:AWSServiceName", SERVICE_PRINCIPAL)];
    let record = call.decide(
        &AuthRequest::new(&call.caller, &call.region, "iam:CreateServiceLinkedRole", &arn).with_context(&context),
    );
    let (allowed, message) = (record.decision.is_allowed(), record.denial_message());
    call.auth.push(record);
    if !allowed {
        return Err(AwsError::access_denied(message));
    }
    crate::iam::linked::ensure_service_linked_role(call, SERVICE_PRINCIPAL)
}

fn describe_auto_scaling_groups(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let wanted = names(input, "AutoScalingGroupNames")?;
    if input.contains_key("Filters") {
        return Err(not_modelled("--filters"));
    }
    call.authorize("autoscaling:DescribeAutoScalingGroups", "*")?;
    let (account, region) = (call.account(), call.region.clone());
    let list: Vec<Value> = call
        .world
        .autoscaling
        .groups
        .in_region(&account, &region)
        .filter(|g| wanted.is_empty() || wanted.contains(&g.name))
        .map(|g| group_json(call.world, g))
        .collect();
    Ok(json!({ "AutoScalingGroups": list }))
}

/// Authorizes `action` on the group `name` of the caller's account in the call's Region, then
/// answers `ValidationError` when it does not exist.
fn authorize_group(call: &mut Call, action: &str, name: &str, keys: &[(&str, &str)]) -> AwsResult<()> {
    let (account, region) = (call.account(), call.region.clone());
    let id = call.world.autoscaling.group(&account, &region, name).map(|g| g.id.clone());
    let resource = group_arn(&region, &account, id.as_deref().unwrap_or("*"), name);
    let record = call.decide(&AuthRequest::new(&call.caller, &call.region, action, &resource).with_context(keys));
    call.record_decision(record)?;
    match id {
        Some(_) => Ok(()),
        // **Simulator assumption** for the wording.
        None => Err(validation(format!("AutoScalingGroup name not found - AutoScalingGroup {name} not found"))),
    }
}

fn update_auto_scaling_group(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "AutoScalingGroupName")?.to_string();
    check_name("AutoScalingGroupName", &name)?;
    for (member, option) in [
        ("LaunchTemplate", "--launch-template"),
        ("MixedInstancesPolicy", "--mixed-instances-policy"),
        ("ServiceLinkedRoleARN", "--service-linked-role-arn"),
    ] {
        if input.contains_key(member) {
            return Err(not_modelled(option));
        }
    }
    let lc_name = opt_str(input, "LaunchConfigurationName").map(str::to_string);
    let keys: Vec<(&str, &str)> = lc_name.iter().map(|n| ("autoscaling:LaunchConfigurationName", n.as_str())).collect();
    authorize_group(call, "autoscaling:UpdateAutoScalingGroup", &name, &keys)?;
    let (account, region) = (call.account(), call.region.clone());
    let Some(g) = call.world.autoscaling.group(&account, &region, &name) else {
        return Err(validation(format!("AutoScalingGroup name not found - AutoScalingGroup {name} not found")));
    };
    let min = opt_i64(input, "MinSize").unwrap_or(g.min_size);
    let max = opt_i64(input, "MaxSize").unwrap_or(g.max_size);
    // A new minimum or maximum moves the desired capacity inside it when none is given, as Auto
    // Scaling does.
    let desired = opt_i64(input, "DesiredCapacity").unwrap_or_else(|| g.desired_capacity.clamp(min, max.max(min)));
    check_sizes(min, max, desired)?;
    check_capacity(desired)?;
    let zones = zones(call, input)?;
    if let Some(lc) = &lc_name {
        if call.world.autoscaling.launch_configuration(&account, &region, lc).is_none() {
            return Err(validation(format!(
                "Launch configuration name not found - Launch configuration {lc} not found"
            )));
        }
    }
    let vpc = opt_str(input, "VPCZoneIdentifier").map(str::to_string);
    if let Some(g) = call.world.autoscaling.group_mut(&account, &region, &name) {
        if let Some(lc) = lc_name {
            g.launch_configuration = lc;
        }
        g.min_size = min;
        g.max_size = max;
        g.desired_capacity = desired;
        if !zones.is_empty() {
            g.availability_zones = zones;
        }
        if let Some(v) = vpc {
            g.vpc_zone_identifier = (!v.is_empty()).then_some(v);
        }
    }
    // A new desired capacity launches or terminates instances now; a new launch configuration
    // applies to the instances launched from now on.
    scale(call, &account, &region, &name);
    Ok(Value::Null)
}

fn delete_auto_scaling_group(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "AutoScalingGroupName")?.to_string();
    check_name("AutoScalingGroupName", &name)?;
    let force = opt_bool(input, "ForceDelete").unwrap_or(false);
    authorize_group(call, "autoscaling:DeleteAutoScalingGroup", &name, &[])?;
    let (account, region) = (call.account(), call.region.clone());
    let Some(g) = call.world.autoscaling.group(&account, &region, &name).cloned() else { return Ok(Value::Null) };
    let live = live(call.world, &g);
    // A group with instances is deleted only with --force-delete, which terminates them
    // (AUTOSCALING-INSTANCES; the message as observed). rootsim's terminations end at once, so
    // no scaling activity is ever in progress (ScalingActivityInProgress never arises).
    if !live.is_empty() && !force {
        return Err(AwsError::new(
            "ResourceInUse",
            400,
            "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.",
        ));
    }
    for gi in &live {
        terminate(call, &account, &region, &gi.id);
    }
    call.world.autoscaling.groups.remove(&account, &region, &name);
    Ok(Value::Null)
}

const MONITORING_MEMBERS: &[Param] = &[p("Enabled", Shape::Boolean, false, "detailed monitoring")];
const TEMPLATE_MEMBERS: &[Param] = &[
    p("LaunchTemplateId", Shape::String, false, "the launch template's ID"),
    p("LaunchTemplateName", Shape::String, false, "the launch template's name"),
    p("Version", Shape::String, false, "its version"),
];
const FILTER_MEMBERS: &[Param] =
    &[p("Name", Shape::String, false, "the filter's name"), p("Values", Shape::StringList, false, "its values")];
const LC_NAME: Param = p("LaunchConfigurationName", Shape::String, true, "the launch configuration's name");
const GROUP_NAME: Param = p("AutoScalingGroupName", Shape::String, true, "the Auto Scaling group's name");

/// Auto Scaling's operations (`aws autoscaling ...`): launch configurations and groups.
pub const OPERATIONS: &[Operation] = operations!(
    "autoscaling",
    [
        (
            "CreateLaunchConfiguration",
            create_launch_configuration,
            "Creates a launch configuration (iam:PassRole on its instance profile's role; refused to accounts created on or after 1 October 2024).",
            [
                LC_NAME,
                p("ImageId", Shape::String, false, "the AMI its instances boot"),
                p("InstanceType", Shape::String, false, "their instance type"),
                p("IamInstanceProfile", Shape::String, false, "the instance profile, by name or ARN"),
                p("KeyName", Shape::String, false, "the key pair"),
                p("SecurityGroups", Shape::StringList, false, "security groups"),
                p("UserData", Shape::String, false, "user data (the CLI base64-encodes it)"),
                p("InstanceMonitoring", Shape::Structure(MONITORING_MEMBERS), false, "Enabled=true|false"),
                p("InstanceId", Shape::String, false, "not modelled"),
            ]
        ),
        (
            "DescribeLaunchConfigurations",
            describe_launch_configurations,
            "Describes the account's launch configurations in the Region.",
            [p("LaunchConfigurationNames", Shape::StringList, false, "only these launch configurations")]
        ),
        (
            "DeleteLaunchConfiguration",
            delete_launch_configuration,
            "Deletes a launch configuration no group uses.",
            [LC_NAME]
        ),
        (
            "CreateAutoScalingGroup",
            create_auto_scaling_group,
            "Creates an Auto Scaling group from a launch configuration (creating Auto Scaling's service-linked role if missing).",
            [
                GROUP_NAME,
                p("LaunchConfigurationName", Shape::String, false, "the launch configuration it launches from"),
                p("MinSize", Shape::Integer, true, "the fewest instances"),
                p("MaxSize", Shape::Integer, true, "the most instances"),
                p("DesiredCapacity", Shape::Integer, false, "how many to run (the minimum by default)"),
                p("AvailabilityZones", Shape::StringList, false, "Availability Zones of the Region"),
                p("VPCZoneIdentifier", Shape::String, false, "subnet IDs, comma-separated"),
                p("LaunchTemplate", Shape::Structure(TEMPLATE_MEMBERS), false, "not modelled"),
                p("MixedInstancesPolicy", Shape::Structure(&[]), false, "not modelled"),
                p("InstanceId", Shape::String, false, "not modelled"),
                p("ServiceLinkedRoleARN", Shape::String, false, "not modelled (the default service-linked role is used)"),
            ]
        ),
        (
            "DescribeAutoScalingGroups",
            describe_auto_scaling_groups,
            "Describes the account's Auto Scaling groups in the Region.",
            [
                p("AutoScalingGroupNames", Shape::StringList, false, "only these groups"),
                p("Filters", Shape::StructureList(FILTER_MEMBERS), false, "not modelled"),
            ]
        ),
        (
            "UpdateAutoScalingGroup",
            update_auto_scaling_group,
            "Changes a group's launch configuration, sizes or zones.",
            [
                GROUP_NAME,
                p("LaunchConfigurationName", Shape::String, false, "another launch configuration"),
                p("MinSize", Shape::Integer, false, "the fewest instances"),
                p("MaxSize", Shape::Integer, false, "the most instances"),
                p("DesiredCapacity", Shape::Integer, false, "how many to run"),
                p("AvailabilityZones", Shape::StringList, false, "Availability Zones of the Region"),
                p("VPCZoneIdentifier", Shape::String, false, "subnet IDs, comma-separated"),
                p("LaunchTemplate", Shape::Structure(TEMPLATE_MEMBERS), false, "not modelled"),
                p("MixedInstancesPolicy", Shape::Structure(&[]), false, "not modelled"),
                p("ServiceLinkedRoleARN", Shape::String, false, "not modelled"),
            ]
        ),
        (
            "DeleteAutoScalingGroup",
            delete_auto_scaling_group,
            "Deletes an Auto Scaling group.",
            [GROUP_NAME, p("ForceDelete", Shape::Boolean, false, "also terminate its instances (required when it has some)")]
        ),
    ]
);
