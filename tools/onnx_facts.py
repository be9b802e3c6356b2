#!/usr/bin/python3
"""Prints independent facts about an ONNX model, as read by Python's onnx package.

    params: N    elements in all initializers plus Constant-node tensors
                 (the check for the compiler's own parameter count)

usage: onnx_facts.py MODEL.onnx
"""
import sys

import onnx


def count(dims):
    n = 1
    for d in dims:
        n *= d
    return n


def params(graph):
    n = sum(count(t.dims) for t in graph.initializer)
    for node in graph.node:
        if node.op_type != "Constant":
            continue
        for a in node.attribute:
            if a.name == "value":
                n += count(a.t.dims)
            elif a.name in ("value_float", "value_int"):
                n += 1
            elif a.name in ("value_floats", "value_ints"):
                n += len(a.floats) + len(a.ints)
    return n


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: onnx_facts.py MODEL.onnx")
    m = onnx.load(sys.argv[1], load_external_data=False)
    print(f"params: {params(m.graph)}")


if __name__ == "__main__":
    main()
