#!/usr/bin/env bash
# Runs `naap nas simulate` with two binaries (an earlier build and this one)
# on the same inputs and compares what a user sees, byte for byte: stdout,
# results.csv, summary.md and regret.png. config.toml is left out on purpose
# (its layout may change between builds); the replay of a new config.toml is
# checked by the CLI tests.
#
#   dev/tools/compare-nas.sh OLD_NAAP NEW_NAAP [DATA_DIR]
#
# DATA_DIR holds naap440/{naap440.csv,raw_data.tar.gz} (default ../shared).
# Exits 1 at the first difference, naming the case and the file.
set -euo pipefail
old=$1 new=$2 data=${3:-../shared}
csv=$data/naap440/naap440.csv
logs=$data/naap440/raw_data.tar.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Predictor files, fitted once by the new binary and read by both.
"$new" fit --dataset "$csv" --model "Linear Regression" \
    --feature-set "Scheme + Quantitative 3 epochs" -o "$work/lr3.json" >/dev/null 2>&1
"$new" fit --dataset "$csv" --model "Linear Regression" \
    --feature-set "Scheme" -o "$work/scheme.json" >/dev/null 2>&1

cases=(
    "all|--strategy all"
    "default|"
    "logged|--cost logged --logs $logs"
    "macs|--cost macs --repeats 20"
    "pool|--pool 100 --repeats 30 --seed 7"
    "budget|--strategy random,predictor,zero-shot,last-accuracy --budget 2000 --repeats 20"
    "budget-macs|--strategy hyperband,predictor --cost macs --budget 4e11 --repeats 10 --pool 120"
    "halving|--strategy successive-halving,hyperband --eta 2 --min-epochs 5 --max-epochs 80 --repeats 10"
    "ranked|--strategy predictor,zero-shot,last-accuracy --k-epochs 5 --top-m 7 --known online --online-batch 3 --model 1-NN --zero-shot-features Scheme6 --repeats 5"
    "random|--strategy random,exhaustive --random-n 33 --repeats 10"
    "predictor-file|--strategy predictor,last-accuracy --predictor $work/lr3.json --repeats 5 --pool 100"
    "zero-shot-file|--strategy zero-shot --predictor $work/scheme.json --repeats 5"
)
for case in "${cases[@]}"; do
    name=${case%%|*} flags=${case#*|}
    for bin in old new; do
        exe=$old; [[ $bin == new ]] && exe=$new
        # shellcheck disable=SC2086
        "$exe" nas simulate --quiet --dataset "$csv" $flags -o "$work/$name-$bin" \
            >"$work/$name-$bin.stdout" 2>"$work/$name-$bin.stderr" || {
            echo "$name: $bin failed:"; cat "$work/$name-$bin.stderr"; exit 1; }
    done
    for f in stdout; do
        cmp "$work/$name-old.$f" "$work/$name-new.$f" || { echo "$name: $f differs"; exit 1; }
    done
    for f in results.csv summary.md regret.png; do
        cmp "$work/$name-old/$f" "$work/$name-new/$f" || { echo "$name: $f differs"; exit 1; }
    done
    echo "$name: stdout, results.csv, summary.md, regret.png identical ($(wc -l <"$work/$name-new/results.csv") lines)"
done
