//! IAM: the identities of each account and the policies attached to them.
//!
//! Owns, per account, the root user's credentials, IAM users, groups, roles, customer managed
//! policies and their versions, inline policies, permissions boundaries, login profiles, access
//! keys, MFA devices and instance profiles. `state` holds those types and their typed lookups
//! (re-exported here); AWS managed policies come from AWS's catalogue (`managed`), and what AWS
//! owns inside an account cannot be changed by its customers (`aws_owned`). The operations that
//! change the state are in `ops` (identities and policies), `instance_profiles`, `credentials`
//! (MFA devices and signing certificates) and `org_features` (centralized root access);
//! `simulate` is the policy simulator. Each operation asks the policy engine before it acts.

mod state;
pub use state::*;

pub mod account;
pub mod aws_owned;
pub mod credentials;
pub mod enforce;
pub mod instance_profiles;
pub mod linked;
pub mod managed;
pub mod ops;
pub mod org_features;
pub mod policy_info;
pub mod report;
pub mod simulate;
pub mod tags;
