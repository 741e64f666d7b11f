#!/usr/bin/env bash
# `naap evaluate` at the size of the issue: 30 regressors (the extended 28 and the two ranking
# models) x 6 train sizes x 6 fidelities x 20 trials = 21,600 cells on the published test rows;
# wall time, CPU time and peak RSS of the whole process (/usr/bin/time -v).
#
#   bash bench/evaluate.sh [OUT]     # NAAP_SHARED_DIR: the published data (default ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${NAAP_SHARED_DIR:-../shared}
out=${1:-$(mktemp -d)/evaluate}
cargo build --release -q -p naap
/usr/bin/time -v "${CARGO_TARGET_DIR:-target}"/release/naap evaluate --dataset "$shared/naap440/naap440.csv" \
    --models "extended,Pairwise Boosting (N=100),RankSVM" --base-set Scheme --epochs 0,1,2,3,6,9 \
    --train-sizes 10,20,40,80,160,400 --trials 20 --force -q -o "$out" 2>&1 |
    grep -E "naap evaluate|Elapsed|User time|System time|Maximum resident"
echo "outputs in $out"
