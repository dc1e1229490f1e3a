//! Glue's development endpoints in an estate: `accounts/<id>/glue/<region>/get-dev-endpoints.json`,
//! what `aws glue get-dev-endpoints` prints in that account and Region, read into the world and
//! written back (docs/import.md).

use super::tree::Json;
use super::{at, idx, parse_time, str_of, Importer};
use crate::glue::ops::endpoint_json;
use crate::glue::{DevEndpoint, DEFAULT_NODES};
use crate::world::World;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The file of one account's endpoints in one Region.
pub(super) fn file(account: &str, region: &str) -> String {
    format!("accounts/{account}/glue/{region}/get-dev-endpoints.json")
}

/// The members of botocore's `DevEndpoint` shape: any other field of an item is warned of.
const FIELDS: &[&str] = &[
    "EndpointName",
    "RoleArn",
    "SecurityGroupIds",
    "SubnetId",
    "YarnEndpointAddress",
    "PrivateAddress",
    "ZeppelinRemoteSparkInterpreterPort",
    "PublicAddress",
    "Status",
    "WorkerType",
    "GlueVersion",
    "NumberOfWorkers",
    "NumberOfNodes",
    "AvailabilityZone",
    "VpcId",
    "ExtraPythonLibsS3Path",
    "ExtraJarsS3Path",
    "FailureReason",
    "LastUpdateStatus",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "PublicKey",
    "PublicKeys",
    "SecurityConfiguration",
    "Arguments",
];

/// Whether `role` is a role ARN as Glue's model writes it (`arn:aws:iam::\d{12}:role/.*`).
fn role_arn_ok(role: &str) -> bool {
    role.strip_prefix("arn:aws:iam::")
        .and_then(|r| r.split_once(':'))
        .is_some_and(|(a, rest)| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with("role/"))
}

impl Importer<'_, '_, '_> {
    /// `glue/<region>/get-dev-endpoints.json`: each endpoint of the listing, with its role (of
    /// any account, kept as written) and public keys. An item without a name or a role ARN is
    /// skipped; a listing left with a `NextToken` is warned of as truncated.
    pub(super) fn dev_endpoints(&mut self, file: &str, account: &str, region: &str) {
        let raw = self.text(file);
        let Some(v) = raw.as_deref().and_then(|t| self.parse(file, t)) else { return };
        let Some(items) = self.listing(file, &v, "get-dev-endpoints", "DevEndpoints", "the listing is truncated (NextToken): the endpoints past this page are missing; list them without --max-items (the AWS CLI then follows every page)") else { return };
        for (i, item) in items.iter().enumerate() {
            let path = idx("$", "DevEndpoints", i);
            for key in item.keys().filter(|k| !FIELDS.contains(k)) {
                self.warn(file, at(&path, key), "not a field of a DevEndpoint; ignored");
            }
            let Some(name) = str_of(item, "EndpointName").filter(|n| !n.is_empty()) else {
                self.skip(file, &path, "no EndpointName; the endpoint was skipped");
                continue;
            };
            let Some(role) = str_of(item, "RoleArn").filter(|r| role_arn_ok(r)) else {
                self.skip(file, &path, format!("endpoint {name}: no RoleArn of the form arn:aws:iam::ACCOUNT:role/NAME; the endpoint was skipped"));
                continue;
            };
            if self.world.glue.endpoint(account, region, name).is_some() {
                self.skip(
                    file,
                    &path,
                    format!("AlreadyExistsException: endpoint {name} is listed twice; the repeat was skipped"),
                );
                continue;
            }
            let strings = |key: &str| -> Vec<String> {
                item.get(key)
                    .and_then(Json::as_array)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect()
            };
            let created =
                str_of(item, "CreatedTimestamp").and_then(parse_time).unwrap_or_else(|| self.world.clock.now());
            let nodes = item.get("NumberOfNodes").and_then(Json::as_u64).and_then(|n| i64::try_from(n).ok());
            self.world.glue.insert(DevEndpoint {
                name: name.to_string(),
                account: account.to_string(),
                region: region.to_string(),
                role_arn: role.to_string(),
                public_key: str_of(item, "PublicKey").map(str::to_string),
                public_keys: strings("PublicKeys"),
                number_of_nodes: nodes.unwrap_or(DEFAULT_NODES),
                created,
                modified: str_of(item, "LastModifiedTimestamp").and_then(parse_time).unwrap_or(created),
                tags: BTreeMap::new(),
            });
        }
    }
}

/// The world's endpoints as estate files: one `get-dev-endpoints.json` per account and Region
/// that has any, in the CLI's output shape.
pub(super) fn export(world: &World) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (account, regions) in &world.glue.accounts {
        for (region, endpoints) in regions {
            let list: Vec<Value> = endpoints.values().map(endpoint_json).collect();
            out.push((file(account, region), json!({ "DevEndpoints": list })));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::import::{export, import};
    use crate::world::workloads::WorkloadKind;

    const ACCOUNT: &str = "111122223333";

    fn estate(listing: &str) -> Vec<(String, String)> {
        vec![
            (
                format!("accounts/{ACCOUNT}/iam.json"),
                r#"{"UserDetailList":[],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]}"#.to_string(),
            ),
            (super::file(ACCOUNT, "eu-west-1"), listing.to_string()),
        ]
    }

    #[test]
    fn endpoints_are_imported_with_their_roles_and_keys_and_exported_back() {
        let listing = r#"{"DevEndpoints": [
            {"EndpointName": "dev", "RoleArn": "arn:aws:iam::111122223333:role/GlueDev", "Status": "READY",
             "NumberOfNodes": 2, "CreatedTimestamp": "2024-01-15T10:12:53.451000+00:00", "PublicKeys": ["ssh-rsa AAA a@b"]},
            {"EndpointName": "other", "RoleArn": "arn:aws:iam::444455556666:role/Shared", "Nickname": "x"},
            {"EndpointName": "broken", "RoleArn": "GlueDev"}
        ], "NextToken": "abc"}"#;
        let imported = import(&estate(listing), 1);
        let w = &imported.world;
        let dev = w.glue.endpoint(ACCOUNT, "eu-west-1", "dev").expect("dev imported");
        assert_eq!(dev.public_keys, ["ssh-rsa AAA a@b"]);
        assert_eq!(dev.number_of_nodes, 2);
        // A role of another account is kept as written.
        let other = w.glue.endpoint(ACCOUNT, "eu-west-1", "other").expect("other imported");
        assert_eq!(other.role_arn, "arn:aws:iam::444455556666:role/Shared");
        assert!(w.glue.endpoint(ACCOUNT, "eu-west-1", "broken").is_none());
        assert_eq!(imported.skipped.len(), 1, "{:?}", imported.skipped);
        assert_eq!(imported.skipped[0].path, "$.DevEndpoints[2]");
        let warned: Vec<&str> = imported.warnings.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(warned, ["$.NextToken", "$.DevEndpoints[1].Nickname"]);
        // The graph sees both as workloads of the account.
        let workloads = w.workloads_of(ACCOUNT);
        assert_eq!(workloads.len(), 2);
        assert!(workloads.iter().all(|x| x.kind == WorkloadKind::GlueDevEndpoint));
        assert_eq!(workloads[0].arn, "arn:aws:glue:eu-west-1:111122223333:devEndpoint/dev");
        // Exported and imported again: the same endpoints.
        let again = import(&export(w), 1);
        assert!(again.is_clean(), "{}", again.report());
        assert_eq!(again.world.glue, w.glue);
        // Named, and the stacks it has none of are not.
        assert!(imported.report().contains(", 2 development endpoints."), "{}", imported.report());
        assert!(!imported.report().contains("stack"), "{}", imported.report());
    }
}
