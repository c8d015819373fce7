#!/usr/bin/env bash
# End to end: a measured network (--model without --analytic) and sweeps.
# Model: every distinct layer once with its multiplicity; the summary's
# time is the sum of each layer's best median x repeat, recomputed here
# from the records; shares sum to 1. Sweeps: refusals (one line, exit 2),
# and the picture: an SVG with one GFLOP/s line and one roofline
# trajectory per kernel.
set -u
. "$(dirname "$0")/lib.sh"

check_model() { # $1 model: records on stdout, validated against the rules
  "$NNB" --model "$1" --threads 1 --format json >"$tmp/$1.json" 2>"$tmp/$1.err" || { bad "$1: $(tail -1 "$tmp/$1.err")"; return; }
  $PY - "$tmp/$1.json" "$1" <<'PY' && ok || bad "$1 records"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
summ = rows[-1]
assert summ["model"] == sys.argv[2], summ
layers = {}
for r in rows[:-1]:
    assert "repeat" in r and "index" in r, r
    layers.setdefault(r["index"], []).append(r)
# multiplicities: every layer of the network stands in exactly one record group
total = sum(g[0]["repeat"] for g in layers.values())
assert total == summ["summary"]["layers"], (total, summ["summary"]["layers"])
assert all(len({x["repeat"] for x in g}) == 1 for g in layers.values())
# time = sum over distinct layers of the best (passing) median x repeat
t, by = 0.0, {}
for g in layers.values():
    runs = [x for x in g if "kernel" in x and x["check"] != "fail"]
    if not runs: continue
    best = min(x["time"]["median_s"] for x in runs)
    t += best * g[0]["repeat"]
    by[g[0]["layer"]["op"]] = by.get(g[0]["layer"]["op"], 0) + best * g[0]["repeat"]
s = summ["summary"]
# each printed time has 9 significant digits: relative rounding <= 5e-9 per term and in time_s
assert abs(s["time_s"] - t) <= 2e-8 * t, (s["time_s"], t)
assert abs(sum(s["share_by_type"].values()) - 1) <= 1e-8, s["share_by_type"]
for op, v in by.items():
    assert abs(s["share_by_type"][op] - v / t) <= 1e-7, (op, s["share_by_type"][op], v / t)
flops = sum(g[0]["analytic"]["flops"] * g[0]["repeat"] for g in layers.values() if any("kernel" in x for x in g))
assert abs(s["gflops"] - flops / t * 1e-9) <= 1e-7 * s["gflops"], (s["gflops"], flops / t * 1e-9)
assert s["params"] == sum(g[0]["analytic"]["params"] * g[0]["repeat"] for g in layers.values())
# the reference checks but is not timed where another kernel runs the layer
for g in layers.values():
    ks = [x["kernel"] for x in g if "kernel" in x]
    assert "reference" not in ks or ks == ["reference"], ks
PY
}
check_model mnist_cnn
check_model mobilenet_block
# mobilenet_block repeats its bn: 4 layers, 3 distinct
[ "$($PY -c "import json,sys; print(len({json.loads(l).get('index') for l in open('$tmp/mobilenet_block.json') if 'index' in l}))")" = 3 ] \
  && ok || bad "mobilenet_block: 3 distinct layers expected"
[ "$($PY -c "import json; print(sum(1 for l in open('$tmp/mobilenet_block.json') if (lambda r: r.get('index') == 1 and r.get('repeat') == 2)(json.loads(l))))")" -ge 1 ] \
  && ok || bad "bn x2"
grep -q 'not timed' "$tmp/mobilenet_block.err" && ok || bad "untimed layers not announced"

# the table: one row per timed distinct layer, the totals
"$NNB" --model mnist_cnn --threads 1 >"$tmp/t.txt" 2>/dev/null && grep -q '^time ' "$tmp/t.txt" \
  && grep -q 'best kernel' "$tmp/t.txt" && grep -q '^share ' "$tmp/t.txt" && ok || bad "model table"
"$NNB" --model mnist_cnn --kernels nosuch >/dev/null 2>"$tmp/e" ; [ $? = 2 ] && [ "$(wc -l <"$tmp/e")" = 1 ] && ok || bad "bad --kernels"

# sweep refusals: one line, exit 2, nothing on stdout
refuse() { # $@ arguments after --layer conv3x3; the line must contain $1
  want=$1; shift
  "$NNB" --layer conv3x3 "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
  [ $rc = 2 ] && [ "$(wc -l <"$tmp/e")" = 1 ] && [ ! -s "$tmp/o" ] && grep -q -- "$want" "$tmp/e" && ok \
    || bad "sweep $*: rc $rc, $(cat "$tmp/e")"
}
refuse "missing ':'" --sweep c=16
refuse "STEP '+0'" --sweep c=16:64:+0
refuse "x1" --sweep c=16:64:x1
refuse "below FROM" --sweep c=64:16
refuse "unknown key 'q'" --sweep q=1:4
refuse "not an integer" --sweep c=1:99999999999999999999
refuse "max-points 4" --sweep c=1:5 --max-points 4
# no STEP: every value up to 32 points, else doubling; stderr says which, and the points run are those
for case in "c=16:256 x2 5" "c=16:20 +1 5" "c=16:47 +1 32" "c=16:48 x2 2"; do
  set -- $case
  "$NNB" --layer conv1x1 --sweep "$1" --analytic --format json >"$tmp/o" 2>"$tmp/e"
  n=$(grep -c '"analytic"' "$tmp/o")
  grep -q -- "--sweep $1: no STEP given: $2, $3 points" "$tmp/e" && [ "$n" = "$3" ] && ok \
    || bad "sweep $1 without STEP: want $2, $3 points; got $n records, stderr $(head -1 "$tmp/e")"
done
refuse "none of the" --sweep g=5:7
refuse "same layer field" --sweep pad=0:1 --sweep ph=0:1
"$NNB" --model mnist_cnn --sweep c=1:2 >/dev/null 2>"$tmp/e"; [ $? = 2 ] && grep -q "applies to --layer" "$tmp/e" && ok || bad "sweep on a model"

# a sweep with its picture (placed on the ceilings seeded into the test cache)
"$NNB" --layer conv:c=8,h=12,k=8,r=3,pad=1 --sweep c=8:32:x2 --kernels direct,im2col_gemm --threads 1 \
  --counters none --reps 2 --min-time 0 --format json --plot "$tmp/s.svg" >"$tmp/s.json" 2>"$tmp/s.err" \
  && ok || bad "sweep run: $(tail -2 "$tmp/s.err")"
$PY - "$tmp/s.json" "$tmp/s.svg" <<'PY' && ok || bad "sweep records / svg"
import json, sys, xml.etree.ElementTree as ET
rows = [json.loads(l) for l in open(sys.argv[1])]
assert sorted({r["layer"]["c"] for r in rows}) == [8, 16, 32], rows
assert {r["kernel"] for r in rows} == {"direct", "im2col_gemm"}
svg = ET.parse(sys.argv[2]).getroot()
assert svg.tag.endswith("svg")
lines = [e for e in svg.iter() if e.tag.endswith("polyline")]
for cls in ("gflops", "trajectory"):
    mine = [e for e in lines if e.get("class") == cls]
    assert sorted(e.get("data-series") for e in mine) == ["direct", "im2col_gemm"], (cls, [e.attrib for e in mine])
    for e in mine:
        assert len(e.get("points").split()) == 3, e.attrib
PY

finish
