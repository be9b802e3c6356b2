#!/bin/sh
# usage: sanitized_runtime.sh CC RUNTIME_DIR OUTDIR
# Builds the runtime from source (reference and fast kernels) with ASan and
# UBSan into OUTDIR/libonnxcc_rt_san_CC.a, each ISA file with its own flags
# (as in runtime/CMakeLists.txt); the ISA actually run is the machine's best.
# Built once per test run (a ctest fixture) for the tests that link generated
# code against it (sanitize_generated.sh).  Without CC on the machine it
# builds nothing and says so.
set -eu
cc=$1 rt=$2 out=$3
if ! command -v "$cc" >/dev/null; then
  echo "$cc not found: no sanitized runtime for it"
  exit 0
fi
lib=$out/libonnxcc_rt_san_$cc.a
rm -rf "${out:?}/$cc" "$lib"
mkdir -p "$out/$cc"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
# clang's pointer-overflow check on the unrolled vector kernels (the direct
# depthwise ones above all) takes it minutes per file; ASan still checks
# every access those kernels make.
if [ "$cc" = clang ]; then san="$san -fno-sanitize=pointer-overflow"; fi
san="$san -DONNXCC_RT_STAMP=0x$(sh "$rt/stamp.sh" "$rt")ULL" # fast/stamp.c
for src in "$rt"/ref/*.c "$rt"/fast/*.c; do
  case $src in
    *_avx2.c) isa="-mavx2 -mfma -DONNXCC_RT_X86_64" ;;
    */qconv_avx512.c | */qgemm_avx512.c | */qpool_avx512.c | */qlut_avx512.c)
      isa="-mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512vbmi -mavx2 -mfma -DONNXCC_RT_X86_64" ;;
    *_avx512.c) isa="-mavx512f -mavx2 -mfma -DONNXCC_RT_X86_64" ;;
    *) isa="-DONNXCC_RT_X86_64" ;;
  esac
  # shellcheck disable=SC2086
  "$cc" -std=c99 -Wall -Wextra -Werror $san $isa -I"$rt/include" -c "$src" \
    -o "$out/$cc/$(basename "$src" .c).o"
done
ar rcs "$lib" "$out/$cc"/*.o
echo "built $lib"
