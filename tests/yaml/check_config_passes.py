"""`passes:` in a config file, end to end through the onnxcc command line.

On a small model (a two-layer dense block with a Relu after its last Conv,
so fuse_act and slice_concats both rewrite something), with configs
written here:

  - `passes: {slice_concats: false}` shows `slice_concats: off` under
    `passes:` in --report, the Concat is copied again (concat_copy_bytes >
    0), and the IR after the passes is the same as with
    --disable-pass slice_concats and no config;
  - the command line wins: -O2 switches it back on, -O0 switches off what
    the file says true, --disable-pass adds to what the file switches off;
  - an unknown pass name and a non-boolean value are exit status 1 with one
    line on stderr naming FILE:LINE:COL.

usage: check_config_passes.py ONNXCC WORKDIR
"""
import os
import subprocess
import sys

import numpy as np
import onnx
import yaml
from onnx import TensorProto, helper, numpy_helper

failures = []


def model(path):
    rng = np.random.default_rng(7)

    def w(name, *shape):
        return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)

    nodes = [
        helper.make_node("Conv", ["x", "w0"], ["f0"]),
        helper.make_node("Conv", ["f0", "w1"], ["f1"], pads=[1, 1, 1, 1]),
        helper.make_node("Concat", ["f0", "f1"], ["cat"], axis=1),
        helper.make_node("Conv", ["cat", "w2"], ["c"]),
        helper.make_node("Relu", ["c"], ["y"]),
    ]
    g = helper.make_graph(nodes, "dense", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 6, 6])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 6, 6])],
                          [w("w0", 4, 3, 1, 1), w("w1", 2, 4, 3, 3), w("w2", 2, 6, 1, 1)])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def report(cc, mpath, *args):
    r = run([cc, mpath, "--report", *args])
    if r.returncode != 0:
        failures.append(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
        return {"passes": {}}
    return yaml.safe_load(r.stdout)


def expect_passes(what, rep, off):
    got = rep.get("passes", {})
    for name, v in got.items():
        want_off = name in off
        if (v == "off") != want_off:
            failures.append(f"{what}: pass {name} is {v!r}, want {'off' if want_off else 'a count'}")
    if set(off) - set(got):
        failures.append(f"{what}: passes {sorted(set(off) - set(got))} not in the report")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    cc, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    mpath = os.path.join(work, "dense.onnx")
    model(mpath)

    def cfg(name, text):
        p = os.path.join(work, name + ".yaml")
        with open(p, "w") as f:
            f.write(text)
        return p

    off = cfg("off", "# switch one pass off\npasses:\n  slice_concats: false\n")
    on = cfg("on", "passes: {fuse_act: true, slice_concats: true}\n")

    base = report(cc, mpath)
    expect_passes("no config", base, [])
    if base["passes"].get("slice_concats", 0) < 1 or base["passes"].get("fuse_act", 0) < 1:
        failures.append(f"the model does not exercise slice_concats and fuse_act: {base['passes']}")
    if base.get("concat_copy_bytes") != 0:
        failures.append(f"no config: concat_copy_bytes {base.get('concat_copy_bytes')}, want 0")

    rep = report(cc, mpath, "--config", off)
    expect_passes("config slice_concats: false", rep, ["slice_concats"])
    if not rep.get("concat_copy_bytes"):
        failures.append("config slice_concats: false: the Concat is still elided")
    via_cfg = run([cc, mpath, "--config", off, "--dump-ir=passes"]).stdout
    via_cli = run([cc, mpath, "--disable-pass", "slice_concats", "--dump-ir=passes"]).stdout
    if not via_cfg or via_cfg != via_cli:
        failures.append("the IR after passes differs between the config and --disable-pass")

    expect_passes("config off, -O2", report(cc, mpath, "--config", off, "-O2"), [])
    expect_passes("-O2, config off", report(cc, mpath, "-O2", "--config", off), [])
    everything = [p for p in base["passes"]]
    expect_passes("config on, -O0", report(cc, mpath, "--config", on, "-O0"), everything)
    expect_passes("config on, --disable-pass fuse_act",
                  report(cc, mpath, "--config", on, "--disable-pass", "fuse_act"), ["fuse_act"])
    expect_passes("config off, --disable-pass fuse_act",
                  report(cc, mpath, "--config", off, "--disable-pass", "fuse_act"), ["fuse_act", "slice_concats"])
    expect_passes("config on", report(cc, mpath, "--config", on), [])

    # Errors: one line, FILE:LINE:COL, exit status 1.
    for name, text, where, what in [
        ("unknown", "name: m\npasses:\n  fold_bn: true\n  slice_concat: false\n", "4:3",
         "unknown pass 'slice_concat' in 'passes' (passes: "),
        ("not_bool", "passes:\n  slice_concats: off\n", "2:18",
         "pass 'slice_concats' must be true or false, not 'off'"),
    ]:
        p = cfg(name, text)
        r = run([cc, mpath, "--config", p, "--report"])
        want = f"onnxcc: {p}:{where}: {what}"
        if r.returncode != 1 or not r.stderr.startswith(want) or r.stderr.count("\n") != 1 or r.stdout:
            failures.append(f"{name}: want exit 1 and one line starting '{want}', got exit "
                            f"{r.returncode}, stderr {r.stderr!r}, stdout {r.stdout[:80]!r}")

    if failures:
        print("FAIL:\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
