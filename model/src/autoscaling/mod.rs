//! Amazon EC2 Auto Scaling (`aws autoscaling`): launch configurations and the Auto Scaling
//! groups made from them, as far as they run code as a role.
//!
//! This module owns the launch configurations and groups of every account and Region (`state`)
//! and their operations (`ops`). A launch configuration names an instance profile; `iam:PassRole`
//! on the profile's role is asked when the launch configuration is created, never when a group
//! uses it, so whoever may call `CreateAutoScalingGroup` with an existing launch configuration
//! starts instances as that role without passing it (PMapper's Auto Scaling edge;
//! `crate::world::workloads` hands the launch configurations to the principal graph).
//!
//! A group runs its desired capacity as EC2 instances in `crate::ec2`'s state, launched at once
//! from its launch configuration with the profile and tagged `aws:autoscaling:groupName`, and
//! terminated when it scales in or is deleted with `--force-delete`. Simulator assumptions
//! (docs/rules.md, AUTOSCALING-*): at most 20 instances a group, one Availability Zone, no
//! replacement of an instance terminated directly; launch templates, mixed instances policies and
//! `--instance-id` are refused as not modelled.

mod state;
pub use state::*;

pub mod ops;
