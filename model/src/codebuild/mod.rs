//! AWS CodeBuild (`aws codebuild`): build projects and the builds started from them, as far as
//! they run code as a role.
//!
//! This module owns the projects of every account and Region (`state`) and the project and build
//! operations (`ops`). A project's builds run as its service role (`serviceRole`), passed with
//! `iam:PassRole` when the project is created or its role changed; whoever may call `StartBuild`
//! on it with a `buildspecOverride` runs commands of their own as that role, an escalation
//! through an existing resource (PMapper's CodeBuild edges; `crate::world::workloads` hands the
//! projects to the principal graph).
//!
//! Simulator assumptions (docs/rules.md, CODEBUILD-*): a build stays `IN_PROGRESS` (nothing runs
//! it to completion); no source provider, VPC, cache, logs or report group is modelled.

mod state;
pub use state::*;

pub mod ops;
