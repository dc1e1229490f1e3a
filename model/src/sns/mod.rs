//! Amazon SNS (`aws sns`): topics and email subscriptions, as far as alerting needs them.
//!
//! This module owns topics and their subscriptions (`state`, with their typed changes; the
//! delivery of a message to a topic's subscribers is `crate::world::sns`), the SNS operations (`ops`), and the rule that
//! an email subscription receives nothing until its owner follows the confirmation link (the
//! token arrives in the endpoint's mailbox, [`crate::mail`]). `publish`, and EventBridge rules whose target is a
//! topic, send the message to every confirmed subscriber's mailbox.
//!
//! Topic policies are not modelled: a topic accepts `publish` from callers its account's
//! policies allow, and EventBridge rules of the same account may always publish to it (AWS
//! requires the topic policy to allow `events.amazonaws.com`; see docs/rules.md MON-SNS-TOPIC-POLICY).

mod state;
pub use state::*;

pub mod ops;
