#!/usr/bin/env bash
# Wall time of the full baseline (24 models x 4 feature sets x 5 seeds) with naap beside
# the scikit-learn harness, same machine, same dataset, alternating over ROUNDS rounds so
# both see the same load. Prints the median of each and the ratios; both use all cores
# (rayon in naap, joblib n_jobs=-1 in the harness).
#
#   bash bench/baseline.sh [ROUNDS]        (default 3)
# Needs ../shared (or $NAAP_SHARED_DIR) and the dev venv with scikit-learn
# ($PYTHON, default .venv/bin/python; see dev/tools/README.md). Uses hyperfine if installed.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
shared=${NAAP_SHARED_DIR:-../shared}
dataset=$shared/naap440/naap440.csv
python=${PYTHON:-.venv/bin/python}
target=${CARGO_TARGET_DIR:-target}

cargo build --release -p naap --quiet
naap=$target/release/naap
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

naap_plain="$naap baseline --quiet --force --no-figures --dataset $dataset -o $out/naap"
naap_figs="$naap baseline --quiet --force --dataset $dataset -o $out/naap-figures"
sklearn="$python dev/tools/sklearn_baseline.py $dataset $out/sklearn.csv"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

if command -v hyperfine >/dev/null; then
    hyperfine --runs "$rounds" --export-json "$out/h.json" \
        -n naap "$naap_plain" -n naap-figures "$naap_figs" -n sklearn "$sklearn"
    "$python" - "$out/h.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"sklearn / naap (no figures): {r['sklearn'] / r['naap']:.1f}x")
print(f"sklearn / naap (with 192 figures): {r['sklearn'] / r['naap-figures']:.1f}x")
PY
    exit 0
fi

# Without hyperfine: /usr/bin/time per run, recording wall and CPU (user + sys) seconds.
for i in $(seq "$rounds"); do
    for name in naap naap-figures sklearn; do
        case $name in
            naap) cmd=$naap_plain ;;
            naap-figures) cmd=$naap_figs ;;
            sklearn) cmd=$sklearn ;;
        esac
        /usr/bin/time -f "$name %e %U %S" -a -o "$out/times" $cmd 2>/dev/null
        tail -1 "$out/times" >&2
    done
done
"$python" - "$out/times" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, wall, user, sys_ = line.split()
    runs.setdefault(name, []).append((float(wall), float(user) + float(sys_)))
med = {n: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for n, r in runs.items()}
for n, (w, c) in med.items():
    print(f"{n:13} median wall {w:7.2f} s   cpu {c:7.2f} s   ({len(runs[n])} runs)")
for n in ("naap", "naap-figures"):
    print(f"sklearn / {n}: wall {med['sklearn'][0] / med[n][0]:.1f}x, cpu {med['sklearn'][1] / med[n][1]:.1f}x")
PY
