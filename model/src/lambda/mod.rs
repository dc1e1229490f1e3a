//! AWS Lambda (`aws lambda`): functions and the execution roles they run as.
//!
//! This module owns each account's functions per Region (`state`, plain data with its typed
//! changes, the package's SHA-256 and the .zip check) and the function operations (`ops`).
//! A function runs its code as its execution role: creating one, or giving it another role,
//! passes the role to Lambda (`iam:PassRole` with `iam:PassedToService` `lambda.amazonaws.com`,
//! rule LAMBDA-PASSROLE), and the role must trust Lambda (LAMBDA-ROLE-TRUST). Whoever may
//! replace an existing function's code runs code as its role without passing it: the
//! principal graph reads the functions through `World::workloads_of` (`world/workloads.rs`).
//!
//! Not modelled: invoking, versions and aliases beyond `--publish`'s answer, layers, VPCs,
//! container images, resource-based function policies (so another account's function is never
//! reached), event source mappings.

mod state;
pub use state::*;

pub mod ops;
