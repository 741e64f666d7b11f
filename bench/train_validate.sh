#!/usr/bin/env bash
# Validation on real images (issue 6, item 6): trains schemes for 3 epochs on the shared JPEG
# CIFAR-10 on the CPU and prints their per-epoch loss mean and accuracy beside the published
# NAAP-440 values, plus the Spearman rank agreement of e3 accuracy.
#
#   bash bench/train_validate.sh [IDS] [OUT] [naap train flags...]
# Default IDS: scheme 1 and 8 schemes spread over the published e3Accuracy range.
# Resumable: rerun with the same OUT to continue. Needs the release binary with training:
#   scripts/with-libtorch.sh cargo build --release -p naap --features train
set -euo pipefail
cd "$(dirname "$0")/.."
ids=${1:-1,20,363,67,369,62,46,108,329}
out=${2:-target/train-validate}
shift $(($# < 2 ? $# : 2))
shared=${NAAP_SHARED_DIR:-../shared}
bin=${NAAP_BIN:-${CARGO_TARGET_DIR:-target}/release/naap}
eval "$(bash scripts/setup-libtorch.sh --env)"
"$bin" train --schemes "$shared/naap440/generated_schemes.json" --data "$shared/cifar10/cifar10-jpg.tar.gz" \
    --out "$out" --ids "$ids" --epochs 3 --device cpu --quiet "$@"
python3 - "$shared/naap440/naap440.csv" "$out" "$ids" <<'PY'
import csv, sys
published = {int(r["ModelId"]): r for r in csv.DictReader(open(sys.argv[1]))}
ids = [int(i) for i in sys.argv[3].split(",")]

def ours(i):
    rows, loss = [], None
    for line in open(f"{sys.argv[2]}/scheme_{i}.txt"):
        body = line.rstrip("\n")[15:]
        if body.startswith("Loss mean, median: "):
            loss = float(body.split(": ")[1].split(", ")[0])
        elif body.startswith("Test accuracy: "):
            rows.append((loss, float(body.split(": ")[1])))
    return rows

def ranks(xs):
    order = sorted(range(len(xs)), key=lambda k: xs[k])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r

print("id  | epoch | loss mean ours / published | accuracy ours / published")
e3_ours, e3_pub = [], []
for i in ids:
    for e, (loss, acc) in enumerate(ours(i), 1):
        p = published[i]
        print(f"{i:>3} | {e} | {loss:.4f} / {float(p[f'e{e}LossMean']):.4f} | {acc:.4f} / {float(p[f'e{e}Accuracy']):.4f}")
    e3_ours.append(ours(i)[2][1])
    e3_pub.append(float(published[i]["e3Accuracy"]))
if len(ids) > 2:
    a, b = ranks(e3_ours), ranks(e3_pub)
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    rho = cov / (sum((x - ma) ** 2 for x in a) * sum((y - mb) ** 2 for y in b)) ** 0.5
    diffs = [o - p for o, p in zip(e3_ours, e3_pub)]
    print(f"e3 accuracy over {n} schemes: Spearman rho {rho:.3f}; ours - published: mean {sum(diffs) / n:+.4f}, "
          f"min {min(diffs):+.4f}, max {max(diffs):+.4f}")
PY
