"""Quality on real photos with known answers, every method side by side in one run.

The judge of the defaults (issue 23). Three kinds of real input, read from
``../shared/data`` beside the checkout (never copied into the repo):

* ``matting/crop0..4.png`` with ``crop*_alpha.png``: real objects with fur,
  hair, glass over real photographs, and their true alpha. Scores (SAD in
  thousands of pixels, lower is better):

  - ``best``: SAD of the single output layer closest to the alpha — is the
    object whole in one layer?
  - ``union``: SAD of the sum of the layers that sit mostly on the object
    (Σ_p α_layer·α_true > ½ Σ_p α_layer) — is its soft edge right, whatever
    the number of layers it was cut into?
  - ``n_on``: how many layers sit mostly on the object (1 is ideal).

* ``docia.png`` with the paper's own features: its layers with
  ``Params.reference()`` are the gold standard. Each method's layers are
  matched one to one to the reference layers (Hungarian matching on SAD) and
  scored by the mean matched-layer SAD (thousands of pixels); ``whole`` gives,
  for each reference layer, the largest fraction of its mass that one output
  layer holds (1 = kept whole).

* the paper's figure photos (``photos/``) and scikit-image's astronaut,
  chelsea and coffee: no answers, one contact sheet per photo for a person to
  look at (rows: methods; columns: input, palette view, each layer's alpha),
  and a blockiness score per layer (see :func:`blockiness`).

Methods: ``defaults`` (``Params()``), ``reference`` (``Params.reference()``),
``spectral_matting`` (20 matting components grouped into the layers by
their mean features) and ``kmeans`` (hard k-means of the reduced features),
at 5 layers and at 2. Extra ``--variant name:field=value,field=value`` rows
run ``Params()`` with those fields replaced (values parsed as Python
literals), so a departure can be measured against both.

    PYTHONPATH=python python bench/quality_real.py --threads 2 \\
        --json-out bench/results/<date>-quality-real.json \\
        --sheet-prefix bench/results/<date>-quality-real

Features for the photos and crops come from the default extractor (needs
torch; ``--features-model`` picks another) and are cached under
``build/quality_real_cache`` keyed by the model's name, so repeated runs only
segment.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / "build" / "quality_real_cache"

import numpy as np  # noqa: E402

CROPS = tuple(f"crop{i}" for i in range(5))
FIGURE_PHOTOS = ("dog", "walker", "dancer", "surfer")
SKIMAGE_PHOTOS = ("astronaut", "chelsea", "coffee")
METHODS = ("defaults", "reference", "spectral_matting", "kmeans")


def _parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=DATA)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=20180812)
    p.add_argument("--layers", default="5,2", help="layer counts to score the crops at")
    p.add_argument("--crops", default=",".join(CROPS), help="crops to score, or 'none'")
    p.add_argument("--docia-size", type=int, default=640, help="0 skips docia")
    p.add_argument("--photos", default=",".join(FIGURE_PHOTOS + SKIMAGE_PHOTOS),
                   help="photos to draw sheets of, or 'none'")
    p.add_argument("--skimage-side", type=int, default=320,
                   help="longest side of scikit-image's photos")
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--docia-methods", default=None,
                   help="methods for docia (default: --methods and the variants)")
    p.add_argument("--photo-methods", default=None,
                   help="methods for the photo sheets (default: --methods and the variants)")
    p.add_argument("--variant", action="append", default=[],
                   help="extra method 'name:field=value,...' (Params() with those fields)")
    p.add_argument("--features-model", default="default",
                   help="features.extract(model=...) for the photos and crops (also the cache "
                        "key); 'default' = the shipped extractor")
    p.add_argument("--json-out", type=Path)
    p.add_argument("--sheet-prefix", type=Path,
                   help="write <prefix>-<photo>.png contact sheets (and of the crops and docia)")
    return p.parse_args(argv)


# --------------------------------------------------------------------------- inputs

def read_rgb(path):
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.float64) / 255.0


def read_gray(path):
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("L"), dtype=np.float64) / 255.0


def load_docia(data, size):
    """docia's image and the paper's reduced features, box-averaged to size²."""
    from quality import load_docia as load   # bench/quality.py

    return load(Path(data) / "docia.png", size)


def skimage_photo(name, side):
    from PIL import Image
    from skimage import data

    im = Image.fromarray(getattr(data, name)()).convert("RGB")
    f = side / max(im.size)
    if f < 1:
        im = im.resize((max(8, round(im.size[0] * f)), max(8, round(im.size[1] * f))), Image.LANCZOS)
    return np.asarray(im, dtype=np.float64) / 255.0


def photo_image(name, data, side):
    if name in SKIMAGE_PHOTOS or not (Path(data) / "photos" / f"{name}.png").exists():
        return skimage_photo(name, side)
    return read_rgb(Path(data) / "photos" / f"{name}.png")


def features_for(name, image, model="default"):
    """Reduced features of ``image`` from ``features.extract(model=model)``, cached
    under build/ by (model, name, shape)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{model}-{name}-{image.shape[0]}x{image.shape[1]}.npy"
    if path.exists():
        return np.load(path)
    from sss_fast import features

    t = time.perf_counter()
    f = features.reduce(features.extract(image, model=model), image)
    np.save(path, f)
    print(f"  features {model}/{name}: {time.perf_counter() - t:.1f} s", flush=True)
    return f


# --------------------------------------------------------------------------- methods

def parse_variant(spec):
    """'name:field=value,...' → (name, dict of Params changes)."""
    name, _, body = spec.partition(":")
    changes = {}
    for item in filter(None, body.split(",")):
        k, _, v = item.partition("=")
        try:
            changes[k.strip()] = ast.literal_eval(v.strip())
        except (ValueError, SyntaxError):
            changes[k.strip()] = v.strip()
    return name.strip(), changes


def method_params(name, variants):
    import sss_fast

    if name == "defaults":
        return sss_fast.Params()
    if name == "reference":
        return sss_fast.Params.reference()
    if name in variants:
        return replace(sss_fast.Params(), **variants[name])
    return None


def kmeans_layers(feats, k, seed):
    """Hard layers: k-means (k-means++, best of 5) of the reduced features."""
    from quality import kmeans_layers as hard_kmeans   # bench/quality.py, the synthetic judge

    return hard_kmeans(feats, k, seed)


_SPECTRAL = {}
#: Params fields that only the grouping, the relaxed stage and the clean-up read.
LATE_FIELDS = ("n_layers", "grouping", "grouping_colour_weight", "grouping_position_weight",
               "grouping_min_mass", "grouping_min_layer_mass", "grouping_merge_distance",
               "auto_max_layers", "auto_min_distance", "clean_low", "clean_high",
               "sum_to_one_weight", "relaxed_iterations", "relaxed_floor", "gamma_base",
               "gamma_gradient_cap", "cg_tolerance", "cg_max_iterations")


def segment_cached(image, feats, k, seed, params):
    """``sss_fast.segment(image, feats, n_layers=k, seed=seed, params=params).layers``, with
    the spectral part (superpixels → constrained sparsification) computed once per
    image and params and reused for every layer count: the grouping and the relaxed
    stage run per k exactly as ``segment`` runs them (images under the spectral cap)."""
    import sss_fast
    from sss_fast import pipeline
    from sss_fast.stages import grouping

    h, w = image.shape[:2]
    if params.spectral_factor(h, w) != 1:
        return sss_fast.segment(image, feats, n_layers=k, seed=seed, params=params).layers
    # Fields read after the spectral part do not enter the key: variants of the
    # grouping or the relaxed stage reuse the same components.
    key = (id(image), image.shape, repr(replace(params, **{f: getattr(sss_fast.Params(), f)
                                                            for f in LATE_FIELDS})), seed)
    p = pipeline._scaled_params(params, h * w)
    clock = pipeline.StageClock(pipeline.STAGES, None, {})
    if key not in _SPECTRAL:
        _SPECTRAL.clear()
        sp = pipeline._spectral_stages(image, feats, p, seed, False, clock, {})
        _SPECTRAL[key] = (sp["components"], sp["laplacian"])
    comps, lap = _SPECTRAL[key]
    pk = replace(p, n_layers=k)
    grouped = grouping.group_layers(comps, feats, image, pk, seed=seed)
    return pipeline.relax_and_clean(grouped, lap, image, pk, clock, {})[0]


def run_method(name, image, feats, k, seed, variants):
    """(layers (K, H, W) float64, seconds, warnings)."""
    import sss_fast

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = time.perf_counter()
        params = method_params(name, variants)
        if params is not None:
            layers = segment_cached(image, feats, k, seed, params)
        elif name == "spectral_matting":
            layers = sss_fast.spectral_matting(image, 20, features=feats, n_layers=k,
                                               seed=seed).layers
        elif name == "kmeans":
            layers = kmeans_layers(feats, k, seed)
        else:
            raise ValueError(f"unknown method {name!r}")
        dt = time.perf_counter() - t
    msgs = sorted({str(w.message)[:120] for w in caught})
    return np.asarray(layers, dtype=np.float64), dt, msgs


# --------------------------------------------------------------------------- scores

def crop_scores(layers, alpha):
    """best / union SAD (thousands of pixels) and the number of layers on the object."""
    from sss_fast import metrics

    sads = metrics.layer_sads(layers, alpha)
    return {"best": float(sads.min()) / 1e3, "union": metrics.union_sad(layers, alpha) / 1e3,
            "n_on": int(metrics.layers_on(layers, alpha).sum()), "best_layer": int(sads.argmin())}


def matched_sad(layers, ref):
    from sss_fast import metrics

    return metrics.matched_sad(layers, ref) / 1e3


def wholeness(layers, ref):
    from sss_fast import metrics

    return [float(x) for x in metrics.wholeness(layers, ref)]


def blockiness(layers, image):
    from sss_fast import metrics

    return [float(x) for x in metrics.blockiness(layers, image)]


# --------------------------------------------------------------------------- sheets

def _label(width, text):
    from quality import _label as label_u8   # bench/quality.py

    return label_u8(width, text) / 255.0


def sheet_row(image, layers, label, gap=3):
    from sss_fast import viz

    tiles = [image, np.asarray(viz.palette(layers), dtype=np.float64) / 255.0]
    tiles += [np.repeat(np.clip(l, 0, 1)[..., None], 3, axis=2) for l in layers]
    h = image.shape[0]
    sep = np.ones((h, gap, 3))
    row = np.concatenate(sum(([t, sep] for t in tiles), [])[:-1], axis=1)
    return np.concatenate([_label(row.shape[1], label), row], axis=0)


def write_sheet(path, rows):
    from sss_fast import io

    wmax = max(r.shape[1] for r in rows)
    rows = [np.pad(r, ((0, 4), (0, wmax - r.shape[1]), (0, 0)), constant_values=1.0) for r in rows]
    io.save_png(path, np.round(255 * np.clip(np.concatenate(rows, axis=0), 0, 1)).astype(np.uint8))


# --------------------------------------------------------------------------- run

def main(argv=None):
    a = _parse(argv)
    # SSS_BENCH_PACKAGE: another build's package folder (bench/quality_builds.py)
    sys.path.insert(0, os.environ.get("SSS_BENCH_PACKAGE", str(ROOT / "python")))
    import sss_fast
    from sss_fast._native import core

    core.set_num_threads(a.threads)
    variants = dict(parse_variant(v) for v in a.variant)
    methods = [m for m in a.methods.split(",") if m] + list(variants)
    ks = [int(k) for k in a.layers.split(",")]
    res = {"seed": a.seed, "threads": a.threads, "methods": methods, "variants": variants,
           "features": a.features_model, "layers": ks, "crops": {}, "docia": None, "photos": {},
           "commit": os.popen(f"git -C {ROOT} rev-parse --short HEAD 2>/dev/null").read().strip()}
    t0 = time.perf_counter()
    sheet = a.sheet_prefix

    crops = [c for c in a.crops.split(",") if c and c != "none"]
    for name in crops:
        image = read_rgb(a.data / "matting" / f"{name}.png")
        alpha = read_gray(a.data / "matting" / f"{name}_alpha.png")
        feats = features_for(name, image, a.features_model)
        row = {}
        rows = []
        for m in methods:
            for k in ks:
                layers, dt, msgs = run_method(m, image, feats, k, a.seed, variants)
                sc = crop_scores(layers, alpha)
                sc.update(seconds=dt, warnings=msgs, n_layers=int(layers.shape[0]),
                          blockiness=max(blockiness(layers, image)))
                row[f"{m}@{k}"] = sc
                print(f"  {name} {m:18s} K={k}: best {sc['best']:6.2f}k  union "
                      f"{sc['union']:6.2f}k  on-object layers {sc['n_on']}  "
                      f"blocky {sc['blockiness']:5.1f}  ({dt:.1f} s)", flush=True)
                if sheet and k == ks[0]:
                    rows.append(sheet_row(image, layers, f"{name} {m} K={k}: best "
                                          f"{sc['best']:.1f}k union {sc['union']:.1f}k"))
        res["crops"][name] = row
        if sheet:
            truth = np.stack([alpha, 1 - alpha])
            write_sheet(Path(f"{sheet}-{name}.png"), [sheet_row(image, truth, f"{name} truth")] + rows)
    if crops:
        res["crop_mean"] = {key: {s: float(np.mean([res["crops"][c][key][s] for c in crops]))
                                  for s in ("best", "union", "n_on", "blockiness")}
                            for key in res["crops"][crops[0]]}

    def save():
        if a.json_out:
            a.json_out.parent.mkdir(parents=True, exist_ok=True)
            a.json_out.write_text(json.dumps(res, indent=1))

    save()
    all_methods = methods
    if a.docia_size:
        methods = a.docia_methods.split(",") if a.docia_methods else all_methods
        image, feats = load_docia(a.data, a.docia_size)
        d = {"size": a.docia_size, "methods": {}}
        got = {}
        for m in methods:
            layers, dt, msgs = run_method(m, image, feats, 5, a.seed, variants)
            got[m] = layers
            d["methods"][m] = {"seconds": dt, "warnings": msgs,
                               "blockiness": max(blockiness(layers, image))}
        ref = got.get("reference")
        if ref is None:
            ref = run_method("reference", image, feats, 5, a.seed, variants)[0]
        for m in methods:
            d["methods"][m].update(matched_sad=matched_sad(got[m], ref),
                                   whole=wholeness(got[m], ref))
            s = d["methods"][m]
            print(f"  docia {a.docia_size}² {m:18s} matched SAD vs reference "
                  f"{s['matched_sad']:6.2f}k  whole {' '.join(f'{w:.2f}' for w in s['whole'])}  "
                  f"blocky {s['blockiness']:5.1f}  ({s['seconds']:.1f} s)", flush=True)
        res["docia"] = d
        if sheet:
            write_sheet(Path(f"{sheet}-docia.png"),
                        [sheet_row(image, got[m], f"docia {m}: matched SAD "
                                   f"{d['methods'][m]['matched_sad']:.1f}k") for m in methods])

    save()
    methods = a.photo_methods.split(",") if a.photo_methods else all_methods
    photos = [p for p in a.photos.split(",") if p and p != "none"]
    for name in photos:
        image = photo_image(name, a.data, a.skimage_side)
        feats = features_for(name, image, a.features_model)
        info, rows = {}, []
        for m in methods:
            layers, dt, msgs = run_method(m, image, feats, 5, a.seed, variants)
            b = blockiness(layers, image)
            mass = [float(x) for x in layers.reshape(layers.shape[0], -1).mean(axis=1)]
            info[m] = {"seconds": dt, "warnings": msgs, "blockiness": b, "layer_mass": mass}
            print(f"  photo {name:10s} {m:18s} blocky {max(b):5.1f}  smallest layer "
                  f"{100 * min(mass):4.1f} %  ({dt:.1f} s)", flush=True)
            rows.append(sheet_row(image, layers, f"{name} {m}: blocky {max(b):.1f}, smallest "
                                  f"layer {100 * min(mass):.1f} %"))
        if name == "dancer" and (a.data / "photos" / "dancer_port_layers.npy").exists():
            port = np.load(a.data / "photos" / "dancer_port_layers.npy").transpose(2, 0, 1)
            rows.append(sheet_row(image, port, "dancer: best Python port, the paper's features"))
        res["photos"][name] = info
        if sheet:
            write_sheet(Path(f"{sheet}-{name}.png"), rows)
        save()

    res["seconds"] = time.perf_counter() - t0
    if crops:
        print("\nmean over the crops (thousands of pixels):")
        print(f"  {'method@K':24s} {'best':>7s} {'union':>7s} {'n_on':>5s} {'blocky':>7s}")
        for key, v in res["crop_mean"].items():
            print(f"  {key:24s} {v['best']:7.2f} {v['union']:7.2f} {v['n_on']:5.1f} "
                  f"{v['blockiness']:7.1f}")
    save()
    return res


if __name__ == "__main__":
    main()
