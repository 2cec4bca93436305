"""Reference spectral matting (SPEC §11), literally, with dense NumPy pieces.

Matting Laplacian (reference), its eigenpairs closest to zero by dense
``eigh``, eigenvectors 2..21 scaled by 1/sqrt(|λ|) as k-means points, the
dense constrained sparsification of SPEC §7. The k-means itself is the
library's (a stage of its own, tested in test_constrained/test_grouping).
"""

from __future__ import annotations

import numpy as np

from . import constrained_ref, laplacian_ref

__all__ = ["init_points", "spectral_matting_ref"]


def init_points(E, lam, first=1, count=20):
    """(N, count) k-means points: eigenvectors first..first+count-1 over sqrt(|λ|)."""
    sl = slice(first, min(first + count, E.shape[0]))
    return np.ascontiguousarray((E[sl] / np.sqrt(np.abs(lam[sl]))[:, None]).T)


def spectral_matting_ref(image, n_components, n_eig, iterations, seed, eps=1e-7):
    """Returns (components (K, N), init labels (N,), eigenvalues (n_eig,))."""
    from sss_fast.stages import constrained

    L = laplacian_ref.matting_laplacian(image, eps)
    E, lam = constrained_ref.eigenvectors(L, n_eig)
    labels = constrained.initial_components(init_points(E, lam), n_components, seed=seed)
    alpha, _, _ = constrained_ref.constrained_ref(E, lam, labels, iterations=iterations)
    return alpha, labels, lam
