"""Every named convention of another tool against the tool itself: runs
ptflops, thop and fvcore (the versions the conventions table names, pinned
by scripts/make_venv.sh in a venv over Debian's torch) on single-layer torch
modules that match nnbench layers (conv with groups, dilation, stride,
padding, bias on and off; deconv with output padding; fc; max and average
pooling; batch norm; LSTM; embedding), at batch 1 and 3, and compares each
tool's number with the "conventions" object of `nnbench --analytic --format
json` (and torchinfo's parameter count with `params`). The tools count in
integers, so equality is exact. Also checks that
the venv holds the versions the --analytic table says it models.

Skips (exit 77, with the reason) where the venv cannot be made: no Debian
torch, or PyPI unreachable. The venv is cached in build/venv ($NNB_VENV)."""
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import warnings

SRC = os.environ.get("NNB_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NNBENCH = os.environ.get("NNBENCH", os.path.join(SRC, "build", "nnbench"))
# the nnbench convention name -> the package whose version the table names
TOOLS = {"ptflops": "ptflops", "thop": "thop", "fvcore": "fvcore"}


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tools_venv import enter_venv  # noqa: E402

enter_venv(__file__)

import torch  # noqa: E402  (only inside the venv)
import torch.nn as nn  # noqa: E402
from importlib.metadata import version as dist_version  # noqa: E402
from pip._vendor.packaging.version import Version  # noqa: E402  (pip is in every venv)

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
from fvcore.nn import FlopCountAnalysis  # noqa: E402
from ptflops import get_model_complexity_info  # noqa: E402
from thop import profile  # noqa: E402
from torchinfo import summary  # noqa: E402


def conv(c, k, r, **kw):
    return lambda: nn.Conv2d(c, k, r, **kw)


# (nnbench spec without n, module factory, input shape for batch n)
CASES = [
    ("conv:c=4,h=8,k=6,r=3,pad=1", conv(4, 6, 3, padding=1), lambda n: (n, 4, 8, 8)),
    ("conv:c=4,h=9,w=7,k=6,kh=3,kw=2,stride=2,bias=0", conv(4, 6, (3, 2), stride=2, bias=False),
     lambda n: (n, 4, 9, 7)),
    ("conv:c=6,h=10,k=9,r=3,pad=2,dil=2,g=3", conv(6, 9, 3, padding=2, dilation=2, groups=3),
     lambda n: (n, 6, 10, 10)),
    ("conv:c=8,h=7,k=8,r=3,stride=2,pad=1,g=8,bias=0", conv(8, 8, 3, stride=2, padding=1, groups=8, bias=False),
     lambda n: (n, 8, 7, 7)),
    ("conv:c=5,h=6,k=7,r=1", conv(5, 7, 1), lambda n: (n, 5, 6, 6)),
    ("deconv:c=4,h=5,k=6,r=3,stride=2,pad=1,outpad=1",
     lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1), lambda n: (n, 4, 5, 5)),
    ("deconv:c=6,h=4,w=5,k=4,r=4,stride=2,pad=1,g=2,bias=0",
     lambda: nn.ConvTranspose2d(6, 4, 4, stride=2, padding=1, groups=2, bias=False), lambda n: (n, 6, 4, 5)),
    ("deconv:c=3,h=4,k=2,r=3,dil=2", lambda: nn.ConvTranspose2d(3, 2, 3, dilation=2), lambda n: (n, 3, 4, 4)),
    ("fc:c=7,h=2,w=3,k=5", lambda: nn.Sequential(nn.Flatten(), nn.Linear(42, 5)), lambda n: (n, 7, 2, 3)),
    ("fc:c=16,h=1,w=1,k=10,bias=0", lambda: nn.Sequential(nn.Flatten(), nn.Linear(16, 10, bias=False)),
     lambda n: (n, 16, 1, 1)),
    ("maxpool:c=4,h=6,r=2", lambda: nn.MaxPool2d(2), lambda n: (n, 4, 6, 6)),
    ("maxpool:c=3,h=9,w=8,r=3,stride=2,pad=1,ceil=1", lambda: nn.MaxPool2d(3, 2, 1, ceil_mode=True),
     lambda n: (n, 3, 9, 8)),
    ("maxpool:c=2,h=9,r=3,stride=1,pad=1,dil=2", lambda: nn.MaxPool2d(3, 1, 1, dilation=2), lambda n: (n, 2, 9, 9)),
    ("avgpool:c=4,h=7,r=3,stride=2,pad=1", lambda: nn.AvgPool2d(3, 2, 1), lambda n: (n, 4, 7, 7)),
    ("avgpool:c=3,h=8,w=5,r=2,ceil=1,include_pad=0", lambda: nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False),
     lambda n: (n, 3, 8, 5)),
    ("bn:c=4,h=5", lambda: nn.BatchNorm2d(4), lambda n: (n, 4, 5, 5)),
    ("bn:c=3,h=4,w=6", lambda: nn.BatchNorm2d(3), lambda n: (n, 3, 4, 6)),
    ("lstm:c=10,k=20,h=3", lambda: nn.LSTM(10, 20, batch_first=True), lambda n: (n, 3, 10)),
    ("lstm:c=5,k=7,h=4,bias=0", lambda: nn.LSTM(5, 7, bias=False, batch_first=True), lambda n: (n, 4, 5)),
    ("embed:c=50,k=8,h=6", lambda: nn.Embedding(50, 8), lambda n: (n, 6)),
]
BATCHES = (1, 3)


def make_input(spec, shape):
    if spec.startswith("embed:"):
        return torch.arange(shape[0] * shape[1], dtype=torch.int64).reshape(shape) % 50
    return torch.randn(shape)


def version(pkg):
    """The installed version in pip's normal form (thop's metadata says
    0.1.1-2209072238 for the 0.1.1.post2209072238 that pip installs)."""
    return str(Version(dist_version(pkg)))


def run_ptflops(make, x):
    with contextlib.redirect_stdout(io.StringIO()):
        flops, _ = get_model_complexity_info(make().eval(), tuple(x.shape[1:]), input_constructor=lambda _: x,
                                             print_per_layer_stat=False, as_strings=False)
    if flops is None:
        raise RuntimeError("ptflops could not count the module")
    return flops


def run_thop(make, x):
    ops, _ = profile(make().eval(), inputs=(x,), verbose=False)
    return ops


def run_fvcore(make, x):
    a = FlopCountAnalysis(make().eval(), x)
    a.unsupported_ops_warnings(False)
    a.uncalled_modules_warnings(False)
    return a.total()


RUNNERS = {"ptflops": run_ptflops, "thop": run_thop, "fvcore": run_fvcore}


def nnbench_conventions(specs):
    r = subprocess.run([NNBENCH, "--batch", "/dev/stdin", "--analytic", "--format", "json"],
                       input="\n".join(specs) + "\n", capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"nnbench --analytic failed: {r.stderr}")
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    if len(rows) != len(specs):
        raise SystemExit(f"expected {len(specs)} records, got {len(rows)}")
    return [row["analytic"] for row in rows]


def check_versions():
    """The --analytic table names the version each convention models; the
    venv must hold exactly those."""
    r = subprocess.run([NNBENCH, "--analytic", "--layer", "conv3x3"], capture_output=True, text=True)
    failed = 0
    for name, pkg in TOOLS.items():
        want = f"{name} {version(pkg)}"
        if want not in r.stdout:
            print(f"the --analytic table does not name {want!r} (the venv's version)")
            failed += 1
    return failed


def main():
    torch.manual_seed(0)
    jobs = [(spec, make, shape(n), n) for spec, make, shape in CASES for n in BATCHES]
    analytic = nnbench_conventions([f"{spec},n={n}" for spec, _, _, n in jobs])
    failed = check_versions()
    compared = 0
    for (spec, make, shape, n), a in zip(jobs, analytic):
        x = make_input(spec, shape)
        params = summary(make(), input_data=x, verbose=0).total_params
        if params != a["params"]:
            print(f"FAIL torchinfo {version('torchinfo')} params on {spec},n={n}: {params}, nnbench {a['params']}")
            failed += 1
        conv_values = a["conventions"]
        for tool, run in RUNNERS.items():
            got = run(make, x)
            want = conv_values.get(tool)
            compared += 1
            if want is None or float(got) != float(want):
                print(f"FAIL {tool} {version(TOOLS[tool])} on {spec},n={n}: tool reports {got}, "
                      f"nnbench's convention {want}")
                failed += 1
    print(f"{compared} tool x layer figures and {len(jobs)} parameter counts compared (ptflops {version('ptflops')}, thop {version('thop')}, "
          f"fvcore {version('fvcore')}, torchinfo {version('torchinfo')}, torch {torch.__version__}); {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
