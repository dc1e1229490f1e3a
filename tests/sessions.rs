//! Sessions belong to the principal they were issued for (rule STS-SESSION-BOUND-TO-PRINCIPAL):
//! after any sequence of deleting and recreating a role and a user under the same names, with
//! any policies, and taking sessions in between, a session acts only while the role or user it
//! was issued for still exists, so it never acts with permissions its own principal did not have.
//! Policies are bound the same way (rule IAM-DELETED-PRINCIPAL-UNIQUE-ID, module `policies`).

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

/// Policies, like sessions, name a user or role by its unique ID (rule
/// IAM-DELETED-PRINCIPAL-UNIQUE-ID): after any sequence of deleting and recreating the user `temp`
/// and the role `Worker`, and of writing a role trust policy and a bucket policy that name them,
/// a principal is granted by a policy only when the policy was written while that very principal
/// (not a namesake before it) existed.
mod policies {
    use super::{as_alice, credentials, run, TRUST};
    use proptest::prelude::*;
    use rootsim_model::{Session, DEFAULT_SEED};

    const BUCKET: &str = "example-namesake-bucket";

    /// One step of the sequence.
    #[derive(Debug, Clone)]
    enum Step {
        /// Delete the user `temp` (if it exists) and create it again, with an access key.
        RecreateUser,
        /// Delete the role `Worker` (if it exists) and create it again.
        RecreateRole,
        /// alice writes the trust policy of `Reader` (never deleted) naming `temp` by ARN.
        TrustUser,
        /// alice writes the bucket policy naming, by ARN, whichever of `temp` and `Worker` exist.
        BucketPolicy,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![Just(Step::RecreateUser), Just(Step::RecreateRole), Just(Step::TrustUser), Just(Step::BucketPolicy)]
    }

    /// Deletes `kind` `name` with its access keys (if it exists) and creates it again.
    fn recreate(session: &mut Session, kind: &str, name: &str) {
        as_alice(session);
        if run(session, &format!("aws iam get-{kind} --{kind}-name {name}")).ok {
            let keys = run(session, &format!("aws iam list-access-keys --user-name {name}"));
            for key in keys.json.iter().flat_map(|j| j["AccessKeyMetadata"].as_array().cloned().unwrap_or_default()) {
                let id = key["AccessKeyId"].as_str().unwrap_or_default();
                run(session, &format!("aws iam delete-access-key --user-name {name} --access-key-id {id}")).expect_ok();
            }
            run(session, &format!("aws iam delete-{kind} --{kind}-name {name}")).expect_ok();
        }
        let extra = if kind == "role" { format!(" --assume-role-policy-document {TRUST}") } else { String::new() };
        run(session, &format!("aws iam create-{kind} --{kind}-name {name}{extra}")).expect_ok();
    }

    fn statement(arn: &str) -> String {
        format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"{arn}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{BUCKET}/*"}}"#
        )
    }

    /// The rewrite reaches every account and every kind of stored policy: a role trust policy, a
    /// bucket policy and a KMS key policy of another account, each also naming someone else who
    /// stays named; and a delete that fails rewrites nothing.
    #[test]
    fn deleting_a_user_rewrites_the_policies_of_every_account_and_service() {
        use rootsim_model::policy::{Policy, PolicyKind};
        let mut session = Session::demo(DEFAULT_SEED);
        let mgmt = session.world.accounts.find("management").expect("demo account").id.clone();
        let dev = session.world.accounts.find("dev").expect("demo account").id.clone();
        as_alice(&mut session);
        let out = run(&mut session, "aws iam create-user --user-name carol");
        let carol_id = out.json.as_ref().expect("a user")["User"]["UserId"].as_str().expect("an ID").to_string();
        run(&mut session, "aws iam create-access-key --user-name carol").expect_ok();
        let carol = format!("arn:aws:iam::{mgmt}:user/carol");
        let bob = format!("arn:aws:iam::{mgmt}:user/bob");
        let names = format!(r#"{{"AWS":["{carol}","{bob}"]}}"#);
        let trust = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{names},"Action":"sts:AssumeRole"}}]}}"#
        );
        let resource = |action: &str, res: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{names},"Action":"{action}","Resource":"{res}"}}]}}"#
            )
        };
        // Placed in the dev account directly: the test is about what the delete does to them.
        let role_key = {
            let iam = session.world.iam.accounts.get_mut(&dev).expect("dev's IAM");
            let (k, role) = iam.roles.iter_mut().next().expect("a demo role in dev");
            role.trust_policy = Policy::parse(&trust, PolicyKind::Trust).unwrap();
            k.clone()
        };
        let mut bucket = rootsim_model::s3::Bucket::new("example-dev-shared", &dev, "us-east-1", 0);
        bucket.policy = Some(
            Policy::parse(&resource("s3:GetObject", "arn:aws:s3:::example-dev-shared/*"), PolicyKind::Resource)
                .unwrap(),
        );
        session.world.s3.insert_bucket(bucket);
        let key = rootsim_model::kms::Key {
            id: "1234abcd-12ab-34cd-56ef-1234567890ab".into(),
            account: dev.clone(),
            region: "us-east-1".into(),
            description: String::new(),
            created: 0,
            policy: Policy::parse(&resource("kms:Decrypt", "*"), PolicyKind::Resource).unwrap(),
        };
        let key_arn = key.arn();
        session.world.kms.insert_key(key);
        let texts = |session: &Session| {
            [
                session.world.iam.account(&dev).unwrap().roles[&role_key].trust_policy.text().to_string(),
                session.world.s3.buckets["example-dev-shared"].policy.as_ref().unwrap().text().to_string(),
                session.world.kms.keys[&key_arn].policy.text().to_string(),
            ]
        };
        let before = texts(&session);
        // carol still has an access key: the delete fails, and no policy changes.
        assert!(!run(&mut session, "aws iam delete-user --user-name carol").ok);
        assert_eq!(texts(&session), before);
        let keys = run(&mut session, "aws iam list-access-keys --user-name carol");
        let id = keys.json.as_ref().unwrap()["AccessKeyMetadata"][0]["AccessKeyId"].as_str().unwrap().to_string();
        run(&mut session, &format!("aws iam delete-access-key --user-name carol --access-key-id {id}")).expect_ok();
        run(&mut session, "aws iam delete-user --user-name carol").expect_ok();
        // Each document has carol's ID where her ARN was, bob still named, the rest as written.
        for (now, was) in texts(&session).iter().zip(&before) {
            assert_eq!(*now, was.replace(&carol, &carol_id));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn no_principal_is_granted_by_a_policy_written_for_its_namesake(steps in prop::collection::vec(step(), 1..10)) {
            let mut session = Session::demo(DEFAULT_SEED);
            as_alice(&mut session);
            run(&mut session, &format!("aws s3api create-bucket --bucket {BUCKET}")).expect_ok();
            run(&mut session, &format!("aws s3api put-object --bucket {BUCKET} --key k")).expect_ok();
            run(&mut session, &format!("aws iam create-role --role-name Reader --assume-role-policy-document {TRUST}")).expect_ok();
            // The incarnation of `temp` and `Worker` that exists now (0: none yet), temp's keys,
            // and which incarnation each policy was written for.
            let (mut user, mut role) = (0u32, 0u32);
            let mut keys = (String::new(), String::new());
            let (mut trust_for, mut bucket_user, mut bucket_role) = (None, None, None);
            for s in &steps {
                match s {
                    Step::RecreateUser => {
                        recreate(&mut session, "user", "temp");
                        user += 1;
                        let out = run(&mut session, "aws iam create-access-key --user-name temp");
                        let k = &out.json.as_ref().expect("a new key")["AccessKey"];
                        keys = (k["AccessKeyId"].as_str().unwrap_or_default().into(), k["SecretAccessKey"].as_str().unwrap_or_default().into());
                    }
                    Step::RecreateRole => { recreate(&mut session, "role", "Worker"); role += 1; }
                    Step::TrustUser if user > 0 => {
                        as_alice(&mut session);
                        let doc = r#"'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::MGMT:user/temp"},"Action":"sts:AssumeRole"}]}'"#;
                        run(&mut session, &format!("aws iam update-assume-role-policy --role-name Reader --policy-document {doc}")).expect_ok();
                        trust_for = Some(user);
                    }
                    Step::BucketPolicy if user > 0 || role > 0 => {
                        as_alice(&mut session);
                        let mut statements = Vec::new();
                        if user > 0 { statements.push(statement("arn:aws:iam::MGMT:user/temp")); }
                        if role > 0 { statements.push(statement("arn:aws:iam::MGMT:role/Worker")); }
                        let doc = format!(r#"'{{"Version":"2012-10-17","Statement":[{}]}}'"#, statements.join(","));
                        run(&mut session, &format!("aws s3api put-bucket-policy --bucket {BUCKET} --policy {doc}")).expect_ok();
                        (bucket_user, bucket_role) = ((user > 0).then_some(user), (role > 0).then_some(role));
                    }
                    _ => {}
                }
                // temp has no permissions of its own: only a policy naming this incarnation allows.
                if user > 0 {
                    run(&mut session, &format!("sign-in keys --access-key-id {} --secret-access-key {}", keys.0, keys.1)).expect_ok();
                    let assume = run(&mut session, "aws sts assume-role --role-arn arn:aws:iam::MGMT:role/Reader --role-session-name temp");
                    prop_assert_eq!(assume.ok, trust_for == Some(user), "user {} (trust written for {:?}): {}", user, trust_for, assume.text);
                    let read = run(&mut session, &format!("aws s3api get-object --bucket {BUCKET} --key k out.txt"));
                    prop_assert_eq!(read.ok, bucket_user == Some(user), "user {} (bucket policy for {:?}): {}", user, bucket_user, read.text);
                }
                // Worker has no permissions either: a session of it reads only through the bucket policy.
                if role > 0 {
                    as_alice(&mut session);
                    let out = run(&mut session, "aws sts assume-role --role-arn arn:aws:iam::MGMT:role/Worker --role-session-name worker");
                    prop_assert!(out.ok, "{}", out.text);
                    let (id, secret, token) = credentials(&out);
                    run(&mut session, &format!("sign-in keys --access-key-id {id} --secret-access-key {secret} --session-token {token}")).expect_ok();
                    let read = run(&mut session, &format!("aws s3api get-object --bucket {BUCKET} --key k out.txt"));
                    prop_assert_eq!(read.ok, bucket_role == Some(role), "role {} (bucket policy for {:?}): {}", role, bucket_role, read.text);
                }
            }
        }
    }
}
