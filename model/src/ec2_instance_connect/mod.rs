//! EC2 Instance Connect (`aws ec2-instance-connect`): pushing an SSH public key to an instance.
//!
//! This module owns one operation, `SendSSHPublicKey` (`ops`), and no state: the key AWS puts in
//! the instance's metadata for 60 seconds is not kept, since nothing in rootsim connects with it.
//! Whoever may send a key to a running instance can log in and act as the role of its instance
//! profile (the principal graph's escalation through existing workloads,
//! [`crate::world::workloads`]). rootsim assumes the Instance Connect package installed on every
//! running instance (rule EIC-SEND-SSH-PUBLIC-KEY).

pub mod ops;
