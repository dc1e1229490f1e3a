//! Benchmarks of the policy engine, with the targets of docs/performance.md:
//! (a) one identity policy with one statement: under 200 ns median;
//! (b) a role with 10 managed policies of 10 statements (wildcards, two conditions each), three
//!     SCP levels, an RCP, a bucket policy and a boundary: under 2 µs median;
//! (c) `rootsim eval` on 100,000 requests sharing their policies, JSON in and out: at least
//!     200,000 decisions per second; measured with the shared documents repeated inline in every
//!     request, and defined once and referenced by name.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rootsim_benches::{eval_requests, eval_requests_by_reference, Heavy, ACCOUNT};
use rootsim_model::policy::{Context, NamedPolicy, Policy, PolicyKind, PolicySet, Principal, PrincipalKind, Request};
use std::hint::black_box;

/// The allocator the `rootsim` binary ships with, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn one_statement(c: &mut Criterion) {
    let policy = Policy::parse(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}"#,
        PolicyKind::Identity,
    )
    .expect("valid");
    let principal = Principal {
        kind: PrincipalKind::User,
        arn: format!("arn:aws:iam::{ACCOUNT}:user/bob"),
        principal_arn: format!("arn:aws:iam::{ACCOUNT}:user/bob"),
        account: ACCOUNT.into(),
        service_linked_role: false,
    };
    let context = Context::new();
    let identity = [NamedPolicy { name: "p", policy: &policy }];
    let set = PolicySet { identity: &identity, ..PolicySet::default() };
    let req = Request {
        principal: &principal,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::bucket/key.txt",
        resource_account: Some(ACCOUNT),
        context: &context,
    };
    c.bench_function("a_one_identity_policy_one_statement", |b| {
        b.iter(|| rootsim_model::policy::evaluate(black_box(&req), black_box(&set)))
    });
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
                rootsim_model::eval::Evaluator::new().run(black_box(&input), &mut out);
                out
            })
        });
    }
    group.finish();
}

criterion_group!(benches, one_statement, heavy, eval_stream);
criterion_main!(benches);
