"""Writes the full-width benchmark model: the seed's VGG16Like at width 1 (channels 64, 128, 256,
512, 512; 14.76 M parameters; 12.15 G MACs and 10.78 M ReLUs per 200x200 prediction) with seeded
random weights and batch-norm statistics calibrated on training images. No training.

    /usr/bin/python3 training/make_full_width.py --out models/vgg16like_full/model.pb

Weights: He-normal convolutions (fan-in, ReLU gain), small uniform biases, batch-norm scale
uniform in [0.8, 1.2] and offset in [-0.1, 0.1] (so that folding them is not trivial), a Linear
layer with standard deviation 1/sqrt(fan-in). Calibration: CALIB seeded training images pass once
through the network in train mode with cumulative batch-norm averaging, so every layer's running
mean and variance are that layer's statistics given the already calibrated layers below it; in
eval mode each pre-activation is then standardised (mean 0, variance 1 before scale/offset) on
those images, as in a trained network. The GraphDef has the same structure as
export_graphdef.py's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_graphdef  # noqa: E402
import graph_interpreter  # noqa: E402
import skin_model as sm  # noqa: E402


def init_weights(model: sm.VGG16Like, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                fan_in = m.in_channels * m.kernel_size[0] * m.kernel_size[1]
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * np.sqrt(2.0 / fan_in))
                m.bias.copy_((torch.rand(m.bias.shape, generator=g) - 0.5) * 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(0.8 + 0.4 * torch.rand(m.weight.shape, generator=g))
                m.bias.copy_((torch.rand(m.bias.shape, generator=g) - 0.5) * 0.2)
            elif isinstance(m, nn.Linear):
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) / np.sqrt(m.in_features))
                m.bias.zero_()


@torch.no_grad()
def calibrate(model: sm.VGG16Like, x_nhwc: np.ndarray) -> None:
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average: one batch -> exactly its statistics
    model.train()
    model(sm.to_nchw(x_nhwc))
    model.eval()


@torch.no_grad()
def layer_stats(model: sm.VGG16Like, x_nhwc: np.ndarray) -> list:
    """Eval-mode statistics of every batch-norm output (the folded conv's pre-activation)."""
    stats = []
    hooks = [m.register_forward_hook(lambda mod, i, o: stats.append(
        (float(o.mean()), float(o.std()), float(o.abs().max())))) for m in model.modules()
        if isinstance(m, nn.BatchNorm2d)]
    logits = model(sm.to_nchw(x_nhwc))
    for h in hooks:
        h.remove()
    return stats, logits.numpy()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="models/vgg16like_full/model.pb")
    ap.add_argument("--data", default=sm.DEFAULT_DATA_DIR)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--calib", type=int, default=8, help="number of training images for the statistics")
    ap.add_argument("--images", help="preprocessed calibration images (.npy, N x 200 x 200 x 3) instead of --data: "
                                     "models/skin_cancer/calibration.npy holds the same 8 training images "
                                     "(make_calibration.py draws them with the same seed)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--check", action="store_true",
                    help="also run the numpy interpreter on the .pb for one test image and compare with PyTorch "
                         "(several minutes)")
    args = ap.parse_args(argv)
    t0 = time.time()
    sm.configure_torch(args.threads)

    model = sm.VGG16Like(1.0)
    init_weights(model, args.seed)
    if args.images:
        x = np.load(args.images).astype(np.float32)
        calib_idx = f"{len(x)} images of {args.images}"
    else:
        data = sm.load_isic(args.data)
        rng = np.random.default_rng(args.seed)
        calib_idx = np.sort(rng.choice(data.indices("train"), args.calib, replace=False)).tolist()
        x = sm.preprocess(data.images[calib_idx])
    calibrate(model, x)
    stats, logits = layer_stats(model, x)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    graph = export_graphdef.build_graphdef(model)
    sha = export_graphdef.write_graphdef(graph, args.out)
    macs, relus = sm.count_macs(1.0)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"calibrated on training images {calib_idx}")
    for i, (mu, sd, mx) in enumerate(stats):
        print(f"  conv {i + 1:2d} pre-activation (after batch norm): mean {mu:+.3f} std {sd:.3f} max|.| {mx:.2f}")
    print(f"  logits on the calibration images: max|.| {np.abs(logits).max():.3f}")
    print(f"{args.out}: {n_params} parameters, {macs / 1e9:.2f} G MACs, {relus / 1e6:.2f} M ReLUs, "
          f"{os.path.getsize(args.out) / 1e6:.1f} MB, sha256 {sha}; {time.time() - t0:.1f} s")
    if args.check:
        data = sm.load_isic(args.data)
        i = int(data.indices("test")[0])
        x1 = sm.preprocess(data.images[i:i + 1])
        with torch.no_grad():
            ref = model(sm.to_nchw(x1)).numpy()
        (y,) = graph_interpreter.Interpreter(graph).run({"input": x1}, ["output"])
        print(f"check on test image {i}: PyTorch {ref[0].tolist()}, interpreter {y[0].tolist()}, "
              f"max abs diff {float(np.abs(y - ref).max()):.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
