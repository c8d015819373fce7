"""bench/onnx_ort.py --torchvision, the README's ONNX peer table, on one
small network (squeezenet1_1) and one name that is no model:
- the row of a model that does not export says why, and the table goes on;
- nodes, params and MACs against the exported file itself: the node count
  is the graph's; params are the float initializers' elements (every one
  belongs to a Conv); MACs are each Conv's output elements x (C_in / group)
  x kh x kw, from onnx's own shape inference;
- onnx-tool's totals line up with nnbench's as the script explains them:
  its params equal; its Conv MACs less one bias add per output equal
  nnbench's MACs; its total (every op) is larger;
- the timed columns: nnbench's network time and ORT's latency are
  positive, the network time below the whole command's wall time.
Runs in the venv scripts/make_venv.sh makes (onnxruntime, onnx-tool);
77 where it cannot be made."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tools_venv import SRC, enter_venv  # noqa: E402

enter_venv(__file__)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import numpy_helper, shape_inference  # noqa: E402

failures = checks = 0


def check(cond, msg):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print("FAIL:", msg)


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "rows.jsonl")
    r = subprocess.run([sys.executable, os.path.join(SRC, "bench", "onnx_ort.py"), "--torchvision", "--models",
                        "squeezenet1_1,no_such_net", "--time", "squeezenet1_1", "--threads", "1", "--runs", "3",
                        "--out", out, "--keep", tmp], capture_output=True, text=True)
    check(r.returncode == 0, f"exit {r.returncode}: {r.stderr[-500:]}")
    rows = {x["model"]: x for x in map(json.loads, open(out))} if os.path.exists(out) else {}
    check(set(rows) == {"squeezenet1_1", "no_such_net"}, f"rows {sorted(rows)}")
    bad = rows.get("no_such_net", {})
    check("no_such_net" in bad.get("export_error", ""), f"no_such_net's row: {bad}")
    check("| no_such_net | does not export: " in r.stdout, "the table has no row for the model that does not export")
    check("| squeezenet1_1 | " in r.stdout, "the table has no squeezenet1_1 row")

    row = rows.get("squeezenet1_1", {})
    m = onnx.load(os.path.join(tmp, "squeezenet1_1.onnx"))
    check(row.get("nodes") == len(m.graph.node), f"nodes {row.get('nodes')}, the graph has {len(m.graph.node)}")
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    params = sum(a.size for a in inits.values() if a.dtype.kind == "f")
    inferred = shape_inference.infer_shapes(m)
    shape = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
             for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    macs = bias = 0
    for n in m.graph.node:
        if n.op_type == "Conv":
            w = inits[n.input[1]].shape  # K x C/g x kh x kw
            out_elems = int(np.prod(shape[n.output[0]]))
            macs += out_elems * int(np.prod(w[1:]))
            bias += out_elems if len(n.input) > 2 else 0
    nnb, tool = row.get("nnbench", {}), row.get("onnx_tool", {})
    check(nnb.get("params") == params, f"nnbench params {nnb.get('params')}, the file's float initializers {params}")
    check(nnb.get("macs") == macs, f"nnbench MACs {nnb.get('macs')}, the Conv nodes' {macs}")
    check(nnb.get("not_modelled") == 0 and nnb.get("compute_nodes", 0) > 0, f"modelled: {nnb}")
    check(tool.get("params") == params, f"onnx-tool params {tool.get('params')}, want {params}")
    check(tool.get("bias_macs") == bias, f"onnx-tool bias MACs {tool.get('bias_macs')}, want {bias}")
    check(tool.get("macs_linear", 0) - tool.get("bias_macs", 0) == macs,
          f"onnx-tool Conv MACs less bias adds {tool.get('macs_linear', 0) - tool.get('bias_macs', 0)}, want {macs}")
    check(tool.get("macs", 0) > tool.get("macs_linear", 0), f"onnx-tool's total counts every op: {tool}")

    t = row.get("time", {}).get("1", {})
    check(t.get("nnbench_exit") == 0, f"nnbench's measured run: {t}")
    check(0 < (t.get("nnbench_s") or 0) < t.get("nnbench_wall_s", 0), f"nnbench network time: {t}")
    check((t.get("ort_s") or 0) > 0, f"ORT latency: {t}")

print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
