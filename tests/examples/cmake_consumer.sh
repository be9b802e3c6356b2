#!/bin/sh
# usage: cmake_consumer.sh SOURCE_DIR WORKDIR   (env: ONNXCC_PREFIX)
# Configures the out-of-tree example against the installed onnxcc, builds
# it and runs its two tests: the program itself and onnxcc_compare_bc_model
# (the generated C against onnxruntime).
set -eu
src=$1 work=$2
rm -rf "$work"
cmake -S "$src" -B "$work" -DCMAKE_PREFIX_PATH="$ONNXCC_PREFIX" >/dev/null
cmake --build "$work"
st=0
ctest --test-dir "$work" --output-on-failure -V >"$work/ctest.log" 2>&1 || st=$?
cat "$work/ctest.log"
[ "$st" -eq 0 ] || exit 1
grep -q "tests passed, 0 tests failed out of 2" "$work/ctest.log" || { echo "expected 2 tests"; exit 1; }
