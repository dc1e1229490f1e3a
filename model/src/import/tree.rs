//! The JSON tree the importer reads files into: what `serde_json::Value` (with `preserve_order`)
//! would hold, read faster and in less memory.
//!
//! Owns one thing: a file's JSON as a tree that borrows its strings from the file's text (a
//! string with an escape is the only one copied) and keeps each object's entries as a list in
//! the order written, where `Value` allocates every string and hashes every key into an
//! `IndexMap`. Profiling the import (docs/performance.md, "Import at scale, streaming") put most
//! of its time in building `Value` trees. Everything the importer asks of a tree answers as
//! `Value` answers it, so that an import reads the same estate the same way:
//!
//! - a key written twice is one entry, at the place of its first writing, holding its last value
//!   (`IndexMap::insert`): [`Json::get`] finds the last, [`Json::keys`] lists each key once;
//! - numbers are `serde_json::Number`s read by the same visitor calls, and a tree prints
//!   (`serde_json::to_string`) as the `Value` would: the text of a policy document that the CLI
//!   prints as an object is the same, byte for byte;
//! - syntax errors are serde_json's own (the deserializer, not the tree, finds them).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Number;
use std::borrow::Cow;
use std::fmt;

/// A JSON value borrowing its strings from the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json<'t> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as `serde_json` reads it.
    Number(Number),
    /// A string: borrowed unless it had an escape.
    String(Cow<'t, str>),
    /// An array.
    Array(Vec<Json<'t>>),
    /// An object's entries in the order written, repeats included (see the module's notes).
    Object(Vec<(Cow<'t, str>, Json<'t>)>),
}

/// `Null`, for lookups that find nothing.
pub(crate) static NULL: Json<'static> = Json::Null;

impl<'t> Json<'t> {
    /// The value of `key` in an object (the last one written, as `Value` keeps it).
    pub(crate) fn get(&self, key: &str) -> Option<&Json<'t>> {
        match self {
            Json::Object(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Takes the value of `key` out of an object, leaving `Null` there (`Value::take`).
    pub(crate) fn take(&mut self, key: &str) -> Option<Json<'t>> {
        match self {
            Json::Object(entries) => {
                entries.iter_mut().rev().find(|(k, _)| k == key).map(|(_, v)| std::mem::replace(v, Json::Null))
            }
            _ => None,
        }
    }

    /// The string, if this is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub(crate) fn as_array(&self) -> Option<&[Json<'t>]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as a `u64`, if it is a non-negative integer (`Value::as_u64`).
    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// Whether this is an object.
    pub(crate) fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    /// An object's keys, each once, in the order of their first writing (`Value`'s keys); none
    /// for anything else.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        let entries: &[(Cow<'t, str>, Json<'t>)] = match self {
            Json::Object(entries) => entries,
            _ => &[],
        };
        entries.iter().enumerate().filter(move |(i, (k, _))| first(entries, *i, k)).map(|(_, (k, _))| k.as_ref())
    }

    /// The compact JSON text, as `Value`'s `to_string` prints it.
    pub(crate) fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Whether entry `i` is the first writing of its key.
fn first(entries: &[(Cow<'_, str>, Json<'_>)], i: usize, key: &str) -> bool {
    !entries[..i].iter().any(|(k, _)| k == key)
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n.serialize(s),
            Json::String(t) => s.serialize_str(t),
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(entries) => {
                let mut map = s.serialize_map(None)?;
                for (i, (k, _)) in entries.iter().enumerate() {
                    // A repeated key: printed once, where first written, with its last value.
                    if first(entries, i, k) {
                        let last = entries.iter().rev().find(|(other, _)| other == k).map_or(&NULL, |(_, v)| v);
                        map.serialize_entry(k.as_ref(), last)?;
                    }
                }
                map.end()
            }
        }
    }
}

/// A string read as borrowed when the text allows it.
struct Str<'t>(Cow<'t, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
}

/// Builds a [`Json`] from whatever the deserializer finds, as `Value`'s visitor does.
struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(n.into()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Json<'de>, E> {
        Ok(Number::from_f64(n).map_or(Json::Null, Json::Number))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(s.to_string())))
    }
    fn visit_string<E>(self, s: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(s)))
    }
    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json<'de>, D::Error> {
        Json::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        // serde_json gives no size hint: room for the eight entries that most objects of a
        // dump fit in (an IAM item has up to fourteen) saves the growth from one to four to eight.
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(Str(key)) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Json::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Reads `text` both ways: the same error, or the same printed text and the same answers.
    fn same(text: &str) {
        let value = serde_json::from_str::<Value>(text);
        let tree = serde_json::from_str::<Json>(text);
        match (value, tree) {
            (Ok(v), Ok(t)) => {
                assert_eq!(v.to_string(), t.to_text(), "{text}");
                assert_eq!(v.is_object(), t.is_object());
                if let Some(obj) = v.as_object() {
                    assert_eq!(obj.keys().map(String::as_str).collect::<Vec<_>>(), t.keys().collect::<Vec<_>>());
                    for k in obj.keys() {
                        assert_eq!(obj[k].to_string(), t.get(k).unwrap().to_text());
                    }
                }
            }
            (Err(v), Err(t)) => assert_eq!(v.to_string(), t.to_string(), "{text}"),
            (v, t) => panic!("{text}: Value {v:?}, tree {t:?}"),
        }
    }

    #[test]
    fn reads_as_serde_json_value_reads() {
        for text in [
            r#"{"b": 1, "a": [true, null, -2, 3.5e3, "x\u00e9\n\"/"], "c": {}}"#,
            r#"{"a": 1, "b": 2, "a": {"z": 1}}"#,
            r#"{"k": "v", "k": "w", "k": 3}"#,
            r#"[1, 2"#,
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            "\"text\" trailing",
            r#"18446744073709551616"#,
            r#"-0.0"#,
            "",
            "{\"a\": \"\\ud800\"}",
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericLessThan": {"k": 1.50}}}]}"#,
        ] {
            same(text);
        }
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let text = r#"{"plain": "abc", "escaped": "a\"b"}"#;
        let tree: Json = serde_json::from_str(text).unwrap();
        assert!(matches!(tree.get("plain"), Some(Json::String(Cow::Borrowed("abc")))));
        assert!(matches!(tree.get("escaped"), Some(Json::String(Cow::Owned(s))) if s == "a\"b"));
    }
}
