"""Superpixels (SPEC §2): SLICO in CIELAB and the region graph over them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["RegionGraph"]


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
