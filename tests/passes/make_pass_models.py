"""Writes one small ONNX model per optimization-pass case into OUTDIR.

Each model is built for one case of one pass (see compiler/passes/cleanup.c,
fold_bn.c, fuse_act.c, fuse_add.c, fuse_preact.c, ...): either a pattern the pass must
rewrite or a near miss it must leave alone.  Opset 13, float32, weights and
BatchNormalization statistics random but seeded (every case has its own
seed, so adding a case does not change the others).  Every model passes
onnx.checker with full shape inference.

The BatchNormalizations of the pre-activation cases get a positive shift
b = beta - mean * scale / sqrt(var + eps) in every channel, so that
bn(0) != 0 and relu(bn(0)) > 0: a wrong fusion that activated the Conv's
zero padding would change the border of the output, and onnxruntime
would disagree.  Their scale is large enough that some pixels still go
negative before the Relu.

usage: make_pass_models.py OUTDIR [--list]
"""
import os
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
N, C, H, W = 1, 4, 8, 8
XSHAPE = [N, C, H, W]


class Builder:
    """A graph under construction: nodes, initializers, inputs, outputs."""

    def __init__(self, name):
        self.name = name
        self.rng = np.random.default_rng(zlib.crc32(name.encode()))
        self.nodes, self.inits, self.inputs, self.outputs = [], [], [], []
        self.count = 0

    def input(self, name="x", shape=XSHAPE):
        self.inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
        return name

    def output(self, name):
        # Shape left to onnx's inference (make_model + infer_shapes below).
        self.outputs.append(helper.make_empty_tensor_value_info(name))

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, outputs=None, name=None, **attrs):
        self.count += 1
        if outputs is None:
            outputs = [f"{op.lower()}{self.count}"]
        if name is None:
            name = f"{op.lower()}_{self.count}"
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, **attrs))
        return outputs[0] if len(outputs) == 1 else outputs

    # -- layers -----------------------------------------------------------
    def conv(self, x, cin, cout, k=3, bias=True, group=1, wscale=None, ndim=2, **attrs):
        kshape = [k] * ndim
        fan_in = cin // group * int(np.prod(kshape))
        s = wscale if wscale is not None else 1.0 / np.sqrt(fan_in)
        tag = f"c{self.count + 1}"
        w = self.const(f"{tag}_w", (self.rng.standard_normal([cout, cin // group] + kshape) * s).astype(np.float32))
        ins = [x, w]
        if bias:
            ins.append(self.const(f"{tag}_b", self.rng.uniform(-0.5, 0.5, cout).astype(np.float32)))
        if group != 1:
            attrs["group"] = group
        return self.node("Conv", ins, kernel_shape=kshape, **attrs)

    def bn(self, x, c, positive_shift=False, epsilon=None, name=None, out=None):
        """BatchNormalization with non-trivial statistics.  With
        positive_shift, b = beta - mean*a is in [0.3, 0.8] in every channel
        (a = scale/sqrt(var+eps) in [1, 2.5], scale may be negative)."""
        r = self.rng
        tag = f"bn{self.count + 1}"
        eps = 1e-5 if epsilon is None else epsilon
        var = r.uniform(0.3, 2.0, c).astype(np.float32)
        mean = r.uniform(-0.8, 0.8, c).astype(np.float32)
        if positive_shift:
            a = r.uniform(1.0, 2.5, c) * r.choice([-1.0, 1.0], c)
            scale = (a * np.sqrt(var.astype(np.float64) + eps)).astype(np.float32)
            b = r.uniform(0.3, 0.8, c)
            beta = (b + mean.astype(np.float64) * a).astype(np.float32)
        else:
            scale = r.uniform(0.5, 2.0, c).astype(np.float32) * r.choice([-1.0, 1.0], c).astype(np.float32)
            beta = r.uniform(-0.8, 0.8, c).astype(np.float32)
        ins = [x, self.const(f"{tag}_scale", scale), self.const(f"{tag}_beta", beta),
               self.const(f"{tag}_mean", mean), self.const(f"{tag}_var", var)]
        kw = {} if epsilon is None else {"epsilon": epsilon}
        return self.node("BatchNormalization", ins, None if out is None else [out], name=name, **kw)

    def model(self):
        g = helper.make_graph(self.nodes, self.name, self.inputs, self.outputs, self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="onnxcc tests/passes")
        m.ir_version = 8
        m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
        onnx.checker.check_model(m, full_check=True)
        return m


CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def i64(*v):
    return np.array(v, dtype=np.int64)


def f32(v):
    return np.array(v, dtype=np.float32)


# -- cleanup --------------------------------------------------------------
@case
def cleanup_identity_dropout(b):
    """x -> Identity -> Dropout -> Dropout(ratio, training_mode=false) ->
    Relu -> y: the Identity and both inference Dropouts go (3)."""
    x = b.input()
    t = b.node("Identity", [x])
    t = b.node("Dropout", [t])
    t = b.node("Dropout", [t, b.const("ratio", f32(0.3)), b.const("training", np.array(False))])
    b.output(b.node("Relu", [t], ["y"]))


@case
def cleanup_pad_zero(b):
    """An all-zero Pad (constant mode, non-zero value) goes (1)."""
    x = b.input()
    t = b.node("Pad", [x, b.const("pads", i64(0, 0, 0, 0, 0, 0, 0, 0)), b.const("value", f32(2.5))])
    b.output(b.node("Relu", [t], ["y"]))


@case
def cleanup_pad_shift(b):
    """A Pad of (1, -1) on the last axis keeps the shape but shifts the
    image right by one pixel: not a no-op, stays (0)."""
    x = b.input()
    t = b.node("Pad", [x, b.const("pads", i64(0, 0, 0, 1, 0, 0, 0, -1)), b.const("value", f32(2.5))])
    b.output(b.node("Relu", [t], ["y"]))


@case
def cleanup_concat_one(b):
    """A Concat of one input goes (1)."""
    x = b.input()
    t = b.node("Concat", [x], axis=1)
    b.output(b.node("Relu", [t], ["y"]))


@case
def cleanup_reshape_same(b):
    """A Reshape to the same shape (given as 0, -1, 8, 8) goes; the next
    Reshape to 1x4x64 and a Flatten to 1x256 of a 1x256 tensor: the Reshape
    changes the shape and stays, the Flatten goes (2)."""
    x = b.input()
    t = b.node("Reshape", [x, b.const("same", i64(0, -1, 8, 8))])
    t = b.node("Relu", [t])
    t = b.node("Reshape", [t, b.const("flat", i64(1, 256))])
    t = b.node("Flatten", [t], axis=1)
    b.output(b.node("Sigmoid", [t], ["y"]))


@case
def cleanup_dead_branch(b):
    """x -> Sigmoid -> y, plus a branch nobody reads: x -> MaxPool -> Relu.
    Both dead nodes go, the chain in one sweep (2)."""
    x = b.input()
    b.output(b.node("Sigmoid", [x], ["y"]))
    t = b.node("MaxPool", [x], kernel_shape=[2, 2])
    b.node("Relu", [t], ["unused"])


@case
def cleanup_identity_output(b):
    """Identities whose outputs are graph outputs stay: x -> Relu -> r ->
    Identity -> y (output) and x -> Identity -> z (output, straight from the
    input), and y also feeds Sigmoid -> w (output) (0)."""
    x = b.input()
    r = b.node("Relu", [x])
    y = b.node("Identity", [r], ["y"])
    b.output(y)
    b.output(b.node("Identity", [x], ["z"]))
    b.output(b.node("Sigmoid", [y], ["w"]))


# -- fold_bn --------------------------------------------------------------
@case
def fold_bn_conv_bias(b):
    """Conv(+bias, pad 1) -> BN -> y: folded (1)."""
    x = b.input()
    t = b.conv(x, C, 6, pads=[1, 1, 1, 1])
    b.output(b.bn(t, 6, out="y"))


@case
def fold_bn_conv_nobias(b):
    """Conv without bias -> BN (epsilon 1e-3) -> y: folded, the Conv gets a
    bias (1)."""
    x = b.input()
    t = b.conv(x, C, 6, bias=False, pads=[1, 1, 1, 1])
    b.output(b.bn(t, 6, epsilon=1e-3, out="y"))


@case
def fold_bn_depthwise(b):
    """Depthwise Conv (group 4, no bias, stride 2) -> BN: folded (1)."""
    x = b.input()
    t = b.conv(x, C, C, bias=False, group=C, pads=[1, 1, 1, 1], strides=[2, 2])
    b.output(b.bn(t, C, out="y"))


@case
def fold_bn_shared_weight(b):
    """Two Convs sharing one weight initializer, each -> its own BN: both
    fold, each into its own copy of the weights (2)."""
    x = b.input()
    w = b.const("shared_w", (b.rng.standard_normal([6, C, 3, 3]) / 6).astype(np.float32))
    t1 = b.node("Conv", [x, w], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    t2 = b.node("Conv", [x, w], kernel_shape=[3, 3])
    b.output(b.bn(t1, 6, out="y1"))
    b.output(b.bn(t2, 6, out="y2"))


@case
def fold_bn_conv_two_consumers(b):
    """The Conv's output feeds the BN and a Sigmoid: no fold (0)."""
    x = b.input()
    t = b.conv(x, C, 6, pads=[1, 1, 1, 1])
    b.output(b.bn(t, 6))
    b.output(b.node("Sigmoid", [t]))


@case
def fold_bn_conv_output(b):
    """The Conv's output is a graph output and feeds the BN: no fold (0)."""
    x = b.input()
    t = b.conv(x, C, 6, pads=[1, 1, 1, 1])
    b.output(t)
    b.output(b.bn(t, 6))


# -- fuse_pad -------------------------------------------------------------
@case
def fuse_pad_avgpool(b):
    """Pad(1) -> AveragePool 3x3 stride 1 (torch's count_include_pad, as
    Inception-v3 exports it), and Pad(0, 2, 1, 0) -> Conv with pads of its
    own: both fused (2)."""
    x = b.input()
    p = b.node("Pad", [x, b.const("pp", i64(0, 0, 1, 1, 0, 0, 1, 1))])
    t = b.node("AveragePool", [p], kernel_shape=[3, 3])
    q = b.node("Pad", [t, b.const("pq", i64(0, 0, 0, 2, 0, 0, 1, 0))])
    w = b.const("wq", (b.rng.standard_normal([6, C, 3, 3]) / 6).astype(np.float32))
    b.output(b.node("Conv", [q, w], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))


@case
def fuse_pad_kept(b):
    """A Pad of the channel axis, a reflect Pad, a non-zero value, a pool
    with pads of its own and a MaxPool: none fused (0)."""
    x = b.input()
    a = b.node("Pad", [x, b.const("pa", i64(0, 1, 0, 0, 0, 1, 0, 0))])
    c = b.node("Pad", [x, b.const("pc", i64(0, 0, 1, 1, 0, 0, 1, 1))], mode="reflect")
    d = b.node("Pad", [x, b.const("pd", i64(0, 0, 1, 1, 0, 0, 1, 1)), b.const("vd", f32(1.0))])
    e = b.node("Pad", [x, b.const("pe", i64(0, 0, 1, 1, 0, 0, 1, 1))])
    m = b.node("Pad", [x, b.const("pm", i64(0, 0, 1, 1, 0, 0, 1, 1))])
    b.output(b.node("ReduceMean", [a], ["ya"], axes=[1]))
    b.output(b.node("AveragePool", [c], ["yc"], kernel_shape=[3, 3]))
    b.output(b.node("AveragePool", [d], ["yd"], kernel_shape=[3, 3]))
    b.output(b.node("AveragePool", [e], ["ye"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    b.output(b.node("MaxPool", [m], ["ym"], kernel_shape=[3, 3]))


# -- fuse_gate ------------------------------------------------------------
@case
def fuse_gate_silu(b):
    """Sigmoid(x) * x (operands in both orders) and x * Sigmoid(x) after a
    Conv: two SiLUs (2), the Muls gone."""
    x = b.input()
    s = b.node("Sigmoid", [x])
    t = b.node("Mul", [s, x])
    u = b.conv(t, C, 6, pads=[1, 1, 1, 1], wscale=1.5)
    b.output(b.node("Mul", [u, b.node("Sigmoid", [u])], ["y"]))


@case
def fuse_gate_hardswish(b):
    """x * HardSigmoid(x; 1/6, 1/2), as torch exports HardSwish before
    opset 14: a HardSwish (1)."""
    x = b.input()
    t = b.conv(x, C, 6, pads=[1, 1, 1, 1], wscale=3.0)
    h = b.node("HardSigmoid", [t], alpha=1.0 / 6, beta=0.5)
    b.output(b.node("Mul", [t, h], ["y"]))


@case
def fuse_gate_other_hardsigmoid(b):
    """x * HardSigmoid(x) with the default alpha 0.2: not a HardSwish (0)."""
    x = b.input()
    h = b.node("HardSigmoid", [x])
    b.output(b.node("Mul", [x, h], ["y"]))


@case
def fuse_gate_two_consumers(b):
    """The Sigmoid's output is read twice, and a gate of another tensor
    (the SE pattern: x * Sigmoid(s)): no fusion (0)."""
    x = b.input()
    s = b.node("Sigmoid", [x])
    t = b.node("Mul", [x, s])
    g = b.node("Sigmoid", [b.node("ReduceMean", [t], axes=[2, 3])])
    b.output(b.node("Add", [b.node("Mul", [t, g]), s], ["y"]))


@case
def fuse_gate_gelu(b):
    """GELU as torch 1.13 exports it, x*(1 + erf(x/sqrt 2))*0.5, three
    times: after a Conv (then fused into it), with the scale as a Mul by
    1/sqrt 2 and every operand order swapped, and with the 0.5 applied to
    x first: three GELUs (3), 12 nodes gone, and the Conv takes the first;
    a 1x1 Conv after them."""
    x = b.input()
    t = b.conv(x, C, 6, pads=[1, 1, 1, 1], wscale=2.0)
    e = b.node("Erf", [b.node("Div", [t, b.const("sqrt2", f32(np.sqrt(2.0)))])])
    one = b.const("one", f32(1.0))
    half = b.const("half", f32(0.5))
    u = b.node("Mul", [b.node("Mul", [t, b.node("Add", [e, one])]), half])
    e = b.node("Erf", [b.node("Mul", [b.const("rsqrt2", f32([np.sqrt(0.5)])), u])])
    v = b.node("Mul", [half, b.node("Mul", [b.node("Add", [one, e]), u])])
    e = b.node("Erf", [b.node("Div", [v, "sqrt2"])])
    w = b.node("Mul", [b.node("Mul", [half, v]), b.node("Add", [e, one])])
    b.output(b.conv(w, 6, 5, k=1, outputs=["y"]))  # no near-ties at 0 for top-1


@case
def fuse_gate_gelu_near_miss(b):
    """Almost GELUs: x/1.4142 (not sqrt 2 within float rounding), the
    final 0.5 as 0.25, the Erf's result read twice, and the product taken
    with another tensor than x: no fusion (0)."""
    x = b.input()
    one, half = b.const("one", f32(1.0)), b.const("half", f32(0.5))

    def gelu(x, c=np.sqrt(2.0), h=0.5, other=None):
        e = b.node("Erf", [b.node("Div", [x, b.const(f"c{b.count}", f32(c))])])
        a = b.node("Add", [e, one])
        return b.node("Mul", [b.node("Mul", [x if other is None else other, a]),
                              half if h == 0.5 else b.const(f"h{b.count}", f32(h))]), e

    t, _ = gelu(x, c=1.4142)
    t, _ = gelu(t, h=0.25)
    t, e = gelu(t)
    t = b.node("Add", [t, e])
    t, _ = gelu(t, other=x)
    b.output(b.node("Identity", [t], ["y"]))


# -- fuse_layernorm -------------------------------------------------------
LN_SHAPE = [1, 5, 24]


def layernorm(b, x, gamma=None, beta=None, eps=1e-6, square="pow", axes=(-1,), commute=False,
              exponent=2.0):
    """The decomposed LayerNorm torch exports before opset 17; returns
    (y, d): the result and the centred input."""
    m = b.node("ReduceMean", [x], axes=list(axes))
    d = b.node("Sub", [x, m])
    if square == "pow":
        sq = b.node("Pow", [d, b.const(f"p{b.count}", f32(exponent))])
    else:
        sq = b.node("Mul", [d, d])
    v = b.node("ReduceMean", [sq], axes=list(axes))
    e = b.const(f"eps{b.count}", f32(eps))
    t = b.node("Div", [d, b.node("Sqrt", [b.node("Add", [e, v] if commute else [v, e])])])
    if gamma is not None:
        t = b.node("Mul", [gamma, t] if commute else [t, gamma])
    if beta is not None:
        t = b.node("Add", [beta, t] if commute else [t, beta])
    return t, d


@case
def fuse_layernorm_forms(b):
    """Three LayerNorms over the last axis in a row: torch's exact form
    (Pow, gamma and beta [24]); Mul(d, d), eps + v, gamma [1, 24] first
    and no beta; no gamma nor beta: three LayerNormalizations (3), 21
    nodes gone."""
    x = b.input(shape=LN_SHAPE)
    r = b.rng
    g1 = b.const("g1", (1 + 0.5 * r.standard_normal(24)).astype(np.float32))
    b1 = b.const("b1", (0.5 * r.standard_normal(24)).astype(np.float32))
    g2 = b.const("g2", (1 + 0.5 * r.standard_normal([1, 24])).astype(np.float32))
    t, _ = layernorm(b, x, g1, b1)
    t, _ = layernorm(b, t, g2, None, eps=1e-5, square="mul", commute=True)
    t, _ = layernorm(b, t)
    b.output(b.node("Identity", [t], ["y"]))


@case
def fuse_layernorm_row_gamma(b):
    """A 'gamma' of one value per row ([5, 1]) is no LayerNorm scale: the
    normalization fuses (1) and its Mul and Add stay."""
    x = b.input(shape=LN_SHAPE)
    g = b.const("g", (1 + b.rng.standard_normal([5, 1])).astype(np.float32))
    t, _ = layernorm(b, x, g, b.const("beta", f32(np.linspace(-1, 1, 24))))
    b.output(b.node("Identity", [t], ["y"]))


@case
def fuse_layernorm_near_miss(b):
    """Almost LayerNorms: over axis 1 instead of the last, Pow(d, 4), and
    the centred input also a graph output: no fusion (0)."""
    x = b.input(shape=LN_SHAPE)
    t, _ = layernorm(b, x, axes=(1,))
    t, _ = layernorm(b, t, exponent=4.0)
    t, d = layernorm(b, t)
    b.output(b.node("Identity", [t], ["y"]))
    b.output(d)


# -- fuse_matmul_bias -------------------------------------------------------
def weight(b, name, shape):
    return b.const(name, (b.rng.standard_normal(shape) / np.sqrt(shape[0])).astype(np.float32))


@case
def fuse_matmul_bias_linear(b):
    """Two Linear layers on rank-3 input, MatMul by a weight then Add of a
    vector along the last axis, the bias second and first: fused (2)."""
    x = b.input(shape=LN_SHAPE)
    t = b.node("MatMul", [x, weight(b, "w1", [24, 10])])
    t = b.node("Add", [t, b.const("b1", b.rng.standard_normal(10).astype(np.float32))])
    t = b.node("MatMul", [t, weight(b, "w2", [10, 7])])
    t = b.node("Add", [b.const("b2", b.rng.standard_normal([1, 1, 7]).astype(np.float32)), t])
    b.output(b.node("Identity", [t], ["y"]))


@case
def fuse_matmul_bias_near_miss(b):
    """Not a bias per column: one per row ([5, 1]), a product read twice,
    a product of two inputs: no fusion (0)."""
    x = b.input(shape=LN_SHAPE)
    t = b.node("MatMul", [x, weight(b, "w1", [24, 10])])
    t = b.node("Add", [t, b.const("b1", b.rng.standard_normal([5, 1]).astype(np.float32))])
    u = b.node("MatMul", [t, weight(b, "w2", [10, 10])])
    t = b.node("Add", [u, b.const("b2", b.rng.standard_normal(10).astype(np.float32))])
    t = b.node("Mul", [t, u])
    v = b.node("MatMul", [t, b.node("Transpose", [t], perm=[0, 2, 1])])
    t = b.node("Add", [v, b.const("b3", b.rng.standard_normal(5).astype(np.float32))])
    b.output(b.node("Identity", [t], ["y"]))


# -- fuse_act -------------------------------------------------------------
@case
def fuse_act_relu(b):
    """Conv -> Relu: fused (1)."""
    x = b.input()
    t = b.conv(x, C, 6, pads=[1, 1, 1, 1])
    b.output(b.node("Relu", [t], ["y"]))


@case
def fuse_act_clip(b):
    """Conv -> Clip(0, 6), weights large enough that both bounds bite:
    fused (1)."""
    x = b.input()
    t = b.conv(x, C, 6, pads=[1, 1, 1, 1], wscale=1.5)
    b.output(b.node("Clip", [t, b.const("lo", f32(0.0)), b.const("hi", f32(6.0))], ["y"]))


@case
def fuse_act_leakyrelu(b):
    """Conv -> LeakyRelu(alpha 0.2): fused (1)."""
    x = b.input()
    t = b.conv(x, C, 6, pads=[1, 1, 1, 1])
    b.output(b.node("LeakyRelu", [t], ["y"], alpha=0.2))


@case
def fuse_act_sigmoid_tanh(b):
    """Conv -> Sigmoid and Conv -> Tanh (the SIMD activations after the
    GEMM and the Winograd paths): both fused (2)."""
    x = b.input(shape=[1, C, 16, 16])
    t = b.node("Sigmoid", [b.conv(x, C, 6, k=1, wscale=3.0)])
    b.output(b.node("Tanh", [b.conv(t, 6, 8, pads=[1, 1, 1, 1], wscale=0.5)], ["y"]))


@case
def fuse_act_hardsigmoid_depthwise(b):
    """Depthwise 5x5 Conv -> HardSigmoid(0.3, 0.4): fused (1)."""
    x = b.input()
    t = b.conv(x, C, C, k=5, group=C, pads=[2, 2, 2, 2], wscale=3.0)
    b.output(b.node("HardSigmoid", [t], ["y"], alpha=0.3, beta=0.4))


@case
def fuse_act_two_consumers(b):
    """The Conv's output feeds the Relu and an Add: no fusion (0)."""
    x = b.input()
    t = b.conv(x, C, 6, pads=[1, 1, 1, 1])
    r = b.node("Relu", [t])
    b.output(b.node("Add", [t, r], ["y"]))


@case
def fuse_act_conv_output(b):
    """The Conv's output is a graph output and feeds the Relu: no fusion (0)."""
    x = b.input()
    t = b.conv(x, C, 6, pads=[1, 1, 1, 1])
    b.output(t)
    b.output(b.node("Relu", [t], ["y"]))


# -- fuse_add -------------------------------------------------------------
@case
def fuse_add_conv_relu(b):
    """x -> Conv3x3 -> Add(x) -> Relu: the Relu goes into the Add and the Add
    into the Conv, x its residual (2)."""
    x = b.input()
    t = b.conv(x, C, C, pads=[1, 1, 1, 1])
    b.output(b.node("Relu", [b.node("Add", [t, x])], ["y"]))


@case
def fuse_add_resnet_block(b):
    """ResNet's basic block: Conv -> BN -> Relu -> Conv -> BN -> Add(x) ->
    Relu; both BNs fold, the first Relu and the Add+Relu go into the Convs
    (fold_bn 2, fuse_act 1, fuse_add 2)."""
    x = b.input()
    t = b.node("Relu", [b.bn(b.conv(x, C, C, bias=False, pads=[1, 1, 1, 1]), C)])
    t = b.bn(b.conv(t, C, C, bias=False, pads=[1, 1, 1, 1]), C)
    b.output(b.node("Relu", [b.node("Add", [x, t])], ["y"]))


@case
def fuse_add_skip_after(b):
    """Add(Conv_a(x), Conv_b(x)) with Conv_b after Conv_a: Conv_a's output is
    ready before Conv_b runs, so the Add goes into Conv_b (1)."""
    x = b.input()
    ta = b.conv(x, C, 6, k=1)
    tb = b.conv(x, C, 6, pads=[1, 1, 1, 1])
    b.output(b.node("Add", [ta, tb], ["y"]))


@case
def fuse_add_clip_1x1(b):
    """MobileNetV2-like: Conv1x1 (pointwise) -> Add(x) -> Clip(0, 6) on a
    7x9 map (63 pixels: a partial tile in every kernel) (2)."""
    x = b.input(shape=[1, 8, 7, 9])
    t = b.conv(x, 8, 8, k=1, wscale=1.5)
    b.output(b.node("Clip", [b.node("Add", [t, x]), b.const("lo", f32(0.0)), b.const("hi", f32(6.0))], ["y"]))


@case
def fuse_add_batch2(b):
    """Batch 2: Conv3x3 on a 16x16 map (runs as Winograd) -> Add(x) ->
    LeakyRelu (2)."""
    x = b.input(shape=[2, 8, 16, 16])
    t = b.conv(x, 8, 8, pads=[1, 1, 1, 1])
    b.output(b.node("LeakyRelu", [b.node("Add", [x, t])], ["y"], alpha=0.1))


@case
def fuse_add_concat_slice(b):
    """The residual is a channel slice of a Concat's buffer: a = Conv(x),
    Concat(a, Conv(x)) -> Relu -> y1, and Conv(x) + a -> y2 (fuse_add 1,
    slice_concats 1)."""
    x = b.input()
    a = b.conv(x, C, C, k=1)
    cat = b.node("Concat", [a, b.conv(x, C, C, k=1)], axis=1)
    b.output(b.node("Relu", [cat], ["y1"]))
    b.output(b.node("Add", [b.conv(x, C, C, pads=[1, 1, 1, 1]), a], ["y2"]))


@case
def fuse_add_weight_input(b):
    """The Conv's weights are a graph input (the reference kernel runs it,
    residual included): Conv(x, w) -> Add(x) -> Relu (2)."""
    x = b.input()
    w = b.input("w", [C, C, 3, 3])
    t = b.node("Conv", [x, w], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    b.output(b.node("Relu", [b.node("Add", [t, x])], ["y"]))


@case
def fuse_add_depthwise(b):
    """Depthwise Conv -> Add(x): the depthwise kernel takes no residual, so
    only a plain Add is left (0)."""
    x = b.input()
    t = b.conv(x, C, C, group=C, pads=[1, 1, 1, 1])
    b.output(b.node("Add", [t, x], ["y"]))


@case
def fuse_add_conv_output(b):
    """The Conv's output is a graph output too: the Add stays (0)."""
    x = b.input()
    t = b.conv(x, C, C, pads=[1, 1, 1, 1])
    b.output(t)
    b.output(b.node("Add", [t, x], ["y"]))


@case
def fuse_add_broadcast(b):
    """Add of a Conv's output and a per-channel constant (a broadcast): not a
    residual (0)."""
    x = b.input()
    t = b.conv(x, C, C, pads=[1, 1, 1, 1])
    b.output(b.node("Add", [t, b.const("k", np.ones([C, 1, 1], np.float32))], ["y"]))


# -- fuse_scale -----------------------------------------------------------
def se_scale(b, t, c, mid, gate="Sigmoid"):
    """A squeeze-and-excitation scale of t [1,c,H,W]: GlobalAveragePool ->
    1x1 (c -> mid) -> Relu -> 1x1 (mid -> c) -> gate, shape [1,c,1,1]."""
    p = b.node("GlobalAveragePool", [t])
    r = b.node("Relu", [b.conv(p, c, mid, k=1, wscale=1.0)])
    return b.node(gate, [b.conv(r, mid, c, k=1, wscale=1.0)])


@case
def fuse_scale_se_block(b):
    """EfficientNet's block on a 12x12 map: 1x1 (16 -> 48) -> SiLU, its SE
    scale, Mul(t, s) -> 1x1 projection (48 -> 16) -> Add(x): the projection
    reads t with s as its input scale (fuse_scale 1) and takes the Add
    (fuse_add 1); the expansion's SiLU is fuse_gate's (1) and fuse_act's,
    as are the SE's Relu and Sigmoid (fuse_act 3)."""
    x = b.input(shape=[1, 16, 12, 12])
    e = b.conv(x, 16, 48, k=1)
    t = b.node("Mul", [e, b.node("Sigmoid", [e])], ["t"])
    m = b.node("Mul", [t, se_scale(b, t, 48, 8)])
    b.output(b.node("Add", [b.conv(m, 48, 16, k=1), x], ["y"]))


@case
def fuse_scale_padded_3x3(b):
    """Mul(s, t) (the scale first), a HardSigmoid gate, and a padded 3x3
    Conv (24 -> 24, 16x16: Winograd) reading it: fuse_scale 1; fuse_act 4
    (the Relus after the two Convs and the SE's Relu and gate)."""
    x = b.input(shape=[1, 24, 16, 16])
    t = b.node("Relu", [b.conv(x, 24, 24, k=1)], ["t"])
    m = b.node("Mul", [se_scale(b, t, 24, 8, gate="HardSigmoid"), t])
    b.output(b.node("Relu", [b.conv(m, 24, 24, pads=[1, 1, 1, 1])], ["y"]))


@case
def fuse_scale_weights_input(b):
    """The Conv's weights are a graph input (the reference kernel, not the
    prepacked one, runs it): Mul(t, s) -> Conv(., w) still reads t with s
    as its input scale (fuse_scale 1; fuse_act 3: the Relu of t, the SE's
    Relu and Sigmoid)."""
    x = b.input(shape=[1, 8, 8, 8])
    w = b.input("w", shape=[8, 8, 1, 1])
    t = b.node("Relu", [b.conv(x, 8, 8, k=1)], ["t"])
    m = b.node("Mul", [t, se_scale(b, t, 8, 4)])
    b.output(b.node("Conv", [m, w], ["y"], kernel_shape=[1, 1]))


@case
def fuse_scale_near_miss(b):
    """No fusion: a scaled tensor read twice (by a Conv and the output sum),
    one read by a depthwise Conv, one by a Relu, and a Mul by a per-pixel
    map [1,1,H,W] (fuse_act 4: the Relu of t, the SE's Relu and Sigmoid,
    the per-pixel map's Sigmoid)."""
    x = b.input(shape=[1, 8, 8, 8])
    t = b.node("Relu", [b.conv(x, 8, 8, k=1)], ["t"])
    s = se_scale(b, t, 8, 4)
    m1 = b.node("Mul", [t, s])
    a = b.conv(m1, 8, 8, k=1)
    m2 = b.node("Mul", [t, s])
    d = b.conv(m2, 8, 8, pads=[1, 1, 1, 1], group=8)
    m3 = b.node("Mul", [t, s])
    r = b.node("Relu", [m3])
    pix = b.node("Sigmoid", [b.conv(t, 8, 1, k=1)])
    m4 = b.node("Mul", [t, pix])
    c = b.conv(m4, 8, 8, k=1)
    b.output(b.node("Sum", [a, m1, d, r, c], ["y"]))


@case
def fuse_scale_batch2(b):
    """Batch 2: each image has its own scale, which the Conv's per-channel
    input scale cannot hold: no fusion (fuse_act 2)."""
    x = b.input(shape=[2, 8, 8, 8])
    m = b.node("Mul", [x, se_scale(b, x, 8, 4)])
    b.output(b.conv(m, 8, 8, k=1))


# -- fuse_preact ----------------------------------------------------------
@case
def fuse_preact_relu_conv(b):
    """BN -> Relu -> Conv3x3 pad 1, relu(bn(0)) > 0 in every channel: BN and
    Relu fused into the Conv (1 rewrite, 2 nodes)."""
    x = b.input()
    r = b.node("Relu", [b.bn(x, C, positive_shift=True)])
    b.output(b.conv(r, C, 6, pads=[1, 1, 1, 1]))


@case
def fuse_preact_two_convs(b):
    """BN -> Relu -> two Convs (3x3 pad 1, and 1x1): one rewrite, both Convs
    read x (2 nodes)."""
    x = b.input()
    r = b.node("Relu", [b.bn(x, C, positive_shift=True)])
    b.output(b.conv(r, C, 6, pads=[1, 1, 1, 1]))
    b.output(b.conv(r, C, 5, k=1))


@case
def fuse_preact_lone_bn(b):
    """A lone BN -> Conv3x3 pad 1 (bn(0) != 0): fused (1 rewrite, 1 node)."""
    x = b.input()
    b.output(b.conv(b.bn(x, C, positive_shift=True), C, 6, pads=[1, 1, 1, 1]))


@case
def fuse_preact_depthwise_strided(b):
    """BN -> Relu -> depthwise Conv3x3 (group 4, stride 2, asymmetric pads
    0,1,1,0): the per-channel affine must follow the groups (1, 2 nodes)."""
    x = b.input()
    r = b.node("Relu", [b.bn(x, C, positive_shift=True)])
    b.output(b.conv(r, C, 8, group=C, pads=[0, 1, 1, 0], strides=[2, 2]))


@case
def fuse_preact_conv1d(b):
    """BN -> Relu -> Conv1d k3 pad 1 on a 1x4x16 input (1, 2 nodes)."""
    x = b.input(shape=[1, C, 16])
    r = b.node("Relu", [b.bn(x, C, positive_shift=True)])
    b.output(b.conv(r, C, 6, ndim=1, pads=[1, 1]))


@case
def fuse_preact_dense_layer(b):
    """DenseNet's layer: BN -> Relu -> Conv1x1 -> BN -> Relu -> Conv3x3 pad 1.
    fold_bn folds the middle BN, fuse_act takes its Relu, fuse_preact the
    first BN and Relu, into a Conv that already has an epilogue
    (1 + 1 + 1 rewrites, 4 nodes)."""
    x = b.input()
    r = b.node("Relu", [b.bn(x, C, positive_shift=True)])
    t = b.conv(r, C, 8, k=1, bias=False)
    t = b.node("Relu", [b.bn(t, 8)])
    b.output(b.conv(t, 8, 4, bias=False, pads=[1, 1, 1, 1]))


@case
def fuse_preact_bn_two_consumers(b):
    """The BN's output feeds a Relu (-> Conv) and an Add: no fusion (0);
    the Add goes into the Conv (fuse_add 1)."""
    x = b.input()
    t = b.bn(x, C, positive_shift=True)
    r = b.node("Relu", [t])
    c = b.conv(r, C, C, pads=[1, 1, 1, 1])
    b.output(b.node("Add", [t, c], ["y"]))


@case
def fuse_preact_relu_two_consumers(b):
    """BN -> Relu whose output feeds a Conv and a Sigmoid (which cannot
    apply a pre-activation): no fusion (0)."""
    x = b.input()
    r = b.node("Relu", [b.bn(x, C, positive_shift=True)])
    b.output(b.conv(r, C, 6, pads=[1, 1, 1, 1]))
    b.output(b.node("Sigmoid", [r]))


@case
def fuse_preact_maxpool(b):
    """BN (scale may be negative) -> Relu -> MaxPool 3x3 pad 1: the pool
    applies the affine to each tap before the max, and skips the pads
    (1 rewrite, 2 nodes)."""
    x = b.input()
    r = b.node("Relu", [b.bn(x, C, positive_shift=True)])
    b.output(b.node("MaxPool", [r], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))


@case
def fuse_preact_avgpool_pad(b):
    """BN -> Relu -> AveragePool 3x3 pad 1 count_include_pad: the pads
    still count as zeros (relu(bn(0)) > 0 would differ) (1, 2 nodes)."""
    x = b.input()
    r = b.node("Relu", [b.bn(x, C, positive_shift=True)])
    b.output(b.node("AveragePool", [r], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                    count_include_pad=1))


@case
def fuse_preact_global_pool(b):
    """DenseNet's head: BN -> Relu -> GlobalAveragePool -> Flatten -> Gemm;
    the pool applies BN and Relu while it reads (1 rewrite, 2 nodes)."""
    x = b.input()
    r = b.node("Relu", [b.bn(x, C, positive_shift=True)])
    g = b.node("Flatten", [b.node("GlobalAveragePool", [r])])
    w = b.const("fc_w", b.rng.standard_normal([3, C]).astype(np.float32))
    fb = b.const("fc_b", b.rng.standard_normal([3]).astype(np.float32))
    b.output(b.node("Gemm", [g, w, fb], ["y"], transB=1))


# -- commute_pool ---------------------------------------------------------
@case
def commute_pool_transition(b):
    """DenseNet's transition: BN -> Relu -> Conv1x1 (no bias) -> AveragePool
    2x2/2.  fuse_preact gives the Conv the BN+Relu, commute_pool swaps Conv
    and pool: the pool reads x with the pre-activation, the Conv reads the
    pooled tensor (1 + 1 rewrites, 2 nodes)."""
    x = b.input()
    r = b.node("Relu", [b.bn(x, C, positive_shift=True)])
    t = b.conv(r, C, 6, k=1, bias=False)
    b.output(b.node("AveragePool", [t], ["y"], kernel_shape=[2, 2], strides=[2, 2]))


@case
def commute_pool_bias_3x3_window(b):
    """Conv1x1 with a bias -> AveragePool 3x3 stride 2 (overlapping
    windows, 8x8 -> 3x3): still exact, the bias passes through (1, 0 nodes)."""
    x = b.input()
    t = b.conv(x, C, 5, k=1)
    b.output(b.node("AveragePool", [t], ["y"], kernel_shape=[3, 3], strides=[2, 2]))


@case
def commute_pool_padded(b):
    """Conv1x1 -> AveragePool 2x2/2 with padding: the pads would see the
    Conv's bias, not zeros: no swap (0)."""
    x = b.input()
    t = b.conv(x, C, 5, k=1)
    b.output(b.node("AveragePool", [t], ["y"], kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1]))


@case
def commute_pool_relu_between(b):
    """Conv1x1 -> Relu -> AveragePool: the Relu becomes the Conv's epilogue
    (fuse_act) and a nonlinearity does not commute: no swap (1 + 0)."""
    x = b.input()
    t = b.node("Relu", [b.conv(x, C, 5, k=1)])
    b.output(b.node("AveragePool", [t], ["y"], kernel_shape=[2, 2], strides=[2, 2]))


@case
def commute_pool_conv3x3(b):
    """Conv3x3 -> AveragePool 2x2/2: not a pointwise Conv: no swap (0)."""
    x = b.input()
    t = b.conv(x, C, 5, pads=[1, 1, 1, 1])
    b.output(b.node("AveragePool", [t], ["y"], kernel_shape=[2, 2], strides=[2, 2]))


@case
def commute_pool_conv_output(b):
    """Conv1x1 whose output is also a graph output -> AveragePool: no swap (0)."""
    x = b.input()
    t = b.conv(x, C, 5, k=1)
    b.output(t)
    b.output(b.node("AveragePool", [t], ["y"], kernel_shape=[2, 2], strides=[2, 2]))


# -- slice_concats --------------------------------------------------------
@case
def slice_concats_dense_block(b):
    """A two-layer dense block: Concat(x0, f1) and Concat(x0, f1, f2) where
    x0 comes from a Conv: both Concats elided, the largest owns the buffer
    (2 rewrites, 0 nodes removed: elided Concats stay in the IR)."""
    x = b.input()
    x0 = b.conv(x, C, 4, pads=[1, 1, 1, 1])
    f1 = b.conv(x0, 4, 2, pads=[1, 1, 1, 1])
    c1 = b.node("Concat", [x0, f1], axis=1)
    f2 = b.conv(c1, 6, 2, pads=[1, 1, 1, 1])
    c2 = b.node("Concat", [x0, f1, f2], axis=1)
    b.output(b.conv(c2, 8, 3, k=1))


@case
def slice_concats_input_is_output(b):
    """A Concat input that is also a graph output must keep its own buffer:
    the Concat copies (0)."""
    x = b.input()
    a = b.conv(x, C, 3, pads=[1, 1, 1, 1])
    c = b.conv(x, C, 2, pads=[1, 1, 1, 1])
    b.output(a)
    b.output(b.conv(b.node("Concat", [a, c], axis=1), 5, 3, k=1))


@case
def slice_concats_strided_reads(b):
    """Batch 2: a dense block (2 rewrites) whose first two features x0 and
    f1 are channel ranges of the block's buffer, strided between images;
    three Concats that copy read them: along the channels, along the images
    (axis 0) and along the rows (axis 2)."""
    x = b.input("x", [2, C, H, W])
    x0 = b.conv(x, C, 4, pads=[1, 1, 1, 1])
    f1 = b.conv(x0, 4, 2, pads=[1, 1, 1, 1])
    c1 = b.node("Concat", [x0, f1], axis=1)
    f2 = b.conv(c1, 6, 2, pads=[1, 1, 1, 1])
    c2 = b.node("Concat", [x0, f1, f2], axis=1)
    b.output(b.node("Relu", [b.conv(c2, 8, 3, k=1)], ["y"]))
    b.output(b.node("Concat", [x0, x], ["y1"], axis=1))
    b.output(b.node("Concat", [f1, f1], ["y2"], axis=0))
    b.output(b.node("Concat", [x0, x0], ["y3"], axis=2))


MERGE_X = [1, 8, 18, 18]  # 324 output pixels: more than merge_convs' MIN_PLANE


@case
def merge_convs_inception(b):
    """An Inception block's heads: three 1x1 Convs (+Relu) of x, one with no
    bias, the first written into the block's Concat, the others read by
    3x3 Convs.  One merged Conv of 16 + 8 + 24 outputs (merge_convs 1), the
    first output copied into the Concat's buffer (an Identity) that
    slice_concats placed."""
    x = b.input("x", MERGE_X)
    a = b.node("Relu", [b.conv(x, 8, 16, k=1)])
    p = b.node("Relu", [b.conv(x, 8, 8, k=1, bias=False)])
    q = b.node("Relu", [b.conv(x, 8, 24, k=1)])
    p2 = b.node("Relu", [b.conv(p, 8, 16, pads=[1, 1, 1, 1])])
    q2 = b.node("Relu", [b.conv(q, 24, 8, pads=[1, 1, 1, 1])])
    b.output(b.node("Sigmoid", [b.node("Concat", [a, p2, q2], axis=1)], ["y"]))


@case
def merge_convs_batch2(b):
    """Batch 2: three 1x1 Convs of x; two are read by Convs (which take an
    image stride) and merge, the third is written into a Concat, where a
    slice of the merged output would need a strided copy: it stays (1)."""
    x = b.input("x", [2] + MERGE_X[1:])
    a = b.conv(x, 8, 8, k=1)
    p = b.conv(x, 8, 16, k=1)
    q = b.conv(x, 8, 8, k=1)
    cat = b.node("Concat", [a, b.conv(p, 16, 8, pads=[1, 1, 1, 1])], axis=1)
    b.output(b.node("Concat", [cat, b.conv(q, 8, 4, pads=[1, 1, 1, 1])], ["y"], axis=1))


@case
def merge_convs_near_miss(b):
    """Convs of one x that must stay apart (0): a 1x1 +Relu, a 1x1 with no
    activation, a 3x3, a 1x1 of stride 2, a 1x1 whose output is a graph
    output; and two 1x1 Convs of a small map (8x8)."""
    x = b.input("x", MERGE_X)
    a = b.node("Relu", [b.conv(x, 8, 8, k=1)])
    n = b.conv(x, 8, 8, k=1)
    c = b.node("Relu", [b.conv(x, 8, 8, pads=[1, 1, 1, 1])])
    b.output(b.node("Concat", [a, n, c], ["y1"], axis=1))
    b.output(b.node("Sigmoid", [b.node("Relu", [b.conv(x, 8, 8, k=1, strides=[2, 2])])], ["y2"]))
    b.output(b.node("Relu", [b.conv(x, 8, 8, k=1)], ["y3"]))
    s = b.input("s", [1, 8, 8, 8])
    b.output(b.node("Concat", [b.node("Relu", [b.conv(s, 8, 8, k=1)]), b.node("Relu", [b.conv(s, 8, 4, k=1)])],
                    ["y4"], axis=1))


@case
def fuse_preact_relu_output(b):
    """BN -> Relu (a graph output) -> Conv: no fusion (0)."""
    x = b.input()
    r = b.node("Relu", [b.bn(x, C, positive_shift=True)])
    b.output(r)
    b.output(b.conv(r, C, 6, pads=[1, 1, 1, 1]))


@case
def fuse_preact_conv_weight(b):
    """A lone BN whose output is a Conv's weight (input 1), not its data
    input: no fusion (0)."""
    x = b.input(shape=[C, C, 3, 3])
    w = b.bn(x, C, positive_shift=True)
    d = b.input("d", XSHAPE)
    b.output(b.node("Conv", [d, w], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))


@case
def fuse_preact_unnamed(b):
    """Two BN -> Relu -> Conv branches on the same input, every node without
    a name: both fuse (2 rewrites, 4 nodes); the constants the pass adds
    (named after the BN) must not clash."""
    x = b.input()
    for cout in (6, 5):
        t = b.node("Relu", [b.bn(x, C, positive_shift=True, name="")], name="")
        b.output(b.conv(t, C, cout, pads=[1, 1, 1, 1], name=""))


def main():
    args = sys.argv[1:]
    if args == ["--list"]:
        print("\n".join(CASES))
        return
    if len(args) != 1:
        sys.exit(__doc__.strip().splitlines()[-1])
    out = args[0]
    os.makedirs(out, exist_ok=True)
    for name, fn in CASES.items():
        b = Builder(name)
        fn(b)
        m = b.model()
        path = os.path.join(out, name + ".onnx")
        tmp = path + ".tmp"
        onnx.save(m, tmp)
        os.replace(tmp, path)
    print(f"{len(CASES)} models in {out}")


if __name__ == "__main__":
    main()
