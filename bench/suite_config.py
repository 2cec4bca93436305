"""Configuration shared by the benchmark suite's parts (bench/run_suite.py):
paths, stage names, thread variables, the baseline port's figures, the
full and quick configurations."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data" / "docia.png"
STAGES = ("features", "superpixels", "laplacian", "eigenvectors", "constrained", "grouping",
          "relaxed", "cleanup")
REF_STAGES = ("superpixels", "laplacian", "eigenvectors", "constrained", "relaxed")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS")
# Figures of the best existing Python port (shared/data/README.md), not runnable here.
BASELINE = {"320x320": {"total": 179.0, "peak_gb": 1.5}, "640x640": {"total": 620.0, "peak_gb": 5.9}}
FULL = dict(sizes="320x320,640x640,1024x1024,2048x1536", threads="1,2",
            ref_sizes="superpixels=640,laplacian=640,eigenvectors=160,constrained=96,relaxed=160",
            ref_constrained_iterations=40,
            pymatting_sizes="320x320,640x640,1024x1024,2048x1536", timeout=5400, ref_timeout=1800,
            quality_size=96, docia_size=320)
QUICK = dict(sizes="96x96,128x128,192x192", threads="1,2",
             ref_sizes="superpixels=192,laplacian=192,eigenvectors=96,constrained=64,relaxed=96",
             ref_constrained_iterations=4,
             pymatting_sizes="128x128,256x256,640x640", timeout=600, ref_timeout=300,
             quality_size=96, docia_size=160)


# --------------------------------------------------------------------------- helpers (both sides)


def parse_size(s):
    s = s.strip().lower()
    if "x" in s:
        w, h = s.split("x")
        return int(w), int(h)
    return int(s), int(s)
