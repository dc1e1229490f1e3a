//! Copy-on-write state, so that copying a world costs what is later changed, not what it holds.
//!
//! Before every AWS call the session keeps a copy of the world, to put back if the call fails
//! (`command::Session::run_aws`). A deep copy of a synthetic estate of 50,000 roles costs tens of
//! milliseconds; [`Shared`] makes the copy a reference count: the world's big parts, and each
//! account's IAM within them, sit behind one, and the first change through a copy that is shared
//! clones only that part (`Arc::make_mut`). A call that changes one role in one account so copies
//! the map of accounts (pointers) and that account's IAM, not the estate.
//!
//! `Shared<T>` reads and writes as `T` (`Deref`, `DerefMut`), compares by value, and serializes
//! as `T`, so the saved-world format does not change.
//!
//! Every way to change a shared value or make a new one (`DerefMut`, [`Shared::new`] and what
//! calls it) advances a process-wide [`epoch`]: what is derived from a world and remembered
//! (the authorization cache, `crate::auth`) is valid while the epoch and the addresses of the
//! parts it read ([`Shared::addr`]) are unchanged.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Advanced by every mutable borrow of any [`Shared`] value and every new one, in any world.
static EPOCH: AtomicU64 = AtomicU64::new(0);

/// The number of changes to shared values so far (in the whole process, so a change to another
/// world counts too: a cache keyed by it is only ever emptied too often, never too rarely).
pub fn epoch() -> u64 {
    EPOCH.load(Ordering::Acquire)
}

fn advance() {
    EPOCH.fetch_add(1, Ordering::AcqRel);
}

/// A `T` that is cloned only when changed while shared.
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Shared<T> {
        // A new allocation may reuse a freed one's address: the epoch tells them apart.
        advance();
        Shared(Arc::new(value))
    }

    /// The address of the value: the same while nothing replaces it ([`epoch`] tells whether it
    /// was changed in place).
    pub fn addr(&self) -> usize {
        Arc::as_ptr(&self.0) as *const () as usize
    }
}

impl<T: Default> Default for Shared<T> {
    fn default() -> Self {
        Shared::new(T::default())
    }
}

impl<T> Clone for Shared<T> {
    /// A new reference to the same value: O(1).
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    /// Clones the value first if another copy shares it, so the other copy never sees the change.
    fn deref_mut(&mut self) -> &mut T {
        // Before the change, which cannot overlap a read of this world (`&mut` excludes `&`).
        advance();
        Arc::make_mut(&mut self.0)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    /// Equal values, whether shared or not (the same pointer is a quick yes).
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Shared::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_through_one_copy_leaves_the_other_alone() {
        let a = Shared::new(vec![1, 2, 3]);
        let mut b = a.clone();
        assert!(Arc::ptr_eq(&a.0, &b.0), "cloning shares");
        b.push(4);
        assert_eq!(*a, vec![1, 2, 3]);
        assert_eq!(*b, vec![1, 2, 3, 4]);
        assert!(a != b);
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, "[1,2,3,4]", "serialized as the value itself");
        assert_eq!(serde_json::from_str::<Shared<Vec<i32>>>(&json).unwrap(), b);
    }

    #[test]
    fn every_change_and_every_new_value_advances_the_epoch() {
        let before = epoch();
        let mut a = Shared::new(vec![1]);
        let after_new = epoch();
        assert!(after_new > before);
        let _read = a.len();
        a.push(2);
        assert!(epoch() > after_new, "a mutable borrow advances it");
        let b = Shared::<Vec<i32>>::default();
        assert!(b.is_empty());
        let c = a.clone();
        assert_eq!(a.addr(), c.addr(), "a clone shares the value and its address");
    }
}
