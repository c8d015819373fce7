#!/usr/bin/env bash
# One-shot, idempotent setup for nnbench on Debian 12 (run as root):
# installs every dependency by Debian package name, configures a Release
# build in build/ and builds it. Safe to run again: apt skips what is there,
# CMake reconfigures incrementally.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

packages=(
  build-essential cmake pkg-config
  libopenblas-openmp-dev      # OpenBLAS built with OpenMP, so it shares our thread pool
  libpapi-dev papi-tools      # hardware counters (PAPI components; libsde for tests/test_papi_sde)
  libpfm4-dev                 # libpfm4 headers: the papi backend encodes its events for perf_event_open
  libhwloc-dev hwloc          # topology and thread binding
  libzydis-dev                # x86 decoder for the valgrind counter backend
  libdnnl-dev                 # oneDNN: the onednn kernel, the peer (optional; left out of the build when absent)
  libprotobuf-c-dev protobuf-c-compiler  # --model FILE.onnx: protobuf-c over ONNX's onnx.proto
  python3-onnx                # tests: onnx's shape inference is the oracle for every node's shape
  libjansson-dev              # strict JSON parser: the stored-results reader (nnbench report, compare)
  valgrind                    # callgrind: counts where there is no PMU
  python3 python3-numpy python3-torch python3-torchvision   # oracles for tests and bench/
  python3-jsonschema          # tests/test_schema.py checks every record against docs/schema.json
  universal-ctags             # tests/test_code_shape.py: function lengths
  clang libclang-rt-14-dev    # bench/fuzz.sh: libFuzzer targets
  python3-venv python3-pandas # scripts/make_venv.sh: the FLOPs tools over Debian's torch (torchstat needs pandas)
  slurm-wlm munge             # tests/test_slurm.sh: a one-node Slurm (scripts/slurm_local.sh) runs a sharded array
  chromium fonts-dejavu-core  # tests/test_html.py: the HTML report rendered in headless Chromium
)

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${packages[@]}"

build_type=${NNB_BUILD_TYPE:-Release}
cmake -S . -B build -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
cmake --build build -j"$(nproc)"
