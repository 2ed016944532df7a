"""Times the full-width benchmark model's plaintext forward pass in PyTorch (Debian's python3-torch,
CPU, float32), for the secure / plaintext ratio in docs/BENCHMARKS.md. The model is rebuilt exactly
as training/make_full_width.py builds it (same seed, same calibration images), so it is the network
of the .pb the secure runs use; the printed logits let bench/e2e.py check that.

    /usr/bin/python3 bench/torch_plaintext.py --images models/skin_cancer/calibration.npy \
        --input models/skin_cancer/ISIC_0000002_melanoma.npy --runs 5 --threads 2

Prints one JSON object: the per-run milliseconds, their median, the thread count and the logits.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "training"))
import make_full_width as fw  # noqa: E402
import skin_model as sm  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", required=True, help="the calibration images make_full_width.py used")
    ap.add_argument("--input", required=True, help="one preprocessed image (.npy, 1 x 200 x 200 x 3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    sm.configure_torch(args.threads)
    model = sm.VGG16Like(1.0)
    fw.init_weights(model, args.seed)
    fw.calibrate(model, np.load(args.images).astype(np.float32))
    x = sm.to_nchw(np.load(args.input).astype(np.float32))
    times = []
    with torch.no_grad():
        logits = model(x)  # warm-up (allocations, oneDNN kernel choice)
        for _ in range(args.runs):
            start = time.perf_counter()
            logits = model(x)
            times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "ms": times,
                      "median_ms": statistics.median(times), "logits": logits[0].tolist()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
