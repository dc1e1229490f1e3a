//! What belongs to AWS inside a customer's IAM: AWS managed policies (`arn:aws:iam::aws:policy/...`),
//! service-linked roles (path `/aws-service-role/`) and the roles AWS services create under
//! `/aws-reserved/` (IAM Identity Center's `AWSReservedSSO_...`). Customers may read and use them,
//! never change them: the handlers refuse with AWS's errors, and the authorizer denies such a
//! request in any decision asked without an operation (`who-can`, `World::decide`), so that both
//! agree.

use rootsim_catalogue::AccessLevel;

/// The actions on a role that AWS refuses on protected roles with `UnmodifiableEntity`: the role's
/// trust, its policies, its boundary, its settings and its deletion. A service-linked role's
/// description is the exception ([`SERVICE_LINKED_ROLE_EDITABLE`]).
pub const PROTECTED_ROLE_ACTIONS: &[&str] = &[
    "iam:DeleteRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
];

/// The path prefix of service-linked roles, which only `CreateServiceLinkedRole` may create under:
/// `CreateRole` with it answers `InvalidInput`, "Path prefix '/aws-service-role/' can only be used
/// for AWS Service linked Roles" (rule IAM-CREATE-ROLE-SERVICE-PATH).
pub const SERVICE_ROLE_PATH: &str = "/aws-service-role/";

/// The actions of [`PROTECTED_ROLE_ACTIONS`] a customer may still take on a service-linked role:
/// IAM's "Update a service-linked role" page lets anyone edit its description ("You can edit the
/// description of any role", with `update-role --description` or the API), never its name, trust
/// or permissions. `/aws-reserved/` roles get no such exception.
pub const SERVICE_LINKED_ROLE_EDITABLE: &[&str] = &["iam:UpdateRole", "iam:UpdateRoleDescription"];

/// Whether AWS refuses `action` on a role whose ARN or path marks it as AWS's: one of
/// [`PROTECTED_ROLE_ACTIONS`], less [`SERVICE_LINKED_ROLE_EDITABLE`] on a service-linked role.
/// `service_linked` says which kind of protected role it is (`/aws-service-role/` rather than
/// `/aws-reserved/`).
pub fn is_protected_role_action(action: &str, service_linked: bool) -> bool {
    let named = |list: &[&str]| list.iter().any(|a| a.eq_ignore_ascii_case(action));
    named(PROTECTED_ROLE_ACTIONS) && !(service_linked && named(SERVICE_LINKED_ROLE_EDITABLE))
}

/// Whether a role's path makes it AWS's to change: a service-linked role or an `/aws-reserved/` one.
pub fn is_protected_role_path(path: &str) -> bool {
    path.starts_with("/aws-service-role/") || path.starts_with("/aws-reserved/")
}

/// AWS's error for a change to a protected role.
pub fn protected_role_error(name: &str) -> crate::error::AwsError {
    crate::error::AwsError::unmodifiable(format!(
        "Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"
    ))
}

/// Whether `action` on `resource` would change something AWS owns: a write, permissions-management
/// or tagging IAM action (the catalogue's access level) on an AWS managed policy, or an action
/// [`is_protected_role_action`] refuses on a protected role's ARN. Cheap for every other request: a prefix
/// test on the action and two substring tests on the resource, the catalogue consulted only when
/// the resource is AWS's.
pub fn is_change_to_aws_owned(action: &str, resource: &str) -> bool {
    if !action.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("iam:")) {
        return false;
    }
    if resource.starts_with(rootsim_catalogue::AWS_MANAGED_POLICY_PREFIX) {
        // An action the catalogue does not know is taken as a change (fail closed).
        return rootsim_catalogue::action(action)
            .is_none_or(|a| !matches!(a.access_level(), AccessLevel::Read | AccessLevel::List));
    }
    let service_linked = resource.contains(":role/aws-service-role/");
    let protected_role = resource.starts_with("arn:") && (service_linked || resource.contains(":role/aws-reserved/"));
    protected_role && is_protected_role_action(action, service_linked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_to_aws_owned_things_are_recognised() {
        let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
        assert!(is_change_to_aws_owned("iam:CreatePolicyVersion", admin));
        assert!(is_change_to_aws_owned("iam:DeletePolicy", admin));
        assert!(is_change_to_aws_owned("IAM:createpolicy", admin));
        assert!(!is_change_to_aws_owned("iam:GetPolicy", admin));
        assert!(!is_change_to_aws_owned("iam:GetPolicyVersion", admin));
        assert!(!is_change_to_aws_owned("iam:ListPolicyVersions", admin));
        let slr = "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport";
        assert!(is_change_to_aws_owned("iam:UpdateAssumeRolePolicy", slr));
        assert!(is_change_to_aws_owned("iam:AttachRolePolicy", slr));
        assert!(!is_change_to_aws_owned("iam:GetRole", slr));
        // A service-linked role's description is the customer's to edit; an /aws-reserved/ one's is not.
        assert!(!is_change_to_aws_owned("iam:UpdateRoleDescription", slr));
        assert!(!is_change_to_aws_owned("iam:UpdateRole", slr));
        assert!(is_change_to_aws_owned("iam:DeleteRole", slr));
        let sso = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef";
        assert!(is_change_to_aws_owned("iam:PutRolePolicy", sso));
        assert!(!is_change_to_aws_owned("sts:AssumeRole", sso));
        assert!(is_change_to_aws_owned("iam:UpdateRoleDescription", sso));
        assert!(!is_change_to_aws_owned("iam:PutRolePolicy", "arn:aws:iam::111122223333:role/Admin"));
        assert!(!is_change_to_aws_owned("s3:PutObject", admin));
        assert!(!is_change_to_aws_owned("i", admin));
    }
}
