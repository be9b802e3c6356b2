"""Writes a small quantized model whose uint8 Concats slice_concats places
as channel slices, batch 2 (so every slice is strided between images),
with every kind of byte writer and reader it allows:

    x (float) -> QuantizeLinear -> q            (the runtime's quantize loop)
    A = QLinearConv(q), uint8 weights, zero point 7   (the reference loop)
    B = QLinearConv(q), int8 weights, zero point 0    (onnxcc_u8s8_conv2d)
    c1 = Concat(q, A, B)                        (a view of c2's buffer)
    C = QLinearConv(c1), uint8 weights          (reads the view, writes a slice)
    c2 = Concat(q, A, B, C)                     (owns the buffer)
    out1 = DequantizeLinear(c1)                 (reads the strided view)
    out2 = DequantizeLinear(QLinearConv(c2))    (int8 weights, reads the buffer)

usage: make_qslice.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(11)
    N, C0, H, W = 2, 4, 8, 8
    inits, nodes = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(arr, name))
        return name

    def scalar(name, v, dt):
        return const(name, np.array(v, dtype=dt))

    def qconv(name, x, xs, xz, cin, cout, k, signed, ys, yz):
        if signed:
            w = rng.integers(-127, 128, size=(cout, cin, k, k)).astype(np.int8)
            wz = np.zeros(cout, dtype=np.int8)
        else:
            w = rng.integers(0, 256, size=(cout, cin, k, k)).astype(np.uint8)
            wz = np.array(7, dtype=np.uint8)
        ws = (rng.uniform(0.5, 1.5, size=cout) * 0.01).astype(np.float32)
        b = rng.integers(-2000, 2000, size=cout).astype(np.int32)
        ins = [x, xs, xz, const(name + "_w", w), const(name + "_ws", ws), const(name + "_wz", wz), ys, yz,
               const(name + "_b", b)]
        nodes.append(helper.make_node("QLinearConv", ins, [name], name=name, pads=[k // 2] * 4))
        return name

    s_in, z_in = scalar("s_in", 0.02, np.float32), scalar("z_in", 128, np.uint8)
    s_y, z_y = scalar("s_y", 0.05, np.float32), scalar("z_y", 100, np.uint8)
    nodes.append(helper.make_node("QuantizeLinear", ["x", s_in, z_in], ["q"], name="quantize"))
    a = qconv("A", "q", s_in, z_in, C0, 6, 3, False, s_in, z_in)
    b = qconv("B", "q", s_in, z_in, C0, 5, 1, True, s_in, z_in)
    nodes.append(helper.make_node("Concat", ["q", a, b], ["c1"], name="concat1", axis=1))
    c = qconv("C", "c1", s_in, z_in, C0 + 11, 3, 3, False, s_in, z_in)
    nodes.append(helper.make_node("Concat", ["q", a, b, c], ["c2"], name="concat2", axis=1))
    d = qconv("D", "c2", s_in, z_in, C0 + 14, 8, 1, True, s_y, z_y)
    nodes.append(helper.make_node("DequantizeLinear", ["c1", s_in, z_in], ["out1"], name="dq1"))
    nodes.append(helper.make_node("DequantizeLinear", [d, s_y, z_y], ["out2"], name="dq2"))
    graph = helper.make_graph(
        nodes, "qslice", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [N, C0, H, W])],
        [helper.make_tensor_value_info("out1", TensorProto.FLOAT, [N, C0 + 11, H, W]),
         helper.make_tensor_value_info("out2", TensorProto.FLOAT, [N, 8, H, W])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    main()
