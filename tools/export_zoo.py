#!/usr/bin/python3
"""Exports a torchvision model to ONNX with random, seeded weights.

Every classification model of torchvision.models.list_models(module=
torchvision.models) (80 in torchvision 0.14) and the six segmentation models
of torchvision.models.segmentation.  As in export_densenet.py, every
parameter is random and every normalisation layer gets non-trivial
statistics (BatchNorm: running mean/var, gamma, beta; LayerNorm: gamma,
beta), scaled so activations stay in range; residual branches are scaled
down so long chains of skip connections stay of order one (tame_residuals);
the same arguments always give the same file.  Auxiliary classifiers are
off (GoogLeNet, Inception-v3, the segmentation models' aux_loss); a
segmentation model's output is its 'out' tensor (the dict's other entries
are the auxiliary heads).  Exported as torchvision's docs show,
torch.onnx.export(model, x, path), at --opset (default 13).

--size defaults to the resolution torchvision documents for the model: the
DEFAULT weights' transforms' crop_size (224; 299 for Inception-v3, 600 for
EfficientNet-B7, 518 for ViT-H/14, ...), or resize_size for the
segmentation models (520).  Where the architecture fixes its input size,
the model is built for --size: ViT with image_size=SIZE (a multiple of its
patch size), MaxViT-T with input_size=SIZE and, unless SIZE is a multiple
of 224, partition_size SIZE/32 instead of 7 (SIZE a multiple of 32; the
weights keep their shapes, only the attention windows shrink).  Swin pads
its windows itself and takes any size.

usage: export_zoo.py --arch A [--opset N] [--size H] [--batch N]
                     [--dynamic-batch] [--functions] [--reuse] [--check]
                     -o OUT.onnx
       export_zoo.py --list     (name, family, documented size; one a line)

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
from torchvision.models import (convnext, efficientnet, maxvit, mnasnet, mobilenetv2, mobilenetv3,
                                regnet, resnet, squeezenet, swin_transformer, vision_transformer)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_densenet import check, common_args, export, randomize  # noqa: E402

M = torchvision.models
SEG = M.segmentation
# The first zoo, built exactly as before the whole list came in (their files
# stay byte for byte what the tests have always compared).
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
# Family of a model name: the first pattern that matches its beginning.
FAMILIES = [
    ("deeplabv3", "deeplabv3_"), ("fcn", "fcn_"), ("lraspp", "lraspp_"),
    ("efficientnet_v2", "efficientnet_v2_"), ("efficientnet", "efficientnet_b"),
    ("mobilenet_v2", "mobilenet_v2"), ("mobilenet_v3", "mobilenet_v3_"),
    ("regnet_x", "regnet_x_"), ("regnet_y", "regnet_y_"), ("resnext", "resnext"),
    ("wide_resnet", "wide_resnet"), ("resnet", "resnet"), ("swin_v2", "swin_v2_"),
    ("swin", "swin_"), ("vit", "vit_"), ("vgg", "vgg"), ("densenet", "densenet"),
    ("convnext", "convnext_"), ("inception_v3", "inception_v3"), ("googlenet", "googlenet"),
    ("alexnet", "alexnet"), ("maxvit", "maxvit_"), ("mnasnet", "mnasnet"),
    ("shufflenet_v2", "shufflenet_v2_"), ("squeezenet", "squeezenet"),
]
SEGMENTATION = ("deeplabv3", "fcn", "lraspp")


def classification_models():
    return M.list_models(module=M)


def segmentation_models():
    return M.list_models(module=SEG)


def all_models():
    return classification_models() + segmentation_models()


def family(name):
    for fam, prefix in FAMILIES:
        if name.startswith(prefix):
            return fam
    sys.exit(f"export_zoo.py: {name}: no family")


def documented_size(name):
    """The resolution of the DEFAULT weights' transforms (no download)."""
    t = M.get_model_weights(name).DEFAULT.transforms()
    return (t.crop_size if hasattr(t, "crop_size") else t.resize_size)[0]


class SegmentationOut(torch.nn.Module):
    """A segmentation model's 'out' entry (its dict also holds 'aux')."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


def build(name, size):
    if name in ARCHS:
        return ARCHS[name]()
    fam = family(name)
    if fam in SEGMENTATION:
        return SegmentationOut(M.get_model(name, weights=None, weights_backbone=None, aux_loss=False))
    if fam == "inception_v3":
        return M.inception_v3(weights=None, aux_logits=False, init_weights=False)
    if fam == "vit":
        return M.get_model(name, weights=None, image_size=size)
    if fam == "maxvit":
        if size % 32:
            sys.exit(f"export_zoo.py: {name}: --size {size} is not a multiple of 32")
        # maxvit_t's configuration; windows of 7 need maps that are multiples of 7.
        return maxvit._maxvit(stem_channels=64, block_channels=[64, 128, 256, 512],
                              block_layers=[2, 2, 5, 2], head_dim=32, stochastic_depth_prob=0.2,
                              partition_size=7 if size % 224 == 0 else size // 32,
                              weights=None, progress=False, input_size=(size, size))
    return M.get_model(name, weights=None)


def randomize_more(model, seed):
    """What randomize() leaves alone: LayerNorm's gamma and beta, the
    attention input biases and ViT's class token.  Draws from its own
    generator, so models without these layers are exactly as before."""
    g = torch.Generator().manual_seed(seed + 2)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.LayerNorm) and m.elementwise_affine:
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            elif isinstance(m, torch.nn.MultiheadAttention) and m.in_proj_bias is not None:
                m.in_proj_bias.copy_(torch.randn(m.in_proj_bias.shape, generator=g) * 0.1)
            elif isinstance(m, vision_transformer.VisionTransformer):
                m.class_token.copy_(torch.randn(m.class_token.shape, generator=g))
            elif isinstance(m, convnext.CNBlock):
                # layer_scale starts at 1e-6, which would make every block trivial.
                m.layer_scale.copy_(torch.rand(m.layer_scale.shape, generator=g) * 0.3 + 0.1)


def last(module, kind):
    """The last submodule of module (itself included) that is a kind."""
    found = [m for m in module.modules() if isinstance(m, kind)]
    return found[-1] if found else None


def tame_residuals(model):
    """Scales each residual branch's last BatchNorm (or its last Linear or
    Conv where there is none) down, so the sum of many skip connections
    stays of order one (as zero-init-residual training would) without
    making any branch trivial.  ConvNeXt's branches are scaled by their
    layer_scale (randomize_more)."""
    bn, lin, conv = torch.nn.BatchNorm2d, torch.nn.Linear, torch.nn.Conv2d
    for m in model.modules():
        bn_old = getattr(m, "bn3", None) or getattr(m, "bn2", None)
        branches = []
        if isinstance(m, (resnet.BasicBlock, resnet.Bottleneck)):
            branches = [bn_old]
        elif isinstance(m, mobilenetv2.InvertedResidual) and m.use_res_connect:
            branches = [m.conv[-1]]
        elif isinstance(m, (mobilenetv3.InvertedResidual, efficientnet.MBConv,
                            efficientnet.FusedMBConv)) and m.use_res_connect:
            branches = [last(m.block, bn)]
        elif isinstance(m, mnasnet._InvertedResidual) and m.apply_residual:
            branches = [last(m.layers, bn)]
        elif isinstance(m, regnet.ResBottleneckBlock):
            branches = [last(m.f, bn)]
        elif isinstance(m, vision_transformer.EncoderBlock):
            branches = [m.self_attention.out_proj, last(m.mlp, lin)]
        elif isinstance(m, swin_transformer.SwinTransformerBlock):
            branches = [m.attn.proj, last(m.mlp, lin)]
        elif isinstance(m, maxvit.MBConv):
            branches = [last(m.layers, conv)]
        elif isinstance(m, maxvit.PartitionAttentionLayer):
            branches = [last(m.attn_layer, lin), last(m.mlp_layer, lin)]
        for b in branches:
            with torch.no_grad():
                b.weight.mul_(0.3)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    if "--list" in sys.argv[1:]:
        for name in all_models():
            print(name, family(name), documented_size(name))
        return
    ap.add_argument("--arch", required=True, choices=all_models(), metavar="ARCH",
                    help="a model of torchvision.models or torchvision.models.segmentation")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--size", type=int, default=None,
                    help="input height and width (default: the documented resolution)")
    ap.add_argument("--functions", action="store_true",
                    help="export the building blocks as ONNX local functions (opset >= 15)")
    ap.add_argument("--list", action="store_true", help="list the models: name, family, documented size")
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
    size = a.size or documented_size(a.arch)

    torch.manual_seed(a.seed)
    model = build(a.arch, size)
    randomize(model, a.seed)
    randomize_more(model, a.seed)
    tame_residuals(model)
    model.eval()
    x = torch.randn(a.batch, 3, size, size, generator=torch.Generator().manual_seed(a.seed + 1))

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
