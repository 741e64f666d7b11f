#!/usr/bin/env bash
# Peak RSS and wall time of `naap space generate` on a long space (LAYERS one-choice
# layers, min_depth 1: LAYERS schemes of 1..LAYERS layers, ~52*LAYERS^2 bytes of JSON),
# streamed to a file, beside a REFERENCE naap binary (e.g. one built from main, which
# builds the whole JSON in memory), alternating over ROUNDS rounds.
#
#   bash bench/space_generate.sh REFERENCE [LAYERS] [ROUNDS]   (default 2000, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
reference=$1
layers=${2:-2000}
rounds=${3:-3}
target=${CARGO_TARGET_DIR:-target}
cargo build --release -p naap --quiet
naap=$target/release/naap
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
{
    echo "max_stride2_layers = 0"
    echo "min_depth = 1"
    for _ in $(seq "$layers"); do
        printf '[[layers]]\nkernel_sizes = [1]\nwidths = [4]\nstrides = [1]\nresidual = [false]\n'
    done
} >"$out/space.toml"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$rounds"); do
    for name in this reference; do
        bin=$([ "$name" = this ] && echo "$naap" || echo "$reference")
        /usr/bin/time -f "$name %e %M" -a -o "$out/times" \
            "$bin" space generate --space "$out/space.toml" --force -o "$out/$name.json" 2>/dev/null
        tail -1 "$out/times" >&2
    done
    cmp "$out/this.json" "$out/reference.json"
done
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for name in this reference; do
    s=$(awk -v n=$name '$1==n {print $2}' "$out/times" | median)
    kb=$(awk -v n=$name '$1==n {print $3}' "$out/times" | median)
    echo "$name: ${s} s, peak RSS ${kb} KB"
done
