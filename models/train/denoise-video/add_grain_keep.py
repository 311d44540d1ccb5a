#!/usr/bin/python3
"""Add the grain-keeping step (version 5) to an exported clearcut-vdn graph, and its reference pair.

    /usr/bin/python3 models/train/denoise-video/add_grain_keep.py models/clearcut-vdn/clearcut-vdn.onnx

Run it once, right after export_onnx.py (reproduce.sh does). Nothing is trained: the step is fixed.

Why: where the still-region test averages five frames, the average also removes the clean scene's
own frame-to-frame texture (a camera's codec grain), which is part of the picture, and which the
network then cannot restore (it only sees the average there). The step puts back a share of it:

    residual += grain_keep * wt * LP(centre - mean)

wt is the still-region weight the graph already computes; LP averages the four sub-pixel planes of
each colour and applies a 5-tap box twice across and twice down at half resolution (about 18 px of
the full picture). White noise mostly cancels in that low-pass while coarse grain passes, and the
runtime sets grain_keep from the noise level (core/stages/denoise-video/denoise-video-stage.ts
grainKeep), so heavy noise keeps little. grain_keep = 0 gives exactly the version 4 function.

Needs only onnx and numpy (python3-onnx from Debian). The reference pair written by export_onnx.py
(reference.json, output from PyTorch) gets a grain_keep value and a residual with the step applied,
computed here in numpy, independently of onnxruntime; the runtime test replays it.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TAPS = 5
REFERENCE_GRAIN_KEEP = 0.5


def add_nodes(model):
    g = model.graph
    if any(i.name == "grain_keep" for i in g.input):
        sys.exit("this graph already has grain_keep (run the script on export_onnx.py's output)")
    names = {o for n in g.node for o in n.output}
    # Tensors of DeployVDN's export: the still-region weight and the temporal mean minus the centre.
    wt, towards = "/Clip_output_0", "/Sub_5_output_0"
    if wt not in names or towards not in names or g.node[-1].output[0] != "residual":
        sys.exit("unexpected graph: the still-region weight or the mean-minus-centre tensor is missing")
    g.node[-1].output[0] = "residual_network"
    g.input.append(helper.make_tensor_value_info("grain_keep", TensorProto.FLOAT, [1, 1, 1, 1]))
    const = lambda name, v: g.initializer.append(numpy_helper.from_array(np.array(v, np.int64), name))
    const("grain_c34", [1, 3, 4])
    const("grain_hw_from", [2])
    const("grain_hw_to", [4])
    const("grain_axis2", [2])
    p = TAPS // 2

    def pool(src, dst, across):
        k, pads = ([1, TAPS], [0, p, 0, p]) if across else ([TAPS, 1], [p, 0, p, 0])
        return helper.make_node("AveragePool", [src], [dst], kernel_shape=k, pads=pads, count_include_pad=0)

    # Reshapes and broadcasts rather than 1x1 convolutions: onnxruntime would move those tensors in and
    # out of its blocked layout, which cost more than the step itself.
    g.node.extend([
        helper.make_node("Shape", [towards], ["grain_shape12"]),
        helper.make_node("Slice", ["grain_shape12", "grain_hw_from", "grain_hw_to"], ["grain_hw"]),
        helper.make_node("Concat", ["grain_c34", "grain_hw"], ["grain_shape5"], axis=0),
        helper.make_node("Reshape", [towards, "grain_shape5"], ["grain_towards5"]),
        helper.make_node("ReduceMean", ["grain_towards5"], ["grain_towards"], axes=[2], keepdims=0),
        pool("grain_towards", "grain_lp1", False), pool("grain_lp1", "grain_lp2", True),
        pool("grain_lp2", "grain_lp3", False), pool("grain_lp3", "grain_lp4", True),
        helper.make_node("Mul", [wt, "grain_keep"], ["grain_weight"]),
        helper.make_node("Mul", ["grain_lp4", "grain_weight"], ["grain_kept3"]),
        helper.make_node("Unsqueeze", ["grain_kept3", "grain_axis2"], ["grain_kept"]),
        helper.make_node("Reshape", ["residual_network", "grain_shape5"], ["grain_residual5"]),
        # towards is mean - centre, so the kept grain, centre - mean, is subtracted
        helper.make_node("Sub", ["grain_residual5", "grain_kept"], ["grain_out5"]),
        helper.make_node("Reshape", ["grain_out5", "grain_shape12"], ["residual"]),
    ])
    onnx.checker.check_model(model)


def box(a, axis):
    """TAPS-tap mean along axis, over the samples inside the picture (count_include_pad=0)."""
    p = TAPS // 2
    n = a.shape[axis]
    out = np.zeros_like(a)
    for i in range(n):
        lo, hi = max(0, i - p), min(n, i + p + 1)
        idx = [slice(None)] * a.ndim
        idx[axis] = slice(lo, hi)
        dst = [slice(None)] * a.ndim
        dst[axis] = i
        out[tuple(dst)] = a[tuple(idx)].mean(axis)
    return out


def grain_step(frames, motion_sigma, keep):
    """The step in numpy: frames [1, 60, h, w] -> what is added to the residual [1, 12, h, w]."""
    f = frames.reshape(1, 5, 12, *frames.shape[2:]).astype(np.float64)
    centre = f[:, 2]
    d = np.abs(f - centre[:, None]).mean(2).sum(1, keepdims=True) / 4
    d = box(box(d, 2), 3)  # the graph's 5 x 5 average pool: a 5-tap box each way
    wt = np.clip((1.35 - d / (1.1284 * motion_sigma + 1e-4)) / 0.35, 0, 1)
    towards = f.mean(1) - centre
    lp = towards.reshape(1, 3, 4, *towards.shape[2:]).mean(2)
    for _ in range(2):
        lp = box(box(lp, 2), 3)
    return -np.repeat(lp * wt * keep, 4, axis=1)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "models/clearcut-vdn/clearcut-vdn.onnx"
    model = onnx.load(path)
    add_nodes(model)
    onnx.save(model, path)
    ref_path = os.path.join(os.path.dirname(os.path.abspath(path)), "reference.json")
    with open(ref_path) as f:
        ref = json.load(f)
    frames = np.array(ref["frames"]["data"], np.float64).reshape(ref["frames"]["dims"])
    motion = ref["motion_sigma"]["data"][0]
    network = np.array(ref["residual"]["data"], np.float64).reshape(ref["residual"]["dims"])
    step = grain_step(frames, motion, REFERENCE_GRAIN_KEEP)
    print(f"grain step on the reference input: max {np.abs(step).max():.2e}, still weight used")
    ref["grain_keep"] = {"dims": [1, 1, 1, 1], "data": [REFERENCE_GRAIN_KEEP]}
    ref["residual_network"] = ref["residual"]
    ref["residual"] = {"dims": ref["residual"]["dims"], "data": (network + step).astype(np.float32).flatten().tolist()}
    with open(ref_path, "w") as f:
        json.dump(ref, f)
    print(f"{path}: {os.path.getsize(path)} bytes, with grain_keep; {ref_path} updated")


if __name__ == "__main__":
    main()
