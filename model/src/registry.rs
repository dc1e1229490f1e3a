//! The table of every modelled AWS operation, gathered from the service modules.
//!
//! The command layer, `help` and tab completion all read this one table.

use crate::service::Operation;

/// Every service's operations.
const TABLES: &[&[Operation]] = &[
    crate::accessanalyzer::ops::OPERATIONS,
    crate::account::ops::OPERATIONS,
    crate::autoscaling::ops::OPERATIONS,
    crate::cloudformation::ops::OPERATIONS,
    crate::cloudtrail::ops::OPERATIONS,
    crate::ec2::ops::OPERATIONS,
    crate::ec2_instance_connect::ops::OPERATIONS,
    crate::codebuild::ops::OPERATIONS,
    crate::events::ops::OPERATIONS,
    crate::glue::ops::OPERATIONS,
    crate::iam::ops::OPERATIONS,
    crate::iam::account::OPERATIONS,
    crate::iam::report::OPERATIONS,
    crate::iam::tags::OPERATIONS,
    crate::iam::instance_profiles::OPERATIONS,
    crate::iam::policy_info::OPERATIONS,
    crate::iam::linked::OPERATIONS,
    crate::iam::credentials::OPERATIONS,
    crate::iam::org_features::OPERATIONS,
    crate::kms::ops::OPERATIONS,
    crate::lambda::ops::OPERATIONS,
    crate::organizations::ops::OPERATIONS,
    crate::s3::ops::OPERATIONS,
    crate::s3::control::OPERATIONS,
    crate::sagemaker::ops::OPERATIONS,
    crate::sns::ops::OPERATIONS,
    crate::sqs::ops::OPERATIONS,
    crate::ssm::ops::OPERATIONS,
    crate::sts::ops::OPERATIONS,
];

/// The CLI names of the modelled services, sorted.
pub fn services() -> Vec<&'static str> {
    let mut s: Vec<&str> = TABLES.iter().filter_map(|t| t.first().map(|o| o.service)).collect();
    s.sort_unstable();
    s.dedup();
    s
}

/// The operations of `service`, in table order.
pub fn operations(service: &str) -> impl Iterator<Item = &'static Operation> + '_ {
    TABLES.iter().flat_map(|t| t.iter()).filter(move |o| o.service == service)
}

/// The operation `cli_name` (e.g. `create-user`) of `service`.
pub fn find(service: &str, cli_name: &str) -> Option<&'static Operation> {
    operations(service).find(|o| o.cli_name() == cli_name)
}

/// Every operation.
pub fn all() -> impl Iterator<Item = &'static Operation> {
    TABLES.iter().flat_map(|t| t.iter())
}

/// The services with one global endpoint in US East (N. Virginia): every call to them is made in
/// `us-east-1`, whatever `--region` says, for `aws:RequestedRegion`, SCPs and the event's
/// `awsRegion` alike. IAM's is documented
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-requested-region.html>),
/// and the same page names Organizations among the global services; Account Management's one
/// endpoint is `account.us-east-1.amazonaws.com`. STS is not among them: the AWS CLI v2 calls
/// STS's Regional endpoints, so its calls are made in the Region asked for.
pub const GLOBAL_SERVICES: &[&str] = &["iam", "organizations", "account"];

/// STS's global endpoint, hosted in US East (N. Virginia): a call sent there with
/// `--endpoint-url` is made in `us-east-1` whatever `--region` says
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html>).
pub const STS_GLOBAL_ENDPOINT: &str = "https://sts.amazonaws.com";

/// The Region a call to `service` is made in: `us-east-1` for a global service
/// ([`GLOBAL_SERVICES`]) and for STS's global endpoint (`endpoint`, the `--endpoint-url`),
/// otherwise the Region asked for (`--region`), `us-east-1` by default.
pub fn call_region(service: &str, requested: Option<&str>, endpoint: Option<&str>) -> String {
    let sts_global = service == "sts" && endpoint.is_some_and(|e| e.trim_end_matches('/') == STS_GLOBAL_ENDPOINT);
    match requested {
        Some(region) if !GLOBAL_SERVICES.contains(&service) && !sts_global => region.to_string(),
        _ => "us-east-1".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn global_services_are_called_in_us_east_1_whatever_the_region() {
        for service in super::GLOBAL_SERVICES {
            assert!(super::services().contains(service), "{service} is a modelled service");
            assert_eq!(super::call_region(service, Some("eu-west-1"), None), "us-east-1");
        }
        assert_eq!(super::call_region("sts", Some("eu-west-1"), None), "eu-west-1");
        assert_eq!(
            super::call_region("sts", Some("eu-west-1"), Some("https://sts.eu-west-1.amazonaws.com")),
            "eu-west-1"
        );
        assert_eq!(super::call_region("sts", Some("eu-west-1"), Some("https://sts.amazonaws.com/")), "us-east-1");
        assert_eq!(super::call_region("s3", None, None), "us-east-1");
    }
}
