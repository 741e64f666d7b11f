#!/usr/bin/env bash
# Wall time and peak RSS of the default NAS study (`naap nas simulate`: all 13 strategies,
# the neighbourhood ones included, pool 440, regret.png and trajectory.csv included) on
# all cores, beside the same study on one thread as the reference, alternating over
# ROUNDS rounds so both see the same load. Prints the median of each and the ratio (the
# parallel speed-up over repeats).
#
#   bash bench/nas.sh [ROUNDS] [EXTRA FLAGS...]     (default 3; e.g. --cost logged)
#
# Without extra flags it runs 500 repeats (--repeats 500): every strategy x 500 repeats,
# the NATS-Bench protocol's count, whose goal is under 30 s on 2 cores.
# Needs ../shared (or $NAAP_SHARED_DIR) and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
shift || true
[ $# -eq 0 ] && set -- --repeats 500
shared=${NAAP_SHARED_DIR:-../shared}
dataset=$shared/naap440/naap440.csv
logs=$shared/naap440/raw_data.tar.gz
target=${CARGO_TARGET_DIR:-target}

cargo build --release -p naap --quiet
naap=$target/release/naap
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

for i in $(seq "$rounds"); do
    for name in all-cores one-thread; do
        threads=$([ "$name" = one-thread ] && echo 1 || nproc)
        RAYON_NUM_THREADS=$threads /usr/bin/time -f "$name %e %U %S %M" -a -o "$out/times" \
            "$naap" nas simulate --quiet --force --dataset "$dataset" --logs "$logs" \
            -o "$out/$name" "$@" >/dev/null
        tail -1 "$out/times" >&2
    done
done
python3 - "$out/times" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, wall, user, sys_, rss = line.split()
    runs.setdefault(name, []).append((float(wall), float(user) + float(sys_), int(rss)))
med = {n: [statistics.median(x[i] for x in r) for i in range(3)] for n, r in runs.items()}
for n, (w, c, m) in med.items():
    print(f"{n:10} median wall {w:6.2f} s   cpu {c:6.2f} s   peak RSS {m / 1024:6.1f} MiB   ({len(runs[n])} runs)")
print(f"one-thread / all-cores wall: {med['one-thread'][0] / med['all-cores'][0]:.2f}x")
PY
