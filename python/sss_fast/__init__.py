"""sss_fast — fast Semantic Soft Segmentation (Aksoy et al., SIGGRAPH 2018).

    import sss_fast
    result = sss_fast.segment(image, features)
    result.layers          # (n_layers, H, W) float32 soft layers summing to one

torch is never imported here; the feature extractor lives in
``sss_fast.features`` and imports torch lazily.
"""

from .params import Params

__version__ = "0.1.0"

__all__ = ["Params", "__version__"]
