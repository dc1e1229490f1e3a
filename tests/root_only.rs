//! No sequence of commands gives a principal other than the root user a task that only root can
//! do (docs/rules.md: ROOT-ONLY-CONSOLE-TASKS, ROOT-PASSWORD-CONSOLE, ROOT-ACCESS-KEYS and the rest of
//! "The root user").
//!
//! Random command sequences from every service and the sandbox, run by IAM principals (root
//! sign-in and the flows that prove ownership of the root email or phone are left out: they *are*
//! the root user), must leave the management account's root-only state as it was (root
//! credentials, root email, account status, billing access and the console-only registrations),
//! and afterwards an IAM administrator is still refused every console-only root task. The
//! management account is the one to check: no AssumeRoot session or `organizations
//! close-account` can reach it, so any change there could only come from a non-root principal.

use proptest::prelude::*;
use rootsim_model::{MemoryHost, Session, DEFAULT_SEED};
use rootsim_tests::any_command;

/// Commands that act as the root user or as the owner of the root email or phone.
const ROOT_ACTS: &[&str] = &[
    "sign-in root",
    "reset-root-password",
    "verify-email",
    "answer-call",
    "support",
    "lose-mfa-device",
    "mfa-code",
    "load",
    "reset",
];

/// Everything about the management account that only its root user may change, as JSON.
/// (By ID: the account's name is an ordinary setting that the commands may change.)
fn root_only_state(session: &Session, id: &str) -> serde_json::Value {
    let world = &session.world;
    let root = &world.iam.accounts[id].root;
    let account = world.accounts.get(id).expect("the management account exists");
    serde_json::json!({
        "password": root.password,
        "accessKeys": serde_json::to_value(&root.access_keys).expect("serializable"),
        "signingCertificates": serde_json::to_value(&root.signing_certificates).expect("serializable"),
        "mfaDevices": serde_json::to_value(&root.mfa_devices).expect("serializable"),
        "email": account.email,
        "status": serde_json::to_value(account.status).expect("serializable"),
        "registrations": serde_json::to_value(&account.registrations).expect("serializable"),
        "billingAccess": world.billing.iam_access_activated.get(id),
    })
}

/// The console-only root tasks, as an IAM administrator would try them.
const CONSOLE_TASKS: &[&str] = &[
    "console change-root-password --current-password Mgmt-Root-2026! --new-password Another-Root-1",
    "console change-root-email --new-email someone@example.com",
    "console close-account",
    "console reopen-account",
    "console activate-iam-billing-access",
    "console view-tax-invoices --seller AWS-Inc",
    "console govcloud-signup",
    "console ri-marketplace-register",
    "console mturk-link",
];

/// Calls aimed at the management account's root-only state, as an IAM principal would try them
/// (`MGMT` stands for its account ID).
const AIMED: &[&str] = &[
    "aws iam create-access-key",
    "aws iam list-access-keys",
    "aws iam upload-signing-certificate --certificate-body -----BEGIN-CERTIFICATE-----x",
    "aws iam create-virtual-mfa-device --virtual-mfa-device-name root-device --outfile seed.txt --bootstrap-method Base32StringSeed",
    "aws iam deactivate-mfa-device --serial-number arn:aws:iam::MGMT:mfa/root-account-mfa-device",
    "aws iam delete-login-profile",
    "aws iam create-login-profile --password Another-Root-1",
    "aws account put-contact-information --contact-information FullName=x,AddressLine1=a,City=c,PostalCode=1,CountryCode=US,PhoneNumber=+15555550100",
    "aws account start-primary-email-update --account-id MGMT --primary-email new@example.com",
    "aws organizations close-account --account-id MGMT",
    "aws sts assume-root --target-principal MGMT --task-policy-arn arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
    "aws iam delete-organizations-root-credentials-management",
    "sign-in user --account management --user-name alice --password Alice-Passw0rd!",
    "sign-in user --account management --user-name bob --password Bob-Passw0rd!",
];

/// A command: mostly aimed at root-only state, the rest anything at all.
fn command() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(AIMED).prop_map(str::to_string),
        2 => prop::sample::select(CONSOLE_TASKS).prop_map(str::to_string),
        3 => any_command(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_gives_a_non_root_principal_a_root_only_task(lines in prop::collection::vec(command(), 0..14)) {
        let mut session = Session::demo(DEFAULT_SEED);
        let mut host = MemoryHost::default();
        let mgmt = session.world.accounts.find("management").expect("demo account").id.clone();
        let before = root_only_state(&session, &mgmt);
        for line in lines.iter().filter(|l| !ROOT_ACTS.iter().any(|r| l.trim_start().starts_with(r))) {
            session.execute(&line.replace("MGMT", &mgmt), &mut host);
        }
        prop_assert_eq!(&before, &root_only_state(&session, &mgmt), "root-only state changed without the root user");
        session.execute("sign-in user --account management --user-name alice --password Alice-Passw0rd!", &mut host);
        for task in CONSOLE_TASKS {
            let out = session.execute(task, &mut host);
            prop_assert!(!out.ok, "{} succeeded for the IAM administrator alice", task);
        }
        prop_assert_eq!(&before, &root_only_state(&session, &mgmt), "a console task changed root-only state for alice");
    }
}
