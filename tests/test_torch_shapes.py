"""Output shapes and parameter counts of nnbench's analytic model against
PyTorch (Debian's python3-torch) over a few hundred random conv, deconv,
pool, fc, bn and lstm configurations; and invalid configurations that
PyTorch refuses must be refused by nnbench too (exit 2, one stderr line).
Skips (exit 77) when torch is not importable."""
import json
import os
import random
import subprocess
import sys
import tempfile

try:
    import torch
    import torch.nn as nn
except Exception as e:  # pragma: no cover
    print(f"skip: torch not importable ({e})")
    sys.exit(77)

NNBENCH = os.environ.get("NNBENCH", "build/nnbench")
rng = random.Random(20261122)


def rand_conv():
    g = rng.choice([1, 1, 1, 2, 3, 4])
    c = g * rng.randint(1, 6)
    k = g * rng.randint(1, 5)
    kh, kw = rng.randint(1, 5), rng.choice([None, rng.randint(1, 5)])
    kw = kh if kw is None else kw
    s = rng.randint(1, 4)
    d = rng.choice([1, 1, 2, 3])
    p = rng.randint(0, 3)
    h, w = rng.randint(1, 24), rng.randint(1, 24)
    n = rng.randint(1, 3)
    bias = rng.random() < 0.5
    spec = f"conv:n={n},c={c},h={h},w={w},k={k},kh={kh},kw={kw},stride={s},pad={p},dil={d},g={g},bias={int(bias)}"
    m = nn.Conv2d(c, k, (kh, kw), stride=s, padding=p, dilation=d, groups=g, bias=bias)
    return spec, m, (n, c, h, w)


def rand_deconv():
    g = rng.choice([1, 1, 2, 3])
    c = g * rng.randint(1, 5)
    k = g * rng.randint(1, 5)
    r = rng.randint(1, 5)
    s = rng.randint(1, 4)
    d = rng.choice([1, 1, 2])
    p = rng.randint(0, 3)
    op = rng.randint(0, max(s, d) - 1)
    h, w = rng.randint(1, 12), rng.randint(1, 12)
    n = rng.randint(1, 2)
    bias = rng.random() < 0.5
    spec = f"deconv:n={n},c={c},h={h},w={w},k={k},r={r},stride={s},pad={p},dil={d},g={g},outpad={op},bias={int(bias)}"
    m = nn.ConvTranspose2d(c, k, r, stride=s, padding=p, output_padding=op, groups=g, bias=bias, dilation=d)
    return spec, m, (n, c, h, w)


def rand_pool():
    r = rng.randint(1, 5)
    s = rng.randint(1, 4)
    p = rng.randint(0, r // 2)
    ceil = rng.random() < 0.5
    c, h, w = rng.randint(1, 4), rng.randint(1, 20), rng.randint(1, 20)
    if rng.random() < 0.5:
        d = rng.choice([1, 1, 2])
        p = rng.randint(0, ((r - 1) * d + 1) // 2)
        spec = f"maxpool:c={c},h={h},w={w},r={r},stride={s},pad={p},dil={d},ceil={int(ceil)}"
        m = nn.MaxPool2d(r, stride=s, padding=p, dilation=d, ceil_mode=ceil)
    else:
        incl = rng.random() < 0.5
        spec = f"avgpool:c={c},h={h},w={w},r={r},stride={s},pad={p},ceil={int(ceil)},include_pad={int(incl)}"
        m = nn.AvgPool2d(r, stride=s, padding=p, ceil_mode=ceil, count_include_pad=incl)
    return spec, m, (1, c, h, w)


def rand_fc():
    c, h, w, k = rng.randint(1, 64), rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 50)
    bias = rng.random() < 0.5
    spec = f"fc:n=2,c={c},h={h},w={w},k={k},bias={int(bias)}"
    m = nn.Sequential(nn.Flatten(), nn.Linear(c * h * w, k, bias=bias))
    return spec, m, (2, c, h, w)


def torch_out_shape(m, shape):
    with torch.no_grad():
        return tuple(m(torch.zeros(shape)).shape)


def main():
    cases, invalid = [], []
    gens = [rand_conv] * 5 + [rand_deconv] * 3 + [rand_pool] * 3 + [rand_fc]
    while len(cases) < 400:
        spec, m, shape = rng.choice(gens)()
        try:
            out = torch_out_shape(m, shape)
            if 0 in out:
                raise RuntimeError("empty output")
        except Exception:
            if len(invalid) < 40:
                invalid.append(spec)
            continue
        params = sum(p.numel() for p in m.parameters())
        cases.append((spec, out, params))
    # fixed extras: bn and lstm parameter counts
    extras = [("bn:c=7,h=5", None, sum(p.numel() for p in nn.BatchNorm2d(7).parameters())),
              ("lstm:c=10,k=20,h=3", None, sum(p.numel() for p in nn.LSTM(10, 20).parameters())),
              ("lstm:c=10,k=20,h=3,bias=0", None, sum(p.numel() for p in nn.LSTM(10, 20, bias=False).parameters())),
              ("embed:c=100,k=16,h=4", None, sum(p.numel() for p in nn.Embedding(100, 16).parameters()))]
    cases += extras

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for spec, _, _ in cases:
            f.write(spec + "\n")
        batch = f.name
    try:
        res = subprocess.run([NNBENCH, "--batch", batch, "--analytic", "--format", "json"],
                             capture_output=True, text=True)
    finally:
        os.unlink(batch)
    if res.returncode != 0:
        print(res.stderr)
        return 1
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    if len(rows) != len(cases):
        print(f"expected {len(cases)} rows, got {len(rows)}")
        return 1
    failed = 0
    for (spec, out, params), row in zip(cases, rows):
        L, A = row["layer"], row["analytic"]
        if out is not None:
            if row["layer"]["op"] == "fc":
                got = (L["n"], L["k"])
            else:
                got = (L["n"], L["k"] if L["op"] in ("conv", "deconv") else L["c"], L["oh"], L["ow"])
            if got != out:
                print(f"shape mismatch {spec}: nnbench {got} torch {out}")
                failed += 1
        if A["params"] != params:
            print(f"params mismatch {spec}: nnbench {A['params']} torch {params}")
            failed += 1

    # configurations torch refuses: nnbench must refuse with exit 2 and one line
    refused = 0
    for spec in invalid:
        r = subprocess.run([NNBENCH, "--layer", spec, "--analytic"], capture_output=True, text=True)
        lines = [x for x in r.stderr.splitlines() if x.strip()]
        if r.returncode != 2 or len(lines) != 1 or r.stdout:
            print(f"invalid config not refused cleanly: {spec}: rc={r.returncode} stderr={r.stderr!r}")
            failed += 1
        else:
            refused += 1
    print(f"{len(cases)} configurations compared with torch {torch.__version__}, "
          f"{refused} invalid ones refused; {failed} failed")
    print(f"{len(cases) + refused - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
