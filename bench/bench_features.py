#!/usr/bin/env python
"""Feature extraction and reduction timings (SPEC §10).

    PYTHONPATH=python python bench/bench_features.py [--size 640] [--threads 2] [--repeat 3]

Prints, for a size×size crop/resize of docia (or a random image):
  * default extraction (the default recipe, warm model) and reduction
    (clamp, native guided filter, native PCA moments, min-max), best of N;
  * native guided filter vs the NumPy reference on a small image, side by
    side, as a ratio;
  * the docia separation ratio of the default recipe and of the tap variants
    (the reference features' k-means(4) regions), with --variants.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))


def _cpu():
    t = os.times()
    return t.user + t.system


CPU = {}


def best(fn, repeat):
    """Best wall time of ``repeat`` runs; the process CPU time of that run is
    kept in CPU[fn] (on a shared, oversubscribed machine wall time is noisy;
    CPU time / threads is what an idle machine would show)."""
    times, cpus, out = [], [], None
    for _ in range(repeat):
        c, t = _cpu(), time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
    i = int(np.argmin(times))
    CPU["last"] = cpus[i]
    return times[i], out


def load_image(size):
    path = os.path.join(HERE, "..", "..", "shared", "data", "docia.png")
    try:
        from PIL import Image

        with Image.open(path) as im:
            a = np.asarray(im.convert("RGB"), dtype=np.float64)[:, :640] / 255.0
        ref = np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)[:, 640:] / 255.0
        if size != 640:
            a = np.asarray(Image.fromarray((a * 255).astype(np.uint8)).resize((size, size)),
                           dtype=np.float64) / 255.0
            ref = None
        return a, ref
    except (OSError, ImportError):
        return np.random.default_rng(5).random((size, size, 3)), None


def separation(f, labels, k=4):
    x = f.reshape(-1, f.shape[-1])
    ms, sp = [], []
    for c in range(k):
        xc = x[labels == c]
        m = xc.mean(axis=0)
        ms.append(m)
        sp.append(np.sqrt(((xc - m) ** 2).sum(axis=1).mean()))
    d = [np.linalg.norm(ms[i] - ms[j]) for i in range(k) for j in range(i + 1, k)]
    return float(np.mean(d) / np.mean(sp))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=640)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--variants", action="store_true")
    args = ap.parse_args()

    # sss_fast first: it sets OMP_WAIT_POLICY=PASSIVE (unless set) before any
    # OpenMP runtime starts; torch's libgomp reads it when torch is imported.
    from sss_fast import features
    from sss_fast._native import core
    from sss_fast.features import _default

    import torch

    from reference.features_ref import guided_filter_ref

    torch.set_num_threads(args.threads)
    core.set_num_threads(args.threads)
    print(f"threads: torch {torch.get_num_threads()}, native {core.get_num_threads()}; "
          f"torch {torch.__version__}; OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")
    img, ref = load_image(args.size)

    t_load, _ = best(lambda: _default.get_model(), 1)
    t_ext, raw = best(lambda: features.extract(img), args.repeat)
    c_ext = CPU["last"]
    t_red, red = best(lambda: features.reduce(raw, img), args.repeat)
    c_red = CPU["last"]
    print(f"default recipe {_default.DEFAULT_NAME}: {_default.default_recipe()}")
    print(f"{args.size}x{args.size}: model load {t_load:.2f} s (once); "
          f"extract wall {t_ext:.3f} s / cpu {c_ext:.2f} s (D = {raw.shape[2]}); "
          f"reduce wall {t_red:.3f} s / cpu {c_red:.2f} s; "
          f"extract+reduce wall {t_ext + t_red:.3f} s / cpu {c_ext + c_red:.2f} s")

    rng = np.random.default_rng(11)
    g, s = rng.random((48, 48, 3)), rng.standard_normal((48, 48, 8))
    t_nat, a = best(lambda: features.guided_filter(g, s), args.repeat)
    t_ref, b = best(lambda: guided_filter_ref(g, s, 10, 0.01), 1)
    print(f"guided filter 48x48x8: native {t_nat * 1e3:.2f} ms, reference {t_ref * 1e3:.0f} ms, "
          f"ratio {t_ref / t_nat:.0f}x, max diff {np.abs(a - b).max():.1e}")

    if ref is not None:
        from scipy.cluster.vq import kmeans2

        _, labels = kmeans2(ref.reshape(-1, 3), 4, seed=np.random.default_rng(1729), minit="++")
        print(f"docia separation: paper features {separation(ref, labels):.2f}, "
              f"default {separation(red, labels):.2f}")
        if args.variants:
            for cfg in (dict(taps=(10, 15)), dict(taps=(10, 15), n_components=None),
                        dict(taps=(10, 14)), dict(taps=(10, 14), n_components=16),
                        dict(taps=(15,)), dict(taps=(10,)), dict(taps=(4, 10, 15)),
                        dict(taps=(10, 14), long_side=320), dict(taps=(10, 14), long_side=640)):
                t0 = time.perf_counter()
                r = _default.extract_default(img, **cfg)
                f = features.reduce(r, img)
                print(f"  {cfg}: D = {r.shape[2]}, ratio {separation(f, labels):.2f}, "
                      f"{time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
