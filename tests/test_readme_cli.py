#!/usr/bin/env python3
"""What a user reads is what the binary does: the README's copies of every
command's --help and of --list-kernels, the options each parser accepts, and
the README's kernel table.

  - README.md holds, in fenced blocks opened by `$ nnbench ARGS`, the exact
    output of `nnbench --help`, of each command's `--help` and of
    `nnbench --list-kernels` (a build without oneDNN lacks its line);
  - every option a parser accepts is in its --help and every option its
    --help names is accepted: the main parser's getopt table (longopts in
    src/cmd/run.c), each command's option literals (src/cmd/<command>.c);
  - the kernel table of README's Kernels section lists --list-kernels's
    kernels, in its order.

Each failure names the option or kernel and where it is missing, so a merge
that added an option is fixed in one step: the option's line in usage(),
then `python3 tests/test_readme_cli.py --write` (rewrites the README blocks
from the binary, NNBENCH or build/nnbench)."""
import os
import re
import subprocess
import sys

NNB = os.environ.get("NNBENCH", "build/nnbench")
SRC = os.environ.get("NNB_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
README = os.path.join(SRC, "README.md")
COMMANDS = ["topo", "roofline", "validate", "report", "compare"]  # each parses its own options
BLOCKS = [["--help"]] + [[c, "--help"] for c in COMMANDS] + [["--list-kernels"]]
OPT = re.compile(r"--[a-z][a-z0-9-]*")

failures = []


def fail(msg):
    failures.append(msg)


def output(args):
    p = subprocess.run([NNB] + args, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        fail(f"nnbench {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()[-300:]}")
    return p.stdout


def block_re(args):
    return re.compile(r"```\n\$ nnbench " + re.escape(" ".join(args)) + r"\n(.*?)```", re.S)


def help_options(text):
    """Options a help text names: the option column of '  --opt ...' lines
    (the text before the first run of two spaces) and the usage lines
    ('usage: ...' and the '[--opt]' or 'nnbench ...' lines continuing it)."""
    found = set()
    usage = False
    for line in text.splitlines():
        if line.startswith("usage:"):
            usage = True
        elif not re.match(r"\s+(\[|nnbench )", line):
            usage = False
        if usage:
            found |= set(OPT.findall(line))
        m = re.match(r"  (--\S.*?)(\s{2,}|$)", line)
        if m:
            found |= set(OPT.findall(m.group(1)))
    return found


def parser_options(command):
    """The options the source's parser accepts: getopt's longopts table for
    the main command, the whole-string option literals of a command's file."""
    if command is None:
        path = os.path.join(SRC, "src/cmd/run.c")
        with open(path) as f:
            names = re.findall(r'\{"([a-z][a-z0-9-]*)",\s*(?:no|required|optional)_argument', f.read())
        return path, {"--" + n for n in names}
    path = os.path.join(SRC, f"src/cmd/{command}.c")
    with open(path) as f:
        return path, set(re.findall(r'"(--[a-z][a-z0-9-]*)"', f.read())) - {"--help"}


def check_options(args, text):
    command = None if args[0] == "--help" else args[0]
    where, accepted = parser_options(command)
    shown = help_options(text)
    name = "nnbench " + (command + " " if command else "") + "--help"
    for o in sorted(accepted - shown):
        fail(f"option {o}: accepted by the parser ({os.path.relpath(where, SRC)}) but missing from `{name}`: "
             f"add its line to the usage text, then run tests/test_readme_cli.py --write")
    for o in sorted(shown - accepted):
        fail(f"option {o}: named by `{name}` but not accepted by the parser ({os.path.relpath(where, SRC)})")


def first_difference(want, got):
    w, g = want.splitlines(), got.splitlines()
    for i in range(max(len(w), len(g))):
        a = w[i] if i < len(w) else "<end>"
        b = g[i] if i < len(g) else "<end>"
        if a != b:
            return f"line {i + 1}: binary {a!r}, README {b!r}"
    return "same lines, different line endings"


def check_blocks(readme, live, write):
    for args in BLOCKS:
        key = " ".join(args)
        m = block_re(args).search(readme)
        if not m:
            fail(f"README.md has no block opened by '$ nnbench {key}' (a fenced block: ```, the command line, "
                 f"its output, ```)")
            continue
        want = live[key]
        got = m.group(1)
        if args == ["--list-kernels"] and "onednn" not in want:  # a build without oneDNN
            got = "".join(ln for ln in got.splitlines(True) if not ln.startswith("  onednn "))
        if got != want and not write:
            missing = sorted(help_options(want) - help_options(got))
            fail(f"README.md's '$ nnbench {key}' block is not what the binary prints"
                 + (f" (it lacks {', '.join(missing)})" if missing else "")
                 + f": {first_difference(want, got)}; run tests/test_readme_cli.py --write")
    return readme


def write_blocks(readme, live):
    for args in BLOCKS:
        key = " ".join(args)
        readme = block_re(args).sub(lambda m: f"```\n$ nnbench {key}\n{live[key]}```", readme, count=1)
    return readme


def check_kernel_table(readme, listing):
    listed = re.findall(r"^  (\S+)\s", listing, re.M)
    section = readme.split("\n## Kernels\n", 1)[-1].split("\n## ", 1)[0]
    table = re.findall(r"^\| `([a-z0-9_]+)` \|", section, re.M)
    if "onednn" not in listed:
        table = [k for k in table if k != "onednn"]
    for k in listed:
        if k not in table:
            fail(f"kernel {k}: in --list-kernels but not in README.md's kernel table (## Kernels)")
    for k in table:
        if k not in listed:
            fail(f"kernel {k}: in README.md's kernel table but not in --list-kernels")
    if set(listed) == set(table) and listed != table:
        fail(f"README.md's kernel table is not in --list-kernels's order: {table} vs {listed}")


def main():
    write = "--write" in sys.argv[1:]
    if not os.access(NNB, os.X_OK):
        print(f"nnbench not found at {NNB}", file=sys.stderr)
        return 1
    with open(README) as f:
        readme = f.read()
    live = {" ".join(a): output(a) for a in BLOCKS}
    for args in BLOCKS[:-1]:
        check_options(args, live[" ".join(args)])
    check_blocks(readme, live, write)
    check_kernel_table(readme, live["--list-kernels"])
    if write:
        new = write_blocks(readme, live)
        if new != readme:
            with open(README, "w") as f:
                f.write(new)
            print("README.md: blocks rewritten from " + NNB)
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    print(f"test_readme_cli: {len(BLOCKS)} README blocks, options of {len(COMMANDS) + 1} parsers, kernel table; "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
