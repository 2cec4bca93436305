"""Spectral matting baseline (SPEC §11): native pipeline vs the dense reference."""

from __future__ import annotations

import numpy as np
import pytest

from reference import baselines_ref as br
from reference import laplacian_ref
from sss_fast.stages import constrained, grouping
from sss_fast._native import core
from sss_fast.baselines import SPECTRAL_MATTING_STAGES, spectral_matting
from sss_fast import Params

SEED = 4071993
CROP = (200, 250, 96)      # y0, x0, side: a docia crop with face, hair and background


def _crop(a, y0, x0, s):
    return np.ascontiguousarray(a[y0:y0 + s, x0:x0 + s])


@pytest.fixture(scope="module")
def crop(docia):
    img, feat = docia
    return _crop(img, *CROP), _crop(feat, *CROP)


@pytest.fixture(scope="module")
def result(crop):
    img, _ = crop
    core.set_num_threads(1)
    stages = []
    res = spectral_matting(img, seed=SEED, progress=lambda s, i, n: stages.append((s, i, n)))
    res.extra["stages"] = stages
    return res


def test_defaults_give_many_components_summing_to_one(result, crop):
    img, _ = crop
    n = img.shape[0] * img.shape[1]
    assert result.eigenvalues.shape == (50,)
    assert result.eigenvectors.shape == (50, n)
    assert result.info["n_initial_components"] == 20
    k = result.layers.shape[0]
    assert 10 <= k <= 20
    assert result.layers.shape == (k,) + img.shape[:2]
    assert result.layers.dtype == np.float32
    np.testing.assert_allclose(result.raw_layers.sum(axis=0), 1.0, atol=1e-9)
    np.testing.assert_allclose(result.layers.sum(axis=0, dtype=np.float64), 1.0, atol=1e-5)
    # At least 10 are real regions (with 20 iterations only the prune after
    # iteration 11 runs, so a component may still fade out after it).
    assert (np.abs(result.raw_layers).reshape(k, -1).max(axis=1) > 0.5).sum() >= 10
    assert result.features is None and result.extra["method"] == "spectral-matting"
    assert [s for s, _, _ in result.extra["stages"]] == list(SPECTRAL_MATTING_STAGES)


def test_uses_the_matting_laplacian_alone(result, crop):
    img, _ = crop
    ref = laplacian_ref.matting_laplacian(img)
    diff = abs(result.laplacian - ref).max()
    assert diff <= 1e-9 * abs(ref).max()
    # eigenpairs of that Laplacian, the first the constant vector
    L = result.laplacian
    r = L @ result.eigenvectors.T - result.eigenvectors.T * result.eigenvalues
    assert np.linalg.norm(r, axis=0).max() <= 1e-6 * abs(L).sum(axis=0).max()
    assert abs(result.eigenvalues[0]) < 1e-10


def test_initialisation_is_kmeans_on_scaled_eigenvectors(result):
    pts = br.init_points(result.eigenvectors, result.eigenvalues)
    assert pts.shape[1] == 20
    labels = constrained.initial_components(pts, 20, seed=SEED)
    np.testing.assert_array_equal(labels, result.initial_labels)


def test_energy_decreases_overall(result):
    e = result.info["constrained_energy"]
    assert e.shape == (20,)
    assert e[-1] < e[0]


def test_matches_dense_reference_on_small_crop(docia):
    img = _crop(docia[0], 330, 300, 24)
    core.set_num_threads(1)
    # The IRLS amplifies rounding (SPEC §7): after 4 iterations the two differ by
    # ~2e-8, after 8 by ~2e-5; compare on 4.
    res = spectral_matting(img, 8, n_eigenvectors=16, iterations=4, seed=SEED)
    alpha, labels, lam = br.spectral_matting_ref(img, 8, 16, 4, SEED)
    np.testing.assert_allclose(res.eigenvalues, lam, atol=1e-8)
    np.testing.assert_array_equal(res.initial_labels, labels)
    assert res.components.shape == alpha.shape
    np.testing.assert_allclose(res.components, alpha, atol=1e-6)


def test_grouping_with_features(docia):
    img, feat = (_crop(a, 260, 280, 48) for a in docia)
    core.set_num_threads(1)
    res = spectral_matting(img, 12, features=feat, n_layers=4, n_eigenvectors=24,
                           iterations=10, seed=SEED)
    assert res.layers.shape[0] <= 4
    expect = grouping.group_components(res.components, feat, 4, seed=SEED)
    np.testing.assert_allclose(res.raw_layers.reshape(expect.shape), expect, atol=1e-12)
    np.testing.assert_allclose(res.layers.sum(axis=0, dtype=np.float64), 1.0, atol=1e-5)
    np.testing.assert_array_equal(res.features, feat)


def test_deterministic_and_thread_independent(docia):
    img = _crop(docia[0], 100, 400, 32)
    core.set_num_threads(1)
    a = spectral_matting(img, 8, n_eigenvectors=16, iterations=6, seed=SEED)
    b = spectral_matting(img, 8, n_eigenvectors=16, iterations=6, seed=SEED)
    np.testing.assert_array_equal(a.raw_layers, b.raw_layers)
    core.set_num_threads(2)
    try:
        c = spectral_matting(img, 8, n_eigenvectors=16, iterations=6, seed=SEED)
    finally:
        core.set_num_threads(1)
    assert c.raw_layers.shape == a.raw_layers.shape
    np.testing.assert_allclose(c.raw_layers, a.raw_layers, atol=1e-10)


def test_small_random_image():
    rng = np.random.default_rng(77123)
    img = rng.random((12, 12, 3))
    res = spectral_matting(img, 20, seed=SEED)
    assert res.eigenvalues.shape[0] <= (144 - 2) // 2
    np.testing.assert_allclose(res.raw_layers.sum(axis=0), 1.0, atol=1e-9)


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(n_layers=3), ValueError, "n_layers needs features"),
    (dict(n_components=1), ValueError, "n_components"),
    (dict(n_eigenvectors=1), ValueError, "n_eigenvectors"),
    (dict(iterations=0), ValueError, "iterations"),
    (dict(params="fast"), TypeError, "params"),
    (dict(seed=-3), ValueError, "seed"),
])
def test_argument_errors(kwargs, exc, words):
    img = np.zeros((16, 16, 3))
    with pytest.raises(exc, match=words):
        spectral_matting(img, **kwargs)


def test_feature_size_checked_before_work():
    with pytest.raises(ValueError, match="features"):
        spectral_matting(np.zeros((16, 16, 3)), features=np.zeros((8, 8, 3)))


def test_params_fields_are_honoured(docia):
    img = _crop(docia[0], 330, 300, 24)
    p = Params(sparsity_gamma=0.9, matting_eps=1e-6)
    res = spectral_matting(img, 6, n_eigenvectors=12, iterations=4, seed=SEED, params=p)
    ref = laplacian_ref.matting_laplacian(img, 1e-6)
    assert abs(res.laplacian - ref).max() <= 1e-9 * abs(ref).max()
