#!/usr/bin/env bash
# One-shot GPU benchmark for a lent device machine (fits its 15-minute budget with a retry:
# about 3-6 minutes on one H200-class GPU). Trains a spread sample of the 440 schemes for one
# epoch each, with CIFAR-10 resident on the GPU, for jobs 1/8/16 x CUDA graphs off/on, and
# prints per configuration: train img/s and the projected wall time of the full 440 x
# 90-epoch regeneration. Then checks that graphs change no result beyond GPU rounding.
#
# Prepare here (no GPU needed), then run there with the binary carried along:
#   bash scripts/with-libtorch.sh cargo build --release -p naap --features cuda
#   NAAP_BIN=target/release/naap bash bench/gpu.sh [SAMPLE_EVERY] [JOB_COUNTS]
# SAMPLE_EVERY: train ids 1, 1+k, 1+2k, ... (default 28: 16 schemes, small and large alike);
# JOB_COUNTS: default "1 8 16". Uses the machine's own torch 2.11 (python) for libtorch and
# the CUDA libraries. Data: $NAAP_CIFAR, else the shared JPEG set.
set -euo pipefail
cd "$(dirname "$0")/.."
every=${1:-28}
job_counts=${2:-"1 8 16"}
bin=${NAAP_BIN:-target/release/naap}
shared=${NAAP_SHARED_DIR:-../shared}
data=${NAAP_CIFAR:-$shared/cifar10/cifar10-jpg.tar.gz}
schemes=$shared/naap440/generated_schemes.json

torch_lib=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
site=$(dirname "$(dirname "$torch_lib")")
nv=$(find "$site/nvidia" "$site/cuda" -maxdepth 4 -type d -name lib 2>/dev/null | tr '\n' ':')
export LD_LIBRARY_PATH="$torch_lib:$nv${LD_LIBRARY_PATH:-}"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true

ids=$(seq 1 "$every" 440 | paste -sd, -)
n=$(seq 1 "$every" 440 | wc -l)
out=$(mktemp -d)
echo "sample: $n schemes (ids $ids), 1 epoch each, batch 256"
printf '%-5s %-7s %9s %10s %14s\n' jobs graphs "train s" "img/s" "440x90 h"
for jobs in $job_counts; do
    for graphs in off on; do
        flag=()
        [ "$graphs" = on ] && flag=(--cuda-graphs)
        run=$out/jobs$jobs-graphs-$graphs
        "$bin" train --schemes "$schemes" --data "$data" --out "$run" --ids "$ids" \
            --epochs 1 --jobs "$jobs" --device cuda --threads 1 --quiet "${flag[@]}" \
            >"$run.log" 2>&1 || { echo "jobs $jobs graphs $graphs failed:"; tail -5 "$run.log"; exit 1; }
        python3 - "$n" "$run.log" "$jobs" "$graphs" <<'PY'
import re, sys
n, log, jobs, graphs = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
summary = open(log).read().strip().splitlines()[-1]
ips = float(re.search(r"\(([\d.]+) img/s\)", summary).group(1))
secs = float(re.search(r"in ([\d.]+) s on", summary).group(1))
# The sample's train time (evaluation included), scaled to 440 schemes and 90 epochs.
full_h = secs * (440 / n) * 90 / 3600
print(f"{jobs:<5} {graphs:<7} {secs:9.1f} {ips:10.0f} {full_h:14.2f}")
PY
    done
done

# Graphs must not change what is learned: epoch-1 loss and accuracy, graphs off vs on.
python3 - "$out" "$ids" <<'PY'
import glob, os, re, sys
out, ids = sys.argv[1], [int(i) for i in sys.argv[2].split(",")]
def epoch1(run, i):
    text = open(os.path.join(run, f"scheme_{i}.txt")).read()
    loss = float(re.search(r"Loss mean, median: ([\d.]+)", text).group(1))
    acc = float(re.search(r"Test accuracy: ([\d.]+)", text).group(1))
    return loss, acc
for off in sorted(glob.glob(os.path.join(out, "jobs*-graphs-off"))):
    on = off.replace("graphs-off", "graphs-on")
    pairs = [(epoch1(off, i), epoch1(on, i)) for i in ids]
    dl = max(abs(a[0] - b[0]) for a, b in pairs)
    da = max(abs(a[1] - b[1]) for a, b in pairs)
    print(f"{os.path.basename(off)[:-11]}: graphs off vs on, max |d loss mean| {dl:.4f}, max |d accuracy| {da:.4f}")
PY
