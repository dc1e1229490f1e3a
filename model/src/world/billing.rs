//! What Billing asks of the whole world: whether IAM access to billing is on by default depends on
//! how the account joined its organization.

use super::World;
use crate::organizations::JoinedMethod;

/// Whether IAM access to billing is on for an account nobody changed: yes for accounts an
/// organization created, no for every other account (task `activate-iam-billing-access`,
/// <https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/control-access-billing.html>).
pub fn iam_access_default(world: &World, account: &str) -> bool {
    world
        .organizations
        .of_account(account)
        .and_then(|o| o.accounts.get(account))
        .is_some_and(|m| m.joined_method == JoinedMethod::Created)
        && !world.organizations.billing_access_denied.contains(account)
}

impl World {
    /// Whether IAM principals of `account` may use billing at all (before their policies are asked).
    pub fn iam_billing_access(&self, account: &str) -> bool {
        self.billing.iam_access_activated.contains_key(account) || iam_access_default(self, account)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn iam_access_is_on_by_default_only_for_created_members() {
        let (mut world, _) = crate::demo::demo(crate::DEFAULT_SEED);
        let mgmt = world.accounts.find("management").unwrap().id.clone();
        let dev = world.accounts.find("dev").unwrap().id.clone();
        // The demo's management account was not created by the organization; its members were.
        assert!(!world.iam_billing_access(&mgmt));
        assert!(world.iam_billing_access(&dev));
        world.billing.iam_access_activated.insert(mgmt.clone(), 0);
        assert!(world.iam_billing_access(&mgmt));
    }
}
