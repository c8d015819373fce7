"""benchdnn's conv/deconv descriptor rules, ported line by line from
oneDNN's tests/benchdnn/conv/conv_aux.cpp (str2desc), deconv_aux.cpp,
common.cpp (sanitize_desc) and conv.hpp/deconv.hpp (init_pad_r), commit
515bfba6 (copies in shared/reference/benchdnn/src). Used as the oracle for
nnbench's reading of the benchdnn corpus."""
import glob
import json
import os
import re
import subprocess

FIELDS = ["g", "mb", "ic", "id", "ih", "iw", "oc", "od", "oh", "ow",
          "kd", "kh", "kw", "sd", "sh", "sw", "pd", "ph", "pw", "dd", "dh", "dw"]


class DescError(ValueError):
    pass


def str2desc(s, deconv=False):
    d = {f: 0 for f in FIELDS}
    d["g"] = -1
    d["mb"] = 2
    d["sd"] = d["sh"] = d["sw"] = 1
    d["pd"] = d["ph"] = d["pw"] = -1
    d["name"] = ""
    i = 0
    while i < len(s):
        ok = False
        # CASE_N in order; each may match once per loop iteration
        for f in FIELDS:
            if s.startswith(f, i):
                ok = True
                i += len(f)
                m = re.match(r"[ \t\n\v\f\r]*[+-]?[0-9]+", s[i:])  # strtol
                if not m:
                    raise DescError("no value for " + f)
                d[f] = int(m.group(0))
                i += len(m.group(0))
                if d[f] < 0:
                    raise DescError(f + " must be positive")
        if i < len(s) and s[i] == "n":
            d["name"] = s[i + 1:]
            break
        if i < len(s) and s[i] == "_":
            i += 1
        if not ok:
            raise DescError("unrecognized pattern at " + s[i:])
    if d["g"] >= 0:
        if d["g"] <= 0:
            raise DescError("g not set or 0")
        d["has_groups"] = True
    else:
        d["g"] = 1
        d["has_groups"] = False
    for f in ("ic", "oc", "sd", "sh", "sw"):
        if d[f] <= 0:
            raise DescError(f + " not set or 0")

    def conv_out(i, k, s_, p, dl):
        return _div(i - ((k - 1) * (dl + 1) + 1) + 2 * p, s_) + 1

    def conv_pad(o, i, k, s_, dl):
        return _div((o - 1) * s_ - i + ((k - 1) * (dl + 1) + 1), 2)

    def deconv_out(i, k, s_, p, dl):
        return (i - 1) * s_ + (k - 1) * (dl + 1) - 2 * p + 1

    def deconv_pad(o, i, k, s_, dl):
        return _div((i - 1) * s_ - o + ((k - 1) * (dl + 1) + 1), 2)

    out_fn, pad_fn = (deconv_out, deconv_pad) if deconv else (conv_out, conv_pad)
    for x in ("d", "h", "w"):
        no = (d["i" + x] | d["k" + x] | d["o" + x] | d["d" + x]) == 0 and d["s" + x] == 1 and d["p" + x] < 1
        if no:
            continue
        for f in ("i" + x, "k" + x):
            if d[f] <= 0:
                raise DescError(f + " not set or 0")
        if not d["o" + x]:
            if d["p" + x] < 0:
                d["p" + x] = 0
            d["o" + x] = out_fn(d["i" + x], d["k" + x], d["s" + x], d["p" + x], d["d" + x])
            if d["o" + x] <= 0:
                raise DescError("o" + x + " deduced <= 0")
        elif d["p" + x] < 0:
            d["p" + x] = pad_fn(d["o" + x], d["i" + x], d["k" + x], d["s" + x], d["d" + x])
    _sanitize(d)
    for x in ("d", "h", "w"):
        i_, o, k, s_, p, dl = (d[c + x] for c in ("i", "o", "k", "s", "p", "d"))
        if deconv:
            d["p" + x + "_r"] = (i_ - 1) * s_ - o + ((k - 1) * (dl + 1) + 1) - p
        else:
            d["p" + x + "_r"] = (o - 1) * s_ - i_ + ((k - 1) * (dl + 1) + 1) - p
    return d


def _div(a, b):
    """C++ integer division truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _sanitize(d):
    keys = ("o", "i", "k", "s", "p", "d")
    defaults = (1, 1, 1, 1, 0, 0)
    no_d, no_h, no_w = d["od"] == 0, d["oh"] == 0, d["ow"] == 0
    nd = 5
    if no_d:
        nd -= 1
    if no_d and no_h:
        nd -= 1
    if no_d and no_h and no_w:
        nd -= 1
    if nd <= 2:
        raise DescError("no spatial dimension")
    if nd == 5:
        if no_h and no_w:
            for k in keys:
                d[k + "w"] = d[k + "h"] = d[k + "d"]
        elif not no_h and not no_w:
            pass
        else:
            raise DescError("either all h and w dimensions or none")
    elif nd == 4 and no_w:
        for k in keys:
            d[k + "w"] = d[k + "h"]
    for k, dv in zip(keys, defaults):
        if nd < 5:
            d[k + "d"] = dv
        if nd < 4:
            d[k + "h"] = dv
        if nd < 3:
            d[k + "w"] = dv
    d["ndims"] = nd


def problem_class(d):
    """'2d' (incl. 1-D as h=1), 'unit3d' (3-D with a unit depth: a 2-D
    problem), or '3d' (a real 3-D problem nnbench refuses)."""
    if d["ndims"] < 5:
        return "2d"
    if d["id"] == 1 and d["od"] == 1 and d["kd"] == 1 and d["pd"] == 0 and d["pd_r"] == 0:
        return "unit3d"
    return "3d"


def macs(d, deconv=False):
    """Dense MACs (every output x every tap, nnbench's convention); deconv
    input-based (DESIGN.md)."""
    g = d["g"]
    taps = d["kd"] * d["kh"] * d["kw"]
    if deconv:
        return d["mb"] * d["ic"] * (d["oc"] // g) * taps * d["id"] * d["ih"] * d["iw"]
    return d["mb"] * d["oc"] * (d["ic"] // g) * taps * d["od"] * d["oh"] * d["ow"]


def axis_pairs(n_iter, bound, k, s, p, dil):
    """Pairs (o, r), 0 <= o < n_iter, 0 <= r < k, with 0 <= o*s - p + r*(dil+1)
    < bound: the taps count_ops (conv_aux.cpp, deconv_aux.cpp) counts along
    one axis, tap by tap."""
    total = 0
    for r in range(k):
        off = r * (dil + 1) - p
        lo = max(0, -(off // s))            # first o with o*s + off >= 0
        hi = min(n_iter, -((off - bound) // s))  # first o with o*s + off >= bound
        total += max(0, hi - lo)
    return total


def valid_macs(d, deconv=False):
    """benchdnn's count_ops / 2: MACs over the taps that read the input."""
    v = 1
    for x in "hw":
        if deconv:
            v *= axis_pairs(d["i" + x], d["o" + x], d["k" + x], d["s" + x], d["p" + x], d["d" + x])
        else:
            v *= axis_pairs(d["o" + x], d["i" + x], d["k" + x], d["s" + x], d["p" + x], d["d" + x])
    g = d["g"]
    return d["mb"] * (d["ic"] * (d["oc"] // g) if deconv else d["oc"] * (d["ic"] // g)) * v


def batch_tokens(text):
    """benchdnn's batch() (common.cpp): (token, line) pairs; '#' at a token's
    start drops the rest of the line; a token ending in '\\' joins the next."""
    out, cont = [], False
    for lineno, line in enumerate(text.split("\n"), 1):
        for tok in line.split():
            if tok.startswith("#"):
                break
            if cont:
                prev, at = out.pop()
                tok, lineno_tok = prev + tok, at
            else:
                lineno_tok = lineno
            cont = tok.endswith("\\")
            if cont:
                if len(tok) == 1:
                    continue
                tok = tok[:-1]
            out.append((tok, lineno_tok))
    return out


def corpus_files(root):
    """(driver, path) of every shapes_* file under root/{conv,deconv}."""
    return [(drv, f) for drv in ("conv", "deconv") for f in sorted(glob.glob(os.path.join(root, drv, "shapes_*")))]


def read_with_nnbench(nnbench, drv, path):
    """nnbench --analytic --format json over one batch file: (layer records,
    skipped records), each in file order."""
    r = subprocess.run([nnbench, "--analytic", "--format", "json", "--" + drv, "--batch", path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{path}: exit {r.returncode}: {r.stderr.strip()}")
    layers, skipped = [], []
    for line in r.stdout.splitlines():
        rec = json.loads(line)
        (skipped if "skipped" in rec else layers).append(rec)
    return layers, skipped


def corpus(nnbench, root):
    """Every descriptor of the corpus with benchdnn's reading and nnbench's:
    yields (driver, path, line, token, desc, class, record) where record is
    nnbench's layer record (or its skipped record for class '3d')."""
    for drv, path in corpus_files(root):
        toks = [(t, n) for t, n in batch_tokens(open(path).read()) if not t.startswith("--")]
        if not toks:  # e.g. shapes_fastrcnn_p3, all comments: nothing to run is an error
            r = subprocess.run([nnbench, "--analytic", "--batch", path], capture_output=True, text=True)
            if r.returncode != 2 or "no layer descriptors" not in r.stderr:
                raise RuntimeError(f"{path}: no descriptors, but nnbench exit {r.returncode}: {r.stderr}")
            continue
        layers, skipped = read_with_nnbench(nnbench, drv, path)
        li = si = 0
        for tok, n in toks:
            d = str2desc(tok, drv == "deconv")
            c = problem_class(d)
            if c == "3d":
                rec = skipped[si] if si < len(skipped) else None
                si += 1
            else:
                rec = layers[li] if li < len(layers) else None
                li += 1
            yield drv, path, n, tok, d, c, rec
        if li != len(layers) or si != len(skipped):
            raise RuntimeError(f"{path}: nnbench gave {len(layers)} layers and {len(skipped)} skips, "
                               f"benchdnn's rules {li} and {si}")
