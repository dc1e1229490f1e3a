//! The organization's lifecycle: creating and deleting the organization, creating member
//! accounts (`CreateAccount` and its request statuses), and accounts leaving it
//! (`RemoveAccountFromOrganization`, `LeaveOrganization`) or being closed by the organization
//! (`CloseAccount`).
//!
//! `CreateAccount` is asynchronous in AWS. rootsim creates the account at once, so that the next
//! command sees it, but answers the create call as AWS does, with the request `IN_PROGRESS`;
//! `DescribeCreateAccountStatus` then reports `SUCCEEDED` (or `FAILED` with AWS's reason), with
//! the completion time equal to the request time, since the simulated clock does not move by
//! itself (docs/rules.md, ORG-CREATE-ACCOUNT).

use super::ops::{
    account_not_found, authorize, constraint, invalid_input, not_in_use, org_denied, org_mut, org_of,
    organization_json, Input,
};
use super::{CreateAccountState, CreateAccountStatus, FeatureSet, JoinedMethod, Organization};
use crate::account::{
    close_quota, AccountStatus, CLOSE_QUOTA_WINDOW_SECONDS, MAX_CLOSURES_IN_PROGRESS, PENDING_CLOSURE_SECONDS,
    SERVICE_PRINCIPAL,
};
use crate::error::{AwsError, AwsResult};
use crate::service::{opt_str, req_str, Call};
use serde_json::{json, Value};

/// The default number of accounts an organization may hold, invitations included (Organizations
/// quotas page).
pub(super) const MAX_ACCOUNTS: usize = 10;

/// A created account must be this old before it can leave (Organizations quotas page: 7 days).
const MIN_AGE_TO_LEAVE: i64 = 7 * 86_400;

/// A `CreateAccountStatus` as the create-account operations print it.
fn status_json(s: &CreateAccountStatus) -> Value {
    let mut v = json!({
        "Id": s.id,
        "AccountName": s.account_name,
        "State": s.state.as_str(),
        "RequestedTimestamp": crate::clock::format_cli(s.requested),
    });
    if let Some(t) = s.completed {
        v["CompletedTimestamp"] = json!(crate::clock::format_cli(t));
    }
    if let Some(id) = &s.account_id {
        v["AccountId"] = json!(id);
    }
    if let Some(r) = &s.failure_reason {
        v["FailureReason"] = json!(r);
    }
    v
}

pub(super) fn create_organization(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let feature_set = match opt_str(input, "FeatureSet").unwrap_or("ALL") {
        "ALL" => FeatureSet::All,
        "CONSOLIDATED_BILLING" => FeatureSet::ConsolidatedBilling,
        other => {
            return Err(invalid_input(
                "INVALID_ENUM",
                format!("You specified an invalid value: {other} is not ALL or CONSOLIDATED_BILLING."),
            ))
        }
    };
    let account = call.account();
    if call.world.organizations.of_account(&account).is_some() {
        return Err(AwsError::new(
            "AlreadyInOrganizationException",
            400,
            "This account is already a member of an organization.",
        ));
    }
    authorize(call, "organizations:CreateOrganization", "*")?;
    if feature_set == FeatureSet::All {
        super::ops::service_linked_role_checked(call)?;
    }
    if call.world.organizations.org.is_some() {
        // A simulator limit, not AWS's: the world holds one organization (docs/rules.md).
        return Err(constraint(
            "ROOTSIM_ONE_ORGANIZATION_PER_WORLD",
            "rootsim simulates one organization per world, and this world already has one: delete it first.",
        ));
    }
    let now = call.now();
    let id = format!("o-{}", call.world.rng.lower_alnum(10));
    let root_id = format!("r-{}", call.world.rng.lower_alnum(4));
    let mut org = Organization::new(id, feature_set, account.clone(), root_id);
    // AWS lists the management account as INVITED.
    org.join(&account, JoinedMethod::Invited, now);
    // An organization with all features starts with SCPs enabled in its root, FullAWSAccess
    // attached (rule ORG-CREATE-ORGANIZATION).
    if feature_set == FeatureSet::All {
        super::policies::enable_type(&mut org, "SERVICE_CONTROL_POLICY".to_string());
    }
    let out = json!({ "Organization": organization_json(call, &org) });
    call.world.organizations.org = Some(org);
    Ok(out)
}

pub(super) fn delete_organization(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    // No resource type (rule EVAL-NO-RESOURCE-STAR).
    authorize(call, "organizations:DeleteOrganization", "*")?;
    if org.accounts.len() > 1 {
        return Err(AwsError::new(
            "OrganizationNotEmptyException",
            400,
            "To delete an organization you must first remove all member accounts (except the management account).",
        ));
    }
    let orgs = &mut call.world.organizations;
    orgs.org = None;
    orgs.handshakes.retain(|_, h| h.org_id != org.id);
    orgs.create_account_statuses.clear();
    orgs.billing_access_denied.clear();
    Ok(Value::Null)
}

/// Accounts in the organization plus open invitations: what the account quota counts.
pub(super) fn accounts_counted(call: &Call, org: &Organization) -> usize {
    let now = call.now();
    org.accounts.len()
        + call
            .world
            .organizations
            .handshakes
            .values()
            .filter(|h| h.org_id == org.id && h.action == super::HandshakeAction::Invite && h.is_pending(now))
            .count()
}

fn check_account_name(name: &str) -> AwsResult<()> {
    if name.is_empty() || name.chars().count() > 50 || !name.chars().all(|c| (' '..='~').contains(&c)) {
        return Err(invalid_input("INVALID_PATTERN", "The account name must be 1 to 50 printable ASCII characters."));
    }
    Ok(())
}

pub(super) fn create_account(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let email = req_str(input, "Email")?;
    let name = req_str(input, "AccountName")?;
    let role_name = opt_str(input, "RoleName").unwrap_or("OrganizationAccountAccessRole");
    let billing = opt_str(input, "IamUserAccessToBilling").unwrap_or("ALLOW");
    if email.len() < 6 || email.len() > 64 || !crate::account::plausible_email(email) {
        return Err(invalid_input("INVALID_PATTERN", format!("The email address {email} is not valid.")));
    }
    check_account_name(name)?;
    crate::service::check_name("RoleName", role_name, 64).map_err(|_| {
        invalid_input("INVALID_ROLE_NAME", format!("You provided a role name that isn't valid: {role_name}."))
    })?;
    if billing != "ALLOW" && billing != "DENY" {
        return Err(invalid_input(
            "INVALID_ENUM",
            format!("You specified an invalid value: {billing} is not ALLOW or DENY."),
        ));
    }
    let tags = super::tags::request_tags(input)?;
    super::tags::authorize_tagging(call, &org, "organizations:CreateAccount", "*", &tags)?;
    let now = call.now();
    let id = format!("car-{}", call.world.rng.lower_alnum(32));
    let mut status = CreateAccountStatus {
        id,
        account_name: name.to_string(),
        state: CreateAccountState::Succeeded,
        requested: now,
        completed: Some(now),
        account_id: None,
        failure_reason: None,
    };
    // AWS reports these failures in the request's status, not as an error of the call.
    let failure = if call.world.accounts.by_email(email).is_some() {
        Some("EMAIL_ALREADY_EXISTS")
    } else if accounts_counted(call, &org) >= MAX_ACCOUNTS {
        Some("ACCOUNT_LIMIT_EXCEEDED")
    } else {
        None
    };
    if let Some(reason) = failure {
        status.state = CreateAccountState::Failed;
        status.failure_reason = Some(reason.to_string());
    } else {
        // Created accounts have no root password
        // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html): the
        // person at the root email gets in through password recovery, which centralized root
        // access may gate.
        let account = call.world.add_account(name, email, None);
        let now = call.world.clock.now();
        let role =
            crate::iam::Role::organization_access_role(&mut call.world.rng, now, role_name, &org.management_account);
        call.world
            .iam
            .accounts
            .get_mut(&account)
            .expect("just added")
            .roles
            .insert(role_name.to_ascii_lowercase(), role);
        // Organizations, not the caller, creates the role: the member's history shows a service.
        let params = json!({ "RoleName": role_name, "Path": "/" });
        let params = params.as_object().cloned().unwrap_or_default();
        call.world.record_service_call(&account, "organizations.amazonaws.com", "iam", "CreateRole", &params);
        if billing == "DENY" {
            call.world.organizations.billing_access_denied.insert(account.clone());
        }
        let o = org_mut(call);
        o.join(&account, JoinedMethod::Created, now);
        super::tags::store_tags(o, &account, &tags)?;
        status.account_id = Some(account);
    }
    let answer = CreateAccountStatus {
        state: CreateAccountState::InProgress,
        completed: None,
        account_id: None,
        failure_reason: None,
        ..status.clone()
    };
    call.world.organizations.create_account_statuses.push(status);
    Ok(json!({ "CreateAccountStatus": status_json(&answer) }))
}

pub(super) fn describe_create_account_status(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let _ = org_of(call, true)?;
    let id = req_str(input, "CreateAccountRequestId")?;
    let found = call.world.organizations.create_account_statuses.iter().find(|s| s.id == id).cloned();
    let Some(status) = found else {
        return Err(AwsError::new(
            "CreateAccountStatusNotFoundException",
            400,
            "We can't find an create account request with the CreateAccountRequestId that you specified.",
        ));
    };
    authorize(call, "organizations:DescribeCreateAccountStatus", "*")?;
    Ok(json!({ "CreateAccountStatus": status_json(&status) }))
}

pub(super) fn list_create_account_status(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let _ = org_of(call, true)?;
    let states: Vec<String> = input
        .get("States")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if let Some(bad) = states.iter().find(|s| !["IN_PROGRESS", "SUCCEEDED", "FAILED"].contains(&s.as_str())) {
        return Err(invalid_input(
            "INVALID_ENUM",
            format!("You specified an invalid value: {bad} is not IN_PROGRESS, SUCCEEDED or FAILED."),
        ));
    }
    authorize(call, "organizations:ListCreateAccountStatus", "*")?;
    let list: Vec<Value> = call
        .world
        .organizations
        .create_account_statuses
        .iter()
        .filter(|s| states.is_empty() || states.iter().any(|t| t == s.state.as_str()))
        .map(status_json)
        .collect();
    Ok(json!({ "CreateAccountStatuses": list }))
}

/// What stops `account` from leaving, in AWS's terms
/// (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_LeaveOrganization.html>).
fn departure_checked(call: &Call, org: &Organization, account: &str) -> AwsResult<()> {
    if account == org.management_account {
        return Err(AwsError::new(
            "MasterCannotLeaveOrganizationException",
            400,
            "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.",
        ));
    }
    if org.delegated_admins.values().any(|a| a.contains(account)) {
        return Err(constraint(
            "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG",
            "You can't remove an account that is a delegated administrator: deregister it first.",
        ));
    }
    let m = &org.accounts[account];
    let created = call.world.accounts.get(account).map_or(m.joined, |a| a.created);
    if m.joined_method == JoinedMethod::Created && call.now() - created < MIN_AGE_TO_LEAVE {
        return Err(constraint(
            "WAIT_PERIOD_ACTIVE",
            "An account created in the organization can leave it only 7 days after it was created.",
        ));
    }
    Ok(())
}

/// Takes `account` out of the organization: its place in the tree, its attachments and its
/// billing setting go; its IAM principals, roles and root user stay as they are.
fn depart(call: &mut Call, account: &str) {
    call.world.organizations.billing_access_denied.remove(account);
    // A departing member no longer has to approve a pending all-features migration.
    let now = call.now();
    for h in call.world.organizations.handshakes.values_mut() {
        if h.action == super::HandshakeAction::EnableAllFeatures && h.is_pending(now) {
            h.recipients.retain(|(id, _)| id != account);
            if h.recipients.iter().all(|(id, _)| h.approvals.contains(id)) {
                h.state = super::HandshakeState::Open;
            }
        }
    }
    let org = org_mut(call);
    org.accounts.remove(account);
    org.tags.remove(account);
    org.attachments.remove(account);
}

pub(super) fn remove_account_from_organization(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let account = req_str(input, "AccountId")?;
    if !org.accounts.contains_key(account) {
        return Err(account_not_found());
    }
    authorize(call, "organizations:RemoveAccountFromOrganization", &org.account_arn(account))?;
    departure_checked(call, &org, account)?;
    depart(call, account);
    Ok(Value::Null)
}

pub(super) fn leave_organization(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_of(call, false)?;
    let account = call.account();
    authorize(call, "organizations:LeaveOrganization", "*")?;
    departure_checked(call, &org, &account)?;
    depart(call, &account);
    Ok(Value::Null)
}

/// `organizations close-account --account-id`: the management account (or the Account Management
/// delegated administrator) closes a member of its all-features organization
/// (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_CloseAccount.html>). The
/// member is `PENDING_CLOSURE` for [`PENDING_CLOSURE_SECONDS`], then `SUSPENDED` for the same
/// 90-day post-closure period as a console closure ([`crate::account::Account::status_at`]); it
/// was not closed by its root, so it cannot reopen itself.
pub(super) fn close_account(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = call.world.organizations.of_account(&call.caller.account).cloned().ok_or_else(not_in_use)?;
    let caller = call.account();
    // The Account Management delegated administrator closes members too (IAM User Guide; the
    // mechanism is rootsim's assumption, docs/rules.md ORG-CLOSE-ACCOUNT-DA), while trusted
    // access for it stays on.
    let delegated = org.is_account_delegated_admin(&caller) && org.service_access.contains(SERVICE_PRINCIPAL);
    if org.management_account != caller && !delegated {
        return Err(org_denied());
    }
    let id = req_str(input, "AccountId")?.to_string();
    // Evaluated in the caller's account, as Account Management's calls are (see `authorize`):
    // the member's ARN names the management account.
    call.authorize_owned("organizations:CloseAccount", &org.account_arn(&id), &caller, None)
        .map_err(|e| AwsError { code: "AccessDeniedException".into(), ..e })?;
    if org.feature_set != FeatureSet::All {
        // Only an all-features organization closes members
        // (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CloseAccount.html); the
        // wire error is a simulator assumption.
        return Err(AwsError::new("AccessDeniedException", 403, "Closing member accounts requires an organization with all features enabled.")
            .with_hint("  (rootsim) In a consolidated-billing-only organization only the member's root user can close it (console close-account)."));
    }
    let now = call.now();
    let Some(target) = call.world.accounts.get(&id).filter(|_| org.accounts.contains_key(&id)) else {
        return Err(AwsError::new("AccountNotFoundException", 400, "You specified an account that doesn't exist."));
    };
    if id == org.management_account {
        return Err(constraint(
            "CANNOT_CLOSE_MANAGEMENT_ACCOUNT",
            "You attempted to close the management account. Close it as its root user after every member is closed or removed.",
        ));
    }
    if target.status_at(now) != AccountStatus::Active {
        return Err(AwsError::new(
            "AccountAlreadyClosedException",
            400,
            "You attempted to close an account that is already closed.",
        ));
    }
    // Closures made by this operation, counted from when each was requested.
    let requested: Vec<(i64, AccountStatus)> = org
        .accounts
        .keys()
        .filter_map(|m| call.world.accounts.get(m))
        .filter(|a| !a.closed_by_root)
        .filter_map(|a| a.closed_at.map(|at| (at - PENDING_CLOSURE_SECONDS, a.status_at(now))))
        .collect();
    if requested.iter().filter(|(_, s)| *s == AccountStatus::PendingClosure).count() >= MAX_CLOSURES_IN_PROGRESS {
        return Err(constraint(
            "CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED",
            "You attempted to exceed the number of accounts that you can close at a time.",
        ));
    }
    let members = org.accounts.len().saturating_sub(1);
    if requested.iter().filter(|(at, _)| now - at < CLOSE_QUOTA_WINDOW_SECONDS).count() >= close_quota(members) {
        return Err(constraint(
            "CLOSE_ACCOUNT_QUOTA_EXCEEDED",
            "You have exceeded close account quota for the past 30 days.",
        ));
    }
    let a = call.world.accounts.by_id.get_mut(&id).expect("checked");
    a.status = AccountStatus::Suspended;
    a.closed_at = Some(now + PENDING_CLOSURE_SECONDS);
    a.closed_by_root = false;
    a.pending_email = None;
    Ok(Value::Null)
}
