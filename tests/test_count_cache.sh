#!/usr/bin/env bash
# The count cache (src/counters/count_cache.c): a valgrind count is reused
# only under the whole identity of what ran, and never read half.
#  - a first run counts and stores; the same run again reuses, with every
#    count equal; --recount counts again and gets the same counts;
#  - another environment (OMP_*), another binary (a copy of nnbench) or a
#    file whose key differs counts again;
#  - an incomplete file is refused with one line and replaced.
source "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed"; exit 77; }
grep -q __asan_init "$NNB" && { echo "SKIP: valgrind cannot run a sanitizer build"; exit 77; }
export XDG_CACHE_HOME=$tmp/xdg
L="conv:c=8,h=12,w=12,k=16,r=3,pad=1"
run() { "$@" --layer "$L" --kernels direct --threads 1 --counters valgrind --no-roofline --no-check --reps 1 --format json; }
# counters object of the direct kernel's record, as sorted JSON
counters() { $PY -c 'import json,sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get("kernel") == "direct": c = r["counters"]; print(json.dumps(c, sort_keys=True))'; }
field() { $PY -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }
same_counts() { $PY -c 'import json,sys
a, b = (json.loads(x) for x in sys.argv[1:3])
keys = ["flops", "dram_bytes", "l1_bytes", "l2_bytes", "load_bytes", "store_bytes", "instructions", "note"]
sys.exit(0 if all(k in a and a.get(k) == b.get(k) for k in keys) else 1)' "$1" "$2"; }
nfiles() { ls "$XDG_CACHE_HOME"/nnbench/counts-*.txt 2>/dev/null | wc -l; }

c1=$(run "$NNB" 2>"$tmp/e1" | counters)
[ "$(field reused <<<"$c1")" = False ] && ok || bad "first run: reused should be false: $c1"
[ "$(nfiles)" = 1 ] && ok || bad "first run: one count file expected, found $(nfiles)"
c2=$(run "$NNB" 2>"$tmp/e2" | counters)
[ "$(field reused <<<"$c2")" = True ] && ok || bad "second run: reused should be true: $c2"
[ "$(field counted_unix <<<"$c2")" = "$(field counted_unix <<<"$c1")" ] && ok || bad "reused counts must keep when they were counted"
same_counts "$c1" "$c2" && ok || bad "reused counts differ: $c1 / $c2"
grep -q "counts reused from the count cache" "$tmp/e2" && ok || bad "no stderr line says the counts were reused"
table=$("$NNB" --layer "$L" --kernels direct --threads 1 --counters valgrind --no-roofline --no-check --reps 1 2>/dev/null)
grep -q "^counts    reused from the count cache.*: direct;" <<<"$table" && ok || bad "the table does not say the counts were reused"

c3=$(run "$NNB" --recount 2>/dev/null | counters)
[ "$(field reused <<<"$c3")" = False ] && ok || bad "--recount must count again: $c3"
same_counts "$c1" "$c3" && ok || bad "a recount differs (valgrind counts are deterministic): $c1 / $c3"

c4=$(OMP_DISPLAY_ENV=false run "$NNB" 2>/dev/null | counters)
[ "$(field reused <<<"$c4")" = False ] && ok || bad "another OpenMP environment must count again"
cp "$NNB" "$tmp/nnbench-copy"
c5=$(run "$tmp/nnbench-copy" 2>/dev/null | counters)
[ "$(field reused <<<"$c5")" = False ] && ok || bad "another binary must count again"
touch -d '2001-01-01' "$tmp/nnbench-copy"
c6=$(run "$tmp/nnbench-copy" 2>/dev/null | counters)
[ "$(field reused <<<"$c6")" = False ] && ok || bad "a binary with another modification time must count again"

# the first run's file: a key that differs in one byte is another identity
f=$(grep -l -- "--kernel direct" "$XDG_CACHE_HOME"/nnbench/counts-*.txt | xargs grep -L OMP_DISPLAY_ENV | xargs grep -l "$(dirname "$(readlink -f "$NNB")")/nnbench " | head -1)
[ -n "$f" ] && ok || bad "cannot find the first run's count file"
sed -i 's/^key valgrind/key valgrinD/' "$f"
c7=$(run "$NNB" 2>/dev/null | counters)
[ "$(field reused <<<"$c7")" = False ] && ok || bad "a file with another key must not be reused"
c8=$(run "$NNB" 2>/dev/null | counters)
[ "$(field reused <<<"$c8")" = True ] && ok || bad "the count under the right key was not stored again"
# incomplete: the end line and a value gone
sed -i '/^end$/d; /^value dram_bytes/d' "$f"
c9=$(run "$NNB" 2>"$tmp/e9" | counters)
[ "$(field reused <<<"$c9")" = False ] && ok || bad "an incomplete count file must not be used"
grep -q "unreadable or incomplete count cache file; counting again" "$tmp/e9" && ok || bad "no line about the incomplete file"
same_counts "$c1" "$c9" && ok || bad "the recount after a bad file differs"
c10=$(run "$NNB" 2>/dev/null | counters)
[ "$(field reused <<<"$c10")" = True ] && ok || bad "the bad file was not replaced"
finish
