"""A small numpy reference interpreter for frozen TensorFlow GraphDefs.

It runs exactly the ops the exporter emits (Placeholder, Const, Conv2D, BiasAdd, Rsqrt, Mul, Sub,
Add, Relu, AvgPool, Transpose, Reshape, MatMul, Identity) with TensorFlow's semantics (NHWC
activations, HWIO filters, SAME/VALID padding as TensorFlow computes it, numpy broadcasting for
the binary ops), reading the .pb through training/tfgraph.py. It is a self-check of the exporter
and of the message definitions, not a product: any other op or attribute value is an error.

    /usr/bin/python3 training/graph_interpreter.py models/skin_cancer/model.pb IMAGE.npy
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import tfgraph


def _same_pads(size: int, k: int, s: int) -> tuple[int, int]:
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def _check_nhwc(nd, attrs):
    fmt = attrs.get("data_format", "NHWC")
    if fmt != "NHWC":
        raise ValueError(f"{nd.name}: data_format {fmt} is not supported")


def conv2d(x, w, strides, padding):
    """x NHWC, w HWIO; strides [1, sh, sw, 1]; padding SAME or VALID."""
    n, h, wd, c = x.shape
    kh, kw, ci, co = w.shape
    if ci != c:
        raise ValueError(f"Conv2D: input has {c} channels, filter expects {ci}")
    sh, sw = strides[1], strides[2]
    if padding == "SAME":
        (pt, pb), (pl, pr) = _same_pads(h, kh, sh), _same_pads(wd, kw, sw)
    elif padding == "VALID":
        pt = pb = pl = pr = 0
    else:
        raise ValueError(f"Conv2D: padding {padding}")
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    oh = (h + pt + pb - kh) // sh + 1
    ow = (wd + pl + pr - kw) // sw + 1
    out = np.zeros((n, oh, ow, co), dtype=np.result_type(x, w))
    wm = w.reshape(kh * kw * ci, co)
    # im2col one kernel row at a time keeps memory moderate at 200x200x64.
    for i in range(kh):
        cols = [xp[:, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw, :] for j in range(kw)]
        patch = np.concatenate(cols, axis=-1)  # n, oh, ow, kw*ci  (j-major, then channel)
        out += (patch.reshape(-1, kw * ci) @ wm[i * kw * ci:(i + 1) * kw * ci]).reshape(out.shape)
    return out


def avg_pool(x, ksize, strides, padding):
    if padding != "VALID":
        raise ValueError(f"AvgPool: only VALID padding is supported, not {padding}")
    if ksize[0] != 1 or ksize[3] != 1 or strides[0] != 1 or strides[3] != 1:
        raise ValueError("AvgPool: pooling over batch or channels is not supported")
    kh, kw, sh, sw = ksize[1], ksize[2], strides[1], strides[2]
    n, h, w, c = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    acc = np.zeros((n, oh, ow, c), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            acc += x[:, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw, :]
    return acc / np.asarray(kh * kw, dtype=x.dtype)


def _reshape(x, shape):
    shape = [int(s) for s in np.asarray(shape).reshape(-1)]
    return x.reshape(shape)


class Interpreter:
    """Evaluates a GraphDef; `run(feeds, fetches)` returns the fetched arrays."""

    def __init__(self, graph: "tfgraph.GraphDef", dtype=np.float32):
        self.graph = graph
        self.dtype = np.dtype(dtype)
        self.nodes = {nd.name: nd for nd in graph.node}
        if len(self.nodes) != len(graph.node):
            raise ValueError("duplicate node names")

    def _attrs(self, nd):
        return {k: tfgraph.attr_value_to_python(v) for k, v in nd.attr.items()}

    def run(self, feeds: dict, fetches, record=None):
        """feeds: {placeholder name: array}; fetches: node names. `record`, if a dict, receives
        every evaluated node's value (for activation statistics)."""
        cache: dict[str, np.ndarray] = {}

        def value(ref: str):
            if ref.startswith("^"):
                raise ValueError(f"control input {ref} is not supported")
            name, _, port = ref.partition(":")
            if port not in ("", "0"):
                raise ValueError(f"output port {ref} is not supported")
            if name not in cache:
                stack = [name]
                while stack:  # iterative post-order: deep graphs would overflow recursion
                    top = stack[-1]
                    if top in cache:
                        stack.pop()
                        continue
                    nd = self.nodes.get(top)
                    if nd is None:
                        raise ValueError(f"unknown node {top}")
                    pending = [i.partition(":")[0] for i in nd.input if i.partition(":")[0] not in cache]
                    if pending:
                        stack.extend(pending)
                        continue
                    cache[top] = self._eval(nd, [cache[i.partition(":")[0]] for i in nd.input], feeds)
                    if record is not None:
                        record[top] = cache[top]
                    stack.pop()
            return cache[name]

        return [value(f) for f in fetches]

    def _eval(self, nd, ins, feeds):
        a = self._attrs(nd)
        op = nd.op
        if op == "Placeholder":
            if nd.name not in feeds:
                raise ValueError(f"no feed for placeholder {nd.name}")
            x = np.asarray(feeds[nd.name], dtype=self.dtype)
            shape = a.get("shape")
            if shape is not None and (len(shape) != x.ndim or any(
                    s not in (-1, d) for s, d in zip(shape, x.shape))):
                raise ValueError(f"feed for {nd.name} has shape {x.shape}, expected {shape}")
            return x
        if op == "Const":
            v = a["value"]
            return v.astype(self.dtype) if v.dtype.kind == "f" else v
        if op == "Identity":
            return ins[0]
        if op == "Conv2D":
            _check_nhwc(nd, a)
            if any(d != 1 for d in a.get("dilations", [1, 1, 1, 1])):
                raise ValueError(f"{nd.name}: dilations are not supported")
            return conv2d(ins[0], ins[1], a["strides"], a["padding"])
        if op == "BiasAdd":
            _check_nhwc(nd, a)
            if ins[1].ndim != 1 or ins[1].shape[0] != ins[0].shape[-1]:
                raise ValueError(f"{nd.name}: bias shape {ins[1].shape} vs input {ins[0].shape}")
            return ins[0] + ins[1]
        if op == "Rsqrt":
            return (1.0 / np.sqrt(ins[0])).astype(ins[0].dtype)
        if op == "Mul":
            return ins[0] * ins[1]
        if op == "Sub":
            return ins[0] - ins[1]
        if op == "Add":
            return ins[0] + ins[1]
        if op == "Relu":
            return np.maximum(ins[0], 0).astype(ins[0].dtype)
        if op == "AvgPool":
            _check_nhwc(nd, a)
            return avg_pool(ins[0], a["ksize"], a["strides"], a["padding"])
        if op == "Transpose":
            return np.ascontiguousarray(np.transpose(ins[0], [int(p) for p in ins[1]]))
        if op == "Reshape":
            return _reshape(ins[0], ins[1])
        if op == "MatMul":
            x, w = ins
            if a.get("transpose_a"):
                x = x.T
            if a.get("transpose_b"):
                w = w.T
            return x @ w
        raise ValueError(f"{nd.name}: op {op} is not supported by the reference interpreter")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("inputs", nargs="*", help=".npy files fed to the placeholder")
    ap.add_argument("--input-node", default="input")
    ap.add_argument("--output-node", default="output")
    ap.add_argument("--dump", action="store_true", help="print the graph's nodes")
    args = ap.parse_args(argv)
    g = tfgraph.load_graph(args.model)
    if args.dump:
        print(tfgraph.dump_graph(g))
    interp = Interpreter(g)
    for path in args.inputs:
        (y,) = interp.run({args.input_node: np.load(path)}, [args.output_node])
        print(path, np.array2string(y, precision=6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
