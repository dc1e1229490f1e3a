#!/bin/sh
# Draws the demo world's principal graph (`graph`, docs/commands.md) as docs/demo-graph.svg with
# Graphviz's `dot` (Debian package `graphviz`). Run from anywhere: ./docs/render-graph.sh
# The same works for any world: pipe `graph --account ...` (or --from, --to) of an estate loaded
# with `rootsim import DIR` into `dot -Tsvg`.
set -eu
cd "$(dirname "$0")/.."
if ! command -v dot >/dev/null 2>&1; then
    echo "render-graph.sh needs Graphviz's dot: apt-get install graphviz" >&2
    exit 1
fi
dotfile=$(mktemp)
trap 'rm -f "$dotfile"' EXIT
printf 'graph\n' | cargo run --quiet -p rootsim -- >"$dotfile"
dot -Tsvg "$dotfile" -o docs/demo-graph.svg
echo "wrote docs/demo-graph.svg"
