#!/bin/sh
# The main job on a fresh machine: dependencies, build, then compile
# DenseNet-121 (opset 13, 224x224, random weights) to C and print the report.
# Each step is a function so later steps (build the generated C, run it,
# compare with onnxruntime) slot in at the end.
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
  build/compiler/onnxcc "$model" --report
}

deps
build
export_model
compile_model
