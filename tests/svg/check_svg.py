"""Checks `onnxcc MODEL --report-svg FILE` against the plan read elsewhere.

The picture is parsed as XML (xml.etree) and compared with what
`--dump-ir=final` and `--report` say, with lifetimes recomputed here from
the schedule (producer to last reader, a buffer widened by every value
living inside it), not taken from compiler/passes/plan.c:

  - one rect.buf per planned buffer (an intermediate with no base), with
    that buffer's offset, size rounded to 64 bytes and live range;
  - one rect.slice per image per concat slice written in place, at its
    channel range of its base and over its own live range, inside its
    base's rectangle; concat views (outputs of elided Concats) not drawn;
  - no two rectangles overlap in both time and offset, unless one is a
    slice and the other its base; everything lies inside the arena (bytes)
    and the plot area (geometry, which must match the data-* attributes);
  - the output is deterministic (a second run is byte-identical) and, with
    --outdir, the same when written together with the usual compile (-o);
  - the file is printable ASCII plus newlines: no raw control bytes or
    invalid UTF-8 from the model, no markup from names (`<script` etc.);
  - with --hostile, the titles hold the hostile names of
    make_svg_models.py, escaped (read back as text, they equal
    printable(name)).

usage: check_svg.py ONNXCC MODEL.onnx WORKDIR [--outdir] [--hostile] [-- ONNXCC-ARG...]
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import yaml

ALIGN = 64
SIZES = {"float32": 4, "float": 4, "int64": 8, "int32": 4, "float64": 8, "uint8": 1, "int8": 1, "bool": 1}
NS = "{http://www.w3.org/2000/svg}"
EPS = 0.02  # px: coordinates are printed with 2-3 decimals

failures = []


def fail(msg):
    failures.append(msg)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True)
    if r.returncode != 0:
        sys.exit(f"`{' '.join(cmd)}` exited {r.returncode}: {r.stderr.decode(errors='replace').strip()}")
    return r.stdout


def nbytes(v):
    n = SIZES[v["dtype"]]
    for d in v["shape"]:
        n *= d
    return n


def expected_plan(dump):
    """(buffers, slices) from the IR dump, lifetimes recomputed here."""
    values = {v["index"]: v for v in dump["values"]}
    ops = {n["index"]: n["op"] for n in dump["nodes"]}
    life = {}
    for v in values.values():
        if v["producer"] is not None:
            life[v["index"]] = [v["producer"], max([v["producer"]] + v["uses"])]
    own = {i: list(r) for i, r in life.items()}
    for v in values.values():  # a buffer lives as long as anything inside it
        if "base" in v and v["index"] in own:
            b = life.setdefault(v["base"], list(own[v["index"]]))
            b[0] = min(b[0], own[v["index"]][0])
            b[1] = max(b[1], own[v["index"]][1])
    bufs = {}
    for v in values.values():
        flags = set(v["flags"] or [])
        if v["producer"] is None or "base" in v or flags & {"input", "output", "const"}:
            continue
        if "offset" not in v:
            fail(f"value {v['index']} has no offset in the dump")
            continue
        size = (nbytes(v) + ALIGN - 1) // ALIGN * ALIGN
        bufs[v["index"]] = dict(offset=v["offset"], bytes=size, first=life[v["index"]][0],
                                last=life[v["index"]][1])
    slices = {}
    for v in values.values():
        if "base" not in v or v["producer"] is None or ops[v["producer"]] == "Concat":
            continue  # not a slice, or a view (an elided Concat's output)
        base = values[v["base"]]
        if v["base"] not in bufs:
            fail(f"slice {v['index']}: base {v['base']} is not a planned buffer")
            continue
        inner = SIZES[base["dtype"]]
        for d in base["shape"][2:]:
            inner *= d
        for n in range(base["shape"][0]):
            off = base["offset"] + (n * base["shape"][1] + v["base_chan"]) * inner
            slices[(v["index"], off)] = dict(base=v["base"], offset=off, bytes=v["shape"][1] * inner,
                                             first=own[v["index"]][0], last=own[v["index"]][1])
    return values, bufs, slices


def attrs(r, *names):
    return {k: int(r.get("data-" + k)) for k in names}


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    if len(args) < 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    cc, model, work = args[:3]
    os.makedirs(work, exist_ok=True)
    svg_path = os.path.join(work, "plan.svg")
    run([cc, model, "--report-svg", svg_path] + extra)
    raw = open(svg_path, "rb").read()

    # Deterministic, and the same when written together with -o.
    again = os.path.join(work, "again.svg")
    run([cc, model, "--report-svg", again] + extra)
    if open(again, "rb").read() != raw:
        fail("a second run wrote a different SVG")
    if "--outdir" in args:
        out = os.path.join(work, "out")
        with_o = os.path.join(work, "with_o.svg")
        run([cc, model, "-o", out, "--name", "m", "--report-svg", with_o] + extra)
        if open(with_o, "rb").read() != raw:
            fail("the SVG written with -o differs from the one written alone")
        for f in ("m.c", "m.h"):
            if not os.path.exists(os.path.join(out, f)):
                fail(f"-o with --report-svg did not write {f}")
    stdout_svg = run([cc, model, "--report-svg", "-"] + extra)
    if stdout_svg != raw:
        fail("--report-svg - (stdout) differs from the file")

    # Nothing from the model reaches the file raw.
    bad = [c for c in raw if not (0x20 <= c < 0x7F or c == 0x0A)]
    if bad:
        fail(f"{len(bad)} bytes outside printable ASCII, first 0x{bad[0]:02x}")
    text = raw.decode("ascii", errors="replace")
    for markup in ("<script", "<!--", "<![CDATA", "<?xml-stylesheet", "javascript:"):
        if markup.lower() in text.lower():
            fail(f"raw '{markup}' in the SVG")

    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        print(f"FAIL: not well-formed XML: {e}", file=sys.stderr)
        sys.exit(1)
    if root.tag != NS + "svg":
        fail(f"root element is {root.tag}")

    dump = yaml.safe_load(run([cc, model, "--dump-ir=final"] + extra))
    report = yaml.safe_load(run([cc, model, "--report"] + extra))
    arena = report.get("arena_bytes", 0)
    values, want_bufs, want_slices = expected_plan(dump)
    nsteps = max(1, len(dump["nodes"]))
    if int(root.get("data-arena-bytes")) != arena:
        fail(f"data-arena-bytes {root.get('data-arena-bytes')}, report says {arena}")
    if int(root.get("data-steps")) != nsteps:
        fail(f"data-steps {root.get('data-steps')}, {nsteps} nodes")
    caption = " ".join("".join(t.itertext()) for t in root.iter(NS + "text"))
    for key in ("arena_bytes", "naive_bytes"):
        if f"{key} {report.get(key, 0)}" not in caption:
            fail(f"the caption does not say '{key} {report.get(key, 0)}'")
    if os.path.basename(model) not in caption:
        fail("the caption does not name the model")

    left, top, pw, ph = map(float, root.get("data-plot").split())
    sw = pw / nsteps
    scale = ph / arena if arena else 0.0

    def geometry_ok(r, what):
        x, y, w, h = (float(r.get(k)) for k in ("x", "y", "width", "height"))
        d = attrs(r, "offset", "bytes", "first", "last")
        want = (left + d["first"] * sw, top + d["offset"] * scale, (d["last"] - d["first"] + 1) * sw,
                d["bytes"] * scale)
        if any(abs(a - b) > EPS for a, b in zip((x, y, w, h), want)):
            fail(f"{what}: rect {(x, y, w, h)} does not match its data {d} (want {want})")
        if x < left - EPS or y < top - EPS or x + w > left + pw + EPS or y + h > top + ph + EPS:
            fail(f"{what}: rect {(x, y, w, h)} leaves the plot {(left, top, pw, ph)}")
        if d["offset"] < 0 or d["offset"] + d["bytes"] > arena:
            fail(f"{what}: bytes [{d['offset']}, {d['offset'] + d['bytes']}) outside the arena {arena}")

    got_bufs, got_slices = {}, {}
    for r in root.iter(NS + "rect"):
        cls = r.get("class")
        if cls not in ("buf", "slice"):
            continue
        v = int(r.get("data-value"))
        what = f"{cls} of value {v} ({values[v]['name']!r})"
        geometry_ok(r, what)
        title = r.find(NS + "title")
        if title is None or not title.text:
            fail(f"{what}: no <title>")
        d = attrs(r, "offset", "bytes", "first", "last")
        if cls == "buf":
            if v in got_bufs:
                fail(f"{what}: drawn twice")
            got_bufs[v] = (d, title.text if title is not None else "")
        else:
            d["base"] = int(r.get("data-base"))
            got_slices[(v, d["offset"])] = d

    if set(got_bufs) != set(want_bufs):
        fail(f"buffers drawn {sorted(got_bufs)} != planned {sorted(want_bufs)}")
    for v, (d, title) in got_bufs.items():
        if v in want_bufs and d != want_bufs[v]:
            fail(f"buffer {v}: drawn {d}, planned {want_bufs[v]}")
        if f"at offset {d['offset']}" not in title or f"live steps {d['first']}-{d['last']}" not in title:
            fail(f"buffer {v}: title {title!r} lacks offset or live range")
    if set(got_slices) != set(want_slices):
        fail(f"slices drawn {sorted(got_slices)} != expected {sorted(want_slices)}")
    for k, d in got_slices.items():
        if k in want_slices and d != want_slices[k]:
            fail(f"slice {k}: drawn {d}, expected {want_slices[k]}")
        b = want_bufs.get(d["base"])
        if b and not (b["offset"] <= d["offset"] and d["offset"] + d["bytes"] <= b["offset"] + b["bytes"]
                      and b["first"] <= d["first"] and d["last"] <= b["last"]):
            fail(f"slice {k} {d} is not inside its base {b}")

    # No two rectangles meet in time and space, except a slice and its base.
    rects = [("buf", v, None, d) for v, (d, _) in got_bufs.items()]
    rects += [("slice", k[0], d["base"], d) for k, d in got_slices.items()]
    rects.sort(key=lambda r: r[3]["offset"])
    for i, (ca, va, ba, a) in enumerate(rects):
        for cb, vb, bb, b in rects[i + 1:]:
            if b["offset"] >= a["offset"] + a["bytes"]:
                break
            if not (a["first"] <= b["last"] and b["first"] <= a["last"]):
                continue
            if (ca, cb) == ("buf", "slice") and bb == va or (ca, cb) == ("slice", "buf") and ba == vb:
                continue
            fail(f"{ca} {va} {a} and {cb} {vb} {b} overlap in time and space")

    if "--hostile" in args:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        sys.dont_write_bytecode = True  # no __pycache__ in the source tree
        import make_svg_models as m
        titles = [t.text or "" for t in root.iter(NS + "title")]
        for name in (m.HOSTILE_NAME.encode(), m.HOSTILE_BYTES):
            want = m.printable(name)
            if not any(t.startswith(want + "\n") for t in titles):
                fail(f"no title starts with the escaped name {want!r}")
        if not re.search(r"&lt;/svg&gt;&lt;script&gt;alert\(&quot;x&amp;y&quot;\)", text):
            fail("the hostile name is not escaped as expected in the raw text")
        if "hostile &amp; &lt;graph&gt;" not in text:
            fail("the graph name in the caption is not escaped")

    print(f"{len(got_bufs)} buffers, {len(got_slices)} slice rects, arena {arena} bytes, {nsteps} steps")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures[:30]), file=sys.stderr)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
