#!/usr/bin/env bash
# `naap proxies` beside the PyTorch reference (dev/tools/zero_cost_reference.py) on the same
# schemes, init and minibatch, one thread each, alternating over ROUNDS rounds; wall time, CPU
# time and peak RSS of each, and the ratios reference / naap.
#
#   bash bench/proxies.sh [ROUNDS] [IDS] [BATCH]      (default 3 "1-440:11" = 40 schemes, 64)
#
# IDS is a naap id list, or FIRST-LAST:STEP for every STEP-th id. The reference reads the
# initialised weights and the batch that naap-train's zero_cost_dump example writes (made once,
# not timed), so it times only what it computes: the four proxies per scheme, after Python's
# start and `import torch`. naap's time is the whole command: start, reading CIFAR-10, drawing the
# batch, building and initialising each network, the four proxies, writing the CSV. Both use one
# thread. Needs ../shared (or $NAAP_SHARED_DIR) with cifar10/ and libtorch with its venv
# (scripts/setup-libtorch.sh; $PYTHON, default its venv's python).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
ids=${2:-1-440:11}
batch=${3:-64}
shared=${NAAP_SHARED_DIR:-../shared}
schemes=$shared/naap440/generated_schemes.json
cifar=$shared/cifar10/cifar10-jpg.tar.gz
target=${CARGO_TARGET_DIR:-target}
eval "$(bash scripts/setup-libtorch.sh --env)"
python=${PYTHON:-$(ls -d "$HOME"/.cache/naap/venv-torch-*/bin/python | tail -1)}
if [[ $ids == *:* ]]; then
    range=${ids%%:*}
    ids=$(seq -s, "${range%-*}" "${ids##*:}" "${range#*-}")
fi

cargo build --release --quiet -p naap --features train --bin naap
cargo build --release --quiet -p naap-train --example zero_cost_dump
naap=$target/release/naap
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$target/release/examples/zero_cost_dump" "$schemes" "$ids" "$cifar" "$out/dump" "$batch" >/dev/null
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "schemes: $(($(wc -l <"$out/dump/proxies.csv") - 1)), batch $batch, 1 thread each"

for i in $(seq "$rounds"); do
    /usr/bin/time -f "naap %e %U %S %M" -a -o "$out/times" "$naap" proxies --quiet --force \
        --schemes "$schemes" --data "$cifar" --ids "$ids" --batch "$batch" --threads 1 \
        -o "$out/naap.csv" 2>/dev/null
    /usr/bin/time -f "torch %e %U %S %M" -a -o "$out/times" "$python" \
        dev/tools/zero_cost_reference.py "$schemes" "$out/dump" >"$out/reference.txt"
    tail -2 "$out/times" >&2
done
# The reference checked the dump's scores; naap proxies' own agree with them to float32
# reduction order (the dump runs libtorch on all threads).
tail -1 "$out/reference.txt"
"$python" - "$out/times" "$out/naap.csv" "$out/dump/proxies.csv" <<'PY'
import csv, statistics, sys
a, b = (list(csv.DictReader(open(f))) for f in sys.argv[2:4])
assert [r["ModelId"] for r in a] == [r["ModelId"] for r in b], "different schemes"
rel = max(abs(float(x[k]) - float(y[k])) / max(abs(float(y[k])), 1e-300)
          for x, y in zip(a, b) for k in x if k != "ModelId")
print(f"naap proxies vs the dumped scores: worst relative difference {rel:.2e}")
runs = {}
for line in open(sys.argv[1]):
    name, wall, user, sys_, rss = line.split()
    runs.setdefault(name, []).append((float(wall), float(user) + float(sys_), int(rss) / 1024))
med = {n: [statistics.median(v[i] for v in r) for i in range(3)] for n, r in runs.items()}
for n, (w, c, m) in med.items():
    print(f"{n:6} median wall {w:7.2f} s   cpu {c:7.2f} s   peak RSS {m:7.1f} MB   ({len(runs[n])} runs)")
(nw, nc, nm), (tw, tc, tm) = med["naap"], med["torch"]
print(f"torch / naap: wall {tw / nw:.2f}x, cpu {tc / nc:.2f}x, peak RSS {tm / nm:.2f}x")
PY
