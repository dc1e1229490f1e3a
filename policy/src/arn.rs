//! Amazon Resource Names: building and taking apart the ARNs the simulator uses.

/// The partition every simulated account lives in.
pub const PARTITION: &str = "aws";

/// The parts of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`.
    pub partition: &'a str,
    /// `iam`, `sts`, `s3`...
    pub service: &'a str,
    /// Empty for global services such as IAM.
    pub region: &'a str,
    /// The 12-digit account, `aws` for AWS managed policies, empty for S3 buckets.
    pub account: &'a str,
    /// Everything after the fifth colon, e.g. `user/path/name`.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits `text` into its six parts; `None` when it is not an ARN.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        // A byte search per part rather than `splitn`: every authorization parses a few ARNs.
        let mut rest = text.strip_prefix("arn:")?;
        let mut part = || {
            let colon = rest.bytes().position(|b| b == b':')?;
            let (head, tail) = (&rest[..colon], &rest[colon + 1..]);
            rest = tail;
            Some(head)
        };
        let (partition, service, region, account) = (part()?, part()?, part()?, part()?);
        Some(Arn { partition, service, region, account, resource: rest })
    }
}

/// `arn:aws:iam::<account>:root`: the account, or in `aws:PrincipalArn` the root user.
// These join their parts with `concat` (one allocation of the exact size), not `format!`: the
// principal of every decision is named by one of them.
pub fn root(account: &str) -> String {
    ["arn:", PARTITION, ":iam::", account, ":root"].concat()
}

/// An IAM ARN: `arn:aws:iam::<account>:<kind>/<path><name>` (path starts and ends with `/`).
pub fn iam(account: &str, kind: &str, path: &str, name: &str) -> String {
    ["arn:", PARTITION, ":iam::", account, ":", kind, path, name].concat()
}

/// An assumed-role session ARN: `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
pub fn assumed_role(account: &str, role: &str, session: &str) -> String {
    ["arn:", PARTITION, ":sts::", account, ":assumed-role/", role, "/", session].concat()
}

/// The account ID an ARN names, when it names one of 12 digits.
pub fn account_of(text: &str) -> Option<&str> {
    Arn::parse(text).map(|a| a.account).filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_builds() {
        let a = Arn::parse("arn:aws:iam::123456789012:user/dev/bob").unwrap();
        assert_eq!((a.service, a.account, a.resource), ("iam", "123456789012", "user/dev/bob"));
        assert_eq!(iam("1", "user", "/dev/", "bob"), "arn:aws:iam::1:user/dev/bob");
        assert_eq!(account_of("arn:aws:s3:::bucket"), None);
        assert!(Arn::parse("arn:aws:iam").is_none());
        assert_eq!(Arn::parse("arn:aws:sqs:us-east-1:1:q:x").unwrap().resource, "q:x");
        // Six parts or none: the resource may be empty, not missing.
        assert_eq!(Arn::parse("arn:a:b:c:d:").unwrap().resource, "");
        for not_an_arn in ["arn", "arn:", "arn:a:b:c:d", "ARN:a:b:c:d:e", "urn:a:b:c:d:e", ""] {
            assert!(Arn::parse(not_an_arn).is_none(), "{not_an_arn}");
        }
        assert_eq!(root("1"), "arn:aws:iam::1:root");
        assert_eq!(assumed_role("1", "r", "s"), "arn:aws:sts::1:assumed-role/r/s");
    }
}
