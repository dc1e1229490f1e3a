//! CloudTrail's recording, which reads the whole world: who a caller is (IAM's users and roles,
//! the account's alias), and every recorded event handed on to EventBridge; and which events a
//! trail delivered (the organization's accounts).

use super::World;
use crate::caller::{Caller, CallerKind};
use crate::clock::format_iso;
use crate::cloudtrail::{derived_uuid, event_source, read_only, redact, request_parameters, Trail};
use crate::error::AwsError;
use serde_json::{json, Map, Value};

/// A root `userIdentity` names the account alias as `userName` when the account has one, and
/// has no `userName` otherwise
/// (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html>).
fn add_alias(world: &World, account: &str, identity: &mut Value) {
    if let Some(alias) = world.accounts.get(account).and_then(|a| a.alias.as_ref()) {
        identity["userName"] = json!(alias);
    }
}

/// `userIdentity` for a caller
/// (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html>).
pub fn user_identity(world: &World, caller: &Caller) -> Value {
    let p = &caller.principal;
    let federated = p.kind == rootsim_policy::PrincipalKind::FederatedUser;
    let mut v = match &caller.kind {
        // A GetFederationToken session: the federated user, and the IAM user (or root user)
        // whose keys issued it as the session's issuer.
        _ if federated => {
            let issuer = match &caller.kind {
                CallerKind::User { key } => {
                    let user = world.iam.account(&caller.account).and_then(|i| i.users.get(key));
                    json!({
                        "type": "IAMUser",
                        "principalId": user.map(|u| u.id.as_str()).unwrap_or(""),
                        "arn": user.map(|u| rootsim_policy::arn::iam(&caller.account, "user", &u.path, &u.name)),
                        "accountId": caller.account,
                        "userName": user.map(|u| u.name.as_str()).unwrap_or(""),
                    })
                }
                _ => json!({
                    "type": "Root", "principalId": caller.account, "arn": rootsim_policy::arn::root(&caller.account),
                    "accountId": caller.account,
                }),
            };
            json!({
                "type": "FederatedUser", "principalId": caller.user_id, "arn": p.arn, "accountId": caller.account,
                "sessionContext": { "sessionIssuer": issuer },
            })
        }
        CallerKind::Root => {
            json!({ "type": "Root", "principalId": caller.account, "arn": p.arn, "accountId": caller.account })
        }
        CallerKind::User { .. } => json!({
            "type": "IAMUser", "principalId": caller.user_id, "arn": p.arn, "accountId": caller.account,
            "userName": caller.username,
        }),
        CallerKind::RoleSession { role_key, .. } => {
            let role = world.iam.account(&caller.account).and_then(|i| i.roles.get(role_key));
            json!({
                "type": "AssumedRole", "principalId": caller.user_id, "arn": p.arn, "accountId": caller.account,
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": role.map(|r| r.id.as_str()).unwrap_or(""),
                        "arn": p.principal_arn,
                        "accountId": caller.account,
                        "userName": role.map(|r| r.name.as_str()).unwrap_or(""),
                    },
                },
            })
        }
    };
    if matches!(caller.kind, CallerKind::Root) && !federated {
        add_alias(world, &caller.account, &mut v);
    }
    if let Some(k) = &caller.access_key_id {
        v["accessKeyId"] = json!(k);
    }
    if caller.temporary {
        let attributes = json!({
            "creationDate": caller.authenticated_at.map(format_iso),
            "mfaAuthenticated": if caller.mfa { "true" } else { "false" },
        });
        match v.get_mut("sessionContext") {
            Some(ctx) => ctx["attributes"] = attributes,
            None => v["sessionContext"] = json!({ "attributes": attributes }),
        }
    }
    if caller.task_policy.is_some() {
        // AssumeRoot sessions are recorded as the member's root user, marked as such.
        v["sessionContext"]["assumedRoot"] = json!("true");
    }
    if caller.console {
        v["sessionCredentialFromConsole"] = json!("true");
    }
    v
}

impl World {
    /// When the root user of `account` first tried to sign in to the console: its earliest
    /// ConsoleLogin event, succeeded or failed (the attempt is in the history, the one thing a
    /// failed sign-in changes), or the time its IAM record kept (a world saved before the history
    /// was read for this), whichever is earlier. The root user's MFA registration grace period
    /// runs from it (rule ROOT-MFA-GRACE).
    pub fn first_root_sign_in_attempt(&self, account: &str) -> Option<i64> {
        let recorded = self.cloudtrail.events.iter().find(|e| {
            e["eventName"] == "ConsoleLogin"
                && e["recipientAccountId"] == json!(account)
                && e["userIdentity"]["type"] == "Root"
        });
        let from_history = recorded.and_then(|e| e["eventTime"].as_str()).and_then(crate::clock::parse_iso);
        let kept = self.iam.account(account).and_then(|i| i.root.first_sign_in_attempt);
        match (from_history, kept) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn next_ids(&self) -> (String, String) {
        let n = self.cloudtrail.events.len() as u64;
        (derived_uuid(self.seed, n, 1), derived_uuid(self.seed, n, 2))
    }

    /// Records an AWS call made by `caller`, allowed or not.
    pub fn record_call(
        &mut self,
        caller: &Caller,
        service: &str,
        operation: &str,
        region: &str,
        params: &Map<String, Value>,
        result: &Result<Value, AwsError>,
    ) {
        let (event_id, request_id) = self.next_ids();
        // IAM and STS's global endpoint record in us-east-1.
        let region = if service == "iam" { "us-east-1" } else { region };
        let mut e = json!({
            "eventVersion": "1.11",
            "userIdentity": user_identity(self, caller),
            "eventTime": format_iso(self.clock.now()),
            "eventSource": event_source(service),
            "eventName": operation,
            "awsRegion": region,
            "sourceIPAddress": crate::caller::SOURCE_IP,
            "userAgent": "aws-cli/2 rootsim",
            "requestParameters": if params.is_empty() { Value::Null } else { request_parameters(params) },
            // Read-only calls record no response, as AWS's events show (and a lookup's response
            // would otherwise nest the history into itself).
            "responseElements": match result {
                Ok(v) if !v.is_null() && !read_only(operation) => redact(v),
                _ => Value::Null,
            },
        });
        if let Err(err) = result {
            e["errorCode"] = json!(err.code);
            e["errorMessage"] = json!(err.message);
        }
        let more = json!({
            "requestID": request_id,
            "eventID": event_id,
            "readOnly": read_only(operation),
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": caller.account,
            "eventCategory": "Management",
        });
        if let (Value::Object(m), Value::Object(extra)) = (&mut e, more) {
            m.extend(extra);
        }
        self.cloudtrail.events.push(e);
        self.route_event(self.cloudtrail.events.len() - 1);
    }

    /// Records a call that an AWS service made in `account` on the customer's behalf (the
    /// `AWSService` identity of
    /// <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html>): `userIdentity` names only the service in `invokedBy`, and
    /// the service is the source address and user agent. Organizations creating a new member's
    /// access role is the case rootsim performs.
    pub fn record_service_call(
        &mut self,
        account: &str,
        invoked_by: &str,
        service: &str,
        operation: &str,
        params: &Map<String, Value>,
    ) {
        let (event_id, request_id) = self.next_ids();
        let e = json!({
            "eventVersion": "1.11",
            "userIdentity": { "type": "AWSService", "invokedBy": invoked_by },
            "eventTime": format_iso(self.clock.now()),
            "eventSource": event_source(service),
            "eventName": operation,
            "awsRegion": "us-east-1",
            "sourceIPAddress": invoked_by,
            "userAgent": invoked_by,
            "requestParameters": redact(&Value::Object(params.clone())),
            "responseElements": Value::Null,
            "requestID": request_id,
            "eventID": event_id,
            "readOnly": read_only(operation),
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": account,
            "eventCategory": "Management",
        });
        self.cloudtrail.events.push(e);
        self.route_event(self.cloudtrail.events.len() - 1);
    }

    /// Records a console sign-in of the root user (`user` is `None`) or an IAM user.
    pub fn record_sign_in(
        &mut self,
        account: &str,
        user: Option<&str>,
        success: bool,
        mfa_used: bool,
        mfa_device: Option<&str>,
    ) {
        let (event_id, _) = self.next_ids();
        let identity = match user.and_then(|u| self.iam.account(account).and_then(|i| i.users.get(u))) {
            Some(u) => json!({
                "type": "IAMUser", "principalId": u.id, "accountId": account,
                "arn": rootsim_policy::arn::iam(account, "user", &u.path, &u.name), "userName": u.name,
            }),
            None => {
                // A root sign-in's identity carries an empty `accessKeyId` (AWS's root ConsoleLogin
                // records, https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html).
                let mut v = json!({
                    "type": "Root", "principalId": account, "arn": rootsim_policy::arn::root(account), "accountId": account,
                    "accessKeyId": "",
                });
                add_alias(self, account, &mut v);
                v
            }
        };
        let mut e = json!({
            "eventVersion": "1.11",
            "userIdentity": identity,
            "eventTime": format_iso(self.clock.now()),
            "eventSource": "signin.amazonaws.com",
            "eventName": "ConsoleLogin",
            "awsRegion": "us-east-1",
            "sourceIPAddress": crate::caller::SOURCE_IP,
            "userAgent": "Mozilla/5.0 (rootsim)",
            "requestParameters": Value::Null,
            "responseElements": { "ConsoleLogin": if success { "Success" } else { "Failure" } },
            "additionalEventData": {
                "LoginTo": "https://console.aws.amazon.com/console/home",
                "MobileVersion": "No",
                "MFAUsed": if mfa_used { "Yes" } else { "No" },
            },
            "eventID": event_id,
            "readOnly": false,
            "eventType": "AwsConsoleSignIn",
            "managementEvent": true,
            "recipientAccountId": account,
            "eventCategory": "Management",
        });
        if !success {
            e["errorMessage"] = json!("Failed authentication");
        }
        // A sign-in with MFA names the device (`MFAIdentifier`, before `MFAUsed` as in AWS's
        // sign-in records).
        if let (true, Some(serial)) = (success, mfa_device) {
            let data = &mut e["additionalEventData"];
            *data = json!({
                "LoginTo": data["LoginTo"], "MobileVersion": data["MobileVersion"], "MFAIdentifier": serial, "MFAUsed": data["MFAUsed"],
            });
        }
        self.cloudtrail.events.push(e);
        self.route_event(self.cloudtrail.events.len() - 1);
    }
}

/// The events a trail delivered, oldest first: those recorded while it logged, in the accounts
/// it covers (an organization trail: every account of the organization now) and its Regions.
pub fn delivered<'w>(world: &'w World, trail: &Trail) -> Vec<&'w Value> {
    let accounts = covered_accounts(world, trail);
    world.cloudtrail.events.iter().enumerate().filter(|(i, e)| logs(trail, &accounts, *i, e)).map(|(_, e)| e).collect()
}

/// Whether some trail logged the event at `index` of the history: EventBridge receives
/// CloudTrail's events only through a trail that logs them (rule MON-EB-NEEDS-TRAIL).
pub fn logged_by_a_trail(world: &World, index: usize) -> bool {
    let Some(event) = world.cloudtrail.events.get(index) else { return false };
    world.cloudtrail.trails.iter().any(|t| logs(t, &covered_accounts(world, t), index, event))
}

/// The accounts whose events `trail` logs: its own, or for an organization trail every account
/// of the organization now.
fn covered_accounts<'w>(world: &'w World, trail: &'w Trail) -> Vec<&'w str> {
    match world.organizations.of_account(&trail.account) {
        Some(o) if trail.organization => o.accounts.keys().map(String::as_str).collect(),
        _ => vec![trail.account.as_str()],
    }
}

/// Whether `trail` logged `event`, the history's event at `index`: recorded while it logged, in
/// one of `accounts`, in its Region unless it logs every Region.
fn logs(trail: &Trail, accounts: &[&str], index: usize, event: &Value) -> bool {
    trail.logged.iter().any(|(from, to)| index >= *from && to.is_none_or(|to| index < to))
        && event["recipientAccountId"].as_str().is_some_and(|a| accounts.contains(&a))
        && (trail.multi_region || event["awsRegion"] == json!(trail.region))
}
