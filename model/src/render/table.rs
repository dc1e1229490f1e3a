//! `--output table`: the AWS CLI's boxes, titled by the operation's API name.
//!
//! The response is read into sections: an object's scalar keys (sorted) are a header row and a
//! value row (one scalar key: a `key | value` row), each of its lists and objects a section below
//! it, one level further in; a list of objects is one header row (the sorted union of their scalar
//! keys) and a row per object, repeated per object when they hold lists or objects; a list of
//! scalars is one column. Every section is as wide as the widest (its columns scaled to fit, with
//! Python's rounding), nested sections framed by `|` on each side; when the widest is over 80
//! columns (the CLI's width when it does not print to a terminal), a section of one row is turned
//! into `key | value` rows.

use super::{is_scalar, py_str};
use serde_json::{Map, Value};

/// The width the CLI lays tables out in when its output is not a terminal.
const WIDTH: i64 = 80;

#[derive(Debug, Default)]
struct Section {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent: i64,
    widths: Vec<i64>,
}

impl Section {
    fn grow(&mut self, cells: &[String]) {
        for (i, c) in cells.iter().enumerate() {
            let w = text_width(c);
            match self.widths.get_mut(i) {
                Some(m) => *m = (*m).max(w),
                None => self.widths.push(w),
            }
        }
    }

    fn set_headers(&mut self, headers: Vec<String>) {
        self.grow(&headers);
        self.headers = headers;
    }

    fn add_row(&mut self, row: Vec<String>) {
        self.grow(&row);
        self.rows.push(row);
    }

    /// Column widths with 4 of padding, scaled to `max_width` as the CLI scales them.
    fn column_widths(&self, max_width: i64) -> Vec<i64> {
        let unscaled: Vec<i64> = self.widths.iter().map(|w| w + 4).collect();
        let sum: i64 = unscaled.iter().sum();
        if unscaled.is_empty() || sum == 0 {
            return unscaled;
        }
        let factor = max_width as f64 / sum as f64;
        let mut scaled: Vec<i64> = unscaled.iter().map(|&w| (factor * w as f64).round_ties_even() as i64).collect();
        let mut off_by: i64 = scaled.iter().sum::<i64>() - max_width;
        while off_by != 0 {
            let order: Vec<usize> =
                if off_by < 0 { (0..scaled.len()).rev().collect() } else { (0..scaled.len()).collect() };
            for i in order {
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled
    }

    fn total_width(&self) -> i64 {
        let columns: i64 = self.widths.iter().map(|w| w + 4).sum::<i64>() + 2 + 2 * self.indent;
        columns.max(text_width(&self.title) + 2 + 2 * self.indent)
    }
}

/// Characters the CLI counts as two columns (East Asian wide, full-width and ambiguous); an
/// approximation of Unicode's table by its main blocks.
fn text_width(s: &str) -> i64 {
    s.chars()
        .map(|c| {
            let c = c as u32;
            let wide = (0x1100..=0x115F).contains(&c)
                || (0x2E80..=0xA4CF).contains(&c)
                || (0xAC00..=0xD7A3).contains(&c)
                || (0xF900..=0xFAFF).contains(&c)
                || (0xFE30..=0xFE4F).contains(&c)
                || (0xFF00..=0xFF60).contains(&c)
                || (0xFFE0..=0xFFE6).contains(&c)
                || (0x1F300..=0x1F64F).contains(&c)
                || (0x20000..=0x3FFFD).contains(&c);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

fn spaces(n: i64) -> String {
    " ".repeat(n.max(0) as usize)
}

fn center(text: &str, length: i64, left: &str, right: &str) -> String {
    let tl = text_width(text);
    let start = length.div_euclid(2) - tl.div_euclid(2) - 1;
    let so_far = left.len() as i64 + start + tl;
    let right_spaces = length - right.len() as i64 - so_far;
    format!("{left}{}{text}{}{right}", spaces(start), spaces(right_spaces))
}

fn align_left(text: &str, length: i64, left: &str, right: &str) -> String {
    let tl = text_width(text);
    let padding = if length - (tl + 2 + left.len() as i64 + right.len() as i64) >= 0 { 2 } else { 0 };
    let so_far = left.len() as i64 + padding + tl;
    format!("{left}{}{text}{}{right}", spaces(padding), spaces(length - so_far - right.len() as i64))
}

#[derive(Default)]
struct Builder {
    sections: Vec<Section>,
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

fn sorted_keys(map: &Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let (mut scalars, mut more) = (Vec::new(), Vec::new());
    for (k, v) in map {
        if is_scalar(v) { &mut scalars } else { &mut more }.push(k.clone());
    }
    scalars.sort();
    more.sort();
    (scalars, more)
}

impl Builder {
    fn new_section(&mut self, title: &str, indent: i64) {
        self.sections.push(Section { title: title.to_string(), indent, ..Section::default() });
    }

    fn current(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.sections.push(Section::default());
        }
        self.sections.last_mut().expect("just ensured")
    }

    fn build(&mut self, title: Option<&str>, value: &Value, indent: i64) -> bool {
        if !truthy(value) {
            return false;
        }
        if let Some(title) = title {
            self.new_section(title, indent);
        }
        match value {
            Value::Array(items) if items[0].is_object() => self.list_of_objects(items, indent, title),
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::Array(inner) if inner.iter().all(is_scalar) => {
                            self.current().add_row(inner.iter().map(py_str).collect())
                        }
                        // Iterating an object yields its keys, all scalars: the CLI prints them.
                        Value::Object(map) => self.current().add_row(map.keys().cloned().collect()),
                        Value::Array(_) => {
                            self.build(None, item, 0);
                        }
                        scalar => self.current().add_row(vec![py_str(scalar)]),
                    }
                }
            }
            Value::Object(map) => self.object(map, indent),
            _ => {}
        }
        true
    }

    fn object(&mut self, map: &Map<String, Value>, indent: i64) {
        let (headers, more) = sorted_keys(map);
        if let [only] = headers.as_slice() {
            let row = vec![only.clone(), py_str(&map[only])];
            self.current().add_row(row);
        } else if !headers.is_empty() {
            let row = headers.iter().map(|k| py_str(&map[k])).collect();
            self.current().set_headers(headers);
            self.current().add_row(row);
        }
        for k in more {
            self.build(Some(&k), &map[&k], indent + 1);
        }
    }

    fn list_of_objects(&mut self, items: &[Value], indent: i64, title: Option<&str>) {
        let (mut headers, mut more) = (Vec::new(), Vec::new());
        for item in items.iter().filter_map(Value::as_object) {
            let (h, m) = sorted_keys(item);
            headers.extend(h);
            more.extend(m);
        }
        headers.sort();
        headers.dedup();
        more.sort();
        more.dedup();
        self.current().set_headers(headers.clone());
        let empty = Map::new();
        for (n, item) in items.iter().enumerate() {
            let map = item.as_object().unwrap_or(&empty);
            if n > 0 && !more.is_empty() {
                self.new_section(title.unwrap_or(""), indent);
                self.current().set_headers(headers.clone());
            }
            let row = headers.iter().map(|h| map.get(h).map(py_str).unwrap_or_default()).collect();
            self.current().add_row(row);
            for k in &more {
                if let Some(v) = map.get(k) {
                    self.build(Some(k), v, indent + 1);
                }
            }
        }
    }

    fn render(mut self) -> String {
        let mut max_width = self.sections.iter().map(Section::total_width).max().unwrap_or(0);
        if max_width > WIDTH {
            for s in &mut self.sections {
                if s.rows.len() == 1 && !s.headers.is_empty() {
                    let row = s.rows.pop().unwrap_or_default();
                    let pairs: Vec<(String, String)> = s.headers.drain(..).zip(row).collect();
                    *s = Section { title: std::mem::take(&mut s.title), indent: s.indent, ..Section::default() };
                    for (h, v) in pairs {
                        s.add_row(vec![h, v]);
                    }
                }
            }
            max_width = self.sections.iter().map(Section::total_width).max().unwrap_or(0);
        }
        let mut out = format!("{}\n", "-".repeat(max_width.max(0) as usize));
        for s in &self.sections {
            let bar = "|".repeat(s.indent.max(0) as usize);
            let mut line = |text: String| out.push_str(&format!("{bar}{text}{bar}\n"));
            let width = max_width - 2 * s.indent;
            if !s.title.is_empty() {
                line(center(&s.title, width, "|", "|"));
                if s.headers.is_empty() && s.rows.is_empty() {
                    line(format!("+{}+", "-".repeat((width - 2).max(0) as usize)));
                }
            }
            let widths = s.column_widths(width);
            let rule = |widths: &[i64]| {
                widths
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        if i == 0 {
                            format!("+{}+", "-".repeat((w - 2).max(0) as usize))
                        } else {
                            format!("{}+", "-".repeat((w - 1).max(0) as usize))
                        }
                    })
                    .collect::<String>()
            };
            if !s.headers.is_empty() {
                line(rule(&widths));
                let cells: String = widths
                    .iter()
                    .zip(&s.headers)
                    .enumerate()
                    .map(|(i, (w, h))| center(h, *w, if i == 0 { "|" } else { "" }, "|"))
                    .collect();
                line(cells);
            }
            if !s.rows.is_empty() && !widths.is_empty() {
                line(rule(&widths));
                for row in &s.rows {
                    let cells: String = widths
                        .iter()
                        .zip(row)
                        .enumerate()
                        .map(|(i, (w, c))| align_left(c, *w, if i == 0 { "|" } else { "" }, "|"))
                        .collect();
                    line(cells);
                }
                line(rule(&widths));
            }
        }
        out
    }
}

/// `value` as `--output table` prints it for the operation `title` (each line ends with a line
/// break; nothing for an empty response).
pub fn format(value: &Value, title: &str) -> String {
    let mut b = Builder::default();
    if !b.build(Some(title), value, 0) {
        return String::new();
    }
    b.render()
}

/// Expectations printed by the AWS CLI's own table formatter (awscli's `TableFormatter`, with
/// colour off and output not to a terminal, which v1 and v2 share) on these inputs.
#[cfg(test)]
mod tests {
    use super::format;

    const CASES: &[(&str, &str)] = &[
        (
            r#"{"Users": [{"Path": "/", "UserName": "alice", "UserId": "AIDA1", "Arn": "arn:aws:iam::1:user/alice", "CreateDate": "2026-01-01T00:00:00+00:00"},{"Path": "/", "UserName": "bob", "UserId": "AIDA2", "Arn": "arn:aws:iam::1:user/bob", "CreateDate": "2026-01-02T00:00:00+00:00", "Tags": [{"Key": "team", "Value": "red"}]}]}"#,
            "\"-----------------------------------------------\\n|                  ListUsers                  |\\n+---------------------------------------------+\\n||                   Users                   ||\\n|+-------------+-----------------------------+|\\n||  Arn        |  arn:aws:iam::1:user/alice  ||\\n||  CreateDate |  2026-01-01T00:00:00+00:00  ||\\n||  Path       |  /                          ||\\n||  UserId     |  AIDA1                      ||\\n||  UserName   |  alice                      ||\\n|+-------------+-----------------------------+|\\n||                   Users                   ||\\n|+-------------+-----------------------------+|\\n||  Arn        |  arn:aws:iam::1:user/bob    ||\\n||  CreateDate |  2026-01-02T00:00:00+00:00  ||\\n||  Path       |  /                          ||\\n||  UserId     |  AIDA2                      ||\\n||  UserName   |  bob                        ||\\n|+-------------+-----------------------------+|\\n|||                  Tags                   |||\\n||+---------------------+-------------------+||\\n|||  Key                |  team             |||\\n|||  Value              |  red              |||\\n||+---------------------+-------------------+||\\n\"",
        ),
        (
            r#"["alice","bob"]"#,
            "\"-----------\\n|ListUsers|\\n+---------+\\n|  alice  |\\n|  bob    |\\n+---------+\\n\"",
        ),
        (
            r#"{"UserId": "AIDA", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/alice"}"#,
            "\"--------------------------------------------------------------------\\n|                             ListUsers                            |\\n+--------------+----------------------------------------+----------+\\n|    Account   |                  Arn                   | UserId   |\\n+--------------+----------------------------------------+----------+\\n|  123456789012|  arn:aws:iam::123456789012:user/alice  |  AIDA    |\\n+--------------+----------------------------------------+----------+\\n\"",
        ),
        (
            r#"{"User":{"UserName":"bob","Path":"/"}}"#,
            "\"------------------------\\n|       ListUsers      |\\n+----------------------+\\n||        User        ||\\n|+-------+------------+|\\n|| Path  | UserName   ||\\n|+-------+------------+|\\n||  /    |  bob       ||\\n|+-------+------------+|\\n\"",
        ),
        (
            r#"[["a","b"],["c","d"]]"#,
            "\"------------\\n| ListUsers|\\n+----+-----+\\n|  a |  b  |\\n|  c |  d  |\\n+----+-----+\\n\"",
        ),
        (
            r#"{}"#,
            "\"\"",
        ),
        (
            r#"{"Roles":[{"RoleName":"averyveryveryveryverylongrolenamethatisverylong","Arn":"arn:aws:iam::123456789012:role/averyveryveryveryverylongrolenamethatisverylong","RoleId":"AROAXXXXXXXXXXXXXXXX"}]}"#,
            "\"--------------------------------------------------------------------------------------------------\\n|                                            ListUsers                                           |\\n+------------------------------------------------------------------------------------------------+\\n||                                             Roles                                            ||\\n|+----------+-----------------------------------------------------------------------------------+|\\n||  Arn     |  arn:aws:iam::123456789012:role/averyveryveryveryverylongrolenamethatisverylong   ||\\n||  RoleId  |  AROAXXXXXXXXXXXXXXXX                                                             ||\\n||  RoleName|  averyveryveryveryverylongrolenamethatisverylong                                  ||\\n|+----------+-----------------------------------------------------------------------------------+|\\n\"",
        ),
        (
            r#"{"A":{"B":{"C":"x"}},"Z":"y"}"#,
            "\"----------------\\n|   ListUsers  |\\n+------+-------+\\n|  Z   |  y    |\\n+------+-------+\\n||      A     ||\\n|+------------+|\\n|||     B    |||\\n||+----+-----+||\\n|||  C |  x  |||\\n||+----+-----+||\\n\"",
        ),
    ];

    #[test]
    fn tables_match_the_cli() {
        for (input, expected) in CASES {
            let value: serde_json::Value = serde_json::from_str(input).unwrap();
            let expected: String = serde_json::from_str(expected).unwrap();
            assert_eq!(format(&value, "ListUsers"), expected, "input {input}");
        }
    }
}
