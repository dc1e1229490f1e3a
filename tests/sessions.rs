//! Sessions belong to the principal they were issued for (rule STS-SESSION-BOUND-TO-PRINCIPAL):
//! after any sequence of deleting and recreating a role and a user under the same names, with
//! any policies, and taking sessions in between, a session acts only while the role or user it
//! was issued for still exists, so it never acts with permissions its own principal did not have.

use proptest::prelude::*;
use rootsim_model::{Outcome, Session, DEFAULT_SEED};

const TRUST: &str = r#"'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::MGMT:root"},"Action":"sts:AssumeRole"}]}'"#;
/// The managed policies a recreated principal may get: read-only first, so that an old session
/// that wrongly acted as a newer principal would gain permissions it never had.
const POLICIES: &[&str] = &["arn:aws:iam::aws:policy/IAMReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"];

/// One step of the sequence.
#[derive(Debug, Clone)]
enum Step {
    /// Delete the role `Worker` (if it exists) and create it again with this policy.
    RecreateRole(usize),
    /// The same for the user `temp`.
    RecreateUser(usize),
    /// alice assumes `Worker`.
    AssumeRole,
    /// `temp` gets a session token with an access key made for it.
    SessionToken,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..POLICIES.len()).prop_map(Step::RecreateRole),
        (0..POLICIES.len()).prop_map(Step::RecreateUser),
        Just(Step::AssumeRole),
        Just(Step::SessionToken),
    ]
}

fn run(session: &mut Session, line: &str) -> Outcome {
    let mgmt = session.world.accounts.find("management").expect("demo account").id.clone();
    session.run(&line.replace("MGMT", &mgmt))
}

fn as_alice(session: &mut Session) {
    run(session, "sign-in user --account management --user-name alice --password Alice-Passw0rd!").expect_ok();
}

/// Deletes `kind` `name` with everything attached (if it exists), and creates it with `policy`.
fn recreate(session: &mut Session, kind: &str, name: &str, policy: &str) {
    as_alice(session);
    let exists = run(session, &format!("aws iam get-{kind} --{kind}-name {name}")).ok;
    if exists {
        for p in POLICIES {
            let _ = run(session, &format!("aws iam detach-{kind}-policy --{kind}-name {name} --policy-arn {p}"));
        }
        if kind == "user" {
            let keys = run(session, &format!("aws iam list-access-keys --user-name {name}"));
            for key in keys.json.iter().flat_map(|j| j["AccessKeyMetadata"].as_array().cloned().unwrap_or_default()) {
                let id = key["AccessKeyId"].as_str().unwrap_or_default();
                run(session, &format!("aws iam delete-access-key --user-name {name} --access-key-id {id}")).expect_ok();
            }
        }
        run(session, &format!("aws iam delete-{kind} --{kind}-name {name}")).expect_ok();
    }
    let extra = if kind == "role" { format!(" --assume-role-policy-document {TRUST}") } else { String::new() };
    run(session, &format!("aws iam create-{kind} --{kind}-name {name}{extra}")).expect_ok();
    run(session, &format!("aws iam attach-{kind}-policy --{kind}-name {name} --policy-arn {policy}")).expect_ok();
}

/// Temporary credentials from a response's `Credentials`.
fn credentials(out: &Outcome) -> (String, String, String) {
    let c = &out.json.as_ref().expect("a JSON response")["Credentials"];
    let s = |k: &str| c[k].as_str().expect("a credential").to_string();
    (s("AccessKeyId"), s("SecretAccessKey"), s("SessionToken"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_session_never_outlives_its_principal(steps in prop::collection::vec(step(), 1..10)) {
        let mut session = Session::demo(DEFAULT_SEED);
        // Which incarnation of the role and the user exists now (0: none yet).
        let (mut role, mut user) = (0u32, 0u32);
        // Each session: its credentials, whether it is the role's, and the incarnation it was issued for.
        let mut sessions: Vec<((String, String, String), bool, u32)> = Vec::new();
        for s in &steps {
            match s {
                Step::RecreateRole(p) => { recreate(&mut session, "role", "Worker", POLICIES[*p]); role += 1; }
                Step::RecreateUser(p) => { recreate(&mut session, "user", "temp", POLICIES[*p]); user += 1; }
                Step::AssumeRole if role > 0 => {
                    as_alice(&mut session);
                    let out = run(&mut session, "aws sts assume-role --role-arn arn:aws:iam::MGMT:role/Worker --role-session-name worker --duration-seconds 3600");
                    prop_assert!(out.ok, "{}", out.text);
                    sessions.push((credentials(&out), true, role));
                }
                Step::SessionToken if user > 0 => {
                    as_alice(&mut session);
                    let key = run(&mut session, "aws iam create-access-key --user-name temp");
                    let Some(json) = key.json.filter(|_| key.ok) else { continue }; // two keys already
                    let (id, secret) = (json["AccessKey"]["AccessKeyId"].as_str().unwrap_or_default().to_string(), json["AccessKey"]["SecretAccessKey"].as_str().unwrap_or_default().to_string());
                    run(&mut session, &format!("sign-in keys --access-key-id {id} --secret-access-key {secret}")).expect_ok();
                    let out = run(&mut session, "aws sts get-session-token --duration-seconds 3600");
                    prop_assert!(out.ok, "{}", out.text);
                    sessions.push((credentials(&out), false, user));
                }
                _ => {}
            }
        }
        for ((id, secret, token), is_role, issued_for) in &sessions {
            run(&mut session, &format!("sign-in keys --access-key-id {id} --secret-access-key {secret} --session-token {token}")).expect_ok();
            // Both policies allow listing users: only a session of the principal that still exists may.
            // A user's GetSessionToken session without MFA never calls IAM (rule STS-SESSION-TOKEN),
            // so it is asked who it is instead, which answers only while it stands for someone.
            let current = if *is_role { role } else { user };
            if !*is_role {
                let iam = run(&mut session, "aws iam list-users");
                prop_assert!(!iam.ok && iam.text.contains("InvalidClientTokenId"), "{}", iam.text);
            }
            let out = run(&mut session, if *is_role { "aws iam list-users" } else { "aws sts get-caller-identity" });
            prop_assert_eq!(out.ok, *issued_for == current, "a {} session of incarnation {} (now {}): {}",
                if *is_role { "role" } else { "user" }, issued_for, current, out.text);
        }
    }
}
