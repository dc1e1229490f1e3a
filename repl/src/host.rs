//! The filesystem host: how the REPL and the script runner give the model access to files.
//!
//! Relative paths are resolved against a base folder: the script's folder when running a script
//! (so `file://policy.json` next to the script works from anywhere), the working directory in the
//! REPL.
//!
//! The rules that keep a mistyped path from losing a world or hanging the program (docs/commands.md,
//! "Files"):
//! - `save` writes atomically ([`write_atomic`]): a temporary file in the same folder, synced,
//!   renamed over the target; when anything fails the previous file is left as it was.
//! - Only regular files are read: a FIFO, a device or a socket is refused before it is opened
//!   (`file:///dev/zero`, a named pipe), and no file is read past [`MAX_FILE_BYTES`].
//! - Walking a folder (`load DIR`, `import DIR`) does not follow symbolic links to folders, reads a
//!   linked file only when it resolves inside the folder, and stops past [`MAX_FILES`] files.
//! - Writing an export never writes through a symbolic link.

use rootsim_model::Host;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The largest file read, in bytes (512 MiB): well above the largest estate file or saved world
/// rootsim makes (a saved synthetic estate of 1,000 accounts and 150,000 roles and policies).
pub const MAX_FILE_BYTES: u64 = 512 << 20;

/// The most files a folder walk lists (an estate of 10,000 accounts has about 30,000).
pub const MAX_FILES: usize = 100_000;

/// Reads and writes real files below a base folder.
#[derive(Debug, Clone)]
pub struct FsHost {
    base: PathBuf,
    max_file_bytes: u64,
    max_files: usize,
}

impl FsHost {
    /// A host resolving relative paths against `base`.
    pub fn new(base: impl Into<PathBuf>) -> Self {
        FsHost { base: base.into(), max_file_bytes: MAX_FILE_BYTES, max_files: MAX_FILES }
    }

    /// A host for the current working directory.
    pub fn cwd() -> Self {
        FsHost::new(".")
    }

    /// The same host with other limits (tests use small ones).
    pub fn with_limits(mut self, max_file_bytes: u64, max_files: usize) -> Self {
        self.max_file_bytes = max_file_bytes;
        self.max_files = max_files;
        self
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

/// What a file that is not a regular file or a folder is, for error messages.
fn special_kind(t: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        Some("a named pipe (FIFO)")
    } else if t.is_char_device() {
        Some("a character device")
    } else if t.is_block_device() {
        Some("a block device")
    } else if t.is_socket() {
        Some("a socket")
    } else {
        None
    }
}

/// Reads `path` as UTF-8 text if it is a regular file of at most `limit` bytes. The file type
/// is checked before opening (opening a FIFO blocks; `/dev/zero` never ends) and again on the
/// opened file; at most `limit + 1` bytes are read whatever the file claims. The errors say what
/// is wrong, not the path, which callers name (`Cannot read FILE: ...`).
pub fn read_bounded(path: &Path, limit: u64) -> Result<String, String> {
    String::from_utf8(read_bounded_bytes(path, limit)?).map_err(|_| "it is not UTF-8 text".into())
}

/// [`read_bounded`] without the UTF-8 check: the bytes of a regular file of at most `limit`
/// bytes (`aws s3 cp` uploads any file).
pub fn read_bounded_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    let check = |t: std::fs::FileType| -> Result<(), String> {
        if let Some(kind) = special_kind(t) {
            return Err(format!("it is {kind}, not a regular file: not read"));
        }
        if t.is_dir() {
            return Err("it is a folder, not a file".into());
        }
        Ok(())
    };
    check(meta.file_type())?;
    let shown = if limit.is_multiple_of(1 << 20) { format!("{} MiB", limit >> 20) } else { format!("{limit} bytes") };
    let too_big = || format!("it is larger than {shown}, the most rootsim reads from one file");
    if meta.len() > limit {
        return Err(too_big());
    }
    let file = File::open(path).map_err(|e| e.to_string())?;
    check(file.metadata().map_err(|e| e.to_string())?.file_type())?;
    // Room for the whole file at once (it may have grown since: `take` still bounds it): a
    // vector grown by doubling copied a 200 MB file of an estate several times over.
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Writes `contents` to `path` all or nothing: a temporary file in the same folder, written and
/// synced, then renamed over `path` (a symbolic link at `path` is followed: its target is
/// replaced). On any failure the temporary file is removed and `path` keeps what it held; the
/// error says why, and callers name the file.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), String> {
    write_atomic_with(path, contents, |f, bytes| f.write_all(bytes))
}

/// [`write_atomic`] with the writing of the bytes given, so that tests can fail it halfway.
fn write_atomic_with(
    path: &Path,
    contents: &[u8],
    write: impl FnOnce(&mut File, &[u8]) -> std::io::Result<()>,
) -> Result<(), String> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // Replace a link's target, not the link.
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|e| e.to_string())?,
        _ => path.to_path_buf(),
    };
    if let Ok(m) = std::fs::metadata(&target) {
        if m.is_dir() {
            return Err("it is a folder".into());
        }
        if let Some(kind) = special_kind(m.file_type()) {
            return Err(format!("it is {kind}, not a regular file: not written"));
        }
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.tmp-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        write(&mut f, contents)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, &target)?;
        // The rename itself is durable once the folder is synced (best effort: not every
        // filesystem lets a folder be synced).
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok::<(), std::io::Error>(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{e} (the previous file, if any, is unchanged)")
    })
}

impl Host for FsHost {
    fn read_file(&self, path: &str) -> Result<String, String> {
        read_bounded(&self.resolve(path), self.max_file_bytes)
    }

    fn write_file(&mut self, path: &str, contents: &str) -> Result<(), String> {
        self.write_bytes(path, contents.as_bytes())
    }

    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        read_bounded_bytes(&self.resolve(path), self.max_file_bytes)
    }

    fn write_bytes(&mut self, path: &str, contents: &[u8]) -> Result<(), String> {
        let path = self.resolve(path);
        // `export DIR` writes a whole folder tree.
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!("{} is a symbolic link: not written through", path.display()));
        }
        std::fs::write(&path, contents).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn write_atomic(&mut self, path: &str, contents: &str) -> Result<(), String> {
        write_atomic(&self.resolve(path), contents.as_bytes())
    }

    fn remove_file(&mut self, path: &str) -> Result<(), String> {
        let path = self.resolve(path);
        std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn is_folder(&self, path: &str) -> bool {
        self.resolve(path).is_dir()
    }

    fn list_files(&self, path: &str) -> Result<Vec<String>, String> {
        let root = self.resolve(path);
        if !root.is_dir() {
            return Err(format!("{path} is not a folder"));
        }
        // Linked files are read only when they resolve inside the folder.
        let inside = std::fs::canonicalize(&root).map_err(|e| format!("{path}: {e}"))?;
        let mut out = Vec::new();
        let mut todo = vec![root.clone()];
        while let Some(dir) = todo.pop() {
            for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
                let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
                let p = entry.path();
                // The entry itself, not what a link points to.
                let t = entry.file_type().map_err(|e| format!("{}: {e}", p.display()))?;
                if t.is_dir() {
                    todo.push(p);
                    continue;
                }
                if let Some(kind) = special_kind(t) {
                    return Err(format!("{} is {kind}, not a regular file: not read", p.display()));
                }
                if t.is_symlink() {
                    // Never a linked folder (a link to `.` or `/` would walk forever or everywhere),
                    // never a file outside the folder, never a broken link.
                    match std::fs::canonicalize(&p) {
                        Ok(real) if real.starts_with(&inside) && real.is_file() => {}
                        _ => continue,
                    }
                }
                if out.len() == self.max_files {
                    return Err(format!(
                        "{path} holds more than {} files, the most rootsim reads from one folder",
                        self.max_files
                    ));
                }
                if let Ok(rel) = p.strip_prefix(&root) {
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

/// The host of a scenario run: files are read from the disk below the script's folder, as
/// [`FsHost`] reads them, but what the script writes or removes (`aws s3 cp` downloads, `mv`
/// moving a local file away) stays in memory, so that running a scenario never changes the
/// repository and a second run starts from the same files.
#[derive(Debug, Clone)]
pub struct ScenarioHost {
    disk: FsHost,
    written: rootsim_model::MemoryHost,
    removed: std::collections::BTreeSet<String>,
}

impl ScenarioHost {
    /// A host reading below `base`.
    pub fn new(base: impl Into<PathBuf>) -> Self {
        ScenarioHost {
            disk: FsHost::new(base),
            written: rootsim_model::MemoryHost::default(),
            removed: Default::default(),
        }
    }

    fn gone(&self, path: &str) -> Result<(), String> {
        if self.removed.contains(path) {
            return Err(format!("No such file or directory: {path}"));
        }
        Ok(())
    }
}

impl Host for ScenarioHost {
    fn read_file(&self, path: &str) -> Result<String, String> {
        self.gone(path)?;
        self.written.read_file(path).or_else(|_| self.disk.read_file(path))
    }

    fn write_file(&mut self, path: &str, contents: &str) -> Result<(), String> {
        self.removed.remove(path);
        self.written.write_file(path, contents)
    }

    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        self.gone(path)?;
        self.written.read_bytes(path).or_else(|_| self.disk.read_bytes(path))
    }

    fn write_bytes(&mut self, path: &str, contents: &[u8]) -> Result<(), String> {
        self.removed.remove(path);
        self.written.write_bytes(path, contents)
    }

    fn remove_file(&mut self, path: &str) -> Result<(), String> {
        if self.written.remove_file(path).is_ok()
            || (!self.removed.contains(path) && self.disk.read_bytes(path).is_ok())
        {
            self.removed.insert(path.to_string());
            return Ok(());
        }
        Err(format!("No such file or directory: {path}"))
    }

    fn is_folder(&self, path: &str) -> bool {
        self.list_files(path).is_ok()
    }

    fn list_files(&self, path: &str) -> Result<Vec<String>, String> {
        let on_disk = self.disk.list_files(path);
        let in_memory = self.written.list_files(path);
        if on_disk.is_err() && in_memory.is_err() {
            return on_disk;
        }
        let folder = path.trim_end_matches('/');
        let mut names: Vec<String> = on_disk
            .unwrap_or_default()
            .into_iter()
            .chain(in_memory.unwrap_or_default())
            .filter(|name| !self.removed.contains(&format!("{folder}/{name}")))
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }
}
