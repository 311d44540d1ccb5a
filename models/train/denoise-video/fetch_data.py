#!/usr/bin/python3
"""Fetch the training photographs from pinned Debian packages and split them.

    /usr/bin/python3 models/train/denoise-video/fetch_data.py [--cache .cache/train-data]

Steps (all idempotent):
  1. `apt-get download PKG=VERSION` for each package in PACKAGES into <cache>/debs,
     then verify the .deb's sha256 against the pin (a mismatch aborts).
  2. `dpkg-deb -x` into <cache>/extract/<pkg>.
  3. Every listed photograph is decoded, converted to RGB and downscaled with a
     box/Lanczos filter so its long side is at most --max-side (default 1600 px).
     Downscaling removes most of the sources' own JPEG noise, so the result is a
     cleaner target, and it keeps decoding cheap during training.
  4. Files are split by FILE (never by patch) into train/ and val/ under
     <cache>/images, using the fixed VAL list below, and a manifest.json records
     package, version, deb sha256, source path, image sha256 and split.

Only photographs are used (no renders, gradients or logos): see PHOTOS.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

# package -> (version, sha256 of the .deb). Debian bookworm.
PACKAGES = {
    "mate-backgrounds": ("1.26.0-1", "7bf4c2209f34b4f61ba6d24c8b58c28b361e82e4b943aae6d42c030169af9e04"),
    "lomiri-wallpapers-20.04": ("20.04.0-2", "d44e89b8473aafe64a5b678f014862dc31335aaaf18665c544d985d854f1a709"),
    "python3-skimage": ("0.19.3-8", "728d88c3e3440f1f3712de0805dc834d29248ff07e1eec8c0f3da07606f752f9"),
}

MATE = "usr/share/backgrounds/mate/nature/"
SKI = "usr/lib/python3/dist-packages/skimage/data/"
# (package, path inside the package). Natural photographs only.
PHOTOS = [
    ("mate-backgrounds", MATE + n) for n in (
        "Aqua.jpg", "Blinds.jpg", "Dune.jpg", "FreshFlower.jpg", "Garden.jpg", "GreenMeadow.jpg",
        "LadyBird.jpg", "RainDrops.jpg", "Storm.jpg", "TwoWings.jpg", "Wood.jpg", "YellowFlower.jpg")
] + [
    ("lomiri-wallpapers-20.04", "usr/share/backgrounds/Infinite-Sea_by_Aury88.jpg"),
    ("lomiri-wallpapers-20.04", "usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg"),
] + [
    ("python3-skimage", SKI + n) for n in ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg")
]
# Held-out validation photographs (split by file).
VAL = {MATE + "LadyBird.jpg", MATE + "Storm.jpg", MATE + "Wood.jpg", SKI + "coffee.png"}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_deb(pkg, version, want, debdir):
    name = f"{pkg}_{version}_all.deb"
    path = os.path.join(debdir, name)
    if not os.path.exists(path):
        subprocess.run(["apt-get", "download", f"{pkg}={version}"], cwd=debdir, check=True)
    got = sha256(path)
    if got != want:
        sys.exit(f"sha256 mismatch for {name}: {got} != {want}")
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=".cache/train-data")
    ap.add_argument("--max-side", type=int, default=1600)
    args = ap.parse_args()
    from PIL import Image

    debdir = os.path.join(args.cache, "debs")
    os.makedirs(debdir, exist_ok=True)
    for pkg, (version, want) in PACKAGES.items():
        deb = fetch_deb(pkg, version, want, debdir)
        dest = os.path.join(args.cache, "extract", pkg)
        if not os.path.isdir(dest):
            os.makedirs(dest)
            subprocess.run(["dpkg-deb", "-x", deb, dest], check=True)

    manifest = []
    for split in ("train", "val"):
        os.makedirs(os.path.join(args.cache, "images", split), exist_ok=True)
    for pkg, rel in PHOTOS:
        src = os.path.join(args.cache, "extract", pkg, rel)
        split = "val" if rel in VAL else "train"
        out = os.path.join(args.cache, "images", split, os.path.splitext(os.path.basename(rel))[0] + ".png")
        if not os.path.exists(out):
            im = Image.open(src).convert("RGB")
            scale = args.max_side / max(im.size)
            if scale < 1:
                im = im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS, reducing_gap=3.0)
            im.save(out + ".tmp.png")
            os.replace(out + ".tmp.png", out)
        w, h = Image.open(out).size
        manifest.append({"package": pkg, "version": PACKAGES[pkg][0], "deb_sha256": PACKAGES[pkg][1],
                         "source": "/" + rel, "source_sha256": sha256(src), "file": os.path.relpath(out, args.cache),
                         "size": [w, h], "split": split})
    with open(os.path.join(args.cache, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    n_val = sum(m["split"] == "val" for m in manifest)
    print(f"{len(manifest)} photographs: {len(manifest) - n_val} train, {n_val} val -> {args.cache}/images")


if __name__ == "__main__":
    main()
