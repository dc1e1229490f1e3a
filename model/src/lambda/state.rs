//! Lambda's state: each account's functions per Region, with the typed changes the operations
//! make. Plain data: no CLI parameters, no output JSON, no authorization, no `World`.

use crate::regional::Regional;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The service principal a function's execution role must trust, and the one `iam:PassRole` is
/// asked with (`iam:PassedToService`).
pub const SERVICE_PRINCIPAL: &str = "lambda.amazonaws.com";

/// Where a function's deployment package came from (what `GetFunction`'s `Code` describes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeSource {
    /// A .zip file uploaded with the request (`--zip-file`).
    Zip,
    /// An object of S3, copied when the function was created or updated.
    S3 {
        /// The bucket.
        bucket: String,
        /// The key.
        key: String,
    },
}

/// One function (its unpublished version, `$LATEST`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    /// The function's name.
    pub name: String,
    /// The account that owns it.
    pub account: String,
    /// The Region it lives in.
    pub region: String,
    /// The runtime (`python3.13`, ...); `None` when imported without one.
    #[serde(default)]
    pub runtime: Option<String>,
    /// The ARN of the execution role (of this account or of another).
    pub role: String,
    /// The handler (`index.handler`); `None` when imported without one.
    #[serde(default)]
    pub handler: Option<String>,
    /// The description (empty by default).
    #[serde(default)]
    pub description: String,
    /// Seconds a run may last.
    pub timeout: i64,
    /// Megabytes of memory.
    pub memory_size: i64,
    /// The size of the deployment package in bytes.
    pub code_size: u64,
    /// The base64 SHA-256 of the deployment package.
    pub code_sha256: String,
    /// Where the package came from.
    pub code: CodeSource,
    /// The last change of its code or configuration, epoch seconds.
    pub last_modified: i64,
    /// The revision ID, a new UUID at every change.
    pub revision_id: String,
    /// The environment variables, when set (`None` and an empty map print differently).
    #[serde(default)]
    pub environment: Option<BTreeMap<String, String>>,
    /// The function's tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The number of versions published (`--publish`); version N is a snapshot rootsim does
    /// not keep.
    #[serde(default)]
    pub published: u32,
}

impl Function {
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME`, the ARN of the Service Authorization
    /// Reference's `function` resource type.
    pub fn arn(&self) -> String {
        function_arn(&self.region, &self.account, &self.name)
    }
}

/// The ARN of the function `name` of `account` in `region`.
pub fn function_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{account}:function:{name}")
}

/// Lambda's state: every account's functions, by account, Region and name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lambda {
    /// Functions by account ID, then Region, then name.
    pub accounts: Regional<Function>,
}

impl Lambda {
    /// The function `name` of `account` in `region`.
    pub fn function(&self, account: &str, region: &str, name: &str) -> Option<&Function> {
        self.accounts.get(account, region, name)
    }

    /// The function `name` of `account` in `region`, to change.
    pub fn function_mut(&mut self, account: &str, region: &str, name: &str) -> Option<&mut Function> {
        self.accounts.get_mut(account, region, name)
    }

    /// The functions of `account` in `region`, by name.
    pub fn functions_in<'a>(&'a self, account: &str, region: &str) -> impl Iterator<Item = &'a Function> + 'a {
        self.accounts.in_region(account, region)
    }

    /// Every function of `account`, Region by Region (one map lookup when it has none).
    pub fn functions_of<'a>(&'a self, account: &str) -> impl Iterator<Item = &'a Function> + 'a {
        self.accounts.of_account(account)
    }

    /// Adds or replaces `function` (under its account, Region and name).
    pub fn insert(&mut self, function: Function) {
        let (account, region, name) = (function.account.clone(), function.region.clone(), function.name.clone());
        self.accounts.insert(&account, &region, &name, function);
    }

    /// Removes the function `name` of `account` in `region` (the empty maps with it).
    pub fn remove(&mut self, account: &str, region: &str, name: &str) -> Option<Function> {
        self.accounts.remove(account, region, name)
    }
}

/// Whether `name` is a function name Lambda takes: 1 to 64 letters, digits, `-` and `_` (the
/// `FunctionName` pattern's last part; the API reference limits the name to 64 characters).
pub fn valid_function_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `2026-12-07T10:00:00.000+0000`: how Lambda writes `LastModified` (ISO 8601 with milliseconds
/// and a `+0000` offset, the API reference's `YYYY-MM-DDThh:mm:ss.sTZD`).
pub fn format_last_modified(epoch: i64) -> String {
    let (y, mo, d, h, mi, s) = crate::clock::civil(epoch);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000+0000")
}

/// The inverse of [`format_last_modified`] for an imported listing (milliseconds dropped, any
/// `+HHMM` offset taken as UTC's); `None` when it is not that form.
pub fn parse_last_modified(text: &str) -> Option<i64> {
    let (date, _) = text.split_once('.').or_else(|| text.split_once('+'))?;
    crate::clock::parse_iso(&format!("{}Z", date.get(..19)?))
}

/// The SHA-256 digest of `data` (FIPS 180-4), written here rather than taken from a crate, as
/// S3's MD5 is: Lambda's `CodeSha256` is its base64.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
        0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
        0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in chunk.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7].wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [t1.wrapping_add(t2), v[0], v[1], v[2], v[3].wrapping_add(t1), v[4], v[5], v[6]];
        }
        for (a, b) in h.iter_mut().zip(v) {
            *a = a.wrapping_add(b);
        }
    }
    let mut out = [0u8; 32];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Whether `bytes` are a .zip archive as the AWS CLI checks `--zip-file` (Python's `zipfile`
/// opening it): an end-of-central-directory record within the last 64 KiB + 22 bytes, whose
/// central directory lies before it.
pub fn is_zip(bytes: &[u8]) -> bool {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    if bytes.len() < 22 {
        return false;
    }
    let earliest = bytes.len().saturating_sub(22 + 65_535);
    (earliest..=bytes.len() - 22).rev().any(|at| {
        let r = &bytes[at..];
        if r[..4] != EOCD {
            return false;
        }
        let size = u32::from_le_bytes([r[12], r[13], r[14], r[15]]) as usize;
        let offset = u32::from_le_bytes([r[16], r[17], r[18], r[19]]) as usize;
        offset.checked_add(size).is_some_and(|end| end <= at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(d: [u8; 32]) -> String {
        d.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha256_matches_fips_180_examples() {
        assert_eq!(hex(sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex(sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            hex(sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn a_zip_is_told_from_other_bytes() {
        // The empty archive: its end-of-central-directory record alone.
        let mut empty = vec![0x50, 0x4b, 0x05, 0x06];
        empty.extend([0u8; 18]);
        assert!(is_zip(&empty));
        assert!(!is_zip(b"print('hello')"));
        // A record whose central directory would end past it is refused.
        let mut broken = empty.clone();
        broken[12] = 9;
        assert!(!is_zip(&broken));
        assert!(!is_zip(&[]));
    }

    #[test]
    fn last_modified_reads_back() {
        let t = 1_796_637_600; // 2026-12-07T10:00:00Z
        assert_eq!(format_last_modified(t), "2026-12-07T10:00:00.000+0000");
        assert_eq!(parse_last_modified(&format_last_modified(t)), Some(t));
        assert_eq!(parse_last_modified("2026-12-07T10:00:00.123+0000"), Some(t));
        assert_eq!(parse_last_modified("yesterday"), None);
    }

    #[test]
    fn removing_the_last_function_leaves_no_empty_account() {
        let mut l = Lambda::default();
        let f = Function {
            name: "f".into(),
            account: "111122223333".into(),
            region: "us-east-1".into(),
            runtime: None,
            role: "arn:aws:iam::111122223333:role/r".into(),
            handler: None,
            description: String::new(),
            timeout: 3,
            memory_size: 128,
            code_size: 0,
            code_sha256: String::new(),
            code: CodeSource::Zip,
            last_modified: 0,
            revision_id: String::new(),
            environment: None,
            tags: BTreeMap::new(),
            published: 0,
        };
        l.insert(f);
        assert_eq!(l.functions_of("111122223333").count(), 1);
        assert!(l.remove("111122223333", "us-east-1", "f").is_some());
        assert!(l.accounts.is_empty());
    }
}
