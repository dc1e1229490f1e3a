//! The filesystem host: how the REPL and the script runner give the model access to files.
//!
//! Relative paths are resolved against a base folder: the script's folder when running a script
//! (so `file://policy.json` next to the script works from anywhere), the working directory in the
//! REPL.

use rootsim_model::Host;
use std::path::{Path, PathBuf};

/// Reads and writes real files below a base folder.
#[derive(Debug, Clone)]
pub struct FsHost {
    base: PathBuf,
}

impl FsHost {
    /// A host resolving relative paths against `base`.
    pub fn new(base: impl Into<PathBuf>) -> Self {
        FsHost { base: base.into() }
    }

    /// A host for the current working directory.
    pub fn cwd() -> Self {
        FsHost::new(".")
    }

    fn resolve(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }
}

impl Host for FsHost {
    fn read_file(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.resolve(path)).map_err(|e| e.to_string())
    }

    fn write_file(&mut self, path: &str, contents: &str) -> Result<(), String> {
        let path = self.resolve(path);
        // `export DIR` writes a whole folder tree.
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, contents).map_err(|e| e.to_string())
    }

    fn list_files(&self, path: &str) -> Result<Vec<String>, String> {
        let root = self.resolve(path);
        if !root.is_dir() {
            return Err(format!("{path} is not a folder"));
        }
        let mut out = Vec::new();
        let mut todo = vec![root.clone()];
        while let Some(dir) = todo.pop() {
            for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
                let p = entry.map_err(|e| e.to_string())?.path();
                if p.is_dir() {
                    todo.push(p);
                } else if let Ok(rel) = p.strip_prefix(&root) {
                    let parts: Vec<String> =
                        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                    out.push(parts.join("/"));
                }
            }
        }
        out.sort();
        Ok(out)
    }
}
