"""Superpixels (SPEC §2): native SLICO and region graph against the NumPy
reference (tests/reference/superpixels_ref.py), plus invariants."""

from __future__ import annotations

import numpy as np
import pytest

from reference import superpixels_ref as ref
from sss_fast.stages import superpixels as sp
from sss_fast._native import core, testing


@pytest.fixture
def threads():
    """Restore the thread count after a test that changes it."""
    n = core.get_num_threads()
    yield
    core.set_num_threads(n)


def assert_valid_labels(labels, n):
    """Consecutive from 0, in raster order of first pixel, each region 8-connected."""
    assert labels.dtype == np.int32
    uniq, first = np.unique(labels, return_index=True)
    np.testing.assert_array_equal(uniq, np.arange(n))
    assert np.all(np.diff(first) > 0), "labels are not numbered in raster order"
    comp, _, _ = ref.connected_components_8(labels)
    assert comp.max() + 1 == n, "some superpixel is not 8-connected"


def crop(a, y, x, s):
    return np.ascontiguousarray(a[y:y + s, x:x + s])


# ---------------------------------------------------------------------------
# CIELAB
# ---------------------------------------------------------------------------

def test_lab_matches_reference(docia):
    img = crop(docia[0], 211, 97, 120)
    rng = np.random.default_rng(90817)
    for im in (img, rng.random((17, 23, 3))):
        np.testing.assert_allclose(testing.rgb_to_lab(im), ref.rgb_to_lab(im), rtol=0, atol=1e-12)


def test_lab_known_values():
    im = np.array([[[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]])
    lab = testing.rgb_to_lab(im)
    # (the standard 7-digit matrix's Y row sums to 1.0000001: a*, b* of white ~1e-5)
    np.testing.assert_allclose(lab[0, 0], [100.0, 0.0, 0.0], atol=1e-4)
    np.testing.assert_allclose(lab[0, 1], [0.0, 0.0, 0.0], atol=1e-9)
    # sRGB red, D65: L* 53.24, a* 80.09, b* 67.20
    np.testing.assert_allclose(lab[0, 2], [53.24, 80.09, 67.20], atol=0.01)


def test_uint8_table_equals_pow_path():
    """8-bit values take a lookup table; it must equal the pow formula bit for bit."""
    k = np.arange(256, dtype=np.float64)
    im = np.stack([k, k[::-1], (k * 7) % 256], axis=-1)[None] / 255.0
    nudged = np.nextafter(im, 2.0)  # off the table: pow path
    lab, lab_pow = testing.rgb_to_lab(im), testing.rgb_to_lab(nudged)
    np.testing.assert_allclose(lab, lab_pow, rtol=0, atol=1e-11)
    np.testing.assert_allclose(lab, ref.rgb_to_lab(im), rtol=0, atol=1e-12)


# ---------------------------------------------------------------------------
# SLICO against the reference
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("y, x, s, n", [(53, 301, 90, 60), (402, 17, 128, 150), (233, 389, 64, 30)])
def test_slico_matches_reference_on_docia_crops(docia, y, x, s, n):
    img = crop(docia[0], y, x, s)
    raw, k = testing.slico_assign(img, n, 10)
    # Same CIELAB input: the clustering is the same algorithm step by step.
    raw_same, k_ref = ref.slico_assign(img, n, 10, lab=testing.rgb_to_lab(img))
    assert k == k_ref
    np.testing.assert_array_equal(raw, raw_same)
    # Independent CIELAB (NumPy's pow/cbrt differ in the last bit): >= 99 %.
    raw_ind, _ = ref.slico_assign(img, n, 10)
    assert np.mean(raw == raw_ind) >= 0.99
    # Connectivity step, exactly.
    labels, n_regions = testing.enforce_connectivity(raw, k)
    labels_ref, n_ref = ref.enforce_connectivity(raw, k)
    assert n_regions == n_ref
    np.testing.assert_array_equal(labels, labels_ref)
    np.testing.assert_array_equal(sp.slic(img, n_segments=n), labels)


def test_slico_matches_reference_on_half_docia(docia_half):
    """Box-averaged values are not 8-bit: the pow path, non-square crop."""
    img = np.ascontiguousarray(docia_half[0][40:136, 150:222])
    labels = sp.slic(img, n_segments=80, iterations=7)
    labels_ref = ref.slico(img, 80, 7)
    assert np.mean(labels == labels_ref) >= 0.99
    np.testing.assert_array_equal(labels, ref.slico(img, 80, 7, lab=testing.rgb_to_lab(img)))


def test_slico_matches_reference_on_synthetic():
    """Smooth ramps, a disc and mild noise: identical labels, independent CIELAB."""
    rng = np.random.default_rng(26417)
    h, w = 70, 93
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.stack([xx / (w - 1), yy / (h - 1), 0.5 + 0.3 * np.sin(xx / 9.0)], axis=-1)
    img[(yy - 30) ** 2 + (xx - 50) ** 2 < 15 ** 2] = [0.9, 0.2, 0.1]
    img = np.clip(img + 0.01 * rng.standard_normal(img.shape), 0, 1)
    for n, it in [(40, 10), (111, 4), (7, 10)]:
        np.testing.assert_array_equal(sp.slic(img, n_segments=n, iterations=it), ref.slico(img, n, it))


# ---------------------------------------------------------------------------
# Known answers
# ---------------------------------------------------------------------------

def test_quadrants_reproduced():
    h, w = 64, 96
    colours = np.array([[0.9, 0.1, 0.1], [0.1, 0.8, 0.2], [0.1, 0.2, 0.9], [0.95, 0.9, 0.2]])
    quad = (np.arange(h)[:, None] >= h // 2) * 2 + (np.arange(w)[None, :] >= w // 2)
    img = colours[quad]
    labels = sp.slic(img, n_segments=4)
    np.testing.assert_array_equal(labels, quad)


def test_checkerboard_blocks_reproduced():
    """A two-colour checker of 4×4 blocks: each block is one superpixel."""
    b = 16
    blocks = (np.arange(4 * b)[:, None] // b) * 4 + np.arange(4 * b)[None, :] // b
    checker = ((np.arange(4 * b)[:, None] // b) + (np.arange(4 * b)[None, :] // b)) % 2
    img = np.where(checker[..., None] == 1, [0.2, 0.3, 0.8], [0.9, 0.8, 0.3])
    labels = sp.slic(img, n_segments=16)
    np.testing.assert_array_equal(labels, blocks)
    np.testing.assert_array_equal(labels, ref.slico(img, 16, 10))


def test_flat_image_gives_grid():
    """No colour: pure spatial clustering of the 2×3 seed grid into rectangles.
    Pixels equidistant from two seeds go to the lower index (column 20, row 20)."""
    img = np.full((40, 60, 3), 0.4)
    labels = sp.slic(img, n_segments=6)
    rows = (np.arange(40) > 20).astype(int)
    cols = (np.arange(60) > 20).astype(int) + (np.arange(60) > 40)
    np.testing.assert_array_equal(labels, rows[:, None] * 3 + cols[None, :])
    np.testing.assert_array_equal(labels, ref.slico(img, 6, 10))


def test_tiny_and_grayscale_images():
    rng = np.random.default_rng(5531)
    for shape in [(3, 3, 3), (3, 11, 3), (9, 4)]:
        img = rng.random(shape)
        labels = sp.slic(img)
        assert labels.shape == shape[:2]
        assert_valid_labels(labels, labels.max() + 1)
        np.testing.assert_array_equal(labels, ref.slico(np.atleast_3d(img).repeat(
            3 if len(shape) == 2 else 1, axis=2), 2500, 10))


def test_uint8_input_same_as_float():
    rng = np.random.default_rng(7103)
    img8 = rng.integers(0, 256, size=(40, 50, 3), dtype=np.uint8)
    np.testing.assert_array_equal(sp.slic(img8, n_segments=30), sp.slic(img8 / 255.0, n_segments=30))


# ---------------------------------------------------------------------------
# Full-size docia
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def docia_graph(docia):
    return sp.superpixels(docia[0])


def test_docia_superpixels(docia_graph):
    g = docia_graph
    assert g.labels.shape == (640, 640)
    assert 0.85 * 2500 <= g.n_regions <= 1.15 * 2500
    assert_valid_labels(g.labels, g.n_regions)
    sizes = np.bincount(g.labels.ravel())
    assert sizes.min() * 4 * 2500 >= 640 * 640 or sizes.argmin() == g.labels[0, 0]


def test_docia_region_graph_matches_reference(docia_graph, docia):
    g = docia_graph
    n, centroids, neighbours = ref.region_graph(g.labels)
    assert g.n_regions == n
    assert g.centroids.dtype == np.int64 and g.neighbours.dtype == np.int64
    np.testing.assert_array_equal(g.centroids, centroids)
    np.testing.assert_array_equal(g.neighbours, neighbours)
    for values in docia:
        np.testing.assert_allclose(sp.region_means(g.labels, values, g.n_regions),
                                   ref.region_means(g.labels, values, n), rtol=1e-14, atol=0)


def test_thread_counts_agree(docia, threads):
    img = docia[0]
    out = []
    for t in (1, 2):
        core.set_num_threads(t)
        g = sp.superpixels(img)
        out.append((g, sp.region_means(g.labels, docia[1], g.n_regions)))
    (g1, m1), (g2, m2) = out
    np.testing.assert_array_equal(g1.labels, g2.labels)
    np.testing.assert_array_equal(g1.centroids, g2.centroids)
    np.testing.assert_array_equal(g1.neighbours, g2.neighbours)
    np.testing.assert_array_equal(m1, m2)


# ---------------------------------------------------------------------------
# Region graph on arbitrary label maps
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [1117, 40523, 9001])
def test_region_graph_random_labels(seed):
    rng = np.random.default_rng(seed)
    h, w = rng.integers(1, 40, size=2)
    k = int(rng.integers(1, 30))
    if seed % 2:  # blocky maps (regions of several pixels)
        small = rng.integers(0, k, size=(h // 4 + 1, w // 4 + 1))
        raw = np.kron(small, np.ones((4, 4), dtype=np.int64))[:h, :w]
    else:
        raw = rng.integers(0, k, size=(h, w))
    labels = np.unique(raw, return_inverse=True)[1].reshape(h, w).astype(np.int64)
    g = sp.region_graph(labels)
    n, centroids, neighbours = ref.region_graph(labels)
    assert g.n_regions == n
    np.testing.assert_array_equal(g.labels, labels)
    np.testing.assert_array_equal(g.centroids, centroids)
    np.testing.assert_array_equal(g.neighbours, neighbours.reshape(-1, 2))
    vals = rng.standard_normal((h, w, 5))
    np.testing.assert_allclose(sp.region_means(labels, vals, n), ref.region_means(labels, vals, n),
                               rtol=1e-14, atol=1e-15)


def test_centroid_rounds_half_up_and_diagonal_neighbours():
    labels = np.kron(np.array([[0, 1], [2, 3]]), np.ones((2, 2), dtype=np.int64))
    g = sp.region_graph(labels)
    # mean (row, col) of region 0 is (0.5, 0.5) -> (1, 1); region 3: (2.5, 2.5) -> (3, 3)
    np.testing.assert_array_equal(g.centroids, [1 * 4 + 1, 1 * 4 + 3, 3 * 4 + 1, 3 * 4 + 3])
    # 0-3 and 1-2 touch only at a corner: neighbours under 8-connectivity
    np.testing.assert_array_equal(g.neighbours, [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])
    single = sp.region_graph(np.zeros((4, 5), dtype=np.uint8))
    assert single.n_regions == 1 and single.neighbours.shape == (0, 2)
    np.testing.assert_array_equal(single.centroids, [2 * 5 + 2])  # (1.5, 2) -> (2, 2)


def test_centroid_may_lie_outside_region():
    labels = np.ones((5, 5), dtype=np.int32)
    labels[1:4, 1:4] = 0  # region 1 is the ring around region 0
    g = sp.region_graph(labels)
    assert g.centroids[1] == 2 * 5 + 2
    assert labels.ravel()[g.centroids[1]] == 0


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("image, exc, word", [
    (np.zeros(10), ValueError, "image"),
    (np.zeros((4, 4, 3, 1)), ValueError, "image"),
    (np.zeros((2, 8, 3)), ValueError, "image"),
    (np.full((8, 8, 3), np.nan), ValueError, "image"),
    (np.full((8, 8, 3), 2.0), ValueError, "image"),
    (np.zeros((8, 8, 3), dtype=bool), TypeError, "image"),
])
def test_slic_bad_image(image, exc, word):
    with pytest.raises(exc, match=word):
        sp.slic(image)


@pytest.mark.parametrize("kwargs, exc, word", [
    ({"n_segments": 0}, ValueError, "n_segments"),
    ({"n_segments": 2.5}, TypeError, "n_segments"),
    ({"n_segments": True}, TypeError, "n_segments"),
    ({"iterations": 0}, ValueError, "iterations"),
    ({"iterations": "10"}, TypeError, "iterations"),
])
def test_slic_bad_parameters(kwargs, exc, word):
    with pytest.raises(exc, match=word):
        sp.slic(np.zeros((8, 8, 3)), **kwargs)


@pytest.mark.parametrize("labels, exc, word", [
    (np.array([[0, 2], [2, 0]]), ValueError, "consecutive"),
    (np.array([[0, -1], [1, 0]]), ValueError, "negative"),
    (np.zeros((2, 2, 2), dtype=np.int32), ValueError, "2-D"),
    (np.zeros(4, dtype=np.int32), ValueError, "2-D"),
    (np.zeros((2, 2)), TypeError, "integer"),
    (np.zeros((0, 3), dtype=np.int32), ValueError, "empty"),
])
def test_bad_labels(labels, exc, word):
    with pytest.raises(exc, match=word) as info:
        sp.region_graph(labels)
    assert "labels" in str(info.value)
    with pytest.raises(exc, match="labels"):
        sp.region_means(labels, np.zeros(labels.shape[:2] + (1,)) if labels.ndim >= 2 else
                        np.zeros((2, 2, 1)), 1)


def test_region_means_bad_values_and_count():
    labels = np.array([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="values"):
        sp.region_means(labels, np.zeros((3, 2, 1)), 2)
    with pytest.raises(ValueError, match="values"):
        sp.region_means(labels, np.full((2, 2, 3), np.nan), 2)
    with pytest.raises(ValueError, match="n_regions"):
        sp.region_means(labels, np.zeros((2, 2, 3)), 3)
    m = sp.region_means(labels, np.arange(4.0).reshape(2, 2), 2)  # 2-D values: C = 1
    np.testing.assert_array_equal(m, [[1.5], [1.5]])


def test_native_rejects_bad_arguments():
    """The native layer checks what could corrupt memory, even past Python."""
    with pytest.raises(ValueError, match="labels"):
        core.region_graph(np.array([[0, 5]], dtype=np.int32), 2)
    with pytest.raises(TypeError):
        core.slic(np.zeros((8, 8, 3), dtype=np.float32),
                  core.SlicOptions(n_segments=4, iterations=10))  # noconvert
    with pytest.raises(ValueError, match="3"):
        core.slic(np.zeros((8, 8, 2)), core.SlicOptions(n_segments=4, iterations=10))
