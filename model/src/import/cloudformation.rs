//! CloudFormation's stacks in an estate: `accounts/<id>/cloudformation/<region>/describe-stacks.json`,
//! what `aws cloudformation describe-stacks` prints in that account and Region, read into the
//! world and written back (docs/import.md). `describe-stacks` prints no template, so an imported
//! stack has none: `update-stack --use-previous-template` needs `--template-body` for it.

use super::tree::Json;
use super::{at, idx, parse_time, str_of, Importer};
use crate::cloudformation::ops::stack_json;
use crate::cloudformation::{valid_stack_name, Stack};
use crate::world::World;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The file of one account's stacks in one Region.
pub(super) fn file(account: &str, region: &str) -> String {
    format!("accounts/{account}/cloudformation/{region}/describe-stacks.json")
}

/// The members of botocore's `Stack` shape: any other field of an item is warned of.
const FIELDS: &[&str] = &[
    "StackId",
    "StackName",
    "ChangeSetId",
    "Description",
    "Parameters",
    "CreationTime",
    "DeletionTime",
    "LastUpdatedTime",
    "RollbackConfiguration",
    "StackStatus",
    "StackStatusReason",
    "DisableRollback",
    "DeploymentConfig",
    "NotificationARNs",
    "TimeoutInMinutes",
    "Capabilities",
    "Outputs",
    "RoleARN",
    "Tags",
    "EnableTerminationProtection",
    "ParentId",
    "RootId",
    "DriftInformation",
    "RetainExceptOnCreate",
    "DeletionMode",
    "DetailedStatus",
    "LastOperations",
    "AliasName",
];

impl Importer<'_, '_, '_> {
    /// `cloudformation/<region>/describe-stacks.json`: each stack of the listing with its
    /// service role (of any account, kept as written), parameters, capabilities and tags. A
    /// stack whose `StackId` is not this account's and Region's stack of its `StackName` is
    /// skipped; a listing left with a `NextToken` is warned of as truncated.
    pub(super) fn stacks(&mut self, file: &str, account: &str, region: &str) {
        let raw = self.text(file);
        let Some(v) = raw.as_deref().and_then(|t| self.parse(file, t)) else { return };
        let Some(items) = self.listing(file, &v, "describe-stacks", "Stacks", "the listing is truncated (NextToken): the stacks past this page are missing; list them without --max-items (the AWS CLI then follows every page)") else { return };
        let prefix = format!("arn:aws:cloudformation:{region}:{account}:stack/");
        for (i, item) in items.iter().enumerate() {
            let path = idx("$", "Stacks", i);
            for key in item.keys().filter(|k| !FIELDS.contains(k)) {
                self.warn(file, at(&path, key), "not a field of a Stack; ignored");
            }
            let Some(name) = str_of(item, "StackName").filter(|n| valid_stack_name(n)) else {
                self.skip(file, &path, "no valid StackName; the stack was skipped");
                continue;
            };
            let id_ok = |id: &&str| {
                id.strip_prefix(&prefix)
                    .and_then(|rest| rest.split_once('/'))
                    .is_some_and(|(n, uuid)| n == name && !uuid.is_empty())
            };
            let Some(id) = str_of(item, "StackId").filter(id_ok) else {
                self.skip(
                    file,
                    &path,
                    format!("stack {name}: no StackId {prefix}{name}/ID of this folder's account and Region; the stack was skipped"),
                );
                continue;
            };
            if self.world.cloudformation.stack(account, region, name).is_some() {
                self.skip(
                    file,
                    &path,
                    format!("AlreadyExistsException: Stack [{name}] is listed twice; the repeat was skipped"),
                );
                continue;
            }
            let parameters: BTreeMap<String, String> = item
                .get("Parameters")
                .and_then(Json::as_array)
                .unwrap_or(&[])
                .iter()
                .filter_map(|p| {
                    Some((str_of(p, "ParameterKey")?.to_string(), str_of(p, "ParameterValue")?.to_string()))
                })
                .collect();
            let tags: Vec<(String, String)> = item
                .get("Tags")
                .and_then(Json::as_array)
                .unwrap_or(&[])
                .iter()
                .filter_map(|t| {
                    Some((str_of(t, "Key")?.to_string(), str_of(t, "Value").unwrap_or_default().to_string()))
                })
                .collect();
            let capabilities: Vec<String> = item
                .get("Capabilities")
                .and_then(Json::as_array)
                .unwrap_or(&[])
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect();
            let created = str_of(item, "CreationTime").and_then(parse_time).unwrap_or_else(|| self.world.clock.now());
            self.world.cloudformation.insert(Stack {
                name: name.to_string(),
                id: id.to_string(),
                account: account.to_string(),
                region: region.to_string(),
                role_arn: str_of(item, "RoleARN").map(str::to_string),
                template: String::new(),
                description: str_of(item, "Description").map(str::to_string),
                parameters,
                capabilities,
                tags,
                created,
                updated: str_of(item, "LastUpdatedTime").and_then(parse_time),
                status: str_of(item, "StackStatus").unwrap_or("CREATE_COMPLETE").to_string(),
            });
        }
    }
}

/// The world's stacks as estate files: one `describe-stacks.json` per account and Region that
/// has any, in the CLI's output shape.
pub(super) fn export(world: &World) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (account, regions) in &world.cloudformation.accounts {
        for (region, stacks) in regions {
            let list: Vec<Value> = stacks.values().map(stack_json).collect();
            out.push((file(account, region), json!({ "Stacks": list })));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::import::{export, import};
    use crate::world::workloads::WorkloadKind;

    const ACCOUNT: &str = "111122223333";

    #[test]
    fn stacks_are_imported_with_their_roles_and_exported_back() {
        let id = |name: &str| {
            format!("arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/{name}/6cd5dab4-29db-80e1-136e-e60a89c7f0b4")
        };
        let listing = format!(
            r#"{{"Stacks": [
                {{"StackId": "{}", "StackName": "web", "CreationTime": "2024-01-15T10:12:53.451Z", "StackStatus": "UPDATE_COMPLETE",
                  "RoleARN": "arn:aws:iam::444455556666:role/Deployer", "Parameters": [{{"ParameterKey": "Env", "ParameterValue": "prod"}}],
                  "Tags": [{{"Key": "team", "Value": "web"}}], "Capabilities": ["CAPABILITY_IAM"]}},
                {{"StackId": "{}", "StackName": "plain", "CreationTime": "2024-01-15T10:12:53Z", "StackStatus": "CREATE_COMPLETE"}},
                {{"StackId": "{}", "StackName": "moved", "StackStatus": "CREATE_COMPLETE"}}
            ]}}"#,
            id("web"),
            id("plain"),
            "arn:aws:cloudformation:us-east-1:999999999999:stack/moved/1"
        );
        let files = vec![
            (
                format!("accounts/{ACCOUNT}/iam.json"),
                r#"{"UserDetailList":[],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]}"#.to_string(),
            ),
            (super::file(ACCOUNT, "us-east-1"), listing),
        ];
        let imported = import(&files, 1);
        let w = &imported.world;
        let web = w.cloudformation.stack(ACCOUNT, "us-east-1", "web").expect("web imported");
        assert_eq!(web.role_arn.as_deref(), Some("arn:aws:iam::444455556666:role/Deployer"));
        assert_eq!(web.parameters["Env"], "prod");
        assert_eq!(web.status, "UPDATE_COMPLETE");
        assert!(w.cloudformation.stack(ACCOUNT, "us-east-1", "plain").is_some());
        assert!(w.cloudformation.stack(ACCOUNT, "us-east-1", "moved").is_none());
        assert_eq!(imported.skipped.len(), 1, "{:?}", imported.skipped);
        assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
        // Only the stack with a service role is a workload: the other runs as its callers.
        let workloads = w.workloads_of(ACCOUNT);
        assert_eq!(workloads.len(), 1);
        assert_eq!(
            (workloads[0].kind, workloads[0].arn.as_str()),
            (WorkloadKind::CloudFormationStack, id("web").as_str())
        );
        let again = import(&export(w), 1);
        assert!(again.is_clean(), "{}", again.report());
        assert_eq!(again.world.cloudformation, w.cloudformation);
    }
}
