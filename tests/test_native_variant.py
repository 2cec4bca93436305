"""Runtime choice between the baseline and the AVX-512 (x86-64-v4) builds."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sss_fast
from sss_fast import _native
from sss_fast.stages import laplacian, spectral, superpixels
from synthetic import soft_scene

PKG = Path(sss_fast.__file__).resolve().parent
HAS_V4_BUILD = any(PKG.glob("_core_v4*"))

CHILD = r"""
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from synthetic import soft_scene
from sss_fast import _native
from sss_fast.stages import laplacian, spectral, superpixels
img, feat, _ = soft_scene()
g = superpixels.superpixels(img, n_segments=120)
L = laplacian.build_laplacian(img, g, superpixels.region_means(g.labels, img, g.n_regions),
                              superpixels.region_means(g.labels, feat, g.n_regions))
vals = spectral.smallest_eigenpairs(L, img.shape[:2], n=12).values
print(json.dumps({"variant": _native.VARIANT, "data": L.data.tolist(), "values": vals.tolist()}))
"""


def run_child(isa):
    env = dict(os.environ, SSS_FAST_ISA=isa, PYTHONPATH=str(PKG.parent))
    return subprocess.run([sys.executable, "-c", CHILD, str(Path(__file__).parent)], env=env,
                          capture_output=True, text=True, timeout=300)


def test_variant_follows_the_cpu():
    assert _native.VARIANT in ("baseline", "v4")
    if os.environ.get("SSS_FAST_ISA", "auto") == "auto":
        assert (_native.VARIANT == "v4") == (HAS_V4_BUILD and _native._cpu_has_v4())


@pytest.mark.skipif(not (HAS_V4_BUILD and _native._cpu_has_v4()),
                    reason="needs the AVX-512 build and an AVX-512 CPU")
def test_baseline_and_v4_agree():
    out = {}
    for isa in ("baseline", "v4"):
        r = run_child(isa)
        assert r.returncode == 0, r.stderr[-2000:]
        out[isa] = json.loads(r.stdout.strip().splitlines()[-1])
        assert out[isa]["variant"] == isa
    a, b = (np.asarray(out[k]["data"]) for k in ("baseline", "v4"))
    assert a.shape == b.shape
    assert np.abs(a - b).max() <= 1e-12 * np.abs(a).max()
    np.testing.assert_allclose(out["baseline"]["values"], out["v4"]["values"], rtol=0, atol=1e-10)


def test_bad_choice_is_refused():
    r = run_child("avx9000")
    assert r.returncode != 0
    assert "SSS_FAST_ISA" in r.stderr


def test_in_process_matches_a_fresh_baseline_import():
    # The module this test process loaded computes what the forced baseline does.
    img, feat, _ = soft_scene()
    g = superpixels.superpixels(img, n_segments=120)
    L = laplacian.build_laplacian(img, g, superpixels.region_means(g.labels, img, g.n_regions),
                                  superpixels.region_means(g.labels, feat, g.n_regions))
    r = run_child("baseline")
    assert r.returncode == 0, r.stderr[-2000:]
    ref = np.asarray(json.loads(r.stdout.strip().splitlines()[-1])["data"])
    assert np.abs(L.data - ref).max() <= 1e-12 * np.abs(ref).max()
    vals = spectral.smallest_eigenpairs(L, img.shape[:2], n=12).values
    assert np.isfinite(vals).all()
