"""Reference layer colours (SPEC §12): the sparse system assembled with SciPy
and solved directly.

Per colour channel c, the colours F_i (one value per pixel and layer) minimise

    Σ_p (Σ_i α_ip F_ip − I_pc)²  +  Σ_i Σ_{p~q} (|α_ip − α_iq| + ε_c)(F_ip − F_iq)²

over 4-neighbour pairs p~q, plus (when prior δ > 0) the term
δ Σ_i Σ_p (1 − α_ip)² (F_ip − I_p)² of sss_fast.colors. Setting the gradient to zero gives the SPD system

    (D_α + Σ_i e_i e_iᵀ ⊗ L_i + δ diag((1 − α)²)) F = b,
    b_ip = (α_ip + δ (1 − α_ip)²) I_p,

where D_α is block diagonal (α_p α_pᵀ per pixel) and L_i is the graph
Laplacian of the 4-neighbour grid with edge weights |α_ip − α_iq| + ε_c.
Unknowns are ordered layer-major here (index i*N + p), which is the simplest
to read; the native solver interleaves them.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def grid_edges(h: int, w: int):
    """Pairs (p, q), p < q, of 4-neighbours on an h×w grid, p = y*w + x."""
    idx = np.arange(h * w).reshape(h, w)
    right = (idx[:, :-1].ravel(), idx[:, 1:].ravel())
    down = (idx[:-1, :].ravel(), idx[1:, :].ravel())
    return np.concatenate([right[0], down[0]]), np.concatenate([right[1], down[1]])


def color_system(layers: np.ndarray, epsilon: float, prior: float = 0.0):
    """The matrix A of the colour system for (K, H, W) layers (layer-major unknowns)."""
    k, h, w = layers.shape
    n = h * w
    a = layers.reshape(k, n).astype(np.float64)
    p, q = grid_edges(h, w)
    blocks = []
    for i in range(k):
        wt = np.abs(a[i, p] - a[i, q]) + epsilon
        adj = sp.coo_matrix((np.concatenate([wt, wt]), (np.concatenate([p, q]),
                                                        np.concatenate([q, p]))), shape=(n, n))
        adj = adj.tocsr()
        lap = sp.diags(np.asarray(adj.sum(axis=1)).ravel()) - adj
        blocks.append(lap)
    smooth = sp.block_diag(blocks, format="csr")
    # data term: (Σ_i α_ip F_ip)² couples layers i, j at the same pixel with α_ip α_jp
    rows, cols, vals = [], [], []
    pix = np.arange(n)
    for i in range(k):
        for j in range(k):
            rows.append(i * n + pix)
            cols.append(j * n + pix)
            vals.append(a[i] * a[j])
    data = sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(k * n, k * n)).tocsr()
    reg = sp.diags(prior * (1.0 - a.ravel()) ** 2)
    return (smooth + data + reg).tocsr()


def color_energy(image: np.ndarray, layers: np.ndarray, colors: np.ndarray,
                 epsilon: float, prior: float = 0.0) -> float:
    """The SPEC §12 energy of (K, H, W, 3) colours, summed over the channels."""
    k, h, w = layers.shape
    a = layers.astype(np.float64)
    recon = np.einsum("khw,khwc->hwc", a, colors)
    e = float(((recon - image) ** 2).sum())
    for axis in (1, 2):
        da = np.abs(np.diff(a, axis=axis)) + epsilon
        df = np.diff(colors, axis=axis)
        e += float((da[..., None] * df ** 2).sum())
    e += prior * float(((1.0 - a[..., None]) ** 2 * (colors - image[None]) ** 2).sum())
    return e


def layer_colors_ref(image: np.ndarray, layers: np.ndarray, epsilon: float = 1e-2,
                     prior: float = 0.0, clip: bool = True) -> np.ndarray:
    """(K, H, W, 3) layer colours by a direct sparse solve (each channel separately)."""
    k, h, w = layers.shape
    n = h * w
    a = layers.reshape(k, n).astype(np.float64)
    mat = color_system(layers, epsilon, prior).tocsc()
    wb = a + prior * (1.0 - a) ** 2
    solve = spla.factorized(mat)
    out = np.empty((k, n, 3))
    img = image.reshape(n, 3).astype(np.float64)
    for c in range(3):
        b = (wb * img[:, c][None, :]).ravel()
        out[:, :, c] = solve(b).reshape(k, n)
    out = out.reshape(k, h, w, 3)
    return np.clip(out, 0.0, 1.0) if clip else out
