//! Properties of centralized root access over random command sequences, starting from a member
//! (the demo's prod) whose root password the management account deleted with an AssumeRoot
//! session: (a) its root user signs in again only through the allowed recovery (an
//! IAMCreateRootUserPassword session, then the mailbox reset, or the standard recovery once the
//! organization stopped managing root credentials); (b) disabling RootCredentialsManagement or
//! RootSessions never brings the deleted password back.

use proptest::prelude::*;
use rootsim_model::{MemoryHost, Session, DEFAULT_SEED};

const ALICE: &str = "sign-in user --account management --user-name alice --password Alice-Passw0rd!";
const OLD_PASSWORD: &str = "sign-in root --email aws-prod@example.com --password Prod-Root-2026!";
const FORGOT: &str = "sign-in root --email aws-prod@example.com --forgot-password";

/// Runs `line`, asserting it succeeds: setup steps must not fail silently.
fn must(session: &mut Session, host: &mut MemoryHost, line: &str) -> serde_json::Value {
    let out = session.execute(line, host);
    assert!(out.ok, "{line}: {}", out.text);
    out.json.unwrap_or_default()
}

/// Signs in with the credentials of `sts assume-root` on prod with `task`; false if refused.
fn assume_root(session: &mut Session, host: &mut MemoryHost, task: &str) -> bool {
    let prod = session.world.accounts.find("prod").expect("demo account").id.clone();
    session.execute(ALICE, host);
    let out = session.execute(
        &format!("aws sts assume-root --target-principal {prod} --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/{task}"),
        host,
    );
    let Some(json) = out.json.filter(|_| out.ok) else { return false };
    let c = &json["Credentials"];
    let line = format!(
        "sign-in keys --access-key-id {} --secret-access-key {} --session-token {}",
        c["AccessKeyId"].as_str().unwrap(),
        c["SecretAccessKey"].as_str().unwrap(),
        c["SessionToken"].as_str().unwrap()
    );
    session.execute(&line, host).ok
}

/// The demo with both features on and prod's root password deleted.
fn without_root_password() -> (Session, MemoryHost) {
    let mut session = Session::demo(DEFAULT_SEED);
    let mut host = MemoryHost::default();
    for line in [
        "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com",
        "aws iam enable-organizations-root-credentials-management",
        "aws iam enable-organizations-root-sessions",
    ] {
        must(&mut session, &mut host, line);
    }
    assert!(assume_root(&mut session, &mut host, "IAMDeleteRootUserCredentials"));
    must(&mut session, &mut host, "aws iam delete-login-profile");
    (session, host)
}

/// One step of a sequence.
#[derive(Debug, Clone)]
enum Step {
    /// Any generated command, as whoever is signed in.
    Any(String),
    /// A management-account administrator toggles a feature.
    Admin(&'static str),
    /// Allow recovery: an IAMCreateRootUserPassword session creates the login profile.
    AllowRecovery,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => rootsim_tests::any_command().prop_map(Step::Any),
        3 => prop::sample::select(vec![
            "aws iam disable-organizations-root-credentials-management",
            "aws iam disable-organizations-root-sessions",
            "aws iam enable-organizations-root-credentials-management",
            "aws iam enable-organizations-root-sessions",
            "aws organizations disable-aws-service-access --service-principal iam.amazonaws.com",
        ])
        .prop_map(Step::Admin),
        1 => Just(Step::AllowRecovery),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The deleted password never works again, and password recovery starts only once an
    /// IAMCreateRootUserPassword session allowed it, whatever is enabled or disabled meanwhile.
    #[test]
    fn deleted_root_credentials_come_back_only_through_allowed_recovery(
        steps in prop::collection::vec(step(), 1..10),
    ) {
        let (mut session, mut host) = without_root_password();
        let mut allowed = false;
        for step in &steps {
            match step {
                Step::Any(line) => {
                    session.execute(line, &mut host);
                }
                Step::Admin(line) => {
                    session.execute(ALICE, &mut host);
                    session.execute(line, &mut host);
                }
                Step::AllowRecovery => {
                    if assume_root(&mut session, &mut host, "IAMCreateRootUserPassword") {
                        allowed |= session.execute("aws iam create-login-profile", &mut host).ok;
                    }
                }
            }
            let old = session.execute(OLD_PASSWORD, &mut host);
            prop_assert!(!old.ok, "after {step:?} the deleted root password works again: {}", old.text);
            // With RootCredentialsManagement off, the organization no longer manages prod's root
            // credentials, and rootsim gives the member back the standard recovery (a simulator
            // assumption, docs/rules.md: AWS's pages leave it open); with it on, only an allowed recovery.
            let managed = session.world.organizations.org.as_ref().is_some_and(|o| {
                o.root_features.contains(rootsim_model::iam::org_features::ROOT_CREDENTIALS_MANAGEMENT)
            });
            let forgot = session.execute(FORGOT, &mut host);
            prop_assert!(
                !forgot.ok || allowed || !managed,
                "after {step:?} password recovery started without being allowed: {}", forgot.text
            );
        }
    }
}
