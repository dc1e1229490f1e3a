//! Glue's state: development endpoints by account, Region and name, with the typed changes the
//! operations make. Plain data: no CLI parameters, no output JSON, no authorization.

use crate::regional::Regional;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The service principal a development endpoint's role must trust and is passed to.
pub const SERVICE_PRINCIPAL: &str = "glue.amazonaws.com";

/// The DPUs an endpoint gets when `CreateDevEndpoint` names none (the Glue console's default).
pub const DEFAULT_NODES: i64 = 5;

/// One development endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevEndpoint {
    /// Its name, unique in its account and Region.
    pub name: String,
    /// The owner account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// The ARN of the role the endpoint's code runs as (kept as written, even of another account).
    pub role_arn: String,
    /// The single public key of `PublicKey` (the older attribute), if set.
    #[serde(default)]
    pub public_key: Option<String>,
    /// The public keys of `PublicKeys`, in the order they were added.
    #[serde(default)]
    pub public_keys: Vec<String>,
    /// DPUs allocated.
    pub number_of_nodes: i64,
    /// Creation time.
    pub created: i64,
    /// Last change (creation, or the last `UpdateDevEndpoint`).
    pub modified: i64,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl DevEndpoint {
    /// `arn:aws:glue:REGION:ACCOUNT:devEndpoint/NAME`, the resource type `devendpoint` of the
    /// Service Authorization Reference.
    pub fn arn(&self) -> String {
        arn(&self.account, &self.region, &self.name)
    }
}

/// The ARN of the development endpoint `name` of `account` in `region` (whether it exists or not).
pub fn arn(account: &str, region: &str, name: &str) -> String {
    format!("arn:aws:glue:{region}:{account}:devEndpoint/{name}")
}

/// Glue's state: each account's development endpoints. An account with none has no entry, so
/// asking about it is one map lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Glue {
    /// Endpoints by account ID.
    pub accounts: Regional<DevEndpoint>,
}

impl Glue {
    /// The endpoint `name` of `account` in `region`.
    pub fn endpoint(&self, account: &str, region: &str, name: &str) -> Option<&DevEndpoint> {
        self.accounts.get(account, region, name)
    }

    /// The endpoint `name` of `account` in `region`, to change it.
    pub fn endpoint_mut(&mut self, account: &str, region: &str, name: &str) -> Option<&mut DevEndpoint> {
        self.accounts.get_mut(account, region, name)
    }

    /// The endpoints of `account` in `region`, by name.
    pub fn in_region<'a>(&'a self, account: &str, region: &str) -> impl Iterator<Item = &'a DevEndpoint> + 'a {
        self.accounts.in_region(account, region)
    }

    /// Every endpoint of `account`, in every Region (by Region, then name).
    pub fn of_account<'a>(&'a self, account: &str) -> impl Iterator<Item = &'a DevEndpoint> + 'a {
        self.accounts.of_account(account)
    }

    /// Every endpoint, by account, Region and name.
    pub fn all(&self) -> impl Iterator<Item = &DevEndpoint> + '_ {
        self.accounts.all()
    }

    /// Adds `endpoint`, replacing one of the same account, Region and name.
    pub fn insert(&mut self, endpoint: DevEndpoint) {
        let (account, region, name) = (endpoint.account.clone(), endpoint.region.clone(), endpoint.name.clone());
        self.accounts.insert(&account, &region, &name, endpoint);
    }

    /// Removes the endpoint `name` of `account` in `region`, leaving no empty map behind (so an
    /// account without endpoints has no entry).
    pub fn remove(&mut self, account: &str, region: &str, name: &str) -> Option<DevEndpoint> {
        self.accounts.remove(account, region, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(account: &str, region: &str, name: &str) -> DevEndpoint {
        DevEndpoint {
            name: name.into(),
            account: account.into(),
            region: region.into(),
            role_arn: format!("arn:aws:iam::{account}:role/glue"),
            public_key: None,
            public_keys: Vec::new(),
            number_of_nodes: DEFAULT_NODES,
            created: 0,
            modified: 0,
            tags: BTreeMap::new(),
        }
    }

    #[test]
    fn removing_the_last_endpoint_leaves_no_entry_for_the_account() {
        let mut g = Glue::default();
        g.insert(endpoint("111111111111", "us-east-1", "a"));
        g.insert(endpoint("111111111111", "eu-west-1", "b"));
        assert_eq!(g.of_account("111111111111").count(), 2);
        assert_eq!(g.in_region("111111111111", "us-east-1").count(), 1);
        assert!(g.remove("111111111111", "us-east-1", "a").is_some());
        assert!(g.remove("111111111111", "us-east-1", "a").is_none());
        assert!(g.accounts.has_account("111111111111"));
        assert!(g.remove("111111111111", "eu-west-1", "b").is_some());
        assert!(g.accounts.is_empty());
        assert_eq!(endpoint("1", "r", "n").arn(), "arn:aws:glue:r:1:devEndpoint/n");
    }
}
