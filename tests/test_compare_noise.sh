#!/bin/bash
# compare on real runs (issue 24): two runs of the same binary call no
# change; a kernel really slowed (its scalar C path, NNB_KERNEL_ISA=c,
# against its vector path) is called slower, and --fail-on-slower fails on
# it. A pair marked disturbed is never called: when the machine is too busy
# for an undisturbed pair in three tries, the slowdown half says so (SKIP)
# rather than pass.
. "$(dirname "$0")/lib.sh"
run() { "$NNB" --layer conv:c=32,h=28,k=32,r=3,pad=1 --kernels direct,im2col_gemm --counters none --no-roofline --format json "$@" >/dev/null 2>&1; }
disturbed() { grep -c '"disturbed":true' "$1"; }

run --out "$tmp/a.jsonl" && run --out "$tmp/b.jsonl" && ok || bad "runs"
"$NNB" compare --fail-on-slower "$tmp/a.jsonl" "$tmp/b.jsonl" >"$tmp/same" 2>&1 && ok || bad "same binary: --fail-on-slower failed: $(cat "$tmp/same")"
grep -qE "^2 compared: 0 slower, 0 faster" "$tmp/same" && ok || bad "same binary: a change called: $(cat "$tmp/same")"

for try in 1 2 3; do
  run --out "$tmp/fast.jsonl" && NNB_KERNEL_ISA=c run --kernels direct --out "$tmp/slow.jsonl" || bad "runs"
  [ "$(disturbed "$tmp/fast.jsonl")" -eq 0 ] && [ "$(disturbed "$tmp/slow.jsonl")" -eq 0 ] && break
done
"$NNB" compare "$tmp/fast.jsonl" "$tmp/slow.jsonl" >"$tmp/cmp" 2>&1
if grep -q "undecided" "$tmp/cmp" && grep -qE "direct .*undecided$" "$tmp/cmp"; then
  cat "$tmp/cmp"; echo "SKIP: the slowed kernel's runs were disturbed in 3 tries: no change can be called"
  [ "$fail" -eq 0 ] && exit 77
fi
grep -qE "^[^ ]+ +direct .* slower$" "$tmp/cmp" && ok || bad "scalar direct not called slower: $(cat "$tmp/cmp")"
"$NNB" compare --fail-on-slower "$tmp/fast.jsonl" "$tmp/slow.jsonl" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "--fail-on-slower did not fail"
"$NNB" compare --fail-on-slower "$tmp/slow.jsonl" "$tmp/fast.jsonl" >"$tmp/rev" 2>&1 && ok || bad "faster failed --fail-on-slower"
grep -qE "^[^ ]+ +direct .* faster$" "$tmp/rev" && ok || bad "reverse not faster: $(cat "$tmp/rev")"
finish
