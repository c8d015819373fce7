#!/usr/bin/env bash
# Running a command leaves the checkout as it was: `git status` is the same
# before and after (results/ holds committed reference results that no run
# rewrites; caches go to $XDG_CACHE_HOME, outputs where the user says).
set -u
. "$(dirname "$0")/lib.sh"
src=${NNB_SOURCE_DIR:-.}
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || { echo "SKIP: $src is not a git checkout"; exit 77; }
snap() { git -C "$src" status --porcelain --untracked-files=all; }
before=$(snap)
L="conv:c=8,h=10,k=8,r=3,pad=1"
check() { # runs one command from inside the source tree, then compares
  (cd "$src" && "$@") >/dev/null 2>&1
  [ "$(snap)" = "$before" ] && ok || bad "git status changed after: $*"
}
check "$NNB" --layer "$L" --threads 1 --kernels fast --counters none --reps 1
check "$NNB" --layer "$L" --threads 1 --counters none --reps 1 --plot "$tmp/r.svg" --out "$tmp/r.jsonl"
check "$NNB" --layer "$L" --analytic --format json
check "$NNB" roofline --threads 1
check "$NNB" roofline --threads 1 --quick --plot "$tmp/q.svg"
check "$NNB" topo
# a cache that is not there yet: measured (quick would not be cached), still not in the tree
# (ceilings measured while something else ran beside them are doubtful and, by
# design, not cached: then stderr says so and the run still leaves the tree alone)
(cd "$src" && XDG_CACHE_HOME=$tmp/fresh "$NNB" --layer "$L" --threads 1 --kernels fast --counters none --reps 1) \
    >/dev/null 2>"$tmp/fresh.err"
[ "$(snap)" = "$before" ] && ok || bad "git status changed after a run with a fresh cache"
if [ -n "$(ls "$tmp"/fresh/nnbench/ 2>/dev/null)" ]; then ok
elif grep -q "doubtful: .*not cached" "$tmp/fresh.err"; then ok
else bad "the fresh cache was not written under \$XDG_CACHE_HOME, and no line says the ceilings were doubtful"; fi
finish
