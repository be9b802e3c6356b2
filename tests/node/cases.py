"""The test cases and the refusal table, as CMakeLists.txt sees them.

A case is a folder SUITE/test_* of the ONNX test data (the parent of
data/node) holding model.onnx; its id is "SUITE/test_name" and its ctest
name PREFIX + the name without "test_".  refusals.txt holds one line per
expected refusal, "SUITE/test_name|substring of the error|reason"; blank
lines and lines starting with '#' are comments (those up to the first blank
line are the file's header, a later one belongs to the entry below it).
"""
import os

DATA_ROOT = "/usr/share/libonnx-testdata/data"
# suite folder -> ctest name prefix (CMakeLists.txt has the same table)
SUITES = {
    "node": "node_",
    "simple": "simple_",
    "pytorch-converted": "pyconv_",
    "pytorch-operator": "pyop_",
}
HERE = os.path.dirname(os.path.abspath(__file__))
REFUSALS = os.path.join(HERE, "refusals.txt")


def list_cases(root=DATA_ROOT):
    """Case ids of every suite, suites in SUITES order, names sorted."""
    cases = []
    for suite in SUITES:
        d = os.path.join(root, suite)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.startswith("test_") and os.path.isfile(os.path.join(d, name, "model.onnx")):
                cases.append(suite + "/" + name)
    return cases


def test_name(case):
    suite, name = case.split("/", 1)
    return SUITES[suite] + name[len("test_"):]


def read_refusals(path=REFUSALS):
    """(header lines, {case: (substring, reason, comment lines)}).  The
    header is the leading comment lines and the blank line after them; a
    later comment line belongs to the entry below it.  Raises ValueError on
    a malformed or duplicate line."""
    with open(path) as f:
        lines = f.read().splitlines()
    n = 0
    while n < len(lines) and lines[n].lstrip().startswith("#"):
        n += 1
    if n < len(lines) and not lines[n].strip():
        n += 1
    header, body = lines[:n], lines[n:]
    entries, comments = {}, []
    for n, line in enumerate(body, n + 1):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            comments.append(line)
            continue
        fields = line.split("|")
        if len(fields) != 3 or not all(x.strip() for x in fields):
            raise ValueError("%s:%d: expected 'case|error substring|reason': %s" % (path, n, line))
        case, error, reason = (x.strip() for x in fields)
        if any(ch in line for ch in ";[]\\"):
            raise ValueError("%s:%d: no ';', '[', ']' or backslash (CMake reads the file as a list): %s"
                             % (path, n, line))
        if "/" not in case or case.split("/", 1)[0] not in SUITES:
            raise ValueError("%s:%d: case '%s' is not SUITE/test_name with SUITE one of %s"
                             % (path, n, case, ", ".join(SUITES)))
        if case in entries:
            raise ValueError("%s:%d: %s is listed twice" % (path, n, case))
        entries[case] = (error, reason, comments)
        comments = []
    return header, entries


def write_refusals(path, header, entries, order):
    """Writes the table: header lines, then the entries (each after its
    comment lines) in the order of the case list `order`, entries for cases
    not in it last."""
    rank = {c: i for i, c in enumerate(order)}
    with open(path, "w") as f:
        for line in header:
            f.write(line + "\n")
        for case in sorted(entries, key=lambda c: (rank.get(c, len(rank)), c)):
            error, reason, comments = entries[case]
            for line in comments:
                f.write(line + "\n")
            f.write("%s|%s|%s\n" % (case, error, reason))
