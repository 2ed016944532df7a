"""Compares two train.py checkpoints tensor by tensor, bit for bit (the determinism check).

    /usr/bin/python3 training/compare_checkpoints.py RUN_A/best.pt RUN_B/best.pt

Exit status 0 when every tensor of the state_dict is bitwise identical, 1 otherwise.
"""

import sys

import torch


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    a, b = (torch.load(p, map_location="cpu")["state_dict"] for p in argv)
    if a.keys() != b.keys():
        print("different tensor names")
        return 1
    differ = 0
    for k in a:
        same = a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and \
            a[k].numpy().tobytes() == b[k].numpy().tobytes()
        if not same:
            differ += 1
            if a[k].shape != b[k].shape:
                print(f"{k}: shapes differ ({list(a[k].shape)} vs {list(b[k].shape)})")
            else:
                diff = (a[k].double() - b[k].double()).abs().max().item()
                print(f"{k}: differs (max abs diff {diff:.3g})")
    n = sum(t.numel() for t in a.values())
    print(f"{len(a)} tensors, {n} values: {'bitwise identical' if not differ else f'{differ} tensors differ'}")
    return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main())
