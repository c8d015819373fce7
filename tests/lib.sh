# Shared by the tests/test_*.sh scripts: pass/fail counters, a temporary
# directory removed on exit, and the CLI under test.
NNB=${NNBENCH:-build/nnbench}
PY=/usr/bin/python3
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prints the closing line ctest and CI read, and returns the status.
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
