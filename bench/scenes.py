"""Synthetic composites with known soft layers, for the quality benchmark.

Every scene is built the same way: a few coverage maps (anti-aliased by 4×
supersampling, some blurred), composited front to back into true layers
α (K, H, W) that sum to one; each layer has its own slightly textured colour
image C_k and the photo is Σ_k α_k C_k plus a little noise. Features imitate
a network's: each layer has a feature vector, blended by α, then blurred,
shifted by a pixel or two and made noisy.

Scenes (``SCENES``):

* ``soft_edges``   – a blurred disc and an anti-aliased square (as tests/synthetic.py);
* ``hair``         – a head with hair-like strands of sub-pixel width;
* ``translucent``  – a translucent pane (α ≈ 0.45) over an opaque object and the background;
* ``camouflage``   – an object with the background's colour and texture, told apart
                     only by the features, next to an ordinary object;
* ``mixed``        – four objects: motion-blurred bar, thin ring, soft blob, fine fringe.
* ``crowd``        – six objects on one background (7 layers): two of one class (equal
                     features, different colours, apart), a veil (α ≈ 0.5) over part
                     of the background, an object in the background's colour, a
                     hairy blob and a small square.

``BASELINE_SCENES`` are the five scenes of the 2026-12-04 baseline (issue 15).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

SS = 4  # supersampling factor for anti-aliasing

__all__ = ["SCENES", "BASELINE_SCENES", "make_scene", "all_scenes", "transition_band"]


def _grid(h, w):
    """Supersampled pixel-centre coordinates (in pixel units)."""
    ys = (np.arange(h * SS) + 0.5) / SS
    xs = (np.arange(w * SS) + 0.5) / SS
    return np.meshgrid(ys, xs, indexing="ij")


def _down(mask_hi, h, w):
    return mask_hi.reshape(h, SS, w, SS).mean(axis=(1, 3))


def _disc(h, w, cy, cx, r):
    yy, xx = _grid(h, w)
    return _down(((yy - cy) ** 2 + (xx - cx) ** 2 <= r * r).astype(float), h, w)


def _ellipse(h, w, cy, cx, ry, rx, angle=0.0):
    yy, xx = _grid(h, w)
    c, s = np.cos(angle), np.sin(angle)
    u = (yy - cy) * c + (xx - cx) * s
    v = -(yy - cy) * s + (xx - cx) * c
    return _down(((u / ry) ** 2 + (v / rx) ** 2 <= 1).astype(float), h, w)


def _rect(h, w, y0, y1, x0, x1):
    yy, xx = _grid(h, w)
    return _down(((yy > y0) & (yy < y1) & (xx > x0) & (xx < x1)).astype(float), h, w)


def _strands(h, w, rng, roots, directions, length, width):
    """Coverage of thin curved strands drawn at 4× resolution."""
    hi = np.zeros((h * SS, w * SS), dtype=bool)
    rad = max(0.5, width * SS / 2)
    ir = int(np.ceil(rad))
    off = np.arange(-ir, ir + 1)
    dy, dx = np.meshgrid(off, off, indexing="ij")
    disk = dy ** 2 + dx ** 2 <= rad * rad
    dy, dx = dy[disk], dx[disk]
    for (y, x), ang in zip(roots, directions):
        curv = rng.normal(0, 0.04)
        n_len = length * rng.uniform(0.6, 1.2)
        step = 0.25
        for _ in range(int(n_len / step)):
            ang += curv * step + rng.normal(0, 0.02)
            y += np.sin(ang) * step
            x += np.cos(ang) * step
            py = np.clip(np.round(y * SS).astype(int) + dy, 0, h * SS - 1)
            px = np.clip(np.round(x * SS).astype(int) + dx, 0, w * SS - 1)
            hi[py, px] = True
    return _down(hi.astype(float), h, w)


def _composite(covers):
    """Front-to-back: covers[0] is in front. Returns layers [background, *objects]."""
    remain = np.ones_like(covers[0])
    layers = []
    for c in covers:
        layers.append(c * remain)
        remain = remain * (1 - c)
    return np.stack([remain] + layers)


def _texture(h, w, rng, amp, scale):
    t = ndimage.gaussian_filter(rng.standard_normal((h, w, 3)), (scale, scale, 0))
    return amp * t / (np.abs(t).max() + 1e-12)


def _render(alphas, colors, rng, texture=0.06, noise=0.01, layer_textures=None):
    k, h, w = alphas.shape
    img = np.zeros((h, w, 3))
    for j in range(k):
        tex = layer_textures[j] if layer_textures is not None else _texture(h, w, rng, texture, 3)
        img += alphas[j][..., None] * (np.asarray(colors[j]) + tex)
    img += rng.normal(0, noise, img.shape)
    return np.clip(img, 0, 1)


def _features(alphas, fvecs, rng, blur=1.5, shift=(1, 1), noise=0.02, image=None):
    """Network-like features: α-blend of per-layer vectors, blurred, shifted, noisy.

    With ``image`` given, these raw features are then reduced as SPEC §10
    reduces a network's output before SSS sees it: colour-guided filter with
    the image as guide (window 10, ε 0.01), then per-channel min–max to
    [0, 1]. (§10's clamp to ±5 does nothing here and its PCA to 3 dimensions
    would only rotate these 3-channel features.) Without ``image``: the raw
    features clipped to [0, 1] (the default of :func:`make_scene`).
    """
    f = np.tensordot(alphas.transpose(1, 2, 0), np.asarray(fvecs, dtype=float), axes=1)
    f = ndimage.gaussian_filter(f, (blur, blur, 0))
    f = ndimage.shift(f, (shift[0], shift[1], 0), order=1, mode="nearest")
    f = f + rng.normal(0, noise, f.shape)
    if image is None:
        return np.clip(f, 0, 1)
    from sss_fast.features import guided_filter

    f = guided_filter(image, np.ascontiguousarray(f), window=10, eps=0.01)
    lo, hi = f.min(axis=(0, 1)), f.max(axis=(0, 1))
    return np.clip((f - lo) / np.maximum(hi - lo, 1e-12), 0, 1)


FVECS = np.array([[0.10, 0.20, 0.90], [0.90, 0.10, 0.30], [0.40, 0.90, 0.10],
                  [0.85, 0.80, 0.75], [0.15, 0.60, 0.55]])


def soft_edges(h, w, rng):
    disc = ndimage.gaussian_filter(_disc(h, w, 0.35 * h, 0.3 * w, 0.22 * min(h, w)), 1.5)
    square = _rect(h, w, 0.5 * h, 0.85 * h, 0.55 * w, 0.9 * w)
    alphas = _composite([disc, square])
    colors = [[0.20, 0.45, 0.80], [0.90, 0.55, 0.20], [0.30, 0.75, 0.35]]
    return alphas, colors, FVECS[:3], None


def hair(h, w, rng):
    cy, cx, r = 0.62 * h, 0.5 * w, 0.22 * min(h, w)
    head = _disc(h, w, cy, cx, r)
    n = 70
    ang = rng.uniform(-np.pi, 0, n)  # upper half: strands grow up and out
    roots = [(cy + 0.95 * r * np.sin(a), cx + 0.95 * r * np.cos(a)) for a in ang]
    strands = _strands(h, w, rng, roots, ang + rng.normal(0, 0.25, n), 0.3 * min(h, w),
                       width=rng.uniform(0.35, 0.6))
    cover = np.maximum(head, strands)
    alphas = _composite([cover])
    colors = [[0.75, 0.80, 0.85], [0.35, 0.22, 0.12]]
    return alphas, colors, FVECS[[0, 1]], None


def translucent(h, w, rng):
    obj = ndimage.gaussian_filter(_ellipse(h, w, 0.6 * h, 0.38 * w, 0.25 * h, 0.2 * w), 0.8)
    pane = 0.45 * _rect(h, w, 0.15 * h, 0.7 * h, 0.35 * w, 0.85 * w)
    alphas = _composite([pane, obj])  # pane in front
    colors = [[0.85, 0.75, 0.30], [0.15, 0.55, 0.85], [0.80, 0.15, 0.20]]
    return alphas, colors, FVECS[[0, 2, 1]], None


def camouflage(h, w, rng):
    hidden = ndimage.gaussian_filter(_ellipse(h, w, 0.4 * h, 0.35 * w, 0.22 * h, 0.18 * w, 0.4),
                                     1.0)
    other = _rect(h, w, 0.55 * h, 0.9 * h, 0.6 * w, 0.92 * w)
    alphas = _composite([hidden, other])
    # the hidden object shares the background's colour AND its texture
    tex = _texture(h, w, rng, 0.08, 2)
    colors = [[0.45, 0.55, 0.35], [0.45, 0.55, 0.35], [0.80, 0.35, 0.55]]
    textures = [tex, tex, _texture(h, w, rng, 0.05, 3)]
    return alphas, colors, FVECS[[0, 1, 2]], textures


def mixed(h, w, rng):
    bar = _rect(h, w, 0.1 * h, 0.3 * h, 0.1 * w, 0.55 * w)
    bar = ndimage.uniform_filter1d(bar, 7, axis=1)  # horizontal motion blur
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    ring = np.clip(2.0 - np.abs(np.hypot(yy - 0.68 * h, xx - 0.3 * w) - 0.17 * h) / 1.0, 0, 1)
    blob = ndimage.gaussian_filter(_disc(h, w, 0.35 * h, 0.75 * w, 0.13 * min(h, w)), 2.5)
    fringe_base = _rect(h, w, 0.65 * h, 0.92 * h, 0.6 * w, 0.92 * w)
    n = 30
    roots = [(0.65 * h, x) for x in np.linspace(0.62 * w, 0.9 * w, n)]
    fringe = np.maximum(fringe_base, _strands(h, w, rng, roots, -np.pi / 2 + rng.normal(0, 0.2, n),
                                              0.12 * h, width=0.5))
    alphas = _composite([bar, ring, blob, fringe])
    colors = [[0.50, 0.50, 0.52], [0.90, 0.20, 0.15], [0.20, 0.30, 0.90], [0.95, 0.85, 0.20],
              [0.15, 0.70, 0.30]]
    return alphas, colors, FVECS, None


def crowd(h, w, rng):
    car_a = _ellipse(h, w, 0.22 * h, 0.25 * w, 0.1 * h, 0.16 * w)
    car_b = _ellipse(h, w, 0.25 * h, 0.75 * w, 0.1 * h, 0.16 * w)
    veil = 0.5 * ndimage.gaussian_filter(_rect(h, w, 0.45 * h, 0.95 * h, 0.05 * w, 0.4 * w), 1.0)
    hidden = ndimage.gaussian_filter(_disc(h, w, 0.62 * h, 0.62 * w, 0.11 * min(h, w)), 1.0)
    cy, cx, r = 0.82 * h, 0.82 * w, 0.08 * min(h, w)
    n = 30
    ang = rng.uniform(-np.pi, np.pi, n)
    roots = [(cy + 0.9 * r * np.sin(a), cx + 0.9 * r * np.cos(a)) for a in ang]
    fuzzy = np.maximum(_disc(h, w, cy, cx, r),
                       _strands(h, w, rng, roots, ang, 0.07 * min(h, w), width=0.5))
    small = _rect(h, w, 0.5 * h, 0.58 * h, 0.86 * w, 0.94 * w)
    alphas = _composite([veil, car_a, car_b, hidden, fuzzy, small])
    bg = [0.55, 0.5, 0.45]
    tex = _texture(h, w, rng, 0.06, 2)
    colors = [bg, [0.9, 0.9, 0.95], [0.85, 0.15, 0.1], [0.1, 0.25, 0.85], bg, [0.3, 0.2, 0.1],
              [0.95, 0.8, 0.1]]
    textures = [tex, _texture(h, w, rng, 0.02, 3), _texture(h, w, rng, 0.06, 3),
                _texture(h, w, rng, 0.06, 3), tex, _texture(h, w, rng, 0.06, 3),
                _texture(h, w, rng, 0.06, 3)]
    fv = np.array([FVECS[0], [0.6, 0.6, 0.9], FVECS[1], FVECS[1], FVECS[2], FVECS[3], FVECS[4]])
    return alphas, colors, fv, textures


SCENES = {"soft_edges": soft_edges, "hair": hair, "translucent": translucent,
          "camouflage": camouflage, "mixed": mixed, "crowd": crowd}
BASELINE_SCENES = ("soft_edges", "hair", "translucent", "camouflage", "mixed")


def make_scene(name, size=96, seed=31337, guided=False):
    """(image (H, W, 3), features (H, W, 3) in [0, 1], alphas (K, H, W)) of one scene.

    ``guided=True`` passes the features through SPEC §10's colour-guided
    filter and min–max (see ``_features``), as a network's output is reduced
    before SSS sees it; the default (False) keeps the benchmark's original
    features, so earlier results stay comparable.
    """
    h = w = int(size)
    rng = np.random.default_rng([seed, list(SCENES).index(name)])
    alphas, colors, fvecs, textures = SCENES[name](h, w, rng)
    assert np.allclose(alphas.sum(0), 1.0)
    image = _render(alphas, colors, rng, layer_textures=textures)
    feats = _features(alphas, fvecs, rng, shift=(1, 1) if name != "hair" else (1, -1),
                      image=image if guided else None)
    return np.ascontiguousarray(image), np.ascontiguousarray(feats), alphas


def all_scenes(size=96, seed=31337, guided=False):
    return {name: make_scene(name, size, seed, guided) for name in SCENES}


def transition_band(alphas, low=0.05, high=0.95, dilate=1):
    """Pixels where some true layer is strictly between low and high, dilated by ``dilate``."""
    band = ((alphas > low) & (alphas < high)).any(axis=0)
    if dilate:
        band = ndimage.binary_dilation(band, np.ones((3, 3), bool), iterations=dilate)
    return band
