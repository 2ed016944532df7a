"""The seed's VGG16Like family, the ISIC data set and its preprocessing (shared by train.py,
export_graphdef.py and make_full_width.py)."""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

# Full-width channels and convolutions per block of the seed's vgg16Like (TF Encrypted's
# skin-cancer demo): 13 Conv3x3 + BatchNorm + ReLU, AvgPool 2x2 after each block, one Linear.
FULL_CHANNELS = (64, 128, 256, 512, 512)
CONVS_PER_BLOCK = (2, 2, 3, 3, 3)
INPUT_SIZE = 200
NUM_CLASSES = 2  # logit 0 = nevus, logit 1 = melanoma (labels.csv column `melanoma`)
CLASS_NAMES = ("nevus", "melanoma")
BN_EPS = 1e-5

# ImageNet statistics, as the seed normalised (fastai's imagenet_stats).
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)

DEFAULT_DATA_DIR = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "isic"))


def channels_for(width: float) -> tuple[int, ...]:
    chans = tuple(int(round(c * width)) for c in FULL_CHANNELS)
    if any(c < 1 for c in chans):
        raise ValueError(f"width {width} gives an empty layer")
    return chans


def pooled_size(size: int = INPUT_SIZE, blocks: int = len(CONVS_PER_BLOCK)) -> int:
    for _ in range(blocks):
        size //= 2  # AvgPool 2x2, stride 2, VALID (floor): 200 100 50 25 12 6
    return size


class VGG16Like(nn.Module):
    """Blocks of Conv3x3(pad 1) + BatchNorm + ReLU (2,2,3,3,3 convs), AvgPool2d(2) after each
    block, flatten (NCHW order), Linear to 2 classes. Returns raw logits."""

    def __init__(self, width: float = 0.25):
        super().__init__()
        self.width = width
        self.channels = channels_for(width)
        blocks = []
        cin = 3
        for cout, n in zip(self.channels, CONVS_PER_BLOCK):
            layers = []
            for _ in range(n):
                layers += [nn.Conv2d(cin, cout, 3, stride=1, padding=1), nn.BatchNorm2d(cout, eps=BN_EPS),
                           nn.ReLU()]
                cin = cout
            layers.append(nn.AvgPool2d(2))
            blocks.append(nn.Sequential(*layers))
        self.features = nn.Sequential(*blocks)
        side = pooled_size()
        self.classifier = nn.Linear(cin * side * side, NUM_CLASSES)

    def forward(self, x):
        x = self.features(x)
        return self.classifier(torch.flatten(x, 1))


def count_macs(width: float) -> tuple[int, int]:
    """(multiply-accumulates, ReLU elements) of one 200x200 prediction."""
    macs = relus = 0
    size, cin = INPUT_SIZE, 3
    for cout, n in zip(channels_for(width), CONVS_PER_BLOCK):
        for _ in range(n):
            macs += size * size * cout * cin * 9
            relus += size * size * cout
            cin = cout
        size //= 2
    macs += cin * size * size * NUM_CLASSES
    return macs, relus


# ---------------------------------------------------------------- data

@dataclass
class IsicData:
    images: np.ndarray  # uint8 (553, 200, 200, 3) NHWC RGB
    labels: np.ndarray  # int64 (553,), 1 = melanoma
    names: list
    split: np.ndarray   # str (553,): train / val / test

    def indices(self, split: str) -> np.ndarray:
        return np.flatnonzero(self.split == split)


def load_isic(data_dir: str = DEFAULT_DATA_DIR) -> IsicData:
    if not os.path.isfile(os.path.join(data_dir, "images_200.npy")):
        raise SystemExit(f"no ISIC data at {data_dir} (expected ../shared/data/isic beside the repository); "
                         "pass --data DIR")
    images = np.load(os.path.join(data_dir, "images_200.npy"), mmap_mode="r")
    with open(os.path.join(data_dir, "labels.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    if [int(r["index"]) for r in rows] != list(range(len(rows))) or len(rows) != images.shape[0]:
        raise ValueError(f"{data_dir}: labels.csv rows do not match images_200.npy")
    if images.dtype != np.uint8 or images.shape[1:] != (INPUT_SIZE, INPUT_SIZE, 3):
        raise ValueError(f"{data_dir}: images_200.npy is {images.dtype} {images.shape}")
    return IsicData(images=np.asarray(images), labels=np.array([int(r["melanoma"]) for r in rows], np.int64),
                    names=[r["image"] for r in rows], split=np.array([r["split"] for r in rows]))


def data_fingerprint(data_dir: str) -> dict:
    """SHA-256 of the files training reads (recorded with every run)."""
    out = {}
    for name in ("images_200.npy", "labels.csv"):
        h = hashlib.sha256()
        with open(os.path.join(data_dir, name), "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        out[name] = h.hexdigest()
    return out


def preprocess(images_u8: np.ndarray) -> np.ndarray:
    """uint8 NHWC RGB -> float32 NHWC, exactly: x = (float32(u) / 255 - mean[c]) / std[c], every
    operation in IEEE float32 (correctly rounded, so any language reproduces it bit for bit)."""
    x = images_u8.astype(np.float32) / np.float32(255.0)
    return (x - IMAGENET_MEAN) / IMAGENET_STD


def to_nchw(x_nhwc: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x_nhwc.transpose(0, 3, 1, 2)))


def cpu_capability() -> str:
    """The CPU code path PyTorch uses (e.g. AVX2, AVX512): results differ across code paths."""
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def configure_torch(threads: int = 2) -> None:
    """Deterministic CPU execution: fixed thread count, deterministic algorithms only."""
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


@torch.no_grad()
def predict_logits(model: nn.Module, x_nhwc: np.ndarray, batch: int = 16) -> np.ndarray:
    model.eval()
    out = [model(to_nchw(x_nhwc[i:i + batch])).numpy() for i in range(0, len(x_nhwc), batch)]
    return np.concatenate(out).astype(np.float32)
