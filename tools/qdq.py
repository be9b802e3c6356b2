#!/usr/bin/python3
"""Converts a float ONNX model to the QDQ form of a statically quantized model.

The form is the one onnxruntime's static quantizer writes (its Python
quantizer is not available here, so this is an independent writer of the
same format):

  * activations: uint8, one scale and zero point per tensor (asymmetric),
    calibrated from the real min/max of each tensor over a few inputs; the
    range always contains 0: [min(0, lo), max(0, hi)], scale = (hi-lo)/255,
    zero point = round(-lo/scale);
  * weights of Conv, Gemm and MatMul: int8, symmetric per output channel
    (Conv and Gemm with transB: axis 0; MatMul and Gemm without transB: the
    column axis), zero point 0, range [-127, 127], scale = max|w| / 127;
  * biases: int32 with scale x_scale * w_scale[oc], zero point 0;
  * each quantized tensor t becomes  producer -> QuantizeLinear ->
    DequantizeLinear -> consumers, so every quantized operator reads
    DequantizeLinear outputs and its result goes through a
    QuantizeLinear/DequantizeLinear pair: DQ -> op -> Q around Conv, Gemm,
    MatMul, Add, Concat, MaxPool, AveragePool and GlobalAveragePool.
    Tensor names are kept: the DequantizeLinear output carries the original
    name, the float result of the operator becomes NAME_prequant.

Choices:
  * A Relu (or Clip with min 0) that is the only consumer of a Conv, Gemm,
    MatMul or Add output is folded away: the operator's output takes the
    activation's calibrated range, whose zero point is then 0, and
    QuantizeLinear's saturation at 0 (and at the range's top, which is at
    most the Clip's max) does what the activation did.
  * Concat: all inputs and the output share one scale and zero point (the
    union of their ranges, over whole chains of concats), so a concat is an
    exact copy of bytes and DenseNet's concat chain can be a view of one
    block buffer.  MaxPool's output shares its input's parameters (max
    commutes with a monotone quantization).  AveragePool and
    GlobalAveragePool requantize: their outputs have their own ranges.
  * DenseNet's pre-activation BatchNormalization -> Relu cannot be folded
    into the preceding convolution (the concat is in between) nor into the
    following one (the Relu is in between).  It stays in float between a
    DequantizeLinear (of the concat) and a QuantizeLinear (of the Relu
    output, the next convolution's input), as onnxruntime leaves operators
    it does not quantize.  A compiler can still run it on bytes: it maps
    each uint8 input value of a channel to one uint8 output value.
  * Rounding is half to even (numpy.rint), as ONNX QuantizeLinear specifies.

Calibration: the float model is run by onnxruntime (node tools/ort_run.js)
on --calib N seeded random inputs (standard normal, or uniform in [0, 1)
with --dist uniform), or on the given .npy files, with every tensor that
is quantized added as a graph output; min and max are taken over all runs.

usage: qdq.py MODEL.onnx -o OUT.onnx [--calib N] [--seed S]
              [--dist normal|uniform] [--npy FILE.npy ...]
              [--shape NAME=d0,d1,...]

Needs opset 13 or later (per-axis DequantizeLinear).  Must run under
Debian's /usr/bin/python3 (onnx, numpy); node and onnxruntime-node
($ONNXCC_NODE_MODULES, as for tools/ort_run.js) for calibration.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

try:
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError:
    sys.exit("qdq.py: needs the onnx Python package (run it with /usr/bin/python3)")

PROG = "qdq.py"
# Operators whose activation inputs and output are quantized.
QUANTIZED = {"Conv", "Gemm", "MatMul", "Add", "Concat", "MaxPool", "AveragePool",
             "GlobalAveragePool"}
# Operators after which a Relu/Clip(0, ...) is folded into the output range.
FOLDS_ACT = {"Conv", "Gemm", "MatMul", "Add"}


def die(msg):
    sys.exit(f"{PROG}: {msg}")


class Model:
    """The graph with lookup tables: producers, consumers, constants."""

    def __init__(self, model, path):
        self.model = model
        self.path = path
        g = model.graph
        self.inits = {t.name: t for t in g.initializer}
        self.consts = {}  # name -> numpy array, initializers and Constant outputs
        for t in g.initializer:
            self.consts[t.name] = numpy_helper.to_array(t)
        for n in g.node:
            if n.op_type == "Constant" and len(n.output) == 1:
                for a in n.attribute:
                    if a.name == "value":
                        self.consts[n.output[0]] = numpy_helper.to_array(a.t)
        self.producer = {}
        self.consumers = {}
        for i, n in enumerate(g.node):
            for o in n.output:
                if o:
                    self.producer[o] = i
            for x in n.input:
                if x:
                    self.consumers.setdefault(x, []).append(i)
        self.outputs = {o.name for o in g.output}
        self.inputs = [i.name for i in g.input if i.name not in self.inits]

    def node_err(self, n, msg):
        die(f"{self.path}: node '{n.name}' ({n.op_type}): {msg}")

    def is_act(self, name):
        return bool(name) and name not in self.consts

    def attr(self, n, name, default):
        for a in n.attribute:
            if a.name == name:
                return helper.get_attribute_value(a)
        return default


def weight_inputs(m, n):
    """Input indices of n that are quantized as weights / bias, and the axis."""
    if n.op_type == "Conv":
        return {1: 0}, 2
    if n.op_type == "Gemm":
        alpha, beta = m.attr(n, "alpha", 1.0), m.attr(n, "beta", 1.0)
        if m.attr(n, "transA", 0) or alpha != 1.0:
            return {}, None
        axis = 0 if m.attr(n, "transB", 0) else 1
        return {1: axis}, (2 if beta == 1.0 else None)
    if n.op_type == "MatMul":
        return {1: 1}, None
    return {}, None


def plan(m):
    """Which tensors are quantized, which activations fold, which share scales.

    Returns (tensors, folds, classes): the ordered list of quantized tensor
    names (as named in the float model), a dict act node index -> producer
    node index for folded activations, and a dict tensor -> class root."""
    g = m.model.graph
    folds = {}
    quantized_nodes = []
    for i, n in enumerate(g.node):
        if n.op_type not in QUANTIZED:
            continue
        if n.op_type in ("Conv", "Gemm", "MatMul"):
            w = n.input[1] if len(n.input) > 1 else ""
            if w not in m.consts:
                continue  # a run-time weight: leave the node float
            if m.consts[w].dtype != np.float32:
                m.node_err(n, f"weight '{w}' is {m.consts[w].dtype}, not float32")
        if n.op_type == "Add" and not all(m.is_act(x) for x in n.input):
            continue
        if not m.is_act(n.input[0]):
            continue
        quantized_nodes.append(i)
        out = n.output[0]
        users = m.consumers.get(out, [])
        if n.op_type in FOLDS_ACT and len(users) == 1 and out not in m.outputs:
            a = g.node[users[0]]
            if a.op_type == "Relu" or (a.op_type == "Clip" and clip_min(m, a) == 0.0):
                folds[users[0]] = i

    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    folded_out = {g.node[p].output[0]: g.node[a].output[0] for a, p in folds.items()}
    tensors = []
    seen = set()

    def add(t):
        t = folded_out.get(t, t)
        if t not in seen:
            seen.add(t)
            tensors.append(t)
            find(t)
        return t

    for i in quantized_nodes:
        n = g.node[i]
        wts, bias = weight_inputs(m, n)
        ins = []
        for k, x in enumerate(n.input):
            if k in wts or k == bias or not m.is_act(x):
                continue
            ins.append(add(x))
        out = add(n.output[0])
        if n.op_type in ("Concat", "MaxPool"):
            for x in ins:
                union(out, x)
    classes = {t: find(t) for t in tensors}
    return tensors, folds, classes, quantized_nodes


def clip_min(m, n):
    lo = None
    if len(n.input) > 1 and n.input[1]:
        if n.input[1] not in m.consts:
            return None
        lo = float(m.consts[n.input[1]])
    else:
        lo = m.attr(n, "min", None)
    return lo


# ---- calibration -------------------------------------------------------------


def input_shapes(m, overrides):
    shapes = []
    for name in m.inputs:
        if name in overrides:
            shapes.append(overrides[name])
            continue
        vi = next(i for i in m.model.graph.input if i.name == name)
        tt = vi.type.tensor_type
        if tt.elem_type != TensorProto.FLOAT:
            die(f"{m.path}: input '{name}' is not float32; only float models are converted")
        dims = [d.dim_value if d.HasField("dim_value") else -1 for d in tt.shape.dim]
        if any(d <= 0 for d in dims):
            die(f"{m.path}: input '{name}' has symbolic dims; pass --shape {name}=d0,d1,...")
        shapes.append(dims)
    return shapes


def calib_inputs(m, args):
    shapes = input_shapes(m, args.shape)
    if args.npy:
        if len(m.inputs) != 1:
            die(f"{m.path}: --npy needs a model with one input, it has {len(m.inputs)}")
        runs = []
        for f in args.npy:
            try:
                a = np.load(f).astype(np.float32)
            except Exception as e:  # unreadable, not npy, pickled objects
                die(f"{f}: cannot read as .npy: {e}")
            if list(a.shape) != list(shapes[0]):
                die(f"{f}: shape {list(a.shape)}, input '{m.inputs[0]}' needs {list(shapes[0])}")
            runs.append([a])
        return runs
    rng = np.random.default_rng(args.seed)
    runs = []
    for _ in range(args.calib):
        if args.dist == "uniform":
            runs.append([rng.random(s, dtype=np.float32) for s in shapes])
        else:
            runs.append([rng.standard_normal(s, dtype=np.float32) for s in shapes])
    return runs


def calibrate(m, tensors, args):
    """min and max of each tensor over the calibration runs (onnxruntime)."""
    cal = onnx.ModelProto()
    cal.CopyFrom(m.model)
    have = {o.name for o in cal.graph.output}
    extra = [t for t in tensors if t not in have]
    for t in extra:
        cal.graph.output.append(helper.make_tensor_value_info(t, TensorProto.FLOAT, None))
    names = [o.name for o in cal.graph.output]
    ort_run = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ort_run.js")
    lo = {t: np.inf for t in tensors}
    hi = {t: -np.inf for t in tensors}
    with tempfile.TemporaryDirectory(prefix="qdq_") as tmp:
        path = os.path.join(tmp, "calib.onnx")
        onnx.save(cal, path)
        for r, inputs in enumerate(calib_inputs(m, args)):
            files = []
            for k, a in enumerate(inputs):
                f = os.path.join(tmp, f"in{k}.bin")
                a.astype("<f4").tofile(f)
                files.append(f)
            out = os.path.join(tmp, "out")
            cmd = [os.environ.get("NODE", "node"), ort_run, path, "--out", out]
            for name, dims in args.shape.items():
                cmd += ["--shape", f"{name}={','.join(map(str, dims))}"]
            try:
                p = subprocess.run(cmd + files, capture_output=True, text=True)
            except OSError as e:
                die(f"cannot run node: {e}")
            if p.returncode != 0:
                die(f"calibration run failed: {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else 'status %d' % p.returncode}")
            for k, name in enumerate(names):
                if name not in lo:
                    continue
                v = np.fromfile(os.path.join(out, f"output_{k}.bin"), dtype="<f4")
                if v.size == 0:
                    continue
                if not np.all(np.isfinite(v)):
                    die(f"calibration: tensor '{name}' has non-finite values")
                lo[name] = min(lo[name], float(v.min()))
                hi[name] = max(hi[name], float(v.max()))
    return lo, hi


# ---- quantization parameters -------------------------------------------------


def act_params(lo, hi):
    """uint8 asymmetric scale and zero point for [lo, hi] (widened to hold 0)."""
    lo, hi = min(0.0, lo), max(0.0, hi)
    if hi - lo <= 0 or not np.isfinite(hi - lo):
        return np.float32(1.0), np.uint8(0)
    scale = np.float32((hi - lo) / 255.0)
    zp = np.clip(np.rint(-lo / np.float64(scale)), 0, 255)
    return scale, np.uint8(zp)


def weight_params(w, axis):
    """int8 symmetric per-channel quantization of w along axis."""
    w = w.astype(np.float32)
    red = tuple(k for k in range(w.ndim) if k != axis)
    amax = np.max(np.abs(w), axis=red) if red else np.abs(w)
    scale = (amax.astype(np.float64) / 127.0).astype(np.float32)
    scale[scale == 0] = np.float32(1.0)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.rint(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


# ---- rewriting ---------------------------------------------------------------


def convert(m, args):
    g = m.model.graph
    tensors, folds, classes, qnodes = plan(m)
    if not tensors:
        die(f"{m.path}: no operator to quantize (Conv, Gemm, MatMul, Add, Concat, pools)")
    lo, hi = calibrate(m, tensors, args)
    for t in tensors:
        if lo[t] > hi[t]:
            die(f"calibration: tensor '{t}' was never computed")
    clo, chi = {}, {}
    for t in tensors:
        c = classes[t]
        clo[c] = min(clo.get(c, np.inf), lo[t])
        chi[c] = max(chi.get(c, -np.inf), hi[t])
    params = {t: act_params(clo[classes[t]], chi[classes[t]]) for t in tensors}

    new_inits = []
    drop_inits = set()
    uniq = [0]

    def fresh(base):
        uniq[0] += 1
        return f"{base}_{uniq[0]}"

    def const(name, arr):
        new_inits.append(numpy_helper.from_array(arr, name))
        return name

    # Activation Q/DQ pairs: the producer writes NAME_prequant, DQ writes NAME.
    graph_inputs = set(m.inputs)
    renamed_in = {}  # graph input -> its DQ output
    head = []  # nodes before the graph's first node
    after = {}  # node index -> nodes to put after it

    def qdq_nodes(t, src, dst):
        s, z = params[t]
        sn = const(f"{t}_scale", np.array(s, dtype=np.float32))
        zn = const(f"{t}_zero_point", np.array(z, dtype=np.uint8))
        q = f"{t}_quantized"
        return [helper.make_node("QuantizeLinear", [src, sn, zn], [q], name=f"{t}_QuantizeLinear"),
                helper.make_node("DequantizeLinear", [q, sn, zn], [dst], name=f"{t}_DequantizeLinear")]

    folded_act = dict(folds)  # folded activation node -> its producer
    producer_of = dict(m.producer)
    for a, p in folds.items():
        producer_of[g.node[a].output[0]] = p
    rename_out = {}  # node index -> {output name: new name}
    for t in tensors:
        if t in graph_inputs:
            renamed_in[t] = f"{t}_dequantized"
            head += qdq_nodes(t, t, renamed_in[t])
            continue
        if t not in producer_of:
            die(f"{m.path}: tensor '{t}' has no producer")
        p = producer_of[t]
        pre = f"{t}_prequant"
        rename_out.setdefault(p, {})[t] = pre
        after.setdefault(p, []).extend(qdq_nodes(t, pre, t))

    # Weights and biases: int8 per channel, int32 bias, each behind a DQ.
    wq = {}  # node index -> list of nodes (DQs) to put before it, input renames
    in_scale = {}
    for i in qnodes:
        n = g.node[i]
        wts, bias = weight_inputs(m, n)
        if not wts:
            continue
        x = n.input[0]
        xs = params[x][0] if x in params else None
        pre = []
        repl = {}
        wscale = None
        for k, axis in wts.items():
            wname = n.input[k]
            w = m.consts[wname]
            if w.ndim < 2:
                m.node_err(n, f"weight '{wname}' has rank {w.ndim}")
            q, s = weight_params(w, axis)
            wscale = s
            base = fresh(wname)
            qn = const(f"{base}_quantized", q)
            sn = const(f"{base}_scale", s)
            zn = const(f"{base}_zero_point", np.zeros(s.shape, dtype=np.int8))
            out = f"{base}_dequantized"
            pre.append(helper.make_node("DequantizeLinear", [qn, sn, zn], [out],
                                        name=f"{base}_DequantizeLinear", axis=axis))
            repl[k] = out
            drop_inits.add(wname)
        if bias is not None and len(n.input) > bias and n.input[bias] and xs is not None:
            bname = n.input[bias]
            if bname not in m.consts:
                m.node_err(n, f"bias '{bname}' is not a constant")
            b = m.consts[bname].astype(np.float32).reshape(-1)
            if b.shape != wscale.shape:
                b = np.broadcast_to(b, wscale.shape)  # Gemm's C may broadcast
            bs = (np.float32(xs) * wscale).astype(np.float32)
            bq = np.clip(np.rint(b.astype(np.float64) / bs.astype(np.float64)),
                         -2**31, 2**31 - 1).astype(np.int32)
            base = fresh(bname)
            qn = const(f"{base}_quantized", bq)
            sn = const(f"{base}_scale", bs)
            zn = const(f"{base}_zero_point", np.zeros(bs.shape, dtype=np.int32))
            out = f"{base}_dequantized"
            pre.append(helper.make_node("DequantizeLinear", [qn, sn, zn], [out],
                                        name=f"{base}_DequantizeLinear", axis=0))
            repl[bias] = out
            drop_inits.add(bname)
        wq[i] = (pre, repl)

    nodes = list(head)
    for i, n in enumerate(g.node):
        if i in folded_act:
            continue
        nn = onnx.NodeProto()
        nn.CopyFrom(n)
        for k, x in enumerate(nn.input):
            if x in renamed_in:
                nn.input[k] = renamed_in[x]
        if i in wq:
            pre, repl = wq[i]
            nodes += pre
            for k, v in repl.items():
                nn.input[k] = v
        if i in folds.values():
            a = next(a for a, p in folds.items() if p == i)
            nn.output[0] = g.node[a].output[0]
        for k, o in enumerate(nn.output):
            if o in rename_out.get(i, {}):
                nn.output[k] = rename_out[i][o]
        nodes.append(nn)
        nodes += after.get(i, [])

    # Constants only the folded activations read (Clip's bounds) go, and so
    # do the float weights; initializers still used keep their place.
    used = {x for n in nodes for x in n.input} | m.outputs
    nodes = [n for n in nodes if n.op_type != "Constant" or any(o in used for o in n.output)]
    drop_inits |= {t for t in m.inits if t not in used}
    keep = [t for t in g.initializer if t.name not in drop_inits or t.name in used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    # Value infos of renamed tensors would now be wrong; drop them all.
    del g.value_info[:]
    return len(tensors), len(qnodes)


def parse_shape(s):
    name, eq, dims = s.rpartition("=")
    if not eq or not name:
        raise argparse.ArgumentTypeError(f"bad --shape '{s}' (want NAME=d0,d1,...)")
    try:
        d = [int(x) for x in dims.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad dims in --shape '{s}'")
    if any(x <= 0 for x in d):
        raise argparse.ArgumentTypeError(f"bad dims in --shape '{s}'")
    return name, d


def main():
    ap = argparse.ArgumentParser(
        prog=PROG, description="Convert a float ONNX model to QDQ form (uint8 activations per "
        "tensor, int8 weights per channel, int32 bias), calibrated with onnxruntime.",
        epilog="See the top of tools/qdq.py for the exact format and choices.")
    ap.add_argument("model", help="float ONNX model (opset >= 13)")
    ap.add_argument("-o", "--output", required=True, help="QDQ model to write")
    ap.add_argument("--calib", type=int, default=4, help="random calibration inputs (default 4)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random inputs (default 0)")
    ap.add_argument("--dist", choices=("normal", "uniform"), default="normal",
                    help="standard normal (default) or uniform in [0, 1)")
    ap.add_argument("--npy", nargs="+", metavar="FILE", help="calibrate on these .npy inputs instead")
    ap.add_argument("--shape", type=parse_shape, action="append", default=[],
                    help="NAME=d0,d1,... for an input with symbolic dims")
    args = ap.parse_args()
    args.shape = dict(args.shape)
    if args.calib < 1:
        die("--calib must be at least 1")
    if not os.path.isfile(args.model):
        die(f"{args.model}: no such file")
    try:
        model = onnx.load(args.model)
    except Exception as e:  # protobuf decode errors of any kind
        die(f"{args.model}: not a readable ONNX model: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
    if opset < 13:
        die(f"{args.model}: opset {opset}; needs 13 or later (per-channel DequantizeLinear)")
    m = Model(model, args.model)
    for name in args.shape:
        if name not in m.inputs:
            die(f"--shape names '{name}', which is not a graph input ({', '.join(m.inputs)})")
    for n in model.graph.node:
        if n.domain not in ("", "ai.onnx"):
            m.node_err(n, f"operator of domain '{n.domain}' is not supported")
    nt, nn = convert(m, args)
    try:
        onnx.checker.check_model(model)
    except Exception as e:
        die(f"internal error: the QDQ model fails onnx.checker: {str(e).splitlines()[0]}")
    onnx.save(model, args.output)
    print(f"{args.output}: {nn} operators quantized, {nt} activation tensors")


if __name__ == "__main__":
    main()
