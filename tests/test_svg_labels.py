#!/usr/bin/env python3
"""Pictures a person reads at a glance (issue 20): every SVG nnbench draws is
read back (xml.etree) and, from the texts' positions, anchors, transforms and
font sizes (a conservative width: 0.6 em per character), no two texts
overlap and none leaves the canvas. For a network (resnet18: one point per
layer, at most 10 labels, with --plot-kernels all --color-by bound too), the
same network's page (its inline SVG), a sweep grid and a single layer."""
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import svg_text_boxes as stb  # noqa: E402
from testlib import run_in  # noqa: E402

QUICK = ["--threads", "1", "--counters", "none", "--reps", "1", "--min-time", "0"]
fails = []


def run(args, tmp):
    return run_in(tmp, args, fails)


def check_svg(what, path_or_root, max_labels=None):
    root = path_or_root if isinstance(path_or_root, ET.Element) else ET.parse(path_or_root).getroot()
    w, h = [float(v) for v in root.get("viewBox").split()[2:]]
    boxes = stb.text_boxes(root)
    if len(boxes) < 10:
        fails.append(f"{what}: only {len(boxes)} texts")
    for a, b in stb.overlaps(boxes):
        fails.append(f"{what}: texts overlap: {a!r} / {b!r}")
    for t in stb.outside(boxes, w, h):
        fails.append(f"{what}: text leaves the canvas: {t!r}")
    if max_labels is not None:  # point labels: "layer N%"
        labels = [t for t, _ in boxes if re.search(r"\S \d+(\.\d)?%$", t)]
        if not 1 <= len(labels) <= max_labels:
            fails.append(f"{what}: {len(labels)} point labels (want 1..{max_labels}): {labels}")
    print(f"{what}: {len(boxes)} texts, none overlapping, all inside {w:g}x{h:g}")
    return boxes


def main():
    tmp = tempfile.mkdtemp()
    run(["--model", "resnet18", "--plot", "r18.svg", "--out", "r18.jsonl"] + QUICK, tmp)
    if fails:
        return
    check_svg("resnet18 network", os.path.join(tmp, "r18.svg"), max_labels=10)
    root = ET.parse(os.path.join(tmp, "r18.svg")).getroot()
    pts = [g for g in root.iter(stb.SVG + "g") if g.find(stb.SVG + "title") is not None
           and g.find(stb.SVG + "title").text and "of the time" in g.find(stb.SVG + "title").text]
    layers = sum(1 for line in open(os.path.join(tmp, "r18.jsonl")) if '"kernel"' in line)
    if not 10 <= len(pts) < layers:  # one per timed layer, not one per kernel
        fails.append(f"network: {len(pts)} points for {layers} kernel records")
    run(["--model", "resnet18", "--plot", "all.svg", "--plot-kernels", "all", "--color-by", "bound"] + QUICK, tmp)
    if not fails:
        check_svg("resnet18 --plot-kernels all --color-by bound", os.path.join(tmp, "all.svg"), max_labels=10)
    # the page's inline picture: same rules
    run(["report", "r18.jsonl", "--html", "r18.html"], tmp)
    if not fails:
        page = open(os.path.join(tmp, "r18.html"), encoding="utf-8").read()
        svg = page[page.index("<svg"):page.index("</svg>") + 6]
        check_svg("resnet18 page", ET.fromstring(svg), max_labels=10)
    # a sweep grid: many series in the legend, trajectories on the roofline
    run(["--layer", "conv:c=8,h=8,k=8,r=3,pad=1", "--sweep", "c=4:64:x2", "--sweep", "k=4:16:x2",
         "--plot", "sweep.svg"] + QUICK, tmp)
    if not fails:
        check_svg("sweep", os.path.join(tmp, "sweep.svg"))
    # one layer: its kernels, labelled; the ridge labels apart
    run(["--layer", "conv:c=16,h=14,k=16,r=3,pad=1", "--plot", "one.svg"] + QUICK, tmp)
    if not fails:
        check_svg("single layer", os.path.join(tmp, "one.svg"))


main()
for f in fails:
    print("FAIL", f)
print(f"{0 if fails else 1} passed, {1 if fails else 0} failed")
sys.exit(1 if fails else 0)
