//! S3 Control (`aws s3control`): the account-level operations of S3 that bear on public access,
//! `PutPublicAccessBlock`, `GetPublicAccessBlock` and `DeletePublicAccessBlock` with
//! `--account-id`. They live with S3 because the settings are S3's state and S3 applies them to
//! every bucket of the account (`S3::effective_public_access_block`); only the CLI service name
//! and the API (the `s3control` model) differ
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_PutPublicAccessBlock.html>).

use super::ops::{public_access_block_answer, read_public_access_block, PUBLIC_ACCESS_BLOCK_CONFIGURATION};
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{req_str, Call, Operation, Param, Shape};
use serde_json::{Map, Value};

type Input = Map<String, Value>;

/// The account named by `--account-id`, authorized for `action` (these actions take no
/// resource: `*`). Simulator assumption: naming another account than the caller's is refused
/// as AccessDenied, since the settings are the caller's account's own.
fn account_param(call: &mut Call, input: &Input, action: &str) -> AwsResult<String> {
    let account = req_str(input, "AccountId")?.to_string();
    call.authorize(action, "*")?;
    if account != call.caller.account {
        return Err(AwsError::access_denied("Access Denied")
            .with_hint(format!("  --account-id {account} is not the caller's account {}.", call.caller.account)));
    }
    Ok(account)
}

/// PutPublicAccessBlock (account): replaces the account's four settings, authorized as
/// `s3:PutAccountPublicAccessBlock`.
fn put_public_access_block(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let block = read_public_access_block(input)?;
    let account = account_param(call, input, "s3:PutAccountPublicAccessBlock")?;
    call.world.s3.account_public_access_blocks.insert(account, block);
    Ok(Value::Null)
}

/// GetPublicAccessBlock (account): `s3:GetAccountPublicAccessBlock`;
/// `NoSuchPublicAccessBlockConfiguration` when the account has none.
fn get_public_access_block(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let account = account_param(call, input, "s3:GetAccountPublicAccessBlock")?;
    public_access_block_answer(call.world.s3.account_public_access_blocks.get(&account).copied())
}

/// DeletePublicAccessBlock (account): authorized as `s3:PutAccountPublicAccessBlock`.
fn delete_public_access_block(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let account = account_param(call, input, "s3:PutAccountPublicAccessBlock")?;
    call.world.s3.account_public_access_blocks.remove(&account);
    Ok(Value::Null)
}

const ACCOUNT_ID: Param = p("AccountId", Shape::String, true, "the account's ID (the caller's own)");

/// S3 Control's operations (`aws s3control ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "s3control",
    [
        (
            "PutPublicAccessBlock",
            put_public_access_block,
            "Sets the account's four Block Public Access settings, which apply to every bucket of it.",
            [PUBLIC_ACCESS_BLOCK_CONFIGURATION, ACCOUNT_ID,]
        ),
        (
            "GetPublicAccessBlock",
            get_public_access_block,
            "Shows the account's Block Public Access settings.",
            [ACCOUNT_ID]
        ),
        (
            "DeletePublicAccessBlock",
            delete_public_access_block,
            "Removes the account's Block Public Access settings.",
            [ACCOUNT_ID]
        ),
    ]
);
