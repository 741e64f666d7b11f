#!/usr/bin/env bash
# End-to-end training speed and memory of `naap train` against the paper's way of generating
# the data (dev/tools/paper_train.py: PyTorch with a DataLoader, per-image ToTensor/Normalize,
# one worker, one process per scheme), same schemes, epochs and files, on the CPU.
# Cases, alternated over ROUNDS rounds so both sides see the same machine load:
#   one  : each scheme alone: `naap train --ids ID` vs one reference process;
#   jobs2: the first two schemes at once: `naap train --jobs 2` vs two reference processes
#          (1 libtorch thread each on both sides).
# Prints wall seconds and peak RSS (/usr/bin/time -v) of every run, then per case the
# medians and the ratios reference/naap (wall: > 1 means naap is faster) and naap/reference
# (RSS). For the reference pair, RSS is the sum of both processes' peaks (each process's
# own peak, as /usr/bin/time reports it).
# --before BIN adds a third side, an older naap binary (e.g. built from main before a change).
#
#   bash bench/train_e2e.sh [--rounds R] [--ids 1,432] [--epochs E] [--before BIN]
# Needs the release binary (scripts/with-libtorch.sh cargo build --release -p naap --features
# train) and makes, once: a dev venv with torchvision beside the libtorch venv's torch
# (NAAP_BENCH_VENV, default ~/.cache/naap/venv-bench) and the shared JPEG CIFAR-10 written as
# the official binary batches (NAAP_BENCH_DATA, default target/bench-cifar-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=2 ids=1,432 epochs=1 before=
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --ids) ids=$2; shift 2 ;;
        --epochs) epochs=$2; shift 2 ;;
        --before) before=$(realpath "$2"); shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
shared=${NAAP_SHARED_DIR:-../shared}
schemes=$shared/naap440/generated_schemes.json
bin=$(realpath "${NAAP_BIN:-${CARGO_TARGET_DIR:-target}/release/naap}")
venv=${NAAP_BENCH_VENV:-$HOME/.cache/naap/venv-bench}
data=${NAAP_BENCH_DATA:-target/bench-cifar-bin}
eval "$(bash scripts/setup-libtorch.sh --env)"
torch_site=$(python -c 'import site; print(site.getsitepackages()[0])')
if ! "$venv/bin/python" -c 'import torchvision, PIL' 2>/dev/null; then
    # The reference needs torchvision (matching torch 2.11) and Pillow; torch itself comes
    # from the libtorch venv through a .pth file instead of a second 3 GB download.
    python3 -m venv "$venv"
    echo "$torch_site" >"$("$venv/bin/python" -c 'import site; print(site.getsitepackages()[0])')/naap-torch.pth"
    "$venv/bin/pip" install --quiet --no-deps torchvision==0.26.0
    "$venv/bin/pip" install --quiet pillow
fi
if [ ! -f "$data/test_batch.bin" ]; then
    "$venv/bin/python" dev/tools/cifar_jpg_to_bin.py "$shared/cifar10/cifar10-jpg.tar.gz" "$data"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/results.tsv

# run CASE SIDE COMMAND...: one timed process; appends "case side wall_s rss_kb".
run() {
    local case=$1 side=$2
    shift 2
    /usr/bin/time -v -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
    python3 - "$work/time" "$case" "$side" >>"$results" <<'PY'
import sys
t = dict(l.strip().rsplit(": ", 1) for l in open(sys.argv[1]) if ": " in l)
h, m, s = (["0"] + t["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"))[-3:]
print(sys.argv[2], sys.argv[3], int(h) * 3600 + int(m) * 60 + float(s), t["Maximum resident set size (kbytes)"], sep="\t")
PY
}
naap() { # BIN IDS JOBS THREADS (0: no --threads, naap divides the cores among the jobs)
    local threads=()
    [ "$4" = 0 ] || threads=(--threads "$4")
    rm -rf "$work/run"
    run "$case" "$side" "$1" train --schemes "$schemes" --data "$data" --out "$work/run" --ids "$2" \
        --epochs "$epochs" --device cpu --jobs "$3" ${threads[@]+"${threads[@]}"} --quiet
}
reference() { # ID THREADS
    run "$case" "$side" "$venv/bin/python" dev/tools/paper_train.py "$schemes" "$1" "$data" \
        --epochs "$epochs" --threads "$2"
}
# Two reference processes at once; wall from the first start to the last end, RSS summed.
reference_pair() { # ID ID
    local start end
    start=$(date +%s.%N)
    for id in "$1" "$2"; do
        /usr/bin/time -v -o "$work/time.$id" "$venv/bin/python" dev/tools/paper_train.py "$schemes" \
            "$id" "$data" --epochs "$epochs" --threads 1 >"$work/out.$id" 2>&1 &
    done
    wait
    end=$(date +%s.%N)
    python3 - "$work/time.$1" "$work/time.$2" "$case" "$side" "$start" "$end" >>"$results" <<'PY'
import sys
rss = sum(int(dict(l.strip().rsplit(": ", 1) for l in open(p) if ": " in l)["Maximum resident set size (kbytes)"]) for p in sys.argv[1:3])
print(sys.argv[3], sys.argv[4], float(sys.argv[6]) - float(sys.argv[5]), rss, sep="\t")
PY
}

IFS=, read -ra id_list <<<"$ids"
pair="${id_list[0]},${id_list[1]:-${id_list[0]}}"
echo "bench/train_e2e.sh: schemes $ids, $epochs epoch(s), $rounds round(s), $(nproc) cores; load: $(uptime | sed 's/.*load/load/')"
for r in $(seq 1 "$rounds"); do
    for id in "${id_list[@]}"; do
        case="scheme_$id"
        side=naap naap "$bin" "$id" 1 0
        side=reference reference "$id" 0
        if [ -n "$before" ]; then side=before naap "$before" "$id" 1 0; fi
    done
    case="jobs2_$pair"
    side=naap naap "$bin" "$pair" 2 1
    side=reference reference_pair "${pair%,*}" "${pair#*,}"
    if [ -n "$before" ]; then side=before naap "$before" "$pair" 2 1; fi
    echo "round $r done; load: $(uptime | sed 's/.*load/load/')"
done
python3 - "$results" <<'PY'
import statistics, sys
from collections import defaultdict
runs = defaultdict(list)
for line in open(sys.argv[1]):
    case, side, wall, rss = line.split("\t")
    runs[case, side].append((float(wall), int(rss) / 1024))
print("\nevery run (wall s, peak RSS MB):")
for (case, side), v in runs.items():
    print(f"  {case:16} {side:10} " + "  ".join(f"{w:6.1f} s {m:6.0f} MB" for w, m in v))
print("\nmedians and ratios:")
for case in dict.fromkeys(c for c, _ in runs):
    med = {s: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v))
           for (c, s), v in runs.items() if c == case}
    n, ref = med["naap"], med["reference"]
    line = (f"  {case:16} naap {n[0]:6.1f} s {n[1]:5.0f} MB | reference {ref[0]:6.1f} s {ref[1]:5.0f} MB"
            f" | wall reference/naap {ref[0] / n[0]:.2f}x, RSS naap/reference {n[1] / ref[1]:.2f}")
    if "before" in med:
        b = med["before"]
        line += f" | before {b[0]:6.1f} s {b[1]:5.0f} MB, RSS naap/before {n[1] / b[1]:.2f}, wall before/naap {b[0] / n[0]:.2f}x"
    print(line)
PY
