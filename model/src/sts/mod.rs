//! STS: temporary credentials.
//!
//! Owns the sessions that `AssumeRole`, `GetSessionToken`, `GetFederationToken` and `AssumeRoot`
//! hand out: their keys, tokens, session policies and expiry on the simulated clock.
//! `GetCallerIdentity` needs no permission.
//!
//! `state` holds the sessions and the read-only rules about them (a role's trust policy, who may
//! open root sessions where), re-exported here; `ops` the operations and their table.

mod state;
pub use state::*;

pub mod ops;
pub use ops::federated_refusal;
