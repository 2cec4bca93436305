"""Feature reduction (SPEC §10), NumPy + the native kernels; no torch."""

from __future__ import annotations

import numpy as np

from ..edge import validate
from .._native import core
from ..edge.params import Params

_DEFAULTS = core.GuidedFilterOptions()

__all__ = ["reduce", "guided_filter"]


def guided_filter(guide, src, *, window: int = _DEFAULTS.window,
                  eps: float = _DEFAULTS.eps) -> np.ndarray:
    """Colour-guided filter (He et al. 2013) of every channel of ``src``.

    Parameters
    ----------
    guide : (H, W, 3) array
        The guide image (uint8/uint16 or float in [0, 1]).
    src : (H, W) or (H, W, D) array
        Channels to filter, any finite values.
    window : int, keyword-only
        Side k of the square window; the window of (y, x) covers offsets
        -(k-1)//2 .. k//2 (for k = 10: -4 .. +5), clipped at the borders, and
        means divide by the pixels inside. Default 10 (SPEC §10).
    eps : float, keyword-only
        Regulariser ε added to the guide's window covariance. Default 0.01.

    Returns
    -------
    (H, W, D) float64
    """
    g = validate.as_image(guide, "guide", min_size=1)
    s = validate.as_features(src, g.shape, "src")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive int, got {window!r}")
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps!r}")
    return core.guided_filter(g, s, core.GuidedFilterOptions(window=int(window), eps=float(eps)))


def _pca3(x: np.ndarray) -> np.ndarray:
    """Scores of the rows of x (N×D) on its top-3 principal components.

    Each component is signed so that its largest-magnitude entry is positive
    (deterministic output). With D < 3 the missing components are zeros.
    """
    n, d = x.shape
    mean, cov = core.feature_moments(x)
    vals, vecs = np.linalg.eigh(cov)
    k = min(3, d)
    v = np.ascontiguousarray(vecs[:, ::-1][:, :k])
    flip = v[np.argmax(np.abs(v), axis=0), np.arange(k)] < 0
    v[:, flip] *= -1.0
    scores = np.zeros((n, 3))
    scores[:, :k] = x @ v - mean @ v
    return scores


def reduce(raw, image, *, params: Params | None = None) -> np.ndarray:
    """Reduce raw per-pixel features to 3 channels in [0, 1] (SPEC §10).

    Steps: clamp to ±``params.feature_clamp``; colour-guided filter of every
    channel with the image as guide (window ``params.guided_window``,
    ε ``params.guided_eps``; channel grouping does not matter for a colour
    guide, each channel is filtered on its own); PCA to the top 3 components;
    per channel min–max normalisation to [0, 1] (a channel whose range is below
    1e-9 of the feature scale, i.e. constant up to rounding, becomes 0).
    Features that arrive with exactly 3 channels are taken as already reduced
    and returned unchanged (as float64).

    Parameters
    ----------
    raw : (H, W, D) array
        Raw features, e.g. from :func:`sss_fast.features.extract`.
    image : (H, W, 3) array
        The image (uint8/uint16, or float in [0, 1]), used as the guide.
    params : Params, optional
        Defaults to ``Params()``.

    Returns
    -------
    (H, W, 3) float64 in [0, 1]
    """
    params = Params() if params is None else params
    img = validate.as_image(image, "image", min_size=1)
    f = validate.as_features(raw, img.shape, "raw")
    h, w, d = f.shape
    if d == 3:
        return f
    f = np.clip(f, -params.feature_clamp, params.feature_clamp)
    f = core.guided_filter(img, np.ascontiguousarray(f), core.GuidedFilterOptions(
        window=int(params.guided_window), eps=float(params.guided_eps)))
    out = _pca3(f.reshape(h * w, d)).reshape(h, w, 3)
    lo = out.min(axis=(0, 1))
    span = out.max(axis=(0, 1)) - lo
    # A component whose range is at rounding level (constant features) is 0.
    flat = span <= 1e-9 * max(1.0, float(np.abs(f).max()))
    out = (out - lo) / np.where(flat, 1.0, span)
    out[:, :, flat] = 0.0
    return np.clip(out, 0.0, 1.0, out=out)
