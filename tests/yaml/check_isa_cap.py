"""`--isa=scalar` reaches every kernel that picks an ISA level, not only
the convolutions.

A model made here runs each such kernel on a few thousand values: the
activations (Sigmoid, Tanh, Erf, Exp, HardSwish), an Add with an
activation after it, AveragePool and MaxPool, Softmax and LogSoftmax,
LayerNormalization, a Transpose (the strided copy) and a
QuantizeLinear / DequantizeLinear pair; every result is a model output.

The model compiled with --isa=scalar must give, output by output, the same
bits whatever ONNXCC_ISA says (unset, avx2, avx512), and the same bits as
the default build run under ONNXCC_ISA=scalar.  So that the check can
fail, on a CPU with AVX2 or AVX-512 the default build's outputs under its
best ISA must differ somewhere from its scalar ones (the vector
polynomials are not libm): a kernel that ignored the cap would show.

usage: check_isa_cap.py ONNXCC RT_INCLUDE RT_LIB WORKDIR
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HARNESS = r"""
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include "model.h"
/* usage: run OUT: a fixed input, every output appended to OUT as raw bytes */
int main(int argc, char **argv)
{
    size_t n = (size_t)model_inputs[0].size;
    float *x = malloc(n * sizeof *x);
    void *ws = NULL, *outs[model_NUM_OUTPUTS];
    if (argc != 2 || !x || posix_memalign(&ws, 64, model_workspace_size() + 1)) return 2;
    unsigned s = 12345u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = (float)((int)(s >> 9 & 0xffff) - 32768) / 6000.0f; /* about -5.5 .. 5.5 */
    }
    for (int k = 0; k < model_NUM_OUTPUTS; k++)
        if (!(outs[k] = malloc((size_t)model_outputs[k].size * (size_t)model_outputs[k].elem_size))) return 2;
    const float *in[1] = {x};
    int rc = model_run(in, (float *const *)outs, ws);
    if (rc) { fprintf(stderr, "model_run returned %d\n", rc); return 10 + rc; }
    FILE *f = fopen(argv[1], "wb");
    for (int k = 0; k < model_NUM_OUTPUTS; k++)
        if (!f || fwrite(outs[k], (size_t)model_outputs[k].elem_size, (size_t)model_outputs[k].size, f) !=
                      (size_t)model_outputs[k].size) return 2;
    return fclose(f) ? 2 : 0;
}
"""

SHAPE = [1, 8, 24, 32]


def make_model(path):
    rng = np.random.default_rng(3)
    inits = [
        numpy_helper.from_array((1 + 0.1 * rng.standard_normal(SHAPE[3])).astype(np.float32), "gamma"),
        numpy_helper.from_array((0.1 * rng.standard_normal(SHAPE[3])).astype(np.float32), "beta"),
        numpy_helper.from_array(np.array(0.02, np.float32), "qs"),
        numpy_helper.from_array(np.array(128, np.uint8), "qz"),
    ]
    n = helper.make_node
    nodes = [
        n("Sigmoid", ["x"], ["sig"]),
        n("Tanh", ["x"], ["tanh"]),
        n("Erf", ["x"], ["erf"]),
        n("Exp", ["x"], ["exp"]),
        n("HardSwish", ["x"], ["hsw"]),
        n("Add", ["x", "tanh"], ["sum"]),
        n("Sigmoid", ["sum"], ["addsig"]),
        n("AveragePool", ["x"], ["avg"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        n("MaxPool", ["x"], ["max"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
        n("Softmax", ["x"], ["sm"], axis=1),
        n("LogSoftmax", ["x"], ["lsm"], axis=-1),
        n("LayerNormalization", ["x", "gamma", "beta"], ["ln"], axis=-1, epsilon=1e-5),
        n("Transpose", ["x"], ["tr"], perm=[0, 1, 3, 2]),
        n("QuantizeLinear", ["sum", "qs", "qz"], ["q"]),
        n("DequantizeLinear", ["q", "qs", "qz"], ["dq"]),
    ]
    outs = ["sig", "tanh", "erf", "exp", "hsw", "addsig", "avg", "max", "sm", "lsm", "ln", "tr", "dq"]
    g = helper.make_graph(nodes, "isa_ops", [helper.make_tensor_value_info("x", TensorProto.FLOAT, SHAPE)],
                          [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outs], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)
    sizes = {v.name: int(np.prod([d.dim_value for d in v.type.tensor_type.shape.dim])) for v in m.graph.output}
    return outs, [sizes[o] for o in outs]


def run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}: exit {r.returncode}\n{r.stdout}{r.stderr}")
    return r


def cpu_has_vectors():
    flags = open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else ""
    return " avx2" in flags and " fma" in flags


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[-1])
    onnxcc, rt_inc, rt_lib, work = sys.argv[1:]
    onnxcc, rt_lib = os.path.abspath(onnxcc), os.path.abspath(rt_lib)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    work = os.path.abspath(work)
    mpath = os.path.join(work, "isa_ops.onnx")
    names, sizes = make_model(mpath)
    harness = os.path.join(work, "harness.c")
    with open(harness, "w") as f:
        f.write(HARNESS)

    def build(tag, *args):
        out = os.path.join(work, tag)
        run([onnxcc, mpath, "-o", out, "--name", "model", *args])
        exe = os.path.join(work, tag + "_run")
        run(["gcc", "-O2", "-std=c99", "-Wall", "-Wextra", "-Werror", "-I" + rt_inc, "-I" + out, harness,
             os.path.join(out, "model.c"), rt_lib, "-lm", "-pthread", "-o", exe])
        return exe

    def outputs(exe, isa):
        env = dict(os.environ)
        env.pop("ONNXCC_ISA", None)
        if isa:
            env["ONNXCC_ISA"] = isa
        path = f"{exe}.{isa or 'unset'}.bin"
        run([exe, path], env=env)
        raw = np.fromfile(path, dtype=np.float32)
        if raw.size != sum(sizes):
            sys.exit(f"FAIL: {path}: {raw.size} values, want {sum(sizes)}")
        return np.split(raw, np.cumsum(sizes)[:-1])

    scalar = build("scalar", "--isa=scalar")
    auto = build("auto")
    failures = []
    want = outputs(auto, "scalar")
    for isa in (None, "avx2", "avx512"):
        got = outputs(scalar, isa)
        for name, a, b in zip(names, want, got):
            if not np.array_equal(a.view(np.uint32), b.view(np.uint32)):
                bad = int(np.count_nonzero(a.view(np.uint32) != b.view(np.uint32)))
                failures.append(f"{name}: --isa=scalar under ONNXCC_ISA={isa or '(unset)'} differs from "
                                f"ONNXCC_ISA=scalar in {bad} of {a.size} values")
    if cpu_has_vectors():
        best = outputs(auto, None)
        differ = [nm for nm, a, b in zip(names, want, best) if not np.array_equal(a.view(np.uint32), b.view(np.uint32))]
        for name, a, b in zip(names, want, best):
            if not np.allclose(a, b, rtol=1e-5, atol=1e-6):
                failures.append(f"{name}: the best ISA and scalar differ by more than 1e-5")
        if not differ:
            failures.append("no output of the default build differs between its best ISA and scalar: "
                            "this check could not see an uncapped kernel")
        print(f"vector and scalar kernels differ in: {', '.join(differ)}")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print(f"ok: {len(names)} outputs, --isa=scalar gives the scalar bits under every ONNXCC_ISA")


if __name__ == "__main__":
    main()
