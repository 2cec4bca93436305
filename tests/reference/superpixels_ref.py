"""Reference superpixels (SPEC §2): SLICO and the region graph in plain NumPy.

Written step by step after the description in ``cpp/superpixels/slic.hpp``
(same initialisation, same assignment rule and tie-breaking, same update and
connectivity step), for clarity rather than speed. Floating-point expressions
are evaluated in the same order as the native code, so given the same CIELAB
input the two produce identical label maps; from RGB, the only source of
difference is the last bit of ``pow``/``cbrt`` (NumPy's versus the C library's).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# sRGB (D65) -> XYZ and the D65 white point.
_M = np.array([[0.4124564, 0.3575761, 0.1804375],
               [0.2126729, 0.7151522, 0.0721750],
               [0.0193339, 0.1191920, 0.9503041]])
_WHITE = (0.95047, 1.0, 1.08883)


def rgb_to_lab(image):
    """sRGB in [0, 1] (H×W×3) -> CIELAB (H×W×3)."""
    c = np.asarray(image, dtype=np.float64)
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = lin[..., 0], lin[..., 1], lin[..., 2]
    xyz = [(_M[i, 0] * r + _M[i, 1] * g + _M[i, 2] * b) / _WHITE[i] for i in range(3)]

    def f(t):
        return np.where(t > 216 / 24389, np.cbrt(t), (24389 / 27 * t + 16) / 116)

    fx, fy, fz = (f(t) for t in xyz)
    return np.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], axis=-1)


def slic_grid(h, w, n_segments):
    """Step S and grid size (ny, nx)."""
    step = math.sqrt(h * w / n_segments)
    nx = min(max(int(math.floor(w / step + 0.5)), 1), w)
    ny = min(max(int(math.floor(h / step + 0.5)), 1), h)
    return step, ny, nx


def _gradient(lab):
    """|lab(y,x+1) - lab(y,x-1)|² + |lab(y+1,x) - lab(y-1,x)|², edges replicated."""
    h, w = lab.shape[:2]
    xm = lab[:, np.maximum(np.arange(w) - 1, 0)]
    xp = lab[:, np.minimum(np.arange(w) + 1, w - 1)]
    ym = lab[np.maximum(np.arange(h) - 1, 0)]
    yp = lab[np.minimum(np.arange(h) + 1, h - 1)]
    dx, dy = xp - xm, yp - ym
    gx = dx[..., 0] * dx[..., 0] + dx[..., 1] * dx[..., 1] + dx[..., 2] * dx[..., 2]
    gy = dy[..., 0] * dy[..., 0] + dy[..., 1] * dy[..., 1] + dy[..., 2] * dy[..., 2]
    return gx + gy


def slico_assign(image, n_segments, iterations, lab=None):
    """SLICO clustering without the connectivity step -> (labels int32, K)."""
    h, w = image.shape[:2]
    if lab is None:
        lab = rgb_to_lab(image)
    step, ny, nx = slic_grid(h, w, n_segments)
    k_total = ny * nx
    inv_s2 = 1.0 / (step * step)
    yy, xx = np.mgrid[0:h, 0:w]
    labels = (yy * ny // h) * nx + xx * nx // w

    # Grid centres moved to the lowest gradient in their 3×3 neighbourhood.
    grad = _gradient(lab)
    centres = np.zeros((k_total, 5))
    for j in range(ny):
        for i in range(nx):
            y0, x0 = (2 * j + 1) * h // (2 * ny), (2 * i + 1) * w // (2 * nx)
            by, bx, best = y0, x0, grad[y0, x0]
            for y in range(max(y0 - 1, 0), min(y0 + 1, h - 1) + 1):
                for x in range(max(x0 - 1, 0), min(x0 + 1, w - 1) + 1):
                    if grad[y, x] < best:
                        by, bx, best = y, x, grad[y, x]
            centres[j * nx + i] = [*lab[by, bx], by, bx]

    weight = np.full(k_total, 1.0 / 100.0)  # 1 / m_k, m = 10 before the first round
    flat_y = yy.ravel().astype(np.float64)
    flat_x = xx.ravel().astype(np.float64)
    for _ in range(iterations):
        dist = np.full((h, w), np.inf)
        dcol = np.zeros((h, w))
        for k in range(k_total):
            cl, ca, cb, cy, cx = centres[k]
            y0, y1 = max(0, math.ceil(cy - step)), min(h - 1, math.floor(cy + step))
            x0, x1 = max(0, math.ceil(cx - step)), min(w - 1, math.floor(cx + step))
            if y0 > y1 or x0 > x1:
                continue
            win = (slice(y0, y1 + 1), slice(x0, x1 + 1))
            sub = lab[win]
            dc2 = (sub[..., 0] - cl) ** 2 + (sub[..., 1] - ca) ** 2 + (sub[..., 2] - cb) ** 2
            dy = np.arange(y0, y1 + 1, dtype=np.float64) - cy
            dx = np.arange(x0, x1 + 1, dtype=np.float64) - cx
            ds2 = (dy * dy)[:, None] + (dx * dx)[None, :]
            d = dc2 * weight[k] + ds2 * inv_s2
            better = d < dist[win]  # strict: ties stay with the lower k
            dist[win][better] = d[better]
            labels[win][better] = k
            dcol[win][better] = dc2[better]
        flat = labels.ravel()
        # Adaptive compactness: largest colour distance among this round's members.
        maxd = np.zeros(k_total)
        np.maximum.at(maxd, flat, dcol.ravel())
        weight = 1.0 / np.maximum(1.0, maxd)
        # Update: means in pixel order (bincount sums sequentially).
        count = np.bincount(flat, minlength=k_total)
        has = count > 0
        channels = [lab[..., 0].ravel(), lab[..., 1].ravel(), lab[..., 2].ravel(), flat_y, flat_x]
        for d, ch in enumerate(channels):
            sums = np.bincount(flat, weights=ch, minlength=k_total)
            centres[has, d] = sums[has] / count[has]
    return labels.astype(np.int32), k_total


def connected_components_8(labels):
    """Components of equal label (8-connectivity), numbered in raster order of
    their first pixel -> (component per pixel (H, W), first pixel, size)."""
    h, w = labels.shape
    idx = np.arange(h * w).reshape(h, w)
    rows, cols = [], []
    for a, b in [
        ((slice(None), slice(0, w - 1)), (slice(None), slice(1, w))),  # right
        ((slice(0, h - 1), slice(None)), (slice(1, h), slice(None))),  # down
        ((slice(0, h - 1), slice(0, w - 1)), (slice(1, h), slice(1, w))),  # down-right
        ((slice(0, h - 1), slice(1, w)), (slice(1, h), slice(0, w - 1))),  # down-left
    ]:
        same = labels[a] == labels[b]
        rows.append(idx[a][same])
        cols.append(idx[b][same])
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(rows.size), (rows, cols)), shape=(h * w, h * w))
    nc, comp = connected_components(graph, directed=False)
    first = np.full(nc, h * w)
    np.minimum.at(first, comp, np.arange(h * w))
    order = np.argsort(first)
    rank = np.empty(nc, dtype=np.int64)
    rank[order] = np.arange(nc)
    comp = rank[comp]
    return comp.reshape(h, w), first[order], np.bincount(comp, minlength=nc)


def enforce_connectivity(labels, n_clusters):
    """Merge components smaller than N / (4 K) into the region of the pixel left
    of (or, at a row start, above) their first pixel -> (labels int32, n)."""
    h, w = labels.shape
    n = h * w
    comp, first, size = connected_components_8(labels)
    final = np.empty(len(first), dtype=np.int64)
    nxt = 0
    for c, p in enumerate(first):
        if size[c] * 4 * n_clusters >= n or p == 0:
            final[c] = nxt
            nxt += 1
        else:
            q = p - 1 if p % w > 0 else p - w
            final[c] = final[comp.flat[q]]
    return final[comp].astype(np.int32), nxt


def slico(image, n_segments=2500, iterations=10, lab=None):
    """Reference SLICO superpixels -> labels (H, W) int32."""
    raw, k_total = slico_assign(image, n_segments, iterations, lab=lab)
    return enforce_connectivity(raw, k_total)[0]


def region_graph(labels):
    """(n_regions, centroids, neighbours) of a consecutive label map."""
    labels = np.asarray(labels)
    h, w = labels.shape
    n = int(labels.max()) + 1
    yy, xx = np.mgrid[0:h, 0:w]
    count = np.zeros(n, dtype=np.int64)
    sy = np.zeros(n, dtype=np.int64)
    sx = np.zeros(n, dtype=np.int64)
    np.add.at(count, labels.ravel(), 1)
    np.add.at(sy, labels.ravel(), yy.ravel())
    np.add.at(sx, labels.ravel(), xx.ravel())
    # round(sum / count) half away from zero, exactly: floor((2 sum + count) / (2 count))
    cy = (2 * sy + count) // (2 * count)
    cx = (2 * sx + count) // (2 * count)
    centroids = cy * w + cx
    pairs = []
    for a, b in [
        (labels[:, :-1], labels[:, 1:]),
        (labels[:-1, :], labels[1:, :]),
        (labels[:-1, :-1], labels[1:, 1:]),
        (labels[:-1, 1:], labels[1:, :-1]),
    ]:
        a, b = a.ravel(), b.ravel()
        diff = a != b
        pairs.append(np.stack([np.minimum(a, b)[diff], np.maximum(a, b)[diff]], axis=1))
    pairs = np.concatenate(pairs).astype(np.int64)
    neighbours = np.unique(pairs, axis=0) if len(pairs) else np.zeros((0, 2), dtype=np.int64)
    return n, centroids, neighbours


def region_means(labels, values, n_regions):
    """(n_regions, C) mean of values over each region."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 2:
        values = values[..., None]
    flat = np.asarray(labels).ravel()
    count = np.bincount(flat, minlength=n_regions)
    return np.stack([np.bincount(flat, weights=values[..., c].ravel(), minlength=n_regions) / count
                     for c in range(values.shape[2])], axis=1)
