#!/usr/bin/python3
"""Train the tiny temporal denoiser. One command, fixed seed:

    /usr/bin/python3 models/train/denoise-video/fetch_data.py
    /usr/bin/python3 models/train/denoise-video/train.py --steps 2000 --out .cache/train-out

Writes <out>/last.pt (every --ckpt-every steps and at the end; --resume continues
from it), <out>/best.pt (best mean validation PSNR), <out>/log.jsonl (train loss
and validation PSNR per sigma) and <out>/summary.json (steps, wall time, hardware,
final validation table). Runs on CUDA when available (--device), else CPU.
"""
import argparse
import json
import math
import os
import platform
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataset  # noqa: E402
from model import ClearcutVDN, count_params, macs_per_pixel  # noqa: E402


def charbonnier(a, b, eps=1e-3):
    return torch.sqrt((a - b) ** 2 + eps * eps).mean()


@torch.no_grad()
def validate(model, val, device, chunk=8):
    model.eval()
    res = {}
    for name, (x, y, s) in val.items():
        outs = [model(x[i:i + chunk].to(device), s[i:i + chunk].to(device)).cpu() for i in range(0, len(x), chunk)]
        res[name] = {"noisy": round(dataset.psnr(x[:, 6:9], y), 2), "out": round(dataset.psnr(torch.cat(outs), y), 2)}
    model.train()
    return res


def warm_start(model, state):
    """Copy matching weights; a conv that gained input channels keeps the old ones first and
    zeros for the new, so the warm-started network computes exactly what the old one did."""
    own = model.state_dict()
    for k, v in state.items():
        if k in own and own[k].shape == v.shape:
            own[k] = v
        elif k in own and own[k].dim() == 4 and own[k].shape[0] == v.shape[0] and own[k].shape[1] > v.shape[1]:
            w = torch.zeros_like(own[k])
            w[:, :v.shape[1]] = v
            own[k] = w
        else:
            raise SystemExit(f"cannot warm-start {k}: {tuple(v.shape)} -> {tuple(own[k].shape) if k in own else 'missing'}")
    model.load_state_dict(own)


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--out", default=".cache/train-out")
    ap.add_argument("--data", default=".cache/train-data")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=64, help="training crop (multiple of 4)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--c1", type=int, default=16)
    ap.add_argument("--c2", type=int, default=32)
    ap.add_argument("--nb", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--val-every", type=int, default=250)
    ap.add_argument("--ckpt-every", type=int, default=250)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--mean-skip", action="store_true", help="decoder also sees the temporal mean (model.py)")
    ap.add_argument("--prefilter", action="store_true", help="average still regions before the network (model.static_prefilter)")
    ap.add_argument("--static", type=float, default=0.2, help="share of still (tripod) sequences")
    ap.add_argument("--native", type=float, default=0.0, help="share of sequences cut at the photo's own pixel grid (dataset.native_frames)")
    ap.add_argument("--texture", action="store_true", help="half of the native sequences get fine static texture (dataset.native_frames)")
    ap.add_argument("--sigma-power", type=float, default=1.0, help="noise levels lo + (hi - lo) * u**p: p > 1 trains more on light noise (dataset.draw_level)")
    ap.add_argument("--smooth", type=float, default=0.0, help="share of sequences cut from texture-free versions of the photos (dataset.smoothed)")
    ap.add_argument("--init-from", help="start from this checkpoint's weights (new layers' extra inputs start at zero)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    random.seed(args.seed); np.random.seed(args.seed); torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    dev = torch.device(args.device)

    train_imgs, _ = dataset.load_images(args.data, "train")
    val_imgs, val_files = dataset.load_images(args.data, "val")
    val = dataset.validation_set(val_imgs)
    data = dataset.Sequences(train_imgs, args.patch, args.batch, args.seed, static=args.static, native=args.native, texture=args.texture, sigma_power=args.sigma_power, smooth=args.smooth)

    model = ClearcutVDN(args.c1, args.c2, args.nb, mean_skip=args.mean_skip).to(dev)
    model.prefilter = args.prefilter
    if args.init_from and not (args.resume and os.path.exists(os.path.join(args.out, "last.pt"))):
        warm_start(model, torch.load(args.init_from, map_location=dev)["model"])
        print(f"weights from {args.init_from}")
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    # cosine decay to 1 % of lr over --steps, short warm-up
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda i: min(1.0, (i + 1) / 100) * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(i, args.steps) / args.steps))))
    step, best, elapsed = 0, -1.0, 0.0
    last = os.path.join(args.out, "last.pt")
    if args.resume and os.path.exists(last):
        ck = torch.load(last, map_location=dev)
        model.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"]); sched.load_state_dict(ck["sched"])
        step, best, elapsed = ck["step"], ck["best"], ck.get("elapsed", 0.0)
        data.rng.bit_generator.state = ck["rng"]; data.gen.set_state(ck["gen"])
        print(f"resumed at step {step}")
    cfg = {"c1": args.c1, "c2": args.c2, "nb": args.nb, "mean_skip": args.mean_skip}
    flags = {"prefilter": args.prefilter}
    print(f"model {cfg}: {count_params(model)} params, {macs_per_pixel(ClearcutVDN(**cfg)):.0f} MACs/pixel; "
          f"{len(train_imgs)} train / {len(val_imgs)} val photos; device {dev}, {args.threads} threads")
    logf = open(os.path.join(args.out, "log.jsonl"), "a")

    def save(path):
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "step": step, "best": best, "elapsed": elapsed, "cfg": cfg, "flags": flags,
                    "rng": data.rng.bit_generator.state, "gen": data.gen.get_state()}, path + ".tmp")
        os.replace(path + ".tmp", path)

    t0 = time.time() - elapsed
    run_loss, res = 0.0, None
    while step < args.steps:
        x, y, s = data.next()
        x, y, s = x.to(dev), y.to(dev), s.to(dev)
        loss = charbonnier(model(x, s), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step(); sched.step(); step += 1
        run_loss += float(loss)
        if step % 50 == 0:
            print(f"step {step} loss {run_loss / 50:.5f} lr {sched.get_last_lr()[0]:.2e} {time.time() - t0:.0f}s", flush=True)
            logf.write(json.dumps({"step": step, "loss": run_loss / 50, "t": time.time() - t0}) + "\n"); logf.flush()
            run_loss = 0.0
        if step % args.val_every == 0 or step == args.steps:
            res = validate(model, val, dev)
            mean = float(np.mean([r["out"] for r in res.values()]))
            print(f"  val step {step}: " + "  ".join(f"{k} {v['noisy']:.2f}->{v['out']:.2f}" for k, v in res.items()), flush=True)
            logf.write(json.dumps({"step": step, "val": res, "t": time.time() - t0}) + "\n"); logf.flush()
            if mean > best:
                best = mean
                elapsed = time.time() - t0
                save(os.path.join(args.out, "best.pt"))
        if step % args.ckpt_every == 0 or step == args.steps:
            elapsed = time.time() - t0
            save(last)
    elapsed = time.time() - t0
    summary = {"steps": step, "wall_s": round(elapsed, 1), "batch": args.batch, "patch": args.patch, "seed": args.seed,
               "cfg": cfg, "params": count_params(model), "device": str(dev), "threads": args.threads,
               "cpu": cpu_name(), "torch": torch.__version__, "val_files": [os.path.basename(f) for f in val_files],
               "val": res, "best_mean_val_psnr": round(best, 2)}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
