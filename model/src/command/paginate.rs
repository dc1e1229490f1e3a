//! The AWS CLI's pagination: `--max-items`, `--starting-token`, `--page-size`, `--no-paginate`.
//!
//! On an operation botocore paginates (`crate::pages`), the CLI hides the service's own paging
//! members (they still parse, undocumented) and offers its own options. It then calls the API
//! page after page, each call an AWS call of its own (authorized, recorded in CloudTrail), and
//! merges the pages: the result keys concatenated, the non-aggregate keys of the first page,
//! nothing else (no `IsTruncated`, no service token). `--max-items` stops after that many items of
//! the first result key and prints a `NextToken`: base64 of the JSON of the service's token(s)
//! and `boto_truncate_amount`, the items of the page already printed. `--starting-token` takes
//! such a token back (or, failing to read it, passes it to the service as its own token, as the
//! CLI does). Giving a service paging member (`--marker`, `--next-token`, `--max-results`...)
//! turns pagination off, as `--no-paginate` does: one call, its page printed as the service
//! answered it.
//!
//! Behaviour learnt from awscli's `customizations/paginate.py` and `formatter.py` and botocore's
//! `paginate.py` (rule CLI-PAGINATION in docs/rules.md).

use super::cli::{Globals, Invocation, UsageError};
use super::{aws_failure, print_response, with_debug, LastCall, Outcome, Session};
use crate::auth::{AuthRecord, Caller};
use crate::error::AwsError;
use crate::pages::{base64_decode, base64_encode, paginator, Paginator};
use crate::render::Output;
use crate::service::{kebab, Operation};
use serde_json::{Map, Value};

/// The CLI's own paging options, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PagingArgs {
    /// `--starting-token`.
    pub starting_token: Option<String>,
    /// `--page-size`: the limit of each API call.
    pub page_size: Option<i64>,
    /// `--max-items`: the items to print in all.
    pub max_items: Option<i64>,
}

/// The CLI's paging options an operation offers, with their value (for help and completion):
/// none unless botocore paginates it; `--page-size` only where the API has a limit.
pub fn options(op: &Operation) -> Vec<(&'static str, &'static str)> {
    let Some(p) = paginator(op.service, op.name) else { return Vec::new() };
    let mut out = vec![("--starting-token", "<string>")];
    if p.limit_key.is_some() {
        out.push(("--page-size", "<integer>"));
    }
    out.push(("--max-items", "<integer>"));
    out
}

fn int(opt: &str, values: &[&str]) -> Result<i64, UsageError> {
    match values {
        [v] => v.parse().map_err(|_| UsageError::Usage(format!("argument --{opt}: invalid int value: '{v}'"))),
        [] => Err(UsageError::Usage(format!("argument --{opt}: expected one argument"))),
        [_, extra, ..] => Err(UsageError::Usage(format!("Unknown options: {extra}"))),
    }
}

fn one(opt: &str, values: &[&str]) -> Result<String, UsageError> {
    match values {
        [v] => Ok(v.to_string()),
        [] => Err(UsageError::Usage(format!("argument --{opt}: expected one argument"))),
        [_, extra, ..] => Err(UsageError::Usage(format!("Unknown options: {extra}"))),
    }
}

/// Whether `--opt` is one of the paging options of a paginated operation: the CLI's own
/// (`--starting-token`, `--page-size` where the service has a limit, `--max-items`) or a paging
/// member of the service that the CLI hides but still accepts (`--marker`, `--next-token`,
/// `--max-results`...), each taking one value ([`take_option`] reads it).
pub(crate) fn is_paging_option(op: &Operation, opt: &str) -> bool {
    let Some(p) = paginator(op.service, op.name) else { return false };
    match opt {
        "starting-token" | "max-items" => true,
        "page-size" => p.limit_key.is_some(),
        // A member the operation's table lists is an ordinary option.
        _ if op.params.iter().any(|param| kebab(param.name) == opt) => false,
        _ => p.input_tokens.iter().chain(p.limit_key.iter()).any(|m| kebab(m) == opt),
    }
}

/// Takes one paging option of a paginated operation (see [`is_paging_option`]) with its value:
/// the CLI's into `paging`, a service's hidden paging member into `params` under its API name.
/// As argparse stores options, the last occurrence wins. `None` when `--opt` is no paging option.
pub(crate) fn take_option(
    op: &Operation,
    opt: &str,
    values: &[&str],
    paging: &mut PagingArgs,
    params: &mut Map<String, Value>,
) -> Option<Result<(), UsageError>> {
    if !is_paging_option(op, opt) {
        return None;
    }
    let p = paginator(op.service, op.name)?;
    match opt {
        "starting-token" => Some(one(opt, values).map(|v| paging.starting_token = Some(v))),
        "page-size" => Some(int(opt, values).map(|v| paging.page_size = Some(v))),
        "max-items" => Some(int(opt, values).map(|v| paging.max_items = Some(v))),
        _ => {
            if let Some(token) = p.input_tokens.iter().find(|t| kebab(t) == opt) {
                return Some(one(opt, values).map(|v| {
                    params.insert(token.clone(), Value::String(v));
                }));
            }
            let limit = p.limit_key.as_ref().filter(|k| kebab(k) == opt)?;
            Some(int(opt, values).map(|v| {
                params.insert(limit.clone(), Value::from(v));
            }))
        }
    }
}

/// After parsing: a service paging member given turns pagination off; with pagination off, a
/// CLI paging option that shadows a service member (IAM's `--max-items` is `MaxItems`) becomes
/// that member, and any other is refused, as the CLI refuses it.
pub(crate) fn finish(
    op: &Operation,
    globals: &mut Globals,
    paging: &mut PagingArgs,
    params: &mut Map<String, Value>,
) -> Result<(), UsageError> {
    let Some(p) = paginator(op.service, op.name) else { return Ok(()) };
    let members: Vec<&String> = p.input_tokens.iter().chain(p.limit_key.iter()).collect();
    if members.iter().any(|m| params.contains_key(m.as_str())) {
        globals.no_paginate = true;
    }
    if !globals.no_paginate {
        return Ok(());
    }
    let shadowed = |opt: &str| members.iter().find(|m| kebab(m) == opt).map(|m| m.to_string());
    let mut refused = Vec::new();
    if let Some(t) = paging.starting_token.take() {
        match shadowed("starting-token") {
            Some(m) => drop(params.insert(m, Value::String(t))),
            None => refused.push("--starting-token"),
        }
    }
    for (opt, value) in [("page-size", paging.page_size.take()), ("max-items", paging.max_items.take())] {
        if let Some(v) = value {
            match shadowed(opt) {
                Some(m) => drop(params.insert(m, Value::from(v))),
                None => refused.push(if opt == "page-size" { "--page-size" } else { "--max-items" }),
            }
        }
    }
    if !refused.is_empty() {
        return Err(UsageError::Client(format!(
            "Cannot specify --no-paginate along with pagination arguments: {}",
            refused.join(", ")
        )));
    }
    Ok(())
}

/// Whether the CLI paginates this invocation.
pub(crate) fn applies(inv: &Invocation) -> bool {
    !inv.globals.no_paginate && paginator(inv.operation.service, inv.operation.name).is_some()
}

/// Why paginating stopped short: a call failed, or the CLI itself refused (a bad token).
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// An API call failed with this error.
    Aws(AwsError),
    /// The CLI refused before or between calls, with this message.
    Client(String),
}

/// The pages of one paginated command, as the CLI holds them before printing.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged {
    /// Each page as the CLI keeps it (the first cut by the starting token, the last by
    /// `--max-items`).
    pub pages: Vec<Map<String, Value>>,
    /// The non-aggregate keys, from the first page.
    pub first: Map<String, Value>,
    /// The `NextToken` to print, when `--max-items` stopped before the end.
    pub resume: Option<String>,
}

/// A service token set as the CLI keeps it: each input token with its value (null for none),
/// in order, and `boto_truncate_amount` when a page was cut.
type Token = Vec<(String, Value)>;

/// Python's truthiness of a JSON value (what botocore tests `more_results` and tokens with).
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(m)) => !m.is_empty(),
        Some(Value::Bool(true)) => true,
    }
}

/// A JSON string as Python's `json.dumps` writes it (ASCII only, `\uXXXX` escapes).
fn py_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// A value as Python's `json.dumps` writes it with its default separators (`, ` and `: `).
fn py_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => py_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => py_json_object(map.iter(), out),
    }
}

fn py_json_object<'a>(entries: impl Iterator<Item = (&'a String, &'a Value)>, out: &mut String) {
    out.push('{');
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        py_json_string(k, out);
        out.push_str(": ");
        py_json(v, out);
    }
    out.push('}');
}

/// Python's `repr` of the token dict, which the CLI's messages quote.
fn py_repr_token(token: &Token) -> String {
    let map: Map<String, Value> = token.iter().cloned().collect();
    crate::render::py_str(&Value::Object(map))
}

/// The CLI's `NextToken` for `token`: checked to hold exactly the input tokens (and the
/// truncation), then base64 of its JSON.
pub fn encode_token(p: &Paginator, token: &Token) -> Result<String, Stop> {
    let mut expected: Vec<&str> = p.input_tokens.iter().map(String::as_str).collect();
    if token.iter().any(|(k, _)| k == "boto_truncate_amount") {
        expected.push("boto_truncate_amount");
    }
    expected.sort_unstable();
    let mut keys: Vec<&str> = token.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    if keys != expected {
        return Err(Stop::Client(format!("Bad starting token: {}", py_repr_token(token))));
    }
    let mut json = String::new();
    py_json_object(token.iter().map(|(k, v)| (k, v)), &mut json);
    Ok(base64_encode(json.as_bytes()))
}

/// Reads `--starting-token` as the CLI does: base64 of a JSON object (the service's tokens and
/// `boto_truncate_amount`); anything else is the old form, `TOKEN[___TOKEN...][___INDEX]`, which
/// for one input token is the service's token as typed.
pub fn decode_token(p: &Paginator, text: &str) -> Result<(Token, i64), Stop> {
    let decoded = base64_decode(text)
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| serde_json::from_str::<Value>(&s).ok());
    if let Some(Value::Object(mut map)) = decoded {
        map.shift_remove("boto_encoded_keys");
        let index = match map.shift_remove("boto_truncate_amount") {
            None => 0,
            Some(v) => v.as_i64().ok_or_else(|| Stop::Client(format!("Bad starting token: {text}")))?,
        };
        return Ok((map.into_iter().collect(), index));
    }
    let mut parts: Vec<&str> = text.split("___").collect();
    let mut index = 0;
    if parts.len() == p.input_tokens.len() + 1 {
        match parts.last().and_then(|l| l.parse::<i64>().ok()) {
            Some(i) => {
                index = i;
                parts.pop();
            }
            None => parts = vec![text],
        }
    }
    if parts.len() > p.input_tokens.len() {
        return Err(Stop::Client(format!("Bad starting token: {text}")));
    }
    let token = p
        .input_tokens
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let v = match parts.get(i) {
                Some(&"None") | None => Value::Null,
                Some(part) => Value::String(part.to_string()),
            };
            (k.clone(), v)
        })
        .collect();
    Ok((token, index))
}

/// Sets the token's members in the request, removing those it has none for.
fn inject(params: &mut Map<String, Value>, token: &Token) {
    for (k, v) in token {
        if v.is_null() || v.as_str() == Some("None") {
            params.shift_remove(k);
        } else {
            params.insert(k.clone(), v.clone());
        }
    }
}

/// Python's `len(list)` of a result, 0 for what is not a list.
fn count(page: &Map<String, Value>, key: &str) -> i64 {
    page.get(key).and_then(Value::as_array).map_or(0, |a| a.len() as i64)
}

/// Python's slice bound `i` of a sequence of `len` (negative counts from the end).
fn bound(i: i64, len: usize) -> usize {
    let len = len as i64;
    (if i < 0 { (len + i).max(0) } else { i.min(len) }) as usize
}

/// The value of a secondary result key on a resumed first page: emptied as botocore empties it.
fn emptied(v: Option<&Value>) -> Value {
    match v {
        Some(Value::Array(_)) => Value::Array(Vec::new()),
        Some(Value::String(_)) => Value::String(String::new()),
        Some(n @ Value::Number(_)) => n.clone(),
        _ => Value::Null,
    }
}

/// The request members an operation takes: its table's, then the paging members it does not
/// declare (botocore names them when it refuses another).
fn members(p: &Paginator, declared: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = declared.iter().map(|m| m.to_string()).collect();
    for m in p.input_tokens.iter().chain(p.limit_key.iter()) {
        if !out.contains(m) {
            out.push(m.clone());
        }
    }
    out
}

/// Calls the API page after page (`call` makes one call with the given request) as the CLI's
/// paginator does, and keeps the pages. `request_members` are the operation's declared members,
/// for the message that refuses a starting token naming another.
pub fn paginate(
    p: &Paginator,
    request_members: &[&str],
    request: &Map<String, Value>,
    args: &PagingArgs,
    mut call: impl FnMut(&Map<String, Value>) -> Result<Value, AwsError>,
) -> Result<Paged, Stop> {
    let Some(primary) = p.result_keys.first() else {
        return Err(Stop::Client("This operation has no result key to paginate".into()));
    };
    let (mut next, start_index): (Token, i64) = match &args.starting_token {
        Some(t) => decode_token(p, t)?,
        None => (p.input_tokens.iter().map(|k| (k.clone(), Value::Null)).collect(), 0),
    };
    let mut params = request.clone();
    if args.starting_token.is_some() {
        // Members that are not the operation's fail the call's validation, before any request.
        if let Some((bad, _)) = next.iter().find(|(k, _)| !p.input_tokens.contains(k)) {
            return Err(Stop::Client(format!(
                "Parameter validation failed:\nUnknown parameter in input: \"{bad}\", must be one of: {}",
                members(p, request_members).join(", ")
            )));
        }
        inject(&mut params, &next);
    }
    if let (Some(size), Some(limit)) = (args.page_size, &p.limit_key) {
        params.insert(limit.clone(), Value::from(size));
    }
    let mut out = Paged { pages: Vec::new(), first: Map::new(), resume: None };
    let mut total = 0i64;
    let mut previous: Option<Token> = None;
    loop {
        let mut page = match call(&params).map_err(Stop::Aws)? {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let mut cut_before = 0;
        if out.pages.is_empty() {
            if args.starting_token.is_some() {
                cut_before = start_index;
                let sliced = match page.get(primary) {
                    Some(Value::Array(items)) => Value::Array(items[bound(start_index, items.len())..].to_vec()),
                    _ => Value::Null,
                };
                page.insert(primary.clone(), sliced);
                for key in &p.result_keys[1..] {
                    let empty = emptied(page.get(key));
                    page.insert(key.clone(), empty);
                }
            }
            for key in &p.non_aggregate_keys {
                out.first.insert(key.clone(), page.get(key).cloned().unwrap_or(Value::Null));
            }
        }
        let n = count(&page, primary);
        if let Some(max) = args.max_items {
            let over = total + n - max;
            if over > 0 {
                let keep = n - over;
                if let Some(Value::Array(items)) = page.get_mut(primary) {
                    let end = bound(keep, items.len());
                    items.truncate(end);
                }
                next.retain(|(k, _)| k != "boto_truncate_amount");
                next.push(("boto_truncate_amount".into(), Value::from(keep + cut_before)));
                out.resume = Some(encode_token(p, &next)?);
                out.pages.push(page);
                return Ok(out);
            }
        }
        total += n;
        next = if p.more_results.as_ref().is_some_and(|m| !truthy(page.get(m))) {
            Vec::new()
        } else {
            p.output_tokens
                .iter()
                .zip(&p.input_tokens)
                .map(|(o, i)| {
                    let v = page.get(o).filter(|v| truthy(Some(v))).cloned().unwrap_or(Value::Null);
                    (i.clone(), v)
                })
                .collect()
        };
        out.pages.push(page);
        if next.iter().all(|(_, v)| v.is_null()) {
            return Ok(out);
        }
        if args.max_items == Some(total) {
            out.resume = Some(encode_token(p, &next)?);
            return Ok(out);
        }
        if previous.as_ref() == Some(&next) {
            return Err(Stop::Client(format!("The same next token was received twice: {}", py_repr_token(&next))));
        }
        inject(&mut params, &next);
        previous = Some(next.clone());
    }
}

impl Paged {
    /// The merged response the CLI prints as JSON, YAML or a table (and `--query` reads): the
    /// result keys concatenated, the first page's non-aggregate keys, then `NextToken`.
    pub fn full(&self, p: &Paginator) -> Value {
        let mut full = Map::new();
        for page in &self.pages {
            for key in &p.result_keys {
                let value = match page.get(key) {
                    None | Some(Value::Null) => continue,
                    Some(v) => v.clone(),
                };
                match (full.get_mut(key), value) {
                    (None, v) => drop(full.insert(key.clone(), v)),
                    (Some(Value::Array(have)), Value::Array(more)) => have.extend(more),
                    (Some(Value::String(have)), Value::String(more)) => have.push_str(&more),
                    (Some(Value::Number(have)), Value::Number(more)) => {
                        if let (Some(a), Some(b)) = (have.as_i64(), more.as_i64()) {
                            *have = (a + b).into();
                        }
                    }
                    _ => {}
                }
            }
        }
        merge(&mut full, &self.first);
        if let Some(token) = &self.resume {
            full.insert("NextToken".into(), Value::String(token.clone()));
        }
        Value::Object(full)
    }

    /// `--output text`: the CLI prints page by page (the first with the non-aggregate keys),
    /// `--query` applied to each, then the token as a `NEXTTOKEN` line.
    fn text(&self, p: &Paginator, globals: &Globals, operation: &str) -> Result<String, String> {
        let mut parts: Vec<Value> = Vec::new();
        for (i, page) in self.pages.iter().enumerate() {
            let mut current = if i == 0 { self.first.clone() } else { Map::new() };
            for key in &p.result_keys {
                current.insert(key.clone(), page.get(key).cloned().unwrap_or(Value::Null));
            }
            parts.push(Value::Object(current));
        }
        if let Some(token) = &self.resume {
            parts.push(serde_json::json!({"NextToken": {"NextToken": token}}));
        }
        let mut texts = Vec::new();
        for part in parts {
            let shown = match &globals.query {
                Some(q) => q.search(&part)?,
                None => part,
            };
            let text = crate::render::format(&shown, Output::Text, operation);
            if !text.is_empty() {
                texts.push(text);
            }
        }
        Ok(texts.join("\n"))
    }
}

impl Paged {
    /// `--output yaml-stream`: the CLI v2 streams the pages as they come, each page whole (the
    /// service's `IsTruncated` and tokens included, no `NextToken` of its own), `--query`
    /// applied to each, one YAML list item per page.
    fn yaml_stream(&self, globals: &Globals, operation: &str) -> Result<String, String> {
        let mut texts = Vec::new();
        for page in &self.pages {
            let page = Value::Object(page.clone());
            let shown = match &globals.query {
                Some(q) => q.search(&page)?,
                None => page,
            };
            let text = crate::render::format(&shown, Output::YamlStream, operation);
            if !text.is_empty() {
                texts.push(text);
            }
        }
        Ok(texts.join("\n"))
    }
}

/// botocore's `merge_dicts`: objects merged member by member, anything else replaced.
fn merge(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (k, v) in from {
        match (into.get_mut(k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge(a, b),
            _ => drop(into.insert(k.clone(), v.clone())),
        }
    }
}

impl Session {
    /// Runs a paginated invocation: page after page through [`Session::call_page`], then prints
    /// the merged response in `output` (the format from `--output`, the environment or the
    /// profile; an unknown one fails when printing, after the calls) (`debug` is `--debug`'s
    /// lines, printed first).
    pub(crate) fn run_paginated(
        &mut self,
        inv: &Invocation,
        caller: Caller,
        region: &str,
        output: &Result<Output, String>,
        debug: String,
    ) -> Outcome {
        let op = inv.operation;
        let Some(p) = paginator(op.service, op.name) else {
            return Outcome::fail("UsageError", format!("{} is not paginated", op.name));
        };
        let mut last: (Vec<AuthRecord>, Option<AwsError>) = (Vec::new(), None);
        let declared: Vec<&str> = op.params.iter().map(|param| param.name).collect();
        let mut memo = crate::pages::Memo::default();
        let paged = paginate(p, &declared, &inv.params, &inv.paging, |params| {
            let (result, auth) = self.call_page(op, &caller, region, params, &mut memo);
            last = (auth, result.as_ref().err().cloned());
            result
        });
        self.last =
            Some(LastCall { operation: op.name.into(), service: op.service.into(), auth: last.0, error: last.1 });
        let mut outcome = match paged {
            Err(Stop::Aws(e)) => aws_failure(op.name, &e),
            Err(Stop::Client(m)) => Outcome::usage(m),
            Ok(_) if output.is_err() => Outcome::fail("OutputError", output.clone().err().unwrap_or_default()),
            Ok(paged) => {
                let output = output.clone().unwrap_or(Output::Json);
                let full = paged.full(p);
                let streamed = match output {
                    Output::Text => Some(paged.text(p, &inv.globals, op.name)),
                    Output::YamlStream => Some(paged.yaml_stream(&inv.globals, op.name)),
                    _ => None,
                };
                match streamed {
                    None => print_response(&full, &inv.globals, output, op.name),
                    Some(Ok(text)) => Outcome { text, ok: true, code: None, json: Some(full), exit: false },
                    Some(Err(msg)) => Outcome::fail("QueryError", msg),
                }
            }
        };
        if inv.paging.max_items.is_some_and(|m| m <= 0) {
            // The CLI's warning on stderr, before the output.
            let warning = "warning: Non-positive values for --max-items may result in undefined behavior.";
            outcome.text =
                if outcome.text.is_empty() { warning.into() } else { format!("{warning}\n{}", outcome.text) };
        }
        with_debug(debug, outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users() -> &'static Paginator {
        paginator("iam", "ListUsers").unwrap()
    }

    fn token(pairs: &[(&str, Value)]) -> Token {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    /// Expected tokens from botocore 1.43.11's `TokenEncoder().encode` on the same dicts
    /// (python3 -c 'from botocore.paginate import TokenEncoder; print(TokenEncoder().encode({...}))').
    #[test]
    fn next_tokens_are_botocores() {
        let t = token(&[("Marker", Value::Null), ("boto_truncate_amount", Value::from(10))]);
        assert_eq!(encode_token(users(), &t).unwrap(), "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxMH0=");
        let t = token(&[("Marker", Value::from("AbC/+=")), ("boto_truncate_amount", Value::from(3))]);
        assert_eq!(
            encode_token(users(), &t).unwrap(),
            "eyJNYXJrZXIiOiAiQWJDLys9IiwgImJvdG9fdHJ1bmNhdGVfYW1vdW50IjogM30="
        );
        let t = token(&[("Marker", Value::from("é\"\n"))]);
        assert_eq!(encode_token(users(), &t).unwrap(), "eyJNYXJrZXIiOiAiXHUwMGU5XCJcbiJ9");
        // A dict without the operation's input tokens is refused as botocore refuses it.
        let t = token(&[("NextToken", Value::from("x"))]);
        assert_eq!(encode_token(users(), &t), Err(Stop::Client("Bad starting token: {'NextToken': 'x'}".into())));
    }

    #[test]
    fn starting_tokens_are_read_as_botocore_reads_them() {
        let (t, i) = decode_token(users(), "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxMH0=").unwrap();
        assert_eq!((t, i), (token(&[("Marker", Value::Null)]), 10));
        // Not base64 JSON: the old form, the service's own token (with an index after ___).
        assert_eq!(decode_token(users(), "abc").unwrap(), (token(&[("Marker", Value::from("abc"))]), 0));
        assert_eq!(decode_token(users(), "abc___4").unwrap(), (token(&[("Marker", Value::from("abc"))]), 4));
        assert_eq!(decode_token(users(), "None___4").unwrap(), (token(&[("Marker", Value::Null)]), 4));
        assert_eq!(decode_token(users(), "a___b").unwrap(), (token(&[("Marker", Value::from("a___b"))]), 0));
        assert!(matches!(decode_token(users(), "a___b___c"), Err(Stop::Client(_))));
    }

    /// Expected message from botocore 1.43.11's paginator given the same token
    /// (`base64({"Foo": "x"})`) for `list_users`.
    #[test]
    fn a_starting_token_naming_another_member_is_refused_as_botocore_refuses_it() {
        let args = PagingArgs { starting_token: Some("eyJGb28iOiAieCJ9".into()), ..PagingArgs::default() };
        let got = paginate(users(), &["PathPrefix"], &Map::new(), &args, |_| panic!("no call is made"));
        assert_eq!(
            got,
            Err(Stop::Client(
                "Parameter validation failed:\nUnknown parameter in input: \"Foo\", must be one of: PathPrefix, Marker, MaxItems"
                    .into()
            ))
        );
    }

    /// The merged results botocore's own paginator made of the same API pages with the same
    /// `PaginationConfig` (`paginate-cases.json`, written by `paginate-cases.py` with botocore
    /// 1.43.11 through `botocore.stub.Stubber`, and awscli 1.45.11's text formatter, whose
    /// page-by-page logic v2 shares): rootsim's paginator, fed those pages in order, asks for as
    /// many, merges them into the same response, `NextToken` included, and prints the same text.
    #[test]
    fn pages_merge_as_botocore_merges_them() {
        let file: Value = serde_json::from_str(include_str!("paginate-cases.json")).unwrap();
        let cases = file["cases"].as_array().unwrap();
        assert!(cases.len() >= 15);
        for (i, case) in cases.iter().enumerate() {
            let p = paginator(case["service"].as_str().unwrap(), case["operation"].as_str().unwrap()).unwrap();
            let config = &case["config"];
            let args = PagingArgs {
                starting_token: config["StartingToken"].as_str().map(str::to_string),
                page_size: config["PageSize"].as_i64(),
                max_items: config["MaxItems"].as_i64(),
            };
            let pages = case["pages"].as_array().unwrap();
            let mut calls = 0;
            let request = case["params"].as_object().cloned().unwrap_or_default();
            let got = paginate(p, &[], &request, &args, |_| {
                calls += 1;
                Ok(pages[calls - 1].clone())
            });
            let what = format!("case {i}: {} {config}", case["operation"]);
            let paged = got.unwrap_or_else(|e| panic!("{what}: {e:?}"));
            assert_eq!(paged.full(p), case["expected"], "{what}");
            assert_eq!(Some(calls as u64), case["calls"].as_u64(), "{what}");
            // `--output text`, page by page, with the case's `--query`.
            let globals = Globals {
                output: Output::Text,
                query: case["query"].as_str().map(|q| crate::render::query::compile(q).unwrap()),
                ..Globals::default()
            };
            let text = paged.text(p, &globals, "Op").unwrap();
            let text = if text.is_empty() { text } else { text + "\n" };
            assert_eq!(text, case["text"].as_str().unwrap(), "{what} (text)");
        }
    }

    /// Pages from a list of `n` items cut `limit` at a time with a numeric marker.
    fn api(items: &[i64], params: &Map<String, Value>) -> Result<Value, AwsError> {
        let start: usize = params.get("Marker").and_then(Value::as_str).map_or(0, |m| m.parse().unwrap());
        let limit = params.get("MaxItems").and_then(Value::as_i64).unwrap_or(100) as usize;
        let end = (start + limit).min(items.len());
        let mut page = serde_json::json!({"Users": items[start..end], "IsTruncated": end < items.len()});
        if end < items.len() {
            page["Marker"] = Value::from(end.to_string());
        }
        Ok(page)
    }

    #[test]
    fn max_items_stops_and_the_token_resumes() {
        let items: Vec<i64> = (0..25).collect();
        let mut calls = 0;
        let args = PagingArgs { page_size: Some(7), max_items: Some(10), ..PagingArgs::default() };
        let paged = paginate(users(), &["PathPrefix"], &Map::new(), &args, |p| {
            calls += 1;
            api(&items, p)
        })
        .unwrap();
        assert_eq!(calls, 2);
        let full = paged.full(users());
        assert_eq!(full["Users"], serde_json::json!((0..10).collect::<Vec<_>>()));
        // The second page (marker 7) was cut after 3 of its items.
        let (t, i) = decode_token(users(), full["NextToken"].as_str().unwrap()).unwrap();
        assert_eq!((t, i), (token(&[("Marker", Value::from("7"))]), 3));
        let args = PagingArgs { page_size: Some(7), starting_token: paged.resume.clone(), ..PagingArgs::default() };
        let rest = paginate(users(), &["PathPrefix"], &Map::new(), &args, |p| api(&items, p)).unwrap().full(users());
        assert_eq!(rest, serde_json::json!({"Users": (10..25).collect::<Vec<_>>()}));
    }
}

#[cfg(test)]
mod session_tests {
    use crate::pages::paginator;
    use crate::registry;
    use crate::Session;
    use proptest::prelude::*;
    use serde_json::Value;

    /// Members the services page with: an operation whose table declares one pages itself.
    const PAGING_MEMBERS: &[&str] =
        &["Marker", "NextToken", "MaxItems", "MaxResults", "ContinuationToken", "MaxKeys", "Limit"];

    /// rootsim pages exactly the operations botocore paginates: each such operation is paged by
    /// `crate::pages` (its service has a paging row) or by its own handler (its table declares
    /// the input token); no other operation declares a paging member; and every member the
    /// paginators name is a plain member, as `crate::pages` reads them.
    #[test]
    fn rootsim_paginates_what_botocore_paginates() {
        let mut paged = 0;
        for op in registry::all() {
            let declares = op.params.iter().any(|p| PAGING_MEMBERS.contains(&p.name));
            let Some(p) = paginator(op.service, op.name) else {
                assert!(
                    !declares,
                    "{} {} declares a paging member but botocore does not paginate it",
                    op.service, op.name
                );
                continue;
            };
            paged += 1;
            let self_paged = p.input_tokens.iter().all(|t| op.params.iter().any(|param| param.name == t));
            let api_paged = crate::pages::SERVICES.iter().any(|s| s.service == op.service);
            assert!(self_paged || api_paged, "{} {} is paginated by botocore but not by rootsim", op.service, op.name);
            for member in p.input_tokens.iter().chain(&p.output_tokens).chain(&p.result_keys).chain(p.limit_key.iter())
            {
                assert!(member.chars().all(|c| c.is_ascii_alphanumeric()), "{} {}: {member}", op.service, op.name);
            }
        }
        // 43 operations in botocore 1.44.18's paginators are modelled by rootsim.
        assert!(paged >= 40, "only {paged} paginated operations found");
        // Every modelled service has its vendored paginators, and the other way round.
        let vendored: Vec<&str> = crate::pages::paginated_operations().iter().map(|(s, _)| *s).collect();
        for service in registry::services() {
            // STS and EC2 Instance Connect have no paginated operation in botocore.
            assert!(
                vendored.contains(&service) || service == "sts" || service == "ec2-instance-connect",
                "no vendored paginators for {service}"
            );
        }
    }

    /// Every paginated operation that needs no parameter answers the demo world the same
    /// whether the API is called 2 items a page or with its default page.
    #[test]
    fn small_pages_merge_into_the_same_answer() {
        let mut checked = Vec::new();
        for op in registry::all() {
            let Some(p) = paginator(op.service, op.name) else { continue };
            // CloudTrail's history grows with every page call, so two runs cannot agree.
            if op.params.iter().any(|param| param.required) || p.limit_key.is_none() || op.service == "cloudtrail" {
                continue;
            }
            let mut session = Session::demo(crate::DEFAULT_SEED);
            let line = format!("aws {} {}", op.service, op.cli_name());
            let whole = session.run(&line);
            if !whole.ok {
                continue;
            }
            // The smallest page the service takes, 2 where it allows it (EC2's is 5).
            let size = crate::pages::SERVICES.iter().find(|s| s.service == op.service).map_or(2, |s| s.min.max(2));
            let small = session.run(&format!("{line} --page-size {size}"));
            assert!(small.ok, "{line} --page-size {size}: {}", small.text);
            assert_eq!(whole.json, small.json, "{line}");
            checked.push(line);
        }
        assert!(checked.len() >= 10, "{checked:?}");
    }

    #[test]
    fn completion_offers_the_paging_options_of_paginated_operations_only() {
        let session = Session::demo(crate::DEFAULT_SEED);
        let line = "aws iam list-users --";
        let (_, words) = crate::command::complete::complete(&session, line, line.len());
        for o in ["--starting-token", "--page-size", "--max-items", "--path-prefix"] {
            assert!(words.iter().any(|w| w == o), "{o} not in {words:?}");
        }
        // SNS pages without a limit: no --page-size; get-user is not paginated.
        let line = "aws sns list-topics --";
        let (_, words) = crate::command::complete::complete(&session, line, line.len());
        assert!(words.iter().any(|w| w == "--max-items") && !words.iter().any(|w| w == "--page-size"));
        let line = "aws iam get-user --";
        let (_, words) = crate::command::complete::complete(&session, line, line.len());
        assert!(!words.iter().any(|w| w == "--max-items" || w == "--starting-token"), "{words:?}");
    }

    fn names(v: &Option<Value>) -> Vec<String> {
        v.as_ref()
            .and_then(|j| j["Users"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|u| u["UserName"].as_str().map(str::to_string))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// For any page size and --max-items, the runs resumed with each printed NextToken
        /// concatenate to the list one call answers.
        #[test]
        fn resumed_runs_concatenate_to_the_whole_list(users in 0usize..24, page in 1i64..9, max in 1i64..12) {
            let mut session = Session::demo(crate::DEFAULT_SEED);
            for i in 0..users {
                session.run(&format!("aws iam create-user --user-name u{i:02}")).expect_ok();
            }
            let whole = names(&session.run("aws iam list-users --no-paginate --max-items 1000").json);
            let mut got = Vec::new();
            let mut token: Option<String> = None;
            for _ in 0..100 {
                let resume = token.as_ref().map(|t| format!(" --starting-token {t}")).unwrap_or_default();
                let out = session.run(&format!("aws iam list-users --page-size {page} --max-items {max}{resume}"));
                prop_assert!(out.ok, "{}", out.text);
                let part = names(&out.json);
                prop_assert!(part.len() as i64 <= max);
                got.extend(part);
                token = out.json.as_ref().and_then(|j| j["NextToken"].as_str().map(str::to_string));
                if token.is_none() {
                    break;
                }
            }
            prop_assert_eq!(got, whole);
        }
    }
}
