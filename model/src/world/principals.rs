//! What deleting an IAM user or role does to the policies of the whole world.
//!
//! IAM binds a user or role named in a role trust policy or a resource-based policy to the
//! principal's unique ID, not to its name: when the principal is deleted, every such `Principal`
//! entry is rewritten into the ID (`AIDA...`, `AROA...`), which the documents show from then on,
//! and a user or role created later with the same name is not named by it (rule
//! IAM-DELETED-PRINCIPAL-UNIQUE-ID). This module owns that rewrite across services: every
//! account's role trust policies, S3 bucket policies, SQS queue policies and KMS key policies.
//! The engine edits each document ([`rootsim_policy::Policy::replace_aws_principals`]); the
//! delete handlers call [`World::unbind_principal`] inside their call, so a failed delete changes
//! nothing.

use super::World;
use crate::error::{AwsError, AwsResult};
use crate::iam::key;
use rootsim_policy::{Policy, PolicyError};

/// A deleted IAM user or role: what names it in a policy, and the ID that replaces those names.
#[derive(Debug, Clone, Copy)]
pub struct Unbound<'a> {
    /// Its account.
    pub account: &'a str,
    /// `"user"` or `"role"`.
    pub noun: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its unique ID (`UserId`, `RoleId`).
    pub unique_id: &'a str,
}

impl Unbound<'_> {
    /// Does the `AWS` principal value `p` name this principal? An ARN of its account and type
    /// whose last segment is its name, compared as IAM compares names (case-insensitively), with
    /// any path: no other user or role of the account can have that name, and a principal
    /// recreated under it, with any path or case, must not inherit the entry.
    pub fn is_named_by(&self, p: &str) -> bool {
        let Some(arn) = rootsim_policy::arn::Arn::parse(p) else { return false };
        if arn.service != "iam" || arn.account != self.account {
            return false;
        }
        match arn.resource.split_once('/') {
            Some((noun, rest)) if noun == self.noun => key(rest.rsplit('/').next().unwrap_or(rest)) == key(self.name),
            _ => false,
        }
    }

    /// `policy` with the entries naming this principal turned into its unique ID; `None` when
    /// none does.
    fn rewrite(&self, policy: &Policy) -> Option<Result<Policy, PolicyError>> {
        policy.replace_aws_principals(|p| self.is_named_by(p).then(|| self.unique_id.to_string()))
    }
}

/// The engine refused a document it rewrote itself: the delete fails (and changes nothing)
/// rather than keep a policy that would still name the principal's namesake.
fn rewrite_failed(what: &str, e: &PolicyError) -> AwsError {
    AwsError::new("ServiceFailure", 500, "The request processing has failed because of an unknown error.")
        .with_hint(format!("  rewriting the principal in {what}: {e}"))
}

impl World {
    /// Rewrites, in every role trust policy of every account and in every bucket, queue and key
    /// policy, each `AWS` principal naming `principal` into its unique ID; the rest of each
    /// document stays as written. Parts without such an entry are not touched (not even copied).
    pub fn unbind_principal(&mut self, principal: Unbound<'_>) -> AwsResult<()> {
        let mut roles = Vec::new();
        for (account, iam) in &self.iam.accounts {
            for (k, role) in &iam.roles {
                if let Some(p) = principal.rewrite(&role.trust_policy) {
                    let what = format!("the trust policy of role {} in account {account}", role.name);
                    roles.push((account.clone(), k.clone(), p.map_err(|e| rewrite_failed(&what, &e))?));
                }
            }
        }
        let mut buckets = Vec::new();
        for (name, b) in &self.s3.buckets {
            if let Some(p) = b.policy.as_ref().and_then(|p| principal.rewrite(p)) {
                buckets
                    .push((name.clone(), p.map_err(|e| rewrite_failed(&format!("the policy of bucket {name}"), &e))?));
            }
        }
        let mut queues = Vec::new();
        for (arn, q) in &self.sqs.queues {
            if let Some(p) = q.policy.as_ref().and_then(|p| principal.rewrite(p)) {
                queues.push((arn.clone(), p.map_err(|e| rewrite_failed(&format!("the policy of queue {arn}"), &e))?));
            }
        }
        let mut keys = Vec::new();
        for (arn, k) in &self.kms.keys {
            if let Some(p) = principal.rewrite(&k.policy) {
                keys.push((arn.clone(), p.map_err(|e| rewrite_failed(&format!("the policy of key {arn}"), &e))?));
            }
        }
        // Every document was rewritten before anything changes: a failure above left the world
        // as it was.
        for (account, k, p) in roles {
            if let Some(role) = self.iam.accounts.get_mut(&account).and_then(|iam| iam.roles.get_mut(&k)) {
                role.trust_policy = p;
            }
        }
        for (name, p) in buckets {
            self.s3.set_policy(&name, Some(p));
        }
        for (arn, p) in queues {
            if let Some(q) = self.sqs.queues.get_mut(&arn) {
                q.policy = Some(p);
            }
        }
        for (arn, p) in keys {
            self.kms.set_policy(&arn, p);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Unbound;

    #[test]
    fn an_entry_names_the_principal_by_account_type_and_folded_name() {
        let bob = Unbound { account: "111122223333", noun: "user", name: "bob", unique_id: "AIDAEXAMPLEBOB000001" };
        for p in [
            "arn:aws:iam::111122223333:user/bob",
            "arn:aws:iam::111122223333:user/Bob",
            "arn:aws:iam::111122223333:user/team/a/bob",
        ] {
            assert!(bob.is_named_by(p), "{p}");
        }
        for p in [
            "arn:aws:iam::444455556666:user/bob",
            "arn:aws:iam::111122223333:role/bob",
            "arn:aws:iam::111122223333:user/bobby",
            "arn:aws:sts::111122223333:assumed-role/bob/s",
            "arn:aws:iam::111122223333:root",
            "111122223333",
            "*",
            "AIDAEXAMPLEBOB000001",
        ] {
            assert!(!bob.is_named_by(p), "{p}");
        }
    }
}
