//! Amazon S3 (`aws s3api`): buckets, bucket policies, objects, versioning and MFA Delete, Block
//! Public Access, Object Ownership and bucket ACLs. The
//! high-level `aws s3` commands are the command layer's (`crate::command::s3`), made of these
//! operations.
//!
//! This module owns the S3 state of the world (`state`: buckets, objects, bucket policies, their
//! typed changes) and the operations on it (`ops`: reading each call's parameters, authorizing it,
//! rendering the response), and the rules that are S3's own:
//!
//! * Bucket names are global: one name, one bucket, across every account (`BucketAlreadyExists`
//!   for someone else's, `BucketAlreadyOwnedByYou` for one's own), and they follow S3's naming
//!   rules (`InvalidBucketName`).
//! * Every call is authorized by the one policy engine with the bucket policy as the resource
//!   policy. A bucket ARN (`arn:aws:s3:::bucket`) names no account, so the owner is passed along
//!   ([`crate::service::Call::authorize_owned`]): a caller of another account is evaluated cross-account.
//! * A bucket policy that denies everyone locks out IAM administrators and, for object access,
//!   even the root user. The owner account's root user can still read, replace and delete the
//!   policy: that exemption lives in the engine
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks>), so
//!   only SCPs and RCPs can stop it.
//! * MFA Delete: only the bucket owner's root user, with long-term credentials and a current
//!   code of one of its MFA devices in `--mfa "SERIAL CODE"`, can turn it on or off, and once on,
//!   every change of the versioning state needs that code (task `s3-mfa-delete`,
//!   <https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html>).
//!
//! * Objects hold bytes (any file: `put-object --body FILE`, `aws s3 cp`), with their MD5 ETag,
//!   size and the simulated clock's time. HEAD requests answer errors with a bare status (`404`,
//!   `403`), and a missing key is `NoSuchKey` only to a caller who may list the bucket
//!   (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html>). `get-object`
//!   answers the body under `Body`, which the command layer writes to the CLI's outfile
//!   (`command::outfile`) and never prints; `aws s3 cp` downloads. Only the latest version of an
//!   object is kept.
//! * Block Public Access (a bucket's settings, combined with its account's), Object Ownership and
//!   bucket ACLs: new buckets block public access and disable ACLs; BlockPublicPolicy refuses a
//!   public bucket policy (`is_public_policy`, S3's meaning of public), RestrictPublicBuckets
//!   keeps a public policy from granting anything outside the owner account, BlockPublicAcls
//!   refuses public ACLs, and while ACLs are enabled the bucket ACL's grants join the bucket
//!   policy as statements of their own (`S3::bucket_policy`), so one decision weighs both
//!   (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>).

mod state;
pub use state::*;

pub mod control;
pub mod ops;
