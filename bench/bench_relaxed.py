"""Relaxed sparsification (SPEC §9) at 640×640, K = 5: native vs SciPy, side by side.

    PYTHONPATH=python:tests python bench/bench_relaxed.py [--threads 2] [--full-reference]

L is docia's matting Laplacian (SPEC §1, built by tests/reference/relaxed_ref.py),
α̂ soft k-means assignments of its features. Compares one IRLS solve (the first
system, warm start â, relative residual 1e-6) and the whole stage. SciPy's CG is
single-threaded; the native stage runs on --threads threads.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import scipy.sparse.linalg as spla
from PIL import Image

from reference import relaxed_ref as ref
from sss_fast import Params
from sss_fast._native import core, testing
from sss_fast.stages import relaxed

DOCIA = Path(__file__).resolve().parents[2] / "shared" / "data" / "docia.png"


def load(size):
    with Image.open(DOCIA) as im:
        a = np.asarray(im.convert("RGB"), dtype=np.float64) / 255.0
    img, feat = a[:, :640], a[:, 640:]
    f = 640 // size
    half = lambda x: np.ascontiguousarray(x.reshape(size, f, size, f, 3).mean(axis=(1, 3)))
    return half(img), half(feat)


def soft_labels(feat, k=5, seed=52711):
    f = feat.reshape(-1, 3)
    rng = np.random.default_rng(seed)
    c = f[rng.choice(len(f), k, replace=False)]
    for _ in range(10):
        d = ((f[:, None] - c[None]) ** 2).sum(-1)
        lab = d.argmin(1)
        c = np.array([f[lab == j].mean(0) if (lab == j).any() else c[j] for j in range(k)])
    d = ((f[:, None] - c[None]) ** 2).sum(-1)
    a = np.exp(-(d - d.min(1, keepdims=True)) / 0.01)
    return np.ascontiguousarray((a / a.sum(1, keepdims=True)).T)


def scipy_cg(mat, b, x0, tol, jacobi):
    its = [0]
    m = spla.LinearOperator(mat.shape, matvec=lambda r, d=1.0 / mat.diagonal(): d * r) \
        if jacobi else None
    t = time.perf_counter()
    x, info = spla.cg(mat, b, x0=x0, rtol=tol, atol=0.0, maxiter=1000, M=m,
                      callback=lambda xk: its.__setitem__(0, its[0] + 1))
    dt = time.perf_counter() - t
    res = np.linalg.norm(b - mat @ x) / np.linalg.norm(b)
    return dt, its[0], res, info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=640)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--full-reference", action="store_true",
                    help="also run the whole SciPy reference stage (Jacobi CG, slow)")
    args = ap.parse_args()
    p = Params()
    print(f"load average {os.getloadavg()[0]:.1f}, OMP_WAIT_POLICY="
          f"{os.environ.get('OMP_WAIT_POLICY', '(unset)')}")

    img, feat = load(args.size)
    t = time.perf_counter()
    lap = ref.matting_laplacian(img)
    print(f"N = {lap.shape[0]}, nnz(L) = {lap.nnz}  (reference Laplacian built in "
          f"{time.perf_counter() - t:.1f} s)")
    alpha = soft_labels(feat)
    k, n = alpha.shape

    rows = []
    for nt in sorted({1, args.threads}):
        core.set_num_threads(nt)
        relaxed.relaxed_sparsify(alpha, lap, img, replace_params(p, relaxed_iterations=1))  # warm
        t = time.perf_counter()
        out, info = relaxed.relaxed_sparsify(alpha, lap, img, p, return_info=True)
        wall = time.perf_counter() - t
        rows.append((nt, wall, info))
        print(f"native {nt} thread(s): stage {wall:.2f} s (native {info['seconds']:.2f} s), "
              f"first IRLS solve {info['cg_seconds'][0]:.3f} s / {info['cg_iterations'][0]} its, "
              f"all solves {info['cg_seconds'].sum():.2f} s, PCG its per solve "
              f"{info['cg_iterations'].tolist()}")
    _, native_wall, info = rows[-1]
    first_solve = info["cg_seconds"][0]

    # The same first IRLS system, explicit 5N×5N, for SciPy.
    a_hat = ref.clean_initial(alpha)
    gamma = ref.sparsity_exponent(img).ravel()
    u = np.maximum(np.abs(a_hat), p.relaxed_floor) ** (gamma - 2.0)
    v = np.maximum(np.abs(1.0 - a_hat), p.relaxed_floor) ** (gamma - 2.0)
    t = time.perf_counter()
    mat = ref.system_matrix(lap, k, u + v + 1.0, p.sum_to_one_weight)
    print(f"explicit system: {mat.shape[0]} unknowns, nnz {mat.nnz} "
          f"(assembled in {time.perf_counter() - t:.1f} s)")
    b = (v + a_hat + p.sum_to_one_weight).ravel()
    print(f"\none IRLS solve to relative residual {p.cg_tolerance:g}, warm start α̂:")
    print(f"  {'solver':44s} {'time s':>8s} {'its':>5s} {'residual':>10s} {'vs native':>10s}")
    print(f"  {'native fused PCG, block SM precond, %d thr' % args.threads:44s} "
          f"{first_solve:8.3f} {info['cg_iterations'][0]:5d} {info['cg_residuals'][0]:10.2e} "
          f"{1.0:10.2f}")
    for jac in (False, True):
        dt, its, res, flag = scipy_cg(mat, b, a_hat.ravel(), p.cg_tolerance, jac)
        name = "SciPy CG, Jacobi" if jac else "SciPy CG, unpreconditioned"
        print(f"  {name:44s} {dt:8.3f} {its:5d} {res:10.2e} {dt / first_solve:10.2f}"
              + ("" if flag == 0 else f"  (info {flag})"))
    for jac in (False, True):
        t = time.perf_counter()
        _, its, res, st = testing.pcg_csr(mat.indptr, mat.indices, mat.data, b, a_hat.ravel(),
                                       p.cg_tolerance, 1000, jac)
        dt = time.perf_counter() - t
        name = f"native generic pcg on explicit CSR, {'Jacobi' if jac else 'none'}"
        print(f"  {name:44s} {dt:8.3f} {its:5d} {res:10.2e} {dt / first_solve:10.2f}")

    if args.full_reference:
        del mat
        t = time.perf_counter()
        ref_layers, _, _ = ref.relaxed_sparsify(alpha, lap, img, tol=p.cg_tolerance, jacobi=True)
        dt = time.perf_counter() - t
        print(f"\nwhole stage: SciPy reference (Jacobi CG 1e-6) {dt:.1f} s, native "
              f"{native_wall:.2f} s on {args.threads} threads: ratio {dt / native_wall:.1f}x; "
              f"max |native - reference| {np.abs(out.reshape(k, n) - ref_layers).max():.2e}")


def replace_params(p, **kw):
    from dataclasses import replace
    return replace(p, **kw)


if __name__ == "__main__":
    main()
