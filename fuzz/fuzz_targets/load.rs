//! Fuzzes loading a saved world: any bytes must load or be refused with a message, never panic;
//! a world that loads keeps every invariant (`World::check`) and takes a few commands, among them
//! those that once panicked on inconsistent worlds, without panicking.
//!
//! Run with `fuzz/run.sh load 60` (docs/fuzzing.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rootsim_model::{MemoryHost, Session};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut session) = Session::from_json(text) else { return };
    assert_eq!(session.world.check(), Ok(()), "a loaded world keeps every invariant");
    let mut host = MemoryHost::default();
    for line in
        ["show", "show organization", "whoami", "tasks", "aws account get-account-information", "who-can-become-root"]
    {
        let _ = session.execute(line, &mut host);
    }
});
