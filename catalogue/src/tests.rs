//! The embedded data decodes whole, and lookups answer what AWS's reference says (facts checked
//! against the Service Authorization Reference pages named in each test).

use super::*;

#[test]
fn every_service_and_every_policy_decodes() {
    let names: Vec<_> = service_names().collect();
    assert!(names.len() > 400, "{} services", names.len());
    assert_eq!(services().count(), names.len(), "a service failed to decode");
    let actions: usize = services().map(|s| s.actions.len()).sum();
    assert!(actions > 15_000, "{actions} actions");
    let policies = managed_policies();
    assert!(policies.len() > 1_000, "{} policies", policies.len());
    for p in policies {
        let doc = p.document().unwrap_or_else(|| panic!("{} does not decode", p.name));
        assert!(doc.starts_with('{'), "{}: {doc}", p.name);
        assert!(p.path.starts_with('/') && p.path.ends_with('/'), "{}: {}", p.name, p.path);
        assert!(p.version_id.starts_with('v'), "{}: {}", p.name, p.version_id);
    }
    let sorted = policies.windows(2).all(|w| w[0].name < w[1].name);
    assert!(sorted, "the policy index must be sorted for binary search");
}

#[test]
fn actions_are_found_case_insensitively() {
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
    let gci = action("sts:getcalleridentity").expect("sts:GetCallerIdentity");
    assert_eq!(gci.name, "GetCallerIdentity");
    assert_eq!(gci.full_name(), "sts:GetCallerIdentity");
    assert!(gci.takes_no_resource());
    let assume = action("STS:AssumeRole").expect("sts:AssumeRole");
    assert_eq!(assume.access_level(), AccessLevel::Write);
    assert_eq!(assume.resource_types[0].name, "role");
    assert!(assume.condition_keys.iter().any(|k| k == "sts:ExternalId"));
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
    assert_eq!(takes_no_resource("kms:ListKeys"), Some(true));
    assert_eq!(takes_no_resource("kms:Decrypt"), Some(false));
    let create_alias = action("kms:CreateAlias").unwrap();
    let types: Vec<_> = create_alias.resource_types.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(types, ["alias", "key"]);
    assert_eq!(action("iam:PutRolePolicy").unwrap().access_level(), AccessLevel::PermissionsManagement);
    assert_eq!(action("s3:ListAllMyBuckets").unwrap().access_level(), AccessLevel::List);
    assert!(action("s3:NoSuchAction").is_none());
    assert!(action("nosuchservice:Get").is_none());
    assert!(action("s3").is_none());
    assert!(action("s3:Get:Object").is_none());
}

#[test]
fn resource_types_carry_arn_formats() {
    let s3 = service("S3").expect("s3");
    assert_eq!(s3.name, "Amazon S3");
    assert_eq!(s3.resource_type("bucket").unwrap().arn_format, "arn:${Partition}:s3:::${BucketName}");
    let iam = service("iam").unwrap();
    assert_eq!(
        iam.resource_type("role").unwrap().arn_format,
        "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
    );
    assert!(service("sts").unwrap().rcp_supported);
    assert!(!service("iam").unwrap().rcp_supported);
    for prefix in ["s3", "SQS", "sts", "kms", "secretsmanager", "logs", "dynamodb", "ecr", "events"] {
        assert!(rcp_supported(prefix), "{prefix}");
    }
    for prefix in ["iam", "organizations", "sns", "cloudtrail", "nosuch", ""] {
        assert!(!rcp_supported(prefix), "{prefix}");
    }
}

#[test]
fn expansion_lists_what_a_wildcard_covers() {
    let gets = expand("s3:Get*");
    assert!(gets.len() > 40, "{gets:?}");
    assert!(gets.iter().all(|a| a.starts_with("s3:Get")));
    assert!(gets.iter().any(|a| a == "s3:GetObject"));
    assert_eq!(expand("sts:GetCallerIdentity"), ["sts:GetCallerIdentity"]);
    assert_eq!(expand("sts:getcalleridentity"), ["sts:GetCallerIdentity"]);
    assert_eq!(expand("iam:?etUser"), ["iam:GetUser"]);
    assert!(expand("s3:NoSuch*").is_empty());
    assert!(expand("nonsense").is_empty());
    let sts = service("sts").unwrap().actions.len();
    assert_eq!(expand("sts:*").len(), sts);
    assert_eq!(expand("*").len(), services().map(|s| s.actions.len()).sum::<usize>());
}

#[test]
fn condition_keys_are_known_by_service_global_list_and_other_prefixes() {
    assert!(is_known_condition_key("aws:SourceIp"));
    assert!(is_known_condition_key("aws:PrincipalTag/team"));
    assert!(is_known_condition_key("s3:prefix"));
    assert!(is_known_condition_key("S3:Prefix"));
    assert!(is_known_condition_key("sts:ExternalId"));
    assert!(is_known_condition_key("saml:sub"));
    assert!(is_known_condition_key("iam:PassedToService"));
    assert!(is_known_condition_key("s3:ExistingObjectTag/owner"));
    assert!(!is_known_condition_key("aws:SourceIpp"));
    assert!(!is_known_condition_key("s3:NoSuchKey"));
    assert!(!is_known_condition_key("nosuchservice:Key"));
    assert!(!is_known_condition_key("nokey"));
}

#[test]
fn no_permission_actions_are_catalogue_actions() {
    assert!(needs_no_permission("sts:GetCallerIdentity"));
    assert!(needs_no_permission("STS:getcalleridentity"));
    assert!(needs_no_permission("sts:GetSessionToken"));
    assert!(!needs_no_permission("sts:AssumeRole"));
    assert!(!needs_no_permission("sts:GetCallerIdentityX"));
    for (name, _) in NO_PERMISSION_ACTIONS {
        assert!(action(name).is_some(), "{name}");
    }
}

#[test]
fn managed_policies_by_name_and_arn() {
    // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
    let admin = managed_policy("AdministratorAccess").unwrap();
    assert_eq!(admin.arn(), "arn:aws:iam::aws:policy/AdministratorAccess");
    assert_eq!(admin.path, "/");
    assert_eq!(admin.version_id, "v1");
    assert_eq!(admin.created, "2015-02-06T18:39:46.000Z");
    assert_eq!(
        admin.document(),
        Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
    );
    let view = managed_policy_by_arn("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess").unwrap();
    assert_eq!(view.name, "ViewOnlyAccess");
    assert!(managed_policy_by_arn("arn:aws:iam::aws:policy/ViewOnlyAccess").is_none(), "wrong path");
    assert!(managed_policy_by_arn("arn:aws:iam::123456789012:policy/AdministratorAccess").is_none());
    assert!(managed_policy("administratoraccess").is_none());
    assert!(managed_policy_by_arn("arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy").is_some());
}

#[test]
fn the_source_names_its_packages() {
    let source: serde_json::Value = serde_json::from_str(source()).unwrap();
    assert_eq!(source["service_reference"]["license"], "MIT");
    assert_eq!(source["managed_policies"]["license"], "MIT");
    assert_eq!(source["managed_policies"]["policies"].as_u64(), Some(managed_policies().len() as u64));
}
