//! Runs one benchmark workload in a loop, for instruction counts under
//! `valgrind --tool=callgrind` (docs/performance.md): `profile a|b|c N`.

use rootsim_benches::{eval_requests, eval_requests_by_reference, Heavy, OneStatement};
use std::hint::black_box;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map(String::as_str).unwrap_or("a");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    match which {
        "a" => {
            let workload = OneStatement::new();
            for _ in 0..n {
                black_box(black_box(&workload).evaluate());
            }
        }
        "b" => {
            let heavy = Heavy::new();
            for _ in 0..n {
                black_box(black_box(&heavy).evaluate());
            }
        }
        _ => {
            let input = if which == "c-ref" { eval_requests_by_reference(n) } else { eval_requests(n) };
            let mut out = Vec::with_capacity(input.len() / 2);
            rootsim_policy::request::Evaluator::new().run(black_box(&input), &mut out);
            black_box(out);
        }
    }
}
