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
        std::fs::write(self.resolve(path), contents).map_err(|e| e.to_string())
    }
}
