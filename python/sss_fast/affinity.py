"""Affinities (SPEC §1, §3, §4): matting, nonlocal colour and semantic.

All three come back as (N, N) ``scipy.sparse.csr_matrix`` (N = H·W, pixel
``p = y·W + x``) with sorted column indices, float64 values and int32
indices (int64 only when there are 2^31 or more nonzeros), built natively and
handed over without copying.

Superpixel affinities live at the centroid pixels: the weight of a pair (s, t)
sits at (c_s, c_t) and (c_t, c_s); entries that fall on the same pixel pair add
up (and a pair whose two centroids coincide adds 2·w on the diagonal). Pairs
whose weight is exactly 0 (saturated erf) are not stored.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _validate
from ._native import core
from .params import Params

__all__ = ["matting_affinity", "color_affinity", "semantic_affinity"]

_DEFAULTS = Params()


def _finite_scalar(value, name: str, *, positive: bool = False, nonnegative: bool = False) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v!r}")
    if positive and not v > 0:
        raise ValueError(f"{name} must be > 0, got {v!r}")
    if nonnegative and v < 0:
        raise ValueError(f"{name} must be >= 0, got {v!r}")
    return v


def _int_array(a, name: str, ndim: int) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype.kind not in "iu" or a.dtype == np.bool_:
        raise TypeError(f"{name} must be an integer array, got dtype {a.dtype}")
    if a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {a.shape}")
    return np.ascontiguousarray(a, dtype=np.int64)


def _check_graph(graph, name: str = "graph", shape=None):
    """(H, W, centroids int64 (S,), neighbours int64 (P, 2)) of a RegionGraph-like object."""
    for attr in ("labels", "n_regions", "centroids", "neighbours"):
        if not hasattr(graph, attr):
            raise TypeError(
                f"{name} must be a sss_fast.superpixels.RegionGraph (missing .{attr}); "
                f"build it with sss_fast.superpixels"
            )
    labels = np.asarray(graph.labels)
    if labels.ndim != 2:
        raise ValueError(f"{name}.labels must be 2-D (H, W), got shape {labels.shape}")
    h, w = labels.shape
    if shape is not None and (h, w) != tuple(shape[:2]):
        raise ValueError(
            f"{name} was built for a {h}×{w} image but the image is {shape[0]}×{shape[1]}; "
            f"compute the superpixels of this image"
        )
    s = graph.n_regions
    if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral) or s < 1:
        raise ValueError(f"{name}.n_regions must be a positive integer, got {s!r}")
    s = int(s)
    centroids = _int_array(graph.centroids, f"{name}.centroids", 1)
    if centroids.shape[0] != s:
        raise ValueError(f"{name}.centroids must have n_regions = {s} entries, got {centroids.shape[0]}")
    if centroids.size and (centroids.min() < 0 or centroids.max() >= h * w):
        raise ValueError(f"{name}.centroids must be pixel indices in [0, H·W) = [0, {h * w})")
    nb = np.asarray(graph.neighbours)
    if nb.size == 0:
        nb = nb.reshape(0, 2)
    nb = _int_array(nb, f"{name}.neighbours", 2)
    if nb.shape[1] != 2:
        raise ValueError(f"{name}.neighbours must have shape (P, 2), got {nb.shape}")
    if nb.size and (nb.min() < 0 or nb.max() >= s):
        raise ValueError(f"{name}.neighbours must hold region indices in [0, {s})")
    if nb.size and np.any(nb[:, 0] == nb[:, 1]):
        raise ValueError(f"{name}.neighbours must pair distinct regions")
    return h, w, centroids, nb


def _means(a, name: str, n_regions: int, dims=None) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype.kind not in "fiu" or a.dtype == np.bool_:
        raise TypeError(f"{name} must be a real array, got dtype {a.dtype}")
    want = f"({n_regions}, {dims})" if dims else f"({n_regions}, D)"
    if a.ndim != 2 or a.shape[0] != n_regions or (dims is not None and a.shape[1] != dims) \
            or a.shape[1] < 1:
        raise ValueError(f"{name} must have shape {want} (one row per region), got {a.shape}")
    a = np.ascontiguousarray(a, dtype=np.float64)
    if not np.isfinite(a).all():
        raise ValueError(f"{name} contains NaN or inf")
    return a


def _canonical(m):
    """Marks a native CSR result as canonical (sorted, no duplicates) for scipy."""
    m.has_canonical_format = True
    return m


def matting_affinity(image, eps: float = _DEFAULTS.matting_eps):
    """Matting affinity W_L of Levin et al. (SPEC §1).

    Parameters
    ----------
    image : (H, W, 3) or (H, W) array
        uint8/uint16, or float in [0, 1]; H, W >= 3.
    eps : float
        Regulariser ε of the local colour model, > 0. Default 1e-7.

    Returns
    -------
    scipy.sparse.csr_matrix
        (N, N) symmetric, 25-point stencil; row i sums to the number of 3×3
        windows containing pixel i.
    """
    img = _validate.as_image(image, min_size=3)
    eps = _finite_scalar(eps, "eps", positive=True)
    return _canonical(core.matting_affinity(img, eps))


def color_affinity(graph, color_means, *, a: float = _DEFAULTS.color_a,
                   b: float = _DEFAULTS.color_b, radius: float = _DEFAULTS.color_radius):
    """Nonlocal colour affinity W_C (SPEC §3).

    Parameters
    ----------
    graph : sss_fast.superpixels.RegionGraph
        Superpixels of an H×W image.
    color_means : (S, 3) array
        Mean RGB colour of each superpixel (finite).
    a, b : float
        erf steepness and offset: w = (erf(a (1 − ‖m_s − m_t‖ − b)) + 1) / 2.
    radius : float
        Pairs whose centroids are farther apart than this in normalised
        coordinates (row/H, col/W) are not connected. >= 0.

    Returns
    -------
    scipy.sparse.csr_matrix
        (N, N), symmetric, values in [0, 1].
    """
    h, w, centroids, _ = _check_graph(graph)
    means = _means(color_means, "color_means", centroids.shape[0], 3)
    a = _finite_scalar(a, "a")
    b = _finite_scalar(b, "b")
    radius = _finite_scalar(radius, "radius", nonnegative=True)
    return _canonical(core.color_affinity(centroids, means, h, w, a, b, radius))


def semantic_affinity(graph, feature_means, *, a: float = _DEFAULTS.semantic_a,
                      b: float = _DEFAULTS.semantic_b):
    """Semantic affinity W_S between neighbouring superpixels (SPEC §4).

    Parameters
    ----------
    graph : sss_fast.superpixels.RegionGraph
        Superpixels and their adjacency.
    feature_means : (S, D) array
        Mean feature vector of each superpixel (finite).
    a, b : float
        w = erf(a (1 − ‖g_s − g_t‖ − b)).

    Returns
    -------
    scipy.sparse.csr_matrix
        (N, N), symmetric, values in [−1, 1].
    """
    h, w, centroids, nb = _check_graph(graph)
    means = _means(feature_means, "feature_means", centroids.shape[0])
    a = _finite_scalar(a, "a")
    b = _finite_scalar(b, "b")
    return _canonical(core.semantic_affinity(centroids, nb, means, h * w, a, b))
