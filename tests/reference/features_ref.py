"""Slow, obviously correct reference of feature reduction (SPEC §10).

Window convention (as the native kernel): a k×k window at (y, x) covers rows
y-(k-1)//2 .. y+k//2 and the same columns, clipped to the image; means divide
by the number of pixels inside. Guided filter: He et al. (TPAMI 2013) with a
colour guide, one 3×3 solve per pixel and channel.
"""

from __future__ import annotations

import numpy as np


def box_mean_ref(a: np.ndarray, k: int) -> np.ndarray:
    """Clipped k×k window means of an H×W×C array, by explicit window sums."""
    h, w = a.shape[:2]
    r0, r1 = (k - 1) // 2, k // 2
    out = np.empty(a.shape, dtype=np.float64)
    for y in range(h):
        ys = slice(max(0, y - r0), min(h, y + r1 + 1))
        for x in range(w):
            xs = slice(max(0, x - r0), min(w, x + r1 + 1))
            win = a[ys, xs]
            out[y, x] = win.reshape(-1, a.shape[2]).mean(axis=0)
    return out


def guided_filter_ref(guide: np.ndarray, src: np.ndarray, k: int, eps: float) -> np.ndarray:
    """He et al. colour-guided filter of every channel of src (H×W×D)."""
    guide = np.asarray(guide, dtype=np.float64)
    src = np.asarray(src, dtype=np.float64)
    h, w, d = src.shape
    mu = box_mean_ref(guide, k)                                   # H×W×3
    ii = box_mean_ref((guide[:, :, :, None] * guide[:, :, None, :]).reshape(h, w, 9), k)
    sigma = ii.reshape(h, w, 3, 3) - mu[:, :, :, None] * mu[:, :, None, :]
    sigma = sigma + eps * np.eye(3)
    out = np.empty_like(src)
    for c in range(d):
        p = src[:, :, c:c + 1]
        mp = box_mean_ref(p, k)[:, :, 0]
        ip = box_mean_ref(guide * p, k)
        cov = ip - mu * mp[:, :, None]
        a = np.linalg.solve(sigma, cov[..., None])[..., 0]        # H×W×3
        b = mp - np.einsum("hwc,hwc->hw", a, mu)
        ma = box_mean_ref(a, k)
        mb = box_mean_ref(b[:, :, None], k)[:, :, 0]
        out[:, :, c] = np.einsum("hwc,hwc->hw", ma, guide) + mb
    return out


def pca_ref(x: np.ndarray, n_components: int = 3) -> np.ndarray:
    """Scores of the rows of x (N×D) on the top principal components.

    Components are unit eigenvectors of the population covariance, largest
    eigenvalue first, each signed so that its largest-magnitude entry is
    positive (the sign convention of sss_fast.features.reduce).
    """
    mean = x.mean(axis=0)
    xc = x - mean
    cov = xc.T @ xc / x.shape[0]
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1][:n_components]
    v = vecs[:, order]
    for j in range(v.shape[1]):
        if v[np.argmax(np.abs(v[:, j])), j] < 0:
            v[:, j] = -v[:, j]
    scores = xc @ v
    if scores.shape[1] < n_components:
        scores = np.concatenate([scores, np.zeros((x.shape[0], n_components - scores.shape[1]))],
                                axis=1)
    return scores


def reduce_ref(raw: np.ndarray, image: np.ndarray, *, clamp: float = 5.0, window: int = 10,
               eps: float = 0.01) -> np.ndarray:
    """SPEC §10: clamp, guided filter, PCA to 3, per-channel min–max to [0, 1]."""
    raw = np.asarray(raw, dtype=np.float64)
    h, w, d = raw.shape
    if d == 3:
        f = raw.copy()
    else:
        f = guided_filter_ref(image, np.clip(raw, -clamp, clamp), window, eps)
        f = pca_ref(f.reshape(-1, d), 3).reshape(h, w, 3)
    for c in range(3):
        lo, hi = f[:, :, c].min(), f[:, :, c].max()
        f[:, :, c] = (f[:, :, c] - lo) / (hi - lo) if hi - lo > 1e-9 else 0.0
    return f
