"""Writes one small float32 ONNX model per Einsum case into OUTDIR, and
prints "name expected" lines: expected is 1 when the Einsum is one batched
matrix product the compiler runs on onnxcc_f32_matmul (MaxViT's attention
and the like), 0 for a near miss that must keep the generic loops.  Both
operands are graph inputs (random at compare time) unless the case says.

usage: make_einsum_models.py OUTDIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# name, equation, shape A, shape B (None: B is a weight), fast path
CASES = [
    ("qk_t", "bghid,bghjd->bghij", [1, 4, 2, 49, 32], [1, 4, 2, 49, 32], 1),  # MaxViT's Q x K^T
    ("pv", "bghij,bghjd->bghid", [1, 4, 2, 49, 49], [1, 4, 2, 49, 32], 1),  # MaxViT's P x V
    ("batched", "bij,bjk->bik", [3, 17, 20], [3, 20, 33], 1),
    ("trans_b_wide", "bik,bjk->bij", [2, 21, 40], [2, 70, 40], 1),
    ("weight", "ij,jk->ik", [5, 24], None, 1),
    ("grouped_letters", "abcd,cde->abe", [2, 3, 4, 5], [4, 5, 6], 1),  # M = a*b, K = c*d
    ("ellipsis", "...id,...jd->...ij", [2, 3, 7, 8], [2, 3, 9, 8], 1),
    ("dot", "i,i->", [37], [37], 1),
    ("rowwise_dot", "ij,ij->i", [6, 19], [6, 19], 1),
    ("size_one", "bxij,bjk->bik", [2, 1, 5, 6], [2, 6, 7], 1),
    ("trans_a", "bji,bjk->bik", [2, 6, 5], [2, 6, 7], 0),
    ("out_transposed", "bij,bjk->bki", [2, 5, 6], [2, 6, 7], 0),
    ("batch_order", "abij,bajk->abik", [2, 3, 4, 5], [3, 2, 5, 6], 0),
    ("broadcast", "...ij,...jk->...ik", [2, 1, 4, 5], [1, 3, 5, 6], 0),
    ("one_input_sum", "ij,jk->k", [4, 5], [5, 6], 0),
    ("diagonal", "ii,ij->ij", [5, 5], [5, 6], 0),
]


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
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_einsum_models")
    m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    onnx.checker.check_model(m, full_check=True)
    return m


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, eq, sa, sb, fast in CASES:
        onnx.save(model(name, eq, sa, sb), os.path.join(out, "einsum_%s.onnx" % name))
        print(name, fast)


if __name__ == "__main__":
    main()
