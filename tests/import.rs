//! Importing an estate folder of AWS CLI output (docs/import.md): the example estate's decisions,
//! a broken estate's messages, and import then export being lossless.

use proptest::prelude::*;
use rootsim::host::FsHost;
use rootsim_model::import::{export, import, read_estate, Imported};
use rootsim_model::{MemoryHost, Session, World, DEFAULT_SEED};
use rootsim_tests::any_command;
use std::path::PathBuf;

fn repo(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    root.to_string_lossy().into_owned()
}

fn example() -> Imported {
    read_estate(&FsHost::cwd(), &repo("examples/estate"), DEFAULT_SEED).expect("the example estate is a folder")
}

const MGMT: &str = "111122223333";
const PROD: &str = "444455556666";
const DEV: &str = "777788889999";
const SECURITY: &str = "123456789012";

/// Whether `principal` may do `action` on `resource` in `world`, as the policy engine decides.
fn allowed(world: &World, principal: &str, action: &str, resource: &str) -> bool {
    let record = world.decide(principal, action, resource).unwrap_or_else(|e| panic!("{principal}: {}", e.message));
    record.decision.is_allowed()
}

#[test]
fn the_example_estate_imports_whole() {
    let imported = example();
    assert!(imported.skipped.is_empty(), "{}", imported.report());
    let w = &imported.world;
    let org = w.organizations.org.as_ref().expect("an organization");
    assert_eq!(org.management_account, MGMT);
    assert_eq!(org.ous.len(), 2);
    assert_eq!(org.path_of(DEV).unwrap(), ["r-a1b2", "ou-a1b2-w0rk10ad", DEV]);
    assert_eq!(w.accounts.get(PROD).unwrap().name, "prod");
    let prod = w.iam.account(PROD).unwrap();
    assert_eq!(prod.policies[&format!("arn:aws:iam::{PROD}:policy/DeployPolicy")].default_version, "v2");
    assert_eq!(prod.group("Developers").unwrap().members, ["carol"]);
    assert_eq!(prod.role("app-role").unwrap().path, "/service/");
    // The URL-encoded trust policy was decoded.
    let auditor = w.iam.account(SECURITY).unwrap().role("Auditor").unwrap();
    assert!(auditor.trust_policy.text().contains(&format!("arn:aws:iam::{MGMT}:user/alice")));
    // Root users exist with no credentials at all (simulator assumption IMPORT-ROOT-NO-CREDENTIALS).
    assert!(w.iam.accounts.values().all(|a| !a.root.has_credentials()));
    assert_eq!((w.s3.buckets.len(), w.sqs.queues.len(), w.kms.keys.len()), (1, 1, 1));
}

#[test]
fn the_example_estate_decides_as_its_policies_say() {
    let w = example().world;
    let user = |acct: &str, name: &str| format!("arn:aws:iam::{acct}:user/{name}");
    let root = |acct: &str| format!("arn:aws:iam::{acct}:root");
    let bucket_object = "arn:aws:s3:::prod-app-data-444455556666/report.csv";
    let queue = format!("arn:aws:sqs:us-east-1:{PROD}:orders");
    // carol reads through her group's inline policy, and nothing else.
    assert!(allowed(&w, &user(PROD, "carol"), "s3:GetObject", bucket_object));
    assert!(!allowed(&w, &user(PROD, "carol"), "iam:CreateUser", "*"));
    // The queue policy names carol, so she may send though no identity policy of hers allows it.
    assert!(allowed(&w, &user(PROD, "carol"), "sqs:SendMessage", &queue));
    // deploy: the default version (v2) allows iam:CreateUser, the boundary does not; v1's ec2:*
    // is not the default version.
    assert!(allowed(&w, &user(PROD, "deploy"), "s3:PutObject", bucket_object));
    assert!(!allowed(&w, &user(PROD, "deploy"), "iam:CreateUser", "*"));
    assert!(!allowed(&w, &user(PROD, "deploy"), "ec2:RunInstances", "*"));
    // dave: his inline policy allows leaving the organization, the SCP at the root denies it.
    assert!(allowed(&w, &user(DEV, "dave"), "s3:DeleteBucket", "arn:aws:s3:::dev-scratch"));
    let leave = w.decide(&user(DEV, "dave"), "organizations:LeaveOrganization", "*").unwrap();
    assert!(!leave.decision.is_allowed());
    assert!(leave.explain().contains("\"NoLeaving\" of the service control policy"), "{}", leave.explain());
    // The Workloads OU's SCP denies member root users; the Security OU and the management
    // account are not under it (and SCPs never bind the management account).
    assert!(!allowed(&w, &root(DEV), "s3:ListBucket", "arn:aws:s3:::dev-scratch"));
    assert!(allowed(&w, &root(SECURITY), "s3:ListAllMyBuckets", "*"));
    assert!(allowed(&w, &root(MGMT), "organizations:LeaveOrganization", "*"));
    // alice may assume a member's OrganizationAccountAccessRole (its trust names her account, and
    // AdministratorAccess comes from her group), and the Auditor role whose trust names her.
    let oaar = format!("arn:aws:iam::{PROD}:role/OrganizationAccountAccessRole");
    assert!(allowed(&w, &user(MGMT, "alice"), "sts:AssumeRole", &oaar));
    assert!(allowed(&w, &user(MGMT, "alice"), "sts:AssumeRole", &format!("arn:aws:iam::{SECURITY}:role/Auditor")));
    // dave is not named by the prod role's trust policy.
    assert!(!allowed(&w, &user(DEV, "dave"), "sts:AssumeRole", &oaar));
}

fn fixture_lines(path: &str) -> Vec<String> {
    let imported = read_estate(&FsHost::cwd(), &repo(path), DEFAULT_SEED).expect("a folder");
    imported.skipped.iter().map(ToString::to_string).collect()
}

#[test]
fn a_broken_estate_imports_what_is_sound_and_names_file_and_json_path_of_the_rest() {
    let imported = read_estate(&FsHost::cwd(), &repo("tests/fixtures/broken-estate"), DEFAULT_SEED).unwrap();
    let lines: Vec<String> = imported.skipped.iter().map(ToString::to_string).collect();
    let expected = [
        "README.txt: $: not a file of the estate layout (docs/import.md)",
        "accounts/111122223333/iam.json: $.Policies[0].PolicyVersionList[0].Document: MalformedPolicyDocument: Policy document must be version 2012-10-17 or greater. (line 1, column 1: this kind of policy requires \"Version\": \"2012-10-17\")",
        "accounts/111122223333/iam.json: $.Policies[0]: the default version v1 is missing or was skipped; the policy was skipped",
        "accounts/111122223333/iam.json: $.UserDetailList[0].UserPolicyList[1].PolicyDocument: MalformedPolicyDocument: Syntax errors in policy. (line 1, column 48: Effect must be \"Allow\" or \"Deny\", not \"Maybe\")",
        "accounts/111122223333/iam.json: $.UserDetailList[0]: its inline policy Bad cannot be read: the user was not imported (a policy that cannot be read might deny)",
        "accounts/111122223333/iam.json: $.RoleDetailList[1].AssumeRolePolicyDocument: MalformedPolicyDocument: Missing required field Principal (line 1, column 38: statement 1 has no Principal); the role was skipped",
        "accounts/111122223333/s3/truncated-bucket.json: $: not JSON: EOF while parsing a string at line 1 column 40",
        "accounts/12345/iam.json: $: the folder under accounts/ must be a 12-digit account ID",
        "organization/accounts/r-b0k1.json: $.Accounts[1]: needs an Id of 12 digits",
        "organization/list-policies/SERVICE_CONTROL_POLICY.json: $.Policies[1]: organization/policies/p-m1ss1ng0.json is missing",
        "organization/ous/ou-b0k1-0rphan00.json: $: ou-b0k1-0rphan00 is neither the root nor an OU under it",
        "organization/policies/p-badscp01.json: $.Policy.Content: MalformedPolicyDocument: Policy statement must contain resources. (line 1, column 38: statement 1 has no Resource or NotResource)",
        "organization/targets/p-goodscp1.json: $.Targets[1]: target 'ou-b0k1-g0ne0000' is not in the organization",
    ];
    assert_eq!(lines, expected);
    // What was sound is there: the good role, the good SCP at the root. erin is not: one of her
    // inline policies cannot be read, and it might deny what the other allows (fail closed).
    let w = &imported.world;
    let iam = w.iam.account("111122223333").unwrap();
    assert!(iam.user("erin").is_none());
    assert!(iam.role("good-role").is_some() && iam.role("no-principal").is_none());
    let org = w.organizations.org.as_ref().unwrap();
    assert_eq!(org.attachments["r-b0k1"], ["p-goodscp1"]);
    assert_eq!(w.accounts.by_id.len(), 1);
    assert_eq!(fixture_lines("tests/fixtures/broken-estate"), lines, "the same estate gives the same report");
}

/// Export, then import, then export again: the same world and the same bytes.
fn assert_round_trip(world: &World) -> Result<(), TestCaseError> {
    let first = export(world);
    let again = import(&first, DEFAULT_SEED);
    prop_assert!(again.skipped.is_empty(), "{}", again.report());
    let second = export(&again.world);
    prop_assert_eq!(&first, &second);
    let third = import(&second, DEFAULT_SEED);
    prop_assert_eq!(&third.world, &again.world);
    Ok(())
}

#[test]
fn import_then_export_is_lossless() {
    let imported = example();
    let files = export(&imported.world);
    let again = import(&files, DEFAULT_SEED);
    assert!(again.skipped.is_empty(), "{}", again.report());
    assert_eq!(again.world, imported.world, "importing the export gives back the imported world");
    assert_eq!(export(&again.world), files, "and the same bytes");
    // Keys stay in AWS's order, not sorted.
    let (_, iam) = files.iter().find(|(p, _)| p == &format!("accounts/{PROD}/iam.json")).unwrap();
    let order = ["\"UserDetailList\"", "\"GroupDetailList\"", "\"RoleDetailList\"", "\"Policies\""];
    let at: Vec<usize> = order.iter().map(|k| iam.find(k).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
}

#[test]
fn load_and_export_go_through_the_host() {
    let mut host = MemoryHost::default();
    for (path, text) in export(&example().world) {
        host.files.insert(format!("estate/{path}"), text);
    }
    let mut session = Session::demo(DEFAULT_SEED);
    let out = session.execute("load estate", &mut host);
    assert!(out.ok && out.text.starts_with("Imported the estate from estate: 4 accounts"), "{}", out.text);
    assert_eq!(session.world, example().world);
    session.execute("export copy/", &mut host).expect_ok();
    let copy: Vec<_> = host.files.iter().filter(|(k, _)| k.starts_with("copy/")).map(|(_, v)| v).collect();
    let orig: Vec<_> = host.files.iter().filter(|(k, _)| k.starts_with("estate/")).map(|(_, v)| v).collect();
    assert_eq!(copy, orig);
    // A saved world still loads from a file.
    host.files.insert("w.json".into(), Session::demo(DEFAULT_SEED).to_json());
    session.execute("load w.json", &mut host).expect_ok();
    assert_eq!(session.world, Session::demo(DEFAULT_SEED).world);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any world the commands can reach (the demo world, changed by random commands) exports to
    /// an estate that imports without a skip and round-trips exactly.
    #[test]
    fn exported_worlds_round_trip(lines in prop::collection::vec(any_command(), 0..10)) {
        let mut session = Session::demo(DEFAULT_SEED);
        let mut host = MemoryHost::default();
        for l in &lines {
            session.execute(l, &mut host);
        }
        assert_round_trip(&session.world)?;
    }
}

/// An instance profile is listed under the role it holds (`InstanceProfileList`), and comes back
/// from an import whole: name, path, ID, creation time and role (rule IMPORT-INSTANCE-PROFILES).
#[test]
fn instance_profiles_round_trip_with_their_roles() {
    let mut session = Session::demo(DEFAULT_SEED);
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    session.run(&format!("aws iam create-role --role-name Web --assume-role-policy-document '{trust}'")).expect_ok();
    session.run("aws iam create-instance-profile --instance-profile-name WebProfile --path /web/").expect_ok();
    session.run("aws iam add-role-to-instance-profile --instance-profile-name WebProfile --role-name Web").expect_ok();
    assert_round_trip(&session.world).unwrap();
    let again = import(&export(&session.world), DEFAULT_SEED);
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    let account = session.world.accounts.find("management").unwrap().id.clone();
    let before = &session.world.iam.accounts[&account].instance_profiles["webprofile"];
    let after = &again.world.iam.accounts[&account].instance_profiles["webprofile"];
    assert_eq!(after, before);
    assert_eq!(after.role.as_deref(), Some("web"));
}

#[test]
fn the_demo_world_round_trips() {
    assert_round_trip(&Session::demo(DEFAULT_SEED).world).unwrap();
}

/// A guardrail that cannot be read is never dropped: an SCP with a stray comma keeps every
/// principal of the accounts below its target out, a broken boundary or inline policy keeps its
/// principal out, and a group's broken policy keeps its members out (issue 18).
#[test]
fn an_unreadable_guardrail_keeps_what_it_guards_out() {
    let org = |scp_content: &str| {
        vec![
            ("organization/describe-organization.json".to_string(), r#"{"Organization":{"Id":"o-a1b2c3d4e5","MasterAccountId":"111111111111","FeatureSet":"ALL"}}"#.to_string()),
            ("organization/list-roots.json".to_string(), r#"{"Roots":[{"Id":"r-a1b2","Name":"Root","PolicyTypes":[{"Type":"SERVICE_CONTROL_POLICY","Status":"ENABLED"}]}]}"#.to_string()),
            ("organization/ous/r-a1b2.json".to_string(), r#"{"OrganizationalUnits":[{"Id":"ou-a1b2-w0rk1234","Name":"Workloads"}]}"#.to_string()),
            ("organization/accounts/r-a1b2.json".to_string(), r#"{"Accounts":[{"Id":"111111111111","Name":"mgmt","Email":"m@example.com","Status":"ACTIVE"}]}"#.to_string()),
            ("organization/accounts/ou-a1b2-w0rk1234.json".to_string(), r#"{"Accounts":[{"Id":"222222222222","Name":"dev","Email":"d@example.com","Status":"ACTIVE"}]}"#.to_string()),
            ("organization/policies/p-guard123.json".to_string(), format!(r#"{{"Policy":{{"PolicySummary":{{"Id":"p-guard123","Name":"DenyAll","Type":"SERVICE_CONTROL_POLICY","AwsManaged":false}},"Content":{}}}}}"#, serde_json::to_string(scp_content).unwrap())),
            ("organization/targets/p-guard123.json".to_string(), r#"{"Targets":[{"TargetId":"ou-a1b2-w0rk1234","Type":"ORGANIZATIONAL_UNIT"}]}"#.to_string()),
            ("accounts/222222222222/iam.json".to_string(), r#"{"UserDetailList":[{"Path":"/","UserName":"dev-admin","UserId":"AIDAEXAMPLEDEVADMIN1","Arn":"arn:aws:iam::222222222222:user/dev-admin","CreateDate":"2024-01-01T00:00:00Z","UserPolicyList":[],"GroupList":[],"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]}"#.to_string()),
        ]
    };
    let deny_all = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
    // Readable: dev-admin is imported, and the SCP denies him.
    let good = import(&org(deny_all), DEFAULT_SEED);
    assert!(good.world.iam.account("222222222222").unwrap().user("dev-admin").is_some(), "{}", good.report());
    // A stray comma: the SCP cannot be read, so nobody below the Workloads OU is imported.
    let broken = import(&org(&deny_all.replace("}]}", "},]}")), DEFAULT_SEED);
    assert!(
        broken.world.iam.account("222222222222").is_none_or(|iam| iam.user("dev-admin").is_none()),
        "{}",
        broken.report()
    );
    assert!(
        broken.skipped.iter().any(|s| s.file == "accounts/222222222222/iam.json"
            && s.reason.contains("p-guard123")
            && s.reason.contains("not imported")),
        "{}",
        broken.report()
    );

    // A broken boundary, a broken inline Deny, a group with a broken policy.
    let iam = r#"{"Policies":[{"PolicyName":"Bound","Arn":"arn:aws:iam::333333333333:policy/Bound","Path":"/","PolicyId":"ANPAEXAMPLEBOUND0001","DefaultVersionId":"v1","PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":true,"Document":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",}]}"}]}],
      "GroupDetailList":[{"Path":"/","GroupName":"Ops","GroupId":"AGPAEXAMPLEOPS000001","CreateDate":"2024-01-01T00:00:00Z","GroupPolicyList":[{"PolicyName":"NoIam","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*"}]}}],"AttachedManagedPolicies":[]}],
      "UserDetailList":[
        {"Path":"/","UserName":"bounded","UserId":"AIDAEXAMPLEBOUNDED01","CreateDate":"2024-01-01T00:00:00Z","UserPolicyList":[],"GroupList":[],"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}],"PermissionsBoundary":{"PermissionsBoundaryType":"Policy","PermissionsBoundaryArn":"arn:aws:iam::333333333333:policy/Bound"}},
        {"Path":"/","UserName":"in-ops","UserId":"AIDAEXAMPLEINOPS0001","CreateDate":"2024-01-01T00:00:00Z","UserPolicyList":[],"GroupList":["Ops"],"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]},
        {"Path":"/","UserName":"fine","UserId":"AIDAEXAMPLEFINE00001","CreateDate":"2024-01-01T00:00:00Z","UserPolicyList":[],"GroupList":[],"AttachedManagedPolicies":[]}],
      "RoleDetailList":[{"Path":"/","RoleName":"Denied","RoleId":"AROAEXAMPLEDENIED001","CreateDate":"2024-01-01T00:00:00Z","AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]},"RolePolicyList":[{"PolicyName":"Guard","PolicyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"},]}"}],"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}]}"#;
    let imported = import(&[("accounts/333333333333/iam.json".to_string(), iam.to_string())], DEFAULT_SEED);
    let account = imported.world.iam.account("333333333333").expect("the account");
    assert!(account.user("fine").is_some(), "{}", imported.report());
    for (who, why) in [
        ("user bounded", "boundary"),
        ("user in-ops", "group Ops"),
        ("group Ops", "inline policy NoIam"),
        ("role Denied", "inline policy Guard"),
    ] {
        let (noun, name) = who.split_once(' ').unwrap();
        let present = match noun {
            "user" => account.user(name).is_some(),
            "group" => account.group(name).is_some(),
            _ => account.role(name).is_some(),
        };
        assert!(!present, "{who} was imported without its unreadable policy: {}", imported.report());
        assert!(
            imported
                .skipped
                .iter()
                .any(|s| s.reason.contains(why) && s.reason.contains(&format!("the {noun} was not imported"))),
            "{who}: {}",
            imported.report()
        );
    }
}

/// A dump where a user was deleted and made again: AWS shows the old user's unique ID in the trust
/// and bucket policies that named him (rule IAM-DELETED-PRINCIPAL-UNIQUE-ID). The import keeps
/// those documents, the new namesake is granted nothing by them, the principal graph has no edge
/// for them, and the world round-trips.
#[test]
fn unique_ids_of_deleted_principals_import_and_grant_nobody() {
    const OLD: &str = "AIDAEXAMPLEOLDBOB0001";
    let acct = "555555555555";
    let iam = format!(
        r#"{{"UserDetailList":[{{"Path":"/","UserName":"bob","UserId":"AIDAEXAMPLENEWBOB0001","Arn":"arn:aws:iam::{acct}:user/bob","CreateDate":"2024-01-01T00:00:00Z","UserPolicyList":[],"GroupList":[],"AttachedManagedPolicies":[{{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}}]}}],
          "GroupDetailList":[],"Policies":[],
          "RoleDetailList":[{{"Path":"/","RoleName":"Reader","RoleId":"AROAEXAMPLEREADER001","CreateDate":"2024-01-01T00:00:00Z","AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{OLD}"}},"Action":"sts:AssumeRole"}}]}},"RolePolicyList":[],"AttachedManagedPolicies":[]}}]}}"#
    );
    let bucket_policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":["{OLD}","arn:aws:iam::{acct}:role/Reader"]}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-ids-bucket/*"}}]}}"#
    );
    let files = vec![
        (format!("accounts/{acct}/iam.json"), iam),
        (
            format!("accounts/{acct}/s3/example-ids-bucket.json"),
            serde_json::json!({ "Policy": bucket_policy }).to_string(),
        ),
    ];
    let imported = import(&files, DEFAULT_SEED);
    assert!(imported.skipped.is_empty(), "{}", imported.report());
    let w = &imported.world;
    let reader = w.iam.account(acct).unwrap().role("Reader").unwrap();
    assert!(reader.trust_policy.text().contains(OLD));
    assert!(w.s3.buckets["example-ids-bucket"].policy.as_ref().unwrap().text().contains(OLD));
    // The new bob, an administrator, may not assume the role: its trust policy names the old bob.
    let bob = format!("arn:aws:iam::{acct}:user/bob");
    let role = format!("arn:aws:iam::{acct}:role/Reader");
    assert!(!allowed(w, &bob, "sts:AssumeRole", &role));
    let explained = w.decide(&bob, "sts:AssumeRole", &role).unwrap().explain();
    assert!(explained.contains(&format!("names {OLD}")), "{explained}");
    // The graph: the engine lets nobody assume Reader, and no task table names the ID.
    let who = rootsim_model::graph::who_can(w, "sts:AssumeRole", &role, true);
    assert!(who.contains("nobody: the policy engine allows it to no principal"), "{who}");
    let tasks = rootsim_model::tasks::for_account(w, acct).expect("the account").render();
    assert!(!tasks.contains(OLD), "{tasks}");
    assert_round_trip(w).unwrap();
}

/// The messy estate (tests/fixtures/messy-estate): every odd shape is imported with a warning,
/// nothing is skipped, and the world exports and imports back unchanged but for the credential
/// report's console password (export writes no credentials, docs/import.md), with no warning:
/// the export writes IAM paths, one account per folder and whole listings.
#[test]
fn odd_shapes_import_with_warnings_and_round_trip_clean() {
    let imported = read_estate(&FsHost::cwd(), &repo("tests/fixtures/messy-estate"), DEFAULT_SEED).expect("a folder");
    assert!(imported.skipped.is_empty(), "{}", imported.report());
    assert!(!imported.is_clean());
    let paths: Vec<String> = imported.warnings.iter().map(|w| format!("{}: {}", w.file, w.path)).collect();
    assert_eq!(
        paths,
        [
            "accounts/111111111111/credential-report.json: line 2",
            "accounts/111111111111/credential-report.json: line 3",
            "accounts/111111111111/iam-2.json: $.RoleDetailList[0].Colour",
            "accounts/111111111111/iam.json: $.UserDetailList[1]",
            "accounts/111111111111/iam.json: $.RoleDetailList[0].Path",
            "accounts/333333333333/iam.json: $.IsTruncated",
        ]
    );
    let w = &imported.world;
    assert_eq!(w.iam.account("111111111111").unwrap().role("bad_role").unwrap().path, "/");
    assert!(w.iam.account("222222222222").unwrap().users.contains_key("bob"));
    assert!(!w.iam.account("111111111111").unwrap().users.contains_key("bob"));
    assert!(w.s3.buckets.contains_key("cloudmapper_demo"));
    // The report's password_enabled gave alice a console password nobody knows, and its last use.
    let alice = &w.iam.account("111111111111").unwrap().users["alice"];
    let profile = alice.login_profile.as_ref().expect("a console password");
    assert_eq!(profile.password, None);
    assert_eq!(alice.password_last_used, rootsim_model::import::parse_time("2024-05-02T08:00:00+00:00"));
    let again = import(&export(w), DEFAULT_SEED);
    assert!(again.is_clean(), "{}", again.report());
    let mut without_credentials = w.clone();
    let alice = without_credentials.iam.accounts.get_mut("111111111111").unwrap().users.get_mut("alice").unwrap();
    (alice.login_profile, alice.password_last_used) = (None, None);
    assert_eq!(again.world, without_credentials);
}

/// Pages of one account's listing add up, whichever page ends it; the same items in one file
/// give the same world.
#[test]
fn pages_of_a_listing_add_up() {
    let user = |name: &str| {
        format!(
            r#"{{"Path": "/", "UserName": "{name}", "UserId": "AIDA{:0>16}", "Arn": "arn:aws:iam::{PROD}:user/{name}"}}"#,
            name.len()
        )
    };
    let page = |users: &[&str], more: bool| {
        let list: Vec<String> = users.iter().map(|u| user(u)).collect();
        let tail = if more { r#", "IsTruncated": true, "Marker": "next""# } else { "" };
        format!(r#"{{"UserDetailList": [{}]{tail}}}"#, list.join(","))
    };
    let whole = import(&[(format!("accounts/{PROD}/iam.json"), page(&["a", "bb"], false))], 7);
    let paged = import(
        &[
            (format!("accounts/{PROD}/iam.json"), page(&["a"], true)),
            (format!("accounts/{PROD}/iam-2.json"), page(&["bb"], false)),
        ],
        7,
    );
    assert!(whole.is_clean() && paged.is_clean(), "{}", paged.report());
    assert_eq!(whole.world, paged.world);
    // Without its last page, the listing is said to be truncated, naming the file.
    let cut = import(&[(format!("accounts/{PROD}/iam.json"), page(&["a"], true))], 7);
    assert_eq!(cut.warnings.len(), 1, "{}", cut.report());
    assert_eq!(cut.warnings[0].file, format!("accounts/{PROD}/iam.json"));
    assert_eq!(cut.warnings[0].path, "$.IsTruncated");
}

/// A tag policy and its attachment survive export and import with their text (the export used
/// to write the placeholder document that stands in for it in the engine, and the import refused
/// the type); so do tags on an account.
#[test]
fn tag_policies_and_organization_tags_round_trip() {
    let mut session = Session::demo(DEFAULT_SEED);
    let mut host = MemoryHost::default();
    let root = session.execute("aws organizations list-roots --query Roots[0].Id --output text", &mut host);
    assert!(root.ok, "{}", root.text);
    let root = root.text.trim().to_string();
    session
        .execute(&format!("aws organizations enable-policy-type --root-id {root} --policy-type TAG_POLICY"), &mut host)
        .expect_ok();
    let content =
        r#"{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"},"tag_value":{"@@assign":["100","200"]}}}}"#;
    let created = session.execute(
        &format!("aws organizations create-policy --name cost --description d --type TAG_POLICY --content '{content}' --query Policy.PolicySummary.Id --output text"),
        &mut host,
    );
    assert!(created.ok, "{}", created.text);
    let id = created.text.trim().to_string();
    session
        .execute(&format!("aws organizations attach-policy --policy-id {id} --target-id {root}"), &mut host)
        .expect_ok();
    let account = session.world.organizations.org.as_ref().unwrap().management_account.clone();
    session
        .execute(
            &format!("aws organizations tag-resource --resource-id {account} --tags Key=team,Value=platform"),
            &mut host,
        )
        .expect_ok();
    assert_round_trip(&session.world).unwrap();
    let again = import(&export(&session.world), DEFAULT_SEED);
    let org = again.world.organizations.org.as_ref().unwrap();
    assert_eq!(org.policy_text(&org.policies[&id]), content);
    assert!(org.attachments[&root].contains(&id));
    let before = session.world.organizations.org.as_ref().unwrap();
    let arn = before.taggable_arn(&account).unwrap();
    let want = before.tags_of_arn(&arn).cloned();
    assert!(want.as_ref().is_some_and(|t| t["team"] == "platform"), "{want:?}");
    assert_eq!(org.tags_of_arn(&arn).cloned(), want, "the account's tags after the round trip");
}

/// Lambda functions are exported as `list-functions` prints them, one file per account and
/// Region, and come back from an import whole, each still a workload that runs as its role, a
/// role of another account kept as written (rule IMPORT-LAMBDA-FUNCTIONS).
#[test]
fn lambda_functions_round_trip_as_workloads_with_their_roles() {
    use rootsim_model::world::workloads::WorkloadKind;
    let mut session = Session::demo(DEFAULT_SEED);
    let mut host = MemoryHost::default();
    // The empty .zip archive: its end-of-central-directory record alone.
    let mut zip = b"PK\x05\x06".to_vec();
    zip.extend([0u8; 18]);
    host.binary.insert("fn.zip".into(), zip);
    let account = session.world.accounts.find("management").unwrap().id.clone();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    session
        .execute(&format!("aws iam create-role --role-name exec --assume-role-policy-document '{trust}'"), &mut host)
        .expect_ok();
    let role = format!("arn:aws:iam::{account}:role/exec");
    for (name, region) in [("api", "us-east-1"), ("worker", "us-east-1"), ("edge", "eu-west-1")] {
        session
            .execute(
                &format!("aws lambda create-function --function-name {name} --runtime python3.13 --role {role} --handler index.handler --zip-file fileb://fn.zip --environment Variables={{STAGE=prod}} --region {region}"),
                &mut host,
            )
            .expect_ok();
    }
    assert_round_trip(&session.world).unwrap();
    let files = export(&session.world);
    let listing = |region: &str| format!("accounts/{account}/lambda/{region}/list-functions.json");
    assert!(
        files.iter().any(|(p, _)| *p == listing("us-east-1")) && files.iter().any(|(p, _)| *p == listing("eu-west-1"))
    );
    let again = import(&files, DEFAULT_SEED);
    assert!(again.is_clean(), "{}", again.report());
    assert!(again.report().contains("3 Lambda functions"), "{}", again.report());
    let workloads = again.world.workloads_of(&account);
    let arns: Vec<&str> =
        workloads.iter().filter(|w| w.kind == WorkloadKind::LambdaFunction).map(|w| w.arn.as_str()).collect();
    assert_eq!(
        arns,
        [
            format!("arn:aws:lambda:eu-west-1:{account}:function:edge"),
            format!("arn:aws:lambda:us-east-1:{account}:function:api"),
            format!("arn:aws:lambda:us-east-1:{account}:function:worker"),
        ]
    );
    assert!(workloads.iter().all(|w| w.role_arn == role));
    assert_eq!(session.world.workloads_of(&account), workloads);
    // The function's fields survive: environment, code hash, revision.
    let before = session.world.lambda.function(&account, "us-east-1", "api").unwrap();
    let after = again.world.lambda.function(&account, "us-east-1", "api").unwrap();
    assert_eq!(after.environment, before.environment);
    assert_eq!(
        (&after.code_sha256, &after.revision_id, after.code_size),
        (&before.code_sha256, &before.revision_id, 22)
    );
}

/// A listing read as the CLI prints it: pages add up, a role of another account is kept, a
/// listing that no page ends is said to be truncated, unknown fields are named, and unsound items
/// (no role, a published version, a function of another folder) are skipped with their path.
#[test]
fn lambda_listings_import_with_their_pages_warnings_and_skips() {
    let function = |name: &str, role: &str, extra: &str| {
        format!(
            r#"{{"FunctionName": "{name}", "FunctionArn": "arn:aws:lambda:us-east-1:{PROD}:function:{name}", "Runtime": "python3.13", "Role": "{role}", "Handler": "index.handler", "CodeSize": 5, "Description": "", "Timeout": 3, "MemorySize": 128, "LastModified": "2026-12-07T10:00:00.000+0000", "CodeSha256": "x", "Version": "$LATEST", "RevisionId": "r", "PackageType": "Zip"{extra}}}"#
        )
    };
    let own = format!("arn:aws:iam::{PROD}:role/exec");
    let other = "arn:aws:iam::111122223333:role/shared-exec";
    let iam = (format!("accounts/{PROD}/iam.json"), r#"{"UserDetailList": []}"#.to_string());
    let first = format!(
        r#"{{"Functions": [{}, {}], "NextMarker": "m1"}}"#,
        function("a", &own, ""),
        function("b", other, r#", "Surprise": 1"#)
    );
    let second = format!(
        r#"{{"Functions": [{}, {}, {}, {}]}}"#,
        function("c", &own, ""),
        r#"{"FunctionName": "norole"}"#,
        function("v", &own, "").replace(r#""Version": "$LATEST""#, r#""Version": "3""#),
        function("moved", &own, "").replace("us-east-1", "eu-west-1"),
    );
    let dir = format!("accounts/{PROD}/lambda/us-east-1");
    let paged = import(
        &[
            iam.clone(),
            (format!("{dir}/list-functions.json"), first.clone()),
            (format!("{dir}/list-functions-2.json"), second),
        ],
        7,
    );
    let names: Vec<&str> = paged.world.lambda.functions_of(PROD).map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"], "{}", paged.report());
    assert_eq!(paged.world.lambda.function(PROD, "us-east-1", "b").unwrap().role, other);
    let skipped: Vec<String> = paged.skipped.iter().map(|s| format!("{}: {}", s.file, s.path)).collect();
    assert_eq!(
        skipped,
        [
            format!("{dir}/list-functions-2.json: $.Functions[1]"),
            format!("{dir}/list-functions-2.json: $.Functions[2]"),
            format!("{dir}/list-functions-2.json: $.Functions[3]"),
        ],
        "{}",
        paged.report()
    );
    let warned: Vec<String> = paged.warnings.iter().map(|s| format!("{}: {}", s.file, s.path)).collect();
    assert_eq!(warned, [format!("{dir}/list-functions.json: $.Functions[1].Surprise")], "{}", paged.report());
    // Without its last page the listing is truncated, and the warning names the file.
    let cut = import(&[iam, (format!("{dir}/list-functions.json"), first)], 7);
    assert!(
        cut.warnings.iter().any(|w| w.file == format!("{dir}/list-functions.json")
            && w.path == "$.NextMarker"
            && w.reason.contains("truncated")),
        "{}",
        cut.report()
    );
}

/// SageMaker notebook instances and CodeBuild projects, the workloads the principal graph
/// follows, come back from an export whole (the role each runs as included), and an estate's
/// own files import them: a role of another account kept as written, an unknown field warned
/// of, an item without a role skipped, with file and JSON path.
#[test]
fn notebook_instances_and_build_projects_round_trip() {
    let mut session = Session::demo(DEFAULT_SEED);
    let trust = |service: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
        )
    };
    let account = session.world.accounts.find("management").unwrap().id.clone();
    session
        .run(&format!(
            "aws iam create-role --role-name NB --assume-role-policy-document '{}'",
            trust("sagemaker.amazonaws.com")
        ))
        .expect_ok();
    session
        .run(&format!(
            "aws iam create-role --role-name CB --assume-role-policy-document '{}'",
            trust("codebuild.amazonaws.com")
        ))
        .expect_ok();
    session
        .run(&format!("aws sagemaker create-notebook-instance --notebook-instance-name Lab-1 --instance-type ml.t3.medium --role-arn arn:aws:iam::{account}:role/NB --region eu-west-1"))
        .expect_ok();
    session
        .run(&format!("aws codebuild create-project --name deploy --source type=NO_SOURCE,buildspec=ls --artifacts type=NO_ARTIFACTS --environment type=LINUX_CONTAINER,image=aws/codebuild/standard:7.0,computeType=BUILD_GENERAL1_SMALL --service-role arn:aws:iam::{account}:role/CB"))
        .expect_ok();
    let before = session.world.workloads_of(&account);
    assert_eq!(before.len(), 2, "{before:?}");
    assert_round_trip(&session.world).unwrap();
    let files = export(&session.world);
    assert!(files
        .iter()
        .any(|(p, _)| p == &format!("accounts/{account}/sagemaker/eu-west-1/describe-notebook-instance/Lab-1.json")));
    assert!(files.iter().any(|(p, _)| p == &format!("accounts/{account}/codebuild/us-east-1/batch-get-projects.json")));
    let again = import(&files, DEFAULT_SEED);
    assert!(again.warnings.is_empty() && again.skipped.is_empty(), "{}", again.report());
    assert_eq!(again.world.workloads_of(&account), before, "every workload and its role survive");
    assert_eq!(again.world.sagemaker, session.world.sagemaker);

    // An estate's own files: one account, a notebook whose role is of another account, a project
    // with an unknown field and one without a service role.
    let other = "999988887777";
    let estate = vec![
        (
            format!("accounts/{account}/iam.json"),
            r#"{"UserDetailList":[],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]}"#.to_string(),
        ),
        (
            format!("accounts/{account}/sagemaker/us-east-1/describe-notebook-instance/shared.json"),
            format!(
                r#"{{"NotebookInstanceName":"shared","NotebookInstanceStatus":"Stopped","InstanceType":"ml.t3.large","RoleArn":"arn:aws:iam::{other}:role/Remote","CreationTime":"2026-01-02T03:04:05.678000+00:00","Colour":"red"}}"#
            ),
        ),
        (
            format!("accounts/{account}/codebuild/us-east-1/batch-get-projects.json"),
            format!(
                r#"{{"projects":[{{"name":"ok-project","serviceRole":"arn:aws:iam::{account}:role/CB","source":{{"type":"NO_SOURCE","buildspec":"ls"}},"webhooks":1}},{{"name":"no-role","source":{{"type":"NO_SOURCE"}}}}],"projectsNotFound":[]}}"#
            ),
        ),
    ];
    let got = import(&estate, DEFAULT_SEED);
    let workloads = got.world.workloads_of(&account);
    let arns: Vec<(&str, &str)> = workloads.iter().map(|w| (w.arn.as_str(), w.role_arn.as_str())).collect();
    assert_eq!(
        arns,
        [
            (
                format!("arn:aws:sagemaker:us-east-1:{account}:notebook-instance/shared").as_str(),
                format!("arn:aws:iam::{other}:role/Remote").as_str()
            ),
            (
                format!("arn:aws:codebuild:us-east-1:{account}:project/ok-project").as_str(),
                format!("arn:aws:iam::{account}:role/CB").as_str()
            ),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect::<Vec<_>>()
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect::<Vec<_>>()
    );
    let report = got.report();
    assert!(report.contains(", 1 notebook instance, 1 build project."), "{report}");
    assert!(
        report.contains(
            "describe-notebook-instance/shared.json: $.Colour: not a field of describe-notebook-instance's output"
        ),
        "{report}"
    );
    assert!(report.contains("batch-get-projects.json: $.projects[0].webhooks: not a field of a Project"), "{report}");
    assert!(
        report.contains(
            "batch-get-projects.json: $.projects[1].serviceRole: expected the ARN of the project's service role"
        ),
        "{report}"
    );
    let nb = got.world.sagemaker.instance(&account, "us-east-1", "shared").unwrap();
    assert_eq!(nb.status, "Stopped");
    assert_eq!(nb.created, rootsim_model::import::parse_time("2026-01-02T03:04:05+00:00").unwrap());
}
