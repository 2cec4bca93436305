"""End-to-end benchmark of ``sss_fast.segment`` on the docia photo.

Each size runs in its own subprocess (clean peak-memory reading from
/proc/self/status VmHWM), threads pinned. Prints per-stage wall times, peak
memory, and the ratios against the best existing Python port's figures for
the same image on this machine (../shared/data/README.md: 179 s / 1.5 GB at
320×320, 620 s / 5.9 GB at 640×640 — that port cannot be run here, so its
recorded figures are the baseline).

    python bench/bench_pipeline.py [--sizes 320,640] [--threads 2] [--out bench/results]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = {320: {"total": 179.0, "peak_gb": 1.5, "eigenvectors": 47.0, "constrained": 113.0,
                  "relaxed": 8.5},
            640: {"total": 620.0, "peak_gb": 5.9, "eigenvectors": 184.0, "constrained": 360.0,
                  "relaxed": 44.0}}

CHILD = r"""
import json, sys, time
import numpy as np
from PIL import Image
size, data, seed = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
a = np.asarray(Image.open(data).convert("RGB"), dtype=np.float64) / 255.0
img, feat = a[:, :640], a[:, 640:]
f = 640 // size
if f > 1:
    img = img.reshape(size, f, size, f, 3).mean(axis=(1, 3))
    feat = feat.reshape(size, f, size, f, 3).mean(axis=(1, 3))
import sss_fast
t = time.perf_counter()
r = sss_fast.segment(np.ascontiguousarray(img), np.ascontiguousarray(feat), seed=seed)
wall = time.perf_counter() - t
hwm = 0
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        hwm = int(line.split()[1]) * 1024
eig = {k: v for k, v in r.info["eigen"].items() if isinstance(v, (int, float, bool))}
print(json.dumps({"size": size, "wall": wall, "timings": r.timings, "peak_bytes": hwm,
                  "eigen": eig, "n_components": r.info["n_components"],
                  "sum_error": float(abs(r.layers.sum(0) - 1).max())}))
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="320,640")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20180812)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "docia.png"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = ap.parse_args()
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(args.threads)
    if (ROOT / "python" / "sss_fast").exists() and any((ROOT / "python" / "sss_fast").glob("_core*")):
        env["PYTHONPATH"] = str(ROOT / "python") + os.pathsep + env.get("PYTHONPATH", "")
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        out = subprocess.run([sys.executable, "-c", CHILD, str(size), args.data, str(args.seed)],
                             env=env, capture_output=True, text=True, check=True)
        rec = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(rec)
        base = BASELINE.get(size)
        t = rec["timings"]
        print(f"\n== docia {size}×{size}, {args.threads} threads ==")
        for k in ("superpixels", "laplacian", "eigenvectors", "constrained", "grouping",
                  "relaxed", "cleanup", "total"):
            line = f"  {k:13s} {t[k]:8.2f} s"
            if base and k in base:
                line += f"   baseline {base[k]:7.1f} s   ×{base[k] / t[k]:6.1f}"
            print(line)
        gb = rec["peak_bytes"] / 1e9
        line = f"  peak memory   {gb:8.2f} GB"
        if base:
            line += f"   baseline {base['peak_gb']:7.1f} GB   ×{base['peak_gb'] / gb:6.1f} less"
        print(line)
        print(f"  eigen: {rec['eigen']}")
    meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "host": platform.node(),
            "machine": platform.processor() or platform.machine(), "threads": args.threads,
            "load_avg": os.getloadavg(), "baseline": BASELINE, "runs": rows}
    try:
        meta["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True).stdout.strip()
    except OSError:
        pass
    Path(args.out).mkdir(parents=True, exist_ok=True)
    path = Path(args.out) / f"pipeline-{time.strftime('%Y%m%d-%H%M%S')}-{platform.node()}.json"
    path.write_text(json.dumps(meta, indent=1))
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
