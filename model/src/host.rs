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
    /// The bytes of `path`, whatever they are (`aws s3 cp` uploads, `put-object --body`). By
    /// default: [`Host::read_file`]'s text, for hosts that hold only text.
    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        self.read_file(path).map(String::into_bytes)
    }
    /// Writes the bytes `contents` to `path` (`aws s3 cp` downloads). By default:
    /// [`Host::write_file`] when they are UTF-8 text, and an error otherwise.
    fn write_bytes(&mut self, path: &str, contents: &[u8]) -> Result<(), String> {
        match std::str::from_utf8(contents) {
            Ok(text) => self.write_file(path, text),
            Err(_) => Err(format!("cannot write {path}: this host writes only UTF-8 text")),
        }
    }
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
    /// Text files by path.
    pub files: BTreeMap<String, String>,
    /// Files that are not UTF-8 text, by path (a path is in one map or the other).
    pub binary: BTreeMap<String, Vec<u8>>,
}

fn no_such_file(path: &str) -> String {
    format!("No such file or directory: {path}")
}

impl Host for MemoryHost {
    fn read_file(&self, path: &str) -> Result<String, String> {
        if self.binary.contains_key(path) {
            return Err(format!("{path} is not UTF-8 text"));
        }
        self.files.get(path).cloned().ok_or_else(|| no_such_file(path))
    }
    fn write_file(&mut self, path: &str, contents: &str) -> Result<(), String> {
        self.binary.remove(path);
        self.files.insert(path.to_string(), contents.to_string());
        Ok(())
    }
    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        match (self.files.get(path), self.binary.get(path)) {
            (Some(text), _) => Ok(text.clone().into_bytes()),
            (None, Some(bytes)) => Ok(bytes.clone()),
            (None, None) => Err(no_such_file(path)),
        }
    }
    fn write_bytes(&mut self, path: &str, contents: &[u8]) -> Result<(), String> {
        match std::str::from_utf8(contents) {
            Ok(text) => self.write_file(path, text),
            Err(_) => {
                self.files.remove(path);
                self.binary.insert(path.to_string(), contents.to_vec());
                Ok(())
            }
        }
    }
    fn remove_file(&mut self, path: &str) -> Result<(), String> {
        let text = self.files.remove(path).is_some();
        let bytes = self.binary.remove(path).is_some();
        if text || bytes {
            Ok(())
        } else {
            Err(no_such_file(path))
        }
    }
    fn list_files(&self, path: &str) -> Result<Vec<String>, String> {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let mut names: Vec<String> = self
            .files
            .keys()
            .chain(self.binary.keys())
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(str::to_string)
            .collect();
        names.sort();
        if names.is_empty() {
            return Err(format!("{path} is not a folder"));
        }
        Ok(names)
    }
}
