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
    /// Writes `contents` to `path` all or nothing: when it fails, whatever `path` held before is
    /// still there, whole (`save`). The filesystem host writes a temporary file in the same
    /// folder, syncs it and renames it over `path`. By default: [`Host::write_file`], for hosts
    /// whose writes cannot fail halfway.
    fn write_atomic(&mut self, path: &str, contents: &str) -> Result<(), String> {
        self.write_file(path, contents)
    }
    /// Whether `path` is a folder (`export` refuses a folder that holds files). By default:
    /// whether [`Host::list_files`] lists it.
    fn is_folder(&self, path: &str) -> bool {
        self.list_files(path).is_ok()
    }
    /// Removes the file `path` (`export --force` clearing a previous export). By default: an
    /// error, for hosts that cannot remove files.
    fn remove_file(&mut self, path: &str) -> Result<(), String> {
        Err(format!("cannot remove {path}: this host does not remove files"))
    }
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
    fn remove_file(&mut self, path: &str) -> Result<(), String> {
        self.files.remove(path).map(drop).ok_or_else(|| format!("No such file or directory: {path}"))
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
