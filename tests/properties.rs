//! Invariants of the command layer and the world, over generated commands:
//! no input panics and every failure says what is wrong; a failed command leaves the saved world
//! byte-identical; the same seed gives the same transcript; save then load gives an equal world.

use proptest::prelude::*;
use rootsim_model::{MemoryHost, Session, DEFAULT_SEED};
use rootsim_tests::any_command;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_input_panics_and_failures_explain_themselves(line in any_command()) {
        let mut session = Session::demo(DEFAULT_SEED);
        let out = session.execute(&line, &mut MemoryHost::default());
        if !out.ok {
            prop_assert!(!out.text.trim().is_empty(), "failure without a message for {line:?}");
            prop_assert!(out.code.is_some(), "failure without a code for {line:?}");
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let line = String::from_utf8_lossy(&bytes);
        let mut session = Session::demo(DEFAULT_SEED);
        let _ = session.execute(&line, &mut MemoryHost::default());
        let _ = rootsim_model::command::complete::complete(&session, &line, line.len() / 2);
    }

    #[test]
    fn a_failed_command_leaves_the_saved_world_byte_identical(setup in prop::collection::vec(any_command(), 0..6), line in any_command()) {
        let mut session = Session::demo(DEFAULT_SEED);
        let mut host = MemoryHost::default();
        for s in &setup {
            session.execute(s, &mut host);
        }
        let before = session.to_json();
        let out = session.execute(&line, &mut host);
        if !out.ok {
            prop_assert_eq!(before, session.to_json(), "{} changed the world although it failed", line);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_transcript(lines in prop::collection::vec(any_command(), 1..12), seed in 0u64..1000) {
        let run = || {
            let mut session = Session::demo(seed);
            let mut host = MemoryHost::default();
            lines.iter().map(|l| session.execute(l, &mut host).text).collect::<Vec<_>>()
        };
        prop_assert_eq!(run(), run());
    }

    #[test]
    fn save_then_load_gives_back_an_equal_world(lines in prop::collection::vec(any_command(), 0..12)) {
        let mut session = Session::demo(DEFAULT_SEED);
        let mut host = MemoryHost::default();
        for l in &lines {
            session.execute(l, &mut host);
        }
        let loaded = Session::from_json(&session.to_json()).expect("a saved world loads");
        prop_assert_eq!(&loaded.world, &session.world);
        prop_assert_eq!(&loaded.identity, &session.identity);
        prop_assert_eq!(loaded.to_json(), session.to_json());
    }
}

#[test]
fn a_malformed_saved_world_is_refused_with_its_position() {
    let err = Session::from_json("{\n  \"format\": 1,\n  \"world\": [\n").unwrap_err();
    assert!(err.contains("line"), "{err}");
}
