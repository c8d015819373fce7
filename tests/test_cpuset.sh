#!/usr/bin/env bash
# Threads stay inside the cpuset the process was given (taskset, and
# hwloc-bind's restriction as a cgroup or a batch system would set it):
# under a one-CPU set nnbench runs and reports that CPU for every thread
# count it accepts, refuses more threads (--threads and OMP_NUM_THREADS)
# with one line naming the set, and the results header records the set
# and the PUs used. The CPU is the last one this test may use, so on any
# machine of 2+ CPUs it is not CPU 0 (where an unrestricted binding lands).
set -u
. "$(dirname "$0")/lib.sh"
unset OMP_NUM_THREADS
command -v taskset >/dev/null || { echo "skipped: taskset not found"; exit 77; }
cpu=$($PY -c 'import os; print(max(os.sched_getaffinity(0)))')
L="conv:c=4,h=6,k=4,r=3"
RUN=(--layer "$L" --kernels direct --counters none --no-roofline --reps 1 --min-time 0)

# every count it accepts: the default (one per allowed core) and --threads 1
for t in "" "--threads 1"; do
  # shellcheck disable=SC2086
  taskset -c "$cpu" "$NNB" "${RUN[@]}" $t --out "$tmp/r.jsonl" >"$tmp/t.txt" 2>"$tmp/t.err" ||
    bad "taskset -c $cpu ${t:-(default threads)}: $(tail -1 "$tmp/t.err")"
  grep -q "^threads   1 (core [0-9]*)" "$tmp/t.txt" && ok || bad "taskset -c $cpu ${t:-default}: $(grep '^threads' "$tmp/t.txt")"
  $PY - "$tmp/r.jsonl" "$cpu" <<'EOF' && ok || bad "taskset -c $cpu ${t:-default}: header and records (above)"
import json, sys
path, cpu = sys.argv[1], sys.argv[2]
lines = [json.loads(l) for l in open(path)]
h = lines[0]["header"]
fails = []
if (h["threads"], h["cpuset"], h["pus_used"]) != (1, cpu, cpu):
    fails.append(f"header threads {h['threads']} cpuset {h['cpuset']} pus_used {h['pus_used']}, want 1 {cpu} {cpu}")
# the record's core is the logical index of the core holding the PU (hwloc's numbering)
want = "core " + h["cores_used"]
for r in lines[1:]:
    if "kernel" in r and r.get("cores") != want:
        fails.append(f"record cores {r.get('cores')!r}, want {want!r}")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
EOF
done
# the table names the same core as the header
core=$($PY -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["header"]["cores_used"])' "$tmp/r.jsonl")
grep -q "^threads   1 (core $core)" "$tmp/t.txt" && ok || bad "table: $(grep '^threads' "$tmp/t.txt"), header core $core"

# more threads than the set holds: refused, one line naming the set
for how in "--threads 2" "OMP_NUM_THREADS=2"; do
  if [ "$how" = "--threads 2" ]; then taskset -c "$cpu" "$NNB" "${RUN[@]}" --threads 2 >/dev/null 2>"$tmp/e.txt"; rc=$?
  else OMP_NUM_THREADS=2 taskset -c "$cpu" "$NNB" "${RUN[@]}" >/dev/null 2>"$tmp/e.txt"; rc=$?; fi
  [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/e.txt")" -eq 1 ] && grep -q "cpuset $cpu\b" "$tmp/e.txt" && ok ||
    bad "$how under taskset -c $cpu: exit $rc, $(cat "$tmp/e.txt")"
done
taskset -c "$cpu" "$NNB" roofline --threads 2 >/dev/null 2>"$tmp/e.txt"
[ $? -eq 2 ] && grep -q "cpuset $cpu\b" "$tmp/e.txt" && ok || bad "roofline --threads 2 under taskset: $(cat "$tmp/e.txt")"

# hwloc-bind restricts the same way (the binding a launcher or cgroup hands down)
if command -v hwloc-bind >/dev/null; then
  hwloc-bind "pu:$cpu" -- "$NNB" "${RUN[@]}" --format json >"$tmp/h.json" 2>"$tmp/h.err" || bad "hwloc-bind pu:$cpu: $(tail -1 "$tmp/h.err")"
  grep -q "\"cores\":\"core $core\"" "$tmp/h.json" && ok || bad "hwloc-bind pu:$cpu: $(grep -o '"cores":"[^"]*"' "$tmp/h.json")"
fi

# SMT, on a synthetic topology over this system's CPUs 0-1 (hwloc reads
# HWLOC_SYNTHETIC; binding is real): one core of two PUs takes one thread by
# default, a second thread on its second PU (said), a third is refused
if [ "$($PY -c 'import os; print(sorted(os.sched_getaffinity(0))[:2])')" = "[0, 1]" ]; then
  smt() { HWLOC_THISSYSTEM=1 HWLOC_SYNTHETIC="pack:1 core:1 pu:2" "$NNB" "$@"; }
  if smt topo | grep -q "cores 1   PUs 2"; then
    smt "${RUN[@]}" >"$tmp/s1.txt" 2>&1
    grep -q "^threads   1 (core 0)" "$tmp/s1.txt" && ok || bad "SMT default: $(grep -m1 '^threads\|nnbench:' "$tmp/s1.txt")"
    smt "${RUN[@]}" --threads 2 --out "$tmp/s2.jsonl" >"$tmp/s2.txt" 2>&1
    grep -q "^threads   2 (core 0 (PUs 0-1) (SMT))" "$tmp/s2.txt" && ok || bad "SMT 2 threads: $(grep -m1 '^threads\|nnbench:' "$tmp/s2.txt")"
    head -1 "$tmp/s2.jsonl" | grep -q '"cores_used":"0","pus_used":"0-1"' && ok || bad "SMT header: $(head -c 300 "$tmp/s2.jsonl")"
    smt "${RUN[@]}" --threads 3 >/dev/null 2>"$tmp/s3.txt"
    [ $? -eq 2 ] && grep -q "1 core (2 PUs), cpuset 0-1; give at most 2 threads" "$tmp/s3.txt" && ok || bad "SMT 3 threads: $(cat "$tmp/s3.txt")"
  else
    echo "note: hwloc ignores HWLOC_SYNTHETIC here; SMT checks not run"
  fi
fi

# the whole allowed set: one thread per core, the header's cpuset is the set
"$NNB" "${RUN[@]}" --out "$tmp/all.jsonl" >/dev/null 2>&1 || bad "run on the whole set"
$PY - "$tmp/all.jsonl" <<'EOF' && ok || bad "whole set: header (above)"
import json, os, sys
h = json.loads(open(sys.argv[1]).readline())["header"]
def cpus(s):
    out = set()
    for p in s.split(","):
        a, _, b = p.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out
allowed, used = cpus(h["cpuset"]), cpus(h["pus_used"])
ok = allowed == os.sched_getaffinity(0) and used <= allowed and len(used) == h["threads"]
print(f"cpuset {h['cpuset']} cores_used {h['cores_used']} pus_used {h['pus_used']} threads {h['threads']}")
sys.exit(0 if ok else 1)
EOF
finish
