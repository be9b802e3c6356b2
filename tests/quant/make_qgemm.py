#!/usr/bin/python3
"""Writes small QDQ models of a quantized Gemm or MatMul (the forms
fuse_qgemm takes), seeded, to OUTDIR/qgemm_<case>.onnx:

  matmul      x [2, 3, 200] -> Q/DQ -> MatMul(DQ(w int8 [200, 37], per
              column)) -> Q -> DQ -> y            (uint8 output, rank 3)
  gemm_relu   x [1, 300] -> Q/DQ -> Gemm(transB, DQ(w int8 [70, 300] per
              row), DQ(b int32)) -> Relu -> Q(zero point 0) -> DQ -> y
  gemm_float  x [3, 100] -> Q/DQ -> Gemm(DQ(w int8 [100, 19], one
              scale), DQ(b int32)) -> y          (float output, no Q)

usage: make_qgemm.py OUTDIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def model(name, xshape, k, n, op, trans_b, per_channel, bias, relu, quant_out, rng):
    inits = []

    def const(nm, arr):
        inits.append(numpy_helper.from_array(arr, nm))
        return nm

    xs = np.float32(0.02 + 0.01 * rng.random())
    xz = np.uint8(rng.integers(90, 160))
    wshape = (n, k) if trans_b else (k, n)
    w = rng.integers(-127, 128, size=wshape).astype(np.int8)
    ws = (rng.random(n) * 0.01 + 0.002).astype(np.float32) if per_channel else np.float32(0.005)
    nodes = [
        helper.make_node("QuantizeLinear", ["x", const("xs", xs), const("xz", xz)], ["xq"]),
        helper.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"]),
        helper.make_node("DequantizeLinear", [const("w", w), const("ws", ws), const("wz", np.zeros(
            n if per_channel else (), np.int8))], ["wd"], axis=(0 if trans_b else 1)),
    ]
    ins = ["xd", "wd"]
    if bias:
        bs = (xs * ws).astype(np.float32)
        b = rng.integers(-3000, 3000, size=n).astype(np.int32)
        nodes.append(helper.make_node("DequantizeLinear", [const("b", b), const("bs", bs)], ["bd"], axis=0))
        ins.append("bd")
    attrs = {"transB": 1} if op == "Gemm" and trans_b else {}
    out = "y" if not (relu or quant_out) else "mm"
    nodes.append(helper.make_node(op, ins, [out], **attrs))
    if relu:
        nodes.append(helper.make_node("Relu", [out], ["r"]))
        out = "r"
    if quant_out:
        ys = np.float32(0.012 * np.sqrt(k) * (0.8 + 0.4 * rng.random()))  # +-3 sigma of the sums
        yz = np.uint8(0 if relu else rng.integers(100, 150))
        nodes.append(helper.make_node("QuantizeLinear", [out, const("ys", ys), const("yz", yz)], ["yq"]))
        nodes.append(helper.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"]))
    yshape = list(xshape[:-1]) + [n]
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(xshape))],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, yshape)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def main(argv):
    if len(argv) != 1:
        sys.exit("usage: make_qgemm.py OUTDIR")
    os.makedirs(argv[0], exist_ok=True)
    rng = np.random.default_rng(11)
    cases = {
        "matmul": ((2, 3, 200), 200, 37, "MatMul", False, True, False, False, True),
        "gemm_relu": ((1, 300), 300, 70, "Gemm", True, True, True, True, True),
        "gemm_float": ((3, 100), 100, 19, "Gemm", False, False, True, False, False),
    }
    for name, c in cases.items():
        onnx.save(model(name, *c, rng), os.path.join(argv[0], f"qgemm_{name}.onnx"))


if __name__ == "__main__":
    main(sys.argv[1:])
