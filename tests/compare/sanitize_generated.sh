#!/bin/sh
# usage: sanitize_generated.sh ONNXCC MODEL RUNTIME_DIR SANLIB_DIR WORKDIR [ONNXCC OPTION...]
# Builds the generated code with ASan+UBSan (gcc and clang) against the
# runtime built the same way (SANLIB_DIR/libonnxcc_rt_san_CC.a, made by
# sanitized_runtime.sh), runs it, and runs the plain build under valgrind
# memcheck; each run's output must still match onnxruntime (checked by
# onnxcc compare, which leaves its inputs, onnxruntime's outputs and harness
# in WORKDIR).
set -eu
onnxcc=$1 model=$2 rt=$3 sanlib=$4 dir=$5
shift 5
rm -rf "$dir"
"$onnxcc" compare "$model" --keep "$dir" "$@" >/dev/null
cd "$dir"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
for cc in gcc clang; do
  command -v $cc >/dev/null || continue
  # As in sanitized_runtime.sh.
  if [ $cc = clang ]; then san="$san -fno-sanitize=pointer-overflow"; fi
  lib=$sanlib/libonnxcc_rt_san_$cc.a
  [ -f "$lib" ] || { echo "no $lib: the sanitized_runtime_$cc fixture did not build it" >&2; exit 1; }
  # shellcheck disable=SC2086
  $cc -std=c99 -Wall -Wextra -Werror $san -I"$rt/include" -I. harness.c model.c "$lib" -lm -pthread -o run_$cc
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
  # The runtime's pool threads are detached and still alive at exit, so
  # their stacks count as "possibly lost": only definite leaks fail.
  # Nothing zeroes the scratch first, so memcheck sees a read of scratch
  # that no layer has written.
  valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
    ./run input_0.bin vg.bin
  # valgrind hides AVX-512 from the program, so this run takes the AVX2
  # kernels, whose sums (the batch-1 Gemm's, for one) need not have the
  # AVX-512 ones' bits: within the fp32 tolerance of the run above.
  /usr/bin/python3 -c "
import numpy as np, sys
a = np.fromfile('vg.bin', np.float32); b = np.fromfile('ours_0.bin', np.float32)
e = np.abs(a - b).max() / np.abs(b).max() if a.shape == b.shape else float('inf')
print('valgrind run rel error vs the best ISA:', e)
sys.exit(0 if e <= 1e-5 else 1)"
  echo "valgrind memcheck: clean"
fi
