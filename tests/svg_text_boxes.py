"""Text boxes of an SVG read back (xml.etree): every <text> with its font
size (inherited), anchor, and the transforms of it and its ancestors
(translate, rotate), as an axis-aligned box; a conservative width estimate
(0.6 em per character) and height (0.75 em above the baseline, 0.2 below).
Used by tests/test_svg_labels.py; kept apart so other tests can read boxes."""
import math
import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
EM = 0.6


def _matrix(transform):
    m = (1, 0, 0, 1, 0, 0)
    for name, args in re.findall(r"(\w+)\(([^)]*)\)", transform or ""):
        v = [float(x) for x in re.split(r"[ ,]+", args.strip()) if x]
        if name == "translate":
            t = (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0)
        elif name == "rotate":
            a = math.radians(v[0])
            cx, cy = (v[1], v[2]) if len(v) == 3 else (0, 0)
            c, s = math.cos(a), math.sin(a)
            t = (c, s, -s, c, cx - c * cx + s * cy, cy - s * cx - c * cy)
        else:
            raise ValueError("transform " + name + " not understood")
        m = _mul(m, t)
    return m


def _mul(a, b):
    return (a[0] * b[0] + a[2] * b[1], a[1] * b[0] + a[3] * b[1], a[0] * b[2] + a[2] * b[3],
            a[1] * b[2] + a[3] * b[3], a[0] * b[4] + a[2] * b[5] + a[4], a[1] * b[4] + a[3] * b[5] + a[5])


def _apply(m, x, y):
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def text_boxes(root):
    """[(text, (x0, y0, x1, y1))] in canvas coordinates."""
    out = []

    def walk(el, m, size, anchor):
        m = _mul(m, _matrix(el.get("transform")))
        size = float(el.get("font-size", size))
        anchor = el.get("text-anchor", anchor)
        if el.tag == SVG + "text":
            s = "".join(el.itertext())
            x, y = float(el.get("x", 0)), float(el.get("y", 0))
            w = EM * size * len(s)
            left = x - {"start": 0, "middle": w / 2, "end": w}[anchor]
            corners = [_apply(m, cx, cy) for cx in (left, left + w) for cy in (y - 0.75 * size, y + 0.2 * size)]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            out.append((s, (min(xs), min(ys), max(xs), max(ys))))
            return
        for ch in el:
            walk(ch, m, size, anchor)

    walk(root, (1, 0, 0, 1, 0, 0), float(root.get("font-size", 16)), "start")
    return out


def overlaps(boxes):
    bad = []
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i][1], boxes[j][1]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                bad.append((boxes[i][0], boxes[j][0]))
    return bad


def outside(boxes, w, h):
    return [t for t, b in boxes if b[0] < 0 or b[1] < 0 or b[2] > w or b[3] > h]


def check(path):
    """(number of texts, overlapping pairs, texts outside the canvas)."""
    root = ET.parse(path).getroot()
    vb = [float(v) for v in root.get("viewBox").split()]
    boxes = text_boxes(root)
    return boxes, overlaps(boxes), outside(boxes, vb[2], vb[3])
