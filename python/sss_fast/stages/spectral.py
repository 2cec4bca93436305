"""Eigenvectors of the Laplacian closest to zero (SPEC §6).

Shift-invert around a shift below the spectrum, with a native supernodal
Cholesky factor of ``L − σI`` (nested-dissection order on the pixel grid,
superpixel centroids last; σ lowered automatically until the factorisation
succeeds) and one of two Krylov drivers over the same factor:

* ``"block"`` (default): thick-restart block Krylov, applying the inverse to
  blocks of vectors with BLAS-3 kernels;
* ``"lanczos"``: Spectra's implicitly restarted Lanczos (one vector at a time).

The eigenvalues closest to zero are selected from the algebraically smallest
ones computed, and the selection is checked to be complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .._native import core
from ..edge.params import Params
from ..edge.status import ConvergenceWarning, report

__all__ = ["EigenResult", "ConvergenceWarning", "smallest_eigenpairs", "options"]

_DEFAULTS = core.EigsOptions()


#: Pixels from which ``Params.eig_basis="auto"`` keeps the Krylov basis in float32.
FLOAT_BASIS_MIN_PIXELS = 256 * 256


def options(params, *, n=None, extra, seed=_DEFAULTS.seed, shift=None, pixels=0) -> "core.EigsOptions":
    """The native eigen options from :class:`sss_fast.Params` (``pixels``: the
    image's, for ``eig_basis="auto"``).

    The Krylov stopping rule: ‖A⁻¹x − θx‖ ≤ tol·|θ| for A = L − σI. Multiplying
    by A gives ‖(L − λ)x‖ ≤ ‖A‖₂·tol ≤ (‖L‖₁ + |σ|)·tol, so tol = eig_tolerance/2
    already guarantees the requested relative residual (with room for
    rounding); a tighter tol only buys restarts (each about 2.5 s at 640²).
    eig_stopping="residual" instead stops on the true residual itself, which
    the Krylov decomposition gives exactly at each restart (drivers that
    cannot, such as "lanczos", ignore it): the same bar, usually a restart
    earlier. A float32 Krylov basis from 256² (``eig_basis="auto"``): half the
    memory of the stage's second largest buffer, the same eigenpairs at that
    size.
    """
    krylov_tol = 0.5 * params.eig_tolerance
    float_basis = params.eig_basis == "float32" or (params.eig_basis == "auto"
                                                    and pixels >= FLOAT_BASIS_MIN_PIXELS)
    return core.EigsOptions(
        n_wanted=params.n_eigenvectors if n is None else int(n), extra=extra,
        method=core.EigenMethod.__members__[params.eig_method], block=params.eig_block,
        tol=krylov_tol, residual_tol=krylov_tol if params.eig_stopping == "residual" else 0.0,
        shift=float(shift or 0.0), seed=int(seed) & 0xFFFFFFFFFFFFFFFF, float_basis=float_basis)


@dataclass(frozen=True)
class EigenResult:
    """Eigenpairs of L closest to zero.

    Attributes
    ----------
    values : (M,) float64, ascending.
    vectors : (M, N) float64, each row a unit eigenvector (mutually orthonormal).
    residuals : (M,) float64, ``‖L e − λ e‖ / ‖L‖₁`` per pair.
    info : dict of solver facts (shift used, factor size, vectors solved, ...).
    """

    values: np.ndarray
    vectors: np.ndarray
    residuals: np.ndarray
    info: dict = field(default_factory=dict)


def _check_laplacian(laplacian, shape):
    if not sp.issparse(laplacian):
        raise TypeError("laplacian must be a scipy.sparse matrix (CSR), e.g. from build_laplacian()")
    h, w = int(shape[0]), int(shape[1])
    n = h * w
    if laplacian.shape != (n, n):
        raise ValueError(f"laplacian is {laplacian.shape} but shape {(h, w)} needs ({n}, {n})")
    csr = laplacian.tocsr()
    if csr.data.dtype != np.float64:
        csr = csr.astype(np.float64)
    if not csr.has_sorted_indices:
        csr = csr.sorted_indices()
    if not np.isfinite(csr.data).all():
        raise ValueError("laplacian contains NaN or inf")
    idx = np.int32 if csr.indices.dtype == np.int32 and csr.indptr.dtype == np.int32 else np.int64
    return (np.ascontiguousarray(csr.indptr, dtype=idx), np.ascontiguousarray(csr.indices, dtype=idx),
            np.ascontiguousarray(csr.data)), h, w


def _dense_eigenpairs(indptr, indices, data, n_total, n, params, strict):
    lap = sp.csr_matrix((data, indices, indptr), shape=(n_total, n_total)).toarray()
    lap = 0.5 * (lap + lap.T)
    vals, vecs = np.linalg.eigh(lap)
    keep = np.sort(np.argsort(np.abs(vals), kind="stable")[:n])
    keep = keep[np.argsort(vals[keep], kind="stable")]
    values, vectors = vals[keep], np.ascontiguousarray(vecs[:, keep].T)
    l1 = max(np.abs(lap).sum(axis=0).max(), 1e-300)
    residuals = np.linalg.norm(lap @ vectors.T - vectors.T * values, axis=0) / l1
    info = {"method": "dense", "converged": True, "complete": True, "n_applied": 0,
            "shift": 0.0}
    if residuals.max() > params.eig_tolerance:
        report(f"smallest_eigenpairs: largest relative residual {residuals.max():.3g}",
               strict=strict, stacklevel=3)
    return EigenResult(values=values, vectors=vectors, residuals=residuals, info=info)


def smallest_eigenpairs(laplacian, shape, *, n=None, params=Params(), seed=_DEFAULTS.seed,
                        strict=False,
                        shift=None, special=None):
    """The ``n`` eigenpairs of a Laplacian closest to zero.

    Parameters
    ----------
    laplacian : scipy.sparse matrix, (N, N)
        Symmetric Laplacian of an H×W image (e.g. :func:`sss_fast.stages.laplacian.build_laplacian`).
    shape : (H, W)
        Image size; the solver's ordering uses the pixel grid.
    n : int, optional
        Number of eigenpairs (default ``params.n_eigenvectors``).
    params : Params
        ``eig_method``, ``eig_block`` and ``eig_tolerance`` are used.
    seed : int
        Seed of the random start block (results are deterministic for a seed).
    strict : bool
        Raise :class:`sss_fast.ConvergenceError` (an ``ArithmeticError``)
        instead of warning when the solver does not
        converge or a residual exceeds ``params.eig_tolerance``.
    shift : float, optional
        Fixed shift σ (must be below the smallest eigenvalue); default automatic:
        σ next to zero with an indefinite L D Lᵀ of the special block, falling
        back to Cholesky below the spectrum if that fails.
    special : array of int, optional
        Pixels whose rows carry non-local entries (the superpixel centroids);
        they are ordered last. Pixels with entries off the 25-point stencil
        are found automatically; pass the centroids to also catch entries
        between centroids that happen to lie within 2 pixels.
    """
    if not isinstance(params, Params):
        raise TypeError("params must be a sss_fast.Params")
    (indptr, indices, data), h, w = _check_laplacian(laplacian, shape)
    n_total = h * w
    n = params.n_eigenvectors if n is None else int(n)
    if n < 1 or n >= n_total - 1:
        raise ValueError(f"n must be in [1, {n_total - 2}] for a {h}×{w} image, got {n}")
    # Pairs computed beyond the n wanted: the thick restart keeps n + extra
    # Ritz vectors, and keeping more of them saves applied vectors (docia at
    # 640²: 30 extra instead of 10 apply 320 vectors in 2 restarts instead of
    # 416 in 4; 40 and 60 gain nothing more at 320²).
    extra = min(max(10, (3 * n) // 10), n_total - 1 - n)
    if shift is not None and not (np.isfinite(shift) and shift < 0):
        raise ValueError("shift must be a finite negative number (below the smallest eigenvalue)")
    if n_total <= 4 * (n + extra) + 64:
        # Tiny problem: the Krylov basis would span most of the space; a dense
        # symmetric eigensolver is exact and faster.
        return _dense_eigenpairs(indptr, indices, data, n_total, n, params, strict)
    if special is None:
        special = np.zeros(0, dtype=np.int64)
    else:
        special = np.unique(np.asarray(special, dtype=np.int64).ravel())
        if special.size and (special[0] < 0 or special[-1] >= n_total):
            raise ValueError(f"special holds pixel indices outside [0, {n_total})")
    opt = options(params, n=n, extra=extra, seed=seed, shift=shift, pixels=n_total)
    r = core.smallest_eigs(indptr, indices, data, h, w, special, opt)
    values, vectors, residuals = r.values, r.vectors, r.residuals
    out = {k: getattr(r, k) for k in r._fields if isinstance(getattr(r, k), (bool, int, float))}
    out["basis"] = "float32" if opt.float_basis else "float64"
    out["residual_history"] = r.residual_history
    problems = []
    if not out["converged"]:
        problems.append("the Krylov solver did not converge")
    if not out["complete"]:
        problems.append("the selection of eigenvalues closest to zero may be incomplete "
                        "(more negative eigenvalues than expected)")
    worst = float(residuals.max()) if residuals.size else 0.0
    if worst > params.eig_tolerance:
        problems.append(f"largest relative residual {worst:.3g} exceeds {params.eig_tolerance:g}")
    if problems:
        report("smallest_eigenpairs: " + "; ".join(problems), strict=strict)
    return EigenResult(values=values, vectors=vectors, residuals=residuals, info=out)
