#!/bin/sh
# usage: run.sh [--epochs N] [--work DIR]
#
# Handwritten digits end to end: train a small DenseNet-BC with PyTorch on
# scikit-learn's digits (train.py; fixed seed and split), export it to ONNX,
# compile it to C with onnxcc, run the C over the held-out images (digits.c)
# and print both accuracies side by side.  Exit status 1 if they differ by
# more than one image or the C accuracy is below 85%.
#
# Uses an installed onnxcc: ONNXCC_PREFIX (default: the prefix of `onnxcc`
# on PATH) with bin/onnxcc and lib/pkgconfig/onnxcc-rt.pc.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
epochs=30 work=${TMPDIR:-/tmp}/onnxcc-digits
while [ $# -gt 0 ]; do
  case $1 in
    --epochs) epochs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "usage: run.sh [--epochs N] [--work DIR]" >&2; exit 1 ;;
  esac
done
. "$here/../prefix.sh"
mkdir -p "$work"

echo "== train ($epochs epochs)"
/usr/bin/python3 "$here/train.py" --epochs "$epochs" -o "$work" >"$work/train.log" ||
  { cat "$work/train.log"; exit 1; }
cat "$work/train.log"
echo "== onnxcc $work/digits.onnx"
"$P/bin/onnxcc" "$work/digits.onnx" -o "$work/gen" --name digits
# shellcheck disable=SC2046
${CC:-cc} -O2 -std=c99 -Wall -Wextra $(pkg-config --cflags onnxcc-rt) -I"$work/gen" \
  "$here/digits.c" "$work/gen/digits.c" $(pkg-config --libs onnxcc-rt) -o "$work/digits"
"$work/digits" "$work/test.bin" "$work/labels.bin" >"$work/c.log"
cat "$work/c.log"

py=$(sed -n 's/^pytorch_correct: //p' "$work/train.log")
c=$(sed -n 's/^c_correct: //p' "$work/c.log")
awk -v py="$py" -v c="$c" 'BEGIN {
  split(py, p, "/"); split(c, q, "/")
  if (p[2] == "" || p[2] != q[2]) { print "run.sh: missing or mismatched counts"; exit 1 }
  printf "test accuracy: pytorch %.2f%% (%s), generated C %.2f%% (%s)\n",
         100 * p[1] / p[2], py, 100 * q[1] / q[2], c
  d = p[1] - q[1]; if (d < 0) d = -d
  if (d > 1) { print "FAIL: the accuracies differ by more than one image"; exit 1 }
  if (q[1] < 0.85 * q[2]) { print "FAIL: accuracy below 85%"; exit 1 }
  print "ok"
}'
