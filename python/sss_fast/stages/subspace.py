"""Feature directions added to the eigenbasis of the constrained sparsification.

The components of SPEC §7 live in the span of the Laplacian's eigenvectors
closest to zero. An object with the colour and texture of what lies around it
(a camouflaged animal, a white shirt on a white wall) has no colour edge, so
no smooth eigenvector has an edge along it, and no component can hold it,
whatever the features say. ``Params.feature_subspace = k`` (default 6; 0 is
the reference) proposes k directions from the features and adds those the
eigenvectors cannot express:

1. k-means of the per-pixel features into k clusters (seeded);
2. each cluster's indicator is dropped when it is a thin band (eroding it by
   2 pixels leaves less than 40 % of it: the blurred edge between two
   objects, not an object), or when the features do not jump along its edge
   (mean feature gradient on the edge below ``feature_subspace_min_contrast``
   times the median inside: a cut through features that drift smoothly, as
   k-means makes of a large background; on scikit-image's astronaut and
   coffee every cluster scores 1.7–3.2, on the bench scenes an object only
   the features see scores 3.2–5.8), else it is smoothed by a colour-guided
   filter (window 5, ε 1e-3) so its edges snap to colour edges where there
   are any;
3. the part orthogonal to the eigenvectors is kept when it is at least
   ``feature_subspace_min_residual`` of the vector (a visible object's
   indicator is explained by the eigenvectors to within ≈ 0.15–0.29 on the
   bench scenes; an object only the features see leaves ≈ 0.37–0.55);
4. Rayleigh–Ritz: the kept directions are orthonormalised, the Laplacian is
   projected onto them and diagonalised, so the enlarged basis is still
   orthonormal with a diagonal Laplacian (SPEC §7's energy is unchanged in
   form; the added "eigenvalues" are the Ritz values, much larger than the
   eigenvalues, so the sparsification uses these directions only where the
   sparsity gain pays for a cut through a region of uniform colour).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ..edge.params import Params
from ..edge.validate import as_points
from .kmeans import initial_components

__all__ = ["augment_eigenbasis"]

_ERODE = 2          # pixels
_THICK = 0.4        # fraction of the indicator that must survive the erosion
_GUIDED_WINDOW = 5
_GUIDED_EPS = 1e-3


def _border(h, w):
    b = np.zeros((h, w), bool)
    b[0, :] = b[-1, :] = b[:, 0] = b[:, -1] = True
    return b


def augment_eigenbasis(eigvals, eigvecs, lap, image, features, params: Params, *, seed):
    """(values, vectors, info): the eigenpairs plus the Ritz pairs of the kept feature directions.

    Parameters
    ----------
    eigvals : (M,) float64
    eigvecs : (M, N) float64, orthonormal rows
    lap : (N, N) sparse matrix, the Laplacian
    image : (H, W, 3) float array in [0, 1]
    features : (H, W, C) float array
    params : Params
        ``feature_subspace`` (k, 0 = off), ``feature_subspace_min_contrast`` and
        ``feature_subspace_min_residual``.
    seed : int

    Returns
    -------
    values : (M + P,) float64, sorted by magnitude; vectors : (M + P, N)
    C-contiguous; info : dict with ``proposed``, ``thin`` (dropped as bands),
    ``residuals`` (relative residual of each thick proposal) and ``added`` (P).
    """
    from ..features import guided_filter

    info = {"proposed": 0, "thin": 0, "residuals": [], "added": 0}
    if params.feature_subspace == 0:
        return eigvals, eigvecs, info
    h, w = np.shape(features)[:2]
    n = h * w
    pts = as_points(features)
    labels = initial_components(pts, params.feature_subspace, seed=seed).reshape(h, w)
    info["proposed"] = int(labels.max()) + 1
    f3 = pts.reshape(h, w, -1)
    grad = np.sqrt(sum((np.gradient(f3[..., c], axis=a) ** 2)
                       for c in range(f3.shape[2]) for a in (0, 1)))
    props = []
    info["contrast"] = []
    for j in range(int(labels.max()) + 1):
        ind = labels == j
        core_ = ndimage.binary_erosion(ind, iterations=_ERODE)
        kept = core_.sum()
        if kept < _THICK * ind.sum() or kept < 9:
            info["thin"] += 1
            continue
        edge = ndimage.binary_dilation(ind) & ~ndimage.binary_erosion(ind)
        edge &= ~_border(h, w)
        contrast = float(grad[edge].mean() / max(np.median(grad[core_]), 1e-12)) if edge.any() \
            else 0.0
        info["contrast"].append(contrast)
        if contrast < params.feature_subspace_min_contrast:
            continue
        g = guided_filter(image, np.ascontiguousarray(ind, dtype=np.float64),
                          window=_GUIDED_WINDOW, eps=_GUIDED_EPS)
        props.append(np.asarray(g, dtype=np.float64).ravel())
    if not props:
        return eigvals, eigvecs, info
    x = np.array(props)
    norm0 = np.linalg.norm(x, axis=1)
    x = x - (x @ eigvecs.T) @ eigvecs
    x = x - (x @ eigvecs.T) @ eigvecs          # twice is enough (Kahan)
    rel = np.linalg.norm(x, axis=1) / np.maximum(norm0, 1e-300)
    info["residuals"] = [float(r) for r in rel]
    x = x[rel >= params.feature_subspace_min_residual]
    if x.shape[0] == 0:
        return eigvals, eigvecs, info
    q, r = np.linalg.qr(x.T)
    q = q[:, np.abs(np.diag(r)) > 1e-8 * np.abs(np.diag(r)).max()].T   # (P, N)
    t = q @ (lap @ q.T)
    theta, v = np.linalg.eigh(0.5 * (t + t.T))
    ritz = v.T @ q
    vals = np.concatenate([eigvals, theta])
    vecs = np.vstack([eigvecs, ritz])
    order = np.argsort(np.abs(vals), kind="stable")
    info["added"] = int(ritz.shape[0])
    return np.ascontiguousarray(vals[order]), np.ascontiguousarray(vecs[order]), info
