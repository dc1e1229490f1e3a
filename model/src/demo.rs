//! The built-in demo world: a small organization that a trainee can explore at once.
//!
//! Management account with two IAM users (alice, an administrator through the Admins group, and
//! bob, who has no permissions), three member accounts in OUs, `OrganizationAccountAccessRole` in
//! each member, and a developer and a deploy role in the dev account. The terminal starts as alice
//! with her access keys, as a developer's CLI would. Passwords are listed by `help demo`.

use crate::auth::Identity;
use crate::iam::{AccessKey, Attachments, Group, KeyStatus, LoginProfile, Role, User};
use crate::organizations::{FeatureSet, JoinedMethod, Membership, Organization, OrganizationalUnit};
use crate::world::World;
use rootsim_policy::{Policy, PolicyKind};
use std::collections::{BTreeMap, BTreeSet};

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 2026;

/// (account name, root email, root password, OU path below the root)
pub const DEMO_ACCOUNTS: &[(&str, &str, &str, &[&str])] = &[
    ("management", "aws-management@example.com", "Mgmt-Root-2026!", &[]),
    ("security", "aws-security@example.com", "Sec-Root-2026!", &["Security"]),
    ("prod", "aws-prod@example.com", "Prod-Root-2026!", &["Workloads", "Prod"]),
    ("dev", "aws-dev@example.com", "Dev-Root-2026!", &["Workloads", "Dev"]),
];

/// An IAM user of the demo world.
pub struct DemoUser {
    /// The account's name.
    pub account: &'static str,
    /// The user's name.
    pub name: &'static str,
    /// The console password.
    pub password: &'static str,
    /// Managed policies attached to the user itself.
    pub managed: &'static [&'static str],
    /// The group it belongs to, if any.
    pub group: Option<&'static str>,
}

/// The demo world's IAM users.
pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser { account: "management", name: "alice", password: "Alice-Passw0rd!", managed: &[], group: Some("Admins") },
    DemoUser { account: "management", name: "bob", password: "Bob-Passw0rd!", managed: &[], group: None },
    DemoUser {
        account: "dev",
        name: "dave",
        password: "Dave-Passw0rd!",
        managed: &["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        group: None,
    },
];

fn trust(principal: &str) -> Policy {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    Policy::parse(&text, PolicyKind::Trust).expect("demo trust policies are valid")
}

fn role(world: &mut World, name: &str, trust_policy: Policy, managed: &[&str], description: &str) -> Role {
    Role {
        name: name.to_string(),
        path: "/".into(),
        id: world.rng.unique_id("AROA"),
        created: world.clock.now(),
        trust_policy,
        description: Some(description.to_string()),
        max_session_duration: 3600,
        policies: Attachments { inline: BTreeMap::new(), managed: managed.iter().map(|s| s.to_string()).collect() },
        boundary: None,
        tags: BTreeMap::new(),
    }
}

/// An all-features organization with SCPs enabled and nothing in it yet: what the demo world and
/// synthetic estates (`crate::synth`) start their organization from.
pub(crate) fn scp_organization(id: String, management: &str, root_id: String) -> Organization {
    Organization {
        enabled_policy_types: BTreeSet::from(["SERVICE_CONTROL_POLICY".to_string()]),
        ..Organization::new(id, FeatureSet::All, management.to_string(), root_id)
    }
}

/// Builds the demo world and the identity the terminal starts with.
pub fn demo(seed: u64) -> (World, Identity) {
    let mut w = World::new(seed);
    let mut ids = BTreeMap::new();
    for (name, email, password, _) in DEMO_ACCOUNTS {
        ids.insert(*name, w.add_account(name, email, Some(password)));
    }
    let mgmt = ids["management"].clone();
    w.accounts.by_id.get_mut(&mgmt).expect("just added").alias = Some("example-management".into());

    // The organization: Root > Security, Workloads > (Prod, Dev); SCPs enabled with FullAWSAccess.
    let org_id = format!("o-{}", w.rng.lower_alnum(10));
    let root_id = format!("r-{}", w.rng.lower_alnum(4));
    let mut ous = BTreeMap::new();
    let mut ou_ids: BTreeMap<&str, String> = BTreeMap::new();
    for (name, parent) in
        [("Security", None), ("Workloads", None), ("Prod", Some("Workloads")), ("Dev", Some("Workloads"))]
    {
        let parent_id = parent.map_or(root_id.clone(), |p| ou_ids[p].clone());
        let id = format!("ou-{}-{}", &root_id[2..], w.rng.lower_alnum(8));
        ous.insert(id.clone(), OrganizationalUnit { id: id.clone(), name: name.to_string(), parent: parent_id });
        ou_ids.insert(name, id);
    }
    let mut accounts = BTreeMap::new();
    let mut attachments: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, _, _, path) in DEMO_ACCOUNTS {
        let parent = path.last().map_or(root_id.clone(), |ou| ou_ids[ou].clone());
        let method = if *name == "management" { JoinedMethod::Invited } else { JoinedMethod::Created };
        accounts.insert(ids[name].clone(), Membership { parent, joined_method: method, joined: w.clock.now() });
        attachments.insert(ids[name].clone(), vec!["p-FullAWSAccess".into()]);
    }
    attachments.insert(root_id.clone(), vec!["p-FullAWSAccess".into()]);
    for id in ou_ids.values() {
        attachments.insert(id.clone(), vec!["p-FullAWSAccess".into()]);
    }
    let mut policies = BTreeMap::new();
    policies.insert("p-FullAWSAccess".to_string(), crate::organizations::aws_managed_policy("SERVICE_CONTROL_POLICY"));
    w.organizations.org =
        Some(Organization { ous, accounts, policies, attachments, ..scp_organization(org_id, &mgmt, root_id) });

    // IAM: the Admins group in management, the users, and the roles.
    let admins = Group {
        name: "Admins".into(),
        path: "/".into(),
        id: w.rng.unique_id("AGPA"),
        created: w.clock.now(),
        policies: Attachments {
            inline: BTreeMap::new(),
            managed: vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()],
        },
        members: vec!["alice".into()],
    };
    let mut start = None;
    for DemoUser { account, name, password, managed, .. } in DEMO_USERS {
        let acct = ids[account].clone();
        let key = AccessKey {
            id: w.rng.access_key_id("AKIA"),
            secret: w.rng.secret_key(),
            status: KeyStatus::Active,
            created: w.clock.now(),
            last_used: None,
        };
        if *name == "alice" {
            start = Some(Identity::Keys {
                access_key_id: key.id.clone(),
                secret_access_key: key.secret.clone(),
                session_token: None,
            });
        }
        let user = User {
            name: name.to_string(),
            path: "/".into(),
            id: w.rng.unique_id("AIDA"),
            created: w.clock.now(),
            policies: Attachments { inline: BTreeMap::new(), managed: managed.iter().map(|s| s.to_string()).collect() },
            boundary: None,
            login_profile: Some(LoginProfile {
                password: Some(password.to_string()),
                created: w.clock.now(),
                reset_required: false,
            }),
            access_keys: vec![key],
            mfa_devices: Vec::new(),
            signing_certificates: Vec::new(),
            tags: BTreeMap::new(),
            password_last_used: None,
        };
        w.iam.accounts.get_mut(&acct).expect("account exists").users.insert(name.to_string(), user);
    }
    w.iam.accounts.get_mut(&mgmt).expect("exists").groups.insert("admins".into(), admins);

    for (name, _, _, _) in &DEMO_ACCOUNTS[1..] {
        let acct = ids[name].clone();
        let now = w.clock.now();
        let r = Role::organization_access_role(&mut w.rng, now, "OrganizationAccountAccessRole", &mgmt);
        w.iam.accounts.get_mut(&acct).expect("exists").roles.insert("organizationaccountaccessrole".into(), r);
    }
    let dev = ids["dev"].clone();
    let deployer = role(
        &mut w,
        "Deployer",
        trust(&rootsim_policy::arn::root(&dev)),
        &["arn:aws:iam::aws:policy/PowerUserAccess"],
        "Deploys workloads; assumable by principals of the dev account that are allowed sts:AssumeRole",
    );
    w.iam.accounts.get_mut(&dev).expect("exists").roles.insert("deployer".into(), deployer);
    (w, start.expect("alice is a demo user"))
}
