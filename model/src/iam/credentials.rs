//! MFA devices and signing certificates, of IAM users and of the root user.
//!
//! The same operations serve both: called as root without `--user-name`, they act on the root
//! user's credentials (managing root MFA and signing certificates is a root-only task:
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks>).
//! A virtual device's seed is delivered to the trainee's authenticator app (`mfa-code` shows its
//! codes), as scanning the QR code would.

use super::ops::{authorize_subject, iam_mut, iam_of, key_status, subject, Subject};
pub use super::valid_code;
use super::{KeyStatus, MfaDevice, SigningCertificate, VirtualMfaDevice};
use crate::clock::format_cli;
use crate::error::{AwsError, AwsResult};
use crate::iam::key;
use crate::service::{check_name, check_path, opt_str, req_str, Call, Operation, Param, Shape};
use crate::service::{operations, param as p};
use rootsim_policy::arn;
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

fn devices_mut<'a>(call: &'a mut Call, subject: &Subject) -> &'a mut Vec<MfaDevice> {
    let iam = iam_mut(call);
    match subject {
        Subject::User(name) => &mut iam.users.get_mut(&key(name)).expect("checked").mfa_devices,
        Subject::Root => &mut iam.root.mfa_devices,
    }
}

fn user_name(call: &Call, subject: &Subject) -> Option<String> {
    match subject {
        Subject::User(n) => iam_of(call).user(n).map(|u| u.name.clone()),
        Subject::Root => None,
    }
}

fn create_virtual_mfa_device(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "VirtualMFADeviceName")?;
    let path = opt_str(input, "Path").unwrap_or("/");
    check_name("VirtualMFADeviceName", name, 226)?;
    check_path(path)?;
    if let Some(m) = opt_str(input, "BootstrapMethod") {
        if m != "QRCodePNG" && m != "Base32StringSeed" {
            return Err(AwsError::validation(format!(
                "Invalid value for --bootstrap-method: '{m}' (QRCodePNG or Base32StringSeed)"
            )));
        }
    }
    let account = call.account();
    let serial = arn::iam(&account, "mfa", path, name);
    call.authorize("iam:CreateVirtualMFADevice", &serial)?;
    if iam_of(call).virtual_mfa_devices.contains_key(&serial) {
        return Err(AwsError::already_exists("MFADevice entity at the same path and name already exists."));
    }
    let seed = call.world.rng.base32(32);
    let now = call.now();
    iam_mut(call)
        .virtual_mfa_devices
        .insert(serial.clone(), VirtualMfaDevice { seed: seed.clone(), created: now, assigned: None });
    call.world.mail.authenticator.insert(serial.clone(), seed.clone());
    // The API answers both bootstrap forms as base64 blobs; the CLI writes the one asked for to
    // --outfile and prints neither (command::outfile). Simulator assumption: QRCodePNG holds the
    // otpauth:// URI the QR code encodes, not an image.
    let uri =
        format!("otpauth://totp/Amazon%20Web%20Services:{name}@{account}?secret={seed}&issuer=Amazon%20Web%20Services");
    Ok(json!({ "VirtualMFADevice": {
        "SerialNumber": serial,
        "Base32StringSeed": crate::pages::base64_encode(seed.as_bytes()),
        "QRCodePNG": crate::pages::base64_encode(uri.as_bytes()),
    } }))
}

fn enable_mfa_device(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let serial = req_str(input, "SerialNumber")?;
    let code1 = req_str(input, "AuthenticationCode1")?;
    let code2 = req_str(input, "AuthenticationCode2")?;
    let subject = subject(call, input)?;
    authorize_subject(call, "iam:EnableMFADevice", &subject)?;
    let now = call.now();
    let device = iam_of(call).virtual_mfa_devices.get(serial).ok_or_else(|| {
        AwsError::no_such_entity(format!("VirtualMFADevice with serial number {serial} doesn't exist."))
    })?;
    if device.assigned.is_some() {
        return Err(AwsError::already_exists("MFA device is already in use."));
    }
    // Two consecutive codes: this step's and the next, or the previous step's and this one.
    let seed = device.seed.clone();
    let at = |t: i64, c: &str| super::mfa_code(&seed, t) == c;
    let consecutive = (at(now, code1) && at(now + 30, code2)) || (at(now - 30, code1) && at(now, code2));
    if !consecutive {
        return Err(AwsError::new("InvalidAuthenticationCode", 403, "Authentication code for device is not valid."));
    }
    if devices_mut(call, &subject).len() >= super::MAX_MFA_DEVICES {
        let quota = if matches!(subject, Subject::Root) { "MFADevicesPerRootUser" } else { "MFADevicesPerUser" };
        return Err(AwsError::limit_exceeded(format!("Cannot exceed quota for {quota}: {}", super::MAX_MFA_DEVICES)));
    }
    let holder = match &subject {
        Subject::User(n) => Some(key(n)),
        Subject::Root => None,
    };
    iam_mut(call).virtual_mfa_devices.get_mut(serial).expect("checked").assigned = Some(holder);
    devices_mut(call, &subject).push(MfaDevice {
        serial: serial.to_string(),
        kind: "virtual".into(),
        secret: seed,
        enabled: now,
    });
    Ok(Value::Null)
}

fn list_mfa_devices(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let subject = subject(call, input)?;
    authorize_subject(call, "iam:ListMFADevices", &subject)?;
    let name = user_name(call, &subject);
    let list: Vec<Value> = devices_mut(call, &subject)
        .iter()
        .map(|d| {
            let mut v = Map::new();
            if let Some(n) = &name {
                v.insert("UserName".into(), json!(n));
            }
            v.insert("SerialNumber".into(), json!(d.serial));
            v.insert("EnableDate".into(), json!(format_cli(d.enabled)));
            Value::Object(v)
        })
        .collect();
    Ok(json!({ "MFADevices": list }))
}

fn deactivate_mfa_device(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let serial = req_str(input, "SerialNumber")?;
    let subject = subject(call, input)?;
    authorize_subject(call, "iam:DeactivateMFADevice", &subject)?;
    let devices = devices_mut(call, &subject);
    if !devices.iter().any(|d| d.serial == serial) {
        return Err(AwsError::no_such_entity(format!("MFA Device with serial number {serial} does not exist.")));
    }
    devices.retain(|d| d.serial != serial);
    if let Some(v) = iam_mut(call).virtual_mfa_devices.get_mut(serial) {
        v.assigned = None;
    }
    Ok(Value::Null)
}

fn delete_virtual_mfa_device(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let serial = req_str(input, "SerialNumber")?;
    call.authorize("iam:DeleteVirtualMFADevice", serial)?;
    let device = iam_of(call).virtual_mfa_devices.get(serial).ok_or_else(|| {
        AwsError::no_such_entity(format!("VirtualMFADevice with serial number {serial} doesn't exist."))
    })?;
    if device.assigned.is_some() {
        return Err(AwsError::delete_conflict(
            "MFA device is still in use and cannot be deleted. Deactivate it first.",
        ));
    }
    iam_mut(call).virtual_mfa_devices.remove(serial);
    Ok(Value::Null)
}

fn list_virtual_mfa_devices(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let status = opt_str(input, "AssignmentStatus").unwrap_or("Any");
    if !["Assigned", "Unassigned", "Any"].contains(&status) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{status}' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]"
        )));
    }
    let account = call.account();
    // No resource type (rule EVAL-NO-RESOURCE-STAR).
    call.authorize("iam:ListVirtualMFADevices", "*")?;
    let iam = iam_of(call);
    let list: Vec<Value> = iam
        .virtual_mfa_devices
        .iter()
        .filter(|(_, d)| match status {
            "Assigned" => d.assigned.is_some(),
            "Unassigned" => d.assigned.is_none(),
            _ => true,
        })
        .map(|(serial, d)| {
            let mut v = Map::new();
            v.insert("SerialNumber".into(), json!(serial));
            match &d.assigned {
                Some(None) => {
                    v.insert("User".into(), json!({ "Arn": arn::root(&account), "UserId": account }));
                }
                Some(Some(k)) => {
                    if let Some(u) = iam.users.get(k) {
                        // The model's User: every required member (Path, UserName, UserId, Arn, CreateDate).
                        v.insert("User".into(), json!({ "Path": u.path, "UserName": u.name, "UserId": u.id, "Arn": arn::iam(&account, "user", &u.path, &u.name), "CreateDate": format_cli(u.created) }));
                    }
                }
                None => {}
            }
            let enabled = match &d.assigned {
                Some(None) => iam.root.mfa_devices.iter().find(|m| m.serial == *serial).map(|m| m.enabled),
                Some(Some(k)) => iam.users.get(k).and_then(|u| u.mfa_devices.iter().find(|m| m.serial == *serial)).map(|m| m.enabled),
                None => None,
            };
            if let Some(t) = enabled {
                v.insert("EnableDate".into(), json!(format_cli(t)));
            }
            Value::Object(v)
        })
        .collect();
    Ok(json!({ "VirtualMFADevices": list }))
}

fn certs_mut<'a>(call: &'a mut Call, subject: &Subject) -> &'a mut Vec<SigningCertificate> {
    let iam = iam_mut(call);
    match subject {
        Subject::User(name) => &mut iam.users.get_mut(&key(name)).expect("checked").signing_certificates,
        Subject::Root => &mut iam.root.signing_certificates,
    }
}

fn cert_json(user: Option<&str>, c: &SigningCertificate, body: bool) -> Value {
    let mut v = Map::new();
    if let Some(u) = user {
        v.insert("UserName".into(), json!(u));
    }
    v.insert("CertificateId".into(), json!(c.id));
    if body {
        v.insert("CertificateBody".into(), json!(c.body));
    }
    v.insert("Status".into(), json!(c.status.as_str()));
    v.insert("UploadDate".into(), json!(format_cli(c.uploaded)));
    Value::Object(v)
}

fn upload_signing_certificate(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let body = req_str(input, "CertificateBody")?;
    let subject = subject(call, input)?;
    authorize_subject(call, "iam:UploadSigningCertificate", &subject)?;
    let pem = body.trim();
    if !(pem.starts_with("-----BEGIN CERTIFICATE-----") && pem.ends_with("-----END CERTIFICATE-----")) {
        return Err(AwsError::new(
            "MalformedCertificate",
            400,
            "Unable to parse certificate. Please ensure the certificate is in PEM format.",
        ));
    }
    let quota =
        if matches!(subject, Subject::Root) { "SigningCertificatesPerRootUser" } else { "SigningCertificatesPerUser" };
    let certs = certs_mut(call, &subject);
    if certs.iter().any(|c| c.body.trim() == pem) {
        return Err(AwsError::new(
            "DuplicateCertificate",
            409,
            "The request was rejected because the same certificate is associated with an IAM user in the account.",
        ));
    }
    if certs.len() >= 2 {
        return Err(AwsError::limit_exceeded(format!("Cannot exceed quota for {quota}: 2")));
    }
    let cert = SigningCertificate {
        id: call.world.rng.base32(28),
        body: body.to_string(),
        status: KeyStatus::Active,
        uploaded: call.now(),
    };
    let user = user_name(call, &subject);
    let out = json!({ "Certificate": cert_json(user.as_deref(), &cert, true) });
    certs_mut(call, &subject).push(cert);
    Ok(out)
}

fn list_signing_certificates(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let subject = subject(call, input)?;
    authorize_subject(call, "iam:ListSigningCertificates", &subject)?;
    let user = user_name(call, &subject);
    let list: Vec<Value> = certs_mut(call, &subject).iter().map(|c| cert_json(user.as_deref(), c, true)).collect();
    Ok(json!({ "Certificates": list }))
}

fn find_cert<'a>(certs: &'a mut [SigningCertificate], id: &str) -> AwsResult<&'a mut SigningCertificate> {
    certs
        .iter_mut()
        .find(|c| c.id == id)
        .ok_or_else(|| AwsError::no_such_entity(format!("The Certificate with id {id} cannot be found.")))
}

fn update_signing_certificate(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let id = req_str(input, "CertificateId")?;
    let status = key_status(input)?;
    let subject = subject(call, input)?;
    authorize_subject(call, "iam:UpdateSigningCertificate", &subject)?;
    find_cert(certs_mut(call, &subject), id)?.status = status;
    Ok(Value::Null)
}

fn delete_signing_certificate(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let id = req_str(input, "CertificateId")?;
    let subject = subject(call, input)?;
    authorize_subject(call, "iam:DeleteSigningCertificate", &subject)?;
    let certs = certs_mut(call, &subject);
    find_cert(certs, id)?;
    certs.retain(|c| c.id != id);
    Ok(Value::Null)
}

const USER_OPT: Param =
    p("UserName", Shape::String, false, "the IAM user (default: the caller; the root user when called as root)");
const SERIAL: Param =
    p("SerialNumber", Shape::String, true, "the device's serial number (its ARN for virtual devices)");

/// The credential operations of IAM.
pub const OPERATIONS: &[Operation] = operations!(
    "iam",
    [
        ("CreateVirtualMFADevice", create_virtual_mfa_device, "Creates a virtual MFA device; its seed goes to your authenticator app (see `mfa-code`).", [
        p("VirtualMFADeviceName", Shape::String, true, "a name for the device"),
        p("Path", Shape::String, false, "path (default /)"),
        // Required by the AWS CLI (awscli customizations/iamvirtmfa.py), which writes the seed there.
        p("Outfile", Shape::String, true, "the file the seed is written to (it also goes to the simulated authenticator)"),
        p("BootstrapMethod", Shape::String, true, "QRCodePNG or Base32StringSeed"),
    ]),
        ("EnableMFADevice", enable_mfa_device, "Enables an MFA device for an IAM user (never the root user's: that is done in the console, `console assign-root-mfa-device`); needs two consecutive codes.", [
        p("UserName", Shape::String, true, "the IAM user"),
        SERIAL,
        p("AuthenticationCode1", Shape::String, true, "a code from the device"),
        p("AuthenticationCode2", Shape::String, true, "the next code from the device"),
    ]),
        ("ListMFADevices", list_mfa_devices, "Lists the MFA devices of a user, or of the root user when root calls without a name.", [USER_OPT]),
        ("DeactivateMFADevice", deactivate_mfa_device, "Deactivates an MFA device.", [USER_OPT, SERIAL]),
        ("DeleteVirtualMFADevice", delete_virtual_mfa_device, "Deletes a virtual MFA device that is not in use.", [SERIAL]),
        ("ListVirtualMFADevices", list_virtual_mfa_devices, "Lists the account's virtual MFA devices.", [
        p("AssignmentStatus", Shape::String, false, "Assigned, Unassigned or Any (default Any)"),
    ]),
        ("UploadSigningCertificate", upload_signing_certificate, "Uploads an X.509 signing certificate (at most 2) for a user, or for the root user.", [
        USER_OPT, p("CertificateBody", Shape::Document, true, "the PEM certificate (or file://)"),
    ]),
        ("ListSigningCertificates", list_signing_certificates, "Lists signing certificates of a user, or of the root user.", [USER_OPT]),
        ("UpdateSigningCertificate", update_signing_certificate, "Activates or deactivates a signing certificate.", [
        p("CertificateId", Shape::String, true, "the certificate's ID"), p("Status", Shape::String, true, "Active or Inactive"), USER_OPT,
    ]),
        ("DeleteSigningCertificate", delete_signing_certificate, "Deletes a signing certificate.", [
        p("CertificateId", Shape::String, true, "the certificate's ID"), USER_OPT,
    ]),
    ]
);
