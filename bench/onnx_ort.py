#!/usr/bin/env python3
"""nnbench beside ONNX Runtime on the same ONNX file (issue 19's peer).

  python bench/onnx_ort.py MODEL.onnx [--mb N] [--threads 1,2] [--runs 20] [--nodes 15]
  python bench/onnx_ort.py --torchvision [--models A,B] [--time A,B|all] [--threads 1,2]
                           [--out FILE.jsonl] [--keep DIR] [--tool-timeout S]
  python bench/onnx_ort.py --table FILE.jsonl... [--threads 1,2]

Needs onnxruntime in the venv (scripts/make_venv.sh installs it, pinned;
not a build dependency) and numpy. For each thread count: ORT's end-to-end
latency (median of --runs after 3 warm-ups, intra-op threads = T, sequential
execution) beside nnbench's network time (sum over distinct layers of the
best kernel's median x repeats: `nnbench --model MODEL.onnx --threads T`);
then ORT's per-node profile (enable_profiling, graph optimizations off so
that ORT runs the file's nodes: the median kernel time of each node over
the runs) beside nnbench's best time for the node's layer, for the
--nodes slowest nodes. Nodes nnbench does not model have no nnbench time.
Timings on a shared machine are noisy: run it idle.

--torchvision: the peer table (README, ONNX). Every torchvision
classification model is exported by this torch (eval, opset 13, batch 1,
224x224; inception_v3 299x299) in a child process; a model that does not
export is a row saying why. Per model: ONNX nodes, nnbench's modelled share
(compute nodes nnbench models, and the share of the graph's output elements
they produce), params and MACs from `nnbench --analytic` beside onnx-tool's
(pinned in scripts/make_venv.sh) totals, split so the conventions line up
(onnx-tool counts every initializer, shape constants included, and MACs for
every op: a bias add per output of Conv/Gemm, element-wise ops, pools).
For the models in --time: nnbench's network time (`--counters none`) and
ORT's end-to-end latency per thread count, run back to back, and the
wall time of the whole nnbench command. One JSON object per model goes to
--out as it is done, then the markdown table is printed."""
import argparse
import collections
import json
import os
import re
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
    ort_run.min_s = min(times)  # the best run: what a shared machine disturbs least
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


EXPORT = r"""
import sys, torch, torchvision
name, path = sys.argv[1], sys.argv[2]
torch.set_num_threads(2)
m = getattr(torchvision.models, name)(weights=None, **({"aux_logits": False, "init_weights": False}
    if name == "inception_v3" else {"aux_logits": False, "init_weights": False} if name == "googlenet" else {})).eval()
# torchvision initialises biases and BN statistics to constants: the exporter would fold and then
# share identical initializers (onnx-tool counts a shared one once); trained-like values keep each
with torch.no_grad():
    for pname, p in list(m.named_parameters()) + list(m.named_buffers()):
        if p.dim() == 1 and p.is_floating_point():
            p.uniform_(0.5, 1.5) if pname.endswith("running_var") else p.uniform_(-0.1, 0.1)
size = 299 if name == "inception_v3" else 224
torch.onnx.export(m, torch.zeros(1, 3, size, size), path, opset_version=13, input_names=["input"],
                  output_names=["out"])
"""


def export(name, path):
    """(ok, why): torchvision's model exported to path by a child process"""
    r = subprocess.run([sys.executable, "-c", EXPORT, name, path], capture_output=True, text=True)
    if r.returncode == 0 and os.path.exists(path):
        return True, ""
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    return False, (lines[-1] if lines else f"exit {r.returncode}")[:160]


def nnbench_analytic(path):
    r = subprocess.run([NNB, "--model", path, "--analytic", "--format", "json"], capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip()[:160]}
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    summary = next(x["summary"] for x in recs if "summary" in x)
    m = re.search(r"(\d+) of (\d+) ONNX compute nodes not modelled \(([\d.]+)% of the graph's output elements\)",
                  r.stderr)
    not_modelled, compute, share = (int(m[1]), int(m[2]), float(m[3])) if m else (0, None, 0.0)
    ops = collections.Counter(x["skipped"]["spec"] for x in recs if "skipped" in x)
    return {"params": summary["params"], "macs": summary["macs"], "layers": summary["layers"],
            "compute_nodes": compute, "not_modelled": not_modelled, "not_modelled_out_pct": share,
            "not_modelled_ops": dict(ops)}


ONNX_TOOL = r"""
import json, sys
import numpy as np
import onnx_tool
path, size = sys.argv[1], int(sys.argv[2])
g = onnx_tool.Model(path).graph
g.shape_infer({"input": np.zeros((1, 3, size, size), np.float32)})
g.profile()
lin = bias = 0
for n in g.nodemap.values():
    if n.op_type in ("Conv", "ConvTranspose", "Gemm", "MatMul"):
        lin += n.macs[0]
        if len(n.input) > 2:  # onnx-tool adds one MAC per output for the bias
            bias += int(np.prod(g.tensormap[n.output[0]].get_shape()))
# initializers that are not float: Reshape's shape, Slice's bounds (not parameters to nnbench)
nonfloat = sum(int(np.prod(g.tensormap[k].get_shape())) for k in g.initials
               if g.tensormap[k].numpy is not None and g.tensormap[k].numpy.dtype.kind != "f")
print(json.dumps({"params": int(g.params), "macs": int(round(g.macs[0])), "macs_linear": int(round(lin)),
                  "bias_macs": bias, "nonfloat_params": nonfloat}))
"""


def onnx_tool_totals(path, size, timeout_s):
    """onnx-tool's totals, and the parts its conventions add to nnbench's (in a
    child: onnx-tool's Python shape inference takes minutes on large graphs)"""
    try:
        r = subprocess.run([sys.executable, "-c", ONNX_TOOL, path, str(size)], capture_output=True, text=True,
                           timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {"error": f"onnx-tool: over {timeout_s} s"}
    if r.returncode != 0:  # a model onnx-tool cannot read is a row that says so
        lines = [x for x in r.stderr.splitlines() if x.strip()]
        return {"error": "onnx-tool: " + (lines[-1] if lines else f"exit {r.returncode}")[:160]}
    return json.loads(r.stdout.splitlines()[-1])


def wall(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - t, r


def timing(path, threads, runs):
    """per thread count, back to back: nnbench's network time and command wall time, ORT end to end"""
    out = {}
    for t in threads:
        w, r = wall([NNB, "--model", path, "--threads", str(t), "--counters", "none", "--format", "json"])
        net = None
        for line in r.stdout.splitlines():
            rec = json.loads(line)
            if "summary" in rec:
                net = rec["summary"].get("time_s")
        e2e, _ = ort_run(path, 1, t, runs, profile=False)
        out[str(t)] = {"nnbench_s": net, "nnbench_wall_s": w, "nnbench_exit": r.returncode, "ort_s": e2e,
                       "ort_min_s": ort_run.min_s}
    return out


def fmt_int(v):
    return f"{v:,}" if isinstance(v, int) else "-"


def table(rows, threads):
    head = ["model", "nodes", "modelled compute nodes (share of output elements)", "params nnbench", "params onnx-tool", "MACs nnbench",
            "MACs onnx-tool (all / linear - bias)"]
    head += [f"{t}T ms: nnbench / ORT median (best)" for t in threads]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        if "not_read" in r:  # a model the run did not reach (its time budget)
            print(f"| {r['model']} | not read: {r['not_read']} |" + " |" * (len(head) - 2))
            continue
        if "export_error" in r:
            print(f"| {r['model']} | does not export: {r['export_error'].replace('|', '/')} |" + " |" * (len(head) - 2))
            continue
        a, o = r["nnbench"], r["onnx_tool"]
        if "error" in a:
            mod = a["error"].replace("|", "/")
        else:
            c = a["compute_nodes"] or 0
            mod = f"{c - a['not_modelled']}/{c} ({100 - a['not_modelled_out_pct']:.1f}%)"
            if a["not_modelled_ops"]:
                mod += " not: " + ", ".join(f"{k} {v}" for k, v in sorted(a["not_modelled_ops"].items()))
        cells = [r["model"], str(r["nodes"]), mod, fmt_int(a.get("params")), fmt_int(o.get("params")),
                 fmt_int(a.get("macs")),
                 f"{fmt_int(o.get('macs'))} / {fmt_int(o['macs_linear'] - o['bias_macs'])}" if "macs" in o
                 else o.get("error", "-")]
        for t in threads:
            tm = r.get("time", {}).get(str(t))
            cells.append(f"{tm['nnbench_s'] * 1e3:.1f} / {tm['ort_s'] * 1e3:.1f} ({tm['ort_min_s'] * 1e3:.1f})"
                         if tm and tm["nnbench_s"] and "ort_min_s" in tm else
                         f"{tm['nnbench_s'] * 1e3:.1f} / {tm['ort_s'] * 1e3:.1f}" if tm and tm["nnbench_s"] else "-")
        print("| " + " | ".join(cells) + " |")


def torchvision_table(a):
    import onnx
    import torchvision.models as tvm
    names = a.models.split(",") if a.models else tvm.list_models(module=tvm)
    timed = set(names if a.time == "all" else a.time.split(",") if a.time else [])
    threads = [int(x) for x in a.threads.split(",")]
    tmp = a.keep or tempfile.mkdtemp()
    rows = []
    out = open(a.out, "a") if a.out else None
    for name in names:
        path = os.path.join(tmp, f"{name}.onnx")
        row = {"model": name, "size": 299 if name == "inception_v3" else 224}
        ok, why = (True, "") if a.keep and os.path.exists(path) else export(name, path)
        if not ok:
            row["export_error"] = why
        else:
            row["nodes"] = len(onnx.load(path, load_external_data=False).graph.node)
            row["nnbench"] = nnbench_analytic(path)
            row["onnx_tool"] = onnx_tool_totals(path, row["size"], a.tool_timeout)
            if name in timed:
                row["time"] = timing(path, threads, a.runs)
            if not a.keep:
                for f in os.listdir(tmp):
                    os.remove(os.path.join(tmp, f))
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
        if out:
            print(json.dumps(row), file=out, flush=True)
    table(rows, threads)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", nargs="?")
    ap.add_argument("--torchvision", action="store_true", help="the peer table over torchvision's models")
    ap.add_argument("--table", nargs="+", metavar="FILE.jsonl", help="the peer table again from --out's rows "
                    "(a model's last row wins; torchvision's order)")
    ap.add_argument("--models", help="--torchvision: these models only (default: every classification model)")
    ap.add_argument("--time", help="--torchvision: models to time (comma-separated, or all)")
    ap.add_argument("--out", help="--torchvision: append one JSON object per model")
    ap.add_argument("--tool-timeout", type=int, default=600, help="--torchvision: seconds onnx-tool may take per model")
    ap.add_argument("--keep", help="--torchvision: export into (and reuse files from) this folder")
    ap.add_argument("--mb", type=int, default=1)
    ap.add_argument("--threads", default=f"1,{os.cpu_count()}")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--nodes", type=int, default=15)
    a = ap.parse_args()
    if a.torchvision:
        return torchvision_table(a)
    if a.table:
        rows = {}
        for f in a.table:
            for line in open(f):
                r = json.loads(line)
                if "not_read" in r and r["model"] in rows:
                    continue
                prev = {} if "export_error" in r else rows.get(r["model"], {})
                prev.pop("export_error", None)  # a later export that worked replaces a failed one
                prev.pop("not_read", None)
                rows[r["model"]] = {**prev, **r}  # a later row's timing replaces an earlier one's
        return table(sorted(rows.values(), key=lambda r: r["model"]), [int(x) for x in a.threads.split(",")])
    if not a.model:
        ap.error("MODEL.onnx or --torchvision")
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
