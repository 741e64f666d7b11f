#!/usr/bin/env bash
# Train-step throughput (img/s, batch 256) of naap-train (tch) beside PyTorch eager,
# on scheme 1 (smallest) and 432 (largest by params and MACs), same machine, same threads.
# Alternates the two engines over ROUNDS rounds so both see the same machine load.
#
#   bash bench/train.sh [--threads N] [--rounds R] [--device cpu|cuda:K]
# Needs ../shared (or $NAAP_SHARED_DIR) for the scheme list; installs libtorch if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=0 rounds=2 device=cpu ids=1,432
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) threads=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --device) device=$2; shift 2 ;;
        --ids) ids=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
schemes="${NAAP_SHARED_DIR:-../shared}/naap440/generated_schemes.json"
eval "$(bash scripts/setup-libtorch.sh --env)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release -q -p naap-train --example step_bench
for r in $(seq 1 "$rounds"); do
    echo "== round $r"
    "$CARGO_TARGET_DIR/release/examples/step_bench" "$schemes" "$ids" --threads "$threads" --device "$device"
    python dev/tools/torch_bench.py "$schemes" "$ids" --threads "$threads" --device "$device"
done
