"""Checks what the optimization passes make of DenseNet-121 at 224x224.

From `onnxcc MODEL --report`: concat_copy_bytes is 0, no
BatchNormalization is left, arena_bytes is at most 7 MiB and naive_bytes
(the sum of all intermediates) with -O0 is over 100 MiB.  From the IR dumps before
(--dump-ir=infer) and after (--dump-ir=final) the passes: the transitions'
Conv1x1 -> AveragePool become AveragePool -> Conv1x1, and their Convs'
multiply-adds, computed here from the dumped shapes, drop by 4x.

usage: check_optimized.py ONNXCC MODEL.onnx
"""
import subprocess
import sys

import yaml

MIB = 1 << 20


def run_yaml(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"`{' '.join(cmd)}` exited {r.returncode}: {r.stderr.strip()}")
    return yaml.safe_load(r.stdout)


def conv_macs(dump, node):
    """Output elements x (input channels per group x kernel taps)."""
    shapes = {v["name"]: v["shape"] for v in dump["values"]}
    w = shapes[node["inputs"][1]["name"]]
    y = shapes[node["outputs"][0]["name"]]
    taps = 1
    for d in w[1:]:
        taps *= d
    out = 1
    for d in y:
        out *= d
    return out * taps


def transition_convs(dump):
    """Convs that feed an AveragePool (before) or read one (after)."""
    producer = {n["outputs"][0]["name"]: n for n in dump["nodes"]}
    readers = {}
    for n in dump["nodes"]:
        for i in n["inputs"]:
            if i:
                readers.setdefault(i["name"], []).append(n)
    before, after = [], []
    for n in dump["nodes"]:
        if n["op"] != "Conv":
            continue
        # (exporters may put an all-zero Pad between Conv and pool)
        rs = readers.get(n["outputs"][0]["name"], [])
        rs = [x for r in rs for x in (readers.get(r["outputs"][0]["name"], []) if r["op"] == "Pad" else [r])]
        if any(r["op"] == "AveragePool" for r in rs):
            before.append(n)
        src = producer.get(n["inputs"][0]["name"])
        if src is not None and src["op"] == "AveragePool":
            after.append(n)
    return before, after


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    cc, model = sys.argv[1:]
    failures = []
    rep = run_yaml([cc, model, "--report"])
    print(f"arena_bytes {rep['arena_bytes']} ({rep['arena_bytes'] / MIB:.2f} MiB), "
          f"naive_bytes {rep['naive_bytes']} ({rep['naive_bytes'] / MIB:.1f} MiB), "
          f"concat_copy_bytes {rep['concat_copy_bytes']}, macs {rep['macs']} (loaded {rep['macs_loaded']})")
    if rep["concat_copy_bytes"] != 0:
        failures.append(f"concat_copy_bytes is {rep['concat_copy_bytes']}, expected 0")
    if rep["ops"].get("BatchNormalization", 0):
        failures.append(f"{rep['ops']['BatchNormalization']} BatchNormalization left")
    if rep["arena_bytes"] > 7 * MIB:
        failures.append(f"arena_bytes {rep['arena_bytes']} > 7 MiB")
    naive0 = run_yaml([cc, model, "--report", "-O0"])["naive_bytes"]
    print(f"without the passes: naive_bytes {naive0} ({naive0 / MIB:.1f} MiB)")
    if naive0 < 100 * MIB:
        failures.append(f"-O0 naive_bytes {naive0} < 100 MiB: not the whole network?")

    before_dump = run_yaml([cc, model, "--dump-ir=infer"])
    after_dump = run_yaml([cc, model, "--dump-ir=final"])
    before, _ = transition_convs(before_dump)
    _, after = transition_convs(after_dump)
    mb = sum(conv_macs(before_dump, n) for n in before)
    ma = sum(conv_macs(after_dump, n) for n in after)
    print(f"transition convs: {len(before)} before ({mb} MACs), {len(after)} after ({ma} MACs)")
    if len(before) != 3 or len(after) != 3:
        failures.append(f"expected 3 transitions before and after, got {len(before)} and {len(after)}")
    elif ma * 4 != mb:
        failures.append(f"transition MACs {mb} -> {ma}: not a 4x drop")
    if rep["macs"] != rep["macs_loaded"] - (mb - ma):
        failures.append(f"report macs {rep['macs']} != macs_loaded {rep['macs_loaded']} - saved {mb - ma}")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
