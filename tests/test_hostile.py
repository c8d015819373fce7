#!/usr/bin/env python3
"""Hostile inputs on every input path of nnbench: option values of every
command, --layer in its three syntaxes, --batch files, --model names and the
environment variables nnbench (and the OpenMP / OpenBLAS it runs) reads.

Stored results given to `report` / `compare` are here too (one row each
for a missing, empty, binary and non-JSON file); their reader's own fuzz
target goes deeper.

Each row of CASES is one input: (name, argv, env, expected exit, message
fragment). {tmp} in argv or env is a scratch directory holding the files
made by make_files(). Every row must finish within TIMEOUT_S, end by exit
(no signal, no core dump); an exit 2 row must print exactly one line on
stderr naming the bad part (the fragment) and nothing on stdout. libgomp
prints its own complaint about a malformed OMP_NUM_THREADS before main()
runs; those lines are the library's, not nnbench's, and are not counted.

Then the environment faults that are not one-line refusals: valgrind missing
(forced: refused; auto: falls back to none and says why), TMPDIR missing
(valgrind's files: auto times and notes why, forced refuses), PAPI unable to
count, and an unwritable ceilings cache (one warning, the run goes on; slow:
NNB_SKIP_SLOW=1 leaves it out while developing)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

NNB = os.environ.get("NNBENCH", "build/nnbench")
TIMEOUT_S = 60
SMALL = "conv:c=4,h=8,k=4,r=3,pad=1"   # runs in milliseconds
RUN = ["--counters", "none", "--reps", "1", "--min-time", "0", "--no-roofline"]  # a run with nothing slow

# (name, argv, env overrides, expected exit code, stderr fragment)
CASES = [
    # --- run command: option values
    ("threads zero", ["--layer", SMALL, "--threads", "0"], {}, 2, "--threads needs an integer in 1..4096"),
    ("threads negative", ["--layer", SMALL, "--threads", "-1"], {}, 2, "--threads needs an integer"),
    ("threads text", ["--layer", SMALL, "--threads", "abc"], {}, 2, "got 'abc'"),
    ("threads overflow", ["--layer", SMALL, "--threads", "99999999999999999999"], {}, 2, "--threads"),
    ("threads absurd", ["--layer", SMALL, "--threads", "4097"], {}, 2, "1..4096"),
    ("threads empty", ["--layer", SMALL, "--threads", ""], {}, 2, "--threads needs an integer"),
    ("threads blank", ["--layer", SMALL, "--threads", " 2"], {}, 2, "--threads needs an integer"),
    ("threads plus", ["--layer", SMALL, "--threads", "+2"], {}, 2, "--threads needs an integer"),
    ("threads missing", ["--layer", SMALL, "--threads"], {}, 2, "--threads needs a value"),
    ("reps zero", ["--layer", SMALL, "--reps", "0"], {}, 2, "--reps needs an integer in 1..1000000"),
    ("reps float", ["--layer", SMALL, "--reps", "1e3"], {}, 2, "--reps"),
    ("reps absurd", ["--layer", SMALL, "--reps", "1000001"], {}, 2, "--reps"),
    ("min-time negative", ["--layer", SMALL, "--min-time", "-1"], {}, 2, "--min-time needs seconds"),
    ("min-time nan", ["--layer", SMALL, "--min-time", "nan"], {}, 2, "--min-time"),
    ("min-time inf", ["--layer", SMALL, "--min-time", "inf"], {}, 2, "--min-time"),
    ("min-time hex", ["--layer", SMALL, "--min-time", "0x10"], {}, 2, "--min-time"),
    ("min-time overflow", ["--layer", SMALL, "--min-time", "1e999"], {}, 2, "--min-time"),
    ("min-time absurd", ["--layer", SMALL, "--min-time", "3601"], {}, 2, "0..3600"),
    ("format unknown", ["--layer", SMALL, "--format", "xml"], {}, 2, "unknown --format 'xml'"),
    ("format empty", ["--layer", SMALL, "--format="], {}, 2, "unknown --format ''"),
    ("counters unknown", ["--layer", SMALL, "--counters", "perf"], {}, 2, "unknown --counters 'perf'"),
    ("counters empty", ["--layer", SMALL, "--counters", ""], {}, 2, "unknown --counters ''"),
    ("counters with --analytic", ["--layer", SMALL, "--analytic", "--counters", "x"], {}, 2, "--counters"),
    ("kernels empty", ["--layer", SMALL, "--kernels", ""], {}, 2, "--kernels needs a kernel list"),
    ("kernels commas", ["--layer", SMALL] + RUN + ["--kernels", ",,"], {}, 2, "--kernels: empty list"),
    ("kernels unknown", ["--layer", SMALL] + RUN + ["--kernels", "nosuch"], {}, 2, "unknown kernel 'nosuch'"),
    ("model kernels unknown", ["--model", "alexnet"] + RUN + ["--kernels", "direct,nosuch"], {}, 2,
     "unknown kernel 'nosuch'"),
    ("kernels twice", ["--layer", SMALL] + RUN + ["--kernels", "reference,reference"], {}, 2, "listed twice"),
    ("kernel unsupported", ["--layer", SMALL] + RUN + ["--kernels", "depthwise"], {}, 2, "does not support"),
    ("out empty", ["--layer", SMALL, "--out", ""], {}, 2, "--out needs a file name"),
    ("out no dir", ["--layer", SMALL, "--analytic", "--out", "{tmp}/no/such/dir/r.jsonl"], {}, 2,
     "--out: cannot write"),
    ("out newline", ["--layer", SMALL, "--out", "a\nb"], {}, 2, "control character"),
    ("out too long", ["--layer", SMALL, "--out", "x" * 5000], {}, 2, "too long"),
    ("plot extension", ["--layer", SMALL, "--plot", "r.png"], {}, 2, "must end in .svg, .csv or .json"),
    ("plot empty", ["--layer", SMALL, "--plot", ""], {}, 2, "--plot needs a file name"),
    ("dump empty", ["--layer", SMALL, "--dump", ""], {}, 2, "--dump needs a file name"),
    ("dump no parent", ["--layer", SMALL] + RUN + ["--dump", "{tmp}/no/such/d"], {}, 2,
     "cannot create directory"),
    ("max-mem zero", ["--layer", SMALL, "--max-mem", "0"], {}, 2, "--max-mem needs a byte count > 0"),
    ("max-mem negative", ["--layer", SMALL, "--max-mem", "-5M"], {}, 2, "--max-mem"),
    ("max-mem suffix", ["--layer", SMALL, "--max-mem", "1X"], {}, 2, "got '1X'"),
    ("max-mem fraction", ["--layer", SMALL, "--max-mem", "1.5G"], {}, 2, "--max-mem"),
    ("max-mem overflow", ["--layer", SMALL, "--max-mem", "99999999999999999999"], {}, 2, "--max-mem"),
    ("max-mem absurd", ["--layer", SMALL, "--max-mem", "2000000T"], {}, 2, "--max-mem"),
    ("max-mem accepted", ["--layer", SMALL] + RUN + ["--max-mem", "512M"], {}, 0, ""),
    ("max-mem accepted iB", ["--layer", SMALL] + RUN + ["--max-mem", "1GiB"], {}, 0, ""),
    # the workspace depends on the ISA path and the cache sizes: {conv3x3_need} is derived from a run (need_text)
    ("max-mem below need", ["--layer", "conv3x3", "--threads", "1"] + RUN + ["--max-mem", "1M"], {}, 2,
     "layer needs {conv3x3_need}, 1.0 MiB allowed by --max-mem"),
    # the need against what the machine has (the limit's value is the machine's: not in the fragment;
    # a machine with 1.3 TiB available would run it), then with --max-mem forcing the limit
    ("layer beyond memory", ["--layer", "conv:c=4096,h=4096,k=4096,r=3", "--kernels", "reference"] + RUN, {}, 2,
     "layer needs 1280.4 GiB (tensors 512.3, check 768.1), "),
    ("layer beyond --max-mem", ["--layer", "conv:c=4096,h=4096,k=4096,r=3", "--kernels", "reference"] + RUN
     + ["--max-mem", "512M"], {}, 2, "layer needs 1280.4 GiB (tensors 512.3, check 768.1), 512.0 MiB allowed by --max-mem"),
    ("unknown option", ["--layer", SMALL, "--bogus"], {}, 2, "unknown or ambiguous option '--bogus'"),
    ("ambiguous option", ["--layer", SMALL, "--li"], {}, 2, "ambiguous option '--li'"),
    ("unknown short", ["--layer", SMALL, "-x"], {}, 2, "option '-x' is unknown"),
    ("stray argument", ["--layer", SMALL, "extra"], {}, 2, "unexpected argument 'extra'"),
    ("stray newline", ["--layer", SMALL, "a\nb"], {}, 2, "unexpected argument 'a?b'"),
    ("layer twice", ["--layer", SMALL, "--layer", "conv1x1"], {}, 2, "--layer given twice"),
    ("two sources", ["--layer", SMALL, "--model", "resnet18"], {}, 2, "give one of --layer, --batch, --model"),
    ("no source", ["--format", "json"], {}, 2, "no layer given"),
    # --- --layer: presets, key=value, benchdnn
    ("layer empty", ["--layer", ""], {}, 2, "--layer needs a value"),
    ("preset unknown", ["--layer", "conv9x9", "--analytic"], {}, 2, "conv9x9"),
    ("kv zero channels", ["--layer", "conv:c=0,h=56,k=64,r=3", "--analytic"], {}, 2, "input channels c must be positive (got 0)"),
    ("kv negative", ["--layer", "conv:c=-1,h=56,k=64,r=3", "--analytic"], {}, 2, "input channels c must be positive (got -1)"),
    ("kv text", ["--layer", "conv:c=abc,h=56,k=64,r=3", "--analytic"], {}, 2, "key 'c' needs an integer, got 'abc'"),
    ("kv overflow", ["--layer", "conv:c=99999999999999999999,h=56,k=64,r=3", "--analytic"], {}, 2, "key 'c' needs an integer"),
    ("kv unknown key", ["--layer", "conv:c=64,h=56,k=64,r=3,zz=1", "--analytic"], {}, 2, "unknown key 'zz'"),
    ("kv no output", ["--layer", "conv:c=64,h=2,k=64,r=3", "--analytic"], {}, 2, "no output"),
    ("kv groups", ["--layer", "conv:c=64,h=56,k=64,r=3,g=3", "--analytic"], {}, 2, "divisible by groups=3"),
    ("kv counts overflow", ["--layer", "conv:n=2147483647,c=2147483647,h=65535,k=2147483647,r=1", "--analytic"],
     {}, 2, "sizes overflow 64-bit counts: the input's element count does not fit in 64 bits"),
    ("kv macs overflow", ["--layer", "conv:n=1,c=3000000,h=3000,k=3000000,r=1", "--analytic"],
     {}, 2, "conv: sizes overflow 64-bit counts: the MAC count does not fit in 64 bits"),
    ("kv stride zero", ["--layer", "conv:c=64,h=56,k=64,r=3,stride=0", "--analytic"], {}, 2, "stride must be positive"),
    ("kv pad negative", ["--layer", "conv:c=64,h=56,k=64,r=3,pad=-1", "--analytic"], {}, 2, "padding must be >= 0"),
    ("kv dilation zero", ["--layer", "conv:c=64,h=56,k=64,r=3,dil=0", "--analytic"], {}, 2, "dilation must be >= 1"),
    ("kv op unknown", ["--layer", "warp:c=64,h=56", "--analytic"], {}, 2, "unknown op 'warp'"),
    ("deconv outpad", ["--layer", "deconv:c=8,h=6,k=8,r=3,stride=2,pad=1,outpad=5", "--analytic"], {}, 2,
     "output padding must be smaller than stride"),
    ("benchdnn mb0", ["--layer", "mb0ic64ih56oc64oh56kh3ph1", "--analytic"], {}, 2, "batch n must be positive (got 0)"),
    ("benchdnn unknown field", ["--layer", "mb1ic64ih56oc64oh56kh3ph1zz5", "--analytic"], {}, 2, "unrecognized pattern at 'zz5'"),
    ("benchdnn negative ic", ["--layer", "mb1ic-64ih56oc64oh56kh3ph1", "--analytic"], {}, 2, "ic must not be negative"),
    ("benchdnn stride zero", ["--layer", "ic64ih56oc64oh56kh3sh0", "--analytic"], {}, 2, "sh not specified or 0"),
    ("benchdnn dilation negative", ["--layer", "mb1ic64ih56oc64kh3dh-2", "--analytic"], {}, 2, "dh must not be negative"),
    ("benchdnn groups", ["--layer", "g3ic64ih56oc64kh3", "--analytic"], {}, 2, "divisible by groups=3"),
    ("benchdnn no output", ["--layer", "ic64ih5oc64kh9", "--analytic"], {}, 2, "oh deduced <= 0"),
    ("benchdnn overflow", ["--layer", "mb1ic99999999999999999999ih56oc64kh3", "--analytic"], {}, 2, "ic exceeds 2^40"),
    ("benchdnn partial 3-D", ["--layer", "mb1ic16id8ih8oc16od8oh8kd3kh3", "--analytic"], {}, 2,
     "3-D convolution is not supported"),
    ("benchdnn partial h/w", ["--layer", "mb1ic16id1ih8oc16od1oh8kd1kh3", "--analytic"], {}, 2,
     "give all h and w dimensions or none"),
    # typos: one shared edit-distance helper names the nearest name
    ("option typo", ["--layr", SMALL], {}, 2, "did you mean '--layer'?"),
    ("preset typo", ["--layer", "conv3x4", "--analytic"], {}, 2, "did you mean 'conv3x3'?"),
    ("model typo", ["--model", "resnet5", "--analytic"], {}, 2, "did you mean 'resnet50'?"),
    ("kernel typo", ["--layer", SMALL] + RUN + ["--kernels", "dirct"], {}, 2, "did you mean 'direct'?"),
    ("no suggestion far off", ["--layer", SMALL, "--zzzzzz"], {}, 2, "(see --help)"),
    ("benchdnn required", ["--layer", "ic64", "--analytic"], {}, 2, "oc not specified or 0"),
    ("benchdnn name quote open", ["--layer", 'mb1ic64ih56oc64oh56kh3ph1n"abc', "--analytic"], {}, 2, "the name's quote is not closed"),
    ("benchdnn name quote close", ["--layer", 'mb1ic64ih56oc64oh56kh3ph1nabc"', "--analytic"], {}, 2, "the name's quote is not closed"),
    ("benchdnn name too long", ["--layer", "mb1ic64ih56oc64oh56kh3ph1n" + "x" * 200, "--analytic"], {}, 2, "name of 200 bytes is longer than 95"),
    ("kv repeated key", ["--layer", "conv:c=64,c=32,h=8,k=4,r=3", "--analytic"], {}, 2, "key 'c' repeats"),
    ("kv trailing comma", ["--layer", "conv:c=64,h=8,k=4,r=3,", "--analytic"], {}, 2, "trailing ','"),
    ("kv op only", ["--layer", "conv:", "--analytic"], {}, 2, "empty benchdnn descriptor"),
    # --- --batch files
    ("batch missing", ["--batch", "{tmp}/nosuch.txt", "--analytic"], {}, 2, "nosuch.txt"),
    ("batch directory", ["--batch", "{tmp}", "--analytic"], {}, 2, "is a directory, not a batch file"),
    ("batch endless device", ["--batch", "/dev/zero", "--analytic"], {}, 2, "batch file larger than 64 MiB"),
    ("batch empty", ["--batch", "{tmp}/empty.txt", "--analytic"], {}, 2, "empty.txt"),
    ("batch comments only", ["--batch", "{tmp}/comments.txt", "--analytic"], {}, 2, "comments.txt"),
    ("batch malformed line", ["--batch", "{tmp}/malformed.txt", "--analytic"], {}, 2, "malformed.txt:2"),
    ("batch binary", ["--batch", "{tmp}/binary.txt", "--analytic"], {}, 2, "a batch file is text (it holds a NUL byte)"),
    ("batch empty name", ["--batch", ""], {}, 2, "--batch needs a value"),
    # --- --model
    ("model empty", ["--model", ""], {}, 2, "--model needs a value"),
    ("model unknown", ["--model", "resnet19", "--analytic"], {}, 2, "unknown model 'resnet19'"),
    # --- environment (refused before anything runs)
    ("OMP text", ["--layer", SMALL, "--analytic"], {"OMP_NUM_THREADS": "abc"}, 2, "OMP_NUM_THREADS='abc'"),
    ("OMP negative", ["--layer", SMALL, "--analytic"], {"OMP_NUM_THREADS": "-3"}, 2, "OMP_NUM_THREADS='-3'"),
    ("OMP zero", ["--layer", SMALL, "--analytic"], {"OMP_NUM_THREADS": "0"}, 2, "OMP_NUM_THREADS='0'"),
    ("OMP overflow", ["--layer", SMALL, "--analytic"], {"OMP_NUM_THREADS": "99999999999"}, 2,
     "OMP_NUM_THREADS='99999999999' is not a thread count"),
    ("OMP empty", ["--layer", SMALL, "--analytic"], {"OMP_NUM_THREADS": ""}, 2, "OMP_NUM_THREADS=''"),
    ("OMP bad list", ["--layer", SMALL, "--analytic"], {"OMP_NUM_THREADS": "4,,2"}, 2, "OMP_NUM_THREADS='4,,2'"),
    ("OMP list is fine", ["--layer", SMALL, "--analytic"], {"OMP_NUM_THREADS": "4,2"}, 0, ""),
    ("OpenBLAS text", ["--layer", SMALL, "--analytic"], {"OPENBLAS_NUM_THREADS": "abc"}, 2,
     "OPENBLAS_NUM_THREADS='abc'"),
    ("OpenBLAS negative", ["--layer", SMALL, "--analytic"], {"OPENBLAS_NUM_THREADS": "-3"}, 2,
     "OPENBLAS_NUM_THREADS='-3'"),
    ("OpenBLAS zero", ["--layer", SMALL, "--analytic"], {"OPENBLAS_NUM_THREADS": "0"}, 2,
     "OPENBLAS_NUM_THREADS='0'"),
    ("OpenBLAS overflow", ["--layer", SMALL, "--analytic"], {"OPENBLAS_NUM_THREADS": "99999999999"}, 2,
     "OPENBLAS_NUM_THREADS='99999999999'"),
    ("OpenBLAS list", ["--layer", SMALL, "--analytic"], {"OPENBLAS_NUM_THREADS": "4,2"}, 2,
     "OPENBLAS_NUM_THREADS='4,2'"),
    ("OpenBLAS core unknown", ["--layer", SMALL, "--analytic"], {"OPENBLAS_CORETYPE": "Pentium9"}, 2,
     "OPENBLAS_CORETYPE='Pentium9' is not the core OpenBLAS runs"),
    ("valgrind budget text", ["--layer", SMALL, "--analytic"], {"NNB_VALGRIND_BUDGET": "abc"}, 2,
     "NNB_VALGRIND_BUDGET='abc'"),
    ("valgrind budget negative", ["--layer", SMALL, "--analytic"], {"NNB_VALGRIND_BUDGET": "-1"}, 2,
     "NNB_VALGRIND_BUDGET='-1'"),
    ("valgrind budget zero", ["--layer", SMALL, "--analytic"], {"NNB_VALGRIND_BUDGET": "0"}, 2,
     "NNB_VALGRIND_BUDGET='0'"),
    ("valgrind budget nan", ["--layer", SMALL, "--analytic"], {"NNB_VALGRIND_BUDGET": "nan"}, 2,
     "NNB_VALGRIND_BUDGET='nan'"),
    ("count inside a counted child", ["--layer", SMALL, "--kernels", "direct", "--threads", "1", "--no-roofline",
                                      "--counters", "valgrind"], {"NNB_COUNT_CHILD": "1"}, 2,
     "a counted child cannot count again"),
    ("kernel ISA unknown", ["--layer", SMALL, "--analytic"], {"NNB_KERNEL_ISA": "avx1024"}, 2,
     "NNB_KERNEL_ISA=avx1024"),
    ("valgrind missing, forced", ["--layer", SMALL] + RUN[2:] + ["--counters", "valgrind"],
     {"PATH": "{tmp}/nobin"}, 2, "valgrind not installed"),
    # --- --shard, --mb (benchdnn knobs)
    ("shard zero", ["--batch", "{tmp}/malformed.txt", "--shard", "0/2"], {}, 2, "--shard needs I/N with 1 <= I <= N"),
    ("shard beyond", ["--batch", "{tmp}/malformed.txt", "--shard", "3/2"], {}, 2, "got '3/2'"),
    ("shard text", ["--batch", "{tmp}/malformed.txt", "--shard", "a/b"], {}, 2, "got 'a/b'"),
    ("shard missing", ["--batch", "{tmp}/malformed.txt", "--shard"], {}, 2, "--shard needs a value"),
    ("shard on --layer", ["--layer", SMALL, "--shard", "1/2", "--analytic"], {}, 2, "--shard slices a --batch"),
    ("mb text", ["--layer", SMALL, "--mb", "abc", "--analytic"], {}, 2, "'abc' is not a mini-batch"),
    ("mb empty", ["--layer", SMALL, "--mb=", "--analytic"], {}, 2, "--mb needs a value"),
    ("mb list on --model", ["--model", "resnet18", "--mb", "4,8", "--analytic"], {}, 2,
     "--mb with --model takes one batch size"),
    ("conv on --model", ["--model", "resnet18", "--conv", "--analytic"], {}, 2, "not --model"),
    # --- stored results given to report / compare
    ("report missing", ["report", "{tmp}/nosuch.jsonl"], {}, 2, "cannot open"),
    ("report garbage", ["report", "{tmp}/malformed.txt"], {}, 2, "malformed.txt:1: not JSON"),
    ("report empty", ["report", "{tmp}/empty.txt"], {}, 2, "empty file: no header record"),
    ("report binary", ["report", "{tmp}/binary.txt"], {}, 2, "binary.txt"),
    ("report nothing", ["report"], {}, 2, "no results file given"),
    ("report format", ["report", "--format", "xml", "{tmp}/empty.txt"], {}, 2, "bad --format 'xml'"),
    ("compare one file", ["compare", "{tmp}/empty.txt"], {}, 2, "give two results files"),
    ("compare garbage", ["compare", "{tmp}/malformed.txt", "{tmp}/empty.txt"], {}, 2, "not JSON"),
    # --- roofline, topo, validate
    ("roofline threads zero", ["roofline", "--threads", "0"], {}, 2, "--threads needs an integer"),
    ("roofline threads text", ["roofline", "--threads=abc"], {}, 2, "got 'abc'"),
    ("roofline threads missing", ["roofline", "--threads"], {}, 2, "--threads needs a value"),
    ("roofline format", ["roofline", "--format", "xml"], {}, 2, "bad --format 'xml'"),
    ("roofline plot extension", ["roofline", "--plot", "r.png"], {}, 2, "--plot needs a FILE.svg"),
    ("roofline csv empty", ["roofline", "--csv="], {}, 2, "--csv needs a non-empty value"),
    ("roofline unknown", ["roofline", "--bogus"], {}, 2, "unknown option '--bogus'"),
    ("roofline bad env", ["roofline", "--threads", "1"], {"OMP_NUM_THREADS": "-3"}, 2, "OMP_NUM_THREADS='-3'"),
    ("topo format", ["topo", "--format", "xml"], {}, 2, "bad --format 'xml'"),
    ("topo format missing", ["topo", "--format"], {}, 2, "--format needs a value"),
    ("topo unknown", ["topo", "--bogus"], {}, 2, "unknown option '--bogus'"),
    ("validate kernel unknown", ["validate", "--kernels", "nosuch"], {}, 2, "unknown kernel 'nosuch'"),
    ("validate kernels commas", ["validate", "--kernels", ","], {}, 2, "--kernels needs a comma list"),
    ("validate layer empty", ["validate", "--layer", ""], {}, 2, "empty layer descriptor"),
    ("validate layer missing", ["validate", "--layer"], {}, 2, "--layer needs a value"),
    ("validate layer bad", ["validate", "--layer", "conv:c=0,h=4,k=4,r=3"], {}, 2, "input channels c must be positive"),
    ("validate unknown", ["validate", "--bogus"], {}, 2, "unknown option '--bogus'"),
    ("validate bad env", ["validate"], {"NNB_VALGRIND_BUDGET": "1e999"}, 2, "NNB_VALGRIND_BUDGET='1e999'"),
]


# --- ONNX files (--model FILE.onnx, issue 19): each is written by
# make_onnx_files() with tests/onnx_pb.py's hand encoder, so broken wire
# data can be written too. Each must be one line, exit 2.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_pb as pb  # noqa: E402


def make_onnx_files(tmp):
    good = pb.conv_net()
    g = lambda nodes, inits=(), inputs=None: pb.model(pb.graph(
        nodes, inputs or [pb.value_info("x", ["N", 3, 16, 16])], [pb.value_info("y", ["N", 8, 16, 16])], inits))
    conv = lambda a, o, attrs=(): pb.node("Conv", a, o, "", [pb.attr_ints("kernel_shape", [3, 3])] + list(attrs))
    W = [pb.tensor("W", [8, 3, 3, 3])]
    files = {
        "good.onnx": good,
        "empty.onnx": b"",
        "text.onnx": b"this is not a protobuf file, just text\n" * 4,
        "truncated.onnx": good[: len(good) // 2],
        "wire.onnx": pb.f_bytes(1, b"\x08\x07") + good,  # ir_version (varint) written length-delimited
        "nograph.onnx": pb.model(None),
        "noopset.onnx": pb.model(pb.graph([], [], []), opset=None),
        "opset6.onnx": pb.model(pb.graph([], [], []), opset=6),
        "opset22.onnx": pb.model(pb.graph([], [], []), opset=22),
        "noir.onnx": pb.model(pb.graph([], [], []), ir=None),
        "cycle.onnx": g([pb.node("Relu", ["b"], ["a"]), pb.node("Relu", ["a"], ["b"]), pb.node("Relu", ["x"], ["y"])]),
        "dangling.onnx": g([pb.node("Relu", ["nowhere"], ["y"])]),
        "noweights.onnx": g([conv(["x", "W"], ["y"])]),  # the initializer W is missing
        "zerodim.onnx": g([pb.node("Relu", ["x"], ["y"])], inputs=[pb.value_info("x", [1, 0, 16, 16])]),
        "negdims.onnx": g([conv(["x", "W"], ["y"])], [pb.tensor("W", [8, -3, 3, 3])]),
        "hugedims.onnx": g([conv(["x", "W"], ["y"])], [pb.tensor("W", [1 << 40, 1 << 40, 3, 3])]),
        "hugeinput.onnx": g([pb.node("Relu", ["x"], ["y"])], inputs=[pb.value_info("x", [1, 1 << 40, 1 << 40, 16])]),
        "openhw.onnx": g([pb.node("Relu", ["x"], ["y"])], inputs=[pb.value_info("x", ["N", 3, "H", "W"])]),
        "twice.onnx": g([pb.node("Relu", ["x"], ["y"]), pb.node("Relu", ["x"], ["y"])]),
        "noop.onnx": g([pb.node("", ["x"], ["y"])]),
        "channels.onnx": g([conv(["x", "W"], ["y"])], [pb.tensor("W", [8, 5, 3, 3])]),
        "window.onnx": g([pb.node("Conv", ["x", "W"], ["y"], "", [pb.attr_ints("kernel_shape", [32, 32])])],
                         [pb.tensor("W", [8, 3, 32, 32])]),
        "reshape.onnx": g([pb.node("Reshape", ["x", "s"], ["y"])], [pb.tensor("s", [2], pb.INT64, [7, -1])]),
        "rank9.onnx": g([pb.node("Relu", ["x"], ["y"])], inputs=[pb.value_info("x", [1] * 9)]),
        "unknownop.onnx": g([pb.node("NoSuchOp", ["x"], ["u"]), conv(["u", "W"], ["y"])], W),
        "allunknown.onnx": g([pb.node("NoSuchOp", ["x"], ["y"])]),
        "gemm.onnx": g([pb.node("Flatten", ["x"], ["f"]), pb.node("Gemm", ["f", "M"], ["y"])], [pb.tensor("M", [10, 4])]),
        "concat.onnx": g([pb.node("Concat", ["x", "M"], ["y"], "", [pb.attr_int("axis", 1)])], [pb.tensor("M", [1, 2, 8, 8])]),
        "fixedbatch.onnx": g([pb.node("Relu", ["x"], ["y"])], inputs=[pb.value_info("x", [1, 3, 16, 16])]),
        "slicestep.onnx": g([pb.node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])],
                            [pb.tensor("st", [1], pb.INT64, [0]), pb.tensor("en", [1], pb.INT64, [4]),
                             pb.tensor("ax", [1], pb.INT64, [1]), pb.tensor("sp", [1], pb.INT64, [-(1 << 63)])]),
        "splitsum.onnx": g([pb.node("Split", ["x", "sz"], ["y", "z"], "", [pb.attr_int("axis", 1)])],
                           [pb.tensor("sz", [2], pb.INT64, [(1 << 62), (1 << 62)])]),
        "autopad.onnx": g([conv(["x", "W"], ["y"], [pb.attr_str("auto_pad", "SAME_UPPER"), pb.attr_ints("strides", [0, 1])])], W),
    }
    for name, data in files.items():
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(data)
    os.mkdir(os.path.join(tmp, "dir.onnx"))


ONNX = "--analytic"
CASES += [
    ("onnx missing", ["--model", "{tmp}/nosuch.onnx", ONNX], {}, 2, "nosuch.onnx: cannot open"),
    ("onnx directory", ["--model", "{tmp}/dir.onnx", ONNX], {}, 2, "not a regular file"),
    ("onnx empty", ["--model", "{tmp}/empty.onnx", ONNX], {}, 2, "empty file: not an ONNX model"),
    ("onnx text", ["--model", "{tmp}/text.onnx", ONNX], {}, 2, "not an ONNX model, or a truncated or malformed one"),
    ("onnx truncated", ["--model", "{tmp}/truncated.onnx", ONNX], {}, 2, "truncated or malformed"),
    ("onnx wire type", ["--model", "{tmp}/wire.onnx", ONNX], {}, 2, "truncated or malformed"),
    ("onnx no graph", ["--model", "{tmp}/nograph.onnx", ONNX], {}, 2, "no graph"),
    ("onnx no opset", ["--model", "{tmp}/noopset.onnx", ONNX], {}, 2, "no opset of the default domain"),
    ("onnx opset 6", ["--model", "{tmp}/opset6.onnx", ONNX], {}, 2, "opset 6 of the default domain"),
    ("onnx opset 22", ["--model", "{tmp}/opset22.onnx", ONNX], {}, 2, "reads opsets 7 to 21"),
    ("onnx no ir", ["--model", "{tmp}/noir.onnx", ONNX], {}, 2, "IR version"),
    ("onnx cycle", ["--model", "{tmp}/cycle.onnx", ONNX], {}, 2, "the graph has a cycle"),
    ("onnx dangling", ["--model", "{tmp}/dangling.onnx", ONNX], {}, 2, "input 'nowhere' is neither"),
    ("onnx missing initializer", ["--model", "{tmp}/noweights.onnx", ONNX], {}, 2, "input 'W' is neither"),
    ("onnx zero dim", ["--model", "{tmp}/zerodim.onnx", ONNX], {}, 2, "dimension 1 is 0"),
    ("onnx negative dim", ["--model", "{tmp}/negdims.onnx", ONNX], {}, 2, "negative or overflowing"),
    ("onnx overflowing dims", ["--model", "{tmp}/hugedims.onnx", ONNX], {}, 2, "negative or overflowing"),
    ("onnx overflowing input", ["--model", "{tmp}/hugeinput.onnx", ONNX], {}, 2, "element count overflows"),
    ("onnx open dims", ["--model", "{tmp}/openhw.onnx", ONNX], {}, 2, "dimension 2 ('H') is left open"),
    ("onnx input unknown", ["--model", "{tmp}/good.onnx", ONNX, "--input", "z=1x3x8x8"], {}, 2, "no input of that name"),
    ("onnx input malformed", ["--model", "{tmp}/good.onnx", ONNX, "--input", "x=1xx3"], {}, 2, "positive integers joined"),
    ("onnx input rank", ["--model", "{tmp}/good.onnx", ONNX, "--input", "x=1x3x8"], {}, 2, "rank 4, not 3"),
    ("onnx input no model", ["--layer", SMALL, ONNX, "--input", "x=1x3x8x8"], {}, 2, "--input gives an ONNX"),
    ("onnx produced twice", ["--model", "{tmp}/twice.onnx", ONNX], {}, 2, "value 'y' is produced twice"),
    ("onnx no op_type", ["--model", "{tmp}/noop.onnx", ONNX], {}, 2, "has no op_type"),
    ("onnx conv channels", ["--model", "{tmp}/channels.onnx", ONNX], {}, 2, "do not fit 3 input channels"),
    ("onnx conv window", ["--model", "{tmp}/window.onnx", ONNX], {}, 2, "larger than the padded input"),
    ("onnx reshape", ["--model", "{tmp}/reshape.onnx", ONNX], {}, 2, "-1 cannot make 768 elements"),
    ("onnx rank 9", ["--model", "{tmp}/rank9.onnx", ONNX], {}, 2, "has rank 9"),
    ("onnx unknown op feeds conv", ["--model", "{tmp}/unknownop.onnx", ONNX], {}, 2, "the output of node 'NoSuchOp#0' (NoSuchOp), which nnbench has no shape rule for"),
    ("onnx nothing modelled", ["--model", "{tmp}/allunknown.onnx", ONNX], {}, 2, "no node nnbench models"),
    ("onnx gemm", ["--model", "{tmp}/gemm.onnx", ONNX], {}, 2, "do not meet B's 10 rows"),
    ("onnx concat", ["--model", "{tmp}/concat.onnx", ONNX], {}, 2, "differs in dimension 2"),
    ("onnx fixed batch", ["--model", "{tmp}/fixedbatch.onnx", ONNX, "--mb", "4"], {}, 2, "fixed batch of 1"),
    ("onnx zero stride", ["--model", "{tmp}/autopad.onnx", ONNX], {}, 2, "strides and dilations must be in"),
    ("onnx-nodes usage", ["onnx-nodes"], {}, 2, "usage: nnbench onnx-nodes"),
    ("onnx slice step", ["--model", "{tmp}/slicestep.onnx", ONNX], {}, 2, "is 0 or beyond 2^62"),
    ("onnx split sizes", ["--model", "{tmp}/splitsum.onnx", ONNX], {}, 2, "split sizes exceed dimension 1"),
]


def make_files(tmp):
    def write(name, data):
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(data)
    write("empty.txt", b"")
    write("comments.txt", b"# nothing here\n\n   \n")
    write("malformed.txt", b"conv3x3\nconv:c=64,h=56,k=64,r=3,zz=1\n")
    write("binary.txt", b"\x00\xff\xfe\x01conv\x00\n\x7f\x80")
    os.mkdir(os.path.join(tmp, "nobin"))


DERIVED = {}  # placeholders whose text depends on the machine, filled by main()


def subst(s, tmp):
    for k, v in DERIVED.items():
        s = s.replace("{" + k + "}", v)
    return s.replace("{tmp}", tmp)


def need_text(layer, tmp):
    """The memory need nnbench states for LAYER at 1 thread with the check,
    from the same inputs it plans with (src/harness/memory.c): tensors (src,
    weights, bias, dst), check buffers (two outputs and a copy of the inputs)
    and the largest workspace of the kernels (the ISA path and cache sizes
    set it): each kernel record's workspace_bytes, from a run of the layer."""
    r = run(["--layer", layer, "--threads", "1", "--format", "json"] + RUN, {}, tmp)
    recs = [json.loads(ln) for ln in r.stdout.decode().splitlines() if ln.startswith("{")]
    if r.returncode != 0 or not recs:
        raise RuntimeError(f"{layer} run for the memory need: exit {r.returncode}: {r.stderr.decode()[-300:]}")
    a = recs[0]["analytic"]
    inputs = a["src_bytes"] + a["wei_bytes"] + a["bias_bytes"]
    parts = [("tensors", inputs + a["dst_bytes"]), ("check", 2 * a["dst_bytes"] + inputs),
             ("workspace", max(x["workspace_bytes"] for x in recs))]
    total = sum(b for _, b in parts)
    div, unit = (1 << 30, "GiB") if total >= 1 << 30 else (1 << 20, "MiB") if total >= 1 << 20 else (1024, "KiB")
    shown = ", ".join(f"{n} {b / div:.1f}" for n, b in parts if b / div >= 0.05)
    return f"{total / div:.1f} {unit} ({shown})"


def run(argv, env_extra, tmp, timeout_s=TIMEOUT_S):
    env = dict(os.environ)
    env.pop("OMP_NUM_THREADS", None)  # ctest sets it; rows set their own
    env.update({k: subst(v, tmp) for k, v in env_extra.items()})
    return subprocess.run([NNB] + [subst(a, tmp) for a in argv], env=env, capture_output=True,
                          timeout=timeout_s, cwd=tmp)


def own_lines(stderr):
    """stderr lines that are nnbench's: libgomp's complaint (a blank line and
    'libgomp: ...', printed before main) is the library's."""
    return [l for l in stderr.splitlines() if l.strip() and not l.startswith(b"libgomp: ")]


def check_case(case, tmp):
    name, argv, env, want_rc, frag = case
    try:
        r = run(argv, env, tmp)
    except subprocess.TimeoutExpired:
        return f"{name}: no exit within {TIMEOUT_S} s (hang)"
    err = r.stderr.decode("utf-8", "replace")
    if r.returncode < 0:
        return f"{name}: killed by signal {signal.Signals(-r.returncode).name}: {err[-300:]}"
    if b"core dumped" in r.stderr or b"Sanitizer" in r.stderr or b"runtime error" in r.stderr:
        return f"{name}: crash or undefined behaviour: {err[-300:]}"
    if r.returncode != want_rc:
        return f"{name}: exit {r.returncode}, expected {want_rc}: {err[-300:]}"
    if frag and subst(frag, tmp) not in err:
        return f"{name}: stderr lacks {subst(frag, tmp)!r}: {err[-300:]}"
    if want_rc == 2:
        lines = own_lines(r.stderr)
        if len(lines) != 1 or not lines[0].startswith(b"nnbench"):
            return f"{name}: {len(lines)} stderr lines, expected exactly one 'nnbench...' line: {err[-400:]}"
        if r.stdout:
            return f"{name}: exit 2 but printed on stdout: {r.stdout[:200]!r}"
    return None


def check_env_faults(tmp):
    """Faults with a fallback: each says what happened, and the run goes on."""
    fails = []
    # valgrind missing with auto: falls back to none and the record says why
    r = run(["--layer", SMALL, "--format", "json"] + RUN[2:], {"PATH": "{tmp}/nobin"}, tmp)
    try:
        rec = json.loads(r.stdout.decode().splitlines()[0])
        why = rec["counters"]["why"]
        if r.returncode != 0 or rec["counters"]["backend"] != "none" or "valgrind not installed" not in why:
            fails.append(f"valgrind missing, auto: rc={r.returncode} counters={rec['counters']}")
    except (ValueError, KeyError, IndexError) as e:
        fails.append(f"valgrind missing, auto: no JSON record ({e}): {r.stderr.decode()[-300:]}")
    # TMPDIR missing: valgrind's count files cannot be made; auto times and says why, forced refuses
    with open(NNB, "rb") as f:
        valgrind_runs = shutil.which("valgrind") and b"__asan_init" not in f.read()  # not a sanitizer build
    r = run(["--layer", SMALL, "--kernels", "reference", "--format", "json", "--recount"] + RUN[2:],
            {"TMPDIR": "{tmp}/no/such"}, tmp)  # --recount: a count in the count cache would hide the fault
    notes = r.stdout.decode()
    if valgrind_runs and (r.returncode != 0 or "cannot create a temporary directory" not in notes):
        fails.append(f"TMPDIR missing, auto: rc={r.returncode} stdout={notes[:300]}")
    r = run(["--layer", SMALL, "--kernels", "reference", "--counters", "valgrind", "--recount"] + RUN[2:],
            {"TMPDIR": "{tmp}/no/such"}, tmp)
    last = own_lines(r.stderr)[-1:] or [b""]
    if valgrind_runs and (r.returncode != 2 or b"cannot create a temporary directory" not in last[0]):
        fails.append(f"TMPDIR missing, forced: rc={r.returncode} stderr={r.stderr.decode()[-300:]}")
    # PAPI that cannot count (a VM without a PMU): forced is one line naming why
    r = run(["--layer", SMALL, "--counters", "papi"] + RUN[2:], {}, tmp)
    if r.returncode == 2:
        lines = own_lines(r.stderr)
        if len(lines) != 1 or b"papi cannot count here" not in lines[0]:
            fails.append(f"papi unavailable: stderr {r.stderr.decode()[-300:]}")
    elif r.returncode != 0:
        fails.append(f"papi: exit {r.returncode}: {r.stderr.decode()[-300:]}")
    # an unwritable ceilings cache: one warning, the ceilings are still printed
    if os.environ.get("NNB_SKIP_SLOW"):
        return fails
    unwritable = "/proc/nnbench-unwritable"
    try:  # a full ceilings measurement: ~20 s on an idle machine, minutes on a loaded one
        r = run(["roofline", "--threads", "1"], {"XDG_CACHE_HOME": unwritable, "HOME": unwritable}, tmp, timeout_s=600)
    except subprocess.TimeoutExpired:
        return fails + ["unwritable cache: roofline did not finish within 600 s"]
    warn = [l for l in own_lines(r.stderr) if b"not cached" in l or b"cannot save" in l]
    if r.returncode != 0 or len(warn) != 1 or b"peak" not in r.stdout.lower():
        fails.append(f"unwritable cache: rc={r.returncode} warnings={warn} stderr={r.stderr.decode()[-300:]}")
    return fails


def main():
    if not shutil.which(NNB) and not os.access(NNB, os.X_OK):
        print(f"test_hostile: {NNB} not found", file=sys.stderr)
        return 1
    NNB_abs = os.path.abspath(NNB)
    globals()["NNB"] = NNB_abs
    tmp = tempfile.mkdtemp(prefix="nnb_hostile_")
    try:
        make_files(tmp)
        DERIVED["conv3x3_need"] = need_text("conv3x3", tmp)
        make_onnx_files(tmp)
        fails = [f for f in (check_case(c, tmp) for c in CASES) if f]
        fails += check_env_faults(tmp)
        leftovers = [f for f in os.listdir(tmp) if ".tmp." in f]
        if leftovers:
            fails.append(f"temporary files left behind: {leftovers}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in fails:
        print("FAIL: " + f, file=sys.stderr)
    print(f"test_hostile: {len(CASES)} hostile inputs + 5 environment faults, {len(fails)} failed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
