#!/usr/bin/env bash
# The project's main job (README): build naap and run the NAAP-440 prediction baseline
# (24 regressors x 4 feature sets x 5 seeds) into a fresh, timestamped folder under runs/.
#
# Data: $NAAP_DATA_DIR if set; else ./data if it holds naap440/naap440.csv; else the
# developers' ../shared copy if present; else `naap download naap440` into ./data
# (needs internet; checksum-verified).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release -p naap
naap=target/release/naap

if [ -z "${NAAP_DATA_DIR:-}" ]; then
    if [ -f data/naap440/naap440.csv ]; then
        NAAP_DATA_DIR=data
    elif [ -f ../shared/naap440/naap440.csv ]; then
        NAAP_DATA_DIR=../shared
    else
        NAAP_DATA_DIR=data
        "$naap" download naap440 --dir data
    fi
fi
export NAAP_DATA_DIR

out="runs/baseline-$(date +%Y%m%d-%H%M%S)"
"$naap" baseline -o "$out" "$@"
echo "results: $out/results.csv, $out/table.md, $out/table.tex, $out/figures/" >&2
