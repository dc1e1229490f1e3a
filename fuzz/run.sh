#!/usr/bin/env bash
# Runs one cargo-fuzz target, or every target, for a fixed number of seconds each:
#   fuzz/run.sh [TARGET|all] [SECONDS]      (default: all, 60)
# Needs cargo-fuzz (`cargo install cargo-fuzz`). The machine's stable toolchain builds the
# sanitizer flags with RUSTC_BOOTSTRAP=1, so no nightly toolchain is needed. A crash leaves its
# input under fuzz/artifacts/TARGET/: turn it into a test (docs/fuzzing.md) before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-all}"
seconds="${2:-60}"
targets=(policy_parser eval_request load import command_line)
if [[ "$target" != all ]]; then targets=("$target"); fi
for t in "${targets[@]}"; do
  echo "== $t for ${seconds}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" --fuzz-dir fuzz -- -max_total_time="$seconds" -rss_limit_mb=4096
done
