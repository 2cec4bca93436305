#!/usr/bin/env python
"""Where the peak memory of a docia run sits: resident memory sampled every
20 ms through ``segment`` with the defaults, the peak of each stage, and
through the eigen stage a line per second (the factorisation, then the
Krylov basis filling up).

The features are computed first (with ``--features``: loaded from a .npy of
reduced features), so torch is not in the process unless they are extracted
here; the figure is the process's resident set, interpreter and inputs
included.

    PYTHONPATH=python python bench/memory_timeline.py [--size 640] [--threads 2]
        [--features PATH.npy] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "python"))

import numpy as np  # noqa: E402


def rss_gb():
    with open("/proc/self/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1e6


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=640)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20180812)
    ap.add_argument("--features", type=Path, help="reduced features (.npy) instead of extracting")
    ap.add_argument("--json-out", type=Path)
    a = ap.parse_args(argv)
    import sss_fast
    from sss_fast._native import core
    from quality_real import DATA, load_docia

    core.set_num_threads(a.threads)
    image = load_docia(DATA, a.size)[0]
    if a.features is not None:
        feats = np.load(a.features)
    else:
        from sss_fast import features

        feats = features.reduce(features.extract(image), image)
    trace, marks, stop = [], [], threading.Event()

    def sample():
        while not stop.is_set():
            trace.append((time.perf_counter(), rss_gb()))
            time.sleep(0.02)

    th = threading.Thread(target=sample, daemon=True)
    marks.append((time.perf_counter(), "start"))
    th.start()
    r = sss_fast.segment(image, feats, seed=a.seed,
                         progress=lambda stage, i, n: marks.append((time.perf_counter(), stage)))
    marks.append((time.perf_counter(), "end"))
    stop.set()
    th.join()
    stages = []
    for (ta, name), (tb, _) in zip(marks[:-1], marks[1:]):
        seg = [m for t, m in trace if ta <= t < tb]
        if seg:
            stages.append({"stage": name, "seconds": tb - ta, "rss_start_gb": seg[0],
                           "rss_peak_gb": max(seg)})
    print(f"docia {a.size}², defaults, {a.threads} threads: resident memory by stage")
    for s in stages:
        print(f"  {s['stage']:13s} {s['seconds']:7.2f} s  start {s['rss_start_gb']:.3f} GB  "
              f"peak {s['rss_peak_gb']:.3f} GB")
    eig = next((m for m in zip(marks, marks[1:]) if m[0][1] == "eigenvectors"), None)
    seconds = []
    if eig:
        (ta, _), (tb, _) = eig
        for k in range(int(tb - ta) + 1):
            seg = [m for t, m in trace if ta + k <= t < min(tb, ta + k + 1)]
            if seg:
                seconds.append(max(seg))
        print("  eigen stage, peak per second (GB): " + " ".join(f"{v:.2f}" for v in seconds))
    res = {"size": a.size, "threads": a.threads, "stages": stages, "eigen_per_second_gb": seconds,
           "timings": r.timings, "factor_nonzeros": r.info["eigen"].get("factor_nonzeros")}
    if a.json_out:
        a.json_out.parent.mkdir(parents=True, exist_ok=True)
        a.json_out.write_text(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
