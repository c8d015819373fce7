"""--model FILE.onnx in every mode, on networks the built-ins do not
cover. tests/onnx_zoo.py's small network (squeeze-excitation, channel
shuffle, dense concatenation, a grouped convolution, ceil-mode max and
average pools, count_include_pad=False, BN after a pool, HardSwish) is
exported by torch at opsets 11, 13 and 16 with a dynamic batch; a
hand-written file (tests/onnx_pb.py) has asymmetric pads, auto_pad
SAME_UPPER / SAME_LOWER / VALID, dilation and open H and W (--input).
Checked: every node's shape against onnx's inference; the nodes nnbench
does not model are rows and skipped records naming their op; --mb sets the
batch; --analytic (table, CSV, JSON), --summary (three tools), a measured
run with --out and --plot, report, compare and --shard all run on it.
Needs python3-torch and python3-onnx; 77 without."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import NNB, Checks, need  # noqa: E402

onnx, torch = need("onnx", "torch")
import onnx_pb as pb  # noqa: E402
from onnx_oracle import compare  # noqa: E402
from onnx_zoo import Zoo  # noqa: E402

torch.set_num_threads(2)
T = Checks()
check = T.check
QUICK = ["--threads", "1", "--reps", "1", "--min-time", "0", "--counters", "none", "--no-check"]


def run(*args):
    return subprocess.run([NNB] + list(args), capture_output=True, text=True)


def oracle(tag, path, mb, want_not_modelled=None):
    m = onnx.load(path)
    fails, compared, rows = compare(NNB, m, path, mb)
    for f in fails:
        check(False, f"{tag}: {f}")
    check(compared >= len(m.graph.node) // 2, f"{tag}: only {compared} of {len(m.graph.node)} nodes compared")
    if want_not_modelled is not None:
        got = sorted(op for op, kind, _, _ in rows.values() if kind == "not_modelled")
        check(got == sorted(want_not_modelled), f"{tag}: not modelled {got}, want {sorted(want_not_modelled)}")
    return rows


def zoo(tmp):
    # SE gate (Sigmoid, Mul), the shuffle's Reshape/Transpose/Reshape, HardSwish (one op from opset 14;
    # HardSigmoid x Mul before), the mean over H, W (ReduceMean): no nnbench layer computes these
    base = ["Sigmoid", "Mul", "Reshape", "Transpose", "Reshape", "ReduceMean"]
    want = {11: base + ["HardSigmoid", "Mul"], 13: base + ["HardSigmoid", "Mul"], 16: base + ["HardSwish"]}
    paths = {}
    for opset in (11, 13, 16):
        path = os.path.join(tmp, f"zoo{opset}.onnx")
        torch.onnx.export(Zoo().eval(), torch.zeros(1, 3, 64, 64), path, opset_version=opset, input_names=["x"],
                          dynamic_axes={"x": {0: "N"}})
        rows = oracle(f"zoo opset {opset}", path, 3, want[opset])
        kinds = {op: kind for op, kind, _, _ in rows.values()}
        for op in ("Conv", "MaxPool", "AveragePool", "Concat", "GlobalAveragePool", "BatchNormalization", "Gemm"):
            check(kinds.get(op) == "layer", f"zoo opset {opset}: {op} is {kinds.get(op)}, not a layer")
        paths[opset] = path
    return paths[13]


def hand_file(tmp, h, w):
    """asymmetric pads, SAME_UPPER (stride 2), SAME_LOWER, VALID with dilation, a 1-D-free 2-D net"""
    conv = lambda i, o, wt, attrs: pb.node("Conv", [i, wt], [o], o, attrs)
    nodes = [conv("x", "a", "W1", [pb.attr_ints("pads", [0, 1, 2, 1]), pb.attr_ints("kernel_shape", [3, 3])]),
             conv("a", "b", "W2", [pb.attr_str("auto_pad", "SAME_UPPER"), pb.attr_ints("strides", [2, 2])]),
             conv("b", "c", "W2", [pb.attr_str("auto_pad", "SAME_LOWER"), pb.attr_ints("strides", [2, 1])]),
             conv("c", "y", "W2", [pb.attr_str("auto_pad", "VALID"), pb.attr_ints("dilations", [2, 1])]),
             pb.node("MaxPool", ["y"], ["p"], "p", [pb.attr_ints("kernel_shape", [2, 2]), pb.attr_ints("strides", [2, 2]),
                                                     pb.attr_int("ceil_mode", 1), pb.attr_ints("pads", [0, 0, 1, 0])])]
    inits = [pb.tensor("W1", [4, 3, 3, 3]), pb.tensor("W2", [4, 4, 3, 3])]
    g = pb.graph(nodes, [pb.value_info("x", ["N", 3, h, w])], [pb.value_info("p", ["N", 4, "A", "B"])], inits)
    path = os.path.join(tmp, f"hand_{h}.onnx")
    with open(path, "wb") as f:
        f.write(pb.model(g))
    return path


def modes(tmp, path):
    r = run("--model", path, "--analytic")
    check(r.returncode == 0 and "not modelled: Mul" in r.stdout and "not modelled (" in r.stdout,
          f"--analytic table: rc {r.returncode}, no not-modelled rows: {r.stdout[-400:]} {r.stderr[-300:]}")
    check("ONNX compute nodes not modelled" in r.stderr, f"--analytic: no share line on stderr: {r.stderr[-300:]}")
    r = run("--model", path, "--analytic", "--format", "json", "--mb", "3")
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    layers = [x for x in recs if "layer" in x]
    skipped = [x for x in recs if "skipped" in x]
    check(r.returncode == 0 and layers and all(x["layer"]["n"] == 3 for x in layers), "--mb 3: a layer's batch is not 3")
    check(len(skipped) == 8 and all(x["skipped"]["reason"].startswith("not modelled: ") for x in skipped),
          f"--analytic json: {len(skipped)} skipped records, want 8")
    r = run("--model", path, "--analytic", "--format", "csv")
    check(r.returncode == 0 and len(r.stdout.splitlines()) == len(layers) + 1, f"--format csv: rc {r.returncode}")
    for tool, word in (("torchinfo", "ONNXGraph"), ("torchsummary", "Conv2d-1"), ("torchstat", "Total Flops")):
        r = run("--model", path, "--summary", tool)
        check(r.returncode == 0 and word in r.stdout, f"--summary {tool}: rc {r.returncode} {r.stderr[-200:]}")
    out, svg = os.path.join(tmp, "r.jsonl"), os.path.join(tmp, "r.svg")
    r = run("--model", path, "--out", out, "--plot", svg, *QUICK)
    check(r.returncode == 0 and os.path.exists(out) and os.path.exists(svg) and "not modelled: Sigmoid" in r.stdout,
          f"measured run: rc {r.returncode} {r.stderr[-300:]}")
    r = run("report", out)
    check(r.returncode == 0 and os.path.basename(path) in r.stdout, f"report: rc {r.returncode} {r.stderr[-200:]}")
    r = run("compare", out, out)
    check(r.returncode == 0, f"compare: rc {r.returncode} {r.stderr[-200:]}")
    shards = [os.path.join(tmp, f"s{i}.jsonl") for i in (1, 2)]
    for i, s in enumerate(shards, 1):
        r = run("--model", path, "--shard", f"{i}/2", "--out", s, *QUICK)
        check(r.returncode == 0 and os.path.exists(s), f"--shard {i}/2: rc {r.returncode} {r.stderr[-200:]}")
    r = run("report", *shards)
    check(r.returncode == 0, f"report of the shards: rc {r.returncode} {r.stderr[-200:]}")


with tempfile.TemporaryDirectory() as tmp:
    path = zoo(tmp)
    fixed = hand_file(tmp, 17, 23)
    oracle("hand-written", fixed, 2)
    open_hw = hand_file(tmp, "H", "W")
    r = run("onnx-nodes", open_hw)
    check(r.returncode == 2 and "dimension 2 ('H') is left open" in r.stderr, f"open H: rc {r.returncode} {r.stderr}")
    a, b = run("onnx-nodes", open_hw, "--input", "x=2x3x17x23"), run("onnx-nodes", fixed, "--mb", "2")
    check(a.returncode == 0 and a.stdout == b.stdout, f"--input x=2x3x17x23 differs from the fixed file: {a.stderr}")
    modes(tmp, path)

T.finish()
