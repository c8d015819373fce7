#!/usr/bin/env python3
"""The shape of the code (issue 9), checked on every ctest run so it stays true:
- no function over 100 lines in src/ and kernels/ (universal-ctags finds them);
- the stages of src/ include each other without cycles, file by file and
  folder by folder (src/<stage>/ includes only stages that come earlier);
- no stage outside src/ops/ switches on the op (each op knows itself there)."""
import collections
import os
import re
import shutil
import subprocess
import sys

root = os.environ.get("NNB_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LINES = 100
failures = []


def sources(*dirs):
    for d in dirs:
        for base, _, files in os.walk(os.path.join(root, d)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(base, f), root)


def check_function_lengths():
    if not shutil.which("ctags"):
        print("SKIP function lengths: universal-ctags not installed (scripts/setup.sh installs it)")
        return False
    files = list(sources("src", "kernels"))
    out = subprocess.run(["ctags", "--c-kinds=f", "--fields=+ne", "-o", "-"] + files, cwd=root,
                         capture_output=True, text=True, check=True).stdout
    n = 0
    for line in out.splitlines():
        parts = line.split("\t")
        fields = dict(p.split(":", 1) for p in parts[3:] if ":" in p)
        if "line" not in fields or "end" not in fields:
            continue
        n += 1
        length = int(fields["end"]) - int(fields["line"]) + 1
        if length > MAX_LINES:
            failures.append(f"{parts[1]}:{fields['line']}: {parts[0]} is {length} lines (> {MAX_LINES})")
    print(f"function lengths: {n} functions checked")
    return True


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def include_graph():
    """file -> files it includes (within src/), by path relative to src/."""
    graph = {}
    for f in sources("src"):
        rel = os.path.relpath(f, "src")
        text = open(os.path.join(root, f), encoding="utf-8", errors="replace").read()
        deps = set()
        for inc in INCLUDE.findall(text):
            if os.path.exists(os.path.join(root, "src", inc)):
                deps.add(inc)
            elif os.path.exists(os.path.join(root, os.path.dirname(f), inc)):
                deps.add(os.path.normpath(os.path.join(os.path.dirname(rel), inc)))
        graph[rel] = deps
    return graph


def find_cycle(graph):
    WHITE, GREY, BLACK = 0, 1, 2
    color = collections.defaultdict(int)
    stack = []

    def visit(u):
        color[u] = GREY
        stack.append(u)
        for v in sorted(graph.get(u, ())):
            if color[v] == GREY:
                return stack[stack.index(v):] + [v]
            if color[v] == WHITE:
                c = visit(v)
                if c:
                    return c
        stack.pop()
        color[u] = BLACK
        return None

    for u in sorted(graph):
        if color[u] == WHITE:
            c = visit(u)
            if c:
                return c
    return None


def stage(path):
    return path.split("/", 1)[0] if "/" in path else "(main)"


def check_cycles():
    files = include_graph()
    # a header and its .c are one unit: x.c's includes are x.h's too
    units = collections.defaultdict(set)
    unit = lambda p: os.path.splitext(p)[0]
    for f, deps in files.items():
        units[unit(f)] |= {unit(d) for d in deps if unit(d) != unit(f)}
    c = find_cycle(units)
    if c:
        failures.append("file-level include cycle: " + " -> ".join(c))
    stages = collections.defaultdict(set)
    for f, deps in files.items():
        for d in deps:
            if stage(d) != stage(f):
                stages[stage(f)].add(stage(d))
    c = find_cycle(stages)
    if c:
        failures.append("stage-level include cycle: " + " -> ".join(c))
    print(f"include cycles: {len(units)} units in {len(stages)} stages checked")


OP_SWITCH = re.compile(r"switch\s*\(\s*(?:[a-z_]+(?:->|\.))?op\s*\)")
OP_CASE = re.compile(r"case\s+NNB_OP_")


def check_op_knowledge():
    for f in sources("src"):
        if f.startswith("src/ops/"):
            continue
        text = open(os.path.join(root, f), encoding="utf-8", errors="replace").read()
        for m in list(OP_SWITCH.finditer(text)) + list(OP_CASE.finditer(text)):
            line = text.count("\n", 0, m.start()) + 1
            failures.append(f"{f}:{line}: switches on the op outside src/ops/ ('{m.group(0)}')")
    print("op knowledge: only src/ops/ switches on ops")


check_function_lengths()
check_cycles()
check_op_knowledge()
for f in failures:
    print("FAIL", f)
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
