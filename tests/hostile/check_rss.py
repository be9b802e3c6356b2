#!/usr/bin/python3
"""The compiler's peak memory on models built to blow it up.

usage: check_rss.py [--factor F] [--arg ARG]... ONNXCC MODEL...

Runs `ONNXCC MODEL -o TMP ARG...` for each model and reads the child's peak
resident set size from wait4().  Each run must end with status 0, or 1 with
one line on stderr, and stay under F x the file's size + 200 MiB (F is 16
by default; the compiler's own baseline is about 10 MiB).  Several of the
rss_* models of make_hostile.py exceed that bound without the compiler's
limits; a big real model (VGG-11-BN) is checked with a tighter factor."""
import os
import subprocess
import sys
import tempfile

FACTOR, BASE_MIB = 16, 200


def main():
    args, factor, extra = sys.argv[1:], FACTOR, []
    while args and args[0] in ("--factor", "--arg") and len(args) > 1:
        if args[0] == "--factor":
            factor = float(args[1])
        else:
            extra.append(args[1])
        args = args[2:]
    if len(args) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    onnxcc, models = args[0], args[1:]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for m in models:
            size = os.path.getsize(m)
            p = subprocess.Popen([onnxcc, m, "-o", os.path.join(tmp, "out")] + extra,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            err = p.stderr.read().decode(errors="replace")
            _, status, usage = os.wait4(p.pid, 0)
            rc = os.waitstatus_to_exitcode(status)
            peak = usage.ru_maxrss * 1024
            bound = int(factor * size) + (BASE_MIB << 20)
            ok = peak <= bound and (rc == 0 or (rc == 1 and err.count("\n") == 1))
            bad += not ok
            print(f"{'ok' if ok else 'FAIL'}: {os.path.basename(m)}: {size >> 10} KiB file, "
                  f"peak RSS {peak >> 20} MiB (bound {bound >> 20} MiB), exit {rc}: {err.strip()}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
