#!/usr/bin/env bash
# The anytime comparison of issue 26 under the NATS-Bench protocol: every strategy but
# exhaustive (whose one batch is the whole pool), 500 repeats, logged GPU-seconds with a
# budget of 200,000 s (25.8% of the 440's exhaustive 773,885 s), the neighbourhood
# strategies at eval-epochs 12, 30 and 90, on all 440 and on random sub-pools of 100.
# Random search trains a quarter of the pool (110 or 25 schemes) one at a time.
# STRATEGIES=a,b limits the strategies. Prints each study's anytime table (summary.md, "## Anytime"); the folders stay in OUT.
#
#   bash bench/nas_anytime.sh [OUT]     (default: a temporary folder, removed after)
# Needs ../shared (or $NAAP_SHARED_DIR) and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${NAAP_SHARED_DIR:-../shared}
target=${CARGO_TARGET_DIR:-target}
out=${1:-}
if [ -z "$out" ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi
cargo build --release -p naap --quiet
naap=$target/release/naap
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
strategies=${STRATEGIES:-random,successive-halving,hyperband,predictor,zero-shot,last-accuracy,regularized-evolution,local-search,bananas,bohb,reinforce}
for pool in all 100; do
    n=$([ "$pool" = all ] && echo 110 || echo 25)
    for e in 12 30 90; do
        dir=$out/pool-$pool-eval-$e
        /usr/bin/time -f "pool $pool eval-epochs $e: %e s wall, %M KB peak RSS" \
            "$naap" nas simulate --quiet --force --no-figures \
            --dataset "$shared/naap440/naap440.csv" --logs "$shared/naap440/raw_data.tar.gz" \
            --cost logged --budget 200000 --repeats 500 --pool "$pool" \
            --strategy "$strategies" --random-n "$n" --evaluations 440 --eval-epochs "$e" \
            -o "$dir" >/dev/null
        echo "### pool $pool, eval-epochs $e"
        sed -n '/^## Anytime/,/^Regret at/p' "$dir/summary.md" | sed '1d;$d'
    done
done
