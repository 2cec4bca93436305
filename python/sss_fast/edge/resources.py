"""Peak-memory estimate of :func:`sss_fast.segment` and the check made before
the heavy stages run.

The estimate is an empirical model fitted (non-negative least squares,
relative error) to the peak resident set size (``VmHWM``, reset after the
inputs are loaded) of ``segment`` measured in fresh processes at 64² to 480²
pixels and several parameter settings (see ``docs/reliability.md``). The
peak lies in the eigenvector stage, which holds the Krylov basis and the
eigenvector copies (a few M·N doubles) and the supernodal Cholesky factor
(measured at 110–260 entries per pixel for the pixel grid, not growing past
256², plus a dense block for the s superpixel nodes ordered last)::

    eigen   ≈ 3.2 MB + N·(1105 + 25.8·M) B + 18.0·s² B
    sparse  ≈ 8·N·(3·M + 4·K₀ + 24) B          (constrained stage)
    reduce  ≈ 8·N_full·(3.5·D + 60) B          (raw features with D ≠ 3)
    relax   ≈ 8·N_full·(12·K + 80) B           (only when downsampled)

with N = H·W of the image the spectral part runs on (downsampled by
``Params.spectral_factor``), N_full the full image's pixels, M =
``n_eigenvectors``, K₀ = ``n_initial_components``, K = ``n_layers``
(``auto_max_layers`` for "auto"), s = min(``n_superpixels``,
N/16); the estimate is the largest of the four times a safety margin of
1.25. The eigen term was fitted within
7 % of measurements at 64²–480²; its per-pixel constant was later lowered
to meet the slimmer eigen stage at 640²–2048×1536 (see ``_EIG_PER_PIXEL``),
so it errs on the safe side at small sizes. The relax term is from one
measurement of ``segment`` at 2400×1800 with the spectral part at
1200×900 (peak in the relaxed stage, 4.47 GiB).

Available memory is ``MemAvailable`` from ``/proc/meminfo`` (else
``sysconf``), lowered to the room left under a cgroup memory limit when the
process runs in a container with one.
"""

from __future__ import annotations

import math
import os
from typing import Optional

import numpy as np

from .params import Params

__all__ = ["MemoryLimitError", "estimate_peak_memory", "available_memory", "check_memory",
           "validate_max_memory", "format_bytes"]

# Fitted coefficients (bytes); see the module docstring.
_EIG_BASE = 3.18e6
# 2373 fitted at 64²–480² (module docstring); lowered to 1105 on 2026-12-05
# so that the model meets the slimmer eigen stage measured at 640², 1024²
# and 2048×1536 (docia, defaults: VmHWM 1.35 / 3.31 / 10.81 GiB, i.e.
# 3685 B per pixel all told at 2048×1536) — at 2373 it asked for 1.7× the
# memory used and refused large images that fit.
_EIG_PER_PIXEL = 1105.0
# 24.2 fitted when the Krylov basis held M + M/10 + 64 vectors; it now holds
# M + 3M/10 + 64 (spectral.py keeps more Ritz pairs across restarts): 0.2·M
# more vectors of 8 bytes per pixel.
_EIG_PER_PIXEL_M = 24.2 + 1.6
_EIG_SPECIAL_SQ = 18.0
# Full-resolution superpixels, Laplacian and relaxed stage, with the image
# and features (8-byte words per pixel, K layers): segment's VmHWM over the
# loaded inputs was 4.47 GiB at 2400×1800 (spectral part at 1200×900, K = 5,
# the peak in the relaxed stage), 1111 B per pixel.
_RELAXED_PER_LAYER = 12.0
_RELAXED_BASE = 80.0
#: Safety factor applied to the fitted model.
_MARGIN = 1.25


class MemoryLimitError(MemoryError):
    """Raised before the heavy stages when ``segment`` would need more memory
    than is available (or than ``max_memory`` allows)."""


def format_bytes(n: float) -> str:
    """``1536 -> '1.5 KiB'``."""
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024.0 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024.0
    return f"{n:.1f} TiB"  # pragma: no cover


def estimate_peak_memory(height: int, width: int, params: Optional[Params] = None,
                         n_feature_channels: int = 3, superpixels: bool = True) -> int:
    """Estimated peak memory (bytes) ``segment`` adds for an image of this size.

    Parameters
    ----------
    height, width : int
        Image size.
    params : Params, optional
        ``n_eigenvectors`` and ``n_initial_components`` matter (as capped by
        the pipeline for small images); default ``Params()``.
    n_feature_channels : int
        Channels D of the features passed (3 for reduced features).
    superpixels : bool
        False for the spectral matting baseline (no superpixel nodes, never
        downsampled).

    Returns
    -------
    int
        Bytes, including a safety margin; the Python interpreter and the
        imported modules are not counted.
    """
    params = Params() if params is None else params
    # (at least one pixel: the check runs on peeked shapes, before the image
    # is validated, so an empty image gets the image's error, not this one's)
    full_h, full_w = max(1, int(height)), max(1, int(width))
    n_full = full_h * full_w
    # segment's spectral part runs on the image downsampled by this factor
    # (spectral matting, superpixels=False, never downsamples).
    f = params.spectral_factor(full_h, full_w) if superpixels else 1
    height, width = -(-full_h // f), -(-full_w // f)
    n = height * width
    # The counts as the pipeline caps them for small images.
    m = min(params.n_eigenvectors, max(2, (n - 2) // 2))
    k0 = min(params.n_initial_components, max(2, n // 4))
    s = min(params.n_superpixels, max(1, n // 16)) if superpixels else 0
    d = max(1, int(n_feature_channels))
    eigen = (_EIG_BASE + n * (_EIG_PER_PIXEL + _EIG_PER_PIXEL_M * m)
             + _EIG_SPECIAL_SQ * float(s) ** 2)
    # E, its pixel-major copy for the Gram kernels (M rounded up to 8), and
    # the per-component weight and alpha arrays.
    # With a pixel stride the stage works on n_s sampled pixels and lifts the
    # components (K ≤ K₀ of them) back to all n.
    from ..stages.constrained import grid_sample_count, grid_stride

    stride = grid_stride(params, height, width)
    if stride == 1:
        sparse = 8.0 * n * (3 * m + 4 * k0 + 24)
    else:
        n_s = grid_sample_count(height, width, stride)
        sparse = 8.0 * (n * (m + k0) + n_s * (2 * m + 4 * k0 + 24))
    reduce = 8.0 * n_full * (3.5 * d + 60) if d != 3 else 0.0
    # Downsampled, the full-resolution Laplacian and relaxed stage come after
    # the spectral part (below the spectral peak at f = 1).
    k = params.n_layers if isinstance(params.n_layers, int) else params.auto_max_layers
    relax = 8.0 * n_full * (_RELAXED_PER_LAYER * k + _RELAXED_BASE) if f > 1 else 0.0
    return int(_MARGIN * max(eigen, sparse, reduce, relax))


def _read_int(path: str) -> Optional[int]:
    try:
        with open(path) as f:
            s = f.read().strip()
    except OSError:
        return None
    if not s or s == "max":
        return None
    try:
        return int(s)
    except ValueError:
        return None


def _cgroup_room() -> Optional[int]:
    """Bytes left under this process's cgroup memory limit, if it has one."""
    rooms = []
    # cgroup v2: unified hierarchy, path from /proc/self/cgroup ("0::/path").
    rel = ""
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                if line.startswith("0::"):
                    rel = line[3:].strip().lstrip("/")
    except OSError:
        pass
    for base in {os.path.join("/sys/fs/cgroup", rel), "/sys/fs/cgroup"}:
        limit = _read_int(os.path.join(base, "memory.max"))
        usage = _read_int(os.path.join(base, "memory.current"))
        if limit is not None and usage is not None:
            rooms.append(limit - usage)
    # cgroup v1.
    limit = _read_int("/sys/fs/cgroup/memory/memory.limit_in_bytes")
    usage = _read_int("/sys/fs/cgroup/memory/memory.usage_in_bytes")
    if limit is not None and usage is not None and limit < 2**60:
        rooms.append(limit - usage)
    return max(0, min(rooms)) if rooms else None


def available_memory() -> Optional[int]:
    """Bytes of memory this process can still use without swapping, or None
    when the platform does not say."""
    avail = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        avail = None
    if avail is None:
        try:
            avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            avail = None
    room = _cgroup_room()
    if room is not None:
        avail = room if avail is None else min(avail, room)
    return avail


def validate_max_memory(max_memory):
    """``max_memory`` checked: None, or a positive number of bytes (``math.inf``
    allowed); raises ValueError otherwise."""
    if max_memory is not None and (isinstance(max_memory, bool)
                                   or not isinstance(max_memory, (int, float, np.integer,
                                                                  np.floating))
                                   or not max_memory > 0):
        raise ValueError(f"max_memory must be a positive number of bytes (or None), "
                         f"got {max_memory!r}")
    return max_memory


def check_memory(height: int, width: int, params: Optional[Params] = None,
                 n_feature_channels: int = 3, max_memory=None, superpixels: bool = True,
                 what_runs: str = "segment") -> int:
    """Raise :class:`MemoryLimitError` if ``segment`` would not fit.

    Parameters
    ----------
    height, width, params, n_feature_channels, superpixels
        As for :func:`estimate_peak_memory`.
    max_memory : int, float or None
        Limit in bytes (``math.inf``: no check); None: the memory available
        now (:func:`available_memory`; no check when unknown).

    Returns
    -------
    int
        The estimate, in bytes.
    """
    need = estimate_peak_memory(height, width, params, n_feature_channels, superpixels)
    if max_memory is None:
        limit = available_memory()
        what = "available"
        if limit is None:
            return need
    elif math.isinf(max_memory):
        return need
    else:
        limit = int(max_memory)
        what = "allowed by max_memory"
    if need > limit:
        raise MemoryLimitError(
            f"{what_runs} needs about {format_bytes(need)} for a {height}×{width} image but only "
            f"{format_bytes(limit)} is {what}; downscale the image, lower "
            f"Params.n_eigenvectors / n_initial_components"
            + (" / spectral_max_pixels" if superpixels else "") + ", or raise max_memory"
            + (" (max_memory=<bytes> overrides the available-memory check)"
               if max_memory is None else "")
        )
    return need
