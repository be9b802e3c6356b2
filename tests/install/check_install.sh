#!/bin/sh
# usage: check_install.sh BUILD_DIR MODEL WORKDIR
# Installs the build into a fresh prefix, checks the layout of design §1,
# then builds a user program twice from the installed files only: with
# pkg-config and a plain compiler call, and with find_package(onnxcc) +
# onnxcc_add_model in an out-of-tree CMake project.
set -eu
build=$1 model=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
P=$work/prefix
cmake --install "$build" --prefix "$P" >/dev/null
for f in bin/onnxcc lib/libonnxcc_rt.a include/onnxcc/rt.h lib/cmake/onnxcc/onnxccConfig.cmake \
         lib/pkgconfig/onnxcc-rt.pc share/onnxcc/ort_run.js; do
  [ -e "$P/$f" ] || { echo "missing $P/$f"; exit 1; }
done
echo "layout ok"

# pkg-config and a plain compiler call
"$P/bin/onnxcc" "$model" -o "$work/gen" --name bc
PKG_CONFIG_PATH=$P/lib/pkgconfig
export PKG_CONFIG_PATH
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Werror $(pkg-config --cflags onnxcc-rt) -I"$work/gen" \
   "$here/consumer/main.c" "$work/gen/bc.c" $(pkg-config --libs onnxcc-rt) -o "$work/pc_consumer"
"$work/pc_consumer"
echo "pkg-config consumer ok"

# find_package + onnxcc_add_model
cmake -S "$here/consumer" -B "$work/cm" -DCMAKE_PREFIX_PATH="$P" -DMODEL="$model" >/dev/null
cmake --build "$work/cm" >/dev/null
"$work/cm/consumer"
# WEIGHTS file: the weights file is an output of the step, so deleting it
# regenerates it on the next build
[ -s "$work/cm/bc_model_file_gen/bc.c.weights" ] || { echo "no bc.c.weights"; exit 1; }
"$work/cm/consumer_file"
rm "$work/cm/bc_model_file_gen/bc.c.weights"
cmake --build "$work/cm" >/dev/null
[ -s "$work/cm/bc_model_file_gen/bc.c.weights" ] || { echo "bc.c.weights not regenerated"; exit 1; }
"$work/cm/consumer_file"
echo "find_package consumer ok"
