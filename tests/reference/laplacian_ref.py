"""Reference Laplacian (SPEC §5) in plain NumPy/SciPy: L = diag(W·1) − W."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from . import affinity_ref

__all__ = ["laplacian_of", "matting_laplacian", "build_laplacian"]


def laplacian_of(w: sp.spmatrix) -> sp.csr_matrix:
    """D − W with D = diag(W·1), as sorted CSR."""
    w = sp.csr_matrix(w)
    lap = (sp.diags(np.asarray(w.sum(axis=1)).ravel()) - w).tocsr()
    lap.sort_indices()
    return lap


def matting_laplacian(image, eps: float = 1e-7) -> sp.csr_matrix:
    """Levin's matting Laplacian D_L − W_L."""
    return laplacian_of(affinity_ref.matting_affinity(image, eps))


def build_laplacian(image, graph, color_means, feature_means, params=None) -> sp.csr_matrix:
    """L = D − (W_L + σ_S W_S + σ_C W_C) with the parameters of ``params`` (a Params)."""
    if params is None:
        from sss_fast import Params

        params = Params()
    w = affinity_ref.matting_affinity(image, params.matting_eps)
    w = w + params.sigma_semantic * affinity_ref.semantic_affinity(
        graph, feature_means, params.semantic_a, params.semantic_b)
    w = w + params.sigma_color * affinity_ref.color_affinity(
        graph, color_means, params.color_a, params.color_b, params.color_radius)
    return laplacian_of(w)
