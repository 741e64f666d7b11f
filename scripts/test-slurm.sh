#!/usr/bin/env bash
# The Slurm test (run by scripts/test.sh): on a real single-node Slurm cluster
# (scripts/slurm-up.sh), submits deploy/slurm/train-array.sbatch as an array of 4 tasks,
# each `naap train --shard I/4` on a small seeded subset (2 epochs), cancels task 2 midway
# (scancel), resubmits it, checks that it resumed from its checkpoint instead of starting
# over, and that `naap dataset build` over the shared output folder yields every scheme.
#
#   bash scripts/test-slurm.sh        # NAAP_BIN: a naap built with --features train
# Skips (exit 0, with the reason) only where the daemons cannot run: not root.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/slurm-test-common.sh naap-slurm-test "slurm test"
out=$work/run
ids=1-8 # shard 2 of 4 is schemes 2 and 6
args=(--out "$out" --ids "$ids" --epochs 2 --train-limit 5000 --test-limit 500 --device cpu
    --threads 1 --data "$shared/cifar10/cifar10-jpg.tar.gz"
    --schemes "$shared/naap440/generated_schemes.json")
submit() { # ARRAY OUTPUT
    sbatch --parsable --array="$1" --cpus-per-task=1 --output="$2" \
        --export="ALL,NAAP_SHARDS=4,NAAP_BIN=$bin" deploy/slurm/train-array.sbatch "${args[@]}"
}
fail() {
    echo "slurm test FAILED: $*" >&2
    for f in "$work"/*.out; do echo "== $f" >&2; cat "$f" >&2; done
    exit 1
}
job_done() { [ -z "$(squeue -h -j "$1" 2>/dev/null)" ]; }
state() { scontrol show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1; }
epochs_logged() { # ID: finished epochs in its log so far
    if [ -f "$out/scheme_$1.txt" ]; then grep -c "Test accuracy" "$out/scheme_$1.txt" || true; else echo 0; fi
}
scheme2_started() {
    [ "$(epochs_logged 2)" -ge 1 ] && return 0
    ! job_done "$job" || fail "the array ended before scheme 2 finished an epoch"
    return 1
}

job=$(submit 1-4 "$work/task-%a.out")
echo "slurm test: array job $job submitted"
# Cancel task 2 once its first scheme has a finished (checkpointed and logged) epoch.
wait_for 300 "task 2's first epoch" scheme2_started
scancel "${job}_2"
wait_for 60 "task 2 to stop" job_done "${job}_2"
[ "$(state "${job}_2")" = CANCELLED ] || fail "task 2 ended $(state "${job}_2"), not CANCELLED"
done2=$(epochs_logged 2)
done6=$(epochs_logged 6)
if [ "$done2" -ge 2 ] && [ "$done6" -ge 2 ]; then
    fail "task 2 finished before the cancel reached it; the test needs a longer run"
fi
[ -f "$out/checkpoints/scheme_2.ckpt" ] || fail "no checkpoint of scheme 2 after the cancel"
echo "slurm test: task 2 cancelled with scheme 2 at $done2 and scheme 6 at $done6 of 2 epochs"
wait_for 600 "tasks 1, 3 and 4" job_done "$job"
for t in 1 3 4; do
    [ "$(state "${job}_$t")" = COMPLETED ] || fail "task $t ended $(state "${job}_$t")"
done

again=$(submit 2 "$work/task-2-resumed.out")
wait_for 300 "the resubmitted task 2" job_done "$again"
[ "$(state "$again")" = COMPLETED ] || fail "resubmitted task 2 ended $(state "$again")"
resumed=$work/task-2-resumed.out
# Resumed, not restarted: no epoch that was logged before the cancel is trained again.
for e in $(seq 1 "$done2"); do
    ! grep -q "^scheme 2 epoch $e/2:" "$resumed" || fail "scheme 2 retrained epoch $e"
done
for e in $(seq 1 "$done6"); do
    ! grep -q "^scheme 6 epoch $e/2:" "$resumed" || fail "scheme 6 retrained epoch $e"
done
grep -q "naap train: 2 trained\|naap train: 1 trained, 1 already done" "$resumed" ||
    fail "the resubmitted task did not finish both schemes"

"$bin" dataset build "$out" -o "$work/naap.csv" --ids 1,2,3,4,5,6,7,8 --test-bins 4 || fail "naap dataset build over the outputs"
rows=$(tail -n +2 "$work/naap.csv" | cut -d, -f1 | tr -d '\r' | sort -n | paste -sd, -)
[ "$rows" = "1,2,3,4,5,6,7,8" ] || fail "dataset rows are schemes $rows, expected 1..8"
rm -rf "$work"
echo "slurm test: passed in $(($(date +%s) - started)) s (array of 4, task 2 cancelled and resumed, dataset of 8 schemes)"
