//! Simulated mailboxes and phones.
//!
//! AWS reaches people outside the console: reset links and one-time codes by email, calls to the
//! account's primary phone. rootsim delivers those to a mailbox per address and a call log per
//! number, which the trainee reads with sandbox commands. Nothing here decides anything; the
//! services write, people read.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One email as delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// When it arrived (epoch seconds on the simulated clock).
    pub time: i64,
    /// The sender, e.g. `no-reply@verify.signin.aws`.
    pub from: String,
    /// The subject line.
    pub subject: String,
    /// The text, which may hold a link or a code.
    pub body: String,
    /// The link's token or the one-time code the text carries, if any (so scripts can use it).
    #[serde(default)]
    pub code: Option<String>,
}

/// One call or text to a phone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneMessage {
    /// When it rang (epoch seconds).
    pub time: i64,
    /// Who called, e.g. `AWS Support`.
    pub from: String,
    /// What the caller said or asked.
    pub text: String,
}

/// Every mailbox and phone in the world, created on first delivery.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    /// Mailboxes by lower-cased address.
    pub mailboxes: BTreeMap<String, Vec<Email>>,
    /// Call logs by phone number.
    pub phones: BTreeMap<String, Vec<PhoneMessage>>,
    /// The trainee's authenticator app: virtual MFA seeds by device serial number, as scanned
    /// when the device was created. Losing the phone removes them.
    #[serde(default)]
    pub authenticator: BTreeMap<String, String>,
}

impl Mail {
    /// Delivers an email to `to`.
    pub fn send(&mut self, to: &str, email: Email) {
        self.mailboxes.entry(to.to_ascii_lowercase()).or_default().push(email);
    }

    /// The emails received at `address`, oldest first.
    pub fn inbox(&self, address: &str) -> &[Email] {
        self.mailboxes.get(&address.to_ascii_lowercase()).map_or(&[], Vec::as_slice)
    }

    /// Records a call to `number`.
    pub fn call(&mut self, number: &str, message: PhoneMessage) {
        self.phones.entry(number.to_string()).or_default().push(message);
    }

    /// The calls received at `number`, oldest first.
    pub fn calls(&self, number: &str) -> &[PhoneMessage] {
        self.phones.get(number).map_or(&[], Vec::as_slice)
    }
}
