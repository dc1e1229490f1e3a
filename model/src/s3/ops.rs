//! S3's operations: each reads its parameters, authorizes the call with the bucket policy, changes
//! the buckets through their typed methods (`state.rs`, re-exported by [`super`]) and renders S3's response.

use super::state::{bucket_arn, md5_hex, object_arn, valid_bucket_name};
use super::state::{Bucket, Object};
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

/// Authorizes `action` on `resource` (the bucket or one of its objects) with the bucket policy.
fn authorize_bucket(call: &mut Call, action: &str, bucket: &str, resource: &str) -> AwsResult<()> {
    let (owner, policy) = bucket_policy_of(call.world, bucket).ok_or_else(no_such_bucket)?;
    let result = call.authorize_owned(action, resource, &owner, policy.as_ref().map(|(l, p)| (l.as_str(), p)));
    let account = call.caller.account.clone();
    result.map_err(|e| s3_denial(call.world, &account, &owner, e))
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
    let bucket = Bucket::new(name, &account, &region, call.now());
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
    check_key(key)?;
    authorize_bucket(call, "s3:PutObject", name, &object_arn(name, key))?;
    let body = opt_str(input, "Body").unwrap_or("").to_string();
    let etag = md5_hex(body.as_bytes());
    let versioned = call.world.s3.buckets[name].versioning.as_deref() == Some("Enabled");
    let version_id = versioned.then(|| call.world.rng.lower_alnum(32));
    let now = call.now();
    let mut out = json!({ "ETag": format!("\"{etag}\""), "ServerSideEncryption": "AES256" });
    if let Some(v) = &version_id {
        out["VersionId"] = json!(v);
    }
    let object = Object { body, etag, modified: now, version_id };
    call.world.s3.put_object(name, key, object);
    Ok(out)
}

fn get_object(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let key = req_str(input, "Key")?;
    authorize_bucket(call, "s3:GetObject", name, &object_arn(name, key))?;
    let o = call.world.s3.buckets[name]
        .objects
        .get(key)
        .ok_or_else(|| AwsError::new("NoSuchKey", 404, "The specified key does not exist."))?;
    let mut out = Map::new();
    out.insert("AcceptRanges".into(), json!("bytes"));
    out.insert("LastModified".into(), json!(crate::clock::format_cli(o.modified)));
    out.insert("ContentLength".into(), json!(o.body.len()));
    out.insert("ETag".into(), json!(format!("\"{}\"", o.etag)));
    if let Some(v) = &o.version_id {
        out.insert("VersionId".into(), json!(v));
    }
    out.insert("ContentType".into(), json!("binary/octet-stream"));
    out.insert("ServerSideEncryption".into(), json!("AES256"));
    out.insert("Metadata".into(), json!({}));
    Ok(Value::Object(out))
}

fn list_objects_v2(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = bucket_param(input)?;
    let prefix = opt_str(input, "Prefix").unwrap_or("");
    authorize_bucket(call, "s3:ListBucket", name, &bucket_arn(name))?;
    let contents: Vec<Value> = call.world.s3.buckets[name]
        .objects
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .map(|(k, o)| {
            json!({
                "Key": k,
                "LastModified": crate::clock::format_cli(o.modified),
                "ETag": format!("\"{}\"", o.etag),
                "Size": o.body.len(),
                "StorageClass": "STANDARD",
            })
        })
        .collect();
    let mut out = Map::new();
    if !contents.is_empty() {
        out.insert("Contents".into(), Value::Array(contents));
    }
    out.insert("RequestCharged".into(), Value::Null);
    out.insert("Prefix".into(), json!(prefix));
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

const BUCKET: Param = p("Bucket", Shape::String, true, "the bucket's name");
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
            ]
        ),
        ("ListBuckets", list_buckets, "Lists the caller's account's buckets.", []),
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
            "Stores an object with a short text body.",
            [BUCKET, KEY, p("Body", Shape::String, false, "the content itself (rootsim takes text, not a file name)")]
        ),
        ("GetObject", get_object, "Shows an object's metadata (nothing is written to disk).", [BUCKET, KEY]),
        (
            "ListObjectsV2",
            list_objects_v2,
            "Lists a bucket's objects.",
            [BUCKET, p("Prefix", Shape::String, false, "only keys that start with this")]
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
        assert!(run(&mut s, "aws s3api put-object --bucket locked-bucket --key a.txt --body hello").ok);
        assert!(run(&mut s, &format!("aws s3api put-bucket-policy --bucket locked-bucket --policy {DENY_ALL}")).ok);
        // alice, an administrator, is locked out of everything, the policy included.
        for cmd in ["get-object --key a.txt", "get-bucket-policy", "delete-bucket-policy", "list-objects-v2"] {
            let out = run(&mut s, &format!("aws s3api {cmd} --bucket locked-bucket"));
            assert_eq!(out.code.as_deref(), Some("AccessDenied"), "{cmd}");
            assert!(out.text.contains("with an explicit deny in a resource-based policy"), "{}", out.text);
            assert!(out.text.contains("on resource: \"arn:aws:s3:::locked-bucket"), "{}", out.text);
        }
        // The owner's root user: still denied the objects, but it may read and delete the policy.
        run(&mut s, "sign-in root --email aws-management@example.com --password Mgmt-Root-2026!");
        assert_eq!(
            run(&mut s, "aws s3api get-object --bucket locked-bucket --key a.txt").code.as_deref(),
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
        assert!(run(&mut s, "aws s3api get-object --bucket locked-bucket --key a.txt").ok);
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
