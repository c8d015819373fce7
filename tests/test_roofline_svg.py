#!/usr/bin/env python3
"""Parses a roofline SVG (and its JSON) with a real XML parser.

The SVG comes from `test_roofline --svg FILE` (synthetic ceilings and points,
with labels that need escaping), found next to the CLI in the build tree
($NNBENCH -> BUILD/nnbench, BUILD/tests/test_roofline), or from
$NNB_ROOFLINE_SVG when set (any SVG nnbench wrote, e.g. `nnbench roofline
--plot`). Exit 77 (skip) when neither exists."""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def fail(msg):
    print("test_roofline_svg: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check_svg(path, synthetic):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail(f"{path}: not well-formed XML: {e}")
    if root.tag != SVG + "svg":
        fail(f"root is {root.tag}, not svg")
    if root.get("version") != "1.1":
        fail("not SVG 1.1")
    for attr in ("width", "height", "viewBox"):
        if not root.get(attr):
            fail(f"svg has no {attr}")
    texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
    if not any("GFLOP/s" in t for t in texts):
        fail("no compute ceiling label")
    if not any("GB/s" in t for t in texts):
        fail("no memory ceiling label")
    if not any(t.strip() in ("0.1", "1", "10", "100") for t in texts):
        fail("no decade tick labels")
    # nothing external: self-contained
    for el in root.iter():
        for k, v in el.attrib.items():
            if k.endswith("href") and not v.startswith("#"):
                fail(f"external reference {v}")
    circles = list(root.iter(SVG + "circle"))
    if synthetic:
        if not any('direct <conv3x3> & "friends"' in t for t in texts):
            fail("escaped label did not round-trip: " + repr([t for t in texts if "direct" in t]))
        titles = ["".join(t.itertext()) for t in root.iter(SVG + "title")]
        if not any(t.startswith("conv3x3 <test> & co") for t in titles):
            fail("title did not round-trip")
        # the machine, readably: "<title> on MODEL, cores N, ISA (host H)"
        if not any(t.startswith("conv3x3 <test> & co on ") and ", cores " in t and "(host " in t for t in titles):
            fail("title does not name the machine: " + repr(titles[:1]))
        # hierarchical roofline: a marker per level (L1 square, L2 triangle,
        # DRAM diamond) for a kernel with those AIs, plus one of each in the legend
        ds = [p.get("d", "") for p in root.iter(SVG + "path")]
        squares = sum("h 10.0 v 10.0 h -10.0 z" in d for d in ds)
        triangles = sum("l 6.0 10.0 h -12.0 z" in d for d in ds)
        if squares != 1 + 1 or triangles != 1 + 1:
            fail(f"expected 2 L1 squares and 2 L2 triangles (kernel + legend), got {squares}, {triangles}")
        # 3 drawable kernels; 4 ridge points; 1 legend circle + 1 legend ridge
        kernel_dots = [c for c in circles if c.get("r") == "5"]
        if len(kernel_dots) != 3 + 1:
            fail(f"expected 3 kernel points + legend, got {len(kernel_dots)}")
        measured = [p for p in root.iter(SVG + "path")]
        if len(measured) < 2 + 1:
            fail("measured-AI markers missing")
        # every coordinate inside the canvas
        w, h = float(root.get("width")), float(root.get("height"))
        for c in circles:
            x, y = float(c.get("cx")), float(c.get("cy"))
            if not (0 <= x <= w and 0 <= y <= h):
                fail(f"circle outside the canvas: {x},{y}")
    return len(circles)


def main():
    path = os.environ.get("NNB_ROOFLINE_SVG")
    if path:
        n = check_svg(path, synthetic=False)
        print(f"test_roofline_svg: {path} ok ({n} circles)")
        return 0
    cli = os.environ.get("NNBENCH", "")
    exe = os.path.join(os.path.dirname(cli), "tests", "test_roofline") if cli else ""
    if not exe or not os.access(exe, os.X_OK):
        print("test_roofline_svg: SKIP: test_roofline executable not found next to $NNBENCH")
        return 77
    with tempfile.TemporaryDirectory() as d:
        svg = os.path.join(d, "roof.svg")
        r = subprocess.run([exe, "--svg", svg], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"{exe} --svg failed: {r.stderr.strip()}")
        n = check_svg(svg, synthetic=True)
        with open(svg + ".json", encoding="utf-8") as f:
            lines = [l for l in f.read().splitlines() if l.strip()]
        if len(lines) != 1:
            fail("JSON is not one line")
        j = json.loads(lines[0])
        roof = j["roofline"]
        if j["schema"] != "nnbench/1" or len(roof["bandwidth"]) != 4:
            fail("JSON shape")
        pts = {p["label"]: p for p in roof["points"]}
        g = pts["im2col_gemm"]
        if g["bound"] != "memory:DRAM" or abs(g["attainable_gflops"] - 32) > 1e-9 or abs(g["efficiency"] - 0.9375) > 1e-9:
            fail(f"placement in JSON: {g}")
        if pts['direct <conv3x3> & "friends" \'q\'']["bound"] != "compute":
            fail("direct should be compute bound")
    print(f"test_roofline_svg: ok ({n} circles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
