#!/usr/bin/python3
"""Turns one ONNX backend node test into what the C harness reads.

usage: prepare_case.py [--as-float32] CASE_DIR OUT_DIR

The node tests feed operands that real models store as initializers
(Reshape's shape, Pad's pads, Clip's bounds, Dropout's ratio, Conv weights)
as graph inputs; the C backend needs those to be constants.  Every graph
input that is int64, rank 0, or an operand at a position the backend needs
constant becomes an initializer holding test_data_set_0/input_<k>.pb.

Writes into OUT_DIR:
  model.onnx        the model with those inputs frozen
  in_<i>.bin        the remaining graph inputs, in graph order, raw float32 LE
  ref_<j>.bin       the expected outputs output_<j>.pb, raw float32 LE
  shapes.txt        one line per tensor: "in|out INDEX DIM..." (rank 0: no dims)

Inputs or outputs that are not float32 (uint8, int64 indices, a bool mask)
are written converted to float32: the compiler is expected to refuse those
models, and the data only has to exist.  Non-tensor inputs and outputs
(sequence, optional) get no data file (an input stays a graph input); the
compiler refuses such models.

--as-float32 retypes int8 / uint8 / int32 graph inputs and outputs as
float32: for the few integer tests of ops that only move data (Pad edge and
reflect, MaxPool), whose small integer values float32 holds exactly, so that
the float kernels get those cases too.
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

# Operand positions (op_type -> input indices) the C backend needs constant.
CONST_OPERANDS = {
    "Conv": (1, 2),                   # W, B
    "BatchNormalization": (1, 2, 3, 4),  # scale, B, mean, var
    "Clip": (1, 2),                   # min, max
    "Pad": (1, 2, 3),                 # pads, constant_value, axes
    "Reshape": (1,),                  # shape
    "Dropout": (1, 2),                # ratio, training_mode
    "Split": (1,),                    # split
    "ReduceMean": (1,),               # axes (opset 18)
}


def read_tensor(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


def write_f32(path, array):
    np.ascontiguousarray(array, dtype="<f4").tofile(path)


def main():
    args = sys.argv[1:]
    as_float32 = args[:1] == ["--as-float32"]
    if as_float32:
        args = args[1:]
    if len(args) != 2:
        sys.exit("usage: prepare_case.py [--as-float32] CASE_DIR OUT_DIR")
    case, out = args
    data = os.path.join(case, "test_data_set_0")
    model = onnx.load(os.path.join(case, "model.onnx"))
    g = model.graph
    os.makedirs(out, exist_ok=True)

    must_be_const = set()
    for node in g.node:
        for i in CONST_OPERANDS.get(node.op_type, ()):
            if i < len(node.input) and node.input[i]:
                must_be_const.add(node.input[i])

    kept, shapes = [], []
    for k, inp in enumerate(g.input):
        tt = inp.type.tensor_type if inp.type.HasField("tensor_type") else None
        if tt is None:  # sequence / optional: left for the compiler to refuse
            kept.append(inp)
            continue
        t = read_tensor(os.path.join(data, "input_%d.pb" % k))
        rank = len(t.dims)
        if tt.elem_type == onnx.TensorProto.INT64 or rank == 0 or inp.name in must_be_const:
            t.name = inp.name
            g.initializer.append(t)
            continue
        i = len(kept)
        kept.append(inp)
        arr = numpy_helper.to_array(t)
        write_f32(os.path.join(out, "in_%d.bin" % i), arr.astype(np.float32))
        shapes.append("in %d %s" % (i, " ".join(str(d) for d in arr.shape)))

    del g.input[:]
    g.input.extend(kept)
    if as_float32:
        small_ints = (onnx.TensorProto.INT8, onnx.TensorProto.UINT8, onnx.TensorProto.INT32)
        for v in list(g.input) + list(g.output) + list(g.value_info):
            if v.type.HasField("tensor_type") and v.type.tensor_type.elem_type in small_ints:
                v.type.tensor_type.elem_type = onnx.TensorProto.FLOAT

    for j, outp in enumerate(g.output):
        if not outp.type.HasField("tensor_type"):
            continue  # sequence / optional: the compiler refuses the model
        arr = numpy_helper.to_array(read_tensor(os.path.join(data, "output_%d.pb" % j)))
        write_f32(os.path.join(out, "ref_%d.bin" % j), arr.astype(np.float32))
        shapes.append("out %d %s" % (j, " ".join(str(d) for d in arr.shape)))

    onnx.save(model, os.path.join(out, "model.onnx"))
    with open(os.path.join(out, "shapes.txt"), "w") as f:
        f.write("\n".join(s.rstrip() for s in shapes) + "\n")


if __name__ == "__main__":
    main()
