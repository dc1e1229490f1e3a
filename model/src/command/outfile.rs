//! Responses the AWS CLI writes to a local file instead of printing (issue 17): `aws iam
//! create-virtual-mfa-device --outfile F --bootstrap-method M` (awscli's
//! `customizations/iamvirtmfa.py`: the chosen member of the response, base64-decoded, is written
//! to F, and both bootstrap members are removed from what is printed), and `aws s3api get-object
//! --bucket B --key K OUTFILE` (the streamed body goes to OUTFILE). Files go through the
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
    if (op.service, op.name) == ("s3api", "GetObject") {
        return save_streamed(params, response, host);
    }
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

/// `aws s3api get-object ... OUTFILE` (awscli's `customizations/streamingoutputarg.py`): the
/// streamed `Body` goes to the positional outfile and is taken out of what is printed.
fn save_streamed(params: &Map<String, Value>, response: &mut Value, host: &mut dyn Host) -> Option<Outcome> {
    let body = response.as_object_mut()?.remove("Body")?;
    let outfile = params.get("outfile").and_then(Value::as_str)?;
    let bytes = body.as_str().and_then(crate::pages::base64_decode).unwrap_or_default();
    let e = host.write_bytes(outfile, &bytes).err()?;
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

    #[test]
    fn get_object_writes_the_body_to_its_positional_outfile() {
        let mut s = Session::demo(1);
        let mut host = MemoryHost::default();
        host.files.insert("in.txt".into(), "hello world".into());
        assert!(s.execute("aws s3api create-bucket --bucket outfile-bucket", &mut host).ok);
        assert!(s.execute("aws s3api put-object --bucket outfile-bucket --key k --body in.txt", &mut host).ok);
        let out = s.execute("aws s3api get-object --bucket outfile-bucket --key k got.txt", &mut host);
        assert!(out.ok, "{}", out.text);
        assert_eq!(host.read_bytes("got.txt").unwrap(), b"hello world");
        let printed = out.json.expect("a response");
        assert!(printed.get("Body").is_none(), "{printed}");
        assert_eq!(printed["ContentLength"], 11);
        // --range: the part goes to the file, ContentRange says which (as in the CLI's example,
        // `bytes 8888-9999/545454`).
        let out =
            s.execute("aws s3api get-object --bucket outfile-bucket --key k --range bytes=6-9 part.txt", &mut host);
        assert!(out.ok, "{}", out.text);
        assert_eq!(host.read_bytes("part.txt").unwrap(), b"worl");
        let printed = out.json.expect("a response");
        assert_eq!(
            (printed["ContentLength"].clone(), printed["ContentRange"].clone()),
            (4.into(), "bytes 6-9/11".into())
        );
        let suffix =
            s.execute("aws s3api get-object --bucket outfile-bucket --key k --range bytes=-3 tail.txt", &mut host);
        assert!(suffix.ok, "{}", suffix.text);
        assert_eq!(host.read_bytes("tail.txt").unwrap(), b"rld");
        let past = s.execute("aws s3api get-object --bucket outfile-bucket --key k --range bytes=20- x", &mut host);
        assert_eq!(past.code.as_deref(), Some("InvalidRange"));
        // The CLI requires the outfile, after the required options.
        let missing = s.execute("aws s3api get-object --bucket outfile-bucket --key k", &mut host);
        assert!(missing.text.contains("the following arguments are required: outfile"), "{}", missing.text);
        let none = s.execute("aws s3api get-object --bucket outfile-bucket", &mut host);
        assert!(none.text.contains("the following arguments are required: --key, outfile"), "{}", none.text);
        // A second stray word is unknown, as argparse reports it.
        let extra = s.execute("aws s3api get-object --bucket outfile-bucket --key k a b", &mut host);
        assert!(extra.text.contains("Unknown options: b"), "{}", extra.text);
    }
}
