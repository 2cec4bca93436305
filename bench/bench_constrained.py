"""Constrained sparsification (SPEC §7) timings at N = 409600 (640²), M = 100.

1. The weighted Gram kernel (K = 40, random data), f64 and f32.
2. The IRLS on realistic data, old (``method="exact"``: all K Grams every
   iteration) next to new (``method="pcg"``: matrix-free PCG with an
   incrementally updated Gram preconditioner). Eigenvectors: the matting
   Laplacian of docia box-downsampled to ``--base`` pixels a side (SciPy
   shift-invert eigsh, cached under ``--cache``), replicated to 640² (still
   exactly orthonormal); initial components: k-means of docia's 640² features.
   The new method runs all 40 iterations; the old one runs ``--exact-iters``
   iterations (it needs ~10+ s each) and its full-run time is extrapolated
   with the same K per iteration.

    PYTHONPATH=python python bench/bench_constrained.py [--threads 2] [--base 160]
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from sss_fast import Params
from sss_fast._native import core, testing
from sss_fast.stages import constrained

DOCIA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "docia.png"


def best_of(f, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def load_docia():
    from PIL import Image
    with Image.open(DOCIA) as im:
        a = np.asarray(im.convert("RGB"), dtype=np.float64) / 255.0
    return np.ascontiguousarray(a[:, :640]), np.ascontiguousarray(a[:, 640:])


def matting_eigvecs(img, m):
    """m smallest eigenpairs of Levin's matting Laplacian (r = 1, ε = 1e-7)."""
    import scipy.sparse as sp
    import scipy.sparse.linalg as sla
    h, w, _ = img.shape
    idx = np.arange(h * w).reshape(h, w)
    wins = np.stack([idx[dy:h - 2 + dy, dx:w - 2 + dx].ravel()
                     for dy in range(3) for dx in range(3)], 1)
    c = img.reshape(-1, 3)[wins]
    d = c - c.mean(1, keepdims=True)
    inv = np.linalg.inv(np.einsum("wic,wid->wcd", d, d) / 9 + 1e-7 / 9 * np.eye(3))
    wk = (1 + np.einsum("wic,wcd,wjd->wij", d, inv, d)) / 9
    W = sp.csr_matrix((wk.ravel(), (np.repeat(wins, 9, axis=1).ravel(),
                                    np.tile(wins, (1, 9)).ravel())), shape=(h * w, h * w))
    L = (sp.diags(np.asarray(W.sum(1)).ravel()) - W).tocsc()
    lam, vec = sla.eigsh(L, k=m, sigma=-1e-6, which="LM", tol=1e-8)
    o = np.argsort(lam)
    return np.ascontiguousarray(vec[:, o].T), lam[o]


def realistic_problem(base, m, cache):
    img, feat = load_docia()
    path = Path(cache) / f"sss_bench_constrained_E{base}_{m}.npz"
    if path.exists():
        d = np.load(path)
        Eb, lam = d["E"], d["lam"]
    else:
        f = 640 // base
        small = img.reshape(base, f, base, f, 3).mean(axis=(1, 3))
        t = time.perf_counter()
        Eb, lam = matting_eigvecs(small, m)
        print(f"(eigenvectors at {base}² computed in {time.perf_counter() - t:.1f} s, cached in {path})")
        np.savez(path, E=Eb, lam=lam)
    f = 640 // base
    E = np.repeat(np.repeat(Eb.reshape(m, base, 1, base, 1), f, axis=2), f, axis=4)
    E = np.ascontiguousarray(E.reshape(m, 640 * 640) / f)
    labels = constrained.initial_components(feat, 40, seed=918273)
    return E, lam, labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--m", type=int, default=100)
    ap.add_argument("--k", type=int, default=40)
    ap.add_argument("--base", type=int, default=160, choices=(80, 160, 320))
    ap.add_argument("--cache", default="/tmp")
    ap.add_argument("--exact-iters", type=int, default=2)
    ap.add_argument("--skip-kernel", action="store_true")
    args = ap.parse_args()
    core.set_num_threads(args.threads)
    M, K = args.m, args.k
    N = 640 * 640
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"N={N} M={M} K={K} threads={args.threads} load(1 min)={load:.2f} "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")

    if not args.skip_kernel:
        rng = np.random.default_rng(20240611)
        E = rng.standard_normal((M, N)) / np.sqrt(N)
        w = rng.random((K, N)) * 10.0 ** rng.uniform(-1, 6, size=(K, N))
        flops = K * N * M * (M + 1)
        t64, G = best_of(lambda: testing.weighted_grams(E, w, False), 1)
        print(f"weighted_grams f64: {t64:.3f} s  {flops / t64 / 1e9:.1f} GFLOP/s")
        t32, G32 = best_of(lambda: testing.weighted_grams(E, w, True), 1)
        print(f"weighted_grams f32: {t32:.3f} s  {flops / t32 / 1e9:.1f} GFLOP/s  "
              f"max rel err vs f64 {np.abs(G32 - G).max() / np.abs(G).max():.2e}")
        del E, w, G, G32

    E, lam, labels = realistic_problem(args.base, M, args.cache)
    p = Params()
    t0 = time.perf_counter()
    a_new, h_new = constrained.constrained_sparsify(E, lam, labels, p, method="pcg",
                                                    return_history=True)
    t_new = time.perf_counter() - t0
    T = args.exact_iters
    pe = replace(p, constrained_iterations=T)
    t0 = time.perf_counter()
    _, h_old = constrained.constrained_sparsify(E, lam, labels, pe, method="exact",
                                                return_history=True)
    t_old_T = time.perf_counter() - t0
    per_k = t_old_T / h_old.n_components.sum()       # seconds per component-iteration
    t_old_est = per_k * h_new.n_components.sum()
    t0 = time.perf_counter()
    _, h_newT = constrained.constrained_sparsify(E, lam, labels, pe, method="pcg",
                                                 return_history=True)
    t_new_T = time.perf_counter() - t0
    load2 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"IRLS, first {T} iterations: exact {t_old_T:.2f} s, pcg {t_new_T:.2f} s, "
          f"ratio {t_old_T / t_new_T:.2f}; energy rel diff "
          f"{np.abs(h_newT.energy - h_old.energy).max() / np.abs(h_old.energy).max():.1e}")
    print(f"IRLS, 40 iterations: pcg {t_new:.2f} s measured; exact ≈ {t_old_est:.1f} s "
          f"(extrapolated, same K schedule); ratio ≈ {t_old_est / t_new:.1f}")
    print(f"  pcg: K {h_new.n_components[0]}→{h_new.n_components[-1]}, CG iterations "
          f"{int(h_new.pcg_iterations.sum())} (per iteration {h_new.pcg_iterations.tolist()})")
    print(f"  pcg: Gram work {float((h_new.gram_work * h_new.n_components).sum()):.0f} "
          f"component-Grams vs {int(h_new.n_components.sum())} for exact")
    print(f"load(1 min) at the end {load2:.2f}")


if __name__ == "__main__":
    main()
