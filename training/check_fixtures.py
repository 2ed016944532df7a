"""Checks tfgraph.py's message definitions and graph_interpreter.py's op semantics against
GraphDefs and outputs that real TensorFlow wrote (../shared/fixtures/tf).

    /usr/bin/python3 training/check_fixtures.py [--fixtures ../shared/fixtures/tf]

- tfe-mnist/mnist_model.pb: parsed with our descriptors, re-serialised byte for byte, no unknown
  fields; its logits on mnist_input.npy match the float64 reference in fixtures/README.md.
- utensor/conv/test_conv.pb: Conv2D VALID stride 2 matches TensorFlow's stored output.
Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import graph_interpreter  # noqa: E402
import tfgraph  # noqa: E402

MNIST_REFERENCE = [-4.63788, -2.7191, 0.18669, -4.9612, -6.20349, -10.09325, -15.39634, 14.53234, -4.47307,
                   -3.14257]


def read_idx(path: str) -> np.ndarray:
    raw = open(path, "rb").read()
    kind, rank = raw[2], raw[3]
    dims = np.frombuffer(raw[4:4 + 4 * rank], ">u4")
    dtype = {0x0D: ">f4", 0x0C: ">i4", 0x08: "u1"}[kind]
    return np.frombuffer(raw[4 + 4 * rank:], dtype).reshape(dims).astype(np.float64)


def main(argv=None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fixtures", default=os.path.normpath(os.path.join(here, "..", "..", "shared", "fixtures", "tf")))
    args = ap.parse_args(argv)
    ok = True

    def report(name, passed, detail):
        nonlocal ok
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'} {name}: {detail}")

    path = os.path.join(args.fixtures, "tfe-mnist", "mnist_model.pb")
    raw = open(path, "rb").read()
    g = tfgraph.load_graph(path)
    unknown = sum(len(m.UnknownFields()) for m in [g, *g.node]) if hasattr(g, "UnknownFields") else 0
    report("mnist round trip", g.SerializeToString() == raw and unknown == 0,
           f"{len(g.node)} nodes, {len(raw)} bytes, {unknown} unknown fields")
    x = np.load(os.path.join(args.fixtures, "tfe-mnist", "mnist_input.npy"))
    (y,) = graph_interpreter.Interpreter(g, np.float64).run({"Placeholder": x}, ["fc2/add"])
    err = float(np.abs(y[0] - MNIST_REFERENCE).max())
    report("mnist logits", err < 1e-4 and int(y.argmax()) == 7, f"argmax {int(y.argmax())}, max abs error {err:.2g}")

    d = os.path.join(args.fixtures, "utensor", "conv")
    g = tfgraph.load_graph(os.path.join(d, "test_conv.pb"))
    (y,) = graph_interpreter.Interpreter(g, np.float64).run({}, ["out_conv"])
    ref = read_idx(os.path.join(d, "output_conv.idx"))
    err = float(np.abs(y - ref).max())
    report("utensor conv", y.shape == ref.shape and err < 1e-5, f"shape {list(y.shape)}, max abs error {err:.2g}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
