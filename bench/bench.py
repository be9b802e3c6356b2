#!/usr/bin/python3
"""DenseNet benchmark: onnxcc's generated C against onnxruntime, side by side.

    bench/run.sh [--models densenet121,densenet169,...] [--rounds R] [--iters N]
                 [--threads 1,2,...] [--profile] [--isa scalar|avx2|avx512]

--models takes the DenseNets (densenet121, densenet169, densenet201,
densenet161; the default is all four) and the zoo of tools/export_zoo.py
(resnet18, resnet50, mobilenet_v2, squeezenet1_1, googlenet, vgg11_bn,
shufflenet_v2_x1_0).
For each model: export it (random weights, 224x224, batch 1, opset 13),
compile it with onnxcc, build a timing harness (bench_model.c) against the
runtime, then alternate R rounds of N timed runs of the generated code and of
onnxruntime (same intra-op thread count), so drift on a shared machine hits
both alike.  Prints per model and thread count the medians, the ratio
onnxcc/onnxruntime, the ratio of the fastest runs (on a shared machine other
tenants only ever add time, so the best runs are the steadier estimate of
what each side can do; the medians stay the headline), GFLOP/s (2 x the
compiler's MAC count / median), the
fraction of the measured one-core FMA peak (peak.c) times the thread count,
and onnxcc's speed-up over the first count; with --profile, where the
generated code's time goes per kind of node.  Not a test: nothing here passes or fails on speed.
"""
import argparse
import os
import statistics
import subprocess
import sys

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


def report_macs(report):
    for line in report.splitlines():
        if line.startswith("macs:"):
            return int(line.split()[1])
    sys.exit("bench: no macs in the report")


def prepare(arch):
    if arch.startswith("densenet"):
        model = os.path.join(BUILD, "models", "%s_op13.onnx" % arch)
        export, weights = "export_densenet.py", "embedded"
    else:  # the zoo, at 224x224 too; weights in a file (VGG's are 507 MB)
        model = os.path.join(BUILD, "models", "bench_%s_224.onnx" % arch)
        export, weights = "export_zoo.py", "file"
    run(["/usr/bin/python3", os.path.join(ROOT, "tools", export), "--arch", arch,
         "--opset", "13", "--reuse", "-o", model])
    out = os.path.join(WORK, arch)
    os.makedirs(out, exist_ok=True)
    macs = report_macs(run([ONNXCC, model, "-o", out, "--name", arch, "--report",
                            "--weights=" + weights]))
    exes = {}
    for kind, extra in (("plain", []), ("profile", ["-DONNXCC_PROFILE"])):
        exe = os.path.join(out, "bench_" + kind)
        run(["cc", "-std=c99", "-O2", "-I" + out, "-I" + RT_INC, "-DMODEL=" + arch,
             '-DMODEL_HEADER="%s.h"' % arch] + extra +
            [os.path.join(HERE, "bench_model.c"), os.path.join(out, arch + ".c"), RT_LIB, "-lm",
             "-pthread", "-o", exe])
        exes[kind] = exe
    return model, macs, exes


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
    ap.add_argument("--isa", choices=["scalar", "avx2", "avx512"], help="cap the runtime's ISA")
    a = ap.parse_args()
    env = dict(os.environ)
    if a.isa:
        env["ONNXCC_ISA"] = a.isa
    counts = [int(t) for t in a.threads.split(",")]
    os.makedirs(WORK, exist_ok=True)
    pk = peak()
    print("one-core FMA peak (measured): %.1f GFLOP/s; %d rounds x %d runs"
          % (pk, a.rounds, a.iters))
    print("%-12s %7s %12s %12s %8s %8s %9s %8s %8s" % ("model", "threads", "onnxcc ms", "ort ms", "ratio",
                                                       "best", "GFLOP/s", "of peak", "speedup"))
    for arch in a.models.split(","):
        model, macs, exes = prepare(arch)
        first = None
        for threads in counts:
            env["ONNXCC_NUM_THREADS"] = str(threads)
            ours, theirs = [], []
            for _ in range(a.rounds):
                ours += times(run([exes["plain"], str(a.iters), "2"], env))
                theirs += times(run(["node", os.path.join(HERE, "ort_bench.js"), model, str(a.iters),
                                     "2", str(threads)], env))
            mo, mt = statistics.median(ours), statistics.median(theirs)
            first = first or mo
            gflops = 2 * macs / (mo / 1e3) / 1e9
            print("%-12s %7d %12.2f %12.2f %8.3f %8.3f %9.1f %7.0f%% %7.2fx"
                  % (arch, threads, mo, mt, mo / mt, min(ours) / min(theirs), gflops,
                     100 * gflops / (pk * threads), first / mo))
            sys.stdout.flush()
            if a.profile:
                profile(exes["profile"], a.iters, env)


def profile(exe, iters, env):
    """Where the generated code's time goes, per kind of node."""
    out = run([exe, str(iters), "1"], env)
    rows = []
    for line in out.splitlines():
        if line.startswith("kind "):
            name, ms, count = line[5:].split("|")
            rows.append((float(ms), name, int(count)))
    total = sum(r[0] for r in rows)
    for ms, name, count in sorted(rows, reverse=True):
        print("    %-22s %8.2f ms %5.1f%%  (%d nodes)" % (name, ms, 100 * ms / total, count))


if __name__ == "__main__":
    main()
