//! EC2 Instance Connect's operation `SendSSHPublicKey`: authorized on the instance's ARN with the
//! OS user as `ec2:osuser`, then refused unless the instance exists and is running.

use crate::auth::AuthRequest;
use crate::ec2::{instance_arn, valid_instance_id, InstanceState};
use crate::error::{AwsError, AwsResult};
use crate::service::Shape;
use crate::service::{operations, param as p};
use crate::service::{req_str, Call, Operation};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

/// The key types EC2 Instance Connect accepts: RSA (OpenSSH and SSH2 formats) and ED25519
/// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-connect-methods.html>);
/// rootsim reads the OpenSSH format's first word.
const KEY_TYPES: &[&str] = &["ssh-rsa", "ssh-ed25519"];

fn send_ssh_public_key(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let id = req_str(input, "InstanceId")?.to_string();
    let user = req_str(input, "InstanceOSUser")?.to_string();
    let key = req_str(input, "SSHPublicKey")?.trim().to_string();
    let (account, region) = (call.account(), call.region.clone());
    let pairs = [("ec2:osuser", user.as_str())];
    let arn = instance_arn(&region, &account, &id);
    let request = AuthRequest::new(&call.caller, &call.region, "ec2-instance-connect:SendSSHPublicKey", &arn)
        .with_context(&pairs);
    let record = call.decide(&request);
    call.record_decision(record)?;
    if !KEY_TYPES.iter().any(|t| key.split_whitespace().next() == Some(*t)) {
        return Err(AwsError::new("InvalidArgsException", 400, "Unsupported key type."));
    }
    let state = call.world.ec2.instance(&account, &region, &id).filter(|_| valid_instance_id(&id)).map(|i| i.state);
    match state {
        None => {
            Err(AwsError::new("EC2InstanceNotFoundException", 400, format!("Instance with id {id} could not be found")))
        }
        Some(InstanceState::Running | InstanceState::Pending) => {
            let h = call.world.rng.lower_hex(32);
            let request_id = format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]);
            Ok(json!({ "RequestId": request_id, "Success": true }))
        }
        Some(_) => Err(AwsError::new(
            "EC2InstanceStateInvalidException",
            400,
            format!("Instance {id} is not in a valid state: it must be running"),
        )),
    }
}

/// EC2 Instance Connect's operations (`aws ec2-instance-connect ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "ec2-instance-connect",
    [(
        "SendSSHPublicKey",
        send_ssh_public_key,
        "Pushes an SSH public key to a running instance for 60 seconds (a login as the OS user).",
        [
            p("InstanceId", Shape::String, true, "the instance"),
            p("InstanceOSUser", Shape::String, true, "the OS user (ec2-user, ubuntu, ...)"),
            p("SSHPublicKey", Shape::String, true, "the public key (file://key.pub)"),
            p("AvailabilityZone", Shape::String, false, "the instance's Availability Zone"),
        ]
    )]
);
