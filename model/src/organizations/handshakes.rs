//! Handshakes: invitations to join the organization and the migration to all features.
//!
//! An invitation (`INVITE`) goes from the management account to one account, named by ID or by
//! root email; only that account accepts or declines it, and the originator may cancel it while
//! it is open. Accepting puts the account under the root with `JoinedMethod` `INVITED`; nothing
//! else about it changes (its root user keeps its credentials,
//! <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html>).
//!
//! `EnableAllFeatures` sends one `ENABLE_ALL_FEATURES` handshake to every invited member (created
//! accounts approve implicitly, as AWS says). It stays `REQUESTED` until every one of them has
//! accepted, becomes `OPEN`, and the management account then accepts it to finalize: the
//! organization has all features. Any member declining ends the migration. With no invited
//! member the migration completes at once (docs/rules.md, ORG-ENABLE-ALL-FEATURES).

use super::lifecycle::{accounts_counted, MAX_ACCOUNTS};
use super::ops::{authorize, invalid_input, org_of, Input};
use super::{FeatureSet, Handshake, HandshakeAction, HandshakeState, JoinedMethod, Organization};
use crate::error::{AwsError, AwsResult};
use crate::service::{opt_str, req_str, Call};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Invitations expire after 15 days (Organizations quotas page).
const INVITE_LIFETIME: i64 = 15 * 86_400;
/// An all-features request expires after 90 days (AWS's Handshake documentation).
const ENABLE_ALL_FEATURES_LIFETIME: i64 = 90 * 86_400;

/// A handshake as the handshake operations print it, in its state at `now`.
fn handshake_json(h: &Handshake, now: i64) -> Value {
    let mut parties = vec![json!({ "Id": h.org_id, "Type": "ORGANIZATION" })];
    parties.extend(h.recipients.iter().map(|(id, kind)| json!({ "Id": id, "Type": kind })));
    let mut resources = vec![json!({
        "Value": h.org_id,
        "Type": "ORGANIZATION",
        "Resources": [
            { "Value": h.master_email, "Type": "MASTER_EMAIL" },
            { "Value": h.master_name, "Type": "MASTER_NAME" },
            { "Value": h.feature_set.as_str(), "Type": "ORGANIZATION_FEATURE_SET" },
        ],
    })];
    resources.extend(h.recipients.iter().map(|(id, kind)| json!({ "Value": id, "Type": kind })));
    if let Some(n) = &h.notes {
        resources.push(json!({ "Value": n, "Type": "NOTES" }));
    }
    json!({
        "Id": h.id,
        "Arn": h.arn(),
        "Parties": parties,
        "State": h.state_at(now).as_str(),
        "RequestedTimestamp": crate::clock::format_cli(h.requested),
        "ExpirationTimestamp": crate::clock::format_cli(h.expires),
        "Action": h.action.as_str(),
        "Resources": resources,
    })
}

fn constraint(reason: &str, message: &str) -> AwsError {
    AwsError::new("HandshakeConstraintViolationException", 400, message.to_string())
        .with_hint(format!("  Reason: {reason}"))
}

fn not_found() -> AwsError {
    AwsError::new(
        "HandshakeNotFoundException",
        400,
        "We can't find a handshake with the HandshakeId that you specified.",
    )
}

fn bad_transition() -> AwsError {
    AwsError::new(
        "InvalidHandshakeTransitionException",
        400,
        "You can't perform the operation on the handshake in its current state.",
    )
}

fn already_in_state() -> AwsError {
    AwsError::new("HandshakeAlreadyInStateException", 400, "The specified handshake is already in the requested state.")
}

/// A new handshake's fixed parts.
fn new_handshake(
    call: &mut Call,
    org: &Organization,
    action: HandshakeAction,
    recipients: Vec<(String, String)>,
) -> Handshake {
    let now = call.now();
    let id = format!("h-{}", call.world.rng.lower_alnum(10));
    let master = call.world.accounts.get(&org.management_account);
    let lifetime = if action == HandshakeAction::Invite { INVITE_LIFETIME } else { ENABLE_ALL_FEATURES_LIFETIME };
    Handshake {
        id,
        org_id: org.id.clone(),
        management_account: org.management_account.clone(),
        action,
        recipients,
        state: HandshakeState::Open,
        approvals: BTreeSet::new(),
        requested: now,
        expires: now + lifetime,
        notes: None,
        master_email: master.map(|a| a.email.clone()).unwrap_or_default(),
        master_name: master.map(|a| a.name.clone()).unwrap_or_default(),
        feature_set: org.feature_set,
    }
}

/// Whether the organization is migrating to all features.
fn migration_pending(call: &Call, org: &Organization) -> bool {
    let now = call.now();
    call.world
        .organizations
        .handshakes
        .values()
        .any(|h| h.org_id == org.id && h.action == HandshakeAction::EnableAllFeatures && h.is_pending(now))
}

pub(super) fn invite_account_to_organization(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let target = input.get("Target").and_then(Value::as_object).cloned().unwrap_or_default();
    let id = req_str(&target, "Id")?.to_string();
    let kind = req_str(&target, "Type")?.to_string();
    let notes = opt_str(input, "Notes").map(str::to_string);
    let account = match kind.as_str() {
        "ACCOUNT" => {
            if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid_input("INVALID_PATTERN_TARGET_ID", format!("{id} is not a 12-digit account ID.")));
            }
            call.world.accounts.get(&id).map(|a| a.id.clone())
        }
        "EMAIL" => {
            if !crate::account::plausible_email(&id) {
                return Err(invalid_input(
                    "INVALID_EMAIL_ADDRESS_TARGET",
                    format!("{id} is not a valid email address."),
                ));
            }
            call.world.accounts.by_email(&id).map(|a| a.id.clone())
        }
        other => {
            return Err(invalid_input(
                "INVALID_PARTY_TYPE_TARGET",
                format!("You can invite an ACCOUNT or an EMAIL, not {other}."),
            ))
        }
    };
    if notes.as_ref().is_some_and(|n| n.chars().count() > 1024) {
        return Err(invalid_input("MAX_LENGTH_EXCEEDED", "The notes are longer than 1024 characters."));
    }
    authorize(call, "organizations:InviteAccountToOrganization", "*")?;
    if migration_pending(call, &org) {
        return Err(constraint(
            "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES",
            "You can't invite accounts while the organization is migrating to all features.",
        ));
    }
    if let Some(a) = &account {
        if call.world.organizations.of_account(a).is_some() {
            return Err(constraint(
                "ALREADY_IN_AN_ORGANIZATION",
                "The invited account is already a member of an organization.",
            ));
        }
    }
    let now = call.now();
    let same = |h: &Handshake| {
        h.org_id == org.id
            && h.action == HandshakeAction::Invite
            && h.is_pending(now)
            && h.recipients.iter().any(|(rid, _)| rid.eq_ignore_ascii_case(&id))
    };
    if call.world.organizations.handshakes.values().any(same) {
        return Err(AwsError::new(
            "DuplicateHandshakeException",
            400,
            "A handshake with the same action and target already exists.",
        ));
    }
    if accounts_counted(call, &org) >= MAX_ACCOUNTS {
        return Err(constraint(
            "ACCOUNT_NUMBER_LIMIT_EXCEEDED",
            "You attempted to exceed the number of accounts in the organization (invitations count).",
        ));
    }
    let mut h = new_handshake(call, &org, HandshakeAction::Invite, vec![(id, kind)]);
    h.notes = notes;
    let out = json!({ "Handshake": handshake_json(&h, now) });
    call.world.organizations.handshakes.insert(h.id.clone(), h);
    Ok(out)
}

pub(super) fn enable_all_features(call: &mut Call, _: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    authorize(call, "organizations:EnableAllFeatures", "*")?;
    if org.feature_set == FeatureSet::All {
        return Err(constraint(
            "ORGANIZATION_ALREADY_HAS_ALL_FEATURES",
            "This organization already has all features enabled.",
        ));
    }
    if migration_pending(call, &org) {
        return Err(constraint(
            "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION",
            "This organization is already migrating to all features.",
        ));
    }
    // Created accounts approve implicitly; invited members must accept.
    let recipients: Vec<(String, String)> = org
        .accounts
        .iter()
        .filter(|(id, m)| m.joined_method == JoinedMethod::Invited && **id != org.management_account)
        .map(|(id, _)| (id.clone(), "ACCOUNT".to_string()))
        .collect();
    let mut h = new_handshake(call, &org, HandshakeAction::EnableAllFeatures, recipients);
    if h.recipients.is_empty() {
        h.state = HandshakeState::Accepted;
        super::ops::org_mut(call).feature_set = FeatureSet::All;
    } else {
        h.state = HandshakeState::Requested;
    }
    let out = json!({ "Handshake": handshake_json(&h, call.now()) });
    call.world.organizations.handshakes.insert(h.id.clone(), h);
    Ok(out)
}

/// The caller's root email.
fn caller_email(call: &Call) -> String {
    call.world.accounts.get(&call.caller.account).map(|a| a.email.clone()).unwrap_or_default()
}

/// Whether the caller may see the handshake: a recipient, or the originating management account.
fn visible(call: &Call, h: &Handshake) -> bool {
    call.caller.account == h.management_account || h.is_recipient(&call.caller.account, &caller_email(call))
}

/// The resource to authorize on: the handshake's ARN names the management account, so a
/// recipient outside it is authorized on `*` in its own account rather than cross-account.
fn resource(call: &Call, h: &Handshake) -> String {
    if call.caller.account == h.management_account {
        h.arn()
    } else {
        "*".to_string()
    }
}

fn handshake_of(call: &Call, input: &Input) -> AwsResult<Handshake> {
    let id = req_str(input, "HandshakeId")?;
    let h = call.world.organizations.handshakes.get(id).filter(|h| visible(call, h)).ok_or_else(not_found)?;
    Ok(h.clone())
}

fn action_filter(input: &Input) -> AwsResult<Option<HandshakeAction>> {
    let Some(filter) = input.get("Filter").and_then(Value::as_object) else { return Ok(None) };
    match opt_str(filter, "ActionType") {
        None => Ok(None),
        Some("INVITE") => Ok(Some(HandshakeAction::Invite)),
        Some("ENABLE_ALL_FEATURES") => Ok(Some(HandshakeAction::EnableAllFeatures)),
        Some(other) => Err(invalid_input(
            "INVALID_ENUM",
            format!("rootsim models the handshake actions INVITE and ENABLE_ALL_FEATURES, not {other}."),
        )),
    }
}

fn listed(call: &Call, action: Option<HandshakeAction>, keep: impl Fn(&Handshake) -> bool) -> Vec<Value> {
    let now = call.now();
    let mut list: Vec<&Handshake> = call
        .world
        .organizations
        .handshakes
        .values()
        .filter(|h| action.is_none_or(|a| a == h.action) && keep(h))
        .collect();
    list.sort_by(|a, b| (a.requested, &a.id).cmp(&(b.requested, &b.id)));
    list.into_iter().map(|h| handshake_json(h, now)).collect()
}

pub(super) fn list_handshakes_for_organization(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let action = action_filter(input)?;
    authorize(call, "organizations:ListHandshakesForOrganization", "*")?;
    let list = listed(call, action, |h| h.org_id == org.id);
    Ok(json!({ "Handshakes": list }))
}

pub(super) fn list_handshakes_for_account(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let action = action_filter(input)?;
    authorize(call, "organizations:ListHandshakesForAccount", "*")?;
    let (account, email) = (call.caller.account.clone(), caller_email(call));
    let list = listed(call, action, |h| {
        h.is_recipient(&account, &email)
            || (h.action == HandshakeAction::EnableAllFeatures && h.management_account == account)
    });
    Ok(json!({ "Handshakes": list }))
}

pub(super) fn describe_handshake(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let h = handshake_of(call, input)?;
    authorize(call, "organizations:DescribeHandshake", &resource(call, &h))?;
    Ok(json!({ "Handshake": handshake_json(&h, call.now()) }))
}

pub(super) fn accept_handshake(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let mut h = handshake_of(call, input)?;
    authorize(call, "organizations:AcceptHandshake", &resource(call, &h))?;
    let now = call.now();
    let account = call.caller.account.clone();
    let recipient = h.is_recipient(&account, &caller_email(call));
    let state = h.state_at(now);
    if state == HandshakeState::Accepted || (recipient && h.approvals.contains(&account)) {
        return Err(already_in_state());
    }
    if !h.is_pending(now) {
        return Err(bad_transition());
    }
    // The handshake's organization still exists: deleting it removes its handshakes.
    let org = call.world.organizations.org.clone().filter(|o| o.id == h.org_id).ok_or_else(not_found)?;
    match h.action {
        HandshakeAction::Invite => {
            if !recipient {
                // Only the invited account answers an invitation; the originator may cancel it.
                return Err(bad_transition());
            }
            if call.world.organizations.of_account(&account).is_some() {
                return Err(constraint(
                    "ALREADY_IN_AN_ORGANIZATION",
                    "The account is already a member of an organization.",
                ));
            }
            if org.feature_set == FeatureSet::All {
                super::ops::service_linked_role_checked(call)?;
            }
            h.state = HandshakeState::Accepted;
            h.approvals.insert(account.clone());
            super::ops::org_mut(call).join(&account, JoinedMethod::Invited, now);
        }
        HandshakeAction::EnableAllFeatures if recipient => {
            h.approvals.insert(account);
            if h.recipients.iter().all(|(id, _)| h.approvals.contains(id)) {
                h.state = HandshakeState::Open;
            }
        }
        HandshakeAction::EnableAllFeatures => {
            // The management account finalizes once every invited member approved.
            if account != org.management_account || state != HandshakeState::Open {
                return Err(bad_transition());
            }
            h.state = HandshakeState::Accepted;
            super::ops::org_mut(call).feature_set = FeatureSet::All;
        }
    }
    let out = json!({ "Handshake": handshake_json(&h, now) });
    call.world.organizations.handshakes.insert(h.id.clone(), h);
    Ok(out)
}

pub(super) fn decline_handshake(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let mut h = handshake_of(call, input)?;
    authorize(call, "organizations:DeclineHandshake", &resource(call, &h))?;
    let now = call.now();
    if h.state_at(now) == HandshakeState::Declined {
        return Err(already_in_state());
    }
    if !h.is_pending(now) || !h.is_recipient(&call.caller.account, &caller_email(call)) {
        return Err(bad_transition());
    }
    h.state = HandshakeState::Declined;
    let out = json!({ "Handshake": handshake_json(&h, now) });
    call.world.organizations.handshakes.insert(h.id.clone(), h);
    Ok(out)
}

pub(super) fn cancel_handshake(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let mut h = handshake_of(call, input)?;
    authorize(call, "organizations:CancelHandshake", &resource(call, &h))?;
    let now = call.now();
    if h.state_at(now) == HandshakeState::Canceled {
        return Err(already_in_state());
    }
    if !h.is_pending(now) || call.caller.account != h.management_account {
        return Err(bad_transition());
    }
    h.state = HandshakeState::Canceled;
    let out = json!({ "Handshake": handshake_json(&h, now) });
    call.world.organizations.handshakes.insert(h.id.clone(), h);
    Ok(out)
}
