"""Shared by the tests/test_*.py scripts (not a test itself), as lib.sh is
by the shell tests: the CLI under test, skipping on a missing module, the
pass/fail bookkeeping and a run of the CLI that records its failure."""
import importlib
import os
import subprocess
import sys

NNB = os.environ.get("NNBENCH", "build/nnbench")


def need(*modules):
    """The modules a test cannot run without, imported in order; exit 77
    (ctest's "skipped") naming the first that is missing."""
    try:
        return [importlib.import_module(m) for m in modules]
    except ImportError as e:
        print(f"skip: {e}")
        sys.exit(77)


class Checks:
    """Counts checks and failures, printing each failure as it happens;
    finish() prints the closing line ctest and CI read and exits."""

    def __init__(self):
        self.checks = 0
        self.failures = 0

    def fail(self, msg):
        self.failures += 1
        print("FAIL:", msg)

    def check(self, cond, msg):
        self.checks += 1
        if not cond:
            self.fail(msg)

    def finish(self):
        print(f"{self.checks - self.failures} passed, {self.failures} failed")
        sys.exit(1 if self.failures else 0)


def run_in(tmp, args, fails):
    """nnbench args with tmp as the working directory; a non-zero exit is
    appended to fails (with the end of stderr). Returns the process."""
    p = subprocess.run([NNB] + args, cwd=tmp, capture_output=True, text=True)
    if p.returncode != 0:
        fails.append(f"nnbench {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()[-400:]}")
    return p
