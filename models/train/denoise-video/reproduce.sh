#!/bin/sh
# From a clean checkout to the shipped weights (issue 6), one command:
#   sh models/train/denoise-video/reproduce.sh
# Needs Debian's python3-torch and python3-pil (apt-get install -y python3-torch python3-pil).
# About 50 min on 2 free CPU cores (~20 steps/s); DEVICE=cuda uses a GPU.
# The recipe is a chain of warm-started runs: each stage adds one thing the previous network
# lacked (models/clearcut-vdn.md, "Training run", says why each was added and what it changed).
set -eu
cd "$(dirname "$0")/../../.."
PY=/usr/bin/python3
T=models/train/denoise-video
C=${OUT:-.cache/train}
D=${DEVICE:+--device $DEVICE}
COMMON="--patch 64 --batch 16 --ckpt-every 500 $D"
$PY $T/fetch_data.py
# 1. base network, resampled moving crops of the photos
$PY $T/train.py $COMMON --steps 5500 --lr 1e-3 --val-every 1000 --out $C/1-base --resume
# 2. the decoder also sees the temporal mean (new inputs start at zero)
$PY $T/train.py $COMMON --steps 2000 --lr 5e-4 --val-every 1000 --mean-skip --static 0.3 \
    --init-from $C/1-base/last.pt --out $C/2-mean --resume
# 3. half the sequences cut at the photos' own pixel grid
$PY $T/train.py $COMMON --steps 4000 --lr 4e-4 --val-every 1000 --mean-skip --static 0.3 --native 0.5 \
    --init-from $C/2-mean/last.pt --out $C/3-native --resume
# 4. fine static texture that only the frames together tell from noise
$PY $T/train.py $COMMON --steps 3500 --lr 3e-4 --val-every 700 --mean-skip --static 0.4 --native 0.6 --texture \
    --init-from $C/3-native/best.pt --out $C/4-texture --resume
# 5. still regions averaged before the network (model.static_prefilter), as shipped
$PY $T/train.py $COMMON --steps 4000 --lr 2e-4 --val-every 1000 --mean-skip --prefilter --static 0.4 --native 0.6 --texture \
    --init-from $C/4-texture/best.pt --out $C/5-prefilter --resume
# 6. the same, five times longer at a lower, decaying rate (version 2)
$PY $T/train.py $COMMON --steps 20000 --lr 1.5e-4 --val-every 2500 --mean-skip --prefilter --static 0.4 --native 0.6 --texture \
    --init-from $C/5-prefilter/best.pt --out $C/6-long --resume
# 7. more light noise: levels drawn as 55 * u^1.5 instead of uniformly, another seed
$PY $T/train.py $COMMON --steps 8000 --lr 1e-4 --val-every 2000 --mean-skip --prefilter --static 0.4 --native 0.6 --texture \
    --sigma-power 1.5 --seed 7 --init-from $C/6-long/best.pt --out $C/7-light --resume
# 8. a quarter of the sequences from texture-free versions of the photos (shipped as version 3)
$PY $T/train.py $COMMON --steps 8000 --lr 1e-4 --val-every 2000 --mean-skip --prefilter --static 0.4 --native 0.6 --texture \
    --sigma-power 1.5 --smooth 0.25 --seed 8 --init-from $C/7-light/best.pt --out $C/8-smooth --resume
$PY $T/export_onnx.py --ckpt $C/8-smooth/best.pt --out models/clearcut-vdn/clearcut-vdn.onnx
# version 5: the fixed grain-keeping step after the network (nothing trained)
$PY $T/add_grain_keep.py models/clearcut-vdn/clearcut-vdn.onnx
# version 6: the still-region test also judges each neighbour on its own (nothing trained)
$PY $T/add_neighbour_max.py models/clearcut-vdn/clearcut-vdn.onnx
echo "Then put the new sha256 into models/manifest.json: sha256sum models/clearcut-vdn/clearcut-vdn.onnx"
