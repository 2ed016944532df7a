"""Exports a trained VGG16Like as a frozen TensorFlow GraphDef, without TensorFlow, and writes the
PyTorch logits of the test split next to it.

    /usr/bin/python3 training/export_graphdef.py --checkpoint training/runs/quarter/best.pt \\
        --out models/skin_cancer

The graph has the node structure the seed's transform_to_pb.py produced with TensorFlow 1.x
(tf.nn.conv2d / bias_add / batch_normalization / relu / avg_pool, then transpose, reshape,
matmul, bias_add, identity), with TensorFlow's default node names:

    input               Placeholder float32 [1, 200, 200, 3] (NHWC)
    per conv layer      Conv2D (SAME, strides 1, HWIO filter Const `Conv2D/filter`)
                        BiasAdd (Const `BiasAdd/bias`)
                        tf.nn.batch_normalization as TF 1.x writes it when mean, variance,
                        offset and scale are numpy arrays of shape [1, 1, 1, C]:
                          batchnorm/Rsqrt   = Rsqrt(Const var + eps)      (eps added in float32)
                          batchnorm/mul     = Mul(batchnorm/Rsqrt, Const scale)
                          batchnorm/mul_1   = Mul(x, batchnorm/mul)
                          batchnorm/mul_2   = Mul(Const mean, batchnorm/mul)
                          batchnorm/sub     = Sub(Const offset, batchnorm/mul_2)
                          batchnorm/add     = Add(batchnorm/mul_1, batchnorm/sub)
                        Relu
    per block           AvgPool ksize 2x2, strides 2x2, VALID
    classifier          transpose = Transpose(x, Const [0, 3, 1, 2]) (NCHW flatten order)
                        Reshape(x, Const [-1, C*6*6]); MatMul(x, Const Linear.weight.T);
                        BiasAdd(Const Linear.bias)
    output              Identity (raw logits: [nevus, melanoma])

Besides model.pb it writes test_logits.npy (float32 [83, 2], PyTorch, eval mode),
test_indices.npy (int32 [83], rows of images_200.npy and labels.csv), test_logits.csv, three
preprocessed test images (float32 [1, 200, 200, 3]) with their logits, metadata.json, and with
--check (default) runs training/graph_interpreter.py on the .pb for every test image: the max abs
difference from PyTorch and the max abs activation of every node go to export_check.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import graph_interpreter  # noqa: E402
import skin_model as sm  # noqa: E402
import tfgraph as tg  # noqa: E402

F32 = tg.attr_type(tg.DT_FLOAT)


def _bn_const(v: torch.Tensor) -> np.ndarray:
    return v.detach().numpy().astype(np.float32).reshape(1, 1, 1, -1)  # the seed's expand_dim


def build_graphdef(model: sm.VGG16Like) -> "tg.GraphDef":
    """The GraphDef of `model` in eval mode (running batch-norm statistics)."""
    b = tg.GraphBuilder()
    x = b.placeholder("input", [1, sm.INPUT_SIZE, sm.INPUT_SIZE, 3])
    reshaped = False
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            if m.kernel_size != (3, 3) or m.stride != (1, 1) or m.padding != (1, 1) or m.groups != 1:
                raise ValueError("only 3x3 stride-1 pad-1 convolutions map to Conv2D SAME")
            name = b.unique("Conv2D")
            w = b.const(f"{name}/filter", m.weight.detach().numpy().transpose(2, 3, 1, 0).astype(np.float32))
            x = b.node(name, "Conv2D", [x, w], T=F32, data_format=tg.attr_str("NHWC"),
                       dilations=tg.attr_ints([1, 1, 1, 1]), padding=tg.attr_str("SAME"),
                       strides=tg.attr_ints([1, 1, 1, 1]), use_cudnn_on_gpu=tg.attr_bool(True))
            x = _bias_add(b, x, m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            x = _batch_norm(b, x, m)
        elif isinstance(m, nn.ReLU):
            x = b.node(b.unique("Relu"), "Relu", [x], T=F32)
        elif isinstance(m, nn.AvgPool2d):
            if m.kernel_size not in (2, (2, 2)) or m.stride not in (2, (2, 2)) or m.padding not in (0, (0, 0)):
                raise ValueError("only AvgPool2d(2) is supported")
            x = b.node(b.unique("AvgPool"), "AvgPool", [x], T=F32, data_format=tg.attr_str("NHWC"),
                       ksize=tg.attr_ints([1, 2, 2, 1]), padding=tg.attr_str("VALID"),
                       strides=tg.attr_ints([1, 2, 2, 1]))
        elif isinstance(m, nn.Linear):
            if not reshaped:
                reshaped = True
                name = b.unique("transpose")
                perm = b.const(f"{name}/perm", np.array([0, 3, 1, 2], dtype=np.int32))
                x = b.node(name, "Transpose", [x, perm], T=F32, Tperm=tg.attr_type(tg.DT_INT32))
                name = b.unique("Reshape")
                shape = b.const(f"{name}/shape", np.array([-1, m.in_features], dtype=np.int32))
                x = b.node(name, "Reshape", [x, shape], T=F32, Tshape=tg.attr_type(tg.DT_INT32))
            name = b.unique("MatMul")
            w = b.const(f"{name}/b", np.ascontiguousarray(m.weight.detach().numpy().T).astype(np.float32))
            x = b.node(name, "MatMul", [x, w], T=F32, transpose_a=tg.attr_bool(False),
                       transpose_b=tg.attr_bool(False))
            x = _bias_add(b, x, m.bias)
        elif isinstance(m, (nn.Sequential, sm.VGG16Like)):
            continue
        else:
            raise ValueError(f"module {type(m).__name__} has no GraphDef mapping")
    b.node("output", "Identity", [x], T=F32)
    return b.graph


def _bias_add(b: "tg.GraphBuilder", x: str, bias: torch.Tensor) -> str:
    name = b.unique("BiasAdd")
    c = b.const(f"{name}/bias", bias.detach().numpy().astype(np.float32))
    return b.node(name, "BiasAdd", [x, c], T=F32, data_format=tg.attr_str("NHWC"))


def _batch_norm(b: "tg.GraphBuilder", x: str, m: nn.BatchNorm2d) -> str:
    """tf.nn.batch_normalization(x, mean, variance, offset, scale, eps) as TF 1.x records it:
    inv = rsqrt(variance + eps) * scale; x * inv + (offset - mean * inv)."""
    if not m.affine or not m.track_running_stats:
        raise ValueError("batch norm needs affine parameters and running statistics")
    s = b.unique("batchnorm")
    var_eps = _bn_const(m.running_var) + np.float32(m.eps)
    rs = b.node(f"{s}/Rsqrt", "Rsqrt", [b.const(f"{s}/Rsqrt/x", var_eps)], T=F32)
    inv = b.node(f"{s}/mul", "Mul", [rs, b.const(f"{s}/mul/y", _bn_const(m.weight))], T=F32)
    xs = b.node(f"{s}/mul_1", "Mul", [x, inv], T=F32)
    mi = b.node(f"{s}/mul_2", "Mul", [b.const(f"{s}/mul_2/x", _bn_const(m.running_mean)), inv], T=F32)
    sh = b.node(f"{s}/sub", "Sub", [b.const(f"{s}/sub/x", _bn_const(m.bias)), mi], T=F32)
    return b.node(f"{s}/add", "Add", [xs, sh], T=F32)


def write_graphdef(graph: "tg.GraphDef", path: str) -> str:
    data = graph.SerializeToString(deterministic=True)
    with open(path, "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def layer_nodes(graph: "tg.GraphDef") -> list:
    """Non-Const nodes in graph order (the ones whose activations matter)."""
    return [n.name for n in graph.node if n.op != "Const"]


def check_against_interpreter(graph, x_nhwc: np.ndarray, logits_torch: np.ndarray) -> dict:
    """Runs the .pb through the numpy interpreter image by image; returns the max abs logit
    difference and every node's max abs value over the images."""
    interp = graph_interpreter.Interpreter(graph, np.float32)
    names = layer_nodes(graph)
    maxabs = {n: 0.0 for n in names}
    worst = 0.0
    out = np.zeros_like(logits_torch)
    for i in range(len(x_nhwc)):
        rec = {}
        (y,) = interp.run({"input": x_nhwc[i:i + 1]}, ["output"], record=rec)
        out[i] = y[0]
        for n in names:
            maxabs[n] = max(maxabs[n], float(np.abs(rec[n]).max()))
        worst = max(worst, float(np.abs(y[0] - logits_torch[i]).max()))
    return {"images": int(len(x_nhwc)), "max_abs_diff_logits": worst, "interpreter_logits": out,
            "max_abs_activation": maxabs}


def pick_samples(labels: np.ndarray, test_idx: np.ndarray) -> list:
    """Two melanoma and one nevus test image: the lowest indices of each class (fixed, not
    chosen by score)."""
    mel = [int(i) for i in test_idx if labels[i] == 1][:2]
    nev = [int(i) for i in test_idx if labels[i] == 0][:1]
    return mel + nev


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True, help="train.py's best.pt")
    ap.add_argument("--out", required=True, help="output folder, e.g. models/skin_cancer")
    ap.add_argument("--data", default=sm.DEFAULT_DATA_DIR)
    ap.add_argument("--no-check", dest="check", action="store_false",
                    help="skip the numpy-interpreter self-check on the test split")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    sm.configure_torch(args.threads)

    ckpt = torch.load(args.checkpoint, map_location="cpu")
    model = sm.VGG16Like(ckpt["width"])
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    os.makedirs(args.out, exist_ok=True)

    graph = build_graphdef(model)
    sha = write_graphdef(graph, os.path.join(args.out, "model.pb"))
    print(f"model.pb: {len(graph.node)} nodes, sha256 {sha}")

    data = sm.load_isic(args.data)
    test_idx = data.indices("test")
    x_test = sm.preprocess(data.images[test_idx])
    logits = sm.predict_logits(model, x_test)
    np.save(os.path.join(args.out, "test_logits.npy"), logits)
    np.save(os.path.join(args.out, "test_indices.npy"), test_idx.astype(np.int32))
    with open(os.path.join(args.out, "test_logits.csv"), "w") as f:
        f.write("index,image,melanoma,logit_nevus,logit_melanoma\n")
        for i, z in zip(test_idx, logits):
            f.write(f"{i},{data.names[i]},{data.labels[i]},{z[0]:.9g},{z[1]:.9g}\n")

    samples = []
    for i in pick_samples(data.labels, test_idx):
        diag = sm.CLASS_NAMES[data.labels[i]]
        fname = f"{data.names[i]}_{diag}.npy"
        x = x_test[list(test_idx).index(i)][None]
        np.save(os.path.join(args.out, fname), x)
        with torch.no_grad():
            z = model(sm.to_nchw(x)).numpy()[0]
        samples.append({"file": fname, "index": i, "image": data.names[i], "diagnosis": diag,
                        "logits": [float(v) for v in z.astype(np.float32)]})
        np.save(os.path.join(args.out, fname.replace(".npy", "_logits.npy")), z.astype(np.float32)[None])

    summary = ckpt["summary"]
    macs, relus = sm.count_macs(ckpt["width"])
    meta = {
        "model": "VGG16Like", "width": ckpt["width"], "channels": list(model.channels),
        "parameters": sum(p.numel() for p in model.parameters()), "macs": macs, "relus": relus,
        "input": {"node": "input", "shape": [1, 200, 200, 3], "layout": "NHWC", "dtype": "float32",
                  "preprocessing": "x = (float32(u8) / 255 - mean[c]) / std[c] in float32, RGB",
                  "mean": [float(v) for v in sm.IMAGENET_MEAN], "std": [float(v) for v in sm.IMAGENET_STD]},
        "output": {"node": "output", "shape": [1, 2], "classes": list(sm.CLASS_NAMES), "kind": "raw logits"},
        "decision": {"rule": "softmax(logits)[1] >= threshold -> melanoma",
                     "threshold_p_melanoma": summary["threshold_p_melanoma"],
                     "threshold_logit_difference": float(np.log(summary["threshold_p_melanoma"])
                                                         - np.log1p(-summary["threshold_p_melanoma"])),
                     "chosen_on": "val split, Youden's J"},
        "model_pb_sha256": sha, "samples": samples, "training": summary,
    }

    if args.check:
        t0 = time.time()
        chk = check_against_interpreter(graph, x_test, logits)
        chk_samples = max(float(np.abs(np.array(s["logits"]) - logits[list(test_idx).index(s["index"])]).max())
                          for s in samples)
        report = {"images": chk["images"], "max_abs_diff_logits_interpreter_vs_pytorch": chk["max_abs_diff_logits"],
                  "max_abs_diff_sample_logits_batch1_vs_batch16": chk_samples,
                  "max_abs_logit": float(np.abs(logits).max()),
                  "max_abs_activation_per_node": chk["max_abs_activation"], "seconds": time.time() - t0}
        with open(os.path.join(args.out, "export_check.json"), "w") as f:
            json.dump(report, f, indent=1)
        print(f"self-check on {chk['images']} test images: max |interpreter - PyTorch| = "
              f"{chk['max_abs_diff_logits']:.3g}; max |logit| = {report['max_abs_logit']:.3f}")
        meta["self_check"] = {k: report[k] for k in report if k != "max_abs_activation_per_node"}

    with open(os.path.join(args.out, "metadata.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
