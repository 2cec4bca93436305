"""Constrained sparsification (SPEC §7) timings: the weighted Gram kernel and
one IRLS iteration at N = 409600 (640²), M = 100, K = 40, next to a NumPy
baseline (per-k BLAS GEMM, OpenBLAS) measured in the same run.

    PYTHONPATH=python python bench/bench_constrained.py [--threads 2] [--n 409600]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from sss_fast import constrained
from sss_fast._native import core
from sss_fast.params import Params
from dataclasses import replace


def best_of(f, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n", type=int, default=409600)
    ap.add_argument("--m", type=int, default=100)
    ap.add_argument("--k", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-numpy", action="store_true", help="skip the (slow) NumPy baseline")
    args = ap.parse_args()
    core.set_num_threads(args.threads)
    N, M, K = args.n, args.m, args.k
    rng = np.random.default_rng(20240611)
    E = rng.standard_normal((M, N)) / np.sqrt(N)          # orthonormal-ish rows
    w = rng.random((K, N)) * 10.0 ** rng.uniform(-1, 6, size=(K, N))
    flops = K * N * M * (M + 1)
    print(f"N={N} M={M} K={K} threads={args.threads} "
          f"(OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')})")

    t64, G = best_of(lambda: core.weighted_grams(E, w, False), args.repeat)
    print(f"weighted_grams f64: {t64:.3f} s  {flops / t64 / 1e9:.1f} GFLOP/s")
    t32, G32 = best_of(lambda: core.weighted_grams(E, w, True), args.repeat)
    err = np.abs(G32 - G).max() / np.abs(G).max()
    print(f"weighted_grams f32: {t32:.3f} s  {flops / t32 / 1e9:.1f} GFLOP/s  "
          f"max rel err vs f64 {err:.2e}")

    def numpy_grams():
        return np.stack([(E * w[k]) @ E.T for k in range(K)])
    if args.no_numpy:
        tnp = None
    else:
        tnp, Gnp = best_of(numpy_grams, 1)
    if tnp is not None:
        print(f"numpy per-k GEMM:   {tnp:.3f} s  {2 * K * N * M * M / tnp / 1e9:.1f} GFLOP/s (full GEMM)"
              f"  ratio numpy/native {tnp / t64:.2f}  max rel diff "
              f"{np.abs(Gnp - G).max() / np.abs(G).max():.1e}")
        del Gnp
    del G32

    # One IRLS iteration = (time of 2 iterations) − (time of 1); no pruning.
    labels = rng.integers(0, K, size=N).astype(np.int32)
    lam = np.sort(rng.uniform(-1e-3, 2e-3, size=M))
    p1 = replace(Params(), constrained_iterations=1, prune_after=(1000,))
    p2 = replace(p1, constrained_iterations=2)
    ta, _ = best_of(lambda: constrained.constrained_sparsify(E, lam, labels, p1), 1)
    tb, _ = best_of(lambda: constrained.constrained_sparsify(E, lam, labels, p2), 1)
    print(f"IRLS: 1 iteration run {ta:.3f} s, 2 iterations {tb:.3f} s -> "
          f"{tb - ta:.3f} s per iteration (Gram share {t64 / (tb - ta):.0%})")


if __name__ == "__main__":
    main()
