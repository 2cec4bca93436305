"""Layer colours for compositing (SPEC §12).

:func:`layer_colors` gives each soft layer α_i an RGB image F_i such that
``Σ_i α_i F_i`` reproduces the input image, F_i being smooth where α_i is
smooth (closed-form colour estimation, Levin et al.). Each layer then becomes
an RGBA image (F_i, α_i) that composites back to the input and can be edited
or recoloured on its own.

Per colour channel the colours minimise

    Σ_p (Σ_i α_ip F_ip − I_p)²
    + Σ_i Σ_{p~q} (|α_ip − α_iq| + ε_c) (F_ip − F_iq)²
    + δ Σ_i Σ_p (1 − α_ip)² (F_ip − I_p)²

over 4-neighbour pairs p~q. The first two terms are SPEC §12. The smoothness
weight is large where α_i changes, which forces F_i to carry the layer's own
colour across its soft edge (the colour unmixing); ε_c keeps F_i defined
where α_i is flat. The third term (δ, ``prior``) is an addition, small by
default: see :func:`layer_colors`.

Solved natively: one matrix-free PCG solve for all three channels with an
exact per-pixel block preconditioner, warm-started from F_i = I.
"""

from __future__ import annotations

import numpy as np

from .._native import core
from ..edge.status import report
from ..edge.validate import as_image, as_layers

_DEFAULTS = core.ColorOptions()

__all__ = ["layer_colors", "DEFAULT_EPSILON", "DEFAULT_PRIOR"]

#: ε_c, the floor of the smoothness weights |α_ip − α_iq| + ε_c. 1e-2 is 1% of
#: a full α step: small enough that where a layer is fully present (α_i = 1)
#: the data term dominates and F_i ≈ I (reconstruction error ~ ε_c·|ΔI|), large
#: enough that where α_i is flat F_i is smooth and the system well conditioned
#: (the solve's condition number in regions without the layer grows as 1/ε_c).
#: Measured on docia (k-means layers, 160×160): mean |Σ α F − I| (unclipped) is
#: 0.0073 / 0.0033 / 0.0027 / 0.0027 for ε_c = 1e-1 / 1e-2 / 1e-3 / 1e-4, so
#: going below 1e-2 buys little fidelity for a worse-conditioned system.
DEFAULT_EPSILON = _DEFAULTS.epsilon

#: δ, the weight pulling F_i towards I where α_i ≈ 0 (weighted by (1 − α_i)²).
DEFAULT_PRIOR = _DEFAULTS.prior

_STATUS = {0: "converged", 1: "stopped at max_iterations", 2: "broke down (system not SPD?)"}

def _positive(name, v, allow_zero=False):
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(v).__name__}")
    v = float(v)
    if not np.isfinite(v) or v < 0.0 or (v == 0.0 and not allow_zero):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {v!r}")
    return v


def layer_colors(image, layers, *, epsilon: float = DEFAULT_EPSILON,
                 prior: float = DEFAULT_PRIOR, tolerance: float = _DEFAULTS.tolerance,
                 max_iterations: int = _DEFAULTS.max_iterations, clip: bool = _DEFAULTS.clip,
                 return_info: bool = False, strict: bool = False):
    """Colours F_i of each soft layer so that ``Σ_i α_i F_i`` reproduces the image.

    Parameters
    ----------
    image : (H, W, 3) array
        The image the layers were computed from (uint8, uint16, or float in
        [0, 1]; (H, W) grayscale and (H, W, 4) RGBA accepted as in
        :func:`sss_fast.segment`).
    layers : (K, H, W) float array or SegmentResult
        Soft layers α in [0, 1] (e.g. ``segment(...).layers``). They need not
        sum to one.
    epsilon : float, keyword-only
        ε_c > 0, the floor of the smoothness weights (default
        :data:`DEFAULT_EPSILON` = 1e-2, see there for why).
    prior : float, keyword-only
        δ ≥ 0, weight of ``(1 − α_i)² (F_i − I)²``, which pulls F_i towards
        the image where the layer is absent. Not in SPEC §12 (set 0 for the
        SPEC energy exactly). Default 1e-3: it makes the system definite even
        for an empty layer and bounds its condition number, so PCG needs
        tens instead of hundreds of iterations on large images; where
        α_i ≳ 0.1 it is negligible next to the data term (α_i² ≥ 0.01), and
        since F = I reconstructs exactly it never worsens Σ α F ≈ I.
    tolerance : float, keyword-only
        Relative residual ‖b − A F‖/‖b‖ the PCG solve reaches (default 1e-6).
    max_iterations : int, keyword-only
        PCG iteration cap (default 2000).
    clip : bool, keyword-only
        Clip the colours to [0, 1] (default True), as needed for RGBA export.
    strict : bool, keyword-only
        Raise :class:`sss_fast.ConvergenceError` instead of warning when PCG
        stops above ``tolerance``.
    return_info : bool, keyword-only
        Also return a dict of solver facts.

    Returns
    -------
    colors : (K, H, W, 3) float64
        Layer colours, in [0, 1] when ``clip``.
    info : dict, only if ``return_info``
        ``iterations``, ``relative_residual``, ``converged``, ``seconds``
        (native wall time), ``reconstruction_error`` (mean |Σ α F − I|).

    Warns
    -----
    ConvergenceWarning
        If PCG stopped above ``tolerance``.

    Examples
    --------
    >>> res = sss_fast.segment(image, features)             # doctest: +SKIP
    >>> F = sss_fast.layer_colors(image, res.layers)        # doctest: +SKIP
    >>> rgba0 = np.dstack([F[0], res.layers[0]])            # doctest: +SKIP
    """
    img = as_image(image, "image", min_size=1)
    h, w = img.shape[:2]
    a = as_layers(layers, "layers", (h, w), strict_range=True)
    epsilon = _positive("epsilon", epsilon)
    prior = _positive("prior", prior, allow_zero=True)
    tolerance = _positive("tolerance", tolerance)
    if isinstance(max_iterations, bool) or not isinstance(max_iterations, (int, np.integer)) \
            or max_iterations < 1:
        raise ValueError(f"max_iterations must be a positive int, got {max_iterations!r}")
    if h * w < 2 and prior == 0.0:
        raise ValueError("a 1-pixel image needs prior > 0 (the smoothness term has no pairs)")
    out = core.layer_colors(img, a, core.ColorOptions(
        epsilon=epsilon, prior=prior, tolerance=tolerance, max_iterations=int(max_iterations),
        clip=bool(clip)))
    st = out.status
    status = int(st.status)
    if status != 0:
        report(f"layer_colors: PCG {_STATUS.get(status, '?')} after {st.iterations} iterations "
               f"(relative residual {st.residual:.3g} > tolerance {tolerance:g}); "
               f"raise max_iterations or epsilon/prior", strict=strict)
    colors = out.colors
    if not return_info:
        return colors
    recon = np.einsum("khw,khwc->hwc", a, colors)
    info = {
        "iterations": int(st.iterations),
        "relative_residual": float(st.residual),
        "converged": status == 0,
        "seconds": float(out.seconds),
        "reconstruction_error": float(np.abs(recon - img).mean()),
    }
    return colors, info
