//! Amazon EventBridge (`aws events`): rules on each account's default event bus, their targets,
//! and the delivery of CloudTrail events to them.
//!
//! This module owns the rules of every account and Region (`state`, with their typed changes;
//! `ops`, the EventBridge operations; their delivery spans services: `crate::world::events`), the pattern language
//! ([`pattern`]), and the log of alerts that fired (rule, event, target, recipients), which the
//! sandbox's `alerts` command reads. CloudTrail hands every recorded event to
//! [`crate::World::route_event`]; it reaches the rules of the account and Region where it was recorded,
//! wrapped in EventBridge's envelope. Read-only management events (`readOnly: true`) reach only
//! rules whose state is `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`, as AWS delivers them.
//! Targets are SNS topics ([`crate::sns`]): a match publishes the event's JSON to the topic.

pub mod pattern;

mod state;
pub use state::*;

pub mod ops;
