#!/usr/bin/python3
"""Export a checkpoint to ONNX (opset 17, dynamic H/W) and write a reference pair.

    /usr/bin/python3 models/train/denoise-video/export_onnx.py \
        --ckpt .cache/train-out/best.pt --out .cache/train-out/denoise-video.onnx

Inputs:  frames [1,15,H,W] float32 0..1 (5 RGB frames, frame-major, centre = 6:9)
         sigma  [1,1,H,W]  float32 (noise RMS in 0..1 units; 0 -> near identity)
Output:  denoised [1,3,H,W] float32. H and W must be multiples of 4 (pad + crop).
Also writes <out>.reference.json: a seeded 1x15x12x20 input, its sigma and the
PyTorch output, so a runtime test can check that the exported file matches.
Fails if the file is 2 MB or larger.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import ClearcutVDN  # noqa: E402

LIMIT = 2 * 1024 * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=".cache/train-out/best.pt")
    ap.add_argument("--out", default=".cache/train-out/denoise-video.onnx")
    args = ap.parse_args()
    ck = torch.load(args.ckpt, map_location="cpu")
    model = ClearcutVDN(**ck["cfg"]).eval()
    model.load_state_dict(ck["model"])

    g = torch.Generator().manual_seed(7)
    frames = torch.rand(1, 15, 12, 20, generator=g)
    sigma = torch.full((1, 1, 12, 20), 20 / 255)
    torch.onnx.export(model, (frames, sigma), args.out, opset_version=17,
                      input_names=["frames", "sigma"], output_names=["denoised"],
                      dynamic_axes={"frames": {2: "height", 3: "width"}, "sigma": {2: "height", 3: "width"},
                                    "denoised": {2: "height", 3: "width"}})
    with torch.no_grad():
        ref = model(frames, sigma)
    with open(args.out + ".reference.json", "w") as f:
        json.dump({"frames": {"dims": list(frames.shape), "data": frames.flatten().tolist()},
                   "sigma": {"dims": list(sigma.shape), "data": sigma.flatten().tolist()},
                   "denoised": {"dims": list(ref.shape), "data": ref.flatten().tolist()},
                   "step": ck["step"]}, f)
    size = os.path.getsize(args.out)
    print(f"{args.out}: {size} bytes ({size / 1024:.1f} KiB), step {ck['step']}")
    if size >= LIMIT:
        sys.exit(f"model is {size} bytes, over the 2 MB limit")


if __name__ == "__main__":
    main()
