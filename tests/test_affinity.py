"""Native affinities (SPEC §1, §3, §4) against the NumPy reference, plus invariants."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from sss_fast.stages import affinity
from sss_fast._native import core
from sss_fast.stages.superpixels import RegionGraph

from reference import affinity_ref as ref

RTOL = 1e-10  # max |native − reference| / max |reference|


def rel_err(a, b):
    return abs(a - b).max() / max(abs(b).max(), 1e-300)


def synthetic_images():
    rng = np.random.default_rng(20240917)
    h, w = 29, 34
    yy, xx = np.mgrid[0:h, 0:w]
    noise = rng.integers(0, 256, (h, w, 3)) / 255.0
    flat = np.full((h, w, 3), 0.37)
    # Two-colour blocks with sharp edges: nearly rank-one window covariances.
    blocks = np.where(((yy // 7 + xx // 9) % 2)[..., None] == 1,
                      np.array([0.9, 0.2, 0.4]), np.array([0.1, 0.6, 0.3]))
    grey_edges = np.repeat(((yy // 5 + xx // 4) % 3 / 2.0)[..., None], 3, axis=2)
    ramp = np.stack([yy / (h - 1), xx / (w - 1), 0.5 * (yy + xx) / (h + w)], axis=2)
    half_flat = noise.copy()
    half_flat[:, : w // 2] = 0.61
    return {
        "noise": noise, "flat": flat, "blocks": blocks, "grey_edges": grey_edges,
        "ramp": ramp, "half_flat": half_flat,
        "tiny3x3": noise[:3, :3], "tiny4x5": noise[:4, :5], "strip3x11": noise[:3, :11],
        "strip9x3": noise[:9, :3],
    }


SYNTH = synthetic_images()


def docia_crop(docia, y, x, h, w):
    img, feat = docia
    return (np.ascontiguousarray(img[y:y + h, x:x + w]),
            np.ascontiguousarray(feat[y:y + h, x:x + w]))


# ----------------------------------------------------------------------------- matting
@pytest.mark.parametrize("name", sorted(SYNTH))
def test_matting_synthetic_matches_reference(name):
    img = SYNTH[name]
    got = affinity.matting_affinity(img)
    want = ref.matting_affinity(img)
    assert got.shape == want.shape
    assert rel_err(got, want) <= RTOL


@pytest.mark.parametrize("box", [(211, 305, 37, 53), (402, 118, 60, 60), (0, 587, 41, 53)])
def test_matting_docia_matches_reference(docia, box):
    img, _ = docia_crop(docia, *box)
    assert rel_err(affinity.matting_affinity(img), ref.matting_affinity(img)) <= RTOL


@pytest.mark.parametrize("name", ["tiny3x3", "tiny4x5", "noise"])
def test_reference_vectorised_matches_loops(name):
    img = SYNTH[name][:12, :13]
    assert rel_err(ref.matting_affinity(img), ref.matting_affinity_loops(img)) <= 1e-12


def test_matting_structure_and_invariants(docia):
    img, _ = docia_crop(docia, 123, 77, 31, 26)
    h, w = img.shape[:2]
    wl = affinity.matting_affinity(img)
    assert isinstance(wl, sp.csr_matrix)
    assert wl.indices.dtype == np.int32 and wl.indptr.dtype == np.int32
    assert wl.data.dtype == np.float64
    # 25-point stencil, sorted, each column once.
    span = lambda c, n: min(c + 2, n - 1) - max(c - 2, 0) + 1  # noqa: E731
    counts = np.array([span(y, h) * span(x, w) for y in range(h) for x in range(w)])
    np.testing.assert_array_equal(np.diff(wl.indptr), counts)
    for r in range(0, h * w, 97):
        cols = wl.indices[wl.indptr[r]:wl.indptr[r + 1]]
        assert np.all(np.diff(cols) > 0)
    # Exactly symmetric; row i sums to the number of windows containing pixel i.
    assert (wl != wl.T).nnz == 0
    nwin = lambda c, n: min(c + 1, n - 2) - max(c - 1, 1) + 1  # noqa: E731
    windows = np.array([nwin(y, h) * nwin(x, w) for y in range(h) for x in range(w)])
    np.testing.assert_allclose(np.asarray(wl.sum(axis=1)).ravel(), windows, rtol=0, atol=1e-11)


def test_matting_zero_copy(docia):
    img, _ = docia_crop(docia, 5, 5, 20, 20)
    wl = affinity.matting_affinity(img)
    for arr in (wl.data, wl.indices, wl.indptr):
        base = arr
        while isinstance(base, np.ndarray) and base.base is not None:
            base = base.base
        assert not arr.flags.owndata
        assert type(base).__name__ == "PyCapsule"  # the native buffer, not a copy


def test_matting_uint8_is_scaled():
    img8 = (SYNTH["noise"] * 255).round().astype(np.uint8)
    a = affinity.matting_affinity(img8)
    b = affinity.matting_affinity(img8 / 255.0)
    assert abs(a - b).max() == 0.0


def test_matting_eps_changes_result():
    img = SYNTH["blocks"]
    a = affinity.matting_affinity(img, eps=1e-3)
    assert rel_err(a, ref.matting_affinity(img, 1e-3)) <= RTOL
    assert abs(a - affinity.matting_affinity(img)).max() > 1e-4


# ----------------------------------------------------------------------------- superpixels
def block_graph(h, w, by, bx):
    yy, xx = np.mgrid[0:h, 0:w]
    return ref.make_region_graph((yy // by) * ((w + bx - 1) // bx) + xx // bx)


def kmeans_graph(img, k, seed):
    """Labels from a few Lloyd steps on colours: regions need not be connected."""
    rng = np.random.default_rng(seed)
    x = img.reshape(-1, 3)
    c = x[rng.choice(len(x), k, replace=False)]
    for _ in range(5):
        lab = ((x[:, None, :] - c[None]) ** 2).sum(-1).argmin(1)
        c = np.stack([x[lab == j].mean(0) if np.any(lab == j) else c[j] for j in range(k)])
    lab = np.unique(lab, return_inverse=True)[1]
    return ref.make_region_graph(lab.reshape(img.shape[:2]))


def graphs_and_means(docia):
    img, feat = docia_crop(docia, 250, 190, 70, 90)
    out = []
    for g in (block_graph(70, 90, 6, 7), kmeans_graph(img, 23, 8117)):
        out.append((img, g, ref.region_means(g.labels, img), ref.region_means(g.labels, feat)))
    return out


def test_color_affinity_matches_reference(docia):
    for img, g, cm, _ in graphs_and_means(docia):
        for radius in (0.2, 0.05, 1.5):
            got = affinity.color_affinity(g, cm, a=50.0, b=0.95, radius=radius)
            want = ref.color_affinity(g, cm, 50.0, 0.95, radius)
            assert got.shape == (img.shape[0] * img.shape[1],) * 2
            assert abs(got - want).max() <= 1e-14
            assert (got != got.T).nnz == 0
            if got.nnz:
                assert got.data.min() > 0.0 and got.data.max() <= 1.0


def test_color_affinity_softer_parameters(docia):
    # a small a keeps every pair nonzero: checks pair selection and placement fully.
    img, g, cm, _ = graphs_and_means(docia)[0]
    got = affinity.color_affinity(g, cm, a=2.0, b=0.5, radius=0.3)
    want = ref.color_affinity(g, cm, 2.0, 0.5, 0.3)
    assert got.nnz == want.nnz
    assert abs(got - want).max() <= 1e-14


def test_semantic_affinity_matches_reference(docia):
    for img, g, _, fm in graphs_and_means(docia):
        got = affinity.semantic_affinity(g, fm, a=20.0, b=0.85)
        want = ref.semantic_affinity(g, fm, 20.0, 0.85)
        assert abs(got - want).max() <= 1e-14
        assert (got != got.T).nnz == 0
        # Higher-dimensional features work too.
        fm5 = np.concatenate([fm, fm[:, :2] ** 2], axis=1)
        assert abs(affinity.semantic_affinity(g, fm5) - ref.semantic_affinity(g, fm5)).max() <= 1e-14


def test_shared_centroids_add_up():
    # Regions 0 and 1 share a centroid pixel: their pair lands on the diagonal (2 w).
    labels = np.zeros((6, 6), np.int32)
    labels[:, 3:] = 1
    labels[2:4, 2:4] = 2
    g0 = ref.make_region_graph(labels)
    centroids = g0.centroids.copy()
    centroids[1] = centroids[0]
    g = RegionGraph(labels=labels, n_regions=3, centroids=centroids,
                    neighbours=np.array([[0, 1], [0, 2], [1, 2]]))
    cm = np.array([[0.2, 0.3, 0.4], [0.21, 0.3, 0.4], [0.2, 0.31, 0.4]])
    fm = np.array([[0.1, 0.2], [0.1, 0.25], [0.5, 0.5]])
    for got, want in ((affinity.color_affinity(g, cm), ref.color_affinity(g, cm)),
                      (affinity.semantic_affinity(g, fm), ref.semantic_affinity(g, fm))):
        assert abs(got - want).max() <= 1e-15
        c = centroids[0]
        assert got[c, c] == pytest.approx(want[c, c]) and got[c, c] != 0


def test_thread_counts_agree(docia):
    img, g, cm, fm = graphs_and_means(docia)[1]
    before = core.get_num_threads()
    try:
        out = []
        for n in (1, 2):
            core.set_num_threads(n)
            out.append((affinity.matting_affinity(img), affinity.color_affinity(g, cm),
                        affinity.semantic_affinity(g, fm)))
    finally:
        core.set_num_threads(before)
    for a, b in zip(*out):
        np.testing.assert_array_equal(a.indptr, b.indptr)
        np.testing.assert_array_equal(a.indices, b.indices)
        assert np.abs(a.data - b.data).max() <= 1e-12 * np.abs(a.data).max()


# ----------------------------------------------------------------------------- bad input
def test_bad_images_rejected():
    good = SYNTH["noise"]
    with pytest.raises(ValueError, match="image"):
        affinity.matting_affinity(good[..., :2])
    with pytest.raises(TypeError, match="image"):
        affinity.matting_affinity(good > 0.5)
    with pytest.raises(TypeError, match="image"):
        affinity.matting_affinity(good.astype(np.int32))
    with pytest.raises(TypeError, match="image"):
        affinity.matting_affinity(good.astype(np.complex128))
    for bad in (np.nan, np.inf):
        x = good.copy()
        x[3, 4, 1] = bad
        with pytest.raises(ValueError, match="image"):
            affinity.matting_affinity(x)
    with pytest.raises(ValueError, match="image"):
        affinity.matting_affinity(good * 2.0)
    with pytest.raises(ValueError, match="image"):
        affinity.matting_affinity(-good)
    for shape in ((2, 5, 3), (5, 2, 3), (2, 2, 3)):
        with pytest.raises(ValueError, match="image"):
            affinity.matting_affinity(np.zeros(shape))
    for eps in (0.0, -1e-7, np.nan):
        with pytest.raises(ValueError, match="eps"):
            affinity.matting_affinity(good, eps=eps)
    with pytest.raises(TypeError, match="eps"):
        affinity.matting_affinity(good, eps="small")


def test_bad_graph_and_means_rejected():
    g = block_graph(12, 15, 4, 5)
    s = g.n_regions
    cm = np.full((s, 3), 0.5)
    fm = np.full((s, 4), 0.5)
    with pytest.raises(ValueError, match="color_means"):
        affinity.color_affinity(g, cm[:-1])
    with pytest.raises(ValueError, match="color_means"):
        affinity.color_affinity(g, np.full((s, 4), 0.5))
    bad = cm.copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="color_means"):
        affinity.color_affinity(g, bad)
    with pytest.raises(ValueError, match="feature_means"):
        affinity.semantic_affinity(g, fm[:-2])
    bad = fm.copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="feature_means"):
        affinity.semantic_affinity(g, bad)
    with pytest.raises(TypeError, match="graph"):
        affinity.color_affinity(object(), cm)
    oob = RegionGraph(labels=g.labels, n_regions=s, centroids=g.centroids + 10_000,
                      neighbours=g.neighbours)
    with pytest.raises(ValueError, match="graph.centroids"):
        affinity.color_affinity(oob, cm)
    badnb = RegionGraph(labels=g.labels, n_regions=s, centroids=g.centroids,
                        neighbours=np.array([[0, s]]))
    with pytest.raises(ValueError, match="graph.neighbours"):
        affinity.semantic_affinity(badnb, fm)
    with pytest.raises(ValueError, match="radius"):
        affinity.color_affinity(g, cm, radius=-0.1)
