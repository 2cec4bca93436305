"""Quality benchmark: SSS against spectral matting and hard k-means on features.

Synthetic composites with known soft layers (bench/scenes.py, ≈96×96) are
segmented by

* ``sss``          – ``sss_fast.segment(image, features, n_layers=K_true)`` (the defaults);
* ``sss_reference`` – the same with ``Params.reference()``, the paper's values
  throughout (the "before" of issue 15's departures, in the same run);
* ``spectral_matting`` – ``sss_fast.spectral_matting(image, 20)`` (Levin et al.,
  the paper's baseline: 20 matting components, no features);
* ``spectral_matting_grouped`` – the same, its components grouped into K_true
  layers by their mean features (SPEC §8), as extra information;
* ``kmeans``       – hard segmentation: k-means (K_true clusters) on the features alone;
* ``sss_components`` – diagnostic, no extra run: the soft components of the
  ``sss`` run before grouping (SPEC §7 output), scored like ``spectral_matting``
  (many components, each given to the true layer it overlaps most). With
  ``spectral_matting`` it separates the quality of the components from that of
  the grouping into K_true layers.

The comparison the issue's target names is ``sss`` against ``spectral_matting``
and ``kmeans``. Note that ``spectral_matting`` (≈ 10–20 components) is helped by
the scoring: the true layers choose its components. ``spectral_matting_grouped``
is the fair like-for-like (K_true layers, no ground truth used).

Scoring: each output layer is assigned to the true layer it overlaps most
(Σ_p α_out α_true); the layers assigned to a true layer are summed (a true
layer that gets none is predicted as 0). SAD = Σ_layers Σ_pixels |α̂ − α| (in
pixels), MSE = mean over layers and pixels of (α̂ − α)²; both over the whole
image and over the transition band only (pixels where some true α lies in
(0.05, 0.95), dilated by one pixel).

On docia (``--docia-size``): sparsity (fraction of pixels where some layer is
semi-transparent, 0.05 < α < 0.95; and the fraction of (layer, pixel) values
in (0.01, 0.99)) and the sum-to-one error (max and mean |Σ_k α_k − 1|) of the
returned float32 layers and of the solver's raw layers.

Real photos (``--photos``, needs torch for the default features): each of
scikit-image's photos named, longest side ``--photo-side`` px, is segmented
with ``Params.reference()`` (5 layers, "before"), with the defaults (5 layers,
"after") and with ``n_layers="auto"``; one contact sheet per photo (input |
features | each layer's alpha | palette, one row per setting) is written as
``<photo-prefix>-<name>.png`` for a person to look at.

    PYTHONPATH=python python bench/quality.py [--size 96] [--docia-size 320] \\
        [--threads 2] [--json-out PATH] [--png PATH] [--guided-features] \\
        [--photos astronaut,chelsea,coffee,rocket] [--photo-prefix bench/results/quality-photo]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _parse():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--size", type=int, default=96, help="side of the synthetic scenes (96)")
    ap.add_argument("--scenes", default="all", help="comma-separated scene names (default all)")
    ap.add_argument("--docia-size", type=int, default=320,
                    help="docia side for sparsity / sum-to-one (0 = skip; default 320)")
    ap.add_argument("--seed", type=int, default=20180812)
    ap.add_argument("--guided-features", action="store_true",
                    help="reduce the scenes' features with SPEC §10's guided filter + min-max "
                         "(as a network's output is reduced); default: the raw synthetic features")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json-out", type=Path, default=None)
    ap.add_argument("--png", type=Path, default=None, help="write a montage of the layers")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "docia.png")
    ap.add_argument("--photos", default="none",
                    help="comma-separated scikit-image photos for contact sheets, or none (default)")
    ap.add_argument("--photo-side", type=int, default=256, help="longest side of the photos (256)")
    ap.add_argument("--photo-prefix", type=Path, default=ROOT / "bench" / "results" / "quality-photo",
                    help="contact sheets go to <prefix>-<name>.png")
    return ap.parse_args()


if __name__ == "__main__":
    _ARGS = _parse()
    for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(_v, str(_ARGS.threads))
    # SSS_BENCH_PACKAGE: another build's package folder (bench/quality_builds.py)
    sys.path[:0] = [os.environ.get("SSS_BENCH_PACKAGE", str(ROOT / "python")), str(HERE)]

import numpy as np  # noqa: E402

METHODS = ("sss", "spectral_matting", "spectral_matting_grouped", "kmeans", "sss_components",
           "sss_reference")
EXTRA = ("spectral_matting_grouped", "sss_components", "sss_reference")  # extra information, not in the target
PRIMARY = ("sss", "spectral_matting", "kmeans")  # the comparison the targets name


def assign_layers(layers, truth):
    """Index of the true layer each output layer overlaps most, and the merged prediction."""
    layers = np.asarray(layers, dtype=np.float64)
    overlap = np.einsum("khw,thw->kt", layers, truth)
    to = overlap.argmax(axis=1)
    pred = np.zeros_like(truth)
    for k, t in enumerate(to):
        pred[t] += layers[k]
    return to, pred


def score(layers, truth, band):
    to, pred = assign_layers(layers, truth)
    d = pred - truth
    k = truth.shape[0]
    nb = max(int(band.sum()), 1)
    return {"sad": float(np.abs(d).sum()), "mse": float((d ** 2).mean()),
            "sad_band": float(np.abs(d[:, band]).sum()),
            "mse_band": float((d[:, band] ** 2).sum() / (k * nb)),
            "n_out_layers": int(layers.shape[0]), "assignment": [int(t) for t in to]}, pred


def kmeans_layers(features, k, seed):
    """Hard layers from k-means (k-means++ start, best of 5) on the features alone."""
    from scipy.cluster.vq import kmeans2

    x = features.reshape(-1, features.shape[-1])
    rng = np.random.default_rng(seed)
    best, best_d = None, np.inf
    for _ in range(5):
        c, lab = kmeans2(x, k, minit="++", seed=rng, iter=50)
        d = ((x - c[lab]) ** 2).sum()
        if d < best_d:
            best, best_d = lab, d
    out = np.zeros((k, x.shape[0]))
    out[best, np.arange(x.shape[0])] = 1.0
    return out.reshape(k, *features.shape[:2])


def run_method(name, image, feats, k, seed):
    import sss_fast

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = time.perf_counter()
        raw = comps = None
        if name in ("sss", "sss_reference"):
            params = sss_fast.Params.reference() if name == "sss_reference" else None
            r = sss_fast.segment(image, feats, n_layers=k, seed=seed, params=params,
                                 return_intermediates=True)
            layers, raw = r.layers, r.raw_layers
            comps = np.asarray(r.components, dtype=np.float64).reshape(-1, *image.shape[:2])
        elif name == "spectral_matting":
            r = sss_fast.spectral_matting(image, 20, seed=seed)
            layers, raw = r.layers, r.raw_layers
        elif name == "spectral_matting_grouped":
            r = sss_fast.spectral_matting(image, 20, features=feats, n_layers=k, seed=seed)
            layers, raw = r.layers, r.raw_layers
        elif name == "kmeans":
            layers = kmeans_layers(feats, k, seed)
        else:
            raise ValueError(name)
        dt = time.perf_counter() - t
    msgs = sorted({str(w.message)[:160] for w in caught})
    return np.asarray(layers, dtype=np.float64), raw, dt, msgs, comps


def sparsity_stats(layers, raw):
    layers = np.asarray(layers, dtype=np.float64)
    semi = (layers > 0.05) & (layers < 0.95)
    out = {"n_layers": int(layers.shape[0]),
           "semi_transparent_pixels": float(semi.any(axis=0).mean()),
           "semi_values_0.01_0.99": float(((layers > 0.01) & (layers < 0.99)).mean()),
           "sum_to_one_max": float(np.abs(layers.sum(0) - 1).max()),
           "sum_to_one_mean": float(np.abs(layers.sum(0) - 1).mean())}
    if raw is not None:
        raw = np.asarray(raw, dtype=np.float64).reshape(layers.shape)
        out["raw_sum_to_one_max"] = float(np.abs(raw.sum(0) - 1).max())
        out["raw_sum_to_one_mean"] = float(np.abs(raw.sum(0) - 1).mean())
        out["raw_outside_01"] = float(((raw < -1e-3) | (raw > 1 + 1e-3)).mean())
    return out


def load_docia(path, size):
    from PIL import Image

    with Image.open(path) as im:
        a = np.asarray(im.convert("RGB"), dtype=np.float64) / 255.0
    img, feat = a[:, :640], a[:, 640:]
    f = 640 // size
    if 640 % size == 0:
        img = img.reshape(size, f, size, f, 3).mean(axis=(1, 3))
        feat = feat.reshape(size, f, size, f, 3).mean(axis=(1, 3))
    else:
        raise ValueError("--docia-size must divide 640")
    return np.ascontiguousarray(img), np.ascontiguousarray(feat)


def _palette(k):
    base = np.array([[0.95, 0.95, 0.95], [0.90, 0.15, 0.15], [0.15, 0.55, 0.95], [0.98, 0.80, 0.10],
                     [0.20, 0.75, 0.30], [0.60, 0.25, 0.80], [0.10, 0.10, 0.10]])
    return base[np.arange(k) % len(base)]


def _render(alphas):
    return np.clip(np.tensordot(alphas.transpose(1, 2, 0), _palette(alphas.shape[0]), axes=1), 0, 1)


def run(size=96, scenes_=None, docia_size=320, seed=20180812, data=None, png=None, log=print,
        guided_features=False):
    import scenes as scn
    from sss_fast._native import core

    names = list(scn.SCENES) if not scenes_ else list(scenes_)
    res = {"size": size, "seed": seed, "guided_features": bool(guided_features),
           "methods": list(METHODS), "primary": list(PRIMARY),
           "extra": list(EXTRA),
           "scenes": {}, "docia": None}
    montage = []
    for name in names:
        image, feats, truth = scn.make_scene(name, size, guided=guided_features)
        band = scn.transition_band(truth)
        k = truth.shape[0]
        row = {"k_true": k, "band_fraction": float(band.mean()), "methods": {}}
        tiles = [image, feats, _render(truth)]
        sss_comps = None
        for m in METHODS:
            if m == "sss_components":  # scored from the sss run above, not run again
                layers, dt, msgs = sss_comps, 0.0, []
            else:
                layers, _, dt, msgs, comps = run_method(m, image, feats, k, seed)
                if m == "sss":
                    sss_comps = comps
            sc, pred = score(layers, truth, band)
            sc.update(seconds=dt, warnings=msgs)
            row["methods"][m] = sc
            tiles.append(_render(pred))
            log(f"  {name:12s} {m:26s} SAD {sc['sad']:8.1f}  band SAD {sc['sad_band']:8.1f}  "
                f"MSE {sc['mse']:.4f}  band MSE {sc['mse_band']:.4f}  "
                f"({sc['n_out_layers']} layers, {dt:.1f} s)")
        res["scenes"][name] = row
        montage.append(tiles)
    res["mean"] = {m: {key: float(np.mean([res["scenes"][s]["methods"][m][key] for s in names]))
                       for key in ("sad", "mse", "sad_band", "mse_band")} for m in METHODS}
    base = [s for s in scn.BASELINE_SCENES if s in names]
    if base and len(base) < len(names):
        res["mean_baseline_scenes"] = {
            "scenes": base,
            **{m: {key: float(np.mean([res["scenes"][s]["methods"][m][key] for s in base]))
                   for key in ("sad", "mse", "sad_band", "mse_band")} for m in METHODS}}
    if docia_size:
        img, feat = load_docia(data, docia_size)
        d = {"size": docia_size, "methods": {}}
        for m in ("sss", "spectral_matting", "kmeans"):
            kk = 5
            layers, raw, dt, msgs, _ = run_method(m, img, feat, kk, seed)
            st = sparsity_stats(layers, raw)
            st.update(seconds=dt, warnings=msgs)
            d["methods"][m] = st
            log(f"  docia {docia_size}² {m:18s} semi-transparent pixels "
                f"{st['semi_transparent_pixels']:.3f}, values in (0.01,0.99) "
                f"{st['semi_values_0.01_0.99']:.3f}, |Σα−1| max {st['sum_to_one_max']:.1e}"
                + (f", raw max {st['raw_sum_to_one_max']:.1e}" if "raw_sum_to_one_max" in st else "")
                + f" ({dt:.1f} s)")
        res["docia"] = d
    res["threads_native"] = int(core.get_num_threads())
    if png is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        cols = ["image", "features", "truth"] + list(METHODS)
        fig, axes = plt.subplots(len(montage), len(cols), figsize=(1.6 * len(cols), 1.7 * len(montage)),
                                 squeeze=False)
        for i, tiles in enumerate(montage):
            for j, t in enumerate(tiles):
                ax = axes[i, j]
                ax.imshow(t, interpolation="nearest")
                ax.set_xticks([])
                ax.set_yticks([])
                if i == 0:
                    ax.set_title(cols[j].replace("spectral_matting", "SM").replace("sss_components", "SSS comps")
                                 .replace("_", " "),
                                 fontsize=7)
                if j == 0:
                    ax.set_ylabel(names[i], fontsize=7)
                if j >= 3:
                    ax.set_xlabel(f"SAD {res['scenes'][names[i]]['methods'][cols[j]]['sad']:.0f}",
                                  fontsize=6)
        fig.suptitle("true layers and each method's layers merged onto them (colour = true layer)",
                     fontsize=8)
        fig.tight_layout()
        fig.savefig(png, dpi=72)
        plt.close(fig)
        shrink_png(png)
    return res


def _label(strip_w, text, h=14):
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (strip_w, h), (255, 255, 255))
    ImageDraw.Draw(im).text((2, 1), text, fill=(0, 0, 0))
    return np.asarray(im)


def photo_sheets(names, side=256, prefix=None, seed=20180812, log=print):
    """Contact sheets of scikit-image photos: reference (before), defaults, auto. Returns paths."""
    from PIL import Image
    from skimage import data

    import sss_fast
    from sss_fast import features, io, viz

    prefix = Path(prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in names:
        im = Image.fromarray(getattr(data, name)()).convert("RGB")
        f = side / max(im.size)
        im = im.resize((max(8, round(im.size[0] * f)), max(8, round(im.size[1] * f))), Image.LANCZOS)
        image = np.asarray(im, dtype=np.float64) / 255.0
        feats = features.reduce(features.extract(image), image)
        rows, info = [], {}
        for tag, params, nl in (("before: Params.reference(), 5 layers", sss_fast.Params.reference(), 5),
                                ("after: Params(), 5 layers", sss_fast.Params(), 5),
                                ("after: Params(), n_layers='auto'", sss_fast.Params(), "auto")):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t = time.perf_counter()
                r = sss_fast.segment(image, feats, n_layers=nl, params=params, seed=seed)
                dt = time.perf_counter() - t
            sheet = viz.contact_sheet(image, feats, r.layers)
            rows.append(_label(sheet.shape[1], f"{name}: {tag} ({r.layers.shape[0]} layers, "
                                                f"{dt:.0f} s)"))
            rows.append(sheet)
            info[tag] = {"n_layers": int(r.layers.shape[0]), "seconds": dt,
                         "layer_mass": [float(m) for m in r.layers.reshape(r.layers.shape[0], -1).mean(1)]}
            log(f"  photo {name:10s} {tag:40s} {r.layers.shape[0]} layers ({dt:.1f} s)")
        wmax = max(x.shape[1] for x in rows)
        rows = [np.pad(x, ((0, 0), (0, wmax - x.shape[1]), (0, 0)), constant_values=255) for x in rows]
        path = Path(f"{prefix}-{name}.png")
        io.save_png(path, np.concatenate(rows, axis=0))
        shrink_png(path, colors=128)
        out[name] = {"path": str(path), **info}
    return out


def shrink_png(path, colors=96):
    """Re-save a PNG with an adaptive palette (keeps the montage well under 300 KB)."""
    from PIL import Image

    with Image.open(path) as im:
        q = im.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT,
                                        dither=Image.Dither.NONE)
    q.save(path, optimize=True)


def main():
    a = _ARGS
    from sss_fast._native import core

    core.set_num_threads(a.threads)
    t = time.perf_counter()
    res = run(a.size, None if a.scenes == "all" else a.scenes.split(","), a.docia_size, a.seed,
              a.data, a.png, guided_features=a.guided_features)
    photos = [p for p in a.photos.split(",") if p and p != "none"]
    if photos:
        try:
            import torch  # noqa: F401
        except ImportError:
            print("photos skipped: the default features need torch (pip install '.[features]')")
        else:
            res["photos"] = photo_sheets(photos, a.photo_side, a.photo_prefix, a.seed)
    res["seconds"] = time.perf_counter() - t
    tables = [(f"mean over {len(res['scenes'])} scenes ({a.size}×{a.size})", res["mean"])]
    if "mean_baseline_scenes" in res:
        mb = res["mean_baseline_scenes"]
        tables.append((f"mean over the {len(mb['scenes'])} scenes of the 2026-12-04 baseline "
                       f"({', '.join(mb['scenes'])})", mb))
    for title, tab in tables:
        print(f"\n{title}:")
        print(f"  {'method':26s} {'SAD':>8s} {'band SAD':>9s} {'MSE':>8s} {'band MSE':>9s}")
        for m in METHODS:
            r = tab[m]
            print(f"  {m:26s} {r['sad']:8.1f} {r['sad_band']:9.1f} {r['mse']:8.4f} {r['mse_band']:9.4f}")
    if a.json_out:
        a.json_out.write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
