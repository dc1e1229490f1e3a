//! EventBridge's delivery, which reads and changes the whole world: each recorded CloudTrail
//! event goes to the matching rules of its account and Region, and each match publishes to SNS.

use super::World;
use crate::events::pattern::Pattern;
use crate::events::{envelope, Alert, Rule};
use serde_json::json;

impl World {
    /// Hands the CloudTrail event at `index` of the history, when a trail logged it, to the rules
    /// of the account and Region where it was recorded; every match publishes to the rule's SNS targets and is
    /// logged as an alert.
    pub fn route_event(&mut self, index: usize) {
        // CloudTrail hands EventBridge only the events a trail logs: without a trail that was
        // logging (its account or an organization trail, its Region or every Region) nothing
        // arrives (rule MON-EB-NEEDS-TRAIL).
        if !super::cloudtrail::logged_by_a_trail(self, index) {
            return;
        }
        let Some(ct) = self.cloudtrail.events.get(index) else { return };
        let account = ct["recipientAccountId"].as_str().unwrap_or("").to_string();
        let region = ct["awsRegion"].as_str().unwrap_or("").to_string();
        let read_only = ct["readOnly"] == json!(true);
        let id = crate::cloudtrail::derived_uuid(self.seed, index as u64, 3);
        let event = envelope(ct, &id);
        let matched: Vec<Rule> = self
            .events
            .rules
            .values()
            .filter(|r| r.account == account && r.region == region)
            .filter(|r| match r.state.as_str() {
                "ENABLED" => !read_only,
                "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" => true,
                _ => false,
            })
            .filter(|r| Pattern::parse(&r.pattern).is_ok_and(|p| p.matches(&event)))
            .cloned()
            .collect();
        let identity = &event["detail"]["userIdentity"];
        let who = format!("{} {}", identity["type"].as_str().unwrap_or("?"), identity["arn"].as_str().unwrap_or(""));
        let event_name = event["detail"]["eventName"].as_str().unwrap_or("").to_string();
        let event_id = event["detail"]["eventID"].as_str().unwrap_or("").to_string();
        let text = crate::render::to_cli_json(&event);
        for rule in matched {
            for target in &rule.targets {
                // EventBridge publishes as events.amazonaws.com: the topic policy must allow it
                // (rule MON-SNS-TOPIC-POLICY); a refused publish reaches nobody, and the alert
                // records no recipient.
                let owner = self.sns.topics.get(&target.arn).map(|t| t.account.clone()).unwrap_or_default();
                let delivered_to =
                    if self.service_may_publish(&target.arn, "events.amazonaws.com", &rule.arn(), &account) {
                        self.sns_deliver(&target.arn, &owner, None, &text)
                    } else {
                        Vec::new()
                    };
                self.events.fired.push(Alert {
                    rule: rule.arn(),
                    event_id: event_id.clone(),
                    event_name: event_name.clone(),
                    who: who.clone(),
                    time: self.clock.now(),
                    target: target.arn.clone(),
                    delivered_to,
                });
            }
        }
    }
}
