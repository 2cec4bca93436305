"""Relaxed sparsification (SPEC §9): the grouped layers refined by IRLS.

Three public functions:

* :func:`sparsity_exponent` — the spatially varying exponent γ̃ (§9.2);
* :func:`relaxed_sparsify` — the stage itself (§9.1–9.5), native and
  matrix-free: each IRLS step is one preconditioned CG solve whose
  preconditioner is the exact inverse of the per-pixel K×K blocks;
* :func:`clean_layers` — the user-facing final clean-up (clip to [0, 1],
  renormalise), reporting how much it changed the layers.
"""

from __future__ import annotations

import numpy as np

from .._native import core
from ..edge.params import Params
from ..edge.status import ConvergenceWarning, report
from ..edge.validate import as_csr, as_image

__all__ = ["ConvergenceWarning", "sparsity_exponent", "relaxed_sparsify", "clean_layers",
           "options"]

_STATUS = {0: "converged", 1: "stopped above cg_tolerance", 2: "broke down (system not SPD?)"}


def options(params) -> "core.RelaxedOptions":
    """The native relaxed-stage options from :class:`sss_fast.Params`."""
    return core.RelaxedOptions(
        clean_low=params.clean_low, clean_high=params.clean_high,
        lambda_=params.sum_to_one_weight, iterations=params.relaxed_iterations,
        floor=params.relaxed_floor, gamma_base=params.gamma_base,
        gamma_cap=params.gamma_gradient_cap, cg_tolerance=params.cg_tolerance,
        cg_max_iterations=params.cg_max_iterations)


def _check_params(params) -> Params:
    if not isinstance(params, Params):
        raise TypeError(f"params must be a sss_fast.Params, got {type(params).__name__}")
    return params


def sparsity_exponent(image, params: Params = Params()) -> np.ndarray:
    """Spatially varying sparsity exponent γ̃ of SPEC §9.2.

    Parameters
    ----------
    image : (H, W, 3) array
        RGB image (uint8, uint16, or float in [0, 1]).
    params : Params
        Uses ``gamma_base`` (0.9) and ``gamma_gradient_cap`` (0.1).

    Returns
    -------
    (H, W) float64
        ``gamma_base + min(|∇I|, gamma_gradient_cap)`` with the
        Farid–Simoncelli 13-tap derivative filters, edge-replicate padding.
    """
    params = _check_params(params)
    img = as_image(image, "image", min_size=1)
    return core.relaxed_sparsity_exponent(img, params.gamma_base, params.gamma_gradient_cap)


def _as_layers(layers, n_pixels: int, shape) -> np.ndarray:
    if not isinstance(layers, np.ndarray):
        layers = np.asarray(layers)
    if layers.dtype.kind != "f":
        raise TypeError(f"layers must be a float array, got dtype {layers.dtype}")
    if layers.ndim == 3:
        if tuple(layers.shape[1:]) != tuple(shape):
            raise ValueError(
                f"layers has shape {layers.shape} but the image is {shape[0]}×{shape[1]}; "
                f"pass (K, H, W) or (K, H*W) layers of the image"
            )
    elif layers.ndim == 2:
        if layers.shape[1] != n_pixels:
            raise ValueError(
                f"layers has shape {layers.shape} but the image has {n_pixels} pixels; "
                f"pass (K, H, W) or (K, H*W) layers of the image"
            )
    else:
        raise ValueError(f"layers must have shape (K, H, W) or (K, N), got {layers.shape}")
    if layers.shape[0] < 1:
        raise ValueError("layers must hold at least one layer (K >= 1)")
    out = np.ascontiguousarray(layers.reshape(layers.shape[0], n_pixels), dtype=np.float64)
    if not np.isfinite(out).all():
        raise ValueError("layers contains NaN or inf; replace them (np.nan_to_num) first")
    return out


def relaxed_sparsify(layers, laplacian, image, params: Params = Params(), *,
                     return_info: bool = False, strict: bool = False):
    """Relaxed sparsification of grouped soft layers (SPEC §9).

    Cleans the grouped layers α̂ (§9.1), then runs ``params.relaxed_iterations``
    IRLS steps on ``E = E_F + λE_C + E_L + E_S`` (§9.3–9.4) and one final
    pass without the sparsity term (§9.5). Each step is a matrix-free PCG
    solve to relative residual ``params.cg_tolerance`` (at most
    ``params.cg_max_iterations`` iterations), warm-started from the previous
    iterate.

    Parameters
    ----------
    layers : (K, H, W) or (K, N) array
        Grouped layers α̂ (SPEC §8), N = H·W.
    laplacian : scipy.sparse matrix, N×N
        The Laplacian L of SPEC §5 (symmetric; CSR with float64 data and int32
        or int64 indices is used as is, other formats are converted).
    image : (H, W, 3) array
        The image (uint8, uint16, or float in [0, 1]); it sets γ̃.
    params : Params
        Uses clean_low/high, sum_to_one_weight, relaxed_iterations,
        relaxed_floor, gamma_base, gamma_gradient_cap, cg_tolerance and
        cg_max_iterations.
    return_info : bool, keyword-only
        Also return a dict of diagnostics.
    strict : bool, keyword-only
        Raise :class:`sss_fast.ConvergenceError` instead of warning when a
        PCG solve stops above ``params.cg_tolerance``.

    Returns
    -------
    layers : (K, H, W) float64
        The layers as solved: sums ≈ 1, values may leave [0, 1] slightly
        (see :func:`clean_layers`).
    info : dict, only if ``return_info``
        ``energy`` (T+1,): E at the cleaned α̂ and after each IRLS step;
        ``irls_energy`` (T+1,): the majorised energy IRLS never increases
        (sparsity terms weighted 2/γ̃, quadratic below the floor);
        ``final_energy``: E at the returned layers; ``cg_iterations``,
        ``cg_residuals``, ``cg_converged`` (T+1,): per PCG solve, the T IRLS
        solves then the final pass; ``cg_seconds`` (T+1,) and ``seconds``:
        wall times of each solve and of the native stage (diagnostics);
        ``sparsity_exponent`` (H, W).

    Warns
    -----
    ConvergenceWarning
        If a PCG solve stopped above ``params.cg_tolerance``.
    """
    params = _check_params(params)
    img = as_image(image, "image", min_size=1)
    h, w = img.shape[:2]
    n = h * w
    a = _as_layers(layers, n, (h, w))
    indptr, indices, data = as_csr(laplacian, n)
    out = core.relaxed_sparsify(a, indptr, indices, data, img, options(params))
    status = out.cg_status
    bad = np.flatnonzero(status != 0)
    if bad.size:
        t = int(bad[0])
        which = "final pass" if t == status.size - 1 else f"IRLS step {t + 1}"
        report(f"relaxed_sparsify: {bad.size} of {status.size} PCG solves did not reach "
               f"cg_tolerance={params.cg_tolerance:g} (first: {which} "
               f"{_STATUS.get(int(status[t]), '?')}, relative residual "
               f"{out.cg_residuals[t]:.3g}); raise Params.cg_max_iterations", strict=strict)
    result = out.layers.reshape(a.shape[0], h, w)
    if not return_info:
        return result
    info = {
        "energy": out.energy,
        "irls_energy": out.irls_energy,
        "final_energy": float(out.final_energy),
        "cg_iterations": out.cg_iterations,
        "cg_residuals": out.cg_residuals,
        "cg_converged": status == 0,
        "cg_seconds": out.cg_seconds,
        "seconds": float(out.seconds),
        "sparsity_exponent": core.relaxed_sparsity_exponent(
            img, params.gamma_base, params.gamma_gradient_cap),
    }
    return result, info


def clean_layers(layers, *, return_change: bool = False):
    """Clip layers to [0, 1] and renormalise each pixel to sum to one.

    Parameters
    ----------
    layers : (K, H, W) array
        Soft layers, e.g. the output of :func:`relaxed_sparsify`.
    return_change : bool, keyword-only
        Also return the largest absolute change of any value.

    Returns
    -------
    cleaned : (K, H, W) float64
        Values in [0, 1] summing to one per pixel (a pixel with nothing
        positive becomes 1/K in every layer).
    max_change : float, only if ``return_change``
        ``max |cleaned - layers|``.
    """
    if not isinstance(layers, np.ndarray):
        layers = np.asarray(layers)
    if layers.dtype.kind != "f":
        raise TypeError(f"layers must be a float array, got dtype {layers.dtype}")
    if layers.ndim != 3 or layers.shape[0] < 1:
        raise ValueError(f"layers must have shape (K, H, W) with K >= 1, got {layers.shape}")
    a = np.asarray(layers, dtype=np.float64)
    if not np.isfinite(a).all():
        raise ValueError("layers contains NaN or inf; replace them (np.nan_to_num) first")
    c = np.clip(a, 0.0, 1.0)
    s = c.sum(axis=0, keepdims=True)
    pos = s > 0
    cleaned = np.where(pos, c / np.where(pos, s, 1.0), 1.0 / a.shape[0])
    if return_change:
        change = float(np.abs(cleaned - a).max()) if a.size else 0.0
        return cleaned, change
    return cleaned
