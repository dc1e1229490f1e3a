//! The compiled form of a policy document.
//!
//! [`parse`](super::parse) turns JSON text into these types after checking
//! the grammar; the evaluator only ever sees this form. It owns:
//!
//! * [`Document`] / [`Statement`]: what a statement applies to, with the
//!   action and resource patterns compiled once (see [`super::pattern`]),
//! * [`PrincipalSpec`]: a `Principal`/`NotPrincipal` element, each entry
//!   classified (account, user, role, session, service...) because the
//!   evaluation chain treats grants to a role ARN differently from grants to a
//!   session ARN or to a whole account,
//! * [`Condition`] and [`Operator`]: the condition block, one entry per
//!   (operator, key) pair, values pre-parsed for their operator.
//!
//! Positions ([`Pos`]) are kept so that evaluation results and errors can
//! point at the source.

use super::json::Pos;
use super::pattern::{ActionPattern, ArnPattern, Glob};
use super::Effect;

/// The `Version` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `"2012-10-17"`: policy variables are expanded.
    V2012,
    /// `"2008-10-17"`: `${...}` is literal text.
    V2008,
    /// No `Version`: behaves like 2008-10-17.
    Absent,
}

/// A compiled policy document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The `Version` element.
    pub version: Version,
    /// The `Id` element, if any.
    pub id: Option<String>,
    /// Statements in document order.
    pub statements: Vec<Statement>,
    /// Some statement has `Effect: Allow` (lets the evaluator skip the
    /// document in the allow pass otherwise).
    pub has_allow: bool,
    /// Some statement has `Effect: Deny`.
    pub has_deny: bool,
    /// For documents of [`ServiceIndex::MIN`] to 64 statements: which statements each service
    /// bit can reach, so that evaluation visits only those instead of testing every statement.
    pub index: Option<Box<ServiceIndex>>,
}

/// Statements by effect and service bit: bit `i` of `by_bit[e][b]` is set when statement `i` has
/// effect `e` (0 Allow, 1 Deny) and its `service_mask` has bit `b`. Iterating a word's set bits
/// from the lowest visits the candidates in document order, so matches are recorded in the same
/// order as a full scan would record them.
#[derive(Debug, Clone)]
pub struct ServiceIndex {
    by_bit: [[u64; 64]; 2],
}

impl ServiceIndex {
    /// Below this many statements a plain scan costs no more than the index.
    pub const MIN: usize = 4;

    /// Indexes `statements`; `None` when there are too few or too many (over 64) for it.
    pub fn build(statements: &[Statement]) -> Option<Box<ServiceIndex>> {
        if !(Self::MIN..=64).contains(&statements.len()) {
            return None;
        }
        let mut ix = Box::new(ServiceIndex { by_bit: [[0; 64]; 2] });
        for (i, st) in statements.iter().enumerate() {
            let e = usize::from(st.effect == Effect::Deny);
            for (b, word) in ix.by_bit[e].iter_mut().enumerate() {
                if st.service_mask & (1 << b) != 0 {
                    *word |= 1 << i;
                }
            }
        }
        Some(ix)
    }

    /// The statements of `effect` whose service mask has `bit` (a one-bit mask), as a bit set of
    /// statement positions.
    #[inline]
    pub fn candidates(&self, effect: Effect, bit: u64) -> u64 {
        self.by_bit[usize::from(effect == Effect::Deny)][bit.trailing_zeros() as usize]
    }
}

impl Document {
    /// Does the document have a statement with this effect?
    #[inline]
    pub fn has(&self, effect: Effect) -> bool {
        match effect {
            Effect::Allow => self.has_allow,
            Effect::Deny => self.has_deny,
        }
    }
}

/// A reference to a policy variable used in a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    /// The context key, as written (looked up case-insensitively).
    pub key: Box<str>,
    /// Its [`super::key_fingerprint`], for fast lookups.
    pub fingerprint: u64,
    /// The `${key, 'default'}` value, if given.
    pub default: Option<Box<str>>,
}

/// A `Resource`/`NotResource` entry or any pattern that may use variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolvable<P> {
    /// The compiled pattern; its `Var(i)` tokens refer to `vars[i]`.
    pub pattern: P,
    /// Variables used by the pattern, in token-index order.
    pub vars: Box<[VarRef]>,
}

/// How a `Principal` entry names its principal(s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalEntry {
    /// `"*"` or `{"AWS": "*"}`: everyone, including anonymous callers.
    Any,
    /// A 12-digit account ID or `arn:aws:iam::<acct>:root`: the whole account
    /// (not just its root user): the account's own policies decide.
    Account(String),
    /// `arn:aws:iam::<acct>:user/...`
    User(String),
    /// `arn:aws:iam::<acct>:role/...`: every session of that role.
    Role(String),
    /// `arn:aws:sts::<acct>:assumed-role/<role>/<session>`: one session.
    Session(String),
    /// `arn:aws:sts::<acct>:federated-user/<name>`.
    FederatedUser(String),
    /// Any other `AWS` ARN, compared exactly with the caller's ARNs.
    OtherArn(String),
    /// `{"Service": "..."}`: an AWS service principal.
    Service(String),
    /// `{"Federated": "..."}`: an identity provider.
    Federated(String),
    /// `{"CanonicalUser": "..."}`: an S3 canonical user ID.
    CanonicalUser(String),
    /// An IAM user's (`AIDA...`) or role's (`AROA...`) unique ID, which IAM writes in place of the
    /// principal's ARN when that user or role is deleted (only stored documents hold one:
    /// [`super::ParseOptions::unique_ids`]). It names the caller whose `aws:userid` it is (a
    /// role's: that role's sessions), so never a principal recreated with the same name.
    UniqueId(String),
}

/// A compiled `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalSpec {
    /// True for `NotPrincipal`.
    pub not: bool,
    /// The named principals (ORed).
    pub entries: Vec<PrincipalEntry>,
    /// Some entry is a [`PrincipalEntry::UniqueId`] (explanations then say why a statement that
    /// names only deleted principals applied to nobody).
    pub has_unique_ids: bool,
}

/// A compiled statement.
#[derive(Debug, Clone)]
pub struct Statement {
    /// 0-based index in the document.
    pub index: usize,
    /// The `Sid`, if any.
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// `Principal`/`NotPrincipal`, if present.
    pub principal: Option<PrincipalSpec>,
    /// Action patterns (ORed).
    pub actions: Vec<ActionPattern>,
    /// True for `NotAction`.
    pub not_action: bool,
    /// The services the `Action` list can match ([`super::pattern::ActionKey::bit`]s; all ones for
    /// `NotAction` or a wildcard service). Lets evaluation skip statements about other services
    /// without matching their patterns: most statements of a large policy are about other services.
    pub service_mask: u64,
    /// Resource patterns (ORed); `None` when the statement has neither
    /// `Resource` nor `NotResource` (trust policies), which matches anything.
    pub resources: Option<Vec<Resolvable<ArnPattern>>>,
    /// True for `NotResource`.
    pub not_resource: bool,
    /// Condition entries (ANDed).
    pub conditions: Vec<Condition>,
    /// Where the statement starts.
    pub pos: Pos,
}

/// The set-operator prefix of a condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    /// No prefix: a single-valued comparison (a multi-valued key matches when
    /// any value matches, as IAM does).
    Single,
    /// `ForAllValues:`
    ForAll,
    /// `ForAnyValue:`
    ForAny,
}

/// The base condition operator, without prefix or `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BaseOp {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl BaseOp {
    const ALL: [(&'static str, BaseOp); 27] = [
        ("StringEquals", BaseOp::StringEquals),
        ("StringNotEquals", BaseOp::StringNotEquals),
        ("StringEqualsIgnoreCase", BaseOp::StringEqualsIgnoreCase),
        ("StringNotEqualsIgnoreCase", BaseOp::StringNotEqualsIgnoreCase),
        ("StringLike", BaseOp::StringLike),
        ("StringNotLike", BaseOp::StringNotLike),
        ("NumericEquals", BaseOp::NumericEquals),
        ("NumericNotEquals", BaseOp::NumericNotEquals),
        ("NumericLessThan", BaseOp::NumericLessThan),
        ("NumericLessThanEquals", BaseOp::NumericLessThanEquals),
        ("NumericGreaterThan", BaseOp::NumericGreaterThan),
        ("NumericGreaterThanEquals", BaseOp::NumericGreaterThanEquals),
        ("DateEquals", BaseOp::DateEquals),
        ("DateNotEquals", BaseOp::DateNotEquals),
        ("DateLessThan", BaseOp::DateLessThan),
        ("DateLessThanEquals", BaseOp::DateLessThanEquals),
        ("DateGreaterThan", BaseOp::DateGreaterThan),
        ("DateGreaterThanEquals", BaseOp::DateGreaterThanEquals),
        ("Bool", BaseOp::Bool),
        ("BinaryEquals", BaseOp::BinaryEquals),
        ("IpAddress", BaseOp::IpAddress),
        ("NotIpAddress", BaseOp::NotIpAddress),
        ("ArnEquals", BaseOp::ArnEquals),
        ("ArnLike", BaseOp::ArnLike),
        ("ArnNotEquals", BaseOp::ArnNotEquals),
        ("ArnNotLike", BaseOp::ArnNotLike),
        ("Null", BaseOp::Null),
    ];

    /// Looks up an operator name (case-sensitive, as IAM spells them).
    pub fn from_name(name: &str) -> Option<BaseOp> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, op)| op)
    }

    /// Negated operators are NORed over their values and are true when the
    /// key is missing.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            BaseOp::StringNotEquals
                | BaseOp::StringNotEqualsIgnoreCase
                | BaseOp::StringNotLike
                | BaseOp::NumericNotEquals
                | BaseOp::DateNotEquals
                | BaseOp::NotIpAddress
                | BaseOp::ArnNotEquals
                | BaseOp::ArnNotLike
        )
    }

    /// The positive counterpart of a negated operator (itself otherwise).
    pub fn positive(self) -> BaseOp {
        match self {
            BaseOp::StringNotEquals => BaseOp::StringEquals,
            BaseOp::StringNotEqualsIgnoreCase => BaseOp::StringEqualsIgnoreCase,
            BaseOp::StringNotLike => BaseOp::StringLike,
            BaseOp::NumericNotEquals => BaseOp::NumericEquals,
            BaseOp::DateNotEquals => BaseOp::DateEquals,
            BaseOp::NotIpAddress => BaseOp::IpAddress,
            BaseOp::ArnNotEquals => BaseOp::ArnEquals,
            BaseOp::ArnNotLike => BaseOp::ArnLike,
            op => op,
        }
    }

    /// String and ARN operators accept policy variables in their values.
    /// (Bool is documented as supporting variables too.)
    pub fn takes_variables(self) -> bool {
        matches!(
            self.positive(),
            BaseOp::StringEquals
                | BaseOp::StringEqualsIgnoreCase
                | BaseOp::StringLike
                | BaseOp::ArnEquals
                | BaseOp::ArnLike
                | BaseOp::Bool
        )
    }
}

/// A parsed condition operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operator {
    /// A recognised operator.
    Known {
        /// `ForAllValues:` / `ForAnyValue:` / none.
        set: SetOp,
        /// The comparison.
        base: BaseOp,
        /// `...IfExists`: true when the key is absent.
        if_exists: bool,
    },
    /// Anything else. A statement using it is unevaluable.
    Unknown,
}

impl Operator {
    /// Whether IAM's grammar knows the name: an operator of the condition operators page, with at
    /// most one `ForAllValues:`/`ForAnyValue:` prefix and an `IfExists` suffix. Wider than what
    /// [`Operator::parse`] can evaluate: `NullIfExists` is grammatical (IAM stores it) but means
    /// nothing, so it stays unevaluable.
    pub fn is_grammatical(name: &str) -> bool {
        let rest = name.strip_prefix("ForAllValues:").or_else(|| name.strip_prefix("ForAnyValue:")).unwrap_or(name);
        BaseOp::from_name(rest.strip_suffix("IfExists").unwrap_or(rest)).is_some()
    }

    /// Parses an operator name such as `ForAnyValue:StringLikeIfExists`.
    pub fn parse(name: &str) -> Operator {
        let (set, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (SetOp::ForAll, r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (SetOp::ForAny, r)
        } else {
            (SetOp::Single, name)
        };
        let (rest, if_exists) = match rest.strip_suffix("IfExists") {
            Some(r) => (r, true),
            None => (rest, false),
        };
        match BaseOp::from_name(rest) {
            // `Null` checks existence itself; `NullIfExists` is meaningless and
            // IAM does not define it, nor a set form of it.
            Some(BaseOp::Null) if if_exists || set != SetOp::Single => Operator::Unknown,
            Some(base) => Operator::Known { set, base, if_exists },
            None => Operator::Unknown,
        }
    }
}

/// The values of one condition entry, pre-parsed for the operator.
#[derive(Debug, Clone, PartialEq)]
pub enum CondValues {
    /// String operators: one glob per value (literal for `Equals`, wildcard
    /// for `Like`, case-folded for `IgnoreCase`).
    Strings(Vec<Resolvable<Glob>>),
    /// ARN operators.
    Arns(Vec<Resolvable<ArnPattern>>),
    /// Numeric operators.
    Numbers(Vec<f64>),
    /// Date operators: seconds since the Unix epoch.
    Dates(Vec<f64>),
    /// Bool: each value is `true`/`false`, possibly via a variable.
    Bools(Vec<Resolvable<Glob>>),
    /// BinaryEquals: base-64 text compared exactly.
    Binary(Vec<String>),
    /// IP operators: CIDR blocks.
    Cidrs(Vec<Cidr>),
    /// Null: `true` (key must be absent) or `false` (must be present).
    Null(Vec<bool>),
    /// The operator is unknown, or a value could not be read for it; the
    /// string says why. The statement is unevaluable.
    Invalid(String),
}

/// An IPv4 or IPv6 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    /// Network address; IPv4 is stored as an IPv4-mapped IPv6 address.
    pub addr: u128,
    /// Prefix length in the 128-bit space.
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d[/n]` or an IPv6 address with optional `/n`. A bare
    /// address is a single host.
    pub fn parse(s: &str) -> Option<Cidr> {
        let (ip, len) = match s.split_once('/') {
            Some((ip, len)) => (ip, Some(len.parse::<u8>().ok()?)),
            None => (s, None),
        };
        let ip = ip.trim().parse::<std::net::IpAddr>().ok()?;
        // IPv4 networks live in the IPv4-mapped part of the 128-bit space.
        let (bits, offset) = if ip.is_ipv4() { (32, 96) } else { (128, 0) };
        let len = len.unwrap_or(bits);
        if len > bits {
            return None;
        }
        let (addr, prefix) = (mapped(ip), offset + len);
        let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - prefix) };
        Some(Cidr { addr: addr & mask, prefix })
    }

    /// Does the network contain the address (as [`ip_address`] gives it)?
    #[inline]
    pub fn contains_address(&self, a: u128) -> bool {
        let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - self.prefix) };
        a & mask == self.addr
    }
}

/// A bare IP address as 128 bits, IPv4 as an IPv4-mapped IPv6 address; `None` when `s` is not one
/// (surrounding whitespace is ignored). Accepts exactly what `std::net::IpAddr` parses; dotted
/// IPv4, the common case in request contexts, is read by hand first because the standard parser
/// cost more than the rest of an `IpAddress` condition.
pub fn ip_address(s: &str) -> Option<u128> {
    let s = s.trim();
    if let Some(v4) = dotted_ipv4(s.as_bytes()) {
        return Some(mapped(std::net::Ipv4Addr::from(v4).into()));
    }
    s.parse::<std::net::IpAddr>().ok().map(mapped)
}

/// An address as 128 bits, IPv4 as an IPv4-mapped IPv6 address (one space for both families).
fn mapped(ip: std::net::IpAddr) -> u128 {
    match ip {
        std::net::IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        std::net::IpAddr::V6(v6) => u128::from(v6),
    }
}

/// `a.b.c.d` with four decimal octets of at most three digits, no leading zero, each <= 255 (the
/// standard parser's rules); anything else is left to it.
fn dotted_ipv4(b: &[u8]) -> Option<u32> {
    let mut out = 0u32;
    let mut parts = 0;
    for part in b.split(|&c| c == b'.') {
        parts += 1;
        if parts > 4 || part.is_empty() || part.len() > 3 || (part.len() > 1 && part[0] == b'0') {
            return None;
        }
        let mut n = 0u32;
        for &c in part {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u32::from(c - b'0');
        }
        if n > 255 {
            return None;
        }
        out = out << 8 | n;
    }
    (parts == 4).then_some(out)
}

/// One (operator, key) entry of a `Condition` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator as written (for explanations).
    pub operator_name: String,
    /// The parsed operator.
    pub operator: Operator,
    /// The condition key as written (compared case-insensitively).
    pub key: String,
    /// Its [`super::key_fingerprint`], for fast lookups.
    pub fingerprint: u64,
    /// The values, pre-parsed.
    pub values: CondValues,
    /// Where the key appears.
    pub pos: Pos,
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn ip_addresses_are_read_as_the_standard_parser_reads_them(s in "[0-9.:a-f ]{0,20}", a in 0u8..=255, b in 0u16..300) {
            let standard = |t: &str| t.trim().parse::<std::net::IpAddr>().ok().map(|ip| match ip {
                std::net::IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
                std::net::IpAddr::V6(v6) => u128::from(v6),
            });
            for t in [s.clone(), format!("{a}.{b}.0{a}.{a}"), format!("{a}.{b}.1.{b}"), format!(" 10.{a}.{b}.7 ")] {
                proptest::prop_assert_eq!(ip_address(&t), standard(&t), "{:?}", t);
            }
        }
    }

    #[test]
    fn operator_names() {
        assert_eq!(
            Operator::parse("ForAnyValue:StringLikeIfExists"),
            Operator::Known { set: SetOp::ForAny, base: BaseOp::StringLike, if_exists: true }
        );
        assert_eq!(Operator::parse("NullIfExists"), Operator::Unknown);
        assert_eq!(Operator::parse("StringEqualz"), Operator::Unknown);
        assert_eq!(Operator::parse("stringequals"), Operator::Unknown);
        assert!(matches!(Operator::parse("Null"), Operator::Known { .. }));
    }

    #[test]
    fn cidrs() {
        let c = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(ip_address("203.0.113.7").is_some_and(|a| c.contains_address(a)));
        assert!(!ip_address("203.0.114.7").is_some_and(|a| c.contains_address(a)));
        assert!(!ip_address("2001:db8::1").is_some_and(|a| c.contains_address(a)));
        let c = Cidr::parse("2001:DB8:1234:5678::/64").unwrap();
        assert!(ip_address("2001:db8:1234:5678:abcd::1").is_some_and(|a| c.contains_address(a)));
        assert!(!ip_address("2001:db8:1234:5679::1").is_some_and(|a| c.contains_address(a)));
        assert!(ip_address("10.0.0.1").is_some_and(|a| Cidr::parse("10.0.0.1").unwrap().contains_address(a)));
        assert!(!ip_address("10.0.0.2").is_some_and(|a| Cidr::parse("10.0.0.1").unwrap().contains_address(a)));
        assert!(ip_address("8.8.8.8").is_some_and(|a| Cidr::parse("0.0.0.0/0").unwrap().contains_address(a)));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("nonsense").is_none());
    }
}
