"""onnx's own shape inference as the oracle for `nnbench onnx-nodes`
(shared by the ONNX tests; not a test itself)."""
import subprocess

import onnx


def oracle_shapes(m, mb):
    """value name -> dims from onnx.shape_inference, symbolic dims bound to
    mb (the tests' files have one symbolic dim: the batch); None where not
    inferred"""
    inferred = onnx.shape_inference.infer_shapes(m)
    out = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.output):
        t = vi.type.tensor_type
        if not t.HasField("shape"):
            continue
        dims = [d.dim_value if d.HasField("dim_value") else mb if d.dim_param else None for d in t.shape.dim]
        out[vi.name] = None if None in dims else dims
    return out


def compare(nnb, m, path, mb):
    """(failures, shapes compared, rows by module) for every node output
    onnx infers"""
    r = subprocess.run([nnb, "onnx-nodes", path, "--mb", str(mb)], capture_output=True, text=True)
    if r.returncode:
        return [f"onnx-nodes exit {r.returncode}: {r.stderr.strip()}"], 0, {}
    ours = {}
    for line in r.stdout.splitlines():
        module, op, kind, shapes, why = line.split("\t")
        ours[module] = (op, kind, shapes.split(";"), why)
    want = oracle_shapes(m, mb)
    fails, compared = [], 0
    for i, node in enumerate(m.graph.node):
        label = node.name or f"{node.op_type}#{i}"
        if label not in ours:
            fails.append(f"node {label} missing from onnx-nodes")
            continue
        for k, name in enumerate(node.output):
            w = want.get(name)
            if w is None:
                continue
            got = ours[label][2][k]
            w_str = "x".join(map(str, w)) if w else "scalar"
            compared += 1
            if got != w_str:
                fails.append(f"node {label} ({node.op_type}) output {k}: nnbench {got}, onnx {w_str}")
    return fails, compared, ours
