#!/usr/bin/python3
"""Writes hostile models for tests/hostile into OUTDIR.

Names models: small valid graphs (Relu, Add, Conv, Concat) whose graph,
node, tensor and initializer names and doc strings carry C-breaking text:
quotes, `*/`, `/*`, newlines, CR, `#include`, `#define`, backslashes (also
at the end of a name), `??=` and `??/` trigraphs, non-ASCII, names that
collide once sanitised into identifiers (`a b`, `a_b`, `a-b`) and names of
the generated identifiers themselves (`w0`, `t1`, `ws`).  Every such string
contains PWNED, every doc string DOCSTRING; names.json lists, per model, the
exact input and output names in graph order (as UTF-8 hex).

Resource models (rss_*.onnx): files of a few MB built to make the compiler
allocate as much as possible relative to their size; the RSS test checks
the compiler's peak memory on them.

usage: make_hostile.py OUTDIR       (Debian's /usr/bin/python3: onnx, numpy)
"""
import json
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from make_bad_models import fint, fld  # noqa: E402  (protobuf wire format by hand)

HOSTILE = [
    'a"b*/ PWNED(); /*',
    "x\n#include \"/etc/passwd\"\n PWNED",
    "PWNED ends in a backslash\\",
    "PWNED ??= ??/ ??' trigraphs??",
    "PWNED\r\nCRLF \\\n continued",
    "PWNED é ™ \u2028 \ufeff non-ASCII",
    "#define PWNED 1",
    "/* PWNED */",
]
DOC = "DOCSTRING */ #error PWNED \\"


def model(graph, doc=True):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="PWNED */ producer")
    m.ir_version = 7
    if doc:
        m.doc_string = DOC
        graph.doc_string = DOC
        for n in m.graph.node:
            n.doc_string = DOC
    helper.set_model_props(m, {"PWNED */ key": DOC})
    return m


def names_model():
    """Five inputs with hostile, sanitise-colliding names -> Relu / Add /
    Conv (hostile weight names) -> Concat -> three hostile outputs."""
    rng = np.random.default_rng(1)
    ins = [HOSTILE[0], "a b PWNED", "a_b PWNED", "a-b PWNED", HOSTILE[5]]
    inits = [numpy_helper.from_array(rng.standard_normal((2, 2, 3, 3)).astype(np.float32), HOSTILE[2]),
             numpy_helper.from_array(rng.standard_normal(2).astype(np.float32), HOSTILE[3])]
    t = [f"{h} t{i}" for i, h in enumerate(HOSTILE)]
    nodes = [
        helper.make_node("Relu", [ins[0]], [t[0]], name=HOSTILE[1]),
        helper.make_node("Add", [ins[1], ins[2]], [t[1]], name=HOSTILE[4]),
        helper.make_node("Add", [t[1], ins[3]], ["w0"], name=HOSTILE[6]),
        helper.make_node("Conv", ["w0", inits[0].name, inits[1].name], ["t1"], name=HOSTILE[7],
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["t1"], ["ws"], name=""),
        helper.make_node("Relu", ["t1"], [t[2]], name=""),
        helper.make_node("Concat", [t[0], "ws", ins[4]], [HOSTILE[4]], name=HOSTILE[0], axis=1),
        helper.make_node("Add", [t[2], ins[0]], ["PWNED out\\"], name=HOSTILE[2]),
        helper.make_node("Relu", [t[2]], ["a b"], name=HOSTILE[3]),
    ]
    outs = [HOSTILE[4], "PWNED out\\", "a b"]
    g = helper.make_graph(
        nodes, "graph " + HOSTILE[1],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 2, 4, 4]) for n in ins],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in outs], inits)
    return model(g), ins, outs


def shadow_model():
    """Names that equal what the generator emits or the C library declares:
    inputs `inputs`, `outputs`, `workspace`, outputs `main`, `int`."""
    ins = ["inputs", "outputs", "workspace"]
    nodes = [helper.make_node("Add", ["inputs", "outputs"], ["main"], name="main"),
             helper.make_node("Mul", ["main", "workspace"], ["int"], name="return 1;")]
    g = helper.make_graph(nodes, "int", [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 3])
                                         for n in ins],
                          [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 3]) for n in ("main", "int")])
    return model(g, doc=False), ins, ["main", "int"]


def chain_model(n):
    """n Relus in a chain with 1-byte-ish names: the most IR per file byte."""
    nodes = [helper.make_node("Relu", [str(i) if i else "x"], [str(i + 1)]) for i in range(n)]
    g = helper.make_graph(nodes, "c", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 2, 2])],
                          [helper.make_tensor_value_info(str(n), TensorProto.FLOAT, None)])
    return model(g, doc=False)


def wide_concat_model(nodes, fan_in):
    """Concats of `fan_in` copies of one input: emitted code per input."""
    ns = [helper.make_node("Concat", ["x"] * fan_in, [f"c{i}"], axis=1) for i in range(nodes)]
    g = helper.make_graph(ns, "w", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 2, 2])],
                          [helper.make_tensor_value_info(f"c{i}", TensorProto.FLOAT, None) for i in range(nodes)])
    return model(g, doc=False)


def shared_weight_model(convs):
    """One 64x64x3x3 weight read by `convs` Conv->BatchNormalization pairs:
    folding makes a copy per Conv, prepacking another."""
    c = 64
    rng = np.random.default_rng(2)
    w = numpy_helper.from_array(rng.standard_normal((c, c, 3, 3)).astype(np.float32), "w")
    bn = [numpy_helper.from_array(rng.random(c).astype(np.float32) + 0.5, k) for k in "sbmv"]
    nodes, x = [], "x"
    for i in range(convs):
        nodes.append(helper.make_node("Conv", [x, "w"], [f"c{i}"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("BatchNormalization", [f"c{i}", "s", "b", "m", "v"], [f"y{i}"]))
        x = f"y{i}"
    g = helper.make_graph(nodes, "s", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, 4, 4])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, None)], [w] + bn)
    return model(g, doc=False)


def long_attr_model(count):
    """A Relu with an `ints` attribute of `count` one-byte elements: eight
    bytes each once unpacked."""
    m = chain_model(1)
    a = m.graph.node[0].attribute.add()
    a.name, a.type = "junk", 7
    a.ints.extend([1] * count)
    return m


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[-1])
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    names = {}
    for stem, (m, ins, outs) in (("names", names_model()), ("shadow", shadow_model())):
        write(os.path.join(out, stem + ".onnx"), m.SerializeToString())
        names[stem] = {"inputs": [n.encode().hex() for n in ins], "outputs": [n.encode().hex() for n in outs]}
    with open(os.path.join(out, "names.json"), "w") as f:
        json.dump(names, f, indent=1)

    # Sized so that empty_nodes, unknown_fields and shared_weight would pass
    # 16 x their size + 200 MiB without the compiler's limits (expansion
    # estimate, weight reads); chain and wide_concat are the most IR per
    # byte the limits still let through.
    rss = {
        "rss_chain": chain_model(99000).SerializeToString(),
        "rss_wide_concat": wide_concat_model(150, 4000).SerializeToString(),
        "rss_shared_weight": shared_weight_model(800).SerializeToString(),
        "rss_long_attr": long_attr_model(4000000).SerializeToString(),
        "rss_empty_nodes": fint(1, 7) + fld(8, fint(2, 13)) + fld(7, fld(1, b"") * 3000000),
        "rss_unknown_fields": fint(1, 7) + fint(100, 1) * 6000000,
    }
    for stem, data in rss.items():
        write(os.path.join(out, stem + ".onnx"), data)


if __name__ == "__main__":
    main()
