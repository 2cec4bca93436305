"""The one place that knows the whole chain of Semantic Soft Segmentation.

image, features → superpixels → Laplacian → eigenvectors → constrained
sparsification → grouping → relaxed sparsification → clean layers.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

import numpy as np

from .edge import resources, validate
from .edge.params import Params
from .stages import (constrained, grouping, initialisation, laplacian, relaxed,
               spectral, subspace, superpixels)

__all__ = ["SegmentResult", "segment", "STAGES", "PRESETS", "DEFAULT_SEED", "StageClock",
           "prepare_features", "checked_seed", "checked_progress", "load_image",
           "eigenvector_stage", "relax_and_clean", "downsample", "upsample"]

#: Stage names, in order, as reported to ``progress`` and in ``timings``.
STAGES = ("features", "superpixels", "laplacian", "eigenvectors", "constrained", "grouping",
          "relaxed", "cleanup")

DEFAULT_SEED = 0x5EED_2018

#: Named settings for ``segment(..., preset=...)``: the Params fields they set.
PRESETS = {"fast": {"spectral_scale": 2}}


@dataclass
class SegmentResult:
    """What :func:`segment` returns.

    Attributes
    ----------
    layers : (K, H, W) float32
        Soft layers, clipped to [0, 1] and renormalised to sum exactly to one.
    raw_layers : (K, H, W) float64
        The relaxed sparsification's output as solved (may leave [0, 1] slightly).
    timings : dict
        Seconds per stage (see :data:`STAGES`) and ``"total"``.
    info : dict
        Solver facts: eigen solver statistics, per-iteration constrained-stage
        component counts, CG iterations and Gram work (``info["constrained"]``),
        relaxed-stage energies and CG counts, how much the clean-up changed the
        layers.
    features : (H, W, 3) float64
        The reduced features used.
    superpixels, laplacian, eigenvalues, eigenvectors, initial_labels,
    components, grouped : intermediates, set when ``return_intermediates=True``.
    """

    layers: np.ndarray
    raw_layers: np.ndarray
    timings: dict
    info: dict
    features: np.ndarray
    superpixels: Optional[superpixels.RegionGraph] = None
    laplacian: object = None
    eigenvalues: Optional[np.ndarray] = None
    eigenvectors: Optional[np.ndarray] = None
    initial_labels: Optional[np.ndarray] = None
    components: Optional[np.ndarray] = None
    grouped: Optional[np.ndarray] = None
    extra: dict = field(default_factory=dict)

    @property
    def n_layers(self) -> int:
        return int(self.layers.shape[0])


def prepare_features(features, img, params):
    """The reduced (H, W, 3) features of ``img``: as given (D == 3, in [0, 1]), reduced
    (other D) or extracted by the default model (None)."""
    if features is None:
        from . import features as feat_mod  # torch is imported lazily inside

        return feat_mod.default_features(img)
    f = validate.as_features(features, img.shape, "features")
    if f.shape[2] == 3:
        if f.min() < 0.0 or f.max() > 1.0:
            raise ValueError(
                "features has 3 channels, so it is taken as already reduced, but its values lie in "
                f"[{f.min():.4g}, {f.max():.4g}]; reduced features must lie in [0, 1] "
                "(pass raw network output with D != 3 channels, or min-max normalise it)"
            )
        return f
    from .features import reduce  # numpy + native only

    return reduce(f, img, params=params)


def _warn_degenerate(img, feats):
    """Warns about content that cannot give the layers asked for (the run goes on)."""
    if np.ptp(img.reshape(-1, 3), axis=0).max() == 0.0:
        warnings.warn("segment: the image has a single colour; its layers follow the features "
                      "alone", UserWarning, stacklevel=3)
    if np.ptp(feats.reshape(-1, feats.shape[2]), axis=0).max() == 0.0:
        warnings.warn("segment: the features are constant; they separate no regions (expect a "
                      "single layer)", UserWarning, stacklevel=3)


def _scaled_params(params: Params, n_pixels: int) -> Params:
    """Caps counts that cannot exceed what a small image supports."""
    n_sp = min(params.n_superpixels, max(1, n_pixels // 16))
    n_eig = min(params.n_eigenvectors, max(2, (n_pixels - 2) // 2))
    n_init = min(params.n_initial_components, max(2, n_pixels // 4))
    if (n_sp, n_eig, n_init) != (params.n_superpixels, params.n_eigenvectors,
                                 params.n_initial_components):
        params = replace(params, n_superpixels=n_sp, n_eigenvectors=n_eig,
                         n_initial_components=n_init)
    return params


def checked_seed(seed) -> int:
    """The run's seed: an int in [0, 2**64) (ValueError otherwise)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**64:
        raise ValueError(f"seed must be an int in [0, 2**64), got {seed!r}")
    return int(seed)


def checked_progress(progress):
    """``progress`` if it is None or callable (TypeError otherwise)."""
    if progress is not None and not callable(progress):
        raise TypeError("progress must be a callable progress(stage, index, total)")
    return progress


def load_image(image, check_memory):
    """The validated image; ``check_memory(h, w)`` runs on the shape before the
    input is converted when it can be read off the array, else right after."""
    shape = validate.peek_image_shape(image)
    if shape is not None:
        check_memory(*shape)
    img = validate.as_image(image, "image")
    if shape is None:
        check_memory(*img.shape[:2])
    return img


class StageClock:
    """Announces stages to ``progress(stage, index, total)`` and adds their wall
    times to ``timings`` (a stage timed twice adds up)::

        clock = StageClock(STAGES, progress, timings)
        with clock("eigenvectors"):
            ...
    """

    def __init__(self, stages, progress, timings):
        self.stages, self.progress, self.timings = stages, progress, timings

    def __call__(self, name, announce=True):
        if announce and self.progress is not None:
            self.progress(name, self.stages.index(name), len(self.stages))
        return _Timer(self.timings, name)


class _Timer:
    def __init__(self, timings, name):
        self.timings, self.name = timings, name

    def __enter__(self):
        self.t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.timings[self.name] = self.timings.get(self.name, 0.0) + time.perf_counter() - self.t
        return False


def eigenvector_stage(clock, lap, shape, params, seed, strict, info, **kwargs):
    """The eigen stage, timed and recorded in ``info["eigen"]`` (kwargs: ``n``, ``special``)."""
    with clock("eigenvectors"):
        eig = spectral.smallest_eigenpairs(lap, shape, params=params, seed=seed, strict=strict,
                                           **kwargs)
    info["eigen"] = dict(eig.info, max_residual=float(eig.residuals.max()))
    return eig


def segment(image, features=None, *, n_layers: Optional[int] = None, seed: int = DEFAULT_SEED,
            params: Optional[Params] = None, return_intermediates: bool = False,
            progress: Optional[Callable[[str, int, int], None]] = None,
            strict: bool = False, max_memory=None,
            preset: Optional[str] = None) -> SegmentResult:
    """Semantic soft segmentation of an image into soft layers.

    Parameters
    ----------
    image : (H, W, 3) array
        uint8, uint16, or float in [0, 1]. (H, W) grayscale and (H, W, 4) RGBA
        (alpha ignored) are accepted. Both sides at least 8 pixels.
    features : (H, W, D) array, optional
        Per-pixel semantic features. D == 3: already reduced, in [0, 1] (as the
        paper's reduced features). Any other D: raw features, reduced here
        (SPEC §10: clamp, guided filter, PCA, min–max). None: computed by the
        default extractor (needs ``pip install "sss-fast[features]"``).
    n_layers : int or "auto", optional
        Number of output layers (default ``params.n_layers``, 5); "auto"
        chooses 2 … ``params.auto_max_layers`` from the data (see
        :func:`sss_fast.stages.grouping.group_layers`).
    seed : int
        Seeds every random choice (k-means, Krylov start); same input and seed
        give identical layers.
    params : Params, optional
        Algorithm parameters (defaults: the paper's reference values but for
        the quality departures listed in README; ``Params.reference()`` gives
        the reference throughout).
    return_intermediates : bool
        Keep superpixels, Laplacian, eigenpairs and components in the result.
    progress : callable, optional
        Called as ``progress(stage, index, total)`` before each stage.
    strict : bool
        Raise :class:`sss_fast.ConvergenceError` instead of warning
        (:class:`sss_fast.ConvergenceWarning`) when any stage's solver stops
        short of its tolerance (eigenvectors, constrained, relaxed).
    preset : {None, "fast"}
        ``"fast"``: a quick preview. The spectral part (superpixels to
        grouping) runs at half resolution, the grouped layers are upsampled and
        the relaxed sparsification runs at full resolution
        (``Params.spectral_scale=2``; 8.0 s against the defaults' 17.0 s at
        640×640, softer transitions; see README). None: ``params`` as given.
        Independently of the preset, an image over ``Params.spectral_max_pixels``
        (default 2048², 4.2 MP) runs its spectral part downsampled by the
        smallest integer factor that brings it under that, the relaxed stage
        at full resolution (``spectral_max_pixels=None``: full resolution at
        any size, the paper); ``result.info["spectral_scale"]`` says which
        factor ran.
    max_memory : int or float, optional
        Upper bound in bytes on the memory the run may take. Before any heavy
        work the peak memory is estimated (``sss_fast.edge.resources``) and a
        :class:`MemoryError` (``MemoryLimitError``) is raised if it exceeds
        ``max_memory``, or, when None (default), the memory available now.
        ``math.inf`` turns the check off.

    Returns
    -------
    SegmentResult

    Raises
    ------
    TypeError, ValueError
        Bad arguments; the message names the argument and the fix.
    MemoryError
        The run would not fit in memory (raised before allocating).
    KeyboardInterrupt
        Ctrl-C, noticed within a fraction of a second in native loops.

    Warns
    -----
    UserWarning
        Degenerate content: a constant image or constant features, or fewer
        layers found than asked for; the layers returned are still valid.
    """
    params = Params() if params is None else params
    if not isinstance(params, Params):
        raise TypeError(f"params must be a sss_fast.Params, got {type(params).__name__}")
    if n_layers is not None:
        if n_layers != "auto" and (isinstance(n_layers, bool)
                                   or not isinstance(n_layers, (int, np.integer)) or n_layers < 1):
            raise ValueError(f"n_layers must be a positive int or 'auto', got {n_layers!r}")
        params = replace(params, n_layers=n_layers if n_layers == "auto" else int(n_layers))
    seed = checked_seed(seed)
    checked_progress(progress)
    resources.validate_max_memory(max_memory)
    if preset is not None:
        if preset not in PRESETS:
            raise ValueError(f"preset must be None or one of {sorted(PRESETS)}, got {preset!r}")
        params = replace(params, **PRESETS[preset])

    # Memory check on the shapes alone, before the inputs are converted.
    img = load_image(image, lambda hh, ww: resources.check_memory(
        hh, ww, params, validate.peek_feature_channels(features), max_memory))
    h, w = img.shape[:2]
    params = _scaled_params(params, h * w)
    timings: dict = {}
    info: dict = {}
    t_start = time.perf_counter()
    clock = StageClock(STAGES, progress, timings)

    with clock("features"):
        feats = prepare_features(features, img, params)
    _warn_degenerate(img, feats)

    f = params.spectral_factor(h, w)
    info["spectral_scale"] = f
    if f == 1:
        sp_img, sp_feats = img, feats
    else:
        sp_img, sp_feats = downsample(img, f), downsample(feats, f)
    sp_params = _scaled_params(params, sp_img.shape[0] * sp_img.shape[1])
    sp = _spectral_stages(sp_img, sp_feats, sp_params, seed, strict, clock, info)
    grouped = sp["grouped"]
    n_components = int(sp["components"].shape[0])
    if f == 1:
        graph, lap = sp["graph"], sp["laplacian"]
    if not return_intermediates:
        # Drop the eigenvectors and components before the full-resolution
        # stages: downsampled, the relaxed stage can be the run's peak.
        sp = None
    if f > 1:
        # Bilinear weights sum to one, so the upsampled layers still do.
        with clock("grouping", announce=False):
            grouped = upsample(grouped.reshape(-1, *sp_img.shape[:2]), (h, w)).reshape(-1, h * w)
        # The relaxed stage needs the full-resolution Laplacian.
        graph, lap = _superpixels_and_laplacian(img, feats, params, clock, announce=False)
    info["n_layers"] = int(grouped.shape[0])
    if params.n_layers != "auto" and grouped.shape[0] < params.n_layers:
        why = ("the image has fewer distinct regions" if n_components > grouped.shape[0] else
               f"only {n_components} soft component(s) survived constrained sparsification; "
               "raise Params.n_initial_components for more")
        warnings.warn(
            f"segment: only {grouped.shape[0]} layer(s) found where {params.n_layers} were asked "
            f"({why})", UserWarning, stacklevel=2)

    layers, raw = relax_and_clean(grouped, lap, img, params, clock, info, strict=strict)
    timings["total"] = time.perf_counter() - t_start

    res = SegmentResult(layers=layers, raw_layers=raw, timings=timings, info=info, features=feats)
    if return_intermediates:
        res.superpixels = graph
        res.laplacian = lap
        res.eigenvalues = sp["eigen"].values
        res.eigenvectors = sp["eigen"].vectors
        res.initial_labels = sp["initial_labels"]
        res.components = sp["components"]
        res.grouped = grouped.reshape(-1, h, w)
    return res


def relax_and_clean(grouped, lap, img, params, clock, info, *, strict=False):
    """The relaxed sparsification of grouped (K, N) layers at the image's size,
    then the clean-up: (layers (K, H, W) float32 summing to one, raw layers).
    Timed by ``clock``; solver facts go to ``info["relaxed"]`` and
    ``info["cleanup_change"]``."""
    h, w = img.shape[:2]
    with clock("relaxed"):
        raw, rinfo = relaxed.relaxed_sparsify(grouped.reshape(-1, h, w), lap, img, params,
                                              return_info=True, strict=strict)
    info["relaxed"] = rinfo
    with clock("cleanup"):
        cleaned, change = relaxed.clean_layers(raw, return_change=True)
        layers = cleaned.astype(np.float32)
        # float32 rounding can move the sum by ~1e-7; renormalise in float32.
        layers /= layers.sum(axis=0, keepdims=True)
    info["cleanup_change"] = float(change)
    return layers, raw


def _superpixels_and_laplacian(img, feats, params, clock, announce=True):
    """Superpixels and the Laplacian of one image, timed by ``clock``."""
    with clock("superpixels", announce):
        graph = superpixels.superpixels(img, n_segments=params.n_superpixels,
                                        iterations=params.slic_iterations)
        color_means = superpixels.region_means(graph.labels, img, graph.n_regions)
        feature_means = superpixels.region_means(graph.labels, feats, graph.n_regions)
    with clock("laplacian", announce):
        lap = laplacian.build_laplacian(img, graph, color_means, feature_means, params)
    return graph, lap


def _spectral_stages(img, feats, params, seed, strict, clock, info):
    """Superpixels → Laplacian → eigenvectors → constrained sparsification →
    grouping on one image (the full one, or its downsampled copy)."""
    h, w = img.shape[:2]
    graph, lap = _superpixels_and_laplacian(img, feats, params, clock)
    info["n_superpixels"] = graph.n_regions

    # The superpixel centroids carry the nonlocal affinities: ordered last in
    # the factorisation when there are any (σ_C or σ_S > 0).
    nonlocal_terms = params.sigma_color > 0 or params.sigma_semantic > 0
    eig = eigenvector_stage(clock, lap, (h, w), params, seed, strict, info,
                            special=graph.centroids if nonlocal_terms else None)

    with clock("constrained"):
        # With a stride the initial clusters are made on the sampled pixels only.
        stride = constrained.grid_stride(params, h, w)
        sample = constrained.grid_sample(h, w, stride) if stride > 1 else slice(None)
        points = initialisation.initial_points(feats.reshape(-1, feats.shape[2])[sample],
                                               eig.values, eig.vectors[:, sample], params)
        init = constrained.initial_components(points, params.n_initial_components, seed=seed)
        basis_vals, basis_vecs, info["feature_subspace"] = subspace.augment_eigenbasis(
            eig.values, eig.vectors, lap, img, feats, params, seed=seed)
        comps, hist = constrained.constrained_sparsify(basis_vecs, basis_vals, init, params,
                                                       shape=(h, w), return_history=True,
                                                       strict=strict)
    info["constrained_stride"] = stride
    info["n_initial_components"] = int(init.max()) + 1
    info["n_components"] = int(comps.shape[0])
    info["constrained_energy"] = np.asarray(hist.energy)
    info["constrained"] = {"n_components": np.asarray(hist.n_components),
                           "pcg_iterations": np.asarray(hist.pcg_iterations),
                           "gram_work": np.asarray(hist.gram_work)}

    with clock("grouping"):
        grouped = grouping.group_layers(comps, feats, img, params, seed=seed)
    return {"graph": graph, "laplacian": lap, "eigen": eig, "initial_labels": init,
            "components": comps, "grouped": grouped}


def downsample(a, factor):
    """Area average of an (H, W) or (H, W, C) array over factor × factor blocks
    (edge blocks of an odd-sized image average what they cover)."""
    a = np.asarray(a, dtype=np.float64)
    h, w = a.shape[:2]
    hc, wc = -(-h // factor), -(-w // factor)
    pad = [(0, hc * factor - h), (0, wc * factor - w)] + [(0, 0)] * (a.ndim - 2)
    padded = np.pad(a, pad, mode="edge") if any(p[1] for p in pad[:2]) else a
    out = padded.reshape(hc, factor, wc, factor, *a.shape[2:]).mean(axis=(1, 3))
    return np.ascontiguousarray(out)


def upsample(layers, shape):
    """Bilinear upsampling of (K, h, w) layers to (K, H, W): each output pixel
    centre is mapped onto the input grid (the inverse of :func:`downsample`)."""
    k, h, w = layers.shape
    out_h, out_w = int(shape[0]), int(shape[1])

    def taps(n_out, n_in):
        c = np.clip((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0, n_in - 1)
        i0 = np.floor(c).astype(np.int64)
        return i0, np.minimum(i0 + 1, n_in - 1), c - i0

    y0, y1, fy = taps(out_h, h)
    x0, x1, fx = taps(out_w, w)
    rows = layers[:, y0] * (1 - fy)[None, :, None] + layers[:, y1] * fy[None, :, None]
    return rows[:, :, x0] * (1 - fx) + rows[:, :, x1] * fx
