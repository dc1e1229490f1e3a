//! The Account service: the accounts themselves, their settings and their lifecycle.
//!
//! Owns each account's record (ID, name, root email, status, contact information, alternate
//! contacts, Regions, root-only sign-ups) and the Account Management API (`aws account ...`), whose
//! operations need no root user: IAM principals allowed `account:*` actions by the policy engine
//! may rename the account, edit its contacts and opt in to Regions
//! (<https://docs.aws.amazon.com/accounts/latest/reference/API_EnableRegion.html>). With
//! `--account-id`, the management account or the Account Management delegated administrator acts
//! on a member, and changes a member's root (primary) email with a one-time password sent to the
//! new address; such calls are evaluated in the caller's own account (see `ops`).
//!
//! The lifecycle of closure is here too: an account closed by its root user (in the console,
//! `crate::console`) is `SUSPENDED` for a 90-day post-closure period, during which only
//! its root user can sign in, and is `CLOSED` for good afterwards ([`Account::status_at`]).
//! [`Accounts::check_open`] is what stops a closed account's principals from calling AWS.
//! Organizations' `CloseAccount`, which closes members, is an Organizations handler
//! (`crate::organizations`).
//!
//! `state` holds the records, their lifecycle and the constants of their rules (re-exported
//! here); `ops` the Account Management operations and their table.
//!
//! The root user's credentials live with IAM (`crate::iam`), an account's place in an
//! organization with Organizations (`crate::organizations`), and its bills with `crate::billing`.

mod state;
pub use state::*;

pub mod ops;
