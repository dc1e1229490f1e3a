//! Sandbox commands: everything a trainee types that is not an AWS call.
//!
//! Signing in and out, reading the clock, mailboxes and phones, asking why the last call was
//! allowed or denied, looking at the world, saving and loading it. Each command is one entry of
//! [`COMMANDS`], which `help` and tab completion read too.

// Commands return their Outcome early from helpers; it is not a hot path, so its size is fine.
#![allow(clippy::result_large_err)]

use super::lex::Word;
use super::suggest::nearest;
use super::{help, Host, Origin, Outcome, Session};
use crate::auth::Identity;
use crate::clock::{format_cli, human_duration, parse_duration};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A sandbox command.
pub struct Command {
    /// What you type.
    pub name: &'static str,
    /// Its syntax.
    pub usage: &'static str,
    /// One line of help.
    pub summary: &'static str,
    /// Longer help.
    pub detail: &'static str,
    run: fn(&mut Session, &Args, &mut dyn Host) -> Outcome,
}

/// Every sandbox command.
pub const COMMANDS: &[Command] = &[
    Command { name: "help", usage: "help [COMMAND | aws [SERVICE [OPERATION]] | demo]", summary: "Explains commands and the modelled AWS operations.", detail: "", run: cmd_help },
    Command { name: "whoami", usage: "whoami", summary: "Says who the terminal is signed in as, in which account, and how.", detail: "", run: cmd_whoami },
    Command {
        name: "sign-in",
        usage: "sign-in root --email EMAIL --password PASSWORD [--mfa-code CODE | --register-mfa-device NAME]\n       sign-in user --account ACCOUNT --user-name NAME --password PASSWORD [--mfa-code CODE]\n       sign-in keys --access-key-id ID --secret-access-key SECRET [--session-token TOKEN]",
        summary: "Signs in to the console as a root or IAM user, or switches to access keys.",
        detail: "The root user signs in with the account's email address and password; an IAM user with the account (ID, name or alias), user name and password. When MFA devices are registered, --mfa-code is required. `sign-in keys` uses access keys, as the AWS CLI does with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (copy them from create-access-key, assume-role or get-session-token output).",
        run: cmd_sign_in,
    },
    Command {
        name: "verify-email",
        usage: "verify-email --token TOKEN",
        summary: "Follows the email verification link of a sign-in with alternative factors (lost MFA device).",
        detail: "Start with `sign-in root --email EMAIL --password PASSWORD --use-alternative-factors`. After the email, AWS calls the account's primary phone: answer it with `answer-call`.",
        run: cmd_verify_email,
    },
    Command {
        name: "support",
        usage: "support create-case --key-id KEY [--output json|text] [--query EXPR]",
        summary: "Opens an AWS Support case to recover a KMS key whose policy lets nobody manage it.",
        detail: "Anyone signed in to the key's account may open the case. AWS Support then calls the root user's primary phone (the account's contact phone); the person who answers keys in the ticket's one-time code with `answer-call`, and Support resets the key policy to the default one. With --output or --query the case prints as `{\"CaseId\", \"Phone\", \"Code\"}`, so that a value can be kept: `CODE=$(support create-case --key-id KEY --query Code --output text)`.",
        run: cmd_support,
    },
    Command {
        name: "answer-call",
        usage: "answer-call NUMBER --keys DIGITS",
        summary: "Answers AWS's call to a phone and keys in the number shown on the sign-in page.",
        detail: "The last step of signing in with alternative factors: whoever holds the account's primary phone keys in the six-digit number that the sign-in page shows.",
        run: cmd_answer_call,
    },
    Command {
        name: "reset-root-password",
        usage: "reset-root-password --token TOKEN --new-password PASSWORD",
        summary: "Follows the password-reset link from the root email's mailbox and sets a new root password.",
        detail: "Ask for the link with `sign-in root --email EMAIL --forgot-password`, then read it with `mail EMAIL`. A link works once, for one hour.",
        run: cmd_reset_root_password,
    },
    Command {
        name: "console",
        usage: "console ACTION [--option value ...]   (help console lists the actions)",
        summary: "Console-only actions (AWS offers no API for them), done as the signed-in user.",
        detail: "Actions AWS offers only in the console, such as changing the root password or closing a standalone account. Type `console` alone for the list.",
        run: cmd_console,
    },
    Command { name: "sign-out", usage: "sign-out", summary: "Signs out; AWS calls then fail for lack of credentials.", detail: "", run: cmd_sign_out },
    Command {
        name: "clock",
        usage: "clock [advance DURATION]",
        summary: "Shows the simulated time, or moves it forward (90s, 15m, 1h30m, 2d, 1w).",
        detail: "Time only moves when you say so. Sessions expire, reset links lapse and grace periods end as the clock passes them.",
        run: cmd_clock,
    },
    Command {
        name: "mfa-code",
        usage: "mfa-code [SERIAL]",
        summary: "Reads your authenticator app: the current and next code of a virtual MFA device.",
        detail: "Virtual MFA devices created with `aws iam create-virtual-mfa-device` (or at sign-in) land in your authenticator app. Codes change every 30 seconds of simulated time. Without SERIAL, lists the devices the app holds.",
        run: cmd_mfa_code,
    },
    Command {
        name: "lose-mfa-device",
        usage: "lose-mfa-device SERIAL",
        summary: "Simulates losing the phone that holds a virtual MFA device: its codes are gone.",
        detail: "AWS still expects the device; recover with the alternative factors or another registered device.",
        run: cmd_lose_mfa_device,
    },
    // The course tutor's commands: the REPL's tutor answers them before the world sees the line
    // (repl/src/lesson.rs); they are listed here so that `help` and completion know them.
    Command {
        name: "learn",
        usage: "learn [LESSON | N] | learn --exam [--seed N] [LESSON | N] | learn --report [--json]",
        summary: "The course: lists the lessons with your progress, starts one (or an exam of it), or reports progress.",
        detail: "A lesson builds its world, states an objective, and checks it with `check`. Inside a lesson, `reset` restarts it after asking for confirmation. Works in the REPL (`rootsim`, `rootsim learn`).",
        run: cmd_tutor,
    },
    Command {
        name: "objective",
        usage: "objective",
        summary: "Shows the objective of the lesson under way again.",
        detail: "",
        run: cmd_tutor,
    },
    Command {
        name: "check",
        usage: "check",
        summary: "Checks the lesson's objective on a copy of your world: each goal met or still missing.",
        detail: "Checking changes nothing: the goals' commands run on a copy.",
        run: cmd_tutor,
    },
    Command {
        name: "hint",
        usage: "hint",
        summary: "Gives the lesson's next hint.",
        detail: "",
        run: cmd_tutor,
    },
    Command {
        name: "solution",
        usage: "solution",
        summary: "Shows a solution, to type line by line, once you have tried `check`.",
        detail: "Values carry from one line to the next as in a shell: NAME=$(COMMAND) keeps what a command prints (use the AWS CLI's --query and --output text), $NAME uses it; `read -r A B <<< $(COMMAND)` keeps several.",
        run: cmd_tutor,
    },
    Command {
        name: "answer",
        usage: "answer QUESTION yes|no",
        summary: "Answers a quiz question of the lesson (y, yes, n, no, in any case).",
        detail: "",
        run: cmd_tutor,
    },
    Command {
        name: "mail",
        usage: "mail ADDRESS [--output json|text] [--query EXPR]",
        summary: "Reads the mailbox of an email address (reset links, one-time codes).",
        detail: "With --output or --query the mailbox prints as an AWS CLI response would, `{\"Messages\": [{Time, From, Subject, Body, Code}]}`, oldest first, so that a value can be kept: `TOKEN=$(mail security@example.com --query 'Messages[-1].Code' --output text)`.",
        run: cmd_mail,
    },
    Command {
        name: "alerts",
        usage: "alerts",
        summary: "Shows the EventBridge alerts that fired: rule, event (who, when), target and who received it.",
        detail: "A look behind the scenes, across every account: each time a rule matched a CloudTrail event and invoked its SNS topic. The emails themselves are in the subscribers' mailboxes (`mail ADDRESS`).",
        run: cmd_alerts,
    },
    Command {
        name: "trail",
        usage: "trail NAME [--json]",
        summary: "Reads what a trail of your account delivered to its S3 bucket: one line per event (JSON `Records`, as in the log files).",
        detail: "Stands for reading the trail's log files, so it needs s3:GetObject on the bucket. An organization trail of the management account holds every member's events (recipientAccountId); events from before the trail logged are not there.",
        run: cmd_trail,
    },
    Command { name: "phone", usage: "phone NUMBER", summary: "Shows the calls and texts a phone number received.", detail: "", run: cmd_phone },
    Command {
        name: "explain",
        usage: "explain [--json]",
        summary: "Explains why the last AWS call was allowed or denied: which layer, policy and statement decided.",
        detail: "",
        run: cmd_explain,
    },
    Command {
        name: "show",
        usage: "show org | accounts | account ACCOUNT | user NAME | group NAME | role NAME | policy ARN   [--account ACCOUNT]",
        summary: "Shows the organization tree, an account, or a principal and its policies.",
        detail: "A look behind the scenes: `show` reads the world directly and is not subject to any policy. Users, groups and roles are looked up in the account you are signed in to unless --account names another.",
        run: cmd_show,
    },
    Command {
        name: "tasks",
        usage: "tasks [TASK] | tasks --account ACCOUNT [--json]",
        summary: "Lists the tasks that need the root user and whether you could do each now, who may do one task, or who can do each now in one account.",
        detail: "The catalogue follows AWS's list of tasks that require root user credentials; `rootsim tasks --json` prints it for machines.",
        run: cmd_tasks,
    },
    Command {
        name: "who-can-become-root",
        usage: "who-can-become-root ACCOUNT",
        summary: "Lists who could end up acting as an account's root user, and how (each step a policy decision).",
        detail: "Follows the principal graph: sts:AssumeRole (role chaining included), sts:AssumeRoot (centralized root access), access keys and console passwords created for others, trust policies rewritten, roles passed to services, permissions granted. Each step is a policy-engine decision, SCPs included, explained with the statements that allowed it. `graph` draws the same graph.",
        run: cmd_who_can_become_root,
    },
    Command {
        name: "who-can",
        usage: "who-can ACTION RESOURCE [--via]",
        summary: "Lists every principal whose request the policy engine would allow; --via adds who can become one of them.",
        detail: "Asks the policy engine for every root user, IAM user and role of the world (SCPs, RCPs, boundaries and the resource's policy included), and names the statements that allowed each. With --via, also every other principal with a path through the principal graph to one of them, each step explained.",
        run: cmd_who_can,
    },
    Command {
        name: "path",
        usage: "path FROM TO",
        summary: "The shortest way one principal can become another, each step explained with the statement that allowed it.",
        detail: "FROM and TO are ARNs, user or role names (ACCOUNT/NAME when a name exists in several accounts) or root:ACCOUNT. The steps are the principal graph's edges (see `who-can-become-root`).",
        run: cmd_path,
    },
    Command {
        name: "graph",
        usage: GRAPH_USAGE,
        summary: "Prints the organization and who-can-become-whom as a Graphviz DOT graph (or JSON, or GraphML).",
        detail: "Pipe it to `dot -Tsvg` to draw it; `tree` draws the organization in the terminal. --account keeps one account's principals and the edges that touch them, --from what a principal reaches, --to what reaches one; more than --max-nodes nodes (2000 unless given) is refused.",
        run: cmd_graph,
    },
    Command {
        name: "tree",
        usage: "tree",
        summary: "Draws the organization as a tree: the root, OUs, accounts with IDs and status, and attached SCPs and RCPs.",
        detail: "A look behind the scenes, outside any policy, like `show org`, with each account's status and each policy's type.",
        run: cmd_tree,
    },
    Command {
        name: "validate-policy",
        usage: "validate-policy [--type identity|resource|trust|boundary|session|scp|rcp] [--json] file://PATH|JSON",
        summary: "Checks a policy document offline: IAM Access Analyzer's findings, and rootsim's own checks of resources that fit no action.",
        detail: "One line per finding: LINE:COLUMN TYPE ISSUE_CODE message (--json: Access Analyzer's response). The findings are those of `aws accessanalyzer validate-policy` for the matching policy type (a trust policy is a resource policy of type AWS::IAM::AssumeRolePolicyDocument), plus WARNINGs marked (rootsim) that Access Analyzer does not give: a statement whose resources are none the action acts on, or an action that takes no resource given only specific resources. Needs no credentials and makes no AWS call. `rootsim validate-policy --findings FILE` gives the same from a shell.",
        run: cmd_validate_policy,
    },
    Command {
        name: "save",
        usage: "save FILE",
        summary: "Saves the whole world and who is signed in as JSON.",
        detail: "The file is replaced all at once: if the save fails (a full disk), the previous file is kept whole.",
        run: cmd_save,
    },
    Command {
        name: "load",
        usage: "load FILE | load DIR",
        summary: "Loads a world saved with `save`, or imports an estate folder of AWS CLI output.",
        detail: "A folder is read as an estate (docs/import.md): what is unsound is skipped and listed, the rest imported, and nobody is signed in. A file that is not a saved world, or a folder that is not an estate (empty, or holding saves), is refused and the world kept.",
        run: cmd_load,
    },
    Command {
        name: "export",
        usage: "export DIR [--force]\n       export NAME=VALUE...",
        summary: "Writes the world as an estate folder of AWS CLI output, which `load DIR` reads back; or sets an AWS CLI environment variable.",
        detail: "`export NAME=VALUE` sets one of the AWS CLI's variables in the sandbox's environment (AWS_PROFILE, AWS_DEFAULT_PROFILE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION, AWS_DEFAULT_REGION, AWS_DEFAULT_OUTPUT), which AWS calls then read as the CLI does (see `aws configure help`). Otherwise: the layout is docs/import.md's; what the AWS CLI's listings do not carry (credentials, objects, messages) is not written. DIR must be empty or new; --force first removes the files of the estate layout already there (a previous export), and nothing else.",
        run: cmd_export,
    },
    Command {
        name: "set",
        usage: "set [cli-exact on|off]",
        summary: "Shows or changes the session's settings: cli-exact on prints every AWS command exactly as the AWS CLI does.",
        detail: "With cli-exact on (or `--cli-exact` on one aws command) rootsim's own lines are left out: the hint after a failed call (`(rootsim) ...`, a policy's line and column, a reason), and the `(rootsim)` line after a usage error, so that the output compares byte for byte with the AWS CLI's.",
        run: cmd_set,
    },
    Command {
        name: "unset",
        usage: "unset NAME...",
        summary: "Removes AWS CLI environment variables set with `export NAME=VALUE`.",
        detail: "",
        run: cmd_unset,
    },
    Command {
        name: "env",
        usage: "env",
        summary: "Lists the sandbox's AWS CLI environment variables (export NAME=VALUE sets them).",
        detail: "The AWS CLI takes credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN before any profile (unless --profile is given), the profile from AWS_PROFILE or AWS_DEFAULT_PROFILE, the Region from AWS_REGION or AWS_DEFAULT_REGION, the output format from AWS_DEFAULT_OUTPUT.",
        run: cmd_env,
    },
    Command {
        name: "cat",
        usage: "cat ~/.aws/config | cat ~/.aws/credentials",
        summary: "Shows the AWS CLI's simulated config or credentials file, as `aws configure` wrote it.",
        detail: "The files live in the sandbox, never on your disk; `save` keeps them with the world and `reset` empties them.",
        run: cmd_cat,
    },
    Command {
        name: "reset",
        usage: "reset [--seed N] [--empty]",
        summary: "Starts over: the demo world (or an empty one), with the same seed unless --seed is given.",
        detail: "",
        run: cmd_reset,
    },
    Command {
        name: "synth",
        usage: "synth [accounts=N,roles=N,policies=N,users=N] [--seed N]",
        summary: "Starts over on a synthetic estate of the size asked for (default: 1,000 accounts, 50,000 roles, 100,000 policies).",
        detail: "A seeded generator builds an organization with OUs several levels deep, SCPs at the root, OUs and some accounts, and in each account users, a group, roles (trusting the same account, other accounts, AWS services or the whole organization) and managed and inline policies with wildcards and conditions. Sizes left out keep the default's proportions (50 roles and 100 policies per account). The same size and seed always give the same estate. You are signed in as the management account's `admin` user (AdministratorAccess); every user's password is Synth-Passw0rd!. `rootsim --synthetic SIZES` starts on one.",
        run: cmd_synth,
    },
    Command { name: "exit", usage: "exit", summary: "Leaves rootsim (also: quit, Ctrl-D).", detail: "", run: cmd_exit },
];

/// A command's words: positional arguments and `--name value` options.
pub struct Args {
    /// Positional words.
    pub positional: Vec<String>,
    /// Options by name without the dashes; flags map to an empty string.
    pub options: BTreeMap<String, String>,
}

impl Args {
    pub(super) fn opt(&self, name: &str) -> Option<&str> {
        self.options.get(name).map(String::as_str)
    }

    pub(super) fn need(&self, name: &str, usage: &str) -> Result<&str, Outcome> {
        self.opt(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Outcome::usage(format!("missing --{name}\nusage: {usage}")))
    }
}

fn parse_args(words: &[Word], flags: &[&str]) -> Result<Args, String> {
    let mut args = Args { positional: Vec::new(), options: BTreeMap::new() };
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if let Some(name) = w.text.strip_prefix("--").filter(|_| !w.quoted) {
            if flags.contains(&name) {
                args.options.insert(name.to_string(), String::new());
                i += 1;
                continue;
            }
            let value = words.get(i + 1).filter(|v| v.quoted || !v.text.starts_with("--"));
            let Some(value) = value else {
                return Err(format!("--{name} needs a value"));
            };
            if args.options.insert(name.to_string(), value.text.clone()).is_some() {
                return Err(format!("--{name} given more than once"));
            }
            i += 2;
        } else {
            args.positional.push(w.text.clone());
            i += 1;
        }
    }
    Ok(args)
}

pub(super) fn check_options(args: &Args, allowed: &[&str], usage: &str) -> Result<(), Outcome> {
    for name in args.options.keys() {
        if !allowed.contains(&name.as_str()) {
            let hint =
                nearest(name, allowed.iter().copied()).map(|s| format!(" (did you mean --{s}?)")).unwrap_or_default();
            return Err(Outcome::usage(format!("unknown option --{name}{hint}\nusage: {usage}")));
        }
    }
    Ok(())
}

/// Runs the sandbox command in `words`.
pub fn run(session: &mut Session, words: &[Word], host: &mut dyn Host) -> Outcome {
    let name = match words[0].text.as_str() {
        "quit" => "exit",
        "signin" | "login" => "sign-in",
        "signout" | "logout" => "sign-out",
        n => n,
    };
    let Some(cmd) = COMMANDS.iter().find(|c| c.name == name) else {
        let candidates = COMMANDS.iter().map(|c| c.name).chain(["aws"]);
        let hint = match nearest(name, candidates) {
            Some(s) => format!(" Did you mean '{s}'?"),
            None => " Type 'help' for the list of commands.".to_string(),
        };
        return Outcome::fail("UnknownCommand", format!("Unknown command '{name}'.{hint}"));
    };
    const FLAGS: &[&str] = &["json", "empty", "forgot-password", "use-alternative-factors", "via", "force"];
    let args = match parse_args(&words[1..], FLAGS) {
        Ok(a) => a,
        Err(e) => return Outcome::usage(format!("{e}\nusage: {}", cmd.usage)),
    };
    (cmd.run)(session, &args, host)
}

fn cmd_help(_: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    help::topic(&args.positional)
}

fn cmd_exit(_: &mut Session, _: &Args, _: &mut dyn Host) -> Outcome {
    Outcome { exit: true, ..Outcome::ok("") }
}

fn cmd_whoami(session: &mut Session, _: &Args, _: &mut dyn Host) -> Outcome {
    let world = &session.world;
    let caller = match world.resolve(&session.identity) {
        Ok(c) => c,
        Err(e) if e.code == "NoCredentials" => {
            return Outcome::ok(
                "You are signed out. Sign in with `sign-in root ...`, `sign-in user ...` or `sign-in keys ...`.",
            )
        }
        Err(e) => {
            return Outcome::fail(&e.code, format!("Your credentials no longer work: {} ({})", e.message, e.code))
        }
    };
    let account = world.accounts.get(&caller.account).map_or(String::new(), |a| format!(" {}", a.name));
    let federated = caller.principal.kind == rootsim_policy::PrincipalKind::FederatedUser;
    let who = match &caller.kind {
        _ if federated => format!("federated user {}", caller.principal.arn.rsplit('/').next().unwrap_or("")),
        crate::auth::CallerKind::Root => "the root user".to_string(),
        crate::auth::CallerKind::User { .. } => format!("IAM user {}", caller.username.as_deref().unwrap_or("")),
        crate::auth::CallerKind::RoleSession { session_name, .. } => {
            format!("role session {session_name} of role {}", caller.principal.principal_arn)
        }
    };
    let how = match &session.identity {
        Identity::Console { mfa, since, .. } => format!(
            "signed in to the console at {}{}",
            format_cli(*since),
            if *mfa { " with MFA" } else { " without MFA" }
        ),
        Identity::Keys { access_key_id, .. } => {
            let expiry = world.sts.sessions.get(access_key_id).map(|s| {
                let left = (s.expires - world.clock.now()).max(0) as u64;
                format!(", which expire at {} (in {})", format_cli(s.expires), human_duration(left))
            });
            format!("using access key {access_key_id}{}", expiry.unwrap_or_default())
        }
        Identity::SignedOut => String::new(),
    };
    let mut text =
        format!("You are {who} of account{account} ({}), {how}.\nARN: {}", caller.account, caller.principal.arn);
    if let Some(note) = super::config::whoami_note(&session.cli) {
        text.push('\n');
        text.push_str(&note);
    }
    Outcome::ok(text)
}

fn cmd_sign_in(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let usage = COMMANDS.iter().find(|c| c.name == "sign-in").map_or("", |c| c.usage);
    let step = match args.positional.first().map(String::as_str) {
        Some("root") => {
            if let Err(o) = check_options(
                args,
                &["email", "password", "mfa-code", "register-mfa-device", "forgot-password", "use-alternative-factors"],
                usage,
            ) {
                return o;
            }
            if args.opt("forgot-password").is_some() {
                if args.opt("email").unwrap_or("").is_empty() {
                    return Outcome::usage("usage: sign-in root --email EMAIL --forgot-password");
                }
                "sign-in root --forgot-password"
            } else {
                if let Err(o) = args.need("email", usage).and(args.need("password", usage)) {
                    return o;
                }
                "sign-in root"
            }
        }
        Some("user") => {
            if let Err(o) = check_options(args, &["account", "user-name", "password", "mfa-code"], usage) {
                return o;
            }
            if let Err(o) =
                args.need("account", usage).and(args.need("user-name", usage)).and(args.need("password", usage))
            {
                return o;
            }
            "sign-in user"
        }
        Some("keys") => {
            if let Err(o) = check_options(args, &["access-key-id", "secret-access-key", "session-token"], usage) {
                return o;
            }
            if let Err(o) = args.need("access-key-id", usage).and(args.need("secret-access-key", usage)) {
                return o;
            }
            "sign-in keys"
        }
        _ => return Outcome::usage(format!("sign in as what? usage: {usage}")),
    };
    let step = super::signin::step(step);
    super::signin::run(session, step, &super::signin::parameters(step, args))
}

fn cmd_verify_email(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let usage = "verify-email --token TOKEN";
    if let Err(o) = check_options(args, &["token"], usage) {
        return o;
    }
    if let Err(o) = args.need("token", usage) {
        return o;
    }
    let step = super::signin::step("verify-email");
    super::signin::run(session, step, &super::signin::parameters(step, args))
}

fn cmd_support(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let usage = "support create-case --key-id KEY [--output json|text] [--query EXPR]";
    if let Err(o) = check_options(args, &["key-id", "output", "query"], usage) {
        return o;
    }
    if args.positional.first().map(String::as_str) != Some("create-case") {
        return Outcome::usage(format!("usage: {usage}"));
    }
    let key = match args.need("key-id", usage) {
        Ok(k) => k.to_string(),
        Err(o) => return o,
    };
    let caller = match session.world.resolve(&session.identity) {
        Ok(c) => c,
        Err(e) => return Outcome::fail(&e.code, format!("Sign in to the key's account to open a case: {}", e.message)),
    };
    let arn = if key.starts_with("arn:") { key } else { format!("arn:aws:kms:us-east-1:{}:key/{key}", caller.account) };
    match crate::world::kms::open_case(&mut session.world, &caller.account, &arn) {
        Ok((id, phone, otp)) => {
            let mut out = Outcome::ok(format!(
                "Opened Support case {id}. The ticket's one-time code is {otp}.\nAWS Support is calling the root user's primary phone, {phone}: whoever answers must key in that code (answer-call {phone} --keys {otp})."
            ));
            out.json = Some(json!({ "CaseId": id, "Phone": phone, "Code": otp }));
            structured(out, args)
        }
        Err(e) => Outcome::fail("NotFound", e),
    }
}

fn cmd_answer_call(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let usage = "answer-call NUMBER --keys DIGITS";
    if let Err(o) = check_options(args, &["keys"], usage) {
        return o;
    }
    let ([number], Ok(keys)) = (args.positional.as_slice(), args.need("keys", usage)) else {
        return Outcome::usage(format!("usage: {usage}"));
    };
    // A Support case waiting on this phone comes first: Support called, the caller keys in the code.
    match crate::world::kms::confirm_case(&mut session.world, number, keys) {
        Some(Ok(text)) => return Outcome::ok(text),
        Some(Err(e)) => return Outcome::fail("FailedAuthentication", e),
        None => {}
    }
    let step = super::signin::step("answer-call");
    let mut params = super::signin::parameters(step, args);
    params.insert("PhoneNumber".to_string(), Value::String(number.clone()));
    super::signin::run(session, step, &params)
}

fn cmd_reset_root_password(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let usage = "reset-root-password --token TOKEN --new-password PASSWORD";
    if let Err(o) = check_options(args, &["token", "new-password"], usage) {
        return o;
    }
    if let Err(o) = args.need("token", usage).and(args.need("new-password", usage)) {
        return o;
    }
    let step = super::signin::step("reset-root-password");
    super::signin::run(session, step, &super::signin::parameters(step, args))
}

fn cmd_console(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    super::console::run(session, args)
}

fn cmd_sign_out(session: &mut Session, _: &Args, _: &mut dyn Host) -> Outcome {
    session.identity = Identity::SignedOut;
    Outcome::ok("Signed out.")
}

fn cmd_clock(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    match args.positional.as_slice() {
        [] => Outcome::ok(format_cli(session.world.clock.now())),
        [a, d] if a == "advance" => match parse_duration(d) {
            Ok(secs) => match session.world.clock.try_advance(secs) {
                Ok(()) => Outcome::ok(format!("{} (advanced {})", session.world.clock.cli(), human_duration(secs))),
                Err(e) => Outcome::fail("InvalidDuration", e),
            },
            Err(e) => Outcome::usage(e),
        },
        _ => Outcome::usage("usage: clock [advance DURATION]"),
    }
}

/// A tutor command reached the world: it was typed outside the REPL's tutor (a scenario script,
/// the library), where there is no lesson to answer it.
fn cmd_tutor(_: &mut Session, _: &Args, _: &mut dyn Host) -> Outcome {
    Outcome::usage("the course's commands (learn, objective, check, hint, solution, answer) work in the rootsim REPL: `rootsim learn`")
}

/// A sandbox command's answer printed as the AWS CLI prints a response, when `--output` or
/// `--query` asks for it (the command's text otherwise): the query applied to its JSON, then the
/// format. A bad query or format is a usage error, as in the CLI.
fn structured(out: Outcome, args: &Args) -> Outcome {
    if args.opt("output").is_none() && args.opt("query").is_none() {
        return out;
    }
    let Some(json) = out.json.clone() else { return out };
    let format = args.opt("output").unwrap_or("json");
    let Some(output) = crate::render::Output::parse(format) else {
        return Outcome::usage(format!(
            "argument --output: Invalid choice, valid choices are:\n\n{}",
            crate::render::Output::NAMES.join(" | ")
        ));
    };
    let value = match args.opt("query") {
        None => json,
        Some(q) => match crate::render::query::compile(q).and_then(|c| c.search(&json)) {
            Ok(v) => v,
            Err(e) => return Outcome::usage(e),
        },
    };
    let mut printed = Outcome::ok(crate::render::format(&value, output, ""));
    printed.json = Some(value);
    printed
}

fn cmd_mail(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let usage = "mail ADDRESS [--output json|text] [--query EXPR]";
    if let Err(o) = check_options(args, &["output", "query"], usage) {
        return o;
    }
    let [address] = args.positional.as_slice() else {
        return Outcome::usage(format!("usage: {usage}"));
    };
    let inbox = session.world.mail.inbox(address);
    let messages: Vec<Value> = inbox
        .iter()
        .map(|m| json!({ "Time": format_cli(m.time), "From": m.from, "Subject": m.subject, "Body": m.body, "Code": m.code }))
        .collect();
    if inbox.is_empty() {
        let mut out = Outcome::ok(format!("No mail for {address}."));
        out.json = Some(json!({ "Messages": messages }));
        return structured(out, args);
    }
    let mut out = String::new();
    for (i, m) in inbox.iter().enumerate() {
        out.push_str(&format!(
            "[{}] {}\nFrom: {}\nSubject: {}\n\n{}\n\n",
            i + 1,
            format_cli(m.time),
            m.from,
            m.subject,
            m.body
        ));
    }
    let mut outcome = Outcome::ok(out.trim_end());
    // Newest last, as read; scripts pick a message and its Code (@set TOKEN = Messages[0].Code).
    outcome.json = Some(json!({ "Messages": messages }));
    structured(outcome, args)
}

fn cmd_trail(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let usage = "trail NAME [--json]";
    if let Err(o) = check_options(args, &["json"], usage) {
        return o;
    }
    let [name] = args.positional.as_slice() else { return Outcome::usage(format!("usage: {usage}")) };
    let world = &session.world;
    let caller = match world.resolve(&session.identity) {
        Ok(c) => c,
        Err(e) => return Outcome::fail(&e.code, e.message),
    };
    let Some(trail) = world.cloudtrail.trails.iter().find(|t| t.account == caller.account && t.name == *name) else {
        return Outcome::fail("NotFound", format!("No trail '{name}' in account {}.", caller.account));
    };
    // Reading the log files is reading the bucket's objects, under its bucket policy.
    let prefix = match world.organizations.of_account(&trail.account) {
        Some(o) if trail.organization => format!("AWSLogs/{}/", o.id),
        _ => format!("AWSLogs/{}/", trail.account),
    };
    let resource = format!("arn:aws:s3:::{}/{prefix}*", trail.bucket);
    let Some((owner, policy)) = world.resource_policy(&resource) else {
        return Outcome::fail("NoSuchBucket", format!("The bucket {} of trail {name} no longer exists.", trail.bucket));
    };
    let policy = policy.as_ref().map(|(label, p)| (label.as_str(), p));
    let request = crate::auth::AuthRequest::new(&caller, "us-east-1", "s3:GetObject", &resource)
        .owned_by(&owner)
        .with_resource_policy(policy);
    let record = crate::auth::Authorizer::new().authorize(world, &request);
    if !record.decision.is_allowed() {
        return Outcome::fail("AccessDenied", record.denial_message());
    }
    let records: Vec<Value> = crate::world::cloudtrail::delivered(world, trail).into_iter().cloned().collect();
    let value = json!({ "Records": records });
    let text = if args.opt("json").is_some() {
        super::to_cli_json(&value)
    } else {
        let mut out = format!(
            "Trail {name}{} delivered {} event(s) to s3://{}/{prefix}:\n",
            if trail.organization { " (organization trail)" } else { "" },
            records.len(),
            trail.bucket
        );
        for e in &records {
            // A service acting on the customer's behalf has no ARN, only the service's name.
            let who = e["userIdentity"]["arn"].as_str().or(e["userIdentity"]["invokedBy"].as_str()).unwrap_or("");
            let error = e["errorCode"].as_str().map(|c| format!("  ({c})")).unwrap_or_default();
            out.push_str(&format!(
                "{}  {}  {}:{}  {}{error}\n",
                e["eventTime"].as_str().unwrap_or(""),
                e["recipientAccountId"].as_str().unwrap_or(""),
                e["eventSource"].as_str().unwrap_or("").trim_end_matches(".amazonaws.com"),
                e["eventName"].as_str().unwrap_or(""),
                who
            ));
        }
        out.trim_end().to_string()
    };
    let mut out = Outcome::ok(text);
    out.json = Some(value);
    out
}

fn cmd_alerts(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    if !args.positional.is_empty() {
        return Outcome::usage("usage: alerts");
    }
    let fired = &session.world.events.fired;
    let alerts: Vec<Value> = fired
        .iter()
        .map(|a| {
            json!({
                "Rule": a.rule, "EventId": a.event_id, "EventName": a.event_name, "Who": a.who,
                "Time": format_cli(a.time), "Target": a.target, "DeliveredTo": a.delivered_to,
            })
        })
        .collect();
    let text = if fired.is_empty() {
        "No alerts have fired.".to_string()
    } else {
        let lines: Vec<String> = fired
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let to = if a.delivered_to.is_empty() { "nobody".to_string() } else { a.delivered_to.join(", ") };
                format!(
                    "[{}] {} rule {}\n    event {} by {}\n    target {} -> {}",
                    i + 1,
                    format_cli(a.time),
                    a.rule,
                    a.event_name,
                    a.who,
                    a.target,
                    to
                )
            })
            .collect();
        lines.join("\n")
    };
    let mut out = Outcome::ok(text);
    out.json = Some(json!({ "Count": alerts.len(), "Alerts": alerts }));
    out
}

fn cmd_phone(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let [number] = args.positional.as_slice() else {
        return Outcome::usage("usage: phone NUMBER");
    };
    let calls = session.world.mail.calls(number);
    if calls.is_empty() {
        return Outcome::ok(format!("No calls to {number}."));
    }
    let lines: Vec<String> = calls.iter().map(|c| format!("{} {}: {}", format_cli(c.time), c.from, c.text)).collect();
    Outcome::ok(lines.join("\n"))
}

fn cmd_explain(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    // After a command that made no AWS call, say so first: what follows is an earlier call.
    let note = session.no_call.as_ref().map(|c| format!("`{c}` made no AWS call, so it has nothing to explain."));
    let Some(last) = &session.last else {
        return Outcome::ok(match note {
            Some(n) => format!("{n} No AWS call was made before it either."),
            None => "Nothing to explain yet: run an AWS command first.".into(),
        });
    };
    let call = format!("{} {}", last.service, crate::service::kebab(&last.operation));
    let mut out = explain_call(&session.world, last, &call, args.opt("json").is_some(), session.no_call.as_deref());
    if args.opt("json").is_none() {
        out.text = org_policy_names(&out.text, &session.world);
    }
    match note {
        Some(n) if args.opt("json").is_none() => {
            Outcome::ok(format!("{n} The AWS call before it, `aws {call}`:\n\n{}", out.text))
        }
        _ => out,
    }
}

/// `text` with each organization policy ARN (SCP, RCP) written as the policy's name and ID,
/// `DenyRootAlways (p-97ryyv7u)`: an ARN alone does not say which policy a trainee wrote. ARNs of
/// policies no longer in the organization stay as they are.
fn org_policy_names(text: &str, world: &crate::world::World) -> String {
    const PREFIX: &str = "arn:aws:organizations::";
    let Some(org) = world.organizations.org.as_ref() else { return text.to_string() };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(PREFIX) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || "_-:/".contains(c))).unwrap_or(tail.len());
        let arn = &tail[..end];
        match org_policy(org, arn) {
            Some(p) => out.push_str(&format!("{} ({})", p.name, p.id)),
            None => out.push_str(arn),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The SCP or RCP of `org` that `arn` names, if it is one of its policies.
fn org_policy<'a>(
    org: &'a crate::organizations::Organization,
    arn: &str,
) -> Option<&'a crate::organizations::OrgPolicy> {
    let typed = arn.contains("/service_control_policy/") || arn.contains("/resource_control_policy/");
    org.policies.get(arn.rsplit('/').next().unwrap_or("")).filter(|_| typed)
}

/// `result`, a decision's JSON, with `policyName` and `policyId` beside each statement's
/// `policy` that is an SCP or RCP of the organization, as the text names them.
fn name_org_policies(mut result: Value, world: &crate::world::World) -> Value {
    let Some(org) = world.organizations.org.as_ref() else { return result };
    for list in ["matched", "overridden", "unevaluable", "notMatching"] {
        for entry in result[list].as_array_mut().into_iter().flatten() {
            let found = entry["policy"].as_str().and_then(|arn| org_policy(org, arn));
            if let Some(p) = found {
                entry["policyName"] = json!(p.name);
                entry["policyId"] = json!(p.id);
            }
        }
    }
    result
}

/// `explain` of one recorded call in `world`; `no_call` is the command after it that made none.
fn explain_call(
    world: &crate::world::World,
    last: &super::LastCall,
    call: &str,
    json: bool,
    no_call: Option<&str>,
) -> Outcome {
    if json {
        let records: Vec<Value> = last
            .auth
            .iter()
            .map(|r| {
                json!({
                    "principal": r.principal.arn,
                    "action": r.action,
                    "resource": r.resource,
                    "result": name_org_policies(r.decision.to_json(), world),
                })
            })
            .collect();
        let mut v = json!({
            "operation": last.operation,
            "error": last.error.as_ref().map(|e| json!({"code": e.code, "message": e.message})),
            "authorizations": records,
        });
        if let Some(c) = no_call {
            // Only then: the call described is not the last command's.
            v["lastCommandMadeNoCall"] = json!(c);
        }
        return Outcome::ok(super::to_cli_json(&v));
    }
    if last.auth.is_empty() {
        return Outcome::ok(match &last.error {
            Some(e) => format!("`aws {call}` failed before any policy was evaluated: {} ({}).", e.message, e.code),
            None => format!("`aws {call}` needs no permission: no policy was evaluated."),
        });
    }
    let mut out = Vec::new();
    for r in &last.auth {
        let mut text = format!("{} -> {} on {}\n{}", r.principal.arn, r.action, r.resource, r.explain());
        for line in super::expand::wildcard_lines(world, r) {
            text.push_str("\n  ");
            text.push_str(&line);
        }
        out.push(text);
    }
    // Each service words a denial its own way (crate::error::denied_by_service).
    if let Some(e) = last.error.as_ref().filter(|e| !crate::error::DENIAL_CODES.contains(&e.code.as_str())) {
        out.push(format!("The call then failed for another reason: {} ({}).", e.message, e.code));
    }
    Outcome::ok(out.join("\n\n"))
}

fn cmd_show(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    if let Err(o) = check_options(args, &["account"], "show ... [--account ACCOUNT]") {
        return o;
    }
    let account = match args.opt("account") {
        Some(a) => match session.world.accounts.find(a) {
            Some(acct) => Some(acct.id.clone()),
            None => return Outcome::fail("NotFound", format!("No account '{a}' in this world.")),
        },
        None => session.world.resolve(&session.identity).ok().map(|c| c.account),
    };
    super::show::show(&session.world, account.as_deref(), &args.positional)
}

fn cmd_tasks(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    use crate::tasks;
    let usage = "tasks [TASK] | tasks --account ACCOUNT [--json]";
    if let Err(o) = check_options(args, &["account", "json"], usage) {
        return o;
    }
    if let Some(a) = args.opt("account") {
        let Some(id) = session.world.accounts.find(a).map(|acct| acct.id.clone()) else {
            return Outcome::fail("NotFound", format!("No account '{a}' in this world."));
        };
        if !args.positional.is_empty() {
            return Outcome::usage(format!("usage: {usage}"));
        }
        let view = tasks::for_account(&session.world, &id).expect("found above");
        let value = serde_json::to_value(&view).unwrap_or_default();
        // The JSON is there for scripts (`@expect json`) whichever form is printed.
        let mut out = Outcome::ok(if args.opt("json").is_some() { super::to_cli_json(&value) } else { view.render() });
        out.json = Some(value);
        return out;
    }
    match args.positional.as_slice() {
        // Signed in: what you could do now and why not; signed out: the catalogue.
        [] => match session.world.resolve(&session.identity) {
            Ok(caller) => Outcome::ok(tasks::table_for(&session.world, &caller)),
            Err(_) => Outcome::ok(tasks::table()),
        },
        [id] => match tasks::find(id) {
            Some(t) => Outcome::ok(tasks::detail(t)),
            None => {
                let hint = nearest(id, tasks::TASKS.iter().map(|t| t.id))
                    .map(|s| format!(" Did you mean '{s}'?"))
                    .unwrap_or_default();
                Outcome::fail("NotFound", format!("No task '{id}'.{hint} Type `tasks` for the list."))
            }
        },
        _ => Outcome::usage(format!("usage: {usage}")),
    }
}

fn cmd_who_can_become_root(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    match args.positional.as_slice() {
        [account] => match session.world.accounts.find(account) {
            Some(a) => {
                let id = a.id.clone();
                Outcome::ok(crate::graph::who_can_become_root(&session.world, &id))
            }
            None => Outcome::fail("NotFound", format!("No account '{account}': `show accounts` lists them.")),
        },
        _ => Outcome::usage("usage: who-can-become-root ACCOUNT"),
    }
}

fn cmd_who_can(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let usage = "who-can ACTION RESOURCE [--via]";
    if let Err(o) = check_options(args, &["via"], usage) {
        return o;
    }
    match args.positional.as_slice() {
        [action, resource] if action.contains(':') => {
            let answer = crate::graph::who_can(&session.world, action, resource, args.opt("via").is_some());
            // A wildcard is asked about as written; say which real actions it stands for.
            Outcome::ok(match super::expand::wildcard_line(action) {
                Some(line) => format!("{line}\n{answer}"),
                None => answer,
            })
        }
        _ => Outcome::usage(format!("usage: {usage}   (ACTION as service:Action, e.g. iam:CreateUser)")),
    }
}

fn cmd_path(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let [from, to] = args.positional.as_slice() else {
        return Outcome::usage("usage: path FROM TO");
    };
    match crate::graph::path(&session.world, from, to) {
        Ok(text) => Outcome::ok(text),
        Err(e) => Outcome::fail(&e.code, e.message),
    }
}

fn cmd_tree(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    if !args.positional.is_empty() {
        return Outcome::usage("usage: tree");
    }
    match &session.world.organizations.org {
        Some(org) => Outcome::ok(super::show::org_tree(&session.world, org, true)),
        None => Outcome::ok("There is no organization in this world."),
    }
}

const GRAPH_USAGE: &str =
    "graph [--account ACCOUNT] [--from PRINCIPAL] [--to PRINCIPAL] [--max-nodes N] [--format dot|json|graphml]";

fn cmd_graph(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    if let Err(o) = check_options(args, &["account", "from", "to", "max-nodes", "format"], GRAPH_USAGE) {
        return o;
    }
    if !args.positional.is_empty() {
        return Outcome::usage(format!("usage: {GRAPH_USAGE}"));
    }
    let mut view = crate::graph::GraphView {
        account: args.opt("account").map(str::to_string),
        from: args.opt("from").map(str::to_string),
        to: args.opt("to").map(str::to_string),
        ..crate::graph::GraphView::default()
    };
    if let Some(n) = args.opt("max-nodes") {
        match n.parse::<usize>() {
            Ok(n) => view.max_nodes = n,
            Err(_) => return Outcome::usage(format!("--max-nodes takes a number, not '{n}'\nusage: {GRAPH_USAGE}")),
        }
    }
    if let Some(f) = args.opt("format") {
        match crate::graph::GraphFormat::parse(f) {
            Some(f) => view.format = f,
            None => {
                return Outcome::usage(format!("--format takes dot, json or graphml, not '{f}'\nusage: {GRAPH_USAGE}"))
            }
        }
    }
    match crate::graph::render(&session.world, &view) {
        Ok(text) => Outcome::ok(text.trim_end()),
        Err(e) => Outcome::fail(&e.code, e.message),
    }
}

fn cmd_mfa_code(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let app = &session.world.mail.authenticator;
    match args.positional.as_slice() {
        [] if app.is_empty() => Outcome::ok("Your authenticator app holds no devices."),
        [] => Outcome::ok(format!(
            "Your authenticator app holds:\n  {}",
            app.keys().cloned().collect::<Vec<_>>().join("\n  ")
        )),
        [serial] => match app.get(serial) {
            Some(seed) => {
                let now = session.world.clock.now();
                let left = 30 - now.rem_euclid(30);
                let (code, next) = (crate::iam::mfa_code(seed, now), crate::iam::mfa_code(seed, now + 30));
                let mut out = Outcome::ok(format!("{code}  (next: {next}, changes in {left}s)"));
                // JSON too, so that scripts can use the codes (@set CODE = Code).
                out.json = Some(json!({ "Code": code, "NextCode": next }));
                out
            }
            None => Outcome::fail("NotFound", format!("Your authenticator app does not hold {serial}.")),
        },
        _ => Outcome::usage("usage: mfa-code [SERIAL]"),
    }
}

fn cmd_lose_mfa_device(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let [serial] = args.positional.as_slice() else {
        return Outcome::usage("usage: lose-mfa-device SERIAL");
    };
    match session.world.mail.authenticator.remove(serial) {
        Some(_) => Outcome::ok(format!("The phone holding {serial} is gone: you can no longer read its codes.")),
        None => Outcome::fail("NotFound", format!("Your authenticator app does not hold {serial}.")),
    }
}

fn cmd_save(session: &mut Session, args: &Args, host: &mut dyn Host) -> Outcome {
    let [path] = args.positional.as_slice() else {
        return Outcome::usage("usage: save FILE");
    };
    match host.write_atomic(path, &session.to_json()) {
        Ok(()) => Outcome::ok(format!("Saved the world to {path}.")),
        Err(e) => Outcome::fail("FileError", format!("Cannot save to {path}: {e}")),
    }
}

fn cmd_load(session: &mut Session, args: &Args, host: &mut dyn Host) -> Outcome {
    let [path] = args.positional.as_slice() else {
        return Outcome::usage("usage: load FILE | load DIR");
    };
    if host.is_folder(path) {
        return load_estate(session, path, host);
    }
    let text = match host.read_file(path) {
        Ok(t) => t,
        Err(e) => return Outcome::fail("FileError", format!("Cannot read {path}: {e}")),
    };
    match Session::from_json(&text) {
        Ok(s) => {
            *session = s;
            Outcome::ok(format!("Loaded the world from {path}."))
        }
        Err(e) => Outcome::fail("FileError", format!("Cannot load {path}: {e}")),
    }
}

/// `load DIR`: imports an estate folder; what was skipped is listed, and the load still succeeds.
fn load_estate(session: &mut Session, path: &str, host: &mut dyn Host) -> Outcome {
    let seed = match session.origin {
        Origin::Demo { seed } | Origin::Empty { seed } | Origin::Synthetic { seed, .. } => seed,
    };
    match crate::import::read_estate(host, path, seed) {
        Ok(imported) => {
            let text = format!("Imported the estate from {path}: {}", imported.report());
            *session = Session::empty(seed);
            session.world = imported.world;
            Outcome::ok(text)
        }
        Err(e) => Outcome::fail("FileError", format!("Cannot import {path}: {e}")),
    }
}

fn cmd_export(session: &mut Session, args: &Args, host: &mut dyn Host) -> Outcome {
    // `export NAME=VALUE` is the shell's, for the AWS CLI's variables.
    if !args.positional.is_empty() && args.positional.iter().all(|w| is_assignment(w)) && args.options.is_empty() {
        return super::config::export(session, &args.positional);
    }
    let usage = "export DIR [--force]";
    if let Err(o) = check_options(args, &["force"], usage) {
        return o;
    }
    let [path] = args.positional.as_slice() else {
        return Outcome::usage(format!("usage: {usage}"));
    };
    match crate::import::write_estate(&session.world, host, path, args.opt("force").is_some()) {
        Ok(n) => Outcome::ok(format!("Exported the world to {path} ({n} files).")),
        Err(e) => Outcome::fail("FileError", format!("Cannot export to {path}: {e}")),
    }
}

/// Whether `word` reads as a shell assignment, `NAME=VALUE` (NAME: letters, digits, `_`).
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

fn cmd_unset(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    if let Err(o) = check_options(args, &[], "unset NAME...") {
        return o;
    }
    super::config::unset(session, &args.positional)
}

fn cmd_set(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    if !args.options.is_empty() {
        return Outcome::usage("usage: set [cli-exact on|off]");
    }
    super::exact::set(session, &args.positional)
}

fn cmd_env(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    if !args.positional.is_empty() || !args.options.is_empty() {
        return Outcome::usage("usage: env");
    }
    super::config::env(session)
}

fn cmd_validate_policy(_: &mut Session, args: &Args, host: &mut dyn Host) -> Outcome {
    use crate::accessanalyzer::findings;
    let usage =
        "usage: validate-policy [--type identity|resource|trust|boundary|session|scp|rcp] [--json] file://PATH|JSON";
    if let Err(o) = check_options(args, &["type", "json"], usage) {
        return o;
    }
    let [document] = args.positional.as_slice() else { return Outcome::usage(usage) };
    let kind = match args.opt("type").map(|t| (t, findings::kind_named(t))) {
        None => rootsim_policy::PolicyKind::Identity,
        Some((_, Some(k))) => k,
        Some((t, None)) => {
            return Outcome::usage(format!(
                "validate-policy: unknown --type '{t}': identity, resource, trust, boundary, session, scp or rcp"
            ))
        }
    };
    let text = match document.strip_prefix("file://") {
        Some(path) => match host.read_file(path) {
            Ok(t) => t,
            Err(e) => return Outcome::fail("FileError", format!("validate-policy: {e}")),
        },
        None => document.clone(),
    };
    let report = findings::report(&text, kind);
    let json = report.json();
    let mut out = if args.opt("json").is_some() {
        Outcome::ok(serde_json::to_string_pretty(&json).unwrap_or_default())
    } else {
        let lines = report.lines();
        Outcome::ok(if lines.is_empty() { "No findings.".to_string() } else { lines })
    };
    // The JSON is there for scripts (`@expect json`) whichever form is printed.
    out.json = Some(json);
    out
}

fn cmd_cat(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    match (args.positional.as_slice(), args.options.is_empty()) {
        ([path], true) => super::config::cat(session, path),
        _ => Outcome::usage("usage: cat ~/.aws/config | cat ~/.aws/credentials"),
    }
}

fn cmd_reset(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    if let Err(o) = check_options(args, &["seed", "empty"], "reset [--seed N] [--empty]") {
        return o;
    }
    let old = match session.origin {
        Origin::Demo { seed } | Origin::Empty { seed } | Origin::Synthetic { seed, .. } => seed,
    };
    let seed = match args.opt("seed").map(str::parse::<u64>) {
        None => old,
        Some(Ok(s)) => s,
        Some(Err(_)) => return Outcome::usage("--seed takes a whole number"),
    };
    *session = if args.opt("empty").is_some() { Session::empty(seed) } else { Session::demo(seed) };
    Outcome::ok(format!(
        "The world was reset ({} world, seed {seed}).",
        if args.opt("empty").is_some() { "empty" } else { "demo" }
    ))
}

fn cmd_synth(session: &mut Session, args: &Args, _: &mut dyn Host) -> Outcome {
    let usage = "usage: synth [accounts=N,roles=N,policies=N,users=N] [--seed N]";
    if let Err(o) = check_options(args, &["seed"], usage) {
        return o;
    }
    let spec = match args.positional.as_slice() {
        [] => Ok(crate::synth::Spec::default()),
        [sizes] => crate::synth::Spec::parse(sizes),
        _ => return Outcome::usage(usage),
    };
    let spec = match spec {
        Ok(s) => s,
        Err(e) => return Outcome::usage(format!("synth: {e}")),
    };
    let seed = match args.opt("seed").map(str::parse::<u64>) {
        None => crate::DEFAULT_SEED,
        Some(Ok(s)) => s,
        Some(Err(_)) => return Outcome::usage("--seed takes a whole number"),
    };
    *session = Session::synthetic(&spec, seed);
    let org = session.world.organizations.org.as_ref().map_or(0, |o| o.ous.len());
    Outcome::ok(format!(
        "A synthetic estate (seed {seed}): {} accounts in {org} OUs, {} roles, {} policies, {} users per account. You are the management account's admin user.",
        spec.accounts, spec.roles, spec.policies, spec.users
    ))
}
