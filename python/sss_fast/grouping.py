"""Grouping of soft components into layers (SPEC §8)."""

from __future__ import annotations

import numpy as np

from ._native import core
from .constrained import _as_points, _seed

__all__ = ["group_components"]


def group_components(components, features, n_layers=5, *, seed, n_init=10,
                     return_groups=False):
    """Sum the components into ``n_layers`` layers by their mean features.

    Each component's alpha-weighted mean feature
    ``h_i = Σ_p α_ip f_p / Σ_p α_ip`` is computed, the ``h_i`` are clustered
    by seeded k-means++ into ``n_layers`` groups and each layer is the sum of
    its group's components.

    Parameters
    ----------
    components : (K, N) float64
        Soft components (e.g. from :func:`sss_fast.constrained.constrained_sparsify`).
    features : (H, W, C) or (N, C) float array
        Per-pixel features, H·W = N.
    n_layers : int, default 5
        Number of layers asked for.
    seed : int
        Seed of the k-means++ seeding.
    n_init : int, default 10
        k-means restarts (the lowest distortion wins).
    return_groups : bool, default False
        Also return the group of each component, (K,) int32.

    Returns
    -------
    layers : (L, N) float64
        L = n_layers in general. When K ≤ n_layers nothing is grouped and the
        K components come back unchanged (L = K < n_layers possible); when
        several h_i coincide k-means may form fewer groups (L < n_layers).
        If a component's alpha sums to ≤ 0, its positive part weighs the mean.
    """
    if not isinstance(components, np.ndarray):
        raise TypeError(f"components must be a NumPy array, got {type(components).__name__}")
    if components.ndim != 2 or components.dtype != np.float64:
        raise ValueError(f"components must be a float64 (K, N) array, got {components.dtype} "
                         f"{components.shape}")
    K, N = components.shape
    if K < 1 or N < 1:
        raise ValueError(f"components is empty (shape {components.shape})")
    pts = _as_points(features)
    if pts.shape[0] != N:
        raise ValueError(f"features have {pts.shape[0]} pixels but components have {N}; "
                         f"pass the features of the same image")
    if isinstance(n_layers, bool) or not isinstance(n_layers, (int, np.integer)) or n_layers < 1:
        raise ValueError(f"n_layers must be a positive int, got {n_layers!r}")
    if isinstance(n_init, bool) or not isinstance(n_init, (int, np.integer)) or n_init < 1:
        raise ValueError(f"n_init must be a positive int, got {n_init!r}")
    alpha = np.ascontiguousarray(components)
    if not np.isfinite(alpha).all():
        raise ValueError("components contain NaN or inf")
    layers, groups, _ = core.group_components(alpha, pts, int(n_layers), _seed(seed), int(n_init))
    if return_groups:
        return layers, groups
    return layers
