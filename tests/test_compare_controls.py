#!/usr/bin/env python3
"""compare's run-to-run floor and per-layer control (issue 24): oneDNN's
pairs, the same library on the same machine in both files, measure the
machine's run-to-run variation. From one real sweep (8 layers, direct and
onednn) B files are made by scaling a kernel's stored times:
- direct x2 in one layer, the control quiet: called slower;
- direct and onednn x2 in another layer: the control moved, nothing in that
  layer is called, and the reason names it;
- the controls scattered by exp(+-0.3): the floor rises above 100%, so a
  1.5x direct is not called, and the summary says it came from 8 pairs;
- B from another machine: no controls, the constant floor, the x2 layer's
  direct called slower again."""
import copy
import json
import math
import os
import subprocess
import sys
import tempfile

NNB = os.environ.get("NNBENCH", "build/nnbench")
fails = []
TIME_KEYS = ("median_s", "min_s", "max_s", "p25_s", "p75_s")


def scale(rec, f):
    t = rec["time"]
    for k in TIME_KEYS:
        t[k] *= f
    t["samples_s"] = [v * f for v in t["samples_s"]]


def write(path, recs):
    with open(path, "w") as fh:
        for r in recs:
            fh.write(json.dumps(r) + "\n")


def compare(tmp, a, b):
    p = subprocess.run([NNB, "compare", a, b], cwd=tmp, capture_output=True, text=True)
    if p.returncode != 0:
        fails.append(f"compare {b}: exit {p.returncode}: {p.stderr.strip()}")
    return p.stdout


SPEC = {}  # sweep point name -> its layer spec, compare's label outside a network


def row(out, layer, kernel):
    layer = SPEC.get(layer, layer)
    for line in out.splitlines():
        f = line.split()
        if len(f) > 2 and f[0] == layer and f[1] == kernel:
            return line
    fails.append(f"no row for {layer} {kernel}")
    return ""


def expect(out, layer, kernel, change, what):
    r = row(out, layer, kernel)
    if r and r.split()[-1] != change:
        fails.append(f"{what}: {layer} {kernel}: want {change}: {r}")


with tempfile.TemporaryDirectory() as tmp:
    a = os.path.join(tmp, "a.jsonl")
    p = subprocess.run([NNB, "--sweep", "c=8:64:+8", "--layer", "conv:c=16,h=14,k=16,r=3,pad=1", "--kernels",
                        "direct,onednn", "--threads", "1", "--counters", "none", "--reps", "5", "--min-time", "0",
                        "--no-roofline", "--out", a], cwd=tmp, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"FAIL: sweep: exit {p.returncode}: {p.stderr.strip()[-400:]}")
        sys.exit(1)
    recs = [json.loads(line) for line in open(a)]
    # a crafted file is about the decision, not this run's noise
    for r in recs:
        if "time" in r:
            r["time"]["disturbed"] = False
            r["time"].pop("disturbed_why", None)
    write(a, recs)
    by = {(r["layer"]["name"], r["kernel"]): r for r in recs if "time" in r}
    SPEC.update({r["layer"]["name"]: r["layer"]["spec"] for r in recs if "time" in r})
    if len(by) != 16:
        fails.append(f"sweep: {len(by)} records, want 16")

    def variant(name, edit, header=None):
        v = copy.deepcopy(recs)
        vb = {(r["layer"]["name"], r["kernel"]): r for r in v if "time" in r}
        edit(vb)
        if header:
            header(v[0]["header"])
        path = os.path.join(tmp, name)
        write(path, v)
        return compare(tmp, a, path)

    def slowed(vb):
        scale(vb[("c=24", "direct")], 2)
        scale(vb[("c=40", "direct")], 2)
        scale(vb[("c=40", "onednn")], 2)

    out = variant("b1.jsonl", slowed)
    expect(out, "c=24", "direct", "slower", "quiet control")
    expect(out, "c=40", "direct", "undecided", "moved control")
    expect(out, "c=40", "onednn", "undecided", "moved control")
    if f"{SPEC.get('c=40')} direct: the control onednn (same library, same machine) moved 2.00x" not in out:
        fails.append(f"moved control: reason not named:\n{out}")
    if "from 8 control pairs" not in out:
        fails.append(f"floor: not from the 8 controls:\n{out}")

    def scattered(vb):
        for i, c in enumerate(range(8, 72, 8)):
            scale(vb[(f"c={c}", "onednn")], math.exp(0.3 * (i % 3 - 1)))  # logs -0.3, 0, 0.3, ...
        scale(vb[("c=24", "direct")], 1.5)

    out = variant("b2.jsonl", scattered)
    expect(out, "c=24", "direct", "-", "wide floor")
    if "robust sd" not in out or "floor, from 8 control pairs" not in out:
        fails.append(f"wide floor: summary does not say where it came from:\n{out}")
    else:
        floor = float(out.split("column min: the ")[1].split("%")[0])
        if not floor > 100:
            fails.append(f"wide floor: {floor}%, want > 100% (3 x 1.4826 x 0.3)")

    def other_machine(h):
        h["machine"]["cpu"] = "Another CPU"

    out = variant("b3.jsonl", slowed, other_machine)
    expect(out, "c=40", "direct", "slower", "other machine: no control")
    if "the constant" not in out:
        fails.append(f"other machine: floor not the constant:\n{out}")

for f in fails:
    print("FAIL:", f)
print("test_compare_controls:", "FAIL" if fails else "ok")
sys.exit(1 if fails else 0)
