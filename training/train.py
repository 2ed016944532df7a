"""Trains the VGG16Like skin-lesion classifier on the ISIC train split (CPU, seeded, deterministic).

    /usr/bin/python3 training/train.py --out training/runs/quarter

Model selection (the checkpoint kept) uses the val split's AUC; the decision threshold is chosen
on the val split by Youden's J. The test split is not touched here (export_graphdef.py writes the
test logits, evaluate.py computes the test metrics once).

Writes OUT/best.pt (state_dict + settings + threshold), OUT/last.pt (the final epoch's weights), OUT/history.json (per epoch: losses,
val AUC, seconds) and OUT/summary.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics  # noqa: E402
import skin_model as sm  # noqa: E402


def augment(batch_u8: np.ndarray, rng: np.random.Generator, jitter: float) -> np.ndarray:
    """Random element of the dihedral group (90-degree rotation, then a horizontal flip with
    probability 1/2: this covers vertical flips), then mild colour jitter (brightness, contrast,
    saturation factors uniform in [1 - jitter, 1 + jitter]) on [0, 1] values, then ImageNet
    normalisation. Returns float32 NHWC."""
    out = np.empty(batch_u8.shape, dtype=np.float32)
    for i, img in enumerate(batch_u8):
        x = img.astype(np.float32) / np.float32(255.0)
        x = np.rot90(x, k=int(rng.integers(4)), axes=(0, 1))
        if rng.random() < 0.5:
            x = x[:, ::-1]
        b, c, s = rng.uniform(1 - jitter, 1 + jitter, size=3).astype(np.float32)
        x = x * b
        gray = x @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        x = (x - gray.mean()) * c + gray.mean()
        gray = (x @ np.array([0.299, 0.587, 0.114], dtype=np.float32))[..., None]
        x = gray + (x - gray) * s
        out[i] = np.clip(x, 0.0, 1.0)
    return (out - sm.IMAGENET_MEAN) / sm.IMAGENET_STD


def lr_at(step: int, total: int, warmup: int, peak: float) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return peak * 0.5 * (1.0 + math.cos(math.pi * t))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=sm.DEFAULT_DATA_DIR, help="folder with images_200.npy and labels.csv")
    ap.add_argument("--out", required=True, help="output folder (training/runs/... is git-ignored)")
    ap.add_argument("--width", type=float, default=0.125, help="channel multiplier of the seed's 64,128,256,512,512")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3, help="peak AdamW learning rate (cosine decay)")
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    ap.add_argument("--warmup-epochs", type=float, default=1.0)
    ap.add_argument("--label-smoothing", type=float, default=0.1, help="keeps logits moderate")
    ap.add_argument("--jitter", type=float, default=0.1, help="colour jitter strength")
    ap.add_argument("--seed", type=int, default=20240)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit-train", type=int, default=0, help="use only the first N training images (debug)")
    args = ap.parse_args(argv)

    sm.configure_torch(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)

    data = sm.load_isic(args.data)
    train_idx, val_idx = data.indices("train"), data.indices("val")
    if args.limit_train:
        train_idx = train_idx[:args.limit_train]
    y_train = data.labels[train_idx]
    counts = np.bincount(y_train, minlength=2)
    class_w = torch.tensor(len(y_train) / (2.0 * np.maximum(counts, 1)), dtype=torch.float32)
    x_val = sm.preprocess(data.images[val_idx])
    y_val = data.labels[val_idx]

    model = sm.VGG16Like(args.width)
    n_params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    loss_fn = nn.CrossEntropyLoss(weight=class_w, label_smoothing=args.label_smoothing)
    steps_per_epoch = len(train_idx) // args.batch  # last partial batch dropped (order reshuffled each epoch)
    total = steps_per_epoch * args.epochs
    warmup = max(1, int(args.warmup_epochs * steps_per_epoch))
    print(f"train {len(train_idx)} ({counts[1]} melanoma), val {len(val_idx)}; width {args.width} "
          f"channels {model.channels}; {n_params} parameters; {args.epochs} epochs x {steps_per_epoch} steps; "
          f"class weights {class_w.tolist()}", flush=True)

    history, best = [], None
    t_start = time.time()
    step = 0
    for epoch in range(args.epochs):
        t0 = time.time()
        model.train()
        perm = rng.permutation(train_idx)
        losses = []
        for b in range(steps_per_epoch):
            idx = np.sort(perm[b * args.batch:(b + 1) * args.batch])
            x = sm.to_nchw(augment(data.images[idx], rng, args.jitter))
            y = torch.from_numpy(data.labels[idx])
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, warmup, args.lr)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            step += 1
        logits = sm.predict_logits(model, x_val)
        p_val = metrics.softmax_melanoma(logits)
        val_loss = float(nn.functional.cross_entropy(torch.from_numpy(logits), torch.from_numpy(y_val)))
        val_auc = metrics.roc_auc(y_val, p_val)
        rec = {"epoch": epoch + 1, "train_loss": float(np.mean(losses)), "val_loss": val_loss,
               "val_auc": val_auc, "max_abs_val_logit": float(np.abs(logits).max()),
               "seconds": time.time() - t0}
        history.append(rec)
        improved = best is None or val_auc > best["val_auc"] or (
            val_auc == best["val_auc"] and val_loss < best["val_loss"])
        if improved:
            best = dict(rec)
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            best_p_val = p_val
        print(f"epoch {epoch + 1:3d}  train_loss {rec['train_loss']:.4f}  val_loss {val_loss:.4f}  "
              f"val_auc {val_auc:.4f}  |logit|max {rec['max_abs_val_logit']:.2f}  {rec['seconds']:.1f}s"
              f"{'  *' if improved else ''}", flush=True)
    elapsed = time.time() - t_start

    threshold = metrics.youden_threshold(y_val, best_p_val)
    sens, spec = metrics.sens_spec(y_val, best_p_val, threshold)
    summary = {"settings": vars(args), "data_sha256": sm.data_fingerprint(args.data), "channels": list(model.channels), "parameters": n_params,
               "best_epoch": best["epoch"], "val_auc": best["val_auc"], "val_loss": best["val_loss"],
               "threshold_p_melanoma": threshold, "val_sensitivity": sens, "val_specificity": spec,
               "train_seconds": elapsed, "torch": torch.__version__, "numpy": np.__version__,
               "python": platform.python_version(), "machine": platform.machine(),
               "cpu_capability": sm.cpu_capability()}
    torch.save({"state_dict": best_state, "width": args.width, "summary": summary}, os.path.join(args.out, "best.pt"))
    torch.save({"state_dict": model.state_dict(), "width": args.width, "summary": summary | {"epoch": args.epochs}},
               os.path.join(args.out, "last.pt"))
    with open(os.path.join(args.out, "history.json"), "w") as f:
        json.dump(history, f, indent=1)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(f"best epoch {best['epoch']} val_auc {best['val_auc']:.4f}; threshold P(melanoma) >= {threshold:.4f} "
          f"(val sensitivity {sens:.3f}, specificity {spec:.3f}); {elapsed:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
