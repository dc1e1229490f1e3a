//! # rootsim-model
//!
//! The world of rootsim and its rules: accounts, AWS Organizations, the account root user, IAM
//! principals and their policies, STS sessions, and the one policy engine that decides every call.
//! The crate does no terminal or file I/O and reads no clock or randomness from the OS: time is a
//! simulated [`clock::Clock`] and every ID comes from a seeded [`rng::SimRng`], both part of the
//! world, so the same commands on the same seed always print the same transcript.
//!
//! Start with [`Session`]: it holds a [`World`] and the identity the terminal is signed in as, and
//! runs commands in the AWS CLI's syntax or the sandbox's own.
//!
//! ```
//! use rootsim_model::{MemoryHost, Session};
//!
//! let mut session = Session::demo(rootsim_model::DEFAULT_SEED);
//! let mut host = MemoryHost::default();
//! let out = session.execute("aws sts get-caller-identity", &mut host);
//! assert!(out.ok);
//! assert_eq!(out.json.unwrap()["Arn"].as_str().unwrap().rsplit('/').next(), Some("alice"));
//!
//! // bob has no permissions: IAM says no, with the AWS CLI's error line.
//! session.execute("sign-in user --account management --user-name bob --password Bob-Passw0rd!", &mut host);
//! let out = session.execute("aws iam list-users", &mut host);
//! assert_eq!(out.code.as_deref(), Some("AccessDenied"));
//! ```
//!
//! From your own `cargo test`: build or load a world ([`Session::demo`], [`Session::empty`],
//! [`Session::from_json`]), run commands ([`Session::run`], [`Outcome::expect_ok`],
//! [`Outcome::expect_error`]), and ask for decisions without running anything
//! ([`World::decide`], whose [`auth::AuthRecord`] explains itself). Policies can be decided
//! without a world too: [`policy::evaluate`], or [`eval::Evaluator`] for `rootsim eval`'s JSON.
//! Who can do what: [`graph::who_can_answer`], [`graph::AccessGraph::shortest_path`] and
//! [`graph::who_can_become_root`]. With the `proptest` feature, `strategies` draws policies,
//! requests and organizations for your own property tests.

pub mod accessanalyzer;
pub mod account;
pub mod auth;
pub mod autoscaling;
pub mod billing;
pub mod caller;
pub mod clock;
pub mod cloudformation;
pub mod cloudtrail;
pub mod codebuild;
pub mod command;
pub mod console;
pub mod demo;
pub mod ec2;
pub mod ec2_instance_connect;
pub mod error;
pub mod events;
pub mod glue;
pub mod graph;
pub mod host;
pub mod iam;
pub mod import;
pub mod kms;
pub mod lambda;
#[cfg(test)]
mod layers;
pub mod mail;
pub mod organizations;
pub mod pages;
pub mod regional;
pub mod registry;
pub mod render;
pub mod rng;
pub mod s3;
pub mod sagemaker;
pub mod service;
pub mod shared;
pub mod sns;
pub mod sqs;
pub mod ssm;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod sts;
pub mod synth;
pub mod tasks;
pub mod world;

pub use command::{Outcome, Session};
pub use demo::DEFAULT_SEED;
pub use error::AwsError;
pub use host::{Host, MemoryHost};
/// The policy engine (crate `rootsim-policy`), re-exported so that a library user needs one
/// dependency: [`policy::evaluate`], [`policy::Policy::parse`] and the rest.
pub use rootsim_policy as policy;
/// ARNs: parsing and the formats of each principal's (re-exported from `rootsim-policy`).
pub use rootsim_policy::arn;
/// `rootsim eval`'s request format and [`eval::Evaluator`] (re-exported from
/// `rootsim_policy::request`).
pub use rootsim_policy::request as eval;
pub use world::World;
