//! What the condition checks need to know of a condition key's type and of a condition value's
//! text: the type each global key has (the catalogue types only services' keys), which operator
//! family reads which type, and readers for the value forms operators take (numbers, ISO 8601
//! dates, CIDR ranges, base64). Pure functions, no findings: `checks.rs` turns their answers into
//! findings.

use rootsim_catalogue as catalogue;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The type of each global condition key, as AWS's page "AWS global condition context keys"
/// gives it (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>),
/// in the catalogue's spelling (`String`, `ARN`, `Bool`, `Numeric`, `Date`, `IPAddress`, an
/// `ArrayOf` prefix for multivalued keys). `aws:EpochTime` takes dates and numbers: it is `Date`
/// here and the date checks accept its numbers.
pub(crate) const GLOBAL_KEY_TYPES: &[(&str, &str)] = &[
    ("aws:PrincipalArn", "ARN"),
    ("aws:PrincipalAccount", "String"),
    ("aws:PrincipalOrgPaths", "ArrayOfString"),
    ("aws:PrincipalOrgID", "String"),
    ("aws:PrincipalTag/${TagKey}", "String"),
    ("aws:PrincipalIsAWSService", "Bool"),
    ("aws:PrincipalServiceName", "String"),
    ("aws:PrincipalServiceNamesList", "ArrayOfString"),
    ("aws:PrincipalType", "String"),
    ("aws:userid", "String"),
    ("aws:username", "String"),
    ("aws:AssumedRoot", "Bool"),
    ("aws:FederatedProvider", "String"),
    ("aws:TokenIssueTime", "Date"),
    ("aws:MultiFactorAuthAge", "Numeric"),
    ("aws:MultiFactorAuthPresent", "Bool"),
    ("aws:ChatbotSourceArn", "ARN"),
    ("aws:Ec2InstanceSourceVpc", "String"),
    ("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress"),
    ("aws:SourceIdentity", "String"),
    ("ec2:RoleDelivery", "Numeric"),
    ("ec2:SourceInstanceArn", "ARN"),
    ("glue:RoleAssumedBy", "String"),
    ("glue:CredentialIssuingService", "String"),
    ("lambda:SourceFunctionArn", "ARN"),
    ("ssm:SourceInstanceArn", "ARN"),
    ("identitystore:UserId", "String"),
    ("aws:SourceIp", "IPAddress"),
    ("aws:SourceVpc", "String"),
    ("aws:SourceVpcArn", "ARN"),
    ("aws:SourceVpce", "String"),
    ("aws:VpceAccount", "String"),
    ("aws:VpceOrgPaths", "ArrayOfString"),
    ("aws:VpceOrgID", "String"),
    ("aws:VpcSourceIp", "IPAddress"),
    ("aws:ResourceAccount", "String"),
    ("aws:ResourceOrgPaths", "ArrayOfString"),
    ("aws:ResourceOrgID", "String"),
    ("aws:ResourceTag/${TagKey}", "String"),
    ("aws:CalledVia", "ArrayOfString"),
    ("aws:CalledViaFirst", "String"),
    ("aws:CalledViaLast", "String"),
    ("aws:ViaAWSService", "Bool"),
    ("aws:CurrentTime", "Date"),
    ("aws:EpochTime", "Date"),
    ("aws:referer", "String"),
    ("aws:RequestedRegion", "String"),
    ("aws:RequestTag/${TagKey}", "String"),
    ("aws:TagKeys", "ArrayOfString"),
    ("aws:SecureTransport", "Bool"),
    ("aws:SourceAccount", "String"),
    ("aws:SourceArn", "ARN"),
    ("aws:SourceOrgID", "String"),
    ("aws:SourceOrgPaths", "ArrayOfString"),
    ("aws:UserAgent", "String"),
    ("aws:IsMcpServiceAction", "Bool"),
];

/// The type of the condition key `key` (`String`, `ArrayOfARN`, ...): a global key's from
/// [`GLOBAL_KEY_TYPES`], a service key's from the catalogue; `None` for a key neither knows.
pub(crate) fn key_type(key: &str) -> Option<&'static str> {
    if let Some((_, t)) = GLOBAL_KEY_TYPES.iter().find(|(g, _)| catalogue::condition_key_matches(g, key)) {
        return Some(t);
    }
    let (prefix, _) = key.split_once(':')?;
    let service = catalogue::service(prefix)?;
    service.condition_keys.iter().find(|k| catalogue::condition_key_matches(&k.key, key)).map(|k| k.kind.as_str())
}

/// The family of a condition operator without qualifier and `IfExists` (`StringLike` is
/// `String`), as the types of keys name them; `None` for `Null`, which reads any key.
pub(crate) fn operator_family(base: &str) -> Option<&'static str> {
    Some(match base {
        "Null" => return None,
        b if b.starts_with("String") => "String",
        b if b.starts_with("Numeric") => "Numeric",
        b if b.starts_with("Date") => "Date",
        "Bool" => "Bool",
        "BinaryEquals" => "Binary",
        "IpAddress" | "NotIpAddress" => "IPAddress",
        b if b.starts_with("Arn") => "ARN",
        _ => return None,
    })
}

/// Whether an operator of `family` reads a key of type `kind` (without `ArrayOf`): each type
/// its own family, and string and ARN operators each other's keys: AWS's pages use `StringEquals`
/// and `StringLike` with `aws:SourceArn` and `aws:PrincipalArn`, and AWS managed policies
/// `ArnLike` with String keys that carry ARNs (`kms:EncryptionContext:aws:s3:arn`, 50 statements).
pub(crate) fn family_reads(family: &str, kind: &str) -> bool {
    let kind = kind.strip_prefix("ArrayOf").unwrap_or(kind);
    let text = |t: &str| matches!(t, "String" | "ARN");
    family == kind || (text(kind) && text(family)) || !KNOWN_KINDS.contains(&kind)
}

/// The key types [`family_reads`] judges; a type the catalogue adds later is not judged.
const KNOWN_KINDS: &[&str] = &["String", "ARN", "Bool", "Numeric", "Date", "IPAddress", "Binary"];

/// How the finding names a type (`Bool` is the page's `Boolean`).
pub(crate) fn type_name(kind: &str) -> &str {
    match kind.strip_prefix("ArrayOf").unwrap_or(kind) {
        "Bool" => "Boolean",
        k => k,
    }
}

/// Whether `text` is a decimal number as numeric operators read it (`12`, `-3.5`).
pub(crate) fn is_number(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !int.is_empty() && digits(int) && digits(frac) && !(t.contains('.') && frac.is_empty())
}

/// Whether `text` is all ASCII digits: a Unix epoch time where a date is expected.
pub(crate) fn is_epoch(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `text` is a W3C/ISO 8601 date or date-time: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, then
/// optionally `Thh:mm`, `:ss`, a fraction, and `Z` or `±hh:mm`.
pub(crate) fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| b.len() >= from + n && b[from..from + n].iter().all(u8::is_ascii_digit);
    let range = |from: usize, lo: u32, hi: u32| {
        let v = text[from..from + 2].parse::<u32>().unwrap_or(u32::MAX);
        (lo..=hi).contains(&v)
    };
    if !digits(0, 4) {
        return false;
    }
    let mut at = 4;
    for (lo, hi) in [(1, 12), (1, 31)] {
        if b.get(at) != Some(&b'-') {
            return at == b.len();
        }
        if !digits(at + 1, 2) || !range(at + 1, lo, hi) {
            return false;
        }
        at += 3;
        if at == b.len() {
            return true;
        }
    }
    if at != 10 || b.get(at) != Some(&b'T') {
        return false;
    }
    // hh:mm
    if !digits(11, 2) || !range(11, 0, 23) || b.get(13) != Some(&b':') || !digits(14, 2) || !range(14, 0, 59) {
        return false;
    }
    at = 16;
    if b.get(at) == Some(&b':') {
        if !digits(at + 1, 2) || !range(at + 1, 0, 60) {
            return false;
        }
        at += 3;
        if b.get(at) == Some(&b'.') {
            at += 1;
            let start = at;
            while b.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            if at == start {
                return false;
            }
        }
    }
    match b.get(at) {
        None => true,
        Some(b'Z') => at + 1 == b.len(),
        Some(b'+' | b'-') => {
            at + 6 == b.len() && digits(at + 1, 2) && b[at + 3] == b':' && digits(at + 4, 2) && range(at + 1, 0, 23)
        }
        _ => false,
    }
}

/// An IP address or CIDR range as IP address operators read it: the address and the prefix
/// length (the address's full length when none is written).
pub(crate) fn parse_cidr(text: &str) -> Option<(IpAddr, u8)> {
    let (addr, len) = match text.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (text, None),
    };
    let addr: IpAddr = addr.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len = match len {
        Some(l) if !l.is_empty() && l.len() <= 3 && l.bytes().all(|b| b.is_ascii_digit()) => l.parse::<u8>().ok()?,
        Some(_) => return None,
        None => max,
    };
    (len <= max).then_some((addr, len))
}

/// The range `addr/len` with the bits after the prefix cleared, when some were set: the address
/// the IMPROVE_IP_RANGE suggestion proposes.
pub(crate) fn masked(addr: IpAddr, len: u8) -> Option<IpAddr> {
    let out = match addr {
        IpAddr::V4(a) => {
            let bits = u32::from(a);
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - u32::from(len)) };
            IpAddr::V4(Ipv4Addr::from(bits & mask))
        }
        IpAddr::V6(a) => {
            let bits = u128::from(a);
            let mask = if len == 0 { 0 } else { u128::MAX << (128 - u32::from(len)) };
            IpAddr::V6(Ipv6Addr::from(bits & mask))
        }
    };
    (out != addr).then_some(out)
}

/// Whether the whole range `addr/len` is private (RFC 1918 for IPv4, unique local `fc00::/7`
/// for IPv6): addresses `aws:SourceIp` never carries.
pub(crate) fn is_private_range(addr: IpAddr, len: u8) -> bool {
    match addr {
        IpAddr::V4(a) => {
            let bits = u32::from(a);
            [([10, 0, 0, 0], 8u32), ([172, 16, 0, 0], 12), ([192, 168, 0, 0], 16)].iter().any(|(net, n)| {
                let mask = u32::MAX << (32 - n);
                u32::from(len) >= *n && bits & mask == u32::from(Ipv4Addr::from(*net))
            })
        }
        IpAddr::V6(a) => len >= 7 && (u128::from(a) >> 121) == (0xfc >> 1),
    }
}

/// Whether `text` is base64 (standard alphabet, padded to a multiple of four): what
/// `BinaryEquals` compares.
pub(crate) fn is_base64(text: &str) -> bool {
    let b = text.as_bytes();
    if b.is_empty() || b.len() % 4 != 0 {
        return false;
    }
    let pad = b.iter().rev().take_while(|&&c| c == b'=').count();
    pad <= 2 && b[..b.len() - pad].iter().all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
}

/// Whether `text` is a VPC (`prefix` `vpc-`) or VPC endpoint (`vpce-`) identifier: the prefix then
/// 8 or 17 alphanumeric characters.
pub(crate) fn is_vpc_id(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix)
        .is_some_and(|rest| matches!(rest.len(), 8 | 17) && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_accept_what_operators_read() {
        assert!(is_number("12") && is_number("-3.5") && !is_number("1.") && !is_number("ten") && !is_number(""));
        for d in ["2024", "2024-01", "2024-01-31", "2024-01-31T10:00Z", "2024-01-31T10:00:59.5+01:00"] {
            assert!(is_iso_date(d), "{d}");
        }
        for d in ["2024-13-01", "2024-1-01", "yesterday", "2024-01-31T25:00Z", "2024-01-31 10:00", "1700000000"] {
            assert!(!is_iso_date(d), "{d}");
        }
        assert_eq!(parse_cidr("203.0.113.0/24").map(|(_, l)| l), Some(24));
        assert!(parse_cidr("203.0.113.0/33").is_none() && parse_cidr("300.0.0.1").is_none());
        assert_eq!(parse_cidr("2001:db8::/32").map(|(_, l)| l), Some(32));
        let (a, l) = parse_cidr("203.0.113.5/24").unwrap();
        assert_eq!(masked(a, l).map(|m| m.to_string()), Some("203.0.113.0".to_string()));
        let (a, l) = parse_cidr("203.0.113.0/24").unwrap();
        assert_eq!(masked(a, l), None);
        let private = |s: &str| parse_cidr(s).map(|(a, l)| is_private_range(a, l));
        assert_eq!(private("10.1.0.0/16"), Some(true));
        assert_eq!(private("172.31.255.255"), Some(true));
        assert_eq!(private("172.32.0.0/16"), Some(false));
        assert_eq!(private("0.0.0.0/0"), Some(false));
        assert_eq!(private("fd00::/8"), Some(true));
        assert!(is_base64("aGVsbG8=") && !is_base64("hello") && !is_base64("a==="));
        assert!(is_vpc_id("vpc-1a2b3c4d", "vpc-") && is_vpc_id("vpce-11223344556677889", "vpce-"));
        assert!(!is_vpc_id("vpc-123", "vpc-") && !is_vpc_id("vpce-1a2b3c4d", "vpc-"));
    }

    #[test]
    fn every_global_key_has_a_type() {
        for g in catalogue::global_condition_keys() {
            assert!(GLOBAL_KEY_TYPES.iter().any(|(k, _)| k == g), "{g} has no type");
        }
        assert_eq!(key_type("aws:SecureTransport"), Some("Bool"));
        assert_eq!(key_type("aws:PrincipalTag/team"), Some("String"));
        assert_eq!(key_type("s3:max-keys"), Some("Numeric"));
        assert_eq!(key_type("nope:nothing"), None);
    }
}
