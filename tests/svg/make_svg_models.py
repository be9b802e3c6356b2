"""Writes the small models the --report-svg tests draw into OUTDIR.

  hostile.onnx          Conv -> MaxPool -> Conv.  The Conv's output is named
                        HOSTILE_NAME (markup, quotes, an ampersand); the
                        MaxPool's output has control bytes and invalid UTF-8
                        in its name (HOSTILE_BYTES, patched into the
                        serialized file: protobuf strings from Python must be
                        valid UTF-8, an attacker's need not be).
  dense_block_b2.onnx   a three-layer dense block at batch 2: Concats whose
                        inputs become strided channel slices of one buffer.
  no_intermediates.onnx one Relu from input to output: an empty plan.

Opset 13, float32, seeded random weights.  usage: make_svg_models.py OUTDIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HOSTILE_NAME = 'a</svg><script>alert("x&y")</script>\'<!--'
HOSTILE_BYTES = b"ctl\x01\x1b[31m\xff\xfe\xc3(&lt;x>\x7f\\end"
# Same length as the raw name, so the protobuf lengths stay right.
PLACEHOLDER = "RAW_NAME_PLACEHOLDER_".ljust(len(HOSTILE_BYTES), "X")


def printable(raw):
    """What compiler/util.c's printable() makes of a name: printable ASCII
    kept, a backslash doubled, every other byte as \\xNN."""
    out = []
    for c in raw:
        if c == 0x5C:
            out.append("\\\\")
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        else:
            out.append(f"\\x{c:02x}")
    return "".join(out)


def weight(rng, name, *shape):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32) * 0.3, name)


def save(model, path, patch=None):
    onnx.checker.check_model(model, full_check=True)
    data = model.SerializeToString()
    if patch:
        old, new = patch
        assert data.count(old) >= 2, "placeholder not found"
        data = data.replace(old, new)
    with open(path, "wb") as f:
        f.write(data)


def make(graph):
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                             producer_name="tests/svg/make_svg_models.py")


def hostile(rng):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 4, 4])
    nodes = [
        helper.make_node("Conv", ["x", "w1"], [HOSTILE_NAME], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("MaxPool", [HOSTILE_NAME], [PLACEHOLDER], name="pool", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Conv", [PLACEHOLDER, "w2"], ["y"], name="conv2", pads=[1, 1, 1, 1]),
    ]
    inits = [weight(rng, "w1", 4, 3, 3, 3), weight(rng, "w2", 4, 4, 3, 3)]
    return make(helper.make_graph(nodes, "hostile & <graph>", [x], [y], inits))


def dense_block(rng, n):
    k = 2
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [n, 3, 6, 6])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, 4, 6, 6])
    nodes = [helper.make_node("Conv", ["x", "w0"], ["f0"], name="stem")]
    inits = [weight(rng, "w0", 4, 3, 1, 1)]
    feats, chans = ["f0"], 4
    for i in range(1, 4):
        src = feats[0] if len(feats) == 1 else f"cat{i - 1}"
        nodes.append(helper.make_node("Conv", [src, f"w{i}"], [f"f{i}"], name=f"conv{i}", pads=[1, 1, 1, 1]))
        inits.append(weight(rng, f"w{i}", k, chans, 3, 3))
        feats.append(f"f{i}")
        chans += k
        nodes.append(helper.make_node("Concat", list(feats), [f"cat{i}"], name=f"concat{i}", axis=1))
    nodes.append(helper.make_node("Conv", [f"cat{len(feats) - 1}", "wy"], ["y"], name="head"))
    inits.append(weight(rng, "wy", 4, chans, 1, 1))
    return make(helper.make_graph(nodes, "dense_block", [x], [y], inits))


def no_intermediates():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 3, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 3, 3])
    return make(helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu", [x], [y]))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20241128)
    save(hostile(rng), os.path.join(out, "hostile.onnx"), (PLACEHOLDER.encode(), HOSTILE_BYTES))
    save(dense_block(rng, 2), os.path.join(out, "dense_block_b2.onnx"))
    save(no_intermediates(), os.path.join(out, "no_intermediates.onnx"))
    print(f"wrote 3 models to {out}")


if __name__ == "__main__":
    main()
