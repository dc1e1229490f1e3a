//! IAM's operations: users, groups, roles, managed and inline policies, permissions boundaries,
//! access keys and login profiles.
//!
//! Every handler follows the same order, as IAM does: validate the parameters' syntax, ask the
//! policy engine, look the entities up, then change the state. Nothing is changed before the last
//! check has passed, so a failed call leaves the world as it was.

use super::simulate::{simulate_custom_policy, simulate_principal_policy};
use super::{
    AccessKey, Attachments, Group, IamAccount, InstanceProfile, KeyStatus, LoginProfile, ManagedPolicy, PolicyVersion,
    Role, User,
};
use crate::auth::CallerKind;
use crate::clock::format_cli;
use crate::error::{policy_error, AwsError, AwsResult};
use crate::iam::key;
use crate::service::{
    check_name, check_path, check_policy_chars, opt_bool, opt_i64, opt_str, req_str, Call, Operation, Param, Shape,
};
use crate::service::{operations, param as p};
use crate::world::principals::Unbound;
use rootsim_policy::arn;
use rootsim_policy::{Policy, PolicyKind};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

/// The required `Status` parameter of UpdateAccessKey and UpdateSigningCertificate.
pub(crate) fn key_status(input: &Input) -> AwsResult<KeyStatus> {
    match req_str(input, "Status")? {
        "Active" => Ok(KeyStatus::Active),
        "Inactive" => Ok(KeyStatus::Inactive),
        other => Err(AwsError::validation(format!(
            "1 validation error detected: Value '{other}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]"
        ))),
    }
}

/// The three kinds of IAM identity that carry policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    User,
    Group,
    Role,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Role => "role",
        }
    }
    fn title(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::Group => "Group",
            Kind::Role => "Role",
        }
    }
    fn param(self) -> &'static str {
        match self {
            Kind::User => "UserName",
            Kind::Group => "GroupName",
            Kind::Role => "RoleName",
        }
    }
    /// Aggregate inline policy size quota.
    fn inline_quota(self) -> usize {
        match self {
            Kind::User => super::INLINE_QUOTA_USER,
            Kind::Group => super::INLINE_QUOTA_GROUP,
            Kind::Role => super::INLINE_QUOTA_ROLE,
        }
    }
    fn not_found(self, name: &str) -> AwsError {
        AwsError::no_such_entity(format!("The {} with name {name} cannot be found.", self.noun()))
    }
}

pub(super) fn iam_of<'a>(call: &'a Call) -> &'a IamAccount {
    &call.world.iam.accounts[&call.caller.account]
}

pub(super) fn iam_mut<'a>(call: &'a mut Call) -> &'a mut IamAccount {
    call.world.iam.accounts.get_mut(&call.caller.account).expect("the caller's account exists")
}

/// (path, name) of an entity, if it exists.
fn entity(iam: &IamAccount, kind: Kind, name: &str) -> Option<(String, String)> {
    let k = key(name);
    match kind {
        Kind::User => iam.users.get(&k).map(|u| (u.path.clone(), u.name.clone())),
        Kind::Group => iam.groups.get(&k).map(|g| (g.path.clone(), g.name.clone())),
        Kind::Role => iam.roles.get(&k).map(|r| (r.path.clone(), r.name.clone())),
    }
}

fn attachments_mut<'a>(iam: &'a mut IamAccount, kind: Kind, name: &str) -> Option<&'a mut Attachments> {
    let k = key(name);
    match kind {
        Kind::User => iam.users.get_mut(&k).map(|u| &mut u.policies),
        Kind::Group => iam.groups.get_mut(&k).map(|g| &mut g.policies),
        Kind::Role => iam.roles.get_mut(&k).map(|r| &mut r.policies),
    }
}

fn attachments<'a>(iam: &'a IamAccount, kind: Kind, name: &str) -> Option<&'a Attachments> {
    let k = key(name);
    match kind {
        Kind::User => iam.users.get(&k).map(|u| &u.policies),
        Kind::Group => iam.groups.get(&k).map(|g| &g.policies),
        Kind::Role => iam.roles.get(&k).map(|r| &r.policies),
    }
}

/// The ARN used to authorize an action on a named entity: the real one when it exists (it
/// carries the path), else the one the name would have at the root path.
fn entity_arn(call: &Call, kind: Kind, name: &str) -> String {
    let account = &call.caller.account;
    match entity(iam_of(call), kind, name) {
        Some((path, real)) => arn::iam(account, kind.noun(), &path, &real),
        None => arn::iam(account, kind.noun(), "/", name),
    }
}

/// Authorizes `action` on the entity `name` of `kind`, then returns (path, name) or NoSuchEntity.
fn authorize_entity(call: &mut Call, action: &str, kind: Kind, name: &str) -> AwsResult<(String, String)> {
    check_name(kind.param(), name, if kind == Kind::User { 64 } else { 128 })?;
    // A service-linked or /aws-reserved/ role is AWS's: its changes are refused with AWS's error,
    // before authorization (the authorizer would deny them too, more vaguely).
    if kind == Kind::Role && super::aws_owned::PROTECTED_ROLE_ACTIONS.contains(&action) {
        if let Some((path, real)) = entity(iam_of(call), kind, name) {
            let service_linked = path.starts_with("/aws-service-role/");
            if super::aws_owned::is_protected_role_path(&path)
                && super::aws_owned::is_protected_role_action(action, service_linked)
            {
                return Err(super::aws_owned::protected_role_error(&real));
            }
        }
    }
    let resource = entity_arn(call, kind, name);
    // A tagged user's or role's tags are condition keys of the request (iam:ResourceTag/...).
    let tags = match kind {
        Kind::User => iam_of(call).user(name).map(|u| u.tags.clone()),
        Kind::Role => iam_of(call).role(name).map(|r| r.tags.clone()),
        Kind::Group => None,
    };
    super::enforce::authorize_tagged(call, action, &resource, &tags.unwrap_or_default())?;
    entity(iam_of(call), kind, name).ok_or_else(|| kind.not_found(name))
}

fn parse_document(text: &str, kind: PolicyKind) -> AwsResult<Policy> {
    Policy::parse(text, kind).map_err(iam_policy_error)
}

/// IAM's error for a document it refuses: `LimitExceeded` for a size quota ("Cannot exceed quota
/// for PolicySize: 6144", "... ACLSizePerRole: 2048"), `MalformedPolicyDocument` for the rest
/// (rule IAM-POLICY-SIZE).
fn iam_policy_error(e: rootsim_policy::PolicyError) -> AwsError {
    if e.message.starts_with("Cannot exceed quota for ") {
        AwsError::limit_exceeded(e.message.clone())
            .with_hint(format!("  at line {}, column {}: {}", e.line, e.column, e.detail))
    } else {
        policy_error(e)
    }
}

/// A role trust policy as IAM checks it when it is written: valid as a trust policy, and every
/// user or role it names existing (rule IAM-POLICY-PRINCIPAL-EXISTS).
fn parse_trust(call: &Call, text: &str) -> AwsResult<Policy> {
    let policy = parse_document(text, PolicyKind::Trust)?;
    match call.world.missing_principal(&policy) {
        Some(v) => Err(crate::world::principals::invalid_principal(&v)),
        None => Ok(policy),
    }
}

/// A customer managed policy's document: IAM requires Version 2012-10-17 there.
fn parse_customer_managed(text: &str) -> AwsResult<Policy> {
    let opts = rootsim_policy::ParseOptions { customer_managed: true, ..Default::default() };
    Policy::parse_with(text, PolicyKind::Identity, &opts).map_err(iam_policy_error)
}

fn tags_of(input: &Input) -> AwsResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for t in input.get("Tags").and_then(Value::as_array).into_iter().flatten() {
        let k = t.get("Key").and_then(Value::as_str);
        let v = t.get("Value").and_then(Value::as_str).unwrap_or("");
        let Some(k) = k else {
            return Err(AwsError::validation("1 validation error detected: Value null at 'tags.member.key' failed to satisfy constraint: Member must not be null"));
        };
        out.push((k.to_string(), v.to_string()));
    }
    if out.len() > 50 {
        return Err(AwsError::limit_exceeded("Cannot exceed quota for TagsPerUser: 50"));
    }
    Ok(out)
}

pub(super) fn tags_json(tags: &std::collections::BTreeMap<String, String>) -> Value {
    Value::Array(tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect())
}

fn boundary_json(arn: &Option<String>) -> Option<Value> {
    arn.as_ref().map(|a| json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": a}))
}

// ---------------------------------------------------------------- users

fn user_json(account: &str, u: &User, detail: bool) -> Value {
    let mut v = json!({
        "Path": u.path,
        "UserName": u.name,
        "UserId": u.id,
        "Arn": arn::iam(account, "user", &u.path, &u.name),
        "CreateDate": format_cli(u.created),
    });
    if let Some(t) = u.password_last_used {
        v["PasswordLastUsed"] = json!(format_cli(t));
    }
    if detail {
        if let Some(b) = boundary_json(&u.boundary) {
            v["PermissionsBoundary"] = b;
        }
        if !u.tags.is_empty() {
            v["Tags"] = tags_json(&u.tags);
        }
    }
    v
}

fn create_user(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "UserName")?;
    let path = opt_str(input, "Path").unwrap_or("/");
    check_name("UserName", name, 64)?;
    check_path(path)?;
    let tags = tags_of(input)?;
    let account = call.account();
    call.authorize("iam:CreateUser", &arn::iam(&account, "user", path, name))?;
    let boundary = opt_str(input, "PermissionsBoundary").map(str::to_string);
    if let Some(b) = &boundary {
        check_boundary(call, b)?;
    }
    if iam_of(call).user(name).is_some() {
        return Err(AwsError::already_exists(format!("User with name {name} already exists.")));
    }
    let user = User {
        name: name.to_string(),
        path: path.to_string(),
        id: call.world.rng.unique_id("AIDA"),
        created: call.now(),
        policies: Attachments::default(),
        boundary,
        login_profile: None,
        access_keys: Vec::new(),
        mfa_devices: Vec::new(),
        signing_certificates: Vec::new(),
        tags: tags.into_iter().collect(),
        password_last_used: None,
    };
    let out = json!({ "User": user_json(&account, &user, true) });
    iam_mut(call).users.insert(key(name), user);
    Ok(out)
}

fn get_user(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let account = call.account();
    let name = match opt_str(input, "UserName") {
        Some(n) => n.to_string(),
        None => match &call.caller.kind {
            CallerKind::User { key } => iam_of(call).users[key].name.clone(),
            CallerKind::Root => {
                // GetUser without a name, called as root, describes the root user.
                call.authorize("iam:GetUser", &arn::root(&account))?;
                let root = &iam_of(call).root;
                let created = call.world.accounts.get(&account).map_or(0, |a| a.created);
                let mut user = json!({
                    "UserId": account,
                    "Arn": arn::root(&account),
                    "CreateDate": format_cli(created),
                });
                if let Some(t) = root.password_last_used {
                    user["PasswordLastUsed"] = json!(format_cli(t));
                }
                return Ok(json!({ "User": user }));
            }
            CallerKind::RoleSession { .. } => {
                return Err(AwsError::validation("Must specify userName when calling with non-User credentials"))
            }
        },
    };
    authorize_entity(call, "iam:GetUser", Kind::User, &name)?;
    let u = iam_of(call).user(&name).expect("checked above");
    Ok(json!({ "User": user_json(&account, u, true) }))
}

fn list_users(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let account = call.account();
    let prefix = opt_str(input, "PathPrefix").unwrap_or("/");
    call.authorize("iam:ListUsers", &arn::iam(&account, "user", prefix, ""))?;
    let users: Vec<Value> = iam_of(call)
        .users
        .values()
        .filter(|u| u.path.starts_with(prefix))
        .map(|u| user_json(&account, u, false))
        .collect();
    Ok(json!({ "Users": users }))
}

fn delete_user(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "UserName")?;
    authorize_entity(call, "iam:DeleteUser", Kind::User, name)?;
    let iam = iam_of(call);
    let k = key(name);
    let u = &iam.users[&k];
    let conflict = if !u.policies.inline.is_empty() || !u.policies.managed.is_empty() {
        Some("Cannot delete entity, must delete policies first.")
    } else if u.login_profile.is_some() {
        Some("Cannot delete entity, must delete login profile first.")
    } else if !u.access_keys.is_empty() {
        Some("Cannot delete entity, must delete access keys first.")
    } else if !u.mfa_devices.is_empty() {
        Some("Cannot delete entity, must delete MFA device first.")
    } else if !u.signing_certificates.is_empty() {
        Some("Cannot delete entity, must delete signing certificates first.")
    } else if iam.groups_of(&k).next().is_some() {
        Some("Cannot delete entity, must remove users from group first.")
    } else {
        None
    };
    if let Some(msg) = conflict {
        return Err(AwsError::delete_conflict(msg));
    }
    let (account, name, id) = (call.account(), u.name.clone(), u.id.clone());
    // Policies naming the user now name its unique ID (rule IAM-DELETED-PRINCIPAL-UNIQUE-ID).
    call.world.unbind_principal(Unbound { account: &account, noun: "user", name: &name, unique_id: &id })?;
    iam_mut(call).users.remove(&k);
    Ok(Value::Null)
}

// ---------------------------------------------------------------- groups

fn group_json(account: &str, g: &Group) -> Value {
    json!({
        "Path": g.path,
        "GroupName": g.name,
        "GroupId": g.id,
        "Arn": arn::iam(account, "group", &g.path, &g.name),
        "CreateDate": format_cli(g.created),
    })
}

fn create_group(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "GroupName")?;
    let path = opt_str(input, "Path").unwrap_or("/");
    check_name("GroupName", name, 128)?;
    check_path(path)?;
    let account = call.account();
    call.authorize("iam:CreateGroup", &arn::iam(&account, "group", path, name))?;
    if iam_of(call).group(name).is_some() {
        return Err(AwsError::already_exists(format!("Group with name {name} already exists.")));
    }
    let g = Group {
        name: name.to_string(),
        path: path.to_string(),
        id: call.world.rng.unique_id("AGPA"),
        created: call.now(),
        policies: Attachments::default(),
        members: Vec::new(),
    };
    let out = json!({ "Group": group_json(&account, &g) });
    iam_mut(call).groups.insert(key(name), g);
    Ok(out)
}

fn get_group(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "GroupName")?;
    authorize_entity(call, "iam:GetGroup", Kind::Group, name)?;
    let account = call.account();
    let iam = iam_of(call);
    let g = iam.group(name).expect("checked above");
    let users: Vec<Value> =
        g.members.iter().filter_map(|m| iam.users.get(m)).map(|u| user_json(&account, u, false)).collect();
    Ok(json!({ "Users": users, "Group": group_json(&account, g) }))
}

fn list_groups(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let account = call.account();
    let prefix = opt_str(input, "PathPrefix").unwrap_or("/");
    call.authorize("iam:ListGroups", &arn::iam(&account, "group", prefix, ""))?;
    let groups: Vec<Value> =
        iam_of(call).groups.values().filter(|g| g.path.starts_with(prefix)).map(|g| group_json(&account, g)).collect();
    Ok(json!({ "Groups": groups }))
}

fn list_groups_for_user(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "UserName")?;
    authorize_entity(call, "iam:ListGroupsForUser", Kind::User, name)?;
    let account = call.account();
    let k = key(name);
    let groups: Vec<Value> = iam_of(call).groups_of(&k).map(|g| group_json(&account, g)).collect();
    Ok(json!({ "Groups": groups }))
}

fn delete_group(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "GroupName")?;
    authorize_entity(call, "iam:DeleteGroup", Kind::Group, name)?;
    let g = iam_of(call).group(name).expect("checked above");
    if !g.members.is_empty() {
        return Err(AwsError::delete_conflict("Cannot delete entity, must remove users from group first."));
    }
    if !g.policies.inline.is_empty() || !g.policies.managed.is_empty() {
        return Err(AwsError::delete_conflict("Cannot delete entity, must delete policies first."));
    }
    iam_mut(call).groups.remove(&key(name));
    Ok(Value::Null)
}

fn group_membership(call: &mut Call, input: &Input, add: bool) -> AwsResult<Value> {
    let group = req_str(input, "GroupName")?;
    let user = req_str(input, "UserName")?;
    check_name("UserName", user, 64)?;
    let action = if add { "iam:AddUserToGroup" } else { "iam:RemoveUserFromGroup" };
    authorize_entity(call, action, Kind::Group, group)?;
    if iam_of(call).user(user).is_none() {
        return Err(Kind::User.not_found(user));
    }
    let uk = key(user);
    let present = iam_of(call).groups.get(&key(group)).is_some_and(|g| g.members.contains(&uk));
    // A user is in at most ten groups (IAM's quota "Groups an IAM user can be a member of").
    if add && !present && iam_of(call).groups_of(&uk).count() >= super::MAX_GROUPS_PER_USER {
        return Err(AwsError::limit_exceeded(format!(
            "Cannot exceed quota for GroupsPerUser: {}",
            super::MAX_GROUPS_PER_USER
        )));
    }
    let g = iam_mut(call).groups.get_mut(&key(group)).expect("checked above");
    if add && !present {
        g.members.push(uk);
    } else if !add {
        if !present {
            return Err(AwsError::no_such_entity(format!(
                "The user with name {user} cannot be found in group {}.",
                g.name
            )));
        }
        g.members.retain(|m| *m != uk);
    }
    Ok(Value::Null)
}

fn add_user_to_group(call: &mut Call, input: &Input) -> AwsResult<Value> {
    group_membership(call, input, true)
}

fn remove_user_from_group(call: &mut Call, input: &Input) -> AwsResult<Value> {
    group_membership(call, input, false)
}

// ---------------------------------------------------------------- roles

pub(super) fn role_json(account: &str, r: &Role, detail: bool) -> Value {
    let mut v = json!({
        "Path": r.path,
        "RoleName": r.name,
        "RoleId": r.id,
        "Arn": arn::iam(account, "role", &r.path, &r.name),
        "CreateDate": format_cli(r.created),
        "AssumeRolePolicyDocument": r.trust_policy.to_json(),
    });
    if let Some(d) = &r.description {
        v["Description"] = json!(d);
    }
    if detail {
        v["MaxSessionDuration"] = json!(r.max_session_duration);
        if let Some(b) = boundary_json(&r.boundary) {
            v["PermissionsBoundary"] = b;
        }
        if !r.tags.is_empty() {
            v["Tags"] = tags_json(&r.tags);
        }
        v["RoleLastUsed"] = json!({});
    }
    v
}

/// An instance profile as IAM answers it: its role (path, name, ID, ARN, creation date, trust
/// policy and description, as the CLI reference's `get-instance-profile` example prints it: no
/// `RoleLastUsed`, `MaxSessionDuration`, boundary or tags), and its own tags when `with_tags`
/// (`GetInstanceProfile`, `CreateInstanceProfile`) and it has some.
pub(crate) fn instance_profile_json(account: &str, iam: &IamAccount, p: &InstanceProfile, with_tags: bool) -> Value {
    let roles: Vec<Value> =
        p.role.iter().filter_map(|r| iam.roles.get(r)).map(|r| role_json(account, r, false)).collect();
    let mut v = json!({
        "Path": p.path,
        "InstanceProfileName": p.name,
        "InstanceProfileId": p.id,
        "Arn": p.arn(account),
        "CreateDate": format_cli(p.created),
        "Roles": roles,
    });
    if with_tags && !p.tags.is_empty() {
        v["Tags"] = tags_json(&p.tags);
    }
    v
}

fn create_role(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "RoleName")?;
    let path = opt_str(input, "Path").unwrap_or("/");
    let trust = req_str(input, "AssumeRolePolicyDocument")?;
    check_name("RoleName", name, 64)?;
    check_policy_chars("assumeRolePolicyDocument", trust)?;
    check_path(path)?;
    if path.starts_with(super::aws_owned::SERVICE_ROLE_PATH) {
        return Err(AwsError::invalid_input(format!(
            "Path prefix '{}' can only be used for AWS Service linked Roles",
            super::aws_owned::SERVICE_ROLE_PATH
        )));
    }
    let tags = tags_of(input)?;
    let max = opt_i64(input, "MaxSessionDuration").unwrap_or(3600);
    if !(3600..=43_200).contains(&max) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{max}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value {}",
            if max < 3600 { "greater than or equal to 3600" } else { "less than or equal to 43200" }
        )));
    }
    let account = call.account();
    call.authorize("iam:CreateRole", &arn::iam(&account, "role", path, name))?;
    let trust_policy = parse_trust(call, trust)?;
    let boundary = opt_str(input, "PermissionsBoundary").map(str::to_string);
    if let Some(b) = &boundary {
        check_boundary(call, b)?;
    }
    if iam_of(call).role(name).is_some() {
        return Err(AwsError::already_exists(format!("Role with name {name} already exists.")));
    }
    let role = Role {
        name: name.to_string(),
        path: path.to_string(),
        id: call.world.rng.unique_id("AROA"),
        created: call.now(),
        trust_policy,
        description: opt_str(input, "Description").map(str::to_string),
        max_session_duration: max as u32,
        policies: Attachments::default(),
        boundary,
        tags: tags.into_iter().collect(),
    };
    let mut out = role_json(&account, &role, false);
    if let Some(b) = boundary_json(&role.boundary) {
        out["PermissionsBoundary"] = b;
    }
    if !role.tags.is_empty() {
        out["Tags"] = tags_json(&role.tags);
    }
    iam_mut(call).roles.insert(key(name), role);
    Ok(json!({ "Role": out }))
}

fn get_role(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "RoleName")?;
    authorize_entity(call, "iam:GetRole", Kind::Role, name)?;
    let account = call.account();
    Ok(json!({ "Role": role_json(&account, iam_of(call).role(name).expect("checked above"), true) }))
}

fn list_roles(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let account = call.account();
    let prefix = opt_str(input, "PathPrefix").unwrap_or("/");
    call.authorize("iam:ListRoles", &arn::iam(&account, "role", prefix, ""))?;
    let roles: Vec<Value> = iam_of(call)
        .roles
        .values()
        .filter(|r| r.path.starts_with(prefix))
        .map(|r| {
            let mut v = role_json(&account, r, false);
            v["MaxSessionDuration"] = json!(r.max_session_duration);
            v
        })
        .collect();
    Ok(json!({ "Roles": roles }))
}

fn delete_role(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "RoleName")?;
    authorize_entity(call, "iam:DeleteRole", Kind::Role, name)?;
    let r = iam_of(call).role(name).expect("checked above");
    if !r.policies.inline.is_empty() || !r.policies.managed.is_empty() {
        return Err(AwsError::delete_conflict("Cannot delete entity, must detach all policies first."));
    }
    // A role an instance profile holds must be taken out of it first (rule
    // IAM-INSTANCE-PROFILE-DELETE-CONFLICT).
    if iam_of(call).instance_profiles_of(&key(name)).next().is_some() {
        return Err(AwsError::delete_conflict("Cannot delete entity, must remove roles from instance profile first."));
    }
    let (account, name, id) = (call.account(), r.name.clone(), r.id.clone());
    // Policies naming the role now name its unique ID (rule IAM-DELETED-PRINCIPAL-UNIQUE-ID).
    call.world.unbind_principal(Unbound { account: &account, noun: "role", name: &name, unique_id: &id })?;
    iam_mut(call).roles.remove(&key(&name));
    Ok(Value::Null)
}

fn update_assume_role_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "RoleName")?;
    let doc = req_str(input, "PolicyDocument")?;
    check_policy_chars("policyDocument", doc)?;
    authorize_entity(call, "iam:UpdateAssumeRolePolicy", Kind::Role, name)?;
    let policy = parse_trust(call, doc)?;
    iam_mut(call).roles.get_mut(&key(name)).expect("checked above").trust_policy = policy;
    Ok(Value::Null)
}

// ---------------------------------------------------------------- managed policies

fn policy_json(account: &IamAccount, arn: &str, p: &ManagedPolicy, detail: bool) -> Value {
    let mut v = json!({
        "PolicyName": p.name,
        "PolicyId": p.id,
        "Arn": arn,
        "Path": p.path,
        "DefaultVersionId": p.default_version,
        "AttachmentCount": account.attachment_count(arn),
        "PermissionsBoundaryUsageCount": account.boundary_count(arn),
        "IsAttachable": true,
    });
    if detail {
        if let Some(d) = &p.description {
            v["Description"] = json!(d);
        }
    }
    v["CreateDate"] = json!(format_cli(p.created));
    v["UpdateDate"] = json!(format_cli(p.updated));
    if detail {
        if let Some(tags) = account.policy_tags.get(arn).filter(|t| !t.is_empty()) {
            v["Tags"] = tags_json(tags);
        }
    }
    v
}

fn aws_policy_json(account: &IamAccount, p: &super::managed::AwsManagedPolicy, detail: bool) -> Value {
    let mut v = json!({
        "PolicyName": p.name,
        "PolicyId": p.id,
        "Arn": p.arn,
        "Path": p.path,
        "DefaultVersionId": p.version,
        "AttachmentCount": account.attachment_count(&p.arn),
        "PermissionsBoundaryUsageCount": account.boundary_count(&p.arn),
        "IsAttachable": p.attachable,
    });
    if detail {
        if let Some(d) = p.description {
            v["Description"] = json!(d);
        }
    }
    v["CreateDate"] = json!(format_cli(p.created));
    v["UpdateDate"] = json!(format_cli(p.updated));
    v
}

/// `aws iam get-account-authorization-details` of one account, in AWS's shape: what the operation
/// prints and what an estate export writes (crate::import). Documents are JSON objects, as the CLI
/// prints them after decoding IAM's URL encoding. `Policies` holds the account's managed policies
/// and the AWS managed ones of rootsim's catalogue that something uses, as AWS lists them.
pub(crate) fn authorization_details(account: &str, iam: &IamAccount) -> Value {
    let inline = |a: &Attachments| -> Vec<Value> {
        a.inline.iter().map(|(n, p)| json!({"PolicyName": n, "PolicyDocument": p.to_json()})).collect()
    };
    let attached = |a: &Attachments| -> Vec<Value> {
        a.managed
            .iter()
            .map(|arn| json!({"PolicyName": arn.rsplit('/').next().unwrap_or(arn), "PolicyArn": arn}))
            .collect()
    };
    let entity = |noun: &str, path: &str, name: &str, id: &str, created: i64| -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("Path".into(), json!(path));
        m.insert(format!("{}Name", capitalized(noun)), json!(name));
        m.insert(format!("{}Id", capitalized(noun)), json!(id));
        m.insert("Arn".into(), json!(arn::iam(account, noun, path, name)));
        m.insert("CreateDate".into(), json!(format_cli(created)));
        m
    };
    let users: Vec<Value> = iam
        .users
        .iter()
        .map(|(key, u)| {
            let mut m = entity("user", &u.path, &u.name, &u.id, u.created);
            m.insert("UserPolicyList".into(), json!(inline(&u.policies)));
            let groups: Vec<&str> = iam.groups_of(key).map(|g| g.name.as_str()).collect();
            m.insert("GroupList".into(), json!(groups));
            m.insert("AttachedManagedPolicies".into(), json!(attached(&u.policies)));
            if let Some(b) = boundary_json(&u.boundary) {
                m.insert("PermissionsBoundary".into(), b);
            }
            m.insert("Tags".into(), tags_json(&u.tags));
            Value::Object(m)
        })
        .collect();
    let groups: Vec<Value> = iam
        .groups
        .values()
        .map(|g| {
            let mut m = entity("group", &g.path, &g.name, &g.id, g.created);
            m.insert("GroupPolicyList".into(), json!(inline(&g.policies)));
            m.insert("AttachedManagedPolicies".into(), json!(attached(&g.policies)));
            Value::Object(m)
        })
        .collect();
    let roles: Vec<Value> = iam
        .roles
        .values()
        .map(|r| {
            let mut m = entity("role", &r.path, &r.name, &r.id, r.created);
            m.insert("AssumeRolePolicyDocument".into(), r.trust_policy.to_json());
            let profiles: Vec<Value> = iam
                .instance_profiles_of(&key(&r.name))
                .map(|p| instance_profile_json(account, iam, p, false))
                .collect();
            m.insert("InstanceProfileList".into(), json!(profiles));
            m.insert("RolePolicyList".into(), json!(inline(&r.policies)));
            m.insert("AttachedManagedPolicies".into(), json!(attached(&r.policies)));
            if let Some(b) = boundary_json(&r.boundary) {
                m.insert("PermissionsBoundary".into(), b);
            }
            m.insert("Tags".into(), tags_json(&r.tags));
            m.insert("RoleLastUsed".into(), json!({}));
            Value::Object(m)
        })
        .collect();
    let mut policies: Vec<Value> = iam
        .policies
        .iter()
        .map(|(arn, p)| {
            let mut m = Map::new();
            m.insert("PolicyName".into(), json!(p.name));
            m.insert("PolicyId".into(), json!(p.id));
            m.insert("Arn".into(), json!(arn));
            m.insert("Path".into(), json!(p.path));
            m.insert("DefaultVersionId".into(), json!(p.default_version));
            m.insert("AttachmentCount".into(), json!(iam.attachment_count(arn)));
            m.insert("PermissionsBoundaryUsageCount".into(), json!(iam.boundary_count(arn)));
            m.insert("IsAttachable".into(), json!(true));
            if let Some(d) = &p.description {
                m.insert("Description".into(), json!(d));
            }
            m.insert("CreateDate".into(), json!(format_cli(p.created)));
            m.insert("UpdateDate".into(), json!(format_cli(p.updated)));
            let versions: Vec<Value> = p
                .versions
                .iter()
                .map(|v| {
                    json!({
                        "Document": v.document.to_json(),
                        "VersionId": v.id,
                        "IsDefaultVersion": v.id == p.default_version,
                        "CreateDate": format_cli(v.created),
                    })
                })
                .collect();
            m.insert("PolicyVersionList".into(), json!(versions));
            Value::Object(m)
        })
        .collect();
    // AWS managed policies in use that the account holds no copy of (an imported estate's copy
    // is listed above), in the catalogue's own JSON with its one version.
    for p in super::managed::all() {
        let used = iam.attachment_count(&p.arn) + iam.boundary_count(&p.arn) > 0;
        if used && !iam.policies.contains_key(&p.arn) {
            let Some(document) = p.document() else { continue };
            let mut v = aws_policy_json(iam, p, true);
            let version = json!({
                "Document": document.to_json(),
                "VersionId": p.version,
                "IsDefaultVersion": true,
                "CreateDate": v["UpdateDate"],
            });
            v["PolicyVersionList"] = json!([version]);
            policies.push(v);
        }
    }
    json!({
        "UserDetailList": users,
        "GroupDetailList": groups,
        "RoleDetailList": roles,
        "Policies": policies,
    })
}

fn capitalized(noun: &str) -> String {
    let mut c = noun.chars();
    c.next().map_or_else(String::new, |f| f.to_ascii_uppercase().to_string() + c.as_str())
}

/// The entity types `GetAccountAuthorizationDetails` filters by.
const ENTITY_TYPES: [&str; 5] = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"];

/// `GetAccountAuthorizationDetails`: every user, group, role and policy of the caller's account;
/// with `Filter`, only the entity types it names (IAM-AUTHORIZATION-DETAILS-FILTER): the other
/// lists come back empty.
fn get_account_authorization_details(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let filter: Vec<&str> =
        input.get("Filter").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    if let Some(bad) = filter.iter().find(|f| !ENTITY_TYPES.contains(f)) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '[{bad}]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [{}]]",
            ENTITY_TYPES.join(", ")
        )));
    }
    let account = call.account();
    call.authorize("iam:GetAccountAuthorizationDetails", "*")?;
    let mut out = authorization_details(&account, iam_of(call));
    if !filter.is_empty() {
        for (list, kind) in [("UserDetailList", "User"), ("GroupDetailList", "Group"), ("RoleDetailList", "Role")] {
            if !filter.contains(&kind) {
                out[list] = json!([]);
            }
        }
        let (local, aws) = (filter.contains(&"LocalManagedPolicy"), filter.contains(&"AWSManagedPolicy"));
        if let Some(policies) = out["Policies"].as_array_mut() {
            policies.retain(|p| {
                let by_aws = p["Arn"].as_str().is_some_and(|a| a.starts_with("arn:aws:iam::aws:policy/"));
                if by_aws {
                    aws
                } else {
                    local
                }
            });
        }
    }
    out["IsTruncated"] = json!(false);
    Ok(out)
}

fn check_policy_arn(arn_text: &str) -> AwsResult<()> {
    if arn_text.len() < 20 || !arn_text.starts_with("arn:") {
        return Err(AwsError::invalid_input(format!("ARN {arn_text} is not valid.")));
    }
    Ok(())
}

fn policy_not_found(arn: &str) -> AwsError {
    AwsError::no_such_entity(format!("Policy {arn} was not found."))
}

/// An AWS managed policy whose document the catalogue cannot give (damaged data): refused rather
/// than shown or attached without its document. AWS has no such case; rootsim says what happened.
fn unreadable_aws_policy(arn: &str) -> AwsError {
    AwsError::new(
        "ServiceFailure",
        500,
        format!("rootsim cannot read the document of AWS managed policy {arn} from its catalogue."),
    )
}

fn create_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "PolicyName")?;
    let doc = req_str(input, "PolicyDocument")?;
    let path = opt_str(input, "Path").unwrap_or("/");
    check_name("PolicyName", name, 128)?;
    check_path(path)?;
    check_policy_chars("policyDocument", doc)?;
    let account = call.account();
    let policy_arn = arn::iam(&account, "policy", path, name);
    call.authorize("iam:CreatePolicy", &policy_arn)?;
    let document = parse_customer_managed(doc)?;
    let size: usize = doc.chars().filter(|c| !c.is_whitespace()).count();
    if size > 6144 {
        return Err(AwsError::limit_exceeded("Cannot exceed quota for PolicySize: 6144"));
    }
    if iam_of(call).policies.values().any(|p| p.name.eq_ignore_ascii_case(name)) {
        return Err(AwsError::already_exists(format!(
            "A policy called {name} already exists. Duplicate names are not allowed."
        )));
    }
    let now = call.now();
    let p = ManagedPolicy {
        name: name.to_string(),
        path: path.to_string(),
        id: call.world.rng.unique_id("ANPA"),
        description: opt_str(input, "Description").map(str::to_string),
        created: now,
        updated: now,
        versions: vec![PolicyVersion { id: "v1".into(), document, created: now }],
        default_version: "v1".into(),
        next_version: 2,
    };
    iam_mut(call).policies.insert(policy_arn.clone(), p);
    let iam = iam_of(call);
    let mut out = policy_json(iam, &policy_arn, &iam.policies[&policy_arn], false);
    if let Some(d) = opt_str(input, "Description") {
        out["Description"] = json!(d);
    }
    Ok(json!({ "Policy": out }))
}

fn get_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let policy_arn = req_str(input, "PolicyArn")?;
    check_policy_arn(policy_arn)?;
    call.authorize("iam:GetPolicy", policy_arn)?;
    let iam = iam_of(call);
    if let Some(p) = iam.policies.get(policy_arn) {
        return Ok(json!({ "Policy": policy_json(iam, policy_arn, p, true) }));
    }
    match super::managed::aws_managed(policy_arn) {
        Some(p) => Ok(json!({ "Policy": aws_policy_json(iam, p, true) })),
        None => Err(policy_not_found(policy_arn)),
    }
}

fn list_policies(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let scope = opt_str(input, "Scope").unwrap_or("All");
    if !["All", "AWS", "Local"].contains(&scope) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]"
        )));
    }
    let only_attached = opt_bool(input, "OnlyAttached").unwrap_or(false);
    let prefix = opt_str(input, "PathPrefix").unwrap_or("/");
    let account = call.account();
    call.authorize("iam:ListPolicies", &arn::iam(&account, "policy", prefix, ""))?;
    let iam = iam_of(call);
    let mut out = Vec::new();
    if scope != "Local" {
        for p in super::managed::all() {
            if p.path.starts_with(prefix) && (!only_attached || iam.attachment_count(&p.arn) > 0) {
                out.push(aws_policy_json(iam, p, false));
            }
        }
    }
    if scope != "AWS" {
        for (a, p) in &iam.policies {
            if p.path.starts_with(prefix) && (!only_attached || iam.attachment_count(a) > 0) {
                out.push(policy_json(iam, a, p, false));
            }
        }
    }
    Ok(json!({ "Policies": out }))
}

fn delete_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let policy_arn = req_str(input, "PolicyArn")?;
    check_policy_arn(policy_arn)?;
    // AWS's own policies are refused with IAM's error before authorization (the authorizer denies
    // changes to them too: `iam::aws_owned`).
    if super::managed::is_aws_managed_arn(policy_arn) {
        return Err(AwsError::unmodifiable(format!("Cannot delete AWS managed policy {policy_arn}.")));
    }
    call.authorize("iam:DeletePolicy", policy_arn)?;
    let iam = iam_of(call);
    if !iam.policies.contains_key(policy_arn) {
        return Err(policy_not_found(policy_arn));
    }
    if iam.attachment_count(policy_arn) > 0 || iam.boundary_count(policy_arn) > 0 {
        return Err(AwsError::delete_conflict("Cannot delete a policy attached to entities."));
    }
    if iam.policies[policy_arn].versions.len() > 1 {
        return Err(AwsError::delete_conflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."));
    }
    iam_mut(call).policies.remove(policy_arn);
    iam_mut(call).policy_tags.remove(policy_arn);
    Ok(Value::Null)
}

fn version_json(v: &PolicyVersion, default: bool) -> Value {
    json!({
        "Document": v.document.to_json(),
        "VersionId": v.id,
        "IsDefaultVersion": default,
        "CreateDate": format_cli(v.created),
    })
}

fn get_policy_version(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let policy_arn = req_str(input, "PolicyArn")?;
    let version = req_str(input, "VersionId")?;
    check_policy_arn(policy_arn)?;
    call.authorize("iam:GetPolicyVersion", policy_arn)?;
    let iam = iam_of(call);
    if let Some(p) = iam.policies.get(policy_arn) {
        let v = p.versions.iter().find(|v| v.id == version).ok_or_else(|| {
            AwsError::no_such_entity(format!(
                "Policy {policy_arn} version {version} does not exist or is not attachable."
            ))
        })?;
        return Ok(json!({ "PolicyVersion": version_json(v, v.id == p.default_version) }));
    }
    match super::managed::aws_managed(policy_arn) {
        Some(p) if p.version == version => {
            // A document the catalogue cannot give is refused, never shown empty (fail closed).
            let document = p.document().ok_or_else(|| unreadable_aws_policy(policy_arn))?;
            Ok(json!({ "PolicyVersion": {
                "Document": document.to_json(),
                "VersionId": p.version,
                "IsDefaultVersion": true,
                "CreateDate": format_cli(p.updated),
            }}))
        }
        Some(_) => Err(AwsError::no_such_entity(format!(
            "Policy {policy_arn} version {version} does not exist or is not attachable."
        ))),
        None => Err(policy_not_found(policy_arn)),
    }
}

fn create_policy_version(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let policy_arn = req_str(input, "PolicyArn")?;
    let doc = req_str(input, "PolicyDocument")?;
    let set_default = opt_bool(input, "SetAsDefault").unwrap_or(false);
    check_policy_arn(policy_arn)?;
    check_policy_chars("policyDocument", doc)?;
    if super::managed::is_aws_managed_arn(policy_arn) {
        return Err(AwsError::unmodifiable(format!("Cannot modify AWS managed policy {policy_arn}.")));
    }
    call.authorize("iam:CreatePolicyVersion", policy_arn)?;
    let document = parse_customer_managed(doc)?;
    let now = call.now();
    let p = iam_of(call).policies.get(policy_arn).ok_or_else(|| policy_not_found(policy_arn))?;
    if p.versions.len() >= 5 {
        return Err(AwsError::limit_exceeded(
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
        ));
    }
    let p = iam_mut(call).policies.get_mut(policy_arn).expect("checked above");
    let id = format!("v{}", p.next_version);
    p.next_version += 1;
    p.versions.push(PolicyVersion { id: id.clone(), document, created: now });
    if set_default {
        p.default_version = id.clone();
        p.updated = now;
    }
    let v = p.versions.last().expect("just pushed");
    let mut out = version_json(v, set_default);
    out.as_object_mut().expect("object").remove("Document");
    Ok(json!({ "PolicyVersion": out }))
}

fn list_policy_versions(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let policy_arn = req_str(input, "PolicyArn")?;
    check_policy_arn(policy_arn)?;
    call.authorize("iam:ListPolicyVersions", policy_arn)?;
    let iam = iam_of(call);
    if let Some(p) = iam.policies.get(policy_arn) {
        let versions: Vec<Value> = p
            .versions
            .iter()
            .rev()
            .map(|v| {
                let mut j = version_json(v, v.id == p.default_version);
                j.as_object_mut().expect("object").remove("Document");
                j
            })
            .collect();
        return Ok(json!({ "Versions": versions }));
    }
    match super::managed::aws_managed(policy_arn) {
        Some(p) => Ok(json!({ "Versions": [{
            "VersionId": p.version, "IsDefaultVersion": true,
            "CreateDate": format_cli(p.updated),
        }]})),
        None => Err(policy_not_found(policy_arn)),
    }
}

fn set_default_policy_version(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let policy_arn = req_str(input, "PolicyArn")?;
    let version = req_str(input, "VersionId")?;
    check_policy_arn(policy_arn)?;
    if super::managed::is_aws_managed_arn(policy_arn) {
        return Err(AwsError::unmodifiable(format!("Cannot modify AWS managed policy {policy_arn}.")));
    }
    call.authorize("iam:SetDefaultPolicyVersion", policy_arn)?;
    let now = call.now();
    let p = iam_mut(call).policies.get_mut(policy_arn).ok_or_else(|| policy_not_found(policy_arn))?;
    if !p.versions.iter().any(|v| v.id == version) {
        return Err(AwsError::no_such_entity(format!("Policy {policy_arn} version {version} does not exist.")));
    }
    p.default_version = version.to_string();
    p.updated = now;
    Ok(Value::Null)
}

fn delete_policy_version(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let policy_arn = req_str(input, "PolicyArn")?;
    let version = req_str(input, "VersionId")?;
    check_policy_arn(policy_arn)?;
    if super::managed::is_aws_managed_arn(policy_arn) {
        return Err(AwsError::unmodifiable(format!("Cannot modify AWS managed policy {policy_arn}.")));
    }
    call.authorize("iam:DeletePolicyVersion", policy_arn)?;
    let p = iam_mut(call).policies.get_mut(policy_arn).ok_or_else(|| policy_not_found(policy_arn))?;
    if p.default_version == version {
        return Err(AwsError::delete_conflict("Cannot delete the default version of a policy."));
    }
    let before = p.versions.len();
    p.versions.retain(|v| v.id != version);
    if p.versions.len() == before {
        return Err(AwsError::no_such_entity(format!("Policy {policy_arn} version {version} does not exist.")));
    }
    Ok(Value::Null)
}

// ---------------------------------------------------------------- attached policies

/// The managed policy must exist (customer managed in this account, or AWS managed and attachable).
fn check_attachable(call: &Call, policy_arn: &str) -> AwsResult<()> {
    let exists = iam_of(call).policies.contains_key(policy_arn)
        || super::managed::aws_managed(policy_arn).is_some_and(|p| p.attachable && p.document().is_some());
    if exists {
        Ok(())
    } else {
        Err(AwsError::no_such_entity(format!("Policy {policy_arn} does not exist or is not attachable.")))
    }
}

fn check_boundary(call: &Call, policy_arn: &str) -> AwsResult<()> {
    check_policy_arn(policy_arn)?;
    if iam_of(call).managed_policy(policy_arn).is_none() {
        return Err(AwsError::invalid_input(format!(
            "ARN {policy_arn} is not valid. Permissions boundary policy must be a managed policy that exists."
        )));
    }
    Ok(())
}

fn attach(call: &mut Call, input: &Input, kind: Kind) -> AwsResult<Value> {
    let name = req_str(input, kind.param())?;
    let policy_arn = req_str(input, "PolicyArn")?;
    check_policy_arn(policy_arn)?;
    let action = format!("iam:Attach{}Policy", kind.title());
    authorize_entity(call, &action, kind, name)?;
    check_attachable(call, policy_arn)?;
    if super::managed::aws_managed(policy_arn).is_some_and(|p| p.is_service_role_policy()) {
        return Err(AwsError::new(
            "PolicyNotAttachable",
            400,
            "Cannot attach a Service Role Policy to a Customer Role.",
        ));
    }
    let a = attachments_mut(iam_mut(call), kind, name).expect("checked above");
    if !a.managed.iter().any(|m| m == policy_arn) {
        if a.managed.len() >= 10 {
            return Err(AwsError::limit_exceeded(format!("Cannot exceed quota for PoliciesPer{}: 10", kind.title())));
        }
        a.managed.push(policy_arn.to_string());
    }
    Ok(Value::Null)
}

fn detach(call: &mut Call, input: &Input, kind: Kind) -> AwsResult<Value> {
    let name = req_str(input, kind.param())?;
    let policy_arn = req_str(input, "PolicyArn")?;
    check_policy_arn(policy_arn)?;
    let action = format!("iam:Detach{}Policy", kind.title());
    authorize_entity(call, &action, kind, name)?;
    let a = attachments_mut(iam_mut(call), kind, name).expect("checked above");
    if !a.managed.iter().any(|m| m == policy_arn) {
        return Err(AwsError::no_such_entity(format!("Policy {policy_arn} was not found.")));
    }
    a.managed.retain(|m| m != policy_arn);
    Ok(Value::Null)
}

fn list_attached(call: &mut Call, input: &Input, kind: Kind) -> AwsResult<Value> {
    let name = req_str(input, kind.param())?;
    let action = format!("iam:ListAttached{}Policies", kind.title());
    authorize_entity(call, &action, kind, name)?;
    let iam = iam_of(call);
    let list: Vec<Value> = attachments(iam, kind, name)
        .expect("checked above")
        .managed
        .iter()
        .map(|a| {
            let name = a.rsplit('/').next().unwrap_or(a);
            json!({ "PolicyName": name, "PolicyArn": a })
        })
        .collect();
    Ok(json!({ "AttachedPolicies": list }))
}

fn put_boundary(call: &mut Call, input: &Input, kind: Kind) -> AwsResult<Value> {
    let name = req_str(input, kind.param())?;
    let policy_arn = req_str(input, "PermissionsBoundary")?;
    let action = format!("iam:Put{}PermissionsBoundary", kind.title());
    authorize_entity(call, &action, kind, name)?;
    check_boundary(call, policy_arn)?;
    let iam = iam_mut(call);
    let slot = match kind {
        Kind::User => &mut iam.users.get_mut(&key(name)).expect("checked").boundary,
        _ => &mut iam.roles.get_mut(&key(name)).expect("checked").boundary,
    };
    *slot = Some(policy_arn.to_string());
    Ok(Value::Null)
}

fn delete_boundary(call: &mut Call, input: &Input, kind: Kind) -> AwsResult<Value> {
    let name = req_str(input, kind.param())?;
    let action = format!("iam:Delete{}PermissionsBoundary", kind.title());
    authorize_entity(call, &action, kind, name)?;
    let iam = iam_mut(call);
    let slot = match kind {
        Kind::User => &mut iam.users.get_mut(&key(name)).expect("checked").boundary,
        _ => &mut iam.roles.get_mut(&key(name)).expect("checked").boundary,
    };
    if slot.take().is_none() {
        return Err(AwsError::no_such_entity(format!(
            "The {} with name {name} does not have a permissions boundary.",
            kind.noun()
        )));
    }
    Ok(Value::Null)
}

// ---------------------------------------------------------------- inline policies

fn put_inline(call: &mut Call, input: &Input, kind: Kind) -> AwsResult<Value> {
    let name = req_str(input, kind.param())?;
    let policy_name = req_str(input, "PolicyName")?;
    let doc = req_str(input, "PolicyDocument")?;
    check_name("PolicyName", policy_name, 128)?;
    check_policy_chars("policyDocument", doc)?;
    let action = format!("iam:Put{}Policy", kind.title());
    let (_, real) = authorize_entity(call, &action, kind, name)?;
    let a = attachments(iam_of(call), kind, name).expect("checked above");
    // The quota counts every inline policy of the entity together, without whitespace; one
    // document may use all of it (a role's 10,240, more than a managed policy's 6,144).
    let size = |t: &str| t.chars().filter(|c| !c.is_whitespace()).count();
    let total: usize =
        a.inline.iter().filter(|(n, _)| *n != policy_name).map(|(_, p)| size(p.text())).sum::<usize>() + size(doc);
    if total > kind.inline_quota() {
        return Err(AwsError::limit_exceeded(format!(
            "Maximum policy size of {} bytes exceeded for {} {real}",
            kind.inline_quota(),
            kind.noun()
        )));
    }
    let opts = rootsim_policy::ParseOptions { max_size: Some(kind.inline_quota()), ..Default::default() };
    let policy = Policy::parse_with(doc, PolicyKind::Identity, &opts).map_err(policy_error)?;
    attachments_mut(iam_mut(call), kind, name).expect("checked").inline.insert(policy_name.to_string(), policy);
    Ok(Value::Null)
}

fn get_inline(call: &mut Call, input: &Input, kind: Kind) -> AwsResult<Value> {
    let name = req_str(input, kind.param())?;
    let policy_name = req_str(input, "PolicyName")?;
    let action = format!("iam:Get{}Policy", kind.title());
    let (_, real) = authorize_entity(call, &action, kind, name)?;
    let a = attachments(iam_of(call), kind, name).expect("checked above");
    let p = a.inline.get(policy_name).ok_or_else(|| {
        AwsError::no_such_entity(format!("The {} policy with name {policy_name} cannot be found.", kind.noun()))
    })?;
    let mut out = Map::new();
    out.insert(kind.param().into(), json!(real));
    out.insert("PolicyName".into(), json!(policy_name));
    out.insert("PolicyDocument".into(), p.to_json());
    Ok(Value::Object(out))
}

fn delete_inline(call: &mut Call, input: &Input, kind: Kind) -> AwsResult<Value> {
    let name = req_str(input, kind.param())?;
    let policy_name = req_str(input, "PolicyName")?;
    let action = format!("iam:Delete{}Policy", kind.title());
    authorize_entity(call, &action, kind, name)?;
    let a = attachments_mut(iam_mut(call), kind, name).expect("checked above");
    if a.inline.remove(policy_name).is_none() {
        return Err(AwsError::no_such_entity(format!(
            "The {} policy with name {policy_name} cannot be found.",
            kind.noun()
        )));
    }
    Ok(Value::Null)
}

fn list_inline(call: &mut Call, input: &Input, kind: Kind) -> AwsResult<Value> {
    let name = req_str(input, kind.param())?;
    let action = format!("iam:List{}Policies", kind.title());
    authorize_entity(call, &action, kind, name)?;
    let names: Vec<&String> = attachments(iam_of(call), kind, name).expect("checked above").inline.keys().collect();
    Ok(json!({ "PolicyNames": names }))
}

// ---------------------------------------------------------------- access keys and login profiles

/// Whose credentials an access-key or login-profile call is about: an explicit user, else the
/// calling user, else (for root) the root user.
pub(super) enum Subject {
    User(String),
    Root,
}

pub(super) fn subject(call: &Call, input: &Input) -> AwsResult<Subject> {
    if let Some(name) = opt_str(input, "UserName") {
        check_name("UserName", name, 64)?;
        return Ok(Subject::User(name.to_string()));
    }
    match &call.caller.kind {
        CallerKind::User { key } => Ok(Subject::User(iam_of(call).users[key].name.clone())),
        CallerKind::Root => Ok(Subject::Root),
        CallerKind::RoleSession { .. } => {
            Err(AwsError::validation("Must specify userName when calling with non-User credentials"))
        }
    }
}

pub(super) fn authorize_subject(call: &mut Call, action: &str, subject: &Subject) -> AwsResult<()> {
    match subject {
        Subject::User(name) => authorize_entity(call, action, Kind::User, name).map(|_| ()),
        Subject::Root => {
            let account = call.account();
            call.authorize(action, &arn::root(&account))
        }
    }
}

fn key_json(user: Option<&str>, k: &AccessKey, secret: bool) -> Value {
    let mut v = Map::new();
    if let Some(u) = user {
        v.insert("UserName".into(), json!(u));
    }
    v.insert("AccessKeyId".into(), json!(k.id));
    v.insert("Status".into(), json!(k.status.as_str()));
    if secret {
        v.insert("SecretAccessKey".into(), json!(k.secret));
    }
    v.insert("CreateDate".into(), json!(format_cli(k.created)));
    Value::Object(v)
}

fn keys_mut<'a>(call: &'a mut Call, subject: &Subject) -> &'a mut Vec<AccessKey> {
    let iam = iam_mut(call);
    match subject {
        Subject::User(name) => &mut iam.users.get_mut(&key(name)).expect("checked").access_keys,
        Subject::Root => &mut iam.root.access_keys,
    }
}

fn create_access_key(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let subject = subject(call, input)?;
    authorize_subject(call, "iam:CreateAccessKey", &subject)?;
    let quota = match &subject {
        Subject::User(_) => "AccessKeysPerUser",
        Subject::Root => "AccessKeysPerRoot",
    };
    if keys_mut(call, &subject).len() >= super::MAX_ACCESS_KEYS {
        return Err(AwsError::limit_exceeded(format!("Cannot exceed quota for {quota}: {}", super::MAX_ACCESS_KEYS)));
    }
    let k = AccessKey {
        id: call.world.rng.access_key_id("AKIA"),
        secret: call.world.rng.secret_key(),
        status: KeyStatus::Active,
        created: call.now(),
        last_used: None,
    };
    let user = match &subject {
        Subject::User(n) => Some(iam_of(call).user(n).expect("checked").name.clone()),
        Subject::Root => None,
    };
    let out = json!({ "AccessKey": key_json(user.as_deref(), &k, true) });
    keys_mut(call, &subject).push(k);
    Ok(out)
}

fn list_access_keys(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let subject = subject(call, input)?;
    authorize_subject(call, "iam:ListAccessKeys", &subject)?;
    let user = match &subject {
        Subject::User(n) => Some(iam_of(call).user(n).expect("checked").name.clone()),
        Subject::Root => None,
    };
    let keys: Vec<Value> = keys_mut(call, &subject).iter().map(|k| key_json(user.as_deref(), k, false)).collect();
    Ok(json!({ "AccessKeyMetadata": keys }))
}

fn find_key<'a>(keys: &'a mut [AccessKey], id: &str) -> AwsResult<&'a mut AccessKey> {
    keys.iter_mut()
        .find(|k| k.id == id)
        .ok_or_else(|| AwsError::no_such_entity(format!("The Access Key with id {id} cannot be found.")))
}

fn update_access_key(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let id = req_str(input, "AccessKeyId")?;
    let status = key_status(input)?;
    let subject = subject(call, input)?;
    authorize_subject(call, "iam:UpdateAccessKey", &subject)?;
    find_key(keys_mut(call, &subject), id)?.status = status;
    Ok(Value::Null)
}

fn delete_access_key(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let id = req_str(input, "AccessKeyId")?;
    let subject = subject(call, input)?;
    authorize_subject(call, "iam:DeleteAccessKey", &subject)?;
    let keys = keys_mut(call, &subject);
    find_key(keys, id)?;
    keys.retain(|k| k.id != id);
    Ok(Value::Null)
}

/// Whose login profile a call is about. Without a user name: the calling user, or (only in an
/// AssumeRoot session) the root user ("you must use an AssumeRoot session to omit the user name",
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html>).
fn login_subject(call: &Call, input: &Input) -> AwsResult<Subject> {
    match (opt_str(input, "UserName"), &call.caller.kind) {
        (Some(n), _) => {
            check_name("UserName", n, 64)?;
            Ok(Subject::User(n.to_string()))
        }
        (None, CallerKind::User { key }) => Ok(Subject::User(iam_of(call).users[key].name.clone())),
        (None, CallerKind::Root) if call.caller.task_policy.is_some() => Ok(Subject::Root),
        (None, CallerKind::Root) => Err(AwsError::validation(
            "Must specify userName: the root user's password is managed in the console, or through an AssumeRoot session",
        )),
        (None, CallerKind::RoleSession { .. }) => {
            Err(AwsError::validation("Must specify userName when calling with non-User credentials"))
        }
    }
}

fn root_profile_json(call: &Call) -> Value {
    let created = call.world.accounts.get(&call.caller.account).map_or(0, |a| a.created);
    json!({ "LoginProfile": { "CreateDate": format_cli(created), "PasswordResetRequired": false } })
}

fn root_profile_not_found() -> AwsError {
    AwsError::no_such_entity("Login Profile for User root cannot be found.")
}

fn create_login_profile(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let subject = login_subject(call, input)?;
    let Subject::User(name) = subject else {
        authorize_subject(call, "iam:CreateLoginProfile", &Subject::Root)?;
        if opt_str(input, "Password").is_some() {
            return Err(AwsError::validation(
                "A password cannot be set for the root user: omit --password to allow password recovery.",
            ));
        }
        let root = &iam_of(call).root;
        if root.password.is_some() || root.recovery_allowed {
            return Err(AwsError::already_exists("Login Profile for user root already exists."));
        }
        iam_mut(call).root.recovery_allowed = true;
        return Ok(root_profile_json(call));
    };
    let name = name.as_str();
    let password = req_str(input, "Password")?;
    let reset = opt_bool(input, "PasswordResetRequired").unwrap_or(false);
    let (_, real) = authorize_entity(call, "iam:CreateLoginProfile", Kind::User, name)?;
    if iam_of(call).user(name).expect("checked").login_profile.is_some() {
        return Err(AwsError::already_exists(format!("Login Profile for user {real} already exists.")));
    }
    super::enforce::check_user_password(call, name, password)?;
    super::enforce::note_password_set(call, name, None);
    let now = call.now();
    iam_mut(call).users.get_mut(&key(name)).expect("checked").login_profile =
        Some(LoginProfile { password: Some(password.to_string()), created: now, reset_required: reset });
    Ok(json!({ "LoginProfile": { "UserName": real, "CreateDate": format_cli(now), "PasswordResetRequired": reset } }))
}

fn get_login_profile(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let subject = login_subject(call, input)?;
    let Subject::User(name) = subject else {
        authorize_subject(call, "iam:GetLoginProfile", &Subject::Root)?;
        let root = &iam_of(call).root;
        if root.password.is_none() && !root.recovery_allowed {
            return Err(root_profile_not_found());
        }
        return Ok(root_profile_json(call));
    };
    let name = name.as_str();
    let (_, real) = authorize_entity(call, "iam:GetLoginProfile", Kind::User, name)?;
    let p = iam_of(call)
        .user(name)
        .expect("checked")
        .login_profile
        .as_ref()
        .ok_or_else(|| AwsError::no_such_entity(format!("Login Profile for User {real} cannot be found.")))?;
    Ok(
        json!({ "LoginProfile": { "UserName": real, "CreateDate": format_cli(p.created), "PasswordResetRequired": p.reset_required } }),
    )
}

fn update_login_profile(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "UserName")?;
    let (_, real) = authorize_entity(call, "iam:UpdateLoginProfile", Kind::User, name)?;
    if iam_of(call).user(name).expect("checked").login_profile.is_none() {
        return Err(AwsError::no_such_entity(format!("Login Profile for User {real} cannot be found.")));
    }
    let password = opt_str(input, "Password");
    if let Some(p) = password {
        super::enforce::check_user_password(call, name, p)?;
        let old = iam_of(call).user(name).and_then(|u| u.login_profile.as_ref()).and_then(|p| p.password.clone());
        super::enforce::note_password_set(call, name, old);
    }
    let reset = opt_bool(input, "PasswordResetRequired");
    let profile = iam_mut(call).users.get_mut(&key(name)).expect("checked").login_profile.as_mut().expect("checked");
    if let Some(p) = password {
        profile.password = Some(p.to_string());
    }
    if let Some(r) = reset {
        profile.reset_required = r;
    }
    Ok(Value::Null)
}

fn delete_login_profile(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let subject = login_subject(call, input)?;
    let Subject::User(name) = subject else {
        authorize_subject(call, "iam:DeleteLoginProfile", &Subject::Root)?;
        let root = &mut iam_mut(call).root;
        if root.password.is_none() && !root.recovery_allowed {
            return Err(root_profile_not_found());
        }
        root.password = None;
        root.recovery_allowed = false;
        return Ok(Value::Null);
    };
    let name = name.as_str();
    let (_, real) = authorize_entity(call, "iam:DeleteLoginProfile", Kind::User, name)?;
    let user = iam_mut(call).users.get_mut(&key(name)).expect("checked");
    if user.login_profile.take().is_none() {
        return Err(AwsError::no_such_entity(format!("Login Profile for User {real} cannot be found.")));
    }
    Ok(Value::Null)
}

// ---------------------------------------------------------------- the table

/// Handlers for the operations that exist once per kind of identity.
macro_rules! per_kind {
    ($($name:ident => $generic:ident($kind:expr);)*) => {
        $(fn $name(call: &mut Call, input: &Input) -> AwsResult<Value> { $generic(call, input, $kind) })*
    };
}

per_kind! {
    attach_user_policy => attach(Kind::User);
    attach_group_policy => attach(Kind::Group);
    attach_role_policy => attach(Kind::Role);
    detach_user_policy => detach(Kind::User);
    detach_group_policy => detach(Kind::Group);
    detach_role_policy => detach(Kind::Role);
    list_attached_user_policies => list_attached(Kind::User);
    list_attached_group_policies => list_attached(Kind::Group);
    list_attached_role_policies => list_attached(Kind::Role);
    put_user_policy => put_inline(Kind::User);
    put_group_policy => put_inline(Kind::Group);
    put_role_policy => put_inline(Kind::Role);
    get_user_policy => get_inline(Kind::User);
    get_group_policy => get_inline(Kind::Group);
    get_role_policy => get_inline(Kind::Role);
    delete_user_policy => delete_inline(Kind::User);
    delete_group_policy => delete_inline(Kind::Group);
    delete_role_policy => delete_inline(Kind::Role);
    list_user_policies => list_inline(Kind::User);
    list_group_policies => list_inline(Kind::Group);
    list_role_policies => list_inline(Kind::Role);
    put_user_permissions_boundary => put_boundary(Kind::User);
    put_role_permissions_boundary => put_boundary(Kind::Role);
    delete_user_permissions_boundary => delete_boundary(Kind::User);
    delete_role_permissions_boundary => delete_boundary(Kind::Role);
}

const USER: Param = p("UserName", Shape::String, true, "the IAM user's name");
const USER_OPT: Param =
    p("UserName", Shape::String, false, "the IAM user's name (default: the caller; the root user when called as root)");
const GROUP: Param = p("GroupName", Shape::String, true, "the group's name");
pub(super) const ROLE: Param = p("RoleName", Shape::String, true, "the role's name");
const POLICY_ARN: Param = p("PolicyArn", Shape::String, true, "ARN of the managed policy");
const POLICY_NAME: Param = p("PolicyName", Shape::String, true, "name of the inline policy");
const POLICY_DOC: Param = p("PolicyDocument", Shape::Document, true, "the policy document (JSON or file://)");
pub(super) const PATH: Param = p("Path", Shape::String, false, "path, such as /division/ (default /)");
const PATH_PREFIX: Param = p("PathPrefix", Shape::String, false, "only entities whose path starts with this");
pub(super) const TAGS: Param = p("Tags", Shape::Tags, false, "tags: Key=k,Value=v ...");
const BOUNDARY: Param =
    p("PermissionsBoundary", Shape::String, false, "ARN of a managed policy to use as permissions boundary");
const BOUNDARY_REQ: Param =
    p("PermissionsBoundary", Shape::String, true, "ARN of the managed policy to use as permissions boundary");
const VERSION: Param = p("VersionId", Shape::String, true, "the version, such as v2");
const CONTEXT: Param = p(
    "ContextEntries",
    Shape::StructureList(&[]),
    false,
    "condition keys: ContextKeyName=k,ContextKeyValues=v,ContextKeyType=string ...",
);
const KEY_ID: Param = p("AccessKeyId", Shape::String, true, "the access key ID");

/// IAM's operations.
pub const OPERATIONS: &[Operation] = operations!(
    "iam",
    [
        ("CreateUser", create_user, "Creates an IAM user.", [PATH, USER, BOUNDARY, TAGS]),
        ("GetUser", get_user, "Describes a user (the caller when no name is given).", [USER_OPT]),
        ("ListUsers", list_users, "Lists the account's IAM users.", [PATH_PREFIX]),
        ("DeleteUser", delete_user, "Deletes a user that has no policies, keys, password, MFA or groups left.", [USER]),
        ("CreateGroup", create_group, "Creates a group.", [GROUP, PATH]),
        ("GetGroup", get_group, "Describes a group and lists its users.", [GROUP]),
        ("ListGroups", list_groups, "Lists the account's groups.", [PATH_PREFIX]),
        ("ListGroupsForUser", list_groups_for_user, "Lists the groups a user belongs to.", [USER]),
        ("DeleteGroup", delete_group, "Deletes an empty group without policies.", [GROUP]),
        ("AddUserToGroup", add_user_to_group, "Adds a user to a group.", [GROUP, USER]),
        ("RemoveUserFromGroup", remove_user_from_group, "Removes a user from a group.", [GROUP, USER]),
        ("CreateRole", create_role, "Creates a role with a trust policy.", [
            ROLE,
            PATH,
            p("AssumeRolePolicyDocument", Shape::Document, true, "the trust policy: who may assume the role"),
            p("Description", Shape::String, false, "a description"),
            p("MaxSessionDuration", Shape::Integer, false, "longest session in seconds, 3600-43200 (default 3600)"),
            BOUNDARY,
            TAGS,
        ]),
        ("GetRole", get_role, "Describes a role.", [ROLE]),
        ("ListRoles", list_roles, "Lists the account's roles.", [PATH_PREFIX]),
        ("DeleteRole", delete_role, "Deletes a role without policies.", [ROLE]),
        ("UpdateAssumeRolePolicy", update_assume_role_policy, "Replaces a role's trust policy.", [ROLE, POLICY_DOC]),
        ("CreatePolicy", create_policy, "Creates a customer managed policy.", [
            p("PolicyName", Shape::String, true, "the policy's name"),
            POLICY_DOC,
            PATH,
            p("Description", Shape::String, false, "a description"),
        ]),
        ("GetPolicy", get_policy, "Describes a managed policy.", [POLICY_ARN]),
        ("GetAccountAuthorizationDetails", get_account_authorization_details, "Lists every user, group, role and managed policy of the account with their policies (what an estate export holds).", [p("Filter", Shape::StringList, false, "only these entity types: User Role Group LocalManagedPolicy AWSManagedPolicy")]),
        ("ListPolicies", list_policies, "Lists managed policies.", [
            p("Scope", Shape::String, false, "All, AWS or Local (default All)"),
            p("OnlyAttached", Shape::Boolean, false, "only policies attached to something"),
            PATH_PREFIX,
        ]),
        ("DeletePolicy", delete_policy, "Deletes a customer managed policy that nothing uses.", [POLICY_ARN]),
        ("GetPolicyVersion", get_policy_version, "Shows one version of a managed policy with its document.", [POLICY_ARN, VERSION]),
        ("CreatePolicyVersion", create_policy_version, "Adds a version to a customer managed policy (at most 5).", [POLICY_ARN, POLICY_DOC, p("SetAsDefault", Shape::Boolean, false, "make it the default version"),]),
        ("ListPolicyVersions", list_policy_versions, "Lists a managed policy's versions.", [POLICY_ARN]),
        ("SetDefaultPolicyVersion", set_default_policy_version, "Chooses a managed policy's default version.", [POLICY_ARN, VERSION]),
        ("DeletePolicyVersion", delete_policy_version, "Deletes a version that is not the default.", [POLICY_ARN, VERSION]),
        ("AttachUserPolicy", attach_user_policy, "Attaches a managed policy to a user.", [USER, POLICY_ARN]),
        ("AttachGroupPolicy", attach_group_policy, "Attaches a managed policy to a group.", [GROUP, POLICY_ARN]),
        ("AttachRolePolicy", attach_role_policy, "Attaches a managed policy to a role.", [ROLE, POLICY_ARN]),
        ("DetachUserPolicy", detach_user_policy, "Detaches a managed policy from a user.", [USER, POLICY_ARN]),
        ("DetachGroupPolicy", detach_group_policy, "Detaches a managed policy from a group.", [GROUP, POLICY_ARN]),
        ("DetachRolePolicy", detach_role_policy, "Detaches a managed policy from a role.", [ROLE, POLICY_ARN]),
        ("ListAttachedUserPolicies", list_attached_user_policies, "Lists the managed policies attached to a user.", [USER]),
        ("ListAttachedGroupPolicies", list_attached_group_policies, "Lists the managed policies attached to a group.", [GROUP]),
        ("ListAttachedRolePolicies", list_attached_role_policies, "Lists the managed policies attached to a role.", [ROLE]),
        ("PutUserPolicy", put_user_policy, "Adds or replaces a user's inline policy.", [USER, POLICY_NAME, POLICY_DOC]),
        ("PutGroupPolicy", put_group_policy, "Adds or replaces a group's inline policy.", [GROUP, POLICY_NAME, POLICY_DOC]),
        ("PutRolePolicy", put_role_policy, "Adds or replaces a role's inline policy.", [ROLE, POLICY_NAME, POLICY_DOC]),
        ("GetUserPolicy", get_user_policy, "Shows a user's inline policy.", [USER, POLICY_NAME]),
        ("GetGroupPolicy", get_group_policy, "Shows a group's inline policy.", [GROUP, POLICY_NAME]),
        ("GetRolePolicy", get_role_policy, "Shows a role's inline policy.", [ROLE, POLICY_NAME]),
        ("DeleteUserPolicy", delete_user_policy, "Deletes a user's inline policy.", [USER, POLICY_NAME]),
        ("DeleteGroupPolicy", delete_group_policy, "Deletes a group's inline policy.", [GROUP, POLICY_NAME]),
        ("DeleteRolePolicy", delete_role_policy, "Deletes a role's inline policy.", [ROLE, POLICY_NAME]),
        ("ListUserPolicies", list_user_policies, "Lists a user's inline policy names.", [USER]),
        ("ListGroupPolicies", list_group_policies, "Lists a group's inline policy names.", [GROUP]),
        ("ListRolePolicies", list_role_policies, "Lists a role's inline policy names.", [ROLE]),
        ("PutUserPermissionsBoundary", put_user_permissions_boundary, "Sets a user's permissions boundary.", [USER, BOUNDARY_REQ]),
        ("PutRolePermissionsBoundary", put_role_permissions_boundary, "Sets a role's permissions boundary.", [ROLE, BOUNDARY_REQ]),
        ("DeleteUserPermissionsBoundary", delete_user_permissions_boundary, "Removes a user's permissions boundary.", [USER]),
        ("DeleteRolePermissionsBoundary", delete_role_permissions_boundary, "Removes a role's permissions boundary.", [ROLE]),
        ("CreateAccessKey", create_access_key, "Creates an access key (at most 2) for a user, or for the root user when root calls without a name.", [USER_OPT]),
        ("ListAccessKeys", list_access_keys, "Lists a user's access keys (root's when root calls without a name).", [USER_OPT]),
        ("UpdateAccessKey", update_access_key, "Activates or deactivates an access key.", [KEY_ID, p("Status", Shape::String, true, "Active or Inactive"), USER_OPT,]),
        ("DeleteAccessKey", delete_access_key, "Deletes an access key.", [KEY_ID, USER_OPT]),
        ("CreateLoginProfile", create_login_profile, "Gives a user a console password; in an AssumeRoot session without a name, allows the root user's password recovery.", [
            USER_OPT,
            p("Password", Shape::String, false, "the new password (omitted for the root user)"),
            p("PasswordResetRequired", Shape::Boolean, false, "must change it at next sign-in"),
        ]),
        ("GetLoginProfile", get_login_profile, "Tells whether a user (or, in an AssumeRoot session, the root user) has a console password.", [USER_OPT]),
        ("UpdateLoginProfile", update_login_profile, "Changes a user's console password.", [
            USER,
            p("Password", Shape::String, false, "the new password"),
            p("PasswordResetRequired", Shape::Boolean, false, "must change it at next sign-in"),
        ]),
        ("DeleteLoginProfile", delete_login_profile, "Removes a user's console password (the root user's, in an AssumeRoot session).", [USER_OPT]),
        ("SimulatePrincipalPolicy", simulate_principal_policy, "Simulates how the policies of a user, group or role decide a list of actions on resources.", [
            p("PolicySourceArn", Shape::String, true, "ARN of the user, group or role whose policies to simulate"),
            p("ActionNames", Shape::StringList, true, "actions, such as iam:CreateUser s3:GetObject"),
            p("ResourceArns", Shape::StringList, false, "resources (default *)"),
            p("PolicyInputList", Shape::StringList, false, "extra identity policies to include"),
            p(
                "PermissionsBoundaryPolicyInputList",
                Shape::StringList,
                false,
                "a permissions boundary to use instead of the entity's"
            ),
            p("ResourcePolicy", Shape::Document, false, "a resource-based policy to include"),
            p("ResourceOwner", Shape::String, false, "account ID (or its root ARN) that owns the resources"),
            p("CallerArn", Shape::String, false, "ignored for principal simulations; the source is the caller"),
            CONTEXT,
        ]),
        ("SimulateCustomPolicy", simulate_custom_policy, "Simulates how a list of policies decides a list of actions on resources.", [
            p("PolicyInputList", Shape::StringList, true, "the identity policies to simulate"),
            p("ActionNames", Shape::StringList, true, "actions, such as iam:CreateUser s3:GetObject"),
            p("ResourceArns", Shape::StringList, false, "resources (default *)"),
            p("PermissionsBoundaryPolicyInputList", Shape::StringList, false, "a permissions boundary"),
            p("ResourcePolicy", Shape::Document, false, "a resource-based policy to include"),
            p("ResourceOwner", Shape::String, false, "account ID (or its root ARN) that owns the resources"),
            p("CallerArn", Shape::String, false, "the principal to simulate (default: you)"),
            CONTEXT,
        ]),
    ]
);

#[cfg(test)]
mod tests {
    use crate::{Session, DEFAULT_SEED};

    /// A valid identity policy of about `chars` characters without white space: one statement
    /// per action, each allowing `iam:Get*` on a distinct user ARN.
    fn policy_of(chars: usize) -> String {
        let mut statements = Vec::new();
        let mut size = 40;
        let mut i = 0;
        while size < chars {
            let st = format!(r#"{{"Effect":"Allow","Action":"iam:Get*","Resource":"arn:aws:iam::*:user/u{i:05}"}}"#);
            size += st.len() + 1;
            statements.push(st);
            i += 1;
        }
        format!(r#"'{{"Version":"2012-10-17","Statement":[{}]}}'"#, statements.join(","))
    }

    #[test]
    fn one_inline_document_may_use_its_entitys_whole_quota() {
        let mut s = Session::demo(DEFAULT_SEED);
        let trust = r#"'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'"#;
        s.run(&format!("aws iam create-role --role-name Deployer --assume-role-policy-document {trust}")).expect_ok();
        // A role's inline policies may total 10,240 characters: one of 7,700 is valid, though
        // more than a managed policy's 6,144.
        let big = policy_of(7_700);
        s.run(&format!("aws iam put-role-policy --role-name Deployer --policy-name Big --policy-document {big}"))
            .expect_ok();
        let more = policy_of(3_000);
        s.run(&format!("aws iam put-role-policy --role-name Deployer --policy-name More --policy-document {more}"))
            .expect_error("LimitExceeded");
        // Replacing a document counts the new one instead of the old.
        let smaller = policy_of(7_000);
        s.run(&format!("aws iam put-role-policy --role-name Deployer --policy-name Big --policy-document {smaller}"))
            .expect_ok();
        // A user's quota is 2,048.
        s.run(&format!(
            "aws iam put-user-policy --user-name bob --policy-name Big --policy-document {}",
            policy_of(2_100)
        ))
        .expect_error("LimitExceeded");
        s.run(&format!(
            "aws iam put-user-policy --user-name bob --policy-name Ok --policy-document {}",
            policy_of(1_900)
        ))
        .expect_ok();
    }
}
