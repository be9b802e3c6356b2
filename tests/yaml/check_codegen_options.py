"""`weights:` / --weights, `isa:` / --isa and `onnxcc compare --config`,
end to end on DenseNet-BC.

weights: the model compiled with its weights embedded (the default) and in
NAME.c.weights gives bitwise-identical outputs, built with gcc and clang
(-std=c99 -Wall -Wextra -Werror), as a non-PIE executable and as a shared
library (-fPIC), from another working folder, after moving
the generated files, and with NAME_WEIGHTS_FILE pointing elsewhere; a
weights file of the wrong size makes NAME_run fail instead of computing
garbage.  The config key writes the same C as the flag.  A runtime whose
layout stamp differs from the one the code was generated with makes
NAME_run return 4.

isa: with `isa: scalar` the code is bitwise identical to the default build
run under ONNXCC_ISA=scalar (the runtime's own cap, so the compiled cap
really reached the kernels) whatever ONNXCC_ISA says, and within the
Winograd tolerance 1e-4 of the default build.

weights_layout: `weights_layout: compact` writes the same C as
--weights-layout=compact, with compact_weights in every conv's parameters,
a smaller model.c, gcc and clang builds that
agree bitwise and are within 1e-4 of the default (Winograd) build; an
unknown layout is a one-line usage error.  Against onnxruntime:
`onnxcc compare --config` with `isa: scalar`, `weights: file` and a
tolerance of 1e-5 passes; a tolerance of 0 for the output fails with
exit status 1; an output the model does not have is an error naming
FILE:LINE:COL.

usage: check_codegen_options.py ONNXCC RT_INCLUDE RT_LIB MODEL.onnx WORKDIR
"""
import os
import shutil
import subprocess
import sys

import numpy as np

failures = []

HARNESS = r"""
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include "model.h"
/* usage: run IN OUT: one input, one output, raw float32 */
int main(int argc, char **argv)
{
    size_t n = (size_t)model_inputs[0].size, m = (size_t)model_outputs[0].size;
    float *x = malloc(n * sizeof *x), *y = malloc(m * sizeof *y);
    void *ws = NULL;
    FILE *f = fopen(argv[1], "rb");
    if (argc != 3 || !x || !y || !f || fread(x, sizeof *x, n, f) != n) return 2;
    fclose(f);
    if (posix_memalign(&ws, 64, model_workspace_size() + 1)) return 2;
    const float *in[1] = {x};
    float *out[1] = {y};
    int rc = model_run(in, out, ws);
    if (rc) { fprintf(stderr, "model_run returned %d\n", rc); return 10 + rc; }
    f = fopen(argv[2], "wb");
    if (!f || fwrite(y, sizeof *y, m, f) != m || fclose(f)) return 2;
    free(x); free(y); free(ws);
    return 0;
}
"""


def run(cmd, cwd=None, env=None, check=True):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}: exit {r.returncode}\n{r.stdout}{r.stderr}")
    return r


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__.strip().splitlines()[-1])
    onnxcc, rt_inc, rt_lib, model, work = sys.argv[1:]
    onnxcc, rt_lib, model = map(os.path.abspath, (onnxcc, rt_lib, model))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    work = os.path.abspath(work)
    harness = os.path.join(work, "harness.c")
    with open(harness, "w") as f:
        f.write(HARNESS)
    x = np.random.default_rng(3).uniform(-1, 1, 3 * 32 * 32).astype(np.float32)
    xin = os.path.join(work, "x.bin")
    x.tofile(xin)

    def cfg(name, text):
        p = os.path.join(work, name + ".yaml")
        with open(p, "w") as f:
            f.write(text)
        return p

    def compile_model(sub, *args):
        out = os.path.join(work, sub)
        run([onnxcc, model, "-o", out, "--name", "model", *args])
        return out

    def build(cc, src, exe, cwd=work, defs=()):
        run([cc, "-O2", "-std=c99", "-Wall", "-Wextra", "-Werror", *defs, "-I" + rt_inc,
             "-I" + os.path.dirname(os.path.join(cwd, src)), harness, src, rt_lib, "-lm", "-o", exe], cwd=cwd)
        return exe

    def outputs(exe, env_isa=None, expect_rc=0):
        env = dict(os.environ)
        env.pop("ONNXCC_ISA", None)
        if env_isa:
            env["ONNXCC_ISA"] = env_isa
        out = exe + (f".{env_isa}" if env_isa else "") + ".out"
        r = run([exe, xin, out], env=env, check=False)
        if r.returncode != expect_rc:
            failures.append(f"{exe}: exit {r.returncode}, want {expect_rc}: {r.stderr.strip()}")
            return None
        return np.fromfile(out, dtype=np.float32) if expect_rc == 0 else None

    # --- weights -------------------------------------------------------------
    emb = compile_model("embedded")
    fil = compile_model("file", "--weights=file")
    via_cfg = compile_model("file_cfg", "--config", cfg("weights", "weights: file\n"))
    for f in ("model.c", "model.h", "model.c.weights"):
        if open(os.path.join(fil, f), "rb").read() != open(os.path.join(via_cfg, f), "rb").read():
            failures.append(f"weights: file in a config and --weights=file differ in {f}")
    if os.path.exists(os.path.join(emb, "model.c.weights")):
        failures.append("the embedded build wrote a weights file")
    if os.path.getsize(os.path.join(fil, "model.c")) * 20 > os.path.getsize(os.path.join(emb, "model.c")):
        failures.append("with --weights=file, model.c still holds the weights")
    cli_wins = compile_model("cli_wins", "--config", cfg("w2", "weights: file\n"), "--weights=embedded")
    if os.path.exists(os.path.join(cli_wins, "model.c.weights")):
        failures.append("--weights=embedded did not win over the config's weights: file")

    ref = outputs(build("gcc", os.path.join(emb, "model.c"), os.path.join(work, "emb_gcc")))
    variants = {
        "gcc, relative path": build("gcc", "file/model.c", os.path.join(work, "file_gcc")),
        "clang, from the output folder": build("clang", "model.c", os.path.join(work, "file_clang"), cwd=fil),
    }
    # The weights' section and the two addresses that reach them, in a
    # non-PIE executable and in a shared library (model.c alone, -fPIC).
    nopie = os.path.join(work, "file_nopie")
    run(["gcc", "-O2", "-std=c99", "-no-pie", "-I" + rt_inc, "-I" + fil, harness, os.path.join(fil, "model.c"),
         rt_lib, "-lm", "-o", nopie])
    variants["gcc, -no-pie"] = nopie
    lib = os.path.join(work, "libmodel.so")
    run(["gcc", "-O2", "-std=c99", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror", "-I" + rt_inc,
         os.path.join(fil, "model.c"), "-o", lib])
    shared = os.path.join(work, "file_shared")
    run(["gcc", "-O2", "-std=c99", "-I" + rt_inc, "-I" + fil, harness, lib, "-Wl,-rpath," + work, rt_lib,
         "-lm", "-o", shared])
    variants["gcc, shared library"] = shared
    moved = os.path.join(work, "moved", "deeper")
    shutil.copytree(fil, moved)
    os.rename(os.path.join(fil, "model.c.weights"), os.path.join(work, "elsewhere.weights"))
    variants["clang, moved"] = build("clang", os.path.join(moved, "model.c"), os.path.join(work, "moved_clang"))
    variants["gcc, model_WEIGHTS_FILE"] = build(
        "gcc", os.path.join(fil, "model.c"), os.path.join(work, "override_gcc"),
        defs=['-Dmodel_WEIGHTS_FILE="' + os.path.join(work, "elsewhere.weights") + '"'])
    r = run(["gcc", "-c", "-std=c99", "-I" + rt_inc, "-I" + fil, os.path.join(fil, "model.c"), "-o",
             os.path.join(work, "missing.o")], check=False)
    if r.returncode == 0:
        failures.append("model.c built although its weights file is missing")
    for what, exe in variants.items():
        y = outputs(exe)
        if ref is not None and y is not None and not np.array_equal(ref.view(np.uint32), y.view(np.uint32)):
            failures.append(f"weights in a file ({what}): outputs differ from the embedded build")
    # A weights file of another size: NAME_run refuses (status 3).
    with open(os.path.join(moved, "model.c.weights"), "ab") as f:
        f.write(b"\0" * 64)
    outputs(build("gcc", os.path.join(moved, "model.c"), os.path.join(work, "stale_gcc")), expect_rc=13)

    # --- layout stamp ------------------------------------------------------------
    # Linked against a runtime built from other sources (its onnxcc_rt_stamp
    # another value; this object's definition keeps the archive's out),
    # NAME_run refuses with status 4 instead of reading weights packed for
    # another blocking; the same code with the stamp it was made for runs.
    text = open(os.path.join(emb, "model.c")).read()
    rt_dir = os.path.join(rt_inc, "..")
    want = run(["sh", os.path.join(rt_dir, "stamp.sh"), rt_dir]).stdout.strip()
    if f"onnxcc_rt_stamp() != 0x{want}ULL" not in text:
        failures.append(f"model.c does not check the runtime's stamp 0x{want}")
    for name, value, rc in (("other", "0x1ULL", 14), ("same", f"0x{want}ULL", 0)):
        stamp_c = os.path.join(work, f"stamp_{name}.c")
        with open(stamp_c, "w") as f:
            f.write(f"unsigned long long onnxcc_rt_stamp(void);\n"
                    f"unsigned long long onnxcc_rt_stamp(void) {{ return {value}; }}\n")
        outputs(build("gcc", os.path.join(emb, "model.c"), os.path.join(work, f"stamp_{name}"),
                      defs=(stamp_c,)), expect_rc=rc)

    # --- isa -------------------------------------------------------------------
    scal = compile_model("scalar", "--config", cfg("isa", "isa: scalar\n"))
    text = open(os.path.join(scal, "model.c")).read()
    if "ONNXCC_ACT" not in text or text.count("}, 1, 0};") == 0 or text.count("}, 0, 0};") != 0:
        failures.append("isa: scalar did not write cap 1 into every conv's parameters")
    y_scal = build("gcc", os.path.join(scal, "model.c"), os.path.join(work, "scalar_gcc"))
    y_auto = build("gcc", os.path.join(emb, "model.c"), os.path.join(work, "auto_gcc"))
    s_none, s_avx512 = outputs(y_scal), outputs(y_scal, "avx512")
    a_scalar, a_best = outputs(y_auto, "scalar"), outputs(y_auto)
    if s_none is not None and a_scalar is not None:
        if not np.array_equal(s_none.view(np.uint32), a_scalar.view(np.uint32)):
            failures.append("isa: scalar differs from the default build under ONNXCC_ISA=scalar")
        if s_avx512 is None or not np.array_equal(s_none.view(np.uint32), s_avx512.view(np.uint32)):
            failures.append("ONNXCC_ISA=avx512 lifted the compiled cap isa: scalar")
        if a_best is not None:
            rel = np.max(np.abs(s_none - a_best)) / np.max(np.abs(a_best))
            if not rel <= 1e-4:
                failures.append(f"isa: scalar vs the best ISA: relative error {rel:.3g} > 1e-4")

    # --- weights_layout ----------------------------------------------------------
    comp = compile_model("compact", "--weights-layout=compact")
    comp_cfg = compile_model("compact_cfg", "--config", cfg("layout", "weights_layout: compact\n"))
    for f in ("model.c", "model.h"):
        if open(os.path.join(comp, f), "rb").read() != open(os.path.join(comp_cfg, f), "rb").read():
            failures.append(f"weights_layout: compact in a config and --weights-layout=compact differ in {f}")
    text = open(os.path.join(comp, "model.c")).read()
    if text.count("}, 0, 1};") == 0 or text.count("}, 0, 0};") != 0:
        failures.append("weights_layout: compact did not set compact_weights in every conv's parameters")
    if "winograd" not in open(os.path.join(emb, "model.c")).read():
        failures.append("the default layout profiles no layer as Winograd")
    if os.path.getsize(os.path.join(comp, "model.c")) >= os.path.getsize(os.path.join(emb, "model.c")):
        failures.append("weights_layout: compact did not make model.c smaller")
    c_auto = outputs(build("clang", os.path.join(comp, "model.c"), os.path.join(work, "compact_clang")))
    c_gcc = outputs(build("gcc", os.path.join(comp, "model.c"), os.path.join(work, "compact_gcc")))
    if c_auto is not None and c_gcc is not None and ref is not None:
        if not np.array_equal(c_auto.view(np.uint32), c_gcc.view(np.uint32)):
            failures.append("weights_layout: compact: gcc and clang builds differ")
        rel = np.max(np.abs(c_auto - ref)) / np.max(np.abs(ref))
        if not rel <= 1e-4:
            failures.append(f"weights_layout: compact vs fast: relative error {rel:.3g} > 1e-4")
    r = run([onnxcc, model, "--report", "--weights-layout=small"], check=False)
    if r.returncode != 1 or "--weights-layout: unknown layout 'small'" not in r.stderr or r.stderr.count("\n") != 1:
        failures.append(f"--weights-layout=small: want exit 1 and one line, got {r.returncode}: {r.stderr!r}")

    # --- onnxcc compare --config -----------------------------------------------
    out_name = "output"
    good = cfg("compare_ok", f"isa: scalar\nweights: file\ncompare:\n  tolerance: 1e-9\n"
                             f"  outputs:\n    {out_name}:\n      tolerance: 1e-5\n")
    r = run([onnxcc, "compare", model, "--config", good], check=False)
    if r.returncode != 0 or "result: PASS" not in r.stdout or "tolerance: 1e-05" not in r.stdout:
        failures.append(f"compare --config (isa: scalar, 1e-5): exit {r.returncode}\n{r.stdout}{r.stderr}")
    strict = cfg("compare_strict", f"compare:\n  outputs:\n    {out_name}: {{tolerance: 0}}\n")
    r = run([onnxcc, "compare", model, "--config", strict], check=False)
    if r.returncode != 1 or "result: FAIL" not in r.stdout or r.stderr.count("\n") != 1:
        failures.append(f"compare with tolerance 0: want exit 1 and FAIL, got {r.returncode}\n{r.stdout}{r.stderr}")
    r = run([onnxcc, "compare", model, "--config", strict, "--tolerance", "1e-5"], check=False)
    if r.returncode != 0:
        failures.append(f"compare: --tolerance did not win over the config: exit {r.returncode}")
    bad = cfg("compare_bad_output", "compare:\n  outputs:\n    nope: {tolerance: 1e-5}\n")
    r = run([onnxcc, "compare", model, "--config", bad], check=False)
    want = f"onnxcc: {bad}:3:5: the model has no output 'nope'"
    if r.returncode != 1 or not r.stderr.startswith(want) or r.stderr.count("\n") != 1:
        failures.append(f"compare, unknown output: want '{want}', got exit {r.returncode}: {r.stderr!r}")

    if failures:
        print("FAIL:\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
