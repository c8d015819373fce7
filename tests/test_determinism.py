#!/usr/bin/env python3
"""Deterministic and clean:
1. the same seed gives the same tensors: two --dump runs write byte-identical
   .npy files (inputs and every kernel's output, one thread);
2. valgrind counts of the same binary and layer are identical run to run
   (FLOPs, bytes per level, loads, stores, instructions: exact equality);
3. valgrind memcheck finds no invalid access and no definitely lost block
   on a representative run (reference, direct, im2col_gemm). Still-reachable
   and possibly-lost blocks of OpenMP's and OpenBLAS's thread pools are theirs.
Parts 2 and 3 are skipped (said on stdout) without valgrind, and part 3 on a
sanitizer build (valgrind cannot run an AddressSanitizer binary)."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

NNB = os.path.abspath(os.environ.get("NNBENCH", "build/nnbench"))
LAYER = "conv:c=4,h=8,k=8,r=3,pad=1"
QUICK = ["--reps", "1", "--min-time", "0", "--threads", "1", "--no-roofline"]
fails, skipped = [], []


def run(args, **kw):
    return subprocess.run(args, capture_output=True, timeout=kw.pop("timeout", 120), **kw)


def dump_twice(tmp):
    files = []
    for d in ("d1", "d2"):
        r = run([NNB, "--layer", LAYER, "--kernels", "reference,direct,im2col_gemm", "--counters", "none",
                 "--dump", os.path.join(tmp, d)] + QUICK)
        if r.returncode != 0:
            fails.append(f"--dump run: exit {r.returncode}: {r.stderr.decode()[-300:]}")
            return
        files.append(sorted(os.path.basename(p) for p in glob.glob(os.path.join(tmp, d, "*.npy"))))
    want = {"src.npy", "wei.npy", "bias.npy", "dst_reference.npy", "dst_direct.npy", "dst_im2col_gemm.npy"}
    if set(files[0]) != want or files[0] != files[1]:
        fails.append(f"--dump files: {files}, expected {sorted(want)} twice")
        return
    for name in files[0]:
        with open(os.path.join(tmp, "d1", name), "rb") as a, open(os.path.join(tmp, "d2", name), "rb") as b:
            if a.read() != b.read():
                fails.append(f"--dump: {name} differs between two runs with the same seed")


def valgrind_counts_twice():
    counts = []
    for _ in range(2):
        r = run([NNB, "--layer", LAYER, "--kernels", "reference", "--counters", "valgrind", "--format", "json",
                  "--recount"] + QUICK, timeout=300)  # both count: not one from the count cache
        if r.returncode != 0:
            fails.append(f"valgrind count: exit {r.returncode}: {r.stderr.decode()[-300:]}")
            return
        c = json.loads(r.stdout.decode().splitlines()[0])["counters"]
        counts.append({k: c.get(k) for k in ("flops", "dram_bytes", "l1_bytes", "load_bytes", "store_bytes",
                                              "instructions")})
    if counts[0]["flops"] is None or counts[0]["flops"] <= 0:
        fails.append(f"valgrind count: no FLOPs counted: {counts[0]}")
    if counts[0] != counts[1]:
        fails.append(f"valgrind counts differ run to run: {counts[0]} vs {counts[1]}")


def is_sanitized():
    with open(NNB, "rb") as f:
        return b"__asan_init" in f.read()


def memcheck(tmp):
    log = os.path.join(tmp, "memcheck.txt")
    r = run(["valgrind", "--tool=memcheck", "--error-exitcode=99", "--leak-check=full",
             "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite", f"--log-file={log}", NNB,
             "--layer", LAYER, "--kernels", "reference,direct,im2col_gemm", "--counters", "none",
             "--reps", "1", "--min-time", "0", "--no-roofline", "--format", "json"], timeout=300)
    with open(log) as f:
        text = f.read()
    bad = [l for l in text.splitlines() if "Invalid read" in l or "Invalid write" in l or "uninitialised" in l
           or ("definitely lost:" in l and "definitely lost: 0 bytes" not in l)]
    if r.returncode != 0 or bad:
        fails.append(f"memcheck: exit {r.returncode}; {bad[:5]}")
    elif b'"check":"pass"' not in r.stdout:
        fails.append(f"memcheck: the run under memcheck did not pass its check: {r.stdout[:300]!r}")


def main():
    tmp = tempfile.mkdtemp(prefix="nnb_det_")
    try:
        dump_twice(tmp)
        if not shutil.which("valgrind"):
            skipped.append("valgrind counts and memcheck (valgrind not installed)")
        elif is_sanitized():
            skipped.append("valgrind counts and memcheck (valgrind cannot run an AddressSanitizer build)")
        else:
            valgrind_counts_twice()
            memcheck(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in fails:
        print("FAIL: " + f, file=sys.stderr)
    print(f"test_determinism: {len(fails)} failed" + (f"; skipped: {', '.join(skipped)}" if skipped else ""))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
