"""Writes the compiler's calibration inputs: a few preprocessed train-split images.

`mpcc compile --calibration` runs them through the plaintext model to bound every activation, from
which it chooses the fixed-point scales. Train-split images only: calibration must not see the test
split the evaluation reports on. Seeded, so the file (and the generated code) is reproducible.

    /usr/bin/python3 training/make_calibration.py --out models/skin_cancer/calibration.npy
"""
import argparse

import numpy as np

from skin_model import DEFAULT_DATA_DIR, load_isic, preprocess


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    data = load_isic(args.data)
    train = data.indices("train")
    rng = np.random.default_rng(args.seed)
    chosen = np.sort(rng.choice(train, size=args.count, replace=False))
    x = preprocess(data.images[chosen]).astype(np.float32)
    np.save(args.out, x)
    print(f"wrote {args.out}: {x.shape} float32, train rows {chosen.tolist()}")


if __name__ == "__main__":
    main()
