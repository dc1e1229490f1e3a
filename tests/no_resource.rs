//! Actions that take no resource are decided against `*` (issue 19, rule EVAL-NO-RESOURCE-STAR).
//!
//! AWS's Service Authorization Reference lists, for every action, the resource types it can be
//! granted on; an action with none (`s3:ListAllMyBuckets`, `kms:CreateKey`, `sqs:ListQueues`...)
//! can be allowed only by
//! `"Resource": "*"`, and the request is decided against `*`. This walks every operation of every
//! service's table, runs it once in the demo world as its administrator with placeholder values
//! for its required parameters, and checks every authorization the call recorded: each one for an
//! action the catalogue says takes no resource must name `*` as its resource.

use rootsim_model::command::Session;
use rootsim_model::registry;
use rootsim_model::service::{kebab, Operation, Shape};

/// A command line for `op` with a placeholder for each required parameter; `None` when one has
/// a shape no placeholder fits (the operation is then run by no line, and counted as skipped).
fn command_line(op: &Operation) -> Option<String> {
    let mut line = format!("aws {} {}", op.service, op.cli_name());
    for p in op.params.iter().filter(|p| p.required) {
        let value = match p.shape {
            Shape::String | Shape::StringList => "placeholder1".to_string(),
            Shape::Integer => "1".to_string(),
            Shape::Boolean => String::new(),
            Shape::Document => {
                r#"'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'"#
                    .to_string()
            }
            Shape::Tags => "Key=k,Value=v".to_string(),
            Shape::Map => "DelaySeconds=0".to_string(),
            Shape::BlobValue => "aGVsbG8=".to_string(),
            Shape::Structure(_) | Shape::StructureList(_) | Shape::Blob => return None,
        };
        line.push_str(&format!(" --{} {value}", kebab(p.name)));
    }
    Some(line)
}

/// The five actions rootsim decides against a resource though the catalogue lists none (rule
/// EVAL-NO-RESOURCE-STAR, a simulator assumption).
use rootsim_catalogue::AUTHORIZED_AGAINST_A_RESOURCE;

#[test]
fn actions_that_take_no_resource_are_decided_against_star() {
    let mut checked = std::collections::BTreeSet::new();
    let mut wrong = Vec::new();
    for op in registry::all() {
        let Some(line) = command_line(op) else { continue };
        let mut s = Session::demo(2026);
        let _ = s.run(&line);
        let Some(last) = &s.last else { continue };
        for r in &last.auth {
            if rootsim_catalogue::takes_no_resource(&r.action) != Some(true) {
                continue;
            }
            checked.insert(r.action.clone());
            if r.resource != "*" && !AUTHORIZED_AGAINST_A_RESOURCE.contains(&r.action.as_str()) {
                wrong.push(format!("{line}: {} decided against {}", r.action, r.resource));
            }
        }
    }
    assert!(wrong.is_empty(), "actions that take no resource decided against a resource:\n{}", wrong.join("\n"));
    // The walk must reach them: the demo world's administrator runs these without any resource.
    for action in ["s3:ListAllMyBuckets", "kms:CreateKey", "sqs:ListQueues", "organizations:DescribeOrganization"]
        .into_iter()
        .chain(AUTHORIZED_AGAINST_A_RESOURCE)
    {
        assert!(checked.contains(action), "{action} was never authorized by the walk; checked: {checked:?}");
    }
}
