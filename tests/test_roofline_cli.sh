#!/usr/bin/env bash
# End to end: a run with no ceilings cached measures them once (into a
# temporary $XDG_CACHE_HOME) and places the layer's kernels on them: JSON
# roofline keys, table columns, and a well-formed SVG/CSV/JSON with every
# kernel as a point; --no-roofline skips the roofline.
set -u
. "$(dirname "$0")/lib.sh"
export XDG_CACHE_HOME=$tmp
L="conv:c=16,h=20,k=16,r=3,pad=1"

# --no-roofline: nothing measured, no roofline keys
"$NNB" --layer "$L" --threads 1 --kernels fast --counters none --reps 2 --format json --no-roofline >"$tmp/a.json" 2>"$tmp/a.err" && ok || bad "run with --no-roofline"
grep -q '"roofline"' "$tmp/a.json" && bad "roofline keys with --no-roofline" || ok
ls "$tmp"/nnbench/ceilings-*-1t.txt >/dev/null 2>&1 && bad "--no-roofline measured ceilings" || ok
"$NNB" --layer "$L" --no-roofline --plot "$tmp/x.svg" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--no-roofline with --plot not refused"

# no ceilings cached: the run measures them once, says so, and places its kernels
"$NNB" --layer "$L" --threads 1 --kernels fast --counters none --reps 2 --format json >"$tmp/m.json" 2>"$tmp/m.err" && ok || bad "run without ceilings: $(cat "$tmp/m.err")"
grep -q "measuring them once" "$tmp/m.err" && ok || bad "no line saying the ceilings are measured: $(cat "$tmp/m.err")"
grep -q '"roofline"' "$tmp/m.json" && ok || bad "no roofline keys after measuring the ceilings"
# ceilings measured beside other work are not cached (issue 24): on a busy
# machine the run says so twice (measured again, then not cached) and the
# caching checks below run on the committed ceilings instead
if grep -q "doubtful: .*; not cached" "$tmp/m.err"; then
  grep -q "doubtful: .*; measuring again" "$tmp/m.err" && ok || bad "doubtful ceilings not measured again"
  ls "$tmp"/nnbench/ceilings-*-1t.txt >/dev/null 2>&1 && bad "doubtful ceilings cached" || ok
  echo "NOTE: the machine was busy: ceilings measured while disturbed, not cached; importing the committed ones"
  "$NNB" roofline --import "${NNB_SOURCE_DIR:-.}/results/ceilings-vm-1t.txt" >/dev/null 2>&1 || bad "import"
fi
ls "$tmp"/nnbench/ceilings-*-1t.txt >/dev/null 2>&1 && ok || bad "ceilings not cached under \$XDG_CACHE_HOME/nnbench"
grep -q "^key .*|caches .*|memory .*|os " "$tmp"/nnbench/ceilings-*-1t.txt && ok || bad "cache key is not the whole machine identity"
"$NNB" roofline --threads 1 >"$tmp/ceil.txt" 2>"$tmp/ceil.err" && ok || bad "roofline from the cache: $(cat "$tmp/ceil.err")"
grep -q "measuring\|sweep" "$tmp/ceil.err" && bad "ceilings measured twice" || ok
"$NNB" --layer "$L" --threads 1 --kernels fast --counters none --reps 1 >/dev/null 2>"$tmp/m2.err"
grep -q "measuring them once" "$tmp/m2.err" && bad "second run measured the ceilings again" || ok

"$NNB" --layer "$L" --threads 1 --kernels fast --counters none --reps 2 --format json --plot "$tmp/roof.svg" \
  >"$tmp/b.json" 2>"$tmp/b.err" && ok || bad "run with --plot: $(cat "$tmp/b.err")"
$PY - "$tmp/b.json" "$tmp/roof.svg" <<'PY' && ok || bad "roofline json / svg"
import json, sys, xml.etree.ElementTree as ET
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows, "no rows"
for r in rows:
    rf = r["roofline"]
    assert rf["bound"] == "compute" or rf["bound"].startswith("memory:"), rf
    assert rf["peak_gflops"] > 0 and rf["bw_gbs"] > 0 and rf["attainable_gflops"] > 0, rf
    assert 0 < rf["efficiency"], rf
    assert abs(rf["attainable_gflops"] - min(rf["peak_gflops"], r["analytic"]["ai"] * rf["bw_gbs"])) < 1e-6 * rf["attainable_gflops"], rf
svg = ET.parse(sys.argv[2]).getroot()
assert svg.tag.endswith("svg"), svg.tag
text = " ".join(t.text or "" for t in svg.iter() if t.tag.endswith("text"))
for r in rows:
    assert r["kernel"] in text, (r["kernel"], text[:400])
PY
"$NNB" --layer "$L" --threads 1 --kernels fast --counters none --reps 2 --plot "$tmp/roof.csv" >/dev/null 2>&1 \
  && [ "$(grep -c . "$tmp/roof.csv")" -ge 3 ] && ok || bad "--plot csv"
"$NNB" --layer "$L" --threads 1 --kernels fast --counters none --reps 2 >"$tmp/t.txt" 2>/dev/null \
  && grep -q "bound" "$tmp/t.txt" && ok || bad "table bound column"

finish
