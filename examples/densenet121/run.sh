#!/bin/sh
# usage: run.sh [--model M.onnx] [--image IMAGE.ppm] [--work DIR]
#
# DenseNet-121 end to end: export it from torchvision (random weights; or
# take --model), compile it to C with onnxcc, build classify.c against the
# runtime, classify an image (default: a synthetic 320x240 gradient written
# here), then run onnxruntime on the same preprocessed tensor and check that
# the top-5 agree and the error is within tolerance.  Exit status 1 if not.
#
# Uses an installed onnxcc: ONNXCC_PREFIX (default: the prefix of `onnxcc`
# on PATH) with bin/onnxcc, lib/pkgconfig/onnxcc-rt.pc, share/onnxcc/ort_run.js.
# onnxruntime-node is taken from ONNXCC_NODE_MODULES (default: the
# node_modules folder of this source tree); node from NODE or PATH.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
model="" image="" work=${TMPDIR:-/tmp}/onnxcc-densenet121
while [ $# -gt 0 ]; do
  case $1 in
    --model) model=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "usage: run.sh [--model M.onnx] [--image IMAGE.ppm] [--work DIR]" >&2; exit 1 ;;
  esac
done

. "$here/../prefix.sh"
ONNXCC_NODE_MODULES=${ONNXCC_NODE_MODULES:-$repo/node_modules}
export ONNXCC_NODE_MODULES
mkdir -p "$work"

if [ -z "$model" ]; then
  model=$work/densenet121.onnx
  echo "== export DenseNet-121 (random weights) -> $model"
  /usr/bin/python3 "$repo/tools/export_densenet.py" --arch densenet121 --opset 13 --reuse -o "$model" >/dev/null
fi

echo "== onnxcc $model"
"$P/bin/onnxcc" "$model" -o "$work/gen" --name densenet121
# shellcheck disable=SC2046
${CC:-cc} -O2 -std=c99 -Wall -Wextra $(pkg-config --cflags onnxcc-rt) -I"$work/gen" \
  "$here/classify.c" "$work/gen/densenet121.c" $(pkg-config --libs onnxcc-rt) -o "$work/classify"

if [ -z "$image" ]; then
  image=$work/sample.ppm
  # A 320x240 colour gradient with a bright disc: not square, so the resize
  # and the center crop both do something.
  /usr/bin/python3 - "$image" <<'PY'
import sys
w, h = 320, 240
px = bytearray()
for y in range(h):
    for x in range(w):
        disc = (x - 200) ** 2 + (y - 100) ** 2 < 50 ** 2
        px += bytes((255 if disc else x * 255 // (w - 1), y * 255 // (h - 1),
                     (x + y) * 255 // (w + h - 2)))
with open(sys.argv[1], "wb") as f:
    f.write(b"P6\n%d %d\n255\n" % (w, h) + bytes(px))
PY
fi

echo "== classify $image"
"$work/classify" "$image" --save-input "$work/input.bin"
${NODE:-node} "$P/share/onnxcc/ort_run.js" "$model" --out "$work/ort" "$work/input.bin" >/dev/null
"$work/classify" "$image" --reference "$work/ort/output_0.bin"
