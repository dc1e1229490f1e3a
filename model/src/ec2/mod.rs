//! Amazon EC2 (`aws ec2`): instances and the IAM instance profiles associated with them, as far
//! as privilege escalation needs them.
//!
//! This module owns each account's instances (`state`: plain data per account, each instance
//! with its Region, state and instance profile association) and the EC2 operations (`ops`):
//! `RunInstances`, `DescribeInstances`, `TerminateInstances` and the instance profile
//! association operations. An instance runs as the role of its instance profile, so launching
//! one with a profile, or associating a profile with a running one, passes that role
//! (`iam:PassRole` to `ec2.amazonaws.com`, rule EC2-PASSROLE); whoever may then run code on the
//! instance (SSM, EC2 Instance Connect: `crate::ssm`, `crate::ec2_instance_connect`) acts as the
//! role ([`crate::world::workloads`]).
//!
//! Not modelled: AMIs (any well-formed AMI ID launches), VPCs, subnets, security groups, network
//! interfaces, volumes, key pairs, stopping and starting (docs/rules.md, EC2-INSTANCE-MODEL).

mod state;
pub use state::*;

pub mod ops;
