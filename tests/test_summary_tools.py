"""`nnbench --model NAME --summary TOOL` against the tool itself, on every
network that is a PyTorch model (torchvision's six, seed 003's AlexNet):
torchsummary 1.5.1 and torchinfo 1.8.0 print fixed tables, compared line by
line; torchstat 0.0.7 prints a pandas table (with timings): its per-module
columns are compared numerically and its totals block line by line. The
tools come from the venv scripts/make_venv.sh makes (build/venv or
$NNB_VENV); exit 77 with the reason when it cannot be made.

Two things the tools do on this machine's Python and numpy that are not
their layout: torchinfo 1.8.0 on Python >= 3.11 formats its Units enum as
"Units.MEGABYTES" where it means "M" (nnbench prints "M"); torchstat 0.0.7
uses np.long, gone from numpy >= 1.24 (aliased here to int64, its old
meaning)."""
import contextlib
import io
import os
import subprocess
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("NNB_SOURCE_DIR", os.path.dirname(HERE))
NNBENCH = os.environ.get("NNBENCH", os.path.join(SRC, "build", "nnbench"))

sys.path.insert(0, HERE)
from tools_venv import enter_venv  # noqa: E402

enter_venv(__file__)

import numpy as np  # noqa: E402
import torch  # noqa: E402

warnings.filterwarnings("ignore")
if not hasattr(np, "long"):
    np.long = np.int64  # torchstat 0.0.7's np.long: int64 before numpy 1.24
from torch_nets import TORCH_NETS, torch_model  # noqa: E402
import torchinfo  # noqa: E402
import torchsummary  # noqa: E402
from torchstat import ModelHook  # noqa: E402
from torchstat.statistics import convert_leaf_modules_to_stat_tree  # noqa: E402
from torchstat.reporter import report_format  # noqa: E402

failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)


def nnbench(name, tool, *extra):
    r = subprocess.run([NNBENCH, "--model", name, "--summary", tool, *extra], capture_output=True, text=True)
    if r.returncode:
        fail(f"{name} {tool}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def same_lines(what, ours, theirs):
    a, b = ours.rstrip("\n").split("\n"), theirs.rstrip("\n").split("\n")
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            fail(f"{what}: line {i + 1} differs:\n  nnbench {x!r}\n  tool    {y!r}")
            return False
    if len(a) != len(b):
        fail(f"{what}: {len(a)} lines, the tool {len(b)}")
        return False
    return True


def check_torchsummary(name, batch=None):
    torch.manual_seed(0)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        kw = {"batch_size": batch} if batch else {}
        torchsummary.summary(torch_model(name), (3, 224, 224), device="cpu", **kw)
    extra = ("--mb", str(batch)) if batch else ()
    return same_lines(f"{name} torchsummary{' batch %d' % batch if batch else ''}",
                      nnbench(name, "torchsummary", *extra), out.getvalue())


def check_torchinfo(name, batch=1):
    text = str(torchinfo.summary(torch_model(name), (batch, 3, 224, 224), verbose=0))
    for enum, unit in (("Units.MEGABYTES", "M"), ("Units.GIGABYTES", "G"), ("Units.TERABYTES", "T")):
        text = text.replace(f"({enum})", f"({unit})")
    return same_lines(f"{name} torchinfo batch {batch}", nnbench(name, "torchinfo", "--mb", str(batch)), text + "\n")


def nnbench_torchstat(name):
    """rows by module name: (input shape, output shape, the 7 numbers), and the totals block"""
    text = nnbench(name, "torchstat")
    rows, lines = {}, text.split("\n")
    for line in lines[1:]:
        if line.startswith("="):
            break
        t = line.split()
        if t[0] == "total":
            continue
        rows[t[1]] = (t[2:-7], [float(x.replace(",", "")) for x in t[-7:]])
    start = next(i for i, l in enumerate(lines) if l.startswith("Total params"))
    return rows, lines[start:start + 6]


def check_torchstat(name):
    with contextlib.redirect_stdout(io.StringIO()):  # ModelStat._analyze_model, then undone:
        hook = ModelHook(torch_model(name), (3, 224, 224))  # it replaces each leaf class's __call__
        nodes = convert_leaf_modules_to_stat_tree(hook.retrieve_leaf_modules()).get_collected_stat_nodes(1)
        for cls, call in hook._origin_call.items():
            cls.__call__ = call
        report = report_format(nodes)
    rows, totals = nnbench_torchstat(name)
    ok = True
    if sorted(rows) != sorted(n.name for n in nodes):
        fail(f"{name} torchstat: modules differ: {sorted(set(rows) ^ set(n.name for n in nodes))}")
        return False
    for n in nodes:
        shapes, nums = rows[n.name]
        mread, mwrite = n.Memory
        want = [n.parameter_quantity, round(float(n.inference_memory), 2), n.MAdd, n.Flops, mread, mwrite,
                mread + mwrite]
        if [int(s) for s in shapes] != list(n.input_shape) + list(n.output_shape) or \
                [round(x, 2) for x in nums] != [round(float(x), 2) for x in want]:
            fail(f"{name} torchstat {n.name}: nnbench {shapes} {nums}, torchstat {n.input_shape} "
                 f"{n.output_shape} {want}")
            ok = False
    r = report.rstrip("\n").split("\n")
    theirs = [r[-6]] + r[-4:]  # Total params, then (after a rule) the four totals
    ours = [totals[0]] + totals[2:6]
    return same_lines(f"{name} torchstat totals", "\n".join(ours), "\n".join(theirs)) and ok


for net in TORCH_NETS:
    res = [check_torchsummary(net), check_torchinfo(net), check_torchstat(net)]
    print(f"{net}: torchsummary {'same' if res[0] else 'DIFFERS'}, torchinfo {'same' if res[1] else 'DIFFERS'}, "
          f"torchstat {'same' if res[2] else 'DIFFERS'}", flush=True)
# the batch: torchsummary shows it where given, torchinfo's input holds it
check_torchsummary("resnet18", 2)
check_torchinfo("alexnet-seed", 3)
sys.exit(1 if failures else 0)
