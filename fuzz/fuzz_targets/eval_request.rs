//! Fuzzes `rootsim eval`'s input: any bytes must be answered line by line, never panic, and the
//! answers must not depend on where the reads cut the input.
//!
//! Run with `cargo fuzz run eval_request`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rootsim_policy::request::Evaluator;
use std::io::BufReader;

fuzz_target!(|data: &[u8]| {
    let mut whole = Vec::new();
    let errors = Evaluator::new().run_stream(data, &mut whole).expect("a slice reads and a vector writes");
    // Reads of a size taken from the input, so that lines are cut anywhere.
    let capacity = usize::from(data.first().copied().unwrap_or(0) % 16) + 1;
    let mut cut = Vec::new();
    let again = Evaluator::new().run_stream(BufReader::with_capacity(capacity, data), &mut cut).expect("reads");
    assert_eq!((errors, &whole), (again, &cut));
    assert!(std::str::from_utf8(&whole).is_ok(), "answers are UTF-8");
});
