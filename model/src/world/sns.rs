//! SNS's delivery, which reaches outside SNS: a message to a topic becomes emails in the
//! subscribers' mailboxes.

use super::World;
use crate::mail::Email;
use crate::sns::SENDER;

impl World {
    /// Sends `message` from the topic `arn` to its confirmed email subscribers, if the topic
    /// exists and belongs to `account` (EventBridge and the topic must share an account in
    /// rootsim). Returns the addresses reached.
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
