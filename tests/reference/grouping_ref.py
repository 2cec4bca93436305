"""Reference grouping (SPEC §8), plain NumPy: mean features, exhaustive k-means
on a handful of points, and the layer sums."""

from __future__ import annotations

import itertools

import numpy as np

__all__ = ["mean_features", "layers_from_groups", "best_partition", "distortion"]


def mean_features(components, features):
    """h_i = Σ_p α_ip f_p / Σ_p α_ip for components (K, N), features (N, C)."""
    return components @ features / components.sum(axis=1, keepdims=True)


def layers_from_groups(components, groups, n_groups):
    return np.stack([components[groups == j].sum(axis=0) for j in range(n_groups)])


def distortion(points, groups):
    return sum(((points[groups == j] - points[groups == j].mean(axis=0)) ** 2).sum()
               for j in np.unique(groups))


def best_partition(points, n_groups):
    """The k-means optimum by brute force (only for a handful of points)."""
    best, best_d = None, np.inf
    for g in itertools.product(range(n_groups), repeat=len(points)):
        g = np.array(g)
        if len(np.unique(g)) != n_groups:
            continue
        d = distortion(points, g)
        if d < best_d - 1e-12:
            best, best_d = g, d
    return best, best_d
