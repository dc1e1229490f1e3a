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
//! Simulator assumptions (docs/rules.md, AUTOSCALING-*): a group launches no EC2 instances (its
//! desired capacity is recorded, nothing runs); launch templates, mixed instances policies and
//! `--instance-id` are refused as not modelled.

mod state;
pub use state::*;

pub mod ops;
