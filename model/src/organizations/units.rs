//! Organizational units and moves: creating, renaming, describing and deleting OUs, listing a
//! parent's children, and moving an account from one parent to another.
//!
//! The policy engine reads SCPs and RCPs level by level from the tree (`Organization::levels`),
//! so these operations only keep the tree consistent: every account and OU has exactly one
//! parent, which exists, and no OU contains itself.

use super::ops::{account_not_found, authorize, constraint, invalid_input, org_mut, org_of, parent_checked, Input};
use super::{Organization, OrganizationalUnit};
use crate::error::{AwsError, AwsResult};
use crate::service::{req_str, Call};
use serde_json::{json, Value};

/// At most 2,000 OUs in an organization (Organizations quotas page).
const MAX_OUS: usize = 2_000;
/// OUs nest at most five levels below the root (Organizations quotas page).
const MAX_DEPTH: usize = 5;

fn ou_not_found() -> AwsError {
    AwsError::new(
        "OrganizationalUnitNotFoundException",
        400,
        "We can't find an OU with the OrganizationalUnitId that you specified.",
    )
}

fn duplicate_ou() -> AwsError {
    AwsError::new("DuplicateOrganizationalUnitException", 400, "An OU with the same name already exists.")
}

fn check_ou_name(name: &str) -> AwsResult<()> {
    if name.is_empty() || name.chars().count() > 128 {
        return Err(invalid_input("INVALID_PATTERN", "An OU name must be 1 to 128 characters."));
    }
    Ok(())
}

/// How many OUs deep `parent` is: 0 for the root.
fn depth(org: &Organization, parent: &str) -> usize {
    let mut d = 0;
    let mut at = parent.to_string();
    // Bounded by the number of OUs, so a corrupt tree cannot loop.
    while let Some(ou) = org.ous.get(&at) {
        d += 1;
        at = ou.parent.clone();
        if d > org.ous.len() {
            break;
        }
    }
    d
}

fn ou_json(org: &Organization, ou: &OrganizationalUnit) -> Value {
    json!({ "Id": ou.id, "Arn": org.ou_arn(&ou.id), "Name": ou.name })
}

fn parent_arn(org: &Organization, id: &str) -> String {
    if id == org.root_id {
        org.root_arn()
    } else {
        org.ou_arn(id)
    }
}

pub(super) fn create_organizational_unit(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let parent = req_str(input, "ParentId")?;
    let name = req_str(input, "Name")?;
    check_ou_name(name)?;
    parent_checked(&org, parent)?;
    let tags = super::tags::request_tags(input)?;
    super::tags::authorize_tagging(
        call,
        &org,
        "organizations:CreateOrganizationalUnit",
        &parent_arn(&org, parent),
        &tags,
    )?;
    if org.ous.values().any(|o| o.parent == parent && o.name == name) {
        return Err(duplicate_ou());
    }
    if org.ous.len() >= MAX_OUS {
        return Err(constraint(
            "OU_NUMBER_LIMIT_EXCEEDED",
            "You attempted to exceed the number of OUs in the organization.",
        ));
    }
    if depth(&org, parent) >= MAX_DEPTH {
        return Err(constraint(
            "OU_DEPTH_LIMIT_EXCEEDED",
            "You attempted to create an OU tree that is too many levels deep (at most 5 levels of OUs below the root).",
        ));
    }
    // OU IDs carry the root's suffix: ou-<root>-<8 characters>, unique in the organization.
    let id = loop {
        let id = format!("ou-{}-{}", &org.root_id[2..], call.world.rng.lower_alnum(8));
        if !org.ous.contains_key(&id) {
            break id;
        }
    };
    let ou = OrganizationalUnit { id: id.clone(), name: name.to_string(), parent: parent.to_string() };
    let out = json!({ "OrganizationalUnit": ou_json(&org, &ou) });
    let o = org_mut(call);
    o.ous.insert(id.clone(), ou);
    o.attach_defaults(&id);
    super::tags::store_tags(o, &id, &tags)?;
    Ok(out)
}

fn ou_checked<'a>(org: &'a Organization, input: &Input) -> AwsResult<&'a OrganizationalUnit> {
    let id = req_str(input, "OrganizationalUnitId")?;
    org.ous.get(id).ok_or_else(ou_not_found)
}

pub(super) fn describe_organizational_unit(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = super::ops::org_delegable(call)?;
    let ou = ou_checked(&org, input)?;
    super::ops::authorize_read(call, &org, "organizations:DescribeOrganizationalUnit", &org.ou_arn(&ou.id))?;
    Ok(json!({ "OrganizationalUnit": ou_json(&org, ou) }))
}

pub(super) fn update_organizational_unit(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let ou = ou_checked(&org, input)?.clone();
    let name = crate::service::opt_str(input, "Name").unwrap_or(&ou.name).to_string();
    check_ou_name(&name)?;
    authorize(call, "organizations:UpdateOrganizationalUnit", &org.ou_arn(&ou.id))?;
    if org.ous.values().any(|o| o.parent == ou.parent && o.name == name && o.id != ou.id) {
        return Err(duplicate_ou());
    }
    let updated = OrganizationalUnit { name, ..ou };
    let out = json!({ "OrganizationalUnit": ou_json(&org, &updated) });
    org_mut(call).ous.insert(updated.id.clone(), updated);
    Ok(out)
}

pub(super) fn delete_organizational_unit(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let ou = ou_checked(&org, input)?.clone();
    authorize(call, "organizations:DeleteOrganizationalUnit", &org.ou_arn(&ou.id))?;
    if org.accounts.values().any(|m| m.parent == ou.id) || org.ous.values().any(|o| o.parent == ou.id) {
        return Err(AwsError::new(
            "OrganizationalUnitNotEmptyException",
            400,
            "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.",
        ));
    }
    let o = org_mut(call);
    o.ous.remove(&ou.id);
    o.tags.remove(&ou.id);
    o.attachments.remove(&ou.id);
    Ok(Value::Null)
}

pub(super) fn list_children(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = super::ops::org_delegable(call)?;
    let parent = req_str(input, "ParentId")?;
    let kind = req_str(input, "ChildType")?;
    if kind != "ACCOUNT" && kind != "ORGANIZATIONAL_UNIT" {
        return Err(invalid_input(
            "INVALID_ENUM",
            format!("You specified an invalid value: {kind} is not ACCOUNT or ORGANIZATIONAL_UNIT."),
        ));
    }
    parent_checked(&org, parent)?;
    super::ops::authorize_read(call, &org, "organizations:ListChildren", "*")?;
    let ids: Vec<&String> = if kind == "ACCOUNT" {
        org.accounts.iter().filter(|(_, m)| m.parent == parent).map(|(id, _)| id).collect()
    } else {
        org.ous.values().filter(|o| o.parent == parent).map(|o| &o.id).collect()
    };
    let list: Vec<Value> = ids.into_iter().map(|id| json!({ "Id": id, "Type": kind })).collect();
    Ok(json!({ "Children": list }))
}

pub(super) fn move_account(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let org = org_of(call, true)?;
    let account = req_str(input, "AccountId")?;
    let source = req_str(input, "SourceParentId")?;
    let destination = req_str(input, "DestinationParentId")?;
    if !org.is_parent(source) {
        return Err(AwsError::new(
            "SourceParentNotFoundException",
            400,
            "We can't find a source root or OU with the ParentId that you specified.",
        ));
    }
    if !org.is_parent(destination) {
        return Err(AwsError::new(
            "DestinationParentNotFoundException",
            400,
            "We can't find the destination container (a root or OU) with the ParentId that you specified.",
        ));
    }
    // An account that is not a member, or not in the source parent, is not found there.
    let Some(m) = org.accounts.get(account) else { return Err(account_not_found()) };
    authorize(call, "organizations:MoveAccount", &org.account_arn(account))?;
    if m.parent == destination {
        return Err(AwsError::new(
            "DuplicateAccountException",
            400,
            "That account is already present in the specified destination.",
        ));
    }
    if m.parent != source {
        return Err(account_not_found());
    }
    org_mut(call).accounts.get_mut(account).expect("checked").parent = destination.to_string();
    Ok(Value::Null)
}
