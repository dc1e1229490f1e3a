//! Measures the import path at scale once, for docs/performance.md's "Issue 21: scale": a
//! synthetic estate is generated and exported in the estate layout (docs/import.md, the JSON the
//! AWS CLI prints), the world dropped, and the files imported again through `import::import`,
//! which takes every file's text at once (file I/O is not measured). Prints each phase's time, the
//! peak RSS so far (`VmHWM`) and the load average. The peak RSS here holds the generated world and
//! every text: what `rootsim import DIR` needs, which reads one account's files at a time, is
//! measured on that command (docs/performance.md, "Import at scale, streaming").
//!
//! `import [accounts=1000,roles=50000,policies=100000]`

use rootsim_benches::{load, peak_rss};
use rootsim_model::import::{export, import};
use rootsim_model::synth::{generate, Spec};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let spec = std::env::args().nth(1).map_or_else(Spec::default, |s| Spec::parse(&s).expect("a spec"));
    let t = Instant::now();
    let (world, _) = generate(&spec, 7);
    println!("generate {spec:?}: {:.3} s, peak RSS {}, load {}", t.elapsed().as_secs_f64(), peak_rss(), load());
    let roles: usize = world.iam.accounts.values().map(|a| a.roles.len()).sum();

    let t = Instant::now();
    let files = export(&world);
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    println!(
        "export: {:.3} s, {} files, {} bytes, peak RSS {}, load {}",
        t.elapsed().as_secs_f64(),
        files.len(),
        bytes,
        peak_rss(),
        load()
    );
    drop(world);

    let t = Instant::now();
    let imported = import(&files, 7);
    let s = t.elapsed().as_secs_f64();
    let back: usize = imported.world.iam.accounts.values().map(|a| a.roles.len()).sum();
    println!(
        "import: {s:.3} s, {} accounts, {back} roles (of {roles}), {} skipped, {} warnings, peak RSS {}, load {}",
        imported.world.iam.accounts.len(),
        imported.skipped.len(),
        imported.warnings.len(),
        peak_rss(),
        load()
    );
}
