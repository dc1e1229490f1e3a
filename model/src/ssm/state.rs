//! Systems Manager's state: the commands sent and the sessions started in each account. Plain
//! data; whether an instance is a managed node is the operations' question (it reads EC2 and
//! IAM).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One command sent with `SendCommand`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// A UUID.
    pub id: String,
    /// The Region it was sent in.
    pub region: String,
    /// The document's name (`AWS-RunShellScript`).
    pub document: String,
    /// The instances it was sent to.
    pub instance_ids: Vec<String>,
    /// The document's parameters (`commands`).
    pub parameters: BTreeMap<String, Vec<String>>,
    /// The comment given.
    pub comment: String,
    /// When it was sent.
    pub requested: i64,
}

/// One Session Manager session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// `NAME-` and 17 hexadecimal digits.
    pub id: String,
    /// The Region it was started in.
    pub region: String,
    /// The instance it connects to.
    pub target: String,
    /// The session document.
    pub document: String,
    /// When it started.
    pub started: i64,
    /// Whether it was terminated.
    pub terminated: bool,
}

impl Session {
    /// `arn:aws:ssm:REGION:ACCOUNT:session/ID`, as the Service Authorization Reference writes it.
    pub fn arn(&self, account: &str) -> String {
        format!("arn:aws:ssm:{}:{account}:session/{}", self.region, self.id)
    }
}

/// One account's commands and sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsmAccount {
    /// Commands, oldest first.
    pub commands: Vec<Command>,
    /// Sessions by ID.
    pub sessions: BTreeMap<String, Session>,
}

/// The Systems Manager state of every account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ssm {
    /// Accounts that sent commands or started sessions, by ID.
    pub accounts: BTreeMap<String, SsmAccount>,
}

impl Ssm {
    /// The account's part, made when first needed.
    pub fn account_mut(&mut self, account: &str) -> &mut SsmAccount {
        self.accounts.entry(account.to_string()).or_default()
    }

    /// The session `id` of `account`.
    pub fn session(&self, account: &str, id: &str) -> Option<&Session> {
        self.accounts.get(account)?.sessions.get(id)
    }
}
