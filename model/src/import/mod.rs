//! Import and export of a real estate: a folder of the JSON that the AWS CLI prints.
//!
//! Owns the estate folder layout (docs/import.md): which CLI output sits in which file, how it
//! becomes a [`World`], and how a world is written back in the same layout. The model does no file
//! I/O, so [`import`] takes `(path, text)` pairs (paths relative to the estate folder, `/`
//! separators) and [`export`] returns them; [`read_estate`] and [`write_estate`] do the same
//! through a [`Host`] for the sandbox's `load DIR` / `export DIR` and the binary's
//! `rootsim import` / `rootsim export`.
//!
//! The import streams: each file is read when its part of the world is built and its text
//! dropped after (the organization's files, then each account's folder in account order), and
//! files are read into [`tree::Json`] trees that borrow their strings from the text; so memory
//! holds the world and one account's files, not the estate's text (docs/import.md, "Scale").
//!
//! An import never fails as a whole: what is unsound (a file that is not JSON, a policy the
//! parser refuses, an attachment to a policy that is not there) is left out and listed in
//! [`Imported::skipped`] with its file and JSON path; everything else is imported. Each distinct
//! policy document is parsed once (a cache keyed by kind and a hash of the text), since real estates repeat the
//! same trust and managed policies across hundreds of accounts.

use crate::account::AccountStatus;
use crate::clock::{days_from_civil, format_cli};
use crate::host::Host;
use crate::iam::ops::authorization_details;
use crate::iam::{
    Attachments, Group, IamAccount, InstanceProfile, LoginProfile, ManagedPolicy, PolicyVersion, Role, User,
};
use crate::kms::Key;
use crate::organizations::ops::policy_summary;
use crate::organizations::{FeatureSet, JoinedMethod, Membership, OrgPolicy, Organization, OrganizationalUnit};
use crate::render::to_cli_json;
use crate::s3::Bucket;
use crate::sqs::Queue;
use crate::world::World;
use rootsim_policy::{ParseOptions, Policy, PolicyError, PolicyKind};
use serde_json::{json, Map, Value};
use tree::{Json, NULL};

mod autoscaling;
mod cloudformation;
mod ec2;
mod glue;
mod lambda;
mod tree;
use rustc_hash::{FxHashMap, FxHasher};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Bound;

/// Something the importer left out, with where it was and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file, relative to the estate folder.
    pub file: String,
    /// The JSON path inside it (`$` for the whole file).
    pub path: String,
    /// Why: an AWS error code and message where there is one (`MalformedPolicyDocument: ...`).
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.path, self.reason)
    }
}

/// What an import built: the world, and what it left out.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The world: the estate's accounts, organization, IAM and resource policies, nobody signed in.
    pub world: World,
    /// What was left out, in the order found (files in name order).
    pub skipped: Vec<Skipped>,
    /// What was imported but not as the file says, or not understood and ignored (an empty
    /// path read from the ARN, items of another account, a truncated listing, an unknown field):
    /// nothing is changed silently (docs/import.md, "Warnings"). `--strict` refuses any.
    pub warnings: Vec<Skipped>,
}

impl Imported {
    /// One paragraph for people: what was imported, then each skipped item on its own line.
    pub fn report(&self) -> String {
        let w = &self.world;
        let iam = w.iam.accounts.values();
        let (mut users, mut groups, mut roles, mut policies, mut profiles) = (0, 0, 0, 0, 0);
        for a in iam {
            users += a.users.len();
            groups += a.groups.len();
            roles += a.roles.len();
            policies += a.policies.len();
            profiles += a.instance_profiles.len();
        }
        // Named only when there are some: most estates' reports stay as they were.
        let roles = match profiles {
            0 => count(roles, "role", "roles"),
            n => format!("{}, {}", count(roles, "role", "roles"), count(n, "instance profile", "instance profiles")),
        };
        let org = match &w.organizations.org {
            Some(o) => format!(
                "an organization ({}, {}), ",
                count(o.ous.len(), "OU", "OUs"),
                count(o.policies.values().filter(|p| !p.aws_managed).count(), "SCP or RCP", "SCPs and RCPs")
            ),
            None => String::new(),
        };
        let mut out = format!(
            "{}, {org}{}, {}, {}, {}, {}, {}, {}.",
            count(w.accounts.by_id.len(), "account", "accounts"),
            count(users, "user", "users"),
            count(groups, "group", "groups"),
            roles,
            count(policies, "managed policy", "managed policies"),
            count(w.s3.buckets.len(), "bucket policy", "bucket policies"),
            count(w.sqs.queues.len(), "queue policy", "queue policies"),
            count(w.kms.keys.len(), "key policy", "key policies")
        );
        // The resources that run code as a role, each kind named only when the estate has some (as
        // instance profiles are): most estates' reports read as they did before these services.
        let instances = w.ec2.accounts.values().map(|a| a.instances.len()).sum();
        let workloads = [
            (w.lambda.accounts.len(), "Lambda function", "Lambda functions"),
            (instances, "EC2 instance", "EC2 instances"),
            (w.glue.accounts.len(), "development endpoint", "development endpoints"),
            (w.cloudformation.accounts.len(), "stack", "stacks"),
            (w.sagemaker.accounts.len(), "notebook instance", "notebook instances"),
            (w.codebuild.accounts.len(), "build project", "build projects"),
            (w.autoscaling.launch_configurations.len(), "launch configuration", "launch configurations"),
            (w.autoscaling.groups.len(), "Auto Scaling group", "Auto Scaling groups"),
        ];
        for (n, one, many) in workloads.into_iter().filter(|(n, ..)| *n > 0) {
            out.insert_str(out.len() - 1, &format!(", {}", count(n, one, many)));
        }
        if !self.skipped.is_empty() {
            out.push_str(&format!("\nSkipped {} item(s):", self.skipped.len()));
            for s in &self.skipped {
                out.push_str(&format!("\n  {s}"));
            }
        }
        if !self.warnings.is_empty() {
            out.push_str(&format!("\nWarnings ({}):", self.warnings.len()));
            for s in &self.warnings {
                out.push_str(&format!("\n  {s}"));
            }
        }
        out
    }

    /// Whether the import took every file exactly as written: nothing skipped, no warning.
    /// `rootsim import --strict` refuses an estate for which this is false.
    pub fn is_clean(&self) -> bool {
        self.skipped.is_empty() && self.warnings.is_empty()
    }
}

/// `n` and the noun in the number it takes: "1 account", "2 accounts".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------- the layout

/// `organization/describe-organization.json`: `aws organizations describe-organization`.
const ORGANIZATION: &str = "organization/describe-organization.json";
/// `organization/list-roots.json`: `aws organizations list-roots`.
const ROOTS: &str = "organization/list-roots.json";

fn ous_file(parent: &str) -> String {
    format!("organization/ous/{parent}.json")
}
fn accounts_file(parent: &str) -> String {
    format!("organization/accounts/{parent}.json")
}
fn policy_file(id: &str) -> String {
    format!("organization/policies/{id}.json")
}
fn targets_file(id: &str) -> String {
    format!("organization/targets/{id}.json")
}
/// `aws organizations list-tags-for-resource --resource-id <id>` of a taggable resource.
fn tags_file(id: &str) -> String {
    format!("organization/tags/{id}.json")
}
fn list_policies_file(kind: &str) -> String {
    format!("organization/list-policies/{kind}.json")
}
fn iam_file(account: &str) -> String {
    format!("accounts/{account}/iam.json")
}

/// The organization policy types the layout carries.
const ORG_POLICY_TYPES: [&str; 3] = ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY"];

/// The Region of a bucket: `get-bucket-policy` does not say, and the layout keeps none.
const BUCKET_REGION: &str = "us-east-1";

// ---------------------------------------------------------------- import

/// Builds a world from an estate's files: `(path relative to the estate folder, text)` pairs.
/// `seed` seeds the world's generator (used only for what the estate does not carry, such as
/// phone numbers of account contacts).
///
/// ```
/// use rootsim_model::import::{export, import};
/// let iam = r#"{"UserDetailList": [{"Path": "/", "UserName": "ana", "UserId": "AIDAEXAMPLE000000001",
///     "UserPolicyList": [{"PolicyName": "Read", "PolicyDocument":
///         {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}}]}]}"#;
/// let files = vec![("accounts/111122223333/iam.json".to_string(), iam.to_string())];
/// let imported = import(&files, 7);
/// assert!(imported.skipped.is_empty());
/// let ana = "arn:aws:iam::111122223333:user/ana";
/// assert!(imported.world.decide(ana, "s3:GetObject", "arn:aws:s3:::b/k").unwrap().decision.is_allowed());
/// assert!(!imported.world.decide(ana, "s3:PutObject", "arn:aws:s3:::b/k").unwrap().decision.is_allowed());
/// // Export writes the same layout back; importing it gives the same world.
/// assert_eq!(import(&export(&imported.world), 7).world, imported.world);
/// ```
pub fn import(files: &[(String, String)], seed: u64) -> Imported {
    // A name given twice is read as its last text, as a map of the pairs keeps it.
    let texts: BTreeMap<&str, &str> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let names: BTreeSet<String> = texts.keys().map(|n| n.to_string()).collect();
    let mut read =
        |name: &str| texts.get(name).map(|t| Cow::Borrowed(*t)).ok_or_else(|| format!("{name}: no such file"));
    // Reading from memory never fails, so the error case is not reached.
    stream(names, &mut read, seed).unwrap_or_else(|_| Imported {
        world: World::new(seed),
        skipped: Vec::new(),
        warnings: Vec::new(),
    })
}

/// Reads the text of one file of the estate, by its name relative to the estate folder.
type Reader<'r, 's> = &'r mut dyn FnMut(&str) -> Result<Cow<'s, str>, String>;

/// Imports the estate whose files are `names`, reading each file through `read` when it is
/// imported and dropping its text once imported: the organization's files first, then each
/// account's folder in account order. Memory holds the world, the parsed documents and one
/// account's files, never the whole estate's text. `Err` is the first error of `read`.
///
/// The items of an account usually sit in its own folder; an estate where some do not (a dump
/// that mixes accounts, docs/import.md "Warnings") is imported again from the start, first reading
/// every `get-account-authorization-details` page to find where each account's items are.
fn stream(names: BTreeSet<String>, read: Reader<'_, '_>, seed: u64) -> Result<Imported, String> {
    let streamed = match Importer::new(&names, read, seed, Mode::Folders).run() {
        Err(Stop::Mixed) => Importer::new(&names, read, seed, Mode::Gathered).run(),
        other => other,
    };
    streamed.map_err(|stop| match stop {
        Stop::Unreadable(e) => e,
        // Not met: a gathered import takes items wherever they are.
        Stop::Mixed => "the estate's accounts could not be told apart".to_string(),
    })
}

/// How the importer finds each account's `get-account-authorization-details` items.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// In the account's own folder only: the importer stops with [`Stop::Mixed`] at the first
    /// item that belongs to another account.
    Folders,
    /// Wherever they are: every page is read once first to find which pages hold which
    /// accounts' items, then each account reads the pages that hold its items.
    Gathered,
}

/// Why an import stopped before its end.
enum Stop {
    /// [`Mode::Folders`] met an item of another account than its folder's.
    Mixed,
    /// A file could not be read (the host's error).
    Unreadable(String),
}

/// What the organization's listings say about one account.
struct Listed {
    name: String,
    email: String,
    status: AccountStatus,
}

/// Key of the parse cache: kind, the options that change validation (the size quota among them:
/// one inline document may fit a role's quota and not a user's), a hash of the text. The text
/// itself is not copied into the key: a parsed policy keeps its text, which is compared on a hit
/// (two texts may share a hash).
type CacheKey = (PolicyKind, bool, bool, bool, Option<usize>, u64);

/// What the cache holds for one text: the policy (which keeps the text), or the text and why
/// it was refused.
enum Parsed {
    Read(Policy),
    Refused(Box<str>, PolicyError),
}

impl Parsed {
    fn text(&self) -> &str {
        match self {
            Parsed::Read(p) => p.text(),
            Parsed::Refused(text, _) => text,
        }
    }

    fn result(&self) -> Result<Policy, PolicyError> {
        match self {
            Parsed::Read(p) => Ok(p.clone()),
            Parsed::Refused(_, e) => Err(e.clone()),
        }
    }
}

/// How trust and resource policies of a dump are read: as AWS stores them, so a deleted user's or
/// role's unique ID may stand in a `Principal` (`get-account-authorization-details` and
/// `get-bucket-policy` show one where a principal was deleted; rule
/// IAM-DELETED-PRINCIPAL-UNIQUE-ID). An unknown condition operator, which IAM refuses when a
/// document is written, is kept unevaluable rather than refused: a Deny that cannot be read still
/// applies, where refusing the document would drop it (fail closed).
const STORED: ParseOptions = ParseOptions {
    aws_managed: false,
    customer_managed: false,
    max_size: None,
    unique_ids: true,
    lenient_operators: true,
};

struct Importer<'n, 'r, 's> {
    world: World,
    skipped: Vec<Skipped>,
    warnings: Vec<Skipped>,
    cache: FxHashMap<CacheKey, Vec<Parsed>>,
    /// Each identity document accepted so far, by a hash of its text, whatever the options it
    /// was read with: one accepted again under other options is the same policy, shared.
    accepted: FxHashMap<u64, Vec<Policy>>,
    /// The estate's file names, relative to its folder.
    files: &'n BTreeSet<String>,
    /// Reads a file's text when it is imported.
    read: Reader<'r, 's>,
    mode: Mode,
    /// Set when the import must stop: the rest of it reads nothing.
    stop: Option<Stop>,
    /// Files read, so that the others can be reported.
    used: BTreeSet<&'n str>,
    /// Customer managed policies whose default version could not be read: whoever has one
    /// attached is not imported (it might deny).
    unreadable_managed: BTreeSet<String>,
    /// Organization targets (root, OU, account) with an SCP or RCP attached that could not be
    /// read, and why: no principal or resource under them is imported (it might be denied).
    guarded: BTreeMap<String, String>,
}

/// A JSON path being walked, for messages.
fn at(base: impl fmt::Display, field: &str) -> String {
    format!("{base}.{field}")
}
fn idx(base: impl fmt::Display, field: &str, i: usize) -> String {
    format!("{base}.{field}[{i}]")
}

/// The JSON path of an item being imported, written out only when a message names it: an
/// estate has millions of items and policy versions, and most are imported without a word.
#[derive(Clone, Copy)]
enum JsonPath<'p> {
    /// The whole file, `$`.
    Root,
    /// Item `i` of the list `field` under `base`: `base.field[i]`.
    Index(&'p JsonPath<'p>, &'p str, usize),
}

/// `$`, the base of every item's path.
static ROOT: JsonPath<'static> = JsonPath::Root;

impl fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonPath::Root => f.write_str("$"),
            JsonPath::Index(base, field, i) => write!(f, "{base}.{field}[{i}]"),
        }
    }
}

fn str_of<'v>(v: &'v Json, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Json::as_str)
}

fn list<'v, 't>(v: &'v Json<'t>, key: &str) -> &'v [Json<'t>] {
    v.get(key).and_then(Json::as_array).unwrap_or(&[])
}

/// Reads the AWS CLI's timestamps (`2024-01-15T10:12:53.451000+00:00`, `...Z`, or a space for
/// the `T`) as epoch seconds.
pub fn parse_time(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[digits..];
    }
    let offset = match rest {
        "" | "Z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hm = rest[1..].replace(':', "");
            if hm.len() != 4 {
                return None;
            }
            sign * (hm[..2].parse::<i64>().ok()? * 3600 + hm[2..].parse::<i64>().ok()? * 60)
        }
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(days * 86_400 + h * 3600 + mi * 60 + s - offset)
}

/// Decodes `%XX` escapes (IAM's URL-encoded policy documents).
fn percent_decode(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The text of a policy document as the CLI prints it: a JSON object (the CLI decodes IAM's
/// documents), or a string holding JSON, URL-encoded or not (the raw API, Organizations' Content).
fn document_text(v: &Json) -> Result<String, String> {
    match v {
        // The tree keeps the keys as written, so the text reads as the file does.
        Json::Object(_) => Ok(v.to_text()),
        Json::String(s) if s.trim_start().starts_with('{') => Ok(s.to_string()),
        Json::String(s) => percent_decode(s).ok_or_else(|| "not a URL-encoded policy document".to_string()),
        _ => Err("expected a policy document (a JSON object or string)".to_string()),
    }
}

impl<'n, 'r, 's> Importer<'n, 'r, 's> {
    fn new(files: &'n BTreeSet<String>, read: Reader<'r, 's>, seed: u64, mode: Mode) -> Self {
        Importer {
            world: World::new(seed),
            skipped: Vec::new(),
            warnings: Vec::new(),
            cache: FxHashMap::default(),
            accepted: FxHashMap::default(),
            files,
            read,
            mode,
            stop: None,
            used: BTreeSet::new(),
            unreadable_managed: BTreeSet::new(),
            guarded: BTreeMap::new(),
        }
    }

    /// The whole import: the organization, then every account, then what no step read.
    fn run(mut self) -> Result<Imported, Stop> {
        let accounts = self.organization();
        self.accounts(accounts);
        let files = self.files;
        let unused: Vec<&str> = files.iter().map(String::as_str).filter(|f| !self.used.contains(f)).collect();
        for f in unused {
            // Read all the same, so that a file the host refuses fails the import, as when
            // every file was read first.
            let _ = self.text(f);
            let reason = match f.split('/').collect::<Vec<_>>().as_slice() {
                ["organization", "ous" | "accounts", parent] => {
                    format!("{} is neither the root nor an OU under it", parent.trim_end_matches(".json"))
                }
                ["organization", "targets", _] => "its policy has no file under organization/policies/".to_string(),
                _ => "not a file of the estate layout (docs/import.md)".to_string(),
            };
            self.skip(f, "$", reason);
        }
        if let Some(stop) = self.stop {
            return Err(stop);
        }
        self.skipped.sort_by(|a, b| a.file.cmp(&b.file));
        self.warnings.sort_by(|a, b| a.file.cmp(&b.file));
        Ok(Imported { world: self.world, skipped: self.skipped, warnings: self.warnings })
    }

    fn warn(&mut self, file: &str, path: impl fmt::Display, reason: impl Into<String>) {
        self.warnings.push(Skipped { file: file.to_string(), path: path.to_string(), reason: reason.into() });
    }

    fn skip(&mut self, file: &str, path: impl fmt::Display, reason: impl Into<String>) {
        self.skipped.push(Skipped { file: file.to_string(), path: path.to_string(), reason: reason.into() });
    }

    /// The items of `v`, a one-file listing (`file`) that the AWS CLI's `command` prints as
    /// `{KEY: [...], "NextToken": ...}`: any other top-level field is warned of as not the
    /// command's, a `NextToken` left in it with `truncated` (the pages after it are missing), and
    /// a `KEY` that is not a list is skipped (`None`); no `KEY` is an empty listing.
    fn listing<'v, 't>(
        &mut self,
        file: &str,
        v: &'v Json<'t>,
        command: &str,
        key: &str,
        truncated: &str,
    ) -> Option<&'v [Json<'t>]> {
        for k in v.keys().filter(|k| *k != key && *k != "NextToken") {
            self.warn(file, at("$", k), format!("not a field of {command}'s output; ignored"));
        }
        if v.get("NextToken").is_some() {
            self.warn(file, "$.NextToken", truncated);
        }
        match v.get(key) {
            Some(Json::Array(items)) => Some(items.as_slice()),
            Some(Json::Null) | None => Some(&[]),
            Some(_) => {
                self.skip(file, at("$", key), "expected a list");
                None
            }
        }
    }

    /// Leaves a principal out, saying why: fail closed, since a policy of it that cannot be read
    /// might deny it what the others allow.
    fn refuse(&mut self, file: &str, path: &JsonPath, noun: &str, reason: &str) {
        self.skip(
            file,
            path,
            format!("{reason}: the {noun} was not imported (a policy that cannot be read might deny)"),
        );
    }

    /// The text of `file`, if the estate has it; marks it read. `None` once the import stops
    /// (a file could not be read, or [`Mode::Folders`] met another account's item).
    fn text(&mut self, file: &str) -> Option<Cow<'s, str>> {
        let name = self.files.get(file)?;
        self.used.insert(name.as_str());
        if self.stop.is_some() {
            return None;
        }
        match (self.read)(name) {
            Ok(text) => Some(text),
            Err(e) => {
                self.stop = Some(Stop::Unreadable(e));
                None
            }
        }
    }

    /// The JSON tree of `file`'s text; a file that is not a JSON object is skipped.
    fn parse<'x>(&mut self, file: &str, text: &'x str) -> Option<Json<'x>> {
        match serde_json::from_str::<Json>(text) {
            Ok(v) if v.is_object() => Some(v),
            Ok(_) => {
                self.skip(file, "$", "expected a JSON object, as the AWS CLI prints");
                None
            }
            Err(e) => {
                self.skip(file, "$", format!("not JSON: {e}"));
                None
            }
        }
    }

    /// Parses a document once per distinct (kind, options, text).
    fn policy(&mut self, doc: &Json, kind: PolicyKind, opts: &ParseOptions) -> Result<Policy, String> {
        let text = document_text(doc)?;
        let mut hasher = FxHasher::default();
        text.hash(&mut hasher);
        let hash = hasher.finish();
        let key = (kind, opts.aws_managed, opts.customer_managed, opts.unique_ids, opts.max_size, hash);
        let found = |cache: &FxHashMap<CacheKey, Vec<Parsed>>, key| {
            cache.get(&key).and_then(|same: &Vec<Parsed>| same.iter().find(|p| p.text() == text)).map(Parsed::result)
        };
        if let Some(hit) = found(&self.cache, key) {
            return hit.map_err(|e| format!("MalformedPolicyDocument: {e}"));
        }
        let mut parsed = Policy::parse_with(&text, kind, opts);
        if let (Ok(policy), PolicyKind::Identity) = (&parsed, kind) {
            // The same identity document read as a customer managed policy and as an inline one
            // (or inline for a user and for a role): the options differ only in what they refuse
            // (the version a managed policy needs, the size quota), so once each accepts it the
            // policy is one, shared (the world holds each identity document of an estate once).
            let same = self.accepted.entry(hash).or_default();
            match same.iter().find(|p| p.text() == text) {
                Some(known) => parsed = Ok(known.clone()),
                None => same.push(policy.clone()),
            }
        }
        self.cache.entry(key).or_default().push(match &parsed {
            Ok(p) => Parsed::Read(p.clone()),
            Err(e) => Parsed::Refused(text.into_boxed_str(), e.clone()),
        });
        parsed.map_err(|e| format!("MalformedPolicyDocument: {e}"))
    }

    fn time(&self, v: &Json, key: &str) -> i64 {
        str_of(v, key).and_then(parse_time).unwrap_or_else(|| self.world.clock.now())
    }

    /// The IDs of the `<prefix><id>.json` files directly in a folder of the estate.
    fn ids_under(&self, prefix: &str) -> Vec<String> {
        self.files
            .iter()
            .filter_map(|f| f.strip_prefix(prefix)?.strip_suffix(".json"))
            .filter(|id| !id.contains('/'))
            .map(str::to_string)
            .collect()
    }

    /// The tags of the organization's resources (`organization/tags/<id>.json`): each file names
    /// a resource of the organization read so far, else it is skipped, saying so.
    fn org_tags(&mut self, org: &mut Organization) {
        for id in self.ids_under("organization/tags/") {
            let file = tags_file(&id);
            let raw = self.text(&file);
            let Some(v) = raw.as_deref().and_then(|t| self.parse(&file, t)) else { continue };
            if org.taggable_arn(&id).is_none() {
                self.skip(&file, "$", format!("{id} is not a resource of the organization"));
                continue;
            }
            let mut tags = BTreeMap::new();
            for (i, t) in list(&v, "Tags").iter().enumerate() {
                match (str_of(t, "Key"), str_of(t, "Value")) {
                    (Some(k), Some(v)) => {
                        tags.insert(k.to_string(), v.to_string());
                    }
                    _ => self.skip(&file, idx("$", "Tags", i), "needs Key and Value"),
                }
            }
            if !tags.is_empty() {
                org.tags.insert(id, tags);
            }
        }
    }

    /// Reads the organization files into the world's organization; returns what the listings say
    /// about each account.
    fn organization(&mut self) -> BTreeMap<String, Listed> {
        let mut listed = BTreeMap::new();
        let raw = self.text(ORGANIZATION);
        let Some(desc) = raw.as_deref().and_then(|t| self.parse(ORGANIZATION, t)) else { return listed };
        let o = desc.get("Organization").unwrap_or(&NULL);
        let (Some(id), Some(mgmt)) = (str_of(o, "Id"), str_of(o, "MasterAccountId")) else {
            self.skip(ORGANIZATION, "$.Organization", "needs Id and MasterAccountId");
            return listed;
        };
        let feature_set = match str_of(o, "FeatureSet") {
            Some("CONSOLIDATED_BILLING") => FeatureSet::ConsolidatedBilling,
            _ => FeatureSet::All,
        };
        let raw = self.text(ROOTS);
        let Some(roots) = raw.as_deref().and_then(|t| self.parse(ROOTS, t)) else {
            self.skip(ROOTS, "$", "missing: an organization needs its root (aws organizations list-roots)");
            return listed;
        };
        let Some(root) = list(&roots, "Roots").first() else {
            self.skip(ROOTS, "$.Roots", "no root");
            return listed;
        };
        let Some(root_id) = str_of(root, "Id") else {
            self.skip(ROOTS, "$.Roots[0].Id", "missing");
            return listed;
        };
        let enabled = list(root, "PolicyTypes")
            .iter()
            .filter(|t| str_of(t, "Status") == Some("ENABLED"))
            .filter_map(|t| str_of(t, "Type").map(str::to_string))
            .collect();
        let mut org = Organization::new(id.to_string(), feature_set, mgmt.to_string(), root_id.to_string());
        org.enabled_policy_types = enabled;
        // The tree, walked from the root down: only parents reached are read, so no cycle or
        // orphan can enter the world.
        let mut parents = vec![root_id.to_string()];
        while let Some(parent) = parents.pop() {
            let file = ous_file(&parent);
            let raw = self.text(&file);
            if let Some(v) = raw.as_deref().and_then(|t| self.parse(&file, t)) {
                for (i, ou) in list(&v, "OrganizationalUnits").iter().enumerate() {
                    let (Some(ou_id), Some(name)) = (str_of(ou, "Id"), str_of(ou, "Name")) else {
                        self.skip(&file, idx("$", "OrganizationalUnits", i), "needs Id and Name");
                        continue;
                    };
                    if ou_id == org.root_id || org.ous.contains_key(ou_id) {
                        self.skip(&file, idx("$", "OrganizationalUnits", i), format!("{ou_id} is listed twice"));
                        continue;
                    }
                    let unit =
                        OrganizationalUnit { id: ou_id.to_string(), name: name.to_string(), parent: parent.clone() };
                    org.ous.insert(ou_id.to_string(), unit);
                    parents.push(ou_id.to_string());
                }
            }
            let file = accounts_file(&parent);
            let raw = self.text(&file);
            if let Some(v) = raw.as_deref().and_then(|t| self.parse(&file, t)) {
                for (i, a) in list(&v, "Accounts").iter().enumerate() {
                    let path = idx("$", "Accounts", i);
                    let Some(acct) = str_of(a, "Id").filter(|id| valid_account_id(id)) else {
                        self.skip(&file, &path, "needs an Id of 12 digits");
                        continue;
                    };
                    if org.accounts.contains_key(acct) {
                        self.skip(&file, &path, format!("account {acct} is listed under two parents"));
                        continue;
                    }
                    let joined_method = match str_of(a, "JoinedMethod") {
                        Some("INVITED") => JoinedMethod::Invited,
                        _ => JoinedMethod::Created,
                    };
                    let status = match str_of(a, "Status") {
                        Some("SUSPENDED") => AccountStatus::Suspended,
                        Some("PENDING_CLOSURE") => AccountStatus::PendingClosure,
                        _ => AccountStatus::Active,
                    };
                    let joined = self.time(a, "JoinedTimestamp");
                    org.accounts.insert(acct.to_string(), Membership { parent: parent.clone(), joined_method, joined });
                    listed.insert(
                        acct.to_string(),
                        Listed {
                            name: str_of(a, "Name").unwrap_or(acct).to_string(),
                            email: str_of(a, "Email").map_or_else(|| default_email(acct), str::to_string),
                            status,
                        },
                    );
                }
            }
        }
        if !org.accounts.contains_key(mgmt) {
            self.skip(
                ORGANIZATION,
                "$.Organization.MasterAccountId",
                format!("the management account {mgmt} is under no parent; it was put under the root"),
            );
            let email = str_of(o, "MasterAccountEmail").map_or_else(|| default_email(mgmt), str::to_string);
            let joined = self.world.clock.now();
            org.accounts.insert(
                mgmt.to_string(),
                Membership { parent: org.root_id.clone(), joined_method: JoinedMethod::Created, joined },
            );
            listed.insert(mgmt.to_string(), Listed { name: mgmt.to_string(), email, status: AccountStatus::Active });
        }
        self.org_policies(&mut org);
        self.org_tags(&mut org);
        self.world.organizations.org = Some(org);
        listed
    }

    /// SCPs and RCPs: one describe-policy file each, with its targets; the list-policies files
    /// only say which policies should be there.
    fn org_policies(&mut self, org: &mut Organization) {
        for id in &self.ids_under("organization/policies/") {
            let file = policy_file(id);
            let raw = self.text(&file);
            let Some(v) = raw.as_deref().and_then(|t| self.parse(&file, t)) else { continue };
            let p = v.get("Policy").unwrap_or(&NULL);
            let summary = p.get("PolicySummary").unwrap_or(&NULL);
            let kind = match str_of(summary, "Type") {
                Some("SERVICE_CONTROL_POLICY") => Some(PolicyKind::Scp),
                Some("RESOURCE_CONTROL_POLICY") => Some(PolicyKind::Rcp),
                // A tag policy is kept as its text (rule ORG-TAG-POLICIES): never evaluated.
                Some("TAG_POLICY") => None,
                other => {
                    let other = other.unwrap_or("missing");
                    self.skip(
                        &file,
                        "$.Policy.PolicySummary.Type",
                        format!(
                            "{other}: only SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY and TAG_POLICY are modelled"
                        ),
                    );
                    continue;
                }
            };
            if str_of(summary, "Id") != Some(id.as_str()) {
                self.skip(&file, "$.Policy.PolicySummary.Id", format!("does not match the file name ({id})"));
                continue;
            }
            let aws_managed = summary.get("AwsManaged").and_then(Json::as_bool).unwrap_or(false);
            let opts = ParseOptions { aws_managed, ..ParseOptions::default() };
            let content = p.get("Content").unwrap_or(&NULL);
            let read = match kind {
                Some(kind) => self.policy(content, kind, &opts),
                None => match content.as_str() {
                    Some(text) => crate::organizations::effective::tag_policy_checked(text)
                        .inspect(|_| {
                            org.policy_contents.insert(id.clone(), text.to_string());
                        })
                        .map_err(|e| {
                            format!("{}{}", e.message, e.hint.map(|h| format!(" ({})", h.trim())).unwrap_or_default())
                        }),
                    None => Err("a tag policy's Content is its JSON text, a string".to_string()),
                },
            };
            let document = match read {
                Ok(d) => d,
                Err(e) => {
                    self.skip(&file, "$.Policy.Content", e);
                    // Fail closed: what the policy was attached to is not imported, since the
                    // policy might deny there (a guardrail is never dropped silently).
                    let reason =
                        format!("{} {id} ({file}) cannot be read", str_of(summary, "Type").unwrap_or("policy"));
                    let targets = targets_file(id);
                    let raw = self.text(&targets);
                    if let Some(v) = raw.as_deref().and_then(|t| self.parse(&targets, t)) {
                        for t in list(&v, "Targets") {
                            if let Some(target) = str_of(t, "TargetId") {
                                self.guarded.entry(target.to_string()).or_insert_with(|| reason.clone());
                            }
                        }
                    }
                    continue;
                }
            };
            org.policies.insert(
                id.clone(),
                OrgPolicy {
                    id: id.clone(),
                    name: str_of(summary, "Name").unwrap_or(id).to_string(),
                    description: str_of(summary, "Description").unwrap_or("").to_string(),
                    policy_type: str_of(summary, "Type").unwrap_or_default().to_string(),
                    aws_managed,
                    document,
                },
            );
            let file = targets_file(id);
            let raw = self.text(&file);
            let Some(v) = raw.as_deref().and_then(|t| self.parse(&file, t)) else { continue };
            for (i, t) in list(&v, "Targets").iter().enumerate() {
                let target = str_of(t, "TargetId").unwrap_or("");
                if target != org.root_id && !org.ous.contains_key(target) && !org.accounts.contains_key(target) {
                    self.skip(&file, idx("$", "Targets", i), format!("target '{target}' is not in the organization"));
                    continue;
                }
                let attached = org.attachments.entry(target.to_string()).or_default();
                if !attached.contains(id) {
                    attached.push(id.clone());
                }
            }
        }
        for kind in ORG_POLICY_TYPES {
            let file = list_policies_file(kind);
            let raw = self.text(&file);
            let Some(v) = raw.as_deref().and_then(|t| self.parse(&file, t)) else { continue };
            for (i, p) in list(&v, "Policies").iter().enumerate() {
                let id = str_of(p, "Id").unwrap_or("");
                if !org.policies.contains_key(id) && !self.skipped.iter().any(|s| s.file == policy_file(id)) {
                    self.skip(&file, idx("$", "Policies", i), format!("{} is missing", policy_file(id)));
                }
            }
        }
    }

    /// Every account: those the organization lists and those with a folder under `accounts/`,
    /// in account order, each read and imported before the next (see [`Mode`]).
    fn accounts(&mut self, listed: BTreeMap<String, Listed>) {
        let files = self.files;
        let mut ids: BTreeSet<String> = listed.keys().cloned().collect();
        let mut bad = Vec::new();
        for f in files {
            if let Some(id) = f.strip_prefix("accounts/").and_then(|r| r.split('/').next()) {
                if valid_account_id(id) {
                    ids.insert(id.to_string());
                } else {
                    bad.push(f.as_str());
                }
            }
        }
        for f in bad {
            let _ = self.text(f);
            self.skip(f, "$", "the folder under accounts/ must be a 12-digit account ID");
        }
        // Each account's pages of get-account-authorization-details, in name order.
        let mut pages: BTreeMap<&'n str, Vec<&'n str>> = BTreeMap::new();
        for f in files {
            let Some((id, name)) = f.strip_prefix("accounts/").and_then(|r| r.split_once('/')) else { continue };
            if valid_account_id(id) && is_iam_page(name) {
                pages.entry(id).or_default().push(f.as_str());
            }
        }
        // Which pages hold the items of which account: each folder its own, unless gathered.
        let holders: BTreeMap<String, Vec<&'n str>> = match self.mode {
            Mode::Folders => pages.iter().map(|(id, p)| (id.to_string(), p.clone())).collect(),
            Mode::Gathered => self.gather(&pages),
        };
        ids.extend(holders.keys().cloned());
        for id in &ids {
            if self.stop.is_some() {
                return;
            }
            match listed.get(id) {
                Some(l) => {
                    self.world.insert_account(id, &l.name, &l.email, None);
                    if let Some(a) = self.world.accounts.by_id.get_mut(id) {
                        a.status = l.status;
                    }
                }
                None => self.world.insert_account(id, id, &default_email(id), None),
            }
            let held = holders.get(id).map_or(&[][..], Vec::as_slice);
            // The account's pages, read whole, then its items taken from them.
            let texts: Vec<(&str, Option<Cow<'s, str>>)> = held.iter().map(|f| (*f, self.text(f))).collect();
            let mut trees = Vec::with_capacity(texts.len());
            for (file, text) in &texts {
                let tree = match self.mode {
                    // First reading: what is wrong with the page is said now.
                    Mode::Folders => text.as_deref().and_then(|t| self.parse(file, t)),
                    // Read before by `gather`, which said it.
                    Mode::Gathered => text.as_deref().and_then(|t| serde_json::from_str::<Json>(t).ok()),
                };
                trees.extend(tree.map(|t| (*file, t)));
            }
            let mut mine = Details::default();
            let mut found = false;
            let mut ends = (0, None);
            for (file, tree) in trees {
                let folder = folder_of(file);
                let emit = self.mode == Mode::Folders;
                for (list_index, owner, item) in self.page_items(file, folder, tree, emit, &mut ends) {
                    match owner {
                        Some(owner) if owner != *id => {
                            if self.mode == Mode::Folders {
                                self.stop = Some(Stop::Mixed);
                                return;
                            }
                        }
                        _ if folder != id && owner.is_none() => {}
                        _ => {
                            found = true;
                            mine.lists[list_index].push(item);
                        }
                    }
                }
            }
            if self.mode == Mode::Folders {
                self.truncated(id, ends);
            }
            if let Some(reason) = self.guard_of(id) {
                self.refuse_account(id, &reason);
                // Items of this account found in other accounts' files are left out with it.
                let prefix = format!("accounts/{id}/");
                let elsewhere: BTreeSet<&str> = held.iter().copied().filter(|f| !f.starts_with(&prefix)).collect();
                for f in elsewhere {
                    self.skip(f, "$", format!("{reason}: the items of account {id} here were not imported"));
                }
                continue;
            }
            if found {
                self.iam(id, mine);
            }
            self.credential_report(id);
            self.resources(id);
        }
    }

    /// Reads every page of `get-account-authorization-details` once, saying what is wrong with
    /// each, and finds which pages hold the items of which account (an item whose `Arn` names
    /// another account than its folder is that account's: a dump that mixes accounts is split,
    /// never merged silently). The trees are dropped: each account reads its pages again.
    fn gather(&mut self, pages: &BTreeMap<&'n str, Vec<&'n str>>) -> BTreeMap<String, Vec<&'n str>> {
        let mut holders: BTreeMap<String, Vec<&'n str>> = BTreeMap::new();
        for (folder, files) in pages {
            let mut ends = (0, None);
            for file in files {
                let text = self.text(file);
                let Some(tree) = text.as_deref().and_then(|t| self.parse(file, t)) else { continue };
                let owners: BTreeSet<String> = self
                    .page_items(file, folder, tree, true, &mut ends)
                    .into_iter()
                    .map(|(_, owner, _)| owner.unwrap_or_else(|| folder.to_string()))
                    .collect();
                for owner in owners {
                    holders.entry(owner).or_default().push(file);
                }
            }
            self.truncated(folder, ends);
        }
        // Each account's pages in name order, as they are read.
        for files in holders.values_mut() {
            files.sort_unstable();
        }
        holders
    }

    /// Warns of an account's listing that no page ends: `ends` counts the pages that end it and
    /// names the last that does not.
    fn truncated(&mut self, folder: &str, ends: (usize, Option<&str>)) {
        if let (0, Some(file)) = ends {
            self.warn(
                file,
                "$.IsTruncated",
                format!("the listing of account {folder} is truncated and no page of it ends it (IsTruncated false and no Marker or NextToken): principals and policies past this page are missing; add the next pages as accounts/{folder}/iam-<page>.json"),
            );
        }
    }

    /// Why the account's principals and resources may not be imported: an unreadable SCP or RCP
    /// attached to it, to an OU above it or to the root.
    fn guard_of(&self, account: &str) -> Option<String> {
        let org = self.world.organizations.org.as_ref()?;
        // From the account up to the root; an account without a whole chain is checked alone.
        let chain = org.chain(account).unwrap_or_else(|| vec![account]);
        chain
            .iter()
            .rev()
            .find_map(|at| self.guarded.get(*at).map(|reason| format!("{reason}, and it applies to {at}")))
    }

    /// Leaves out every principal and resource of `account` (its files are read, not imported),
    /// saying why: fail closed, since a guardrail that cannot be read might deny them anything.
    fn refuse_account(&mut self, account: &str, reason: &str) {
        let prefix = format!("accounts/{account}/");
        let names = self.files;
        let files: Vec<&str> = names.iter().map(String::as_str).filter(|f| f.starts_with(&prefix)).collect();
        for f in &files {
            // Read, not imported: a file the host refuses still fails the import.
            if !self.used.contains(f) {
                let _ = self.text(f);
            }
        }
        let file = files.first().map_or_else(|| iam_file(account), |f| f.to_string());
        self.skip(
            &file,
            "$",
            format!("{reason}: the account's principals and resources were not imported (a guardrail that cannot be read might deny them)"),
        );
    }

    /// The items of one page of `get-account-authorization-details` (`accounts/<id>/iam.json` and
    /// `accounts/<id>/iam-<page>.json`), each with its list (an index of [`DETAIL_LISTS`]) and
    /// its account when its `Arn` names another than the folder's (`None`: the folder's). When
    /// `emit`, warns of fields it does not know, of items of other accounts (imported into
    /// theirs) and of lists that are not lists; counts in `ends` whether the page ends the
    /// account's listing (not `IsTruncated: true`, no `NextToken`).
    fn page_items<'f: 'x, 'x>(
        &mut self,
        file: &'f str,
        folder: &str,
        mut v: Json<'x>,
        emit: bool,
        ends: &mut (usize, Option<&'f str>),
    ) -> Vec<(usize, Option<String>, Located<'x>)> {
        let truncated = v.get("IsTruncated").and_then(Json::as_bool) == Some(true) || v.get("NextToken").is_some();
        if truncated {
            ends.1 = Some(file);
        } else {
            ends.0 += 1;
        }
        if emit {
            let unknown: Vec<String> = v.keys().filter(|k| !DETAIL_KEYS.contains(k)).map(|k| at("$", k)).collect();
            for path in unknown {
                self.warn(file, &path, "not a field of get-account-authorization-details's output; ignored");
            }
        }
        let mut out = Vec::new();
        let mut moved: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for (list_index, key) in DETAIL_LISTS.iter().enumerate() {
            let items = match v.take(key) {
                Some(Json::Array(items)) => items,
                Some(Json::Null) | None => continue,
                Some(_) => {
                    if emit {
                        self.skip(file, at("$", key), "expected a list");
                    }
                    continue;
                }
            };
            for (i, item) in items.into_iter().enumerate() {
                let path = JsonPath::Index(&ROOT, key, i);
                let owner = str_of(&item, "Arn")
                    .and_then(|a| a.strip_prefix("arn:aws:iam::"))
                    .and_then(|a| a.split(':').next())
                    .filter(|a| valid_account_id(a) && *a != folder)
                    .map(str::to_string);
                if let Some(owner) = &owner {
                    let m = moved.entry(owner.clone()).or_insert_with(|| (0, path.to_string()));
                    m.0 += 1;
                }
                out.push((list_index, owner, Located { file, path, value: item }));
            }
        }
        if emit {
            for (owner, (n, first)) in moved {
                self.warn(
                    file,
                    &first,
                    format!(
                        "{} (the first here) of account {owner} by their Arn, not of the folder's account {folder}: imported into {owner}",
                        count(n, "item is", "items are")
                    ),
                );
            }
        }
        out
    }

    /// One account's IAM from its gathered `get-account-authorization-details` items.
    fn iam(&mut self, account: &str, details: Details) {
        let mut iam = IamAccount::default();
        // Groups left out (fail closed): their members are left out too, since the group's
        // policies might deny them.
        let mut refused_groups = BTreeSet::new();
        let [policies, groups, users, roles] = details.lists;
        for Located { file, path, value: p } in &policies {
            self.managed_policy(file, path, p, &mut iam);
        }
        for Located { file, path, value: g } in &groups {
            let (file, path) = (*file, path);
            let Some((name, id, path_field)) = self.entity(file, path, g, "Group", &iam.groups) else { continue };
            let policies = match self.attachments(file, path, g, "GroupPolicyList", &iam) {
                Ok(p) => p,
                Err(reason) => {
                    self.refuse(file, path, "group", &reason);
                    refused_groups.insert(name.to_ascii_lowercase());
                    continue;
                }
            };
            let created = self.time(g, "CreateDate");
            let group = Group { name: name.clone(), path: path_field, id, created, policies, members: Vec::new() };
            iam.groups.insert(name.to_ascii_lowercase(), group);
        }
        for Located { file, path, value: u } in &users {
            let (file, path) = (*file, path);
            let Some((name, id, path_field)) = self.entity(file, path, u, "User", &iam.users) else { continue };
            let in_refused = list(u, "GroupList")
                .iter()
                .filter_map(Json::as_str)
                .find(|g| refused_groups.contains(&g.to_ascii_lowercase()));
            if let Some(group) = in_refused {
                self.refuse(file, path, "user", &format!("its group {group} was not imported"));
                continue;
            }
            let Some((policies, boundary)) = self.guarded(file, path, u, "user", &iam) else { continue };
            let user_key = name.to_ascii_lowercase();
            for (j, g) in list(u, "GroupList").iter().enumerate() {
                match g.as_str().and_then(|g| iam.groups.get_mut(&g.to_ascii_lowercase())) {
                    Some(group) => group.members.push(user_key.clone()),
                    None => {
                        self.skip(file, idx(path, "GroupList", j), "NoSuchEntity: no such group in GroupDetailList")
                    }
                }
            }
            let user = User {
                name,
                path: path_field,
                id,
                created: self.time(u, "CreateDate"),
                policies,
                boundary,
                login_profile: None,
                access_keys: Vec::new(),
                mfa_devices: Vec::new(),
                signing_certificates: Vec::new(),
                tags: tags(u),
                password_last_used: None,
            };
            iam.users.insert(user_key, user);
        }
        for Located { file, path, value: r } in &roles {
            let (file, path) = (*file, path);
            let Some((name, id, path_field)) = self.entity(file, path, r, "Role", &iam.roles) else { continue };
            let trust = r.get("AssumeRolePolicyDocument").unwrap_or(&NULL);
            let trust_policy = match self.policy(trust, PolicyKind::Trust, &STORED) {
                Ok(p) => p,
                Err(e) => {
                    self.skip(file, at(path, "AssumeRolePolicyDocument"), format!("{e}; the role was skipped"));
                    continue;
                }
            };
            let Some((policies, boundary)) = self.guarded(file, path, r, "role", &iam) else { continue };
            let max_session_duration =
                r.get("MaxSessionDuration").and_then(Json::as_u64).and_then(|d| u32::try_from(d).ok()).unwrap_or(3600);
            let role = Role {
                name: name.clone(),
                path: path_field,
                id,
                created: self.time(r, "CreateDate"),
                trust_policy,
                description: str_of(r, "Description").map(str::to_string),
                max_session_duration,
                policies,
                boundary,
                tags: tags(r),
            };
            let role_key = name.to_ascii_lowercase();
            iam.roles.insert(role_key.clone(), role);
            // The instance profiles that hold the role (rule IMPORT-INSTANCE-PROFILES): a profile
            // holds one role, so each is listed under that role alone.
            for (j, p) in list(r, "InstanceProfileList").iter().enumerate() {
                let here = JsonPath::Index(path, "InstanceProfileList", j);
                let Some((name, id, iam_path)) = self.entity(file, &here, p, "InstanceProfile", &iam.instance_profiles)
                else {
                    continue;
                };
                let profile = InstanceProfile {
                    name: name.clone(),
                    path: iam_path,
                    id,
                    created: self.time(p, "CreateDate"),
                    role: Some(role_key.clone()),
                    tags: tags(p),
                };
                iam.instance_profiles.insert(name.to_ascii_lowercase(), profile);
            }
        }
        // Members in name order: the CLI lists a user's groups, not a group's members, so the
        // order of joining is not in the estate; name order makes a round trip stable.
        for g in iam.groups.values_mut() {
            g.members.sort();
        }
        // Built again from their sorted entries, the maps have full B-tree nodes: inserted one by
        // one they are left about half full, and a node holds its users, roles and policies
        // themselves, some hundreds of bytes each (docs/performance.md, "Import at scale,
        // streaming"). The same entries in the same order.
        iam.users = std::mem::take(&mut iam.users).into_iter().collect();
        iam.groups = std::mem::take(&mut iam.groups).into_iter().collect();
        iam.roles = std::mem::take(&mut iam.roles).into_iter().collect();
        iam.policies = std::mem::take(&mut iam.policies).into_iter().collect();
        let slot = self.world.iam.accounts.entry(account.to_string()).or_default();
        iam.root = std::mem::take(&mut slot.root);
        *slot = iam.into();
    }

    /// `accounts/<id>/credential-report.json` (`aws iam get-credential-report`: the CSV in
    /// `Content`, base64) or `credential-report.csv` (the CSV itself): which users have a console
    /// password, and when it was last used (rule IMPORT-CREDENTIAL-REPORT). The password itself is
    /// not in the report: the user gets a login profile nobody can sign in with (fail closed), so
    /// that `CreateLoginProfile` and `UpdateLoginProfile` edges are judged as AWS would take them.
    fn credential_report(&mut self, account: &str) {
        let json_file = format!("accounts/{account}/credential-report.json");
        let csv_file = format!("accounts/{account}/credential-report.csv");
        let raw = self.text(&json_file);
        let (file, text) = if let Some(v) = raw.as_deref().and_then(|t| self.parse(&json_file, t)) {
            let decoded =
                str_of(&v, "Content").and_then(crate::pages::base64_decode).and_then(|b| String::from_utf8(b).ok());
            match decoded {
                Some(t) => (json_file, t),
                None => {
                    self.skip(
                        &json_file,
                        "$.Content",
                        "expected the report's CSV, base64-encoded, as get-credential-report prints it",
                    );
                    return;
                }
            }
        } else if let Some(text) = self.text(&csv_file) {
            (csv_file, text.into_owned())
        } else {
            return;
        };
        let mut lines = text.lines().enumerate();
        let Some((_, header)) = lines.next() else { return };
        let columns: Vec<&str> = header.split(',').collect();
        let col = |name: &str| columns.iter().position(|c| *c == name);
        let (Some(user_col), Some(enabled_col)) = (col("user"), col("password_enabled")) else {
            self.skip(&file, "line 1", "not a credential report: the header needs user and password_enabled");
            return;
        };
        let (changed_col, used_col) = (col("password_last_changed"), col("password_last_used"));
        let others = ["access_key_1_active", "access_key_2_active", "mfa_active", "cert_1_active", "cert_2_active"];
        for (i, line) in lines {
            let here = format!("line {}", i + 1);
            let fields: Vec<&str> = line.split(',').collect();
            if line.is_empty() {
                continue;
            }
            if fields.len() != columns.len() {
                self.skip(&file, &here, format!("{} fields where the header has {}", fields.len(), columns.len()));
                continue;
            }
            let name = fields[user_col];
            let held: Vec<&str> =
                others.iter().filter(|c| col(c).is_some_and(|c| fields[c] == "true")).copied().collect();
            if name == "<root_account>" {
                // The root user keeps no credentials (IMPORT-ROOT-NO-CREDENTIALS): its row says
                // whether it has keys, MFA or certificates, never which, so what it shows is
                // named, as for a user, rather than dropped silently.
                if !held.is_empty() {
                    self.warn(
                        &file,
                        &here,
                        format!(
                            "the root user's {} not imported: the report carries no key IDs, device serials or certificates",
                            held.join(", ")
                        ),
                    );
                }
                continue;
            }
            let Some(user) =
                self.world.iam.accounts.get_mut(account).and_then(|a| a.users.get_mut(&name.to_ascii_lowercase()))
            else {
                self.warn(
                    &file,
                    &here,
                    format!("no user {name} was imported from get-account-authorization-details; the line was ignored"),
                );
                continue;
            };
            let field = |c: Option<usize>| c.and_then(|c| fields.get(c)).and_then(|t| parse_time(t));
            if fields[enabled_col] == "true" {
                let created = field(changed_col).unwrap_or(user.created);
                user.login_profile = Some(LoginProfile { password: None, created, reset_required: false });
                user.password_last_used = field(used_col);
            }
            if !held.is_empty() {
                self.warn(
                    &file,
                    &here,
                    format!(
                        "{name}'s {} not imported: the report carries no key IDs, device serials or certificates",
                        held.join(", ")
                    ),
                );
            }
        }
    }

    /// The name, ID and path of a user, group or role; `None` (skipped) when a field is missing
    /// or the name is taken.
    fn entity<T>(
        &mut self,
        file: &str,
        path: &JsonPath,
        v: &Json,
        noun: &str,
        taken: &BTreeMap<String, T>,
    ) -> Option<(String, String, String)> {
        let name_key = format!("{noun}Name");
        let (Some(name), Some(id)) = (str_of(v, &name_key), str_of(v, &format!("{noun}Id"))) else {
            self.skip(file, path, format!("needs {noun}Name and {noun}Id"));
            return None;
        };
        if taken.contains_key(&name.to_ascii_lowercase()) {
            self.skip(
                file,
                at(path, &name_key),
                format!("EntityAlreadyExists: {noun} with name {name} already exists."),
            );
            return None;
        }
        self.unknown_fields(file, path, v, noun);
        let iam_path = self.iam_path(file, path, v, noun, name);
        Some((name.to_string(), id.to_string(), iam_path))
    }

    /// Warns of each field of a listed user, group, role or managed policy that the importer does
    /// not read, so that nothing is ignored silently.
    fn unknown_fields(&mut self, file: &str, path: &JsonPath, v: &Json, noun: &str) {
        let known = known_fields(noun);
        for key in v.keys().filter(|k| !known.contains(k)) {
            self.warn(file, at(path, key), format!("not a field of a {noun} that rootsim reads; ignored"));
        }
    }

    /// The IAM path of a listed entity. IAM paths begin and end with `/`; a dump's path that does
    /// not (`""`, `"admin"`) would make an ARN IAM never issues (`role` glued to the name), so the
    /// path is taken from the entity's `Arn` (or is `/` without one) and a warning says so.
    fn iam_path(&mut self, file: &str, path: &JsonPath, v: &Json, noun: &str, name: &str) -> String {
        let given = v.get("Path");
        let text = given.and_then(Json::as_str);
        if let Some(p) = text.filter(|p| valid_iam_path(p)) {
            return p.to_string();
        }
        if given.is_none() {
            return "/".to_string();
        }
        // `arn:aws:iam::<account>:<noun><path><name>`: the path is what lies between.
        let noun_lower = noun.to_ascii_lowercase();
        let from_arn = str_of(v, "Arn")
            .and_then(|a| a.splitn(6, ':').nth(5))
            .and_then(|r| r.strip_prefix(noun_lower.as_str()))
            .and_then(|r| r.strip_suffix(name))
            .filter(|p| valid_iam_path(p));
        let (chosen, whence) = match from_arn {
            Some(p) => (p.to_string(), "from its Arn"),
            None => ("/".to_string(), "the default, as its Arn does not say"),
        };
        let shown = text.map_or_else(|| given.map(Json::to_text).unwrap_or_default(), |t| format!("\"{t}\""));
        self.warn(
            file,
            at(path, "Path"),
            format!("{shown} is not an IAM path (one that begins and ends with /): read as \"{chosen}\", {whence}"),
        );
        chosen
    }

    /// Inline policies (`<inline_key>`) and attached managed policies of a user, group or role;
    /// `Err` (the principal is not imported: fail closed) when one of them cannot be read, since
    /// it might deny.
    fn attachments(
        &mut self,
        file: &str,
        path: &JsonPath,
        v: &Json,
        inline_key: &str,
        iam: &IamAccount,
    ) -> Result<Attachments, String> {
        let mut out = Attachments::default();
        for (i, p) in list(v, inline_key).iter().enumerate() {
            let here = JsonPath::Index(path, inline_key, i);
            let Some(name) = str_of(p, "PolicyName") else {
                self.skip(file, here, "needs PolicyName");
                continue;
            };
            // One inline document may use its entity's whole inline quota.
            let quota = match inline_key {
                "UserPolicyList" => crate::iam::INLINE_QUOTA_USER,
                "GroupPolicyList" => crate::iam::INLINE_QUOTA_GROUP,
                _ => crate::iam::INLINE_QUOTA_ROLE,
            };
            let opts = ParseOptions { max_size: Some(quota), ..ParseOptions::default() };
            match self.policy(p.get("PolicyDocument").unwrap_or(&NULL), PolicyKind::Identity, &opts) {
                Ok(doc) => {
                    out.inline.insert(name.to_string(), doc);
                }
                Err(e) => {
                    self.skip(file, at(here, "PolicyDocument"), e);
                    return Err(format!("its inline policy {name} cannot be read"));
                }
            }
        }
        for (i, p) in list(v, "AttachedManagedPolicies").iter().enumerate() {
            let arn = str_of(p, "PolicyArn").unwrap_or("");
            if self.unreadable_managed.contains(arn) {
                return Err(format!("its attached policy {arn} cannot be read"));
            }
            if iam.managed_policy(arn).is_none() && crate::iam::managed::is_aws_managed_arn(arn) {
                // An AWS managed policy that neither the estate nor AWS's catalogue holds (newer
                // than the catalogue, or not AWS's): its document is unknown and might deny, so the
                // principal is refused, as for an unreadable policy (fail closed).
                self.skip(
                    file,
                    idx(path, "AttachedManagedPolicies", i),
                    format!("NoSuchEntity: AWS managed policy {arn} is neither in the estate nor in rootsim's catalogue of AWS managed policies."),
                );
                return Err(format!("its attached policy {arn} cannot be read"));
            }
            if iam.managed_policy(arn).is_none() {
                self.skip(
                    file,
                    idx(path, "AttachedManagedPolicies", i),
                    format!("NoSuchEntity: Policy {arn} does not exist or is not attachable."),
                );
            } else if !out.managed.iter().any(|m| m == arn) {
                out.managed.push(arn.to_string());
            }
        }
        // Most principals attach one or two policies: no room kept for more (the world keeps
        // half a million of these lists at 10,000 accounts).
        out.managed.shrink_to_fit();
        Ok(out)
    }

    /// A user's or role's policies and boundary, or `None` when one cannot be read: then the
    /// principal is refused (said so), since that policy might deny.
    fn guarded(
        &mut self,
        file: &str,
        path: &JsonPath,
        v: &Json,
        noun: &str,
        iam: &IamAccount,
    ) -> Option<(Attachments, Option<String>)> {
        let inline_key = if noun == "user" { "UserPolicyList" } else { "RolePolicyList" };
        let attached =
            self.attachments(file, path, v, inline_key, iam).and_then(|p| Ok((p, self.boundary(file, path, v, iam)?)));
        match attached {
            Ok(a) => Some(a),
            Err(reason) => {
                self.refuse(file, path, noun, &reason);
                None
            }
        }
    }

    /// The principal's permissions boundary; `Err` (the principal is not imported: fail closed)
    /// when it names a policy that cannot be read or is not in the estate, since dropping a
    /// boundary would give the principal more than it has.
    fn boundary(&mut self, file: &str, path: &JsonPath, v: &Json, iam: &IamAccount) -> Result<Option<String>, String> {
        let Some(arn) = v.get("PermissionsBoundary").and_then(|b| str_of(b, "PermissionsBoundaryArn")) else {
            return Ok(None);
        };
        if self.unreadable_managed.contains(arn) || iam.managed_policy(arn).is_none() {
            self.skip(
                file,
                at(path, "PermissionsBoundary"),
                format!("NoSuchEntity: Policy {arn} does not exist or cannot be read."),
            );
            return Err(format!("its permissions boundary {arn} cannot be read"));
        }
        Ok(Some(arn.to_string()))
    }

    /// One entry of `Policies`: a customer managed policy with its versions, or an AWS managed
    /// one as the estate has it (kept, so that attachments to it decide as in the estate).
    fn managed_policy(&mut self, file: &str, path: &JsonPath, p: &Json, iam: &mut IamAccount) {
        let (Some(name), Some(arn)) = (str_of(p, "PolicyName"), str_of(p, "Arn")) else {
            self.skip(file, path, "needs PolicyName and Arn");
            return;
        };
        if iam.policies.contains_key(arn) {
            self.skip(file, at(path, "Arn"), format!("EntityAlreadyExists: A policy called {name} already exists."));
            return;
        }
        self.unknown_fields(file, path, p, "Policy");
        let aws_managed = arn.starts_with("arn:aws:iam::aws:policy/");
        let opts = ParseOptions { aws_managed, customer_managed: !aws_managed, ..ParseOptions::default() };
        let mut versions = Vec::new();
        for (i, ver) in list(p, "PolicyVersionList").iter().enumerate() {
            let here = JsonPath::Index(path, "PolicyVersionList", i);
            let Some(vid) = str_of(ver, "VersionId") else {
                self.skip(file, here, "needs VersionId");
                continue;
            };
            match self.policy(ver.get("Document").unwrap_or(&NULL), PolicyKind::Identity, &opts) {
                Ok(document) => versions.push(PolicyVersion {
                    id: vid.to_string(),
                    document,
                    created: self.time(ver, "CreateDate"),
                }),
                Err(e) => self.skip(file, at(here, "Document"), e),
            }
        }
        let default_version = str_of(p, "DefaultVersionId").unwrap_or("v1");
        if !versions.iter().any(|v| v.id == default_version) {
            self.unreadable_managed.insert(arn.to_string());
            self.skip(
                file,
                path,
                format!("the default version {default_version} is missing or was skipped; the policy was skipped"),
            );
            return;
        }
        // Most policies have one version: no room kept for three more.
        versions.shrink_to_fit();
        let next_version =
            versions.iter().filter_map(|v| v.id.strip_prefix('v')?.parse::<u32>().ok()).max().unwrap_or(0) + 1;
        let policy = ManagedPolicy {
            name: name.to_string(),
            path: self.iam_path(file, path, p, "Policy", name),
            id: str_of(p, "PolicyId").unwrap_or("").to_string(),
            description: str_of(p, "Description").map(str::to_string),
            created: self.time(p, "CreateDate"),
            updated: self.time(p, "UpdateDate"),
            versions,
            default_version: default_version.to_string(),
            next_version,
        };
        iam.policies.insert(arn.to_string(), policy);
    }

    /// The account's bucket, queue and key policies, its EC2 instances (`ec2.rs`) and its Lambda
    /// functions (`lambda.rs`).
    fn resources(&mut self, account: &str) {
        let prefix = format!("accounts/{account}/");
        // A range of the sorted names: the account's files only, however many accounts there are.
        let names = self.files;
        let files = names
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .map(String::as_str)
            .take_while(|f| f.starts_with(&prefix));
        let mut functions: Vec<&str> = Vec::new();
        let mut groups: Vec<(&str, &str)> = Vec::new();
        for file in files {
            let rest: Vec<&str> = file[prefix.len()..].split('/').collect();
            let stem = |s: &'n str| s.strip_suffix(".json");
            match rest.as_slice() {
                ["s3", name] => {
                    let Some(name) = stem(name) else { continue };
                    self.bucket(file, account, name);
                }
                ["sqs", region, name] => {
                    let Some(name) = stem(name) else { continue };
                    self.queue(file, account, region, name);
                }
                ["kms", region, id] => {
                    let Some(id) = stem(id) else { continue };
                    self.key(file, account, region, id);
                }
                ["ec2", region, name] if *name == ec2::FILE => self.instances(file, account, region),
                ["lambda", _, _] => functions.push(file),
                ["cloudformation", region, "describe-stacks.json"] => self.stacks(file, account, region),
                ["glue", region, "get-dev-endpoints.json"] => self.dev_endpoints(file, account, region),
                ["sagemaker", region, "describe-notebook-instance", name] => {
                    let Some(name) = stem(name) else { continue };
                    self.notebook(file, account, region, name);
                }
                ["codebuild", region, name] if is_projects_page(name) => {
                    self.projects(file, account, region);
                }
                ["autoscaling", region, autoscaling::LAUNCH_CONFIGURATIONS] => {
                    self.launch_configurations(file, account, region);
                }
                // Groups name launch configurations: read after every file of the account.
                ["autoscaling", region, autoscaling::GROUPS] => groups.push((file, *region)),
                _ => {}
            }
        }
        self.lambda(account, &functions);
        for (file, region) in groups {
            self.groups(file, account, region);
        }
    }

    /// A bucket, queue or key policy at `path`; `None` (skipped) when it is unsound.
    fn resource_policy(&mut self, file: &str, path: &str, doc: &Json) -> Option<Policy> {
        match self.policy(doc, PolicyKind::Resource, &STORED) {
            Ok(p) => Some(p),
            Err(e) => {
                self.skip(file, path, e);
                None
            }
        }
    }

    /// `s3/<bucket>.json`: `aws s3api get-bucket-policy` (`{"Policy": "<text>"}`).
    fn bucket(&mut self, file: &str, account: &str, name: &str) {
        let raw = self.text(file);
        let Some(v) = raw.as_deref().and_then(|t| self.parse(file, t)) else { return };
        // The bucket is in us-east-1 (BUCKET_REGION), where S3 allowed legacy names until
        // 1 March 2018: such a bucket still exists and is imported (rule S3-LEGACY-BUCKET-NAMES).
        if !crate::s3::valid_bucket_name(name) && !legacy_bucket_name(name) {
            self.skip(file, "$", format!("InvalidBucketName: '{name}' is not a valid bucket name"));
            return;
        }
        if self.world.s3.buckets.contains_key(name) {
            self.skip(file, "$", format!("BucketAlreadyExists: bucket names are global and {name} is taken"));
            return;
        }
        let Some(policy) = self.resource_policy(file, "$.Policy", v.get("Policy").unwrap_or(&NULL)) else {
            return;
        };
        // The dump holds no Block Public Access, ownership or ACL files: none are assumed.
        let bucket =
            Bucket { policy: Some(policy), ..Bucket::new(name, account, BUCKET_REGION, self.world.clock.now()) };
        self.world.s3.buckets.insert(name.to_string(), bucket);
    }

    /// `sqs/<region>/<queue>.json`: `aws sqs get-queue-attributes` (`{"Attributes": {"Policy": ...}}`).
    fn queue(&mut self, file: &str, account: &str, region: &str, name: &str) {
        let raw = self.text(file);
        let Some(v) = raw.as_deref().and_then(|t| self.parse(file, t)) else { return };
        if !crate::sqs::valid_queue_name(name) {
            self.skip(file, "$", format!("InvalidParameterValue: '{name}' is not a valid queue name"));
            return;
        }
        let attrs = v.get("Attributes").unwrap_or(&NULL);
        let Some(policy) = self.resource_policy(file, "$.Attributes.Policy", attrs.get("Policy").unwrap_or(&NULL))
        else {
            return;
        };
        // The numeric attributes, when the listing has them (`--attribute-names All`), else
        // SQS's defaults.
        let attributes = crate::sqs::SETTABLE
            .iter()
            .map(|(n, default, ..)| {
                let value = str_of(attrs, n).map_or_else(|| default.to_string(), str::to_string);
                (n.to_string(), value)
            })
            .collect();
        let now = self.world.clock.now();
        let queue = Queue {
            name: name.to_string(),
            account: account.to_string(),
            region: region.to_string(),
            created: now,
            modified: now,
            policy: Some(policy),
            attributes,
            messages: Vec::new(),
        };
        self.world.sqs.queues.insert(queue.arn(), queue);
    }

    /// `kms/<region>/<key-id>.json`: `aws kms get-key-policy` (`{"Policy": ..., "PolicyName": "default"}`).
    fn key(&mut self, file: &str, account: &str, region: &str, id: &str) {
        let raw = self.text(file);
        let Some(v) = raw.as_deref().and_then(|t| self.parse(file, t)) else { return };
        let Some(policy) = self.resource_policy(file, "$.Policy", v.get("Policy").unwrap_or(&NULL)) else {
            return;
        };
        let key = Key {
            id: id.to_string(),
            account: account.to_string(),
            region: region.to_string(),
            description: String::new(),
            created: self.world.clock.now(),
            policy,
        };
        self.world.kms.keys.insert(key.arn(), key);
    }

    /// `sagemaker/<region>/describe-notebook-instance/<name>.json`: `aws sagemaker
    /// describe-notebook-instance` (the listing, `list-notebook-instances`, does not print the
    /// role). A notebook without a valid name or role is skipped; a role of another account is
    /// kept as written.
    fn notebook(&mut self, file: &str, account: &str, region: &str, stem: &str) {
        let raw = self.text(file);
        let Some(v) = raw.as_deref().and_then(|t| self.parse(file, t)) else { return };
        for key in v.keys().filter(|k| !NOTEBOOK_FIELDS.contains(k)).map(|k| at("$", k)).collect::<Vec<_>>() {
            self.warn(file, &key, "not a field of describe-notebook-instance's output; ignored");
        }
        let name = str_of(&v, "NotebookInstanceName").unwrap_or(stem);
        if !crate::sagemaker::valid_name(name) {
            self.skip(
                file,
                "$.NotebookInstanceName",
                format!("ValidationException: '{name}' is not a notebook instance name"),
            );
            return;
        }
        let Some(role) = str_of(&v, "RoleArn").filter(|r| crate::sagemaker::valid_role_arn(r)) else {
            self.skip(file, "$.RoleArn", "expected the ARN of the role the notebook instance runs as");
            return;
        };
        if !name.eq_ignore_ascii_case(stem) {
            self.warn(
                file,
                "$.NotebookInstanceName",
                format!("the file is named {stem}.json but describes {name}: imported as {name}"),
            );
        }
        if self.world.sagemaker.instance(account, region, name).is_some() {
            self.skip(file, "$", format!("ValidationException: Cannot create a duplicate Notebook Instance ({name})"));
            return;
        }
        let text = |key: &str, default: &str| str_of(&v, key).unwrap_or(default).to_string();
        let instance = crate::sagemaker::NotebookInstance {
            name: name.to_string(),
            account: account.to_string(),
            region: region.to_string(),
            instance_type: text("InstanceType", "ml.t3.medium"),
            role_arn: role.to_string(),
            status: text("NotebookInstanceStatus", crate::sagemaker::IN_SERVICE),
            created: self.time(&v, "CreationTime"),
            modified: self.time(&v, "LastModifiedTime"),
            volume_size_gb: v
                .get("VolumeSizeInGB")
                .and_then(Json::as_u64)
                .and_then(|n| i64::try_from(n).ok())
                .unwrap_or(5),
            direct_internet_access: text("DirectInternetAccess", "Enabled"),
            root_access: text("RootAccess", "Enabled"),
            platform: text("PlatformIdentifier", "notebook-al2-v3"),
        };
        self.world.sagemaker.insert(instance);
    }

    /// `codebuild/<region>/batch-get-projects.json` (and `batch-get-projects-<page>.json`, since
    /// one call describes at most 100 projects): `aws codebuild batch-get-projects --names ...`.
    /// A project without a valid name or service role is skipped; a role of another account is
    /// kept as written.
    fn projects(&mut self, file: &str, account: &str, region: &str) {
        use crate::codebuild::{Artifacts, Environment, Project, Source};
        let raw = self.text(file);
        let Some(v) = raw.as_deref().and_then(|t| self.parse(file, t)) else { return };
        for key in
            v.keys().filter(|k| !["projects", "projectsNotFound"].contains(k)).map(|k| at("$", k)).collect::<Vec<_>>()
        {
            self.warn(file, &key, "not a field of batch-get-projects's output; ignored");
        }
        for (i, item) in list(&v, "projects").iter().enumerate() {
            let path = JsonPath::Index(&ROOT, "projects", i);
            for key in item.keys().filter(|k| !PROJECT_FIELDS.contains(k)).collect::<Vec<_>>() {
                self.warn(file, at(path, key), "not a field of a Project that rootsim reads; ignored");
            }
            let name = str_of(item, "name").unwrap_or("");
            if !crate::codebuild::valid_name(name) {
                self.skip(file, path, format!("InvalidInputException: '{name}' is not a project name"));
                continue;
            }
            let Some(role) = str_of(item, "serviceRole").filter(|r| r.starts_with("arn:")) else {
                self.skip(file, at(path, "serviceRole"), "expected the ARN of the project's service role");
                continue;
            };
            if self.world.codebuild.project(account, region, name).is_some() {
                self.skip(file, path, format!("ResourceAlreadyExistsException: Project already exists: {name}"));
                continue;
            }
            let (s, a, e) = (
                item.get("source").unwrap_or(&NULL),
                item.get("artifacts").unwrap_or(&NULL),
                item.get("environment").unwrap_or(&NULL),
            );
            let text = |v: &Json, key: &str| str_of(v, key).filter(|t| !t.is_empty()).map(str::to_string);
            let number = |key: &str, default: i64| {
                item.get(key).and_then(Json::as_u64).and_then(|n| i64::try_from(n).ok()).unwrap_or(default)
            };
            let project = Project {
                name: name.to_string(),
                account: account.to_string(),
                region: region.to_string(),
                description: text(item, "description"),
                source: Source {
                    kind: text(s, "type").unwrap_or_else(|| "NO_SOURCE".into()),
                    location: text(s, "location"),
                    buildspec: text(s, "buildspec"),
                },
                artifacts: Artifacts {
                    kind: text(a, "type").unwrap_or_else(|| "NO_ARTIFACTS".into()),
                    location: text(a, "location"),
                },
                environment: Environment {
                    kind: text(e, "type").unwrap_or_default(),
                    image: text(e, "image").unwrap_or_default(),
                    compute_type: text(e, "computeType").unwrap_or_default(),
                    privileged_mode: e.get("privilegedMode").and_then(Json::as_bool).unwrap_or(false),
                },
                service_role: role.to_string(),
                timeout_minutes: number("timeoutInMinutes", 60),
                queued_timeout_minutes: number("queuedTimeoutInMinutes", 480),
                created: self.time(item, "created"),
                modified: self.time(item, "lastModified"),
                builds: Vec::new(),
            };
            self.world.codebuild.insert(project);
        }
    }
}

/// The members of botocore's `DescribeNotebookInstanceOutput`.
const NOTEBOOK_FIELDS: &[&str] = &[
    "NotebookInstanceArn",
    "NotebookInstanceName",
    "NotebookInstanceStatus",
    "FailureReason",
    "Url",
    "InstanceType",
    "IpAddressType",
    "SubnetId",
    "SecurityGroups",
    "RoleArn",
    "KmsKeyId",
    "NetworkInterfaceId",
    "LastModifiedTime",
    "CreationTime",
    "NotebookInstanceLifecycleConfigName",
    "DirectInternetAccess",
    "VolumeSizeInGB",
    "AcceleratorTypes",
    "DefaultCodeRepository",
    "AdditionalCodeRepositories",
    "RootAccess",
    "PlatformIdentifier",
    "InstanceMetadataServiceConfiguration",
];

/// The members of botocore's CodeBuild `Project`.
const PROJECT_FIELDS: &[&str] = &[
    "name",
    "arn",
    "description",
    "source",
    "secondarySources",
    "sourceVersion",
    "secondarySourceVersions",
    "artifacts",
    "secondaryArtifacts",
    "cache",
    "environment",
    "serviceRole",
    "timeoutInMinutes",
    "queuedTimeoutInMinutes",
    "encryptionKey",
    "tags",
    "created",
    "lastModified",
    "webhook",
    "vpcConfig",
    "badge",
    "logsConfig",
    "fileSystemLocations",
    "buildBatchConfig",
    "concurrentBuildLimit",
    "projectVisibility",
    "publicProjectAlias",
    "resourceAccessRole",
    "autoRetryLimit",
];

/// Whether `name` (a file under `accounts/<id>/codebuild/<region>/`) is a page of
/// `batch-get-projects`: `batch-get-projects.json`, or `batch-get-projects-<page>.json`.
fn is_projects_page(name: &str) -> bool {
    name == "batch-get-projects.json"
        || name.strip_prefix("batch-get-projects-").and_then(|r| r.strip_suffix(".json")).is_some_and(|p| !p.is_empty())
}

/// One item of a `get-account-authorization-details` listing, with where it was read.
struct Located<'x> {
    file: &'x str,
    path: JsonPath<'static>,
    value: Json<'x>,
}

/// An account's items from every page that holds them, in [`DETAIL_LISTS`]'s order.
#[derive(Default)]
struct Details<'x> {
    lists: [Vec<Located<'x>>; 4],
}

/// The account folder of a file under `accounts/` (`accounts/<id>/...`).
fn folder_of(file: &str) -> &str {
    file.strip_prefix("accounts/").and_then(|r| r.split('/').next()).unwrap_or("")
}

/// The lists of `get-account-authorization-details`, in the order they are imported (policies
/// before the groups, users and roles that attach them).
const DETAIL_LISTS: [&str; 4] = ["Policies", "GroupDetailList", "UserDetailList", "RoleDetailList"];

/// The top-level fields of `get-account-authorization-details`'s output (botocore's
/// `GetAccountAuthorizationDetailsResponse`, with the CLI's `NextToken` of `--max-items`).
const DETAIL_KEYS: [&str; 7] =
    ["Policies", "GroupDetailList", "UserDetailList", "RoleDetailList", "IsTruncated", "Marker", "NextToken"];

/// The fields of botocore's `UserDetail`, `GroupDetail`, `RoleDetail` and `ManagedPolicyDetail`
/// shapes (and `get-role`'s `Description` and `MaxSessionDuration`, which the importer reads).
fn known_fields(noun: &str) -> &'static [&'static str] {
    match noun {
        "User" => &[
            "Path",
            "UserName",
            "UserId",
            "Arn",
            "CreateDate",
            "UserPolicyList",
            "GroupList",
            "AttachedManagedPolicies",
            "PermissionsBoundary",
            "Tags",
        ],
        "Group" => &["Path", "GroupName", "GroupId", "Arn", "CreateDate", "GroupPolicyList", "AttachedManagedPolicies"],
        "InstanceProfile" => {
            &["Path", "InstanceProfileName", "InstanceProfileId", "Arn", "CreateDate", "Roles", "Tags"]
        }
        "Role" => &[
            "Path",
            "RoleName",
            "RoleId",
            "Arn",
            "CreateDate",
            "AssumeRolePolicyDocument",
            "InstanceProfileList",
            "RolePolicyList",
            "AttachedManagedPolicies",
            "PermissionsBoundary",
            "Tags",
            "RoleLastUsed",
            "Description",
            "MaxSessionDuration",
        ],
        _ => &[
            "PolicyName",
            "PolicyId",
            "Arn",
            "Path",
            "DefaultVersionId",
            "AttachmentCount",
            "PermissionsBoundaryUsageCount",
            "IsAttachable",
            "Description",
            "CreateDate",
            "UpdateDate",
            "PolicyVersionList",
        ],
    }
}

/// Whether `name` (a file under `accounts/<id>/`) is a page of `get-account-authorization-details`:
/// `iam.json`, or `iam-<page>.json` for the pages after it.
fn is_iam_page(name: &str) -> bool {
    name == "iam.json"
        || name
            .strip_prefix("iam-")
            .and_then(|r| r.strip_suffix(".json"))
            .is_some_and(|p| !p.is_empty() && !p.contains('/'))
}

/// Whether `path` is an IAM path: `/`, or `/`, printable ASCII, `/` (IAM's pattern), at most 512.
fn valid_iam_path(path: &str) -> bool {
    path.len() <= 512
        && path.starts_with('/')
        && path.ends_with('/')
        && path.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// Whether `name` was a valid bucket name in us-east-1 before 1 March 2018: up to 255
/// characters, upper and lower case letters, digits, `.`, `-` and `_` (Amazon S3 User Guide,
/// "General purpose bucket naming rules", legacy names).
fn legacy_bucket_name(name: &str) -> bool {
    (3..=255).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn valid_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The root email of an account the estate names no email for (outside the organization).
fn default_email(account: &str) -> String {
    format!("root+{account}@imported.invalid")
}

fn tags(v: &Json) -> BTreeMap<String, String> {
    list(v, "Tags")
        .iter()
        .filter_map(|t| Some((str_of(t, "Key")?.to_string(), str_of(t, "Value").unwrap_or("").to_string())))
        .collect()
}

// ---------------------------------------------------------------- export

/// Writes `world` in the estate layout: `(path, text)` pairs in path order, each text the JSON
/// the AWS CLI would print (four-space indentation, AWS's key order), ending in a newline.
/// Importing the result gives back an equal world for any world that came from an import.
pub fn export(world: &World) -> Vec<(String, String)> {
    let mut out = BTreeMap::new();
    let written = export_each(world, |path, text| {
        out.insert(path, text);
        Ok::<(), std::convert::Infallible>(())
    });
    match written {
        Ok(_) => out.into_iter().collect(),
        Err(never) => match never {},
    }
}

/// The files of [`export`] one at a time (in another order): `sink` takes each path and text,
/// and the first error it returns stops the export. Returns how many files it took. A writer
/// holds one file's JSON at a time rather than the whole estate's (an estate of 10,000 accounts
/// is some 2.5 GB of text, and its JSON trees several times that).
pub fn export_each<E>(world: &World, mut sink: impl FnMut(String, String) -> Result<(), E>) -> Result<usize, E> {
    let mut count = 0;
    let mut emit = |path: String, v: Value| {
        count += 1;
        sink(path, to_cli_json(&v) + "\n")
    };
    if let Some(org) = &world.organizations.org {
        let mut out: BTreeMap<String, Value> = BTreeMap::new();
        export_organization(world, org, &mut out);
        for (path, v) in out {
            emit(path, v)?;
        }
    }
    for (id, iam) in &world.iam.accounts {
        emit(iam_file(id), authorization_details(id, iam))?;
    }
    for b in world.s3.buckets.values() {
        if let Some(p) = &b.policy {
            emit(format!("accounts/{}/s3/{}.json", b.owner, b.name), json!({ "Policy": p.text() }))?;
        }
    }
    for q in world.sqs.queues.values() {
        if let Some(p) = &q.policy {
            let mut attrs = Map::new();
            attrs.insert("Policy".into(), json!(p.text()));
            for (k, v) in &q.attributes {
                attrs.insert(k.clone(), json!(v));
            }
            emit(format!("accounts/{}/sqs/{}/{}.json", q.account, q.region, q.name), json!({ "Attributes": attrs }))?;
        }
    }
    for k in world.kms.keys.values() {
        emit(
            format!("accounts/{}/kms/{}/{}.json", k.account, k.region, k.id),
            json!({ "Policy": k.policy.text(), "PolicyName": "default" }),
        )?;
    }
    for (path, v) in ec2::export(world) {
        emit(path, v)?;
    }
    for (path, v) in lambda::export(world) {
        emit(path, v)?;
    }
    for (path, v) in cloudformation::export(world) {
        emit(path, v)?;
    }
    for (path, v) in glue::export(world) {
        emit(path, v)?;
    }
    for (path, v) in autoscaling::export(world) {
        emit(path, v)?;
    }
    for i in world.sagemaker.all() {
        emit(
            format!("accounts/{}/sagemaker/{}/describe-notebook-instance/{}.json", i.account, i.region, i.name),
            crate::sagemaker::ops::describe_json(i),
        )?;
    }
    for (account, regions) in &world.codebuild.accounts {
        for (region, projects) in regions {
            // batch-get-projects describes at most 100 projects a call: one file per call.
            let all: Vec<Value> = projects.values().map(crate::codebuild::ops::project_json).collect();
            for (n, chunk) in all.chunks(100).enumerate() {
                let file = if n == 0 {
                    "batch-get-projects.json".to_string()
                } else {
                    format!("batch-get-projects-{}.json", n + 1)
                };
                emit(
                    format!("accounts/{account}/codebuild/{region}/{file}"),
                    json!({ "projects": chunk, "projectsNotFound": [] }),
                )?;
            }
        }
    }
    Ok(count)
}

fn export_organization(world: &World, org: &Organization, out: &mut BTreeMap<String, Value>) {
    let mgmt = &org.management_account;
    let account_name = |id: &str| world.accounts.get(id).map_or(id.to_string(), |a| a.name.clone());
    let email = |id: &str| world.accounts.get(id).map_or_else(|| default_email(id), |a| a.email.clone());
    let types: Vec<Value> = org.enabled_policy_types.iter().map(|t| json!({"Type": t, "Status": "ENABLED"})).collect();
    out.insert(
        ORGANIZATION.into(),
        json!({"Organization": {
            "Id": org.id,
            "Arn": org.arn(),
            "FeatureSet": org.feature_set.as_str(),
            "MasterAccountArn": format!("arn:aws:organizations::{mgmt}:account/{}/{mgmt}", org.id),
            "MasterAccountId": mgmt,
            "MasterAccountEmail": email(mgmt),
            "AvailablePolicyTypes": types,
        }}),
    );
    let root_arn = format!("arn:aws:organizations::{mgmt}:root/{}/{}", org.id, org.root_id);
    out.insert(
        ROOTS.into(),
        json!({"Roots": [{"Id": org.root_id, "Arn": root_arn, "Name": "Root", "PolicyTypes": types}]}),
    );
    let ou_arn = |id: &str| format!("arn:aws:organizations::{mgmt}:ou/{}/{id}", org.id);
    let parents = std::iter::once(org.root_id.as_str()).chain(org.ous.keys().map(String::as_str));
    for parent in parents {
        let ous: Vec<Value> = org
            .ous
            .values()
            .filter(|o| o.parent == parent)
            .map(|o| json!({"Id": o.id, "Arn": ou_arn(&o.id), "Name": o.name}))
            .collect();
        out.insert(ous_file(parent), json!({ "OrganizationalUnits": ous }));
        let accounts: Vec<Value> = org
            .accounts
            .iter()
            .filter(|(_, m)| m.parent == parent)
            .map(|(id, m)| {
                let status = world.accounts.get(id).map_or(AccountStatus::Active, |a| a.status);
                json!({
                    "Id": id,
                    "Arn": org.account_arn(id),
                    "Email": email(id),
                    "Name": account_name(id),
                    "Status": status.as_str(),
                    "JoinedMethod": match m.joined_method { JoinedMethod::Created => "CREATED", JoinedMethod::Invited => "INVITED" },
                    "JoinedTimestamp": format_cli(m.joined),
                })
            })
            .collect();
        out.insert(accounts_file(parent), json!({ "Accounts": accounts }));
    }
    for kind in ORG_POLICY_TYPES {
        let summaries: Vec<Value> =
            org.policies.values().filter(|p| p.policy_type == kind).map(|p| policy_summary(org, p)).collect();
        // A listing of tag policies only where there are some: an estate without them keeps the
        // files it always had.
        if kind != "TAG_POLICY" || !summaries.is_empty() {
            out.insert(list_policies_file(kind), json!({ "Policies": summaries }));
        }
    }
    for (id, tags) in org.tags.iter().filter(|(_, t)| !t.is_empty()) {
        let tags: Vec<Value> = tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect();
        out.insert(tags_file(id), json!({ "Tags": tags }));
    }
    for p in org.policies.values() {
        out.insert(
            policy_file(&p.id),
            json!({"Policy": {"PolicySummary": policy_summary(org, p), "Content": org.policy_text(p)}}),
        );
        let targets: Vec<Value> = org
            .attachments
            .iter()
            .filter(|(_, ids)| ids.contains(&p.id))
            .map(|(target, _)| {
                let (arn, name, kind) = if *target == org.root_id {
                    (root_arn.clone(), "Root".to_string(), "ROOT")
                } else if let Some(ou) = org.ous.get(target) {
                    (ou_arn(target), ou.name.clone(), "ORGANIZATIONAL_UNIT")
                } else {
                    (org.account_arn(target), account_name(target), "ACCOUNT")
                };
                json!({"TargetId": target, "Arn": arn, "Name": name, "Type": kind})
            })
            .collect();
        out.insert(targets_file(&p.id), json!({ "Targets": targets }));
    }
}

// ---------------------------------------------------------------- through a host

/// The most one file of an estate may hold, in bytes (512 MiB, the filesystem host's own bound
/// of a file, docs/commands.md): past it `read_estate` stops with an error naming the file. The
/// import holds one account's files at a time, never the whole estate's text (before the import
/// streamed, the estate's files were bounded to 2 GiB together, since all were held at once).
pub const MAX_FILE_BYTES: usize = 512 << 20;

/// Whether `name` (relative to an estate folder, `/` separators) is a file of the estate layout
/// (docs/import.md): what `export` may write, and so what `export --force` may remove.
pub fn is_layout_file(name: &str) -> bool {
    let json = |f: &str| f.len() > ".json".len() && f.ends_with(".json") && !f.starts_with('.');
    let parts: Vec<&str> = name.split('/').collect();
    match parts.as_slice() {
        ["organization", "describe-organization.json" | "list-roots.json"] => true,
        ["organization", "ous" | "accounts" | "list-policies" | "policies" | "targets" | "tags", f] => json(f),
        ["accounts", a, f] => {
            !a.is_empty() && (is_iam_page(f) || *f == "credential-report.json" || *f == "credential-report.csv")
        }
        ["accounts", a, "s3", f] => !a.is_empty() && json(f),
        ["accounts", a, "sqs" | "kms", r, f] => !a.is_empty() && !r.is_empty() && json(f),
        ["accounts", a, "ec2", r, f] => !a.is_empty() && !r.is_empty() && *f == ec2::FILE,
        ["accounts", a, "lambda", r, f] => !a.is_empty() && !r.is_empty() && lambda::is_page(f),
        ["accounts", a, "cloudformation", r, "describe-stacks.json"] => !a.is_empty() && !r.is_empty(),
        ["accounts", a, "glue", r, "get-dev-endpoints.json"] => !a.is_empty() && !r.is_empty(),
        ["accounts", a, "sagemaker", r, "describe-notebook-instance", f] => !a.is_empty() && !r.is_empty() && json(f),
        ["accounts", a, "codebuild", r, f] => !a.is_empty() && !r.is_empty() && is_projects_page(f),
        ["accounts", a, "autoscaling", r, autoscaling::LAUNCH_CONFIGURATIONS | autoscaling::GROUPS] => {
            !a.is_empty() && !r.is_empty()
        }
        _ => false,
    }
}

/// Whether the files of a folder make an estate: it has `organization/describe-organization.json`
/// or an account's `accounts/<id>/iam.json` (every account of an estate has one).
fn is_estate(names: &[String]) -> bool {
    names.iter().any(|n| {
        n == ORGANIZATION
            || matches!(n.split('/').collect::<Vec<_>>().as_slice(), ["accounts", a, f] if !a.is_empty() && is_iam_page(f))
    })
}

/// Reads every file of the estate folder `dir` through `host` and imports them. Fails when `dir`
/// is not a folder, when it is not an estate (neither `organization/describe-organization.json`
/// nor any `accounts/<id>/iam.json`: an empty folder, a folder of saved worlds), when a file
/// cannot be read (the host's limits: links, special files, sizes), or when one holds more than
/// [`MAX_FILE_BYTES`]. Each file is read when it is imported and dropped after (see `stream`),
/// so when two files cannot be read the error names the first one the import reaches.
pub fn read_estate(host: &dyn Host, dir: &str, seed: u64) -> Result<Imported, String> {
    let names = host.list_files(dir)?;
    if !is_estate(&names) {
        let what = match names.len() {
            0 => "it is empty".to_string(),
            n => format!(
                "none of its {} is organization/describe-organization.json or accounts/<id>/iam.json",
                count(n, "file", "files")
            ),
        };
        return Err(format!(
            "{dir} is not an estate folder (docs/import.md): {what}; a world saved with `save` loads from its file"
        ));
    }
    let mut read = |name: &str| {
        let path = join(dir, name);
        let text = host.read_file(&path).map_err(|e| format!("{path}: {e}"))?;
        if text.len() > MAX_FILE_BYTES {
            return Err(format!(
                "{path}: the file holds more than {} MiB (the limit of an import)",
                MAX_FILE_BYTES >> 20
            ));
        }
        Ok(Cow::Owned(text))
    };
    stream(names.into_iter().collect(), &mut read, seed)
}

/// Writes `world` into the folder `dir` through `host`; returns how many files it wrote.
///
/// The folder must be empty or absent, so that no stale file of an earlier export (a bucket
/// policy deleted since) comes back on import. With `force`, the files of the estate layout
/// already in `dir` ([`is_layout_file`]) are removed first; any other file is left alone.
pub fn write_estate(world: &World, host: &mut dyn Host, dir: &str, force: bool) -> Result<usize, String> {
    let existing = if host.is_folder(dir) {
        host.list_files(dir).map_err(|e| format!("cannot tell what {dir} holds: {e}"))?
    } else {
        Vec::new()
    };
    if !existing.is_empty() && !force {
        return Err(format!(
            "{dir} is not empty ({}); export into a new folder, or add --force to replace a previous export",
            count(existing.len(), "file", "files")
        ));
    }
    for name in existing.iter().filter(|n| is_layout_file(n)) {
        host.remove_file(&join(dir, name))?;
    }
    // One file at a time: the estate's whole text is never in memory at once.
    export_each(world, |path, text| host.write_file(&join(dir, &path), &text))
}

fn join(dir: &str, name: &str) -> String {
    format!("{}/{name}", dir.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_timestamps_read_with_fractions_and_offsets() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time("1970-01-01T01:00:00.123456+01:00"), Some(0));
        assert_eq!(parse_time("1970-01-01 00:00:00-00:30"), Some(1800));
        let t = 1_700_000_000;
        assert_eq!(parse_time(&format_cli(t)), Some(t));
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn a_role_inline_policy_may_use_the_roles_whole_quota() {
        // 7,700 characters: over a managed policy's 6,144, within a role's inline 10,240. Its
        // Deny must not be dropped.
        let statements: Vec<String> = (0..95)
            .map(|i| {
                format!(r#"{{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::bucket-{i:04}"}}"#)
            })
            .collect();
        let doc = json!({"Version": "2012-10-17", "Statement": serde_json::from_str::<Value>(&format!("[{}]", statements.join(","))).unwrap()});
        assert!(doc.to_string().len() > 7_000);
        let iam = json!({"UserDetailList": [], "GroupDetailList": [], "Policies": [], "RoleDetailList": [{
            "Path": "/", "RoleName": "Guarded", "RoleId": "AROAQ3EGRGT5EXAMPLE9",
            "Arn": "arn:aws:iam::111122223333:role/Guarded", "CreateDate": "2023-03-01T09:30:00+00:00",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "RolePolicyList": [{"PolicyName": "Guardrail", "PolicyDocument": doc}],
            "AttachedManagedPolicies": []
        }]});
        let imported = import(&[("accounts/111122223333/iam.json".to_string(), iam.to_string())], 7);
        assert!(imported.skipped.is_empty(), "{:?}", imported.skipped);
        let role = &imported.world.iam.accounts["111122223333"].roles["guarded"];
        assert!(role.policies.inline.contains_key("Guardrail"));
    }

    #[test]
    fn one_inline_document_is_judged_by_each_holders_own_quota() {
        // About 2,900 characters: over a user's inline quota (2,048), within a role's (10,240).
        let statements: Vec<String> = (0..36)
            .map(|i| {
                format!(r#"{{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::bucket-{i:04}"}}"#)
            })
            .collect();
        let doc: Value =
            serde_json::from_str(&format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(",")))
                .unwrap();
        let len = doc.to_string().len();
        assert!((2_049..10_240).contains(&len), "{len}");
        let user = json!({
            "Path": "/", "UserName": "big", "UserId": "AIDAQ3EGRGT5EXAMPLE1",
            "Arn": "arn:aws:iam::111122223333:user/big", "CreateDate": "2023-03-01T09:30:00+00:00",
            "UserPolicyList": [{"PolicyName": "Guardrail", "PolicyDocument": doc}],
            "GroupList": [], "AttachedManagedPolicies": []
        });
        let role = json!({
            "Path": "/", "RoleName": "Guarded", "RoleId": "AROAQ3EGRGT5EXAMPLE9",
            "Arn": "arn:aws:iam::111122223333:role/Guarded", "CreateDate": "2023-03-01T09:30:00+00:00",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "RolePolicyList": [{"PolicyName": "Guardrail", "PolicyDocument": doc}],
            "AttachedManagedPolicies": []
        });
        let file = |account: &str, users: &[&Value], roles: &[&Value]| {
            let retarget =
                |v: &Value| serde_json::from_str::<Value>(&v.to_string().replace("111122223333", account)).unwrap();
            let users: Vec<Value> = users.iter().map(|v| retarget(v)).collect();
            let roles: Vec<Value> = roles.iter().map(|v| retarget(v)).collect();
            let iam = json!({"UserDetailList": users, "GroupDetailList": [], "Policies": [], "RoleDetailList": roles});
            (format!("accounts/{account}/iam.json"), iam.to_string())
        };
        // The user read first (one account: users before roles), then the role first (the role's
        // account before the user's): the user is refused and the role keeps its Deny either way.
        let (a, b) = ("111122223333", "222233334444");
        let cases =
            [(vec![file(a, &[&user], &[&role])], a, a), (vec![file(a, &[], &[&role]), file(b, &[&user], &[])], a, b)];
        for (files, role_account, user_account) in cases {
            let imported = import(&files, 7);
            let accounts = &imported.world.iam.accounts;
            let kept = accounts[role_account].roles["guarded"].policies.inline.contains_key("Guardrail");
            assert!(kept, "{:?}", imported.skipped);
            assert!(!accounts[user_account].users.contains_key("big"), "{:?}", imported.skipped);
            let refused = |s: &Skipped| s.path.contains("UserPolicyList") && s.reason.contains("2048");
            assert!(imported.skipped.iter().any(refused), "{:?}", imported.skipped);
        }
    }

    #[test]
    fn documents_may_be_objects_or_url_encoded_strings() {
        let tree = |text: &'static str| serde_json::from_str::<Json>(text).unwrap();
        let obj = tree(r#"{"Version": "2012-10-17", "Statement": []}"#);
        assert_eq!(document_text(&obj).unwrap(), r#"{"Version":"2012-10-17","Statement":[]}"#);
        let enc = tree(r#""%7B%22Version%22%3A%222012-10-17%22%7D""#);
        assert_eq!(document_text(&enc).unwrap(), r#"{"Version":"2012-10-17"}"#);
        assert!(document_text(&tree(r#""%ZZ""#)).is_err());
        assert!(document_text(&tree("3")).is_err());
    }
}
