#!/usr/bin/env python
"""How far the real-photo scores move when nothing but a seed moves.

``segment``'s one seed drives three random choices: the Krylov start block
of the eigen stage, the k-means++ seeding of the K₀ initial components, and
the k-means++ seeding of the grouping. This script varies each on its own
(the other two at ``--base-seed``) on the five real crops of
``../shared/data/matting`` with the defaults, and reports the best-single-
layer SAD at 5 and 2 layers for every setting, so that a change of a score
can be read against what a seed alone does to it.

The eigen start changes the eigenvectors only at the solver's tolerance;
``--trace CROP`` shows where that grows: the span of the eigenvectors of two
eigen seeds (largest principal angle), and the constrained stage's energy
and component count iteration by iteration for both.

    PYTHONPATH=python python bench/seed_sensitivity.py [--seeds 1,2,3]
        [--crops crop0,...] [--trace crop0] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "python"))

import numpy as np  # noqa: E402

import quality_real as qr  # noqa: E402

SOURCES = ("eigen", "init", "grouping")


class SeedSources:
    """Routes each random choice of the pipeline to its own seed (patched in
    for this script only; ``segment`` itself takes one seed for all three)."""

    def __init__(self):
        from sss_fast import pipeline
        from sss_fast.stages import constrained

        self.seeds = dict.fromkeys(SOURCES, 0)
        eig, init = pipeline.eigenvector_stage, constrained.initial_components

        def eigen_stage(clock, lap, shape, params, seed, strict, info, **kw):
            return eig(clock, lap, shape, params, self.seeds["eigen"], strict, info, **kw)

        def initial_components(points, n, seed):
            return init(points, n, seed=self.seeds["init"])

        pipeline.eigenvector_stage = eigen_stage
        constrained.initial_components = initial_components

    def spectral(self, image, feats, params):
        """The spectral stages at the current eigen/init seeds: (stages dict, info)."""
        from sss_fast import pipeline

        info = {}
        clock = pipeline.StageClock(pipeline.STAGES, None, {})
        return pipeline._spectral_stages(image, feats, params, 0, False, clock, info), info

    def layers(self, image, feats, params, comps, lap, k):
        """Grouping (at the current grouping seed) and the relaxed stage, as segment runs them."""
        from sss_fast import pipeline
        from sss_fast.stages import grouping

        pk = replace(params, n_layers=k)
        g = grouping.group_layers(comps, feats, image, pk, seed=self.seeds["grouping"])
        clock = pipeline.StageClock(pipeline.STAGES, None, {})
        return np.asarray(pipeline.relax_and_clean(g, lap, image, pk, clock, {})[0], np.float64)


def settings(base, seeds):
    """(eigen, init, grouping) seed triples: the base, then each source alone."""
    out = [(base, base, base)]
    for i in range(3):
        for s in seeds:
            if s != base:
                t = [base] * 3
                t[i] = s
                out.append(tuple(t))
    return out


def load_crop(name):
    """(image, true alpha, default features, defaults scaled to its size) of one crop."""
    import sss_fast
    from sss_fast import pipeline

    image = qr.read_rgb(qr.DATA / "matting" / f"{name}.png")
    alpha = qr.read_gray(qr.DATA / "matting" / f"{name}_alpha.png")
    params = pipeline._scaled_params(sss_fast.Params(), image.shape[0] * image.shape[1])
    return image, alpha, qr.features_for(name, image, "default"), params


def crop_runs(src, name, base, seeds):
    from sss_fast import metrics

    image, alpha, feats, params = load_crop(name)
    spectral = {}
    rows = []
    for cfg in settings(base, seeds):
        src.seeds.update(zip(SOURCES, cfg))
        if cfg[:2] not in spectral:
            sp, _ = src.spectral(image, feats, params)
            spectral[cfg[:2]] = (sp["components"], sp["laplacian"])
        comps, lap = spectral[cfg[:2]]
        row = {"seeds": dict(zip(SOURCES, cfg)), "n_components": int(comps.shape[0])}
        for k in (5, 2):
            lay = src.layers(image, feats, params, comps, lap, k)
            row[f"best@{k}"] = float(metrics.layer_sads(lay, alpha).min()) / 1e3
        rows.append(row)
        print(f"  {name} eigen {cfg[0]} init {cfg[1]} grouping {cfg[2]}: components "
              f"{row['n_components']:2d}  best@5 {row['best@5']:6.2f}k  best@2 "
              f"{row['best@2']:6.2f}k", flush=True)
    return rows


def summary(rows):
    """Per source: the range (min, max) of each score over its seeds, base included."""
    base = rows[0]["seeds"]
    out = {}
    for src in SOURCES:
        sel = [r for r in rows if all(r["seeds"][o] == base[o] for o in SOURCES if o != src)]
        out[src] = {k: (min(r[k] for r in sel), max(r[k] for r in sel)) for k in ("best@5", "best@2")}
    return out


def trace(src, name, seeds):
    """Two eigen seeds on one crop: their eigenvectors' span and the constrained stage."""
    image, _, feats, params = load_crop(name)
    runs = []
    for s in seeds[:2]:
        src.seeds.update(eigen=s, init=seeds[0], grouping=seeds[0])
        runs.append(src.spectral(image, feats, params))
    (a, ia), (b, ib) = runs
    qa, _ = np.linalg.qr(a["eigen"].vectors.T)
    qb, _ = np.linalg.qr(b["eigen"].vectors.T)
    cos = np.clip(np.linalg.svd(qa.T @ qb, compute_uv=False), 0.0, 1.0)
    sin_max = float(np.sqrt(1.0 - cos.min() ** 2))
    ea, eb = np.asarray(ia["constrained_energy"]), np.asarray(ib["constrained_energy"])
    ka, kb = ia["constrained"]["n_components"], ib["constrained"]["n_components"]
    rel = np.abs(ea - eb) / np.abs(ea)
    print(f"  trace {name}, eigen seeds {seeds[0]} and {seeds[1]}: largest principal angle "
          f"between the eigenvector spans sin = {sin_max:.2e}")
    for t in range(len(ea)):
        print(f"    constrained iteration {t + 1:2d}: energy rel. difference {rel[t]:.1e}, "
              f"components {ka[t]} / {kb[t]}")
    return {"crop": name, "eigen_seeds": list(seeds[:2]), "span_sin_max": sin_max,
            "energy_rel_diff": rel.tolist(), "components": [np.asarray(ka).tolist(),
                                                             np.asarray(kb).tolist()]}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-seed", type=int, default=1)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--crops", default=",".join(qr.CROPS))
    ap.add_argument("--trace", default="", help="crop to trace two eigen seeds through")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json-out", type=Path)
    a = ap.parse_args(argv)
    from sss_fast._native import core

    core.set_num_threads(a.threads)
    seeds = [int(s) for s in a.seeds.split(",") if s]
    src = SeedSources()
    t0 = time.perf_counter()
    res = {"base_seed": a.base_seed, "seeds": seeds, "crops": {}, "summary": {}}
    for name in [c for c in a.crops.split(",") if c]:
        rows = crop_runs(src, name, a.base_seed, seeds)
        res["crops"][name] = rows
        res["summary"][name] = summary(rows)
    print("\nrange of each score over the seeds of one source (the others at the base seed):")
    for name, s in res["summary"].items():
        print(f"  {name}: " + "  ".join(
            f"{src_} best@5 {lo5:.2f}-{hi5:.2f}k best@2 {lo2:.2f}-{hi2:.2f}k"
            for src_, ((lo5, hi5), (lo2, hi2)) in
            ((k, (v["best@5"], v["best@2"])) for k, v in s.items())))
    if a.trace:
        res["trace"] = trace(src, a.trace, seeds)
    res["seconds"] = time.perf_counter() - t0
    if a.json_out:
        a.json_out.parent.mkdir(parents=True, exist_ok=True)
        a.json_out.write_text(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
