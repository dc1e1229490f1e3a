//! Rewriting a stored document's principals in place.
//!
//! IAM rewrites the documents that name a user or role when it is deleted: the ARN in each
//! `Principal` becomes the principal's unique ID, and the rest of the document stays as the
//! customer wrote it. This module owns that edit on the text: it finds the `AWS` principal
//! values through the position-keeping JSON reader and splices in the replacements, so that key
//! order, whitespace and every other value are untouched. Deciding what to replace is the
//! caller's ([`crate::Policy::replace_aws_principals`]).

use super::json::{self, Json, JsonValue, Pos};

/// `text` with each `AWS` principal string (in a `Principal` or `NotPrincipal` of any statement)
/// that `replace` maps replaced by its image, written as a JSON string; `None` when `text` is not
/// a readable document or `replace` maps no value.
pub(crate) fn replace_aws_principals(text: &str, mut replace: impl FnMut(&str) -> Option<String>) -> Option<String> {
    let root = json::parse(text).ok()?;
    let JsonValue::Object(top) = &root.value else { return None };
    let mut edits: Vec<(Pos, String)> = Vec::new();
    for statement in top.iter().filter(|m| m.key == "Statement") {
        let statements: Vec<&Json> = match &statement.value.value {
            JsonValue::Array(items) => items.iter().collect(),
            _ => vec![&statement.value],
        };
        for st in statements {
            let JsonValue::Object(members) = &st.value else { continue };
            for principal in members.iter().filter(|m| m.key == "Principal" || m.key == "NotPrincipal") {
                let JsonValue::Object(groups) = &principal.value.value else { continue };
                for aws in groups.iter().filter(|g| g.key == "AWS") {
                    let values: Vec<&Json> = match &aws.value.value {
                        JsonValue::Array(items) => items.iter().collect(),
                        _ => vec![&aws.value],
                    };
                    for v in values {
                        if let JsonValue::String(s) = &v.value {
                            if let Some(new) = replace(s) {
                                edits.push((v.pos, new));
                            }
                        }
                    }
                }
            }
        }
    }
    if edits.is_empty() {
        return None;
    }
    let starts = line_starts(text);
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    // The reader visits values in document order, so the edits are in text order.
    for (pos, new) in edits {
        let start = offset(text, &starts, pos)?;
        let end = string_end(text, start)?;
        if start < done {
            return None;
        }
        out.push_str(&text[done..start]);
        out.push_str(&serde_json::to_string(&new).ok()?);
        done = end;
    }
    out.push_str(&text[done..]);
    Some(out)
}

/// The byte offset where each line starts (the reader counts lines at `\n`).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

/// The byte offset of a 1-based (line, column in characters) position.
fn offset(text: &str, starts: &[usize], pos: Pos) -> Option<usize> {
    let line = *starts.get(pos.line.checked_sub(1)?)?;
    let (i, _) = text[line..].char_indices().nth(pos.column.checked_sub(1)?)?;
    Some(line + i)
}

/// The byte offset just past the JSON string token that opens at `start` (its closing quote
/// included), skipping escaped characters.
fn string_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::replace_aws_principals;

    fn bob_to_id(s: &str) -> Option<String> {
        (s == "arn:aws:iam::111122223333:user/bob").then(|| "AIDAEXAMPLEBOB0000001".to_string())
    }

    #[test]
    fn only_the_named_aws_principals_change_and_the_rest_stays_as_written() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [\"arn:aws:iam::111122223333:root\", \"arn:aws:iam::111122223333:user/bob\"], \"Service\": \"arn:aws:iam::111122223333:user/bob\"}, \"Action\": \"sts:AssumeRole\",\n     \"Condition\": {\"StringEquals\": {\"aws:PrincipalArn\": \"arn:aws:iam::111122223333:user/bob\"}}},\n    {\"Effect\": \"Deny\", \"NotPrincipal\": {\"AWS\": \"arn:aws:iam::111122223333:user/bob\"}, \"Action\": \"sts:AssumeRole\"}\n  ]\n}";
        let out = replace_aws_principals(text, bob_to_id).unwrap();
        let expected =
            text.replacen("\"arn:aws:iam::111122223333:user/bob\"]", "\"AIDAEXAMPLEBOB0000001\"]", 1).replacen(
                "\"NotPrincipal\": {\"AWS\": \"arn:aws:iam::111122223333:user/bob\"}",
                "\"NotPrincipal\": {\"AWS\": \"AIDAEXAMPLEBOB0000001\"}",
                1,
            );
        assert_eq!(out, expected);
        // The Service principal and the condition value are no AWS principals: untouched.
        assert_eq!(out.matches("arn:aws:iam::111122223333:user/bob").count(), 2);
    }

    #[test]
    fn positions_count_characters_and_escapes_are_skipped() {
        // A non-ASCII Sid before the principal (columns are characters, not bytes), a single
        // statement object, and an escaped slash in the value being replaced.
        let text = r#"{"Statement":{"Sid":"été","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user\/bob"},"Action":"s3:*","Resource":"*"}}"#;
        let out = replace_aws_principals(text, bob_to_id).unwrap();
        assert_eq!(
            out,
            r#"{"Statement":{"Sid":"été","Effect":"Allow","Principal":{"AWS":"AIDAEXAMPLEBOB0000001"},"Action":"s3:*","Resource":"*"}}"#
        );
    }

    #[test]
    fn nothing_to_replace_or_no_document_gives_none() {
        let text = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#;
        assert_eq!(replace_aws_principals(text, bob_to_id), None);
        assert_eq!(replace_aws_principals("{not json", bob_to_id), None);
        assert_eq!(replace_aws_principals("[1]", bob_to_id), None);
    }
}
