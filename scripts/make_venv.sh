#!/usr/bin/env bash
# Makes (once) the Python environment that holds the FLOPs-counting tools
# whose conventions nnbench models (ptflops, thop, fvcore, torchsummary,
# torchinfo, torchstat), at the versions the conventions table names, and
# the ONNX peers of bench/onnx_ort.py (onnxruntime, onnx-tool).
#
# The venv sits over Debian's torch 1.13 (--system-site-packages) and every
# package is installed with --no-deps, pinned: torch from PyPI would hide
# Debian's and pull CUDA wheels; ptflops 0.7.4+ needs torch 2.
#
#   scripts/make_venv.sh [DIR]      DIR defaults to $NNB_VENV, else build/venv
#
# Idempotent: a venv whose stamp matches this list is left as it is.
# Exit 0: ready (prints the venv's python); 77: cannot be made here (no
# Debian torch, no PyPI), with the reason on stderr; 1: a real failure.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
venv=${1:-${NNB_VENV:-$here/build/venv}}

# the tools, then the pure-Python packages fvcore and iopath import
pins=(
  ptflops==0.7.3
  thop==0.1.1.post2209072238
  fvcore==0.1.5.post20221221
  torchsummary==1.5.1
  torchinfo==1.8.0
  torchstat==0.0.7
  iopath==0.1.10
  yacs==0.1.8
  tabulate==0.9.0
  termcolor==2.4.0
  portalocker==2.8.2
  tqdm==4.66.4
  onnxruntime==1.16.3   # bench/onnx_ort.py: the ONNX peer (numpy and protobuf are Debian's)
  onnx-tool==0.9.0      # bench/onnx_ort.py --torchvision: ONNX totals beside nnbench's (onnx is Debian's)
)
imports=(ptflops thop fvcore.nn torchsummary torchinfo torchstat onnx_tool)
stamp="$venv/.nnbench-pins"
want=$(printf '%s\n' "${pins[@]}")

skip() { echo "make_venv: $*" >&2; exit 77; }

check_imports() {
  "$venv/bin/python" - "${imports[@]}" <<'EOF'
import importlib, sys
for m in sys.argv[1:]:
    importlib.import_module(m)
EOF
}

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && check_imports 2>/dev/null; then
  echo "$venv/bin/python"
  exit 0
fi

/usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null ||
  skip "Debian's python3-torch / python3-torchvision are not importable by /usr/bin/python3 (scripts/setup.sh installs them)"
/usr/bin/python3 -c 'import pandas' 2>/dev/null ||
  skip "torchstat needs Debian's python3-pandas (scripts/setup.sh installs it)"

# remake it whole: only ever remove a directory that is a venv
if [[ -e "$venv" && ! -f "$venv/pyvenv.cfg" ]]; then
  echo "make_venv: $venv exists and is not a venv; not touching it" >&2
  exit 1
fi
rm -rf "$venv"
/usr/bin/python3 -m venv --system-site-packages "$venv" || skip "python3 -m venv failed (python3-venv missing?)"

log="$venv/pip.log"
if ! "$venv/bin/pip" install --no-deps --disable-pip-version-check --no-input --timeout 15 --retries 1 \
     "${pins[@]}" >"$log" 2>&1; then
  reason=$(grep -m1 -oiE "(Failed to establish a new connection|Temporary failure in name resolution|Name or service not known|Network is unreachable|timed out|No matching distribution)[^')]*" "$log")
  rm -rf "$venv"
  [[ -n "$reason" ]] && skip "PyPI cannot be reached: $reason"
  echo "make_venv: pip install failed:" >&2
  tail -5 "$log" >&2
  exit 1
fi

if ! check_imports; then
  echo "make_venv: the pinned tools do not import over this torch (see above)" >&2
  exit 1
fi
echo "$want" >"$stamp"
echo "$venv/bin/python"
