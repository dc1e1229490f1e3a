//! Amazon SageMaker (`aws sagemaker`): notebook instances, as far as they run code as a role.
//!
//! This module owns the notebook instances of every account and Region (`state`) and the
//! notebook instance operations (`ops`). A notebook instance runs Jupyter as its execution role
//! (`RoleArn`), passed with `iam:PassRole` when it is created; whoever may call
//! `CreatePresignedNotebookInstanceUrl` on it opens Jupyter and runs code as that role, which is
//! an escalation through an existing resource (iam-vulnerable's
//! privesc-sageMakerCreatePresignedNotebookURL; `crate::world::workloads` hands the instances to
//! the principal graph).
//!
//! Simulator assumptions (docs/rules.md, SAGEMAKER-*): an instance is `InService` as soon as it
//! is created and `Stopped` as soon as it is stopped (AWS passes through `Pending` and `Stopping`
//! for some minutes); no VPC, lifecycle configuration, code repository or KMS key is modelled.

mod state;
pub use state::*;

pub mod ops;
