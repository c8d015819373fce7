"""nnbench's networks against torchvision's (and seed 003's AlexNet written
as its listing gives it): for every model, `nnbench --model NAME --analytic
--format json` layer by layer against the leaf modules torchvision's forward
calls (module names in call order, output shapes, each module's own
parameters), and in total (params = sum(p.numel()), MACs = a forward hook
counting Conv2d and Linear multiply-accumulates). nnbench's layers named
"...()" are the functions torchvision applies without a module (residual
add, concatenation, flatten, F.relu, F.adaptive_avg_pool2d); they must carry
no parameters. Needs torch and torchvision (Debian's python3-torch,
python3-torchvision); exit 77 (skip) without them. No weights are
downloaded (weights=None)."""
import json
import os
import subprocess
import sys

try:
    import torch
    import torchvision
    from torch import nn
except ImportError as e:
    print(f"skip: {e}")
    sys.exit(77)

NNB = os.environ.get("NNBENCH", "nnbench")
FUNCTION_OPS = {"add", "concat", "flatten", "relu", "pool_adaptive_avg"}
failures = 0
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_nets import TORCH_NETS, torch_model  # noqa: E402


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)


def torch_rows(model, batch):
    """(module, output shape, own params) per leaf module call, and the MACs"""
    rows, macs = [], [0]

    def hook(name):
        def f(mod, inp, out):
            own = sum(p.numel() for p in mod.parameters(recurse=False))
            rows.append((name, tuple(out.shape), own))
            if isinstance(mod, nn.Conv2d):
                k = mod.kernel_size
                macs[0] += out.numel() * (mod.in_channels // mod.groups) * k[0] * k[1]
            elif isinstance(mod, nn.Linear):
                macs[0] += mod.in_features * out.numel()
        return f

    for name, mod in model.named_modules():
        if not list(mod.children()):
            mod.register_forward_hook(hook(name))
    with torch.no_grad():
        model.eval()(torch.zeros(batch, 3, 224, 224))
    return rows, macs[0]


def nnbench_rows(name, batch):
    out = subprocess.run([NNB, "--model", name, "--analytic", "--format", "json", "--mb", str(batch)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"{name}: nnbench exit {out.returncode}: {out.stderr.strip()}")
        return [], None
    recs = [json.loads(l) for l in out.stdout.splitlines()]
    return recs[:-1], recs[-1]


def out_shape(layer):
    """nnbench's tensors are NCHW: a 2-d (n, features) tensor is n x features x 1 x 1"""
    return (layer["n"], layer["k"], layer["oh"], layer["ow"])


def as_nchw(shape):
    return tuple(shape) + (1,) * (4 - len(shape))


def compare(name, batch):
    model = torch_model(name)
    params = sum(p.numel() for p in model.parameters())
    trows, tmacs = torch_rows(model, batch)
    recs, summary = nnbench_rows(name, batch)
    if summary is None:
        return
    if [r["index"] for r in recs] != list(range(len(recs))):
        fail(f"{name}: indices are not 0..{len(recs) - 1}")
    for r in recs:
        if r["module"].endswith("()"):
            if r["layer"]["op"] not in FUNCTION_OPS or r["analytic"]["params"]:
                fail(f"{name}: {r['module']}: a function row with op {r['layer']['op']}, "
                     f"{r['analytic']['params']} params")
    mods = [r for r in recs if not r["module"].endswith("()")]
    if [m for m, _, _ in trows] != [r["module"] for r in mods]:
        fail(f"{name}: module sequence differs:\n torch   {[m for m, _, _ in trows]}\n nnbench "
             f"{[r['module'] for r in mods]}")
    for (m, shape, own), r in zip(trows, mods):
        if r["module"] != m:
            break
        if out_shape(r["layer"]) != as_nchw(shape):
            fail(f"{name}: {m}: output {out_shape(r['layer'])}, torch {shape}")
        if r["analytic"]["params"] != own:
            fail(f"{name}: {m}: params {r['analytic']['params']}, torch {own}")
    s = summary["summary"]
    if (s["params"], s["macs"]) != (params, tmacs):
        fail(f"{name}: totals params {s['params']} macs {s['macs']}, torch {params} {tmacs}")
    print(f"{name} (batch {batch}): {len(trows)} modules + {len(recs) - len(mods)} functions, "
          f"params {params:,}, MACs {tmacs:,}: {'ok' if not failures else 'see above'}")


for net in TORCH_NETS:
    compare(net, 1)
compare("resnet18", 2)  # --mb: every shape and the MACs follow the batch
sys.exit(1 if failures else 0)
