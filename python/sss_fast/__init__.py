"""sss_fast — fast Semantic Soft Segmentation (Aksoy et al., SIGGRAPH 2018).

    import sss_fast
    result = sss_fast.segment(image, features)
    result.layers          # (n_layers, H, W) float32 soft layers summing to one
    colors = sss_fast.layer_colors(image, result.layers)   # (n_layers, H, W, 3) RGB
    sss_fast.io.save_ora("layers.ora", result.layers, colors)

The package is laid out as the data flows:

* ``sss_fast.edge`` — what comes in: input validation, :class:`Params`, the
  solver-status policy, the memory check;
* ``sss_fast.stages`` — one module per stage (superpixels … relaxed, colours);
* :mod:`sss_fast.pipeline` — the one place that knows the whole chain
  (:func:`segment`), and :mod:`sss_fast.baselines` built from the same stages;
* ``sss_fast.app`` — the application: command line, batch runs, files
  (:mod:`sss_fast.io`) and pictures (:mod:`sss_fast.viz`);
* ``sss_fast.features`` — the feature extractor (imports torch lazily).

torch is never imported here.
"""

from ._native import core as _core
from .app import io, viz
from .baselines import spectral_matting
from .edge.params import Params
from .edge.status import ConvergenceError, ConvergenceWarning
from .pipeline import STAGES, SegmentResult, segment
from .stages.colors import layer_colors
from .app.viz import composite

__version__ = "0.1.0"


def set_num_threads(n: int) -> None:
    """Number of OpenMP threads the native core uses (for this Python thread)."""
    _core.set_num_threads(int(n))


def get_num_threads() -> int:
    """Number of OpenMP threads the native core uses."""
    return int(_core.get_num_threads())


__all__ = ["Params", "segment", "spectral_matting", "layer_colors", "composite", "SegmentResult",
           "STAGES", "ConvergenceWarning", "ConvergenceError", "io", "viz", "set_num_threads",
           "get_num_threads", "__version__"]
