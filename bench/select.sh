#!/usr/bin/env bash
# Two benchmarks of the NAAP-440e feature search.
#
# 1. `bash bench/select.sh forests [ROUNDS] [OLD_NAAP] [EPOCHS]`: the four random forests
#    (interpolation, N = 25, 50, 100, 200; EPOCHS as --epochs, default 3: Scheme8+Quant.3, the
#    slice the forests' speed is judged on; 0,3,6,9 for all four feature sets) with this build,
#    alternating with OLD_NAAP (another build's binary, e.g. one of an earlier commit built in
#    its own clone) when given. Prints per run wall and CPU (user + sys) seconds, peak RSS and
#    subsets; then each build's best FinalScore per search (model x feature set) and, with
#    OLD_NAAP, how many searches the new build ends better, worse or the same, and whether the
#    two wrote the same results.csv. Needs ../shared (or $NAAP_SHARED_DIR) only.
#
# 2. Otherwise: one slice of the NAAP-440e feature search (default: interpolation x Linear
# Regression x Scheme+Quant.9, 35 features) with naap beside the scikit-learn harness that runs
# the same search (dev/tools/sklearn_select.py), same machine, alternating over ROUNDS rounds.
# Prints wall and CPU seconds, subsets evaluated, and the ratios, also per subset: the two
# pick among tied subsets with different RNGs, so their subset counts differ a little.
#
#   bash bench/select.sh [ROUNDS] [MODE] [MODEL] [EPOCHS]     (default 1 interpolation
#                                                              "Linear Regression" 9)
# Needs ../shared (or $NAAP_SHARED_DIR) and the dev venv with scikit-learn ($PYTHON,
# default .venv/bin/python; see dev/tools/README.md). The Python side takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
shared=${NAAP_SHARED_DIR:-../shared}

if [ "${1:-}" = forests ]; then
    rounds=${2:-1}
    old=${3:-}
    epochs=${4:-3}
    cargo build --release -p naap --quiet
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    forests="Random Forest (N=25),Random Forest (N=50),Random Forest (N=100),Random Forest (N=200)"
    echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    builds=("new:$target/release/naap")
    [ -n "$old" ] && builds+=("old:$old")
    for i in $(seq "$rounds"); do
        for b in "${builds[@]}"; do
            name=${b%%:*}
            /usr/bin/time -f "$name wall %e s, cpu %U + %S s, peak %M KB" -o "$out/time" "${b#*:}" \
                select-features --quiet --force --no-figures \
                --dataset "$shared/naap440/naap440v2.csv" -o "$out/$name" \
                --modes interpolation --epochs "$epochs" --models "$forests"
            echo "$(cat "$out/time"), $(($(wc -l <"$out/$name/results.csv") - 1)) subsets," \
                "load $(cut -d' ' -f1 /proc/loadavg)"
        done
    done
    for b in "${builds[@]}"; do
        name=${b%%:*}
        # Per search (model, column 2; feature set, column 3): the lowest FinalScore (column 10)
        # with its violations (column 7), sorted by search.
        awk -F, 'NR > 1 { k = $2 " | " $3; if (!(k in b) || $10 + 0 < b[k] + 0) { b[k] = $10; v[k] = $7 } }
            END { for (k in b) printf "%s\t%s\t%s\n", k, b[k], v[k] }' "$out/$name/results.csv" |
            sort >"$out/$name.best"
        awk -F'\t' -v n="$name" '{ printf "%s best %s: %s (%s violations)\n", n, $1, $2, $3 }' \
            "$out/$name.best"
    done
    if [ -n "$old" ]; then
        join -t$'\t' "$out/new.best" "$out/old.best" | awk -F'\t' '
            { if ($2 + 0 < $4 + 0) b++; else if ($2 + 0 > $4 + 0) w++; else s++ }
            END { printf "searches where new ends better: %d, worse: %d, the same: %d\n", b, w, s }'
        if cmp -s "$out/new/results.csv" "$out/old/results.csv"; then
            echo "results.csv: identical"
        else
            echo "results.csv: DIFFERENT"
        fi
    fi
    exit 0
fi

rounds=${1:-1}
mode=${2:-interpolation}
model=${3:-Linear Regression}
epochs=${4:-9}
dataset=$shared/naap440/naap440v2.csv
python=${PYTHON:-.venv/bin/python}

cargo build --release -p naap --quiet
naap=$target/release/naap
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "slice: $mode x $model x $epochs epochs"

for i in $(seq "$rounds"); do
    /usr/bin/time -f "naap %e %U %S" -a -o "$out/times" "$naap" select-features --quiet \
        --force --no-figures --dataset "$dataset" -o "$out/naap" --modes "$mode" \
        --models "$model" --epochs "$epochs"
    echo "naap $(($(wc -l <"$out/naap/results.csv") - 1))" >>"$out/subsets"
    /usr/bin/time -f "sklearn %e %U %S" -a -o "$out/times" "$python" dev/tools/sklearn_select.py \
        "$dataset" --mode "$mode" --model "$model" --epochs "$epochs" -o "$out/sklearn.csv" >/dev/null
    echo "sklearn $(($(wc -l <"$out/sklearn.csv") - 1))" >>"$out/subsets"
    tail -2 "$out/times" >&2
done
"$python" - "$out/times" "$out/subsets" <<'PY'
import statistics, sys
runs, subsets = {}, {}
for line in open(sys.argv[1]):
    name, wall, user, sys_ = line.split()
    runs.setdefault(name, []).append((float(wall), float(user) + float(sys_)))
for line in open(sys.argv[2]):
    name, n = line.split()
    subsets[name] = int(n)
med = {n: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for n, r in runs.items()}
for n, (w, c) in med.items():
    print(f"{n:8} median wall {w:8.2f} s   cpu {c:8.2f} s   {subsets[n]} subsets   ({len(runs[n])} runs)")
(nw, nc), (sw, sc) = med["naap"], med["sklearn"]
per = subsets["naap"] / subsets["sklearn"]
print(f"sklearn / naap: wall {sw / nw:.1f}x, cpu {sc / nc:.1f}x; per subset: wall {sw / nw * per:.1f}x, cpu {sc / nc * per:.1f}x")
PY
