#!/usr/bin/env bash
# The README's Slurm example, as tests/test_slurm.sh runs it (the README
# holds the block between the markers verbatim; the test checks that):
#
#   scripts/slurm_example.sh DIR NNBENCH-ARGS...
#
# from the source tree, where sbatch reaches a cluster (any Slurm, or the
# one-node one of scripts/slurm_local.sh) and nnbench is on PATH: a job
# array of 4 one-core tasks, each running its shard of the nnbench run
# (scripts/slurm_shard.sh), waited for, then the shards merged into one
# report. Task logs go to DIR/task-I.txt, shards to DIR/shard-I.jsonl.
set -euo pipefail
dir=${1:?usage: scripts/slurm_example.sh DIR NNBENCH-ARGS...}
shift
mkdir -p "$dir"
# >>> README slurm example
sbatch --wait --array=1-4 --cpus-per-task=1 --output="$dir/task-%a.txt" \
       scripts/slurm_shard.sh "$dir" "$@"
nnbench report "$dir"/shard-*.jsonl
# <<< README slurm example
