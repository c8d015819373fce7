#!/usr/bin/env bash
# End to end: measure ceilings for one thread into a temporary results dir,
# then place a layer's kernels on them: JSON roofline keys, table columns,
# and a well-formed SVG/CSV/JSON with every kernel as a point.
set -u
. "$(dirname "$0")/lib.sh"
export NNB_RESULTS_DIR=$tmp
L="conv:c=16,h=20,k=16,r=3,pad=1"

# no ceilings yet: the run still works and says why there is no placement
"$NNB" --layer "$L" --threads 1 --kernels fast --counters none --reps 2 --format json >"$tmp/a.json" 2>/dev/null && ok || bad "run without ceilings"
grep -q '"roofline"' "$tmp/a.json" && bad "roofline keys without ceilings" || ok

"$NNB" roofline --threads 1 >"$tmp/ceil.txt" 2>"$tmp/ceil.err" && ok || bad "roofline measure: $(cat "$tmp/ceil.err")"
ls "$tmp"/ceilings-*-1t.txt >/dev/null 2>&1 && ok || bad "ceilings not cached"

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
