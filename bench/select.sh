#!/usr/bin/env bash
# One slice of the NAAP-440e feature search (default: interpolation x Linear Regression x
# Scheme+Quant.9, 35 features) with naap beside the scikit-learn harness that runs the same
# search (dev/tools/sklearn_select.py), same machine, alternating over ROUNDS rounds.
# Prints wall and CPU seconds, subsets evaluated, and the ratios, also per subset: the two
# pick among tied subsets with different RNGs, so their subset counts differ a little.
#
#   bash bench/select.sh [ROUNDS] [MODE] [MODEL] [EPOCHS]     (default 1 interpolation
#                                                              "Linear Regression" 9)
# Needs ../shared (or $NAAP_SHARED_DIR) and the dev venv with scikit-learn ($PYTHON,
# default .venv/bin/python; see dev/tools/README.md). The Python side takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-1}
mode=${2:-interpolation}
model=${3:-Linear Regression}
epochs=${4:-9}
shared=${NAAP_SHARED_DIR:-../shared}
dataset=$shared/naap440/naap440v2.csv
python=${PYTHON:-.venv/bin/python}
target=${CARGO_TARGET_DIR:-target}

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
