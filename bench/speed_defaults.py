"""docia 640² end to end: this commit's defaults against the defaults before
issue 23 (σ = 0, initial clusters on eigenvectors, grouping on colour, the
feature subspace), in one process, alternating, twice each.

    PYTHONPATH=python python bench/speed_defaults.py > bench/results/<date>-speed-defaults.log

Prints each run's stage timings and, last, all of them as one JSON line.
"""
import json
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "python"), str(HERE)]

import sss_fast  # noqa: E402
import quality_real as q  # noqa: E402

OLD = dict(sigma_semantic=0.0, sigma_color=0.0, initial_points="features+eigenvectors",
           grouping="features+colour", feature_subspace=6, grouping_min_layer_mass=0.0)


def main(threads=2, repeats=2):
    sss_fast.set_num_threads(threads)
    img, feat = q.load_docia(q.DATA, 640)
    out = {}
    for rep in range(repeats):
        for tag, p in (("new", sss_fast.Params()), ("old", replace(sss_fast.Params(), **OLD))):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t = time.perf_counter()
                r = sss_fast.segment(img, feat, params=p, seed=20180812)
                dt = time.perf_counter() - t
            row = {k: round(v, 2) for k, v in r.timings.items()}
            out.setdefault(tag, []).append(row)
            print(tag, rep, round(dt, 2), row, flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
