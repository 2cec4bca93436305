"""Per-commit regression timings with pytest-benchmark (small, a minute or two).

    PYTHONPATH=python OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 \\
        python -m pytest bench/test_regressions.py -p no:cacheprovider \\
        --benchmark-autosave --benchmark-compare   # compare against the last saved run

Each native stage on docia box-averaged to 128×128 (inputs prepared once per
module), plus the whole pipeline. Not part of the test suite (no assertions on
time); run_suite.py is the full benchmark.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("pytest_benchmark")

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "python"), str(HERE)]

import sss_fast  # noqa: E402
from sss_fast.stages import constrained, laplacian, relaxed, spectral, superpixels  # noqa: E402

from suite_run import DATA, load_docia  # noqa: E402

SIZE = 128
SEED = 20180812


@pytest.fixture(scope="module")
def inputs():
    if not DATA.exists():
        pytest.skip(f"{DATA} not found")
    img, feat = load_docia(SIZE, SIZE)
    p = sss_fast.Params()
    g = superpixels.superpixels(img)
    cm = superpixels.region_means(g.labels, img, g.n_regions)
    fm = superpixels.region_means(g.labels, feat, g.n_regions)
    lap = laplacian.build_laplacian(img, g, cm, fm, p)
    eig = spectral.smallest_eigenpairs(lap, (SIZE, SIZE), params=p, seed=SEED, special=g.centroids)
    init = constrained.initial_components(feat, p.n_initial_components, seed=SEED)
    r = sss_fast.segment(img, feat, seed=SEED, return_intermediates=True)
    return dict(img=img, feat=feat, p=p, g=g, cm=cm, fm=fm, lap=lap, eig=eig, init=init,
                grouped=r.grouped)


def test_superpixels(benchmark, inputs):
    benchmark(superpixels.superpixels, inputs["img"])


def test_laplacian(benchmark, inputs):
    d = inputs
    benchmark(laplacian.build_laplacian, d["img"], d["g"], d["cm"], d["fm"], d["p"])


def test_eigenvectors(benchmark, inputs):
    d = inputs
    benchmark.pedantic(spectral.smallest_eigenpairs, args=(d["lap"], (SIZE, SIZE)),
                       kwargs=dict(params=d["p"], seed=SEED, special=d["g"].centroids),
                       rounds=3, iterations=1)


def test_constrained_5_iterations(benchmark, inputs):
    d = inputs
    p = replace(d["p"], constrained_iterations=5, prune_after=(3,))
    benchmark.pedantic(constrained.constrained_sparsify,
                       args=(d["eig"].vectors, d["eig"].values, d["init"], p), rounds=3, iterations=1)


def test_relaxed(benchmark, inputs):
    d = inputs
    benchmark(relaxed.relaxed_sparsify, d["grouped"], d["lap"], d["img"], d["p"])


def test_segment_end_to_end(benchmark, inputs):
    d = inputs
    benchmark.pedantic(sss_fast.segment, args=(d["img"], d["feat"]), kwargs=dict(seed=SEED),
                       rounds=1, iterations=1)
