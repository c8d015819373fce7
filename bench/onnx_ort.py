#!/usr/bin/env python3
"""nnbench beside ONNX Runtime on the same ONNX file (issue 19's peer).

  python bench/onnx_ort.py MODEL.onnx [--mb N] [--threads 1,2] [--runs 20] [--nodes 15]

Needs onnxruntime in the venv (scripts/make_venv.sh installs it, pinned;
not a build dependency) and numpy. For each thread count: ORT's end-to-end
latency (median of --runs after 3 warm-ups, intra-op threads = T, sequential
execution) beside nnbench's network time (sum over distinct layers of the
best kernel's median x repeats: `nnbench --model MODEL.onnx --threads T`);
then ORT's per-node profile (enable_profiling, graph optimizations off so
that ORT runs the file's nodes: the median kernel time of each node over
the runs) beside nnbench's best time for the node's layer, for the
--nodes slowest nodes. Nodes nnbench does not model have no nnbench time.
Timings on a shared machine are noisy: run it idle."""
import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
try:
    import onnxruntime as ort
except ImportError:
    print("bench/onnx_ort.py: onnxruntime not installed (scripts/make_venv.sh)", file=sys.stderr)
    sys.exit(77)

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NNB = os.environ.get("NNBENCH", os.path.join(here, "build", "nnbench"))


def feeds(sess, mb):
    out = {}
    for i in sess.get_inputs():
        shape = [mb if not isinstance(d, int) else d for d in i.shape]
        out[i.name] = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    return out


def ort_run(path, mb, threads, runs, profile):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    if profile:  # graph optimizations off: ORT's nodes stay the file's (fusions and NCHWc rename them)
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        so.enable_profiling = True
        so.profile_file_prefix = os.path.join(tempfile.mkdtemp(), "ort")
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    x = feeds(sess, mb)
    for _ in range(3):
        sess.run(None, x)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        sess.run(None, x)
        times.append(time.perf_counter() - t)
    per_node = collections.defaultdict(list)
    if profile:
        with open(sess.end_profiling()) as f:
            for ev in json.load(f):
                if ev.get("cat") == "Node" and ev["name"].endswith("_kernel_time"):
                    per_node[ev["name"][: -len("_kernel_time")]].append(ev["dur"] * 1e-6)
    return statistics.median(times), {k: statistics.median(v) for k, v in per_node.items()}


def nnbench_run(path, mb, threads):
    """network time, and per node (module) the best median of its distinct layer"""
    base = [NNB, "--model", path, "--mb", str(mb), "--format", "json"]
    an = subprocess.run(base + ["--analytic"], capture_output=True, text=True, check=True)
    spec_of = {r["module"]: r["layer"]["spec"] for r in map(json.loads, an.stdout.splitlines()) if "layer" in r}
    run = subprocess.run(base + ["--threads", str(threads), "--counters", "none"], capture_output=True, text=True,
                         check=True)
    best, net_s = {}, None
    for r in map(json.loads, run.stdout.splitlines()):
        if "kernel" in r:
            s = r["layer"]["spec"]
            best[s] = min(best.get(s, 1e9), r["time"]["median_s"])
        elif "summary" in r:
            net_s = r["summary"].get("time_s")
    return net_s, {m: best.get(s) for m, s in spec_of.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--mb", type=int, default=1)
    ap.add_argument("--threads", default=f"1,{os.cpu_count()}")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--nodes", type=int, default=15)
    a = ap.parse_args()
    print(f"model {os.path.basename(a.model)}, batch {a.mb}, onnxruntime {ort.__version__} (CPU)")
    for t in [int(x) for x in a.threads.split(",")]:
        e2e, _ = ort_run(a.model, a.mb, t, a.runs, profile=False)
        _, nodes = ort_run(a.model, a.mb, t, a.runs, profile=True)
        net_s, layer_s = nnbench_run(a.model, a.mb, t)
        print(f"\nthreads {t}: ORT end-to-end {e2e * 1e3:.3f} ms (median of {a.runs}), ORT sum of node kernels (unoptimized graph) "
              f"{sum(nodes.values()) * 1e3:.3f} ms; nnbench network time {net_s * 1e3:.3f} ms "
              f"(sum of best kernel x repeat over distinct layers)")
        print(f"{'node':48s} {'ORT ms':>9s} {'nnbench ms':>11s}")
        for name, s in sorted(nodes.items(), key=lambda kv: -kv[1])[: a.nodes]:
            ours = layer_s.get(name)
            print(f"{name[:48]:48s} {s * 1e3:9.3f} {ours * 1e3 if ours else float('nan'):11.3f}")


if __name__ == "__main__":
    main()
