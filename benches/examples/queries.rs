//! Measures issue 21's scale targets once, for docs/performance.md's "Issue 21: scale": a
//! synthetic estate's generation (time, peak RSS), then each graph query the issue names, one
//! after the other, each with its time and the peak RSS so far.
//!
//! `queries SPEC [QUERY,...]`, e.g. `queries accounts=10000,roles=500000,policies=1000000
//! root,who,exposure,path,account,via`. The queries: `root` (`who-can-become-root` of a member,
//! root sessions off and on), `who` (`who-can iam:DeleteRole` on a member's role, no `--via`),
//! `exposure` (`who-can s3:GetObject` on an object of a public bucket), `path` (the management
//! account's `admin` to a member's `OrganizationAccountAccessRole`), `account` (`graph --account`
//! of a member, JSON), `via` (`who-can iam:DeleteRole ROLE --via`) and `via-all` (`who-can
//! iam:ListUsers '*' --via`: an action every principal with any permission holds). Root sessions
//! are on for every query after `root`.

use rootsim_model::command::Origin;
use rootsim_model::graph;
use rootsim_model::synth::{generate, Spec};
use rootsim_model::Session;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Peak resident memory so far, from the kernel (Linux only; `?` elsewhere).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l[6..].trim().to_string()))
        .unwrap_or_else(|| "?".into())
}

/// The one-minute load average, read when a figure is printed (the machine is shared).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split(' ').next().map(str::to_string))
        .unwrap_or_default()
}

/// Runs `f`, printing its time, a summary of its answer, the peak RSS and the load average.
fn timed(what: &str, f: impl FnOnce() -> String) {
    let t = Instant::now();
    let summary = f();
    let s = t.elapsed().as_secs_f64();
    println!("{what}: {s:.3} s, {summary}, peak RSS {}, load {}", peak_rss(), load());
}

fn main() {
    let spec = std::env::args().nth(1).map_or_else(Spec::default, |s| Spec::parse(&s).expect("a spec"));
    let queries = std::env::args().nth(2).unwrap_or_else(|| "root,who,exposure,path,account,via".into());
    let wanted = |q: &str| queries.split(',').any(|w| w == q);
    let t = Instant::now();
    let (world, identity) = generate(&spec, 7);
    println!("generate {spec:?}: {:.3} s, peak RSS {}, load {}", t.elapsed().as_secs_f64(), peak_rss(), load());
    let mut session = Session {
        world,
        identity,
        origin: Origin::Synthetic { seed: 7, spec },
        last: None,
        no_call: None,
        cli: Default::default(),
    };
    let org = session.world.organizations.org.as_ref().expect("an organization");
    let mgmt = org.management_account.clone();
    let member = org.accounts.keys().find(|a| **a != mgmt).cloned().expect("a member");
    if wanted("root") {
        timed("who-can-become-root (root sessions off)", || {
            format!("{} lines", graph::who_can_become_root(&session.world, &member).lines().count())
        });
    }
    session.run("aws organizations enable-aws-service-access --service-principal iam.amazonaws.com").expect_ok();
    session.run("aws iam enable-organizations-root-sessions").expect_ok();
    if wanted("root") {
        timed("who-can-become-root (root sessions on)", || {
            format!("{} lines", graph::who_can_become_root(&session.world, &member).lines().count())
        });
    }
    let role = session.world.iam.accounts[&member].roles.values().last().expect("roles");
    let role = format!("arn:aws:iam::{member}:role{}{}", role.path, role.name);
    if wanted("who") {
        timed("who-can iam:DeleteRole ROLE", || {
            let a = graph::who_can_answer(&session.world, "iam:DeleteRole", &role, false);
            format!("{} principals", a.direct.len())
        });
    }
    if wanted("exposure") {
        let public = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::scale-public-0001/*"}]}"#;
        session.run("aws s3api create-bucket --bucket scale-public-0001").expect_ok();
        session.run(&format!("aws s3api put-bucket-policy --bucket scale-public-0001 --policy '{public}'")).expect_ok();
        timed("who-can s3:GetObject (public bucket, exposure)", || {
            let a = graph::who_can_answer(&session.world, "s3:GetObject", "arn:aws:s3:::scale-public-0001/a", false);
            format!("{} principals, {} openings", a.direct.len(), a.exposure.len())
        });
    }
    if wanted("path") {
        let to = format!("arn:aws:iam::{member}:role/OrganizationAccountAccessRole");
        let from = format!("arn:aws:iam::{mgmt}:user/admin");
        timed("path admin OrganizationAccountAccessRole", || {
            graph::path(&session.world, &from, &to)
                .map_or_else(|e| e.message, |t| format!("{} lines", t.lines().count()))
        });
    }
    if wanted("account") {
        timed("graph --account MEMBER --format json", || {
            let view = graph::GraphView {
                account: Some(member.clone()),
                format: graph::GraphFormat::Json,
                ..Default::default()
            };
            graph::render(&session.world, &view).map_or_else(|e| e.message, |t| format!("{} bytes", t.len()))
        });
    }
    if wanted("via") {
        timed("who-can iam:DeleteRole ROLE --via", || {
            let a = graph::who_can_answer(&session.world, "iam:DeleteRole", &role, true);
            format!("{} + {} principals", a.direct.len(), a.via.len())
        });
    }
    if wanted("via-all") {
        timed("who-can iam:ListUsers * --via", || {
            let a = graph::who_can_answer(&session.world, "iam:ListUsers", "*", true);
            format!("{} + {} principals", a.direct.len(), a.via.len())
        });
    }
    println!("peak RSS at the end: {}", peak_rss());
}
