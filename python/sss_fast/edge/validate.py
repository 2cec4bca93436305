"""Input validation: one pass at the edge of the public API.

Every refusal is a ``TypeError`` (wrong kind of object or dtype) or a
``ValueError`` (wrong shape or values) whose message names the argument and
says how to fix it. Accepted inputs come out as C-contiguous float64 arrays.

dtype policy: uint8 is scaled by 1/255, uint16 by 1/65535; float32 and
float64 must already lie in [0, 1]; bool, complex, object and other integer
types are refused. Values outside [0, 1] are an error for anything that is
solved on (images, layers going into a solve); pictures and files made from
results (``sss_fast.io``, ``sss_fast.viz``) ask for ``clip=True`` and have
them clipped, as documented there. NaN and inf are always an error.

The stage modules call these at their public entry points and trust what
comes out.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

__all__ = ["as_image", "as_features", "as_unit", "as_layers", "as_points", "as_seed",
           "as_region_graph", "as_region_means", "as_labels", "as_csr", "finite_scalar",
           "positive_int", "peek_image_shape", "peek_feature_channels", "MIN_SIZE"]

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
                         "(use SegmentResult.layers, or sss_fast.stages.relaxed.clean_layers on raw layers)")
    if lo < 0.0 or hi > 1.0:
        a = np.clip(a, 0.0, 1.0)
    return a


def as_unit(x, name: str, *, clip: bool = False) -> np.ndarray:
    """Colours or an image of any shape under the dtype policy, as float64 in [0, 1].

    ``clip=False``: float values outside [0, 1] are an error; ``clip=True``
    (pictures and files): they are clipped.
    """
    a = _to_unit_float(_as_array(x, name), name, check_range=not clip)
    return np.clip(a, 0.0, 1.0) if clip else a


def finite_scalar(value, name: str, *, positive: bool = False, nonnegative: bool = False) -> float:
    """A finite real number as float (optionally > 0 or >= 0)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v!r}")
    if positive and not v > 0:
        raise ValueError(f"{name} must be > 0, got {v!r}")
    if nonnegative and v < 0:
        raise ValueError(f"{name} must be >= 0, got {v!r}")
    return v


def positive_int(value, name: str) -> int:
    """An int >= 1 (TypeError for a non-integer, ValueError below 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)


def as_seed(seed) -> int:
    """A seed: an int in [0, 2**64)."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if not 0 <= int(seed) < 2 ** 64:
        raise ValueError(f"seed must lie in [0, 2**64), got {seed}")
    return int(seed)


def as_points(features, name: str = "features") -> np.ndarray:
    """(H, W, C) or (N, C) finite float features as C-contiguous float64 (N, C) points."""
    if not isinstance(features, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(features).__name__}")
    if features.dtype.kind != "f":
        raise TypeError(f"{name} has dtype {features.dtype}; pass float32 or float64 features")
    if features.ndim == 3:
        pts = features.reshape(-1, features.shape[2])
    elif features.ndim == 2:
        pts = features
    else:
        raise ValueError(f"{name} must have shape (H, W, C) or (N, C), got {features.shape}")
    if pts.shape[0] < 1 or pts.shape[1] < 1:
        raise ValueError(f"{name} is empty (shape {features.shape})")
    pts = np.ascontiguousarray(pts, dtype=np.float64)
    if not np.isfinite(pts).all():
        raise ValueError(f"{name} contains NaN or inf; replace them (e.g. np.nan_to_num) first")
    return pts


def _int_array(a, name: str, ndim: int) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype.kind not in "iu" or a.dtype == np.bool_:
        raise TypeError(f"{name} must be an integer array, got dtype {a.dtype}")
    if a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {a.shape}")
    return np.ascontiguousarray(a, dtype=np.int64)


def as_region_graph(graph, name: str = "graph", shape=None):
    """(H, W, centroids int64 (S,), neighbours int64 (P, 2)) of a RegionGraph-like object."""
    for attr in ("labels", "n_regions", "centroids", "neighbours"):
        if not hasattr(graph, attr):
            raise TypeError(
                f"{name} must be a sss_fast.stages.superpixels.RegionGraph (missing .{attr}); "
                f"build it with sss_fast.stages.superpixels"
            )
    labels = np.asarray(graph.labels)
    if labels.ndim != 2:
        raise ValueError(f"{name}.labels must be 2-D (H, W), got shape {labels.shape}")
    h, w = labels.shape
    if shape is not None and (h, w) != tuple(shape[:2]):
        raise ValueError(
            f"{name} was built for a {h}×{w} image but the image is {shape[0]}×{shape[1]}; "
            f"compute the superpixels of this image"
        )
    s = graph.n_regions
    if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral) or s < 1:
        raise ValueError(f"{name}.n_regions must be a positive integer, got {s!r}")
    s = int(s)
    centroids = _int_array(graph.centroids, f"{name}.centroids", 1)
    if centroids.shape[0] != s:
        raise ValueError(f"{name}.centroids must have n_regions = {s} entries, got {centroids.shape[0]}")
    if centroids.size and (centroids.min() < 0 or centroids.max() >= h * w):
        raise ValueError(f"{name}.centroids must be pixel indices in [0, H·W) = [0, {h * w})")
    nb = np.asarray(graph.neighbours)
    if nb.size == 0:
        nb = nb.reshape(0, 2)
    nb = _int_array(nb, f"{name}.neighbours", 2)
    if nb.shape[1] != 2:
        raise ValueError(f"{name}.neighbours must have shape (P, 2), got {nb.shape}")
    if nb.size and (nb.min() < 0 or nb.max() >= s):
        raise ValueError(f"{name}.neighbours must hold region indices in [0, {s})")
    if nb.size and np.any(nb[:, 0] == nb[:, 1]):
        raise ValueError(f"{name}.neighbours must pair distinct regions")
    return h, w, centroids, nb


def as_region_means(a, name: str, n_regions: int, dims=None) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype.kind not in "fiu" or a.dtype == np.bool_:
        raise TypeError(f"{name} must be a real array, got dtype {a.dtype}")
    want = f"({n_regions}, {dims})" if dims else f"({n_regions}, D)"
    if a.ndim != 2 or a.shape[0] != n_regions or (dims is not None and a.shape[1] != dims) \
            or a.shape[1] < 1:
        raise ValueError(f"{name} must have shape {want} (one row per region), got {a.shape}")
    a = np.ascontiguousarray(a, dtype=np.float64)
    if not np.isfinite(a).all():
        raise ValueError(f"{name} contains NaN or inf")
    return a


def as_labels(labels, name: str = "labels"):
    """Validate a label map; return it as C-contiguous int32 and its region count."""
    a = labels if isinstance(labels, np.ndarray) else np.asarray(labels)
    if a.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be an integer array, got dtype {a.dtype}; "
            f"pass superpixel labels such as slic(image)"
        )
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (H, W) array, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} is empty; pass an (H, W) label map with H, W >= 1")
    lo, hi = int(a.min()), int(a.max())
    if lo < 0:
        raise ValueError(f"{name} contains negative values (min {lo}); labels must be >= 0")
    if hi >= 2**31 - 1:
        raise ValueError(f"{name} has values up to {hi}; labels must fit in int32")
    out = np.ascontiguousarray(a, dtype=np.int32)
    present = np.bincount(out.ravel(), minlength=hi + 1) > 0
    if not present.all():
        missing = int(np.flatnonzero(~present)[0])
        raise ValueError(
            f"{name} must be consecutive from 0 (value {missing} is missing); relabel with "
            f"np.unique({name}, return_inverse=True)[1].reshape({name}.shape)"
        )
    return out, hi + 1


def as_csr(laplacian, n_pixels: int):
    import scipy.sparse as sp  # noqa: PLC0415 - scipy only where a matrix comes in

    if not sp.issparse(laplacian):
        raise TypeError(
            f"laplacian must be a scipy.sparse matrix (CSR), got {type(laplacian).__name__}"
        )
    if laplacian.shape != (n_pixels, n_pixels):
        raise ValueError(
            f"laplacian has shape {laplacian.shape} but the image has {n_pixels} pixels; "
            f"pass the N×N Laplacian of this image"
        )
    if laplacian.format != "csr":
        laplacian = laplacian.tocsr()  # documented conversion (a copy)
    data = laplacian.data
    if data.dtype != np.float64:
        if data.dtype.kind != "f":
            raise TypeError(f"laplacian must have float data, got dtype {data.dtype}")
        data = data.astype(np.float64)
    indices, indptr = laplacian.indices, laplacian.indptr
    if indices.dtype not in (np.int32, np.int64):
        indices = indices.astype(np.int64)
    if indptr.dtype != indices.dtype:
        indptr = indptr.astype(indices.dtype)
    return (np.ascontiguousarray(indptr), np.ascontiguousarray(indices),
            np.ascontiguousarray(data))
