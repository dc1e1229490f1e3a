//! Billing: who may see an account's bills and tax invoices.
//!
//! Two gates stand in front of the Billing and Cost Management console for IAM principals
//! (<https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/control-access-billing.html>):
//! the account's root user must first *activate IAM access* (a per-account setting, on by default
//! for accounts created by an organization), and then the policy engine must allow the
//! billing action (`aws-portal:ViewBilling`). Neither binds the root user. Tax invoices add a third
//! rule: IAM principals may see only those issued by AWS Europe; the invoices of AWS Inc. and of
//! Amazon Internet Services Private Limited (AISPL) remain the root user's.
//!
//! The bills themselves are not simulated usage: every account has a small, fixed billing history
//! derived from its ID (the two months before the simulated clock started), so that the same world
//! always shows the same invoices.
//!
//! `state` holds the billing settings and the fixed invoices; `ops` renders the bills the
//! console shows.

mod state;
pub use state::*;

pub mod ops;
