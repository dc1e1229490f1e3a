//! CloudFormation's state: stacks by account, Region and name, with the typed changes the
//! operations make. Plain data: no CLI parameters, no output JSON, no authorization.

use crate::regional::Regional;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The service principal a stack's service role must trust and is passed to.
pub const SERVICE_PRINCIPAL: &str = "cloudformation.amazonaws.com";

/// One stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stack {
    /// Its name, unique among the account's stacks in its Region.
    pub name: String,
    /// Its stack ID: `arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID`.
    pub id: String,
    /// The owner account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// The service role's ARN (`RoleARN`), if the stack has one (kept as written, even of
    /// another account).
    #[serde(default)]
    pub role_arn: Option<String>,
    /// The template's text, as given.
    pub template: String,
    /// The template's `Description`, if it has one.
    #[serde(default)]
    pub description: Option<String>,
    /// Parameter values, by key.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// Capabilities acknowledged (`CAPABILITY_IAM`...).
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// Tags, in the order given.
    #[serde(default)]
    pub tags: Vec<(String, String)>,
    /// Creation time.
    pub created: i64,
    /// Last update, if updated.
    #[serde(default)]
    pub updated: Option<i64>,
    /// `CREATE_COMPLETE` or `UPDATE_COMPLETE`.
    pub status: String,
}

/// The ARN a stack action is authorized on when the stack's ID is not known (it does not exist
/// yet, or was named by its name): `arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/*`.
pub fn name_arn(account: &str, region: &str, name: &str) -> String {
    format!("arn:aws:cloudformation:{region}:{account}:stack/{name}/*")
}

/// CloudFormation's state: each account's stacks. An account with none has no entry, so asking
/// about it is one map lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudFormation {
    /// Stacks by account ID.
    pub accounts: Regional<Stack>,
}

impl CloudFormation {
    /// The stack of `account` in `region` that `name_or_id` names: its name, or its stack ID.
    pub fn stack(&self, account: &str, region: &str, name_or_id: &str) -> Option<&Stack> {
        let stacks = self.accounts.region(account, region)?;
        if name_or_id.starts_with("arn:") {
            stacks.values().find(|s| s.id == name_or_id)
        } else {
            stacks.get(name_or_id)
        }
    }

    /// The stack named `name` of `account` in `region`, to change it.
    pub fn stack_mut(&mut self, account: &str, region: &str, name: &str) -> Option<&mut Stack> {
        self.accounts.get_mut(account, region, name)
    }

    /// The stacks of `account` in `region`, by name.
    pub fn in_region<'a>(&'a self, account: &str, region: &str) -> impl Iterator<Item = &'a Stack> + 'a {
        self.accounts.in_region(account, region)
    }

    /// Every stack of `account`, in every Region (by Region, then name).
    pub fn of_account<'a>(&'a self, account: &str) -> impl Iterator<Item = &'a Stack> + 'a {
        self.accounts.of_account(account)
    }

    /// Every stack, by account, Region and name.
    pub fn all(&self) -> impl Iterator<Item = &Stack> + '_ {
        self.accounts.all()
    }

    /// Adds `stack`, replacing one of the same account, Region and name.
    pub fn insert(&mut self, stack: Stack) {
        let (account, region, name) = (stack.account.clone(), stack.region.clone(), stack.name.clone());
        self.accounts.insert(&account, &region, &name, stack);
    }

    /// Removes the stack named `name` of `account` in `region`, leaving no empty map behind.
    pub fn remove(&mut self, account: &str, region: &str, name: &str) -> Option<Stack> {
        self.accounts.remove(account, region, name)
    }
}

/// Whether `name` is a valid stack name: a letter, then letters, digits and `-`, at most 128
/// characters.
pub fn valid_stack_name(name: &str) -> bool {
    let mut b = name.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.len() <= 128
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(name: &str) -> Stack {
        Stack {
            name: name.into(),
            id: format!("arn:aws:cloudformation:us-east-1:111111111111:stack/{name}/0"),
            account: "111111111111".into(),
            region: "us-east-1".into(),
            role_arn: None,
            template: "{}".into(),
            description: None,
            parameters: BTreeMap::new(),
            capabilities: Vec::new(),
            tags: Vec::new(),
            created: 0,
            updated: None,
            status: "CREATE_COMPLETE".into(),
        }
    }

    #[test]
    fn a_stack_is_found_by_name_or_id_and_removing_the_last_leaves_no_entry() {
        let mut c = CloudFormation::default();
        c.insert(stack("web"));
        assert!(c.stack("111111111111", "us-east-1", "web").is_some());
        let id = "arn:aws:cloudformation:us-east-1:111111111111:stack/web/0";
        assert!(c.stack("111111111111", "us-east-1", id).is_some());
        assert!(c
            .stack("111111111111", "us-east-1", "arn:aws:cloudformation:us-east-1:111111111111:stack/web/1")
            .is_none());
        assert!(c.stack("111111111111", "eu-west-1", "web").is_none());
        assert!(c.remove("111111111111", "us-east-1", "web").is_some());
        assert!(c.accounts.is_empty());
    }

    #[test]
    fn stack_names_start_with_a_letter() {
        assert!(valid_stack_name("web-1"));
        for bad in ["", "1web", "web_1", "-web", &"a".repeat(129)] {
            assert!(!valid_stack_name(bad), "{bad}");
        }
    }
}
