#!/usr/bin/env python
"""Convert the authors' TensorFlow checkpoint of the SSS feature network
(github.com/iyah4888/SIGGRAPH18SSS, ``model/``) into a weights file for
``sss_fast.features.load_sss_weights``.

    python tools/convert_tf_checkpoint.py path/to/model/ sss_features.npz
    python tools/convert_tf_checkpoint.py path/to/model/hypcol-12345 out.safetensors

Needs TensorFlow (any version with ``tf.train.load_checkpoint``); TensorFlow is
not a dependency of sss_fast. Only the variables of
``sss_fast.features.keymap.key_map()`` are kept, in TensorFlow's layout,
keyed by their variable names; a variable is matched by exact name, else by a
unique name that ends in ``/<name>`` (checkpoints saved under an outer
scope). Optimiser slots (``.../Momentum``), gradient accumulators and the
DeepLab classifier are skipped. The output is checked by loading it into the
torch model.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np


def _find(name, available):
    if name in available:
        return name
    hits = [v for v in available if v.endswith("/" + name)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise KeyError(f"checkpoint has no variable {name!r}")
    raise KeyError(f"variable {name!r} is ambiguous in the checkpoint: {hits}")


def convert(checkpoint: str, out: str) -> int:
    try:
        import tensorflow as tf
    except ImportError:
        sys.exit("TensorFlow is needed to read the checkpoint: pip install tensorflow")
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
    from sss_fast.features.keymap import key_map

    if os.path.isdir(checkpoint):
        found = tf.train.latest_checkpoint(checkpoint)
        if found is None:
            sys.exit(f"no checkpoint found in {checkpoint}")
        checkpoint = found
    reader = tf.train.load_checkpoint(checkpoint)
    available = set(reader.get_variable_to_shape_map())
    arrays = {}
    for e in key_map():
        a = np.asarray(reader.get_tensor(_find(e.tf_name, available)), dtype=np.float32)
        if tuple(a.shape) != e.tf_shape:
            sys.exit(f"{e.tf_name}: shape {a.shape}, expected {e.tf_shape}")
        arrays[e.tf_name] = a
    if out.endswith(".safetensors"):
        from safetensors.numpy import save_file

        save_file(arrays, out)
    else:
        np.savez(out, **arrays)
    try:  # verify by loading into the torch model, when torch is present
        from sss_fast.features import deeplab

        deeplab.load_sss_weights(out)
    except ImportError:
        print("torch not installed: skipped the load check")
    print(f"wrote {len(arrays)} arrays to {out}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", help="checkpoint prefix or directory")
    ap.add_argument("out", help="output .npz or .safetensors")
    args = ap.parse_args(argv)
    return convert(args.checkpoint, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
