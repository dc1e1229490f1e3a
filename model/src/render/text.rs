//! `--output text`: the AWS CLI's tab-separated lines.
//!
//! An object prints its scalar values on one line, keys sorted, after the upper-cased name of the
//! key that holds it (none at the top); then each of its lists and objects, keys sorted, under its
//! key's name. A list of objects prints one line per object with the sorted union of the scalar
//! keys of them all (a missing key is an empty column). A list of scalars prints on one line at the
//! top, or one `NAME\tvalue` line per value under a key. Values are written as Python's `str()`
//! writes them (`True`, `None`).

use super::{is_scalar, py_str};
use serde_json::{Map, Value};

/// `value` as `--output text` prints it (each line ends with a line break).
pub fn format(value: &Value) -> String {
    let mut out = String::new();
    item(value, None, None, &mut out);
    out
}

fn item(value: &Value, name: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    match value {
        Value::Object(map) => object(map, name, scalar_keys, out),
        Value::Array(items) => list(items, name, out),
        scalar => {
            out.push_str(&py_str(scalar));
            out.push('\n');
        }
    }
}

fn list(items: &[Value], name: Option<&str>, out: &mut String) {
    if items.is_empty() {
        return;
    }
    if items.iter().any(Value::is_object) {
        let mut keys: Vec<String> = items
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|m| m.iter().filter(|(_, v)| is_scalar(v)).map(|(k, _)| k.clone()))
            .collect();
        keys.sort();
        keys.dedup();
        for element in items {
            item(element, name, Some(&keys), out);
        }
    } else if items.iter().any(Value::is_array) {
        let scalars: Vec<&Value> = items.iter().filter(|v| is_scalar(v)).collect();
        if !scalars.is_empty() {
            scalar_list(&scalars, name, out);
        }
        for nested in items.iter().filter(|v| !is_scalar(v)) {
            item(nested, name, None, out);
        }
    } else {
        scalar_list(&items.iter().collect::<Vec<_>>(), name, out);
    }
}

fn scalar_list(items: &[&Value], name: Option<&str>, out: &mut String) {
    match name {
        Some(name) => {
            for v in items {
                out.push_str(&format!("{}\t{}\n", name.to_uppercase(), py_str(v)));
            }
        }
        None => {
            out.push_str(&items.iter().map(|v| py_str(v)).collect::<Vec<_>>().join("\t"));
            out.push('\n');
        }
    }
}

fn object(map: &Map<String, Value>, name: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    let mut columns = Vec::new();
    let mut nested: Vec<(&String, &Value)> = Vec::new();
    match scalar_keys {
        None => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (k, v) in entries {
                if is_scalar(v) {
                    columns.push(py_str(v));
                } else {
                    nested.push((k, v));
                }
            }
        }
        Some(keys) => {
            for k in keys {
                columns.push(map.get(k).map(py_str).unwrap_or_default());
            }
            let mut rest: Vec<(&String, &Value)> = map.iter().filter(|(k, _)| !keys.contains(k)).collect();
            rest.sort_by(|a, b| a.0.cmp(b.0));
            nested = rest;
        }
    }
    if !columns.is_empty() {
        if let Some(name) = name {
            columns.insert(0, name.to_uppercase());
        }
        out.push_str(&columns.join("\t"));
        out.push('\n');
    }
    for (k, v) in nested {
        item(v, Some(k), None, out);
    }
}

/// Expectations printed by the AWS CLI's own text formatter (`awscli.text.format_text`, which v1
/// and v2 share) on these inputs.
#[cfg(test)]
mod tests {
    use super::format;
    use serde_json::json;

    #[test]
    fn a_list_of_users_is_one_line_each_under_its_key() {
        let v = json!({"Users": [
            {"Path": "/", "UserName": "alice", "UserId": "AIDA1", "Arn": "arn:aws:iam::1:user/alice", "CreateDate": "2026-01-01T00:00:00+00:00"},
            {"Path": "/", "UserName": "bob", "UserId": "AIDA2", "Arn": "arn:aws:iam::1:user/bob", "CreateDate": "2026-01-02T00:00:00+00:00", "Tags": [{"Key": "team", "Value": "red"}]}
        ], "IsTruncated": false});
        assert_eq!(
            format(&v),
            "False\n\
             USERS\tarn:aws:iam::1:user/alice\t2026-01-01T00:00:00+00:00\t/\tAIDA1\talice\n\
             USERS\tarn:aws:iam::1:user/bob\t2026-01-02T00:00:00+00:00\t/\tAIDA2\tbob\n\
             TAGS\tteam\tred\n"
        );
    }

    #[test]
    fn scalars_lists_and_nested_lists() {
        assert_eq!(format(&json!(["alice", "bob"])), "alice\tbob\n");
        assert_eq!(format(&json!("alice")), "alice\n");
        assert_eq!(format(&json!(null)), "None\n");
        assert_eq!(format(&json!({"Names": ["a", "b"], "Count": 2})), "2\nNAMES\ta\nNAMES\tb\n");
        assert_eq!(format(&json!([["a", "b"], ["c"], "d"])), "d\na\tb\nc\n");
        assert_eq!(format(&json!({"L": [["a", "b"], "c"]})), "L\tc\nL\ta\nL\tb\n");
        assert_eq!(format(&json!([])), "");
        assert_eq!(format(&json!({})), "");
    }

    #[test]
    fn lists_of_objects_share_their_columns() {
        let v = json!([{"a": 1, "b": {"c": true}}, {"d": "x"}]);
        assert_eq!(format(&v), "1\t\nB\tTrue\n\tx\n");
        let v = json!({"Account": {"Id": "1", "Name": "m"}, "Tags": []});
        assert_eq!(format(&v), "ACCOUNT\t1\tm\n");
    }
}
