"""Constrained sparsification (SPEC §7): sparse soft components from eigenvectors.

Two steps: :func:`initial_components` clusters the per-pixel features into
K₀ groups (seeded k-means++), and :func:`constrained_sparsify` runs the IRLS
that turns the indicator of each cluster into a soft component in the span of
the eigenvectors, all components summing to one at every pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._native import core
from ..edge.params import Params
from ..edge.status import describe, report
from .kmeans import initial_components

__all__ = ["initial_components", "constrained_sparsify", "ConstrainedHistory", "grid_stride",
           "grid_sample", "grid_sample_count", "options"]

_DEFAULTS = core.ConstrainedOptions()


def options(params, **solver) -> "core.ConstrainedOptions":
    """The native constrained-stage options from :class:`sss_fast.Params`
    (``solver``: ``solver``, ``pcg_tolerance``, ``precond_ratio`` when given)."""
    opt = core.ConstrainedOptions(
        iterations=params.constrained_iterations, gamma=params.sparsity_gamma,
        w0=params.sparsity_weight, w1=params.sparsity_weight, floor=params.sparsity_floor,
        prune_threshold=params.prune_threshold, prune_after=[int(i) for i in params.prune_after])
    for name, value in solver.items():
        if value is not None:
            setattr(opt, name, value)
    return opt

#: Largest stride the "auto" rule picks (measured up to 4; see README).
MAX_AUTO_STRIDE = 4


@dataclass(frozen=True)
class ConstrainedHistory:
    """Per-iteration record of :func:`constrained_sparsify`.

    Attributes
    ----------
    energy : (T,) float64
        Objective after each iteration's update (before pruning):
        ``Σ w1^γ|α−1|^γ + w0^γ|α|^γ + Σ_k α_kᵀ L α_k`` (the Laplacian term
        through the eigenvalues).
    n_components : (T,) int64
        Number of components K used in each iteration.
    pcg_iterations : (T,) int64
        Conjugate-gradient iterations of each solve (``method="pcg"``; 0 for
        ``"exact"``).
    gram_work : (T,) float64
        Work spent on weighted Gram matrices in each iteration, in units of
        all K Grams (1.0 = a full rebuild, as ``"exact"`` does every time).
    status : SolverStatus
        The IRLS solves together (iterations: IRLS iterations; residual: the
        largest relative residual a step's CG stopped at).
    """

    energy: np.ndarray
    n_components: np.ndarray
    pcg_iterations: np.ndarray
    gram_work: np.ndarray
    status: object = None


def grid_stride(params, height, width):
    """The pixel stride of the constrained stage for an image of this size.

    ``params.constrained_stride`` when it is an int; for ``"auto"`` the largest
    s <= 4 with at least ``params.constrained_min_samples`` pixels on the
    sample grid (and never fewer than 4 pixels per eigenvector).
    """
    s = params.constrained_stride
    if s != "auto":
        return int(s)
    need = max(params.constrained_min_samples, 4 * params.n_eigenvectors)
    best = 1
    for cand in range(2, MAX_AUTO_STRIDE + 1):
        if grid_sample_count(height, width, cand) >= need:
            best = cand
    return best


def _grid_args(height, width, stride):
    for name, v in (("height", height), ("width", width), ("stride", stride)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive int, got {v!r}")
    return int(height), int(width), int(stride)


def grid_sample_count(height, width, stride):
    """``grid_sample(height, width, stride).size``, without forming the indices."""
    return core.grid_sample_count(*_grid_args(height, width, stride))


def grid_sample(height, width, stride):
    """Pixel indices (row-major, int64) of every ``stride``-th row and column,
    starting at ``(stride - 1) // 2``: the pixels the constrained stage solves on."""
    return core.grid_sample(*_grid_args(height, width, stride))


_METHODS = tuple(core.ConstrainedSolver.__members__)


def constrained_sparsify(eigvecs, eigvals, init_labels, params=Params(), *, shape=None,
                         method=_DEFAULTS.solver.name, pcg_tolerance=_DEFAULTS.pcg_tolerance,
                         precond_ratio=_DEFAULTS.precond_ratio, return_history=False,
                         strict=False):
    """Sparse soft components in the span of the eigenvectors (SPEC §7).

    Parameters
    ----------
    eigvecs : (M, N) float64, C-contiguous
        Orthonormal eigenvectors of the Laplacian, one per row.
    eigvals : (M,) float64
        Their eigenvalues.
    init_labels : (N,) or (N_s,) integer array
        Initial clusters (e.g. from :func:`initial_components`), values >= 0;
        every label present becomes one component (in increasing label order).
        With a stride s > 1, either one label per pixel or one per pixel of
        ``grid_sample(H, W, s)`` (in that order).
    params : Params
        Uses ``constrained_iterations``, ``sparsity_gamma``, ``sparsity_weight``
        (w₀ = w₁), ``sparsity_floor``, ``prune_threshold``, ``prune_after``,
        and ``constrained_stride`` (with ``constrained_min_samples``) when
        ``shape`` is given.
    shape : (H, W), optional
        The image's size. Needed for a stride s > 1 (see :func:`grid_stride`):
        the IRLS then runs on the pixels of every s-th row and column, with the
        eigenvalues scaled by N_s/N, and the components are lifted to every
        pixel through their eigenbasis coefficients. Without ``shape`` every
        pixel is used (stride 1).
    method : {"pcg", "exact"}, default "pcg"
        How each IRLS step's (K−1)·M linear system is solved. ``"exact"``
        forms all K weighted Gram matrices ``Eᵀ diag(w_k) E`` every iteration
        (K·N·M² flops) and solves directly. ``"pcg"`` solves the same system
        by conjugate gradients with a matrix-free operator (two N×M×K
        products), warm-started from the previous iterate and preconditioned
        by the exact structured solve of Grams whose weights are kept within
        ``precond_ratio`` of the current ones by updating only the pixels
        whose weight moved further (typically 10–40 % of them).
    pcg_tolerance : float, default 1e-10
        ``"pcg"`` stops when ``‖c − H y‖ ≤ min(pcg_tolerance · ‖c‖, 0.01 · ‖r₀‖)``,
        r₀ the residual of the warm start (so that no step is skipped when
        the iterates barely move). The IRLS amplifies any error about tenfold
        per early iteration, so tighter solves buy little: on the 640×640
        docia run the components after 40 iterations differ between 1e-10
        and 1e-12 (mean |Δα| 1.6e-3) about as much as when the eigenvectors
        are perturbed by 1e-15 relative (1.1e-3), and 1e-10 needs half the
        CG iterations.
    precond_ratio : float, default 2.0
        ``"pcg"``: allowed factor between current and preconditioner weights
        (>= 1; larger means fewer Gram updates and more CG iterations).
    return_history : bool, default False
        Also return a :class:`ConstrainedHistory`.
    strict : bool, default False
        Raise :class:`sss_fast.ConvergenceError` instead of warning when an
        IRLS step's conjugate gradients stop above their target.

    Returns
    -------
    components : (K, N) float64
        Soft components, summing to one at every pixel.
    history : ConstrainedHistory
        Only when ``return_history``.

    Notes
    -----
    The IRLS amplifies rounding, so the two methods (and any two exact
    implementations) agree closely for the first iterations and then drift
    apart; both solve every step to (at least) ``pcg_tolerance``.

    Pruning removes a component's mass without renormalising the others; the
    last survivor is re-derived as one minus the rest by the next solve (see
    ``cpp/sparsify/constrained.hpp``).
    """
    if not isinstance(params, Params):
        raise TypeError(f"params must be a sss_fast.Params, got {type(params).__name__}")
    for name, a in (("eigvecs", eigvecs), ("eigvals", eigvals), ("init_labels", init_labels)):
        if not isinstance(a, np.ndarray):
            raise TypeError(f"{name} must be a NumPy array, got {type(a).__name__}")
    if eigvecs.ndim != 2 or eigvecs.dtype != np.float64:
        raise ValueError(f"eigvecs must be a float64 (M, N) array, got {eigvecs.dtype} "
                         f"{eigvecs.shape}; transpose an (N, M) array with .T.copy()")
    M, N = eigvecs.shape
    if M < 1 or N < 1:
        raise ValueError(f"eigvecs is empty (shape {eigvecs.shape})")
    if M > N:
        raise ValueError(f"eigvecs has more vectors ({M}) than pixels ({N}); pass it as (M, N)")
    if eigvals.shape != (M,):
        raise ValueError(f"eigvals must have shape ({M},) to match eigvecs, got {eigvals.shape}")
    stride, h, w = 1, 1, N
    if shape is not None:
        if len(shape) != 2 or int(shape[0]) * int(shape[1]) != N:
            raise ValueError(f"shape must be (H, W) with H * W = {N} (eigvecs' pixels), "
                             f"got {shape!r}")
        h, w = int(shape[0]), int(shape[1])
        stride = grid_stride(params, h, w)
    sample = grid_sample(h, w, stride) if stride > 1 else None
    if sample is not None and sample.size < M:
        raise ValueError(f"Params.constrained_stride={stride} leaves {sample.size} pixels for "
                         f"{M} eigenvectors; use a smaller stride")
    if init_labels.shape == (N,) and sample is not None:
        init_labels = init_labels[sample]
    n_lab = N if sample is None else sample.size
    if init_labels.shape != (n_lab,):
        raise ValueError(f"init_labels must have shape ({n_lab},) (one label per "
                         f"{'pixel' if sample is None else 'sampled pixel'}), "
                         f"got {init_labels.shape}")
    if init_labels.dtype.kind not in "iu":
        raise TypeError(f"init_labels must be an integer array, got {init_labels.dtype}")
    E = np.ascontiguousarray(eigvecs)
    lam = np.ascontiguousarray(eigvals, dtype=np.float64)
    if not (np.isfinite(E).all() and np.isfinite(lam).all()):
        raise ValueError("eigvecs and eigvals must be finite (no NaN or inf)")
    if init_labels.min() < 0 or init_labels.max() >= 2 ** 31:
        raise ValueError("init_labels must lie in [0, 2**31)")
    labels = np.ascontiguousarray(init_labels, dtype=np.int32)
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    if not (isinstance(pcg_tolerance, (int, float)) and 0 < pcg_tolerance < 1):
        raise ValueError(f"pcg_tolerance must be a float in (0, 1), got {pcg_tolerance!r}")
    if not (isinstance(precond_ratio, (int, float)) and 1 <= precond_ratio < np.inf):
        raise ValueError(f"precond_ratio must be a finite float >= 1, got {precond_ratio!r}")
    opt = options(params, solver=core.ConstrainedSolver.__members__[method],
                  pcg_tolerance=float(pcg_tolerance), precond_ratio=float(precond_ratio))
    r = core.constrained_sparsify(E, lam, labels, h, w, stride, opt)
    if not r.status.converged:
        report(f"constrained_sparsify: an IRLS step's conjugate gradients stopped above "
               f"pcg_tolerance={opt.pcg_tolerance:g} ({describe(r.status)}); the best iterate "
               "was kept", strict=strict)
    if return_history:
        return r.alpha, ConstrainedHistory(energy=r.energy, n_components=r.components_per_iter,
                                           pcg_iterations=r.pcg_iterations,
                                           gram_work=r.gram_work, status=r.status)
    return r.alpha
