//! Workloads shared by the benchmarks (and their sanity tests): the policies and requests that
//! `docs/performance.md` describes.

use rootsim_policy::{Context, NamedPolicy, Policy, PolicyKind, PolicySet, Principal, PrincipalKind, Request};

/// The account of the principal and the bucket in the workloads.
pub const ACCOUNT: &str = "111122223333";

/// Services the workload's statements are spread over, as in real managed policies.
const SERVICES: [&str; 10] = ["s3", "sqs", "sns", "dynamodb", "lambda", "kms", "logs", "ec2", "ssm", "secretsmanager"];

/// Policy `n` of the workload: `statements` statements, each about one service, with wildcards in
/// actions and resources and two conditions (a principal tag and a source address).
pub fn managed_policy(n: usize, statements: usize) -> String {
    let stmts: Vec<String> = (0..statements)
        .map(|i| {
            let svc = SERVICES[(n + i) % SERVICES.len()];
            let other = SERVICES[(n + 2 * i + 1) % SERVICES.len()];
            let resources = if svc == "s3" {
                // Half of the S3 statements cover the bucket the request reads.
                let bucket = if n.is_multiple_of(2) { "data-*" } else { "archive-*" };
                format!(r#""arn:aws:s3:::{bucket}/reports/*","arn:aws:s3:::{bucket}/team-{i}/*""#)
            } else {
                format!(r#""arn:aws:{svc}:us-east-1:{ACCOUNT}:{svc}-{n}-{i}-*","arn:aws:{svc}:*:{ACCOUNT}:shared-*""#)
            };
            format!(
                r#"{{"Sid":"S{n}x{i}","Effect":"Allow","Action":["{svc}:Get*","{svc}:List*","{svc}:Describe*","{other}:Put{i}*","{svc}:*Tag*"],"Resource":[{resources}],"Condition":{{"StringEquals":{{"aws:PrincipalTag/team":["team-{n}","platform"]}},"IpAddress":{{"aws:SourceIp":["10.{n}.0.0/16","192.168.{i}.0/24"]}}}}}}"#
            )
        })
        .collect();
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, stmts.join(","))
}

/// Workload (a): one identity policy with one statement, and an allowed request.
pub struct OneStatement {
    /// The identity policy.
    pub policy: Policy,
    /// The caller.
    pub principal: Principal,
    /// The (empty) request context.
    pub context: Context,
}

impl OneStatement {
    /// Builds workload (a).
    pub fn new() -> OneStatement {
        let policy = Policy::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}"#,
            PolicyKind::Identity,
        )
        .expect("valid");
        let principal = Principal {
            kind: PrincipalKind::User,
            arn: format!("arn:aws:iam::{ACCOUNT}:user/bob"),
            principal_arn: format!("arn:aws:iam::{ACCOUNT}:user/bob"),
            account: ACCOUNT.into(),
            service_linked_role: false,
        };
        OneStatement { policy, principal, context: Context::new() }
    }

    /// Evaluates `s3:GetObject` on `arn:aws:s3:::bucket/key.txt`.
    pub fn evaluate(&self) -> rootsim_policy::Decision<'_> {
        get_object(&self.policy, &self.principal, "arn:aws:s3:::bucket/key.txt", &self.context)
    }
}

impl Default for OneStatement {
    fn default() -> Self {
        Self::new()
    }
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
            &rootsim_policy::ParseOptions { aws_managed: true, ..Default::default() },
        )
        .expect("RCPFullAWSAccess is valid");
        let rcp = parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-exampleorg1"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#,
            PolicyKind::Rcp,
        );
        let bucket = parse(
            &format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data-lake","arn:aws:s3:::data-lake/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}},{{"Sid":"Team","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-lake/*"}}]}}"#
            ),
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
        context.insert("aws:PrincipalTag/team", "team-6");
        context.insert("aws:SourceIp", "192.168.4.20");
        context.insert("aws:RequestedRegion", "us-east-1");
        context.insert("aws:SecureTransport", "true");
        context.insert("aws:PrincipalOrgID", "o-exampleorg1");
        context.insert("aws:PrincipalIsAWSService", "false");
        context.insert("aws:PrincipalArn", principal.principal_arn.as_str());
        context.insert("aws:ResourceAccount", ACCOUNT);
        Heavy { identity, scps, rcps: [full, rcp], bucket, boundary, principal, context }
    }

    /// Evaluates one `s3:GetObject` on `arn:aws:s3:::data-lake/reports/q3.csv`.
    pub fn evaluate(&self) -> rootsim_policy::Decision<'_> {
        let names = ["p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"];
        // Arrays, not vectors: the workload measures the engine, and allocating three vectors per
        // request cost about 600 instructions of the harness's own.
        let identity: [NamedPolicy; 10] =
            std::array::from_fn(|i| NamedPolicy { name: names[i], policy: &self.identity[i] });
        let levels: [[NamedPolicy; 1]; 3] =
            std::array::from_fn(|i| [NamedPolicy { name: "scp", policy: &self.scps[i] }]);
        let scps: [&[NamedPolicy]; 3] = [&levels[0], &levels[1], &levels[2]];
        let rcp = [
            NamedPolicy { name: "RCPFullAWSAccess", policy: &self.rcps[0] },
            NamedPolicy { name: "rcp", policy: &self.rcps[1] },
        ];
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
        rootsim_policy::evaluate(&req, &set)
    }
}

impl Default for Heavy {
    fn default() -> Self {
        Self::new()
    }
}

/// `n` eval requests (JSON lines) that share three identity policies and two SCP documents,
/// repeated inline in every request.
pub fn eval_requests(n: usize) -> String {
    eval_stream(n, false)
}

/// The same `n` requests, with the shared documents defined once and referenced by name.
pub fn eval_requests_by_reference(n: usize) -> String {
    eval_stream(n, true)
}

fn eval_stream(n: usize, by_reference: bool) -> String {
    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::data-*/*"}]}"#;
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoSecrets","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::data-*/secret/*"}]}"#;
    let cond = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}"#;
    let full = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let mut out = String::with_capacity(n * 700);
    let (allow, deny, cond, full) = if by_reference {
        out.push_str(&format!(r#"{{"define":{{"Allow":{allow},"Deny":{deny},"Cond":{cond},"Full":{full}}}}}"#));
        out.push('\n');
        (r#""@Allow""#, r#""@Deny""#, r#""@Cond""#, r#""@Full""#)
    } else {
        (allow, deny, cond, full)
    };
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

/// Workload (d): one identity policy whose `Resource` is a hostile wildcard pattern, and a
/// request for a 10 KB resource that the pattern almost matches everywhere (issue 18, item 12:
/// such a request took 24 s when matching cost pattern length × resource length).
pub struct Hostile {
    /// The identity policy (read without the size quota).
    pub policy: Policy,
    /// The caller.
    pub principal: Principal,
    /// The resource asked for.
    pub resource: String,
    /// The (empty) request context.
    pub context: Context,
}

impl Hostile {
    /// The hostile resource patterns measured, by name: a middle segment of 5,000 `a`s then `b`;
    /// 2,500 `*a` then `*b` at the end (the classic `*a*a*…*b`); the same with a trailing `*` so
    /// that every segment is searched; and a middle segment of `a?` pairs (a segment with `?`
    /// is searched bit-parallel, not by the linear substring search).
    pub fn cases() -> [(&'static str, String); 4] {
        [
            ("middle_segment", format!("*{}b*", "a".repeat(5000))),
            ("many_stars_then_b", format!("{}*b", "*a".repeat(2500))),
            ("many_stars_b_star", format!("{}*b*", "*a".repeat(2500))),
            ("question_marks", format!("*{}b*", "a?".repeat(2500))),
        ]
    }

    /// Builds the workload for one resource-part pattern (after `arn:aws:s3:::`).
    pub fn new(pattern: &str) -> Hostile {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{pattern}"}}]}}"#
        );
        let opts = rootsim_policy::ParseOptions { max_size: Some(0), ..Default::default() };
        let policy = Policy::parse_with(&text, PolicyKind::Identity, &opts).expect("valid");
        let principal = OneStatement::new().principal;
        Hostile { policy, principal, resource: format!("arn:aws:s3:::{}", "a".repeat(10_000)), context: Context::new() }
    }

    /// Evaluates `s3:GetObject` on the 10 KB resource (implicitly denied: no pattern matches).
    pub fn evaluate(&self) -> rootsim_policy::Decision<'_> {
        get_object(&self.policy, &self.principal, &self.resource, &self.context)
    }
}

/// `principal`'s `s3:GetObject` on `resource`, decided by `policy` as its one identity policy:
/// workloads (a) and (d).
fn get_object<'a>(
    policy: &'a Policy,
    principal: &'a Principal,
    resource: &'a str,
    context: &'a Context,
) -> rootsim_policy::Decision<'a> {
    let identity = [NamedPolicy { name: "p", policy }];
    let set = PolicySet { identity: &identity, ..PolicySet::default() };
    let req = Request { principal, action: "s3:GetObject", resource, resource_account: Some(ACCOUNT), context };
    rootsim_policy::evaluate(&req, &set)
}

/// Peak resident memory of this process so far, from the kernel (`VmHWM` of `/proc/self/status`;
/// `?` where there is none): what the scale examples print beside each figure.
pub fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l[6..].trim().to_string()))
        .unwrap_or_else(|| "?".into())
}

/// The CPU time this process has used so far, user and system together, in seconds
/// (`/proc/self/stat`, in clock ticks of 10 ms): beside the wall clock, the figure that other
/// builds on the shared machine disturb least. `None` where `/proc` cannot tell.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces): utime and
    // stime are the 12th and 13th of them.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The one-minute load average (`/proc/loadavg`), printed with each figure because the machine is
/// shared and wall-clock figures depend on it.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split(' ').next().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_patterns_match_nothing_in_the_long_resource() {
        for (name, pattern) in Hostile::cases() {
            assert!(!Hostile::new(&pattern).evaluate().is_allowed(), "{name}");
        }
        // ... and the policy does allow what its pattern matches.
        let w = Hostile::new(&Hostile::cases()[0].1);
        let fits = Hostile { resource: format!("arn:aws:s3:::x{}by", "a".repeat(5000)), ..w };
        assert!(fits.evaluate().is_allowed());
    }

    #[test]
    fn the_heavy_workload_is_allowed_through_every_layer() {
        let heavy = Heavy::new();
        let d = heavy.evaluate();
        assert!(d.is_allowed(), "{d:?}");
    }

    #[test]
    fn referenced_and_inline_streams_get_the_same_answers() {
        let run = |input: String| {
            let mut out = Vec::new();
            assert_eq!(rootsim_policy::request::Evaluator::new().run(&input, &mut out), 0);
            String::from_utf8(out).unwrap()
        };
        let inline = run(eval_requests(40));
        let referenced = run(eval_requests_by_reference(40));
        assert_eq!(inline.lines().count(), 40);
        // Policy names are positions, not documents, so the answers are the same byte for byte.
        assert_eq!(inline, referenced);
    }

    #[test]
    fn eval_requests_get_the_expected_mix_of_answers() {
        let mut out = Vec::new();
        let errors = rootsim_policy::request::Evaluator::new().run(&eval_requests(8), &mut out);
        let out = String::from_utf8(out).unwrap();
        assert_eq!(errors, 0, "{out}");
        let decisions: Vec<String> = out
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["decision"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(decisions[..4], ["Allowed", "ExplicitlyDenied", "Allowed", "ImplicitlyDenied"]);
    }
}
