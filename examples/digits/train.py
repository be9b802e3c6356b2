#!/usr/bin/python3
"""Trains a small DenseNet-BC on scikit-learn's handwritten digits.

usage: train.py [--epochs N] [--seed S] -o OUTDIR

The data set is the 1,797 8x8 grey images of load_digits (Debian package
python3-sklearn).  A fixed, seeded split keeps 25% for testing.  Writes to
OUTDIR:
  digits.onnx  the trained network in eval mode (opset 13), input 1x1x8x8
  test.bin     the held-out images, raw float32, N x 1 x 8 x 8, scaled as
               the network sees them (pixel / 16)
  labels.bin   their labels, one byte each
and prints `pytorch_correct: K/N` for the exported model on test.bin.
Must run under Debian's /usr/bin/python3 (torch, onnx, sklearn).
"""
import argparse
import os
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


class DenseLayer(nn.Module):
    """BN-ReLU-Conv1x1 (bottleneck, 4k channels) then BN-ReLU-Conv3x3 (k new
    channels), concatenated to the input."""

    def __init__(self, cin, growth):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, 4 * growth, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(4 * growth)
        self.conv2 = nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False)

    def forward(self, x):
        y = self.conv1(F.relu(self.bn1(x)))
        y = self.conv2(F.relu(self.bn2(y)))
        return torch.cat([x, y], 1)


class DigitsDenseNet(nn.Module):
    """Stem 3x3 conv, two dense blocks of `layers` layers with a compressing
    transition (BN-ReLU-Conv1x1-AvgPool 2x2: 8x8 -> 4x4) between them, then
    BN-ReLU, global average pooling and a linear classifier."""

    def __init__(self, growth=12, layers=4, stem=16, classes=10):
        super().__init__()
        self.stem = nn.Conv2d(1, stem, 3, padding=1, bias=False)
        c = stem
        block1 = []
        for _ in range(layers):
            block1.append(DenseLayer(c, growth))
            c += growth
        self.block1 = nn.Sequential(*block1)
        self.trans = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1, bias=False),
                                   nn.AvgPool2d(2))
        c //= 2
        block2 = []
        for _ in range(layers):
            block2.append(DenseLayer(c, growth))
            c += growth
        self.block2 = nn.Sequential(*block2)
        self.bn = nn.BatchNorm2d(c)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = self.block2(self.trans(self.block1(self.stem(x))))
        x = F.adaptive_avg_pool2d(F.relu(self.bn(x)), 1)
        return self.fc(torch.flatten(x, 1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-o", "--outdir", required=True)
    a = ap.parse_args()
    if a.epochs < 1:
        ap.error("--epochs must be at least 1")

    torch.manual_seed(a.seed)
    torch.set_num_threads(1)  # small model; also makes runs reproducible
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None, :, :]
    y = d.target.astype(np.int64)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, random_state=a.seed, stratify=y)
    xtr, ytr = torch.from_numpy(xtr), torch.from_numpy(ytr)

    net = DigitsDenseNet()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs)
    gen = torch.Generator().manual_seed(a.seed)
    for epoch in range(a.epochs):
        net.train()
        perm = torch.randperm(len(xtr), generator=gen)
        total = 0.0
        for i in range(0, len(xtr), 32):
            idx = perm[i:i + 32]
            loss = F.cross_entropy(net(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        print(f"epoch {epoch + 1}/{a.epochs}: loss {total / len(xtr):.4f}")

    net.eval()
    with torch.no_grad():
        pred = net(torch.from_numpy(xte)).argmax(1).numpy()
    correct = int((pred == yte).sum())

    os.makedirs(a.outdir, exist_ok=True)
    warnings.filterwarnings("ignore", category=UserWarning)
    torch.onnx.export(net, torch.from_numpy(xte[:1]), os.path.join(a.outdir, "digits.onnx"),
                      opset_version=13, input_names=["image"], output_names=["logits"])
    xte.tofile(os.path.join(a.outdir, "test.bin"))
    yte.astype(np.uint8).tofile(os.path.join(a.outdir, "labels.bin"))
    print(f"pytorch_correct: {correct}/{len(yte)}")


if __name__ == "__main__":
    main()
