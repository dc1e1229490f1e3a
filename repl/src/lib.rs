//! The `rootsim` program: the interactive REPL, the script runner and the command-line interface.
//!
//! This crate only parses and prints; the world and its rules live in `rootsim-model`. It owns the
//! filesystem ([`host::FsHost`]), the scenario script format ([`script`]) and running many of them
//! ([`runner`]), and the interactive terminal ([`interactive`]).

pub mod host;
pub mod interactive;
pub mod runner;
pub mod script;
