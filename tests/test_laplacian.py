"""The native Laplacian (SPEC §5) against the NumPy/SciPy reference, plus invariants."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from sss_fast import Params
from sss_fast.stages import laplacian
from sss_fast._native import core

from reference import affinity_ref as aref
from reference import laplacian_ref as ref
from test_affinity import SYNTH, block_graph, docia_crop, kmeans_graph, rel_err

RTOL = 1e-10


def setup(docia, box, kind="blocks", seed=4409):
    img, feat = docia_crop(docia, *box)
    h, w = img.shape[:2]
    g = block_graph(h, w, 5, 6) if kind == "blocks" else kmeans_graph(img, 17, seed)
    return img, g, aref.region_means(g.labels, img), aref.region_means(g.labels, feat)


def check_laplacian(lap):
    assert isinstance(lap, sp.csr_matrix)
    assert lap.indices.dtype == np.int32 and lap.data.dtype == np.float64
    assert (lap != lap.T).nnz == 0  # exactly symmetric
    assert np.abs(lap @ np.ones(lap.shape[0])).max() < 1e-9
    for r in range(0, lap.shape[0], 41):
        assert np.all(np.diff(lap.indices[lap.indptr[r]:lap.indptr[r + 1]]) > 0)


@pytest.mark.parametrize("box,kind", [((211, 305, 37, 53), "blocks"), ((402, 118, 60, 60), "kmeans"),
                                      ((90, 500, 48, 40), "kmeans")])
def test_laplacian_docia_matches_reference(docia, box, kind):
    img, g, cm, fm = setup(docia, box, kind)
    lap = laplacian.build_laplacian(img, g, cm, fm, Params.reference())
    want = ref.build_laplacian(img, g, cm, fm, Params.reference())
    assert rel_err(lap, want) <= RTOL
    check_laplacian(lap)


def test_laplacian_strong_superpixel_terms(docia):
    # Large sigmas and soft erfs make the superpixel entries dominate.
    img, g, cm, fm = setup(docia, (300, 300, 40, 44), "kmeans")
    p = replace(Params(), sigma_semantic=3.0, sigma_color=2.0, color_a=3.0, color_b=0.4,
                semantic_a=2.5, semantic_b=0.6, color_radius=0.5)
    lap = laplacian.build_laplacian(img, g, cm, fm, p)
    assert rel_err(lap, ref.build_laplacian(img, g, cm, fm, p)) <= RTOL
    check_laplacian(lap)
    # Superpixel entries outside the 5x5 stencil really are there.
    assert lap.nnz > laplacian.matting_laplacian(img).nnz


def test_laplacian_sigma_zero_is_matting(docia):
    img, g, cm, fm = setup(docia, (10, 20, 30, 30))
    p = replace(Params(), sigma_semantic=0.0, sigma_color=0.0)
    a = laplacian.build_laplacian(img, g, cm, fm, p)
    b = laplacian.matting_laplacian(img)
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.data, b.data)


@pytest.mark.parametrize("name", ["noise", "blocks", "flat", "tiny3x3", "tiny4x5"])
def test_matting_laplacian_synthetic(name):
    img = SYNTH[name]
    lap = laplacian.matting_laplacian(img)
    assert rel_err(lap, ref.matting_laplacian(img)) <= RTOL
    check_laplacian(lap)


def test_matting_laplacian_psd(docia):
    img, _ = docia_crop(docia, 333, 222, 40, 40)
    lap = laplacian.matting_laplacian(img)
    assert rel_err(lap, ref.matting_laplacian(img)) <= RTOL
    assert np.linalg.eigvalsh(lap.toarray()).min() >= -1e-9


def test_zero_copy(docia):
    img, g, cm, fm = setup(docia, (0, 0, 20, 24))
    lap = laplacian.build_laplacian(img, g, cm, fm)
    for arr in (lap.data, lap.indices, lap.indptr):
        base = arr
        while isinstance(base, np.ndarray) and base.base is not None:
            base = base.base
        assert not arr.flags.owndata and type(base).__name__ == "PyCapsule"


def test_thread_counts_agree(docia):
    img, g, cm, fm = setup(docia, (150, 260, 96, 80), "kmeans", seed=771)
    before = core.get_num_threads()
    try:
        out = []
        for n in (1, 2):
            core.set_num_threads(n)
            out.append(laplacian.build_laplacian(img, g, cm, fm))
    finally:
        core.set_num_threads(before)
    a, b = out
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    assert np.abs(a.data - b.data).max() <= 1e-12 * np.abs(a.data).max()


def test_uint8_image_accepted(docia):
    img, g, cm, fm = setup(docia, (40, 40, 24, 30))
    img8 = (img * 255).round().astype(np.uint8)
    a = laplacian.build_laplacian(img8, g, cm, fm)
    b = laplacian.build_laplacian(img8 / 255.0, g, cm, fm)
    assert abs(a - b).max() == 0.0


def test_bad_input_rejected(docia):
    img, g, cm, fm = setup(docia, (40, 40, 24, 30))
    with pytest.raises(ValueError, match="graph"):
        laplacian.build_laplacian(img[:-1], g, cm, fm)
    with pytest.raises(ValueError, match="image"):
        laplacian.build_laplacian(img[..., :2], g, cm, fm)
    bad = img.copy()
    bad[1, 1, 1] = np.nan
    with pytest.raises(ValueError, match="image"):
        laplacian.build_laplacian(bad, g, cm, fm)
    with pytest.raises(ValueError, match="image"):
        laplacian.build_laplacian(img * 1.5, g, cm, fm)
    with pytest.raises(ValueError, match="color_means"):
        laplacian.build_laplacian(img, g, cm[:, :2], fm)
    with pytest.raises(ValueError, match="feature_means"):
        laplacian.build_laplacian(img, g, cm, fm[:-1])
    with pytest.raises(TypeError, match="params"):
        laplacian.build_laplacian(img, g, cm, fm, params={"sigma_color": 0.1})
    with pytest.raises(ValueError, match="image"):
        laplacian.matting_laplacian(np.zeros((2, 9, 3)))
    with pytest.raises(ValueError, match="eps"):
        laplacian.matting_laplacian(img, eps=0.0)
