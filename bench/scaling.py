#!/usr/bin/env python3
"""OpenMP scaling of every kernel: GFLOP/s and speedup over 1 thread for
thread counts 1, 2, 4, ... up to the core count, on the presets (or the
layers given). Runs `nnbench --format json --counters none`, one process per
(layer, threads), so each run binds its own threads with hwloc.

    python3 bench/scaling.py [--nnbench build/nnbench] [--threads 1,2,4,8,16] [LAYER ...]
"""
import argparse
import json
import os
import subprocess
import sys

DEFAULT_LAYERS = ["conv3x3", "conv1x1", "conv7x7s2", "dwconv3x3", "groupconv3x3", "deconv4x4s2", "fc"]


def run(nnbench, layer, threads):
    cmd = [nnbench, "--layer", layer, "--threads", str(threads), "--counters", "none", "--format", "json",
           "--min-time", "0.3"]
    cmd += ["--kernels", os.environ.get("NNB_SCALING_KERNELS", "fast")]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {r.returncode}: {r.stderr.strip()}")
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    return {row["kernel"]: row for row in rows}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nnbench", default="build/nnbench")
    ap.add_argument("--threads", default=None, help="comma list (default: powers of two up to the cores)")
    ap.add_argument("layers", nargs="*")
    a = ap.parse_args()
    cores = os.cpu_count() or 1
    if a.threads:
        counts = [int(t) for t in a.threads.split(",")]
    else:
        counts, t = [], 1
        while t < cores:
            counts.append(t)
            t *= 2
        counts.append(cores)
    layers = a.layers or DEFAULT_LAYERS
    print(f"# GFLOP/s (speedup over 1 thread), medians; {cores} cores", flush=True)
    print("%-14s %-18s" % ("layer", "kernel") + "".join("%16s" % f"{t} thr" for t in counts))
    for layer in layers:
        res = {t: run(a.nnbench, layer, t) for t in counts}
        for k in res[counts[0]]:
            base = res[counts[0]][k]["gflops"]
            cells = []
            for t in counts:
                g = res[t].get(k, {}).get("gflops")
                cells.append("%16s" % (f"{g:.1f} ({g / base:.2f}x)" if g else "-"))
            print("%-14s %-18s" % (layer, k) + "".join(cells), flush=True)


if __name__ == "__main__":
    main()
