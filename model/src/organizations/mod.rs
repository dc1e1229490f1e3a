//! AWS Organizations: the organization, its root and OUs, which account sits where, and the
//! organization policies attached at each level.
//!
//! This module owns the tree. The policy engine (`rootsim_policy`) evaluates SCPs and RCPs; this
//! module only says which policies apply to an account, level by level from the root down.
//!
//! `state` holds the tree, its policies, trusted access, delegated administrators, handshakes and
//! `CreateAccount` requests (re-exported here). The operations are split by theme: `ops` the read
//! operations of the tree, SCP/RCP create/attach/detach, trusted access, delegated
//! administrators and the one operation table; `lifecycle` creates and deletes organizations and
//! accounts, closes members and lets accounts go; `handshakes` holds invitations and the
//! all-features migration; `units` the OUs and moves; `policies` policy types and the policy
//! quotas; `tags` tags on the organization's resources; `delegation` the resource-based
//! delegation policy and the read operations it opens to member accounts; `effective`
//! management (tag) policies and the effective policy of an account.

mod state;
pub use state::*;

mod delegation;
pub mod effective;
mod handshakes;
mod lifecycle;
pub mod ops;
mod policies;
mod tags;
mod units;
