//! IAM's policy simulator: `SimulatePrincipalPolicy` and `SimulateCustomPolicy`.
//!
//! Both ask the same policy engine as every call, for each action and resource given, and print
//! AWS's `EvaluationResults` shape: the decision (`allowed`, `explicitDeny`, `implicitDeny`), the
//! statements that matched with their positions in the document, missing context keys, and
//! whether Organizations and the permissions boundary allowed.

use crate::auth::{identity_policies, PolicySource};
use crate::error::{policy_error, AwsError, AwsResult};
use crate::iam::key;
use crate::service::{opt_str, req_str, Call};
use rootsim_policy::arn;
use rootsim_policy::{
    self, Context, Decision, Layer, NamedPolicy, Outcome, Policy, PolicyKind, PolicySet, Principal, PrincipalKind,
    Request,
};
use serde_json::{json, Map, Value};

type Input = Map<String, Value>;

/// A policy as the simulator reports it: its ID and type in AWS's terms, and its document.
struct Source<'a> {
    id: String,
    kind: &'static str,
    name: String,
    policy: &'a Policy,
}

fn strings(input: &Input, name: &str) -> Vec<String> {
    input
        .get(name)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn parse_all(texts: &[String], kind: PolicyKind) -> AwsResult<Vec<Policy>> {
    texts.iter().map(|t| Policy::parse(t, kind).map_err(policy_error)).collect()
}

/// `ContextEntries`: `[{ContextKeyName, ContextKeyValues, ContextKeyType}]`.
fn context_entries(input: &Input, ctx: &mut Context) -> AwsResult<()> {
    for e in input.get("ContextEntries").and_then(Value::as_array).into_iter().flatten() {
        let name = e
            .get("ContextKeyName")
            .and_then(Value::as_str)
            .ok_or_else(|| AwsError::invalid_input("Context entry is missing ContextKeyName."))?;
        let values: Vec<String> = match e.get("ContextKeyValues") {
            Some(Value::Array(a)) => {
                a.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect()
            }
            Some(Value::String(s)) => s.split(',').map(str::to_string).collect(),
            _ => Vec::new(),
        };
        let ty = e.get("ContextKeyType").and_then(Value::as_str).unwrap_or("string");
        const TYPES: &[&str] = &[
            "string",
            "stringList",
            "numeric",
            "numericList",
            "boolean",
            "booleanList",
            "ip",
            "ipList",
            "binary",
            "binaryList",
            "date",
            "dateList",
        ];
        if !TYPES.contains(&ty) {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{ty}' at 'contextEntries.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                TYPES.join(", ")
            )));
        }
        if ty.ends_with("List") {
            ctx.insert_multi(name, values);
        } else if let Some(v) = values.into_iter().next() {
            ctx.insert(name, v);
        }
    }
    Ok(())
}

/// The line and column just past the statement object that starts at (line, column).
fn statement_end(text: &str, line: usize, column: usize) -> (usize, usize) {
    let mut chars = text.chars().peekable();
    let (mut l, mut c) = (1, 1);
    while (l, c) < (line, column) {
        match chars.next() {
            Some('\n') => {
                l += 1;
                c = 1;
            }
            Some(_) => c += 1,
            None => return (l, c),
        }
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for ch in chars {
        match ch {
            '\n' => {
                l += 1;
                c = 1;
                continue;
            }
            _ if in_string => {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == '"' {
                    in_string = false;
                }
            }
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (l, c + 1);
                }
            }
            _ => {}
        }
        c += 1;
    }
    (l, c)
}

fn decision_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Allowed => "allowed",
        Outcome::ExplicitlyDenied => "explicitDeny",
        Outcome::ImplicitlyDenied => "implicitDeny",
    }
}

/// Everything that stays the same across the (action, resource) pairs of one simulation.
struct Simulation<'a> {
    principal: Principal,
    identity: Vec<Source<'a>>,
    boundary: Option<Source<'a>>,
    resource_policy: Option<Policy>,
    resource_owner: Option<String>,
    scps: Option<Vec<Vec<(String, &'a Policy)>>>,
    context: Context,
}

impl Simulation<'_> {
    fn run(&self, actions: &[String], resources: &[String]) -> Value {
        let identity: Vec<NamedPolicy> =
            self.identity.iter().map(|s| NamedPolicy { name: &s.name, policy: s.policy }).collect();
        let scp_named: Option<Vec<Vec<NamedPolicy>>> = self
            .scps
            .as_ref()
            .map(|ls| ls.iter().map(|l| l.iter().map(|(n, p)| NamedPolicy { name: n, policy: p }).collect()).collect());
        let scp_slices: Option<Vec<&[NamedPolicy]>> = scp_named.as_ref().map(|l| l.iter().map(Vec::as_slice).collect());
        let set = PolicySet {
            scps: scp_slices.as_deref(),
            rcps: None,
            resource: self.resource_policy.as_ref().map(|p| NamedPolicy { name: "ResourcePolicy", policy: p }),
            resource_must_allow: false,
            identity: &identity,
            boundary: self.boundary.as_ref().map(|s| NamedPolicy { name: &s.name, policy: s.policy }),
            session: &[],
            task: None,
        };
        let mut results = Vec::new();
        for action in actions {
            for resource in resources {
                let resource_account = self
                    .resource_owner
                    .clone()
                    .or_else(|| arn::account_of(resource).map(str::to_string))
                    .or_else(|| Some(self.principal.account.clone()));
                let mut context = self.context.clone();
                if let Some(ra) = &resource_account {
                    if context.get("aws:ResourceAccount").is_none() {
                        context.insert("aws:ResourceAccount", ra.as_str());
                    }
                }
                let req = Request {
                    principal: &self.principal,
                    action,
                    resource,
                    resource_account: resource_account.as_deref(),
                    context: &context,
                };
                let d = rootsim_policy::evaluate(&req, &set);
                results.push(self.result(action, resource, &d));
            }
        }
        json!({ "EvaluationResults": results })
    }

    fn result(&self, action: &str, resource: &str, d: &Decision) -> Value {
        let mut matched = Vec::new();
        for m in d.matched.iter().filter(|m| matches!(m.layer, Layer::Identity | Layer::Boundary | Layer::Resource)) {
            let (id, kind, policy) = match m.layer {
                Layer::Resource => ("ResourcePolicy".to_string(), "resource", self.resource_policy.as_ref()),
                _ => match self.identity.iter().chain(self.boundary.iter()).find(|s| s.name == m.policy) {
                    Some(s) => (s.id.clone(), s.kind, Some(s.policy)),
                    None => continue,
                },
            };
            let mut stmt = Map::new();
            stmt.insert("SourcePolicyId".into(), json!(id));
            stmt.insert("SourcePolicyType".into(), json!(kind));
            if let Some((line, column)) = policy.and_then(|p| p.statement_position(m.index)) {
                let (el, ec) = statement_end(policy.map_or("", Policy::text), line, column);
                stmt.insert("StartPosition".into(), json!({"Line": line, "Column": column}));
                stmt.insert("EndPosition".into(), json!({"Line": el, "Column": ec}));
            }
            matched.push(Value::Object(stmt));
        }
        let mut v = Map::new();
        v.insert("EvalActionName".into(), json!(action));
        v.insert("EvalResourceName".into(), json!(resource));
        v.insert("EvalDecision".into(), json!(decision_name(d.outcome)));
        v.insert("MatchedStatements".into(), Value::Array(matched));
        v.insert("MissingContextValues".into(), json!(d.missing_context));
        if self.scps.is_some() {
            let blocked = d.outcome != Outcome::Allowed && d.decided_by.contains(&Layer::Scp);
            v.insert("OrganizationsDecisionDetail".into(), json!({ "AllowedByOrganizations": !blocked }));
        }
        if self.boundary.is_some() {
            let blocked = d.outcome != Outcome::Allowed && d.decided_by.contains(&Layer::Boundary);
            v.insert("PermissionsBoundaryDecisionDetail".into(), json!({ "AllowedByPermissionsBoundary": !blocked }));
        }
        if self.resource_policy.is_some() {
            v.insert("EvalDecisionDetails".into(), json!({ "IAM Policy": decision_name(d.outcome) }));
        }
        Value::Object(v)
    }
}

fn managed_source<'a>(name: String, policy: &'a Policy) -> Source<'a> {
    let kind = if name.starts_with("arn:aws:iam::aws:") { "aws-managed" } else { "user-managed" };
    let id = name.rsplit('/').next().unwrap_or(&name).to_string();
    Source { id, kind, name, policy }
}

fn inline_source<'a>(name: String, policy: &'a Policy) -> Source<'a> {
    // Names look like "Policy (inline policy of user bob)".
    let kind = if name.contains("of user ") {
        "user"
    } else if name.contains("of group ") {
        "group"
    } else {
        "role"
    };
    let id = name.split(" (inline").next().unwrap_or(&name).to_string();
    Source { id, kind, name, policy }
}

fn input_sources(inputs: &[Policy], prefix: &str) -> Vec<(String, Policy)> {
    inputs.iter().enumerate().map(|(i, p)| (format!("{prefix}.{}", i + 1), p.clone())).collect()
}

/// The parameters both operations share.
struct Common {
    actions: Vec<String>,
    resources: Vec<String>,
    resource_policy: Option<Policy>,
    owner: Option<String>,
}

/// Reads the parameters shared by both operations.
fn common(input: &Input) -> AwsResult<Common> {
    let actions = strings(input, "ActionNames");
    if actions.is_empty() {
        return Err(AwsError::validation("1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null"));
    }
    let mut resources = strings(input, "ResourceArns");
    if resources.is_empty() {
        resources.push("*".into());
    }
    let resource_policy = match opt_str(input, "ResourcePolicy") {
        Some(t) => Some(Policy::parse(t, PolicyKind::Resource).map_err(policy_error)?),
        None => None,
    };
    let owner = opt_str(input, "ResourceOwner").map(|o| arn::account_of(o).unwrap_or(o).to_string());
    Ok(Common { actions, resources, resource_policy, owner })
}

/// `aws iam simulate-principal-policy`.
pub fn simulate_principal_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    let source_arn = req_str(input, "PolicySourceArn")?;
    call.authorize("iam:SimulatePrincipalPolicy", source_arn)?;
    let Common { actions, resources, resource_policy, owner } = common(input)?;
    let extra = parse_all(&strings(input, "PolicyInputList"), PolicyKind::Identity)?;
    let boundary_inputs = parse_all(&strings(input, "PermissionsBoundaryPolicyInputList"), PolicyKind::Boundary)?;

    let parsed = arn::Arn::parse(source_arn).filter(|a| a.service == "iam");
    let invalid =
        || AwsError::invalid_input(format!("Invalid ARN: {source_arn}. The ARN must identify a user, group or role."));
    let a = parsed.ok_or_else(invalid)?;
    let (kind, name) = a.resource.split_once('/').ok_or_else(invalid)?;
    let name = name.rsplit('/').next().unwrap_or(name);
    let account = a.account.to_string();
    let world = &*call.world;
    let iam = world
        .iam
        .account(&account)
        .ok_or_else(|| AwsError::no_such_entity(format!("The entity {source_arn} cannot be found.")))?;
    let k = key(name);
    // A group's policies are simulated as a user's would be: a group is never a caller itself.
    let as_user = || Principal {
        kind: PrincipalKind::User,
        arn: source_arn.to_string(),
        principal_arn: source_arn.to_string(),
        account: account.clone(),
        service_linked_role: false,
    };
    let (source, principal) = match kind {
        "user" if iam.users.contains_key(&k) => (PolicySource::User(&k), as_user()),
        "group" if iam.groups.contains_key(&k) => (PolicySource::Group(&k), as_user()),
        "role" if iam.roles.contains_key(&k) => (
            PolicySource::Role(&k),
            Principal {
                kind: PrincipalKind::AssumedRole,
                arn: arn::assumed_role(&account, name, "simulation"),
                principal_arn: source_arn.to_string(),
                account: account.clone(),
                service_linked_role: false,
            },
        ),
        "user" | "group" | "role" => {
            return Err(AwsError::no_such_entity(format!("The {kind} with name {name} cannot be found.")))
        }
        _ => return Err(invalid()),
    };
    let (named, boundary) = identity_policies(iam, &source);
    let extra = input_sources(&extra, "PolicyInputList");
    let boundary_inputs = input_sources(&boundary_inputs, "PermissionsBoundaryPolicyInputList");
    let mut identity: Vec<Source> = named
        .into_iter()
        .map(|(n, p)| if n.starts_with("arn:") { managed_source(n, p) } else { inline_source(n, p) })
        .collect();
    identity.extend(extra.iter().map(|(n, p)| Source {
        id: n.clone(),
        kind: "IAM Policy",
        name: n.clone(),
        policy: p,
    }));
    let boundary = match boundary_inputs.first() {
        Some((n, p)) => Some(Source { id: n.clone(), kind: "IAM Policy", name: n.clone(), policy: p }),
        None => boundary.map(|(n, p)| managed_source(n, p)),
    };
    let mut context = call.authorizer.context_for_principal(world, &principal, &call.region);
    if let PolicySource::User(_) = source {
        context.insert("aws:username", name);
    }
    context_entries(input, &mut context)?;
    let scps = world.organizations.of_account(&account).and_then(|o| o.levels(&account, "SERVICE_CONTROL_POLICY"));
    let sim = Simulation { principal, identity, boundary, resource_policy, resource_owner: owner, scps, context };
    Ok(sim.run(&actions, &resources))
}

/// `aws iam simulate-custom-policy`.
pub fn simulate_custom_policy(call: &mut Call, input: &Input) -> AwsResult<Value> {
    call.authorize("iam:SimulateCustomPolicy", "*")?;
    let texts = strings(input, "PolicyInputList");
    if texts.is_empty() {
        return Err(AwsError::validation("1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null"));
    }
    let Common { actions, resources, resource_policy, owner } = common(input)?;
    let inputs = input_sources(&parse_all(&texts, PolicyKind::Identity)?, "PolicyInputList");
    let boundary_inputs = input_sources(
        &parse_all(&strings(input, "PermissionsBoundaryPolicyInputList"), PolicyKind::Boundary)?,
        "PermissionsBoundaryPolicyInputList",
    );
    let principal = match opt_str(input, "CallerArn") {
        Some(c) => rootsim_policy::request::principal_from(c).map_err(|e| AwsError::invalid_input(e.0))?,
        None => call.caller.principal.clone(),
    };
    let mut context = call.authorizer.context_for_principal(call.world, &principal, &call.region);
    context_entries(input, &mut context)?;
    let identity =
        inputs.iter().map(|(n, p)| Source { id: n.clone(), kind: "IAM Policy", name: n.clone(), policy: p }).collect();
    let boundary =
        boundary_inputs.first().map(|(n, p)| Source { id: n.clone(), kind: "IAM Policy", name: n.clone(), policy: p });
    let sim = Simulation { principal, identity, boundary, resource_policy, resource_owner: owner, scps: None, context };
    Ok(sim.run(&actions, &resources))
}

#[cfg(test)]
mod tests {
    #[test]
    fn statement_ends_balance_brackets_and_skip_strings() {
        let text = "{\n  \"Statement\": [\n    {\"Sid\": \"a}\", \"Action\": [\"x\"]}\n  ]\n}";
        // The statement's closing brace is the 34th character of line 3; the end is just past it.
        assert_eq!(super::statement_end(text, 3, 5), (3, 35));
    }
}
