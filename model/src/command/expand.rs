//! What an action wildcard covers, from AWS's catalogue (`rootsim-catalogue`): `explain` adds one
//! line for each wildcard in the statements that decided ("`s3:Get*` covers 63 actions: ..."), so
//! that a trainee sees what a pattern grants or denies beyond the one action asked about, and
//! `who-can` one for a wildcard it is asked about.

use crate::auth::AuthRecord;
use crate::world::World;

/// How many actions a line names before it says how many more there are.
const SHOWN: usize = 8;

/// One line per distinct wildcard (`*`, `?`) in the `Action` of the statements that decided
/// `record` that matches the request's action, for the managed policies among them (customer or AWS managed, read from the
/// principal's account), in the order the decision lists them. `*` and `service:*` are left out:
/// they say plainly what they cover, and listing thousands of actions would bury the answer.
pub(super) fn wildcard_lines(world: &World, record: &AuthRecord) -> Vec<String> {
    let Some(iam) = world.iam.account(&record.principal.account) else {
        return Vec::new();
    };
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for m in &record.decision.matched {
        let Some(statement) = iam.managed_policy(&m.policy).and_then(|p| p.statement(m.index)) else {
            continue;
        };
        if statement.is_not_action() {
            continue;
        }
        for pattern in statement.actions() {
            let text = pattern.text();
            let whole_service = text == "*" || text.split_once(':').is_some_and(|(_, a)| a == "*");
            if whole_service
                || !text.contains(['*', '?'])
                || !pattern.matches(&record.action)
                || seen.iter().any(|s| s.eq_ignore_ascii_case(text))
            {
                continue;
            }
            seen.push(text.to_string());
            out.push(line(text));
        }
    }
    out
}

/// For `who-can`: the line saying what an action with a wildcard covers; `None` without one.
pub(super) fn wildcard_line(action: &str) -> Option<String> {
    action.contains(['*', '?']).then(|| line(action))
}

/// `s3:Get* covers 63 actions of AWS's catalogue: s3:GetAccelerateConfiguration, ... and 55 more.`
fn line(pattern: &str) -> String {
    let actions = rootsim_catalogue::expand(pattern);
    match actions.len() {
        0 => format!("{pattern} covers no action of AWS's catalogue."),
        n => {
            let shown = actions.iter().take(SHOWN).map(String::as_str).collect::<Vec<_>>().join(", ");
            let more = if n > SHOWN { format!(" and {} more", n - SHOWN) } else { String::new() };
            let noun = if n == 1 { "action" } else { "actions" };
            format!("{pattern} covers {n} {noun} of AWS's catalogue: {shown}{more}.")
        }
    }
}

/// Completion candidates for an action being typed: `service:` for every service prefix until the
/// word has a colon, then that service's actions (`s3:GetObject`), so that only the one service
/// named is decoded.
pub(super) fn action_candidates(prefix: &str) -> Vec<String> {
    match prefix.split_once(':') {
        Some((service, _)) => rootsim_catalogue::service(service)
            .map(|s| s.actions.iter().map(|a| format!("{service}:{}", a.name)).collect())
            .unwrap_or_default(),
        None => rootsim_catalogue::service_names().map(|(p, _)| format!("{p}:")).collect(),
    }
}

/// Condition keys from AWS's catalogue for completion: before a colon, `aws:` and every service
/// prefix; after one, that prefix's keys (the global keys for `aws:`), placeholders such as
/// `${TagKey}` cut off so that the trainee types the tag key.
pub(super) fn condition_key_candidates(prefix: &str) -> Vec<String> {
    let cut = |k: &str| k.split("${").next().unwrap_or(k).to_string();
    match prefix.split_once(':') {
        Some((service, _)) if service.eq_ignore_ascii_case("aws") => {
            rootsim_catalogue::global_condition_keys().iter().map(|k| cut(k)).collect()
        }
        Some((service, _)) => rootsim_catalogue::service(service)
            .map(|s| s.condition_keys.iter().map(|k| cut(&k.key)).collect())
            .unwrap_or_default(),
        None => std::iter::once("aws:".to_string())
            .chain(rootsim_catalogue::service_names().map(|(p, _)| format!("{p}:")))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn condition_keys_complete_from_the_catalogue() {
        assert!(super::condition_key_candidates("a").contains(&"aws:".to_string()));
        assert!(super::condition_key_candidates("aws:").contains(&"aws:SourceIp".to_string()));
        assert!(super::condition_key_candidates("aws:").contains(&"aws:PrincipalTag/".to_string()));
        assert!(super::condition_key_candidates("s3:").contains(&"s3:x-amz-acl".to_string()));
        assert!(super::condition_key_candidates("nosuch:").is_empty());
    }

    #[test]
    fn actions_complete_from_the_catalogue() {
        assert!(super::action_candidates("s").contains(&"s3:".to_string()));
        assert!(super::action_candidates("sts:").contains(&"sts:GetCallerIdentity".to_string()));
        assert!(super::action_candidates("nosuch:").is_empty());
    }

    #[test]
    fn lines_count_and_name_the_actions() {
        let l = super::line("sts:GetCallerIdentit?");
        assert_eq!(l, "sts:GetCallerIdentit? covers 1 action of AWS's catalogue: sts:GetCallerIdentity.");
        let l = super::line("s3:Get*");
        assert!(l.starts_with("s3:Get* covers "), "{l}");
        assert!(l.contains("s3:GetAccelerateConfiguration") && l.ends_with(" more."), "{l}");
        assert_eq!(super::line("s3:Nope*"), "s3:Nope* covers no action of AWS's catalogue.");
        assert_eq!(super::wildcard_line("sts:GetCallerIdentity"), None);
        assert!(super::wildcard_line("sts:Get*").is_some_and(|l| l.contains("sts:GetSessionToken")));
    }
}
