//! IAM Access Analyzer (`aws accessanalyzer`): policy validation, as far as a developer needs it.
//!
//! This module owns Access Analyzer's operations (`ops`) and the findings report that
//! `validate-policy` prints (`findings`); it keeps no state (analyzers and their
//! findings are not modelled). `ValidatePolicy`'s checks are the `rootsim-analyzer` crate's,
//! which reads the document and consults AWS's catalogue without a world.

pub mod findings;
pub mod ops;
