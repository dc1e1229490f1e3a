//! Measures a synthetic estate once, for docs/performance.md's "Scale" section: generation time,
//! peak memory (VmHWM), an AWS call's cost, a decision in the big world against the same
//! decision in the demo world, `who-can-become-root` and `who-can --via`.
//! `cargo run --release -p rootsim-benches --example scale [accounts=1000,roles=50000,policies=100000]`

use rootsim_benches::peak_rss;
use rootsim_model::auth::Authorizer;
use rootsim_model::synth::{generate, Spec};
use rootsim_model::{Session, World};
use std::hint::black_box;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Mean time of `f` over `n` runs, in microseconds.
fn mean_us(n: u32, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed().as_secs_f64() * 1e6 / f64::from(n)
}

/// A member's developer and a role of its own account: the decision to compare.
fn question(world: &World) -> (String, String) {
    let (account, iam) = world.iam.accounts.iter().nth(world.iam.accounts.len() / 2).expect("accounts");
    let role = iam.roles.values().last().expect("roles");
    (format!("arn:aws:iam::{account}:user/developer-1"), format!("arn:aws:iam::{account}:role/{}", role.name))
}

fn main() {
    let spec = std::env::args().nth(1).map_or_else(Spec::default, |s| Spec::parse(&s).expect("a spec"));
    let t = Instant::now();
    let (world, identity) = generate(&spec, 7);
    println!("generate {spec:?}: {:.0} ms, peak RSS {}", t.elapsed().as_secs_f64() * 1e3, peak_rss());

    // The same decision in the estate and in a world of that one account (everything else
    // removed): what a decision costs beyond the policies it reads.
    let (who, role) = question(&world);
    let account = rootsim_policy::arn::account_of(&role).expect("a role ARN").to_string();
    let small = rootsim_model::synth::only_account(&world, &account);
    for (name, w) in [("one-account", &small), ("synthetic", &world)] {
        // One authorizer kept across the questions: after the first, its cache holds what they read.
        let auth = Authorizer::new();
        let d = auth.decide(w, &who, "sts:AssumeRole", &role).expect("the principal exists");
        let us = mean_us(20_000, || {
            black_box(auth.decide(w, black_box(&who), "sts:AssumeRole", black_box(&role)).ok());
        });
        println!("decide {who} sts:AssumeRole {role} in the {name} world ({}): {us:.2} us", d.decision.is_allowed());
        // The first question asked of a world: a new authorizer, its cache empty, for each.
        let us = mean_us(5_000, || {
            black_box(Authorizer::new().decide(w, black_box(&who), "sts:AssumeRole", black_box(&role)).ok());
        });
        println!("decide, the same with an empty cache, in the {name} world: {us:.2} us");
    }
    if std::env::var_os("DECIDE_LOOP").is_some() {
        let auth = Authorizer::new();
        for _ in 0..2_000_000 {
            black_box(auth.decide(&world, black_box(&who), "sts:AssumeRole", black_box(&role)).ok());
        }
    }

    let mut session = Session {
        world,
        identity,
        origin: rootsim_model::command::Origin::Empty { seed: 7 },
        last: None,
        no_call: None,
        cli: Default::default(),
    };
    let mut n = 0;
    let us = mean_us(200, || {
        n += 1;
        let line = format!(
            "aws iam create-role --role-name bench-{n} --assume-role-policy-document '{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"Service\":\"lambda.amazonaws.com\"}},\"Action\":\"sts:AssumeRole\"}}]}}'"
        );
        session.run(&line).expect_ok();
        session.run(&format!("aws iam get-role --role-name bench-{n}")).expect_ok();
    });
    println!("create-role + get-role in the synthetic world: {us:.0} us");
    let us = mean_us(200, || {
        session.run("aws iam get-role --role-name no-such-role").expect_error("NoSuchEntity");
    });
    println!("a failed get-role in the synthetic world: {us:.0} us");

    let mgmt = session.world.organizations.org.as_ref().expect("an organization").management_account.clone();
    let member = session.world.organizations.org.as_ref().unwrap().accounts.keys().find(|a| **a != mgmt).cloned();
    if let Some(member) = member {
        let who = |world: &World, how: &str| {
            let t = Instant::now();
            let text = rootsim_model::graph::who_can_become_root(world, &member);
            let ms = t.elapsed().as_secs_f64() * 1e3;
            println!("who-can-become-root {member}{how}: {ms:.0} ms, {} lines", text.lines().count());
        };
        who(&session.world, "");
        // With centralized root access on, the management account's principals reach every member.
        session.run("aws organizations enable-aws-service-access --service-principal iam.amazonaws.com").expect_ok();
        session.run("aws iam enable-organizations-root-sessions").expect_ok();
        who(&session.world, " with root sessions on");
        // who-can --via: the graph towards the principals allowed (and the grantees that would be).
        let role = session.world.iam.accounts[&member].roles.values().last().expect("roles");
        let role = format!("arn:aws:iam::{member}:role{}{}", role.path, role.name);
        let t = Instant::now();
        let answer = rootsim_model::graph::who_can_answer(&session.world, "iam:DeleteRole", &role, true);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let (direct, via) = (answer.direct.len(), answer.via.len());
        println!("who-can iam:DeleteRole {role} --via with root sessions on: {ms:.0} ms, {direct} + {via} principals");
    }
    println!("peak RSS at the end: {}", peak_rss());
}
