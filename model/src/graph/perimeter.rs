//! The organization's resource perimeter in `who-can`'s exposure: what the resource owner's RCPs
//! leave of a resource policy's opening to callers beyond the world's principals
//! (GRAPH-EXPOSURE-RCP).
//!
//! A resource policy that allows `"*"` opens a request to callers rootsim has no principal for:
//! anyone, any AWS account, another organization's principals. RCPs apply to every request made
//! to a governed account's resources, whoever makes it, so an RCP that denies requests from
//! outside the organization closes such an opening whatever the resource policy says. There is
//! no real caller to decide for, so each opening is decided for one caller that stands for it (an
//! anonymous request, a user of an account outside the world, a user of the named account or of
//! the named organization), holding any permission in its own account: only the RCPs and the
//! resource policy's own Deny statements can then deny it. An RCP Deny that matched on what
//! that caller stands for (its principal and the resource's organization keys) closes the
//! opening; one that also tested a key the stand-in does not carry as a real request would
//! (`aws:SourceIp`, a resource tag) only limits it, and is named as a limit.

use crate::auth::{AuthRequest, Authorizer, Caller};
use crate::caller::CallerKind;
use crate::World;
use rootsim_policy::{Effect, Layer, Outcome, Policy, Principal, PrincipalKind};

/// Who an opening is to, as `exposure` classifies its statement.
#[derive(Debug, Clone)]
pub(super) enum Opening {
    /// Unsigned requests as well as signed ones.
    Anyone,
    /// Any signed request, from any account.
    AnyAccount,
    /// Principals of these organizations (`aws:PrincipalOrgID`).
    Organizations(Vec<String>),
    /// Principals of these accounts (`aws:PrincipalAccount`).
    Accounts(Vec<String>),
}

/// What the RCPs make of one opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    /// No RCP denies the stand-in caller.
    Open,
    /// An RCP denies it on what the stand-in stands for: the statements that did.
    Closed(Vec<String>),
    /// An RCP denies it, but on a key the stand-in does not carry as a real caller would: the
    /// statements, as limits.
    Limited(Vec<String>),
}

/// Condition keys whose value the stand-in caller sets as every caller it stands for would:
/// who is calling (an anonymous request carries none of them), and the resource's own
/// organization keys, which the world knows.
fn decided_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("aws:principal")
        || key == "aws:userid"
        || key == "aws:username"
        || key == "aws:resourceaccount"
        || key == "aws:resourceorgid"
        || key == "aws:resourceorgpaths"
}

/// An account ID that no account of `world` has: the stand-in's own account for "any AWS
/// account" and for another organization's principals.
fn outside_account(world: &World) -> String {
    (0u64..)
        .map(|n| format!("{:012}", 999_999_999_999 - n))
        .find(|id| !world.accounts.by_id.contains_key(id) && !world.iam.accounts.contains_key(id))
        .expect("some twelve-digit ID is free")
}

/// A signed-in IAM user `outsider` of `account` holding any permission (`granted`), which no IAM
/// of the world knows: the stand-in for a principal beyond the world.
fn outsider(account: &str, granted: &Policy) -> Caller {
    let arn = format!("arn:aws:iam::{account}:user/outsider");
    let mut caller = Caller::anonymous();
    caller.account = account.to_string();
    caller.kind = CallerKind::User { key: "outsider".into() };
    caller.principal = Principal {
        kind: PrincipalKind::User,
        arn: arn.clone(),
        principal_arn: arn,
        account: account.to_string(),
        service_linked_role: false,
    };
    caller.user_id = "AIDAOUTSIDEROFTHEWORLD".into();
    caller.username = Some("outsider".into());
    caller.granted = Some(granted.clone());
    caller
}

/// The stand-in callers of `opening` (each with the request's extra keys), or none when every
/// caller it stands for is a principal of the world, which `who-can`'s own decisions cover.
fn stand_ins(world: &World, opening: &Opening, granted: &Policy) -> Vec<(Caller, Vec<(String, String)>)> {
    let own_org = world.organizations.org.as_ref().map(|o| o.id.as_str());
    match opening {
        Opening::Anyone => vec![(Caller::anonymous(), Vec::new())],
        Opening::AnyAccount => vec![(outsider(&outside_account(world), granted), Vec::new())],
        Opening::Organizations(orgs) => orgs
            .iter()
            .filter(|o| Some(o.as_str()) != own_org)
            .map(|o| (outsider(&outside_account(world), granted), vec![("aws:PrincipalOrgID".to_string(), o.clone())]))
            .collect(),
        Opening::Accounts(accounts) => accounts
            .iter()
            .filter(|a| !world.iam.accounts.contains_key(a.as_str()))
            .map(|a| (outsider(a, granted), Vec::new()))
            .collect(),
    }
}

/// The RCP statement `index` of the policy named `name` (its ARN) that governs `owner`.
fn rcp_statement_keys(world: &World, owner: &str, name: &str, index: usize) -> Option<Vec<String>> {
    let org = world.organizations.of_account(owner)?;
    let levels = org.levels(owner, "RESOURCE_CONTROL_POLICY")?;
    let (_, policy) = levels.into_iter().flatten().find(|(arn, _)| arn == name)?;
    let statement = policy.statements().nth(index)?;
    Some(statement.conditions().map(|c| c.key().to_string()).collect())
}

/// What the RCPs governing `owner` make of `opening` of `action` on `resource`, decided through
/// `auth` for each stand-in caller: closed only when every stand-in is denied on keys it decides.
pub(super) fn verdict(
    world: &World,
    auth: &Authorizer,
    opening: &Opening,
    (action, resource, owner): (&str, &str, &str),
    granted: &Policy,
) -> Verdict {
    let region = rootsim_policy::arn::Arn::parse(resource)
        .map(|a| a.region)
        .filter(|r| !r.is_empty())
        .unwrap_or("us-east-1")
        .to_string();
    let callers = stand_ins(world, opening, granted);
    if callers.is_empty() {
        return Verdict::Open;
    }
    let (mut closed, mut limits) = (Vec::new(), Vec::new());
    let mut all_closed = true;
    for (caller, extra) in &callers {
        let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let request = AuthRequest::new(caller, &region, action, resource).owned_by(owner).with_context(&extra);
        let record = auth.authorize(world, &request);
        let decision = &record.decision;
        if decision.outcome == Outcome::Allowed || !decision.decided_by.contains(&Layer::Rcp) {
            all_closed = false;
            continue;
        }
        let mut decisive = false;
        for m in decision.matched.iter().filter(|m| m.layer == Layer::Rcp && m.effect == Effect::Deny) {
            let line = format!("RCP {} {}", m.policy, m.label());
            // A statement that cannot be read is taken as tested on a key the stand-in decides:
            // the engine denied with it, and rootsim does not reopen what it cannot read.
            let keys = rcp_statement_keys(world, owner, &m.policy, m.index).unwrap_or_default();
            if keys.iter().all(|k| decided_key(k)) {
                decisive = true;
                closed.push(line);
            } else {
                limits.push(line);
            }
        }
        // An implicit deny at a level (no RCP allows the action there) closes it for anyone.
        if decision.outcome == Outcome::ImplicitlyDenied {
            decisive = true;
            let level = decision.level.map_or(String::new(), |l| format!(" at level {l}"));
            closed.push(format!("no RCP allows {action}{level}"));
        }
        all_closed &= decisive;
    }
    closed.dedup();
    limits.dedup();
    if all_closed && !closed.is_empty() {
        Verdict::Closed(closed)
    } else if !closed.is_empty() || !limits.is_empty() {
        closed.extend(limits);
        Verdict::Limited(closed)
    } else {
        Verdict::Open
    }
}
