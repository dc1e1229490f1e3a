//! File access for the model: the [`Host`] trait the caller provides, and [`MemoryHost`], files
//! kept in memory. The model does no I/O of its own: reading `file://` parameters, importing an
//! estate and saving or loading worlds all go through a `Host`.

use std::collections::BTreeMap;

/// What the model needs from outside: files. The REPL reads the disk; tests keep files in memory.
pub trait Host {
    /// The contents of `path` (relative paths are the host's business: the script's folder, or
    /// the working directory in the REPL).
    fn read_file(&self, path: &str) -> Result<String, String>;
    /// Writes `contents` to `path`.
    fn write_file(&mut self, path: &str, contents: &str) -> Result<(), String>;
    /// The files below the folder `path`, recursively, as paths relative to it with `/`
    /// separators, in name order (an estate folder for `load DIR`). An error when `path` is not a
    /// folder, and by default: a host without folders.
    fn list_files(&self, path: &str) -> Result<Vec<String>, String> {
        Err(format!("{path} is not a folder"))
    }
}

/// A host with files in memory, for tests and for embedding rootsim.
#[derive(Debug, Clone, Default)]
pub struct MemoryHost {
    /// Files by path.
    pub files: BTreeMap<String, String>,
}

impl Host for MemoryHost {
    fn read_file(&self, path: &str) -> Result<String, String> {
        self.files.get(path).cloned().ok_or_else(|| format!("No such file or directory: {path}"))
    }
    fn write_file(&mut self, path: &str, contents: &str) -> Result<(), String> {
        self.files.insert(path.to_string(), contents.to_string());
        Ok(())
    }
    fn list_files(&self, path: &str) -> Result<Vec<String>, String> {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let names: Vec<String> =
            self.files.keys().filter_map(|k| k.strip_prefix(&prefix)).map(str::to_string).collect();
        if names.is_empty() {
            return Err(format!("{path} is not a folder"));
        }
        Ok(names)
    }
}
