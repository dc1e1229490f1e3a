//! SNS's delivery, which reaches outside SNS: a message to a topic becomes emails in the
//! subscribers' mailboxes.

use super::World;
use crate::mail::Email;
use crate::sns::SENDER;
use rootsim_policy::{Context, NamedPolicy, Policy, PolicyKind, PolicySet, Principal, PrincipalKind, Request};

impl World {
    /// Whether the topic policy of `arn` lets the AWS service `service` (e.g.
    /// `events.amazonaws.com`) publish to it on behalf of `source_arn` in `source_account`
    /// (`aws:SourceArn`, `aws:SourceAccount`). A service principal is allowed only by the
    /// resource's own policy, and the policy SNS gives a new topic names none: EventBridge's
    /// publish fails until the topic policy allows it
    /// (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html>,
    /// rule MON-SNS-TOPIC-POLICY). A policy that cannot be read allows nothing (fail closed).
    pub fn service_may_publish(&self, arn: &str, service: &str, source_arn: &str, source_account: &str) -> bool {
        let Some(topic) = self.sns.topics.get(arn) else { return false };
        let Ok(policy) = Policy::parse(&topic.policy_text(), PolicyKind::Resource) else { return false };
        let principal = Principal {
            kind: PrincipalKind::Service,
            arn: service.to_string(),
            principal_arn: service.to_string(),
            account: String::new(),
            service_linked_role: false,
        };
        let mut context = Context::new();
        context.insert("aws:SourceArn", source_arn);
        context.insert("aws:SourceAccount", source_account);
        context.insert("aws:PrincipalServiceName", service);
        let request = Request {
            principal: &principal,
            action: "sns:Publish",
            resource: arn,
            resource_account: Some(topic.account.as_str()),
            context: &context,
        };
        let set =
            PolicySet { resource: Some(NamedPolicy { name: "topic policy", policy: &policy }), ..PolicySet::default() };
        let allowed = rootsim_policy::evaluate(&request, &set).is_allowed();
        allowed
    }

    /// Sends `message` from the topic `arn` to its confirmed email subscribers, if the topic
    /// exists and belongs to `account` (whoever publishes was authorized first: an IAM principal
    /// by `sns:Publish`, EventBridge by [`World::service_may_publish`]). Returns the addresses
    /// reached.
    pub fn sns_deliver(&mut self, arn: &str, account: &str, subject: Option<&str>, message: &str) -> Vec<String> {
        let Some(topic) = self.sns.topics.get(arn).filter(|t| t.account == account) else { return Vec::new() };
        let to: Vec<String> = topic.subscriptions.iter().filter(|s| s.confirmed).map(|s| s.endpoint.clone()).collect();
        // SNS's default subject for email.
        let subject = subject.unwrap_or("AWS Notification Message").to_string();
        let now = self.clock.now();
        for address in &to {
            self.mail.send(
                address,
                Email {
                    time: now,
                    from: SENDER.into(),
                    subject: subject.clone(),
                    body: message.to_string(),
                    code: None,
                },
            );
        }
        to
    }
}
