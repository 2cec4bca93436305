"""Eigenpairs of L closest to zero (SPEC §6) against SciPy's shift-invert."""

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as sla

from sss_fast.stages import laplacian, spectral, superpixels
from sss_fast._native import core
from sss_fast import Params


def _laplacian(img, feat, n_segments):
    g = superpixels.superpixels(img, n_segments=n_segments)
    cm = superpixels.region_means(g.labels, img, g.n_regions)
    fm = superpixels.region_means(g.labels, feat, g.n_regions)
    return laplacian.build_laplacian(img, g, cm, fm, Params.reference())  # with the semantic term: slightly indefinite


@pytest.fixture(scope="module")
def crop(docia):
    img, feat = docia
    sl = (slice(200, 248), slice(300, 352))  # person / balloon / sky boundary region
    im, fe = np.ascontiguousarray(img[sl]), np.ascontiguousarray(feat[sl])
    return im, fe, _laplacian(im, fe, 100)


@pytest.fixture(scope="module")
def scipy_ref(crop):
    lap = crop[2]
    vals, vecs = sla.eigsh(lap.tocsc(), 100, sigma=0, which="LM")
    order = np.argsort(vals)
    return vals[order], vecs[:, order]


@pytest.mark.parametrize("method", ["block", "lanczos"])
def test_matches_scipy_shift_invert(crop, scipy_ref, method):
    im, _, lap = crop
    res = spectral.smallest_eigenpairs(lap, im.shape[:2], params=Params(eig_method=method))
    ref_vals, ref_vecs = scipy_ref
    assert res.values.shape == (100,) and res.vectors.shape == (100, lap.shape[0])
    np.testing.assert_allclose(res.values, ref_vals, rtol=0, atol=1e-8)
    assert res.residuals.max() <= 1e-6
    # the selection is the 100 closest to zero, so some are negative here
    assert (res.values < 0).any() or np.abs(ref_vals).max() == pytest.approx(ref_vals.max())
    # orthonormal
    gram = res.vectors @ res.vectors.T
    assert np.abs(gram - np.eye(100)).max() < 1e-8
    # subspaces agree over the well separated part of the spectrum: take the
    # leading pairs up to a gap, compare principal angles
    gaps = np.diff(ref_vals)
    cut = int(np.nonzero(gaps[:90] > 1e-6 * max(1.0, abs(ref_vals).max()))[0].max()) + 1
    q = ref_vecs[:, :cut]
    cosines = np.linalg.svd(q.T @ res.vectors[:cut].T, compute_uv=False)
    assert cosines.min() >= 0.999


@pytest.mark.parametrize("block", [7, 8])
def test_other_block_sizes(crop, scipy_ref, block):
    """Block sizes other than the default 16 take the factor-solve kernels'
    generic path (7: run-time k, column remainders) or their k = 8 path."""
    im, _, lap = crop
    res = spectral.smallest_eigenpairs(lap, im.shape[:2], params=Params(eig_block=block))
    np.testing.assert_allclose(res.values, scipy_ref[0], rtol=0, atol=1e-8)
    assert res.residuals.max() <= 1e-6


def test_residuals_are_true_residuals(crop):
    im, _, lap = crop
    res = spectral.smallest_eigenpairs(lap, im.shape[:2], n=40)
    r = lap @ res.vectors.T - res.vectors.T * res.values
    l1 = abs(lap).sum(axis=0).max()
    np.testing.assert_allclose(np.linalg.norm(r, axis=0) / l1, res.residuals, rtol=1e-6, atol=1e-15)


def test_deterministic_and_thread_independent(crop):
    im, _, lap = crop
    a = spectral.smallest_eigenpairs(lap, im.shape[:2], n=30, seed=12345)
    b = spectral.smallest_eigenpairs(lap, im.shape[:2], n=30, seed=12345)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.vectors, b.vectors)
    old = core.get_num_threads()
    try:
        core.set_num_threads(1)
        c = spectral.smallest_eigenpairs(lap, im.shape[:2], n=30, seed=12345)
    finally:
        core.set_num_threads(old)
    np.testing.assert_allclose(c.values, a.values, rtol=0, atol=1e-12)


@pytest.mark.parametrize("nj", [1, 48, 300, 1276])
@pytest.mark.parametrize("nr", [1, 2, 47, 192, 193, 239, 240, 431, 2385])
def test_split_front_kernels_keep_the_bits(nj, nr):
    # The factorisation splits its top fronts' triangular solves and rank
    # updates into row blocks over the threads; the split must give the same
    # bits as the single Eigen calls, whatever the tail (193: a one-row tail
    # would take Eigen's matrix-vector path).
    from sss_fast._native import testing
    assert testing.split_kernels_difference(nj, nr, seed=nj + nr) == (0.0, 0.0)


def test_factor_with_split_top_fronts_is_thread_independent(docia):
    # 192² with 400 superpixels: the trunk fronts (the first separator,
    # 380 columns over 387 rows, and the centroids' 387) are two row blocks
    # tall. With 2 threads the factorisation runs its task graph and splits
    # them; with 1 it runs the fronts in order and calls each kernel once.
    img, feat = docia
    sl = (slice(100, 292), slice(200, 392))
    im, fe = np.ascontiguousarray(img[sl]), np.ascontiguousarray(feat[sl])
    lap = _laplacian(im, fe, 400)
    old = core.get_num_threads()
    try:
        core.set_num_threads(2)
        a = spectral.smallest_eigenpairs(lap, im.shape[:2], n=30, seed=1)
        core.set_num_threads(1)
        b = spectral.smallest_eigenpairs(lap, im.shape[:2], n=30, seed=1)
    finally:
        core.set_num_threads(old)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.vectors, b.vectors)


def test_int64_indices_and_matting_only(crop):
    im, _, _ = crop
    lm = laplacian.matting_laplacian(im)
    l64 = sp.csr_matrix((lm.data, lm.indices.astype(np.int64), lm.indptr.astype(np.int64)),
                        shape=lm.shape)
    a = spectral.smallest_eigenpairs(lm, im.shape[:2], n=20)
    b = spectral.smallest_eigenpairs(l64, im.shape[:2], n=20)
    np.testing.assert_allclose(a.values, b.values, atol=1e-12)
    # the matting Laplacian is PSD with a constant null vector
    assert a.values.min() > -1e-9
    assert abs(a.values[0]) < 1e-9
    assert a.info["n_special"] == 0


def test_small_random_graph_on_grid():
    """A tiny image whose Laplacian is built by hand: matches dense eigh."""
    rng = np.random.default_rng(20181108)
    h, w = 15, 17
    n = h * w
    rows, cols, vals = [], [], []
    for y in range(h):
        for x in range(w):
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    yy, xx = y + dy, x + dx
                    if (dy, dx) > (0, 0) and 0 <= yy < h and 0 <= xx < w:
                        rows.append(y * w + x)
                        cols.append(yy * w + xx)
                        vals.append(rng.uniform(0.01, 1.0))
    for _ in range(20):  # long-range entries, some negative
        i, j = rng.choice(n, 2, replace=False)
        rows.append(i)
        cols.append(j)
        vals.append(rng.uniform(-0.02, 0.05))
    wmat = sp.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr()
    wmat = wmat + wmat.T
    lap = (sp.diags(np.asarray(wmat.sum(axis=1)).ravel()) - wmat).tocsr()
    lap.sort_indices()
    dense = np.linalg.eigvalsh(lap.toarray())
    want = dense[np.argsort(np.abs(dense))[:12]]
    res = spectral.smallest_eigenpairs(lap, (h, w), n=12)
    np.testing.assert_allclose(res.values, np.sort(want), atol=1e-10)


def test_bad_input(crop):
    im, _, lap = crop
    with pytest.raises(TypeError, match="laplacian"):
        spectral.smallest_eigenpairs(lap.toarray(), im.shape[:2])
    with pytest.raises(ValueError, match="shape"):
        spectral.smallest_eigenpairs(lap, (im.shape[0] + 1, im.shape[1]))
    with pytest.raises(ValueError, match="n must be"):
        spectral.smallest_eigenpairs(lap, im.shape[:2], n=lap.shape[0])
    bad = lap.copy()
    bad.data[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        spectral.smallest_eigenpairs(bad, im.shape[:2])
    with pytest.raises(ValueError, match="shift"):
        spectral.smallest_eigenpairs(lap, im.shape[:2], shift=0.5)
    with pytest.raises(ValueError, match="eig_method"):
        replace(Params(), eig_method="arnoldi")


def test_tiny_problem_uses_dense_path():
    rng = np.random.default_rng(4242)
    img = rng.uniform(size=(10, 10, 3))
    lap = laplacian.matting_laplacian(img)
    res = spectral.smallest_eigenpairs(lap, (10, 10), n=49)
    assert res.info["method"] == "dense"
    dense = np.linalg.eigvalsh(lap.toarray())
    np.testing.assert_allclose(res.values, np.sort(dense[np.argsort(np.abs(dense))[:49]]),
                               atol=1e-12)
    assert res.residuals.max() < 1e-10


def test_stopping_rules_meet_the_same_bar(crop, scipy_ref):
    """eig_stopping="residual" stops on the true residual (exact from the Krylov
    decomposition), "bound" on the shift-inverted residual that bounds it: both
    reach eig_tolerance, the true-residual rule with no more applied vectors."""
    im, _, lap = crop
    runs = {}
    for rule in ("residual", "bound"):
        p = Params(eig_stopping=rule, eig_tolerance=1e-7)
        runs[rule] = spectral.smallest_eigenpairs(lap, im.shape[:2], params=p)
        assert runs[rule].residuals.max() <= 1e-7
        np.testing.assert_allclose(runs[rule].values, scipy_ref[0], rtol=0, atol=1e-8)
    assert runs["residual"].info["n_applied"] <= runs["bound"].info["n_applied"]
    with pytest.raises(ValueError, match="eig_stopping"):
        Params(eig_stopping="never")


@pytest.fixture(scope="module")
def large_crop(docia):
    """256² of docia: the size from which eig_basis="auto" keeps a float32 basis."""
    img, feat = docia
    sl = (slice(150, 406), slice(200, 456))
    im, fe = np.ascontiguousarray(img[sl]), np.ascontiguousarray(feat[sl])
    return im, _laplacian(im, fe, 300)


def test_float32_basis_gives_the_float64_eigenpairs(large_crop):
    """The float32 Krylov basis (all arithmetic double) changes the eigenpairs
    by rounding only: same values to 1e-10, same bar, same subspace, and the
    same applied vectors; "auto" picks it at this size and float64 below."""
    im, lap = large_crop
    assert lap.shape[0] >= spectral.FLOAT_BASIS_MIN_PIXELS
    runs = {b: spectral.smallest_eigenpairs(lap, im.shape[:2], params=Params(eig_basis=b), seed=7)
            for b in ("float64", "auto")}
    d, f = runs["float64"], runs["auto"]
    assert d.info["basis"] == "float64" and f.info["basis"] == "float32"
    np.testing.assert_allclose(f.values, d.values, rtol=0, atol=1e-10)
    assert f.residuals.max() <= 1e-6 and d.residuals.max() <= 1e-6
    assert f.info["n_applied"] == d.info["n_applied"]
    # well separated leading pairs span the same subspace
    gaps = np.diff(d.values)
    cut = int(np.nonzero(gaps[:90] > 1e-6)[0].max()) + 1
    cosines = np.linalg.svd(d.vectors[:cut] @ f.vectors[:cut].T, compute_uv=False)
    assert cosines.min() > 1 - 1e-8
    # the convergence history ends below the tolerance
    hist = f.info["residual_history"]
    assert hist.size >= f.info["n_restarts"] + 1 and hist[-1] <= 1.0 < hist[0]


def test_auto_basis_is_float64_on_small_images(crop):
    im, _, lap = crop
    res = spectral.smallest_eigenpairs(lap, im.shape[:2], n=20)
    assert lap.shape[0] < spectral.FLOAT_BASIS_MIN_PIXELS and res.info["basis"] == "float64"
    with pytest.raises(ValueError, match="eig_basis"):
        Params(eig_basis="float16")


def test_float32_basis_with_other_block_sizes(large_crop):
    """Blocks other than 16 columns take the float basis' generic (converting) path."""
    im, lap = large_crop
    d = spectral.smallest_eigenpairs(lap, im.shape[:2], n=30, seed=3,
                                     params=Params(eig_block=7, eig_basis="float64"))
    f = spectral.smallest_eigenpairs(lap, im.shape[:2], n=30, seed=3,
                                     params=Params(eig_block=7, eig_basis="float32"))
    assert f.info["basis"] == "float32" and d.info["basis"] == "float64"
    np.testing.assert_allclose(f.values, d.values, rtol=0, atol=1e-10)
    assert f.residuals.max() <= 1e-6


def test_near_miss_tests_after_every_block(docia):
    """A convergence test at a restart that misses by a small factor turns on
    tests after every block: here the third restart's test misses by 1.35 and
    one more block (not a whole cycle of four) reaches the bar."""
    img, feat = docia
    im, fe = np.ascontiguousarray(img[:320, :320]), np.ascontiguousarray(feat[:320, :320])
    g = superpixels.superpixels(im, n_segments=Params().n_superpixels)
    p = replace(Params(), sigma_semantic=0.0, sigma_color=0.0)   # the matting Laplacian
    lap = laplacian.build_laplacian(im, g, superpixels.region_means(g.labels, im, g.n_regions),
                                    superpixels.region_means(g.labels, fe, g.n_regions), p)
    res = spectral.smallest_eigenpairs(lap, im.shape[:2], seed=7)
    hist, block = res.info["residual_history"], Params().eig_block
    assert res.residuals.max() <= 1e-6 and res.info["converged"]
    assert hist[-1] <= 1.0 < hist[-2] < 10.0
    # 192 vectors fill the basis and each restart cycle adds 4 blocks: the
    # solve stopped inside the fourth cycle (here after its first block)
    assert 192 + 2 * 4 * block < res.info["n_applied"] < 192 + 3 * 4 * block
