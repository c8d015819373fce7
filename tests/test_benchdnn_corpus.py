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
nnbench prints reading back as the same layer. No silent misread."""
import collections
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
    for f in failures[:30]:
        print("FAIL", f)
    return 1 if failures or total != 35431 else 0


if __name__ == "__main__":
    sys.exit(main())
