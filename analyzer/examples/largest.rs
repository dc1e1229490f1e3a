//! Times Access Analyzer's checks on the largest AWS managed policy of the catalogue (the figure
//! in docs/performance.md): `cargo run --release -p rootsim-analyzer --example largest`.

use rootsim_analyzer::{validate, PolicyType};
use std::time::Instant;

fn main() {
    let (policy, doc) = rootsim_catalogue::managed_policies()
        .iter()
        .filter_map(|p| p.document().map(|d| (p, d)))
        .max_by_key(|(_, d)| d.len())
        .expect("the catalogue has managed policies");
    // The first run also decodes the catalogue's services the policy names.
    let start = Instant::now();
    let findings = validate(doc, PolicyType::Identity, None);
    let first = start.elapsed();
    let runs = 20;
    let start = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(validate(doc, PolicyType::Identity, None));
    }
    let warm = start.elapsed() / runs;
    println!(
        "{} ({} bytes): {} findings; first run {:.1} ms (catalogue decoded), then {:.1} ms per run",
        policy.name,
        doc.len(),
        findings.len(),
        first.as_secs_f64() * 1000.0,
        warm.as_secs_f64() * 1000.0
    );
}
