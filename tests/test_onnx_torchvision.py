"""--model FILE.onnx against the built-in networks and onnx's own shape
inference. Each torchvision network is exported by Debian's torch
(torch.onnx.export, weights=None, a dynamic batch axis) in eval mode (BN
folded into the convolutions) and, for some, in training mode (BN kept) at
opsets 11, 13 and 16; its weights are moved to an external-data file that
is then deleted (nnbench reads shapes only, without the file).
- every node's output shapes from `nnbench onnx-nodes --mb 2` equal
  onnx.shape_inference's (the batch dim bound to 2);
- per layer, the convolutions, fully connected layers, max pools, adds and
  concatenations equal the built-in network's (same order: the exporter
  keeps forward's order) in shape, window and MACs; MAC totals are equal;
  parameters differ exactly by BN folding: eval folds each BN (2C params:
  gamma, beta) into a conv bias (C), training keeps BN as a node nnbench
  does not model (its batch statistics are not nnbench's inference bn).
Needs python3-torch, python3-torchvision, python3-onnx; 77 without."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import NNB, Checks, need  # noqa: E402

onnx, torch, _ = need("onnx", "torch", "torchvision")
from onnx_oracle import compare  # noqa: E402
from torch_nets import torch_model  # noqa: E402

torch.set_num_threads(2)
MB = 2
T = Checks()
check, fail = T.check, T.fail


def export(net, opset, train, path):
    model = torch_model(net)
    model.train(train)
    mode = torch.onnx.TrainingMode.TRAINING if train else torch.onnx.TrainingMode.EVAL
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), path, opset_version=opset, input_names=["input"],
                      output_names=["out"], dynamic_axes={"input": {0: "batch"}, "out": {0: "batch"}},
                      training=mode, do_constant_folding=not train)
    m = onnx.load(path)
    onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True, location="weights.bin",
                    size_threshold=0)
    os.remove(os.path.join(os.path.dirname(path), "weights.bin"))  # shapes only: the weights are not needed
    return m


def check_shapes(tag, m, path):
    fails, compared, _ = compare(NNB, m, path, MB)
    for f in fails:
        fail(f"{tag}: {f}")
    check(compared >= len(m.graph.node) // 2, f"{tag}: only {compared} shapes compared")


def records(args):
    r = subprocess.run([NNB, "--analytic", "--format", "json", "--mb", str(MB)] + args, capture_output=True, text=True)
    check(r.returncode == 0, f"{args}: exit {r.returncode}: {r.stderr.strip()}")
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    layers = [x for x in recs if "layer" in x and "kernel" not in x]
    summary = [x for x in recs if "summary" in x]
    skipped = [x for x in recs if "skipped" in x]
    return layers, summary[0]["summary"] if summary else {}, skipped


WINDOW = ("c", "h", "w", "k", "kh", "kw", "sh", "sw", "pt", "pl", "pb", "pr", "dh", "dw", "groups", "oh", "ow")


def key(rec):
    l = rec["layer"]
    op = l["op"]
    if op in ("conv", "pool_max"):
        return (op,) + tuple(l[f] for f in WINDOW) + (rec["analytic"]["macs"],)
    if op == "fc":
        return (op, l["c"] * l["h"] * l["w"], l["k"], rec["analytic"]["macs"], l["bias"])
    return (op, l["c"], l["h"], l["w"])


def check_against_builtin(tag, net, path, train):
    ol, osum, oskip = records(["--model", path])
    bl, bsum, _ = records(["--model", net])
    for op in ("conv", "fc", "pool_max", "add", "concat"):
        o = [key(r) for r in ol if r["layer"]["op"] == op]
        b = [key(r) for r in bl if r["layer"]["op"] == op]
        check(o == b, f"{tag}: {op} layers differ from --model {net}: {len(o)} vs {len(b)}; first difference "
              f"{next(((x, y) for x, y in zip(o, b) if x != y), None)}")
    relus = lambda ls: sum(r["layer"]["op"] in ("relu", "relu6") for r in ls)
    check(relus(ol) == relus(bl), f"{tag}: {relus(ol)} relu/relu6 layers, built-in {relus(bl)}")
    check(osum.get("macs") == bsum.get("macs"), f"{tag}: MACs {osum.get('macs')} vs built-in {bsum.get('macs')}")
    bn = [r for r in bl if r["layer"]["op"] == "bn"]
    bn_params = sum(r["analytic"]["params"] for r in bn)
    if train:  # BN stays a node, not modelled: the built-in's bn parameters are not counted
        want = bsum["params"] - bn_params
        drop = sum(r["layer"]["op"] == "dropout" for r in bl)  # training-mode Dropout: not the inference identity
        check(len(oskip) == len(bn) + drop and
              all(s["skipped"]["spec"] in ("BatchNormalization", "Dropout") for s in oskip),
              f"{tag}: {len(oskip)} nodes not modelled, want the {len(bn)} BN and {drop} Dropout nodes")
    else:  # each BN (gamma, beta: 2C) folded into its conv's bias (C)
        want = bsum["params"] - sum(r["layer"]["c"] for r in bn)
        check(not oskip, f"{tag}: nodes not modelled: {[s['skipped']['reason'] for s in oskip][:3]}")
    check(osum.get("params") == want, f"{tag}: params {osum.get('params')}, want {want} (built-in {bsum['params']})")


CASES = [(net, 13, False) for net in ("alexnet", "vgg16", "resnet18", "resnet50", "mobilenet_v2", "googlenet")]
CASES += [("resnet18", 11, False), ("mobilenet_v2", 16, False), ("googlenet", 11, True), ("resnet18", 16, True)]

with tempfile.TemporaryDirectory() as tmp:
    for net, opset, train in CASES:
        tag = f"{net} opset {opset} {'train' if train else 'eval'}"
        d = os.path.join(tmp, tag.replace(" ", "_"))
        os.mkdir(d)
        path = os.path.join(d, f"{net}.onnx")
        m = export(net, opset, train, path)
        check_shapes(tag, m, path)
        check_against_builtin(tag, net, path, train)
        print(f"{tag}: {len(m.graph.node)} nodes checked")

T.finish()
