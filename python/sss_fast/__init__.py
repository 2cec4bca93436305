"""sss_fast — fast Semantic Soft Segmentation (Aksoy et al., SIGGRAPH 2018).

    import sss_fast
    result = sss_fast.segment(image, features)
    result.layers          # (n_layers, H, W) float32 soft layers summing to one
    colors = sss_fast.layer_colors(image, result.layers)   # (n_layers, H, W, 3) RGB
    sss_fast.io.save_ora("layers.ora", result.layers, colors)

torch is never imported here; the feature extractor lives in
``sss_fast.features`` and imports torch lazily.
"""

from ._native import core as _core
from . import io, viz
from .baselines import spectral_matting
from .colors import layer_colors
from .params import Params
from .pipeline import STAGES, SegmentResult, segment
from .spectral import ConvergenceWarning
from .viz import composite

__version__ = "0.1.0"


def set_num_threads(n: int) -> None:
    """Number of OpenMP threads the native core uses (for this Python thread)."""
    _core.set_num_threads(int(n))


def get_num_threads() -> int:
    """Number of OpenMP threads the native core uses."""
    return int(_core.get_num_threads())


__all__ = ["Params", "segment", "spectral_matting", "layer_colors", "composite", "SegmentResult",
           "STAGES", "ConvergenceWarning", "io", "viz", "set_num_threads", "get_num_threads",
           "__version__"]
