#!/usr/bin/env python3
"""PyTorch vs nnbench, same layers, same thread count, one table.

For each layer: torch's median time (torch.set_num_threads matched, warm-up,
then repetitions for >= 0.2 s) next to nnbench's best kernel, taken from
`bench_kernels --json --threads N LAYER...` (medians by the same rules), and
the ratio torch_time / nnbench_time (> 1: nnbench is faster).

Usage: /usr/bin/python3 bench/bench_torch.py [--threads N] [--bench PATH] [LAYER...]
  --bench: the bench_kernels executable (default: build/bench/bench_kernels,
           or $BENCH_KERNELS). Layers default to the presets plus the
           ResNet-50 3x3 and 1x1 layers of shapes_resnet_50.txt at batch 1.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PRESETS = ["conv3x3", "conv1x1", "conv7x7s2", "conv5x5", "dilated3x3", "dwconv3x3", "groupconv3x3",
           "deconv4x4s2", "fc", "maxpool3x3s2"]
# key=value forms of the presets (spec.c), for torch
PRESET_KV = {
    "conv3x3": "conv:c=64,h=56,k=64,r=3,pad=1",
    "conv1x1": "conv:c=256,h=56,k=64,r=1",
    "conv7x7s2": "conv:c=3,h=224,k=64,r=7,stride=2,pad=3",
    "conv5x5": "conv:c=16,h=28,k=32,r=5,pad=2",
    "dilated3x3": "conv:c=64,h=56,k=64,r=3,dil=2,pad=2",
    "dwconv3x3": "conv:c=144,h=56,k=144,r=3,pad=1,g=144",
    "groupconv3x3": "conv:c=128,h=56,k=128,r=3,pad=1,g=32",
    "deconv4x4s2": "deconv:c=64,h=28,k=32,r=4,stride=2,pad=1",
    "fc": "fc:c=9216,k=4096",
    "maxpool3x3s2": "maxpool:c=64,h=112,r=3,stride=2,pad=1",
}


def resnet50_layers():
    """3x3 and 1x1 layers of the ResNet-50 list, batch 1, as key=value specs."""
    out, seen = [], set()
    path = os.path.join(ROOT, "bench", "suites", "shapes_resnet_50.txt")
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        f = dict((k, int(v)) for k, v in re.findall(r"([a-z]+)(\d+)", line.split('n"')[0]))
        kh = f.get("kh", 1)
        if kh not in (1, 3):
            continue
        ih = f["ih"]
        s = f.get("sh", 1)
        p = f.get("ph", 0)
        spec = f"conv:c={f['ic']},h={ih},k={f['oc']},r={kh},stride={s},pad={p}"
        name = re.search(r'n"([^"*]+)', line).group(1)
        if spec not in seen:
            seen.add(spec)
            out.append((name, spec))
    return out


def parse_kv(spec):
    op, kv = spec.split(":", 1)
    d = dict(x.split("=") for x in kv.split(","))
    g = lambda k, dflt: int(d.get(k, dflt))  # noqa: E731
    h = g("h", 1)
    return dict(op=op, n=g("n", 1), c=g("c", 1), h=h, w=g("w", h), k=g("k", g("c", 1)), r=g("r", 1),
                s=g("stride", 1), p=g("pad", 0), d=g("dil", 1), g=g("g", 1), ceil=g("ceil", 0))


def torch_fn(spec):
    L = parse_kv(spec)
    x = torch.rand(L["n"], L["c"], L["h"], L["w"])
    if L["op"] == "conv":
        w = torch.rand(L["k"], L["c"] // L["g"], L["r"], L["r"])
        b = torch.rand(L["k"])
        return lambda: F.conv2d(x, w, b, L["s"], L["p"], L["d"], L["g"])
    if L["op"] == "deconv":
        w = torch.rand(L["c"], L["k"] // L["g"], L["r"], L["r"])
        b = torch.rand(L["k"])
        return lambda: F.conv_transpose2d(x, w, b, L["s"], L["p"], 0, L["g"], L["d"])
    if L["op"] == "fc":
        w = torch.rand(L["k"], L["c"] * L["h"] * L["w"])
        b = torch.rand(L["k"])
        xf = x.reshape(L["n"], -1)
        return lambda: F.linear(xf, w, b)
    if L["op"] == "maxpool":
        return lambda: F.max_pool2d(x, L["r"], L["s"], L["p"], L["d"], ceil_mode=bool(L["ceil"]))
    raise ValueError(spec)


def torch_fn_prepacked(spec):
    """Conv layers only (else None): torch with its weights reordered once, as
    nnbench's prepare does: torch.utils.mkldnn.to_mkldnn(Conv2d) on an input
    already in oneDNN's layout, so the timed call is the bare oneDNN
    convolution (no per-call weight, input or output reorder). Eager
    F.conv2d on NCHW tensors (torch_fn) is what a PyTorch user runs; this is
    the fairer peer for a kernel whose weights are packed outside the timing."""
    L = parse_kv(spec)
    if L["op"] != "conv":
        return None
    import torch.utils.mkldnn as mkldnn_utils
    conv = torch.nn.Conv2d(L["c"], L["k"], L["r"], L["s"], L["p"], L["d"], L["g"]).eval()
    mconv = mkldnn_utils.to_mkldnn(conv)
    x = torch.rand(L["n"], L["c"], L["h"], L["w"]).to_mkldnn()
    return lambda: mconv(x)


def median_time(fn, min_time=0.2, min_reps=5):
    with torch.no_grad():
        fn()
        ts = []
        t0 = time.perf_counter()
        while len(ts) < min_reps or time.perf_counter() - t0 < min_time:
            a = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - a)
            if len(ts) >= 1000:
                break
    return statistics.median(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--bench", default=os.environ.get("BENCH_KERNELS",
                                                      os.path.join(ROOT, "build", "bench", "bench_kernels")))
    ap.add_argument("layers", nargs="*")
    a = ap.parse_args()
    layers = [(n, PRESET_KV[n]) for n in PRESETS] + resnet50_layers()
    if a.layers:
        layers = [(n, PRESET_KV.get(n, n)) for n in a.layers]
    torch.set_num_threads(a.threads)
    r = subprocess.run([a.bench, "--json", "--threads", str(a.threads)] + [s for _, s in layers],
                       capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS=str(a.threads)))
    if r.returncode != 0:
        sys.exit(f"{a.bench} failed: {r.stderr}")
    best = {}
    for line in r.stdout.splitlines():
        o = json.loads(line)
        if o["threads"] != a.threads:
            continue
        if o["layer"] not in best or o["median_s"] < best[o["layer"]]["median_s"]:
            best[o["layer"]] = o
    print(f"torch {torch.__version__} ({torch.backends.mkldnn.is_available() and 'oneDNN' or 'ATen'}), "
          f"{a.threads} thread(s); ratio = torch time / nnbench time (> 1: nnbench faster)")
    print(f"{'layer':<24} {'torch ms':>9} {'nnbench ms':>10} {'best kernel':<16} {'GF/s':>7} {'ratio':>6}")
    ratios = []
    for name, spec in layers:
        t = median_time(torch_fn(spec))
        b = best.get(spec)
        if not b:
            print(f"{name:<24} {t*1e3:9.3f} {'-':>10}")
            continue
        ratio = t / b["median_s"]
        ratios.append(ratio)
        print(f"{name:<24} {t*1e3:9.3f} {b['median_s']*1e3:10.3f} {b['kernel']:<16} {b['gflops']:7.1f} {ratio:6.2f}")
    if ratios:
        print(f"min ratio {min(ratios):.2f}, geomean {statistics.geometric_mean(ratios):.2f}")


if __name__ == "__main__":
    main()
