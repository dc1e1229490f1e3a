//! AWS CloudFormation (`aws cloudformation`): stacks, as far as who may change what they run.
//!
//! This module owns each account's stacks per Region (`state`) and the operations on them
//! (`ops`): `CreateStack`, `DescribeStacks`, `UpdateStack` and `DeleteStack`. A stack with a
//! service role (`RoleARN`) makes every later change of its template run as that role, and
//! `UpdateStack` without `--role-arn` keeps the role and asks no `iam:PassRole`: whoever may
//! update the stack acts as its role (iam-vulnerable's privesc-cloudFormationUpdateStack). The
//! principal graph reads stacks through [`crate::world::workloads`].
//!
//! **Simulator assumptions** (docs/rules.md, CLOUDFORMATION-*): rootsim checks a template (JSON;
//! a YAML template only for its `Resources` section) and keeps it, but creates none of its
//! resources; a stack is `CREATE_COMPLETE` (or `UPDATE_COMPLETE`) as soon as the call returns;
//! a deleted stack is gone (AWS lists it as `DELETE_COMPLETE` by its stack ID for 90 days).

mod state;
pub use state::*;

pub mod ops;
