//! Decisions without a world: the request format of `rootsim eval`.
//!
//! A request carries every layer of AWS's decision itself (see `docs/eval.md`):
//!
//! ```json
//! {"id": "r1", "principal": "arn:aws:iam::111122223333:user/bob", "action": "s3:GetObject",
//!  "resource": "arn:aws:s3:::bucket/key", "resourceAccount": "111122223333",
//!  "context": {"aws:SourceIp": "10.0.0.1"},
//!  "identityPolicies": [{...}], "resourcePolicy": {...}, "permissionsBoundary": {...},
//!  "sessionPolicy": {...}, "scps": [[{...}], [{...}]], "rcps": [[...]]}
//! ```
//!
//! and the answer is one JSON object: `{"id", "decision", "decidedBy", "matched", "explanation"}`.
//! [`Evaluator`] keeps every policy it has parsed, keyed by its text, so that requests sharing
//! their policies parse each document once: a stream of 100,000 requests costs 100,000
//! evaluations, not 100,000 parses. [`Evaluator::run_stream`] answers a stream line by line (or
//! an array element by element, `array.rs`) as it is read, in memory bounded by that cache (see [`Evaluator::with_cache_limit`]), whatever the
//! input's size.

mod array;

use crate::arn::Arn;
use crate::{Context, Decision, NamedPolicy, Policy, PolicyKind, PolicySet, Principal, PrincipalKind, Request};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufRead, Write};

/// One request as written in the input. Policies stay raw text until the cache needs them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawRequest<'a> {
    #[serde(default, borrow)]
    id: Option<Raw<'a>>,
    // Borrowed from the input unless they hold escapes: copying them cost an allocation each.
    #[serde(borrow)]
    principal: Cow<'a, str>,
    #[serde(borrow)]
    action: Cow<'a, str>,
    #[serde(borrow)]
    resource: Cow<'a, str>,
    #[serde(default, borrow)]
    resource_account: Option<Cow<'a, str>>,
    #[serde(default)]
    context: ContextInput,
    #[serde(default, borrow)]
    identity_policies: Vec<Raw<'a>>,
    #[serde(default, borrow)]
    resource_policy: Option<Raw<'a>>,
    #[serde(default, borrow)]
    permissions_boundary: Option<Raw<'a>>,
    #[serde(default, borrow)]
    session_policy: Option<Raw<'a>>,
    #[serde(default, borrow)]
    scps: Option<Vec<Vec<Raw<'a>>>>,
    #[serde(default, borrow)]
    rcps: Option<Vec<Vec<Raw<'a>>>>,
}

/// One JSON value's exact text in the input (what `RawValue::get` gives), so that the fast
/// reader ([`Evaluator::read_request`]) and serde's derive produce the same request.
/// The fast reader also gives the policy's position in the request, for [`Hint::loaded`].
#[derive(Clone, Copy)]
struct Raw<'a>(&'a str, Option<usize>);

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'de RawValue>::deserialize(d).map(|v| Raw(v.get(), None))
    }
}

/// A request's context: as serde read it (checked when the request is decided, so that errors
/// come in the same order as always), or already read into a [`Context`] by the fast reader.
enum ContextInput {
    Json(Map<String, Value>),
    Read(Context),
}

impl Default for ContextInput {
    fn default() -> ContextInput {
        ContextInput::Json(Map::new())
    }
}

impl<'de> Deserialize<'de> for ContextInput {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Map::deserialize(d).map(ContextInput::Json)
    }
}

/// A position in one request's text, for [`Evaluator::read_request`]. Every method returns
/// `None` on anything it does not take (escapes, `null`, malformed JSON), and the request is
/// then read by serde instead, which also reports the errors.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    /// The next byte after JSON whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = bytes.get(self.at) {
            self.at += 1;
        }
        bytes.get(self.at).copied()
    }

    /// Consumes `b` (after whitespace).
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.at += 1)
    }

    /// `,` (true: another item follows) or `close` (false).
    fn next_item(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            b if b == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// A string without escapes or control characters, borrowed from the input.
    fn plain_str(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let bytes = &self.text.as_bytes()[start..];
        // Eight bytes at a time to the first byte that is a quote, a backslash or a control
        // character; byte by byte in the last seven.
        let mut len = 0;
        loop {
            match escape_mask(&bytes[len..]) {
                Some(0) => len += 8,
                Some(mask) => {
                    len += (mask.trailing_zeros() / 8) as usize;
                    break;
                }
                None => {
                    len += bytes[len..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
                    break;
                }
            }
        }
        if bytes[len] != b'"' {
            return None;
        }
        self.at = start + len + 1;
        // Both ends are ASCII quotes, so these are character boundaries.
        Some(&self.text[start..start + len])
    }

    /// Any JSON value's text, delimited by serde_json exactly as `RawValue` delimits it.
    fn raw(&mut self) -> Option<&'a str> {
        self.peek()?;
        let rest = &self.text[self.at..];
        let value = <&RawValue>::deserialize(&mut serde_json::Deserializer::from_str(rest)).ok()?.get();
        // The value is a slice of `rest`, so its end is its offset plus its length.
        self.at += value.as_ptr() as usize - rest.as_ptr() as usize + value.len();
        Some(value)
    }

    /// A policy document: the text of `hint` when the input continues with it (a JSON object or
    /// string ends where its text ends, and a hint is always one that serde delimited),
    /// otherwise any value, which then becomes the hint.
    fn policy(&mut self, (hint, k): (&mut Hint, usize)) -> Option<Raw<'a>> {
        if self.peek()? == b'n' {
            return None;
        }
        let rest = &self.text[self.at..];
        let n = hint.text.len();
        if n > 0 && rest.as_bytes().starts_with(hint.text.as_bytes()) {
            self.at += n;
            return Some(Raw(&rest[..n], Some(k)));
        }
        let value = self.raw()?;
        hint.text.clear();
        hint.text.push_str(value);
        hint.loaded = None;
        Some(Raw(value, Some(k)))
    }

    /// One context value as the context holds it: a string, `true`, `false` or a number (as
    /// serde_json prints it).
    fn scalar(&mut self) -> Option<String> {
        match self.peek()? {
            b'"' => self.plain_str().map(str::to_string),
            b't' | b'f' => {
                let word = if self.peek()? == b't' { "true" } else { "false" };
                self.text[self.at..].starts_with(word).then(|| {
                    self.at += word.len();
                    word.to_string()
                })
            }
            b'-' | b'0'..=b'9' => {
                let n: serde_json::Number = serde_json::from_str(self.raw()?).ok()?;
                Some(n.to_string())
            }
            _ => None,
        }
    }

    /// The `context` object, straight into a [`Context`] (keys set in input order, as
    /// [`context_from`] sets them from serde's order-preserving map).
    fn context(&mut self) -> Option<Context> {
        let mut ctx = Context::new();
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(ctx);
        }
        loop {
            let key = self.plain_str()?;
            self.eat(b':')?;
            if self.peek()? == b'[' {
                let items = self.list(Cursor::scalar)?;
                ctx.insert_multi(key, items);
            } else {
                let value = self.scalar()?;
                ctx.insert(key, value);
            }
            if !self.next_item(b'}')? {
                return Some(ctx);
            }
        }
    }

    /// A JSON array, each item read by `item`.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.eat(b'[')?;
        let mut out = Vec::new();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(out);
        }
        loop {
            out.push(item(self)?);
            if !self.next_item(b']')? {
                return Some(out);
            }
        }
    }

    /// A list of policies; `k` counts policies read so far in the request.
    fn policies(&mut self, hints: &mut Vec<Hint>, k: &mut usize) -> Option<Vec<Raw<'a>>> {
        self.list(|c| c.policy(hint(hints, k)))
    }

    /// `scps` or `rcps`: a list of levels, each a list of policies.
    fn levels(&mut self, hints: &mut Vec<Hint>, k: &mut usize) -> Option<Vec<Vec<Raw<'a>>>> {
        self.list(|c| c.policies(hints, k))
    }
}

/// What the fast reader remembers of the `k`-th policy (in reading order) of the last request
/// that had one there: requests in a stream repeat their documents at the same places.
#[derive(Default)]
struct Hint {
    /// The document's text: the reader finds where an inline document ends with one comparison
    /// instead of tokenizing it.
    text: String,
    /// The policy `text` loaded as, with its kind's cache slot: a request that repeats the
    /// document gets it without hashing and comparing its text again. Cleared when the text
    /// changes, and by every definition (a reference's meaning may change).
    loaded: Option<(usize, Policy)>,
}

/// The hint for the `k`-th policy of a request (made empty the first time) and `k`, counting it.
fn hint<'h>(hints: &'h mut Vec<Hint>, k: &mut usize) -> (&'h mut Hint, usize) {
    if hints.len() <= *k {
        hints.resize_with(*k + 1, Hint::default);
    }
    *k += 1;
    (&mut hints[*k - 1], *k - 1)
}

/// A request that cannot be evaluated, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(pub String);

/// Hashes a policy text by its length and five 8-byte words sampled across it. Documents are long
/// and hashing all of every one on every request cost more than evaluating it; the map still
/// compares whole texts on a hit, so a shared sample can only cost a comparison, never a wrong
/// answer.
#[derive(Default)]
struct SampleHasher(u64);

impl std::hash::Hasher for SampleHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let n = bytes.len();
        // The little-endian word at `i`, zero-padded past the end.
        let word = |i: usize| {
            let mut w = [0u8; 8];
            let chunk = bytes.get(i..n.min(i + 8)).unwrap_or(&[]);
            w[..chunk.len()].copy_from_slice(chunk);
            u64::from_le_bytes(w)
        };
        let mut h = self.0 ^ (n as u64).wrapping_mul(K);
        for i in [0, n / 4, n / 2, n - n / 4, n.saturating_sub(8)] {
            h = (h ^ word(i)).wrapping_mul(K).rotate_left(29);
        }
        self.0 = h;
    }
}

type TextMap = HashMap<String, Policy, std::hash::BuildHasherDefault<SampleHasher>>;

/// How many documents the cache holds by default before it is emptied.
pub const CACHE_ENTRIES: usize = 10_000;
/// How many bytes of document text the cache holds by default before it is emptied.
pub const CACHE_BYTES: usize = 32 << 20;
/// How many documents an input may define with `{"define": ...}` by default: definitions are
/// kept for the whole input (later requests may name them), so they are bounded, not evicted.
pub const MAX_DEFINITIONS: usize = 10_000;
/// How many bytes of names and document text those definitions may hold in all, by default.
pub const MAX_DEFINED_BYTES: usize = 32 << 20;

/// Evaluates `eval` requests, parsing each distinct policy document once.
pub struct Evaluator {
    /// Parsed documents by text, one map per policy kind (looked up by `&str`, no allocation).
    cache: [TextMap; 7],
    /// The bytes of text the cache's keys hold, and the limits past which it is emptied.
    cached_bytes: usize,
    limits: (usize, usize),
    /// Documents defined with `{"define": {"Name": <policy>}}`, by name, for `"@Name"` references.
    definitions: HashMap<String, String>,
    /// The bytes of names and text `definitions` holds, and the limits on its names and bytes.
    defined_bytes: usize,
    definition_limits: (usize, usize),
    /// `identityPolicies[i]`, made once.
    identity_names: Vec<String>,
    /// `scps[l][i]` and `rcps[l][i]`, made once.
    level_names: [Vec<Vec<String>>; 2],
    /// What the fast reader remembers of each policy position.
    hints: Vec<Hint>,
    /// What AWS's catalogue said of the actions and condition keys seen so far.
    remembered: Remembered,
}

impl Default for Evaluator {
    fn default() -> Evaluator {
        Evaluator::with_cache_limit(CACHE_ENTRIES, CACHE_BYTES)
    }
}

/// Writes one answer as compact JSON: `{"id","decision","decidedBy","matched","unevaluable"?,
/// "missingContext"?,"explanation"}`, the bytes serde_json writes for the same fields (a test
/// checks that). Written by hand because escaping strings through serde's serializer cost a
/// fifth of answering a request; [`write_json_str`] checks eight bytes at a time.
fn write_answer(out: &mut Vec<u8>, id: Option<Raw<'_>>, d: &Decision<'_>, explanation: &str, warnings: &[String]) {
    out.extend_from_slice(b"{\"id\":");
    write_id(out, id.map(|v| v.0));
    out.extend_from_slice(b",\"decision\":\"");
    out.extend_from_slice(outcome_name(d.outcome).as_bytes());
    out.extend_from_slice(b"\",\"decidedBy\":[");
    for (i, l) in d.decided_by.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(l.as_str().as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b"],\"matched\":[");
    for (i, m) in d.matched.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"layer\":\"");
        out.extend_from_slice(m.layer.as_str().as_bytes());
        out.extend_from_slice(b"\",\"policy\":");
        write_json_str(out, &m.policy);
        out.extend_from_slice(b",\"sid\":");
        match &m.sid {
            Some(sid) => write_json_str(out, sid),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"index\":");
        // Writing to a Vec cannot fail.
        let _ = std::io::Write::write_fmt(out, format_args!("{}", m.index));
        out.extend_from_slice(if m.effect == crate::Effect::Allow {
            b",\"effect\":\"Allow\"}"
        } else {
            b",\"effect\":\"Deny\"}"
        });
    }
    out.push(b']');
    if !d.unevaluable.is_empty() {
        // Rare: the generic path is fine.
        out.extend_from_slice(b",\"unevaluable\":");
        let _ = serde_json::to_writer(&mut *out, &d.to_json()["unevaluable"]);
    }
    if !d.missing_context.is_empty() {
        out.extend_from_slice(b",\"missingContext\":[");
        for (i, k) in d.missing_context.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json_str(out, k);
        }
        out.push(b']');
    }
    if !warnings.is_empty() {
        out.extend_from_slice(b",\"warnings\":[");
        for (i, w) in warnings.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json_str(out, w);
        }
        out.push(b']');
    }
    out.extend_from_slice(b",\"explanation\":");
    write_json_str(out, explanation);
    out.push(b'}');
}

/// Whether `resource` is a KMS key's ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`): only keys have
/// key policies, so only requests on a key are decided with one.
fn is_kms_key_arn(resource: &str) -> bool {
    let mut parts = resource.splitn(6, ':');
    parts.next() == Some("arn")
        && parts.next().is_some()
        && parts.next() == Some("kms")
        && parts.nth(2).is_some_and(|r| r.starts_with("key/"))
}

/// What `rootsim eval` warns about an action (AWS's catalogue, `rootsim-catalogue`): one that is in
/// no service of the Service Authorization Reference, which would otherwise show only as an
/// implicit deny. `None` for a known action. (Condition keys: [`key_warning`].)
fn action_warning(action: &str) -> Option<String> {
    if rootsim_catalogue::action(action).is_some() {
        return None;
    }
    let (prefix, _) = action.split_once(':').unwrap_or((action, ""));
    let why = if rootsim_catalogue::service(prefix).is_some() {
        format!("service {prefix} has no such action")
    } else {
        format!("no service has the prefix {prefix}")
    };
    Some(format!("unknown action {action}: {why} in AWS's Service Authorization Reference"))
}

/// The warning for a condition key AWS does not define, `None` for a known one.
fn key_warning(key: &str) -> Option<String> {
    (!rootsim_catalogue::is_known_condition_key(key)).then(|| {
        format!(
            "unknown condition key {key}: neither a global condition key nor one of its service's in AWS's Service Authorization Reference"
        )
    })
}

/// The catalogue's answers an evaluator remembers, by the action's or key's [`key_fingerprint`]
/// (case-insensitive; a context's keys come with theirs already computed), each with its text to
/// confirm a hit: a stream names few distinct ones, and asking the catalogue (a key against some
/// sixty global key templates), or even hashing the names again, cost more than remembering.
/// Emptied past [`Remembered::LIMIT`] entries, so memory stays bounded.
#[derive(Default)]
struct Remembered {
    actions: HashMap<u64, (Box<str>, Option<String>), BuildHasherDefault<Fingerprint>>,
    keys: HashMap<u64, (Box<str>, Option<String>), BuildHasherDefault<Fingerprint>>,
}

/// A hasher for keys that are already fingerprints: passes the `u64` through.
#[derive(Default)]
struct Fingerprint(u64);

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64`s are hashed here; anything else is folded in, FNV-style.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Table = HashMap<u64, (Box<str>, Option<String>), BuildHasherDefault<Fingerprint>>;

/// The remembered answer for `name` (fingerprint `fp`), asking `ask` on a miss. A fingerprint shared
/// by two names (never seen, but possible) is answered without remembering.
fn remembered<'t>(
    table: &'t mut Table,
    name: &str,
    fp: u64,
    ask: fn(&str) -> Option<String>,
) -> Cow<'t, Option<String>> {
    match table.entry(fp) {
        std::collections::hash_map::Entry::Occupied(e) => {
            if e.get().0.eq_ignore_ascii_case(name) {
                Cow::Borrowed(&e.into_mut().1)
            } else {
                Cow::Owned(ask(name))
            }
        }
        std::collections::hash_map::Entry::Vacant(e) => Cow::Borrowed(&e.insert((name.into(), ask(name))).1),
    }
}

impl Remembered {
    const LIMIT: usize = 10_000;

    /// The warnings for a request: its action, then each condition key (of the context, then the
    /// missing ones, each with its fingerprint) once.
    fn warnings<'k>(&mut self, action: &str, keys: impl Iterator<Item = (&'k str, u64)>) -> Vec<String> {
        let mut out = Vec::new();
        if self.actions.len() > Self::LIMIT || self.keys.len() > Self::LIMIT {
            *self = Remembered::default();
        }
        if let Some(w) = remembered(&mut self.actions, action, crate::key_fingerprint(action), action_warning).as_ref()
        {
            out.push(w.clone());
        }
        for (key, fp) in keys {
            if let Some(w) = remembered(&mut self.keys, key, fp, key_warning).as_ref() {
                if !out.contains(w) {
                    out.push(w.clone());
                }
            }
        }
        out
    }
}

/// Writes a request's `id` (its JSON text, or `null`) as given, except that each lone surrogate
/// escape (`\ud800` without its pair) becomes `\ufffd`, U+FFFD, so that every answer is JSON that
/// strict readers such as serde_json take (Go's encoding/json reads such strings the same way).
fn write_id(out: &mut Vec<u8>, id: Option<&str>) {
    let Some(id) = id else {
        out.extend_from_slice(b"null");
        return;
    };
    let b = id.as_bytes();
    // The code unit of a `\uXXXX` escape at `i`.
    let unit = |i: usize| {
        let hex = b.get(i..i + 6).filter(|e| e.starts_with(b"\\u"))?;
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let (mut i, mut clean) = (0, 0); // b[clean..i] is still to be copied
    while let Some(j) = b.get(i..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        i += j;
        match unit(i) {
            Some(0xd800..=0xdbff) if matches!(unit(i + 6), Some(0xdc00..=0xdfff)) => i += 12,
            Some(0xd800..=0xdfff) => {
                out.extend_from_slice(&b[clean..i]);
                out.extend_from_slice(b"\\ufffd");
                i += 6;
                clean = i;
            }
            Some(_) => i += 6,
            // Any other escape is two bytes.
            None => i += 2,
        }
    }
    out.extend_from_slice(&b[clean..]);
}

/// Writes an error answer, `{"id":…,"error":"line N: …"}` (without `line N: ` when `line` is
/// `None`).
fn write_error(out: &mut Vec<u8>, line: Option<usize>, id: Option<&str>, message: &str) {
    out.extend_from_slice(b"{\"id\":");
    write_id(out, id);
    out.extend_from_slice(b",\"error\":");
    match line {
        Some(n) => write_json_str(out, &format!("line {n}: {message}")),
        None => write_json_str(out, message),
    }
    out.push(b'}');
}

/// The text of a request's `id` when it can be read: the value of the first top-level `"id"`
/// key met before the JSON breaks, for error answers to requests serde cannot read.
fn id_of(text: &str) -> Option<&str> {
    let mut c = Cursor { text, at: 0 };
    c.eat(b'{')?;
    loop {
        let key = c.raw()?;
        c.eat(b':')?;
        let value = c.raw()?;
        if key == "\"id\"" {
            return Some(value);
        }
        if !c.next_item(b'}')? {
            return None;
        }
    }
}

/// The outcome as serde names it.
fn outcome_name(o: crate::Outcome) -> &'static str {
    match o {
        crate::Outcome::Allowed => "Allowed",
        crate::Outcome::ImplicitlyDenied => "ImplicitlyDenied",
        crate::Outcome::ExplicitlyDenied => "ExplicitlyDenied",
    }
}

/// Writes `s` as a JSON string, escaped exactly as serde_json escapes it (`\"`, `\\`, `\b`,
/// `\f`, `\n`, `\r`, `\t`, other control characters as `\u00XX`).
/// Does any of the eight bytes at the start of `chunk` need escaping in a JSON string (a byte
/// below 0x20, `"` or `\\`)? `None` when `chunk` is shorter than eight bytes.
fn needs_escape(chunk: &[u8]) -> Option<bool> {
    escape_mask(chunk).map(|m| m != 0)
}

/// The high bit of each of the eight bytes at the start of `chunk` that needs escaping in a
/// JSON string, by classic SWAR tests: a borrow can flag a byte above one that truly needs
/// escaping, never below, so the lowest flagged byte is the first that needs it. `None` when
/// `chunk` is shorter than eight bytes.
fn escape_mask(chunk: &[u8]) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let w = u64::from_le_bytes(chunk.get(..8)?.try_into().ok()?);
    let below_space = w.wrapping_sub(ONES * 0x20) & !w;
    let quote = (w ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES) & !(w ^ (ONES * u64::from(b'"')));
    let backslash = (w ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES) & !(w ^ (ONES * u64::from(b'\\')));
    Some((below_space | quote | backslash) & HIGHS)
}

fn write_json_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.push(b'"');
    let mut clean = 0; // bytes[clean..i] are still to be copied
    let mut i = 0;
    while i < bytes.len() {
        if needs_escape(&bytes[i..]) == Some(false) {
            i += 8;
            continue;
        }
        // This chunk (or the tail) has something to escape: byte by byte, up to 8 bytes.
        let end = (i + 8).min(bytes.len());
        while i < end {
            let b = bytes[i];
            let escaped: Option<&[u8]> = match b {
                b'"' => Some(b"\\\""),
                b'\\' => Some(b"\\\\"),
                b'\n' => Some(b"\\n"),
                b'\r' => Some(b"\\r"),
                b'\t' => Some(b"\\t"),
                0x08 => Some(b"\\b"),
                0x0c => Some(b"\\f"),
                0..=0x1f => None,
                _ => {
                    i += 1;
                    continue;
                }
            };
            out.extend_from_slice(&bytes[clean..i]);
            match escaped {
                Some(e) => out.extend_from_slice(e),
                None => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[usize::from(b >> 4)]);
                    out.push(HEX[usize::from(b & 0xf)]);
                }
            }
            i += 1;
            clean = i;
        }
    }
    out.extend_from_slice(&bytes[clean..]);
    out.push(b'"');
}

fn slot(kind: PolicyKind) -> usize {
    match kind {
        PolicyKind::Identity => 0,
        PolicyKind::Resource => 1,
        PolicyKind::Trust => 2,
        PolicyKind::Boundary => 3,
        PolicyKind::Session => 4,
        PolicyKind::Scp => 5,
        PolicyKind::Rcp => 6,
    }
}

/// The principal a request names: an ARN, a service principal, or `anonymous`.
pub fn principal_from(text: &str) -> Result<Principal, EvalError> {
    let mk = |kind, arn: &str, principal_arn: &str, account: &str, slr| Principal {
        kind,
        arn: arn.to_string(),
        principal_arn: principal_arn.to_string(),
        account: account.to_string(),
        service_linked_role: slr,
    };
    if text == "anonymous" || text == "*" {
        return Ok(mk(PrincipalKind::Anonymous, "anonymous", "anonymous", "", false));
    }
    if text.ends_with(".amazonaws.com") && !text.starts_with("arn:") {
        return Ok(mk(PrincipalKind::Service, text, text, "", false));
    }
    let a = Arn::parse(text).ok_or_else(|| {
        EvalError(format!("principal '{text}' is not an ARN, a service principal (x.amazonaws.com) or \"anonymous\""))
    })?;
    if a.account.len() != 12 || !a.account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EvalError(format!("principal '{text}' does not name a 12-digit account")));
    }
    let acct = a.account;
    match (a.service, a.resource.split_once('/').map_or((a.resource, ""), |(k, r)| (k, r))) {
        ("iam", ("root", "")) => Ok(mk(PrincipalKind::Root, text, text, acct, false)),
        ("iam", ("user", name)) if !name.is_empty() => Ok(mk(PrincipalKind::User, text, text, acct, false)),
        ("iam", ("role", name)) if !name.is_empty() => {
            // A role ARN stands for a session of that role, named "eval".
            let role = name.rsplit('/').next().unwrap_or(name);
            let session = format!("arn:{}:sts::{acct}:assumed-role/{role}/eval", a.partition);
            Ok(mk(PrincipalKind::AssumedRole, &session, text, acct, name.starts_with("aws-service-role/")))
        }
        ("sts", ("assumed-role", rest)) => {
            let (role, _session) = rest
                .split_once('/')
                .ok_or_else(|| EvalError(format!("assumed-role ARN '{text}' needs a role and a session name")))?;
            let role_arn = format!("arn:{}:iam::{acct}:role/{role}", a.partition);
            Ok(mk(PrincipalKind::AssumedRole, text, &role_arn, acct, false))
        }
        ("sts", ("federated-user", name)) if !name.is_empty() => {
            Ok(mk(PrincipalKind::FederatedUser, text, text, acct, false))
        }
        _ => {
            Err(EvalError(format!("principal '{text}' is not a root, user, role, assumed-role or federated-user ARN")))
        }
    }
}

/// True when `text` is the `RCPFullAWSAccess` document (whitespace and key order aside).
fn is_rcp_full_aws_access(text: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<Value>(text) else { return false };
    doc == serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    ]})
}

fn context_from(map: &Map<String, Value>) -> Result<Context, EvalError> {
    let mut ctx = Context::new();
    for (k, v) in map {
        let scalar = |v: &Value| -> Result<String, EvalError> {
            match v {
                Value::String(s) => Ok(s.clone()),
                Value::Bool(b) => Ok(b.to_string()),
                Value::Number(n) => Ok(n.to_string()),
                _ => {
                    Err(EvalError(format!("context key '{k}': values are strings, numbers, booleans or lists of them")))
                }
            }
        };
        match v {
            Value::Array(items) => {
                ctx.insert_multi(k, items.iter().map(scalar).collect::<Result<_, _>>()?);
            }
            other => {
                ctx.insert(k, scalar(other)?);
            }
        }
    }
    Ok(ctx)
}

impl Evaluator {
    /// An evaluator with an empty cache.
    pub fn new() -> Evaluator {
        Evaluator::default()
    }

    /// An evaluator whose cache is emptied whenever it would hold more than `entries` documents
    /// or `bytes` bytes of their text (the defaults are [`CACHE_ENTRIES`] and [`CACHE_BYTES`]):
    /// what a long stream keeps does not grow with its length.
    pub fn with_cache_limit(entries: usize, bytes: usize) -> Evaluator {
        Evaluator {
            cache: Default::default(),
            cached_bytes: 0,
            limits: (entries, bytes),
            definitions: HashMap::new(),
            defined_bytes: 0,
            definition_limits: (MAX_DEFINITIONS, MAX_DEFINED_BYTES),
            identity_names: Vec::new(),
            level_names: Default::default(),
            hints: Vec::new(),
            remembered: Remembered::default(),
        }
    }

    /// The same evaluator, refusing a definitions item that would make the input define more
    /// than `names` documents or hold more than `bytes` bytes of names and text in all (the
    /// defaults are [`MAX_DEFINITIONS`] and [`MAX_DEFINED_BYTES`]).
    pub fn with_definition_limit(mut self, names: usize, bytes: usize) -> Evaluator {
        self.definition_limits = (names, bytes);
        self
    }

    /// How many distinct documents were parsed so far.
    pub fn cached(&self) -> usize {
        self.cache.iter().map(HashMap::len).sum()
    }

    /// The parsed policy for a raw document, parsing it the first time it is seen. Policies may
    /// be given as JSON objects or as strings holding the document.
    fn load(&mut self, raw: Raw<'_>, kind: PolicyKind, what: impl Fn() -> String) -> Result<Policy, EvalError> {
        let Some(k) = raw.1 else { return self.load_text(raw.0, kind, what) };
        if let Some((s, p)) = &self.hints[k].loaded {
            if *s == slot(kind) {
                return Ok(p.clone());
            }
        }
        let p = self.load_text(raw.0, kind, what)?;
        self.hints[k].loaded = Some((slot(kind), p.clone()));
        Ok(p)
    }

    /// [`Evaluator::load`] by text, through the cache.
    fn load_text(&mut self, text: &str, kind: PolicyKind, what: impl Fn() -> String) -> Result<Policy, EvalError> {
        let owned;
        let text = if let Some(name) = text.strip_prefix("\"@").and_then(|t| t.strip_suffix('"')) {
            // A reference to a document defined earlier in the input (borrowed, not copied).
            match self.definitions.get(name) {
                Some(doc) => doc.as_str(),
                None => {
                    return Err(EvalError(format!(
                        "{}: no policy is defined as '{name}' (define it first with {{\"define\": {{\"{name}\": <policy>}}}})",
                        what()
                    )))
                }
            }
        } else if text.starts_with('"') {
            owned = serde_json::from_str::<String>(text).map_err(|e| EvalError(format!("{}: {e}", what())))?;
            owned.as_str()
        } else {
            text
        };
        if let Some(p) = self.cache[slot(kind)].get(text) {
            return Ok(p.clone());
        }
        // RCPFullAWSAccess is AWS's own managed RCP, the only RCP that may Allow (and use the bare
        // "*" action); customer RCPs may only Deny. Exactly that document is parsed as AWS managed.
        // Documents are decided as AWS stores them: a deleted user's or role's unique ID may
        // stand in a Principal, as in AWS's own listings (rule IAM-DELETED-PRINCIPAL-UNIQUE-ID).
        let opts = crate::ParseOptions {
            aws_managed: kind == PolicyKind::Rcp && is_rcp_full_aws_access(text),
            unique_ids: true,
            // Answer, do not refuse: an unknown operator makes its statement unevaluable, which
            // the answer lists (fail closed).
            lenient_operators: true,
            ..crate::ParseOptions::default()
        };
        let p = Policy::parse_with(text, kind, &opts).map_err(|e| {
            EvalError(format!(
                "{}: MalformedPolicyDocument: {} (line {}, column {}: {})",
                what(),
                e.message,
                e.line,
                e.column,
                e.detail
            ))
        })?;
        if self.cached() >= self.limits.0 || self.cached_bytes + text.len() > self.limits.1 {
            // The simplest eviction: start again. A stream's documents are parsed again as they
            // come back, and the fast reader's hints keep the ones in use.
            self.cache.iter_mut().for_each(HashMap::clear);
            self.cached_bytes = 0;
        }
        self.cached_bytes += text.len();
        self.cache[slot(kind)].insert(text.to_string(), p.clone());
        Ok(p)
    }

    /// Makes sure names exist for `n` identity policies and the given organization levels.
    fn ensure_names(&mut self, n: usize, levels: [&Option<Vec<Vec<Raw<'_>>>>; 2]) {
        while self.identity_names.len() < n {
            let i = self.identity_names.len();
            self.identity_names.push(format!("identityPolicies[{i}]"));
        }
        for (field, (levels, names)) in ["scps", "rcps"].iter().zip(levels.iter().zip(self.level_names.iter_mut())) {
            for (l, level) in levels.iter().flatten().enumerate() {
                if names.len() <= l {
                    names.push(Vec::new());
                }
                while names[l].len() < level.len() {
                    let i = names[l].len();
                    names[l].push(format!("{field}[{l}][{i}]"));
                }
            }
        }
    }

    fn load_levels(
        &mut self,
        levels: &Option<Vec<Vec<Raw<'_>>>>,
        kind: PolicyKind,
        field: &str,
    ) -> Result<Option<Vec<Vec<Policy>>>, EvalError> {
        let Some(levels) = levels.as_ref().filter(|l| !l.is_empty()) else { return Ok(None) };
        let mut out = Vec::with_capacity(levels.len());
        for (l, level) in levels.iter().enumerate() {
            let mut ps = Vec::with_capacity(level.len());
            for (i, p) in level.iter().enumerate() {
                ps.push(self.load(*p, kind, || format!("{field}[{l}][{i}]"))?);
            }
            out.push(ps);
        }
        Ok(Some(out))
    }

    /// If `item` is a definitions object (`{"define": {"Name": <policy>, ...}}`), records its
    /// documents and returns `Some(result)`; otherwise `None`.
    fn define(&mut self, item: &str) -> Option<Result<(), EvalError>> {
        if !item.trim_start().starts_with("{\"define\"") {
            return None;
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Define<'a> {
            #[serde(borrow)]
            define: HashMap<String, &'a RawValue>,
        }
        Some(match serde_json::from_str::<Define>(item) {
            Ok(d) => {
                let docs: Vec<(String, String)> = d
                    .define
                    .into_iter()
                    .map(|(name, doc)| {
                        let text = doc.get();
                        let text = if text.starts_with('"') {
                            serde_json::from_str::<String>(text).unwrap_or_default()
                        } else {
                            text.to_string()
                        };
                        (name, text)
                    })
                    .collect();
                // The item is refused whole when it would pass a limit: nothing of it is kept.
                let (mut names, mut bytes) = (self.definitions.len(), self.defined_bytes);
                for (name, text) in &docs {
                    match self.definitions.get(name) {
                        Some(old) => bytes = bytes - old.len() + text.len(),
                        None => (names, bytes) = (names + 1, bytes + name.len() + text.len()),
                    }
                }
                let (max_names, max_bytes) = self.definition_limits;
                if names > max_names || bytes > max_bytes {
                    return Some(Err(EvalError(format!(
                        "too many definitions: an input may define at most {max_names} documents holding at most {max_bytes} bytes of names and text, and these would make {names} documents and {bytes} bytes (defining a name again replaces its document)"
                    ))));
                }
                self.defined_bytes = bytes;
                for (name, text) in docs {
                    self.definitions.insert(name, text);
                    // A reference's meaning may have changed.
                    for h in &mut self.hints {
                        h.loaded = None;
                    }
                }
                Ok(())
            }
            Err(e) => Err(EvalError(format!("invalid definitions: {e}"))),
        })
    }

    /// Reads a request without serde's tokenizer when it can: a third of answering an inline
    /// request went to serde_json scanning past policy documents it had seen before, and to
    /// building the context twice. Returns `None` for anything unusual (escapes in names and
    /// strings, `null`, unknown or repeated fields, malformed JSON), which serde then reads
    /// exactly as before, so answers and error messages never depend on which reader ran.
    fn read_request<'a>(&mut self, text: &'a str) -> Option<RawRequest<'a>> {
        const FIELDS: [&str; 12] = [
            "id",
            "principal",
            "action",
            "resource",
            "resourceAccount",
            "context",
            "identityPolicies",
            "resourcePolicy",
            "permissionsBoundary",
            "sessionPolicy",
            "scps",
            "rcps",
        ];
        let mut c = Cursor { text, at: 0 };
        let mut r = RawRequest {
            id: None,
            principal: Cow::Borrowed(""),
            action: Cow::Borrowed(""),
            resource: Cow::Borrowed(""),
            resource_account: None,
            context: ContextInput::default(),
            identity_policies: Vec::new(),
            resource_policy: None,
            permissions_boundary: None,
            session_policy: None,
            scps: None,
            rcps: None,
        };
        let (mut seen, mut k) = (0u16, 0usize);
        let hints = &mut self.hints;
        c.eat(b'{')?;
        loop {
            let key = c.plain_str()?;
            let field = FIELDS.iter().position(|f| *f == key)?;
            if seen & (1 << field) != 0 {
                return None;
            }
            seen |= 1 << field;
            c.eat(b':')?;
            if c.peek()? == b'n' {
                return None;
            }
            match field {
                0 => r.id = Some(Raw(c.raw()?, None)),
                1 => r.principal = Cow::Borrowed(c.plain_str()?),
                2 => r.action = Cow::Borrowed(c.plain_str()?),
                3 => r.resource = Cow::Borrowed(c.plain_str()?),
                4 => r.resource_account = Some(Cow::Borrowed(c.plain_str()?)),
                5 => r.context = ContextInput::Read(c.context()?),
                6 => r.identity_policies = c.policies(hints, &mut k)?,
                7 => r.resource_policy = Some(c.policy(hint(hints, &mut k))?),
                8 => r.permissions_boundary = Some(c.policy(hint(hints, &mut k))?),
                9 => r.session_policy = Some(c.policy(hint(hints, &mut k))?),
                10 => r.scps = Some(c.levels(hints, &mut k)?),
                _ => r.rcps = Some(c.levels(hints, &mut k)?),
            }
            if !c.next_item(b'}')? {
                break;
            }
        }
        // The three required fields, and nothing after the object but whitespace.
        (seen & 0b1110 == 0b1110 && c.peek().is_none()).then_some(r)
    }

    /// Answers one request (a JSON object) with one JSON object.
    pub fn answer(&mut self, request: &str) -> Value {
        let mut out = Vec::new();
        self.answer_into(request, &mut out);
        serde_json::from_slice(&out).unwrap_or(Value::Null)
    }

    /// Answers one request, appending the answer's JSON to `out`. Returns false when the request
    /// could not be evaluated (the answer then carries an `error`).
    pub fn answer_into(&mut self, request: &str, out: &mut Vec<u8>) -> bool {
        match self.try_answer(request, out) {
            Ok(()) => true,
            Err((id, e)) => {
                write_error(out, None, id, &e);
                false
            }
        }
    }

    /// Answers one request into `out`, or returns why it cannot be evaluated with its `id`'s
    /// text where that can be read (and writes nothing).
    fn try_answer<'a>(&mut self, request: &'a str, out: &mut Vec<u8>) -> Result<(), (Option<&'a str>, String)> {
        let raw = match self.read_request(request) {
            Some(r) => r,
            // Anything the fast reader does not take, serde reads (and reports) as always.
            None => match serde_json::from_str::<RawRequest>(request) {
                Ok(r) => r,
                Err(e) => return Err((id_of(request), format!("invalid request: {e}"))),
            },
        };
        self.answer_read(raw, out)
    }

    /// Answers a request once read, by either reader.
    fn answer_read<'a>(&mut self, raw: RawRequest<'a>, out: &mut Vec<u8>) -> Result<(), (Option<&'a str>, String)> {
        let id = raw.id;
        self.decide(&raw, |decision, explanation, warnings| write_answer(out, id, decision, explanation, warnings))
            .map_err(|e| (id.map(|r| r.0), e.0))
    }

    /// Decides `raw` and hands the decision and its explanation to `answer`. The decision
    /// borrows names from this call's policy set, so it is used here rather than returned.
    fn decide<R>(
        &mut self,
        raw: &RawRequest,
        answer: impl FnOnce(&Decision<'_>, &str, &[String]) -> R,
    ) -> Result<R, EvalError> {
        let principal = principal_from(&raw.principal)?;
        if !raw.action.contains(':') {
            return Err(EvalError(format!("action '{}' needs a service prefix, as in s3:GetObject", raw.action)));
        }
        let resource_kind =
            if raw.action.eq_ignore_ascii_case("sts:AssumeRole") { PolicyKind::Trust } else { PolicyKind::Resource };
        // Load (or find) every document first; only then borrow names and policies together.
        let mut identity = Vec::with_capacity(raw.identity_policies.len());
        for (i, p) in raw.identity_policies.iter().enumerate() {
            identity.push(self.load(*p, PolicyKind::Identity, || format!("identityPolicies[{i}]"))?);
        }
        let resource =
            raw.resource_policy.map(|p| self.load(p, resource_kind, || "resourcePolicy".into())).transpose()?;
        let boundary = raw
            .permissions_boundary
            .map(|p| self.load(p, PolicyKind::Boundary, || "permissionsBoundary".into()))
            .transpose()?;
        let session =
            raw.session_policy.map(|p| self.load(p, PolicyKind::Session, || "sessionPolicy".into())).transpose()?;
        let scps = self.load_levels(&raw.scps, PolicyKind::Scp, "scps")?;
        let rcps = self.load_levels(&raw.rcps, PolicyKind::Rcp, "rcps")?;
        // SCPs and RCPs never restrict service-linked roles (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
        let (scps, rcps) = if principal.service_linked_role { (None, None) } else { (scps, rcps) };
        self.ensure_names(identity.len(), [&raw.scps, &raw.rcps]);

        let resource_account = raw
            .resource_account
            .as_deref()
            .or_else(|| crate::arn::account_of(&raw.resource))
            .or_else(|| (!principal.account.is_empty()).then_some(principal.account.as_str()));
        // The engine itself derives aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
        // aws:ResourceAccount, aws:username and aws:userid when the context does not give them.
        let converted;
        let context = match &raw.context {
            ContextInput::Read(c) => c,
            ContextInput::Json(map) => {
                converted = context_from(map)?;
                &converted
            }
        };

        let identity: Vec<NamedPolicy> =
            identity.iter().zip(&self.identity_names).map(|(p, name)| NamedPolicy { name, policy: p }).collect();
        let scp_named: Option<Vec<Vec<NamedPolicy>>> = scps.as_ref().map(|ls| {
            ls.iter()
                .zip(&self.level_names[0])
                .map(|(l, ns)| l.iter().zip(ns).map(|(p, n)| NamedPolicy { name: n, policy: p }).collect())
                .collect()
        });
        let rcp_named: Option<Vec<Vec<NamedPolicy>>> = rcps.as_ref().map(|ls| {
            ls.iter()
                .zip(&self.level_names[1])
                .map(|(l, ns)| l.iter().zip(ns).map(|(p, n)| NamedPolicy { name: n, policy: p }).collect())
                .collect()
        });
        let scp_slices: Option<Vec<&[NamedPolicy]>> = scp_named.as_ref().map(|l| l.iter().map(Vec::as_slice).collect());
        let rcp_slices: Option<Vec<&[NamedPolicy]>> = rcp_named.as_ref().map(|l| l.iter().map(Vec::as_slice).collect());
        let session: Vec<NamedPolicy> =
            session.iter().map(|p| NamedPolicy { name: "sessionPolicy", policy: p }).collect();
        // Role trust policies and KMS key policies must grant access themselves (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
        // A key policy is a key's: a KMS request on anything else (`kms:ListKeys` on `*`, an
        // alias) is decided without it, on the identity's policies
        // (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
        let kms = raw.action.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("kms:"));
        let key_policy_applies = kms && is_kms_key_arn(&raw.resource);
        let resource = if kms && !key_policy_applies { None } else { resource };
        let set = PolicySet {
            scps: scp_slices.as_deref(),
            rcps: rcp_slices.as_deref(),
            resource: resource.as_ref().map(|p| NamedPolicy { name: "resourcePolicy", policy: p }),
            resource_must_allow: resource_kind == PolicyKind::Trust || key_policy_applies,
            identity: &identity,
            boundary: boundary.as_ref().map(|p| NamedPolicy { name: "permissionsBoundary", policy: p }),
            session: &session,
            task: None,
        };
        let req =
            Request { principal: &principal, action: &raw.action, resource: &raw.resource, resource_account, context };
        let decision = crate::evaluate(&req, &set);
        let explanation = decision.explain(&req);
        // The catalogue is consulted only for what the request names, each answer remembered.
        let missing = decision.missing_context.iter().map(|k| (k.as_str(), crate::key_fingerprint(k)));
        let keys = context.keys_with_fingerprints().chain(missing);
        let warnings = self.remembered.warnings(&raw.action, keys);
        Ok(answer(&decision, &explanation, &warnings))
    }

    /// Answers a whole input: a JSON array of requests, or one request per line (blank lines
    /// skipped). Writes one JSON line per request to `out`; returns how many failed. The same
    /// as [`Evaluator::run_stream`] on the input's bytes.
    pub fn run(&mut self, input: &str, out: &mut Vec<u8>) -> usize {
        // Reading a slice and writing to a vector cannot fail.
        self.stream(input.as_bytes(), out, |_| Ok(())).unwrap_or(0)
    }

    /// Answers a stream: a JSON array of requests, or one request per line, each answered as
    /// soon as it is read (an array's elements one by one). Writes one JSON line per request to `output`, and
    /// flushes it whenever every line read so far is answered, before reading more: a client
    /// that writes a request and waits gets its answer. A line that is not UTF-8 gets an error
    /// answer, like any request that cannot be evaluated; returns how many failed. Errors are
    /// those of reading `input` and writing `output`.
    pub fn run_stream(&mut self, input: impl BufRead, output: &mut impl Write) -> std::io::Result<usize> {
        let mut out = Vec::new();
        self.stream(input, &mut out, |out| {
            output.write_all(out)?;
            out.clear();
            output.flush()
        })
    }

    /// [`Evaluator::run_stream`], with answers appended to `out`, which `emit` is given each time
    /// the input read so far is answered.
    fn stream(
        &mut self,
        mut input: impl BufRead,
        out: &mut Vec<u8>,
        mut emit: impl FnMut(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> std::io::Result<usize> {
        // The lines counted while looking for the first byte that is not whitespace.
        let mut n = 0;
        loop {
            let chunk = fill(&mut input)?;
            let blank = chunk.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')).count();
            n += chunk[..blank].iter().filter(|&&b| b == b'\n').count();
            let (done, array) = (chunk.is_empty(), chunk.get(blank) == Some(&b'['));
            let ended = blank < chunk.len() || done;
            input.consume(blank);
            if done {
                return Ok(0);
            }
            if ended && array {
                return self.stream_array(input, out, emit);
            }
            if ended {
                break;
            }
        }
        let (mut errors, mut partial) = (0, Vec::new());
        loop {
            let chunk = fill(&mut input)?;
            if chunk.is_empty() {
                break;
            }
            let mut start = 0;
            while let Some(i) = memchr::memchr(b'\n', &chunk[start..]) {
                n += 1;
                let line = &chunk[start..start + i];
                if partial.is_empty() {
                    errors += usize::from(!self.answer_line(n, line, out));
                } else {
                    partial.extend_from_slice(line);
                    errors += usize::from(!self.answer_line(n, &partial, out));
                    partial.clear();
                    partial.shrink_to(1 << 16);
                }
                start += i + 1;
            }
            // A line that goes on in the next chunk.
            partial.extend_from_slice(&chunk[start..]);
            let len = chunk.len();
            input.consume(len);
            emit(out)?;
        }
        if !partial.is_empty() {
            errors += usize::from(!self.answer_line(n + 1, &partial, out));
        }
        emit(out)?;
        Ok(errors)
    }

    /// Answers line `n` (counted from 1) of the line form, a `\r` at its end dropped: nothing
    /// for a blank line or a definition. Returns false when it was answered with an error.
    fn answer_line(&mut self, n: usize, line: &[u8], out: &mut Vec<u8>) -> bool {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text = match utf8(line) {
            Ok(text) => text,
            Err(e) => {
                let lossy = String::from_utf8_lossy(line);
                write_error(out, Some(n), id_of(&lossy), &format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1));
                out.push(b'\n');
                return false;
            }
        };
        if text.trim().is_empty() {
            return true;
        }
        let answered = match self.define(text) {
            Some(Ok(())) => return true,
            Some(Err(e)) => {
                write_error(out, Some(n), None, &e.0);
                false
            }
            None => match self.try_answer(text, out) {
                Ok(()) => true,
                Err((id, e)) => {
                    // Named by its line, so that a long input's bad request can be found.
                    write_error(out, Some(n), id, &e);
                    false
                }
            },
        };
        out.push(b'\n');
        answered
    }

    /// Answers the array form element by element, each as soon as its last byte is read (one
    /// element held at a time), flushing as the line form does. Where the input stops being an
    /// array (or an element is not JSON or not UTF-8), one error answer says where, and nothing
    /// after it is read: the elements before it are answered already. Returns how many failed.
    fn stream_array(
        &mut self,
        mut input: impl BufRead,
        out: &mut Vec<u8>,
        mut emit: impl FnMut(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> std::io::Result<usize> {
        let mut split = array::Splitter::new();
        let (mut errors, mut n) = (0, 0);
        loop {
            let chunk = fill(&mut input)?;
            if chunk.is_empty() {
                if let Some(fault) = split.finish() {
                    write_error(out, None, None, &fault);
                    out.push(b'\n');
                    errors += 1;
                }
                emit(out)?;
                return Ok(errors);
            }
            let go = split.feed(chunk, |piece| match piece {
                array::Piece::Element(text, at) => {
                    n += 1;
                    match self.answer_element(n, text, at, out) {
                        Some(answered) => {
                            errors += usize::from(!answered);
                            true
                        }
                        None => {
                            errors += 1;
                            false
                        }
                    }
                }
                array::Piece::Fault(fault) => {
                    write_error(out, None, None, &fault);
                    out.push(b'\n');
                    errors += 1;
                    false
                }
            });
            let len = chunk.len();
            input.consume(len);
            emit(out)?;
            if !go {
                return Ok(errors);
            }
        }
    }

    /// Answers element `n` (from 1) of the array form, which starts at byte offset `at`: nothing
    /// for a definition. `Some(false)` when it was answered with an error; `None` when it is not
    /// UTF-8 or not JSON, so that the array is broken there (answered with that error instead).
    fn answer_element(&mut self, n: usize, element: &[u8], at: usize, out: &mut Vec<u8>) -> Option<bool> {
        let text = match utf8(element) {
            Ok(text) => text,
            Err(e) => {
                write_error(out, None, None, &format!("invalid UTF-8 at byte {}", at + e.valid_up_to() + 1));
                out.push(b'\n');
                return None;
            }
        };
        let mark = out.len();
        let answered = match self.define(text) {
            Some(Ok(())) => return Some(true),
            Some(Err(e)) => {
                write_error(out, None, None, &e.0);
                false
            }
            None => self.answer_into(text, out),
        };
        // Only an element that failed can be malformed JSON: checked then, not before every one.
        if !answered {
            if let Err(e) = serde_json::from_str::<&RawValue>(text) {
                out.truncate(mark);
                write_error(out, None, None, &format!("invalid JSON array of requests: element {n}: {e}"));
                out.push(b'\n');
                return None;
            }
        }
        out.push(b'\n');
        Some(answered)
    }
}

/// `line` as text: [`std::str::from_utf8`], with a faster test for the usual all-ASCII line
/// (validating as `from_utf8` does cost 3 % of answering a request).
fn utf8(line: &[u8]) -> Result<&str, std::str::Utf8Error> {
    if line.is_ascii() {
        // SAFETY: ASCII bytes are UTF-8.
        Ok(unsafe { std::str::from_utf8_unchecked(line) })
    } else {
        std::str::from_utf8(line)
    }
}

/// `input`'s next bytes, read again when a read is interrupted.
fn fill(input: &mut impl BufRead) -> std::io::Result<&[u8]> {
    loop {
        match input.fill_buf() {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
            // Filled: asking again returns the same bytes without reading.
            Ok(_) => return input.fill_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answer's fields for serde_json, to check [`write_answer`] against.
    #[derive(serde::Serialize)]
    struct Answer<'a> {
        id: Option<&'a RawValue>,
        decision: crate::Outcome,
        #[serde(rename = "decidedBy")]
        decided_by: &'a [crate::Layer],
        matched: &'a [crate::MatchedStatement<'a>],
        #[serde(skip_serializing_if = "Option::is_none")]
        unevaluable: Option<Value>,
        #[serde(rename = "missingContext", skip_serializing_if = "<[String]>::is_empty")]
        missing_context: &'a [String],
        explanation: &'a str,
    }

    proptest::proptest! {
        #[test]
        /// The lowest byte `escape_mask` flags is the first byte that needs escaping.
        #[test]
        fn the_escape_mask_finds_the_first_byte_to_escape(bytes in proptest::collection::vec(
            proptest::sample::select(vec![0u8, 0x1f, 0x20, b'"', b'\\', b'#', b'[', b']', b'a', 0x7f, 0x80, 0xff, 0x21, 0x5b]), 8..9)) {
            let first = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let mask = escape_mask(&bytes).expect("eight bytes");
            proptest::prop_assert_eq!(first, (mask != 0).then(|| (mask.trailing_zeros() / 8) as usize));
        }

        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(s in "(?s).{0,40}", t in proptest::collection::vec(0u8..0x80, 0..40)) {
            for text in [s, String::from_utf8(t).expect("ASCII")] {
                let mut out = Vec::new();
                write_json_str(&mut out, &text);
                proptest::prop_assert_eq!(String::from_utf8(out).expect("UTF-8"), serde_json::to_string(&text).expect("a string"));
            }
        }
    }

    #[test]
    fn answers_are_the_bytes_serde_json_writes() {
        let p = Principal {
            kind: PrincipalKind::User,
            arn: "arn:aws:iam::111122223333:user/b\"ob".into(),
            principal_arn: "arn:aws:iam::111122223333:user/b\"ob".into(),
            account: "111122223333".into(),
            service_linked_role: false,
        };
        let deny = Policy::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoSecrets","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/x":"y"}}}]}"#,
            PolicyKind::Identity,
        )
        .expect("valid");
        let allow = Policy::parse(ALLOW_S3, PolicyKind::Identity).expect("valid");
        let odd = Policy::parse_with(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NoSuchOp":{"aws:k":"v"}}}]}"#,
            PolicyKind::Identity,
            &crate::ParseOptions { lenient_operators: true, ..Default::default() },
        )
        .expect("valid");
        let mut ctx = Context::new();
        // Explicit deny, allow with an unevaluable statement, implicit deny, missing context key.
        for (tag, policies) in
            [("y", vec![&deny, &allow]), ("z", vec![&allow, &odd]), ("z", vec![&odd]), ("", vec![&deny])]
        {
            if tag.is_empty() {
                ctx.remove("aws:PrincipalTag/x");
            } else {
                ctx.insert("aws:PrincipalTag/x", tag);
            }
            let named: Vec<NamedPolicy> =
                policies.iter().map(|p| NamedPolicy { name: "identityPolicies[0] \"\u{1}\"", policy: p }).collect();
            let req = Request {
                principal: &p,
                action: "s3:GetObject",
                resource: "arn:aws:s3:::b/k",
                resource_account: None,
                context: &ctx,
            };
            let d = crate::evaluate(&req, &PolicySet { identity: &named, ..PolicySet::default() });
            let explanation = d.explain(&req);
            let id = RawValue::from_string("\"r-1\"".into()).expect("JSON");
            let mut ours = Vec::new();
            write_answer(&mut ours, Some(Raw(id.get(), None)), &d, &explanation, &[]);
            let theirs = serde_json::to_vec(&Answer {
                id: Some(&id),
                decision: d.outcome,
                decided_by: &d.decided_by,
                matched: &d.matched,
                unevaluable: (!d.unevaluable.is_empty()).then(|| d.to_json()["unevaluable"].take()),
                missing_context: &d.missing_context,
                explanation: &explanation,
            })
            .expect("serializes");
            assert_eq!(String::from_utf8(ours).expect("UTF-8"), String::from_utf8(theirs).expect("UTF-8"));
        }
    }

    const ALLOW_S3: &str =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

    #[test]
    fn principals_from_arns() {
        assert_eq!(principal_from("arn:aws:iam::111122223333:root").unwrap().kind, PrincipalKind::Root);
        let s = principal_from("arn:aws:sts::111122223333:assumed-role/Dev/alice").unwrap();
        assert_eq!(s.principal_arn, "arn:aws:iam::111122223333:role/Dev");
        assert_eq!(principal_from("lambda.amazonaws.com").unwrap().kind, PrincipalKind::Service);
        assert_eq!(principal_from("anonymous").unwrap().kind, PrincipalKind::Anonymous);
        assert!(principal_from("bob").is_err());
        assert!(principal_from("arn:aws:iam::12:user/bob").is_err());
    }

    #[test]
    fn answers_lines_and_arrays_and_caches_documents() {
        let mut ev = Evaluator::new();
        let req = format!(
            r#"{{"id":"a","principal":"arn:aws:iam::111122223333:user/bob","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111122223333","identityPolicies":[{ALLOW_S3}]}}"#
        );
        let mut out = Vec::new();
        assert_eq!(ev.run(&format!("{req}\n\n{req}\n"), &mut out), 0);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["decision"], "Allowed");
        assert_eq!(lines[0]["id"], "a");
        assert_eq!(ev.cached(), 1);
        let mut out = Vec::new();
        ev.run(
            &format!("[{req}, {}]", req.replace("s3:GetObject\",\"resource", "s3:PutObject\",\"resource")),
            &mut out,
        );
        let out = String::from_utf8(out).unwrap();
        assert!(out.lines().nth(1).unwrap().contains("ImplicitlyDenied"));
    }

    #[test]
    fn definitions_are_bounded_and_an_item_past_the_bound_is_refused_whole() {
        let bob = r#""principal":"arn:aws:iam::111122223333:user/bob","action":"s3:GetObject","resource":"*""#;
        let define = |names: &[&str]| {
            let docs: Vec<String> = names.iter().map(|n| format!("\"{n}\":{ALLOW_S3}")).collect();
            format!("{{\"define\":{{{}}}}}", docs.join(","))
        };
        let ask = |id: u32, name: &str| format!("{{\"id\":{id},{bob},\"identityPolicies\":[\"@{name}\"]}}");
        // Two documents at most: A and B fit, the item with C and D is refused whole (neither is
        // defined), and defining A again replaces it rather than adding one.
        let input = [define(&["A", "B"]), define(&["C", "D"]), ask(1, "B"), ask(2, "C"), define(&["A"]), ask(3, "A")];
        let mut ev = Evaluator::new().with_definition_limit(2, usize::MAX);
        let mut out = Vec::new();
        assert_eq!(ev.run(&input.join("\n"), &mut out), 2);
        let answers = json_lines(&out);
        assert_eq!(answers.len(), 4);
        let refused = answers[0]["error"].as_str().unwrap();
        assert!(
            refused.starts_with("line 2: too many definitions: an input may define at most 2 documents"),
            "{refused}"
        );
        assert!(refused.contains("these would make 4 documents"), "{refused}");
        assert_eq!(answers[1]["decision"], "Allowed");
        assert!(answers[2]["error"].as_str().unwrap().contains("no policy is defined as 'C'"), "{}", answers[2]);
        assert_eq!(answers[3]["decision"], "Allowed");
        // The bytes of names and text are bounded too, in the array form as well.
        let one = 1 + ALLOW_S3.len();
        let mut ev = Evaluator::new().with_definition_limit(usize::MAX, 2 * one);
        let mut out = Vec::new();
        let array = format!("[{},{},{}]", define(&["A", "B"]), define(&["C"]), ask(1, "A"));
        assert_eq!(ev.run(&array, &mut out), 1);
        let answers = json_lines(&out);
        assert!(answers[0]["error"].as_str().unwrap().contains(&format!("and {} bytes", 3 * one)), "{}", answers[0]);
        assert_eq!(answers[1]["decision"], "Allowed");
        // The defaults.
        let ev = Evaluator::new();
        assert_eq!(ev.definition_limits, (MAX_DEFINITIONS, MAX_DEFINED_BYTES));
    }

    #[test]
    fn defined_policies_are_referenced_by_name() {
        let mut ev = Evaluator::new();
        let mut out = Vec::new();
        let input = format!(
            "{{\"define\": {{\"AllowGet\": {ALLOW_S3}}}}}\n{}\n{}\n",
            r#"{"id":1,"principal":"arn:aws:iam::111122223333:user/bob","action":"s3:GetObject","resource":"*","identityPolicies":["@AllowGet"]}"#,
            r#"{"id":2,"principal":"arn:aws:iam::111122223333:user/bob","action":"s3:GetObject","resource":"*","identityPolicies":["@Nope"]}"#
        );
        assert_eq!(ev.run(&input, &mut out), 1);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2, "definitions produce no answer: {out}");
        assert_eq!(lines[0]["decision"], "Allowed");
        assert!(lines[1]["error"].as_str().unwrap().contains("no policy is defined as 'Nope'"));
    }

    #[test]
    fn bad_requests_get_an_error_line_and_the_rest_go_on() {
        let mut ev = Evaluator::new();
        let mut out = Vec::new();
        let good = r#"{"principal":"arn:aws:iam::111122223333:root","action":"s3:GetObject","resource":"*"}"#;
        let errors = ev.run(&format!("{{\"principal\":1}}\n{good}\n{{\"principal\":\"x\",\"action\":\"a:b\",\"resource\":\"*\",\"identityPolicies\":[{{\"Statement\":5}}]}}\n"), &mut out);
        assert_eq!(errors, 2);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].contains("line 1: invalid request"), "{}", lines[0]);
        assert!(lines[1].contains("Allowed"));
        assert!(lines[2].contains("line 3"));
    }

    /// Answers `request` through serde's reader only, as every request was read before the
    /// fast reader.
    fn answer_by_serde(ev: &mut Evaluator, request: &str) -> String {
        let mut out = Vec::new();
        let answered = match serde_json::from_str::<RawRequest>(request) {
            Ok(raw) => ev.answer_read(raw, &mut out),
            Err(e) => Err((id_of(request), format!("invalid request: {e}"))),
        };
        if let Err((id, e)) = answered {
            write_error(&mut out, None, id, &e);
        }
        String::from_utf8(out).unwrap()
    }

    fn answer_fast(ev: &mut Evaluator, request: &str) -> String {
        let mut out = Vec::new();
        ev.answer_into(request, &mut out);
        String::from_utf8(out).unwrap()
    }

    const DEFINE: &str = r#"{"define":{"Allow":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}}}"#;
    const PRINCIPAL: &str = r#""arn:aws:iam::111122223333:user/bob""#;

    /// Field texts to build requests from: ordinary ones the fast reader takes, and ones it must
    /// leave to serde (escapes, `null`, numbers in odd forms, nested or trailing-comma values,
    /// malformed JSON, documents that only start like another).
    fn field() -> impl proptest::strategy::Strategy<Value = (&'static str, &'static str)> {
        use proptest::prelude::*;
        prop_oneof![
            prop::sample::select(vec![r#""r1""#, "7", "null", r#"{"a":[1, 2]}"#, r#""e\"sc""#]).prop_map(|v| ("id", v)),
            prop::sample::select(vec![
                r#""arn:aws:iam::111122223333:role/r""#,
                r#""anonymous""#,
                r#""arn:aws:iam::111122223333:user/b\u006fb""#,
                "null",
                "5",
                r#""bob""#,
            ])
            .prop_map(|v| ("principal", v)),
            prop::sample::select(vec![r#""S3:getobject""#, r#""s3:Get\u004fbject""#, r#""nocolon""#, r#""sqs:SendMessage""#])
                .prop_map(|v| ("action", v)),
            prop::sample::select(vec![r#""*""#, r#""arn:aws:sqs:us-east-1:444455556666:q""#, r#""arn:aws:s3:::b/k\n""#])
                .prop_map(|v| ("resource", v)),
            prop::sample::select(vec![r#""111122223333""#, r#""444455556666""#, "null", "12"])
                .prop_map(|v| ("resourceAccount", v)),
            prop::sample::select(vec![
                "{}",
                r#"{"aws:SourceIp":"10.0.0.1"}"#,
                r#"{"aws:PrincipalTag/team":["blue","red"]}"#,
                r#"{"aws:PrincipalTag/team" : [ ] }"#,
                r#"{"aws:SecureTransport":true,"n":1.50,"m":-0,"e":1e3,"f":false}"#,
                r#"{"a":"x","A":"y","a":"z"}"#,
                r#"{"k":{"nested":1}}"#,
                r#"{"k":null}"#,
                r#"{"k":"tab\there"}"#,
                r#"{"k":[1,[2]]}"#,
                r#"{"k":"v",}"#,
                r#"{"k":"v" "j":"w"}"#,
                r#"{"k":truex}"#,
                "[]",
            ])
            .prop_map(|v| ("context", v)),
            prop::sample::select(vec![
                "[]",
                r#"[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}]"#,
                r#"[ {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]} , "@Allow" ]"#,
                r#"[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}, {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:Put*","Resource":"*"}]}]"#,
                r#"["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"]"#,
                r#"["@Allow"]"#,
                r#"["@Missing"]"#,
                r#"[{"Version":"2012-10-17","Statement":[]}]"#,
                r#"[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]},]"#,
                r#"[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}x]"#,
                r#"[null]"#,
            ])
            .prop_map(|v| ("identityPolicies", v)),
            prop::sample::select(vec![
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]}"#,
                r#""@Allow""#,
                "null",
            ])
            .prop_map(|v| ("resourcePolicy", v)),
            prop::sample::select(vec![
                "[]",
                "[[]]",
                r#"[[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}]]"#,
                r#"[[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}],[{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}]]"#,
                r#"[{"Version":"2012-10-17","Statement":[]}]"#,
            ])
            .prop_map(|v| ("scps", v)),
            prop::sample::select(vec![r#"[[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}]]"#, "[[]]"])
                .prop_map(|v| ("rcps", v)),
            prop::sample::select(vec!["1", "\"x\""]).prop_map(|v| ("unknownField", v)),
        ]
    }

    proptest::proptest! {
        /// The fast reader and serde's give the same answer (or the same error) for every
        /// request, through a stream of requests that share, change and reorder documents.
        #[test]
        fn the_fast_reader_answers_as_serde_does(
            requests in proptest::collection::vec(
                (proptest::collection::vec(field(), 0..7), proptest::prelude::any::<bool>(),
                 proptest::sample::select(vec!["", " ", "\n\t ", "}", " x", ","])),
                1..5,
            ),
        ) {
            let (mut fast, mut slow) = (Evaluator::new(), Evaluator::new());
            let mut out = Vec::new();
            fast.run(DEFINE, &mut out);
            slow.run(DEFINE, &mut out);
            for (fields, spaced, tail) in requests {
                let sep = if spaced { " " } else { "" };
                let mut text = format!(r#"{{{sep}"principal"{sep}:{sep}{PRINCIPAL},"action":"s3:GetObject","resource":"arn:aws:s3:::b/k""#);
                for (name, value) in fields {
                    text.push_str(&format!(",{sep}\"{name}\"{sep}:{sep}{value}{sep}"));
                }
                text.push('}');
                text.push_str(tail);
                proptest::prop_assert_eq!(answer_fast(&mut fast, &text), answer_by_serde(&mut slow, &text), "{}", text);
            }
        }
    }

    #[test]
    fn a_remembered_policy_is_forgotten_when_its_text_or_a_definition_changes() {
        let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let other = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}"#;
        let req = |p: &str| {
            format!(r#"{{"principal":{PRINCIPAL},"action":"s3:GetObject","resource":"*","identityPolicies":[{p}]}}"#)
        };
        let steps = [
            format!(r#"{{"define":{{"X":{allow}}}}}"#),
            req(r#""@X""#),
            req(r#""@X""#),
            format!(r#"{{"define":{{"X":{other}}}}}"#),
            req(r#""@X""#),
            req(allow),
            req(allow),
            req(other),
            req(allow),
        ];
        let (mut fast, mut slow) = (Evaluator::new(), Evaluator::new());
        let mut answers = Vec::new();
        for step in &steps {
            if step.starts_with("{\"define\"") {
                let mut out = Vec::new();
                fast.run(step, &mut out);
                slow.run(step, &mut out);
                continue;
            }
            let answer = answer_fast(&mut fast, step);
            assert_eq!(answer, answer_by_serde(&mut slow, step), "{step}");
            answers.push(serde_json::from_str::<Value>(&answer).unwrap()["decision"].clone());
        }
        let expected = ["Allowed", "Allowed", "ImplicitlyDenied", "Allowed", "Allowed", "ImplicitlyDenied", "Allowed"];
        assert_eq!(answers, expected.map(Value::from));
    }

    #[test]
    fn the_fast_reader_takes_plain_requests_and_leaves_the_rest_to_serde() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let plain = format!(
            r#"{{"id":1,"principal":{PRINCIPAL},"action":"s3:GetObject","resource":"*","context":{{"a":["x",2,true]}},"identityPolicies":[{doc}]}}"#
        );
        let mut ev = Evaluator::new();
        let r = ev.read_request(&plain).expect("a plain request is read by the fast reader");
        assert_eq!(r.identity_policies.iter().map(|p| p.0).collect::<Vec<_>>(), [doc]);
        let ContextInput::Read(ctx) = &r.context else { panic!("the context is read into a Context") };
        assert_eq!(ctx.get("A"), Some(&crate::ContextValue::Multi(vec!["x".into(), "2".into(), "true".into()])));
        let texts = |ev: &Evaluator| ev.hints.iter().map(|h| h.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&ev), [doc]);
        // The second time, the hint delimits the document; a document that only starts like the
        // hint (here: a longer one) is delimited by serde and becomes the hint.
        assert!(ev.read_request(&plain).is_some());
        let longer = doc.replace("}]}", "},{\"Effect\":\"Deny\",\"Action\":\"s3:Put*\",\"Resource\":\"*\"}]}");
        let changed = plain.replace(doc, &longer);
        let r = ev.read_request(&changed).expect("read");
        assert_eq!(r.identity_policies[0].0, longer);
        assert_eq!(texts(&ev), [longer.as_str()]);
        for odd in [
            plain.replace("s3:GetObject", "s3:Get\\u004fbject"),
            plain.replace("\"id\":1", "\"id\":null"),
            plain.replace("\"id\":1", "\"id\":1,\"id\":2"),
            plain.replace("\"id\":1", "\"extra\":1"),
            plain.replace("\"id\":1,\"principal\":", "\"id\":1,\"who\":"),
            plain.replace("2,true", "2,{}"),
            format!("{plain}x"),
            plain.replace(&format!("[{doc}]"), &format!("[{doc},]")),
        ] {
            assert!(ev.read_request(&odd).is_none(), "{odd}");
        }
    }
    const BOB: &str = r#""principal":"arn:aws:iam::111122223333:user/bob","action":"s3:GetObject","resource":"*""#;

    /// Every line of `out` as JSON (each must be JSON serde_json reads).
    fn json_lines(out: &[u8]) -> Vec<Value> {
        let out = std::str::from_utf8(out).expect("answers are UTF-8");
        out.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
    }

    #[test]
    fn ids_with_lone_surrogates_are_echoed_as_json_that_serde_reads() {
        let mut ev = Evaluator::new();
        let mut out = Vec::new();
        let ids = [
            r#""\ud800""#,
            r#""a\uDC00b""#,
            r#""\ud800\ud800\udc00""#,
            r#""\ud83d\ude00""#,
            r#""\\ud800""#,
            r#"{"k":["\udbff",1]}"#,
        ];
        let expected = ["\u{fffd}", "a\u{fffd}b", "\u{fffd}\u{10000}", "\u{1f600}", "\\ud800"];
        let mut input = String::new();
        for id in ids {
            // Answered, then failing in the reader, then failing in the decision.
            input.push_str(&format!("{{\"id\":{id},{BOB}}}\n{{\"id\":{id},\"principal\":1}}\n"));
            input.push_str(&format!("{{\"id\":{id},\"principal\":\"bob\",\"action\":\"a:b\",\"resource\":\"*\"}}\n"));
        }
        assert_eq!(ev.run(&input, &mut out), 2 * ids.len());
        let answers = json_lines(&out);
        assert_eq!(answers.len(), 3 * ids.len());
        for (k, a) in answers.iter().enumerate() {
            match expected.get(k / 3) {
                Some(e) => assert_eq!(a["id"], *e, "{a}"),
                None => assert_eq!(a["id"], serde_json::json!({"k": ["\u{fffd}", 1]})),
            }
            assert_eq!(a.get("error").is_some(), k % 3 != 0, "{a}");
        }
        // A pair and an escaped backslash are echoed byte for byte.
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(r#"{"id":"\ud83d\ude00","decision""#) && text.contains(r#"{"id":"\\ud800","decision""#));
    }

    #[test]
    fn errors_carry_the_id_where_it_can_be_read() {
        let mut ev = Evaluator::new();
        let mut out = Vec::new();
        let input = [
            r#"{"id":7,"principal":1}"#,
            r#"{"id": "x", "principal":"#,
            r#"{"principal":"p","id":[1,{"a":2}],"#,
            r#"{"principal":"p","id":"#,
            r#"{"principal":"p" "id":1}"#,
            "not json",
            r#"{"define":5}"#,
            r#"{"id":"last","principal":"bob","action":"a:b","resource":"*"}"#,
        ]
        .join("\n");
        assert_eq!(ev.run(&input, &mut out), 8);
        let ids: Vec<Value> = json_lines(&out).iter().map(|a| a["id"].clone()).collect();
        let expected = serde_json::json!([7, "x", [1, {"a": 2}], null, null, null, null, "last"]);
        assert_eq!(Value::from(ids), expected);
        for (n, a) in json_lines(&out).iter().enumerate() {
            assert!(a["error"].as_str().unwrap().starts_with(&format!("line {}: ", n + 1)), "{a}");
        }
    }

    #[test]
    fn a_line_that_is_not_utf8_gets_an_error_and_the_others_go_on() {
        let mut ev = Evaluator::new();
        let mut out = Vec::new();
        let mut input = format!("{{{BOB},\"id\":1}}\n").into_bytes();
        input.extend_from_slice(b"{\"id\":\"a\xffb\",\"principal\":\"\xc3\"}\r\n");
        input.extend_from_slice(format!("{{\"id\":3,{BOB}}}").as_bytes());
        assert_eq!(ev.run_stream(&input[..], &mut out).unwrap(), 1);
        let answers = json_lines(&out);
        assert_eq!(answers.len(), 3);
        assert_eq!(answers[0]["decision"], "ImplicitlyDenied");
        assert_eq!(answers[1], serde_json::json!({"id": "a\u{fffd}b", "error": "line 2: invalid UTF-8 at byte 9"}));
        assert_eq!(answers[2]["id"], 3);
        // In the array form, the array breaks there: the elements before are answered, then one
        // error names the byte, and nothing after it is read.
        let mut array = format!("[{{{BOB},\"id\":1}},\n").into_bytes();
        array.extend_from_slice(b"{\"id\":\"a\xffb\",\"principal\":\"\xc3\"},\r\n");
        array.extend_from_slice(format!("{{\"id\":3,{BOB}}}]").as_bytes());
        out.clear();
        assert_eq!(ev.run_stream(&array[..], &mut out).unwrap(), 1);
        let at = array.iter().position(|&b| b == 0xff).unwrap() + 1;
        let answers = json_lines(&out);
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0]["id"], 1);
        assert_eq!(answers[1], serde_json::json!({"id": null, "error": format!("invalid UTF-8 at byte {at}")}));
    }

    #[test]
    fn a_stream_is_answered_the_same_however_its_reads_are_cut() {
        let input = format!(
            "\n  \r\n{{\"define\":{{\"A\":{ALLOW_S3}}}}}\r\n{{\"id\":\"é\",{BOB},\"identityPolicies\":[\"@A\"]}}\n\n\
             {{\"id\":2,{BOB},\"identityPolicies\":[\"@B\"]}}\r\n\r\n{{\"id\":\"ü\",{BOB}}}\n\r\n{{\"id\":4,{BOB}"
        );
        let mut whole = Vec::new();
        let errors = Evaluator::new().run(&input, &mut whole);
        assert_eq!(errors, 2);
        let answers = json_lines(&whole);
        assert_eq!(answers.len(), 4);
        assert_eq!(answers[0]["decision"], "Allowed");
        assert!(answers[1]["error"].as_str().unwrap().starts_with("line 6: "), "{}", answers[1]);
        assert!(answers[3]["error"].as_str().unwrap().starts_with("line 10: "), "{}", answers[3]);
        for capacity in 1..40 {
            let mut out = Vec::new();
            let reader = std::io::BufReader::with_capacity(capacity, input.as_bytes());
            assert_eq!(Evaluator::new().run_stream(reader, &mut out).unwrap(), errors);
            assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(whole.clone()).unwrap(), "{capacity}");
        }
        let array = format!("\n [{{\"id\":1,{BOB}}}, {{\"id\":2}}]");
        let mut out = Vec::new();
        assert_eq!(
            Evaluator::new().run_stream(std::io::BufReader::with_capacity(1, array.as_bytes()), &mut out).unwrap(),
            1
        );
        assert_eq!(json_lines(&out)[0]["id"], 1);
        assert_eq!(json_lines(&out)[1]["id"], 2);
    }

    #[test]
    fn an_array_is_answered_element_by_element_as_it_is_read() {
        use std::cell::RefCell;
        use std::rc::Rc;
        /// Gives one piece per read, and checks that the elements whole in the pieces given before
        /// were answered.
        struct Client(Vec<String>, usize, Rc<RefCell<Vec<u8>>>);
        impl std::io::Read for Client {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let answered = self.2.borrow().iter().filter(|&&b| b == b'\n').count();
                // Piece 0 is "[", piece i > 0 ends element i (its comma or the "]").
                assert_eq!(answered, self.1.saturating_sub(1), "every element read so far is answered");
                let Some(piece) = self.0.get(self.1) else { return Ok(0) };
                self.1 += 1;
                buf[..piece.len()].copy_from_slice(piece.as_bytes());
                Ok(piece.len())
            }
        }
        struct Shared(Rc<RefCell<Vec<u8>>>);
        impl std::io::Write for Shared {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.borrow_mut().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let written = Rc::new(RefCell::new(Vec::new()));
        let mut pieces = vec![" [".to_string()];
        pieces.extend((0..5).map(|i| format!("{{\"id\":{i},{BOB}}}{}", if i < 4 { ",\n" } else { "]\n" })));
        let reader = std::io::BufReader::new(Client(pieces, 0, written.clone()));
        assert_eq!(Evaluator::new().run_stream(reader, &mut Shared(written.clone())).unwrap(), 0);
        let answers = json_lines(&written.borrow());
        assert_eq!(answers.iter().map(|a| a["id"].as_u64().unwrap()).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_broken_array_answers_what_came_before_and_says_where_it_broke() {
        let good = format!("{{\"id\":1,{BOB}}}");
        for (rest, error) in [
            ("", "invalid JSON array of requests: the input ended at byte"),
            (",]", "invalid JSON array of requests: expected an element at byte"),
            (", {\"id\":2,} ]", "invalid JSON array of requests: element 2: "),
            ("] trailing", "invalid JSON array of requests: unexpected characters after the closing ] at byte"),
        ] {
            let input = format!("[{good}{rest}");
            let mut out = Vec::new();
            assert_eq!(Evaluator::new().run(&input, &mut out), 1, "{input}");
            let answers = json_lines(&out);
            assert_eq!(answers.len(), 2, "{input}");
            assert_eq!(answers[0]["id"], 1);
            assert!(answers[1]["error"].as_str().unwrap().starts_with(error), "{input}: {}", answers[1]);
        }
        // An element that is JSON but no request is answered with an error, and the rest go on.
        let mut out = Vec::new();
        assert_eq!(Evaluator::new().run(&format!("[7, {good}]"), &mut out), 1);
        assert_eq!(json_lines(&out)[1]["id"], 1);
    }

    #[test]
    fn each_answer_is_written_before_the_next_line_is_read() {
        use std::cell::RefCell;
        use std::rc::Rc;
        /// Gives one line per read, and checks that every line given before was answered.
        struct Client(Vec<String>, usize, Rc<RefCell<Vec<u8>>>);
        impl std::io::Read for Client {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let answered = self.2.borrow().iter().filter(|&&b| b == b'\n').count();
                assert_eq!(answered, self.1, "every line read so far is answered before the next read");
                let Some(line) = self.0.get(self.1) else { return Ok(0) };
                self.1 += 1;
                buf[..line.len()].copy_from_slice(line.as_bytes());
                Ok(line.len())
            }
        }
        struct Shared(Rc<RefCell<Vec<u8>>>);
        impl std::io::Write for Shared {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.borrow_mut().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let written = Rc::new(RefCell::new(Vec::new()));
        let lines = (0..5).map(|i| format!("{{\"id\":{i},{BOB}}}\n")).collect();
        let reader = std::io::BufReader::new(Client(lines, 0, written.clone()));
        assert_eq!(Evaluator::new().run_stream(reader, &mut Shared(written.clone())).unwrap(), 0);
        assert_eq!(json_lines(&written.borrow()).len(), 5);
    }

    #[test]
    fn the_cache_is_emptied_past_its_limits_and_answers_do_not_change() {
        let docs: Vec<String> = (0..6)
            .map(|i| {
                ALLOW_S3
                    .replace("s3:GetObject", if i % 2 == 0 { "s3:Get*" } else { "s3:Put*" })
                    .replace("[{", &format!("[{{\"Sid\":\"S{i}\","))
            })
            .collect();
        let mut input = String::new();
        for round in 0..3 {
            for (i, d) in docs.iter().enumerate() {
                input.push_str(&format!(
                    "{{\"id\":{},{BOB},\"identityPolicies\":[{d}],\"permissionsBoundary\":{}}}\n",
                    round * 10 + i,
                    docs[0]
                ));
            }
        }
        let mut expected = Vec::new();
        let mut unbounded = Evaluator::new();
        unbounded.run(&input, &mut expected);
        assert_eq!(unbounded.cached(), 7);
        for (entries, bytes) in [(2, usize::MAX), (usize::MAX, 2 * docs[0].len()), (1, 0)] {
            let mut ev = Evaluator::with_cache_limit(entries, bytes);
            let mut out = Vec::new();
            for line in input.lines() {
                ev.run(line, &mut out);
                assert!(ev.cached() <= entries.min(2), "{entries} {bytes}: {}", ev.cached());
            }
            assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected.clone()).unwrap());
        }
    }
}
