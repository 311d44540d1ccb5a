#!/usr/bin/python3
"""Export a checkpoint to ONNX (opset 17, dynamic H/W) and write a reference pair.

    /usr/bin/python3 models/train/denoise-video/export_onnx.py \
        --ckpt .cache/train-out/best.pt --out models/clearcut-vdn/clearcut-vdn.onnx

A checkpoint of train_fast.py (fast_model.FastVDN, an experiment that was not shipped) is exported
as trained: its training graph already has the shipped inputs and output. The shipped network
(train.py, model.ClearcutVDN; version 3's weights, exported with motion_sigma as version 4) goes out
as model.DeployVDN, the trained network rearranged for inference (same function); add_grain_keep.py
then appends version 5's fixed grain-keeping step. A `.npz` checkpoint of gpu_perframe.sh
(perframe_model.PerFrameVDN, an experiment, not shipped) goes out as trained, with all four inputs:
Inputs:  frames [1,60,H/2,W/2] float32 = pixel_unshuffle(5 RGB frames 0..1, frame-major, 2)
         sigma  [1,1,1,1] float32 (noise RMS in 0..1 units; 0 -> near identity)
         motion_sigma [1,1,1,1] float32 (the level the still-region test compares frame
                differences with: sigma times the clip's temporal/spatial noise ratio)
Output:  residual [1,12,H/2,W/2] = pixel_unshuffle(denoised centre - centre, 2).
H and W must be multiples of 4 (the runtime pads by mirroring and crops).
The export is checked against the training-time model on random input, and a seeded
reference pair (<out dir>/reference.json) lets a runtime test catch a broken export.
Fails if the file is 2 MB or larger.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fast_model import FastVDN  # noqa: E402
from model import ClearcutVDN, DeployVDN  # noqa: E402
from perframe_model import Exported, PerFrameVDN  # noqa: E402

LIMIT = 2 * 1024 * 1024


def export_perframe(path, out):
    """The version 6 candidate (not shipped): a PerFrameVDN checkpoint (train_fast.py variant perframe*, saved as .npz by
    gpu_perframe.sh). Its graph already takes all four inputs and holds version 5's grain step, so
    the reference pair is written here with grain_keep and the residual PyTorch gives for it."""
    import numpy as np
    m = ClearcutVDN(16, 32, 3, mean_skip=True)
    state = {k: torch.from_numpy(v) for k, v in np.load(path).items()}
    # variant v3-more saves the bare ClearcutVDN: version 3's averaging, exported the same way
    net = PerFrameVDN(m, per_frame=all(k.startswith("m.") for k in state)).eval()
    net.load_state_dict(state if net.per_frame else {"m." + k: v for k, v in state.items()})
    model = Exported(net).eval()
    g = torch.Generator().manual_seed(7)
    # one picture plus a little noise per frame, and one frame that differs, so the per-frame weights take part
    still = torch.rand(1, 3, 16, 24, generator=g).repeat(1, 5, 1, 1) + 0.03 * torch.randn(1, 15, 16, 24, generator=g)
    still[:, 12:15, :8] += 0.3
    full = torch.round(still * 1e6) / 1e6
    frames = F.pixel_unshuffle(full, 2)
    sigma = torch.full((1, 1, 1, 1), 6 / 255)
    motion, keep = sigma * 1.3, torch.full((1, 1, 1, 1), 0.5)
    with torch.no_grad():
        want = net(full, torch.full((1, 1, 16, 24), 6 / 255)) - full[:, 6:9]
        check = F.pixel_shuffle(model(frames, sigma, sigma, torch.zeros_like(keep)), 2)
        ref = model(frames, sigma, motion, keep)
    err = float((check - want).abs().max())
    print(f"export graph vs training graph: max abs difference {err:.2e}")
    if err > 1e-5:
        sys.exit("the export graph does not compute the trained function")
    torch.onnx.export(model, (frames, sigma, motion, keep), out, opset_version=17,
                      input_names=["frames", "sigma", "motion_sigma", "grain_keep"], output_names=["residual"],
                      dynamic_axes={"frames": {2: "height2", 3: "width2"}, "residual": {2: "height2", 3: "width2"}})
    t = lambda x: {"dims": list(x.shape), "data": x.flatten().tolist()}
    with open(os.path.join(os.path.dirname(os.path.abspath(out)), "reference.json"), "w") as f:
        json.dump({"frames": t(frames), "sigma": t(sigma), "motion_sigma": t(motion), "grain_keep": t(keep),
                   "residual": t(ref), "checkpoint": os.path.basename(path)}, f)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=".cache/train-out/best.pt")
    ap.add_argument("--out", default="models/clearcut-vdn/clearcut-vdn.onnx")
    ap.add_argument("--prefilter", action="store_true", help="ship model.static_prefilter in the graph (default: as trained)")
    args = ap.parse_args()
    if args.ckpt.endswith(".npz"):
        export_perframe(args.ckpt, args.out)
        report_size(args.out)
        return
    ck = torch.load(args.ckpt, map_location="cpu")
    if ck.get("variant") == "fast":
        deploy = FastVDN(**ck["cfg"]).eval()
        # saved inside train_fast.Plain ("m."); the fixed weights are rebuilt, not loaded
        deploy.load_state_dict({k[2:]: v for k, v in ck["model"].items() if k != "m.fixed"})

        def model(full, sigma_map):
            return full[:, 6:9] + F.pixel_shuffle(deploy(F.pixel_unshuffle(full, 2), sigma_map[:, :, :1, :1]), 2)
    else:
        model = ClearcutVDN(**ck["cfg"]).eval()
        model.load_state_dict(ck["model"])
        model.prefilter = args.prefilter or ck.get("flags", {}).get("prefilter", False)
        deploy = DeployVDN(model).eval()

    g = torch.Generator().manual_seed(7)
    # one picture plus a little noise per frame, so the still-region averaging (and motion_sigma) takes part
    still = torch.rand(1, 3, 16, 24, generator=g).repeat(1, 5, 1, 1) + 0.03 * torch.randn(1, 15, 16, 24, generator=g)
    full = torch.round(still * 1e6) / 1e6
    sig = 6 / 255
    frames = F.pixel_unshuffle(full, 2)
    sigma = torch.full((1, 1, 1, 1), sig)
    with torch.no_grad():
        ref = deploy(frames, sigma)
        want = model(full, torch.full((1, 1, 16, 24), sig)) - full[:, 6:9]
    err = float((F.pixel_shuffle(ref, 2) - want).abs().max())
    print(f"deploy graph vs training graph: max abs difference {err:.2e}")
    if err > 1e-5:
        sys.exit("the deploy graph does not compute the trained function")

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    # The reference pair also exercises the motion test's own level (motion_sigma).
    motion = sigma * 1.3
    with torch.no_grad():
        ref = deploy(frames, sigma, motion)
    torch.onnx.export(deploy, (frames, sigma, motion), args.out, opset_version=17,
                      input_names=["frames", "sigma", "motion_sigma"], output_names=["residual"],
                      dynamic_axes={"frames": {2: "height2", 3: "width2"}, "residual": {2: "height2", 3: "width2"}})
    with open(os.path.join(os.path.dirname(os.path.abspath(args.out)), "reference.json"), "w") as f:
        json.dump({"frames": {"dims": list(frames.shape), "data": frames.flatten().tolist()},
                   "sigma": {"dims": list(sigma.shape), "data": sigma.flatten().tolist()},
                   "motion_sigma": {"dims": list(motion.shape), "data": motion.flatten().tolist()},
                   "residual": {"dims": list(ref.shape), "data": ref.flatten().tolist()},
                   "step": ck["step"]}, f)
    print(f"step {ck['step']}")
    report_size(args.out)


def report_size(path):
    size = os.path.getsize(path)
    print(f"{path}: {size} bytes ({size / 1024:.1f} KiB)")
    if size >= LIMIT:
        sys.exit(f"model is {size} bytes, over the 2 MB limit")


if __name__ == "__main__":
    main()
