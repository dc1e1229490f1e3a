//! The console's operations: what AWS offers only in the console (or through Support), as
//! operations of the same kind as the AWS calls of the service modules.
//!
//! Each console action is one entry of [`ACTIONS`]: the name typed after `console`, and an
//! [`Operation`] whose service and name are the AWS call the console makes on the user's behalf
//! (what CloudTrail records: `iam` `ChangePassword`, `account` `CloseAccount`, ...), whose
//! parameters are the action's options and whose handler runs through a [`Call`] like every AWS
//! call's. The table is not part of [`crate::registry`]: `aws` neither parses, lists nor completes
//! these operations. Before the call, the console itself decides who may ask at all (its
//! [`Gate`]): most actions are the root user's alone, whatever anyone's policies say. The command
//! layer (`crate::command::console`) parses the options, passes the gate, runs the call, puts the
//! world back when it fails and records it in CloudTrail.

pub mod signin;

use crate::account::{AccountStatus, PendingEmailChange, RootRegistrations};
use crate::auth::{AuthRequest, Caller, Identity};
use crate::billing::Seller;
use crate::clock::format_cli;
use crate::error::{AwsError, AwsResult};
use crate::service::{param, req_str, Call, Operation, Shape};
use crate::world::World;
use serde_json::{Map, Value};

/// A console action: what follows `console`, and the operation that does it.
#[derive(Debug, Clone, Copy)]
pub struct Action {
    /// What follows `console`.
    pub name: &'static str,
    /// Its syntax.
    pub usage: &'static str,
    /// Who the console lets ask, before any call is made.
    pub gate: Gate,
    /// Whether words after the action's name are ignored rather than refused (only
    /// `change-root-password`, which has always accepted them).
    pub extra_words: bool,
    /// The call the console makes: service and name as CloudTrail records them, one line of help,
    /// the parameters (options `--current-password` and so on, derived from their names) and the
    /// handler. Its handler answers a page of text (a JSON string) on success.
    pub operation: Operation,
}

/// Who the console lets ask for an action, decided from the session's identity before any call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Only the root user, signed in to the console (even to a closed account): everyone else is
    /// refused with `RootUserRequired`, whatever their credentials or policies. `what` the
    /// action does, and `why` AWS keeps it to the root user.
    Root {
        /// What the action does, in words (`change the root password`).
        what: &'static str,
        /// Why only the root user may; `None` for the short refusal.
        why: Option<&'static str>,
    },
    /// The account's billing pages: the root user signed in to the console (even to a closed
    /// account), or anyone whose credentials work (the handler then asks IAM access to billing
    /// and the policy engine). With `invoices`, the `Seller` parameter is checked first and the
    /// invoices of AWS Inc. and AISPL are the root user's alone, before any policy is asked.
    Billing {
        /// Whether the page is a seller's tax invoices.
        invoices: bool,
    },
}

const WHY_EMAIL: &str = "the root email is the root user's sign-in name and where AWS sends password resets and account notices, so only the account owner may move it";

/// Every console action.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "change-root-password",
        usage: "console change-root-password --current-password OLD --new-password NEW",
        gate: Gate::Root { what: "change the root password", why: None },
        extra_words: true,
        operation: Operation {
            service: "iam",
            name: "ChangePassword",
            summary: "The root user, signed in to the console, changes its password.",
            params: &[
                param("CurrentPassword", Shape::String, true, "the current root password"),
                param("NewPassword", Shape::String, true, "the new root password"),
            ],
            handler: change_root_password,
        },
    },
    Action {
        name: "assign-root-mfa-device",
        usage: "console assign-root-mfa-device --device-name NAME",
        gate: Gate::Root {
            what: "assign an MFA device to the root user",
            why: Some("AWS enables the root user's MFA devices only in the console, never through the CLI, the API or any other command-line tool"),
        },
        extra_words: false,
        operation: Operation {
            service: "iam",
            name: "EnableMFADevice",
            summary: "The root user, signed in to the console, assigns a virtual MFA device (scanned into the authenticator app; see `mfa-code`).",
            params: &[param("DeviceName", Shape::String, true, "a name for the virtual MFA device")],
            handler: assign_root_mfa_device,
        },
    },
    Action {
        name: "change-root-email",
        usage: "console change-root-email --new-email EMAIL",
        gate: Gate::Root { what: "change the root user's email address", why: Some(WHY_EMAIL) },
        extra_words: false,
        operation: Operation {
            service: "account",
            name: "StartPrimaryEmailUpdate",
            summary: "The root user starts changing its email address: a code goes to the new address.",
            params: &[param("NewEmail", Shape::String, true, "the new root email address")],
            handler: change_root_email,
        },
    },
    Action {
        name: "confirm-root-email",
        usage: "console confirm-root-email --code CODE",
        gate: Gate::Root { what: "change the root user's email address", why: Some(WHY_EMAIL) },
        extra_words: false,
        operation: Operation {
            service: "account",
            name: "AcceptPrimaryEmailUpdate",
            summary: "The root user enters the code sent to the new address, which becomes the root email.",
            params: &[param("Code", Shape::String, true, "the verification code sent to the new address")],
            handler: confirm_root_email,
        },
    },
    Action {
        name: "close-account",
        usage: "console close-account",
        gate: Gate::Root {
            what: "close this account",
            why: Some("closing ends the access of every user, role and key and starts the 90-day countdown to deleting everything in it, so AWS leaves it to the account owner (a member account can also be closed by its organization's management account with `aws organizations close-account`)"),
        },
        extra_words: false,
        operation: Operation {
            service: "account",
            name: "CloseAccount",
            summary: "The root user closes the account (a management account only once its members are closed).",
            params: &[],
            handler: close_account,
        },
    },
    Action {
        name: "reopen-account",
        usage: "console reopen-account",
        gate: Gate::Root {
            what: "reopen a closed account",
            why: Some("after closure no other principal of the account works any more, and the owner who closed it must be the one to bring it back"),
        },
        extra_words: false,
        operation: Operation {
            service: "account",
            name: "ReopenAccount",
            summary: "The root user reopens an account it closed, within the 90-day post-closure period.",
            params: &[],
            handler: reopen_account,
        },
    },
    Action {
        name: "activate-iam-billing-access",
        usage: "console activate-iam-billing-access",
        gate: Gate::Root {
            what: "activate IAM access to billing",
            why: Some("bills, payment methods and tax settings belong to the account owner, so IAM policies count for billing only once the root user has opened that door"),
        },
        extra_words: false,
        operation: Operation {
            service: "billing",
            name: "UpdateIAMAccessPreference",
            summary: "The root user lets IAM principals into billing (their policies then decide).",
            params: &[],
            handler: activate_iam_billing_access,
        },
    },
    Action {
        name: "view-billing",
        usage: "console view-billing",
        gate: Gate::Billing { invoices: false },
        extra_words: false,
        operation: Operation {
            service: "billing",
            name: "GetBillingData",
            summary:
                "Shows the account's bills: root always, IAM principals with billing access and aws-portal:ViewBilling.",
            params: &[],
            handler: view_billing,
        },
    },
    Action {
        name: "view-tax-invoices",
        usage: "console view-tax-invoices --seller AWS-Inc|AWS-Europe|AISPL",
        gate: Gate::Billing { invoices: true },
        extra_words: false,
        operation: Operation {
            service: "invoicing",
            name: "ListInvoiceSummaries",
            summary: "Shows a seller's tax invoices: root sees all; IAM principals only AWS Europe's.",
            params: &[param("Seller", Shape::String, true, "AWS-Inc, AWS-Europe or AISPL")],
            handler: view_tax_invoices,
        },
    },
    Action {
        name: "govcloud-signup",
        usage: "console govcloud-signup",
        gate: Gate::Root {
            what: "sign the account up for AWS GovCloud (US)",
            why: Some("the GovCloud account is linked to this account and billed through it, a commitment only the account owner can make"),
        },
        extra_words: false,
        operation: Operation {
            service: "govcloud",
            name: "CreateGovCloudAccount",
            summary: "The root user signs the account up for AWS GovCloud (US).",
            params: &[],
            handler: govcloud_signup,
        },
    },
    Action {
        name: "ri-marketplace-register",
        usage: "console ri-marketplace-register",
        gate: Gate::Root {
            what: "register the account as a seller in the Reserved Instance Marketplace",
            why: Some("selling Reserved Instances means AWS pays proceeds into the owner's bank account and reports them for tax, so the owner must register"),
        },
        extra_words: false,
        operation: Operation {
            service: "ec2",
            name: "RegisterReservedInstancesSeller",
            summary: "The root user registers the account as a Reserved Instance Marketplace seller.",
            params: &[],
            handler: ri_marketplace_register,
        },
    },
    Action {
        name: "mturk-link",
        usage: "console mturk-link",
        gate: Gate::Root {
            what: "link the account to an Amazon Mechanical Turk requester account",
            why: Some("Mechanical Turk then charges this account's payment method, which only the account owner can agree to"),
        },
        extra_words: false,
        operation: Operation {
            service: "mturk-requester",
            name: "LinkAccount",
            summary: "The root user links the account to an Amazon Mechanical Turk requester account.",
            params: &[],
            handler: mturk_link,
        },
    },
];

/// The console action `name`.
pub fn find(name: &str) -> Option<&'static Action> {
    ACTIONS.iter().find(|a| a.name == name)
}

/// An error of the console: `code` and the text it shows.
fn fail(code: &str, message: impl Into<String>) -> AwsError {
    AwsError::new(code, 400, message)
}

/// The account whose root user is signed in to the console, or the refusal AWS's console gives
/// everyone else for root-only settings: `what` they tried, and `why` only root may (`None` for
/// the short form).
pub fn root_console_account(identity: &Identity, what: &str, why: Option<&str>) -> AwsResult<String> {
    match identity {
        Identity::Console { account, user: None, .. } => Ok(account.clone()),
        _ => Err(fail(
            "RootUserRequired",
            match why {
                None => format!("Only the root user, signed in to the console, can {what}; IAM users and roles cannot, whatever their policies."),
                Some(why) => format!(
                    "Only the root user, signed in to the console, can {what}: {why}. IAM users and roles cannot, whatever their policies allow."
                ),
            },
        )),
    }
}

/// The console's gate for `action`: who the session's `identity` is as the caller of its
/// operation, or the console's refusal. The root user signed in to the console is its caller even
/// in a closed account, whose other calls fail (it may still reopen the account, read its bills,
/// change its password); everyone else must have credentials that work. A `UsageError` when a
/// parameter's value is not one the action takes.
pub fn gate(world: &World, identity: &Identity, action: &Action, params: &Map<String, Value>) -> AwsResult<Caller> {
    let root_console = || match identity {
        Identity::Console { account, user: None, mfa, since } => {
            Some(world.resolve(identity).unwrap_or_else(|_| Caller {
                authenticated_at: Some(*since),
                ..world.root_console_caller(account, *mfa)
            }))
        }
        _ => None,
    };
    match action.gate {
        Gate::Root { what, why } => {
            root_console_account(identity, what, why)?;
            Ok(root_console().expect("the root user is signed in to the console"))
        }
        Gate::Billing { invoices } => {
            if invoices {
                let name = req_str(params, "Seller")?;
                let Some(seller) = Seller::parse(name) else {
                    return Err(fail(
                        "UsageError",
                        format!("unknown seller '{name}': AWS-Inc, AWS-Europe or AISPL\nusage: {}", action.usage),
                    ));
                };
                // Invoices of AWS Inc. and AISPL are the root user's alone, before any policy is asked.
                let is_root_console = matches!(identity, Identity::Console { user: None, .. });
                if !seller.visible_to_iam() && !is_root_console {
                    let root_by_keys = world.resolve(identity).is_ok_and(|c| c.is_root());
                    if !root_by_keys {
                        return Err(fail(
                            "RootUserRequired",
                            format!(
                                "Only the root user can view tax invoices from {}: aws-portal:ViewBilling lets IAM users and roles see AWS Europe's invoices only, and AWS keeps those of AWS Inc. and AISPL to the account owner.",
                                seller.legal_name()
                            ),
                        ));
                    }
                }
            }
            // The root user may read bills even in the post-closure period.
            if let Some(root) = root_console() {
                return Ok(root);
            }
            world.resolve(identity).map_err(|e| {
                let mut text = format!("Your credentials no longer work: {} ({})", e.message, e.code);
                if let Some(h) = &e.hint {
                    text.push('\n');
                    text.push_str(h);
                }
                fail(&e.code, text)
            })
        }
    }
}

/// A page of text, the answer of a console operation.
fn page(text: impl Into<String>) -> AwsResult<Value> {
    Ok(Value::String(text.into()))
}

fn change_root_password(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let (old, new) = (req_str(input, "CurrentPassword")?, req_str(input, "NewPassword")?);
    let account = call.account();
    let (name, email) = {
        let a = call.world.accounts.get(&account).expect("signed in to an existing account");
        (a.name.clone(), a.email.clone())
    };
    let root = &call.world.iam.accounts[&account].root;
    if root.password.as_deref() != Some(old) {
        return Err(fail("FailedAuthentication", "The current password is not correct."));
    }
    if let Err(why) = crate::iam::check_root_password(new, &name, &email) {
        return Err(fail("PasswordPolicyViolation", format!("The new password is not accepted: {why}.")));
    }
    call.world.iam.accounts.get_mut(&account).expect("exists").root.password = Some(new.to_string());
    page("The root user's password was changed.")
}

/// `console assign-root-mfa-device`: the console's "Assign MFA device" for the root user, the
/// only way AWS offers to enable one (rule ROOT-MFA-DEVICES).
fn assign_root_mfa_device(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let name = req_str(input, "DeviceName")?;
    let account = call.account();
    require_active(call.world, &account)?;
    let serial = signin::register_mfa_device(call, &account, name)?;
    page(format!(
        "Assigned the virtual MFA device {serial} to the root user (your authenticator app shows its codes: `mfa-code {serial}`)."
    ))
}

// ---------------------------------------------------------------- account, closure and billing

/// Refuses a change to an account that is closed: in the post-closure period its root user can
/// only reopen it, look at its bills and settings, or contact Support.
fn require_active(world: &World, account: &str) -> AwsResult<()> {
    let now = world.clock.now();
    let a = world.accounts.get(account).expect("signed in to an existing account");
    match a.status_at(now) {
        AccountStatus::Active => Ok(()),
        AccountStatus::Closed => Err(fail(
            "AccountClosed",
            format!("Account {account} is permanently closed: nothing can be changed in it any more."),
        )),
        status => Err(fail(
            "AccountClosed",
            format!(
                "Account {account} is closed ({}): reopen it first with `console reopen-account` (within 90 days of closing).",
                status.as_str()
            ),
        )),
    }
}

fn change_root_email(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let new = req_str(input, "NewEmail")?.to_string();
    let account = call.account();
    require_active(call.world, &account)?;
    check_new_email(call.world, &account, &new)?;
    let code = call.world.rng.digits(6);
    let now = call.now();
    let expires = now + crate::account::EMAIL_CODE_SECONDS;
    let a = call.world.accounts.by_id.get_mut(&account).expect("checked");
    let old = a.email.clone();
    a.pending_email = Some(PendingEmailChange { new_email: new.clone(), code: code.clone(), expires });
    call.world.send_mail(&new,
        "no-reply@verify.signin.aws",
        "AWS Email Address Verification Request",
        format!(
            "The root user of AWS account {account} asked to use this address as its email address.\nVerification code: {code}\nThe code works for 24 hours. (in rootsim: console confirm-root-email --code {code})\nIf you did not ask for this, ignore this email."
        ),
        Some(code),
    );
    page(format!(
        "A verification code was sent to {new} (read it with `mail {new}`). Enter it with `console confirm-root-email --code CODE` within 24 hours; until then the root email stays {old}."
    ))
}

/// The checks a new root email must pass: a plausible address of 5-64 characters, not the current
/// one, and not the root email of any other account, even a closed one
/// (<https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-root-user-email.html>).
fn check_new_email(world: &World, account: &str, new: &str) -> AwsResult<()> {
    if !(5..=64).contains(&new.chars().count()) || !crate::account::plausible_email(new) {
        return Err(fail("InvalidEmail", format!("'{new}' is not a valid email address (5 to 64 characters).")));
    }
    match world.accounts.by_email(new) {
        Some(a) if a.id == account => {
            Err(fail("InvalidEmail", format!("{new} is already this account's root email address.")))
        }
        Some(_) => Err(fail(
            "EmailAlreadyInUse",
            format!("Another AWS account already uses {new} as its root email address: an address can identify only one account (a closed account's address stays taken)."),
        )),
        None => Ok(()),
    }
}

fn confirm_root_email(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let code = req_str(input, "Code")?;
    let account = call.account();
    require_active(call.world, &account)?;
    let a = call.world.accounts.get(&account).expect("signed in to an existing account");
    let Some(pending) = &a.pending_email else {
        return Err(fail(
            "NoPendingEmailChange",
            "No root email change is waiting for a code: start one with `console change-root-email --new-email EMAIL`.",
        ));
    };
    if call.world.clock.now() >= pending.expires {
        return Err(fail(
            "ExpiredCode",
            "The verification code has expired: start again with `console change-root-email`.",
        ));
    }
    if pending.code != code {
        return Err(fail("InvalidCode", "The verification code is not correct."));
    }
    let new = pending.new_email.clone();
    // Another account may have taken the address since the code was sent.
    check_new_email(call.world, &account, &new)?;
    let a = call.world.accounts.by_id.get_mut(&account).expect("checked");
    let old = std::mem::replace(&mut a.email, new.clone());
    a.pending_email = None;
    call.world.send_mail(&old,
        "no-reply@aws.amazon.com",
        "Your AWS account's root email address was changed",
        format!("The root user's email address of AWS account {account} is now {new}. If you did not make this change, contact AWS Support."),
        None,
    );
    page(format!(
        "The root user's email address is now {new} (was {old}). Sign in as root with the new address from now on."
    ))
}

fn close_account(call: &mut Call, _: &Map<String, Value>) -> AwsResult<Value> {
    let account = call.account();
    require_active(call.world, &account)?;
    let now = call.now();
    if let Some(org) = call.world.organizations.of_account(&account) {
        if org.management_account == account {
            // Every member must be closed or removed first: AWS's procedure asks that no member
            // be active, every one showing Suspended in the Organizations console
            // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_close_management.html).
            // A member in its post-closure period (SUSPENDED) or closed for good (CLOSED) no
            // longer holds the management account back; one still PENDING_CLOSURE (its closure
            // not yet done) does (docs/rules.md ACCOUNT-CLOSE-MGMT-LAST).
            let open: Vec<String> = org
                .accounts
                .keys()
                .filter(|id| **id != account)
                .filter_map(|id| call.world.accounts.get(id))
                .filter(|a| !matches!(a.status_at(now), AccountStatus::Suspended | AccountStatus::Closed))
                .map(|a| format!("{} ({}) is {}", a.name, a.id, a.status_at(now).as_str()))
                .collect();
            if !open.is_empty() {
                return Err(fail(
                    "ManagementAccountHasMembers",
                    format!(
                        "This is the management account of organization {}: it can be closed only after every member account is closed (SUSPENDED) or removed. Not closed yet: {}.",
                        org.id,
                        open.join(", ")
                    ),
                ));
            }
        }
    }
    // SCPs bind a member's root user: one that denies account:CloseAccount stops it here. Asked
    // with `Call::decide`, which records nothing, rather than through `Call::authorize`, so that
    // `explain` keeps describing the last AWS call, as it always has after closing.
    let resource = crate::account::account_arn(&account);
    let record = call.decide(&AuthRequest::new(&call.caller, &call.region, "account:CloseAccount", &resource));
    if !record.decision.is_allowed() {
        return Err(fail("AccessDenied", record.denial_message()));
    }
    let a = call.world.accounts.by_id.get_mut(&account).expect("checked");
    a.status = AccountStatus::Suspended;
    a.closed_at = Some(now);
    a.closed_by_root = true;
    a.pending_email = None;
    let (name, email) = (a.name.clone(), a.email.clone());
    let until = format_cli(now + crate::account::POST_CLOSURE_SECONDS);
    call.world.send_mail(&email,
        "no-reply@aws.amazon.com",
        "Your AWS account is closed",
        format!("AWS account {name} ({account}) was closed by its root user. Until {until} the root user can sign in and reopen it; after that the closure is permanent and the account's content is deleted."),
        None,
    );
    page(format!(
        "Account {name} ({account}) is closed (SUSPENDED). Its users, roles and access keys no longer work. Until {until} (90 days) its root user can sign in and reopen it with `console reopen-account`; after that it is permanently closed. A confirmation went to {email}."
    ))
}

fn reopen_account(call: &mut Call, _: &Map<String, Value>) -> AwsResult<Value> {
    let account = call.account();
    let now = call.now();
    let a = call.world.accounts.get(&account).expect("signed in to an existing account");
    match a.status_at(now) {
        AccountStatus::Active | AccountStatus::PendingClosure => {
            return Err(fail("AccountNotClosed", format!("Account {account} is not closed.")))
        }
        AccountStatus::Closed => return Err(fail(
            "AccountPermanentlyClosed",
            format!(
                "Account {account} was closed on {} and its 90-day post-closure period is over: it is permanently closed and cannot be reopened, even by AWS Support. Its ID will never be reused.",
                a.closed_at.map(format_cli).unwrap_or_default()
            ),
        )),
        AccountStatus::Suspended if !a.closed_by_root => return Err(fail(
            "ReopenThroughSupport",
            format!("Account {account} was not closed by its root user (its organization or AWS closed it): only AWS Support can reopen it."),
        )),
        AccountStatus::Suspended => {}
    }
    let a = call.world.accounts.by_id.get_mut(&account).expect("checked");
    a.status = AccountStatus::Active;
    a.closed_at = None;
    a.closed_by_root = false;
    let (name, email) = (a.name.clone(), a.email.clone());
    call.world.send_mail(
        &email,
        "no-reply@aws.amazon.com",
        "Your AWS account was reopened",
        format!("AWS account {name} ({account}) was reopened by its root user. Billing resumes for its resources."),
        None,
    );
    page(format!(
        "Account {name} ({account}) is ACTIVE again: its users, roles and access keys work again, and billing resumes."
    ))
}

fn activate_iam_billing_access(call: &mut Call, _: &Map<String, Value>) -> AwsResult<Value> {
    let account = call.account();
    require_active(call.world, &account)?;
    if call.world.iam_billing_access(&account) {
        let why = if call.world.billing.iam_access_activated.contains_key(&account) {
            "the root user activated it earlier"
        } else {
            "on by default for an account its organization created"
        };
        return page(format!("IAM access to billing is already active in account {account} ({why})."));
    }
    let now = call.now();
    call.world.billing.iam_access_activated.insert(account.clone(), now);
    page(format!(
        "IAM access to billing is now active in account {account}. IAM users and roles see billing if their policies allow it (aws-portal:ViewBilling)."
    ))
}

/// Whose billing the caller may read, as the console decides it: the root user's always; an IAM
/// principal's only once IAM access is active, and then if the policy engine allows
/// `aws-portal:ViewBilling` (through [`Call::authorize`], so the decision is kept for `explain`).
fn billing_reader(call: &mut Call) -> AwsResult<String> {
    if call.caller.is_root() {
        return Ok(call.account());
    }
    if !call.world.iam_billing_access(&call.caller.account) {
        return Err(fail(
            "IamBillingAccessNotActivated",
            format!(
                "IAM access to billing is not activated in account {}: until its root user runs `console activate-iam-billing-access`, no IAM user or role sees billing, whatever its policies allow.",
                call.caller.account
            ),
        ));
    }
    call.authorize("aws-portal:ViewBilling", "*")?;
    Ok(call.account())
}

fn view_billing(call: &mut Call, _: &Map<String, Value>) -> AwsResult<Value> {
    let account = billing_reader(call)?;
    page(crate::billing::ops::bills_text(call.world, &account))
}

fn view_tax_invoices(call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    let seller = Seller::parse(req_str(input, "Seller")?).expect("the console's gate checked the seller");
    let account = billing_reader(call)?;
    let mut out = format!("Tax invoices from {} for account {account}:\n", seller.legal_name());
    for inv in crate::billing::invoices(&account, seller) {
        out.push_str(&format!("  {}  {}  {}\n", inv.period, inv.id, inv.amount()));
    }
    page(out.trim_end())
}

/// A root-only sign-up recorded on the account, in `field`; `done` says what it did.
fn root_signup(call: &mut Call, field: fn(&mut RootRegistrations) -> &mut Option<i64>, done: &str) -> AwsResult<Value> {
    let account = call.account();
    require_active(call.world, &account)?;
    let now = call.now();
    let a = call.world.accounts.by_id.get_mut(&account).expect("checked");
    let slot = field(&mut a.registrations);
    if let Some(at) = *slot {
        return page(format!("Account {account} already did this on {}: {done}", format_cli(at)));
    }
    *slot = Some(now);
    page(format!("Account {account}: {done} Only the root user could do this."))
}

fn govcloud_signup(call: &mut Call, _: &Map<String, Value>) -> AwsResult<Value> {
    root_signup(
        call,
        |r| &mut r.govcloud,
        "signed up for AWS GovCloud (US); a linked GovCloud account is being set up.",
    )
}

fn ri_marketplace_register(call: &mut Call, _: &Map<String, Value>) -> AwsResult<Value> {
    root_signup(call, |r| &mut r.ri_marketplace, "registered as a seller in the EC2 Reserved Instance Marketplace.")
}

fn mturk_link(call: &mut Call, _: &Map<String, Value>) -> AwsResult<Value> {
    root_signup(call, |r| &mut r.mturk, "linked to an Amazon Mechanical Turk requester account.")
}
