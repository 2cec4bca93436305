"""Relaxed sparsification (SPEC §9): native vs the SciPy reference, invariants,
the generic PCG, and input validation."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from reference import relaxed_ref as ref
from sss_fast import Params
from sss_fast.stages import relaxed
from sss_fast._native import core, testing

# Tolerances (stated once):
GAMMA_TOL = 1e-12       # γ̃ native vs reference (same filters, different summation order)
LAYER_TOL = 2e-7        # IRLS iterates, native PCG to 1e-10 vs reference CG to 1e-12
ENERGY_RTOL = 1e-9      # energies, relative
SUM_TOL = 1e-3          # |Σ_k α_k − 1| (λ = 100 is a penalty, not a constraint)


def _crop_problem(docia, y0=300, x0=260, h=40, w=50, k=5, seed=7321, extra=200):
    """A real docia crop, soft α̂ from a k-means-ish labelling of its features,
    and a matting Laplacian plus random long-range affinities."""
    img, feat = docia
    im = np.ascontiguousarray(img[y0:y0 + h, x0:x0 + w])
    f = feat[y0:y0 + h, x0:x0 + w].reshape(-1, 3)
    rng = np.random.default_rng(seed)
    c = f[rng.choice(len(f), k, replace=False)]
    for _ in range(10):
        lab = ((f[:, None] - c[None]) ** 2).sum(-1).argmin(1)
        c = np.array([f[lab == j].mean(0) if (lab == j).any() else c[j] for j in range(k)])
    d = ((f[:, None] - c[None]) ** 2).sum(-1)
    a = np.exp(-(d - d.min(1, keepdims=True)) / 0.01)
    a = np.ascontiguousarray((a / a.sum(1, keepdims=True)).T)
    lap = ref.matting_laplacian(im, extra_pairs=extra, seed=seed + 1)
    return im, a, lap


@pytest.fixture(scope="module")
def crop(docia):
    return _crop_problem(docia)


@pytest.fixture(scope="module")
def solved(crop):
    im, a, lap = crop
    p = replace(Params(), cg_tolerance=1e-10)
    out, info = relaxed.relaxed_sparsify(a, lap, im, p, return_info=True)
    return out, info


# ---- γ̃ ------------------------------------------------------------------------------

def test_sparsity_exponent_matches_reference(crop):
    im = crop[0]
    g = relaxed.sparsity_exponent(im)
    assert g.shape == im.shape[:2]
    np.testing.assert_allclose(g, ref.sparsity_exponent(im), rtol=0, atol=GAMMA_TOL)
    # The np.convolve reference and scipy.ndimage agree (orientation, padding).
    np.testing.assert_allclose(ref.sparsity_exponent(im, use_ndimage=True),
                               ref.sparsity_exponent(im), rtol=0, atol=1e-14)
    assert g.min() >= 0.9 and g.max() <= 1.0


def test_sparsity_exponent_synthetic_and_caps():
    rng = np.random.default_rng(90125)
    im = rng.random((23, 17, 3))
    p = replace(Params(), gamma_base=0.5, gamma_gradient_cap=10.0)  # uncapped magnitude
    np.testing.assert_allclose(relaxed.sparsity_exponent(im, p),
                               ref.sparsity_exponent(im, 0.5, 10.0), rtol=0, atol=GAMMA_TOL)
    flat = np.full((12, 14, 3), 0.3)
    np.testing.assert_array_equal(relaxed.sparsity_exponent(flat), 0.9)


def test_derivative_orientation_on_a_ramp():
    # conv2 orientation: a ramp increasing in x has a positive x-derivative
    # equal to slope · Σ_j d_j (6 − j) · Σ k in the interior, and no y-derivative.
    h, w, s = 20, 30, 0.01
    im = np.repeat((s * np.arange(w))[None, :, None], h, axis=0).repeat(3, axis=2)
    dx, dy = ref.image_derivatives(im)
    expected = s * np.dot(ref.FARID_D, 6 - np.arange(13)) * ref.FARID_K.sum()
    assert expected > 0
    np.testing.assert_allclose(dx[:, 6:w - 6], expected, rtol=1e-12)
    np.testing.assert_allclose(dy, 0.0, atol=1e-15)
    g = core.relaxed_sparsity_exponent(im, 0.0, 10.0)  # the raw magnitude |∇c|
    np.testing.assert_allclose(g[:, 6:w - 6], np.sqrt(3) * expected, rtol=1e-12)


# ---- clean-up (SPEC §9.1) ------------------------------------------------------------

def test_clean_initial_matches_reference_with_zero_sum_pixels():
    rng = np.random.default_rng(4471)
    a = rng.random((5, 300))
    a[:, :10] *= 0.09                   # every value < 0.1: thresholded sum 0
    a[:, 10:13] = -0.02                 # raw sum negative as well: 1/K
    a[:, 13] = [0.05, -0.01, 0.0, 0.02, 0.01]
    out = testing.relaxed_clean_initial(a, 0.1, 0.9)
    expected = ref.clean_initial(a)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out.sum(axis=0), 1.0, atol=1e-14)
    np.testing.assert_allclose(out[:, 10:13], 0.2)


# ---- the stage: native vs reference ----------------------------------------------------

@pytest.fixture(scope="module")
def reference_solution(crop):
    im, a, lap = crop
    return ref.relaxed_sparsify(a, lap, im, tol=1e-12)


def test_native_matches_reference(crop, solved, reference_solution):
    out, info = solved
    layers, energies, irls = reference_solution
    k, h, w = out.shape
    assert (k, h * w) == layers.shape
    np.testing.assert_allclose(out.reshape(k, -1), layers, rtol=0, atol=LAYER_TOL)
    np.testing.assert_allclose(info["energy"], energies, rtol=ENERGY_RTOL)
    np.testing.assert_allclose(info["irls_energy"], irls, rtol=ENERGY_RTOL)
    assert info["cg_converged"].all()
    assert (info["cg_residuals"] <= 1e-10).all()
    assert info["cg_iterations"].shape == (Params().relaxed_iterations + 1,)


def test_irls_energy_does_not_increase_and_sums_to_one(solved):
    out, info = solved
    e = info["irls_energy"]
    assert np.all(np.diff(e) <= 1e-9 * np.abs(e[:-1])), np.diff(e)
    assert info["energy"][-1] < info["energy"][0]
    np.testing.assert_allclose(out.sum(axis=0), 1.0, atol=SUM_TOL)
    assert np.isfinite(info["final_energy"])


def test_layer_shapes_and_int64_indices_agree(crop, solved):
    im, a, lap = crop
    p = replace(Params(), cg_tolerance=1e-10)
    lap64 = sp.csr_matrix((lap.data, lap.indices.astype(np.int64), lap.indptr.astype(np.int64)),
                          shape=lap.shape)
    out = relaxed.relaxed_sparsify(a.reshape(5, *im.shape[:2]), lap64, im, p)
    np.testing.assert_array_equal(out, solved[0])


def test_threads_agree(docia):
    # 72×64 pixels: more than one fixed-size chunk, so two threads really split work.
    im, a, lap = _crop_problem(docia, y0=180, x0=333, h=72, w=64, seed=1187, extra=300)
    p = replace(Params(), relaxed_iterations=3, cg_tolerance=1e-10)
    before = core.get_num_threads()
    try:
        core.set_num_threads(1)
        one, i1 = relaxed.relaxed_sparsify(a, lap, im, p, return_info=True)
        core.set_num_threads(2)
        two, i2 = relaxed.relaxed_sparsify(a, lap, im, p, return_info=True)
    finally:
        core.set_num_threads(before)
    np.testing.assert_allclose(one, two, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(one, two)  # fixed-order reductions: bit-identical
    np.testing.assert_array_equal(i1["cg_iterations"], i2["cg_iterations"])


def test_unconverged_solve_warns(crop):
    im, a, lap = crop
    p = replace(Params(), relaxed_iterations=1, cg_max_iterations=1, cg_tolerance=1e-12)
    with pytest.warns(relaxed.ConvergenceWarning, match="cg_tolerance"):
        _, info = relaxed.relaxed_sparsify(a, lap, im, p, return_info=True)
    assert not info["cg_converged"].all()


# ---- the generic PCG ---------------------------------------------------------------------

@pytest.mark.parametrize("jacobi", [False, True])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_pcg_solves_random_spd_system(jacobi, index_dtype):
    rng = np.random.default_rng(61283)
    n = 400
    b_mat = sp.random(n, n, density=0.02, random_state=rng, format="csr")
    a = sp.csr_matrix(b_mat.T @ b_mat + sp.diags(0.05 + rng.random(n)))
    a.sort_indices()
    rhs = rng.standard_normal(n)
    x, its, res, status = testing.pcg_csr(a.indptr.astype(index_dtype), a.indices.astype(index_dtype),
                                       a.data, rhs, np.zeros(n), 1e-13, 5000, jacobi)
    assert status == 0 and res <= 1e-13 and its > 0
    exact = np.linalg.solve(a.toarray(), rhs)
    np.testing.assert_allclose(x, exact, rtol=0, atol=1e-9 * np.abs(exact).max())
    # warm start at the solution: converged without iterating
    _, its0, _, st0 = testing.pcg_csr(a.indptr, a.indices, a.data, rhs, exact, 1e-8, 10, jacobi)
    assert st0 == 0 and its0 == 0


def test_pcg_reports_cap_and_breakdown():
    rng = np.random.default_rng(2207)
    n = 200
    a = sp.csr_matrix(sp.diags(1.0 + rng.random(n) * 1e3))
    rhs = rng.standard_normal(n)
    _, its, res, status = testing.pcg_csr(a.indptr, a.indices, a.data, rhs, np.zeros(n),
                                       1e-12, 3, False)
    assert status == 1 and its == 3 and res > 1e-12
    neg = sp.csr_matrix(-a)
    _, _, _, status = testing.pcg_csr(neg.indptr, neg.indices, neg.data, rhs, np.zeros(n),
                                   1e-12, 50, False)
    assert status == 2


# ---- clean_layers ----------------------------------------------------------------------

def test_clean_layers():
    rng = np.random.default_rng(8831)
    a = rng.random((4, 6, 7)) * 1.2 - 0.1
    a[:, 0, 0] = -0.5
    c, change = relaxed.clean_layers(a, return_change=True)
    assert c.shape == a.shape and c.min() >= 0 and c.max() <= 1
    np.testing.assert_allclose(c.sum(axis=0), 1.0, atol=1e-14)
    np.testing.assert_allclose(c[:, 0, 0], 0.25)
    assert change == pytest.approx(np.abs(c - a).max())
    ok = c.copy()
    c2, ch2 = relaxed.clean_layers(ok, return_change=True)
    assert ch2 < 1e-15 and np.allclose(c2, ok)


# ---- validation ------------------------------------------------------------------------

def test_bad_inputs_name_the_argument(crop):
    im, a, lap = crop
    with pytest.raises(ValueError, match="layers"):
        relaxed.relaxed_sparsify(a[:, :-1], lap, im)
    with pytest.raises(ValueError, match="layers"):
        relaxed.relaxed_sparsify(a.reshape(5, 50, 40), lap, im)
    with pytest.raises(TypeError, match="layers"):
        relaxed.relaxed_sparsify(a > 0.5, lap, im)
    bad = a.copy()
    bad[0, 3] = np.nan
    with pytest.raises(ValueError, match="layers"):
        relaxed.relaxed_sparsify(bad, lap, im)
    with pytest.raises(TypeError, match="laplacian"):
        relaxed.relaxed_sparsify(a, lap.toarray(), im)
    with pytest.raises(ValueError, match="laplacian"):
        relaxed.relaxed_sparsify(a, lap[:-1, :-1], im)
    broken = lap.copy()
    broken.data[0] = np.inf
    with pytest.raises(ValueError, match="laplacian"):
        relaxed.relaxed_sparsify(a, broken, im)
    broken = lap.copy()
    broken.indices[5] = lap.shape[0] + 3
    with pytest.raises(ValueError, match="laplacian"):
        relaxed.relaxed_sparsify(a, broken, im)
    with pytest.raises(ValueError, match="image"):
        relaxed.relaxed_sparsify(a, lap, im * 2.0)
    with pytest.raises(TypeError, match="params"):
        relaxed.relaxed_sparsify(a, lap, im, {"cg_tolerance": 1e-3})
    with pytest.raises(ValueError, match="layers"):
        relaxed.clean_layers(a)
    with pytest.raises(ValueError, match="image"):
        relaxed.sparsity_exponent(np.zeros((4, 4, 2)))
