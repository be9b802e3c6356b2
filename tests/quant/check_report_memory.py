"""Checks what `onnxcc --report` and `--report=table` say about a quantized
model's memory and arithmetic against a count of its own, made from
`onnxcc --dump-ir=final` (every value's dtype, shape, producer, uses,
workspace offset and, for channel slices, the buffer they live in):

- memory_by_dtype: per element type, the workspace buffers (slices count in
  their buffer), their bytes rounded up to 64 as planned, and the most
  bytes of the type live at one step (a buffer lives from its producer to
  its last reader, widened by the slices inside it); the types' bytes add
  up to naive_bytes, and peak_bytes (all types) is at most arena_bytes;
- the table's total line gives the same figures;
- macs_by_op/QLinearConv is the sum over the integer convs of output
  elements x weight elements per output channel, and the total is the
  loaded graph's (fusing a QDQ Conv into a QLinearConv changes no
  arithmetic);
- concat_copy_bytes: 0 when slice_concats made every Concat a view, and the
  bytes of every Concat output (by its dtype) with the pass off.

usage: check_report_memory.py ONNXCC MODEL.onnx [--min-uint8-concats N]
"""
import argparse
import re
import subprocess
import sys

import yaml

ALIGN = 64
SIZES = {"float32": 4, "int64": 8, "int32": 4, "float64": 8, "uint8": 1, "int8": 1, "bool": 1}


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"`{' '.join(cmd)}` exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def nbytes(v):
    n = SIZES[v["dtype"]]
    for d in v["shape"]:
        n *= d
    return n


def expected(dump):
    """Per dtype: [buffers, bytes, peak live bytes]; and the peak of all."""
    values = {v["index"]: v for v in dump["values"]}
    nsteps = len(dump["nodes"])
    life = {}
    for v in values.values():
        if v["producer"] is not None:
            life[v["index"]] = [v["producer"], max([v["producer"]] + v["uses"])]
    for v in values.values():
        if "base" in v and v["index"] in life:
            b = life[v["base"]]
            b[0] = min(b[0], life[v["index"]][0])
            b[1] = max(b[1], life[v["index"]][1])
    per, live = {}, {"*": [0] * nsteps}
    for v in values.values():
        flags = set(v["flags"] or [])
        if v["producer"] is None or "base" in v or flags & {"input", "output", "const"}:
            continue
        size = (nbytes(v) + ALIGN - 1) // ALIGN * ALIGN
        e = per.setdefault(v["dtype"], [0, 0, 0])
        e[0] += 1
        e[1] += size
        first, last = life[v["index"]]
        for key in (v["dtype"], "*"):
            row = live.setdefault(key, [0] * nsteps)
            for s in range(first, last + 1):
                row[s] += size
    for dt, e in per.items():
        e[2] = max(live[dt])
    return per, max(live["*"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("onnxcc")
    ap.add_argument("model")
    ap.add_argument("--min-uint8-concats", type=int, default=1)
    a = ap.parse_args()
    cc, model = a.onnxcc, a.model
    failures = []
    dump = yaml.safe_load(run([cc, model, "--dump-ir=final"]))
    rep = yaml.safe_load(run([cc, model, "--report"]))
    table_total = run([cc, model, "--report=table"]).strip().splitlines()[-1]

    per, peak = expected(dump)
    got = rep.get("memory_by_dtype") or {}
    if set(got) != set(per):
        failures.append(f"memory_by_dtype has {sorted(got)}, the dump {sorted(per)}")
    for dt, (bufs, size, dpeak) in per.items():
        g = got.get(dt) or {}
        want = {"buffers": bufs, "naive_bytes": size, "peak_bytes": dpeak}
        for k, w in want.items():
            if g.get(k) != w:
                failures.append(f"memory_by_dtype/{dt}/{k} is {g.get(k)}, the dump gives {w}")
        m = re.search(rf"; {dt} (\d+) bytes, at most (\d+) live", table_total)
        if not m or (int(m.group(1)), int(m.group(2))) != (size, dpeak):
            failures.append(f"table total line {table_total!r}: want {dt} {size} bytes, at most {dpeak} live")
    if sum(e[1] for e in per.values()) != rep["naive_bytes"]:
        failures.append(f"memory_by_dtype bytes add up to {sum(e[1] for e in per.values())}, "
                        f"naive_bytes is {rep['naive_bytes']}")
    if rep.get("peak_bytes") != peak or peak > rep["arena_bytes"]:
        failures.append(f"peak_bytes {rep.get('peak_bytes')}, the dump gives {peak}; arena_bytes {rep['arena_bytes']}")
    if f"at most {peak} bytes live at once" not in table_total:
        failures.append(f"table total line {table_total!r} does not give the peak {peak}")
    if per.get("uint8", [0])[0] == 0:
        failures.append("no uint8 buffers in the workspace: not a quantized model?")

    values = {v["index"]: v for v in dump["values"]}
    qmacs = 0
    for n in dump["nodes"]:
        if n["op"] == "QLinearConv":
            w = values[n["inputs"][3]["value"]]
            per_out = 1
            for d in w["shape"][1:]:
                per_out *= d
            y = values[n["outputs"][0]["value"]]
            qmacs += nbytes(y) // SIZES[y["dtype"]] * per_out
    if qmacs == 0 or rep["macs_by_op"].get("QLinearConv") != qmacs:
        failures.append(f"macs_by_op/QLinearConv is {rep['macs_by_op'].get('QLinearConv')}, the dump gives {qmacs}")
    if rep["macs"] != rep["macs_loaded"]:
        failures.append(f"macs {rep['macs']} differs from macs_loaded {rep['macs_loaded']}")

    # Concats: views with slice_concats, copies of their bytes without.
    cats = [n for n in dump["nodes"] if n["op"] == "Concat"]
    u8 = [n for n in cats if values[n["outputs"][0]["value"]]["dtype"] == "uint8"]
    elided = [n for n in u8 if (n.get("fused") or {}).get("elided")]
    if len(u8) < a.min_uint8_concats or len(elided) != len(u8):
        failures.append(f"{len(elided)} of {len(u8)} uint8 Concats are views, want all of at least "
                        f"{a.min_uint8_concats}")
    if rep["concat_copy_bytes"] != 0:
        failures.append(f"concat_copy_bytes {rep['concat_copy_bytes']} with slice_concats on")
    off = yaml.safe_load(run([cc, model, "--report", "--disable-pass", "slice_concats"]))
    want = sum(nbytes(values[n["outputs"][0]["value"]]) for n in cats)
    if off["concat_copy_bytes"] != want:
        failures.append(f"slice_concats off: concat_copy_bytes {off['concat_copy_bytes']}, the Concats' "
                        f"outputs hold {want} bytes")
    if off["naive_bytes"] <= rep["naive_bytes"]:
        failures.append(f"slice_concats off: naive_bytes {off['naive_bytes']} not above {rep['naive_bytes']}")

    print(f"{len(elided)} uint8 Concats are views; " +
          ", ".join(f"{dt}: {b} buffers, {s} bytes, at most {p} live" for dt, (b, s, p) in sorted(per.items())) +
          f"; peak {peak}, arena {rep['arena_bytes']}; QLinearConv MACs {qmacs}")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures[:20]), file=sys.stderr)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
