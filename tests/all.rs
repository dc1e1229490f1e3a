//! Every integration and property test of rootsim but the scenarios, as modules of one test
//! binary: one link instead of fourteen. Each module is the file of the same name beside this
//! one, so proptest still finds a module's regression file (`properties.proptest-regressions`)
//! next to its source. Run one module with `cargo test -p rootsim-tests --test all -- differential::`.
//!
//! The scenarios are a binary of their own (`scenarios.rs`, a libtest-mimic harness with one
//! trial per scenario file).

mod auth_cache;
mod catalogue;
mod cli_config;
mod conformance;
mod corpus;
mod differential;
mod docs_commands;
mod graph_properties;
mod import;
mod library;
mod load_properties;
mod metamorphic;
mod monitoring;
mod no_resource;
mod org_properties;
mod properties;
// The independent evaluator that `differential` and `metamorphic` share.
mod reference;
mod root_access_properties;
mod root_only;
mod root_repair;
mod sessions;
mod targeted_graph;
