"""Checks `onnxcc MODEL --report` against independent facts.

MACs must match torchvision's published multiply-accumulate count within
0.5%; params must equal the element count of all initializers and Constant
tensors as Python's onnx package reads the same file; every input and output
shape must be fully known.

usage: check_report.py ONNXCC MODEL.onnx --macs G [--classes K] [--onnxcc-arg ARG]...
"""
import argparse
import subprocess
import sys

import numpy as np
import onnx
import yaml


def onnx_params(path):
    m = onnx.load(path)
    n = sum(int(np.prod(t.dims)) for t in m.graph.initializer)
    for node in m.graph.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value":
                    n += int(np.prod(a.t.dims))
                elif a.name in ("value_float", "value_int"):
                    n += 1
                elif a.name in ("value_floats", "value_ints"):
                    n += len(a.floats) + len(a.ints)
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("onnxcc")
    ap.add_argument("model")
    ap.add_argument("--macs", type=float, required=True, help="expected MACs in G")
    ap.add_argument("--classes", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--onnxcc-arg", action="append", default=[])
    a = ap.parse_args()

    r = subprocess.run([a.onnxcc, a.model, "--report"] + a.onnxcc_arg,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"onnxcc failed ({r.returncode}): {r.stderr.strip()}")
    rep = yaml.safe_load(r.stdout)
    failures = []

    # The model as loaded (passes may change both later).
    macs = int(rep.get("macs_loaded", rep["macs"]))
    want = a.macs * 1e9 * a.batch
    if abs(macs - want) > 0.005 * want:
        failures.append(f"macs {macs} not within 0.5% of {want:.0f}")
    params = int(rep.get("params_loaded", rep["params"]))
    ref = onnx_params(a.model)
    if params != ref:
        failures.append(f"params {params} != onnx package's {ref}")
    outs = rep["outputs"]
    if len(outs) != 1 or list(outs[0]["shape"]) != [a.batch, a.classes]:
        failures.append(f"output shapes {outs} != [[{a.batch}, {a.classes}]]")
    for t in rep["inputs"] + rep["outputs"]:
        if any((not isinstance(d, int)) or d <= 0 for d in t["shape"]):
            failures.append(f"shape of {t['name']} not fully known: {t['shape']}")
    if "Conv" not in rep["ops"]:
        failures.append(f"unexpected op counts {rep['ops']}")

    print(f"{a.model}: macs={macs} ({macs / want:.5f} of published), params={params} (onnx: {ref}), ops={rep['ops']}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))


if __name__ == "__main__":
    main()
