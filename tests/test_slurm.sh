#!/usr/bin/env bash
# A real Slurm: scripts/slurm_local.sh starts a one-node cluster on this
# machine (Debian's slurm-wlm and munge; scripts/setup.sh installs them) and
# the README's example (scripts/slurm_example.sh, which the README holds
# verbatim) runs in it: `sbatch --array=1-4 --cpus-per-task=1` of
# `nnbench ... --shard I/4 --out`, waited for, then `nnbench report` over
# the shards. Checked, for a --batch suite and a measured --model split by
# its distinct layers:
#   - every task ran and stored its shard; the merged report's layers and
#     analytic records equal those of the unsharded run;
#   - each shard's header names the cpuset Slurm gave its task (as the task
#     saw it in /proc/self/status) and binds its one thread inside it;
#   - tasks that ran at the same time (their own start/end stamps) ran on
#     different cores, and some did run at the same time (a node of 2+ CPUs).
# Skipped (77) only where Slurm cannot run here at all (slurm_local.sh says why).
set -u
. "$(dirname "$0")/lib.sh"
src=$(cd "${NNB_SOURCE_DIR:-$(dirname "$0")/..}" && pwd)
NNB=$(cd "$(dirname "$NNB")" && pwd)/$(basename "$NNB")
t0=$(date +%s.%N)

# the README's block is the example script's block, verbatim
block() { sed -n '/^# >>> README slurm example$/,/^# <<< README slurm example$/p' "$1" | sed '1d;$d'; }
want=$(block "$src/scripts/slurm_example.sh")
[ -n "$want" ] && ok || bad "scripts/slurm_example.sh has no README block"
have=$(sed -n '/^<!-- >>> README slurm example/,/^<!-- <<< README slurm example/p' "$src/README.md" | sed '1,2d;$d' | sed '$d')
[ "$have" = "$want" ] && ok || bad "README's Slurm example differs from scripts/slurm_example.sh's block:
--- README
$have
--- script
$want"

# the job's view: nnbench on PATH (the example calls it by name), threads
# from the task's cores (OMP_NUM_THREADS would override them)
mkdir -p "$tmp/bin"
ln -s "$NNB" "$tmp/bin/nnbench"
export PATH="$tmp/bin:$PATH" NNBENCH="$NNB"
unset OMP_NUM_THREADS
cat >"$tmp/suite.txt" <<'EOF'
conv:c=8,h=12,k=8,r=3,pad=1
conv:c=16,h=10,k=8,r=1
conv:c=8,h=12,k=16,r=3,stride=2,pad=1
conv:c=16,h=8,k=16,r=3,pad=1,g=4
conv:c=12,h=9,k=12,r=3,pad=1,g=12
conv:c=8,h=16,k=8,r=5,pad=2
conv:c=4,h=14,k=8,r=3,dil=2,pad=2
conv:c=16,h=6,k=32,r=1
EOF
FAST=(--counters none --reps 2 --min-time 0.05 --no-roofline)

cd "$src"
"$src/scripts/slurm_local.sh" bash -c '
  set -e
  timeout 300 scripts/slurm_example.sh "$0/batch" --batch "$0/suite.txt" --kernels fast "${@}" >"$0/batch.report"
  timeout 300 scripts/slurm_example.sh "$0/model" --model mnist_cnn "${@}" >"$0/model.report"
' "$tmp" "${FAST[@]}" 2>"$tmp/slurm.err"
rc=$?
if [ $rc -eq 77 ]; then
  echo "skipped: Slurm cannot run here: $(tail -1 "$tmp/slurm.err")"
  exit 77
fi
[ $rc -eq 0 ] && ok || bad "the Slurm example failed (exit $rc): $(tail -5 "$tmp/slurm.err")"
t1=$(date +%s.%N)

# the same runs unsharded, outside Slurm, for the analytic records
"$NNB" --batch "$tmp/suite.txt" --analytic --format json >"$tmp/batch.whole.json" 2>/dev/null || bad "unsharded --batch --analytic"
"$NNB" --model mnist_cnn --threads 1 "${FAST[@]}" --out "$tmp/model.whole.jsonl" >/dev/null 2>&1 || bad "unsharded --model"
for kind in batch model; do
  "$NNB" report --format json "$tmp/$kind"/shard-*.jsonl >"$tmp/$kind.merged.json" 2>"$tmp/$kind.merged.err" ||
    bad "$kind: report --format json over the shards: $(cat "$tmp/$kind.merged.err")"
done
"$NNB" report --format json "$tmp/model.whole.jsonl" >"$tmp/model.whole.json" 2>/dev/null || bad "report of the unsharded model"

$PY - "$tmp" <<'EOF' && ok || bad "shards under Slurm (above)"
import glob, itertools, json, os, re, sys
tmp = sys.argv[1]
fails = []

def layers(path):
    """(spec, analytic) per distinct layer, in order."""
    out = []
    for line in open(path):
        r = json.loads(line)
        if "layer" not in r or "analytic" not in r:
            continue
        key = (r["layer"].get("spec") or r["layer"].get("name"), json.dumps(r["analytic"], sort_keys=True))
        if not out or out[-1] != key:
            out.append(key)
    return out

def cpus(s):
    got = set()
    for part in s.split(","):
        a, _, b = part.partition("-")
        got.update(range(int(a), int(b or a) + 1))
    return got

for kind, whole in (("batch", "batch.whole.json"), ("model", "model.whole.json")):
    merged, want = layers(f"{tmp}/{kind}.merged.json"), layers(f"{tmp}/{whole}")
    if not want or merged != want:
        fails.append(f"{kind}: merged shards hold {len(merged)} layers, the unsharded run {len(want)}; "
                     f"first difference: {next((m, w) for m, w in itertools.zip_longest(merged, want) if m != w)}")
    tasks = []
    for i in range(1, 5):
        log = open(f"{tmp}/{kind}/task-{i}.txt").read()
        print(f"{kind} task {i}: " + " | ".join(l for l in log.splitlines() if l.startswith("task ")))
        m = re.search(r"task %d/4 on \S+ cpus (\S+) start ([0-9.]+)" % i, log)
        e = re.search(r"task %d/4 end ([0-9.]+) exit 0" % i, log)
        if not m or not e:
            fails.append(f"{kind} task {i}: no start/end lines (log: {log[-300:]!r})")
            continue
        given, start, end = cpus(m.group(1)), float(m.group(2)), float(e.group(1))
        h = json.loads(open(f"{tmp}/{kind}/shard-{i}.jsonl").readline())["header"]
        if h["shard"] != f"{i}/4":
            fails.append(f"{kind} task {i}: header shard {h['shard']}")
        if h.get("cpuset") is None or cpus(h["cpuset"]) != given:
            fails.append(f"{kind} task {i}: Slurm gave cpus {sorted(given)}, the header's cpuset is {h.get('cpuset')}")
        if len(given) != 1:
            fails.append(f"{kind} task {i}: --cpus-per-task=1 gave {sorted(given)}")
        if h["threads"] != len(given):
            fails.append(f"{kind} task {i}: {h['threads']} threads on {len(given)} allowed cores")
        used = cpus(h["pus_used"]) if h.get("pus_used") else set()
        if not used or not used <= given:
            fails.append(f"{kind} task {i}: threads bound to PUs {h.get('pus_used')}, outside its cpus {sorted(given)}")
        tasks.append((i, start, end, used))
    overlaps = 0
    for (i, s1, e1, u1), (j, s2, e2, u2) in itertools.combinations(tasks, 2):
        if s1 < e2 and s2 < e1:
            overlaps += 1
            if u1 & u2:
                fails.append(f"{kind}: tasks {i} and {j} ran at the same time on PUs {sorted(u1 & u2)}")
    print(f"{kind}: {overlaps} pairs of tasks ran at the same time, each pair on different cores")
    if os.cpu_count() >= 2 and len(os.sched_getaffinity(0)) >= 2 and overlaps == 0:
        fails.append(f"{kind}: no two tasks ran at the same time on a node of {os.cpu_count()} CPUs")

for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
EOF
awk -v a="$t0" -v b="$t1" -v c="$(date +%s.%N)" 'BEGIN { printf "the cluster and its two arrays took %.1f s, the whole test %.1f s\n", b - a, c - a }'
finish
