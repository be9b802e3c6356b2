#!/usr/bin/python3
"""Writes small malformed models for the operator families (compiler/ops/*.c,
compiler/fold.c, compiler/frontend/legacy.c): bad attributes, types, shapes, operands
that must be constant but are not, values that overflow when folded.

usage: family_bad_models.py OUTDIR     writes OUTDIR/<name>.onnx and OUTDIR/cases.txt
       family_bad_models.py --list     prints the case table (no files written)

Each case is one small model with one thing wrong, named <family>_<what>.
onnxcc must refuse it with exit status 1 and one line on stderr that names the
file (and the node, where there is one) and contains the case's substring.
--list prints `<name>\\t<substring>\\t<node>` lines for tests/bad/CMakeLists.txt,
which runs each as test bad_family_<name> through tests/bad/run_case.sh;
OUTDIR/cases.txt has `<name>.onnx\\t<substring>\\t<node>` lines.  <node> is
`node 'NAME'` for the node at fault, left off where the model is refused
before any node (GRAPH_LEVEL).

The substrings are the stable part of the compiler's wording (no tensor names);
adjust them here when a message changes.  Must run under Debian's
/usr/bin/python3 (numpy, onnx).
"""
import os
import sys

import numpy as np
from onnx import TensorProto as TP, helper, numpy_helper

N = helper.make_node
i64 = lambda *v: np.array(v, np.int64)
f32 = np.float32
T = lambda name, dt, dims, vals: helper.make_tensor(name, dt, dims, vals)


def model(opset, nodes, ins=(), outs=(("y", TP.FLOAT),), inits=(), ir=8):
    """A graph of `nodes`: ins are (name, dtype, shape) graph inputs, outs
    (name, dtype) graph outputs of unknown shape, inits (name, numpy array)
    pairs or TensorProtos."""
    if not isinstance(nodes, list):
        nodes = [nodes]
    for i, n in enumerate(nodes):
        n.name = n.name or "%s_%d" % (n.op_type, i)
    tensors = [t if not isinstance(t, tuple) else numpy_helper.from_array(np.asarray(t[1]), t[0])
               for t in inits]
    g = helper.make_graph(nodes, "g",
                          [helper.make_tensor_value_info(n, t, s) for n, t, s in ins],
                          [helper.make_tensor_value_info(n, t, None) for n, t in outs],
                          initializer=tensors)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = ir
    return m


def movement():
    X = [("x", TP.INT32, [2, 3, 4])]
    F = [("x", TP.FLOAT, [2, 3, 4])]
    Y = [("y", TP.INT32)]
    x4 = [("x", TP.INT32, [1, 4, 2, 2])]
    rng = lambda a, b, c: [("a", a), ("b", b), ("c", c)]
    R = N("Range", ["a", "b", "c"], ["y"])
    return [
        ("tile_len", "repeats has 2 values", model(13, N("Tile", ["x", "r"], ["y"]), X, Y, [("r", i64(1, 2))])),
        ("tile_neg", "has a negative value", model(13, N("Tile", ["x", "r"], ["y"]), X, Y, [("r", i64(1, -2, 1))])),
        ("tile_huge", "would have more than", model(13, N("Tile", ["x", "r"], ["y"]), X, Y, [("r", i64(1 << 40, 1 << 40, 1))])),
        ("tile_rt", "must be a constant", model(13, N("Tile", ["x", "r"], ["y"]), X + [("r", TP.INT64, [3])], Y)),
        ("expand_bad", "cannot be expanded to shape", model(13, N("Expand", ["x", "s"], ["y"]), X, Y, [("s", i64(2, 5, 4))])),
        ("expand_neg", "cannot be expanded to shape [-1,3,4]", model(13, N("Expand", ["x", "s"], ["y"]), X, Y, [("s", i64(-1, 3, 4))])),
        ("expand_huge", "would have more than", model(13, N("Expand", ["x", "s"], ["y"]), X, Y, [("s", i64(1 << 62, 2, 3, 4))])),
        ("d2s_div", "squared does not divide", model(13, N("DepthToSpace", ["x"], ["y"], blocksize=2), [("x", TP.INT32, [1, 3, 2, 2])], Y)),
        ("d2s_rank", "needs N x C x H x W", model(13, N("DepthToSpace", ["x"], ["y"], blocksize=2), X, Y)),
        ("d2s_mode", "is not DCR or CRD", model(13, N("DepthToSpace", ["x"], ["y"], blocksize=1, mode="XYZ"), x4, Y)),
        ("d2s_nobs", "attribute 'blocksize' is required", model(13, N("DepthToSpace", ["x"], ["y"]), x4, Y)),
        ("s2d_big", "is not 1 to 2147483647", model(13, N("SpaceToDepth", ["x"], ["y"], blocksize=1 << 40), x4, Y)),
        ("range_zero", "delta is 0", model(11, R, [], Y, rng(np.int32(1), np.int32(5), np.int32(0)))),
        ("range_ovf", "the range would have more than", model(11, R, [], [("y", TP.INT64)],
                                        rng(np.int64(-(1 << 63)), np.int64((1 << 63) - 1), np.int64(1)))),
        ("range_nan", "make no finite range", model(11, R, [], [("y", TP.FLOAT)], rng(f32(0), f32(np.nan), f32(1)))),
        ("range_inf", "the range would have more than", model(11, R, [], [("y", TP.FLOAT)], rng(f32(0), f32(1e30), f32(1e-30)))),
        ("range_mixed", "is int64 but start", model(11, R, [], Y, rng(np.int32(1), np.int64(5), np.int32(1)))),
        ("range_rt", "is not a constant: the output shape depends", model(11, R, [("a", TP.INT32, [])], Y, [("b", np.int32(5)), ("c", np.int32(1))])),
        ("range_empty", "empty tensors are not supported", model(11, R, [], Y, rng(np.int32(5), np.int32(1), np.int32(1)))),
        ("trilu_rank", "needs rank 2 or more", model(14, N("Trilu", ["x"], ["y"]), [("x", TP.INT32, [4])], Y)),
        ("trilu_k", "must be an int64 scalar", model(14, N("Trilu", ["x", "k"], ["y"]), X, Y, [("k", np.int32(1))])),
        ("revseq_lens", "expected [3] (the batch axis", model(10, N("ReverseSequence", ["x", "l"], ["y"]), X, Y, [("l", i64(1, 2))])),
        ("revseq_axes", "must be 0 and 1 in some order", model(10, N("ReverseSequence", ["x", "l"], ["y"], time_axis=2), X, Y, [("l", i64(1, 2, 3))])),
        ("compress_long", "more than the 2 slices", model(11, N("Compress", ["x", "c"], ["y"], axis=0), X, Y, [("c", np.array([1, 0, 1], bool))])),
        ("compress_none", "empty tensors are not supported", model(11, N("Compress", ["x", "c"], ["y"], axis=0), X, Y, [("c", np.array([0, 0], bool))])),
        ("compress_rt", "the output shape depends on the input's values", model(11, N("Compress", ["x", "c"], ["y"], axis=0), X + [("c", TP.BOOL, [2])], Y)),
        ("nonzero_rt", "the output shape depends on the input's values", model(13, N("NonZero", ["x"], ["y"]), X, [("y", TP.INT64)])),
        ("unique", "the output shape depends on the input's values", model(11, N("Unique", ["x"], ["y"]), X, Y)),
        ("unsq_rank", "rank 9, more than 8", model(13, N("Unsqueeze", ["x", "a"], ["y"]), X, Y, [("a", i64(0, 1, 2, 3, 4, 5))])),
        ("unsq_none", "axes are required", model(13, N("Unsqueeze", ["x"], ["y"]), X, Y)),
        ("unsq_attr13", "became an input in opset 13", model(13, N("Unsqueeze", ["x"], ["y"], axes=[0]), X, Y)),
        ("sq_not1", "has size 3, not 1", model(13, N("Squeeze", ["x", "a"], ["y"]), X, Y, [("a", i64(1))])),
        ("sq_range", "is out of range for rank 3", model(11, N("Squeeze", ["x"], ["y"], axes=[5]), X, Y)),
        ("cos_value2", "must have one element", model(9, N("ConstantOfShape", ["s"], ["y"], value=numpy_helper.from_array(np.array([1, 2], np.int32))),
                                      [], Y, [("s", i64(2, 3))])),
        ("cos_neg", "has a negative dim", model(9, N("ConstantOfShape", ["s"], ["y"]), [], [("y", TP.FLOAT)], [("s", i64(2, -3))])),
        ("cos_rt", "must be a constant", model(9, N("ConstantOfShape", ["s"], ["y"]), [("s", TP.INT64, [2])], [("y", TP.FLOAT)])),
        ("eyelike_rank", "EyeLike needs a matrix", model(9, N("EyeLike", ["x"], ["y"]), X, Y)),
        ("eyelike_dtype", "dtype string (8) is not supported", model(9, N("EyeLike", ["x"], ["y"], dtype=8), [("x", TP.INT32, [2, 2])], Y)),
        ("eyelike_dtype2", "(1099511627776) is not supported", model(9, N("EyeLike", ["x"], ["y"], dtype=1 << 40), [("x", TP.INT32, [2, 2])], Y)),
        ("pad_reflect_crop", "cropped to nothing before reflect padding", model(13, N("Pad", ["x", "p"], ["y"], mode="reflect"), X, Y, [("p", i64(0, 0, -4, 0, 0, 2))])),
        ("pad_len", "pads has 3 values, expected 6", model(13, N("Pad", ["x", "p"], ["y"]), X, Y, [("p", i64(0, 0, 1))])),
        ("pad_huge", "are out of range", model(13, N("Pad", ["x", "p"], ["y"]), X, Y, [("p", i64(0, 0, 1 << 40, 0, 0, 0))])),
        ("pad_value_type", "is float32 but the data", model(13, N("Pad", ["x", "p", "v"], ["y"]), X, Y, [("p", i64(0, 0, 1, 0, 0, 0)), ("v", f32(1))])),
        ("pad_mode", "mode 'wrap' is not supported", model(13, N("Pad", ["x", "p"], ["y"], mode="wrap"), X, Y, [("p", i64(0, 0, 1, 0, 0, 0))])),
        ("pad18_axes_dup", "lists axis 0 twice", model(18, N("Pad", ["x", "p", "", "a"], ["y"]), X, Y, [("p", i64(1, 1, 1, 1)), ("a", i64(0, -3))])),
        ("gather_idx_type", "must be int64 or int32, not float32", model(13, N("Gather", ["x", "i"], ["y"]), X + [("i", TP.FLOAT, [2])], Y)),
        ("gather_range", "index 2 is out of range", model(13, N("Gather", ["x", "i"], ["y"]), X, Y, [("i", i64(0, 2))])),
        ("gather_f32_range", "index -3 is out of range", model(13, N("Gather", ["x", "i"], ["y"]), F, Y, [("i", i64(0, -3))])),
        ("gather_rank", "rank 9, more than 8", model(13, N("Gather", ["x", "i"], ["y"]),
                                      [("x", TP.INT32, [2] * 5), ("i", TP.INT64, [1] * 5)], Y)),
        ("concat_type", "is int64 but input 0", model(13, N("Concat", ["x", "z"], ["y"], axis=0), X + [("z", TP.INT64, [2, 3, 4])], Y)),
        ("concat_dims", "has dim 1 = 4, expected 3", model(13, N("Concat", ["x", "z"], ["y"], axis=0), X + [("z", TP.INT32, [2, 4, 4])], Y)),
        ("concat_noaxis", "attribute 'axis' is required", model(13, N("Concat", ["x", "z"], ["y"]), X + [("z", TP.INT32, [2, 3, 4])], Y)),
        ("reshape_bad", "cannot infer the -1", model(13, N("Reshape", ["x", "s"], ["y"]), X, Y, [("s", i64(5, -1))])),
        ("reshape_rt", "must be a constant", model(13, N("Reshape", ["x", "s"], ["y"]), X + [("s", TP.INT64, [2])], Y)),
        ("split_sum", "adds up to 2", model(13, N("Split", ["x", "s"], ["a", "b"], axis=1), X,
                                     [("a", TP.INT32), ("b", TP.INT32)], [("s", i64(1, 1))])),
        ("split18_num", "num_outputs is 3", model(18, N("Split", ["x"], ["a", "b"], axis=1, num_outputs=3), X,
                                             [("a", TP.INT32), ("b", TP.INT32)])),
        ("slice_axes", "axis 7 is out of range", model(13, N("Slice", ["x", "s", "e", "a"], ["y"]), X, Y,
                                     [("s", i64(0)), ("e", i64(1)), ("a", i64(7))])),
        ("slice_step0", "steps[0] is 0", model(13, N("Slice", ["x", "s", "e", "a", "p"], ["y"]), X, Y,
                                      [("s", i64(0)), ("e", i64(1)), ("a", i64(0)), ("p", i64(0))])),
        ("transpose_perm", "lists axis 0 twice", model(13, N("Transpose", ["x"], ["y"], perm=[0, 0, 1]), X, Y)),
        ("dropout_train", "only inference is supported", model(13, N("Dropout", ["x", "r", "t"], ["y"]), X, Y,
                                            [("r", f32(0.5)), ("t", np.array(True))])),
        ("flatten_axis", "axis 5 is out of range", model(13, N("Flatten", ["x"], ["y"], axis=5), X, Y)),
        ("shape_attr_old", "need opset 15 or later", model(13, N("Shape", ["x"], ["y"], start=1), X, [("y", TP.INT64)])),
    ]


def norm():
    F = TP.FLOAT

    def one(op, ins, opset, outs=("Y",), **attrs):
        return model(opset, N(op, [i[0] for i in ins], list(outs), **attrs), ins, [(o, F) for o in outs])
    LN = "LayerNormalization"
    xw = lambda wt=F, wd=3, xt=F: [("X", xt, [2, 3]), ("W", wt, [wd])]
    sce = "SoftmaxCrossEntropyLoss"
    nll = "NegativeLogLikelihoodLoss"
    xy = [("x", F, [2, 3]), ("y", TP.INT64, [2])]
    return [
        ("ln13", "is not in opset 13", one(LN, xw(), 13)),
        ("ln_axis", "axis 2 is out of range", one(LN, xw(), 17, axis=2)),
        ("ln_stash", "is not a floating-point type", one(LN, xw(), 17, stash_type=7)),
        ("ln_w", "does not broadcast to the shape", one(LN, xw(wd=4), 17)),
        ("ln_wt", "has data type float64", one(LN, xw(wt=TP.DOUBLE), 17)),
        ("ln_int", "has data type int32", one(LN, xw(TP.INT32, 3, TP.INT32), 17)),
        ("in_rank", "rank 3 or more", one("InstanceNormalization", [("X", F, [2, 3]), ("s", F, [3]), ("b", F, [3])], 13)),
        ("in_s", "one per channel", one("InstanceNormalization", [("X", F, [2, 3, 4]), ("s", F, [2]), ("b", F, [3])], 13)),
        ("lrn_nosize", "attribute 'size' is missing", one("LRN", [("X", F, [2, 3, 4])], 13)),
        ("lrn_size0", "size is 0", one("LRN", [("X", F, [2, 3, 4])], 13, size=0)),
        ("mvn_dup", "appears twice in axes", one("MeanVarianceNormalization", [("X", F, [2, 3, 4])], 13, axes=[0, -3])),
        ("mvn_def3", "axis 3 is out of range", one("MeanVarianceNormalization", [("X", F, [2, 3, 4])], 13)),
        ("sce_red", "reduction 'avg' is not one of", one(sce, xy, 13, outs=("z",), reduction="avg")),
        ("sce_lab", "expected int32 or int64", one(sce, [("x", F, [2, 3]), ("y", F, [2])], 13, outs=("z",))),
        ("sce_shape", "without axis 1", one(sce, [("x", F, [2, 3, 4]), ("y", TP.INT64, [2, 3])], 13, outs=("z",))),
        ("nll_w", "one per class", one(nll, xy + [("w", F, [2])], 13, outs=("z",))),
        ("nll_1d", "rank 2 or more", one(nll, [("x", F, [3]), ("y", TP.INT64, [])], 13, outs=("z",))),
        ("nll_11", "is not in opset 11", one(nll, xy, 11, outs=("z",))),
        ("nll_ii", "attribute 'ignore_index' has the wrong type", one(nll, xy, 13, outs=("z",), ignore_index=1.5)),
    ]


def reduce():
    F = TP.FLOAT
    x23 = [("x", F, [2, 3])]
    fy = [("y", F)]
    vi = [("v", F), ("i", TP.INT64)]
    k = lambda v: [("k", np.array(v, np.int64))]
    ax = lambda v: [("a", np.array(v, np.int64))]
    return [
        ("sum_axes_runtime", "must be a constant", model(13, N("ReduceSum", ["x", "axes"], ["y"]), x23 + [("axes", TP.INT64, [1])], fy)),
        ("sum_i8", "does not take at opset 13", model(13, N("ReduceSum", ["x"], ["y"]), [("x", TP.INT8, [2, 3])], [("y", TP.INT8)])),
        ("max_i8_o11", "does not take at opset 11", model(11, N("ReduceMax", ["x"], ["y"]), [("x", TP.INT8, [2, 3])], [("y", TP.INT8)])),
        ("sum_axes_attr_o13", "replaced by an input in opset 13", model(13, N("ReduceSum", ["x"], ["y"], axes=[1]), x23, fy)),
        ("max_axes_input_o13", "needs opset 18 or later", model(13, N("ReduceMax", ["x", "axes"], ["y"]), x23, fy, [("axes", i64(1))])),
        ("max_dup_axes", "lists axis 1 twice", model(13, N("ReduceMax", ["x"], ["y"], axes=[1, -1]), x23, fy)),
        ("max_axis_oob", "axis 2 is out of range", model(13, N("ReduceMax", ["x"], ["y"], axes=[2]), x23, fy)),
        ("max_noop_o13", "needs opset 18 or later", model(13, N("ReduceMax", ["x"], ["y"], noop_with_empty_axes=1), x23, fy)),
        ("sum_axes_2d", "must be a 1-D int64 tensor", model(13, N("ReduceSum", ["x", "axes"], ["y"]), x23, fy, [("axes", np.array([[1]], np.int64))])),
        ("sum_axes_i32", "must be a 1-D int64 tensor", model(13, N("ReduceSum", ["x", "axes"], ["y"]), x23, fy, [("axes", np.array([1], np.int32))])),
        ("topk_big", "k is 4", model(11, N("TopK", ["x", "k"], ["v", "i"]), x23, vi, k([4]))),
        ("topk_zero", "k is 0", model(11, N("TopK", ["x", "k"], ["v", "i"]), x23, vi, k([0]))),
        ("topk_runtime_k", "must be a constant", model(11, N("TopK", ["x", "k"], ["v", "i"]), x23 + [("k", TP.INT64, [1])], vi)),
        ("topk_noattr_o7", "attribute 'k' is required", model(7, N("TopK", ["x"], ["v", "i"]), x23, vi)),
        ("topk_int_o10", "does not take at opset 10", model(10, N("TopK", ["x", "k"], ["v", "i"]), [("x", TP.INT32, [2, 3])],
                                       [("v", TP.INT32), ("i", TP.INT64)], k([1]))),
        ("topk_largest_o10", "needs opset 11 or later", model(10, N("TopK", ["x", "k"], ["v", "i"], largest=0), x23, vi, k([1]))),
        ("cumsum_runtime_axis", "must be a constant", model(14, N("CumSum", ["x", "a"], ["y"]), x23 + [("a", TP.INT64, [])], fy)),
        ("cumsum_o10", "needs opset 11 or later", model(10, N("CumSum", ["x", "a"], ["y"]), x23, fy, ax(1))),
        ("cumsum_f16_o13", "does not take at opset 13", model(13, N("CumSum", ["x", "a"], ["y"]), [("x", TP.FLOAT16, [2, 3])], [("y", TP.FLOAT16)], ax(1))),
        ("cumsum_axis_oob", "axis -3 is out of range", model(14, N("CumSum", ["x", "a"], ["y"]), x23, fy, ax(-3))),
        ("argmax_last_o11", "needs opset 12 or later", model(11, N("ArgMax", ["x"], ["y"], select_last_index=1), x23, [("y", TP.INT64)])),
        ("argmax_scalar", "needs at least one axis", model(13, N("ArgMax", ["x"], ["y"]), [("x", F, [])], [("y", TP.INT64)])),
        ("argmax_str", "unsupported data type string", model(13, N("ArgMax", ["x"], ["y"]), [("x", TP.STRING, [2])], [("y", TP.INT64)])),
        ("softmax_i32", "does not take at opset 13", model(13, N("Softmax", ["x"], ["y"]), [("x", TP.INT32, [2, 3])], [("y", TP.INT32)])),
        ("softmax_bf16_o12", "does not take at opset 12", model(12, N("Softmax", ["x"], ["y"]), [("x", TP.BFLOAT16, [2, 3])], [("y", TP.BFLOAT16)])),
        ("hardmax_axis", "axis 2 is out of range", model(13, N("Hardmax", ["x"], ["y"], axis=2), x23, fy)),
        ("logsoftmax_scalar", "needs at least one axis", model(13, N("LogSoftmax", ["x"], ["y"]), [("x", TP.DOUBLE, [])], [("y", TP.DOUBLE)])),
        ("l2_scalar_axes", "more than the input's rank 0", model(11, N("ReduceL2", ["x"], ["y"], axes=[0]), [("x", F, [])], fy)),
    ]


def index():
    F = TP.FLOAT
    x22 = ("x", F, [2, 2])
    i22 = ("i", TP.INT64, [2, 2])
    u22 = ("u", F, [2, 2])
    se = lambda opset, ins, **a: model(opset, N("ScatterElements", ["x", "i", "u"], ["y"], **a), ins)
    oh = lambda ins, inits, **a: model(11, N("OneHot", ["i", "d", "v"], ["y"], **a), ins, inits=inits)
    i3v2 = [("i", TP.INT64, [3]), ("v", F, [2])]
    d4 = [T("d", TP.INT64, [], [4])]
    return [
        ("ge_float_idx", "must be int32 or int64", model(13, N("GatherElements", ["x", "i"], ["y"]), [x22, ("i", F, [2, 2])])),
        ("ge_rank", "have rank 1 but data", model(13, N("GatherElements", ["x", "i"], ["y"]), [x22, ("i", TP.INT64, [2])])),
        ("ge_big", "are larger than data", model(13, N("GatherElements", ["x", "i"], ["y"], axis=0), [x22, ("i", TP.INT64, [2, 3])])),
        ("ge_opset10", "needs opset 11 or later", model(10, N("GatherElements", ["x", "i"], ["y"]), [x22, i22])),
        ("se_red13", "needs opset 16 or later", se(13, [x22, i22, u22], reduction="add")),
        ("se_max16", "needs opset 18 or later", se(16, [x22, i22, u22], reduction="max")),
        ("se_redbad", "is not none, add, mul, max or min", se(18, [x22, i22, u22], reduction="xor")),
        ("se_utype", "differ in type", se(18, [x22, i22, ("u", TP.DOUBLE, [2, 2])])),
        ("snd_ushape", "expected [2,3]", model(18, N("ScatterND", ["x", "i", "u"], ["y"]),
                                        [("x", F, [4, 3]), ("i", TP.INT64, [2, 1]), ("u", F, [2, 4])])),
        ("gnd_k", "the last axis (3) must be 1 to 2", model(13, N("GatherND", ["x", "i"], ["y"]), [("x", F, [4, 3]), ("i", TP.INT64, [2, 3])])),
        ("gnd_b11", "needs opset 12 or later", model(11, N("GatherND", ["x", "i"], ["y"], batch_dims=1), [("x", F, [4, 3]), ("i", TP.INT64, [4, 1])])),
        ("gnd_bmis", "batch axis 0", model(13, N("GatherND", ["x", "i"], ["y"], batch_dims=1), [("x", F, [4, 3]), ("i", TP.INT64, [3, 1])])),
        ("oh_rtdepth", "must be a constant", oh([("i", TP.INT64, [3]), ("d", TP.INT64, []), ("v", F, [2])], [])),
        ("oh_depth0", "depth 0 must be 1 or more", oh(i3v2, [T("d", TP.INT64, [], [0])])),
        ("oh_vals3", "(off value, on value)", oh([("i", TP.INT64, [3]), ("v", F, [3])], d4)),
        ("oh_boolidx", "a numeric type is needed", oh([("i", TP.BOOL, [3]), ("v", F, [2])], d4)),
        ("oh_axis", "axis 2 is out of range", oh(i3v2, d4, axis=2)),
        ("oh_dnan", "depth nan must be 1 or more", oh(i3v2, [T("d", TP.FLOAT, [], [float("nan")])])),
    ]


def fold():
    """Constant folding (compiler/fold.c): the folded value V feeds Add(Z, V)."""
    C = lambda n, a: (n, np.asarray(a))

    def m(opset, nodes, inits):
        nodes = (nodes if isinstance(nodes, list) else [nodes]) + [N("Add", ["Z", "V"], ["Y"])]
        return model(opset, nodes, [("Z", TP.INT64, [1])], [("Y", TP.INT64)], inits)
    a123 = C("a", i64(1, 2, 3))
    R = N("Range", ["a", "b", "c"], ["V"])
    cos1 = T("v", TP.INT64, [1], [1])
    return [
        ("add_i64_ovf", "int64 overflow in", m(13, N("Add", ["a", "b"], ["V"], name="adder"), [C("a", i64(2**62)), C("b", i64(2**62))])),
        ("add_i32_ovf", "does not fit int32", m(13, N("Add", ["a", "b"], ["V"]), [C("a", np.array([2**31 - 1], np.int32)),
                                                                        C("b", np.array([1], np.int32))])),
        ("mul_ovf", "int64 overflow in", m(13, N("Mul", ["a", "b"], ["V"]), [C("a", i64(2**40)), C("b", i64(2**40))])),
        ("div0", "integer division by zero", m(13, N("Div", ["a", "b"], ["V"]), [C("a", i64(3)), C("b", i64(0))])),
        ("divmin", "int64 overflow in", m(13, N("Div", ["a", "b"], ["V"]), [C("a", i64(-2**63)), C("b", i64(-1))])),
        ("neg_min", "int64 overflow in", m(13, N("Neg", ["a"], ["V"]), [C("a", i64(-2**63))])),
        ("abs_min32", "does not fit int32", m(13, N("Abs", ["a"], ["V"]), [C("a", np.array([-2**31], np.int32))])),
        ("range0", "delta is 0", m(13, R, [C("a", np.int64(0)), C("b", np.int64(5)), C("c", np.int64(0))])),
        ("rangef0", "has no finite length", m(13, R, [C("a", f32(0)), C("b", f32(5)), C("c", f32(0))])),
        ("range_ovf", "int64 overflow in", m(13, R, [C("a", np.int64(-2**63)), C("b", np.int64(2**63 - 1)), C("c", np.int64(2**62))])),
        ("cast_nan", "cannot be converted to int64", m(13, N("Cast", ["a"], ["V"], to=TP.INT64), [C("a", np.array([np.nan], f32))])),
        ("cast_big", "does not fit int32", m(13, N("Cast", ["a"], ["V"], to=TP.INT32), [C("a", np.array([3e9], f32))])),
        ("cast_i64_u8", "does not fit uint8", m(13, N("Cast", ["a"], ["V"], to=TP.UINT8), [C("a", i64(256))])),
        ("squeeze_bad", "it cannot be squeezed", m(13, N("Squeeze", ["a", "ax"], ["V"]), [C("a", np.zeros((2, 1), np.int64)), C("ax", i64(0))])),
        ("reshape_bad", "cannot infer the -1", m(13, N("Reshape", ["a", "sh"], ["V"]), [a123, C("sh", i64(2, -1))])),
        ("expand_bad", "cannot be expanded to shape", m(13, N("Expand", ["a", "sh"], ["V"]), [a123, C("sh", i64(2))])),
        ("gather_oor", "index 3 is out of range", m(13, N("Gather", ["a", "i"], ["V"]), [a123, C("i", i64(3))])),
        ("concat_noaxis", "attribute 'axis' is required", m(13, N("Concat", ["a", "a"], ["V"]), [a123])),
        ("prod_ovf", "int64 overflow in", m(13, N("ReduceProd", ["a"], ["V"]), [C("a", i64(2**32, 2**32))])),
        ("cos_neg", "has a negative dim", m(13, N("ConstantOfShape", ["a"], ["V"], value=cos1), [C("a", i64(2, -1))])),
        ("tile_neg", "a repeat is negative or too large", m(13, N("Tile", ["a", "r"], ["V"]), [C("a", i64(1, 2)), C("r", i64(-1))])),
        ("bcast_bad", "cannot be broadcast with the other inputs", m(13, N("Add", ["a", "b"], ["V"]), [C("a", i64(1, 2)), C("b", i64(1, 2, 3))])),
        ("range10", "needs opset 11 or later", m(10, R, [C("a", np.int64(0)), C("b", np.int64(5)), C("c", np.int64(1))])),
        ("shape_start14", "need opset 15 or later", m(14, N("Shape", ["a"], ["V"], start=1), [C("a", i64(1, 2))])),
    ]


def resize():
    F = TP.FLOAT
    C = lambda n, a: (n, np.asarray(a, np.float32))

    def one(op, ins, attrs, inits=(), opset=13):
        node = N(op, [n for n, _, _ in ins] + [t[0] for t in inits], ["y"], **attrs)
        return model(opset, node, ins, [("y", F)], inits)
    x22 = [("x", F, [1, 1, 2, 2])]
    x33 = [("x", F, [1, 2, 3, 3])]
    sc = lambda *s: [C("roi", np.zeros(0)), C("scales", s)]
    return [
        ("rz_runtime_scales", "must be a constant", model(13, N("Resize", ["x", "", "scales"], ["y"], mode="linear"),
                                                x22 + [("scales", F, [4])])),
        ("rz_bad_mode", "mode 'area' is not supported", one("Resize", x22, dict(mode="area"), sc(1, 1, 1, 1))),
        ("rz_zero_scale", "makes axis 2 (size 2) empty", one("Resize", x22, dict(mode="nearest"), sc(1, 1, 0.1, 1))),
        ("rz_huge_scale", "would have more than", one("Resize", x22, dict(mode="nearest"), sc(1, 1, 1e8, 1e8))),
        ("rz_nan_scale", "must be positive", one("Resize", x22, dict(mode="nearest"), sc(1, 1, np.nan, 1))),
        ("ct_bad_w", "must be the 2 input channels", one("ConvTranspose", x33, {}, [C("w", np.ones((3, 2, 2, 2)))])),
        ("ct_neg_out", "would have size -6", one("ConvTranspose", x33, dict(pads=[5, 5, 5, 5]), [C("w", np.ones((2, 2, 2, 2)))])),
        ("ein_bad", "is in no input term", one("Einsum", [("x", F, [2, 3])], dict(equation="ij->k"))),
        ("ein_bad2", "stray '.'", one("Einsum", [("x", F, [2, 3])], dict(equation="i.j"))),
        ("ein_bad3", "but its term has 3 letters", one("Einsum", [("x", F, [2, 3])], dict(equation="ijk"))),
        ("ein_bad4", "more input terms than the 1 inputs", one("Einsum", [("x", F, [2, 3])], dict(equation="ij,jk"))),
        ("ein_bad5", "but 2 elsewhere", one("Einsum", [("x", F, [2, 3])], dict(equation="ii"))),
        ("lp_nokernel", "kernel_shape is missing", one("LpPool", x33, {})),
        ("mu_bad_idx", "expected int64", one("MaxUnpool", x33 + [("i", TP.INT32, [1, 2, 3, 3])], dict(kernel_shape=[2, 2]))),
        ("gs_bad", "expected [1,H_out,W_out,2]", one("GridSample", x33 + [("g", F, [1, 2, 3, 3])], {}, opset=16)),
        ("ra_bad", "must be int64 of shape [2]", one("RoiAlign", x33 + [("r", F, [2, 4]), ("b", TP.INT64, [3])], {}, opset=16)),
    ]


def eltwise():
    F = TP.FLOAT

    def one(op, ins, out_dt, attrs=None, opset=17, inits=()):
        names = [t[0] for t in inits]
        node = N(op, [n for n, _, _ in ins], ["y"], **(attrs or {}))
        return model(opset, node, [i for i in ins if i[0] not in names], [("y", out_dt)], inits)
    f3 = lambda n, t=F: (n, t, [3])
    u8 = lambda n: (n, TP.UINT8, [3])
    i32 = lambda n, s=(3,): (n, TP.INT32, list(s))
    return [
        ("modf0", "ONNX requires fmod=1", one("Mod", [f3("a"), f3("b")], F)),
        ("shiftnodir", "attribute 'direction' is required", one("BitShift", [u8("a"), u8("b")], TP.UINT8)),
        ("shiftbaddir", "must be LEFT or RIGHT", one("BitShift", [u8("a"), u8("b")], TP.UINT8, {"direction": "UP"})),
        ("castnoto", "attribute 'to' is required", one("Cast", [f3("a")], F)),
        ("caststr", "has data type string", one("Cast", [f3("a")], TP.STRING, {"to": TP.STRING})),
        ("castc64", "has data type complex64", one("Cast", [f3("a")], TP.COMPLEX64, {"to": TP.COMPLEX64})),
        ("castbad", "not an ONNX data type", one("Cast", [f3("a")], F, {"to": 99})),
        ("mismatch", "differ in type", one("Sub", [f3("x"), f3("w", TP.DOUBLE)], F)),
        ("mismatch2", "differ in type", one("Add", [i32("x"), f3("w", TP.INT64)], F)),
        ("sqrtint", "Sqrt takes float16", one("Sqrt", [i32("x")], TP.INT32)),
        ("prelubad", "does not broadcast to input", one("PRelu", [("x", F, [3, 1]), ("s", F, [4])], F)),
        ("clipvec", "it must be a scalar", one("Clip", [i32("x"), i32("lo", (2,))], TP.INT32, inits=[("lo", np.array([1, 2], np.int32))])),
        ("bcast", "cannot be broadcast together", one("Max", [i32("x"), i32("y1"), i32("z", (4,))], TP.INT32)),
        ("wherecond", "Where takes bool", one("Where", [i32("c"), i32("a"), i32("b")], TP.INT32)),
        ("andint", "And takes bool", one("And", [i32("a"), i32("b")], TP.BOOL)),
        ("powmix11", "mixed types need opset 12", one("Pow", [f3("a"), f3("b", TP.INT64)], F, opset=11)),
        ("clipint11", "Clip takes float16", one("Clip", [i32("x")], TP.INT32, opset=11)),
    ]


def quant():
    F = TP.FLOAT
    U8 = TP.UINT8

    def save(op, ins, outs, inits, attrs=None, opset=14):
        node = N(op, [i[0] for i in ins], outs, **(attrs or {}))
        gin = [i for i in ins if i[0] and i[0] not in inits]
        return model(opset, node, gin, [(o, F) for o in outs if o], list(inits.items()))
    w1 = {"w": np.ones((2, 3, 1, 1), np.uint8)}
    x4 = ("x", U8, [1, 3, 4, 4])
    w4 = ("w", U8, [2, 3, 1, 1])

    def lstm(W=(1, 16, 3), Rs=(1, 16, 4), attrs=None, extra=(), inits=None, outs=("", "yh"), op="LSTM"):
        ins = [("x", F, [2, 1, 3]), ("W", F, list(W)), ("R", F, list(Rs))] + list(extra)
        d = {"W": np.ones(W, f32), "R": np.ones(Rs, f32)}
        d.update(inits or {})
        return save(op, ins, list(outs), d, attrs or {"hidden_size": 4})
    none = ("", 0, None)
    qc = [x4, ("xs", F, []), ("xz", U8, []), w4, ("ws", F, []), ("wz", U8, []), ("ys", F, []), ("yz", U8, []),
          ("b", TP.INT32, [3])]
    qci = {"xs": f32(1), "xz": np.uint8(1), "w": np.ones((2, 3, 1, 1), np.uint8), "ws": f32(1),
           "wz": np.uint8(1), "ys": f32(1), "yz": np.uint8(1), "b": np.ones(3, np.int32)}
    return [
        ("q_badscale", "it must be a scalar or 1-D", save("QuantizeLinear", [("x", F, [2, 3]), ("s", F, [4])], ["y"], {"s": np.ones(4, f32)})),
        ("q_badzp", "must be uint8, int8, uint16 or int16", save("QuantizeLinear", [("x", F, [2, 3]), ("s", F, []), ("z", TP.INT32, [])], ["y"],
                                       {"s": f32(1), "z": np.int32(1)})),
        ("q_axis", "axis 5 is out of range", save("QuantizeLinear", [("x", F, [2, 3]), ("s", F, [3])], ["y"], {"s": np.ones(3, f32)}, {"axis": 5})),
        ("mmi_k", "inner dimensions 3 and 4 differ", save("MatMulInteger", [("a", U8, [2, 3]), ("b", U8, [4, 2])], ["y"], {})),
        ("mmi_f", "must be uint8 or int8", save("MatMulInteger", [("a", F, [2, 3]), ("b", U8, [3, 2])], ["y"], {})),
        ("ci_rank", "rank 3 or more", save("ConvInteger", [("x", U8, [2, 3]), ("w", U8, [2, 3])], ["y"], {"w": np.ones((2, 3), np.uint8)})),
        ("ci_group", "must divide the 3 input and 2 output channels", save("ConvInteger", [x4, w4], ["y"], w1, {"group": 2})),
        ("ci_ks", "does not match the weights' shape", save("ConvInteger", [x4, w4], ["y"], w1, {"kernel_shape": [2, 2]})),
        ("ci_big", "smaller than the window 5", save("ConvInteger", [x4, ("w", U8, [2, 3, 5, 5])], ["y"], {"w": np.ones((2, 3, 5, 5), np.uint8)})),
        ("ci_pads", "pads has 2 values, expected 4", save("ConvInteger", [x4, w4], ["y"], w1, {"pads": [1, 1]})),
        ("qlc_bias", "it must be [2]", save("QLinearConv", qc, ["y"], qci)),
        ("l_W", "expected [1,16,3]", lstm(W=(1, 12, 3))),
        ("l_act", "activation 'Foo' is not supported", lstm(attrs={"hidden_size": 4, "activations": ["Sigmoid", "Tanh", "Foo"]})),
        ("l_nact", "has 2 functions, expected 3", lstm(attrs={"hidden_size": 4, "activations": ["Sigmoid", "Tanh"]})),
        ("l_dir", "is not forward, reverse or bidirectional", lstm(attrs={"hidden_size": 4, "direction": "sideways"})),
        ("l_seq", "it must be 1 to seq_length 2", lstm(extra=[none, ("sl", TP.INT32, [1])], inits={"sl": np.array([7], np.int32)})),
        ("l_seqtype", "it must be int32", lstm(extra=[none, ("sl", TP.INT64, [1])], inits={"sl": np.array([1], np.int64)})),
        ("l_h0", "expected [1,1,4]", lstm(extra=[none, none, ("h0", F, [1, 2, 4])])),
        ("l_clip", "clip -1 is not positive", lstm(attrs={"hidden_size": 4, "clip": -1.0})),
        ("l_layout", "layout 2 is not 0 or 1", lstm(attrs={"hidden_size": 4, "layout": 2})),
        ("l_huge", "expected [1,80000,20000]", lstm(W=(1, 4 * 20000, 3), Rs=(1, 4 * 20000, 1), attrs={"hidden_size": 20000})),
        ("g_lbr", "is not 0 or 1", lstm(W=(1, 12, 3), Rs=(1, 12, 4), op="GRU",
                                              attrs={"hidden_size": 4, "linear_before_reset": 3})),
        ("r_outs", "has 3 outputs, expected 1 to 2", lstm(W=(1, 4, 3), Rs=(1, 4, 4), op="RNN", outs=("y", "yh", "yc"))),
        ("r_noout", "the graph has no outputs", lstm(W=(1, 4, 3), Rs=(1, 4, 4), op="RNN", outs=("", ""))),
    ]


def legacy():
    """Old-opset forms (compiler/frontend/legacy.c); ir_version 3 as such models had."""
    F = TP.FLOAT
    x4 = [("x", F, [1, 2, 3, 4])]
    ones = lambda *s: np.ones(s, f32)

    def mk(opset, nodes, ins=x4, outs=("y",), inits=()):
        return model(opset, nodes, ins, [(o, F) for o in outs], inits, ir=3)
    add = lambda **a: mk(6, N("Add", ["x", "b"], ["y"], broadcast=1, **a), inits=[("b", ones(3))])
    split = lambda s: mk(1, N("Split", ["x", "s"], ["y0", "y1"], axis=1), outs=("y0", "y1"), inits=[("s", s)])
    tile = lambda ins, extra_in=(), **kw: mk(1, N("Tile", ins, ["y"]), x4 + list(extra_in), **kw)
    bn = lambda outs, **a: mk(6, N("BatchNormalization", ["x", "s", "s", "s", "s"], list(outs), **a), inits=[("s", ones(2))])
    ups = lambda ins=x4, **a: mk(1, N("Upsample", ["x"], ["y"], **a), ins)
    gemm = lambda **a: mk(6, N("Gemm", ["a", "b", "c"], ["y"], **a), [("a", F, [2, 3])],
                          inits=[("b", ones(3, 4)), ("c", ones(4))])
    return [
        ("axis_min", "does not fit B", add(axis=-(2**63))),
        ("axis_max", "does not fit B", add(axis=2**63 - 1)),
        ("axis_float", "attribute 'axis' has the wrong type", add(axis=1.5)),
        ("axis_missing_b", "input 1 is missing", mk(6, N("Add", ["x", ""], ["y"], broadcast=1, axis=1))),
        ("axis_brank_gt", "has rank 5, more than A's 4", mk(6, N("Add", ["x", "b"], ["y"], broadcast=1), inits=[("b", ones(1, 1, 1, 1, 1))])),
        ("axis_unranked_input", "not known before shape inference", mk(6, N("Add", ["x", "b"], ["y"], broadcast=1, axis=1), [("x", F, None)],
                                            inits=[("b", ones(3))])),
        ("reshape_attr_9dims", "more than the supported 8", mk(1, N("Reshape", ["x"], ["y"], shape=[1] * 9))),
        ("reshape_attr_empty", "has 1 elements but input", mk(1, N("Reshape", ["x"], ["y"], shape=[]))),
        ("reshape_attr_wrongkind", "attribute 'shape' has the wrong type", mk(1, N("Reshape", ["x"], ["y"], shape=2.0))),
        ("reshape_missing_in0", "input 0 is missing", mk(1, N("Reshape", [""], ["y"], shape=[24]))),
        ("split_huge", "at most 4096 supported", split(ones(5000))),
        ("split_nan", "not a whole number", split(np.array([np.nan, 1], f32))),
        ("split_neg", "has invalid size -1", split(i64(-1, 3))),
        ("split_string", "expected a number type", split(np.array([True, True]))),
        ("pad_paddings_wrongkind", "has the wrong type", mk(1, N("Pad", ["x"], ["y"], paddings=1))),
        ("concat_noaxis_1d", "axis 1 is out of range for rank 1", mk(1, N("Concat", ["v", "v"], ["y"]), [("v", F, [3])])),
        ("bn_is_test_2", "expected 0 or 1", bn(["y"], is_test=2)),
        ("bn_is_test_1_5outs", "exists only in training mode", bn(["y", "m", "v", "sm", "sv"], is_test=1)),
        ("gemm_bcast0_badc", "broadcast is not set", gemm()),
        ("gemm_bcast5", "broadcast=5, expected 0 or 1", gemm(broadcast=5)),
        ("tile_nonconst", "must be a constant", tile(["x", "t", "a"], [("t", F, [])], inits=[("a", f32(1))])),
        ("tile_axis_oob", "axis 7 is out of range", tile(["x", "t", "a"], inits=[("t", f32(2)), ("a", f32(7))])),
        ("tile_huge", "1 to 2147483647 supported", tile(["x", "t", "a"], inits=[("t", np.int64(2**40)), ("a", np.int64(1))])),
        ("tile_vec", "at most 1 supported", tile(["x", "t", "a"], inits=[("t", ones(2)), ("a", f32(1))])),
        ("tile_missing", "input 0 is missing", tile(["", "t", "a"], inits=[("t", f32(2)), ("a", f32(1))])),
        ("tile_4in", "has 4 inputs, expected 2 to 3", tile(["x", "t", "a", "a"], inits=[("t", f32(2)), ("a", f32(1))])),
        ("upsample_nan", "must be 1 to 65536", ups(height_scale=float("nan"), width_scale=2.0)),
        ("upsample_noscale", "are required", ups(width_scale=2.0)),
        ("upsample_3d", "need N x C x H x W", ups([("x", F, [1, 2, 3])], height_scale=2.0, width_scale=2.0)),
        ("upsample_bilinear", "aligned corners", ups(height_scale=2.0, width_scale=2.0, mode="bilinear")),
        ("cast_badname", "not a TensorProto data type name", mk(1, N("Cast", ["x"], ["y"], to="FLOAT128"))),
        ("lppool_p_frac", "only whole numbers", mk(1, N("GlobalLpPool", ["x"], ["y"], p=2.5))),
        ("prelu_wrong_c", "neither 1 element nor one per channel", mk(6, N("PRelu", ["x", "s"], ["y"]), inits=[("s", ones(3))])),
        ("prelu_unranked", "not known before shape inference", mk(6, N("PRelu", ["x", "s"], ["y"]), [("x", F, None)], inits=[("s", ones(2))])),
        ("sum_shapes", "differ in shape", mk(6, N("Sum", ["x", "v"], ["y"]), x4 + [("v", F, [4])])),
        ("dropout_training", "is_test=0 is training mode", mk(6, N("Dropout", ["x"], ["y"], ratio=0.5))),
        ("mvn_old", "experimental MeanVarianceNormalization", mk(6, N("MeanVarianceNormalization", ["x"], ["y"], across_channels=1))),
    ]


# Cases refused before any node is looked at (a graph input or output of a
# type onnxcc does not take, a graph without outputs): no node to name.
GRAPH_LEVEL = {"reduce_argmax_str", "eltwise_caststr", "eltwise_castc64", "quant_r_noout"}

FAMILIES = [("movement", movement), ("norm", norm), ("reduce", reduce), ("index", index), ("fold", fold),
            ("resize", resize), ("eltwise", eltwise), ("quant", quant), ("legacy", legacy)]


def cases():
    """(name, substrings, ModelProto) for every case, names <family>_<what>.
    The node at fault is always the model's first node; the error must name
    it, besides the case's own substring."""
    out = []
    for fam, make in FAMILIES:
        for name, sub, m in make():
            name = "%s_%s" % (fam, name)
            subs = [sub] if name in GRAPH_LEVEL else [sub, "node '%s'" % m.graph.node[0].name]
            assert all("\t" not in s and ";" not in s for s in subs)
            out.append((name, subs, m))
    return out


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__.split("\n\n")[1])
    table = cases()
    if sys.argv[1] == "--list":
        for name, subs, _ in table:
            print("\t".join([name] + subs))
        return
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    lines = []
    for name, subs, m in table:
        with open(os.path.join(outdir, name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())
        lines.append("\t".join([name + ".onnx"] + subs) + "\n")
    with open(os.path.join(outdir, "cases.txt"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
