//! AWS Systems Manager (`aws ssm`): Run Command and Session Manager on EC2 instances, as far as
//! privilege escalation needs them.
//!
//! This module owns the commands sent and the sessions started (`state`, per account) and the
//! operations `SendCommand`, `StartSession` and `TerminateSession` (`ops`). Both run code on an
//! instance as the role of its instance profile, so whoever may call them on an instance acts as
//! that role without `iam:PassRole` (the principal graph's escalation through existing
//! workloads, [`crate::world::workloads`]). Only managed nodes take them: rootsim assumes the SSM
//! Agent installed and registered on every running instance whose instance profile holds a role
//! (rule SSM-MANAGED-NODE, a simulator assumption). Nothing runs: a command stays `Pending`.

mod state;
pub use state::*;

pub mod ops;
