#!/usr/bin/python3
"""Writes the committed fuzz seeds in tests/fuzz/corpus/: torchvision
DenseNets cut down to a few KB (growth 2, two dense blocks of two layers,
16x16 input, short names) with random weights and BatchNorm statistics from
tools/export_densenet.py, exported at opset 13 with BatchNorm folded by the
exporter and with training=PRESERVE (Conv->BN kept), and a ResNet of the
same size (torchvision's BasicBlock, one plain and one downsampling block:
residual Adds for fuse_add).  The libFuzzer run starts from these and a few
ONNX backend test models.

usage: make_seeds.py [OUTDIR]     (default: the corpus folder beside this file)
Must run under Debian's /usr/bin/python3 (torch, torchvision, onnx)."""
import io
import os
import sys
import warnings

import torch
import torchvision

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "tools"))
from export_densenet import randomize  # noqa: E402


def tiny_densenet():
    return torchvision.models.DenseNet(growth_rate=2, block_config=(2, 2), num_init_features=4,
                                       bn_size=2, num_classes=3)


def tiny_resnet():
    from torchvision.models.resnet import BasicBlock
    down = torch.nn.Sequential(torch.nn.Conv2d(4, 8, 1, stride=2, bias=False), torch.nn.BatchNorm2d(8))
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, padding=1, bias=False), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
        BasicBlock(4, 4), BasicBlock(4, 8, stride=2, downsample=down),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(8, 3))


def export(net, preserve):
    randomize(net, 0)
    net.eval()
    mode = torch.onnx.TrainingMode.PRESERVE if preserve else torch.onnx.TrainingMode.EVAL
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, torch.zeros(1, 3, 16, 16), buf, opset_version=13,
                          input_names=["input"], output_names=["output"], training=mode,
                          do_constant_folding=not preserve)
    return shorten(buf.getvalue())


def shorten(data):
    """Short tensor and node names, no doc strings: the fuzzer likes small seeds."""
    import onnx
    m = onnx.ModelProto()
    m.ParseFromString(data)
    g = m.graph
    names = {}

    def short(n):
        if n and n not in ("input", "output"):
            n = names.setdefault(n, f"t{len(names)}")
        return n
    for t in g.initializer:
        t.name = short(t.name)
    for i, n in enumerate(g.node):
        n.name = f"n{i}"
        n.doc_string = ""
        n.input[:] = [short(x) for x in n.input]
        n.output[:] = [short(x) for x in n.output]
    del g.value_info[:]
    return m.SerializeToString()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    os.makedirs(out, exist_ok=True)
    for name, make, preserve in (("densenet_tiny.onnx", tiny_densenet, False),
                                 ("densenet_tiny_preserve.onnx", tiny_densenet, True),
                                 ("resnet_tiny.onnx", tiny_resnet, False)):
        with open(os.path.join(out, name), "wb") as f:
            f.write(export(make(), preserve))


if __name__ == "__main__":
    main()
