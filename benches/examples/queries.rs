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
//! iam:ListUsers '*' --via`: an action every principal with any permission holds) and `whole`
//! (`graph --max-nodes` without limit, JSON: the whole graph, for comparing builds). Root sessions
//! are on for every query after `root`.
//!
//! Each line gives the wall clock and the process's CPU time (user and system, 10 ms ticks) of
//! the query, and a digest of the query's whole answer (FNV-1a of its text), so that two
//! builds can be shown to answer alike; with `QUERIES_OUT=DIR` set, each answer is also written
//! to `DIR/<query>.txt` for `diff`. With `QUERIES_REPEAT=N` each query runs N times in a row (for
//! a profiler, and a range of times from one generation): the line gives the fastest and slowest
//! run, and the example stops if two runs answer differently.

use rootsim_benches::{cpu_seconds, load, peak_rss};
use rootsim_model::graph;
use rootsim_model::synth::Spec;
use rootsim_model::Session;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// FNV-1a (64 bits) of `text`: a short fingerprint of an answer, compared across builds.
fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Runs `f`, which answers query `name` with (a summary, the whole answer's text), printing its
/// time, the summary, the answer's digest, the peak RSS and the load average; the text goes to
/// `$QUERIES_OUT/<name>.txt` when that is set. With `$QUERIES_REPEAT` (N), `f` runs N times and
/// the time is the fastest and slowest run; every run must give the same answer.
fn timed(name: &str, what: &str, f: impl Fn() -> (String, String)) {
    let repeat: usize = std::env::var("QUERIES_REPEAT").ok().and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
    let mut times = Vec::with_capacity(repeat);
    let mut cpu = Vec::with_capacity(repeat);
    let mut answer: Option<(String, String)> = None;
    for _ in 0..repeat {
        let (t, c) = (Instant::now(), cpu_seconds());
        let got = f();
        times.push(t.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (c, cpu_seconds()) {
            cpu.push(after - before);
        }
        if let Some(first) = &answer {
            assert_eq!(first.1, got.1, "{what}: two runs answered differently");
        }
        answer.get_or_insert(got);
    }
    let (summary, text) = answer.unwrap_or_default();
    let (min, max) = times.iter().fold((f64::MAX, 0f64), |(lo, hi), &t| (lo.min(t), hi.max(t)));
    let mut s = if repeat == 1 { format!("{min:.3} s") } else { format!("{min:.3} to {max:.3} s over {repeat} runs") };
    if let (Some(lo), Some(hi)) = (cpu.iter().copied().reduce(f64::min), cpu.iter().copied().reduce(f64::max)) {
        s += &if repeat == 1 { format!(" (CPU {lo:.2} s)") } else { format!(" (CPU {lo:.2} to {hi:.2} s)") };
    }
    println!("{what}: {s}, {summary}, digest {:016x}, peak RSS {}, load {}", digest(&text), peak_rss(), load());
    if let Some(dir) = std::env::var_os("QUERIES_OUT") {
        let path = std::path::Path::new(&dir).join(format!("{name}.txt"));
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
}

fn main() {
    let spec = std::env::args().nth(1).map_or_else(Spec::default, |s| Spec::parse(&s).expect("a spec"));
    let queries = std::env::args().nth(2).unwrap_or_else(|| "root,who,exposure,path,account,via".into());
    let wanted = |q: &str| queries.split(',').any(|w| w == q);
    let t = Instant::now();
    let mut session = Session::synthetic(&spec, 7);
    println!("generate {spec:?}: {:.3} s, peak RSS {}, load {}", t.elapsed().as_secs_f64(), peak_rss(), load());
    let org = session.world.organizations.org.as_ref().expect("an organization");
    let mgmt = org.management_account.clone();
    let member = org.accounts.keys().find(|a| **a != mgmt).cloned().expect("a member");
    if wanted("root") {
        timed("root-off", "who-can-become-root (root sessions off)", || {
            let text = graph::who_can_become_root(&session.world, &member);
            (format!("{} lines", text.lines().count()), text)
        });
    }
    session.run("aws organizations enable-aws-service-access --service-principal iam.amazonaws.com").expect_ok();
    session.run("aws iam enable-organizations-root-sessions").expect_ok();
    if wanted("root") {
        timed("root-on", "who-can-become-root (root sessions on)", || {
            let text = graph::who_can_become_root(&session.world, &member);
            (format!("{} lines", text.lines().count()), text)
        });
    }
    let role = session.world.iam.accounts[&member].roles.values().last().expect("roles");
    let role = format!("arn:aws:iam::{member}:role{}{}", role.path, role.name);
    if wanted("who") {
        timed("who", "who-can iam:DeleteRole ROLE", || {
            let a = graph::who_can_answer(&session.world, "iam:DeleteRole", &role, false);
            (format!("{} principals", a.direct.len()), format!("{a:#?}"))
        });
    }
    if wanted("exposure") {
        let public = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::scale-public-0001/*"}]}"#;
        session.run("aws s3api create-bucket --bucket scale-public-0001").expect_ok();
        // New buckets block public policies (S3's default since April 2023): lift it, as an owner must.
        session
            .run("aws s3api put-public-access-block --bucket scale-public-0001 --public-access-block-configuration BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=false")
            .expect_ok();
        session.run(&format!("aws s3api put-bucket-policy --bucket scale-public-0001 --policy '{public}'")).expect_ok();
        timed("exposure", "who-can s3:GetObject (public bucket, exposure)", || {
            let a = graph::who_can_answer(&session.world, "s3:GetObject", "arn:aws:s3:::scale-public-0001/a", false);
            (format!("{} principals, {} openings", a.direct.len(), a.exposure.len()), format!("{a:#?}"))
        });
    }
    if wanted("path") {
        let to = format!("arn:aws:iam::{member}:role/OrganizationAccountAccessRole");
        let from = format!("arn:aws:iam::{mgmt}:user/admin");
        timed("path", "path admin OrganizationAccountAccessRole", || match graph::path(&session.world, &from, &to) {
            Ok(t) => (format!("{} lines", t.lines().count()), t),
            Err(e) => (e.message.clone(), e.message),
        });
    }
    if wanted("account") {
        timed("account", "graph --account MEMBER --format json", || {
            let view = graph::GraphView {
                account: Some(member.clone()),
                format: graph::GraphFormat::Json,
                ..Default::default()
            };
            match graph::render(&session.world, &view) {
                Ok(t) => (format!("{} bytes", t.len()), t),
                Err(e) => (e.message.clone(), e.message),
            }
        });
    }
    if wanted("whole") {
        timed("whole", "graph --max-nodes MAX --format json (the whole graph)", || {
            let view =
                graph::GraphView { max_nodes: usize::MAX, format: graph::GraphFormat::Json, ..Default::default() };
            match graph::render(&session.world, &view) {
                Ok(t) => (format!("{} bytes", t.len()), t),
                Err(e) => (e.message.clone(), e.message),
            }
        });
    }
    if wanted("via") {
        timed("via", "who-can iam:DeleteRole ROLE --via", || {
            let a = graph::who_can_answer(&session.world, "iam:DeleteRole", &role, true);
            (format!("{} + {} principals", a.direct.len(), a.via.len()), format!("{a:#?}"))
        });
    }
    if wanted("via-all") {
        timed("via-all", "who-can iam:ListUsers * --via", || {
            let a = graph::who_can_answer(&session.world, "iam:ListUsers", "*", true);
            (format!("{} + {} principals", a.direct.len(), a.via.len()), format!("{a:#?}"))
        });
    }
    println!("peak RSS at the end: {}", peak_rss());
}
