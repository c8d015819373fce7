"""PyTorch shape inference (meta tensors: no memory, no compute) for every
1-D, 2-D and unit-depth 3-D descriptor of benchdnn's corpus as nnbench reads
it: the output size torch gives for nnbench's layer (asymmetric padding as
an explicitly padded input, a deconv's far padding as a crop after
output_padding) equals nnbench's and benchdnn's, and the MACs counted from
torch's tensors equal nnbench's. Skips (exit 77) without torch."""
import os
import sys

try:
    import torch
    import torch.nn.functional as F
except Exception as e:  # pragma: no cover
    print(f"skip: torch not importable ({e})")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchdnn_desc as B  # noqa: E402

NNBENCH = os.environ.get("NNBENCH", "build/nnbench")
ROOT = os.path.join(os.environ.get("NNB_SOURCE_DIR", "."), "tests", "data", "benchdnn")


def torch_out(L):
    """(oh, ow, macs) from torch for nnbench's layer record L."""
    g, c, k, kh, kw = L["groups"], L["c"], L["k"], L["kh"], L["kw"]
    if L["op"] == "conv":
        x = torch.empty(L["n"], c, L["h"] + L["pt"] + L["pb"], L["w"] + L["pl"] + L["pr"], device="meta")
        w = torch.empty(k, c // g, kh, kw, device="meta")
        y = F.conv2d(x, w, stride=(L["sh"], L["sw"]), dilation=(L["dh"], L["dw"]), groups=g)
        return y.shape[2], y.shape[3], y.numel() * w.shape[1] * kh * kw
    x = torch.empty(L["n"], c, L["h"], L["w"], device="meta")
    w = torch.empty(c, k // g, kh, kw, device="meta")
    y = F.conv_transpose2d(x, w, stride=(L["sh"], L["sw"]), output_padding=(L["oph"], L["opw"]),
                           dilation=(L["dh"], L["dw"]), groups=g)
    # padding crops pt/pl at the near side and pb/pr at the far side
    return (y.shape[2] - L["pt"] - L["pb"], y.shape[3] - L["pl"] - L["pr"], x.numel() * w.shape[1] * kh * kw)


def main():
    checked, failures = 0, []
    for drv, path, line, tok, d, c, rec in B.corpus(NNBENCH, ROOT):
        if c == "3d":
            continue
        L = rec["layer"]
        oh, ow, macs = torch_out(L)
        checked += 1
        if (oh, ow) != (L["oh"], L["ow"]) or (oh, ow) != (d["oh"], d["ow"]) or macs != rec["analytic"]["macs"]:
            failures.append(f"{os.path.basename(path)}:{line} {tok}: torch {oh}x{ow} MACs {macs}, nnbench "
                            f"{L['oh']}x{L['ow']} MACs {rec['analytic']['macs']}, benchdnn {d['oh']}x{d['ow']}")
    print(f"torch meta shapes: {checked} descriptors checked, {len(failures)} differ")
    for f in failures[:30]:
        print("FAIL", f)
    return 1 if failures or checked != 35431 - 12947 else 0


if __name__ == "__main__":
    sys.exit(main())
