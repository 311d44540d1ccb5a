"""Synthetic noisy motion sequences from still photographs.

A sample is (noisy [T*3,P,P], clean centre [3,P,P], sigma [1,P,P]), RGB in 0..1,
T = 5 frames, channels ordered frame-major (f0.R f0.G f0.B f1.R ... f4.B).

Motion: a crop window moves along a smooth path over the photo (constant velocity
plus a small acceleration, up to ~10 px/frame at output scale) and zooms smoothly
(scale changes up to ~+-3 %/frame); 20 % of sequences are static (tripod footage).
Each frame is resampled from the full-resolution photo with a fractional box
(PIL bicubic, antialiased), so sub-pixel motion is real.

Noise (independent per frame, same parameters within a sequence):
  * 'gauss' (30 %): AWGN with sigma ~ U(0, 55)/255 -- matches the benchmark recipe.
  * 'real'  (70 %): signal-dependent Poisson-Gaussian,  var(x) = a*x + b, with the
    shot/read split random; optional spatially-correlated chroma noise (Cb/Cr,
    generated at 1/2 or 1/4 resolution and upsampled); clip + 8-bit quantisation;
    then, with p = 0.5, JPEG compression after the noise at quality U(55, 95).
The total noise field is rescaled so its RMS equals the drawn level, and that
level is the conditioning sigma (RMS of the noise before clipping and
compression, 0..1 units): this is what a clip-level noise estimator
should report at run time. For 'gauss' it is the nominal sigma.
"""
import glob
import io
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageFilter

T = 5


def load_images(root, split):
    files = sorted(glob.glob(os.path.join(root, "images", split, "*.png")))
    if not files:
        raise SystemExit(f"no images in {root}/images/{split}: run fetch_data.py first")
    return [Image.open(f).convert("RGB") for f in files], files


def _rgb_to_ycc(x):  # x [...,3,H,W]
    r, g, b = x.unbind(-3)
    y = 0.299 * r + 0.587 * g + 0.114 * b
    return torch.stack([y, (b - y) * 0.564, (r - y) * 0.713], -3)


def _ycc_to_rgb(x):
    y, cb, cr = x.unbind(-3)
    r = y + cr / 0.713
    b = y + cb / 0.564
    g = (y - 0.299 * r - 0.114 * b) / 0.587
    return torch.stack([r, g, b], -3)


def flip_randomly(fl, rng):
    """Mirror left-right and reverse time, each with p = 0.5."""
    if rng.uniform() < 0.5:
        fl = fl.flip(-1)
    if rng.uniform() < 0.5:
        fl = fl.flip(0)
    return fl


def native_frames(img, rng, P, static=False, texture=False):
    """T frames [T,3,P,P] cut from the photo at its own pixel grid, moving by whole pixels.

    Resampled crops (motion_frames) are band-limited by the resampling filter, so a network
    trained only on them learns that every detail near the pixel scale is noise and smooths
    real footage, whose pixels carry sharpening, aliasing and compression texture."""
    W, H = img.size
    v = np.zeros(2) if static else np.round(rng.uniform(-6, 6, 2) * rng.uniform(0, 1) ** 0.5)
    ts = np.arange(T) - T // 2
    path = (v[None] * ts[:, None]).astype(int)
    span = np.abs(path).max(0)
    x0 = int(rng.integers(span[0], max(span[0] + 1, W - P - span[0])))
    y0 = int(rng.integers(span[1], max(span[1] + 1, H - P - span[1])))
    lo = np.minimum(path.min(0), 0)
    hi = np.maximum(path.max(0), 0)
    region = img.crop((x0 + lo[0], y0 + lo[1], x0 + hi[0] + P, y0 + hi[1] + P))
    area = torch.from_numpy(np.asarray(region, dtype=np.float32) / 255.0).permute(2, 0, 1)
    if texture and rng.uniform() < 0.5:
        # Fine texture that stays put on the scene (grass, gravel, fabric, a codec's grain): it is
        # picture, not noise, and only the frames together tell the two apart.
        t = torch.from_numpy(rng.normal(0, rng.uniform(1, 10) / 255, area.shape).astype(np.float32))
        if rng.uniform() < 0.5:
            t = F.avg_pool2d(t[None], 3, 1, 1, count_include_pad=False)[0] * 2
        area = (area + t).clamp(0, 1)
    out = [area[:, path[i, 1] - lo[1]:path[i, 1] - lo[1] + P, path[i, 0] - lo[0]:path[i, 0] - lo[0] + P] for i in range(T)]
    return flip_randomly(torch.stack(out), rng)


def motion_frames(img, rng, P, static=False):
    """T frames [T,3,P,P] float 0..1 of a smoothly moving, zooming crop."""
    W, H = img.size
    base = rng.uniform(1.0, min(2.5, min(W, H) / (P * 1.3)))  # source px per output px
    vmax = 10.0 * base  # source px per frame
    if static:
        v = np.zeros(2); acc = np.zeros(2); zr = 0.0
    else:
        v = rng.uniform(-vmax, vmax, 2) * rng.uniform(0, 1) ** 0.5
        acc = rng.normal(0, 0.8 * base, 2)
        zr = rng.uniform(-0.03, 0.03) if rng.uniform() < 0.5 else 0.0
    ts = np.arange(T) - T // 2
    sides = P * base * (1 + zr) ** ts
    path = v[None] * ts[:, None] + 0.5 * acc[None] * (ts[:, None] ** 2)
    half = sides.max() / 2
    span = np.abs(path).max(0) + half + 1
    cx = rng.uniform(span[0], W - span[0]) if W > 2 * span[0] else W / 2
    cy = rng.uniform(span[1], H - span[1]) if H > 2 * span[1] else H / 2
    out = []
    for i in range(T):
        x, y, s = cx + path[i, 0], cy + path[i, 1], sides[i] / 2
        box = (max(0.0, x - s), max(0.0, y - s), min(float(W), x + s), min(float(H), y + s))
        fr = img.resize((P, P), Image.BICUBIC, box=box, reducing_gap=None)
        out.append(torch.from_numpy(np.asarray(fr, dtype=np.float32) / 255.0).permute(2, 0, 1))
    return flip_randomly(torch.stack(out), rng)


def add_objects(clean, img, rng):
    """Paste one or two objects that move on their own across the sequence [T,3,P,P] (in place).

    Each is an ellipse of texture cut from elsewhere in the photo, with a soft edge, moving by up to
    8 px a frame in its own direction: it covers and uncovers the background, so the frames
    disagree near it while the rest of the scene holds still or moves with the camera. Without
    this, every training sequence moves as one piece."""
    Tn, _, P, _ = clean.shape
    W, H = img.size
    for _ in range(int(rng.integers(1, 3))):
        size = int(rng.uniform(0.15, 0.5) * P)
        side = min(W, H, size * rng.uniform(1.0, 2.0))
        x0, y0 = rng.uniform(0, W - side), rng.uniform(0, H - side)
        tex = img.resize((size, size), Image.BICUBIC, box=(x0, y0, x0 + side, y0 + side), reducing_gap=None)
        tex = torch.from_numpy(np.asarray(tex, dtype=np.float32) / 255.0).permute(2, 0, 1)
        g = (torch.arange(size, dtype=torch.float32) + 0.5) / size * 2 - 1
        r = torch.sqrt(g[:, None] ** 2 / rng.uniform(0.5, 1.0) ** 2 + g[None, :] ** 2 / rng.uniform(0.5, 1.0) ** 2)
        alpha = ((1 - r) * size / 3).clamp(0, 1)  # an edge about 1.5 px wide
        v = rng.uniform(-8, 8, 2)
        p0 = rng.uniform(-size / 2, P - size / 2, 2)
        for t in range(Tn):
            x, y = (p0 + v * (t - Tn // 2)).round().astype(int)
            xa, ya, xb, yb = max(x, 0), max(y, 0), min(x + size, P), min(y + size, P)
            if xa >= xb or ya >= yb:
                continue
            a = alpha[ya - y:yb - y, xa - x:xb - x]
            dst = clean[t, :, ya:yb, xa:xb]
            clean[t, :, ya:yb, xa:xb] = dst + a * (tex[:, ya - y:yb - y, xa - x:xb - x] - dst)
    return clean


def jpeg(x, q):
    """x [3,H,W] 0..1 -> JPEG round trip at quality q (4:2:0 as phones do)."""
    a = (x.clamp(0, 1) * 255 + 0.5).byte().permute(1, 2, 0).numpy()
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "JPEG", quality=int(q), subsampling=2)
    b = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), dtype=np.float32) / 255.0
    return torch.from_numpy(b).permute(2, 0, 1)


def draw_level(rng, lo, hi, power=1.0):
    """A noise level in lo..hi (8-bit units): uniform, or with power > 1 skewed towards lo
    (lo + (hi - lo) * u**power), from one draw either way."""
    if power == 1.0:
        return rng.uniform(lo, hi)
    return lo + (hi - lo) * rng.uniform() ** power


def add_noise(clean, rng, gen, kind=None, sigma=None, sigma_power=1.0):
    """clean [T,3,H,W] -> (noisy [T,3,H,W], sigma float). gen: torch.Generator."""
    Tn, _, H, W = clean.shape
    if kind is None:
        kind = "gauss" if rng.uniform() < 0.3 else "real"
    if kind == "gauss":
        s = draw_level(rng, 0, 55, sigma_power) / 255 if sigma is None else sigma
        noisy = clean + s * torch.randn(clean.shape, generator=gen)
        return (noisy.clamp(0, 1) * 255).round() / 255, float(s)
    level = draw_level(rng, 2, 55, sigma_power) / 255 if sigma is None else sigma
    shot = rng.uniform(0, 1)
    a = shot * level ** 2 / 0.5  # shot variance at mid-grey = shot * level^2
    b = (1 - shot) * level ** 2
    n = torch.sqrt(a * clean.clamp(0, 1) + b) * torch.randn(clean.shape, generator=gen)
    if rng.uniform() < 0.5:  # correlated chroma noise
        f = int(rng.choice([2, 4]))
        cs = rng.uniform(0.2, 0.6) * level
        c = torch.randn(Tn, 2, -(-H // f), -(-W // f), generator=gen) * cs
        c = F.interpolate(c, size=(H, W), mode="bilinear", align_corners=False)
        n = n + _ycc_to_rgb(torch.cat([torch.zeros(Tn, 1, H, W), c], 1))
    n = n * (level / float(n.pow(2).mean().sqrt().clamp_min(1e-8)))  # RMS == level exactly
    s = level
    noisy = ((clean + n).clamp(0, 1) * 255).round() / 255
    if rng.uniform() < 0.5:
        q = rng.uniform(55, 95)
        noisy = torch.stack([jpeg(f, q) for f in noisy])
    return noisy, s


def make_sample(img, rng, gen, P, kind=None, sigma=None, static=0.2, native=0.0, texture=False, sigma_power=1.0, objects=0.0):
    still = rng.uniform() < static
    clean = native_frames(img, rng, P, still, texture) if rng.uniform() < native else motion_frames(img, rng, P, still)
    if objects > 0 and rng.uniform() < objects:
        clean = add_objects(clean.clone(), img, rng)
    noisy, s = add_noise(clean, rng, gen, kind, sigma, sigma_power)
    return noisy.reshape(T * 3, P, P), clean[T // 2], torch.full((1, P, P), s)


def smoothed(img):
    """The photo with its fine texture and its own noise removed (a 5x5 median, then a light
    blur): large smooth areas with clean edges, like rendered animation or a clean, soft
    camera picture, where the network should smooth harder than on textured photos."""
    return img.filter(ImageFilter.MedianFilter(5)).filter(ImageFilter.GaussianBlur(1.0))


class Sequences:
    """Infinite stream of training batches; deterministic given the seed."""

    def __init__(self, images, patch, batch, seed, static=0.2, native=0.0, texture=False, sigma_power=1.0, smooth=0.0, objects=0.0):
        self.images, self.patch, self.batch, self.static, self.native, self.texture = images, patch, batch, static, native, texture
        self.sigma_power, self.smooth, self.objects = sigma_power, smooth, objects
        self.smoothed = [smoothed(im) for im in images] if smooth > 0 else []
        # weight images by area so big photos give proportionally more patches
        area = np.array([im.width * im.height for im in images], dtype=np.float64)
        self.p = area / area.sum()
        self.rng = np.random.default_rng(seed)
        self.gen = torch.Generator().manual_seed(seed)

    def next(self):
        xs, ys, ss = [], [], []
        for _ in range(self.batch):
            k = self.rng.choice(len(self.images), p=self.p)
            img = self.smoothed[k] if self.smooth > 0 and self.rng.uniform() < self.smooth else self.images[k]
            x, y, s = make_sample(img, self.rng, self.gen, self.patch, static=self.static, native=self.native, texture=self.texture, sigma_power=self.sigma_power, objects=self.objects)
            xs.append(x); ys.append(y); ss.append(s)
        return torch.stack(xs), torch.stack(ys), torch.stack(ss)


def validation_set(images, patch=128, per_image=4, seed=1234, objects=False):
    """Fixed held-out set: {name: (noisy, clean, sigma)} for 'gauss10/20/30' and
    'real20' (realistic recipe at RMS level 20/255) on the same resampled moving
    sequences, and 'native10/20' on crops at the photos' own pixel grid."""
    rng = np.random.default_rng(seed)
    seqs = []
    for img in images:
        for _ in range(per_image):
            seqs.append(motion_frames(img, rng, patch, static=False))
    out = {}
    for name, kind, s in (("gauss10", "gauss", 10 / 255), ("gauss20", "gauss", 20 / 255),
                          ("gauss30", "gauss", 30 / 255), ("real20", "real", 20 / 255)):
        r = np.random.default_rng(seed + int(s * 255))
        g = torch.Generator().manual_seed(seed + int(s * 255) + (kind == "real"))
        xs, ys, ss = [], [], []
        for clean in seqs:
            noisy, sig = add_noise(clean, r, g, kind, s)
            xs.append(noisy.reshape(T * 3, patch, patch)); ys.append(clean[T // 2])
            ss.append(torch.full((1, patch, patch), sig))
        out[name] = (torch.stack(xs), torch.stack(ys), torch.stack(ss))
    # The same photos cut at their own pixel grid (native_frames), half of them still: closer to
    # real footage than resampled crops, which hide over-smoothing of pixel-scale detail.
    nat = [native_frames(img, rng, patch, static=(i % 2 == 0)) for img in images for i in range(per_image)]
    tex = np.random.default_rng(seed + 99)
    textured = [native_frames(img, tex, patch, static=(i % 2 == 0), texture=True) for img in images for i in range(2 * per_image)]
    for name, s, seqs_ in (("native10", 10 / 255, nat), ("native20", 20 / 255, nat), ("texture10", 10 / 255, textured)):
        r = np.random.default_rng(seed + 7 + int(s * 255))
        g = torch.Generator().manual_seed(seed + 7 + int(s * 255))
        xs, ys, ss = [], [], []
        for clean in seqs_:
            noisy, sig = add_noise(clean, r, g, "gauss", s)
            xs.append(noisy.reshape(T * 3, patch, patch)); ys.append(clean[T // 2])
            ss.append(torch.full((1, patch, patch), sig))
        out[name] = (torch.stack(xs), torch.stack(ys), torch.stack(ss))
    if objects:
        # Objects moving on their own (add_objects) over a still scene (half) or a moving one.
        r = np.random.default_rng(seed + 555)
        g = torch.Generator().manual_seed(seed + 555)
        xs, ys, ss = [], [], []
        for i, img in enumerate(img for img in images for _ in range(per_image)):
            clean = add_objects(motion_frames(img, r, patch, static=(i % 2 == 0)), img, r)
            noisy, sig = add_noise(clean, r, g, "gauss", 20 / 255)
            xs.append(noisy.reshape(T * 3, patch, patch)); ys.append(clean[T // 2])
            ss.append(torch.full((1, patch, patch), sig))
        out["objects20"] = (torch.stack(xs), torch.stack(ys), torch.stack(ss))
    return out


def psnr(a, b):
    mse = (a.clamp(0, 1) - b).pow(2).flatten(1).mean(1).clamp_min(1e-10)
    return float((10 * torch.log10(1 / mse)).mean())
