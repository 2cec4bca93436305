"""Scores of soft layers against known answers, and a check for blocky layers.

Used by ``bench/quality_real.py`` and the tests; handy for anyone who holds
true mattes of their own photos. SAD values are in pixels (a layer that is
wrong by 1 on one pixel scores 1)::

    from sss_fast import metrics
    metrics.best_layer_sad(result.layers, alpha)   # is the object whole in one layer?
    metrics.union_sad(result.layers, alpha)        # is its soft edge right?
    metrics.blockiness(result.layers, image)       # boxes where the image is smooth
"""

from __future__ import annotations

import numpy as np

__all__ = ["layer_sads", "best_layer_sad", "union_sad", "layers_on", "matched_sad", "wholeness",
           "blockiness"]


def _layers(layers):
    a = np.asarray(layers, dtype=np.float64)
    if a.ndim != 3:
        raise ValueError(f"layers must be a (K, H, W) array, got shape {a.shape}")
    return a


def _alpha(alpha, shape):
    a = np.asarray(alpha, dtype=np.float64)
    if a.shape != shape:
        raise ValueError(f"alpha must have the layers' (H, W) shape {shape}, got {a.shape}")
    return a


def layer_sads(layers, alpha) -> np.ndarray:
    """(K,) SAD of each layer against the true alpha ``(H, W)``."""
    a = _layers(layers)
    return np.abs(a - _alpha(alpha, a.shape[1:])).sum(axis=(1, 2))


def best_layer_sad(layers, alpha) -> float:
    """SAD of the single layer closest to the true alpha ``(H, W)``: low only when
    the object is whole in one layer."""
    return float(layer_sads(layers, alpha).min())


def layers_on(layers, alpha) -> np.ndarray:
    """Which layers sit mostly on the object: Σ_p α_layer·α_true > ½ Σ_p α_layer."""
    a = _layers(layers).reshape(len(layers), -1)
    t = _alpha(alpha, np.shape(layers)[1:]).ravel()
    return (a @ t) > 0.5 * a.sum(axis=1)


def union_sad(layers, alpha) -> float:
    """SAD of the sum of the layers that sit mostly on the object (:func:`layers_on`):
    the accuracy of its edge, however many layers it was cut into."""
    a = _layers(layers)
    t = _alpha(alpha, a.shape[1:])
    on = layers_on(a, t)
    union = a[on].sum(axis=0) if on.any() else np.zeros_like(t)
    return float(np.abs(union - t).sum())


def matched_sad(layers, reference) -> float:
    """Mean SAD over a one-to-one matching of ``layers`` to ``reference`` layers
    (Hungarian matching on SAD; an unmatched layer on either side is scored
    against an empty one)."""
    from scipy.optimize import linear_sum_assignment

    a = _layers(layers).reshape(len(layers), -1)
    b = _layers(reference).reshape(len(reference), -1)
    if a.shape[1] != b.shape[1]:
        raise ValueError("layers and reference must have the same (H, W)")
    k = max(a.shape[0], b.shape[0])
    a = np.vstack([a, np.zeros((k - a.shape[0], a.shape[1]))])
    b = np.vstack([b, np.zeros((k - b.shape[0], b.shape[1]))])
    cost = np.abs(a[:, None, :] - b[None, :, :]).sum(axis=2)
    r, c = linear_sum_assignment(cost)
    return float(cost[r, c].mean())


def wholeness(layers, reference) -> np.ndarray:
    """For each reference layer, the largest share of its mass that one layer
    holds (Σ_p min(α, α_ref) / Σ_p α_ref; 1 = kept whole)."""
    a = _layers(layers).reshape(len(layers), -1)
    b = _layers(reference).reshape(len(reference), -1)
    share = np.minimum(a[:, None, :], b[None, :, :]).sum(axis=2)
    return (share / np.maximum(b.sum(axis=1), 1e-12)).max(axis=0)


def blockiness(layers, image, *, smooth=0.02, step=0.15, min_run=4) -> np.ndarray:
    """Straight axis-aligned steps of each layer where the image is smooth.

    A pair of neighbouring pixels (right or down) *steps* when a layer
    changes by more than ``step`` across it while the image changes by less
    than ``smooth`` (largest channel difference, also over the pairs on
    either side along the same axis); a step is *straight* when ``min_run``
    consecutive pairs along the perpendicular line step the same way. Soft
    layers that follow the image's edges score about 0; boxes and staircases
    (the 8×8 blocks of JPEG compression traced by a layer boundary through a
    flat region, or a box-filtered basis direction) score high.

    Returns
    -------
    (K,) float64: pixels on straight steps per 10 000 pixels, per layer.
    """
    from scipy import ndimage

    a = _layers(layers)
    img = np.asarray(image, dtype=np.float64)
    if img.ndim == 2:
        img = img[..., None]
    if img.shape[:2] != a.shape[1:]:
        raise ValueError(f"image must be (H, W[, C]) with the layers' (H, W) {a.shape[1:]}")
    n = a.shape[1] * a.shape[2]
    flat = []
    for axis in (0, 1):
        di = np.abs(np.diff(img, axis=axis)).max(axis=2)
        flat.append(ndimage.maximum_filter1d(di, size=3, axis=axis) < smooth)
    out = np.zeros(a.shape[0])
    for k, lay in enumerate(a):
        count = 0
        for axis in (0, 1):
            dl = np.diff(lay, axis=axis)
            for sign in (1.0, -1.0):
                s = (sign * dl > step) & flat[axis]
                run = ndimage.uniform_filter1d(s.astype(np.float64), size=min_run,
                                               axis=1 - axis, mode="constant")
                full = ndimage.maximum_filter1d((run > 1 - 1e-9).astype(np.uint8),
                                                size=min_run, axis=1 - axis).astype(bool)
                count += int((full & s).sum())
        out[k] = 1e4 * count / n
    return out
