#!/usr/bin/env bash
# Before/after check of a refactoring: runs two naap binaries on the published data and says,
# file by file, whether what a user sees is byte-identical.
#
# Usage: bash dev/tools/compare-outputs.sh OLD_NAAP NEW_NAAP [WORK_DIR]
#   e.g. git worktree add /tmp/before <old-commit>; cargo build --release (there and here), then
#        bash dev/tools/compare-outputs.sh /tmp/before/target/release/naap target/release/naap
# Data: $NAAP_SHARED_DIR, else ../shared (naap440/{naap440.csv,naap440v2.csv,generated_schemes.json,
# raw_data.tar.gz}).
# Compared: space generate/profile; dataset build v1/v2; baseline results.csv, table.md, table.tex
# and its figures; a select-features slice (interpolation, 3 epochs, two regressors); nas simulate
# --strategy all (results.csv, summary.md, regret.png, stdout) under the epochs and macs costs; fit
# files of all 30 regressors and naap predict on each; stdout of the commands that print results.
# config.toml files are not required to match (a redesign may change their layout), nor line 1
# of select-features' checkpoint.csv (the build that wrote it).
# Exit 0 when every compared file is identical, 1 otherwise.
set -euo pipefail
old=$(realpath "$1"); new=$(realpath "$2")
work=${3:-$(mktemp -d /tmp/naap-compare.XXXX)}
shared=${NAAP_SHARED_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
d=$shared/naap440
for f in naap440.csv naap440v2.csv generated_schemes.json raw_data.tar.gz; do
    [ -f "$d/$f" ] || { echo "compare-outputs: missing $d/$f (set NAAP_SHARED_DIR)" >&2; exit 2; }
done

# The registry's names, as the old binary's refusal of an unknown one lists them.
# Older builds print clap's "[possible values: 'A', B, ...]"; newer ones "expected one of: A, B, ...".
regressors=$("$old" fit --model '?' 2>&1 | sed -n -e 's/.*\[possible values: \(.*\)\]/\1/p' \
    -e 's/.*expected one of: \(.*\)$/\1/p' || true)
[ -n "$regressors" ] || { echo "compare-outputs: $old did not list its regressors" >&2; exit 2; }

run_all() {  # $1 = binary, $2 = folder
    local b=$1 o=$2
    mkdir -p "$o"
    cd "$o"
    "$b" space generate -o schemes.json
    "$b" space profile --schemes schemes.json -o profile.csv
    "$b" dataset build "$d/raw_data.tar.gz" -o v1.csv
    "$b" dataset build "$d/raw_data.tar.gz" --format v2 -o v2.csv
    "$b" baseline --dataset "$d/naap440.csv" -o baseline --quiet > baseline.stdout
    "$b" select-features --dataset "$d/naap440v2.csv" -o select --modes interpolation --epochs 3 \
        --models "Linear Regression" --models "Decision Tree" --quiet > select.stdout
    "$b" nas simulate --dataset "$d/naap440.csv" --strategy all -o nas --quiet > nas.stdout
    "$b" nas simulate --dataset "$d/naap440.csv" --strategy all --cost macs --pool 100 --repeats 20 \
        -o nas-macs --quiet > nas-macs.stdout
    mkdir -p fit predict
    local i=0
    while IFS= read -r name; do
        i=$((i + 1))
        local set="Scheme + Quantitative 3 epochs"
        "$b" fit --dataset "$d/naap440v2.csv" --model "$name" --feature-set "$set" -o "fit/$i.json" \
            > "fit/$i.stdout" 2> "fit/$i.stderr"
        "$b" predict --predictor "fit/$i.json" --schemes "$d/generated_schemes.json" \
            --dataset "$d/naap440v2.csv" -o "predict/$i.csv" > /dev/null 2>&1
    done < <(echo "$regressors" | python3 -c 'import shlex,sys; s=sys.stdin.read().strip(); [print(x.rstrip(",")) for x in (shlex.split(s) if "\x27" in s or "\x22" in s else s.split(", "))]')
    echo "$i regressors fitted" > fit/count.txt
}

mkdir -p "$work"
echo "compare-outputs: old $old, new $new, work $work" >&2
( run_all "$old" "$work/old" ) 2> "$work/old.stderr" || { echo "old binary failed, see $work/old.stderr" >&2; exit 1; }
( run_all "$new" "$work/new" ) 2> "$work/new.stderr" || { echo "new binary failed, see $work/new.stderr" >&2; exit 1; }

same=0; differ=0
while IFS= read -r f; do
    case "$f" in */config.toml|*.stderr) continue ;; esac
    if [ ! -f "$work/new/$f" ]; then
        echo "MISSING in new: $f"; differ=$((differ + 1))
    elif cmp -s "$work/old/$f" "$work/new/$f"; then
        same=$((same + 1))
    elif [ "${f##*/}" = checkpoint.csv ] \
        && cmp -s <(tail -n +2 "$work/old/$f") <(tail -n +2 "$work/new/$f"); then
        # Line 1 of a select-features checkpoint names the build that wrote it, by design.
        same=$((same + 1))
    else
        echo "DIFFERS: $f"; differ=$((differ + 1))
    fi
done < <(cd "$work/old" && find . -type f | sed 's|^\./||' | sort)
extra=$(comm -13 <(cd "$work/old" && find . -type f | sort) <(cd "$work/new" && find . -type f | sort) | grep -v 'config.toml\|stderr' || true)
[ -z "$extra" ] || { echo "ONLY in new:"; echo "$extra"; }
echo "compare-outputs: $same identical, $differ different ($(cat "$work/old/fit/count.txt"); outputs in $work)"
[ "$differ" = 0 ]
