"""Synthetic scenes with known soft layers, for tests and benchmarks."""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def soft_scene(h=64, w=72, seed=2018, blur=1.5):
    """Background, a soft-edged disc and an anti-aliased square.

    Returns image (h,w,3), features (h,w,3) in [0,1], and the true alphas (3,h,w)
    summing to one.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    # disc with a blurred edge
    r = np.hypot(yy - 0.35 * h, xx - 0.3 * w)
    disc = np.clip((0.22 * min(h, w) - r) / 2.5 + 0.5, 0, 1)
    disc = ndimage.gaussian_filter(disc, blur)
    # anti-aliased square (4x supersampled)
    ss = 4
    ys, xs = np.mgrid[0:h * ss, 0:w * ss] / ss
    sq = ((ys > 0.5 * h) & (ys < 0.85 * h) & (xs > 0.55 * w) & (xs < 0.9 * w)).astype(float)
    square = sq.reshape(h, ss, w, ss).mean(axis=(1, 3))
    square = square * (1 - disc)
    bg = 1.0 - disc - square
    alphas = np.stack([bg, disc, square])
    colors = np.array([[0.20, 0.45, 0.80], [0.90, 0.55, 0.20], [0.30, 0.75, 0.35]])
    image = np.tensordot(alphas.transpose(1, 2, 0), colors, axes=1)
    image += rng.normal(0, 0.01, image.shape)
    image = np.clip(image, 0, 1)
    # features imitating a network's: blurred, slightly shifted, noisy
    fvec = np.array([[0.1, 0.2, 0.9], [0.9, 0.1, 0.3], [0.4, 0.9, 0.1]])
    feats = np.tensordot(alphas.transpose(1, 2, 0), fvec, axes=1)
    feats = ndimage.gaussian_filter(feats, (1.0, 1.0, 0))
    feats = np.roll(feats, 1, axis=1)
    feats = np.clip(feats + rng.normal(0, 0.01, feats.shape), 0, 1)
    return image, feats, alphas


def match_layers(layers, truth):
    """For each true layer, the output layer overlapping it most (greedy)."""
    k_true = truth.shape[0]
    overlap = np.einsum("khw,thw->tk", layers, truth)
    assign = {}
    used = set()
    for t in np.argsort(-overlap.max(axis=1)):
        order = np.argsort(-overlap[t])
        k = next(int(k) for k in order if int(k) not in used) if len(used) < layers.shape[0] else int(order[0])
        used.add(k)
        assign[int(t)] = k
    return [assign[t] for t in range(k_true)]


def sad(layers, truth):
    """Sum of absolute differences per true layer after matching (in pixels)."""
    idx = match_layers(layers, truth)
    return np.array([np.abs(layers[k] - truth[t]).sum() for t, k in enumerate(idx)])
