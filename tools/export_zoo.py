#!/usr/bin/python3
"""Exports a torchvision CNN beyond DenseNet to ONNX with random, seeded weights.

The zoo: ResNet-18/50, MobileNetV2, SqueezeNet 1.1, GoogLeNet (without the
auxiliary classifiers), VGG-11-BN and ShuffleNetV2 x1.0.  As in
export_densenet.py, every parameter is random and every BatchNorm gets
non-trivial statistics, scaled so activations stay in range; the same
arguments always give the same file.

usage: export_zoo.py --arch A [--opset N] [--size H] [--batch N]
                     [--dynamic-batch] [--functions] [--reuse] [--check]
                     -o OUT.onnx

--functions exports each of the model's building blocks (BasicBlock,
Bottleneck, InvertedResidual, Fire, Inception) as an ONNX local function
(ModelProto.functions; needs --opset 15 or later).  --reuse keeps OUT.onnx if
it is newer than this script and export_densenet.py; --check runs
onnx.checker (with shape inference) on the result.  Must run under Debian's
/usr/bin/python3 (torch, onnx).
"""
import argparse
import importlib
import os
import sys

import torch
import torchvision
from torchvision.models import mobilenetv2, resnet, squeezenet

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_densenet import check, common_args, export, randomize  # noqa: E402

M = torchvision.models
ARCHS = {
    "resnet18": lambda: M.resnet18(weights=None),
    "resnet50": lambda: M.resnet50(weights=None),
    "mobilenet_v2": lambda: M.mobilenet_v2(weights=None),
    "squeezenet1_1": lambda: M.squeezenet1_1(weights=None),
    "googlenet": lambda: M.googlenet(weights=None, aux_logits=False, init_weights=False),
    "vgg11_bn": lambda: M.vgg11_bn(weights=None),
    "shufflenet_v2_x1_0": lambda: M.shufflenet_v2_x1_0(weights=None),
}
# The blocks --functions turns into ONNX local functions.
BLOCKS = {resnet.BasicBlock, resnet.Bottleneck, mobilenetv2.InvertedResidual,
          squeezenet.Fire, importlib.import_module("torchvision.models.googlenet").Inception}


def tame_residuals(model):
    """Scales each residual branch's last BatchNorm down, so the sum of
    many skip connections stays of order one (as zero-init-residual
    training would) without making any branch trivial."""
    for m in model.modules():
        bn = getattr(m, "bn3", None) or getattr(m, "bn2", None)
        if isinstance(m, (resnet.BasicBlock, resnet.Bottleneck)):
            with torch.no_grad():
                bn.weight.mul_(0.3)
        if isinstance(m, mobilenetv2.InvertedResidual) and m.use_res_connect:
            with torch.no_grad():
                m.conv[-1].weight.mul_(0.3)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", required=True, choices=sorted(ARCHS))
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--size", type=int, default=224, help="input height and width")
    ap.add_argument("--functions", action="store_true",
                    help="export the building blocks as ONNX local functions (opset >= 15)")
    a = common_args(ap, "the export scripts").parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    newest = max(os.path.getmtime(os.path.join(here, f))
                 for f in ("export_zoo.py", "export_densenet.py"))
    if a.reuse and os.path.exists(a.output) and os.path.getmtime(a.output) > newest:
        if a.check:
            check(a.output, a.output)
        print(a.output)
        return

    lo, hi = 9, 17  # what torch 1.13's exporter supports
    if not lo <= a.opset <= hi:
        sys.exit(f"export_zoo.py: opset {a.opset} not in {lo}..{hi}")
    if a.functions and a.opset < 15:
        sys.exit("export_zoo.py: --functions needs --opset 15 or later")

    torch.manual_seed(a.seed)
    model = ARCHS[a.arch]()
    randomize(model, a.seed)
    tame_residuals(model)
    model.eval()
    x = torch.randn(a.batch, 3, a.size, a.size, generator=torch.Generator().manual_seed(a.seed + 1))

    kw = {}
    if a.dynamic_batch:
        kw["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    if a.functions:
        kw["export_modules_as_functions"] = BLOCKS

    verify = None
    if a.functions:
        verify = lambda m: None if m.functions else "--functions export has no local functions"  # noqa: E731
    export(model, x, a, kw, verify)

if __name__ == "__main__":
    main()
