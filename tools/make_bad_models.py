#!/usr/bin/python3
"""Writes one malformed ONNX model per bad-input class of design §6.

usage: make_bad_models.py OUTDIR     writes the models, OUTDIR/cases.txt
       make_bad_models.py --list     prints the case table (no files written)

Every bad model is the same tiny valid model (BASE below: Conv, Relu, Conv,
Concat on a 1x2x4x4 input) with exactly one thing broken, so the error must
come from that one thing.  OUTDIR/cases.txt has one line per case:

    <file relative to OUTDIR>\t<substring>[\t<substring>...]

and onnxcc's one-line error must contain every substring.  --list prints
`<name>\t<file>\t<substring>...` for CMake at configure time.  The valid
controls `ok/base.onnx` and `ext_ok/model.onnx` (external data) are written
too; onnxcc must accept them.  Cases whose model has external data live in a
folder of their own so the model's folder is well defined.

Must run under Debian's /usr/bin/python3 (onnx).  The substrings are the
error wording the compiler promises; adjust them here, in one place.
"""
import os
import sys

# name -> (substrings the one-line error must contain). Keep them free of ';'.
CASES = {
    "empty":                 ["empty file"],
    "truncated":             ["not a valid ONNX model"],
    "not_protobuf":          ["not a valid ONNX model"],
    "random_bytes":          ["ir_version"],
    "ir_version_0":          ["ir_version 0"],
    "ir_version_99":         ["ir_version 99"],
    "opset_0":               ["opset 0"],
    "opset_99":              ["opset 99"],
    "unknown_op":            ["Foo_2", "FooBar", "unsupported operator"],
    "dangling_input":        ["Relu_2", "nowhere", "not produced"],
    "missing_initializer":   ["Conv_1", "conv.weight", "not produced"],
    "cycle":                 ["cycle"],
    "duplicate_output":      ["duplicate", "dup_out"],
    "duplicate_initializer": ["duplicate", "conv.bias"],
    "negative_dim":          ["conv.bias", "negative dim"],
    "zero_dim_input":        ["image", "zero dim"],
    "overflow_init_dims":    ["conv.bias", "overflow"],
    "overflow_input_dims":   ["image", "overflow"],
    "raw_data_mismatch":     ["conv.bias", "raw_data"],
    "ext_dotdot":            ["../x.bin", "leaves the model"],
    "ext_absolute":          ["/etc/passwd", "absolute"],
    "ext_symlink":           ["bias.bin", "symbolic link"],
    "ext_hardlink":          ["bias.bin", "hard link"],
    "ext_missing":           ["nothere.bin"],
    "ext_beyond":            ["conv.bias", "beyond the end"],
    "ext_wrap":              ["conv.bias", "beyond the end"],
    "ext_dir_symlink":       ["sub/bias.bin", "leaves the model"],
    "ext_directory":         ["conv.bias", "not a regular file"],
    "ext_unknown_key":       ["conv.bias", "unknown external_data key", "basepath"],
    "ext_duplicate_key":     ["conv.bias", "location", "appears twice"],
    "ext_too_many_keys":     ["conv.bias", "external_data entries"],
    "ext_length_mismatch":   ["conv.bias", "length 8", "does not match"],
    "ext_offset_text":       ["conv.bias", "offset", "not a number"],
    "ext_not_external":      ["conv.bias", "data_location is not EXTERNAL"],
    "dtype_string_input":    ["image", "unsupported data type", "string"],
    "dtype_complex_input":   ["image", "unsupported data type", "complex64"],
    "conv_kernel_shape":     ["Conv_1", "kernel_shape"],
    "conv_pads_length":      ["Conv_1", "pads"],
    "conv_group":            ["Conv_1", "group"],
    "concat_mismatch":       ["Concat_4"],
    "nul_node_name":         ["NUL"],
    "nul_tensor_name":       ["NUL"],
    "deep_nesting":          ["nested too deeply"],
    "deep_type_nesting":     ["nested too deeply"],
    "rank_too_large":        ["image", "rank 9"],
    "init_rank_too_large":   ["conv.bias", "rank 9"],
    "attr_too_long":         ["Conv_1", "strides", "more than 65536"],
    "too_many_attributes":   ["Conv_1", "too many attributes"],
    "too_many_inputs":       ["Concat_4", "too many inputs"],
    "expansion":             ["memory to load", "times its size"],
    "unknown_field_flood":   ["memory to load", "times its size"],
    "huge_activation":       ["Concat_4", "elements"],
    "bn_training_output":    ["BatchNormalization_5", "training mode"],
    "unsupported_dtype_init": ["conv.bias", "unsupported data type"],
    "missing_output_name":   ["Relu_2", "output 0 has an empty name"],
    # Classes the fuzzer found (tests/fuzz/regressions): an attribute of the
    # wrong type read by a pass or the emitter.
    "attr_wrong_type":       ["Conv_1", "strides", "wrong type"],
    "no_outputs":            ["no outputs"],
    # ONNX local functions (inlined by the loader).
    "unknown_domain":        ["Relu_2", "com.example", "not supported"],
    "function_recursive":    ["Relu_2", "nest more than"],
    "function_fanout":       ["more than", "function calls"],
    "function_opset":        ["local function", "opset 11"],
    # Operator forms of the wrong opset or shape (ShuffleNetV2's ops).
    "split_attr_opset13":    ["Split_5", "'split' attribute", "opset 13"],
    "split_uneven":          ["Split_5", "3 equal parts"],
    "reducemean_axes_input": ["ReduceMean_5", "'axes' input", "opset 18"],
    "transpose_perm_twice":  ["Transpose_5", "perm", "twice"],
    # Old operator forms (opsets 1 to 6, legacy.c) whose attributes disagree.
    "legacy_axis_no_broadcast": ["Add_5", "opset 6 form of Add", "'axis' needs broadcast=1"],
    "legacy_broadcast_2":    ["Add_5", "opset 6 form of Add", "broadcast=2"],
    "legacy_axis_range":     ["Add_5", "opset 6 form of Add", "axis 3", "does not fit"],
    "legacy_b_mismatch":     ["Add_5", "opset 6 form of Add", "[3,4]", "does not broadcast"],
    "legacy_shape_no_broadcast": ["Add_5", "opset 6 form of Add", "differ in shape"],
    "legacy_axis_rank_unknown": ["Add_5", "opset 6 form of Add", "needs the rank", "rs"],
    "legacy_bn_training":    ["BatchNormalization_5", "opset 6 form", "is_test=0", "training"],
    "legacy_reshape_both":   ["Reshape_5", "opset 4 form of Reshape", "both"],
    "legacy_split_runtime":  ["Split_5", "opset 1 form of Split", "must be a constant"],
    "legacy_pad_both":       ["Pad_5", "opset 1 form of Pad", "'paddings' and 'pads'"],
}

NESTING_DEPTH = 10000
U64 = 1 << 64


def case_file(name):
    return f"{name}/model.onnx" if name.startswith("ext_") else f"{name}.onnx"


# ---- the valid base model ---------------------------------------------------

def base(opset=13, ir_version=7, in_dims=(1, 2, 4, 4), in_type=None):
    """image[1,2,4,4] -> Conv_1 3x3 (+bias) -> Relu_2 -> r1 \\
                      -> Conv_3 1x1          -> c2 ------ Concat_4 -> output[1,6,4,4]"""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((4, 2, 3, 3)).astype(np.float32), "conv.weight")
    b = numpy_helper.from_array(rng.standard_normal(4).astype(np.float32), "conv.bias")
    s = numpy_helper.from_array(rng.standard_normal((2, 2, 1, 1)).astype(np.float32), "skip.weight")
    nodes = [
        helper.make_node("Conv", ["image", "conv.weight", "conv.bias"], ["c1"], name="Conv_1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1], group=1),
        helper.make_node("Relu", ["c1"], ["r1"], name="Relu_2"),
        helper.make_node("Conv", ["image", "skip.weight"], ["c2"], name="Conv_3",
                         kernel_shape=[1, 1], strides=[1, 1]),
        helper.make_node("Concat", ["r1", "c2"], ["output"], name="Concat_4", axis=1),
    ]
    g = helper.make_graph(
        nodes, "base",
        [helper.make_tensor_value_info("image", in_type or TensorProto.FLOAT, list(in_dims))],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 6, 4, 4])],
        [w, b, s])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="make_bad_models")
    m.ir_version = ir_version
    return m


def node(m, name):
    return next(n for n in m.graph.node if n.name == name)


def init(m, name):
    return next(t for t in m.graph.initializer if t.name == name)


def attr(n, name):
    return next(a for a in n.attribute if a.name == name)


def set_dims(t, dims):
    del t.dims[:]
    t.dims.extend(dims)


def set_input_dims(m, dims):
    shape = m.graph.input[0].type.tensor_type.shape
    for d, v in zip(shape.dim, dims):
        d.dim_value = v


def external(m, location):
    """Moves conv.bias (16 bytes) to external data at `location`; returns the
    bytes and the tensor."""
    from onnx import TensorProto
    t = init(m, "conv.bias")
    data = t.raw_data
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    e = t.external_data.add()
    e.key, e.value = "location", location
    return data, t


def add_ext_keys(t, **kv):
    for k, v in kv.items():
        e = t.external_data.add()
        e.key, e.value = k, v


# ---- protobuf wire format by hand --------------------------------------------

def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def fld(num, payload):
    """A length-delimited field (wire type 2)."""
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def fint(num, v):
    return varint(num << 3 | 0) + varint(v)


def nested_if_model(depth):
    """A model whose graph holds an If whose then_branch holds an If ... depth
    levels deep, as bytes: valid wire format, onnx.proto's field numbers in
    field order as protobuf emits them.  Level k's graph is prefix_k + graph_{k-1}
    + suffix_k, so the lengths are summed bottom-up and the bytes written once
    (no recursion, no quadratic copying)."""
    def tensor_vi(name, elem):       # ValueInfoProto{name, type{tensor_type{elem_type, shape [1]}}}
        return fld(1, name) + fld(2, fld(1, fint(1, elem) + fld(2, fld(1, fint(1, 1)))))

    def nodep(inputs, outputs, name, op):   # NodeProto without attributes
        return b"".join(fld(1, i) for i in inputs) + b"".join(fld(2, o) for o in outputs) + \
            fld(3, name) + fld(4, op)

    def identity_graph(k, tag):     # GraphProto{node Identity(x), name, output}
        out = f"{tag}{k}"
        return fld(1, nodep(["x"], [out], f"Identity_{tag}{k}", "Identity")) + \
            fld(2, f"{tag}{k}") + fld(12, tensor_vi(out, 1))

    def head(num, length):          # key and length of a length-delimited field
        return varint(num << 3 | 2) + varint(length)

    # Level k: GraphProto{ node(1) = NodeProto{ input cond, output y<k>, name,
    #   op_type If, attribute(5) else_branch, attribute(5) then_branch{ name(1),
    #   g(6) = graph_{k-1}, type(20) = GRAPH } }, name(2), output(12) }.
    prefixes, suffixes = [], []
    inner = identity_graph(0, "t")
    length = len(inner)
    for k in range(1, depth + 1):
        then_head = fld(1, "then_branch")
        then_tail = fint(20, 5)
        then_len = len(then_head) + len(head(6, length)) + length + len(then_tail)
        node_head = nodep(["cond"], [f"y{k}"], f"If_{k}", "If") + \
            fld(5, fld(1, "else_branch") + fld(6, identity_graph(k, "e")) + fint(20, 5)) + \
            head(5, then_len) + then_head + head(6, length)
        node_len = len(node_head) + length + len(then_tail)
        top = k == depth
        tail = fld(2, "deep" if top else f"g{k}")
        if top:  # the model's graph: inputs cond (bool[1]) and x (float[1])
            tail += fld(11, tensor_vi("cond", 9)) + fld(11, tensor_vi("x", 1))
        tail += fld(12, tensor_vi(f"y{k}", 1))
        prefixes.append(head(1, node_len) + node_head)
        suffixes.append(then_tail + tail)
        length = len(prefixes[-1]) + length + len(suffixes[-1])
    graph = b"".join(reversed(prefixes)) + inner + b"".join(suffixes)
    assert len(graph) == length
    return fint(1, 7) + fld(2, "make_bad_models") + head(7, length) + graph + \
        fld(8, fint(2, 13))


def deep_type_model(depth):
    """The base model whose graph input has a type nested `depth` levels
    deep (sequence of sequence of ... tensor), as bytes built bottom-up."""
    import onnx
    typ = fld(1, fint(1, 1))                  # TypeProto{tensor_type{elem_type FLOAT}}
    for _ in range(depth):
        typ = fld(4, fld(1, typ))             # TypeProto{sequence_type{elem_type}}
    m = base()
    del m.graph.input[:]
    head = m.SerializeToString()
    vi = fld(1, "image") + fld(2, typ)        # ValueInfoProto{name, type}
    extra = fld(11, vi)                       # GraphProto.input
    g = onnx.ModelProto()
    g.ParseFromString(head)
    graph = g.graph.SerializeToString() + extra
    g.ClearField("graph")
    return g.SerializeToString() + fld(7, graph)


def wire_ok(data, desc, depth=0, max_depth=None):
    """True if `data` is well-formed wire format for message `desc`, using only
    wire types 0, 1, 2, 5 and no NUL in string fields.  Iterative over fields,
    recursive over nesting (so call it with small depths only, or max_depth)."""
    from google.protobuf.descriptor import FieldDescriptor as FD
    data = memoryview(data)  # slices without copies
    pos, n = 0, len(data)

    def rv():
        nonlocal pos
        v = shift = 0
        while True:
            if pos >= n or shift > 63:
                raise ValueError
            b = data[pos]
            pos += 1
            v |= (b & 0x7f) << shift
            shift += 7
            if not b & 0x80:
                return v
    try:
        while pos < n:
            key = rv()
            num, wt = key >> 3, key & 7
            if num == 0 or num >= 1 << 29:  # protobuf field numbers are 1..2^29-1
                return False
            if wt == 0:
                rv()
            elif wt in (1, 5):
                pos += 8 if wt == 1 else 4
                if pos > n:
                    return False
            elif wt == 2:
                ln = rv()
                if ln > n - pos:
                    return False
                sub = data[pos:pos + ln]
                pos += ln
                f = desc.fields_by_number.get(num)
                if f is not None and f.type == FD.TYPE_MESSAGE:
                    if max_depth is None or depth < max_depth:
                        if not wire_ok(sub, f.message_type, depth + 1, max_depth):
                            return False
                elif f is not None and f.type == FD.TYPE_STRING and 0 in sub:
                    return False
            else:
                return False
    except ValueError:
        return False
    return True


def random_model_bytes():
    """A few random bytes that nonetheless parse as a ModelProto (well-formed
    wire format, some known field set, no ir_version), from the first seed
    that gives one."""
    import random
    import warnings
    warnings.simplefilter("ignore")  # protobuf warns about stray end-group tags
    from onnx import ModelProto
    for seed in range(100000):
        data = random.Random(seed).randbytes(12)
        m = ModelProto()
        try:
            m.ParseFromString(data)
        except Exception:
            continue
        if wire_ok(data, ModelProto.DESCRIPTOR) and m.ListFields() \
                and not m.HasField("ir_version"):
            return data
    raise SystemExit("make_bad_models.py: no random byte string parses as a ModelProto")


# ---- the cases --------------------------------------------------------------

def legacy_case(name):
    """The base model at an old opset with one old-form node (name *_5) whose
    attributes or inputs disagree; r1 is 1x4x4x4."""
    import numpy as np
    from onnx import helper, numpy_helper

    opset = {"legacy_reshape_both": 4, "legacy_split_runtime": 1, "legacy_pad_both": 1}.get(name, 6)
    m = base(opset=opset)
    add = {"legacy_axis_no_broadcast": ((4,), dict(axis=1)),
           "legacy_broadcast_2": ((4,), dict(broadcast=2)),
           "legacy_axis_range": ((4, 4), dict(broadcast=1, axis=3)),
           "legacy_b_mismatch": ((3, 4), dict(broadcast=1, axis=1)),
           "legacy_shape_no_broadcast": ((4,), {})}
    new = []
    if name in add:
        dims, attrs = add[name]
        m.graph.initializer.append(numpy_helper.from_array(np.ones(dims, np.float32), "b5"))
        # A is the graph input (1x2x4x4) where its dims are known at load.
        a = "image" if name in ("legacy_b_mismatch", "legacy_shape_no_broadcast") else "r1"
        new = [helper.make_node("Add", [a, "b5"], ["a5"], name="Add_5", **attrs)]
    elif name == "legacy_axis_rank_unknown":
        # rs's rank comes from a shape computed at run time (Shape -> Reshape).
        m.graph.initializer.append(numpy_helper.from_array(np.ones(4, np.float32), "b5"))
        new = [helper.make_node("Shape", ["r1"], ["s5"], name="Shape_5a"),
               helper.make_node("Reshape", ["r1", "s5"], ["rs"], name="Reshape_5b"),
               helper.make_node("Add", ["rs", "b5"], ["a5"], name="Add_5", broadcast=1, axis=1)]
    elif name == "legacy_bn_training":
        bn = [numpy_helper.from_array(np.full(4, v, np.float32), f"bn.{k}")
              for k, v in (("scale", 1), ("bias", 0), ("mean", 0), ("var", 1))]
        m.graph.initializer.extend(bn)
        new = [helper.make_node("BatchNormalization", ["r1"] + [t.name for t in bn], ["bn5"],
                                name="BatchNormalization_5")]
    elif name == "legacy_reshape_both":
        m.graph.initializer.append(numpy_helper.from_array(np.array([1, 64], np.int64), "shape5"))
        new = [helper.make_node("Reshape", ["r1", "shape5"], ["rs5"], name="Reshape_5", shape=[1, 64])]
    elif name == "legacy_split_runtime":
        new = [helper.make_node("Split", ["r1", "r1"], ["s0", "s1"], name="Split_5", axis=1)]
    elif name == "legacy_pad_both":
        new = [helper.make_node("Pad", ["r1"], ["p5"], name="Pad_5", paddings=[0] * 8, pads=[0] * 8)]
    for k, n in enumerate(new):
        m.graph.node.insert(2 + k, n)
    return m


def build(name, outdir):
    """Returns the bytes of case `name`; writes side files (external data)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    m = base()
    good = m.SerializeToString()
    if name == "empty":
        return b""
    if name == "truncated":
        data = good[:len(good) // 2]
        try:
            onnx.ModelProto().ParseFromString(data)
        except Exception:
            return data
        raise SystemExit("make_bad_models.py: truncated model still parses")
    if name == "not_protobuf":
        data = b'graph {\n  node { op_type: "Conv" }\n}\n'  # 'g': wire type 7
        try:
            onnx.ModelProto().ParseFromString(data)
        except Exception:
            return data
        raise SystemExit("make_bad_models.py: text parses as protobuf")
    if name == "random_bytes":
        return random_model_bytes()
    if name == "ir_version_0":
        m.ir_version = 0
    elif name == "ir_version_99":
        m.ir_version = 99
    elif name == "opset_0":
        m = base(opset=0)
    elif name.startswith("legacy_"):
        m = legacy_case(name)
    elif name == "opset_99":
        m = base(opset=99)
    elif name == "unknown_op":
        m.graph.node.insert(2, helper.make_node("FooBar", ["r1"], ["foo"], name="Foo_2"))
        m.graph.output.add().CopyFrom(helper.make_tensor_value_info("foo", TensorProto.FLOAT, [1, 4, 4, 4]))
    elif name == "unknown_domain":
        node(m, "Relu_2").domain = "com.example"
    elif name in ("function_recursive", "function_fanout", "function_opset"):
        # Relu_2 calls local.F0.  Recursive: F0 calls itself.  Fan-out: F_k
        # calls F_{k+1} ten times, F_14 is empty (10^14 calls, no nodes).
        # Opset: F0 imports another opset than the model's.
        node(m, "Relu_2").domain = "local"
        node(m, "Relu_2").op_type = "F0"
        opset = [helper.make_opsetid("", 11 if name == "function_opset" else 13)]
        if name == "function_fanout":
            for k in range(15):
                body = [] if k == 14 else [helper.make_node(f"F{k + 1}", ["x"], ["y"], domain="local",
                                                            name=f"call{i}") for i in range(10)]
                m.functions.append(helper.make_function("local", f"F{k}", ["x"], ["y"], body, opset))
        else:
            callee = "F0" if name == "function_recursive" else "Relu"
            body = [helper.make_node(callee, ["x"], ["y"], domain="local" if callee == "F0" else "")]
            m.functions.append(helper.make_function("local", "F0", ["x"], ["y"], body, opset))
        m.opset_import.append(helper.make_opsetid("local", 1))
    elif name == "dangling_input":
        node(m, "Relu_2").input[0] = "nowhere"
    elif name == "missing_initializer":
        m.graph.initializer.remove(init(m, "conv.weight"))
    elif name == "cycle":
        # Relu_2 reads Add_5's output, Add_5 reads Relu_2's.
        node(m, "Relu_2").input[0] = "a5"
        m.graph.node.insert(2, helper.make_node("Add", ["c1", "r1"], ["a5"], name="Add_5"))
    elif name == "duplicate_output":
        node(m, "Relu_2").output[0] = "dup_out"
        m.graph.node.insert(2, helper.make_node("Relu", ["c1"], ["dup_out"], name="Relu_5"))
        node(m, "Concat_4").input[0] = "dup_out"
    elif name == "duplicate_initializer":
        m.graph.initializer.add().CopyFrom(init(m, "conv.bias"))
    elif name == "negative_dim":
        set_dims(init(m, "conv.bias"), [-4])
    elif name == "zero_dim_input":
        set_input_dims(m, [1, 0, 4, 4])
    elif name == "overflow_init_dims":
        # (2^62+1) * 4 wraps to exactly 4 elements: the 16 raw bytes "fit".
        set_dims(init(m, "conv.bias"), [(1 << 62) + 1, 4])
    elif name == "overflow_input_dims":
        # 1 * 2 * (2^62+1) * 4 wraps to 8 in 64 bits.
        set_input_dims(m, [1, 2, (1 << 62) + 1, 4])
    elif name == "raw_data_mismatch":
        t = init(m, "conv.bias")
        t.raw_data = t.raw_data[:12]
    elif name == "dtype_string_input":
        m = base(in_type=TensorProto.STRING)
    elif name == "dtype_complex_input":
        m = base(in_type=TensorProto.COMPLEX64)
    elif name == "conv_kernel_shape":
        # 5x5 with pads 2 keeps the output 4x4: only the weights disagree.
        attr(node(m, "Conv_1"), "kernel_shape").ints[:] = [5, 5]
        attr(node(m, "Conv_1"), "pads").ints[:] = [2, 2, 2, 2]
    elif name == "conv_pads_length":
        attr(node(m, "Conv_1"), "pads").ints[:] = [1, 1]
    elif name == "conv_group":
        attr(node(m, "Conv_1"), "group").i = 3
    elif name == "concat_mismatch":
        attr(node(m, "Conv_3"), "strides").ints[:] = [2, 2]  # c2 is 1x2x2x2, r1 1x4x4x4
    elif name == "nul_node_name":
        # "Relu_2\0x" truncated at the NUL is "Relu_2", the name of another node.
        m.graph.node.insert(2, helper.make_node("Relu", ["c1"], ["r5"], name="Relu_2\0x"))
        m.graph.output.add().CopyFrom(helper.make_tensor_value_info("r5", TensorProto.FLOAT, [1, 4, 4, 4]))
    elif name == "nul_tensor_name":
        # "c1\0x" truncated at the NUL is "c1": Relu_2 would silently read Conv_1's output.
        m.graph.node.insert(1, helper.make_node("Relu", ["image"], ["c1\0x"], name="Relu_5"))
        m.graph.node.insert(2, helper.make_node("Relu", ["c1\0x"], ["r5"], name="Relu_6"))
        m.graph.output.add().CopyFrom(helper.make_tensor_value_info("r5", TensorProto.FLOAT, [1, 2, 4, 4]))
    elif name == "deep_nesting":
        return nested_if_model(NESTING_DEPTH)
    elif name == "no_outputs":
        del m.graph.output[:]
    elif name == "deep_type_nesting":
        return deep_type_model(NESTING_DEPTH)
    elif name == "rank_too_large":
        m = base(in_dims=(1, 2, 4, 4, 1, 1, 1, 1, 1))
    elif name == "init_rank_too_large":
        set_dims(init(m, "conv.bias"), [4] + [1] * 8)
    elif name == "attr_too_long":
        attr(node(m, "Conv_1"), "strides").ints[:] = [1] * 70000
    elif name == "too_many_attributes":
        n = node(m, "Conv_1")
        for i in range(5000):
            n.attribute.add().CopyFrom(helper.make_attribute(f"a{i}", 1))
    elif name == "too_many_inputs":
        node(m, "Concat_4").input.extend(["r1"] * 5000)
    elif name == "expansion":
        # 400k empty NodeProtos: 2 bytes each in the file, hundreds once unpacked.
        return m.SerializeToString() + fld(7, fld(1, b"") * 400000)
    elif name == "unknown_field_flood":
        # 2M unknown varint fields (3 bytes each), each kept by protobuf-c.
        return m.SerializeToString() + fint(100, 1) * 2000000
    elif name == "huge_activation":
        # A 1x2x65536x65536 input is under the element cap; the Concat's
        # 1x6x65536x65536 output is over it.
        set_input_dims(m, [1, 2, 65536, 65536])
        m.graph.output[0].type.tensor_type.shape.dim[2].dim_value = 65536
        m.graph.output[0].type.tensor_type.shape.dim[3].dim_value = 65536
    elif name == "bn_training_output":
        bn = [numpy_helper.from_array(np.full(2, v, np.float32), f"bn.{k}")
              for k, v in (("scale", 1), ("bias", 0), ("mean", 0), ("var", 1))]
        m.graph.initializer.extend(bn)
        node(m, "Conv_3").input[0] = "bn_out"
        m.graph.node.insert(0, helper.make_node(
            "BatchNormalization", ["image"] + [t.name for t in bn], ["bn_out", "bn_mean"],
            name="BatchNormalization_5"))
    elif name == "unsupported_dtype_init":
        init(m, "conv.bias").data_type = TensorProto.COMPLEX64
    elif name == "attr_wrong_type":
        a = attr(node(m, "Conv_1"), "strides")
        a.type, a.f = onnx.AttributeProto.FLOAT, 1.0
        del a.ints[:]
    elif name == "missing_output_name":
        node(m, "Relu_2").output[0] = ""
    elif name in ("split_attr_opset13", "split_uneven"):
        # r1 is 1x4x4x4: two parts given as an attribute (opset 13 wants an
        # input), or three equal parts of 4 channels.
        k = 2 if name == "split_attr_opset13" else 3
        sn = helper.make_node("Split", ["r1"], [f"s{i}" for i in range(k)], name="Split_5", axis=1)
        if k == 2:
            sn.attribute.append(helper.make_attribute("split", [2, 2]))
        m.graph.node.insert(2, sn)
    elif name == "reducemean_axes_input":
        m.graph.initializer.append(numpy_helper.from_array(np.array([2, 3], np.int64), "rm.axes"))
        m.graph.node.insert(2, helper.make_node("ReduceMean", ["r1", "rm.axes"], ["rm"], name="ReduceMean_5"))
    elif name == "transpose_perm_twice":
        m.graph.node.insert(2, helper.make_node("Transpose", ["r1"], ["t"], name="Transpose_5", perm=[0, 1, 1, 3]))
    elif name.startswith("ext_"):
        return build_external(name, m, outdir)
    else:
        raise KeyError(name)
    return m.SerializeToString()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def build_external(name, m, outdir):
    """External-data cases: model in OUTDIR/<name>/, conv.bias (16 bytes) outside."""
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    from onnx import TensorProto
    bias, t = external(m, "bias.bin")  # location replaced below where the case needs it
    loc = t.external_data[0]
    side = os.path.join(d, "bias.bin")
    if os.path.isdir(side) and not os.path.islink(side):
        os.rmdir(side)
    elif os.path.lexists(side):
        os.remove(side)
    if name == "ext_ok":
        write(side, bias)
    elif name == "ext_dotdot":
        write(os.path.join(outdir, "x.bin"), bias)  # exists, but outside the folder
        loc.value = "../x.bin"
    elif name == "ext_absolute":
        loc.value = "/etc/passwd"
    elif name == "ext_symlink":
        write(os.path.join(outdir, "x.bin"), bias)
        os.symlink("../x.bin", side)
    elif name == "ext_hardlink":
        outside = os.path.join(outdir, "x_hard.bin")
        if os.path.lexists(outside):
            os.remove(outside)
        write(outside, bias)
        os.link(outside, side)
    elif name == "ext_missing":
        loc.value = "nothere.bin"
    elif name == "ext_beyond":
        write(side, bias)
        add_ext_keys(t, offset="8", length="16")
    elif name == "ext_dir_symlink":
        # sub/ is a symbolic link to the parent folder: the file's own
        # component is a regular file, the path still leaves the folder.
        write(os.path.join(outdir, "bias.bin"), bias)
        link = os.path.join(d, "sub")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink("..", link)
        loc.value = "sub/bias.bin"
    elif name == "ext_directory":
        os.makedirs(side, exist_ok=True)
    elif name == "ext_unknown_key":
        write(side, bias)
        add_ext_keys(t, basepath="/etc")
    elif name == "ext_duplicate_key":
        write(side, bias)
        add_ext_keys(t, location="/etc/passwd")
    elif name == "ext_too_many_keys":
        write(side, bias)
        for _ in range(5):
            add_ext_keys(t, offset="0")
    elif name == "ext_length_mismatch":
        write(side, bias)
        add_ext_keys(t, length="8")
    elif name == "ext_offset_text":
        write(side, bias)
        add_ext_keys(t, offset="0x10")
    elif name == "ext_not_external":
        write(side, bias)
        t.data_location = TensorProto.DEFAULT
    elif name == "ext_wrap":
        # offset + length = 2^64 + 8: wraps to 8, which a naive check accepts.
        write(side, bias)
        add_ext_keys(t, offset=str(U64 - 8), length="16")
    else:
        raise KeyError(name)
    return m.SerializeToString()


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__.split("\n\n")[1])
    if sys.argv[1] == "--list":
        for name, subs in CASES.items():
            print("\t".join([name, case_file(name)] + subs))
        return
    import onnx
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)

    # The controls, checked valid.
    ok = base()
    onnx.checker.check_model(ok, full_check=True)
    os.makedirs(os.path.join(outdir, "ok"), exist_ok=True)
    write(os.path.join(outdir, "ok", "base.onnx"), ok.SerializeToString())
    data = build("ext_ok", outdir)
    write(os.path.join(outdir, "ext_ok", "model.onnx"), data)

    lines = []
    for name, subs in CASES.items():
        f = case_file(name)
        write(os.path.join(outdir, f), build(name, outdir))
        lines.append("\t".join([f] + subs))
    write(os.path.join(outdir, "cases.txt"), ("\n".join(lines) + "\n").encode())


if __name__ == "__main__":
    main()
