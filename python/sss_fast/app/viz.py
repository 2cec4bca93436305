"""Pictures of soft layers (NumPy only; nothing here needs Pillow).

* :func:`palette` — every layer in its own colour, alpha-blended;
* :func:`contact_sheet` — input | features | each layer | palette, side by side;
* :func:`composite` — chosen layers (with their colours) over a new background.
"""

from __future__ import annotations

import colorsys
from typing import Optional, Sequence

import numpy as np

from ..edge.validate import as_layers, as_unit

__all__ = ["palette", "contact_sheet", "composite", "layer_palette"]

# Distinct, colour-blind-friendly first colours (Okabe–Ito), then golden-ratio hues.
_BASE_COLORS = np.array([
    [230, 159, 0], [86, 180, 233], [0, 158, 115], [240, 228, 66], [0, 114, 178],
    [213, 94, 0], [204, 121, 167], [120, 120, 120],
], dtype=np.float64) / 255.0


def layer_palette(k: int) -> np.ndarray:
    """``k`` distinct RGB colours as a (k, 3) float64 array in [0, 1]."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"k must be a non-negative int, got {k!r}")
    cols = list(_BASE_COLORS[:k])
    h = 0.11
    while len(cols) < k:
        h = (h + 0.618033988749895) % 1.0
        cols.append(colorsys.hsv_to_rgb(h, 0.75, 0.9))
    return np.array(cols, dtype=np.float64).reshape(k, 3)


def _rgb(x, name, shape) -> np.ndarray:
    a = as_unit(x, name, clip=True)
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise ValueError(f"{name} must have shape (H, W, 3), got {a.shape}")
    if tuple(a.shape[:2]) != tuple(shape):
        raise ValueError(f"{name} is {a.shape[0]}×{a.shape[1]} but the layers are "
                         f"{shape[0]}×{shape[1]}")
    return a[:, :, :3]


def _u8(x) -> np.ndarray:
    return np.clip(np.rint(x * 255.0), 0, 255).astype(np.uint8)


def palette(layers, colors=None) -> np.ndarray:
    """Visualise soft layers: each layer a flat colour, blended by its alpha.

    Parameters
    ----------
    layers : (K, H, W) float array in [0, 1], or a SegmentResult
    colors : (K, 3) array, optional
        One RGB colour per layer (uint8, or float in [0, 1]); default
        :func:`layer_palette` (K distinct colours).

    Returns
    -------
    (H, W, 3) uint8
        ``Σ_i α_i c_i`` (black where the layers sum to less than one).
    """
    a = as_layers(layers)
    k = a.shape[0]
    c = layer_palette(k) if colors is None else as_unit(colors, "colors", clip=True)
    if c.shape != (k, 3):
        raise ValueError(f"colors must have shape ({k}, 3) (one RGB colour per layer), "
                         f"got {c.shape}")
    return _u8(np.einsum("khw,kc->hwc", a, c))


def composite(layers, colors, background, keep: Optional[Sequence[int]] = None) -> np.ndarray:
    """Put chosen layers, with their own colours, over a new background.

    ``out = Σ_{i∈keep} α_i F_i + (1 − Σ_{i∈keep} α_i) B``: the kept layers
    keep exactly what they contributed to the image (soft edges included),
    the background shows through where the dropped layers were.

    Parameters
    ----------
    layers : (K, H, W) float array in [0, 1], or a SegmentResult
    colors : (K, H, W, 3) array
        Layer colours from :func:`sss_fast.layer_colors` (float in [0, 1] or uint8).
    background : (H, W, 3) array or an RGB triple
        uint8, uint16, or float in [0, 1].
    keep : sequence of int, optional
        Indices of the layers to keep (default: all). Negative indices count
        from the end.

    Returns
    -------
    (H, W, 3) float64 in [0, 1]
    """
    a = as_layers(layers)
    k, h, w = a.shape
    f = as_unit(colors, "colors", clip=True)
    if f.shape != (k, h, w, 3):
        raise ValueError(f"colors must have shape ({k}, {h}, {w}, 3), got {f.shape}")
    b = np.asarray(background)
    if b.ndim == 1:
        if b.shape != (3,):
            raise ValueError(f"background colour must be an RGB triple, got shape {b.shape}")
        bg = np.broadcast_to(as_unit(b, "background", clip=True), (h, w, 3))
    else:
        bg = _rgb(b, "background", (h, w))
    if keep is None:
        idx = list(range(k))
    else:
        idx = []
        for i in keep:
            if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not -k <= i < k:
                raise ValueError(f"keep must hold layer indices in [-{k}, {k}), got {i!r}")
            idx.append(int(i) % k)
        idx = sorted(set(idx))
    if idx:
        ak = a[idx]
        fg = np.einsum("khw,khwc->hwc", ak, f[idx])
        cover = np.clip(ak.sum(axis=0), 0.0, 1.0)
    else:
        fg = np.zeros((h, w, 3))
        cover = np.zeros((h, w))
    return np.clip(fg + (1.0 - cover)[:, :, None] * bg, 0.0, 1.0)


def contact_sheet(image, features, layers, *, colors=None, gap: int = 4) -> np.ndarray:
    """One picture of a segmentation: input | features | each layer | palette.

    Parameters
    ----------
    image : (H, W, 3) array
        uint8, uint16, or float in [0, 1].
    features : (H, W, D) array or None
        Shown as RGB: three channels in [0, 1] as they are (the reduced
        features); other D or ranges are min–max normalised (first three
        channels). None leaves the panel out.
    layers : (K, H, W) float array in [0, 1], or a SegmentResult
        Each shown as its alpha in grey, or, when ``colors`` is given, as its
        colours over a checkerboard.
    colors : (K, H, W, 3) array, optional, keyword-only
        Layer colours from :func:`sss_fast.layer_colors`.
    gap : int, keyword-only
        White pixels between panels (default 4).

    Returns
    -------
    (H, W·P + gap·(P−1), 3) uint8
        The P panels in one row.
    """
    a = as_layers(layers)
    k, h, w = a.shape
    if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or gap < 0:
        raise ValueError(f"gap must be a non-negative int, got {gap!r}")
    panels = [_rgb(image, "image", (h, w))]
    if features is not None:
        f = np.asarray(features)
        if f.ndim == 2:
            f = f[:, :, None]
        if f.ndim != 3 or tuple(f.shape[:2]) != (h, w):
            raise ValueError(f"features must have shape ({h}, {w}, D), got {f.shape}")
        f = f.astype(np.float64) if f.dtype.kind == "f" else as_unit(f, "features", clip=True)
        if not np.isfinite(f).all():
            raise ValueError("features contains NaN or inf")
        if f.shape[2] >= 3:
            f = f[:, :, :3]
        else:
            f = np.concatenate([f, np.repeat(f[:, :, -1:], 3 - f.shape[2], axis=2)], axis=2)
        lo, hi = f.min(axis=(0, 1)), f.max(axis=(0, 1))
        if f.min() < 0.0 or f.max() > 1.0 or np.asarray(features).shape[-1] != 3:
            f = (f - lo) / np.where(hi > lo, hi - lo, 1.0)
        panels.append(f)
    if colors is not None:
        col = as_unit(colors, "colors", clip=True)
        if col.shape != (k, h, w, 3):
            raise ValueError(f"colors must have shape ({k}, {h}, {w}, 3), got {col.shape}")
        yy, xx = np.mgrid[0:h, 0:w]
        checker = np.where(((yy // 8 + xx // 8) % 2)[:, :, None] == 0, 0.8, 0.6)
        for i in range(k):
            panels.append(a[i, :, :, None] * col[i] + (1.0 - a[i, :, :, None]) * checker)
    else:
        for i in range(k):
            panels.append(np.repeat(a[i, :, :, None], 3, axis=2))
    panels.append(palette(a) / 255.0)
    sep = np.ones((h, gap, 3))
    row = []
    for j, p in enumerate(panels):
        if j:
            row.append(sep)
        row.append(p)
    return _u8(np.concatenate(row, axis=1))
