"""Layer colours (SPEC §12): native operator, preconditioner and solve against
the SciPy reference, reconstruction on docia, determinism, validation."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.cluster.vq import kmeans2
from scipy.ndimage import gaussian_filter

from sss_fast._native import core, testing
from sss_fast import layer_colors
from sss_fast import ConvergenceWarning

from reference.colors_ref import color_energy, color_system, layer_colors_ref


def soft_layers(labels: np.ndarray, k: int, sigma: float) -> np.ndarray:
    """(K, H, W) soft layers: one-hot labels blurred by a Gaussian, renormalised."""
    a = np.stack([gaussian_filter((labels == i).astype(np.float64), sigma) for i in range(k)])
    return a / a.sum(axis=0, keepdims=True)


def random_case(seed: int, k: int = 4, h: int = 13, w: int = 17):
    rng = np.random.default_rng(seed)
    img = rng.random((h, w, 3))
    labels = rng.integers(0, k, size=(h, w))
    labels = np.repeat(np.repeat(labels[::4, ::4], 4, axis=0), 4, axis=1)[:h, :w]
    return img, soft_layers(labels, k, 1.3)


def docia_layers(img: np.ndarray, feat: np.ndarray, k: int = 5, sigma: float = 1.0):
    """k-means (seeded) hard labels of the docia features, blurred by σ pixels."""
    h, w = img.shape[:2]
    _, lab = kmeans2(feat.reshape(-1, 3), k, seed=np.random.default_rng(4711), minit="++")
    return soft_layers(lab.reshape(h, w), k, sigma)


def shrink(a: np.ndarray, s: int) -> np.ndarray:
    h, w, c = a.shape
    return np.ascontiguousarray(a.reshape(h // s, s, w // s, s, c).mean(axis=(1, 3)))


@pytest.fixture(scope="module")
def docia_small(docia):
    """docia at 80×80 (8×8 box-averaged) and k-means soft layers."""
    img, feat = shrink(docia[0], 8), shrink(docia[1], 8)
    return img, docia_layers(img, feat)


def interleave(x_lm: np.ndarray, k, h, w) -> np.ndarray:
    """Layer-major (K*N, C) -> native interleaved (H, W, K, C)."""
    return np.ascontiguousarray(x_lm.reshape(k, h, w, -1).transpose(1, 2, 0, 3))


@pytest.mark.parametrize("prior", [0.0, 1e-3])
@pytest.mark.parametrize("seed", [1931, 77003])
def test_operator_matches_reference_matrix(seed, prior):
    img, a = random_case(seed)
    k, h, w = a.shape
    x = np.random.default_rng(seed + 1).standard_normal((k * h * w, 3))
    y_ref = color_system(a, 0.013, prior) @ x
    y = testing.layer_colors_apply(a, interleave(x, k, h, w), 0.013, prior, False)
    np.testing.assert_allclose(y, interleave(y_ref, k, h, w), rtol=0, atol=1e-13)


@pytest.mark.parametrize("prior", [0.0, 2e-3])
def test_preconditioner_inverts_pixel_blocks(prior):
    img, a = random_case(5209, k=5)
    k, h, w = a.shape
    n = h * w
    mat = color_system(a, 0.01, prior).tocoo()
    same_pixel = (mat.row % n) == (mat.col % n)
    blocks = sp.csr_matrix((mat.data[same_pixel], (mat.row[same_pixel], mat.col[same_pixel])),
                           shape=mat.shape)
    x = np.random.default_rng(311).standard_normal((k * n, 2))
    bx = interleave(blocks @ x, k, h, w)
    z = testing.layer_colors_apply(a, bx, 0.01, prior, True)
    np.testing.assert_allclose(z, interleave(x, k, h, w), rtol=0, atol=1e-10)


@pytest.mark.parametrize("prior", [0.0, 1e-3])
@pytest.mark.parametrize("seed", [4242, 90210])
def test_solve_matches_reference_synthetic(seed, prior):
    img, a = random_case(seed, k=3, h=19, w=14)
    f = layer_colors(img, a, prior=prior, tolerance=1e-11, clip=False)
    f_ref = layer_colors_ref(img, a, 0.01, prior, clip=False)
    assert f.shape == (3, 19, 14, 3) and f.dtype == np.float64
    np.testing.assert_allclose(f, f_ref, rtol=0, atol=1e-6)


def test_solve_matches_reference_docia(docia_small):
    img, a = docia_small
    img, a = np.ascontiguousarray(img[20:52, 10:50]), np.ascontiguousarray(a[:, 20:52, 10:50])
    f = layer_colors(img, a, tolerance=1e-11)
    f_ref = layer_colors_ref(img, a, 1e-2, 1e-3)
    np.testing.assert_allclose(f, f_ref, rtol=0, atol=1e-6)
    assert 0.0 <= f.min() and f.max() <= 1.0


def test_solution_minimises_energy(docia_small):
    img, a = docia_small
    img, a = np.ascontiguousarray(img[:32, :40]), np.ascontiguousarray(a[:, :32, :40])
    f = layer_colors(img, a, tolerance=1e-10, clip=False)
    e = color_energy(img, a, f, 1e-2, 1e-3)
    assert e <= color_energy(img, a, np.broadcast_to(img, f.shape), 1e-2, 1e-3)
    rng = np.random.default_rng(6007)
    for _ in range(3):
        assert e < color_energy(img, a, f + 1e-3 * rng.standard_normal(f.shape), 1e-2, 1e-3)


def test_reconstructs_docia(docia):
    """Acceptance: Σ α_i F_i reproduces docia (640×640; k-means layers of its
    features, blurred σ = 2 px) to mean abs error ≤ 0.01, colours in [0, 1]."""
    img, feat = docia
    a = docia_layers(img, feat, 5, 2.0)
    f, info = layer_colors(img, a, return_info=True)
    assert info["converged"]
    assert 0.0 <= f.min() and f.max() <= 1.0
    recon = np.einsum("khw,khwc->hwc", a, f)
    err = np.abs(recon - img).mean()
    assert err <= 0.01
    assert info["reconstruction_error"] == pytest.approx(err)
    # the colours are not the trivial F_i = I: layers differ where they overlap
    mixed = (a.max(axis=0) < 0.8)
    assert np.abs(f[:, mixed] - img[mixed][None]).mean() > 0.01


def test_deterministic_and_thread_independent(docia_small):
    img, a = docia_small
    img, a = np.ascontiguousarray(img[:48, :56]), np.ascontiguousarray(a[:, :48, :56])
    nt = core.get_num_threads()
    try:
        core.set_num_threads(1)
        f1 = layer_colors(img, a, clip=False)
        core.set_num_threads(2)
        f2 = layer_colors(img, a, clip=False)
        f2b = layer_colors(img, a, clip=False)
    finally:
        core.set_num_threads(nt)
    assert np.array_equal(f2, f2b)
    np.testing.assert_allclose(f1, f2, rtol=0, atol=1e-12)


def test_empty_and_single_layers():
    img, a = random_case(8861, k=3)
    a4 = np.concatenate([a, np.zeros((1,) + a.shape[1:])])  # an empty layer
    f, info = layer_colors(img, a4, return_info=True)
    assert info["converged"] and np.isfinite(f).all()
    np.testing.assert_allclose(np.einsum("khw,khwc->hwc", a4, f),
                               np.einsum("khw,khwc->hwc", a, f[:3]))
    one = np.ones((1,) + img.shape[:2])
    f1 = layer_colors(img, one, tolerance=1e-10, clip=False)
    np.testing.assert_allclose(f1[0], img, atol=0.05)  # ε_c smooths it only a little


def test_accepts_segment_result_and_float32(docia_small):
    class Result:  # duck-typed SegmentResult
        pass

    img, a = docia_small
    r = Result()
    r.layers = a.astype(np.float32)
    f = layer_colors((img * 255).round().astype(np.uint8), r)
    assert f.shape == a.shape + (3,)


def test_convergence_warning(docia_small):
    img, a = docia_small
    with pytest.warns(ConvergenceWarning, match="max_iterations"):
        f, info = layer_colors(img, a, max_iterations=1, return_info=True)
    assert not info["converged"] and np.isfinite(f).all()


@pytest.mark.parametrize("bad, err", [
    (lambda a: a.astype(np.int64), TypeError),
    (lambda a: a[:, :-1], ValueError),
    (lambda a: a * 1.5, ValueError),
    (lambda a: np.where(a > 0.5, np.nan, a), ValueError),
    (lambda a: a[None], ValueError),
])
def test_rejects_bad_layers(bad, err):
    img, a = random_case(1217)
    with pytest.raises(err, match="layers"):
        layer_colors(img, bad(a))


@pytest.mark.parametrize("kw", [{"epsilon": 0.0}, {"epsilon": -1.0}, {"prior": -1e-3},
                                {"tolerance": 0.0}, {"max_iterations": 0},
                                {"epsilon": float("nan")}])
def test_rejects_bad_parameters(kw):
    img, a = random_case(1217)
    with pytest.raises(ValueError, match=next(iter(kw))):
        layer_colors(img, a, **kw)


def test_slightly_out_of_range_layers_are_clipped():
    img, a = random_case(3343)
    b = a.copy()
    b[0, 0, 0] = -1e-5
    b[1, 0, 1] = 1.0 + 1e-5
    f = layer_colors(img, b)
    assert np.isfinite(f).all()


@pytest.mark.slow
def test_reconstructs_docia_half_from_segment(docia_half):
    """Acceptance on the pipeline's own layers: segment docia at 320×320, then
    Σ α_i F_i reproduces it to mean abs error ≤ 0.01."""
    import sss_fast

    img, feat = docia_half
    res = sss_fast.segment(img, feat, seed=20180812)
    f, info = sss_fast.layer_colors(img, res, return_info=True)
    assert info["converged"] and 0.0 <= f.min() and f.max() <= 1.0
    err = np.abs(np.einsum("khw,khwc->hwc", res.layers.astype(np.float64), f) - img).mean()
    assert err <= 0.01
