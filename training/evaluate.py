"""Test-split metrics from a logits file: ROC AUC, sensitivity and specificity at the threshold
chosen on the val split, with 95% stratified bootstrap intervals.

    /usr/bin/python3 training/evaluate.py --model-dir models/skin_cancer

Reads MODEL_DIR/test_logits.npy (float32 [N, 2]: nevus, melanoma), MODEL_DIR/test_indices.npy
(rows of labels.csv) and the threshold from MODEL_DIR/metadata.json; writes
MODEL_DIR/test_metrics.json. --logits FILE evaluates other logits in the same layout (e.g. the
C# executor's) against the same labels and threshold.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics  # noqa: E402
import skin_model as sm  # noqa: E402


def evaluate(logits: np.ndarray, labels: np.ndarray, threshold: float, resamples: int, seed: int) -> dict:
    p = metrics.softmax_melanoma(logits)
    res = metrics.bootstrap(labels, p, threshold, n=resamples, seed=seed)
    res["n"] = int(len(labels))
    res["melanoma"] = int(labels.sum())
    res["threshold_p_melanoma"] = threshold
    res["max_abs_logit"] = float(np.abs(logits).max())
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--logits", help="logits .npy to evaluate (default MODEL_DIR/test_logits.npy)")
    ap.add_argument("--data", default=sm.DEFAULT_DATA_DIR)
    ap.add_argument("--resamples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", help="output JSON (default MODEL_DIR/test_metrics.json)")
    args = ap.parse_args(argv)

    with open(os.path.join(args.model_dir, "metadata.json")) as f:
        meta = json.load(f)
    threshold = meta["decision"]["threshold_p_melanoma"]
    logits = np.load(args.logits or os.path.join(args.model_dir, "test_logits.npy"))
    idx = np.load(os.path.join(args.model_dir, "test_indices.npy"))
    data = sm.load_isic(args.data)
    if not np.all(data.split[idx] == "test"):
        raise SystemExit("test_indices.npy names images outside the test split")
    res = evaluate(logits, data.labels[idx], threshold, args.resamples, args.seed)
    out = args.out or os.path.join(args.model_dir, "test_metrics.json")
    with open(out, "w") as f:
        json.dump(res, f, indent=1)
    for k in ("auc", "sensitivity", "specificity"):
        r = res[k]
        print(f"{k:12s} {r['value']:.3f}  (95% CI {r['ci_low']:.3f} - {r['ci_high']:.3f})")
    print(f"n = {res['n']} ({res['melanoma']} melanoma), threshold P(melanoma) >= {threshold:.4f}; wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
