"""Regenerate the README's example pictures in docs/ (needs the [features] extra).

    PYTHONPATH=python python tools/make_docs_pictures.py

Segments scikit-image's astronaut photo (longest side 256 px) with the default
features, estimates the layer colours and writes:
  docs/astronaut_sheet.png      input | features | layers | palette
  docs/astronaut_layers.png     each layer as an RGBA cut-out on a checkerboard
  docs/astronaut_composite.png  the layer under the face pasted on a new background
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data

import sss_fast
from sss_fast import features, io, viz

OUT = Path(__file__).resolve().parents[1] / "docs"


def checker(h, w, n=8):
    yy, xx = np.mgrid[:h, :w]
    c = ((yy // n + xx // n) % 2).astype(np.float64)
    return np.repeat((0.75 + 0.2 * c)[..., None], 3, axis=2)


def main():
    OUT.mkdir(exist_ok=True)
    im = Image.fromarray(data.astronaut())
    im = im.resize((256, 256), Image.LANCZOS)
    image = np.asarray(im, dtype=np.float64) / 255.0
    raw = features.extract(image)
    feats = features.reduce(raw, image)
    res = sss_fast.segment(image, feats, seed=20180812)
    colors = sss_fast.layer_colors(image, res.layers)
    io.save_png(OUT / "astronaut_sheet.png", viz.contact_sheet(image, feats, res.layers, colors=colors))
    h, w = image.shape[:2]
    cut = [sss_fast.composite(res.layers[k:k + 1], colors[k:k + 1], checker(h, w), keep=[0])
           for k in range(res.layers.shape[0])]
    io.save_png(OUT / "astronaut_layers.png", (np.concatenate(cut, axis=1) * 255).round().astype(np.uint8))
    face = int(np.argmax(res.layers[:, 70, 128]))  # the layer that holds the face
    yy, xx = np.mgrid[:h, :w] / max(h, w)
    bg = np.stack([0.15 + 0.5 * yy, 0.35 + 0.3 * xx, 0.75 - 0.3 * yy], axis=2)
    comp = sss_fast.composite(res.layers, colors, bg, keep=[face])
    io.save_png(OUT / "astronaut_composite.png", (comp * 255).round().astype(np.uint8))
    print("wrote", sorted(p.name for p in OUT.glob("astronaut_*.png")), "timings", res.timings["total"])


if __name__ == "__main__":
    main()
