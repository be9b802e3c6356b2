#!/usr/bin/python3
"""Writes a QDQ model of one pool between a DequantizeLinear and a
QuantizeLinear, and random byte inputs for it.

  x float32 [N, C, H, W] -> QuantizeLinear(scale 1, zero point 0) ->
  DequantizeLinear(x_scale, x_zp) -> MaxPool | AveragePool | GlobalAveragePool
  -> QuantizeLinear(y_scale, y_zp) -> DequantizeLinear(scale 1, zero point 0)
  -> y float32

x.bin (raw float32) holds seeded random bytes as floats, so y is the pool's
output in whole quantization steps and `onnxcc compare --quant-steps 0` is
an exact comparison of the integer pool with onnxruntime's (MaxPool on the
bytes, QLinearAveragePool, QLinearGlobalAveragePool).

usage: make_qpool.py OUTDIR OP N,C,H,W X_SCALE X_ZP Y_SCALE Y_ZP [SEED]
       [kernel=KH,KW] [strides=SH,SW] [pads=T,L,B,R] [ceil] [include_pad]
OP is max, avg or gap.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def ints(s):
    return [int(v) for v in s.split(',')]


def main(argv):
    if len(argv) < 7 or argv[1] not in ('max', 'avg', 'gap'):
        sys.exit(__doc__.strip().splitlines()[-2])
    out, op, shape = argv[0], argv[1], ints(argv[2])
    xs, xz, ys, yz = float(argv[3]), int(argv[4]), float(argv[5]), int(argv[6])
    seed, attrs = 1, {}
    for a in argv[7:]:
        if a.isdigit():
            seed = int(a)
        elif a == 'ceil':
            attrs['ceil_mode'] = 1
        elif a == 'include_pad':
            attrs['count_include_pad'] = 1
        else:
            k, v = a.split('=')
            attrs[{'kernel': 'kernel_shape'}.get(k, k)] = ints(v)
    if op != 'gap':
        attrs.setdefault('kernel_shape', [2, 2])

    def const(name, v, dt):
        return numpy_helper.from_array(np.array(v, dtype=dt), name)

    inits = [const('one', 1.0, np.float32), const('zero', 0, np.uint8),
             const('xs', xs, np.float32), const('xz', xz, np.uint8),
             const('ys', ys, np.float32), const('yz', yz, np.uint8)]
    kind = {'max': 'MaxPool', 'avg': 'AveragePool', 'gap': 'GlobalAveragePool'}[op]
    node = helper.make_node
    nodes = [node('QuantizeLinear', ['x', 'one', 'zero'], ['qx']),
             node('DequantizeLinear', ['qx', 'xs', 'xz'], ['fx']),
             node(kind, ['fx'], ['fy'], **attrs),
             node('QuantizeLinear', ['fy', 'ys', 'yz'], ['qy']),
             node('DequantizeLinear', ['qy', 'one', 'zero'], ['y'])]
    graph = helper.make_graph(nodes, 'qpool', [helper.make_tensor_value_info('x', TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 8
    model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    onnx.checker.check_model(model)
    os.makedirs(out, exist_ok=True)
    onnx.save(model, os.path.join(out, 'qpool.onnx'))
    rng = np.random.default_rng(seed)
    rng.integers(0, 256, size=shape).astype(np.float32).tofile(os.path.join(out, 'x.bin'))


if __name__ == '__main__':
    main(sys.argv[1:])
