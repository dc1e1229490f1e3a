//! What KMS's Support cases ask of the whole world: the account's primary phone (Account), the
//! generator for the case and its code, and the phone call (mail).

use super::World;

/// Opens a Support case about an unmanageable key; returns (case id, phone called, code).
pub fn open_case(world: &mut World, account: &str, key_arn: &str) -> Result<(String, String, String), String> {
    // A key whose deletion date has passed is deleted (KMS deletes it on its next call).
    let now = world.clock.now();
    let deleted = world.kms.status.get(key_arn).and_then(|s| s.deletion).is_some_and(|(date, _)| date <= now);
    let key =
        world.kms.keys.get(key_arn).filter(|_| !deleted).ok_or_else(|| format!("Key '{key_arn}' does not exist"))?;
    if key.account != account {
        return Err(format!("Key '{key_arn}' belongs to another account; open the case from account {}.", key.account));
    }
    let phone = world.accounts.get(account).map(|a| a.contact.phone_number.clone()).unwrap_or_default();
    if phone.is_empty() {
        return Err(
            "The account has no primary phone number, so Support cannot reach the root user: set one first.".into()
        );
    }
    let id = world.rng.digits(10);
    let otp = world.rng.digits(6);
    world.kms.cases.push(crate::kms::SupportCase {
        id: id.clone(),
        key_arn: key_arn.to_string(),
        account: account.to_string(),
        otp: otp.clone(),
        resolved: false,
    });
    let now = world.clock.now();
    world.mail.call(
        &phone,
        crate::mail::PhoneMessage {
            time: now,
            from: "AWS Support".into(),
            text: format!(
                "AWS Support calling about case {id}, the recovery of a KMS key of account {account}. To authorize it, key in the one-time code from the ticket."
            ),
        },
    );
    Ok((id, phone, otp))
}

/// The person at `phone` keys in `code` for an open Support case: on a match, Support resets the
/// key policy to the default one. `None` when no case is waiting on that phone.
pub fn confirm_case(world: &mut World, phone: &str, code: &str) -> Option<Result<String, String>> {
    let accounts: Vec<String> =
        world.accounts.by_id.values().filter(|a| a.contact.phone_number == phone).map(|a| a.id.clone()).collect();
    let i = world.kms.cases.iter().position(|c| !c.resolved && accounts.contains(&c.account))?;
    if world.kms.cases[i].otp != code {
        return Some(Err("The code does not match the ticket's one-time code.".into()));
    }
    let case = &mut world.kms.cases[i];
    case.resolved = true;
    let (arn, account, id) = (case.key_arn.clone(), case.account.clone(), case.id.clone());
    if let Some(k) = world.kms.keys.get_mut(&arn) {
        k.policy = crate::kms::default_policy(&account);
    }
    Some(Ok(format!("AWS Support confirmed case {id} and reset the key policy of {arn} to the default policy: the account can manage the key again.")))
}
