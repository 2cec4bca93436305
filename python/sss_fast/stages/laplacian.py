"""The Laplacian of Semantic Soft Segmentation (SPEC §5).

``L = D − W`` with ``W = W_L + σ_S·W_S + σ_C·W_C`` and ``D = diag(W·1)``,
assembled natively in one pass as an (N, N) ``scipy.sparse.csr_matrix``
(sorted indices, each entry once, float64, int32 indices below 2^31
nonzeros) without copies. ``L`` is exactly symmetric and ``L·1 = 0`` up to
rounding; the diagonal is ``Σ_{j≠i} W_ij`` (W's own diagonal cancels).
"""

from __future__ import annotations

from .._native import core
from ..edge import validate
from ..edge.params import Params
from .affinity import canonical, options

__all__ = ["build_laplacian", "matting_laplacian"]


def matting_laplacian(image, eps: float = core.LaplacianOptions().matting_eps):
    """Levin's matting Laplacian ``D_L − W_L`` (SPEC §1).

    Parameters
    ----------
    image : (H, W, 3) or (H, W) array
        uint8/uint16, or float in [0, 1]; H, W >= 3.
    eps : float
        Regulariser ε, > 0. Default 1e-7.

    Returns
    -------
    scipy.sparse.csr_matrix
        (N, N), symmetric positive semidefinite, zero row sums.
    """
    img = validate.as_image(image, min_size=3)
    eps = validate.finite_scalar(eps, "eps", positive=True)
    return canonical(core.matting_laplacian(img, core.LaplacianOptions(matting_eps=eps)))


def build_laplacian(image, graph, color_means, feature_means, params: Params = None):
    """``L = D − (W_L + σ_S W_S + σ_C W_C)`` (SPEC §5).

    Parameters
    ----------
    image : (H, W, 3) or (H, W) array
        uint8/uint16, or float in [0, 1]; H, W >= 3.
    graph : sss_fast.stages.superpixels.RegionGraph
        Superpixels of this image (same H×W).
    color_means : (S, 3) array
        Mean RGB colour of each superpixel.
    feature_means : (S, D) array
        Mean feature vector of each superpixel.
    params : Params, optional
        Uses matting_eps, color_a, color_b, color_radius, semantic_a,
        semantic_b, sigma_semantic, sigma_color. Default ``Params()``.

    Returns
    -------
    scipy.sparse.csr_matrix
        (N, N), exactly symmetric, zero row sums; may be slightly indefinite
        (negative semantic affinities).
    """
    if params is None:
        params = Params()
    if not isinstance(params, Params):
        raise TypeError(f"params must be a sss_fast.Params, got {type(params).__name__}")
    img = validate.as_image(image, min_size=3)
    h, w, centroids, nb = validate.as_region_graph(graph, shape=img.shape)
    s = centroids.shape[0]
    cm = validate.as_region_means(color_means, "color_means", s, 3)
    fm = validate.as_region_means(feature_means, "feature_means", s)
    return canonical(core.build_laplacian(img, centroids, nb, cm, fm, options(params)))
