"""The paper's feature network (SPEC §10), in torch.

DeepLab-v2 ResNet-101 backbone (Caffe-style: the stride of a downsampling
block sits in its first 1×1 convolution; res4 dilated by 2 and res5 by 4, so
the output stride is 8; BatchNorm ε = 1e-3; every convolution and the max
pool pad like TensorFlow's "SAME") and the hypercolumn head of Aksoy et al.:

* 1×1 conv of the (mean-subtracted BGR) input / 128 → 4 channels;
* pool1 → 1×1 conv → 124; res3b3 (after ReLU) → 1×1 → 128;
  res4b22 (after ReLU) → 3×3 → 256; res5c (the residual sum, before its
  ReLU) → 3×3 → 512; each resized to the input size with TF1's legacy
  ``resize_bilinear``;
* concatenated (1024), ReLU; per pixel fc1 = ReLU(x·W1·W2 + b) (1024→256→512),
  fc2 the same on fc1 (512→256→512), fc3 = concat(fc1, fc2)·W + b → 128.

Input preprocessing as the authors': RGB in 0..255 → BGR, subtract
(104.008, 116.669, 122.679), reflect-pad 50 pixels, run, crop the padding off.
Weights: see :mod:`sss_fast.features.keymap`.
"""

from __future__ import annotations

import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ._torchutil import resize_bilinear_tf1, same_padding
from .keymap import HEAD_CONVS, key_map, resnet101_layers

__all__ = ["SSSFeatureNet", "load_sss_weights", "export_sss_weights", "state_dict_from_arrays",
           "arrays_from_state_dict", "extract_sss", "IMG_MEAN_BGR", "PAD"]

IMG_MEAN_BGR = (104.00698793, 116.66876762, 122.67891434)
PAD = 50
_BN_EPS = 1e-3


class _Conv(nn.Conv2d):
    """Bias-free (unless asked) conv with TF "SAME" padding and optional dilation."""

    def forward(self, x):
        x = same_padding(x, self.kernel_size[0], self.stride[0], self.dilation[0])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class DeepLabResNet101(nn.Module):
    """Backbone; ``forward`` returns the four maps the hypercolumn taps."""

    def __init__(self):
        super().__init__()
        for conv, bn, k, c_in, c_out in resnet101_layers():
            stride = 2 if conv in ("conv1", "res3a_branch1", "res3a_branch2a") else 1
            dilation = 1
            if conv.endswith("branch2b") and conv.startswith("res4"):
                dilation = 2
            elif conv.endswith("branch2b") and conv.startswith("res5"):
                dilation = 4
            self.add_module(conv, _Conv(c_in, c_out, k, stride=stride, dilation=dilation,
                                        bias=False))
            self.add_module(bn, nn.BatchNorm2d(c_out, eps=_BN_EPS))
        self._blocks = []
        for conv, _, _, _, _ in resnet101_layers():
            if conv.endswith("branch2a"):
                self._blocks.append(conv[3:-len("_branch2a")])

    def _cb(self, x, name, bn, relu):
        x = getattr(self, bn)(getattr(self, name)(x))
        return F.relu(x) if relu else x

    def forward(self, x):
        taps = {}
        x = self._cb(x, "conv1", "bn_conv1", True)
        x = F.max_pool2d(same_padding(x, 3, 2, value=float("-inf")), 3, 2)
        taps["pool1"] = x
        for name in self._blocks:
            y = self._cb(x, f"res{name}_branch2a", f"bn{name}_branch2a", True)
            y = self._cb(y, f"res{name}_branch2b", f"bn{name}_branch2b", True)
            y = self._cb(y, f"res{name}_branch2c", f"bn{name}_branch2c", False)
            if hasattr(self, f"res{name}_branch1"):
                x = self._cb(x, f"res{name}_branch1", f"bn{name}_branch1", False)
            s = x + y
            if name == "5c":
                taps["res5c"] = s  # the authors tap the sum before its ReLU
            x = F.relu(s)
            if name == "3b3":
                taps["res3b3_relu"] = x
            elif name == "4b22":
                taps["res4b22_relu"] = x
        return taps


class _LowRank(nn.Module):
    def __init__(self, c_in):
        super().__init__()
        self.w1 = nn.Linear(c_in, 256, bias=False)
        self.w2 = nn.Linear(256, 512, bias=True)

    def forward(self, x):
        return F.relu(self.w2(self.w1(x)))


class _Head(nn.Module):
    def __init__(self):
        super().__init__()
        for name, k, c_in, c_out in HEAD_CONVS:
            self.add_module(name, _Conv(c_in, c_out, k, bias=True))


class SSSFeatureNet(nn.Module):
    """DeepLab-v2 ResNet-101 + hypercolumn head → 128-d per pixel.

    ``forward`` takes the preprocessed N×3×H×W tensor (BGR, mean subtracted,
    0..255 scale, already padded) and returns N×128×H×W.
    """

    def __init__(self):
        super().__init__()
        self.backbone = DeepLabResNet101()
        self.head = _Head()
        self.fc1 = _LowRank(1024)
        self.fc2 = _LowRank(512)
        self.fc3 = nn.Linear(1024, 128)

    def forward(self, x):
        size = x.shape[-2:]
        t = self.backbone(x)
        h = self.head
        cols = [
            h.hc_cv_0(x / 128.0),
            resize_bilinear_tf1(h.hc_cv_1(t["pool1"]), size),
            resize_bilinear_tf1(h.hc_cv_3(t["res3b3_relu"]), size),
            resize_bilinear_tf1(h.hc_cv_4(t["res4b22_relu"]), size),
            resize_bilinear_tf1(h.hc_cv_5(t["res5c"]), size),
        ]
        z = F.relu(torch.cat(cols, dim=1)).permute(0, 2, 3, 1)  # N×H×W×1024
        a1 = self.fc1(z)
        a2 = self.fc2(a1)
        out = self.fc3(torch.cat([a1, a2], dim=-1))
        return out.permute(0, 3, 1, 2)


# ---- weights ------------------------------------------------------------------

def _to_torch_layout(a: np.ndarray, kind: str) -> np.ndarray:
    if kind == "conv":
        return np.ascontiguousarray(a.transpose(3, 2, 0, 1))
    if kind == "linear":
        return np.ascontiguousarray(a.T)
    return np.ascontiguousarray(a)


def _to_tf_layout(a: np.ndarray, kind: str) -> np.ndarray:
    if kind == "conv":
        return np.ascontiguousarray(a.transpose(2, 3, 1, 0))
    if kind == "linear":
        return np.ascontiguousarray(a.T)
    return np.ascontiguousarray(a)


def state_dict_from_arrays(arrays) -> dict:
    """Torch state dict from a mapping {TF name: array in TF layout}.

    Raises ``KeyError`` naming missing keys and ``ValueError`` on a shape
    mismatch; extra keys are ignored.
    """
    missing = [e.tf_name for e in key_map() if e.tf_name not in arrays]
    if missing:
        raise KeyError(f"weights file lacks {len(missing)} arrays, e.g. {missing[:3]}; "
                       "see sss_fast.features.keymap for the expected names")
    state = {}
    for e in key_map():
        a = np.asarray(arrays[e.tf_name])
        if tuple(a.shape) != e.tf_shape:
            raise ValueError(f"{e.tf_name} has shape {a.shape}, expected {e.tf_shape}")
        state[e.torch_name] = torch.from_numpy(_to_torch_layout(a.astype(np.float32), e.kind))
    for _, bn, *_ in resnet101_layers():
        state[f"backbone.{bn}.num_batches_tracked"] = torch.tensor(0, dtype=torch.long)
    return state


def arrays_from_state_dict(state) -> dict:
    """Inverse of :func:`state_dict_from_arrays`: {TF name: array in TF layout}."""
    return {e.tf_name: _to_tf_layout(state[e.torch_name].detach().cpu().numpy(), e.kind)
            for e in key_map()}


def _read_arrays(path) -> dict:
    path = os.fspath(path)
    if path.endswith(".safetensors"):
        try:
            from safetensors.numpy import load_file
        except ImportError as exc:
            raise ImportError("reading .safetensors needs the safetensors package "
                              "(pip install safetensors), or convert to .npz") from exc
        return load_file(path)
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    raise ValueError(f"weights path must end in .npz or .safetensors, got {path!r}")


def load_sss_weights(path) -> SSSFeatureNet:
    """The paper's network in eval mode with weights from ``path``
    (``.npz`` or ``.safetensors``, keys as in :mod:`~sss_fast.features.keymap`)."""
    state = state_dict_from_arrays(_read_arrays(path))
    with torch.device("meta"):  # no random initialisation of 55 M parameters
        net = SSSFeatureNet()
    net.load_state_dict(state, strict=True, assign=True)
    return net.eval()


def export_sss_weights(net: SSSFeatureNet, path) -> None:
    """Write the network's weights as ``.npz`` (or ``.safetensors``) with TF keys."""
    arrays = arrays_from_state_dict(net.state_dict())
    path = os.fspath(path)
    if path.endswith(".safetensors"):
        from safetensors.numpy import save_file

        save_file(arrays, path)
    else:
        np.savez(path, **arrays)


# ---- extraction ---------------------------------------------------------------

def _reflect_pad(x: torch.Tensor, pad: int) -> torch.Tensor:
    """TF ``REFLECT`` padding by ``pad``; for sides of at most ``pad`` pixels
    the reflection is repeated until the padding is reached."""
    while pad > 0:
        step = min(pad, x.shape[-1] - 1, x.shape[-2] - 1)
        if step < 1:
            return F.pad(x, (pad, pad, pad, pad), mode="replicate")
        x = F.pad(x, (step, step, step, step), mode="reflect")
        pad -= step
    return x


def preprocess(image: np.ndarray, pad: int | None = None) -> torch.Tensor:
    """H×W×3 RGB float in [0, 1] → 1×3×(H+2·pad)×(W+2·pad) BGR, mean-subtracted,
    reflect-padded (pad defaults to :data:`PAD` = 50, the authors' value)."""
    pad = PAD if pad is None else int(pad)
    x = torch.from_numpy(np.ascontiguousarray(image[:, :, ::-1] * 255.0, dtype=np.float32))
    x = x - torch.tensor(IMG_MEAN_BGR, dtype=torch.float32)
    return _reflect_pad(x.permute(2, 0, 1)[None], pad)


@torch.no_grad()
def extract_sss(net: SSSFeatureNet, image: np.ndarray, *, device="cpu",
                pad: int | None = None) -> np.ndarray:
    """128-d raw features (H×W×128 float32) of a validated H×W×3 image.

    ``pad`` (default :data:`PAD` = 50) is the reflect padding added before and
    cropped after the network; smaller values only serve quick tests.
    """
    h, w = image.shape[:2]
    pad = PAD if pad is None else int(pad)
    net = net.to(device).eval()
    out = net(preprocess(image, pad).to(device))[0, :, pad:pad + h, pad:pad + w]
    return np.ascontiguousarray(out.permute(1, 2, 0).cpu().numpy(), dtype=np.float32)
