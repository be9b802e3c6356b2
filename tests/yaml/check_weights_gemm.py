"""weights_bytes on a model with no intermediate tensor: one Gemm
(x [16, 24], W [40, 24] with transB = 1, C [40]), which the compiler runs
as a MatMul over W packed at compile time (its 40 columns padded to one
48-column tile: 24*48 floats).  The program holds that copy only, not W
as well: weights_bytes is 24*48*4 + 40*4 = 4768 (both multiples of 8, the
embedded literals' granule); with --weights=file, NAME.c.weights holds
each tensor at a 64-byte boundary (4608 + 192), and the report says the
same.  The program matches onnxruntime.

usage: check_weights_gemm.py ONNXCC WORKDIR
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
import yaml
from onnx import TensorProto, helper, numpy_helper


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: `{' '.join(cmd)}` exited {r.returncode}: {r.stdout}{r.stderr}")
    return r.stdout


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    onnxcc, work = sys.argv[1:]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    rng = np.random.default_rng(5)
    w = numpy_helper.from_array(rng.standard_normal((40, 24)).astype(np.float32), "W")
    c = numpy_helper.from_array(rng.standard_normal(40).astype(np.float32), "C")
    node = helper.make_node("Gemm", ["x", "W", "C"], ["y"], transB=1)
    graph = helper.make_graph([node], "gemm", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [16, 24])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [16, 40])], [w, c])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = os.path.join(work, "gemm.onnx")
    onnx.save(model, path)

    failures = []
    want = {"embedded": 24 * 48 * 4 + 40 * 4, "file": 24 * 48 * 4 + 192}
    for mode, expect in want.items():
        out = os.path.join(work, mode)
        rep = yaml.safe_load(run([onnxcc, path, "--weights=" + mode, "-o", out, "--name", "m", "--report"]))
        print(f"{mode}: weights_bytes {rep.get('weights_bytes')}, want {expect}")
        if rep.get("weights_bytes") != expect:
            failures.append(f"{mode}: weights_bytes {rep.get('weights_bytes')} != {expect}")
        if mode == "file" and os.path.getsize(os.path.join(out, "m.c.weights")) != expect:
            failures.append(f"m.c.weights has {os.path.getsize(os.path.join(out, 'm.c.weights'))} bytes, want {expect}")
    r = subprocess.run([onnxcc, "compare", path], capture_output=True, text=True)
    if r.returncode != 0 or "result: PASS" not in r.stdout:
        failures.append(f"compare: exit {r.returncode}\n{r.stdout}{r.stderr}")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
