#!/usr/bin/env python3
"""SIGINT / SIGTERM stop a run cleanly (src/util/signals.h).

The contract: the first signal lets the kernel in progress finish; the run
then stops, prints the records already complete (to stdout, also when --out
was given), writes one line on stderr saying what was reported, removes its
temporary files and exits with 128 + the signal (130 SIGINT, 143 SIGTERM).
--out FILE is whole or absent: a stopped run never writes it (a FILE that
existed before is left as it was). A second signal ends the process at once
(default action), after removing the temporary files."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

NNB = os.path.abspath(os.environ.get("NNBENCH", "build/nnbench"))
LAYERS = 6
BATCH = "".join(f"conv:c=16,h={12 + i},k=16,r=3,pad=1\n" for i in range(LAYERS))
ARGS = ["--kernels", "reference,direct", "--counters", "none", "--min-time", "0.3", "--threads", "1", "--no-roofline"]

fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


def start(tmp, extra):
    err = open(os.path.join(tmp, "err.txt"), "wb")
    out = open(os.path.join(tmp, "out.txt"), "wb")
    p = subprocess.Popen([NNB, "--batch", "b.txt"] + ARGS + extra, cwd=tmp, stdout=out, stderr=err)
    return p, out, err


def wait_for_timing(tmp, p, times=1):
    """Until the run has started its `times`-th step (a kernel's timing line,
    or a batch's progress line for its next layer): mid-run for sure."""
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:
        with open(os.path.join(tmp, "err.txt"), "rb") as f:
            text = f.read()
            if text.count(b"nnbench: timing") + text.count(b"nnbench: layer ") >= times:
                return True
        time.sleep(0.02)
    return False


def finish(p, out, err, tmp):
    try:
        rc = p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = None
    out.close()
    err.close()
    with open(os.path.join(tmp, "out.txt"), "rb") as f:
        o = f.read()
    with open(os.path.join(tmp, "err.txt"), "rb") as f:
        e = f.read().decode("utf-8", "replace")
    return rc, o, e


def leftovers(tmp):
    return [f for f in os.listdir(tmp) if ".tmp." in f]


def records(stdout):
    rows = [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]
    for r in rows:  # complete records only: every kernel was timed
        assert r["time"]["reps"] >= 1 and r["time"]["median_s"] > 0, r
    return rows


def test_sigint_with_out(tmp):
    p, out, err = start(tmp, ["--format", "json", "--out", "res.jsonl"])
    check(wait_for_timing(tmp, p, 2), "SIGINT/--out: the run never started timing")
    p.send_signal(signal.SIGINT)
    rc, o, e = finish(p, out, err, tmp)
    check(rc == 130, f"SIGINT/--out: exit {rc}, expected 130; stderr {e[-300:]}")
    check(not os.path.exists(os.path.join(tmp, "res.jsonl")), "SIGINT/--out: res.jsonl written by a stopped run")
    check(not leftovers(tmp), f"SIGINT/--out: temporary files left: {leftovers(tmp)}")
    try:
        rows = records(o)
    except (ValueError, KeyError, AssertionError) as ex:
        fails.append(f"SIGINT/--out: stdout is not complete records: {ex}: {o[:300]!r}")
        return
    last = [l for l in e.splitlines() if l.startswith("nnbench: stopped by SIGINT after ")]
    check(len(last) == 1, f"SIGINT/--out: no 'stopped by SIGINT' line: {e[-400:]}")
    check(0 < len(rows) < 2 * LAYERS, f"SIGINT/--out: {len(rows)} records, expected some but not all")
    if last:
        check(f"({len(rows)} complete kernel record" in last[0], f"SIGINT/--out: count differs: {last[0]} vs {len(rows)}")
        check("--out res.jsonl not written" in last[0], f"SIGINT/--out: line does not say the file is absent: {last[0]}")


def test_sigterm_keeps_old_file(tmp):
    with open(os.path.join(tmp, "old.jsonl"), "w") as f:
        f.write("previous results\n")
    p, out, err = start(tmp, ["--format", "json", "--out", "old.jsonl"])
    check(wait_for_timing(tmp, p, 1), "SIGTERM: the run never started timing")
    p.send_signal(signal.SIGTERM)
    rc, o, e = finish(p, out, err, tmp)
    check(rc == 143, f"SIGTERM: exit {rc}, expected 143; stderr {e[-300:]}")
    with open(os.path.join(tmp, "old.jsonl")) as f:
        check(f.read() == "previous results\n", "SIGTERM: the earlier --out file was changed")
    check(not leftovers(tmp), f"SIGTERM: temporary files left: {leftovers(tmp)}")
    check("nnbench: stopped by SIGTERM after " in e, f"SIGTERM: no 'stopped by SIGTERM' line: {e[-300:]}")


def test_table_to_stdout(tmp):
    p, out, err = start(tmp, [])
    check(wait_for_timing(tmp, p, 3), "SIGINT/table: the run never started timing")
    p.send_signal(signal.SIGINT)
    rc, o, e = finish(p, out, err, tmp)
    check(rc == 130, f"SIGINT/table: exit {rc}, expected 130")
    check(b"reference" in o, f"SIGINT/table: the complete records were not printed: {o[:300]!r}")


def test_second_signal(tmp):
    p, out, err = start(tmp, ["--format", "json", "--out", "two.jsonl", "--min-time", "10"])
    check(wait_for_timing(tmp, p, 1), "second signal: the run never started timing")
    # JSON mode prints no timing line: the layer's progress line comes before
    # its check (milliseconds here), and a first signal during the check
    # stops the run as soon as the check ends; 1 s later it is mid-timing,
    # with most of the 10 s left
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    t0 = time.time()
    rc, o, e = finish(p, out, err, tmp)
    check(rc == -signal.SIGINT, f"second signal: exit {rc}, expected death by SIGINT")
    check(time.time() - t0 < 5, "second signal: the process did not stop at once")
    check(not os.path.exists(os.path.join(tmp, "two.jsonl")), "second signal: two.jsonl written")
    check(not leftovers(tmp), f"second signal: temporary files left: {leftovers(tmp)}")


def main():
    for t in (test_sigint_with_out, test_sigterm_keeps_old_file, test_table_to_stdout, test_second_signal):
        with tempfile.TemporaryDirectory(prefix="nnb_sig_") as tmp:
            with open(os.path.join(tmp, "b.txt"), "w") as f:
                f.write(BATCH)
            t(tmp)
    for f in fails:
        print("FAIL: " + f, file=sys.stderr)
    print(f"test_interrupt: 4 scenarios, {len(fails)} failed checks")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
