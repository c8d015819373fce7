#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then the installed nnbench run
# from / with a fresh cache and no source-tree variables: a preset layer
# analysed and measured, a suite file read from the installed share/, and a
# valgrind count (the count child re-runs the installed binary itself).
# Nothing of the source or build tree is in reach of those runs but the
# installed files (the binary reads none at run time).
set -u
. "$(dirname "$0")/lib.sh"

build=$(cd "$(dirname "$NNB")" && pwd)
[ -f "$build/cmake_install.cmake" ] || { echo "skip: $build is not a CMake build tree"; exit 77; }
prefix="$tmp/prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 \
  && ok || bad "cmake --install $build --prefix $prefix: $(tail -3 "$tmp/install.log")"
inst="$prefix/bin/nnbench"
[ -x "$inst" ] && [ ! -L "$inst" ] && ok || bad "no installed executable $inst"
for f in share/nnbench/suites/shapes_mobilenet_dw.txt share/doc/nnbench/README.md \
         share/doc/nnbench/schema.json share/doc/nnbench/schema.md share/doc/nnbench/conventions.md; do
  [ -f "$prefix/$f" ] && ok || bad "not installed: $f"
done
# include/nnbench/ is internal (README: Install): no headers, no library
[ ! -e "$prefix/include" ] && [ -z "$(find "$prefix" -name 'libnnbench*')" ] && ok \
  || bad "headers or libnnbench installed, but README says include/nnbench/ is not a public API"

# the installed binary, from /, with nothing pointing back at the trees
nnb() { (cd / && env -u NNB_SOURCE_DIR -u NNBENCH XDG_CACHE_HOME="$tmp/xdg" OMP_NUM_THREADS=1 "$inst" "$@"); }
nnb --version | grep -qx "nnbench [0-9.]*" && ok || bad "installed --version"
nnb --layer conv3x3 --analytic >"$tmp/a.txt" 2>"$tmp/a.err" \
  && grep -q "MACs 115,605,504" "$tmp/a.txt" && ok || bad "installed --layer conv3x3 --analytic: $(tail -2 "$tmp/a.err")"
nnb --layer conv3x3 --counters none --no-roofline --reps 1 --min-time 0 --threads 1 --format json \
    >"$tmp/m.jsonl" 2>"$tmp/m.err" && ok || bad "installed measured run: $(tail -2 "$tmp/m.err")"
$PY - "$tmp/m.jsonl" <<'PY' && ok || bad "installed measured run: records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
kernels = [r["kernel"] for r in recs]
assert "reference" in kernels and len(kernels) >= 3, kernels
assert all(r["check"] == "pass" and r["time"]["median_s"] > 0 for r in recs), recs
PY
nnb --batch "$prefix/share/nnbench/suites/shapes_mobilenet_dw.txt" --analytic --format json >"$tmp/b.jsonl" 2>"$tmp/b.err" \
  && [ "$(grep -c '"layer"' "$tmp/b.jsonl")" -gt 0 ] && ok || bad "installed suite file: $(tail -2 "$tmp/b.err")"
# a valgrind count: the child is the installed binary (not where a sanitizer build or no valgrind)
if command -v valgrind >/dev/null && ! grep -q __asan_init "$inst"; then
  nnb --layer conv:c=4,h=6,k=4,r=3 --kernels direct --counters valgrind --no-roofline --reps 1 --min-time 0 \
      --threads 1 --format json >"$tmp/v.jsonl" 2>"$tmp/v.err" \
    && grep -q '"backend":"valgrind"' "$tmp/v.jsonl" && ok || bad "installed valgrind count: $(tail -2 "$tmp/v.err")"
fi
finish
