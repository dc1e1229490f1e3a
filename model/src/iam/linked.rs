//! Service-linked roles: `CreateServiceLinkedRole`, `DeleteServiceLinkedRole` and
//! `GetServiceLinkedRoleDeletionStatus`
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html>).
//!
//! A service-linked role lives under `/aws-service-role/SERVICE/`, is named by its service, is
//! trusted by that service alone and has the service's AWS managed policy attached. Customers
//! create and delete it here; editing its trust or policies is refused elsewhere.

use super::ops::{iam_mut, iam_of, role_json};
use super::{Attachments, Role};
use crate::auth::AuthRequest;
use crate::error::{AwsError, AwsResult};
use crate::iam::key;
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Shape};
use crate::world::principals::Unbound;
use rootsim_policy::{arn, Policy, PolicyKind};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Input = Map<String, Value>;

/// The services rootsim knows service-linked roles for: (service principal, role name, the AWS
/// managed policy under `aws-service-role/`, whether a custom suffix is allowed), from each
/// service's page in "AWS services that work with IAM"
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-services-that-work-with-iam.html>).
pub const SERVICES: &[(&str, &str, &str, bool)] = &[
    ("access-analyzer.amazonaws.com", "AWSServiceRoleForAccessAnalyzer", "AccessAnalyzerServiceRolePolicy", false),
    ("autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling", "AutoScalingServiceRolePolicy", true),
    ("cloudtrail.amazonaws.com", "AWSServiceRoleForCloudTrail", "CloudTrailServiceRolePolicy", false),
    ("config.amazonaws.com", "AWSServiceRoleForConfig", "AWSConfigServiceRolePolicy", false),
    (
        "elasticloadbalancing.amazonaws.com",
        "AWSServiceRoleForElasticLoadBalancing",
        "AWSElasticLoadBalancingServiceRolePolicy",
        false,
    ),
    ("guardduty.amazonaws.com", "AWSServiceRoleForAmazonGuardDuty", "AmazonGuardDutyServiceRolePolicy", false),
    ("organizations.amazonaws.com", "AWSServiceRoleForOrganizations", "AWSOrganizationsServiceTrustPolicy", false),
    ("sso.amazonaws.com", "AWSServiceRoleForSSO", "AWSSSOServiceRolePolicy", false),
    ("support.amazonaws.com", "AWSServiceRoleForSupport", "AWSSupportServiceRolePolicy", false),
    ("trustedadvisor.amazonaws.com", "AWSServiceRoleForTrustedAdvisor", "AWSTrustedAdvisorServiceRolePolicy", false),
];

fn create_service_linked_role(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let service = req_str(input, "AWSServiceName")?;
    let suffix = opt_str(input, "CustomSuffix");
    let description = opt_str(input, "Description");
    let Some(&(_, base, policy, suffix_ok)) = SERVICES.iter().find(|s| s.0 == service) else {
        return Err(AwsError::invalid_input(format!(
            "Unrecognized service principal {service}: rootsim knows the service-linked roles of {}.",
            SERVICES.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
        )));
    };
    let name = match suffix {
        Some(_) if !suffix_ok => {
            return Err(AwsError::invalid_input(format!("Custom suffix is not allowed for {base}")));
        }
        Some(s)
            if s.is_empty()
                || s.len() > 64
                || !s.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)) =>
        {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{s}' at 'customSuffix' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
            )));
        }
        Some(s) => format!("{base}_{s}"),
        None => base.to_string(),
    };
    let account = call.account();
    let path = format!("/aws-service-role/{service}/");
    let role_arn = arn::iam(&account, "role", &path, &name);
    let context = [("iam:AWSServiceName", service)];
    let request =
        AuthRequest::new(&call.caller, &call.region, "iam:CreateServiceLinkedRole", &role_arn).with_context(&context);
    let record = call.decide(&request);
    call.record_decision(record)?;
    if iam_of(call).role(&name).is_some() {
        return Err(AwsError::invalid_input(format!(
            "Service role name {name} has been taken in this account, please try a different suffix."
        )));
    }
    let role = new_service_linked_role(call, service, &name, &path, policy, description)?;
    let out = json!({ "Role": role_json(&account, &role, false) });
    iam_mut(call).roles.insert(key(&name), role);
    Ok(out)
}

/// The service-linked role `name` of `service` under `path`, trusted by the service alone and
/// with its AWS managed policy `policy` attached, not yet stored.
fn new_service_linked_role(
    call: &mut Call,
    service: &str,
    name: &str,
    path: &str,
    policy: &str,
    description: Option<&str>,
) -> AwsResult<Role> {
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":["{service}"]}},"Action":["sts:AssumeRole"]}}]}}"#
    );
    let trust_policy = Policy::parse(&trust, PolicyKind::Trust).map_err(crate::error::policy_error)?;
    Ok(Role {
        name: name.to_string(),
        path: path.to_string(),
        id: call.world.rng.unique_id("AROA"),
        created: call.now(),
        trust_policy,
        description: description.map(str::to_string),
        max_session_duration: 3600,
        policies: Attachments {
            inline: BTreeMap::new(),
            managed: vec![format!("arn:aws:iam::aws:policy/aws-service-role/{policy}")],
        },
        boundary: None,
        tags: BTreeMap::new(),
    })
}

/// Creates the default service-linked role of `service` (one of [`SERVICES`]) in the caller's
/// account, as a service does on the caller's behalf when it needs the role and it is missing
/// (Auto Scaling's `CreateAutoScalingGroup`): no authorization here, the calling service asks
/// `iam:CreateServiceLinkedRole` first. Answers the role's ARN; a role already there is kept.
pub(crate) fn ensure_service_linked_role(call: &mut Call, service: &str) -> AwsResult<String> {
    let Some(&(_, name, policy, _)) = SERVICES.iter().find(|s| s.0 == service) else {
        return Err(AwsError::invalid_input(format!("Unrecognized service principal {service}")));
    };
    let account = call.account();
    let path = format!("/aws-service-role/{service}/");
    let arn = arn::iam(&account, "role", &path, name);
    if iam_of(call).role(name).is_none() {
        let role = new_service_linked_role(call, service, name, &path, policy, None)?;
        iam_mut(call).roles.insert(key(name), role);
    }
    Ok(arn)
}

fn delete_service_linked_role(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "RoleName")?;
    crate::service::check_name("RoleName", name, 64)?;
    let account = call.account();
    let found = iam_of(call).role(name).map(|r| (r.path.clone(), r.name.clone(), r.id.clone()));
    let resource = match &found {
        Some((path, real, _)) => arn::iam(&account, "role", path, real),
        None => arn::iam(&account, "role", "/", name),
    };
    call.authorize("iam:DeleteServiceLinkedRole", &resource)?;
    let (path, real, id) = found.ok_or_else(|| AwsError::no_such_entity(format!("Role {name} not found")))?;
    let Some(service) = path.strip_prefix("/aws-service-role/").and_then(|s| s.strip_suffix('/')) else {
        return Err(AwsError::invalid_input(format!("Role {real} is not a service-linked role.")));
    };
    let task = format!("task/aws-service-role/{service}/{real}/{}", uuid(call));
    // A simulator assumption: no resource of the service uses the role, so deletion succeeds at once.
    call.world.unbind_principal(Unbound { account: &account, noun: "role", name: &real, unique_id: &id })?;
    let iam = iam_mut(call);
    let role_key = key(&real);
    iam.roles.remove(&role_key);
    // An instance profile that held the role holds nothing now: it must never name a role that no
    // longer exists (delete-role refuses while a profile holds the role; this deletion does not).
    for profile in iam.instance_profiles.values_mut().filter(|p| p.role.as_ref() == Some(&role_key)) {
        profile.role = None;
    }
    iam.deletion_tasks.insert(task.clone(), "SUCCEEDED".into());
    Ok(json!({ "DeletionTaskId": task }))
}

/// A version-4 UUID from the world's generator.
fn uuid(call: &mut Call) -> String {
    let h = call.world.rng.lower_hex(32);
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

fn get_service_linked_role_deletion_status(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let task = req_str(input, "DeletionTaskId")?;
    // task/aws-service-role/SERVICE/ROLE/UUID names the role it deletes.
    let parts: Vec<&str> = task.split('/').collect();
    if parts.len() != 5 || parts[0] != "task" || parts[1] != "aws-service-role" {
        return Err(AwsError::invalid_input(format!("Invalid deletion task ID: {task}")));
    }
    let account = call.account();
    let role_arn = arn::iam(&account, "role", &format!("/aws-service-role/{}/", parts[2]), parts[3]);
    call.authorize("iam:GetServiceLinkedRoleDeletionStatus", &role_arn)?;
    let status = iam_of(call)
        .deletion_tasks
        .get(task)
        .cloned()
        .ok_or_else(|| AwsError::no_such_entity(format!("Deletion task {task} not found")))?;
    Ok(json!({ "Status": status }))
}

/// The service-linked role operations.
pub const OPERATIONS: &[Operation] = operations!(
    "iam",
    [
        (
            "CreateServiceLinkedRole",
            create_service_linked_role,
            "Creates the service-linked role of an AWS service (trusted by the service, with its managed policy).",
            [
                p("AWSServiceName", Shape::String, true, "the service principal, such as autoscaling.amazonaws.com"),
                p("Description", Shape::String, false, "the role's description"),
                p("CustomSuffix", Shape::String, false, "a suffix for the role's name, where the service allows one"),
            ]
        ),
        (
            "DeleteServiceLinkedRole",
            delete_service_linked_role,
            "Deletes a service-linked role; answers a deletion task ID.",
            [p("RoleName", Shape::String, true, "the service-linked role's name"),]
        ),
        (
            "GetServiceLinkedRoleDeletionStatus",
            get_service_linked_role_deletion_status,
            "Shows the status of a service-linked role's deletion task.",
            [p("DeletionTaskId", Shape::String, true, "the task ID DeleteServiceLinkedRole answered"),]
        ),
    ]
);
