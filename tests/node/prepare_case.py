#!/usr/bin/python3
"""Turns one ONNX backend test case into what the C harness reads.

usage: prepare_case.py [--as-float32] CASE_DIR OUT_DIR

The node tests feed operands that real models store as initializers
(Reshape's shape, Pad's pads, Clip's bounds, Conv's weights) as graph
inputs.  A graph input becomes an initializer holding its
test_data_set_0/input_<k>.pb only where it feeds an operand position listed
in const_operands.py (at any depth: a node of an If/Loop/Scan body that reads
a top-level graph input counts too).  An `*_expanded` case (the op rewritten
into other ops) also freezes what its unexpanded sibling case freezes, so
both forms of a test get the same operands at run time.  Every other input,
int64 and bool ones included, stays a run-time input of the generated code.

Writes into OUT_DIR:
  model.onnx      the model with those inputs frozen
  in_<i>.bin      the remaining (non-initializer) graph inputs in graph order,
                  raw little-endian bytes of their own ONNX type (bool: one
                  byte 0/1; float16 and bfloat16: their 16-bit patterns)
  ref_<j>.bin     the expected outputs output_<j>.pb, the same way
  shapes.txt      one line per tensor: "in|out INDEX DTYPE DIM..." (DTYPE is
                  the TensorProto.DataType number; rank 0: no dims)
  tolerance.txt   "RTOL ATOL WHY": the float tolerance compare.py applies to
                  this case (the ONNX backend runner's rtol 1e-3 / atol 1e-7
                  when the model computes a transcendental function, 1e-5 /
                  1e-5 otherwise) and why

Non-tensor inputs and outputs (sequence, optional, map) and string tensors
get no data file and no shapes line (an input stays a graph input): the
compiler is expected to refuse such models.

--as-float32 retypes int8 / uint8 / int32 graph inputs and outputs as float32
and writes their data converted: for the few integer tests of ops that only
move data (Pad edge and reflect, MaxPool), whose small integer values float32
holds exactly, so that the float kernels get those cases too.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from const_operands import const_positions  # noqa: E402

# Ops computing a transcendental function (exp, log, tanh, erf, trig, pow):
# compared with the ONNX backend runner's rtol 1e-3 / atol 1e-7 (design §5).
# Sigmoid and Softmax use exp too but the runtime meets 1e-5 there; they keep
# the strict tolerance while it does.
TRANSCENDENTAL = {
    "Exp", "Log", "Tanh", "Erf", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan",
    "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Pow", "Softplus", "Elu",
    "Selu", "Celu", "LogSoftmax", "ReduceLogSumExp", "ReduceLogSum", "LRN",
    "Mish", "Gelu", "RNN", "GRU", "LSTM", "SoftmaxCrossEntropyLoss", "DFT",
    "STFT", "HannWindow", "HammingWindow", "BlackmanWindow", "MelWeightMatrix",
}
# Cases whose expected outputs the ONNX test data stores rounded: compared
# within that rounding (the reason is printed with the result).
ROUNDED = {
    "test_roialign_aligned_false": ("1e-4", "1e-4", "expected outputs stored to 4 decimals"),
    "test_roialign_aligned_true": ("1e-4", "1e-4", "expected outputs stored to 4 decimals"),
}
STRICT = ("1e-5", "1e-5")
LOOSE = ("1e-3", "1e-7")

SMALL_INTS = (TensorProto.INT8, TensorProto.UINT8, TensorProto.INT32)


def read_tensor(path):
    t = TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


def tensor_bytes(t):
    """Raw little-endian bytes of a TensorProto's elements, as the harness
    reads them; None for types without a fixed element size (strings)."""
    if t.data_type == TensorProto.STRING:
        return None
    if t.data_type == TensorProto.BFLOAT16:
        # numpy has no bfloat16; the 16-bit patterns as they are stored.
        if t.raw_data:
            return bytes(t.raw_data)
        return np.array(t.int32_data, dtype=np.uint32).astype("<u2").tobytes()
    arr = numpy_helper.to_array(t)
    return np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<"))).tobytes()


def retype(t, declared):
    """Gives t the graph's declared element type: the test data stores
    bfloat16 tensors as uint16 ones (the same 16 bits)."""
    if declared == TensorProto.BFLOAT16 and t.data_type == TensorProto.UINT16:
        t.data_type = declared
    return t


def walk_nodes(graph, visit, shadowed=frozenset()):
    """Calls visit(node, outer) for every node of graph and its subgraphs;
    outer(name) tells whether a name read by that node is a top-level one
    (not defined inside an enclosing subgraph)."""
    def outer(name):
        return name not in shadowed
    for node in graph.node:
        visit(node, outer)
    for node in graph.node:
        for a in node.attribute:
            for sub in ([a.g] if a.type == onnx.AttributeProto.GRAPH else []) + list(a.graphs):
                local = set(shadowed)
                local.update(i.name for i in sub.input)
                local.update(i.name for i in sub.initializer)
                for n in sub.node:
                    local.update(n.output)
                walk_nodes(sub, visit, frozenset(local))


def const_inputs(model):
    """Names read at an initializer-like operand position anywhere."""
    names = set()

    def visit(node, outer):
        for i in const_positions(node.op_type, node.domain):
            if i < len(node.input) and node.input[i] and outer(node.input[i]):
                names.add(node.input[i])
    walk_nodes(model.graph, visit)
    return names


def op_types(model):
    ops = set()
    walk_nodes(model.graph, lambda node, outer: ops.add(node.op_type))
    for fn in model.functions:
        ops.update(n.op_type for n in fn.node)
    return ops


def shape_line(kind, i, dtype, shape):
    return " ".join([kind, str(i), str(dtype)] + [str(d) for d in shape])


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

    freeze = const_inputs(model)
    name = os.path.basename(os.path.normpath(case))
    sibling = os.path.join(os.path.dirname(os.path.normpath(case)), name[:-len("_expanded")])
    if name.endswith("_expanded") and os.path.isfile(os.path.join(sibling, "model.onnx")):
        freeze |= const_inputs(onnx.load(os.path.join(sibling, "model.onnx")))

    # input_<k>.pb are the inputs that are not initializers (IR 3 models list
    # their weights as graph inputs too); those stay as they are.
    init_names = {t.name for t in g.initializer}
    kept, shapes, k = [], [], 0
    for inp in g.input:
        if inp.name in init_names:
            kept.append(inp)
            continue
        path = os.path.join(data, "input_%d.pb" % k)
        k += 1
        tt = inp.type.tensor_type if inp.type.HasField("tensor_type") else None
        if tt is None or not os.path.exists(path):  # sequence / optional / map
            kept.append(inp)
            continue
        t = retype(read_tensor(path), tt.elem_type)
        if inp.name in freeze:
            t.name = inp.name
            g.initializer.append(t)
            continue
        i = len(kept) - sum(1 for v in kept if v.name in init_names)
        # The case runs the model on this data: where the declared shape
        # disagrees (test_castlike_*BFLOAT16* declare [3,4] and feed [1]),
        # the data's shape is the input's.
        declared = [d.dim_value if d.HasField("dim_value") else None for d in tt.shape.dim]
        if tt.HasField("shape") and all(d is not None for d in declared) and declared != list(t.dims):
            del tt.shape.dim[:]
            for d in t.dims:
                tt.shape.dim.add().dim_value = d
        kept.append(inp)
        dtype = t.data_type
        raw = tensor_bytes(t)
        if raw is None:  # strings: no data file, the compiler refuses
            continue
        if as_float32 and dtype in SMALL_INTS:
            raw = numpy_helper.to_array(t).astype("<f4").tobytes()
            dtype = TensorProto.FLOAT
        with open(os.path.join(out, "in_%d.bin" % i), "wb") as f:
            f.write(raw)
        shapes.append(shape_line("in", i, dtype, t.dims))

    del g.input[:]
    g.input.extend(kept)
    if as_float32:
        for v in list(g.input) + list(g.output) + list(g.value_info):
            if v.type.HasField("tensor_type") and v.type.tensor_type.elem_type in SMALL_INTS:
                v.type.tensor_type.elem_type = TensorProto.FLOAT

    for j, outp in enumerate(g.output):
        path = os.path.join(data, "output_%d.pb" % j)
        if not outp.type.HasField("tensor_type") or not os.path.exists(path):
            continue  # sequence / optional: the compiler refuses the model
        t = retype(read_tensor(path), outp.type.tensor_type.elem_type)
        dtype = t.data_type
        raw = tensor_bytes(t)
        if raw is None:
            continue
        if as_float32 and dtype in SMALL_INTS:
            raw = numpy_helper.to_array(t).astype("<f4").tobytes()
            dtype = TensorProto.FLOAT
        with open(os.path.join(out, "ref_%d.bin" % j), "wb") as f:
            f.write(raw)
        shapes.append(shape_line("out", j, dtype, t.dims))

    onnx.save(model, os.path.join(out, "model.onnx"))
    with open(os.path.join(out, "shapes.txt"), "w") as f:
        f.write("".join(s + "\n" for s in shapes))
    why = sorted(op_types(model) & TRANSCENDENTAL)
    rtol, atol = LOOSE if why else STRICT
    why = ",".join(why) if why else "default"
    rounded = ROUNDED.get(os.path.basename(os.path.normpath(case)))
    if rounded:
        rtol, atol, why = rounded
    with open(os.path.join(out, "tolerance.txt"), "w") as f:
        f.write("%s %s %s\n" % (rtol, atol, why))


if __name__ == "__main__":
    main()
