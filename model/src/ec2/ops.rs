//! EC2's operations: `RunInstances`, `DescribeInstances`, `TerminateInstances`,
//! `AssociateIamInstanceProfile`, `DescribeIamInstanceProfileAssociations` and
//! `DisassociateIamInstanceProfile`. Each reads its parameters, validates them with EC2's error
//! codes, authorizes on the instance ARN (EC2 words a denial as `UnauthorizedOperation`,
//! `crate::error::ec2_unauthorized`), and only then changes the instances, so a failed call
//! changes nothing.

use super::state::{valid_instance_id, Association, Instance, InstanceState};
use crate::auth::AuthRequest;
use crate::clock::format_cli;
use crate::error::{ec2_unauthorized, AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

/// The service principal an instance profile's role is passed to.
pub const EC2_PRINCIPAL: &str = "ec2.amazonaws.com";

/// The most instances one `run-instances` launches. **Simulator assumption**: AWS's limit is the
/// account's vCPU quota per instance family; rootsim refuses more than this many at once with
/// `InstanceLimitExceeded`, so that no input can make the world grow without bound.
pub const MAX_LAUNCH: i64 = 20;

/// The instance type EC2 launches when none is given (`m1.small`, RunInstances' API reference).
const DEFAULT_INSTANCE_TYPE: &str = "m1.small";

fn invalid_value(message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidParameterValue", 400, message)
}

/// `InvalidInstanceID.NotFound` for the IDs that do not exist, worded as EC2 words one or several.
fn not_found(ids: &[&str]) -> AwsError {
    let message = match ids {
        [one] => format!("The instance ID '{one}' does not exist"),
        many => format!("The instance IDs '{}' do not exist", many.join(", ")),
    };
    AwsError::new("InvalidInstanceID.NotFound", 400, message)
}

/// `InvalidInstanceID.Malformed` for an ID that is not `i-` and 8 or 17 hexadecimal digits.
fn malformed(id: &str) -> AwsError {
    AwsError::new("InvalidInstanceID.Malformed", 400, format!("Invalid id: \"{id}\""))
}

/// Checks the shape of every instance ID of `ids`.
fn check_ids(ids: &[&str]) -> AwsResult<()> {
    match ids.iter().find(|id| !valid_instance_id(id)) {
        Some(bad) => Err(malformed(bad)),
        None => Ok(()),
    }
}

/// The strings of a list parameter.
fn strings<'a>(input: &'a Input, name: &str) -> Vec<&'a str> {
    input.get(name).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

/// Authorizes `action` on `resource` with EC2's context keys `extra`, EC2's denial wording
/// whatever the action (the `iam:PassRole` EC2 asks is refused as `UnauthorizedOperation` too).
pub(crate) fn authorize_ec2(call: &mut Call, action: &str, resource: &str, extra: &[(&str, &str)]) -> AwsResult<()> {
    let region = call.region.clone();
    let mut pairs: Vec<(&str, &str)> = vec![("ec2:Region", region.as_str())];
    if !action.starts_with("ec2:") {
        pairs.clear();
    }
    pairs.extend_from_slice(extra);
    let request = AuthRequest::new(&call.caller, &call.region, action, resource).with_context(&pairs);
    let record = call.decide(&request);
    let allowed = record.decision.is_allowed();
    let message = (!allowed).then(|| record.denial_message());
    call.auth.push(record);
    match message {
        Some(m) => Err(ec2_unauthorized(&m)),
        None => Ok(()),
    }
}

/// The instance profile an `IamInstanceProfile` structure names in the caller's account: its
/// ARN, unique ID, and the ARN of the role it holds, if any.
struct Profile {
    arn: String,
    id: String,
    role_arn: Option<String>,
}

/// Finds the instance profile `spec` (`Name=...` or `Arn=...`) names, or EC2's
/// `InvalidParameterValue` (the name's wording observed from EC2; the ARN's by analogy).
fn resolve_profile(call: &Call, spec: &Value) -> AwsResult<Profile> {
    let account = call.account();
    let name = spec.get("Name").and_then(Value::as_str);
    let arn = spec.get("Arn").and_then(Value::as_str);
    let iam = call.world.iam.account(&account);
    let found = |n: &str| iam.and_then(|iam| iam.instance_profile(n));
    let profile = match (name, arn) {
        (Some(n), None) => found(n).filter(|p| p.name == n).ok_or_else(|| {
            invalid_value(format!(
                "Value ({n}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"
            ))
        })?,
        (None, Some(a)) => {
            let by_arn = rootsim_policy::arn::Arn::parse(a)
                .filter(|x| x.service == "iam" && x.account == account && x.resource.starts_with("instance-profile/"))
                .and_then(|x| found(x.resource.rsplit('/').next().unwrap_or("")))
                .filter(|p| p.arn(&account) == a);
            by_arn.ok_or_else(|| {
                invalid_value(format!(
                    "Value ({a}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN"
                ))
            })?
        }
        // **Simulator assumption**: EC2 takes one of the two; both or neither is refused.
        _ => {
            return Err(AwsError::new(
                "InvalidParameterCombination",
                400,
                "The parameter iamInstanceProfile must specify either a name or an ARN, not both",
            ))
        }
    };
    let role_arn = profile
        .role
        .as_ref()
        .and_then(|r| iam.and_then(|iam| iam.roles.get(r)))
        .map(|r| rootsim_policy::arn::iam(&account, "role", &r.path, &r.name));
    Ok(Profile { arn: profile.arn(&account), id: profile.id.clone(), role_arn })
}

/// Asks `iam:PassRole` on the profile's role, passed to EC2 for `instance` (`iam:AssociatedResourceArn`:
/// the instance, or `instance/*` for those a launch is about to make; rules EC2-PASSROLE and
/// GRAPH-PASSROLE-CONDITIONS); a profile without a role passes nothing.
fn pass_role(call: &mut Call, profile: &Profile, instance: &str) -> AwsResult<()> {
    match &profile.role_arn {
        Some(role) => authorize_ec2(
            call,
            "iam:PassRole",
            role,
            &[("iam:PassedToService", EC2_PRINCIPAL), ("iam:AssociatedResourceArn", instance)],
        ),
        None => Ok(()),
    }
}

fn state_json(s: InstanceState) -> Value {
    json!({ "Code": s.code(), "Name": s.name() })
}

fn profile_json(a: &Association) -> Value {
    json!({ "Arn": a.profile_arn, "Id": a.profile_id })
}

/// An instance as `RunInstances` and `DescribeInstances` print it (`state` overrides its state:
/// `RunInstances` answers `pending`).
fn instance_json(i: &Instance, state: InstanceState) -> Value {
    let mut v = json!({
        "AmiLaunchIndex": i.launch_index,
        "ImageId": i.image_id,
        "InstanceId": i.id,
        "InstanceType": i.instance_type,
        "LaunchTime": format_cli(i.launched),
        "Monitoring": { "State": "disabled" },
        "Placement": { "AvailabilityZone": format!("{}a", i.region), "GroupName": "", "Tenancy": "default" },
        "ProductCodes": [],
        "State": state_json(state),
        "StateTransitionReason": "",
    });
    if let Some(t) = i.terminated_at {
        v["StateTransitionReason"] =
            json!(format!("User initiated ({} GMT)", format_cli(t).replace('T', " ").replace("+00:00", "")));
    }
    if let Some(a) = &i.association {
        v["IamInstanceProfile"] = profile_json(a);
    }
    // EC2 prints Tags only when the instance has some.
    if !i.tags.is_empty() {
        v["Tags"] = Value::Array(i.tags.iter().map(|(k, val)| json!({ "Key": k, "Value": val })).collect());
    }
    v
}

/// The AWS CLI's `--count N|MIN:MAX` of `ec2 run-instances` (awscli's
/// `customizations/ec2/addcount.py`, which takes the place of the API's `--min-count` and
/// `--max-count`): sets `MinCount` and `MaxCount` (both 1 without it) before the call is made, or
/// fails as the CLI does, sending nothing. Called by the command layer for every operation.
pub fn add_count(op: &Operation, params: &mut Input) -> Result<(), String> {
    if op.service != "ec2" || op.name != "RunInstances" {
        return Ok(());
    }
    let (min, max) = match params.remove("Count") {
        None => (Some(1), Some(1)),
        Some(v) => {
            let text = v.as_str().unwrap_or("").to_string();
            // Python's int() takes surrounding spaces.
            let parse = |t: &str| t.trim().parse::<i64>().ok();
            match text.split(':').collect::<Vec<_>>()[..] {
                [n] => (parse(n), parse(n)),
                [a, b] => (parse(a), parse(b)),
                _ => (None, None),
            }
        }
    };
    let (Some(min), Some(max)) = (min, max) else {
        return Err(
            "\nParameter validation failed:\ncount parameter should be of form min[:max] (e.g. 1 or 1:10)".into()
        );
    };
    params.insert("MinCount".into(), Value::from(min));
    params.insert("MaxCount".into(), Value::from(max));
    Ok(())
}

fn run_instances(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let image = opt_str(input, "ImageId")
        .ok_or_else(|| AwsError::new("MissingParameter", 400, "The request must contain the parameter ImageId"))?
        .to_string();
    if !image
        .strip_prefix("ami-")
        .is_some_and(|h| (h.len() == 8 || h.len() == 17) && h.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(AwsError::new(
            "InvalidAMIID.Malformed",
            400,
            format!("Invalid id: \"{image}\" (expecting \"ami-...\")"),
        ));
    }
    let instance_type = opt_str(input, "InstanceType").unwrap_or(DEFAULT_INSTANCE_TYPE).to_string();
    let min = crate::service::opt_i64(input, "MinCount").unwrap_or(1);
    let max = crate::service::opt_i64(input, "MaxCount").unwrap_or(min);
    if min < 1 {
        return Err(invalid_value(format!("Value ({min}) for parameter minCount is invalid. Must be greater than 0")));
    }
    if max < min {
        return Err(invalid_value(format!(
            "Value ({max}) for parameter maxCount is invalid. Must be greater than or equal to minCount"
        )));
    }
    if min > MAX_LAUNCH {
        return Err(AwsError::new(
            "InstanceLimitExceeded",
            400,
            format!("You have requested more instances ({min}) than your current instance limit of {MAX_LAUNCH} allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit."),
        ));
    }
    let launched = max.min(MAX_LAUNCH);
    let (account, region) = (call.account(), call.region.clone());
    // The profile is looked up before any decision: its ARN is a condition key of the request.
    let profile = match input.get("IamInstanceProfile") {
        Some(spec) => Some(resolve_profile(call, spec)?),
        None => None,
    };
    // RunInstances is authorized on each resource it uses; rootsim models the instance and the
    // image (rule EC2-RUN-INSTANCES: the default VPC's subnet, security group and network
    // interface are named with `*`).
    let profile_arn = profile.as_ref().map(|p| p.arn.clone());
    let mut keys: Vec<(&str, &str)> = vec![("ec2:InstanceType", instance_type.as_str())];
    if let Some(arn) = &profile_arn {
        keys.push(("ec2:InstanceProfile", arn.as_str()));
    }
    authorize_ec2(call, "ec2:RunInstances", &format!("arn:aws:ec2:{region}:{account}:instance/*"), &keys)?;
    authorize_ec2(call, "ec2:RunInstances", &format!("arn:aws:ec2:{region}::image/{image}"), &[])?;
    for kind in ["network-interface", "security-group", "subnet"] {
        authorize_ec2(call, "ec2:RunInstances", &format!("arn:aws:ec2:{region}:{account}:{kind}/*"), &[])?;
    }
    if let Some(p) = &profile {
        pass_role(call, p, &format!("arn:aws:ec2:{region}:{account}:instance/*"))?;
    }
    let reservation = format!("r-{}", call.world.rng.lower_hex(17));
    let now = call.now();
    let mut out = Vec::new();
    for index in 0..launched {
        let id = loop {
            let id = format!("i-{}", call.world.rng.lower_hex(17));
            if !call.world.ec2.id_taken(&id) {
                break id;
            }
        };
        let association = match &profile {
            Some(p) => Some(Association {
                id: format!("iip-assoc-{}", call.world.rng.lower_hex(17)),
                profile_arn: p.arn.clone(),
                profile_id: p.id.clone(),
                since: now,
            }),
            None => None,
        };
        let seq = call.world.ec2.next_seq(&account);
        let instance = Instance {
            id,
            seq,
            region: region.clone(),
            image_id: image.clone(),
            instance_type: instance_type.clone(),
            reservation_id: reservation.clone(),
            launch_index: index,
            launched: now,
            // rootsim's instances boot at once: the answer says pending, the next call sees running.
            state: InstanceState::Running,
            terminated_at: None,
            association,
            tags: std::collections::BTreeMap::new(),
        };
        out.push(instance_json(&instance, InstanceState::Pending));
        call.world.ec2.insert(&account, instance);
    }
    Ok(json!({ "Groups": [], "Instances": out, "OwnerId": account, "ReservationId": reservation }))
}

/// Whether instance `i` passes the filter `name` with `values` (EC2's filter names; a value
/// matches exactly, or with `*` and `?` wildcards as EC2 allows).
fn instance_filter(i: &Instance, name: &str, values: &[&str]) -> AwsResult<bool> {
    let field = match name {
        "instance-id" => Some(i.id.clone()),
        "instance-state-name" => Some(i.state.name().to_string()),
        "instance-state-code" => Some(i.state.code().to_string()),
        "image-id" => Some(i.image_id.clone()),
        "instance-type" => Some(i.instance_type.clone()),
        "reservation-id" => Some(i.reservation_id.clone()),
        "availability-zone" => Some(format!("{}a", i.region)),
        "iam-instance-profile.arn" => i.association.as_ref().map(|a| a.profile_arn.clone()),
        "iam-instance-profile.id" => i.association.as_ref().map(|a| a.profile_id.clone()),
        // `tag:KEY`: the value of the instance's tag KEY.
        _ if name.starts_with("tag:") => i.tags.get(&name[4..]).cloned(),
        _ => return Err(invalid_value(format!("The filter '{name}' is invalid"))),
    };
    Ok(field.is_some_and(|f| values.iter().any(|v| wildcard(v, &f))))
}

/// EC2's filter values: `*` any run of characters, `?` one character.
fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The `Filters` of a request: `(name, values)` pairs.
fn filters(input: &Input) -> Vec<(String, Vec<String>)> {
    let Some(list) = input.get("Filters").and_then(Value::as_array) else { return Vec::new() };
    list.iter()
        .map(|f| {
            let name = f.get("Name").and_then(Value::as_str).unwrap_or("").to_string();
            let values = match f.get("Values") {
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                Some(Value::String(s)) => vec![s.clone()],
                _ => Vec::new(),
            };
            (name, values)
        })
        .collect()
}

fn describe_instances(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let ids = strings(input, "InstanceIds");
    check_ids(&ids)?;
    let filters = filters(input);
    authorize_ec2(call, "ec2:DescribeInstances", "*", &[])?;
    let (account, region, now) = (call.account(), call.region.clone(), call.now());
    let visible: Vec<&Instance> =
        call.world.ec2.instances_of(&account).filter(|i| i.region == region && i.visible(now)).collect();
    let missing: Vec<&str> = ids.iter().copied().filter(|id| !visible.iter().any(|i| i.id == *id)).collect();
    if !missing.is_empty() {
        return Err(not_found(&missing));
    }
    let mut chosen = Vec::new();
    for i in visible {
        if !ids.is_empty() && !ids.contains(&i.id.as_str()) {
            continue;
        }
        let mut keep = true;
        for (name, values) in &filters {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            keep &= instance_filter(i, name, &values)?;
        }
        if keep {
            chosen.push(i);
        }
    }
    Ok(json!({ "Reservations": reservations_json(&account, chosen) }))
}

/// `instances` as `DescribeInstances` lists them: one reservation per launch, in launch order
/// (also what an export writes, `crate::import`).
pub(crate) fn reservations_json(account: &str, mut chosen: Vec<&Instance>) -> Vec<Value> {
    chosen.sort_by_key(|i| (i.launched, i.seq));
    let mut reservations: Vec<Value> = Vec::new();
    let mut last: Option<&str> = None;
    for i in &chosen {
        if last != Some(i.reservation_id.as_str()) {
            reservations.push(json!({
                "Groups": [],
                "Instances": [],
                "OwnerId": account,
                "ReservationId": i.reservation_id,
            }));
            last = Some(i.reservation_id.as_str());
        }
        if let Some(Value::Array(list)) = reservations.last_mut().and_then(|r| r.get_mut("Instances")) {
            list.push(instance_json(i, i.state));
        }
    }
    reservations
}

fn terminate_instances(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let ids = strings(input, "InstanceIds");
    check_ids(&ids)?;
    let (account, region, now) = (call.account(), call.region.clone(), call.now());
    let missing: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| call.world.ec2.instance(&account, &region, id).is_none_or(|i| !i.visible(now)))
        .collect();
    if !missing.is_empty() {
        return Err(not_found(&missing));
    }
    for id in &ids {
        let arn = super::instance_arn(&region, &account, id);
        authorize_ec2(call, "ec2:TerminateInstances", &arn, &[])?;
    }
    let mut out = Vec::new();
    for id in &ids {
        let Some(i) = call.world.ec2.instance_mut(&account, &region, id) else { continue };
        let previous = i.state;
        let current = if previous == InstanceState::Terminated {
            InstanceState::Terminated
        } else {
            i.state = InstanceState::Terminated;
            i.terminated_at = Some(now);
            // A terminated instance's profile association ends with it.
            i.association = None;
            InstanceState::ShuttingDown
        };
        out.push(json!({
            "CurrentState": state_json(current),
            "InstanceId": id,
            "PreviousState": state_json(previous),
        }));
    }
    Ok(json!({ "TerminatingInstances": out }))
}

fn association_json(i: &Instance, a: &Association, state: &str) -> Value {
    json!({
        "AssociationId": a.id,
        "InstanceId": i.id,
        "IamInstanceProfile": profile_json(a),
        "State": state,
    })
}

fn associate_iam_instance_profile(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let id = req_str(input, "InstanceId")?.to_string();
    let spec = input.get("IamInstanceProfile").cloned().unwrap_or(Value::Null);
    check_ids(&[id.as_str()])?;
    let (account, region, now) = (call.account(), call.region.clone(), call.now());
    let instance = call.world.ec2.instance(&account, &region, &id).filter(|i| i.visible(now)).cloned();
    let Some(instance) = instance else { return Err(not_found(&[id.as_str()])) };
    let profile = resolve_profile(call, &spec)?;
    authorize_ec2(
        call,
        "ec2:AssociateIamInstanceProfile",
        &instance.arn(&account),
        &[("ec2:NewInstanceProfile", profile.arn.as_str())],
    )?;
    pass_role(call, &profile, &instance.arn(&account))?;
    if instance.state == InstanceState::Terminated {
        return Err(AwsError::new(
            "IncorrectInstanceState",
            400,
            format!("The instance '{id}' is not in a valid state for this operation."),
        ));
    }
    if instance.association.is_some() {
        return Err(AwsError::new(
            "IncorrectState",
            400,
            format!("There is an existing association for instance {id}"),
        ));
    }
    let association = Association {
        id: format!("iip-assoc-{}", call.world.rng.lower_hex(17)),
        profile_arn: profile.arn,
        profile_id: profile.id,
        since: now,
    };
    let out = association_json(&instance, &association, "associating");
    if let Some(i) = call.world.ec2.instance_mut(&account, &region, &id) {
        i.association = Some(association);
    }
    Ok(json!({ "IamInstanceProfileAssociation": out }))
}

fn disassociate_iam_instance_profile(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let assoc = req_str(input, "AssociationId")?.to_string();
    let (account, region) = (call.account(), call.region.clone());
    let Some(instance) = call.world.ec2.by_association(&account, &region, &assoc).cloned() else {
        return Err(AwsError::new(
            "InvalidAssociationID.NotFound",
            400,
            format!("An association with ID {assoc} does not exist."),
        ));
    };
    authorize_ec2(call, "ec2:DisassociateIamInstanceProfile", &instance.arn(&account), &[])?;
    let Some(a) = instance.association.as_ref() else { return Ok(Value::Null) };
    let out = association_json(&instance, a, "disassociating");
    if let Some(i) = call.world.ec2.instance_mut(&account, &region, &instance.id) {
        i.association = None;
    }
    Ok(json!({ "IamInstanceProfileAssociation": out }))
}

fn describe_iam_instance_profile_associations(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let ids = strings(input, "AssociationIds");
    let filters = filters(input);
    for (name, _) in &filters {
        if name != "instance-id" && name != "state" {
            return Err(invalid_value(format!("The filter '{name}' is invalid")));
        }
    }
    authorize_ec2(call, "ec2:DescribeIamInstanceProfileAssociations", "*", &[])?;
    let (account, region) = (call.account(), call.region.clone());
    let mut out = Vec::new();
    let mut found = Vec::new();
    for i in call.world.ec2.instances_of(&account).filter(|i| i.region == region) {
        let Some(a) = &i.association else { continue };
        if !ids.is_empty() && !ids.contains(&a.id.as_str()) {
            continue;
        }
        found.push(a.id.clone());
        let keep = filters.iter().all(|(name, values)| {
            let field = if name == "instance-id" { i.id.as_str() } else { "associated" };
            values.iter().any(|v| wildcard(v, field))
        });
        if keep {
            out.push(association_json(i, a, "associated"));
        }
    }
    if let Some(missing) = ids.iter().find(|id| !found.iter().any(|f| f == *id)) {
        return Err(AwsError::new(
            "InvalidAssociationID.NotFound",
            400,
            format!("An association with ID {missing} does not exist."),
        ));
    }
    Ok(json!({ "IamInstanceProfileAssociations": out }))
}

const FILTER_MEMBERS: &[Param] = &[
    p("Name", Shape::String, false, "the filter's name"),
    p("Values", Shape::StringList, false, "the values, * and ? wildcards allowed"),
];
const FILTERS: Param =
    p("Filters", Shape::StructureList(FILTER_MEMBERS), false, "Name=instance-state-name,Values=running ...");
const PROFILE_MEMBERS: &[Param] = &[
    p("Arn", Shape::String, false, "the instance profile's ARN"),
    p("Name", Shape::String, false, "the instance profile's name"),
];

/// EC2's operations (`aws ec2 ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "ec2",
    [
        (
            "RunInstances",
            run_instances,
            "Launches instances of an AMI, optionally with an instance profile (needs iam:PassRole on its role).",
            [
                p("ImageId", Shape::String, false, "the AMI (ami-...)"),
                p("InstanceType", Shape::String, false, "the instance type (m1.small by default)"),
                // The AWS CLI's own option (awscli's customizations/ec2/addcount.py), in place of
                // the API's MinCount and MaxCount.
                p("Count", Shape::String, false, "N or MIN:MAX instances (1 by default)"),
                p(
                    "IamInstanceProfile",
                    Shape::Structure(PROFILE_MEMBERS),
                    false,
                    "Name=PROFILE or Arn=ARN: the instance profile"
                ),
            ]
        ),
        (
            "DescribeInstances",
            describe_instances,
            "Describes the account's instances in the Region, by reservation.",
            [p("InstanceIds", Shape::StringList, false, "only these instances"), FILTERS]
        ),
        (
            "TerminateInstances",
            terminate_instances,
            "Terminates instances (listed as terminated for an hour).",
            [p("InstanceIds", Shape::StringList, true, "the instances")]
        ),
        (
            "AssociateIamInstanceProfile",
            associate_iam_instance_profile,
            "Associates an instance profile with an instance that has none (needs iam:PassRole on its role).",
            [
                p("IamInstanceProfile", Shape::Structure(PROFILE_MEMBERS), true, "Name=PROFILE or Arn=ARN"),
                p("InstanceId", Shape::String, true, "the instance"),
            ]
        ),
        (
            "DescribeIamInstanceProfileAssociations",
            describe_iam_instance_profile_associations,
            "Describes the instance profile associations of the account's instances in the Region.",
            [p("AssociationIds", Shape::StringList, false, "only these associations"), FILTERS]
        ),
        (
            "DisassociateIamInstanceProfile",
            disassociate_iam_instance_profile,
            "Ends an instance profile association.",
            [p("AssociationId", Shape::String, true, "the association (iip-assoc-...)")]
        ),
    ]
);
