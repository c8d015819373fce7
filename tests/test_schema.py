#!/usr/bin/env python3
"""The output contract, checked against docs/schema.json, its one statement.

Runs the CLI in every mode that writes JSON (analytic layers, presets, benchdnn
strings, batch files, networks, kernel runs with and without counters and a
roofline placement, --dump, topo, roofline, --plot FILE.json) and checks:
  - every record validates against the schema (required keys, types, values);
  - every key the writers print is described in the schema, and none still
    marked PLANNED there ("more keys may be added" means: described first);
  - every key the schema describes as written today was seen in some run
    (so the document does not describe keys nnbench no longer writes);
  - every key of the schema is named in docs/schema.md (the page for people);
  - bad input exits with the schema's bad-input code, one line on stderr;
  - the CSV header has the schema's columns;
  - the checks can fail: a copy of the schema with a key renamed, and one with
    a key left out, must be refused on the same records.
Uses python3-jsonschema where installed, else a small validator for the
subset of draft 2020-12 the schema uses."""
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

NNB = os.environ.get("NNBENCH", "build/nnbench")
SRC = os.environ.get("NNB_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCHEMA_PATH = os.path.join(SRC, "docs", "schema.json")
DOC_PATH = os.path.join(SRC, "docs", "schema.md")

try:
    import jsonschema
except ImportError:  # scripts/setup.sh installs python3-jsonschema
    jsonschema = None

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


# ---- validation: jsonschema, or the subset of draft 2020-12 the schema uses ----

ANNOTATIONS = {"$schema", "$comment", "title", "description", "$defs"}
SUBSET = {"$ref", "type", "const", "enum", "required", "properties", "items", "prefixItems", "minItems",
          "maxItems", "minimum", "pattern", "not", "oneOf"}
TYPES = {"object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
         "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
         "null": lambda v: v is None,
         "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
         "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
         or (isinstance(v, float) and v.is_integer())}


def resolve(root, node):
    """A subschema with its local $ref followed (other keywords kept)."""
    while isinstance(node, dict) and "$ref" in node:
        target = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        rest = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **rest}
    return node


def subset_errors(root, node, v, where):
    """Errors of v against node, for the keywords in SUBSET."""
    node = resolve(root, node)
    errs = []
    if "type" in node:
        ts = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(TYPES[t](v) for t in ts):
            return [f"{where}: {v!r} is not of type {ts}"]
    if "const" in node and v != node["const"]:
        errs.append(f"{where}: {v!r} is not {node['const']!r}")
    if "enum" in node and v not in node["enum"]:
        errs.append(f"{where}: {v!r} is not one of {node['enum']}")
    if "minimum" in node and TYPES["number"](v) and v < node["minimum"]:
        errs.append(f"{where}: {v!r} is less than {node['minimum']}")
    if "pattern" in node and isinstance(v, str) and not re.search(node["pattern"], v):
        errs.append(f"{where}: {v!r} does not match {node['pattern']!r}")
    if isinstance(v, dict):
        errs += [f"{where}: {k!r} is a required property" for k in node.get("required", []) if k not in v]
        for k, sub in node.get("properties", {}).items():
            if k in v:
                errs += subset_errors(root, sub, v[k], f"{where}.{k}")
    if isinstance(v, list):
        if len(v) < node.get("minItems", 0) or len(v) > node.get("maxItems", len(v)):
            errs.append(f"{where}: {len(v)} items")
        pre = node.get("prefixItems", [])
        for i, x in enumerate(v):
            sub = pre[i] if i < len(pre) else node.get("items")
            if sub is not None:
                errs += subset_errors(root, sub, x, f"{where}[{i}]")
    if "not" in node and not subset_errors(root, node["not"], v, where):
        errs.append(f"{where}: matches a schema it must not")
    if "oneOf" in node:
        n = sum(not subset_errors(root, s, v, where) for s in node["oneOf"])
        if n != 1:
            errs.append(f"{where}: matches {n} of the oneOf record types, not exactly 1")
    return errs


def unknown_keywords(node, where="schema"):
    """Keywords the subset validator would silently ignore."""
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("properties", "$defs"):
                for name, sub in v.items():
                    out += unknown_keywords(sub, f"{where}.{name}")
            elif k in ("items", "not"):
                out += unknown_keywords(v, f"{where}.{k}")
            elif k in ("prefixItems", "oneOf"):
                for i, sub in enumerate(v):
                    out += unknown_keywords(sub, f"{where}.{k}[{i}]")
            elif k not in SUBSET and k not in ANNOTATIONS and not k.startswith("x-"):
                out.append(f"{where}: {k}")
    return out


def errors(schema, record, definition=None):
    """Validation errors of one record: against the whole schema (oneOf the
    record types), or against one definition of it."""
    node = {"$ref": "#/$defs/" + definition} if definition else schema
    if jsonschema is not None:
        target = dict(schema, **node) if definition else schema
        if definition:
            target.pop("oneOf", None)
        v = jsonschema.Draft202012Validator(target)
        return [f"{'.'.join(map(str, e.absolute_path)) or '(record)'}: {e.message}" for e in v.iter_errors(record)]
    return subset_errors(schema, node, record, "(record)")


# ---- key paths: what the schema describes, what the writers print ----

def is_planned(node):
    return node.get("description", "").startswith("PLANNED")


def schema_paths(schema, node, path, planned, out, canon=None):
    """out[path] = (planned?, canonical path, opaque?) for every key the schema
    describes. The canonical path starts at the shared definition a key comes
    from (kernel_run_record.analytic.ai -> analytic.ai), so a key counts as
    seen whichever record carried it. An object without "properties" is
    opaque: its keys are data (a map), not schema."""
    ref = node.get("$ref", "") if isinstance(node, dict) else ""
    node = resolve(schema, node)
    if ref.startswith("#/$defs/") and ("properties" in node or "items" in node):
        canon = ref[len("#/$defs/"):]
    canon = canon or path
    planned = planned or is_planned(node)
    out[path] = (planned, canon, node.get("type") == "object" and "properties" not in node)
    for k, sub in node.get("properties", {}).items():
        schema_paths(schema, sub, f"{path}.{k}", planned, out, f"{canon}.{k}")
    if "items" in node:
        schema_paths(schema, node["items"], path + "[]", planned, out, canon + "[]")
    for sub in node.get("prefixItems", [])[:1]:  # a tuple: its members share one path
        schema_paths(schema, sub, path + "[]", planned, out, canon + "[]")


def record_paths(v, path, opaque, out):
    out.add(path)
    if path in opaque:
        return
    if isinstance(v, dict):
        for k, x in v.items():
            record_paths(x, f"{path}.{k}", opaque, out)
    elif isinstance(v, list):
        for x in v:
            record_paths(x, path + "[]", opaque, out)


def record_type(r):
    if "kernel" in r:
        return "kernel_run_record"
    if "layer" in r:
        return "analytic_record"
    for key, name in (("summary", "model_summary_record"), ("skipped", "skipped_record"), ("topo", "topo_record"),
                      ("header", "results_header_record"), ("roofline", "roofline_record"),
                      ("validate_conclusion", "validate_conclusion_record")):
        if key in r:
            return name
    return None


# ---- running the CLI ----

def run(args, env, expect_rc=0):
    p = subprocess.run([NNB] + args, capture_output=True, text=True, env=env, timeout=300)
    if p.returncode != expect_rc:
        fail(f"nnbench {' '.join(args)}: exit {p.returncode}, expected {expect_rc}: {p.stderr.strip()[-400:]}")
    return p


def records(args, env, what, p=None):
    """The JSON Lines of one run, each tagged with where it came from."""
    p = p or run(args, env)
    out = []
    for i, line in enumerate(p.stdout.splitlines()):
        try:
            out.append((f"{what} line {i + 1}", json.loads(line)))
        except ValueError as e:
            fail(f"{what} line {i + 1}: not JSON ({e}): {line[:200]}")
    if not out:
        fail(f"{what}: no records")
    return out


def disturbed_records(env):
    """A run sharing its one CPU with a busy loop: the noise watch marks it
    (time.disturbed_why, remeasured_why: keys only a disturbed run writes).
    None when even that run came out undisturbed (said, not failed)."""
    cpu = min(os.sched_getaffinity(0))
    pin = lambda: os.sched_setaffinity(0, {cpu})
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"], preexec_fn=pin)
    try:
        time.sleep(0.2)
        p = subprocess.run([NNB, "--layer", "conv:c=8,h=10,k=8,r=3,pad=1", "--kernels", "direct", "--counters", "none",
                            "--no-roofline", "--format", "json", "--reps", "20"], capture_output=True, text=True,
                           env=env, timeout=300, preexec_fn=pin)
    finally:
        busy.kill()
        busy.wait()
    if p.returncode != 0:
        fail(f"nnbench beside a busy loop: exit {p.returncode}: {p.stderr.strip()[-400:]}")
        return None
    recs = records([], env, "run beside a busy loop", p)
    if not any(r.get("time", {}).get("disturbed") for _, r in recs):
        print("a run sharing its CPU with a busy loop was not marked disturbed: time.disturbed_why and "
              "time.remeasured_why not exercised")
        return None
    return recs


def file_record(path, what):
    """The one record of a JSON file nnbench wrote (--plot FILE.json, --dump)."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
        if len(lines) == 1:
            return [(what, json.loads(lines[0]))]
        fail(f"{what}: {len(lines)} lines, not 1")
    except (OSError, ValueError) as e:
        fail(f"{what}: {e}")
    return []


def cache_ceilings(quick, topo, results_dir):
    """Writes a ceilings file as `nnbench roofline --threads 1` would, from a
    --quick measurement (quick_ceilings imports it), so a run places its
    kernels on a roofline without the minute a real measurement takes
    (values: a smoke test)."""
    r = quick["roofline"]
    peaks = {p["isa"]: p for p in r["peaks"]}
    lines = ["# nnbench ceilings v1 (GFLOP/s, GB/s, bytes); written by nnbench roofline",
             "key " + r["machine"], "threads 1", f"measured_unix {r['measured_unix']}", "measure_s 1.0",
             "binding " + (r["binding"] or "-")]
    for isa in ("scalar", "sse", "avx2", "avx512"):
        p = peaks.get(isa, {"sp_fma": 0, "sp_fma_add": 0, "dp_fma": 0, "dp_fma_add": 0, "fused": False})
        lines.append(f"peak {isa} {p['sp_fma']} {p['sp_fma_add']} {p['dp_fma']} {p['dp_fma_add']} {int(p['fused'])}")
    for b, gbs in zip(r["bandwidth"], (400.0, 200.0, 100.0, 20.0)):
        lines.append(f"bw {b['level']} {gbs} {gbs} {gbs} {b['lo_bytes']} {b['hi_bytes']} 1 {b['capacity_bytes']}")
    lines += [f"sweep {s[0]} {s[1] or 0} {s[2] or 0}" for s in r["sweep"]] + ["end"]
    host = re.sub(r"[^A-Za-z0-9._-]", "_", topo["topo"]["host"]) or "host"
    with open(os.path.join(results_dir, f"ceilings-{host}-1t.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


# written only where valgrind (or papi) counts
COUNTED_KEYS = ("kernel_run_record.counters.", "kernel_run_record.ratios.", "kernel_run_record.verdicts")
RUN_OPTS = ["--format", "json", "--reps", "1", "--min-time", "0", "--threads", "1"]


def counted_records(env, tmp):
    """Kernel runs counted under valgrind (counters, ratios, verdicts), or
    None where valgrind cannot count: not installed, or a sanitizer build,
    which valgrind cannot run (the CLI says so and exits 2)."""
    if shutil.which("valgrind") is None:
        return None
    args = ["--layer", "conv:c=4,h=6,k=4,r=3", "--counters", "valgrind", "--kernels", "direct,im2col_gemm"]
    p = subprocess.run([NNB] + args + RUN_OPTS, capture_output=True, text=True, env=env, timeout=300)
    if p.returncode == 2 and "Sanitizer" in p.stderr:
        return None
    if p.returncode != 0:
        fail(f"valgrind run: exit {p.returncode}: {p.stderr.strip()[-400:]}")
    recs = records(args, env, "valgrind run", p)
    vj = os.path.join(tmp, "validate.json")  # validate's conclusion (counted the same way)
    run(["validate", "--layer", "conv:c=4,h=6,k=4,r=3", "--kernels", "none", "--quiet", "--json", vj], env)
    return recs + file_record(vj, "validate --json")


def quick_ceilings(env):
    """topo and roofline --quick records, and from them the ceilings cache
    every later run reads: no run of this test measures real ceilings (a
    minute on an idle machine, each run again while none is cached)."""
    topo = records(["topo", "--format", "json"], env, "topo")
    quick = records(["roofline", "--quick", "--threads", "1", "--format", "json"], env, "roofline --quick")
    if topo and quick:
        synth = os.path.join(env["XDG_CACHE_HOME"], "synth")
        os.makedirs(synth)
        cache_ceilings(quick[0][1], topo[0][1], synth)
        for name in os.listdir(synth):  # stored under this machine's key, as a measurement would be
            run(["roofline", "--import", os.path.join(synth, name)], env)
    return topo, quick


def collect(env, tmp, counted, topo, quick):
    """Every kind of JSON nnbench writes, as (where, record) pairs."""
    small = "conv:c=8,h=10,k=8,r=3,pad=1"
    recs = records(["--layer", "conv3x3", "--counters", "none"] + RUN_OPTS, env, "conv3x3 run")
    recs += records(["--layer", small, "--counters", "none", "--no-check", "--kernels", "direct"] + RUN_OPTS,
                    env, "--no-check run")
    recs += counted or []
    # openblas.remedy is written only where OpenBLAS runs a core weaker than the CPU: force the
    # weakest x86-64 core (Prescott, SSE3) so every machine with AVX2 writes it
    weak = dict(env, OPENBLAS_CORETYPE="Prescott")
    recs += records(["--layer", small, "--counters", "none", "--kernels", "im2col_gemm"] + RUN_OPTS, weak,
                    "run with OPENBLAS_CORETYPE=Prescott (a weak core)")
    recs += records(["--model", "mnist_cnn", "--counters", "none", "--kernels", "fast"] + RUN_OPTS, env,
                    "mnist_cnn run")
    recs += records(["--model", "mobilenet_block", "--counters", "none"] + RUN_OPTS, env,
                    "mobilenet_block run (a repeated layer no kernel runs: an analytic record with index, repeat)")
    listing = run(["--list"], env).stdout.split("network presets")
    names = [[ln.split()[0] for ln in part.splitlines() if ln.startswith("  ")] for part in listing]
    if len(names) != 2 or not names[0] or not names[1]:
        fail(f"--list: no layer or network presets: {listing}")
        names = [[], []]
    for p, source in [(p, "--layer") for p in names[0]] + [(p, "--model") for p in names[1]]:
        args = [source, p]
        recs += records(args + ["--analytic", "--format", "json"], env, f"{p} --analytic")
    for spec in ("mb1ic64ih56oc64oh56kh3ph1n\"resnet_50:res2a_branch2b\"", "deconv:mb1ic64ih28oc32oh56kh4sh2ph1",
                 "g32mb1ic32ih112oc32oh56kh3sh2ph1dh1", "avgpool:c=3,h=7,r=3,stride=2,pad=1,ceil=1,include_pad=0",
                 "conv:c=6,h=9,w=11,k=4,kh=3,kw=1,sh=2,sw=1,pt=1,pb=0,pl=0,pr=2,dh=2,g=2,bias=0"):
        recs += records(["--layer", spec, "--analytic", "--format", "json"], env, f"{spec} --analytic")
    recs += records(["--batch", os.path.join(SRC, "bench/suites/shapes_mobilenet_dw.txt"), "--analytic",
                     "--format", "json"], env, "--batch --analytic")
    mixed = os.path.join(tmp, "mixed_2d_3d.txt")  # a 3-D descriptor is skipped, not an error
    with open(mixed, "w") as f:
        f.write("mb1ic8ih6oc4kh3ph1\nmb1ic8id6ih6iw6oc4kd3kh3kw3\n")
    recs += records(["--batch", mixed, "--analytic", "--format", "json"], env, "--batch with a 3-D descriptor")
    recs += topo + quick
    if topo and quick:
        dump, plot = os.path.join(tmp, "dump"), os.path.join(tmp, "roof.json")
        placed = records(["--layer", small, "--counters", "none", "--kernels", "fast", "--dump", dump,
                          "--plot", plot] + RUN_OPTS, env, "run with ceilings, --dump, --plot")
        if not all("roofline" in r for _, r in placed):
            fail("the synthesised ceilings cache was not used: no roofline placement (cache format changed?)")
        check_placement(placed)
        recs += placed + file_record(plot, "--plot FILE.json")
        stored = os.path.join(tmp, "stored.jsonl")  # --out: the results header, then the run's records
        run(["--layer", small, "--counters", "none", "--kernels", "fast", "--out", stored] + RUN_OPTS, env)
        try:
            with open(stored) as f:
                recs += [(f"--out file line {i + 1}", json.loads(ln)) for i, ln in enumerate(f.read().splitlines())]
        except (OSError, ValueError) as e:
            fail(f"--out file: {e}")
        # layer.json is a layer object alone: checked as the layer of an analytic record
        recs += [(w, {"schema": "nnbench/1", "layer": r, "analytic": placed[0][1]["analytic"]})
                 for w, r in file_record(os.path.join(dump, "layer.json"), "--dump DIR/layer.json") if placed]
    return recs


def check_placement(placed):
    """The roofline places the executed work where the kernel has a work
    model: efficiency = gflops_executed / attainable at ai = the model's
    flops / bytes (README: bound, eff); the useful rate stays in gflops"""
    for w, r in placed:
        roof = r.get("roofline")
        if not roof:
            continue
        executed = roof.get("basis") == "executed"
        if executed != ("gflops_executed" in r and r["gflops_executed"] >= 0.01 * r["gflops"]):
            fail(f"{w}: {r['kernel']}: basis {roof.get('basis')} with gflops_executed {r.get('gflops_executed')}")
        rate = r["gflops_executed"] if executed else r["gflops"]
        want = rate / roof["attainable_gflops"]
        if abs(roof["efficiency"] - want) > 1e-6 * want:
            fail(f"{w}: {r['kernel']}: efficiency {roof['efficiency']} != placed rate / attainable {want}")
        if executed:
            wk = r.get("work", {})
            if wk.get("flops") and wk.get("bytes") and abs(roof["ai"] - wk["flops"] / wk["bytes"]) > 1e-6 * roof["ai"] \
                    and r["threads"] == 1:
                fail(f"{w}: {r['kernel']}: roofline.ai {roof['ai']} != work flops / bytes")
        if roof["above_roof"] != (roof["efficiency"] > 1):
            fail(f"{w}: {r['kernel']}: above_roof {roof['above_roof']} with efficiency {roof['efficiency']}")


def check_records(schema, recs):
    """Each record valid, as its type and under the top-level oneOf; returns
    the key paths they carry, prefixed by record type."""
    described = {}
    for name in schema["$defs"]:
        schema_paths(schema, {"$ref": "#/$defs/" + name}, name, False, described)
    opaque = {p for p, (_, _, is_opaque) in described.items() if is_opaque}
    seen = set()
    for where, r in recs:
        kind = record_type(r)
        if kind is None:
            fail(f"{where}: not a record type of the schema: {json.dumps(r)[:200]}")
            continue
        for e in (errors(schema, r, kind) + errors(schema, r))[:5]:
            fail(f"{where} ({kind}): {e}")
        record_paths(r, kind, opaque, seen)
    return seen


def check_coverage(schema, seen, unexercised):
    """unexercised: key path prefixes this build cannot write (a part it was
    built or run without), left out of the seen-in-some-run check."""
    described = {}
    for name in schema["$defs"]:
        if name.endswith("_record"):
            schema_paths(schema, {"$ref": "#/$defs/" + name}, name, False, described)
    for p in sorted(seen):
        if p not in described:
            fail(f"key {p} is written but not described in docs/schema.json")
        elif described[p][0]:
            fail(f"key {p} is written but docs/schema.json still marks it PLANNED")
    seen_canon = {described[p][1] for p in seen if p in described}
    for p, (planned, canon, _) in sorted(described.items()):
        if planned or canon in seen_canon or p.startswith(unexercised):
            continue
        fail(f"docs/schema.json describes {p}, but no run of this test wrote it")
    with open(DOC_PATH) as f:
        doc = f.read()
    names = {re.sub(r"(\[\])+$", "", p).rsplit(".", 1)[-1] for p in described if "." in p} | set(schema["$defs"])
    for n in sorted(names):
        if f"`{n}`" not in doc:
            fail(f"docs/schema.md does not name `{n}`")


def check_exit_codes(schema, env, tmp):
    codes = schema["x-nnbench-exit-codes"]
    bad_input = [int(c) for c, what in codes.items() if what.startswith("bad input")]
    if len(bad_input) != 1 or set(codes) != {"0", "1", "2"}:
        fail(f"exit codes in docs/schema.json: {codes}")
        return
    for args in (["--layer", "conv3x4"], ["--layer", "conv:c=0,h=56,k=64,r=3"], ["--model", "resnet9000"],
                 ["--layer", "conv3x3", "--format", "xml"], ["topo", "--format", "xml"],
                 ["roofline", "--threads", "0"], ["--batch", os.path.join(tmp, "missing.txt")]):
        p = run(args, env, expect_rc=bad_input[0])
        if len(p.stderr.strip().splitlines()) != 1 or p.stdout:
            fail(f"nnbench {' '.join(args)}: stderr {p.stderr!r}, stdout {p.stdout[:100]!r}")


def check_csv(schema, env):
    cols = schema["x-nnbench-csv-columns"]
    got = run(["--layer", "conv1x1", "--analytic", "--format", "csv"], env).stdout.splitlines()[:1]
    if got != [",".join(cols["analytic"])]:
        fail(f"--analytic csv header {got}")
    got = run(["--layer", "conv:c=4,h=6,k=4,r=3", "--kernels", "direct", "--counters", "none", "--reps", "1",
               "--threads", "1", "--format", "csv"], env).stdout.splitlines()[:1]
    if got != [",".join(cols["analytic"] + cols["run_extra"])]:
        fail(f"run csv header {got}")


def check_can_fail(schema, recs):
    """A schema with a key renamed, and one with a key left out, are refused."""
    analytic = next(r for _, r in recs if record_type(r) == "analytic_record")
    broken = copy.deepcopy(schema)
    layer = broken["$defs"]["layer"]
    layer["properties"]["oh_renamed"] = layer["properties"].pop("oh")
    layer["required"] = ["oh_renamed" if k == "oh" else k for k in layer["required"]]
    if not errors(broken, analytic, "analytic_record") or not errors(broken, analytic):
        fail("self-test: a schema with layer.oh renamed still accepts the records")
    lacking = copy.deepcopy(schema)
    del lacking["$defs"]["analytic"]["properties"]["macs_valid"]
    described = {}
    schema_paths(lacking, {"$ref": "#/$defs/analytic_record"}, "analytic_record", False, described)
    found = set()
    record_paths(analytic, "analytic_record", set(), found)
    if "analytic_record.analytic.macs_valid" in described or not found - set(described):
        fail("self-test: a schema without analytic.macs_valid does not miss it")


def main():
    if not shutil.which(NNB) and not os.access(NNB, os.X_OK):
        print(f"nnbench not found at {NNB}", file=sys.stderr)
        return 1
    with open(SCHEMA_PATH) as f:
        schema = json.load(f)
    if jsonschema is not None:
        jsonschema.Draft202012Validator.check_schema(schema)
    for k in unknown_keywords(schema):
        fail(f"docs/schema.json uses a keyword the fallback validator ignores: {k}")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "xdg"), OMP_NUM_THREADS="1")
        topo, quick = quick_ceilings(env)
        counted = counted_records(env, tmp)
        have_valgrind = counted is not None
        recs = collect(env, tmp, counted, topo, quick)
        noisy = disturbed_records(env)
        recs += noisy or []
        seen = check_records(schema, recs)
        kinds = {record_type(r) for _, r in recs}
        for kind in ("analytic_record", "kernel_run_record", "model_summary_record", "skipped_record", "topo_record",
                     "roofline_record", "results_header_record"):
            if kind not in kinds:
                fail(f"no {kind} among the outputs")
        unexercised = () if have_valgrind else COUNTED_KEYS + ("validate_conclusion_record",)
        if noisy is None:
            unexercised += ("kernel_run_record.time.disturbed_why", "kernel_run_record.time.remeasured_why")
        topo_isa = next((r["topo"].get("isa", "") for _, r in recs if "topo" in r), "")
        if "avx2" not in topo_isa.split():  # Prescott is no weaker than an SSE-only CPU: no remedy to write
            unexercised += ("kernel_run_record.openblas.remedy",)
        if "onednn" not in run(["--list-kernels"], env).stdout:  # oneDNN is optional at build time
            unexercised += ("kernel_run_record.impl",)
        check_coverage(schema, seen, unexercised)
        check_exit_codes(schema, env, tmp)
        check_csv(schema, env)
        check_can_fail(schema, recs)
    print(f"{len(recs)} records of {len(kinds)} types checked against docs/schema.json "
          f"({'python3-jsonschema' if jsonschema else 'built-in subset validator'}"
          f"{'' if have_valgrind else '; valgrind cannot count here: counter keys not exercised'}); {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
