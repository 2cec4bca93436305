"""Property-based tests of ``sss_fast.segment`` (issue 6).

Hypothesis draws shapes, dtypes, channel counts, value ranges and content
(noise, palettes, constants, ramps, checkerboards, NaN/inf, out-of-range
values) and asserts the only two outcomes allowed: a valid result (layers
finite, in [0, 1], summing to one) or a clean ``ValueError``/``TypeError``
whose message names the argument. Inputs are small and examples few so the
file runs in seconds; ``SSS_HYPOTHESIS_EXAMPLES`` raises the count.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import sss_fast  # noqa: E402
from sss_fast import Params  # noqa: E402

settings.register_profile(
    "sss_fast", deadline=None, derandomize=True, print_blob=True,
    max_examples=int(os.environ.get("SSS_HYPOTHESIS_EXAMPLES", "25")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile("sss_fast")

P = Params(n_superpixels=100, n_eigenvectors=16, n_initial_components=8, constrained_iterations=12)

DTYPES = ["uint8", "uint16", "float32", "float64", "float16", ">f8", "int32", "int64", "bool",
          "complex128"]
CONTENT = ["noise", "palette", "constant", "ramp", "checker", "tiny_noise", "blocks"]


def _content(rng, kind, h, w, c):
    if kind == "noise":
        return rng.random((h, w, c))
    if kind == "constant":
        return np.broadcast_to(rng.random(c), (h, w, c)).copy()
    if kind == "palette":
        pal = rng.random((int(rng.integers(1, 5)), c))
        return pal[rng.integers(0, len(pal), (h, w))]
    if kind == "ramp":
        t = np.linspace(0, 1, w)[None, :, None]
        return np.broadcast_to(t * rng.random(c), (h, w, c)).copy()
    if kind == "checker":
        return np.broadcast_to((np.indices((h, w)).sum(0) % 2)[..., None], (h, w, c)) * 1.0
    if kind == "tiny_noise":
        return 0.5 + rng.uniform(-1e-9, 1e-9, (h, w, c))
    if kind == "blocks":
        out = np.empty((h, w, c))
        ys, xs = sorted(rng.integers(1, max(2, h), 2)), sorted(rng.integers(1, max(2, w), 2))
        for i, (y0, y1) in enumerate(zip([0, *ys], [*ys, h])):
            for j, (x0, x1) in enumerate(zip([0, *xs], [*xs, w])):
                out[y0:y1, x0:x1] = rng.random(c)
        return out
    raise AssertionError(kind)


def _cast(x, dtype):
    """Unit-range values to ``dtype`` the way a caller would hold them."""
    dt = np.dtype(dtype)
    if dt.kind == "u" or dt.kind == "i":
        top = 255 if dt.itemsize == 1 else (65535 if dt.kind == "u" else 1000)
        return np.round(x * top).astype(dt)
    if dt.kind == "b":
        return x > 0.5
    if dt.kind == "c":
        return x.astype(dt)
    return x.astype(dt)


BAD = ["size", "dtype", "layout", "corrupt", "features"]


@st.composite
def segment_inputs(draw, valid_only=False):
    """(image, features, n_layers, seed). Unless ``valid_only``, about half the
    examples carry one defect (too small, refused dtype, wrong layout,
    NaN/inf/out-of-range value, or bad features)."""
    bad = None if valid_only else draw(st.sampled_from([None] * len(BAD) + BAD))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if bad == "size":
        h, w = draw(st.sampled_from([(draw(st.integers(0, 7)), draw(st.integers(0, 20))),
                                     (draw(st.integers(8, 20)), draw(st.integers(0, 7)))]))
    else:
        h, w = draw(st.integers(8, 20)), draw(st.integers(8, 20))
    kind = draw(st.sampled_from(CONTENT))
    dtype = draw(st.sampled_from(DTYPES[6:] if bad == "dtype" else DTYPES[:6]))
    layout = draw(st.sampled_from(["hw2", "chw", "hw5", "hwhw"] if bad == "layout" else
                                  ["hw3", "hw", "hw1", "hw4", "flip", "fortran"]))
    img = _content(rng, kind, h, w, 3)
    if bad == "corrupt":
        dtype = draw(st.sampled_from(["float32", "float64"]))
        img = img.copy()
        img[rng.integers(h), rng.integers(w), :] = draw(  # all channels: layouts slice
            st.sampled_from([np.nan, np.inf, -np.inf, -0.5, 1.5, 255.0]))
    x = _cast(img, dtype)
    if layout == "hw":
        x = x[..., 0]
    elif layout == "hw1":
        x = x[..., :1]
    elif layout == "hw4":
        x = np.concatenate([x, x[..., :1]], axis=2)
    elif layout == "hw2":
        x = x[..., :2]
    elif layout == "hw5":
        x = np.concatenate([x, x[..., :2]], axis=2)
    elif layout == "hwhw":
        x = x[None]
    elif layout == "chw":
        x = np.moveaxis(x, -1, 0)
    elif layout == "flip":
        x = x[::-1, ::-1]
    elif layout == "fortran":
        x = np.asfortranarray(x)

    fkind = draw(st.sampled_from(["mismatch", "reduced_out_of_range", "nan", "int"]
                                 if bad == "features" else
                                 ["reduced", "raw", "raw2d", "constant"]))
    fh, fw = (h, w) if fkind != "mismatch" else (h + draw(st.sampled_from([-1, 1])), w)
    if fkind in ("reduced", "reduced_out_of_range", "nan", "int"):
        f = _content(rng, draw(st.sampled_from(CONTENT)), fh, fw, 3)
        if fkind == "reduced_out_of_range":
            f = f * 3.0 - 1.0
        if fkind == "nan":
            f[0, 0, 0] = draw(st.sampled_from([np.nan, np.inf]))
        f = f.astype(draw(st.sampled_from(["float32", "float64"])))
        if fkind == "int":
            f = (f * 100).astype(np.int32)
    elif fkind == "raw":
        d = draw(st.sampled_from([1, 2, 4, 7]))
        f = rng.normal(0, draw(st.sampled_from([1e-6, 1.0, 100.0])), (fh, fw, d))
    elif fkind == "raw2d":
        f = rng.normal(size=(fh, fw))
    elif fkind == "constant":
        f = np.full((fh, fw, 3), 0.25)
    else:  # mismatch
        f = rng.random((max(fh, 0), fw, 3))
    n_layers = draw(st.integers(1, 6))
    return x, f, n_layers, seed, bad


def _check_valid(res, shape2d, n_layers):
    L = res.layers
    assert L.dtype == np.float32
    assert L.shape[1:] == shape2d
    assert 1 <= L.shape[0] <= n_layers
    assert np.isfinite(L).all()
    assert np.isfinite(res.raw_layers).all()
    assert L.min() >= 0.0 and L.max() <= 1.0
    np.testing.assert_allclose(L.sum(axis=0), 1.0, atol=1e-5)


@settings(PROFILE)
@given(segment_inputs(valid_only=False))
def test_segment_result_valid_or_clean_error(case):
    x, f, n_layers, seed, bad = case
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sss_fast.segment(x, f, n_layers=n_layers, seed=seed, params=P)
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        assert "image" in msg or "features" in msg, msg
        event(f"refused: {type(exc).__name__}")
        assert bad is not None, f"valid input refused: {msg}"
        return
    event("valid result")
    assert bad is None, f"defect {bad!r} not noticed"
    _check_valid(res, x.shape[:2] if x.ndim >= 2 else None, n_layers)


@settings(PROFILE)
@given(segment_inputs(valid_only=True))
def test_segment_valid_inputs_always_give_valid_layers(case):
    x, f, n_layers, seed, _ = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sss_fast.segment(x, f, n_layers=n_layers, seed=seed, params=P)
    _check_valid(res, x.shape[:2], n_layers)


@settings(PROFILE, max_examples=max(5, PROFILE.max_examples // 3))
@given(st.integers(0, 2**64 - 1), st.integers(8, 16), st.integers(8, 16))
def test_segment_deterministic_for_any_seed(seed, h, w):
    rng = np.random.default_rng(seed % 2**32)
    x = rng.random((h, w, 3))
    f = rng.random((h, w, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = sss_fast.segment(x, f, seed=seed, params=P).layers
        b = sss_fast.segment(x.copy(), f.copy(), seed=seed, params=P).layers
    np.testing.assert_array_equal(a, b)


@settings(PROFILE, max_examples=max(5, PROFILE.max_examples // 2))
@given(segment_inputs(valid_only=False), st.booleans())
def test_spectral_matting_result_valid_or_clean_error(case, with_features):
    """The baseline entry point: same inputs, same two allowed outcomes."""
    x, f, n_layers, seed, bad = case
    if not with_features and bad == "features":
        bad = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sss_fast.spectral_matting(
                x, 6, features=f if with_features else None,
                n_layers=n_layers if with_features else None, seed=seed, params=P,
                n_eigenvectors=12, iterations=6)
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        assert "image" in msg or "features" in msg, msg
        assert bad is not None, f"valid input refused: {msg}"
        return
    assert bad is None, f"defect {bad!r} not noticed"
    # Spectral matting components are unconstrained linear combinations of
    # eigenvectors: they sum to one but may leave [0, 1] (Levin et al. 2008).
    L = res.layers
    assert L.shape[1:] == x.shape[:2] and 1 <= L.shape[0] <= (n_layers if with_features else 6)
    assert np.isfinite(L).all() and np.isfinite(res.raw_layers).all()
    np.testing.assert_allclose(res.raw_layers.sum(axis=0), 1.0, atol=1e-6)


def _png(rng, h, w, mode):
    from PIL import Image

    buf = __import__("io").BytesIO()
    Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8)).convert(mode).save(buf, "PNG")
    return buf.getvalue()


@settings(PROFILE)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(1, 40),
       st.sampled_from(["RGB", "L", "P", "RGBA", "LA", "1"]),
       st.sampled_from(["none", "truncate", "flip", "splice", "zero_run"]))
def test_read_image_on_mutated_files_returns_rgb_or_input_error(seed, h, w, mode, mutation):
    """Random PNGs, randomly damaged: an (H, W, 3) array or a one-line InputError."""
    pytest.importorskip("PIL")
    from sss_fast.app import export as _export

    rng = np.random.default_rng(seed)
    data = bytearray(_png(rng, h, w, mode))
    n = len(data)
    if mutation == "truncate":
        data = data[: int(rng.integers(0, n))]
    elif mutation == "flip":
        for i in rng.integers(0, n, int(rng.integers(1, 8))):
            data[i] ^= int(rng.integers(1, 256))
    elif mutation == "splice":
        i = int(rng.integers(0, n))
        data[i:i] = rng.integers(0, 256, int(rng.integers(1, 64)), dtype=np.uint8).tobytes()
    elif mutation == "zero_run":
        i = int(rng.integers(0, n))
        k = int(rng.integers(1, 32))
        data[i:i + k] = bytes(len(data[i:i + k]))
    try:
        a = _export.read_image(bytes(data), name="x.png")
    except _export.InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("x.png: ")
        return
    assert a.ndim == 3 and a.shape[2] == 3 and a.dtype in (np.uint8, np.uint16)
    if mutation == "none":
        assert a.shape[:2] == (h, w)
