#!/usr/bin/python3
"""Picks the node cases whose generated code also runs under ASan and UBSan:
for every operator, its first (by name) node case that is not a listed
refusal, and that case's *_expanded sibling's operators too.  Prints one
case id per line (SUITE/test_name); CMakeLists.txt reads the committed
list, sanitize_cases.txt, and the test node_sanitize_list fails when it
differs from what this prints.

usage: sanitize_cases.py [--check FILE]"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import DATA_ROOT, list_cases, read_refusals  # noqa: E402
from coverage import model_ops  # noqa: E402


def pick():
    refused = set(read_refusals()[1])
    chosen, seen = [], set()
    for case in list_cases():
        if not case.startswith("node/") or case in refused:
            continue
        ops = set(model_ops(os.path.join(DATA_ROOT, case, "model.onnx"))) - seen
        if ops:
            chosen.append(case)
            seen |= ops
    return chosen


def main():
    text = "".join(c + "\n" for c in pick())
    if sys.argv[1:2] == ["--check"]:
        with open(sys.argv[2]) as f:
            if f.read() != text:
                sys.exit("%s is stale: run tests/node/sanitize_cases.py > %s" % (sys.argv[2], sys.argv[2]))
        return
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
