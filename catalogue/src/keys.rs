//! Condition keys: AWS's global keys, and matching a key against a key template of the reference
//! (`aws:RequestTag/${TagKey}`, `s3:ExistingObjectTag/<key>`), whose placeholder stands for any
//! non-empty text.

/// AWS's global condition keys, and the cross-service keys AWS lists with them, from
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>. The
/// service data lists only the tag keys among them, so the list is kept here.
pub const GLOBAL: &[&str] = &[
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalOrgID",
    "aws:PrincipalTag/${TagKey}",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalType",
    "aws:userid",
    "aws:username",
    "aws:AssumedRoot",
    "aws:FederatedProvider",
    "aws:TokenIssueTime",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:ChatbotSourceArn",
    "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:SourceIdentity",
    "ec2:RoleDelivery",
    "ec2:SourceInstanceArn",
    "glue:RoleAssumedBy",
    "glue:CredentialIssuingService",
    "lambda:SourceFunctionArn",
    "ssm:SourceInstanceArn",
    "identitystore:UserId",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:SourceVpce",
    "aws:VpceAccount",
    "aws:VpceOrgPaths",
    "aws:VpceOrgID",
    "aws:VpcSourceIp",
    "aws:ResourceAccount",
    "aws:ResourceOrgPaths",
    "aws:ResourceOrgID",
    "aws:ResourceTag/${TagKey}",
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:ViaAWSService",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:referer",
    "aws:RequestedRegion",
    "aws:RequestTag/${TagKey}",
    "aws:TagKeys",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:UserAgent",
    "aws:IsMcpServiceAction",
];

/// Whether `key` is a global key (case-insensitive).
pub fn is_global(key: &str) -> bool {
    GLOBAL.iter().any(|g| template_matches(g, key))
}

/// Whether `key` matches `template`, ASCII case-insensitively, where each `${...}` or `<...>` in the
/// template matches one or more characters of the key, and so does a final `/tag-key`'s `tag-key`:
/// the Service Authorization Reference spells Secrets Manager's `secretsmanager:ResourceTag/tag-key`
/// with a literal placeholder, and AWS's own policies use it with tag keys such as
/// `aws:secretsmanager:owningService`.
pub fn template_matches(template: &str, key: &str) -> bool {
    if let Some(base) = template.strip_suffix("/tag-key") {
        let n = base.len() + 1;
        return key.len() > n && key.is_char_boundary(n) && template[..n].eq_ignore_ascii_case(&key[..n]);
    }
    let (t, k) = (template.as_bytes(), key.as_bytes());
    matches_from(t, k)
}

fn matches_from(t: &[u8], k: &[u8]) -> bool {
    let Some(&first) = t.first() else {
        return k.is_empty();
    };
    let placeholder_end = match first {
        b'$' if t.get(1) == Some(&b'{') => t.iter().position(|&c| c == b'}'),
        b'<' => t.iter().position(|&c| c == b'>'),
        _ => None,
    };
    if let Some(end) = placeholder_end {
        let rest = &t[end + 1..];
        // One or more characters of the key, then the rest of the template.
        return (1..=k.len()).any(|n| matches_from(rest, &k[n..]));
    }
    match k.first() {
        Some(c) if c.eq_ignore_ascii_case(&first) => matches_from(&t[1..], &k[1..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_match_any_non_empty_text() {
        assert!(template_matches("aws:RequestTag/${TagKey}", "aws:requesttag/team"));
        assert!(!template_matches("aws:RequestTag/${TagKey}", "aws:RequestTag/"));
        assert!(template_matches("s3:ExistingObjectTag/<key>", "s3:ExistingObjectTag/x"));
        assert!(template_matches("a/${n}.value", "a/x.y.value"));
        assert!(!template_matches("a/${n}.value", "a/x.y.valu"));
        let literal = "secretsmanager:ResourceTag/tag-key";
        assert!(template_matches(literal, "secretsmanager:ResourceTag/aws:secretsmanager:owningService"));
        assert!(template_matches(literal, "SecretsManager:resourcetag/team"));
        assert!(!template_matches(literal, "secretsmanager:ResourceTag/"));
        assert!(!template_matches(literal, "secretsmanager:RequestTag/team"));
        assert!(is_global("AWS:SOURCEIP"));
        assert!(is_global("aws:PrincipalTag/dept"));
        assert!(!is_global("aws:SourceIpAddress"));
    }
}
