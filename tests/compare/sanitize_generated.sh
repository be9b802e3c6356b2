#!/bin/sh
# usage: sanitize_generated.sh ONNXCC MODEL RUNTIME_DIR WORKDIR [ONNXCC OPTION...]
# Builds the generated code and the runtime (reference and fast kernels) with ASan+UBSan (gcc
# and clang), runs it, and runs the plain build under valgrind memcheck; each
# run's output must still match onnxruntime (checked by onnxcc compare,
# which leaves its inputs, onnxruntime's outputs and harness in WORKDIR).
set -eu
onnxcc=$1 model=$2 rt=$3 dir=$4
shift 4
rm -rf "$dir"
"$onnxcc" compare "$model" --keep "$dir" "$@" >/dev/null
cd "$dir"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
for cc in gcc clang; do
  command -v $cc >/dev/null || continue
  # clang's pointer-overflow check on the unrolled vector kernels (the
  # direct depthwise ones above all) takes it minutes per file; ASan still
  # checks every access those kernels make.
  if [ $cc = clang ]; then san="$san -fno-sanitize=pointer-overflow"; fi
  # The runtime from source, each ISA file with its own flags (as in
  # runtime/CMakeLists.txt); the ISA actually run is the machine's best.
  objs=""
  for src in "$rt"/ref/*.c "$rt"/fast/*.c; do
    case $src in
      *_avx2.c) isa="-mavx2 -mfma -DONNXCC_RT_X86_64" ;;
      */qconv_avx512.c | */qgemm_avx512.c | */qpool_avx512.c | */qlut_avx512.c) isa="-mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512vbmi -mavx2 -mfma -DONNXCC_RT_X86_64" ;;
      *_avx512.c) isa="-mavx512f -mavx2 -mfma -DONNXCC_RT_X86_64" ;;
      *) isa="-DONNXCC_RT_X86_64" ;;
    esac
    obj=rt_${cc}_$(basename "$src" .c).o
    # shellcheck disable=SC2086
    $cc -std=c99 -Wall -Wextra -Werror $san $isa -I"$rt/include" -c "$src" -o "$obj"
    objs="$objs $obj"
  done
  # shellcheck disable=SC2086
  $cc -std=c99 -Wall -Wextra -Werror $san -I"$rt/include" -I. harness.c model.c $objs -lm -pthread -o run_$cc
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
  # their stacks count as "possibly lost": only definite leaks fail.  With
  # the Intel tuning the scratch claims (onnxcc_rt_claim) write nothing on
  # any CPU, so memcheck sees a read of scratch that no layer has written.
  ONNXCC_CPU_VENDOR=intel valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
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
