//! SQS's operations: each reads its parameters (queue URLs, `--attributes`), authorizes the call
//! with the queue policy, changes the queues through their typed methods (`state.rs`, re-exported by [`super`]) and
//! renders SQS's response.

use super::state::{check_attributes, non_existent, queue_arn, unknown_attribute, valid_queue_name};
use super::state::{Message, Queue};
use crate::error::{AwsError, AwsResult};
use crate::s3::md5_hex;
use crate::service::{operations, param as p};
use crate::service::{opt_i64, opt_str, req_str, Call, Operation, Param, Shape};
use crate::world::sqs::queue_policy_of;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Input = Map<String, Value>;

/// Every attribute `get-queue-attributes` knows, in the order SQS returns them.
const ALL: &[&str] = &[
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "Policy",
    "ReceiveMessageWaitTimeSeconds",
    "SqsManagedSseEnabled",
];

/// Splits `Key=Value,Key=Value` at top-level commas only, so that a value may hold a JSON policy.
fn split_shorthand(text: &str) -> Vec<&str> {
    let (mut depth, mut in_str, mut escaped, mut start) = (0i32, false, false, 0);
    let mut parts = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_str => escaped = true,
            '"' => in_str = !in_str,
            '{' | '[' if !in_str => depth += 1,
            '}' | ']' if !in_str => depth -= 1,
            ',' if !in_str && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Reads `--attributes`: a JSON object of strings, or the shorthand `Name=Value,...` (a `Policy`
/// value may be a JSON document; quote the whole word so that the shell keeps its quotes).
pub fn parse_attributes(text: &str) -> AwsResult<BTreeMap<String, String>> {
    let usage = |why: &str| AwsError::new("UsageError", 0, format!("Error parsing parameter '--attributes': {why}"));
    let mut out = BTreeMap::new();
    if text.trim_start().starts_with('{') {
        let v: Value = serde_json::from_str(text).map_err(|e| usage(&format!("Invalid JSON: {e}")))?;
        for (k, v) in v.as_object().ok_or_else(|| usage("expected a JSON object"))? {
            let v = v.as_str().ok_or_else(|| usage(&format!("the value of {k} must be a string")))?;
            out.insert(k.clone(), v.to_string());
        }
        return Ok(out);
    }
    for pair in split_shorthand(text) {
        let (k, v) = pair.split_once('=').ok_or_else(|| usage(&format!("expected Name=Value, got '{pair}'")))?;
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// The `Attributes` map the command layer parsed (`Shape::Map`), empty when absent; a value that
/// is not a string is refused as SQS refuses it.
fn attributes(input: &Input) -> AwsResult<BTreeMap<String, String>> {
    let Some(map) = input.get("Attributes").and_then(Value::as_object) else { return Ok(BTreeMap::new()) };
    map.iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) => Ok((k.clone(), s.to_string())),
            None => {
                Err(AwsError::new("InvalidParameterValue", 400, format!("Value {v} for parameter {k} is invalid.")))
            }
        })
        .collect()
}

/// Finds the queue a URL names: `https://sqs.<region>.amazonaws.com/<account>/<name>` (the
/// legacy `queue.amazonaws.com` hosts name no Region: the call's Region is used).
fn find(call: &Call, url: &str) -> AwsResult<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(url);
    let mut parts = rest.trim_end_matches('/').split('/');
    let (host, account, name) = (parts.next().unwrap_or(""), parts.next(), parts.next());
    let (Some(account), Some(name), None) = (account, name, parts.next()) else {
        return Err(AwsError::new("InvalidAddress", 404, format!("The address {url} is not valid for this endpoint.")));
    };
    let region = host
        .strip_prefix("sqs.")
        .and_then(|h| h.strip_suffix(".amazonaws.com"))
        .map_or(call.region.clone(), str::to_string);
    let arn = queue_arn(&region, account, name);
    if call.world.sqs.queues.contains_key(&arn) {
        Ok(arn)
    } else {
        Err(non_existent())
    }
}

/// Authorizes `action` on a queue with its queue policy.
fn authorize_queue(call: &mut Call, action: &str, arn: &str) -> AwsResult<()> {
    let (owner, policy) = queue_policy_of(call.world, arn).ok_or_else(non_existent)?;
    call.authorize_owned(action, arn, &owner, policy.as_ref().map(|(l, p)| (l.as_str(), p)))
}

fn uuid(call: &mut Call) -> String {
    let r = &mut call.world.rng;
    format!("{}-{}-{}-{}-{}", r.lower_hex(8), r.lower_hex(4), r.lower_hex(4), r.lower_hex(4), r.lower_hex(12))
}

fn create_queue(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "QueueName")?;
    if !valid_queue_name(name) {
        return Err(AwsError::new(
            "InvalidParameterValue",
            400,
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        ));
    }
    let attrs = attributes(input)?;
    let changes = check_attributes(&attrs)?;
    check_principals(call, &changes)?;
    let account = call.account();
    let arn = queue_arn(&call.region, &account, name);
    call.authorize("sqs:CreateQueue", &arn)?;
    if let Some(q) = call.world.sqs.queues.get(&arn) {
        // Creating an existing queue is idempotent, unless the attributes differ.
        if let Some(attr) = q.differing_attribute(&changes) {
            return Err(AwsError::new(
                "QueueAlreadyExists",
                400,
                format!("A queue already exists with the same name and a different value for attribute {attr}"),
            ));
        }
        return Ok(json!({ "QueueUrl": q.url() }));
    }
    let queue = Queue::new(name, &account, &call.region, call.now(), changes);
    let url = queue.url();
    call.world.sqs.insert_queue(queue);
    Ok(json!({ "QueueUrl": url }))
}

fn list_queues(call: &mut Call, input: &Input) -> AwsResult<Value> {
    call.authorize("sqs:ListQueues", "*")?;
    let prefix = opt_str(input, "QueueNamePrefix").unwrap_or("");
    let account = call.account();
    let urls: Vec<String> = call
        .world
        .sqs
        .queues
        .values()
        .filter(|q| q.account == account && q.region == call.region && q.name.starts_with(prefix))
        .map(Queue::url)
        .collect();
    // No queues: SQS returns no QueueUrls at all, and the CLI prints nothing.
    Ok(if urls.is_empty() { Value::Null } else { json!({ "QueueUrls": urls }) })
}

fn get_queue_url(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let name = req_str(input, "QueueName")?;
    let account = opt_str(input, "QueueOwnerAWSAccountId").map_or_else(|| call.account(), str::to_string);
    let arn = queue_arn(&call.region, &account, name);
    if !call.world.sqs.queues.contains_key(&arn) {
        return Err(non_existent());
    }
    authorize_queue(call, "sqs:GetQueueUrl", &arn)?;
    Ok(json!({ "QueueUrl": call.world.sqs.queues[&arn].url() }))
}

fn delete_queue(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "QueueUrl")?)?;
    authorize_queue(call, "sqs:DeleteQueue", &arn)?;
    call.world.sqs.delete_queue(&arn);
    Ok(Value::Null)
}

fn send_message(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "QueueUrl")?)?;
    let body = req_str(input, "MessageBody")?;
    authorize_queue(call, "sqs:SendMessage", &arn)?;
    let q = &call.world.sqs.queues[&arn];
    if body.is_empty() {
        return Err(AwsError::new("MissingParameter", 400, "The request must contain the parameter MessageBody."));
    }
    let max = q.attr("MaximumMessageSize");
    if body.len() as i64 > max {
        return Err(AwsError::new(
            "InvalidParameterValue",
            400,
            format!("One or more parameters are invalid. Reason: Message must be shorter than {max} bytes."),
        ));
    }
    let delay = opt_i64(input, "DelaySeconds").unwrap_or_else(|| q.attr("DelaySeconds"));
    if !(0..=900).contains(&delay) {
        return Err(AwsError::new(
            "InvalidParameterValue",
            400,
            format!(
                "Value {delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."
            ),
        ));
    }
    let id = uuid(call);
    let now = call.now();
    let md5 = md5_hex(body.as_bytes());
    let message = Message {
        id: id.clone(),
        body: body.to_string(),
        sent: now,
        visible_at: now + delay,
        receive_count: 0,
        receipt_handle: None,
    };
    call.world.sqs.queue_mut(&arn)?.messages.push(message);
    Ok(json!({ "MD5OfMessageBody": md5, "MessageId": id }))
}

fn receive_message(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "QueueUrl")?)?;
    authorize_queue(call, "sqs:ReceiveMessage", &arn)?;
    let max = opt_i64(input, "MaxNumberOfMessages").unwrap_or(1);
    if !(1..=10).contains(&max) {
        return Err(AwsError::new(
            "InvalidParameterValue",
            400,
            format!("Value {max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."),
        ));
    }
    let now = call.now();
    let timeout =
        opt_i64(input, "VisibilityTimeout").unwrap_or_else(|| call.world.sqs.queues[&arn].attr("VisibilityTimeout"));
    let visible = call.world.sqs.queues[&arn].visible(now, max as usize);
    let mut out = Vec::new();
    for i in visible {
        let handle = call.world.rng.base32(64);
        let m = call.world.sqs.queue_mut(&arn)?.receive(i, now + timeout, handle.clone());
        out.push(json!({ "MessageId": m.id, "ReceiptHandle": handle, "MD5OfBody": md5_hex(m.body.as_bytes()), "Body": m.body }));
    }
    // An empty receive returns no Messages, and the CLI prints nothing.
    Ok(if out.is_empty() { Value::Null } else { json!({ "Messages": out }) })
}

fn delete_message(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "QueueUrl")?)?;
    let handle = req_str(input, "ReceiptHandle")?;
    authorize_queue(call, "sqs:DeleteMessage", &arn)?;
    call.world.sqs.queue_mut(&arn)?.delete_message(handle)?;
    Ok(Value::Null)
}

fn get_queue_attributes(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "QueueUrl")?)?;
    let names: Vec<String> = input
        .get("AttributeNames")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if let Some(bad) = names.iter().find(|n| *n != "All" && !ALL.contains(&n.as_str())) {
        return Err(unknown_attribute(bad));
    }
    authorize_queue(call, "sqs:GetQueueAttributes", &arn)?;
    let q = &call.world.sqs.queues[&arn];
    let now = call.now();
    let all = names.iter().any(|n| n == "All");
    let mut out = Map::new();
    for &name in ALL.iter().filter(|n| all || names.iter().any(|m| m == *n)) {
        let count = |f: &dyn Fn(&Message) -> bool| q.messages.iter().filter(|m| f(m)).count().to_string();
        let value = match name {
            "QueueArn" => q.arn(),
            "ApproximateNumberOfMessages" => count(&|m| m.visible_at <= now),
            "ApproximateNumberOfMessagesNotVisible" => count(&|m| m.visible_at > now && m.receive_count > 0),
            "ApproximateNumberOfMessagesDelayed" => count(&|m| m.visible_at > now && m.receive_count == 0),
            "CreatedTimestamp" => q.created.to_string(),
            "LastModifiedTimestamp" => q.modified.to_string(),
            "SqsManagedSseEnabled" => "true".to_string(),
            "Policy" => match &q.policy {
                Some(p) => p.to_json().to_string(),
                None => continue,
            },
            other => q.attributes.get(other).cloned().unwrap_or_default(),
        };
        out.insert(name.to_string(), json!(value));
    }
    // Only absent attributes asked for (a Policy that is not set): SQS returns none.
    Ok(if out.is_empty() { Value::Null } else { json!({ "Attributes": out }) })
}

/// SQS refuses a queue policy naming an IAM user or role that does not exist, as it refuses any
/// invalid policy: `InvalidAttributeValue`, "Invalid value for the parameter Policy." (rule
/// IAM-POLICY-PRINCIPAL-EXISTS).
fn check_principals(call: &Call, changes: &super::state::AttributeChanges) -> AwsResult<()> {
    if let Some(Some(policy)) = &changes.policy {
        if let Some(v) = call.world.missing_principal(policy) {
            return Err(
                super::state::invalid_value("Policy").with_hint(format!("  {v} names no existing IAM user or role"))
            );
        }
    }
    Ok(())
}

fn set_queue_attributes(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let arn = find(call, req_str(input, "QueueUrl")?)?;
    if input.get("Attributes").is_none() {
        return Err(crate::error::AwsError::validation(
            "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null",
        ));
    }
    let attrs = attributes(input)?;
    authorize_queue(call, "sqs:SetQueueAttributes", &arn)?;
    let changes = check_attributes(&attrs)?;
    check_principals(call, &changes)?;
    let now = call.now();
    call.world.sqs.queue_mut(&arn)?.apply(changes, now);
    Ok(Value::Null)
}

const URL: Param = p("QueueUrl", Shape::String, true, "the queue's URL");
const ATTRIBUTES_DOC: &str =
    "Name=Value,... or a JSON object of strings; quote a Policy value: 'Policy={\"Version\":...}'";

/// SQS's operations (`aws sqs ...`).
pub const OPERATIONS: &[Operation] = operations!(
    "sqs",
    [
        (
            "CreateQueue",
            create_queue,
            "Creates a standard queue, or returns the URL of the existing one.",
            [
                p("QueueName", Shape::String, true, "1 to 80 letters, digits, - and _"),
                p("Attributes", Shape::Map, false, ATTRIBUTES_DOC),
            ]
        ),
        (
            "ListQueues",
            list_queues,
            "Lists the account's queues in the Region.",
            [p("QueueNamePrefix", Shape::String, false, "only names that start with this")]
        ),
        (
            "GetQueueUrl",
            get_queue_url,
            "Returns a queue's URL.",
            [
                p("QueueName", Shape::String, true, "the queue's name"),
                p("QueueOwnerAWSAccountId", Shape::String, false, "the owner account, for another account's queue"),
            ]
        ),
        ("DeleteQueue", delete_queue, "Deletes a queue and its messages.", [URL]),
        (
            "SendMessage",
            send_message,
            "Sends a message.",
            [
                URL,
                p("MessageBody", Shape::String, true, "the message"),
                p("DelaySeconds", Shape::Integer, false, "0 to 900 seconds before it can be received"),
            ]
        ),
        (
            "ReceiveMessage",
            receive_message,
            "Receives up to MaxNumberOfMessages messages; they stay invisible for the visibility timeout.",
            [
                URL,
                p("MaxNumberOfMessages", Shape::Integer, false, "1 to 10 (default 1)"),
                p("VisibilityTimeout", Shape::Integer, false, "seconds the messages stay invisible"),
            ]
        ),
        (
            "DeleteMessage",
            delete_message,
            "Deletes a received message.",
            [URL, p("ReceiptHandle", Shape::String, true, "the handle receive-message returned")]
        ),
        (
            "GetQueueAttributes",
            get_queue_attributes,
            "Shows a queue's attributes, its Policy included.",
            [URL, p("AttributeNames", Shape::StringList, false, "All, Policy, QueueArn, VisibilityTimeout, ...")]
        ),
        (
            "SetQueueAttributes",
            set_queue_attributes,
            "Sets a queue's attributes; Policy= (empty) removes the queue policy.",
            [URL, p("Attributes", Shape::Map, true, ATTRIBUTES_DOC)]
        ),
    ]
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{MemoryHost, Outcome, Session};

    fn run(s: &mut Session, line: &str) -> Outcome {
        s.execute(line, &mut MemoryHost::default())
    }

    #[test]
    fn queue_names_follow_sqs_rules() {
        assert!(valid_queue_name("orders") && valid_queue_name("a_b-C9") && valid_queue_name(&"q".repeat(80)));
        for bad in ["", "has space", "dots.not.allowed", "orders.fifo", &"q".repeat(81)] {
            assert!(!valid_queue_name(bad), "{bad}");
        }
    }

    #[test]
    fn attributes_read_as_shorthand_or_json() {
        let a = parse_attributes(r#"VisibilityTimeout=60,Policy={"Statement":[{"A":1,"B":"x,y"}]}"#).unwrap();
        assert_eq!(a["VisibilityTimeout"], "60");
        assert_eq!(a["Policy"], r#"{"Statement":[{"A":1,"B":"x,y"}]}"#);
        let j = parse_attributes(r#"{"DelaySeconds": "5"}"#).unwrap();
        assert_eq!(j["DelaySeconds"], "5");
        assert!(check_attributes(&parse_attributes("VisibilityTimeout=99999").unwrap()).is_err());
        assert!(check_attributes(&parse_attributes("FifoQueue=true").unwrap()).is_err());
    }

    #[test]
    fn a_deny_all_queue_policy_locks_out_everyone_but_the_owner_root_on_attributes() {
        let mut s = Session::demo(crate::DEFAULT_SEED);
        let url = run(&mut s, "aws sqs create-queue --queue-name orders").json.unwrap()["QueueUrl"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(run(&mut s, &format!("aws sqs send-message --queue-url {url} --message-body hi")).ok);
        let deny = r#"'Policy={"Version":"2012-10-17","Statement":[{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}]}'"#;
        assert!(run(&mut s, &format!("aws sqs set-queue-attributes --queue-url {url} --attributes {deny}")).ok);
        for cmd in [
            "receive-message",
            "get-queue-attributes --attribute-names Policy",
            "set-queue-attributes --attributes Policy=",
        ] {
            let out = run(&mut s, &format!("aws sqs {cmd} --queue-url {url}"));
            assert_eq!(out.code.as_deref(), Some("AccessDenied"), "{cmd}");
            assert!(out.text.contains("with an explicit deny in a resource-based policy"));
        }
        run(&mut s, "sign-in root --email aws-management@example.com --password Mgmt-Root-2026!");
        assert_eq!(
            run(&mut s, &format!("aws sqs receive-message --queue-url {url}")).code.as_deref(),
            Some("AccessDenied")
        );
        assert!(run(&mut s, &format!("aws sqs get-queue-attributes --queue-url {url} --attribute-names Policy")).ok);
        let mut other = s.clone();
        run(&mut other, "sign-in root --email aws-prod@example.com --password Prod-Root-2026!");
        let out = run(&mut other, &format!("aws sqs set-queue-attributes --queue-url {url} --attributes Policy="));
        assert_eq!(out.code.as_deref(), Some("AccessDenied"));
        assert!(run(&mut s, &format!("aws sqs set-queue-attributes --queue-url {url} --attributes Policy=")).ok);
        run(&mut s, "sign-in user --account management --user-name alice --password Alice-Passw0rd!");
        let out = run(&mut s, &format!("aws sqs receive-message --queue-url {url}"));
        assert_eq!(out.json.unwrap()["Messages"][0]["Body"], "hi");
    }
}
