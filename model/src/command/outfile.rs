//! Responses the AWS CLI writes to a local file instead of printing (issue 17): `aws iam
//! create-virtual-mfa-device --outfile F --bootstrap-method M` (awscli's
//! `customizations/iamvirtmfa.py`: the chosen member of the response, base64-decoded, is written
//! to F, and both bootstrap members are removed from what is printed). Files go through the
//! [`Host`], as every file the model touches.

use super::Outcome;
use crate::host::Host;
use crate::service::Operation;
use serde_json::{Map, Value};

/// The bootstrap members of `CreateVirtualMFADevice`'s `VirtualMFADevice`, which the CLI never prints.
const BOOTSTRAP: [&str; 2] = ["QRCodePNG", "Base32StringSeed"];

/// After a successful call of `op` with `params`: writes what the CLI writes to its outfile and
/// takes it out of `response`. An outfile that cannot be written fails the command (the call
/// itself went through, as with the CLI): the failure's outcome is returned.
pub fn save(op: &Operation, params: &Map<String, Value>, response: &mut Value, host: &mut dyn Host) -> Option<Outcome> {
    if (op.service, op.name) != ("iam", "CreateVirtualMFADevice") {
        return None;
    }
    let device = response.get_mut("VirtualMFADevice").and_then(Value::as_object_mut)?;
    let method = params.get("BootstrapMethod").and_then(Value::as_str).unwrap_or("");
    let outfile = params.get("Outfile").and_then(Value::as_str).unwrap_or("");
    let body = device.get(method).and_then(Value::as_str).and_then(crate::pages::base64_decode);
    for member in BOOTSTRAP {
        device.remove(member);
    }
    let e = host.write_bytes(outfile, &body?).err()?;
    Some(Outcome::fail("OutfileError", format!("[Errno 2] {e}: '{outfile}'")))
}

#[cfg(test)]
mod tests {
    use crate::host::{Host, MemoryHost};
    use crate::Session;

    #[test]
    fn the_seed_goes_to_the_outfile_and_not_to_the_output() {
        let mut s = Session::demo(1);
        let mut host = MemoryHost::default();
        let out = s.execute(
            "aws iam create-virtual-mfa-device --virtual-mfa-device-name app --outfile seed.txt --bootstrap-method Base32StringSeed",
            &mut host,
        );
        assert!(out.ok, "{}", out.text);
        let device = &out.json.as_ref().expect("a response")["VirtualMFADevice"];
        assert!(device.get("Base32StringSeed").is_none() && device.get("QRCodePNG").is_none(), "{device}");
        let serial = device["SerialNumber"].as_str().expect("a serial");
        // What the file holds is the seed the authenticator app was given.
        let written = host.read_bytes("seed.txt").expect("written");
        assert_eq!(String::from_utf8(written).unwrap(), s.world.mail.authenticator[serial]);
        // The CLI requires both options.
        let missing = s.execute("aws iam create-virtual-mfa-device --virtual-mfa-device-name app2", &mut host);
        assert!(
            missing.text.contains("the following arguments are required: --outfile, --bootstrap-method"),
            "{}",
            missing.text
        );
        // QRCodePNG writes the other member.
        let qr = s.execute(
            "aws iam create-virtual-mfa-device --virtual-mfa-device-name app3 --outfile qr.png --bootstrap-method QRCodePNG",
            &mut host,
        );
        assert!(qr.ok, "{}", qr.text);
        assert!(String::from_utf8(host.read_bytes("qr.png").unwrap()).unwrap().starts_with("otpauth://totp/"));
    }
}
