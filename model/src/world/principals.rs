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
//!
//! It also owns the other side of that binding: a policy written naming a user or role that does
//! not exist names no one, and IAM, KMS, SQS and SNS refuse it ([`World::missing_principal`],
//! rule IAM-POLICY-PRINCIPAL-EXISTS).

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

impl World {
    /// The first `AWS` principal of `policy` that names an IAM user or role which does not exist,
    /// in an account this world holds, as written (`None` when every one resolves).
    ///
    /// IAM resolves the principals of a role trust policy when it is written and refuses one it
    /// cannot resolve with `MalformedPolicyDocument`, `Invalid principal in policy: "AWS":"ARN"`
    /// (rule IAM-POLICY-PRINCIPAL-EXISTS). A user or role ARN resolves when the account has that
    /// name (compared case-insensitively, as IAM's names are) at that path. Account principals
    /// always resolve, and so does anything of an account the world does not hold: rootsim cannot
    /// know what exists there, and refusing it would fail trust policies towards real accounts
    /// outside the simulation (**simulator assumption**). Sessions (`assumed-role/...`) are not
    /// resolved here: they name no IAM entity.
    pub fn missing_principal(&self, policy: &Policy) -> Option<String> {
        for st in policy.statements() {
            for group in st.principals().chain(st.not_principals()) {
                if group.kind() != rootsim_policy::PrincipalType::Aws {
                    continue;
                }
                for v in group.values() {
                    if !self.principal_resolves(v) {
                        return Some(v.to_string());
                    }
                }
            }
        }
        None
    }

    /// Whether an `AWS` principal value resolves (see [`World::missing_principal`]).
    fn principal_resolves(&self, v: &str) -> bool {
        let Some(arn) = rootsim_policy::arn::Arn::parse(v) else { return true };
        if arn.service != "iam" {
            return true;
        }
        let Some(iam) = self.iam.account(arn.account) else { return true };
        let (noun, rest) = match arn.resource.split_once('/') {
            Some(("user", rest)) => ("user", rest),
            Some(("role", rest)) => ("role", rest),
            _ => return true,
        };
        let (path, name) = match rest.rsplit_once('/') {
            Some((p, n)) => (format!("/{p}/"), n),
            None => ("/".to_string(), rest),
        };
        let found_path = if noun == "user" {
            iam.users.get(&key(name)).map(|u| u.path.as_str())
        } else {
            iam.roles.get(&key(name)).map(|r| r.path.as_str())
        };
        found_path == Some(path.as_str())
    }
}

/// IAM's refusal of a policy naming a user or role that does not exist
/// ([`World::missing_principal`]).
pub fn invalid_principal(value: &str) -> AwsError {
    AwsError::malformed_policy(format!("Invalid principal in policy: \"AWS\":\"{value}\"")).with_hint(format!(
        "  {value} names no existing IAM user or role: IAM resolves the principals of a policy when it is written"
    ))
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
