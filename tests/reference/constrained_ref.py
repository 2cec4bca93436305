"""Reference constrained sparsification (SPEC §7), plain NumPy/SciPy.

Slow and obviously correct: the weighted Gram matrices by einsum and the full
(K−1)·M linear system solved densely. Also a small matting Laplacian and its
eigenvectors so that tests have real E on crops of docia.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = [
    "matting_laplacian", "eigenvectors", "weighted_grams_ref", "dense_arrow_system",
    "solve_arrow_dense", "constrained_ref",
]


def matting_laplacian(image, eps=1e-7):
    """Levin's matting Laplacian (SPEC §1, r = 1) of an H×W×3 image, as CSR."""
    h, w, _ = image.shape
    idx = np.arange(h * w).reshape(h, w)
    rows, cols, vals = [], [], []
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            win = idx[y - 1:y + 2, x - 1:x + 2].ravel()
            c = image[y - 1:y + 2, x - 1:x + 2].reshape(9, 3)
            mu = c.mean(axis=0)
            cov = c.T @ c / 9 - np.outer(mu, mu)
            d = c - mu
            wk = (1 + d @ np.linalg.inv(cov + eps / 9 * np.eye(3)) @ d.T) / 9
            rows.append(np.repeat(win, 9))
            cols.append(np.tile(win, 9))
            vals.append(wk.ravel())
    W = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(h * w, h * w))
    D = sp.diags(np.asarray(W.sum(axis=1)).ravel())
    return (D - W).tocsr()


def eigenvectors(L, m):
    """The m eigenpairs of L closest to zero (dense eigh). Returns E (m, N), λ (m,)."""
    lam, vec = np.linalg.eigh(L.toarray())
    order = np.argsort(np.abs(lam), kind="stable")[:m]
    order = np.sort(order)
    return np.ascontiguousarray(vec[:, order].T), lam[order].copy()


def weighted_grams_ref(E, w):
    """out[k] = E diag(w[k]) Eᵀ for E (M, N), w (K, N)."""
    return np.stack([(E * wk) @ E.T for wk in w])


def dense_arrow_system(A, b):
    """The full (K−1)M system blockdiag(A_0..A_{K−2}) + 𝟙𝟙ᵀ⊗A_{K−1}, rhs b_k + b_{K−1}."""
    K, M, _ = A.shape
    big = np.kron(np.ones((K - 1, K - 1)), A[-1])
    for k in range(K - 1):
        big[k * M:(k + 1) * M, k * M:(k + 1) * M] += A[k]
    rhs = (b[:-1] + b[-1]).ravel()
    return big, rhs


def solve_arrow_dense(A, b):
    big, rhs = dense_arrow_system(A, b)
    return np.linalg.solve(big, rhs).reshape(A.shape[0] - 1, A.shape[1])


def _weights(alpha, gamma, w0, w1, floor):
    e0 = w0 ** gamma * np.maximum(np.abs(alpha), floor) ** (gamma - 2)
    e1 = w1 ** gamma * np.maximum(np.abs(alpha - 1), floor) ** (gamma - 2)
    return e0, e1


def _energy(alpha, y, lam, gamma, w0, w1):
    sparse = (w0 ** gamma * np.abs(alpha) ** gamma + w1 ** gamma * np.abs(alpha - 1) ** gamma).sum()
    if y is None:
        return sparse
    s = y.sum(axis=0)
    return sparse + np.einsum("km,m,km->", y, lam, y) + s @ (lam * s)


def constrained_ref(E, lam, labels, *, iterations=40, gamma=0.8, w0=0.3, w1=0.3, floor=1e-10,
                    prune_threshold=0.1, prune_after=(11, 21, 31)):
    """SPEC §7 literally. Returns (alpha (K, N), energy per iteration, K per iteration).

    Components are the labels present in increasing order; the pruning keeps
    the survivors' alpha as they are (see cpp/sparsify/constrained.hpp).
    """
    M, N = E.shape
    present = np.unique(labels)
    alpha = (labels[None, :] == present[:, None]).astype(np.float64)
    energies, counts = [], []
    for it in range(1, iterations + 1):
        K = alpha.shape[0]
        counts.append(K)
        y = None
        if K == 1:
            alpha = np.ones((1, N))
        else:
            e0, e1 = _weights(alpha, gamma, w0, w1, floor)
            A = weighted_grams_ref(E, e0 + e1) + np.diag(lam)[None]
            b = np.concatenate([e1[:-1] @ E.T, (e0[-1] @ E.T)[None]])
            y = solve_arrow_dense(A, b)
            alpha = np.empty((K, N))
            alpha[:-1] = y @ E
            alpha[-1] = 1 - alpha[:-1].sum(axis=0)
        energies.append(_energy(alpha, y, lam, gamma, w0, w1))
        if it in prune_after:
            keep = np.abs(alpha).max(axis=1) > prune_threshold
            if not keep.any():
                keep[np.argmax(np.abs(alpha).max(axis=1))] = True
            alpha = alpha[keep]
    return alpha, np.array(energies), np.array(counts)
