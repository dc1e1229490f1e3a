//! Runs one benchmark workload in a loop, for instruction counts under
//! `valgrind --tool=callgrind` (docs/performance.md): `profile a|b|c N`.

use rootsim_benches::{eval_requests, eval_requests_by_reference, Heavy, ACCOUNT};
use rootsim_model::policy::{Context, NamedPolicy, Policy, PolicyKind, PolicySet, Principal, PrincipalKind, Request};
use std::hint::black_box;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map(String::as_str).unwrap_or("a");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    match which {
        "a" => {
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
            for _ in 0..n {
                black_box(rootsim_model::policy::evaluate(black_box(&req), black_box(&set)));
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
            rootsim_model::eval::Evaluator::new().run(black_box(&input), &mut out);
            black_box(out);
        }
    }
}
