//! `Regional<T>`: resources of one kind kept by account, Region and name.
//!
//! Lambda functions, Glue development endpoints, CloudFormation stacks, SageMaker notebook
//! instances and CodeBuild projects all live in one account and one Region under a name. Each
//! service's state holds one `Regional` of its resource. An account without any has no entry,
//! so asking about it (the principal graph does, for each of 10,000 accounts) is one lookup, and
//! removing the last resource of a Region or account removes its map.

use serde::{Deserialize, Serialize};
use std::collections::btree_map;
use std::collections::BTreeMap;

/// One account's resources: by Region, then by key (the name, or whatever the service keys by).
pub type ByRegion<T> = BTreeMap<String, BTreeMap<String, T>>;

/// Resources by account ID, Region and key (module docs). Serialized as the nested maps
/// themselves, so a saved world reads `{"ACCOUNT": {"REGION": {"NAME": ...}}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Regional<T> {
    accounts: BTreeMap<String, ByRegion<T>>,
}

impl<T> Default for Regional<T> {
    fn default() -> Self {
        Regional { accounts: BTreeMap::new() }
    }
}

impl<T> Regional<T> {
    /// The resource `key` of `account` in `region`.
    pub fn get(&self, account: &str, region: &str, key: &str) -> Option<&T> {
        self.accounts.get(account)?.get(region)?.get(key)
    }

    /// The resource `key` of `account` in `region`, to change it.
    pub fn get_mut(&mut self, account: &str, region: &str, key: &str) -> Option<&mut T> {
        self.accounts.get_mut(account)?.get_mut(region)?.get_mut(key)
    }

    /// The resources of `account` in `region` by key, if it has any.
    pub fn region(&self, account: &str, region: &str) -> Option<&BTreeMap<String, T>> {
        self.accounts.get(account)?.get(region)
    }

    /// The resources of `account` in `region`, in key order.
    pub fn in_region<'a>(&'a self, account: &str, region: &str) -> impl Iterator<Item = &'a T> + 'a {
        self.region(account, region).into_iter().flat_map(BTreeMap::values)
    }

    /// Every resource of `account`, Region by Region (one lookup when it has none).
    pub fn of_account<'a>(&'a self, account: &str) -> impl Iterator<Item = &'a T> + 'a {
        self.accounts.get(account).into_iter().flat_map(|r| r.values().flat_map(BTreeMap::values))
    }

    /// Whether `account` has any.
    pub fn has_account(&self, account: &str) -> bool {
        self.accounts.contains_key(account)
    }

    /// Every resource, by account, Region and key.
    pub fn all(&self) -> impl Iterator<Item = &T> + '_ {
        self.accounts.values().flat_map(|r| r.values().flat_map(BTreeMap::values))
    }

    /// How many resources there are in all.
    pub fn len(&self) -> usize {
        self.accounts.values().flat_map(BTreeMap::values).map(BTreeMap::len).sum()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// Adds `value` as `key` of `account` in `region`, returning the one it replaces.
    pub fn insert(&mut self, account: &str, region: &str, key: &str, value: T) -> Option<T> {
        let regions = self.accounts.entry(account.to_string()).or_default();
        regions.entry(region.to_string()).or_default().insert(key.to_string(), value)
    }

    /// Removes `key` of `account` in `region`, and the Region's and account's maps once empty.
    pub fn remove(&mut self, account: &str, region: &str, key: &str) -> Option<T> {
        let regions = self.accounts.get_mut(account)?;
        let keyed = regions.get_mut(region)?;
        let removed = keyed.remove(key);
        if keyed.is_empty() {
            regions.remove(region);
        }
        if regions.is_empty() {
            self.accounts.remove(account);
        }
        removed
    }
}

impl<'a, T> IntoIterator for &'a Regional<T> {
    type Item = (&'a String, &'a ByRegion<T>);
    type IntoIter = btree_map::Iter<'a, String, ByRegion<T>>;

    /// Each account with resources, in account order, with its resources by Region and key.
    fn into_iter(self) -> Self::IntoIter {
        self.accounts.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::Regional;

    #[test]
    fn the_last_removal_leaves_no_empty_map() {
        let mut r: Regional<u32> = Regional::default();
        assert!(r.insert("111", "us-east-1", "a", 1).is_none());
        r.insert("111", "eu-west-1", "b", 2);
        assert_eq!(r.insert("111", "us-east-1", "a", 3), Some(1));
        assert_eq!(r.of_account("111").copied().collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(r.len(), 2);
        assert_eq!(r.remove("111", "us-east-1", "a"), Some(3));
        assert!(r.region("111", "us-east-1").is_none());
        assert_eq!(r.remove("111", "eu-west-1", "b"), Some(2));
        assert!(!r.has_account("111") && r.is_empty());
        assert_eq!(r, Regional::default());
        assert_eq!(r.remove("111", "eu-west-1", "b"), None);
    }

    #[test]
    fn it_is_saved_as_its_nested_maps() {
        let mut r: Regional<u32> = Regional::default();
        r.insert("111", "us-east-1", "a", 1);
        let text = serde_json::to_string(&r).expect("serializes");
        assert_eq!(text, r#"{"111":{"us-east-1":{"a":1}}}"#);
        assert_eq!(serde_json::from_str::<Regional<u32>>(&text).expect("reads"), r);
    }
}
