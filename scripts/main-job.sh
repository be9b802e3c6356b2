#!/bin/sh
# The main job on a fresh machine: dependencies, build, export DenseNet-121
# (opset 13, 224x224, random weights), compile it to C (build/out/densenet121.c)
# with its report, then `onnxcc compare`: build the generated C against the
# runtime, run it and onnxruntime on the same seeded input, print the errors
# and top-1 agreement.  Exit status 1 if they disagree beyond tolerance.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
models=build/models
out=build/out
model=$models/densenet121_op13.onnx

deps() {
  scripts/install-deps.sh
}

build() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build build -j"$jobs"
}

export_model() {
  if [ ! -f "$model" ]; then
    /usr/bin/python3 tools/export_densenet.py --arch densenet121 --opset 13 -o "$model"
  fi
}

compile_model() {
  mkdir -p "$out"
  build/compiler/onnxcc "$model" -o "$out" --name densenet121 --report
  echo "generated: $out/densenet121.c $out/densenet121.h"
}

compare_model() {
  build/compiler/onnxcc compare "$model"
}

deps
build
export_model
compile_model
compare_model
