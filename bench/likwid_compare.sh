#!/usr/bin/env bash
# Measures, in the same run, nnbench's roofline ceilings and likwid-bench's,
# and prints nnbench/likwid ratios.
#
#   bench/likwid_compare.sh [THREADS]        (default: all cores)
#   NNBENCH=path/to/nnbench   the CLI (default: build/nnbench, then build-*/nnbench)
#
# Pairs (bytes counted the same way on both sides):
#   avx2 sp FMA peak      <-> peakflops_sp_avx_fma     (256-bit FMA)
#   avx512 sp FMA peak    <-> peakflops_sp_avx512_fma  (512-bit FMA)
#   DRAM triad, no WA     <-> stream_avx  (A=B+s*C; likwid counts 3 streams, no write-allocate)
#   DRAM read             <-> load_avx    (read-only)
#   L1 read               <-> load_avx512 on 32 kB (nnbench reads with AVX-512 here)
# nnbench's FMA peak should be >= likwid's; DRAM within 15%.
# likwid-bench needs no msr access, but may still refuse in some VMs: then
# this says so and prints nnbench's numbers alone (exit 0).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
nnb=${NNBENCH:-}
if [ -z "$nnb" ]; then
    for c in "$here"/build/nnbench "$here"/build-*/nnbench; do
        [ -x "$c" ] && { nnb=$c; break; }
    done
fi
if [ -z "$nnb" ] || [ ! -x "$nnb" ]; then
    echo "likwid_compare: nnbench CLI not found (build it, or set NNBENCH)" >&2
    exit 2
fi
cores=$(nproc)
T=${1:-$cores}
case "$T" in ''|*[!0-9]*) echo "likwid_compare: THREADS must be a positive integer, got '$T'" >&2; exit 2;; esac
[ "$T" -ge 1 ] || { echo "likwid_compare: THREADS must be >= 1" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== nnbench roofline --threads $T --refresh ($nnb)"
if ! XDG_CACHE_HOME="$tmp" "$nnb" roofline --threads "$T" --refresh --format json >"$tmp/nnb.json" 2>"$tmp/nnb.err"; then
    echo "likwid_compare: nnbench roofline failed: $(tail -1 "$tmp/nnb.err")" >&2
    exit 1
fi

have_likwid=1
why=""
if ! command -v likwid-bench >/dev/null 2>&1; then
    have_likwid=0; why="likwid-bench not installed (apt-get install likwid)"
fi
# likwid-bench -W N:SIZE:THREADS (N = whole node); prints MFlops/s and MByte/s
lk() { # test size -> "mflops mbytes" or nothing
    likwid-bench -t "$1" -W "N:$2:$T" >"$tmp/lk.out" 2>&1 || { tail -1 "$tmp/lk.out" >"$tmp/lk.why"; return 1; }
    awk -F: '/^MFlops\/s/ {gsub(/[ \t]/,"",$2); f=$2} /^MByte\/s/ {gsub(/[ \t]/,"",$2); b=$2}
             END { if (f == "" && b == "") exit 1; print (f==""?0:f), (b==""?0:b) }' "$tmp/lk.out"
}
declare -A L
if [ $have_likwid = 1 ]; then
    list=$(likwid-bench -a 2>&1)
    # sizes: peak loops on a small (L1) vector, memory loops far past the LLC
    for t in peakflops_sp_avx_fma:32kB peakflops_sp_avx512_fma:32kB stream_avx:2GB load_avx:2GB load_avx512:32kB; do
        name=${t%%:*}; size=${t##*:}
        if ! grep -q "^$name " <<<"$list"; then L[$t]="n/a"; continue; fi
        if r=$(lk "$name" "$size"); then L[$t]=$r
        else
            L[$t]="fail"
            [ -z "$why" ] && why="likwid-bench $name failed: $(cat "$tmp/lk.why")"
        fi
    done
    if [ "${L[peakflops_sp_avx_fma:32kB]}" = fail ] && [ "${L[stream_avx:2GB]}" = fail ]; then
        have_likwid=0
    fi
fi
[ $have_likwid = 0 ] && echo "likwid-bench cannot run here: $why"

python3 - "$tmp/nnb.json" "$T" "$have_likwid" \
    "${L[peakflops_sp_avx_fma:32kB]:-n/a}" "${L[peakflops_sp_avx512_fma:32kB]:-n/a}" \
    "${L[stream_avx:2GB]:-n/a}" "${L[load_avx:2GB]:-n/a}" "${L[load_avx512:32kB]:-n/a}" <<'PY'
import json, sys
path, T, have = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
lk = sys.argv[4:]
r = json.loads(open(path).read().splitlines()[0])["roofline"]
peaks = {p["isa"]: p for p in r["peaks"]}
bw = {b["level"]: b for b in r["bandwidth"]}
def lkv(s, i):  # "mflops mbytes" -> GFLOP/s or GB/s
    try: return float(s.split()[i]) / 1000.0
    except Exception: return None
rows = [
    ("avx2 sp FMA GFLOP/s",   peaks.get("avx2", {}).get("sp_fma"),   "peakflops_sp_avx_fma",    lkv(lk[0], 0)),
    ("avx512 sp FMA GFLOP/s", peaks.get("avx512", {}).get("sp_fma"), "peakflops_sp_avx512_fma", lkv(lk[1], 0)),
    ("DRAM triad GB/s (no WA)", bw["DRAM"]["triad_gbs"],             "stream_avx 2GB",          lkv(lk[2], 1)),
    ("DRAM read GB/s",        bw["DRAM"]["read_gbs"],                "load_avx 2GB",            lkv(lk[3], 1)),
    ("L1 read GB/s",          bw["L1"]["read_gbs"],                  "load_avx512 32kB",    lkv(lk[4], 1)),
]
print(f"machine: {r['machine']}; threads {T} ({r['binding']})")
print(f"{'ceiling':26} {'nnbench':>10} {'likwid-bench':>13} {'ratio':>7}  likwid test")
for name, n, test, l in rows:
    ns = f"{n:10.1f}" if n else f"{'-':>10}"
    ls = f"{l:13.1f}" if (have and l) else f"{'-':>13}"
    ratio = f"{n / l:7.3f}" if (have and n and l) else f"{'-':>7}"
    print(f"{name:26} {ns} {ls} {ratio}  {test}")
print("peak: nnbench should be >= likwid (ratio >= 1); DRAM: within 15% (0.85..1.15)")
PY
