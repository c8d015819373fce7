#!/usr/bin/env python3
"""SIGINT / SIGTERM stop a run cleanly (src/util/signals.h).

The contract: the first signal lets the kernel in progress finish; the run
then stops, prints the records already complete (to stdout, also when --out
was given), writes one line on stderr saying what was reported, removes its
temporary files and exits with 128 + the signal (130 SIGINT, 143 SIGTERM).
--out FILE is whole or absent: a stopped run never writes it (a FILE that
existed before is left as it was). A second signal ends the process at once
(default action), after removing the temporary files.

Every long-running mode is covered: --batch, --model (measured), --sweep,
validate (a valgrind count: its nnb-count-* directories go), roofline and
the ceilings measurement a run makes on first use (XDG_CACHE_HOME points
at an empty directory to force it). Each case waits for a progress line on
stderr before it signals, and gives the stop a generous time: a loaded
2-core machine or a sanitizer build only makes the current kernel longer."""
import glob
import json
import os
import shutil
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


def start(tmp, extra, argv=None, env=None):
    """nnbench with argv (default: the batch with ARGS), stdout and stderr to
    files in tmp; env: variables added to the environment."""
    err = open(os.path.join(tmp, "err.txt"), "wb")
    out = open(os.path.join(tmp, "out.txt"), "wb")
    cmd = [NNB] + (argv if argv is not None else ["--batch", "b.txt"] + ARGS) + extra
    p = subprocess.Popen(cmd, cwd=tmp, stdout=out, stderr=err, env=dict(os.environ, **(env or {})))
    return p, out, err


def wait_for(tmp, p, markers, times=1, timeout=120):
    """Until stderr holds `times` lines starting with one of markers (a
    progress line of the step now running): mid-run for sure."""
    deadline = time.time() + timeout
    while time.time() < deadline and p.poll() is None:
        with open(os.path.join(tmp, "err.txt"), "rb") as f:
            text = f.read().replace(b"\r", b"\n")
        if sum(text.count(b"\n" + m) + text.startswith(m) for m in markers) >= times:
            return True
        time.sleep(0.02)
    return False


def wait_for_timing(tmp, p, times=1):
    """Until the run has started its `times`-th step (a kernel's timing line,
    or a batch's progress line for its next layer)."""
    return wait_for(tmp, p, (b"nnbench: timing", b"nnbench: layer "), times)


def finish(p, out, err, tmp, timeout=180):
    try:
        rc = p.wait(timeout=timeout)
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


def closing(e, who, sig):
    """The one closing line of a stopped mode."""
    lines = [l for l in e.splitlines() if l.startswith(f"{who}: stopped by {sig} after ")]
    return lines[0] if len(lines) == 1 else None


def test_model(tmp):
    """The issue's case: a measured network, SIGINT 3 s after the start."""
    t0 = time.time()
    p, out, err = start(tmp, [], ["--model", "resnet50", "--counters", "none", "--no-roofline", "--threads", "1",
                                  "--format", "json", "--out", "r.jsonl"])
    # 3 s in, and past the first layer (a sanitizer build takes longer over
    # it): some records are complete
    check(wait_for(tmp, p, (b"nnbench: layer 2/",)), "model: no progress line for the second layer")
    time.sleep(max(0.0, 3.0 - (time.time() - t0)))
    p.send_signal(signal.SIGINT)
    rc, o, e = finish(p, out, err, tmp)
    check(rc == 130, f"model: exit {rc}, expected 130; stderr {e[-300:]}")
    check(not os.path.exists(os.path.join(tmp, "r.jsonl")), "model: r.jsonl written by a stopped run")
    check(not leftovers(tmp), f"model: temporary files left: {leftovers(tmp)}")
    last = closing(e, "nnbench", "SIGINT")
    check(last is not None, f"model: no closing line: {e[-400:]}")
    try:
        rows = records(o)
    except (ValueError, KeyError, AssertionError) as ex:
        fails.append(f"model: stdout is not complete records: {ex}: {o[:300]!r}")
        return
    nlayers = len({r["index"] for r in rows})  # one record per kernel, network layers by index
    check(len(rows) > 0, "model: no complete record printed")
    check(last is None or (f"after {nlayers} of " in last and f"({len(rows)} complete kernel record" in last),
          f"model: {len(rows)} records of {nlayers} layers, closing line {last}")
    check(not any("summary" in r for r in rows), "model: a stopped network printed its summary")


def test_sweep(tmp):
    p, out, err = start(tmp, ["--format", "json", "--out", "s.jsonl"],
                        ["--layer", "conv:c=16,h=12,k=16,r=3,pad=1", "--sweep", "h=12:40:+4"] + ARGS)
    check(wait_for(tmp, p, (b"nnbench: point ",), 2), "sweep: no second point progress line")
    p.send_signal(signal.SIGTERM)
    rc, o, e = finish(p, out, err, tmp)
    check(rc == 143, f"sweep: exit {rc}, expected 143; stderr {e[-300:]}")
    check(not os.path.exists(os.path.join(tmp, "s.jsonl")), "sweep: s.jsonl written by a stopped run")
    last = closing(e, "nnbench", "SIGTERM")
    check(last is not None and " of 8 points " in last, f"sweep: closing line {last}: {e[-300:]}")
    try:
        rows = records(o)
        check(0 < len(rows) < 16, f"sweep: {len(rows)} records, expected some but not all")
    except (ValueError, KeyError, AssertionError) as ex:
        fails.append(f"sweep: stdout is not complete records: {ex}")


def ceilings_files(cache):
    return [f for f in glob.glob(os.path.join(cache, "**"), recursive=True) if os.path.isfile(f)]


def test_ceilings_in_run(tmp):
    """The first run on a machine measures the ceilings: a signal stops
    that measurement, nothing is cached and no layer runs."""
    cache = os.path.join(tmp, "cache")
    os.mkdir(cache)
    p, out, err = start(tmp, ["--format", "json", "--out", "c.jsonl", "--plot", "c.svg"],
                        ["--layer", "conv:c=16,h=12,k=16,r=3,pad=1", "--kernels", "direct", "--counters", "none",
                         "--threads", "1"], env={"XDG_CACHE_HOME": cache})
    check(wait_for(tmp, p, (b"roofline 1 thread: ",)), f"ceilings in a run: no measurement progress line")
    p.send_signal(signal.SIGINT)
    rc, o, e = finish(p, out, err, tmp)
    check(rc == 130, f"ceilings in a run: exit {rc}, expected 130; stderr {e[-300:]}")
    for f in ("c.jsonl", "c.svg"):
        check(not os.path.exists(os.path.join(tmp, f)), f"ceilings in a run: {f} written by a stopped run")
    check(not ceilings_files(cache), f"ceilings in a run: cached {ceilings_files(cache)}")
    check(closing(e, "nnbench", "SIGINT") is not None, f"ceilings in a run: no closing line: {e[-300:]}")
    check(o == b"", f"ceilings in a run: records printed though no layer ran: {o[:200]!r}")


def test_roofline(tmp):
    cache = os.path.join(tmp, "cache")
    os.mkdir(cache)
    p, out, err = start(tmp, [], ["roofline", "--threads", "1", "--plot", "r.svg", "--csv", "r.csv"],
                        env={"XDG_CACHE_HOME": cache})
    check(wait_for(tmp, p, (b"roofline 1 thread: ",)), "roofline: no measurement progress line")
    p.send_signal(signal.SIGTERM)
    rc, o, e = finish(p, out, err, tmp)
    check(rc == 143, f"roofline: exit {rc}, expected 143; stderr {e[-300:]}")
    for f in ("r.svg", "r.csv"):
        check(not os.path.exists(os.path.join(tmp, f)), f"roofline: {f} written by a stopped measurement")
    check(not leftovers(tmp), f"roofline: temporary files left: {leftovers(tmp)}")
    check(not ceilings_files(cache), f"roofline: cached {ceilings_files(cache)}")
    check(closing(e, "nnbench roofline", "SIGTERM") is not None, f"roofline: no closing line: {e[-300:]}")


def valgrind_usable():
    if not shutil.which("valgrind"):
        return "valgrind not installed"
    with open(NNB, "rb") as f:
        if b"__asan_init" in f.read():
            return "valgrind cannot run a sanitizer build"
    return None


VALIDATE = ["validate", "--recount", "--kernels", "direct", "--layer", "conv:c=16,h=12,k=16,r=3,pad=1",
            "--layer", "conv:c=16,h=14,k=16,r=3,pad=1"]


def count_dirs(tmp):
    return glob.glob(os.path.join(tmp, "t", "nnb-count-*"))


def test_validate(tmp, second=False):
    """A valgrind count stopped: its nnb-count-* directories go. With
    `second`, a second signal ends it at once (killing valgrind)."""
    what = "validate (second signal)" if second else "validate"
    os.mkdir(os.path.join(tmp, "t"))
    p, out, err = start(tmp, [], VALIDATE, env={"TMPDIR": os.path.join(tmp, "t"), "XDG_CACHE_HOME": tmp})
    check(wait_for(tmp, p, (b"valgrind: counting ",)), f"{what}: no counting line")
    p.send_signal(signal.SIGINT)
    expect = 130
    if second:  # the second signal once the first is acknowledged, while the count still runs
        wait_for(tmp, p, (b"nnbench: stopping after",), timeout=10)
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
            expect = -signal.SIGINT
        else:  # the count ended first (a loaded machine): the first signal's stop is what is left to check
            print(f"{what}: the count ended before the second signal could be sent")
    rc, o, e = finish(p, out, err, tmp)
    check(rc == expect, f"{what}: exit {rc}, expected {expect}; stderr {e[-300:]}")
    time.sleep(0.2)  # a killed valgrind's files would appear by now
    check(not count_dirs(tmp), f"{what}: count directories left: {count_dirs(tmp)}")
    check(not os.listdir(os.path.join(tmp, "t")), f"{what}: left in TMPDIR: {os.listdir(os.path.join(tmp, 't'))}")
    if not second:
        last = closing(e, "nnbench validate", "SIGINT")
        check(last is not None and " of 2 layers" in last, f"{what}: closing line {last}: {e[-300:]}")


def main():
    cases = [test_sigint_with_out, test_sigterm_keeps_old_file, test_table_to_stdout, test_second_signal, test_model,
             test_sweep, test_ceilings_in_run, test_roofline]
    why = valgrind_usable()
    if why:
        print(f"validate cases skipped: {why}")
    else:
        cases += [test_validate, lambda tmp: test_validate(tmp, second=True)]
    for t in cases:
        with tempfile.TemporaryDirectory(prefix="nnb_sig_") as tmp:
            with open(os.path.join(tmp, "b.txt"), "w") as f:
                f.write(BATCH)
            t(tmp)
    for f in fails:
        print("FAIL: " + f, file=sys.stderr)
    print(f"test_interrupt: {len(cases)} scenarios, {len(fails)} failed checks")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
