#!/usr/bin/python3
"""Version 6 of clearcut-vdn: the still-region test also judges each neighbour on its own.

    /usr/bin/python3 models/train/denoise-video/add_neighbour_max.py models/clearcut-vdn/clearcut-vdn.onnx

Run it once on a version 5 file (export_onnx.py, then add_grain_keep.py; reproduce.sh does all
three). Nothing is trained: the change is fixed.

Why: the still-region averaging (models/clearcut-vdn.md) compares the four neighbours with the centre
frame by the mean of their four 5 x 5 box-averaged differences. Where only one neighbour differs
(a thin moving line that neighbour shows and the others do not), its difference is divided by four,
and under the widened test of compressed noise it passed: a fifth of the line was averaged in, and
faint copies of it showed beside the real one. Now the test uses

    d = max(mean_k d_k, MAX_SHARE * max_k d_k)

On noise alone the largest of the four box averages is only a few per cent above their mean, so
MAX_SHARE = 0.87 leaves d as it was; one neighbour that clearly differs now raises d by itself.

Needs only onnx and numpy (python3-onnx from Debian). The file's reference pair (reference.json) is
unchanged: its random frames differ everywhere, so the test already gave them no weight, and the
runtime test replays the pair against this file; a separate test checks the new rule on a moving line.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

MAX_SHARE = 0.87


def add_nodes(model):
    g = model.graph
    if any(n.name == "still_test_max" for n in g.node):
        sys.exit("this graph already judges each neighbour on its own")
    if not any(i.name == "grain_keep" for i in g.input):
        sys.exit("run this on a version 5 graph (add_grain_keep.py's output)")
    pool = next(n for n in g.node if n.output[0] == "/AveragePool_output_0")
    per_frame = "/ReduceMean_1_output_0"  # each frame's mean |difference| from the centre over its 12 planes
    assert any(per_frame in n.output for n in g.node), "not the expected version 5 graph"
    attrs = {a.name: helper.get_attribute_value(a) for a in pool.attribute}
    g.initializer.append(numpy_helper.from_array(np.array(MAX_SHARE, np.float32), "still_test_max_share"))
    new = [
        helper.make_node("AveragePool", [per_frame], ["still_test_per_frame"], name="still_test_per_frame", **attrs),
        helper.make_node("ReduceMax", ["still_test_per_frame"], ["still_test_largest"], axes=[1], keepdims=1, name="still_test_largest"),
        helper.make_node("Mul", ["still_test_largest", "still_test_max_share"], ["still_test_largest_share"], name="still_test_largest_share"),
        helper.make_node("Max", ["/AveragePool_output_0", "still_test_largest_share"], ["still_test_distance"], name="still_test_max"),
    ]
    for n in g.node:
        for k, x in enumerate(n.input):
            if x == "/AveragePool_output_0":
                n.input[k] = "still_test_distance"
    at = list(g.node).index(pool) + 1
    for k, n in enumerate(new):
        g.node.insert(at + k, n)


def main():
    path = sys.argv[1]
    model = onnx.load(path)
    add_nodes(model)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    print(f"{path}: version 6 (each neighbour judged on its own, share {MAX_SHARE})")


if __name__ == "__main__":
    main()
