"""Smoke test of tools/ort_run.js: runs a softmax-terminated model on a random
input and checks the output is finite and each row sums to 1.

usage: ort_smoke.py NODE ORT_RUN_JS MODEL.onnx WORKDIR
"""
import os
import subprocess
import sys

import numpy as np
import onnx


def main():
    node, script, model, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    inp = onnx.load(model).graph.input[0]
    dims = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    x = np.random.default_rng(0).standard_normal(dims).astype("<f4")
    x.tofile(os.path.join(work, "input_0.bin"))
    r = subprocess.run([node, script, model, "--out", work,
                        os.path.join(work, "input_0.bin")], capture_output=True, text=True)
    print(r.stdout, end="")
    if r.returncode != 0:
        sys.exit(f"ort_run.js failed ({r.returncode}): {r.stderr.strip()}")
    name, oname, shape = r.stdout.split("\n")[0].split()
    shape = [int(d) for d in shape.split(",")]
    y = np.fromfile(os.path.join(work, name), "<f4")
    if y.size != np.prod(shape):
        sys.exit(f"{name}: {y.size} floats, printed shape {shape}")
    y = y.reshape(shape)
    if not np.all(np.isfinite(y)):
        sys.exit("output has non-finite values")
    sums = y.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-5):
        sys.exit(f"softmax rows sum to {sums}, not 1")
    if not np.all(y > 0):
        sys.exit("softmax output has non-positive entries")
    print(f"ok: shape {shape}, row sums {sums}")


if __name__ == "__main__":
    main()
