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

from .._native import core
from ..edge import validate

__all__ = ["matting_affinity", "color_affinity", "semantic_affinity", "options", "canonical"]

_DEFAULTS = core.LaplacianOptions()


def options(params) -> "core.LaplacianOptions":
    """The native options of the affinities and the Laplacian, from :class:`sss_fast.Params`."""
    return core.LaplacianOptions(
        matting_eps=params.matting_eps, color_a=params.color_a, color_b=params.color_b,
        color_radius=params.color_radius, semantic_a=params.semantic_a,
        semantic_b=params.semantic_b, sigma_semantic=params.sigma_semantic,
        sigma_color=params.sigma_color)


def canonical(m):
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
    img = validate.as_image(image, min_size=3)
    eps = validate.finite_scalar(eps, "eps", positive=True)
    return canonical(core.matting_affinity(img, core.LaplacianOptions(matting_eps=eps)))


def color_affinity(graph, color_means, *, a: float = _DEFAULTS.color_a,
                   b: float = _DEFAULTS.color_b, radius: float = _DEFAULTS.color_radius):
    """Nonlocal colour affinity W_C (SPEC §3).

    Parameters
    ----------
    graph : sss_fast.stages.superpixels.RegionGraph
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
    h, w, centroids, _ = validate.as_region_graph(graph)
    means = validate.as_region_means(color_means, "color_means", centroids.shape[0], 3)
    opt = core.LaplacianOptions(color_a=validate.finite_scalar(a, "a"),
                                color_b=validate.finite_scalar(b, "b"),
                                color_radius=validate.finite_scalar(radius, "radius",
                                                                    nonnegative=True))
    return canonical(core.color_affinity(centroids, means, h, w, opt))


def semantic_affinity(graph, feature_means, *, a: float = _DEFAULTS.semantic_a,
                      b: float = _DEFAULTS.semantic_b):
    """Semantic affinity W_S between neighbouring superpixels (SPEC §4).

    Parameters
    ----------
    graph : sss_fast.stages.superpixels.RegionGraph
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
    h, w, centroids, nb = validate.as_region_graph(graph)
    means = validate.as_region_means(feature_means, "feature_means", centroids.shape[0])
    opt = core.LaplacianOptions(semantic_a=validate.finite_scalar(a, "a"),
                                semantic_b=validate.finite_scalar(b, "b"))
    return canonical(core.semantic_affinity(centroids, nb, means, h * w, opt))
