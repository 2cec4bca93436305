"""Grouping (SPEC §8): components summed into layers by their mean features."""

from __future__ import annotations

import numpy as np
import pytest

from reference import grouping_ref as gr
from sss_fast.stages import grouping
from sss_fast._native import core


def constructed_case(seed=6180):
    """8 soft components on a 24×24 image whose features have 3 clear colours."""
    rng = np.random.default_rng(seed)
    h, w, K = 24, 24, 8
    N = h * w
    region = (np.arange(N) * K) // N                     # 8 bands of pixels
    colour_of_component = np.array([0, 0, 1, 2, 1, 2, 2, 0])
    palette = np.array([[0.1, 0.2, 0.9], [0.8, 0.7, 0.1], [0.3, 0.9, 0.4]])
    feats = palette[colour_of_component[region]] + 0.01 * rng.standard_normal((N, 3))
    comps = np.full((K, N), 0.02)
    comps[region, np.arange(N)] = 1.0
    comps /= comps.sum(axis=0)
    return comps, feats.reshape(h, w, 3), colour_of_component


def test_constructed_grouping():
    comps, feats, truth = constructed_case()
    layers, groups = grouping.group_components(comps, feats, 3, seed=2024, return_groups=True)
    assert layers.shape == (3, comps.shape[1])
    assert len(set(zip(groups.tolist(), truth.tolist()))) == 3      # same partition
    np.testing.assert_allclose(layers, gr.layers_from_groups(comps, groups, 3), rtol=0, atol=1e-15)
    np.testing.assert_allclose(layers.sum(axis=0), 1.0, atol=1e-12)
    h = gr.mean_features(comps, feats.reshape(-1, 3))
    means = core.group_components(comps, feats.reshape(-1, 3),
                                  core.GroupingOptions(n_layers=3, seed=2024, n_init=10)).means
    np.testing.assert_allclose(means, h, rtol=1e-12)
    best, best_d = gr.best_partition(h, 3)
    assert gr.distortion(h, groups) <= best_d + 1e-12


def test_grouping_optimal_on_random_means():
    rng = np.random.default_rng(8080)
    K, N = 9, 400
    comps = rng.random((K, N)) ** 4
    comps /= comps.sum(axis=0)
    feats = rng.random((N, 3))
    layers, groups = grouping.group_components(comps, feats, 3, seed=31337, return_groups=True)
    h = gr.mean_features(comps, feats)
    _, best_d = gr.best_partition(h, 3)
    assert gr.distortion(h, groups) <= best_d * (1 + 1e-9)
    np.testing.assert_allclose(layers, gr.layers_from_groups(comps, groups, 3), atol=1e-14)


def test_few_components_pass_through():
    comps, feats, _ = constructed_case()
    layers = grouping.group_components(comps[:4] / comps[:4].sum(0), feats, 5, seed=1)
    assert layers.shape == (4, comps.shape[1])
    np.testing.assert_array_equal(layers, comps[:4] / comps[:4].sum(0))


def test_deterministic_and_threads():
    comps, feats, _ = constructed_case(seed=1234)
    a = grouping.group_components(comps, feats, 4, seed=99991)
    core.set_num_threads(1)
    try:
        b = grouping.group_components(comps, feats, 4, seed=99991)
    finally:
        core.set_num_threads(2)
    assert np.array_equal(a, b)


def test_bad_arguments():
    comps, feats, _ = constructed_case()
    with pytest.raises(ValueError, match="features"):
        grouping.group_components(comps, feats[:-1], 3, seed=1)
    with pytest.raises(ValueError, match="components"):
        grouping.group_components(comps.astype(np.float32), feats, 3, seed=1)
    with pytest.raises(ValueError, match="n_layers"):
        grouping.group_components(comps, feats, 0, seed=1)
    with pytest.raises(TypeError, match="seed"):
        grouping.group_components(comps, feats, 3, seed=None)
    bad = comps.copy()
    bad[2] = -bad[2]
    with pytest.raises(ValueError, match="component 2"):
        grouping.group_components(bad, feats, 3, seed=1)
