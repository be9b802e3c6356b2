#!/usr/bin/python3
"""The per-operator coverage table of the ONNX backend node tests (README.md).

usage: coverage.py [--data ROOT] [--results FILE] [--check README | --update README]

Without --results the table follows from refusals.txt and the test data: a
node case listed there is refused, any other passes (ctest fails otherwise),
so the table can be checked without running anything.  With --results FILE
(update_refusals.py's results.txt: "PASS|REFUSED|FAIL SUITE/test_name" per
line) it shows what a run found, failures included.

A case counts under every operator of its model's top-level graph (Constant
only if there is nothing else); an `*_expanded` case under the operators of
its unexpanded sibling, i.e. the op its name is for.  Prints the table
(markdown: op | passed | refused | reasons) and "N of M node cases pass";
--check README exits 1 unless README holds exactly that text between the
lines <!-- node-coverage-begin --> and <!-- node-coverage-end -->, --update
README rewrites that part of the file.
"""
import argparse
import difflib
import os
import sys

import onnx

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases as C  # noqa: E402

BEGIN, END = "<!-- node-coverage-begin -->", "<!-- node-coverage-end -->"


def model_ops(path):
    # Only the graph's nodes are needed: skip tensor data and subgraph bodies.
    g = onnx.load(path, load_external_data=False).graph
    ops = sorted({n.op_type for n in g.node})
    return [o for o in ops if o != "Constant"] or ops


def case_ops(root, case):
    d = os.path.join(root, case)
    if case.endswith("_expanded"):
        sibling = d[:-len("_expanded")]
        if os.path.isfile(os.path.join(sibling, "model.onnx")):
            return model_ops(os.path.join(sibling, "model.onnx"))
    return model_ops(os.path.join(d, "model.onnx"))


def table(root, status, reasons):
    """status: case -> PASS|REFUSED|FAIL for the node cases; reasons: case ->
    the refusal's reason."""
    rows = {}
    for case in status:
        for op in case_ops(root, case):
            rows.setdefault(op, []).append(case)
    fails = any(s == "FAIL" for s in status.values())
    head = "| op | passed | refused |%s reason(s) |" % (" failed |" if fails else "")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for op in sorted(rows, key=str.lower):
        cs = rows[op]
        n = {s: sum(1 for c in cs if status[c] == s) for s in ("PASS", "REFUSED", "FAIL")}
        why = {}
        for c in cs:
            if status[c] == "REFUSED":
                r = reasons.get(c, "?")
                why[r] = why.get(r, 0) + 1
        text = "; ".join(r if k == 1 else "%s (%d)" % (r, k) for r, k in sorted(why.items()))
        lines.append("| %s | %d | %d |%s %s |" % (op, n["PASS"], n["REFUSED"],
                                                  " %d |" % n["FAIL"] if fails else "",
                                                  text.replace("|", "/")))
    npass = sum(1 for s in status.values() if s == "PASS")
    lines.append("")
    lines.append("%d of %d node cases pass, %d are refused%s." % (
        npass, len(status), sum(1 for s in status.values() if s == "REFUSED"),
        ", %d fail" % sum(1 for s in status.values() if s == "FAIL") if fails else ""))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=C.DATA_ROOT)
    ap.add_argument("--results")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--check", metavar="README")
    g.add_argument("--update", metavar="README")
    a = ap.parse_args()
    try:
        _, entries = C.read_refusals()
    except ValueError as e:
        sys.exit("coverage.py: %s" % e)
    node_cases = [c for c in C.list_cases(a.data) if c.startswith("node/")]
    if not node_cases:
        sys.exit("coverage.py: no node cases in %s" % a.data)
    reasons = {c: e[1] for c, e in entries.items()}
    if a.results:
        status = {}
        with open(a.results) as f:
            for line in f:
                if line.strip():
                    s, c = line.split()
                    if c.startswith("node/"):
                        status[c] = s
        missing = [c for c in node_cases if c not in status]
        if missing:
            sys.exit("coverage.py: %s has no result for %d node cases (%s ...)"
                     % (a.results, len(missing), missing[0]))
        status = {c: status[c] for c in node_cases}
    else:
        status = {c: "REFUSED" if c in entries else "PASS" for c in node_cases}
    text = table(a.data, status, reasons)

    path = a.check or a.update
    if not path:
        sys.stdout.write(text)
        return 0
    with open(path) as f:
        readme = f.read()
    i, j = readme.find(BEGIN), readme.find(END)
    if i < 0 or j < i:
        print("coverage.py: %s has no %s ... %s block" % (path, BEGIN, END))
        return 1
    have = readme[i + len(BEGIN):j].strip("\n") + "\n"
    if a.update:
        with open(path, "w") as f:
            f.write(readme[:i + len(BEGIN)] + "\n" + text + readme[j:])
        return 0
    if have != text:
        sys.stdout.writelines(difflib.unified_diff(
            have.splitlines(True), text.splitlines(True), "README.md", "generated"))
        print("coverage.py: the node coverage table of %s is stale: run\n"
              "  /usr/bin/python3 tests/node/coverage.py --update README.md" % path)
        return 1
    print("README.md's node coverage table matches refusals.txt (%s)"
          % text.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
