#!/usr/bin/python3
"""Exports a torchvision DenseNet to ONNX with random, seeded weights.

No pretrained weights can be downloaded here, so every parameter is random,
and every BatchNorm gets non-trivial statistics (mean, var, gamma, beta) so
that folding bugs cannot hide behind identity normalisation.  The values are
chosen so activations stay well scaled through 100+ layers.  The same
arguments always give the same file contents.

usage: export_densenet.py --arch A [--opset N] [--size H] [--batch N]
                          [--dynamic-batch] [--training-preserve]
                          [--reuse] [--check] -o OUT.onnx

--reuse keeps OUT.onnx if it is newer than this script (test fixtures re-run
cheaply); --check runs onnx.checker (with shape inference) on the result.

--arch densenet_bc is a small CIFAR-style DenseNet-BC (growth 12, depth 40,
compression 0.5, 3 dense blocks, 10 classes) ending in Softmax; its default
input is 32x32.  Must run under Debian's /usr/bin/python3 (torch, onnx).
"""
import argparse
import os
import sys
import warnings

import torch
import torchvision

ARCHS = ("densenet121", "densenet169", "densenet201", "densenet161", "densenet_bc")


def build(arch):
    if arch == "densenet_bc":
        # Depth 40 = 3 blocks * 6 layers * 2 convs + stem + 2 transitions + fc.
        # torchvision's transitions halve the channels (compression 0.5).
        net = torchvision.models.DenseNet(growth_rate=12, block_config=(6, 6, 6),
                                          num_init_features=24, bn_size=4,
                                          num_classes=10)
        return torch.nn.Sequential(net, torch.nn.Softmax(dim=1))
    return getattr(torchvision.models, arch)(weights=None)


def randomize(model, seed):
    """Seeded random weights and BatchNorm statistics."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.Conv2d):
                # He-style scaling keeps the variance roughly constant.
                fan_in = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5)
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            elif isinstance(m, torch.nn.BatchNorm2d):
                n = m.num_features
                m.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(n, generator=g) * 1.5 + 0.5)
                m.weight.copy_(torch.rand(n, generator=g) + 0.5)
                m.bias.copy_(torch.randn(n, generator=g) * 0.1)
            elif isinstance(m, torch.nn.Linear):
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (1.0 / m.in_features) ** 0.5)
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)


def check(path, name):
    import onnx
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
    except Exception as e:  # checker and shape-inference errors alike
        if path != name:
            os.remove(path)
        sys.exit(f"export_densenet.py: {name}: onnx.checker: {e}")


def common_args(ap, newer_than):
    """The options export_densenet.py and export_zoo.py share."""
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--dynamic-batch", action="store_true",
                    help="make axis 0 of input and output symbolic")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reuse", action="store_true",
                    help=f"keep OUT if it exists and is newer than {newer_than}")
    ap.add_argument("--check", action="store_true",
                    help="run onnx.checker.check_model(full_check=True) on OUT")
    ap.add_argument("-o", "--output", required=True)
    return ap


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", required=True, choices=ARCHS)
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--size", type=int, default=None,
                    help="input height and width (default 224; 32 for densenet_bc)")
    ap.add_argument("--training-preserve", action="store_true",
                    help="TrainingMode.PRESERVE: keep Conv->BatchNormalization unfolded")
    a = common_args(ap, "this script").parse_args()

    if a.reuse and os.path.exists(a.output) and \
            os.path.getmtime(a.output) > os.path.getmtime(os.path.abspath(__file__)):
        if a.check:
            check(a.output, a.output)
        print(a.output)
        return

    lo, hi = 9, 17  # what torch 1.13's exporter supports and we test
    if not lo <= a.opset <= hi:
        sys.exit(f"export_densenet.py: opset {a.opset} not in {lo}..{hi}")
    size = a.size or (32 if a.arch == "densenet_bc" else 224)

    torch.manual_seed(a.seed)
    model = build(a.arch)
    randomize(model, a.seed)
    model.eval()
    x = torch.randn(a.batch, 3, size, size, generator=torch.Generator().manual_seed(a.seed + 1))

    kw = {}
    if a.dynamic_batch:
        kw["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    if a.training_preserve:
        kw["training"] = torch.onnx.TrainingMode.PRESERVE

    def has_conv_bn(g):
        producer = {o: n.op_type for n in g.node for o in n.output}
        return any(n.op_type == "BatchNormalization" and producer.get(n.input[0]) == "Conv"
                   for n in g.node)

    # --training-preserve: check the exporter really kept BN after convs
    # (the whole point).
    verify = None
    if a.training_preserve:
        verify = lambda m: None if has_conv_bn(m.graph) else "no Conv->BatchNormalization"  # noqa: E731
    export(model, x, a, kw, verify)


def export(model, x, a, kw, verify=None):
    """torch.onnx.export to a.output through a temporary file; verify(model)
    returns what is wrong with the export, or None; a.check runs
    onnx.checker.  Shared with export_zoo.py."""
    # The exporter warns about constant folding with PRESERVE even for a model
    # in eval mode, where folding is harmless; keep the output quiet.
    warnings.filterwarnings("ignore", category=UserWarning)
    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    tmp = a.output + ".tmp"
    torch.onnx.export(model, x, tmp, opset_version=a.opset, do_constant_folding=True,
                      input_names=["input"], output_names=["output"], **kw)
    if verify:
        import onnx
        wrong = verify(onnx.load(tmp))
        if wrong:
            os.remove(tmp)
            sys.exit(f"{os.path.basename(sys.argv[0])}: {a.output}: {wrong}")
    if a.check:
        check(tmp, a.output)
    os.replace(tmp, a.output)
    print(a.output)

if __name__ == "__main__":
    main()
