#!/bin/sh
# usage: sanitize_generated.sh ONNXCC MODEL RUNTIME_DIR WORKDIR
# Builds the generated code and the reference runtime with ASan+UBSan (gcc
# and clang), runs it, and runs the plain build under valgrind memcheck; each
# run's output must still match onnxruntime (checked by onnxcc compare,
# which leaves its inputs, onnxruntime's outputs and harness in WORKDIR).
set -eu
onnxcc=$1 model=$2 rt=$3 dir=$4
rm -rf "$dir"
"$onnxcc" compare "$model" --keep "$dir" >/dev/null
cd "$dir"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
for cc in gcc clang; do
  command -v $cc >/dev/null || continue
  # shellcheck disable=SC2086
  $cc -std=c99 -Wall -Wextra -Werror $san -I"$rt/include" -I. harness.c model.c "$rt"/ref/*.c -lm -o run_$cc
  ./run_$cc input_0.bin san_$cc.bin
  cmp -s san_$cc.bin ours_0.bin || {
    # Same code, other compiler/flags: allow rounding differences, not garbage.
    /usr/bin/python3 -c "
import numpy as np, sys
a = np.fromfile('san_$cc.bin', np.float32); b = np.fromfile('ort/output_0.bin', np.float32)
e = np.abs(a - b).max() / np.abs(b).max()
print('$cc sanitizer build rel error vs onnxruntime:', e)
sys.exit(0 if e <= 1e-5 else 1)"
  }
  echo "$cc ASan+UBSan: clean"
done
if command -v valgrind >/dev/null; then
  valgrind -q --error-exitcode=9 --leak-check=full ./run input_0.bin vg.bin
  cmp vg.bin ours_0.bin
  echo "valgrind memcheck: clean"
fi
