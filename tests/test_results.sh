#!/usr/bin/env bash
# Results files: --out's header record, nnbench report (stored runs render
# exactly as the live run did; shards merge into the whole), nnbench compare,
# and the refusal of every file that is not a results file (one line naming
# file and line, exit 2).
set -u
. "$(dirname "$0")/lib.sh"

run() { "$NNB" --kernels fast --reps 2 --min-time 0 --counters none "$@"; }

cat >"$tmp/small.txt" <<'EOF'
conv:c=4,h=8,k=4,r=3,pad=1
conv:c=8,h=6,k=8,r=1
mb1ic4ih8oc4oh4kh3sh2ph1
conv:c=4,h=7,k=8,r=3,g=2
deconv:c=4,h=4,k=4,r=2,stride=2
EOF

# --- round trip: the stored run renders exactly as the live one, in every format
for fmt in table csv json; do
  run --batch "$tmp/small.txt" --format $fmt --out "$tmp/r_$fmt.jsonl" >"$tmp/live_$fmt" 2>/dev/null \
    && ok || bad "live run ($fmt)"
  "$NNB" report --format $fmt "$tmp/r_$fmt.jsonl" >"$tmp/rep_$fmt" 2>"$tmp/rep_err" && ok || bad "report ($fmt)"
  cmp -s "$tmp/live_$fmt" "$tmp/rep_$fmt" && ok || bad "report --format $fmt differs from the live run: $(diff "$tmp/live_$fmt" "$tmp/rep_$fmt" | head -5)"
done
[ "$(grep -c '^kernel ' "$tmp/rep_table")" -eq 5 ] && ok || bad "report table: 5 layers with kernel tables"
grep -q "^nnbench report: $tmp/r_json.jsonl: .* threads " "$tmp/rep_err" && ok || bad "report states the file's origin on stderr: $(cat "$tmp/rep_err")"
# a model with its summary, --analytic
"$NNB" --model mnist_cnn --analytic --out "$tmp/m.jsonl" >"$tmp/m_live" 2>/dev/null && ok || bad "model --out"
"$NNB" report "$tmp/m.jsonl" >"$tmp/m_rep" 2>/dev/null && cmp -s "$tmp/m_live" "$tmp/m_rep" && ok || bad "model report differs"
grep -q '^model mnist_cnn: ' "$tmp/m_rep" && ok || bad "model summary line"
# shards of a sweep merge into the whole sweep; shards of a measured network into its table
"$NNB" --layer conv1x1 --sweep c=16:128:x2 --analytic >"$tmp/sw_whole" 2>/dev/null && ok || bad "sweep --analytic"
for i in 1 2; do
  "$NNB" --layer conv1x1 --sweep c=16:128:x2 --analytic --shard $i/2 --out "$tmp/sw$i.jsonl" >/dev/null 2>&1 \
    && ok || bad "sweep shard $i/2"
done
"$NNB" report "$tmp/sw2.jsonl" "$tmp/sw1.jsonl" 2>/dev/null | cmp -s - "$tmp/sw_whole" && ok || bad "sweep shards do not merge into the whole sweep"
for i in 1 2; do
  run --model mobilenet_block --no-roofline --shard $i/2 --out "$tmp/ms$i.jsonl" >/dev/null 2>&1 && ok || bad "model shard $i/2"
done
run --model mobilenet_block --no-roofline >"$tmp/ms_whole" 2>/dev/null && ok || bad "model run"
"$NNB" report "$tmp/ms1.jsonl" "$tmp/ms2.jsonl" >"$tmp/ms_merged" 2>/dev/null && ok || bad "report of model shards"
# the same distinct layers, repeats and best-kernel rows in the same order (times differ run to run)
cmp -s <(cut -c1-70 "$tmp/ms_whole" | head -4) <(cut -c1-70 "$tmp/ms_merged" | head -4) && ok \
  || bad "model shards do not merge into the network table: $(diff <(cut -c1-70 "$tmp/ms_whole") <(cut -c1-70 "$tmp/ms_merged") | head -4)"
grep -q '^model mobilenet_block: 4 layers, params 18,048' "$tmp/ms_merged" && ok || bad "merged model summary"
# a measured network (distinct layers, repeats, best kernel, totals), in every format
for fmt in table json csv; do
  run --model mobilenet_block --format $fmt --out "$tmp/mm_$fmt.jsonl" >"$tmp/mm_live_$fmt" 2>/dev/null \
    && ok || bad "measured model --out ($fmt)"
  "$NNB" report --format $fmt "$tmp/mm_$fmt.jsonl" >"$tmp/mm_rep_$fmt" 2>/dev/null \
    && cmp -s "$tmp/mm_live_$fmt" "$tmp/mm_rep_$fmt" && ok || bad "measured model report ($fmt) differs: $(diff "$tmp/mm_live_$fmt" "$tmp/mm_rep_$fmt" | head -3)"
done

# --- the header record
$PY - "$tmp/r_table.jsonl" "$tmp/m.jsonl" <<'PY' && ok || bad "header record"
import json, re, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
h = rows[0]["header"]
assert rows[0]["schema"] == "nnbench/1" and all("header" not in r for r in rows[1:])
assert len(rows) == 1 + 5 * 0 + sum(1 for r in rows[1:] if "kernel" in r) and len(rows) > 6, len(rows)
m, s = h["machine"], h["software"]
for k in ("cpu", "flags", "cores", "caches", "memory_bytes", "os", "hostname"):
    assert k in m, k
assert isinstance(m["flags"], list) and m["cores"] >= 1 and m["memory_bytes"] > 0
for k in ("nnbench", "git", "compiler", "cflags", "openblas", "papi", "hwloc", "valgrind", "onednn"):
    assert k in s, k
assert s["git"] and s["openblas"]["core"] and re.match(r"\d+\.\d+", s["openblas"]["version"]), s
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", h["date"]), h["date"]
assert h["argv"][1:] == ["--kernels", "fast", "--reps", "2", "--min-time", "0", "--counters", "none", "--batch",
                         sys.argv[1].replace("r_table.jsonl", "small.txt"), "--format", "table", "--out", sys.argv[1]], h["argv"]
assert h["threads"] >= 1 and h["analytic"] is False and h["shard"] is None
# every kernel record says which BLAS it ran on
assert all(r["openblas"]["core"] == s["openblas"]["core"] for r in rows[1:] if "kernel" in r)
m = [json.loads(l) for l in open(sys.argv[2])]
assert m[0]["header"]["analytic"] is True and m[0]["header"]["threads"] is None
assert "summary" in m[-1] and m[-1]["model"] == "mnist_cnn"
PY

# --- shards: deterministic slices that merge into the whole run
"$NNB" --batch "$tmp/small.txt" --analytic >"$tmp/whole" 2>/dev/null
for i in 1 2 3; do
  "$NNB" --batch "$tmp/small.txt" --analytic --shard $i/3 --out "$tmp/s$i.jsonl" >"$tmp/s$i.out" 2>/dev/null \
    && ok || bad "shard $i/3"
done
[ "$(grep -c '^layer ' "$tmp/s1.out")" -eq 1 ] && [ "$(grep -c '^layer ' "$tmp/s2.out")" -eq 2 ] \
  && [ "$(grep -c '^layer ' "$tmp/s3.out")" -eq 2 ] && ok || bad "shard sizes 1,2,2 of 5"
"$NNB" report "$tmp/s3.jsonl" "$tmp/s1.jsonl" "$tmp/s2.jsonl" >"$tmp/merged" 2>/dev/null && ok || bad "report shards"
cmp -s "$tmp/whole" "$tmp/merged" && ok || bad "shards merged differ from the whole run: $(diff "$tmp/whole" "$tmp/merged" | head)"
grep -q '"shard":"2/3"' "$tmp/s2.jsonl" && ok || bad "header records the shard"
# measured shards merge too: every layer once, in order
for i in 1 2; do run --batch "$tmp/small.txt" --shard $i/2 --out "$tmp/m$i.jsonl" >/dev/null 2>&1; done
"$NNB" report "$tmp/m2.jsonl" "$tmp/m1.jsonl" >"$tmp/mm" 2>/dev/null && ok || bad "report measured shards"
diff <(grep '^spec ' "$tmp/mm") <(grep '^spec ' "$tmp/live_table") >/dev/null && ok || bad "measured shards: layers"

# --- compare
run --batch "$tmp/small.txt" --out "$tmp/r2.jsonl" >/dev/null 2>&1
"$NNB" compare "$tmp/r_json.jsonl" "$tmp/r2.jsonl" >"$tmp/cmp" 2>"$tmp/cmp_err" && ok || bad "compare rc: $(cat "$tmp/cmp_err")"
pairs=$(grep -c '"kernel"' "$tmp/r2.jsonl")
grep -q "^$pairs compared: " "$tmp/cmp" && ok || bad "compare pairs every record ($pairs): $(tail -1 "$tmp/cmp")"
grep -q "^A  $tmp/r_json.jsonl: " "$tmp/cmp" && grep -q "^B  $tmp/r2.jsonl: " "$tmp/cmp" && ok || bad "compare headers"
# crafted from r2 (marked undisturbed, so the test decides, whatever the load
# was): B twice as slow, every sample, but for the controls (onednn: the same
# library on the same machine, left as it was, else nothing in its layer is
# called); one kernel 3% slower (below the minimum effect); one only in A;
# one disturbed in B (never called, named). The counts expected go to expect.
$PY - "$tmp/r2.jsonl" "$tmp/quiet.jsonl" "$tmp/slow.jsonl" "$tmp/expect" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def scale(t, f):
    for k in ("median_s", "min_s", "max_s", "p25_s", "p75_s"): t[k] *= f
    t["samples_s"] = [s * f for s in t["samples_s"]]
for r in rows[1:]:                              # tight samples around the median: a quiet run
    if "kernel" not in r: continue
    t = r["time"]; m = t["median_s"]
    t["samples_s"] = [m * (0.98 + 0.002 * i) for i in range(21)]
    t.update(min_s=m * 0.98, max_s=m * 1.02, p25_s=m * 0.99, p75_s=m * 1.01, disturbed=False)
    t.pop("disturbed_why", None)
out, seen, slower, same = [rows[0]], 0, 0, 1
for r in json.loads(json.dumps(rows))[1:]:
    if "kernel" not in r: out.append(r); continue
    seen += 1
    if seen == 1: continue                      # dropped: only in A
    t = r["time"]
    if seen == 2: scale(t, 1.03)                # below the minimum effect
    elif seen == 3: t["disturbed"] = True; t["disturbed_why"] = "other processes 50% of 2 CPUs"; scale(t, 2)
    elif r["kernel"] == "onednn": same += 1     # a quiet control
    else: scale(t, 2); slower += 1
    out.append(r)
with open(sys.argv[4], "w") as f: f.write(f"{slower} {same}\n")
for path, rs in ((sys.argv[2], rows), (sys.argv[3], out)):
    with open(path, "w") as f:
        for r in rs: f.write(json.dumps(r, separators=(",", ":")) + "\n")
PY
"$NNB" compare "$tmp/quiet.jsonl" "$tmp/slow.jsonl" >"$tmp/cmp2" 2>/dev/null && ok || bad "compare exits 0 without --fail-on-slower"
n=$((pairs - 1))
read -r want_slower want_same <"$tmp/expect"
[ "$want_slower" -gt 0 ] && ok || bad "the crafted B slows no kernel"
grep -q "^$n compared: $want_slower slower, 0 faster, $want_same no change called, 1 undecided" "$tmp/cmp2" && ok || bad "compare calls: $(tail -2 "$tmp/cmp2")"
[ "$(grep -c '^only in A ' "$tmp/cmp2")" -eq 1 ] && ok || bad "compare: the record only in A"
[ "$(grep -E -c ' 2 +[0-9.e-]+ +[0-9]+%  slower$' "$tmp/cmp2")" -eq "$want_slower" ] && ok || bad "compare: ratio 2 and slower"
grep -q "B disturbed: other processes 50% of 2 CPUs" "$tmp/cmp2" && ok || bad "compare names the disturbed pair"
"$NNB" compare --fail-on-slower "$tmp/quiet.jsonl" "$tmp/slow.jsonl" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "--fail-on-slower exits 1"
"$NNB" compare --fail-on-slower "$tmp/slow.jsonl" "$tmp/quiet.jsonl" >/dev/null 2>&1 && ok || bad "--fail-on-slower: faster is no failure"
"$NNB" compare --fail-on-slower "$tmp/r2.jsonl" "$tmp/r2.jsonl" >/dev/null 2>&1 && ok || bad "a run against itself is no change"

# --- refusals: one line naming the file (and line), exit 2, nothing on stdout
# refused PATTERN CMD...: the stderr line must match PATTERN
refused() {
  local pat=$1; shift
  "$NNB" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ $rc -eq 2 ] && [ "$(grep -c . "$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] && grep -qE -- "$pat" "$tmp/err"; then ok
  else bad "refusal '$pat': rc=$rc stdout=$(head -c 100 "$tmp/out") stderr=$(cat "$tmp/err")"; fi
}
good=$tmp/r_json.jsonl
head=$(head -1 "$good")
rec=$(sed -n 2p "$good")
f=$tmp/bad
head -c -40 "$good" >"$f.trunc";                      refused "bad.trunc:[0-9]+: truncated record" report "$f.trunc"
sed '2s/nnbench\/1/nnbench\/2/' "$good" >"$f.schema";  refused "bad.schema:2: schema is not" report "$f.schema"
echo '[1,2,3]' >"$f.array";                           refused "bad.array:1: an array, not an object" report "$f.array"
head -c 3000 /bin/ls >"$f.bin";                       refused "bad.bin:1: " report "$f.bin"
: >"$f.empty";                                        refused "bad.empty:1: empty file" report "$f.empty"
sed 1d "$good" >"$f.nohead";                          refused "bad.nohead:1: no header record" report "$f.nohead"
{ echo "$head"; echo "$head"; } >"$f.twohead";       refused "bad.twohead:2: a second header record" report "$f.twohead"
{ echo "$head"; echo "${rec/\"c\":4,/\"c\":\"4\",}"; } >"$f.type"; refused 'bad.type:2: key layer.c: expected an integer, got a string' report "$f.type"
{ echo "$head"; sed -E 's/"reps":([0-9]+)/"reps":\1.0/' <<<"$rec"; } >"$f.real"; refused 'bad.real:2: key time.reps: expected an integer' report "$f.real"
{ echo "$head"; echo "${rec/\"oh\":8/\"oh\":9}"; } >"$f.shape"; refused 'bad.shape:2: layer: stored output 9x8' report "$f.shape"
{ echo "$head"; echo "${rec/\"kernel\":/\"kernel\":1,\"kernel\":}"; } >"$f.dup"; refused 'bad.dup:2: not JSON: duplicate object key' report "$f.dup"
{ echo "$head"; echo; echo "$rec"; } >"$f.blank";    refused "bad.blank:2: empty line" report "$f.blank"
{ echo "$head"; echo '{"schema":"nnbench/1","foo":1}'; } >"$f.kind"; refused "bad.kind:2: neither a layer record" report "$f.kind"
{ echo "${head/\"analytic\":false/\"analytic\":true}"; echo "$rec"; } >"$f.mode"; refused "bad.mode:2: a kernel's record" report "$f.mode"
{ echo "${head/\"shard\":null/\"shard\":\"4/3\"}"; } >"$f.shard"; refused "bad.shard:1: key header.shard" report "$f.shard"
{ cat "$tmp/m.jsonl"; sed -n 2p "$tmp/m.jsonl"; } >"$f.after"; refused "bad.after:[0-9]+: a record after the model's summary" report "$f.after"
refused "nosuch.jsonl: cannot open" report "$tmp/nosuch.jsonl"
refused "bad.trunc:[0-9]+: truncated" compare "$good" "$f.trunc"
refused "bad.array:1: " compare "$f.array" "$good"
# files that are no one suite
sed '1s/"cpu":"[^"]*"/"cpu":"Other CPU"/' "$good" >"$f.cpu"; refused "differ in header.machine.cpu .* not one machine" report "$good" "$f.cpu"
refused "shards, but 2 files were given" report "$tmp/s1.jsonl" "$tmp/s2.jsonl"
refused "are both shard 1/3" report "$tmp/s1.jsonl" "$tmp/s1.jsonl" "$tmp/s2.jsonl"
refused "is a shard but" report "$tmp/s1.jsonl" "$tmp/m.jsonl"
"$NNB" --batch "$tmp/small.txt" --analytic --format csv --shard 2/3 --out "$tmp/o2.jsonl" >/dev/null 2>&1
refused "different command lines" report "$tmp/s1.jsonl" "$tmp/o2.jsonl" "$tmp/s3.jsonl"
refused "with --analytic: no times" compare "$tmp/m.jsonl" "$good"
refused "unknown option" report --bogus "$good"
refused "no results file given" report
refused "give two results files" compare "$good"
# --shard's own refusals
for s in 0/3 4/3 1/0 x 1/ /3 1/3x -1/3; do refused "--shard needs I/N" --batch "$tmp/small.txt" --analytic --shard "$s"; done
refused "--shard slices a --batch, --sweep or measured --model run" --layer conv3x3 --analytic --shard 1/2
refused "--analytic runs the whole network at once" --model resnet18 --analytic --shard 1/2

finish
