#!/usr/bin/python3
"""Train video denoiser candidates side by side for a fixed wall-clock budget (experiments, not shipped:
fast_model.FastVDN, perframe_model.PerFrameVDN, and the shipped network trained on).

    python3 models/train/denoise-video/train_fast.py --seconds 400 --out .cache/train/v4

Built for a GPU machine with many cores: batches are made by --workers processes (dataset.py, the
same sequences and noise as version 3's last stage), the learning rate follows a cosine over the
time budget rather than a step count, so a run always ends on schedule. Writes <out>/best-<variant>.pt,
<out>/log.jsonl and <out>/summary.json (steps, samples, hardware, validation PSNR). With
--compare-onnx the shipped file's network (read back from its weights and checked against its
reference pair) is scored on the same validation set, so the versions are compared in one run.
"""
import argparse
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataset  # noqa: E402
from fast_model import FastVDN, macs_per_pixel  # noqa: E402
from model import ClearcutVDN  # noqa: E402
from perframe_model import PerFrameVDN  # noqa: E402
from train import charbonnier  # noqa: E402


class Batches(torch.utils.data.IterableDataset):
    """Each worker makes whole batches from its own seed (dataset.Sequences)."""

    def __init__(self, images, args):
        self.images, self.args = images, args

    def __iter__(self):
        a = self.args
        info = torch.utils.data.get_worker_info()
        wid = info.id if info else 0
        torch.set_num_threads(1)
        seq = dataset.Sequences(self.images, a.patch, a.batch, a.seed * 1000 + wid, static=a.static, native=a.native,
                                texture=True, sigma_power=a.sigma_power, smooth=a.smooth, objects=a.objects)
        while True:
            yield seq.next()


class Plain(nn.Module):
    """FastVDN behind the training-set interface: frames [N,15,H,W], sigma map [N,1,H,W] -> centre."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x, s):
        return x[:, 6:9] + F.pixel_shuffle(self.m(F.pixel_unshuffle(x, 2), s[:, :, :1, :1]), 2)


def v3_from_onnx(path):
    """Version 3 as a trainable ClearcutVDN, its weights read back from the shipped ONNX file
    (DeployVDN's initializers), checked against the file's reference pair (reference.json)."""
    import onnx
    from onnx import numpy_helper
    g = onnx.load(path).graph
    init = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in g.initializer}
    up_bias = next((n.input[2] for n in g.node if n.op_type == "Conv" and n.input[1] == "m.up.weight" and len(n.input) > 2), None)
    if up_bias is None:
        up_bias = next(k for k, v in init.items() if k.startswith("onnx::") and v.numel() == 64)
    m = ClearcutVDN(16, 32, 3, mean_skip=True)
    m.prefilter = True
    st = m.state_dict()
    w = torch.zeros_like(st["enc.0.weight"])
    w[:, :60] = init["first.weight"]
    w[:, 60] = init["wsig"].view(-1, 1, 1)
    st["enc.0.weight"], st["enc.0.bias"] = w, init["first.bias"]
    for k in st:
        if k.startswith(("enc.2", "down", "body", "dec")) or k == "up.weight":
            st[k] = init["m." + k].reshape(st[k].shape)
    st["up.bias"] = init[up_bias].reshape(st["up.bias"].shape)
    m.load_state_dict(st)
    # Checked against the reference pair written with the file (models/clearcut-vdn/reference.json):
    # version 3's averaging and version 5's grain step, in PyTorch, must give its residual.
    ref = json.load(open(os.path.join(os.path.dirname(os.path.abspath(path)), "reference.json")))
    t = lambda k: torch.tensor(ref[k]["data"], dtype=torch.float32).reshape(ref[k]["dims"])
    with torch.no_grad():
        ours = PerFrameVDN(m, per_frame=False).deploy(t("frames"), t("sigma"), t("motion_sigma"), t("grain_keep"))
    err = float((ours - t("residual")).abs().max())
    print(f"version 3 read back from {path}: max difference from its reference pair {err:.1e}", flush=True)
    if err > 1e-5:
        raise SystemExit("could not read version 3 back from its ONNX file")
    return m


@torch.no_grad()
def validate(fn, val, device, chunk=1):
    res = {}
    for name, (x, y, s) in val.items():
        outs = [fn(x[i:i + chunk].to(device), s[i:i + chunk].to(device)).cpu() for i in range(0, len(x), chunk)]
        res[name] = {"noisy": round(dataset.psnr(x[:, 6:9], y), 2), "out": round(dataset.psnr(torch.cat(outs), y), 2)}
    return res


VARIANTS = {
    # name: (what it is, how to build it, learning rate)
    "fast": ("version 4 candidate: FastVDN(16, 32), dilated body", lambda a: Plain(FastVDN(a.c1, a.c2)), None),
    "fast-noenc": ("FastVDN(16, 32) without the half-resolution 3x3 after the first layer", lambda a: Plain(FastVDN(a.c1, a.c2, enc=False)), None),
    "v3-more": ("version 3 read back from its ONNX file and trained on", lambda a: v3_from_onnx(a.compare_onnx), 1e-4),
    "perframe": ("version 3's weights behind the per-frame still test (perframe_model.py), trained on",
                 lambda a: PerFrameVDN(v3_from_onnx(a.compare_onnx)), 1e-4),
    "perframe-hi": ("the same at learning rate 3e-4", lambda a: PerFrameVDN(v3_from_onnx(a.compare_onnx)), 3e-4),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=400)
    ap.add_argument("--out", default=".cache/train/v4")
    ap.add_argument("--data", default=".cache/train-data")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--patch", type=int, default=96)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--c1", type=int, default=16)
    ap.add_argument("--c2", type=int, default=32)
    ap.add_argument("--variants", default="fast", help=f"comma-separated, trained side by side on the same batches: {', '.join(VARIANTS)}")
    ap.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--static", type=float, default=0.4)
    ap.add_argument("--native", type=float, default=0.6)
    ap.add_argument("--sigma-power", type=float, default=1.5)
    ap.add_argument("--smooth", type=float, default=0.25)
    ap.add_argument("--objects", type=float, default=0.0, help="share of sequences with objects moving on their own (dataset.add_objects)")
    ap.add_argument("--val-every", type=float, default=100, help="seconds")
    ap.add_argument("--init-dir", help="continue each variant from <dir>/best-<variant>.pt where there is one")
    ap.add_argument("--compare-onnx", help="the shipped ONNX file (version 3): scored on the same validation set")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.backends.cudnn.benchmark = True
    os.makedirs(args.out, exist_ok=True)
    dev = torch.device(args.device)
    train_imgs, _ = dataset.load_images(args.data, "train")
    val_imgs, val_files = dataset.load_images(args.data, "val")
    val = dataset.validation_set(val_imgs, objects=args.objects > 0)
    # The shipped file's function without its grain step, in PyTorch (v3_from_onnx checks it against
    # the file's reference pair): the photos carry no grain of their own.
    compare = validate(PerFrameVDN(v3_from_onnx(args.compare_onnx), per_frame=False).to(dev).eval(), val, dev, chunk=16) if args.compare_onnx else None
    if compare:
        print("shipped network:", "  ".join(f"{k} {v['out']:.2f}" for k, v in compare.items()), flush=True)

    runs = {}
    for name in args.variants.split(","):
        what, build, lr = VARIANTS[name]
        try:
            net = build(args).to(dev)
            prev = os.path.join(args.init_dir or "", f"best-{name}.pt")
            if args.init_dir and os.path.exists(prev):
                net.load_state_dict(torch.load(prev, map_location=dev)["model"])
                print(f"variant {name} continues from {prev}", flush=True)
        except (Exception, SystemExit) as e:  # a variant that cannot be built must not cost the others their run
            print(f"variant {name} skipped: {e!r}", flush=True)
            continue
        runs[name] = {"net": net, "opt": torch.optim.Adam(net.parameters(), lr=lr or args.lr), "lr": lr or args.lr,
                      "best": -1.0, "val": None, "what": what}
    loader = torch.utils.data.DataLoader(Batches(train_imgs, args), batch_size=None, num_workers=args.workers,
                                         prefetch_factor=4 if args.workers else None, persistent_workers=args.workers > 0)
    logf = open(os.path.join(args.out, "log.jsonl"), "w")
    step = 0
    t0 = time.time()
    next_val = args.val_every

    def check():
        for name, r in runs.items():
            r["net"].eval()
            r["val"] = validate(r["net"], val, dev, chunk=16)
            r["net"].train()
            mean = float(np.mean([v["out"] for v in r["val"].values()]))
            print(f"  {name} {time.time() - t0:.0f}s step {step}: " + "  ".join(f"{k} {v['out']:.2f}" for k, v in r["val"].items()), flush=True)
            logf.write(json.dumps({"variant": name, "step": step, "t": time.time() - t0, "val": r["val"]}) + "\n"); logf.flush()
            if mean > r["best"]:
                r["best"] = mean
                path = os.path.join(args.out, f"best-{name}.pt")
                torch.save({"variant": name, "model": r["net"].state_dict(), "cfg": {"c1": args.c1, "c2": args.c2},
                            "step": step, "val": r["val"]}, path + ".tmp")
                os.replace(path + ".tmp", path)

    for x, y, s in loader:
        frac = min(1.0, (time.time() - t0) / args.seconds)
        if frac >= 1.0:
            break
        x, y, s = x.to(dev, non_blocking=True), y.to(dev, non_blocking=True), s.to(dev, non_blocking=True)
        for r in runs.values():
            lr = r["lr"] * min(1.0, 50 * frac + 0.01) * 0.5 * (1 + math.cos(math.pi * frac))
            for g in r["opt"].param_groups:
                g["lr"] = lr
            loss = charbonnier(r["net"](x, s), y)
            r["opt"].zero_grad(set_to_none=True)
            loss.backward()
            r["opt"].step()
            r["loss"] = loss
        step += 1
        if step % 500 == 0:
            print(f"step {step} {time.time() - t0:.0f}s " + "  ".join(f"{k} {float(r['loss']):.5f}" for k, r in runs.items()), flush=True)
        if time.time() - t0 >= next_val:
            next_val += args.val_every
            check()
    check()
    summary = {"steps": step, "samples": step * args.batch, "wall_s": round(time.time() - t0, 1), "batch": args.batch,
               "patch": args.patch, "workers": args.workers, "lr": args.lr,
               "device": torch.cuda.get_device_name(0) if dev.type == "cuda" else platform.processor(),
               "cpus": os.cpu_count(), "torch": torch.__version__, "val_files": [os.path.basename(f) for f in val_files],
               "version3_onnx": compare,
               "variants": {k: {"what": r["what"], "params": sum(p.numel() for p in r["net"].parameters()),
                                "best_mean_val_psnr": round(r["best"], 3), "val_last": r["val"]} for k, r in runs.items()}}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary), flush=True)
    os._exit(0)  # do not wait for the data workers


if __name__ == "__main__":
    main()
