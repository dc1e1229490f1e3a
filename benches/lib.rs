//! Workloads shared by the benchmarks (and their sanity tests): the policies and requests that
//! `docs/performance.md` describes.

use rootsim_model::policy::{Context, NamedPolicy, Policy, PolicyKind, PolicySet, Principal, PrincipalKind, Request};

/// The account of the principal and the bucket in the workloads.
pub const ACCOUNT: &str = "111122223333";

/// A policy of `statements` statements, each with wildcards and two conditions.
pub fn managed_policy(n: usize, statements: usize) -> String {
    let stmts: Vec<String> = (0..statements)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{n}x{i}","Effect":"Allow","Action":["s3:Get*","s3:List*","sqs:Send*","kms:Decrypt","ec2:Describe{n}{i}*"],"Resource":["arn:aws:s3:::bucket-{n}-{i}/*","arn:aws:s3:::data-*/reports/*","arn:aws:sqs:us-east-1:{ACCOUNT}:queue-{i}-*"],"Condition":{{"StringEquals":{{"aws:PrincipalTag/team":["team-{i}","platform"]}},"IpAddress":{{"aws:SourceIp":["10.{n}.0.0/16","192.168.{i}.0/24"]}}}}}}"#
            )
        })
        .collect();
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, stmts.join(","))
}

/// Everything workload (b) evaluates: 10 managed policies of 10 statements, three SCP levels, an
/// RCP, a bucket policy and a boundary.
pub struct Heavy {
    /// The role's managed policies.
    pub identity: Vec<Policy>,
    /// SCPs, one per level (root, OU, account).
    pub scps: Vec<Policy>,
    /// The RCPs at the root: the AWS managed `RCPFullAWSAccess` (always attached) and a Deny.
    pub rcps: [Policy; 2],
    /// The bucket policy.
    pub bucket: Policy,
    /// The boundary.
    pub boundary: Policy,
    /// The caller.
    pub principal: Principal,
    /// The request context.
    pub context: Context,
}

impl Heavy {
    /// Builds workload (b).
    pub fn new() -> Heavy {
        let parse = |t: &str, k| Policy::parse(t, k).expect("benchmark policies are valid");
        let identity = (0..10).map(|n| parse(&managed_policy(n, 10), PolicyKind::Identity)).collect();
        let scp = |deny: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*"}},{{"Effect":"Deny","Action":["{deny}:*"],"Resource":"*","Condition":{{"StringNotEquals":{{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}}}}]}}"#
            )
        };
        let scps = ["ec2", "iam", "organizations"].iter().map(|s| parse(&scp(s), PolicyKind::Scp)).collect();
        let full = Policy::parse_with(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
            PolicyKind::Rcp,
            &rootsim_model::policy::ParseOptions { aws_managed: true, ..Default::default() },
        )
        .expect("RCPFullAWSAccess is valid");
        let rcp = parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-exampleorg1"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#,
            PolicyKind::Rcp,
        );
        let bucket = parse(
            &format!(r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data-lake","arn:aws:s3:::data-lake/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}},{{"Sid":"Team","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-lake/*"}}]}}"#),
            PolicyKind::Resource,
        );
        let boundary = parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","sqs:*","kms:Decrypt"],"Resource":"*"}]}"#,
            PolicyKind::Boundary,
        );
        let principal = Principal {
            kind: PrincipalKind::AssumedRole,
            arn: format!("arn:aws:sts::{ACCOUNT}:assumed-role/Analyst/s"),
            principal_arn: format!("arn:aws:iam::{ACCOUNT}:role/Analyst"),
            account: ACCOUNT.into(),
            service_linked_role: false,
        };
        let mut context = Context::new();
        context.insert("aws:PrincipalTag/team", "team-7");
        context.insert("aws:SourceIp", "192.168.7.20");
        context.insert("aws:RequestedRegion", "us-east-1");
        context.insert("aws:SecureTransport", "true");
        context.insert("aws:PrincipalOrgID", "o-exampleorg1");
        context.insert("aws:PrincipalIsAWSService", "false");
        context.insert("aws:PrincipalArn", principal.principal_arn.as_str());
        context.insert("aws:ResourceAccount", ACCOUNT);
        Heavy { identity, scps, rcps: [full, rcp], bucket, boundary, principal, context }
    }

    /// Evaluates one `s3:GetObject` on `arn:aws:s3:::data-lake/reports/q3.csv`.
    pub fn evaluate(&self) -> rootsim_model::policy::Decision {
        let names = ["p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"];
        let identity: Vec<NamedPolicy> =
            self.identity.iter().zip(names).map(|(p, name)| NamedPolicy { name, policy: p }).collect();
        let levels: Vec<[NamedPolicy; 1]> = self.scps.iter().map(|p| [NamedPolicy { name: "scp", policy: p }]).collect();
        let scps: Vec<&[NamedPolicy]> = levels.iter().map(|l| l.as_slice()).collect();
        let rcp = [NamedPolicy { name: "RCPFullAWSAccess", policy: &self.rcps[0] }, NamedPolicy { name: "rcp", policy: &self.rcps[1] }];
        let rcps: [&[NamedPolicy]; 1] = [&rcp];
        let set = PolicySet {
            scps: Some(&scps),
            rcps: Some(&rcps),
            resource: Some(NamedPolicy { name: "bucket", policy: &self.bucket }),
            resource_must_allow: false,
            identity: &identity,
            boundary: Some(NamedPolicy { name: "boundary", policy: &self.boundary }),
            session: &[],
            task: None,
        };
        let req = Request {
            principal: &self.principal,
            action: "s3:GetObject",
            resource: "arn:aws:s3:::data-lake/reports/q3.csv",
            resource_account: Some(ACCOUNT),
            context: &self.context,
        };
        rootsim_model::policy::evaluate(&req, &set)
    }
}

impl Default for Heavy {
    fn default() -> Self {
        Self::new()
    }
}

/// `n` eval requests (JSON lines) that share three identity policies and two SCP documents.
pub fn eval_requests(n: usize) -> String {
    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::data-*/*"}]}"#;
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoSecrets","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::data-*/secret/*"}]}"#;
    let cond = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}"#;
    let full = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let mut out = String::with_capacity(n * 700);
    for i in 0..n {
        let (action, resource) = match i % 4 {
            0 => ("s3:GetObject", format!("arn:aws:s3:::data-{}/public/{i}.csv", i % 50)),
            1 => ("s3:GetObject", format!("arn:aws:s3:::data-{}/secret/{i}.csv", i % 50)),
            2 => ("sqs:SendMessage", format!("arn:aws:sqs:us-east-1:{ACCOUNT}:q{}", i % 10)),
            _ => ("s3:PutObject", format!("arn:aws:s3:::data-{}/x", i % 50)),
        };
        out.push_str(&format!(
            r#"{{"id":{i},"principal":"arn:aws:iam::{ACCOUNT}:user/u{}","action":"{action}","resource":"{resource}","resourceAccount":"{ACCOUNT}","context":{{"aws:PrincipalTag/team":"blue"}},"identityPolicies":[{allow},{deny},{cond}],"scps":[[{full}],[{full}]]}}"#,
            i % 100
        ));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heavy_workload_is_allowed_through_every_layer() {
        let d = Heavy::new().evaluate();
        assert!(d.is_allowed(), "{d:?}");
    }

    #[test]
    fn eval_requests_get_the_expected_mix_of_answers() {
        let mut out = String::new();
        let errors = rootsim_model::eval::Evaluator::new().run(&eval_requests(8), &mut out);
        assert_eq!(errors, 0, "{out}");
        let decisions: Vec<String> = out
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["decision"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(decisions[..4], ["Allowed", "ExplicitlyDenied", "Allowed", "ImplicitlyDenied"]);
    }
}
