//! What Auto Scaling reads across services: how old an account is known to be (launch
//! configurations are refused to accounts created on or after 1 October 2024), and the role a
//! launch configuration's instance profile holds now in IAM.

use super::World;
use crate::autoscaling::LAUNCH_CONFIGURATIONS_END;

impl World {
    /// The earliest moment `account` is known to have existed: the oldest of its creation, its
    /// joining the organization, and its oldest IAM user, group, role or customer managed policy
    /// (an imported account's creation date is in no dump, so its entities date it). `None` when
    /// the account has no IAM state, or nothing dates it. Auto Scaling's refusal of launch
    /// configurations (AUTOSCALING-NEW-ACCOUNTS) and the principal graph's Auto Scaling way
    /// (GRAPH-PASSROLE-AUTOSCALING) judge an account's age by this one answer.
    pub fn account_known_since(&self, account: &str) -> Option<i64> {
        let iam = self.iam.account(account)?;
        let created = self.accounts.by_id.get(account).map(|x| x.created);
        let joined = self.organizations.of_account(account).and_then(|o| o.accounts.get(account)).map(|m| m.joined);
        let oldest_entity = iam
            .users
            .values()
            .map(|u| u.created)
            .chain(iam.groups.values().map(|g| g.created))
            .chain(iam.roles.values().map(|r| r.created))
            .chain(iam.policies.values().map(|p| p.created))
            .min();
        [created, joined, oldest_entity].into_iter().flatten().min()
    }

    /// Whether `account` may still create launch configurations: known to exist before
    /// 1 October 2024 ([`World::account_known_since`]). An account nothing dates may not (fail
    /// closed).
    pub fn may_create_launch_configurations(&self, account: &str) -> bool {
        self.account_known_since(account).is_some_and(|t| t < LAUNCH_CONFIGURATIONS_END)
    }

    /// The instance profile `profile` (a name, or an ARN) of `account`, as a launch
    /// configuration names it; `None` when the account has no such profile.
    pub fn account_profile(&self, account: &str, profile: &str) -> Option<&crate::iam::InstanceProfile> {
        let iam = self.iam.account(account)?;
        match profile.strip_prefix("arn:") {
            Some(_) => {
                let a = rootsim_policy::arn::Arn::parse(profile).filter(|a| {
                    a.service == "iam" && a.account == account && a.resource.starts_with("instance-profile/")
                })?;
                iam.instance_profile(a.resource.rsplit('/').next()?).filter(|p| p.arn(account) == profile)
            }
            None => iam.instance_profile(profile).filter(|p| p.name == profile),
        }
    }

    /// The ARN of the role held now by the instance profile `profile` (a name, or an ARN) of
    /// `account`: `None` when the profile does not exist there or holds no role. A launch
    /// configuration's instances run as this role.
    pub fn account_profile_role(&self, account: &str, profile: &str) -> Option<String> {
        let iam = self.iam.account(account)?;
        let found = self.account_profile(account, profile)?;
        let role = iam.roles.get(found.role.as_ref()?)?;
        Some(rootsim_policy::arn::iam(account, "role", &role.path, &role.name))
    }
}

#[cfg(test)]
mod tests {
    use crate::autoscaling::LAUNCH_CONFIGURATIONS_END;
    use crate::{Session, DEFAULT_SEED};

    #[test]
    fn the_cut_off_is_the_first_of_october_2024() {
        assert_eq!(LAUNCH_CONFIGURATIONS_END, crate::clock::days_from_civil(2024, 10, 1) * 86_400);
    }

    #[test]
    fn an_account_is_as_old_as_the_oldest_thing_that_dates_it() {
        let mut s = Session::demo(DEFAULT_SEED);
        let account = s.world.accounts.find("management").expect("the demo's management account").id.clone();
        // The demo's accounts are made when the clock starts, in 2026: too new.
        assert_eq!(s.world.account_known_since(&account), Some(s.world.clock.now()));
        assert!(!s.world.may_create_launch_configurations(&account));
        // An IAM user from the day before the cut-off dates the account before it.
        s.run("aws iam create-user --user-name old").expect_ok();
        let iam = s.world.iam.accounts.get_mut(&account).expect("IAM state");
        iam.users.values_mut().find(|u| u.name == "old").expect("the user").created =
            LAUNCH_CONFIGURATIONS_END - 86_400;
        assert_eq!(s.world.account_known_since(&account), Some(LAUNCH_CONFIGURATIONS_END - 86_400));
        assert!(s.world.may_create_launch_configurations(&account));
        // On the day itself it is too new; an account without IAM state is dated by nothing.
        let iam = s.world.iam.accounts.get_mut(&account).expect("IAM state");
        iam.users.values_mut().find(|u| u.name == "old").expect("the user").created = LAUNCH_CONFIGURATIONS_END;
        assert!(!s.world.may_create_launch_configurations(&account));
        assert_eq!(s.world.account_known_since("000000000000"), None);
        assert!(!s.world.may_create_launch_configurations("000000000000"));
    }
}
