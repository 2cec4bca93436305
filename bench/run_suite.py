#!/usr/bin/env python
"""sss_fast benchmark suite: speed, memory, scaling and quality, side by side.

    PYTHONPATH=python python bench/run_suite.py            # full suite (long: hours)
    PYTHONPATH=python python bench/run_suite.py --quick    # smoke run, a few minutes
    PYTHONPATH=python python bench/run_suite.py --quality-only
    PYTHONPATH=python python bench/run_suite.py --render bench/results/<stem>.json  # redo md/plots

Writes bench/results/<date>-<host>[-quick|-quality][-N].json (-N: the N-th run of
the day with that name; nothing is overwritten), a markdown summary
(.md) next to it and PNG plots (-scaling, -memory, -reference, -quality).

This file is the command line only; the parts live apart: suite_run.py
(running: the measuring child processes and the loops that start them),
suite_analysis.py (scaling fits, targets, the markdown report), suite_plots.py
(the PNG plots) and suite_config.py (the settings they share).

Parts:

1. End to end (docia resized to each --sizes entry, W×H; upscaled above 640²
   with bicubic interpolation, box-averaged below): ``sss_fast.segment`` in one
   subprocess per (size, threads), OMP/OpenBLAS/MKL/numba threads pinned by
   environment; per-stage wall time and per-stage peak resident memory
   (VmHWM, reset between stages through /proc/self/clear_refs), whole-run
   peak, CPU time. Log-log slope of time against pixels per stage (fit over
   0.4–3.2 MP when at least two sizes lie there, else over all sizes; the
   range used is reported).
2. Reference: each native stage against the NumPy/SciPy reference of the same
   math in tests/reference (same inputs, one subprocess per stage, threads =
   the largest --threads), at a per-stage size (--ref-sizes): 640² where the
   reference is affordable, smaller where it is not — the size is printed on
   every row; nothing is extrapolated. Native matting Laplacian against
   pymatting's ``cf_laplacian`` at --pymatting-sizes.
3. Quality (bench/quality.py): synthetic scenes with known soft alphas;
   SSS vs spectral matting vs k-means on features; docia sparsity and
   sum-to-one error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from suite_analysis import analyse, markdown
from suite_config import BASELINE, DATA, FULL, HERE, QUICK
from suite_plots import plots
from suite_run import child_e2e, child_reference, machine_info, run_e2e, run_quality, run_reference

def parse(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small smoke configuration (minutes)")
    ap.add_argument("--sizes", help=f"W×H list (full: {FULL['sizes']}; quick: {QUICK['sizes']})")
    ap.add_argument("--threads", help="thread counts, e.g. 1,2 (default 1,2)")
    ap.add_argument("--ref-sizes", help=f"stage=side list (full: {FULL['ref_sizes']})")
    ap.add_argument("--pymatting-sizes", help=f"W×H list (full: {FULL['pymatting_sizes']})")
    ap.add_argument("--timeout", type=int, help="seconds per end-to-end run (full 5400)")
    ap.add_argument("--ref-timeout", type=int, help="seconds per reference row (full 1800)")
    ap.add_argument("--ref-constrained-iterations", type=int,
                    help="IRLS iterations of the constrained native/reference pair (full 40, quick 4; "
                         "the reference's dense (K−1)M solve costs seconds per iteration)")
    ap.add_argument("--skip-reference", action="store_true")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--photos", default="astronaut,chelsea,coffee,rocket",
                    help="scikit-image photos whose contact sheets (reference vs defaults vs auto) "
                         "the quality part writes as <stem>-photo-<name>.png; none to skip")
    ap.add_argument("--quality-only", action="store_true")
    ap.add_argument("--quality-size", type=int)
    ap.add_argument("--docia-size", type=int, help="docia side for the sparsity numbers (0 = skip)")
    ap.add_argument("--seed", type=int, default=20180812)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--tag", default=None, help="suffix of the result files (default quick/quality)")
    ap.add_argument("--render", type=Path, default=None,
                    help="only re-analyse a results JSON and rewrite its markdown and plots")
    # child modes (internal)
    ap.add_argument("--child", choices=("e2e", "reference"), help=argparse.SUPPRESS)
    ap.add_argument("--size", help=argparse.SUPPRESS)
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--nthreads", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    cfg = QUICK if a.quick else FULL
    for k, dv in cfg.items():
        if getattr(a, k, None) is None:
            setattr(a, k, dv)
    return a


def main(argv=None):
    a = parse(argv)
    if a.child:
        a.threads = a.nthreads
        rec = child_e2e(a) if a.child == "e2e" else child_reference(a)
        print(json.dumps(rec))
        return
    if a.render:
        res = json.loads(a.render.read_text())
        stem = str(a.render.with_suffix(""))
        analyse(res)
        a.render.write_text(json.dumps(res, indent=1, default=str))
        pngs = plots(res, stem)
        if Path(f"{stem}-quality-layers.png").exists():
            pngs.append(f"{stem}-quality-layers.png")
        markdown(res, stem, pngs)
        print(f"rewrote {stem}.json, {stem}.md and its plots")
        return
    threads = [int(t) for t in str(a.threads).split(",")]
    sizes = [s.strip() for s in a.sizes.split(",") if s.strip()]
    res = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "command": " ".join(["python"] + sys.argv),
           "quick": a.quick, "load_avg_start": os.getloadavg(), "machine": machine_info(),
           "baseline_port": BASELINE, "e2e": [], "reference": [], "quality": None}
    tag = a.tag or ("quality" if a.quality_only else "quick" if a.quick else "")
    a.out.mkdir(parents=True, exist_ok=True)
    stem = str(a.out / (time.strftime("%Y-%m-%d") + "-" + platform.node() + (f"-{tag}" if tag else "")))
    # A second run on the same day gets -2, -3, …: results are never overwritten.
    base, n = stem, 1
    while Path(f"{stem}.json").exists() or Path(f"{stem}.md").exists():
        n += 1
        stem = f"{base}-{n}"
    print(f"load average {os.getloadavg()}; results → {stem}.*", flush=True)
    common = ["--seed", str(a.seed), "--data", str(a.data)]

    if not a.quality_only:
        run_e2e(a, threads, sizes, common, res)
        if not a.skip_reference:
            run_reference(a, threads, common, res)
    if not a.skip_quality and a.quality_size:
        run_quality(a, threads, stem, res)
    res["load_avg_end"] = os.getloadavg()
    analyse(res)
    Path(f"{stem}.json").write_text(json.dumps(res, indent=1, default=str))
    pngs = plots(res, stem)
    if Path(f"{stem}-quality-layers.png").exists():
        pngs.append(f"{stem}-quality-layers.png")
    markdown(res, stem, pngs)
    print("\nTargets:")
    for t in res["targets"]:
        mark = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        print(f"  [{mark:12s}] {t['target']}: {t['detail']}")
    print(f"\nwrote {stem}.json, {stem}.md, " + ", ".join(Path(p).name for p in pngs))


if __name__ == "__main__":
    main()
