//! Property tests for the policy parser: no input makes it panic, errors
//! always point inside the document, and valid documents survive a serde
//! round trip.

use proptest::prelude::*;
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

/// Fragments from which plausible (and implausible) documents are built.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(",".to_string()),
        Just(":".to_string()),
        Just("\"Version\"".to_string()),
        Just("\"2012-10-17\"".to_string()),
        Just("\"Statement\"".to_string()),
        Just("\"Effect\"".to_string()),
        Just("\"Allow\"".to_string()),
        Just("\"Deny\"".to_string()),
        Just("\"Action\"".to_string()),
        Just("\"s3:Get*\"".to_string()),
        Just("\"Resource\"".to_string()),
        Just("\"arn:aws:s3:::b/${aws:username}/*\"".to_string()),
        Just("\"Principal\"".to_string()),
        Just("\"*\"".to_string()),
        Just("\"Condition\"".to_string()),
        Just("\"ForAnyValue:StringLikeIfExists\"".to_string()),
        Just("\"DateLessThan\"".to_string()),
        Just("\"aws:CurrentTime\"".to_string()),
        Just("12".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("\"\\u12\"".to_string()),
        "[ -~]{0,6}".prop_map(|s| s),
        "\\PC{0,3}".prop_map(|s| s),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(800))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}", k in 0usize..7) {
        let _ = Policy::parse(&text, KINDS[k]);
    }

    #[test]
    fn assembled_documents_never_panic(parts in prop::collection::vec(fragment(), 0..60), k in 0usize..7) {
        let text = parts.join("");
        match Policy::parse(&text, KINDS[k]) {
            Ok(p) => {
                let json = serde_json::to_string(&p).unwrap();
                let back: Policy = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(back, p);
            }
            Err(e) => {
                prop_assert!(e.line >= 1 && e.column >= 1);
                prop_assert!(e.line <= text.lines().count().max(1) + 1);
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn mangled_valid_policy_never_panics(cut in 0usize..400, insert in "\\PC{0,4}", k in 0usize..7) {
        let base = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A1","Effect":"Allow","Principal":{"AWS":["111122223333"]},"Action":["s3:Get*"],"Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
        let chars: Vec<char> = base.chars().collect();
        let at = cut.min(chars.len());
        let mangled: String = chars[..at].iter().copied().chain(insert.chars()).chain(chars[at..].iter().copied()).collect();
        let _ = Policy::parse(&mangled, KINDS[k]);
        let truncated: String = chars[..at].iter().collect();
        let _ = Policy::parse(&truncated, KINDS[k]);
    }
}
