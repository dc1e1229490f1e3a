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

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// A `T` that is cloned only when changed while shared.
#[derive(Default)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(value))
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
}
