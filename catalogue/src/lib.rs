//! AWS's own catalogue as data: the Service Authorization Reference (services, actions, access
//! levels, resource types with their ARN formats, condition keys) and the default version of
//! every AWS managed policy.
//!
//! The data is vendored in `data/catalogue/` by `refresh.sh` from maintained public packages
//! (`SOURCE.md` there says which, which version and how current) and embedded compressed, one zlib
//! stream per service and per policy. Nothing is decoded until a lookup needs it, and then only
//! the index and the one service or policy asked about, each once per process (`OnceLock`): the
//! REPL's start and a single `rootsim eval` pay nothing for a catalogue they do not consult.
//!
//! This crate depends on no other rootsim crate, so that the engine (`rootsim-policy`) and the
//! model may both consult it. Lookups of names are case-insensitive, as IAM matches actions and
//! condition keys. Data that cannot be decoded reads as absent, which callers treat as unknown
//! (and so fail closed); the crate's tests decode every service and policy.

mod glob;
mod keys;

pub use glob::{glob_matches, glob_matches_case_sensitive};

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

static SERVICES_INDEX: &[u8] = include_bytes!("../../data/catalogue/services.idx.zz");
static SERVICES: &[u8] = include_bytes!("../../data/catalogue/services.bin");
static POLICIES_INDEX: &[u8] = include_bytes!("../../data/catalogue/policies.idx.zz");
static POLICIES: &[u8] = include_bytes!("../../data/catalogue/policies.bin");
static SOURCE: &str = include_str!("../../data/catalogue/source.json");

/// Where the embedded data came from: `data/catalogue/source.json`, as written by `refresh.sh`
/// (package, version, date and licence of each source).
pub fn source() -> &'static str {
    SOURCE
}

/// Inflates one zlib stream of the embedded data; `None` if it is damaged.
fn inflate(bytes: &[u8]) -> Option<Vec<u8>> {
    miniz_oxide::inflate::decompress_to_vec_zlib(bytes).ok()
}

/// The stream at `offset..offset + len` of `blob`, inflated.
fn chunk(blob: &[u8], offset: usize, len: usize) -> Option<Vec<u8>> {
    blob.get(offset..offset.checked_add(len)?).and_then(inflate)
}

// ---------------------------------------------------------------------------------------------
// The Service Authorization Reference.

/// An action's access level, as the Service Authorization Reference classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    /// Lists resources.
    List,
    /// Reads resources or their attributes.
    Read,
    /// Creates, changes or deletes resources.
    Write,
    /// Grants or changes permissions (policies, grants, ACLs).
    PermissionsManagement,
    /// Changes tags only.
    Tagging,
}

impl AccessLevel {
    fn parse(text: &str) -> Option<AccessLevel> {
        Some(match text {
            "List" => AccessLevel::List,
            "Read" => AccessLevel::Read,
            "Write" => AccessLevel::Write,
            "Permissions management" => AccessLevel::PermissionsManagement,
            "Tagging" => AccessLevel::Tagging,
            _ => return None,
        })
    }

    /// The reference's own name for the level (`Permissions management`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }
}

/// A resource type an action acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionResource {
    /// The resource type's name in its service (`object`, `key`, `role`).
    pub name: String,
    /// Whether the action always acts on this type (the reference's asterisk).
    pub required: bool,
    /// Condition keys that apply only with this resource type.
    pub condition_keys: Vec<String>,
}

/// One action of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// The service prefix (`s3`).
    pub service: String,
    /// The action's name as AWS spells it (`GetObject`).
    pub name: String,
    /// Its access levels: one, or two for the few actions the reference lists under two
    /// (`Tagging, Write`), in the reference's order.
    pub access_levels: Vec<AccessLevel>,
    /// The resource types it acts on; empty for an action that takes no resource, which policies
    /// grant with `"Resource": "*"`.
    pub resource_types: Vec<ActionResource>,
    /// The condition keys the action supports (besides the global ones).
    pub condition_keys: Vec<String>,
    /// Actions that a request for this one also needs permission for.
    pub dependent_actions: Vec<String>,
}

impl Action {
    /// The first of its access levels (the only one for nearly every action).
    pub fn access_level(&self) -> AccessLevel {
        self.access_levels[0]
    }

    /// `service:Name`, as policies write it.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }

    /// Whether the action takes no resource: policies can grant it only with `"Resource": "*"`,
    /// and a request for it is decided against `*`.
    pub fn takes_no_resource(&self) -> bool {
        self.resource_types.is_empty()
    }
}

/// A resource type of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// Its name (`bucket`).
    pub name: String,
    /// Its ARN format, with `${Partition}`, `${Account}`, ... placeholders.
    pub arn_format: String,
    /// Condition keys that apply to it.
    pub condition_keys: Vec<String>,
}

/// A condition key a service defines, with its type (`String`, `ARN`, `Bool`, `ArrayOfString`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionKey {
    /// The key, possibly with a placeholder (`aws:RequestTag/${TagKey}`, `s3:ExistingObjectTag/<key>`).
    pub key: String,
    /// The reference's type name.
    pub kind: String,
}

/// One service of the Service Authorization Reference.
#[derive(Debug)]
pub struct Service {
    /// Its prefix in actions (`s3`).
    pub prefix: String,
    /// Its name (`Amazon S3`).
    pub name: String,
    /// Whether resource control policies (RCPs) apply to it.
    pub rcp_supported: bool,
    /// Its actions, sorted by name (case-insensitively).
    pub actions: Vec<Action>,
    /// Its resource types, sorted by name.
    pub resource_types: Vec<ResourceType>,
    /// Its condition keys, sorted by key.
    pub condition_keys: Vec<ConditionKey>,
    /// Lowercased action name to index in `actions`.
    by_name: HashMap<String, usize>,
}

impl Service {
    /// The action called `name` (without the prefix), case-insensitively.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.by_name.get(&name.to_ascii_lowercase()).map(|&i| &self.actions[i])
    }

    /// The resource type called `name`.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.resource_types.iter().find(|r| r.name == name)
    }

    /// Whether `key` is one of this service's condition keys (placeholders such as `${TagKey}`
    /// match any non-empty text), case-insensitively.
    pub fn has_condition_key(&self, key: &str) -> bool {
        self.condition_keys.iter().any(|k| keys::template_matches(&k.key, key))
    }
}

/// One entry of the service index, decoded with the index; its body is decoded on first use.
struct ServiceEntry {
    prefix: String,
    name: String,
    rcp: bool,
    offset: usize,
    len: usize,
    body: OnceLock<Option<Service>>,
}

/// The service index: entries sorted by prefix, and condition-key prefixes that are no service's.
struct ServiceIndex {
    entries: Vec<ServiceEntry>,
    key_prefixes: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct RawIndex {
    services: Vec<(String, String, bool, usize, usize)>,
    key_prefixes: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct RawService {
    a: Vec<RawAction>,
    r: Vec<(String, String, Vec<String>)>,
    k: Vec<(String, String)>,
}

type RawAction = (String, String, Vec<(String, bool, Vec<String>)>, Vec<String>, Vec<String>);

fn service_index() -> &'static ServiceIndex {
    static INDEX: OnceLock<ServiceIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let raw: Option<RawIndex> = inflate(SERVICES_INDEX).and_then(|bytes| serde_json::from_slice(&bytes).ok());
        let raw = raw.unwrap_or(RawIndex { services: Vec::new(), key_prefixes: HashMap::new() });
        ServiceIndex {
            entries: raw
                .services
                .into_iter()
                .map(|(prefix, name, rcp, offset, len)| ServiceEntry {
                    prefix,
                    name,
                    rcp,
                    offset,
                    len,
                    body: OnceLock::new(),
                })
                .collect(),
            key_prefixes: raw.key_prefixes,
        }
    })
}

fn decode_service(entry: &ServiceEntry) -> Option<Service> {
    let bytes = chunk(SERVICES, entry.offset, entry.len)?;
    let raw: RawService = serde_json::from_slice(&bytes).ok()?;
    let mut actions = Vec::with_capacity(raw.a.len());
    for (name, level, resources, condition_keys, dependent_actions) in raw.a {
        let access_levels =
            level.split(", ").map(AccessLevel::parse).collect::<Option<Vec<_>>>().filter(|l| !l.is_empty())?;
        actions.push(Action {
            service: entry.prefix.clone(),
            name,
            access_levels,
            resource_types: resources
                .into_iter()
                .map(|(name, required, condition_keys)| ActionResource { name, required, condition_keys })
                .collect(),
            condition_keys,
            dependent_actions,
        });
    }
    let by_name = actions.iter().enumerate().map(|(i, a)| (a.name.to_ascii_lowercase(), i)).collect();
    Some(Service {
        prefix: entry.prefix.clone(),
        name: entry.name.clone(),
        rcp_supported: entry.rcp,
        actions,
        resource_types: raw
            .r
            .into_iter()
            .map(|(name, arn_format, condition_keys)| ResourceType { name, arn_format, condition_keys })
            .collect(),
        condition_keys: raw.k.into_iter().map(|(key, kind)| ConditionKey { key, kind }).collect(),
        by_name,
    })
}

fn entry(prefix: &str) -> Option<&'static ServiceEntry> {
    let entries = &service_index().entries;
    let i = entries.binary_search_by(|e| cmp_ignore_case(&e.prefix, prefix)).ok()?;
    Some(&entries[i])
}

/// Compares ASCII case-insensitively (service prefixes are lowercase ASCII, so the index's order
/// is this order).
fn cmp_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// The prefixes and names of every service, in prefix order, without decoding any service.
pub fn service_names() -> impl Iterator<Item = (&'static str, &'static str)> {
    service_index().entries.iter().map(|e| (e.prefix.as_str(), e.name.as_str()))
}

/// Whether resource control policies (RCPs) govern the service with this prefix
/// (case-insensitive): the catalogue's list of services that support RCPs
/// (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>).
/// Reads the index only (a binary search), decoding no service, so authorization may ask it on
/// every request.
pub fn rcp_supported(prefix: &str) -> bool {
    entry(prefix).is_some_and(|e| e.rcp)
}

/// The service with this prefix (case-insensitive), decoded on first use.
pub fn service(prefix: &str) -> Option<&'static Service> {
    let entry = entry(prefix)?;
    entry.body.get_or_init(|| decode_service(entry)).as_ref()
}

/// Every service, each decoded on first use (decodes them all).
pub fn services() -> impl Iterator<Item = &'static Service> {
    service_index().entries.iter().filter_map(|e| e.body.get_or_init(|| decode_service(e)).as_ref())
}

/// The action `service:Name` (case-insensitive), or `None` for an unknown action or a name
/// without exactly one colon.
pub fn action(full_name: &str) -> Option<&'static Action> {
    let (prefix, name) = full_name.split_once(':')?;
    if name.contains(':') {
        return None;
    }
    service(prefix)?.action(name)
}

/// Actions that need no permission: AWS allows them to any authenticated caller whatever the
/// policies say, an explicit `Deny` included. Fixed here rather than read from the data because the
/// Service Authorization Reference does not mark them; each comes with its AWS page.
pub const NO_PERMISSION_ACTIONS: &[(&str, &str)] = &[
    ("sts:GetCallerIdentity", "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html"),
    (
        "sts:GetSessionToken",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html",
    ),
];

/// Whether `action` (`service:Name`, case-insensitive) needs no permission. Constant time and
/// decodes nothing, so the engine may ask it on every request.
pub fn needs_no_permission(action: &str) -> bool {
    NO_PERMISSION_ACTIONS.iter().any(|(a, _)| a.eq_ignore_ascii_case(action))
}

/// Whether the action takes no resource (policies grant it with `"Resource": "*"`). `None` for an
/// action the catalogue does not know.
pub fn takes_no_resource(full_name: &str) -> Option<bool> {
    action(full_name).map(Action::takes_no_resource)
}

/// Actions that the reference lists with no resource type but which AWS authorizes against a
/// resource all the same, as its own AccessDenied messages show: IAM's listings name the path
/// prefix they list (`... iam:ListRoles on resource: arn:aws:iam::ACCOUNT:role/`), and
/// EventBridge's `ListRules` names every rule (`arn:aws:events:REGION:ACCOUNT:rule/*`).
/// **Simulator assumption** (rule EVAL-NO-RESOURCE-STAR): rootsim decides these five against that
/// resource, every other action without a resource type against `*`.
pub const AUTHORIZED_AGAINST_A_RESOURCE: [&str; 5] =
    ["iam:ListUsers", "iam:ListGroups", "iam:ListRoles", "iam:ListPolicies", "events:ListRules"];

/// The actions an action pattern of a policy covers (`s3:Get*`, `iam:*`, `*`, `sts:AssumeRole`),
/// as `service:Name`, in service then name order. `*` and `?` are IAM's wildcards, matched
/// case-insensitively; a pattern whose prefix has wildcards decodes every service it may name.
pub fn expand(pattern: &str) -> Vec<String> {
    let (service_pattern, action_pattern) = match pattern.split_once(':') {
        Some(parts) => parts,
        None if pattern == "*" => ("*", "*"),
        None => return Vec::new(),
    };
    let mut out = Vec::new();
    for entry in &service_index().entries {
        if !glob_matches(service_pattern, &entry.prefix) {
            continue;
        }
        if let Some(service) = entry.body.get_or_init(|| decode_service(entry)).as_ref() {
            out.extend(service.actions.iter().filter(|a| glob_matches(action_pattern, &a.name)).map(Action::full_name));
        }
    }
    out
}

/// Whether `key` is a condition key AWS defines: a global key (`aws:...`, and the cross-service
/// keys such as `ec2:SourceInstanceArn`), or a key of the service its prefix names, or of a service
/// that defines keys under a prefix that is no service's (`saml:sub`, `accounts.google.com:aud`).
/// Case-insensitive; placeholders such as `${TagKey}` match any non-empty text.
pub fn is_known_condition_key(key: &str) -> bool {
    if keys::is_global(key) {
        return true;
    }
    let Some((prefix, _)) = key.split_once(':') else {
        return false;
    };
    if service(prefix).is_some_and(|s| s.has_condition_key(key)) {
        return true;
    }
    let index = service_index();
    let owners =
        index.key_prefixes.iter().find(|(p, _)| p.eq_ignore_ascii_case(prefix) || keys::template_matches(p, prefix));
    owners.is_some_and(|(_, services)| services.iter().any(|s| service(s).is_some_and(|s| s.has_condition_key(key))))
}

/// Whether the condition key `key` of a policy is the catalogue's key `template`
/// (`aws:RequestTag/${TagKey}`, `s3:ExistingObjectTag/<key>`, `secretsmanager:ResourceTag/tag-key`):
/// ASCII case-insensitive, each placeholder standing for one or more characters. The key is taken
/// literally (a `*` in it is a character, not a wildcard).
pub fn condition_key_matches(template: &str, key: &str) -> bool {
    keys::template_matches(template, key)
}

/// The global condition keys (`aws:SourceIp`, `aws:PrincipalTag/${TagKey}`, ...), for completion.
pub fn global_condition_keys() -> &'static [&'static str] {
    keys::GLOBAL
}

// ---------------------------------------------------------------------------------------------
// AWS managed policies.

/// The ARN prefix of every AWS managed policy: the account field is `aws`.
pub const AWS_MANAGED_POLICY_PREFIX: &str = "arn:aws:iam::aws:policy/";

/// One AWS managed policy: its default version, as AWS publishes it.
#[derive(Debug)]
pub struct ManagedPolicy {
    /// The name (`ReadOnlyAccess`).
    pub name: String,
    /// The path (`/`, `/job-function/`, `/service-role/`, `/aws-service-role/`).
    pub path: String,
    /// The default version's id (`v188`).
    pub version_id: String,
    /// When the policy was created, ISO 8601 (`2015-02-06T18:39:48.000Z`).
    pub created: String,
    /// When its default version last changed, ISO 8601.
    pub updated: String,
    offset: usize,
    len: usize,
    document: OnceLock<Option<String>>,
}

impl ManagedPolicy {
    /// The ARN, `arn:aws:iam::aws:policy` + path + name.
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::aws:policy{}{}", self.path, self.name)
    }

    /// The default version's document as minified JSON, decoded on first use; `None` if the
    /// embedded data is damaged (callers treat the policy as unreadable).
    pub fn document(&self) -> Option<&str> {
        self.document
            .get_or_init(|| chunk(POLICIES, self.offset, self.len).and_then(|b| String::from_utf8(b).ok()))
            .as_deref()
    }
}

type RawPolicy = (String, String, String, String, String, usize, usize);

fn policy_index() -> &'static [ManagedPolicy] {
    static INDEX: OnceLock<Vec<ManagedPolicy>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let raw: Vec<RawPolicy> =
            inflate(POLICIES_INDEX).and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
        raw.into_iter()
            .map(|(name, path, version_id, created, updated, offset, len)| ManagedPolicy {
                name,
                path,
                version_id,
                created,
                updated,
                offset,
                len,
                document: OnceLock::new(),
            })
            .collect()
    })
}

/// Every AWS managed policy, sorted by name (documents decoded only when asked for).
pub fn managed_policies() -> &'static [ManagedPolicy] {
    policy_index()
}

/// The AWS managed policy with this name (exact: IAM names are case-preserving and the catalogue
/// holds one policy per name).
pub fn managed_policy(name: &str) -> Option<&'static ManagedPolicy> {
    let index = policy_index();
    index.binary_search_by(|p| p.name.as_str().cmp(name)).ok().map(|i| &index[i])
}

/// The AWS managed policy with this ARN (`arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`):
/// the name must exist and the path must be the policy's.
pub fn managed_policy_by_arn(arn: &str) -> Option<&'static ManagedPolicy> {
    let rest = arn.strip_prefix("arn:aws:iam::aws:policy")?;
    let slash = rest.rfind('/')?;
    let (path, name) = (&rest[..=slash], &rest[slash + 1..]);
    managed_policy(name).filter(|p| p.path == path)
}

#[cfg(test)]
mod tests;
