#!/bin/sh
# usage: deterministic.sh ONNXCC MODEL WORKDIR — two compilations, same bytes.
set -eu
onnxcc=$1 model=$2 dir=$3
rm -rf "$dir"; mkdir -p "$dir"
"$onnxcc" "$model" -o "$dir/a" --name m
"$onnxcc" "$model" -o "$dir/b" --name m
cmp "$dir/a/m.c" "$dir/b/m.c"
cmp "$dir/a/m.h" "$dir/b/m.h"
echo "byte-identical"
