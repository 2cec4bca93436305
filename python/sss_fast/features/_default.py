"""The default, offline feature extractor: EfficientNet-Lite0 (ImageNet).

Recipe: resize the image so that its long side is ``long_side`` pixels (448
by default, multiples of 32 are not needed: SAME padding handles any size),
normalise as the Lite models were trained ((255·x − 127)/128), run the
network, and take the outputs of the last block at output stride 16
(block 10, 112 channels) and the last block at stride 32 (block 15,
320 channels). Each map is L2-normalised per pixel, the two are concatenated,
compressed to ``n_components`` channels by a PCA on the low-resolution
pixels (linear, so it commutes with the upsampling and the guided filter
that follow), and upsampled bilinearly to the image size.
"""

from __future__ import annotations

import threading

import numpy as np
import torch
import torch.nn.functional as F

from ._efficientnet import load_efficientnet_lite0

#: Blocks tapped: the last one at stride 16 and the last one at stride 32.
DEFAULT_TAPS = (10, 14)
DEFAULT_LONG_SIDE = 448
#: Channels kept by the low-resolution PCA (None keeps all 432).
DEFAULT_COMPONENTS = 32

_lock = threading.Lock()
_model = None


def get_model():
    """The EfficientNet-Lite0 model, loaded once per process."""
    global _model
    with _lock:
        if _model is None:
            _model = load_efficientnet_lite0()
        return _model


def _lowres_pca(f: torch.Tensor, k: int) -> torch.Tensor:
    """Project C×h×w features on their top-k principal directions (float64
    eigendecomposition; component signs fixed by the largest entry)."""
    c, h, w = f.shape
    if k is None or k >= c:
        return f
    x = f.reshape(c, -1).to(torch.float64)
    x = x - x.mean(dim=1, keepdim=True)
    cov = x @ x.T / x.shape[1]
    vals, vecs = torch.linalg.eigh(cov)
    v = vecs.flip(1)[:, :k]
    idx = v.abs().argmax(dim=0)
    sign = torch.sign(v[idx, torch.arange(k)])
    sign[sign == 0] = 1
    v = v * sign
    return (v.T @ x).to(f.dtype).reshape(k, h, w)


@torch.no_grad()
def extract_default(image: np.ndarray, *, device="cpu", long_side=None, taps=None,
                    n_components=-1) -> np.ndarray:
    """Raw features (H×W×D float32) of a validated H×W×3 float64 image.

    ``long_side``, ``taps`` and ``n_components`` default to the module's
    ``DEFAULT_*`` values (read at call time); ``n_components=None`` keeps all
    channels.
    """
    long_side = DEFAULT_LONG_SIDE if long_side is None else int(long_side)
    taps = DEFAULT_TAPS if taps is None else tuple(taps)
    n_components = DEFAULT_COMPONENTS if n_components == -1 else n_components
    h, w = image.shape[:2]
    model = get_model().to(device)
    scale = long_side / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    x = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32)).permute(2, 0, 1)[None]
    x = x.to(device)
    if size != (h, w):
        x = F.interpolate(x, size=size, mode="bilinear", align_corners=False,
                          antialias=size[0] < h)
    x = (x * 255.0 - 127.0) / 128.0
    outs = model.forward_blocks(x, set(taps))
    low = max(outs.values(), key=lambda t: t.shape[-1] * t.shape[-2]).shape[-2:]
    maps = []
    for i in taps:
        t = F.normalize(outs[i], dim=1)
        if t.shape[-2:] != low:
            t = F.interpolate(t, size=low, mode="bilinear", align_corners=False)
        maps.append(t)
    f = torch.cat(maps, dim=1)[0]
    f = _lowres_pca(f, n_components)[None]
    f = F.interpolate(f, size=(h, w), mode="bilinear", align_corners=False)
    return np.ascontiguousarray(f[0].permute(1, 2, 0).cpu().numpy(), dtype=np.float32)
