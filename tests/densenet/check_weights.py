"""Checks `weights_bytes` of `onnxcc --report` against what the emitter
writes, for both weight layouts (--weights-layout=fast|compact).

For each layout, with --weights=file: weights_bytes is the size of
NAME.c.weights, and the section that holds them in NAME.o starts at a 2 MiB
boundary from 32 MiB of weights on, else at 64 bytes; embedded (the
default): it is the sum of the sizes of the weight objects (w<N>, p<N>) in
NAME.o as `nm -S` lists them (compiled here with cc -c; --no-object skips
that for big models).  --report=table's
total line names the same number.  The compact layout keeps no Winograd-transformed copies: its weights are at
least the parameters' float32 bytes (report `params` x 4) and at most
--compact-max-ratio times them, and the fast layout's are at least
--fast-min-ratio times the compact one's.

usage: check_weights.py ONNXCC MODEL.onnx WORKDIR [--compact-max-ratio R] [--fast-min-ratio R]
                        [--no-object]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

import yaml


def run(cmd, cwd=None):
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        sys.exit(f"FAIL: `{' '.join(cmd)}` exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def object_weights(obj):
    """Bytes of the w<N> / p<N> objects in an object file."""
    total = 0
    for line in run(["nm", "-S", obj]).splitlines():
        f = line.split()
        if len(f) == 4 and re.fullmatch(r"[wp][0-9]+", f[3]):
            total += int(f[1], 16)
    return total


HUGE_MIN = 32 << 20  # weights from this size start at a 2 MiB boundary
HUGE_ALIGN = 2 << 20


def weights_alignment(out, rt_include):
    """The alignment of m.o's weights section (--weights=file), compiled here:
    the .incbin makes that quick whatever the size."""
    obj = os.path.join(out, "m.o")
    run(["cc", "-c", "-std=c99", "-I" + rt_include, os.path.join(out, "m.c"), "-o", obj])
    for line in run(["readelf", "-SW", obj]).splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 1 and f[1] == ".lrodata.m_weights":
            return int(f[-1])
    sys.exit(f"FAIL: no section .lrodata.m_weights in {obj}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("onnxcc")
    ap.add_argument("model")
    ap.add_argument("work")
    ap.add_argument("--compact-max-ratio", type=float, default=1.5)
    ap.add_argument("--fast-min-ratio", type=float, default=1.0)
    ap.add_argument("--no-object", action="store_true")
    ap.add_argument("--rt-include", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                         "runtime", "include"))
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    failures = []
    got = {}
    for layout in ("fast", "compact"):
        for mode in ("file", "embedded"):
            out = os.path.join(a.work, f"{layout}_{mode}")
            args = [a.onnxcc, a.model, "--weights=" + mode, "--weights-layout=" + layout]
            rep = yaml.safe_load(run(args + ["-o", out, "--name", "m", "--report"]))
            wb = rep["weights_bytes"]
            if mode == "file":
                actual = os.path.getsize(os.path.join(out, "m.c.weights"))
                what = "m.c.weights"
                align = weights_alignment(out, a.rt_include)
                want = HUGE_ALIGN if wb >= HUGE_MIN else 64
                print(f"{layout:8s} {mode:9s} .lrodata.m_weights aligned to {align} (want {want})")
                if align != want:
                    failures.append(f"{layout}, {mode}: {wb} bytes of weights aligned to {align}, not {want}")
            elif a.no_object:
                actual, what = wb, "(not compiled)"
            else:
                obj = os.path.join(out, "m.o")
                run(["cc", "-c", "-std=c99", "-I" + a.rt_include, os.path.join(out, "m.c"), "-o", obj])
                actual = object_weights(obj)
                what = "the weight objects in m.o"
            print(f"{layout:8s} {mode:9s} weights_bytes {wb} ({wb / 2**20:.2f} MiB), {what}: {actual}")
            if wb != actual:
                failures.append(f"{layout}, {mode}: weights_bytes {wb} != {actual} bytes of {what}")
            table = run(args + ["--report=table"]).splitlines()[-1]
            if f"; weights {wb} bytes" not in table:
                failures.append(f"{layout}, {mode}: --report=table's total does not say {wb}: {table}")
            got[layout, mode] = wb
            params = rep["params"]
    fast, compact = got["fast", "embedded"], got["compact", "embedded"]
    print(f"params x 4: {params * 4}; compact / params: {compact / (params * 4):.3f}; "
          f"fast / compact: {fast / compact:.3f}")
    if not params * 4 <= compact <= a.compact_max_ratio * params * 4:
        failures.append(f"compact weights {compact} not within [1, {a.compact_max_ratio}] x params x 4")
    if not fast >= a.fast_min_ratio * compact:
        failures.append(f"fast weights {fast} < {a.fast_min_ratio} x compact {compact}")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
