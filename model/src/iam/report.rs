//! The credential report: `GenerateCredentialReport` and `GetCredentialReport`, the CSV of every
//! user of the account and its root user (the `<root_account>` row) with the state of their
//! passwords, access keys, MFA and signing certificates
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html>).
//!
//! A report is a snapshot taken when it is generated; a new one is generated at most every four
//! hours, and one older than four hours has expired.

use super::enforce::password_expiry;
use super::ops::{iam_mut, iam_of};
use super::{AccessKey, CredentialReport, IamAccount, KeyStatus, SigningCertificate};
use crate::clock::format_cli;
use crate::error::{AwsError, AwsResult};
use crate::service::{operations, Call, Operation};
use rootsim_policy::arn;
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

/// How long a report lasts, and how often one may be generated: four hours.
pub const REPORT_LIFETIME: i64 = 4 * 3600;

/// The report's columns, in AWS's order.
pub const COLUMNS: &[&str] = &[
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

const NA: &str = "N/A";

fn flag(b: bool) -> String {
    b.to_string()
}

/// The ten key columns: each of two keys active, created, and last used (date, Region, service).
fn key_columns(iam: &IamAccount, keys: &[AccessKey], row: &mut Vec<String>) {
    for i in 0..2 {
        let Some(k) = keys.get(i) else {
            row.extend([flag(false), NA.into(), NA.into(), NA.into(), NA.into()]);
            continue;
        };
        row.push(flag(k.status == KeyStatus::Active));
        row.push(format_cli(k.created));
        match iam.key_usage.get(&k.id) {
            Some(u) => row.extend([format_cli(u.date), u.region.clone(), u.service.clone()]),
            None => row.extend([NA.into(), NA.into(), NA.into()]),
        }
    }
}

fn cert_columns(certs: &[SigningCertificate], row: &mut Vec<String>) {
    for i in 0..2 {
        match certs.get(i) {
            Some(c) => row.extend([flag(c.status == KeyStatus::Active), format_cli(c.uploaded)]),
            None => row.extend([flag(false), NA.into()]),
        }
    }
}

/// The report's CSV for `account` (created at `created`) as of now.
pub fn report_csv(account: &str, created: i64, iam: &IamAccount) -> String {
    let mut lines = vec![COLUMNS.join(",")];
    // The root user: its password columns are `not_supported` but for its last use.
    let root = &iam.root;
    let mut row = vec!["<root_account>".to_string(), arn::root(account), format_cli(created)];
    row.push("not_supported".into());
    row.push(match (&root.password, root.password_last_used) {
        (None, _) => NA.into(),
        (Some(_), Some(t)) => format_cli(t),
        (Some(_), None) => "no_information".into(),
    });
    row.extend(["not_supported".to_string(), "not_supported".to_string()]);
    row.push(flag(!root.mfa_devices.is_empty()));
    key_columns(iam, &root.access_keys, &mut row);
    cert_columns(&root.signing_certificates, &mut row);
    lines.push(row.join(","));
    for (k, u) in &iam.users {
        let mut row = vec![u.name.clone(), arn::iam(account, "user", &u.path, &u.name), format_cli(u.created)];
        let has_password = u.login_profile.as_ref().is_some_and(|p| p.password.is_some());
        row.push(flag(has_password));
        if has_password {
            row.push(u.password_last_used.map_or("no_information".into(), format_cli));
            let profile = u.login_profile.as_ref().expect("has a password");
            row.push(format_cli(iam.passwords.get(k).map_or(profile.created, |r| r.set_at)));
            row.push(password_expiry(iam, k).map_or(NA.into(), format_cli));
        } else {
            row.extend([NA.to_string(), NA.to_string(), NA.to_string()]);
        }
        row.push(flag(!u.mfa_devices.is_empty()));
        key_columns(iam, &u.access_keys, &mut row);
        cert_columns(&u.signing_certificates, &mut row);
        lines.push(row.join(","));
    }
    lines.join("\n")
}

fn generate_credential_report(call: &mut Call, _: &Input) -> AwsResult<Value> {
    call.authorize("iam:GenerateCredentialReport", "*")?;
    let now = call.now();
    let fresh = iam_of(call).credential_report.as_ref().is_some_and(|r| now - r.generated < REPORT_LIFETIME);
    if fresh {
        return Ok(json!({ "State": "COMPLETE" }));
    }
    // A simulator assumption: generation takes no simulated time, so the report is ready at once.
    let account = call.account();
    let created = call.world.accounts.get(&account).map_or(0, |a| a.created);
    let csv = report_csv(&account, created, iam_of(call));
    iam_mut(call).credential_report = Some(CredentialReport { generated: now, csv });
    Ok(json!({ "State": "STARTED", "Description": "No report exists. Starting a new report generation task" }))
}

fn get_credential_report(call: &mut Call, _: &Input) -> AwsResult<Value> {
    call.authorize("iam:GetCredentialReport", "*")?;
    let Some(report) = &iam_of(call).credential_report else {
        return Err(AwsError::new(
            "ReportNotPresent",
            410,
            "The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport.",
        ));
    };
    if call.now() - report.generated >= REPORT_LIFETIME {
        return Err(AwsError::new(
            "ReportExpired",
            410,
            "The request was rejected because the most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport.",
        ));
    }
    Ok(json!({
        "Content": crate::pages::base64_encode(report.csv.as_bytes()),
        "ReportFormat": "text/csv",
        "GeneratedTime": format_cli(report.generated),
    }))
}

/// The credential report's operations.
pub const OPERATIONS: &[Operation] = operations!(
    "iam",
    [
        (
            "GenerateCredentialReport",
            generate_credential_report,
            "Generates the account's credential report (at most one every four hours).",
            []
        ),
        (
            "GetCredentialReport",
            get_credential_report,
            "Gets the credential report: a CSV, base64-encoded, of every user and the root user's credentials.",
            []
        ),
    ]
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::{KeyUse, RootUser};

    #[test]
    fn the_root_row_comes_first_with_not_supported_password_columns() {
        let mut iam = IamAccount {
            root: RootUser { password: Some("x".into()), ..RootUser::default() },
            ..IamAccount::default()
        };
        iam.root.access_keys.push(AccessKey {
            id: "AKIAROOT".into(),
            secret: "s".into(),
            status: KeyStatus::Active,
            created: 0,
            last_used: None,
        });
        iam.key_usage.insert("AKIAROOT".into(), KeyUse { date: 60, service: "s3".into(), region: "eu-west-1".into() });
        let csv = report_csv("111122223333", 0, &iam);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0].split(',').count(), 22, "AWS's 22 columns");
        assert_eq!(
            lines[1],
            "<root_account>,arn:aws:iam::111122223333:root,1970-01-01T00:00:00+00:00,not_supported,no_information,\
             not_supported,not_supported,false,true,1970-01-01T00:00:00+00:00,1970-01-01T00:01:00+00:00,eu-west-1,s3,\
             false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
        );
    }
}
