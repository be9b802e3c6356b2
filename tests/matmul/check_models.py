"""Compiles, builds and compares with onnxruntime (onnxcc compare) every
model of make_models.py, with the best kernels and with the scalar
ones, and checks from the generated C that each took the path its case
expects: onnxcc_f32_matmul, onnxcc_f32_gemm, or the generic loops, whether
the Add of a bias after a MatMul went into it (fuse_matmul_bias: no Add
kernel left) or stayed (a bias that is not one per column), whether an
activation after them went into the product's epilogue (fuse_act), and
that --isa=scalar writes its cap into every MatMul's and Gemm's parameters
(their last field), so that the kernels stay on the scalar level.

usage: check_models.py ONNXCC MODELDIR
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    onnxcc, models = sys.argv[1], sys.argv[2]
    cases = subprocess.run([sys.executable, os.path.join(HERE, "make_models.py"), models], check=True,
                           capture_output=True, text=True).stdout.split("\n")
    failures = 0
    for line in filter(None, cases):
        name, expect, *rest = line.split()
        bias = rest[0] if rest else "-"
        act = rest[1] if len(rest) > 1 else "-"
        path = os.path.join(models, "%s.onnx" % name)
        for isa in ("", "--isa=scalar"):
            with tempfile.TemporaryDirectory() as keep:
                cmd = [onnxcc, "compare", path, "--keep", keep] + ([isa] if isa else [])
                r = subprocess.run(cmd, capture_output=True, text=True)
                if r.returncode != 0:
                    print("FAIL %s %s: onnxcc compare:\n%s%s" % (name, isa, r.stdout, r.stderr))
                    failures += 1
                    continue
                src = "".join(open(os.path.join(keep, f)).read() for f in os.listdir(keep) if f.endswith(".c"))
                took = [k for k in ("matmul", "gemm") if re.search(r"onnxcc_f32_%s(_bias)?(_act)?\(" % k, src)]
                took = took or ["generic"]
                # fuse_act: no activation node left; the product's own
                # epilogue (onnxcc_f32_matmul_bias_act) or, after a Gemm,
                # one pass over its output
                if act != "-":
                    want = {"matmul": "onnxcc_f32_matmul_bias_act(", "gemm": "onnxcc_f32_act("}[expect]
                    if want not in src or "ONNXCC_ACT_%s" % act.upper() not in src:
                        print("FAIL %s %s: the %s was not fused (no %s)" % (name, isa, act, want))
                        failures += 1
                        continue
                added = "onnxcc_f32_binary(" in src or "onnxcc_f32_add_act(" in src
                if bias != "-" and added != (bias == "add"):
                    print("FAIL %s %s: the bias Add %s" % (name, isa, "stayed" if added else "was fused"))
                    failures += 1
                    continue
                caps = re.findall(r"static const Onnxcc(?:Matmul|Gemm)Params p = \{[^}]*, (\w+)\};", src)
                want = "1" if isa else "0"
                if any(c != want for c in caps):
                    print("FAIL %s %s: isa caps %s in the parameters, expected %s" % (name, isa, caps, want))
                    failures += 1
                    continue
                if took != [expect]:
                    print("FAIL %s %s: took %s, expected %s" % (name, isa, took, expect))
                    failures += 1
                else:
                    print("ok %s %s" % (name, isa or "best"))
    if failures:
        sys.exit("%d failures" % failures)


if __name__ == "__main__":
    main()
