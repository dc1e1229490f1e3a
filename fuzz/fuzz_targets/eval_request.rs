//! Fuzzes `rootsim eval`'s input: any bytes must be answered line by line, never panic.
//!
//! Run with `cargo fuzz run eval_request`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    rootsim_policy::request::Evaluator::new().run(&text, &mut out);
});
