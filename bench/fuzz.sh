#!/usr/bin/env bash
# Fuzzes nnbench's input readers with libFuzzer for a given time per target.
#   bench/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 600 s; targets: spec batch results onnx)
# Builds build-fuzz/ with clang (-DNNB_FUZZ=ON: ASan + UBSan + fuzzer
# coverage), starts each target from a copy of its committed corpus in a
# work directory (the checkout stays clean), and prints what it found.
# Crashing inputs are left in WORKDIR/TARGET/artifacts; add a fixed one to
# tests/fuzz/corpus/TARGET/ so ctest's replay keeps it fixed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(spec batch results onnx)
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: seconds must be a whole number, got '$seconds'" >&2; exit 2;; esac
command -v clang >/dev/null || { echo "fuzz.sh: clang not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }

CC=clang cmake -S "$here" -B "$here/build-fuzz" -DCMAKE_BUILD_TYPE=Debug -DNNB_FUZZ=ON >/dev/null
cmake --build "$here/build-fuzz" -j"$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null

work=${NNB_FUZZ_WORKDIR:-$(mktemp -d /tmp/nnb-fuzz.XXXXXX)}
declare -A corpus=(
  [spec]="tests/fuzz/corpus/spec"
  [batch]="tests/fuzz/corpus/batch tests/data/benchdnn/conv tests/data/benchdnn/deconv"
  [results]="tests/fuzz/corpus/results"
  [onnx]="tests/fuzz/corpus/onnx"
)
status=0
for t in "${targets[@]}"; do
  [ -n "${corpus[$t]:-}" ] || { echo "fuzz.sh: unknown target '$t' (spec, batch, results, onnx)" >&2; exit 2; }
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  for d in ${corpus[$t]}; do cp "$here/$d"/* "$work/$t/corpus/"; done
  echo "== fuzz_$t: $seconds s from $(ls "$work/$t/corpus" | wc -l) seed inputs (work dir $work/$t)" >&2
  # the batch target reads files: keep libFuzzer's inputs small enough to stay fast
  if ! "$here/build-fuzz/tests/fuzz_$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" "$work/$t/corpus" \
        >"$work/$t/log" 2>&1; then
    status=1
  fi
  grep -E '^stat::number_of_executed_units|^stat::new_units_added|^#[0-9]+ *DONE' "$work/$t/log" >&2 || true
  found=$(ls "$work/$t/artifacts" | wc -l)
  echo "fuzz_$t: $found failing input(s) in $work/$t/artifacts; log $work/$t/log" >&2
  [ "$found" -eq 0 ] || status=1
done
exit $status
