//! STS: temporary credentials.
//!
//! Owns the sessions that `AssumeRole`, `GetSessionToken`, `GetFederationToken` and `AssumeRoot`
//! hand out: their keys, tokens, session policies and expiry on the simulated clock.
//! `GetCallerIdentity` needs no permission.
//!
//! `state` holds the sessions, re-exported here; the read-only rules about them that read the
//! whole world (a role's trust policy, who may open root sessions where) are `crate::world::sts`;
//! `ops` the operations and their table.

mod state;
pub use state::*;

pub mod ops;
