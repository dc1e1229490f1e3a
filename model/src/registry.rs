//! The table of every modelled AWS operation, gathered from the service modules.
//!
//! The command layer, `help` and tab completion all read this one table.

use crate::service::Operation;

/// Every service's operations.
const TABLES: &[&[Operation]] = &[
    crate::account::ops::OPERATIONS,
    crate::cloudtrail::ops::OPERATIONS,
    crate::events::ops::OPERATIONS,
    crate::iam::ops::OPERATIONS,
    crate::iam::credentials::OPERATIONS,
    crate::iam::org_features::OPERATIONS,
    crate::kms::ops::OPERATIONS,
    crate::organizations::ops::OPERATIONS,
    crate::s3::ops::OPERATIONS,
    crate::sns::ops::OPERATIONS,
    crate::sqs::ops::OPERATIONS,
    crate::sts::ops::OPERATIONS,
];

/// The CLI names of the modelled services, sorted.
pub fn services() -> Vec<&'static str> {
    let mut s: Vec<&str> = TABLES.iter().filter_map(|t| t.first().map(|o| o.service)).collect();
    s.sort_unstable();
    s.dedup();
    s
}

/// The operations of `service`, in table order.
pub fn operations(service: &str) -> impl Iterator<Item = &'static Operation> + '_ {
    TABLES.iter().flat_map(|t| t.iter()).filter(move |o| o.service == service)
}

/// The operation `cli_name` (e.g. `create-user`) of `service`.
pub fn find(service: &str, cli_name: &str) -> Option<&'static Operation> {
    operations(service).find(|o| o.cli_name() == cli_name)
}

/// Every operation.
pub fn all() -> impl Iterator<Item = &'static Operation> {
    TABLES.iter().flat_map(|t| t.iter())
}
