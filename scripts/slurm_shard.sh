#!/usr/bin/env bash
# One task of a Slurm job array: its shard of an nnbench run.
#
#   sbatch --array=1-N --cpus-per-task=C scripts/slurm_shard.sh DIR NNBENCH-ARGS...
#
# Task I of N runs `nnbench NNBENCH-ARGS --shard I/N --out DIR/shard-I.jsonl`
# (nnbench from PATH, or $NNBENCH); `nnbench report DIR/shard-*.jsonl`
# then merges the shards into the run's one table. nnbench takes the cores
# Slurm gave the task (its cpuset) and binds one thread per core inside
# them; the results header names them (cpuset, pus_used). The task also
# prints the CPUs it was given and when it started and ended, so a log
# shows which tasks shared the node and when.
set -u
out=${1:?usage: slurm_shard.sh DIR NNBENCH-ARGS...}
shift
i=${SLURM_ARRAY_TASK_ID:?not a Slurm array task}
n=${SLURM_ARRAY_TASK_COUNT:?not a Slurm array task}
cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
echo "task $i/$n on $(hostname -s) cpus $cpus start $(date +%s.%N)"
"${NNBENCH:-nnbench}" "$@" --shard "$i/$n" --out "$out/shard-$i.jsonl"
rc=$?
echo "task $i/$n end $(date +%s.%N) exit $rc"
exit $rc
