"""Layer colours (SPEC §12), K = 5: native PCG vs the SciPy reference, side by side.

    PYTHONPATH=python:tests python bench/bench_colors.py [--sizes 160,320,640] [--threads 2]

Layers: seeded k-means of docia's features, blurred σ = size/320 px (soft edges).
Native: sss_fast.layer_colors (matrix-free PCG, relative residual 1e-6, prior
1e-3, all three channels in one solve). Reference: the same system assembled
with SciPy and solved directly (SuperLU, one factorisation, three solves;
tests/reference/colors_ref.py); skipped above --max-reference pixels.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from PIL import Image
from scipy.cluster.vq import kmeans2
from scipy.ndimage import gaussian_filter

from reference.colors_ref import layer_colors_ref
from sss_fast import layer_colors
from sss_fast._native import core

DOCIA = Path(__file__).resolve().parents[2] / "shared" / "data" / "docia.png"


def load(size):
    with Image.open(DOCIA) as im:
        a = np.asarray(im.convert("RGB"), dtype=np.float64) / 255.0
    f = 640 // size
    shrink = lambda x: np.ascontiguousarray(x.reshape(size, f, size, f, 3).mean(axis=(1, 3)))
    return shrink(a[:, :640]), shrink(a[:, 640:])


def layers_of(feat, k, sigma):
    h, w = feat.shape[:2]
    _, lab = kmeans2(feat.reshape(-1, 3), k, seed=np.random.default_rng(4711), minit="++")
    lab = lab.reshape(h, w)
    a = np.stack([gaussian_filter((lab == i).astype(np.float64), sigma) for i in range(k)])
    return a / a.sum(axis=0, keepdims=True)


def best_of(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="160,320,640")
    ap.add_argument("--threads", type=int, default=core.get_num_threads())
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--max-reference", type=int, default=320 * 320)
    args = ap.parse_args()
    core.set_num_threads(args.threads)
    print(f"layer colours, K = 5, native threads = {args.threads}")
    print(f"{'size':>6} {'native s':>9} {'iters':>6} {'recon err':>9} {'scipy s':>8} "
          f"{'ratio':>6} {'max|Δ|':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        img, feat = load(size)
        a = layers_of(feat, 5, size / 320)
        t_nat, (f, info) = best_of(lambda: layer_colors(img, a, return_info=True), args.repeat)
        ref = "-"
        ratio = diff = "-"
        if size * size <= args.max_reference:
            t_ref, fr = best_of(lambda: layer_colors_ref(img, a, 1e-2, 1e-3), 1)
            ref, ratio = f"{t_ref:8.2f}", f"{t_ref / t_nat:6.1f}"
            diff = f"{np.abs(f - fr).max():8.1e}"
        print(f"{size:>5}² {t_nat:9.3f} {info['iterations']:6d} "
              f"{info['reconstruction_error']:9.4f} {ref:>8} {ratio:>6} {diff:>8}")


if __name__ == "__main__":
    main()
