#!/usr/bin/python3
"""The compiler's peak memory on models built to blow it up.

usage: check_rss.py ONNXCC MODEL...

Runs `ONNXCC MODEL -o TMP` for each model and reads the child's peak
resident set size from wait4().  Each run must end with status 0, or 1 with
one line on stderr, and stay under 16 x the file's size + 200 MiB (the
compiler's own baseline is about 10 MiB).  Several of the rss_* models of
make_hostile.py exceed that bound without the compiler's limits."""
import os
import subprocess
import sys
import tempfile

FACTOR, BASE_MIB = 16, 200


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.split("\n\n")[1])
    onnxcc, models = sys.argv[1], sys.argv[2:]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for m in models:
            size = os.path.getsize(m)
            p = subprocess.Popen([onnxcc, m, "-o", os.path.join(tmp, "out")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            err = p.stderr.read().decode(errors="replace")
            _, status, usage = os.wait4(p.pid, 0)
            rc = os.waitstatus_to_exitcode(status)
            peak = usage.ru_maxrss * 1024
            bound = FACTOR * size + (BASE_MIB << 20)
            ok = peak <= bound and (rc == 0 or (rc == 1 and err.count("\n") == 1))
            bad += not ok
            print(f"{'ok' if ok else 'FAIL'}: {os.path.basename(m)}: {size >> 10} KiB file, "
                  f"peak RSS {peak >> 20} MiB (bound {bound >> 20} MiB), exit {rc}: {err.strip()}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
