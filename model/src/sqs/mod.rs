//! Amazon SQS (`aws sqs`): standard queues, their messages and their queue policies.
//!
//! This module owns the SQS state of the world (`state`: queues, messages, their typed changes),
//! the operations on it (`ops`) and SQS's own rules: queue names, queue URLs and
//! ARNs, the attributes a queue has and which of them can be set, and messages that become
//! invisible for the visibility timeout once received.
//!
//! Every call on a queue is authorized by the one policy engine with the queue policy (the
//! `Policy` attribute) as the resource policy; the queue ARN names its account, so a caller of
//! another account is evaluated cross-account. A queue policy that denies everyone locks out
//! IAM administrators and the root user alike, except that the queue owner's root user can still
//! read and set the queue's attributes, and so repair or remove the policy (task
//! `sqs-unlock-queue-policy`). AWS lists the task
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks>) but does
//! not document the mechanism; rootsim models it like S3's bucket-policy exemption, in the engine
//! (a simulator assumption, docs/rules.md SQS-OWNER-ROOT-UNLOCK).

mod state;
pub use state::*;

pub mod ops;
