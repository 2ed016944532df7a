"""Binary-classification metrics in numpy: ROC AUC, Youden's J threshold, sensitivity and
specificity, stratified bootstrap intervals. Scores are P(melanoma) (or any monotone score)."""

from __future__ import annotations

import numpy as np


def softmax_melanoma(logits: np.ndarray) -> np.ndarray:
    """P(melanoma) = softmax(logits)[:, 1], computed in float64."""
    z = np.asarray(logits, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(z[:, 0] - z[:, 1]))


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Mann-Whitney AUC: P(score_pos > score_neg) + 0.5 P(tie)."""
    labels = np.asarray(labels).astype(bool)
    pos, neg = scores[labels], scores[~labels]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), dtype=np.float64)
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):  # average ranks over ties
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = 0.5 * (i + j) + 1.0
        i = j + 1
    r_pos = ranks[labels].sum()
    return float((r_pos - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg)))


def sens_spec(labels: np.ndarray, scores: np.ndarray, threshold: float) -> tuple[float, float]:
    """Sensitivity and specificity of the rule `score >= threshold` -> melanoma."""
    labels = np.asarray(labels).astype(bool)
    pred = scores >= threshold
    sens = float(pred[labels].mean()) if labels.any() else float("nan")
    spec = float((~pred[~labels]).mean()) if (~labels).any() else float("nan")
    return sens, spec


def youden_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """The threshold maximising sensitivity + specificity - 1 (Youden's J). Candidates are the
    midpoints between consecutive distinct scores; among equal J the lowest threshold wins
    (favouring sensitivity)."""
    u = np.unique(scores)
    cands = np.concatenate([[u[0] - 1.0], (u[:-1] + u[1:]) / 2.0, [u[-1] + 1.0]]) if len(u) > 1 else u
    best_t, best_j = float(cands[0]), -np.inf
    for t in cands:
        s, p = sens_spec(labels, scores, t)
        j = s + p - 1.0
        if j > best_j + 1e-12:
            best_t, best_j = float(t), j
    return best_t


def bootstrap(labels: np.ndarray, scores: np.ndarray, threshold: float, n: int = 2000,
              seed: int = 0, level: float = 0.95) -> dict:
    """Point estimates and percentile intervals of AUC, sensitivity, specificity, resampling
    melanoma and nevus cases separately (stratified, so every resample has both classes)."""
    labels = np.asarray(labels).astype(bool)
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(labels), np.flatnonzero(~labels)
    stats = {"auc": [], "sensitivity": [], "specificity": []}
    for _ in range(n):
        idx = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        lab, sc = labels[idx], scores[idx]
        stats["auc"].append(roc_auc(lab, sc))
        s, p = sens_spec(lab, sc, threshold)
        stats["sensitivity"].append(s)
        stats["specificity"].append(p)
    sens, spec = sens_spec(labels, scores, threshold)
    point = {"auc": roc_auc(labels, scores), "sensitivity": sens, "specificity": spec}
    lo, hi = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    return {k: {"value": point[k], "ci_low": float(np.percentile(v, lo)), "ci_high": float(np.percentile(v, hi))}
            for k, v in stats.items()} | {"bootstrap": {"resamples": n, "seed": seed, "stratified": True,
                                                          "level": level}}
