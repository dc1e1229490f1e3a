//! The Account Management API (`aws account ...`): account name, contact information, alternate
//! contacts, Regions and the members' primary email. Each handler reads its parameters, finds
//! the account it acts on (the caller's, or a member with `--account-id`), asks the policy engine,
//! then changes the account's record.

use super::{
    account_arn, plausible_email, Account, AlternateContact, ContactInformation, PendingEmailChange, RegionOptStatus,
    DEFAULT_REGIONS, EMAIL_CODE_SECONDS, OPT_IN_REGIONS, SERVICE_PRINCIPAL,
};
use crate::auth::AuthRequest;
use crate::clock::format_cli;
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, param as p};
use crate::service::{opt_i64, opt_str, req_str, Call, Operation, Param, Shape};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

fn validation(message: impl Into<String>) -> AwsError {
    AwsError::new("ValidationException", 400, message)
}

fn denied(message: impl Into<String>) -> AwsError {
    AwsError::new("AccessDeniedException", 403, message)
}

/// The account an operation acts on: the caller's, or `--account-id`. Acting on another account
/// needs an all-features organization with trusted access for `account.amazonaws.com`, a caller in
/// its management account or in an Account Management delegated administrator, and a target that
/// is a member of the same organization; the management account cannot name itself and must call
/// in standalone context, and no caller can name the management account
/// (<https://docs.aws.amazon.com/accounts/latest/reference/using-orgs-trusted-access.html>).
fn target(call: &Call, input: &Input) -> AwsResult<String> {
    let own = call.account();
    let Some(id) = opt_str(input, "AccountId") else { return Ok(own) };
    check_account_id(id)?;
    let org = call.world.organizations.of_account(&own);
    let management = org.is_some_and(|o| o.management_account == own);
    if id == own && management {
        return Err(denied(
            "The management account can't specify its own AccountId; call the operation without --account-id.",
        ));
    }
    if id == own {
        return Ok(own);
    }
    member_of_callers_org(call, id)
}

/// `AccountId`'s pattern, `\d{12}`.
fn check_account_id(id: &str) -> AwsResult<()> {
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(validation(format!(
            "1 validation error detected: Value '{id}' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{{12}}"
        )));
    }
    Ok(())
}

/// `id` as a member that the caller may manage from its organization: the caller is in the
/// management account or the Account Management delegated administrator, the organization has
/// all features and trusted access for [`SERVICE_PRINCIPAL`], and `id` is another member of it
/// (never the management account).
fn member_of_callers_org(call: &Call, id: &str) -> AwsResult<String> {
    let own = call.account();
    let org = call.world.organizations.of_account(&own);
    let management = org.is_some_and(|o| o.management_account == own);
    let delegated = org.is_some_and(|o| o.is_account_delegated_admin(&own));
    let Some(org) = org.filter(|_| management || delegated) else {
        return Err(denied(format!(
            "You can manage account {id} only from its organization's management account or an Account Management delegated administrator. Call without --account-id to act on your own account ({own})."
        )));
    };
    if org.feature_set != crate::organizations::FeatureSet::All || !org.service_access.contains(SERVICE_PRINCIPAL) {
        return Err(denied(format!(
            "Managing member accounts needs all features and trusted access for {SERVICE_PRINCIPAL} in organization {}.",
            org.id
        ))
        .with_hint(format!("  (rootsim) The management account enables it with `aws organizations enable-aws-service-access --service-principal {SERVICE_PRINCIPAL}`.")));
    }
    if !org.accounts.contains_key(id) || id == org.management_account || id == own {
        return Err(denied(format!(
            "Account {id} is not a member account of organization {} that you can manage.",
            org.id
        )));
    }
    Ok(id.to_string())
}

/// The resource ARN Account Management authorizes against: the `account` resource type for the
/// caller's own account, `accountInOrganization` for a member managed from the organization.
fn resource_arn(call: &Call, account: &str) -> String {
    match call.world.organizations.of_account(account) {
        Some(o) if account != call.caller.account => {
            format!("arn:aws:account::{}:account/{}/{account}", o.management_account, o.id)
        }
        _ => account_arn(account),
    }
}

/// Asks the policy engine, with Account Management's condition keys, and turns a denial into the
/// JSON protocol's `AccessDeniedException`.
///
/// The request is evaluated in the caller's own account even when it names a member: what lets
/// the management account or the delegated administrator reach a member is the organization's
/// trusted access and registration, which [`target`] checked, not a policy of the member. So the
/// caller's identity policies (and, for a delegated administrator, its SCPs) decide alone, as for
/// any same-account request; the `accountInOrganization` ARN, which names the management account,
/// would otherwise make a delegated administrator's call cross-account with no resource policy to
/// allow it.
fn authorize(call: &mut Call, action: &str, account: &str, extra: &[(&str, &str)]) -> AwsResult<()> {
    let resource = resource_arn(call, account);
    let request = AuthRequest::new(&call.caller, &call.region, action, &resource)
        .owned_by(&call.caller.account)
        .with_context(extra);
    let record = call.decide(&request);
    let result = if record.decision.is_allowed() { Ok(()) } else { Err(denied(record.denial_message())) };
    call.auth.push(record);
    result
}

fn account_mut<'a>(call: &'a mut Call, id: &str) -> &'a mut Account {
    call.world.accounts.by_id.get_mut(id).expect("the caller's account exists")
}

fn account_ref<'a>(call: &'a Call, id: &str) -> &'a Account {
    call.world.accounts.get(id).expect("the caller's account exists")
}

/// A pattern as AWS prints it, and the test of one character against it.
type CharPattern<'a> = (&'a str, fn(char) -> bool);

/// Checks a string's length (in characters) and, optionally, its characters.
fn check_field(field: &str, value: &str, min: usize, max: usize, ok: Option<CharPattern>) -> AwsResult<()> {
    let n = i64::try_from(value.chars().count()).unwrap_or(i64::MAX);
    if let Some(bound) = crate::service::broken_bound(n, min as i64, max as i64) {
        return Err(validation(format!(
            "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must have length {bound}"
        )));
    }
    if let Some((pattern, f)) = ok {
        if !value.chars().all(f) {
            return Err(validation(format!(
                "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"
            )));
        }
    }
    Ok(())
}

fn phone_char(c: char) -> bool {
    c.is_ascii_digit() || c.is_whitespace() || "()+-".contains(c)
}

fn get_account_information(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let id = target(call, input)?;
    authorize(call, "account:GetAccountInformation", &id, &[])?;
    let a = account_ref(call, &id);
    Ok(json!({
        "AccountId": a.id,
        "AccountName": a.name,
        "AccountCreatedDate": format_cli(a.created),
        "AccountState": a.status_at(call.now()).as_str(),
    }))
}

fn put_account_name(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "AccountName")?;
    // [ -;=?-~]+ : printable ASCII without '<' and '>'.
    check_field(
        "accountName",
        name,
        1,
        50,
        Some(("[ -;=?-~]+", |c| (' '..='~').contains(&c) && c != '<' && c != '>')),
    )?;
    let id = target(call, input)?;
    authorize(call, "account:PutAccountName", &id, &[])?;
    account_mut(call, &id).name = name.to_string();
    Ok(Value::Null)
}

fn contact_json(c: &ContactInformation) -> Value {
    serde_json::to_value(c).expect("contact information serializes")
}

fn get_contact_information(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let id = target(call, input)?;
    authorize(call, "account:GetContactInformation", &id, &[])?;
    Ok(json!({ "ContactInformation": contact_json(&account_ref(call, &id).contact) }))
}

/// Countries whose addresses need a state or region.
const STATE_REQUIRED: &[&str] = &["US", "CA", "GB", "DE", "JP", "IN", "BR"];

fn put_contact_information(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let Some(Value::Object(c)) = input.get("ContactInformation") else {
        return Err(validation("1 validation error detected: Value null at 'contactInformation' failed to satisfy constraint: Member must not be null"));
    };
    let field = |name: &str| c.get(name).and_then(Value::as_str).map(str::to_string);
    let mut missing = Vec::new();
    for name in ["FullName", "AddressLine1", "City", "PostalCode", "CountryCode", "PhoneNumber"] {
        if field(name).is_none_or(|v| v.is_empty()) {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        return Err(validation(format!(
            "{} validation error{} detected: {}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            missing
                .iter()
                .map(|m| format!(
                    "Value null at 'contactInformation.{}' failed to satisfy constraint: Member must not be null",
                    lower_first(m)
                ))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    let known = [
        "FullName",
        "AddressLine1",
        "AddressLine2",
        "AddressLine3",
        "City",
        "PostalCode",
        "CountryCode",
        "PhoneNumber",
        "CompanyName",
        "StateOrRegion",
        "DistrictOrCounty",
        "WebsiteUrl",
    ];
    if let Some(k) = c.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(validation(format!("Unknown field in contactInformation: {k}")));
    }
    let contact = ContactInformation {
        full_name: field("FullName").unwrap_or_default(),
        address_line1: field("AddressLine1").unwrap_or_default(),
        city: field("City").unwrap_or_default(),
        postal_code: field("PostalCode").unwrap_or_default(),
        country_code: field("CountryCode").unwrap_or_default().to_ascii_uppercase(),
        phone_number: field("PhoneNumber").unwrap_or_default(),
        company_name: field("CompanyName"),
        state_or_region: field("StateOrRegion"),
        address_line2: field("AddressLine2"),
        address_line3: field("AddressLine3"),
        district_or_county: field("DistrictOrCounty"),
        website_url: field("WebsiteUrl"),
    };
    check_field("contactInformation.fullName", &contact.full_name, 1, 50, None)?;
    check_field("contactInformation.addressLine1", &contact.address_line1, 1, 60, None)?;
    check_field("contactInformation.city", &contact.city, 1, 50, None)?;
    check_field("contactInformation.postalCode", &contact.postal_code, 1, 20, None)?;
    check_field(
        "contactInformation.countryCode",
        &contact.country_code,
        2,
        2,
        Some(("[A-Z]{2}", |c| c.is_ascii_uppercase())),
    )?;
    check_field("contactInformation.phoneNumber", &contact.phone_number, 1, 20, Some(("[\\s0-9()+-]+", phone_char)))?;
    if STATE_REQUIRED.contains(&contact.country_code.as_str())
        && contact.state_or_region.as_deref().is_none_or(str::is_empty)
    {
        return Err(validation(format!(
            "StateOrRegion is required when CountryCode is {} (it is for {}).",
            contact.country_code,
            STATE_REQUIRED.join(", ")
        )));
    }
    let id = target(call, input)?;
    authorize(call, "account:PutContactInformation", &id, &[])?;
    account_mut(call, &id).contact = contact;
    Ok(Value::Null)
}

fn lower_first(s: &str) -> String {
    let mut out = s.to_string();
    if let Some(f) = out.get_mut(0..1) {
        f.make_ascii_lowercase();
    }
    out
}

/// The alternate contact types.
pub const ALTERNATE_CONTACT_TYPES: &[&str] = &["BILLING", "OPERATIONS", "SECURITY"];

fn contact_type(input: &Input) -> AwsResult<&str> {
    let t = req_str(input, "AlternateContactType")?;
    if ALTERNATE_CONTACT_TYPES.contains(&t) {
        Ok(t)
    } else {
        Err(validation(format!(
            "1 validation error detected: Value '{t}' at 'alternateContactType' failed to satisfy constraint: Member must satisfy enum value set: [BILLING, OPERATIONS, SECURITY]"
        )))
    }
}

fn get_alternate_contact(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let t = contact_type(input)?;
    let id = target(call, input)?;
    authorize(call, "account:GetAlternateContact", &id, &[("account:AlternateContactTypes", t)])?;
    let c = account_ref(call, &id).alternate_contacts.get(t).ok_or_else(|| {
        AwsError::new("ResourceNotFoundException", 404, "No contact of the inputted alternate contact type found.")
    })?;
    Ok(json!({ "AlternateContact": {
        "AlternateContactType": t,
        "EmailAddress": c.email_address,
        "Name": c.name,
        "PhoneNumber": c.phone_number,
        "Title": c.title,
    }}))
}

fn put_alternate_contact(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let t = contact_type(input)?;
    let name = req_str(input, "Name")?;
    let title = req_str(input, "Title")?;
    let email = req_str(input, "EmailAddress")?;
    let phone = req_str(input, "PhoneNumber")?;
    check_field("name", name, 1, 64, None)?;
    check_field("title", title, 1, 50, None)?;
    check_field("emailAddress", email, 1, 254, None)?;
    if !plausible_email(email.trim()) {
        return Err(validation(
            "1 validation error detected: Value at 'emailAddress' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\s]*[\\w+=.#|!&-]+@[\\w.-]+\\.[\\w]+[\\s]*",
        ));
    }
    check_field("phoneNumber", phone, 1, 25, Some(("[\\s0-9()+-]+", phone_char)))?;
    let id = target(call, input)?;
    authorize(call, "account:PutAlternateContact", &id, &[("account:AlternateContactTypes", t)])?;
    let contact = AlternateContact {
        name: name.to_string(),
        title: title.to_string(),
        email_address: email.trim().to_string(),
        phone_number: phone.to_string(),
    };
    account_mut(call, &id).alternate_contacts.insert(t.to_string(), contact);
    Ok(Value::Null)
}

fn delete_alternate_contact(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let t = contact_type(input)?;
    let id = target(call, input)?;
    authorize(call, "account:DeleteAlternateContact", &id, &[("account:AlternateContactTypes", t)])?;
    if account_mut(call, &id).alternate_contacts.remove(t).is_none() {
        return Err(AwsError::new(
            "ResourceNotFoundException",
            404,
            "No contact of the inputted alternate contact type found.",
        ));
    }
    Ok(Value::Null)
}

/// The Region a Region operation names, which must be one rootsim knows.
fn region_name(input: &Input) -> AwsResult<&str> {
    let r = req_str(input, "RegionName")?;
    if DEFAULT_REGIONS.contains(&r) || OPT_IN_REGIONS.contains(&r) {
        Ok(r)
    } else {
        Err(validation(format!("The Region '{r}' is not a valid Region name.")).with_hint(
            "  (rootsim) reason: invalidRegionOptTarget; `aws account list-regions` lists the Regions rootsim models.",
        ))
    }
}

fn list_regions(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let filter: Vec<String> = match input.get("RegionOptStatusContains") {
        Some(Value::Array(v)) => v.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    };
    const STATUSES: &[&str] = &["ENABLED", "ENABLING", "DISABLING", "DISABLED", "ENABLED_BY_DEFAULT"];
    if let Some(bad) = filter.iter().find(|f| !STATUSES.contains(&f.as_str())) {
        return Err(validation(format!(
            "1 validation error detected: Value '{bad}' at 'regionOptStatusContains' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            STATUSES.join(", ")
        )));
    }
    let max = opt_i64(input, "MaxResults").unwrap_or(50);
    if let Some(bound) = crate::service::broken_bound(max, 1, 50) {
        return Err(validation(format!(
            "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value {bound}"
        )));
    }
    let start: usize = match opt_str(input, "NextToken") {
        Some(t) => t.parse().map_err(|_| validation("The NextToken is not valid."))?,
        None => 0,
    };
    let id = target(call, input)?;
    authorize(call, "account:ListRegions", &id, &[])?;
    let now = call.now();
    let account = account_ref(call, &id);
    let mut names: Vec<&str> = DEFAULT_REGIONS.iter().chain(OPT_IN_REGIONS).copied().collect();
    names.sort_unstable();
    let all: Vec<Value> = names
        .into_iter()
        .filter_map(|r| account.region_status(r, now).map(|s| (r, s)))
        .filter(|(_, s)| filter.is_empty() || filter.iter().any(|f| f == s.as_str()))
        .map(|(r, s)| json!({"RegionName": r, "RegionOptStatus": s.as_str()}))
        .collect();
    let end = (start + max as usize).min(all.len());
    let mut out = json!({ "Regions": all.get(start.min(end)..end).unwrap_or(&[]) });
    if end < all.len() {
        out["NextToken"] = json!(end.to_string());
    }
    Ok(out)
}

fn get_region_opt_status(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let region = region_name(input)?;
    let id = target(call, input)?;
    authorize(call, "account:GetRegionOptStatus", &id, &[("account:TargetRegion", region)])?;
    let status = account_ref(call, &id).region_status(region, call.now()).expect("a known Region");
    Ok(json!({ "RegionName": region, "RegionOptStatus": status.as_str() }))
}

fn enable_region(call: &mut Call, input: &Input) -> AwsResult<Value> {
    change_region(call, input, true)
}

fn disable_region(call: &mut Call, input: &Input) -> AwsResult<Value> {
    change_region(call, input, false)
}

/// Enables or disables an opt-in Region: it goes through ENABLING or DISABLING for
/// [`super::REGION_CHANGE_SECONDS`]; asking for the opposite meanwhile is a `ConflictException`, asking
/// again for the same is accepted and changes nothing.
fn change_region(call: &mut Call, input: &Input, enable: bool) -> AwsResult<Value> {
    let region = region_name(input)?;
    let id = target(call, input)?;
    let action = if enable { "account:EnableRegion" } else { "account:DisableRegion" };
    authorize(call, action, &id, &[("account:TargetRegion", region)])?;
    let now = call.now();
    let status = account_ref(call, &id).region_status(region, now).expect("a known Region");
    match (status, enable) {
        (RegionOptStatus::EnabledByDefault, _) => Err(validation(format!(
            "{region} is enabled by default in every account and cannot be {}.",
            if enable { "enabled" } else { "disabled" }
        ))
        .with_hint("  (rootsim) reason: invalidRegionOptTarget; only opt-in Regions can be enabled or disabled.")),
        (RegionOptStatus::Disabling, true) => Err(AwsError::new(
            "ConflictException",
            409,
            format!("{region} is being disabled (DISABLING); wait until it is DISABLED before enabling it."),
        )),
        (RegionOptStatus::Enabling, false) => Err(AwsError::new(
            "ConflictException",
            409,
            format!("{region} is being enabled (ENABLING); wait until it is ENABLED before disabling it."),
        )),
        (RegionOptStatus::Enabled | RegionOptStatus::Enabling, true)
        | (RegionOptStatus::Disabled | RegionOptStatus::Disabling, false) => Ok(Value::Null),
        (RegionOptStatus::Disabled, true) | (RegionOptStatus::Enabled, false) => {
            let a = account_mut(call, &id);
            if enable {
                a.enabled_opt_in_regions.push(region.to_string());
            } else {
                a.enabled_opt_in_regions.retain(|r| r != region);
            }
            a.region_changes.insert(region.to_string(), now);
            Ok(Value::Null)
        }
    }
}

// ---------------------------------------------------------------- the member's primary email

/// The member a primary-email operation acts on: `AccountId` is required, and names a member of
/// the caller's organization, never the caller's own account nor the management account; only
/// the management account or the Account Management delegated administrator may call
/// (<https://docs.aws.amazon.com/accounts/latest/reference/API_StartPrimaryEmailUpdate.html>).
/// A standalone or management account's root email is changed only by its root user, in the
/// console.
fn email_target(call: &Call, input: &Input) -> AwsResult<String> {
    let id = req_str(input, "AccountId")?;
    check_account_id(id)?;
    if id == call.caller.account {
        return Err(denied(format!(
            "The primary email operations act on other member accounts; your own account's ({id}) root email is changed by its root user in the console."
        ))
        .with_hint("  (rootsim) The root user signs in and runs `console change-root-email --new-email EMAIL`."));
    }
    member_of_callers_org(call, id)
}

/// `PrimaryEmail`: 5 to 64 characters and shaped like an address.
fn check_primary_email(email: &str) -> AwsResult<()> {
    check_field("primaryEmail", email, 5, 64, None)?;
    if !plausible_email(email) {
        return Err(validation(format!("The primary email '{email}' is not a valid email address.")));
    }
    Ok(())
}

/// `Otp`: six letters or digits (`[a-zA-Z0-9]{6}`).
fn check_otp(otp: &str) -> AwsResult<()> {
    if otp.len() == 6 && otp.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(());
    }
    Err(validation(format!(
        "1 validation error detected: Value '{otp}' at 'otp' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9]{{6}}"
    )))
}

/// `ConflictException` when another account's root user already signs in with `email`: an
/// address identifies one account, and a closed account keeps its address
/// (<https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-closing.html>).
fn check_email_free(call: &Call, account: &str, email: &str) -> AwsResult<()> {
    match call.world.accounts.by_email(email) {
        Some(a) if a.id == account => {
            Err(validation(format!("{email} is already the primary email of account {account}.")))
        }
        Some(_) => Err(AwsError::new(
            "ConflictException",
            409,
            format!("The email address {email} is already in use by another AWS account."),
        )),
        None => Ok(()),
    }
}

fn get_primary_email(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let id = email_target(call, input)?;
    authorize(call, "account:GetPrimaryEmail", &id, &[])?;
    Ok(json!({ "PrimaryEmail": account_ref(call, &id).email }))
}

/// Starts a member's primary email update: a one-time code goes to the new address and works for
/// [`EMAIL_CODE_SECONDS`]; a new start replaces a pending one. The root email stays the old one
/// until [`accept_primary_email_update`].
fn start_primary_email_update(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let email = req_str(input, "PrimaryEmail")?.to_string();
    check_primary_email(&email)?;
    let id = email_target(call, input)?;
    authorize(call, "account:StartPrimaryEmailUpdate", &id, &[])?;
    check_email_free(call, &id, &email)?;
    let now = call.now();
    let otp = call.world.rng.alnum(6);
    account_mut(call, &id).pending_email =
        Some(PendingEmailChange { new_email: email.clone(), code: otp.clone(), expires: now + EMAIL_CODE_SECONDS });
    let body = format!(
        "An administrator of AWS account {id}'s organization asked to make this address the account's primary (root user) email.\nOne-time password: {otp}\nIt works for 24 hours. (in rootsim: aws account accept-primary-email-update --account-id {id} --primary-email {email} --otp {otp})\nIf you did not expect this, ignore this email."
    );
    let subject = "AWS Account primary email update: your one-time password";
    call.world.send_mail(&email, "no-reply@verify.signin.aws", subject, body, Some(otp));
    Ok(json!({ "Status": "PENDING" }))
}

/// Finishes a member's primary email update with the code sent to the new address: the member's
/// root user signs in with the new address from then on, and the old address hears of the change.
fn accept_primary_email_update(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let email = req_str(input, "PrimaryEmail")?.to_string();
    let otp = req_str(input, "Otp")?.to_string();
    check_primary_email(&email)?;
    check_otp(&otp)?;
    let id = email_target(call, input)?;
    authorize(call, "account:AcceptPrimaryEmailUpdate", &id, &[])?;
    let now = call.now();
    let pending = account_ref(call, &id).pending_email.clone();
    let Some(pending) = pending.filter(|p| p.new_email.eq_ignore_ascii_case(&email)) else {
        return Err(AwsError::new(
            "ResourceNotFoundException",
            404,
            format!("There is no pending primary email update to {email} for account {id}."),
        )
        .with_hint("  (rootsim) Start one with `aws account start-primary-email-update`."));
    };
    if now >= pending.expires {
        return Err(validation("The one-time password has expired. Start the primary email update again.")
            .with_hint(format!("  (rootsim) The code was valid until {}.", format_cli(pending.expires))));
    }
    if pending.code != otp {
        return Err(validation("The one-time password is not valid."));
    }
    // Another account may have taken the address since the code was sent.
    check_email_free(call, &id, &email)?;
    let a = account_mut(call, &id);
    let old = std::mem::replace(&mut a.email, pending.new_email.clone());
    a.pending_email = None;
    let body = format!(
        "The primary (root user) email address of AWS account {id} is now {}. If you did not expect this change, contact AWS Support.",
        pending.new_email
    );
    call.world.send_mail(
        &old,
        "no-reply@aws.amazon.com",
        "Your AWS account's root email address was changed",
        body,
        None,
    );
    Ok(json!({ "Status": "ACCEPTED" }))
}

const ACCOUNT_ID: Param =
    p("AccountId", Shape::String, false, "another account of the organization (default: the caller's own)");
const MEMBER_ACCOUNT_ID: Param =
    p("AccountId", Shape::String, true, "a member of the organization (not the management account)");
const PRIMARY_EMAIL: Param = p("PrimaryEmail", Shape::String, true, "the new root email address (5-64 characters)");
const CONTACT_TYPE: Param = p("AlternateContactType", Shape::String, true, "BILLING, OPERATIONS or SECURITY");
const REGION: Param = p("RegionName", Shape::String, true, "the Region, e.g. af-south-1");
const CONTACT_FIELDS: &[Param] = &[
    p("FullName", Shape::String, true, "the contact's full name"),
    p("AddressLine1", Shape::String, true, "first address line"),
    p("AddressLine2", Shape::String, false, "second address line"),
    p("AddressLine3", Shape::String, false, "third address line"),
    p("City", Shape::String, true, "city"),
    p("StateOrRegion", Shape::String, false, "state or region (required for US, CA, GB, DE, JP, IN, BR)"),
    p("DistrictOrCounty", Shape::String, false, "district or county"),
    p("PostalCode", Shape::String, true, "postal code"),
    p("CountryCode", Shape::String, true, "ISO country code, e.g. US"),
    p("PhoneNumber", Shape::String, true, "the primary phone number"),
    p("CompanyName", Shape::String, false, "company name"),
    p("WebsiteUrl", Shape::String, false, "website"),
];

/// Account Management's operations. None needs the root user: IAM principals with `account:*`
/// permissions may do all of them (<https://docs.aws.amazon.com/accounts/latest/reference/API_EnableRegion.html>);
/// the primary-email ones act only on members, from the management account or the delegated
/// administrator (<https://docs.aws.amazon.com/accounts/latest/reference/API_StartPrimaryEmailUpdate.html>).
pub const OPERATIONS: &[Operation] = operations!(
    "account",
    [
        (
            "GetAccountInformation",
            get_account_information,
            "Shows the account's ID, name, creation date and state.",
            [ACCOUNT_ID]
        ),
        (
            "PutAccountName",
            put_account_name,
            "Renames the account (no root needed).",
            [p("AccountName", Shape::String, true, "the new name, 1-50 characters"), ACCOUNT_ID]
        ),
        ("GetContactInformation", get_contact_information, "Shows the account's primary contact.", [ACCOUNT_ID]),
        (
            "PutContactInformation",
            put_contact_information,
            "Replaces the primary contact (its phone is the one AWS calls to verify the owner).",
            [p("ContactInformation", Shape::Structure(CONTACT_FIELDS), true, "the contact"), ACCOUNT_ID]
        ),
        ("GetAlternateContact", get_alternate_contact, "Shows an alternate contact.", [CONTACT_TYPE, ACCOUNT_ID]),
        (
            "PutAlternateContact",
            put_alternate_contact,
            "Sets the billing, operations or security contact.",
            [
                CONTACT_TYPE,
                p("Name", Shape::String, true, "the contact's name"),
                p("Title", Shape::String, true, "the contact's title"),
                p("EmailAddress", Shape::String, true, "email address"),
                p("PhoneNumber", Shape::String, true, "phone number"),
                ACCOUNT_ID,
            ]
        ),
        (
            "DeleteAlternateContact",
            delete_alternate_contact,
            "Removes an alternate contact.",
            [CONTACT_TYPE, ACCOUNT_ID]
        ),
        (
            "ListRegions",
            list_regions,
            "Lists the Regions and their opt-in status.",
            [
                ACCOUNT_ID,
                p("RegionOptStatusContains", Shape::StringList, false, "only these statuses, e.g. ENABLED DISABLED"),
                p("MaxResults", Shape::Integer, false, "at most this many (1-50)"),
                p("NextToken", Shape::String, false, "where the previous page ended"),
            ]
        ),
        ("GetRegionOptStatus", get_region_opt_status, "Shows one Region's opt-in status.", [REGION, ACCOUNT_ID]),
        ("EnableRegion", enable_region, "Enables an opt-in Region (ENABLING, then ENABLED).", [REGION, ACCOUNT_ID]),
        (
            "DisableRegion",
            disable_region,
            "Disables an opt-in Region (DISABLING, then DISABLED).",
            [REGION, ACCOUNT_ID]
        ),
        (
            "GetPrimaryEmail",
            get_primary_email,
            "Shows a member account's primary (root user) email.",
            [MEMBER_ACCOUNT_ID]
        ),
        (
            "StartPrimaryEmailUpdate",
            start_primary_email_update,
            "Starts changing a member's root email: a one-time password goes to the new address.",
            [MEMBER_ACCOUNT_ID, PRIMARY_EMAIL]
        ),
        (
            "AcceptPrimaryEmailUpdate",
            accept_primary_email_update,
            "Finishes changing a member's root email with the one-time password sent to the new address.",
            [
                MEMBER_ACCOUNT_ID,
                PRIMARY_EMAIL,
                p("Otp", Shape::String, true, "the one-time password from the email (6 letters or digits)")
            ]
        ),
    ]
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::*;
    use crate::{MemoryHost, Session};

    fn run(s: &mut Session, line: &str) -> crate::Outcome {
        s.execute(line, &mut MemoryHost::default())
    }

    fn id(s: &Session, name: &str) -> String {
        s.world.accounts.find(name).expect("demo account").id.clone()
    }

    #[test]
    fn only_three_closures_may_be_in_progress() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        let extra = s.world.add_account("extra", "aws-extra@example.com", None);
        let org = s.world.organizations.org.as_mut().unwrap();
        let root = org.root_id.clone();
        org.accounts.insert(
            extra.clone(),
            crate::organizations::Membership {
                parent: root,
                joined_method: crate::organizations::JoinedMethod::Created,
                joined: 0,
            },
        );
        run(&mut s, "sign-in user --account management --user-name alice --password Alice-Passw0rd!");
        for name in ["dev", "prod", "security"] {
            let line = format!("aws organizations close-account --account-id {}", id(&s, name));
            assert!(run(&mut s, &line).ok, "{name}");
        }
        let line = format!("aws organizations close-account --account-id {extra}");
        let out = run(&mut s, &line);
        assert_eq!(out.code.as_deref(), Some("ConstraintViolationException"));
        assert!(out.text.contains("CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED"), "{}", out.text);
        assert_eq!(s.world.accounts.get(&extra).unwrap().status_at(s.world.clock.now()), AccountStatus::Active);
        // Once the first three are done, the fourth may go.
        run(&mut s, "clock advance 1h");
        assert!(run(&mut s, &line).ok);
    }

    #[test]
    fn closure_lifecycle_through_the_console() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        let dev = id(&s, "dev");
        // The management account goes last.
        run(&mut s, "sign-in root --email aws-management@example.com --password Mgmt-Root-2026!");
        assert_eq!(run(&mut s, "console close-account").code.as_deref(), Some("ManagementAccountHasMembers"));
        // A member's own root user closes it: its principals stop working.
        run(&mut s, "sign-in root --email aws-dev@example.com --password Dev-Root-2026!");
        assert!(run(&mut s, "console close-account").ok);
        let now = s.world.clock.now();
        assert_eq!(s.world.accounts.get(&dev).unwrap().status_at(now), AccountStatus::Suspended);
        assert!(s.world.accounts.check_open(&dev, now).is_err());
        assert_eq!(run(&mut s, "aws sts get-caller-identity").code.as_deref(), Some("InvalidClientTokenId"));
        assert_eq!(run(&mut s, "console close-account").code.as_deref(), Some("AccountClosed"));
        // Reopened within 90 days.
        run(&mut s, "clock advance 89d");
        assert!(run(&mut s, "console reopen-account").ok);
        assert_eq!(s.world.accounts.get(&dev).unwrap().status, AccountStatus::Active);
        assert!(run(&mut s, "aws sts get-caller-identity").ok);
        // Not after.
        assert!(run(&mut s, "console close-account").ok);
        run(&mut s, "clock advance 90d");
        let now = s.world.clock.now();
        assert_eq!(s.world.accounts.get(&dev).unwrap().status_at(now), AccountStatus::Closed);
        let before = s.world.clone();
        assert_eq!(run(&mut s, "console reopen-account").code.as_deref(), Some("AccountPermanentlyClosed"));
        assert_eq!(s.world, before, "a refused reopening changes nothing");
    }

    #[test]
    fn an_account_closed_by_someone_else_is_reopened_through_support() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        let dev = id(&s, "dev");
        let now = s.world.clock.now();
        let a = s.world.accounts.by_id.get_mut(&dev).unwrap();
        a.status = AccountStatus::Suspended;
        a.closed_at = Some(now);
        run(&mut s, "sign-in root --email aws-dev@example.com --password Dev-Root-2026!");
        assert_eq!(run(&mut s, "console reopen-account").code.as_deref(), Some("ReopenThroughSupport"));
    }

    #[test]
    fn opt_in_regions_pass_through_enabling_and_disabling() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        let status = |s: &mut Session| {
            let out = run(s, "aws account get-region-opt-status --region-name af-south-1");
            out.json.unwrap()["RegionOptStatus"].as_str().unwrap().to_string()
        };
        assert_eq!(status(&mut s), "DISABLED");
        assert!(run(&mut s, "aws account enable-region --region-name af-south-1").ok);
        assert_eq!(status(&mut s), "ENABLING");
        // Asking again for the same change is accepted; the opposite conflicts.
        assert!(run(&mut s, "aws account enable-region --region-name af-south-1").ok);
        let out = run(&mut s, "aws account disable-region --region-name af-south-1");
        assert_eq!(out.code.as_deref(), Some("ConflictException"));
        s.world.clock.advance(REGION_CHANGE_SECONDS as u64);
        assert_eq!(status(&mut s), "ENABLED");
        assert!(run(&mut s, "aws account disable-region --region-name af-south-1").ok);
        assert_eq!(status(&mut s), "DISABLING");
        let out = run(&mut s, "aws account enable-region --region-name af-south-1");
        assert_eq!(out.code.as_deref(), Some("ConflictException"));
        s.world.clock.advance(REGION_CHANGE_SECONDS as u64);
        assert_eq!(status(&mut s), "DISABLED");
        // Default Regions and unknown names are not opt-in targets.
        let out = run(&mut s, "aws account disable-region --region-name eu-west-1");
        assert_eq!(out.code.as_deref(), Some("ValidationException"));
        let out = run(&mut s, "aws account enable-region --region-name mars-north-1");
        assert_eq!(out.code.as_deref(), Some("ValidationException"));
    }

    #[test]
    fn otps_are_six_letters_or_digits() {
        for good in ["123456", "aZ09xY", "ABCDEF"] {
            assert!(check_otp(good).is_ok(), "{good}");
        }
        for bad in ["", "12345", "1234567", "12345678", "12-456", "abc de", "ééé123", "12345\n"] {
            let e = check_otp(bad).expect_err(bad);
            assert_eq!(e.code, "ValidationException", "{bad}");
            assert!(e.message.contains("[a-zA-Z0-9]{6}"), "{}", e.message);
        }
        // The generator's codes always pass.
        let mut rng = crate::rng::SimRng::new(7);
        for _ in 0..200 {
            assert!(check_otp(&rng.alnum(6)).is_ok());
        }
    }

    /// Enables trusted access and starts an update of dev's root email as alice; returns dev's
    /// ID and the one-time password from the new mailbox.
    fn start_dev_update(s: &mut Session, new: &str) -> (String, String) {
        let dev = id(s, "dev");
        assert!(run(s, "aws organizations enable-aws-service-access --service-principal account.amazonaws.com").ok);
        let out = run(s, &format!("aws account start-primary-email-update --account-id {dev} --primary-email {new}"));
        assert_eq!(out.json.unwrap()["Status"], "PENDING");
        let otp = s.world.mail.inbox(new).last().and_then(|m| m.code.clone()).expect("a code was mailed");
        (dev, otp)
    }

    #[test]
    fn a_wrong_or_expired_otp_changes_nothing_and_the_right_one_moves_the_root_email() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        let (dev, otp) = start_dev_update(&mut s, "new-dev@example.com");
        let wrong = if otp == "zzzzzz" { "yyyyyy" } else { "zzzzzz" };
        let accept = |otp: &str| {
            format!("aws account accept-primary-email-update --account-id {dev} --primary-email new-dev@example.com --otp {otp}")
        };
        let out = run(&mut s, &accept(wrong));
        assert_eq!(out.code.as_deref(), Some("ValidationException"));
        assert_eq!(s.world.accounts.get(&dev).unwrap().email, "aws-dev@example.com");
        assert!(s.world.accounts.get(&dev).unwrap().pending_email.is_some(), "a wrong code keeps the update pending");
        let out = run(&mut s, &accept(&otp));
        assert_eq!(out.json.unwrap()["Status"], "ACCEPTED");
        assert_eq!(s.world.accounts.get(&dev).unwrap().email, "new-dev@example.com");
        assert!(s.world.accounts.by_email("aws-dev@example.com").is_none());

        // A second update lapses after EMAIL_CODE_SECONDS, to the second.
        let mut s = Session::demo(crate::DEFAULT_SEED);
        let (dev, otp) = start_dev_update(&mut s, "new-dev@example.com");
        s.world.clock.advance(EMAIL_CODE_SECONDS as u64);
        let out = run(
            &mut s,
            &format!("aws account accept-primary-email-update --account-id {dev} --primary-email new-dev@example.com --otp {otp}"),
        );
        assert_eq!(out.code.as_deref(), Some("ValidationException"));
        assert!(out.text.contains("expired"), "{}", out.text);
        assert_eq!(s.world.accounts.get(&dev).unwrap().email, "aws-dev@example.com");
    }

    #[test]
    fn an_address_taken_meanwhile_is_a_conflict_when_accepting() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        let (dev, otp) = start_dev_update(&mut s, "taken@example.com");
        let prod = id(&s, "prod");
        s.world.accounts.by_id.get_mut(&prod).unwrap().email = "taken@example.com".into();
        let out = run(
            &mut s,
            &format!("aws account accept-primary-email-update --account-id {dev} --primary-email taken@example.com --otp {otp}"),
        );
        assert_eq!(out.code.as_deref(), Some("ConflictException"));
        assert_eq!(s.world.accounts.get(&dev).unwrap().email, "aws-dev@example.com");
    }

    #[test]
    fn contact_information_needs_its_fields_and_a_state_for_some_countries() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        let base = "FullName=A,AddressLine1=B,City=C,PostalCode=1,PhoneNumber=+1 555";
        let out = run(
            &mut s,
            &format!("aws account put-contact-information --contact-information \"{base},CountryCode=CA\""),
        );
        assert_eq!(out.code.as_deref(), Some("ValidationException"));
        let out = run(
            &mut s,
            &format!("aws account put-contact-information --contact-information \"{base},CountryCode=FR\""),
        );
        assert!(out.ok, "{}", out.text);
        let out =
            run(&mut s, "aws account put-contact-information --contact-information \"FullName=A,CountryCode=FR\"");
        assert!(out.text.contains("contactInformation.addressLine1"));
        assert!(plausible_email("a@b.co") && !plausible_email("a@b") && !plausible_email("a b@c.d"));
    }
}
