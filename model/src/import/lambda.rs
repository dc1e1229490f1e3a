//! Lambda functions in an estate: `accounts/<id>/lambda/<region>/list-functions.json`, what
//! `aws lambda list-functions --region <region>` prints, and its later pages
//! `list-functions-<page>.json` (docs/import.md). Each function keeps its execution role as
//! listed, of its own account or another, so that the graph's escalations through it
//! (`World::workloads_of`) are those of the estate.

use super::tree::Json;
use super::{at, idx, str_of, Importer};
use crate::lambda::{parse_last_modified, valid_function_name, CodeSource, Function};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The members of botocore's `FunctionConfiguration` (Lambda's model, botocore 1.44.18): what
/// `list-functions` may print of a function. The importer reads some; the others describe
/// settings rootsim does not model and are accepted without a word.
const FUNCTION_FIELDS: &[&str] = &[
    "FunctionName",
    "FunctionArn",
    "Runtime",
    "Role",
    "Handler",
    "CodeSize",
    "Description",
    "Timeout",
    "MemorySize",
    "LastModified",
    "CodeSha256",
    "Version",
    "VpcConfig",
    "DeadLetterConfig",
    "Environment",
    "KMSKeyArn",
    "TracingConfig",
    "MasterArn",
    "RevisionId",
    "Layers",
    "State",
    "StateReason",
    "StateReasonCode",
    "LastUpdateStatus",
    "LastUpdateStatusReason",
    "LastUpdateStatusReasonCode",
    "FileSystemConfigs",
    "SigningProfileVersionArn",
    "SigningJobArn",
    "PackageType",
    "ImageConfigResponse",
    "Architectures",
    "EphemeralStorage",
    "SnapStart",
    "RuntimeVersionConfig",
    "LoggingConfig",
    "TenancyConfig",
    "CapacityProviderConfig",
    "ConfigSha256",
    "DurableConfig",
    "RuntimeConfig",
    "AcceleratorConfig",
];

/// The top-level members of `list-functions`' output: the model's, and the CLI's `NextToken` of
/// `--max-items`.
const LISTING_FIELDS: &[&str] = &["Functions", "NextMarker", "NextToken"];

/// Whether `name` is a page of the listing: `list-functions.json` or `list-functions-<page>.json`.
pub(super) fn is_page(name: &str) -> bool {
    name == "list-functions.json"
        || name.strip_prefix("list-functions-").and_then(|r| r.strip_suffix(".json")).is_some_and(|p| !p.is_empty())
}

impl Importer<'_, '_, '_> {
    /// The account's listings, one Region folder at a time: `files` are the account's files
    /// under `lambda/` (`lambda/<region>/<page>`), in name order.
    pub(super) fn lambda(&mut self, account: &str, files: &[&str]) {
        let mut regions: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for file in files {
            let parts: Vec<&str> = file.rsplitn(3, '/').collect();
            if let [page, region, _] = parts.as_slice() {
                if is_page(page) {
                    regions.entry(region).or_default().push(file);
                }
            }
        }
        for (region, mut pages) in regions {
            // The first page first (`list-functions.json`), then the later ones in name order.
            pages.sort_by_key(|f| (!f.ends_with("/list-functions.json"), *f));
            let mut ended = false;
            for file in &pages {
                ended |= self.lambda_page(file, account, region);
            }
            if let (false, Some(last)) = (ended, pages.last()) {
                self.warn(
                    last,
                    "$.NextMarker",
                    format!("the listing of account {account}'s Lambda functions in {region} is truncated and no page of it ends it (no page without NextMarker or NextToken): functions past this page are missing; add the next pages as accounts/{account}/lambda/{region}/list-functions-<page>.json"),
                );
            }
        }
    }

    /// One page; whether it ends the listing (neither `NextMarker` nor `NextToken`).
    fn lambda_page(&mut self, file: &str, account: &str, region: &str) -> bool {
        let raw = self.text(file);
        let Some(v) = raw.as_deref().and_then(|t| self.parse(file, t)) else { return true };
        for key in v.keys().filter(|k| !LISTING_FIELDS.contains(k)) {
            self.warn(file, at("$", key), "not a field of list-functions' output that rootsim reads; ignored");
        }
        let Some(functions) = v.get("Functions").and_then(Json::as_array) else {
            self.skip(file, "$.Functions", "expected the list of functions list-functions prints");
            return true;
        };
        for (i, item) in functions.iter().enumerate() {
            let path = idx("$", "Functions", i);
            match self.function(file, &path, item, account, region) {
                Ok(f) => self.world.lambda.insert(f),
                Err(reason) => self.skip(file, &path, reason),
            }
        }
        v.get("NextMarker").and_then(Json::as_str).is_none() && v.get("NextToken").and_then(Json::as_str).is_none()
    }

    /// A listed function of `account` in `region`, or why it is not imported.
    fn function(&mut self, file: &str, path: &str, v: &Json, account: &str, region: &str) -> Result<Function, String> {
        let name = str_of(v, "FunctionName").ok_or("a function without a FunctionName")?;
        if !valid_function_name(name) {
            return Err(format!("ValidationException: '{name}' is not a valid function name"));
        }
        let arn = crate::lambda::function_arn(region, account, name);
        if let Some(listed) = str_of(v, "FunctionArn").filter(|a| *a != arn) {
            return Err(format!("its FunctionArn {listed} is not {arn}, the function's ARN in this folder"));
        }
        if let Some(version) = str_of(v, "Version").filter(|v| *v != "$LATEST") {
            return Err(format!("version {version} of {name}: rootsim keeps each function's $LATEST only"));
        }
        let role = str_of(v, "Role").ok_or("a function without an execution Role")?;
        let role_ok = rootsim_policy::arn::Arn::parse(role)
            .is_some_and(|a| a.service == "iam" && a.resource.starts_with("role/") && a.account.len() == 12);
        if !role_ok {
            return Err(format!("its Role {role} is not an IAM role ARN"));
        }
        if self.world.lambda.function(account, region, name).is_some() {
            return Err(format!("ResourceConflictException: Function already exist: {name}"));
        }
        for key in v.keys().filter(|k| !FUNCTION_FIELDS.contains(k)) {
            self.warn(file, at(path, key), "not a field of a Lambda function that rootsim reads; ignored");
        }
        let now = self.world.clock.now();
        let last_modified = match str_of(v, "LastModified").map(|t| (t, parse_last_modified(t))) {
            Some((_, Some(t))) => t,
            Some((t, None)) => {
                self.warn(
                    file,
                    at(path, "LastModified"),
                    format!("'{t}' is not Lambda's time format; the import's time is used"),
                );
                now
            }
            None => now,
        };
        let environment = v.get("Environment").and_then(|e| e.get("Variables")).map(|vars| {
            vars.keys().map(|k| (k.to_string(), str_of(vars, k).unwrap_or_default().to_string())).collect()
        });
        let int = |key: &str, default: i64| v.get(key).and_then(Json::as_u64).map_or(default, |n| n as i64);
        Ok(Function {
            name: name.to_string(),
            account: account.to_string(),
            region: region.to_string(),
            runtime: str_of(v, "Runtime").map(str::to_string),
            role: role.to_string(),
            handler: str_of(v, "Handler").map(str::to_string),
            description: str_of(v, "Description").unwrap_or_default().to_string(),
            timeout: int("Timeout", 3),
            memory_size: int("MemorySize", 128),
            code_size: v.get("CodeSize").and_then(Json::as_u64).unwrap_or(0),
            code_sha256: str_of(v, "CodeSha256").unwrap_or_default().to_string(),
            // Where the package came from is not in the listing: a .zip, as far as rootsim knows.
            code: CodeSource::Zip,
            last_modified,
            revision_id: str_of(v, "RevisionId").unwrap_or_default().to_string(),
            environment,
            // list-functions prints no tags (they are GetFunction's).
            tags: BTreeMap::new(),
            published: 0,
        })
    }
}

/// The export's files of Lambda: one `list-functions.json` per account and Region with
/// functions, as `list-functions` prints them (one page, no marker).
pub(super) fn export(world: &crate::world::World) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (account, regions) in &world.lambda.accounts {
        for (region, functions) in regions {
            let listed: Vec<Value> = functions.values().map(crate::lambda::ops::listed).collect();
            out.push((
                format!("accounts/{account}/lambda/{region}/list-functions.json"),
                json!({ "Functions": listed }),
            ));
        }
    }
    out
}
