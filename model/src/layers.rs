//! The layer test: every module of this crate imports only from its own layer and the layers
//! below it, as docs/ARCHITECTURE.md's layer map says, and the modules import each other in no
//! cycle. It reads the `crate::`, `super::` and `use crate::{..}` paths of every source file, and
//! the `use` paths relative to the file's own module (`pub use ops::x;`), test modules left out
//! (they may drive the whole crate), and fails naming the file, the line and the
//! path that goes up a layer, so that the old cycle between the world, authorization, the
//! services and the command language cannot come back unnoticed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layer map: the fenced `layers` block of docs/ARCHITECTURE.md, one line per layer from the
/// bottom up, `name: module module ...`. A module path names a file or folder of `src/`
/// (`s3`, `s3::ops`, `iam::simulate`); a file belongs to the longest path that is its own or an
/// ancestor's.
fn layer_map() -> Vec<(String, Vec<String>)> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/ARCHITECTURE.md"))
        .expect("docs/ARCHITECTURE.md is readable");
    let block = doc
        .split("```layers\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("ARCHITECTURE.md has a ```layers block");
    block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (name, modules) = l.split_once(':').expect("a layer line is `name: modules`");
            (name.trim().to_string(), modules.split_whitespace().map(str::to_string).collect())
        })
        .collect()
}

/// Every source file of the crate with its module path (`s3/ops.rs` is `s3::ops`, `s3/mod.rs` is
/// `s3`, `lib.rs` is the empty path).
fn sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(&src).expect("below src").with_extension("");
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                parts.pop();
            }
            (f, parts.join("::"))
        })
        .collect()
}

/// The code of a file without its test modules and comments: tests may use anything, and a
/// comment that names a module is no dependency.
fn code_of(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut skip_depth: Option<i64> = None;
    let mut depth: i64 = 0;
    let mut pending_cfg_test = false;
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let trimmed = code.trim();
        if trimmed.starts_with("#[cfg(test)]") {
            pending_cfg_test = true;
            continue;
        }
        if pending_cfg_test && trimmed.starts_with("mod ") && trimmed.ends_with('{') && skip_depth.is_none() {
            skip_depth = Some(depth);
        }
        if !trimmed.is_empty() && !trimmed.starts_with("#[") {
            pending_cfg_test = false;
        }
        let opens = code.matches('{').count() as i64;
        let closes = code.matches('}').count() as i64;
        if skip_depth.is_none() {
            out.push((i + 1, code.to_string()));
        }
        depth += opens - closes;
        if let Some(d) = skip_depth {
            if depth <= d {
                skip_depth = None;
            }
        }
    }
    out
}

/// The module paths a line refers to: `crate::a::b`, each item of `use crate::{a, b::c}`, and
/// `super::x` resolved against the file's own module.
fn references(line: &str, module: &str) -> Vec<String> {
    let mut out = Vec::new();
    let path_chars = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for item in inner.split(',') {
                let item = item.trim().trim_start_matches("self");
                let path: String = item.chars().take_while(|&c| path_chars(c)).collect();
                if !path.is_empty() {
                    out.push(path);
                }
            }
        } else {
            let path: String = after.chars().take_while(|&c| path_chars(c)).collect();
            out.push(path);
        }
        rest = &rest[at + "crate::".len()..];
    }
    let mut rest = line;
    while let Some(at) = rest.find("super::") {
        let before_ok = at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
        let after = &rest[at + "super::".len()..];
        if before_ok {
            // `super` is the parent of the file's module (a `mod.rs` file is its folder's module).
            let mut base: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
            base.pop();
            let path: String = after.chars().take_while(|&c| path_chars(c)).collect();
            let mut full = base.join("::");
            if !path.is_empty() && !path.starts_with('{') {
                if !full.is_empty() {
                    full.push_str("::");
                }
                full.push_str(&path);
            }
            out.push(full);
        }
        rest = after;
    }
    // A `use` of a path relative to the file's own module (`pub use ops::bills_text;` in a
    // `mod.rs`, `use self::x`): a re-export from a child module is a dependency on it. A path
    // that names no module of the map (`use serde::Serialize`) falls to the file's own entry.
    let mut stmt = line.trim();
    if let Some(vis) = stmt.strip_prefix("pub") {
        stmt = match vis.strip_prefix('(') {
            Some(restricted) => restricted.split_once(')').map_or("", |(_, r)| r),
            None => vis,
        }
        .trim_start();
    }
    if let Some(path) = stmt.strip_prefix("use ") {
        let path = path.trim_start();
        let path = path.strip_prefix("self::").unwrap_or(path);
        let relative = !path.starts_with("crate::") && !path.starts_with("super::") && !path.starts_with("::");
        let path: String = path.chars().take_while(|&c| path_chars(c)).collect();
        if relative && path.contains("::") && !module.is_empty() {
            out.push(format!("{module}::{path}"));
        }
    }
    out
}

/// The map entry a module path belongs to: the longest entry that is the path or its ancestor.
fn entry_of<'m>(path: &str, entries: &'m BTreeMap<String, usize>) -> Option<(&'m str, usize)> {
    let parts: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    (1..=parts.len()).rev().find_map(|n| {
        let prefix = parts[..n].join("::");
        entries.get_key_value(&prefix).map(|(k, &l)| (k.as_str(), l))
    })
}

#[test]
fn every_module_imports_only_from_its_layer_and_below() {
    let map = layer_map();
    let names: Vec<&str> = map.iter().map(|(n, _)| n.as_str()).collect();
    let mut entries = BTreeMap::new();
    for (level, (_, modules)) in map.iter().enumerate() {
        for m in modules {
            assert!(entries.insert(m.clone(), level).is_none(), "{m} is in two layers of the map");
        }
    }
    let mut violations = Vec::new();
    let mut unmapped = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, module) in sources() {
        if module == "layers" || module.is_empty() {
            continue; // this test, and lib.rs, which declares every module
        }
        let Some((from, from_level)) = entry_of(&module, &entries) else {
            unmapped.push(module.clone());
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("a source file is readable");
        for (line_no, code) in code_of(&text) {
            for target in references(&code, &module) {
                let Some((to, to_level)) = entry_of(&target, &entries) else { continue };
                if to != from {
                    edges.entry(from.to_string()).or_default().insert(to.to_string());
                }
                if to_level > from_level {
                    violations.push(format!(
                        "{}:{line_no}: {module} ({}) uses crate::{target} ({})",
                        file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(&file).display(),
                        names[from_level],
                        names[to_level]
                    ));
                }
            }
        }
    }
    assert!(unmapped.is_empty(), "modules missing from ARCHITECTURE.md's layer map: {unmapped:?}");
    assert!(violations.is_empty(), "imports from a layer above:\n{}", violations.join("\n"));
    if let Some(cycle) = find_cycle(&edges) {
        panic!("the modules import each other in a cycle: {}", cycle.join(" -> "));
    }
}

/// A cycle in the module graph, if there is one (depth-first search).
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|n| visit(n, edges, &mut Vec::new(), &mut done))
}

#[test]
fn the_checker_sees_an_upward_import() {
    // A state module naming a handler, a `use crate::{..}` group and a `super::` path are all seen.
    assert_eq!(references("use crate::service::{req_str, Call};", "s3"), vec!["service::"]);
    assert_eq!(references("use crate::{auth, command::Host};", "s3"), vec!["auth", "command::Host"]);
    assert_eq!(references("use super::ops::create;", "s3::state"), vec!["s3::ops::create"]);
    // A re-export from a child module, which names neither `crate` nor `super`, is seen too.
    assert_eq!(references("pub use ops::bills_text;", "billing"), vec!["billing::ops::bills_text"]);
    assert_eq!(references("pub(crate) use self::ops::{a, b};", "organizations"), vec!["organizations::ops::"]);
    assert_eq!(references("use crate::sts::Sts;", "world"), vec!["sts::Sts"]);
    let code = code_of("use crate::a;\n#[cfg(test)]\nmod tests {\n    use crate::b;\n}\nuse crate::c;\n");
    let seen: Vec<String> = code.iter().flat_map(|(_, l)| references(l, "x")).collect();
    assert_eq!(seen, vec!["a", "c"]);
    let mut edges = BTreeMap::new();
    edges.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    edges.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(find_cycle(&edges), Some(vec!["a".to_string(), "b".to_string(), "a".to_string()]));
}
