"""Reference affinities (SPEC §1, §3, §4) in plain NumPy/SciPy.

Written for clarity; the vectorised versions are also the benchmark baseline.

Numerics of the matting affinity: the SPEC's entry
``(1 + (I_i − μ)ᵀ (Σ + ε/9·Id)⁻¹ (I_j − μ)) / 9`` is evaluated through a
Cholesky factor ``Σ + ε/9·Id = C Cᵀ`` as ``(1 + z_i·z_j) / 9`` with
``z = C⁻¹ (I − μ)``, and Σ from centred colours. Windows that straddle a
sharp edge have a nearly rank-one Σ; an explicit inverse (adjugate or LU)
then loses up to 1e-2 (adjugate) or 1e-9 (LU) relative, the Cholesky route
about 1e-12.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import erf

__all__ = [
    "region_means",
    "make_region_graph",
    "matting_affinity",
    "matting_affinity_loops",
    "color_pairs",
    "color_affinity",
    "semantic_affinity",
]


# --------------------------------------------------------------------------- helpers
def region_means(labels: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per-region mean of ``values`` (H×W×C) over ``labels`` (H×W, 0..S-1): (S, C)."""
    lab = np.asarray(labels).ravel()
    v = np.asarray(values, dtype=np.float64).reshape(lab.size, -1)
    s = int(lab.max()) + 1
    counts = np.bincount(lab, minlength=s).astype(np.float64)
    sums = np.stack([np.bincount(lab, weights=v[:, c], minlength=s) for c in range(v.shape[1])], 1)
    return sums / counts[:, None]


def make_region_graph(labels: np.ndarray):
    """A RegionGraph from a labelling (connected or not; affinities do not care).

    centroids: pixel of the rounded (half up) mean row/col of each region;
    neighbours: 8-connected touching pairs (s < t), sorted, unique.
    """
    from sss_fast.stages.superpixels import RegionGraph

    labels = np.ascontiguousarray(labels, dtype=np.int32)
    h, w = labels.shape
    s = int(labels.max()) + 1
    yy, xx = np.mgrid[0:h, 0:w]
    counts = np.bincount(labels.ravel(), minlength=s)
    my = np.bincount(labels.ravel(), weights=yy.ravel(), minlength=s) / counts
    mx = np.bincount(labels.ravel(), weights=xx.ravel(), minlength=s) / counts
    cy = np.minimum(np.floor(my + 0.5), h - 1).astype(np.int64)
    cx = np.minimum(np.floor(mx + 0.5), w - 1).astype(np.int64)
    pairs = []
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
        a = labels[: h - dy, max(0, -dx): w - max(0, dx)]
        b = labels[dy:, max(0, dx): w + min(0, dx)]
        m = a != b
        pairs.append(np.stack([np.minimum(a[m], b[m]), np.maximum(a[m], b[m])], 1))
    nb = np.unique(np.concatenate(pairs).astype(np.int64), axis=0).reshape(-1, 2)
    return RegionGraph(labels=labels, n_regions=s, centroids=cy * w + cx, neighbours=nb)


# --------------------------------------------------------------------------- matting (§1)
def _window_values(win: np.ndarray, eps: float) -> np.ndarray:
    """(..., 9, 3) window colours -> (..., 9, 9) affinity contributions."""
    mu = win.mean(axis=-2, keepdims=True)
    d = win - mu
    cov = np.einsum("...ia,...ib->...ab", d, d) / 9.0
    a = cov + (eps / 9.0) * np.eye(3)
    c = np.linalg.cholesky(a)
    # z = C^-1 d by forward substitution (C lower triangular, 3x3).
    z = np.empty_like(d)
    z[..., 0] = d[..., 0] / c[..., None, 0, 0]
    z[..., 1] = (d[..., 1] - c[..., None, 1, 0] * z[..., 0]) / c[..., None, 1, 1]
    z[..., 2] = (d[..., 2] - c[..., None, 2, 0] * z[..., 0]
                 - c[..., None, 2, 1] * z[..., 1]) / c[..., None, 2, 2]
    return (1.0 + np.einsum("...ic,...jc->...ij", z, z)) / 9.0


def matting_affinity_loops(image: np.ndarray, eps: float = 1e-7) -> sp.csr_matrix:
    """W_L by an explicit loop over windows (small images only)."""
    img = np.asarray(image, dtype=np.float64)
    h, w, _ = img.shape
    n = h * w
    acc = {}
    for cy in range(1, h - 1):
        for cx in range(1, w - 1):
            idx = [(cy + a) * w + (cx + b) for a in (-1, 0, 1) for b in (-1, 0, 1)]
            win = img.reshape(n, 3)[idx]
            vals = _window_values(win, eps)
            for li, i in enumerate(idx):
                for lj, j in enumerate(idx):
                    acc[(i, j)] = acc.get((i, j), 0.0) + vals[li, lj]
    rows, cols = zip(*acc.keys())
    return sp.csr_matrix((list(acc.values()), (rows, cols)), shape=(n, n))


def matting_affinity(image: np.ndarray, eps: float = 1e-7, chunk_rows: int = 64) -> sp.csr_matrix:
    """W_L, vectorised over windows (chunks of window rows bound the memory)."""
    img = np.asarray(image, dtype=np.float64)
    h, w, _ = img.shape
    n = h * w
    # stencil[dy+2, dx+2, y, x] = W_L[(y, x), (y+dy, x+dx)]
    stencil = np.zeros((5, 5, h, w))
    for y0 in range(1, h - 1, chunk_rows):
        y1 = min(h - 1, y0 + chunk_rows)  # window centres y0..y1-1
        # windows[cy, cx, l, c] for l = 3a + b the pixel (cy-1+a, cx-1+b)
        wins = np.stack([img[y0 - 1 + a: y1 - 1 + a, b: w - 2 + b]
                         for a in range(3) for b in range(3)], axis=2)
        vals = _window_values(wins, eps)  # (ny, nx, 9, 9)
        ny, nx = vals.shape[:2]
        for li in range(9):
            ai, bi = divmod(li, 3)
            for lj in range(9):
                aj, bj = divmod(lj, 3)
                stencil[aj - ai + 2, bj - bi + 2,
                        y0 - 1 + ai: y0 - 1 + ai + ny, bi: bi + nx] += vals[:, :, li, lj]
    yy, xx = np.mgrid[0:h, 0:w]
    rows, cols, data = [], [], []
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            ok = (yy + dy >= 0) & (yy + dy < h) & (xx + dx >= 0) & (xx + dx < w)
            rows.append((yy * w + xx)[ok])
            cols.append(((yy + dy) * w + xx + dx)[ok])
            data.append(stencil[dy + 2, dx + 2][ok])
    m = sp.coo_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(n, n))
    return m.tocsr()


# --------------------------------------------------------------------------- colour (§3)
def color_pairs(graph, radius: float):
    """(s, t) index arrays, s < t, of centroids within ``radius`` (normalised coordinates).

    sqrt((dy/H)² + (dx/W)²) <= r is evaluated exactly as the integer inequality
    (dy·W)² + (dx·H)² <= r²·H²·W² (rounded once), as the native code does.
    """
    h, w = graph.labels.shape
    c = np.asarray(graph.centroids, dtype=np.int64)
    y, x = c // w, c % w
    s, t = np.triu_indices(c.size, k=1)
    dy, dx = y[t] - y[s], x[t] - x[s]
    lhs = (dy * dy * (w * w) + dx * dx * (h * h)).astype(np.float64)
    thr = radius * radius * float(h * h) * float(w * w)
    keep = lhs <= thr
    return s[keep], t[keep]


def _place(graph, s, t, v) -> sp.csr_matrix:
    n = graph.labels.size
    c = np.asarray(graph.centroids, dtype=np.int64)
    rows = np.concatenate([c[s], c[t]])
    cols = np.concatenate([c[t], c[s]])
    m = sp.coo_matrix((np.concatenate([v, v]), (rows, cols)), shape=(n, n)).tocsr()
    m.sum_duplicates()
    return m


def color_affinity(graph, color_means, a=50.0, b=0.95, radius=0.2) -> sp.csr_matrix:
    """W_C (N×N): (erf(a(1 − ‖m_s − m_t‖ − b)) + 1)/2 at (c_s, c_t) and (c_t, c_s)."""
    m = np.asarray(color_means, dtype=np.float64)
    s, t = color_pairs(graph, radius)
    dist = np.sqrt(((m[s] - m[t]) ** 2).sum(axis=1))
    return _place(graph, s, t, (erf(a * (1.0 - dist - b)) + 1.0) / 2.0)


# --------------------------------------------------------------------------- semantic (§4)
def semantic_affinity(graph, feature_means, a=20.0, b=0.85) -> sp.csr_matrix:
    """W_S (N×N): erf(a(1 − ‖g_s − g_t‖ − b)) for neighbouring superpixels."""
    g = np.asarray(feature_means, dtype=np.float64)
    nb = np.asarray(graph.neighbours, dtype=np.int64).reshape(-1, 2)
    s, t = nb[:, 0], nb[:, 1]
    dist = np.sqrt(((g[s] - g[t]) ** 2).sum(axis=1))
    return _place(graph, s, t, erf(a * (1.0 - dist - b)))
