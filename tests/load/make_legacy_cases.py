#!/usr/bin/python3
"""Writes ONNX test cases of the old operator forms (opsets 1 to 6) that
compiler/frontend/legacy.c rewrites, each with the expected output computed here with
numpy from the old operator's own definition, in the layout of the ONNX
backend test data (CASE/model.onnx, CASE/test_data_set_0/{input,output}_N.pb),
so tests/node/run_case.sh runs them through the C backend.

usage: make_legacy_cases.py OUTDIR     writes every case folder
       make_legacy_cases.py --list     prints the names of the cases whose
                                       ops are all in the compiler's op table

Must run under Debian's /usr/bin/python3 (onnx, numpy).
"""
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COMPILER = os.path.join(HERE, "..", "..", "compiler")


def known_ops():
    """The op_type names of the compiler's op table (ops.h and ops/*.h)."""
    ops = set()
    paths = [os.path.join(COMPILER, "ops.h")]
    paths += [os.path.join(COMPILER, "ops", f) for f in os.listdir(os.path.join(COMPILER, "ops"))
              if f.endswith(".h")]
    for p in paths:
        with open(p) as f:
            ops.update(re.findall(r'X\(OP_\w+,\s*"(\w+)"', f.read()))
    return ops


def cases():
    """name -> (opset, nodes, inputs, outputs, initializers); inputs, outputs
    and initializers are (name, numpy array) pairs."""
    import numpy as np
    from onnx import helper as h

    rng = np.random.default_rng(0)

    def f(*s):
        return rng.standard_normal(s).astype(np.float32)

    c = {}
    a4, b2, c1 = f(2, 3, 4, 5), f(3, 4), f(2)
    # broadcast=1 with an axis: B lines up with A from the axis.
    c["add_axis_input"] = (6, [h.make_node("Add", ["a", "b"], ["y"], broadcast=1, axis=1)],
                           [("a", a4), ("b", b2)], [("y", a4 + b2[None, :, :, None])], [])
    c["mul_axis_const"] = (6, [h.make_node("Mul", ["a", "b"], ["y"], broadcast=1, axis=1)],
                           [("a", a4)], [("y", a4 * b2[None, :, :, None])], [("b", b2)])
    c["sub_axis0_opset1"] = (1, [h.make_node("Sub", ["a", "b"], ["y"], broadcast=1, axis=0, consumed_inputs=[0])],
                             [("a", a4)], [("y", a4 - c1[:, None, None, None])], [("b", c1)])
    c["pow_suffix"] = (6, [h.make_node("Pow", ["a", "b"], ["y"], broadcast=1)],
                       [("a", np.abs(a4) + 0.5)], [("y", (np.abs(a4) + 0.5) ** np.float32(2))],
                       [("b", np.array([2], np.float32))])
    # The rank of A followed through Relu and Conv (A is not a graph input).
    w = f(3, 3, 1, 1)
    conv = np.einsum("oi,nihw->nohw", w[:, :, 0, 0], np.maximum(a4, 0)).astype(np.float32)
    c["div_axis_behind_conv"] = (6, [h.make_node("Relu", ["a"], ["r"]),
                                     h.make_node("Conv", ["r", "w"], ["c"], kernel_shape=[1, 1]),
                                     h.make_node("Div", ["c", "b"], ["y"], broadcast=1, axis=1)],
                                 [("a", a4)], [("y", conv / np.float32(2))], [("w", w), ("b", np.full(3, 2, np.float32))])
    m, k = rng.integers(0, 2, (2, 3, 4)).astype(bool), rng.integers(0, 2, (3,)).astype(bool)
    c["and_axis_bool"] = (1, [h.make_node("And", ["a", "b"], ["y"], broadcast=1, axis=1)],
                          [("a", m)], [("y", m & k[None, :, None])], [("b", k)])
    a2, b23, c3 = f(4, 6), f(5, 6), f(5)
    c["gemm_broadcast"] = (1, [h.make_node("Gemm", ["a", "b", "c"], ["y"], broadcast=1, transB=1, alpha=0.5)],
                           [("a", a2)], [("y", 0.5 * a2 @ b23.T + c3)], [("b", b23), ("c", c3)])
    # PRelu's slope [C] is per channel (axis 1).
    x3, x4, s = f(2, 3, 4), f(2, 3, 4, 5), np.abs(f(3)) * 0.5
    c["prelu_channel_3d"] = (6, [h.make_node("PRelu", ["x", "s"], ["y"])], [("x", x3)],
                             [("y", np.where(x3 < 0, x3 * s[None, :, None], x3))], [("s", s)])
    c["prelu_channel_4d_opset1"] = (1, [h.make_node("PRelu", ["x", "s"], ["y"], consumed_inputs=[0])], [("x", x4)],
                                    [("y", np.where(x4 < 0, x4 * s[None, :, None, None], x4))], [("s", s)])
    # Selu of opset 1 has its own defaults.
    c["selu_opset1_defaults"] = (1, [h.make_node("Selu", ["x"], ["y"])], [("x", x3)],
                                 [("y", (np.where(x3 > 0, x3, np.float32(1.6732) * (np.exp(x3) - 1))
                                         * np.float32(1.0507)).astype(np.float32))], [])
    c["reshape_shape_attr"] = (1, [h.make_node("Reshape", ["a"], ["y"], shape=[2, -1, 0], consumed_inputs=[0])],
                               [("a", a4)], [("y", a4.reshape(2, 15, 4))], [])
    c["pad_paddings"] = (1, [h.make_node("Pad", ["a"], ["y"], paddings=[0, 0, 1, 2, 0, 0, 3, 0], value=1.5)],
                         [("a", a4)], [("y", np.pad(a4, [(0, 0), (0, 0), (1, 3), (2, 0)], constant_values=1.5))], [])
    c["concat_default_axis"] = (3, [h.make_node("Concat", ["a", "b"], ["y"])], [("a", a4), ("b", a4 * 2)],
                                [("y", np.concatenate([a4, a4 * 2], 1))], [])
    c["split_input_opset1"] = (1, [h.make_node("Split", ["a", "s"], ["y0", "y1"], axis=1)], [("a", a4)],
                               [("y0", a4[:, :1]), ("y1", a4[:, 1:])], [("s", np.array([1, 2], np.float32))])
    c["tile_axis_opset1"] = (1, [h.make_node("Tile", ["x", "t", "ax"], ["y"])], [("x", x3)],
                             [("y", np.tile(x3, (1, 1, 3)))],
                             [("t", np.array(3, np.float32)), ("ax", np.array(2, np.float32))])
    u = f(1, 2, 3, 4)
    c["upsample_scales_opset1"] = (1, [h.make_node("Upsample", ["x"], ["y"], height_scale=2.0, width_scale=3.0)],
                                   [("x", u)], [("y", u.repeat(2, 2).repeat(3, 3))], [])
    c["cast_to_name_opset1"] = (1, [h.make_node("Cast", ["x"], ["y"], to="INT32")], [("x", x3 * 10)],
                                [("y", (x3 * 10).astype(np.int32))], [])
    c["globallppool_float_p"] = (1, [h.make_node("GlobalLpPool", ["x"], ["y"], p=2.0)], [("x", x4)],
                                 [("y", np.sqrt((x4 ** 2).sum((2, 3), keepdims=True)).astype(np.float32))], [])
    bn = [("s", np.full(2, 3, np.float32)), ("b", np.ones(2, np.float32)), ("m", np.full(2, 0.5, np.float32)),
          ("v", np.full(2, 2, np.float32))]
    c["batchnorm_dropout_is_test"] = (1, [h.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["t"],
                                                      is_test=1, consumed_inputs=[0, 0, 0, 1, 1]),
                                          h.make_node("Dropout", ["t"], ["y"], is_test=1, ratio=0.3)],
                                      [("x", u)], [("y", ((u - 0.5) / np.sqrt(np.float32(2 + 1e-5)) * 3 + 1))], bn)
    return c


def write_case(outdir, name, opset, nodes, inputs, outputs, inits):
    import onnx
    from onnx import helper as h, mapping, numpy_helper as nh

    def info(n, a):
        return h.make_tensor_value_info(n, mapping.NP_TYPE_TO_TENSOR_TYPE[a.dtype], a.shape)

    d = os.path.join(outdir, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    g = h.make_graph(nodes, name, [info(n, a) for n, a in inputs], [info(n, a) for n, a in outputs],
                     initializer=[nh.from_array(a, n) for n, a in inits])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)], producer_name="make_legacy_cases")
    m.ir_version = 3
    onnx.save(m, os.path.join(d, "model.onnx"))
    for kind, tensors in (("input", inputs), ("output", outputs)):
        for i, (n, a) in enumerate(tensors):
            with open(os.path.join(d, "test_data_set_0", f"{kind}_{i}.pb"), "wb") as f:
                f.write(nh.from_array(a, n).SerializeToString())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    all_cases = cases()
    if sys.argv[1] == "--list":
        ops = known_ops()
        for name, (_, nodes, *_rest) in all_cases.items():
            if all(n.op_type in ops for n in nodes):
                print(name)
        return
    for name, case in all_cases.items():
        write_case(sys.argv[1], name, *case)


if __name__ == "__main__":
    main()
