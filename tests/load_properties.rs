//! Loading never admits a world that breaks an invariant, and no command panics on a world that
//! loads (issue 18's inconsistent saved worlds): a saved demo world is mutated at random (a key
//! removed, a string or number replaced by another taken from the same document), loaded, and
//! when `Session::from_json` accepts it, any command runs on it, among them the ones that once
//! panicked on such worlds (`show`, `tasks --account`, `sign-in root`, `get-account-information`).

use proptest::prelude::*;
use rootsim_model::{MemoryHost, Session, DEFAULT_SEED};
use rootsim_tests::any_command;
use serde_json::Value;

/// One change to a JSON document, chosen by numbers that index into whatever the document holds.
#[derive(Debug, Clone)]
enum Mutation {
    /// Remove the n-th object member (in document order).
    RemoveMember(usize),
    /// Replace the n-th string with the m-th string.
    SwapString(usize, usize),
    /// Replace the n-th number with another number.
    SetNumber(usize, i64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::RemoveMember),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapString(a, b)),
        (any::<usize>(), prop_oneof![Just(0i64), Just(-1), Just(36_000), Just(i64::MAX), any::<i64>()])
            .prop_map(|(a, n)| Mutation::SetNumber(a, n)),
    ]
}

/// Every string value of the document, in order.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// Applies `f` to the n-th node for which `pick` holds (counting in document order); returns
/// whether it found one.
fn at_nth(v: &mut Value, n: &mut usize, pick: &dyn Fn(&Value) -> bool, f: &mut dyn FnMut(&mut Value)) -> bool {
    if pick(v) {
        if *n == 0 {
            f(v);
            return true;
        }
        *n -= 1;
    }
    match v {
        Value::Array(a) => a.iter_mut().any(|x| at_nth(x, n, pick, f)),
        Value::Object(m) => m.values_mut().any(|x| at_nth(x, n, pick, f)),
        _ => false,
    }
}

fn apply(doc: &mut Value, m: &Mutation, pool: &[String]) {
    match m {
        Mutation::RemoveMember(i) => {
            let members = count(doc, &|v| v.as_object().is_some_and(|o| !o.is_empty()));
            let mut n = i % members.max(1);
            at_nth(doc, &mut n, &|v| v.as_object().is_some_and(|o| !o.is_empty()), &mut |v| {
                if let Some(o) = v.as_object_mut() {
                    let keys: Vec<String> = o.keys().cloned().collect();
                    o.remove(&keys[*i % keys.len()]);
                }
            });
        }
        Mutation::SwapString(i, j) => {
            let total = count(doc, &Value::is_string).max(1);
            let mut n = i % total;
            let replacement = pool[j % pool.len()].clone();
            at_nth(doc, &mut n, &Value::is_string, &mut |v| *v = Value::String(replacement.clone()));
        }
        Mutation::SetNumber(i, x) => {
            let total = count(doc, &Value::is_number).max(1);
            let mut n = i % total;
            at_nth(doc, &mut n, &Value::is_number, &mut |v| *v = Value::from(*x));
        }
    }
}

fn count(v: &Value, pick: &dyn Fn(&Value) -> bool) -> usize {
    let here = usize::from(pick(v));
    here + match v {
        Value::Array(a) => a.iter().map(|x| count(x, pick)).sum(),
        Value::Object(m) => m.values().map(|x| count(x, pick)).sum(),
        _ => 0,
    }
}

/// The commands that once panicked on an inconsistent world, then anything.
fn commands() -> impl Strategy<Value = Vec<String>> {
    let fixed = Just(vec![
        "show".to_string(),
        "show organization".to_string(),
        "tasks --account dev".to_string(),
        "sign-in root --email aws-dev@example.com --password Dev-Root-2026!".to_string(),
        "aws account get-account-information".to_string(),
        "whoami".to_string(),
    ]);
    (fixed, prop::collection::vec(any_command(), 0..6)).prop_map(|(mut a, b)| {
        a.extend(b);
        a
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_command_panics_on_a_world_that_loads(
        mutations in prop::collection::vec(mutation(), 1..4),
        lines in commands(),
    ) {
        let saved = Session::demo(DEFAULT_SEED).to_json();
        let mut doc: Value = serde_json::from_str(&saved).expect("a saved world is JSON");
        let mut pool = Vec::new();
        strings(&doc, &mut pool);
        for m in &mutations {
            apply(&mut doc, m, &pool);
        }
        let Ok(mut session) = Session::from_json(&doc.to_string()) else { return Ok(()) };
        // What loads keeps every invariant.
        prop_assert_eq!(session.world.check(), Ok(()));
        let mut host = MemoryHost::default();
        for line in &lines {
            let _ = session.execute(line, &mut host);
        }
    }
}
