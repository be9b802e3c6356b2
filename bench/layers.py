"""Per-layer comparison for bench.py --layers: the generated code's profile
build (one time per node) against onnxruntime's own node profile, run in
alternating rounds like the main benchmark.

Layers are matched by what both sides agree on, whatever each did to the
graph: the ONNX operator (depthwise Convs apart), the kernel size and the
output shape.  Each of our nodes is traced back to its ONNX node by name
(the generated code names it in a comment); onnxruntime's profile gives
each node's operator and its input and output shapes.  A Conv whose output
channels onnxruntime rounded up to its channel block counts as the
unpadded one.  Layers with the same key (ResNet-50's four 64->256 1x1
convolutions at 56x56) are summed.  Nodes that only one side has
(onnxruntime's layout reorders, our elided Concats) show with the other
side empty.  A Conv that merge_convs merged from siblings names each in
the generated code; its time goes to their layers in proportion to their
output channels.  Per node, the time is the fastest round's: other tenants of a
shared machine only add time.  Both sides' totals include their profiling
overhead, so they are a little above the plain medians.
"""
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# onnxruntime's fused variants count as the operator they replace.
ORT_OPS = {"FusedConv": "Conv", "FusedGemm": "Gemm", "NchwcConv": "Conv", "NchwcMaxPool": "MaxPool",
           "NchwcAveragePool": "AveragePool", "NchwcGlobalAveragePool": "GlobalAveragePool"}


def _conv_op(op, weight_shape):
    """Depthwise convolutions (one input channel per group) apart."""
    return "Conv dw" if op == "Conv" and len(weight_shape) == 4 and weight_shape[1] == 1 else op


def _key(op, kernel, out_shape):
    return (op, tuple(kernel), tuple(out_shape))


def _label(key):
    op, kernel, shape = key
    if not shape:
        return op
    k = " %s" % "x".join(str(d) for d in kernel) if kernel else ""
    return "%s%s -> %s" % (op, k, "x".join(str(d) for d in shape[1:]))


def _onnx_keys(model, c_source):
    """Node index of the generated code -> key, by the node names the
    generated code quotes in its comments."""
    try:
        import onnx
        from onnx import shape_inference
    except ImportError:
        sys.exit("bench: --layers needs the onnx module, which %s does not have; "
                 "bench/run.sh runs bench.py with /usr/bin/python3" % sys.executable)
    m = shape_inference.infer_shapes(onnx.load(model, load_external_data=False))
    shapes = {}
    for vi in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    dims = {t.name: list(t.dims) for t in m.graph.initializer}
    by_name = {}
    for n in m.graph.node:
        out = shapes.get(n.output[0], []) if n.output else []
        w = dims.get(n.input[1], []) if n.op_type == "Conv" and len(n.input) > 1 else []
        by_name[re.sub(r"[^A-Za-z0-9_.]", "_", n.name)] = _key(_conv_op(n.op_type, w), w[2:], out)
    with open(c_source) as f:
        text = f.read()
    # The generated code keeps some characters (a '-') that the map above
    # replaces: compare both names in the same form.
    def clean(name):
        return re.sub(r"[^A-Za-z0-9_.]", "_", name)

    keys = {int(i): [(by_name[clean(name)], 1.0)]
            for i, name in re.findall(r"/\* node (\d+): \w+ (\S+) ", text) if clean(name) in by_name}
    # A Conv merged from siblings (merge_convs) names each in a comment of
    # its own: its time goes to their layers in proportion to their output
    # channels (their multiply-adds: same input, same map).
    merged = collections.defaultdict(list)
    for i, name in re.findall(r"/\* node (\d+) merges: (\S+) \*/", text):
        merged[int(i)].append(by_name.get(clean(name)))
    for i, parts in merged.items():
        if all(parts):
            total = float(sum(k[2][1] for k in parts))
            keys[i] = [(k, k[2][1] / total) for k in parts]
    return keys


def _ours(exe, iters, env, keys):
    out = subprocess.run([exe, str(iters), "1"], env=env, stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    ms = collections.defaultdict(float)
    for line in out.splitlines():
        if line.startswith("node "):
            node, kind, t = line[5:].split("|")
            for k, share in keys.get(int(node), [(("(%s)" % kind, (), ()), 1.0)]):
                ms[k] += float(t) * share
    return ms


def _theirs(model, iters, threads, env):
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "ort")
        subprocess.run(["node", os.path.join(HERE, "ort_bench.js"), model, str(iters), "1", str(threads)],
                       env=dict(env, ONNXCC_ORT_PROFILE=prefix), stdout=subprocess.PIPE, check=True)
        files = glob.glob(prefix + "*.json")
        if not files:
            sys.exit("bench: onnxruntime wrote no profile")
        with open(files[0]) as f:
            events = json.load(f)
    runs = collections.defaultdict(list)
    key = {}
    for e in events:
        if e.get("cat") != "Node" or not e.get("name", "").endswith("_kernel_time"):
            continue
        a = e["args"]
        op = ORT_OPS.get(a["op_name"], a["op_name"])
        ins = [list(t.values())[0] for t in a.get("input_type_shape", [])]
        outs = [list(t.values())[0] for t in a.get("output_type_shape", [])]
        w = ins[1] if op == "Conv" and len(ins) > 1 else []
        name = e["name"]
        key[name] = _key(_conv_op(op, w), w[2:], outs[0] if outs else [])
        runs[name].append(e["dur"] / 1000.0)
    ms = collections.defaultdict(float)
    for name, t in runs.items():  # the warm-up run is the first of each node
        ms[key[name]] += min(t[1:]) if len(t) > 1 else t[0]
    return ms


def _padded_to(ours_key, theirs_key):
    """onnxruntime's blocked layout rounds a Conv's output channels up to
    its block (MobileNetV2's 24 -> 32, a classifier's 1000 -> 1008)."""
    (op, k, s), (op2, k2, s2) = ours_key, theirs_key
    return (op == op2 and op.startswith("Conv") and k == k2 and len(s) == len(s2) == 4 and s[0] == s2[0] and
            s[2:] == s2[2:] and s[1] < s2[1] and any(-(-s[1] // b) * b == s2[1] for b in (8, 16)))


def _merge_padded(ours, theirs):
    for t in [k for k in theirs if k not in ours]:
        for o in [k for k in ours if k not in theirs]:
            if _padded_to(o, t):
                theirs[o] = theirs.pop(t)
                break


def compare(model, c_source, exe, threads, rounds, iters, env):
    keys = _onnx_keys(model, c_source)
    ours, theirs = {}, {}
    for _ in range(rounds):
        for k, v in _ours(exe, iters, env, keys).items():
            ours[k] = min(ours.get(k, v), v)
        for k, v in _theirs(model, iters, threads, env).items():
            theirs[k] = min(theirs.get(k, v), v)
    _merge_padded(ours, theirs)
    rows = []
    for k in set(ours) | set(theirs):
        a, b = ours.get(k), theirs.get(k)
        rows.append(((a or 0.0) - (b or 0.0), k, a, b))
    rows.sort(key=lambda r: (-r[0], _label(r[1])))
    print("    %-44s %10s %10s %7s %9s" % ("layer (op, kernel -> output)", "onnxcc ms", "ort ms",
                                           "ratio", "diff ms"))
    for d, k, a, b in rows:
        print("    %-44s %10s %10s %7s %+9.3f" % (_label(k)[:44], "%.3f" % a if a is not None else "-",
                                               "%.3f" % b if b is not None else "-",
                                               "%.2f" % (a / b) if a and b else "-", d))
    ta, tb = sum(ours.values()), sum(theirs.values())
    print("    %-44s %10.3f %10.3f %7.3f" % ("all nodes (profiled)", ta, tb, ta / tb if tb else 0.0))
