//! What billing shows: the bills of `console view-billing`.

use super::state::{invoices, Seller, PERIODS};
use crate::world::World;

/// The text of an account's bills: each period's total across sellers, for `console view-billing`.
pub fn bills_text(world: &World, account: &str) -> String {
    let name = world.accounts.get(account).map_or("", |a| a.name.as_str());
    let mut out = format!("Bills of account {name} ({account}):\n");
    out.push_str("PERIOD    SELLER        INVOICE              AMOUNT\n");
    for (i, period) in PERIODS.iter().enumerate() {
        for seller in Seller::ALL {
            let inv = &invoices(account, seller)[i];
            out.push_str(&format!("{period}   {:<13} {:<20} {}\n", seller.cli_name(), inv.id, inv.amount()));
        }
    }
    out.trim_end().to_string()
}
