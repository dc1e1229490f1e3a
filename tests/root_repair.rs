//! Issue 4: "a deny-all bucket or queue policy can always be repaired by the owner account's
//! root user, unless an SCP denies it".
//!
//! Over random deny-all-ish bucket and queue policies (a `Deny` on the resource with a random
//! `Principal` form, `Action` or a `NotAction` list that spares other actions, and a condition
//! that holds for every caller) and random SCP setups in the demo organization, driven through
//! the command layer as a user would (`Session::execute`):
//!
//! * the owner account's repairer (its root user signed in, or for the member account dev
//!   sometimes, after its root password was removed centrally, an `AssumeRoot` session with
//!   `S3UnlockBucketPolicy` / `SQSUnlockQueuePolicy`)
//!   can get, put and delete the policy exactly when no SCP denies it (rules S3-OWNER-ROOT-UNLOCK,
//!   SQS-OWNER-ROOT-UNLOCK, ORG-SCP-MEMBER-ROOT, ORG-SCP-NOT-MANAGEMENT in docs/rules.md);
//! * the account's administrator (alice, or an OrganizationAccountAccessRole session in dev)
//!   can do none of the three while the policy is in place (S3-DENY-ALL-LOCKOUT,
//!   SQS-DENY-ALL-LOCKOUT).
//!
//! The expectation comes from the SCP setup as written here (`Scp::denies`), not from the
//! engine.

use proptest::prelude::*;
use rootsim_model::{MemoryHost, Session, DEFAULT_SEED};
use serde_json::Value;

/// Who repairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repairer {
    /// The owner account's root user, signed in with its password.
    Root,
    /// An AssumeRoot session on the member account, from the management account.
    AssumeRoot,
}

/// An SCP setup: none, or one SCP attached to the dev account or the organization root.
#[derive(Debug, Clone, Copy)]
enum Scp {
    None,
    /// Deny everything to root users (`StringLike aws:PrincipalArn arn:aws:iam::*:root`).
    DenyRoot {
        at_org_root: bool,
    },
    /// Deny the policy actions themselves to everyone.
    DenyPolicyActions {
        at_org_root: bool,
    },
    /// Deny root users except AssumeRoot sessions (`Null aws:AssumedRoot true`).
    DenyRootExceptAssumeRoot,
    /// Deny something unrelated.
    DenyUnrelated,
}

impl Scp {
    fn document(self) -> Option<&'static str> {
        Some(match self {
            Scp::None => return None,
            Scp::DenyRoot { .. } => {
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}"#
            }
            Scp::DenyPolicyActions { .. } => {
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["s3:GetBucketPolicy","s3:PutBucketPolicy","s3:DeleteBucketPolicy","sqs:GetQueueAttributes","sqs:SetQueueAttributes"],"Resource":"*"}]}"#
            }
            Scp::DenyRootExceptAssumeRoot => {
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"},"Null":{"aws:AssumedRoot":"true"}}}]}"#
            }
            Scp::DenyUnrelated => {
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#
            }
        })
    }

    fn at_org_root(self) -> bool {
        matches!(self, Scp::DenyRoot { at_org_root: true } | Scp::DenyPolicyActions { at_org_root: true })
    }

    /// Does this SCP deny the repair to `repairer` of an account? SCPs never bind the
    /// management account
    /// (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html>).
    fn denies(self, management: bool, repairer: Repairer) -> bool {
        if management {
            return false;
        }
        match self {
            Scp::None | Scp::DenyUnrelated => false,
            Scp::DenyRoot { .. } | Scp::DenyPolicyActions { .. } => true,
            Scp::DenyRootExceptAssumeRoot => repairer == Repairer::Root,
        }
    }
}

fn scp() -> impl Strategy<Value = Scp> {
    prop_oneof![
        Just(Scp::None),
        any::<bool>().prop_map(|at_org_root| Scp::DenyRoot { at_org_root }),
        any::<bool>().prop_map(|at_org_root| Scp::DenyPolicyActions { at_org_root }),
        Just(Scp::DenyRootExceptAssumeRoot),
        Just(Scp::DenyUnrelated),
    ]
}

/// A deny-all-ish policy: (principal form, action form, condition), as JSON fragments with
/// `ACCOUNT` and `ARN` placeholders.
#[derive(Debug, Clone)]
struct Lock {
    principal: &'static str,
    action: &'static str,
    condition: &'static str,
}

impl Lock {
    fn render(&self, bucket: bool, account: &str, arn: &str) -> String {
        let service = if bucket { "s3" } else { "sqs" };
        let resource = if bucket { format!(r#"["{arn}","{arn}/*"]"#) } else { format!(r#""{arn}""#) };
        // NotAction lists name only actions of the resource's service (other actions are
        // MalformedPolicy), and never the policy actions.
        let (one, many) = if bucket {
            ("s3:GetObject", r#""s3:PutObject","s3:GetObject","s3:ListBucket""#)
        } else {
            ("sqs:SendMessage", r#""sqs:SendMessage","sqs:ReceiveMessage","sqs:DeleteMessage""#)
        };
        let fill =
            |s: &str| s.replace("ACCOUNT", account).replace("SVC", service).replace("ONE", one).replace("MANY", many);
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Lock","Effect":"Deny","Principal":{},{},"Resource":{}{}}}]}}"#,
            fill(self.principal),
            fill(self.action),
            resource,
            fill(self.condition)
        )
    }
}

fn lock() -> impl Strategy<Value = Lock> {
    let principal = prop::sample::select(
        &[r#""*""#, r#"{"AWS":"*"}"#, r#"{"AWS":"ACCOUNT"}"#, r#"{"AWS":"arn:aws:iam::ACCOUNT:root"}"#][..],
    );
    // NotAction lists spare only actions other than the policy's own.
    let action = prop::sample::select(
        &[
            r#""Action":"SVC:*""#,
            r#""Action":"*""#,
            r#""NotAction":"ONE""#,
            r#""NotAction":[MANY]"#,
            r#""Action":["SVC:*Policy*","SVC:*Attributes","SVC:Get*"]"#,
        ][..],
    );
    // Conditions that hold for every caller of the account, root users and sessions included.
    let condition = prop::sample::select(
        &[
            "",
            r#","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"999999999999"}}"#,
            r#","Condition":{"Null":{"aws:PrincipalTag/nothing":"true"}}"#,
            r#","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/nobody"}}"#,
            r#","Condition":{"StringEqualsIfExists":{"aws:ResourceAccount":"ACCOUNT"}}"#,
        ][..],
    );
    (principal, action, condition).prop_map(|(principal, action, condition)| Lock { principal, action, condition })
}

/// A demo session and the commands' answers.
struct Run {
    session: Session,
    host: MemoryHost,
    log: Vec<String>,
}

impl Run {
    fn exec(&mut self, line: &str) -> rootsim_model::command::Outcome {
        let out = self.session.execute(line, &mut self.host);
        self.log.push(format!("> {line}\n{}", out.text));
        out
    }

    /// Runs a command that must succeed; returns its JSON output (or Null).
    fn must(&mut self, line: &str) -> Value {
        let out = self.exec(line);
        assert!(out.ok, "setup step failed: {line}\n{}", out.text);
        serde_json::from_str(&out.text).unwrap_or(Value::Null)
    }

    fn alice(&mut self) {
        self.must("sign-in user --account management --user-name alice --password Alice-Passw0rd!");
    }

    /// Signs in with the credentials of an STS answer.
    fn keys(&mut self, creds: &Value) {
        let c = &creds["Credentials"];
        let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
        self.must(&format!(
            "sign-in keys --access-key-id {} --secret-access-key {} --session-token {}",
            s("AccessKeyId"),
            s("SecretAccessKey"),
            s("SessionToken")
        ));
    }

    fn account(&self, name: &str) -> String {
        self.session.world.accounts.find(name).expect("demo account").id.clone()
    }
}

/// The three repair commands (get, put the same policy again, delete) for the resource.
fn repair_commands(bucket: bool, name: &str, queue_url: &str, policy: &str) -> [String; 3] {
    if bucket {
        [
            format!("aws s3api get-bucket-policy --bucket {name}"),
            format!("aws s3api put-bucket-policy --bucket {name} --policy {policy}"),
            format!("aws s3api delete-bucket-policy --bucket {name}"),
        ]
    } else {
        [
            format!("aws sqs get-queue-attributes --queue-url {queue_url} --attribute-names Policy"),
            format!("aws sqs set-queue-attributes --queue-url {queue_url} --attributes 'Policy={policy}'"),
            format!("aws sqs set-queue-attributes --queue-url {queue_url} --attributes Policy="),
        ]
    }
}

/// One whole case; returns an error message (with the transcript) when the property fails.
/// `invert` flips the expectation, to check that the property can fail.
fn check(
    management: bool,
    bucket: bool,
    repairer: Repairer,
    scp: Scp,
    lock: &Lock,
    invert: bool,
) -> Result<(), String> {
    let repairer = if management { Repairer::Root } else { repairer };
    let mut run = Run { session: Session::demo(DEFAULT_SEED), host: MemoryHost::default(), log: Vec::new() };
    let (mgmt, dev) = (run.account("management"), run.account("dev"));
    let owner = if management { mgmt.clone() } else { dev.clone() };

    run.alice();
    if repairer == Repairer::AssumeRoot {
        // Centralized root access: dev's root password is removed, so only AssumeRoot is left.
        run.must("aws organizations enable-aws-service-access --service-principal iam.amazonaws.com");
        run.must("aws iam enable-organizations-root-sessions");
        let creds = run.must(&format!(
            "aws sts assume-root --target-principal {dev} --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"
        ));
        run.keys(&creds);
        run.must("aws iam delete-login-profile");
        if run.exec("sign-in root --email aws-dev@example.com --password Dev-Root-2026!").ok {
            return Err(format!("dev's root signed in after its password was removed\n{}", run.log.join("\n")));
        }
        run.alice();
    }
    // The account's administrator creates the resource and locks it.
    let admin = if management {
        None
    } else {
        let creds = run.must(&format!(
            "aws sts assume-role --role-arn arn:aws:iam::{dev}:role/OrganizationAccountAccessRole --role-session-name admin"
        ));
        run.keys(&creds);
        Some(creds)
    };
    let name = "example-locked";
    let (arn, queue_url) = if bucket {
        run.must(&format!("aws s3api create-bucket --bucket {name}"));
        (format!("arn:aws:s3:::{name}"), String::new())
    } else {
        let q = run.must(&format!("aws sqs create-queue --queue-name {name}"));
        (format!("arn:aws:sqs:us-east-1:{owner}:{name}"), q["QueueUrl"].as_str().unwrap_or_default().to_string())
    };
    let policy = lock.render(bucket, &owner, &arn);
    let [get, put, delete] = repair_commands(bucket, name, &queue_url, &policy);
    run.must(&put);

    // SCP setup, by the management account's administrator, once the lock is in place (an SCP
    // denying the policy actions would otherwise prevent the lock itself).
    run.alice();
    if let Some(doc) = scp.document() {
        let created = run.must(&format!(
            "aws organizations create-policy --name Repair --type SERVICE_CONTROL_POLICY --description x --content {doc}"
        ));
        let id = created["Policy"]["PolicySummary"]["Id"].as_str().unwrap_or_default().to_string();
        let target = if scp.at_org_root() {
            let roots = run.must("aws organizations list-roots");
            roots["Roots"][0]["Id"].as_str().unwrap_or_default().to_string()
        } else {
            dev.clone()
        };
        run.must(&format!("aws organizations attach-policy --policy-id {id} --target-id {target}"));
    }

    match &admin {
        Some(creds) => run.keys(creds),
        None => run.alice(),
    }
    // No other principal of the account can repair it: the administrator itself, and for the
    // management account also bob.
    let mut others = vec!["admin"];
    if management {
        others.push("bob");
    }
    for who in others {
        if who == "bob" {
            run.must("sign-in user --account management --user-name bob --password Bob-Passw0rd!");
        }
        for line in [&get, &put, &delete] {
            let out = run.exec(line);
            if out.ok != invert {
                return Err(format!("{who} repaired the lock with {line}\n{}", run.log.join("\n")));
            }
        }
    }

    // The repairer.
    match repairer {
        Repairer::Root => {
            let (email, password) = if management {
                ("aws-management@example.com", "Mgmt-Root-2026!")
            } else {
                ("aws-dev@example.com", "Dev-Root-2026!")
            };
            run.must(&format!("sign-in root --email {email} --password {password}"));
        }
        Repairer::AssumeRoot => {
            run.alice();
            let task = if bucket { "S3UnlockBucketPolicy" } else { "SQSUnlockQueuePolicy" };
            let creds = run.must(&format!(
                "aws sts assume-root --target-principal {dev} --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/{task}"
            ));
            run.keys(&creds);
        }
    }
    let expected = scp.denies(management, repairer) == invert;
    for line in [&get, &put, &delete] {
        let out = run.exec(line);
        if out.ok != expected {
            return Err(format!(
                "{repairer:?} of {} with {scp:?}: {line} should have {}\n{}",
                if management { "management" } else { "dev" },
                if expected { "succeeded" } else { "failed" },
                run.log.join("\n")
            ));
        }
        if !out.ok
            && out.code.as_deref() != Some("AccessDenied")
            && out.code.as_deref() != Some("AccessDeniedException")
        {
            return Err(format!("{line} failed with {:?}, not an access denial\n{}", out.code, run.log.join("\n")));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_owner_root_can_always_repair_a_deny_all_policy_unless_an_scp_denies(
        management in any::<bool>(),
        bucket in any::<bool>(),
        assume_root in any::<bool>(),
        scp in scp(),
        lock in lock(),
    ) {
        let repairer = if assume_root { Repairer::AssumeRoot } else { Repairer::Root };
        if let Err(e) = check(management, bucket, repairer, scp, &lock, false) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// The property can fail: with the expectation inverted, every setup is a failure.
#[test]
fn the_property_can_fail() {
    let lock = Lock { principal: r#""*""#, action: r#""Action":"SVC:*""#, condition: "" };
    for (management, bucket, repairer, scp) in [
        (true, true, Repairer::Root, Scp::None),
        (false, false, Repairer::AssumeRoot, Scp::DenyRoot { at_org_root: false }),
    ] {
        assert!(check(management, bucket, repairer, scp, &lock, true).is_err());
    }
}
