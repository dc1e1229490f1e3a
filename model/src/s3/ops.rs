//! S3's operations: each reads its parameters, authorizes the call with the bucket policy, changes
//! the buckets through their typed methods (`state.rs`, re-exported by [`super`]) and renders S3's response.

use super::state::{base64_decode, bucket_arn, md5_hex, object_arn, valid_bucket_name};
use super::state::{is_public_policy, Bucket, Grant, Grantee, Object, PublicAccessBlock};
use super::state::{ALL_USERS_URI, AUTHENTICATED_USERS_URI};
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_str, req_str, Call, Operation, Param, Shape};
use crate::world::s3::{bucket_policy_of, parse_bucket_policy};
use crate::world::World;
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

fn no_such_bucket() -> AwsError {
    AwsError::new("NoSuchBucket", 404, "The specified bucket does not exist")
}

const MFA_REQUIRED: &str = "Mfa Authentication must be used for this request";

/// S3's wording of a denial. S3 quotes the resource ARN, and gives the extra context (who, which
/// policy type) only to callers of the bucket owner's account or organization; anyone else reads
/// the bare `Access Denied`.
fn s3_denial(world: &World, caller_account: &str, owner: &str, e: AwsError) -> AwsError {
    if e.code != "AccessDenied" {
        return e;
    }
    let same_org = caller_account == owner
        || matches!(
            (world.organizations.of_account(caller_account), world.organizations.of_account(owner)),
            (Some(a), Some(b)) if a.id == b.id
        );
    if !same_org {
        return AwsError { message: "Access Denied".into(), ..e };
    }
    let marker = " on resource: ";
    let Some(i) = e.message.find(marker) else { return e };
    let start = i + marker.len();
    let end = e.message[start..].find(' ').map_or(e.message.len(), |j| start + j);
    let message = format!("{}\"{}\"{}", &e.message[..start], &e.message[start..end], &e.message[end..]);
    AwsError { message, ..e }
}

/// Authorizes `action` on `resource` (the bucket or one of its objects) with the bucket policy
/// (and the bucket ACL's grants, [`crate::s3::S3::bucket_policy`]).
///
/// RestrictPublicBuckets: while the bucket's policy is public, it grants nothing to a caller
/// outside the owner account (anonymous callers included): such a caller is decided as if the
/// bucket had no policy, which can only take access away (rule S3-BPA-RESTRICT-PUBLIC-BUCKETS,
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>).
fn authorize_bucket(call: &mut Call, action: &str, bucket: &str, resource: &str) -> AwsResult<()> {
    let (owner, mut policy) = bucket_policy_of(call.world, bucket).ok_or_else(no_such_bucket)?;
    let restrict = call.world.s3.effective_public_access_block(bucket).is_some_and(|b| b.restrict_public_buckets);
    let public = call.world.s3.buckets[bucket].policy.as_ref().is_some_and(is_public_policy);
    let restricted = restrict && public && call.caller.account != owner;
    if restricted {
        policy = None;
    }
    let result = call.authorize_owned(action, resource, &owner, policy.as_ref().map(|(l, p)| (l.as_str(), p)));
    let account = call.caller.account.clone();
    result.map_err(|e| {
        let e = s3_denial(call.world, &account, &owner, e);
        if restricted {
            e.with_hint(format!(
                "  RestrictPublicBuckets is on for bucket {bucket} and its policy is public: it grants nothing outside account {owner}."
            ))
        } else {
            e
        }
    })
}

/// Get/Put/DeleteBucketPolicy work only for identities of the bucket owner's account: another
/// account's caller that the policies allow gets `405 MethodNotAllowed`, whatever they say (one
/// they do not allow got its 403 from [`authorize_bucket`] first)
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html>, rule
/// S3-BUCKET-POLICY-OWNER-ACCOUNT).
fn owner_account_only(call: &Call, bucket: &str) -> AwsResult<()> {
    match call.world.s3.buckets.get(bucket) {
        Some(b) if b.owner != call.caller.account => {
            Err(AwsError::new("MethodNotAllowed", 405, "The specified method is not allowed against this resource."))
        }
        _ => Ok(()),
    }
}

fn bucket_param(input: &Input) -> AwsResult<&str> {
    req_str(input, "Bucket")
}

/// A canonical user ID for an account: 64 hex digits, stable for the account.
fn canonical_id(account: &str) -> String {
    format!("{}{}", md5_hex(format!("canonical:{account}").as_bytes()), md5_hex(account.as_bytes()))
}

fn create_bucket(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    if !valid_bucket_name(name) {
        return Err(AwsError::new("InvalidBucketName", 400, "The specified bucket is not valid."));
    }
    let constraint = input
        .get("CreateBucketConfiguration")
        .and_then(|c| c.get("LocationConstraint"))
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty());
    let incompatible = |c: &str| {
        AwsError::new(
            "IllegalLocationConstraintException",
            400,
            format!("The {c} location constraint is incompatible for the region specific endpoint this request was sent to."),
        )
    };
    // us-east-1 takes no constraint; every other Region needs its own name as the constraint.
    let region = match (call.region.as_str(), constraint) {
        ("us-east-1", None) => "us-east-1".to_string(),
        ("us-east-1", Some("us-east-1")) => {
            return Err(AwsError::new(
                "InvalidLocationConstraint",
                400,
                "The specified location-constraint is not valid",
            ))
        }
        (r, None) => {
            let _ = r;
            return Err(incompatible("unspecified"));
        }
        (r, Some(c)) if r != "us-east-1" && c != r => return Err(incompatible(c)),
        (_, Some(c)) => c.to_string(),
    };
    let account = call.account();
    call.authorize_owned("s3:CreateBucket", &bucket_arn(name), &account, None)?;
    let location = if region == "us-east-1" { format!("/{name}") } else { format!("http://{name}.s3.amazonaws.com/") };
    if let Some(existing) = call.world.s3.buckets.get(name) {
        if existing.owner != account {
            return Err(AwsError::new(
                "BucketAlreadyExists",
                409,
                "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
            ));
        }
        // For legacy compatibility us-east-1 answers 200 to the owner and changes nothing.
        if existing.region == "us-east-1" && region == "us-east-1" {
            return Ok(json!({ "Location": location }));
        }
        return Err(AwsError::new(
            "BucketAlreadyOwnedByYou",
            409,
            "Your previous request to create the named bucket succeeded and you already own it.",
        ));
    }
    let ownership = match opt_str(input, "ObjectOwnership") {
        None => "BucketOwnerEnforced",
        Some(o) => valid_ownership(o)?,
    };
    let mut bucket = Bucket::new(name, &account, &region, call.now());
    // Since April 2023 S3 gives every new bucket all four Block Public Access settings and
    // BucketOwnerEnforced (ACLs disabled) (rule S3-NEW-BUCKET-DEFAULTS).
    bucket.public_access_block = Some(PublicAccessBlock::ALL);
    bucket.ownership = Some(ownership.to_string());
    call.world.s3.insert_bucket(bucket);
    Ok(json!({ "Location": location }))
}

fn list_buckets(call: &mut Call, _input: &Input) -> AwsResult<Value> {
    call.authorize("s3:ListAllMyBuckets", "*")?;
    let account = call.account();
    let buckets: Vec<Value> = call
        .world
        .s3
        .buckets
        .values()
        .filter(|b| b.owner == account)
        .map(|b| json!({ "Name": b.name, "CreationDate": crate::clock::format_cli(b.created) }))
        .collect();
    let display = call.world.accounts.get(&account).map_or(String::new(), |a| a.name.clone());
    Ok(json!({ "Buckets": buckets, "Owner": { "DisplayName": display, "ID": canonical_id(&account) } }))
}

fn delete_bucket(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    authorize_bucket(call, "s3:DeleteBucket", name, &bucket_arn(name))?;
    call.world.s3.delete_bucket(name)?;
    Ok(Value::Null)
}

fn put_bucket_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let text = req_str(input, "Policy")?;
    authorize_bucket(call, "s3:PutBucketPolicy", name, &bucket_arn(name))?;
    owner_account_only(call, name)?;
    let policy = parse_bucket_policy(call.world, name, text)?;
    let block = call.world.s3.effective_public_access_block(name).is_some_and(|b| b.block_public_policy);
    if block && is_public_policy(&policy) {
        // Rule S3-BPA-BLOCK-PUBLIC-POLICY: refused after the caller was allowed PutBucketPolicy.
        return Err(AwsError::access_denied(format!(
            "User: {} is not authorized to perform: s3:PutBucketPolicy on resource: \"{}\" because public policies are blocked by the BlockPublicPolicy block public access setting.",
            call.caller.principal.arn,
            bucket_arn(name)
        ))
        .with_hint("  The policy allows everyone (Principal \"*\" with no condition fixing who or from where); turn BlockPublicPolicy off with put-public-access-block first, if you mean it."));
    }
    call.world.s3.set_policy(name, Some(policy));
    Ok(Value::Null)
}

fn get_bucket_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    authorize_bucket(call, "s3:GetBucketPolicy", name, &bucket_arn(name))?;
    owner_account_only(call, name)?;
    let policy = call.world.s3.buckets[name]
        .policy
        .as_ref()
        .ok_or_else(|| AwsError::new("NoSuchBucketPolicy", 404, "The bucket policy does not exist"))?;
    // S3 hands the document back as compact JSON, whatever whitespace it was written with.
    Ok(json!({ "Policy": policy.to_json().to_string() }))
}

fn delete_bucket_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    authorize_bucket(call, "s3:DeleteBucketPolicy", name, &bucket_arn(name))?;
    owner_account_only(call, name)?;
    // Deleting a policy that is not there succeeds too (204).
    call.world.s3.set_policy(name, None);
    Ok(Value::Null)
}

fn check_key(key: &str) -> AwsResult<()> {
    if key.len() > 1024 {
        return Err(AwsError::new("KeyTooLongError", 400, "Your key is too long"));
    }
    Ok(())
}

fn put_object(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let key = req_str(input, "Key")?;
    // A blob parameter carries the file's bytes in base64 (`command::cli` reads the file).
    let body = match opt_str(input, "Body") {
        Some(b64) => base64_decode(b64).ok_or_else(|| AwsError::new("InvalidArgument", 400, "Invalid Argument"))?,
        None => Vec::new(),
    };
    let content_type = opt_str(input, "ContentType").map(str::to_string);
    put_object_bytes(call, name, key, body, content_type)
}

/// PutObject with the body as bytes: `aws s3 cp` uploads through this, `s3api put-object`
/// after reading `--body FILE`. Authorizes `s3:PutObject` on the object; stores it with its
/// MD5 ETag, the simulated clock's time and, in a versioned bucket, a new version ID.
pub fn put_object_bytes(
    call: &mut Call,
    name: &str,
    key: &str,
    body: Vec<u8>,
    content_type: Option<String>,
) -> AwsResult<Value> {
    check_key(key)?;
    authorize_bucket(call, "s3:PutObject", name, &object_arn(name, key))?;
    let etag = md5_hex(&body);
    let versioned = call.world.s3.buckets[name].versioning.as_deref() == Some("Enabled");
    let version_id = versioned.then(|| call.world.rng.lower_alnum(32));
    let now = call.now();
    let mut out = json!({ "ETag": format!("\"{etag}\""), "ServerSideEncryption": "AES256" });
    if let Some(v) = &version_id {
        out["VersionId"] = json!(v);
    }
    let object = Object { body, etag, modified: now, version_id, content_type };
    call.world.s3.put_object(name, key, object);
    Ok(out)
}

/// The error of a missing key, as S3 decides it: `NoSuchKey` to a caller allowed
/// `s3:ListBucket` on the bucket, `AccessDenied` to anyone else (S3 does not tell who may not
/// list whether a key exists).
fn missing_key(call: &mut Call, name: &str) -> AwsError {
    match authorize_bucket(call, "s3:ListBucket", name, &bucket_arn(name)) {
        Ok(()) => AwsError::new("NoSuchKey", 404, "The specified key does not exist."),
        Err(e) => e,
    }
}

/// An object's metadata as GetObject and HeadObject answer it.
fn object_metadata(o: &Object) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("AcceptRanges".into(), json!("bytes"));
    out.insert("LastModified".into(), json!(crate::clock::format_cli(o.modified)));
    out.insert("ContentLength".into(), json!(o.size()));
    out.insert("ETag".into(), json!(format!("\"{}\"", o.etag)));
    if let Some(v) = &o.version_id {
        out.insert("VersionId".into(), json!(v));
    }
    out.insert("ContentType".into(), json!(o.content_type.as_deref().unwrap_or("binary/octet-stream")));
    out.insert("ServerSideEncryption".into(), json!("AES256"));
    out.insert("Metadata".into(), json!({}));
    out
}

/// GetObject as `s3api get-object` calls it: the metadata, and the body (or the part `--range`
/// asks for) in base64 under `Body`, which `command::outfile` writes to the CLI's positional
/// outfile and takes out of what is printed (the CLI never prints the body).
fn get_object(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let key = req_str(input, "Key")?;
    let (mut out, body) = get_object_bytes(call, name, key)?;
    let body = match opt_str(input, "Range").and_then(|r| byte_range(r, body.len())) {
        None => body,
        Some(Err(e)) => return Err(e),
        Some(Ok((first, last))) => {
            let part = body[first..=last].to_vec();
            if let Value::Object(m) = &mut out {
                m.insert("ContentLength".into(), json!(part.len()));
                // ContentRange sits between VersionId and ContentType in GetObjectOutput.
                let mut ordered = Map::new();
                for (k, v) in std::mem::take(m) {
                    if k == "ContentType" {
                        ordered.insert("ContentRange".into(), json!(format!("bytes {first}-{last}/{}", body.len())));
                    }
                    ordered.insert(k, v);
                }
                *m = ordered;
            }
            part
        }
    };
    if let Value::Object(m) = &mut out {
        m.insert("Body".into(), json!(super::state::base64_encode(&body)));
    }
    Ok(out)
}

/// The bytes a `Range` header asks of a body of `len` bytes, as S3 reads it (RFC 9110): one
/// `bytes=FIRST-LAST`, `bytes=FIRST-` or `bytes=-SUFFIX` range, the last byte clamped to the
/// end. `None` when the header is not one such range (S3 then answers the whole object);
/// `InvalidRange` (416) when the range starts past the end or asks for no bytes.
fn byte_range(header: &str, len: usize) -> Option<AwsResult<(usize, usize)>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    let num = |s: &str| if s.is_empty() { Some(None) } else { s.parse::<usize>().ok().map(Some) };
    let (first, last) = (num(a.trim())?, num(b.trim())?);
    let unsatisfiable = || Err(AwsError::new("InvalidRange", 416, "The requested range is not satisfiable"));
    Some(match (first, last) {
        (None, None) => return None,
        (Some(f), Some(l)) if l < f => return None,
        (None, Some(0)) => unsatisfiable(),
        (None, Some(_)) if len == 0 => unsatisfiable(),
        (None, Some(n)) => Ok((len.saturating_sub(n), len - 1)),
        (Some(f), _) if f >= len => unsatisfiable(),
        (Some(f), l) => Ok((f, l.map_or(len - 1, |l| l.min(len - 1)))),
    })
}

/// GetObject: the response and the object's bytes (`aws s3 cp` writes them to the local file).
/// Authorizes `s3:GetObject` on the object.
pub fn get_object_bytes(call: &mut Call, name: &str, key: &str) -> AwsResult<(Value, Vec<u8>)> {
    authorize_bucket(call, "s3:GetObject", name, &object_arn(name, key))?;
    match call.world.s3.buckets[name].objects.get(key) {
        Some(o) => Ok((Value::Object(object_metadata(o)), o.body.clone())),
        None => Err(missing_key(call, name)),
    }
}

/// The error of a HEAD request: S3 answers HEAD with a status and no body, so the CLI names the
/// error by its status code and reason (`An error occurred (404) when calling the HeadObject
/// operation: Not Found`). What S3 decided is kept as rootsim's hint.
fn head_error(e: AwsError) -> AwsError {
    let reason = match e.status {
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        _ => "Error",
    };
    let hint = format!("  (a HEAD answer has no body; S3's reason: {} {})", e.code, e.message);
    AwsError::new(&e.status.to_string(), e.status, reason).with_hint(hint)
}

/// HeadObject: an object's metadata without its body. Needs `s3:GetObject`; a missing key is a
/// 404 to a caller who may list the bucket and a 403 to anyone else.
pub fn head_object(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let key = req_str(input, "Key")?;
    get_object_bytes(call, name, key).map(|(v, _)| v).map_err(head_error)
}

/// HeadBucket: whether the bucket exists and the caller may list it (`s3:ListBucket`).
fn head_bucket(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    authorize_bucket(call, "s3:ListBucket", name, &bucket_arn(name)).map_err(head_error)?;
    let region = call.world.s3.buckets[name].region.clone();
    Ok(json!({ "BucketRegion": region, "AccessPointAlias": false }))
}

fn delete_object(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let key = req_str(input, "Key")?;
    delete_object_key(call, name, key)
}

/// DeleteObject: authorizes `s3:DeleteObject` on the object and removes it. Deleting a key that
/// is not there succeeds (204). In a bucket whose versioning is enabled the delete adds a delete
/// marker (rootsim keeps only the latest version: the object goes away all the same).
pub fn delete_object_key(call: &mut Call, name: &str, key: &str) -> AwsResult<Value> {
    authorize_bucket(call, "s3:DeleteObject", name, &object_arn(name, key))?;
    let versioned = call.world.s3.buckets[name].versioning.as_deref() == Some("Enabled");
    call.world.s3.delete_object(name, key);
    if versioned {
        let version = call.world.rng.lower_alnum(32);
        return Ok(json!({ "DeleteMarker": true, "VersionId": version }));
    }
    Ok(Value::Null)
}

/// DeleteObjects: up to 1,000 keys in one request, each authorized on its own as
/// `s3:DeleteObject`; a key that fails is listed under `Errors` and the others are deleted.
fn delete_objects(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    if !call.world.s3.buckets.contains_key(name) {
        return Err(no_such_bucket());
    }
    let delete = input.get("Delete").and_then(Value::as_object).ok_or_else(malformed_xml)?;
    let objects = delete.get("Objects").and_then(Value::as_array).ok_or_else(malformed_xml)?;
    let quiet = delete.get("Quiet").is_some_and(|q| q == &json!(true) || q == &json!("true"));
    if objects.is_empty() || objects.len() > 1000 {
        return Err(malformed_xml());
    }
    let mut keys = Vec::new();
    for o in objects {
        keys.push(o.get("Key").and_then(Value::as_str).ok_or_else(malformed_xml)?.to_string());
    }
    let (mut deleted, mut errors) = (Vec::new(), Vec::new());
    for key in keys {
        match delete_object_key(call, name, &key) {
            Ok(_) => deleted.push(json!({ "Key": key })),
            Err(e) => errors.push(json!({ "Key": key, "Code": e.code, "Message": e.message })),
        }
    }
    let mut out = Map::new();
    if !deleted.is_empty() && !quiet {
        out.insert("Deleted".into(), Value::Array(deleted));
    }
    if !errors.is_empty() {
        out.insert("Errors".into(), Value::Array(errors));
    }
    Ok(if out.is_empty() { Value::Null } else { Value::Object(out) })
}

fn copy_object(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let key = req_str(input, "Key")?;
    let source = req_str(input, "CopySource")?;
    // `bucket/key`, with or without a leading slash; a `?versionId=` is not modelled.
    let (src_bucket, src_key) = source
        .trim_start_matches('/')
        .split_once('/')
        .filter(|(b, k)| !b.is_empty() && !k.is_empty())
        .ok_or_else(|| AwsError::new("InvalidArgument", 400, "Invalid copy source object key"))?;
    copy_object_key(call, src_bucket, src_key, name, key)
}

/// CopyObject: reads the source with `s3:GetObject` and writes the destination with
/// `s3:PutObject`, each authorized on its own object (and bucket policy). The copy gets the
/// source's bytes and ETag and the simulated clock's time.
pub fn copy_object_key(call: &mut Call, src_bucket: &str, src_key: &str, name: &str, key: &str) -> AwsResult<Value> {
    check_key(key)?;
    let (source, body) = get_object_bytes(call, src_bucket, src_key)?;
    // rootsim keeps no metadata a copy could change: a copy onto itself is always refused.
    if (src_bucket, src_key) == (name, key) {
        return Err(AwsError::new(
            "InvalidRequest",
            400,
            "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        ));
    }
    // The copy keeps the source's metadata (S3's default MetadataDirective, COPY).
    let content_type = source["ContentType"].as_str().map(str::to_string);
    let put = put_object_bytes(call, name, key, body, content_type)?;
    let o = &call.world.s3.buckets[name].objects[key];
    let mut out = Map::new();
    if let Some(v) = put.get("VersionId") {
        out.insert("VersionId".into(), v.clone());
    }
    out.insert("ServerSideEncryption".into(), json!("AES256"));
    out.insert(
        "CopyObjectResult".into(),
        json!({ "ETag": format!("\"{}\"", o.etag), "LastModified": crate::clock::format_cli(o.modified) }),
    );
    Ok(Value::Object(out))
}

fn list_objects_v2(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let prefix = opt_str(input, "Prefix").unwrap_or("");
    let delimiter = opt_str(input, "Delimiter").filter(|d| !d.is_empty());
    authorize_bucket(call, "s3:ListBucket", name, &bucket_arn(name))?;
    let mut contents = Vec::new();
    let mut common: Vec<String> = Vec::new();
    for (k, o) in call.world.s3.buckets[name].objects.range(prefix.to_string()..) {
        let Some(rest) = k.strip_prefix(prefix) else { break };
        // Keys with the delimiter after the prefix roll up into one common prefix each.
        if let Some(d) = delimiter {
            if let Some(i) = rest.find(d) {
                let p = format!("{prefix}{}", &rest[..i + d.len()]);
                if common.last() != Some(&p) {
                    common.push(p);
                }
                continue;
            }
        }
        contents.push(json!({
            "Key": k,
            "LastModified": crate::clock::format_cli(o.modified),
            "ETag": format!("\"{}\"", o.etag),
            "Size": o.size(),
            "StorageClass": "STANDARD",
        }));
    }
    let mut out = Map::new();
    if !contents.is_empty() {
        out.insert("Contents".into(), Value::Array(contents));
    }
    if !common.is_empty() {
        out.insert("CommonPrefixes".into(), common.iter().map(|p| json!({ "Prefix": p })).collect());
    }
    out.insert("RequestCharged".into(), Value::Null);
    out.insert("Prefix".into(), json!(prefix));
    if let Some(d) = delimiter {
        out.insert("Delimiter".into(), json!(d));
    }
    Ok(Value::Object(out))
}

fn malformed_xml() -> AwsError {
    AwsError::new(
        "MalformedXML",
        400,
        "The XML you provided was not well-formed or did not validate against our published schema",
    )
}

fn put_bucket_versioning(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    authorize_bucket(call, "s3:PutBucketVersioning", name, &bucket_arn(name))?;
    let config = input.get("VersioningConfiguration").and_then(Value::as_object).ok_or_else(malformed_xml)?;
    let status = config.get("Status").and_then(Value::as_str);
    let mfa_delete = config.get("MFADelete").and_then(Value::as_str);
    if status.is_none() && mfa_delete.is_none()
        || status.is_some_and(|s| s != "Enabled" && s != "Suspended")
        || mfa_delete.is_some_and(|m| m != "Enabled" && m != "Disabled")
    {
        return Err(malformed_xml());
    }
    let bucket = &call.world.s3.buckets[name];
    let owner = bucket.owner.clone();
    // Changing MFA Delete, or anything at all once it is on, needs the owner root's MFA code.
    if mfa_delete.is_some() || bucket.mfa_delete.as_deref() == Some("Enabled") {
        check_mfa_delete(call, &owner, opt_str(input, "MFA"))?;
    }
    call.world.s3.set_versioning(name, status, mfa_delete);
    Ok(Value::Null)
}

/// The MFA Delete checks, in S3's order: an `x-amz-mfa` value at all, the bucket owner's root
/// user, long-term credentials (session credentials cannot carry MFA for S3), and a current code
/// of one of the root user's MFA devices.
fn check_mfa_delete(call: &Call, owner: &str, mfa: Option<&str>) -> AwsResult<()> {
    let Some(mfa) = mfa else {
        return Err(AwsError::access_denied(MFA_REQUIRED).with_hint(
            "  MFA Delete changes need --mfa \"SERIAL CODE\" with a code of the bucket owner root user's MFA device.",
        ));
    };
    if !(call.caller.is_root() && call.caller.account == owner) {
        return Err(AwsError::access_denied("Access Denied")
            .with_hint("  Only the bucket owner's root user can change MFA Delete; IAM policies cannot grant it."));
    }
    if call.caller.temporary {
        return Err(AwsError::new(
            "InvalidRequest",
            400,
            "DevPay and Mfa are mutually exclusive authorization methods.",
        )
        .with_hint("  MFA Delete needs the root user's long-term access keys, not a console or session credential."));
    }
    let (serial, code) = mfa.trim().split_once(' ').unwrap_or((mfa.trim(), ""));
    let now = call.now();
    let valid = call.world.iam.account(owner).is_some_and(|iam| {
        iam.root
            .mfa_devices
            .iter()
            .any(|d| d.serial == serial && crate::iam::mfa_code_matches(&d.secret, now, code.trim()))
    });
    if !valid {
        return Err(AwsError::access_denied("Access Denied")
            .with_hint("  The serial number is not one of the root user's MFA devices, or the code is not current."));
    }
    Ok(())
}

fn get_bucket_versioning(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    authorize_bucket(call, "s3:GetBucketVersioning", name, &bucket_arn(name))?;
    let b = &call.world.s3.buckets[name];
    // A bucket whose versioning was never configured has no state at all: the CLI prints nothing.
    let mut out = Map::new();
    if let Some(s) = &b.versioning {
        out.insert("Status".into(), json!(s));
    }
    if let Some(m) = &b.mfa_delete {
        out.insert("MFADelete".into(), json!(m));
    }
    Ok(if out.is_empty() { Value::Null } else { Value::Object(out) })
}

/// A Block Public Access setting: a JSON boolean, or the `true`/`false` a shorthand value carries.
fn setting(config: &Map<String, Value>, name: &str) -> AwsResult<bool> {
    match config.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(malformed_xml()),
    }
}

/// `--public-access-block-configuration`'s four settings, a bucket's or an account's (one left
/// out is off).
pub(super) fn read_public_access_block(input: &Input) -> AwsResult<PublicAccessBlock> {
    let config = input.get("PublicAccessBlockConfiguration").and_then(Value::as_object).ok_or_else(malformed_xml)?;
    Ok(PublicAccessBlock {
        block_public_acls: setting(config, "BlockPublicAcls")?,
        ignore_public_acls: setting(config, "IgnorePublicAcls")?,
        block_public_policy: setting(config, "BlockPublicPolicy")?,
        restrict_public_buckets: setting(config, "RestrictPublicBuckets")?,
    })
}

/// PutPublicAccessBlock: replaces the bucket's four settings (a setting left out is off).
fn put_public_access_block(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let block = read_public_access_block(input)?;
    authorize_bucket(call, "s3:PutBucketPublicAccessBlock", name, &bucket_arn(name))?;
    if let Some(b) = call.world.s3.buckets.get_mut(name) {
        b.public_access_block = Some(block);
    }
    Ok(Value::Null)
}

/// GetPublicAccessBlock: the bucket's own settings (not its account's).
fn get_public_access_block(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    authorize_bucket(call, "s3:GetBucketPublicAccessBlock", name, &bucket_arn(name))?;
    public_access_block_answer(call.world.s3.buckets[name].public_access_block)
}

/// GetPublicAccessBlock's answer, a bucket's or an account's: the stored settings, or
/// `NoSuchPublicAccessBlockConfiguration` when there are none.
pub(super) fn public_access_block_answer(block: Option<PublicAccessBlock>) -> AwsResult<Value> {
    let block = block.ok_or_else(|| {
        AwsError::new(
            "NoSuchPublicAccessBlockConfiguration",
            404,
            "The public access block configuration was not found",
        )
    })?;
    Ok(json!({ "PublicAccessBlockConfiguration": block }))
}

/// DeletePublicAccessBlock: removes the bucket's settings; S3 authorizes it as
/// `s3:PutBucketPublicAccessBlock`.
fn delete_public_access_block(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    authorize_bucket(call, "s3:PutBucketPublicAccessBlock", name, &bucket_arn(name))?;
    if let Some(b) = call.world.s3.buckets.get_mut(name) {
        b.public_access_block = None;
    }
    Ok(Value::Null)
}

/// One of S3's Object Ownership settings, or `InvalidArgument`... as S3 answers a value outside
/// the model's enum (MalformedXML: the value does not validate against S3's schema).
fn valid_ownership(o: &str) -> AwsResult<&'static str> {
    ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]
        .into_iter()
        .find(|v| *v == o)
        .ok_or_else(malformed_xml)
}

/// PutBucketOwnershipControls: one rule, `Rules=[{ObjectOwnership=...}]`. BucketOwnerEnforced
/// is refused while the bucket ACL grants anyone but the owner
/// (`InvalidBucketAclWithObjectOwnership`).
fn put_bucket_ownership_controls(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let rules = input.get("OwnershipControls").and_then(|c| c.get("Rules")).and_then(Value::as_array);
    let ownership = match rules.map(Vec::as_slice) {
        Some([rule]) => rule.get("ObjectOwnership").and_then(Value::as_str).ok_or_else(malformed_xml)?,
        _ => return Err(malformed_xml()),
    };
    let ownership = valid_ownership(ownership)?;
    authorize_bucket(call, "s3:PutBucketOwnershipControls", name, &bucket_arn(name))?;
    if ownership == "BucketOwnerEnforced" && !call.world.s3.buckets[name].acl.is_empty() {
        return Err(AwsError::new(
            "InvalidBucketAclWithObjectOwnership",
            400,
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        ));
    }
    if let Some(b) = call.world.s3.buckets.get_mut(name) {
        b.ownership = Some(ownership.to_string());
    }
    Ok(Value::Null)
}

/// GetBucketOwnershipControls: needs `s3:GetBucketOwnershipControls`.
fn get_bucket_ownership_controls(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    authorize_bucket(call, "s3:GetBucketOwnershipControls", name, &bucket_arn(name))?;
    let o = call.world.s3.buckets[name].ownership.clone().ok_or_else(|| {
        AwsError::new("OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found")
    })?;
    Ok(json!({ "OwnershipControls": { "Rules": [{ "ObjectOwnership": o }] } }))
}

/// DeleteBucketOwnershipControls: authorized as `s3:PutBucketOwnershipControls`; the bucket then
/// behaves as ObjectWriter (ACLs enabled).
fn delete_bucket_ownership_controls(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    authorize_bucket(call, "s3:PutBucketOwnershipControls", name, &bucket_arn(name))?;
    if let Some(b) = call.world.s3.buckets.get_mut(name) {
        b.ownership = None;
    }
    Ok(Value::Null)
}

/// One grantee as GetBucketAcl prints it (the model's member order: ID, Type, URI).
fn grantee_json(world: &World, g: &Grantee) -> Value {
    match g {
        Grantee::Account(a) => {
            let display = world.accounts.get(a).map_or(String::new(), |acc| acc.name.clone());
            json!({ "DisplayName": display, "ID": canonical_id(a), "Type": "CanonicalUser" })
        }
        Grantee::AllUsers => json!({ "Type": "Group", "URI": ALL_USERS_URI }),
        Grantee::AuthenticatedUsers => json!({ "Type": "Group", "URI": AUTHENTICATED_USERS_URI }),
    }
}

/// GetBucketAcl: the owner and the grants, the owner's FULL_CONTROL first. Reading ACLs works
/// whatever Object Ownership says.
fn get_bucket_acl(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    authorize_bucket(call, "s3:GetBucketAcl", name, &bucket_arn(name))?;
    let b = &call.world.s3.buckets[name];
    let display = call.world.accounts.get(&b.owner).map_or(String::new(), |a| a.name.clone());
    let owner = json!({ "DisplayName": display, "ID": canonical_id(&b.owner) });
    let mut grants = vec![
        json!({ "Grantee": { "DisplayName": display, "ID": canonical_id(&b.owner), "Type": "CanonicalUser" }, "Permission": "FULL_CONTROL" }),
    ];
    grants.extend(
        b.acl.iter().map(|g| json!({ "Grantee": grantee_json(call.world, &g.grantee), "Permission": g.permission })),
    );
    Ok(json!({ "Owner": owner, "Grants": grants }))
}

/// The grants of a canned bucket ACL beyond the owner's FULL_CONTROL
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl>).
fn canned_acl(acl: &str) -> AwsResult<Vec<Grant>> {
    let grant = |grantee: Grantee, permission: &str| Grant { grantee, permission: permission.to_string() };
    Ok(match acl {
        "private" => Vec::new(),
        "public-read" => vec![grant(Grantee::AllUsers, "READ")],
        "public-read-write" => vec![grant(Grantee::AllUsers, "READ"), grant(Grantee::AllUsers, "WRITE")],
        "authenticated-read" => vec![grant(Grantee::AuthenticatedUsers, "READ")],
        _ => return Err(AwsError::new("InvalidArgument", 400, "Invalid canned ACL")),
    })
}

/// The grantees of one `--grant-*` header: `uri=...`, `id=...` (a canonical user ID of a known
/// account), comma-separated. Email grantees are not modelled.
fn header_grantees(world: &World, text: &str) -> AwsResult<Vec<Grantee>> {
    let invalid = || AwsError::new("InvalidArgument", 400, "Invalid id");
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (kind, value) = part.split_once('=').ok_or_else(invalid)?;
        let value = value.trim().trim_matches('"');
        let g = match kind.trim().to_ascii_lowercase().as_str() {
            "uri" if value == ALL_USERS_URI => Grantee::AllUsers,
            "uri" if value == AUTHENTICATED_USERS_URI => Grantee::AuthenticatedUsers,
            "uri" => return Err(AwsError::new("InvalidArgument", 400, "Invalid group uri")),
            "id" => Grantee::Account(
                world.accounts.by_id.keys().find(|a| canonical_id(a) == value).cloned().ok_or_else(invalid)?,
            ),
            _ => return Err(invalid()),
        };
        out.push(g);
    }
    Ok(out)
}

/// PutBucketAcl: a canned `--acl` or `--grant-*` headers (not both). Refused with
/// `AccessControlListNotSupported` while ACLs are disabled (BucketOwnerEnforced), and with
/// AccessDenied when the ACL is public under BlockPublicAcls. The owner keeps FULL_CONTROL.
fn put_bucket_acl(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let headers = [
        ("GrantFullControl", "FULL_CONTROL"),
        ("GrantRead", "READ"),
        ("GrantReadACP", "READ_ACP"),
        ("GrantWrite", "WRITE"),
        ("GrantWriteACP", "WRITE_ACP"),
    ];
    let given: Vec<(&str, &str)> =
        headers.iter().filter_map(|(h, perm)| opt_str(input, h).map(|v| (v, *perm))).collect();
    let grants = match (opt_str(input, "ACL"), given.is_empty()) {
        (Some(_), false) => {
            return Err(AwsError::new(
                "InvalidRequest",
                400,
                "Specifying both Canned ACLs and Header Grants is not allowed",
            ))
        }
        (Some(acl), true) => canned_acl(acl)?,
        (None, false) => {
            let mut grants = Vec::new();
            for (text, perm) in given {
                for g in header_grantees(call.world, text)? {
                    grants.push(Grant { grantee: g, permission: perm.to_string() });
                }
            }
            grants
        }
        (None, true) => {
            return Err(AwsError::new("MissingSecurityHeader", 400, "Your request was missing a required header"))
        }
    };
    authorize_bucket(call, "s3:PutBucketAcl", name, &bucket_arn(name))?;
    let b = &call.world.s3.buckets[name];
    if b.ownership.as_deref() == Some("BucketOwnerEnforced") {
        return Err(AwsError::new("AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
            .with_hint("  Object Ownership is BucketOwnerEnforced: ACLs are disabled (put-bucket-ownership-controls turns them on)."));
    }
    let owner = b.owner.clone();
    let public = grants.iter().any(|g| g.grantee.is_public());
    if public && call.world.s3.effective_public_access_block(name).is_some_and(|p| p.block_public_acls) {
        return Err(AwsError::access_denied("Access Denied")
            .with_hint("  BlockPublicAcls is on: an ACL granting AllUsers or AuthenticatedUsers is refused."));
    }
    // The owner's own FULL_CONTROL is always there and not stored.
    let grants = grants.into_iter().filter(|g| g.grantee != Grantee::Account(owner.clone())).collect();
    if let Some(b) = call.world.s3.buckets.get_mut(name) {
        b.acl = grants;
    }
    Ok(Value::Null)
}

const BUCKET: Param = p("Bucket", Shape::String, true, "the bucket's name");
/// The four Block Public Access settings, as a bucket's and the account's (`s3control`) calls take
/// them.
pub(super) const PUBLIC_ACCESS_BLOCK_CONFIGURATION: Param = p(
    "PublicAccessBlockConfiguration",
    Shape::Structure(&[
        p("BlockPublicAcls", Shape::Boolean, false, "refuse public ACLs"),
        p("IgnorePublicAcls", Shape::Boolean, false, "ignore public ACLs"),
        p("BlockPublicPolicy", Shape::Boolean, false, "refuse public bucket policies"),
        p("RestrictPublicBuckets", Shape::Boolean, false, "a public policy grants nothing outside the account"),
    ]),
    true,
    "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
);
const KEY: Param = p("Key", Shape::String, true, "the object's key");

/// S3's operations (`aws s3api ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "s3api",
    [
        (
            "CreateBucket",
            create_bucket,
            "Creates a bucket; its name must be unique across every account.",
            [
                BUCKET,
                p(
                    "CreateBucketConfiguration",
                    Shape::Structure(&[p("LocationConstraint", Shape::String, false, "the Region, outside us-east-1")]),
                    false,
                    "LocationConstraint=REGION, needed outside us-east-1"
                ),
                p(
                    "ObjectOwnership",
                    Shape::String,
                    false,
                    "BucketOwnerEnforced (the default), BucketOwnerPreferred or ObjectWriter"
                ),
            ]
        ),
        ("ListBuckets", list_buckets, "Lists the caller's account's buckets.", []),
        (
            "PutPublicAccessBlock",
            put_public_access_block,
            "Sets a bucket's four Block Public Access settings.",
            [BUCKET, PUBLIC_ACCESS_BLOCK_CONFIGURATION,]
        ),
        ("GetPublicAccessBlock", get_public_access_block, "Shows a bucket's Block Public Access settings.", [BUCKET]),
        (
            "DeletePublicAccessBlock",
            delete_public_access_block,
            "Removes a bucket's Block Public Access settings.",
            [BUCKET]
        ),
        (
            "PutBucketOwnershipControls",
            put_bucket_ownership_controls,
            "Sets a bucket's Object Ownership (BucketOwnerEnforced disables ACLs).",
            [
                BUCKET,
                p(
                    "OwnershipControls",
                    Shape::Structure(&[p(
                        "Rules",
                        Shape::StructureList(&[p(
                            "ObjectOwnership",
                            Shape::String,
                            true,
                            "BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter"
                        )]),
                        true,
                        "one rule"
                    )]),
                    true,
                    "Rules=[{ObjectOwnership=BucketOwnerEnforced|BucketOwnerPreferred|ObjectWriter}]"
                ),
            ]
        ),
        ("GetBucketOwnershipControls", get_bucket_ownership_controls, "Shows a bucket's Object Ownership.", [BUCKET]),
        (
            "DeleteBucketOwnershipControls",
            delete_bucket_ownership_controls,
            "Removes a bucket's Object Ownership (ACLs enabled, as ObjectWriter).",
            [BUCKET]
        ),
        ("GetBucketAcl", get_bucket_acl, "Shows a bucket's ACL: its owner and grants.", [BUCKET]),
        (
            "PutBucketAcl",
            put_bucket_acl,
            "Replaces a bucket's ACL (ACLs must be enabled).",
            [
                p("ACL", Shape::String, false, "private, public-read, public-read-write or authenticated-read"),
                BUCKET,
                p("GrantFullControl", Shape::String, false, "id=CANONICAL-ID or uri=GROUP-URI, comma-separated"),
                p("GrantRead", Shape::String, false, "id=CANONICAL-ID or uri=GROUP-URI, comma-separated"),
                p("GrantReadACP", Shape::String, false, "id=CANONICAL-ID or uri=GROUP-URI, comma-separated"),
                p("GrantWrite", Shape::String, false, "id=CANONICAL-ID or uri=GROUP-URI, comma-separated"),
                p("GrantWriteACP", Shape::String, false, "id=CANONICAL-ID or uri=GROUP-URI, comma-separated"),
            ]
        ),
        ("DeleteBucket", delete_bucket, "Deletes an empty bucket.", [BUCKET]),
        (
            "PutBucketPolicy",
            put_bucket_policy,
            "Replaces a bucket's policy.",
            [
                BUCKET,
                p("Policy", Shape::Document, true, "the bucket policy (JSON)"),
                p("ConfirmRemoveSelfBucketAccess", Shape::Boolean, false, "accepted and ignored"),
            ]
        ),
        ("GetBucketPolicy", get_bucket_policy, "Shows a bucket's policy.", [BUCKET]),
        ("DeleteBucketPolicy", delete_bucket_policy, "Deletes a bucket's policy.", [BUCKET]),
        (
            "PutObject",
            put_object,
            "Stores an object; its content is the file --body names.",
            [
                BUCKET,
                KEY,
                p("Body", Shape::Blob, false, "the path of the file to upload (its bytes)"),
                p("ContentType", Shape::String, false, "the Content-Type (default binary/octet-stream)"),
            ]
        ),
        (
            "GetObject",
            get_object,
            "Downloads an object to the file outfile names and shows its metadata.",
            [
                BUCKET,
                KEY,
                p("Range", Shape::String, false, "bytes=FIRST-LAST: only these bytes"),
                p("outfile", Shape::String, true, "Filename where the content will be saved"),
            ]
        ),
        ("HeadObject", head_object, "Shows an object's metadata; errors are bare HTTP statuses.", [BUCKET, KEY]),
        ("HeadBucket", head_bucket, "Checks that a bucket exists and may be listed.", [BUCKET]),
        ("DeleteObject", delete_object, "Deletes an object (a missing key succeeds).", [BUCKET, KEY]),
        (
            "DeleteObjects",
            delete_objects,
            "Deletes up to 1,000 objects, each authorized on its own.",
            [
                BUCKET,
                p(
                    "Delete",
                    Shape::Structure(&[
                        p("Objects", Shape::String, true, "[{\"Key\": \"k\"}, ...]"),
                        p("Quiet", Shape::Boolean, false, "list only the failures"),
                    ]),
                    true,
                    "JSON: {\"Objects\": [{\"Key\": \"k\"}, ...], \"Quiet\": false}"
                ),
            ]
        ),
        (
            "CopyObject",
            copy_object,
            "Copies an object (s3:GetObject on the source, s3:PutObject on the copy).",
            [BUCKET, KEY, p("CopySource", Shape::String, true, "SOURCE-BUCKET/SOURCE-KEY"),]
        ),
        (
            "ListObjectsV2",
            list_objects_v2,
            "Lists a bucket's objects.",
            [
                BUCKET,
                p("Prefix", Shape::String, false, "only keys that start with this"),
                p("Delimiter", Shape::String, false, "roll keys up to common prefixes at this character"),
            ]
        ),
        (
            "PutBucketVersioning",
            put_bucket_versioning,
            "Sets a bucket's versioning state and MFA Delete (MFA Delete: the owner's root user with --mfa).",
            [
                BUCKET,
                p(
                    "VersioningConfiguration",
                    Shape::Structure(&[
                        p("MFADelete", Shape::String, false, "Enabled or Disabled"),
                        p("Status", Shape::String, false, "Enabled or Suspended"),
                    ]),
                    true,
                    "Status=Enabled|Suspended[,MFADelete=Enabled|Disabled]"
                ),
                p(
                    "MFA",
                    Shape::String,
                    false,
                    "\"SERIAL CODE\": an MFA device's serial number, a space and its current code"
                ),
            ]
        ),
        ("GetBucketVersioning", get_bucket_versioning, "Shows a bucket's versioning state and MFA Delete.", [BUCKET]),
    ]
);

#[cfg(test)]
mod tests {
    use crate::auth::Identity;
    use crate::command::{MemoryHost, Session};

    fn run(s: &mut Session, line: &str) -> crate::command::Outcome {
        s.execute(line, &mut MemoryHost::default())
    }

    const DENY_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::locked-bucket","arn:aws:s3:::locked-bucket/*"]}]}"#;

    #[test]
    fn names_are_global_across_accounts() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        assert!(run(&mut s, "aws s3api create-bucket --bucket shared-name").ok);
        // The owner again, in us-east-1: the legacy 200; elsewhere: BucketAlreadyOwnedByYou.
        assert!(run(&mut s, "aws s3api create-bucket --bucket shared-name").ok);
        let out = run(
            &mut s,
            "aws s3api create-bucket --bucket shared-name --region eu-west-1 --create-bucket-configuration LocationConstraint=eu-west-1",
        );
        assert_eq!(out.code.as_deref(), Some("BucketAlreadyOwnedByYou"));
        run(&mut s, "sign-in root --email aws-dev@example.com --password Dev-Root-2026!");
        let out = run(&mut s, "aws s3api create-bucket --bucket shared-name");
        assert_eq!(out.code.as_deref(), Some("BucketAlreadyExists"));
        assert_eq!(run(&mut s, "aws s3api create-bucket --bucket Bad_Name").code.as_deref(), Some("InvalidBucketName"));
        let out = run(&mut s, "aws s3api create-bucket --bucket other-one --region eu-west-1");
        assert_eq!(out.code.as_deref(), Some("IllegalLocationConstraintException"));
    }

    #[test]
    fn a_deny_all_policy_locks_out_everyone_but_the_owner_root_on_the_policy() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        assert!(run(&mut s, "aws s3api create-bucket --bucket locked-bucket").ok);
        let mut files = MemoryHost::default();
        files.files.insert("a.txt".into(), "hello".into());
        assert!(s.execute("aws s3api put-object --bucket locked-bucket --key a.txt --body a.txt", &mut files).ok);
        assert!(run(&mut s, &format!("aws s3api put-bucket-policy --bucket locked-bucket --policy {DENY_ALL}")).ok);
        // alice, an administrator, is locked out of everything, the policy included.
        for cmd in ["get-object --key a.txt out.txt", "get-bucket-policy", "delete-bucket-policy", "list-objects-v2"] {
            let out = run(&mut s, &format!("aws s3api {cmd} --bucket locked-bucket"));
            assert_eq!(out.code.as_deref(), Some("AccessDenied"), "{cmd}");
            assert!(out.text.contains("with an explicit deny in a resource-based policy"), "{}", out.text);
            assert!(out.text.contains("on resource: \"arn:aws:s3:::locked-bucket"), "{}", out.text);
        }
        // The owner's root user: still denied the objects, but it may read and delete the policy.
        run(&mut s, "sign-in root --email aws-management@example.com --password Mgmt-Root-2026!");
        assert_eq!(
            run(&mut s, "aws s3api get-object --bucket locked-bucket --key a.txt out.txt").code.as_deref(),
            Some("AccessDenied")
        );
        assert!(run(&mut s, "aws s3api get-bucket-policy --bucket locked-bucket").ok);
        // Another account's root user gets no exemption.
        let mut other = s.clone();
        run(&mut other, "sign-in root --email aws-dev@example.com --password Dev-Root-2026!");
        let out = run(&mut other, "aws s3api delete-bucket-policy --bucket locked-bucket");
        assert_eq!(out.code.as_deref(), Some("AccessDenied"));
        assert!(run(&mut s, "aws s3api delete-bucket-policy --bucket locked-bucket").ok);
        run(&mut s, "sign-in user --account management --user-name alice --password Alice-Passw0rd!");
        assert!(run(&mut s, "aws s3api get-object --bucket locked-bucket --key a.txt out.txt").ok);
    }

    #[test]
    fn object_operations_answer_as_s3_does() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        let mut files = MemoryHost::default();
        files.binary.insert("b.bin".into(), vec![0xff, 0xfe, 0x00]);
        run(&mut s, "aws s3api create-bucket --bucket objects-bucket");
        // The CLI opens --body as a path; anything else is refused before the call.
        let out = run(&mut s, "aws s3api put-object --bucket objects-bucket --key k --body 'not a file'");
        assert_eq!(out.text, "Error parsing parameter '--body': Blob values must be a path to a file.");
        assert!(s.execute("aws s3api put-object --bucket objects-bucket --key dir/b.bin --body b.bin", &mut files).ok);
        assert!(run(&mut s, "aws s3api put-object --bucket objects-bucket --key dir/sub/c --body b.bin")
            .code
            .is_some());
        assert_eq!(s.world.s3.buckets["objects-bucket"].objects["dir/b.bin"].body, vec![0xff, 0xfe, 0x00]);
        // CloudTrail records where the object went, never its content.
        let event = s.world.cloudtrail.events.last().unwrap();
        assert_eq!(event["eventName"], "PutObject");
        assert_eq!(event["requestParameters"], serde_json::json!({ "bucket": "objects-bucket", "key": "dir/b.bin" }));
        let head = run(&mut s, "aws s3api head-object --bucket objects-bucket --key dir/b.bin").json.unwrap();
        assert_eq!(head["ContentLength"], 3);
        // HEAD errors have no body: the CLI names them by status.
        let out = run(&mut s, "aws s3api head-object --bucket objects-bucket --key nope");
        assert!(out.text.starts_with("An error occurred (404) when calling the HeadObject operation: Not Found"));
        let out = run(&mut s, "aws s3api head-bucket --bucket no-such-objects-bucket");
        assert!(out.text.starts_with("An error occurred (404) when calling the HeadBucket operation: Not Found"));
        assert_eq!(
            run(&mut s, "aws s3api head-bucket --bucket objects-bucket").json.unwrap()["BucketRegion"],
            "us-east-1"
        );
        assert_eq!(
            run(&mut s, "aws s3api get-object --bucket objects-bucket --key nope out").code.as_deref(),
            Some("NoSuchKey")
        );
        // ListObjectsV2 with a delimiter rolls keys up into common prefixes.
        assert!(s.execute("aws s3api put-object --bucket objects-bucket --key top --body b.bin", &mut files).ok);
        let list = run(&mut s, "aws s3api list-objects-v2 --bucket objects-bucket --delimiter /").json.unwrap();
        assert_eq!(list["CommonPrefixes"], serde_json::json!([{ "Prefix": "dir/" }]));
        assert_eq!(list["Contents"][0]["Key"], "top");
        // Copies: the bytes and ETag travel; onto itself is refused.
        let copy = run(
            &mut s,
            "aws s3api copy-object --bucket objects-bucket --key copy --copy-source objects-bucket/dir/b.bin",
        );
        assert!(copy.ok, "{}", copy.text);
        let o = &s.world.s3.buckets["objects-bucket"].objects;
        assert_eq!((&o["copy"].body, &o["copy"].etag), (&o["dir/b.bin"].body, &o["dir/b.bin"].etag));
        let out =
            run(&mut s, "aws s3api copy-object --bucket objects-bucket --key copy --copy-source objects-bucket/copy");
        assert_eq!(out.code.as_deref(), Some("InvalidRequest"));
        let out =
            run(&mut s, "aws s3api copy-object --bucket objects-bucket --key c2 --copy-source objects-bucket/none");
        assert_eq!(out.code.as_deref(), Some("NoSuchKey"));
        // DeleteObject of a missing key succeeds; DeleteObjects lists what it deleted.
        assert!(run(&mut s, "aws s3api delete-object --bucket objects-bucket --key nope").ok);
        let out = run(
            &mut s,
            r#"aws s3api delete-objects --bucket objects-bucket --delete '{"Objects":[{"Key":"copy"},{"Key":"top"}]}'"#,
        );
        assert_eq!(out.json.unwrap()["Deleted"], serde_json::json!([{ "Key": "copy" }, { "Key": "top" }]));
        assert_eq!(
            run(&mut s, "aws s3api delete-bucket --bucket objects-bucket").code.as_deref(),
            Some("BucketNotEmpty")
        );
        assert!(run(&mut s, "aws s3api delete-object --bucket objects-bucket --key dir/b.bin").ok);
        assert!(run(&mut s, "aws s3api delete-bucket --bucket objects-bucket").ok);
        // Someone who may not list the bucket learns nothing of a missing key.
        run(&mut s, "aws s3api create-bucket --bucket objects-bucket-2");
        run(&mut s, "sign-in user --account management --user-name bob --password Bob-Passw0rd!");
        let out = run(&mut s, "aws s3api head-object --bucket objects-bucket-2 --key nope");
        assert!(out.text.starts_with("An error occurred (403) when calling the HeadObject operation: Forbidden"));
    }

    #[test]
    fn authenticated_read_lets_signed_in_callers_list_but_not_anonymous_ones() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        assert!(run(&mut s, "aws s3api create-bucket --bucket authread-bucket --object-ownership ObjectWriter").ok);
        assert!(run(&mut s, "aws s3api delete-public-access-block --bucket authread-bucket").ok);
        assert!(run(&mut s, "aws s3api put-bucket-acl --bucket authread-bucket --acl authenticated-read").ok);
        let anonymous = run(&mut s, "aws s3api list-objects-v2 --bucket authread-bucket --no-sign-request");
        assert_eq!(anonymous.code.as_deref(), Some("AccessDenied"), "{}", anonymous.text);
        // dave, of another account, whose own policies allow S3: the grant lets him list.
        run(&mut s, "sign-in user --account dev --user-name dave --password Dave-Passw0rd!");
        let dave = run(&mut s, "aws s3api list-objects-v2 --bucket authread-bucket");
        assert!(dave.ok, "{}", dave.text);
        // A grant to one account by its canonical ID, read back as given.
        run(&mut s, "sign-in user --account management --user-name alice --password Alice-Passw0rd!");
        let dev = s.world.accounts.by_id.values().find(|a| a.name == "dev").unwrap().id.clone();
        let id = super::canonical_id(&dev);
        let put = run(&mut s, &format!("aws s3api put-bucket-acl --bucket authread-bucket --grant-read id={id}"));
        assert!(put.ok, "{}", put.text);
        let acl = run(&mut s, "aws s3api get-bucket-acl --bucket authread-bucket").json.unwrap();
        assert_eq!(acl["Grants"][1]["Grantee"]["ID"], id.as_str());
        assert_eq!(acl["Grants"].as_array().unwrap().len(), 2);
        let bad = run(&mut s, "aws s3api put-bucket-acl --bucket authread-bucket --grant-read id=0000");
        assert_eq!(bad.code.as_deref(), Some("InvalidArgument"));
    }

    #[test]
    fn bucket_policies_are_checked_as_s3_does() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        run(&mut s, "aws s3api create-bucket --bucket checked-bucket");
        let put = |s: &mut Session, doc: &str| {
            run(s, &format!("aws s3api put-bucket-policy --bucket checked-bucket --policy '{doc}'"))
        };
        let out = put(&mut s, "not json");
        assert_eq!(out.code.as_deref(), Some("MalformedPolicy"));
        assert!(out.text.contains("the first byte must be '{'"));
        let wrong_resource =
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::another/*"}]}"#;
        assert!(put(&mut s, wrong_resource).text.contains("Policy has invalid resource"));
        let wrong_action = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"arn:aws:s3:::checked-bucket"}]}"#;
        assert!(put(&mut s, wrong_action).text.contains("Policy has invalid action"));
        let nobody = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::checked-bucket/*"}]}"#;
        assert!(put(&mut s, nobody).text.contains("Invalid principal in policy"));
    }

    #[test]
    fn mfa_delete_needs_the_owner_root_with_long_term_keys_and_a_code() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        run(&mut s, "aws s3api create-bucket --bucket vault-bucket");
        let enable = "aws s3api put-bucket-versioning --bucket vault-bucket --versioning-configuration Status=Enabled,MFADelete=Enabled";
        assert_eq!(run(&mut s, enable).code.as_deref(), Some("AccessDenied"));
        run(
            &mut s,
            "sign-in root --email aws-management@example.com --password Mgmt-Root-2026! --register-mfa-device root-mfa",
        );
        let keys = run(&mut s, "aws iam create-access-key").json.unwrap();
        let (id, secret) = (
            keys["AccessKey"]["AccessKeyId"].as_str().unwrap(),
            keys["AccessKey"]["SecretAccessKey"].as_str().unwrap(),
        );
        let serial = format!("arn:aws:iam::{}:mfa/root-mfa", s.world.resolve(&s.identity).unwrap().account);
        let code = run(&mut s, &format!("mfa-code {serial}")).json.unwrap()["Code"].as_str().unwrap().to_string();
        // A console session cannot carry MFA to S3.
        assert_eq!(run(&mut s, &format!("{enable} --mfa \"{serial} {code}\"")).code.as_deref(), Some("InvalidRequest"));
        s.identity = Identity::Keys { access_key_id: id.into(), secret_access_key: secret.into(), session_token: None };
        // Codes have six digits: five never match.
        assert_eq!(run(&mut s, &format!("{enable} --mfa \"{serial} 12345\"")).code.as_deref(), Some("AccessDenied"));
        assert!(run(&mut s, &format!("{enable} --mfa \"{serial} {code}\"")).ok);
        let v = run(&mut s, "aws s3api get-bucket-versioning --bucket vault-bucket").json.unwrap();
        assert_eq!((v["Status"].as_str(), v["MFADelete"].as_str()), (Some("Enabled"), Some("Enabled")));
        // Once on, even suspending versioning needs the code.
        let suspend =
            "aws s3api put-bucket-versioning --bucket vault-bucket --versioning-configuration Status=Suspended";
        assert_eq!(run(&mut s, suspend).code.as_deref(), Some("AccessDenied"));
    }
}
