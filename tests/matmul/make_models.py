"""Writes one small float32 ONNX model per Einsum case into OUTDIR, and
prints "name expected" lines: expected is 1 when the Einsum is one batched
matrix product the compiler runs on onnxcc_f32_matmul (MaxViT's attention
and the like), 0 for a near miss that must keep the generic loops.  Both
operands are graph inputs (random at compare time) unless the case says.
Then the MatMuls of a few rows against a weight, which run on
onnxcc_f32_gemm's dot form (expected "gemm"), and one of 16 rows, which
stays on onnxcc_f32_matmul; Linear layers (MatMul, Add) and activations
after them.  Lines: "name path bias act", bias "-", "fused" or "add", act
"-" or its name.  Last, MatMuls of two inputs whose batch dimensions
broadcast against each other (a loop over the output's matrices).

usage: make_models.py OUTDIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# name, equation, shape A, shape B (None: B is a weight), fast path
CASES = [
    ("einsum_qk_t", "bghid,bghjd->bghij", [1, 4, 2, 49, 32], [1, 4, 2, 49, 32], 1),  # MaxViT's Q x K^T
    ("einsum_pv", "bghij,bghjd->bghid", [1, 4, 2, 49, 49], [1, 4, 2, 49, 32], 1),  # MaxViT's P x V
    ("einsum_batched", "bij,bjk->bik", [3, 17, 20], [3, 20, 33], 1),
    ("einsum_trans_b_wide", "bik,bjk->bij", [2, 21, 40], [2, 70, 40], 1),
    ("einsum_weight", "ij,jk->ik", [5, 24], None, 1),
    ("einsum_grouped_letters", "abcd,cde->abe", [2, 3, 4, 5], [4, 5, 6], 1),  # M = a*b, K = c*d
    ("einsum_ellipsis", "...id,...jd->...ij", [2, 3, 7, 8], [2, 3, 9, 8], 1),
    ("einsum_dot", "i,i->", [37], [37], 1),
    ("einsum_rowwise_dot", "ij,ij->i", [6, 19], [6, 19], 1),
    ("einsum_size_one", "bxij,bjk->bik", [2, 1, 5, 6], [2, 6, 7], 1),
    ("einsum_trans_a", "bji,bjk->bik", [2, 6, 5], [2, 6, 7], 0),
    ("einsum_out_transposed", "bij,bjk->bki", [2, 5, 6], [2, 6, 7], 0),
    ("einsum_batch_order", "abij,bajk->abik", [2, 3, 4, 5], [3, 2, 5, 6], 0),
    ("einsum_broadcast", "...ij,...jk->...ik", [2, 1, 4, 5], [1, 3, 5, 6], 0),
    ("einsum_one_input_sum", "ij,jk->k", [4, 5], [5, 6], 0),
    ("einsum_diagonal", "ii,ij->ij", [5, 5], [5, 6], 0),
]


# name, shape A, weight [K][N] columns, expected, bias: None (no Add after
# the MatMul), or (shape of the added constant, whether it is the Add's
# first operand, whether fuse_matmul_bias takes it), and the activation
# after them (fuse_act: in the MatMul's epilogue, or after the Gemm's)
MATMULS = [
    ("matmul_row", [1, 768], 1000, "gemm", None, None),  # MaxViT's classifier
    ("matmul_rows", [3, 40], 37, "gemm", None, None),
    ("matmul_vector", [19], 5, "gemm", None, None),
    ("matmul_batched_rows", [2, 3, 50], 20, "gemm", None, None),  # 6 rows in all
    ("matmul_16_rows", [16, 50], 20, "matmul", None, None),
    # Linear layers on rank-3 input: MatMul then Add (ViT, Swin, ConvNeXt)
    ("linear_tokens", [1, 197, 96], 61, "matmul", ([61], False, True), None),
    ("linear_tokens_first", [2, 50, 40], 33, "matmul", ([1, 1, 33], True, True), None),
    ("linear_deep", [1, 20, 1100], 40, "matmul", ([40], False, True), None),  # K in chunks
    ("linear_rows", [1, 3, 40], 37, "gemm", ([1, 37], False, True), None),
    ("linear_bias_per_row", [1, 20, 40], 17, "matmul", ([20, 1], False, False), None),  # not a column bias
    # then an activation: ConvNeXt's and ViT's MLP (GELU as torch exports it)
    ("linear_gelu", [1, 197, 96], 61, "matmul", ([61], False, True), "gelu"),
    ("linear_deep_relu", [1, 20, 1100], 40, "matmul", ([40], False, True), "relu"),  # on the last chunk only
    ("matmul_sigmoid", [2, 50, 40], 35, "matmul", None, "sigmoid"),
    ("linear_rows_gelu", [1, 3, 40], 37, "gemm", ([37], False, True), "gelu"),
]


# name, shape A, shape B: MatMuls of two inputs whose batch dimensions
# broadcast against each other, which run as a loop over the output's
# matrices, each on onnxcc_f32_matmul
PAIRS = [
    ("matmul_pair_broadcast", [2, 1, 3, 4], [1, 3, 4, 5]),
    ("matmul_pair_ranks", [3, 1, 2, 5, 6], [4, 1, 6, 7]),
]


def pair_model(name, sa, sb):
    inputs = [helper.make_tensor_value_info(k, TensorProto.FLOAT, s) for k, s in (("a", sa), ("b", sb))]
    node = helper.make_node("MatMul", ["a", "b"], ["y"], name="matmul")
    g = helper.make_graph([node], name, inputs, [helper.make_empty_tensor_value_info("y")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_models")
    m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    onnx.checker.check_model(m, full_check=True)
    return m


def act_nodes(kind, x, y):
    """The activation's nodes from x to y, as torch exports them."""
    if kind != "gelu":
        return [helper.make_node(kind.capitalize(), [x], [y], name=kind)], []
    c = [numpy_helper.from_array(np.array(v, np.float32), n)
         for n, v in (("sqrt2", 1.4142135623730951), ("one", 1.0), ("half", 0.5))]
    return [helper.make_node("Div", [x, "sqrt2"], ["g0"], name="gelu_div"),
            helper.make_node("Erf", ["g0"], ["g1"], name="gelu_erf"),
            helper.make_node("Add", ["g1", "one"], ["g2"], name="gelu_add"),
            helper.make_node("Mul", [x, "g2"], ["g3"], name="gelu_mul"),
            helper.make_node("Mul", ["g3", "half"], [y], name="gelu_half")], c


def matmul_model(name, sa, n, bias=None, act=None):
    rng = np.random.default_rng(sum(map(ord, name)))
    w = rng.standard_normal((sa[-1], n)).astype(np.float32)
    out = "y" if act is None else "z"  # the product's (and bias's) output
    nodes = [helper.make_node("MatMul", ["a", "w"], [out if bias is None else "p"], name="matmul")]
    inits = [numpy_helper.from_array(w, "w")]
    if bias is not None:
        shape, first, _ = bias
        inits.append(numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), "bias"))
        nodes.append(helper.make_node("Add", ["bias", "p"] if first else ["p", "bias"], [out], name="add"))
    if act is not None:
        more, consts = act_nodes(act, out, "y")
        nodes += more
        inits += consts
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("a", TensorProto.FLOAT, sa)],
                          [helper.make_empty_tensor_value_info("y")], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_models")
    m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    onnx.checker.check_model(m, full_check=True)
    return m


def model(name, eq, sa, sb):
    rng = np.random.default_rng(len(name) * 7919 + sum(map(ord, name)))
    inputs = [helper.make_tensor_value_info("a", TensorProto.FLOAT, sa)]
    inits = []
    if sb is None:
        w = rng.standard_normal((sa[-1], 11)).astype(np.float32)
        inits.append(numpy_helper.from_array(w, "b"))
    else:
        inputs.append(helper.make_tensor_value_info("b", TensorProto.FLOAT, sb))
    node = helper.make_node("Einsum", ["a", "b"], ["y"], name="einsum", equation=eq)
    g = helper.make_graph([node], name, inputs, [helper.make_empty_tensor_value_info("y")], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_models")
    m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    onnx.checker.check_model(m, full_check=True)
    return m


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, eq, sa, sb, fast in CASES:
        onnx.save(model(name, eq, sa, sb), os.path.join(out, "%s.onnx" % name))
        print(name, "matmul" if fast else "generic")
    for name, sa, n, expect, bias, act in MATMULS:
        onnx.save(matmul_model(name, sa, n, bias, act), os.path.join(out, "%s.onnx" % name))
        print(name, expect, "-" if bias is None else "fused" if bias[2] else "add", act or "-")
    for name, sa, sb in PAIRS:
        onnx.save(pair_model(name, sa, sb), os.path.join(out, "%s.onnx" % name))
        print(name, "matmul")


if __name__ == "__main__":
    main()
