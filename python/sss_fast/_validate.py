"""Input validation: one pass at the edge of the public API.

Every refusal is a ``TypeError`` (wrong kind of object or dtype) or a
``ValueError`` (wrong shape or values) whose message names the argument and
says how to fix it. Accepted inputs come out as C-contiguous float64 arrays.

dtype policy: uint8 is scaled by 1/255, uint16 by 1/65535; float32 and
float64 must already lie in [0, 1]; bool, complex, object and other integer
types are refused.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["as_image", "as_features", "peek_image_shape", "peek_feature_channels",
           "MIN_SIZE"]

#: Smallest image side accepted by the full pipeline.
MIN_SIZE = 8


def _as_array(x, name: str) -> np.ndarray:
    if isinstance(x, np.ndarray):
        return x
    try:
        a = np.asarray(x)
    except Exception as exc:  # pragma: no cover - exotic objects
        raise TypeError(f"{name} must be a NumPy array, got {type(x).__name__}") from exc
    if a.dtype == object:
        raise TypeError(f"{name} must be a numeric NumPy array, got {type(x).__name__}")
    return a


def _to_unit_float(a: np.ndarray, name: str, check_range: bool = True) -> np.ndarray:
    kind = a.dtype.kind
    if kind == "b":
        raise TypeError(f"{name} has dtype bool; pass uint8 (0..255) or float in [0, 1]")
    if kind == "c":
        raise TypeError(f"{name} has a complex dtype; pass real values (uint8 or float in [0, 1])")
    # kind/itemsize rather than ==: byte-swapped (big-endian) uint8/uint16 count too.
    if kind == "u" and a.dtype.itemsize == 1:
        return np.ascontiguousarray(a, dtype=np.float64) / 255.0
    if kind == "u" and a.dtype.itemsize == 2:
        return np.ascontiguousarray(a, dtype=np.float64) / 65535.0
    if kind in "iu":
        raise TypeError(
            f"{name} has dtype {a.dtype}; pass uint8, uint16, float32 or float64 "
            f"(e.g. {name}.astype(np.float64) / {name}.max())"
        )
    if kind != "f":
        raise TypeError(f"{name} has unsupported dtype {a.dtype}; pass uint8, uint16, float32 or "
                        f"float64 (e.g. np.asarray({name}, dtype=np.float64))")
    out = np.ascontiguousarray(a, dtype=np.float64)
    if not np.isfinite(out).all():
        raise ValueError(f"{name} contains NaN or inf; replace them (e.g. np.nan_to_num) first")
    if check_range and out.size and (out.min() < 0.0 or out.max() > 1.0):
        raise ValueError(
            f"{name} is float with values in [{out.min():.4g}, {out.max():.4g}]; float images must "
            f"lie in [0, 1] (divide by 255 for 8-bit data, or np.clip)"
        )
    return out


def as_image(image, name: str = "image", min_size: int = MIN_SIZE) -> np.ndarray:
    """Validate an RGB image and return it as C-contiguous float64 H×W×3 in [0, 1].

    Accepts H×W (grayscale, expanded to 3 channels), H×W×3, and H×W×4 (the
    alpha channel is dropped with a warning).
    """
    a = _as_array(image, name)
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    elif a.ndim == 3 and a.shape[2] == 4:
        warnings.warn(f"{name} has 4 channels; the alpha channel is ignored", UserWarning,
                      stacklevel=3)
        a = a[:, :, :3]
    elif a.ndim == 3 and a.shape[2] == 1:
        a = np.repeat(a, 3, axis=2)
    if a.ndim != 3 or a.shape[2] != 3:
        hint = ""
        if a.ndim == 3 and a.shape[0] in (1, 3, 4) and a.shape[2] > 4:
            hint = f"; it looks channel-first, use np.moveaxis({name}, 0, -1)"
        raise ValueError(
            f"{name} must have shape (H, W, 3) (or (H, W) grayscale, (H, W, 4) RGBA), "
            f"got {a.shape}{hint}"
        )
    h, w = a.shape[:2]
    if h < min_size or w < min_size:
        raise ValueError(f"{name} is {h}×{w}; both sides must be at least {min_size} pixels "
                         f"(upsample or pad the image)")
    return _to_unit_float(a, name)


def as_features(features, shape, name: str = "features") -> np.ndarray:
    """Validate a feature map for an image of ``shape`` (H, W).

    Returns C-contiguous float64 H×W×D. Integer features follow the image
    dtype policy; float features may take any finite value (raw network
    outputs are not in [0, 1]).
    """
    a = _as_array(features, name)
    if a.ndim == 2:
        a = a[:, :, None]
    if a.ndim != 3:
        raise ValueError(f"{name} must have shape (H, W, D), got {a.shape}")
    if tuple(a.shape[:2]) != tuple(shape[:2]):
        raise ValueError(
            f"{name} is {a.shape[0]}×{a.shape[1]} but the image is {shape[0]}×{shape[1]}; "
            f"resize the features to the image size"
        )
    if a.shape[2] < 1:
        raise ValueError(f"{name} has no channels")
    return _to_unit_float(a, name, check_range=False)


def peek_image_shape(image):
    """(H, W) of an image-like NumPy array without converting it, or None
    when it is not an ndarray of 2 or 3 dimensions (validation proper, in
    :func:`as_image`, reports the problem)."""
    if isinstance(image, np.ndarray) and image.ndim in (2, 3):
        return int(image.shape[0]), int(image.shape[1])
    return None


def peek_feature_channels(features) -> int:
    """Channel count D of a feature array without converting it (3 when unknown)."""
    if isinstance(features, np.ndarray):
        if features.ndim == 2:
            return 1
        if features.ndim == 3:
            return max(1, int(features.shape[2]))
    return 3


#: How far outside [0, 1] layers may stray (rounding of solver output) before
#: ``as_layers(..., strict_range=True)`` refuses them.
LAYER_SLACK = 1e-3


def as_layers(layers, name: str = "layers", shape=None, strict_range: bool = False) -> np.ndarray:
    """Soft layers as a (K, H, W) float64 array clipped to [0, 1].

    Accepts a ``SegmentResult`` (its ``layers``) or an (H, W) single layer.
    ``shape``, when given, is the (H, W) the layers must have. With
    ``strict_range`` values more than ``LAYER_SLACK`` outside [0, 1] are an
    error (inputs of a solve); otherwise they are clipped (exports, pictures).
    """
    if hasattr(layers, "layers") and not isinstance(layers, np.ndarray):
        layers = layers.layers  # a SegmentResult
    a = np.asarray(layers)
    if a.dtype.kind != "f":
        raise TypeError(f"{name} must be a float array (K, H, W) in [0, 1], got dtype {a.dtype}")
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3 or a.shape[0] < 1:
        raise ValueError(f"{name} must have shape (K, H, W) with K >= 1, got {a.shape}")
    if shape is not None and tuple(a.shape[1:]) != tuple(shape):
        raise ValueError(f"{name} are {a.shape[1]}×{a.shape[2]} but the image is "
                         f"{shape[0]}×{shape[1]}; pass the layers of this image")
    a = np.ascontiguousarray(a, dtype=np.float64)
    if not np.isfinite(a).all():
        raise ValueError(f"{name} contains NaN or inf; replace them (np.nan_to_num) first")
    lo, hi = float(a.min()), float(a.max())
    if strict_range and (lo < -LAYER_SLACK or hi > 1.0 + LAYER_SLACK):
        raise ValueError(f"{name} has values in [{lo:.4g}, {hi:.4g}]; layers must lie in [0, 1] "
                         "(use SegmentResult.layers, or sss_fast.relaxed.clean_layers on raw layers)")
    if lo < 0.0 or hi > 1.0:
        a = np.clip(a, 0.0, 1.0)
    return a
