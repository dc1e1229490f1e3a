//! Fuzzes importing an estate: any set of files (the input split into `path\0text\0` pairs) must
//! import what is sound and list the rest, never panic; what it builds keeps every invariant of a
//! world (`World::check`).
//!
//! Run with `fuzz/run.sh import 60` (docs/fuzzing.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rootsim_model::import::import;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parts: Vec<&str> = text.split('\0').collect();
    let files: Vec<(String, String)> =
        parts.chunks(2).filter(|c| c.len() == 2).map(|c| (c[0].to_string(), c[1].to_string())).collect();
    let imported = import(&files, 7);
    let _ = imported.report();
    assert_eq!(imported.world.check(), Ok(()), "an imported world keeps every invariant");
});
