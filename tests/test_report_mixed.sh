#!/usr/bin/env bash
# nnbench report merges shards only when their headers agree on the machine
# and the software (results/merge.h): a shard whose header names another
# CPU, core count, cache, OS, OpenBLAS core or build is refused with exit 2
# and one line naming the key and both values; a shard from another host of
# the same kind, with other memory or another cpuset (a Slurm array on
# several nodes, or on several cores of one), merges.
set -u
. "$(dirname "$0")/lib.sh"
printf '%s\n' conv:c=8,h=12,k=8,r=3,pad=1 conv:c=16,h=10,k=8,r=1 conv:c=8,h=8,k=8,r=3,pad=1,g=8 >"$tmp/suite.txt"
for i in 1 2; do
  "$NNB" --batch "$tmp/suite.txt" --analytic --shard "$i/2" --out "$tmp/s$i.jsonl" >/dev/null 2>&1 || bad "shard $i"
done
"$NNB" report "$tmp/s1.jsonl" "$tmp/s2.jsonl" >"$tmp/ok.txt" 2>/dev/null && ok || bad "the two shards as written do not merge"

# edit shard 2's header: KEY (dotted path under header) = VALUE (JSON)
edit() {
  $PY - "$tmp/s2.jsonl" "$tmp/x.jsonl" "$1" "$2" <<'EOF'
import json, sys
src, dst, key, value = sys.argv[1:]
lines = open(src).read().splitlines()
rec = json.loads(lines[0])
node = rec["header"]
*path, last = key.split(".")
for p in path:
    node = node[p]
node[last] = json.loads(value)
lines[0] = json.dumps(rec, separators=(",", ":"))
open(dst, "w").write("\n".join(lines) + "\n")
EOF
}

refused() { # KEY VALUE: report refuses, naming the key and the new value
  edit "$1" "$2"
  "$NNB" report "$tmp/s1.jsonl" "$tmp/x.jsonl" >/dev/null 2>"$tmp/e.txt"
  local rc=$?
  [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/e.txt")" -eq 1 ] && grep -qF "header.$1 " "$tmp/e.txt" &&
    grep -qF -- "$2" "$tmp/e.txt" && ok || bad "$1=$2: exit $rc, $(cat "$tmp/e.txt")"
}
refused machine.cpu '"AMD EPYC 9654 96-Core Processor"'
refused machine.cores 96
refused machine.isa '"avx2"'
refused machine.os '"Linux 5.10.0 x86_64"'
refused machine.caches '[]'
refused software.git '"0123456789ab"'
refused software.compiler '"clang 16.0.6"'
refused software.openblas '{"config":"OpenBLAS 0.3.26","core":"Zen","version":"0.3.26"}'
refused software.onednn '"3.4.0"'
grep -qF "not one build" "$tmp/e.txt" && ok || bad "a software difference is not named as another build: $(cat "$tmp/e.txt")"

merges() { # KEY VALUE: report merges, as the unedited pair
  edit "$1" "$2"
  "$NNB" report "$tmp/s1.jsonl" "$tmp/x.jsonl" >"$tmp/m.txt" 2>"$tmp/e.txt" && cmp -s "$tmp/m.txt" "$tmp/ok.txt" && ok ||
    bad "$1=$2 (another node of the same kind) must merge: $(cat "$tmp/e.txt")"
}
merges machine.hostname '"node042"'
merges machine.memory_bytes 1073741824
merges cpuset '"1"'
merges pus_used '"1"'
finish
