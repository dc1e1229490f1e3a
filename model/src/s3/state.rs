//! S3's state: buckets, their policies, objects and versioning, and S3's own rules about them
//! (bucket names, what a bucket policy may say). Which principals exist is IAM's:
//! `crate::world::s3` joins the two.

use crate::error::{AwsError, AwsResult};
use rootsim_policy::{Policy, PolicyKind, PrincipalType};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One object: its bytes and their metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Object {
    /// The content, any bytes. Saved as a JSON string when it is UTF-8 text (so worlds saved
    /// before bodies were bytes load unchanged) and as `{"base64": "..."}` otherwise.
    #[serde(with = "body_serde")]
    pub body: Vec<u8>,
    /// The MD5 of the body in hex, which is the ETag of a single-part upload.
    pub etag: String,
    /// When it was written.
    pub modified: i64,
    /// Its version ID when the bucket's versioning was enabled at the time.
    #[serde(default)]
    pub version_id: Option<String>,
    /// The `Content-Type` it was written with; `None` reads as S3's default,
    /// `binary/octet-stream`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

impl Object {
    /// The size in bytes (`ContentLength`, `Size`).
    pub fn size(&self) -> usize {
        self.body.len()
    }
}

/// How an object's body is saved: text as a string, other bytes as `{"base64": "..."}`.
mod body_serde {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Saved {
        Text(String),
        Binary { base64: String },
    }

    pub fn serialize<S: Serializer>(body: &[u8], s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(body) {
            Ok(text) => Saved::Text(text.to_string()),
            Err(_) => Saved::Binary { base64: super::base64_encode(body) },
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        match Saved::deserialize(d)? {
            Saved::Text(text) => Ok(text.into_bytes()),
            Saved::Binary { base64 } => super::base64_decode(&base64)
                .ok_or_else(|| serde::de::Error::custom("an object body that is not base64")),
        }
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648): how binary bodies are saved and how a blob
/// parameter (`put-object --body FILE`) carries a file's bytes in a call's parameters.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of standard padded base64, or `None` when `text` is not that.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let t = text.as_bytes();
    if !t.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(t.len() / 4 * 3);
    for (ci, chunk) in t.chunks(4).enumerate() {
        let last = ci == t.len() / 4 - 1;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            let v = BASE64.iter().position(|&b| b == c)? as u32;
            n = (n << 6) | v;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// One bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// The globally unique name.
    pub name: String,
    /// The owner account's ID.
    pub owner: String,
    /// The Region it lives in.
    pub region: String,
    /// When it was created.
    pub created: i64,
    /// The bucket policy.
    #[serde(default)]
    pub policy: Option<Policy>,
    /// `Enabled` or `Suspended`; `None` while versioning was never configured.
    #[serde(default)]
    pub versioning: Option<String>,
    /// `Enabled` or `Disabled`; `None` while MFA Delete was never configured.
    #[serde(default)]
    pub mfa_delete: Option<String>,
    /// Objects by key (the latest version only).
    #[serde(default)]
    pub objects: BTreeMap<String, Object>,
    /// The bucket's Block Public Access settings; `None` while none was ever put (or after
    /// `delete-public-access-block`). `CreateBucket` puts all four on, as S3 does since April 2023.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access_block: Option<PublicAccessBlock>,
    /// The Object Ownership setting (`BucketOwnerEnforced`, `BucketOwnerPreferred` or
    /// `ObjectWriter`); `None` while the bucket has no ownership controls, which S3 treats as
    /// `ObjectWriter` (ACLs enabled). `CreateBucket` sets `BucketOwnerEnforced` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership: Option<String>,
    /// The bucket ACL's grants beyond the owner's own `FULL_CONTROL`, which every bucket ACL
    /// holds and which is not stored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acl: Vec<Grant>,
}

/// The four Block Public Access settings, of a bucket or of an account
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublicAccessBlock {
    /// Refuse PutBucketAcl (and ACLs on PUT requests) that grant public access.
    pub block_public_acls: bool,
    /// Ignore the public grants of every ACL when authorizing.
    pub ignore_public_acls: bool,
    /// Refuse PutBucketPolicy of a public policy.
    pub block_public_policy: bool,
    /// A bucket with a public policy grants nothing through it to anyone outside the owner account.
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// All four settings on: what S3 gives a new bucket.
    pub const ALL: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    /// The settings in force when both `self` and `other` apply (a bucket's and its owner
    /// account's): S3 applies the most restrictive combination, each setting on if either is.
    pub fn or(self, other: PublicAccessBlock) -> PublicAccessBlock {
        PublicAccessBlock {
            block_public_acls: self.block_public_acls || other.block_public_acls,
            ignore_public_acls: self.ignore_public_acls || other.ignore_public_acls,
            block_public_policy: self.block_public_policy || other.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets || other.restrict_public_buckets,
        }
    }
}

/// Who a bucket ACL grant names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grantee {
    /// An account, by the account ID (S3 names it by its canonical user ID).
    Account(String),
    /// Anyone, signed in or not (`http://acs.amazonaws.com/groups/global/AllUsers`).
    AllUsers,
    /// Any AWS account's signed-in principal (`http://acs.amazonaws.com/groups/global/AuthenticatedUsers`).
    AuthenticatedUsers,
}

impl Grantee {
    /// Whether granting to it makes the ACL public: AWS's groups `AllUsers` and `AuthenticatedUsers`.
    pub fn is_public(&self) -> bool {
        matches!(self, Grantee::AllUsers | Grantee::AuthenticatedUsers)
    }
}

/// One grant of a bucket ACL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Who is granted.
    pub grantee: Grantee,
    /// `FULL_CONTROL`, `READ`, `WRITE`, `READ_ACP` or `WRITE_ACP`.
    pub permission: String,
}

/// The URI of S3's group of every requester, signed in or not.
pub const ALL_USERS_URI: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
/// The URI of S3's group of every signed-in AWS principal.
pub const AUTHENTICATED_USERS_URI: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// The condition keys whose fixed value makes an `Allow` to everyone non-public, as S3's page "The
/// meaning of public" lists them
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status>).
const FIXING_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "aws:userid",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
];

/// Whether an `aws:SourceIp` value fixes a statement to a set of sources: S3 counts a range
/// broader than /8 (IPv4) or /32 (IPv6) as public, whatever operator names it; an address
/// without a prefix is one host. A value that is not an address range fixes nothing.
fn narrow_ip_range(value: &str) -> bool {
    let v6 = value.contains(':');
    let (bits, narrowest_public) = if v6 { (128, 32) } else { (32, 8) };
    let prefix = match value.split_once('/') {
        Some((_, p)) => match p.parse::<u32>() {
            Ok(p) if p <= bits => p,
            _ => return false,
        },
        None => bits,
    };
    prefix >= narrowest_public
}

/// Whether a bucket policy is public as S3 judges it: some `Allow` statement whose principal is
/// everyone (`"*"`, `{"AWS": "*"}`, or a `NotPrincipal`) and that no condition fixes to a set
/// of principals or sources: a fixing key of [`FIXING_KEYS`] compared with fixed values (no
/// wildcard, no policy variable) by a positive operator, or `aws:SourceIp` limited to ranges
/// no broader than /8 (IPv4) or /32 (IPv6) (S3's page "The meaning of public").
pub fn is_public_policy(policy: &Policy) -> bool {
    policy.statements().any(|st| {
        if st.effect() != rootsim_policy::Effect::Allow {
            return false;
        }
        let everyone = st.is_not_principal()
            || st
                .principal_groups()
                .any(|g| matches!(g.kind(), PrincipalType::Aws | PrincipalType::Any) && g.values().any(|v| v == "*"));
        if !everyone {
            return false;
        }
        let fixed = st.conditions().any(|c| {
            let op = c.operator().to_ascii_lowercase();
            let key = c.key().to_ascii_lowercase();
            let positive = !op.contains("not") && !op.starts_with("forallvalues") && !op.ends_with("ifexists");
            let wild = |v: &str| v.contains(['*', '?']) || v.contains("${");
            if !positive || c.values().len() == 0 {
                return false;
            }
            if key == "aws:sourceip" {
                return op == "ipaddress" && c.values().all(narrow_ip_range);
            }
            FIXING_KEYS.contains(&key.as_str()) && !op.starts_with("null") && c.values().all(|v| !wild(v))
        });
        !fixed
    })
}

impl Bucket {
    /// `arn:aws:s3:::<name>`.
    pub fn arn(&self) -> String {
        bucket_arn(&self.name)
    }
}

impl Bucket {
    /// A new bucket with no policy, no versioning state and no objects.
    pub fn new(name: &str, owner: &str, region: &str, created: i64) -> Bucket {
        Bucket {
            name: name.to_string(),
            owner: owner.to_string(),
            region: region.to_string(),
            created,
            policy: None,
            versioning: None,
            mfa_delete: None,
            objects: BTreeMap::new(),
            public_access_block: None,
            ownership: None,
            acl: Vec::new(),
        }
    }
}

/// The S3 state: every bucket of every account, by name (the namespace is global).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct S3 {
    /// Buckets by name.
    pub buckets: BTreeMap<String, Bucket>,
    /// Each account's own Block Public Access settings (`aws s3control put-public-access-block`),
    /// by account ID; an account missing here has none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub account_public_access_blocks: BTreeMap<String, PublicAccessBlock>,
}

impl S3 {
    /// A bucket's owner account and its bucket policy, named as decisions name it (`on bucket
    /// NAME`): what a request on the bucket or its objects is decided with. `None` when there is
    /// no such bucket.
    ///
    /// While the bucket's ACLs are enabled (Object Ownership other than `BucketOwnerEnforced`),
    /// its ACL's grants are resource-based permissions too: each is added to the policy as one
    /// `Allow` statement (Sid `ACL<PERMISSION>To<Grantee>`) of the actions AWS maps the
    /// permission to, so that one decision weighs both, as S3's authorization does
    /// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions>).
    /// Public grants are left out under IgnorePublicAcls.
    pub fn bucket_policy(&self, bucket: &str) -> Option<(String, Option<(String, Policy)>)> {
        let b = self.buckets.get(bucket)?;
        let ignore_public = self.effective_public_access_block(bucket).is_some_and(|p| p.ignore_public_acls);
        let grants = acl_statements(b, ignore_public);
        if grants.is_empty() {
            return Some((b.owner.clone(), b.policy.clone().map(|p| (format!("on bucket {bucket}"), p))));
        }
        let mut statements: Vec<Value> = match b.policy.as_ref().map(Policy::to_json) {
            Some(Value::Object(mut doc)) => match doc.remove("Statement") {
                Some(Value::Array(a)) => a,
                Some(one) => vec![one],
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        statements.extend(grants);
        let doc = serde_json::json!({ "Version": "2012-10-17", "Statement": statements });
        // A document built of a stored policy and well-formed grants parses; should it not, the
        // grants are left out and the stored policy alone decides (never more access).
        let merged = Policy::parse(&doc.to_string(), PolicyKind::Resource).ok().or_else(|| b.policy.clone());
        Some((b.owner.clone(), merged.map(|p| (format!("on bucket {bucket} (with its ACL)"), p))))
    }

    /// Adds `bucket` under its name.
    pub fn insert_bucket(&mut self, bucket: Bucket) {
        self.buckets.insert(bucket.name.clone(), bucket);
    }

    /// Deletes the bucket `name`, which must be empty (`BucketNotEmpty`). A missing bucket is
    /// left missing.
    pub fn delete_bucket(&mut self, name: &str) -> AwsResult<()> {
        if self.buckets.get(name).is_some_and(|b| !b.objects.is_empty()) {
            return Err(AwsError::new("BucketNotEmpty", 409, "The bucket you tried to delete is not empty"));
        }
        self.buckets.remove(name);
        Ok(())
    }

    /// Replaces (`Some`) or removes (`None`) the policy of the bucket `name`, if it exists.
    pub fn set_policy(&mut self, name: &str, policy: Option<Policy>) {
        if let Some(b) = self.buckets.get_mut(name) {
            b.policy = policy;
        }
    }

    /// Stores `object` under `key` in the bucket `name`, if it exists.
    pub fn put_object(&mut self, name: &str, key: &str, object: Object) {
        if let Some(b) = self.buckets.get_mut(name) {
            b.objects.insert(key.to_string(), object);
        }
    }

    /// Removes the object `key` of the bucket `name` and returns it (`None` when there was none).
    pub fn delete_object(&mut self, name: &str, key: &str) -> Option<Object> {
        self.buckets.get_mut(name)?.objects.remove(key)
    }

    /// Sets the versioning state and MFA Delete of the bucket `name` (each only when given).
    pub fn set_versioning(&mut self, name: &str, status: Option<&str>, mfa_delete: Option<&str>) {
        if let Some(b) = self.buckets.get_mut(name) {
            if let Some(s) = status {
                b.versioning = Some(s.to_string());
            }
            if let Some(m) = mfa_delete {
                b.mfa_delete = Some(m.to_string());
            }
        }
    }
}

impl S3 {
    /// The Block Public Access settings in force for the bucket `name`: its own combined with its
    /// owner account's (each on if either is). `None` when there is no such bucket.
    pub fn effective_public_access_block(&self, name: &str) -> Option<PublicAccessBlock> {
        let b = self.buckets.get(name)?;
        let own = b.public_access_block.unwrap_or_default();
        Some(own.or(self.account_public_access_blocks.get(&b.owner).copied().unwrap_or_default()))
    }
}

/// The actions an ACL permission grants on a bucket, as AWS maps them
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions>);
/// WRITE covers the bucket's objects.
fn acl_actions(permission: &str) -> &'static [&'static str] {
    match permission {
        "READ" => &["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"],
        "WRITE" => &["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
        "READ_ACP" => &["s3:GetBucketAcl"],
        "WRITE_ACP" => &["s3:PutBucketAcl"],
        "FULL_CONTROL" => &[
            "s3:ListBucket",
            "s3:ListBucketVersions",
            "s3:ListBucketMultipartUploads",
            "s3:PutObject",
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
            "s3:GetBucketAcl",
            "s3:PutBucketAcl",
        ],
        _ => &[],
    }
}

/// The bucket ACL's grants as policy statements, when the bucket's ACLs are enabled. AllUsers is
/// `Principal: "*"`; AuthenticatedUsers is `"*"` limited to signed-in callers (a principal ARN
/// exists); an account is its root (the account's own IAM policies must then allow, as for a
/// bucket policy naming the account).
fn acl_statements(b: &Bucket, ignore_public: bool) -> Vec<Value> {
    if b.ownership.as_deref() == Some("BucketOwnerEnforced") {
        return Vec::new();
    }
    b.acl
        .iter()
        .filter(|g| !(ignore_public && g.grantee.is_public()))
        .filter(|g| !acl_actions(&g.permission).is_empty())
        .map(|g| {
            let actions = acl_actions(&g.permission);
            let resources = [bucket_arn(&b.name), format!("{}/*", bucket_arn(&b.name))];
            let (who, principal) = match &g.grantee {
                Grantee::AllUsers => ("AllUsers".to_string(), serde_json::json!("*")),
                Grantee::AuthenticatedUsers => ("AuthenticatedUsers".to_string(), serde_json::json!("*")),
                Grantee::Account(a) => {
                    (format!("Account{a}"), serde_json::json!({ "AWS": format!("arn:aws:iam::{a}:root") }))
                }
            };
            let sid = format!("ACL{}To{who}", g.permission.replace('_', ""));
            let mut st = serde_json::json!({
                "Sid": sid, "Effect": "Allow", "Principal": principal, "Action": actions, "Resource": resources
            });
            if g.grantee == Grantee::AuthenticatedUsers {
                st["Condition"] = serde_json::json!({ "Null": { "aws:PrincipalArn": "false" } });
            }
            st
        })
        .collect()
}

/// `arn:aws:s3:::<bucket>`: bucket ARNs name neither a Region nor an account.
pub fn bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

/// `arn:aws:s3:::<bucket>/<key>`.
pub fn object_arn(bucket: &str, key: &str) -> String {
    format!("arn:aws:s3:::{bucket}/{key}")
}

/// Whether `name` follows S3's rules for general purpose buckets: 3 to 63 lower-case letters,
/// digits, dots and hyphens, starting and ending with a letter or digit, no `..`, not an IPv4
/// address, and none of the prefixes and suffixes S3 reserves.
pub fn valid_bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    let charset = b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-');
    let edges = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let ipv4 = name.split('.').count() == 4 && name.split('.').all(|p| !p.is_empty() && p.parse::<u8>().is_ok());
    let reserved_prefix = ["xn--", "sthree-", "amzn-s3-demo-"].iter().any(|p| name.starts_with(p));
    let reserved_suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].iter().any(|s| name.ends_with(s));
    (3..=63).contains(&b.len())
        && charset
        && edges(b.first())
        && edges(b.last())
        && !name.contains("..")
        && !ipv4
        && !reserved_prefix
        && !reserved_suffix
}

fn malformed_policy(message: &str) -> AwsError {
    AwsError::new("MalformedPolicy", 400, message)
}

const JSON_FIRST_BYTE: &str = "Policies must be valid JSON and the first byte must be '{'";

/// Parses a bucket policy as S3 checks it: valid JSON starting with `{`, a valid resource-based
/// policy, S3 actions only, resources of this bucket only, and `AWS` principals for which
/// `principal_exists` holds (S3 resolves them when the policy is written; the world knows which
/// exist: `crate::world::s3::parse_bucket_policy`).
pub fn parse_bucket_policy_with(
    bucket: &str,
    text: &str,
    principal_exists: impl Fn(&str) -> bool,
) -> AwsResult<Policy> {
    if !text.trim_start().starts_with('{') || serde_json::from_str::<Value>(text).is_err() {
        return Err(malformed_policy(JSON_FIRST_BYTE));
    }
    let policy = Policy::parse(text, PolicyKind::Resource).map_err(|e| {
        // S3 words a principal it cannot resolve (a unique ID included) as its own check below does.
        let message = if e.message.starts_with("Invalid principal in policy") {
            "Invalid principal in policy"
        } else {
            "Invalid policy syntax."
        };
        malformed_policy(message).with_hint(format!("  at line {}, column {}: {}", e.line, e.column, e.detail))
    })?;
    let ours = |r: &str| {
        r.strip_prefix("arn:aws:s3:::").is_some_and(|rest| {
            let b = rest.split('/').next().unwrap_or("");
            b == bucket || b.contains(['*', '?'])
        })
    };
    for st in policy.statements() {
        if st.action_patterns().any(|a| a.text() != "*" && !a.text().to_ascii_lowercase().starts_with("s3:")) {
            return Err(malformed_policy("Policy has invalid action"));
        }
        if st.resource_patterns().any(|r| !ours(r.text())) {
            return Err(malformed_policy("Policy has invalid resource"));
        }
        let mut aws = st.principal_groups().filter(|g| g.kind() == PrincipalType::Aws).flat_map(|g| g.values());
        if aws.any(|p| !principal_exists(p)) {
            return Err(malformed_policy("Invalid principal in policy"));
        }
    }
    Ok(policy)
}

/// The MD5 digest of `data` in lower-case hex: S3's ETag of a single-part object and SQS's
/// `MD5OfMessageBody` (RFC 1321).
pub fn md5_hex(data: &[u8]) -> String {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14,
        20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6,
        10, 15, 21,
    ];
    const K: [u32; 64] = [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8,
        0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
        0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87,
        0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
        0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
        0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
        0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
        0xeb86d391,
    ];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_le_bytes());
    let mut h: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk.chunks(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
        let (mut a, mut b, mut c, mut d) = (h[0], h[1], h[2], h[3]);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(K[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        h[0] = h[0].wrapping_add(a);
        h[1] = h[1].wrapping_add(b);
        h[2] = h[2].wrapping_add(c);
        h[3] = h[3].wrapping_add(d);
    }
    h.iter().flat_map(|w| w.to_le_bytes()).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_rfc_1321() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(md5_hex(b"The quick brown fox jumps over the lazy dog"), "9e107d9d372bb6826bd81d3542a419d6");
        assert_eq!(md5_hex(&[b'a'; 64]), "014842d480b571495a4a0363793f7367");
    }

    #[test]
    fn base64_matches_rfc_4648_and_round_trips() {
        // RFC 4648, section 10's test vectors.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_encode(plain.as_bytes()), encoded);
            assert_eq!(base64_decode(encoded).as_deref(), Some(plain.as_bytes()));
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(base64_decode(&base64_encode(&all)), Some(all));
        for bad in ["Zg=", "Z===", "Zg==Zg==", "Zm9*"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn bodies_save_as_text_or_base64_and_load_back() {
        let text = Object {
            body: b"name,amount".to_vec(),
            etag: String::new(),
            modified: 0,
            version_id: None,
            content_type: None,
        };
        let saved = serde_json::to_value(&text).unwrap();
        assert_eq!(saved["body"], "name,amount");
        let binary = Object { body: vec![0xff, 0x00, 0x89, b'P'], ..text.clone() };
        let saved = serde_json::to_value(&binary).unwrap();
        assert_eq!(saved["body"]["base64"], "/wCJUA==");
        assert_eq!(serde_json::from_value::<Object>(saved).unwrap(), binary);
        // A world saved when bodies were text loads as before.
        let old = serde_json::json!({"body": "hello", "etag": "x", "modified": 5});
        assert_eq!(serde_json::from_value::<Object>(old).unwrap().body, b"hello");
    }

    #[test]
    fn bucket_names_follow_s3_rules() {
        for ok in ["abc", "my-bucket.logs", "a1b2c3", &"a".repeat(63)] {
            assert!(valid_bucket_name(ok), "{ok}");
        }
        for bad in [
            "ab",
            &"a".repeat(64),
            "My-Bucket",
            "bucket_name",
            "-bucket",
            "bucket-",
            "my..bucket",
            "192.168.5.4",
            "xn--bucket",
            "sthree-bucket",
            "bucket-s3alias",
            "bucket--ol-s3",
            "has space",
        ] {
            assert!(!valid_bucket_name(bad), "{bad}");
        }
    }

    fn policy(statement: &str) -> Policy {
        Policy::parse(&format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#), PolicyKind::Resource)
            .expect("a valid policy")
    }

    #[test]
    fn public_means_everyone_without_a_fixing_condition() {
        // Examples from S3's page "The meaning of public": "*" alone, or limited only by a
        // wildcard or a negated operator, is public; a fixed source, organization or range is not.
        let r = r#""Resource":"arn:aws:s3:::b/*""#;
        let public = [
            format!(r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",{r}}}"#),
            format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"s3:GetObject",{r}}}"#),
            format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",{r},"Condition":{{"StringLike":{{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",{r},"Condition":{{"StringNotEquals":{{"aws:SourceAccount":"111122223333"}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",{r},"Condition":{{"IpAddress":{{"aws:SourceIp":"0.0.0.0/0"}}}}}}"#
            ),
            // Broader than /8 (IPv4) or /32 (IPv6) is public too, as is a policy variable.
            format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",{r},"Condition":{{"IpAddress":{{"aws:SourceIp":"0.0.0.0/1"}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",{r},"Condition":{{"IpAddress":{{"aws:SourceIp":["192.0.2.0/24","2001:db8::/16"]}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",{r},"Condition":{{"StringEquals":{{"aws:SourceVpc":"${{aws:PrincipalTag/vpc}}"}}}}}}"#
            ),
        ];
        for p in &public {
            assert!(is_public_policy(&policy(p)), "{p}");
        }
        let fixed = [
            format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",{r},"Condition":{{"StringEquals":{{"aws:PrincipalOrgID":"o-abc123"}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",{r},"Condition":{{"StringEquals":{{"aws:SourceAccount":"111122223333"}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",{r},"Condition":{{"IpAddress":{{"aws:SourceIp":"192.0.2.0/24"}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",{r},"Condition":{{"IpAddress":{{"aws:SourceIp":["10.0.0.0/8","198.51.100.7","2001:db8::/32"]}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:root"}},"Action":"s3:GetObject",{r}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow","Principal":{{"Service":"cloudtrail.amazonaws.com"}},"Action":"s3:PutObject",{r}}}"#
            ),
            format!(r#"{{"Effect":"Deny","Principal":"*","Action":"s3:*",{r}}}"#),
        ];
        for p in &fixed {
            assert!(!is_public_policy(&policy(p)), "{p}");
        }
    }

    #[test]
    fn a_bucket_and_its_account_combine_their_settings() {
        let mut s3 = S3::default();
        let mut b = Bucket::new("b", "111122223333", "us-east-1", 0);
        b.public_access_block = Some(PublicAccessBlock { block_public_acls: true, ..Default::default() });
        s3.insert_bucket(b);
        assert!(!s3.effective_public_access_block("b").unwrap().block_public_policy);
        s3.account_public_access_blocks
            .insert("111122223333".into(), PublicAccessBlock { block_public_policy: true, ..Default::default() });
        let e = s3.effective_public_access_block("b").unwrap();
        assert!(e.block_public_acls && e.block_public_policy && !e.restrict_public_buckets);
        // Another account's settings do not apply.
        s3.account_public_access_blocks.clear();
        s3.account_public_access_blocks.insert("999999999999".into(), PublicAccessBlock::ALL);
        assert!(!s3.effective_public_access_block("b").unwrap().restrict_public_buckets);
        assert!(s3.effective_public_access_block("missing").is_none());
    }

    #[test]
    fn acl_grants_join_the_policy_only_while_acls_are_enabled() {
        let mut s3 = S3::default();
        let mut b = Bucket::new("b", "111122223333", "us-east-1", 0);
        b.acl = vec![Grant { grantee: Grantee::AllUsers, permission: "READ".into() }];
        b.ownership = Some("BucketOwnerEnforced".into());
        s3.insert_bucket(b.clone());
        assert!(s3.bucket_policy("b").unwrap().1.is_none(), "ACLs disabled: no grant counts");
        b.ownership = Some("ObjectWriter".into());
        s3.insert_bucket(b.clone());
        let (label, p) = s3.bucket_policy("b").unwrap().1.expect("the grant as a statement");
        assert_eq!(label, "on bucket b (with its ACL)");
        assert_eq!(p.statements().next().unwrap().sid(), Some("ACLREADToAllUsers"));
        // IgnorePublicAcls drops the public grant.
        b.public_access_block = Some(PublicAccessBlock { ignore_public_acls: true, ..Default::default() });
        s3.insert_bucket(b);
        assert!(s3.bucket_policy("b").unwrap().1.is_none());
    }
}
