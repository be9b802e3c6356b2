#!/bin/sh
# usage: bitwise.sh ONNXCC MODEL WORKDIR [ONNXCC OPTION...]
# The generated code run with ONNXCC_NUM_THREADS=1, 2 and 3 gives the same
# output bytes (onnxcc compare checks the default run against onnxruntime).
set -eu
onnxcc=$1 model=$2 dir=$3
shift 3
rm -rf "$dir"
"$onnxcc" compare "$model" --keep "$dir" "$@"
cd "$dir"
for t in 1 2 3; do
  ONNXCC_NUM_THREADS=$t ./run input_0.bin out_$t.bin
done
cmp out_1.bin out_2.bin
cmp out_1.bin out_3.bin
cmp out_1.bin ours_0.bin
echo "1, 2 and 3 threads: bitwise identical ($(wc -c < out_1.bin) bytes)"
