//! Fuzzes the command line: any text, one command per line, run on the demo world, must answer
//! every line with an outcome (an error code and message when it fails), never panic.
//!
//! Run with `fuzz/run.sh command_line 60` (docs/fuzzing.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rootsim_model::{MemoryHost, Session, DEFAULT_SEED};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut session = Session::demo(DEFAULT_SEED);
    let mut host = MemoryHost::default();
    for line in text.lines().take(16) {
        let out = session.execute(line, &mut host);
        assert!(out.ok || out.code.is_some() || !out.text.is_empty() || out.exit, "a failure says why: {line:?}");
    }
});
