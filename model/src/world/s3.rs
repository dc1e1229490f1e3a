//! What S3 asks of the whole world: a bucket's policy as decisions see it, and the principals a
//! bucket policy may name (which live in IAM).

use super::{ResourcePolicy, World};
use crate::error::AwsResult;
use rootsim_policy::Policy;

/// A bucket's owner account and its bucket policy, named as decisions name it (`on bucket NAME`):
/// what a request on the bucket or its objects is decided with. `None` when there is no such
/// bucket. Bucket operations and [`World::decide`] both use it.
pub fn bucket_policy_of(world: &World, bucket: &str) -> Option<ResourcePolicy> {
    world.s3.bucket_policy(bucket)
}

/// Parses a bucket policy as S3 checks it: valid JSON starting with `{`, a valid resource-based
/// policy, S3 actions only, resources of this bucket only, and principals that exist
/// ([`crate::s3::parse_bucket_policy_with`]).
pub fn parse_bucket_policy(world: &World, bucket: &str, text: &str) -> AwsResult<Policy> {
    crate::s3::parse_bucket_policy_with(bucket, text, |p| principal_exists(world, p))
}

/// S3 resolves `AWS` principals when the policy is written: an account ID or ARN of an account,
/// user or role that does not exist is refused.
fn principal_exists(world: &World, p: &str) -> bool {
    if p == "*" {
        return true;
    }
    let account = if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
        p
    } else {
        match rootsim_policy::arn::account_of(p) {
            Some(a) => a,
            None => return false,
        }
    };
    let Some(iam) = world.iam.account(account) else { return false };
    let resource = rootsim_policy::arn::Arn::parse(p).map_or("root", |a| a.resource);
    match resource.split_once('/') {
        Some(("user", rest)) => iam.users.contains_key(&crate::iam::key(rest.rsplit('/').next().unwrap_or(rest))),
        Some(("role", rest)) => iam.roles.contains_key(&crate::iam::key(rest.rsplit('/').next().unwrap_or(rest))),
        _ => true,
    }
}
