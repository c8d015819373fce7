#!/usr/bin/env python3
"""In-harness comparison: the best nnbench kernel against oneDNN (the `onednn`
kernel), both run by nnbench itself: the same fill, check, timing loop,
thread binding and clock.

For each minibatch (--mb 1,16,50: the suites' mbN replaced) and thread
count (--threads 1,all), R interleaved rounds: each round is one
`nnbench --batch SUITE --kernels fast --format json` over every layer, so
every kernel of a layer runs back to back and the rounds spread machine
noise over all of them. Per kernel and layer: the median over rounds of
nnbench's per-run median. Ratio = onednn time / best nnbench kernel time
(> 1: ours is faster). Summary: geomean and min ratio per class (dense,
depthwise, grouped conv; other = deconv, fc, pooling), per batch and
thread count, then all of them in one table headed by the CPU and date.

One timing rule for both sides, benchdnn's: a kernel that works in its own
layout (oneDNN always; ours where the table names a layout, e.g. nChw16c)
has its input reordered in prepare, untimed, and its output reordered back
to NCHW after the timed runs; `-- --time-prepare` times those reorders (and
weight packing) inside every run, for both sides: what a framework that
keeps NCHW between layers pays.

Usage: python3 bench/bench_onednn.py [--rounds R] [--threads 1,all]
           [--suite FILE ...] [--layers SUBSTR,...] [--mb 1,16,50] [--nnbench PATH]
Defaults: bench/suites/presets.txt, bench/suites/shapes_resnet_50.txt and
bench/suites/shapes_pool.txt (real networks' pooling layers), each at the
minibatch its lines name (ResNet-50's: benchdnn's 50) unless --mb lists
others, 5 rounds, 1 and all threads. These numbers are per machine: the
summary names the CPU and the date.
"""
import argparse
import datetime
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def read_suite(path, mb):
    rows = []
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if mb is not None:
            line = re.sub(r"(^|[^a-z])mb\d+", lambda m: m.group(1) + "mb%d" % mb, line, count=1)
        rows.append(line)
    return rows


def layer_class(layer):
    if layer["op"] != "conv":
        return "other"
    g = layer["groups"]
    if g == 1:
        return "dense"
    return "depthwise" if g == layer["c"] and layer["k"] % g == 0 else "grouped"


def run_round(nnbench, batch, threads, extra):
    cmd = [nnbench, "--batch", batch, "--kernels", "fast", "--counters", "none", "--format", "json",
           "--threads", str(threads)] + extra
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):
        sys.exit("bench_onednn: %s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr.strip()[-400:]))
    rows = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
    return [r for r in rows if "kernel" in r]


def compare(args, batch, threads):
    times, layers, impl = {}, {}, {}
    for rnd in range(args.rounds):
        for r in run_round(args.nnbench, batch, threads, args.extra):
            key = (r["layer"]["name"], r["layer"]["spec"])
            layers[key] = r["layer"]
            times.setdefault(key, {}).setdefault(r["kernel"], []).append(r["time"]["median_s"])
            impl.setdefault(key, {})[r["kernel"]] = r.get("impl", "")
        print("  threads %s: round %d/%d done" % (threads, rnd + 1, args.rounds), file=sys.stderr)
    out = []
    for key, per_kernel in times.items():
        med = {k: statistics.median(v) for k, v in per_kernel.items()}
        ours = {k: v for k, v in med.items() if k not in ("onednn", "reference")}
        if "onednn" not in med or not ours:
            continue
        best = min(ours, key=ours.get)
        # our kernel's impl names the layout its timed run used (e.g. nChw16c), if not NCHW
        named = "%s (%s)" % (best, impl[key][best]) if impl[key].get(best) else best
        out.append((key, layers[key], named, ours[best], med["onednn"], impl[key].get("onednn", "")))
    return out


def geomean(v):
    return math.exp(sum(math.log(x) for x in v) / len(v))


def report(rows, threads, mb):
    """The layers' table and the class summary of one (batch, threads) run;
    returns {class: [ratios]}"""
    print("\n## %s, %s thread%s\n" % ("as the suites say" if mb is None else "mb %d" % mb, threads,
                                      "" if str(threads) == "1" else "s"))
    print("| layer | class | best nnbench kernel (layout) | nnbench | onednn (impl) | onednn | ratio |")
    print("|---|---|---|---:|---|---:|---:|")
    by_class = {}
    for key, layer, best, t_ours, t_dnnl, impl in rows:
        ratio = t_dnnl / t_ours
        cls = layer_class(layer)
        by_class.setdefault(cls, []).append(ratio)
        print("| %s | %s | %s | %.1f us | %s | %.1f us | %.2f |" % (
            key[0] or key[1], cls, best, t_ours * 1e6, impl, t_dnnl * 1e6, ratio))
    print("\n| class | layers | geomean ratio | min ratio |")
    print("|---|---:|---:|---:|")
    every = [x for v in by_class.values() for x in v]
    for cls, v in sorted(by_class.items()) + [("all", every)]:
        if v:
            print("| %s | %d | %.2f | %.2f |" % (cls, len(v), geomean(v), min(v)))
    return by_class


CLASSES = ("dense", "depthwise", "grouped", "other")


def summary(runs, cpu, date, rounds):
    """One row per (batch, threads): geomean / min per class"""
    print("\n## Summary: %s, %s, %d round%s (ratio = oneDNN time / nnbench time; geomean / min (layers))\n"
          % (cpu, date, rounds, "" if rounds == 1 else "s"))
    print("| mb | threads | " + " | ".join(CLASSES) + " | all |")
    print("|---:|---:|" + "---|" * (len(CLASSES) + 1))
    for mb, threads, by_class in runs:
        cells = []
        for cls in CLASSES + ("all",):
            v = [x for c in by_class for x in by_class[c]] if cls == "all" else by_class.get(cls, [])
            cells.append("%.2f / %.2f (%d)" % (geomean(v), min(v), len(v)) if v else "")
        print("| %s | %s | %s |" % ("suite" if mb is None else mb, threads, " | ".join(cells)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", default="1,all", help="comma list; 'all' = every core")
    ap.add_argument("--suite", action="append", help="layer list (default: presets + ResNet-50 + pooling)")
    ap.add_argument("--layers", help="comma list of substrings: run only the layers that contain one")
    ap.add_argument("--mb", help="comma list of minibatches, each run in turn (the suites' benchdnn mbN "
                    "replaced), e.g. 1,16,50; default: as the suites say")
    ap.add_argument("--nnbench", default=os.path.join(HERE, "..", "build", "nnbench"))
    ap.add_argument("extra", nargs="*", help="more nnbench options after --, e.g. -- --no-check --reps 3")
    args = ap.parse_args()
    suites = args.suite or [os.path.join(HERE, "suites", "presets.txt"),
                            os.path.join(HERE, "suites", "shapes_resnet_50.txt"),
                            os.path.join(HERE, "suites", "shapes_pool.txt")]
    try:
        mbs = [None] if not args.mb else [int(x) for x in args.mb.split(",")]
        thread_list = [os.cpu_count() if t == "all" else int(t) for t in args.threads.split(",")]
    except ValueError:
        sys.exit("bench_onednn: --mb and --threads take comma lists of integers ('all' for every core)")
    if any(m is not None and m < 1 for m in mbs) or any(t < 1 for t in thread_list):
        sys.exit("bench_onednn: --mb and --threads take positive integers")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    cpu = "%s (%d cores online)" % (cpu, os.cpu_count())
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print("# oneDNN vs nnbench, in nnbench: %s, %s; %d rounds" % (cpu, date, args.rounds))
    runs = []
    for mb in mbs:
        specs = [s for f in suites for s in read_suite(f, mb)]
        if args.layers:
            subs = args.layers.split(",")
            specs = [s for s in specs if any(x in s for x in subs)]
        if not specs:
            sys.exit("bench_onednn: no layer selected")
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("\n".join(specs) + "\n")
            batch = f.name
        try:
            for threads in thread_list:
                print("  mb %s, %d thread%s: %d layers" % ("as the suites" if mb is None else mb, threads,
                                                          "" if threads == 1 else "s", len(specs)), file=sys.stderr)
                runs.append((mb, threads, report(compare(args, batch, threads), threads, mb)))
        finally:
            os.unlink(batch)
    summary(runs, cpu, date, args.rounds)


if __name__ == "__main__":
    main()
