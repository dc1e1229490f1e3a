//! `rootsim run FILE_OR_DIR...`: runs scenario scripts and reports one line per scenario.

use crate::host::ScenarioHost;
use crate::script::{self, Report, Script};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Every `.rsim` file named, or found below a named folder, in a stable order.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| format!("{}: {e}", p.display()))?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "rsim") {
            out.push(p);
        }
    }
    Ok(())
}

/// Reads, parses and runs one script file; files it names are read from its own folder, and what
/// it writes stays in memory ([`ScenarioHost`]): a scenario never changes the files beside it.
pub fn run_file(path: &Path) -> Result<(Script, Report), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let script = Script::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())?;
    let mut host = ScenarioHost::new(path.parent().unwrap_or(Path::new(".")));
    let report = script::run(&script, &mut host);
    Ok((script, report))
}

/// Runs every script and prints a line per scenario, the failures, and `N passed, N failed`.
/// Returns whether all passed.
pub fn run_all(paths: &[PathBuf], verbose: bool, out: &mut dyn Write) -> std::io::Result<bool> {
    let files = match collect(paths) {
        Ok(f) => f,
        Err(e) => {
            writeln!(out, "error: {e}")?;
            writeln!(out, "0 passed, 1 failed")?;
            return Ok(false);
        }
    };
    let (mut passed, mut failed) = (0, 0);
    for file in &files {
        let name = file.display().to_string();
        match run_file(file) {
            Ok((script, report)) if report.failures.is_empty() => {
                passed += 1;
                writeln!(out, "ok    {name}  {}", script.title)?;
                if verbose {
                    writeln!(out, "{}", report.transcript)?;
                }
            }
            Ok((script, report)) => {
                failed += 1;
                writeln!(out, "FAIL  {name}  {}", script.title)?;
                for f in &report.failures {
                    writeln!(out, "      {name}:{}: {}", f.line, f.message)?;
                }
                if let Some(text) = &report.counterexample {
                    match save_found(file, text) {
                        Ok(kept) => writeln!(out, "      the shrunk case is kept as {}", kept.display())?,
                        Err(e) => writeln!(out, "      the shrunk case could not be kept: {e}")?,
                    }
                }
                if verbose {
                    writeln!(out, "{}", report.transcript)?;
                }
            }
            Err(e) => {
                failed += 1;
                writeln!(out, "FAIL  {name}\n      {e}")?;
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    Ok(failed == 0 && !files.is_empty())
}

/// Where the shrunk cases of a property in `file` are kept: `found/` in the nearest folder above
/// it called `scenarios` (so `scenarios/generated/x.rsim` keeps them in `scenarios/found/`), else
/// `found/` beside the file.
pub fn found_dir(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new("."));
    parent.ancestors().find(|a| a.file_name().is_some_and(|n| n == "scenarios")).unwrap_or(parent).join("found")
}

/// Keeps a failing property's shrunk case (its concrete script) as an ordinary scenario:
/// `found/<name>-<hash>.rsim` (see [`found_dir`]), the hash of its text telling cases apart and
/// making a second save of the same case a no-op. Returns the file.
pub fn save_found(file: &Path, concrete: &str) -> Result<PathBuf, String> {
    let dir = found_dir(file);
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let hash = concrete.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let stem = file.file_stem().map_or("property".into(), |s| s.to_string_lossy().into_owned());
    let kept = dir.join(format!("{stem}-{:08x}.rsim", hash as u32));
    let text = format!(
        "# Found by the property {}: its shrunk case, kept so that it runs as an ordinary scenario.\n{concrete}",
        file.display()
    );
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if !kept.exists() {
        std::fs::write(&kept, text).map_err(|e| format!("{}: {e}", kept.display()))?;
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_property_keeps_its_shrunk_case_under_scenarios_found_as_a_scenario_that_fails() {
        let base = std::env::temp_dir().join(format!("rootsim-found-{}", std::process::id()));
        let dir = base.join("scenarios").join("generated");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("day.rsim");
        // Fails as soon as the advance leaves the first day.
        std::fs::write(
            &file,
            "@title The day never ends\n@world demo\n@gen W = duration 0s..10d\n@cases 32\nclock advance {{W}}\n@expect ok\nclock\n@expect contains \"2026-01-05\"\n",
        )
        .unwrap();
        let mut out = Vec::new();
        assert!(!run_all(std::slice::from_ref(&file), false, &mut out).unwrap());
        let printed = String::from_utf8(out).unwrap();
        let found = base.join("scenarios").join("found");
        assert_eq!(found_dir(&file), found);
        let kept: Vec<PathBuf> = collect(std::slice::from_ref(&found)).unwrap();
        assert_eq!(kept.len(), 1, "{printed}");
        assert!(printed.contains(&format!("the shrunk case is kept as {}", kept[0].display())), "{printed}");
        // The kept case is an ordinary scenario (no @gen) that fails as the property did.
        let (script, report) = run_file(&kept[0]).unwrap();
        assert!(script.gens.is_empty());
        assert!(!report.failures.is_empty());
        // A second run keeps the same case once.
        run_all(std::slice::from_ref(&file), false, &mut Vec::new()).unwrap();
        assert_eq!(collect(std::slice::from_ref(&found)).unwrap().len(), 1);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
