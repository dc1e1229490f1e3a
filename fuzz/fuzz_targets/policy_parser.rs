//! Fuzzes the policy parser: any text, as every kind of policy, must parse or fail with a
//! positioned `MalformedPolicyDocument`, never panic; a document that parses must print back
//! to JSON and parse again the same way.
//!
//! Run with `fuzz/run.sh policy_parser 60` (docs/fuzzing.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rootsim_policy::{Policy, PolicyKind};

const KINDS: [PolicyKind; 7] = [
    PolicyKind::Identity,
    PolicyKind::Resource,
    PolicyKind::Trust,
    PolicyKind::Boundary,
    PolicyKind::Session,
    PolicyKind::Scp,
    PolicyKind::Rcp,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for kind in KINDS {
        match Policy::parse(text, kind) {
            Ok(p) => {
                let again = Policy::parse(&p.to_json().to_string(), kind);
                assert!(again.is_ok(), "a parsed {kind:?} document must survive a round trip: {again:?}");
            }
            Err(e) => assert!(e.line >= 1 && e.column >= 1, "errors carry a position: {e:?}"),
        }
    }
});
