"""Baselines the paper compares against (SPEC §11).

:func:`spectral_matting` is Levin et al.'s spectral matting rebuilt from the
same machinery as :func:`sss_fast.segment`: the matting Laplacian alone, its
eigenvectors closest to zero, k-means on the scaled eigenvectors, the
constrained sparsification of SPEC §7 and, when features are given, the
grouping of SPEC §8.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable, Optional

import numpy as np

from .edge import resources, validate
from .edge.params import Params
from .pipeline import (DEFAULT_SEED, SegmentResult, StageClock, checked_progress, checked_seed,
                       eigenvector_stage, load_image, prepare_features)
from .stages import constrained, grouping, initialisation, laplacian

__all__ = ["spectral_matting", "SPECTRAL_MATTING_STAGES"]

#: Stage names of :func:`spectral_matting`, in order, as reported to ``progress``.
SPECTRAL_MATTING_STAGES = ("laplacian", "eigenvectors", "initialisation", "constrained",
                           "grouping")

#: Eigenvectors 2..21 (1-based) feed the k-means initialisation (SPEC §11).
_INIT_COUNT = 20


def _positive_int(v, name):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError(f"{name} must be a positive int, got {v!r}")
    return int(v)


def spectral_matting(image, n_components: int = 20, *, features=None,
                     n_layers: Optional[int] = None, seed: int = DEFAULT_SEED,
                     params: Optional[Params] = None, n_eigenvectors: int = 50,
                     iterations: int = 20,
                     progress: Optional[Callable[[str, int, int], None]] = None,
                     strict: bool = False, max_memory=None) -> SegmentResult:
    """Spectral matting (Levin et al. 2008) as in the paper's comparison (SPEC §11).

    Parameters
    ----------
    image : (H, W, 3) array
        uint8, uint16, or float in [0, 1]; (H, W) grayscale and RGBA accepted.
    n_components : int, default 20
        Number of k-means clusters that start the sparsification.
    features : (H, W, D) array, optional, keyword-only
        When given, the surviving components are grouped into ``n_layers``
        layers by their alpha-weighted mean features (SPEC §8). D == 3: taken
        as reduced, in [0, 1]; other D: reduced first (SPEC §10).
    n_layers : int, optional, keyword-only
        Layers after grouping (default ``params.n_layers``, 5). Needs
        ``features``.
    seed : int, keyword-only
        Seeds the Krylov start block and both k-means runs.
    params : Params, optional, keyword-only
        ``matting_eps``, the eigen solver settings and the sparsification
        settings (γ, w, floor, prune threshold and iterations) are used;
        ``n_eigenvectors``, ``n_initial_components`` and
        ``constrained_iterations`` are replaced by the arguments below.
    n_eigenvectors : int, default 50, keyword-only
        Eigenvectors of the matting Laplacian (capped for tiny images).
    iterations : int, default 20, keyword-only
        Constrained sparsification iterations.
    progress : callable, optional, keyword-only
        Called as ``progress(stage, index, total)`` before each stage of
        :data:`SPECTRAL_MATTING_STAGES`.
    strict : bool, keyword-only
        Raise :class:`sss_fast.ConvergenceError` instead of warning when the
        eigen or constrained stage's solver stops short of its tolerance.
    max_memory : int or float, optional, keyword-only
        As for :func:`sss_fast.segment`: a ``MemoryError`` before any heavy
        work when the estimated peak exceeds it (None: the memory available).

    Returns
    -------
    SegmentResult
        ``layers`` (K, H, W) float32: the components (or, with features, the
        grouped layers), each pixel summing to one; ``raw_layers`` the same in
        float64; ``features`` the reduced features or None; ``eigenvalues``,
        ``eigenvectors`` (M, N), ``initial_labels`` and ``components`` are
        always filled; ``info`` holds the counts and the energy history.
    """
    params = Params() if params is None else params
    if not isinstance(params, Params):
        raise TypeError(f"params must be a sss_fast.Params, got {type(params).__name__}")
    n_components = _positive_int(n_components, "n_components")
    if n_components < 2:
        raise ValueError("n_components must be at least 2")
    n_eigenvectors = _positive_int(n_eigenvectors, "n_eigenvectors")
    if n_eigenvectors < 2:
        raise ValueError("n_eigenvectors must be at least 2 (the first is the constant vector)")
    iterations = _positive_int(iterations, "iterations")
    if n_layers is not None:
        n_layers = _positive_int(n_layers, "n_layers")
        if features is None:
            raise ValueError("n_layers needs features: grouping components into layers uses "
                             "their mean features (pass features=..., or leave n_layers out "
                             "to get the ungrouped components)")
        params = replace(params, n_layers=n_layers)
    seed = checked_seed(seed)
    checked_progress(progress)
    resources.validate_max_memory(max_memory)

    def check_memory(hh, ww):
        resources.check_memory(hh, ww, replace(params, n_eigenvectors=n_eigenvectors,
                                               n_initial_components=n_components),
                               validate.peek_feature_channels(features), max_memory,
                               superpixels=False, what_runs="spectral_matting")

    img = load_image(image, check_memory)
    h, w = img.shape[:2]
    n_pix = h * w
    n_eig = min(n_eigenvectors, max(2, (n_pix - 2) // 2))
    n_init = min(n_components, max(2, n_pix // 4))
    params = replace(params, n_eigenvectors=n_eig, n_initial_components=n_init,
                     constrained_iterations=iterations)
    feats = None
    if features is not None:
        # Validate up front, before the expensive stages.
        feats = prepare_features(features, img, params)

    timings: dict = {}
    info: dict = {}
    t_start = time.perf_counter()
    clock = StageClock(SPECTRAL_MATTING_STAGES, progress, timings)

    with clock("laplacian"):
        lap = laplacian.matting_laplacian(img, eps=params.matting_eps)
    eig = eigenvector_stage(clock, lap, (h, w), params, seed, strict, info, n=n_eig)

    with clock("initialisation"):
        points = np.ascontiguousarray(
            initialisation.scaled_eigenvectors(eig.values, eig.vectors, _INIT_COUNT))  # (N, ≤20)
        init = constrained.initial_components(points, n_init, seed=seed)
    info["n_initial_components"] = int(init.max()) + 1

    with clock("constrained"):
        comps, hist = constrained.constrained_sparsify(eig.vectors, eig.values, init, params,
                                                       return_history=True, strict=strict)
    info["n_components"] = int(comps.shape[0])
    info["constrained_energy"] = np.asarray(hist.energy)

    with clock("grouping"):
        out = comps
        if feats is not None:
            out = grouping.group_components(comps, feats, params.n_layers, seed=seed)
    timings["total"] = time.perf_counter() - t_start

    raw = np.ascontiguousarray(out.reshape(-1, h, w))
    layers = raw.astype(np.float32)
    # Components sum to one by construction; float32 rounding can move the
    # sum by ~1e-7, so renormalise where the sum is safely positive.
    s = layers.sum(axis=0, keepdims=True)
    ok = np.abs(s - 1.0) < 1e-3
    layers = np.where(ok, layers / np.where(ok, s, 1.0), layers).astype(np.float32)
    res = SegmentResult(layers=layers, raw_layers=raw, timings=timings, info=info,
                        features=feats)
    res.laplacian = lap
    res.eigenvalues = eig.values
    res.eigenvectors = eig.vectors
    res.initial_labels = init
    res.components = comps
    res.grouped = raw if feats is not None else None
    res.extra["method"] = "spectral-matting"
    return res
