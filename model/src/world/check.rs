//! Whether a world is one rootsim could have made: the invariants every command keeps (one
//! existing parent per account and OU, finite paths to the organization's root, accounts and
//! their IAM together, attached policies that exist, at most two access keys and eight MFA
//! devices, AssumeRoot sessions of a known task policy and at most 900 seconds). A world read
//! from a file (`load`, `Session::from_json`) is checked before it replaces the current one: a
//! hand-edited world that breaks one would otherwise decide wrongly (a broken OU chain would
//! make every SCP stop applying, an unknown boundary would be dropped) or make a command panic.

use super::World;
use crate::iam::managed::is_task_policy;
use crate::iam::{Attachments, IamAccount, MAX_ACCESS_KEYS, MAX_MFA_DEVICES};
use crate::sts::{SessionKind, MAX_ASSUME_ROOT_SECONDS, MAX_SESSION_SECONDS};
/// How many problems a report lists before it stops counting.
const MAX_REPORTED: usize = 20;

impl World {
    /// Every way this world breaks the invariants of a world rootsim makes, one sentence each
    /// (at most twenty), or `Ok` when it keeps them all.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        self.check_accounts(&mut problems);
        self.check_organization(&mut problems);
        for (account, iam) in &self.iam.accounts {
            check_iam(account, iam, &mut problems);
        }
        self.check_sessions(&mut problems);
        problems.truncate(MAX_REPORTED);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn check_accounts(&self, problems: &mut Vec<String>) {
        for (id, account) in &self.accounts.by_id {
            if &account.id != id {
                problems.push(format!("account {id} is recorded under the ID {}", account.id));
            }
            if !self.iam.accounts.contains_key(id) {
                problems.push(format!("account {id} has no IAM (no root user)"));
            }
        }
        for id in self.iam.accounts.keys() {
            if !self.accounts.by_id.contains_key(id) {
                problems.push(format!("IAM of account {id}, which does not exist"));
            }
        }
    }

    fn check_organization(&self, problems: &mut Vec<String>) {
        let Some(org) = &self.organizations.org else { return };
        if !org.accounts.contains_key(&org.management_account) {
            problems
                .push(format!("the management account {} is not a member of its organization", org.management_account));
        }
        for id in org.accounts.keys() {
            if !self.accounts.by_id.contains_key(id) {
                problems.push(format!("member account {id} does not exist"));
            }
        }
        let is_container = |id: &str| id == org.root_id || org.ous.contains_key(id);
        for (id, ou) in &org.ous {
            // Walks of the tree look OUs up by key and follow their IDs: a mismatch can loop
            // (`show organization` recursed without end on one).
            if &ou.id != id {
                problems.push(format!("OU {id} is recorded under the ID {}", ou.id));
            }
            if !is_container(&ou.parent) {
                problems.push(format!("OU {id}'s parent {} is neither the root nor an OU", ou.parent));
                continue;
            }
            // Walking up from an OU must reach the root within as many steps as there are OUs.
            let mut at = ou.parent.as_str();
            let mut steps = 0;
            while at != org.root_id && steps <= org.ous.len() {
                at = org.ous.get(at).map_or(org.root_id.as_str(), |o| o.parent.as_str());
                steps += 1;
            }
            if steps > org.ous.len() {
                problems.push(format!("OU {id} is in a cycle of parents: it has no path to the root"));
            }
        }
        for (id, member) in &org.accounts {
            if !is_container(&member.parent) {
                problems.push(format!("account {id}'s parent {} is neither the root nor an OU", member.parent));
            }
        }
        for (id, policy) in &org.policies {
            if &policy.id != id {
                problems.push(format!("policy {id} is recorded under the ID {}", policy.id));
            }
        }
        for (target, policies) in &org.attachments {
            if !is_container(target) && !org.accounts.contains_key(target) {
                problems.push(format!("policies are attached to {target}, which is not in the organization"));
            }
            for p in policies {
                if !org.policies.contains_key(p) {
                    problems.push(format!("{target} has the policy {p} attached, which does not exist"));
                }
            }
        }
        for admin in org.delegated_admins.keys() {
            if !org.accounts.contains_key(admin) {
                problems.push(format!("delegated administrator {admin} is not a member"));
            }
        }
    }

    fn check_sessions(&self, problems: &mut Vec<String>) {
        for (id, session) in &self.sts.sessions {
            if !self.accounts.by_id.contains_key(&session.account) {
                problems.push(format!("session {id} acts in account {}, which does not exist", session.account));
            }
            let lasts = session.expires - session.issued;
            match &session.kind {
                SessionKind::AssumedRoot { task_policy_arn } => {
                    if !is_task_policy(task_policy_arn) {
                        problems.push(format!(
                            "AssumeRoot session {id} names {task_policy_arn}, which is no root task policy"
                        ));
                    }
                    if !(0..=MAX_ASSUME_ROOT_SECONDS).contains(&lasts) {
                        problems.push(format!(
                            "AssumeRoot session {id} lasts {lasts} s; AssumeRoot sessions last at most 900 s"
                        ));
                    }
                }
                _ if !(0..=MAX_SESSION_SECONDS).contains(&lasts) => {
                    problems.push(format!("session {id} lasts {lasts} s; STS sessions last at most 129,600 s"));
                }
                _ => {}
            }
        }
    }
}

/// One account's IAM: credentials within their quotas, and every attached policy and boundary a
/// policy that exists (an unknown boundary would otherwise be dropped, not enforced).
fn check_iam(account: &str, iam: &IamAccount, problems: &mut Vec<String>) {
    let credentials = |who: &str, keys: usize, devices: usize, problems: &mut Vec<String>| {
        if keys > MAX_ACCESS_KEYS {
            problems.push(format!("{who} of account {account} has {keys} access keys; IAM allows 2"));
        }
        if devices > MAX_MFA_DEVICES {
            problems.push(format!("{who} of account {account} has {devices} MFA devices; IAM allows 8"));
        }
    };
    credentials("the root user", iam.root.access_keys.len(), iam.root.mfa_devices.len(), problems);
    let attached = |who: String, a: &Attachments, boundary: Option<&String>, problems: &mut Vec<String>| {
        for arn in a.managed.iter().chain(boundary) {
            if iam.managed_policy(arn).is_none() {
                problems.push(format!("{who} of account {account} has {arn} attached, which does not exist"));
            }
        }
    };
    for (key, user) in &iam.users {
        credentials(&format!("user {key}"), user.access_keys.len(), user.mfa_devices.len(), problems);
        attached(format!("user {key}"), &user.policies, user.boundary.as_ref(), problems);
    }
    for (key, group) in &iam.groups {
        attached(format!("group {key}"), &group.policies, None, problems);
        for member in &group.members {
            if !iam.users.contains_key(member) {
                problems.push(format!("group {key} of account {account} lists {member}, who is no user"));
            }
        }
    }
    for (key, role) in &iam.roles {
        attached(format!("role {key}"), &role.policies, role.boundary.as_ref(), problems);
    }
}

#[cfg(test)]
mod tests {
    use crate::{Session, DEFAULT_SEED};

    #[test]
    fn the_demo_world_and_an_empty_one_keep_every_invariant() {
        assert_eq!(Session::demo(DEFAULT_SEED).world.check(), Ok(()));
        assert_eq!(Session::empty(DEFAULT_SEED).world.check(), Ok(()));
    }

    #[test]
    fn each_broken_invariant_is_named() {
        let world = Session::demo(DEFAULT_SEED).world;
        let dev = world.accounts.find("dev").expect("demo account").id.clone();
        let mgmt = world.accounts.find("management").expect("demo account").id.clone();

        // An OU chain that loops: SCPs above it would stop applying.
        let mut w = world.clone();
        let org = w.organizations.org.as_mut().expect("an organization");
        let ou = org.ous.keys().next().cloned().expect("the demo has OUs");
        org.ous.get_mut(&ou).expect("an OU").parent = ou.clone();
        assert!(w.check().unwrap_err().iter().any(|p| p.contains("cycle")), "an OU that is its own parent");
        // An OU whose ID is another OU's (a hand-edited or damaged file): refused, not walked.
        let mut w = Session::demo(DEFAULT_SEED).world;
        let org = w.organizations.org.as_mut().expect("an organization");
        let ids: Vec<String> = org.ous.keys().cloned().collect();
        org.ous.get_mut(&ids[0]).expect("an OU").id = ids[1].clone();
        assert!(w.check().unwrap_err().iter().any(|p| p.contains("is recorded under the ID")));
        let mut w = world.clone();
        w.organizations.org.as_mut().expect("an organization").accounts.get_mut(&dev).expect("dev").parent =
            "ou-nowhere".into();
        assert!(w.check().unwrap_err().iter().any(|p| p.contains("neither the root nor an OU")));

        // An account without IAM.
        let mut w = world.clone();
        w.iam.accounts.remove(&dev);
        assert!(w.check().unwrap_err().iter().any(|p| p.contains("has no IAM")));

        // A boundary that names no policy.
        let mut w = world.clone();
        let iam = w.iam.accounts.get_mut(&mgmt).expect("management IAM");
        iam.users.get_mut("bob").expect("bob").boundary = Some("arn:aws:iam::aws:policy/NoSuchPolicy".into());
        assert!(w.check().unwrap_err().iter().any(|p| p.contains("NoSuchPolicy")));
    }

    #[test]
    fn assume_root_sessions_are_checked() {
        let mut s = Session::demo(DEFAULT_SEED);
        let dev = s.world.accounts.find("dev").expect("demo account").id.clone();
        s.run("aws organizations enable-aws-service-access --service-principal iam.amazonaws.com").expect_ok();
        s.run("aws iam enable-organizations-root-sessions").expect_ok();
        s.run(&format!(
            "aws sts assume-root --target-principal {dev} --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
        ))
        .expect_ok();
        assert_eq!(s.world.check(), Ok(()));
        let (id, session) = s.world.sts.sessions.iter().next().map(|(k, v)| (k.clone(), v.clone())).expect("a session");
        let mut w = s.world.clone();
        w.sts.sessions.get_mut(&id).expect("the session").expires = session.issued + 36_000;
        assert!(w.check().unwrap_err().iter().any(|p| p.contains("at most 900 s")));
        let mut w = s.world.clone();
        w.sts.sessions.get_mut(&id).expect("the session").kind = crate::sts::SessionKind::AssumedRoot {
            task_policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
        };
        assert!(w.check().unwrap_err().iter().any(|p| p.contains("no root task policy")));
    }
}
