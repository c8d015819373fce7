"""benchdnn's whole conv/deconv corpus (tests/data/benchdnn, 108 files,
35,431 descriptors) read through nnbench's batch reader (--analytic --format
json, --conv/--deconv as benchdnn's driver) and compared with benchdnn's own
rules (tests/benchdnn_desc.py, a port of str2desc, sanitize_desc,
init_pad_r and count_ops). Every descriptor must be
  exact       every field benchdnn has, far-side padding included (a deconv's
              negative far padding is output padding: the same rows),
  equivalent  the same but a conv far padding benchdnn makes negative by less
              than the stride is 0 (the unread input rows are unread either
              way: same output, same MACs, same valid taps), or
  refused     a real 3-D problem, skipped with its file:line and the reason;
with dense and valid-tap MACs equal to benchdnn's, and the benchdnn string
nnbench prints reading back as the same layer. No silent misread.

Then every other batch file of the corpus (harness_*, test_*, set_*,
option_set_*, perf_*: the shapes under benchdnn's knobs, nested --batch
included) must read, with exactly the layers and the skipped records by
class that this test's own port of the knob rules (KNOB_RULES below, from
benchdnn's parser.cpp and the conv/deconv drivers, independent of
src/spec/knobs.c) derives from the files."""
import collections
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchdnn_desc as B  # noqa: E402

NNBENCH = os.environ.get("NNBENCH", "build/nnbench")
ROOT = os.path.join(os.environ.get("NNB_SOURCE_DIR", "."), "tests", "data", "benchdnn")


def classify(drv, d, L):
    """'exact', 'equivalent' or a string saying what differs."""
    want = {"n": d["mb"], "c": d["ic"], "h": d["ih"], "w": d["iw"], "k": d["oc"], "oh": d["oh"], "ow": d["ow"],
            "kh": d["kh"], "kw": d["kw"], "sh": d["sh"], "sw": d["sw"], "pt": d["ph"], "pl": d["pw"],
            "dh": d["dh"] + 1, "dw": d["dw"] + 1, "groups": d["g"], "bias": True}
    diff = [f"{k}={L[k]} (benchdnn {v})" for k, v in want.items() if L[k] != v]
    if diff:
        return "differs: " + ", ".join(diff)
    cls = "exact"
    for far, pad, outpad, s in (("ph_r", "pb", "oph", "sh"), ("pw_r", "pr", "opw", "sw")):
        if drv == "deconv":
            if L[pad] - L[outpad] != d[far] or min(L[pad], L[outpad]) != 0:
                return f"deconv far padding {pad}={L[pad]} {outpad}={L[outpad]} (benchdnn {d[far]})"
        elif L[outpad] != 0:
            return f"conv output padding {outpad}={L[outpad]}"
        elif L[pad] != d[far]:
            if not (L[pad] == 0 and -d[s] < d[far] < 0):
                return f"conv far padding {pad}={L[pad]} (benchdnn {d[far]})"
            cls = "equivalent"
    return cls


def round_trip(rec):
    """nnbench's benchdnn string reads back (through the CLI's parser) as the
    same layer: every field equal but far padding that no window reaches."""
    return rec["layer"]["benchdnn"]


def _dt_f32(e):
    return e == "" or all(p == "f32" for p in e.split(":"))


# The checked knobs, in the order a descriptor meets them: name, class of a
# skip, entries honoured. A knob none of whose entries is honoured skips the
# descriptor (the first such knob names it); else it runs for the honoured
# entries and each knob with entries dropped adds one skipped record.
KNOB_RULES = [
    ("dir", "backward", lambda e: e.upper() in ("", "FWD_B", "FWD_D", "FWD_I")),
    ("dt", "data_type", _dt_f32),
    ("cfg", "data_type", lambda e: e.lower() in ("", "f32")),
    ("bia-dt", "data_type", lambda e: e in ("", "f32", "undef")),
    ("attr-post-ops", "post_ops", lambda e: e == ""),
    ("attr-scales", "attribute", lambda e: e == ""),
    ("attr-zero-points", "attribute", lambda e: e == ""),
    ("attr-fpmath", "attribute", lambda e: e in ("", "strict")),
    ("attr-rounding-mode", "attribute", lambda e: e in ("", "environment")),
    ("attr-acc-mode", "attribute", lambda e: e in ("", "strict", "relaxed", "any", "f32")),
    ("attr-dropout", "attribute", lambda e: e == ""),
    ("alg", "algorithm", lambda e: e.lower() in ("", "auto", "direct", "convolution_auto", "convolution_direct")),
]
# Hints: accepted, change nothing (parser.cpp's global options and the drivers' layout/implementation knobs).
HINTS = {"stag", "wtag", "dtag", "strides", "allow-enum-tags-only", "attr-scratchpad", "attr-deterministic",
         "attr-same-pd-check", "mode", "mode-modifier", "impl", "skip-impl", "global-impl", "global-skip-impl",
         "ctx-init", "ctx-exe", "num-streams", "stream-kind", "cpu-isa-hints", "engine", "memory-kind",
         "execution-mode", "match", "check-ref-impl", "fast-ref", "mem-check", "cold-cache", "fix-times-per-prb",
         "max-ms-per-prb", "repeats-per-prb", "perf-template", "summary", "verbose", "canonical", "start"}


def bias_runs(values):
    """(with bias, without bias) runs of a descriptor: --dir's forward
    entries (FWD_B: with; FWD_D, FWD_I: without; default FWD_B), then
    --bia-dt (f32 keeps them, undef drops the bias)."""
    dirs = [e.upper() for e in values.get("dir", "").split(",")] if "dir" in values else ["FWD_B"]
    w, wo = any(e in ("", "FWD_B") for e in dirs), any(e in ("FWD_D", "FWD_I") for e in dirs)
    if "bia-dt" in values:
        ents = values["bia-dt"].split(",")
        f32, undef = any(e in ("", "f32") for e in ents), "undef" in ents
        w, wo = w and f32, wo or (w and undef)
    return int(w) + int(wo)


def simulate(path, drv, state, tally):
    """Reads a batch file as the rules say: tally['layers'] and a count per
    skip class; state (driver, mb list, knob values) carries across nested
    files as benchdnn's settings do."""
    for tok, _ in B.batch_tokens(open(path).read()):
        if tok.startswith("--"):
            name, _, value = tok[2:].partition("=")
            if name in ("conv", "deconv"):
                state["drv"] = name
            elif name == "reset":
                state["values"], state["mb"] = {}, []
            elif name == "mb":
                state["mb"] = value.split(",") if value else []
            elif name == "batch":
                simulate(os.path.join(os.path.dirname(path), value), drv, state, tally)
            elif name in dict((r[0], r) for r in KNOB_RULES):
                state["values"][name] = value
            elif name not in HINTS:
                raise RuntimeError(f"{path}: knob {tok} in no rule")
            continue
        values = state["values"]
        dropped, skipped = [], None
        for name, cls, ok in KNOB_RULES:
            if name not in values:
                continue
            ents = values[name].split(",")
            if not any(ok(e) for e in ents):
                skipped = cls
                break
            if not all(ok(e) for e in ents):
                dropped.append(cls)
        if skipped:
            tally[skipped] += 1
            continue
        if B.problem_class(B.str2desc(tok, state["drv"] == "deconv")) == "3d":
            tally["3d"] += 1
            continue
        tally["layers"] += max(1, len(state["mb"])) * bias_runs(values)
        for cls in dropped:
            tally[cls] += 1


def knob_files(failures):
    """Every batch file but the shapes: nnbench's layers and skipped records
    by class against simulate(). Returns the totals."""
    totals = collections.Counter()
    for drv in ("conv", "deconv"):
        for path in sorted(glob.glob(os.path.join(ROOT, drv, "*"))):
            if os.path.basename(path).startswith("shapes_"):
                continue
            want = collections.Counter()
            simulate(path, drv, {"drv": drv, "values": {}, "mb": []}, want)
            try:
                layers, skipped = B.read_with_nnbench(NNBENCH, drv, path)
            except RuntimeError as ex:
                failures.append(str(ex))
                continue
            got = collections.Counter(r["skipped"]["class"] for r in skipped)
            got["layers"] = len(layers)
            want = +want
            if got != want:
                failures.append(f"{os.path.relpath(path, ROOT)}: nnbench {dict(got)}, the rules {dict(want)}")
            totals.update(got)
            totals["files"] += 1
    return totals


def main():
    if not os.path.isdir(ROOT):
        print(f"skip: no corpus at {ROOT}")
        return 77
    counts = collections.Counter()
    failures = []
    back_specs = []
    for drv, path, line, tok, d, c, rec in B.corpus(NNBENCH, ROOT):
        where = f"{os.path.relpath(path, ROOT)}:{line} {tok}"
        if rec is None:
            failures.append(f"{where}: nnbench gave no record")
            continue
        if c == "3d":
            sk = rec["skipped"]
            if sk["spec"] != tok or not sk["where"].endswith(f"{os.path.basename(path)}:{line}") or \
                    "3-D convolution is not supported" not in sk["reason"]:
                failures.append(f"{where}: skipped record {sk}")
            counts["refused (real 3-D)"] += 1
            continue
        L, A = rec["layer"], rec["analytic"]
        cls = classify(drv, d, L)
        if cls not in ("exact", "equivalent"):
            failures.append(f"{where}: {cls}")
            continue
        deconv = drv == "deconv"
        if A["macs"] != B.macs(d, deconv) or A["macs_valid"] != B.valid_macs(d, deconv):
            failures.append(f"{where}: MACs {A['macs']}/{A['macs_valid']} (benchdnn {B.macs(d, deconv)}/"
                            f"{B.valid_macs(d, deconv)})")
            continue
        kind = {3: "1-D", 4: "2-D", 5: "unit-depth 3-D"}[d["ndims"]]
        counts[f"{cls} ({kind})"] += 1
        back_specs.append((where, L))
    # the benchdnn string nnbench prints reads back as the same layer
    batch = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"nnb_corpus_rt_{os.getpid()}")
    with open(batch, "w") as f:
        f.write("\n".join(L["benchdnn"] for _, L in back_specs) + "\n")
    try:
        layers, skipped = B.read_with_nnbench(NNBENCH, "conv", batch)
    finally:
        os.unlink(batch)
    if len(layers) != len(back_specs) or skipped:
        failures.append(f"round trip: {len(layers)} layers, {len(skipped)} skipped of {len(back_specs)}")
    else:
        keys = ("op", "n", "c", "h", "w", "k", "oh", "ow", "kh", "kw", "sh", "sw", "pt", "pl", "dh", "dw", "groups")
        for (where, a), rec in zip(back_specs, layers):
            b = rec["layer"]
            far = all(a[p] - a[o] == b[p] - b[o] for p, o in (("pb", "oph"), ("pr", "opw")))
            if any(a[k] != b[k] for k in keys) or not (far or a["op"] == "conv"):
                failures.append(f"{where}: benchdnn string {a['benchdnn']} reads back as {b['spec']}")
            else:
                counts["round trip"] += 1
    total = sum(v for k, v in counts.items() if k != "round trip")
    for k in sorted(counts):
        print(f"{k:32s} {counts[k]:6d}")
    print(f"{'descriptors':32s} {total:6d}, misread {len(failures)}")
    nfail = len(failures)
    kt = knob_files(failures)
    print(f"knob files: {kt.pop('files', 0)}, layers {kt.pop('layers', 0)}, skipped by class: "
          + ", ".join(f"{k} {v}" for k, v in sorted(kt.items())) + f"; differing {len(failures) - nfail}")
    for f in failures[:30]:
        print("FAIL", f)
    return 1 if failures or total != 35431 else 0


if __name__ == "__main__":
    sys.exit(main())
