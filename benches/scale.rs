//! Benchmarks of a synthetic estate at the size of issue 8 (1,000 accounts, 50,000 roles,
//! 100,000 policies): generation, one decision in it against the same decision in a world of
//! that one account, `who-can-become-root`, `who-can` with and without `--via` and `graph
//! --account` (issue 21), and an AWS call with its rollback copy.
//! docs/performance.md, "Scale (issue 8)", has the figures; `examples/scale.rs` measures memory.

use criterion::{criterion_group, criterion_main, Criterion};
use rootsim_model::auth::Authorizer;
use rootsim_model::command::Origin;
use rootsim_model::synth::{generate, Spec};
use rootsim_model::Session;
use std::hint::black_box;
use std::time::Duration;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn scale(c: &mut Criterion) {
    let spec = Spec::default();
    let mut g = c.benchmark_group("scale");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("generate 1000 accounts, 50000 roles, 100000 policies", |b| {
        b.iter(|| black_box(generate(black_box(&spec), 7)))
    });
    let (world, identity) = generate(&spec, 7);
    let member =
        world.organizations.org.as_ref().and_then(|o| o.accounts.keys().find(|a| **a != o.management_account).cloned());
    let member = member.expect("a member account");
    g.bench_function("who-can-become-root", |b| {
        b.iter(|| black_box(rootsim_model::graph::who_can_become_root(black_box(&world), &member)))
    });
    // Issue 21's graph queries (`examples/queries.rs` measures them once each, with memory).
    let last_role = world.iam.accounts[&member].roles.values().last().map(|r| format!("{}{}", r.path, r.name));
    let role = format!("arn:aws:iam::{member}:role{}", last_role.expect("roles"));
    g.bench_function("who-can iam:DeleteRole ROLE", |b| {
        b.iter(|| black_box(rootsim_model::graph::who_can_answer(&world, "iam:DeleteRole", black_box(&role), false)))
    });
    g.bench_function("who-can iam:DeleteRole ROLE --via", |b| {
        b.iter(|| black_box(rootsim_model::graph::who_can_answer(&world, "iam:DeleteRole", black_box(&role), true)))
    });
    // Issue 21's target: an action every principal with any permission holds, under 2 s.
    g.bench_function("who-can iam:ListUsers * --via", |b| {
        b.iter(|| black_box(rootsim_model::graph::who_can_answer(&world, "iam:ListUsers", black_box("*"), true)))
    });
    g.bench_function("graph --account MEMBER --format json", |b| {
        let view = rootsim_model::graph::GraphView {
            account: Some(member.clone()),
            format: rootsim_model::graph::GraphFormat::Json,
            ..Default::default()
        };
        b.iter(|| black_box(rootsim_model::graph::render(&world, black_box(&view))))
    });
    g.finish();

    // A developer of a member account and a role of that account.
    let (account, iam) = world.iam.accounts.iter().nth(world.iam.accounts.len() / 2).expect("accounts");
    let who = format!("arn:aws:iam::{account}:user/developer-1");
    let role = format!("arn:aws:iam::{account}:role/{}", iam.roles.values().last().expect("roles").name);
    let small = rootsim_model::synth::only_account(&world, account);
    let mut g = c.benchmark_group("decide");
    // One authorizer kept across the questions: its cache holds what the first one read.
    g.bench_function("in a world of one account", |b| {
        let auth = Authorizer::new();
        b.iter(|| black_box(auth.decide(&small, black_box(&who), "sts:AssumeRole", black_box(&role)).ok()))
    });
    g.bench_function("in the synthetic estate", |b| {
        let auth = Authorizer::new();
        b.iter(|| black_box(auth.decide(&world, black_box(&who), "sts:AssumeRole", black_box(&role)).ok()))
    });
    // The first question asked of a world: a new authorizer, its cache empty, for each.
    g.bench_function("in the synthetic estate, empty cache", |b| {
        b.iter(|| black_box(Authorizer::new().decide(&world, black_box(&who), "sts:AssumeRole", black_box(&role)).ok()))
    });
    g.finish();

    let mut session = Session {
        world,
        identity,
        origin: Origin::Synthetic { seed: 7, spec },
        last: None,
        no_call: None,
        cli: Default::default(),
    };
    let mut g = c.benchmark_group("command in the synthetic estate");
    let mut n = 0u64;
    g.bench_function("aws iam create-role, then get-role", |b| {
        b.iter(|| {
            n += 1;
            let create = format!(
                "aws iam create-role --role-name bench-{n} --assume-role-policy-document '{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"Service\":\"lambda.amazonaws.com\"}},\"Action\":\"sts:AssumeRole\"}}]}}'"
            );
            black_box(session.run(&create));
            black_box(session.run(&format!("aws iam get-role --role-name bench-{n}")))
        })
    });
    g.bench_function("a failed aws iam get-role (rolled back)", |b| {
        b.iter(|| black_box(session.run("aws iam get-role --role-name no-such-role")))
    });
    g.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
