//! The console's sign-in page and the root user's account recovery, as operations of the same
//! kind as the console actions ([`super::ACTIONS`]).
//!
//! Each step is one entry of [`STEPS`]: the sandbox command that takes it, its parameters (the
//! command's options, derived from their names), how CloudTrail records it ([`Recording`]) and a
//! handler that runs in a [`Call`], so that a step which fails leaves the world as it was. The
//! sign-in page is unauthenticated, as AWS's is: the call's caller is
//! [`crate::caller::Caller::anonymous`], and signing in is what produces the next caller. A handler therefore
//! answers a [`Page`] that may carry the terminal's new [`Identity`], which the command layer
//! (`crate::command::signin`) applies after success, and a refusal may name the sign-in
//! [`Attempt`] that CloudTrail records (a wrong password to a known account is recorded, an
//! unknown email address is not: there is no account to record it in).

use crate::account::AccountStatus;
use crate::auth::Identity;
use crate::error::AwsError;
use crate::iam::key;
use crate::service::{opt_bool, opt_str, param, req_str, Call, Param, Shape};
use serde_json::{json, Map, Value};

/// A sign-in or recovery step: the sandbox command that takes it and the operation that does it.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// The sandbox command (and form) that takes the step: `sign-in root`, `verify-email`...
    pub command: &'static str,
    /// How CloudTrail records it.
    pub recording: Recording,
    /// One line of help.
    pub summary: &'static str,
    /// Its parameters: each `NewPassword` is the option `--new-password` (a `Boolean` one is a
    /// flag), checked by the command before the step runs.
    pub params: &'static [Param],
    /// What runs it.
    pub handler: StepHandler,
}

/// A step's handler: reads its parameters, changes the world, answers the page.
pub type StepHandler = fn(&mut Call, &Map<String, Value>) -> Result<Page, Refusal>;

/// How CloudTrail records a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    /// A console sign-in (`signin.amazonaws.com` `ConsoleLogin`, `World::record_sign_in`): a
    /// success that signs in to the console, and a refusal that names its [`Attempt`].
    ConsoleLogin,
    /// Nothing: the recovery pages before sign-in, and access keys (checked only when used).
    Nothing,
}

/// What a step answers on success.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The text the page shows.
    pub text: String,
    /// What scripts may read from it (`@set CODE = Code`).
    pub json: Option<Value>,
    /// Who the terminal is signed in as from now on, when the step signed in.
    pub identity: Option<Identity>,
    /// The MFA device a sign-in used (its serial, CloudTrail's `MFAIdentifier`).
    pub mfa_device: Option<String>,
}

impl Page {
    fn text(text: impl Into<String>) -> Page {
        Page { text: text.into(), json: None, identity: None, mfa_device: None }
    }
}

/// A step's refusal: the error the page shows, and the sign-in attempt CloudTrail records, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The error: code and message.
    pub error: AwsError,
    /// The failed sign-in to record (a known account's), boxed to keep refusals small.
    pub attempt: Option<Box<Attempt>>,
}

impl From<AwsError> for Refusal {
    fn from(error: AwsError) -> Refusal {
        Refusal { error, attempt: None }
    }
}

/// A console sign-in as a `ConsoleLogin` event names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The account signed in to.
    pub account: String,
    /// The IAM user's lower-cased name, or `None` for the root user.
    pub user: Option<String>,
    /// Whether an MFA code was given.
    pub mfa_used: bool,
    /// The device whose code signed in, for CloudTrail's `MFAIdentifier`.
    pub mfa_device: Option<String>,
}

impl Attempt {
    /// The successful sign-in that `identity` stands for: console identities only.
    pub fn signed_in(identity: &Identity) -> Option<Attempt> {
        match identity {
            Identity::Console { account, user, mfa, .. } => {
                Some(Attempt { account: account.clone(), user: user.clone(), mfa_used: *mfa, mfa_device: None })
            }
            _ => None,
        }
    }
}

/// Every sign-in and recovery step.
pub const STEPS: &[Step] = &[
    Step {
        command: "sign-in root",
        recording: Recording::ConsoleLogin,
        summary: "The root user signs in with the account's email address and password (and MFA), registering an MFA device if asked, or starts signing in with alternative factors.",
        params: &[
            param("Email", Shape::String, true, "the root user's email address"),
            param("Password", Shape::String, true, "the root password"),
            param("MfaCode", Shape::String, false, "a code of one of the root user's MFA devices"),
            param("RegisterMfaDevice", Shape::String, false, "the name of a virtual MFA device to register"),
            param("UseAlternativeFactors", Shape::Boolean, false, "the MFA device is lost: verify the email and phone instead"),
        ],
        handler: sign_in_root,
    },
    Step {
        command: "sign-in user",
        recording: Recording::ConsoleLogin,
        summary: "An IAM user signs in with the account, user name and password (and MFA).",
        params: &[
            param("Account", Shape::String, true, "the account's ID, name or alias"),
            param("UserName", Shape::String, true, "the IAM user's name"),
            param("Password", Shape::String, true, "the user's console password"),
            param("MfaCode", Shape::String, false, "a code of one of the user's MFA devices"),
        ],
        handler: sign_in_user,
    },
    Step {
        command: "sign-in keys",
        recording: Recording::Nothing,
        summary: "The terminal switches to access keys (checked only when a call uses them, as the AWS CLI does).",
        params: &[
            param("AccessKeyId", Shape::String, true, "AKIA... or ASIA..."),
            param("SecretAccessKey", Shape::String, true, "the secret"),
            param("SessionToken", Shape::String, false, "the session token of temporary credentials"),
        ],
        handler: sign_in_keys,
    },
    Step {
        command: "sign-in root --forgot-password",
        recording: Recording::Nothing,
        summary: "Sends a password-reset link to the root email (the page says the same whether or not an account uses it).",
        params: &[param("Email", Shape::String, true, "the root user's email address")],
        handler: forgot_root_password,
    },
    Step {
        command: "verify-email",
        recording: Recording::Nothing,
        summary: "Follows the email verification link of a sign-in with alternative factors: AWS then calls the primary phone.",
        params: &[param("Token", Shape::String, true, "the token of the verification link")],
        handler: verify_email,
    },
    Step {
        command: "answer-call",
        recording: Recording::ConsoleLogin,
        summary: "Keys in, on the account's primary phone, the number the sign-in page shows: the root user is signed in.",
        params: &[
            param("PhoneNumber", Shape::String, true, "the number AWS calls"),
            param("Keys", Shape::String, true, "the digits keyed in"),
        ],
        handler: answer_call,
    },
    Step {
        command: "reset-root-password",
        recording: Recording::Nothing,
        summary: "Follows the password-reset link and sets a new root password.",
        params: &[
            param("Token", Shape::String, true, "the token of the reset link"),
            param("NewPassword", Shape::String, true, "the new root password"),
        ],
        handler: reset_root_password,
    },
];

/// The step the sandbox command `command` takes.
pub fn find(command: &str) -> Option<&'static Step> {
    STEPS.iter().find(|s| s.command == command)
}

fn fail(code: &str, message: impl Into<String>) -> AwsError {
    AwsError::new(code, 400, message)
}

/// What the sign-in page says to every wrong credential, known account or not.
fn failed_authentication() -> AwsError {
    fail("FailedAuthentication", "Sign-in failed: your authentication information is incorrect. Please try again.")
}

/// A failed sign-in to a known account: CloudTrail records it (the one change a failed step
/// makes), and the page says no more than that the credentials were wrong.
fn recorded_failure(account: &str, user: Option<&str>, mfa_used: bool) -> Refusal {
    Refusal {
        error: failed_authentication(),
        attempt: Some(Box::new(Attempt {
            account: account.to_string(),
            user: user.map(str::to_string),
            mfa_used,
            mfa_device: None,
        })),
    }
}

fn sign_in_root(call: &mut Call, input: &Map<String, Value>) -> Result<Page, Refusal> {
    let (email, password) = (req_str(input, "Email")?, req_str(input, "Password")?);
    let now = call.now();
    let Some(account) = call.world.accounts.by_email(email).map(|a| a.id.clone()) else {
        return Err(failed_authentication().into());
    };
    // After the post-closure period the account is gone for good: not even its root user can
    // sign in (ACCOUNT-POST-CLOSURE,
    // https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-closing.html).
    if call.world.accounts.get(&account).is_some_and(|a| a.status_at(now) == AccountStatus::Closed) {
        return Err(Refusal {
            error: fail(
                "AccountPermanentlyClosed",
                format!("Sign-in failed: account {account} was closed more than 90 days ago and is permanently closed; nobody can sign in to it any more."),
            ),
            attempt: Some(Box::new(Attempt { account, user: None, mfa_used: false, mfa_device: None })),
        });
    }
    let root = &call.world.iam.accounts.get(&account).expect("every account has IAM").root;
    if root.password.as_deref() != Some(password) {
        return Err(recorded_failure(&account, None, false));
    }
    let mfa = !root.mfa_devices.is_empty();
    if mfa && opt_bool(input, "UseAlternativeFactors") == Some(true) {
        return Ok(start_mfa_recovery(call, &account, email));
    }
    if mfa {
        let Some(code) = opt_str(input, "MfaCode") else {
            return Err(fail(
                "MfaRequired",
                "This root user has MFA: sign in again with --mfa-code CODE (lost the device? add --use-alternative-factors).",
            )
            .into());
        };
        if !crate::iam::credentials::valid_code(&root.mfa_devices, now, code) {
            return Err(recorded_failure(&account, None, true));
        }
    }
    let used_device = used_device(&root.mfa_devices, now, opt_str(input, "MfaCode"));
    // MFA is required for every root user: without a device, sign-in works for 35 days from the
    // first attempt, then only together with registering one
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html). The first
    // attempt may have failed (a wrong password): its ConsoleLogin event in the history counts.
    let first = call.world.first_root_sign_in_attempt(&account).unwrap_or(now);
    let days_left = 35 - (now - first).div_euclid(86_400);
    let register = opt_str(input, "RegisterMfaDevice");
    if !mfa && days_left <= 0 && register.is_none() {
        return Err(fail(
            "MfaRegistrationRequired",
            "The root user must register an MFA device before it can use the console: sign in again with --register-mfa-device NAME.",
        )
        .into());
    }
    let mut text = format!("Signed in as the root user of account {account}.");
    let mut registered = None;
    if !mfa {
        if let Some(name) = register {
            registered = Some(register_mfa_device(call, &account, name)?);
        }
    }
    let iam = call.world.iam.accounts.get_mut(&account).expect("every account has IAM");
    iam.root.first_sign_in_attempt.get_or_insert(now);
    iam.root.password_last_used = Some(now);
    let with_mfa = mfa || registered.is_some();
    let identity = Identity::Console { account: account.clone(), user: None, mfa: with_mfa, since: now };
    match &registered {
        Some(serial) => text.push_str(&format!("\nRegistered the virtual MFA device {serial}; your authenticator app holds it (mfa-code {serial}).")),
        None if !mfa => text.push_str(&format!(
            "\nThis root user has no MFA device. AWS requires one: register it within {days_left} day{} (sign in with --register-mfa-device NAME, or run console assign-root-mfa-device).",
            if days_left == 1 { "" } else { "s" }
        )),
        None => {}
    }
    Ok(Page { text, json: None, identity: Some(identity), mfa_device: used_device.or(registered) })
}

/// The device among `devices` whose current code is `code` (the one a sign-in used).
fn used_device(devices: &[crate::iam::MfaDevice], now: i64, code: Option<&str>) -> Option<String> {
    let code = code?;
    devices.iter().find(|d| crate::iam::mfa_code_matches(&d.secret, now, code)).map(|d| d.serial.clone())
}

/// Registration in the console (at sign-in, or `console assign-root-mfa-device`): a virtual
/// device named `name`, enabled for the root user of `account` and scanned into the
/// authenticator app. Its serial. At most eight devices (rule ROOT-MFA-DEVICES).
pub(crate) fn register_mfa_device(call: &mut Call, account: &str, name: &str) -> Result<String, AwsError> {
    let now = call.now();
    let serial = rootsim_policy::arn::iam(account, "mfa", "/", name);
    let iam = call.world.iam.accounts.get(account).expect("every account has IAM");
    if iam.virtual_mfa_devices.contains_key(&serial) {
        return Err(fail("EntityAlreadyExists", format!("A virtual MFA device named {name} already exists.")));
    }
    if iam.root.mfa_devices.len() >= crate::iam::MAX_MFA_DEVICES {
        return Err(AwsError::limit_exceeded(format!(
            "Cannot exceed quota for MFADevicesPerRootUser: {}",
            crate::iam::MAX_MFA_DEVICES
        )));
    }
    let seed = call.world.rng.base32(32);
    let iam = call.world.iam.accounts.get_mut(account).expect("every account has IAM");
    iam.virtual_mfa_devices.insert(
        serial.clone(),
        crate::iam::VirtualMfaDevice { seed: seed.clone(), created: now, assigned: Some(None) },
    );
    iam.root.mfa_devices.push(crate::iam::MfaDevice {
        serial: serial.clone(),
        kind: "virtual".into(),
        secret: seed.clone(),
        enabled: now,
    });
    call.world.mail.authenticator.insert(serial.clone(), seed);
    Ok(serial)
}

/// How long a sign-in with alternative factors stays open (a simulator assumption).
const RECOVERY_SECONDS: i64 = 3600;

/// Step 1 of signing in with alternative factors: a verification link to the root email.
fn start_mfa_recovery(call: &mut Call, account: &str, email: &str) -> Page {
    let now = call.now();
    let token = call.world.rng.lower_alnum(24);
    let phone_code = call.world.rng.digits(6);
    let iam = call.world.iam.accounts.get_mut(account).expect("every account has IAM");
    iam.root.mfa_recovery = Some(crate::iam::MfaRecovery {
        email_token: token.clone(),
        email_verified: false,
        phone_code,
        expires: now + RECOVERY_SECONDS,
    });
    call.world.send_mail(
        email,
        "recover-mfa-no-reply@verify.signin.aws",
        "AWS sign-in: verify your email address",
        format!(
            "Someone is signing in to the root user of AWS account {account} with alternative factors.\nTo verify this email address, follow this link:\nhttps://signin.aws.amazon.com/verifyemail?token={token}\n(in rootsim: verify-email --token {token})"
        ),
        Some(token),
    );
    Page::text(format!(
        "Sign in using alternative factors, step 1 of 2: we sent a verification link to {email}. Read it with `mail {email}`, then `verify-email --token TOKEN`."
    ))
}

fn sign_in_user(call: &mut Call, input: &Map<String, Value>) -> Result<Page, Refusal> {
    let (acct, name, password) = (req_str(input, "Account")?, req_str(input, "UserName")?, req_str(input, "Password")?);
    let now = call.now();
    let Some(account) = call.world.accounts.find(acct).map(|a| a.id.clone()) else {
        return Err(failed_authentication().into());
    };
    let iam = call.world.iam.accounts.get(&account).expect("every account has IAM");
    let Some(user) = iam.users.get(&key(name)) else {
        return Err(failed_authentication().into());
    };
    let ok = user.login_profile.as_ref().and_then(|p| p.password.as_deref()) == Some(password);
    if !ok {
        return Err(recorded_failure(&account, Some(&key(name)), false));
    }
    let mfa = !user.mfa_devices.is_empty();
    if mfa {
        let Some(code) = opt_str(input, "MfaCode") else {
            return Err(fail("MfaRequired", "This user has MFA: sign in again with --mfa-code CODE.").into());
        };
        if !crate::iam::credentials::valid_code(&user.mfa_devices, now, code) {
            return Err(recorded_failure(&account, Some(&key(name)), true));
        }
    }
    // An expired password (the account's MaxPasswordAge): with HardExpiry only an administrator
    // can reset it; otherwise the user signs in and must choose a new one (rule IAM-PASSWORD-POLICY-ENFORCED).
    let expired = crate::iam::enforce::password_expiry(iam, &key(name)).is_some_and(|t| now >= t);
    if expired && iam.password_policy.as_ref().and_then(|p| p.hard_expiry).unwrap_or(false) {
        return Err(fail(
            "PasswordExpired",
            "Your password has expired, and the account's password policy requires an administrator to reset it.",
        )
        .into());
    }
    let used = used_device(&user.mfa_devices, now, opt_str(input, "MfaCode"));
    let iam = call.world.iam.accounts.get_mut(&account).expect("every account has IAM");
    let user = iam.users.get_mut(&key(name)).expect("found above");
    user.password_last_used = Some(now);
    let mut text = format!("Signed in as IAM user {} of account {account}.", user.name);
    if expired {
        text.push_str("\nYour password has expired: choose a new one now with `aws iam change-password`.");
    }
    let identity = Identity::Console { account, user: Some(key(name)), mfa, since: now };
    Ok(Page { text, json: None, identity: Some(identity), mfa_device: used })
}

fn sign_in_keys(_: &mut Call, input: &Map<String, Value>) -> Result<Page, Refusal> {
    let (id, secret) = (req_str(input, "AccessKeyId")?, req_str(input, "SecretAccessKey")?);
    let identity = Identity::Keys {
        access_key_id: id.to_string(),
        secret_access_key: secret.to_string(),
        session_token: opt_str(input, "SessionToken").map(str::to_string),
    };
    // Like the AWS CLI, keys are only checked when a call uses them.
    Ok(Page {
        text: format!("Using access key {id}. AWS calls now sign with these credentials."),
        json: None,
        identity: Some(identity),
        mfa_device: None,
    })
}

/// How long a root password-reset link works (a simulator assumption: AWS does not say).
const RESET_LINK_SECONDS: i64 = 3600;

fn forgot_root_password(call: &mut Call, input: &Map<String, Value>) -> Result<Page, Refusal> {
    let email = req_str(input, "Email")?;
    let now = call.now();
    // Like the console, say the same thing whether or not an account uses the address.
    let reply =
        format!("If an AWS account uses {email}, a password reset link was sent to it. Read it with `mail {email}`.");
    let Some(account) = call.world.accounts.by_email(email).map(|a| a.id.clone()) else {
        return Ok(Page::text(reply));
    };
    // With root credentials management, a member whose root credentials were removed cannot
    // recover the password unless the organization allowed it
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html).
    if crate::iam::org_features::password_recovery_disabled(call.world, &account) {
        return Err(fail(
            "PasswordRecoveryDisabled",
            "Password recovery is disabled for this root user: its organization manages root credentials centrally. Ask an administrator of the management account to allow password recovery.",
        )
        .into());
    }
    let token = call.world.rng.lower_alnum(24);
    let iam = call.world.iam.accounts.get_mut(&account).expect("every account has IAM");
    iam.root.password_reset = Some((token.clone(), now + RESET_LINK_SECONDS));
    call.world.send_mail(
        email,
        "no-reply@verify.signin.aws",
        "Amazon Web Services Password Assistance",
        format!(
            "We received a request to reset the password of the root user of AWS account {account}.\nTo choose a new password, follow this link within one hour:\nhttps://signin.aws.amazon.com/resetpassword?type=RootUser&token={token}\n(in rootsim: reset-root-password --token {token} --new-password NEW)\nIf you did not ask for this, ignore this email."
        ),
        Some(token.clone()),
    );
    Ok(Page::text(reply))
}

fn verify_email(call: &mut Call, input: &Map<String, Value>) -> Result<Page, Refusal> {
    let token = req_str(input, "Token")?;
    let now = call.now();
    let found = call.world.iam.accounts.iter().find_map(|(id, iam)| {
        iam.root
            .mfa_recovery
            .as_ref()
            .filter(|r| r.email_token == token && !r.email_verified)
            .map(|r| (id.clone(), r.clone()))
    });
    let Some((account, recovery)) = found else {
        return Err(fail(
            "InvalidVerificationLink",
            "This verification link is not valid: it was already used, or never sent.",
        )
        .into());
    };
    if now >= recovery.expires {
        return Err(
            fail("ExpiredVerificationLink", "This verification link has expired: start the sign-in again.").into()
        );
    }
    let phone = call.world.accounts.get(&account).map(|a| a.contact.phone_number.clone()).unwrap_or_default();
    if let Some(r) = call.world.iam.accounts.get_mut(&account).and_then(|i| i.root.mfa_recovery.as_mut()) {
        r.email_verified = true;
    }
    call.world.mail.call(
        &phone,
        crate::mail::PhoneMessage {
            time: now,
            from: "Amazon Web Services".into(),
            text: format!(
                "This is AWS, verifying a sign-in to account {account}. Please key in the number shown on your screen."
            ),
        },
    );
    Ok(Page {
        text: format!(
            "Email verified. Step 2 of 2: AWS is calling the account's primary phone, {phone}. On the phone, key in: {}\n(in rootsim: answer-call {phone} --keys {})",
            recovery.phone_code, recovery.phone_code
        ),
        json: Some(json!({ "Phone": phone, "Code": recovery.phone_code })),
        identity: None,
        mfa_device: None,
    })
}

fn answer_call(call: &mut Call, input: &Map<String, Value>) -> Result<Page, Refusal> {
    let (number, keys) = (req_str(input, "PhoneNumber")?, req_str(input, "Keys")?);
    let now = call.now();
    // The call reaches whoever holds the number: the account whose primary phone it is.
    let world = &*call.world;
    let found = world.accounts.by_id.values().find_map(|a| {
        let r = world.iam.accounts.get(&a.id)?.root.mfa_recovery.as_ref()?;
        (a.contact.phone_number == number && r.email_verified).then(|| (a.id.clone(), r.clone()))
    });
    let Some((account, recovery)) = found else {
        return Err(fail("NoCall", format!("Nobody is calling {number}: verify the email address first.")).into());
    };
    if now >= recovery.expires {
        return Err(
            fail("ExpiredVerificationLink", "The sign-in with alternative factors has expired: start again.").into()
        );
    }
    if recovery.phone_code != keys {
        return Err(
            fail("FailedAuthentication", "The number keyed in does not match the one on the sign-in page.").into()
        );
    }
    let root = &mut call.world.iam.accounts.get_mut(&account).expect("exists").root;
    root.mfa_recovery = None;
    root.password_last_used = Some(now);
    Ok(Page {
        text: format!(
            "Signed in as the root user of account {account} with alternative factors. Remove the lost device (aws iam deactivate-mfa-device, delete-virtual-mfa-device) and register a new one; if it was stolen, change the root password too."
        ),
        json: None,
        identity: Some(Identity::Console { account, user: None, mfa: false, since: now }),
        mfa_device: None,
    })
}

fn reset_root_password(call: &mut Call, input: &Map<String, Value>) -> Result<Page, Refusal> {
    let (token, password) = (req_str(input, "Token")?, req_str(input, "NewPassword")?);
    let now = call.now();
    let found = call.world.iam.accounts.iter().find_map(|(id, iam)| {
        iam.root.password_reset.as_ref().filter(|(t, _)| t == token).map(|(_, exp)| (id.clone(), *exp))
    });
    let Some((account, expires)) = found else {
        return Err(fail(
            "InvalidResetLink",
            "This password reset link is not valid: it was already used, or never sent.",
        )
        .into());
    };
    if now >= expires {
        return Err(fail(
            "ExpiredResetLink",
            "This password reset link has expired. Ask for a new one with --forgot-password.",
        )
        .into());
    }
    let (name, email) = {
        let a = call.world.accounts.get(&account).expect("every IAM belongs to an account");
        (a.name.clone(), a.email.clone())
    };
    if let Err(why) = crate::iam::check_root_password(password, &name, &email) {
        return Err(fail("PasswordPolicyViolation", format!("The new password is not accepted: {why}.")).into());
    }
    let root = &mut call.world.iam.accounts.get_mut(&account).expect("exists").root;
    root.password = Some(password.to_string());
    root.password_reset = None;
    root.recovery_allowed = false;
    call.world.send_mail(
        &email,
        "no-reply@verify.signin.aws",
        "Your AWS root user password was changed",
        format!("The password of the root user of AWS account {account} was changed."),
        None,
    );
    Ok(Page::text(format!("The root user's password for account {account} was reset. Sign in with the new password.")))
}
