//! The API's own pages: which operations page their results, and the one page a call answers.
//!
//! Which operations are paginated, with which tokens, limit and result keys, is not written here:
//! it is botocore's `paginators-1.json` of each service (vendored under `data/botocore/`, with the
//! `paginators-1.sdk-extras.json` botocore's loader merges into it), decoded once on first use.
//! The AWS CLI drives its pagination from the same files (`command::paginate`).
//!
//! A paginated operation's handler answers its whole result; [`invoke`] then answers the page the
//! service would: it reads the service's input token (IAM `Marker`, Organizations `NextToken`,
//! S3 `ContinuationToken`...) and limit (`MaxItems`, `MaxResults`, `MaxKeys`...), checks them as
//! the service does, cuts the result keys to the page and sets the service's own continuation
//! (`IsTruncated` and `Marker`, `NextToken`, ...). What each service allows and answers by default
//! is the one table here, [`SERVICES`], from the API references. A handler whose table row
//! declares the paginator's input token pages itself (CloudTrail `LookupEvents`, Account
//! `ListRegions`) and is called as it is.
//!
//! The service tokens rootsim hands out are opaque strings that name the operation and the
//! position of the next item (a simulator assumption: AWS's tokens are opaque too, and the AWS
//! CLI never reads them); they need no randomness, so paging leaves the world's generator alone.

use crate::error::{AwsError, AwsResult};
use crate::service::{Call, Operation};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One operation's paginator, as botocore describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paginator {
    /// The request members that carry the continuation (`Marker`, `NextToken`...), in order.
    pub input_tokens: Vec<String>,
    /// The response members (JMESPath in general; plain members for every operation rootsim
    /// models) that hold the next page's input tokens, in the same order.
    pub output_tokens: Vec<String>,
    /// The request member that limits a page (`MaxItems`, `MaxResults`...), if the API has one.
    pub limit_key: Option<String>,
    /// The response member that says whether more pages follow (`IsTruncated`), if any.
    pub more_results: Option<String>,
    /// The response members that hold the results, merged across pages; the first is the one
    /// `--max-items` counts.
    pub result_keys: Vec<String>,
    /// The response members kept from the first page only (`GetGroup`'s `Group`).
    pub non_aggregate_keys: Vec<String>,
}

/// The vendored paginators, by the CLI's service name (S3's folder is `s3`, its CLI name `s3api`),
/// with the extras botocore merges over some.
const SOURCES: &[(&str, &str, Option<&str>)] = &[
    ("accessanalyzer", include_str!("../../data/botocore/accessanalyzer/paginators-1.json"), None),
    ("account", include_str!("../../data/botocore/account/paginators-1.json"), None),
    ("autoscaling", include_str!("../../data/botocore/autoscaling/paginators-1.json"), None),
    ("cloudformation", include_str!("../../data/botocore/cloudformation/paginators-1.json"), None),
    ("cloudtrail", include_str!("../../data/botocore/cloudtrail/paginators-1.json"), None),
    ("ec2", include_str!("../../data/botocore/ec2/paginators-1.json"), None),
    ("ec2-instance-connect", include_str!("../../data/botocore/ec2-instance-connect/paginators-1.json"), None),
    ("codebuild", include_str!("../../data/botocore/codebuild/paginators-1.json"), None),
    ("events", include_str!("../../data/botocore/events/paginators-1.json"), None),
    (
        "glue",
        include_str!("../../data/botocore/glue/paginators-1.json"),
        Some(include_str!("../../data/botocore/glue/paginators-1.sdk-extras.json")),
    ),
    ("iam", include_str!("../../data/botocore/iam/paginators-1.json"), None),
    ("kms", include_str!("../../data/botocore/kms/paginators-1.json"), None),
    ("lambda", include_str!("../../data/botocore/lambda/paginators-1.json"), None),
    (
        "organizations",
        include_str!("../../data/botocore/organizations/paginators-1.json"),
        Some(include_str!("../../data/botocore/organizations/paginators-1.sdk-extras.json")),
    ),
    (
        "s3api",
        include_str!("../../data/botocore/s3/paginators-1.json"),
        Some(include_str!("../../data/botocore/s3/paginators-1.sdk-extras.json")),
    ),
    ("s3control", include_str!("../../data/botocore/s3control/paginators-1.json"), None),
    ("sagemaker", include_str!("../../data/botocore/sagemaker/paginators-1.json"), None),
    ("sns", include_str!("../../data/botocore/sns/paginators-1.json"), None),
    ("sqs", include_str!("../../data/botocore/sqs/paginators-1.json"), None),
    ("ssm", include_str!("../../data/botocore/ssm/paginators-1.json"), None),
    ("sts", include_str!("../../data/botocore/sts/paginators-1.json"), None),
];

type Table = HashMap<(&'static str, String), Paginator>;

/// One string or a list of strings (botocore writes both).
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// Decodes the vendored files. They are compiled in, so a malformed file is a build defect
/// caught by the unit tests, and decoding skips what it cannot read rather than panicking.
fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut out = Table::new();
        for (service, text, extras) in SOURCES {
            let mut pagination = serde_json::from_str::<Value>(text)
                .ok()
                .and_then(|v| v.get("pagination").and_then(Value::as_object).cloned())
                .unwrap_or_default();
            // botocore's loader merges the extras' `merge` object into the model, member by member.
            let extra = extras.and_then(|t| serde_json::from_str::<Value>(t).ok());
            if let Some(Value::Object(more)) = extra.as_ref().and_then(|e| e.pointer("/merge/pagination")) {
                for (op, fields) in more {
                    if let (Some(Value::Object(target)), Value::Object(fields)) = (pagination.get_mut(op), fields) {
                        for (k, v) in fields {
                            target.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            for (op, config) in pagination {
                let p = Paginator {
                    input_tokens: strings(config.get("input_token")),
                    output_tokens: strings(config.get("output_token")),
                    limit_key: config.get("limit_key").and_then(Value::as_str).map(str::to_string),
                    more_results: config.get("more_results").and_then(Value::as_str).map(str::to_string),
                    result_keys: strings(config.get("result_key")),
                    non_aggregate_keys: strings(config.get("non_aggregate_keys")),
                };
                out.insert((*service, op), p);
            }
        }
        out
    })
}

/// The paginator botocore gives the operation `name` of `service` (the CLI's service name, so
/// `s3api` for S3), if it is paginated.
pub fn paginator(service: &str, name: &str) -> Option<&'static Paginator> {
    let service = SOURCES.iter().map(|(s, _, _)| *s).find(|s| *s == service)?;
    table().get(&(service, name.to_string()))
}

/// The operations botocore paginates, by the CLI's service name: for the check that rootsim pages
/// exactly those of them it models.
pub fn paginated_operations() -> Vec<(&'static str, String)> {
    let mut v: Vec<_> = table().keys().map(|(s, o)| (*s, o.clone())).collect();
    v.sort();
    v
}

/// How a service pages: its default and largest page, and its errors.
#[derive(Debug, Clone, Copy)]
pub struct ServicePaging {
    /// The CLI's service name.
    pub service: &'static str,
    /// Items per page when the request names no limit.
    pub default_page: i64,
    /// The smallest limit the service accepts.
    pub min: i64,
    /// The largest page: a larger limit is refused, or lowered to it when `clamp` is set.
    pub max: i64,
    /// Whether a limit above `max` is lowered to it (S3) rather than refused.
    pub clamp: bool,
    /// The error code of a limit out of range (`ValidationError`, `ValidationException`...).
    pub range_error: &'static str,
    /// The error a token the service never issued gets: code and message.
    pub bad_token: (&'static str, &'static str),
    /// Whether a continuation token is returned only when the request set a limit (SQS).
    pub token_only_with_limit: bool,
}

/// Each service's paging, from its API reference (the pages cited in docs/rules.md,
/// PAGING-SERVICE-LIMITS). Where a reference states no default or no error, the row says so.
pub const SERVICES: &[ServicePaging] = &[
    // Access Analyzer: ValidatePolicy's maxResults has no documented range or default; 100 per
    // page, at most 100, and the bad-token error are simulator assumptions.
    ServicePaging {
        service: "accessanalyzer",
        default_page: 100,
        min: 1,
        max: 100,
        clamp: false,
        range_error: "ValidationException",
        bad_token: ("ValidationException", "Invalid pagination token"),
        token_only_with_limit: false,
    },
    // IAM: MaxItems 1-1000, default 100 (every List* reference). The bad-marker message is a
    // simulator assumption (IAM documents none).
    ServicePaging {
        service: "iam",
        default_page: 100,
        min: 1,
        max: 1000,
        clamp: false,
        range_error: "ValidationError",
        bad_token: ("ValidationError", "Invalid Marker."),
        token_only_with_limit: false,
    },
    // Organizations: MaxResults 1-20; the default page is an assumption (the reference says the
    // service may return fewer than asked and to follow NextToken).
    ServicePaging {
        service: "organizations",
        default_page: 20,
        min: 1,
        max: 20,
        clamp: false,
        range_error: "InvalidInputException",
        bad_token: ("InvalidInputException", "You specified an invalid value for nextToken."),
        token_only_with_limit: false,
    },
    // S3: MaxKeys and MaxBuckets; at most 1000 keys per page whatever is asked; ListBuckets pages
    // up to 10000 buckets (its own row below).
    ServicePaging {
        service: "s3api",
        default_page: 1000,
        min: 0,
        max: 1000,
        clamp: true,
        range_error: "InvalidArgument",
        bad_token: ("InvalidArgument", "The continuation token provided is incorrect"),
        token_only_with_limit: false,
    },
    // KMS: Limit 1-1000, default 100; InvalidMarkerException.
    ServicePaging {
        service: "kms",
        default_page: 100,
        min: 1,
        max: 1000,
        clamp: false,
        range_error: "ValidationException",
        bad_token: ("InvalidMarkerException", "Invalid marker"),
        token_only_with_limit: false,
    },
    // SQS: MaxResults 1-1000; without MaxResults up to 1000 queues and no NextToken (the SQS
    // developer guide, "Amazon SQS list queue pagination"). Bad-token error: assumption.
    ServicePaging {
        service: "sqs",
        default_page: 1000,
        min: 1,
        max: 1000,
        clamp: false,
        range_error: "InvalidParameterValue",
        bad_token: ("InvalidParameterValue", "Invalid NextToken value."),
        token_only_with_limit: true,
    },
    // SNS: 100 topics or subscriptions per page, no limit parameter. Bad-token error: assumption.
    ServicePaging {
        service: "sns",
        default_page: 100,
        min: 1,
        max: 100,
        clamp: false,
        range_error: "InvalidParameter",
        bad_token: ("InvalidParameter", "Invalid parameter: NextToken"),
        token_only_with_limit: false,
    },
    // EC2: MaxResults 5-1000 (DescribeInstances' API reference); without it every item in one
    // page (rootsim cuts at 1000). The bad-token error is an assumption.
    ServicePaging {
        service: "ec2",
        default_page: 1000,
        min: 5,
        max: 1000,
        clamp: false,
        range_error: "InvalidParameterValue",
        bad_token: ("InvalidParameterValue", "Invalid value for NextToken."),
        token_only_with_limit: false,
    },
    // Lambda: ListFunctions answers at most 50 functions a page, whatever MaxItems asks (its API
    // reference); MaxItems 1-10000 is botocore's range check. The bad-marker error is an
    // assumption.
    ServicePaging {
        service: "lambda",
        default_page: 50,
        min: 1,
        max: 50,
        clamp: true,
        range_error: "InvalidParameterValueException",
        bad_token: ("InvalidParameterValueException", "Invalid marker"),
        token_only_with_limit: false,
    },
    // EventBridge: Limit 1-100; the default page and the bad-token error are assumptions.
    ServicePaging {
        service: "events",
        default_page: 100,
        min: 1,
        max: 100,
        clamp: false,
        range_error: "ValidationException",
        bad_token: ("ValidationException", "The nextToken is invalid."),
        token_only_with_limit: false,
    },
    // Auto Scaling: MaxRecords 1-100, 50 by default (DescribeLaunchConfigurations' and
    // DescribeAutoScalingGroups' API references); the bad-token error's wording is an assumption
    // (the code is the models' InvalidNextToken).
    ServicePaging {
        service: "autoscaling",
        default_page: 50,
        min: 1,
        max: 100,
        clamp: false,
        range_error: "ValidationError",
        bad_token: ("InvalidNextToken", "The token is invalid."),
        token_only_with_limit: false,
    },
    // CloudFormation: DescribeStacks has no limit parameter; the page of 100 stacks and the
    // bad-token error are simulator assumptions (the API reference documents neither).
    ServicePaging {
        service: "cloudformation",
        default_page: 100,
        min: 1,
        max: 100,
        clamp: false,
        range_error: "ValidationError",
        bad_token: ("ValidationError", "Invalid NextToken"),
        token_only_with_limit: false,
    },
    // Glue: MaxResults 1-1000 (GetDevEndpoints); the default page and the bad-token error are
    // simulator assumptions.
    ServicePaging {
        service: "glue",
        default_page: 100,
        min: 1,
        max: 1000,
        clamp: false,
        range_error: "ValidationException",
        bad_token: ("InvalidInputException", "Invalid pagination token"),
        token_only_with_limit: false,
    },
    // SageMaker: MaxResults 1-100 (the model); the default page of 10 and the bad-token error
    // are assumptions.
    ServicePaging {
        service: "sagemaker",
        default_page: 10,
        min: 1,
        max: 100,
        clamp: false,
        range_error: "ValidationException",
        bad_token: ("ValidationException", "Invalid pagination token"),
        token_only_with_limit: false,
    },
    // CodeBuild: ListProjects answers at most 100 names a page and takes no limit (the API
    // reference); the bad-token error is an assumption.
    ServicePaging {
        service: "codebuild",
        default_page: 100,
        min: 1,
        max: 100,
        clamp: false,
        range_error: "InvalidInputException",
        bad_token: ("InvalidInputException", "Invalid next token"),
        token_only_with_limit: false,
    },
];

/// S3 `ListBuckets`: MaxBuckets 1-10000, all buckets (up to 10000) by default.
const LIST_BUCKETS: ServicePaging = ServicePaging {
    service: "s3api",
    default_page: 10000,
    min: 1,
    max: 10000,
    clamp: false,
    range_error: "InvalidArgument",
    bad_token: ("InvalidArgument", "The continuation token provided is incorrect"),
    token_only_with_limit: false,
};

fn service_paging(op: &Operation) -> Option<ServicePaging> {
    if op.service == "s3api" && op.name == "ListBuckets" {
        return Some(LIST_BUCKETS);
    }
    SERVICES.iter().find(|s| s.service == op.service).copied()
}

/// The paginator of `op` when rootsim pages its answer (not when its handler pages itself).
fn api_paged(op: &Operation) -> Option<(&'static Paginator, ServicePaging)> {
    let p = paginator(op.service, op.name)?;
    if p.input_tokens.iter().any(|t| op.params.iter().any(|param| param.name == t)) {
        return None;
    }
    Some((p, service_paging(op)?))
}

/// Runs `op`'s handler and answers the page the service would (see the module's doc).
pub fn invoke(op: &Operation, call: &mut Call, input: &Map<String, Value>) -> AwsResult<Value> {
    invoke_paging(op, call, input, &mut Memo::default())
}

/// What the first page of one AWS CLI pagination run computed: the handler's whole answer and
/// the authorization decisions it took.
///
/// A run's page calls differ only in their token and limit, and between them nothing a handler
/// or a decision reads changes: the calls are reads, the simulated clock moves only by command,
/// and what each call leaves (its CloudTrail event, the rules it fires) is read by no paginated
/// handler but CloudTrail's `LookupEvents`, which pages itself and is never remembered. So the
/// later pages reuse both (the decisions are recorded again, for `explain`) instead of building
/// the whole answer once per page, which made listing N items cost N²/page.
#[derive(Debug, Default)]
pub struct Memo {
    first: Option<(Value, Vec<crate::auth::AuthRecord>)>,
}

/// [`invoke`] for one page of a pagination run that shares `memo` with the run's other pages.
pub fn invoke_paging(op: &Operation, call: &mut Call, input: &Map<String, Value>, memo: &mut Memo) -> AwsResult<Value> {
    let Some((paginator, service)) = api_paged(op) else {
        return (op.handler)(call, input);
    };
    let limit = page_limit(paginator, &service, input)?;
    if let Some((whole, decisions)) = &memo.first {
        call.auth.extend(decisions.iter().cloned());
        return page_of(op, paginator, &service, input, limit, whole);
    }
    let before = call.auth.len();
    let whole = (op.handler)(call, input)?;
    let page = page_of(op, paginator, &service, input, limit, &whole);
    memo.first = Some((whole, call.auth[before..].to_vec()));
    page
}

/// The lowerCamel member name a validation message names (`maxItems`).
fn lower_camel(name: &str) -> String {
    let mut c = name.chars();
    c.next().map_or_else(String::new, |f| f.to_ascii_lowercase().to_string() + c.as_str())
}

/// The page's size: the request's limit, checked against the service's range, or the default.
fn page_limit(p: &Paginator, s: &ServicePaging, input: &Map<String, Value>) -> AwsResult<i64> {
    let Some(key) = &p.limit_key else { return Ok(s.default_page) };
    let Some(v) = input.get(key) else { return Ok(s.default_page) };
    let Some(n) = v.as_i64() else {
        return Err(AwsError::new(s.range_error, 400, format!("Invalid value for {key}.")));
    };
    if n < s.min {
        return Err(AwsError::new(
            s.range_error,
            400,
            format!(
                "1 validation error detected: Value '{n}' at '{}' failed to satisfy constraint: Member must have value greater than or equal to {}",
                lower_camel(key),
                s.min
            ),
        ));
    }
    if n > s.max {
        if s.clamp {
            return Ok(s.max);
        }
        return Err(AwsError::new(
            s.range_error,
            400,
            format!(
                "1 validation error detected: Value '{n}' at '{}' failed to satisfy constraint: Member must have value less than or equal to {}",
                lower_camel(key),
                s.max
            ),
        ));
    }
    Ok(n)
}

/// The service token for the item at `offset` of `op`'s results.
fn service_token(op: &Operation, offset: usize) -> String {
    base64_encode(format!("rootsim/{}/{}/{offset}", op.service, op.name).as_bytes())
}

/// The position a service token names, if `op` issued it.
fn token_offset(op: &Operation, token: &str) -> Option<usize> {
    let bytes = base64_decode(token)?;
    let text = String::from_utf8(bytes).ok()?;
    let rest = text.strip_prefix(&format!("rootsim/{}/{}/", op.service, op.name))?;
    rest.parse().ok()
}

/// Cuts `whole` to the page that starts at the request's token and holds `limit` items of the
/// result keys taken in order, and sets the continuation members.
fn page_of(
    op: &Operation,
    p: &Paginator,
    s: &ServicePaging,
    input: &Map<String, Value>,
    limit: i64,
    whole: &Value,
) -> AwsResult<Value> {
    let Value::Object(whole) = whole else { return Ok(whole.clone()) };
    let bad = || AwsError::new(s.bad_token.0, 400, s.bad_token.1);
    let start = match p.input_tokens.first().and_then(|t| input.get(t)) {
        None => 0,
        Some(Value::String(t)) => token_offset(op, t).ok_or_else(bad)?,
        Some(_) => return Err(bad()),
    };
    let limit = usize::try_from(limit).unwrap_or(0);
    // The items of every result key, in order, are one sequence that pages are cut from; only
    // the page's items are copied (the whole answer may be remembered for the next page).
    let mut out = Map::new();
    let mut seen = 0usize;
    for (key, value) in whole {
        let cut = match value {
            Value::Array(items) if p.result_keys.contains(key) => {
                let from = start.saturating_sub(seen).min(items.len());
                let to = start.saturating_add(limit).saturating_sub(seen).min(items.len()).max(from);
                seen += items.len();
                Value::Array(items[from..to].to_vec())
            }
            other => other.clone(),
        };
        out.insert(key.clone(), cut);
    }
    // An empty page (S3's MaxKeys 0) is never truncated: it would name itself as the next one.
    let more = limit > 0 && start.saturating_add(limit) < seen;
    let limited = p.limit_key.as_ref().is_some_and(|k| input.contains_key(k));
    let truncated = more && (limited || !s.token_only_with_limit);
    if let Some(flag) = &p.more_results {
        out.insert(flag.clone(), Value::Bool(truncated));
    }
    for key in &p.output_tokens {
        out.shift_remove(key);
        if truncated {
            out.insert(key.clone(), Value::String(service_token(op, start + limit)));
        }
    }
    Ok(Value::Object(out))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, as Python's `base64.b64encode` writes it (the AWS CLI's
/// `NextToken` is one).
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 read as Python's `base64.b64decode` reads it by default: characters outside the
/// alphabet are skipped, padding must complete the last group; `None` where Python raises.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut sextets: Vec<u8> = Vec::with_capacity(text.len());
    let mut pads = 0usize;
    for c in text.bytes() {
        if c == b'=' {
            // Padding counts only where a group can end with it (after 2 or 3 characters).
            if sextets.len() % 4 >= 2 {
                pads += 1;
                if sextets.len() % 4 + pads == 4 {
                    break;
                }
            }
            continue;
        }
        if pads > 0 {
            continue;
        }
        if let Some(v) = B64.iter().position(|&b| b == c) {
            sextets.push(v as u8);
        }
    }
    let rest = sextets.len() % 4;
    if rest == 1 || (rest > 0 && rest + pads != 4) {
        return None;
    }
    let mut out = Vec::with_capacity(sextets.len() / 4 * 3 + 2);
    for group in sextets.chunks(4) {
        let n = group.iter().enumerate().fold(0u32, |acc, (i, v)| acc | (u32::from(*v) << (18 - 6 * i)));
        for i in 0..group.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::kebab;

    #[test]
    fn the_vendored_paginators_decode() {
        let users = paginator("iam", "ListUsers").expect("iam ListUsers is paginated");
        assert_eq!(users.input_tokens, ["Marker"]);
        assert_eq!(users.output_tokens, ["Marker"]);
        assert_eq!(users.limit_key.as_deref(), Some("MaxItems"));
        assert_eq!(users.more_results.as_deref(), Some("IsTruncated"));
        assert_eq!(users.result_keys, ["Users"]);
        assert_eq!(paginator("iam", "GetGroup").unwrap().non_aggregate_keys, ["Group"]);
        // The S3 extras are merged in, as botocore's loader merges them.
        assert_eq!(paginator("s3api", "ListObjectsV2").unwrap().non_aggregate_keys, ["RequestCharged", "Prefix"]);
        assert!(paginator("sts", "GetCallerIdentity").is_none());
        assert!(paginator("iam", "CreateUser").is_none());
    }

    /// The vendored `service-2.json.gz` of a service (by the CLI's name), inflated and parsed.
    fn service_model(service: &str) -> Value {
        let bytes: &[u8] = match service {
            "accessanalyzer" => include_bytes!("../../data/botocore/accessanalyzer/service-2.json.gz"),
            "account" => include_bytes!("../../data/botocore/account/service-2.json.gz"),
            "cloudformation" => include_bytes!("../../data/botocore/cloudformation/service-2.json.gz"),
            "autoscaling" => include_bytes!("../../data/botocore/autoscaling/service-2.json.gz"),
            "cloudtrail" => include_bytes!("../../data/botocore/cloudtrail/service-2.json.gz"),
            "ec2" => include_bytes!("../../data/botocore/ec2/service-2.json.gz"),
            "ec2-instance-connect" => include_bytes!("../../data/botocore/ec2-instance-connect/service-2.json.gz"),
            "codebuild" => include_bytes!("../../data/botocore/codebuild/service-2.json.gz"),
            "events" => include_bytes!("../../data/botocore/events/service-2.json.gz"),
            "glue" => include_bytes!("../../data/botocore/glue/service-2.json.gz"),
            "iam" => include_bytes!("../../data/botocore/iam/service-2.json.gz"),
            "kms" => include_bytes!("../../data/botocore/kms/service-2.json.gz"),
            "lambda" => include_bytes!("../../data/botocore/lambda/service-2.json.gz"),
            "organizations" => include_bytes!("../../data/botocore/organizations/service-2.json.gz"),
            "s3api" => include_bytes!("../../data/botocore/s3/service-2.json.gz"),
            "s3control" => include_bytes!("../../data/botocore/s3control/service-2.json.gz"),
            "sagemaker" => include_bytes!("../../data/botocore/sagemaker/service-2.json.gz"),
            "sns" => include_bytes!("../../data/botocore/sns/service-2.json.gz"),
            "sqs" => include_bytes!("../../data/botocore/sqs/service-2.json.gz"),
            "ssm" => include_bytes!("../../data/botocore/ssm/service-2.json.gz"),
            "sts" => include_bytes!("../../data/botocore/sts/service-2.json.gz"),
            other => panic!("no vendored model for {other}"),
        };
        // gzip (RFC 1952): a 10-byte header (refresh.sh writes no name, comment or extra field),
        // raw deflate, then CRC-32 and size.
        assert_eq!(&bytes[..4], &[0x1f, 0x8b, 8, 0], "{service}: not a plain gzip file");
        let text = miniz_oxide::inflate::decompress_to_vec(&bytes[10..bytes.len() - 8]).expect("inflates");
        serde_json::from_slice(&text).expect("a JSON model")
    }

    /// Options the AWS CLI adds or renames over the API (awscli's customizations): not members.
    const CLI_ONLY: &[(&str, &str, &str)] = &[
        // `aws iam create-virtual-mfa-device --outfile F --bootstrap-method ...` writes the seed to
        // a file (awscli's `customizations/iamvirtmfa.py`); the API answers it in the response.
        ("iam", "CreateVirtualMFADevice", "Outfile"),
        ("iam", "CreateVirtualMFADevice", "BootstrapMethod"),
        // `aws sns subscribe --notification-endpoint` is the API's `Endpoint`, renamed by the CLI
        // (awscli's `customizations/argrename.py`).
        ("sns", "Subscribe", "NotificationEndpoint"),
        // `aws ec2 run-instances --count N|MIN:MAX` stands for the API's MinCount and MaxCount
        // (awscli's `customizations/ec2/addcount.py`).
        ("ec2", "RunInstances", "Count"),
        // `aws s3api get-object ... OUTFILE`: the positional file the streamed body is saved to
        // (awscli's `customizations/streamingoutputarg.py`).
        ("s3api", "GetObject", "outfile"),
        // `aws lambda create-function --zip-file fileb://PATH` is hoisted into `Code.ZipFile`
        // (awscli's `customizations/awslambda.py`).
        ("lambda", "CreateFunction", "ZipFile"),
    ];

    /// Every operation rootsim models is one of AWS's, as botocore's model names it, and every
    /// parameter of its table a member of the operation's input; every limit key of a paginated
    /// operation is an integer member (what `--page-size` and `--max-items` parse as).
    #[test]
    fn the_operation_tables_name_what_aws_models() {
        let mut problems = Vec::new();
        for service in crate::registry::services() {
            let model = service_model(service);
            for op in crate::registry::operations(service) {
                let Some(spec) = model["operations"].get(op.name) else {
                    problems.push(format!("{service} {}: no such operation", op.name));
                    continue;
                };
                let input = spec["input"]["shape"].as_str().map(|s| &model["shapes"][s]["members"]);
                for p in op.params {
                    // The CLI option is what must match (CloudTrail's members are lowerCamel:
                    // `trailNameList` is `--trail-name-list` too).
                    let option = kebab(p.name);
                    let member = input.and_then(Value::as_object).is_some_and(|m| m.keys().any(|k| kebab(k) == option));
                    if !member && !CLI_ONLY.contains(&(service, op.name, p.name)) {
                        problems.push(format!("{service} {} --{}: no such member", op.name, kebab(p.name)));
                    }
                }
                if let (Some(pg), Some(members)) = (paginator(service, op.name), input) {
                    if let Some(limit) = &pg.limit_key {
                        let shape = members[limit]["shape"].as_str().unwrap_or("");
                        let kind = model["shapes"][shape]["type"].as_str().unwrap_or("");
                        if kind != "integer" && kind != "long" {
                            problems.push(format!("{service} {}: limit {limit} is {kind}", op.name));
                        }
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    }

    #[test]
    fn tokens_round_trip_and_refuse_others() {
        let op = crate::registry::find("iam", "list-users").unwrap();
        let other = crate::registry::find("iam", "list-roles").unwrap();
        let t = service_token(op, 42);
        assert_eq!(token_offset(op, &t), Some(42));
        assert_eq!(token_offset(other, &t), None);
        assert_eq!(token_offset(op, "garbage"), None);
    }

    /// Expected strings from Python 3.11's `base64.b64encode` / `b64decode` on the same input.
    #[test]
    fn base64_reads_and_writes_as_python_does() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"a"), "YQ==");
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert_eq!(base64_encode(b"abc"), "YWJj");
        assert_eq!(
            base64_encode(br#"{"Marker": null, "boto_truncate_amount": 10}"#),
            "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxMH0="
        );
        assert_eq!(base64_decode("YQ==").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64_decode("YW I=").as_deref(), Some(&b"ab"[..]));
        assert_eq!(base64_decode("YWJj").as_deref(), Some(&b"abc"[..]));
        // b64decode raises binascii.Error (Incorrect padding) on these.
        assert_eq!(base64_decode("YQ"), None);
        assert_eq!(base64_decode("YQ="), None);
        assert_eq!(base64_decode("garbage"), None);
        assert_eq!(base64_decode("Y"), None);
    }
}
