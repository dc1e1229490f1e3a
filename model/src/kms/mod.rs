//! KMS: customer managed keys, their key policies, and the Support case that recovers a key
//! nobody can manage.
//!
//! A key policy must itself allow every use of the key: IAM policies alone are not enough, and
//! the root user is not exempt
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html>). AWS's
//! default key policy grants the account, which lets IAM policies decide. A policy that lets nobody manage the key makes it unmanageable;
//! recovery goes through AWS Support, which calls the root user's primary phone and has the
//! caller confirm the ticket's one-time code
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks>); the key
//! policy is then reset.
//!
//! `state` holds the keys, their states, aliases, grants, policies and the Support cases, with
//! their typed changes (`crate::world::kms` opens and confirms the cases); `ops` the operation
//! table and the key operations (parameters, authorization against the key policy and grants,
//! key states, responses), `access` what they share (finding keys by ID, ARN or alias,
//! authorization against the key policy and each grant's policy document, key-state refusals),
//! `aliases` the alias operations, `grants` the grant operations.

mod state;
pub use state::*;

mod access;
mod aliases;
mod grants;
pub mod ops;
