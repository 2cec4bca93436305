"""Points the initial k-means of the constrained sparsification clusters (SPEC §7.1).

The reference clusters the per-pixel features alone. Blurred, coarse features
put whole bands of pixels (hair over the background, a thin ring) at feature
values between two objects; their clusters are no object and the
sparsification turns them into components that straddle two objects. The
default, ``Params.initial_points = "features+eigenvectors"``, clusters the
features next to the smoothest eigenvectors of the Laplacian (scaled by
1/sqrt(|λ|), as spectral matting starts, SPEC §11), so a cluster follows both
what the features tell apart and the edges the Laplacian sees.
"""

from __future__ import annotations

import numpy as np

from ..edge.params import Params
from ..edge.validate import as_points

__all__ = ["initial_points", "scaled_eigenvectors"]


def scaled_eigenvectors(eigvals, eigvecs, count):
    """(N, ≤count) points: eigenvectors 2 … count+1 (the constant first one skipped),
    each divided by sqrt(|λ|) so that smoother vectors weigh more, as spectral
    matting starts (SPEC §11). A floor keeps a (numerically) zero eigenvalue
    from producing inf."""
    stop = min(1 + count, eigvals.shape[0])
    lam = np.abs(eigvals[1:stop])
    floor = max(1e-12, 1e-12 * float(np.abs(eigvals).max()))
    return (eigvecs[1:stop] / np.sqrt(np.maximum(lam, floor))[:, None]).T


def initial_points(features, eigvals, eigvecs, params: Params):
    """(N, D) points for :func:`sss_fast.stages.constrained.initial_components`.

    Parameters
    ----------
    features : (H, W, C) or (N, C) float array
    eigvals : (M,) float64
        Eigenvalues, closest to zero first (the first, constant vector is skipped).
    eigvecs : (M, N) float64
    params : Params
        ``initial_points``, ``init_feature_weight``, ``init_eigenvectors``.

    Returns
    -------
    (N, D) float64, C-contiguous. "features": the features as given.
    "features+eigenvectors": [eigenvector block, w · feature block], each
    block divided by the square root of its total variance.
    """
    f = as_points(features)
    if params.initial_points == "features":
        return f
    eigvals = np.asarray(eigvals, dtype=np.float64)
    eigvecs = np.asarray(eigvecs, dtype=np.float64)
    if eigvecs.ndim != 2 or eigvecs.shape[1] != f.shape[0] or eigvals.shape != eigvecs.shape[:1]:
        raise ValueError(f"eigvecs must be (M, {f.shape[0]}) with M eigenvalues, got "
                         f"{eigvecs.shape} and {eigvals.shape}")
    if min(1 + params.init_eigenvectors, eigvals.shape[0]) <= 1:
        return f
    e = scaled_eigenvectors(eigvals, eigvecs, params.init_eigenvectors)

    def unit(x):
        v = float(x.var(axis=0).sum())
        return x / np.sqrt(v) if v > 0 else x

    return np.ascontiguousarray(np.hstack([unit(e), params.init_feature_weight * unit(f)]))
