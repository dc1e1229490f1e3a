//! Synthetic estates: a seeded generator of large organizations, for scale tests and benchmarks.
//!
//! [`generate`] builds a world from a [`Spec`] (how many accounts, roles and policies) and a seed:
//! an all-features organization with OUs several levels deep (Security, Infrastructure, Sandbox,
//! Suspended, and Workloads split into business units, each with Prod and NonProd), SCPs attached
//! at the root, at OUs and at some accounts, and in each account IAM users, a group, roles and
//! policies that look like a real estate's: trust policies for the same account, for other
//! accounts (with `sts:ExternalId` or `aws:PrincipalOrgID` conditions), for AWS services and,
//! rarely, for the whole organization; an instance profile of its name for each role EC2 may
//! assume (as the console makes one); customer managed and inline policies with wildcards and
//! conditions. Every ID and every choice comes from the world's generator, so the same spec and
//! seed give the same world (test `the_same_seed_gives_the_same_estate`).
//!
//! The state is built directly, as `demo.rs` builds the demo world, rather than through AWS
//! calls: a call authorizes and records history, and a million of them would be the benchmark
//! instead of the estate. What the calls would validate holds by construction: names are unique
//! per account, documents are valid for their kind, every attached policy exists.

use std::collections::BTreeMap;

use crate::auth::Identity;
use crate::iam::{
    AccessKey, Attachments, Group, InstanceProfile, KeyStatus, LoginProfile, ManagedPolicy, PolicyVersion, Role, User,
};
use crate::organizations::{JoinedMethod, Membership, OrgPolicy, Organization, OrganizationalUnit};
use crate::world::World;
use rootsim_policy::{ParseOptions, Policy, PolicyKind};

/// The size of a synthetic estate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Spec {
    /// Accounts, the management account included.
    pub accounts: usize,
    /// IAM roles in all, each member's `OrganizationAccountAccessRole` included.
    pub roles: usize,
    /// Customer managed and inline policies in all (about 70 % managed).
    pub policies: usize,
    /// IAM users per account.
    pub users: usize,
}

impl Default for Spec {
    /// The size the scale targets of issue 8 are stated for.
    fn default() -> Spec {
        Spec { accounts: 1000, roles: 50_000, policies: 100_000, users: 2 }
    }
}

/// The largest estate `synth` builds: enough for any benchmark, small enough that a typo cannot
/// exhaust the machine's memory.
pub const LIMITS: Spec = Spec { accounts: 10_000, roles: 500_000, policies: 1_000_000, users: 50 };

impl Spec {
    /// Reads `accounts=1000,roles=50000,policies=100000,users=2` (any subset, any order). Sizes
    /// left out follow the default's proportions: 50 roles and 100 policies per account, 2 users.
    pub fn parse(text: &str) -> Result<Spec, String> {
        let (mut accounts, mut roles, mut policies, mut users) = (None, None, None, None);
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').ok_or_else(|| format!("expected NAME=NUMBER, got `{part}`"))?;
            let n: usize = value.trim().parse().map_err(|_| format!("`{value}` is not a whole number"))?;
            let slot = match name.trim() {
                "accounts" => &mut accounts,
                "roles" => &mut roles,
                "policies" => &mut policies,
                "users" => &mut users,
                other => return Err(format!("unknown size `{other}`: use accounts, roles, policies or users")),
            };
            *slot = Some(n);
        }
        let d = Spec::default();
        let accounts = accounts.unwrap_or(d.accounts);
        let per_account = |n: usize| accounts.saturating_mul(n / d.accounts);
        let spec = Spec {
            accounts,
            roles: roles.unwrap_or_else(|| per_account(d.roles)),
            policies: policies.unwrap_or_else(|| per_account(d.policies)),
            users: users.unwrap_or(d.users),
        };
        spec.check()?;
        Ok(spec)
    }

    /// Refuses sizes outside 1..=[`LIMITS`] (accounts) and 0..=[`LIMITS`] (the rest).
    pub fn check(&self) -> Result<(), String> {
        let over =
            |what: &str, n: usize, max: usize| (n > max).then(|| format!("{what}={n} is over the limit of {max}"));
        if self.accounts == 0 {
            return Err("an estate needs at least one account (accounts=1)".into());
        }
        over("accounts", self.accounts, LIMITS.accounts)
            .or_else(|| over("roles", self.roles, LIMITS.roles))
            .or_else(|| over("policies", self.policies, LIMITS.policies))
            .or_else(|| over("users", self.users, LIMITS.users))
            .map_or(Ok(()), Err)
    }
}

/// The password of every synthetic IAM user and root user.
pub const PASSWORD: &str = "Synth-Passw0rd!";

/// Teams that own roles and policies; their names make resource patterns overlap realistically.
const TEAMS: &[&str] = &["payments", "search", "identity", "data", "platform", "mobile", "ml", "billing"];

/// The services that role trust policies name.
const SERVICES: &[&str] = &["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"];

/// `n` shared out over `parts`: the first `n % parts` get one more.
fn share(n: usize, parts: usize, i: usize) -> usize {
    n / parts + usize::from(i < n % parts)
}

fn parse(text: &str, kind: PolicyKind, customer_managed: bool) -> Policy {
    let opts = ParseOptions { customer_managed, ..ParseOptions::default() };
    Policy::parse_with(text, kind, &opts).unwrap_or_else(|e| panic!("a synthetic policy is invalid: {e:?}\n{text}"))
}

/// How many distinct identity documents each account's policies are drawn from.
const PALETTE: usize = 20;

/// One account's identity documents: each policy of the account is one of them. A document is
/// compiled the first time a policy draws it, and that one compiled form (a `Policy` is an `Arc`)
/// serves every managed and inline policy that draws it, as after loading a saved world. Real
/// estates repeat documents too (one policy deployed under many names); here sharing is most of
/// what keeps generation within its time and memory budget (docs/performance.md, "Issue 21:
/// scale"). Managed and inline policies share a document although IAM validates them a little
/// differently: it is compiled with the stricter rules (a customer managed policy's, which
/// require `"Version": "2012-10-17"`, as every palette document has), the compiled form does not
/// depend on them, and equality and saving read only the kind and the text.
struct Palette {
    texts: Vec<String>,
    compiled: Vec<Option<Policy>>,
}

impl Palette {
    /// Draws the account's [`PALETTE`] documents.
    fn draw(w: &mut World, account: &str, team: &str) -> Palette {
        let texts: Vec<String> = (0..PALETTE).map(|n| identity_document(w, account, team, n)).collect();
        Palette { texts, compiled: vec![None; PALETTE] }
    }

    /// A document drawn at random, compiled on first use.
    fn pick(&mut self, w: &mut World) -> Policy {
        let n = w.rng.below(PALETTE as u64) as usize;
        let texts = &self.texts;
        self.compiled[n].get_or_insert_with(|| parse(&texts[n], PolicyKind::Identity, true)).clone()
    }
}

/// One identity-policy statement, from one of eight templates; `pick` chooses which. Written into
/// `out`: the document is built in one string.
fn statement(out: &mut String, pick: u64, account: &str, team: &str, n: usize) {
    use std::fmt::Write as _;
    // Writing into a `String` cannot fail.
    let _ = match pick % 8 {
        0 => write!(
            out,
            r#"{{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::{team}-{account}-{n}","arn:aws:s3:::{team}-{account}-{n}/*"],"Condition":{{"StringEquals":{{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}}}}"#
        ),
        1 => write!(
            out,
            r#"{{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query","dynamodb:PutItem"],"Resource":"arn:aws:dynamodb:*:{account}:table/{team}-*"}}"#
        ),
        2 => {
            out.push_str(
                r#"{"Effect":"Allow","Action":["ec2:Describe*","cloudwatch:Get*","cloudwatch:List*"],"Resource":"*"}"#,
            );
            Ok(())
        }
        3 => write!(
            out,
            r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{account}:role/{team}-*","Condition":{{"StringEquals":{{"iam:PassedToService":"lambda.amazonaws.com"}}}}}}"#
        ),
        4 => write!(out, r#"{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/{team}-*"}}"#),
        5 => write!(
            out,
            r#"{{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"arn:aws:kms:*:{account}:key/*","Condition":{{"StringLike":{{"kms:ViaService":"s3.*.amazonaws.com"}}}}}}"#
        ),
        6 => {
            out.push_str(r#"{"Effect":"Deny","NotAction":["iam:ChangePassword","iam:GetUser","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#);
            Ok(())
        }
        _ => write!(
            out,
            r#"{{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:{account}:log-group:/aws/lambda/{team}-*"}}"#
        ),
    };
}

/// An identity policy document of one to three statements.
fn identity_document(w: &mut World, account: &str, team: &str, n: usize) -> String {
    let count = 1 + w.rng.below(3) as usize;
    let mut out = String::with_capacity(160 + 320 * count);
    out.push_str(r#"{"Version":"2012-10-17","Statement":["#);
    for i in 0..count {
        if i > 0 {
            out.push(',');
        }
        statement(&mut out, w.rng.below(8), account, team, n);
    }
    out.push_str("]}");
    out
}

/// Whom a role's trust policy admits, drawn by [`Trust::draw`]: same account 40 %, another
/// account 24 % (an `sts:ExternalId` or `aws:PrincipalOrgID` condition), one user of another
/// account 2 %, a service 34 %, the whole organization 0.01 % (`"AWS": "*"` with
/// `aws:PrincipalOrgID`: rare, and costly for the graph, which must ask about every caller of the
/// organization).
enum Trust<'a> {
    /// The role's own account.
    Own,
    /// Another account, with this `sts:ExternalId`.
    ExternalId(&'a str, String),
    /// Another account, if it is in the organization.
    OrgMember(&'a str),
    /// The user `developer-1` of another account.
    User(&'a str),
    /// The service `SERVICES[i]`.
    Service(usize),
    /// Anyone in the organization.
    Organization,
}

impl<'a> Trust<'a> {
    /// Draws whom a trust policy admits (the generator's draws in the same order for every kind:
    /// the roll, the other account, then the external ID or the service).
    fn draw(w: &mut World, accounts: &'a [String]) -> Trust<'a> {
        let roll = w.rng.below(10_000);
        let other = accounts[w.rng.below(accounts.len() as u64) as usize].as_str();
        match roll {
            0..=3999 => Trust::Own,
            4000..=5199 => Trust::ExternalId(other, w.rng.lower_alnum(12)),
            5200..=6399 => Trust::OrgMember(other),
            6400..=6599 => Trust::User(other),
            6600..=9998 => Trust::Service(w.rng.below(SERVICES.len() as u64) as usize),
            _ => Trust::Organization,
        }
    }

    /// The trust policy's text, for a role of `account` in organization `org_id`.
    fn text(&self, account: &str, org_id: &str) -> String {
        let root = |account: &str| ["{\"AWS\":\"arn:aws:iam::", account, ":root\"}"].concat();
        let org = || [r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":""#, org_id, "\"}}"].concat();
        let (principal, condition) = match self {
            Trust::Own => (root(account), String::new()),
            Trust::ExternalId(other, external) => {
                (root(other), [r#","Condition":{"StringEquals":{"sts:ExternalId":""#, external, "\"}}"].concat())
            }
            Trust::OrgMember(other) => (root(other), org()),
            Trust::User(other) => (["{\"AWS\":\"arn:aws:iam::", other, ":user/developer-1\"}"].concat(), String::new()),
            Trust::Service(i) => (["{\"Service\":\"", SERVICES[*i], "\"}"].concat(), String::new()),
            Trust::Organization => (r#"{"AWS":"*"}"#.to_string(), org()),
        };
        [
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"#,
            &principal,
            r#","Action":"sts:AssumeRole""#,
            &condition,
            "}]}",
        ]
        .concat()
    }
}

/// Trust policies compiled once and shared by every role whose document has the same text (see
/// [`Palette`] on sharing): those that name no account (a service's, the organization's), the
/// same for every account, and per account its own account's and the organization access role's.
/// The rest name another account, or a random external ID, and are compiled for their role.
#[derive(Default)]
struct TrustDocuments {
    services: [Option<Policy>; SERVICES.len()],
    organization: Option<Policy>,
    /// The current account's `Trust::Own` document: (account, policy).
    own: Option<(String, Policy)>,
    /// The organization access role's, which names the management account.
    access: Option<Policy>,
}

impl TrustDocuments {
    /// The compiled trust policy of a role of `account` that admits `trust`.
    fn get(&mut self, trust: &Trust, account: &str, org_id: &str) -> Policy {
        let compile = || parse(&trust.text(account, org_id), PolicyKind::Trust, false);
        match trust {
            Trust::Service(i) => self.services[*i].get_or_insert_with(compile).clone(),
            Trust::Organization => self.organization.get_or_insert_with(compile).clone(),
            Trust::Own => match &self.own {
                Some((a, policy)) if a == account => policy.clone(),
                _ => {
                    let policy = compile();
                    self.own = Some((account.to_string(), policy.clone()));
                    policy
                }
            },
            _ => compile(),
        }
    }

    /// The organization access role's trust policy, naming `management`.
    fn access(&mut self, management: &str) -> Policy {
        self.access.get_or_insert_with(|| Role::organization_access_trust(management)).clone()
    }
}

/// The organization's SCPs beyond `FullAWSAccess`: (ID suffix, name, document).
const SCPS: &[(&str, &str, &str)] = &[
    (
        "denyleaveorg",
        "DenyLeaveOrganization",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#,
    ),
    (
        "denyregions",
        "DenyOtherRegions",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*","support:*","cloudfront:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]}"#,
    ),
    (
        "denyrootuser",
        "DenyRootUser",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}"#,
    ),
    (
        "denyiamusers",
        "DenyIamUserCredentials",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:CreateUser","iam:CreateAccessKey","iam:CreateLoginProfile"],"Resource":"*"}]}"#,
    ),
    ("denyall", "DenyAll", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#),
    (
        "protectroles",
        "ProtectPlatformRoles",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:AttachRolePolicy","iam:PutRolePolicy","iam:UpdateAssumeRolePolicy","iam:DeleteRole"],"Resource":"arn:aws:iam::*:role/platform-*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/OrganizationAccountAccessRole"}}}]}"#,
    ),
];

/// Builds a synthetic estate and the identity to start with: the management account's `admin`
/// user (AdministratorAccess), with its access keys. Panics only if `spec` is over [`LIMITS`]
/// (callers check with [`Spec::check`]).
pub fn generate(spec: &Spec, seed: u64) -> (World, Identity) {
    spec.check().expect("synth::generate is given a checked spec");
    let mut w = World::new(seed);
    let now = w.clock.now();

    // Accounts: the management account, then members named after where they sit.
    let mgmt = w.add_account("management", "aws+management@example.com", Some(PASSWORD));
    let members = spec.accounts - 1;
    let units = members.div_ceil(100).max(1);
    let mut ids = vec![mgmt.clone()];
    let mut placement = Vec::new();
    for i in 0..members {
        let (name, place) = match i % 20 {
            0 => (format!("security-{i}"), Place::Ou("Security")),
            1 => (format!("infrastructure-{i}"), Place::Ou("Infrastructure")),
            2 | 3 => (format!("sandbox-{i}"), Place::Ou("Sandbox")),
            4 if i % 100 == 4 => (format!("suspended-{i}"), Place::Ou("Suspended")),
            k => {
                let unit = i % units;
                let stage = if k % 2 == 0 { "Prod" } else { "NonProd" };
                (format!("bu{unit}-{}-{i}", stage.to_ascii_lowercase()), Place::Stage(unit, stage))
            }
        };
        // Members keep a root password, as in the demo world: whoever holds it is one way in.
        let id = w.add_account(&name, &format!("aws+{name}@example.com"), Some(PASSWORD));
        ids.push(id.clone());
        placement.push((id, place));
    }

    // The organization and its OUs.
    let org_id = format!("o-{}", w.rng.lower_alnum(10));
    let root_id = format!("r-{}", w.rng.lower_alnum(4));
    let mut ous = BTreeMap::new();
    let mut new_ou = |w: &mut World, name: String, parent: &str| {
        let id = format!("ou-{}-{}", &root_id[2..], w.rng.lower_alnum(8));
        ous.insert(id.clone(), OrganizationalUnit { id: id.clone(), name, parent: parent.to_string() });
        id
    };
    let mut top = BTreeMap::new();
    for name in ["Security", "Infrastructure", "Sandbox", "Suspended", "Workloads"] {
        top.insert(name, new_ou(&mut w, name.to_string(), &root_id));
    }
    let mut stages = BTreeMap::new();
    for unit in 0..units {
        let bu = new_ou(&mut w, format!("BusinessUnit{unit}"), &top["Workloads"]);
        for stage in ["Prod", "NonProd"] {
            stages.insert((unit, stage), new_ou(&mut w, stage.to_string(), &bu));
        }
    }

    // SCPs: FullAWSAccess everywhere (as AWS attaches it), and guard rails at several levels.
    let mut policies = BTreeMap::new();
    policies.insert("p-FullAWSAccess".to_string(), crate::organizations::aws_managed_policy("SERVICE_CONTROL_POLICY"));
    let mut scp = BTreeMap::new();
    for (suffix, name, text) in SCPS {
        let id = format!("p-{}", w.rng.lower_alnum(8));
        let document = parse(text, PolicyKind::Scp, false);
        let policy = OrgPolicy {
            id: id.clone(),
            name: name.to_string(),
            description: format!("{name} (synthetic)"),
            policy_type: "SERVICE_CONTROL_POLICY".into(),
            aws_managed: false,
            document,
        };
        policies.insert(id.clone(), policy);
        scp.insert(*suffix, id);
    }
    let full = || vec!["p-FullAWSAccess".to_string()];
    let mut attachments: BTreeMap<String, Vec<String>> = BTreeMap::new();
    attachments.insert(root_id.clone(), vec!["p-FullAWSAccess".into(), scp["denyleaveorg"].clone()]);
    for id in ous.keys() {
        attachments.insert(id.clone(), full());
    }
    let mut attach =
        |target: &str, policy: &str| attachments.entry(target.to_string()).or_default().push(policy.into());
    attach(&top["Workloads"], &scp["denyregions"]);
    attach(&top["Workloads"], &scp["protectroles"]);
    attach(&top["Sandbox"], &scp["denyiamusers"]);
    attach(&top["Suspended"], &scp["denyall"]);
    for ((_, stage), id) in &stages {
        if *stage == "Prod" {
            attach(id, &scp["denyrootuser"]);
        }
    }
    let mut accounts = BTreeMap::new();
    accounts.insert(
        mgmt.clone(),
        Membership { parent: root_id.clone(), joined_method: JoinedMethod::Invited, joined: now },
    );
    attachments.insert(mgmt.clone(), full());
    for (n, (id, place)) in placement.iter().enumerate() {
        let parent = match place {
            Place::Ou(name) => top[name].clone(),
            Place::Stage(unit, stage) => stages[&(*unit, *stage)].clone(),
        };
        accounts.insert(id.clone(), Membership { parent, joined_method: JoinedMethod::Created, joined: now });
        let mut list = full();
        // One account in fifty carries its own SCP as well.
        if n % 50 == 7 {
            list.push(scp["denyiamusers"].clone());
        }
        attachments.insert(id.clone(), list);
    }
    w.organizations.org = Some(Organization {
        ous,
        accounts,
        policies,
        attachments,
        ..crate::demo::scp_organization(org_id.clone(), &mgmt, root_id)
    });

    // IAM, account by account.
    let mut start = None;
    let mut trusts = TrustDocuments::default();
    for (i, account) in ids.iter().enumerate() {
        let iam = build_account(&mut w, &mut trusts, spec, i, account, &ids, &org_id, &mgmt, &mut start);
        w.iam.accounts.insert(account.clone(), iam.into());
    }
    (w, start.expect("the management account has an admin user"))
}

/// Where a member account sits: a top-level OU, or a business unit's stage.
enum Place {
    Ou(&'static str),
    Stage(usize, &'static str),
}

/// One account's IAM: users (the management account's first is `admin`), a `developers` group,
/// customer managed policies, roles with trust and attached or inline policies.
#[allow(clippy::too_many_arguments)]
fn build_account(
    w: &mut World,
    trusts: &mut TrustDocuments,
    spec: &Spec,
    i: usize,
    account: &str,
    ids: &[String],
    org_id: &str,
    mgmt: &str,
    start: &mut Option<Identity>,
) -> crate::iam::IamAccount {
    let now = w.clock.now();
    let mut iam = w.iam.accounts.remove(account).map(|a| (*a).clone()).unwrap_or_default();
    let team = TEAMS[i % TEAMS.len()];
    let policy_count = share(spec.policies, spec.accounts, i);
    let managed_count = policy_count - policy_count * 3 / 10;
    let mut inline_left = policy_count - managed_count;

    let mut palette = Palette::draw(w, account, team);
    // The account's managed policies by ARN, and (in `managed`) the ARNs that principals attach.
    let mut managed_policies = Vec::with_capacity(managed_count + inline_left);
    let mut managed = Vec::with_capacity(managed_count);
    for n in 0..managed_count {
        let doc = palette.pick(w);
        managed.push(new_managed(w, &mut managed_policies, account, team, n, doc));
    }
    let pick_managed = |w: &mut World| -> Vec<String> {
        if managed.is_empty() {
            return Vec::new();
        }
        let count = 1 + w.rng.below(3) as usize;
        let mut out: Vec<String> = Vec::with_capacity(count);
        for _ in 0..count {
            let arn = &managed[w.rng.below(managed.len() as u64) as usize];
            if !out.contains(arn) {
                out.push(arn.clone());
            }
        }
        out
    };

    let mut members = Vec::new();
    // The management account always has its admin user: the session starts as it.
    let users = if i == 0 { spec.users.max(1) } else { spec.users };
    for u in 0..users {
        let admin = i == 0 && u == 0;
        let name = if admin { "admin".to_string() } else { format!("developer-{u}") };
        let key = AccessKey {
            id: w.rng.access_key_id("AKIA"),
            secret: w.rng.secret_key(),
            status: KeyStatus::Active,
            created: now,
            last_used: None,
        };
        if admin {
            *start = Some(Identity::Keys {
                access_key_id: key.id.clone(),
                secret_access_key: key.secret.clone(),
                session_token: None,
            });
        }
        let mut policies = Attachments {
            managed: if admin { vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()] } else { pick_managed(w) },
            ..Attachments::default()
        };
        if !admin && inline_left > 0 {
            inline_left -= 1;
            policies.inline.insert("inline-0".into(), palette.pick(w));
        }
        if !admin {
            members.push(name.to_ascii_lowercase());
        }
        let user = User {
            name: name.clone(),
            path: "/".into(),
            id: w.rng.unique_id("AIDA"),
            created: now,
            policies,
            boundary: None,
            login_profile: Some(LoginProfile { password: Some(PASSWORD.into()), created: now, reset_required: false }),
            access_keys: vec![key],
            mfa_devices: Vec::new(),
            signing_certificates: Vec::new(),
            tags: BTreeMap::new(),
            password_last_used: None,
        };
        iam.users.insert(name.to_ascii_lowercase(), user);
    }
    if !members.is_empty() {
        let group = Group {
            name: "developers".into(),
            path: "/".into(),
            id: w.rng.unique_id("AGPA"),
            created: now,
            policies: Attachments { managed: pick_managed(w), ..Attachments::default() },
            members,
        };
        iam.groups.insert("developers".into(), group);
    }

    let role_count = share(spec.roles, spec.accounts, i);
    let mut roles = Vec::with_capacity(role_count);
    let mut profiles = Vec::new();
    for r in 0..role_count {
        let access_role = i > 0 && r == 0;
        let role = if access_role {
            let now = w.clock.now();
            let trust = trusts.access(mgmt);
            Role::organization_access_role_trusting(&mut w.rng, now, "OrganizationAccountAccessRole", trust)
        } else {
            let kind = ["app", "deploy", "read", "ops"][w.rng.below(4) as usize];
            let name = format!("{team}-{kind}-{r}");
            let trust = Trust::draw(w, ids);
            let trust_policy = trusts.get(&trust, account, org_id);
            let for_ec2 = matches!(trust, Trust::Service(s) if SERVICES[s] == "ec2.amazonaws.com");
            let mut policies = Attachments { managed: pick_managed(w), ..Attachments::default() };
            if inline_left > 0 && (w.rng.below(3) == 0 || inline_left > role_count - r) {
                inline_left -= 1;
                policies.inline.insert(format!("{name}-inline"), palette.pick(w));
            }
            let role = Role {
                name,
                path: "/".into(),
                id: w.rng.unique_id("AROA"),
                created: now,
                trust_policy,
                description: None,
                max_session_duration: 3600,
                policies,
                boundary: None,
                tags: BTreeMap::from([("team".to_string(), team.to_string())]),
            };
            if for_ec2 {
                // A role for EC2 comes with an instance profile of its name, as the console
                // creates one. Its ID follows from the role's rather than from the generator, so
                // the rest of the estate draws what it drew before profiles were kept.
                let key = role.name.to_ascii_lowercase();
                let id = format!("AIPA{}", &role.id[4..]);
                let profile = InstanceProfile {
                    name: role.name.clone(),
                    path: "/".into(),
                    id,
                    created: now,
                    role: Some(key.clone()),
                    tags: BTreeMap::new(),
                };
                profiles.push((key, profile));
            }
            role
        };
        roles.push((role.name.to_ascii_lowercase(), role));
    }
    // Inline policies that found no principal (an account with few roles and users) become
    // managed ones, so that the estate has the number of policies asked for.
    for n in 0..inline_left {
        let doc = palette.pick(w);
        new_managed(w, &mut managed_policies, account, team, managed_count + n, doc);
    }
    // Built from sorted lists rather than by one insertion at a time: the maps' nodes come out
    // full instead of about half full, which at 500,000 roles and 700,000 managed policies is a
    // tenth of the estate's memory (docs/performance.md, "Issue 21: scale"). Names are unique
    // per account by construction, so no entry replaces another.
    iam.policies.append(&mut managed_policies.into_iter().collect());
    iam.roles.append(&mut roles.into_iter().collect());
    iam.instance_profiles.append(&mut profiles.into_iter().collect());
    iam
}

/// Adds a customer managed policy, with its ARN, to the account's `policies` and returns the ARN.
fn new_managed(
    w: &mut World,
    policies: &mut Vec<(String, ManagedPolicy)>,
    account: &str,
    team: &str,
    n: usize,
    document: Policy,
) -> String {
    let now = w.clock.now();
    let name = format!("{team}-policy-{n}");
    let arn = format!("arn:aws:iam::{account}:policy/{name}");
    let policy = ManagedPolicy {
        name,
        path: "/".into(),
        id: w.rng.unique_id("ANPA"),
        description: None,
        created: now,
        updated: now,
        versions: vec![PolicyVersion { id: "v1".into(), document, created: now }],
        default_version: "v1".into(),
        next_version: 2,
    };
    policies.push((arn.clone(), policy));
    arn
}

/// `world` with every account but `keep` (and the management account's membership) removed: the
/// same questions about `keep`, asked in a small world. For comparing a decision's cost in an
/// estate with its cost in a world of one account (benches/scale.rs).
pub fn only_account(world: &World, keep: &str) -> World {
    let mut w = world.clone();
    w.iam.accounts.retain(|a, _| a == keep);
    w.accounts.by_id.retain(|a, _| a == keep);
    if let Some(org) = w.organizations.org.as_mut() {
        let mgmt = org.management_account.clone();
        org.accounts.retain(|a, _| a == keep || *a == mgmt);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Spec {
        Spec { accounts: 50, roles: 2_000, policies: 4_000, users: 2 }
    }

    fn count(w: &World) -> (usize, usize, usize) {
        let roles = w.iam.accounts.values().map(|a| a.roles.len()).sum();
        let managed: usize = w.iam.accounts.values().map(|a| a.policies.len()).sum();
        let inline: usize = w
            .iam
            .accounts
            .values()
            .map(|a| {
                a.roles.values().map(|r| r.policies.inline.len()).sum::<usize>()
                    + a.users.values().map(|u| u.policies.inline.len()).sum::<usize>()
            })
            .sum();
        (roles, managed, inline)
    }

    #[test]
    fn the_same_seed_gives_the_same_estate() {
        let (a, ia) = generate(&small(), 7);
        let (b, ib) = generate(&small(), 7);
        assert!(a == b && ia == ib, "the same spec and seed must give the same world");
        let (c, _) = generate(&small(), 8);
        assert!(a != c, "another seed gives another world");
    }

    #[test]
    fn the_estate_has_the_size_asked_for() {
        let (w, _) = generate(&small(), 7);
        assert_eq!(w.accounts.by_id.len(), 50);
        assert_eq!(w.organizations.org.as_ref().unwrap().accounts.len(), 50);
        let (roles, managed, inline) = count(&w);
        assert_eq!(roles, 2_000);
        assert_eq!(managed + inline, 4_000, "managed {managed} + inline {inline}");
        assert!(inline > 1_000 && managed > 2_000, "managed {managed}, inline {inline}");
    }

    #[test]
    fn specs_parse_and_refuse_what_is_wrong() {
        assert_eq!(Spec::parse("accounts=3,roles=9").unwrap(), Spec { accounts: 3, roles: 9, policies: 300, users: 2 });
        assert_eq!(Spec::parse("").unwrap(), Spec::default());
        assert_eq!(Spec::parse("accounts=10").unwrap(), Spec { accounts: 10, roles: 500, policies: 1000, users: 2 });
        assert!(Spec::parse("accounts=0").unwrap_err().contains("at least one"));
        assert!(Spec::parse("roles=x").unwrap_err().contains("whole number"));
        assert!(Spec::parse("groups=3").unwrap_err().contains("unknown size"));
        assert!(Spec::parse("accounts=10001").unwrap_err().contains("limit"));
    }

    /// The full-size estate of issue 8; slow in debug builds, so run on demand:
    /// `cargo test -p rootsim-model --release synth -- --ignored`.
    #[test]
    #[ignore]
    fn the_full_size_estate_is_deterministic() {
        let spec = Spec::default();
        let (a, _) = generate(&spec, 7);
        let (b, _) = generate(&spec, 7);
        assert!(a == b);
        assert_eq!(count(&a).0, 50_000);
        let (_, managed, inline) = count(&a);
        assert_eq!(managed + inline, 100_000);
    }
}
