#!/usr/bin/env python3
"""Builds side by side against PyTorch, interleaved in one process.

For each round, every bench_kernels executable given runs the layers at 1 and
N threads (`--json --threads N`), and torch times the same layers at 1 and N
threads; the table shows per layer and thread count the median over rounds of
torch's time and of each build's best kernel, with ratio = torch / build
(> 1: nnbench faster). torch is timed twice: eager F.conv2d on NCHW tensors
(what a user runs; the ratio columns) and, for convolutions, with weights
reordered once (to_mkldnn, the `pp` column: the peer that matches nnbench
kernels whose prepare() packs the weights outside the timed runs).
Interleaving the builds and torch in rounds spreads the
noise of a shared machine over all of them alike.

Usage: /usr/bin/python3 bench/bench_compare.py [--threads N] [--rounds R]
           --bench A [--bench B ...] [LAYER...]
  Layers default to bench_torch.py's (presets + ResNet-50 3x3/1x1, batch 1).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_torch as bt  # noqa: E402
import torch  # noqa: E402


def run_bench(path, threads, specs):
    r = subprocess.run([path, "--json", "--threads", str(threads)] + specs, capture_output=True, text=True,
                       env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
    if r.returncode != 0:
        sys.exit(f"{path} failed: {r.stderr}")
    best = {}
    for line in r.stdout.splitlines():
        o = json.loads(line)
        key = (o["layer"], o["threads"])
        if key not in best or o["median_s"] < best[key][0]:
            best[key] = (o["median_s"], o["kernel"])
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bench", action="append", required=True)
    ap.add_argument("layers", nargs="*")
    a = ap.parse_args()
    layers = [(n, bt.PRESET_KV[n]) for n in bt.PRESETS] + bt.resnet50_layers()
    if a.layers:
        known = dict(layers)
        known.update((n.split(":")[-1], s) for n, s in layers)
        layers = [(n, known.get(n, n)) for n in a.layers]
    specs = [s for _, s in layers]
    thr = sorted({1, a.threads})
    tt = {}  # (spec, threads) -> [torch seconds]
    tp = {}  # (spec, threads) -> [torch prepacked seconds]
    bb = [dict() for _ in a.bench]  # per build: (spec, threads) -> [(seconds, kernel)]
    for rnd in range(a.rounds):
        for i, path in enumerate(a.bench):
            for k, v in run_bench(path, a.threads, specs).items():
                bb[i].setdefault(k, []).append(v)
        for t in thr:
            torch.set_num_threads(t)
            for _, s in layers:
                tt.setdefault((s, t), []).append(bt.median_time(bt.torch_fn(s)))
                fp = bt.torch_fn_prepacked(s)
                if fp:
                    tp.setdefault((s, t), []).append(bt.median_time(fp))
        print(f"round {rnd + 1}/{a.rounds} done", file=sys.stderr)
    def build_name(p):  # build/bench/bench_kernels -> build; /tmp/before/bench_kernels -> before
        d = os.path.dirname(os.path.abspath(p))
        return os.path.basename(os.path.dirname(d)) if os.path.basename(d) == "bench" else os.path.basename(d)
    names = [build_name(p) for p in a.bench]
    hdr = f"{'layer':<22} {'thr':>3} {'torch ms':>9} {'pp ms':>7}" + "".join(
        f" {n[:18]:>18} {'ratio':>6}" for n in names) + f" {'pp':>5}"
    print(f"torch {torch.__version__}, {a.rounds} rounds, medians; ratio = torch time / build time")
    print(hdr + "  best kernel (last build)")
    mins = [dict() for _ in a.bench]
    pps = {}
    for t in thr:
        for name, s in layers:
            tm = statistics.median(tt[(s, t)])
            pm = statistics.median(tp[(s, t)]) if (s, t) in tp else None
            short = name.split(":")[-1]
            row = f"{short[:22]:<22} {t:>3} {tm * 1e3:9.3f} " + (f"{pm * 1e3:7.3f}" if pm else f"{'-':>7}")
            kern, last = "", None
            for i in range(len(a.bench)):
                v = bb[i].get((s, t))
                if not v:
                    row += f" {'-':>18} {'-':>6}"
                    continue
                m = statistics.median(x[0] for x in v)
                kern = statistics.mode(x[1] for x in v)
                row += f" {m * 1e3:18.3f} {tm / m:6.2f}"
                mins[i].setdefault(t, []).append(tm / m)
                last = m
            if pm and last:
                row += f" {pm / last:5.2f}"
                pps.setdefault(t, []).append(pm / last)
            else:
                row += f" {'-':>5}"
            print(row + "  " + kern)
    for t in thr:
        print(f"threads {t}: " + ", ".join(
            f"{names[i]} min {min(mins[i][t]):.2f} geomean {statistics.geometric_mean(mins[i][t]):.2f}"
            for i in range(len(a.bench)) if t in mins[i]))
        if t in pps:
            print(f"threads {t}: {names[-1]} against torch with prepacked weights (convolutions): "
                  f"min {min(pps[t]):.2f} geomean {statistics.geometric_mean(pps[t]):.2f}")


if __name__ == "__main__":
    main()
