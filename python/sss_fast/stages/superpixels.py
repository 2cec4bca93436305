"""Superpixels (SPEC §2): SLICO in CIELAB and the region graph over them.

The algorithm (initialisation, assignment rule, adaptive compactness,
connectivity step) is documented precisely in ``cpp/superpixels/slic.hpp``;
``tests/reference/superpixels_ref.py`` implements the same steps in NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._native import core
from ..edge.validate import as_features, as_image, as_labels, positive_int

__all__ = ["RegionGraph", "slic", "region_graph", "region_means", "superpixels", "options"]

_DEFAULTS = core.SlicOptions()


def options(params) -> "core.SlicOptions":
    """The native superpixel options from :class:`sss_fast.Params`."""
    return core.SlicOptions(n_segments=params.n_superpixels, iterations=params.slic_iterations)


@dataclass(frozen=True)
class RegionGraph:
    """Superpixels of an H×W image and their adjacency.

    Attributes
    ----------
    labels : (H, W) int32
        Superpixel of each pixel, consecutive from 0; each superpixel is
        8-connected.
    n_regions : int
        Number of superpixels S.
    centroids : (S,) int64
        Pixel index ``y * W + x`` of the rounded mean (row, col) of each
        superpixel's members (it may lie outside the superpixel).
    neighbours : (P, 2) int64
        Unordered pairs (s, t), s < t, of superpixels that touch
        (8-connectivity), sorted lexicographically, each pair once.
    """

    labels: np.ndarray
    n_regions: int
    centroids: np.ndarray
    neighbours: np.ndarray

    @property
    def shape(self):
        return self.labels.shape


def slic(image, *, n_segments: int = _DEFAULTS.n_segments,
         iterations: int = _DEFAULTS.iterations) -> np.ndarray:
    """SLICO superpixels of an RGB image (SPEC §2).

    SLIC in CIELAB (sRGB, D65) with SLICO's adaptive compactness, followed by
    a connectivity step that merges fragments smaller than a quarter of the
    mean superpixel size into a neighbour. Deterministic, and independent of
    the number of threads.

    Parameters
    ----------
    image : (H, W, 3) array
        RGB image: float in [0, 1], uint8 or uint16 (see ``sss_fast.edge.validate``);
        H, W >= 3.
    n_segments : int, optional
        Target number of superpixels (a grid of about this many seeds).
        Default 2500 (``Params.n_superpixels``).
    iterations : int, optional
        Assignment/update rounds. Default 10 (``Params.slic_iterations``).

    Returns
    -------
    labels : (H, W) int32
        Superpixel of each pixel, consecutive from 0 in raster order of each
        superpixel's first pixel; every superpixel is 8-connected.
    """
    img = as_image(image, min_size=3)
    opt = core.SlicOptions(n_segments=positive_int(n_segments, "n_segments"),
                           iterations=positive_int(iterations, "iterations"))
    labels, _ = core.slic(img, opt)
    return labels


def region_graph(labels) -> RegionGraph:
    """Region graph of a label map: centroid pixels and 8-connected neighbours.

    Parameters
    ----------
    labels : (H, W) integer array
        Non-negative, consecutive from 0 (every value in ``0..max`` present).

    Returns
    -------
    RegionGraph
        Centroids are the pixel index of the mean (row, col) of each region,
        each coordinate rounded half away from zero (exactly, in integers).
    """
    lab, n = as_labels(labels)
    centroids, neighbours = core.region_graph(lab, n)
    return RegionGraph(labels=lab, n_regions=n, centroids=centroids, neighbours=neighbours)


def region_means(labels, values, n_regions: int) -> np.ndarray:
    """Mean of ``values`` over each region.

    Parameters
    ----------
    labels : (H, W) integer array
        Non-negative, consecutive from 0.
    values : (H, W, C) or (H, W) array
        Per-pixel values (image, features); finite. Float values are used as
        they are; uint8/uint16 are scaled to [0, 1] (the project's dtype policy).
    n_regions : int
        Number of regions; must equal ``labels.max() + 1``.

    Returns
    -------
    means : (n_regions, C) float64
    """
    lab, n = as_labels(labels)
    n_regions = positive_int(n_regions, "n_regions")
    if n_regions != n:
        raise ValueError(
            f"n_regions is {n_regions} but labels has {n} regions (labels.max() + 1); "
            f"pass n_regions={n}"
        )
    vals = as_features(values, lab.shape, name="values")
    return core.region_means(lab, vals, n_regions)


def superpixels(image, *, n_segments: int = _DEFAULTS.n_segments,
                iterations: int = _DEFAULTS.iterations) -> RegionGraph:
    """SLICO superpixels of ``image`` and their region graph.

    Shorthand for ``region_graph(slic(image, n_segments=..., iterations=...))``;
    see :func:`slic` for the parameters.
    """
    labels = slic(image, n_segments=n_segments, iterations=iterations)
    return region_graph(labels)
