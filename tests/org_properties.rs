//! The world model. Invariants of the organization tree under random sequences of OU creations and deletions,
//! account moves, policy attachments and detachments, and policy types switched on and off:
//!
//! - every account of the organization has exactly one parent, which exists, and its path up to
//!   the root is finite (so is every OU's);
//! - the management account is never restricted by an SCP or an RCP: whatever its principals may
//!   do with organization policies out of the way, they may still do.
//!
//! The operations run as AWS CLI commands (as alice, the management account's administrator), so
//! the handlers' validation is part of what is tested; many commands of a sequence fail, which is
//! fine: a failed command must leave the invariants as they were, too.

use proptest::prelude::*;
use rootsim_model::auth::{AuthRequest, Authorizer, Identity};
use rootsim_model::{MemoryHost, Session, World, DEFAULT_SEED};
use rootsim_tests::without_history;

/// One step of a sequence. Indices pick among what exists when the step runs.
#[derive(Debug, Clone)]
enum Step {
    CreateOu {
        parent: usize,
        name: usize,
    },
    DeleteOu {
        ou: usize,
    },
    Move {
        account: usize,
        destination: usize,
    },
    Attach {
        policy: usize,
        target: usize,
    },
    Detach {
        policy: usize,
        target: usize,
    },
    EnableType {
        rcp: bool,
    },
    DisableType {
        rcp: bool,
    },
    /// Any command at all: AWS calls of every service, sandbox commands, noise.
    Any(String),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (any::<usize>(), 0..4usize).prop_map(|(parent, name)| Step::CreateOu { parent, name }),
        1 => any::<usize>().prop_map(|ou| Step::DeleteOu { ou }),
        3 => (any::<usize>(), any::<usize>()).prop_map(|(account, destination)| Step::Move { account, destination }),
        3 => (any::<usize>(), any::<usize>()).prop_map(|(policy, target)| Step::Attach { policy, target }),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(policy, target)| Step::Detach { policy, target }),
        1 => any::<bool>().prop_map(|rcp| Step::EnableType { rcp }),
        1 => any::<bool>().prop_map(|rcp| Step::DisableType { rcp }),
    ]
}

/// Commands aimed at the limits the invariants watch: access keys, MFA devices, AssumeRoot.
const AIMED: &[&str] = &[
    "aws iam create-access-key --user-name bob",
    "aws iam create-access-key",
    "aws iam create-virtual-mfa-device --virtual-mfa-device-name extra --outfile extra.png --bootstrap-method QRCodePNG",
    "aws sts assume-root --target-principal DEV --task-policy-arn arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials --duration-seconds 900",
    "aws sts assume-root --target-principal DEV --task-policy-arn arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials --duration-seconds 3600",
    "sign-in root --email aws-management@example.com --password Mgmt-Root-2026!",
    "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com",
    "aws iam enable-organizations-root-sessions",
];

/// Steps of the whole-world model: the organization's shape, commands aimed at the watched
/// limits, and anything else.
fn world_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => step(),
        2 => prop::sample::select(AIMED).prop_map(|c| Step::Any(c.to_string())),
        2 => rootsim_tests::any_command().prop_map(Step::Any),
    ]
}

/// Customer policies the sequences attach: a deny-everything SCP, a narrow allow-list SCP that
/// implicitly denies the rest once FullAWSAccess is detached, and a deny RCP.
const SETUP: &[&str] = &[
    r#"aws organizations create-policy --name DenyAll --type SERVICE_CONTROL_POLICY --description d --content {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
    r#"aws organizations create-policy --name OnlyS3 --type SERVICE_CONTROL_POLICY --description d --content {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    r#"aws organizations create-policy --name DenyIam --type SERVICE_CONTROL_POLICY --description d --content {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
    "aws organizations enable-policy-type --root-id ROOT --policy-type RESOURCE_CONTROL_POLICY",
    r#"aws organizations create-policy --name DenyS3 --type RESOURCE_CONTROL_POLICY --description d --content {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
];

fn pick<T: Clone>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()].clone())
}

fn org(world: &World) -> &rootsim_model::organizations::Organization {
    world.organizations.org.as_ref().expect("the demo world has an organization")
}

/// The command line of a step, in the world as it is now (`None` when nothing fits).
fn command(world: &World, step: &Step) -> Option<String> {
    if let Step::Any(line) = step {
        let dev = world.accounts.find("dev").map_or("", |a| a.id.as_str());
        return Some(line.replace("DEV", dev));
    }
    let o = world.organizations.org.as_ref()?;
    let ous: Vec<String> = o.ous.keys().cloned().collect();
    let parents: Vec<String> = std::iter::once(o.root_id.clone()).chain(ous.iter().cloned()).collect();
    let accounts: Vec<String> = o.accounts.keys().cloned().collect();
    let targets: Vec<String> = parents.iter().chain(accounts.iter()).cloned().collect();
    let policies: Vec<String> = o.policies.keys().cloned().collect();
    let kind = |rcp: bool| if rcp { "RESOURCE_CONTROL_POLICY" } else { "SERVICE_CONTROL_POLICY" };
    Some(match step {
        Step::CreateOu { parent, name } => format!(
            "aws organizations create-organizational-unit --parent-id {} --name {}",
            pick(&parents, *parent)?,
            ["Alpha", "Beta", "Gamma", "Delta"][*name]
        ),
        Step::DeleteOu { ou } => {
            format!("aws organizations delete-organizational-unit --organizational-unit-id {}", pick(&ous, *ou)?)
        }
        Step::Move { account, destination } => {
            let a = pick(&accounts, *account)?;
            format!(
                "aws organizations move-account --account-id {a} --source-parent-id {} --destination-parent-id {}",
                o.accounts[&a].parent,
                pick(&parents, *destination)?
            )
        }
        Step::Attach { policy, target } => format!(
            "aws organizations attach-policy --policy-id {} --target-id {}",
            pick(&policies, *policy)?,
            pick(&targets, *target)?
        ),
        Step::Detach { policy, target } => format!(
            "aws organizations detach-policy --policy-id {} --target-id {}",
            pick(&policies, *policy)?,
            pick(&targets, *target)?
        ),
        Step::EnableType { rcp } => {
            format!("aws organizations enable-policy-type --root-id {} --policy-type {}", o.root_id, kind(*rcp))
        }
        Step::DisableType { rcp } => {
            format!("aws organizations disable-policy-type --root-id {} --policy-type {}", o.root_id, kind(*rcp))
        }
        Step::Any(_) => unreachable!("handled above"),
    })
}

/// Every account and OU has exactly one parent, which exists, and a finite path to the root.
fn tree_is_consistent(world: &World) -> Result<(), String> {
    let Some(o) = world.organizations.org.as_ref() else { return Ok(()) };
    let parents: Vec<&String> = std::iter::once(&o.root_id).chain(o.ous.keys()).collect();
    for (id, m) in &o.accounts {
        let holding = parents.iter().filter(|p| ***p == m.parent).count();
        if holding != 1 {
            return Err(format!("account {id} is held by {holding} parents (its parent is {})", m.parent));
        }
        if o.path_of(id).is_none() {
            return Err(format!("account {id} has no path to the root"));
        }
    }
    for ou in o.ous.values() {
        let mut at = ou.parent.clone();
        let mut hops = 0;
        while at != o.root_id {
            at = o.ous.get(&at).ok_or_else(|| format!("OU {} hangs from a missing parent {at}", ou.id))?.parent.clone();
            hops += 1;
            if hops > o.ous.len() {
                return Err(format!("OU {} is in a cycle", ou.id));
            }
        }
    }
    Ok(())
}

/// Requests made by principals of the management account, on its own resources.
fn management_requests(mgmt: &str) -> Vec<(String, String)> {
    vec![
        ("iam:ListUsers".into(), format!("arn:aws:iam::{mgmt}:user/")),
        ("iam:CreateUser".into(), format!("arn:aws:iam::{mgmt}:user/x")),
        ("iam:DeleteRole".into(), format!("arn:aws:iam::{mgmt}:role/x")),
        ("s3:ListAllMyBuckets".into(), "*".into()),
        ("s3:GetObject".into(), "arn:aws:s3:::bucket/key".into()),
        ("organizations:ListAccounts".into(), "*".into()),
        ("kms:CreateKey".into(), "*".into()),
        ("account:PutContactInformation".into(), format!("arn:aws:account::{mgmt}:account")),
    ]
}

/// For each principal of the management account and each request: allowed in `world`?
fn decisions(world: &World, identities: &[Identity], requests: &[(String, String)]) -> Vec<bool> {
    // One authorizer for the questions about this world.
    let authorizer = Authorizer::new();
    let mut out = Vec::new();
    for identity in identities {
        // Random commands may delete a principal or its keys: then there is nothing to compare.
        let Ok(caller) = world.resolve(identity) else {
            out.extend(requests.iter().map(|_| false));
            continue;
        };
        for (action, resource) in requests {
            let request = AuthRequest::new(&caller, "us-east-1", action, resource);
            out.push(authorizer.authorize(world, &request).decision.is_allowed());
        }
    }
    out
}

/// Invariants of the world that any command must keep (docs/ARCHITECTURE.md, "Invariants"):
/// credential limits, AssumeRoot's 900 seconds.
fn world_is_consistent(world: &World) -> Result<(), String> {
    for (account, iam) in &world.iam.accounts {
        if iam.root.access_keys.len() > 2 {
            return Err(format!("the root user of {account} has {} access keys", iam.root.access_keys.len()));
        }
        if iam.root.mfa_devices.len() > 8 {
            return Err(format!("the root user of {account} has {} MFA devices", iam.root.mfa_devices.len()));
        }
        for u in iam.users.values() {
            if u.access_keys.len() > 2 || u.mfa_devices.len() > 8 {
                return Err(format!("user {} of {account} exceeds the credential limits", u.name));
            }
        }
    }
    for (id, s) in &world.sts.sessions {
        if matches!(s.kind, rootsim_model::sts::SessionKind::AssumedRoot { .. }) && s.expires - s.issued > 900 {
            return Err(format!("AssumeRoot session {id} lasts {} s", s.expires - s.issued));
        }
    }
    Ok(())
}

fn run(steps: &[Step]) -> Result<(), TestCaseError> {
    let mut session = Session::demo(DEFAULT_SEED);
    let mut host = MemoryHost::default();
    let root = org(&session.world).root_id.clone();
    for line in SETUP {
        let out = session.execute(&line.replace("ROOT", &root), &mut host);
        prop_assert!(out.ok, "setup failed: {line}: {}", out.text);
    }
    let mgmt = org(&session.world).management_account.clone();
    let now = session.world.clock.now();
    let identities = vec![
        session.identity.clone(),
        Identity::Console { account: mgmt.clone(), user: None, mfa: false, since: now },
        Identity::Console { account: mgmt.clone(), user: Some("bob".into()), mfa: false, since: now },
    ];
    let requests = management_requests(&mgmt);
    for step in steps {
        let Some(line) = command(&session.world, step) else { continue };
        let before = without_history(&session.world);
        let out = session.execute(&line, &mut host);
        if !out.ok {
            prop_assert!(before == without_history(&session.world), "`{}` failed but changed the world", line);
        }
        tree_is_consistent(&session.world).map_err(|e| TestCaseError::fail(format!("after `{line}`: {e}")))?;
        world_is_consistent(&session.world).map_err(|e| TestCaseError::fail(format!("after `{line}`: {e}")))?;
        if session.world.organizations.org.is_none() {
            continue;
        }
        // The same world with no organization policy type enabled: what SCPs and RCPs cannot touch.
        let mut unrestricted = session.world.clone();
        if let Some(o) = unrestricted.organizations.org.as_mut() {
            o.enabled_policy_types.clear();
        }
        let now = decisions(&session.world, &identities, &requests);
        let without = decisions(&unrestricted, &identities, &requests);
        for (i, (with, free)) in now.iter().zip(&without).enumerate() {
            prop_assert!(
                !free || *with,
                "after `{line}`: the management account lost {:?} for principal #{}",
                requests[i % requests.len()],
                i / requests.len()
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn the_tree_stays_consistent_and_never_restricts_the_management_account(
        steps in prop::collection::vec(step(), 1..24)
    ) {
        run(&steps)?;
    }

    /// The whole world as a model: random organizations (the steps above) interleaved with any
    /// command of any service, and after every step every invariant: the tree, the management
    /// account out of SCPs' reach, credential limits, AssumeRoot's 900 seconds, and a failed
    /// command changing nothing but the history.
    #[test]
    fn the_whole_world_keeps_its_invariants_after_every_step(steps in prop::collection::vec(world_step(), 1..24)) {
        run(&steps)?;
    }
}

/// The property can fail: a member account under the deny-everything SCP does lose its
/// permissions, so the same check on a member's principals would catch an exemption bug.
#[test]
fn a_member_under_a_deny_all_scp_is_restricted() {
    let mut session = Session::demo(DEFAULT_SEED);
    let mut host = MemoryHost::default();
    let out = session.execute(SETUP[0], &mut host);
    assert!(out.ok, "{}", out.text);
    let deny_all = org(&session.world).policies.values().find(|p| p.name == "DenyAll").expect("created").id.clone();
    let dev = session.world.accounts.find("dev").expect("demo account").id.clone();
    let out = session
        .execute(&format!("aws organizations attach-policy --policy-id {deny_all} --target-id {dev}"), &mut host);
    assert!(out.ok, "{}", out.text);
    let now = session.world.clock.now();
    let root = Identity::Console { account: dev.clone(), user: None, mfa: false, since: now };
    let requests = management_requests(&dev);
    let mut unrestricted = session.world.clone();
    unrestricted.organizations.org.as_mut().expect("exists").enabled_policy_types.clear();
    let with = decisions(&session.world, std::slice::from_ref(&root), &requests);
    let without = decisions(&unrestricted, &[root], &requests);
    assert!(without.iter().all(|a| *a), "dev's root user may do all of it without SCPs");
    assert!(with.iter().all(|a| !*a), "and none of it under DenyAll: {with:?}");
}
