//! KMS's alias operations: friendly names for keys, unique in an account and Region
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html>). Each call needs the
//! permission on the alias, which only identity policies give (an alias has no policy), and on
//! the key, which its key policy must give
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html>).

use super::access::{authorize_key, find, invalid, purge_deleted, require_not_pending, Input};
use super::state::{alias_arn, Alias};
use crate::error::{AwsError, AwsResult};
use crate::service::{opt_str, req_str, Call};
use serde_json::{json, Value};

/// The alias name's checks, in the order KMS makes them: the `alias/` prefix, the model's pattern
/// and length, and the `alias/aws/` prefix that AWS keeps for its managed keys.
fn check_name(name: &str) -> AwsResult<()> {
    if !name.starts_with("alias/") {
        return Err(invalid(
            "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
        ));
    }
    if name.len() > 256 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b":/_-".contains(&b)) {
        return Err(invalid(format!(
            "1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
        )));
    }
    if name.starts_with("alias/aws/") {
        return Err(AwsError::new(
            "NotAuthorizedException",
            400,
            "Alias names that begin with alias/aws/ are reserved for AWS managed keys.",
        ));
    }
    Ok(())
}

/// The target key of an alias: a key of the caller's own account and Region (an alias cannot name
/// another account's key), not pending deletion.
fn target(call: &mut Call, key_id: &str) -> AwsResult<String> {
    let arn = find(call, key_id)?;
    let key = &call.world.kms.keys[&arn];
    if key.account != call.caller.account || key.region != call.region {
        return Err(AwsError::new("NotFoundException", 400, format!("Key '{arn}' does not exist")));
    }
    Ok(arn)
}

/// The alias `name` of the caller's account and Region: its ARN, or `NotFoundException`.
fn existing(call: &mut Call, name: &str) -> AwsResult<String> {
    purge_deleted(call);
    let arn = alias_arn(&call.region, &call.caller.account, name);
    if call.world.kms.aliases.contains_key(&arn) {
        Ok(arn)
    } else {
        Err(AwsError::new("NotFoundException", 400, format!("Alias {arn} is not found.")))
    }
}

pub(super) fn create_alias(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "AliasName")?;
    check_name(name)?;
    let key = target(call, req_str(input, "TargetKeyId")?)?;
    let arn = alias_arn(&call.region, &call.caller.account, name);
    call.authorize("kms:CreateAlias", &arn)?;
    authorize_key(call, "kms:CreateAlias", &key)?;
    require_not_pending(call, &key)?;
    if call.world.kms.aliases.contains_key(&arn) {
        return Err(AwsError::new(
            "AlreadyExistsException",
            400,
            format!("An alias with the name {arn} already exists"),
        ));
    }
    let now = call.now();
    let alias = Alias {
        name: name.to_string(),
        account: call.account(),
        region: call.region.clone(),
        target: key,
        created: now,
        updated: now,
    };
    call.world.kms.aliases.insert(arn, alias);
    Ok(Value::Null)
}

pub(super) fn update_alias(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "AliasName")?;
    check_name(name)?;
    let arn = existing(call, name)?;
    let key = target(call, req_str(input, "TargetKeyId")?)?;
    let old = call.world.kms.aliases[&arn].target.clone();
    // The permission on the alias, on the key it names now and on the key it will name.
    call.authorize("kms:UpdateAlias", &arn)?;
    authorize_key(call, "kms:UpdateAlias", &old)?;
    authorize_key(call, "kms:UpdateAlias", &key)?;
    require_not_pending(call, &key)?;
    let now = call.now();
    if let Some(a) = call.world.kms.aliases.get_mut(&arn) {
        a.target = key;
        a.updated = now;
    }
    Ok(Value::Null)
}

pub(super) fn delete_alias(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "AliasName")?;
    let arn = existing(call, name)?;
    let key = call.world.kms.aliases[&arn].target.clone();
    call.authorize("kms:DeleteAlias", &arn)?;
    authorize_key(call, "kms:DeleteAlias", &key)?;
    call.world.kms.aliases.remove(&arn);
    Ok(Value::Null)
}

pub(super) fn list_aliases(call: &mut Call, input: &Input) -> AwsResult<Value> {
    call.authorize("kms:ListAliases", "*")?;
    let key = match opt_str(input, "KeyId") {
        Some(k) => Some(find(call, k)?),
        None => {
            purge_deleted(call);
            None
        }
    };
    let (account, region) = (call.account(), call.region.clone());
    let kms = &call.world.kms;
    let aliases: Vec<Value> = kms
        .aliases
        .values()
        .filter(|a| a.account == account && a.region == region)
        .filter(|a| key.as_ref().is_none_or(|k| &a.target == k))
        .map(|a| {
            let key_id = kms.keys.get(&a.target).map(|k| k.id.clone()).unwrap_or_default();
            json!({
                "AliasName": a.name,
                "AliasArn": a.arn(),
                "TargetKeyId": key_id,
                "CreationDate": crate::clock::format_cli(a.created),
                "LastUpdatedDate": crate::clock::format_cli(a.updated),
            })
        })
        .collect();
    Ok(json!({ "Aliases": aliases }))
}
