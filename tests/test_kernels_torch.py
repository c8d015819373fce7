#!/usr/bin/env python3
"""Every kernel's output against PyTorch (Debian's python3-torch, i.e. oneDNN
and ATen) on the tensors nnbench itself dumped: for each layer spec below,
`$NNBENCH --layer SPEC --kernels all --dump DIR --reps 1` writes src.npy,
wei.npy, bias.npy (with bias), dst_<kernel>.npy and layer.json; the same op is
run in torch on src/wei/bias and every dst must match (allclose, tolerance
from the accumulation length). Exit 77 (skipped) without torch."""
import glob
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001 - any import failure means "no oracle here"
    print(f"skipped: torch/numpy not importable ({e})")
    sys.exit(77)

SPECS = [
    "conv:c=8,h=9,k=6,r=3,pad=1,stride=2,dil=2,g=2,bias=1",
    "conv:c=5,h=11,w=7,k=7,r=3,pad=1",
    "conv:c=3,h=17,k=8,r=7,stride=2,pad=3,bias=0",
    "conv:c=6,h=12,k=6,r=3,pad=2,dil=2",
    "conv:c=12,h=10,k=12,r=3,pad=1,g=4",
    "conv:c=16,h=9,k=16,r=3,pad=1,g=16",
    "conv:c=8,h=9,k=16,r=3,pad=1,g=8,stride=2",
    "conv:c=16,h=7,k=8,r=1",
    "conv:c=4,h=1,k=5,r=3,pad=1",
    "deconv:c=6,h=5,k=4,r=3,stride=3,pad=1,outpad=2",
    "deconv:c=8,h=7,k=4,r=4,stride=2,pad=1",
    "deconv:c=6,h=4,k=6,r=3,stride=2,pad=1,outpad=1,g=3,dil=2",
    "fc:c=32,h=3,k=10",
    "fc:c=5,h=2,w=3,k=7,n=3",
    "maxpool:c=4,h=9,r=3,stride=2,ceil=1",
    "maxpool:c=3,h=10,r=3,stride=2,pad=1,dil=2",
    "avgpool:c=4,h=9,r=3,stride=2,pad=1,ceil=1",
    "avgpool:c=3,h=8,r=2,stride=2,pad=1,include_pad=0",
]


def torch_op(L, src, wei, bias):
    x = torch.from_numpy(src)
    w = torch.from_numpy(wei) if wei is not None else None
    b = torch.from_numpy(bias) if bias is not None else None
    op = L["op"]
    if op == "conv":
        x = F.pad(x, (L["pl"], L["pr"], L["pt"], L["pb"]))
        return F.conv2d(x, w, b, stride=(L["sh"], L["sw"]), dilation=(L["dh"], L["dw"]), groups=L["groups"])
    if op == "deconv":
        # torch pads symmetrically: compute the unpadded output, then crop pt/pl..pb/pr
        y = F.conv_transpose2d(x, w, b, stride=(L["sh"], L["sw"]), padding=0,
                               output_padding=(L["oph"], L["opw"]), groups=L["groups"],
                               dilation=(L["dh"], L["dw"]))
        return y[:, :, L["pt"]:L["pt"] + L["oh"], L["pl"]:L["pl"] + L["ow"]]
    if op == "fc":
        return F.linear(x.reshape(x.shape[0], -1), w.reshape(L["k"], -1), b)
    assert L["pt"] == L["pb"] and L["pl"] == L["pr"], "torch pools pad symmetrically"
    if op == "pool_max":
        return F.max_pool2d(x, (L["kh"], L["kw"]), (L["sh"], L["sw"]), (L["pt"], L["pl"]),
                            (L["dh"], L["dw"]), ceil_mode=L["ceil_mode"])
    if op == "pool_avg":
        return F.avg_pool2d(x, (L["kh"], L["kw"]), (L["sh"], L["sw"]), (L["pt"], L["pl"]),
                            ceil_mode=L["ceil_mode"], count_include_pad=L["count_include_pad"])
    raise ValueError(op)


def accumulation_length(L):
    if L["op"] in ("conv", "deconv"):
        return L["c"] // L["groups"] * L["kh"] * L["kw"]
    if L["op"] == "fc":
        return L["c"] * L["h"] * L["w"]
    return L["kh"] * L["kw"]


def main():
    exe = os.environ.get("NNBENCH")
    if not exe or not os.access(exe, os.X_OK):
        print("NNBENCH does not point at the nnbench CLI")
        return 1
    torch.set_num_threads(1)
    failures = checked = 0
    for spec in SPECS:
        with tempfile.TemporaryDirectory() as d:
            cmd = [exe, "--layer", spec, "--kernels", "all", "--dump", d, "--reps", "1"]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL {spec}: {' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()}")
                failures += 1
                continue
            if not os.path.exists(os.path.join(d, "layer.json")) or not os.path.exists(os.path.join(d, "src.npy")):
                print(f"FAIL {spec}: {' '.join(cmd)} wrote no layer.json/src.npy in the dump directory")
                failures += 1
                continue
            with open(os.path.join(d, "layer.json")) as f:
                L = json.load(f)
            src = np.load(os.path.join(d, "src.npy"))
            wei = np.load(os.path.join(d, "wei.npy")) if os.path.exists(os.path.join(d, "wei.npy")) else None
            bias = np.load(os.path.join(d, "bias.npy")) if L.get("bias") and L["op"] in ("conv", "deconv", "fc") else None
            want = torch_op(L, src, wei, bias).numpy()
            assert want.shape == (L["n"], L["k"], L["oh"], L["ow"]) or L["op"] == "fc", (spec, want.shape)
            # fp32 sums of Lacc terms in different orders: error <= Lacc*eps*sum|terms|
            scale = float(np.abs(src).max()) * (float(np.abs(wei).max()) if wei is not None else 1.0)
            atol = accumulation_length(L) * scale * 2.0 ** -22 + 1e-6
            dumps = sorted(glob.glob(os.path.join(d, "dst_*.npy")))
            if not any(p.endswith("dst_reference.npy") for p in dumps) or len(dumps) < 2:
                print(f"FAIL {spec}: expected dst_reference.npy and another kernel, got {dumps}")
                failures += 1
            for p in dumps:
                got = np.load(p)
                name = os.path.basename(p)[4:-4]
                checked += 1
                if got.size != want.size or not np.allclose(got.reshape(want.shape), want, rtol=1e-5, atol=atol):
                    err = np.abs(got.reshape(want.shape) - want).max() if got.size == want.size else "shape"
                    print(f"FAIL {spec}: {name} differs from torch (max |diff| {err}, atol {atol:.3g})")
                    failures += 1
    print(f"test_kernels_torch: {checked} kernel outputs checked against torch {torch.__version__}, {failures} failures")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
