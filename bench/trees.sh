#!/usr/bin/env bash
# Fits every tree ensemble (Decision Tree, RF N=200, GB N=200, AdaBoost N=200, Pairwise
# Boosting N=100; 5 seeds each) on a fixed 400 x 17 problem, single-threaded, and prints
# the best of ROUNDS fitting times with a fingerprint of every prediction's bits. With OLD
# (another build's target/release/examples/ensemble_fit, e.g. from a clone at an earlier
# commit) the two run in turn on the same machine and the fingerprints are compared: a
# change to the tree code that keeps them keeps every prediction bit for bit.
#
#   bash bench/trees.sh [ROUNDS] [OLD]          (default 3 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
old=${2:-}
target=${CARGO_TARGET_DIR:-target}
cargo build --release -p naap-models --example ensemble_fit --quiet
new=$target/release/examples/ensemble_fit
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$new" "$rounds" | tee "$out/new" | sed 's/^/new /'
if [ -n "$old" ]; then
    "$old" "$rounds" | tee "$out/old" | sed 's/^/old /'
    if diff <(awk '{print $NF}' "$out/new") <(awk '{print $NF}' "$out/old") >/dev/null; then
        echo "fingerprints: identical"
    else
        echo "fingerprints: DIFFERENT"
    fi
fi
