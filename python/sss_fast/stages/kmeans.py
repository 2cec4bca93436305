"""k-means of per-pixel points: the native seeded k-means++ / Lloyd (cpp/common/kmeans.hpp).

Two stages cluster with it: the initial components of the constrained
sparsification (SPEC §7.1, :func:`initial_components`, also used by the
feature subspace) and, natively, the grouping of components (SPEC §8).
"""

from __future__ import annotations

import numpy as np

from .._native import core
from ..edge import validate
from ..edge.params import Params

__all__ = ["initial_components"]

_DEFAULTS = core.KMeansOptions()


def initial_components(features, n_components=Params().n_initial_components, *, seed,
                       n_init=_DEFAULTS.n_init, max_iter=_DEFAULTS.max_iter, tol=_DEFAULTS.tol):
    """Initial hard clustering of the pixels (SPEC §7.1).

    Parameters
    ----------
    features : (H, W, C) or (N, C) float array
        Per-pixel feature vectors (finite).
    n_components : int, default 40
        Number of clusters K₀.
    seed : int
        Seed of the k-means++ seeding (uint64); same seed, same labels.
    n_init : int, default 3
        Restarts; the lowest distortion wins.
    max_iter : int, default 100
        Lloyd iterations per restart.
    tol : float, default 1e-4
        A restart stops when an iteration lowers the distortion by at most
        ``tol`` times its value (or when no label changes).

    Returns
    -------
    labels : (N,) int32
        Cluster of each pixel, consecutive from 0. Fewer than
        ``n_components`` clusters when there are fewer distinct feature
        vectors, or when a cluster empties (it is dropped).
    """
    pts = validate.as_points(features)
    for name, v in (("n_components", n_components), ("n_init", n_init), ("max_iter", max_iter)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive int, got {v!r}")
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    opt = core.KMeansOptions(n_clusters=int(n_components), seed=validate.as_seed(seed),
                             n_init=int(n_init), max_iter=int(max_iter), tol=float(tol))
    return core.kmeans(pts, opt).labels
