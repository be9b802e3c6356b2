"""Checks what the optimization passes do to one small model.

usage: check_pass.py ONNXCC MODEL.onnx --removed N [--expect PASS=N]...
                     [--expect-op OP=N]... [--expect-reads OP:VALUE=N]...
                     [--expect-report KEY=N]... [--no-compare]

  --expect PASS=N        `onnxcc MODEL --report` says pass PASS made N
                         rewrites; every pass not named must report 0
  --expect-op OP=N       N nodes of op type OP are left after the passes
                         (0 for an op that must be gone)
  --removed N            the IR has N nodes fewer after the passes than
                         before (--dump-ir=infer vs --dump-ir=passes)
  --expect-reads OP:VALUE=N
                         after the passes, N nodes of type OP read the
                         value named VALUE as their first input
  --expect-report KEY=N  the report's top-level KEY is N (e.g.
                         concat_copy_bytes=0)

Also checked: the report's node and op counts agree with the after-passes
dump; with -O0 every pass reports `off` and the ops are those of the
before-passes dump; `onnxcc compare MODEL` and `onnxcc compare MODEL -O0`
both exit 0 (the generated C matches onnxruntime with the passes on and
off).  All failures are listed, then the exit status is 1.
"""
import argparse
import collections
import os
import subprocess
import sys

import yaml


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def load_yaml(cmd, failures):
    rc, out, err = run(cmd)
    if rc != 0:
        failures.append(f"`{' '.join(cmd)}` exited {rc}: {err.strip()}")
        return None
    return yaml.safe_load(out)


def pair(text, sep="="):
    key, _, n = text.rpartition(sep)
    if not key:
        raise argparse.ArgumentTypeError(f"expected NAME{sep}N, got '{text}'")
    try:
        return key, int(n)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer after '{sep}' in '{text}'")


def op_counts(dump):
    return collections.Counter(n["op"] for n in dump["nodes"])


def main():
    ap = argparse.ArgumentParser(usage=__doc__.split("\n\n")[1].strip())
    ap.add_argument("onnxcc")
    ap.add_argument("model")
    ap.add_argument("--expect", type=pair, action="append", default=[])
    ap.add_argument("--expect-op", type=pair, action="append", default=[])
    ap.add_argument("--expect-reads", type=pair, action="append", default=[])
    ap.add_argument("--expect-report", type=pair, action="append", default=[])
    ap.add_argument("--removed", type=int, required=True)
    ap.add_argument("--no-compare", action="store_true", help="skip the two onnxcc compare runs")
    a = ap.parse_args()
    cc, model = a.onnxcc, a.model
    failures = []

    # 1. Rewrites per pass and ops left, from the report.
    rep = load_yaml([cc, model, "--report"], failures)
    if rep is not None:
        passes = rep.get("passes") or {}
        want = dict(a.expect)
        for name in want:
            if name not in passes:
                failures.append(f"--expect {name}: no such pass in the report {sorted(passes)}")
        for name, got in passes.items():
            exp = want.get(name, 0)
            if got != exp:
                failures.append(f"pass {name}: {got} rewrites, expected {exp}")
        ops = rep.get("ops") or {}
        for op, exp in a.expect_op:
            if ops.get(op, 0) != exp:
                failures.append(f"op {op}: {ops.get(op, 0)} left after the passes, expected {exp}")
        for key, exp in a.expect_report:
            if rep.get(key) != exp:
                failures.append(f"report {key}: {rep.get(key)}, expected {exp}")
        print(f"report: passes {passes} ops {ops}")

    # 2. Node count before and after the passes, from the IR dumps.
    before = load_yaml([cc, model, "--dump-ir=infer"], failures)
    after = load_yaml([cc, model, "--dump-ir=passes"], failures)
    if before is not None and after is not None:
        for d, stage in ((before, "infer"), (after, "passes")):
            if d.get("stage") != stage:
                failures.append(f"--dump-ir={stage} printed stage {d.get('stage')!r}")
        nb, na = len(before["nodes"]), len(after["nodes"])
        if nb - na != a.removed:
            failures.append(f"nodes: {nb} before the passes, {na} after: {nb - na} removed, expected {a.removed}")
        if rep is not None:
            if rep.get("nodes") != na:
                failures.append(f"report says {rep.get('nodes')} nodes, the dump after the passes has {na}")
            if dict(op_counts(after)) != dict(rep.get("ops") or {}):
                failures.append(f"report ops {rep.get('ops')} != ops of the dump after the passes {dict(op_counts(after))}")
        for key, exp in a.expect_reads:
            op, _, value = key.partition(":")
            got = sum(1 for n in after["nodes"]
                      if n["op"] == op and n["inputs"] and n["inputs"][0] and n["inputs"][0]["name"] == value)
            if got != exp:
                failures.append(f"{got} {op} nodes read '{value}' as input 0 after the passes, expected {exp}")
        print(f"dump: {nb} nodes before the passes, {na} after")

    # 3. -O0: no pass runs, the ops are the loaded ones.
    rep0 = load_yaml([cc, model, "--report", "-O0"], failures)
    if rep0 is not None:
        not_off = {k: v for k, v in (rep0.get("passes") or {}).items() if v != "off"}
        if not_off:
            failures.append(f"-O0: passes not off: {not_off}")
        if before is not None and dict(op_counts(before)) != dict(rep0.get("ops") or {}):
            failures.append(f"-O0: report ops {rep0.get('ops')} != ops before the passes {dict(op_counts(before))}")

    # 4. The memory plan, checked apart from the planner.
    plan = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "check_plan.py")
    rc, out, err = run([sys.executable, plan, cc, model])
    if rc != 0:
        failures.append(f"check_plan.py: {(out + err).strip()}")

    # 5. Numerics against onnxruntime, passes on and off.
    if not a.no_compare:
        for extra in ([], ["-O0"]):
            cmd = [cc, "compare", model] + extra
            rc, out, err = run(cmd)
            tag = " ".join(["compare"] + extra)
            print(f"{tag}: exit {rc}\n  " + "\n  ".join((out + err).strip().splitlines()))
            if rc != 0:
                failures.append(f"`onnxcc {tag}` exited {rc}")

    if failures:
        print(f"FAIL {model}:\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print(f"OK {model}")


if __name__ == "__main__":
    main()
