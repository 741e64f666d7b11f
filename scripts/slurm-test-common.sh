# Sourced by the Slurm tests (scripts/test-slurm.sh, scripts/test-slurm-search.sh): skips
# (exit 0) unless root, starts the single-node cluster (scripts/slurm-up.sh) and stops it on
# exit, and sets `started`, `shared`, `bin` and `work` (a fresh folder named after $1).
# The test defines fail() (its failure report), which wait_for calls.
#
#   source scripts/slurm-test-common.sh NAME "DESCRIPTION"
if [ "$(id -u)" != 0 ]; then
    echo "SKIP $2: starting slurmctld/slurmd and installing slurm-wlm needs root"
    exit 0
fi
started=$(date +%s)
shared=${NAAP_SHARED_DIR:-../shared}
bin=$(realpath "${NAAP_BIN:-target/debug/naap}")
eval "$(bash scripts/slurm-up.sh --env)"
work=$(mktemp -d "/tmp/$1.XXXXXX")
trap 'bash scripts/slurm-up.sh --down' EXIT

wait_for() { # SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds
    local limit=$1 what=$2
    shift 2
    for _ in $(seq 1 $((limit * 20))); do
        if "$@"; then return 0; fi
        sleep 0.05
    done
    fail "timed out after ${limit}s waiting for $what"
}
