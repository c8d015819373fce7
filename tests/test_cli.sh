#!/usr/bin/env bash
# The CLI contract: exit codes, one clear stderr line for bad input, JSON
# keys of DESIGN.md, --out written whole or not at all. The keys, types and
# units of every record are stated in docs/schema.json and checked there by
# tests/test_schema.py; the key checks below stay as a second, by-hand look.
set -u
. "$(dirname "$0")/lib.sh"

# expect_bad DESCRIPTION ARGS...: exit 2, exactly one non-empty stderr line, nothing on stdout
expect_bad() {
  local what=$1; shift
  "$NNB" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  local lines; lines=$(grep -c . "$tmp/err")
  if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$tmp/out" ]; then ok
  else bad "$what: rc=$rc stderr_lines=$lines stdout=$(head -c 200 "$tmp/out") stderr=$(cat "$tmp/err")"; fi
}

# --- the acceptance line of issue 2
"$NNB" --layer conv3x3 --analytic --format json >"$tmp/a.json" 2>"$tmp/err" && ok || bad "conv3x3 analytic json rc"
$PY - "$tmp/a.json" <<'PY' && ok || bad "conv3x3 analytic json values"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 1, rows
r = rows[0]
assert r["schema"] == "nnbench/1"
L, A = r["layer"], r["analytic"]
assert A["params"] == 36928 and A["macs"] == 115605504, A
assert (L["n"], L["k"], L["oh"], L["ow"]) == (1, 64, 56, 56), L
for key in ("name", "spec", "op", "n", "c", "h", "w", "k", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw",
            "groups", "oh", "ow", "bias"):
    assert key in L, key
for key in ("params", "macs", "flops", "bytes_min", "ai"):
    assert key in A, key
assert A["flops"] == 2 * A["macs"] + 64 * 56 * 56
assert abs(A["ai"] - A["flops"] / A["bytes_min"]) < 1e-6 * A["ai"]
assert L["bias"] is True and L["op"] == "conv"
PY

# table: both forms of the layer, thousands separators
"$NNB" --layer conv3x3 --analytic >"$tmp/t.txt" 2>/dev/null && ok || bad "table rc"
grep -q "36,928" "$tmp/t.txt" && grep -q "115,605,504" "$tmp/t.txt" && grep -q "^benchdnn  mb1ic64ih56iw56oc64oh56ow56kh3kw3ph1pw1" "$tmp/t.txt" \
  && grep -q "conv 1x64x56x56 -> 1x64x56x56, 3x3 s1 p1 +bias" "$tmp/t.txt" && ok || bad "table content: $(cat "$tmp/t.txt")"

# csv has a header and one row
"$NNB" --layer conv1x1 --analytic --format csv >"$tmp/c.csv" 2>/dev/null && [ "$(wc -l <"$tmp/c.csv")" -eq 2 ] && ok || bad "csv"

# every preset parses; the list names the required ones
"$NNB" --list >"$tmp/list" 2>&1 && ok || bad "--list"
for p in conv3x3 conv1x1 conv7x7s2 conv5x5 dilated3x3 dwconv3x3 groupconv3x3 deconv4x4s2 fc maxpool3x3s2; do
  grep -q "^  $p " "$tmp/list" && "$NNB" --layer "$p" --analytic --format json >/dev/null 2>&1 && ok || bad "preset $p"
done

# model summary: AlexNet (seed 003): params and MACs (thop)
"$NNB" --model alexnet-seed --analytic --format json >"$tmp/m.json" 2>/dev/null && ok || bad "--model rc"
tail -n 1 "$tmp/m.json" | grep -q '"model":"alexnet-seed","summary":{"params":61264904,"macs":861301280' && ok || bad "alexnet-seed summary: $(tail -n1 "$tmp/m.json")"

# receptive field along AlexNet: conv5 sees 163x163 pixels, pool5 195x195 (jump 32)
$PY - "$tmp/m.json" <<'PY' && ok || bad "alexnet receptive field"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])][:-1]
rf = [r["analytic"]["receptive_field"] for r in rows
      if "receptive_field" in r["analytic"] and r["layer"]["op"] in ("conv", "pool_max")]
assert [x["rf_h"] for x in rf[:8]] == [11, 19, 51, 67, 99, 131, 163, 195], rf
assert rf[7]["jump_h"] == 32
PY

# batch: the ResNet-50 list, one JSON object per layer
"$NNB" --batch "$NNB_SOURCE_DIR/bench/suites/shapes_resnet_50.txt" --analytic --format json >"$tmp/b.json" 2>/dev/null \
  && [ "$(wc -l <"$tmp/b.json")" -eq 20 ] && ok || bad "batch resnet"

# bad input: one line, exit 2
expect_bad "unknown preset" --layer conv3x4
expect_bad "malformed kv" --layer "conv:c=64,h=56,k=64,r=3,pad=1,pad=2"
expect_bad "zero size" --layer "conv:c=0,h=56,k=64,r=3"
expect_bad "negative size" --layer "conv:c=64,h=-56,k=64,r=3"
expect_bad "overflow" --layer "conv:n=100000,c=100000,h=100000,k=100000,r=3,pad=1" --analytic
expect_bad "no output" --layer "conv:c=3,h=2,k=3,r=5" --analytic
expect_bad "bad benchdnn" --layer "mb1ic64ih56oc64kh3qq1"
expect_bad "unknown option" --layer conv3x3 --frobnicate
expect_bad "bad format" --layer conv3x3 --format xml
expect_bad "bad threads" --layer conv3x3 --threads 0
expect_bad "no layer" --analytic
expect_bad "two sources" --layer conv3x3 --model alexnet-seed
expect_bad "unknown model" --model resnet9000
expect_bad "missing batch" --batch /nonexistent/file
expect_bad "stray argument" --layer conv3x3 extra

# runs: --kernels fast leaves out the reference, results carry timing and check
"$NNB" --layer "conv:c=8,h=10,k=8,r=3,pad=1" --kernels fast --counters none --reps 2 --format json >"$tmp/r.json" 2>/dev/null && ok || bad "run rc"
$PY - "$tmp/r.json" <<'PY' && ok || bad "run json"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
names = [r["kernel"] for r in rows]
assert "reference" not in names and "direct" in names and "im2col_gemm" in names, names
assert "direct_oc" in names, names
for r in rows:
    assert r["check"] == "pass" and r["time"]["reps"] >= 2 and r["gflops"] > 0, r
    assert r["counters"]["backend"] == "none" and "flops" not in r["counters"], r["counters"]
    assert r["threads"] >= 1
    # prepare_s: exactly the kernels with a prepare step (direct_oc, onednn where built) report it
    assert ("prepare_s" in r["time"]) == (r["kernel"] in ("direct_oc", "onednn")), r
    assert r["time"].get("prepare_s", 0) >= 0, r
PY
"$NNB" --layer "conv:c=8,h=10,k=8,r=3,pad=1" --kernels direct_oc --counters none --reps 2 >"$tmp/r.txt" 2>/dev/null \
  && grep -q "^prepare   direct_oc .* (weights reordered once, outside the timed runs)" "$tmp/r.txt" && ok || bad "prepare line"
# --time-prepare: prepare inside every timed run, said in JSON and in the table
"$NNB" --layer "conv:c=8,h=10,k=8,r=3,pad=1" --kernels direct,direct_oc --counters none --reps 2 --time-prepare \
  --format json >"$tmp/tp.json" 2>/dev/null && ok || bad "--time-prepare rc"
$PY - "$tmp/tp.json" <<'PY' && ok || bad "--time-prepare json"
import json, sys
rows = {r["kernel"]: r for r in map(json.loads, open(sys.argv[1]))}
assert rows["direct_oc"]["time"]["prepare_timed"] is True, rows["direct_oc"]
assert "prepare_timed" not in rows["direct"]["time"], rows["direct"]
assert rows["direct_oc"]["check"] == "pass"
PY
"$NNB" --layer "conv:c=8,h=10,k=8,r=3,pad=1" --kernels direct_oc --counters none --reps 2 --time-prepare 2>/dev/null \
  | grep -q "^prepare   direct_oc .* (--time-prepare: also inside every timed run above)" && ok || bad "--time-prepare line"
expect_bad "unknown kernel" --layer conv3x3 --kernels nosuch
expect_bad "unsupported kernel" --layer conv3x3 --kernels depthwise
expect_bad "unknown backend" --layer conv3x3 --counters foo
# --counters papi: counts where a PMU is exposed, else exits 2 with one line naming why
"$NNB" --layer "conv:c=4,h=6,k=4,r=3" --counters papi --reps 1 >"$tmp/p.out" 2>"$tmp/p.err"; rc=$?
if [ $rc -eq 0 ] || { [ $rc -eq 2 ] && [ "$(grep -c . "$tmp/p.err")" -eq 1 ] && grep -q "PMU" "$tmp/p.err" && [ ! -s "$tmp/p.out" ]; }; then ok
else bad "--counters papi: rc=$rc $(cat "$tmp/p.err")"; fi

# --out: whole file on success; nothing at all on failure
"$NNB" --layer conv3x3 --analytic --format json --out "$tmp/o.json" >/dev/null 2>&1 && [ -s "$tmp/o.json" ] && ok || bad "--out write"
printf 'mb1ic8ih6oc4kh3ph1\nmb1ic8ih6oc4kh3ph1zz\n' >"$tmp/bad.txt"
expect_bad "bad batch line" --batch "$tmp/bad.txt" --analytic --out "$tmp/never.json"
[ ! -e "$tmp/never.json" ] && [ -z "$(ls "$tmp" | grep never)" ] && ok || bad "--out left a file behind on failure"

# threads: --threads, else OMP_NUM_THREADS (as OpenMP programs read it), else every allowed core
threads_of() { $PY -c 'import json,sys; print(sorted({json.loads(l)["threads"] for l in sys.stdin if l.strip()}))'; }
t=$(OMP_NUM_THREADS=1 "$NNB" --layer "conv:c=4,h=6,k=4,r=3" --kernels direct --counters none --no-roofline --reps 1 --format json 2>/dev/null | threads_of)
[ "$t" = "[1]" ] && ok || bad "OMP_NUM_THREADS=1 without --threads ran with $t"
if [ "$(nproc)" -ge 2 ]; then
  t=$(OMP_NUM_THREADS=1 "$NNB" --layer "conv:c=4,h=6,k=4,r=3" --kernels direct --counters none --no-roofline --reps 1 --threads 2 --format json 2>/dev/null | threads_of)
  [ "$t" = "[2]" ] && ok || bad "--threads 2 must win over OMP_NUM_THREADS=1, ran with $t"
fi
# every core this process may use: distinct (package, core) of the allowed CPUs, as sysfs tells them
cores=$($PY -c '
import os
def rd(c, f): return open(f"/sys/devices/system/cpu/cpu{c}/topology/{f}").read().strip()
print(len({(rd(c, "physical_package_id"), rd(c, "core_id")) for c in os.sched_getaffinity(0)}))' 2>/dev/null || nproc)
t=$(env -u OMP_NUM_THREADS "$NNB" --layer "conv:c=4,h=6,k=4,r=3" --kernels direct --counters none --no-roofline --reps 1 --format json 2>/dev/null | threads_of)
[ "$t" = "[$cores]" ] && ok || bad "without --threads and OMP_NUM_THREADS: one thread per allowed core ($cores) expected, ran with $t"

"$NNB" --help >/dev/null 2>&1 && ok || bad "--help"
"$NNB" --version | grep -q '^nnbench ' && ok || bad "--version"

finish
