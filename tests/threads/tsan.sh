#!/bin/sh
# usage: tsan.sh ONNXCC MODEL RUNTIME_DIR WORKDIR
# Compiles MODEL, builds the generated code, the runtime (from source, each
# ISA file with its own flags) and concurrent.c with ThreadSanitizer, and runs
# it: application threads sharing the runtime's pool must all get the
# single-threaded answer bit for bit, with no data race reported.
set -eu
onnxcc=$1 model=$2 rt=$3 dir=$4
here=$(cd "$(dirname "$0")" && pwd)
command -v clang >/dev/null || { echo "clang not installed: skipped"; exit 77; }
rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
"$onnxcc" "$model" -o . --name m
flags="-std=c99 -Wall -Wextra -Werror -fsanitize=thread -g -O1 -I$rt/include -I."
flags="$flags -DONNXCC_RT_STAMP=0x$(sh "$rt/stamp.sh" "$rt")ULL" # fast/stamp.c
objs=""
for src in "$rt"/ref/*.c "$rt"/fast/*.c; do
  case $src in
    *_avx2.c) isa="-mavx2 -mfma -DONNXCC_RT_X86_64" ;;
    */qconv_avx512.c | */qgemm_avx512.c | */qpool_avx512.c | */qlut_avx512.c) isa="-mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512vbmi -mavx2 -mfma -DONNXCC_RT_X86_64" ;;
    *_avx512.c) isa="-mavx512f -mavx2 -mfma -DONNXCC_RT_X86_64" ;;
    *) isa="-DONNXCC_RT_X86_64" ;;
  esac
  obj=$(basename "$src" .c).o
  # shellcheck disable=SC2086
  clang $flags $isa -c "$src" -o "$obj"
  objs="$objs $obj"
done
# shellcheck disable=SC2086
clang $flags "$here/concurrent.c" m.c $objs -lm -pthread -o concurrent
TSAN_OPTIONS="halt_on_error=1 exitcode=66" ./concurrent 2
