//! Benchmarks of the policy engine, with the targets of docs/performance.md:
//! (a) one identity policy with one statement: under 200 ns median;
//! (b) a role with 10 managed policies of 10 statements (wildcards, two conditions each), three
//!     SCP levels, an RCP, a bucket policy and a boundary: under 2 µs median;
//! (c) `rootsim eval` on 100,000 requests sharing their policies, JSON in and out: at least
//!     200,000 decisions per second; measured with the shared documents repeated inline in every
//!     request, and defined once and referenced by name;
//! (d) hostile wildcard patterns against a 10 KB resource (issue 18): milliseconds or less.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rootsim_benches::{eval_requests, eval_requests_by_reference, Heavy, Hostile, OneStatement};
use std::hint::black_box;

/// The allocator the `rootsim` binary ships with, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn one_statement(c: &mut Criterion) {
    let workload = OneStatement::new();
    c.bench_function("a_one_identity_policy_one_statement", |b| b.iter(|| black_box(&workload).evaluate()));
}

fn heavy(c: &mut Criterion) {
    let heavy = Heavy::new();
    c.bench_function("b_role_100_statements_scps_rcp_bucket_boundary", |b| b.iter(|| black_box(&heavy).evaluate()));
}

fn eval_stream(c: &mut Criterion) {
    const N: usize = 100_000;
    let mut group = c.benchmark_group("c_eval_100k_requests");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N as u64));
    for (name, input) in
        [("documents_inline", eval_requests(N)), ("documents_by_reference", eval_requests_by_reference(N))]
    {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(input.len() / 2);
                rootsim_policy::request::Evaluator::new().run(black_box(&input), &mut out);
                out
            })
        });
    }
    group.finish();
}

fn hostile(c: &mut Criterion) {
    let mut group = c.benchmark_group("d_hostile_pattern_10kb_resource");
    for (name, pattern) in Hostile::cases() {
        let workload = Hostile::new(&pattern);
        group.bench_function(name, |b| b.iter(|| black_box(&workload).evaluate()));
    }
    group.finish();
}

criterion_group!(benches, one_statement, heavy, eval_stream, hostile);
criterion_main!(benches);
