"""Reference relaxed sparsification (SPEC §9): plain NumPy/SciPy, slow, obvious.

Also builds the test Laplacians: Levin's matting Laplacian D_L − W_L (SPEC §1),
optionally plus random symmetric long-range affinities that stand in for the
superpixel terms of SPEC §5.
"""

from __future__ import annotations

import numpy as np
import scipy.ndimage as ndi
import scipy.sparse as sp
import scipy.sparse.linalg as spla

FARID_D = np.array([0.0001, 0.0019, 0.0142, 0.0509, 0.0963, 0.0878, 0.0,
                    -0.0878, -0.0963, -0.0509, -0.0142, -0.0019, -0.0001])
FARID_K = np.array([0.0000, 0.0007, 0.0071, 0.0374, 0.1126, 0.2119, 0.2605,
                    0.2119, 0.1126, 0.0374, 0.0071, 0.0007, 0.0000])


# ---- Laplacians -------------------------------------------------------------------

def matting_affinity_bands(image, eps=1e-7):
    """W_L (SPEC §1) as 25 bands: bands[(dy, dx)][y, x] = W_L[p, p + (dy, dx)].

    Vectorised over windows: for each ordered pair of positions (i, j) in the
    3×3 window, the contribution of every full window at once.
    """
    img = np.asarray(image, dtype=np.float64)
    h, w, _ = img.shape
    hw, ww = h - 2, w - 2  # window centres 1..H-2, 1..W-2
    offs = [(dy, dx) for dy in range(3) for dx in range(3)]
    patches = np.stack([img[dy:dy + hw, dx:dx + ww] for dy, dx in offs], axis=2)  # hw,ww,9,3
    mu = patches.mean(axis=2)
    cov = np.einsum("abic,abid->abcd", patches, patches) / 9.0 - np.einsum("abc,abd->abcd", mu, mu)
    inv = np.linalg.inv(cov + (eps / 9.0) * np.eye(3))
    centred = patches - mu[:, :, None, :]
    vals = (1.0 + np.einsum("abic,abcd,abjd->abij", centred, inv, centred)) / 9.0  # hw,ww,9,9
    bands = {(dy, dx): np.zeros((h, w)) for dy in range(-2, 3) for dx in range(-2, 3)}
    for i, (iy, ix) in enumerate(offs):
        for j, (jy, jx) in enumerate(offs):
            bands[(jy - iy, jx - ix)][iy:iy + hw, ix:ix + ww] += vals[:, :, i, j]
    return bands


def matting_laplacian(image, eps=1e-7, extra_pairs=0, extra_weight=0.01, seed=None,
                      index_dtype=np.int32):
    """L = D − W with W = W_L (+ `extra_pairs` random symmetric long-range
    affinities of weight up to `extra_weight`), CSR with sorted indices."""
    img = np.asarray(image, dtype=np.float64)
    h, w, _ = img.shape
    n = h * w
    bands = matting_affinity_bands(img, eps)
    rows, cols, vals = [], [], []
    pix = np.arange(n).reshape(h, w)
    for (dy, dx), b in bands.items():
        ys = slice(max(0, -dy), min(h, h - dy))
        xs = slice(max(0, -dx), min(w, w - dx))
        src = pix[ys, xs].ravel()
        rows.append(src)
        cols.append(src + dy * w + dx)
        vals.append(b[ys, xs].ravel())
    if extra_pairs:
        rng = np.random.default_rng(seed)
        i = rng.integers(0, n, extra_pairs)
        j = rng.integers(0, n, extra_pairs)
        keep = i != j
        i, j = i[keep], j[keep]
        v = extra_weight * rng.random(i.size)
        rows += [i, j]
        cols += [j, i]
        vals += [v, v]
    wmat = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(n, n))
    wmat.eliminate_zeros()
    lap = sp.diags(np.asarray(wmat.sum(axis=1)).ravel()) - wmat
    lap = sp.csr_matrix(lap)
    lap.sort_indices()
    lap.indices = lap.indices.astype(index_dtype)
    lap.indptr = lap.indptr.astype(index_dtype)
    return lap


# ---- SPEC §9.1 and §9.2 ----------------------------------------------------------------

def clean_initial(layers, low=0.1, high=0.9):
    """SPEC §9.1 on (K, N); zero-sum pixels keep raw values renormalised, else 1/K."""
    a = np.asarray(layers, dtype=np.float64)
    t = np.where(a < low, 0.0, np.where(a > high, 1.0, a))
    s = t.sum(axis=0)
    raw = a.sum(axis=0)
    out = np.empty_like(a)
    ok = s > 0
    out[:, ok] = t[:, ok] / s[ok]
    fb = ~ok & (raw > 0)
    out[:, fb] = a[:, fb] / raw[fb]
    out[:, ~ok & ~fb] = 1.0 / a.shape[0]
    return out


def _conv_replicate(x, taps, axis):
    """True convolution (conv2 orientation) along `axis`, edge-replicate padding,
    written out with np.pad + np.convolve(mode='valid')."""
    r = len(taps) // 2
    pad = [(0, 0)] * x.ndim
    pad[axis] = (r, r)
    xp = np.pad(x, pad, mode="edge")
    return np.apply_along_axis(lambda v: np.convolve(v, taps, mode="valid"), axis, xp)


def image_derivatives(image, use_ndimage=False):
    """Per-channel (∂x I, ∂y I), each H×W×C, Farid–Simoncelli 13 taps."""
    img = np.asarray(image, dtype=np.float64)
    if use_ndimage:
        def conv(x, taps, axis):
            return ndi.convolve1d(x, taps, axis=axis, mode="nearest")
    else:
        conv = _conv_replicate
    dx = conv(conv(img, FARID_D, 1), FARID_K, 0)
    dy = conv(conv(img, FARID_K, 1), FARID_D, 0)
    return dx, dy


def sparsity_exponent(image, base=0.9, cap=0.1, use_ndimage=False):
    """γ̃ (H, W) per SPEC §9.2."""
    dx, dy = image_derivatives(image, use_ndimage)
    gx = np.sqrt((dx ** 2).sum(axis=2))
    gy = np.sqrt((dy ** 2).sum(axis=2))
    return base + np.minimum(np.sqrt(gx ** 2 + gy ** 2), cap)


# ---- SPEC §9.3–9.5 ---------------------------------------------------------------------

def energy(a, a_hat, lap, gamma, lam=100.0):
    """E = E_F + λE_C + E_L + E_S (SPEC §9.3); a, a_hat (K, N), gamma (N,)."""
    ef = ((a - a_hat) ** 2).sum()
    ec = ((a.sum(axis=0) - 1.0) ** 2).sum()
    el = sum(float(ai @ (lap @ ai)) for ai in a)
    es = (np.abs(a) ** gamma + np.abs(1.0 - a) ** gamma).sum()
    return ef + lam * ec + el + es


def irls_energy(a, a_hat, lap, gamma, lam=100.0, floor=0.01):
    """The majorised energy IRLS does not increase (see RelaxedResult in relaxed.hpp)."""
    def psi2(x):
        ax = np.abs(x)
        big = (2.0 / gamma) * ax ** gamma
        small = floor ** (gamma - 2) * x * x + (2.0 / gamma - 1.0) * floor ** gamma
        return np.where(ax >= floor, big, small)
    ef = ((a - a_hat) ** 2).sum()
    ec = ((a.sum(axis=0) - 1.0) ** 2).sum()
    el = sum(float(ai @ (lap @ ai)) for ai in a)
    return ef + lam * ec + el + (psi2(a) + psi2(1.0 - a)).sum()


def system_matrix(lap, k, diag_weights, lam=100.0):
    """Explicit K·N × K·N matrix I_K⊗L + λ CᵀC + diag(w), layer-major unknowns."""
    n = lap.shape[0]
    c = sp.hstack([sp.identity(n, format="csr")] * k, format="csr")
    a = sp.kron(sp.identity(k), lap) + lam * (c.T @ c) + sp.diags(diag_weights.ravel())
    return sp.csr_matrix(a)


def solve(a, b, x0, tol, jacobi=False, maxiter=100000):
    """spsolve when tol == 0 (slow: SuperLU fills in badly here), else SciPy's
    CG (unpreconditioned, or Jacobi if `jacobi`) to relative residual tol."""
    if tol == 0:
        return spla.spsolve(sp.csc_matrix(a), b)
    m = sp.diags(1.0 / a.diagonal()) if jacobi else None
    x, info = spla.cg(a, b, x0=x0, rtol=tol, atol=0.0, maxiter=maxiter, M=m)
    if info != 0:
        raise RuntimeError(f"reference CG did not converge (info={info})")
    return x


def relaxed_sparsify(layers, lap, image, lam=100.0, iterations=20, floor=0.01,
                     gamma_base=0.9, gamma_cap=0.1, clean_low=0.1, clean_high=0.9, tol=1e-12,
                     jacobi=False):
    """Reference of the whole stage; returns (layers (K, N), energies, irls_energies)."""
    a_hat = clean_initial(np.asarray(layers, dtype=np.float64).reshape(len(layers), -1),
                          clean_low, clean_high)
    k, n = a_hat.shape
    gamma = sparsity_exponent(image, gamma_base, gamma_cap).ravel()
    a = a_hat.copy()
    energies = [energy(a, a_hat, lap, gamma, lam)]
    irls = [irls_energy(a, a_hat, lap, gamma, lam, floor)]
    for _ in range(iterations):
        u = np.maximum(np.abs(a), floor) ** (gamma - 2.0)
        v = np.maximum(np.abs(1.0 - a), floor) ** (gamma - 2.0)
        mat = system_matrix(lap, k, u + v + 1.0, lam)
        b = (v + a_hat + lam).ravel()
        a = solve(mat, b, a.ravel(), tol, jacobi).reshape(k, n)
        energies.append(energy(a, a_hat, lap, gamma, lam))
        irls.append(irls_energy(a, a_hat, lap, gamma, lam, floor))
    mat = system_matrix(lap, k, np.ones((k, n)), lam)
    a = solve(mat, (a + lam).ravel(), a.ravel(), tol, jacobi).reshape(k, n)
    return a, np.array(energies), np.array(irls)
