"""Grouping of soft components into layers (SPEC §8)."""

from __future__ import annotations

import numpy as np

from .._native import core
from ..edge.params import Params
from ..edge.validate import as_points, as_seed

_DEFAULTS = core.GroupingOptions()

__all__ = ["group_components", "group_layers"]


def group_components(components, features, n_layers=_DEFAULTS.n_layers, *, seed,
                     n_init=_DEFAULTS.n_init,
                     return_groups=False):
    """Sum the components into ``n_layers`` layers by their mean features.

    Each component's alpha-weighted mean feature
    ``h_i = Σ_p α_ip f_p / Σ_p α_ip`` is computed, the ``h_i`` are clustered
    by seeded k-means++ into ``n_layers`` groups and each layer is the sum of
    its group's components.

    Parameters
    ----------
    components : (K, N) float64
        Soft components (e.g. from :func:`sss_fast.stages.constrained.constrained_sparsify`).
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
    pts = as_points(features)
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
    r = core.group_components(alpha, pts, core.GroupingOptions(
        n_layers=int(n_layers), seed=as_seed(seed), n_init=int(n_init)))
    layers, groups = r.layers, r.group
    if return_groups:
        return layers, groups
    return layers


def _descriptors(alpha, pts):
    """Positive-part-weighted mean of ``pts`` per component, and the masses."""
    ap = np.clip(alpha, 0.0, None)
    mass = ap.sum(axis=1)
    safe = np.where(mass > 0, mass, 1.0)
    return (ap @ pts) / safe[:, None], mass


def _weighted_kmeans(x, w, k, seed, n_init=10, max_iter=100):
    """k-means of points ``x`` (K, D) weighted by ``w`` (K,): seeded k-means++, best of n_init.

    Weights are the components' masses, so the objective is the per-pixel
    distortion of the descriptors: a light component far from the rest
    costs little to merge and does not take a layer of its own.
    Returns (K,) int32 labels, consecutive from 0.
    """
    n = x.shape[0]
    if k >= n:
        return np.arange(n, dtype=np.int32)
    w = np.maximum(np.asarray(w, dtype=np.float64), 0.0)
    if not w.sum() > 0:
        w = np.ones(n)
    rng = np.random.default_rng(seed)
    best, best_cost = None, np.inf
    for _ in range(n_init):
        centres = [x[rng.choice(n, p=w / w.sum())]]
        for _ in range(1, k):
            d = ((x[:, None, :] - np.array(centres)[None]) ** 2).sum(-1).min(1)
            p = w * d
            if not p.sum() > 0:
                break
            centres.append(x[rng.choice(n, p=p / p.sum())])
        c = np.array(centres)
        lab = None
        for _ in range(max_iter):
            new = ((x[:, None, :] - c[None]) ** 2).sum(-1).argmin(1)
            if lab is not None and np.array_equal(new, lab):
                break
            lab = new
            for j in range(c.shape[0]):
                m = lab == j
                if w[m].sum() > 0:
                    c[j] = (w[m, None] * x[m]).sum(0) / w[m].sum()
                else:  # an emptied cluster restarts at the worst-served point
                    d = w * ((x - c[lab]) ** 2).sum(-1)
                    if d.max() > 0:
                        c[j] = x[int(np.argmax(d))]
                        lab = ((x[:, None, :] - c[None]) ** 2).sum(-1).argmin(1)
        cost = float((w * ((x - c[lab]) ** 2).sum(-1)).sum())
        if cost < best_cost - 1e-15:
            best, best_cost = lab, cost
    _, best = np.unique(best, return_inverse=True)
    return best.astype(np.int32)


def _group_means(x, w, g):
    """(means (G, D), masses (G,)) of the mass-weighted groups ``g`` (consecutive labels)."""
    n = int(g.max()) + 1
    mass = np.bincount(g, weights=w, minlength=n)
    sums = np.stack([np.bincount(g, weights=w * x[:, d], minlength=n)
                     for d in range(x.shape[1])], axis=1)
    return sums / np.maximum(mass, 1e-300)[:, None], mass


def _group_costs(x, w, g):
    """Mass-weighted distortion of every group about its weighted mean (-1 for
    a group of one component, which cannot split)."""
    means, _ = _group_means(x, w, g)
    cost = np.bincount(g, weights=w * ((x - means[g]) ** 2).sum(-1), minlength=len(means))
    return np.where(np.bincount(g, minlength=len(means)) >= 2, cost, -1.0)


def _sum_groups(groups, alpha):
    """Layers: the sum of each group's components."""
    onehot = np.zeros((int(groups.max()) + 1, alpha.shape[0]))
    onehot[groups, np.arange(alpha.shape[0])] = 1.0
    return onehot @ alpha


def _no_speck_layers(x, w, g, min_mass, seed):
    """No layer lighter than ``min_mass`` while a heavier group holds two objects.

    A group whose components weigh less than ``min_mass`` (a speck: a few
    pixels' worth of alpha) is merged into the group with the nearest
    weighted mean; the layer it frees goes to the group with the largest
    mass-weighted distortion whose 2-means split leaves no speck — the group
    most likely to hold two objects. When no group splits so, the count
    drops by one (never a layer wasted on a speck). Returns consecutive
    labels.
    """
    g = g.copy()
    for _ in range(int(g.max()) + 1):
        means, gm = _group_means(x, w, g)
        light = int(np.argmin(gm))
        if len(gm) < 2 or gm[light] >= min_mass:
            break
        d = ((means - means[light]) ** 2).sum(-1)
        d[light] = np.inf
        g[g == light] = int(np.argmin(d))
        _, g = np.unique(g, return_inverse=True)
        costs = _group_costs(x, w, g)
        split = False
        for j in np.argsort(costs, kind="stable")[::-1]:
            if costs[j] <= 0:
                break
            m = np.flatnonzero(g == j)
            xm, wm = x[m], w[m]
            heavy = wm >= min_mass            # specks follow the split, never decide it
            if heavy.sum() < 2:
                continue
            half = np.empty(m.size, dtype=np.int32)
            half[heavy] = _weighted_kmeans(xm[heavy], wm[heavy], 2, seed)
            if (~heavy).any():
                c, _ = _group_means(xm[heavy], wm[heavy], half[heavy])
                half[~heavy] = ((xm[~heavy][:, None, :] - c[None]) ** 2).sum(-1).argmin(1)
            if min(wm[half == 0].sum(), wm[half == 1].sum()) >= min_mass:
                g[m[half == 1]] = len(costs)
                split = True
                break
        if not split:
            break
    _, g = np.unique(g, return_inverse=True)
    return g.astype(np.int32)


def group_layers(components, features, image, params, *, seed, return_groups=False):
    """Group components into layers as ``params.grouping`` says (SPEC §8 and departures).

    ``params.grouping == "features"`` (the default, the paper) is
    :func:`group_components` on the features (``n_layers="auto"`` then picks
    the count on the features alone). ``"features+colour"`` clusters each
    component's descriptor: its mean feature next to its mean colour times
    ``params.grouping_colour_weight``. Objects that the features barely tell
    apart but whose colours differ (a thin ring and a fringe of similar
    class) then get their own layers, and the many pieces of one background,
    whose features drift near other objects, stay together. Components whose
    mass is below ``params.grouping_min_mass`` of the pixels (blended slivers
    along edges, whose mean descriptors sit between objects) seed no group:
    they join the group with the nearest descriptor afterwards, so no layer
    is near-empty.

    With a fixed ``n_layers`` and either grouping, a layer lighter than
    ``params.grouping_min_layer_mass`` of the pixels (a speck) is merged into
    the nearest group and the layer it frees splits the most spread-out
    group (:func:`_no_speck_layers`).

    With a fixed ``n_layers``, "features+colour" merges groups whose
    descriptors lie closer than ``params.grouping_merge_distance`` afterwards (SPEC §8's "when
    several h_i coincide k-means forms fewer groups", with a tolerance: soft
    components of one flat region differ in their means by a little).

    ``params.n_layers == "auto"``: the largest count k in 2 …
    ``params.auto_max_layers`` whose k group descriptors are pairwise at least
    ``params.auto_min_distance`` apart (2 when none is).

    Parameters
    ----------
    components : (K, N) float64
    features : (H, W, C) or (N, C) float array
    image : (H, W, 3) float array in [0, 1], H·W = N
    params : Params
    seed : int

    Returns
    -------
    layers : (L, N) float64, and with ``return_groups`` the (K,) int32 group
    of each component.
    """
    if not isinstance(params, Params):
        raise TypeError(f"params must be a sss_fast.Params, got {type(params).__name__}")
    if not isinstance(components, np.ndarray) or components.ndim != 2 \
            or components.dtype != np.float64:
        raise ValueError("components must be a float64 (K, N) NumPy array")
    K, N = components.shape
    feats = as_points(features)
    if feats.shape[0] != N:
        raise ValueError(f"features have {feats.shape[0]} pixels but components have {N}")
    if params.grouping == "features":
        pts = feats
    else:
        img = as_points(np.asarray(image, dtype=np.float64), "image")
        if img.shape != (N, 3):
            raise ValueError(f"image must have {N} RGB pixels, got shape {np.shape(image)}")
        blocks = [feats, params.grouping_colour_weight * img]
        if params.grouping_position_weight > 0:
            h, w = np.shape(image)[:2]
            yy, xx = np.mgrid[:h, :w] / float(max(h, w))
            blocks.append(params.grouping_position_weight
                          * np.stack([yy.ravel(), xx.ravel()], axis=1))
        pts = np.ascontiguousarray(np.hstack(blocks))
    if params.n_layers != "auto" and K <= params.n_layers:
        # as SPEC §8 says, K <= n_layers components need no grouping
        return group_components(components, feats, params.n_layers, seed=seed,
                                return_groups=return_groups)
    if params.n_layers != "auto" and params.grouping == "features":
        # the reference's k-means of the mean features, then no layer on a speck
        layers, groups = group_components(components, feats, params.n_layers, seed=seed,
                                          return_groups=True)
        if params.grouping_min_layer_mass > 0:
            desc, mass = _descriptors(components, feats)
            g = _no_speck_layers(desc, mass, np.asarray(groups), params.grouping_min_layer_mass
                                 * N, as_seed(seed))
            if not np.array_equal(g, groups):
                groups, layers = g, _sum_groups(g, components)
        return (layers, groups) if return_groups else layers
    alpha = np.ascontiguousarray(components)
    if not np.isfinite(alpha).all():
        raise ValueError("components contain NaN or inf")
    seed = as_seed(seed)
    desc, mass = _descriptors(alpha, pts)
    big = np.arange(K)
    if params.grouping != "features":
        big = np.flatnonzero(mass >= params.grouping_min_mass * N)
        if big.size == 0:
            big = np.array([int(np.argmax(mass))])

    def cluster(k):
        return _weighted_kmeans(desc[big], mass[big], k, seed)

    def means(g):
        return _group_means(desc[big], mass[big], g)[0]

    def distances(g):
        """Pairwise distances of the group centres (inf on the diagonal)."""
        c = means(g)
        d = np.sqrt(((c[:, None, :] - c[None, :, :]) ** 2).sum(-1))
        d[np.diag_indices_from(d)] = np.inf
        return d

    if params.n_layers == "auto":
        k_hi = min(params.auto_max_layers, big.size)
        chosen = cluster(min(2, k_hi))
        for k in range(3, k_hi + 1):
            g = cluster(k)
            if distances(g).min() >= params.auto_min_distance:
                chosen = g
        g_big = chosen
    else:
        g_big = cluster(params.n_layers)
        # groups whose descriptors (nearly) coincide are one region: merge them, closest first
        while int(g_big.max()) >= 1:
            d = distances(g_big)
            i, j = np.unravel_index(int(np.argmin(d)), d.shape)
            if d[i, j] >= params.grouping_merge_distance:
                break
            g_big = np.where(g_big == max(i, j), min(i, j), g_big)
            g_big = np.where(g_big > max(i, j), g_big - 1, g_big)
    # Relabel consecutively (k-means may leave a group empty).
    _, g_big = np.unique(g_big, return_inverse=True)
    if params.n_layers != "auto" and params.grouping_min_layer_mass > 0:
        g_big = _no_speck_layers(desc[big], mass[big], g_big, params.grouping_min_layer_mass * N,
                                 seed)
    groups = np.empty(K, dtype=np.int32)
    groups[big] = g_big
    small = np.setdiff1d(np.arange(K), big)
    if small.size:
        c = means(g_big)
        d = ((desc[small][:, None, :] - c[None, :, :]) ** 2).sum(-1)
        groups[small] = d.argmin(axis=1)
    layers = _sum_groups(groups, alpha)
    if return_groups:
        return layers, groups
    return layers
