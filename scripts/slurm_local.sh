#!/usr/bin/env bash
# A one-node Slurm cluster on this machine for the length of one command:
#
#   scripts/slurm_local.sh COMMAND [ARGS...]
#
# starts munged, slurmctld and slurmd (Debian's slurm-wlm and munge, which
# scripts/setup.sh installs) with a configuration generated into a fresh
# temporary directory, runs COMMAND with SLURM_CONF pointing at it (sbatch,
# squeue, scontrol then talk to this cluster), stops every daemon it started
# and removes the directory. Nothing is left running, nothing under /etc is
# read or written. Exit status: COMMAND's; 77 when Slurm cannot run here
# (not installed, or the daemons do not come up), with the reason on stderr.
#
# The node is this machine as `slurmd -C` sees it (CPUs, sockets, cores,
# threads per core, memory). Each job step gets its own cores:
# select/cons_tres with cores as the consumable resource, and task/affinity
# binds every task to the CPUs it was given, so two 1-CPU tasks run on two
# different cores. Run it as root or as yourself (the daemons then run as
# you, and so do the jobs). Set NNB_SLURM_KEEP=1 to keep the directory
# (logs) for a post-mortem.
set -euo pipefail

die77() { echo "slurm_local: $*" >&2; exit 77; }
[ $# -ge 1 ] || { echo "usage: scripts/slurm_local.sh COMMAND [ARGS...]" >&2; exit 2; }
for b in munged slurmctld slurmd sbatch scontrol sinfo; do
  command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] ||
    die77 "$b not found: install slurm-wlm and munge (scripts/setup.sh does)"
done
export PATH="$PATH:/usr/sbin"

dir=$(mktemp -d "${TMPDIR:-/tmp}/nnb-slurm.XXXXXX")
chmod 700 "$dir"
pids=()
cleanup() {
  local rc=$?
  # the daemons this script started, by their pid, youngest first
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ "${NNB_SLURM_KEEP:-0}" = 1 ]; then echo "slurm_local: kept $dir" >&2; else rm -rf "$dir"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

user=$(id -un)
host=$(hostname -s)
# two free TCP ports for slurmctld and slurmd (a concurrent cluster picks others)
read -r ctld_port slurmd_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

# munge: its own key and socket; the daemon refuses a key others can read
mkdir -m 700 "$dir/munge"
dd if=/dev/urandom of="$dir/munge/key" bs=1024 count=1 status=none
chmod 400 "$dir/munge/key"
munged --foreground --force --socket="$dir/munge/socket" --key-file="$dir/munge/key" \
  --pid-file="$dir/munge/pid" --log-file="$dir/munge/log" --seed-file="$dir/munge/seed" 2>>"$dir/munge/err" &
pids+=($!)
for _ in $(seq 50); do [ -S "$dir/munge/socket" ] && break; sleep 0.1; done
[ -S "$dir/munge/socket" ] || die77 "munged did not start: $(tail -1 "$dir/munge/log" 2>/dev/null)"

# the node as slurmd measures it; RealMemory a little under what it found
node=$(slurmd -C 2>/dev/null | head -1 | sed 's/ RealMemory=.*//' || true)
name=$(echo "$node" | sed -n 's/^NodeName=\([^ ]*\).*/\1/p')
mem=$(slurmd -C 2>/dev/null | head -1 | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' || true)
[ -n "$name" ] && [ -n "$mem" ] || die77 "slurmd -C did not describe this machine: $(slurmd -C 2>&1 | head -1)"
mkdir -p "$dir/state" "$dir/spool"
cat >"$dir/slurm.conf" <<EOF
ClusterName=nnblocal
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
$node RealMemory=$((mem * 9 / 10)) NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
export SLURM_CONF="$dir/slurm.conf"

slurmctld -D -i -f "$SLURM_CONF" 2>>"$dir/slurmctld.err" &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$name" 2>>"$dir/slurmd.err" &
pids+=($!)
# up when the node is idle (the controller has heard from slurmd)
state=
for _ in $(seq 150); do
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && break
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null ||
    die77 "a Slurm daemon exited: $(tail -2 "$dir"/slurm*.log "$dir"/slurm*.err 2>/dev/null | tr '\n' ' ')"; done
  sleep 0.2
done
[ "$state" = idle ] || die77 "the node did not come up (state '${state:-none}'): $(tail -1 "$dir/slurmd.log" 2>/dev/null)"

"$@"
