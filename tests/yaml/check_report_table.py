"""`onnxcc --report=table` on DenseNet-BC against facts computed here from
the ONNX file with the onnx package (shape inference), not by the compiler.

With -O0 every ONNX node but Constant (the loader makes those constant
tensors) is one row, in an order where producers come
first, with its op, output shape, MACs (Conv: output elements x
C/group x kH x kW; Gemm: M x N x K; 0 otherwise) and output bytes; the
total line sums them.  With the default passes, every value that an ONNX
Concat reads and that its producer still writes shows as
"ch A..B of step S": S is the row of the widest Concat that holds it and
A..B its channels there; the graph output's row says "output 0"; every
other buffer sits at a 64-byte aligned arena offset inside the arena.
Columns are aligned: each field starts where its header does (numbers:
ends where it ends).

usage: check_report_table.py ONNXCC MODEL.onnx
"""
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference

failures = []
COLS = ["step", "op", "output", "MACs", "bytes", "lives in", "fused", "name"]
RIGHT = {"step", "MACs", "bytes"}  # right-aligned columns


def table(onnxcc, model, *args):
    r = subprocess.run([onnxcc, model, "--report=table", *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: {args}: exit {r.returncode}: {r.stderr}")
    lines = r.stdout.rstrip("\n").split("\n")
    head, body, total = lines[0], lines[1:-1], lines[-1]

    def spans(line):  # fields: runs of words separated by single spaces
        return [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", line)]

    hs = spans(head)
    if [h[2] for h in hs] != COLS:
        sys.exit(f"FAIL: header {head!r}")
    rows = []
    for line in body:
        fs = spans(line)
        if len(fs) != len(COLS):
            failures.append(f"{args}: {len(fs)} fields in {line!r}")
            continue
        for c, h, f in zip(COLS, hs, fs):
            if (f[1] != h[1]) if c in RIGHT else (f[0] != h[0]):
                failures.append(f"{args}: column {c} not aligned in {line!r}")
        rows.append({c: f[2] for c, f in zip(COLS, fs)})
    return rows, total


def facts(model):
    m = shape_inference.infer_shapes(onnx.load(model))
    g = m.graph
    shapes = {}
    for vi in list(g.value_info) + list(g.output) + list(g.input):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    nodes = {}
    for n in g.node:
        if n.op_type == "Constant":
            continue
        out = shapes[n.output[0]]
        numel = int(np.prod(out))
        if n.op_type == "Conv":
            macs = numel * int(np.prod(inits[n.input[1]].shape[1:]))
        elif n.op_type == "Gemm":
            a = shapes[n.input[0]]
            ta = next((at.i for at in n.attribute if at.name == "transA"), 0)
            macs = numel * a[0 if ta else 1]
        else:
            macs = 0
        nodes[n.name] = dict(op=n.op_type, shape="x".join(map(str, out)), macs=macs, bytes=4 * numel,
                             out=n.output[0])
    return g, shapes, nodes


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    onnxcc, model = sys.argv[1:]
    g, shapes, nodes = facts(model)

    # -O0: one row per ONNX node with the facts above.
    rows, total = table(onnxcc, model, "-O0")
    if len(rows) != len(nodes):
        failures.append(f"-O0: {len(rows)} rows for {len(nodes)} ONNX nodes")
    seen = set()
    for i, r in enumerate(rows):
        f = nodes.get(r["name"])
        if r["step"] != str(i) or f is None:
            failures.append(f"-O0: row {i} {r['step']} {r['name']!r}: not an ONNX node")
            continue
        seen.add(r["name"])
        want = {"op": f["op"], "output": f["shape"], "MACs": str(f["macs"]), "bytes": str(f["bytes"])}
        got = {k: r[k] for k in want}
        if got != want:
            failures.append(f"-O0: {r['name']}: got {got}, want {want}")
    total_macs = sum(f["macs"] for f in nodes.values())
    if f" {total_macs} MACs" not in total or not total.startswith(f"total: {len(nodes)} nodes"):
        failures.append(f"-O0: total line {total!r}, want {len(nodes)} nodes and {total_macs} MACs")

    # Default passes: where each output lives.
    rows, total = table(onnxcc, model)
    step_of = {r["name"]: int(r["step"]) for r in rows}
    by_name = {r["name"]: r for r in rows}
    arena = int(re.search(r"arena (\d+) bytes", total).group(1))
    home = {}  # value -> (widest concat node, channel offset)
    for n in g.node:
        if n.op_type != "Concat":
            continue
        c = 0
        for x in n.input:
            width = shapes[n.output[0]][1]
            if x not in home or width > shapes[home[x][2]][1]:
                home[x] = (n.name, c, n.output[0])
            c += shapes[x][1]
    producer = {n.output[0]: n.name for n in g.node}
    slices = 0
    for value, (cat, off, _) in home.items():
        p = producer.get(value)
        r = by_name.get(p)
        if r is None or r["output"] != "x".join(map(str, shapes[value])) or cat not in step_of:
            continue  # rewritten by a pass (a transition's conv and pool swap)
        k = shapes[value][1]
        want = f"ch {off}..{off + k - 1} of step {step_of[cat]} ("
        if not r["lives in"].startswith(want):
            failures.append(f"{p}: lives in {r['lives in']!r}, want {want}...")
        slices += 1
    layers = sum(1 for n in g.node if n.op_type == "Conv" and "conv2" in n.name)
    if slices < layers:
        failures.append(f"only {slices} concat inputs checked for {layers} dense layers")
    out_producer = producer[g.output[0].name]
    if by_name.get(out_producer, {}).get("lives in") != "output 0":
        failures.append(f"{out_producer}: does not say 'output 0'")
    for r in rows:
        m = re.fullmatch(r"arena @(\d+)", r["lives in"])
        if m and (int(m.group(1)) % 64 or int(m.group(1)) + int(r["bytes"]) > arena):
            failures.append(f"{r['name']}: {r['lives in']} with {r['bytes']} bytes outside arena {arena}")
        elif not m and not re.match(r"ch \d+\.\.\d+ of step \d+ \(|output \d$", r["lives in"]):
            failures.append(f"{r['name']}: lives in {r['lives in']!r}")

    if failures:
        print("FAIL:\n  " + "\n  ".join(failures[:30]), file=sys.stderr)
        sys.exit(1)
    print(f"OK: {len(nodes)} nodes, {slices} concat slices")


if __name__ == "__main__":
    main()
