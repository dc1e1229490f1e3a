//! Workloads: the existing resources that run code as an IAM role, gathered across services.
//!
//! A Lambda function runs as its execution role, an EC2 instance as the role of its instance
//! profile, a Glue development endpoint, a CloudFormation stack, a SageMaker notebook instance
//! and a CodeBuild project as their service roles, and an Auto Scaling launch configuration's
//! instances as the role of its instance profile. Whoever may change what such a resource runs
//! (new function code, a command sent to the instance, an SSH key on the endpoint, a new template,
//! a presigned notebook URL, a build with another buildspec, an Auto Scaling group from a launch
//! configuration whose instance profile holds a role) runs code as that role without
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
    /// An Auto Scaling launch configuration
    /// (`arn:aws:autoscaling:REGION:ACCOUNT:launchConfiguration:ID:launchConfigurationName/NAME`)
    /// and the role its instance profile holds now: whoever may create an Auto Scaling group
    /// from it starts instances as that role, without `iam:PassRole` (AUTOSCALING-PASSROLE).
    AutoScalingLaunchConfiguration,
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
        // EC2: every instance not terminated whose instance profile still holds a role (one map
        // lookup when the account has no instance).
        for i in self.ec2.instances_of(account) {
            if i.state == crate::ec2::InstanceState::Terminated {
                continue;
            }
            let Some(a) = &i.association else { continue };
            if let Some(role_arn) = self.instance_profile_role(&a.profile_arn, &a.profile_id) {
                out.push(Workload {
                    kind: WorkloadKind::Ec2Instance,
                    arn: i.arn(account),
                    region: i.region.clone(),
                    role_arn,
                });
            }
        }
        out.extend(self.sagemaker.accounts.of_account(account).map(|i| Workload {
            kind: WorkloadKind::SageMakerNotebookInstance,
            arn: i.arn(),
            region: i.region.clone(),
            role_arn: i.role_arn.clone(),
        }));
        out.extend(self.codebuild.accounts.of_account(account).map(|p| Workload {
            kind: WorkloadKind::CodeBuildProject,
            arn: p.arn(),
            region: p.region.clone(),
            role_arn: p.service_role.clone(),
        }));
        // Auto Scaling: each launch configuration whose instance profile holds a role now (one
        // map lookup when the account has none).
        for lc in self.autoscaling.launch_configurations.of_account(account) {
            let Some(profile) = &lc.iam_instance_profile else { continue };
            if let Some(role_arn) = self.account_profile_role(account, profile) {
                out.push(Workload {
                    kind: WorkloadKind::AutoScalingLaunchConfiguration,
                    arn: lc.arn(),
                    region: lc.region.clone(),
                    role_arn,
                });
            }
        }
        out.sort();
        out
    }

    /// The ARN of the role held by the instance profile `profile_arn` (with the unique ID
    /// `profile_id`, when known) as IAM has it now: `None` when the profile no longer exists,
    /// was made again under the same name (another ID), or holds no role. An instance runs as
    /// this role (rule EC2-INSTANCE-ROLE).
    pub fn instance_profile_role(&self, profile_arn: &str, profile_id: &str) -> Option<String> {
        let a = rootsim_policy::arn::Arn::parse(profile_arn)
            .filter(|a| a.service == "iam" && a.resource.starts_with("instance-profile/"))?;
        let name = a.resource.rsplit('/').next()?;
        let iam = self.iam.account(a.account)?;
        let profile = iam.instance_profile(name).filter(|p| p.arn(a.account) == profile_arn)?;
        if !profile_id.is_empty() && profile.id != profile_id {
            return None;
        }
        let role = iam.roles.get(profile.role.as_ref()?)?;
        Some(rootsim_policy::arn::iam(a.account, "role", &role.path, &role.name))
    }
}

#[cfg(test)]
mod tests {
    use super::WorkloadKind;
    use crate::{Session, DEFAULT_SEED};

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

    /// The demo's management account with the role Web in the instance profile web, and one
    /// instance launched with it; returns the session, the account and the instance's ID.
    fn launched() -> (Session, String, String) {
        let mut s = Session::demo(DEFAULT_SEED);
        s.run(&format!("aws iam create-role --role-name Web --assume-role-policy-document {TRUST}")).expect_ok();
        s.run("aws iam create-instance-profile --instance-profile-name web").expect_ok();
        s.run("aws iam add-role-to-instance-profile --instance-profile-name web --role-name Web").expect_ok();
        let out = s.run("aws ec2 run-instances --image-id ami-0abcdef1234567890 --iam-instance-profile Name=web");
        let id =
            out.expect_ok().json.as_ref().expect("JSON")["Instances"][0]["InstanceId"].as_str().unwrap().to_string();
        let account = s.world.accounts.find("management").expect("the demo's management account").id.clone();
        (s, account, id)
    }

    #[test]
    fn an_instance_runs_as_the_role_its_profile_holds_now() {
        let (mut s, account, id) = launched();
        let w = s.world.workloads_of(&account);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].kind, WorkloadKind::Ec2Instance);
        assert_eq!(w[0].arn, format!("arn:aws:ec2:us-east-1:{account}:instance/{id}"));
        assert_eq!(w[0].region, "us-east-1");
        assert_eq!(w[0].role_arn, format!("arn:aws:iam::{account}:role/Web"));
        // The profile emptied: no role, no workload.
        s.run("aws iam remove-role-from-instance-profile --instance-profile-name web --role-name Web").expect_ok();
        assert!(s.world.workloads_of(&account).is_empty());
        // Deleted and made again under the same name, with the role: another profile (another
        // ID), which the instance's association does not name.
        s.run("aws iam delete-instance-profile --instance-profile-name web").expect_ok();
        s.run("aws iam create-instance-profile --instance-profile-name web").expect_ok();
        s.run("aws iam add-role-to-instance-profile --instance-profile-name web --role-name Web").expect_ok();
        assert!(s.world.workloads_of(&account).is_empty());
    }

    #[test]
    fn a_terminated_instance_is_no_workload_and_other_accounts_have_none() {
        let (mut s, account, id) = launched();
        assert_eq!(s.world.workloads_of(&account).len(), 1);
        assert!(s.world.workloads_of("000000000000").is_empty());
        s.run(&format!("aws ec2 terminate-instances --instance-ids {id}")).expect_ok();
        assert!(s.world.workloads_of(&account).is_empty());
    }

    /// A launch configuration of `account` naming `profile`, put straight into the state (the
    /// demo's accounts are too new to create one with a command, AUTOSCALING-NEW-ACCOUNTS).
    fn launch_configuration(s: &mut Session, account: &str, name: &str, profile: Option<&str>) {
        s.world.autoscaling.insert_launch_configuration(crate::autoscaling::LaunchConfiguration {
            name: name.into(),
            account: account.into(),
            region: "eu-west-1".into(),
            id: "0e86eafc-15a3-4810-a7ec-cf16cf4a8808".into(),
            image_id: "ami-0abcdef1234567890".into(),
            instance_type: "t3.micro".into(),
            key_name: None,
            security_groups: Vec::new(),
            user_data: None,
            iam_instance_profile: profile.map(str::to_string),
            monitoring: true,
            created: 0,
        });
    }

    #[test]
    fn a_launch_configuration_runs_as_the_role_its_profile_holds_now() {
        let (mut s, account, id) = launched();
        s.run(&format!("aws ec2 terminate-instances --instance-ids {id}")).expect_ok();
        launch_configuration(&mut s, &account, "by-name", Some("web"));
        launch_configuration(&mut s, &account, "by-arn", Some(&format!("arn:aws:iam::{account}:instance-profile/web")));
        launch_configuration(&mut s, &account, "no-profile", None);
        launch_configuration(&mut s, &account, "unknown", Some("nobody"));
        launch_configuration(&mut s, &account, "other-account", Some("arn:aws:iam::000000000000:instance-profile/web"));
        let w = s.world.workloads_of(&account);
        let names: Vec<&str> = w.iter().map(|x| x.arn.rsplit('/').next().unwrap()).collect();
        assert_eq!(names, ["by-arn", "by-name"], "{w:?}");
        for x in &w {
            assert_eq!(x.kind, WorkloadKind::AutoScalingLaunchConfiguration);
            assert_eq!(x.region, "eu-west-1");
            assert_eq!(x.role_arn, format!("arn:aws:iam::{account}:role/Web"));
            assert!(x.arn.starts_with(&format!(
                "arn:aws:autoscaling:eu-west-1:{account}:launchConfiguration:0e86eafc-15a3-4810-a7ec-cf16cf4a8808:launchConfigurationName/"
            )));
        }
        assert!(s.world.workloads_of("000000000000").is_empty());
        // The profile emptied: no role, no workload (resolved now, not when it was created).
        s.run("aws iam remove-role-from-instance-profile --instance-profile-name web --role-name Web").expect_ok();
        assert!(s.world.workloads_of(&account).is_empty());
    }
}
