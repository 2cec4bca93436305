#!/usr/bin/env python
"""Params variants against the defaults, judged over several seeds.

A seed alone moves single real-crop scores by up to 20× (``seed_sensitivity.py``):
any change that is not bit-identical perturbs the eigenvectors at the solver's
tolerance, and the constrained IRLS, its pruning and the grouping grow that into
a different cut. So a variant is judged the way a seed is: every score is taken
at every seed, for the defaults and for each variant in the same run, and a
variant passes a score when its mean over the seeds lies inside the defaults'
range over the same seeds (or below it: lower is better). A variant that changes
only what runs after the grouping (the relaxed stage, the clean-up) keeps every
seed's cut, so for it the seed-by-seed relative change is printed too: there a
1 % bar is meaningful.

Scores (thousands of pixels, lower is better):

* the real crops of ``../shared/data/matting`` with the default features
  (cached by ``quality_real.features_for``): best single layer and union SAD
  against the true alpha at each of ``--layers``;
* docia 640² with the paper's features: mean matched-layer SAD against the
  gold standard, the layers of ``Params.reference()`` at the paper's seed
  (cached under ``build/quality_seeds``: delete it after a change to the
  reference path);
* with ``--scenes``: the synthetic scenes at 96² (``quality.py``'s SAD).

Each docia run also records its stage timings, so a speed variant's time is
read beside its quality (alternating with the defaults, one process; use
``speed_builds.py`` for peak memory in fresh processes).

    PYTHONPATH=python python bench/quality_seeds.py --seeds 20180812,1,2 \\
        --variant half:spectral_scale=2 --variant e50:n_eigenvectors=50 \\
        --json-out bench/results/<date>-quality-seeds.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
# SSS_BENCH_PACKAGE: another build's package folder (as bench/quality_builds.py passes it)
sys.path.insert(0, os.environ.get("SSS_BENCH_PACKAGE", str(ROOT / "python")))

import numpy as np  # noqa: E402

import quality_real as qr  # noqa: E402

CACHE = ROOT / "build" / "quality_seeds"
GOLD_SEED = 20180812


def _parse(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=qr.DATA)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seeds", default="20180812,1,2")
    ap.add_argument("--variant", action="append", default=[],
                    help="name:field=value,... — Params() with those fields replaced")
    ap.add_argument("--layers", default="5,2")
    ap.add_argument("--crops", default=",".join(qr.CROPS), help="crops, or 'none'")
    ap.add_argument("--docia-size", type=int, default=640, help="0 skips docia")
    ap.add_argument("--scenes", action="store_true", help="also the synthetic scenes at 96²")
    ap.add_argument("--json-out", type=Path)
    return ap.parse_args(argv)


def gold_layers(data, size):
    """docia's layers from the paper's features with ``Params.reference()`` (cached)."""
    import sss_fast

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"docia-{size}-reference-s{GOLD_SEED}.npy"
    if path.exists():
        return np.load(path)
    img, feat = qr.load_docia(data, size)
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lay = sss_fast.segment(img, feat, params=sss_fast.Params.reference(),
                               seed=GOLD_SEED).layers
    print(f"  gold: docia {size}² Params.reference(): {time.perf_counter() - t:.1f} s", flush=True)
    np.save(path, np.asarray(lay, np.float32))
    return np.load(path)


def summarise(rows, names):
    """rows[name][score] = [value per seed] → per score: mean/min/max of each
    variant, and whether each variant's mean is at most the defaults' max."""
    out = {}
    for score in rows["defaults"]:
        base = rows["defaults"][score]
        entry = {"defaults": {"mean": float(np.mean(base)), "min": float(np.min(base)),
                              "max": float(np.max(base))}}
        for n in names[1:]:
            v = rows[n][score]
            # seed by seed: meaningful when the variant changes only what comes
            # after the chaotic constrained stage and grouping (same cut)
            paired = max(abs(x - y) / max(abs(y), 1e-12) for x, y in zip(v, base))
            entry[n] = {"mean": float(np.mean(v)), "min": float(np.min(v)),
                        "max": float(np.max(v)), "within": bool(np.mean(v) <= np.max(base)),
                        "max_paired_rel_change": float(paired)}
        out[score] = entry
    return out


def main(argv=None):
    a = _parse(argv)
    import sss_fast

    sss_fast.set_num_threads(a.threads)
    seeds = [int(s) for s in a.seeds.split(",")]
    ks = [int(k) for k in a.layers.split(",")]
    variants = dict(qr.parse_variant(v) for v in a.variant)
    names = ["defaults", *variants]
    params = {"defaults": sss_fast.Params(),
              **{n: replace(sss_fast.Params(), **ch) for n, ch in variants.items()}}
    crops = [] if a.crops == "none" else a.crops.split(",")
    rows = {n: {} for n in names}
    timings = {n: [] for n in names}

    def add(name, score, value):
        rows[name].setdefault(score, []).append(float(value))

    crop_data = {}
    for c in crops:
        img = qr.read_rgb(a.data / "matting" / f"{c}.png")
        crop_data[c] = (img, qr.features_for(c, img), qr.read_gray(a.data / "matting" / f"{c}_alpha.png"))
    gold = docia = None
    if a.docia_size:
        gold = gold_layers(a.data, a.docia_size)
        docia = qr.load_docia(a.data, a.docia_size)

    for seed in seeds:
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # variant innermost: variants that differ only after the spectral
            # part reuse its components (quality_real.segment_cached)
            for c, (img, feat, alpha) in crop_data.items():
                for n in names:
                    for k in ks:
                        sc = qr.crop_scores(qr.segment_cached(img, feat, k, seed, params[n]), alpha)
                        add(n, f"{c}@{k} best", sc["best"])
                        add(n, f"{c}@{k} union", sc["union"])
            for n in names:
                if docia is not None:
                    r = sss_fast.segment(*docia, params=params[n], seed=seed)
                    add(n, "docia matched", qr.matched_sad(r.layers, gold))
                    timings[n].append({k: round(v, 2) for k, v in r.timings.items()})
                    print(f"  seed {seed} {n}: docia {timings[n][-1]}", flush=True)
                if a.scenes:
                    import quality
                    import scenes as scn

                    for s in scn.SCENES:
                        image, feats, truth = scn.make_scene(s, 96)
                        lay = sss_fast.segment(image, feats, n_layers=truth.shape[0], seed=seed,
                                               params=params[n]).layers
                        sc, _ = quality.score(np.asarray(lay, np.float64), truth,
                                              scn.transition_band(truth))
                        add(n, f"scene {s} sad", sc["sad"])
        print(f"seed {seed}: {time.perf_counter() - t0:.0f} s", flush=True)
        for r in rows.values():   # mean over crops per layer count, per seed
            for k in ks:
                for what in ("best", "union"):
                    vals = [r[f"{c}@{k} {what}"][-1] for c in crops]
                    if vals:
                        r.setdefault(f"crops@{k} {what} mean", []).append(float(np.mean(vals)))

    summary = summarise(rows, names)
    keys = [s for s in summary if "mean" in s or s.startswith("docia")] + \
        [s for s in summary if "mean" not in s and not s.startswith("docia")]
    print(f"\nmeans over seeds {seeds} (min–max); '*' = variant mean above the defaults' max")
    print(f"{'score':26s}" + "".join(f"{n:>25s}" for n in names))
    for s in keys:
        e = summary[s]
        cells = []
        for n in names:
            x = e[n]
            mark = "" if n == "defaults" or x["within"] else "*"
            cells.append(f"{x['mean']:.2f} ({x['min']:.1f}–{x['max']:.1f}){mark}")
        print(f"{s:26s}" + "".join(f"{c:>25s}" for c in cells))
    for n in names[1:]:
        worst = max(summary, key=lambda sc: summary[sc][n]["max_paired_rel_change"])
        print(f"{n}: largest seed-by-seed relative change {100 * summary[worst][n]['max_paired_rel_change']:.3f} % "
              f"({worst})")
    if any(timings.values()):
        print("\ndocia total seconds per seed:",
              {n: [t["total"] for t in timings[n]] for n in names})
    if a.json_out:
        a.json_out.parent.mkdir(parents=True, exist_ok=True)
        a.json_out.write_text(json.dumps({
            "seeds": seeds, "variants": {n: variants.get(n, {}) for n in names},
            "scores": rows, "summary": summary, "docia_timings": timings,
            "threads": a.threads}, indent=1, default=str))
        print("wrote", a.json_out)


if __name__ == "__main__":
    main()
