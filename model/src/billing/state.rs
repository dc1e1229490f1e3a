//! Billing's state: whether IAM access to billing is activated per account, the sellers of
//! record, and each account's fixed tax invoices. The default for an account nobody changed
//! depends on its organization: `crate::world::billing`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The billing state of every account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Billing {
    /// When the root user activated IAM access to billing, by account ID. Accounts not listed have
    /// the default (`crate::world::billing::iam_access_default`).
    #[serde(default)]
    pub iam_access_activated: BTreeMap<String, i64>,
}

/// An AWS seller of record that issues tax invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seller {
    /// Amazon Web Services, Inc.
    AwsInc,
    /// Amazon Web Services EMEA SARL (AWS Europe).
    AwsEurope,
    /// Amazon Internet Services Private Limited (India).
    Aispl,
}

impl Seller {
    /// Every seller, in the order rootsim lists them.
    pub const ALL: [Seller; 3] = [Seller::AwsInc, Seller::AwsEurope, Seller::Aispl];

    /// The name used on the command line: `AWS-Inc`, `AWS-Europe` or `AISPL`.
    pub fn cli_name(self) -> &'static str {
        match self {
            Seller::AwsInc => "AWS-Inc",
            Seller::AwsEurope => "AWS-Europe",
            Seller::Aispl => "AISPL",
        }
    }

    /// The seller's legal name.
    pub fn legal_name(self) -> &'static str {
        match self {
            Seller::AwsInc => "Amazon Web Services, Inc.",
            Seller::AwsEurope => "Amazon Web Services EMEA SARL",
            Seller::Aispl => "Amazon Internet Services Private Limited",
        }
    }

    /// The seller named on the command line (case-insensitive).
    pub fn parse(name: &str) -> Option<Seller> {
        Seller::ALL.into_iter().find(|s| s.cli_name().eq_ignore_ascii_case(name))
    }

    /// Whether IAM principals with billing access may see this seller's tax invoices: only AWS
    /// Europe's (task `view-tax-invoices`,
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks>).
    pub fn visible_to_iam(self) -> bool {
        self == Seller::AwsEurope
    }

    fn prefix_and_currency(self) -> (&'static str, &'static str) {
        match self {
            Seller::AwsInc => ("US", "USD"),
            Seller::AwsEurope => ("EUINLU", "EUR"),
            Seller::Aispl => ("IN", "INR"),
        }
    }
}

/// One tax invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// The invoice number.
    pub id: String,
    /// Who issued it.
    pub seller: Seller,
    /// The billing period, `YYYY-MM`.
    pub period: String,
    /// The amount in hundredths of the currency.
    pub amount_cents: u64,
    /// ISO currency code.
    pub currency: &'static str,
}

impl Invoice {
    /// The amount as printed, e.g. `12.34 USD`.
    pub fn amount(&self) -> String {
        format!("{}.{:02} {}", self.amount_cents / 100, self.amount_cents % 100, self.currency)
    }
}

/// The billing periods of the fixed history: the two months before the default clock start.
pub const PERIODS: [&str; 2] = ["2025-11", "2025-12"];

/// The account's tax invoices from `seller`: one per period, with numbers and amounts derived from
/// the account ID, so that they never change between runs.
pub fn invoices(account: &str, seller: Seller) -> Vec<Invoice> {
    let digits: u64 =
        account.bytes().filter(u8::is_ascii_digit).fold(0, |n, b| (n * 10 + u64::from(b - b'0')) % 1_000_003);
    let (prefix, currency) = seller.prefix_and_currency();
    PERIODS
        .iter()
        .enumerate()
        .map(|(i, period)| {
            let salt = digits.wrapping_mul(31).wrapping_add(i as u64 * 7_919 + seller as u64 * 104_729);
            Invoice {
                id: format!("{prefix}{}{:06}", period.replace('-', ""), salt % 1_000_000),
                seller,
                period: (*period).to_string(),
                amount_cents: 1_000 + salt % 90_000,
                currency,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoices_are_fixed_per_account_and_seller() {
        let a = invoices("123456789012", Seller::AwsInc);
        assert_eq!(a, invoices("123456789012", Seller::AwsInc));
        assert_eq!(a.len(), PERIODS.len());
        assert_ne!(a[0].id, invoices("123456789012", Seller::AwsEurope)[0].id);
        assert!(a.iter().all(|i| i.currency == "USD" && i.amount_cents >= 1_000));
        assert_eq!(Seller::parse("aws-europe"), Some(Seller::AwsEurope));
        assert!(Seller::parse("AWS-Japan").is_none());
        assert!(
            Seller::AwsEurope.visible_to_iam() && !Seller::AwsInc.visible_to_iam() && !Seller::Aispl.visible_to_iam()
        );
    }
}
