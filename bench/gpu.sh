#!/usr/bin/env bash
# One-shot GPU benchmark for a lent device machine: trains a spread sample of the 440
# schemes for one epoch, JOBS at a time, with CIFAR-10 resident on the GPU, then prints
# img/s and the projected wall time of the full 440 x 90-epoch run.
#
# Prepare here (no GPU needed), then run there with the binary carried along:
#   bash scripts/with-libtorch.sh cargo build --release -p naap --features train
#   NAAP_BIN=target/release/naap bash bench/gpu.sh [JOBS] [SAMPLE_EVERY]
# Uses the machine's own torch 2.11 (python) for libtorch + CUDA libraries when there is
# no scripts/setup-libtorch.sh venv. Data: $NAAP_CIFAR, else the shared JPEG set.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-16}
every=${2:-11} # every 11th id: 40 of the 440 schemes, small and large alike
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
log=$out/run.log
start=$(date +%s.%N)
"$bin" train --schemes "$schemes" --data "$data" --out "$out/run" --ids "$ids" \
    --epochs 1 --jobs "$jobs" --device cuda --threads 1 --quiet 2>&1 | tee "$log"
end=$(date +%s.%N)
python3 - "$start" "$end" "$n" "$log" <<'PY'
import re, sys
start, end, n, log = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
summary = open(log).read().strip().splitlines()[-1]
ips = float(re.search(r"\(([\d.]+) img/s\)", summary).group(1))
secs = float(re.search(r"in ([\d.]+) s on", summary).group(1))
full = secs * (440 / n) * 90
print(f"sample: {n} schemes x 1 epoch in {secs:.0f} s (wall {end - start:.0f} s incl. data loading), {ips:.0f} train img/s")
print(f"projected full run (440 schemes x 90 epochs): {full / 3600:.2f} h on this GPU")
PY
