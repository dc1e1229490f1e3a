//! IAM instance profiles: `CreateInstanceProfile`, `DeleteInstanceProfile`,
//! `AddRoleToInstanceProfile`, `RemoveRoleFromInstanceProfile`, `GetInstanceProfile`,
//! `ListInstanceProfiles` and `ListInstanceProfilesForRole`
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/instance-profiles.html>).
//!
//! An instance profile holds at most one role (rule IAM-INSTANCE-PROFILE-ONE-ROLE); putting a
//! role in it is passing the role, so the caller also needs `iam:PassRole` on the role (rule
//! IAM-INSTANCE-PROFILE-PASSROLE). A profile holding a role cannot be deleted, nor can the role
//! (rule IAM-INSTANCE-PROFILE-DELETE-CONFLICT). Handlers follow IAM's order (see `ops`):
//! validate, authorize, look up, then change, so a failed call changes nothing.

use super::enforce::authorize_tagged;
use super::ops::{iam_mut, iam_of, instance_profile_json, PATH, ROLE, TAGS};
use super::tags::tags_in;
use super::{key, InstanceProfile, MAX_INSTANCE_PROFILES};
use crate::auth::AuthRequest;
use crate::error::{AwsError, AwsResult};
use crate::service::{check_name, check_path, opt_str, req_str, Call, Operation, Param, Shape};
use crate::service::{operations, param as p};
use rootsim_policy::arn;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Input = Map<String, Value>;

/// The resource type of an instance profile's ARN: `arn:aws:iam::ACCOUNT:instance-profile{path}{name}`.
const NOUN: &str = "instance-profile";

/// The longest instance profile name (API reference: 1 to 128 characters of `[\w+=,.@-]`).
const NAME_MAX: usize = 128;

/// The longest role name (`RoleName` of IAM's API).
const ROLE_NAME_MAX: usize = 64;

/// IAM's answer for an instance profile that does not exist.
fn not_found(name: &str) -> AwsError {
    AwsError::no_such_entity(format!("Instance Profile {name} cannot be found."))
}

/// IAM's answer for a role that does not exist (the wording of the role operations).
fn role_not_found(name: &str) -> AwsError {
    AwsError::no_such_entity(format!("The role with name {name} cannot be found."))
}

/// The ARN an action on the instance profile `name` is authorized on (the real one when it
/// exists, carrying its path; else the one the name would have at the root path) and its tags.
fn locate(call: &Call, name: &str) -> (String, BTreeMap<String, String>) {
    let account = call.account();
    match iam_of(call).instance_profile(name) {
        Some(p) => (p.arn(&account), p.tags.clone()),
        None => (arn::iam(&account, NOUN, "/", name), BTreeMap::new()),
    }
}

/// The ARN and tags of the role `name`, as [`locate`] finds an instance profile's.
fn locate_role(call: &Call, name: &str) -> (String, BTreeMap<String, String>) {
    let account = call.account();
    match iam_of(call).role(name) {
        Some(r) => (arn::iam(&account, "role", &r.path, &r.name), r.tags.clone()),
        None => (arn::iam(&account, "role", "/", name), BTreeMap::new()),
    }
}

/// Checks the name, authorizes `action` on the instance profile (its tags in the request), then
/// answers NoSuchEntity if it does not exist.
fn authorize_profile(call: &mut Call, action: &str, name: &str) -> AwsResult<()> {
    check_name("InstanceProfileName", name, NAME_MAX)?;
    let (resource, tags) = locate(call, name);
    authorize_tagged(call, action, &resource, &tags)?;
    match iam_of(call).instance_profile(name) {
        Some(_) => Ok(()),
        None => Err(not_found(name)),
    }
}

fn create_instance_profile(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "InstanceProfileName")?;
    let path = opt_str(input, "Path").unwrap_or("/");
    check_name("InstanceProfileName", name, NAME_MAX)?;
    check_path(path)?;
    let tags = tags_in(input)?;
    let account = call.account();
    // The request's tags are condition keys of the request (aws:RequestTag/KEY, aws:TagKeys), as
    // the Service Authorization Reference lists for iam:CreateInstanceProfile.
    let request_tags: Vec<(String, &str)> =
        tags.iter().map(|(k, v)| (format!("aws:RequestTag/{k}"), v.as_str())).collect();
    let mut pairs: Vec<(&str, &str)> = request_tags.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    pairs.extend(tags.iter().map(|(k, _)| ("aws:TagKeys", k.as_str())));
    let resource = arn::iam(&account, NOUN, path, name);
    let request = AuthRequest::new(&call.caller, &call.region, "iam:CreateInstanceProfile", &resource);
    let record = call.decide(&request.with_context(&pairs));
    call.record_decision(record)?;
    let iam = iam_of(call);
    if iam.instance_profile(name).is_some() {
        return Err(AwsError::already_exists(format!("Instance Profile {name} already exists.")));
    }
    if iam.instance_profiles.len() >= MAX_INSTANCE_PROFILES {
        return Err(AwsError::limit_exceeded(format!(
            "Cannot exceed quota for InstanceProfilesPerAccount: {MAX_INSTANCE_PROFILES}"
        )));
    }
    let profile = InstanceProfile {
        name: name.to_string(),
        path: path.to_string(),
        id: call.world.rng.unique_id("AIPA"),
        created: call.now(),
        role: None,
        tags: tags.into_iter().collect(),
    };
    let out = instance_profile_json(&account, iam_of(call), &profile, true);
    iam_mut(call).instance_profiles.insert(key(name), profile);
    Ok(json!({ "InstanceProfile": out }))
}

fn delete_instance_profile(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "InstanceProfileName")?;
    authorize_profile(call, "iam:DeleteInstanceProfile", name)?;
    if iam_of(call).instance_profile(name).is_some_and(|p| p.role.is_some()) {
        return Err(AwsError::delete_conflict("Cannot delete entity, must remove roles from instance profile first."));
    }
    iam_mut(call).instance_profiles.remove(&key(name));
    Ok(Value::Null)
}

fn add_role_to_instance_profile(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "InstanceProfileName")?;
    let role = req_str(input, "RoleName")?;
    check_name("InstanceProfileName", name, NAME_MAX)?;
    check_name("RoleName", role, ROLE_NAME_MAX)?;
    let (resource, tags) = locate(call, name);
    authorize_tagged(call, "iam:AddRoleToInstanceProfile", &resource, &tags)?;
    // Putting a role in a profile passes it to whoever launches an instance with the profile: the
    // caller must also be allowed iam:PassRole on the role (rule IAM-INSTANCE-PROFILE-PASSROLE).
    let (role_arn, role_tags) = locate_role(call, role);
    authorize_tagged(call, "iam:PassRole", &role_arn, &role_tags)?;
    let iam = iam_of(call);
    let profile = iam.instance_profile(name).ok_or_else(|| not_found(name))?;
    if iam.role(role).is_none() {
        return Err(role_not_found(role));
    }
    // One role per profile, a quota AWS does not raise (rule IAM-INSTANCE-PROFILE-ONE-ROLE).
    if profile.role.is_some() {
        return Err(AwsError::limit_exceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"));
    }
    iam_mut(call).instance_profiles.get_mut(&key(name)).expect("checked above").role = Some(key(role));
    Ok(Value::Null)
}

fn remove_role_from_instance_profile(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "InstanceProfileName")?;
    let role = req_str(input, "RoleName")?;
    check_name("RoleName", role, ROLE_NAME_MAX)?;
    authorize_profile(call, "iam:RemoveRoleFromInstanceProfile", name)?;
    let iam = iam_of(call);
    if iam.role(role).is_none() {
        return Err(role_not_found(role));
    }
    let profile = iam.instance_profile(name).expect("checked above");
    if profile.role.as_deref() != Some(key(role).as_str()) {
        return Err(AwsError::no_such_entity(format!(
            "The role with name {role} cannot be found in instance profile {}.",
            profile.name
        )));
    }
    iam_mut(call).instance_profiles.get_mut(&key(name)).expect("checked above").role = None;
    Ok(Value::Null)
}

fn get_instance_profile(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "InstanceProfileName")?;
    authorize_profile(call, "iam:GetInstanceProfile", name)?;
    let account = call.account();
    let iam = iam_of(call);
    let p = iam.instance_profile(name).expect("checked above");
    Ok(json!({ "InstanceProfile": instance_profile_json(&account, iam, p, true) }))
}

fn list_instance_profiles(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let account = call.account();
    let prefix = opt_str(input, "PathPrefix").unwrap_or("/");
    // The Service Authorization Reference lists no resource type for iam:ListInstanceProfiles:
    // it is decided against `*` (rule EVAL-NO-RESOURCE-STAR), unlike ListRoles.
    call.authorize("iam:ListInstanceProfiles", "*")?;
    let iam = iam_of(call);
    let profiles: Vec<Value> = iam
        .instance_profiles
        .values()
        .filter(|p| p.path.starts_with(prefix))
        .map(|p| instance_profile_json(&account, iam, p, false))
        .collect();
    Ok(json!({ "InstanceProfiles": profiles }))
}

fn list_instance_profiles_for_role(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let role = req_str(input, "RoleName")?;
    check_name("RoleName", role, ROLE_NAME_MAX)?;
    let (resource, tags) = locate_role(call, role);
    authorize_tagged(call, "iam:ListInstanceProfilesForRole", &resource, &tags)?;
    let account = call.account();
    let iam = iam_of(call);
    if iam.role(role).is_none() {
        return Err(role_not_found(role));
    }
    let k = key(role);
    let profiles: Vec<Value> =
        iam.instance_profiles_of(&k).map(|p| instance_profile_json(&account, iam, p, false)).collect();
    Ok(json!({ "InstanceProfiles": profiles }))
}

const PROFILE: Param = p("InstanceProfileName", Shape::String, true, "the instance profile's name");

/// IAM's instance profile operations.
pub const OPERATIONS: &[Operation] = operations!(
    "iam",
    [
        (
            "CreateInstanceProfile",
            create_instance_profile,
            "Creates an instance profile (no role in it yet).",
            [PROFILE, PATH, TAGS]
        ),
        (
            "DeleteInstanceProfile",
            delete_instance_profile,
            "Deletes an instance profile that holds no role.",
            [PROFILE]
        ),
        (
            "AddRoleToInstanceProfile",
            add_role_to_instance_profile,
            "Puts a role in an empty instance profile (needs iam:PassRole on the role).",
            [PROFILE, ROLE]
        ),
        (
            "RemoveRoleFromInstanceProfile",
            remove_role_from_instance_profile,
            "Takes the role out of an instance profile.",
            [PROFILE, ROLE]
        ),
        ("GetInstanceProfile", get_instance_profile, "Describes an instance profile and its role.", [PROFILE]),
        (
            "ListInstanceProfiles",
            list_instance_profiles,
            "Lists the account's instance profiles.",
            [p("PathPrefix", Shape::String, false, "only instance profiles whose path starts with this"),]
        ),
        (
            "ListInstanceProfilesForRole",
            list_instance_profiles_for_role,
            "Lists the instance profiles holding a role.",
            [ROLE]
        ),
    ]
);

#[cfg(test)]
mod tests {
    use crate::iam::IamAccount;
    use crate::{Session, DEFAULT_SEED};

    #[test]
    fn an_account_holds_at_most_a_thousand_instance_profiles() {
        let mut s = Session::demo(DEFAULT_SEED);
        for i in 0..super::MAX_INSTANCE_PROFILES {
            s.run(&format!("aws iam create-instance-profile --instance-profile-name p{i:04}")).expect_ok();
        }
        let refused = s.run("aws iam create-instance-profile --instance-profile-name one-more");
        assert!(refused
            .expect_error("LimitExceeded")
            .text
            .contains("Cannot exceed quota for InstanceProfilesPerAccount: 1000"));
        s.run("aws iam get-instance-profile --instance-profile-name one-more").expect_error("NoSuchEntity");
        // Deleting one makes room again.
        s.run("aws iam delete-instance-profile --instance-profile-name p0000").expect_ok();
        s.run("aws iam create-instance-profile --instance-profile-name one-more").expect_ok();
    }

    #[test]
    fn deleting_a_service_linked_role_empties_the_profile_that_held_it() {
        let mut s = Session::demo(DEFAULT_SEED);
        s.run("aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com").expect_ok();
        s.run("aws iam create-instance-profile --instance-profile-name asg").expect_ok();
        let slr = "AWSServiceRoleForAutoScaling";
        s.run(&format!("aws iam add-role-to-instance-profile --instance-profile-name asg --role-name {slr}"))
            .expect_ok();
        s.run(&format!("aws iam delete-service-linked-role --role-name {slr}")).expect_ok();
        let got = s.run("aws iam get-instance-profile --instance-profile-name asg");
        assert_eq!(got.expect_ok().json.as_ref().expect("JSON")["InstanceProfile"]["Roles"], serde_json::json!([]));
        // The profile holds no role any more, so it can be deleted.
        s.run("aws iam delete-instance-profile --instance-profile-name asg").expect_ok();
    }

    #[test]
    fn a_world_saved_before_instance_profiles_still_loads() {
        let mut saved = serde_json::to_value(IamAccount::default()).expect("serializes");
        assert!(saved.as_object_mut().expect("an object").remove("instance_profiles").is_some());
        let loaded: IamAccount = serde_json::from_value(saved).expect("an older save loads");
        assert!(loaded.instance_profiles.is_empty());
    }
}
