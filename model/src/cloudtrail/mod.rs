//! CloudTrail: the event history of every AWS call and console sign-in, allowed or denied.
//!
//! Events are stored as the JSON records CloudTrail writes
//! (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html>):
//! `eventVersion`, `userIdentity` in the shape of the caller's kind, `eventTime` on the simulated
//! clock, `eventSource`, `eventName`, `awsRegion`, `sourceIPAddress`, `userAgent`,
//! `requestParameters` with secrets hidden, `responseElements`, `errorCode` and `errorMessage`
//! for failures, `recipientAccountId`, `eventID`, `readOnly`, `managementEvent`.
//!
//! `state` holds the history and the trails; `crate::world::cloudtrail` the recording (every
//! record built as CloudTrail writes it, which reads the caller's IAM identity and the account's
//! alias) and what each trail delivered; `ops` the CloudTrail operations: `lookup-events` and the
//! trails' (`ops/trails.rs`).
//!
//! Architecture invariant: the event history is the one part of the world that a failed command
//! changes: AWS records the attempt. Everything else is put back.

mod state;
pub use state::*;

pub mod ops;
