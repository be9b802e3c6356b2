#!/usr/bin/python3
"""DenseNet benchmark: onnxcc's generated C against onnxruntime, side by side.

    bench/run.sh [--models densenet121,densenet169,...] [--rounds R] [--iters N]
                 [--threads 1,2,...] [--profile] [--layers] [--isa scalar|avx2|avx512]
                 [--size N] [--model-file MODEL.onnx] [--weights-layout fast,compact]

--models takes the DenseNets (densenet121, densenet169, densenet201,
densenet161; the default is all four) and any model of tools/export_zoo.py
(export_zoo.py --list: every torchvision classification and segmentation
model).  --size N exports at N x N instead of the documented resolution
(224 for the DenseNets; the zoo's: its weights' crop size); --model-file
times that ONNX file instead of exporting (one model in --models names it;
tools/zoo.py passes the models it has exported).
For each model: export it (random weights, batch 1, opset 13),
compile it with onnxcc, build a timing harness (bench_model.c) against the
runtime, then alternate R rounds of N timed runs of the generated code and of
onnxruntime (same intra-op thread count), so drift on a shared machine hits
both alike.  Prints first the CPU (name, family, model, cores) and its
measured one-core FMA peak, then per model and thread count the medians, the ratio
onnxcc/onnxruntime, the ratio of the fastest runs (on a shared machine other
tenants only ever add time, so the best runs are the steadier estimate of
what each side can do; the medians stay the headline), GFLOP/s (2 x the
compiler's MAC count / median), the
fraction of the measured one-core FMA peak (peak.c) times the thread count,
and onnxcc's speed-up over the first count.  After each model's rows, its
memory: the peak resident set of the generated code's process (the weights
it touched, the workspace, code and libc) against what onnxruntime added to
its Node.js process (peak minus the resident set before onnxruntime was
loaded: its library, the session with its weights and arena), the largest
over all runs, and their ratio, and the generated object's weights
(weights_bytes of onnxcc --report).  --weights-layout fast,compact also
compiles the model with onnxcc --weights-layout=compact and times that
build in the same rounds: a row per layout (the compact one named
MODEL/compact), each against the same onnxruntime runs.  With --profile,
where the generated code's time goes per kind of node, then per class of
layer (Conv 1x1, Conv 3x3 Winograd, Conv 3x3 direct, the stem -- the first
Conv --, other Convs, pools, the rest): ms, share, GFLOP/s (2 x the
multiply-adds of a direct convolution, from onnxcc --report=table, over
the time) and the fraction of the FMA peak times the threads; Winograd
layers do fewer multiplies than that, so their figure is a
direct-convolution equivalent and can pass 100%.  With --layers, each
layer against onnxruntime's node profile (layers.py).  Not a test: nothing
here passes or fails on speed or memory.
"""
import argparse
import os
import statistics
import subprocess
import sys

import layers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
WORK = os.path.join(BUILD, "bench")
ONNXCC = os.path.join(BUILD, "compiler", "onnxcc")
RT_LIB = os.path.join(BUILD, "runtime", "libonnxcc_rt.a")
RT_INC = os.path.join(ROOT, "runtime", "include")
HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, env=None):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if r.returncode != 0:
        sys.exit("bench: %s failed:\n%s" % (" ".join(cmd), r.stderr.strip()))
    return r.stdout


def times(out):
    for line in out.splitlines():
        if line.startswith("times_ms "):
            return [float(t) for t in line.split()[1:]]
    sys.exit("bench: no times in output:\n" + out)


def rss_kib(out):
    """The peak resident set a harness reports, less its baseline if any."""
    for line in out.splitlines():
        if line.startswith("peak_rss_kib "):
            f = line.split()
            return int(f[1]) - (int(f[3]) if len(f) > 3 and f[2] == "base_rss_kib" else 0)
    sys.exit("bench: no peak_rss_kib in output:\n" + out)


def report_int(report, key):
    for line in report.splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    sys.exit("bench: no %s in the report" % key)


def node_macs(table):
    """Multiply-adds per node index, from onnxcc --report=table (columns
    step, op, output, MACs, ...)."""
    macs = {}
    for line in table.splitlines():
        f = line.split()
        if len(f) > 3 and f[0].isdigit():
            macs[int(f[0])] = int(f[3]) if f[3].isdigit() else 0
    return macs


def prepare(arch, size=None, model_file=None, layout="fast"):
    size_arg = ["--size", str(size)] if size else []
    if arch.startswith("densenet") and not model_file:
        model = os.path.join(BUILD, "models", "%s_op13%s.onnx" % (arch, "_%d" % size if size else ""))
        export, weights = "export_densenet.py", "embedded"
    else:  # the zoo, at the documented size; weights in a file (VGG's are 507 MB)
        model = model_file or os.path.join(BUILD, "models", "bench_%s_%s.onnx" % (arch, size or "doc"))
        export, weights = "export_zoo.py", "file"
    if not model_file:
        run(["/usr/bin/python3", os.path.join(ROOT, "tools", export), "--arch", arch,
             "--opset", "13", "--reuse", "-o", model] + size_arg)
    out = os.path.join(WORK, arch if layout == "fast" else arch + "_" + layout)
    os.makedirs(out, exist_ok=True)
    opts = ["--weights=" + weights, "--weights-layout=" + layout]
    report = run([ONNXCC, model, "-o", out, "--name", arch, "--report"] + opts)
    macs, workspace = report_int(report, "macs"), report_int(report, "workspace_bytes")
    per_node = node_macs(run([ONNXCC, model, "--report=table"] + opts))
    exes = {}
    for kind, extra in (("plain", []), ("profile", ["-DONNXCC_PROFILE"])):
        exe = os.path.join(out, "bench_" + kind)
        run(["cc", "-std=c99", "-O2", "-I" + out, "-I" + RT_INC, "-DMODEL=" + arch,
             '-DMODEL_HEADER="%s.h"' % arch] + extra +
            [os.path.join(HERE, "bench_model.c"), os.path.join(out, arch + ".c"), RT_LIB, "-lm",
             "-pthread", "-o", exe])
        exes[kind] = exe
    return {"model": model, "macs": macs, "workspace": workspace, "exes": exes, "node_macs": per_node,
            "weights": report_int(report, "weights_bytes"), "dir": out}


def cpu():
    """The CPU's name, family and model (/proc/cpuinfo) and the core count."""
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                k, _, v = line.partition(":")
                k = k.strip()
                if k in ("model name", "cpu family", "model") and k not in info:
                    info[k] = v.strip()
    except OSError:
        pass
    return "%s (family %s, model %s), %d cores" % (info.get("model name", "?"), info.get("cpu family", "?"),
                                                   info.get("model", "?"), os.cpu_count() or 0)


def peak():
    exe = os.path.join(WORK, "peak")
    run(["cc", "-O2", "-march=native", "-ffp-contract=fast", os.path.join(HERE, "peak.c"), "-o", exe])
    return float(run([exe]).split()[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="densenet121,densenet169,densenet201,densenet161")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--threads", default="1",
                    help="thread counts, comma-separated: a row per model and count (default 1)")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--layers", action="store_true",
                    help="also compare each layer with onnxruntime's node profile (layers.py)")
    ap.add_argument("--isa", choices=["scalar", "avx2", "avx512"], help="cap the runtime's ISA")
    ap.add_argument("--size", type=int, help="input height and width (default: the documented one)")
    ap.add_argument("--model-file", help="time this ONNX file (one model in --models names it)")
    ap.add_argument("--weights-layout", default="fast",
                    help="onnxcc --weights-layout values, comma-separated: a row per layout (default fast)")
    a = ap.parse_args()
    layouts = a.weights_layout.split(",")
    if any(lo not in ("fast", "compact") for lo in layouts) or len(set(layouts)) != len(layouts):
        sys.exit("bench: --weights-layout takes fast and/or compact, comma-separated")
    if a.model_file and "," in a.models:
        sys.exit("bench: --model-file takes one model in --models")
    env = dict(os.environ)
    if a.isa:
        env["ONNXCC_ISA"] = a.isa
    counts = [int(t) for t in a.threads.split(",")]
    os.makedirs(WORK, exist_ok=True)
    pk = peak()
    print("cpu: %s; one-core FMA peak (measured): %.1f GFLOP/s; %d rounds x %d runs"
          % (cpu(), pk, a.rounds, a.iters))
    width = max([12] + [len(m) + 1 + len(lo) for m in a.models.split(",") for lo in layouts if lo != "fast"])
    print("%-*s %7s %12s %12s %8s %8s %9s %8s %8s" % (width, "model", "threads", "onnxcc ms", "ort ms", "ratio",
                                                      "best", "GFLOP/s", "of peak", "speedup"))
    for arch in a.models.split(","):
        # One build per layout; the fast one's row is named arch (tools/zoo.py
        # reads it), the others arch/LAYOUT.
        builds = [dict(prepare(arch, a.size, a.model_file, lo), layout=lo,
                       name=arch if lo == "fast" else arch + "/" + lo, first=None, mem=0) for lo in layouts]
        model = builds[0]["model"]
        mem_theirs = 0
        for threads in counts:
            env["ONNXCC_NUM_THREADS"] = str(threads)
            ours, theirs = [[] for _ in builds], []
            for _ in range(a.rounds):
                for b, t in zip(builds, ours):
                    out = run([b["exes"]["plain"], str(a.iters), "2"], env)
                    t += times(out)
                    b["mem"] = max(b["mem"], rss_kib(out))
                out = run(["node", os.path.join(HERE, "ort_bench.js"), model, str(a.iters), "2",
                           str(threads)], env)
                theirs += times(out)
                mem_theirs = max(mem_theirs, rss_kib(out))
            mt = statistics.median(theirs)
            for b, t in zip(builds, ours):
                mo = statistics.median(t)
                b["first"] = b["first"] or mo
                gflops = 2 * b["macs"] / (mo / 1e3) / 1e9
                print("%-*s %7d %12.2f %12.2f %8.3f %8.3f %9.1f %7.0f%% %7.2fx"
                      % (width, b["name"], threads, mo, mt, mo / mt, min(t) / min(theirs), gflops,
                         100 * gflops / (pk * threads), b["first"] / mo))
            sys.stdout.flush()
            for b in builds:
                if a.profile:
                    if len(builds) > 1:
                        print("    profile, %s layout:" % b["layout"])
                    profile(b["exes"]["profile"], a.iters, env, b["node_macs"], pk * threads)
                if a.layers:
                    layers.compare(model, os.path.join(b["dir"], arch + ".c"), b["exes"]["profile"], threads,
                                   a.rounds, a.iters, env)
        for b in builds:
            print("    memory%s: onnxcc %.1f MiB peak RSS (workspace %.1f MiB), onnxruntime %.1f MiB"
                  " over Node.js: ratio %.3f" % ("" if b["layout"] == "fast" else " (%s)" % b["layout"], b["mem"] / 1024,
                                                 b["workspace"] / 2**20, mem_theirs / 1024, b["mem"] / mem_theirs))
        print("    weights: " + ", ".join("%s %.1f MiB (%d bytes)" % (b["layout"], b["weights"] / 2**20, b["weights"])
                                          for b in builds))
        sys.stdout.flush()


def layer_class(kind, is_stem):
    """The class a node of profile kind ("Conv 3x3 winograd", "MaxPool", ...)
    counts under; is_stem: it is the network's first Conv."""
    if is_stem:
        return "stem (%s)" % kind
    if kind.startswith("Conv 1x1"):
        return "Conv 1x1"
    if kind == "Conv 3x3 winograd":
        return "Conv 3x3 Winograd"
    if kind == "Conv 3x3":
        return "Conv 3x3 direct"
    if kind.startswith("Conv"):
        return "Conv other"
    if kind in ("MaxPool", "AveragePool", "GlobalAveragePool"):
        return "pools"
    return "others"


CLASS_ORDER = ["stem", "Conv 1x1", "Conv 3x3 Winograd", "Conv 3x3 direct", "Conv other", "pools", "others"]


def profile(exe, iters, env, macs, peak_gflops):
    """Where the generated code's time goes, per kind of node, then per class
    of layer with GFLOP/s (direct-convolution multiply-adds) and the fraction
    of peak_gflops (the one-core FMA peak times the threads)."""
    out = run([exe, str(iters), "1"], env)
    rows, nodes = [], []
    for line in out.splitlines():
        if line.startswith("kind "):
            name, ms, count = line[5:].split("|")
            rows.append((float(ms), name, int(count)))
        elif line.startswith("node "):
            idx, kind, ms = line[5:].split("|")
            nodes.append((int(idx), kind, float(ms)))
    total = sum(r[0] for r in rows)
    for ms, name, count in sorted(rows, reverse=True):
        print("    %-22s %8.2f ms %5.1f%%  (%d nodes)" % (name, ms, 100 * ms / total, count))
    stem = min([idx for idx, kind, _ in nodes if kind.startswith("Conv")], default=None)
    classes = {}
    for idx, kind, ms in nodes:
        c = classes.setdefault(layer_class(kind, idx == stem), [0.0, 0, 0])
        c[0] += ms
        c[1] += macs.get(idx, 0)
        c[2] += 1
    print("    %-22s %11s %6s %9s %8s" % ("by class", "ms", "share", "GFLOP/s", "of peak"))
    for name in sorted(classes, key=lambda n: min(i for i, o in enumerate(CLASS_ORDER) if n.startswith(o))):
        ms, m, count = classes[name]
        if m and ms > 0:
            gf = 2 * m / (ms / 1e3) / 1e9
            flops = "%9.1f %7.0f%%" % (gf, 100 * gf / peak_gflops)
        else:
            flops = "%9s %8s" % ("-", "-")
        note = "  direct-equivalent" if "Winograd" in name and m else ""
        print("    %-22s %8.2f ms %5.1f%% %s  (%d nodes)%s" % (name, ms, 100 * ms / total, flops, count, note))


if __name__ == "__main__":
    main()
