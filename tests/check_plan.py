"""An independent check of the static memory plan of one model.

Reads `onnxcc MODEL --dump-ir=final` (every value's producer, uses, byte
size from dtype and shape, workspace offset, and for concat slices the
buffer they live in) and `--report` (arena_bytes), recomputes each
buffer's lifetime from the schedule -- from its producer to its last
reader, widened by every slice inside it -- and fails if a buffer is
misaligned, runs past arena_bytes, is missing an offset, or overlaps in
both time and space a buffer live at the same time.  Written apart from
compiler/passes/plan.c on purpose: the compiler's own verify_plan() shares its
lifetime code with the planner.

usage: check_plan.py ONNXCC MODEL.onnx [ONNXCC-ARG...]
"""
import subprocess
import sys

import yaml

ALIGN = 64
SIZES = {"float32": 4, "float": 4, "int64": 8, "int32": 4, "float64": 8, "uint8": 1, "int8": 1, "bool": 1}


def run_yaml(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"`{' '.join(cmd)}` exited {r.returncode}: {r.stderr.strip()}")
    return yaml.safe_load(r.stdout)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    cc, model, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    dump = run_yaml([cc, model, "--dump-ir=final"] + extra)
    arena = run_yaml([cc, model, "--report"] + extra).get("arena_bytes", 0)
    values = dump["values"]
    life = {}
    for v in values:
        if v["producer"] is None:
            continue
        life[v["index"]] = [v["producer"], max([v["producer"]] + v["uses"])]
    for v in values:  # a slice's writer and readers use its base buffer
        if "base" in v and v["index"] in life:
            b = life.setdefault(v["base"], list(life[v["index"]]))
            b[0] = min(b[0], life[v["index"]][0])
            b[1] = max(b[1], life[v["index"]][1])
    failures, bufs = [], []
    for v in values:
        flags = v["flags"] or []
        if v["producer"] is None or "base" in v or set(flags) & {"input", "output", "const"}:
            continue
        n = SIZES.get(v["dtype"])
        if n is None:
            failures.append(f"value {v['index']}: unknown dtype {v['dtype']}")
            continue
        for d in v["shape"]:
            n *= d
        if "offset" not in v:
            failures.append(f"value {v['index']} ({v['name']!r}) has no workspace offset")
            continue
        off = v["offset"]
        if off % ALIGN or off + n > arena:
            failures.append(f"value {v['index']}: offset {off}, {n} bytes, arena {arena}")
        bufs.append((off, off + n, life[v["index"]][0], life[v["index"]][1], v["index"]))
    bufs.sort()
    for i, (a0, a1, af, al, ai) in enumerate(bufs):
        for b0, b1, bf, bl, bi in bufs[i + 1:]:
            if b0 >= a1:
                break  # sorted by offset: no later buffer meets a in space
            if af <= bl and bf <= al:
                failures.append(f"values {ai} and {bi} overlap: [{a0},{a1}) steps {af}-{al} "
                                f"vs [{b0},{b1}) steps {bf}-{bl}")
    print(f"{len(bufs)} buffers in {arena} bytes")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures[:20]), file=sys.stderr)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
