"""Key map between the paper's TensorFlow variables and sss_fast's torch model.

A weights file for :func:`sss_fast.features.load_sss_weights` (``.npz`` or
``.safetensors``) holds one array per TensorFlow variable, keyed by the
variable's name in the authors' checkpoint without the ``:0`` suffix, in
TensorFlow's layout. ``tools/convert_tf_checkpoint.py`` writes such a file.

=====================================  ===================================  ==========================
file key (TensorFlow name)             torch state-dict key                 layout change
=====================================  ===================================  ==========================
``<conv>/weights``  e.g. conv1,        ``backbone.<conv>.weight``           [kh, kw, in, out] →
res2a_branch1, res4b22_branch2b                                             [out, in, kh, kw]
``<bn>/gamma``  e.g. bn_conv1,         ``backbone.<bn>.weight``             none
bn2a_branch2a
``<bn>/beta``                          ``backbone.<bn>.bias``               none
``<bn>/moving_mean``                   ``backbone.<bn>.running_mean``       none
``<bn>/moving_variance``               ``backbone.<bn>.running_var``        none
``hypercolumn_layers/hc_cv_<i>/``      ``head.hc_cv_<i>.weight`` / ``.bias``  conv as above
``weights`` / ``biases`` (i=0,1,3,4,5)
``fc<j>_matting/linear/fc_weights1``   ``fc<j>.w1.weight`` (j = 1, 2)       [in, out] → [out, in]
``fc<j>_matting/linear/fc_weights2``   ``fc<j>.w2.weight``                  [in, out] → [out, in]
``fc<j>_matting/linear/biases``        ``fc<j>.w2.bias``                    none
``fc3_matting/linear/fc_weights1``     ``fc3.weight``                       [in, out] → [out, in]
``fc3_matting/linear/fc_biases``       ``fc3.bias``                         none
=====================================  ===================================  ==========================

BatchNorm ``num_batches_tracked`` buffers are not in the file (set to 0).
The DeepLab classifier (``fc1_voc12_c*``) and optimiser slots in a checkpoint
are not used and are ignored by the converter. This module does not import
torch.
"""

from __future__ import annotations

from typing import List, NamedTuple

__all__ = ["KeyEntry", "key_map", "resnet101_layers"]


class KeyEntry(NamedTuple):
    tf_name: str
    torch_name: str
    #: "conv" (HWIO ↔ OIHW), "linear" (IO ↔ OI) or "none"
    kind: str
    #: shape in the TensorFlow layout
    tf_shape: tuple


# (stage, blocks, bottleneck width, output channels)
_STAGES = ((2, 3, 64, 256), (3, 4, 128, 512), (4, 23, 256, 1024), (5, 3, 512, 2048))


def _block_names(stage: int, blocks: int) -> List[str]:
    if stage in (2, 5):
        return [f"{stage}{c}" for c in "abc"[:blocks]]
    return [f"{stage}a"] + [f"{stage}b{i}" for i in range(1, blocks)]


def resnet101_layers():
    """[(conv name, bn name, kh, in, out)] of the DeepLab-v2 ResNet-101 backbone."""
    layers = [("conv1", "bn_conv1", 7, 3, 64)]
    c_in = 64
    for stage, blocks, width, c_out in _STAGES:
        for i, name in enumerate(_block_names(stage, blocks)):
            cin_block = c_in if i == 0 else c_out
            if i == 0:
                layers.append((f"res{name}_branch1", f"bn{name}_branch1", 1, cin_block, c_out))
            layers.append((f"res{name}_branch2a", f"bn{name}_branch2a", 1, cin_block, width))
            layers.append((f"res{name}_branch2b", f"bn{name}_branch2b", 3, width, width))
            layers.append((f"res{name}_branch2c", f"bn{name}_branch2c", 1, width, c_out))
        c_in = c_out
    return layers


#: Hypercolumn convolutions: (name, kernel, in, out).
HEAD_CONVS = (("hc_cv_0", 1, 3, 4), ("hc_cv_1", 1, 64, 124), ("hc_cv_3", 1, 512, 128),
              ("hc_cv_4", 3, 1024, 256), ("hc_cv_5", 3, 2048, 512))


def key_map() -> List[KeyEntry]:
    """Every array of the paper's network, in a fixed order."""
    out: List[KeyEntry] = []
    for conv, bn, k, c_in, c_out in resnet101_layers():
        out.append(KeyEntry(f"{conv}/weights", f"backbone.{conv}.weight", "conv",
                            (k, k, c_in, c_out)))
        for tf_p, th_p in (("gamma", "weight"), ("beta", "bias"), ("moving_mean", "running_mean"),
                           ("moving_variance", "running_var")):
            out.append(KeyEntry(f"{bn}/{tf_p}", f"backbone.{bn}.{th_p}", "none", (c_out,)))
    for name, k, c_in, c_out in HEAD_CONVS:
        out.append(KeyEntry(f"hypercolumn_layers/{name}/weights", f"head.{name}.weight", "conv",
                            (k, k, c_in, c_out)))
        out.append(KeyEntry(f"hypercolumn_layers/{name}/biases", f"head.{name}.bias", "none",
                            (c_out,)))
    for j, c_in in ((1, 1024), (2, 512)):
        p = f"fc{j}_matting/linear"
        out.append(KeyEntry(f"{p}/fc_weights1", f"fc{j}.w1.weight", "linear", (c_in, 256)))
        out.append(KeyEntry(f"{p}/fc_weights2", f"fc{j}.w2.weight", "linear", (256, 512)))
        out.append(KeyEntry(f"{p}/biases", f"fc{j}.w2.bias", "none", (512,)))
    out.append(KeyEntry("fc3_matting/linear/fc_weights1", "fc3.weight", "linear", (1024, 128)))
    out.append(KeyEntry("fc3_matting/linear/fc_biases", "fc3.bias", "none", (128,)))
    return out
