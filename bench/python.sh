#!/usr/bin/env bash
# The Python package against scikit-learn and plain Python, side by side, each part in its own
# process with its peak RSS: `import naap` + Benchmark() (goal < 100 ms, < 50 MB), predicting
# 10,000 rows with Random Forest (N=200) (naap's Predictor vs sklearn's RandomForestRegressor(200)
# on the same rows), fitting it on the 400 train rows, and one million `query` calls.
#
#   bash bench/python.sh
# Builds a release wheel into target/py-bench-venv (pinned tools from
# crates/python/requirements-dev.txt). Needs ../shared (or $NAAP_SHARED_DIR). Wall times stretch
# on a loaded machine. naap fits and predicts forests on all cores (rayon), sklearn on one
# (n_jobs=None); the machine's core count is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${NAAP_SHARED_DIR:-../shared}
dataset=$shared/naap440/naap440.csv
target=${CARGO_TARGET_DIR:-target}
venv=$target/py-bench-venv

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r crates/python/requirements-dev.txt
rm -rf "$target/py-bench-wheels"
"$venv/bin/maturin" build --quiet --release -m crates/python/Cargo.toml -i "$venv/bin/python" \
    --out "$target/py-bench-wheels"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall \
    "$target"/py-bench-wheels/naap-*.whl

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%10s %9s  %s\n' seconds peak_MB what
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for part in import import-numpy predict-naap predict-sklearn fit-naap fit-sklearn query-naap query-dict; do
    lines=$(/usr/bin/time -f "%M" -o "$out" "$venv/bin/python" bench/python_bench.py "$part" "$dataset")
    rss=$(awk '{ printf "%.1f", $1 / 1024 }' "$out")
    while read -r secs what; do
        printf '%10s %9s  %s\n' "$secs" "$rss" "$what"
    done <<<"$lines"
done
