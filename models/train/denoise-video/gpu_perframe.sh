#!/bin/sh
# The GPU run behind version 6 (perframe_model.py), one command on a machine with a CUDA GPU and many
# cores (here: the lent NVIDIA H200 with 16 cores); .cache/train-data from fetch_data.py must be there.
#   OUT=<folder> sh models/train/denoise-video/gpu_perframe.sh
# Three variants side by side on the same batches, all starting from the shipped weights: per-frame
# still test at learning rate 1e-4 and 3e-4, and version 3's averaging at 1e-4 (the control: what
# training on alone gives). 30 % of the sequences carry objects that move on their own.
set -eu
cd "$(dirname "$0")/../../.."
OUT=${OUT:-.cache/train/v6}
mkdir -p "$OUT/run"
export PYTHONUNBUFFERED=1
PY=${PY:-python3}
"$PY" models/train/denoise-video/train_fast.py --seconds "${SECONDS_BUDGET:-420}" --workers "${WORKERS:-15}" \
  --batch 64 --patch 96 --val-every 90 --variants perframe,perframe-hi,v3-more --objects 0.3 \
  --compare-onnx models/clearcut-vdn/clearcut-vdn.onnx --data .cache/train-data --out "$OUT/run"
# Checkpoints as plain arrays too, so any PyTorch (Debian's 1.13 for the export) reads them.
"$PY" - "$OUT/run" <<'PY'
import glob, sys
import numpy as np, torch
for f in glob.glob(sys.argv[1] + "/best-*.pt"):
    try:
        ck = torch.load(f, map_location="cpu", weights_only=False)
    except TypeError:  # PyTorch before 1.13.1 has no weights_only
        ck = torch.load(f, map_location="cpu")
    np.savez(f[:-3] + ".npz", **{k: v.cpu().numpy() for k, v in ck["model"].items()})
    print("wrote", f[:-3] + ".npz", "step", ck["step"])
PY
