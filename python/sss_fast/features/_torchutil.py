"""Small torch helpers shared by the networks (imported only when torch is)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def same_padding(x: torch.Tensor, kernel: int, stride: int = 1, dilation: int = 1,
                 value: float = 0.0) -> torch.Tensor:
    """Pad an N×C×H×W tensor as TensorFlow's ``padding="SAME"`` would.

    Output size ceil(in / stride); the total padding
    max((ceil(in/s) - 1)·s + (k - 1)·d + 1 - in, 0) is split with the smaller
    half before (top/left) and the larger after (bottom/right).
    """
    pads = []
    for size in (x.shape[-1], x.shape[-2]):  # F.pad wants last dim first
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
        pads += [total // 2, total - total // 2]
    if not any(pads):
        return x
    return F.pad(x, pads, value=value)


def resize_bilinear_tf1(x: torch.Tensor, size) -> torch.Tensor:
    """TensorFlow 1 ``tf.image.resize_bilinear`` (align_corners=False, legacy).

    The legacy TF1 kernel maps output pixel i to input coordinate
    i · in/out (no half-pixel offset), clamps the upper neighbour to the last
    row/column, and interpolates linearly; it differs from
    ``F.interpolate(..., align_corners=False)``.
    """
    h_in, w_in = x.shape[-2:]
    h_out, w_out = int(size[0]), int(size[1])

    def axis(n_in, n_out):
        src = torch.arange(n_out, dtype=torch.float64) * (n_in / n_out)
        i0 = torch.floor(src).long().clamp(max=n_in - 1)
        i1 = (i0 + 1).clamp(max=n_in - 1)
        frac = (src - i0.to(torch.float64)).to(x.dtype)
        return i0, i1, frac

    y0, y1, fy = axis(h_in, h_out)
    x0, x1, fx = axis(w_in, w_out)
    top = x.index_select(-2, y0)
    bottom = x.index_select(-2, y1)
    rows = top + (bottom - top) * fy.view(-1, 1)
    left = rows.index_select(-1, x0)
    right = rows.index_select(-1, x1)
    return left + (right - left) * fx


def set_deterministic_threads(num_threads=None):
    """Use ``num_threads`` intra-op threads when given (a fixed count makes
    CPU results reproducible run to run)."""
    if num_threads is not None:
        torch.set_num_threads(int(num_threads))
