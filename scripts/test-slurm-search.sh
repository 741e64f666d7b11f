#!/usr/bin/env bash
# The Slurm search test (run by scripts/test.sh): on a real single-node Slurm cluster
# (scripts/slurm-up.sh), a 6-candidate successive-halving search with --dispatch slurm
# (small seeded CIFAR-10 subset, 2 then 4 epochs) must give the ranking.csv of the same
# search with --dispatch local, while
#   - one task of its first array is scancelled midway and the search resubmits it, and
#   - the search process is killed (kill -9) while its second array runs, then started
#     again with the same command: it adopts the running array from its journal,
# and no epoch of any candidate is trained twice. Then, with --slurm-retries 0, a cancelled
# task's candidate is reported as failed and the search goes on.
#
#   bash scripts/test-slurm-search.sh   # NAAP_BIN: a naap built with --features train
# Skips (exit 0, with the reason) only where the daemons cannot run: not root.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/slurm-test-common.sh naap-slurm-search "slurm search test"
search=("$bin" search --space crates/cli/tests/fixtures/space/search_space.toml --ids 2-7
    --data "$shared/cifar10/cifar10-jpg.tar.gz" --device cpu --threads 1 --jobs 2
    --train-limit 5000 --test-limit 500
    --strategy successive-halving --eta 2 --min-epochs 2 --max-epochs 4)
fail() {
    echo "slurm search test FAILED: $*" >&2
    for f in "$work"/*.err "$work"/slurm/slurm/*.out; do
        [ -f "$f" ] && { echo "== $f" >&2; tail -20 "$f" >&2; }
    done
    exit 1
}
out=$work/slurm
journal=$out/journal.jsonl
submissions() { [ -f "$journal" ] && grep -c '"submitted"' "$journal" || echo 0; }
first_job() { [ -f "$journal" ] && grep -m1 '"submitted"' "$journal" | sed 's/.*"job":"\([0-9]*\)".*/\1/'; }
epochs_logged() { # ID
    if [ -f "$out/logs/scheme_$1.txt" ]; then grep -c "Test accuracy" "$out/logs/scheme_$1.txt" || true; else echo 0; fi
}
# A task of the first array that has trained 1 of its 2 epochs: "TASK ID".
half_done_task() {
    local job t id
    job=$(first_job)
    [ -n "$job" ] || return 1
    for t in $(squeue -h -j "$job" -t RUNNING -o %K 2>/dev/null); do
        id=$(sed -n "s/^$t) id=\([0-9]*\) .*/\1/p" "$out/slurm/batch-0001-a1.sbatch")
        if [ -n "$id" ] && [ "$(epochs_logged "$id")" = 1 ]; then
            echo "$t $id"
            return 0
        fi
    done
    return 1
}
pick() { victim=$(half_done_task) || return 1; }
second_batch_submitted() { grep -q '"submitted":{"batch":1,' "$journal" 2>/dev/null; }

"${search[@]}" --quiet -o "$work/local" >/dev/null 2>"$work/local.err" || fail "the local search"
echo "slurm search test: local search done ($(($(date +%s) - started)) s)"

"${search[@]}" --dispatch slurm --slurm-poll 1 -o "$out" >/dev/null 2>"$work/first.err" &
pid=$!
wait_for 300 "a task of the first array halfway through its 2 epochs" pick
read -r task id <<<"$victim"
job=$(first_job)
scancel "${job}_$task"
echo "slurm search test: cancelled task $task of job $job (ModelId $id, 1 of 2 epochs logged)"
wait_for 600 "the second batch's submission" second_batch_submitted
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
[ ! -f "$out/ranking.csv" ] || fail "the search finished before it was killed"
grep -q '"submitted":{"batch":0,.*"work":\[\['"$id"',0,2\]\]' "$journal" ||
    fail "the cancelled task (ModelId $id) was not resubmitted alone"
echo "slurm search test: search killed while its second array ran; resuming"

"${search[@]}" --dispatch slurm --slurm-poll 1 -o "$out" >/dev/null 2>"$work/resumed.err" ||
    fail "the resumed search"
grep -q "adopting Slurm job" "$work/resumed.err" || fail "the resumed search did not adopt the running array"
diff "$work/local/ranking.csv" "$out/ranking.csv" >&2 ||
    fail "ranking.csv of --dispatch slurm differs from --dispatch local"
# Every finished epoch was trained once, over all tasks and submissions.
dups=$(cat "$out"/slurm/*.out | sed -n 's/^\(scheme [0-9]* epoch [0-9]*\)\/.*/\1/p' | sort | uniq -d)
[ -z "$dups" ] || fail "epochs trained twice: $dups"
n=$(submissions)

# Out of retries: a 2-candidate search that may not resubmit; the cancelled candidate is
# reported as failed (never picked) and the search goes on with the other.
few=("$bin" search --space crates/cli/tests/fixtures/space/search_space.toml --ids 2-3
    --data "$shared/cifar10/cifar10-jpg.tar.gz" --device cpu --threads 1
    --train-limit 5000 --test-limit 500 --strategy exhaustive --max-epochs 1
    --dispatch slurm --slurm-poll 1 --slurm-retries 0 -o "$work/few")
"${few[@]}" >/dev/null 2>"$work/few.err" &
pid=$!
journal=$work/few/journal.jsonl
running_task() { victim=$(squeue -h -j "$(first_job)" -t RUNNING -o %K 2>/dev/null | head -1) && [ -n "$victim" ]; }
wait_for 120 "a running task of the 2-candidate search" running_task
id=$(sed -n "s/^$victim) id=\([0-9]*\) .*/\1/p" "$work/few/slurm/batch-0001-a1.sbatch")
scancel "$(first_job)_$victim"
wait "$pid" || fail "the search with a cancelled task and no retries"
grep -q "^[0-9]*,$id,.*,diverged$" "$work/few/ranking.csv" ||
    fail "ModelId $id (cancelled, no retries) is not reported as failed: $(cat "$work/few/ranking.csv")"
grep -q "its Slurm task failed 1 time(s)" "$work/few/summary.md" || fail "no failure reason in summary.md"
[ "$(submissions)" = 1 ] || fail "--slurm-retries 0 resubmitted"
echo "slurm search test: a task cancelled with no retries left failed its candidate only"
rm -rf "$work"
echo "slurm search test: passed in $(($(date +%s) - started)) s ($n submissions: a cancelled task resubmitted, a killed search resumed, ranking as local)"
