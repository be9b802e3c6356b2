#!/usr/bin/python3
"""Writes a QDQ model of one quantized Add over every pair of uint8 values.

  a, b float32 [1, 65536] -> QuantizeLinear(scale 1, zero point 0) ->
  DequantizeLinear(a_scale, a_zp) / DequantizeLinear(b_scale, b_zp) ->
  Add -> [Relu] -> QuantizeLinear(c_scale, c_zp) ->
  DequantizeLinear(scale 1, zero point 0) -> y float32

The inputs a.bin and b.bin (raw float32) hold the byte values so that
element i adds a = i % 256 and b = i // 256: y is the quantized sum of all
65536 pairs, in whole steps, so `onnxcc compare --quant-steps 0` is an
exact comparison of the fused Add with onnxruntime's QLinearAdd.

usage: make_qadd.py OUTDIR A_SCALE A_ZP B_SCALE B_ZP C_SCALE C_ZP [--relu]
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(argv):
    if len(argv) not in (7, 8) or (len(argv) == 8 and argv[7] != '--relu'):
        sys.exit('usage: make_qadd.py OUTDIR A_SCALE A_ZP B_SCALE B_ZP C_SCALE C_ZP [--relu]')
    out = argv[0]
    sa, sb, sc = float(argv[1]), float(argv[3]), float(argv[5])
    za, zb, zc = int(argv[2]), int(argv[4]), int(argv[6])
    relu = len(argv) == 8

    def const(name, v, dt):
        return numpy_helper.from_array(np.array(v, dtype=dt), name)

    inits = [const('one', 1.0, np.float32), const('zero', 0, np.uint8),
             const('sa', sa, np.float32), const('za', za, np.uint8),
             const('sb', sb, np.float32), const('zb', zb, np.uint8),
             const('sc', sc, np.float32), const('zc', zc, np.uint8)]
    node = helper.make_node
    nodes = [node('QuantizeLinear', ['a', 'one', 'zero'], ['qa']),
             node('QuantizeLinear', ['b', 'one', 'zero'], ['qb']),
             node('DequantizeLinear', ['qa', 'sa', 'za'], ['fa']),
             node('DequantizeLinear', ['qb', 'sb', 'zb'], ['fb']),
             node('Add', ['fa', 'fb'], ['sum'])]
    if relu:
        nodes.append(node('Relu', ['sum'], ['act']))
    nodes += [node('QuantizeLinear', ['act' if relu else 'sum', 'sc', 'zc'], ['qc']),
              node('DequantizeLinear', ['qc', 'one', 'zero'], ['y'])]
    n = 65536
    io = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, n])
    graph = helper.make_graph(nodes, 'qadd', [io('a'), io('b')], [io('y')], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(out, exist_ok=True)
    onnx.save(model, os.path.join(out, 'qadd.onnx'))
    i = np.arange(n)
    (i % 256).astype(np.float32).tofile(os.path.join(out, 'a.bin'))
    (i // 256).astype(np.float32).tofile(os.path.join(out, 'b.bin'))


if __name__ == '__main__':
    main(sys.argv[1:])
