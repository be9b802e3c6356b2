#!/usr/bin/python3
"""Rewrites refusals.txt from what the compiler does now.

usage: update_refusals.py [--build DIR] [-j N] [--no-run] [--dry-run]
                          [--results FILE] [CASE...]

Runs every case (or the CASEs given, as SUITE/test_name) through run_case.sh
as ctest does, without an expected refusal, N at a time (default 2), in the
build's work folders (BUILD/tests/node/work; do not run ctest -L node at the
same time).  --no-run reads the outcome of the last run from those folders
instead (after `ctest -L node`, a listed case that compiles was not run
further: it counts as compiling, its entry goes).

Then refusals.txt is rewritten:
- an entry whose case still refuses with a message containing its
  substring stays as it is (reason and comment lines included);
- an entry whose case now compiles, or is no longer in the test data, goes;
- a case refused without an entry, or for another reason than its entry
  says, gets a new entry: the substring is the stable part of onnxcc's
  message (the node's op_type and the reason phrase, without tensor names or
  lists), the reason is generated from it (e.g. "unsupported operator: Foo").
A case that compiles but fails (wrong values, C that does not build, a crash)
or that onnxcc rejects without exit status 1 and one line is a FAIL: a bug
for the compiler, never a refusal; they are listed at the end.

Writes one line per case, "PASS|REFUSED|FAIL SUITE/test_name", to
BUILD/tests/node/results.txt (or FILE), which coverage.py --results reads.
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases as C  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def read_env(build):
    path = os.path.join(build, "tests", "node", "run_env.txt")
    try:
        with open(path) as f:
            return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    except OSError:
        sys.exit("update_refusals.py: no %s: configure the build first (cmake -S . -B %s)"
                 % (path, build))


def run_case(env, case):
    work = os.path.join(env["work"], case)
    cmd = ["sh", os.path.join(HERE, "run_case.sh"), env["onnxcc"], env["cc"], env["rt_include"],
           env["rt_lib"], env["python"], os.path.join(env["data"], case), work]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return outcome(env, case)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def outcome(env, case):
    """(PASS|REFUSED|COMPILES|FAIL, detail): detail is onnxcc's message for
    REFUSED, the result line otherwise."""
    work = os.path.join(env["work"], case)
    line = (read(os.path.join(work, "result.txt")) or "").strip()
    rc = (read(os.path.join(work, "onnxcc.rc")) or "").strip()
    err = read(os.path.join(work, "onnxcc.err")) or ""
    result = re.sub(r"^(PASS|REFUSED|FAIL) +[^:]*: ", "", line)  # without the case
    if line.startswith("PASS"):
        return "PASS", result
    if rc == "1" and len(err.splitlines()) == 1:
        return "REFUSED", err.strip()
    if rc == "0" and "compiles but is in the expected-refusal table" in result:
        return "COMPILES", result
    return "FAIL", result or "no result (did the case run?)"


QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")


def message_body(msg):
    """onnxcc's message without the program and file name."""
    i = msg.find("model.onnx: ")
    return msg[i + len("model.onnx: "):] if i >= 0 else msg


BRACKETED = re.compile(r"\[[^\]]*\]")


def drop_trailing_parenthesis(text):
    """Text without a final " (...)" group (lists, ranks, hints)."""
    text = text.rstrip(" .")
    for i in [m.start() for m in re.finditer(r" \(", text)]:
        depth = 0
        for j in range(i + 1, len(text)):
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            if depth == 0:
                break
        if depth == 0 and j == len(text) - 1:
            return text[:i]
    return text


def new_entry(msg):
    """(substring, reason) for a refusal message: the substring is the
    first clause (up to a ';') that shows no value in brackets, without
    names, its op_type and the phrase after the node's name if that is long
    enough, else its longest piece between names."""
    body = message_body(msg)
    m = re.match(r"node " + QUOTED.pattern + r" \(([\w.]+)\): (.*)$", body)
    op, rest = (m.group(1), m.group(2)) if m else (None, body)
    rest = drop_trailing_parenthesis(rest)
    clauses = [c for c in rest.split(";") if c.strip()] or [rest]
    clause = next((c for c in clauses if not BRACKETED.search(c)), clauses[-1])
    pieces = [p.strip(" ,.:") for p in QUOTED.split(BRACKETED.sub("'", clause))]
    pieces = [p for p in pieces if p] or [clause.strip()]
    if op and clause is clauses[0] and len(pieces[0]) >= 10 and rest.startswith(pieces[0]):
        sub = "(%s): %s" % (op, pieces[0])
    else:
        sub = max(pieces, key=len)
    phrase = re.sub(r"\s+", " ", BRACKETED.sub("", QUOTED.sub("", rest)).replace(";", ","))
    phrase = phrase.replace(" ,", ",").strip(" ,")
    if op and phrase.startswith("unsupported operator"):
        reason = "unsupported operator: %s" % op
    elif op:
        reason = "%s: %s" % (op, phrase)
    else:
        reason = phrase
    for ch in ";[]\\|":
        sub, reason = sub.replace(ch, " "), reason.replace(ch, " ")
    return sub.strip(), reason.strip() or sub.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--no-run", action="store_true")
    ap.add_argument("--dry-run", action="store_true", help="do not rewrite refusals.txt")
    ap.add_argument("--results")
    ap.add_argument("case", nargs="*")
    a = ap.parse_args()
    env = read_env(a.build)
    all_cases = C.list_cases(env["data"])
    header, entries = C.read_refusals()
    todo = a.case or all_cases
    unknown = [c for c in todo if c not in all_cases]
    if unknown:
        sys.exit("update_refusals.py: not in the test data: %s" % " ".join(unknown))

    t0 = time.time()
    results = {}
    if a.no_run:
        for c in todo:
            results[c] = outcome(env, c)
    else:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.j)) as pool:
            futures = {pool.submit(run_case, env, c): c for c in todo}
            for n, fut in enumerate(concurrent.futures.as_completed(futures), 1):
                results[futures[fut]] = fut.result()
                if n % 100 == 0 or n == len(todo):
                    print("%d/%d cases, %.0f s" % (n, len(todo), time.time() - t0), file=sys.stderr)

    kept, added, changed, dropped = 0, [], [], []
    for c in list(entries):
        if c not in all_cases:
            dropped.append((c, "not in the test data"))
            del entries[c]
    for c in todo:
        status, detail = results[c]
        old = entries.get(c)
        if status == "REFUSED":
            if old and old[0] in detail:
                kept += 1
                continue
            sub, reason = new_entry(detail)
            if old:
                changed.append((c, old[0], sub))
                entries[c] = (sub, reason, old[2])
            else:
                added.append((c, sub))
                entries[c] = (sub, reason, [])
        elif old:
            dropped.append((c, "compiles" if status != "FAIL" else "fails: " + detail))
            del entries[c]

    if not a.dry_run:
        C.write_refusals(C.REFUSALS, header, entries, all_cases)
    results_path = a.results or os.path.join(a.build, "tests", "node", "results.txt")
    if not a.case:
        with open(results_path, "w") as f:
            for c in all_cases:
                status = results[c][0]
                f.write("%s %s\n" % ("PASS" if status == "PASS" else
                                     "REFUSED" if status == "REFUSED" else "FAIL", c))

    counts = {}
    for status, _ in results.values():
        counts[status] = counts.get(status, 0) + 1
    fails = sorted((c, d) for c, (s, d) in results.items() if s in ("FAIL", "COMPILES"))
    for c, d in fails:
        print("FAIL     %s: %s" % (c, d))
    for c, why in dropped:
        print("dropped  %s (%s)" % (c, why))
    for c, old, new in changed:
        print("changed  %s: '%s' -> '%s'" % (c, old, new))
    for c, sub in added:
        print("added    %s: %s" % (c, sub))
    print("%d cases in %.0f s: %d PASS, %d REFUSED, %d FAIL%s; refusals.txt: %d kept, %d added, "
          "%d changed, %d dropped%s"
          % (len(results), time.time() - t0, counts.get("PASS", 0), counts.get("REFUSED", 0),
             counts.get("FAIL", 0) + counts.get("COMPILES", 0),
             " (%d compile but were not run: run without --no-run)" % counts["COMPILES"]
             if counts.get("COMPILES") else "",
             kept, len(added), len(changed), len(dropped),
             " (dry run: not written)" if a.dry_run else ""))
    if not a.case:
        print("results: %s" % results_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
