"""Features from any torch module that maps an image to a feature map."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def _as_maps(out):
    """The module's output as a list of N×C×h×w tensors."""
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, dict):
        return list(out.values())
    if isinstance(out, (list, tuple)):
        return list(out)
    raise TypeError(
        "the feature module must return a (1, C, h, w) tensor, or a list/tuple/dict of them, "
        f"got {type(out).__name__}")


@torch.no_grad()
def extract_module(module: torch.nn.Module, image: np.ndarray, *, device="cpu") -> np.ndarray:
    """Raw features (H×W×C float32) of a validated H×W×3 float64 image.

    The module gets a (1, 3, H, W) float32 tensor of the RGB image in [0, 1]
    (normalise inside the module if it was trained otherwise) and returns a
    (1, C, h, w) map, or several (a list, tuple or dict of them: each is
    resized and they are concatenated along the channels). Every map is
    resized bilinearly to H×W; the module runs in eval mode, without grad.
    """
    h, w = image.shape[:2]
    module = module.to(device).eval()
    x = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32)).permute(2, 0, 1)[None]
    maps = []
    for m in _as_maps(module(x.to(device))):
        if not isinstance(m, torch.Tensor) or m.ndim != 4 or m.shape[0] != 1:
            raise ValueError(
                "the feature module must return (1, C, h, w) maps, got "
                f"{tuple(m.shape) if isinstance(m, torch.Tensor) else type(m).__name__}")
        m = m.float()
        if m.shape[-2:] != (h, w):
            m = F.interpolate(m, size=(h, w), mode="bilinear", align_corners=False)
        maps.append(m)
    f = torch.cat(maps, dim=1)[0].permute(1, 2, 0)
    out = np.ascontiguousarray(f.cpu().numpy(), dtype=np.float32)
    if not np.isfinite(out).all():
        raise ValueError("the feature module returned non-finite values")
    return out
