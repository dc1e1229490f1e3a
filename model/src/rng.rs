//! The seeded generator behind every ID, key, secret and token.
//!
//! It is part of the world's state (and saved with it), so a world loaded from a file goes on
//! producing the same identifiers the original would have. Never use the OS's randomness here.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// The base-32 alphabet AWS uses for unique IDs and access key IDs.
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A deterministic random generator (ChaCha8, portable across platforms and crate versions).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SimRng {
    inner: ChaCha8Rng,
}

impl SimRng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SimRng { inner: ChaCha8Rng::seed_from_u64(seed) }
    }

    fn pick(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| alphabet[self.inner.random_range(0..alphabet.len())] as char).collect()
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.inner.random_range(0..n.max(1))
    }

    /// A 12-digit account ID that does not start with 0.
    pub fn account_id(&mut self) -> String {
        let first = char::from(b'1' + self.inner.random_range(0..9u8));
        format!("{first}{}", self.pick(b"0123456789", 11))
    }

    /// An IAM unique ID: `prefix` (AIDA, AROA, AGPA, ANPA, ...) and 17 base-32 characters.
    pub fn unique_id(&mut self, prefix: &str) -> String {
        format!("{prefix}{}", self.pick(BASE32, 17))
    }

    /// An access key ID: `AKIA` (long-term) or `ASIA` (temporary) and 16 base-32 characters.
    pub fn access_key_id(&mut self, prefix: &str) -> String {
        format!("{prefix}{}", self.pick(BASE32, 16))
    }

    /// A 40-character secret access key.
    pub fn secret_key(&mut self) -> String {
        self.pick(BASE64, 40)
    }

    /// An opaque session token.
    pub fn session_token(&mut self) -> String {
        format!("IQoJb3JpZ2luX2VjE{}", self.pick(BASE64, 120))
    }

    /// `len` lower-case letters and digits, as in organization, root and OU IDs.
    pub fn lower_alnum(&mut self, len: usize) -> String {
        self.pick(LOWER_ALNUM, len)
    }

    /// `len` letters of either case and digits, as in Account Management's one-time codes
    /// (`[a-zA-Z0-9]`).
    pub fn alnum(&mut self, len: usize) -> String {
        self.pick(&BASE64[..62], len)
    }

    /// A numeric one-time code of `len` digits.
    pub fn digits(&mut self, len: usize) -> String {
        self.pick(b"0123456789", len)
    }

    /// `len` lower-case hexadecimal digits, as in KMS key IDs.
    pub fn lower_hex(&mut self, len: usize) -> String {
        self.pick(b"0123456789abcdef", len)
    }

    /// A base-32 secret for a virtual MFA device.
    pub fn base32(&mut self, len: usize) -> String {
        self.pick(BASE32, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids() {
        let (mut a, mut b) = (SimRng::new(7), SimRng::new(7));
        assert_eq!(a.account_id(), b.account_id());
        assert_eq!(a.unique_id("AIDA"), b.unique_id("AIDA"));
        let mut c = SimRng::new(8);
        assert_ne!(SimRng::new(7).secret_key(), c.secret_key());
    }

    #[test]
    fn shapes() {
        let mut r = SimRng::new(1);
        let id = r.account_id();
        assert_eq!(id.len(), 12);
        assert!(!id.starts_with('0'));
        assert_eq!(r.unique_id("AIDA").len(), 21);
        assert_eq!(r.access_key_id("AKIA").len(), 20);
        assert_eq!(r.secret_key().len(), 40);
    }
}
