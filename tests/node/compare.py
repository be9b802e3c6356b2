#!/usr/bin/python3
"""Compares the harness's outputs with the test case's expected outputs.

usage: compare.py [--rtol R --atol A [--why TEXT]] DIR HARNESS_SHAPES

DIR holds shapes.txt, ref_<j>.bin (prepare_case.py) and out_<j>.bin (the
harness); HARNESS_SHAPES is what the harness printed: dtypes and shapes from
the generated header's tables, which must equal shapes.txt.

Per output dtype (the TensorProto.DataType number in shapes.txt):
- integers and bool: every element exactly equal;
- float, double: an element passes if |out - ref| <= ATOL + RTOL*|ref|; an
  output passes if every element does, or if max|out - ref| <= RTOL *
  max|ref| (a sum with cancellation).  RTOL = ATOL = 1e-5 unless given
  (run_case.sh passes tolerance.txt's: rtol 1e-3 / atol 1e-7 for
  transcendental functions);
- float16: at least rtol = atol = 1e-3; bfloat16: at least 1e-2.
NaN must meet NaN, an infinity the same infinity.  Prints one line with the
largest absolute error and the largest error relative to max|ref| over the
float outputs and the tolerance used; exit status 0 if every output passes,
1 otherwise.
"""
import argparse
import os
import sys

import numpy as np

# TensorProto.DataType -> numpy little-endian storage type.
INTS = {2: "<u1", 3: "<i1", 4: "<u2", 5: "<i2", 6: "<i4", 7: "<i8", 9: "<u1",
        12: "<u4", 13: "<u8"}
FLOATS = {1: "<f4", 11: "<f8", 10: "<f2", 16: "<u2", 14: "<c8", 15: "<c16"}
# The least tolerance for a float type narrower than float32.
MIN_TOL = {10: 1e-3, 16: 1e-2}
NAMES = {1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32",
         7: "int64", 9: "bool", 10: "float16", 11: "double", 12: "uint32",
         13: "uint64", 16: "bfloat16"}


def load(path, dtype):
    if dtype == 16:  # bfloat16: the upper half of a float32
        bits = np.fromfile(path, dtype="<u2").astype(np.uint32) << 16
        return bits.view(np.float32).astype(np.float64)
    if dtype in INTS:
        return np.fromfile(path, dtype=INTS[dtype])
    a = np.fromfile(path, dtype=FLOATS[dtype])
    return a if np.iscomplexobj(a) else a.astype(np.float64)


def compare_floats(j, ref, out, rtol, atol, stats, bad):
    # Non-finite values must match exactly; compare the finite rest.
    special = ~np.isfinite(ref) | ~np.isfinite(out)
    if not np.array_equal(ref[special], out[special], equal_nan=True):
        bad.append("output %s: NaN/Inf at different places" % j)
        return
    r, o = ref[~special], out[~special]
    if r.size == 0:
        return
    err = np.abs(o - r)
    scale = float(np.max(np.abs(r)))
    e_abs = float(np.max(err))
    e_rel = e_abs / scale if scale > 0 else (0.0 if e_abs == 0 else float("inf"))
    stats[0], stats[1] = max(stats[0], e_abs), max(stats[1], e_rel)
    if not (np.all(err <= atol + rtol * np.abs(r)) or e_rel <= rtol):
        i = int(np.argmax(err))
        bad.append("output %s: element %d is %.9g, expected %.9g"
                   % (j, np.flatnonzero(~special)[i], o[i], r[i]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rtol", type=float, default=1e-5)
    ap.add_argument("--atol", type=float, default=1e-5)
    ap.add_argument("--why", default="default")
    ap.add_argument("dir")
    ap.add_argument("harness_shapes")
    a = ap.parse_args()
    with open(os.path.join(a.dir, "shapes.txt")) as f:
        want = [line.split() for line in f if line.strip()]
    with open(a.harness_shapes) as f:
        got = [line.split() for line in f if line.strip()]
    if want != got:
        print("dtype/shape tables differ: expected %s, the generated header has %s"
              % ([" ".join(w) for w in want], [" ".join(g) for g in got]))
        return 1

    stats = [0.0, 0.0]  # max abs error, max error relative to max|ref|
    bad, exact, floats = [], 0, 0
    used = (a.rtol, a.atol, a.why)  # the loosest float tolerance applied
    for kind, j, dtype, *_ in want:
        if kind != "out":
            continue
        dtype = int(dtype)
        if dtype not in INTS and dtype not in FLOATS:
            bad.append("output %s: data type %d cannot be compared" % (j, dtype))
            continue
        ref = load(os.path.join(a.dir, "ref_%s.bin" % j), dtype)
        out = load(os.path.join(a.dir, "out_%s.bin" % j), dtype)
        if ref.size != out.size:
            bad.append("output %s: %d elements, expected %d" % (j, out.size, ref.size))
            continue
        if dtype in INTS:
            exact += 1
            diff = np.flatnonzero(ref != out)
            if diff.size:
                bad.append("output %s (%s): %d elements differ, element %d is %d, expected %d"
                           % (j, NAMES[dtype], diff.size, diff[0], out[diff[0]], ref[diff[0]]))
            continue
        floats += 1
        tol = MIN_TOL.get(dtype, 0.0)
        rtol, atol = max(a.rtol, tol), max(a.atol, tol)
        if (rtol, atol) != (a.rtol, a.atol):
            used = (max(used[0], rtol), max(used[1], atol), "%s output" % NAMES[dtype])
        if np.iscomplexobj(ref):
            ref, out = np.concatenate([ref.real, ref.imag]), np.concatenate([out.real, out.imag])
        compare_floats(j, ref.astype(np.float64), out.astype(np.float64), rtol, atol, stats, bad)

    parts = []
    if floats:
        parts.append("max abs err %.3g, max err rel. to max|ref| %.3g (rtol %g atol %g: %s)"
                     % (stats[0], stats[1], used[0], used[1], used[2]))
    if exact:
        parts.append("%d integer/bool output%s compared exactly" % (exact, "" if exact == 1 else "s"))
    print("; ".join(parts + bad) if parts or bad else "no outputs to compare")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
