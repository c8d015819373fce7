#!/usr/bin/env bash
# --model NAME --summary TOOL with the numbers pinned: seed 003's AlexNet
# (alexnet-seed) exactly as the seed's torchsummary printout shows it, and
# the seed's torchstat totals (Total memory 4.98MB, MAdd 1.72G, Flops
# 862.36M, MemR+W 244.14MB) beside thop's 861,301,280; torchinfo 1.8.0's
# totals for it and ResNet-50's torchsummary totals (both checked against
# the packages by test_summary_tools.py); the refusals (one line, exit 2).
set -u
. "$(dirname "$0")/lib.sh"

# the seed's printout, as seed 003 gives it
cat >"$tmp/seed003.txt" <<'TXT'
----------------------------------------------------------------
        Layer (type)               Output Shape         Param #
================================================================
            Conv2d-1           [-1, 96, 55, 55]          34,848
              ReLU-2           [-1, 96, 55, 55]               0
         MaxPool2d-3           [-1, 96, 27, 27]               0
            Conv2d-4          [-1, 192, 27, 27]         460,800
              ReLU-5          [-1, 192, 27, 27]               0
         MaxPool2d-6          [-1, 192, 13, 13]               0
            Conv2d-7          [-1, 384, 13, 13]         663,552
              ReLU-8          [-1, 384, 13, 13]               0
            Conv2d-9          [-1, 256, 13, 13]         884,736
             ReLU-10          [-1, 256, 13, 13]               0
           Conv2d-11          [-1, 256, 13, 13]         589,824
             ReLU-12          [-1, 256, 13, 13]               0
        MaxPool2d-13            [-1, 256, 6, 6]               0
          Dropout-14                 [-1, 9216]               0
           Linear-15                 [-1, 4096]      37,752,832
             ReLU-16                 [-1, 4096]               0
          Dropout-17                 [-1, 4096]               0
           Linear-18                 [-1, 4096]      16,781,312
             ReLU-19                 [-1, 4096]               0
           Linear-20                 [-1, 1000]       4,097,000
================================================================
Total params: 61,264,904
Trainable params: 61,264,904
Non-trainable params: 0
----------------------------------------------------------------
Input size (MB): 0.57
Forward/backward pass size (MB): 9.96
Params size (MB): 233.71
Estimated Total Size (MB): 244.24
----------------------------------------------------------------
TXT
"$NNB" --model alexnet-seed --summary torchsummary >"$tmp/ts.txt" 2>"$tmp/err" || bad "torchsummary: $(cat "$tmp/err")"
diff -u "$tmp/seed003.txt" "$tmp/ts.txt" >&2 && ok || bad "alexnet-seed torchsummary differs from seed 003's printout"

"$NNB" --model alexnet-seed --summary torchstat >"$tmp/st.txt" 2>"$tmp/err" || bad "torchstat: $(cat "$tmp/err")"
for want in "Total params: 61,264,904" "Total memory: 4.98MB" "Total MAdd: 1.72GMAdd" "Total Flops: 862.36MFlops" \
            "Total MemR+W: 244.14MB" "profile() counts 861,301,280)"; do
  grep -qF -- "$want" "$tmp/st.txt" && ok || bad "torchstat: no '$want'"
done
# per module: the first convolution (MAdd (2*363-1)*96*55*55, Flops 363*96*55*55)
grep -qE '^0 +feature_extraction\.0 +3 224 224 +96  55  55 +34848 +1\.11 +210,540,000 +105,415,200 ' "$tmp/st.txt" \
  && ok || bad "torchstat: feature_extraction.0 row"

"$NNB" --model alexnet-seed --summary torchinfo >"$tmp/ti.txt" 2>"$tmp/err" || bad "torchinfo: $(cat "$tmp/err")"
for want in "AlexNet                                  [1, 1000]                 --" \
            "│    └─Linear: 2-15                      [1, 4096]                 37,752,832" \
            "Total mult-adds (M): 861.31" "Input size (MB): 0.60" "Forward/backward pass size (MB): 4.73" \
            "Params size (MB): 245.06" "Estimated Total Size (MB): 250.39"; do
  grep -qxF -- "$want" "$tmp/ti.txt" && ok || bad "torchinfo: no line '$want'"
done

# ResNet-50: blocks (Bottleneck) are rows, Sequential containers are not
"$NNB" --model resnet50 --summary torchsummary >"$tmp/r50.txt" 2>"$tmp/err" || bad "resnet50: $(cat "$tmp/err")"
for want in "      Bottleneck-172           [-1, 2048, 7, 7]               0" "Total params: 25,557,032" \
            "Forward/backward pass size (MB): 286.56" "Estimated Total Size (MB): 384.62"; do
  grep -qxF -- "$want" "$tmp/r50.txt" && ok || bad "resnet50 torchsummary: no line '$want'"
done

refuse() { # $1: what; the rest: arguments that must be refused with one line
  local what=$1; shift
  "$NNB" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ] && ok || bad "$what: rc $rc, $(cat "$tmp/err")"
}
refuse "no --model" --layer conv1 --summary torchinfo
refuse "unknown tool" --model alexnet --summary ptflops
refuse "json" --model alexnet --summary torchsummary --format json
refuse "--out" --model alexnet --summary torchsummary --out "$tmp/x.jsonl"
refuse "not a torch model" --model mnist_cnn --summary torchsummary
refuse "torchstat batch" --model alexnet --summary torchstat --mb 2
finish
