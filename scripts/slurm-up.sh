#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine, for the tests and for trying the
# array script: installs Debian's slurm-wlm and munge if missing (apt-get), writes a
# slurm.conf for this host under $NAAP_SLURM_DIR (default /tmp/naap-slurm), and starts
# munged, slurmctld and slurmd directly (no systemd). Needs root. Idempotent: daemons
# already running are left alone.
#
#   bash scripts/slurm-up.sh            # start; prints where the logs are
#   eval "$(bash scripts/slurm-up.sh --env)"   # start, then export SLURM_CONF for sbatch & co.
#   bash scripts/slurm-up.sh --down     # stop the daemons this script started
set -euo pipefail
dir=${NAAP_SLURM_DIR:-/tmp/naap-slurm}
conf=$dir/slurm.conf
mode=${1:-up}

say() { if [ "$mode" = --env ]; then echo "$*" >&2; else echo "$*"; fi; }

stop() {
    for d in slurmd slurmctld; do
        if [ -f "$dir/$d.pid" ] && kill -0 "$(cat "$dir/$d.pid")" 2>/dev/null; then
            kill "$(cat "$dir/$d.pid")"
        fi
    done
    if [ -f "$dir/munged.pid" ] && kill -0 "$(cat "$dir/munged.pid")" 2>/dev/null; then
        kill "$(cat "$dir/munged.pid")"
    fi
    # Wait for them to exit: a cluster started right after (the next test) must not meet a
    # munged still holding its socket, or slurmd cannot authenticate and never registers.
    for d in slurmd slurmctld munged; do
        for _ in $(seq 1 100); do
            [ -f "$dir/$d.pid" ] && kill -0 "$(cat "$dir/$d.pid")" 2>/dev/null || break
            sleep 0.1
        done
    done
}

if [ "$mode" = --down ]; then
    stop
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "slurm-up: needs root (installs packages, runs slurmd)" >&2
    exit 77
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
    say "slurm-up: installing slurm-wlm and munge (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >&2
fi

mkdir -p "$dir/state" "$dir/spool" /run/munge
host=$(hostname -s)
cpus=$(nproc)
# Memory in MB as slurmd sees it, so the node registers without a mismatch.
mem=$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)
cat >"$conf.tmp" <<CONF
# Written by scripts/slurm-up.sh: one node, this machine, everything under $dir.
ClusterName=naap
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
SlurmctldPort=${NAAP_SLURMCTLD_PORT:-6817}
SlurmdPort=${NAAP_SLURMD_PORT:-6818}
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
# No cgroups in containers: track processes by their parent, no task containment.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
# Finished jobs stay visible to scontrol for 10 minutes (the tests read their state).
MinJobAge=600
KillWait=5
SlurmdTimeout=60
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
mv "$conf.tmp" "$conf"

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if ! running "$dir/munged.pid"; then
    chown munge:munge /run/munge
    chmod 0755 /run/munge
    # --force: start over a socket or pid file a killed munged left behind.
    runuser -u munge -- /usr/sbin/munged --force --pid-file=/run/munge/munged.pid
    cp /run/munge/munged.pid "$dir/munged.pid"
fi
if ! running "$dir/slurmctld.pid"; then
    # -i: ignore state files of an earlier cluster in $dir (a fresh start every time).
    /usr/sbin/slurmctld -f "$conf" -i
fi
if ! running "$dir/slurmd.pid"; then
    /usr/sbin/slurmd -f "$conf" -N "$host"
fi

export SLURM_CONF=$conf
# The node is usable once slurmctld has heard from slurmd.
for _ in $(seq 1 60); do
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1 || true)
    case "$state" in
        idle* | mixed* | allocated*) break ;;
    esac
    sleep 1
done
if ! [[ "$state" =~ ^(idle|mixed|allocated) ]]; then
    echo "slurm-up: node $host did not come up (state '${state:-none}'); logs: $dir/slurmctld.log, $dir/slurmd.log" >&2
    exit 1
fi
say "slurm-up: node $host up ($cpus CPUs), SLURM_CONF=$conf, logs in $dir"
if [ "$mode" = --env ]; then
    echo "export SLURM_CONF=$conf"
fi
