//! Workloads: the existing resources that run code as an IAM role, gathered across services.
//!
//! A Lambda function runs as its execution role, an EC2 instance as the role of its instance
//! profile, a Glue development endpoint, a CloudFormation stack, a SageMaker notebook instance
//! and a CodeBuild project as their service roles. Whoever may change what such a resource runs
//! (new function code, a command sent to the instance, an SSH key on the endpoint, a new template,
//! a presigned notebook URL, a build with another buildspec) runs code as that role without
//! `iam:PassRole`: the principal graph's escalations through existing resources
//! (GRAPH-EXISTING-WORKLOAD in docs/rules.md). Each service's state keeps its resources; this
//! module is the one place the graph reads them from, so the graph names no service.

use super::World;
use crate::lambda::Function;

/// The kinds of workload: which service runs the code, and so which actions change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    /// A Lambda function (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`) and its execution role.
    LambdaFunction,
    /// A running or stopped EC2 instance (`arn:aws:ec2:REGION:ACCOUNT:instance/ID`) and the role of
    /// the instance profile associated with it.
    Ec2Instance,
    /// A Glue development endpoint (`arn:aws:glue:REGION:ACCOUNT:devEndpoint/NAME`) and its role.
    GlueDevEndpoint,
    /// A CloudFormation stack (`arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID`) and its
    /// service role (`RoleARN`).
    CloudFormationStack,
    /// A SageMaker notebook instance (`arn:aws:sagemaker:REGION:ACCOUNT:notebook-instance/NAME`,
    /// the name lower-cased as SageMaker prints it) and its role.
    SageMakerNotebookInstance,
    /// A CodeBuild project (`arn:aws:codebuild:REGION:ACCOUNT:project/NAME`) and its service role.
    CodeBuildProject,
}

/// One workload of an account: what it is, its ARN, the Region it lives in, and the ARN of the
/// role its code runs as.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Workload {
    /// The kind of resource.
    pub kind: WorkloadKind,
    /// The resource's ARN, as the service's actions are authorized on it.
    pub arn: String,
    /// The Region it lives in.
    pub region: String,
    /// The ARN of the role its code runs as (a role of the same account, or of another).
    pub role_arn: String,
}

impl Workload {
    /// A Lambda function as a workload: its ARN (the `function` resource type's) and its
    /// execution role.
    fn lambda(f: &Function) -> Workload {
        Workload {
            kind: WorkloadKind::LambdaFunction,
            arn: f.arn(),
            region: f.region.clone(),
            role_arn: f.role.clone(),
        }
    }
}

impl World {
    /// Every workload of `account` with a role, in a stable order (kind, then ARN): each
    /// service's resources that run code as a role. Empty for an account with none, and cheap
    /// then (each service's state is one map lookup per account).
    pub fn workloads_of(&self, account: &str) -> Vec<Workload> {
        let mut out: Vec<Workload> = Vec::new();
        // Each service adds its own here, from its state (`crate::<service>::state`).
        out.extend(self.lambda.functions_of(account).map(Workload::lambda));
        out.extend(self.glue.of_account(account).map(|e| Workload {
            kind: WorkloadKind::GlueDevEndpoint,
            arn: e.arn(),
            region: e.region.clone(),
            role_arn: e.role_arn.clone(),
        }));
        // A stack without a service role runs as whoever changes it: no workload.
        out.extend(self.cloudformation.of_account(account).filter_map(|s| {
            Some(Workload {
                kind: WorkloadKind::CloudFormationStack,
                arn: s.id.clone(),
                region: s.region.clone(),
                role_arn: s.role_arn.clone()?,
            })
        }));
        if let Some(regions) = self.sagemaker.accounts.get(account) {
            out.extend(regions.values().flat_map(|m| m.values()).map(|i| Workload {
                kind: WorkloadKind::SageMakerNotebookInstance,
                arn: i.arn(),
                region: i.region.clone(),
                role_arn: i.role_arn.clone(),
            }));
        }
        if let Some(regions) = self.codebuild.accounts.get(account) {
            out.extend(regions.values().flat_map(|m| m.values()).map(|p| Workload {
                kind: WorkloadKind::CodeBuildProject,
                arn: p.arn(),
                region: p.region.clone(),
                role_arn: p.service_role.clone(),
            }));
        }
        out.sort();
        out
    }
}
