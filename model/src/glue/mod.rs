//! AWS Glue (`aws glue`): development endpoints, the one Glue resource rootsim models.
//!
//! This module owns each account's development endpoints per Region (`state`) and the operations
//! on them (`ops`): `CreateDevEndpoint` (which passes the endpoint its role, so it asks
//! `iam:PassRole` with `iam:PassedToService` `glue.amazonaws.com`), `GetDevEndpoint`,
//! `GetDevEndpoints`, `UpdateDevEndpoint` and `DeleteDevEndpoint`. An endpoint runs the code of
//! whoever holds one of its SSH keys as its role, so `UpdateDevEndpoint` adding a key is an
//! escalation to the role without `iam:PassRole` (iam-vulnerable's
//! privesc19-UpdateExistingGlueDevEndpoint); the principal graph reads endpoints through
//! [`crate::world::workloads`].
//!
//! **Simulator assumptions** (docs/rules.md, GLUE-*): no network is modelled (no VPC, subnet,
//! addresses or ports in the answers), and an endpoint is `PROVISIONING` in `CreateDevEndpoint`'s
//! answer and `READY` from the next call on (AWS takes minutes).

mod state;
pub use state::*;

pub mod ops;
