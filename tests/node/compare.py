#!/usr/bin/python3
"""Compares the harness's outputs with the node test's expected outputs.

usage: compare.py DIR HARNESS_SHAPES

DIR holds shapes.txt, ref_<j>.bin (prepare_case.py) and out_<j>.bin (the
harness); HARNESS_SHAPES is what the harness printed: the shapes from the
generated header's tables, which must equal shapes.txt.

An output element passes if |out - ref| <= 1e-5 + 1e-5*|ref|; an output
passes if every element does, or if max|out - ref| <= 1e-5 * max|ref|.  NaN
must meet NaN, an infinity the same infinity.  Prints one line with the
largest absolute error and the largest error relative to max|ref| over all
outputs; exit status 0 if every output passes, 1 otherwise.
"""
import os
import sys

import numpy as np

ATOL = RTOL = 1e-5


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare.py DIR HARNESS_SHAPES")
    d = sys.argv[1]
    with open(os.path.join(d, "shapes.txt")) as f:
        want = [line.split() for line in f if line.strip()]
    with open(sys.argv[2]) as f:
        got = [line.split() for line in f if line.strip()]
    if want != got:
        print("shape tables differ: expected %s, the generated header has %s"
              % ([" ".join(w) for w in want], [" ".join(g) for g in got]))
        return 1

    max_abs = max_rel = 0.0
    bad = []
    for kind, j, *_ in want:
        if kind != "out":
            continue
        ref = np.fromfile(os.path.join(d, "ref_%s.bin" % j), dtype="<f4").astype(np.float64)
        out = np.fromfile(os.path.join(d, "out_%s.bin" % j), dtype="<f4").astype(np.float64)
        if ref.size != out.size:
            bad.append("output %s: %d elements, expected %d" % (j, out.size, ref.size))
            continue
        if ref.size == 0:
            continue
        # Non-finite values must match exactly; compare the finite rest.
        special = ~np.isfinite(ref) | ~np.isfinite(out)
        if not np.array_equal(ref[special], out[special], equal_nan=True):
            bad.append("output %s: NaN/Inf at different places" % j)
            continue
        r, o = ref[~special], out[~special]
        if r.size == 0:
            continue
        err = np.abs(o - r)
        scale = np.max(np.abs(r))
        e_abs = float(np.max(err))
        e_rel = e_abs / scale if scale > 0 else (0.0 if e_abs == 0 else float("inf"))
        max_abs, max_rel = max(max_abs, e_abs), max(max_rel, e_rel)
        if not (np.all(err <= ATOL + RTOL * np.abs(r)) or e_rel <= RTOL):
            i = int(np.argmax(err))
            bad.append("output %s: element %d is %.9g, expected %.9g"
                       % (j, np.flatnonzero(~special)[i], o[i], r[i]))
    print("max abs err %.3g, max err rel. to max|ref| %.3g%s"
          % (max_abs, max_rel, "".join("; " + b for b in bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
