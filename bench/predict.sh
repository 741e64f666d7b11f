#!/usr/bin/env bash
# Loading a predictor file and predicting 10,000 candidates, per model family,
# with peak RSS; then `naap predict` end to end on 10,000 schemes (process start,
# predictor file, schemes JSON, profiling, CSV out).
#
#   bash bench/predict.sh [N]        (default 10000)
# Needs ../shared (or $NAAP_SHARED_DIR). Each line: model, file size, load ms and
# predict ms (wall; N candidates = the 440 rows of naap440.csv repeated), the whole
# process's CPU seconds (reading the CSV included) and peak RSS. On a loaded machine
# the wall times stretch; the CPU column does not.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
shared=${NAAP_SHARED_DIR:-../shared}
dataset=$shared/naap440/naap440.csv
target=${CARGO_TARGET_DIR:-target}

cargo build --release --quiet -p naap --bin naap
cargo build --release --quiet -p naap-predict --example predict_bench
naap=$target/release/naap
bench=$target/release/examples/predict_bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

models=("Random Forest (N=200)" "Gradient Boosting (N=200)" "AdaBoost (N=200)" "Decision Tree"
    "SVR (RBF kernel)" "9-NN" "Linear Regression" "Sigmoid Regression")
printf '%-28s %9s %8s %10s %7s %9s\n' model file_MB load_ms predict_ms cpu_s peak_MB
for i in "${!models[@]}"; do
    file=$out/p$i.json
    "$naap" fit --dataset "$dataset" --model "${models[$i]}" --feature-set "Scheme+Quant.3" \
        --all-rows -o "$file" 2>/dev/null
    /usr/bin/time -f "%M %U %S" -o "$out/rss" "$bench" "$file" "$dataset" "$n" >"$out/line"
    read -r load predict _ <"$out/line"
    read -r rss user sys <"$out/rss"
    printf '%-28s %9.1f %8s %10s %7.2f %9.1f\n' "${models[$i]}" \
        "$(awk "BEGIN { print $(stat -c %s "$file") / 1e6 }")" "$load" "$predict" \
        "$(awk "BEGIN { print $user + $sys }")" "$(awk "BEGIN { print $rss / 1024 }")"
done

# End to end: a scheme-only forest on N schemes (the 440 published ones, repeated).
"$naap" fit --dataset "$dataset" --model "Random Forest (N=200)" --feature-set Scheme \
    --all-rows -o "$out/scheme.json" 2>/dev/null
python3 - "$shared/naap440/generated_schemes.json" "$n" "$out/schemes.json" <<'PY'
import json, sys
schemes = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
json.dump([schemes[i % len(schemes)] for i in range(n)], open(sys.argv[3], "w"))
PY
/usr/bin/time -f "naap predict, $n schemes, Random Forest (N=200) on Scheme: %e s wall, %U s user, peak %M kB" \
    "$naap" predict --predictor "$out/scheme.json" --schemes "$out/schemes.json" -o "$out/p.csv" 2>&1 |
    grep -v '^naap: '
test "$(wc -l <"$out/p.csv")" -eq $((n + 1))
