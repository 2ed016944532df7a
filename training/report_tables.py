"""Prints the Markdown tables of the model card and docs/EVALUATION.md from the JSON files that
export_graphdef.py and evaluate.py wrote.

    /usr/bin/python3 training/report_tables.py --model-dir models/skin_cancer
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def _suffix(k: int) -> str:
    return "" if k == 0 else f"_{k}"


def activation_table(check: dict, n_convs: int = 13) -> str:
    act = check["max_abs_activation_per_node"]
    rows = ["| layer | Conv2D + BiasAdd | after batch norm (= folded conv) | after Relu | after AvgPool |",
            "|---|---|---|---|---|",
            f"| input (preprocessed) | | | | max abs {act['input']:.3f} |"]
    pool = 0
    block_ends = {1, 3, 6, 9, 12}
    for k in range(n_convs):
        s = _suffix(k)
        cells = [f"{act[f'BiasAdd{s}']:.3f}", f"{act[f'batchnorm{s}/add']:.3f}", f"{act[f'Relu{s}']:.3f}"]
        if k in block_ends:
            cells.append(f"{act[f'AvgPool{_suffix(pool)}']:.3f}")
            pool += 1
        else:
            cells.append("")
        rows.append(f"| conv {k + 1} | " + " | ".join(cells) + " |")
    rows.append(f"| dense (MatMul + BiasAdd) | {act['BiasAdd' + _suffix(n_convs)]:.3f} | | | |")
    rows.append(f"| output (logits) | {act['output']:.3f} | | | |")
    return "\n".join(rows)


def metrics_table(m: dict, label: str = "PyTorch (float32)") -> str:
    def cell(k):
        r = m[k]
        return f"{r['value']:.3f} ({r['ci_low']:.3f} - {r['ci_high']:.3f})"
    return "\n".join([
        "| logits from | AUC (95% CI) | sensitivity (95% CI) | specificity (95% CI) |",
        "|---|---|---|---|",
        f"| {label} | {cell('auc')} | {cell('sensitivity')} | {cell('specificity')} |"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model-dir", required=True)
    args = ap.parse_args(argv)
    with open(os.path.join(args.model_dir, "test_metrics.json")) as f:
        print(metrics_table(json.load(f)))
    print()
    with open(os.path.join(args.model_dir, "export_check.json")) as f:
        print(activation_table(json.load(f)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
